//! `verbatim run` on the command line, without a homeserver: configuration errors name the key and line (each
//! once, every one of them), a missing file or a wrong store passphrase say what to do, and the logs of a bot
//! waiting for an unreachable homeserver name the cause, in colour only on a terminal.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn command(args: &[&str], dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_verbatim"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("VERBATIM_CONFIG")
        .env_remove("VERBATIM_PASSWORD")
        .env_remove("VERBATIM_STORE_PASSPHRASE")
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR");
    command
}

fn run(args: &[&str], dir: &Path) -> (i32, String) {
    let output = command(args, dir).output().expect("run verbatim");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_bad_config_is_reported_with_its_line_and_key_and_error_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = "[matrix]\nhomeserver = \"https://matrix.example.org\"\nuser_id = \"@v:example.org\"\npasswrd = \"x\"\n\
                  [bot]\nsend_attempts = \"eight\"\n";
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    let (code, stderr) = run(&["run"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines[0].starts_with("config.toml:4:1: error: `matrix.passwrd`: unknown field `passwrd`"),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with(
            "  hint: remove it, or correct its spelling; config.example.toml shows every key"
        ),
        "{stderr}"
    );
    assert!(
        lines[2].starts_with(
            "config.toml:6:17: error: `bot.send_attempts`: invalid type: string \"eight\""
        ),
        "{stderr}"
    );
    assert_eq!(
        lines[3],
        "  hint: the value of send_attempts must be a whole number without quotes"
    );
    assert!(
        !stderr.contains("error: config.toml"),
        "\"error\" said twice:\n{stderr}"
    );
    assert_eq!(stderr.matches("error").count(), 3, "{stderr}");
}

#[test]
fn every_bare_word_in_a_config_is_reported_with_the_line_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let config = "[matrix]\nhomeserver = https://matrix.example.org\nuser_id = \"@v:example.org\"\nstate_dir = state\n";
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    let (code, stderr) = run(&["run"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(
        "config.toml:2:14: error: `homeserver`: https://matrix.example.org is not a TOML value; text must be in quotes\n  hint: write homeserver = \"https://matrix.example.org\""
    ), "{stderr}");
    assert!(stderr.contains(
        "config.toml:4:13: error: `state_dir`: state is not a TOML value; text must be in quotes\n  hint: write state_dir = \"state\""
    ), "{stderr}");
    assert!(!stderr.contains("expected"), "{stderr}");
}

#[test]
fn a_missing_config_file_names_the_flag_the_variable_and_the_example() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = run(&["run"], dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "error: cannot read the configuration file config.toml: No such file or directory (os error 2)\n  hint: give the path of the configuration file with --config PATH or the VERBATIM_CONFIG environment variable"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("copy config.example.toml"), "{stderr}");
    assert_eq!(stderr.matches("No such file").count(), 1, "{stderr}");

    let (code, stderr) = run(&["run", "--config", "missing.toml"], dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read the configuration file missing.toml"),
        "{stderr}"
    );
    let output = command(&["run"], dir.path())
        .env("VERBATIM_CONFIG", "from-env.toml")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("from-env.toml"));
}

#[test]
fn a_missing_store_passphrase_is_an_error_that_says_how_to_set_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = "[matrix]\nhomeserver = \"http://127.0.0.1:9\"\nuser_id = \"@v:example.org\"\npassword = \"x\"\n";
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    let (code, stderr) = run(&["run"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("VERBATIM_STORE_PASSPHRASE"), "{stderr}");
    assert!(!stderr.contains("password = \"x\""));
}

#[tokio::test]
async fn a_wrong_store_passphrase_is_said_to_be_one() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    // A store made with another passphrase, and its session file.
    let client = matrix_sdk::Client::builder()
        .homeserver_url("http://127.0.0.1:9")
        .sqlite_store(state.join("store"), Some("the right one"))
        .build()
        .await
        .unwrap();
    drop(client);
    let session = serde_json::json!({
        "homeserver": "http://127.0.0.1:9",
        "session": {"user_id": "@v:example.org", "device_id": "DEVICE", "access_token": "token"},
    });
    std::fs::write(state.join("session.json"), session.to_string()).unwrap();
    let config = "[matrix]\nhomeserver = \"http://127.0.0.1:9\"\nuser_id = \"@v:example.org\"\n";
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    let output = command(&["run"], dir.path())
        .env("VERBATIM_STORE_PASSPHRASE", "a wrong one")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        // The configuration is config.toml in the current directory, so state_dir is state.
        stderr.starts_with(
            "error: the store passphrase does not open the store in state/store: it is not the passphrase the store was created with. Set VERBATIM_STORE_PASSPHRASE"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains("aead") && !stderr.contains("a wrong one"),
        "{stderr}"
    );
}

/// Starts `verbatim run` for a homeserver on a port where nothing listens, with its standard error going to
/// `stderr`.
fn run_unreachable(dir: &Path, stderr: Stdio, wrap: Option<&str>) -> Child {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let config = format!(
        "[matrix]\nhomeserver = \"http://127.0.0.1:{port}\"\nuser_id = \"@v:example.org\"\npassword = \"pw\"\n\
         store_passphrase = \"pp\"\n[access]\nallowed_inviters = [\"@*:example.org\"]\n"
    );
    std::fs::write(dir.join("config.toml"), config).unwrap();
    let mut command = match wrap {
        // `script` runs the command on a terminal of its own and copies what it writes.
        Some(wrapper) => {
            let mut script = Command::new("script");
            script
                .args([
                    "-qec",
                    &format!("{} run", env!("CARGO_BIN_EXE_verbatim")),
                    "/dev/null",
                ])
                .current_dir(dir)
                .env_remove("RUST_LOG")
                .env_remove("VERBATIM_CONFIG")
                .env_remove("VERBATIM_PASSWORD")
                .env_remove("VERBATIM_STORE_PASSPHRASE");
            if wrapper == "NO_COLOR" {
                script.env("NO_COLOR", "1");
            } else {
                script.env_remove("NO_COLOR");
            }
            script
        }
        None => command(&["run"], dir),
    };
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("start verbatim")
}

/// Reads `child`'s `pipe` until it holds `needle` (at most a minute), then stops the child with SIGTERM and
/// returns everything it wrote and its exit code.
fn read_until(mut child: Child, stdout: bool, needle: &str) -> (String, Option<i32>) {
    let mut pipe: Box<dyn Read + Send> = if stdout {
        Box::new(child.stdout.take().unwrap())
    } else {
        Box::new(child.stderr.take().unwrap())
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut text = Vec::new();
    let started = Instant::now();
    while !String::from_utf8_lossy(&text).contains(needle) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no {needle:?} in:\n{}",
            String::from_utf8_lossy(&text)
        );
        if let Ok(chunk) = rx.recv_timeout(Duration::from_millis(200)) {
            text.extend(chunk);
        }
    }
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    while let Ok(chunk) = rx.recv_timeout(Duration::from_millis(500)) {
        text.extend(chunk);
    }
    (String::from_utf8_lossy(&text).into_owned(), status.code())
}

#[test]
fn an_unreachable_homeserver_is_waited_for_and_logged_with_its_cause_in_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let child = run_unreachable(dir.path(), Stdio::piped(), None);
    let (log, code) = read_until(
        child,
        false,
        "waiting for the homeserver to log in for the first time",
    );
    // The cause (connection refused), once, at the end of the chain; no colour codes in a pipe.
    let line = log
        .lines()
        .find(|l| l.contains("waiting for the homeserver"))
        .unwrap();
    assert!(
        line.contains(
            "client error (Connect): tcp connect error: Connection refused (os error 111)"
        ),
        "{line}"
    );
    assert_eq!(line.matches("Connection refused").count(), 1, "{line}");
    assert!(!log.contains('\u{1b}'), "colour codes in a pipe:\n{log}");
    // Stopped while waiting: exit 0, and the half-created store is cleaned up at the next start.
    assert_eq!(code, Some(0), "{log}");
    assert!(
        log.contains("stopped before the first login finished"),
        "{log}"
    );
    assert!(dir.path().join("state/first-login.incomplete").exists());
    let child = run_unreachable(dir.path(), Stdio::piped(), None);
    let (log, _) = read_until(child, false, "waiting for the homeserver");
    assert!(
        log.contains("removing the half-created store of a first login that did not finish"),
        "{log}"
    );
}

#[test]
fn logs_are_coloured_on_a_terminal_unless_no_color_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let child = run_unreachable(dir.path(), Stdio::null(), Some("terminal"));
    let (log, _) = read_until(child, true, "waiting for the homeserver");
    assert!(log.contains("\u{1b}["), "no colour on a terminal:\n{log}");

    let dir = tempfile::tempdir().unwrap();
    let child = run_unreachable(dir.path(), Stdio::null(), Some("NO_COLOR"));
    let (log, _) = read_until(child, true, "waiting for the homeserver");
    assert!(!log.contains("\u{1b}["), "colour with NO_COLOR set:\n{log}");
}
