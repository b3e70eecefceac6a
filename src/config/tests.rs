//! Configuration errors name the key and the exact line.

use std::path::Path;

use super::access::glob_match;
use super::*;

const MINIMAL: &str =
    "[matrix]\nhomeserver = \"https://matrix.example.org\"\nuser_id = \"@verbatim:example.org\"\n";

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(Path::new("/etc/verbatim/config.toml"), text)
}

fn errors(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(ConfigError::Invalid(d)) => d
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
            .collect(),
        Err(e) => panic!("unexpected error {e}"),
    }
}

#[test]
fn minimal_config_gets_the_defaults() {
    let c = parse(MINIMAL).unwrap();
    assert_eq!(c.matrix.homeserver, "https://matrix.example.org");
    assert_eq!(c.matrix.device_name, "verbatim");
    assert_eq!(c.matrix.state_dir, Path::new("/etc/verbatim/state"));
    assert!(c.matrix.password.is_none() && c.matrix.store_passphrase.is_none());
    assert_eq!(c.bot.command_prefix, "!ask");
    assert_eq!(c.bot.help_command, "!help");
    assert_eq!(c.bot.sources_command, "!sources");
    assert_eq!(c.bot.catch_up_window, Duration::from_secs(300));
    assert_eq!(c.bot.max_concurrent_questions, 8);
    assert!(c.access.allowed_inviters.is_empty() && c.knowledge_paths.is_empty());
    assert_eq!(
        c.matching.answer_threshold,
        MatcherConfig::default().answer_threshold
    );
}

#[test]
fn the_example_config_is_valid() {
    let text = include_str!("../../config.example.toml");
    let c = parse(text).unwrap();
    assert_eq!(c.matrix.user_id, "@verbatim:example.org");
    assert_eq!(
        c.access.allowed_inviters,
        ["@admin:example.org", "@*:example.org"]
    );
}

#[test]
fn unknown_keys_are_errors_with_their_line() {
    let text = format!("{MINIMAL}passwrd = \"x\"\n");
    let e = errors(&text);
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with("4:1: `matrix.passwrd`: unknown field `passwrd`"),
        "{e:?}"
    );

    let e = errors(&format!(
        "{MINIMAL}\n[bot]\ncommand_prefix = \"!q\"\ncatchup = 3\n"
    ));
    assert!(
        e[0].starts_with("7:1: `bot.catchup`: unknown field `catchup`"),
        "{e:?}"
    );

    let e = errors(&format!("{MINIMAL}\n[metrix]\nlisten = \"x\"\n"));
    assert!(e[0].starts_with("5:2: unknown field `metrix`"), "{e:?}");
}

#[test]
fn wrong_types_are_errors_at_the_value() {
    let e = errors(&format!(
        "{MINIMAL}[bot]\ncatch_up_window_secs = \"five minutes\"\n"
    ));
    assert!(
        e[0].starts_with("5:24: `bot.catch_up_window_secs`: invalid type"),
        "{e:?}"
    );
    assert!(e[0].contains("integer"), "{e:?}");
}

#[test]
fn invalid_values_name_the_key_and_line() {
    let text = "[matrix]\nhomeserver = \"matrix.example.org\"\nuser_id = \"verbatim\"\n\n[access]\nallowed_inviters = [\"@a:b\", \"nobody\"]\n\n[bot]\ncommand_prefix = \"! ask\"\ncatch_up_window_secs = -1\nmax_concurrent_questions = 0\njoin_rooms = [\"general\"]\n\n[matching]\nanswer_threshold = 0.5\nsuggest_threshold = 0.7\n";
    let e = errors(text);
    let expected = [
        "2:14: `matrix.homeserver`",
        "3:11: `matrix.user_id`",
        "6:29: `access.allowed_inviters`",
        "9:18: `bot.command_prefix`",
        "10:24: `bot.catch_up_window_secs`",
        "11:28: `bot.max_concurrent_questions`",
        "12:15: `bot.join_rooms`",
        "16:21: `matching.suggest_threshold`",
    ];
    assert_eq!(e.len(), expected.len(), "{e:#?}");
    for (got, want) in e.iter().zip(expected) {
        assert!(got.starts_with(want), "{got} does not start with {want}");
    }
}

#[test]
fn missing_required_keys_are_named() {
    let e = errors("[matrix]\nhomeserver = \"https://m.org\"\n");
    assert!(e[0].contains("missing field `user_id`"), "{e:?}");
    let e = errors("[bot]\n");
    assert!(e[0].contains("missing table `[matrix]`"), "{e:?}");
}

#[test]
fn diagnostics_carry_the_path() {
    let Err(e) = parse(&format!("{MINIMAL}x = 1\n")) else {
        panic!()
    };
    assert!(
        e.to_string()
            .starts_with("/etc/verbatim/config.toml:4:1: error: `matrix.x`: unknown field `x`"),
        "{e}"
    );
}

#[test]
fn environment_wins_and_secrets_do_not_print() {
    let mut c = parse(&format!(
        "{MINIMAL}password = \"file-pw\"\nstore_passphrase = \"file-pp\"\n"
    ))
    .unwrap();
    assert_eq!(c.matrix.password.as_ref().unwrap().expose(), "file-pw");
    c.apply_env(|name| (name == ENV_PASSWORD).then(|| "env-pw".to_string()));
    assert_eq!(c.matrix.password.as_ref().unwrap().expose(), "env-pw");
    assert_eq!(
        c.matrix.store_passphrase.as_ref().unwrap().expose(),
        "file-pp"
    );
    let debug = format!("{c:?}");
    assert!(
        !debug.contains("env-pw") && !debug.contains("file-pp"),
        "{debug}"
    );
    assert!(debug.contains("[redacted]"));
}

#[test]
fn relative_paths_are_relative_to_the_config_file() {
    let c = parse(&format!("{MINIMAL}state_dir = \"/var/lib/verbatim\"\n[knowledge]\npaths = [\"kb\", \"/srv/more.toml\"]\n")).unwrap();
    assert_eq!(c.matrix.state_dir, Path::new("/var/lib/verbatim"));
    assert_eq!(
        c.knowledge_paths,
        [Path::new("/etc/verbatim/kb"), Path::new("/srv/more.toml")]
    );
}

#[test]
fn globs() {
    assert!(glob_match("@*:example.org", "@a:example.org"));
    assert!(glob_match("*", "@a:b"));
    assert!(glob_match("@a*b*c:x", "@a1b2c:x"));
    assert!(!glob_match("@a*b*c:x", "@a1c2b:x"));
    assert!(!glob_match("@*:example.org", ":example.org"));
}

#[test]
fn curation_log_is_off_by_default_and_can_be_enabled() {
    let c = parse(MINIMAL).unwrap();
    assert_eq!(c.curation, CurationConfig::default());
    assert!(!c.curation.log_unanswered && !c.curation.log_feedback && !c.curation.log_user_ids);
    let c = parse(&format!(
        "{MINIMAL}[curation]\nlog_unanswered = true\nlog_user_ids = true\n"
    ))
    .unwrap();
    assert!(c.curation.log_unanswered && c.curation.log_user_ids && !c.curation.log_feedback);
    let c = parse(&format!("{MINIMAL}[curation]\nlog_feedback = true\n")).unwrap();
    assert!(c.curation.log_feedback && !c.curation.log_unanswered);
    let e = errors(&format!("{MINIMAL}[curation]\nlog_unanswered = \"yes\"\n"));
    assert!(e[0].contains("`curation.log_unanswered`"), "{e:?}");
    let e = errors(&format!("{MINIMAL}[curation]\nlog_feedback = 1\n"));
    assert!(e[0].contains("`curation.log_feedback`"), "{e:?}");
}

#[test]
fn admins_are_checked_like_inviters() {
    let c = parse(&format!(
        "{MINIMAL}[access]\nadmins = [\"@ops-*:example.org\"]\n"
    ))
    .unwrap();
    assert!(c.access.is_admin("@ops-ann:example.org") && !c.access.is_admin("@ann:example.org"));
    assert!(parse(MINIMAL).unwrap().access.admins.is_empty());
    let e = errors(&format!("{MINIMAL}[access]\nadmins = [\"ops\"]\n"));
    assert!(e[0].starts_with("5:11: `access.admins`"), "{e:?}");
}

#[test]
fn metrics_listener_is_off_by_default() {
    let c = parse(MINIMAL).unwrap();
    assert_eq!(c.metrics.listen, None);
    assert_eq!(c.metrics.healthy_sync_age, Duration::from_secs(120));
    let c = parse(&format!(
        "{MINIMAL}[metrics]\nlisten = \"127.0.0.1:9102\"\nhealthy_sync_age_secs = 60\n"
    ))
    .unwrap();
    assert_eq!(c.metrics.listen, Some("127.0.0.1:9102".parse().unwrap()));
    assert_eq!(c.metrics.healthy_sync_age, Duration::from_secs(60));
    let e = errors(&format!("{MINIMAL}[metrics]\nlisten = \"localhost\"\n"));
    assert!(e[0].starts_with("5:10: `metrics.listen`"), "{e:?}");
}

#[test]
fn limits_have_sane_defaults() {
    let l = parse(MINIMAL).unwrap().limits;
    assert_eq!(
        (
            l.per_user_burst,
            l.per_user_per_minute,
            l.per_room_burst,
            l.per_room_per_minute
        ),
        (20, 30, 50, 120)
    );
    assert_eq!((l.max_question_chars, l.max_room_members), (1000, 500));
    let l = parse(&format!(
        "{MINIMAL}[limits]\nmax_room_members = 0\nper_user_burst = 1\n"
    ))
    .unwrap()
    .limits;
    assert_eq!((l.max_room_members, l.per_user_burst), (0, 1));
    let e = errors(&format!("{MINIMAL}[limits]\nper_room_per_minute = 0\n"));
    assert!(
        e[0].starts_with("5:23: `limits.per_room_per_minute`"),
        "{e:?}"
    );
}
