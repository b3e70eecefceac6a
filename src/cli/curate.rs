//! The curation commands: `draft` (a knowledge file from a report) and `review` (the unanswered-question
//! log, grouped; the feedback log, disliked answers first).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use verbatim::curation::{self, feedback, review};
use verbatim::draft::{DraftOptions, draft as draft_report, writer};

use super::KnowledgeArgs;

#[derive(Debug, Args)]
pub struct DraftArgs {
    /// The report, as plain text (first line the title).
    pub report: PathBuf,
    /// The title [default: the report's first non-empty line].
    #[arg(long)]
    pub title: Option<String>,
    /// The date [default: the one the report gives, e.g. "Updated : 2023-03-10"].
    #[arg(long)]
    pub date: Option<String>,
    /// The source id [default: made from the title and the year].
    #[arg(long)]
    pub id: Option<String>,
    /// The `text` path written into the draft, relative to the knowledge file [default: sources/<report file
    /// name>]. Copy the report there.
    #[arg(long, value_name = "PATH")]
    pub source_path: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The log of unanswered questions (JSONL) [default: state/unanswered.jsonl, unless only --feedback is
    /// given].
    #[arg(long, value_name = "PATH")]
    pub log: Option<PathBuf>,
    /// The feedback log (JSONL, the bot's state_dir/feedback.jsonl): list the disliked answers first, grouped
    /// by entry, with the entries ranked next as the likely better ones; then count the liked answers.
    #[arg(long, value_name = "PATH")]
    pub feedback: Option<PathBuf>,
    #[command(flatten)]
    pub knowledge: KnowledgeArgs,
}

/// `verbatim draft`: prints the drafted knowledge file, and a summary to standard error.
pub fn draft(args: &DraftArgs) -> anyhow::Result<ExitCode> {
    let report = std::fs::read_to_string(&args.report)
        .with_context(|| format!("reading the report {}", args.report.display()))?;
    let file_name = args
        .report
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report.txt".into());
    let options = DraftOptions {
        title: args.title.clone(),
        date: args.date.clone(),
        id: args.id.clone(),
        source_path: args
            .source_path
            .clone()
            .unwrap_or_else(|| format!("sources/{file_name}")),
    };
    let drafted = draft_report(&report, &options);
    let mut out = std::io::stdout().lock();
    out.write_all(writer::to_toml(&drafted).as_bytes())?;
    out.flush()?;
    eprintln!(
        "drafted {} entries, {} speaker(s), {} skipped passage(s), {} uncovered sentence(s); text = {}",
        drafted.entries.len(),
        drafted.speakers.len(),
        drafted.skip.len(),
        drafted.uncovered.len(),
        drafted.source_path
    );
    for speaker in &drafted.speakers {
        eprintln!(
            "  speaker: {} ({})",
            speaker.name,
            speaker.capacity.as_deref().unwrap_or("no capacity given")
        );
    }
    for sentence in &drafted.uncovered {
        eprintln!("  uncovered: {sentence}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `verbatim review`: the log's questions, grouped, largest group first; with `--feedback`, the feedback log's
/// disliked answers (after the log's groups when `--log` is given too).
pub fn review(args: &ReviewArgs) -> anyhow::Result<ExitCode> {
    // Both logs are read before anything is printed: a missing one is an error with no partial review.
    let feedback = match &args.feedback {
        Some(path) => Some((
            path,
            curation::read_feedback(path)
                .with_context(|| format!("reading the feedback log {}", path.display()))?,
        )),
        None => None,
    };
    let default_log = args.feedback.is_none().then(|| PathBuf::from(DEFAULT_LOG));
    let mut out = std::io::stdout().lock();
    if let Some(log) = args.log.clone().or(default_log) {
        let (records, skipped) = curation::read_log(&log)
            .with_context(|| format!("reading the unanswered log {}", log.display()))?;
        let engine = args.knowledge.engine()?;
        let questions: Vec<&str> = records.iter().map(|r| r.text.as_str()).collect();
        let groups = review::review(&questions, Some(&engine));
        out.write_all(review::render(&groups, questions.len()).as_bytes())?;
        skipped_lines(&mut out, skipped, &log)?;
    }
    if let Some((path, (records, skipped))) = feedback {
        if args.log.is_some() {
            writeln!(out, "Feedback ({}):\n", path.display())?;
        }
        out.write_all(feedback::render(&records).as_bytes())?;
        skipped_lines(&mut out, skipped, path)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Where the bot writes the unanswered log with the default `state_dir`.
const DEFAULT_LOG: &str = "state/unanswered.jsonl";

fn skipped_lines(out: &mut dyn Write, skipped: usize, path: &Path) -> std::io::Result<()> {
    if skipped > 0 {
        writeln!(
            out,
            "({skipped} unreadable line(s) of {} skipped)",
            path.display()
        )?;
    }
    Ok(())
}
