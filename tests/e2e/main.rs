//! The end-to-end tests: the bot against a real Synapse (started by [`support::synapse`], installed by
//! `scripts/test`), in one test binary so that the suite links matrix-sdk once for all of them.
//!
//! - [`harness`]: the Synapse harness itself;
//! - [`bot`]: invites, direct and group rooms, threads, encrypted rooms, restarts on the same device, exactly once
//!   across crashes and `kill -9`, the catch-up window, session errors;
//! - [`conversation`]: follow-ups, suggestions by number and reaction, edits, redactions, feedback;
//! - [`reload`], [`flood`], [`faults`], [`operator`], [`first_login`], [`verification`]: live reload, a flood of
//!   questions, homeserver outages and strict rate limits, the binary as an operator runs it, a first start while
//!   the homeserver is away, verifying the bot.
//!
//! [`botkit`] has the test users and the bot runners.

#[path = "../botkit/mod.rs"]
mod botkit;
#[path = "../support/mod.rs"]
mod support;

mod bot;
mod conversation;
mod faults;
mod first_login;
mod flood;
mod harness;
mod operator;
mod reload;
mod verification;
