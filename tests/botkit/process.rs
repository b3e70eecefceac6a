//! The `verbatim` binary as a child process, logging to a file, for the end-to-end tests that need the real
//! command line: signals, exit codes, and what the log says.

use std::path::Path;

use super::wait;

/// The `verbatim` binary running `verbatim run --config <dir>/config.toml`, logging to `<dir>/bot.log`.
pub struct BotProcess {
    child: std::process::Child,
    log: std::path::PathBuf,
}

impl BotProcess {
    /// Writes the config file (if missing) and starts the binary.
    pub fn start(dir: &Path, config_text: &str) -> BotProcess {
        let config = dir.join("config.toml");
        std::fs::write(&config, config_text).expect("write config");
        let log = dir.join("bot.log");
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("open bot log");
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_verbatim"))
            .args(["run", "--config"])
            .arg(&config)
            .env_remove("RUST_LOG")
            .env_remove("VERBATIM_PASSWORD")
            .env_remove("VERBATIM_STORE_PASSPHRASE")
            .stdin(std::process::Stdio::null())
            .stdout(out.try_clone().expect("clone log"))
            .stderr(out)
            .spawn()
            .expect("start the verbatim binary");
        BotProcess { child, log }
    }

    /// SIGKILL, no chance to clean up.
    pub fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }

    /// SIGTERM, then the exit status (panics if it takes longer than [`super::DEADLINE`]).
    pub async fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM");
        let child = &mut self.child;
        wait("the bot to exit after SIGTERM", async || {
            child.try_wait().expect("try_wait")
        })
        .await
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its resident memory (`VmRSS` in `/proc/<pid>/status`), in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("read /proc/<pid>/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/<pid>/status")
    }

    /// The log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log holds `needle` at least `times` times; returns the log.
    pub async fn wait_log(&self, needle: &str, times: usize) -> String {
        wait(&format!("{needle:?} in the bot's log"), async || {
            let log = self.log();
            (log.matches(needle).count() >= times).then_some(log)
        })
        .await
    }

    /// The exit status, if it has exited.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().expect("try_wait")
    }

    /// Sends SIGHUP.
    pub fn hangup(&self) {
        let status = std::process::Command::new("kill")
            .args(["-HUP", &self.child.id().to_string()])
            .status()
            .expect("kill -HUP");
        assert!(status.success());
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
