//! Moving mail from one account to another, on the same or another server: every
//! mailbox (or a selection), names mapped between hierarchy delimiters and namespaces,
//! special-use roles kept, flags, keywords and dates kept, incremental on rerun.
//!
//! # What a run does
//! 1. [`plan`]: lists both sides (LIST with special-use, NAMESPACE) and maps each source
//!    mailbox to a destination name: the source's personal prefix (Cyrus `INBOX.`) comes
//!    off, the levels are joined with the destination's delimiter under its personal
//!    prefix, a mailbox with a special-use role (`\Sent`, `\Trash`, ...) goes to the
//!    destination's mailbox with that role whatever it is called, `--map` rules win over
//!    all of that, and `--exclude` globs leave mailboxes out.
//! 2. [`migrate_mailbox`], for each: the destination mailbox is created if missing; the
//!    source's messages not yet copied are fetched in batches on one connection while the
//!    previous batch is uploaded on the other (MULTIAPPEND or pipelined APPEND); the state
//!    maps source UIDs to destination UIDs (APPENDUID where the destination has UIDPLUS),
//!    so a rerun copies only what is new, and a message copied by a run that crashed
//!    before saving its state is recognised by Message-ID and size. Flags changed at the
//!    source since are set on the destination.
//!
//! ```no_run
//! use imap4_sync::backup::NoObserver;
//! use imap4_sync::migrate::{migrate_mailbox, plan, MigrateOptions, MailboxMap};
//!
//! let login = |user: &str, pass: &str| -> Result<imap4::blocking::Client, imap4::Error> {
//!     let mut c = imap4::blocking::Client::connect(("127.0.0.1", 10143))?;
//!     c.login(user, pass)?;
//!     Ok(c)
//! };
//! let (mut src, mut dst) = (login("alice", "alicepw")?, login("bob", "bobpw")?);
//! let opts = MigrateOptions::default();
//! for p in plan(&mut src, &mut dst, &opts)? {
//!     let mut state = MailboxMap::default();
//!     let r = migrate_mailbox(&mut src, &mut dst, &p, &mut state, &opts, &NoObserver, &mut |_| {})?;
//!     println!("{} -> {}: {} copied", p.source, p.dest, r.copied);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{mpsc, Mutex};

use imap4::blocking::{Client, Stream};
use imap4::proto::encode::{FetchAttr, StoreMode};
use imap4::proto::{Flag, MailboxAttr, Section, SequenceSet};
use serde::{Deserialize, Serialize};

use crate::backup::{ConnectError, Error, Observer};
use crate::restore::{Item, RestoreFailed, RestoreOptions, Uploader};

/// How a migration behaves.
#[derive(Debug, Clone)]
pub struct MigrateOptions {
    /// `(source, destination)` names that override the computed mapping.
    pub map: Vec<(String, String)>,
    /// Source mailboxes to leave out (globs: `*` any text, `?` one character).
    pub exclude: Vec<String>,
    /// Only these source mailboxes (globs); empty means all.
    pub include: Vec<String>,
    /// Plan and count, change nothing.
    pub dry_run: bool,
    /// Batches: 100 messages or 4 MiB by default (two are in memory at a time).
    pub upload: RestoreOptions,
}

impl Default for MigrateOptions {
    fn default() -> MigrateOptions {
        MigrateOptions {
            map: Vec::new(),
            exclude: Vec::new(),
            include: Vec::new(),
            dry_run: false,
            upload: RestoreOptions {
                batch_bytes: 4 << 20,
                ..RestoreOptions::default()
            },
        }
    }
}

/// Where one source mailbox goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailboxPlan {
    /// The source's name.
    pub source: String,
    /// The destination's name.
    pub dest: String,
    /// The special-use role that decided the destination (`\Sent`), if one did.
    pub role: Option<String>,
    /// Why the name is what it is, when it is not the plain mapping.
    pub note: Option<String>,
}

/// What migrating one mailbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MigrateReport {
    /// The source mailbox.
    pub source: String,
    /// The destination mailbox.
    pub dest: String,
    /// Messages copied.
    pub copied: u64,
    /// Bytes copied.
    pub bytes: u64,
    /// Messages already at the destination.
    pub skipped: u64,
    /// Messages whose flags were updated at the destination.
    pub flags_updated: u64,
    /// Messages not copied, with the reason (the next run tries again).
    pub failed: Vec<RestoreFailed>,
    /// Keywords the destination refused (dropped from the messages).
    pub keywords_dropped: Vec<String>,
    /// The destination mailbox was created.
    pub created: bool,
    /// The source's UIDVALIDITY changed since the last run (its messages were matched by
    /// Message-ID and size).
    pub source_uid_validity_changed: bool,
    /// Stopped early.
    pub interrupted: bool,
}

/// The state of one mailbox pair: which source UIDs are at which destination UIDs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxMap {
    /// The destination mailbox.
    pub dest: String,
    /// The source's UIDVALIDITY the keys belong to.
    pub source_uid_validity: Option<u32>,
    /// The destination's UIDVALIDITY the values belong to.
    pub dest_uid_validity: Option<u32>,
    /// Source UID (as text) → destination UID (0 when the destination gave none).
    pub done: BTreeMap<String, u32>,
}

/// The state of a migration (one file per pair of accounts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrateState {
    /// Format version.
    pub version: u32,
    /// By source mailbox.
    pub mailboxes: BTreeMap<String, MailboxMap>,
}

impl MigrateState {
    /// Reads the state at `path` (empty when there is none).
    pub fn load(path: &Path) -> Result<MigrateState, Error> {
        match std::fs::read(path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(MigrateState {
                version: 1,
                ..MigrateState::default()
            }),
            Err(source) => Err(Error::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Replaces the state at `path` (write, fsync, rename).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let bytes = serde_json::to_vec(self).expect("plain data");
        crate::maildir::write_atomic(path, &bytes).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// `*` and `?` globs.
pub fn glob(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

/// The side of a migration as [`plan`] sees it.
struct Side {
    boxes: Vec<imap4::proto::ListData>,
    delim: Option<char>,
    prefix: String,
}

fn side<S: Stream>(c: &mut Client<S>) -> Result<Side, Error> {
    let boxes = c.list("", "*")?;
    let mut delim = boxes.iter().find_map(|l| l.delimiter).map(char::from);
    let mut prefix = String::new();
    if c.has_capability("NAMESPACE")? {
        let ns = c.namespace()?;
        if let Some(p) = ns.personal.first() {
            prefix = String::from_utf8_lossy(&p.prefix).into_owned();
            if let Some(d) = p.delimiter {
                delim = Some(char::from(d));
            }
        }
    }
    Ok(Side {
        boxes,
        delim,
        prefix,
    })
}

fn role_name(a: &MailboxAttr) -> String {
    a.as_str().to_string()
}

/// Maps the source's mailboxes to destination names (see the [module
/// documentation](self)). The plan is sorted so that parents come before children.
pub fn plan<S: Stream, T: Stream>(
    src: &mut Client<S>,
    dst: &mut Client<T>,
    opts: &MigrateOptions,
) -> Result<Vec<MailboxPlan>, Error> {
    let s = side(src)?;
    let d = side(dst)?;
    let dd = d.delim.unwrap_or('/');
    let mut roles: HashMap<String, String> = HashMap::new();
    for l in &d.boxes {
        if let Some(a) = l.special_use() {
            roles
                .entry(role_name(a).to_ascii_lowercase())
                .or_insert_with(|| l.mailbox.name().to_string());
        }
    }
    let mut out = Vec::new();
    for l in &s.boxes {
        if l.has(&MailboxAttr::NoSelect) || l.has(&MailboxAttr::NonExistent) {
            continue;
        }
        let name = l.mailbox.name().to_string();
        if opts.exclude.iter().any(|g| glob(g, &name)) {
            continue;
        }
        if !opts.include.is_empty() && !opts.include.iter().any(|g| glob(g, &name)) {
            continue;
        }
        let mut note = None;
        let mut role = None;
        let dest = if let Some((_, b)) = opts.map.iter().find(|(a, _)| *a == name) {
            note = Some("--map".to_string());
            b.clone()
        } else if name.eq_ignore_ascii_case("INBOX") {
            "INBOX".to_string()
        } else if let Some(r) = l.special_use().and_then(|a| {
            roles
                .get(&role_name(a).to_ascii_lowercase())
                .map(|n| (a, n))
        }) {
            role = Some(role_name(r.0));
            r.1.clone()
        } else {
            let rest = if !s.prefix.is_empty() && name.starts_with(&s.prefix) {
                &name[s.prefix.len()..]
            } else {
                name.as_str()
            };
            let levels: Vec<String> = match s.delim {
                Some(sd) => rest.split(sd).map(str::to_string).collect(),
                None => vec![rest.to_string()],
            };
            let fixed: Vec<String> = levels
                .iter()
                .map(|lv| lv.replace(dd, if dd == '_' { "-" } else { "_" }))
                .collect();
            if fixed != levels {
                note = Some(format!(
                    "the destination's delimiter {dd:?} inside a name was replaced"
                ));
            }
            format!("{}{}", d.prefix, fixed.join(&dd.to_string()))
        };
        if let Some(a) = l.special_use() {
            if role.is_none() && note.is_none() {
                role = Some(role_name(a));
            }
        }
        out.push(MailboxPlan {
            source: name,
            dest,
            role,
            note,
        });
    }
    out.sort_by(|a, b| a.dest.cmp(&b.dest));
    Ok(out)
}

/// Copies one mailbox (see the [module documentation](self)); `state` is updated, and
/// `save` is called with it after each batch (write it somewhere durable).
pub fn migrate_mailbox<S: Stream + Send, T: Stream>(
    src: &mut Client<S>,
    dst: &mut Client<T>,
    plan: &MailboxPlan,
    state: &mut MailboxMap,
    opts: &MigrateOptions,
    obs: &dyn Observer,
    save: &mut dyn FnMut(&MailboxMap),
) -> Result<MigrateReport, Error> {
    let mut report = MigrateReport {
        source: plan.source.clone(),
        dest: plan.dest.clone(),
        ..MigrateReport::default()
    };
    let st = src.examine(&plan.source)?;
    if state.source_uid_validity.is_some() && state.source_uid_validity != st.uid_validity {
        report.source_uid_validity_changed = true;
        state.done.clear();
    }
    if state.dest != plan.dest {
        state.done.clear();
        state.dest = plan.dest.clone();
    }
    state.source_uid_validity = st.uid_validity;
    let mut up = Uploader::open(
        dst,
        &plan.dest,
        Some((state.dest_uid_validity, std::mem::take(&mut state.done))),
        &RestoreOptions {
            dry_run: opts.dry_run,
            ..opts.upload.clone()
        },
    )?;
    report.created = up.report.created;
    state.dest_uid_validity = up.uid_validity;

    // The source's messages and flags.
    let mut sizes: HashMap<u32, u64> = HashMap::new();
    let listing: Vec<(u32, Vec<Flag>)> = if st.exists == 0 {
        Vec::new()
    } else {
        src.uid_fetch(
            &SequenceSet::parse(b"1:*").expect("static"),
            [FetchAttr::Uid, FetchAttr::Flags, FetchAttr::Rfc822Size],
        )?
        .collect_all()?
        .into_iter()
        .filter_map(|f| {
            sizes.insert(f.uid()?, f.size().unwrap_or(0));
            Some((
                f.uid()?,
                f.flags().map(<[Flag]>::to_vec).unwrap_or_default(),
            ))
        })
        .collect()
    };
    let todo: Vec<u32> = listing
        .iter()
        .map(|(u, _)| *u)
        .filter(|u| !up.has(&u.to_string()))
        .collect();
    obs.start(&plan.source, todo.len() as u64);

    // Download the next batch while the previous one is uploaded; a batch is at most
    // `batch_messages` messages and `batch_bytes` bytes (or one bigger message), so that
    // memory holds about two batches.
    let batch_n = opts.upload.batch_messages.max(1);
    let mut chunks: Vec<Vec<u32>> = Vec::new();
    let mut bytes = 0u64;
    for u in &todo {
        let n = sizes.get(u).copied().unwrap_or(0);
        let full = chunks
            .last()
            .is_none_or(|c| c.len() >= batch_n || bytes + n > opts.upload.batch_bytes as u64);
        if full {
            chunks.push(Vec::new());
            bytes = 0;
        }
        bytes += n;
        chunks.last_mut().expect("pushed").push(*u);
    }
    let (tx, rx) = mpsc::sync_channel::<Result<Vec<Item>, Error>>(1);
    let source_name = plan.source.clone();
    let result = std::thread::scope(|scope| -> Result<(), Error> {
        let chunks = &chunks;
        scope.spawn(move || {
            for chunk in chunks {
                if obs.cancelled() {
                    break;
                }
                let set: SequenceSet = chunk.iter().copied().collect();
                let attrs = [
                    FetchAttr::Uid,
                    FetchAttr::Flags,
                    FetchAttr::InternalDate,
                    FetchAttr::body_peek(Section::default()),
                ];
                let got = src.uid_fetch(&set, attrs).and_then(|s| s.collect_all());
                let items = got.map_err(Error::from).map(|msgs| {
                    msgs.into_iter()
                        .filter_map(|m| {
                            let uid = m.uid()?;
                            let data = m.body()?.clone();
                            Some(Item {
                                key: uid.to_string(),
                                origin: format!("{source_name} UID {uid}"),
                                data: imap4::proto::encode::normalize_line_endings(&data),
                                flags: m.flags().map(<[Flag]>::to_vec).unwrap_or_default(),
                                date: m.internal_date().copied(),
                            })
                        })
                        .collect()
                });
                let stop = items.is_err();
                if tx.send(items).is_err() || stop {
                    break;
                }
            }
        });
        for batch in rx {
            if obs.cancelled() {
                report.interrupted = true;
                break;
            }
            for item in batch? {
                if up.push(dst, item, obs)? {
                    state.done = up.done.clone();
                    state.dest_uid_validity = up.uid_validity;
                    save(state);
                }
            }
        }
        Ok(())
    });
    let flushed = if report.interrupted {
        Ok(())
    } else {
        up.flush(dst, obs)
    };
    state.done = up.done.clone();
    state.dest_uid_validity = up.uid_validity;
    save(state);
    result?;
    flushed?;
    if obs.cancelled() {
        report.interrupted = true;
    }
    let fetched: std::collections::HashSet<String> = up.done.keys().cloned().collect();
    for u in &todo {
        if !fetched.contains(&u.to_string())
            && !up
                .report
                .failed
                .iter()
                .any(|f| f.source.ends_with(&format!(" UID {u}")))
            && !report.interrupted
            && !opts.dry_run
        {
            up.report.failed.push(RestoreFailed {
                source: format!("{} UID {u}", plan.source),
                reason: "the source sent no body for it".into(),
            });
        }
    }

    // Flags changed at the source since the copy.
    if !opts.dry_run && !report.interrupted {
        report.flags_updated = sync_flags(dst, &plan.dest, &listing, &up.done)?;
    }
    report.copied = up.report.appended;
    report.bytes = up.report.bytes;
    report.skipped = up.report.skipped;
    report.failed = up.report.failed;
    report.keywords_dropped = up.report.keywords_dropped;
    obs.done(&plan.source);
    Ok(report)
}

/// Sets the source's flags on the destination's copies that differ.
fn sync_flags<T: Stream>(
    dst: &mut Client<T>,
    mailbox: &str,
    listing: &[(u32, Vec<Flag>)],
    done: &BTreeMap<String, u32>,
) -> Result<u64, Error> {
    let want: HashMap<u32, Vec<Flag>> = listing
        .iter()
        .filter_map(|(u, f)| {
            done.get(&u.to_string())
                .filter(|d| **d > 0)
                .map(|d| (*d, f.clone()))
        })
        .collect();
    if want.is_empty() {
        return Ok(0);
    }
    let st = dst.select(mailbox)?;
    if st.exists == 0 {
        return Ok(0);
    }
    let may_create = st
        .permanent_flags
        .iter()
        .any(|f| matches!(f, Flag::MayCreate));
    let now: HashMap<u32, Vec<String>> = dst
        .uid_fetch(
            &SequenceSet::parse(b"1:*").expect("static"),
            [FetchAttr::Uid, FetchAttr::Flags],
        )?
        .collect_all()?
        .into_iter()
        .filter_map(|f| {
            Some((
                f.uid()?,
                crate::backup::flag_strings(f.flags().unwrap_or(&[])),
            ))
        })
        .collect();
    let mut changes = Vec::new();
    for (uid, flags) in &want {
        let mut flags: Vec<Flag> = flags
            .iter()
            .filter(|f| !matches!(f, Flag::Recent | Flag::MayCreate))
            .cloned()
            .collect();
        if !may_create {
            flags.retain(|f| !matches!(f, Flag::Keyword(_)) || st.permanent_flags.contains(f));
        }
        if let Some(cur) = now.get(uid) {
            if *cur != crate::backup::flag_strings(&flags) {
                changes.push((
                    SequenceSet::single(*uid).expect("uid > 0"),
                    StoreMode::Replace,
                    flags,
                ));
            }
        }
    }
    let n = changes.len() as u64;
    if n > 0 {
        for r in dst.uid_store_many(changes)? {
            r?;
        }
    }
    let _ = dst.unselect();
    Ok(n)
}

/// One mailbox's outcome in [`migrate`].
#[derive(Debug)]
pub struct MigrateItem {
    /// Where it went.
    pub plan: MailboxPlan,
    /// What happened.
    pub result: Result<MigrateReport, Error>,
}

/// Migrates every planned mailbox, `jobs` at a time, each worker with a connection to
/// each side; the state at `state_path` is loaded first and saved after every batch.
/// With `opts.dry_run`, nothing is created, copied or saved.
pub fn migrate<S, T, CS, CT>(
    connect_src: &CS,
    connect_dst: &CT,
    state_path: &Path,
    opts: &MigrateOptions,
    jobs: usize,
    obs: &dyn Observer,
) -> Result<(Vec<MailboxPlan>, Vec<MigrateItem>), Error>
where
    S: Stream + Send,
    T: Stream + Send,
    CS: Fn() -> Result<Client<S>, ConnectError> + Sync,
    CT: Fn() -> Result<Client<T>, ConnectError> + Sync,
{
    let mut src = connect_src().map_err(Error::Connect)?;
    let mut dst = connect_dst().map_err(Error::Connect)?;
    let plans = plan(&mut src, &mut dst, opts)?;
    let state = Mutex::new(MigrateState::load(state_path)?);
    let connect =
        || -> Result<(Client<S>, Client<T>), ConnectError> { Ok((connect_src()?, connect_dst()?)) };
    let done = crate::backup::in_parallel(
        &connect,
        Some((src, dst)),
        plans.clone(),
        jobs,
        obs,
        |pair: &mut (Client<S>, Client<T>), p: &MailboxPlan| {
            let (s, d) = (&mut pair.0, &mut pair.1);
            let mut mine = state
                .lock()
                .map(|st| st.mailboxes.get(&p.source).cloned().unwrap_or_default())
                .unwrap_or_default();
            let mut save = |m: &MailboxMap| {
                if opts.dry_run {
                    return;
                }
                if let Ok(mut st) = state.lock() {
                    st.version = 1;
                    st.mailboxes.insert(p.source.clone(), m.clone());
                    let _ = st.save(state_path);
                }
            };
            migrate_mailbox(s, d, p, &mut mine, opts, obs, &mut save)
        },
    );
    let mut items: Vec<MigrateItem> = done
        .into_iter()
        .map(|(plan, result)| MigrateItem { plan, result })
        .collect();
    items.sort_by(|a, b| a.plan.dest.cmp(&b.plan.dest));
    Ok((plans, items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("*", ""));
        assert!(glob("Lists/*", "Lists/rust"));
        assert!(!glob("Lists/*", "Archive"));
        assert!(glob("?rchive", "Archive"));
        assert!(glob("*Spam*", "INBOX.Spam.old"));
        assert!(!glob("a?", "a"));
    }
}
