//! Handler tests against `MatrixMockServer`: sync responses go through [`events::process`] and the replies
//! the bot sends are captured and checked (trigger rules, ignored events, reply content, suggest/none).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::serde::Raw;
use matrix_sdk::test_utils::mocks::MatrixMockServer;
use matrix_sdk_test::JoinedRoomBuilder;
use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::journal::{Journal, transaction_id};
use super::persist::now_ms;
use super::trigger::Identity;
use super::{Bot, events, load_engine, reply};
use crate::config::Config;

const ME: &str = "@example:localhost";
const ALICE: &str = "@alice:localhost";
const ROOM: &str = "!room:localhost";

struct Harness {
    server: MatrixMockServer,
    bot: Arc<Bot>,
    sent: Arc<Mutex<Vec<(String, Value)>>>,
    _dir: tempfile::TempDir,
}

/// A bot on a mock homeserver whose first `rate_limited` sends answer `M_LIMIT_EXCEEDED`.
async fn harness(extra_config: &str, rate_limited: usize) -> Harness {
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "warn,verbatim=debug".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
    let server = MatrixMockServer::new().await;
    server.mock_room_state_encryption().plain().mount().await;
    let client = server.client_builder().build().await;
    let sent = Arc::new(Mutex::new(Vec::new()));
    let calls = AtomicUsize::new(0);
    let sink = sent.clone();
    server
        .mock_room_send()
        .respond_with(move |request: &Request| {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            sink.lock().unwrap().push((request.url.path().to_string(), request.body_json::<Value>().unwrap()));
            if n < rate_limited {
                return ResponseTemplate::new(429)
                    .set_body_json(json!({"errcode": "M_LIMIT_EXCEEDED", "error": "slow down", "retry_after_ms": 50}));
            }
            ResponseTemplate::new(200).set_body_json(json!({"event_id": format!("$reply{n}")}))
        })
        .mount()
        .await;
    let dir = tempfile::tempdir().unwrap();
    if extra_config.contains("\"kb\"") {
        knowledge_copy(dir.path());
    }
    let text = format!(
        "[matrix]\nhomeserver = {:?}\nuser_id = {ME:?}\nstore_passphrase = \"x\"\n{extra_config}",
        server.uri()
    );
    let config = Config::parse(&dir.path().join("config.toml"), &text).unwrap();
    let (journal, _) = Journal::open(dir.path(), 3_600_000, now_ms()).unwrap();
    let me = Identity {
        user_id: ME.into(),
        display_name: Some("Verbatim".into()),
        command_prefix: config.bot.command_prefix.clone(),
        help_command: config.bot.help_command.clone(),
        sources_command: config.bot.sources_command.clone(),
    };
    let bot = Arc::new(Bot {
        replies: reply::Dispatcher::new(4),
        engine: super::reload::EngineCell::new(load_engine(&config).unwrap()),
        reloading: tokio::sync::Mutex::new(()),
        metrics: Arc::default(),
        limiter: Mutex::new(super::limiter(&config)),
        user_id: ME.try_into().unwrap(),
        client,
        config: super::reload::Live::new(config),
        me,
        journal: Arc::new(Mutex::new(journal)),
        conversations: Mutex::new(super::conversations::Conversations::new(600_000, 100)),
        cancel: tokio_util::sync::CancellationToken::new(),
        tasks: tokio_util::task::TaskTracker::new(),
        invites: Mutex::default(),
    });
    Harness {
        server,
        bot,
        sent,
        _dir: dir,
    }
}

fn raw<T>(value: Value) -> Raw<T> {
    Raw::from_json(serde_json::value::to_raw_value(&value).unwrap())
}

fn member(user: &str, ts: u64) -> Value {
    json!({"type": "m.room.member", "state_key": user, "sender": user, "content": {"membership": "join"},
           "event_id": format!("$join-{user}"), "origin_server_ts": ts})
}

fn text(id: &str, sender: &str, content: Value) -> Value {
    json!({"type": "m.room.message", "sender": sender, "event_id": id, "origin_server_ts": now_ms(), "content": content})
}

fn plain(id: &str, body: &str) -> Value {
    text(id, ALICE, json!({"msgtype": "m.text", "body": body}))
}

impl Harness {
    /// Delivers `events` in a room with `members` (the bot, alice, and `others`) and returns the replies sent.
    async fn deliver(&self, others: &[&str], events: Vec<Value>) -> Vec<(String, Value)> {
        let long_ago = now_ms() - 3_600_000;
        let mut room = JoinedRoomBuilder::new(ROOM.try_into().unwrap());
        for user in [ME, ALICE].iter().chain(others) {
            room = room.add_state_event(raw(member(user, long_ago)));
        }
        for event in events {
            room = room.add_timeline_event(raw(event));
        }
        self.server
            .mock_sync()
            .ok(|builder| {
                builder.add_joined_room(room);
            })
            .mock_once()
            .mount()
            .await;
        let response = self
            .bot
            .client
            .sync_once(SyncSettings::default())
            .await
            .unwrap();
        events::process(&self.bot, response).await.unwrap();
        self.replies().await
    }

    async fn replies(&self) -> Vec<(String, Value)> {
        self.bot.replies.drain(Duration::from_secs(10)).await;
        std::mem::take(&mut *self.sent.lock().unwrap())
    }
}

/// The event a reply replies to.
fn in_reply_to(content: &Value) -> &str {
    content["m.relates_to"]["m.in_reply_to"]["event_id"]
        .as_str()
        .unwrap_or_default()
}

fn replied_ids(sent: &[(String, Value)]) -> Vec<&str> {
    sent.iter().map(|(_, c)| in_reply_to(c)).collect()
}

#[tokio::test]
async fn a_direct_question_gets_one_notice_reply_to_the_asker() {
    let h = harness("", 0).await;
    let sent = h
        .deliver(&[], vec![plain("$q1", "Who is Zhou Yunjie?")])
        .await;
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let (path, content) = &sent[0];
    assert!(
        path.ends_with(&format!("/send/m.room.message/{}", transaction_id("$q1"))),
        "{path}"
    );
    assert_eq!(content["msgtype"], "m.notice");
    assert_eq!(in_reply_to(content), "$q1");
    assert_eq!(content["m.mentions"], json!({"user_ids": [ALICE]}));
    assert_eq!(content["format"], "org.matrix.custom.html");
    let html = content["formatted_body"].as_str().unwrap();
    assert!(
        html.starts_with("<blockquote>") && html.contains("Haier Group"),
        "{html}"
    );
    let body = content["body"].as_str().unwrap();
    assert!(
        body.starts_with("> ") && body.contains("Haier Group"),
        "{body}"
    );
    assert!(h.bot.journal().is_reply("$reply0"));

    // The same event in a later sync is not answered again.
    let sent = h
        .deliver(&[], vec![plain("$q1", "Who is Zhou Yunjie?")])
        .await;
    assert!(sent.is_empty(), "{sent:#?}");
}

#[tokio::test]
async fn group_rooms_answer_only_when_addressed_and_ignore_bots_edits_and_non_text() {
    let h = harness("", 0).await;
    let q = "Who is Zhou Yunjie?";
    let events = vec![
        plain("$unaddressed", q),
        plain("$prefix", &format!("!ask {q}")),
        text(
            "$mention",
            ALICE,
            json!({"msgtype": "m.text", "body": q, "m.mentions": {"user_ids": [ME]}}),
        ),
        plain("$name", &format!("Verbatim: {q}")),
        plain("$mxid", &format!("{ME} {q}")),
        text(
            "$reply-to-bot",
            ALICE,
            json!({"msgtype": "m.text", "body": q, "m.relates_to": {"m.in_reply_to": {"event_id": "$reply0"}}}),
        ),
        text(
            "$notice",
            ALICE,
            json!({"msgtype": "m.notice", "body": format!("!ask {q}")}),
        ),
        text(
            "$own",
            ME,
            json!({"msgtype": "m.text", "body": format!("!ask {q}")}),
        ),
        text(
            "$emote",
            ALICE,
            json!({"msgtype": "m.emote", "body": format!("!ask {q}")}),
        ),
        text(
            "$image",
            ALICE,
            json!({"msgtype": "m.image", "body": "!ask x.png", "url": "mxc://localhost/x"}),
        ),
        text(
            "$edit",
            ALICE,
            json!({"msgtype": "m.text", "body": format!("* !ask {q}"),
            "m.new_content": {"msgtype": "m.text", "body": format!("!ask {q}")},
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$prefix"}}),
        ),
        json!({"type": "m.room.message", "sender": ALICE, "event_id": "$redacted", "origin_server_ts": now_ms(), "content": {},
               "unsigned": {"redacted_because": {"type": "m.room.redaction", "sender": ALICE, "event_id": "$r",
                   "origin_server_ts": now_ms(), "content": {}, "redacts": "$redacted"}}}),
        json!({"type": "m.room.redaction", "sender": ALICE, "event_id": "$redaction", "origin_server_ts": now_ms(),
               "content": {"redacts": "$prefix"}, "redacts": "$prefix"}),
    ];
    let sent = h.deliver(&["@bob:localhost"], events).await;
    // "$reply-to-bot" replies to "$reply0": the bot's reply to "$prefix", sent in this same batch, so it is
    // not known yet when the batch is read; a reply to a known bot message is checked below.
    assert_eq!(
        replied_ids(&sent),
        ["$prefix", "$mention", "$name", "$mxid"]
    );
    let sent = h
        .deliver(
            &["@bob:localhost"],
            vec![text(
                "$reply-to-bot-2",
                ALICE,
                json!({"msgtype": "m.text", "body": q,
            "m.relates_to": {"m.in_reply_to": {"event_id": "$reply0"}}}),
            )],
        )
        .await;
    assert_eq!(replied_ids(&sent), ["$reply-to-bot-2"]);
}

#[tokio::test]
async fn a_thread_question_is_answered_in_the_thread() {
    let h = harness("", 0).await;
    let question = text(
        "$q",
        ALICE,
        json!({"msgtype": "m.text", "body": "!ask Who is Zhou Yunjie?",
        "m.relates_to": {"rel_type": "m.thread", "event_id": "$root", "is_falling_back": true,
                         "m.in_reply_to": {"event_id": "$root"}}}),
    );
    let sent = h.deliver(&["@bob:localhost"], vec![question]).await;
    let relation = &sent[0].1["m.relates_to"];
    assert_eq!(relation["rel_type"], "m.thread");
    assert_eq!(relation["event_id"], "$root");
    assert_eq!(relation["m.in_reply_to"]["event_id"], "$q");
    assert_ne!(relation["is_falling_back"], true);
}

#[tokio::test]
async fn html_and_room_pings_in_a_question_are_defused() {
    let h = harness("", 0).await;
    let sent = h
        .deliver(
            &[],
            vec![plain("$q", "<b>Zhou</b> @room <script>alert(1)</script>")],
        )
        .await;
    let content = &sent[0].1;
    let html = content["formatted_body"].as_str().unwrap();
    assert!(
        !html.contains("<b>") && !html.contains("<script") && !html.contains("@room"),
        "{html}"
    );
    assert!(!content["body"].as_str().unwrap().contains("@room"));
    assert_eq!(content["m.mentions"], json!({"user_ids": [ALICE]}));
}

#[tokio::test]
async fn suggest_offers_did_you_mean_and_none_points_at_help() {
    let h = harness("", 0).await;
    let sent = h
        .deliver(
            &[],
            vec![
                // In most passages: a tie, so "did you mean".
                plain("$close", "Shandong"),
                plain("$far", "How do I bake sourdough bread?"),
            ],
        )
        .await;
    assert_eq!(replied_ids(&sent), ["$close", "$far"]);
    let suggest = sent[0].1["body"].as_str().unwrap();
    assert!(
        suggest.contains("Did you mean") && suggest.contains("\n1. "),
        "{suggest}"
    );
    assert!(
        sent[0].1["formatted_body"]
            .as_str()
            .unwrap()
            .contains("<li>")
    );
    let none = sent[1].1["body"].as_str().unwrap();
    assert!(none.contains("!help") && !none.contains('\n'), "{none}");
    // Unaddressed in a group room: silence, whatever the outcome.
    let sent = h
        .deliver(
            &["@bob:localhost"],
            vec![plain("$group", "How do I bake sourdough bread?")],
        )
        .await;
    assert!(sent.is_empty());
}

#[tokio::test]
async fn help_and_sources_commands() {
    let h = harness("[bot]\nhelp_command = \"!aide\"\n", 0).await;
    let sent = h
        .deliver(
            &["@bob:localhost"],
            vec![plain("$help", "!aide"), plain("$sources", "!sources")],
        )
        .await;
    assert_eq!(replied_ids(&sent), ["$help", "$sources"]);
    assert!(sent[0].1["body"].as_str().unwrap().contains("!ask"));
    assert!(
        sent[1].1["body"]
            .as_str()
            .unwrap()
            .starts_with("My sources")
    );
}

#[tokio::test]
async fn old_questions_and_those_from_before_the_join_are_not_answered() {
    let h = harness("[bot]\ncatch_up_window_secs = 60\n", 0).await;
    let mut old = plain("$old", "Who is Zhou Yunjie?");
    old["origin_server_ts"] = json!(now_ms() - 120_000);
    let sent = h.deliver(&[], vec![old]).await;
    assert!(sent.is_empty());
    h.bot.journal().joined(ROOM, now_ms() - 10_000).unwrap();
    let mut before_join = plain("$before", "Who is Zhou Yunjie?");
    before_join["origin_server_ts"] = json!(now_ms() - 20_000);
    let sent = h
        .deliver(
            &[],
            vec![before_join, plain("$after", "Who is Zhou Yunjie?")],
        )
        .await;
    assert_eq!(replied_ids(&sent), ["$after"]);
}

#[tokio::test]
async fn rate_limits_are_waited_out_with_the_same_transaction() {
    let h = harness("", 2).await;
    let sent = h
        .deliver(&[], vec![plain("$q", "Who is Zhou Yunjie?")])
        .await;
    assert_eq!(sent.len(), 3, "two rate-limited attempts, then the reply");
    assert!(
        sent.iter().all(|(path, _)| path == &sent[0].0),
        "one transaction id for every attempt"
    );
    assert!(h.bot.journal().is_reply("$reply2"));
    let metrics = h.bot.metrics.render();
    assert!(
        metrics.contains("verbatim_send_retries_total 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("verbatim_questions_total{outcome=\"answer\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_failing_send_is_given_up_after_the_configured_attempts() {
    let h = harness("[bot]\nsend_attempts = 1\n", 0).await;
    // Replace the capturing send mock with one that always fails.
    h.server.server().reset().await;
    h.server.mock_room_state_encryption().plain().mount().await;
    h.server.mock_room_send().error500().expect(1).mount().await;
    h.deliver(&[], vec![plain("$q", "Who is Zhou Yunjie?")])
        .await;
    h.server.server().verify().await;
    assert!(h.bot.journal().contains("$q"));
    let (_, pending) = Journal::open(h._dir.path(), 3_600_000, now_ms()).unwrap();
    assert!(
        pending.is_empty(),
        "a given-up reply is not retried forever"
    );
}

#[path = "../../tests/support/knowledge_copy.rs"]
mod knowledge_copy;
pub(super) use knowledge_copy::knowledge_copy;

mod ops;
mod rooms;
mod sighup;
mod talk;
