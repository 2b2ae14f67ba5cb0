//! `imap4 capabilities`: what the server announces after login.

use clap::Args;
use serde::Serialize;

use crate::error::{CliResult, Exit};
use crate::output::Ctx;

pub const EXAMPLES: &str = "Examples:
  imap4 capabilities
  imap4 capabilities --json | jq -r .name
  imap4 capabilities --before-login";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct CapabilitiesArgs {
    /// Show what the server announces before logging in (no password needed).
    #[arg(long)]
    pub before_login: bool,
}

#[derive(Serialize)]
struct Cap<'a> {
    name: &'a str,
}

pub fn run(ctx: &Ctx, args: &CapabilitiesArgs) -> CliResult {
    let account = ctx.account()?;
    let caps = if args.before_login {
        let mut client = account.open()?;
        let caps = client.capabilities()?;
        let _ = client.logout();
        caps
    } else {
        let mut conn = account.connect()?;
        let caps = conn.capabilities()?;
        conn.logout();
        caps
    };
    let mut out = ctx.out();
    for c in &caps {
        if ctx.json {
            out.json(&Cap { name: c.as_str() })?;
        } else {
            out.line(c.as_str())?;
        }
    }
    Ok(Exit::Ok)
}
