//! Knowledge files compose: a drafted file loads beside the shipped knowledge with no edits (entry ids are
//! unique within their source, and two sources may share a generic phrasing such as "What is the headline of
//! this report?"), and questions about "the report" are answered for each source, or for the one they name.

use std::path::Path;

use verbatim::answer::{Engine, Outcome};
use verbatim::draft::{DraftOptions, draft, writer};
use verbatim::knowledge::{check, load};
use verbatim::matcher::MatcherConfig;

/// The shipped knowledge and a draft of `tests/data/reports/riverton-bridge.txt`, in one directory.
fn both(dir: &Path) {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    for entry in std::fs::read_dir("knowledge").unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    for entry in std::fs::read_dir("knowledge/sources").unwrap().flatten() {
        std::fs::copy(entry.path(), dir.join("sources").join(entry.file_name())).unwrap();
    }
    let report = std::fs::read_to_string("tests/data/reports/riverton-bridge.txt").unwrap();
    std::fs::write(dir.join("sources/riverton-bridge.txt"), &report).unwrap();
    let options = DraftOptions {
        source_path: "sources/riverton-bridge.txt".into(),
        ..DraftOptions::default()
    };
    let drafted = draft(&report, &options);
    std::fs::write(dir.join("riverton-bridge.toml"), writer::to_toml(&drafted)).unwrap();
}

/// The engine of the shipped knowledge and the Riverton draft together (laid out in `dir` by [`both`]).
fn composed(dir: &Path) -> Engine {
    both(dir);
    Engine::load(&[dir.to_path_buf()], MatcherConfig::default())
        .unwrap()
        .0
}

/// The engine of the shipped knowledge alone.
fn shipped() -> Engine {
    Engine::load(&[], MatcherConfig::default()).unwrap().0
}

#[test]
fn a_draft_loads_beside_the_shipped_knowledge() {
    let dir = tempfile::tempdir().unwrap();
    both(dir.path());
    let mut loaded = load::load_paths(&[dir.path().to_path_buf()]);
    let config = MatcherConfig {
        calibration: loaded.calibration_or_builtin(),
        ..MatcherConfig::default()
    };
    let diagnostics = check::check(&mut loaded, &config);
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let knowledge = &loaded.knowledge;
    assert_eq!(knowledge.sources.len(), 2);
    // Both sources have an entry `headline`; keys tell them apart.
    let headlines: Vec<String> = knowledge
        .entries
        .iter()
        .filter(|e| e.id == "headline")
        .map(|e| knowledge.key(e))
        .collect();
    assert_eq!(headlines.len(), 2, "{headlines:?}");
    assert_ne!(headlines[0], headlines[1]);
    assert_eq!(
        knowledge.find("headline"),
        None,
        "ambiguous without its source"
    );
    assert!(knowledge.find(&headlines[1]).is_some());
}

#[test]
fn questions_about_the_report_are_answered_for_each_source_or_the_one_named() {
    let dir = tempfile::tempdir().unwrap();
    let engine = composed(dir.path());
    let titles = |question: &str| -> Vec<String> {
        let reply = engine.ask(question);
        assert_eq!(reply.outcome, Outcome::Answer, "{question}: {reply:?}");
        reply.quotes.iter().map(|q| q.title.clone()).collect()
    };
    let each = titles("What is the headline?");
    assert_eq!(each.len(), 2, "{each:?}");
    assert_ne!(each[0], each[1]);
    let named = titles("what is the bridge story about?");
    assert!(
        !named.is_empty() && named.iter().all(|t| t.contains("bridge")),
        "{named:?}"
    );
    let named = titles("when was the Shandong report published?");
    assert_eq!(named.len(), 1, "{named:?}");
    assert!(named[0].contains("Shandong"));
}

#[test]
fn in_a_conversation_questions_about_the_report_mean_its_current_source() {
    use verbatim::answer::conversation::Conversation;
    let dir = tempfile::tempdir().unwrap();
    let engine = composed(dir.path());
    let mut talk = Conversation::default();
    let first = engine.ask_in(&mut talk, "Who is Zhou Yunjie?");
    assert_eq!(first.outcome, Outcome::Answer);
    let date = engine.ask_in(&mut talk, "when was it published?");
    assert_eq!(date.outcome, Outcome::Answer, "{date:?}");
    let titles: Vec<&str> = date.quotes.iter().map(|q| q.title.as_str()).collect();
    assert_eq!(titles.len(), 1, "{titles:?}");
    assert!(titles[0].contains("Shandong"), "{titles:?}");
    // Without a conversation, each source answers.
    assert!(engine.ask("when was it published?").quotes.len() >= 2);
}

#[test]
fn a_word_only_another_source_holds_counts_as_unknown_for_this_one() {
    let dir = tempfile::tempdir().unwrap();
    let (alone, composed) = (shipped(), composed(dir.path()));
    // Questions about the shipped report with words only the bridge report has (its "concrete", "mayor",
    // "pedestrian", "university"): beside the draft they are judged as the shipped report alone judges them.
    for question in [
        "What did Hou Yugang say about concrete?",
        "Is Zhou Yunjie the mayor?",
        "how many pedestrian visitors does Haier expect",
        "Which university did Wang Gang attend?",
    ] {
        let (a, b) = (alone.ask(question), composed.ask(question));
        assert_ne!(a.outcome, Outcome::Answer, "{question}: {a:?}");
        assert_ne!(b.outcome, Outcome::Answer, "{question}: {b:?}");
    }
    // The words are no less known to their own report.
    let reply = composed.ask("What did the mayor say about concrete?");
    assert_eq!(reply.outcome, Outcome::Answer, "{reply:?}");
    assert!(reply.quotes[0].title.contains("bridge"), "{reply:?}");
}

#[test]
fn the_headline_asked_without_naming_a_report_is_each_sources_headline() {
    let dir = tempfile::tempdir().unwrap();
    let engine = composed(dir.path());
    for question in [
        "Give me the headline word for word please",
        "headline?",
        "what's the date on the article",
    ] {
        let reply = engine.ask(question);
        assert_eq!(reply.outcome, Outcome::Answer, "{question}: {reply:?}");
        let mut titles: Vec<&str> = reply.quotes.iter().map(|q| q.title.as_str()).collect();
        titles.dedup();
        assert_eq!(titles.len(), 2, "{question}: {titles:?}");
    }
    let named = engine.ask("Give me the headline of the Riverton story word for word");
    assert_eq!(named.outcome, Outcome::Answer, "{named:?}");
    assert!(
        named.quotes.iter().all(|q| q.title.contains("Riverton")),
        "{named:?}"
    );
}

#[test]
fn a_draft_beside_the_shipped_knowledge_moves_its_scores_by_at_most_three_points() {
    use verbatim::calibrate::{evaluate, questions};
    let dir = tempfile::tempdir().unwrap();
    let (alone, composed) = (shipped(), composed(dir.path()));
    for path in [
        "tests/data/dev-questions.jsonl",
        "tests/data/questions-a.jsonl",
    ] {
        let text = std::fs::read_to_string(path).unwrap();
        let set = questions::read(path.as_ref(), &text).unwrap();
        let (a, b) = (evaluate(&alone, &set), evaluate(&composed, &set));
        println!("{path}: alone {}; beside the draft {}", a.line(), b.line());
        assert!(
            b.overall() >= a.overall() - 3.0,
            "{path}: {} beside the draft, {} alone",
            b.line(),
            a.line()
        );
    }
}
