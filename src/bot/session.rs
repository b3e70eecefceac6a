//! The bot's session on the homeserver: building the client over the encrypted SQLite store in `state_dir`,
//! and restoring the saved session on every later start (the same device, never a new one); the first login is
//! in [`super::login`], cross-signing and the recovery key in [`super::crypto`].
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
use matrix_sdk::{ClientBuildError, ClientBuilder};
use serde::{Deserialize, Serialize};

use crate::config::Config;

const SESSION: &str = "session.json";
const STORE: &str = "store";
const MARKER: &str = "first-login.incomplete";

/// What `session.json` holds.
#[derive(Serialize, Deserialize)]
pub(super) struct SavedSession {
    pub(super) homeserver: String,
    pub(super) session: MatrixSession,
}

/// Paths inside `state_dir`.
pub struct StatePaths {
    /// `state_dir` itself.
    pub dir: PathBuf,
    /// `session.json`.
    pub session: PathBuf,
    /// `store/`.
    pub store: PathBuf,
    /// `first-login.incomplete`.
    pub(super) marker: PathBuf,
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

/// The client over the store in `state_dir`, opened with the store passphrase. A passphrase that does not open
/// an existing store is said to be one, not in the words of the cipher.
pub(super) async fn build_client(config: &Config, paths: &StatePaths) -> anyhow::Result<Client> {
    let passphrase = config.matrix.store_passphrase.as_ref().context(
        "no store passphrase: set VERBATIM_STORE_PASSPHRASE (or `store_passphrase` in [matrix]); it encrypts the store in state_dir",
    )?;
    let existed = paths
        .store
        .join(matrix_sdk::STATE_STORE_DATABASE_NAME)
        .exists();
    let built = builder(config)
        .sqlite_store(&paths.store, Some(passphrase.expose()))
        .build()
        .await;
    let start_over = format!(
        "To start over with a new device instead, stop verbatim and delete {} and {}",
        paths.store.display(),
        paths.session.display()
    );
    match built {
        Ok(client) => Ok(client),
        Err(ClientBuildError::SqliteStore(e)) if existed && is_cipher_error(&e) => bail!(
            "the store passphrase does not open the store in {}: it is not the passphrase the store was created \
             with. Set VERBATIM_STORE_PASSPHRASE (or `store_passphrase` in [matrix]) to that one. {start_over}",
            paths.store.display()
        ),
        Err(e) => Err(anyhow::Error::new(e)).with_context(|| {
            format!(
                "opening the store in {} failed. {start_over}",
                paths.store.display()
            )
        }),
    }
}

/// The client settings of the bot, before the store.
fn builder(config: &Config) -> ClientBuilder {
    Client::builder()
        .homeserver_url(&config.matrix.homeserver)
        .cross_process_store_config(CrossProcessLockConfig::SingleProcess)
        // The bot retries on its own terms (sync backoff, send retries honouring rate limits).
        .request_config(RequestConfig::new().disable_retry())
        .with_encryption_settings(EncryptionSettings {
            auto_enable_cross_signing: false,
            backup_download_strategy: BackupDownloadStrategy::AfterDecryptionFailure,
            auto_enable_backups: false,
        })
}

/// Whether opening the store failed because its cipher could not be decrypted with the passphrase.
fn is_cipher_error(e: &matrix_sdk_sqlite::OpenStoreError) -> bool {
    matches!(e, matrix_sdk_sqlite::OpenStoreError::InitCipher(_))
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
        super::login::first_login(config, &paths).await
    }
}

/// The saved session of `state_dir`, checked against the configuration (the same user and homeserver, the
/// store beside it); `None` when there is none yet (the first start logs in). Touches no network.
pub fn saved_session(config: &Config) -> anyhow::Result<Option<(String, String)>> {
    let paths = StatePaths::new(&config.matrix.state_dir);
    if !paths.session.exists() {
        return Ok(None);
    }
    let saved = read_saved(config, &paths)?;
    Ok(Some((
        saved.session.meta.user_id.to_string(),
        saved.session.meta.device_id.to_string(),
    )))
}

/// Reads `session.json` and checks it against the configuration.
fn read_saved(config: &Config, paths: &StatePaths) -> anyhow::Result<SavedSession> {
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
    Ok(saved)
}

async fn restore(config: &Config, paths: &StatePaths) -> anyhow::Result<Client> {
    let saved = read_saved(config, paths)?;
    let start_over = format!(
        "To log in as a new device, stop verbatim, delete {} and {} (or use another state_dir), and start again with the password set",
        paths.session.display(),
        paths.store.display()
    );
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
