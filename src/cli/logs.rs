//! Logging: where the lines go, which are shown, and whether they are coloured.
//!
//! Logs go to standard error. `verbatim run` shows one info line per question and what an operator acts on;
//! the offline commands only warnings. [`RUN_FILTER`] keeps matrix-sdk's own reports out where they need no
//! action: its HTTP client logs every non-2xx response at error level (expected 404s such as an account
//! without secret storage included); its encryption tasks log each request that failed while the homeserver
//! was unreachable (the bot reports the outage itself, once per sync attempt, and retries) and backups or
//! recovery it was not asked to set up; its crypto layer warns on every sync that the account has no key backup
//! (the bot uses one only with a recovery key). Everything else at warn, matrix-sdk's included, still shows.
//! `RUST_LOG` replaces the filter; `deploy/verbatim.service` and the README show this one to start from.
//!
//! Colour only on a terminal, and never when `NO_COLOR` is set (<https://no-color.org>): a file or the
//! journal gets plain text.

use std::ffi::OsString;
use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// The default log filter of `verbatim run`.
pub const RUN_FILTER: &str = "warn,verbatim=info,matrix_sdk::http_client=off,matrix_sdk::encryption=off,matrix_sdk_crypto::backups=error";

/// The default log filter of the other commands.
pub const OFFLINE_FILTER: &str = "warn";

/// Sets up logging to standard error: `RUST_LOG` or `default` as the filter, colour as [`use_colour`] says.
pub fn init(default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let colour = use_colour(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR"),
    );
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .init();
}

/// Whether to colour the logs: only on a terminal, and not when `NO_COLOR` is set to anything but the empty
/// string.
pub fn use_colour(terminal: bool, no_color: Option<OsString>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(use_colour(true, None));
        assert!(use_colour(true, Some(OsString::new())));
        assert!(!use_colour(true, Some(OsString::from("1"))));
        assert!(!use_colour(false, None));
        assert!(!use_colour(false, Some(OsString::from("1"))));
    }

    #[test]
    fn the_unit_file_and_the_readme_show_the_default_filter() {
        let unit = include_str!("../../deploy/verbatim.service");
        let readme = include_str!("../../README.md");
        assert!(
            unit.contains(RUN_FILTER),
            "deploy/verbatim.service does not show {RUN_FILTER}"
        );
        assert!(
            readme.contains(RUN_FILTER),
            "README.md does not show {RUN_FILTER}"
        );
        // The unit must not replace the filter with something else.
        assert!(
            !unit
                .lines()
                .any(|l| l.trim_start().starts_with("Environment=RUST_LOG")
                    || l.trim_start().starts_with("Environment=\"RUST_LOG")),
            "deploy/verbatim.service sets RUST_LOG"
        );
        let dockerfile = include_str!("../../Dockerfile");
        assert!(
            !dockerfile.contains("RUST_LOG="),
            "the Dockerfile sets RUST_LOG"
        );
        assert!(EnvFilter::try_new(RUN_FILTER).is_ok());
    }
}
