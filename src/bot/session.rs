//! The bot's identity on the homeserver: building the client over the encrypted SQLite store in `state_dir`,
//! the first password login, restoring the saved session on every later start (the same device, never a new
//! one), and setting up cross-signing and the recovery key.
//!
//! Layout of `state_dir`: `session.json` (access token and device id, mode 0600), `store/` (SQLite state and
//! crypto store, encrypted with the store passphrase), plus the reply journal (see [`super::journal`]). A
//! `first-login.incomplete` marker exists only while a first login is under way; finding it at start means a
//! first login failed half-way, and the half-created store is removed automatically.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use matrix_sdk::Client;
use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::config::RequestConfig;
use matrix_sdk::cross_process_lock::CrossProcessLockConfig;
use matrix_sdk::encryption::{BackupDownloadStrategy, EncryptionSettings};
use matrix_sdk::ruma::api::client::uiaa;
use matrix_sdk::ruma::api::error::ErrorKind;
use serde::{Deserialize, Serialize};

use super::journal::write_atomically;
use crate::config::Config;

const SESSION: &str = "session.json";
const STORE: &str = "store";
const MARKER: &str = "first-login.incomplete";

/// What `session.json` holds.
#[derive(Serialize, Deserialize)]
struct SavedSession {
    homeserver: String,
    session: MatrixSession,
}

/// Paths inside `state_dir`.
pub struct StatePaths {
    /// `state_dir` itself.
    pub dir: PathBuf,
    /// `session.json`.
    pub session: PathBuf,
    /// `store/`.
    pub store: PathBuf,
    marker: PathBuf,
}

impl StatePaths {
    /// The paths for `state_dir`.
    pub fn new(state_dir: &Path) -> StatePaths {
        StatePaths {
            dir: state_dir.to_path_buf(),
            session: state_dir.join(SESSION),
            store: state_dir.join(STORE),
            marker: state_dir.join(MARKER),
        }
    }
}

/// The device id saved in `state_dir`'s session file, if there is one (for tests and diagnostics).
pub fn saved_device_id(state_dir: &Path) -> Option<String> {
    let text = fs::read_to_string(StatePaths::new(state_dir).session).ok()?;
    let saved: SavedSession = serde_json::from_str(&text).ok()?;
    Some(saved.session.meta.device_id.to_string())
}

/// Creates `state_dir` (mode 0700) if needed.
pub fn ensure_state_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("creating state_dir {}", dir.display()))?;
    }
    Ok(())
}

async fn build_client(config: &Config, paths: &StatePaths) -> anyhow::Result<Client> {
    let passphrase = config.matrix.store_passphrase.as_ref().context(
        "no store passphrase: set VERBATIM_STORE_PASSPHRASE (or `store_passphrase` in [matrix]); it encrypts the store in state_dir",
    )?;
    Client::builder()
        .homeserver_url(&config.matrix.homeserver)
        .sqlite_store(&paths.store, Some(passphrase.expose()))
        .cross_process_store_config(CrossProcessLockConfig::SingleProcess)
        // The bot retries on its own terms (sync backoff, send retries honouring rate limits).
        .request_config(RequestConfig::new().disable_retry())
        .with_encryption_settings(EncryptionSettings {
            auto_enable_cross_signing: false,
            backup_download_strategy: BackupDownloadStrategy::AfterDecryptionFailure,
            auto_enable_backups: false,
        })
        .build()
        .await
        .with_context(|| {
            format!(
                "opening the store in {} failed; if the store passphrase changed, restore the old one. To start over \
                 with a new device instead, stop verbatim and delete {} and {}",
                paths.store.display(),
                paths.store.display(),
                paths.session.display()
            )
        })
}

/// A logged-in client: the restored session, or a first login.
pub async fn connect(config: &Config) -> anyhow::Result<Client> {
    let paths = StatePaths::new(&config.matrix.state_dir);
    if config.matrix.store_passphrase.is_none() {
        anyhow::bail!(
            "no store passphrase: set VERBATIM_STORE_PASSPHRASE (or `store_passphrase` in [matrix] of {}); it \
             encrypts the store in {}",
            config.path.display(),
            paths.store.display()
        );
    }
    ensure_state_dir(&paths.dir)?;
    if paths.session.exists() {
        restore(config, &paths).await
    } else {
        first_login(config, &paths).await
    }
}

async fn restore(config: &Config, paths: &StatePaths) -> anyhow::Result<Client> {
    let text = fs::read_to_string(&paths.session)
        .with_context(|| format!("reading {}", paths.session.display()))?;
    let saved: SavedSession = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a verbatim session file; move it away to log in again as a new device",
            paths.session.display()
        )
    })?;
    let start_over = format!(
        "To log in as a new device, stop verbatim, delete {} and {} (or use another state_dir), and start again with the password set",
        paths.session.display(),
        paths.store.display()
    );
    if saved.session.meta.user_id.as_str() != config.matrix.user_id {
        bail!(
            "the session in {} belongs to {}, but the configuration says user_id = {:?}. Fix user_id, or point state_dir elsewhere. {start_over}",
            paths.session.display(),
            saved.session.meta.user_id,
            config.matrix.user_id
        );
    }
    if saved.homeserver.trim_end_matches('/') != config.matrix.homeserver.trim_end_matches('/') {
        bail!(
            "the session in {} was made on homeserver {}, but the configuration says homeserver = {:?}. Fix homeserver. {start_over}",
            paths.session.display(),
            saved.homeserver,
            config.matrix.homeserver
        );
    }
    if !paths.store.exists() {
        bail!(
            "{} exists but the store {} is missing: the device's encryption keys are gone. {start_over}",
            paths.session.display(),
            paths.store.display()
        );
    }
    let started = std::time::Instant::now();
    let client = build_client(config, paths).await?;
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "store opened");
    let device = saved.session.meta.device_id.clone();
    client.restore_session(saved.session).await.with_context(|| {
        format!("restoring the session of device {device} failed; the store in {} may belong to another device. {start_over}", paths.store.display())
    })?;
    tracing::info!(user = %config.matrix.user_id, device = %device, "restored the saved session");
    Ok(client)
}

async fn first_login(config: &Config, paths: &StatePaths) -> anyhow::Result<Client> {
    if paths.store.exists() {
        if paths.marker.exists() {
            tracing::warn!(store = %paths.store.display(), "removing the half-created store of a first login that did not finish");
            fs::remove_dir_all(&paths.store)
                .with_context(|| format!("removing {}", paths.store.display()))?;
        } else if fs::read_dir(&paths.store)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
        {
            bail!(
                "found the store {} but no session file {}: the session was deleted or lost, so the store's device \
                 cannot be used. To start over with a new device, stop verbatim and delete {} (then remove the old \
                 device \"{}\" from the account in any Matrix client), and start again with the password set",
                paths.store.display(),
                paths.session.display(),
                paths.store.display(),
                config.matrix.device_name
            );
        }
    }
    let password = config.matrix.password.as_ref().with_context(|| {
        format!(
            "no saved session in {} and no password: set VERBATIM_PASSWORD (or `password` in [matrix]) for the first login",
            paths.dir.display()
        )
    })?;
    fs::write(
        &paths.marker,
        b"a first login is under way; if verbatim is not running, this store is half-created\n",
    )
    .with_context(|| format!("writing {}", paths.marker.display()))?;
    let client = build_client(config, paths).await?;
    let login = client
        .matrix_auth()
        .login_username(&config.matrix.user_id, password.expose())
        .initial_device_display_name(&config.matrix.device_name)
        .send()
        .await;
    let response = match login {
        Ok(response) => response,
        Err(e) => {
            drop(client);
            let _ = fs::remove_dir_all(&paths.store);
            let _ = fs::remove_file(&paths.marker);
            if e.client_api_error_kind() == Some(&ErrorKind::Forbidden) {
                bail!(
                    "the homeserver rejected the login of {}: wrong user_id or password",
                    config.matrix.user_id
                );
            }
            return Err(e).with_context(|| {
                format!(
                    "logging in as {} at {}",
                    config.matrix.user_id, config.matrix.homeserver
                )
            });
        }
    };
    let session = client
        .matrix_auth()
        .session()
        .context("no session after login")?;
    let saved = SavedSession {
        homeserver: config.matrix.homeserver.clone(),
        session,
    };
    write_atomically(&paths.session, &serde_json::to_vec_pretty(&saved)?)
        .with_context(|| format!("saving the session to {}", paths.session.display()))?;
    fs::remove_file(&paths.marker)
        .with_context(|| format!("removing {}", paths.marker.display()))?;
    tracing::info!(user = %response.user_id, device = %response.device_id, "logged in for the first time; session saved");
    Ok(client)
}

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
            Err(e) => tracing::warn!("the recovery key could not be used: {e}"),
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
                tracing::warn!("cannot set up cross-signing: {e}");
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
                    "cannot set up cross-signing ({e}); if the account already has cross-signing keys from another client, supply the recovery key (VERBATIM_RECOVERY_KEY)"
                ),
            }
        }
    }
}
