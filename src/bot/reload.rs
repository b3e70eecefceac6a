//! Live reload: the engine and the configuration behind atomic swaps ([`Live`]); [`reload`], which the three
//! triggers of a knowledge reload call (SIGHUP and file changes through [`super::watcher`], `!reload` from an
//! admin through [`super::reply`]); and [`hangup`], what SIGHUP does: read the configuration file again, apply
//! the keys that can change while the bot runs (see [`crate::config::KEYS`]), log the changed keys that need a
//! restart, then reload the knowledge.
//!
//! A reload loads and validates everything first ([`super::try_load_engine`]: the same checks as
//! `verbatim check`, and that every source `[[rooms]]` names is loaded), on a blocking thread. On any error the previous knowledge stays in service and each error
//! is logged at warn as `path:line:col: error: message`; on success the new engine replaces the old one in one
//! pointer swap ([`EngineCell`]), so a question is answered either wholly by the old knowledge or wholly by the
//! new. Reloads run one at a time.

use std::sync::{Arc, RwLock};

use super::engines::Engines;
use super::{Bot, try_load_engine};
use crate::config::{Config, ConfigError};

/// How many errors an admin's `!reload` reply lists.
pub const ERRORS_IN_REPLY: usize = 5;

/// A value in service (the engine, the configuration), replaced atomically by a reload.
#[derive(Debug)]
pub struct Live<T>(RwLock<Arc<T>>);

/// The engines in service (all the knowledge, and the narrowed engines of `[[rooms]]`), swapped together.
pub type EngineCell = Live<Engines>;

impl<T> Live<T> {
    /// A cell holding `value`.
    pub fn new(value: T) -> Live<T> {
        Live(RwLock::new(Arc::new(value)))
    }

    /// The value in service now (a question keeps using it even if a reload swaps in another meanwhile).
    pub fn current(&self) -> Arc<T> {
        self.0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Puts `value` in service.
    pub fn replace(&self, value: T) {
        *self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(value);
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
    /// The reply to an admin's `!reload`: the entry count, or the first few errors, each with its hint.
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
                    text.push_str(e);
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
    let config = bot.config();
    let loaded = tokio::task::spawn_blocking(move || try_load_engine(&config)).await;
    match loaded {
        Ok(Ok((engine, _warnings))) => {
            let n = engine.all().knowledge().entries.len();
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

/// What SIGHUP did to the configuration.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Hangup {
    /// The changed keys now in service.
    pub applied: Vec<&'static str>,
    /// The changed keys that keep their running values until a restart.
    pub need_restart: Vec<&'static str>,
    /// The errors of a configuration file that could not be used (then nothing changed).
    pub errors: Vec<String>,
}

/// SIGHUP: reads the configuration file again and applies its live keys (the flood-control buckets start
/// afresh when `[limits]` changed), logs the changed keys that need a restart, then reloads the knowledge.
/// A file with errors changes nothing (each error is logged); the knowledge is reloaded all the same.
pub async fn hangup(bot: &Bot) -> Hangup {
    let running = bot.config();
    let path = running.path.clone();
    let loaded = tokio::task::spawn_blocking(move || Config::load(&path)).await;
    let mut outcome = Hangup::default();
    match loaded {
        Ok(Ok(new)) => {
            for change in running.changes(&new) {
                if change.live {
                    outcome.applied.push(change.key);
                } else {
                    outcome.need_restart.push(change.key);
                }
            }
            if !outcome.applied.is_empty() {
                let merged = running.with_live_keys_of(&new);
                if merged.limits != running.limits {
                    *bot.limiter
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) =
                        super::limiter(&merged);
                }
                bot.config.replace(merged);
                tracing::info!(keys = %outcome.applied.join(", "), "SIGHUP: applied the changed configuration");
            }
            if !outcome.need_restart.is_empty() {
                tracing::warn!(
                    keys = %outcome.need_restart.join(", "),
                    "SIGHUP: these changed keys need a restart (systemctl restart verbatim); until then they keep their running values"
                );
            }
            if outcome.applied.is_empty() && outcome.need_restart.is_empty() {
                tracing::info!("SIGHUP: the configuration is unchanged");
            }
        }
        Ok(Err(ConfigError::Invalid(diagnostics))) => {
            outcome.errors = diagnostics.iter().map(ToString::to_string).collect();
        }
        Ok(Err(e)) => outcome.errors = vec![e.to_string()],
        Err(e) => outcome.errors = vec![format!("internal error: {e}")],
    }
    if !outcome.errors.is_empty() {
        for e in &outcome.errors {
            tracing::warn!("{e}");
        }
        tracing::warn!(
            file = %running.path.display(),
            "SIGHUP: the configuration file has errors; the running configuration stays"
        );
    }
    reload(bot, "SIGHUP").await;
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_reply_lists_the_first_errors_with_their_hints() {
        let errors: Vec<String> = (1..=7)
            .map(|i| format!("k.toml:{i}:1: error: bad\n  hint: fix {i}"))
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
        assert!(
            text.contains("- k.toml:1:1: error: bad\n  hint: fix 1\n- k.toml:2:1"),
            "{text}"
        );
        assert!(text.ends_with("(and 2 more)"), "{text}");
        assert_eq!(
            Outcome::Loaded(12).message(),
            "Knowledge reloaded: 12 entries."
        );
    }
}
