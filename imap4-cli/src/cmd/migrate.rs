//! `imap4 migrate SRC DST`: every mailbox (or a selection) of one account copied to
//! another, on the same or another server, incremental on rerun; `--accounts FILE` for many
//! pairs, `--shard K/N` to spread them over machines; by `imap4_sync::migrate`.

use std::path::{Path, PathBuf};

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
  imap4 migrate --accounts pairs.csv --jobs 8 --shard 0/4     # many accounts, one slice

Run it again to copy what is new and bring flags up to date: a state file (--state)
remembers which source message is which destination message. Mailboxes with a role
(Sent, Trash, Drafts, Junk, Archive) go to the destination's mailbox with that role.

From Gmail, [Gmail]/All Mail is copied once and each message is filed in the folders of
its labels (INBOX, Sent, Drafts, Work, ...); messages without a label go to the
destination's Archive; Starred is the \\Flagged flag and Important makes no folder;
Spam and Trash are copied as they are. --no-gmail-labels copies each folder instead.

--accounts FILE is a CSV with a header row: name, src_host, src_user, src_secret,
dst_host, dst_user, dst_secret (and optionally src_port, src_tls, src_ca_file, dst_port,
dst_tls, dst_ca_file). A secret is a reference: env:VARIABLE, cmd:COMMAND or
oauth2-cmd:COMMAND. One state file per row in --state-dir, one result line per row.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct MigrateArgs {
    /// The source account (a name of the config file).
    #[arg(required_unless_present = "accounts")]
    pub source: Option<String>,
    /// The destination account (a name of the config file).
    #[arg(required_unless_present = "accounts")]
    pub dest: Option<String>,
    /// Many account pairs from a CSV file (see below) instead of SRC and DST.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["source", "dest", "state"])]
    pub accounts: Option<PathBuf>,
    /// With --accounts: only the rows K, K+N, K+2N, ... (counting data rows from 0), so
    /// that N machines share one file.
    #[arg(long, value_name = "K/N", requires = "accounts")]
    pub shard: Option<crate::accounts_file::Shard>,
    /// With --accounts: where the state files go (one per row, NAME.json).
    #[arg(long, value_name = "DIR", requires = "accounts")]
    pub state_dir: Option<PathBuf>,
    /// Put the source mailbox A at B on the destination (repeatable).
    #[arg(long = "map", value_name = "A=B")]
    pub maps: Vec<String>,
    /// Leave out source mailboxes matching GLOB (* and ?; repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Only source mailboxes matching GLOB (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Mailboxes copied at once, each on a pair of connections (with --accounts: accounts
    /// at once, one pair of connections each).
    #[arg(short, long, value_name = "N", default_value_t = 2)]
    pub jobs: usize,
    /// The state file (default: $XDG_STATE_HOME/imap4/migrate/SRC-DST.json).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Show the plan and what would be copied; change nothing.
    #[arg(short = 'n', long)]
    pub dry_run: bool,
    /// From Gmail: copy every label's folder as a mailbox of its own (each message once
    /// per label) instead of All Mail once, filed by label.
    #[arg(long)]
    pub no_gmail_labels: bool,
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

fn state_base() -> PathBuf {
    std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir)
        .join("imap4/migrate")
}

fn state_path(args: &MigrateArgs, src: &str, dst: &str) -> PathBuf {
    if let Some(p) = &args.state {
        return p.clone();
    }
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
    state_base().join(format!("{}-{}.json", clean(src), clean(dst)))
}

fn options(args: &MigrateArgs) -> CliResult<MigrateOptions> {
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
    Ok(MigrateOptions {
        map,
        exclude: args.exclude.clone(),
        include: args.include.clone(),
        dry_run: args.dry_run,
        gmail_labels: !args.no_gmail_labels,
        ..MigrateOptions::default()
    })
}

pub fn run(ctx: &Ctx, args: &MigrateArgs) -> CliResult {
    if args.jobs == 0 {
        return Err(CliError::usage("--jobs must be at least 1"));
    }
    let opts = options(args)?;
    if let Some(file) = &args.accounts {
        return run_many(ctx, args, file, &opts);
    }
    let (Some(src_name), Some(dst_name)) = (&args.source, &args.dest) else {
        return Err(CliError::usage(
            "name the source and destination accounts, or give --accounts FILE",
        ));
    };
    let src = named_account(ctx, src_name)?;
    let dst = named_account(ctx, dst_name)?;
    same_account(&src, &dst, src_name, dst_name)?;
    let state = state_path(args, src_name, dst_name);
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
            if !i.plan.labels.is_empty() {
                out.insert("labels".into(), json!(i.plan.labels));
            }
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
                // Gmail's All Mail: a row per destination folder under the total.
                let label = |dest: &str| {
                    i.plan
                        .labels
                        .iter()
                        .filter(|l| l.dest == dest)
                        .map(|l| l.folder.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                for f in &r.by_folder {
                    let folder = label(&f.dest);
                    table.push(vec![
                        format!(
                            "  {}",
                            if folder.is_empty() {
                                "(no label)".to_string()
                            } else {
                                format!("label {folder}")
                            }
                        ),
                        f.dest.clone(),
                        f.copied.to_string(),
                        human_size(f.bytes),
                        f.skipped.to_string(),
                        f.flags_updated.to_string(),
                        f.failed.len().to_string(),
                        if f.created {
                            "created".into()
                        } else {
                            String::new()
                        },
                    ]);
                }
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

fn same_account(src: &Account, dst: &Account, a: &str, b: &str) -> CliResult<()> {
    if src.host == dst.host && src.port == dst.port && src.user == dst.user {
        return Err(CliError::usage(format!(
            "{a} and {b} are the same account ({}@{})",
            src.user, src.host
        )));
    }
    Ok(())
}

/// The columns of `migrate --accounts`.
const REQUIRED: &[&str] = &[
    "name",
    "src_host",
    "src_user",
    "src_secret",
    "dst_host",
    "dst_user",
    "dst_secret",
];
const OPTIONAL: &[&str] = &[
    "src_port",
    "src_tls",
    "src_ca_file",
    "dst_port",
    "dst_tls",
    "dst_ca_file",
];

/// One result line per account (docs/cli-json.md: migrate --accounts).
fn account_row(name: &str, state: &Path, r: &Result<Vec<MigrateItem>, String>) -> Value {
    match r {
        Ok(items) => {
            let (mut copied, mut bytes, mut skipped, mut flags, mut failed) = (0, 0, 0, 0, 0);
            let mut failed_boxes = Vec::new();
            for i in items {
                match &i.result {
                    Ok(r) => {
                        copied += r.copied;
                        bytes += r.bytes;
                        skipped += r.skipped;
                        flags += r.flags_updated;
                        failed += r.failed.len();
                    }
                    Err(e) => {
                        failed_boxes.push(json!({"source": i.plan.source, "error": e.to_string()}))
                    }
                }
            }
            let status = if failed == 0 && failed_boxes.is_empty() {
                "ok"
            } else {
                "incomplete"
            };
            json!({
                "account": name, "status": status, "mailboxes": items.len(), "copied": copied,
                "bytes": bytes, "skipped": skipped, "flags_updated": flags, "failed": failed,
                "failed_mailboxes": failed_boxes, "state": state, "error": null,
            })
        }
        Err(e) => json!({"account": name, "status": "failed", "state": state, "error": e}),
    }
}

fn run_many(ctx: &Ctx, args: &MigrateArgs, file: &Path, opts: &MigrateOptions) -> CliResult {
    use crate::accounts_file as af;
    let rows = af::read(file, REQUIRED, OPTIONAL)?;
    let mut work = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if args.shard.is_some_and(|s| !s.keeps(i)) {
            continue;
        }
        let src = af::account(row, "src_", &ctx.global, file)?;
        let dst = af::account(row, "dst_", &ctx.global, file)?;
        same_account(&src, &dst, "src", &format!("dst of line {}", row.line))?;
        work.push((row.name().to_string(), (src, dst)));
    }
    let dir = args.state_dir.clone().unwrap_or_else(state_base);
    let jobs = Jobs::new(ctx, "migrate");
    let watcher = Watcher { jobs: &jobs };
    let results = af::for_each(ctx, args.jobs, work, |name, (src, dst)| {
        let state = dir.join(format!("{name}.json"));
        let obs = af::Prefixed {
            inner: &watcher,
            prefix: name.to_string(),
        };
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
        let r = migrate(&cs, &cd, &state, opts, 1, &obs)
            .map(|(_, items)| items)
            .map_err(|e| e.to_string());
        account_row(name, &state, &r)
    });
    jobs.finish();
    let title = if args.dry_run { "TO COPY" } else { "COPIED" };
    af::finish(
        ctx,
        &results,
        (title, "copied"),
        "migrate",
        "migrated",
        args.shard,
        &format!("; states in {}", dir.display()),
    )
}
