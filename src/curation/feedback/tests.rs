//! The feedback log: records, reactions, reading, and the review's order.

use super::*;

fn record(question: &str, entry: &str, reaction: &str, next: &[&str]) -> FeedbackRecord {
    FeedbackRecord {
        time: "2024-05-03T09:12:44Z".into(),
        room: Some("!abc:example.org".into()),
        question: question.into(),
        entry: entry.into(),
        score: 0.64,
        reaction: reaction.into(),
        next: next.iter().map(|s| s.to_string()).collect(),
        user: None,
    }
}

#[test]
fn a_record_round_trips_and_the_user_is_optional() {
    let mut r = record("Who chairs Haier?", "s/zhou-ai", "👍", &["s/zhou-intro"]);
    let line = serde_json::to_string(&r).unwrap();
    assert!(!line.contains("\"user\""), "{line}");
    assert_eq!(serde_json::from_str::<FeedbackRecord>(&line).unwrap(), r);
    r.user = Some("@ann:example.org".into());
    let line = serde_json::to_string(&r).unwrap();
    assert!(line.contains("\"user\":\"@ann:example.org\""), "{line}");
    assert_eq!(serde_json::from_str::<FeedbackRecord>(&line).unwrap(), r);
}

#[test]
fn liked_reads_thumbs_of_every_skin_tone_and_plus_minus_one() {
    let liked = |reaction: &str| record("q", "s/e", reaction, &[]).liked();
    for up in ["👍", "👍️", "👍🏻", "👍🏼", "👍🏽", "👍🏾", "👍🏿", "+1", " +1 "]
    {
        assert_eq!(liked(up), Some(true), "{up}");
    }
    for down in ["👎", "👎🏻", "👎🏿", "-1"] {
        assert_eq!(liked(down), Some(false), "{down}");
    }
    for other in ["🎉", "❤️", "", "1", "👍👎", "+2"] {
        assert_eq!(liked(other), None, "{other}");
    }
}

#[test]
fn reading_skips_bad_lines_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FEEDBACK_FILE_NAME);
    let a = record("Who chairs Haier?", "s/a", "👍", &[]);
    let b = record("What about AI?", "s/b", "👎", &["s/c"]);
    append_feedback(&path, &a).unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"not json\n\n{\"time\":1}\n"))
        .unwrap();
    append_feedback(&path, &b).unwrap();
    assert_eq!(read_feedback(&path).unwrap(), (vec![a, b], 2));
    assert!(read_feedback(&dir.path().join("missing.jsonl")).is_err());
}

#[test]
fn the_review_shows_disliked_entries_first_most_dislikes_first() {
    let records = [
        record("Who chairs Haier?", "s/liked", "👍", &[]),
        record("What did Zhou say about AI?", "s/once", "👎", &["s/x"]),
        record("zhou on ai", "s/twice", "👎", &["s/b", "s/a"]),
        record("Zhou on AI", "s/twice", "👎🏽", &["s/a", "s/c"]),
        record("Who chairs Haier?", "s/liked", "+1", &[]),
        record("Who chairs Haier?", "s/twice", "👍", &[]),
        record("party", "s/liked", "🎉", &[]),
    ];
    let text = render(&records);
    let blocks: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(blocks.len(), 3, "{text}");
    assert_eq!(
        blocks[0],
        "2 disliked answer(s) from `s/twice` (liked 1 time(s))\n  \
         asked: \"zhou on ai\" (score 0.64, 2 times)\n  \
         next: `s/a`, `s/b`, `s/c`\n  \
         suggest: if `s/a` (or another next entry) answers these, move the phrasing that drew them from \
         `s/twice` to it; else add an entry that answers them"
    );
    assert!(
        blocks[1].starts_with("1 disliked answer(s) from `s/once`\n"),
        "{text}"
    );
    assert!(blocks[1].contains("next: `s/x`"), "{text}");
    assert_eq!(
        blocks[2],
        "3 liked answer(s), from 2 entry(ies).\n1 other reaction(s) not counted.\n"
    );
    assert!(!text.contains("s/liked`"), "{text}");
}

#[test]
fn the_review_of_nothing_says_so() {
    assert_eq!(render(&[]), "No feedback logged.\n");
    let text = render(&[record("q", "s/e", "👍", &[])]);
    assert_eq!(
        text,
        "No disliked answers.\n\n1 liked answer(s), from 1 entry(ies).\n"
    );
    let text = render(&[record("q", "s/e", "👎", &[])]);
    assert!(text.contains("  next: none logged\n"), "{text}");
}
