//! The Matrix front end: the only module that uses `matrix_sdk`.
//!
//! [`run`] is the whole bot: it loads the knowledge, logs in (or restores the saved session: [`session`]),
//! syncs with the homeserver ([`sync`]), turns messages into questions ([`events`], by the pure rules of
//! [`trigger`]), and replies ([`reply`]), recording every question it claims in the [`journal`] so that none is
//! ever answered twice. Invites, joins and room upgrades are handled in [`rooms`].
//!
//! Operating: one bot per `state_dir` ([`lock`]); a first login that waits for the homeserver ([`login`]);
//! the device's identity logged and verifiable by an admin with emojis ([`crypto`], [`verification`]); the
//! knowledge is reloaded live ([`reload`]: SIGHUP, `!reload` from an admin, file changes), and so are the live
//! keys of the configuration on SIGHUP ([`reload::hangup`]); questions pass per-user and per-room token
//! buckets ([`flood`]), unanswered questions can be logged ([`unanswered`]), and counters ([`metrics`]) are
//! served with a health check by [`http`]. [`check`] is `verbatim run --check`. Rooms that `[[rooms]]` maps
//! get engines narrowed to their sources ([`engines`], [`Bot::engine_for`]).
//!
//! The moving parts, in order of a message's life:
//! 1. the sync loop receives a sync response (its own backoff 1 s..60 s with jitter on errors);
//! 2. each room event is translated into what happened ([`events`]: a message, an edit, a redaction, a
//!    reaction) and passes the filters (not our own, within the catch-up window, not from before the bot
//!    joined, not claimed yet); the pure rules of [`trigger`] and [`conversations`] decide what to do, and a
//!    question is answered in its conversation (a room's thread, or the room);
//! 3. the events that need work are claimed in the journal (fsync, off the async worker threads), then the
//!    sync position is saved;
//! 4. each room has a queue; a bounded number of replies (a semaphore) are worked on at once across rooms,
//!    in order within a room; a reply (or an edit or redaction of one) is sent with a transaction id derived
//!    from the causing event's id, retried with backoff (rate limits wait as long as the server asks), then
//!    marked done with what it said ([`conversations::Sent`]). Reactions that are feedback go to [`feedback`].
//!
//! Tasks and shutdown: every task the bot spawns is tracked by one [`TaskTracker`] and stopped by one
//! [`CancellationToken`]. When the future given to [`run`] completes, the sync stops, the token is cancelled,
//! queued and in-flight replies are finished (for at most [`DRAIN_TIMEOUT`]), and [`run`] returns `Ok`.
//! Anything not finished is sent at the next start.

pub mod backoff;
pub mod check;
pub mod conversations;
pub mod crypto;
pub mod engines;
pub mod events;
pub mod feedback;
pub mod flood;
pub mod http;
pub mod job;
pub mod journal;
pub mod lock;
pub mod login;
pub mod message;
pub mod metrics;
pub mod persist;
pub mod reload;
pub mod reply;
pub mod rooms;
pub mod session;
pub mod sync;
pub mod trigger;
pub mod unanswered;
pub mod verification;
pub mod watcher;

#[cfg(test)]
mod tests;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use matrix_sdk::Client;
use matrix_sdk::ruma::OwnedUserId;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::answer::{Engine, InvalidKnowledge};
use crate::config::Config;
use crate::matcher::MatcherConfig;
use conversations::Conversations;
use journal::Journal;
use trigger::Identity;

/// How long shutdown waits for queued and in-flight replies.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(20);
/// How long claims are remembered beyond the catch-up window.
const RETENTION_EXTRA: Duration = Duration::from_secs(24 * 3600);

/// Everything the tasks of a running bot share.
pub struct Bot {
    client: Client,
    config: reload::Live<Config>,
    engine: reload::EngineCell,
    reloading: tokio::sync::Mutex<()>,
    metrics: Arc<metrics::Metrics>,
    limiter: Mutex<flood::Limiter>,
    me: Identity,
    user_id: OwnedUserId,
    journal: Arc<Mutex<Journal>>,
    conversations: Mutex<Conversations>,
    replies: reply::Dispatcher,
    /// Cancelled when shutdown begins.
    cancel: CancellationToken,
    /// Every task the bot spawns (but the reply workers, which [`reply::Dispatcher`] tracks).
    tasks: TaskTracker,
    invites: Mutex<std::collections::HashSet<String>>,
}

impl Bot {
    /// The configuration in service (its live keys change on SIGHUP).
    pub fn config(&self) -> Arc<Config> {
        self.config.current()
    }

    /// The journal, even if a panicking task poisoned its lock: for reading (writes go through
    /// [`Bot::write_journal`]).
    fn journal(&self) -> std::sync::MutexGuard<'_, Journal> {
        self.journal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `write` on the journal on a blocking thread (its fsync never holds up an async worker).
    async fn write_journal<T: Send + 'static>(
        &self,
        write: impl FnOnce(&mut Journal) -> std::io::Result<T> + Send + 'static,
    ) -> std::io::Result<T> {
        let journal = self.journal.clone();
        tokio::task::spawn_blocking(move || {
            write(
                &mut journal
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            )
        })
        .await
        .map_err(std::io::Error::other)?
    }

    /// The conversations, with the time to live of the configuration in service.
    fn conversations(&self) -> std::sync::MutexGuard<'_, Conversations> {
        let mut talks = self
            .conversations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        talks.set_ttl(self.config().bot.conversation_ttl.as_millis() as u64);
        talks
    }

    /// Whether shutdown has begun.
    fn is_stopping(&self) -> bool {
        self.cancel.is_cancelled()
    }
}

/// The flood control of `config`'s `[limits]`.
pub fn limiter(config: &Config) -> flood::Limiter {
    let l = &config.limits;
    flood::Limiter::new(
        flood::Rate {
            burst: l.per_user_burst,
            per_minute: l.per_user_per_minute,
        },
        flood::Rate {
            burst: l.per_room_burst,
            per_minute: l.per_room_per_minute,
        },
    )
}

/// Loads and validates the knowledge of `config` (the same checks as `verbatim check`): the engines (with the
/// help command; one over all the knowledge and one per set of sources of `[[rooms]]`, see [`engines`]) and the
/// knowledge's warnings, or every problem (a source that `[[rooms]]` names and the knowledge lacks is one, at its
/// line in the configuration file). The bot's address ("!ask", its name) never reaches the engines: the trigger
/// rules strip it.
pub fn try_load_engine(
    config: &Config,
) -> Result<(engines::Engines, Vec<crate::diagnostic::Diagnostic>), InvalidKnowledge> {
    let (engine, warnings) = Engine::load(
        &config.knowledge_paths,
        MatcherConfig {
            max_question_chars: config.limits.max_question_chars,
            ..config.matching.matcher_config()
        },
    )
    // Every syntax error of a file, bare words explained, instead of the first one only.
    .map_err(|InvalidKnowledge(d)| InvalidKnowledge(crate::diagnostic::explain(d)))?;
    let engine = engine.with_help_command(config.bot.help_command.clone());
    let engines =
        engines::Engines::new(engine, &config.rooms, &config.path).map_err(InvalidKnowledge)?;
    Ok((engines, warnings))
}

/// Loads the knowledge of `config` into its engines, logging its errors.
pub fn load_engine(config: &Config) -> anyhow::Result<engines::Engines> {
    match try_load_engine(config) {
        Ok((engine, warnings)) => {
            for warning in warnings {
                tracing::debug!("{warning}");
            }
            Ok(engine)
        }
        Err(InvalidKnowledge(diagnostics)) => {
            for d in diagnostics.iter().filter(|d| d.is_error()) {
                tracing::error!("{d}");
            }
            let errors = diagnostics.iter().filter(|d| d.is_error());
            let in_config = errors.clone().filter(|d| d.path == config.path).count();
            if in_config > 0 {
                anyhow::bail!(
                    "the [[rooms]] of {} name {in_config} source(s) the knowledge does not have (logged above; \
                     `verbatim run --check` lists them)",
                    config.path.display()
                )
            }
            anyhow::bail!(
                "the knowledge in {:?} has {} error(s) (logged above; `verbatim check` lists them)",
                config.knowledge_paths,
                errors.count()
            )
        }
    }
}

/// Runs the bot until `shutdown` completes (then finishes in-flight replies and returns `Ok`), or until a
/// fatal error: the knowledge or configuration is unusable, the login fails, or the homeserver rejects the
/// access token.
pub async fn run(config: Config, shutdown: impl Future<Output = ()> + Send) -> anyhow::Result<()> {
    run_with(config, shutdown, None).await
}

/// [`run_with`] without a reload trigger.
pub async fn run_with(
    config: Config,
    shutdown: impl Future<Output = ()> + Send,
    ready: Option<tokio::sync::oneshot::Sender<()>>,
) -> anyhow::Result<()> {
    run_with_reload(config, shutdown, ready, None).await
}

/// [`run`], telling `ready` once the first sync is processed (the bot is answering questions from then on),
/// and doing what SIGHUP does ([`reload::hangup`]: the configuration's live keys, then the knowledge) whenever
/// `reload` is notified (the command line wires SIGHUP to it); see [`reload`] for the other triggers. It stops at
/// once when another bot holds `state_dir` ([`lock`]); a first login waits for the homeserver ([`login`]).
pub async fn run_with_reload(
    config: Config,
    shutdown: impl Future<Output = ()> + Send,
    ready: Option<tokio::sync::oneshot::Sender<()>>,
    reload: Option<Arc<tokio::sync::Notify>>,
) -> anyhow::Result<()> {
    let engine = load_engine(&config)?;
    session::ensure_state_dir(&config.matrix.state_dir)?;
    // Held until this function returns; the OS releases it if the process dies.
    let _lock = lock::StateLock::acquire(&config.matrix.state_dir)?;
    let mut shutdown = std::pin::pin!(shutdown);
    let retention = config.bot.catch_up_window + RETENTION_EXTRA;
    let (journal, pending) = Journal::open(
        &config.matrix.state_dir,
        retention.as_millis() as u64,
        persist::now_ms(),
    )
    .with_context(|| {
        format!(
            "opening the reply journal in {}",
            config.matrix.state_dir.display()
        )
    })?;

    // A first login waits for the homeserver however long it takes; shutdown still works meanwhile (a store
    // left half-created is cleaned up at the next start).
    let client = tokio::select! {
        client = session::connect(&config) => client?,
        () = &mut shutdown => {
            tracing::info!("stopped before the first login finished");
            return Ok(());
        }
    };
    let user_id = client
        .user_id()
        .context("the client has no user id after login")?
        .to_owned();
    let display_name = rooms::set_up_profile(&client, &config).await;
    let me = Identity {
        user_id: user_id.to_string(),
        display_name,
        command_prefix: config.bot.command_prefix.clone(),
        help_command: config.bot.help_command.clone(),
        sources_command: config.bot.sources_command.clone(),
    };
    tracing::info!(
        user = %user_id,
        device = %client.device_id().map(|d| d.to_string()).unwrap_or_default(),
        entries = engine.all().knowledge().entries.len(),
        "verbatim starting"
    );
    if let Some(warning) = config.access.warning() {
        tracing::warn!("{warning}");
    }

    let metrics = Arc::new(metrics::Metrics::default());
    metrics.entries.store(
        engine.all().knowledge().entries.len() as u64,
        std::sync::atomic::Ordering::Relaxed,
    );
    let cancel = CancellationToken::new();
    let tasks = TaskTracker::new();
    if let Some(addr) = config.metrics.listen {
        let healthy_age = config.metrics.healthy_sync_age;
        let bound = http::serve(addr, metrics.clone(), healthy_age, &tasks, cancel.clone())
            .await
            .with_context(|| format!("listening for /healthz and /metrics on {addr}"))?;
        tracing::info!(%bound, "serving /healthz and /metrics");
    }
    let flood = limiter(&config);
    let ttl = config.bot.conversation_ttl.as_millis() as u64;
    let bot = Arc::new(Bot {
        replies: reply::Dispatcher::new(config.bot.max_concurrent_questions),
        client,
        config: reload::Live::new(config),
        engine: reload::EngineCell::new(engine),
        reloading: tokio::sync::Mutex::new(()),
        metrics,
        limiter: Mutex::new(flood),
        me,
        user_id,
        journal: Arc::new(Mutex::new(journal)),
        conversations: Mutex::new(Conversations::new(ttl, conversations::MAX_CONVERSATIONS)),
        cancel,
        tasks,
        invites: Mutex::default(),
    });

    bot.tasks.spawn(watcher::watch(bot.clone(), reload));
    let result = sync::run(&bot, pending, shutdown.as_mut(), ready).await;
    bot.cancel.cancel();
    bot.replies.drain(DRAIN_TIMEOUT).await;
    // The other tasks (joins, verification, the watcher) stop at the cancellation; the ones that do not
    // notice it are dropped with the runtime.
    bot.tasks.close();
    if tokio::time::timeout(Duration::from_secs(2), bot.tasks.wait())
        .await
        .is_err()
    {
        tracing::debug!("shutdown: some background tasks were still running");
    }

    // An error is reported once, by the caller (the command line prints it).
    if result.is_ok() {
        tracing::info!("verbatim stopped");
    }
    result
}
