//! Live knowledge reload: the engine behind an atomic swap, and the three ways to reload it (SIGHUP through
//! the trigger given to [`super::run_with_reload`], `!reload` from an admin, and changes of the knowledge files
//! on disk).
//!
//! A reload loads and validates everything first ([`super::try_load_engine`]: the same checks as
//! `verbatim check`), on a blocking thread. On any error the previous knowledge stays in service and each error
//! is logged at warn as `path:line:col: error: message`; on success the new engine replaces the old one in one
//! pointer swap ([`EngineCell`]), so a question is answered either wholly by the old knowledge or wholly by the
//! new. Reloads run one at a time.
//!
//! The file watcher polls (once a second) the modification times and sizes of everything under
//! `[knowledge] paths`; a change is reloaded once it has been stable for one poll (a debounce of about 1 s,
//! so an editor's several writes make one reload). It only runs when `[knowledge] paths` is set: the
//! compiled-in knowledge cannot change.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use tokio::sync::Notify;

use super::{Bot, try_load_engine};
use crate::answer::Engine;

/// How often the watcher looks at the knowledge files.
pub const POLL: Duration = Duration::from_secs(1);
/// How many errors an admin's `!reload` reply lists.
pub const ERRORS_IN_REPLY: usize = 5;

/// The engine in service, replaced atomically by a reload.
#[derive(Debug)]
pub struct EngineCell(RwLock<Arc<Engine>>);

impl EngineCell {
    /// A cell holding `engine`.
    pub fn new(engine: Engine) -> EngineCell {
        EngineCell(RwLock::new(Arc::new(engine)))
    }

    /// The engine in service now (a question keeps using it even if a reload swaps in another meanwhile).
    pub fn current(&self) -> Arc<Engine> {
        self.0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Puts `engine` in service.
    pub fn replace(&self, engine: Engine) {
        *self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(engine);
    }
}

/// What a reload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The new knowledge is in service, with this many entries.
    Loaded(usize),
    /// The knowledge has errors (each `path:line:col: error: message`); the previous one stays in service.
    Failed(Vec<String>),
}

impl Outcome {
    /// The reply to an admin's `!reload`: the entry count, or the first few errors.
    pub fn message(&self) -> String {
        match self {
            Outcome::Loaded(n) => format!("Knowledge reloaded: {n} entries."),
            Outcome::Failed(errors) => {
                let mut text = format!(
                    "The knowledge has {} error(s); I keep answering from the previous knowledge.",
                    errors.len()
                );
                for e in errors.iter().take(ERRORS_IN_REPLY) {
                    text.push_str("\n- ");
                    text.push_str(e.lines().next().unwrap_or_default());
                }
                if errors.len() > ERRORS_IN_REPLY {
                    text.push_str(&format!("\n(and {} more)", errors.len() - ERRORS_IN_REPLY));
                }
                text
            }
        }
    }
}

/// Reloads the knowledge (validating it first) and swaps it in on success. `why` is for the log.
pub async fn reload(bot: &Bot, why: &str) -> Outcome {
    let _one_at_a_time = bot.reloading.lock().await;
    let config = bot.config.clone();
    let loaded = tokio::task::spawn_blocking(move || try_load_engine(&config)).await;
    match loaded {
        Ok(Ok((engine, _warnings))) => {
            let n = engine.knowledge().entries.len();
            bot.engine.replace(engine);
            bot.metrics.reload(true);
            bot.metrics
                .entries
                .store(n as u64, std::sync::atomic::Ordering::Relaxed);
            tracing::info!(entries = n, why, "knowledge reloaded");
            Outcome::Loaded(n)
        }
        Ok(Err(invalid)) => {
            let errors: Vec<String> = invalid
                .0
                .iter()
                .filter(|d| d.is_error())
                .map(ToString::to_string)
                .collect();
            bot.metrics.reload(false);
            for e in &errors {
                tracing::warn!("{e}");
            }
            tracing::warn!(
                errors = errors.len(),
                why,
                "the new knowledge has errors; the previous knowledge stays in service"
            );
            Outcome::Failed(errors)
        }
        Err(e) => {
            bot.metrics.reload(false);
            tracing::warn!(why, "reloading the knowledge failed: {e}");
            Outcome::Failed(vec![format!("internal error: {e}")])
        }
    }
}

/// One file's identity for change detection.
type Stamp = (PathBuf, Option<SystemTime>, u64);

/// The modification times and sizes of every file under `paths` (directories to a depth of 3), sorted.
pub fn fingerprint(paths: &[PathBuf]) -> Vec<Stamp> {
    fn walk(path: &Path, depth: usize, out: &mut Vec<Stamp>) {
        let Ok(meta) = std::fs::metadata(path) else {
            out.push((path.to_path_buf(), None, 0));
            return;
        };
        if meta.is_dir() {
            if depth == 0 {
                return;
            }
            if let Ok(dir) = std::fs::read_dir(path) {
                for entry in dir.flatten() {
                    walk(&entry.path(), depth - 1, out);
                }
            }
        } else {
            out.push((path.to_path_buf(), meta.modified().ok(), meta.len()));
        }
    }
    let mut out = Vec::new();
    for path in paths {
        walk(path, 3, &mut out);
    }
    out.sort();
    out
}

/// Debounces fingerprints: a change is reported once it has been seen unchanged on two polls in a row.
#[derive(Debug)]
pub struct Debouncer {
    loaded: Vec<Stamp>,
    last: Vec<Stamp>,
}

impl Debouncer {
    /// Starts from the fingerprint of the knowledge in service.
    pub fn new(loaded: Vec<Stamp>) -> Debouncer {
        Debouncer {
            last: loaded.clone(),
            loaded,
        }
    }

    /// Takes the fingerprint of one poll; true when a reload is due (the change has settled).
    pub fn poll(&mut self, now: Vec<Stamp>) -> bool {
        let settled = now == self.last;
        self.last = now;
        if settled && self.last != self.loaded {
            self.loaded = self.last.clone();
            return true;
        }
        false
    }
}

/// Reloads on `trigger` (SIGHUP) and, when `[knowledge] paths` is set, on file changes; until shutdown.
pub async fn watch(bot: Arc<Bot>, trigger: Option<Arc<Notify>>) {
    let paths = bot.config.knowledge_paths.clone();
    let watching = !paths.is_empty();
    let mut debouncer = Debouncer::new(if watching {
        fingerprint(&paths)
    } else {
        Vec::new()
    });
    let mut stopping = bot.stopping.clone();
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let signalled = async {
            match &trigger {
                Some(t) => t.notified().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = stopping.changed() => return,
            () = signalled => {
                reload(&bot, "SIGHUP").await;
            }
            _ = tick.tick(), if watching => {
                let now = tokio::task::spawn_blocking({
                    let paths = paths.clone();
                    move || fingerprint(&paths)
                })
                .await
                .unwrap_or_default();
                if debouncer.poll(now) {
                    reload(&bot, "the knowledge files changed").await;
                }
            }
        }
        if bot.is_stopping() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(name: &str, len: u64) -> Stamp {
        (PathBuf::from(name), None, len)
    }

    #[test]
    fn a_change_is_reported_once_after_it_settles() {
        let mut d = Debouncer::new(vec![stamp("a", 1)]);
        assert!(!d.poll(vec![stamp("a", 1)]));
        assert!(!d.poll(vec![stamp("a", 2)]), "still being written");
        assert!(!d.poll(vec![stamp("a", 3)]), "still being written");
        assert!(d.poll(vec![stamp("a", 3)]), "settled");
        assert!(!d.poll(vec![stamp("a", 3)]), "reported once");
        assert!(!d.poll(vec![stamp("a", 3), stamp("b", 1)]));
        assert!(d.poll(vec![stamp("a", 3), stamp("b", 1)]));
    }

    #[test]
    fn the_fingerprint_sees_new_and_changed_files() {
        let dir = tempfile::tempdir().unwrap();
        let paths = vec![dir.path().to_path_buf()];
        let empty = fingerprint(&paths);
        std::fs::write(dir.path().join("a.toml"), "x").unwrap();
        let one = fingerprint(&paths);
        assert_ne!(empty, one);
        std::fs::write(dir.path().join("a.toml"), "xy").unwrap();
        assert_ne!(one, fingerprint(&paths));
    }

    #[test]
    fn a_failed_reply_lists_the_first_errors() {
        let errors: Vec<String> = (1..=7)
            .map(|i| format!("k.toml:{i}:1: error: bad"))
            .collect();
        let text = Outcome::Failed(errors).message();
        assert!(
            text.contains("7 error(s)") && text.contains("previous knowledge"),
            "{text}"
        );
        assert!(
            text.contains("k.toml:5:1") && !text.contains("k.toml:6:1"),
            "{text}"
        );
        assert!(text.ends_with("(and 2 more)"), "{text}");
        assert_eq!(
            Outcome::Loaded(12).message(),
            "Knowledge reloaded: 12 entries."
        );
    }
}
