//! From the text of the configuration file to a [`Config`]: the file read with every problem it has
//! ([`super::read`]), then every value checked ([`super::raw::Checker`]), relative paths resolved against the
//! file's directory.

use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::Spanned;

use super::raw::Checker;
use super::{
    AccessConfig, BotConfig, Config, ConfigError, MatchingConfig, MatrixConfig, Secret, ops, read,
    rooms,
};
use crate::diagnostic::Diagnostic;
use crate::matcher::MatcherConfig;

impl Config {
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
        let conversation_ttl = c.int(
            bot.conversation_ttl_secs,
            "bot.conversation_ttl_secs",
            600,
            0..7 * 24 * 3600 + 1,
        );
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
        let given = (m.answer_threshold.is_some(), m.suggest_threshold.is_some());
        let (answer, _) = c.score(m.answer_threshold, "matching.answer_threshold", 1.0);
        let (suggest, suggest_span) =
            c.score(m.suggest_threshold, "matching.suggest_threshold", 0.0);
        let (answer, suggest) = (given.0.then_some(answer), given.1.then_some(suggest));
        if let (Some(answer), Some(suggest)) = (answer, suggest)
            && suggest > answer
        {
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
        let max_quotes = c.int(
            m.max_quotes,
            "matching.max_quotes",
            defaults.max_quotes as i64,
            1..11,
        );

        let (limits, metrics, curation) = ops::parse(&mut c, raw.limits, raw.metrics, raw.curation);
        let rooms = rooms::parse(&mut c, raw.rooms);

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
                conversation_ttl: Duration::from_secs(conversation_ttl as u64),
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
                max_quotes: max_quotes as usize,
            },
            curation,
            limits,
            metrics,
            rooms,
        })
    }
}
