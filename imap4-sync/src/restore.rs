//! Restoring mail into a mailbox: a backup made by [`crate::backup`], or any Maildir, mbox
//! or `.eml` tree ([`crate::source`]), uploaded with its flags, keywords and dates,
//! skipping what the mailbox already holds, resumable after a crash.
//!
//! # What a run does
//! 1. Creates the mailbox if it is missing, and reads what it holds: each message's size
//!    and Message-ID (a header digest for those without one).
//! 2. Reads the source. For a backup, the flags come from its state (all keywords, also
//!    those the file names have no letter for). A message is skipped when the restore map
//!    (`.imap4-restore.json` in the source directory) says it was uploaded to this mailbox
//!    (same UIDVALIDITY), or when the mailbox already holds a message with the same
//!    Message-ID and size; so a rerun, or a run after a crash, uploads each message once.
//! 3. Uploads in batches: one MULTIAPPEND per batch where the server has it, else
//!    pipelined APPENDs (LITERAL+ saves the round trips); a batch the server refuses is
//!    retried one message at a time, so one bad message costs only itself. A keyword the
//!    server refuses is dropped for that message (and reported). APPENDLIMIT is respected.
//!
//! ```no_run
//! use imap4_sync::backup::NoObserver;
//! use imap4_sync::restore::{restore_mailbox, RestoreOptions};
//!
//! let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143))?;
//! client.login("alice", "alicepw")?;
//! let r = restore_mailbox(&mut client, "backup/INBOX".as_ref(), "Restored", "alice@127.0.0.1",
//!                         &RestoreOptions::default(), &NoObserver)?;
//! println!("{} uploaded, {} already there", r.appended, r.skipped);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use imap4::blocking::{Client, Stream};
use imap4::proto::encode::{
    normalize_line_endings, AppendMessage, AppendStream, FetchAttr, StatusAttr,
};
use imap4::proto::{Flag, Section, SequenceSet};
use serde::{Deserialize, Serialize};

use crate::backup::{Error, Observer};
use crate::maildir::{self, FileName};
use crate::source::{LocalMessage, Source};
use crate::state::MailboxState;

/// The restore map's file name, in the source directory.
pub const RESTORE_FILE: &str = ".imap4-restore.json";

/// How a restore behaves.
#[derive(Debug, Clone)]
pub struct RestoreOptions {
    /// Messages per upload batch ...
    pub batch_messages: usize,
    /// ... and bytes per batch, whichever comes first.
    pub batch_bytes: usize,
    /// Read the source and count, upload nothing.
    pub dry_run: bool,
}

impl Default for RestoreOptions {
    fn default() -> RestoreOptions {
        RestoreOptions {
            batch_messages: 100,
            batch_bytes: 8 << 20,
            dry_run: false,
        }
    }
}

/// What a restore did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    /// The mailbox restored into.
    pub mailbox: String,
    /// The source.
    pub source: PathBuf,
    /// Messages uploaded (with `dry_run`: that would be).
    pub appended: u64,
    /// Bytes uploaded.
    pub bytes: u64,
    /// Messages skipped because the mailbox already holds them.
    pub skipped: u64,
    /// Messages not uploaded, with the reason (the next run tries again).
    pub failed: Vec<RestoreFailed>,
    /// Keywords the server refused, dropped from the messages that had them.
    pub keywords_dropped: Vec<String>,
    /// The mailbox was created by this run.
    pub created: bool,
    /// The run stopped early.
    pub interrupted: bool,
}

/// A message that could not be uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreFailed {
    /// Where it came from (a file, or `file: message N` of an mbox).
    pub source: String,
    /// Why.
    pub reason: String,
}

/// The restore map: which source messages are in which mailbox already.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct RestoreMap {
    version: u32,
    /// `DESTINATION/MAILBOX` → its UIDVALIDITY and the source keys uploaded (→ UID).
    targets: BTreeMap<String, Target>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Target {
    uid_validity: Option<u32>,
    done: BTreeMap<String, u32>,
}

/// A message's identity for "already there": Message-ID (or header digest) and size.
type Key = (String, u64);

fn key_of(bytes: &[u8]) -> Key {
    key_parts(bytes, bytes.len() as u64)
}

/// [`key_of`] from the start of a message (at least its header) and its length.
fn key_parts(start: &[u8], len: u64) -> Key {
    let end = memchr::memmem::find(start, b"\r\n\r\n").map_or(start.len(), |p| p + 4);
    let header = &start[..end];
    let id = imap4::mime::Headers::parse(header)
        .get("Message-ID")
        .map(|v| String::from_utf8_lossy(v).trim().to_string())
        .filter(|s| !s.is_empty());
    (
        id.unwrap_or_else(|| crate::backup::header_digest(header)),
        len,
    )
}

/// A source message's stable name for the restore map: a backup file's base name (its
/// flags may change), else where it came from.
fn source_key(m: &LocalMessage) -> String {
    let o = m.origin.as_str();
    let file = o.rsplit('/').next().unwrap_or(o);
    if FileName::parse(file).is_some() {
        return file.split(':').next().unwrap_or(file).to_string();
    }
    o.to_string()
}

/// Restores the Maildir, mbox or `.eml` tree at `source` into `mailbox` (created if
/// missing). `destination` names the account and server (`user@host:port`): the restore
/// map remembers uploads per destination and mailbox.
pub fn restore_mailbox<S: Stream>(
    client: &mut Client<S>,
    source: &Path,
    mailbox: &str,
    destination: &str,
    opts: &RestoreOptions,
    obs: &dyn Observer,
) -> Result<RestoreReport, Error> {
    let src = Source::open(source).map_err(|e| Error::Io {
        path: source.to_path_buf(),
        source: io::Error::other(e.to_string()),
    })?;
    let count = src.count_hint().unwrap_or(0) as u64;
    // A backup's own record of each message's flags (all keywords).
    let backup = if source.is_dir() {
        MailboxState::load(source).ok().flatten()
    } else {
        None
    };
    let map_dir = if source.is_dir() {
        source.to_path_buf()
    } else {
        source.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let map_path = map_dir.join(RESTORE_FILE);
    let mut map: RestoreMap = std::fs::read(&map_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    map.version = 1;
    let target_key = format!("{destination}/{mailbox}");
    let prior = map
        .targets
        .get(&target_key)
        .map(|t| (t.uid_validity, t.done.clone()));
    let mut up = Uploader::open(client, mailbox, prior, opts)?;
    up.report.source = source.to_path_buf();

    obs.start(mailbox, count);
    for item in src {
        if obs.cancelled() {
            up.report.interrupted = true;
            break;
        }
        let m = match item {
            Ok(m) => m,
            Err(e) => {
                up.report.failed.push(RestoreFailed {
                    source: e
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let mut flags = m.flags.clone();
        if let (Some(b), Some(name)) = (
            &backup,
            FileName::parse(m.origin.rsplit('/').next().unwrap_or("")),
        ) {
            if let Some(e) = b.messages.get(&name.uid) {
                if b.uid_validity == Some(name.uid_validity) {
                    flags = e.flags.iter().map(|f| Flag::parse(f.as_bytes())).collect();
                }
            }
        }
        let item = Item {
            key: source_key(&m),
            data: normalize_line_endings(&m.bytes),
            origin: m.origin,
            flags,
            date: m.date,
        };
        if up.push(client, item, obs)? && !opts.dry_run {
            save_map(&map_path, &mut map, &target_key, &up);
        }
    }
    if !up.report.interrupted {
        up.flush(client, obs)?;
    }
    if !opts.dry_run {
        save_map(&map_path, &mut map, &target_key, &up);
    }
    obs.done(mailbox);
    Ok(up.report)
}

/// One message to upload.
#[derive(Clone)]
pub(crate) struct Item {
    /// Its stable name at the source (for the map of what was uploaded).
    pub key: String,
    /// Where it came from, for messages.
    pub origin: String,
    /// The bytes, CRLF line ends.
    pub data: imap4::proto::Bytes,
    pub flags: Vec<Flag>,
    pub date: Option<imap4::proto::date::InternalDate>,
}

/// One message too big to hold in memory, spooled to a file (by migrate) and sent from
/// there in pieces.
pub(crate) struct Spooled {
    /// As [`Item::key`].
    pub key: String,
    /// As [`Item::origin`].
    pub origin: String,
    /// The message, CRLF line ends.
    pub file: File,
    /// Its length.
    pub len: u64,
    /// Its start (the header, up to 64 KiB), for matching by Message-ID.
    pub header: Vec<u8>,
    /// It holds NUL bytes (sent as a `literal8`).
    pub binary: bool,
    pub flags: Vec<Flag>,
    pub date: Option<imap4::proto::date::InternalDate>,
}

impl Spooled {
    /// Another handle on the same spooled message (for a second destination; each
    /// upload reads the file from its start).
    pub(crate) fn try_clone(&self) -> std::io::Result<Spooled> {
        Ok(Spooled {
            key: self.key.clone(),
            origin: self.origin.clone(),
            file: self.file.try_clone()?,
            len: self.len,
            header: self.header.clone(),
            binary: self.binary,
            flags: self.flags.clone(),
            date: self.date,
        })
    }
}

/// Uploads messages into one mailbox in batches, skipping those it holds already; shared
/// by restore and migrate.
pub(crate) struct Uploader {
    pub mailbox: String,
    pub report: RestoreReport,
    /// Source key → UID in the mailbox (0 when the server gave none).
    pub done: BTreeMap<String, u32>,
    /// The mailbox's UIDVALIDITY (the UIDs in `done` belong to it).
    pub uid_validity: Option<u32>,
    there: HashMap<Key, Vec<u32>>,
    limit: Option<u64>,
    batch: Vec<Pending>,
    batch_bytes: usize,
    opts: RestoreOptions,
}

impl Uploader {
    /// Creates `mailbox` if missing and reads what it holds. `prior` is the map of an
    /// earlier run (its UIDVALIDITY and uploads); entries no longer in the mailbox drop out.
    pub(crate) fn open<S: Stream>(
        client: &mut Client<S>,
        mailbox: &str,
        prior: Option<(Option<u32>, BTreeMap<String, u32>)>,
        opts: &RestoreOptions,
    ) -> Result<Uploader, Error> {
        let mut report = RestoreReport {
            mailbox: mailbox.to_string(),
            ..RestoreReport::default()
        };
        let exists = mailbox_exists(client, mailbox)?;
        if !exists && !opts.dry_run {
            match client.create(mailbox) {
                Ok(()) => report.created = true,
                // Made meanwhile (another job created a child, and the server its parents).
                Err(e @ imap4::Error::No { .. }) => {
                    if !mailbox_exists(client, mailbox)? {
                        return Err(e.into());
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        let mut there: HashMap<Key, Vec<u32>> = HashMap::new();
        let mut uid_validity = None;
        if exists || report.created {
            let st = client.examine(mailbox)?;
            uid_validity = st.uid_validity;
            if st.exists > 0 {
                there = holdings(client)?;
            }
        }
        let mut done = match prior {
            Some((uv, done)) if uv.is_some() && uv == uid_validity => done,
            _ => BTreeMap::new(),
        };
        // The map counts only for messages still there (some may have been deleted since),
        // and what it accounts for is not there for a second match by Message-ID.
        let present: std::collections::HashSet<u32> = there.values().flatten().copied().collect();
        done.retain(|_, uid| present.contains(uid));
        let mapped: std::collections::HashSet<u32> = done.values().copied().collect();
        for uids in there.values_mut() {
            uids.retain(|u| !mapped.contains(u));
        }
        let limit = append_limit(client, mailbox)?;
        Ok(Uploader {
            mailbox: mailbox.to_string(),
            report,
            done,
            uid_validity,
            there,
            limit,
            batch: Vec::new(),
            batch_bytes: 0,
            opts: opts.clone(),
        })
    }

    /// Whether the source message `key` is in the mailbox already (by the map).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.done.contains_key(key)
    }

    /// Skips `item` if the mailbox holds it, else queues it; sends a full batch. Returns
    /// whether a batch went out (a moment to save the map).
    pub(crate) fn push<S: Stream>(
        &mut self,
        client: &mut Client<S>,
        item: Item,
        obs: &dyn Observer,
    ) -> Result<bool, Error> {
        let Item {
            key: skey,
            origin,
            data,
            mut flags,
            date,
        } = item;
        if self.done.contains_key(&skey) {
            self.report.skipped += 1;
            obs.saved(&self.mailbox, 0);
            return Ok(false);
        }
        if let Some(uids) = self.there.get_mut(&key_of(&data)) {
            if let Some(uid) = uids.pop() {
                self.done.insert(skey, uid);
                self.report.skipped += 1;
                obs.saved(&self.mailbox, 0);
                return Ok(false);
            }
        }
        if let Some(max) = self.limit {
            if data.len() as u64 > max {
                self.report.failed.push(RestoreFailed {
                    source: origin,
                    reason: format!(
                        "{} bytes is over the server's APPENDLIMIT of {max}",
                        data.len()
                    ),
                });
                return Ok(false);
            }
        }
        flags.retain(|f| !matches!(f, Flag::Recent | Flag::MayCreate));
        self.batch_bytes += data.len();
        self.batch.push(Pending {
            skey,
            origin,
            data,
            flags,
            date,
        });
        if self.batch.len() >= self.opts.batch_messages || self.batch_bytes >= self.opts.batch_bytes
        {
            self.flush(client, obs)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// [`push`](Self::push) for a spooled message: skipped if the mailbox holds it, else
    /// sent on its own right away (after what is queued), read from its file while it
    /// goes. Returns whether it went out (a moment to save the map).
    pub(crate) fn push_spooled<S: Stream>(
        &mut self,
        client: &mut Client<S>,
        mut m: Spooled,
        obs: &dyn Observer,
    ) -> Result<bool, Error> {
        if self.done.contains_key(&m.key) {
            self.report.skipped += 1;
            obs.saved(&self.mailbox, 0);
            return Ok(false);
        }
        if let Some(uid) = self
            .there
            .get_mut(&key_parts(&m.header, m.len))
            .and_then(Vec::pop)
        {
            self.done.insert(m.key, uid);
            self.report.skipped += 1;
            obs.saved(&self.mailbox, 0);
            return Ok(false);
        }
        if let Some(max) = self.limit.filter(|max| m.len > *max) {
            self.report.failed.push(RestoreFailed {
                source: m.origin,
                reason: format!("{} bytes is over the server's APPENDLIMIT of {max}", m.len),
            });
            return Ok(false);
        }
        self.flush(client, obs)?;
        m.flags
            .retain(|f| !matches!(f, Flag::Recent | Flag::MayCreate));
        if self.opts.dry_run {
            self.report.appended += 1;
            self.report.bytes += m.len;
            obs.saved(&self.mailbox, m.len);
            return Ok(false);
        }
        let mut r = append_spooled(client, &self.mailbox, &mut m, true);
        let keywords: Vec<String> = m
            .flags
            .iter()
            .filter_map(|f| match f {
                Flag::Keyword(k) => Some(String::from_utf8_lossy(k).into_owned()),
                _ => None,
            })
            .collect();
        if matches!(r, Err(imap4::Error::No { .. })) && !keywords.is_empty() {
            // The server may refuse keywords: the message matters more.
            r = append_spooled(client, &self.mailbox, &mut m, false);
            if r.is_ok() {
                for k in keywords {
                    if !self.report.keywords_dropped.contains(&k) {
                        self.report.keywords_dropped.push(k);
                    }
                }
            }
        }
        match r {
            Ok(uid) => {
                self.report.appended += 1;
                self.report.bytes += m.len;
                self.done.insert(m.key, uid.map_or(0, |u| u.uid));
                obs.saved(&self.mailbox, m.len);
            }
            Err(e @ imap4::Error::Abort(_)) => return Err(e.into()),
            Err(e) => self.report.failed.push(RestoreFailed {
                source: m.origin,
                reason: e.to_string(),
            }),
        }
        if self.uid_validity.is_none() {
            self.uid_validity = client
                .status(&self.mailbox, [StatusAttr::UidValidity])
                .ok()
                .and_then(|s| s.uid_validity);
        }
        Ok(true)
    }

    /// Sends what is queued.
    pub(crate) fn flush<S: Stream>(
        &mut self,
        client: &mut Client<S>,
        obs: &dyn Observer,
    ) -> Result<(), Error> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        self.batch_bytes = 0;
        send(
            client,
            &self.mailbox,
            batch,
            &self.opts,
            obs,
            &mut self.report,
            &mut self.done,
        )?;
        if self.uid_validity.is_none() && !self.opts.dry_run {
            self.uid_validity = client
                .status(&self.mailbox, [StatusAttr::UidValidity])
                .ok()
                .and_then(|s| s.uid_validity);
        }
        Ok(())
    }
}

struct Pending {
    skey: String,
    origin: String,
    data: imap4::proto::Bytes,
    flags: Vec<Flag>,
    date: Option<imap4::proto::date::InternalDate>,
}

impl Pending {
    fn message(&self, keywords: bool) -> AppendMessage {
        let flags: Vec<Flag> = self
            .flags
            .iter()
            .filter(|f| keywords || !matches!(f, Flag::Keyword(_)))
            .cloned()
            .collect();
        let mut m = AppendMessage::new(self.data.clone()).flags(flags);
        if let Some(d) = self.date {
            m = m.date(d);
        }
        m
    }
}

/// One APPEND of a spooled message, from the start of its file.
fn append_spooled<S: Stream>(
    client: &mut Client<S>,
    mailbox: &str,
    m: &mut Spooled,
    keywords: bool,
) -> imap4::Result<Option<imap4::session::AppendUid>> {
    use std::io::Seek;
    m.file
        .seek(std::io::SeekFrom::Start(0))
        .map_err(imap4::Error::Output)?;
    let flags = m
        .flags
        .iter()
        .filter(|f| keywords || !matches!(f, Flag::Keyword(_)))
        .cloned();
    let mut cmd = AppendStream::new(mailbox, m.len)
        .flags(flags)
        .binary(m.binary);
    if let Some(d) = m.date {
        cmd = cmd.date(d);
    }
    client.append_from(cmd, &mut m.file)
}

/// Uploads one batch; a refused batch is retried message by message, and a refused
/// message with keywords once more without them.
fn send<S: Stream>(
    client: &mut Client<S>,
    mailbox: &str,
    batch: Vec<Pending>,
    opts: &RestoreOptions,
    obs: &dyn Observer,
    report: &mut RestoreReport,
    done: &mut BTreeMap<String, u32>,
) -> Result<(), Error> {
    if opts.dry_run {
        for p in &batch {
            report.appended += 1;
            report.bytes += p.data.len() as u64;
            obs.saved(mailbox, p.data.len() as u64);
        }
        return Ok(());
    }
    let results = match client.append_many(mailbox, batch.iter().map(|p| p.message(true))) {
        Ok(r) if r.iter().all(|r| r.is_ok()) || batch.len() == 1 => r,
        Ok(_) | Err(imap4::Error::No { .. }) | Err(imap4::Error::Bad { .. }) if batch.len() > 1 => {
            let mut each = Vec::with_capacity(batch.len());
            for p in &batch {
                match client.append_many(mailbox, [p.message(true)]) {
                    Ok(mut v) if v.len() == 1 => each.push(v.remove(0)),
                    Ok(_) => each.push(Ok(None)),
                    Err(e @ imap4::Error::Abort(_)) => return Err(e.into()),
                    Err(e) => each.push(Err(e)),
                }
            }
            each
        }
        Ok(r) => r,
        Err(e) => return Err(e.into()),
    };
    for (p, r) in batch.iter().zip(results) {
        let r = match r {
            Err(imap4::Error::No { .. })
                if p.flags.iter().any(|f| matches!(f, Flag::Keyword(_))) =>
            {
                // The server may refuse keywords: the message matters more.
                let again = client.append_many(mailbox, [p.message(false)]);
                match again {
                    Ok(mut v) if v.len() == 1 && v[0].is_ok() => {
                        for f in &p.flags {
                            if let Flag::Keyword(k) = f {
                                let k = String::from_utf8_lossy(k).into_owned();
                                if !report.keywords_dropped.contains(&k) {
                                    report.keywords_dropped.push(k);
                                }
                            }
                        }
                        v.remove(0)
                    }
                    Ok(mut v) if v.len() == 1 => v.remove(0),
                    Ok(_) => Ok(None),
                    Err(e @ imap4::Error::Abort(_)) => return Err(e.into()),
                    Err(e) => Err(e),
                }
            }
            r => r,
        };
        match r {
            Ok(uid) => {
                report.appended += 1;
                report.bytes += p.data.len() as u64;
                // Without UIDPLUS there is no UID; the Message-ID check covers reruns.
                done.insert(p.skey.clone(), uid.map_or(0, |u| u.uid));
                obs.saved(mailbox, p.data.len() as u64);
            }
            Err(e) => report.failed.push(RestoreFailed {
                source: p.origin.clone(),
                reason: e.to_string(),
            }),
        }
    }
    Ok(())
}

/// Records the uploads so far (write, fsync, rename); a map that cannot be written (a
/// read-only source) is not an error: the Message-ID check still prevents duplicates.
fn save_map(path: &Path, map: &mut RestoreMap, key: &str, up: &Uploader) {
    let t = map.targets.entry(key.to_string()).or_default();
    t.uid_validity = up.uid_validity;
    t.done = up.done.clone();
    if let Ok(bytes) = serde_json::to_vec(map) {
        let _ = maildir::write_atomic(path, &bytes);
    }
}

fn mailbox_exists<S: Stream>(client: &mut Client<S>, mailbox: &str) -> Result<bool, Error> {
    Ok(client
        .list("", mailbox)?
        .iter()
        .any(|l| l.mailbox.name() == mailbox && !l.has(&imap4::proto::MailboxAttr::NoSelect)))
}

/// What the selected mailbox holds, by key.
fn holdings<S: Stream>(client: &mut Client<S>) -> Result<HashMap<Key, Vec<u32>>, Error> {
    let all = SequenceSet::parse(b"1:*").expect("static set");
    let section: Section = "HEADER.FIELDS (MESSAGE-ID)"
        .parse()
        .expect("static section");
    let mut out: HashMap<Key, Vec<u32>> = HashMap::new();
    let mut no_id = Vec::new();
    // One response at a time: a big mailbox's listing is never all in memory.
    for f in client.uid_fetch(
        &all,
        [
            FetchAttr::Uid,
            FetchAttr::Rfc822Size,
            FetchAttr::body_peek(section),
        ],
    )? {
        let f = f?;
        let (Some(uid), Some(size)) = (f.uid(), f.size()) else {
            continue;
        };
        let id = f
            .items
            .iter()
            .find_map(|i| match i {
                imap4::proto::FetchItem::BodySection {
                    data: imap4::proto::SectionData::Bytes(b),
                    ..
                } => imap4::mime::Headers::parse(b)
                    .get("Message-ID")
                    .map(|v| String::from_utf8_lossy(v).trim().to_string()),
                _ => None,
            })
            .filter(|s| !s.is_empty());
        match id {
            Some(id) => out.entry((id, size)).or_default().push(uid),
            None => no_id.push((uid, size)),
        }
    }
    if !no_id.is_empty() {
        let set: SequenceSet = no_id.iter().map(|(u, _)| *u).collect();
        let sizes: HashMap<u32, u64> = no_id.into_iter().collect();
        for f in client.uid_fetch(
            &set,
            [FetchAttr::Uid, FetchAttr::body_peek(Section::header())],
        )? {
            let f = f?;
            if let (Some(uid), Some(h)) = (f.uid(), f.header().or_else(|| f.body())) {
                if let Some(size) = sizes.get(&uid) {
                    out.entry((crate::backup::header_digest(h), *size))
                        .or_default()
                        .push(uid);
                }
            }
        }
    }
    Ok(out)
}

fn append_limit<S: Stream>(client: &mut Client<S>, mailbox: &str) -> Result<Option<u64>, Error> {
    for c in client.capabilities()? {
        if let Some(v) = c.as_str().strip_prefix("APPENDLIMIT=") {
            if let Ok(n) = v.parse() {
                return Ok(Some(n));
            }
        }
    }
    if client.has_capability("APPENDLIMIT")? {
        if let Ok(st) = client.status(mailbox, [StatusAttr::AppendLimit]) {
            return Ok(st.append_limit.flatten());
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_by_message_id_or_digest() {
        let a = key_of(b"Message-ID: <x@y>\r\nSubject: a\r\n\r\nbody\r\n");
        assert_eq!(a.0, "<x@y>");
        let b = key_of(b"Subject: a\r\n\r\nbody\r\n");
        assert!(b.0.starts_with("digest:"));
        assert_eq!(b.1, 20);
    }

    #[test]
    fn source_keys_ignore_flags() {
        let m = |o: &str| LocalMessage {
            bytes: vec![],
            flags: vec![],
            date: None,
            origin: o.into(),
        };
        assert_eq!(
            source_key(&m("/b/cur/7-9.imap4,S=10:2,FS")),
            source_key(&m("/b/cur/7-9.imap4,S=10:2,"))
        );
        assert_eq!(
            source_key(&m("box.mbox: message 3 (line 9)")),
            "box.mbox: message 3 (line 9)"
        );
    }
}

/// One mailbox's outcome in a tree restore.
#[derive(Debug)]
pub struct RestoreItem {
    /// The mailbox restored into (the destination's name).
    pub mailbox: String,
    /// Its report, or why it failed.
    pub result: Result<RestoreReport, Error>,
}

/// Restores every mailbox of the backup tree `dir` (made by
/// [`backup_tree`](crate::backup::backup_tree)) under its own name, or below `prefix`,
/// with the destination's hierarchy delimiter; `jobs` mailboxes at a time on connections
/// from `connect`.
///
/// ```no_run
/// use imap4_sync::backup::NoObserver;
/// use imap4_sync::restore::{restore_tree, RestoreOptions};
/// let connect = || {
///     let mut c = imap4::blocking::Client::connect(("127.0.0.1", 10143))?;
///     c.login("alice", "alicepw")?;
///     Ok::<_, imap4_sync::backup::ConnectError>(c)
/// };
/// for item in restore_tree(&connect, "backup".as_ref(), Some("Restored"), "alice@127.0.0.1",
///                          &RestoreOptions::default(), 4, &NoObserver)? {
///     println!("{}: {:?}", item.mailbox, item.result.map(|r| r.appended));
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn restore_tree<S, C>(
    connect: &C,
    dir: &Path,
    prefix: Option<&str>,
    destination: &str,
    opts: &RestoreOptions,
    jobs: usize,
    obs: &dyn Observer,
) -> Result<Vec<RestoreItem>, Error>
where
    S: Stream + Send,
    C: Fn() -> Result<Client<S>, crate::backup::ConnectError> + Sync,
{
    let index = crate::backup::TreeIndex::load(dir)?;
    if index.mailboxes.is_empty() {
        return Err(Error::Io {
            path: dir.join(crate::backup::INDEX_FILE),
            source: io::Error::new(
                io::ErrorKind::NotFound,
                "not a backup of several mailboxes (no index, or an empty one)",
            ),
        });
    }
    let mut first = connect().map_err(Error::Connect)?;
    let delim: Option<char> = first
        .list("", "")?
        .first()
        .and_then(|l| l.delimiter)
        .map(char::from);
    let dest_name = |name: &str| -> String {
        let levels: Vec<&str> = match index.delimiter {
            Some(d) => name.split(d).collect(),
            None => vec![name],
        };
        let d = delim.unwrap_or('/').to_string();
        let joined = levels.join(&d);
        match prefix {
            Some(p) if !p.is_empty() => format!("{p}{d}{joined}"),
            _ => joined,
        }
    };
    // Parents before children, so that servers which want them created first are happy.
    let items: Vec<(String, PathBuf)> = index
        .mailboxes
        .iter()
        .map(|(name, rel)| {
            // An mbox tree holds `PATH.mbox` files.
            let p = dir.join(rel);
            let mbox = PathBuf::from(format!("{}.mbox", p.display()));
            let p = if !p.join("cur").is_dir() && mbox.is_file() {
                mbox
            } else {
                p
            };
            (dest_name(name), p)
        })
        .collect();
    let done =
        crate::backup::in_parallel(connect, Some(first), items, jobs, obs, |c, (mb, path)| {
            restore_mailbox(c, path, mb, destination, opts, obs)
        });
    let mut out: Vec<RestoreItem> = done
        .into_iter()
        .map(|((mailbox, _), result)| RestoreItem { mailbox, result })
        .collect();
    out.sort_by(|a, b| a.mailbox.cmp(&b.mailbox));
    Ok(out)
}
