//! The curation commands: `draft` (a knowledge file from a report) and `review` (the unanswered-question
//! log, grouped).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use verbatim::curation::{self, review};
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
    /// The log of unanswered questions (JSONL).
    #[arg(long, value_name = "PATH", default_value = "state/unanswered.jsonl")]
    pub log: PathBuf,
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

/// `verbatim review`: the log's questions, grouped, largest group first.
pub fn review(args: &ReviewArgs) -> anyhow::Result<ExitCode> {
    let (records, skipped) = curation::read_log(&args.log)
        .with_context(|| format!("reading the unanswered log {}", args.log.display()))?;
    let engine = args.knowledge.engine()?;
    let questions: Vec<&str> = records.iter().map(|r| r.text.as_str()).collect();
    let groups = review::review(&questions, Some(&engine));
    let mut out = std::io::stdout().lock();
    out.write_all(review::render(&groups, questions.len()).as_bytes())?;
    if skipped > 0 {
        writeln!(
            out,
            "({skipped} unreadable line(s) of {} skipped)",
            args.log.display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
