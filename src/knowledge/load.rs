//! Reading knowledge files into a [`Knowledge`], collecting every problem as a [`Diagnostic`].
//!
//! Each file is parsed as TOML once; its `[source]`, each `[[speakers]]` and each `[[entries]]` table is then
//! read on its own, so one malformed entry does not hide the problems of the next. Positions of the pieces
//! (`path:line:col`) are kept in [`Locations`] for the deeper checks of [`check`](super::check).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::{Entry, Knowledge, Source, Speaker, Voice};
use crate::diagnostic::{Diagnostic, line_col};
use crate::matcher::normalize::{fold, for_each_word, words};

/// One knowledge file's path and contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnowledgeFile {
    /// Where it was read from (as shown in messages).
    pub path: PathBuf,
    /// Its contents.
    pub text: String,
}

/// A position in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// The file (shared by every position in it: a large knowledge base has hundreds of thousands).
    pub path: Arc<Path>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

impl Default for Position {
    fn default() -> Position {
        Position {
            path: Arc::from(Path::new("")),
            line: 0,
            col: 0,
        }
    }
}

impl Position {
    /// The position of byte `offset` of `text` (read from `path`), whose line starts are `lines` (see
    /// `line_starts`).
    fn new(path: &Arc<Path>, text: &str, lines: &[usize], offset: usize) -> Position {
        let line = lines.partition_point(|&start| start <= offset).max(1);
        let start = lines[line - 1];
        let (_, col) = line_col(&text[start..], offset - start);
        Position {
            path: path.clone(),
            line,
            col,
        }
    }

    /// A diagnostic at this position.
    pub fn diagnostic(
        &self,
        severity: crate::diagnostic::Severity,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, col) = (self.line, self.col);
        Diagnostic {
            path: self.path.to_path_buf(),
            line,
            col,
            severity,
            message: message.into(),
            hint: None,
        }
    }
}

/// Where each entry's pieces are, parallel to [`Knowledge::entries`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Locations {
    /// Per entry: the entry's table, its quote, and each phrasing.
    pub entries: Vec<EntryLocation>,
}

/// Where one entry's pieces are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntryLocation {
    /// The `[[entries]]` table.
    pub entry: Position,
    /// The `quote` key.
    pub quote: Position,
    /// Each phrasing string.
    pub phrasings: Vec<Position>,
}

/// The result of loading: whatever could be read, and every problem found.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The knowledge that could be read (entries with errors are left out).
    pub knowledge: Knowledge,
    /// Positions of the entries in `knowledge`.
    pub locations: Locations,
    /// Every problem, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    source: Spanned<toml::Value>,
    #[serde(default)]
    speakers: Vec<Spanned<toml::Value>>,
    #[serde(default)]
    entries: Vec<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: String,
    title: String,
    date: String,
    text: String,
    publisher: Option<String>,
    url: Option<String>,
    #[serde(default)]
    skip: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpeaker {
    id: String,
    name: String,
    capacity: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: String,
    voice: Voice,
    speaker: Option<String>,
    phrasings: Vec<String>,
    quote: String,
}

/// Reads knowledge files. `read_source` reads a source's full text given the path written in the knowledge
/// file joined to the knowledge file's directory.
pub fn load(
    files: &[KnowledgeFile],
    read_source: &dyn Fn(&Path) -> std::io::Result<String>,
) -> Loaded {
    let mut loaded = Loaded::default();
    let mut entry_ids: HashMap<String, Position> = HashMap::new();
    let mut phrasing_owner: HashMap<u64, (Arc<str>, Position)> = HashMap::new();
    let mut source_ids: HashMap<String, Position> = HashMap::new();
    for file in files {
        let (path, lines) = (Arc::from(file.path.as_path()), line_starts(&file.text));
        let mut reader = FileReader {
            file,
            loaded: &mut loaded,
            path,
            lines,
        };
        let Some(mut raw) = reader.parse() else {
            continue;
        };
        let Some(source) = reader.source(&mut raw.source, read_source, &mut source_ids) else {
            continue;
        };
        let speakers = reader.speakers(&mut raw.speakers);
        for table in &mut raw.entries {
            if let Some((entry, location)) = reader.entry(table, source, &speakers) {
                reader.register(entry, location, &mut entry_ids, &mut phrasing_owner);
            }
        }
    }
    loaded
}

/// Reads the `.toml` files named by `paths` (files, or directories whose `*.toml` files are read in name
/// order) from disk, and their sources.
pub fn load_paths(paths: &[PathBuf]) -> Loaded {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let listed = if path.is_dir() {
            match std::fs::read_dir(path) {
                Ok(dir) => {
                    let mut found: Vec<PathBuf> = dir
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
                        .collect();
                    found.sort();
                    if found.is_empty() {
                        problems.push(
                            Diagnostic::error(
                                path,
                                "",
                                0,
                                "no knowledge files (*.toml) in this directory",
                            )
                            .with_hint("add a knowledge file, or name the right directory"),
                        );
                    }
                    found
                }
                Err(e) => {
                    problems.push(Diagnostic::error(
                        path,
                        "",
                        0,
                        format!("cannot read directory: {e}"),
                    ));
                    Vec::new()
                }
            }
        } else {
            vec![path.clone()]
        };
        for p in listed {
            match std::fs::read_to_string(&p) {
                Ok(text) => files.push(KnowledgeFile { path: p, text }),
                Err(e) => problems.push(
                    Diagnostic::error(&p, "", 0, format!("cannot read knowledge file: {e}"))
                        .with_hint("check the path and its permissions"),
                ),
            }
        }
    }
    let mut loaded = load(&files, &|p| std::fs::read_to_string(p));
    problems.append(&mut loaded.diagnostics);
    loaded.diagnostics = problems;
    loaded
}

struct FileReader<'a> {
    file: &'a KnowledgeFile,
    loaded: &'a mut Loaded,
    /// The file's path, shared by its positions.
    path: Arc<Path>,
    /// Byte offsets of the file's line starts, so that a position costs a binary search, not a scan.
    lines: Vec<usize>,
}

/// Byte offsets where the lines of `text` start.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
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
        self.loaded.diagnostics.push(d);
    }

    fn parse(&mut self) -> Option<RawFile> {
        match toml::from_str::<RawFile>(&self.file.text) {
            Ok(raw) => Some(raw),
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                let message = e.message().trim().to_string();
                let hint = if message.contains("missing field `source`") {
                    "every knowledge file starts with a [source] table (id, title, date, text)"
                } else if message.contains("unknown field") {
                    "the top level holds only [source], [[speakers]] and [[entries]]"
                } else {
                    "fix the TOML syntax here (strings need closing quotes; arrays need commas)"
                };
                self.error(offset, message, hint);
                None
            }
        }
    }

    /// Deserializes one table (taking its value out, to spare a copy), reporting a schema error at the
    /// offending key when it can be found.
    fn table<T: for<'de> Deserialize<'de>>(
        &mut self,
        table: &mut Spanned<toml::Value>,
        what: &str,
    ) -> Option<T> {
        let value = std::mem::replace(table.get_mut(), toml::Value::Boolean(false));
        match T::deserialize(value) {
            Ok(value) => Some(value),
            Err(e) => {
                let message = e.to_string().trim().to_string();
                let key = message.split('`').nth(1).unwrap_or("");
                let offset =
                    key_offset(&self.file.text, table.span(), key).unwrap_or(table.span().start);
                let hint = if message.contains("unknown field") {
                    format!(
                        "remove or rename `{key}`; {what} takes only the keys listed in the README"
                    )
                } else if message.contains("missing field") {
                    format!("add `{key} = ...` to this {what}")
                } else {
                    format!("see the README for the type of each key of a {what}")
                };
                self.error(offset, format!("{what}: {message}"), hint);
                None
            }
        }
    }

    fn non_empty(
        &mut self,
        span: std::ops::Range<usize>,
        key: &str,
        value: &str,
        what: &str,
    ) -> bool {
        if value.trim().is_empty() {
            let offset = key_offset(&self.file.text, span, key).unwrap_or(0);
            self.error(
                offset,
                format!("{what}: `{key}` is empty"),
                format!("write the {key}, or remove the {what}"),
            );
            return false;
        }
        true
    }

    fn source(
        &mut self,
        table: &mut Spanned<toml::Value>,
        read_source: &dyn Fn(&Path) -> std::io::Result<String>,
        ids: &mut HashMap<String, Position>,
    ) -> Option<usize> {
        let raw: RawSource = self.table(table, "[source]")?;
        let span = table.span();
        let mut ok = true;
        for (key, value) in [
            ("id", &raw.id),
            ("title", &raw.title),
            ("date", &raw.date),
            ("text", &raw.text),
        ] {
            ok &= self.non_empty(span.clone(), key, value, "[source]");
        }
        let here =
            self.position(key_offset(&self.file.text, span.clone(), "id").unwrap_or(span.start));
        if let Some(first) = ids.get(&raw.id) {
            let message = format!(
                "duplicate source id `{}` (first used at {}:{})",
                raw.id,
                first.path.display(),
                first.line
            );
            self.error(
                key_offset(&self.file.text, span.clone(), "id").unwrap_or(0),
                message,
                "give each source its own id",
            );
            ok = false;
        }
        let text_path = self
            .file
            .path
            .parent()
            .unwrap_or(Path::new(""))
            .join(&raw.text);
        let text = match read_source(&text_path) {
            Ok(text) => Some(text),
            Err(e) => {
                let offset =
                    key_offset(&self.file.text, span.clone(), "text").unwrap_or(span.start);
                let message = format!("cannot read the source text {}: {e}", text_path.display());
                self.error(
                    offset,
                    message,
                    "`text` is a path relative to this knowledge file (e.g. sources/report.txt)",
                );
                None
            }
        };
        if !ok {
            return None;
        }
        ids.insert(raw.id.clone(), here);
        self.loaded.knowledge.sources.push(Source {
            id: raw.id,
            title: raw.title,
            date: raw.date,
            publisher: raw.publisher.filter(|p| !p.trim().is_empty()),
            url: raw.url.filter(|u| !u.trim().is_empty()),
            text_path,
            text: text?,
            skip: raw.skip,
            file: self.file.path.clone(),
        });
        Some(self.loaded.knowledge.sources.len() - 1)
    }

    /// Reads the speakers; returns their ids mapped to indexes into `Knowledge::speakers`.
    fn speakers(&mut self, tables: &mut [Spanned<toml::Value>]) -> HashMap<String, usize> {
        let mut ids = HashMap::new();
        for table in tables {
            let Some(raw) = self.table::<RawSpeaker>(table, "speaker") else {
                continue;
            };
            let span = table.span();
            let mut ok = self.non_empty(span.clone(), "id", &raw.id, "speaker");
            ok &= self.non_empty(span.clone(), "name", &raw.name, "speaker");
            if let Some(capacity) = &raw.capacity {
                ok &= self.non_empty(span.clone(), "capacity", capacity, "speaker");
            }
            if ids.contains_key(&raw.id) {
                let offset = key_offset(&self.file.text, span, "id").unwrap_or(0);
                self.error(
                    offset,
                    format!("duplicate speaker id `{}`", raw.id),
                    "give each speaker its own id",
                );
                ok = false;
            }
            if ok {
                ids.insert(raw.id.clone(), self.loaded.knowledge.speakers.len());
                let speaker = Speaker {
                    id: raw.id,
                    name: raw.name,
                    capacity: raw.capacity,
                };
                self.loaded.knowledge.speakers.push(speaker);
            }
        }
        ids
    }

    fn entry(
        &mut self,
        table: &mut Spanned<toml::Value>,
        source: usize,
        speakers: &HashMap<String, usize>,
    ) -> Option<(Entry, EntryLocation)> {
        let raw: RawEntry = self.table(table, "entry")?;
        let span = table.span();
        let text = &self.file.text;
        let what = format!("entry `{}`", raw.id);
        let mut ok = self.non_empty(span.clone(), "id", &raw.id, "entry");
        ok &= self.non_empty(span.clone(), "quote", &raw.quote, &what);
        let phrasings_at = key_offset(text, span.clone(), "phrasings").unwrap_or(span.start);
        let mut location = EntryLocation {
            entry: self.position(key_offset(text, span.clone(), "id").unwrap_or(span.start)),
            quote: self.position(key_offset(text, span.clone(), "quote").unwrap_or(span.start)),
            phrasings: Vec::new(),
        };
        for phrasing in &raw.phrasings {
            let offset = text[phrasings_at..]
                .find(phrasing.as_str())
                .map_or(phrasings_at, |i| phrasings_at + i);
            location.phrasings.push(self.position(offset));
            if words(&fold(phrasing), usize::MAX).is_empty() {
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
                    let offset = key_offset(text, span.clone(), "speaker").unwrap_or(span.start);
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
                let offset = key_offset(text, span.clone(), "voice").unwrap_or(span.start);
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
            source,
        };
        ok.then_some((entry, location))
    }

    fn register(
        &mut self,
        entry: Entry,
        location: EntryLocation,
        ids: &mut HashMap<String, Position>,
        phrasings: &mut HashMap<u64, (Arc<str>, Position)>,
    ) {
        let mut ok = true;
        if let Some(first) = ids.get(&entry.id) {
            let message = format!(
                "duplicate entry id `{}` (first used at {}:{})",
                entry.id,
                first.path.display(),
                first.line
            );
            self.loaded.diagnostics.push(
                location
                    .entry
                    .diagnostic(crate::diagnostic::Severity::Error, message)
                    .with_hint("give each entry its own id"),
            );
            ok = false;
        }
        let owner: Arc<str> = entry.id.as_str().into();
        for (phrasing, at) in entry.phrasings.iter().zip(&location.phrasings) {
            // The words, hashed: a 64-bit hash keeps the map small for large knowledge (a false "repeats" would
            // need a collision, about one chance in 10^8 at a million phrasings).
            let mut hasher = std::hash::DefaultHasher::new();
            for_each_word(&fold(phrasing), usize::MAX, |w| (w, ' ').hash(&mut hasher));
            let key = hasher.finish();
            match phrasings.get(&key) {
                Some((owner, first)) => {
                    let message = format!(
                        "entry `{}`: phrasing \"{phrasing}\" repeats one of entry `{owner}` ({}:{})",
                        entry.id,
                        first.path.display(),
                        first.line
                    );
                    let hint =
                        "a phrasing must ask for one entry only: reword it or remove one copy";
                    self.loaded.diagnostics.push(
                        at.diagnostic(crate::diagnostic::Severity::Error, message)
                            .with_hint(hint),
                    );
                    ok = false;
                }
                None => {
                    phrasings.insert(key, (owner.clone(), at.clone()));
                }
            }
        }
        if ok {
            ids.insert(entry.id.clone(), location.entry.clone());
            self.loaded.knowledge.entries.push(entry);
            self.loaded.locations.entries.push(location);
        }
    }
}

/// The offset of the line `key = ...` inside the table that starts at `span` (a table's span may cover only its
/// header, so the search runs on to the next table header).
fn key_offset(text: &str, span: std::ops::Range<usize>, key: &str) -> Option<usize> {
    if key.is_empty() {
        return None;
    }
    let start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut offset = start;
    for (n, line) in text[start..].split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        if n > 0 && offset >= span.end && is_table_header(trimmed) {
            return None;
        }
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(offset + (line.len() - trimmed.len()));
        }
        offset += line.len();
    }
    None
}

/// Whether a line is a table header such as `[source]` or `[[entries]]`.
fn is_table_header(line: &str) -> bool {
    let line = line.split('#').next().unwrap_or("").trim();
    let inner = line.trim_start_matches('[').trim_end_matches(']');
    line.starts_with('[')
        && line.ends_with(']')
        && !inner.is_empty()
        && inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}
