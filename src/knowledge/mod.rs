//! The knowledge base: what verbatim can quote, and from where.
//!
//! A knowledge base is built from one TOML file per source document (see `knowledge/` in the repository and
//! the README's "Knowledge file format"). Each file names its source (title, date, path of the full text), the
//! speakers the source quotes, and a list of entries: question phrasings a person would type, and the verbatim
//! quote that answers them.
//!
//! Layout of this module:
//! - this file: the model ([`Knowledge`], [`Source`], [`Speaker`], [`Entry`], [`Voice`]);
//! - [`load`]: reading files (from disk or the copy compiled into the binary) into the model, with every
//!   problem reported as a [`Diagnostic`](crate::diagnostic::Diagnostic);
//! - [`check`]: the deeper checks of `verbatim check` (verbatim quotes, collisions, coverage);
//! - [`builtin`]: the shipped `knowledge/` directory, compiled in.
//!
//! Nothing here knows about Matrix or async code.

pub mod builtin;
pub mod calibration;
pub mod check;
pub mod load;

use std::fmt;
use std::path::PathBuf;

use crate::matcher::normalize::{fold, is_stop_word, words};
use crate::matcher::{Document, DocumentText, Lexicon, Matcher, MatcherConfig};

/// Whose words a quote is, as the source presents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Voice {
    /// The speaker's own words: inside quotation marks in the source.
    OwnWords,
    /// The source's account of what the speaker said ("X said that ...").
    Reported,
    /// The source's own narrative (no speaker).
    Narrative,
    /// A photo caption.
    Caption,
}

impl fmt::Display for Voice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Voice::OwnWords => "own-words",
            Voice::Reported => "reported",
            Voice::Narrative => "narrative",
            Voice::Caption => "caption",
        })
    }
}

/// A source document: one report, with its full text.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Stable short id, unique across the knowledge base.
    pub id: String,
    /// The document's title, as it gives it.
    pub title: String,
    /// The publication or update date, as the document gives it (e.g. `2023-03-10`).
    pub date: String,
    /// The publisher, only when the text names one.
    pub publisher: Option<String>,
    /// The URL, only when the text gives one.
    pub url: Option<String>,
    /// Where the full text was read from (for messages).
    pub text_path: PathBuf,
    /// The full text of the document.
    pub text: String,
    /// Passages of the text that deliberately no entry quotes (page furniture such as "Print").
    pub skip: Vec<String>,
    /// The knowledge file this source was described in.
    pub file: PathBuf,
}

/// A person (or collective) the source quotes or reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Speaker {
    /// Stable id, unique within its knowledge file.
    pub id: String,
    /// The name as the source gives it ("Hou Yugang", "national legislators and political advisers").
    pub name: String,
    /// The capacity the source describes them in, if any ("a deputy to the National People's Congress ...").
    pub capacity: Option<String>,
}

/// One answerable passage: the phrasings that ask for it and the verbatim quote that answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Stable id, unique across the knowledge base.
    pub id: String,
    /// Questions a person would type to get this quote (at least two).
    pub phrasings: Vec<String>,
    /// The quote, verbatim from the source text.
    pub quote: String,
    /// Whose words these are.
    pub voice: Voice,
    /// Index into [`Knowledge::speakers`], when the quote has a speaker.
    pub speaker: Option<usize>,
    /// Index into [`Knowledge::sources`].
    pub source: usize,
}

/// Words people type for words of one knowledge file (`[[synonyms]]`): report-specific vocabulary, such as
/// "npc" for "National People's Congress", that belongs with the report rather than in the matcher.
#[derive(Debug, Clone, PartialEq)]
pub struct Synonym {
    /// The words people type (folded single words).
    pub words: Vec<String>,
    /// The knowledge's text they stand for ("National People's Congress"): each of its words is an
    /// alternative.
    pub means: String,
    /// Index into [`Knowledge::sources`].
    pub source: usize,
}

/// A loaded knowledge base: every source, speaker and entry of one or more knowledge files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Knowledge {
    /// The source documents, in load order.
    pub sources: Vec<Source>,
    /// The speakers of all files (ids are only unique per file; entries point by index).
    pub speakers: Vec<Speaker>,
    /// The entries of all files, in load order.
    pub entries: Vec<Entry>,
    /// The synonyms of all files, in load order.
    pub synonyms: Vec<Synonym>,
}

impl Knowledge {
    /// The speaker of an entry, if it has one.
    pub fn speaker_of(&self, entry: &Entry) -> Option<&Speaker> {
        entry.speaker.map(|i| &self.speakers[i])
    }

    /// The source of an entry.
    pub fn source_of(&self, entry: &Entry) -> &Source {
        &self.sources[entry.source]
    }

    /// The matcher's view of every entry, in order: its phrasings, and as context its quote and its
    /// speaker's name and capacity.
    pub fn documents(&self) -> Vec<Document> {
        self.entries
            .iter()
            .map(|entry| self.document(entry))
            .collect()
    }

    /// The matcher's view of one entry (see [`Knowledge::documents`]).
    pub fn document(&self, entry: &Entry) -> Document {
        let mut context = vec![entry.quote.clone()];
        if let Some(speaker) = self.speaker_of(entry) {
            context.push(speaker.name.clone());
            context.extend(speaker.capacity.clone());
        }
        let person = entry.speaker.is_some() || entry.voice == Voice::Caption;
        Document {
            phrasings: entry.phrasings.clone(),
            context,
            person,
            passage: Some(passage_key(&entry.quote)),
            speaker: entry.speaker.map(|s| s as u64),
        }
    }

    /// The English lexicon with this knowledge's own synonyms.
    ///
    /// ```
    /// use verbatim::knowledge::{Knowledge, Synonym};
    /// let knowledge = Knowledge {
    ///     synonyms: vec![Synonym { words: vec!["npc".into()], means: "National People's Congress".into(), source: 0 }],
    ///     ..Knowledge::default()
    /// };
    /// assert_eq!(knowledge.lexicon().synonyms("npc"), ["national", "people", "congress"]);
    /// ```
    pub fn lexicon(&self) -> Lexicon {
        let mut lexicon = Lexicon::english();
        for synonym in &self.synonyms {
            let meant = words(&fold(&synonym.means), usize::MAX);
            let meant: Vec<String> = meant.into_iter().filter(|w| !is_stop_word(w)).collect();
            for word in &synonym.words {
                lexicon.add_synonym(word, meant.iter().cloned());
            }
        }
        lexicon
    }

    /// A matcher over every entry, in order: the same as `Matcher::new(&knowledge.documents(), ...)`, but
    /// reading the entries in place instead of copying their text. The knowledge's own synonyms are added to
    /// the configuration's lexicon.
    pub fn matcher(&self, mut config: MatcherConfig) -> Matcher {
        for (asked, meant) in self.lexicon().own_synonyms() {
            config.lexicon.add_synonym(asked, meant.iter().cloned());
        }
        Matcher::build(
            self.entries.iter().map(|entry| EntryText {
                entry,
                speaker: self.speaker_of(entry),
            }),
            config,
        )
    }

    /// Looks an entry up by id (the first, if several sources have an entry of that id).
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// An entry's key, unique across the knowledge base: `source-id/entry-id` (entry ids are unique only within
    /// their source, so that knowledge files compose).
    pub fn key(&self, entry: &Entry) -> String {
        format!("{}/{}", self.sources[entry.source].id, entry.id)
    }

    /// The index of the entry with `key` (see [`Knowledge::key`]), or with id `key` when only one entry has it.
    ///
    /// ```
    /// let knowledge = verbatim::knowledge::builtin::load_builtin().knowledge;
    /// let i = knowledge.find("shandong-manufacturing-2023/headline").unwrap();
    /// assert_eq!(knowledge.find("headline"), Some(i));
    /// assert_eq!(knowledge.find("nope/headline"), None);
    /// ```
    pub fn find(&self, key: &str) -> Option<usize> {
        if let Some((source, id)) = key.split_once('/') {
            return self
                .entries
                .iter()
                .position(|e| e.id == id && self.sources[e.source].id == source);
        }
        let mut found = self.entries.iter().enumerate().filter(|(_, e)| e.id == key);
        match (found.next(), found.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }
}

impl Knowledge {
    /// The part of this knowledge that comes from the sources with ids `source_ids` (in this knowledge's order;
    /// unknown ids are ignored): their entries, the speakers those entries quote (in this knowledge's order),
    /// and their synonyms.
    ///
    /// ```
    /// let knowledge = verbatim::knowledge::builtin::load_builtin().knowledge;
    /// let id = knowledge.sources[0].id.clone();
    /// assert_eq!(knowledge.only(&[id]).entries.len(), knowledge.entries.len());
    /// let none = knowledge.only(&["nope".to_string()]);
    /// assert!(none.sources.is_empty() && none.entries.is_empty() && none.speakers.is_empty());
    /// ```
    pub fn only(&self, source_ids: &[String]) -> Knowledge {
        let mut narrowed = Knowledge::default();
        let mut sources = vec![None; self.sources.len()];
        for (i, source) in self.sources.iter().enumerate() {
            if source_ids.contains(&source.id) {
                sources[i] = Some(narrowed.sources.len());
                narrowed.sources.push(source.clone());
            }
        }
        let kept = |entry: &&Entry| sources[entry.source].is_some();
        let mut speakers = vec![None; self.speakers.len()];
        for s in self.entries.iter().filter(kept).filter_map(|e| e.speaker) {
            speakers[s] = Some(0);
        }
        for (i, speaker) in self.speakers.iter().enumerate() {
            if speakers[i].is_some() {
                speakers[i] = Some(narrowed.speakers.len());
                narrowed.speakers.push(speaker.clone());
            }
        }
        for entry in self.entries.iter().filter(kept) {
            narrowed.entries.push(Entry {
                source: sources[entry.source].unwrap_or_default(),
                speaker: entry.speaker.and_then(|s| speakers[s]),
                ..entry.clone()
            });
        }
        narrowed.synonyms = self
            .synonyms
            .iter()
            .filter_map(|synonym| {
                sources[synonym.source].map(|source| Synonym {
                    source,
                    ..synonym.clone()
                })
            })
            .collect();
        narrowed
    }
}

/// An entry as the matcher reads it (see [`Knowledge::document`]), borrowed.
struct EntryText<'a> {
    entry: &'a Entry,
    speaker: Option<&'a Speaker>,
}

impl DocumentText for EntryText<'_> {
    fn phrasings(&self) -> &[String] {
        &self.entry.phrasings
    }

    fn context(&self) -> impl Iterator<Item = &str> {
        let speaker = self.speaker.into_iter();
        std::iter::once(self.entry.quote.as_str()).chain(
            speaker.flat_map(|s| std::iter::once(s.name.as_str()).chain(s.capacity.as_deref())),
        )
    }

    fn person(&self) -> bool {
        self.entry.speaker.is_some() || self.entry.voice == Voice::Caption
    }

    fn passage(&self) -> Option<u64> {
        Some(passage_key(&self.entry.quote))
    }

    fn speaker(&self) -> Option<u64> {
        self.entry.speaker.map(|s| s as u64)
    }

    fn source(&self) -> Option<u64> {
        Some(self.entry.source as u64)
    }
}

/// Entries with the same quote answer with the same passage: the matcher does not count them as rivals.
fn passage_key(quote: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    quote.trim().hash(&mut hasher);
    hasher.finish()
}
