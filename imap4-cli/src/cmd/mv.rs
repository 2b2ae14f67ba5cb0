//! `imap4 mv MAILBOX UIDS DEST` (and, through [`transfer`], `imap4 cp`): UID MOVE or
//! UID COPY in batches, reporting where each message landed (COPYUID).

use clap::Args;
use imap4::proto::encode::{Criteria, StoreMode};
use imap4::proto::Flag;
use serde::Serialize;

use crate::account::Conn;
use crate::error::{is_nonexistent, CliError, CliResult, Context, Exit};
use crate::output::Ctx;
use crate::select::{QueryArg, Target};

pub const EXAMPLES: &str = "Examples:
  imap4 mv INBOX 4711 Archive
  imap4 mv INBOX 100:200 Archive/2024
  imap4 mv INBOX Archive --query 'before:2024-01-01 seen'
  imap4 mv INBOX Lists/rust --query 'header:List-Id:rust' --create --dry-run";

/// Options shared by mv and cp.
#[derive(Debug, Args)]
pub struct TransferArgs {
    /// MAILBOX UIDS DEST, or MAILBOX DEST with --query. UIDS: 7, 7,9, 100:200, 100:*,
    /// or - for UIDs on stdin.
    #[arg(required = true, num_args = 2..=3, value_name = "MAILBOX [UIDS] DEST")]
    pub args: Vec<String>,
    #[command(flatten)]
    pub query: QueryArg,
    /// Create DEST if it does not exist.
    #[arg(long)]
    pub create: bool,
    /// Show which messages would go, change nothing.
    #[arg(short = 'n', long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES, override_usage = "imap4 mv [OPTIONS] <MAILBOX> <UIDS> <DEST>\n       imap4 mv [OPTIONS] <MAILBOX> <DEST> --query <QUERY>")]
pub struct MvArgs {
    #[command(flatten)]
    pub t: TransferArgs,
}

/// One message (docs/cli-json.md: mv, cp, rm).
#[derive(Serialize)]
pub struct Moved<'a> {
    pub uid: u32,
    pub mailbox: &'a str,
    pub dest: &'a str,
    pub dest_uid: Option<u32>,
    pub action: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Move,
    Copy,
}

pub fn run(ctx: &Ctx, args: &MvArgs) -> CliResult {
    transfer(ctx, &args.t, Kind::Move)
}

/// Splits the positional words into mailbox, target and destination.
fn split_args(t: &TransferArgs) -> CliResult<(String, Target, String)> {
    let a = &t.args;
    let (mailbox, uids, dest) = match (a.len(), t.query.is_set()) {
        (3, false) => (&a[0], Some(a[1].as_str()), &a[2]),
        (2, true) => (&a[0], None, &a[1]),
        (2, false) => {
            return Err(CliError::usage(
                "give MAILBOX UIDS DEST, or MAILBOX DEST --query QUERY",
            ))
        }
        _ => return Err(CliError::usage("with --query, give only MAILBOX and DEST")),
    };
    super::check_mailbox(mailbox)?;
    super::check_mailbox(dest)?;
    Ok((
        mailbox.clone(),
        Target::from_args(uids, &t.query)?,
        dest.clone(),
    ))
}

pub fn transfer(ctx: &Ctx, t: &TransferArgs, kind: Kind) -> CliResult {
    let (mailbox, target, dest) = split_args(t)?;
    if mailbox == dest {
        return Err(CliError::usage(
            "the source and the destination are the same mailbox",
        ));
    }
    let (_account, mut conn) = ctx.connect()?;
    super::open_mailbox(&mut conn, &mailbox, t.dry_run || kind == Kind::Copy)?;
    let uids = crate::select::resolve(&mut conn, &mailbox, &target, &mut |w| ctx.warn(w))?;
    if uids.is_empty() {
        conn.logout();
        return Err(CliError::no_match(format!(
            "no matching message in \"{mailbox}\""
        )));
    }
    ensure_dest(&mut conn, &dest, t.create, t.dry_run)?;
    let action = if kind == Kind::Move {
        "moved"
    } else {
        "copied"
    };
    let mut out = ctx.out();
    if t.dry_run {
        for &uid in &uids {
            if ctx.json {
                out.json(&Moved {
                    uid,
                    mailbox: &mailbox,
                    dest: &dest,
                    dest_uid: None,
                    action: "dry_run",
                })?;
            }
        }
        if !ctx.json {
            let verb = if kind == Kind::Move { "move" } else { "copy" };
            out.line(format!(
                "would {verb} {} message(s) from {mailbox} to {dest}: {}",
                uids.len(),
                crate::select::to_set(&uids)
            ))?;
        }
        conn.logout();
        return Ok(Exit::Ok);
    }
    let done = move_uids(
        ctx,
        &mut conn,
        &mailbox,
        &uids,
        &dest,
        kind,
        &mut |uid, dest_uid| {
            if ctx.json {
                out.json(&Moved {
                    uid,
                    mailbox: &mailbox,
                    dest: &dest,
                    dest_uid,
                    action,
                })
            } else {
                Ok(())
            }
        },
    )?;
    conn.logout();
    if !ctx.json {
        out.line(format!(
            "{action} {done} message(s) from {mailbox} to {dest}"
        ))?;
    }
    Ok(Exit::Ok)
}

/// Checks that `dest` exists, creating it with `create`.
pub fn ensure_dest(conn: &mut Conn, dest: &str, create: bool, dry_run: bool) -> CliResult<()> {
    match conn.status(dest, [imap4::proto::encode::StatusAttr::Messages]) {
        Ok(_) => Ok(()),
        Err(e) if is_nonexistent(&e) || matches!(e, imap4::Error::No { .. }) => {
            if create && !dry_run {
                conn.create(dest)
                    .map_err(|e| super::mailbox_error(&e, dest))
            } else if create {
                Ok(())
            } else {
                Err(CliError::new(format!(
                    "no mailbox \"{dest}\"; create it with 'imap4 mkdir {dest}' or add --create"
                )))
            }
        }
        Err(e) => Err(super::mailbox_error(&e, dest)),
    }
}

/// Moves or copies `uids` (existing, ascending) in batches; `each` hears of every
/// message with its new UID when the server says. Stops between batches on Ctrl-C,
/// saying how many went.
pub fn move_uids(
    ctx: &Ctx,
    conn: &mut Conn,
    mailbox: &str,
    uids: &[u32],
    dest: &str,
    kind: Kind,
    each: &mut dyn FnMut(u32, Option<u32>) -> std::io::Result<()>,
) -> CliResult<usize> {
    let verb = if kind == Kind::Move {
        "moved"
    } else {
        "copied"
    };
    let mut progress =
        crate::progress::Progress::new(ctx, verb, "messages", Some(uids.len() as u64), None);
    let mut done = 0;
    for (set, chunk) in crate::select::chunks(uids, 500) {
        if crate::interrupt::interrupted() {
            progress.finish();
            return Err(CliError::interrupted(format!(
                "interrupted: {verb} {done} of {} message(s) to {dest}; the others are still in {mailbox}",
                uids.len()
            )));
        }
        let r = match kind {
            Kind::Move => conn.uid_move(&set, dest),
            Kind::Copy => conn.uid_copy(&set, dest),
        };
        let copyuid = r
            .map_err(|e| {
                if is_nonexistent(&e) {
                    CliError::new(format!("no mailbox \"{dest}\""))
                } else {
                    CliError::from(e)
                }
            })
            .context(|| {
                format!(
                    "{} {mailbox} -> {dest}",
                    if kind == Kind::Move { "MOVE" } else { "COPY" }
                )
            })?;
        for &uid in chunk {
            each(uid, copyuid.as_ref().and_then(|c| c.dest_of(uid)))?;
        }
        done += chunk.len();
        progress.inc(chunk.len() as u64, 0);
    }
    progress.finish();
    Ok(done)
}

/// Marks `uids` \Deleted and expunges exactly them: UID EXPUNGE with UIDPLUS; without
/// it, plain EXPUNGE only when no other message is marked \Deleted (it would go too).
pub fn expunge_uids(conn: &mut Conn, mailbox: &str, uids: &[u32]) -> CliResult<()> {
    let uidplus = conn.has_capability("UIDPLUS")?;
    if !uidplus {
        let marked: Vec<u32> = conn
            .uid_search(Criteria::deleted())
            .context(|| "UID SEARCH DELETED".to_string())?;
        let others: Vec<u32> = marked
            .into_iter()
            .filter(|u| uids.binary_search(u).is_err())
            .collect();
        if !others.is_empty() {
            return Err(CliError::new(format!(
                "the server lacks UIDPLUS and {} other message(s) in \"{mailbox}\" are marked \\Deleted; EXPUNGE would remove them too, so nothing was done",
                others.len()
            )));
        }
    }
    for (set, _) in crate::select::chunks(uids, 1000) {
        conn.uid_store(set.clone(), StoreMode::Add, [Flag::Deleted])
            .context(|| "UID STORE +FLAGS \\Deleted".to_string())?;
        if uidplus {
            conn.uid_expunge(set)
                .context(|| "UID EXPUNGE".to_string())?;
        }
    }
    if !uidplus {
        conn.expunge().context(|| "EXPUNGE".to_string())?;
    }
    Ok(())
}
