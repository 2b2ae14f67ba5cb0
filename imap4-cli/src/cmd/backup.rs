//! `imap4 backup [MAILBOX... | --all] --to DIR`: Maildir backups by `imap4_sync::backup`,
//! incremental and safe to interrupt, with a progress bar per mailbox and overall, one
//! row (or JSON object) per mailbox, and a final check against the server.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use imap4_sync::backup::{
    backup_mailbox, backup_tree, Changes, ConnectError, Observer, Options, Report, Selection,
    INDEX_FILE,
};
use imap4_sync::state::STATE_FILE;
use serde_json::{json, Value};

use crate::error::{CliError, CliResult, Exit};
use crate::output::{col, flex, human_size, num, Ctx, Table};
use crate::progress::Jobs;

pub const EXAMPLES: &str = "Examples:
  imap4 backup INBOX --to ~/backup/inbox           # DIR becomes INBOX's Maildir
  imap4 backup --all --to ~/backup/mail --jobs 4   # every mailbox, one Maildir each
  imap4 backup Archive Sent --to ~/backup/mail     # these, one Maildir each below DIR
  imap4 backup --all --to ~/backup/mbox --format mbox   # DIR/INBOX.mbox, DIR/Archive.mbox ...
  imap4 --json backup --all --to /srv/mail | jq -c '{mailbox, fetched}'
  imap4 verify --all --from ~/backup/mail
  imap4 backup --accounts staff.csv --to /srv/backup --jobs 8 --shard 2/4

Run it again to bring the backup up to date: only new messages are downloaded, flag
changes are applied, and messages expunged on the server are removed (--no-delete keeps
them). It is safe to interrupt (Ctrl-C, or a killed process): the next run finds every
message saved so far and saves each exactly once.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct BackupArgs {
    /// The mailboxes. One: DIR is its Maildir. Several: one Maildir each below DIR.
    pub mailboxes: Vec<String>,
    /// Every mailbox on the server, one Maildir each below DIR.
    #[arg(long, conflicts_with = "mailboxes")]
    pub all: bool,
    /// Many accounts from a CSV file (columns name, host, user, secret; optionally port,
    /// tls, ca_file): every mailbox of each into DIR/NAME.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["mailboxes", "all"])]
    pub accounts: Option<PathBuf>,
    /// With --accounts: only the rows K, K+N, K+2N, ... (data rows from 0).
    #[arg(long, value_name = "K/N", requires = "accounts")]
    pub shard: Option<crate::accounts_file::Shard>,
    /// The backup directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    /// Keep the files of messages that were expunged on the server.
    #[arg(long)]
    pub no_delete: bool,
    /// Mailboxes saved at once, each on a connection of its own.
    #[arg(short, long, value_name = "N", default_value_t = 4)]
    pub jobs: usize,
    /// How a rerun finds changes: auto (QRESYNC or CONDSTORE where the server has them),
    /// condstore, or full (list every message's flags; for servers whose mod-sequences are
    /// not to be trusted).
    #[arg(long, value_enum, default_value_t = ChangesArg::Auto)]
    pub changes: ChangesArg,
    /// Skip the final comparison of counts and sizes with the server.
    #[arg(long)]
    pub no_verify: bool,
    /// maildir (a directory per mailbox) or mbox (a file per mailbox, DIR/NAME.mbox,
    /// flags in Status/X-Status/X-Keywords).
    #[arg(long, value_enum, default_value_t = FormatArg::Maildir)]
    pub format: FormatArg,
    /// How each message is made durable before it is recorded: grouped (the files that
    /// arrived meanwhile flushed together with one syncfs, the default on Linux) or each
    /// (one fsync per file, like mbsync: better on a busy shared disk, where a syncfs
    /// also waits for other programs' writes).
    #[arg(long, value_enum, default_value_t = FsyncArg::Grouped)]
    pub fsync: FsyncArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FsyncArg {
    Grouped,
    Each,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Maildir,
    Mbox,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChangesArg {
    Auto,
    Condstore,
    Full,
}

/// Progress and Ctrl-C for the engine.
pub struct Watcher<'a> {
    pub jobs: &'a Jobs,
}

impl Observer for Watcher<'_> {
    fn start(&self, mailbox: &str, messages: u64) {
        self.jobs.start(mailbox, messages);
    }
    fn saved(&self, mailbox: &str, bytes: u64) {
        self.jobs.inc(mailbox, bytes);
    }
    fn done(&self, mailbox: &str) {
        self.jobs.finish_job(mailbox);
    }
    fn cancelled(&self) -> bool {
        crate::interrupt::interrupted()
    }
}

/// How a backup directory is laid out already.
enum Layout {
    Empty,
    /// The Maildir of one mailbox (its state names it).
    One(String),
    Tree,
}

fn layout(dir: &Path) -> Layout {
    if dir.join(INDEX_FILE).is_file() {
        return Layout::Tree;
    }
    match imap4_sync::state::MailboxState::load(dir) {
        Ok(Some(s)) => Layout::One(s.mailbox),
        _ if dir.join(STATE_FILE).exists() => Layout::One(String::new()),
        _ => Layout::Empty,
    }
}

pub fn run(ctx: &Ctx, args: &BackupArgs) -> CliResult {
    if let Some(file) = &args.accounts {
        return run_many(ctx, args, file);
    }
    if !args.all && args.mailboxes.is_empty() {
        return Err(CliError::usage(
            "name the mailboxes to back up, or give --all",
        ));
    }
    for m in &args.mailboxes {
        super::check_mailbox(m)?;
    }
    if args.jobs == 0 {
        return Err(CliError::usage("--jobs must be at least 1"));
    }
    // An mbox backup is always a directory of files, one per mailbox.
    let one = !args.all && args.mailboxes.len() == 1 && args.format == FormatArg::Maildir;
    match (layout(&args.to), one) {
        (Layout::Tree, true) => {
            return Err(CliError::usage(format!(
                "{} holds a backup of several mailboxes; back up into it with --all or a \
                 list of mailboxes, or give another directory",
                args.to.display()
            )))
        }
        (Layout::One(m), false) => {
            return Err(CliError::usage(format!(
                "{} is the backup of the single mailbox {m:?}; give another directory for \
                 several mailboxes",
                args.to.display()
            )))
        }
        (Layout::One(m), true) if !m.is_empty() && m != args.mailboxes[0] => {
            return Err(CliError::usage(format!(
                "{} is the backup of {m:?}, not of {:?}",
                args.to.display(),
                args.mailboxes[0]
            )))
        }
        _ => {}
    }
    let opts = options(args);
    let account = ctx.account()?;
    let jobs = Jobs::new(ctx, "backup");
    let watcher = Watcher { jobs: &jobs };
    let results: Vec<(String, Result<Report, CliError>)> = if one {
        let mut conn = account.connect()?;
        let mb = &args.mailboxes[0];
        let r = backup_mailbox(&mut conn.client, mb, &args.to, &opts, &watcher)
            .map_err(|e| engine_error(mb, e));
        conn.logout();
        vec![(mb.clone(), r)]
    } else {
        let connect = || {
            account
                .connect()
                .map(|c| c.client)
                .map_err(|e| ConnectError::from(e.message))
        };
        let selection = if args.all {
            Selection::All
        } else {
            Selection::Names(args.mailboxes.clone())
        };
        backup_tree(&connect, &selection, &args.to, &opts, args.jobs, &watcher)
            .map_err(|e| CliError::new(format!("backup: {e}")))?
            .into_iter()
            .map(|item| {
                let r = item.result.map_err(|e| engine_error(&item.mailbox, e));
                (item.mailbox, r)
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

/// One JSON object per mailbox (docs/cli-json.md: backup).
fn row(mailbox: &str, r: &Result<Report, CliError>) -> Value {
    match r {
        Ok(rep) => {
            let mut v = serde_json::to_value(rep).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                let status = if rep.interrupted {
                    "interrupted"
                } else if !rep.failed.is_empty()
                    || rep.verified.as_ref().is_some_and(|v| !v.is_ok())
                {
                    "incomplete"
                } else {
                    "ok"
                };
                let mut out = serde_json::Map::new();
                out.insert("mailbox".into(), json!(mailbox));
                out.insert("status".into(), json!(status));
                for (k, x) in std::mem::take(m) {
                    if k != "mailbox" {
                        out.insert(k, x);
                    }
                }
                out.insert("error".into(), Value::Null);
                return Value::Object(out);
            }
            v
        }
        Err(e) => json!({"mailbox": mailbox, "status": "failed", "error": e.message}),
    }
}

fn report(ctx: &Ctx, results: &[(String, Result<Report, CliError>)]) -> CliResult {
    let mut out = ctx.out();
    let mut worst = Exit::Ok;
    let (mut fetched, mut bytes) = (0u64, 0u64);
    let mut table = Table::new(vec![
        flex("MAILBOX"),
        num("NEW"),
        num("SIZE"),
        num("FLAGS"),
        num("REMOVED"),
        num("SAVED"),
        col("NOTE"),
    ]);
    for (mb, r) in results {
        if let Ok(rep) = r {
            fetched += rep.fetched;
            bytes += rep.bytes;
            if rep.interrupted {
                worst = Exit::Interrupted;
            } else if (!rep.failed.is_empty() || rep.verified.as_ref().is_some_and(|v| !v.is_ok()))
                && worst == Exit::Ok
            {
                worst = Exit::Error;
            }
        } else if worst == Exit::Ok {
            worst = Exit::Error;
        }
        if ctx.json {
            out.json(&row(mb, r))?;
            continue;
        }
        match r {
            Ok(rep) => table.push(vec![
                mb.clone(),
                rep.fetched.to_string(),
                human_size(rep.bytes),
                rep.flags_updated.to_string(),
                (rep.removed + rep.kept).to_string(),
                format!("{}/{}", rep.local_messages, rep.server_messages),
                note(rep),
            ]),
            Err(e) => table.push(vec![
                mb.clone(),
                "-".into(),
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
    let failed_boxes = results.iter().filter(|(_, r)| r.is_err()).count();
    ctx.note(format!(
        "imap4: backup: {} mailbox(es), {fetched} new message(s), {}{}",
        results.len(),
        human_size(bytes),
        if failed_boxes > 0 {
            format!(", {failed_boxes} failed")
        } else {
            String::new()
        }
    ));
    for (mb, r) in results {
        if let Ok(rep) = r {
            for f in &rep.failed {
                ctx.warn(format!("{mb}: UID {}: {}", f.uid, f.reason));
            }
            if let Some(ch) = &rep.uid_validity_change {
                ctx.warn(format!(
                    "{mb}: UIDVALIDITY changed from {} to {} (the mailbox was recreated): \
                     {} saved message(s) matched again, {} removed, {} kept",
                    ch.old, ch.new, ch.rematched, ch.removed, ch.kept
                ));
            }
            if let Some(v) = rep.verified.as_ref().filter(|v| !v.is_ok()) {
                ctx.warn(format!(
                    "{mb}: the backup does not match the server: {} missing, {} extra, {} of another size",
                    v.missing.len(),
                    v.extra.len(),
                    v.size_mismatch.len()
                ));
            }
            for n in &rep.notes {
                ctx.warn(format!("{mb}: {n}"));
            }
        }
    }
    match worst {
        Exit::Interrupted => Err(CliError::interrupted(
            "interrupted; what was saved is kept: run the same command again to finish",
        )),
        Exit::Error => Err(CliError::new(
            "some messages or mailboxes were not saved (see above); run it again to retry them",
        )),
        e => Ok(e),
    }
}

fn note(rep: &Report) -> String {
    let mut parts = Vec::new();
    if rep.unchanged {
        parts.push("unchanged".to_string());
    }
    if rep.interrupted {
        parts.push("interrupted".to_string());
    }
    if rep.kept > 0 {
        parts.push(format!("{} kept", rep.kept));
    }
    if rep.recovered > 0 {
        parts.push(format!("{} recovered", rep.recovered));
    }
    if !rep.failed.is_empty() {
        parts.push(format!("{} failed", rep.failed.len()));
    }
    if rep.uid_validity_change.is_some() {
        parts.push("UIDVALIDITY changed".into());
    }
    if let Some(v) = &rep.verified {
        parts.push(if v.is_ok() { "verified" } else { "MISMATCH" }.into());
    }
    parts.join(", ")
}

fn options(args: &BackupArgs) -> Options {
    Options {
        delete: !args.no_delete,
        changes: match args.changes {
            ChangesArg::Auto => Changes::Auto,
            ChangesArg::Condstore => Changes::CondStore,
            ChangesArg::Full => Changes::Full,
        },
        verify: !args.no_verify,
        fsync: match args.fsync {
            FsyncArg::Grouped => imap4_sync::backup::Fsync::Grouped,
            FsyncArg::Each => imap4_sync::backup::Fsync::EachFile,
        },
        format: match args.format {
            FormatArg::Maildir => imap4_sync::backup::Format::Maildir,
            FormatArg::Mbox => imap4_sync::backup::Format::Mbox,
        },
        ..Options::default()
    }
}

/// `backup --accounts FILE`: each row's mailboxes into DIR/NAME, `--jobs` accounts at
/// once, one result line per account.
fn run_many(ctx: &Ctx, args: &BackupArgs, file: &Path) -> CliResult {
    use crate::accounts_file as af;
    let rows = af::read(
        file,
        &["name", "host", "user", "secret"],
        &["port", "tls", "ca_file"],
    )?;
    let mut work = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if args.shard.is_some_and(|s| !s.keeps(i)) {
            continue;
        }
        let acc = af::account(row, "", &ctx.global, file)?;
        work.push((row.name().to_string(), acc));
    }
    let opts = options(args);
    let jobs = Jobs::new(ctx, "backup");
    let watcher = Watcher { jobs: &jobs };
    let results = af::for_each(ctx, args.jobs, work, |name, acc| {
        let obs = af::Prefixed {
            inner: &watcher,
            prefix: name.to_string(),
        };
        let connect = || {
            acc.connect()
                .map(|c| c.client)
                .map_err(|e| ConnectError::from(e.message))
        };
        let dir = args.to.join(name);
        let r = backup_tree(&connect, &Selection::All, &dir, &opts, 1, &obs);
        match r {
            Ok(items) => {
                let mut v = json!({"account": name, "status": "ok", "path": dir,
                    "mailboxes": items.len(), "fetched": 0, "bytes": 0, "failed": 0,
                    "failed_mailboxes": [], "error": null});
                let (mut fetched, mut bytes, mut failed) = (0u64, 0u64, 0usize);
                let mut boxes = Vec::new();
                for it in &items {
                    match &it.result {
                        Ok(r) => {
                            fetched += r.fetched;
                            bytes += r.bytes;
                            failed += r.failed.len();
                            if r.verified.as_ref().is_some_and(|v| !v.is_ok()) {
                                failed += 1;
                            }
                        }
                        Err(e) => {
                            boxes.push(json!({"mailbox": it.mailbox, "error": e.to_string()}))
                        }
                    }
                }
                if failed > 0 || !boxes.is_empty() {
                    v["status"] = json!("incomplete");
                }
                v["fetched"] = json!(fetched);
                v["bytes"] = json!(bytes);
                v["failed"] = json!(failed);
                v["failed_mailboxes"] = json!(boxes);
                v
            }
            Err(e) => {
                json!({"account": name, "status": "failed", "path": dir, "error": e.to_string()})
            }
        }
    });
    jobs.finish();
    af::finish(
        ctx,
        &results,
        ("NEW", "fetched"),
        "backup",
        "backed up",
        args.shard,
        "",
    )
}
