//! Placeholder: replaced by the feedback log module (record, append, read, review).

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The feedback log's file name in `state_dir`.
pub const FEEDBACK_FILE_NAME: &str = "feedback.jsonl";

/// One reaction on an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackRecord {
    /// When (RFC 3339, UTC).
    pub time: String,
    /// The room id.
    pub room: Option<String>,
    /// The question.
    pub question: String,
    /// The answered entry's key.
    pub entry: String,
    /// The score.
    pub score: f64,
    /// The reaction key.
    pub reaction: String,
    /// The entries ranked next.
    pub next: Vec<String>,
    /// The user id, only with `log_user_ids`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// Appends one record.
pub fn append_feedback(path: &Path, record: &FeedbackRecord) -> io::Result<()> {
    use std::io::Write;
    let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
    line.push(b'\n');
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?
        .write_all(&line)
}
