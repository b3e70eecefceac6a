//! The throw-away `homeserver.yaml` (and logging config) for test Synapses.
//!
//! Verified against Synapse 1.163: every `rc_*` key below is parsed by
//! `synapse/config/ratelimiting.py` as `{per_second, burst_count}`. Limits are
//! raised, never `0`. The signing key (`signing.key`) is absent on purpose:
//! Synapse generates missing key files on startup, which saves the ~2.5 s
//! of a separate `--generate-keys` run.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The test homeserver's server name; user ids are `@localpart:localhost`.
pub const SERVER_NAME: &str = "localhost";

/// Rate limiters raised to [`RATE`] per second with a burst of [`RATE`].
const RATE_LIMITS: &[&str] = &[
    "rc_message",
    "rc_registration",
    "rc_registration_token_validity",
    "rc_login.address",
    "rc_login.account",
    "rc_login.failed_attempts",
    "rc_admin_redaction",
    "rc_joins.local",
    "rc_joins.remote",
    "rc_joins_per_room",
    "rc_3pid_validation",
    "rc_invites.per_room",
    "rc_invites.per_user",
    "rc_invites.per_issuer",
    "rc_third_party_invite",
    "rc_key_requests",
    "rc_media_create",
    "rc_presence.per_user",
    "rc_delayed_event_mgmt",
    "rc_room_creation",
    "rc_reports",
    "rc_user_directory",
    "rc_profile",
];
const RATE: u32 = 1000;

/// The rate limits a test Synapse runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimits {
    /// Every `rc_*` limiter raised to [`RATE`] per second (the default for tests).
    Raised,
    /// Synapse's own defaults (e.g. messages: 0.2 per second, bursts of 10), for tests of behaviour under them.
    Default,
}

/// Path of `homeserver.yaml` inside the data dir.
pub fn config_path(dir: &Path) -> PathBuf {
    dir.join("homeserver.yaml")
}

/// Writes `homeserver.yaml` and `log.config` into `dir`.
pub fn write(dir: &Path, port: u16, shared_secret: &str, limits: RateLimits) {
    let path = |name: &str| yaml_str(&dir.join(name).to_string_lossy());
    let secret = yaml_str(shared_secret);
    let mut yaml = format!(
        "server_name: {SERVER_NAME}
public_baseurl: http://127.0.0.1:{port}/
listeners:
  - port: {port}
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: {db}
log_config: {log_config}
media_store_path: {media}
signing_key_path: {signing_key}
pid_file: {pid}
registration_shared_secret: {secret}
macaroon_secret_key: {secret}
form_secret: {secret}
enable_registration: false
report_stats: false
enable_metrics: false
suppress_key_server_warning: true
trusted_key_servers: []
url_preview_enabled: false
bcrypt_rounds: 4
",
        db = path("homeserver.db"),
        log_config = path("log.config"),
        media = path("media_store"),
        signing_key = path("signing.key"),
        pid = path("homeserver.pid"),
    );
    if limits == RateLimits::Raised {
        yaml.push_str(&rate_limits_yaml());
    }
    fs::write(config_path(dir), yaml).expect("write homeserver.yaml");

    let log_config = format!(
        "version: 1
formatters:
  precise:
    format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(message)s'
handlers:
  file:
    class: logging.FileHandler
    formatter: precise
    filename: {log}
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
",
        log = path("homeserver.log"),
    );
    fs::write(dir.join("log.config"), log_config).expect("write log.config");
}

/// The `rc_*` section: dotted keys become nested mappings.
fn rate_limits_yaml() -> String {
    let mut out = String::new();
    let mut open_parent: Option<&str> = None;
    for key in RATE_LIMITS {
        let limit = format!("{{per_second: {RATE}, burst_count: {RATE}}}");
        match key.split_once('.') {
            Some((parent, child)) => {
                if open_parent != Some(parent) {
                    let _ = writeln!(out, "{parent}:");
                    open_parent = Some(parent);
                }
                let _ = writeln!(out, "  {child}: {limit}");
            }
            None => {
                open_parent = None;
                let _ = writeln!(out, "{key}: {limit}");
            }
        }
    }
    out
}

/// A double-quoted YAML scalar (JSON string syntax is valid YAML).
fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).expect("serialize string")
}
