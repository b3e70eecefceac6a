//! Fuzzes the knowledge loader and every check of `verbatim check` with arbitrary file contents: whatever the
//! bytes, loading must return diagnostics, never panic; and the fast reader of knowledge files must read
//! exactly what the `toml` crate reads whenever it does not decline the text.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use verbatim::knowledge::{check, load};
use verbatim::matcher::MatcherConfig;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The first line, if any, is the source text; the rest the knowledge file.
    let (source, knowledge) = text.split_once('\n').unwrap_or(("", text));
    assert!(load::fast_reader_agrees(knowledge), "the fast reader disagrees with toml");
    let files = [load::KnowledgeFile { path: PathBuf::from("fuzz.toml"), text: knowledge.to_string() }];
    let source = source.to_string();
    let mut loaded = load::load(&files, &|_| Ok(source.clone()));
    let diagnostics = check::check(&mut loaded, &MatcherConfig::default());
    for d in diagnostics {
        let _ = d.to_string();
    }
});
