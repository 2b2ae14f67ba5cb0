//! `imap4`: the command-line tool of the imap4 project.
//!
//! Each subcommand lives in its own module under `cmd/`; this file only declares the
//! command line and dispatches. Shared pieces: `config` (the TOML file), `account`
//! (resolving an account, secrets, connecting), `output` (tables and JSON Lines),
//! `progress`, `select` (UIDs or a query), `error` (one-line errors and exit codes),
//! `interrupt` (Ctrl-C).

mod account;
mod accounts_file;
mod cmd;
mod config;
mod error;
mod interrupt;
mod json;
mod output;
mod progress;
mod select;
mod text;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::error::Exit;

/// A mail tool for IMAP: list, search, read, flag, move and watch mail from the terminal
/// or a script.
///
/// Accounts come from a TOML file ($XDG_CONFIG_HOME/imap4/config.toml, or --config) or
/// from --host/--user with the password in the environment variable IMAP4_PASSWORD.
/// Every command prints a table on a terminal and JSON Lines with --json.
///
/// Exit status: 0 done, 1 error, 2 usage error, 3 nothing matched, 130 interrupted.
#[derive(Debug, Parser)]
#[command(
    name = "imap4",
    version,
    propagate_version = true,
    max_term_width = 100,
    after_help = "Examples:\n  imap4 ls\n  imap4 search INBOX from:alice since:2024-01-01 unseen\n  imap4 show INBOX 4711\n  imap4 --account work watch INBOX\n  IMAP4_PASSWORD=secret imap4 --host imap.example.com --user me status INBOX\n\nSee 'imap4 help COMMAND' for the options and examples of each command."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: account::GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check an account: connect, log in, and show the server, its capabilities, and the
    /// TLS version and login mechanism the account uses.
    Config(cmd::config::ConfigArgs),
    /// List the server's capabilities.
    #[command(alias = "caps")]
    Capabilities(cmd::capabilities::CapabilitiesArgs),
    /// List mailboxes as a tree, with message counts, unseen, size and special-use role.
    #[command(alias = "list")]
    Ls(cmd::ls::LsArgs),
    /// Show the counters of one mailbox (messages, unseen, next UID, UIDVALIDITY, size).
    Status(cmd::status::StatusArgs),
    /// Search a mailbox with a query (from:alice since:2024-01-01 unseen ...).
    Search(cmd::search::SearchArgs),
    /// Show a message: decoded headers, its text, and the list of attachments.
    #[command(alias = "read")]
    Show(cmd::show::ShowArgs),
    /// Save a message's attachments, decoded, into a directory.
    SaveAttachments(cmd::save_attachments::SaveAttachmentsArgs),
    /// Add, remove or set flags and keywords on messages.
    Flag(cmd::flag::FlagArgs),
    /// Move messages to another mailbox.
    Mv(cmd::mv::MvArgs),
    /// Copy messages to another mailbox.
    Cp(cmd::cp::CpArgs),
    /// Delete messages: move them to Trash, or expunge them for good with --expunge.
    Rm(cmd::rm::RmArgs),
    /// Create a mailbox.
    Mkdir(cmd::mkdir::MkdirArgs),
    /// Delete a mailbox (refused while it holds messages, unless --force).
    Rmdir(cmd::rmdir::RmdirArgs),
    /// Rename a mailbox.
    Rename(cmd::rename::RenameArgs),
    /// Subscribe to a mailbox.
    Subscribe(cmd::subscribe::SubscribeArgs),
    /// Unsubscribe from a mailbox.
    Unsubscribe(cmd::subscribe::UnsubscribeArgs),
    /// Upload messages: .eml files, a Maildir, an mbox, or a directory of them.
    Append(cmd::append::AppendArgs),
    /// Back up mailboxes into Maildirs; a rerun saves only what changed.
    Backup(cmd::backup::BackupArgs),
    /// Upload a backup (or a Maildir, mbox, .eml tree) into a mailbox, skipping what is there.
    Restore(cmd::restore::RestoreArgs),
    /// Copy every mailbox of one account to another (same or other server), incrementally.
    Migrate(cmd::migrate::MigrateArgs),
    /// Compare a backup with the server: every message saved once, sizes equal.
    Verify(cmd::verify::VerifyArgs),
    /// Watch mailboxes and report new messages, expunges and flag changes as they happen.
    Watch(cmd::watch::WatchArgs),
    /// An interactive IMAP session: type commands without tags, see raw and parsed replies.
    Shell(cmd::shell::ShellArgs),
    /// Decode raw IMAP server bytes into JSON Lines, one object per response.
    ///
    /// Exit status: 0 when everything parsed, 1 when a response was malformed or the input
    /// ended inside one, 2 on a fatal decode error (a limit was exceeded) or an I/O error.
    /// The JSON schema is described in docs/parse-json.md.
    Parse(cmd::parse::ParseArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(cmd::completions::CompletionsArgs),
    /// Print the manual page (roff), or write one page per command into a directory.
    Man(cmd::man::ManArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (2).
            let code = if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Ok
            };
            let _ = e.print();
            if e.kind() == clap::error::ErrorKind::UnknownArgument {
                eprintln!(
                    "tip: in a query, negate with 'not flagged', or put the query after '--': \
                     imap4 search INBOX -- -flagged from:alice"
                );
            }
            return code.into();
        }
    };
    interrupt::install();
    let ctx = match output::Ctx::new(&cli.global) {
        Ok(ctx) => ctx,
        Err(e) => return e.report(),
    };
    let result = match &cli.command {
        Command::Config(a) => cmd::config::run(&ctx, a),
        Command::Capabilities(a) => cmd::capabilities::run(&ctx, a),
        Command::Ls(a) => cmd::ls::run(&ctx, a),
        Command::Status(a) => cmd::status::run(&ctx, a),
        Command::Search(a) => cmd::search::run(&ctx, a),
        Command::Show(a) => cmd::show::run(&ctx, a),
        Command::SaveAttachments(a) => cmd::save_attachments::run(&ctx, a),
        Command::Flag(a) => cmd::flag::run(&ctx, a),
        Command::Mv(a) => cmd::mv::run(&ctx, a),
        Command::Cp(a) => cmd::cp::run(&ctx, a),
        Command::Rm(a) => cmd::rm::run(&ctx, a),
        Command::Mkdir(a) => cmd::mkdir::run(&ctx, a),
        Command::Rmdir(a) => cmd::rmdir::run(&ctx, a),
        Command::Rename(a) => cmd::rename::run(&ctx, a),
        Command::Subscribe(a) => cmd::subscribe::run_subscribe(&ctx, a),
        Command::Unsubscribe(a) => cmd::subscribe::run_unsubscribe(&ctx, a),
        Command::Append(a) => cmd::append::run(&ctx, a),
        Command::Backup(a) => cmd::backup::run(&ctx, a),
        Command::Restore(a) => cmd::restore::run(&ctx, a),
        Command::Migrate(a) => cmd::migrate::run(&ctx, a),
        Command::Verify(a) => cmd::verify::run(&ctx, a),
        Command::Watch(a) => cmd::watch::run(&ctx, a),
        Command::Shell(a) => cmd::shell::run(&ctx, a),
        Command::Parse(a) => return cmd::parse::run(a),
        Command::Completions(a) => cmd::completions::run(&mut Cli::command(), a),
        Command::Man(a) => cmd::man::run(Cli::command(), a),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => e.report(),
    }
}
