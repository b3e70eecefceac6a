//! The bot's side of the unanswered-question log (`[curation] log_unanswered`): each question answered `none`
//! or `suggest` is appended to `state_dir/unanswered.jsonl` (see [`crate::curation`] for the record). User
//! ids are written only with `[curation] log_user_ids = true`; the text is cut at `[limits] max_question_chars`. A write error is logged at warn and never stops
//! the reply.

use crate::answer::Reply;
use crate::config::Config;
use crate::curation::{LOG_FILE_NAME, UnansweredRecord, append_unanswered};

/// Appends `reply` to the log if the log is enabled and the reply is not an answer.
pub fn record(config: &Config, reply: &Reply, room: &str, user: &str) {
    if !config.curation.log_unanswered {
        return;
    }
    let user = config.curation.log_user_ids.then_some(user);
    let Some(mut record) = UnansweredRecord::for_reply(reply, Some(room), user) else {
        return;
    };
    // Only what the matcher read is kept ([limits] max_question_chars).
    record.text = crate::text::truncate(&record.text, config.limits.max_question_chars).to_string();
    let path = config.matrix.state_dir.join(LOG_FILE_NAME);
    if let Err(e) = append_unanswered(&path, &record) {
        tracing::warn!(%room, "cannot append to {}: {e}", path.display());
    }
}
