//! The operating sections of the configuration: `[limits]` (flood control, what the bot reads), `[metrics]`
//! (the health and metrics listener) and `[curation]` (the unanswered-question and feedback logs).

use std::time::Duration;

use super::raw::{Checker, RawCuration, RawLimits, RawMetrics};

/// `[limits]`: per-user and per-room token buckets, and limits on what the bot reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitsConfig {
    /// Questions a user may ask in a burst.
    pub per_user_burst: u32,
    /// Questions a user may ask per minute, sustained.
    pub per_user_per_minute: u32,
    /// Questions a room may ask in a burst (all users together).
    pub per_room_burst: u32,
    /// Questions a room may ask per minute, sustained.
    pub per_room_per_minute: u32,
    /// Only this many characters of a question are read by the matcher.
    pub max_question_chars: usize,
    /// Rooms with more members than this are left; 0 means no limit.
    pub max_room_members: u64,
}

/// `[metrics]`: the optional HTTP listener for `/healthz` and `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsConfig {
    /// Where to listen; `None` (the default) means no listener.
    pub listen: Option<std::net::SocketAddr>,
    /// `/healthz` is healthy while the last successful sync is younger than this.
    pub healthy_sync_age: Duration,
}

/// `[curation]`: the logs of questions the bot could not answer and of reactions to its answers (off by
/// default: they hold what people typed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurationConfig {
    /// Append questions answered `none` or `suggest` to `state_dir/unanswered.jsonl`.
    pub log_unanswered: bool,
    /// Append reactions (👍, 👎) to answers to `state_dir/feedback.jsonl`.
    pub log_feedback: bool,
    /// Also write the asker's (or reacting user's) id in each record of those logs.
    pub log_user_ids: bool,
}

/// Checks and converts the operating sections, recording errors in `c`.
pub(super) fn parse(
    c: &mut Checker<'_>,
    limits: RawLimits,
    metrics: RawMetrics,
    curation: RawCuration,
) -> (LimitsConfig, MetricsConfig, CurationConfig) {
    let listen = metrics
        .listen
        .and_then(|l| match l.get_ref().parse::<std::net::SocketAddr>() {
            Ok(addr) => Some(addr),
            Err(_) => {
                c.error(
                    l.span(),
                    "metrics.listen",
                    format!("{:?} is not an address with a port", l.get_ref()),
                    Some("for example \"127.0.0.1:9102\""),
                );
                None
            }
        });
    let healthy_age = c.int(
        metrics.healthy_sync_age_secs,
        "metrics.healthy_sync_age_secs",
        120,
        1..86_401,
    );

    let l = limits;
    let mut limit = |value, key, default, range| c.int(value, key, default, range) as u32;
    let limits = LimitsConfig {
        per_user_burst: limit(l.per_user_burst, "limits.per_user_burst", 20, 1..10_001),
        per_user_per_minute: limit(
            l.per_user_per_minute,
            "limits.per_user_per_minute",
            30,
            1..100_001,
        ),
        per_room_burst: limit(l.per_room_burst, "limits.per_room_burst", 50, 1..10_001),
        per_room_per_minute: limit(
            l.per_room_per_minute,
            "limits.per_room_per_minute",
            120,
            1..100_001,
        ),
        max_question_chars: limit(
            l.max_question_chars,
            "limits.max_question_chars",
            1000,
            100..100_001,
        ) as usize,
        max_room_members: u64::from(limit(
            l.max_room_members,
            "limits.max_room_members",
            500,
            0..10_000_001,
        )),
    };

    (
        limits,
        MetricsConfig {
            listen,
            healthy_sync_age: Duration::from_secs(healthy_age as u64),
        },
        CurationConfig {
            log_unanswered: curation.log_unanswered.unwrap_or(false),
            log_feedback: curation.log_feedback.unwrap_or(false),
            log_user_ids: curation.log_user_ids.unwrap_or(false),
        },
    )
}
