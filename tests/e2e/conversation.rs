//! End-to-end: a conversation with the bot against a real Synapse: follow-ups in a direct room and in a
//! thread, a suggestion accepted by number and by reaction, an edited and a redacted question, a 👎 reaching the
//! feedback log, and exactly one reply to everything across a restart.

use matrix_sdk::ruma::OwnedEventId;
use matrix_sdk::ruma::events::reaction::ReactionEventContent;
use matrix_sdk::ruma::events::relation::Annotation;
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::events::room::message::{
    AddMentions, Relation, ReplacementMetadata, ReplyMetadata, ReplyWithinThread,
    RoomMessageEventContent,
};

use crate::bot::body;
use crate::botkit::{self, RunningBot, Seen, User, bot_config, init_logs};
use crate::support::synapse;

const ZHOU_INTERNET: &str = "What did Zhou Yunjie say about the industrial internet?";
/// A question in most passages: a tie, so "did you mean".
const VAGUE: &str = "Shandong";

fn text(seen: &Seen) -> String {
    body(seen).1
}

fn is_quote(seen: &Seen) -> bool {
    let t = text(seen);
    t.starts_with("> ") && !t.contains("Did you mean")
}

/// The bot's edits of its message `reply`, as `user` saw them.
fn edits_of(
    user: &User,
    bot: &matrix_sdk::ruma::UserId,
    room: &matrix_sdk::Room,
    reply: &OwnedEventId,
) -> Vec<Seen> {
    user.messages_from(bot, room)
        .into_iter()
        .filter(|s| matches!(&s.event.content.relates_to, Some(Relation::Replacement(r)) if &r.event_id == reply))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_conversation_follow_ups_suggestions_edits_redactions_and_feedback_across_a_restart() {
    init_logs();
    let server = synapse::shared();
    let (bot_account, bot, dir) = botkit::bot_account(server).await;
    let alice = User::new(server, "alice").await;
    let bob = User::new(server, "bob").await;
    let config = bot_config(
        server,
        &bot_account,
        dir.path(),
        &["@alice-*:localhost"],
        "[curation]\nlog_feedback = true\n",
    );
    let feedback = config.matrix.state_dir.join("feedback.jsonl");
    let running = RunningBot::start(config.clone()).await;
    let direct = alice.create_room(&[&bot], true, true).await;
    alice.membership(&direct, &bot, MembershipState::Join).await;

    // A follow-up in a direct room: another passage of the same speaker.
    let q1 = alice.say(&direct, ZHOU_INTERNET).await;
    let first = alice.reply(&bot, &q1).await;
    assert!(
        first.encrypted && text(&first).contains("Zhou Yunjie"),
        "{}",
        text(&first)
    );
    let q2 = alice.say(&direct, "what else did he say?").await;
    let more = alice.reply(&bot, &q2).await;
    assert!(
        is_quote(&more) && text(&more).contains("Zhou Yunjie"),
        "{}",
        text(&more)
    );
    assert_ne!(text(&first), text(&more));
    // The follow-up's reply comes after the follow-up in the timeline.
    let q2_echo = alice
        .seen_event(&q2)
        .expect("alice's client saw her own question");
    assert!(q2_echo.at <= more.at);

    // "did you mean", then "1" as the next message.
    let q3 = alice.say(&direct, VAGUE).await;
    let suggestion = alice.reply(&bot, &q3).await;
    assert!(
        text(&suggestion).contains("Did you mean"),
        "{}",
        text(&suggestion)
    );
    let one = alice.say(&direct, "1").await;
    let accepted = alice.reply(&bot, &one).await;
    assert!(is_quote(&accepted), "{}", text(&accepted));

    // "did you mean", then 2️⃣ on it: the answer replies to the suggestion.
    let q4 = alice.say(&direct, VAGUE).await;
    let suggestion = alice.reply(&bot, &q4).await;
    let reaction = ReactionEventContent::new(Annotation::new(
        suggestion.event.event_id.clone(),
        "2\u{fe0f}\u{20e3}".to_string(),
    ));
    direct.send(reaction).await.expect("react");
    let by_reaction = alice.reply(&bot, &suggestion.event.event_id).await;
    assert!(is_quote(&by_reaction), "{}", text(&by_reaction));
    assert_ne!(
        text(&by_reaction),
        text(&accepted),
        "the second suggestion, not the first"
    );

    // An edited question: the bot edits its reply, never a second reply.
    let q5 = alice.say(&direct, "Who is Zhou Yunjie?").await;
    let answer = alice.reply(&bot, &q5).await;
    assert!(text(&answer).contains("Haier"), "{}", text(&answer));
    let edit = RoomMessageEventContent::text_plain("Who is Hou Yugang?")
        .make_replacement(ReplacementMetadata::new(q5.clone(), None));
    alice.send(&direct, edit).await;
    let replaced = botkit::wait("the bot to edit its reply", async || {
        edits_of(&alice, &bot, &direct, &answer.event.event_id)
            .into_iter()
            .next()
    })
    .await;
    let new_content = replaced.content_json()["m.new_content"].clone();
    let new_body = new_content["body"].as_str().unwrap_or_default();
    assert!(
        new_body.contains("Hou Yugang") && !new_body.contains("Haier"),
        "{new_content}"
    );

    // 👎 on the answer reaches the feedback log; the bot does not reply to it.
    let thumbs = ReactionEventContent::new(Annotation::new(
        answer.event.event_id.clone(),
        "👎".to_string(),
    ));
    direct.send(thumbs).await.expect("react");
    let record = botkit::wait("a record in feedback.jsonl", async || {
        std::fs::read_to_string(&feedback)
            .ok()
            .filter(|t| !t.is_empty())
    })
    .await;
    let record: serde_json::Value = serde_json::from_str(record.lines().next().unwrap()).unwrap();
    assert_eq!(record["reaction"], "👎");
    assert_eq!(record["room"], direct.room_id().as_str());
    assert!(
        record["entry"].as_str().unwrap().contains("hou"),
        "{record}"
    );
    assert!(
        record["question"].as_str().unwrap().contains("Hou Yugang"),
        "{record}"
    );

    // A restart in between: the redaction of a question asked before it still redacts the reply.
    running.stop().await;
    let running = RunningBot::start(config.clone()).await;
    direct.redact(&q5, None, None).await.expect("redact");
    botkit::wait("the bot's reply to be redacted", async || {
        let event = alice
            .client
            .get_room(direct.room_id())?
            .event(&answer.event.event_id, None)
            .await
            .ok()?;
        let json: serde_json::Value = event.raw().deserialize_as_unchecked().ok()?;
        json["unsigned"].get("redacted_because").map(|_| ())
    })
    .await;

    // A follow-up in a thread of a group room: addressed once, then the thread is a conversation.
    let group = alice.create_room(&[&bot, &bob.id], false, false).await;
    alice.membership(&group, &bot, MembershipState::Join).await;
    let root = alice.say(&group, "reading the Shandong story").await;
    let in_thread = |body: &str| {
        RoomMessageEventContent::text_plain(body).make_for_thread(
            ReplyMetadata::new(&root, &alice.id, None),
            ReplyWithinThread::No,
            AddMentions::No,
        )
    };
    let t1 = alice
        .send(&group, in_thread(&format!("!ask {ZHOU_INTERNET}")))
        .await;
    let t1_reply = alice.reply(&bot, &t1).await;
    let t2 = alice.send(&group, in_thread("what else did he say?")).await;
    let t2_reply = alice.reply(&bot, &t2).await;
    assert!(
        is_quote(&t2_reply) && text(&t2_reply).contains("Zhou Yunjie"),
        "{}",
        text(&t2_reply)
    );
    assert_ne!(text(&t1_reply), text(&t2_reply));
    assert!(
        matches!(&t2_reply.event.content.relates_to, Some(Relation::Thread(t)) if t.event_id == root)
    );
    // Outside the thread, unaddressed: silence (checked after a later addressed question is answered).
    let unaddressed = alice.say(&group, "what else did he say?").await;
    let later = alice.say(&group, "!ask Who is Hou Yugang?").await;
    alice.reply(&bot, &later).await;
    assert!(alice.replies(&bot, &unaddressed).is_empty());

    // Exactly once: one reply to each question, one edit, across the restart.
    for q in [&q1, &q2, &q3, &one, &q4, &q5] {
        assert_eq!(alice.replies(&bot, q).len(), 1, "replies to {q}");
    }
    assert_eq!(alice.replies(&bot, &suggestion.event.event_id).len(), 1);
    assert_eq!(
        edits_of(&alice, &bot, &direct, &answer.event.event_id).len(),
        1
    );
    running.stop().await;
}
