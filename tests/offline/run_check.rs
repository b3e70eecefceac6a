//! `verbatim run --check`: the configuration and the knowledge checked without starting the bot or contacting
//! the homeserver, every error with its line, the effective configuration printed with its secrets redacted;
//! and `verbatim check` given a configuration file pointing to it.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn check(dir: &Path, env: &[(&str, &str)]) -> (i32, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_verbatim"));
    command
        .args(["run", "--check", "--config", "config.toml"])
        .current_dir(dir)
        .env_remove("VERBATIM_CONFIG")
        .env_remove("VERBATIM_PASSWORD")
        .env_remove("VERBATIM_STORE_PASSPHRASE")
        .env_remove("VERBATIM_RECOVERY_KEY");
    for (k, v) in env {
        command.env(k, v);
    }
    let started = Instant::now();
    let output: Output = command.output().expect("run verbatim");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "--check took {:?}",
        started.elapsed()
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// A configuration for a homeserver on a port where nothing listens (nothing must try).
fn write_config(dir: &Path, extra: &str) {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let text = format!(
        "[matrix]\nhomeserver = \"http://127.0.0.1:{port}\"\nuser_id = \"@v:example.org\"\npassword = \"file-password\"\n\
         {extra}"
    );
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

#[test]
fn a_usable_configuration_passes_and_is_printed_with_secrets_redacted_and_their_sources() {
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        "[access]\nallowed_inviters = [\"@*:example.org\"]\n[limits]\nper_user_burst = 5\n",
    );
    let (code, out) = check(
        dir.path(),
        &[("VERBATIM_STORE_PASSPHRASE", "env-passphrase")],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with(
            "verbatim run --check: OK: 0 error(s), 0 warning(s); the homeserver was not contacted\n"
        ),
        "{out}"
    );
    for line in [
        "password = \"[redacted]\"",
        "store_passphrase = \"[redacted]\"  # from VERBATIM_STORE_PASSPHRASE",
        "state_dir = \"state\"  # default",
        "allowed_inviters = [\"@*:example.org\"]",
        "per_user_burst = 5",
        "per_room_burst = 50  # default",
        "# recovery_key: not set",
        "knowledge (compiled in): 15 entries from 1 source(s); 0 warning(s) (`verbatim check` lists them)",
        "state_dir state: no session yet; the first start logs in with the password and creates the bot's device",
    ] {
        assert!(
            out.lines().any(|l| l == line),
            "no line {line:?} in:\n{out}"
        );
    }
    assert!(
        !out.contains("file-password") && !out.contains("env-passphrase"),
        "{out}"
    );
    assert!(
        !dir.path().join("state").exists(),
        "--check created state_dir"
    );
}

#[test]
fn every_configuration_error_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "device = \"x\"\n[access]\nadmins = [ops]\n");
    let (code, out) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    // A syntax error first: the bare word (every one of them); the unknown key is reported once it is fixed.
    assert!(out.contains("config.toml:7:11: error: `admins`: ops is not a TOML value; text must be in quotes\n  hint: write \"ops\""), "{out}");
    write_config(
        dir.path(),
        "device = \"x\"\n[access]\nadmins = [\"ops\"]\n[bot]\nsend_attempts = 0\n",
    );
    let (code, out) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    let errors: Vec<&str> = out.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 3, "{out}");
    assert!(
        errors[0].starts_with("config.toml:5:1: error: `matrix.device`: unknown field `device`"),
        "{out}"
    );
    assert!(
        errors[1].starts_with(
            "config.toml:7:11: error: `access.admins`: \"ops\" is not a Matrix user id"
        ),
        "{out}"
    );
    assert!(
        errors[2].starts_with("config.toml:9:17: error: `bot.send_attempts`: 0 is out of range"),
        "{out}"
    );
    assert!(
        out.contains("the knowledge and state_dir are checked once the configuration is valid"),
        "{out}"
    );
    assert!(out.ends_with("verbatim run --check: FAILED: 3 error(s), 0 warning(s); the homeserver was not contacted\n"), "{out}");
}

#[test]
fn broken_knowledge_missing_secrets_and_an_empty_invite_list_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let broken = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/broken/bare-words.toml");
    write_config(
        dir.path(),
        &format!(
            "[knowledge]\npaths = [{:?}]\n",
            broken.display().to_string()
        ),
    );
    let text = std::fs::read_to_string(dir.path().join("config.toml"))
        .unwrap()
        .replace("password = \"file-password\"\n", "");
    std::fs::write(dir.path().join("config.toml"), text).unwrap();
    let (code, out) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    for expected in [
        "config.toml: error: no store passphrase\n  hint: set VERBATIM_STORE_PASSPHRASE",
        "config.toml: error: no saved session in state and no password, so the first start cannot log in\n  hint: set VERBATIM_PASSWORD",
        "config.toml: warning: [access] allowed_inviters is empty, so every invite is rejected",
        &format!(
            "{}:14:9: error: `voice`: narrative is not a TOML value; text must be in quotes\n  hint: write voice = \"narrative\"",
            broken.display()
        ),
        &format!(
            "{}:20:9: error: `voice`: own-words is not a TOML value",
            broken.display()
        ),
        "): 2 error(s); the bot refuses knowledge with errors",
        "verbatim run --check: FAILED: 4 error(s), 1 warning(s); the homeserver was not contacted",
    ] {
        assert!(out.contains(expected), "no {expected:?} in:\n{out}");
    }
}

#[test]
fn check_given_a_configuration_file_points_to_run_check() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "[access]\nadmins = []\n");
    let output = Command::new(env!("CARGO_BIN_EXE_verbatim"))
        .args(["check", "config.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.starts_with(
        "config.toml:1:1: error: this is a configuration file of the bot, not a knowledge file\n  hint: check it with `verbatim run --check --config config.toml`"
    ), "{out}");
    assert!(!out.contains("unknown field"), "{out}");
}

#[test]
fn a_rooms_entry_naming_a_source_the_knowledge_lacks_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        "[access]\nallowed_inviters = [\"@*:example.org\"]\n\n[[rooms]]\nrooms = [\"#ferries-*:example.org\"]\n\
         sources = [\"shandong-manufacturing-2023\", \"ferries\"]\n",
    );
    let (code, out) = check(
        dir.path(),
        &[("VERBATIM_STORE_PASSPHRASE", "env-passphrase")],
    );
    assert_eq!(code, 1, "{out}");
    for expected in [
        "config.toml:10:43: error: `rooms.sources`: the knowledge has no source \"ferries\" (the [[rooms]] entry of line 8)\n  \
         hint: use the `[source] id` of a knowledge file: shandong-manufacturing-2023; or remove it",
        "[[rooms]]: 1 source(s) that the knowledge (compiled in) does not have; the bot refuses to start",
        "verbatim run --check: FAILED: 1 error(s), 0 warning(s)",
    ] {
        assert!(out.contains(expected), "no {expected:?} in:\n{out}");
    }

    // Fixed: the entry is shown in the effective configuration.
    let text = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        text.replace(", \"ferries\"", ""),
    )
    .unwrap();
    let (code, out) = check(
        dir.path(),
        &[("VERBATIM_STORE_PASSPHRASE", "env-passphrase")],
    );
    assert_eq!(code, 0, "{out}");
    for line in [
        "source ids: shandong-manufacturing-2023",
        "[[rooms]]: 1 entries give rooms some of the sources; every other room gets all of them",
        "[[rooms]]",
        "rooms = [\"#ferries-*:example.org\"]",
        "sources = [\"shandong-manufacturing-2023\"]",
    ] {
        assert!(
            out.lines().any(|l| l == line),
            "no line {line:?} in:\n{out}"
        );
    }
}
