//! End-to-end tests of starting the bot while the homeserver is away, against a Synapse of their own:
//!
//! - a first start while the homeserver is down waits (logging each try with its cause) and logs in once it
//!   is back, then answers; so does a later start (the saved session) while it is down again, and neither
//!   outage puts matrix-sdk noise in the log;
//! - a wrong password or an unknown user still stops the first start at once.

use crate::botkit;

use std::time::{Duration, Instant};

use matrix_sdk::ruma::events::room::member::MembershipState;

use crate::botkit::{BotProcess, User, bot_config, bot_config_text, init_logs};
use crate::support::synapse::Synapse;

const QUESTION: &str = "Who is Zhou Yunjie?";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_first_start_while_the_homeserver_is_down_waits_for_it() {
    init_logs();
    let mut server = Synapse::start();
    let (bot_account, bot, dir) = botkit::bot_account(&server).await;
    let text = bot_config_text(
        &server,
        &bot_account,
        dir.path(),
        &["@alice-*:localhost"],
        "",
    );
    server.stop();

    let mut process = BotProcess::start(dir.path(), &text);
    let log = process
        .wait_log("waiting for the homeserver to log in for the first time", 2)
        .await;
    // The cause, not just "error sending request".
    assert!(log.contains("Connection refused"), "{log}");
    assert!(process.exited().is_none(), "the bot exited:\n{log}");
    assert!(dir.path().join("state/first-login.incomplete").exists());

    server.start_again();
    process.wait_log("first sync done", 1).await;
    assert!(!dir.path().join("state/first-login.incomplete").exists());
    let alice = User::new(&server, "alice").await;
    let room = alice.create_room(&[&bot], true, false).await;
    alice.membership(&room, &bot, MembershipState::Join).await;
    let q1 = alice.say(&room, QUESTION).await;
    alice.reply(&bot, &q1).await;
    let device = verbatim::bot::session::saved_device_id(&dir.path().join("state")).unwrap();
    let status = process.terminate().await;
    assert!(status.success(), "{status}");

    // A later start while the homeserver is down again: the saved session, the sync retried until it is back.
    server.stop();
    let process = BotProcess::start(dir.path(), &text);
    let log = process.wait_log("sync failed", 1).await;
    let line = log.lines().find(|l| l.contains("sync failed")).unwrap();
    assert!(
        line.contains("tcp connect error: Connection refused (os error 111)"),
        "the cause is not in {line}"
    );
    server.start_again();
    process.wait_log("first sync done", 2).await;
    let q2 = alice.say(&room, QUESTION).await;
    alice.reply(&bot, &q2).await;
    assert_eq!(
        verbatim::bot::session::saved_device_id(&dir.path().join("state")),
        Some(device)
    );
    let status = process.terminate().await;
    assert!(status.success(), "{status}");

    let log = std::fs::read_to_string(dir.path().join("bot.log")).unwrap();
    let noise: Vec<&str> = log
        .lines()
        .filter(|l| (l.contains(" WARN ") || l.contains(" ERROR ")) && !l.contains(" verbatim::"))
        .collect();
    assert!(
        noise.is_empty(),
        "library warnings or errors during outages:\n{}",
        noise.join("\n")
    );
    for q in [&q1, &q2] {
        assert_eq!(alice.replies(&bot, q).len(), 1, "replies to {q}");
    }
}

/// Runs the bot expecting it to fail at start; returns the error text and how long it took.
async fn start_error(config: verbatim::config::Config) -> (String, Duration) {
    let started = Instant::now();
    let run = verbatim::bot::run(config, std::future::pending());
    let result = tokio::time::timeout(botkit::DEADLINE, run)
        .await
        .expect("the bot gives up in time");
    let error = format!("{:#}", result.expect_err("the bot should refuse to start"));
    (error, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_wrong_password_or_an_unknown_user_stops_the_first_start_at_once() {
    init_logs();
    let server = Synapse::start();
    let (bot_account, _, dir) = botkit::bot_account(&server).await;
    let config = bot_config(&server, &bot_account, dir.path(), &[], "");
    let state = config.matrix.state_dir.clone();

    let mut wrong = config.clone();
    wrong.matrix.password = Some(verbatim::config::Secret::new("wrong"));
    let (error, took) = start_error(wrong).await;
    assert!(error.contains("wrong user_id or password"), "{error}");
    assert!(took < Duration::from_secs(20), "took {took:?}");
    assert!(!state.join("store").exists() && !state.join("first-login.incomplete").exists());

    let mut unknown = config.clone();
    unknown.matrix.user_id = "@nobody-at-all:localhost".to_string();
    let (error, took) = start_error(unknown).await;
    assert!(
        error.contains("rejected the login of @nobody-at-all:localhost: wrong user_id or password"),
        "{error}"
    );
    assert!(took < Duration::from_secs(20), "took {took:?}");
}
