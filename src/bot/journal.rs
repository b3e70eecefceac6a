//! The reply journal: what makes "never answer an event twice" hold across restarts and crashes (kill -9
//! included). No Matrix types; plain ids and timestamps (never message text, so nothing from an encrypted room
//! reaches the disk in the clear).
//!
//! The protocol, per sync response:
//! 1. every question found in it is **claimed**: appended to `journal.jsonl` and fsync'd;
//! 2. only then is the sync position saved (`sync-token`, written atomically), so a crash before step 1 makes
//!    the next start see the same events again;
//! 3. the reply is sent with a transaction id derived from the event id ([`transaction_id`]), then marked
//!    **done** (with the reply's event id).
//!
//! At start, claims without a done record are sent again with the same transaction id: if the first attempt
//! reached the homeserver before the crash, the homeserver recognises the transaction and returns the same
//! event instead of posting a second reply. Records older than the retention are dropped when the journal is
//! compacted (at start and every few thousand records). The journal also remembers when the bot joined each
//! room, so that nothing from before it joined is ever answered.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::conversations::Sent;
use super::persist::{now_ms, write_atomically};

const JOURNAL: &str = "journal.jsonl";
const SYNC_TOKEN: &str = "sync-token";
/// Compact after this many appended records.
const COMPACT_EVERY: usize = 5000;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "t", rename_all = "snake_case")]
enum Record {
    Claim {
        room: String,
        event: String,
        ts: u64,
    },
    Done {
        event: String,
        reply: Option<String>,
        /// What the reply said (entry keys, suggestions; never text).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sent: Option<Sent>,
        /// For an edit: the bot's reply that `reply` replaced.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        edits: Option<String>,
    },
    GaveUp {
        event: String,
    },
    Joined {
        room: String,
        ts: u64,
    },
}

/// A claimed question whose reply was not confirmed sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Room id.
    pub room: String,
    /// The question's event id.
    pub event: String,
    /// The question's `origin_server_ts` (ms).
    pub ts: u64,
}

#[derive(Debug, Clone)]
struct Claim {
    room: String,
    ts: u64,
    finished: bool,
    reply: Option<String>,
    sent: Option<Sent>,
    edits: Option<String>,
}

/// The journal in `state_dir`.
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    file: File,
    claims: HashMap<String, Claim>,
    /// The bot's replies, with what each said when known (edits update it).
    replies: HashMap<String, Option<Sent>>,
    /// Threads (room, root) the bot replied in.
    threads: HashSet<(String, String)>,
    joined: HashMap<String, u64>,
    retention_ms: u64,
    appended: usize,
}

/// The transaction id for the reply to `event_id`: the same on every attempt and after every restart.
///
/// ```
/// use verbatim::bot::journal::transaction_id;
/// assert_eq!(transaction_id("$ab/c+d"), "verbatim-2461622f632b64");
/// ```
pub fn transaction_id(event_id: &str) -> String {
    let hex: String = event_id.bytes().map(|b| format!("{b:02x}")).collect();
    format!("verbatim-{hex}")
}

impl Journal {
    /// Opens (or creates) the journal in `dir`, dropping records older than `retention_ms` before `now_ms`.
    /// Returns it with the claims that were never finished, oldest first.
    pub fn open(dir: &Path, retention_ms: u64, now_ms: u64) -> io::Result<(Journal, Vec<Pending>)> {
        let path = dir.join(JOURNAL);
        let mut records = Vec::new();
        match File::open(&path) {
            Ok(file) => {
                for (n, line) in BufReader::new(file).lines().enumerate() {
                    let line = line?;
                    if line.trim().is_empty() {
                        continue;
                    }
                    match serde_json::from_str::<Record>(&line) {
                        Ok(record) => records.push(record),
                        // A torn last write after a crash; anything it claimed was not sent yet.
                        Err(e) => {
                            tracing::warn!(path = %path.display(), line = n + 1, "skipping unreadable journal record: {e}")
                        }
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        let mut journal = Journal {
            dir: dir.to_path_buf(),
            file,
            claims: HashMap::new(),
            replies: HashMap::new(),
            threads: HashSet::new(),
            joined: HashMap::new(),
            retention_ms,
            appended: 0,
        };
        for record in records {
            journal.apply(record);
        }
        journal.compact(now_ms)?;
        let mut pending: Vec<Pending> = journal
            .claims
            .iter()
            .filter(|(_, c)| !c.finished)
            .map(|(event, c)| Pending {
                room: c.room.clone(),
                event: event.clone(),
                ts: c.ts,
            })
            .collect();
        pending.sort_by(|a, b| (a.ts, &a.event).cmp(&(b.ts, &b.event)));
        Ok((journal, pending))
    }

    fn apply(&mut self, record: Record) {
        match record {
            Record::Claim { room, event, ts } => {
                self.claims.entry(event).or_insert(Claim {
                    room,
                    ts,
                    finished: false,
                    reply: None,
                    sent: None,
                    edits: None,
                });
            }
            Record::Done {
                event,
                reply,
                sent,
                edits,
            } => {
                if let Some(claim) = self.claims.get_mut(&event) {
                    claim.finished = true;
                    claim.reply = reply.clone();
                    claim.sent = sent.clone();
                    claim.edits = edits.clone();
                    if let Some(thread) = sent.as_ref().and_then(|s| s.thread.clone()) {
                        self.threads.insert((claim.room.clone(), thread));
                    }
                }
                match (edits, reply) {
                    (Some(original), Some(replacement)) => {
                        self.replies.insert(replacement, None);
                        self.replies.insert(original, sent);
                    }
                    (None, Some(reply)) => {
                        self.replies.insert(reply, sent);
                    }
                    _ => {}
                }
            }
            Record::GaveUp { event } => {
                if let Some(claim) = self.claims.get_mut(&event) {
                    claim.finished = true;
                }
            }
            Record::Joined { room, ts } => {
                self.joined.insert(room, ts);
            }
        }
    }

    /// Whether `event` was ever claimed (within the retention).
    pub fn contains(&self, event: &str) -> bool {
        self.claims.contains_key(event)
    }

    /// Whether `event` is one of the bot's own replies (within the retention).
    pub fn is_reply(&self, event: &str) -> bool {
        self.replies.contains_key(event)
    }

    /// What the bot's reply `event` said (its entries or suggestions), if it is one and that is known.
    pub fn sent(&self, event: &str) -> Option<&Sent> {
        self.replies.get(event)?.as_ref()
    }

    /// The bot's reply to `event`, if it answered it.
    pub fn reply_to(&self, event: &str) -> Option<&str> {
        let claim = self.claims.get(event)?;
        claim.reply.as_deref().filter(|_| claim.edits.is_none())
    }

    /// Whether the bot replied in the thread with root `thread` of `room`.
    pub fn replied_in_thread(&self, room: &str, thread: &str) -> bool {
        self.threads
            .contains(&(room.to_string(), thread.to_string()))
    }

    /// When the bot joined `room` (server ms), if recorded.
    pub fn joined_at(&self, room: &str) -> Option<u64> {
        self.joined.get(room).copied()
    }

    /// Claims questions durably (one fsync for all). Already claimed events are skipped; returns how many were
    /// new.
    pub fn claim(&mut self, questions: &[Pending]) -> io::Result<usize> {
        let fresh: Vec<Record> = questions
            .iter()
            .filter(|q| !self.claims.contains_key(&q.event))
            .map(|q| Record::Claim {
                room: q.room.clone(),
                event: q.event.clone(),
                ts: q.ts,
            })
            .collect();
        let n = fresh.len();
        self.append(fresh, true)?;
        Ok(n)
    }

    /// Records that the reply to `event` was sent as `reply`.
    pub fn done(&mut self, event: &str, reply: &str) -> io::Result<()> {
        self.done_with(event, reply, None, None)
    }

    /// Records that the reply to `event` was sent as `reply`, saying `sent`; for an edit, `edits` is the bot's
    /// reply that `reply` replaced (which says `sent` from now on).
    pub fn done_with(
        &mut self,
        event: &str,
        reply: &str,
        sent: Option<Sent>,
        edits: Option<&str>,
    ) -> io::Result<()> {
        self.append(
            vec![Record::Done {
                event: event.to_string(),
                reply: Some(reply.to_string()),
                sent,
                edits: edits.map(str::to_string),
            }],
            false,
        )
    }

    /// Records that the bot stays silent on a claimed `event` (sending failed for good, or nothing to say).
    pub fn gave_up(&mut self, event: &str) -> io::Result<()> {
        self.append(
            vec![Record::GaveUp {
                event: event.to_string(),
            }],
            false,
        )
    }

    /// Records that the bot joined `room` at `ts` (server ms, or local time when the server's is unknown). An
    /// earlier record for the room is replaced only by a later join.
    pub fn joined(&mut self, room: &str, ts: u64) -> io::Result<()> {
        if self.joined.get(room).is_some_and(|&t| t >= ts) {
            return Ok(());
        }
        self.append(
            vec![Record::Joined {
                room: room.to_string(),
                ts,
            }],
            true,
        )
    }

    fn append(&mut self, records: Vec<Record>, sync: bool) -> io::Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let mut buf = Vec::new();
        for record in &records {
            serde_json::to_writer(&mut buf, record).map_err(io::Error::other)?;
            buf.push(b'\n');
        }
        self.file.write_all(&buf)?;
        if sync {
            self.file.sync_data()?;
        }
        self.appended += records.len();
        for record in records {
            self.apply(record);
        }
        if self.appended >= COMPACT_EVERY {
            self.compact(now_ms())?;
        }
        Ok(())
    }

    /// Rewrites the journal without records older than the retention (atomically: temp file, fsync, rename).
    fn compact(&mut self, now_ms: u64) -> io::Result<()> {
        let cutoff = now_ms.saturating_sub(self.retention_ms);
        self.claims.retain(|_, c| c.ts >= cutoff);
        self.replies.clear();
        self.threads.clear();
        let mut records: Vec<Record> = self
            .joined
            .iter()
            .map(|(room, &ts)| Record::Joined {
                room: room.clone(),
                ts,
            })
            .collect();
        let mut claims: Vec<(String, Claim)> =
            std::mem::take(&mut self.claims).into_iter().collect();
        claims.sort_by(|(a, c), (b, d)| (c.ts, a).cmp(&(d.ts, b)));
        for (event, c) in claims {
            records.push(Record::Claim {
                room: c.room.clone(),
                event: event.clone(),
                ts: c.ts,
            });
            if c.finished {
                records.push(match c.reply {
                    Some(reply) => Record::Done {
                        event,
                        reply: Some(reply),
                        sent: c.sent,
                        edits: c.edits,
                    },
                    None => Record::GaveUp { event },
                });
            }
        }
        // The state is rebuilt from the records kept, exactly as at the next start.
        for record in records
            .iter()
            .filter(|r| !matches!(r, Record::Joined { .. }))
        {
            self.apply(record.clone());
        }
        let mut text = Vec::new();
        for record in &records {
            serde_json::to_writer(&mut text, record).map_err(io::Error::other)?;
            text.push(b'\n');
        }
        write_atomically(&self.dir.join(JOURNAL), &text)?;
        self.file = OpenOptions::new()
            .append(true)
            .open(self.dir.join(JOURNAL))?;
        self.appended = 0;
        Ok(())
    }

    /// The sync position saved by [`Journal::save_sync_token`], if any.
    pub fn sync_token(&self) -> io::Result<Option<String>> {
        match fs::read_to_string(self.dir.join(SYNC_TOKEN)) {
            Ok(token) => Ok(Some(token.trim().to_string()).filter(|t| !t.is_empty())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Saves the sync position, after the questions of that sync were claimed.
    pub fn save_sync_token(&self, token: &str) -> io::Result<()> {
        write_atomically(&self.dir.join(SYNC_TOKEN), token.as_bytes())
    }
}

#[cfg(test)]
#[path = "journal_tests.rs"]
mod tests;
