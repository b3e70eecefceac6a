//! End-to-end tests of running the real binary as an operator does, against a real Synapse: one bot per
//! `state_dir` (a second instance exits 2 naming the first's PID; a `kill -9` leaves no stale lock), SIGHUP
//! applying the configuration's live keys, and logs fit for a file (no colour codes, no matrix-sdk noise).

use crate::botkit;

use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::events::room::message::MessageType;

use crate::botkit::{BotProcess, User, bot_config_text, init_logs};
use crate::support::synapse;

const QUESTION: &str = "Who is Zhou Yunjie?";

fn body(seen: &botkit::Seen) -> String {
    match &seen.event.content.msgtype {
        MessageType::Notice(n) => n.body.clone(),
        other => other.body().to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_bot_per_state_dir_sighup_applies_the_configuration_and_the_log_is_clean() {
    init_logs();
    let server = synapse::shared();
    let (bot_account, bot, dir) = botkit::bot_account(server).await;
    let alice = User::new(server, "alice").await;
    let text = bot_config_text(
        server,
        &bot_account,
        dir.path(),
        &["@alice-*:localhost"],
        "",
    );
    let first = BotProcess::start(dir.path(), &text);
    first.wait_log("first sync done", 1).await;

    // A second instance on the same state_dir stops at once, with exit code 2 and the first one's PID.
    let second = std::process::Command::new(env!("CARGO_BIN_EXE_verbatim"))
        .args(["run", "--config"])
        .arg(dir.path().join("config.toml"))
        .env_remove("RUST_LOG")
        .output()
        .expect("run a second verbatim");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    let state = dir.path().join("state");
    assert!(
        stderr.contains(&format!(
            "error: another verbatim (PID {}) is running with state_dir {}",
            first.pid(),
            state.display()
        )),
        "{stderr}"
    );
    assert!(
        !stderr.contains("first sync done") && !stderr.contains("verbatim starting"),
        "{stderr}"
    );

    // The first one still answers, once.
    let room = alice.create_room(&[&bot], true, false).await;
    alice.membership(&room, &bot, MembershipState::Join).await;
    let q1 = alice.say(&room, QUESTION).await;
    assert!(body(&alice.reply(&bot, &q1).await).contains("Haier Group"));

    // kill -9 leaves no stale lock: the next start runs.
    first.kill_9();
    let mut third = BotProcess::start(dir.path(), &text);
    third.wait_log("first sync done", 2).await;
    assert!(third.exited().is_none());
    let q2 = alice.say(&room, QUESTION).await;
    alice.reply(&bot, &q2).await;

    // SIGHUP: alice becomes an admin (live), the device name changes (needs a restart).
    let not_yet = alice.say(&room, "!reload").await;
    let marker = alice.say(&room, QUESTION).await;
    alice.reply(&bot, &marker).await;
    assert!(
        alice.replies(&bot, &not_yet).is_empty(),
        "!reload from a non-admin was answered"
    );
    let changed = text.replace(
        "[access]\n",
        &format!(
            "device_name = \"renamed\"\n[access]\nadmins = [{:?}]\n",
            alice.id.as_str()
        ),
    );
    assert_ne!(changed, text);
    std::fs::write(dir.path().join("config.toml"), &changed).unwrap();
    third.hangup();
    let log = third
        .wait_log("SIGHUP: applied the changed configuration", 1)
        .await;
    assert!(log.contains("keys=access.admins"), "{log}");
    let log = third.wait_log("need a restart", 1).await;
    assert!(log.contains("keys=matrix.device_name"), "{log}");
    let reload = alice.say(&room, "!reload").await;
    let reply = body(&alice.reply(&bot, &reload).await);
    assert!(reply.starts_with("Knowledge reloaded: "), "{reply}");

    let status = third.terminate().await;
    assert!(status.success(), "exit status after SIGTERM: {status}");

    // The log of two starts: plain text (it goes to a file), the identity of the device at each start, and
    // nothing from matrix-sdk at warn or error level (none of it needed an operator).
    let log = std::fs::read_to_string(dir.path().join("bot.log")).unwrap();
    assert!(
        !log.contains('\u{1b}'),
        "colour codes in a log file:\n{log}"
    );
    assert_eq!(log.matches("this device's identity").count(), 2, "{log}");
    assert_eq!(log.matches("cross-signing is set up").count(), 1, "{log}");
    let noise: Vec<&str> = log
        .lines()
        .filter(|l| (l.contains(" WARN ") || l.contains(" ERROR ")) && !l.contains(" verbatim::"))
        .collect();
    assert!(
        noise.is_empty(),
        "library warnings or errors in a normal run:\n{}",
        noise.join("\n")
    );
    for q in [&q1, &q2, &marker, &reload] {
        assert_eq!(alice.replies(&bot, q).len(), 1, "replies to {q}");
    }
}
