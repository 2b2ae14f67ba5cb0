//! `imap4 ls`: the mailbox tree with counts, using LIST-STATUS when the server has it
//! and pipelined STATUS commands otherwise.

use std::collections::HashSet;

use clap::Args;
use imap4::proto::encode::StatusAttr;
use imap4::proto::MailboxAttr;
use serde::Serialize;

use crate::error::{CliResult, Exit};
use crate::output::{col, flex, human_size, num, Ctx, Table};

pub const EXAMPLES: &str = "Examples:
  imap4 ls
  imap4 ls 'Archive/*'
  imap4 ls --flat --subscribed
  imap4 ls --json | jq -r 'select(.unseen > 0) | .name'";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct LsArgs {
    /// LIST pattern: `*` matches across levels, `%` within one.
    #[arg(default_value = "*")]
    pub pattern: String,
    /// Full names instead of an indented tree.
    #[arg(long)]
    pub flat: bool,
    /// Only subscribed mailboxes.
    #[arg(long)]
    pub subscribed: bool,
    /// Names only, no counts (one LIST, nothing else).
    #[arg(long)]
    pub names: bool,
}

/// One mailbox (docs/cli-json.md: ls).
#[derive(Serialize)]
struct Entry {
    name: String,
    delimiter: Option<String>,
    role: Option<&'static str>,
    attributes: Vec<String>,
    subscribed: bool,
    selectable: bool,
    messages: Option<u32>,
    unseen: Option<u32>,
    size: Option<u64>,
}

pub fn run(ctx: &Ctx, args: &LsArgs) -> CliResult {
    super::check_mailbox(&args.pattern)?;
    let (_account, mut conn) = ctx.connect()?;
    let special: Vec<(String, Option<&'static str>)> = super::list_all(&mut conn)?
        .iter()
        .map(|l| (l.mailbox.name(), super::role(l)))
        .collect();
    let subscribed: HashSet<String> = conn
        .lsub("", "*")?
        .iter()
        .map(|l| l.mailbox.name())
        .collect();
    let mut attrs = vec![StatusAttr::Messages, StatusAttr::Unseen];
    if conn.has_capability("STATUS=SIZE")? {
        attrs.push(StatusAttr::Size);
    }
    let listed = if args.names {
        conn.list("", &args.pattern)?
            .into_iter()
            .map(|l| (l, None))
            .collect()
    } else {
        conn.list_status("", &args.pattern, attrs)?
    };
    conn.logout();

    let mut entries: Vec<Entry> = listed
        .into_iter()
        .map(|(l, st)| {
            let name = l.mailbox.name();
            let role = super::role(&l).or_else(|| {
                special
                    .iter()
                    .find(|(n, _)| *n == name)
                    .and_then(|(_, r)| *r)
            });
            Entry {
                delimiter: l.delimiter.map(|d| (d as char).to_string()),
                role,
                attributes: l
                    .attributes
                    .iter()
                    .map(|a| a.as_str().into_owned())
                    .collect(),
                subscribed: subscribed.contains(&name),
                selectable: !l.has(&MailboxAttr::NoSelect) && !l.has(&MailboxAttr::NonExistent),
                messages: st.as_ref().and_then(|s| s.messages),
                unseen: st.as_ref().and_then(|s| s.unseen),
                size: st.as_ref().and_then(|s| s.size),
                name,
            }
        })
        .filter(|e| !args.subscribed || e.subscribed)
        .collect();
    // INBOX first, then by name, so that children follow their parent.
    entries.sort_by(|a, b| {
        let ka = (
            a.name != "INBOX" && !a.name.starts_with("INBOX"),
            a.name.as_str(),
        );
        let kb = (
            b.name != "INBOX" && !b.name.starts_with("INBOX"),
            b.name.as_str(),
        );
        ka.cmp(&kb)
    });

    let mut out = ctx.out();
    if ctx.json {
        for e in &entries {
            out.json(e)?;
        }
        return Ok(Exit::Ok);
    }
    let names: HashSet<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    let mut t = Table::new(vec![
        flex("MAILBOX"),
        num("MESSAGES"),
        num("UNSEEN"),
        num("SIZE"),
        col("ROLE"),
    ]);
    for e in &entries {
        let shown = if args.flat {
            e.name.clone()
        } else {
            tree_name(&e.name, e.delimiter.as_deref(), &names)
        };
        let dash = || "-".to_string();
        t.push(vec![
            shown,
            e.messages.map(|n| n.to_string()).unwrap_or_else(dash),
            e.unseen.map(|n| n.to_string()).unwrap_or_else(dash),
            e.size.map(human_size).unwrap_or_else(dash),
            e.role.unwrap_or("").to_string(),
        ]);
    }
    out.table(&t)?;
    Ok(Exit::Ok)
}

/// `Archive/2024` under a listed `Archive` shows as `  2024`; without a listed parent
/// the full name stays.
fn tree_name(name: &str, delimiter: Option<&str>, listed: &HashSet<&str>) -> String {
    let Some(d) = delimiter.filter(|d| !d.is_empty()) else {
        return name.to_string();
    };
    let mut depth = 0;
    let mut leaf_start = 0;
    let mut search = 0;
    while let Some(i) = name[search..].find(d) {
        let cut = search + i;
        if listed.contains(&name[..cut]) {
            depth += 1;
            leaf_start = cut + d.len();
        }
        search = cut + d.len();
    }
    format!("{}{}", "  ".repeat(depth), &name[leaf_start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree() {
        let listed: HashSet<&str> = ["Archive", "Archive/2024", "Lists"].into_iter().collect();
        assert_eq!(tree_name("Archive/2024/Q1", Some("/"), &listed), "    Q1");
        assert_eq!(tree_name("Archive", Some("/"), &listed), "Archive");
        assert_eq!(tree_name("Other/x", Some("/"), &listed), "Other/x");
        assert_eq!(tree_name("INBOX.a", Some("."), &listed), "INBOX.a");
    }
}
