//! The bot's counters and gauges, and their Prometheus text exposition (hand-written: a handful of atomics do
//! not need a metrics crate). Served by [`super::http`] at `/metrics`; [`Metrics::health`] is `/healthz`.

use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::answer::Outcome;

/// What became of an event the bot worked on, as counted (`verbatim_questions_total{outcome=...}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// A question, replied to with this outcome.
    Reply(Outcome),
    /// The help command.
    Help,
    /// The sources command.
    Sources,
    /// An admin's reload.
    Reload,
    /// Over the rate limit: asked to slow down.
    SlowDown,
    /// An edited question: the reply edited.
    Edit,
    /// A redacted question: the reply redacted.
    Redact,
    /// Sending failed for good.
    Failed,
}

impl Handled {
    /// Every kind, in the order of the exposition.
    pub const ALL: [Handled; 11] = [
        Handled::Reply(Outcome::Answer),
        Handled::Reply(Outcome::Suggest),
        Handled::Reply(Outcome::None),
        Handled::Reply(Outcome::SmallTalk),
        Handled::Help,
        Handled::Sources,
        Handled::Reload,
        Handled::SlowDown,
        Handled::Edit,
        Handled::Redact,
        Handled::Failed,
    ];

    /// Its name in logs and metrics.
    ///
    /// ```
    /// use verbatim::answer::Outcome;
    /// use verbatim::bot::metrics::Handled;
    /// assert_eq!(Handled::Reply(Outcome::Suggest).as_str(), "suggest");
    /// assert_eq!(Handled::SlowDown.as_str(), "slow_down");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Handled::Reply(outcome) => outcome.as_str(),
            Handled::Help => "help",
            Handled::Sources => "sources",
            Handled::Reload => "reload",
            Handled::SlowDown => "slow_down",
            Handled::Edit => "edit",
            Handled::Redact => "redact",
            Handled::Failed => "failed",
        }
    }

    fn index(self) -> usize {
        Handled::ALL
            .iter()
            .position(|&h| h == self)
            .expect("every kind is in ALL")
    }
}
/// Upper bounds (seconds) of the reply latency histogram's buckets.
pub const LATENCY_BUCKETS: [f64; 10] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// Everything counted while the bot runs.
#[derive(Debug, Default)]
pub struct Metrics {
    questions: [AtomicU64; Handled::ALL.len()],
    latency_buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    /// Failed `/sync` requests.
    pub sync_failures: AtomicU64,
    /// Sends of a reply that were tried again (after an error or a rate limit).
    pub send_retries: AtomicU64,
    /// Questions not answered because their sender or room was over its rate limit.
    pub rate_limited: AtomicU64,
    /// Messages the bot could not decrypt.
    pub undecryptable: AtomicU64,
    /// Entries in the knowledge in service.
    pub entries: AtomicU64,
    /// Joined rooms, as of the last sync.
    pub rooms: AtomicU64,
    reloads_ok: AtomicU64,
    reloads_failed: AtomicU64,
    last_sync: Mutex<Option<Instant>>,
}

impl Metrics {
    /// Counts an event handled as `handled` after `latency`.
    pub fn handled(&self, handled: Handled, latency: Duration) {
        self.questions[handled.index()].fetch_add(1, Ordering::Relaxed);
        let secs = latency.as_secs_f64();
        for (bucket, bound) in self.latency_buckets.iter().zip(LATENCY_BUCKETS) {
            if secs <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_micros
            .fetch_add(latency.as_micros() as u64, Ordering::Relaxed);
    }

    /// Counts a reload (successful or not).
    pub fn reload(&self, ok: bool) {
        let counter = if ok {
            &self.reloads_ok
        } else {
            &self.reloads_failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a successful sync now.
    pub fn synced(&self) {
        *self.last_sync.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
    }

    /// How long ago the last successful sync was, if there was one.
    pub fn last_sync_age(&self) -> Option<Duration> {
        self.last_sync
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .map(|t| t.elapsed())
    }

    /// `/healthz`: healthy when the last successful sync is younger than `max_age`; the status code and a
    /// JSON body with the state.
    pub fn health(&self, max_age: Duration) -> (u16, serde_json::Value) {
        let age = self.last_sync_age();
        let healthy = age.is_some_and(|a| a < max_age);
        let body = json!({
            "status": if healthy { "ok" } else { "unhealthy" },
            "last_sync_age_secs": age.map(|a| (a.as_secs_f64() * 10.0).round() / 10.0),
            "healthy_sync_age_secs": max_age.as_secs(),
            "rooms": self.rooms.load(Ordering::Relaxed),
            "entries": self.entries.load(Ordering::Relaxed),
        });
        (if healthy { 200 } else { 503 }, body)
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let mut head = |name: &str, kind: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        };
        head(
            "verbatim_questions_total",
            "counter",
            "Questions and commands replied to, by outcome.",
        );
        for (h, c) in Handled::ALL.iter().zip(&self.questions) {
            let _ = writeln!(
                out,
                "verbatim_questions_total{{outcome=\"{}\"}} {}",
                h.as_str(),
                get(c)
            );
        }
        let mut head = |name: &str, kind: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        };
        head(
            "verbatim_reply_latency_seconds",
            "histogram",
            "Time from receiving a question to its reply being sent.",
        );
        for (bound, c) in LATENCY_BUCKETS.iter().zip(&self.latency_buckets) {
            let _ = writeln!(
                out,
                "verbatim_reply_latency_seconds_bucket{{le=\"{bound}\"}} {}",
                get(c)
            );
        }
        let count = get(&self.latency_count);
        let _ = writeln!(
            out,
            "verbatim_reply_latency_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "verbatim_reply_latency_seconds_sum {}\nverbatim_reply_latency_seconds_count {count}",
            get(&self.latency_sum_micros) as f64 / 1e6
        );
        let simple: [(&str, &str, &str, &AtomicU64); 6] = [
            (
                "verbatim_sync_failures_total",
                "counter",
                "Failed /sync requests.",
                &self.sync_failures,
            ),
            (
                "verbatim_send_retries_total",
                "counter",
                "Reply sends tried again after an error or rate limit.",
                &self.send_retries,
            ),
            (
                "verbatim_rate_limited_questions_total",
                "counter",
                "Questions not answered because of flood control.",
                &self.rate_limited,
            ),
            (
                "verbatim_undecryptable_events_total",
                "counter",
                "Messages that could not be decrypted.",
                &self.undecryptable,
            ),
            (
                "verbatim_knowledge_entries",
                "gauge",
                "Entries in the knowledge in service.",
                &self.entries,
            ),
            (
                "verbatim_joined_rooms",
                "gauge",
                "Rooms the bot is in, as of the last sync.",
                &self.rooms,
            ),
        ];
        for (name, kind, help, value) in simple {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {}",
                get(value)
            );
        }
        let _ = writeln!(
            out,
            "# HELP verbatim_reloads_total Knowledge reloads, by result.\n# TYPE verbatim_reloads_total counter\n\
             verbatim_reloads_total{{result=\"ok\"}} {}\nverbatim_reloads_total{{result=\"error\"}} {}",
            get(&self.reloads_ok),
            get(&self.reloads_failed)
        );
        let age = self.last_sync_age().map_or(-1.0, |a| a.as_secs_f64());
        let _ = writeln!(
            out,
            "# HELP verbatim_last_sync_age_seconds Seconds since the last successful sync (-1: none yet).\n\
             # TYPE verbatim_last_sync_age_seconds gauge\nverbatim_last_sync_age_seconds {age}"
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_has_help_and_type_for_every_family() {
        let m = Metrics::default();
        m.handled(Handled::Reply(Outcome::Answer), Duration::from_millis(70));
        m.handled(Handled::Reply(Outcome::None), Duration::from_secs(3));
        m.reload(false);
        m.entries.store(15, Ordering::Relaxed);
        let text = m.render();
        assert!(
            text.contains("verbatim_questions_total{outcome=\"answer\"} 1"),
            "{text}"
        );
        assert!(text.contains("verbatim_reply_latency_seconds_bucket{le=\"0.05\"} 0"));
        assert!(text.contains("verbatim_reply_latency_seconds_bucket{le=\"0.1\"} 1"));
        assert!(text.contains("verbatim_reply_latency_seconds_bucket{le=\"5\"} 2"));
        assert!(text.contains("verbatim_reply_latency_seconds_bucket{le=\"+Inf\"} 2"));
        assert!(text.contains("verbatim_reply_latency_seconds_count 2"));
        assert!(text.contains("verbatim_reloads_total{result=\"error\"} 1"));
        assert!(text.contains("verbatim_knowledge_entries 15"));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let family = line.split(['{', ' ']).next().unwrap();
            let base = family
                .trim_end_matches("_bucket")
                .trim_end_matches("_sum")
                .trim_end_matches("_count");
            assert!(
                text.contains(&format!("# TYPE {base} ")),
                "no TYPE for {line}"
            );
            assert!(
                text.contains(&format!("# HELP {base} ")),
                "no HELP for {line}"
            );
        }
    }

    #[test]
    fn health_follows_the_last_sync() {
        let m = Metrics::default();
        let (code, body) = m.health(Duration::from_secs(120));
        assert_eq!((code, body["status"].as_str()), (503, Some("unhealthy")));
        m.synced();
        let (code, body) = m.health(Duration::from_secs(120));
        assert_eq!(code, 200, "{body}");
        assert!(body["last_sync_age_secs"].as_f64().unwrap() < 5.0);
        assert_eq!(m.health(Duration::ZERO).0, 503);
    }
}
