//! Reading knowledge files into a [`Knowledge`], collecting every problem as a [`Diagnostic`].
//!
//! Each file is parsed as TOML once ([`parse`]: in one typed pass, or, for a file with a problem, table by
//! table); its `[source]`, each `[[speakers]]` and each `[[entries]]` table is then checked on its own
//! ([`reader`]), so one malformed entry does not hide the problems of the next. Files are parsed and checked in
//! parallel; what spans files (unique ids, repeated phrasings, the source texts) is then done file by file in
//! order ([`register`]), so the result and the order of the problems do not depend on the threads. Positions of
//! the pieces (`path:line:col`) are kept in [`Locations`] for the deeper checks of [`check`](super::check).

mod parse;
mod reader;
mod register;
mod scan;
mod tables;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use super::Knowledge;
use super::calibration::{self, is_calibration_file};
use crate::diagnostic::{Diagnostic, line_col};
use crate::matcher::Calibration;

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
    /// Per synonym: its `means` key.
    pub synonyms: Vec<Position>,
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
    /// The calibration file among the files (`calibration.toml`), if there was one and it was valid.
    pub calibration: Option<Calibration>,
}

impl Loaded {
    /// The calibration of this knowledge: its own (taken out of `self`), else the shipped one.
    pub fn calibration_or_builtin(&mut self) -> Calibration {
        self.calibration
            .take()
            .unwrap_or_else(super::builtin::calibration)
    }
}

/// Reads knowledge files. `read_source` reads a source's full text given the path written in the knowledge
/// file joined to the knowledge file's directory.
pub fn load(
    files: &[KnowledgeFile],
    read_source: &dyn Fn(&Path) -> std::io::Result<String>,
) -> Loaded {
    load_on(files, read_source, default_threads())
}

/// Threads that read files in parallel by default: one per core, at most 8.
///
/// ```
/// assert!((1..=8).contains(&verbatim::knowledge::load::default_threads()));
/// ```
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// [`load`] with files read on `threads` threads (1: all on the calling thread). The result is the same for
/// any number.
pub fn load_on(
    files: &[KnowledgeFile],
    read_source: &dyn Fn(&Path) -> std::io::Result<String>,
    threads: usize,
) -> Loaded {
    let (calibrations, files): (Vec<&KnowledgeFile>, Vec<&KnowledgeFile>) =
        files.iter().partition(|f| is_calibration_file(&f.path));
    let mut registry = register::Registry::new(read_source);
    in_parallel(&files, threads, reader::read_file, |i, items| {
        registry.file(files[i], items)
    });
    let mut loaded = registry.loaded;
    for (n, file) in calibrations.iter().enumerate() {
        if n > 0 {
            let first = calibrations[0].path.display();
            loaded.diagnostics.push(
                Diagnostic::error(
                    &file.path,
                    &file.text,
                    0,
                    format!("a second calibration file (the first is {first})"),
                )
                .with_hint(
                    "one knowledge base has one calibration: keep the one fitted on all of it",
                ),
            );
            continue;
        }
        match calibration::read(&file.path, &file.text) {
            Ok(c) => loaded.calibration = Some(c),
            Err(mut problems) => loaded.diagnostics.append(&mut problems),
        }
    }
    loaded
}

/// Calls `f` on every file, on `workers` threads when there are several files, and hands each result to
/// `consume` on this thread in file order (results that arrive early wait for their turn).
fn in_parallel<T: Send>(
    files: &[&KnowledgeFile],
    workers: usize,
    f: impl Fn(&KnowledgeFile) -> T + Sync,
    mut consume: impl FnMut(usize, T),
) {
    if files.len() < 4 || workers < 2 {
        for (i, file) in files.iter().enumerate() {
            consume(i, f(file));
        }
        return;
    }
    let next = AtomicUsize::new(0);
    let (send, receive) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (send, next, f) = (send.clone(), &next, &f);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= files.len() || send.send((i, f(files[i]))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        let mut waiting: Vec<Option<T>> = (0..files.len()).map(|_| None).collect();
        let mut turn = 0;
        for (i, result) in receive {
            waiting[i] = Some(result);
            while let Some(result) = waiting.get_mut(turn).and_then(Option::take) {
                consume(turn, result);
                turn += 1;
            }
        }
    });
}

/// Reads the `.toml` files named by `paths` (files, or directories whose `*.toml` files are read in name
/// order) from disk, and their sources. A file named `calibration.toml` is the knowledge's calibration.
pub fn load_paths(paths: &[PathBuf]) -> Loaded {
    load_paths_on(paths, default_threads())
}

/// [`load_paths`] with the files parsed on `threads` threads (see [`load_on`]).
pub fn load_paths_on(paths: &[PathBuf], threads: usize) -> Loaded {
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
    let mut loaded = load_on(&files, &|p| std::fs::read_to_string(p), threads);
    problems.append(&mut loaded.diagnostics);
    loaded.diagnostics = problems;
    loaded
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

/// Whether the fast reader of knowledge files agrees with the `toml` crate on `text`: it declines the text, or
/// reads exactly what `toml` reads. For the `knowledge_parser` fuzz target.
#[doc(hidden)]
pub fn fast_reader_agrees(text: &str) -> bool {
    parse::agrees(text)
}
