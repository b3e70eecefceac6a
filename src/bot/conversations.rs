//! The conversation core: what the bot does with what happened in a room, decided by pure code with no Matrix
//! types (like [`super::trigger`]), so every rule is tested without a homeserver.
//!
//! [`super::events`] turns SDK events into plain inputs: a question (already through the trigger rules), an edit,
//! a redaction or a reaction, together with what the [journal](super::journal) remembers of the bot's reply
//! concerned (a [`Sent`]). The functions here say what to do: the reply for a question (answered in its
//! conversation), or a [`Todo`] for the rest; [`super::reply`] only carries it out.
//!
//! A conversation ([`Place`]) is a room's thread, or the room itself outside threads. Its state (the
//! [`Conversation`] of [`crate::answer::conversation`]: entries and speaker last answered, entries already shown,
//! the last suggestions) is kept in memory by [`Conversations`], by entry key (so it survives a knowledge
//! reload), expires after `[bot] conversation_ttl_secs` of silence and is bounded in number (the least recently
//! used is forgotten first). What the bot needs to know of each of its own replies to accept a suggestion, edit
//! or redact it later is in the journal ([`Sent`], entry keys and event ids only), so that also works after a
//! restart.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::answer::conversation::{Conversation, accepted_choice};
use crate::answer::{Engine, Outcome, Reply};

/// How many conversations are kept at most.
pub const MAX_CONVERSATIONS: usize = 10_000;

/// Where a conversation happens: a thread of a room (by its root event), or the room outside threads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Place {
    /// The room id.
    pub room: String,
    /// The thread's root event id, if in a thread.
    pub thread: Option<String>,
}

/// What the bot remembers of one of its replies: no message text, only ids, keys and the score.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sent {
    /// How the reply came about (absent in records of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// The event the reply answers (a question, or the reaction that accepted a suggestion).
    pub question: String,
    /// The edit of the question whose text the reply answers, if the question was edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit: Option<String>,
    /// The thread the reply is in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
    /// The entries it quotes (keys); empty for anything but an answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<String>,
    /// The entries it offers as "did you mean" (keys), in the order shown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offered: Vec<String>,
    /// The best score.
    #[serde(default)]
    pub score: f64,
    /// The entries the matcher ranked next after the quoted ones (keys), best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub next: Vec<String>,
}

impl Sent {
    /// What to remember of `reply`, sent in answer to event `question` in `thread`.
    ///
    /// ```
    /// use verbatim::answer::Engine;
    /// use verbatim::bot::conversations::Sent;
    /// use verbatim::matcher::MatcherConfig;
    /// let (engine, _) = Engine::load(&[], MatcherConfig::default()).unwrap();
    /// let reply = engine.ask("Who is Zhou Yunjie?");
    /// let sent = Sent::of(&reply, "$q", None);
    /// assert_eq!(sent.entries.len(), 1);
    /// assert!(sent.offered.is_empty());
    /// assert!(!sent.next.contains(&sent.entries[0]));
    /// ```
    pub fn of(reply: &Reply, question: &str, thread: Option<&str>) -> Sent {
        let entries: Vec<String> = match reply.outcome {
            Outcome::Answer => reply.quotes.iter().map(|q| q.key.clone()).collect(),
            _ => Vec::new(),
        };
        let offered = match reply.outcome {
            Outcome::Suggest => reply.suggested.clone(),
            _ => Vec::new(),
        };
        let next = reply
            .ranking
            .iter()
            .map(|(key, _)| key.clone())
            .filter(|key| !entries.contains(key))
            .take(crate::curation::feedback::NEXT_ENTRIES)
            .collect();
        Sent {
            outcome: Some(reply.outcome),
            question: question.to_string(),
            edit: None,
            thread: thread.map(str::to_string),
            entries,
            offered,
            score: reply.score,
            next,
        }
    }
}

/// What to do about an edit, a redaction or a reaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Todo {
    /// Answer the entry the person chose from a "did you mean" (1-based), as a new reply.
    Accept(usize),
    /// Replace the bot's reply (this event id) with the answer to the edited text.
    EditReply(String),
    /// Redact the bot's reply (this event id).
    RedactReply(String),
    /// A thumbs up (`true`) or down on an answer: feedback for the curator, never a reply.
    Feedback(bool),
    /// Nothing.
    Nothing,
}

/// An edit (`m.replace`) of a message: the bot edits its reply if it answered the original, else nothing.
/// `answered` is the bot's reply to the original message; `by_bot` whether the edit is the bot's own.
///
/// ```
/// use verbatim::bot::conversations::{on_edit, Todo};
/// assert_eq!(on_edit(Some("$reply"), false), Todo::EditReply("$reply".into()));
/// assert_eq!(on_edit(None, false), Todo::Nothing);
/// assert_eq!(on_edit(Some("$reply"), true), Todo::Nothing);
/// ```
pub fn on_edit(answered: Option<&str>, by_bot: bool) -> Todo {
    match answered {
        Some(reply) if !by_bot => Todo::EditReply(reply.to_string()),
        _ => Todo::Nothing,
    }
}

/// A redaction: the bot redacts its reply to the redacted message, if it answered it; a redaction by the bot
/// itself (or of anything else) does nothing.
///
/// ```
/// use verbatim::bot::conversations::{on_redaction, Todo};
/// assert_eq!(on_redaction(Some("$reply"), false), Todo::RedactReply("$reply".into()));
/// assert_eq!(on_redaction(None, false), Todo::Nothing);
/// assert_eq!(on_redaction(Some("$reply"), true), Todo::Nothing);
/// ```
pub fn on_redaction(answered: Option<&str>, by_bot: bool) -> Todo {
    on_edit(answered, by_bot).redaction()
}

impl Todo {
    fn redaction(self) -> Todo {
        match self {
            Todo::EditReply(reply) => Todo::RedactReply(reply),
            other => other,
        }
    }
}

/// A reaction with `key` on the bot's reply `on`: 1️⃣ 2️⃣ 3️⃣ (or 👍 when there was one suggestion) on a
/// "did you mean" accept that suggestion; 👍 or 👎 on an answer is feedback. Skin tones and variation selectors
/// do not matter.
///
/// ```
/// use verbatim::bot::conversations::{on_reaction, Sent, Todo};
/// let suggestion = Sent { offered: vec!["a".into(), "b".into()], ..Sent::default() };
/// assert_eq!(on_reaction(&suggestion, "2\u{fe0f}\u{20e3}"), Todo::Accept(2));
/// assert_eq!(on_reaction(&suggestion, "👍"), Todo::Nothing);
/// let answer = Sent { entries: vec!["a".into()], ..Sent::default() };
/// assert_eq!(on_reaction(&answer, "👎🏽"), Todo::Feedback(false));
/// assert_eq!(on_reaction(&answer, "🎉"), Todo::Nothing);
/// ```
pub fn on_reaction(on: &Sent, key: &str) -> Todo {
    let key: String = key
        .chars()
        .filter(|&c| c != '\u{fe0f}' && !('\u{1f3fb}'..='\u{1f3ff}').contains(&c))
        .collect();
    let thumb = match key.as_str() {
        "👍" | "+1" => Some(true),
        "👎" | "-1" => Some(false),
        _ => None,
    };
    if !on.offered.is_empty() {
        let choice = match key.as_str() {
            "👍" | "+1" if on.offered.len() == 1 => Some(1),
            _ => keycap(&key),
        };
        return match choice {
            Some(n) if (1..=on.offered.len()).contains(&n) => Todo::Accept(n),
            _ => Todo::Nothing,
        };
    }
    match thumb {
        Some(liked) if !on.entries.is_empty() => Todo::Feedback(liked),
        _ => Todo::Nothing,
    }
}

/// The digit of a keycap emoji (1️⃣ is "1", U+FE0F, U+20E3; the selector is already removed here), or of 🔟.
fn keycap(key: &str) -> Option<usize> {
    if key == "🔟" {
        return Some(10);
    }
    let mut chars = key.chars();
    let digit = chars.next()?.to_digit(10)?;
    (chars.next() == Some('\u{20e3}') && chars.next().is_none()).then_some(digit as usize)
}

/// Every conversation the bot is in, in memory.
#[derive(Debug)]
pub struct Conversations {
    talks: HashMap<Place, (Conversation, u64)>,
    ttl_ms: u64,
    max: usize,
}

impl Conversations {
    /// Conversations that expire after `ttl_ms` of silence, at most `max` of them.
    pub fn new(ttl_ms: u64, max: usize) -> Conversations {
        Conversations {
            talks: HashMap::new(),
            ttl_ms,
            max: max.max(1),
        }
    }

    /// Changes the time to live (a live configuration key).
    pub fn set_ttl(&mut self, ttl_ms: u64) {
        self.ttl_ms = ttl_ms;
    }

    /// How many conversations are remembered.
    pub fn len(&self) -> usize {
        self.talks.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.talks.is_empty()
    }

    /// Whether `place` has a conversation that has not expired at `now` (ms).
    pub fn is_active(&self, place: &Place, now: u64) -> bool {
        self.talks
            .get(place)
            .is_some_and(|(_, at)| now.saturating_sub(*at) <= self.ttl_ms)
    }

    /// The conversation of `place` at `now`, a fresh one if it expired or never began.
    fn at(&mut self, place: &Place, now: u64) -> &mut Conversation {
        if !self.talks.contains_key(place) && self.talks.len() >= self.max {
            self.forget_oldest(now);
        }
        let ttl = self.ttl_ms;
        let (talk, at) = self
            .talks
            .entry(place.clone())
            .or_insert_with(|| (Conversation::default(), now));
        if now.saturating_sub(*at) > ttl {
            *talk = Conversation::default();
        }
        *at = now;
        talk
    }

    /// Drops the expired conversations, and the least recently used beyond the bound.
    fn forget_oldest(&mut self, now: u64) {
        let ttl = self.ttl_ms;
        self.talks
            .retain(|_, (_, at)| now.saturating_sub(*at) <= ttl);
        while self.talks.len() >= self.max {
            let Some(oldest) = self
                .talks
                .iter()
                .min_by_key(|(_, (_, at))| *at)
                .map(|(p, _)| p.clone())
            else {
                break;
            };
            self.talks.remove(&oldest);
        }
    }

    /// Answers `question` asked in `place` at `now`. When it is a reply to one of the bot's messages
    /// (`replying_to`), that message counts: a number answers its "did you mean", and "what else did he say?"
    /// follows its answer even if the conversation moved on or expired.
    ///
    /// ```
    /// use verbatim::answer::{Engine, Outcome};
    /// use verbatim::bot::conversations::{Conversations, Place};
    /// use verbatim::matcher::MatcherConfig;
    /// let (engine, _) = Engine::load(&[], MatcherConfig::default()).unwrap();
    /// let mut talks = Conversations::new(600_000, 100);
    /// let room = Place { room: "!r:x".into(), thread: None };
    /// let first = talks.answer(&engine, &room, "What did Zhou Yunjie say about the industrial internet?", None, 0);
    /// let more = talks.answer(&engine, &room, "what else did he say?", None, 1_000);
    /// assert_eq!(more.outcome, Outcome::Answer);
    /// assert_ne!(more.quoted().unwrap().key, first.quoted().unwrap().key);
    /// ```
    pub fn answer(
        &mut self,
        engine: &Engine,
        place: &Place,
        question: &str,
        replying_to: Option<&Sent>,
        now: u64,
    ) -> Reply {
        let talk = self.at(place, now);
        if let Some(sent) = replying_to {
            if let Some(choice) = accepted_choice(question, sent.offered.len())
                && let Some(reply) = engine.accept(question, &sent.offered, choice)
            {
                engine.record(talk, question, &reply, true);
                return reply;
            }
            if !sent.entries.is_empty() && talk.last_entries != sent.entries {
                engine.resume(talk, &sent.entries);
            }
        }
        engine.ask_in(talk, question)
    }

    /// Answers suggestion `choice` (1-based) of `offered`, accepted in `place` by a reaction.
    pub fn accept(
        &mut self,
        engine: &Engine,
        place: &Place,
        offered: &[String],
        choice: usize,
        now: u64,
    ) -> Option<Reply> {
        let label = format!("{choice}");
        let reply = engine.accept(&label, offered, choice)?;
        engine.record(self.at(place, now), &label, &reply, true);
        Some(reply)
    }
}

#[cfg(test)]
#[path = "conversations_tests.rs"]
mod tests;
