//! Flood control: per-user and per-room token buckets (`[limits]`). Pure: time comes in as milliseconds, so
//! every rule is testable without sleeping.
//!
//! A question takes one token from its sender's bucket and one from its room's. When either is empty the
//! question is not answered: the first time that bucket runs dry the bot answers once "slow down"
//! ([`Decision::SlowDown`]), then stays silent ([`Decision::Silent`]) until that bucket has a token again.
//! Other users and rooms have their own buckets and are unaffected.

use std::collections::HashMap;

/// A token bucket: up to `burst` tokens, refilled at `per_minute` tokens a minute.
#[derive(Debug, Clone)]
pub struct Bucket {
    tokens: f64,
    last_ms: u64,
    /// Whether the "slow down" for this run-dry was sent.
    warned: bool,
}

/// How a bucket refills.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// The most tokens a bucket holds (questions in a burst).
    pub burst: u32,
    /// Tokens added per minute.
    pub per_minute: u32,
}

impl Rate {
    fn refill(&self, bucket: &mut Bucket, now_ms: u64) {
        let elapsed = now_ms.saturating_sub(bucket.last_ms) as f64;
        bucket.tokens = (bucket.tokens + elapsed * f64::from(self.per_minute) / 60_000.0)
            .min(f64::from(self.burst));
        bucket.last_ms = now_ms;
    }
}

/// What to do with a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Answer it.
    Allow,
    /// Do not answer; reply "slow down" once (the sender, or the whole room, is over its limit).
    SlowDown {
        /// True when the room's bucket is empty (rather than the sender's).
        room: bool,
    },
    /// Do not answer, and say nothing.
    Silent,
}

/// The buckets of every user and room seen recently.
#[derive(Debug)]
pub struct Limiter {
    user_rate: Rate,
    room_rate: Rate,
    users: HashMap<String, Bucket>,
    rooms: HashMap<String, Bucket>,
}

/// Above this many buckets, full ones are forgotten (a full bucket is the same as no bucket).
const PRUNE_ABOVE: usize = 10_000;

impl Limiter {
    /// A limiter with these rates.
    pub fn new(user_rate: Rate, room_rate: Rate) -> Limiter {
        Limiter {
            user_rate,
            room_rate,
            users: HashMap::new(),
            rooms: HashMap::new(),
        }
    }

    /// Decides for a question from `user` in `room` at `now_ms`, taking tokens when it is allowed.
    pub fn check(&mut self, user: &str, room: &str, now_ms: u64) -> Decision {
        let fresh = |rate: Rate| Bucket {
            tokens: f64::from(rate.burst),
            last_ms: now_ms,
            warned: false,
        };
        let (user_rate, room_rate) = (self.user_rate, self.room_rate);
        let u = self
            .users
            .entry(user.to_string())
            .or_insert_with(|| fresh(user_rate));
        user_rate.refill(u, now_ms);
        let r = self
            .rooms
            .entry(room.to_string())
            .or_insert_with(|| fresh(room_rate));
        room_rate.refill(r, now_ms);
        if u.tokens >= 1.0 {
            u.warned = false;
        }
        if r.tokens >= 1.0 {
            r.warned = false;
        }
        let decision = if u.tokens < 1.0 {
            if std::mem::replace(&mut u.warned, true) {
                Decision::Silent
            } else {
                Decision::SlowDown { room: false }
            }
        } else if r.tokens < 1.0 {
            if std::mem::replace(&mut r.warned, true) {
                Decision::Silent
            } else {
                Decision::SlowDown { room: true }
            }
        } else {
            u.tokens -= 1.0;
            r.tokens -= 1.0;
            Decision::Allow
        };
        if self.users.len() + self.rooms.len() > PRUNE_ABOVE {
            self.prune(now_ms);
        }
        decision
    }

    /// Forgets the buckets that are full again.
    fn prune(&mut self, now_ms: u64) {
        for (map, rate) in [
            (&mut self.users, self.user_rate),
            (&mut self.rooms, self.room_rate),
        ] {
            map.retain(|_, b| {
                rate.refill(b, now_ms);
                b.tokens < f64::from(rate.burst)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> Limiter {
        Limiter::new(
            Rate {
                burst: 3,
                per_minute: 6,
            },
            Rate {
                burst: 5,
                per_minute: 60,
            },
        )
    }

    #[test]
    fn a_burst_then_slow_down_once_then_silence_until_refilled() {
        let mut l = limiter();
        let d: Vec<Decision> = (0..6).map(|_| l.check("@a", "!r", 0)).collect();
        assert_eq!(
            d,
            [
                Decision::Allow,
                Decision::Allow,
                Decision::Allow,
                Decision::SlowDown { room: false },
                Decision::Silent,
                Decision::Silent
            ]
        );
        // 6 a minute: one token after 10 s, not before.
        assert_eq!(l.check("@a", "!r", 9_000), Decision::Silent);
        assert_eq!(l.check("@a", "!r", 10_000), Decision::Allow);
        // Dry again: a new run-dry gets its own single "slow down".
        assert_eq!(
            l.check("@a", "!r", 10_001),
            Decision::SlowDown { room: false }
        );
        assert_eq!(l.check("@a", "!r", 10_002), Decision::Silent);
    }

    #[test]
    fn other_users_and_rooms_are_unaffected() {
        let mut l = limiter();
        for _ in 0..5 {
            l.check("@a", "!r", 0);
        }
        assert_eq!(l.check("@b", "!r", 0), Decision::Allow);
        // The user's own limit follows them to other rooms (already told: silence).
        assert_eq!(l.check("@a", "!other", 0), Decision::Silent);
        assert_eq!(l.check("@c", "!other", 0), Decision::Allow);
    }

    #[test]
    fn a_busy_room_is_limited_as_a_whole() {
        let mut l = limiter();
        let users = ["@a", "@b", "@c", "@d", "@e", "@f", "@g"];
        let d: Vec<Decision> = users.iter().map(|u| l.check(u, "!r", 0)).collect();
        assert_eq!(&d[..5], [Decision::Allow; 5]);
        assert_eq!(d[5], Decision::SlowDown { room: true });
        assert_eq!(d[6], Decision::Silent);
        // 60 a minute: a token a second.
        assert_eq!(l.check("@h", "!r", 1_000), Decision::Allow);
    }

    #[test]
    fn full_buckets_are_forgotten() {
        let mut l = limiter();
        for i in 0..PRUNE_ABOVE {
            l.check(&format!("@u{i}"), "!r", 0);
        }
        l.check("@late", "!r", 3_600_000);
        assert!(l.users.len() < 10, "{}", l.users.len());
    }
}
