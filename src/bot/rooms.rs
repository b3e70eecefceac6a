//! Rooms: accepting invites from allowed inviters (retrying the join with backoff), rejecting the others,
//! joining the configured rooms at start, following room upgrades (tombstones) into the replacement room,
//! and the bot's profile.

use std::sync::Arc;
use std::time::Duration;

use matrix_sdk::Client;
use matrix_sdk::ruma::{OwnedRoomOrAliasId, RoomId};

use super::Bot;
use super::backoff::Backoff;
use super::persist::now_ms;
use crate::config::Config;
use crate::errors::brief;

/// How many times a join is tried.
const JOIN_ATTEMPTS: u32 = 8;

/// Sets the configured display name if it differs; returns the display name in use.
pub async fn set_up_profile(client: &Client, config: &Config) -> Option<String> {
    let account = client.account();
    let current = account.get_display_name().await.unwrap_or_else(|e| {
        tracing::warn!("cannot read the bot's display name: {}", brief(&e));
        None
    });
    match &config.bot.display_name {
        Some(wanted) if current.as_deref() != Some(wanted.as_str()) => {
            match account.set_display_name(Some(wanted)).await {
                Ok(()) => Some(wanted.clone()),
                Err(e) => {
                    tracing::warn!("cannot set the display name: {}", brief(&e));
                    current
                }
            }
        }
        _ => current,
    }
}

/// Handles an invite to `room_id` (once, however many syncs repeat it).
pub fn on_invite(bot: &Arc<Bot>, room_id: &RoomId) {
    if !bot
        .invites
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(room_id.to_string())
    {
        return;
    }
    let bot = bot.clone();
    let room_id = room_id.to_owned();
    bot.clone().tasks.spawn(async move {
        answer_invite(&bot, &room_id).await;
        bot.invites
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(room_id.as_str());
    });
}

async fn answer_invite(bot: &Bot, room_id: &RoomId) {
    let Some(room) = bot.client.get_room(room_id) else {
        return;
    };
    let inviter = match room.invite_details().await {
        Ok(invite) => invite.inviter_id,
        Err(e) => {
            tracing::warn!(room = %room_id, "cannot tell who sent an invite; rejecting it: {}", brief(&e));
            let _ = room.leave().await;
            return;
        }
    };
    if !bot.config().access.allows(inviter.as_str()) {
        tracing::info!(room = %room_id, %inviter, "rejecting an invite from an inviter not in allowed_inviters");
        if let Err(e) = room.leave().await {
            tracing::warn!(room = %room_id, "cannot reject the invite: {}", brief(&e));
        }
        return;
    }
    let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
    loop {
        // Recorded before the join so that the first sync of the room already knows it.
        let joined_at = now_ms();
        match room.join().await {
            Ok(()) => {
                let id = room_id.to_string();
                if let Err(e) = bot.write_journal(move |j| j.joined(&id, joined_at)).await {
                    tracing::warn!(room = %room_id, "cannot record the join: {}", brief(&e));
                }
                tracing::info!(room = %room_id, %inviter, "joined after an invite");
                return;
            }
            Err(e) if backoff.attempts() + 1 >= JOIN_ATTEMPTS || bot.is_stopping() => {
                tracing::warn!(room = %room_id, %inviter, "cannot join the room; giving up: {}", brief(&e));
                return;
            }
            Err(e) => {
                let delay = backoff.next_delay();
                tracing::info!(room = %room_id, retry_in_ms = delay.as_millis() as u64, "joining failed: {}", brief(&e));
                tokio::time::sleep(delay).await;
            }
        }
    }
}

/// Follows an upgrade: when `room` (which the bot is in) has a tombstone naming a replacement room the bot is
/// not in yet, joins the replacement (in the background, once at a time per room, with retries).
pub fn follow_upgrade(bot: &Arc<Bot>, room: &matrix_sdk::Room) {
    let Some(successor) = room.successor_room() else {
        return;
    };
    let new = successor.room_id;
    if bot
        .client
        .get_room(&new)
        .is_some_and(|r| r.state() == matrix_sdk::RoomState::Joined)
    {
        return;
    }
    let key = format!("upgrade:{new}");
    if !bot
        .invites
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(key.clone())
    {
        return;
    }
    let bot = bot.clone();
    let old = room.room_id().to_owned();
    // Servers that can help the bot's homeserver join: the old room's and the bot's own.
    let mut via: Vec<matrix_sdk::ruma::OwnedServerName> = old
        .server_name()
        .into_iter()
        .chain(Some(bot.user_id.server_name()))
        .map(ToOwned::to_owned)
        .collect();
    via.dedup();
    bot.clone().tasks.spawn(async move {
        let target: OwnedRoomOrAliasId = new.clone().into();
        let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        loop {
            let joined_at = now_ms();
            match bot.client.join_room_by_id_or_alias(&target, &via).await {
                Ok(_) => {
                    let id = new.to_string();
                    let _ = bot.write_journal(move |j| j.joined(&id, joined_at)).await;
                    tracing::info!(%old, %new, "the room was upgraded; joined the replacement room");
                    break;
                }
                Err(e) if backoff.attempts() + 1 >= JOIN_ATTEMPTS || bot.is_stopping() => {
                    tracing::warn!(%old, %new, "cannot join the replacement of an upgraded room; giving up: {}", brief(&e));
                    break;
                }
                Err(e) => {
                    let delay = backoff.next_delay();
                    tracing::info!(%new, retry_in_ms = delay.as_millis() as u64, "joining the replacement room failed: {}", brief(&e));
                    tokio::time::sleep(delay).await;
                }
            }
        }
        bot.invites
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&key);
    });
}

/// Joins the rooms of `[bot] join_rooms` the bot is not in yet.
pub async fn join_configured(bot: Arc<Bot>) {
    for room in &bot.config().bot.join_rooms {
        let Ok(id) = OwnedRoomOrAliasId::try_from(room.as_str()) else {
            tracing::warn!(room, "not a room id or alias");
            continue;
        };
        if let Ok(room_id) = <&RoomId>::try_from(id.as_str())
            && bot
                .client
                .get_room(room_id)
                .is_some_and(|r| r.state() == matrix_sdk::RoomState::Joined)
        {
            continue;
        }
        let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        loop {
            let joined_at = now_ms();
            match bot.client.join_room_by_id_or_alias(&id, &[]).await {
                Ok(joined) => {
                    let id = joined.room_id().to_string();
                    let _ = bot.write_journal(move |j| j.joined(&id, joined_at)).await;
                    tracing::info!(room, "joined a configured room");
                    break;
                }
                Err(e) if backoff.attempts() + 1 >= JOIN_ATTEMPTS || bot.is_stopping() => {
                    tracing::warn!(
                        room,
                        "cannot join a configured room; giving up: {}",
                        brief(&e)
                    );
                    break;
                }
                Err(e) => {
                    let delay = backoff.next_delay();
                    tracing::info!(
                        room,
                        retry_in_ms = delay.as_millis() as u64,
                        "joining failed: {}",
                        brief(&e)
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }
}
