//! End-to-end fault tests against a real Synapse, each with a homeserver of its own:
//!
//! - the homeserver is stopped for 20 s and started again while users keep asking: every question is answered
//!   exactly once and the bot never exits;
//! - Synapse runs with its default (strict) rate limits: every reply is delivered, in order in each room.
//!
//! The users' clients behave like real ones: a message that cannot be sent is sent again (with the same
//! transaction id, so the homeserver keeps one copy) until the homeserver takes it.

use crate::botkit;

use std::time::{Duration, Instant};

use matrix_sdk::Room;
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::events::room::message::RoomMessageEventContent;
use matrix_sdk::ruma::{OwnedEventId, OwnedUserId, TransactionId};

use crate::botkit::{RunningBot, User, bot_config, init_logs};
use crate::support::synapse::{RateLimits, Synapse};

/// Questions the shipped knowledge answers (the development set's in-scope ones).
fn questions() -> Vec<String> {
    botkit::dev_questions()
        .into_iter()
        .filter(|(_, kind)| kind == "in")
        .map(|(q, _)| q)
        .collect()
}

/// Sends `text` until the homeserver takes it (same transaction id every time); returns the event id.
async fn ask(room: &Room, text: &str) -> OwnedEventId {
    let txn = TransactionId::new();
    loop {
        let content = RoomMessageEventContent::text_plain(text);
        match room.send(content).with_transaction_id(txn.clone()).await {
            Ok(sent) => return sent.response.event_id,
            Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}

/// A user with a direct room with the bot, which the bot has joined.
async fn asker(server: &Synapse, prefix: &str, bot: &OwnedUserId) -> (User, Room) {
    let user = User::new(server, prefix).await;
    let room = user.create_room(&[bot], true, false).await;
    user.membership(&room, bot, MembershipState::Join).await;
    (user, room)
}

/// Waits until every question has a reply from `bot`, then (after a moment for any duplicate to arrive)
/// checks that each has exactly one.
async fn every_question_answered_once(bot: &OwnedUserId, asked: &[(&User, Vec<OwnedEventId>)]) {
    for (user, events) in asked {
        for event in events {
            user.reply(bot, event).await;
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    for (user, events) in asked {
        for event in events {
            assert_eq!(user.replies(bot, event).len(), 1, "replies to {event}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_20_s_homeserver_outage_while_users_keep_asking_loses_nothing_and_doubles_nothing() {
    init_logs();
    let server = Synapse::start();
    let (bot_account, bot, dir) = botkit::bot_account(&server).await;
    let config = bot_config(&server, &bot_account, dir.path(), &["@*:localhost"], "");
    let running = RunningBot::start(config).await;
    let (alice, alice_room) = asker(&server, "alice", &bot).await;
    let (bob, bob_room) = asker(&server, "bob", &bot).await;

    // Users ask every 1.5 s for 40 s; the homeserver is down from 5 s to 25 s. Like a real client, a user's
    // client queues what cannot be sent yet and keeps trying.
    let questions = questions();
    let started = Instant::now();
    let keep_asking = |room: &Room, offset: usize| {
        let (room, questions) = (room.clone(), questions.clone());
        async move {
            let mut sending = Vec::new();
            while started.elapsed() < Duration::from_secs(40) {
                let text = questions[(offset + sending.len()) % questions.len()].clone();
                let room = room.clone();
                sending.push(tokio::spawn(async move { ask(&room, &text).await }));
                tokio::time::sleep(Duration::from_millis(1500)).await;
            }
            let mut asked = Vec::new();
            for send in sending {
                asked.push(send.await.expect("send task"));
            }
            asked
        }
    };
    let outage = tokio::task::spawn_blocking(move || {
        std::thread::sleep(Duration::from_secs(5));
        let mut server = server;
        server.stop();
        std::thread::sleep(Duration::from_secs(20));
        server.start_again();
        server
    });
    let (alice_asked, bob_asked) =
        tokio::join!(keep_asking(&alice_room, 0), keep_asking(&bob_room, 7));
    let _server = outage.await.unwrap();
    assert!(
        alice_asked.len() + bob_asked.len() >= 40,
        "asked before, during and after the outage"
    );

    every_question_answered_once(&bot, &[(&alice, alice_asked), (&bob, bob_asked)]).await;
    assert!(!running.is_finished(), "the bot exited during the outage");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn under_synapse_default_rate_limits_every_reply_arrives_in_order() {
    init_logs();
    let server = Synapse::start_with(RateLimits::Default);
    let (bot_account, bot, dir) = botkit::bot_account(&server).await;
    let config = bot_config(&server, &bot_account, dir.path(), &["@*:localhost"], "");
    let running = RunningBot::start(config).await;

    // Three users ask five questions each at once: fifteen replies, more than the homeserver's burst of
    // ten messages per sender, so the bot has to wait for the rate limiter.
    let mut askers = Vec::new();
    for name in ["ann", "ben", "cat"] {
        askers.push(asker(&server, name, &bot).await);
    }
    let questions = questions();
    let ask_five = async |i: usize| {
        let mut asked = Vec::new();
        for n in 0..5 {
            asked.push(ask(&askers[i].1, &questions[i * 5 + n]).await);
        }
        asked
    };
    let (a, b, c) = tokio::join!(ask_five(0), ask_five(1), ask_five(2));
    let asked = [a, b, c];

    // The premise: this homeserver does rate-limit a sender past its burst.
    assert_rate_limited(&server, &askers[0].0).await;

    let pairs: Vec<(&User, Vec<OwnedEventId>)> = askers
        .iter()
        .zip(&asked)
        .map(|((user, _), events)| (user, events.clone()))
        .collect();
    every_question_answered_once(&bot, &pairs).await;
    for ((user, room), events) in askers.iter().zip(&asked) {
        let order: Vec<OwnedEventId> = user
            .messages_from(&bot, room)
            .iter()
            .filter_map(|seen| seen.in_reply_to().cloned())
            .collect();
        assert_eq!(&order, events, "replies in the order of the questions");
    }
    assert!(!running.is_finished());
    running.stop().await;
}

/// Sends a dozen messages at once as `user` (raw HTTP, no retries) into a room of their own, and checks that
/// the homeserver refused some with `M_LIMIT_EXCEEDED`.
async fn assert_rate_limited(server: &Synapse, user: &User) {
    let room = user.create_room(&[], false, false).await;
    let token = user.client.access_token().expect("logged in");
    let http = reqwest::Client::new();
    let mut limited = 0;
    for n in 0..12 {
        let url = format!(
            "{}/_matrix/client/v3/rooms/{}/send/m.room.message/probe{n}",
            server.base_url(),
            room.room_id()
        );
        let response = http
            .put(url)
            .bearer_auth(&token)
            .json(&serde_json::json!({"msgtype": "m.text", "body": "probe"}))
            .send()
            .await
            .expect("PUT a message");
        if response.status() == 429 {
            let body: serde_json::Value = response.json().await.expect("error JSON");
            assert_eq!(body["errcode"], "M_LIMIT_EXCEEDED");
            limited += 1;
        }
    }
    assert!(limited > 0, "Synapse did not rate-limit 12 quick messages");
}
