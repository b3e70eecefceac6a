//! The checks of one knowledge file that need nothing from other files, turning its tables into a list of
//! [`Item`]s in file order. Files are read this way in parallel; [`register`](super::register) then takes the
//! items file by file, in order, for what spans files (ids, repeated phrasings, the source texts).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::parse::{self, At, RawEntry, RawSource, RawSpeaker, RawSynonym, Table};
use super::{EntryLocation, KnowledgeFile, Position};
use crate::diagnostic::Diagnostic;
use crate::knowledge::{Entry, Speaker, Synonym, Voice};
use crate::matcher::normalize::{fold_into, for_each_word};
use crate::text::mix64;

/// What reading one file gave, in file order.
pub(super) enum Item {
    /// A problem.
    Problem(Diagnostic),
    /// The file's source; the items after it count only if it is accepted.
    Source(SourceItem),
    /// A speaker; entries point to the file's speakers by their number among these items.
    Speaker(Speaker),
    /// An entry (its `source` is left 0, its `speaker` is the file's own speaker number), with a key of each
    /// phrasing's words.
    Entry(Entry, EntryLocation, Vec<u64>),
    /// A synonym (its `source` is left 0), and where its `means` is.
    Synonym(Synonym, Position),
}

/// The `[source]` table, read and checked as far as one file allows.
pub(super) struct SourceItem {
    pub raw: RawSource,
    /// Whether its own checks passed.
    pub ok: bool,
    /// Where its `id` is.
    pub here: Position,
    /// Offsets of its `id` key (0 if not found) and its `text` key (else the table's start).
    pub id_offset: usize,
    pub text_offset: usize,
    /// The path of the source text.
    pub text_path: PathBuf,
}

/// Reads one knowledge file into items.
pub(super) fn read_file(file: &KnowledgeFile) -> Vec<Item> {
    let mut reader = FileReader {
        file,
        items: Vec::new(),
        path: Arc::from(file.path.as_path()),
        lines: line_starts(&file.text),
        folded: String::new(),
    };
    match parse::parse(&file.text) {
        Ok(tables) => reader.tables(tables),
        Err(e) => {
            let hint = if e.message.contains("missing field `source`") {
                "every knowledge file starts with a [source] table (id, title, date, text)"
            } else if e.message.contains("unknown field") {
                "the top level holds only [source], [[speakers]], [[entries]] and [[synonyms]]"
            } else {
                "fix the TOML syntax here (strings need closing quotes; arrays need commas)"
            };
            reader.error(e.offset, e.message, hint);
        }
    }
    reader.items
}

/// The 64-bit key of a phrasing's words, to find a phrasing repeated across entries (a false "repeats"
/// would need a collision, about one chance in 10^7 at a million phrasings), and whether it has any word.
/// `folded` is a buffer to reuse.
fn phrasing_key(phrasing: &str, folded: &mut String) -> (u64, bool) {
    // FNV-1a over the words, each followed by a space, then mixed.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut any = false;
    fold_into(folded, phrasing);
    for_each_word(folded, usize::MAX, |w| {
        for &b in w.as_bytes().iter().chain(b" ") {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        any = true;
    });
    (mix64(h), any)
}

/// Byte offsets where the lines of `text` start.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

struct FileReader<'a> {
    file: &'a KnowledgeFile,
    items: Vec<Item>,
    /// The file's path, shared by its positions.
    path: Arc<Path>,
    /// Byte offsets of the file's line starts, so that a position costs a binary search, not a scan.
    lines: Vec<usize>,
    /// A buffer for folding phrasings.
    folded: String,
}

impl FileReader<'_> {
    fn position(&self, offset: usize) -> Position {
        Position::new(
            &self.path,
            &self.file.text,
            &self.lines,
            offset.min(self.file.text.len()),
        )
    }

    fn error(&mut self, offset: usize, message: impl Into<String>, hint: impl Into<String>) {
        let d =
            Diagnostic::error(&self.file.path, &self.file.text, offset, message).with_hint(hint);
        self.items.push(Item::Problem(d));
    }

    fn tables(&mut self, tables: parse::Tables) {
        let Some(source) = self.source(tables.source) else {
            return;
        };
        self.items.push(Item::Source(source));
        let speakers = self.speakers(tables.speakers);
        for table in tables.entries {
            if let Some((entry, location, keys)) = self.entry(table, &speakers) {
                self.items.push(Item::Entry(entry, location, keys));
            }
        }
        for table in tables.synonyms {
            if let Some((synonym, at)) = self.synonym(table) {
                self.items.push(Item::Synonym(synonym, at));
            }
        }
    }

    /// A `[[synonyms]]` table: one or more single words, and the text of the knowledge they stand for.
    fn synonym(&mut self, table: Table<RawSynonym>) -> Option<(Synonym, Position)> {
        let (raw, at) = self.table(table, "synonyms")?;
        let text = &self.file.text;
        let means_at = at.key(text, "means").unwrap_or(at.span.start);
        let mut ok = self.non_empty(&at, "means", &raw.means, "synonyms");
        let mut words = Vec::with_capacity(raw.words.len());
        for word in &raw.words {
            let mut split = Vec::new();
            fold_into(&mut self.folded, word);
            for_each_word(&self.folded, 3, |w| split.push(w.to_string()));
            match split.as_slice() {
                [one] => words.push(one.clone()),
                _ => {
                    let offset = at.key(text, "words").unwrap_or(at.span.start);
                    self.error(
                        offset,
                        format!("synonyms: \"{word}\" is not one word"),
                        "list single words as people type them (\"npc\", \"congress\"); the matcher compares words",
                    );
                    ok = false;
                }
            }
        }
        if raw.words.is_empty() {
            let offset = at.key(text, "words").unwrap_or(at.span.start);
            self.error(
                offset,
                "synonyms: `words` is empty",
                "list the words people type",
            );
            ok = false;
        }
        let synonym = Synonym {
            words,
            means: raw.means,
            source: 0,
        };
        ok.then(|| (synonym, self.position(means_at)))
    }

    /// A table's contents, or its schema error reported at the offending key when it can be found.
    fn table<T>(&mut self, table: Table<T>, what: &str) -> Option<(T, At)> {
        let at = table.at;
        let message = match table.value {
            Ok(value) => return Some((value, at)),
            Err(message) => message,
        };
        let key = message.split('`').nth(1).unwrap_or("");
        let offset = at.key(&self.file.text, key).unwrap_or(at.span.start);
        let hint = if message.contains("unknown field") {
            format!("remove or rename `{key}`; {what} takes only the keys listed in the README")
        } else if message.contains("missing field") {
            format!("add `{key} = ...` to this {what}")
        } else {
            format!("see the README for the type of each key of a {what}")
        };
        self.error(offset, format!("{what}: {message}"), hint);
        None
    }

    fn non_empty(&mut self, at: &At, key: &str, value: &str, what: &str) -> bool {
        if value.trim().is_empty() {
            let offset = at.key(&self.file.text, key).unwrap_or(0);
            self.error(
                offset,
                format!("{what}: `{key}` is empty"),
                format!("write the {key}, or remove the {what}"),
            );
            return false;
        }
        true
    }

    fn source(&mut self, table: Table<RawSource>) -> Option<SourceItem> {
        let (raw, at) = self.table(table, "[source]")?;
        let mut ok = true;
        for (key, value) in [
            ("id", &raw.id),
            ("title", &raw.title),
            ("date", &raw.date),
            ("text", &raw.text),
        ] {
            ok &= self.non_empty(&at, key, value, "[source]");
        }
        let text = &self.file.text;
        let id_at = at.key(text, "id");
        let text_offset = at.key(text, "text").unwrap_or(at.span.start);
        let parent = self.file.path.parent().unwrap_or(Path::new(""));
        Some(SourceItem {
            here: self.position(id_at.unwrap_or(at.span.start)),
            id_offset: id_at.unwrap_or(0),
            text_offset,
            text_path: parent.join(&raw.text),
            ok,
            raw,
        })
    }

    /// Reads the speakers; returns their ids mapped to their numbers in this file.
    fn speakers(&mut self, tables: Vec<Table<RawSpeaker>>) -> HashMap<String, usize> {
        let mut ids = HashMap::new();
        for table in tables {
            let Some((raw, at)) = self.table(table, "speaker") else {
                continue;
            };
            let mut ok = self.non_empty(&at, "id", &raw.id, "speaker");
            ok &= self.non_empty(&at, "name", &raw.name, "speaker");
            if let Some(capacity) = &raw.capacity {
                ok &= self.non_empty(&at, "capacity", capacity, "speaker");
            }
            if ids.contains_key(&raw.id) {
                let offset = at.key(&self.file.text, "id").unwrap_or(0);
                self.error(
                    offset,
                    format!("duplicate speaker id `{}`", raw.id),
                    "give each speaker its own id",
                );
                ok = false;
            }
            if ok {
                ids.insert(raw.id.clone(), ids.len());
                let speaker = Speaker {
                    id: raw.id,
                    name: raw.name,
                    capacity: raw.capacity,
                };
                self.items.push(Item::Speaker(speaker));
            }
        }
        ids
    }

    fn entry(
        &mut self,
        table: Table<RawEntry>,
        speakers: &HashMap<String, usize>,
    ) -> Option<(Entry, EntryLocation, Vec<u64>)> {
        let (raw, at) = self.table(table, "entry")?;
        let text = &self.file.text;
        let what = format!("entry `{}`", raw.id);
        let mut ok = self.non_empty(&at, "id", &raw.id, "entry");
        ok &= self.non_empty(&at, "quote", &raw.quote, &what);
        let start = at.span.start;
        let phrasings_at = at.key(text, "phrasings").unwrap_or(start);
        let mut location = EntryLocation {
            entry: self.position(at.key(text, "id").unwrap_or(start)),
            quote: self.position(at.key(text, "quote").unwrap_or(start)),
            phrasings: Vec::with_capacity(raw.phrasings.len()),
        };
        let mut keys = Vec::with_capacity(raw.phrasings.len());
        for (i, phrasing) in raw.phrasings.iter().enumerate() {
            // Where the parser found it, else the first place its text occurs after the key.
            let offset = at.phrasings.get(i).copied().unwrap_or_else(|| {
                text[phrasings_at..]
                    .find(phrasing.as_str())
                    .map_or(phrasings_at, |i| phrasings_at + i)
            });
            location.phrasings.push(self.position(offset));
            let (key, any_word) = phrasing_key(phrasing, &mut self.folded);
            keys.push(key);
            if !any_word {
                self.error(
                    offset,
                    format!("{what}: a phrasing has no words"),
                    "write a question a person would type",
                );
                ok = false;
            }
        }
        if raw.phrasings.len() < 2 {
            let message = format!(
                "{what} has {} phrasing(s); at least 2 are needed",
                raw.phrasings.len()
            );
            self.error(
                phrasings_at,
                message,
                "add another way a person would ask for this quote",
            );
            ok = false;
        }
        let speaker = match &raw.speaker {
            Some(id) => match speakers.get(id) {
                Some(&index) => Some(index),
                None => {
                    let offset = at.key(text, "speaker").unwrap_or(start);
                    let known: Vec<&str> = speakers.keys().map(String::as_str).collect();
                    let message = format!("{what}: unknown speaker `{id}`");
                    self.error(
                        offset,
                        message,
                        format!(
                            "use one of the [[speakers]] ids of this file: {}",
                            known.join(", ")
                        ),
                    );
                    ok = false;
                    None
                }
            },
            None if matches!(raw.voice, Voice::OwnWords | Voice::Reported) => {
                let offset = at.key(text, "voice").unwrap_or(start);
                let message = format!("{what}: voice `{}` needs a speaker", raw.voice);
                self.error(
                    offset,
                    message,
                    "add `speaker = \"<id>\"`, or use voice narrative or caption",
                );
                ok = false;
                None
            }
            None => None,
        };
        let entry = Entry {
            id: raw.id,
            phrasings: raw.phrasings,
            quote: raw.quote,
            voice: raw.voice,
            speaker,
            source: 0,
        };
        ok.then_some((entry, location, keys))
    }
}
