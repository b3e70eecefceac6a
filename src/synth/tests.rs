//! Tests of the generator: determinism, shape, and that its output passes `verbatim check`.

use std::collections::HashSet;
use std::path::Path;

use super::*;
use crate::knowledge::{check, load};
use crate::matcher::MatcherConfig;

/// The knowledge files among generated files, as the loader takes them.
fn knowledge_files(files: &[(PathBuf, String)]) -> Vec<load::KnowledgeFile> {
    files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|x| x == "toml"))
        .map(|(p, text)| load::KnowledgeFile {
            path: p.clone(),
            text: text.clone(),
        })
        .collect()
}

/// A generated file's text by its path, as the loader reads source texts.
fn read_generated(files: &[(PathBuf, String)], path: &Path) -> std::io::Result<String> {
    files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, t)| t.clone())
        .ok_or_else(|| std::io::Error::other("missing"))
}

fn config(entries: usize, seed: u64) -> SynthConfig {
    SynthConfig {
        entries,
        seed,
        questions_per_kind: 25,
    }
}

#[test]
fn same_seed_same_output_and_another_seed_differs() {
    let (a, b, c) = (
        generate(&config(300, 1)),
        generate(&config(300, 1)),
        generate(&config(300, 2)),
    );
    assert_eq!(a.files(), b.files());
    assert_eq!(a.questions, b.questions);
    assert_ne!(a.files(), c.files());
}

#[test]
fn vocabulary_and_entries_have_the_promised_shape() {
    let s = generate(&config(400, 3));
    let distinct: HashSet<&String> = s.vocab.words.iter().chain(&s.vocab.reserved).collect();
    assert!(distinct.len() >= 20_000);
    for e in &s.entries {
        assert!((2..=5).contains(&e.phrasings.len()), "{}", e.id);
        let words = e.quote.split_whitespace().count();
        assert!((15..=60).contains(&words), "{}: {words} words", e.id);
    }
    let with_speaker = s.entries.iter().filter(|e| e.speaker.is_some()).count();
    let speakers: HashSet<usize> = s.entries.iter().filter_map(|e| e.speaker).collect();
    assert!(speakers.len() < with_speaker, "speakers are reused");
    for kind in Kind::ALL {
        assert_eq!(s.questions.iter().filter(|q| q.kind == kind).count(), 25);
    }
    assert!(
        s.questions
            .iter()
            .all(|q| (q.kind == Kind::OutOfScope) == q.entry.is_none())
    );
}

#[test]
fn generated_knowledge_passes_the_checks_at_1k() {
    let s = generate(&config(1_000, 7));
    let files = s.files();
    let knowledge = knowledge_files(&files);
    let read = |path: &Path| read_generated(&files, path);
    let mut loaded = load::load(&knowledge, &read);
    let diagnostics = check::check(&mut loaded, &MatcherConfig::default());
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
    assert_eq!(loaded.knowledge.entries.len(), 1_000);
}

#[test]
fn loading_on_any_number_of_threads_gives_the_same_result() {
    let s = generate(&config(300, 5));
    let files = s.files();
    let mut knowledge = knowledge_files(&files);
    // Problems inside a file and across files: a broken entry, a file repeating another's source (and so
    // every entry), and entries repeating ids and phrasings within one source.
    knowledge[2].text = knowledge[2].text.replacen("quote = ", "quote = 7 #", 1);
    knowledge.push(load::KnowledgeFile {
        path: "knowledge/zz.toml".into(),
        text: knowledge[0].text.clone(),
    });
    let (head, rest) = knowledge[1].text.split_once("[[entries]]").unwrap();
    knowledge[1].text = format!("{head}[[entries]]{rest}\n[[entries]]{rest}");
    let read = |path: &Path| read_generated(&files, path);
    let one = load::load_on(&knowledge, &read, 1);
    assert!(one.diagnostics.len() > 10, "{:?}", one.diagnostics);
    assert!(one.knowledge.entries.len() > 250);
    for threads in [2, 3, 8] {
        let many = load::load_on(&knowledge, &read, threads);
        assert_eq!(many.knowledge, one.knowledge, "{threads} threads");
        assert_eq!(many.locations, one.locations, "{threads} threads");
        assert_eq!(many.diagnostics, one.diagnostics, "{threads} threads");
    }
}

#[test]
fn typo_questions_differ_from_their_phrasing() {
    let s = generate(&config(200, 4));
    for q in s.questions.iter().filter(|q| q.kind == Kind::Typo) {
        let e = &s.entries[q.entry.unwrap()];
        assert!(!e.phrasings.contains(&q.text), "{}", q.text);
    }
}

/// The matcher's documents for generated entries; `keys` gives entry `i`'s passage and speaker keys.
fn documents(
    s: &Synthetic,
    keys: impl Fn(usize) -> (Option<u64>, Option<u64>),
) -> Vec<crate::matcher::Document> {
    s.entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (passage, speaker) = keys(i);
            crate::matcher::Document {
                phrasings: e.phrasings.clone(),
                context: vec![e.quote.clone()],
                person: e.speaker.is_some(),
                passage,
                speaker,
            }
        })
        .collect()
}

#[test]
fn pruned_ranking_agrees_with_scoring_every_candidate() {
    use crate::matcher::{Matcher, Outcome};
    let s = generate(&SynthConfig {
        entries: 2_000,
        seed: 11,
        questions_per_kind: 60,
    });
    let docs = documents(&s, |_| (None, None));
    let config = MatcherConfig::default();
    let matcher = Matcher::new(&docs, config.clone());
    for q in &s.questions {
        let found = matcher.find(&q.text);
        let every = matcher.explain(&q.text, usize::MAX);
        let best = every.first().map_or(0.0, |b| b.score);
        if best >= crate::matcher::SUGGEST_FLOOR {
            assert!(
                (found.score - best).abs() < 1e-9,
                "{:?}: {} vs {best}",
                q.text,
                found.score
            );
            if found.outcome == Outcome::Answer {
                assert_eq!(found.doc, Some(every[0].doc), "{:?}", q.text);
            } else {
                let wanted: Vec<usize> = every
                    .iter()
                    .take(config.max_suggestions)
                    .map(|s| s.doc)
                    .collect();
                let got: Vec<usize> = found.suggestions.iter().map(|s| s.doc).collect();
                assert!(
                    wanted.starts_with(&got),
                    "{:?}: {got:?} vs {wanted:?}",
                    q.text
                );
            }
        } else {
            assert!(found.suggestions.is_empty(), "{:?}", q.text);
            assert!(
                found.score <= best + 1e-9,
                "{:?}: {} > {best}",
                q.text,
                found.score
            );
        }
        let top = matcher.explain(&q.text, 3);
        for (a, b) in top.iter().zip(&every) {
            assert!(
                (a.score - b.score).abs() < 1e-9 && a.doc == b.doc,
                "{:?}",
                q.text
            );
        }
    }
}

#[test]
fn ranking_stopped_once_the_answer_is_settled_decides_as_scoring_every_candidate() {
    use crate::matcher::{Matcher, Outcome};
    let s = generate(&SynthConfig {
        entries: 2_000,
        seed: 12,
        questions_per_kind: 60,
    });
    // Entries share passages and speakers (several per speaker), so margins and rivals both matter.
    let docs = documents(&s, |i| (Some((i / 2) as u64), Some((i % 7) as u64)));
    let config = MatcherConfig {
        calibration: crate::knowledge::builtin::calibration(),
        ..MatcherConfig::default()
    };
    let matcher = Matcher::new(&docs, config);
    let (mut answered, mut stopped) = (0, 0);
    for q in &s.questions {
        let (fast, exact) = (matcher.inspect(&q.text), matcher.inspect_exact(&q.text));
        let (a, b) = (matcher.decide(&fast), matcher.decide(&exact));
        assert_eq!((a.outcome, a.doc), (b.outcome, b.doc), "{:?}", q.text);
        assert_eq!(a.suggestions, b.suggestions, "{:?}", q.text);
        assert_eq!(fast.ranked.first(), exact.ranked.first(), "{:?}", q.text);
        assert!(
            fast.features.margin <= exact.features.margin + 1e-9
                && fast.confidence <= exact.confidence + 1e-9,
            "{:?}: {:?} vs {:?}",
            q.text,
            fast.features,
            exact.features
        );
        if fast.ranked != exact.ranked {
            // Stopped early: only ever for an answer.
            assert_eq!(a.outcome, Outcome::Answer, "{:?}", q.text);
            stopped += 1;
        }
        answered += usize::from(a.outcome == Outcome::Answer);
    }
    assert!(answered > s.questions.len() / 2, "{answered}");
    assert!(stopped > 0, "no ranking stopped early");
}
