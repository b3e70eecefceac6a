//! verbatim: answers questions with verbatim, sourced quotes from curated reports, on the command line and as
//! a Matrix bot.
//!
//! The layers, each depending only on the ones above it in this list:
//! - [`matcher`]: normalizing, indexing and scoring text; knows nothing of knowledge files or Matrix;
//! - [`knowledge`]: the knowledge model, loading files, and the checks of `verbatim check`;
//! - [`answer`]: an [`Engine`](answer::Engine) that turns a question into a [`Reply`](answer::Reply), and the
//!   rendering of replies as plain text, HTML and JSON for every front end;
//! - [`config`]: the bot's TOML configuration (plain data; no Matrix types), which sources each room may quote
//!   among it (`[[rooms]]`);
//! - [`bot`]: the Matrix front end (the only module that uses `matrix_sdk`);
//! - [`draft`]: drafting a knowledge file from a plain-text report (`verbatim draft`);
//! - [`curation`]: the log of unanswered questions and its review (`verbatim review`);
//! - [`calibrate`]: fitting the decision of a knowledge base on labeled questions (`verbatim calibrate`);
//! - `cli` (in the binary): the command line.
//!
//! [`synth`] generates synthetic knowledge and questions, and [`bench`] measures speed, memory and accuracy
//! on them (`verbatim bench`).
//!
//! [`text`] is at the bottom: where sentences end, abbreviations and months, cutting text, a hash finalizer.
//!
//! [`diagnostic`] is the shared shape of every problem reported about an input file; [`errors`] puts an error
//! and its causes on one short line for logs.

pub mod answer;
pub mod bench;
#[cfg(feature = "bot")]
pub mod bot;
pub mod calibrate;
pub mod config;
pub mod curation;
pub mod diagnostic;
pub mod draft;
pub mod errors;
pub mod knowledge;
pub mod matcher;
pub mod synth;
pub mod text;
