//! Live knowledge reload: the engine behind an atomic swap, and [`reload`], which the three triggers call
//! (SIGHUP and file changes through [`super::watcher`], `!reload` from an admin through [`super::reply`]).
//!
//! A reload loads and validates everything first ([`super::try_load_engine`]: the same checks as
//! `verbatim check`), on a blocking thread. On any error the previous knowledge stays in service and each error
//! is logged at warn as `path:line:col: error: message`; on success the new engine replaces the old one in one
//! pointer swap ([`EngineCell`]), so a question is answered either wholly by the old knowledge or wholly by the
//! new. Reloads run one at a time.

use std::sync::{Arc, RwLock};

use super::{Bot, try_load_engine};
use crate::answer::Engine;

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

#[cfg(test)]
mod tests {
    use super::*;

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
