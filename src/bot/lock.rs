//! One bot per `state_dir`: an exclusive advisory lock (`flock`, through [`std::fs::File::try_lock`]) on
//! `state_dir/verbatim.lock`, held for as long as the bot runs.
//!
//! Two processes on one crypto store and reply journal could corrupt the encryption state and answer every
//! question twice, so a second `verbatim run` with the same `state_dir` stops at once (exit code 2), naming the
//! process that holds the lock: the holder writes its PID into the file. The operating system releases the lock
//! when the holder's file is closed, so a process that is killed (`kill -9` included) never leaves it stuck; the
//! file itself stays, with a stale PID that nobody reads while the lock is free.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The lock file's name inside `state_dir`.
pub const LOCK_FILE: &str = "verbatim.lock";

/// How long [`StateLock::acquire`] keeps trying while someone holds the lock (a `verbatim run --check` looks
/// at it for an instant).
const PATIENCE: Duration = Duration::from_secs(1);

/// The lock on a `state_dir`; released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct StateLock {
    _file: File,
    path: PathBuf,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it.
    #[error(
        "another verbatim ({}) is running with state_dir {}: two bots on one state_dir would corrupt its \
         encryption store and answer every question twice. Stop the other one first, or give this one a \
         state_dir of its own",
        holder_text(*pid),
        dir.display()
    )]
    Held {
        /// The state directory.
        dir: PathBuf,
        /// The PID the holder wrote into the lock file, if it could be read.
        pid: Option<u32>,
    },
    /// The lock file could not be opened or written.
    #[error("cannot lock {}: {source}", path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

fn holder_text(pid: Option<u32>) -> String {
    match pid {
        Some(pid) => format!("PID {pid}"),
        None => "its PID is not in the lock file".to_string(),
    }
}

impl StateLock {
    /// Takes the lock on `state_dir` (which must exist) and writes this process's PID into the lock file.
    pub fn acquire(state_dir: &Path) -> Result<StateLock, LockError> {
        let path = state_dir.join(LOCK_FILE);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(io)?;
        let started = std::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if started.elapsed() < PATIENCE => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(LockError::Held {
                        dir: state_dir.to_path_buf(),
                        pid: read_pid(&mut file),
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
        }
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(StateLock { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Whether a bot holds the lock on `state_dir` now, and its PID: `None` when the lock is free (or there is no
/// lock file yet), `Some(pid)` when it is held. Looks for an instant only (a shared lock, released at once).
pub fn holder(state_dir: &Path) -> Option<Option<u32>> {
    let mut file = File::open(state_dir.join(LOCK_FILE)).ok()?;
    match file.try_lock_shared() {
        Ok(()) => None,
        Err(_) => Some(read_pid(&mut file)),
    }
}

fn read_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_state_dir_names_the_holder_and_a_dropped_one_is_free() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(holder(dir.path()), None, "no lock file yet");
        let first = StateLock::acquire(dir.path()).unwrap();
        let written = std::fs::read_to_string(first.path()).unwrap();
        assert_eq!(written.trim(), std::process::id().to_string());
        // flock locks belong to the open file, so a second open in this same process conflicts too.
        let err = StateLock::acquire(dir.path()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(&format!("PID {}", std::process::id()))
                && text.contains(&dir.path().display().to_string())
                && text.contains("Stop the other one first"),
            "{text}"
        );
        assert_eq!(holder(dir.path()), Some(Some(std::process::id())));
        drop(first);
        assert_eq!(holder(dir.path()), None);
        let again = StateLock::acquire(dir.path()).unwrap();
        drop(again);
    }

    #[test]
    fn a_stale_pid_in_a_free_lock_file_is_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(LOCK_FILE), "999999999\nleftover text\n").unwrap();
        let lock = StateLock::acquire(dir.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(lock.path()).unwrap(),
            format!("{}\n", std::process::id())
        );
    }
}
