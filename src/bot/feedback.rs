//! The bot's side of the feedback log (`[curation] log_feedback`): a 👍 or 👎 on one of the bot's answers is
//! appended to `state_dir/feedback.jsonl` (see [`crate::curation::feedback`] for the record) with the question,
//! the entry, its score and the entries that came next. The bot never replies to a reaction. The question's
//! text is fetched from the homeserver (the journal holds no text); user ids only with `[curation]
//! log_user_ids = true`. A write error is logged at warn.

use std::sync::Arc;

use matrix_sdk::ruma::OwnedEventId;
use matrix_sdk::ruma::events::room::message::{MessageType, Relation};
use matrix_sdk::ruma::events::{
    AnySyncMessageLikeEvent, AnySyncTimelineEvent, SyncMessageLikeEvent,
};

use super::Bot;
use super::job::{Job, Work};
use super::trigger::strip_reply_fallback;
use crate::curation::feedback::{FEEDBACK_FILE_NAME, FeedbackRecord, append_feedback};
use crate::curation::rfc3339;
use crate::errors::brief;

/// Records the reaction of `job` (a [`Work::Feedback`]) in the background, then marks it done in the journal.
pub fn record(bot: &Arc<Bot>, job: Job) {
    let Work::Feedback(sent, reaction) = job.work else {
        return;
    };
    let bot2 = bot.clone();
    bot.tasks.spawn(async move {
        let bot = bot2;
        // The text the answer answered: the question's, or its last edit's.
        let asked = sent.edit.as_deref().unwrap_or(&sent.question);
        let question = match OwnedEventId::try_from(asked) {
            Ok(id) => question_text(&job.room, &id).await,
            Err(_) => None,
        };
        let config = bot.config();
        let record = FeedbackRecord {
            time: rfc3339(std::time::SystemTime::now()),
            room: Some(job.room.room_id().to_string()),
            question: crate::text::truncate(
                question.as_deref().unwrap_or_default(),
                config.limits.max_question_chars,
            )
            .to_string(),
            entry: sent.entries.first().cloned().unwrap_or_default(),
            score: sent.score,
            reaction,
            next: sent.next.clone(),
            user: config.curation.log_user_ids.then(|| job.sender.to_string()),
        };
        let path = config.matrix.state_dir.join(FEEDBACK_FILE_NAME);
        let event = job.event_id.to_string();
        let room = job.room.room_id().to_owned();
        let written = bot
            .write_journal(move |journal| {
                append_feedback(&path, &record)
                    .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?;
                journal.gave_up(&event)
            })
            .await;
        match written {
            Ok(()) => tracing::info!(%room, event = %job.event_id, "feedback recorded"),
            Err(e) => tracing::warn!(%room, "cannot record feedback: {}", brief(&e)),
        }
    });
}

/// The text of the question event `id` (decrypted if needed; of an edit, its new text), without a reply
/// fallback.
async fn question_text(room: &matrix_sdk::Room, id: &OwnedEventId) -> Option<String> {
    let event = room.event(id, None).await.ok()?;
    match event.raw().deserialize().ok()? {
        AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(
            SyncMessageLikeEvent::Original(m),
        )) => {
            let msgtype = match m.content.relates_to {
                Some(Relation::Replacement(r)) => r.new_content.msgtype,
                _ => m.content.msgtype,
            };
            match msgtype {
                MessageType::Text(text) => {
                    Some(strip_reply_fallback(&text.body).0.trim().to_string())
                }
                _ => None,
            }
        }
        _ => None,
    }
}
