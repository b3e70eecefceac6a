//! The feedback log: reactions to the bot's answers, and their review.
//!
//! When enabled (`[curation] log_feedback = true`, off by default), a reaction to an answer is appended as one
//! JSON line ([`FeedbackRecord`]) to `state_dir/feedback.jsonl` ([`FEEDBACK_FILE_NAME`]) by
//! [`append_feedback`]: the question, the entry that answered it and its score, the reaction as sent, and the
//! entries ranked next (the likely better ones when the answer was wrong). As in the unanswered log, user ids
//! are written only with `[curation] log_user_ids = true`.
//!
//! [`render`] is the review (`verbatim review --feedback PATH`): disliked answers first, grouped by entry with
//! the most dislikes first ([`disliked`]), each with its questions, scores, the entries that came next and a
//! suggestion; then a count of liked answers.
//!
//! Pure and synchronous: nothing here knows about Matrix.

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{append_line, read_lines};

/// The feedback log's file name inside the bot's state directory.
pub const FEEDBACK_FILE_NAME: &str = "feedback.jsonl";

/// How many entries ranked after the answered one a record keeps in `next` (the bot's `Sent::of` takes them).
pub const NEXT_ENTRIES: usize = 3;

/// One reaction to an answer, one line of the feedback log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackRecord {
    /// When the reaction came (RFC 3339, UTC).
    pub time: String,
    /// The room id, or null offline.
    pub room: Option<String>,
    /// The question that was answered, as typed.
    pub question: String,
    /// The key of the entry that answered it (`source-id/entry-id`).
    pub entry: String,
    /// The answer's best score, in [0, 1].
    pub score: f64,
    /// The reaction key as sent: "👍", "👎", "👍🏽", "+1", …
    pub reaction: String,
    /// The keys of the entries ranked next after the answered one, best first.
    pub next: Vec<String>,
    /// The reacting user's id: only present when `[curation] log_user_ids = true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

impl FeedbackRecord {
    /// Whether the reaction liked the answer: `Some(true)` for 👍 (any skin tone) or "+1", `Some(false)` for
    /// 👎 (any skin tone) or "-1", `None` for any other reaction.
    ///
    /// ```
    /// use verbatim::curation::FeedbackRecord;
    /// let with = |reaction: &str| FeedbackRecord { time: "2024-01-05T10:00:00Z".into(), room: None,
    ///     question: "q".into(), entry: "s/e".into(), score: 0.9, reaction: reaction.into(), next: vec![],
    ///     user: None };
    /// assert_eq!(with("👍").liked(), Some(true));
    /// assert_eq!(with("👍🏿").liked(), Some(true));
    /// assert_eq!(with("+1").liked(), Some(true));
    /// assert_eq!(with("👎\u{fe0f}").liked(), Some(false));
    /// assert_eq!(with("-1").liked(), Some(false));
    /// assert_eq!(with("🎉").liked(), None);
    /// ```
    pub fn liked(&self) -> Option<bool> {
        // Skin-tone modifiers (U+1F3FB..U+1F3FF) and the emoji presentation selector do not change the meaning.
        let bare: String = self
            .reaction
            .trim()
            .chars()
            .filter(|c| !matches!(c, '\u{1F3FB}'..='\u{1F3FF}' | '\u{FE0F}'))
            .collect();
        match bare.as_str() {
            "👍" | "+1" | ":+1:" | ":thumbsup:" => Some(true),
            "👎" | "-1" | ":-1:" | ":thumbsdown:" => Some(false),
            _ => None,
        }
    }
}

/// Appends one record as one JSON line to `path` (created if missing) and flushes it.
///
/// ```
/// use verbatim::curation::{append_feedback, read_feedback, FeedbackRecord};
/// let dir = std::env::temp_dir().join(format!("verbatim-doc-feedback-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("feedback.jsonl");
/// let record = FeedbackRecord { time: "2024-01-05T10:00:00Z".into(), room: None, question: "q".into(),
///     entry: "s/e".into(), score: 0.9, reaction: "👍".into(), next: vec!["s/f".into()], user: None };
/// append_feedback(&path, &record).unwrap();
/// append_feedback(&path, &record).unwrap();
/// assert_eq!(read_feedback(&path).unwrap(), (vec![record.clone(), record], 0));
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn append_feedback(path: &Path, record: &FeedbackRecord) -> std::io::Result<()> {
    append_line(path, record)
}

/// Reads a feedback log: the records, and how many non-empty lines could not be read (skipped).
pub fn read_feedback(path: &Path) -> std::io::Result<(Vec<FeedbackRecord>, usize)> {
    read_lines(path)
}

/// The dislikes of one entry: what the review shows for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Disliked {
    /// The answered entry's key.
    pub entry: String,
    /// How many answers from it were disliked.
    pub dislikes: usize,
    /// How many answers from it were liked.
    pub likes: usize,
    /// The disliked questions, distinct (ignoring case), in the order logged: (question, score, times).
    pub questions: Vec<(String, f64, usize)>,
    /// The entries that came next in those answers' rankings, the most often named first.
    pub next: Vec<String>,
}

/// The disliked answers grouped by entry, the most dislikes first (ties: the first disliked first).
///
/// ```
/// use verbatim::curation::{FeedbackRecord, feedback::disliked};
/// let r = |entry: &str, reaction: &str| FeedbackRecord { time: "2024-01-05T10:00:00Z".into(), room: None,
///     question: format!("about {entry}"), entry: entry.into(), score: 0.7, reaction: reaction.into(),
///     next: vec![], user: None };
/// let groups = disliked(&[r("s/a", "👎"), r("s/b", "👎"), r("s/b", "-1"), r("s/a", "👍")]);
/// let order: Vec<(&str, usize, usize)> =
///     groups.iter().map(|g| (g.entry.as_str(), g.dislikes, g.likes)).collect();
/// assert_eq!(order, [("s/b", 2, 0), ("s/a", 1, 1)]);
/// ```
pub fn disliked(records: &[FeedbackRecord]) -> Vec<Disliked> {
    let mut groups: Vec<Disliked> = Vec::new();
    // Per group: how often each next entry is named, and its best position.
    let mut ranks: Vec<Vec<(String, usize, usize)>> = Vec::new();
    for record in records.iter().filter(|r| r.liked() == Some(false)) {
        let at = match groups.iter().position(|g| g.entry == record.entry) {
            Some(at) => at,
            None => {
                groups.push(Disliked {
                    entry: record.entry.clone(),
                    dislikes: 0,
                    likes: 0,
                    questions: Vec::new(),
                    next: Vec::new(),
                });
                ranks.push(Vec::new());
                groups.len() - 1
            }
        };
        let group = &mut groups[at];
        group.dislikes += 1;
        let question = record.question.trim();
        match group
            .questions
            .iter_mut()
            .find(|(q, _, _)| q.to_lowercase() == question.to_lowercase())
        {
            Some((_, _, times)) => *times += 1,
            None => group
                .questions
                .push((question.to_string(), record.score, 1)),
        }
        for (position, key) in record.next.iter().enumerate() {
            match ranks[at].iter_mut().find(|(k, _, _)| k == key) {
                Some((_, count, best)) => {
                    *count += 1;
                    *best = (*best).min(position);
                }
                None => ranks[at].push((key.clone(), 1, position)),
            }
        }
    }
    for (group, mut rank) in groups.iter_mut().zip(ranks) {
        group.likes = records
            .iter()
            .filter(|r| r.entry == group.entry && r.liked() == Some(true))
            .count();
        // Stable: ties keep the order first named.
        rank.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
        group.next = rank.into_iter().map(|(key, _, _)| key).collect();
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.dislikes));
    groups
}

/// The review of a feedback log as text: one block per disliked entry (see [`disliked`]), then a line counting
/// the liked answers.
///
/// ```
/// use verbatim::curation::{FeedbackRecord, feedback::render};
/// let r = |entry: &str, reaction: &str| FeedbackRecord { time: "2024-01-05T10:00:00Z".into(), room: None,
///     question: "Who chairs Haier?".into(), entry: entry.into(), score: 0.71, reaction: reaction.into(),
///     next: vec!["s/zhou-introduction".into()], user: None };
/// let text = render(&[r("s/zhou-ai", "👍"), r("s/zhou-ai", "👎")]);
/// assert!(text.starts_with("1 disliked answer(s) from `s/zhou-ai` (liked 1 time(s))\n"));
/// assert!(text.contains("  next: `s/zhou-introduction`\n"));
/// assert!(text.ends_with("1 liked answer(s), from 1 entry(ies).\n"));
/// ```
pub fn render(records: &[FeedbackRecord]) -> String {
    let mut out = String::new();
    if records.is_empty() {
        out.push_str("No feedback logged.\n");
        return out;
    }
    let groups = disliked(records);
    if groups.is_empty() {
        out.push_str("No disliked answers.\n\n");
    }
    for group in &groups {
        let _ = write!(
            out,
            "{} disliked answer(s) from `{}`",
            group.dislikes, group.entry
        );
        if group.likes > 0 {
            let _ = write!(out, " (liked {} time(s))", group.likes);
        }
        out.push('\n');
        for (question, score, times) in &group.questions {
            let _ = write!(out, "  asked: \"{question}\" (score {score:.2}");
            if *times > 1 {
                let _ = write!(out, ", {times} times");
            }
            out.push_str(")\n");
        }
        let next: Vec<String> = group.next.iter().map(|k| format!("`{k}`")).collect();
        match group.next.first() {
            Some(better) => {
                let _ = writeln!(out, "  next: {}", next.join(", "));
                let _ = writeln!(
                    out,
                    "  suggest: if `{better}` (or another next entry) answers these, move the phrasing that drew them from `{}` to it; else add an entry that answers them",
                    group.entry
                );
            }
            None => {
                out.push_str("  next: none logged\n");
                let _ = writeln!(
                    out,
                    "  suggest: add an entry that answers these if a report does, and make the phrasings of `{}` more specific",
                    group.entry
                );
            }
        }
        out.push('\n');
    }
    let liked: Vec<&FeedbackRecord> = records.iter().filter(|r| r.liked() == Some(true)).collect();
    let mut entries: Vec<&str> = liked.iter().map(|r| r.entry.as_str()).collect();
    entries.sort_unstable();
    entries.dedup();
    let _ = writeln!(
        out,
        "{} liked answer(s), from {} entry(ies).",
        liked.len(),
        entries.len()
    );
    let other = records.iter().filter(|r| r.liked().is_none()).count();
    if other > 0 {
        let _ = writeln!(out, "{other} other reaction(s) not counted.");
    }
    out
}

#[cfg(test)]
mod tests;
