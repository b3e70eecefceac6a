//! The `verbatim` binary: parses the command line, sets up logging ([`cli::logs`]), and hands over to
//! [`cli`]. An error ends the program with `error: ` and the error with its causes on one line (see
//! [`verbatim::errors::brief`]), and exit code 2.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let default = match args.command {
        cli::Command::Run { .. } => cli::logs::RUN_FILTER,
        _ => cli::logs::OFFLINE_FILTER,
    };
    cli::logs::init(default);
    match cli::run(args.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", verbatim::errors::brief(e.as_ref()));
            ExitCode::from(2)
        }
    }
}
