//! Backing up mailboxes into Maildirs: incremental, lossless under crashes, bounded memory.
//!
//! [`backup_mailbox`] makes a directory the Maildir of one mailbox; [`backup_tree`] keeps
//! one Maildir per mailbox below a directory, several mailboxes at once on several
//! connections. A rerun fetches only what is new, applies flag changes and removes (or,
//! with [`Options::delete`] off, keeps) what the server expunged.
//!
//! # What a run does
//! 1. Opens the mailbox with `EXAMINE` (read-only), with the last run's UIDVALIDITY and
//!    HIGHESTMODSEQ when the server has QRESYNC, so the answer says what was expunged and
//!    which flags changed; with CONDSTORE only, `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ..)`
//!    and `UID SEARCH ALL` ask the same; without either, `UID FETCH 1:* (FLAGS)` lists
//!    everything and the difference is computed. Nothing changed costs one `EXAMINE`.
//! 2. Reads the Maildir: every file's name carries the UIDVALIDITY and UID it was saved
//!    under ([`crate::maildir::FileName`]), so files saved by a run killed before it wrote
//!    its state are found and kept, not fetched again.
//! 3. If the UIDVALIDITY changed (the mailbox was recreated), re-matches the files of the
//!    old one to the server's messages by Message-ID, size and INTERNALDATE (a digest of
//!    the header where there is no Message-ID), renames the matches, fetches the rest,
//!    and reports it.
//! 4. Fetches the new messages with one pipelined `UID FETCH` per batch, each body
//!    streamed into its own file in `tmp/`, which a small pool of threads fsyncs and
//!    renames into `cur/` while the next bodies arrive. The state file records a message
//!    only after its file is in place and the directory fsynced.
//!
//! Kill it at any moment and rerun: every message is there exactly once.
//!
//! ```no_run
//! use imap4_sync::backup::{backup_mailbox, NoObserver, Options};
//!
//! let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143))?;
//! client.login("alice", "alicepw")?;
//! let report = backup_mailbox(&mut client, "INBOX", "backup/INBOX".as_ref(), &Options::default(), &NoObserver)?;
//! println!("{} new, {} flag changes, {} removed", report.fetched, report.flags_updated, report.removed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use imap4::blocking::{Client, Stream};
use imap4::proto::encode::{Criteria, FetchAttr, QResync, Select};
use imap4::proto::seq::{SeqNum, SeqRange};
use imap4::proto::{Data, Fetch, Flag, Section, SequenceSet};
use imap4::session::MessageSink;
use imap4::Unsolicited;
use serde::Serialize;

use crate::maildir::{self, FileName, Found, Maildir};
use crate::names;
use crate::state::{Entry, MailboxState, StateError};

/// How a backup behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Remove the files of messages expunged on the server (on by default; off keeps
    /// them, like `--no-delete`).
    pub delete: bool,
    /// Messages per `UID FETCH` command (the batch is also how often progress is saved).
    pub batch: usize,
    /// Threads that fsync and rename finished files while the next ones download (with
    /// [`Fsync::EachFile`]).
    pub fsync_threads: usize,
    /// How a saved file is made durable before it is renamed into `cur/`.
    pub fsync: Fsync,
    /// How changes since the last run are found.
    pub changes: Changes,
    /// After a run that changed something, compare the backup with the server
    /// ([`crate::verify`]) and put the result in [`Report::verified`].
    pub verify: bool,
    /// What [`backup_tree`] writes for each mailbox.
    pub format: Format,
}

/// How [`backup_mailbox`] makes each saved message durable before renaming it into
/// `cur/` (and before the state records it, after the directory's fsync). Either way a
/// message's data is on stable storage before its name appears in `cur/`: the
/// difference is the number of calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fsync {
    /// The files that finished downloading while the previous group was being flushed
    /// form a group, flushed with one `syncfs(2)` on the backup's file system (Linux;
    /// elsewhere this is [`Fsync::EachFile`]). One journal commit per group instead of
    /// one per message: about half the time of per-file fsyncs on ext4. It also
    /// flushes other programs' pending writes on that file system, which on a busy
    /// shared disk can make a group slow: use [`Fsync::EachFile`] there.
    #[default]
    Grouped,
    /// `fsync(2)` on each file, from a pool of [`Options::fsync_threads`] threads.
    EachFile,
}

/// The local form of a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// One Maildir per mailbox (a directory).
    #[default]
    Maildir,
    /// One mbox file per mailbox (`PATH.mbox`; see [`crate::mbox`]).
    Mbox,
}

/// How a rerun learns what changed on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Changes {
    /// QRESYNC where the server has it, else CONDSTORE, else a full listing.
    #[default]
    Auto,
    /// CONDSTORE (`CHANGEDSINCE` and `UID SEARCH ALL`) even where QRESYNC is offered.
    CondStore,
    /// A full `UID FETCH 1:* (FLAGS)` every time: for servers whose mod-sequences
    /// cannot be trusted.
    Full,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            delete: true,
            batch: 500,
            fsync_threads: 4,
            fsync: Fsync::Grouped,
            changes: Changes::Auto,
            verify: true,
            format: Format::Maildir,
        }
    }
}

/// What a caller hears while a backup or a restore runs (a progress bar, a log). Every
/// method has a default that does nothing; it is shared by the worker threads of
/// [`backup_tree`].
pub trait Observer: Sync {
    /// `mailbox` is about to transfer `messages` messages.
    fn start(&self, mailbox: &str, messages: u64) {
        let _ = (mailbox, messages);
    }
    /// One message of `bytes` bytes was saved (or uploaded).
    fn saved(&self, mailbox: &str, bytes: u64) {
        let _ = (mailbox, bytes);
    }
    /// `mailbox` is done.
    fn done(&self, mailbox: &str) {
        let _ = mailbox;
    }
    /// Polled between messages: `true` stops the run as soon as the messages in flight
    /// are safely saved (Ctrl-C).
    fn cancelled(&self) -> bool {
        false
    }
}

/// An [`Observer`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl Observer for NoObserver {}

/// What a mailbox's backup did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// The mailbox (the server's name).
    pub mailbox: String,
    /// Its Maildir.
    pub path: PathBuf,
    /// Messages downloaded.
    pub fetched: u64,
    /// Bytes downloaded.
    pub bytes: u64,
    /// Messages whose flags were updated.
    pub flags_updated: u64,
    /// Files removed because their message was expunged on the server.
    pub removed: u64,
    /// Files kept although their message was expunged (`delete` off).
    pub kept: u64,
    /// Files found that the state did not list yet (saved by an interrupted run).
    pub recovered: u64,
    /// Extra copies of a message found and removed.
    pub duplicates_removed: u64,
    /// Messages that could not be saved, with the reason; the next run tries again.
    pub failed: Vec<Failed>,
    /// Set when the mailbox's UIDVALIDITY changed since the last run.
    pub uid_validity_change: Option<UidValidityChange>,
    /// Nothing had changed since the last run.
    pub unchanged: bool,
    /// Messages on the server.
    pub server_messages: u64,
    /// Messages saved for the current UIDVALIDITY, after the run.
    pub local_messages: u64,
    /// The run stopped early ([`Observer::cancelled`]).
    pub interrupted: bool,
    /// Other things worth saying (a state file rebuilt from the files, ...).
    pub notes: Vec<String>,
    /// The final check against the server ([`Options::verify`]), when it ran.
    pub verified: Option<crate::verify::Verified>,
}

/// A message that could not be saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failed {
    /// Its UID.
    pub uid: u32,
    /// Why.
    pub reason: String,
}

/// What happened to the files of an earlier UIDVALIDITY.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UidValidityChange {
    /// The UIDVALIDITY the files were saved under (the last one, if several).
    pub old: u32,
    /// The server's now.
    pub new: u32,
    /// Files matched to a message of the new UIDVALIDITY and renamed (not downloaded).
    pub rematched: u64,
    /// Files with no match, removed (`delete` on) ...
    pub removed: u64,
    /// ... or kept.
    pub kept: u64,
}

/// Why a backup could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server or the connection failed.
    #[error(transparent)]
    Imap(#[from] imap4::Error),
    /// A local file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The state file could not be written.
    #[error(transparent)]
    State(#[from] StateError),
    /// A connection for another mailbox could not be made.
    #[error("cannot connect: {0}")]
    Connect(#[source] ConnectError),
    /// The server's answer makes a safe backup impossible.
    #[error("{mailbox}: {reason}")]
    Server {
        /// The mailbox.
        mailbox: String,
        /// What the server did.
        reason: String,
    },
}

pub(crate) fn io_at(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Flags as the state keeps them (without `\Recent`, which is the session's, not the
/// message's).
pub(crate) fn flag_strings(flags: &[Flag]) -> Vec<String> {
    let mut v: Vec<String> = flags
        .iter()
        .filter(|f| !matches!(f, Flag::Recent | Flag::MayCreate))
        .map(|f| f.to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

fn parse_flags(names: &[String]) -> Vec<Flag> {
    names.iter().map(|n| Flag::parse(n.as_bytes())).collect()
}

/// The flags a file name says (for a file the state does not know).
fn flags_of_name(rel: &str, keywords: &[String]) -> Vec<String> {
    let info = rel.rsplit_once(":2,").map_or("", |(_, i)| i);
    let mut v = Vec::new();
    for c in info.chars() {
        let f = match c {
            'D' => "\\Draft".to_string(),
            'F' => "\\Flagged".to_string(),
            'R' => "\\Answered".to_string(),
            'S' => "\\Seen".to_string(),
            'T' => "\\Deleted".to_string(),
            'P' => "$Forwarded".to_string(),
            'a'..='z' => match keywords.get((c as u8 - b'a') as usize) {
                Some(k) if !k.is_empty() => k.clone(),
                _ => continue,
            },
            _ => continue,
        };
        v.push(f);
    }
    v.sort();
    v.dedup();
    v
}

fn mtime_secs(path: &Path) -> Option<i64> {
    let t = fs::metadata(path).ok()?.modified().ok()?;
    Some(match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    })
}

fn system_time(secs: i64) -> SystemTime {
    if secs >= 0 {
        UNIX_EPOCH + Duration::from_secs(secs as u64)
    } else {
        UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs())
    }
}

/// The value of the Message-ID header in a message's header bytes.
pub(crate) fn message_id(header: &[u8]) -> Option<String> {
    let h = imap4::mime::Headers::parse(header);
    let v = h.get("Message-ID")?;
    let s = String::from_utf8_lossy(v).trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// The header section of a message: the bytes up to the first empty line.
fn header_end(b: &[u8]) -> Option<usize> {
    memchr::memmem::find(b, b"\r\n\r\n")
        .map(|p| p + 4)
        .or_else(|| memchr::memmem::find(b, b"\n\n").map(|p| p + 2))
}

/// A digest of a header section, line ends normalized (matches a message without a
/// Message-ID across UIDVALIDITY changes).
pub(crate) fn header_digest(header: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in header {
        if b == b'\r' {
            continue;
        }
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("digest:{h:016x}")
}

/// Reads the header of a saved file (at most 256 KiB).
fn file_header(path: &Path) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    File::open(path)?.take(256 << 10).read_to_end(&mut buf)?;
    if let Some(end) = header_end(&buf) {
        buf.truncate(end);
    }
    Ok(buf)
}

/// Ranges `[from, to]` minus the numbers in `skip`, as a sequence set (`None` if empty).
fn gaps(from: u32, to: u32, skip: &BTreeSet<u32>) -> Option<SequenceSet> {
    if from == 0 || from > to {
        return None;
    }
    let mut set = SequenceSet::new();
    let mut start = from;
    for &u in skip.range(from..=to) {
        if u > start {
            set.push(range(start, u - 1));
        }
        start = u.saturating_add(1);
    }
    if start <= to && start >= from {
        set.push(range(start, to));
    }
    (!set.ranges().is_empty()).then_some(set)
}

/// `a:b`, both at least 1.
fn range(a: u32, b: u32) -> SeqRange {
    let n = |x: u32| SeqNum::try_from(x.max(1)).expect("at least 1");
    SeqRange::new(n(a), n(b))
}

fn set_of(uids: &[u32]) -> SequenceSet {
    uids.iter().copied().collect()
}

/// Backs up `mailbox` into the Maildir `dir` (created if missing). See the [module
/// documentation](self) for what a run does.
///
/// ```no_run
/// use imap4_sync::backup::{backup_mailbox, NoObserver, Options};
/// let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143))?;
/// client.login("alice", "alicepw")?;
/// let keep = Options { delete: false, ..Options::default() };
/// let r = backup_mailbox(&mut client, "Archive", "/srv/backup/Archive".as_ref(), &keep, &NoObserver)?;
/// assert!(r.failed.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn backup_mailbox<S: Stream>(
    client: &mut Client<S>,
    mailbox: &str,
    dir: &Path,
    opts: &Options,
    obs: &dyn Observer,
) -> Result<Report, Error> {
    let mut md = Maildir::open(dir).map_err(io_at(dir))?;
    let mut report = Report {
        mailbox: mailbox.to_string(),
        path: dir.to_path_buf(),
        ..Report::default()
    };
    let mut state = match MailboxState::load(dir) {
        Ok(Some(s)) => s,
        Ok(None) => MailboxState::new(mailbox),
        Err(e @ StateError::Invalid { .. }) => {
            report.notes.push(format!("{e}; rebuilt from the files"));
            MailboxState::new(mailbox)
        }
        Err(e) => return Err(e.into()),
    };
    state.mailbox = mailbox.to_string();

    // 1. Open the mailbox read-only, asking for what changed where the server can say.
    let qresync = opts.changes == Changes::Auto && client.has_capability("QRESYNC")?;
    let condstore =
        opts.changes != Changes::Full && (qresync || client.has_capability("CONDSTORE")?);
    if qresync && !client.connection().is_enabled("QRESYNC") {
        client.enable(["QRESYNC"])?;
    }
    let prior = match (state.uid_validity, state.highest_modseq) {
        (Some(uv), Some(ms)) if qresync && ms > 0 && !state.messages.is_empty() => Some((uv, ms)),
        _ => None,
    };
    let mut sel = Select::examine(mailbox);
    if let Some((uv, ms)) = prior {
        sel = sel.qresync(QResync::new(uv, ms));
    } else if condstore {
        sel = sel.condstore(true);
    }
    let _ = client.take_unsolicited();
    let mbx = client.select_with(sel)?;
    let mut vanished: BTreeSet<u32> = BTreeSet::new();
    let mut changed: HashMap<u32, Vec<Flag>> = HashMap::new();
    for u in client.take_unsolicited() {
        match u {
            Unsolicited::Data(Data::Vanished { uids, .. }) => {
                // Only UIDs we could have known matter (`*` and huge ranges stop there).
                let top = state.uid_next.max(1);
                for x in uids.iter(top) {
                    if x <= top {
                        vanished.insert(x);
                    }
                }
            }
            Unsolicited::Data(Data::Fetch(f)) => {
                if let (Some(uid), Some(fl)) = (f.uid(), f.flags()) {
                    changed.insert(uid, fl.to_vec());
                }
            }
            _ => {}
        }
    }
    let uv = mbx.uid_validity.ok_or_else(|| Error::Server {
        mailbox: mailbox.to_string(),
        reason: "the server gave no UIDVALIDITY, so messages cannot be told apart between runs"
            .into(),
    })?;
    report.server_messages = u64::from(mbx.exists);

    // 2. Read the Maildir: files of this UIDVALIDITY are ours; others are stale.
    let mut found = md.scan().map_err(io_at(dir))?;
    let kept: BTreeSet<String> = state.kept.iter().cloned().collect();
    found.retain(|f| !kept.contains(&f.path));
    // Of two copies of a message, keep the one the state knows.
    let listed: BTreeSet<&str> = state.messages.values().map(|e| e.file.as_str()).collect();
    found.sort_by_key(|f| !listed.contains(f.path.as_str()));
    for d in maildir::duplicates(&mut found) {
        fs::remove_file(md.path(&d.path)).map_err(io_at(&md.path(&d.path)))?;
        report.duplicates_removed += 1;
    }
    let (current, stale): (Vec<Found>, Vec<Found>) =
        found.into_iter().partition(|f| f.name.uid_validity == uv);
    let uv_changed = state.uid_validity.is_some_and(|u| u != uv);
    let old_entries = if uv_changed {
        std::mem::take(&mut state.messages)
    } else {
        BTreeMap::new()
    };
    if uv_changed || state.uid_validity.is_none() {
        state.uid_next = 1;
        state.highest_modseq = None;
    }
    state.uid_validity = Some(uv);
    let mut local: BTreeMap<u32, Entry> = BTreeMap::new();
    for f in current {
        let entry = match state.messages.remove(&f.name.uid) {
            Some(mut e) => {
                e.file = f.path;
                e
            }
            None => {
                report.recovered += 1;
                let p = md.path(&f.path);
                Entry {
                    flags: flags_of_name(&f.path, md.keywords()),
                    date: mtime_secs(&p),
                    message_id: file_header(&p).ok().and_then(|h| message_id(&h)),
                    size: f.name.size,
                    file: f.path,
                }
            }
        };
        local.insert(f.name.uid, entry);
    }
    // Entries whose file is gone (deleted by hand): fetched again below.
    let lost = !state.messages.is_empty();
    if lost {
        report.notes.push(format!(
            "{} file(s) listed in the state were missing and are downloaded again",
            state.messages.len()
        ));
    }
    state.messages = local;

    // Nothing changed since the last run: one EXAMINE was all it took.
    let server_next = mbx.uid_next;
    if (prior.is_some() || condstore)
        && state.highest_modseq.is_some()
        && !uv_changed
        && !lost
        && stale.is_empty()
        && vanished.is_empty()
        && changed.is_empty()
        && mbx.highest_modseq.is_some()
        && mbx.highest_modseq == state.highest_modseq
        && server_next == Some(state.uid_next)
        && state.messages.len() as u64 == report.server_messages
    {
        report.unchanged = true;
        report.local_messages = state.messages.len() as u64;
        if report.recovered > 0 || report.duplicates_removed > 0 {
            state.save(dir)?;
        }
        obs.done(mailbox);
        return Ok(report);
    }

    // 3. What is on the server: new UIDs, flags, expunges.
    let incremental = condstore
        && !uv_changed
        && !lost
        && stale.is_empty()
        && state.highest_modseq.is_some()
        && !state.messages.is_empty();
    let mut to_fetch: Vec<u32> = Vec::new();
    if incremental {
        let since = state.highest_modseq.unwrap_or(1);
        if prior.is_none() {
            // CONDSTORE without QRESYNC: ask for the changed flags and the UIDs there are.
            let cmd = imap4::proto::encode::Fetch::new(
                SequenceSet::parse(b"1:*").expect("static set"),
                [FetchAttr::Uid, FetchAttr::Flags],
            )
            .uid(true)
            .changed_since(since);
            for f in client.fetch_with(cmd)?.collect_all()? {
                if let (Some(uid), Some(fl)) = (f.uid(), f.flags()) {
                    changed.insert(uid, fl.to_vec());
                }
            }
            let all: BTreeSet<u32> = client.uid_search(Criteria::All)?.into_iter().collect();
            for uid in state.messages.keys() {
                if !all.contains(uid) {
                    vanished.insert(*uid);
                }
            }
        }
        let known: BTreeSet<u32> = state.messages.keys().copied().collect();
        let top = server_next.map_or(u32::MAX, |n| n.saturating_sub(1));
        if let Some(set) = gaps(state.uid_next.max(1), top, &known) {
            let mut found = client.uid_search(Criteria::Uid(set.into()))?;
            found.retain(|u| !known.contains(u) && *u >= state.uid_next);
            to_fetch = found;
        }
    } else {
        let listing_attrs = if stale.is_empty() {
            vec![FetchAttr::Uid, FetchAttr::Flags]
        } else {
            vec![
                FetchAttr::Uid,
                FetchAttr::Flags,
                FetchAttr::Rfc822Size,
                FetchAttr::InternalDate,
                FetchAttr::body_peek(
                    "HEADER.FIELDS (MESSAGE-ID)"
                        .parse()
                        .expect("static section"),
                ),
            ]
        };
        let listing: Vec<Fetch> = if mbx.exists == 0 {
            Vec::new()
        } else {
            client
                .uid_fetch(
                    &SequenceSet::parse(b"1:*").expect("static set"),
                    listing_attrs,
                )?
                .collect_all()?
        };
        let on_server: BTreeSet<u32> = listing.iter().filter_map(Fetch::uid).collect();
        for uid in state.messages.keys() {
            if !on_server.contains(uid) {
                vanished.insert(*uid);
            }
        }
        for f in &listing {
            if let (Some(uid), Some(fl)) = (f.uid(), f.flags()) {
                changed.insert(uid, fl.to_vec());
            }
        }
        if !stale.is_empty() {
            rematch(
                client,
                &mut md,
                &mut state,
                &mut report,
                stale,
                &old_entries,
                &listing,
                uv,
                opts,
            )?;
        }
        to_fetch = on_server
            .iter()
            .copied()
            .filter(|u| !state.messages.contains_key(u))
            .collect();
    }

    // Flag changes, then expunges.
    apply_flags(&mut md, &mut state, &mut report, &changed)?;
    for uid in &vanished {
        let Some(e) = state.messages.remove(uid) else {
            continue;
        };
        if opts.delete {
            match fs::remove_file(md.path(&e.file)) {
                Ok(()) => {}
                Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                Err(err) => return Err(io_at(&md.path(&e.file))(err)),
            }
            report.removed += 1;
        } else {
            state.kept.push(e.file);
            report.kept += 1;
        }
    }
    if report.removed > 0 {
        maildir::sync_dir(&md.path("cur")).map_err(io_at(dir))?;
    }
    // Record flags and expunges before the long part.
    state.save(dir)?;

    // 4. Download what is new, batch by batch.
    obs.start(mailbox, to_fetch.len() as u64);
    let mut failed: BTreeMap<u32, String> = BTreeMap::new();
    download(
        client,
        &mut md,
        &mut state,
        &mut report,
        &to_fetch,
        opts,
        obs,
        &mut failed,
    )?;

    // The state moves past a UID only when everything below it is saved.
    let max_seen = to_fetch.iter().copied().max().unwrap_or(0);
    let next = server_next
        .unwrap_or(0)
        .max(max_seen.saturating_add(1))
        .max(state.uid_next);
    state.uid_next = match failed.keys().next() {
        Some(&first) => first.min(next),
        None if report.interrupted => {
            let pending = to_fetch
                .iter()
                .find(|u| !state.messages.contains_key(u))
                .copied();
            pending.map_or(next, |p| p.min(next))
        }
        None => next,
    };
    if !report.interrupted {
        state.highest_modseq = mbx.highest_modseq;
    }
    state.save(dir)?;
    report.failed = failed
        .into_iter()
        .map(|(uid, reason)| Failed { uid, reason })
        .collect();
    report.local_messages = state.messages.len() as u64;
    if opts.verify && !report.interrupted {
        report.verified = Some(crate::verify::verify_mailbox(client, mailbox, dir)?);
    }
    obs.done(mailbox);
    Ok(report)
}

/// Renames the files whose flags changed on the server.
fn apply_flags(
    md: &mut Maildir,
    state: &mut MailboxState,
    report: &mut Report,
    changed: &HashMap<u32, Vec<Flag>>,
) -> Result<(), Error> {
    let mut todo = Vec::new();
    for (uid, flags) in changed {
        if let Some(e) = state.messages.get(uid) {
            let want = flag_strings(flags);
            if want != e.flags {
                todo.push((*uid, want));
            }
        }
    }
    if todo.is_empty() {
        return Ok(());
    }
    for (_, want) in &todo {
        md.learn_keywords(&parse_flags(want));
    }
    md.save_keywords().map_err(io_at(md.root()))?;
    for (uid, want) in todo {
        let e = state.messages.get_mut(&uid).expect("checked above");
        let new = md
            .set_flags(&e.file, &parse_flags(&want))
            .map_err(io_at(&md.path(&e.file)))?;
        e.file = new;
        e.flags = want;
        report.flags_updated += 1;
    }
    maildir::sync_dir(&md.path("cur")).map_err(io_at(md.root()))?;
    Ok(())
}

/// After a UIDVALIDITY change: gives the old files their new UIDs where a message of the
/// new UIDVALIDITY is the same message (Message-ID or header digest, size, INTERNALDATE).
#[allow(clippy::too_many_arguments)]
fn rematch<S: Stream>(
    client: &mut Client<S>,
    md: &mut Maildir,
    state: &mut MailboxState,
    report: &mut Report,
    stale: Vec<Found>,
    old_entries: &BTreeMap<u32, Entry>,
    listing: &[Fetch],
    uv: u32,
    opts: &Options,
) -> Result<(), Error> {
    type Key = (String, u64, Option<i64>);
    let mut change = UidValidityChange {
        old: stale.iter().map(|f| f.name.uid_validity).max().unwrap_or(0),
        new: uv,
        ..UidValidityChange::default()
    };
    // The server's messages by key; those without a Message-ID get a header digest.
    let mut no_id: Vec<u32> = Vec::new();
    /// Message-ID (or digest), size, date, flags.
    type Seen = (Option<String>, u64, Option<i64>, Vec<Flag>);
    let mut server: HashMap<u32, Seen> = HashMap::new();
    for f in listing {
        let Some(uid) = f.uid() else { continue };
        if state.messages.contains_key(&uid) {
            continue;
        }
        let id = f.items.iter().find_map(|i| match i {
            imap4::proto::FetchItem::BodySection {
                data: imap4::proto::SectionData::Bytes(b),
                ..
            } => message_id(b),
            _ => None,
        });
        if id.is_none() {
            no_id.push(uid);
        }
        server.insert(
            uid,
            (
                id,
                f.size().unwrap_or(0),
                f.internal_date().map(|d| d.to_unix()),
                f.flags().map(<[Flag]>::to_vec).unwrap_or_default(),
            ),
        );
    }
    if !no_id.is_empty() {
        let headers = client
            .uid_fetch(
                &set_of(&no_id),
                [FetchAttr::Uid, FetchAttr::body_peek(Section::header())],
            )?
            .collect_all()?;
        for f in headers {
            if let (Some(uid), Some(h)) = (f.uid(), f.header().or_else(|| f.body())) {
                if let Some(s) = server.get_mut(&uid) {
                    s.0 = Some(header_digest(h));
                }
            }
        }
    }
    let mut by_key: HashMap<Key, Vec<u32>> = HashMap::new();
    for (uid, (id, size, date, _)) in &server {
        if let Some(id) = id {
            by_key
                .entry((id.clone(), *size, *date))
                .or_default()
                .push(*uid);
        }
    }
    for v in by_key.values_mut() {
        v.sort_unstable();
    }
    let mut stale = stale;
    stale.sort_by_key(|f| (f.name.uid_validity, f.name.uid));
    for f in stale {
        let path = md.path(&f.path);
        let old = old_entries.get(&f.name.uid);
        let header = file_header(&path).ok();
        let id = old
            .and_then(|e| e.message_id.clone())
            .or_else(|| header.as_deref().and_then(message_id));
        let date = old.and_then(|e| e.date).or_else(|| mtime_secs(&path));
        let mut keys = Vec::new();
        if let Some(id) = id {
            keys.push((id, f.name.size, date));
        }
        if let Some(h) = &header {
            keys.push((header_digest(h), f.name.size, date));
        }
        let hit = keys.iter().find_map(|k| {
            let v = by_key.get_mut(k)?;
            (!v.is_empty()).then(|| v.remove(0))
        });
        match hit {
            Some(uid) => {
                let (id, size, date, flags) = server.remove(&uid).expect("listed above");
                md.learn_keywords(&flags);
                md.save_keywords().map_err(io_at(md.root()))?;
                let name = FileName {
                    uid_validity: uv,
                    uid,
                    size: f.name.size,
                };
                let rel = format!(
                    "cur/{}{}",
                    name.base(),
                    maildir::info(&flags, md.keywords())
                );
                fs::rename(&path, md.path(&rel)).map_err(io_at(&path))?;
                state.messages.insert(
                    uid,
                    Entry {
                        file: rel,
                        size,
                        date,
                        message_id: id.filter(|i| !i.starts_with("digest:")),
                        flags: flag_strings(&flags),
                    },
                );
                change.rematched += 1;
            }
            None if opts.delete => {
                fs::remove_file(&path).map_err(io_at(&path))?;
                change.removed += 1;
            }
            None => {
                state.kept.push(f.path);
                change.kept += 1;
            }
        }
    }
    maildir::sync_dir(&md.path("cur")).map_err(io_at(md.root()))?;
    report.uid_validity_change = Some(change);
    Ok(())
}

/// A finished file on its way into `cur/`.
struct Job {
    /// Open until its own fsync ([`Fsync::EachFile`]); closed already when grouped.
    file: Option<File>,
    tmp: PathBuf,
    dest: PathBuf,
    rel: String,
    uid: u32,
    entry: Entry,
}

/// What the fsync pool hands back.
type Done = Result<(u32, Entry), (u32, String)>;

/// Downloads `uids` in batches into `tmp/`, the pool fsyncing and renaming them into
/// `cur/`; records each in the state once its rename is durable.
#[allow(clippy::too_many_arguments)]
fn download<S: Stream>(
    client: &mut Client<S>,
    md: &mut Maildir,
    state: &mut MailboxState,
    report: &mut Report,
    uids: &[u32],
    opts: &Options,
    obs: &dyn Observer,
    failed: &mut BTreeMap<u32, String>,
) -> Result<(), Error> {
    if uids.is_empty() {
        return Ok(());
    }
    let dir = md.root().to_path_buf();
    let cur = md.path("cur");
    let grouped = opts.fsync == Fsync::Grouped && cfg!(target_os = "linux");
    let threads = if grouped {
        1
    } else {
        opts.fsync_threads.max(1)
    };
    // Grouped, a job holds no open file, so many can wait while a group is flushed.
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(if grouped { 4096 } else { threads * 8 });
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    std::thread::scope(|scope| -> Result<(), Error> {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            let dir = &dir;
            scope.spawn(move || {
                if grouped {
                    flush_groups(dir, job_rx, &done_tx)
                } else {
                    flush_each(job_rx, &done_tx)
                }
            });
        }
        drop(done_tx);
        let mut last_save = Instant::now();
        let mut result = Ok(());
        for chunk in uids.chunks(opts.batch.max(1)) {
            if obs.cancelled() {
                report.interrupted = true;
                break;
            }
            let mut sink = Sink {
                keep_open: !grouped,
                md,
                uv: state.uid_validity.unwrap_or(0),
                mailbox: &state.mailbox,
                jobs: &job_tx,
                obs,
                failed,
                next_tmp: 0,
            };
            let r = client.uid_fetch_each_to(
                set_of(chunk),
                FetchAttr::body_peek(Section::default()),
                [
                    FetchAttr::Flags,
                    FetchAttr::InternalDate,
                    FetchAttr::Rfc822Size,
                ],
                &mut sink,
            );
            while let Ok(d) = done_rx.try_recv() {
                settle(state, report, failed, d);
            }
            match r {
                Ok(_) => {}
                Err(imap4::Error::Output(e)) if e.kind() == io::ErrorKind::Interrupted => {
                    report.interrupted = true;
                    break;
                }
                Err(imap4::Error::Output(e)) => {
                    result = Err(Error::Io {
                        path: dir.clone(),
                        source: e,
                    });
                    break;
                }
                Err(e) => {
                    result = Err(e.into());
                    break;
                }
            }
            if last_save.elapsed() > Duration::from_secs(5) {
                // A checkpoint: what the pool finished is made durable and recorded.
                if maildir::sync_dir(&cur).is_ok() {
                    let _ = state.save(&dir);
                }
                last_save = Instant::now();
            }
        }
        drop(job_tx);
        for d in done_rx.iter() {
            settle(state, report, failed, d);
        }
        result
    })?;
    maildir::sync_dir(&cur).map_err(io_at(&cur))?;
    // What was asked and neither saved nor failed: expunged meanwhile, or skipped by the
    // server (an unreadable response); ask which.
    if !report.interrupted {
        let missing: Vec<u32> = uids
            .iter()
            .copied()
            .filter(|u| !state.messages.contains_key(u) && !failed.contains_key(u))
            .collect();
        if !missing.is_empty() {
            let still = client.uid_search(Criteria::Uid(set_of(&missing).into()))?;
            for u in still {
                if missing.contains(&u) {
                    failed.insert(u, "the server sent no readable data for it".into());
                }
            }
        }
    }
    Ok(())
}

/// Where a job ends: renamed into place, or removed with the reason.
fn finish_job(job: Job, r: io::Result<()>) -> Done {
    match r.and_then(|()| fs::rename(&job.tmp, &job.dest)) {
        Ok(()) => {
            let mut e = job.entry;
            e.file = job.rel;
            Ok((job.uid, e))
        }
        Err(e) => {
            let _ = fs::remove_file(&job.tmp);
            Err((job.uid, format!("saving it failed: {e}")))
        }
    }
}

/// A pool thread of [`Fsync::EachFile`]: fsync, rename, report, one job at a time.
fn flush_each(jobs: &Mutex<mpsc::Receiver<Job>>, done: &mpsc::Sender<Done>) {
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(mut job) = job else { return };
        let r = match job.file.take() {
            Some(f) => f.sync_all(),
            None => Ok(()),
        };
        if done.send(finish_job(job, r)).is_err() {
            return;
        }
    }
}

/// The thread of [`Fsync::Grouped`]: takes every job waiting (they finished downloading
/// while the previous group was flushed), makes them all durable with one `syncfs(2)`,
/// renames them, reports them; until the queue closes.
fn flush_groups(dir: &Path, jobs: &Mutex<mpsc::Receiver<Job>>, done: &mpsc::Sender<Done>) {
    let Ok(rx) = jobs.lock() else { return };
    while let Ok(first) = rx.recv() {
        let mut group = vec![first];
        while group.len() < 2048 {
            match rx.try_recv() {
                Ok(j) => group.push(j),
                Err(_) => break,
            }
        }
        let synced = sync_file_system(dir);
        for job in group {
            let r = match &synced {
                Ok(()) => Ok(()),
                Err(e) => Err(io::Error::new(e.kind(), e.to_string())),
            };
            if done.send(finish_job(job, r)).is_err() {
                return;
            }
        }
    }
}

/// Flushes every file written on the file system that holds `dir` (`syncfs(2)`; since
/// Linux 5.8 it reports the write-back errors of that file system).
#[cfg(target_os = "linux")]
fn sync_file_system(dir: &Path) -> io::Result<()> {
    let d = File::open(dir)?;
    rustix::fs::syncfs(&d).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn sync_file_system(_dir: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "grouped flushing needs Linux's syncfs",
    ))
}

fn settle(
    state: &mut MailboxState,
    report: &mut Report,
    failed: &mut BTreeMap<u32, String>,
    d: Done,
) {
    match d {
        Ok((uid, e)) => {
            report.fetched += 1;
            report.bytes += e.size;
            state.messages.insert(uid, e);
        }
        Err((uid, reason)) => {
            failed.insert(uid, reason);
        }
    }
}

/// Streams bodies into `tmp/` and hands finished files to the pool.
struct Sink<'a> {
    /// Hand the open file to the pool (per-file fsync), or close it (grouped).
    keep_open: bool,
    md: &'a mut Maildir,
    uv: u32,
    mailbox: &'a str,
    jobs: &'a mpsc::SyncSender<Job>,
    obs: &'a dyn Observer,
    failed: &'a mut BTreeMap<u32, String>,
    next_tmp: u64,
}

/// One body being written.
struct BodyWriter {
    file: BufWriter<File>,
    tmp: PathBuf,
    header: Vec<u8>,
    header_done: bool,
    written: u64,
}

impl Write for BodyWriter {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let n = self.file.write(b)?;
        if !self.header_done {
            let room = (64usize << 10).saturating_sub(self.header.len());
            self.header.extend_from_slice(&b[..n.min(room)]);
            if let Some(end) = header_end(&self.header) {
                self.header.truncate(end);
                self.header_done = true;
            } else if room == 0 {
                self.header_done = true;
            }
        }
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl MessageSink for Sink<'_> {
    type Writer = BodyWriter;

    fn open(&mut self, seq: u32, _uid: Option<u32>, _len: u64) -> io::Result<BodyWriter> {
        if self.obs.cancelled() {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
        }
        self.next_tmp += 1;
        let tmp = self.md.root().join("tmp").join(format!(
            "{}-s{seq}-{}.imap4.{}",
            self.uv,
            self.next_tmp,
            std::process::id()
        ));
        let file = File::create(&tmp)?;
        Ok(BodyWriter {
            file: BufWriter::with_capacity(64 << 10, file),
            tmp,
            header: Vec::new(),
            header_done: false,
            written: 0,
        })
    }

    fn finish(&mut self, w: BodyWriter, f: Fetch) -> io::Result<()> {
        let BodyWriter {
            file,
            tmp,
            header,
            written,
            ..
        } = w;
        let file = file.into_inner().map_err(|e| e.into_error())?;
        let Some(uid) = f.uid() else {
            let _ = fs::remove_file(&tmp);
            return Ok(());
        };
        let body_missing = !f.items.iter().any(|i| {
            matches!(
                i,
                imap4::proto::FetchItem::BodySection {
                    data: imap4::proto::SectionData::Streamed(_),
                    ..
                }
            )
        });
        if body_missing {
            let _ = fs::remove_file(&tmp);
            self.failed.insert(
                uid,
                "the server sent no body for it (NIL or nothing)".into(),
            );
            return Ok(());
        }
        let flags = f.flags().map(<[Flag]>::to_vec).unwrap_or_default();
        let date = f.internal_date().map(|d| d.to_unix());
        if let Some(d) = date {
            let _ = file.set_modified(system_time(d));
        }
        let before = self.md.keywords().to_vec();
        self.md.learn_keywords(&flags);
        if self.md.keywords() != before.as_slice() {
            self.md.save_keywords()?;
        }
        let name = FileName {
            uid_validity: self.uv,
            uid,
            size: written,
        };
        let rel = format!(
            "cur/{}{}",
            name.base(),
            maildir::info(&flags, self.md.keywords())
        );
        let entry = Entry {
            file: String::new(),
            size: f.size().unwrap_or(written),
            date,
            message_id: message_id(&header),
            flags: flag_strings(&flags),
        };
        self.obs.saved(self.mailbox, written);
        self.jobs
            .send(Job {
                file: self.keep_open.then_some(file),
                tmp,
                dest: self.md.path(&rel),
                rel,
                uid,
                entry,
            })
            .map_err(|_| io::Error::other("the fsync threads stopped"))
    }
}

// ---------------------------------------------------------------------------------------
// Many mailboxes

/// The error of the caller's connect function in [`backup_tree`].
pub type ConnectError = Box<dyn std::error::Error + Send + Sync>;

/// Which mailboxes [`backup_tree`] saves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every selectable mailbox.
    All,
    /// These, by their server names.
    Names(Vec<String>),
}

/// The index of a tree backup (`.imap4-backup.json`): mailbox names and their paths.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TreeIndex {
    /// Format version.
    pub version: u32,
    /// Server name → directory relative to the tree.
    pub mailboxes: BTreeMap<String, String>,
    /// The server's hierarchy delimiter (to rebuild the names on another server).
    #[serde(default)]
    pub delimiter: Option<char>,
}

/// The index file's name in a tree backup's directory.
pub const INDEX_FILE: &str = ".imap4-backup.json";

impl TreeIndex {
    /// Reads `dir`'s index (empty when there is none).
    pub fn load(dir: &Path) -> Result<TreeIndex, Error> {
        let path = dir.join(INDEX_FILE);
        match fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| Error::Io {
                path,
                source: io::Error::new(io::ErrorKind::InvalidData, e),
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(TreeIndex {
                version: 1,
                ..TreeIndex::default()
            }),
            Err(e) => Err(io_at(&path)(e)),
        }
    }

    fn save(&self, dir: &Path) -> Result<(), Error> {
        let path = dir.join(INDEX_FILE);
        let bytes = serde_json::to_vec_pretty(self).expect("plain data");
        maildir::write_atomic(&path, &bytes).map_err(io_at(&path))
    }
}

/// One mailbox's outcome in a tree backup.
#[derive(Debug)]
pub struct TreeItem {
    /// The mailbox.
    pub mailbox: String,
    /// Its report, or why it failed.
    pub result: Result<Report, Error>,
}

/// Backs up several mailboxes below `dir`, one Maildir each (paths from
/// [`names::unique_paths`], kept in [`TreeIndex`]), `jobs` mailboxes at a time, each on a
/// connection from `connect`. A mailbox that fails does not stop the others; one whose
/// connection broke is tried once more on a new connection.
///
/// ```no_run
/// use imap4_sync::backup::{backup_tree, NoObserver, Options, Selection};
/// let connect = || {
///     let mut c = imap4::blocking::Client::connect(("127.0.0.1", 10143))?;
///     c.login("alice", "alicepw")?;
///     Ok::<_, imap4_sync::backup::ConnectError>(c)
/// };
/// for item in backup_tree(&connect, &Selection::All, "backup".as_ref(), &Options::default(), 4, &NoObserver)? {
///     println!("{}: {:?}", item.mailbox, item.result.map(|r| r.fetched));
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn backup_tree<S, C>(
    connect: &C,
    selection: &Selection,
    dir: &Path,
    opts: &Options,
    jobs: usize,
    obs: &dyn Observer,
) -> Result<Vec<TreeItem>, Error>
where
    S: Stream + Send,
    C: Fn() -> Result<Client<S>, ConnectError> + Sync,
{
    fs::create_dir_all(dir).map_err(io_at(dir))?;
    let mut first = connect().map_err(Error::Connect)?;
    let listed = first.list("", "*")?;
    let mut names: Vec<(String, Option<char>)> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    let selectable = |l: &imap4::proto::ListData| {
        !l.has(&imap4::proto::MailboxAttr::NoSelect)
            && !l.has(&imap4::proto::MailboxAttr::NonExistent)
    };
    match selection {
        Selection::All => {
            for l in &listed {
                if selectable(l) {
                    names.push((l.mailbox.name().to_string(), l.delimiter.map(char::from)));
                }
            }
        }
        Selection::Names(want) => {
            for w in want {
                match listed
                    .iter()
                    .find(|l| l.mailbox.name() == w.as_str() && selectable(l))
                {
                    Some(l) => names.push((w.clone(), l.delimiter.map(char::from))),
                    None => missing.push(w.clone()),
                }
            }
        }
    }
    let mut index = TreeIndex::load(dir)?;
    index.version = 1;
    if let Some(d) = names.iter().find_map(|(_, d)| *d) {
        index.delimiter = Some(d);
    }
    let paths = names::unique_paths(&names, &index.mailboxes);
    index.mailboxes = paths.clone();
    index.save(dir)?;

    let mut out: Vec<TreeItem> = missing
        .into_iter()
        .map(|m| TreeItem {
            result: Err(Error::Server {
                mailbox: m.clone(),
                reason: "no such mailbox on the server".into(),
            }),
            mailbox: m,
        })
        .collect();
    let todo: Vec<String> = names.into_iter().map(|(n, _)| n).collect();
    let done = in_parallel(
        connect,
        Some(first),
        todo,
        jobs,
        obs,
        |c, name| match opts.format {
            Format::Maildir => backup_mailbox(c, name, &dir.join(&paths[name]), opts, obs),
            Format::Mbox => {
                let file = dir.join(format!("{}.mbox", paths[name]));
                crate::mbox::backup_mbox(c, name, &file, opts, obs)
            }
        },
    );
    out.extend(
        done.into_iter()
            .map(|(mailbox, result)| TreeItem { mailbox, result }),
    );
    out.sort_by(|a, b| a.mailbox.cmp(&b.mailbox));
    Ok(out)
}

/// What a worker of [`in_parallel`] holds: a connection, or one to each of two servers.
pub(crate) trait Link: Send {
    /// Whether it can no longer be used.
    fn broken(&self) -> bool;
    /// Ends it politely.
    fn close(&mut self);
}

impl<S: Stream + Send> Link for Client<S> {
    fn broken(&self) -> bool {
        self.is_broken()
    }
    fn close(&mut self) {
        let _ = self.logout();
    }
}

impl<A: Link, B: Link> Link for (A, B) {
    fn broken(&self) -> bool {
        self.0.broken() || self.1.broken()
    }
    fn close(&mut self) {
        self.0.close();
        self.1.close();
    }
}

/// Runs `work` on each item, `jobs` at a time, each worker with a connection of its own
/// (the first may be given). A connection that broke is replaced, and its item tried once
/// more. Stops taking new items when the observer is cancelled.
pub(crate) fn in_parallel<K, C, T, R, F>(
    connect: &C,
    first: Option<K>,
    items: Vec<T>,
    jobs: usize,
    obs: &dyn Observer,
    work: F,
) -> Vec<(T, Result<R, Error>)>
where
    K: Link,
    C: Fn() -> Result<K, ConnectError> + Sync,
    T: Send,
    R: Send,
    F: Fn(&mut K, &T) -> Result<R, Error> + Sync,
{
    let jobs = jobs.clamp(1, items.len().max(1));
    let queue: Mutex<VecDeque<T>> = Mutex::new(items.into_iter().collect());
    let results: Mutex<Vec<(T, Result<R, Error>)>> = Mutex::new(Vec::new());
    let first = Mutex::new(first);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                let mut conn: Option<K> = first.lock().ok().and_then(|mut f| f.take());
                loop {
                    if obs.cancelled() {
                        break;
                    }
                    let Some(item) = queue.lock().ok().and_then(|mut q| q.pop_front()) else {
                        break;
                    };
                    let mut result = None;
                    for attempt in 0..2 {
                        let mut c = match conn.take() {
                            Some(c) if !c.broken() => c,
                            _ => match connect() {
                                Ok(c) => c,
                                Err(e) => {
                                    result = Some(Err(Error::Connect(e)));
                                    break;
                                }
                            },
                        };
                        let r = work(&mut c, &item);
                        let broken = c.broken();
                        if !broken {
                            conn = Some(c);
                        }
                        let retry = broken && attempt == 0 && matches!(r, Err(Error::Imap(_)));
                        result = Some(r);
                        if !retry {
                            break;
                        }
                    }
                    if let (Some(r), Ok(mut out)) = (result, results.lock()) {
                        out.push((item, r));
                    }
                }
                if let Some(mut c) = conn {
                    c.close();
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_skip_known_uids() {
        let known: BTreeSet<u32> = [3, 4, 8].into_iter().collect();
        assert_eq!(gaps(1, 10, &known).unwrap().to_string(), "1:2,5:7,9:10");
        assert_eq!(gaps(3, 4, &known), None);
        assert_eq!(gaps(9, 8, &known), None);
        assert_eq!(
            gaps(8, u32::MAX, &known).unwrap().to_string(),
            format!("9:{}", u32::MAX)
        );
    }

    #[test]
    fn message_ids_and_digests() {
        let h = b"Subject: x\r\nMessage-ID:\r\n <a@b>\r\n\r\n";
        assert_eq!(message_id(h).as_deref(), Some("<a@b>"));
        assert_eq!(message_id(b"Subject: x\r\n\r\n"), None);
        assert_eq!(header_digest(b"A: 1\r\n\r\n"), header_digest(b"A: 1\n\n"));
        assert_ne!(
            header_digest(b"A: 1\r\n\r\n"),
            header_digest(b"A: 2\r\n\r\n")
        );
    }

    #[test]
    fn flags_of_names() {
        let kw = vec!["$Junk".to_string()];
        assert_eq!(
            flags_of_name("cur/1-2.imap4,S=3:2,FSa", &kw),
            ["$Junk", "\\Flagged", "\\Seen"]
        );
        assert!(flags_of_name("cur/1-2.imap4,S=3", &kw).is_empty());
    }
}
