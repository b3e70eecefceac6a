//! `verbatim draft`: the mechanical part of curating a report into a knowledge file.
//!
//! From a plain-text report, [`draft`] finds the title, the date, page furniture, photo captions and
//! sentences ([`sentences`]); the direct quotes and reported speech of each sentence and who speaks
//! ([`speech`]); resolves speakers across the report ([`speakers`]); drafts question phrasings from each
//! passage's key terms ([`topics`], [`phrasings`]); keeps only the phrasings that the matcher resolves to
//! their own entry ([`settle`]); and writes a knowledge file with every generated field marked for review
//! ([`writer`]). The result passes `verbatim check` without errors; a curator then edits it.

pub mod clauses;
pub mod names;
pub mod phrasings;
pub mod refer;
pub mod sentences;
pub mod settle;
pub mod speakers;
pub mod speech;
pub mod topics;
pub mod writer;

use std::collections::HashMap;

use crate::knowledge::Voice;
use sentences::Kind;
use speakers::{DraftSpeaker, Speakers, slug};
use speech::{Speech, analyze};
use topics::{Vocabulary, topics as topic_runs};

/// What the curator may set on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftOptions {
    /// The title, instead of the report's first line.
    pub title: Option<String>,
    /// The date, instead of the one the report gives.
    pub date: Option<String>,
    /// The source id, instead of one made from the title.
    pub id: Option<String>,
    /// The `text` path written into the draft (relative to the knowledge file), e.g. `sources/report.txt`.
    pub source_path: String,
}

/// One drafted entry.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftEntry {
    /// Entry id.
    pub id: String,
    /// Whose words.
    pub voice: Voice,
    /// Index into [`Draft::speakers`].
    pub speaker: Option<usize>,
    /// The verbatim quote.
    pub quote: String,
    /// The phrasings kept (each resolves to this entry).
    pub phrasings: Vec<String>,
    /// Phrasings dropped because another entry answers them (phrasing, why).
    pub dropped: Vec<(String, String)>,
    /// Candidate phrasings not yet used, best first.
    pub pool: Vec<String>,
    /// Notes for the curator (written as `# review:` comments).
    pub notes: Vec<String>,
}

/// A drafted knowledge file.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Source id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Date ("" when none was found; the writer then leaves a placeholder to fill in).
    pub date: String,
    /// The `text` path of the source.
    pub source_path: String,
    /// The full report text.
    pub report: String,
    /// Page furniture listed under `skip`.
    pub skip: Vec<String>,
    /// Speakers, in order of first mention.
    pub speakers: Vec<DraftSpeaker>,
    /// Entries, in report order.
    pub entries: Vec<DraftEntry>,
    /// Sentences of the report that no entry quotes.
    pub uncovered: Vec<String>,
}

/// Phrasings per entry at most.
pub const MAX_PHRASINGS: usize = 14;

/// Drafts a knowledge file from a report.
///
/// ```
/// use verbatim::draft::{draft, DraftOptions};
/// let report = "Tiny town opens a library\n\nUpdated : 2024-01-05\n\n\
///     \"Books are the best investment a town can make,\" said Ana Lopez, the mayor of Example.\n\n\
///     The library holds 12,000 books, she added.\n";
/// let d = draft(report, &DraftOptions { source_path: "sources/mini.txt".into(), ..Default::default() });
/// assert_eq!(d.date, "2024-01-05");
/// assert_eq!(d.speakers[0].name, "Ana Lopez");
/// assert_eq!(d.speakers[0].capacity.as_deref(), Some("the mayor of Example"));
/// assert!(d.entries.iter().all(|e| e.phrasings.len() >= 2));
/// assert!(d.uncovered.is_empty());
/// ```
pub fn draft(report: &str, options: &DraftOptions) -> Draft {
    let units = sentences::split(report);
    let title = options
        .title
        .clone()
        .or_else(|| first_of(&units, Kind::Title))
        .unwrap_or_default();
    let date_line = first_of(&units, Kind::Date);
    let date = options
        .date
        .clone()
        .or_else(|| date_line.as_deref().and_then(sentences::find_date))
        .unwrap_or_default();
    let id = options
        .id
        .clone()
        .unwrap_or_else(|| source_id(&title, &date));
    let vocabulary = Vocabulary::new(
        units
            .iter()
            .filter(|u| u.kind != Kind::Furniture)
            .map(|u| u.text.as_str()),
    );
    let speeches: Vec<Speech> = units
        .iter()
        .map(|u| {
            if u.kind == Kind::Sentence {
                analyze(&u.text)
            } else {
                Speech::default()
            }
        })
        .collect();
    let mut speakers = Speakers::default();
    let mut resolved = Vec::new();
    for (unit, speech) in units.iter().zip(&speeches) {
        let found = speech.mention.as_ref().and_then(|m| speakers.resolve(m));
        // A quote with no attribution in its sentence is the last speaker's.
        let found = found.or_else(|| {
            (!speech.quotes.is_empty())
                .then(|| speakers.resolve(&speech::Mention::Pronoun("he".into())))
                .flatten()
        });
        resolved.push(found.filter(|_| unit.kind == Kind::Sentence));
    }
    let main_subject = main_subject(&units, &speakers.all);
    let mut draft = Draft {
        id,
        title,
        date,
        source_path: options.source_path.clone(),
        report: report.to_string(),
        skip: units
            .iter()
            .filter(|u| u.kind == Kind::Furniture)
            .map(|u| u.text.clone())
            .collect(),
        speakers: speakers.all.clone(),
        entries: Vec::new(),
        uncovered: Vec::new(),
    };
    let short_names: Vec<Option<String>> = draft
        .speakers
        .iter()
        .map(|s| refer::short_name(s, report))
        .collect();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for ((unit, speech), found) in units.iter().zip(&speeches).zip(&resolved) {
        if unit.kind == Kind::Furniture {
            continue;
        }
        let speaker = found.map(|(i, _)| i);
        let passage = phrasings::Passage {
            kind: unit.kind,
            text: &unit.text,
            speech,
            speaker: speaker.map(|i| &draft.speakers[i]),
            introduces: found.is_some_and(|(_, first)| first),
            main_subject: main_subject.as_deref(),
            speakers: &draft.speakers,
            short_name: speaker.and_then(|i| short_names[i].as_deref()),
        };
        let mut pool = phrasings::candidates(&passage, &vocabulary);
        let voice = match (unit.kind, speaker) {
            (Kind::Caption, _) => Voice::Caption,
            (Kind::Sentence, Some(_)) if !speech.quotes.is_empty() => Voice::OwnWords,
            (Kind::Sentence, Some(_)) => Voice::Reported,
            _ => Voice::Narrative,
        };
        let base = entry_id(unit.kind, &unit.text, passage.speaker, &vocabulary);
        let n = ids.entry(base.clone()).and_modify(|n| *n += 1).or_insert(1);
        let id = if *n == 1 { base } else { format!("{base}-{n}") };
        let notes = notes(unit.kind, speech, passage.speaker, voice);
        let phrasings: Vec<String> = pool.drain(..pool.len().min(MAX_PHRASINGS)).collect();
        draft.entries.push(DraftEntry {
            id,
            voice,
            speaker,
            quote: unit.text.clone(),
            phrasings,
            dropped: Vec::new(),
            pool,
            notes,
        });
    }
    settle::settle(&mut draft);
    draft.uncovered = settle::uncovered(&draft);
    draft
}

fn first_of(units: &[sentences::Unit], kind: Kind) -> Option<String> {
    units
        .iter()
        .find(|u| u.kind == kind)
        .map(|u| u.text.clone())
}

/// A source id from the title's first content words and the year: "shandong-deputies-discuss-2023".
fn source_id(title: &str, date: &str) -> String {
    let base = slug(&content_only(title), 3);
    match date
        .split(['-', '/', ' ', ','])
        .find(|p| p.len() == 4 && p.chars().all(|c| c.is_ascii_digit()))
    {
        Some(year) => format!("{base}-{year}"),
        None => base,
    }
}

/// The words of `text` that are not stop words, joined by spaces.
fn content_only(text: &str) -> String {
    use crate::matcher::normalize::{fold, is_stop_word, words};
    words(&fold(text), usize::MAX)
        .into_iter()
        .filter(|w| !is_stop_word(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// An entry id: "headline", "publication-date", "photo-tractor-assembly", "hou-pollution", "carbon-peak".
fn entry_id(
    kind: Kind,
    text: &str,
    speaker: Option<&DraftSpeaker>,
    vocabulary: &Vocabulary,
) -> String {
    let exclude: Vec<String> = speaker
        .map(|s| s.name.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    let topic = topic_runs(text, vocabulary, &exclude, 2)
        .into_iter()
        .next()
        .unwrap_or_default();
    match (kind, speaker) {
        (Kind::Title, _) => "headline".into(),
        (Kind::Date, _) => "publication-date".into(),
        (Kind::Caption, _) => format!("photo-{}", slug(&topic, 2)),
        (_, Some(s)) => {
            let who = slug(&s.name, if s.collective { 2 } else { 1 });
            format!("{who}-{}", slug(&topic, 2))
        }
        _ => slug(&topic, 3),
    }
}

/// The proper noun the report's sentences name most often, other than a speaker's name.
fn main_subject(units: &[sentences::Unit], speakers: &[DraftSpeaker]) -> Option<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for unit in units.iter().filter(|u| u.kind == Kind::Sentence) {
        for word in unit.text.split_whitespace().skip(1) {
            let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
            let proper = bare.len() > 2
                && bare.chars().next().is_some_and(char::is_uppercase)
                && bare.chars().skip(1).all(char::is_lowercase);
            let speaker = speakers
                .iter()
                .any(|s| s.name.split_whitespace().any(|w| w == bare));
            if proper && !speaker {
                *counts.entry(bare).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .filter(|&(_, n)| n >= 3)
        .max_by_key(|&(w, n)| (n, std::cmp::Reverse(w)))
        .map(|(w, _)| w.to_string())
}

/// The review notes of an entry.
fn notes(kind: Kind, speech: &Speech, speaker: Option<&DraftSpeaker>, voice: Voice) -> Vec<String> {
    let mut notes = Vec::new();
    match kind {
        Kind::Title => notes.push("the report's first line, taken as its headline".to_string()),
        Kind::Date => notes.push("the report's date line".to_string()),
        Kind::Caption => notes.push("a photo caption with its credit".to_string()),
        _ => {}
    }
    if let Some(s) = speaker {
        let how = match &speech.mention {
            Some(speech::Mention::Named { name, .. }) if name != &s.name => {
                format!("resolved from the mention \"{name}\"")
            }
            Some(speech::Mention::Pronoun(p)) => format!("resolved from the pronoun \"{p}\""),
            None => "an unattributed quote, given to the last speaker".to_string(),
            _ => "named in this sentence".to_string(),
        };
        notes.push(format!("voice {voice} and speaker `{}` ({how})", s.id));
    } else if kind == Kind::Sentence {
        notes.push("narrative: no speaker found in this sentence".to_string());
    }
    if speech.reported.len() > 1 || (!speech.quotes.is_empty() && !speech.reported.is_empty()) {
        notes.push(
            "the sentence also reports further speech; consider a second entry for it".to_string(),
        );
    }
    notes
}
