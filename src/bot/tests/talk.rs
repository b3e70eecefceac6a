//! Handler tests of conversations: follow-ups, accepting a suggestion by number and by reaction, edits,
//! redactions and feedback reactions.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use super::super::journal::transaction_id;
use super::super::persist::now_ms;
use super::{ALICE, ROOM, harness, in_reply_to, plain, replied_ids, text};

fn reaction(id: &str, target: &str, key: &str) -> Value {
    json!({"type": "m.reaction", "sender": ALICE, "event_id": id, "origin_server_ts": now_ms(),
           "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": target, "key": key}}})
}

fn reply_to(id: &str, target: &str, body: &str) -> Value {
    text(
        id,
        ALICE,
        json!({"msgtype": "m.text", "body": body, "m.relates_to": {"m.in_reply_to": {"event_id": target}}}),
    )
}

fn body(sent: &(String, Value)) -> &str {
    sent.1["body"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_follow_up_in_a_direct_room_continues_the_conversation() {
    let h = harness("", 0).await;
    let sent = h
        .deliver(
            &[],
            vec![
                plain(
                    "$q1",
                    "What did Zhou Yunjie say about the industrial internet?",
                ),
                plain("$q2", "what else did he say?"),
                plain("$q3", "who is he?"),
            ],
        )
        .await;
    assert_eq!(replied_ids(&sent), ["$q1", "$q2", "$q3"]);
    for reply in &sent {
        assert!(body(reply).contains("Zhou Yunjie"), "{}", body(reply));
    }
    assert_ne!(
        body(&sent[0]),
        body(&sent[1]),
        "the follow-up quotes another passage"
    );
}

#[tokio::test]
async fn a_did_you_mean_is_accepted_by_a_number_or_a_reaction() {
    let h = harness("", 0).await;
    // In most passages: a tie, so "did you mean".
    let sent = h.deliver(&[], vec![plain("$close", "Shandong")]).await;
    let suggestion = body(&sent[0]).to_string();
    assert!(suggestion.contains("Did you mean"), "{suggestion}");
    let offered = h.bot.journal().sent("$reply0").unwrap().offered.clone();
    assert!(offered.len() >= 2, "{offered:?}");

    // "2" in reply to the suggestion answers the second suggestion.
    let sent = h.deliver(&[], vec![reply_to("$two", "$reply0", "2")]).await;
    assert_eq!(replied_ids(&sent), ["$two"]);
    let answered = h.bot.journal().sent("$reply1").unwrap().clone();
    assert_eq!(answered.entries, [offered[1].clone()]);
    assert!(
        !body(&sent[0]).contains("Did you mean"),
        "{}",
        body(&sent[0])
    );

    // 1️⃣ on the suggestion answers the first, as a reply to the suggestion, once.
    let sent = h
        .deliver(
            &[],
            vec![reaction("$react", "$reply0", "1\u{fe0f}\u{20e3}")],
        )
        .await;
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert!(
        sent[0].0.ends_with(&transaction_id("$react")),
        "{}",
        sent[0].0
    );
    assert_eq!(in_reply_to(&sent[0].1), "$reply0");
    let answered = h.bot.journal().sent("$reply2").unwrap().clone();
    assert_eq!(answered.entries, [offered[0].clone()]);
    assert_eq!(
        answered.question, "$close",
        "it answers the question of the suggestion"
    );
    let again = h
        .deliver(
            &[],
            vec![reaction("$react", "$reply0", "1\u{fe0f}\u{20e3}")],
        )
        .await;
    assert!(again.is_empty());
    // Other reactions, and reactions on other events, say nothing.
    let sent = h
        .deliver(
            &[],
            vec![
                reaction("$party", "$reply0", "🎉"),
                reaction("$elsewhere", "$close", "1\u{fe0f}\u{20e3}"),
            ],
        )
        .await;
    assert!(sent.is_empty(), "{sent:#?}");
}

fn edit(id: &str, original: &str, body: &str) -> Value {
    text(
        id,
        ALICE,
        json!({"msgtype": "m.text", "body": format!("* {body}"),
               "m.new_content": {"msgtype": "m.text", "body": body},
               "m.relates_to": {"rel_type": "m.replace", "event_id": original}}),
    )
}

#[tokio::test]
async fn an_edited_question_edits_the_reply_and_a_redacted_one_redacts_it() {
    let h = harness("", 0).await;
    h.server
        .mock_room_redact()
        .ok(matrix_sdk::ruma::owned_event_id!("$redaction"))
        .mount()
        .await;
    let sent = h
        .deliver(&[], vec![plain("$q", "Who is Zhou Yunjie?")])
        .await;
    assert!(body(&sent[0]).contains("Haier"));

    let sent = h
        .deliver(&[], vec![edit("$edit", "$q", "Who is Hou Yugang?")])
        .await;
    assert_eq!(sent.len(), 1, "one edit, never a second reply: {sent:#?}");
    let content = &sent[0].1;
    assert_eq!(content["m.relates_to"]["rel_type"], "m.replace");
    assert_eq!(content["m.relates_to"]["event_id"], "$reply0");
    let new = content["m.new_content"]["body"].as_str().unwrap();
    assert!(
        new.contains("Hou Yugang") && !new.contains("Haier"),
        "{new}"
    );
    assert_eq!(content["m.new_content"]["msgtype"], "m.notice");
    // The reply now says what the edit answered.
    let said = h.bot.journal().sent("$reply0").unwrap().clone();
    assert!(said.entries[0].contains("hou"), "{said:?}");

    // Edits of messages the bot did not answer do nothing.
    let sent = h
        .deliver(
            &["@bob:localhost"],
            vec![
                text(
                    "$chat",
                    ALICE,
                    json!({"msgtype": "m.text", "body": "lunch?"}),
                ),
                edit("$edit2", "$chat", "Who is Hou Yugang?"),
            ],
        )
        .await;
    assert!(sent.is_empty(), "{sent:#?}");

    // The question is redacted: so is the reply; a redaction of anything else does nothing.
    let redaction = |id: &str, target: &str| {
        json!({"type": "m.room.redaction", "sender": ALICE, "event_id": id, "redacts": target,
               "origin_server_ts": now_ms(), "content": {"redacts": target}})
    };
    h.deliver(
        &[],
        vec![redaction("$gone", "$q"), redaction("$gone2", "$chat")],
    )
    .await;
    let redacted = h.server.server().received_requests().await.unwrap();
    let redacts: Vec<String> = redacted
        .iter()
        .filter(|r| r.url.path().contains("/redact/"))
        .map(|r| r.url.path().to_string())
        .collect();
    assert_eq!(redacts.len(), 1, "{redacts:?}");
    assert!(
        redacts[0].contains("/redact/$reply0/") || redacts[0].contains("/redact/%24reply0/"),
        "{redacts:?}"
    );
}

#[tokio::test]
async fn thumbs_on_answers_reach_the_feedback_log_only_when_enabled() {
    let question = plain("$q", "Who is Zhou Yunjie?");
    let h = harness("state_dir = \".\"\n[curation]\nlog_feedback = true\n", 0).await;
    h.server
        .mock_room_event()
        .ok_with_template(ResponseTemplate::new(200).set_body_json(question.clone()))
        .mount()
        .await;
    h.deliver(&[], vec![question.clone()]).await;
    let sent = h
        .deliver(&[], vec![reaction("$down", "$reply0", "👎")])
        .await;
    assert!(
        sent.is_empty(),
        "the bot never replies to feedback: {sent:#?}"
    );
    let log = h
        ._dir
        .path()
        .join(crate::curation::feedback::FEEDBACK_FILE_NAME);
    h.bot.tasks.close();
    tokio::time::timeout(Duration::from_secs(30), h.bot.tasks.wait())
        .await
        .unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 1, "{text}");
    assert_eq!(records[0]["reaction"], "👎");
    assert_eq!(records[0]["question"], "Who is Zhou Yunjie?");
    assert_eq!(records[0]["room"], ROOM);
    assert!(
        records[0]["entry"].as_str().unwrap().contains("zhou"),
        "{text}"
    );
    assert!(
        records[0].get("user").is_none(),
        "no user id without log_user_ids"
    );

    // Off by default.
    let h = harness("state_dir = \".\"\n", 0).await;
    h.deliver(&[], vec![question]).await;
    h.deliver(&[], vec![reaction("$down", "$reply0", "👎")])
        .await;
    h.bot.tasks.close();
    h.bot.tasks.wait().await;
    assert!(!h._dir.path().join("feedback.jsonl").exists());
}

#[tokio::test]
async fn a_thread_started_on_an_answer_follows_that_answer_unaddressed() {
    let h = harness("", 0).await;
    let bob = ["@bob:localhost"];
    let sent = h
        .deliver(
            &bob,
            vec![plain(
                "$q",
                "!ask What did Zhou Yunjie say about the industrial internet?",
            )],
        )
        .await;
    assert_eq!(replied_ids(&sent), ["$q"]);
    let first = body(&sent[0]).to_string();
    let in_thread = |id: &str, body: &str| {
        text(
            id,
            ALICE,
            json!({"msgtype": "m.text", "body": body,
                   "m.relates_to": {"rel_type": "m.thread", "event_id": "$reply0", "is_falling_back": true,
                                    "m.in_reply_to": {"event_id": "$reply0"}}}),
        )
    };
    let sent = h
        .deliver(&bob, vec![in_thread("$more", "what else did he say?")])
        .await;
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let reply = &sent[0].1;
    assert_eq!(reply["m.relates_to"]["rel_type"], "m.thread");
    assert_eq!(reply["m.relates_to"]["event_id"], "$reply0");
    let more = body(&sent[0]);
    assert!(more.contains("Zhou Yunjie") && more != first, "{more}");
    // Unaddressed outside the thread: silence.
    let sent = h
        .deliver(&bob, vec![plain("$loose", "what else did he say?")])
        .await;
    assert!(sent.is_empty(), "{sent:#?}");
}
