//! The tests that need no homeserver, in one test binary: the command line run as the built binary and the
//! library's answers on the shipped and fixture knowledge.
//!
//! - [`answers`], [`compose`], [`quality`], [`render`]: what verbatim answers, composed knowledge, the question
//!   sets' floors, HTML escaping;
//! - [`cli`], [`curation`], [`draft`]: `ask`, `chat`, `check`, the logs and `review`, `draft`;
//! - [`bot_cli`], [`run_check`]: `verbatim run` without a homeserver, `run --check`;
//! - [`unseen`]: unedited drafts of the fixture reports on their strangers' question sets.

#[path = "../cmd/mod.rs"]
mod cmd;

mod answers;
mod bot_cli;
mod cli;
mod compose;
mod curation;
mod draft;
mod quality;
mod render;
mod run_check;
mod unseen;
