//! Handler tests of the operating features: the unanswered-question log, live reload, flood control, room
//! size limits and room upgrades.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use wiremock::ResponseTemplate;

use super::super::persist::now_ms;
use super::{ALICE, ROOM, harness, knowledge_copy, plain, replied_ids, text};

#[tokio::test]
async fn unanswered_questions_are_logged_only_when_enabled() {
    let questions = || {
        vec![
            plain("$answered", "Who is Zhou Yunjie?"),
            plain("$far", "How do I bake sourdough bread?"),
        ]
    };
    // Off by default: no log file.
    let h = harness("state_dir = \".\"\n", 0).await;
    h.deliver(&[], questions()).await;
    let log = h._dir.path().join(crate::curation::LOG_FILE_NAME);
    assert!(!log.exists());

    // On, without user ids.
    let h = harness("state_dir = \".\"\n[curation]\nlog_unanswered = true\n", 0).await;
    h.deliver(&[], questions()).await;
    let log = h._dir.path().join(crate::curation::LOG_FILE_NAME);
    let (records, skipped) = crate::curation::read_log(&log).unwrap();
    assert_eq!(skipped, 0);
    assert_eq!(records.len(), 1, "answers are not logged: {records:?}");
    let r = &records[0];
    assert_eq!(r.text, "How do I bake sourdough bread?");
    assert_eq!(
        (r.room.as_deref(), r.outcome.as_str()),
        (Some(ROOM), "none")
    );
    assert!(r.user.is_none() && r.time.ends_with('Z'));
    assert!(!std::fs::read_to_string(&log).unwrap().contains(ALICE));

    // With user ids.
    let h = harness(
        "state_dir = \".\"\n[curation]\nlog_unanswered = true\nlog_user_ids = true\n",
        0,
    )
    .await;
    h.deliver(&[], questions()).await;
    let log = h._dir.path().join(crate::curation::LOG_FILE_NAME);
    let (records, _) = crate::curation::read_log(&log).unwrap();
    assert_eq!(records[0].user.as_deref(), Some(ALICE));
}

#[tokio::test]
async fn admins_reload_the_knowledge_and_errors_keep_the_old_one() {
    let h = harness(
        "[access]\nadmins = [\"@ali*:localhost\"]\n[knowledge]\npaths = [\"kb\"]\n",
        0,
    )
    .await;
    let file = knowledge_copy(h._dir.path());
    let good = std::fs::read_to_string(&file).unwrap();
    let sent = h.deliver(&[], vec![plain("$r1", "!reload")]).await;
    let body = sent[0].1["body"].as_str().unwrap().to_string();
    assert!(
        body.starts_with("Knowledge reloaded: ") && body.ends_with(" entries."),
        "{body}"
    );
    let entries = h.bot.engine.current().all().knowledge().entries.len();
    assert!(body.contains(&format!(" {entries} entries")), "{body}");

    // A broken file: the admin hears the first errors with their positions; the old knowledge still answers.
    std::fs::write(&file, format!("{good}\n[[[broken\n")).unwrap();
    let before = h.bot.engine.current();
    let sent = h
        .deliver(
            &[],
            vec![
                plain("$r2", "!ask !reload"),
                plain("$q", "Who is Zhou Yunjie?"),
            ],
        )
        .await;
    assert_eq!(replied_ids(&sent), ["$r2", "$q"]);
    let body = sent[0].1["body"].as_str().unwrap();
    assert!(
        body.contains("error(s)") && body.contains("previous knowledge"),
        "{body}"
    );
    let line = good.lines().count() + 2;
    assert!(
        body.contains(&format!("{}:{line}:", file.display())),
        "{body}"
    );
    assert!(sent[1].1["body"].as_str().unwrap().contains("Haier Group"));
    assert!(
        Arc::ptr_eq(&before, &h.bot.engine.current()),
        "nothing was swapped"
    );

    // Someone who is not an admin: silence, and no reload.
    let sent = h
        .deliver(
            &[],
            vec![text(
                "$r3",
                "@bob:localhost",
                json!({"msgtype": "m.text", "body": "!reload"}),
            )],
        )
        .await;
    assert!(sent.is_empty(), "{sent:#?}");

    // Fixed again: reloaded.
    std::fs::write(&file, &good).unwrap();
    let sent = h.deliver(&[], vec![plain("$r4", "!reload")]).await;
    assert!(
        sent[0].1["body"]
            .as_str()
            .unwrap()
            .starts_with("Knowledge reloaded")
    );
    assert!(!Arc::ptr_eq(&before, &h.bot.engine.current()));
}

#[test]
fn a_question_keeps_the_engine_it_started_with() {
    let (engine, _) =
        crate::answer::Engine::load(&[], crate::matcher::MatcherConfig::default()).unwrap();
    let cell = crate::bot::reload::EngineCell::new(engine.into());
    let held = cell.current();
    let (other, _) =
        crate::answer::Engine::load(&[], crate::matcher::MatcherConfig::default()).unwrap();
    cell.replace(other.into());
    assert!(!Arc::ptr_eq(&held, &cell.current()));
    assert_eq!(
        held.all().ask("Who is Zhou Yunjie?").outcome,
        crate::answer::Outcome::Answer
    );
}

#[tokio::test]
async fn past_the_limit_a_user_is_told_once_to_slow_down_and_others_are_unaffected() {
    let h = harness("[limits]\nper_user_burst = 2\nper_user_per_minute = 1\n", 0).await;
    let bob = "@bob:localhost";
    let ask = |id: &str, sender: &str| {
        text(
            id,
            sender,
            json!({"msgtype": "m.text", "body": "!ask Who is Zhou Yunjie?"}),
        )
    };
    let events = (1..=5)
        .map(|i| ask(&format!("$a{i}"), ALICE))
        .chain([ask("$b1", bob)])
        .collect();
    let sent = h.deliver(&[bob], events).await;
    assert_eq!(replied_ids(&sent), ["$a1", "$a2", "$a3", "$b1"]);
    let slow = sent[2].1["body"].as_str().unwrap();
    assert!(slow.contains("slow down"), "{slow}");
    assert_eq!(sent[2].1["msgtype"], "m.notice");
    assert!(sent[3].1["body"].as_str().unwrap().contains("Haier Group"));
    // Still over the limit: silence.
    let sent = h.deliver(&[bob], vec![ask("$a6", ALICE)]).await;
    assert!(sent.is_empty(), "{sent:#?}");
    let metrics = h.bot.metrics.render();
    assert!(
        metrics.contains("verbatim_rate_limited_questions_total 4"),
        "{metrics}"
    );
}

#[tokio::test]
async fn rooms_larger_than_the_limit_are_left() {
    let h = harness("[limits]\nmax_room_members = 3\n", 0).await;
    let room_id: &matrix_sdk::ruma::RoomId = ROOM.try_into().unwrap();
    h.server
        .mock_room_leave()
        .ok(room_id)
        .expect(1)
        .mount()
        .await;
    let others = ["@b:localhost", "@c:localhost"];
    let sent = h
        .deliver(&others, vec![plain("$q", "!ask Who is Zhou Yunjie?")])
        .await;
    assert!(sent.is_empty(), "{sent:#?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    h.server.server().verify().await;
}

#[tokio::test]
async fn an_upgraded_room_is_followed_into_its_replacement() {
    let h = harness("", 0).await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path_regex("/join/!new:localhost"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"room_id": "!new:localhost"})),
        )
        .expect(1)
        .mount(h.server.server())
        .await;
    let tombstone = json!({"type": "m.room.tombstone", "state_key": "", "sender": ALICE,
        "event_id": "$tomb", "origin_server_ts": now_ms(),
        "content": {"body": "This room was upgraded", "replacement_room": "!new:localhost"}});
    h.deliver(&[], vec![tombstone]).await;
    botwait(|| h.bot.journal().joined_at("!new:localhost").is_some()).await;
    h.server.server().verify().await;
}

/// Waits (at most 5 s) for `check`.
async fn botwait(check: impl Fn() -> bool) {
    for _ in 0..50 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out");
}

/// Waits (at most 10 s) until the metrics contain `needle`.
async fn metrics_show(h: &super::Harness, needle: &str) {
    for _ in 0..100 {
        if h.bot.metrics.render().contains(needle) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("metrics never showed {needle}:\n{}", h.bot.metrics.render());
}

#[tokio::test]
async fn the_reload_trigger_reloads_and_the_watcher_reloads_changed_files() {
    // The trigger (SIGHUP in `verbatim run`): the compiled-in knowledge is reloaded, and not watched.
    let h = harness("", 0).await;
    let trigger = Arc::new(tokio::sync::Notify::new());
    let task = tokio::spawn(crate::bot::watcher::watch(
        h.bot.clone(),
        Some(trigger.clone()),
    ));
    trigger.notify_one();
    metrics_show(&h, "verbatim_reloads_total{result=\"ok\"} 1").await;
    task.abort();

    // The watcher: a broken file is refused, the fixed one is loaded.
    let h = harness("[knowledge]\npaths = [\"kb\"]\n", 0).await;
    let file = knowledge_copy(h._dir.path());
    let good = std::fs::read_to_string(&file).unwrap();
    let task = tokio::spawn(crate::bot::watcher::watch(h.bot.clone(), None));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = h.bot.engine.current();
    std::fs::write(&file, format!("{good}\n[[[broken\n")).unwrap();
    metrics_show(&h, "verbatim_reloads_total{result=\"error\"} 1").await;
    assert!(Arc::ptr_eq(&before, &h.bot.engine.current()));
    std::fs::write(&file, &good).unwrap();
    metrics_show(&h, "verbatim_reloads_total{result=\"ok\"} 1").await;
    assert!(!Arc::ptr_eq(&before, &h.bot.engine.current()));
    task.abort();
}

#[tokio::test]
async fn the_log_keeps_only_what_the_matcher_read() {
    let h = harness(
        "state_dir = \".\"\n[curation]\nlog_unanswered = true\n[limits]\nmax_question_chars = 100\n",
        0,
    )
    .await;
    let long = "How do I bake sourdough bread at home? ".repeat(5);
    h.deliver(&[], vec![plain("$long", &long)]).await;
    let log = h._dir.path().join(crate::curation::LOG_FILE_NAME);
    let (records, _) = crate::curation::read_log(&log).unwrap();
    assert_eq!(records[0].text, long[..100]);
}
