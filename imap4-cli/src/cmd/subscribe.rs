//! `imap4 subscribe MAILBOX...` and `imap4 unsubscribe MAILBOX...`.

use clap::Args;

use super::mkdir::Done;
use crate::error::{CliResult, Exit};
use crate::output::Ctx;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  imap4 subscribe Lists/rust\n  imap4 subscribe Archive Sent")]
pub struct SubscribeArgs {
    /// Mailboxes to subscribe to.
    #[arg(required = true)]
    pub mailboxes: Vec<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  imap4 unsubscribe Lists/rust")]
pub struct UnsubscribeArgs {
    /// Mailboxes to unsubscribe from.
    #[arg(required = true)]
    pub mailboxes: Vec<String>,
}

pub fn run_subscribe(ctx: &Ctx, args: &SubscribeArgs) -> CliResult {
    each(ctx, &args.mailboxes, true)
}

pub fn run_unsubscribe(ctx: &Ctx, args: &UnsubscribeArgs) -> CliResult {
    each(ctx, &args.mailboxes, false)
}

fn each(ctx: &Ctx, mailboxes: &[String], on: bool) -> CliResult {
    for m in mailboxes {
        super::check_mailbox(m)?;
    }
    let (_account, mut conn) = ctx.connect()?;
    let mut out = ctx.out();
    for m in mailboxes {
        let r = if on {
            conn.subscribe(m)
        } else {
            conn.unsubscribe(m)
        };
        r.map_err(|e| super::mailbox_error(&e, m))?;
        let action = if on { "subscribed" } else { "unsubscribed" };
        if ctx.json {
            out.json(&Done { mailbox: m, action })?;
        } else {
            out.line(format!("{action} {m}"))?;
        }
    }
    conn.logout();
    Ok(Exit::Ok)
}
