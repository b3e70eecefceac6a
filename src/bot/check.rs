//! `verbatim run --check`: everything the bot would refuse at start, found without starting it and without
//! contacting the homeserver.
//!
//! It reads the configuration file (every error with its line, [`Config::load`]) and then the knowledge it
//! names (every error with its line, the checks of `verbatim check`, and every source `[[rooms]]` names that it
//! lacks); looks at the secrets and at `state_dir`
//! (a store passphrase, a password when there is no saved session yet, a saved session that belongs to this
//! account and homeserver, whether a bot runs with it now); and prints the effective configuration, secrets
//! redacted, each key marked with where it came from when not from the file.

use std::fmt::Write as _;
use std::path::Path;

use crate::config::{Config, ConfigError};
use crate::diagnostic::Diagnostic;
use crate::errors::brief;

use super::{lock, session, try_load_engine};

/// What `--check` found.
#[derive(Debug, Default)]
pub struct Report {
    /// The text to print.
    pub text: String,
    /// How many errors (the exit code is 1 when there is any).
    pub errors: usize,
    /// How many warnings.
    pub warnings: usize,
}

impl Report {
    fn error(&mut self, line: impl std::fmt::Display) {
        self.errors += 1;
        let _ = writeln!(self.text, "{line}");
    }

    fn warning(&mut self, line: impl std::fmt::Display) {
        self.warnings += 1;
        let _ = writeln!(self.text, "{line}");
    }

    fn note(&mut self, line: impl std::fmt::Display) {
        let _ = writeln!(self.text, "{line}");
    }
}

/// Checks the configuration file at `path` (with the environment applied, as `verbatim run` reads it) and
/// everything it points to.
pub fn check(path: &Path) -> Report {
    let mut report = Report::default();
    report.note(format_args!("configuration file: {}", path.display()));
    let config = match Config::load(path) {
        Ok(config) => config,
        Err(ConfigError::Invalid(diagnostics)) => {
            for d in diagnostics {
                report.error(d);
            }
            report.note("the knowledge and state_dir are checked once the configuration is valid");
            return finish(report);
        }
        Err(e) => {
            report.error(format_args!("error: {e}"));
            return finish(report);
        }
    };
    secrets_and_state(&config, &mut report);
    if let Some(warning) = config.access.warning() {
        report.warning(format_args!(
            "{}: warning: {warning}",
            config.path.display()
        ));
    }
    knowledge(&config, &mut report);
    report.note(format_args!(
        "\nThe configuration the bot runs with (secrets redacted; \"# from VERBATIM_...\" marks a value from the \
         environment, \"# default\" a key the file does not set):\n\n{}",
        config.effective()
    ));
    finish(report)
}

fn finish(mut report: Report) -> Report {
    let verdict = if report.errors == 0 { "OK" } else { "FAILED" };
    let (errors, warnings) = (report.errors, report.warnings);
    report.note(format_args!(
        "verbatim run --check: {verdict}: {errors} error(s), {warnings} warning(s); the homeserver was not contacted"
    ));
    report
}

/// The store passphrase, the password a first start needs, the saved session, and whether a bot runs now.
fn secrets_and_state(config: &Config, report: &mut Report) {
    let file = config.path.display();
    let state_dir = config.matrix.state_dir.display();
    if config.matrix.store_passphrase.is_none() {
        report.error(format_args!(
            "{file}: error: no store passphrase\n  hint: set VERBATIM_STORE_PASSPHRASE (or store_passphrase in \
             [matrix]); it encrypts the store in {state_dir}/store"
        ));
    }
    match session::saved_session(config) {
        Ok(Some((user, device))) => {
            report.note(format_args!(
                "state_dir {state_dir}: the saved session of {user}, device {device}"
            ));
        }
        Ok(None) => {
            if config.matrix.password.is_none() {
                report.error(format_args!(
                    "{file}: error: no saved session in {state_dir} and no password, so the first start cannot log in\n  \
                     hint: set VERBATIM_PASSWORD (or password in [matrix]) for the first start"
                ));
            } else {
                report.note(format_args!(
                    "state_dir {state_dir}: no session yet; the first start logs in with the password and creates \
                     the bot's device"
                ));
            }
        }
        Err(e) => report.error(format_args!("{state_dir}: error: {}", brief(e.as_ref()))),
    }
    match lock::holder(&config.matrix.state_dir) {
        Some(Some(pid)) => report.note(format_args!(
            "state_dir {state_dir}: a bot is running with it now (PID {pid})"
        )),
        Some(None) => report.note(format_args!(
            "state_dir {state_dir}: a bot is running with it now"
        )),
        None => {}
    }
}

/// The knowledge: every error with its line, or what was loaded.
fn knowledge(config: &Config, report: &mut Report) {
    let from = if config.knowledge_paths.is_empty() {
        "compiled in".to_string()
    } else {
        config
            .knowledge_paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match try_load_engine(config) {
        Ok((engines, warnings)) => {
            let knowledge = engines.all().knowledge();
            report.note(format_args!(
                "knowledge ({from}): {} entries from {} source(s); {} warning(s) (`verbatim check` lists them)",
                knowledge.entries.len(),
                knowledge.sources.len(),
                warnings.len()
            ));
            let ids: Vec<&str> = knowledge.sources.iter().map(|s| s.id.as_str()).collect();
            report.note(format_args!("source ids: {}", ids.join(", ")));
            if engines.maps_rooms() {
                report.note(format_args!(
                    "[[rooms]]: {} entries give rooms some of the sources; every other room gets all of them",
                    config.rooms.rules.len()
                ));
            }
        }
        Err(invalid) => {
            let errors: Vec<&Diagnostic> = invalid.0.iter().filter(|d| d.is_error()).collect();
            for d in &errors {
                report.error(d);
            }
            if errors.iter().all(|d| d.path == config.path) {
                report.note(format_args!(
                    "[[rooms]]: {} source(s) that the knowledge ({from}) does not have; the bot refuses to start",
                    errors.len()
                ));
            } else {
                report.note(format_args!(
                    "knowledge ({from}): {} error(s); the bot refuses knowledge with errors",
                    errors.len()
                ));
            }
        }
    }
}
