//! From a sync response to work for the bot: invites go to [`super::rooms`], verification requests to
//! [`super::verification`]; each room event is translated into what happened (a message, an edit, a
//! redaction, a reaction) and passes the filters; the pure rules of [`trigger`](super::trigger) and
//! [`conversations`](super::conversations) say what to do. The events that need a reply (or an edit or redaction
//! of one) are claimed in the journal before the sync position is saved, then queued.
//!
//! Ignored: the bot's own events, anything but `m.text` (so `m.notice` from other bots, emotes, files),
//! edits, redactions and reactions that concern no reply of the bot, state events, undecryptable events, events
//! older than the catch-up window or from before the bot joined the room, and events already claimed.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use matrix_sdk::deserialized_responses::TimelineEvent;
use matrix_sdk::ruma::events::relation::Thread;
use matrix_sdk::ruma::events::room::message::{
    MessageType, OriginalSyncRoomMessageEvent, Relation,
};
use matrix_sdk::ruma::events::{
    AnySyncMessageLikeEvent, AnySyncTimelineEvent, SyncMessageLikeEvent,
};
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId};
use matrix_sdk::sync::SyncResponse;
use matrix_sdk::{Room, RoomMemberships};

use super::conversations::{Place, Todo, on_edit, on_reaction, on_redaction};
use super::job::{Job, Work};
use super::journal::Pending;
use super::message::{classify, limit, replied_to, thread_of};
use super::persist::now_ms;
use super::trigger::{Action, Message, decide};
use super::{Bot, feedback, rooms, verification};
use crate::errors::brief;

/// What the filters need to know about a room, computed once per sync response.
pub struct RoomFacts {
    /// The bot and at most one other member (joined or invited).
    pub direct: bool,
    /// When the bot joined (server ms); nothing older is answered.
    pub joined_at: u64,
    /// Joined and invited members, the bot included.
    pub members: u64,
}

/// Handles one sync response.
pub async fn process(bot: &Arc<Bot>, response: SyncResponse) -> anyhow::Result<()> {
    for room_id in response.rooms.invited.keys() {
        rooms::on_invite(bot, room_id);
    }
    verification::handle(bot, verification::steps(&response, &bot.user_id));
    let now = now_ms();
    let mut jobs = Vec::new();
    for (room_id, update) in &response.rooms.joined {
        let Some(room) = bot.client.get_room(room_id) else {
            continue;
        };
        for event in &update.timeline.events {
            if let Some(ts) = own_join(event, bot.user_id.as_str()) {
                let id = room_id.to_string();
                bot.write_journal(move |j| j.joined(&id, ts)).await?;
            }
        }
        rooms::follow_upgrade(bot, &room);
        let facts = room_facts(bot, &room).await;
        let max = bot.config().limits.max_room_members;
        if max > 0 && facts.members > max {
            leave_large_room(bot, &room, facts.members, max);
            continue;
        }
        for event in &update.timeline.events {
            if let Some(job) = work_for(bot, &room, &facts, event, now, false) {
                jobs.push(job);
            }
        }
        if update.timeline.limited {
            tracing::debug!(room = %room_id, "the timeline was limited; older messages in the gap are not answered");
        }
    }
    let claims: Vec<Pending> = jobs
        .iter()
        .map(|j| Pending {
            room: j.room.room_id().to_string(),
            event: j.event_id.to_string(),
            ts: j.ts,
        })
        .collect();
    let token = response.next_batch.clone();
    bot.write_journal(move |journal| {
        journal.claim(&claims)?;
        journal.save_sync_token(&token)
    })
    .await?;
    for job in jobs {
        carry_out(bot, job);
    }
    Ok(())
}

/// Hands `job` to what carries it out: the feedback log for a reaction that is feedback, else the room's
/// reply queue.
fn carry_out(bot: &Arc<Bot>, job: Job) {
    match job.work {
        Work::Feedback(..) => feedback::record(bot, job),
        _ => bot.replies.dispatch(bot, job),
    }
}

/// Leaves a room with more than `[limits] max_room_members` members (in the background, once).
fn leave_large_room(bot: &Bot, room: &Room, members: u64, max: u64) {
    if room.state() != matrix_sdk::RoomState::Joined {
        return;
    }
    tracing::info!(room = %room.room_id(), members, max_room_members = max, "leaving a room larger than [limits] max_room_members");
    let room = room.clone();
    bot.tasks.spawn(async move {
        if let Err(e) = room.leave().await {
            tracing::warn!(room = %room.room_id(), "cannot leave a room that is too large: {}", brief(&e));
        }
    });
}

/// The room's facts: direct or group, the bot's join time, and the member count.
pub async fn room_facts(bot: &Bot, room: &Room) -> RoomFacts {
    // Counted from the member state in the store: the room summary's counts are only sent with lazy-loading.
    let members = match room.members_no_sync(RoomMemberships::ACTIVE).await {
        Ok(members) if !members.is_empty() => members.len() as u64,
        _ => room.active_members_count(),
    };
    let direct = members <= 2;
    let recorded = bot.journal().joined_at(room.room_id().as_str());
    let joined_at = match recorded {
        Some(ts) => ts,
        None => match room.get_member_no_sync(&bot.user_id).await {
            Ok(Some(member)) => member
                .event()
                .origin_server_ts()
                .map_or(0, |ts| u64::from(ts.0)),
            _ => 0,
        },
    };
    RoomFacts {
        direct,
        joined_at,
        members,
    }
}

/// The `origin_server_ts` of `event` if it is the bot's own join (not a profile change of an existing member).
fn own_join(event: &TimelineEvent, user_id: &str) -> Option<u64> {
    let value: serde_json::Value = event.raw().deserialize_as_unchecked().ok()?;
    let is_join = value["type"] == "m.room.member"
        && value["state_key"] == user_id
        && value["content"]["membership"] == "join"
        && value["unsigned"]["prev_content"]["membership"] != "join";
    if is_join {
        value["origin_server_ts"].as_u64()
    } else {
        None
    }
}

/// The work `event` gives the bot, if any: a reply to a question or command, an edit or redaction of one of
/// its replies, or feedback to record. `resuming` is a claim of an earlier run being finished: the journal and
/// the catch-up window are not asked again.
pub fn work_for(
    bot: &Bot,
    room: &Room,
    facts: &RoomFacts,
    event: &TimelineEvent,
    now: u64,
    resuming: bool,
) -> Option<Job> {
    let seen = Seen::of(bot, room, facts, event, now)?;
    if seen.sender == bot.user_id || seen.ts < facts.joined_at {
        return None;
    }
    if !resuming {
        let age = now.saturating_sub(seen.ts);
        if age > bot.config().bot.catch_up_window.as_millis() as u64 {
            tracing::debug!(room = %room.room_id(), event = %seen.event_id, age_ms = age, "older than the catch-up window; not answered");
            return None;
        }
        if bot.journal().contains(seen.event_id.as_str()) {
            return None;
        }
    }
    let job = |reply_to: OwnedEventId, thread: Option<Thread>, work: Work| Job {
        room: room.clone(),
        event_id: seen.event_id.clone(),
        reply_to,
        sender: seen.sender.clone(),
        thread,
        work,
        ts: seen.ts,
        received: Instant::now(),
    };
    let place = |thread: Option<String>| Place {
        room: room.room_id().to_string(),
        thread,
    };
    match seen.what {
        What::Message(message) => {
            let action = classify(bot, room, &message, facts.direct)?;
            let action = limit(bot, room, &message, action, now)?;
            let thread = thread_of(&message);
            let work = match action {
                Action::Ask(question) => {
                    let root = thread.as_ref().map(|t| t.event_id.to_string());
                    let mut replying_to = replied_to(&message)
                        .and_then(|id| bot.journal().sent(id.as_str()).cloned());
                    // A new thread started on one of the bot's answers follows that answer.
                    if replying_to.is_none()
                        && let Some(root) = &root
                    {
                        let active = bot
                            .conversations()
                            .is_active(&place(Some(root.clone())), now);
                        if !active {
                            replying_to = bot.journal().sent(root).cloned();
                        }
                    }
                    let engine = bot.engine_for(room);
                    let reply = bot.conversations().answer(
                        &engine,
                        &place(root),
                        &question,
                        replying_to.as_ref(),
                        now,
                    );
                    super::unanswered::record(
                        &bot.config(),
                        &reply,
                        room.room_id().as_str(),
                        message.sender.as_str(),
                    );
                    Work::Answer(Box::new(reply))
                }
                other => Work::Command(other),
            };
            Some(job(message.event_id.clone(), thread, work))
        }
        What::Edit { original, text } => {
            let reply = bot
                .journal()
                .reply_to(original.as_str())
                .map(str::to_string);
            let Todo::EditReply(reply) = on_edit(reply.as_deref(), false) else {
                return None;
            };
            let sent = bot.journal().sent(&reply).cloned().unwrap_or_default();
            let input = Message {
                body: &text,
                direct: true,
                ..Message::default()
            };
            let Action::Ask(question) = decide(&bot.me, &input) else {
                return None;
            };
            let engine = bot.engine_for(room);
            let answer =
                bot.conversations()
                    .answer(&engine, &place(sent.thread), &question, None, now);
            let reply = OwnedEventId::try_from(reply).ok()?;
            Some(job(original, None, Work::Edit(reply, Box::new(answer))))
        }
        What::Redaction { redacts } => {
            let reply = bot.journal().reply_to(redacts.as_str()).map(str::to_string);
            let Todo::RedactReply(reply) = on_redaction(reply.as_deref(), false) else {
                return None;
            };
            Some(job(redacts, None, Work::Redact(reply.try_into().ok()?)))
        }
        What::Reaction { target, key } => {
            let sent = bot.journal().sent(target.as_str()).cloned()?;
            let thread = sent
                .thread
                .as_ref()
                .and_then(|root| OwnedEventId::try_from(root.as_str()).ok())
                .map(|root| Thread::reply(root, target.clone()));
            match on_reaction(&sent, &key) {
                Todo::Accept(choice) => {
                    let engine = bot.engine_for(room);
                    let reply = bot.conversations().accept(
                        &engine,
                        &place(sent.thread.clone()),
                        &sent.offered,
                        choice,
                        now,
                    )?;
                    Some(job(target, thread, Work::Answer(Box::new(reply))))
                }
                Todo::Feedback(_) if bot.config().curation.log_feedback => {
                    Some(job(target, None, Work::Feedback(Box::new(sent), key)))
                }
                _ => None,
            }
        }
    }
}

/// An event as far as the bot cares: who sent it, when, and what it is.
struct Seen {
    event_id: OwnedEventId,
    sender: OwnedUserId,
    ts: u64,
    what: What,
}

enum What {
    /// A message (text or not; [`classify`] decides).
    Message(Box<OriginalSyncRoomMessageEvent>),
    /// An edit (`m.replace`) of `original`, whose text is now `text`.
    Edit {
        original: OwnedEventId,
        text: String,
    },
    /// A redaction of `redacts`.
    Redaction { redacts: OwnedEventId },
    /// A reaction (`m.annotation`) with `key` on `target`.
    Reaction { target: OwnedEventId, key: String },
}

impl Seen {
    /// Translates a timeline event; `None` for anything the bot never acts on.
    fn of(
        bot: &Bot,
        room: &Room,
        facts: &RoomFacts,
        event: &TimelineEvent,
        now: u64,
    ) -> Option<Seen> {
        match event.raw().deserialize().ok()? {
            AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(
                SyncMessageLikeEvent::Original(m),
            )) => {
                let what = match &m.content.relates_to {
                    Some(Relation::Replacement(r)) => match &r.new_content.msgtype {
                        MessageType::Text(text) => What::Edit {
                            original: r.event_id.clone(),
                            text: text.body.clone(),
                        },
                        _ => return None,
                    },
                    _ => What::Message(Box::new(m.clone())),
                };
                Some(Seen {
                    event_id: m.event_id,
                    sender: m.sender,
                    ts: u64::from(m.origin_server_ts.0),
                    what,
                })
            }
            AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomEncrypted(e)) => {
                let ts = u64::from(e.origin_server_ts().0);
                let recent =
                    now.saturating_sub(ts) <= bot.config().bot.catch_up_window.as_millis() as u64;
                if e.sender() != bot.user_id && ts >= facts.joined_at && recent {
                    bot.metrics.undecryptable.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(room = %room.room_id(), event = %e.event_id(), sender = %e.sender(), "cannot decrypt an event (no room key for this device); it is not answered");
                }
                None
            }
            AnySyncTimelineEvent::MessageLike(other) => {
                // Redactions and reactions are read from their JSON: the same across room versions.
                let value: serde_json::Value = event.raw().deserialize_as_unchecked().ok()?;
                let id =
                    |v: &serde_json::Value| v.as_str().and_then(|s| OwnedEventId::try_from(s).ok());
                let what = match other.event_type().to_string().as_str() {
                    "m.room.redaction" => What::Redaction {
                        redacts: id(&value["content"]["redacts"])
                            .or_else(|| id(&value["redacts"]))?,
                    },
                    "m.reaction" => {
                        let relation = &value["content"]["m.relates_to"];
                        if relation["rel_type"] != "m.annotation" {
                            return None;
                        }
                        What::Reaction {
                            target: id(&relation["event_id"])?,
                            key: relation["key"].as_str()?.to_string(),
                        }
                    }
                    _ => return None,
                };
                Some(Seen {
                    event_id: other.event_id().to_owned(),
                    sender: other.sender().to_owned(),
                    ts: u64::from(other.origin_server_ts().0),
                    what,
                })
            }
            _ => None,
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
            let _ = bot.write_journal(move |j| j.gave_up(&p.event)).await;
            continue;
        };
        let event = match room.event(&event_id, None).await {
            Ok(event) => event,
            Err(e) => {
                tracing::warn!(room = %room_id, event = %event_id, "cannot fetch an unanswered question again; giving up on it: {}", brief(&e));
                let _ = bot.write_journal(move |j| j.gave_up(&p.event)).await;
                continue;
            }
        };
        let facts = room_facts(&bot, &room).await;
        let Some(job) = work_for(&bot, &room, &facts, &event, now_ms(), true) else {
            let _ = bot.write_journal(move |j| j.gave_up(&p.event)).await;
            continue;
        };
        tracing::info!(room = %room_id, event = %event_id, age_ms = now_ms().saturating_sub(p.ts), "resuming unfinished work");
        carry_out(&bot, job);
    }
}
