//! The sync loop: `/sync` from the position saved in the journal, process the response, repeat. Errors back
//! off exponentially with jitter (1 s up to 60 s) and the loop carries on; it ends only on shutdown or when
//! the homeserver rejects the access token.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::api::client::filter::FilterDefinition;
use matrix_sdk::ruma::api::client::sync::sync_events::v3::Filter;
use matrix_sdk::ruma::api::error::ErrorKind;
use matrix_sdk::ruma::uint;

use super::backoff::Backoff;
use super::journal::Pending;
use super::{Bot, crypto, events, rooms, session};
use crate::errors::brief;

/// How long one `/sync` long-polls.
const LONG_POLL: Duration = Duration::from_secs(30);

/// The sync filter, uploaded once (the SDK remembers its id in the store under this name).
const FILTER_NAME: &str = "verbatim-sync-v1";

fn filter_definition() -> FilterDefinition {
    let mut definition = FilterDefinition::default();
    // Enough events per room that a burst of questions sent while the bot was down is not cut off.
    definition.room.timeline.limit = Some(uint!(100));
    definition.presence.not_types = vec!["*".to_string()];
    definition.room.ephemeral.not_types = vec!["*".to_string()];
    definition
}

/// Syncs until `shutdown` completes (`Ok`) or the access token is rejected (`Err`). `pending` are the
/// journal's unfinished claims, resumed after the first successful sync.
pub async fn run(
    bot: &Arc<Bot>,
    pending: Vec<Pending>,
    shutdown: impl Future<Output = ()> + Send,
    mut ready: Option<tokio::sync::oneshot::Sender<()>>,
) -> anyhow::Result<()> {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut backoff = Backoff::sync();
    let mut pending = Some(pending);
    let mut filter_id: Option<String> = None;
    loop {
        let token = bot.journal().sync_token()?;
        let timeout = if pending.is_some() {
            Duration::ZERO
        } else {
            LONG_POLL
        };
        let sync = async {
            let id = match &filter_id {
                Some(id) => id.clone(),
                None => {
                    bot.client
                        .get_or_upload_filter(FILTER_NAME, filter_definition())
                        .await?
                }
            };
            filter_id = Some(id.clone());
            let mut settings = SyncSettings::default()
                .filter(Filter::FilterId(id))
                .timeout(timeout);
            if let Some(token) = token {
                settings = settings.token(token);
            }
            bot.client.sync_once(settings).await
        };
        let result = tokio::select! {
            biased;
            () = &mut shutdown => return Ok(()),
            result = sync => result,
        };
        match result {
            Ok(response) => {
                if backoff.attempts() > 0 {
                    tracing::info!(
                        failures = backoff.attempts(),
                        "syncing with the homeserver works again"
                    );
                }
                backoff.reset();
                bot.metrics.synced();
                bot.metrics.rooms.store(
                    bot.client.joined_rooms().len() as u64,
                    std::sync::atomic::Ordering::Relaxed,
                );
                if let Some(pending) = pending.take() {
                    crypto::setup_encryption(&bot.client, &bot.config()).await;
                    crypto::log_identity(&bot.client).await;
                    bot.tasks.spawn(rooms::join_configured(bot.clone()));
                    // Unfinished replies of the previous run go first, before anything newer in their rooms.
                    events::resume(bot.clone(), pending).await;
                    tracing::info!("first sync done; answering questions");
                }
                events::process(bot, response).await?;
                if let Some(ready) = ready.take() {
                    let _ = ready.send(());
                }
            }
            Err(e) => {
                if let Some(ErrorKind::UnknownToken(data)) = e.client_api_error_kind() {
                    let paths = session::StatePaths::new(&bot.config().matrix.state_dir);
                    bail!(
                        "the homeserver rejected the access token (soft logout: {}): the device was logged out or \
                         deleted. To log in again as a new device: stop verbatim, delete {} and {}, set the \
                         password, and start it again",
                        data.soft_logout,
                        paths.session.display(),
                        paths.store.display()
                    );
                }
                bot.metrics
                    .sync_failures
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let delay = backoff.next_delay();
                tracing::warn!(
                    attempt = backoff.attempts(),
                    retry_in_ms = delay.as_millis() as u64,
                    "sync failed: {}",
                    brief(&e)
                );
                tokio::select! {
                    biased;
                    () = &mut shutdown => return Ok(()),
                    () = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}
