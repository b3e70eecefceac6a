//! Helpers for the bot's end-to-end tests: a user client that records every message it sees, the bot
//! running in-process through `verbatim::bot::run`, and bounded waits.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use matrix_sdk::config::SyncSettings;
use matrix_sdk::deserialized_responses::EncryptionInfo;
use matrix_sdk::ruma::api::client::room::create_room;
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::events::room::message::{
    OriginalSyncRoomMessageEvent, Relation, RoomMessageEventContent,
};
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId, UserId};
use matrix_sdk::{Client, Room};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use verbatim::config::Config;

use crate::support::synapse::{Synapse, TestUser};

mod process;
#[allow(unused_imports)]
pub use process::BotProcess;

/// How long any wait may take.
pub const DEADLINE: Duration = Duration::from_secs(90);

/// Logs of the bot (and the SDK's warnings) in the test output, once per test binary.
pub fn init_logs() {
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "warn,verbatim=debug".to_string());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// A message as a user's client saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub room: OwnedRoomId,
    pub event: OriginalSyncRoomMessageEvent,
    pub encrypted: bool,
    /// When the client's event handler saw it (for the latency bench).
    pub at: Instant,
}

impl Seen {
    /// The event it replies to (`m.in_reply_to`, also inside a thread relation).
    pub fn in_reply_to(&self) -> Option<&OwnedEventId> {
        match &self.event.content.relates_to {
            Some(Relation::Reply(r)) => Some(&r.in_reply_to.event_id),
            Some(Relation::Thread(t)) => t.in_reply_to.as_ref().map(|r| &r.event_id),
            _ => None,
        }
    }

    /// The raw content as JSON (for `m.mentions`, `formatted_body` etc.).
    pub fn content_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.event.content).expect("content to JSON")
    }
}

/// A test user with a client that syncs in the background and records messages.
pub struct User {
    pub client: Client,
    pub id: OwnedUserId,
    pub account: TestUser,
    seen: Arc<Mutex<Vec<Seen>>>,
    sync: JoinHandle<()>,
    _dir: TempDir,
}

impl Drop for User {
    fn drop(&mut self) {
        self.sync.abort();
    }
}

impl User {
    /// Registers and logs in a fresh user, and starts syncing.
    pub async fn new(server: &Synapse, prefix: &str) -> User {
        let account = server.register(prefix).await;
        let dir = tempfile::tempdir().expect("user store dir");
        let client = server.login_client(&account, dir.path()).await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        client.add_event_handler(
            move |event: OriginalSyncRoomMessageEvent, room: Room, info: Option<EncryptionInfo>| {
                let sink = sink.clone();
                let at = Instant::now();
                async move {
                    sink.lock().unwrap().push(Seen {
                        room: room.room_id().to_owned(),
                        event,
                        encrypted: info.is_some(),
                        at,
                    });
                }
            },
        );
        client
            .sync_once(SyncSettings::default().timeout(Duration::ZERO))
            .await
            .expect("first sync");
        let background = client.clone();
        let sync = tokio::spawn(async move {
            loop {
                if background
                    .sync_once(SyncSettings::default().timeout(Duration::from_millis(500)))
                    .await
                    .is_err()
                {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        });
        let id = account.user_id.parse().expect("user id");
        User {
            client,
            id,
            account,
            seen,
            sync,
            _dir: dir,
        }
    }

    /// Creates a room (optionally encrypted), invites `invite`, and returns it.
    pub async fn create_room(&self, invite: &[&UserId], direct: bool, encrypted: bool) -> Room {
        let mut request = create_room::v3::Request::new();
        request.is_direct = direct;
        let room = self.client.create_room(request).await.expect("create room");
        if encrypted {
            room.enable_encryption().await.expect("enable encryption");
        }
        for user in invite {
            room.invite_user_by_id(user).await.expect("invite");
        }
        room
    }

    /// Sends a message and returns its event id.
    pub async fn send(&self, room: &Room, content: RoomMessageEventContent) -> OwnedEventId {
        room.send(content).await.expect("send").response.event_id
    }

    /// Sends a plain text message.
    pub async fn say(&self, room: &Room, text: &str) -> OwnedEventId {
        self.send(room, RoomMessageEventContent::text_plain(text))
            .await
    }

    /// Every message `from` sent that replies to `event`.
    pub fn replies(&self, from: &UserId, event: &OwnedEventId) -> Vec<Seen> {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .filter(|s| s.event.sender == from && s.in_reply_to() == Some(event))
            .cloned()
            .collect()
    }

    /// The message with event id `event`, if this client has seen it (its own messages come back by sync too).
    pub fn seen_event(&self, event: &OwnedEventId) -> Option<Seen> {
        let seen = self.seen.lock().unwrap();
        seen.iter().find(|s| &s.event.event_id == event).cloned()
    }

    /// Every message `from` sent in `room`.
    pub fn messages_from(&self, from: &UserId, room: &Room) -> Vec<Seen> {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .filter(|s| s.event.sender == from && s.room == room.room_id())
            .cloned()
            .collect()
    }

    /// Waits for the first reply from `from` to `event`.
    pub async fn reply(&self, from: &UserId, event: &OwnedEventId) -> Seen {
        wait(&format!("a reply from {from} to {event}"), async || {
            self.replies(from, event).into_iter().next()
        })
        .await
    }

    /// Waits until `user`'s membership in `room` is `state`.
    pub async fn membership(&self, room: &Room, user: &UserId, state: MembershipState) {
        wait(
            &format!("{user} to be {state} in {}", room.room_id()),
            async || {
                let member = room.get_member_no_sync(user).await.ok().flatten()?;
                (*member.membership() == state).then_some(())
            },
        )
        .await
    }
}

/// `(question, kind)` of every line of the development question set (`tests/data/dev-questions.jsonl`).
pub fn dev_questions() -> Vec<(String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/dev-questions.jsonl"
    );
    let text = std::fs::read_to_string(path).expect("read dev-questions.jsonl");
    let questions: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            (
                v["q"].as_str().expect("q").to_owned(),
                v["kind"].as_str().unwrap_or("?").to_owned(),
            )
        })
        .collect();
    assert!(!questions.is_empty());
    questions
}

/// Polls `check` (every 100 ms) until it gives `Some`, panicking after [`DEADLINE`].
pub async fn wait<T, F: AsyncFnMut() -> Option<T>>(what: &str, mut check: F) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "timed out after {DEADLINE:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What every end-to-end test starts with: a fresh bot account on `server`, its user id, and a temp dir for
/// the bot's configuration and state.
pub async fn bot_account(server: &Synapse) -> (TestUser, OwnedUserId, TempDir) {
    let account = server.register("verbatim").await;
    let id = account.user_id.parse().expect("bot user id");
    let dir = tempfile::tempdir().expect("bot dir");
    (account, id, dir)
}

/// The text of the bot's configuration file for `server`, with its state in `dir/state`. Flood control is set
/// far above what the tests send unless `extra` has its own `[limits]`.
pub fn bot_config_text(
    server: &Synapse,
    bot: &TestUser,
    dir: &Path,
    allowed: &[&str],
    extra: &str,
) -> String {
    let allowed: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
    let limits = if extra.contains("[limits]") {
        ""
    } else {
        "\n[limits]\nper_user_burst = 10000\nper_user_per_minute = 100000\nper_room_burst = 10000\n\
         per_room_per_minute = 100000\n"
    };
    format!(
        "[matrix]\nhomeserver = {:?}\nuser_id = {:?}\npassword = {:?}\nstore_passphrase = \"test passphrase\"\n\
         state_dir = {:?}\n\n[access]\nallowed_inviters = [{}]\n{extra}{limits}",
        server.base_url(),
        bot.user_id,
        bot.password,
        dir.join("state").display().to_string(),
        allowed.join(", ")
    )
}

/// The bot's configuration for `server`, with its state in `dir/state`.
pub fn bot_config(
    server: &Synapse,
    bot: &TestUser,
    dir: &Path,
    allowed: &[&str],
    extra: &str,
) -> Config {
    let text = bot_config_text(server, bot, dir, allowed, extra);
    Config::parse(&dir.join("config.toml"), &text).expect("valid bot config")
}

/// The bot running in-process.
pub struct RunningBot {
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl RunningBot {
    /// Starts `verbatim::bot::run` on `config` and waits until its first sync is processed.
    pub async fn start(config: Config) -> RunningBot {
        let (stop, stopped) = oneshot::channel::<()>();
        let (ready, is_ready) = oneshot::channel::<()>();
        let shutdown = async move {
            let _ = stopped.await;
        };
        let mut task = tokio::spawn(verbatim::bot::run_with(config, shutdown, Some(ready)));
        let started = tokio::time::timeout(DEADLINE, is_ready)
            .await
            .expect("bot ready in time");
        if started.is_err() {
            // `run` returned before it was ready: show why.
            match (&mut task).await {
                Ok(Err(e)) => panic!("the bot did not start: {e:#}"),
                other => panic!("the bot did not start: {other:?}"),
            }
        }
        RunningBot {
            stop: Some(stop),
            task,
        }
    }

    /// Sends the shutdown signal and waits for `run` to return; panics if it failed.
    pub async fn stop(mut self) {
        let _ = self.stop.take().expect("not stopped yet").send(());
        let result = tokio::time::timeout(DEADLINE, &mut self.task)
            .await
            .expect("bot stops in time");
        result.expect("bot task").expect("bot exits cleanly");
    }

    /// Whether `run` has returned (it should not, until stopped).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}
