//! Parsing one knowledge file into its tables: `[source]`, each `[[speakers]]`, `[[entries]]` and `[[synonyms]]`,
//! either read or with the schema error that kept it from being read.
//!
//! Most files are read by [`scan`](super::scan), a fast reader of the usual way of writing knowledge files;
//! any other file goes to the `toml` crate. It deserializes the whole file in one typed pass; only when that
//! fails (a file with a problem) does the slow path run: the file is parsed into [`toml::Value`] tables and each
//! table is deserialized on its own, so one malformed entry does not hide the problems of the next. All paths
//! give the same tables for a file without problems; the slow one alone decides what is reported.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

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
    fn header(span: Range<usize>) -> At {
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

/// A file that is not a knowledge file at all (TOML syntax, or the top level): where, and the message.
pub(super) struct ParseError {
    pub offset: usize,
    pub message: String,
}

/// The whole file, typed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TypedFile {
    source: Spanned<RawSource>,
    #[serde(default)]
    speakers: Vec<Spanned<RawSpeaker>>,
    #[serde(default)]
    entries: Vec<Spanned<RawEntry>>,
    #[serde(default)]
    synonyms: Vec<Spanned<RawSynonym>>,
}

/// The file's tables as TOML values, read one by one: the slow path.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    source: Spanned<toml::Value>,
    #[serde(default)]
    speakers: Vec<Spanned<toml::Value>>,
    #[serde(default)]
    entries: Vec<Spanned<toml::Value>>,
    #[serde(default)]
    synonyms: Vec<Spanned<toml::Value>>,
}

/// Parses a knowledge file into its tables.
pub(super) fn parse(text: &str) -> Result<Tables, ParseError> {
    if let Some(tables) = super::scan::scan(text) {
        return Ok(tables);
    }
    typed(text).map_or_else(|| slow(text), Ok)
}

/// The file read by the `toml` crate in one typed pass, if it has no problem.
pub(super) fn typed(text: &str) -> Option<Tables> {
    let file = toml::from_str::<TypedFile>(text).ok()?;
    Some(Tables {
        source: read(file.source),
        speakers: file.speakers.into_iter().map(read).collect(),
        entries: file.entries.into_iter().map(read).collect(),
        synonyms: file.synonyms.into_iter().map(read).collect(),
    })
}

/// The file read by the `toml` crate table by table, each with its own problem.
fn slow(text: &str) -> Result<Tables, ParseError> {
    match toml::from_str::<RawFile>(text) {
        Ok(file) => Ok(Tables {
            source: deserialize(file.source),
            speakers: file.speakers.into_iter().map(deserialize).collect(),
            entries: file.entries.into_iter().map(deserialize).collect(),
            synonyms: file.synonyms.into_iter().map(deserialize).collect(),
        }),
        Err(e) => Err(ParseError {
            offset: e.span().map_or(0, |s| s.start),
            message: e.message().trim().to_string(),
        }),
    }
}

/// A table the typed pass read.
fn read<T>(table: Spanned<T>) -> Table<T> {
    Table {
        at: At::header(table.span()),
        value: Ok(table.into_inner()),
    }
}

/// A table of the slow path, deserialized on its own.
fn deserialize<T: for<'de> Deserialize<'de>>(table: Spanned<toml::Value>) -> Table<T> {
    let span = table.span();
    let value = T::deserialize(table.into_inner()).map_err(|e| e.to_string().trim().to_string());
    Table {
        at: At::header(span),
        value,
    }
}
