//! `imap4 restore DIR --to [ACCOUNT:]MAILBOX` and `imap4 restore DIR --all [--to
//! [ACCOUNT:]PREFIX]`: uploads a backup (or any Maildir, mbox or .eml tree) with its flags,
//! keywords and dates, skipping what is already there; by `imap4_sync::restore`.

use std::path::PathBuf;

use clap::Args;
use imap4_sync::backup::{ConnectError, INDEX_FILE};
use imap4_sync::restore::{restore_mailbox, restore_tree, RestoreOptions, RestoreReport};
use serde_json::{json, Value};

use super::backup::Watcher;
use crate::account::Account;
use crate::error::{CliError, CliResult, Exit};
use crate::output::{col, flex, human_size, num, Ctx, Table};
use crate::progress::Jobs;

pub const EXAMPLES: &str = "Examples:
  imap4 restore ~/backup/inbox --to INBOX
  imap4 restore ~/backup/inbox --to Restored/inbox     # created if missing
  imap4 restore ~/backup/mail --all                    # every mailbox of a tree, same names
  imap4 restore ~/backup/mail --all --to work:Old      # below Old/ on the account 'work'
  imap4 restore ~/Mail/old.mbox --to Archive --dry-run

Run it again after an interruption: messages already in the mailbox (by the restore map
kept in DIR, or by Message-ID and size) are skipped, so each is uploaded once.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct RestoreArgs {
    /// A backup made by `imap4 backup`, or any Maildir, mbox or directory of .eml files.
    pub source: PathBuf,
    /// The mailbox to restore into (created if missing); with --all, a parent mailbox
    /// for the restored tree. `ACCOUNT:` in front picks an account of the config file.
    #[arg(long, value_name = "[ACCOUNT:]MAILBOX")]
    pub to: Option<String>,
    /// Restore every mailbox of a backup tree (made with several mailboxes or --all).
    #[arg(long)]
    pub all: bool,
    /// Mailboxes restored at once (with --all), each on a connection of its own.
    #[arg(short, long, value_name = "N", default_value_t = 4)]
    pub jobs: usize,
    /// Read the source and say what would be uploaded; upload nothing.
    #[arg(short = 'n', long)]
    pub dry_run: bool,
}

/// `ACCOUNT:NAME` → the account and the name, where ACCOUNT is one of the config file;
/// anything else is a mailbox name on the account the options pick.
fn destination(ctx: &Ctx, to: &str) -> CliResult<(Account, String)> {
    if let Some((acc, rest)) = to.split_once(':') {
        if !acc.is_empty() && !acc.contains('/') {
            let mut g = ctx.global.clone();
            g.account = Some(acc.to_string());
            if let Ok(a) = Account::resolve(&g, &mut |w| eprintln!("imap4: {w}")) {
                return Ok((a, rest.to_string()));
            }
        }
    }
    Ok((ctx.account()?, to.to_string()))
}

pub fn run(ctx: &Ctx, args: &RestoreArgs) -> CliResult {
    if !args.source.exists() {
        return Err(CliError::usage(format!(
            "{}: no such file or directory",
            args.source.display()
        )));
    }
    if args.jobs == 0 {
        return Err(CliError::usage("--jobs must be at least 1"));
    }
    let tree = args.source.join(INDEX_FILE).is_file();
    if tree && !args.all {
        return Err(CliError::usage(format!(
            "{} is a backup of several mailboxes: give --all (and --to PREFIX to put them below a mailbox)",
            args.source.display()
        )));
    }
    if args.all && !tree {
        return Err(CliError::usage(format!(
            "--all restores a backup of several mailboxes, and {} is not one",
            args.source.display()
        )));
    }
    let (account, target) = match (&args.to, args.all) {
        (Some(t), _) => destination(ctx, t)?,
        (None, true) => (ctx.account()?, String::new()),
        (None, false) => {
            return Err(CliError::usage(
                "--to MAILBOX: which mailbox to restore into",
            ))
        }
    };
    if !target.is_empty() || !args.all {
        super::check_mailbox(&target)?;
    }
    let dest_key = format!("{}@{}:{}", account.user, account.host, account.port);
    let opts = RestoreOptions {
        dry_run: args.dry_run,
        ..RestoreOptions::default()
    };
    let jobs = Jobs::new(ctx, "restore");
    let watcher = Watcher { jobs: &jobs };
    let results: Vec<(String, Result<RestoreReport, CliError>)> = if !args.all {
        let mut conn = account.connect()?;
        let r = restore_mailbox(
            &mut conn.client,
            &args.source,
            &target,
            &dest_key,
            &opts,
            &watcher,
        )
        .map_err(|e| engine_error(&target, e));
        conn.logout();
        vec![(target.clone(), r)]
    } else {
        let connect = || {
            account
                .connect()
                .map(|c| c.client)
                .map_err(|e| ConnectError::from(e.message))
        };
        let prefix = (!target.is_empty()).then_some(target.as_str());
        restore_tree(
            &connect,
            &args.source,
            prefix,
            &dest_key,
            &opts,
            args.jobs,
            &watcher,
        )
        .map_err(|e| CliError::new(format!("restore: {e}")))?
        .into_iter()
        .map(|i| {
            let r = i.result.map_err(|e| engine_error(&i.mailbox, e));
            (i.mailbox, r)
        })
        .collect()
    };
    jobs.finish();
    report(ctx, &results)
}

fn engine_error(mailbox: &str, e: imap4_sync::backup::Error) -> CliError {
    match e {
        imap4_sync::backup::Error::Imap(e) => super::mailbox_error(&e, mailbox),
        e => CliError::new(format!("\"{mailbox}\": {e}")),
    }
}

fn row(mailbox: &str, r: &Result<RestoreReport, CliError>) -> Value {
    match r {
        Ok(rep) => {
            let status = if rep.interrupted {
                "interrupted"
            } else if rep.failed.is_empty() {
                "ok"
            } else {
                "incomplete"
            };
            let mut out = serde_json::Map::new();
            out.insert("mailbox".into(), json!(mailbox));
            out.insert("status".into(), json!(status));
            if let Value::Object(m) = serde_json::to_value(rep).unwrap_or(Value::Null) {
                for (k, v) in m {
                    if k != "mailbox" {
                        out.insert(k, v);
                    }
                }
            }
            out.insert("error".into(), Value::Null);
            Value::Object(out)
        }
        Err(e) => json!({"mailbox": mailbox, "status": "failed", "error": e.message}),
    }
}

fn report(ctx: &Ctx, results: &[(String, Result<RestoreReport, CliError>)]) -> CliResult {
    let mut out = ctx.out();
    let mut worst = Exit::Ok;
    let mut table = Table::new(vec![
        flex("MAILBOX"),
        num("UPLOADED"),
        num("SIZE"),
        num("SKIPPED"),
        num("FAILED"),
        col("NOTE"),
    ]);
    for (mb, r) in results {
        match r {
            Ok(rep) if rep.interrupted => worst = Exit::Interrupted,
            Ok(rep) if !rep.failed.is_empty() && worst == Exit::Ok => worst = Exit::Error,
            Err(_) if worst == Exit::Ok => worst = Exit::Error,
            _ => {}
        }
        if ctx.json {
            out.json(&row(mb, r))?;
            continue;
        }
        match r {
            Ok(rep) => {
                let mut note = Vec::new();
                if rep.created {
                    note.push("created".to_string());
                }
                if !rep.keywords_dropped.is_empty() {
                    note.push(format!(
                        "keywords refused: {}",
                        rep.keywords_dropped.join(" ")
                    ));
                }
                if rep.interrupted {
                    note.push("interrupted".into());
                }
                table.push(vec![
                    mb.clone(),
                    rep.appended.to_string(),
                    human_size(rep.bytes),
                    rep.skipped.to_string(),
                    rep.failed.len().to_string(),
                    note.join(", "),
                ]);
            }
            Err(e) => table.push(vec![
                mb.clone(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                format!("failed: {}", e.message),
            ]),
        }
    }
    if !ctx.json {
        out.table(&table)?;
    }
    out.flush()?;
    for (mb, r) in results {
        if let Ok(rep) = r {
            for f in &rep.failed {
                ctx.warn(format!("{mb}: {}: {}", f.source, f.reason));
            }
        }
    }
    match worst {
        Exit::Interrupted => Err(CliError::interrupted(
            "interrupted; run the same command again to upload the rest (nothing is uploaded twice)",
        )),
        Exit::Error => Err(CliError::new(
            "some messages or mailboxes were not restored (see above); run it again to retry them",
        )),
        e => Ok(e),
    }
}
