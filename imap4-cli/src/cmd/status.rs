//! `imap4 status MAILBOX`: the mailbox's counters, without selecting it.

use clap::Args;
use imap4::proto::encode::StatusAttr;
use serde::Serialize;

use crate::error::{CliResult, Exit};
use crate::output::{human_size, Ctx};

pub const EXAMPLES: &str = "Examples:
  imap4 status INBOX
  imap4 status Archive --json | jq .unseen";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct StatusArgs {
    /// The mailbox.
    pub mailbox: String,
}

/// docs/cli-json.md: status.
#[derive(Serialize)]
struct Status {
    mailbox: String,
    messages: Option<u32>,
    unseen: Option<u32>,
    recent: Option<u32>,
    uidnext: Option<u32>,
    uidvalidity: Option<u32>,
    size: Option<u64>,
    highestmodseq: Option<u64>,
}

pub fn run(ctx: &Ctx, args: &StatusArgs) -> CliResult {
    super::check_mailbox(&args.mailbox)?;
    let (_account, mut conn) = ctx.connect()?;
    let mut attrs = vec![
        StatusAttr::Messages,
        StatusAttr::Unseen,
        StatusAttr::UidNext,
        StatusAttr::UidValidity,
    ];
    if !conn.has_capability("IMAP4rev2")? || conn.has_capability("IMAP4rev1")? {
        attrs.push(StatusAttr::Recent);
    }
    if conn.has_capability("STATUS=SIZE")? {
        attrs.push(StatusAttr::Size);
    }
    if conn.has_capability("CONDSTORE")? {
        attrs.push(StatusAttr::HighestModSeq);
    }
    let st = conn
        .status(&args.mailbox, attrs)
        .map_err(|e| super::mailbox_error(&e, &args.mailbox))?;
    conn.logout();
    let s = Status {
        mailbox: args.mailbox.clone(),
        messages: st.messages,
        unseen: st.unseen,
        recent: st.recent,
        uidnext: st.uid_next,
        uidvalidity: st.uid_validity,
        size: st.size,
        highestmodseq: st.highest_modseq,
    };
    let mut out = ctx.out();
    if ctx.json {
        out.json(&s)?;
        return Ok(Exit::Ok);
    }
    let opt = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
    out.line(format!("mailbox        {}", s.mailbox))?;
    out.line(format!("messages       {}", opt(s.messages.map(u64::from))))?;
    out.line(format!("unseen         {}", opt(s.unseen.map(u64::from))))?;
    if s.recent.is_some() {
        out.line(format!("recent         {}", opt(s.recent.map(u64::from))))?;
    }
    out.line(format!("uidnext        {}", opt(s.uidnext.map(u64::from))))?;
    out.line(format!(
        "uidvalidity    {}",
        opt(s.uidvalidity.map(u64::from))
    ))?;
    if let Some(size) = s.size {
        out.line(format!(
            "size           {} ({size} bytes)",
            human_size(size)
        ))?;
    }
    if s.highestmodseq.is_some() {
        out.line(format!("highestmodseq  {}", opt(s.highestmodseq)))?;
    }
    Ok(Exit::Ok)
}
