//! The shipped `knowledge/` directory, compiled into the binary by `build.rs`.

use std::path::{Path, PathBuf};

use super::calibration;
use super::load::{KnowledgeFile, Loaded, load};
use crate::matcher::Calibration;

include!(concat!(env!("OUT_DIR"), "/builtin_knowledge.rs"));

/// Loads the compiled-in knowledge (the `knowledge/*.toml` files of the repository, with their sources).
///
/// ```
/// let loaded = verbatim::knowledge::builtin::load_builtin();
/// assert!(loaded.diagnostics.iter().all(|d| !d.is_error()));
/// assert!(!loaded.knowledge.entries.is_empty());
/// ```
pub fn load_builtin() -> Loaded {
    let files: Vec<KnowledgeFile> = BUILTIN_FILES
        .iter()
        .filter(|(path, _)| {
            path.ends_with(".toml") && Path::new(path).parent() == Some(Path::new("knowledge"))
        })
        .map(|(path, text)| KnowledgeFile {
            path: PathBuf::from(path),
            text: text.to_string(),
        })
        .collect();
    load(&files, &read_builtin)
}

/// The shipped calibration (`knowledge/calibration.toml`, compiled in): what a knowledge base without a
/// calibration of its own uses. Without one (never in a release), the matcher's hand-set default.
///
/// ```
/// let calibration = verbatim::knowledge::builtin::calibration();
/// assert!(calibration.answer_threshold > 0.0 && calibration.answer_threshold < 1.0);
/// ```
pub fn calibration() -> Calibration {
    BUILTIN_FILES
        .iter()
        .find(|(path, _)| Path::new(path) == Path::new("knowledge").join(calibration::FILE_NAME))
        .map(|(path, text)| {
            calibration::read(Path::new(path), text).expect("the shipped calibration is valid")
        })
        .unwrap_or_default()
}

fn read_builtin(path: &Path) -> std::io::Result<String> {
    let wanted = normalize(path);
    BUILTIN_FILES
        .iter()
        .find(|(p, _)| Path::new(p) == wanted)
        .map(|(_, text)| text.to_string())
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "not among the compiled-in knowledge files",
            )
        })
}

/// Resolves `.` and `..` components without touching the disk.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
