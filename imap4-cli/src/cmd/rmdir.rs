//! `imap4 rmdir MAILBOX...`: DELETE, refusing mailboxes that still hold messages unless
//! `--force` (IMAP's DELETE destroys the messages with the mailbox).

use clap::Args;
use imap4::proto::encode::StatusAttr;

use super::mkdir::Done;
use crate::error::{CliError, CliResult, Exit};
use crate::output::Ctx;

pub const EXAMPLES: &str = "Examples:
  imap4 rmdir Old-Project
  imap4 rmdir --force --dry-run Archive/2019
  imap4 rmdir --force Archive/2019";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct RmdirArgs {
    /// Mailboxes to delete.
    #[arg(required = true)]
    pub mailboxes: Vec<String>,
    /// Delete mailboxes that still hold messages (the messages are deleted too).
    #[arg(long)]
    pub force: bool,
    /// Say what would be deleted, change nothing.
    #[arg(short = 'n', long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, args: &RmdirArgs) -> CliResult {
    for m in &args.mailboxes {
        super::check_mailbox(m)?;
        if m.eq_ignore_ascii_case("INBOX") {
            return Err(CliError::usage("INBOX cannot be deleted"));
        }
    }
    let (_account, mut conn) = ctx.connect()?;
    // Check them all first: either every mailbox can go, or nothing is deleted.
    let mut counts = Vec::new();
    for m in &args.mailboxes {
        let st = conn
            .status(m, [StatusAttr::Messages])
            .map_err(|e| super::mailbox_error(&e, m))?;
        let n = st.messages.unwrap_or(0);
        if n > 0 && !args.force {
            return Err(CliError::new(format!(
                "\"{m}\" holds {n} message(s); move them away first, or use --force to delete them with the mailbox"
            )));
        }
        counts.push(n);
    }
    let mut out = ctx.out();
    for (m, n) in args.mailboxes.iter().zip(counts) {
        let action = if args.dry_run {
            "would delete"
        } else {
            // An unsubscribed mailbox is fine; a subscription left over is not harmful.
            let _ = conn.unsubscribe(m);
            conn.delete(m).map_err(|e| super::mailbox_error(&e, m))?;
            "deleted"
        };
        if ctx.json {
            out.json(&Done {
                mailbox: m,
                action: if args.dry_run { "dry_run" } else { "deleted" },
            })?;
        } else if n > 0 {
            out.line(format!("{action} {m} ({n} messages)"))?;
        } else {
            out.line(format!("{action} {m}"))?;
        }
    }
    conn.logout();
    Ok(Exit::Ok)
}
