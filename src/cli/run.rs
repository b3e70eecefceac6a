//! `verbatim run`: the bot on a multi-threaded runtime (built here only; the offline commands stay
//! synchronous), stopped by SIGINT or SIGTERM; SIGHUP re-reads the configuration and reloads the knowledge.
//! `verbatim run --check` only checks ([`verbatim::bot::check`]).
//!
//! A configuration with errors is printed as its diagnostics, each already `path:line:col: error: message`
//! with its hint, and exits 2; every other failure is one `error: ...` line with its causes.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use verbatim::config::{Config, ConfigError};

/// Runs the bot with the configuration at `path`, or only checks it.
pub fn run(path: &Path, check: bool) -> anyhow::Result<ExitCode> {
    if check {
        let report = verbatim::bot::check::check(path);
        std::io::stdout().lock().write_all(report.text.as_bytes())?;
        return Ok(if report.errors == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let config = match Config::load(path) {
        Ok(config) => config,
        Err(ConfigError::Invalid(diagnostics)) => {
            let mut err = std::io::stderr().lock();
            for d in &diagnostics {
                writeln!(err, "{d}")?;
            }
            writeln!(
                err,
                "{} error(s) in the configuration; `verbatim run --check` checks it without starting the bot",
                diagnostics.len()
            )?;
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let reload = std::sync::Arc::new(tokio::sync::Notify::new());
        let bot =
            verbatim::bot::run_with_reload(config, shutdown_signal(), None, Some(reload.clone()));
        let mut bot = std::pin::pin!(bot);
        // SIGHUP is listened for beside the bot, not on a task of its own: it ends with the bot.
        tokio::select! {
            result = &mut bot => result,
            () = hangup_signal(reload) => bot.await,
        }
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Notifies `reload` on every SIGHUP.
async fn hangup_signal(reload: std::sync::Arc<tokio::sync::Notify>) {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hup = match signal(SignalKind::hangup()) {
        Ok(hup) => hup,
        Err(e) => {
            tracing::warn!("cannot listen for SIGHUP (reload with !reload instead): {e}");
            return;
        }
    };
    while hup.recv().await.is_some() {
        tracing::info!("SIGHUP: reading the configuration and reloading the knowledge");
        reload.notify_one();
    }
}

/// Completes on the first SIGINT or SIGTERM.
async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(term) => term,
        Err(e) => {
            tracing::warn!("cannot listen for SIGTERM: {e}");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT: shutting down"),
        _ = term.recv() => tracing::info!("SIGTERM: shutting down"),
    }
}
