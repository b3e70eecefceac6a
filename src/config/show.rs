//! The effective configuration as TOML, for `verbatim run --check`: every key with the value the bot would
//! run with, secrets redacted, each marked with where it came from when not from the file (the environment,
//! or the default); then the `[[rooms]]` entries.

use std::fmt::Write as _;
use std::path::Path;

use super::{Config, ENV_KEYS, Secret};

/// A table's name and its keys with their values (`None`: not set).
type Section = (&'static str, Vec<(&'static str, Option<String>)>);

/// How a redacted secret shows.
pub const REDACTED: &str = "\"[redacted]\"";

impl Config {
    /// Every key and its value as TOML, secrets redacted; a key set by the environment says which variable set
    /// it, a key the file does not set says `# default`, and an optional key with no value is a comment.
    pub fn effective(&self) -> String {
        let mut out = String::new();
        let m = &self.matrix;
        let b = &self.bot;
        let l = &self.limits;
        let sections: [Section; 8] = [
            (
                "matrix",
                vec![
                    ("homeserver", Some(string(&m.homeserver))),
                    ("user_id", Some(string(&m.user_id))),
                    ("password", secret(m.password.as_ref())),
                    ("device_name", Some(string(&m.device_name))),
                    ("state_dir", Some(path(&m.state_dir))),
                    ("store_passphrase", secret(m.store_passphrase.as_ref())),
                    ("recovery_key", secret(m.recovery_key.as_ref())),
                ],
            ),
            (
                "access",
                vec![
                    (
                        "allowed_inviters",
                        Some(list(&self.access.allowed_inviters)),
                    ),
                    ("admins", Some(list(&self.access.admins))),
                ],
            ),
            (
                "knowledge",
                vec![(
                    "paths",
                    Some(list(
                        &self
                            .knowledge_paths
                            .iter()
                            .map(|p| p.display().to_string())
                            .collect::<Vec<_>>(),
                    )),
                )],
            ),
            (
                "bot",
                vec![
                    ("command_prefix", Some(string(&b.command_prefix))),
                    ("help_command", Some(string(&b.help_command))),
                    ("sources_command", Some(string(&b.sources_command))),
                    ("display_name", b.display_name.as_deref().map(string)),
                    (
                        "catch_up_window_secs",
                        Some(b.catch_up_window.as_secs().to_string()),
                    ),
                    (
                        "max_concurrent_questions",
                        Some(b.max_concurrent_questions.to_string()),
                    ),
                    ("send_attempts", Some(b.send_attempts.to_string())),
                    (
                        "conversation_ttl_secs",
                        Some(b.conversation_ttl.as_secs().to_string()),
                    ),
                    ("join_rooms", Some(list(&b.join_rooms))),
                ],
            ),
            (
                "matching",
                vec![
                    (
                        "answer_threshold",
                        self.matching.answer_threshold.map(|v| v.to_string()),
                    ),
                    (
                        "suggest_threshold",
                        self.matching.suggest_threshold.map(|v| v.to_string()),
                    ),
                    (
                        "max_suggestions",
                        Some(self.matching.max_suggestions.to_string()),
                    ),
                    ("max_quotes", Some(self.matching.max_quotes.to_string())),
                ],
            ),
            (
                "curation",
                vec![
                    (
                        "log_unanswered",
                        Some(self.curation.log_unanswered.to_string()),
                    ),
                    ("log_feedback", Some(self.curation.log_feedback.to_string())),
                    ("log_user_ids", Some(self.curation.log_user_ids.to_string())),
                ],
            ),
            (
                "metrics",
                vec![
                    (
                        "listen",
                        self.metrics.listen.map(|a| string(&a.to_string())),
                    ),
                    (
                        "healthy_sync_age_secs",
                        Some(self.metrics.healthy_sync_age.as_secs().to_string()),
                    ),
                ],
            ),
            (
                "limits",
                vec![
                    ("per_user_burst", Some(l.per_user_burst.to_string())),
                    (
                        "per_user_per_minute",
                        Some(l.per_user_per_minute.to_string()),
                    ),
                    ("per_room_burst", Some(l.per_room_burst.to_string())),
                    (
                        "per_room_per_minute",
                        Some(l.per_room_per_minute.to_string()),
                    ),
                    ("max_question_chars", Some(l.max_question_chars.to_string())),
                    ("max_room_members", Some(l.max_room_members.to_string())),
                ],
            ),
        ];
        for (i, (section, keys)) in sections.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let _ = writeln!(out, "[{section}]");
            for (key, value) in keys {
                let dotted = format!("{section}.{key}");
                let from = self.source_of(&dotted);
                let _ = match value {
                    Some(value) => match from {
                        Some(from) => writeln!(out, "{key} = {value}  # {from}"),
                        None => writeln!(out, "{key} = {value}"),
                    },
                    None => writeln!(out, "# {key}: not set"),
                };
            }
        }
        if self.rooms.rules.is_empty() {
            out.push_str("\n# [[rooms]]: none (every room gets all the knowledge)\n");
        }
        for rule in &self.rooms.rules {
            let _ = writeln!(
                out,
                "\n[[rooms]]\nrooms = {}\nsources = {}",
                list(&rule.rooms),
                list(&rule.sources)
            );
        }
        out
    }

    /// Where the value of `key` came from when not from the file: `from VERBATIM_…` or `default`.
    fn source_of(&self, key: &str) -> Option<String> {
        if let Some((_, variable)) = ENV_KEYS
            .iter()
            .find(|(k, _)| *k == key && self.from_env.contains(k))
        {
            return Some(format!("from {variable}"));
        }
        (!self.keys_in_file.contains(key)).then(|| "default".to_string())
    }
}

fn string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn path(p: &Path) -> String {
    string(&p.display().to_string())
}

fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| string(i)).collect();
    format!("[{}]", items.join(", "))
}

fn secret(s: Option<&Secret>) -> Option<String> {
    s.map(|_| REDACTED.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_with_its_source_and_no_secret() {
        let text = "[matrix]\nhomeserver = \"https://m.org\"\nuser_id = \"@v:m.org\"\npassword = \"file-pw\"\n\
                    [access]\nadmins = [\"@a:m.org\"]\n[limits]\nper_user_burst = 3\n\
                    [[rooms]]\nrooms = [\"#r-*:m.org\"]\nsources = [\"s\"]\n";
        let mut config = Config::parse(Path::new("/etc/verbatim/config.toml"), text).unwrap();
        config
            .apply_env(|v| (v == super::super::ENV_STORE_PASSPHRASE).then(|| "env-pp".to_string()));
        let shown = config.effective();
        assert!(
            !shown.contains("file-pw") && !shown.contains("env-pp"),
            "{shown}"
        );
        for line in [
            "[matrix]",
            "homeserver = \"https://m.org\"",
            "password = \"[redacted]\"",
            "device_name = \"verbatim\"  # default",
            "state_dir = \"/etc/verbatim/state\"  # default",
            "store_passphrase = \"[redacted]\"  # from VERBATIM_STORE_PASSPHRASE",
            "# recovery_key: not set",
            "admins = [\"@a:m.org\"]",
            "allowed_inviters = []  # default",
            "per_user_burst = 3",
            "per_room_burst = 50  # default",
            "# answer_threshold: not set",
            "# listen: not set",
            "[[rooms]]",
            "rooms = [\"#r-*:m.org\"]",
            "sources = [\"s\"]",
        ] {
            assert!(
                shown.lines().any(|l| l == line),
                "no line {line:?} in:\n{shown}"
            );
        }
        // What it prints is a configuration file that reads back to the same values.
        let again = Config::parse(Path::new("/etc/verbatim/config.toml"), &shown).unwrap();
        assert!(
            again
                .changes(&config)
                .iter()
                .all(|c| c.key.contains("password") || c.key.contains("passphrase"))
        );
    }
}
