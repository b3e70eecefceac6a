//! What starts a reload besides `!reload`: SIGHUP (the trigger given to [`super::run_with_reload`]; it also
//! applies the configuration's live keys, [`super::reload::hangup`]) and changes of the knowledge files on disk.
//!
//! Files are watched with [`notify`] (inotify on Linux): a directory in `[knowledge] paths` recursively, a
//! file through its parent directory (editors save by writing a new file and renaming it over the old one).
//! A burst of events is settled first (nothing new for [`SETTLE`]), then the modification times and sizes of
//! the knowledge files are compared with those of the knowledge in service, so an event about some other file
//! in the same directory, or a save that changed nothing, reloads nothing. Where the OS watcher cannot be set
//! up (inotify limits, some network file systems) the watcher says so once and polls every [`POLL`] instead.
//! Only with `[knowledge] paths` set: the compiled-in knowledge cannot change.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use notify::{RecursiveMode, Watcher};
use tokio::sync::{Notify, mpsc};

use super::Bot;
use super::reload::{hangup, reload};

/// How long the files must be quiet after an event before they are looked at.
pub const SETTLE: Duration = Duration::from_millis(500);
/// How often the files are looked at when the OS watcher is not available.
pub const POLL: Duration = Duration::from_secs(1);

/// One file's identity for change detection: path, modification time, size.
pub type Stamp = (PathBuf, Option<SystemTime>, u64);

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

/// The fingerprint of the knowledge in service, and the debounce of polled fingerprints: a polled change is
/// reported once it has been seen unchanged on two polls in a row; a change the OS watcher reported (already
/// settled) at once.
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

    /// Takes a fingerprint taken after the files settled; true when it differs from the knowledge in service.
    pub fn settled(&mut self, now: Vec<Stamp>) -> bool {
        let changed = now != self.loaded;
        self.last = now;
        if changed {
            self.loaded = self.last.clone();
        }
        changed
    }
}

/// Watches `paths` with the OS's file watcher; every event that may change a file is a message on the
/// returned channel. The watcher stops when the returned handle is dropped.
pub fn os_watcher(
    paths: &[PathBuf],
) -> notify::Result<(notify::RecommendedWatcher, mpsc::UnboundedReceiver<()>)> {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| e.kind.is_access()) {
            return;
        }
        let _ = tx.send(());
    })?;
    for path in paths {
        if path.is_dir() {
            watcher.watch(path, RecursiveMode::Recursive)?;
        } else {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            watcher.watch(
                parent.unwrap_or(Path::new(".")),
                RecursiveMode::NonRecursive,
            )?;
        }
    }
    Ok((watcher, rx))
}

/// Waits until `events` has been quiet for [`SETTLE`] (or is closed).
async fn settle(events: &mut mpsc::UnboundedReceiver<()>) {
    while let Ok(Some(())) = tokio::time::timeout(SETTLE, events.recv()).await {}
}

/// Reloads on `trigger` (SIGHUP: the configuration's live keys too, [`hangup`]) and, when `[knowledge] paths`
/// is set, on file changes; until shutdown. When SIGHUP changed the paths, the new ones are watched.
pub async fn watch(bot: Arc<Bot>, trigger: Option<Arc<Notify>>) {
    loop {
        let paths = bot.config().knowledge_paths.clone();
        if !watch_paths(&bot, trigger.as_deref(), &paths).await {
            return;
        }
        tracing::info!(paths = ?bot.config().knowledge_paths, "watching the new knowledge paths");
    }
}

/// Watches `paths` until shutdown (false) or until SIGHUP changed `[knowledge] paths` (true).
async fn watch_paths(bot: &Arc<Bot>, trigger: Option<&Notify>, paths: &[PathBuf]) -> bool {
    let watching = !paths.is_empty();
    let mut debouncer = Debouncer::new(if watching {
        fingerprint(paths)
    } else {
        Vec::new()
    });
    // The OS watcher, or None to poll; `_watcher` keeps it alive.
    let (_watcher, mut events) = match watching.then(|| os_watcher(paths)) {
        Some(Ok((w, rx))) => (Some(w), Some(rx)),
        Some(Err(e)) => {
            tracing::warn!(
                "cannot watch the knowledge files ({e}); polling them every {POLL:?} instead"
            );
            (None, None)
        }
        None => (None, None),
    };
    let polling = watching && events.is_none();
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let signalled = async {
            match trigger {
                Some(t) => t.notified().await,
                None => std::future::pending().await,
            }
        };
        let event = async {
            match events.as_mut() {
                Some(rx) => rx.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = bot.cancel.cancelled() => return false,
            () = signalled => {
                hangup(bot).await;
                if bot.config().knowledge_paths != paths {
                    return !bot.is_stopping();
                }
            }
            Some(()) = event => {
                if let Some(rx) = events.as_mut() {
                    settle(rx).await;
                }
                if debouncer.settled(blocking_fingerprint(paths).await) {
                    reload(bot, "the knowledge files changed").await;
                }
            }
            _ = tick.tick(), if polling => {
                if debouncer.poll(blocking_fingerprint(paths).await) {
                    reload(bot, "the knowledge files changed").await;
                }
            }
        }
        if bot.is_stopping() {
            return false;
        }
    }
}

async fn blocking_fingerprint(paths: &[PathBuf]) -> Vec<Stamp> {
    let paths = paths.to_vec();
    tokio::task::spawn_blocking(move || fingerprint(&paths))
        .await
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(name: &str, len: u64) -> Stamp {
        (PathBuf::from(name), None, len)
    }

    #[test]
    fn a_polled_change_is_reported_once_after_it_settles() {
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
    fn a_settled_change_is_reported_once() {
        let mut d = Debouncer::new(vec![stamp("a", 1)]);
        assert!(
            !d.settled(vec![stamp("a", 1)]),
            "an event that changed nothing"
        );
        assert!(d.settled(vec![stamp("a", 2)]));
        assert!(!d.settled(vec![stamp("a", 2)]), "reported once");
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

    #[tokio::test]
    async fn the_os_watcher_sees_a_file_replaced_by_rename() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("k.toml");
        std::fs::write(&file, "old").unwrap();
        let (_watcher, mut events) = os_watcher(std::slice::from_ref(&file)).unwrap();
        let fresh = dir.path().join(".k.toml.swp");
        std::fs::write(&fresh, "new").unwrap();
        std::fs::rename(&fresh, &file).unwrap();
        let seen = tokio::time::timeout(Duration::from_secs(10), events.recv()).await;
        assert_eq!(seen, Ok(Some(())), "no event for the replaced file");
        settle(&mut events).await;
        assert!(events.try_recv().is_err(), "settled: nothing left queued");
    }
}
