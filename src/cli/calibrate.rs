//! `verbatim calibrate`: fit the decision of a knowledge base on labeled questions and write its calibration
//! file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;

use verbatim::calibrate::questions::{self, Accuracy, Kind};
use verbatim::calibrate::{self as fit, Options};
use verbatim::knowledge::calibration;

use super::{KnowledgeArgs, print_diagnostics};

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Labeled questions, one JSON object per line: {"q": ..., "kind": "in|out|near", "expect": [...]}
    /// (the format of the project's score.py). Repeat for more files.
    #[arg(
        long = "questions",
        short = 'q',
        value_name = "FILE.jsonl",
        required = true
    )]
    questions: Vec<PathBuf>,
    #[command(flatten)]
    knowledge: KnowledgeArgs,
    /// Where to write the calibration [default: calibration.toml in the first --knowledge directory, or
    /// knowledge/calibration.toml for the shipped knowledge].
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Only print the figures; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Folds of the cross-validation.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(2..=20))]
    folds: u16,
}

pub fn calibrate(args: &CalibrateArgs) -> anyhow::Result<ExitCode> {
    let mut set = Vec::new();
    for path in &args.questions {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the question file {}", path.display()))?;
        match questions::read(path, &text) {
            Ok(mut items) => set.append(&mut items),
            Err(problems) => {
                print_diagnostics(&mut std::io::stderr(), &problems, false)?;
                bail!("{} has malformed lines (see above)", path.display());
            }
        }
    }
    if set.is_empty() {
        bail!("no questions in the files given");
    }
    let out = match (&args.out, args.knowledge.paths.first()) {
        (Some(out), _) => out.clone(),
        (None, Some(first)) if first.is_dir() => first.join(calibration::FILE_NAME),
        (None, Some(first)) => first
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join(calibration::FILE_NAME),
        (None, None) => PathBuf::from("knowledge").join(calibration::FILE_NAME),
    };
    let mut engine = args.knowledge.engine()?;
    let options = Options {
        folds: usize::from(args.folds),
        ..Options::default()
    };
    let report = fit::calibrate(&mut engine, &set, options);
    let counts = |kind| {
        report
            .current
            .counts
            .get(&kind)
            .map_or(0, |&(_, all): &(usize, usize)| all)
    };
    println!(
        "{} questions ({} in scope, {} out of scope, {} near misses), {} folds\n",
        report.questions,
        counts(Kind::In),
        counts(Kind::Out),
        counts(Kind::Near),
        args.folds
    );
    println!("| | in scope answered | out of scope declined | near misses declined |");
    println!("|---|---:|---:|---:|");
    let row = |name: &str, a: &Accuracy| {
        println!(
            "| {name} | {:.1}% | {:.1}% | {:.1}% |",
            a.percent(Kind::In),
            a.percent(Kind::Out),
            a.percent(Kind::Near)
        );
    };
    row("current calibration", &report.current);
    row("fitted, cross-validated", &report.cross_validated);
    row("fitted, on all these questions", &report.fitted_on_all);
    let names: Vec<String> = args
        .questions
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let comment = format!(
        "How verbatim decides whether its best match answers a question: fitted by `verbatim calibrate` on\n\
         {} labeled questions ({}).\n\
         Cross-validated ({} folds): in scope answered {:.1}%, out of scope declined {:.1}%, near misses declined {:.1}%.",
        report.questions,
        names.join(", "),
        args.folds,
        report.cross_validated.percent(Kind::In),
        report.cross_validated.percent(Kind::Out),
        report.cross_validated.percent(Kind::Near),
    );
    let text = calibration::write(&report.calibration, &comment);
    if args.dry_run {
        println!("\n(dry run: {} not written)\n\n{text}", out.display());
    } else {
        std::fs::write(&out, &text).with_context(|| format!("writing {}", out.display()))?;
        println!("\nwrote {}", out.display());
    }
    Ok(ExitCode::SUCCESS)
}
