//! The tables of a knowledge file as written (`[source]`, `[[speakers]]`, `[[entries]]`, `[[synonyms]]`), with
//! where each is: what both readers of a file give, [`scan`](super::scan) (the fast reader) and
//! [`parse`](super::parse) (the `toml` crate).

use std::ops::Range;

use serde::Deserialize;

use crate::knowledge::Voice;

/// The `[source]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub id: String,
    pub title: String,
    pub date: String,
    pub text: String,
    pub publisher: Option<String>,
    pub url: Option<String>,
    #[serde(default)]
    pub skip: Vec<String>,
}

/// A `[[speakers]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSpeaker {
    pub id: String,
    pub name: String,
    pub capacity: Option<String>,
}

/// An `[[entries]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEntry {
    pub id: String,
    pub voice: Voice,
    pub speaker: Option<String>,
    pub phrasings: Vec<String>,
    pub quote: String,
}

/// A `[[synonyms]]` table as written: words people type for words of this knowledge.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSynonym {
    pub words: Vec<String>,
    pub means: String,
}

/// One table: where it is in the file, and its contents or the schema error (trimmed message).
#[derive(Debug)]
pub(super) struct Table<T> {
    pub at: At,
    pub value: Result<T, String>,
}

/// Where a table is: its header, and where each of its keys and phrasings is when the parser recorded that
/// (else they are searched for in the text).
#[derive(Debug)]
pub(super) struct At {
    pub span: Range<usize>,
    pub keys: Option<Vec<(&'static str, usize)>>,
    /// Where each phrasing's text starts (an entry read by [`scan`](super::scan)), else empty.
    pub phrasings: Vec<usize>,
}

impl At {
    /// A table whose header is at `span` and whose keys are searched for when needed.
    pub(super) fn header(span: Range<usize>) -> At {
        At {
            span,
            keys: None,
            phrasings: Vec::new(),
        }
    }

    /// The offset of `key = ...` in the table, from the parser's record or else searched for in `text`.
    pub fn key(&self, text: &str, key: &str) -> Option<usize> {
        match &self.keys {
            Some(keys) => keys.iter().find(|(k, _)| *k == key).map(|&(_, at)| at),
            None => super::key_offset(text, self.span.clone(), key),
        }
    }
}

/// A file's tables, in file order.
#[derive(Debug)]
pub(super) struct Tables {
    pub source: Table<RawSource>,
    pub speakers: Vec<Table<RawSpeaker>>,
    pub entries: Vec<Table<RawEntry>>,
    pub synonyms: Vec<Table<RawSynonym>>,
}
