//! `imap4 rename OLD NEW`: RENAME.

use clap::Args;
use serde::Serialize;

use crate::error::{CliResult, Exit};
use crate::output::Ctx;

pub const EXAMPLES: &str = "Examples:
  imap4 rename Projects Archive/Projects
  imap4 rename 'Old Stuff' 'Ältere Sachen'";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct RenameArgs {
    /// The mailbox to rename.
    pub from: String,
    /// Its new name.
    pub to: String,
    /// Say what would be renamed, change nothing.
    #[arg(short = 'n', long)]
    pub dry_run: bool,
}

#[derive(Serialize)]
struct Renamed<'a> {
    mailbox: &'a str,
    to: &'a str,
    action: &'static str,
}

pub fn run(ctx: &Ctx, args: &RenameArgs) -> CliResult {
    super::check_mailbox(&args.from)?;
    super::check_mailbox(&args.to)?;
    let (_account, mut conn) = ctx.connect()?;
    if args.dry_run {
        conn.status(&args.from, [imap4::proto::encode::StatusAttr::Messages])
            .map_err(|e| super::mailbox_error(&e, &args.from))?;
    } else {
        conn.rename(&args.from, &args.to)
            .map_err(|e| super::mailbox_error(&e, &args.from))?;
    }
    conn.logout();
    let mut out = ctx.out();
    let action = if args.dry_run { "dry_run" } else { "renamed" };
    if ctx.json {
        out.json(&Renamed {
            mailbox: &args.from,
            to: &args.to,
            action,
        })?;
    } else {
        let verb = if args.dry_run {
            "would rename"
        } else {
            "renamed"
        };
        out.line(format!("{verb} {} to {}", args.from, args.to))?;
    }
    Ok(Exit::Ok)
}
