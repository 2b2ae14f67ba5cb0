//! `imap4 mkdir MAILBOX...`: CREATE.

use clap::Args;
use imap4::proto::{Code, Rfc5530Code};
use serde::Serialize;

use crate::error::{CliResult, Exit};
use crate::output::Ctx;

pub const EXAMPLES: &str = "Examples:
  imap4 mkdir Projects
  imap4 mkdir -p Archive/2024 Archive/2025
  imap4 mkdir --subscribe 'Entwürfe'";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct MkdirArgs {
    /// Mailboxes to create (servers create missing parents themselves).
    #[arg(required = true)]
    pub mailboxes: Vec<String>,
    /// No error if a mailbox already exists.
    #[arg(short = 'p', long)]
    pub exist_ok: bool,
    /// Subscribe to each new mailbox too.
    #[arg(long)]
    pub subscribe: bool,
}

#[derive(Serialize)]
pub struct Done<'a> {
    pub mailbox: &'a str,
    pub action: &'static str,
}

pub fn run(ctx: &Ctx, args: &MkdirArgs) -> CliResult {
    for m in &args.mailboxes {
        super::check_mailbox(m)?;
    }
    let (_account, mut conn) = ctx.connect()?;
    let mut out = ctx.out();
    for m in &args.mailboxes {
        let action = match conn.create(m) {
            Ok(()) => "created",
            Err(imap4::Error::No {
                code: Some(Code::Rfc5530(Rfc5530Code::AlreadyExists)),
                ..
            }) if args.exist_ok => "exists",
            Err(
                e @ imap4::Error::No {
                    code: Some(Code::Rfc5530(Rfc5530Code::AlreadyExists)),
                    ..
                },
            ) => {
                return Err(crate::error::CliError::new(format!(
                    "mailbox \"{m}\" already exists ({}); use -p to accept that",
                    crate::error::describe(&e)
                )))
            }
            Err(e) => return Err(super::mailbox_error(&e, m)),
        };
        if args.subscribe {
            conn.subscribe(m).map_err(|e| super::mailbox_error(&e, m))?;
        }
        if ctx.json {
            out.json(&Done { mailbox: m, action })?;
        } else {
            out.line(format!("{action} {m}"))?;
        }
    }
    conn.logout();
    Ok(Exit::Ok)
}
