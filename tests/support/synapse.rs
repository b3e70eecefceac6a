//! A real Synapse homeserver for end-to-end tests.
//!
//! [`Synapse::start`] writes a throw-away configuration (SQLite, one HTTP
//! listener on `127.0.0.1`, raised rate limits, no federation) into a temp
//! dir and runs the Synapse installed in the virtualenv made by
//! `scripts/test`. [`shared`] gives one server per test binary; tests may use
//! it in parallel, each registering its own users with [`Synapse::register`].
//!
//! A missing Synapse is a test *failure*, never a skip. Because statics are
//! never dropped, every server is paired with a small `sh` watchdog that stops
//! it (and removes its temp dir) once the test process is gone.

use std::fs::{self, OpenOptions};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread::sleep;
use std::time::{Duration, Instant};

use tempfile::TempDir;

mod config;
mod users;

pub use config::RateLimits;
pub use users::TestUser;

/// How long Synapse may take to answer `GET /health` after being spawned.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a graceful `SIGTERM` shutdown may take before `SIGKILL`.
const STOP_TIMEOUT: Duration = Duration::from_secs(15);

/// Stops Synapse (`$SYN_PID`) and removes `$DATA_DIR` once `$TEST_PID` is gone;
/// exits quietly as soon as Synapse itself is gone (stopped by the harness).
const WATCHDOG: &str = r#"
while kill -0 "$SYN_PID" 2>/dev/null; do
  if ! kill -0 "$TEST_PID" 2>/dev/null; then
    kill -TERM "$SYN_PID" 2>/dev/null
    i=0
    while kill -0 "$SYN_PID" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.2; i=$((i+1)); done
    kill -KILL "$SYN_PID" 2>/dev/null
    rm -rf "$DATA_DIR"
    exit 0
  fi
  sleep 1
done
"#;

/// A running (or stopped) Synapse process with its own data dir and port.
pub struct Synapse {
    dir: TempDir,
    port: u16,
    python: PathBuf,
    shared_secret: String,
    child: Option<Child>,
    watchdog: Option<Child>,
}

/// The Synapse shared by all tests of this test binary, started on first use.
pub fn shared() -> &'static Synapse {
    static SHARED: OnceLock<Synapse> = OnceLock::new();
    SHARED.get_or_init(Synapse::start)
}

impl Synapse {
    /// Configures and starts a fresh homeserver with raised rate limits
    /// (blocks ~1.5 s until `GET /health` answers 200); panics if it cannot.
    pub fn start() -> Synapse {
        Synapse::start_with(RateLimits::Raised)
    }

    /// Like [`Synapse::start`], with the given rate limits.
    pub fn start_with(limits: RateLimits) -> Synapse {
        let python = python_path();
        let dir = tempfile::Builder::new()
            .prefix("verbatim-synapse-")
            .tempdir()
            .expect("create Synapse temp dir");
        let port = free_port();
        let shared_secret = users::random_token(32);
        config::write(dir.path(), port, &shared_secret, limits);
        let mut synapse = Synapse {
            dir,
            port,
            python,
            shared_secret,
            child: None,
            watchdog: None,
        };
        synapse.start_again();
        synapse
    }

    /// (Re)starts Synapse on the same port with the same database.
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "Synapse is already running");
        let started = Instant::now();
        let output = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("stdout.log"))
            .expect("open Synapse stdout log");
        let child = Command::new(&self.python)
            .args(["-m", "synapse.app.homeserver", "-c"])
            .arg(config::config_path(self.dir.path()))
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(output.try_clone().expect("clone log handle"))
            .stderr(output)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.python.display()));
        let watchdog = Command::new("sh")
            .args(["-c", WATCHDOG])
            .env("SYN_PID", child.id().to_string())
            .env("TEST_PID", std::process::id().to_string())
            .env("DATA_DIR", self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn Synapse watchdog");
        self.child = Some(child);
        self.watchdog = Some(watchdog);
        self.wait_healthy(started);
    }

    /// Stops Synapse (SIGTERM, then SIGKILL after a timeout) and waits for it.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Ignore errors: the process may already be gone.
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + STOP_TIMEOUT;
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(mut watchdog) = self.watchdog.take() {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
    }

    /// Whether the Synapse process is running (it may not be healthy yet).
    pub fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// Client-server API base URL, e.g. `http://127.0.0.1:40123`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The homeserver's server name (`localhost`).
    pub fn server_name(&self) -> &'static str {
        config::SERVER_NAME
    }

    /// The last `lines` lines of Synapse's log and stdout/stderr.
    pub fn log_tail(&self, lines: usize) -> String {
        ["homeserver.log", "stdout.log"]
            .iter()
            .map(|name| {
                let text = fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
                let all: Vec<&str> = text.lines().collect();
                let tail = all[all.len().saturating_sub(lines)..].join("\n");
                format!("--- {name} (last {lines} lines) ---\n{tail}\n")
            })
            .collect()
    }

    fn wait_healthy(&mut self, started: Instant) {
        loop {
            if health_ok(self.port) {
                eprintln!(
                    "Synapse ready at {} after {:?}",
                    self.base_url(),
                    started.elapsed()
                );
                return;
            }
            let exited = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            let timed_out = started.elapsed() > STARTUP_TIMEOUT;
            if exited.is_some() || timed_out {
                self.stop();
                panic!(
                    "Synapse ({}) did not become healthy on port {} (exit: {exited:?}, \
                     after {:?}); `scripts/test` installs it. Logs:\n{}",
                    self.python.display(),
                    self.port,
                    started.elapsed(),
                    self.log_tail(40)
                );
            }
            sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Synapse {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The venv python: `$VERBATIM_SYNAPSE_PYTHON` or `<repo>/.venv-synapse/bin/python`.
fn python_path() -> PathBuf {
    let python = std::env::var_os("VERBATIM_SYNAPSE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-synapse/bin/python"));
    assert!(
        python.exists(),
        "Synapse python {} not found: run `scripts/test` (it installs Synapse into a \
         virtualenv and runs the tests), or set VERBATIM_SYNAPSE_PYTHON",
        python.display()
    );
    python
}

/// A port that was free a moment ago (bind port 0, then release it).
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}

/// `GET /health` over a raw socket (works inside or outside any async runtime).
fn health_ok(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    let mut reply = String::new();
    if stream.write_all(request).is_err() || stream.read_to_string(&mut reply).is_err() {
        return false;
    }
    reply.split_whitespace().nth(1) == Some("200")
}
