use super::*;

fn q(event: &str, ts: u64) -> Pending {
    Pending {
        room: "!r:x".into(),
        event: event.into(),
        ts,
    }
}

#[test]
fn claims_survive_a_reopen_and_unfinished_ones_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let (mut j, pending) = Journal::open(dir.path(), 60_000, 1_000_000).unwrap();
    assert!(pending.is_empty());
    assert_eq!(
        j.claim(&[q("$a", 999_000), q("$b", 999_500), q("$c", 999_600)])
            .unwrap(),
        3
    );
    assert_eq!(j.claim(&[q("$a", 999_000)]).unwrap(), 0);
    j.done("$a", "$reply-a").unwrap();
    j.gave_up("$c").unwrap();
    j.joined("!r:x", 900_000).unwrap();
    drop(j);

    let (j, pending) = Journal::open(dir.path(), 60_000, 1_000_000).unwrap();
    assert_eq!(pending, [q("$b", 999_500)]);
    assert!(j.contains("$a") && j.contains("$b") && j.contains("$c") && !j.contains("$d"));
    assert!(j.is_reply("$reply-a"));
    assert_eq!(j.joined_at("!r:x"), Some(900_000));

    // Past the retention, claims are forgotten; joins are kept.
    let (j, pending) = Journal::open(dir.path(), 60_000, 2_000_000).unwrap();
    assert!(pending.is_empty() && !j.contains("$a") && !j.is_reply("$reply-a"));
    assert_eq!(j.joined_at("!r:x"), Some(900_000));
}

#[test]
fn a_torn_last_line_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let (mut j, _) = Journal::open(dir.path(), 60_000, 1_000_000).unwrap();
    j.claim(&[q("$a", 999_000)]).unwrap();
    drop(j);
    let mut f = OpenOptions::new()
        .append(true)
        .open(dir.path().join(JOURNAL))
        .unwrap();
    f.write_all(b"{\"t\":\"done\",\"ev").unwrap();
    let (_, pending) = Journal::open(dir.path(), 60_000, 1_000_000).unwrap();
    assert_eq!(pending, [q("$a", 999_000)]);
}

#[test]
fn sync_token_roundtrip_and_file_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (j, _) = Journal::open(dir.path(), 1, 1).unwrap();
    assert_eq!(j.sync_token().unwrap(), None);
    j.save_sync_token("s72_1").unwrap();
    assert_eq!(j.sync_token().unwrap().as_deref(), Some("s72_1"));
    let mode = fs::metadata(dir.path().join(SYNC_TOKEN))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn what_a_reply_said_survives_a_reopen_and_a_compaction_and_edits_update_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut j, _) = Journal::open(dir.path(), 60_000, 1_000_000).unwrap();
    j.claim(&[q("$question", 999_000)]).unwrap();
    let suggestion = Sent {
        question: "$question".into(),
        thread: Some("$root".into()),
        offered: vec!["s/a".into(), "s/b".into()],
        score: 0.5,
        ..Sent::default()
    };
    j.done_with("$question", "$reply", Some(suggestion.clone()), None)
        .unwrap();
    assert_eq!(j.reply_to("$question"), Some("$reply"));
    assert_eq!(j.sent("$reply"), Some(&suggestion));
    assert!(j.replied_in_thread("!r:x", "$root"));
    assert!(!j.replied_in_thread("!r:x", "$other"));
    // The question is edited: the reply is replaced, and now says what the replacement says.
    j.claim(&[q("$edit", 999_100)]).unwrap();
    let answer = Sent {
        question: "$question".into(),
        entries: vec!["s/a".into()],
        ..Sent::default()
    };
    j.done_with(
        "$edit",
        "$replacement",
        Some(answer.clone()),
        Some("$reply"),
    )
    .unwrap();
    assert_eq!(j.sent("$reply"), Some(&answer));
    assert_eq!(j.reply_to("$question"), Some("$reply"));
    assert_eq!(j.reply_to("$edit"), None, "an edit is not a question");
    assert!(j.is_reply("$replacement"));
    drop(j);
    for _ in 0..2 {
        // Reopened (the second time after the compaction of the first open).
        let (j, pending) = Journal::open(dir.path(), 60_000, 1_000_100).unwrap();
        assert!(pending.is_empty());
        assert_eq!(j.sent("$reply"), Some(&answer));
        assert_eq!(j.reply_to("$question"), Some("$reply"));
        assert!(j.replied_in_thread("!r:x", "$root"));
    }
}
