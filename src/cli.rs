//! The command line: clap definitions (their doc comments are the `--help` text) and the offline commands
//! `ask`, `chat`, `check` and `bench`; the curation commands `draft` and `review` are in [`curate`],
//! `calibrate` in [`calibrate`]. `run` (and `run --check`) is in [`run`], logging in [`logs`].

mod calibrate;
mod curate;
pub mod logs;
mod run;

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

use verbatim::answer::conversation::Conversation;
use verbatim::answer::{Engine, InvalidKnowledge};
use verbatim::diagnostic::Diagnostic;
use verbatim::knowledge::{builtin, check, load};
use verbatim::matcher::MatcherConfig;

/// Answers questions with verbatim, sourced quotes from curated reports: on the command line, or as a Matrix
/// bot.
#[derive(Debug, Parser)]
#[command(name = "verbatim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Answer a question (or one question per line of standard input) with a verbatim quote and its source.
    Ask {
        #[command(flatten)]
        knowledge: KnowledgeArgs,
        /// Print one JSON object per question instead of the reply text.
        #[arg(long)]
        json: bool,
        /// Also print the five best-scoring entries and their scores to standard error (for curators).
        #[arg(long)]
        explain: bool,
        /// Append each question that gets no answer (outcome none or suggest) to this JSONL file, as the bot
        /// does with `[curation] log_unanswered = true`; read it back with `verbatim review --log PATH`.
        #[arg(long, value_name = "PATH")]
        log_unanswered: Option<PathBuf>,
        /// Read standard input as one conversation, as `chat` and a room do: each question is answered in the
        /// light of the ones before ("what else did he say?", "who is he?", "and Wang Gang?", or "1" to take
        /// the first "did you mean" suggestion). Without it every line is asked on its own.
        #[arg(long)]
        conversation: bool,
        /// The question (several words are joined). Without it, questions are read from standard input, one
        /// per line, and answered in order.
        question: Vec<String>,
    },
    /// Ask questions interactively, as one conversation (follow-ups like "what else did he say?" and "1" for a
    /// suggestion work); Ctrl-D ends.
    Chat {
        #[command(flatten)]
        knowledge: KnowledgeArgs,
    },
    /// Run the Matrix bot until SIGINT or SIGTERM (then finish in-flight replies and exit 0); SIGHUP applies
    /// the configuration keys that can change live, logs the changed ones that need a restart, and reloads the
    /// knowledge.
    Run {
        /// The configuration file (see config.example.toml).
        #[arg(
            long,
            short = 'c',
            value_name = "PATH",
            env = "VERBATIM_CONFIG",
            default_value = "config.toml"
        )]
        config: PathBuf,
        /// Only check: read the configuration and the knowledge, report every error with its line, print the
        /// effective configuration (secrets redacted), and exit 0 (usable) or 1, without contacting the
        /// homeserver.
        #[arg(long)]
        check: bool,
    },
    /// Check knowledge files and report every problem as `path:line:col: message`; exits non-zero on errors.
    Check {
        #[command(flatten)]
        thresholds: Thresholds,
        /// Knowledge files or directories [default: the shipped knowledge/, as compiled in].
        paths: Vec<PathBuf>,
    },
    /// Draft a knowledge file from a plain-text report and print it (TOML) to standard output: entries for
    /// the title, date, captions and every sentence, speakers with their capacities, and question phrasings
    /// marked `# review:` for a curator to edit.
    Draft(curate::DraftArgs),
    /// Group the logged unanswered questions, show the nearest entries of each group and a phrasing to add;
    /// with --feedback, list the disliked answers of the feedback log first, and count the liked ones.
    Review(curate::ReviewArgs),
    /// Fit the decision (answer, suggest or nothing) of a knowledge base on labeled questions, print the
    /// cross-validated accuracy beside the current one, and write the calibration file.
    Calibrate(calibrate::CalibrateArgs),
    /// Benchmark the matcher on synthetic knowledge of several sizes against a naive baseline and print
    /// markdown tables (build with --release). With --generate, only write synthetic knowledge.
    Bench(BenchArgs),
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Only generate: write synthetic knowledge (knowledge/*.toml, knowledge/sources/*.txt) and
    /// questions.jsonl into this directory, with the first of --entries, then exit.
    #[arg(long, value_name = "DIR")]
    generate: Option<PathBuf>,
    /// Knowledge sizes in entries, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [1_000, 10_000, 100_000])]
    entries: Vec<usize>,
    /// Seed of the generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Generated questions of each kind (exact, paraphrase, typo, out-of-scope).
    #[arg(long, default_value_t = 1_000)]
    questions: usize,
    /// Baseline questions of each kind [default: 250,000 / entries, between 8 and 100].
    #[arg(long)]
    baseline_per_kind: Option<usize>,
    /// Runs of `verbatim ask` timed as whole processes (0 for none).
    #[arg(long, default_value_t = 50)]
    ask_runs: usize,
    /// Where generated knowledge goes, one subdirectory per size.
    #[arg(long, default_value = "target/verbatim-bench")]
    dir: PathBuf,
    /// Measure the knowledge already generated in --dir and print a JSON report (used by bench itself).
    #[arg(long, hide = true)]
    child: bool,
}

#[derive(Debug, Args)]
pub struct KnowledgeArgs {
    /// A knowledge file or a directory of them; repeat for more. Replaces the compiled-in knowledge.
    #[arg(long = "knowledge", short = 'k', value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub thresholds: Thresholds,
}

#[derive(Debug, Args)]
pub struct Thresholds {
    /// Answer when the decision's confidence is at least this (0 to 1) [default: the knowledge's
    /// calibration.toml, or the shipped one].
    #[arg(long, value_name = "CONFIDENCE")]
    pub answer_threshold: Option<f64>,
    /// Offer "did you mean" suggestions when the confidence is at least this (0 to 1, at most the answer
    /// threshold) [default: the calibration's].
    #[arg(long, value_name = "CONFIDENCE")]
    pub suggest_threshold: Option<f64>,
}

impl Thresholds {
    /// Validates the flags into a matcher configuration.
    pub fn config(&self) -> anyhow::Result<MatcherConfig> {
        for (flag, value) in [
            ("--answer-threshold", self.answer_threshold),
            ("--suggest-threshold", self.suggest_threshold),
        ] {
            if let Some(value) = value
                && !(0.0..=1.0).contains(&value)
            {
                bail!("{flag} must be between 0 and 1, not {value}");
            }
        }
        if let (Some(answer), Some(suggest)) = (self.answer_threshold, self.suggest_threshold)
            && suggest > answer
        {
            bail!(
                "--suggest-threshold ({suggest}) must not be above --answer-threshold ({answer})"
            );
        }
        Ok(MatcherConfig {
            answer_threshold: self.answer_threshold,
            suggest_threshold: self.suggest_threshold,
            ..MatcherConfig::default()
        })
    }
}

impl KnowledgeArgs {
    fn engine(&self) -> anyhow::Result<Engine> {
        match Engine::load(&self.paths, self.thresholds.config()?) {
            Ok((engine, warnings)) => {
                for warning in warnings {
                    tracing::debug!("{warning}");
                }
                Ok(engine)
            }
            Err(InvalidKnowledge(diagnostics)) => {
                let diagnostics = verbatim::diagnostic::explain(diagnostics);
                print_diagnostics(&mut std::io::stderr(), &diagnostics, false)?;
                bail!(
                    "the knowledge has errors; fix them (see above) or run `verbatim check` on it"
                )
            }
        }
    }
}

/// Runs an offline command.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Ask {
            knowledge,
            json,
            explain,
            log_unanswered,
            conversation,
            question,
        } => ask(
            &knowledge.engine()?,
            json,
            explain,
            log_unanswered.as_deref(),
            conversation,
            &question,
        ),
        Command::Chat { knowledge } => chat(&knowledge.engine()?),
        Command::Check { thresholds, paths } => check_files(&thresholds.config()?, &paths),
        Command::Run { config, check } => run::run(&config, check),
        Command::Bench(args) => bench(&args),
        Command::Draft(args) => curate::draft(&args),
        Command::Review(args) => curate::review(&args),
        Command::Calibrate(args) => calibrate::calibrate(&args),
    }
}

fn bench(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    use verbatim::bench::run;
    if args.child {
        let sample = args.baseline_per_kind.unwrap_or(10);
        println!(
            "{}",
            serde_json::to_string(&verbatim::bench::measure(&args.dir, sample)?)?
        );
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(dir) = &args.generate {
        let entries = args.entries.first().copied().unwrap_or(1_000);
        run::generate_into(dir, entries, args.seed, args.questions)?;
        println!(
            "wrote {entries} entries and {} questions to {}",
            args.questions * 4,
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let options = run::Options {
        sizes: args.entries.clone(),
        seed: args.seed,
        dir: args.dir.clone(),
        per_kind: args.questions,
        baseline_per_kind: args.baseline_per_kind,
        ask_runs: args.ask_runs,
    };
    let exe = std::env::current_exe().context("finding this executable")?;
    println!("{}", run::run(&exe, &options)?);
    Ok(ExitCode::SUCCESS)
}

fn ask(
    engine: &Engine,
    json: bool,
    explain: bool,
    log: Option<&std::path::Path>,
    conversation: bool,
    question: &[String],
) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    // With --conversation, every question is asked in the same conversation.
    let mut talk = conversation.then(Conversation::default);
    let mut answer = |q: &str, out: &mut dyn Write| -> anyhow::Result<()> {
        let reply = match talk.as_mut() {
            Some(talk) => engine.ask_in(talk, q),
            None => engine.ask(q),
        };
        let unanswered = log.and_then(|path| {
            verbatim::curation::UnansweredRecord::for_reply(&reply, None, None)
                .map(|record| (path, record))
        });
        if let Some((path, record)) = unanswered {
            verbatim::curation::append_unanswered(path, &record)
                .with_context(|| format!("appending to the unanswered log {}", path.display()))?;
        }
        if explain {
            eprint!("{}", engine.explanation(q));
        }
        if json {
            writeln!(out, "{}", reply.json())?;
        } else {
            writeln!(out, "{}", reply.plain())?;
        }
        out.flush()?;
        Ok(())
    };
    if !question.is_empty() {
        answer(&question.join(" "), &mut out)?;
        return Ok(ExitCode::SUCCESS);
    }
    for line in std::io::stdin().lock().lines() {
        let line = line.context("reading a question from standard input")?;
        answer(line.trim_end_matches('\r'), &mut out)?;
        if !json {
            writeln!(out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn chat(engine: &Engine) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let sources: Vec<String> = engine
        .knowledge()
        .sources
        .iter()
        .map(|s| format!("\"{}\"", s.title))
        .collect();
    writeln!(
        out,
        "verbatim: ask about {}. Ctrl-D ends.",
        sources.join(", ")
    )?;
    // One conversation for the whole session: follow-ups refer to the answers before.
    let mut talk = Conversation::default();
    let mut lines = std::io::stdin().lock().lines();
    loop {
        write!(out, "> ")?;
        out.flush()?;
        let Some(line) = lines.next() else { break };
        let line = line.context("reading from standard input")?;
        if line.trim().is_empty() {
            continue;
        }
        writeln!(out, "{}\n", engine.ask_in(&mut talk, &line).plain())?;
    }
    writeln!(out)?;
    Ok(ExitCode::SUCCESS)
}

fn check_files(config: &MatcherConfig, paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    // A configuration file of the bot given as knowledge: say which command checks it.
    let configs: Vec<&PathBuf> = paths
        .iter()
        .filter(|p| {
            p.is_file()
                && std::fs::read_to_string(p).is_ok_and(|t| verbatim::config::looks_like_config(&t))
        })
        .collect();
    for path in &configs {
        let d = Diagnostic::error(path, "", 0, "this is a configuration file of the bot, not a knowledge file")
            .with_hint(format!(
                "check it with `verbatim run --check --config {}`; `verbatim check` takes knowledge files",
                path.display()
            ));
        writeln!(out, "{d}")?;
    }
    if !configs.is_empty() {
        writeln!(out, "{} error(s)", configs.len())?;
        return Ok(ExitCode::FAILURE);
    }
    let mut loaded = if paths.is_empty() {
        builtin::load_builtin()
    } else {
        load::load_paths(paths)
    };
    let config = MatcherConfig {
        calibration: loaded.calibration_or_builtin(),
        ..config.clone()
    };
    let diagnostics = verbatim::diagnostic::explain(check::check(&mut loaded, &config));
    print_diagnostics(&mut out, &diagnostics, true)?;
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let knowledge = &loaded.knowledge;
    writeln!(
        out,
        "{} error(s), {} warning(s); {} source(s), {} entries checked",
        errors,
        diagnostics.len() - errors,
        knowledge.sources.len(),
        knowledge.entries.len()
    )?;
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_diagnostics(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    warnings: bool,
) -> std::io::Result<()> {
    for d in diagnostics.iter().filter(|d| warnings || d.is_error()) {
        writeln!(out, "{d}")?;
    }
    Ok(())
}
