//! What verbatim answers, on a fixture report (`tests/data/ferries/`): overview questions from the knowledge
//! as a whole, names as people type them, small talk, the knowledge's own synonyms, and `calibrate` on a
//! fixture question file. The fixture has no calibration of its own, so the shipped one decides, as it does
//! for any new knowledge.

use std::path::PathBuf;

use verbatim::answer::{Engine, Outcome, Reply};
use verbatim::calibrate::{self, Options, questions};
use verbatim::knowledge::calibration;
use verbatim::matcher::MatcherConfig;

fn engine() -> Engine {
    Engine::load(
        &[PathBuf::from("tests/data/ferries")],
        MatcherConfig::default(),
    )
    .expect("the fixture knowledge is valid")
    .0
}

fn entries(reply: &Reply) -> Vec<&str> {
    reply.quotes.iter().map(|q| q.entry.as_str()).collect()
}

#[test]
fn what_the_report_is_about_is_its_headline_and_lead() {
    let engine = engine();
    for question in [
        "What is this report about?",
        "what's the story about",
        "summary pls",
        "Could you give me a short overview of the article?",
        "Good morning! I just got my coffee. What is it about? Thanks a lot.",
    ] {
        let reply = engine.ask(question);
        assert_eq!(reply.outcome, Outcome::Answer, "{question:?}: {reply:?}");
        assert_eq!(entries(&reply), ["headline", "decision"], "{question:?}");
        // Every quote is verbatim, with its own attribution.
        assert!(
            reply
                .plain()
                .contains("> Nordhavn switches its harbour ferries to electric power\n— ")
        );
    }
}

#[test]
fn who_is_quoted_lists_each_speaker_with_capacity() {
    let engine = engine();
    for question in [
        "Who is quoted?",
        "who are the people in this article and who do they work for",
        "Which individuals are named in the piece?",
    ] {
        let reply = engine.ask(question);
        assert_eq!(reply.outcome, Outcome::Answer, "{question:?}: {reply:?}");
        let (lines, source) = reply.listing.clone().expect("a listing of speakers");
        assert_eq!(
            lines,
            [
                "Maria Lind, the mayor of Nordhavn",
                "Chen Xiaoming, chairman of Blue-Wave Shipping Group"
            ],
            "{question:?}"
        );
        assert!(source.contains("Nordhavn switches its harbour ferries"));
        assert!(
            reply.json()["quote"]
                .as_str()
                .unwrap()
                .contains("chairman of Blue-Wave Shipping Group")
        );
    }
}

#[test]
fn when_published_and_which_sources() {
    let engine = engine();
    let reply = engine.ask("when was it published?");
    assert_eq!(entries(&reply), ["date"], "{reply:?}");
    let reply = engine.ask("which sources do you have?");
    assert_eq!(reply.outcome, Outcome::Answer, "{reply:?}");
    let (lines, _) = reply.listing.expect("the sources");
    assert_eq!(
        lines,
        ["\"Nordhavn switches its harbour ferries to electric power\", 2024-09-12"]
    );
}

#[test]
fn names_as_people_type_them() {
    let engine = engine();
    for question in [
        "who is Chen Xiaoming",
        "chen xiao ming",
        "Xiaoming Chen",
        "ChenXiaoming",
        "Chen Xiao-ming",
        "what did chen say about delivery",
        "the Blue-Wave boss",
        "the shipping group chairman",
        "blue wave shipping chief",
    ] {
        let reply = engine.ask(question);
        assert_eq!(reply.outcome, Outcome::Answer, "{question:?}: {reply:?}");
        let speaker = reply.quoted().and_then(|q| q.speaker.clone());
        assert_eq!(
            speaker.as_deref(),
            Some("Chen Xiaoming"),
            "{question:?}: {reply:?}"
        );
    }
    // A place written in two parts.
    let reply = engine.ask("who builds the boats in Xia men");
    assert_eq!(entries(&reply), ["delivery"], "{reply:?}");
}

#[test]
fn small_talk_gets_a_friendly_word_never_a_quote() {
    let engine = engine();
    // The fixture's quotes hold "today", "time" and "day": small talk must not be matched to them.
    for question in [
        "How are you today?",
        "what time is it",
        "hi",
        "thanks!",
        "good morning bot",
        "are you a real person?",
        "tell me a joke",
        "bye",
    ] {
        let reply = engine.ask(question);
        assert_eq!(reply.outcome, Outcome::SmallTalk, "{question:?}: {reply:?}");
        assert!(reply.quotes.is_empty());
        assert!(reply.plain().contains("!help"), "{}", reply.plain());
        assert_eq!(reply.json()["outcome"], "small_talk");
    }
    // A real question that starts with a greeting is still answered.
    let reply = engine.ask("Hi! How much will the new boats cost?");
    assert_eq!(entries(&reply), ["cost"], "{reply:?}");
}

#[test]
fn the_knowledge_brings_its_own_synonyms() {
    let reply = engine().ask("who chairs bwsg");
    assert_eq!(reply.outcome, Outcome::Answer, "{reply:?}");
    assert_eq!(
        reply.quoted().unwrap().speaker.as_deref(),
        Some("Chen Xiaoming")
    );
}

#[test]
fn request_framing_is_not_missing_content() {
    let engine = engine();
    for question in [
        "Headline of the story, verbatim please",
        "Can you pull the mayor's direct quote about the trips, word for word?",
        "For my essay: what exactly did the council decide about the ferries?",
    ] {
        let reply = engine.ask(question);
        assert_eq!(reply.outcome, Outcome::Answer, "{question:?}: {reply:?}");
    }
    // A fact the report does not give is still declined, however it is asked.
    for question in [
        "What is the mayor's salary, exactly?",
        "Quote Blue-Wave's revenue please",
    ] {
        let reply = engine.ask(question);
        assert_ne!(reply.outcome, Outcome::Answer, "{question:?}: {reply:?}");
    }
}

#[test]
fn calibrate_fits_and_writes_a_valid_calibration() {
    let path = "tests/data/ferries/questions.jsonl";
    let set = questions::read(path.as_ref(), &std::fs::read_to_string(path).unwrap()).unwrap();
    let mut engine = engine();
    let report = calibrate::calibrate(&mut engine, &set, Options::default());
    assert_eq!(report.questions, set.len());
    let c = &report.calibration;
    assert!(
        c.suggest_threshold <= c.answer_threshold
            && c.answer_threshold > 0.0
            && c.answer_threshold < 1.0
    );
    // The written file reads back the same, and `check` accepts the knowledge with it.
    let text = calibration::write(c, "fitted on the fixture");
    assert_eq!(
        calibration::read("calibration.toml".as_ref(), &text).unwrap(),
        *c
    );
    let dir = tempfile::tempdir().unwrap();
    for file in ["ferries.toml", "sources/ferries.txt"] {
        let to = dir.path().join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(format!("tests/data/ferries/{file}"), to).unwrap();
    }
    std::fs::write(dir.path().join("calibration.toml"), &text).unwrap();
    let (fitted, _) = Engine::load(&[dir.path().to_path_buf()], MatcherConfig::default()).unwrap();
    assert_eq!(
        fitted.matcher().config().calibration,
        *c,
        "the knowledge's own calibration is read"
    );
    // Fitted on these questions, it answers most of them and none of the unrelated ones; the engine with the
    // written file does exactly what calibrate measured.
    let fitted_on_all = &report.fitted_on_all;
    assert!(
        fitted_on_all.percent(questions::Kind::In) >= 75.0,
        "{}",
        fitted_on_all.line()
    );
    assert!(
        fitted_on_all.percent(questions::Kind::Out) >= 99.0,
        "{}",
        fitted_on_all.line()
    );
    assert_eq!(calibrate::evaluate(&fitted, &set), *fitted_on_all);
}
