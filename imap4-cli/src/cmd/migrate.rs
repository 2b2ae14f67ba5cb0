//! `imap4 migrate SRC DST`: every mailbox (or a selection) of one account copied to
//! another, on the same or another server, incremental on rerun; by `imap4_sync::migrate`.

use std::path::PathBuf;

use clap::Args;
use imap4_sync::backup::ConnectError;
use imap4_sync::migrate::{migrate, MigrateItem, MigrateOptions};
use serde_json::{json, Value};

use super::backup::Watcher;
use crate::account::Account;
use crate::error::{CliError, CliResult, Exit};
use crate::output::{col, flex, human_size, num, Ctx, Table};
use crate::progress::Jobs;

pub const EXAMPLES: &str = "Examples:
  imap4 migrate old new                                  # accounts of the config file
  imap4 migrate old new --dry-run                        # the plan and the counts, no change
  imap4 migrate old new --exclude 'Spam*' --exclude Trash
  imap4 migrate old new --include 'Projects/*' --map 'Projects/2019=Archive/2019'
  imap4 --json migrate old new | jq -c '{source, dest, copied}'

Run it again to copy what is new and bring flags up to date: a state file (--state)
remembers which source message is which destination message. Mailboxes with a role
(Sent, Trash, Drafts, Junk, Archive) go to the destination's mailbox with that role.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct MigrateArgs {
    /// The source account (a name of the config file).
    pub source: String,
    /// The destination account (a name of the config file).
    pub dest: String,
    /// Put the source mailbox A at B on the destination (repeatable).
    #[arg(long = "map", value_name = "A=B")]
    pub maps: Vec<String>,
    /// Leave out source mailboxes matching GLOB (* and ?; repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Only source mailboxes matching GLOB (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Mailboxes copied at once, each on a pair of connections.
    #[arg(short, long, value_name = "N", default_value_t = 2)]
    pub jobs: usize,
    /// The state file (default: $XDG_STATE_HOME/imap4/migrate/SRC-DST.json).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Show the plan and what would be copied; change nothing.
    #[arg(short = 'n', long)]
    pub dry_run: bool,
}

fn named_account(ctx: &Ctx, name: &str) -> CliResult<Account> {
    let mut g = ctx.global.clone();
    g.account = Some(name.to_string());
    g.host = None;
    g.port = None;
    g.user = None;
    g.tls = None;
    Account::resolve(&g, &mut |w| eprintln!("imap4: {w}"))
}

fn state_path(args: &MigrateArgs) -> PathBuf {
    if let Some(p) = &args.state {
        return p.clone();
    }
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    base.join("imap4/migrate").join(format!(
        "{}-{}.json",
        clean(&args.source),
        clean(&args.dest)
    ))
}

pub fn run(ctx: &Ctx, args: &MigrateArgs) -> CliResult {
    if args.jobs == 0 {
        return Err(CliError::usage("--jobs must be at least 1"));
    }
    let mut map = Vec::new();
    for m in &args.maps {
        match m.split_once('=') {
            Some((a, b)) if !a.is_empty() && !b.is_empty() => {
                super::check_mailbox(a)?;
                super::check_mailbox(b)?;
                map.push((a.to_string(), b.to_string()));
            }
            _ => {
                return Err(CliError::usage(format!(
                    "--map {m:?}: write it as SOURCE=DESTINATION, e.g. --map 'Sent Items=Sent'"
                )))
            }
        }
    }
    let src = named_account(ctx, &args.source)?;
    let dst = named_account(ctx, &args.dest)?;
    if src.host == dst.host && src.port == dst.port && src.user == dst.user {
        return Err(CliError::usage(format!(
            "{} and {} are the same account ({}@{})",
            args.source, args.dest, src.user, src.host
        )));
    }
    let opts = MigrateOptions {
        map,
        exclude: args.exclude.clone(),
        include: args.include.clone(),
        dry_run: args.dry_run,
        ..MigrateOptions::default()
    };
    let state = state_path(args);
    let jobs = Jobs::new(ctx, "migrate");
    let watcher = Watcher { jobs: &jobs };
    let cs = || {
        src.connect()
            .map(|c| c.client)
            .map_err(|e| ConnectError::from(e.message))
    };
    let cd = || {
        dst.connect()
            .map(|c| c.client)
            .map_err(|e| ConnectError::from(e.message))
    };
    let (_plans, items) = migrate(&cs, &cd, &state, &opts, args.jobs, &watcher)
        .map_err(|e| CliError::new(format!("migrate: {e}")))?;
    jobs.finish();
    if !args.dry_run {
        ctx.note(format!("imap4: migrate: state in {}", state.display()));
    }
    report(ctx, &items, args.dry_run)
}

fn row(i: &MigrateItem) -> Value {
    let mut out = serde_json::Map::new();
    out.insert("source".into(), json!(i.plan.source));
    out.insert("dest".into(), json!(i.plan.dest));
    match &i.result {
        Ok(r) => {
            let status = if r.interrupted {
                "interrupted"
            } else if r.failed.is_empty() {
                "ok"
            } else {
                "incomplete"
            };
            out.insert("status".into(), json!(status));
            out.insert("role".into(), json!(i.plan.role));
            out.insert("note".into(), json!(i.plan.note));
            if let Value::Object(m) = serde_json::to_value(r).unwrap_or(Value::Null) {
                for (k, v) in m {
                    if k != "source" && k != "dest" {
                        out.insert(k, v);
                    }
                }
            }
            out.insert("error".into(), Value::Null);
        }
        Err(e) => {
            out.insert("status".into(), json!("failed"));
            out.insert("error".into(), json!(e.to_string()));
        }
    }
    Value::Object(out)
}

fn report(ctx: &Ctx, items: &[MigrateItem], dry_run: bool) -> CliResult {
    let mut out = ctx.out();
    let mut worst = Exit::Ok;
    let mut table = Table::new(vec![
        flex("SOURCE"),
        flex("DESTINATION"),
        num(if dry_run { "TO COPY" } else { "COPIED" }),
        num("SIZE"),
        num("SKIPPED"),
        num("FLAGS"),
        num("FAILED"),
        col("NOTE"),
    ]);
    let (mut copied, mut bytes, mut failed) = (0u64, 0u64, 0usize);
    for i in items {
        match &i.result {
            Ok(r) if r.interrupted => worst = Exit::Interrupted,
            Ok(r) if !r.failed.is_empty() && worst == Exit::Ok => worst = Exit::Error,
            Err(_) if worst == Exit::Ok => worst = Exit::Error,
            _ => {}
        }
        if ctx.json {
            out.json(&row(i))?;
            continue;
        }
        match &i.result {
            Ok(r) => {
                copied += r.copied;
                bytes += r.bytes;
                failed += r.failed.len();
                let mut note: Vec<String> = Vec::new();
                if let Some(role) = &i.plan.role {
                    note.push(role.clone());
                }
                if let Some(n) = &i.plan.note {
                    note.push(n.clone());
                }
                if r.created {
                    note.push("created".into());
                }
                if !r.keywords_dropped.is_empty() {
                    note.push(format!(
                        "keywords refused: {}",
                        r.keywords_dropped.join(" ")
                    ));
                }
                if r.source_uid_validity_changed {
                    note.push("source UIDVALIDITY changed".into());
                }
                table.push(vec![
                    i.plan.source.clone(),
                    i.plan.dest.clone(),
                    r.copied.to_string(),
                    human_size(r.bytes),
                    r.skipped.to_string(),
                    r.flags_updated.to_string(),
                    r.failed.len().to_string(),
                    note.join(", "),
                ]);
            }
            Err(e) => table.push(vec![
                i.plan.source.clone(),
                i.plan.dest.clone(),
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
    for i in items {
        if let Ok(r) = &i.result {
            for f in &r.failed {
                ctx.warn(format!("{}: {}", f.source, f.reason));
            }
        }
    }
    ctx.note(format!(
        "imap4: migrate: {} mailbox(es), {copied} message(s) {}, {}{}",
        items.len(),
        if dry_run { "to copy" } else { "copied" },
        human_size(bytes),
        if failed > 0 {
            format!(", {failed} failed")
        } else {
            String::new()
        }
    ));
    match worst {
        Exit::Interrupted => Err(CliError::interrupted(
            "interrupted; run the same command again to copy the rest",
        )),
        Exit::Error => Err(CliError::new(
            "some messages or mailboxes were not copied (see above); run it again to retry them",
        )),
        e => Ok(e),
    }
}
