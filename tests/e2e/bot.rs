//! End-to-end tests of the bot against a real Synapse (see `tests/support/synapse.rs`): the bot runs
//! in-process through `verbatim::bot::run`, users are matrix-sdk clients.

use crate::botkit;

use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::events::room::message::{
    AddMentions, MessageType, Relation, ReplyMetadata, ReplyWithinThread, RoomMessageEventContent,
};

use crate::botkit::{BotProcess, RunningBot, User, bot_config, bot_config_text, init_logs};
use crate::support::synapse;

/// A question the shipped knowledge answers, and words of its quote and source.
const QUESTION: &str = "Who is Zhou Yunjie?";
const SOURCE_WORDS: &str = "Haier Group";

pub fn body(seen: &botkit::Seen) -> (&'static str, String) {
    match &seen.event.content.msgtype {
        MessageType::Notice(n) => ("m.notice", n.body.clone()),
        MessageType::Text(t) => ("m.text", t.body.clone()),
        other => ("other", other.body().to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn invites_direct_questions_and_group_triggers() {
    init_logs();
    let server = synapse::shared();
    let (bot_account, bot, dir) = botkit::bot_account(server).await;
    let alice = User::new(server, "alice").await;
    let mallory = User::new(server, "mallory").await;
    let bob = User::new(server, "bob").await;
    let config = bot_config(
        server,
        &bot_account,
        dir.path(),
        &["@nobody:localhost", "@alice-*:localhost"],
        "",
    );
    let running = RunningBot::start(config).await;

    // An invite from an allowed user is accepted; one from anyone else rejected.
    let direct = alice.create_room(&[&bot], true, false).await;
    let unwanted = mallory.create_room(&[&bot], true, false).await;
    alice.membership(&direct, &bot, MembershipState::Join).await;
    mallory
        .membership(&unwanted, &bot, MembershipState::Leave)
        .await;

    // Direct room: every message is a question; one m.notice reply with the quote and its source.
    let q1 = alice.say(&direct, QUESTION).await;
    let reply = alice.reply(&bot, &q1).await;
    let (msgtype, text) = body(&reply);
    assert_eq!(msgtype, "m.notice");
    assert!(text.contains(SOURCE_WORDS), "{text}");
    assert!(text.starts_with("> "), "the quote comes first: {text}");
    let json = reply.content_json();
    assert!(
        json["formatted_body"]
            .as_str()
            .unwrap()
            .contains("<blockquote>"),
        "{json}"
    );
    assert_eq!(
        json["m.mentions"]["user_ids"],
        serde_json::json!([alice.id]),
        "{json}"
    );
    assert!(
        json["m.mentions"].get("room").is_none_or(|r| r == false),
        "{json}"
    );

    // Nothing matches: one polite sentence pointing at !help.
    let q2 = alice.say(&direct, "How do I bake sourdough bread?").await;
    let (_, text) = body(&alice.reply(&bot, &q2).await);
    assert!(text.contains("!help"), "{text}");

    // !help and !sources.
    let help = alice.say(&direct, "!help").await;
    let (_, text) = body(&alice.reply(&bot, &help).await);
    assert!(text.contains("!ask"), "{text}");
    let sources = alice.say(&direct, "!sources").await;
    let (_, text) = body(&alice.reply(&bot, &sources).await);
    assert!(text.contains("My sources"), "{text}");
    // Replies in a room go out in order, so by now every earlier reply has arrived: exactly one each.
    for q in [&q1, &q2, &help, &sources] {
        assert_eq!(alice.replies(&bot, q).len(), 1, "replies to {q}");
    }

    // Group room (alice, bob invited, the bot): only addressed messages are answered.
    let group = alice.create_room(&[&bot, &bob.id], false, false).await;
    alice.membership(&group, &bot, MembershipState::Join).await;
    let unaddressed = alice.say(&group, QUESTION).await;
    let notice = alice
        .send(
            &group,
            RoomMessageEventContent::notice_plain(format!("!ask {QUESTION}")),
        )
        .await;
    let by_prefix = alice.say(&group, &format!("!ask {QUESTION}")).await;
    alice.reply(&bot, &by_prefix).await;
    let mention =
        RoomMessageEventContent::text_plain(format!("{}: {QUESTION}", bot_account.localpart))
            .add_mentions(Mentions::with_user_ids([bot.clone()]));
    let by_mention = alice.send(&group, mention).await;
    let (_, text) = body(&alice.reply(&bot, &by_mention).await);
    assert!(text.contains(SOURCE_WORDS), "{text}");
    // Replying to one of the bot's messages addresses it too.
    let bot_reply = alice.replies(&bot, &by_prefix)[0].event.event_id.clone();
    let original = alice
        .messages_from(&bot, &group)
        .into_iter()
        .find(|s| s.event.event_id == bot_reply)
        .unwrap();
    let follow_up = RoomMessageEventContent::text_plain(QUESTION).make_reply_to(
        ReplyMetadata::new(&original.event.event_id, &bot, None),
        matrix_sdk::ruma::events::room::message::ForwardThread::Yes,
        AddMentions::No,
    );
    let by_reply = alice.send(&group, follow_up).await;
    alice.reply(&bot, &by_reply).await;
    assert!(
        alice.replies(&bot, &unaddressed).is_empty(),
        "an unaddressed group message was answered"
    );
    assert!(
        alice.replies(&bot, &notice).is_empty(),
        "an m.notice was answered"
    );

    // A question in a thread is answered in the thread, as a reply to it.
    let root = alice.say(&group, "thread root").await;
    let in_thread = RoomMessageEventContent::text_plain(format!("!ask {QUESTION}"))
        .make_for_thread(
            ReplyMetadata::new(&root, &alice.id, None),
            ReplyWithinThread::No,
            AddMentions::No,
        );
    let threaded = alice.send(&group, in_thread).await;
    let reply = alice.reply(&bot, &threaded).await;
    match &reply.event.content.relates_to {
        Some(Relation::Thread(thread)) => {
            assert_eq!(thread.event_id, root);
            assert_eq!(
                thread.in_reply_to.as_ref().map(|r| &r.event_id),
                Some(&threaded)
            );
            assert!(!thread.is_falling_back);
        }
        other => panic!("reply not in the thread: {other:?}"),
    }

    // HTML and @room in a question: escaped, and nobody but the asker is pinged.
    let nasty = alice
        .say(
            &group,
            "!ask <b>Who</b> is <script>Zhou Yunjie</script>? @room",
        )
        .await;
    let reply = alice.reply(&bot, &nasty).await;
    let json = reply.content_json();
    let html = json["formatted_body"].as_str().unwrap();
    assert!(!html.contains("<b>") && !html.contains("<script"), "{html}");
    assert!(
        !html.contains("@room") && !json["body"].as_str().unwrap().contains("@room"),
        "{json}"
    );
    assert_eq!(
        json["m.mentions"]["user_ids"],
        serde_json::json!([alice.id]),
        "{json}"
    );
    assert!(
        json["m.mentions"].get("room").is_none_or(|r| r == false),
        "{json}"
    );

    assert!(!running.is_finished());
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn encrypted_room_and_restarts_answer_exactly_once_on_the_same_device() {
    init_logs();
    let server = synapse::shared();
    let (bot_account, bot, dir) = botkit::bot_account(server).await;
    let alice = User::new(server, "alice").await;
    let config = bot_config(
        server,
        &bot_account,
        dir.path(),
        &["@alice-*:localhost"],
        "",
    );
    let state_dir = config.matrix.state_dir.clone();
    let running = RunningBot::start(config.clone()).await;

    let room = alice.create_room(&[&bot], true, true).await;
    alice.membership(&room, &bot, MembershipState::Join).await;
    let q1 = alice.say(&room, QUESTION).await;
    let reply = alice.reply(&bot, &q1).await;
    assert!(
        reply.encrypted,
        "the reply in an encrypted room was not encrypted"
    );
    let (msgtype, text) = body(&reply);
    assert_eq!(msgtype, "m.notice");
    assert!(text.contains(SOURCE_WORDS), "{text}");
    let device = verbatim::bot::session::saved_device_id(&state_dir).expect("a saved session");
    running.stop().await;

    // Pretend the bot crashed after sending the reply to q1 but before recording it: the next start sends it
    // again with the same transaction id, and the homeserver must not post a second reply.
    let journal = state_dir.join("journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(text.contains(q1.as_str()), "q1 was claimed in the journal");
    let without_done: String = text
        .lines()
        .filter(|l| !l.contains("\"done\""))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(text, without_done);
    std::fs::write(&journal, without_done).unwrap();

    // Asked while the bot is down: answered once it is back; q1 is not answered again.
    let q2 = alice.say(&room, "!sources").await;
    let running = RunningBot::start(config.clone()).await;
    let reply = alice.reply(&bot, &q2).await;
    assert!(reply.encrypted);
    assert!(body(&reply).1.contains("My sources"));
    let q3 = alice.say(&room, QUESTION).await;
    alice.reply(&bot, &q3).await;
    let resent = format!("\"done\",\"event\":\"{q1}\"");
    botkit::wait(
        "the unrecorded reply to q1 to be resent and recorded",
        async || {
            std::fs::read_to_string(&journal)
                .unwrap()
                .contains(&resent)
                .then_some(())
        },
    )
    .await;
    running.stop().await;

    // A third start: still nothing answered twice, and always the same device.
    let running = RunningBot::start(config).await;
    let q4 = alice.say(&room, QUESTION).await;
    alice.reply(&bot, &q4).await;
    for q in [&q1, &q2, &q3, &q4] {
        assert_eq!(alice.replies(&bot, q).len(), 1, "replies to {q}");
    }
    assert_eq!(
        verbatim::bot::session::saved_device_id(&state_dir),
        Some(device.clone())
    );
    let devices = alice
        .client
        .encryption()
        .get_user_devices(&bot)
        .await
        .unwrap();
    let ids: Vec<String> = devices
        .devices()
        .map(|d| d.device_id().to_string())
        .collect();
    assert_eq!(ids, [device], "the bot has exactly its one device");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn questions_older_than_the_catch_up_window_are_not_answered_after_a_restart() {
    init_logs();
    let server = synapse::shared();
    let (bot_account, bot, dir) = botkit::bot_account(server).await;
    let alice = User::new(server, "alice").await;
    let config = bot_config(
        server,
        &bot_account,
        dir.path(),
        &["@alice-*:localhost"],
        "[bot]\ncatch_up_window_secs = 2\n",
    );
    let running = RunningBot::start(config.clone()).await;
    let room = alice.create_room(&[&bot], true, false).await;
    alice.membership(&room, &bot, MembershipState::Join).await;
    running.stop().await;

    let stale = alice.say(&room, QUESTION).await;
    // Let the question age past the two-second window before the bot comes back.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let running = RunningBot::start(config).await;
    let fresh = alice.say(&room, QUESTION).await;
    alice.reply(&bot, &fresh).await;
    assert!(
        alice.replies(&bot, &stale).is_empty(),
        "a question older than the window was answered"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_binary_answers_exactly_once_across_kill_9_and_exits_0_on_sigterm() {
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
    let process = BotProcess::start(dir.path(), &text);

    let room = alice.create_room(&[&bot], true, true).await;
    alice.membership(&room, &bot, MembershipState::Join).await;
    let first = alice.say(&room, QUESTION).await;
    alice.reply(&bot, &first).await;
    let device = verbatim::bot::session::saved_device_id(&dir.path().join("state")).unwrap();

    // A burst of questions, and the bot is killed in the middle of answering them.
    let mut burst = vec![];
    for _ in 0..8 {
        burst.push(alice.say(&room, QUESTION).await);
    }
    process.kill_9();
    let while_down = alice.say(&room, "!sources").await;

    let process = BotProcess::start(dir.path(), &text);
    for q in burst.iter().chain([&while_down]) {
        alice.reply(&bot, q).await;
    }
    let last = alice.say(&room, QUESTION).await;
    assert!(
        alice.reply(&bot, &last).await.encrypted,
        "the encrypted room still works after the restart"
    );
    let status = process.terminate().await;
    assert!(status.success(), "exit status after SIGTERM: {status}");
    let log = std::fs::read_to_string(dir.path().join("bot.log")).unwrap();
    assert!(
        log.contains("SIGTERM: shutting down") && log.contains("verbatim stopped"),
        "{log}"
    );
    assert!(!log.contains("ERROR"), "{log}");
    assert!(
        !log.contains("test passphrase") && !log.contains(&bot_account.password),
        "a secret was logged"
    );

    for q in burst.iter().chain([&first, &while_down, &last]) {
        assert_eq!(alice.replies(&bot, q).len(), 1, "replies to {q}");
    }
    assert_eq!(
        verbatim::bot::session::saved_device_id(&dir.path().join("state")),
        Some(device)
    );
}

/// Runs the bot expecting it to fail at start; returns the error text.
async fn start_error(config: verbatim::config::Config) -> String {
    let run = verbatim::bot::run(config, std::future::pending());
    let result = tokio::time::timeout(botkit::DEADLINE, run)
        .await
        .expect("the bot gives up in time");
    format!("{:#}", result.expect_err("the bot should refuse to start"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn session_and_store_problems_give_clear_errors() {
    init_logs();
    let server = synapse::shared();
    let bot_account = server.register("verbatim").await;
    let other = server.register("other").await;
    let dir = tempfile::tempdir().unwrap();
    let config = bot_config(server, &bot_account, dir.path(), &[], "");
    let state = config.matrix.state_dir.clone();

    // A wrong password: a clear error, and no half-created store left behind.
    let mut wrong = config.clone();
    wrong.matrix.password = Some(verbatim::config::Secret::new("wrong"));
    let error = start_error(wrong).await;
    assert!(error.contains("wrong user_id or password"), "{error}");
    assert!(!state.join("store").exists() && !state.join("session.json").exists());

    // A half-created store from a first login that died: cleaned up automatically.
    std::fs::create_dir_all(state.join("store")).unwrap();
    std::fs::write(state.join("store/matrix-sdk-state.sqlite3"), b"junk").unwrap();
    std::fs::write(state.join("first-login.incomplete"), b"").unwrap();
    RunningBot::start(config.clone()).await.stop().await;
    let device = verbatim::bot::session::saved_device_id(&state).expect("logged in");
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode(&state.join("session.json")),
        0o600,
        "the session file is private"
    );
    assert_eq!(mode(&state), 0o700, "state_dir is private");
    assert!(!state.join("first-login.incomplete").exists());
    RunningBot::start(config.clone()).await.stop().await;
    assert_eq!(
        verbatim::bot::session::saved_device_id(&state),
        Some(device)
    );

    // The session belongs to another account.
    let mut someone_else = config.clone();
    someone_else.matrix.user_id = other.user_id.clone();
    let error = start_error(someone_else).await;
    assert!(
        error.contains("belongs to") && error.contains("delete"),
        "{error}"
    );

    // The session file was lost, the store is still there.
    let session = std::fs::read(state.join("session.json")).unwrap();
    std::fs::remove_file(state.join("session.json")).unwrap();
    let error = start_error(config.clone()).await;
    assert!(
        error.contains("no session file") && error.contains("delete"),
        "{error}"
    );
    std::fs::write(state.join("session.json"), &session).unwrap();

    // The device was logged out elsewhere: the token is rejected, the bot stops with the steps to fix it.
    let token: serde_json::Value = serde_json::from_slice(&session).unwrap();
    let token = token["session"]["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let response = reqwest::Client::new()
        .post(format!("{}/_matrix/client/v3/logout", server.base_url()))
        .bearer_auth(token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let error = start_error(config).await;
    assert!(
        error.contains("rejected the access token") && error.contains("session.json"),
        "{error}"
    );
}
