//! `imap4 rm MAILBOX UIDS` (or `--query`): to the Trash mailbox (found by its special-use
//! attribute), or with `--expunge` deleted for good (UID EXPUNGE where the server has
//! UIDPLUS, so that nothing else marked \Deleted goes with them).

use clap::Args;
use imap4::proto::MailboxAttr;

use super::mv::{expunge_uids, move_uids, Kind, Moved};
use crate::error::{CliError, CliResult, Exit};
use crate::output::Ctx;
use crate::select::{QueryArg, Target};

pub const EXAMPLES: &str = "Examples:
  imap4 rm INBOX 4711
  imap4 rm INBOX --query 'from:newsletter@example.com before:30d'
  imap4 rm Trash 1:* --expunge
  imap4 rm INBOX --query 'larger:20M' --expunge --dry-run

Without --expunge the messages go to the mailbox the server marks \\Trash (or the
account's trash = \"...\" setting).";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES, override_usage = "imap4 rm [OPTIONS] <MAILBOX> <UIDS>\n       imap4 rm [OPTIONS] <MAILBOX> --query <QUERY>")]
pub struct RmArgs {
    /// The mailbox.
    pub mailbox: String,
    /// The UIDs (7, 7,9, 100:200, 100:*, or - for UIDs on stdin).
    pub uids: Option<String>,
    #[command(flatten)]
    pub query: QueryArg,
    /// Delete for good instead of moving to Trash.
    #[arg(long)]
    pub expunge: bool,
    /// Show which messages would be deleted, change nothing.
    #[arg(short = 'n', long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Ctx, args: &RmArgs) -> CliResult {
    super::check_mailbox(&args.mailbox)?;
    let target = Target::from_args(args.uids.as_deref(), &args.query)?;
    let (account, mut conn) = ctx.connect()?;
    let trash = if args.expunge {
        None
    } else {
        let found = super::find_role(&mut conn, &MailboxAttr::Trash)?;
        let Some(t) = found.or_else(|| account.trash.clone()) else {
            return Err(CliError::new(
                "the server marks no mailbox as \\Trash; set trash = \"NAME\" for the account, or use --expunge to delete for good",
            ));
        };
        if t == args.mailbox {
            return Err(CliError::usage(format!(
                "the messages are in \"{t}\" already; use --expunge to delete them for good"
            )));
        }
        Some(t)
    };
    super::open_mailbox(&mut conn, &args.mailbox, args.dry_run)?;
    let uids = crate::select::resolve(&mut conn, &args.mailbox, &target, &mut |w| ctx.warn(w))?;
    if uids.is_empty() {
        conn.logout();
        return Err(CliError::no_match(format!(
            "no matching message in \"{}\"",
            args.mailbox
        )));
    }
    let mut out = ctx.out();
    let dest = trash.as_deref().unwrap_or("");
    if args.dry_run {
        for &uid in &uids {
            if ctx.json {
                out.json(&Moved {
                    uid,
                    mailbox: &args.mailbox,
                    dest,
                    dest_uid: None,
                    action: "dry_run",
                })?;
            }
        }
        if !ctx.json {
            let what = match &trash {
                Some(t) => format!("move to {t}"),
                None => "expunge".to_string(),
            };
            out.line(format!(
                "would {what} {} message(s) of {}: {}",
                uids.len(),
                args.mailbox,
                crate::select::to_set(&uids)
            ))?;
        }
        conn.logout();
        return Ok(Exit::Ok);
    }
    match &trash {
        Some(t) => {
            let n = move_uids(
                ctx,
                &mut conn,
                &args.mailbox,
                &uids,
                t,
                Kind::Move,
                &mut |uid, dest_uid| {
                    if ctx.json {
                        out.json(&Moved {
                            uid,
                            mailbox: &args.mailbox,
                            dest: t,
                            dest_uid,
                            action: "trashed",
                        })
                    } else {
                        Ok(())
                    }
                },
            )?;
            if !ctx.json {
                out.line(format!("moved {n} message(s) from {} to {t}", args.mailbox))?;
            }
        }
        None => {
            expunge_uids(&mut conn, &args.mailbox, &uids)?;
            for &uid in &uids {
                if ctx.json {
                    out.json(&Moved {
                        uid,
                        mailbox: &args.mailbox,
                        dest: "",
                        dest_uid: None,
                        action: "expunged",
                    })?;
                }
            }
            if !ctx.json {
                out.line(format!(
                    "expunged {} message(s) from {}",
                    uids.len(),
                    args.mailbox
                ))?;
            }
        }
    }
    conn.logout();
    Ok(Exit::Ok)
}
