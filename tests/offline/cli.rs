//! The offline command line, run as the built binary: `ask`, `ask --json` over stdin, `chat`, and `check` on
//! the shipped knowledge and on broken fixtures (exact `path:line:col` and message).

use std::process::Command;

use crate::cmd::{json_lines, stdout, verbatim};

#[test]
fn ask_prints_the_quote_and_its_source() {
    let out = verbatim(&["ask", "who", "chairs", "Jinjing", "Group?"], "");
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.starts_with("> \"If we can build a green energy industry chain"),
        "{text}"
    );
    assert!(
        text.contains(
            "— Wang Gang, a deputy to the National People's Congress and chairman of Jinjing Group"
        ),
        "{text}"
    );
    assert!(
        text.contains("\"Shandong deputies discuss boosting manufacturing strength\", 2023-03-10"),
        "{text}"
    );
}

#[test]
fn ask_works_from_any_directory_with_the_compiled_in_knowledge() {
    let out = Command::new(env!("CARGO_BIN_EXE_verbatim"))
        .args(["ask", "what increased by 25.1 percent"])
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).contains("increased by 25.1 percent last year"));
}

#[test]
fn ask_json_over_stdin_answers_each_line_in_order() {
    let questions = "Who is Hou Yugang?\nHow do I bake bread?\n\nwhat is haier\n";
    let out = verbatim(&["ask", "--json"], questions);
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = json_lines(&stdout(&out));
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["question"], "Who is Hou Yugang?");
    assert_eq!(lines[0]["outcome"], "answer");
    assert_eq!(lines[0]["entry"], "hou-introduction");
    assert!(
        lines[0]["quote"]
            .as_str()
            .unwrap()
            .starts_with("Hou Yugang, a deputy")
    );
    assert!(lines[0]["source"].as_str().unwrap().contains("2023-03-10"));
    assert_eq!(lines[1]["outcome"], "none");
    assert!(lines[1]["quote"].is_null() && lines[1]["entry"].is_null());
    assert_eq!(lines[2]["question"], "");
    assert_eq!(lines[2]["outcome"], "none");
    for line in &lines {
        let score = line["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score));
        assert!(line["suggestions"].is_array());
    }
}

#[test]
fn ask_survives_huge_and_junk_questions() {
    let huge = "x".repeat(100_000);
    let input = format!("{huge}\n🎉🎉🎉\n\u{1}\u{2}\n?!?!\n");
    let out = verbatim(&["ask", "--json"], &input);
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = json_lines(&stdout(&out));
    assert_eq!(lines.len(), 4);
    assert!(lines.iter().all(|l| l["outcome"] == "none"));
}

#[test]
fn ask_with_other_knowledge_replaces_the_builtin() {
    let out = verbatim(
        &[
            "ask",
            "--knowledge",
            "tests/data/knowledge",
            "how many books are in the library",
        ],
        "",
    );
    assert!(out.status.success());
    assert!(stdout(&out).contains("The library holds 12,000 books."));
    let out = verbatim(
        &[
            "ask",
            "--knowledge",
            "tests/data/knowledge",
            "who is Hou Yugang",
        ],
        "",
    );
    assert!(!stdout(&out).contains("Hou Yugang, a deputy"));
}

#[test]
fn ask_refuses_broken_knowledge_with_the_errors() {
    let out = verbatim(
        &[
            "ask",
            "--knowledge",
            "tests/data/broken/changed-quote.toml",
            "books",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tests/data/broken/changed-quote.toml:18:1: error: entry `books-investment`: the quote is not a verbatim passage"), "{err}");
}

#[test]
fn bad_thresholds_are_rejected() {
    let out = verbatim(&["ask", "--answer-threshold", "1.5", "hi"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--answer-threshold must be between 0 and 1")
    );
}

#[test]
fn chat_answers_until_end_of_input() {
    let out = verbatim(&["chat"], "who is zhou yunjie\n\nhow do I bake bread\n");
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("Haier Group"), "{text}");
    assert!(text.contains("Sorry, I found nothing about that"), "{text}");
}

#[test]
fn chat_is_one_conversation() {
    let out = verbatim(
        &["chat"],
        "What did Zhou Yunjie say about the industrial internet?\nwhat else did he say?\n",
    );
    assert!(out.status.success());
    let text = stdout(&out);
    assert_eq!(text.matches("\n— Zhou Yunjie, ").count(), 2, "{text}");
    assert!(!text.contains("Sorry"), "{text}");
}

/// `ask --json` over `input`, with `flags`: one JSON object per line.
fn ask_json(flags: &[&str], input: &str) -> Vec<serde_json::Value> {
    let args: Vec<&str> = ["ask", "--json"].iter().chain(flags).copied().collect();
    let out = verbatim(&args, input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&stdout(&out))
}

#[test]
fn ask_conversation_answers_a_follow_up_about_the_same_speaker() {
    let input = "What did Zhou Yunjie say about the industrial internet?\nwhat else did he say?\n";
    let talk = ask_json(&["--conversation"], input);
    let lines = &talk;
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["outcome"], "answer");
    assert_eq!(lines[0]["speaker"], "Zhou Yunjie");
    assert_eq!(lines[1]["question"], "what else did he say?");
    assert_eq!(lines[1]["outcome"], "answer", "{}", lines[1]);
    assert_eq!(lines[1]["speaker"], "Zhou Yunjie");
    assert!(lines[1]["key"].is_string());
    assert_ne!(lines[1]["key"], lines[0]["key"]);
    // Each line on its own: the follow-up does not know who "he" is.
    let lines = ask_json(&[], input);
    assert_eq!(lines[0]["key"], talk[0]["key"]);
    assert!(
        !(lines[1]["outcome"] == "answer" && lines[1]["speaker"] == "Zhou Yunjie"),
        "{}",
        lines[1]
    );
}

#[test]
fn ask_conversation_takes_a_did_you_mean_choice() {
    // The first of these the shipped knowledge answers with "did you mean" (found by trying; any one will do).
    let candidates = [
        "What did Zhou say about tractors?",
        "What is Haier market share?",
        "How many cars does Weifang produce?",
    ];
    let plain = ask_json(&[], &(candidates.join("\n") + "\n"));
    let Some(asked) = plain.iter().find(|l| l["outcome"] == "suggest") else {
        panic!("none of {candidates:?} gets a suggestion: {plain:?}");
    };
    let question = asked["question"].as_str().unwrap();
    let suggested = asked["suggested"].as_array().unwrap();
    assert!(!suggested.is_empty(), "{asked}");
    assert_eq!(
        suggested.len(),
        asked["suggestions"].as_array().unwrap().len()
    );

    let lines = ask_json(&["--conversation"], &format!("{question}\n1\n"));
    assert_eq!(lines[0]["outcome"], "suggest");
    assert_eq!(lines[0]["suggested"], asked["suggested"]);
    assert_eq!(lines[1]["outcome"], "answer", "{}", lines[1]);
    assert_eq!(lines[1]["key"], suggested[0]);
    // Without --conversation "1" is a question of its own, and no answer.
    let lines = ask_json(&[], &format!("{question}\n1\n"));
    assert_ne!(lines[1]["outcome"], "answer", "{}", lines[1]);
}

#[test]
fn ask_json_lists_every_quote_of_a_reply_with_several() {
    let lines = ask_json(&[], "What did Hou and Wang say about energy?\n");
    assert_eq!(lines[0]["outcome"], "answer");
    let entries = lines[0]["entries"].as_array().expect("entries");
    assert!(entries.len() >= 2, "{}", lines[0]);
    assert_eq!(entries[0]["key"], lines[0]["key"]);
    let mut speakers = Vec::new();
    for entry in entries {
        let speaker = entry["speaker"].as_str().unwrap();
        assert!(entry["entry"].is_string() && entry["quote"].is_string());
        assert!(
            entry["key"]
                .as_str()
                .unwrap()
                .ends_with(entry["entry"].as_str().unwrap()),
            "{entry}"
        );
        // The attribution: speaker, capacity, report and date.
        let source = entry["source"].as_str().unwrap();
        assert!(
            source.starts_with(speaker) && source.contains("2023-03-10"),
            "{entry}"
        );
        speakers.push(speaker);
    }
    assert!(
        speakers.contains(&"Hou Yugang") && speakers.contains(&"Wang Gang"),
        "{speakers:?}"
    );
}

#[test]
fn check_accepts_the_shipped_knowledge() {
    let out = verbatim(&["check"], "");
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("0 error(s), 0 warning(s)"));
    let out = verbatim(&["check", "knowledge"], "");
    assert!(out.status.success(), "{}", stdout(&out));
}

fn check_errors(fixture: &str) -> Vec<String> {
    let out = verbatim(&["check", fixture], "");
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    stdout(&out)
        .lines()
        .filter(|l| l.contains(": error: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn check_reports_bad_toml_syntax_with_line_and_column() {
    let errors = check_errors("tests/data/broken/bad-syntax.toml");
    assert_eq!(
        errors,
        ["tests/data/broken/bad-syntax.toml:15:7: error: key with no value, expected `=`"]
    );
}

#[test]
fn check_reports_a_changed_quote_with_the_closest_passage() {
    let out = verbatim(&["check", "tests/data/broken/changed-quote.toml"], "");
    let text = stdout(&out);
    assert!(text.contains("tests/data/broken/changed-quote.toml:18:1: error: entry `books-investment`: the quote is not a verbatim passage of tests/data/broken/../knowledge/sources/mini-report.txt\n  hint: the closest passage of the source is: \"\"Books are the best investment a town can make,\" said Ana Lopez, the mayor of Example.\""), "{text}");
}

#[test]
fn check_reports_a_duplicate_id() {
    let errors = check_errors("tests/data/broken/duplicate-id.toml");
    assert_eq!(
        errors,
        [
            "tests/data/broken/duplicate-id.toml:20:1: error: duplicate entry id `opening` (first used at tests/data/broken/duplicate-id.toml:14)"
        ]
    );
}

#[test]
fn check_reports_a_colliding_phrasing() {
    let errors = check_errors("tests/data/broken/collision.toml");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("tests/data/broken/collision.toml:16:45: error: entry `opening`: phrasing \"How many books does the library hold today?\" is answered by entry `size` instead"),
        "{errors:?}"
    );
}

#[test]
fn check_reports_every_schema_problem_not_just_the_first() {
    let errors = check_errors("tests/data/broken/schema.toml");
    assert_eq!(
        errors,
        [
            "tests/data/broken/schema.toml:16:1: error: entry: unknown field `speeker`, expected one of `id`, `voice`, `speaker`, `phrasings`, `quote`",
            "tests/data/broken/schema.toml:23:1: error: entry `size` has 1 phrasing(s); at least 2 are needed",
            "tests/data/broken/schema.toml:28:1: error: entry `books`: voice `own-words` needs a speaker",
            "tests/data/broken/schema.toml:30:1: error: entry `books`: `quote` is empty",
        ]
    );
}

#[test]
fn check_warns_about_unquoted_sentences() {
    let out = verbatim(&["check", "tests/data/broken/collision.toml"], "");
    let text = stdout(&out);
    assert!(text.contains("tests/data/broken/../knowledge/sources/mini-report.txt:3:1: warning: no entry quotes this sentence: \"Updated : 2024-01-05\""), "{text}");
}

#[test]
fn check_reports_every_bare_word_and_says_quotes_are_needed() {
    let out = verbatim(&["check", "tests/data/broken/bare-words.toml"], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "tests/data/broken/bare-words.toml:14:9: error: `voice`: narrative is not a TOML value; text must be in quotes\n  hint: write voice = \"narrative\"\n\
         tests/data/broken/bare-words.toml:20:9: error: `voice`: own-words is not a TOML value; text must be in quotes\n  hint: write voice = \"own-words\"\n\
         2 error(s), 0 warning(s); 0 source(s), 0 entries checked\n"
    );
    // `ask` refuses it with the same errors.
    let out = verbatim(
        &[
            "ask",
            "--knowledge",
            "tests/data/broken/bare-words.toml",
            "books",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bare-words.toml:20:9: error: `voice`: own-words is not a TOML value"),
        "{err}"
    );
    assert!(!err.contains("invalid float"), "{err}");
}

#[test]
fn check_reports_synonyms_that_cannot_match() {
    let errors = check_errors("tests/data/broken/synonyms.toml");
    assert_eq!(
        errors,
        [
            "tests/data/broken/synonyms.toml:12:1: error: synonyms: \"town hall\" is not one word",
            "tests/data/broken/synonyms.toml:17:1: error: synonyms: no word of `means` (\"bookstore\") is in this knowledge's entries, so \"bookshop\" would match nothing",
        ]
    );
}
