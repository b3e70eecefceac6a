//! The Matrix bot.

pub mod trigger;
pub mod backoff;
pub mod journal;
