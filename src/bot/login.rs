//! The first login: the password login that creates the bot's device, once per `state_dir`.
//!
//! A homeserver that cannot be reached (connection refused, a timeout, DNS, TLS) or that answers with a server
//! error or a rate limit is waited for, with the sync loop's backoff (1 s up to 60 s), and each try is logged
//! with its cause; a homeserver that refuses the login (a wrong password, an unknown or deactivated user, a URL
//! that is not a Matrix server) stops the bot at once with what to fix. [`wait_or_stop`] is that decision, on
//! plain values. While the login is under way `first-login.incomplete` marks the store as half-created, so a
//! bot stopped while waiting cleans it up at its next start.

use std::fs;

use anyhow::{Context, bail};
use matrix_sdk::Client;
use matrix_sdk::ruma::api::error::ErrorKind;

use super::backoff::Backoff;
use super::persist::write_atomically;
use super::session::{SavedSession, StatePaths, build_client};
use crate::config::Config;
use crate::errors::brief;

/// What a failed login attempt calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The homeserver is unreachable, failing or busy: try again after a backoff.
    Wait,
    /// The homeserver refused the login: stop, and say why.
    Stop,
}

/// The decision for a failed login: `network` when no HTTP answer came at all, else the answer's `status` and
/// whether its error code was `M_LIMIT_EXCEEDED`.
///
/// ```
/// use verbatim::bot::login::{Failure, wait_or_stop};
/// assert_eq!(wait_or_stop(true, None, false), Failure::Wait); // connection refused
/// assert_eq!(wait_or_stop(false, Some(502), false), Failure::Wait); // a proxy before a restarting server
/// assert_eq!(wait_or_stop(false, Some(429), true), Failure::Wait);
/// assert_eq!(wait_or_stop(false, Some(403), false), Failure::Stop); // wrong password or unknown user
/// assert_eq!(wait_or_stop(false, Some(404), false), Failure::Stop); // not a Matrix server
/// ```
pub fn wait_or_stop(network: bool, status: Option<u16>, limit_exceeded: bool) -> Failure {
    let transient = match status {
        Some(429) => true,
        // 520: a proxy passing on an unknown error from the server: not going to go away by itself.
        Some(520) => false,
        Some(status) => (500..600).contains(&status),
        None => network,
    };
    if transient || limit_exceeded {
        Failure::Wait
    } else {
        Failure::Stop
    }
}

/// Logs in with the password (waiting for the homeserver as long as it takes), saves the session, and
/// returns the logged-in client.
pub(super) async fn first_login(config: &Config, paths: &StatePaths) -> anyhow::Result<Client> {
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
    let mut backoff = Backoff::sync();
    let response = loop {
        let login = client
            .matrix_auth()
            .login_username(&config.matrix.user_id, password.expose())
            .initial_device_display_name(&config.matrix.device_name)
            .send()
            .await;
        let e = match login {
            Ok(response) => break response,
            Err(e) => e,
        };
        let network = matches!(&e, matrix_sdk::Error::Http(h) if matches!(**h, matrix_sdk::HttpError::Reqwest(_)));
        let api = e.as_client_api_error();
        let limited = matches!(e.client_api_error_kind(), Some(ErrorKind::LimitExceeded(_)));
        let status = api.map(|a| a.status_code.as_u16());
        if wait_or_stop(network, status, limited) == Failure::Wait {
            let delay = backoff.next_delay();
            tracing::warn!(
                attempt = backoff.attempts(),
                retry_in_ms = delay.as_millis() as u64,
                homeserver = %config.matrix.homeserver,
                "waiting for the homeserver to log in for the first time: {}",
                brief(&e)
            );
            tokio::time::sleep(delay).await;
            continue;
        }
        drop(client);
        let _ = fs::remove_dir_all(&paths.store);
        let _ = fs::remove_file(&paths.marker);
        let who = &config.matrix.user_id;
        match (e.client_api_error_kind(), status) {
            (Some(ErrorKind::Forbidden), _) => bail!(
                "the homeserver rejected the login of {who}: wrong user_id or password (an unknown user gets the same \
                 answer). Check [matrix] user_id and VERBATIM_PASSWORD"
            ),
            (Some(ErrorKind::UserDeactivated), _) => {
                bail!(
                    "the homeserver says the account {who} is deactivated: create a new account for the bot"
                )
            }
            (_, Some(404 | 405)) => bail!(
                "{} does not answer the Matrix login request (HTTP {}): set [matrix] homeserver to the client-server \
                 API URL, such as \"https://matrix.example.org\"",
                config.matrix.homeserver,
                status.unwrap_or_default()
            ),
            _ => bail!(
                "the homeserver refused the login of {who} at {}: {}",
                config.matrix.homeserver,
                brief(&e)
            ),
        }
    };
    if backoff.attempts() > 0 {
        tracing::info!(
            failures = backoff.attempts(),
            "the homeserver answers again"
        );
    }
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
