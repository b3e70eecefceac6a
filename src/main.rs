//! The `verbatim` binary: parses the command line, sets up logging, and hands over to [`cli`].

mod cli;

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    // The bot logs one info line per question by default, the offline commands only warnings. The SDK logs
    // every non-2xx response (expected 404s included) at error level; the bot reports its own failures, so
    // those lines are off unless RUST_LOG asks for them.
    let default = match args.command {
        cli::Command::Run { .. } => {
            "warn,verbatim=info,matrix_sdk::http_client=off,matrix_sdk_crypto::backups=error"
        }
        _ => "warn",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    match cli::run(args.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
