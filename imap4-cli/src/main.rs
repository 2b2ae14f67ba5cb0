//! `imap4`: the command-line tool of the imap4 project.
//!
//! Subcommands live in their own modules beside this one; this file only sets up the
//! command line and dispatches.

mod json;
mod parse;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// IMAP client tools.
#[derive(Debug, Parser)]
#[command(name = "imap4", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode raw IMAP server bytes into JSON Lines, one object per response.
    ///
    /// Exit status: 0 when everything parsed, 1 when a response was malformed or the input
    /// ended inside one, 2 on a fatal decode error (a limit was exceeded) or an I/O error.
    /// The JSON schema is described in docs/parse-json.md.
    Parse(parse::ParseArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Command::Parse(args) => parse::run(args),
    }
}
