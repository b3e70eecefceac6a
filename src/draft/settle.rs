//! Making a draft pass `verbatim check`: phrasings that repeat another entry's, or that the matcher resolves
//! to another entry (or to none), are dropped and replaced from the entry's pool of candidates, until every
//! phrasing finds its own entry. The same [`Matcher`] as `verbatim check` decides, so the draft cannot
//! disagree with the check.

use std::collections::HashSet;
use std::path::PathBuf;

use crate::knowledge::{Entry, Knowledge, Source, Speaker, check};
use crate::matcher::normalize::{fold, words};
use crate::matcher::{Matcher, MatcherConfig, Outcome};

use super::{Draft, MAX_PHRASINGS};

/// At most this many rounds of dropping and refilling.
const ROUNDS: usize = 30;

/// The draft as a [`Knowledge`] (one source, its speakers and entries), as the loader would read it.
///
/// ```
/// use verbatim::draft::{draft, DraftOptions, settle::knowledge};
/// let d = draft("A title\n\nThe library holds 12,000 books.\n", &DraftOptions::default());
/// assert_eq!(knowledge(&d).entries.len(), d.entries.len());
/// ```
pub fn knowledge(draft: &Draft) -> Knowledge {
    let source = Source {
        id: draft.id.clone(),
        title: draft.title.clone(),
        date: draft.date.clone(),
        publisher: None,
        url: None,
        text_path: PathBuf::from(&draft.source_path),
        text: draft.report.clone(),
        skip: draft.skip.clone(),
        file: PathBuf::from("draft.toml"),
    };
    let speakers = draft
        .speakers
        .iter()
        .map(|s| Speaker {
            id: s.id.clone(),
            name: s.name.clone(),
            capacity: s.capacity.clone(),
        })
        .collect();
    let entries = draft
        .entries
        .iter()
        .map(|e| Entry {
            id: e.id.clone(),
            phrasings: e.phrasings.clone(),
            quote: e.quote.clone(),
            voice: e.voice,
            speaker: e.speaker,
            source: 0,
        })
        .collect();
    Knowledge {
        sources: vec![source],
        speakers,
        entries,
        synonyms: Vec::new(),
    }
}

/// Drops colliding phrasings and refills from each entry's pool until every phrasing resolves to its own
/// entry. An entry left with fewer than two phrasings is removed (its sentence then shows as uncovered).
pub fn settle(draft: &mut Draft) {
    // The decision a drafted file gets when it is loaded: the shipped calibration.
    let config = MatcherConfig {
        calibration: crate::knowledge::builtin::calibration(),
        ..MatcherConfig::default()
    };
    for round in 0.. {
        let mut changed = dedupe(draft);
        let knowledge = knowledge(draft);
        let matcher = Matcher::new(&knowledge.documents(), config.clone());
        let mut failures: Vec<(usize, String, String)> = Vec::new();
        for (i, entry) in draft.entries.iter().enumerate() {
            for phrasing in &entry.phrasings {
                let found = matcher.find(phrasing);
                match (found.outcome, found.doc) {
                    (Outcome::Answer, Some(doc)) if doc == i => {}
                    (Outcome::Answer, Some(doc)) => failures.push((
                        i,
                        phrasing.clone(),
                        format!("answered by `{}`", draft.entries[doc].id),
                    )),
                    _ => failures.push((
                        i,
                        phrasing.clone(),
                        format!("scores {:.2}, below the answer threshold", found.score),
                    )),
                }
            }
        }
        for (i, phrasing, why) in failures {
            let entry = &mut draft.entries[i];
            entry.phrasings.retain(|p| *p != phrasing);
            entry.dropped.push((phrasing, why));
            changed = true;
        }
        // Refill for a bounded number of rounds; after that only drop, which must come to rest.
        for entry in draft.entries.iter_mut().filter(|_| round < ROUNDS) {
            while entry.phrasings.len() < MAX_PHRASINGS && !entry.pool.is_empty() {
                entry.phrasings.push(entry.pool.remove(0));
            }
        }
        if !changed {
            break;
        }
    }
    let before = draft.entries.len();
    draft.entries.retain(|e| e.phrasings.len() >= 2);
    if draft.entries.len() != before {
        // Removing entries changes the index: settle the rest again (terminates: entries only decrease).
        settle(draft);
    }
}

/// Removes phrasings that repeat (word for word) one used earlier, in this entry or another.
fn dedupe(draft: &mut Draft) -> bool {
    let mut seen = HashSet::new();
    let mut changed = false;
    for entry in &mut draft.entries {
        let mut kept = Vec::new();
        for phrasing in std::mem::take(&mut entry.phrasings) {
            if seen.insert(words(&fold(&phrasing), usize::MAX).join(" ")) {
                kept.push(phrasing);
            } else {
                changed = true;
            }
        }
        entry.phrasings = kept;
    }
    changed
}

/// The sentences of the report that no entry quotes and `skip` does not list, as `verbatim check` splits
/// them.
pub fn uncovered(draft: &Draft) -> Vec<String> {
    check::uncovered_sentences(&knowledge(draft))
        .into_iter()
        .map(|d| {
            let m = d.message;
            let start = m.find('"').map_or(0, |i| i + 1);
            m[start..]
                .strip_suffix('"')
                .unwrap_or(&m[start..])
                .to_string()
        })
        .collect()
}
