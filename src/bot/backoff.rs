//! Exponential backoff with full jitter, shared by the sync loop, joins and sends.

use std::time::Duration;

use rand::Rng;

/// Delays that double from `min` up to `max`, each randomised to between half and all of the nominal delay.
#[derive(Debug, Clone)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    attempt: u32,
}

impl Backoff {
    /// A backoff from `min` to `max`.
    pub fn new(min: Duration, max: Duration) -> Backoff {
        Backoff {
            min,
            max,
            attempt: 0,
        }
    }

    /// The sync loop's: 1 s up to 60 s.
    pub fn sync() -> Backoff {
        Backoff::new(Duration::from_secs(1), Duration::from_secs(60))
    }

    /// The nominal (un-jittered) delay of the next attempt.
    pub fn nominal(&self) -> Duration {
        let factor = 1u32.checked_shl(self.attempt.min(20)).unwrap_or(u32::MAX);
        self.min.saturating_mul(factor).min(self.max)
    }

    /// The next delay (jittered), advancing the backoff.
    pub fn next_delay(&mut self) -> Duration {
        let nominal = self.nominal();
        self.attempt = self.attempt.saturating_add(1);
        let ms = nominal.as_millis() as u64;
        Duration::from_millis(rand::rng().random_range(ms / 2..=ms.max(1)))
    }

    /// How many delays were handed out since the last reset.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// Back to the shortest delay (after a success).
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_with_jitter_and_resets() {
        let mut b = Backoff::sync();
        let mut nominal = vec![];
        for _ in 0..9 {
            nominal.push(b.nominal().as_secs());
            let d = b.next_delay();
            assert!(
                d <= Duration::from_secs(60) && d >= Duration::from_millis(500),
                "{d:?}"
            );
        }
        assert_eq!(nominal, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(b.attempts(), 9);
        b.reset();
        assert_eq!(b.nominal(), Duration::from_secs(1));
    }
}
