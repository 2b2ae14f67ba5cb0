//! `imap4 verify [MAILBOX... | --all] --from DIR`: compares a backup made by `imap4
//! backup` with the server (every message saved once, sizes equal, nothing extra).

use std::path::PathBuf;

use clap::Args;
use imap4_sync::backup::{TreeIndex, INDEX_FILE};
use imap4_sync::verify::{verify_mailbox, Verified};

use crate::error::{CliError, CliResult, Exit};
use crate::output::{col, flex, human_size, num, Ctx, Table};

pub const EXAMPLES: &str = "Examples:
  imap4 verify INBOX --from ~/backup/inbox
  imap4 verify --all --from ~/backup/mail
  imap4 --json verify --all --from ~/backup/mail | jq -c 'select(.ok | not)'

Exit status 1 when a backup is missing messages, has extra ones, or a size differs.
Flags that changed on the server since the backup are reported, but are not an error.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct VerifyArgs {
    /// The mailboxes. One: DIR is its Maildir. Several: their Maildirs below DIR.
    pub mailboxes: Vec<String>,
    /// Every mailbox of the backup in DIR.
    #[arg(long, conflicts_with = "mailboxes")]
    pub all: bool,
    /// The backup directory.
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
}

pub fn run(ctx: &Ctx, args: &VerifyArgs) -> CliResult {
    for m in &args.mailboxes {
        super::check_mailbox(m)?;
    }
    let tree = args.from.join(INDEX_FILE).is_file();
    let todo: Vec<(String, PathBuf)> = if tree {
        let index = TreeIndex::load(&args.from).map_err(|e| CliError::new(e.to_string()))?;
        if args.all {
            index
                .mailboxes
                .iter()
                .map(|(m, p)| (m.clone(), args.from.join(p)))
                .collect()
        } else if args.mailboxes.is_empty() {
            return Err(CliError::usage(
                "name the mailboxes to verify, or give --all",
            ));
        } else {
            let mut v = Vec::new();
            for m in &args.mailboxes {
                match index.mailboxes.get(m) {
                    Some(p) => v.push((m.clone(), args.from.join(p))),
                    None => {
                        return Err(CliError::usage(format!(
                            "{} has no backup of {m:?}",
                            args.from.display()
                        )))
                    }
                }
            }
            v
        }
    } else {
        match (args.all, args.mailboxes.as_slice()) {
            (false, [m]) => vec![(m.clone(), args.from.clone())],
            (true, []) => {
                let s = imap4_sync::state::MailboxState::load(&args.from)
                    .map_err(|e| CliError::new(e.to_string()))?
                    .ok_or_else(|| {
                        CliError::new(format!("{}: no backup here", args.from.display()))
                    })?;
                vec![(s.mailbox, args.from.clone())]
            }
            _ => {
                return Err(CliError::usage(format!(
                    "{} is the backup of one mailbox: name it, or give --all",
                    args.from.display()
                )))
            }
        }
    };
    let (_account, mut conn) = ctx.connect()?;
    let mut out = ctx.out();
    let mut bad = 0;
    let mut table = Table::new(vec![
        flex("MAILBOX"),
        num("SERVER"),
        num("SAVED"),
        num("SIZE"),
        num("MISSING"),
        num("EXTRA"),
        col("RESULT"),
    ]);
    for (mb, dir) in &todo {
        // A tree of mbox files names each mailbox by its path without `.mbox`.
        let mbox = PathBuf::from(format!("{}.mbox", dir.display()));
        let v: Result<Verified, String> = if !dir.join("cur").is_dir() && mbox.is_file() {
            imap4_sync::verify::verify_mbox(&mut conn.client, mb, &mbox)
        } else {
            verify_mailbox(&mut conn.client, mb, dir)
        }
        .map_err(|e| e.to_string());
        let ok = v.as_ref().is_ok_and(Verified::is_ok);
        if !ok {
            bad += 1;
        }
        if ctx.json {
            let mut j = match &v {
                Ok(v) => serde_json::to_value(v).unwrap_or_default(),
                Err(e) => serde_json::json!({"mailbox": mb, "error": e}),
            };
            if let serde_json::Value::Object(m) = &mut j {
                m.insert("ok".into(), ok.into());
            }
            out.json(&j)?;
            continue;
        }
        match v {
            Ok(v) => table.push(vec![
                mb.clone(),
                v.server_messages.to_string(),
                v.local_messages.to_string(),
                human_size(v.local_bytes),
                v.missing.len().to_string(),
                v.extra.len().to_string(),
                if v.is_ok() {
                    if v.flags_differ.is_empty() {
                        "ok".into()
                    } else {
                        format!("ok ({} flag change(s) since)", v.flags_differ.len())
                    }
                } else if v.uid_validity_differs {
                    "DIFFERS (UIDVALIDITY changed: run backup)".into()
                } else {
                    format!("DIFFERS ({} of another size)", v.size_mismatch.len())
                },
            ]),
            Err(e) => table.push(vec![
                mb.clone(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                format!("failed: {e}"),
            ]),
        }
    }
    if !ctx.json {
        out.table(&table)?;
    }
    out.flush()?;
    conn.logout();
    if bad > 0 {
        return Err(CliError::new(format!(
            "{bad} of {} backup(s) do not match the server",
            todo.len()
        )));
    }
    Ok(Exit::Ok)
}
