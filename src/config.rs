//! The bot's configuration: a TOML file (see `config.example.toml` at the repository root for every key and its
//! default), plus environment overrides for secrets.
//!
//! [`Config::load`] reads the file, [`Config::parse`] parses text. Syntax errors, unknown keys and invalid
//! values are errors that name the key and its position (`path:line:col: error: ...`) with a hint, every one of
//! them at once (`read.rs`, `parse.rs`). Relative paths (`state_dir`, knowledge paths) are relative to the
//! directory of the configuration file. Secrets ([`Secret`]) never print: their `Debug` is `[redacted]`, and
//! [`Config::effective`] (what `verbatim run --check` prints) redacts them. [`KEYS`] says which keys a running
//! bot applies on SIGHUP ([`Config::changes`], [`Config::with_live_keys_of`]). `[[rooms]]` ([`RoomsConfig`])
//! says which knowledge sources a room may quote; whether those sources exist is checked when the knowledge is
//! loaded ([`RoomsConfig::unknown_sources`]).
//!
//! Environment overrides (the environment wins over the file): `VERBATIM_PASSWORD`,
//! `VERBATIM_STORE_PASSPHRASE`, `VERBATIM_RECOVERY_KEY`; [`Config::from_env`] records which were used.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::diagnostic::Diagnostic;
use crate::matcher::MatcherConfig;
pub use access::AccessConfig;
pub use live::{Change, KEYS};
pub use ops::{CurationConfig, LimitsConfig, MetricsConfig};
pub use rooms::{RoomRule, RoomsConfig};
pub use show::REDACTED;

/// Environment variable that overrides `[matrix] password`.
pub const ENV_PASSWORD: &str = "VERBATIM_PASSWORD";
/// Environment variable that overrides `[matrix] store_passphrase`.
pub const ENV_STORE_PASSPHRASE: &str = "VERBATIM_STORE_PASSPHRASE";
/// Environment variable that overrides `[matrix] recovery_key`.
pub const ENV_RECOVERY_KEY: &str = "VERBATIM_RECOVERY_KEY";
/// Environment variable that names the configuration file (the command line's `--config`).
pub const ENV_CONFIG: &str = "VERBATIM_CONFIG";
/// The keys the environment can set, with their variables.
pub const ENV_KEYS: [(&str, &str); 3] = [
    ("matrix.password", ENV_PASSWORD),
    ("matrix.store_passphrase", ENV_STORE_PASSPHRASE),
    ("matrix.recovery_key", ENV_RECOVERY_KEY),
];

/// A secret string (password, passphrase, recovery key) that never appears in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The whole configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from (used in messages).
    pub path: PathBuf,
    /// The dotted keys (`matrix.user_id`) written in the file; every other key has its default or comes from the
    /// environment.
    pub keys_in_file: BTreeSet<String>,
    /// The dotted keys whose value comes from the environment (see [`ENV_KEYS`]).
    pub from_env: Vec<&'static str>,
    /// `[matrix]`: the account and where its state lives.
    pub matrix: MatrixConfig,
    /// `[access]`: who may invite the bot.
    pub access: AccessConfig,
    /// `[knowledge]`: files or directories; empty means the knowledge compiled into the binary.
    pub knowledge_paths: Vec<PathBuf>,
    /// `[bot]`: triggers, commands and limits.
    pub bot: BotConfig,
    /// `[matching]`: matcher thresholds.
    pub matching: MatchingConfig,
    /// `[curation]`: the unanswered-question log.
    pub curation: CurationConfig,
    /// `[metrics]`: the health and metrics listener.
    pub metrics: MetricsConfig,
    /// `[limits]`: flood control and limits on what the bot reads.
    pub limits: LimitsConfig,
    /// `[[rooms]]`: the knowledge sources each room may quote (rooms not listed get all of it).
    pub rooms: RoomsConfig,
}

/// `[matrix]`.
#[derive(Debug, Clone)]
pub struct MatrixConfig {
    /// Homeserver URL, used as is.
    pub homeserver: String,
    /// The bot's full Matrix id.
    pub user_id: String,
    /// Password, needed for the first login and to set up cross-signing.
    pub password: Option<Secret>,
    /// Display name of the device created at the first login.
    pub device_name: String,
    /// Directory for the session, sync state, the encrypted SQLite store and the reply journal.
    pub state_dir: PathBuf,
    /// Passphrase that encrypts the SQLite store.
    pub store_passphrase: Option<Secret>,
    /// Recovery key (secret storage) to import cross-signing keys and key backups.
    pub recovery_key: Option<Secret>,
}

/// `[bot]`.
#[derive(Debug, Clone)]
pub struct BotConfig {
    /// Prefix that addresses the bot in group rooms (`!ask <question>`).
    pub command_prefix: String,
    /// Command that shows what the bot knows and how to ask.
    pub help_command: String,
    /// Command that lists the sources.
    pub sources_command: String,
    /// Display name to set on the bot's profile at start; `None` leaves the profile alone.
    pub display_name: Option<String>,
    /// Questions sent while the bot was down are answered after a restart if younger than this.
    pub catch_up_window: Duration,
    /// How many replies are worked on at the same time, across rooms.
    pub max_concurrent_questions: usize,
    /// How many times sending a reply is tried before giving up (with a warning).
    pub send_attempts: u32,
    /// How long a conversation (a room, or a thread) is remembered after its last message, for follow-ups.
    pub conversation_ttl: Duration,
    /// Room ids or aliases to join at start.
    pub join_rooms: Vec<String>,
}

/// `[matching]`.
#[derive(Debug, Clone)]
pub struct MatchingConfig {
    /// Answer when the decision's confidence is at least this (default: the knowledge's calibration).
    pub answer_threshold: Option<f64>,
    /// Suggest when the decision's confidence is at least this (default: the knowledge's calibration).
    pub suggest_threshold: Option<f64>,
    /// At most this many "did you mean" suggestions.
    pub max_suggestions: usize,
    /// At most this many quotes in one reply.
    pub max_quotes: usize,
}

impl MatchingConfig {
    /// The matcher configuration of these keys.
    pub fn matcher_config(&self) -> MatcherConfig {
        MatcherConfig {
            answer_threshold: self.answer_threshold,
            suggest_threshold: self.suggest_threshold,
            max_suggestions: self.max_suggestions,
            max_quotes: self.max_quotes,
            ..MatcherConfig::default()
        }
    }
}

/// Why a configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error(
        "cannot read the configuration file {}: {source}\n  hint: give the path of the configuration file with \
         --config PATH or the {ENV_CONFIG} environment variable (default: config.toml in the current directory); to \
         write one, copy config.example.toml (it shows every key with its default) and edit it",
        path.display()
    )]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file has errors, each with its position.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
}

impl Config {
    /// Reads and validates the configuration file at `path`, then applies the environment overrides.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = Config::parse(path, &text)?;
        config.apply_env(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
        Ok(config)
    }

    /// Applies the environment overrides (the environment wins) using `lookup` to read variables, and records
    /// which keys they set in [`Config::from_env`].
    pub fn apply_env(&mut self, lookup: impl Fn(&str) -> Option<String>) {
        for (key, variable) in ENV_KEYS {
            let Some(value) = lookup(variable) else {
                continue;
            };
            let slot = match key {
                "matrix.password" => &mut self.matrix.password,
                "matrix.store_passphrase" => &mut self.matrix.store_passphrase,
                _ => &mut self.matrix.recovery_key,
            };
            *slot = Some(Secret(value));
            if !self.from_env.contains(&key) {
                self.from_env.push(key);
            }
        }
    }
}

/// Whether `text` is a configuration file of the bot rather than a knowledge file: it has one of the bot's
/// tables (`[matrix]`, `[access]`, ...) and none of a knowledge file's. For commands that were given one where
/// knowledge belongs.
///
/// ```
/// use verbatim::config::looks_like_config;
/// assert!(looks_like_config("[matrix]\nhomeserver = \"https://m.org\"\n[access]\nadmins = []\n"));
/// assert!(!looks_like_config("[source]\nid = \"s\"\n[[entries]]\nid = \"e\"\n"));
/// assert!(!looks_like_config("not toml at all ["));
/// ```
pub fn looks_like_config(text: &str) -> bool {
    let (root, _) = toml::de::DeTable::parse_recoverable(text);
    let root = root.get_ref();
    let has = |names: &[&str]| names.iter().any(|n| root.contains_key(*n));
    has(&[
        "matrix",
        "access",
        "knowledge",
        "bot",
        "matching",
        "curation",
        "metrics",
        "limits",
        "rooms",
    ]) && !has(&["source", "speakers", "entries"])
}

mod access;
mod live;
mod ops;
mod parse;
mod raw;
mod read;
mod rooms;
mod show;
#[cfg(test)]
mod tests;
