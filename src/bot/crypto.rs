//! The bot's encryption identity: setting up cross-signing (or importing it with the recovery key) after the
//! first sync, and logging what an admin compares when verifying the bot: the device id, the device's
//! fingerprint (its ed25519 key, the "session key" clients show) and the account's master key.

use matrix_sdk::Client;
use matrix_sdk::ruma::api::client::uiaa;

use crate::config::Config;
use crate::errors::brief;

/// Best-effort encryption setup after the first sync: import secrets with the recovery key if one is
/// configured, and bootstrap cross-signing for this device if the account has none (using the password for
/// the homeserver's interactive auth). Problems are warnings: the bot works without cross-signing, only
/// clients that exclude unverified devices will not send it keys.
pub async fn setup_encryption(client: &Client, config: &Config) {
    let encryption = client.encryption();
    encryption.wait_for_e2ee_initialization_tasks().await;
    if let Some(key) = &config.matrix.recovery_key {
        match encryption.recovery().recover(key.expose()).await {
            Ok(()) => tracing::info!("imported secrets with the recovery key"),
            Err(e) => tracing::warn!("the recovery key could not be used: {}", brief(&e)),
        }
    }
    if encryption
        .cross_signing_status()
        .await
        .is_some_and(|s| s.is_complete())
    {
        tracing::debug!("cross-signing keys are available");
        return;
    }
    match encryption.bootstrap_cross_signing_if_needed(None).await {
        Ok(()) => tracing::info!("cross-signing is set up"),
        Err(e) => {
            let Some(uiaa) = e.as_uiaa_response() else {
                tracing::warn!("cannot set up cross-signing: {}", brief(&e));
                return;
            };
            let Some(password) = &config.matrix.password else {
                tracing::warn!(
                    "cross-signing needs the account password: set VERBATIM_PASSWORD once (or supply a recovery key) so clients that exclude unverified devices talk to the bot"
                );
                return;
            };
            let identifier = uiaa::UserIdentifier::Matrix(uiaa::MatrixUserIdentifier::new(
                config.matrix.user_id.clone(),
            ));
            let mut auth = uiaa::Password::new(identifier, password.expose().to_string());
            auth.session = uiaa.session.clone();
            match encryption
                .bootstrap_cross_signing(Some(uiaa::AuthData::Password(auth)))
                .await
            {
                Ok(()) => tracing::info!("cross-signing is set up"),
                Err(e) => tracing::warn!(
                    "cannot set up cross-signing ({}); if the account already has cross-signing keys from another client, supply the recovery key (VERBATIM_RECOVERY_KEY)",
                    brief(&e)
                ),
            }
        }
    }
}

/// Logs the device id, its fingerprint and the account's master key (once per start, after
/// [`setup_encryption`]).
pub async fn log_identity(client: &Client) {
    let encryption = client.encryption();
    let device = encryption.get_own_device().await.ok().flatten();
    let fingerprint = device
        .as_ref()
        .and_then(|d| d.ed25519_key())
        .map(|k| spaced(&k.to_base64()));
    let master_key = match client.user_id() {
        Some(me) => encryption
            .get_user_identity(me)
            .await
            .ok()
            .flatten()
            .and_then(|identity| identity.master_key().get_first_key())
            .map(|k| spaced(&k.to_base64())),
        None => None,
    };
    // Whether this device holds the account's cross-signing keys (set up here, or imported with the recovery key).
    let cross_signing = match encryption.cross_signing_status().await {
        Some(status) if status.is_complete() => "complete",
        _ => "incomplete (see the warning above)",
    };
    tracing::info!(
        device = %client.device_id().map(|d| d.to_string()).unwrap_or_default(),
        fingerprint = fingerprint.as_deref().unwrap_or("unknown"),
        master_key = master_key.as_deref().unwrap_or("none (no cross-signing)"),
        cross_signing,
        "this device's identity: an admin verifying the bot compares these with their client (see README, \"Verifying the bot\")"
    );
}

/// A key in groups of four characters, as clients show session keys.
///
/// ```
/// assert_eq!(verbatim::bot::crypto::spaced("abcdefghij"), "abcd efgh ij");
/// ```
pub fn spaced(key: &str) -> String {
    key.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
