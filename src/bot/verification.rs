//! Verifying the bot: interactive emoji verification (SAS) with the `[access] admins`, so that an admin's
//! client marks the bot's device (or, verified from a direct chat, the bot's account) as verified.
//!
//! The admin starts it from their client, as for any other device or user. The bot accepts the request (only
//! the SAS method: it can neither show nor scan a QR code), accepts the emoji verification the admin's client
//! starts, and logs the seven emojis and the three numbers. The admin compares them with their client; when the
//! emojis match and the admin confirms, their client sends its confirmation (a MAC), and only then does the bot
//! confirm too: the bot cannot look at a screen, so the admin's confirmation is what vouches for the match. A
//! mismatch cancelled by the admin, or a request left unanswered, ends with a line in the log. Requests from
//! anyone else are cancelled at once.
//!
//! Requests come as to-device events (a device verification) or as `m.key.verification.request` messages in a
//! direct chat (a user verification, what Element does from a user's profile); both are the same flow here.
//! [`steps`] finds them in a sync response, [`decide`] is the rule, [`handle`] acts.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use matrix_sdk::Client;
use matrix_sdk::encryption::verification::{SasState, SasVerification, Verification};
use matrix_sdk::ruma::events::key::verification::VerificationMethod;
use matrix_sdk::ruma::events::room::message::MessageType;
use matrix_sdk::ruma::events::{
    AnySyncMessageLikeEvent, AnySyncTimelineEvent, AnyToDeviceEvent, SyncMessageLikeEvent,
};
use matrix_sdk::ruma::{OwnedUserId, UserId};
use matrix_sdk::sync::SyncResponse;

use super::Bot;
use crate::errors::brief;

/// How long an emoji verification may wait for the admin before the bot stops watching it (the SDK cancels
/// it after ten minutes).
const WATCH: Duration = Duration::from_secs(15 * 60);

/// A verification event the bot acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `m.key.verification.request`: someone wants to verify the bot.
    Request,
    /// `m.key.verification.start`: their client starts the emoji verification.
    Start,
    /// `m.key.verification.mac`: they confirmed that the emojis match.
    Mac,
    /// `m.key.verification.cancel`, with the reason.
    Cancel(String),
}

/// One verification event: what, from whom, and the flow (transaction id or request event id) it belongs to.
#[derive(Debug, Clone)]
pub struct Step {
    /// The event.
    pub kind: Kind,
    /// Who sent it.
    pub sender: OwnedUserId,
    /// The verification it belongs to.
    pub flow: String,
}

/// What to do with a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Go on with the verification.
    Accept,
    /// Cancel it: the sender is not an admin.
    Refuse,
    /// The admin confirmed: confirm too.
    Confirm,
    /// Log it.
    Note,
    /// Nothing.
    Ignore,
}

/// The rule: admins' requests and starts are accepted, everyone else's refused; an admin's confirmation is
/// answered with the bot's; cancellations are logged.
///
/// ```
/// use verbatim::bot::verification::{Act, Kind, decide};
/// assert_eq!(decide(&Kind::Request, true), Act::Accept);
/// assert_eq!(decide(&Kind::Request, false), Act::Refuse);
/// assert_eq!(decide(&Kind::Start, false), Act::Refuse);
/// assert_eq!(decide(&Kind::Mac, true), Act::Confirm);
/// assert_eq!(decide(&Kind::Mac, false), Act::Ignore);
/// ```
pub fn decide(kind: &Kind, admin: bool) -> Act {
    match (kind, admin) {
        (Kind::Request | Kind::Start, true) => Act::Accept,
        (Kind::Request | Kind::Start, false) => Act::Refuse,
        (Kind::Mac, true) => Act::Confirm,
        (Kind::Mac, false) => Act::Ignore,
        (Kind::Cancel(_), _) => Act::Note,
    }
}

/// The emojis (symbol and name) and numbers to compare, as one line for the log.
///
/// ```
/// let text = verbatim::bot::verification::describe(&[("🐶", "Dog"), ("🔑", "Key")], Some((1234, 5678, 9012)));
/// assert_eq!(text, "🐶 Dog, 🔑 Key (or the numbers 1234 5678 9012)");
/// ```
pub fn describe(emojis: &[(&str, &str)], decimals: Option<(u16, u16, u16)>) -> String {
    let mut text = emojis
        .iter()
        .map(|(symbol, name)| format!("{symbol} {name}"))
        .collect::<Vec<_>>()
        .join(", ");
    if let Some((a, b, c)) = decimals {
        text.push_str(&format!(" (or the numbers {a} {b} {c})"));
    }
    text
}

/// The verification events of a sync response (to-device, and in the rooms' timelines), in order; the bot's
/// own events are left out.
pub fn steps(response: &SyncResponse, me: &UserId) -> Vec<Step> {
    let mut steps = Vec::new();
    for event in &response.to_device {
        let Ok(event) = event.to_raw().deserialize() else {
            continue;
        };
        let (kind, sender, flow) = match event {
            AnyToDeviceEvent::KeyVerificationRequest(e) => (
                Kind::Request,
                e.sender,
                e.content.transaction_id.to_string(),
            ),
            AnyToDeviceEvent::KeyVerificationStart(e) => {
                (Kind::Start, e.sender, e.content.transaction_id.to_string())
            }
            AnyToDeviceEvent::KeyVerificationMac(e) => {
                (Kind::Mac, e.sender, e.content.transaction_id.to_string())
            }
            AnyToDeviceEvent::KeyVerificationCancel(e) => (
                Kind::Cancel(e.content.reason),
                e.sender,
                e.content.transaction_id.to_string(),
            ),
            _ => continue,
        };
        steps.push(Step { kind, sender, flow });
    }
    for update in response.rooms.joined.values() {
        for event in &update.timeline.events {
            let Ok(AnySyncTimelineEvent::MessageLike(event)) = event.raw().deserialize() else {
                continue;
            };
            let step = match event {
                AnySyncMessageLikeEvent::RoomMessage(SyncMessageLikeEvent::Original(m))
                    if matches!(m.content.msgtype, MessageType::VerificationRequest(_)) =>
                {
                    (Kind::Request, m.sender, m.event_id.to_string())
                }
                AnySyncMessageLikeEvent::KeyVerificationStart(SyncMessageLikeEvent::Original(
                    e,
                )) => (
                    Kind::Start,
                    e.sender,
                    e.content.relates_to.event_id.to_string(),
                ),
                AnySyncMessageLikeEvent::KeyVerificationMac(SyncMessageLikeEvent::Original(e)) => (
                    Kind::Mac,
                    e.sender,
                    e.content.relates_to.event_id.to_string(),
                ),
                AnySyncMessageLikeEvent::KeyVerificationCancel(SyncMessageLikeEvent::Original(
                    e,
                )) => (
                    Kind::Cancel(e.content.reason),
                    e.sender,
                    e.content.relates_to.event_id.to_string(),
                ),
                _ => continue,
            };
            steps.push(Step {
                kind: step.0,
                sender: step.1,
                flow: step.2,
            });
        }
    }
    steps.retain(|s| s.sender != me);
    steps
}

/// Acts on `steps`, in order, in the background (the sync loop does not wait for the homeserver's answers).
pub fn handle(bot: &Arc<Bot>, steps: Vec<Step>) {
    if steps.is_empty() {
        return;
    }
    let bot = bot.clone();
    bot.clone().tasks.spawn(async move {
        for step in steps {
            let admin = bot.config().access.is_admin(step.sender.as_str());
            if let Err(e) = act(&bot.client, &bot.tasks, &step, decide(&step.kind, admin)).await {
                tracing::warn!(sender = %step.sender, flow = %step.flow, "verification: {}", brief(&e));
            }
        }
    });
}

async fn act(
    client: &Client,
    tasks: &tokio_util::task::TaskTracker,
    step: &Step,
    act: Act,
) -> matrix_sdk::Result<()> {
    let encryption = client.encryption();
    let sender = &step.sender;
    match (&step.kind, act) {
        (Kind::Request, _) => {
            let Some(request) = encryption
                .get_verification_request(sender, &step.flow)
                .await
            else {
                tracing::debug!(%sender, flow = %step.flow, "a verification request that is no longer pending");
                return Ok(());
            };
            if request.we_started() || request.is_done() || request.is_cancelled() {
                return Ok(());
            }
            if act == Act::Refuse {
                tracing::info!(%sender, "refusing a verification request: only [access] admins may verify the bot");
                return request.cancel().await;
            }
            request
                .accept_with_methods(vec![VerificationMethod::SasV1])
                .await?;
            tracing::info!(%sender, "accepted a verification request from an admin; start the emoji verification in your client");
        }
        (Kind::Start, _) => {
            let Some(Verification::SasV1(sas)) =
                encryption.get_verification(sender, &step.flow).await
            else {
                return Ok(());
            };
            if act == Act::Refuse {
                tracing::info!(%sender, "refusing an emoji verification: only [access] admins may verify the bot");
                return sas.cancel().await;
            }
            if sas.we_started() || !matches!(sas.state(), SasState::Started { .. }) {
                return Ok(());
            }
            sas.accept().await?;
            tasks.spawn(watch(sas));
        }
        (Kind::Mac, Act::Confirm) => {
            let Some(Verification::SasV1(sas)) =
                encryption.get_verification(sender, &step.flow).await
            else {
                return Ok(());
            };
            // Still `KeysExchanged` from our side: the admin confirmed first, as it should be.
            if matches!(sas.state(), SasState::KeysExchanged { .. }) {
                tracing::info!(%sender, "the admin confirmed that the emojis match; confirming");
                sas.confirm().await?;
            }
        }
        (Kind::Cancel(reason), _) => {
            tracing::info!(%sender, "the verification was cancelled: {reason}");
        }
        _ => {}
    }
    Ok(())
}

/// Follows one emoji verification: logs the emojis when they can be compared, and how it ended.
async fn watch(sas: SasVerification) {
    let who = sas.other_user_id().to_owned();
    let device = sas.other_device().device_id().to_owned();
    let mut changes = sas.changes();
    let mut shown = false;
    let follow = async {
        loop {
            match sas.state() {
                SasState::KeysExchanged { emojis, decimals } if !shown => {
                    shown = true;
                    let emojis: Vec<(&str, &str)> = emojis
                        .map(|e| e.emojis.iter().map(|e| (e.symbol, e.description)).collect())
                        .unwrap_or_default();
                    tracing::info!(
                        admin = %who,
                        %device,
                        "emoji verification: compare these with your client, and confirm there if they match: {}",
                        describe(&emojis, Some(decimals))
                    );
                }
                SasState::Done { .. } => {
                    tracing::info!(admin = %who, %device, "verified: the admin's client now shows the bot as verified");
                    return;
                }
                SasState::Cancelled(info) => {
                    tracing::info!(admin = %who, %device, "the emoji verification was cancelled: {}", info.reason());
                    return;
                }
                _ => {}
            }
            if changes.next().await.is_none() {
                return;
            }
        }
    };
    if tokio::time::timeout(WATCH, follow).await.is_err() {
        tracing::info!(admin = %who, %device, "the emoji verification was not finished in time");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_get_on() {
        for kind in [Kind::Request, Kind::Start] {
            assert_eq!(decide(&kind, true), Act::Accept);
            assert_eq!(decide(&kind, false), Act::Refuse);
        }
        assert_eq!(decide(&Kind::Mac, true), Act::Confirm);
        assert_eq!(decide(&Kind::Mac, false), Act::Ignore);
        assert_eq!(decide(&Kind::Cancel("m.user".into()), false), Act::Note);
    }

    #[test]
    fn the_log_line_lists_emojis_in_order_with_the_numbers() {
        let emojis = [("🐶", "Dog"), ("🔑", "Key"), ("🎅", "Santa")];
        assert_eq!(describe(&emojis, None), "🐶 Dog, 🔑 Key, 🎅 Santa");
        assert_eq!(
            describe(&emojis[..1], Some((1001, 2002, 3003))),
            "🐶 Dog (or the numbers 1001 2002 3003)"
        );
    }
}
