//! `imap4 append MAILBOX FILE|DIR...`: uploads .eml files, Maildirs and mboxes (read by
//! `imap4_sync::source`), keeping the flags and dates the source has. Messages go in
//! batches: one MULTIAPPEND each where the server has it (all or nothing per batch),
//! pipelined APPENDs otherwise. Ctrl-C stops between batches.

use std::path::PathBuf;

use clap::Args;
use imap4::proto::encode::{normalize_line_endings, AppendMessage};
use imap4_sync::source::{LocalMessage, Source};
use serde::Serialize;

use crate::account::Conn;
use crate::error::{describe, CliError, CliResult, Exit};
use crate::output::{human_size, Ctx};
use crate::progress::Progress;

pub const EXAMPLES: &str = "Examples:
  imap4 append INBOX message.eml
  imap4 append Archive ~/Mail/archive            # a Maildir (flags from file names)
  imap4 append --create Imported ~/old.mbox      # an mbox (Status/X-Status flags)
  imap4 append Drafts ./drafts/ --dry-run        # a directory of .eml files

Dates: Maildir files keep their modification time, mbox messages the date of their
'From ' line; single .eml files get the server's time (or their mtime with --mtime).";

/// Messages per batch, and bytes per batch (whichever is reached first).
const BATCH_MESSAGES: usize = 100;
const BATCH_BYTES: usize = 8 << 20;

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct AppendArgs {
    /// The mailbox to upload into.
    pub mailbox: String,
    /// .eml files, Maildirs, mbox files, or directories of .eml files.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Create the mailbox if it does not exist.
    #[arg(long)]
    pub create: bool,
    /// Add these flags to every message (seen, flagged, $Keyword ...).
    #[arg(long = "flag", value_name = "FLAG")]
    pub flags: Vec<String>,
    /// Give .eml files their modification time as the date.
    #[arg(long)]
    pub mtime: bool,
    /// Read the sources and say what would be uploaded, upload nothing.
    #[arg(short = 'n', long)]
    pub dry_run: bool,
}

/// One message (docs/cli-json.md: append).
#[derive(Serialize)]
struct Appended<'a> {
    source: &'a str,
    status: &'static str,
    uid: Option<u32>,
    size: usize,
    flags: Vec<String>,
    error: Option<String>,
}

struct Pending {
    msg: AppendMessage,
    origin: String,
    size: usize,
    flags: Vec<String>,
}

#[derive(Default)]
struct Tally {
    appended: u64,
    failed: u64,
    bytes: u64,
}

pub fn run(ctx: &Ctx, args: &AppendArgs) -> CliResult {
    super::check_mailbox(&args.mailbox)?;
    let extra: Vec<imap4::proto::Flag> = args
        .flags
        .iter()
        .map(|f| super::flag::parse_flag(f))
        .collect::<CliResult<_>>()?;
    // Open every source first: a typo in the last path fails before anything is sent.
    let mut sources = Vec::new();
    for p in &args.paths {
        let s = Source::open(p)
            .map_err(|e| CliError::new(e.to_string()))?
            .with_eml_mtime(args.mtime);
        sources.push(s);
    }
    let total_bytes: u64 = sources.iter().map(|s| s.total_bytes()).sum();
    let total: Option<u64> = sources
        .iter()
        .map(|s| s.count_hint().map(|n| n as u64))
        .sum::<Option<u64>>();

    let mut conn = if args.dry_run {
        None
    } else {
        let (_account, mut conn) = ctx.connect()?;
        super::mv::ensure_dest(&mut conn, &args.mailbox, args.create, false)?;
        Some(conn)
    };
    let limit = match &mut conn {
        Some(c) => append_limit(c, &args.mailbox)?,
        None => None,
    };

    let mut out = ctx.out();
    let mut progress = Progress::new(ctx, "append", "messages", total, Some(total_bytes));
    let mut tally = Tally::default();
    let mut batch: Vec<Pending> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut interrupted = false;
    'sources: for source in sources {
        for item in source {
            if crate::interrupt::interrupted() {
                interrupted = true;
                break 'sources;
            }
            let m: LocalMessage = match item {
                Ok(m) => m,
                Err(e) => {
                    tally.failed += 1;
                    let origin = e
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    report(
                        ctx,
                        &mut out,
                        &origin,
                        "failed",
                        None,
                        0,
                        vec![],
                        Some(e.to_string()),
                    )?;
                    continue;
                }
            };
            let data = normalize_line_endings(&m.bytes);
            let size = data.len();
            let mut flags = m.flags.clone();
            for f in &extra {
                if !flags.contains(f) {
                    flags.push(f.clone());
                }
            }
            let names = crate::output::flag_names(&flags);
            if let Some(max) = limit {
                if size as u64 > max {
                    tally.failed += 1;
                    progress.inc(1, m.bytes.len() as u64);
                    report(
                        ctx,
                        &mut out,
                        &m.origin,
                        "failed",
                        None,
                        size,
                        names,
                        Some(format!(
                            "{} is over the server's APPENDLIMIT of {}",
                            human_size(size as u64),
                            human_size(max)
                        )),
                    )?;
                    continue;
                }
            }
            if args.dry_run {
                tally.appended += 1;
                tally.bytes += size as u64;
                progress.inc(1, m.bytes.len() as u64);
                report(ctx, &mut out, &m.origin, "dry_run", None, size, names, None)?;
                continue;
            }
            let mut msg = AppendMessage::new(data).flags(flags);
            if let Some(d) = m.date {
                msg = msg.date(d);
            }
            batch_bytes += size;
            batch.push(Pending {
                msg,
                origin: m.origin.clone(),
                size,
                flags: names,
            });
            if batch.len() >= BATCH_MESSAGES || batch_bytes >= BATCH_BYTES {
                let conn = conn.as_mut().expect("connected unless dry run");
                send(
                    ctx,
                    conn,
                    &args.mailbox,
                    std::mem::take(&mut batch),
                    &mut tally,
                    &mut out,
                    &mut progress,
                )?;
                batch_bytes = 0;
            }
        }
    }
    if !batch.is_empty() && !interrupted {
        let conn = conn.as_mut().expect("connected unless dry run");
        send(
            ctx,
            conn,
            &args.mailbox,
            batch,
            &mut tally,
            &mut out,
            &mut progress,
        )?;
    }
    progress.finish();
    if let Some(c) = conn {
        c.logout();
    }
    let verb = if args.dry_run {
        "would append"
    } else {
        "appended"
    };
    if interrupted {
        return Err(CliError::interrupted(format!(
            "interrupted: {verb} {} message(s) to {}; the rest were not sent",
            tally.appended, args.mailbox
        )));
    }
    if !ctx.json {
        let failed = if tally.failed > 0 {
            format!(", {} failed", tally.failed)
        } else {
            String::new()
        };
        out.line(format!(
            "{verb} {} message(s) ({}) to {}{failed}",
            tally.appended,
            human_size(tally.bytes),
            args.mailbox
        ))?;
    }
    if tally.failed > 0 {
        out.flush()?;
        return Err(CliError::new(format!(
            "{} message(s) could not be appended",
            tally.failed
        )));
    }
    if tally.appended == 0 {
        return Ok(Exit::NoMatch);
    }
    Ok(Exit::Ok)
}

/// The server's APPENDLIMIT for the mailbox (RFC 7889), if it announces one.
fn append_limit(conn: &mut Conn, mailbox: &str) -> CliResult<Option<u64>> {
    for c in conn.capabilities()? {
        if let Some(v) = c.as_str().strip_prefix("APPENDLIMIT=") {
            if let Ok(n) = v.parse() {
                return Ok(Some(n));
            }
        }
    }
    if conn.has_capability("APPENDLIMIT")? {
        if let Ok(st) = conn.status(mailbox, [imap4::proto::encode::StatusAttr::AppendLimit]) {
            return Ok(st.append_limit.flatten());
        }
    }
    Ok(None)
}

/// Sends one batch. If the batch fails as a whole (MULTIAPPEND is all or nothing), the
/// messages are tried one by one so that one bad message costs only itself.
fn send(
    ctx: &Ctx,
    conn: &mut Conn,
    mailbox: &str,
    batch: Vec<Pending>,
    tally: &mut Tally,
    out: &mut crate::output::Out,
    progress: &mut Progress,
) -> CliResult<()> {
    let msgs: Vec<AppendMessage> = batch.iter().map(|p| p.msg.clone()).collect();
    let results = match conn.append_many(mailbox, msgs) {
        Ok(r) if r.iter().all(|r| r.is_ok()) || batch.len() == 1 => r,
        Ok(_) | Err(imap4::Error::No { .. }) | Err(imap4::Error::Bad { .. }) if batch.len() > 1 => {
            // Find the culprit: one at a time.
            let mut each = Vec::with_capacity(batch.len());
            for p in &batch {
                let r = conn.append_many(mailbox, [p.msg.clone()]);
                match r {
                    Ok(mut v) if v.len() == 1 => each.push(v.remove(0)),
                    Ok(_) => each.push(Ok(None)),
                    Err(e @ imap4::Error::Abort(_)) => return Err(CliError::from(e)),
                    Err(e) => each.push(Err(e)),
                }
            }
            each
        }
        Ok(r) => r,
        Err(e) => {
            return Err(CliError::from_lib(&e)).map_err(|e| CliError {
                message: format!(
                    "appending to \"{mailbox}\": {}; {} message(s) appended before this batch",
                    e.message, tally.appended
                ),
                ..e
            })
        }
    };
    for (p, r) in batch.into_iter().zip(results) {
        progress.inc(1, p.size as u64);
        match r {
            Ok(uid) => {
                tally.appended += 1;
                tally.bytes += p.size as u64;
                report(
                    ctx,
                    out,
                    &p.origin,
                    "appended",
                    uid.map(|u| u.uid),
                    p.size,
                    p.flags,
                    None,
                )?;
            }
            Err(e) => {
                tally.failed += 1;
                report(
                    ctx,
                    out,
                    &p.origin,
                    "failed",
                    None,
                    p.size,
                    p.flags,
                    Some(describe(&e)),
                )?;
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn report(
    ctx: &Ctx,
    out: &mut crate::output::Out,
    origin: &str,
    status: &'static str,
    uid: Option<u32>,
    size: usize,
    flags: Vec<String>,
    error: Option<String>,
) -> CliResult<()> {
    if ctx.json {
        out.json(&Appended {
            source: origin,
            status,
            uid,
            size,
            flags,
            error,
        })?;
    } else if let Some(e) = &error {
        ctx.warn(format!("{origin}: {e}"));
    }
    Ok(())
}
