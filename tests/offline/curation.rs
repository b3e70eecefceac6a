//! The unanswered-question log and `verbatim review`: records written by `ask --log-unanswered`, grouping
//! of similar questions, and the review's output; `verbatim review --feedback` on a feedback log.

use crate::cmd::{json_lines, verbatim};

use verbatim::answer::Engine;
use verbatim::curation::review::{cluster, render, review};
use verbatim::curation::{
    FeedbackRecord, UnansweredRecord, append_feedback, append_unanswered, read_log,
};
use verbatim::matcher::MatcherConfig;

#[test]
fn ask_logs_only_unanswered_questions() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("unanswered.jsonl");
    let questions = "Who is Zhou Yunjie?\nHow do I bake bread?\nWhat is Haier's market share?\n";
    let out = verbatim(
        &["ask", "--json", "--log-unanswered", log.to_str().unwrap()],
        questions,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = json_lines(&text);
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["text"], "How do I bake bread?");
    assert_eq!(lines[0]["outcome"], "none");
    assert!(lines[0]["room"].is_null());
    assert!(
        lines[0].get("user").is_none(),
        "no user ids unless configured"
    );
    assert_eq!(lines[1]["text"], "What is Haier's market share?");
    assert!(lines[1]["best_entry"].is_string());
    let time = lines[0]["time"].as_str().unwrap();
    assert!(
        time.len() == 20 && time.ends_with('Z') && time.as_bytes()[10] == b'T',
        "{time}"
    );
}

#[test]
fn records_round_trip_and_user_is_optional() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.jsonl");
    let (engine, _) = Engine::load(&[], MatcherConfig::default()).unwrap();
    let reply = engine.ask("What is the coal output of Shandong?");
    let record =
        UnansweredRecord::for_reply(&reply, Some("!room:example.org"), Some("@ann:example.org"))
            .unwrap();
    append_unanswered(&path, &record).unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"not json\n"))
        .unwrap();
    let (records, skipped) = read_log(&path).unwrap();
    assert_eq!((records, skipped), (vec![record], 1));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("\"user\":\"@ann:example.org\"")
    );
}

#[test]
fn similar_questions_group_together_largest_first() {
    let questions = [
        "How many cars does Weifang produce?",
        "what's the population of zibo",
        "Weifang car production numbers",
        "how many cars are produced in Weifang",
        "Zibo population?",
        "hi",
        "HI",
    ];
    let groups = cluster(&questions);
    assert_eq!(groups, vec![vec![0, 2, 3], vec![1, 4], vec![5, 6]]);
    let (engine, _) = Engine::load(&[], MatcherConfig::default()).unwrap();
    let reviewed = review(&questions, Some(&engine));
    assert_eq!(reviewed[0].count, 3);
    assert_eq!(reviewed[0].examples.len(), 3);
    assert!(
        reviewed[0].suggestion.contains("Weifang"),
        "{:?}",
        reviewed[0]
    );
    assert!(
        reviewed[0]
            .nearest
            .iter()
            .any(|(id, _, _)| id == "weifang-photo"),
        "{:?}",
        reviewed[0].nearest
    );
    assert!(reviewed[2].nearest.is_empty());
}

#[test]
fn review_output_names_count_examples_nearest_and_suggestion() {
    let (engine, _) = Engine::load(&[], MatcherConfig::default()).unwrap();
    let text = render(
        &review(
            &["zibo population", "What is the population of Zibo", "bread"],
            Some(&engine),
        ),
        3,
    );
    let first = text.split("\n\n").next().unwrap();
    assert!(first.starts_with("2 of 3 question(s): "), "{text}");
    assert!(first.contains("examples: "), "{text}");
    assert!(first.contains("nearest: wang-introduction"), "{text}");
    assert!(first.contains("suggest: add "), "{text}");
    assert!(text.contains("1 of 3 question(s): \"bread\""), "{text}");
    assert!(text.contains("suggest: no entry is close"), "{text}");
}

#[test]
fn cli_review_reads_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("unanswered.jsonl");
    // Questions the shipped report (Shandong's NPC deputies on manufacturing) has nothing about, so that no
    // change of the matcher answers them: two alike, one different.
    let questions = "What is the best recipe for chocolate cake?\nchocolate cake recipe\n\
                     When does the football season start?\n";
    let out = verbatim(
        &["ask", "--log-unanswered", log.to_str().unwrap()],
        questions,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (records, skipped) = read_log(&log).unwrap();
    let logged: Vec<(&str, &str)> = records
        .iter()
        .map(|r| (r.text.as_str(), r.outcome.as_str()))
        .collect();
    assert_eq!(
        (logged, skipped),
        (
            vec![
                ("What is the best recipe for chocolate cake?", "none"),
                ("chocolate cake recipe", "none"),
                ("When does the football season start?", "none"),
            ],
            0
        )
    );
    let out = verbatim(&["review", "--log", log.to_str().unwrap()], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let blocks: Vec<&str> = text.split("\n\n").filter(|b| !b.is_empty()).collect();
    assert_eq!(blocks.len(), 2, "{text}");
    assert!(blocks[0].starts_with("2 of 3 question(s): "), "{text}");
    for example in [
        "\"What is the best recipe for chocolate cake?\"",
        "\"chocolate cake recipe\"",
    ] {
        assert!(blocks[0].contains(example), "{text}");
    }
    assert!(
        blocks[1].starts_with("1 of 3 question(s): \"When does the football season start?\""),
        "{text}"
    );
    let missing = dir.path().join("missing.jsonl");
    let out = verbatim(&["review", "--log", missing.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("reading the unanswered log"), "{err}");
    assert!(err.contains(missing.to_str().unwrap()), "{err}");
}

#[test]
fn cli_review_feedback_lists_disliked_answers_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feedback.jsonl");
    let record = |question: &str, entry: &str, reaction: &str, next: &[&str]| FeedbackRecord {
        time: "2024-05-03T09:12:44Z".into(),
        room: Some("!abc:example.org".into()),
        question: question.into(),
        entry: format!("shandong-manufacturing-2023/{entry}"),
        score: 0.71,
        reaction: reaction.into(),
        next: next
            .iter()
            .map(|n| format!("shandong-manufacturing-2023/{n}"))
            .collect(),
        user: None,
    };
    let records = [
        record("Who is Hou Yugang?", "hou-introduction", "👍", &[]),
        record(
            "What did Zhou say about AI?",
            "zhou-introduction",
            "👎",
            &["zhou-suggestions"],
        ),
        record(
            "What did Zhou say about robots?",
            "zhou-introduction",
            "👎🏻",
            &[],
        ),
        record("Who is Wang Gang?", "wang-introduction", "+1", &[]),
    ];
    for r in &records {
        append_feedback(&path, r).unwrap();
    }
    let out = verbatim(&["review", "--feedback", path.to_str().unwrap()], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(
            "2 disliked answer(s) from `shandong-manufacturing-2023/zhou-introduction`\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  asked: \"What did Zhou say about AI?\" (score 0.71)\n"),
        "{text}"
    );
    assert!(text.contains("What did Zhou say about robots?"), "{text}");
    assert!(
        text.contains("  next: `shandong-manufacturing-2023/zhou-suggestions`\n"),
        "{text}"
    );
    assert!(text.contains("  suggest: "), "{text}");
    assert!(
        text.ends_with("2 liked answer(s), from 2 entry(ies).\n"),
        "{text}"
    );

    // A missing feedback log is an error that names it; --log is not needed (nor read) with --feedback alone.
    let missing = dir.path().join("missing.jsonl");
    let out = verbatim(&["review", "--feedback", missing.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("reading the feedback log {}", missing.display())),
        "{err}"
    );
}
