//! `imap4 cp MAILBOX UIDS DEST`: UID COPY; the shared work is in [`super::mv`].

use clap::Args;

use super::mv::{transfer, Kind, TransferArgs};
use crate::error::CliResult;
use crate::output::Ctx;

pub const EXAMPLES: &str = "Examples:
  imap4 cp INBOX 4711 Archive
  imap4 cp INBOX Backup --query 'flagged' --create
  imap4 cp INBOX 1:* Snapshot-2024 --create --dry-run";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES, override_usage = "imap4 cp [OPTIONS] <MAILBOX> <UIDS> <DEST>\n       imap4 cp [OPTIONS] <MAILBOX> <DEST> --query <QUERY>")]
pub struct CpArgs {
    #[command(flatten)]
    pub t: TransferArgs,
}

pub fn run(ctx: &Ctx, args: &CpArgs) -> CliResult {
    transfer(ctx, &args.t, Kind::Copy)
}
