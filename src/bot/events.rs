//! From a sync response to questions: invites go to [`super::rooms`], verification requests to
//! [`super::verification`]; each room message passes the filters
//! and the [`trigger`](super::trigger) rules, and the questions found are claimed in the journal before the
//! sync position is saved, then queued for a reply.
//!
//! Ignored: the bot's own messages, anything but `m.text` (so `m.notice` from other bots, emotes, files),
//! edits (`m.replace`), redacted events, state events, undecryptable events, messages older than the catch-up
//! window or from before the bot joined the room, and events already claimed.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use matrix_sdk::deserialized_responses::TimelineEvent;
use matrix_sdk::ruma::OwnedEventId;
use matrix_sdk::ruma::events::relation::Thread;
use matrix_sdk::ruma::events::room::message::{
    MessageType, OriginalSyncRoomMessageEvent, Relation,
};
use matrix_sdk::ruma::events::{
    AnySyncMessageLikeEvent, AnySyncTimelineEvent, SyncMessageLikeEvent,
};
use matrix_sdk::sync::SyncResponse;
use matrix_sdk::{Room, RoomMemberships};

use super::flood::Decision;
use super::journal::{Pending, now_ms};
use super::reply::Job;
use super::trigger::{Action, Message, decide, is_reload};
use super::{Bot, rooms, verification};
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
                bot.journal().joined(room_id.as_str(), ts)?;
            }
        }
        rooms::follow_upgrade(bot, &room);
        let facts = room_facts(bot, &room).await;
        let max = bot.config().limits.max_room_members;
        if max > 0 && facts.members > max {
            leave_large_room(&room, facts.members, max);
            continue;
        }
        for event in &update.timeline.events {
            if let Some(job) = question(bot, &room, &facts, event, now) {
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
    {
        let mut journal = bot.journal();
        journal.claim(&claims)?;
        journal.save_sync_token(&response.next_batch)?;
    }
    for job in jobs {
        bot.replies.dispatch(bot, job);
    }
    Ok(())
}

/// Leaves a room with more than `[limits] max_room_members` members (in the background, once).
fn leave_large_room(room: &Room, members: u64, max: u64) {
    if room.state() != matrix_sdk::RoomState::Joined {
        return;
    }
    tracing::info!(room = %room.room_id(), members, max_room_members = max, "leaving a room larger than [limits] max_room_members");
    let room = room.clone();
    tokio::spawn(async move {
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

/// The reply job for `event`, if it is a question (or command) for the bot that was not claimed yet.
pub fn question(
    bot: &Bot,
    room: &Room,
    facts: &RoomFacts,
    event: &TimelineEvent,
    now: u64,
) -> Option<Job> {
    let deserialized = event.raw().deserialize();
    let message = match deserialized {
        Ok(AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(
            SyncMessageLikeEvent::Original(m),
        ))) => m,
        Ok(AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomEncrypted(e))) => {
            let ts = u64::from(e.origin_server_ts().0);
            let recent =
                now.saturating_sub(ts) <= bot.config().bot.catch_up_window.as_millis() as u64;
            if e.sender() != bot.user_id && ts >= facts.joined_at && recent {
                bot.metrics
                    .undecryptable
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                tracing::warn!(room = %room.room_id(), event = %e.event_id(), sender = %e.sender(), "cannot decrypt a message (no room key for this device); it is not answered");
            }
            return None;
        }
        _ => return None,
    };
    let ts = u64::from(message.origin_server_ts.0);
    if message.sender == bot.user_id || ts < facts.joined_at {
        return None;
    }
    if now.saturating_sub(ts) > bot.config().bot.catch_up_window.as_millis() as u64 {
        tracing::debug!(room = %room.room_id(), event = %message.event_id, age_ms = now.saturating_sub(ts), "older than the catch-up window; not answered");
        return None;
    }
    if bot.journal().contains(message.event_id.as_str()) {
        return None;
    }
    let mut action = classify(bot, &message, facts.direct)?;
    if action != Action::Reload {
        let decision = bot
            .limiter
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .check(message.sender.as_str(), room.room_id().as_str(), now);
        match decision {
            Decision::Allow => {}
            Decision::SlowDown { room: whole_room } => {
                bot.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
                tracing::info!(room = %room.room_id(), sender = %message.sender, whole_room, "over the rate limit: asking to slow down");
                action = Action::SlowDown(whole_room);
            }
            Decision::Silent => {
                bot.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(room = %room.room_id(), event = %message.event_id, "over the rate limit: not answered");
                return None;
            }
        }
    }
    Some(Job {
        room: room.clone(),
        event_id: message.event_id.clone(),
        sender: message.sender.clone(),
        thread: thread_of(&message),
        action,
        ts,
        received: Instant::now(),
    })
}

/// The trigger decision for a message, or `None` to stay silent.
pub fn classify(bot: &Bot, message: &OriginalSyncRoomMessageEvent, direct: bool) -> Option<Action> {
    let content = &message.content;
    if matches!(content.relates_to, Some(Relation::Replacement(_))) {
        return None;
    }
    let MessageType::Text(text) = &content.msgtype else {
        return None;
    };
    if is_reload(&bot.me, &text.body) {
        // Admins only; anyone else gets silence (the command is not advertised, and a refusal would be one
        // more message a stranger can make the bot send).
        if bot.config().access.is_admin(message.sender.as_str()) {
            return Some(Action::Reload);
        }
        tracing::info!(sender = %message.sender, "ignoring !reload from a user who is not in [access] admins");
        return None;
    }
    let mentions_bot = content
        .mentions
        .as_ref()
        .is_some_and(|m| m.user_ids.contains(&bot.user_id));
    let replies_to_bot = replied_to(message).is_some_and(|id| bot.journal().is_reply(id.as_str()));
    let formatted = text.formatted.as_ref().map(|f| f.body.as_str());
    let input = Message {
        body: &text.body,
        formatted_body: formatted,
        mentions_bot,
        replies_to_bot,
        direct,
    };
    match decide(&bot.me, &input) {
        Action::Ignore => None,
        action => Some(action),
    }
}

/// The event a message really replies to (not a thread's fallback reply).
fn replied_to(message: &OriginalSyncRoomMessageEvent) -> Option<&OwnedEventId> {
    match &message.content.relates_to {
        Some(Relation::Reply(reply)) => Some(&reply.in_reply_to.event_id),
        Some(Relation::Thread(thread)) if !thread.is_falling_back => {
            thread.in_reply_to.as_ref().map(|r| &r.event_id)
        }
        _ => None,
    }
}

/// The thread a message is in, if any.
pub fn thread_of(message: &OriginalSyncRoomMessageEvent) -> Option<Thread> {
    match &message.content.relates_to {
        Some(Relation::Thread(thread)) => Some(thread.clone()),
        _ => None,
    }
}
