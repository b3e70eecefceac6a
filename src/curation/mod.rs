//! Learning from questions verbatim could not answer: the unanswered-question log and its review.
//!
//! When enabled (`[curation] log_unanswered = true`, off by default), every question answered `none` or
//! `suggest` is appended as one JSON line ([`UnansweredRecord`]) to `state_dir/unanswered.jsonl` by
//! [`append_unanswered`]. User ids are written only when `[curation] log_user_ids = true`. The log holds the
//! text people typed in rooms, so it is personal data: keep it as private as the bot's state directory, and
//! delete it once reviewed. `verbatim ask --log-unanswered PATH` writes the same log offline.
//!
//! [`review`] groups similar questions of a log so that a curator sees the most-asked gaps first.
//!
//! [`feedback`] is the second log: reactions (👍, 👎) to the bot's answers, one [`FeedbackRecord`] per line of
//! `state_dir/feedback.jsonl` (`[curation] log_feedback = true`, off by default), and its review, disliked
//! answers first.
//!
//! Pure and synchronous: nothing here knows about Matrix.

pub mod feedback;
pub mod review;

use std::io::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::answer::{Outcome, Reply};

pub use feedback::{FEEDBACK_FILE_NAME, FeedbackRecord, append_feedback, read_feedback};

/// The log's file name inside the bot's state directory.
pub const LOG_FILE_NAME: &str = "unanswered.jsonl";

/// One unanswered question, one line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnansweredRecord {
    /// When it was asked (RFC 3339, UTC).
    pub time: String,
    /// The room id, or null offline.
    pub room: Option<String>,
    /// The question as typed.
    pub text: String,
    /// The best score, in [0, 1].
    pub score: f64,
    /// The best-scoring entry, if any entry scored at all.
    pub best_entry: Option<String>,
    /// `none` or `suggest`.
    pub outcome: Outcome,
    /// The asker's user id: only present when `[curation] log_user_ids = true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

impl UnansweredRecord {
    /// The record for a reply, or `None` when the reply is an answer or small talk (neither is logged). The
    /// best entry is the reply's own ranking: nothing is matched a second time.
    ///
    /// ```
    /// use verbatim::answer::{Engine, Outcome};
    /// use verbatim::curation::UnansweredRecord;
    /// use verbatim::matcher::MatcherConfig;
    /// let (engine, _) = Engine::load(&[], MatcherConfig::default()).unwrap();
    /// let reply = engine.ask("How do I bake bread?");
    /// let record = UnansweredRecord::for_reply(&reply, Some("!r:example.org"), None).unwrap();
    /// assert_eq!((record.outcome, record.room.as_deref()), (Outcome::None, Some("!r:example.org")));
    /// assert!(UnansweredRecord::for_reply(&engine.ask("Who is Zhou Yunjie?"), None, None).is_none());
    /// ```
    pub fn for_reply(reply: &Reply, room: Option<&str>, user: Option<&str>) -> Option<Self> {
        let outcome = match reply.outcome {
            Outcome::Answer | Outcome::SmallTalk => return None,
            other => other,
        };
        let best_entry = reply.ranking.first().map(|(id, _)| id.clone());
        Some(UnansweredRecord {
            time: rfc3339(SystemTime::now()),
            room: room.map(str::to_string),
            text: reply.question.clone(),
            score: (reply.score * 1000.0).round() / 1000.0,
            best_entry,
            outcome,
            user: user.map(str::to_string),
        })
    }
}

/// Appends one record as one JSON line to `path` (created if missing) and flushes it.
///
/// ```
/// use verbatim::curation::{append_unanswered, read_log, UnansweredRecord};
/// let dir = std::env::temp_dir().join(format!("verbatim-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("unanswered.jsonl");
/// let record = UnansweredRecord { time: "2024-01-05T10:00:00Z".into(), room: None, text: "tea?".into(),
///     score: 0.1, best_entry: None, outcome: verbatim::answer::Outcome::None, user: None };
/// append_unanswered(&path, &record).unwrap();
/// append_unanswered(&path, &record).unwrap();
/// assert_eq!(read_log(&path).unwrap().0, vec![record.clone(), record]);
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn append_unanswered(path: &Path, record: &UnansweredRecord) -> std::io::Result<()> {
    append_line(path, record)
}

/// Reads a log: the records, and how many lines could not be read (skipped).
pub fn read_log(path: &Path) -> std::io::Result<(Vec<UnansweredRecord>, usize)> {
    read_lines(path)
}

/// Appends `record` as one JSON line to `path` (created if missing) and flushes it.
pub(crate) fn append_line<T: Serialize>(path: &Path, record: &T) -> std::io::Result<()> {
    let mut line = serde_json::to_string(record).map_err(std::io::Error::other)?;
    line.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(line.as_bytes())?;
    file.flush()
}

/// Reads a JSONL file: the records of the lines that parse, and how many other non-empty lines there were.
pub(crate) fn read_lines<T: DeserializeOwned>(path: &Path) -> std::io::Result<(Vec<T>, usize)> {
    let text = std::fs::read_to_string(path)?;
    let mut records = Vec::new();
    let mut skipped = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str(line) {
            Ok(record) => records.push(record),
            Err(_) => skipped += 1,
        }
    }
    Ok((records, skipped))
}

/// A time as RFC 3339 in UTC, to the second: `2024-01-05T10:00:00Z`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let t = UNIX_EPOCH + Duration::from_secs(1_678_406_400);
/// assert_eq!(verbatim::curation::rfc3339(t), "2023-03-10T00:00:00Z");
/// ```
pub fn rfc3339(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}
