//! What the bot has to do in a room, decided by [`super::events`] and carried out by [`super::reply`] (or
//! [`super::feedback`]): plain values, so that neither of those modules needs the other.

use std::time::Instant;

use matrix_sdk::Room;
use matrix_sdk::ruma::events::relation::Thread;
use matrix_sdk::ruma::{OwnedEventId, OwnedUserId};

use super::conversations::Sent;
use super::trigger::Action;
use crate::answer::Reply;

/// Something to do in a room, caused by one event (a question, an edit, a redaction, a reaction).
pub struct Job {
    /// The room.
    pub room: Room,
    /// The event that caused it: claimed in the journal, and the source of the transaction id.
    pub event_id: OwnedEventId,
    /// The event a new reply replies to (the question, or the suggestion a reaction accepted).
    pub reply_to: OwnedEventId,
    /// Who caused it (the reply mentions them).
    pub sender: OwnedUserId,
    /// The thread a new reply goes in, if any.
    pub thread: Option<Thread>,
    /// What to do.
    pub work: Work,
    /// The event's `origin_server_ts` (ms).
    pub ts: u64,
    /// When the bot received it (for the latency in the log).
    pub received: Instant,
}

/// What a [`Job`] does, decided already.
pub enum Work {
    /// A command's reply (help, sources, slow down, reload).
    Command(Action),
    /// Send this answer (or suggestion, or "nothing found").
    Answer(Box<Reply>),
    /// Replace the bot's reply (this event) with this answer.
    Edit(OwnedEventId, Box<Reply>),
    /// Redact the bot's reply (this event).
    Redact(OwnedEventId),
    /// Record a reaction (its key) on this answer in the feedback log; never a reply.
    Feedback(Box<Sent>, String),
}
