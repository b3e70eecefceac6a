use super::*;
use crate::matcher::MatcherConfig;

fn engine() -> Engine {
    Engine::load(&[], MatcherConfig::default()).unwrap().0
}

fn room(thread: Option<&str>) -> Place {
    Place {
        room: "!room:example.org".into(),
        thread: thread.map(str::to_string),
    }
}

fn key_of(engine: &Engine, question: &str) -> String {
    let reply = engine.ask(question);
    assert_eq!(reply.outcome, Outcome::Answer, "{question}");
    reply.quoted().unwrap().key.clone()
}

const ZHOU: &str = "What did Zhou Yunjie say about the industrial internet?";

#[test]
fn a_follow_up_uses_its_own_conversation_only() {
    let engine = engine();
    let mut talks = Conversations::new(600_000, 100);
    let first = talks.answer(&engine, &room(None), ZHOU, None, 0);
    assert_eq!(first.outcome, Outcome::Answer);
    let more = talks.answer(&engine, &room(None), "what else did he say?", None, 10);
    assert_eq!(more.outcome, Outcome::Answer);
    assert_eq!(
        more.quoted().unwrap().speaker.as_deref(),
        Some("Zhou Yunjie")
    );
    // A thread is a conversation of its own: nothing was answered there yet.
    let elsewhere = talks.answer(
        &engine,
        &room(Some("$t")),
        "what else did he say?",
        None,
        20,
    );
    assert_ne!(elsewhere.outcome, Outcome::Answer);
    assert_eq!(talks.len(), 2);
}

#[test]
fn who_is_he_answers_with_the_speakers_introduction() {
    let engine = engine();
    let mut talks = Conversations::new(600_000, 100);
    talks.answer(&engine, &room(None), ZHOU, None, 0);
    let who = talks.answer(&engine, &room(None), "who is he?", None, 1);
    assert_eq!(who.outcome, Outcome::Answer);
    assert_eq!(
        who.quoted().unwrap().speaker.as_deref(),
        Some("Zhou Yunjie")
    );
    // Naming someone else is a new question, not "who is he?".
    let hou = talks.answer(&engine, &room(None), "Who is Hou Yugang?", None, 2);
    assert_eq!(hou.quoted().unwrap().speaker.as_deref(), Some("Hou Yugang"));
}

#[test]
fn a_conversation_expires_after_its_time_to_live() {
    let engine = engine();
    let mut talks = Conversations::new(1_000, 100);
    talks.answer(&engine, &room(None), ZHOU, None, 0);
    assert!(talks.is_active(&room(None), 1_000));
    assert!(!talks.is_active(&room(None), 1_001));
    let late = talks.answer(&engine, &room(None), "what else did he say?", None, 5_000);
    assert_ne!(late.outcome, Outcome::Answer);
}

#[test]
fn conversations_are_bounded_least_recently_used_first() {
    let engine = engine();
    let mut talks = Conversations::new(600_000, 2);
    talks.answer(&engine, &room(Some("$a")), ZHOU, None, 0);
    talks.answer(&engine, &room(Some("$b")), ZHOU, None, 1);
    talks.answer(&engine, &room(Some("$a")), "who is he?", None, 2);
    talks.answer(&engine, &room(Some("$c")), ZHOU, None, 3);
    assert_eq!(talks.len(), 2);
    assert!(talks.is_active(&room(Some("$a")), 4));
    assert!(!talks.is_active(&room(Some("$b")), 4));
    assert!(talks.is_active(&room(Some("$c")), 4));
}

#[test]
fn a_number_in_reply_to_a_did_you_mean_answers_that_suggestion() {
    let engine = engine();
    let zhou = key_of(&engine, "Who is Zhou Yunjie?");
    let hou = key_of(&engine, "Who is Hou Yugang?");
    let suggestion = Sent {
        question: "$q".into(),
        offered: vec![zhou.clone(), hou.clone()],
        ..Sent::default()
    };
    let mut talks = Conversations::new(600_000, 100);
    let reply = talks.answer(&engine, &room(None), "2", Some(&suggestion), 0);
    assert_eq!(reply.outcome, Outcome::Answer);
    assert_eq!(reply.quoted().unwrap().key, hou);
    // Out of range: not an acceptance (and "7" alone is no question).
    let reply = talks.answer(&engine, &room(None), "7", Some(&suggestion), 1);
    assert_ne!(reply.quoted().map(|q| q.key.clone()), Some(zhou));
}

#[test]
fn a_reaction_accepts_a_suggestion_and_the_conversation_follows_it() {
    let engine = engine();
    let zhou = key_of(&engine, "Who is Zhou Yunjie?");
    let mut talks = Conversations::new(600_000, 100);
    let reply = talks
        .accept(&engine, &room(None), std::slice::from_ref(&zhou), 1, 0)
        .unwrap();
    assert_eq!(reply.quoted().unwrap().key, zhou);
    assert!(talks.accept(&engine, &room(None), &[zhou], 2, 0).is_none());
    let more = talks.answer(&engine, &room(None), "what else did he say?", None, 1);
    assert_eq!(
        more.quoted().unwrap().speaker.as_deref(),
        Some("Zhou Yunjie")
    );
}

#[test]
fn a_reply_to_an_older_answer_follows_that_answer() {
    let engine = engine();
    let zhou = key_of(&engine, ZHOU);
    // A fresh set of conversations, as after a restart: the journal still has the answer.
    let mut talks = Conversations::new(600_000, 100);
    let answer = Sent {
        question: "$q".into(),
        entries: vec![zhou.clone()],
        ..Sent::default()
    };
    let more = talks.answer(
        &engine,
        &room(None),
        "what else did he say?",
        Some(&answer),
        0,
    );
    assert_eq!(more.outcome, Outcome::Answer);
    assert_eq!(
        more.quoted().unwrap().speaker.as_deref(),
        Some("Zhou Yunjie")
    );
    assert_ne!(more.quoted().unwrap().key, zhou);
}

#[test]
fn sent_remembers_suggestions_and_the_next_entries() {
    let engine = engine();
    let reply = engine.ask(ZHOU);
    let sent = Sent::of(&reply, "$q", Some("$t"));
    assert_eq!(sent.thread.as_deref(), Some("$t"));
    assert_eq!(sent.entries, vec![reply.quoted().unwrap().key.clone()]);
    assert!((sent.score - reply.score).abs() < 1e-9);
    assert!(sent.next.len() <= 3);
    let json = serde_json::to_string(&sent).unwrap();
    assert_eq!(serde_json::from_str::<Sent>(&json).unwrap(), sent);
}

#[test]
fn reactions_accept_or_give_feedback() {
    let one = Sent {
        offered: vec!["a".into()],
        ..Sent::default()
    };
    let three = Sent {
        offered: vec!["a".into(), "b".into(), "c".into()],
        ..Sent::default()
    };
    let answer = Sent {
        entries: vec!["a".into()],
        ..Sent::default()
    };
    assert_eq!(on_reaction(&one, "👍"), Todo::Accept(1));
    assert_eq!(on_reaction(&one, "👍🏻"), Todo::Accept(1));
    assert_eq!(on_reaction(&one, "2️⃣"), Todo::Nothing);
    assert_eq!(on_reaction(&three, "1️⃣"), Todo::Accept(1));
    assert_eq!(on_reaction(&three, "3\u{20e3}"), Todo::Accept(3));
    assert_eq!(on_reaction(&three, "4️⃣"), Todo::Nothing);
    assert_eq!(on_reaction(&three, "👎"), Todo::Nothing);
    assert_eq!(on_reaction(&answer, "👍"), Todo::Feedback(true));
    assert_eq!(on_reaction(&answer, "👎"), Todo::Feedback(false));
    assert_eq!(on_reaction(&answer, "1️⃣"), Todo::Nothing);
    // A reaction on anything else the bot sent (help, nothing found) says nothing.
    assert_eq!(on_reaction(&Sent::default(), "👍"), Todo::Nothing);
}

#[test]
fn edits_and_redactions_touch_only_the_bots_reply_to_that_message() {
    assert_eq!(on_edit(Some("$r"), false), Todo::EditReply("$r".into()));
    assert_eq!(on_edit(None, false), Todo::Nothing);
    assert_eq!(on_edit(Some("$r"), true), Todo::Nothing);
    assert_eq!(
        on_redaction(Some("$r"), false),
        Todo::RedactReply("$r".into())
    );
    assert_eq!(on_redaction(None, false), Todo::Nothing);
    assert_eq!(on_redaction(Some("$r"), true), Todo::Nothing);
}

#[test]
fn a_vague_question_after_an_answer_is_not_that_answer_again() {
    let engine = engine();
    let mut talks = Conversations::new(600_000, 100);
    let vague = engine.ask("Shandong");
    assert_eq!(vague.outcome, Outcome::Suggest);
    let first = talks.answer(
        &engine,
        &room(None),
        "Headline of the story, verbatim please",
        None,
        0,
    );
    assert_eq!(first.outcome, Outcome::Answer);
    let again = talks.answer(&engine, &room(None), "Shandong", None, 1);
    assert_eq!(again.outcome, Outcome::Suggest, "{:?}", again.quoted());
}
