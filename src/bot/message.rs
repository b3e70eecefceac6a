//! A room message the bot may act on: whether it is for the bot and what it asks ([`classify`], by the pure rules
//! of [`super::trigger`]), flood control ([`limit`]), and what it replies to or which thread it is in.

use std::sync::atomic::Ordering;

use matrix_sdk::Room;
use matrix_sdk::ruma::OwnedEventId;
use matrix_sdk::ruma::events::relation::Thread;
use matrix_sdk::ruma::events::room::message::{
    MessageType, OriginalSyncRoomMessageEvent, Relation,
};

use super::Bot;
use super::conversations::Place;
use super::flood::Decision;
use super::persist::now_ms;
use super::trigger::{Action, Message, decide, is_reload};

/// Flood control: the action, a request to slow down, or silence.
pub fn limit(
    bot: &Bot,
    room: &Room,
    message: &OriginalSyncRoomMessageEvent,
    action: Action,
    now: u64,
) -> Option<Action> {
    if action == Action::Reload {
        return Some(action);
    }
    let decision = bot
        .limiter
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .check(message.sender.as_str(), room.room_id().as_str(), now);
    match decision {
        Decision::Allow => Some(action),
        Decision::SlowDown { room: whole_room } => {
            bot.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
            tracing::info!(room = %room.room_id(), sender = %message.sender, whole_room, "over the rate limit: asking to slow down");
            Some(Action::SlowDown(whole_room))
        }
        Decision::Silent => {
            bot.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(room = %room.room_id(), event = %message.event_id, "over the rate limit: not answered");
            None
        }
    }
}

/// The trigger decision for a message, or `None` to stay silent.
pub fn classify(
    bot: &Bot,
    room: &Room,
    message: &OriginalSyncRoomMessageEvent,
    direct: bool,
) -> Option<Action> {
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
    // A thread the bot answered in is a conversation with it.
    let in_bots_thread = thread_of(message).is_some_and(|t| {
        let room_id = room.room_id().as_str();
        let place = Place {
            room: room_id.to_string(),
            thread: Some(t.event_id.to_string()),
        };
        // A thread the bot answered in, or one started on one of its messages (one lock at a time).
        let in_journal = {
            let journal = bot.journal();
            journal.replied_in_thread(room_id, t.event_id.as_str())
                || journal.is_reply(t.event_id.as_str())
        };
        in_journal || bot.conversations().is_active(&place, now_ms())
    });
    let formatted = text.formatted.as_ref().map(|f| f.body.as_str());
    let input = Message {
        body: &text.body,
        formatted_body: formatted,
        mentions_bot,
        replies_to_bot,
        in_bots_thread,
        direct,
    };
    match decide(&bot.me, &input) {
        Action::Ignore => None,
        action => Some(action),
    }
}

/// The event a message really replies to (not a thread's fallback reply).
pub fn replied_to(message: &OriginalSyncRoomMessageEvent) -> Option<&OwnedEventId> {
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
