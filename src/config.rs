//! The bot's configuration: a TOML file (see `config.example.toml` at the repository root for every key and its
//! default), plus environment overrides for secrets.
//!
//! [`Config::load`] reads the file, [`Config::parse`] parses text. Unknown keys and invalid values are errors
//! that name the key and its position (`path:line:col: error: ...`). Relative paths (`state_dir`, knowledge
//! paths) are relative to the directory of the configuration file. Secrets ([`Secret`]) never print: their
//! `Debug` is `[redacted]`.
//!
//! Environment overrides (the environment wins over the file): `VERBATIM_PASSWORD`,
//! `VERBATIM_STORE_PASSPHRASE`, `VERBATIM_RECOVERY_KEY`.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::matcher::MatcherConfig;
pub use access::AccessConfig;
pub use live::{Change, KEYS};
pub use ops::{CurationConfig, LimitsConfig, MetricsConfig};
use raw::Checker;
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
    /// Room ids or aliases to join at start.
    pub join_rooms: Vec<String>,
}

/// `[matching]`.
#[derive(Debug, Clone)]
pub struct MatchingConfig {
    /// Answer when the best score is at least this.
    pub answer_threshold: f64,
    /// Suggest when the best score is at least this.
    pub suggest_threshold: f64,
    /// At most this many "did you mean" suggestions.
    pub max_suggestions: usize,
}

impl MatchingConfig {
    /// The matcher configuration, with `names` (words that may lead a question and are not part of it).
    pub fn matcher_config(&self, names: Vec<String>) -> MatcherConfig {
        MatcherConfig {
            answer_threshold: self.answer_threshold,
            suggest_threshold: self.suggest_threshold,
            max_suggestions: self.max_suggestions,
            names,
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

    /// Parses and validates configuration `text`, as read from `path` (relative paths in it are resolved against
    /// the directory of `path`). The environment is not consulted.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let read = read::read(path, text);
        let mut c = Checker {
            path,
            text,
            errors: read.errors,
        };
        let Some(raw) = read.raw else {
            return Err(ConfigError::Invalid(c.errors));
        };
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let resolve = |p: &str| {
            if Path::new(p).is_absolute() {
                PathBuf::from(p)
            } else {
                base.join(p)
            }
        };
        let Some(matrix) = raw.matrix else {
            c.errors.push(
                Diagnostic::error(path, text, 0, "missing table `[matrix]`")
                    .with_hint("add [matrix] with at least `homeserver` and `user_id`; see config.example.toml"),
            );
            return Err(ConfigError::Invalid(c.errors));
        };
        let matrix = matrix.into_inner();
        let homeserver = matrix.homeserver.get_ref().clone();
        if !(homeserver.starts_with("https://") || homeserver.starts_with("http://"))
            || homeserver.len() < 9
        {
            c.error(
                matrix.homeserver.span(),
                "matrix.homeserver",
                format!("{homeserver:?} is not an http(s) URL"),
                Some("the client-server API URL, for example \"https://matrix.example.org\""),
            );
        }
        c.user_id(&matrix.user_id, "matrix.user_id", false);
        let device_name = match matrix.device_name {
            Some(name) if name.get_ref().trim().is_empty() => {
                c.error(name.span(), "matrix.device_name", "must not be empty", None);
                "verbatim".to_string()
            }
            Some(name) => name.into_inner(),
            None => "verbatim".to_string(),
        };
        let state_dir = match matrix.state_dir {
            Some(dir) if dir.get_ref().is_empty() => {
                c.error(dir.span(), "matrix.state_dir", "must not be empty", None);
                PathBuf::new()
            }
            Some(dir) => resolve(dir.get_ref()),
            None => resolve("state"),
        };
        for inviter in &raw.access.allowed_inviters {
            c.user_id(inviter, "access.allowed_inviters", true);
        }
        for admin in &raw.access.admins {
            c.user_id(admin, "access.admins", true);
        }
        for p in &raw.knowledge.paths {
            if p.get_ref().is_empty() {
                c.error(
                    p.span(),
                    "knowledge.paths",
                    "a path must not be empty",
                    None,
                );
            }
        }

        let bot = raw.bot;
        let command_prefix = c.command(bot.command_prefix, "bot.command_prefix", "!ask");
        let help_command = c.command(bot.help_command, "bot.help_command", "!help");
        let sources_command = c.command(bot.sources_command, "bot.sources_command", "!sources");
        let display_name = bot.display_name.map(|d| {
            if d.get_ref().trim().is_empty() {
                c.error(
                    d.span(),
                    "bot.display_name",
                    "must not be empty (leave the key out to keep the profile as it is)",
                    None,
                );
            }
            d.into_inner()
        });
        let window = c.int(
            bot.catch_up_window_secs,
            "bot.catch_up_window_secs",
            300,
            0..7 * 24 * 3600 + 1,
        );
        let max_concurrent = c.int(
            bot.max_concurrent_questions,
            "bot.max_concurrent_questions",
            8,
            1..1025,
        );
        let send_attempts = c.int(bot.send_attempts, "bot.send_attempts", 8, 1..101);
        for room in &bot.join_rooms {
            let r = room.get_ref();
            if !(r.starts_with('!') || r.starts_with('#')) || !r.contains(':') {
                c.error(
                    room.span(),
                    "bot.join_rooms",
                    format!("{r:?} is not a room id or alias"),
                    Some("\"!roomid:example.org\" or \"#alias:example.org\""),
                );
            }
        }

        let m = raw.matching;
        let defaults = MatcherConfig::default();
        let (answer, _) = c.score(
            m.answer_threshold,
            "matching.answer_threshold",
            defaults.answer_threshold,
        );
        let (suggest, suggest_span) = c.score(
            m.suggest_threshold,
            "matching.suggest_threshold",
            defaults.suggest_threshold,
        );
        if suggest > answer {
            c.error(
                suggest_span,
                "matching.suggest_threshold",
                format!("{suggest} must not be above matching.answer_threshold ({answer})"),
                None,
            );
        }
        let max_suggestions = c.int(
            m.max_suggestions,
            "matching.max_suggestions",
            defaults.max_suggestions as i64,
            1..11,
        );

        let (limits, metrics, curation) = ops::parse(&mut c, raw.limits, raw.metrics, raw.curation);

        if !c.errors.is_empty() {
            c.errors.sort_by_key(|d| (d.line, d.col));
            return Err(ConfigError::Invalid(c.errors));
        }
        Ok(Config {
            path: path.to_path_buf(),
            keys_in_file: read.keys,
            from_env: Vec::new(),
            matrix: MatrixConfig {
                homeserver,
                user_id: matrix.user_id.into_inner(),
                password: matrix.password.map(Secret),
                device_name,
                state_dir,
                store_passphrase: matrix.store_passphrase.map(Secret),
                recovery_key: matrix.recovery_key.map(Secret),
            },
            access: AccessConfig {
                allowed_inviters: raw
                    .access
                    .allowed_inviters
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect(),
                admins: raw
                    .access
                    .admins
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect(),
            },
            knowledge_paths: raw
                .knowledge
                .paths
                .iter()
                .map(|p| resolve(p.get_ref()))
                .collect(),
            bot: BotConfig {
                command_prefix,
                help_command,
                sources_command,
                display_name,
                catch_up_window: Duration::from_secs(window as u64),
                max_concurrent_questions: max_concurrent as usize,
                send_attempts: send_attempts as u32,
                join_rooms: bot
                    .join_rooms
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect(),
            },
            matching: MatchingConfig {
                answer_threshold: answer,
                suggest_threshold: suggest,
                max_suggestions: max_suggestions as usize,
            },
            curation,
            limits,
            metrics,
        })
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
    ]) && !has(&["source", "speakers", "entries"])
}

mod access;
mod live;
mod ops;
mod raw;
mod read;
mod show;
#[cfg(test)]
mod tests;
