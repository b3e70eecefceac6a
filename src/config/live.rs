//! Which configuration keys a running bot takes from a changed file (on SIGHUP), and which need a restart.
//!
//! Live: who may invite the bot and who is an admin (`[access]`), where the knowledge is (`[knowledge]`), how
//! questions are matched (`[matching]`), flood control and limits (`[limits]`), the unanswered-question and
//! feedback logs (`[curation]`), `[bot] send_attempts` and `conversation_ttl_secs`, and which rooms quote which
//! sources (`[[rooms]]`). Everything else needs a restart: the account and its state (`[matrix]`), the bot's
//! names and commands, the catch-up window and the concurrency of replies (`[bot]`), and the HTTP listener
//! (`[metrics]`); a running bot logs which of those changed and keeps their old values.

use super::Config;

/// Every key, and whether a running bot applies a change of it (true) or needs a restart (false).
pub const KEYS: &[(&str, bool)] = &[
    ("matrix.homeserver", false),
    ("matrix.user_id", false),
    ("matrix.password", false),
    ("matrix.device_name", false),
    ("matrix.state_dir", false),
    ("matrix.store_passphrase", false),
    ("matrix.recovery_key", false),
    ("access.allowed_inviters", true),
    ("access.admins", true),
    ("knowledge.paths", true),
    ("bot.command_prefix", false),
    ("bot.help_command", false),
    ("bot.sources_command", false),
    ("bot.display_name", false),
    ("bot.catch_up_window_secs", false),
    ("bot.max_concurrent_questions", false),
    ("bot.send_attempts", true),
    ("bot.conversation_ttl_secs", true),
    ("bot.join_rooms", false),
    ("matching.answer_threshold", true),
    ("matching.suggest_threshold", true),
    ("matching.max_suggestions", true),
    ("matching.max_quotes", true),
    ("curation.log_unanswered", true),
    ("curation.log_feedback", true),
    ("curation.log_user_ids", true),
    ("metrics.listen", false),
    ("metrics.healthy_sync_age_secs", false),
    ("limits.per_user_burst", true),
    ("limits.per_user_per_minute", true),
    ("limits.per_room_burst", true),
    ("limits.per_room_per_minute", true),
    ("limits.max_question_chars", true),
    ("limits.max_room_members", true),
    ("rooms.rooms", true),
    ("rooms.sources", true),
];

/// A key whose value differs between the running configuration and the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The dotted key, `access.admins`.
    pub key: &'static str,
    /// Whether a running bot applies it.
    pub live: bool,
}

impl Config {
    /// The keys whose values differ between `self` and `new`, in the order of [`KEYS`].
    pub fn changes(&self, new: &Config) -> Vec<Change> {
        KEYS.iter()
            .filter(|(key, _)| differs(key, self, new))
            .map(|&(key, live)| Change { key, live })
            .collect()
    }

    /// `self` with the live keys of `new` (see [`KEYS`]): what a running bot applies when its file changed.
    pub fn with_live_keys_of(&self, new: &Config) -> Config {
        let mut merged = self.clone();
        merged.access = new.access.clone();
        merged.knowledge_paths = new.knowledge_paths.clone();
        merged.matching = new.matching.clone();
        merged.curation = new.curation.clone();
        merged.limits = new.limits.clone();
        merged.bot.send_attempts = new.bot.send_attempts;
        merged.rooms = new.rooms.clone();
        merged
    }
}

/// Whether `key` has different values in `a` and `b`.
fn differs(key: &str, a: &Config, b: &Config) -> bool {
    let (m, n) = (&a.matrix, &b.matrix);
    let (l, k) = (&a.limits, &b.limits);
    match key {
        "matrix.homeserver" => m.homeserver != n.homeserver,
        "matrix.user_id" => m.user_id != n.user_id,
        "matrix.password" => m.password != n.password,
        "matrix.device_name" => m.device_name != n.device_name,
        "matrix.state_dir" => m.state_dir != n.state_dir,
        "matrix.store_passphrase" => m.store_passphrase != n.store_passphrase,
        "matrix.recovery_key" => m.recovery_key != n.recovery_key,
        "access.allowed_inviters" => a.access.allowed_inviters != b.access.allowed_inviters,
        "access.admins" => a.access.admins != b.access.admins,
        "knowledge.paths" => a.knowledge_paths != b.knowledge_paths,
        "bot.command_prefix" => a.bot.command_prefix != b.bot.command_prefix,
        "bot.help_command" => a.bot.help_command != b.bot.help_command,
        "bot.sources_command" => a.bot.sources_command != b.bot.sources_command,
        "bot.display_name" => a.bot.display_name != b.bot.display_name,
        "bot.catch_up_window_secs" => a.bot.catch_up_window != b.bot.catch_up_window,
        "bot.conversation_ttl_secs" => a.bot.conversation_ttl != b.bot.conversation_ttl,
        "bot.max_concurrent_questions" => {
            a.bot.max_concurrent_questions != b.bot.max_concurrent_questions
        }
        "bot.send_attempts" => a.bot.send_attempts != b.bot.send_attempts,
        "bot.join_rooms" => a.bot.join_rooms != b.bot.join_rooms,
        "matching.answer_threshold" => a.matching.answer_threshold != b.matching.answer_threshold,
        "matching.suggest_threshold" => {
            a.matching.suggest_threshold != b.matching.suggest_threshold
        }
        "matching.max_suggestions" => a.matching.max_suggestions != b.matching.max_suggestions,
        "matching.max_quotes" => a.matching.max_quotes != b.matching.max_quotes,
        "curation.log_unanswered" => a.curation.log_unanswered != b.curation.log_unanswered,
        "curation.log_feedback" => a.curation.log_feedback != b.curation.log_feedback,
        "curation.log_user_ids" => a.curation.log_user_ids != b.curation.log_user_ids,
        "metrics.listen" => a.metrics.listen != b.metrics.listen,
        "metrics.healthy_sync_age_secs" => a.metrics.healthy_sync_age != b.metrics.healthy_sync_age,
        "limits.per_user_burst" => l.per_user_burst != k.per_user_burst,
        "limits.per_user_per_minute" => l.per_user_per_minute != k.per_user_per_minute,
        "limits.per_room_burst" => l.per_room_burst != k.per_room_burst,
        "limits.per_room_per_minute" => l.per_room_per_minute != k.per_room_per_minute,
        "limits.max_question_chars" => l.max_question_chars != k.max_question_chars,
        "limits.max_room_members" => l.max_room_members != k.max_room_members,
        // Which rooms, and which sources, entry by entry (a line that moved is no change).
        "rooms.rooms" | "rooms.sources" => {
            let of = |c: &Config| -> Vec<Vec<String>> {
                c.rooms
                    .rules
                    .iter()
                    .map(|r| {
                        if key == "rooms.rooms" {
                            r.rooms.clone()
                        } else {
                            r.sources.clone()
                        }
                    })
                    .collect()
            };
            of(a) != of(b)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const BASE: &str = "[matrix]\nhomeserver = \"https://m.org\"\nuser_id = \"@v:m.org\"\n";

    fn config(extra: &str) -> Config {
        Config::parse(
            Path::new("/etc/verbatim/config.toml"),
            &format!("{BASE}{extra}"),
        )
        .unwrap()
    }

    #[test]
    fn every_key_of_the_example_is_classified() {
        // The example shows every key (secrets and optional keys commented out).
        let example = include_str!("../../config.example.toml");
        let mut table = String::new();
        for line in example.lines() {
            let line = line.trim_start_matches("# ").trim();
            if line.starts_with('[') {
                table = line.trim_matches(['[', ']']).to_string();
            } else if let Some((key, _)) = line.split_once(" = ")
                && !key.contains(' ')
                && !table.is_empty()
            {
                let dotted = format!("{table}.{key}");
                assert!(
                    KEYS.iter().any(|(k, _)| *k == dotted),
                    "{dotted} is not in live::KEYS"
                );
            }
        }
        assert_eq!(KEYS.len(), 36);
    }

    #[test]
    fn the_readme_table_says_the_same() {
        let readme = include_str!("../../README.md");
        for (key, live) in KEYS {
            let (table, name) = key.split_once('.').unwrap();
            let row = readme
                .lines()
                .find(|l| {
                    l.starts_with(&format!("| `[{table}] {name}` |"))
                        || l.starts_with(&format!("| `[[{table}]] {name}` |"))
                })
                .unwrap_or_else(|| panic!("no row for {key} in the README's table"));
            let column = row.split(" | ").nth(2).unwrap();
            assert_eq!(column, if *live { "live" } else { "restart" }, "{row}");
        }
    }

    #[test]
    fn changes_name_each_key_and_whether_it_is_live() {
        let old = config("[access]\nadmins = [\"@a:m.org\"]\n");
        let new = config(
            "device_name = \"other\"\n[access]\nadmins = [\"@b:m.org\"]\n[limits]\nper_user_burst = 3\n[metrics]\nlisten = \"127.0.0.1:9\"\n",
        );
        let changes: Vec<(&str, bool)> =
            old.changes(&new).iter().map(|c| (c.key, c.live)).collect();
        assert_eq!(
            changes,
            [
                ("matrix.device_name", false),
                ("access.admins", true),
                ("metrics.listen", false),
                ("limits.per_user_burst", true),
            ]
        );
        assert!(old.changes(&old).is_empty());
    }

    #[test]
    fn the_merged_configuration_takes_exactly_the_live_keys() {
        let old = config("");
        let new = config(
            "device_name = \"d\"\nstate_dir = \"/x\"\n[access]\nallowed_inviters = [\"@*:m.org\"]\nadmins = [\"@a:m.org\"]\n\
             [knowledge]\npaths = [\"kb\"]\n[bot]\ncommand_prefix = \"!q\"\nsend_attempts = 2\ncatch_up_window_secs = 9\n\
             [matching]\nanswer_threshold = 0.7\n[curation]\nlog_unanswered = true\nlog_feedback = true\n[metrics]\nlisten = \"127.0.0.1:9\"\n\
             [limits]\nmax_room_members = 9\n[[rooms]]\nrooms = [\"!r:m.org\"]\nsources = [\"s\"]\n",
        );
        let merged = old.with_live_keys_of(&new);
        assert!(
            merged.changes(&new).iter().all(|c| !c.live),
            "{:?}",
            merged.changes(&new)
        );
        assert!(
            merged.changes(&old).iter().all(|c| c.live),
            "{:?}",
            merged.changes(&old)
        );
        let restart: Vec<&str> = merged.changes(&new).iter().map(|c| c.key).collect();
        assert_eq!(
            restart,
            [
                "matrix.device_name",
                "matrix.state_dir",
                "bot.command_prefix",
                "bot.catch_up_window_secs",
                "metrics.listen"
            ]
        );
        assert!(
            merged.access.is_admin("@a:m.org")
                && merged.curation.log_unanswered
                && merged.curation.log_feedback
        );
        assert_eq!(
            merged.rooms.sources_for("!r:m.org", &[]),
            Some(&["s".to_string()][..])
        );
        assert_eq!(
            (merged.bot.send_attempts, merged.limits.max_room_members),
            (2, 9)
        );
    }
}
