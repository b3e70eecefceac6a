//! What spans files, done file by file in order on the items of [`reader`](super::reader): unique source ids,
//! entry ids unique within their source, phrasings repeated across the entries of one source (two sources may
//! share a generic phrasing such as "What is the headline?"), reading the source texts, and numbering sources
//! and speakers across the knowledge base. So a drafted file loads beside any other knowledge with no edits.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;
use std::sync::Arc;

use super::reader::{Item, SourceItem};
use super::{EntryLocation, KnowledgeFile, Loaded, Position};
use crate::diagnostic::{Diagnostic, Severity};
use crate::knowledge::{Entry, Source};

/// The knowledge read so far, and the ids and phrasings seen.
pub(super) struct Registry<'a> {
    pub loaded: Loaded,
    read_source: &'a dyn Fn(&Path) -> std::io::Result<String>,
    /// Entry ids by source (index) and id.
    entry_ids: HashMap<(usize, Arc<str>), Position>,
    /// Keyed by the phrasing keys of [`reader`](super::reader), which are hashes already, mixed with the source.
    phrasing_owner: HashMap<u64, (Arc<str>, Position), BuildHasherDefault<KeyHasher>>,
    source_ids: HashMap<String, Position>,
}

impl<'a> Registry<'a> {
    /// An empty registry that reads source texts with `read_source`.
    pub fn new(read_source: &'a dyn Fn(&Path) -> std::io::Result<String>) -> Self {
        Registry {
            loaded: Loaded::default(),
            read_source,
            entry_ids: HashMap::new(),
            phrasing_owner: HashMap::default(),
            source_ids: HashMap::new(),
        }
    }

    /// Adds the items of one file.
    pub fn file(&mut self, file: &KnowledgeFile, items: Vec<Item>) {
        let speakers_before = self.loaded.knowledge.speakers.len();
        let mut source = 0;
        for item in items {
            match item {
                Item::Problem(d) => self.loaded.diagnostics.push(d),
                Item::Source(item) => match self.source(file, item) {
                    Some(index) => source = index,
                    None => return,
                },
                Item::Speaker(speaker) => self.loaded.knowledge.speakers.push(speaker),
                Item::Entry(mut entry, location, keys) => {
                    entry.source = source;
                    entry.speaker = entry.speaker.map(|s| s + speakers_before);
                    self.register(entry, location, &keys);
                }
                Item::Synonym(mut synonym, at) => {
                    synonym.source = source;
                    self.loaded.knowledge.synonyms.push(synonym);
                    self.loaded.locations.synonyms.push(at);
                }
            }
        }
    }

    fn error(&mut self, file: &KnowledgeFile, offset: usize, message: String, hint: &str) {
        let d = Diagnostic::error(&file.path, &file.text, offset, message).with_hint(hint);
        self.loaded.diagnostics.push(d);
    }

    /// Accepts the file's source unless its id is taken or its text cannot be read; returns its index.
    fn source(&mut self, file: &KnowledgeFile, item: SourceItem) -> Option<usize> {
        let SourceItem { raw, mut ok, .. } = item;
        if let Some(first) = self.source_ids.get(&raw.id) {
            let message = format!(
                "duplicate source id `{}` (first used at {}:{})",
                raw.id,
                first.path.display(),
                first.line
            );
            self.error(file, item.id_offset, message, "give each source its own id");
            ok = false;
        }
        let text = match (self.read_source)(&item.text_path) {
            Ok(text) => Some(text),
            Err(e) => {
                let path = item.text_path.display();
                let message = format!("cannot read the source text {path}: {e}");
                let hint =
                    "`text` is a path relative to this knowledge file (e.g. sources/report.txt)";
                self.error(file, item.text_offset, message, hint);
                None
            }
        };
        if !ok {
            return None;
        }
        self.source_ids.insert(raw.id.clone(), item.here);
        let sources = &mut self.loaded.knowledge.sources;
        sources.push(Source {
            id: raw.id,
            title: raw.title,
            date: raw.date,
            publisher: raw.publisher.filter(|p| !p.trim().is_empty()),
            url: raw.url.filter(|u| !u.trim().is_empty()),
            text_path: item.text_path,
            text: text?,
            skip: raw.skip,
            file: file.path.clone(),
        });
        Some(sources.len() - 1)
    }

    /// Accepts an entry unless its id is taken in its source or one of its phrasings (by `keys`) is another
    /// entry's of the same source.
    fn register(&mut self, entry: Entry, location: EntryLocation, keys: &[u64]) {
        let mut ok = true;
        let id_key = (entry.source, Arc::<str>::from(entry.id.as_str()));
        if let Some(first) = self.entry_ids.get(&id_key) {
            let message = format!(
                "duplicate entry id `{}` (first used at {}:{})",
                entry.id,
                first.path.display(),
                first.line
            );
            self.loaded.diagnostics.push(
                location
                    .entry
                    .diagnostic(Severity::Error, message)
                    .with_hint("give each entry of a source its own id"),
            );
            ok = false;
        }
        let owner: Arc<str> = entry.id.as_str().into();
        for ((phrasing, at), key) in entry.phrasings.iter().zip(&location.phrasings).zip(keys) {
            let key =
                crate::text::mix64(key ^ (entry.source as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            match self.phrasing_owner.get(&key) {
                Some((owner, first)) => {
                    let message = format!(
                        "entry `{}`: phrasing \"{phrasing}\" repeats one of entry `{owner}` ({}:{})",
                        entry.id,
                        first.path.display(),
                        first.line
                    );
                    let hint =
                        "a phrasing must ask for one entry only: reword it or remove one copy";
                    self.loaded
                        .diagnostics
                        .push(at.diagnostic(Severity::Error, message).with_hint(hint));
                    ok = false;
                }
                None => {
                    self.phrasing_owner.insert(key, (owner.clone(), at.clone()));
                }
            }
        }
        if ok {
            self.entry_ids.insert(id_key, location.entry.clone());
            self.loaded.knowledge.entries.push(entry);
            self.loaded.locations.entries.push(location);
        }
    }
}

/// The hasher of keys that are 64-bit hashes already: it passes them through.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}
