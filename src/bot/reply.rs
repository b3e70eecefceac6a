//! Replies: one queue per room (replies in a room go out in order), a semaphore bounding how many are worked
//! on at once across rooms (a slow room does not hold up the others), and sending with retries.
//!
//! A reply is an `m.notice` that replies to the question (`m.in_reply_to`), stays in the question's thread,
//! and mentions only the asker (`m.mentions`, never `@room`). It is sent with the transaction id derived from
//! the question's event id, so a retry or a resend after a crash is deduplicated by the homeserver. Errors
//! back off exponentially (up to a minute) for `[bot] send_attempts` tries; `M_LIMIT_EXCEEDED` waits as long as
//! the server asks; an unreachable homeserver is waited for without limit (it is an outage, and the sync waits
//! for it too); a final failure is logged at warn with the room and event.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use matrix_sdk::Room;
use matrix_sdk::ruma::api::error::{ErrorKind, RetryAfter};
use matrix_sdk::ruma::events::relation::Thread;
use matrix_sdk::ruma::events::room::message::{
    AddMentions, ForwardThread, ReplyMetadata, ReplyWithinThread, RoomMessageEventContent,
};
use matrix_sdk::ruma::events::{
    AnySyncMessageLikeEvent, AnySyncTimelineEvent, SyncMessageLikeEvent,
};
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedTransactionId, OwnedUserId};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use super::Bot;
use super::backoff::Backoff;
use super::events::{classify, room_facts, thread_of};
use super::journal::{Pending, now_ms, transaction_id};
use super::trigger::Action;
use crate::answer::Outcome;
use crate::errors::brief;

/// A question (or command) to reply to.
pub struct Job {
    /// The room.
    pub room: Room,
    /// The question's event.
    pub event_id: OwnedEventId,
    /// Who asked.
    pub sender: OwnedUserId,
    /// The question's thread, if it was asked in one.
    pub thread: Option<Thread>,
    /// What to reply.
    pub action: Action,
    /// The question's `origin_server_ts` (ms).
    pub ts: u64,
    /// When the bot received it (for the latency in the log).
    pub received: Instant,
}

/// The per-room queues and their workers.
pub struct Dispatcher {
    queues: Mutex<HashMap<OwnedRoomId, mpsc::UnboundedSender<Job>>>,
    workers: Mutex<JoinSet<()>>,
    permits: Arc<Semaphore>,
}

impl Dispatcher {
    /// Queues with at most `concurrency` replies worked on at once.
    pub fn new(concurrency: usize) -> Dispatcher {
        Dispatcher {
            queues: Mutex::default(),
            workers: Mutex::new(JoinSet::new()),
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    /// Queues `job` behind the other replies of its room.
    pub fn dispatch(&self, bot: &Arc<Bot>, job: Job) {
        if bot.is_stopping() {
            // Claimed but not sent: the next start sends it.
            return;
        }
        let mut queues = self
            .queues
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let room_id = job.room.room_id().to_owned();
        let job = match queues.get(&room_id) {
            Some(queue) => match queue.send(job) {
                Ok(()) => return,
                Err(mpsc::error::SendError(job)) => job,
            },
            None => job,
        };
        let (tx, mut rx) = mpsc::unbounded_channel::<Job>();
        let _ = tx.send(job);
        queues.insert(room_id, tx);
        let bot = bot.clone();
        let permits = self.permits.clone();
        let worker = async move {
            while let Some(job) = rx.recv().await {
                let Ok(_permit) = permits.acquire().await else {
                    return;
                };
                handle(&bot, job).await;
            }
        };
        self.workers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .spawn(worker);
    }

    /// Closes the queues and waits (at most `timeout`) for the replies already queued.
    pub async fn drain(&self, timeout: Duration) {
        self.queues
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        let mut workers = std::mem::take(
            &mut *self
                .workers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        let all_done = async { while workers.join_next().await.is_some() {} };
        if tokio::time::timeout(timeout, all_done).await.is_err() {
            tracing::warn!(
                "shutdown: some replies were not finished; they are sent at the next start"
            );
        }
    }
}

/// Builds the reply content for `job`: an `m.notice` replying to the question, in its thread, mentioning only
/// the asker. Returns it with the outcome, entry id and score for the log. `reloaded` is what the reload of
/// an admin's `!reload` did (it is done before, as it is not instant).
pub fn reply_content(
    bot: &Bot,
    job: &Job,
    reloaded: Option<&super::reload::Outcome>,
) -> (RoomMessageEventContent, &'static str, Option<String>, f64) {
    let (plain, html, outcome, entry, score) = match &job.action {
        Action::Ask(question) => {
            tracing::debug!(room = %job.room.room_id(), event = %job.event_id, question = %question, "question");
            let engine = bot.engine_for(&job.room);
            let reply = engine.ask(question);
            super::unanswered::record(
                &bot.config(),
                &reply,
                job.room.room_id().as_str(),
                job.sender.as_str(),
            );
            let outcome = match reply.outcome {
                Outcome::Answer => "answer",
                Outcome::Suggest => "suggest",
                Outcome::None => "none",
                Outcome::SmallTalk => "small_talk",
            };
            (
                reply.plain(),
                reply.html(),
                outcome,
                reply.quoted().map(|q| q.entry.clone()),
                reply.score,
            )
        }
        Action::Help => {
            let r = bot.engine_for(&job.room).help(&bot.me.how_to_ask());
            (r.plain, r.html, "help", None, 0.0)
        }
        Action::Sources => {
            let r = bot.engine_for(&job.room).sources();
            (r.plain, r.html, "sources", None, 0.0)
        }
        Action::SlowDown(room) => {
            let text = if *room {
                "This room is asking faster than I can answer. Please slow down; I will answer again shortly."
            } else {
                "You are asking faster than I can answer. Please slow down; I will answer again shortly."
            };
            (
                text.to_string(),
                format!("<p>{text}</p>"),
                "slow_down",
                None,
                0.0,
            )
        }
        Action::Reload => {
            let text = reloaded
                .map(super::reload::Outcome::message)
                .unwrap_or_default();
            let text = &text;
            let html = format!(
                "<p>{}</p>",
                crate::answer::escape(text).replace('\n', "<br>")
            );
            (
                crate::answer::defuse(text),
                crate::answer::defuse(&html),
                "reload",
                None,
                0.0,
            )
        }
        Action::Ignore => unreachable!("ignored messages are not queued"),
    };
    let metadata = ReplyMetadata::new(&job.event_id, &job.sender, job.thread.as_ref());
    let notice = RoomMessageEventContent::notice_html(plain, html);
    // In a thread: a real reply within the thread (not a fallback); elsewhere a plain rich reply.
    let content = if job.thread.is_some() {
        notice.make_for_thread(metadata, ReplyWithinThread::Yes, AddMentions::Yes)
    } else {
        notice.make_reply_to(metadata, ForwardThread::Yes, AddMentions::Yes)
    };
    (content, outcome, entry, score)
}

/// Replies to one question and records the result in the journal.
async fn handle(bot: &Bot, job: Job) {
    let reloaded = match job.action {
        Action::Reload => Some(super::reload::reload(bot, "!reload").await),
        _ => None,
    };
    let (content, outcome, entry, score) = reply_content(bot, &job, reloaded.as_ref());
    let room = job.room.room_id();
    match send(
        bot,
        &job.room,
        content,
        transaction_id(job.event_id.as_str()).into(),
    )
    .await
    {
        Ok(reply) => {
            if let Err(e) = bot.journal().done(job.event_id.as_str(), reply.as_str()) {
                tracing::warn!(%room, event = %job.event_id, "cannot record the reply in the journal: {}", brief(&e));
            }
            bot.metrics.question(outcome, job.received.elapsed());
            tracing::info!(
                %room,
                event = %job.event_id,
                outcome,
                entry = entry.as_deref().unwrap_or("-"),
                score = (score * 1000.0).round() / 1000.0,
                latency_ms = job.received.elapsed().as_millis() as u64,
                "replied"
            );
        }
        Err(SendError::Stopping) => {
            tracing::info!(%room, event = %job.event_id, "shutting down before the reply went out; it is sent at the next start");
        }
        Err(SendError::Failed(e)) => {
            bot.metrics.question("failed", job.received.elapsed());
            tracing::warn!(%room, event = %job.event_id, outcome, "giving up on the reply: {e}");
            if let Err(e) = bot.journal().gave_up(job.event_id.as_str()) {
                tracing::warn!(%room, event = %job.event_id, "cannot record in the journal: {}", brief(&e));
            }
        }
    }
}

enum SendError {
    Stopping,
    Failed(String),
}

/// Sends `content` with retries; returns the event id of the sent message.
async fn send(
    bot: &Bot,
    room: &Room,
    content: RoomMessageEventContent,
    txn: OwnedTransactionId,
) -> Result<OwnedEventId, SendError> {
    let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
    let attempts = bot.config().bot.send_attempts.max(1);
    let mut rate_limited = 0u32;
    loop {
        let error = match room
            .send(content.clone())
            .with_transaction_id(txn.clone())
            .await
        {
            Ok(sent) => return Ok(sent.response.event_id),
            Err(e) => e,
        };
        let api = error.as_client_api_error();
        let (delay, permanent) = match api.and_then(|e| e.error_kind()) {
            Some(ErrorKind::LimitExceeded(data)) => {
                rate_limited += 1;
                let wait = match data.retry_after {
                    Some(RetryAfter::Delay(d)) => d,
                    Some(RetryAfter::DateTime(t)) => t
                        .duration_since(std::time::SystemTime::now())
                        .unwrap_or_default(),
                    None => backoff.nominal(),
                };
                // Rate limits are waited out without using up attempts (up to a sane bound).
                (wait.min(Duration::from_secs(300)), rate_limited > 50)
            }
            _ => {
                let client_error = api.is_some_and(|e| e.status_code.is_client_error());
                // An unreachable homeserver is an outage, not this reply's fault: wait for it however long
                // it takes (the sync loop waits too), without using up attempts.
                let unreachable = matches!(&error, matrix_sdk::Error::Http(e)
                    if matches!(**e, matrix_sdk::HttpError::Reqwest(_)));
                (
                    backoff.next_delay(),
                    !unreachable && (client_error || backoff.attempts() >= attempts),
                )
            }
        };
        if permanent {
            return Err(SendError::Failed(format!(
                "{} (after {} attempt(s))",
                brief(&error),
                backoff.attempts() + rate_limited
            )));
        }
        if bot.is_stopping() {
            return Err(SendError::Stopping);
        }
        bot.metrics
            .send_retries
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::debug!(room = %room.room_id(), retry_in_ms = delay.as_millis() as u64, "sending failed: {}", brief(&error));
        let mut stopping = bot.stopping.clone();
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            _ = stopping.changed() => return Err(SendError::Stopping),
        }
    }
}

/// Resumes the claims a previous run did not finish: fetches each question again (decrypting it if needed),
/// decides again, and replies with the same transaction id as before, so a reply that did go out is not
/// posted twice.
pub async fn resume(bot: Arc<Bot>, pending: Vec<Pending>) {
    for p in pending {
        let Ok(room_id) = OwnedRoomId::try_from(p.room.as_str()) else {
            continue;
        };
        let Ok(event_id) = OwnedEventId::try_from(p.event.as_str()) else {
            continue;
        };
        let Some(room) = bot.client.get_room(&room_id) else {
            let _ = bot.journal().gave_up(&p.event);
            continue;
        };
        let event = match room.event(&event_id, None).await {
            Ok(event) => event,
            Err(e) => {
                tracing::warn!(room = %room_id, event = %event_id, "cannot fetch an unanswered question again; giving up on it: {}", brief(&e));
                let _ = bot.journal().gave_up(&p.event);
                continue;
            }
        };
        let facts = room_facts(&bot, &room).await;
        let message = match event.raw().deserialize() {
            Ok(AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(
                SyncMessageLikeEvent::Original(m),
            ))) => m,
            _ => {
                let _ = bot.journal().gave_up(&p.event);
                continue;
            }
        };
        let Some(action) = classify(&bot, &message, facts.direct) else {
            let _ = bot.journal().gave_up(&p.event);
            continue;
        };
        tracing::info!(room = %room_id, event = %event_id, age_ms = now_ms().saturating_sub(p.ts), "resuming an unfinished reply");
        let job = Job {
            room,
            event_id,
            sender: message.sender.clone(),
            thread: thread_of(&message),
            action,
            ts: p.ts,
            received: Instant::now(),
        };
        bot.replies.dispatch(&bot, job);
    }
}
