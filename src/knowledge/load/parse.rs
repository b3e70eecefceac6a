//! Parsing one knowledge file into its tables: `[source]`, each `[[speakers]]`, `[[entries]]` and `[[synonyms]]`,
//! either read or with the schema error that kept it from being read.
//!
//! Most files are read by [`scan`](super::scan), a fast reader of the usual way of writing knowledge files;
//! any other file goes to the `toml` crate. It deserializes the whole file in one typed pass; only when that
//! fails (a file with a problem) does the slow path run: the file is parsed into [`toml::Value`] tables and each
//! table is deserialized on its own, so one malformed entry does not hide the problems of the next. All paths
//! give the same tables for a file without problems; the slow one alone decides what is reported.

use serde::Deserialize;
use toml::Spanned;

pub(super) use super::tables::{At, RawEntry, RawSource, RawSpeaker, RawSynonym, Table, Tables};

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

/// Whether [`scan`](super::scan::scan) agrees with the `toml` crate on `text`: it declines it, or it reads what the typed `toml`
/// pass reads (tables, spans and values) and records each key where the text search finds it. For the tests
/// and the `knowledge_parser` fuzz target.
pub(super) fn agrees(text: &str) -> bool {
    let Some(mut fast) = super::scan::scan(text) else {
        return true;
    };
    let Some(typed) = typed(text) else {
        return false;
    };
    let check = |at: &mut At| {
        let keys = at.keys.take().unwrap_or_default();
        keys.into_iter()
            .all(|(key, offset)| super::key_offset(text, at.span.clone(), key) == Some(offset))
    };
    let mut found = check(&mut fast.source.at);
    for speaker in &mut fast.speakers {
        found &= check(&mut speaker.at);
    }
    for synonym in &mut fast.synonyms {
        found &= check(&mut synonym.at);
    }
    for entry in &mut fast.entries {
        found &= check(&mut entry.at);
        // Each phrasing's text starts right after its opening quote, in order.
        let phrasings = std::mem::take(&mut entry.at.phrasings);
        let count = entry.value.as_ref().map_or(0, |e| e.phrasings.len());
        found &= phrasings.len() == count
            && phrasings.windows(2).all(|w| w[0] < w[1])
            && phrasings
                .iter()
                .all(|&at| matches!(text.as_bytes()[at - 1], b'"' | b'\''));
    }
    found && format!("{fast:?}") == format!("{typed:?}")
}
