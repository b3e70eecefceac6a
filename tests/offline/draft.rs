//! `verbatim draft` measured on the shipped report and on two fixture reports written for these tests
//! (`tests/data/reports/`): speakers and capacities, coverage of every sentence, a clean `verbatim check`,
//! review comments, and (for the shipped report) answer quality on the development set with no hand edits.

use std::path::{Path, PathBuf};
use std::process::Command;

use verbatim::answer::Engine;
use verbatim::answer::Outcome;
use verbatim::draft::{Draft, DraftOptions, draft, writer};
use verbatim::knowledge::{Voice, builtin, check, load};
use verbatim::matcher::MatcherConfig;

const SHIPPED: &str =
    "knowledge/sources/shandong-deputies-discuss-boosting-manufacturing-strength.txt";

/// The text of a file of the repository.
pub(crate) fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The unedited draft of the report at `path`, its text to be placed under `sources/`.
pub(crate) fn draft_of(path: &str) -> Draft {
    let name = Path::new(path).file_name().unwrap().to_string_lossy();
    draft(
        &read(path),
        &DraftOptions {
            source_path: format!("sources/{name}"),
            ..Default::default()
        },
    )
}

/// Writes the draft as `dir/draft.toml` with the report under `dir/sources/`, as a curator would place it.
pub(crate) fn place(draft: &Draft, report: &str, dir: &Path) -> PathBuf {
    let source = dir.join(&draft.source_path);
    std::fs::create_dir_all(source.parent().unwrap()).unwrap();
    std::fs::write(&source, report).unwrap();
    let path = dir.join("draft.toml");
    std::fs::write(&path, writer::to_toml(draft)).unwrap();
    path
}

/// Loads and checks a placed draft: (errors, warnings).
fn check_placed(path: &Path) -> (Vec<String>, Vec<String>) {
    let mut loaded = load::load_paths(&[path.to_path_buf()]);
    let diagnostics = check::check(&mut loaded, &MatcherConfig::default());
    let (errors, warnings): (Vec<_>, Vec<_>) = diagnostics.iter().partition(|d| d.is_error());
    (
        errors.iter().map(|d| d.to_string()).collect(),
        warnings.iter().map(|d| d.to_string()).collect(),
    )
}

fn speakers(draft: &Draft) -> Vec<(String, Option<String>)> {
    draft
        .speakers
        .iter()
        .map(|s| (s.name.clone(), s.capacity.clone()))
        .collect()
}

fn speaker_of<'d>(draft: &'d Draft, quote_start: &str) -> Option<&'d str> {
    let entry = draft
        .entries
        .iter()
        .find(|e| e.quote.starts_with(quote_start))
        .expect("an entry quotes it");
    entry.speaker.map(|i| draft.speakers[i].name.as_str())
}

#[test]
fn shipped_report_every_speaker_with_the_curated_capacity() {
    let drafted = draft_of(SHIPPED);
    let curated = builtin::load_builtin().knowledge;
    let expected: Vec<(String, Option<String>)> = curated
        .speakers
        .iter()
        .map(|s| (s.name.clone(), s.capacity.clone()))
        .collect();
    assert_eq!(speakers(&drafted), expected);
    assert_eq!(drafted.title, curated.sources[0].title);
    assert_eq!(drafted.date, curated.sources[0].date);
    assert_eq!(speaker_of(&drafted, "\"Only by making"), Some("Hou Yugang"));
    assert_eq!(
        speaker_of(&drafted, "Wang also suggested"),
        Some("Wang Gang")
    );
    assert_eq!(speaker_of(&drafted, "Zhou suggested"), Some("Zhou Yunjie"));
    assert_eq!(
        speaker_of(&drafted, "As a major"),
        Some("national legislators and political advisers")
    );
    assert_eq!(speaker_of(&drafted, "In Shandong, the installed"), None);
}

#[test]
fn shipped_report_every_sentence_quoted_and_check_clean() {
    let drafted = draft_of(SHIPPED);
    assert!(drafted.uncovered.is_empty(), "{:?}", drafted.uncovered);
    assert_eq!(drafted.skip, ["(|", "Print Print"]);
    let dir = tempfile::tempdir().unwrap();
    let path = place(&drafted, &read(SHIPPED), dir.path());
    let (errors, warnings) = check_placed(&path);
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(
        warnings.is_empty(),
        "every sentence is quoted or skipped: {warnings:#?}"
    );
    let voices: Vec<Voice> = drafted.entries.iter().map(|e| e.voice).collect();
    assert_eq!(voices.iter().filter(|v| **v == Voice::Caption).count(), 2);
    assert!(
        drafted
            .entries
            .iter()
            .any(|e| e.quote == "Updated : 2023-03-10")
    );
    for name in ["Hou Yugang", "Wang Gang", "Zhou Yunjie"] {
        let who = format!("Who is {name}?");
        assert_eq!(
            drafted
                .entries
                .iter()
                .filter(|e| e.phrasings.contains(&who))
                .count(),
            1,
            "{who}"
        );
    }
}

#[test]
fn shipped_report_draft_scores_at_least_85_percent_in_scope_unedited() {
    let drafted = draft_of(SHIPPED);
    let dir = tempfile::tempdir().unwrap();
    let path = place(&drafted, &read(SHIPPED), dir.path());
    let (engine, _) = Engine::load(&[path], MatcherConfig::default()).expect("the draft loads");
    let fold = |t: &str| {
        t.to_lowercase()
            .replace(['\u{201c}', '\u{201d}'], "\"")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (mut right, mut total, mut wrong_out) = (0, 0, 0);
    for line in read("tests/data/dev-questions.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let item: serde_json::Value = serde_json::from_str(line).unwrap();
        let reply = engine.ask(item["q"].as_str().unwrap());
        if item["kind"] != "in" {
            wrong_out += usize::from(reply.outcome == Outcome::Answer);
            continue;
        }
        total += 1;
        let text = reply
            .quoted()
            .map(|q| fold(&format!("{} {}", q.quote, q.source)))
            .unwrap_or_default();
        let ok = reply.outcome == Outcome::Answer
            && item["expect"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| text.contains(&fold(e.as_str().unwrap())));
        right += usize::from(ok);
        if !ok {
            println!("miss: {}", item["q"]);
        }
    }
    let percent = 100.0 * right as f64 / total as f64;
    println!(
        "in-scope {right}/{total} = {percent:.1}%; out-of-scope or near-miss answered: {wrong_out}"
    );
    assert!(percent >= 85.0, "in-scope {percent:.1}%");
    assert!(
        wrong_out <= 1,
        "{wrong_out} out-of-scope or near-miss questions answered"
    );
}

#[test]
fn generated_fields_are_marked_for_review() {
    let text = writer::to_toml(&draft_of(SHIPPED));
    let entries = text.matches("[[entries]]").count();
    let speakers = text.matches("[[speakers]]").count();
    assert!(entries >= 14);
    // One review note on the phrasings of every entry, one on every speaker, one on the id, one on skip.
    let reviews = text.matches("# review:").count();
    assert!(
        reviews >= 2 * entries + speakers + 2,
        "{reviews} review comments"
    );
    assert!(text.contains(
        "text = \"sources/shandong-deputies-discuss-boosting-manufacturing-strength.txt\""
    ));
}

#[test]
fn riverton_fixture_speakers_pronouns_and_caption() {
    let drafted = draft_of("tests/data/reports/riverton-bridge.txt");
    assert_eq!(
        drafted.title,
        "Riverton opens new pedestrian bridge after two years of work"
    );
    assert_eq!(drafted.date, "2024-05-02");
    assert_eq!(
        speakers(&drafted),
        [
            (
                "Maria Okafor".to_string(),
                Some("the mayor of Riverton".to_string())
            ),
            ("the city's public works department".to_string(), None),
            (
                "Alan Brooks".to_string(),
                Some("a professor of civil engineering at Riverton University".to_string())
            ),
        ]
    );
    assert_eq!(
        speaker_of(&drafted, "\"We tested every cable"),
        Some("Alan Brooks")
    );
    assert_eq!(
        speaker_of(&drafted, "Okafor said the city"),
        Some("Maria Okafor")
    );
    assert_eq!(speaker_of(&drafted, "\"People asked"), Some("Maria Okafor"));
    assert_eq!(
        speaker_of(&drafted, "\"This bridge is about"),
        Some("Maria Okafor"),
        "a quote spanning two sentences stays whole"
    );
    let caption = drafted
        .entries
        .iter()
        .find(|e| e.voice == Voice::Caption)
        .unwrap();
    assert!(caption.quote.ends_with("[Photo by Tom Reyes]"));
    assert!(
        caption
            .phrasings
            .contains(&"photo credit Tom Reyes".to_string()),
        "{:?}",
        caption.phrasings
    );
    assert_eq!(drafted.skip, ["Share"]);
    assert_placed_draft_is_clean(&drafted, "tests/data/reports/riverton-bridge.txt");
}

#[test]
fn lakeside_fixture_speakers_pronouns_and_collective() {
    let drafted = draft_of("tests/data/reports/lakeside-robotics.txt");
    assert_eq!(drafted.date, "2024-11-18");
    assert_eq!(
        speakers(&drafted),
        [
            (
                "Priya Nair".to_string(),
                Some("the team captain and a senior at Lakeside High School".to_string())
            ),
            (
                "Daniel Kim".to_string(),
                Some("the team's coach and a physics teacher at the school".to_string())
            ),
            ("school officials".to_string(), None),
        ]
    );
    assert_eq!(
        speaker_of(&drafted, "He added that the school"),
        Some("Daniel Kim")
    );
    assert_eq!(
        speaker_of(&drafted, "Nair said she hopes"),
        Some("Priya Nair")
    );
    assert_eq!(
        speaker_of(&drafted, "\"Next year we want"),
        Some("Priya Nair")
    );
    assert_eq!(speaker_of(&drafted, "Their robot, named Heron"), None);
    assert!(
        drafted
            .entries
            .iter()
            .any(|e| e.quote.contains("Nov. 16, 2024. [Photo/Lakeside Gazette]")),
        "\"Nov.\" ends no sentence"
    );
    assert_placed_draft_is_clean(&drafted, "tests/data/reports/lakeside-robotics.txt");
}

fn assert_placed_draft_is_clean(drafted: &Draft, report: &str) {
    assert!(drafted.uncovered.is_empty(), "{:?}", drafted.uncovered);
    assert!(drafted.entries.iter().all(|e| e.phrasings.len() >= 2));
    let dir = tempfile::tempdir().unwrap();
    let (errors, _) = check_placed(&place(drafted, &read(report), dir.path()));
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn the_generator_holds_no_development_question() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/draft");
    let sources: String = std::fs::read_dir(dir)
        .unwrap()
        .map(|f| {
            std::fs::read_to_string(f.unwrap().path())
                .unwrap()
                .to_lowercase()
        })
        .collect();
    for line in read("tests/data/dev-questions.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let item: serde_json::Value = serde_json::from_str(line).unwrap();
        let q = item["q"].as_str().unwrap().to_lowercase();
        if q.split_whitespace().count() < 4 {
            continue; // a name or a bare term may appear in examples
        }
        assert!(
            !sources.contains(&q),
            "src/draft holds the development question {q:?}"
        );
    }
}

#[test]
fn cli_draft_prints_a_knowledge_file_with_the_source_path() {
    let out = Command::new(env!("CARGO_BIN_EXE_verbatim"))
        .args([
            "draft",
            "tests/data/reports/riverton-bridge.txt",
            "--source-path",
            "sources/bridge.txt",
            "--id",
            "bridge",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("id = \"bridge\"\n"), "{text}");
    assert!(text.contains("text = \"sources/bridge.txt\"\n"));
    let summary = String::from_utf8(out.stderr).unwrap();
    assert!(
        summary.contains("speaker: Maria Okafor (the mayor of Riverton)"),
        "{summary}"
    );
    assert!(summary.contains("0 uncovered sentence(s)"), "{summary}");
}
