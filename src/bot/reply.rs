//! Replies: one queue per room (replies in a room go out in order), a semaphore bounding how many are worked
//! on at once across rooms (a slow room does not hold up the others), and sending with retries. What to send
//! was decided before ([`super::events`]); this module only carries it out ([`Work`]).
//!
//! A reply is an `m.notice` that replies to the question (`m.in_reply_to`), stays in the question's thread,
//! and mentions only the asker (`m.mentions`, never `@room`). An edited question gets the bot's reply edited
//! (`m.replace` with `m.new_content`), a redacted one gets it redacted. Everything is sent with the transaction
//! id derived from the event that caused it, so a retry or a resend after a crash is deduplicated by the
//! homeserver. Errors
//! back off exponentially (up to a minute) for `[bot] send_attempts` tries; `M_LIMIT_EXCEEDED` waits as long as
//! the server asks; an unreachable homeserver is waited for without limit (it is an outage, and the sync waits
//! for it too); a final failure is logged at warn with the room and event.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use matrix_sdk::Room;
use matrix_sdk::ruma::api::error::{ErrorKind, RetryAfter};
use matrix_sdk::ruma::events::room::message::{
    AddMentions, ForwardThread, ReplacementMetadata, ReplyMetadata, ReplyWithinThread,
    RoomMessageEventContent,
};
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedTransactionId};
use tokio::sync::{Semaphore, mpsc};
use tokio_util::task::TaskTracker;

use super::Bot;
use super::backoff::Backoff;
use super::conversations::Sent;
use super::job::{Job, Work};
use super::journal::transaction_id;
use super::metrics::Handled;
use super::trigger::Action;
use crate::answer::Reply;
use crate::errors::brief;

/// The per-room queues and their workers.
pub struct Dispatcher {
    queues: Mutex<HashMap<OwnedRoomId, mpsc::UnboundedSender<Job>>>,
    workers: TaskTracker,
    permits: Arc<Semaphore>,
}

impl Dispatcher {
    /// Queues with at most `concurrency` replies worked on at once.
    pub fn new(concurrency: usize) -> Dispatcher {
        Dispatcher {
            queues: Mutex::default(),
            workers: TaskTracker::new(),
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
        self.workers.spawn(worker);
    }

    /// Closes the queues and waits (at most `timeout`) for the replies already queued.
    pub async fn drain(&self, timeout: Duration) {
        self.queues
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        self.workers.close();
        if tokio::time::timeout(timeout, self.workers.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                "shutdown: some replies were not finished; they are sent at the next start"
            );
        }
    }
}

/// The message for a reply: its plain and HTML bodies, the outcome for the log and metrics, and what to
/// remember of it. `reloaded` is what the reload of an admin's `!reload` did (it is done before, as it is not
/// instant).
fn message_of<'w>(
    bot: &Bot,
    room: &Room,
    work: &'w Work,
    reloaded: Option<&super::reload::Outcome>,
) -> (String, String, Handled, Option<&'w Reply>) {
    let (plain, html, handled) = match work {
        Work::Answer(reply) => {
            return (
                reply.plain(),
                reply.html(),
                Handled::Reply(reply.outcome),
                Some(reply),
            );
        }
        Work::Edit(_, reply) => return (reply.plain(), reply.html(), Handled::Edit, Some(reply)),
        Work::Command(Action::Help) => {
            let r = bot.engine_for(room).help(&bot.me.how_to_ask());
            (r.plain, r.html, Handled::Help)
        }
        Work::Command(Action::Sources) => {
            let r = bot.engine_for(room).sources();
            (r.plain, r.html, Handled::Sources)
        }
        Work::Command(Action::SlowDown(room)) => {
            let text = if *room {
                "This room is asking faster than I can answer. Please slow down; I will answer again shortly."
            } else {
                "You are asking faster than I can answer. Please slow down; I will answer again shortly."
            };
            (
                text.to_string(),
                format!("<p>{text}</p>"),
                Handled::SlowDown,
            )
        }
        Work::Command(Action::Reload) => {
            let text = reloaded
                .map(super::reload::Outcome::message)
                .unwrap_or_default();
            let html = format!(
                "<p>{}</p>",
                crate::answer::escape(&text).replace('\n', "<br>")
            );
            (
                crate::answer::defuse(&text),
                crate::answer::defuse(&html),
                Handled::Reload,
            )
        }
        Work::Command(Action::Ask(_) | Action::Ignore) | Work::Redact(_) | Work::Feedback(..) => {
            unreachable!("no message is built for these")
        }
    };
    (plain, html, handled, None)
}

/// Builds the reply content for `job`: an `m.notice` replying to the question, in its thread, mentioning only
/// the asker (or, for an edited question, the replacement of the bot's reply). Returns it with the outcome and
/// the reply (for the log and the journal).
pub fn reply_content<'j>(
    bot: &Bot,
    job: &'j Job,
    reloaded: Option<&super::reload::Outcome>,
) -> (RoomMessageEventContent, Handled, Option<&'j Reply>) {
    let (plain, html, outcome, reply) = message_of(bot, &job.room, &job.work, reloaded);
    let notice = RoomMessageEventContent::notice_html(plain, html);
    if let Work::Edit(original, _) = &job.work {
        let content = notice.make_replacement(ReplacementMetadata::new(original.clone(), None));
        return (content, outcome, reply);
    }
    let metadata = ReplyMetadata::new(&job.reply_to, &job.sender, job.thread.as_ref());
    // In a thread: a real reply within the thread (not a fallback); elsewhere a plain rich reply.
    let content = if job.thread.is_some() {
        notice.make_for_thread(metadata, ReplyWithinThread::Yes, AddMentions::Yes)
    } else {
        notice.make_reply_to(metadata, ForwardThread::Yes, AddMentions::Yes)
    };
    (content, outcome, reply)
}

/// Carries out one job and records the result in the journal.
async fn handle(bot: &Bot, job: Job) {
    let reloaded = match job.work {
        Work::Command(Action::Reload) => Some(super::reload::reload(bot, "!reload").await),
        _ => None,
    };
    let room = job.room.room_id();
    let txn: OwnedTransactionId = transaction_id(job.event_id.as_str()).into();
    let (result, outcome, remember) = match &job.work {
        Work::Redact(reply) => (
            send(bot, &job.room, Out::Redact(reply), txn).await,
            Handled::Redact,
            None,
        ),
        _ => {
            let (content, outcome, reply) = reply_content(bot, &job, reloaded.as_ref());
            let root = job.thread.as_ref().map(|t| t.event_id.as_str());
            // A suggestion accepted by a reaction answers the question the suggestion was for.
            let question = bot
                .journal()
                .sent(job.reply_to.as_str())
                .map_or_else(|| job.reply_to.to_string(), |s| s.question.clone());
            let sent = reply.map(|r| Sent::of(r, &question, root));
            (
                send(bot, &job.room, Out::Message(Box::new(content)), txn).await,
                outcome,
                sent,
            )
        }
    };
    match result {
        Ok(event) => {
            let edits = match &job.work {
                Work::Edit(original, _) => Some(original.as_str()),
                _ => None,
            };
            let mut sent = remember;
            if let Some(sent) = &mut sent
                && let Some(old) = edits.and_then(|e| bot.journal().sent(e).cloned())
            {
                // An edited reply still answers the same question, in the same thread.
                sent.question = old.question;
                sent.thread = old.thread;
                sent.edit = Some(job.event_id.to_string());
            }
            let entry = sent.as_ref().and_then(|s| s.entries.first().cloned());
            let score = sent.as_ref().map_or(0.0, |s| s.score);
            let id = job.event_id.to_string();
            let reply_id = event.to_string();
            let edits = edits.map(str::to_string);
            if let Err(e) = bot
                .write_journal(move |j| j.done_with(&id, &reply_id, sent, edits.as_deref()))
                .await
            {
                tracing::warn!(%room, event = %job.event_id, "cannot record the reply in the journal: {}", brief(&e));
            }
            bot.metrics.handled(outcome, job.received.elapsed());
            tracing::info!(
                %room,
                event = %job.event_id,
                outcome = outcome.as_str(),
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
            bot.metrics.handled(Handled::Failed, job.received.elapsed());
            tracing::warn!(%room, event = %job.event_id, outcome = outcome.as_str(), "giving up on the reply: {e}");
            let id = job.event_id.to_string();
            if let Err(e) = bot.write_journal(move |j| j.gave_up(&id)).await {
                tracing::warn!(%room, event = %job.event_id, "cannot record in the journal: {}", brief(&e));
            }
        }
    }
}

/// What goes out: a message, or the redaction of one.
enum Out<'a> {
    Message(Box<RoomMessageEventContent>),
    Redact(&'a OwnedEventId),
}

enum SendError {
    Stopping,
    Failed(String),
}

/// Sends `out` with retries; returns the event id of the sent message (or redaction).
async fn send(
    bot: &Bot,
    room: &Room,
    out: Out<'_>,
    txn: OwnedTransactionId,
) -> Result<OwnedEventId, SendError> {
    let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
    let attempts = bot.config().bot.send_attempts.max(1);
    let mut rate_limited = 0u32;
    loop {
        let attempt = match &out {
            Out::Message(content) => room
                .send((**content).clone())
                .with_transaction_id(txn.clone())
                .await
                .map(|sent| sent.response.event_id),
            Out::Redact(event) => room
                .redact(event, Some("the question was deleted"), Some(txn.clone()))
                .await
                .map(|r| r.event_id)
                .map_err(matrix_sdk::Error::from),
        };
        let error = match attempt {
            Ok(event) => return Ok(event),
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
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = bot.cancel.cancelled() => return Err(SendError::Stopping),
        }
    }
}
