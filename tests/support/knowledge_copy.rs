//! A writable copy of the shipped knowledge, for tests that edit it while the bot runs. Shared by the
//! integration tests (`support::knowledge_copy`) and the bot's unit tests (included by path from
//! `src/bot/tests.rs`), so it uses nothing but `std`.

use std::path::{Path, PathBuf};

/// Copies the shipped knowledge (`knowledge/` and its `sources/`) into `dir/kb`; returns the knowledge file.
pub fn knowledge_copy(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
    std::fs::create_dir_all(dir.join("kb/sources")).unwrap();
    for entry in std::fs::read_dir(src.join("sources")).unwrap().flatten() {
        std::fs::copy(entry.path(), dir.join("kb/sources").join(entry.file_name())).unwrap();
    }
    let mut file = None;
    for entry in std::fs::read_dir(&src).unwrap().flatten() {
        if entry.path().is_file() {
            let to = dir.join("kb").join(entry.file_name());
            std::fs::copy(entry.path(), &to).unwrap();
            file = Some(to);
        }
    }
    file.expect("knowledge/ holds a knowledge file")
}
