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
use std::io::Write;
use std::path::Path;
use std::sync::{mpsc, Mutex};

use imap4::blocking::{Client, Stream};
use imap4::proto::encode::{FetchAttr, StoreMode};
use imap4::proto::{Flag, MailboxAttr, Section, SequenceSet};
use serde::{Deserialize, Serialize};

use crate::backup::{ConnectError, Error, Observer};
use crate::restore::{Item, RestoreFailed, RestoreOptions, Spooled, Uploader};

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
    /// Batches: 100 messages or 2 MiB by default (about three are in memory at a time).
    pub upload: RestoreOptions,
    /// Messages bigger than this (1 MiB by default) are not held in memory: each is
    /// spooled to a file in [`spool`](Self::spool) and appended from there in pieces.
    pub stream_over: u64,
    /// Where big messages wait between download and upload (the system's temporary
    /// directory by default). The files are unlinked as soon as they are created, so a
    /// killed run leaves nothing behind.
    pub spool: Option<std::path::PathBuf>,
    /// When the source is Gmail (it offers `X-GM-EXT-1` and has a `\All` mailbox, and
    /// that mailbox is selected): copy `[Gmail]/All Mail` once and file each message in
    /// the destination folders of its labels (`X-GM-LABELS`), instead of copying every
    /// label's folder, which holds another copy of the same messages. On by default.
    pub gmail_labels: bool,
}

impl Default for MigrateOptions {
    fn default() -> MigrateOptions {
        MigrateOptions {
            map: Vec::new(),
            exclude: Vec::new(),
            include: Vec::new(),
            dry_run: false,
            upload: RestoreOptions {
                batch_bytes: 2 << 20,
                ..RestoreOptions::default()
            },
            stream_over: 1 << 20,
            spool: None,
            gmail_labels: true,
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
    /// For Gmail's `[Gmail]/All Mail` (see [`MigrateOptions::gmail_labels`]): where the
    /// messages with each label go; a message with none of them goes to `dest`. Such a
    /// plan is run by [`migrate_labels`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<LabelRoute>,
}

/// Where Gmail's messages with one label go (see [`MailboxPlan::labels`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelRoute {
    /// The label as `X-GM-LABELS` names it (`\Inbox`, `\Sent`, `Work/2024`).
    pub label: String,
    /// The source folder that shows the label.
    pub folder: String,
    /// The destination mailbox.
    pub dest: String,
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
    /// For a plan with [labels](MailboxPlan::labels): what went to each destination
    /// mailbox (the totals above are their sums).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_folder: Vec<MigrateReport>,
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
    /// Plans with [labels](MailboxPlan::labels): by source mailbox, then by destination.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, BTreeMap<String, MailboxMap>>,
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
    // Gmail's All Mail goes where the destination keeps everything, else its archive.
    if let Some(n) = roles.get("\\archive").cloned() {
        roles.entry("\\all".into()).or_insert(n);
    }
    let mut picked = Vec::new();
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
        picked.push((
            l,
            MailboxPlan {
                source: name,
                dest,
                role,
                note,
                labels: Vec::new(),
            },
        ));
    }
    let gmail = opts.gmail_labels
        && src.has_capability("X-GM-EXT-1")?
        && picked.iter().any(|(l, _)| l.has(&MailboxAttr::All));
    let mut out: Vec<MailboxPlan> = if gmail {
        gmail_plan(picked)
    } else {
        picked.into_iter().map(|(_, p)| p).collect()
    };
    out.sort_by(|a, b| a.dest.cmp(&b.dest));
    Ok(out)
}

/// Gmail's folders are views of labels: `[Gmail]/All Mail` holds every message once
/// (except Spam and Trash), and a message is in each label's folder too. One plan copies
/// All Mail with a route per label folder; Spam and Trash are copied as they are;
/// Starred is the `\Flagged` flag and Important Gmail's own guess, so neither becomes a
/// folder.
fn gmail_plan(picked: Vec<(&imap4::proto::ListData, MailboxPlan)>) -> Vec<MailboxPlan> {
    let mut all = None;
    let mut out = Vec::new();
    let mut routes = Vec::new();
    for (l, p) in picked {
        if l.has(&MailboxAttr::All) {
            all = Some(p);
        } else if l.has(&MailboxAttr::Trash) || l.has(&MailboxAttr::Junk) {
            out.push(p);
        } else if l.has(&MailboxAttr::Flagged) || l.has(&MailboxAttr::Important) {
            continue;
        } else {
            let label = if p.source.eq_ignore_ascii_case("INBOX") {
                "\\Inbox".to_string()
            } else if l.has(&MailboxAttr::Sent) {
                "\\Sent".to_string()
            } else if l.has(&MailboxAttr::Drafts) {
                "\\Draft".to_string()
            } else {
                p.source.clone()
            };
            routes.push(LabelRoute {
                label,
                folder: p.source,
                dest: p.dest,
            });
        }
    }
    let mut all = all.expect("checked by the caller");
    all.note = Some(format!(
        "Gmail: copied once, each message filed in the folders of its labels ({} label folders); \
         messages without one go here",
        routes.len()
    ));
    routes.sort_by(|a, b| a.dest.cmp(&b.dest));
    all.labels = routes;
    out.push(all);
    out
}

/// Copies one mailbox (see the [module documentation](self)); `state` is updated, and
/// `save` is called with it after each batch (write it somewhere durable). A plan with
/// [labels](MailboxPlan::labels) is copied here as a plain mailbox into `plan.dest`;
/// [`migrate_labels`] files its messages by label instead.
pub fn migrate_mailbox<S: Stream + Send, T: Stream>(
    src: &mut Client<S>,
    dst: &mut Client<T>,
    plan: &MailboxPlan,
    state: &mut MailboxMap,
    opts: &MigrateOptions,
    obs: &dyn Observer,
    save: &mut dyn FnMut(&MailboxMap),
) -> Result<MigrateReport, Error> {
    let mut maps = [std::mem::take(state)];
    let r = copy(
        src,
        dst,
        &plan.source,
        std::slice::from_ref(&plan.dest),
        None,
        &mut maps,
        opts,
        obs,
        &mut |m: &[MailboxMap]| save(&m[0]),
    );
    let [m] = maps;
    *state = m;
    r.map(|mut v| v.swap_remove(0))
}

/// Copies Gmail's All Mail once (a plan from [`plan`] with [labels](MailboxPlan::labels)),
/// each message to the destination mailboxes of its labels (`X-GM-LABELS`), to
/// `plan.dest` when it has none of them. `state` holds a [`MailboxMap`] per destination
/// mailbox; `save` is called with it after each batch. A label added at the source since
/// the last run adds the message to that label's mailbox; a label removed leaves the copy
/// where it is.
///
/// ```no_run
/// use imap4_sync::backup::NoObserver;
/// use imap4_sync::migrate::{migrate_labels, migrate_mailbox, plan, MigrateOptions};
///
/// let login = |host: &str, user: &str, pass: &str| -> Result<imap4::blocking::Client, imap4::Error> {
///     let tls = imap4::transport::TlsConfig::new();
///     let mut c = imap4::blocking::Client::connect_tls(host, 993, &tls)?;
///     c.login(user, pass)?;
///     Ok(c)
/// };
/// let mut gmail = login("imap.gmail.com", "me@gmail.com", "app-password")?;
/// let mut new = login("imap.example.com", "me@example.com", "secret")?;
/// let opts = MigrateOptions::default();
/// for p in plan(&mut gmail, &mut new, &opts)? {
///     let r = if p.labels.is_empty() {
///         let mut state = Default::default();
///         migrate_mailbox(&mut gmail, &mut new, &p, &mut state, &opts, &NoObserver, &mut |_| {})?
///     } else {
///         let mut state = Default::default();
///         migrate_labels(&mut gmail, &mut new, &p, &mut state, &opts, &NoObserver, &mut |_| {})?
///     };
///     for f in &r.by_folder {
///         println!("{} -> {}: {} copied", f.source, f.dest, f.copied);
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn migrate_labels<S: Stream + Send, T: Stream>(
    src: &mut Client<S>,
    dst: &mut Client<T>,
    plan: &MailboxPlan,
    state: &mut BTreeMap<String, MailboxMap>,
    opts: &MigrateOptions,
    obs: &dyn Observer,
    save: &mut dyn FnMut(&BTreeMap<String, MailboxMap>),
) -> Result<MigrateReport, Error> {
    // Destination 0 takes what no routed label claims; labels sharing a destination
    // share its index.
    let mut dests = vec![plan.dest.clone()];
    let mut by_label: HashMap<String, usize> = HashMap::new();
    for r in &plan.labels {
        let i = dests.iter().position(|d| *d == r.dest).unwrap_or_else(|| {
            dests.push(r.dest.clone());
            dests.len() - 1
        });
        by_label.insert(label_key(&r.label), i);
    }
    let router = |labels: &[imap4::proto::Bytes]| -> Vec<usize> {
        let mut to: Vec<usize> = labels
            .iter()
            .filter_map(|l| by_label.get(&label_key(&String::from_utf8_lossy(l))))
            .copied()
            .collect();
        to.sort_unstable();
        to.dedup();
        if to.is_empty() {
            to.push(0);
        }
        to
    };
    let mut maps: Vec<MailboxMap> = dests
        .iter()
        .map(|d| state.remove(d).unwrap_or_default())
        .collect();
    let r = copy(
        src,
        dst,
        &plan.source,
        &dests,
        Some(&router),
        &mut maps,
        opts,
        obs,
        &mut |m: &[MailboxMap]| {
            let all: BTreeMap<String, MailboxMap> =
                dests.iter().cloned().zip(m.iter().cloned()).collect();
            save(&all)
        },
    );
    state.extend(dests.iter().cloned().zip(maps));
    let by_folder = r?;
    let mut total = MigrateReport {
        source: plan.source.clone(),
        dest: plan.dest.clone(),
        ..MigrateReport::default()
    };
    for f in &by_folder {
        total.copied += f.copied;
        total.bytes += f.bytes;
        total.skipped += f.skipped;
        total.flags_updated += f.flags_updated;
        total.failed.extend(f.failed.iter().cloned());
        for k in &f.keywords_dropped {
            if !total.keywords_dropped.contains(k) {
                total.keywords_dropped.push(k.clone());
            }
        }
        total.created |= f.dest == plan.dest && f.created;
        total.source_uid_validity_changed |= f.source_uid_validity_changed;
        total.interrupted |= f.interrupted;
    }
    total.by_folder = by_folder;
    Ok(total)
}

/// Gmail's system labels are matched without regard to case (`\Inbox`, `\\INBOX`).
fn label_key(label: &str) -> String {
    if label.starts_with('\\') {
        label.to_ascii_lowercase()
    } else {
        label.to_string()
    }
}

/// The labels of a FETCH response (`X-GM-LABELS`).
fn labels_of(f: &imap4::proto::Fetch) -> &[imap4::proto::Bytes] {
    f.items
        .iter()
        .find_map(|i| match i {
            imap4::proto::FetchItem::GmLabels(l) => Some(l.as_slice()),
            _ => None,
        })
        .unwrap_or(&[])
}

/// Progress counted under the source mailbox's name (uploads report the destination's).
struct AsSource<'a> {
    obs: &'a dyn Observer,
    name: &'a str,
}

impl Observer for AsSource<'_> {
    fn start(&self, _: &str, messages: u64) {
        self.obs.start(self.name, messages)
    }
    fn saved(&self, _: &str, bytes: u64) {
        self.obs.saved(self.name, bytes)
    }
    fn done(&self, _: &str) {
        self.obs.done(self.name)
    }
    fn cancelled(&self) -> bool {
        self.obs.cancelled()
    }
}

/// Which destinations (indexes into `dests`) a message with these labels goes to.
type Router<'a> = &'a (dyn Fn(&[imap4::proto::Bytes]) -> Vec<usize> + Sync);

/// The copy behind [`migrate_mailbox`] (one destination) and [`migrate_labels`] (several,
/// chosen per message by `router`): one report per destination, `maps[i]` is the state of
/// `dests[i]` and stays current whatever happens.
#[allow(clippy::too_many_arguments)]
fn copy<S: Stream + Send, T: Stream>(
    src: &mut Client<S>,
    dst: &mut Client<T>,
    source: &str,
    dests: &[String],
    router: Option<Router<'_>>,
    maps: &mut [MailboxMap],
    opts: &MigrateOptions,
    obs: &dyn Observer,
    save: &mut dyn FnMut(&[MailboxMap]),
) -> Result<Vec<MigrateReport>, Error> {
    let obs = &AsSource { obs, name: source };
    let mut reports: Vec<MigrateReport> = dests
        .iter()
        .map(|d| MigrateReport {
            source: source.to_string(),
            dest: d.clone(),
            ..MigrateReport::default()
        })
        .collect();
    let st = src.examine(source)?;
    let mut ups: Vec<Uploader> = Vec::with_capacity(dests.len());
    for (i, dest) in dests.iter().enumerate() {
        let map = &mut maps[i];
        if map.source_uid_validity.is_some() && map.source_uid_validity != st.uid_validity {
            reports[i].source_uid_validity_changed = true;
            map.done.clear();
        }
        if map.dest != *dest {
            map.done.clear();
            map.dest = dest.clone();
        }
        map.source_uid_validity = st.uid_validity;
        let prior = std::mem::take(&mut map.done);
        let opened = Uploader::open(
            dst,
            dest,
            Some((map.dest_uid_validity, prior.clone())),
            &RestoreOptions {
                dry_run: opts.dry_run,
                ..opts.upload.clone()
            },
        );
        match opened {
            Ok(up) => {
                reports[i].created = up.report.created;
                map.dest_uid_validity = up.uid_validity;
                map.done = up.done.clone();
                ups.push(up);
            }
            Err(e) => {
                map.done = prior;
                return Err(e);
            }
        }
    }
    let keep = |ups: &[Uploader], maps: &mut [MailboxMap]| {
        for (m, up) in maps.iter_mut().zip(ups) {
            m.done = up.done.clone();
            m.dest_uid_validity = up.uid_validity;
        }
    };

    // The source's messages, flags and (Gmail) where each goes. Streamed (one response
    // at a time): a listing of every message collected first would be most of the
    // memory of a big mailbox's migration.
    let mut sizes: HashMap<u32, u64> = HashMap::new();
    let mut listing: Vec<(u32, Vec<Flag>)> = Vec::new();
    let mut routes: HashMap<u32, Vec<usize>> = HashMap::new();
    if st.exists > 0 {
        let mut attrs = vec![FetchAttr::Uid, FetchAttr::Flags, FetchAttr::Rfc822Size];
        if router.is_some() {
            attrs.push(FetchAttr::GmLabels);
        }
        for f in src.uid_fetch(&SequenceSet::parse(b"1:*").expect("static"), attrs)? {
            let f = f?;
            if let Some(uid) = f.uid() {
                sizes.insert(uid, f.size().unwrap_or(0));
                listing.push((uid, f.flags().map(<[Flag]>::to_vec).unwrap_or_default()));
                if let Some(r) = router {
                    routes.insert(uid, r(labels_of(&f)));
                }
            }
        }
    }
    let targets = |uid: u32| -> &[usize] { routes.get(&uid).map_or(&[0], Vec::as_slice) };
    let missing = |ups: &[Uploader], uid: u32| -> Vec<usize> {
        let key = uid.to_string();
        targets(uid)
            .iter()
            .copied()
            .filter(|t| !ups[*t].has(&key))
            .collect()
    };
    let todo: Vec<u32> = listing
        .iter()
        .map(|(u, _)| *u)
        .filter(|u| !missing(&ups, *u).is_empty())
        .collect();
    let uploads: u64 = todo.iter().map(|u| missing(&ups, *u).len() as u64).sum();
    obs.start(source, uploads);

    // Download the next batch while the previous one is uploaded; a batch is at most
    // `batch_messages` messages and `batch_bytes` bytes, so that memory holds about
    // three. A message over `stream_over` is a batch of its own, spooled to a file and
    // sent from there: memory never holds it.
    let batch_n = opts.upload.batch_messages.max(1);
    let mut chunks: Vec<(Vec<u32>, bool)> = Vec::new();
    let mut bytes = 0u64;
    for u in &todo {
        let n = sizes.get(u).copied().unwrap_or(0);
        if n > opts.stream_over {
            chunks.push((vec![*u], true));
            continue;
        }
        let full = chunks.last().is_none_or(|(c, big)| {
            *big || c.len() >= batch_n || bytes + n > opts.upload.batch_bytes as u64
        });
        if full {
            chunks.push((Vec::new(), false));
            bytes = 0;
        }
        bytes += n;
        chunks.last_mut().expect("pushed").0.push(*u);
    }
    let spool_dir = opts.spool.clone().unwrap_or_else(std::env::temp_dir);
    let (tx, rx) = mpsc::sync_channel::<Result<Fetched, Error>>(1);
    let mut interrupted = false;
    let result = std::thread::scope(|scope| -> Result<(), Error> {
        let chunks = &chunks;
        let spool_dir = &spool_dir;
        scope.spawn(move || {
            for (chunk, big) in chunks {
                if obs.cancelled() {
                    break;
                }
                let got = if *big {
                    spool(src, chunk[0], source, spool_dir).map(Fetched::Big)
                } else {
                    fetch_batch(src, chunk, source).map(Fetched::Batch)
                };
                let stop = got.is_err();
                if tx.send(got).is_err() || stop {
                    break;
                }
            }
        });
        for fetched in rx {
            if obs.cancelled() {
                interrupted = true;
                break;
            }
            let mut went = false;
            match fetched? {
                Fetched::Batch(items) => {
                    for item in items {
                        let to = item.key.parse().map_or(vec![0], |u| missing(&ups, u));
                        // A copy for each destination but the last, which takes it.
                        if let Some((last, rest)) = to.split_last() {
                            for t in rest {
                                went |= ups[*t].push(dst, item.clone(), obs)?;
                            }
                            went |= ups[*last].push(dst, item, obs)?;
                        }
                    }
                }
                Fetched::Big(None) => {}
                Fetched::Big(Some(m)) => {
                    let to = m.key.parse().map_or(vec![0], |u| missing(&ups, u));
                    for t in to {
                        let copy = m.try_clone().map_err(|source| Error::Io {
                            path: spool_dir.clone(),
                            source,
                        })?;
                        went |= ups[t].push_spooled(dst, copy, obs)?;
                    }
                }
            }
            if went {
                keep(&ups, maps);
                save(maps);
            }
        }
        Ok(())
    });
    let mut flushed = Ok(());
    if !interrupted {
        for up in &mut ups {
            if flushed.is_ok() {
                flushed = up.flush(dst, obs);
            }
        }
    }
    keep(&ups, maps);
    save(maps);
    result?;
    flushed?;
    interrupted |= obs.cancelled();
    for u in &todo {
        for t in missing(&ups, *u) {
            let up = &mut ups[t];
            if !up
                .report
                .failed
                .iter()
                .any(|f| f.source.ends_with(&format!(" UID {u}")))
                && !interrupted
                && !opts.dry_run
            {
                up.report.failed.push(RestoreFailed {
                    source: format!("{source} UID {u}"),
                    reason: "the source sent no body for it".into(),
                });
            }
        }
    }

    // Flags changed at the source since the copy.
    for (report, up) in reports.iter_mut().zip(ups) {
        if !opts.dry_run && !interrupted {
            report.flags_updated = sync_flags(dst, &up.mailbox, &listing, &up.done)?;
        }
        report.copied = up.report.appended;
        report.bytes = up.report.bytes;
        report.skipped = up.report.skipped;
        report.failed = up.report.failed;
        report.keywords_dropped = up.report.keywords_dropped;
        report.interrupted = interrupted;
    }
    obs.done(source);
    Ok(reports)
}

/// What the download thread hands to the upload side.
enum Fetched {
    /// Messages in memory.
    Batch(Vec<Item>),
    /// One big message in a spool file (`None`: the source sent no body).
    Big(Option<Spooled>),
}

/// One batch of messages, in memory.
fn fetch_batch<S: Stream>(
    src: &mut Client<S>,
    chunk: &[u32],
    source_name: &str,
) -> Result<Vec<Item>, Error> {
    let set: SequenceSet = chunk.iter().copied().collect();
    let attrs = [
        FetchAttr::Uid,
        FetchAttr::Flags,
        FetchAttr::InternalDate,
        FetchAttr::body_peek(Section::default()),
    ];
    let mut items = Vec::with_capacity(chunk.len());
    for m in src.uid_fetch(&set, attrs)? {
        let m = m?;
        let (Some(uid), Some(data)) = (m.uid(), m.body()) else {
            continue;
        };
        items.push(Item {
            key: uid.to_string(),
            origin: format!("{source_name} UID {uid}"),
            data: imap4::proto::encode::into_crlf(data.clone()),
            flags: m.flags().map(<[Flag]>::to_vec).unwrap_or_default(),
            date: m.internal_date().copied(),
        });
    }
    Ok(items)
}

/// Downloads one message into an (already unlinked) spool file in `dir`.
fn spool<S: Stream>(
    src: &mut Client<S>,
    uid: u32,
    source_name: &str,
    dir: &Path,
) -> Result<Option<Spooled>, Error> {
    let io_err = |source: std::io::Error| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let meta = src
        .uid_fetch(
            &SequenceSet::single(uid)
                .map_err(|_| Error::from(imap4::Error::Unsupported("UID 0")))?,
            [FetchAttr::Uid, FetchAttr::Flags, FetchAttr::InternalDate],
        )?
        .collect_all()?
        .into_iter()
        .find(|f| f.uid() == Some(uid));
    let Some(meta) = meta else {
        return Ok(None); // expunged meanwhile
    };
    let file = spool_file(dir).map_err(io_err)?;
    let mut w = CrlfWriter {
        out: std::io::BufWriter::with_capacity(64 << 10, file),
        cr: false,
        len: 0,
        header: Vec::new(),
        binary: false,
    };
    let got = match src.uid_fetch_message_to(uid, &mut w) {
        Err(imap4::Error::Output(e)) => return Err(io_err(e)),
        r => r?,
    };
    if got.is_none() {
        return Ok(None);
    }
    w.finish().map_err(io_err)?;
    let CrlfWriter {
        out,
        len,
        header,
        binary,
        ..
    } = w;
    let file = out.into_inner().map_err(|e| io_err(e.into_error()))?;
    Ok(Some(Spooled {
        key: uid.to_string(),
        origin: format!("{source_name} UID {uid}"),
        file,
        len,
        header,
        binary,
        flags: meta.flags().map(<[Flag]>::to_vec).unwrap_or_default(),
        date: meta.internal_date().copied(),
    }))
}

/// A new file in `dir` for reading and writing, unlinked at once where the system allows
/// (it lives as long as it is open: a killed run leaves nothing).
fn spool_file(dir: &Path) -> std::io::Result<std::fs::File> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!(
        ".imap4-migrate-spool-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)?;
    #[cfg(unix)]
    std::fs::remove_file(&path)?;
    Ok(file)
}

/// Writes a message with every line ending turned into CRLF (as
/// [`normalize_line_endings`](imap4::proto::encode::normalize_line_endings), in pieces),
/// counting its length, keeping its start and noting NUL bytes.
struct CrlfWriter<W: Write> {
    out: W,
    /// The last byte written was a CR (its LF may be in the next piece).
    cr: bool,
    len: u64,
    header: Vec<u8>,
    binary: bool,
}

impl<W: Write> CrlfWriter<W> {
    fn put(&mut self, b: &[u8]) -> std::io::Result<()> {
        if self.header.len() < 64 << 10 {
            let room = (64 << 10) - self.header.len();
            self.header.extend_from_slice(&b[..b.len().min(room)]);
        }
        self.len += b.len() as u64;
        self.out.write_all(b)
    }

    /// Ends the message: a CR at the very end gets its LF.
    fn finish(&mut self) -> std::io::Result<()> {
        if self.cr {
            self.cr = false;
            self.put(b"\n")?;
        }
        self.out.flush()
    }
}

impl<W: Write> Write for CrlfWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if memchr::memchr(0, buf).is_some() {
            self.binary = true;
        }
        let mut rest = buf;
        if self.cr {
            self.cr = false;
            // A CR ended the last piece: it needs an LF, which may start this one.
            self.put(b"\n")?;
            if rest.first() == Some(&b'\n') {
                rest = &rest[1..];
            }
        }
        while let Some(i) = memchr::memchr2(b'\r', b'\n', rest) {
            if rest[i] == b'\n' {
                self.put(&rest[..i])?;
                self.put(b"\r\n")?;
                rest = &rest[i + 1..];
            } else if i + 1 == rest.len() {
                // A CR at the end of the piece: its LF (or not) comes next.
                self.put(&rest[..=i])?;
                self.cr = true;
                rest = &[];
            } else {
                self.put(&rest[..=i])?;
                self.put(b"\n")?;
                let skip = if rest[i + 1] == b'\n' { 2 } else { 1 };
                rest = &rest[i + skip..];
            }
        }
        self.put(rest)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
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
    let mut now: HashMap<u32, Vec<String>> = HashMap::new();
    for f in dst.uid_fetch(
        &SequenceSet::parse(b"1:*").expect("static"),
        [FetchAttr::Uid, FetchAttr::Flags],
    )? {
        let f = f?;
        if let Some(uid) = f.uid().filter(|u| want.contains_key(u)) {
            now.insert(uid, crate::backup::flag_strings(f.flags().unwrap_or(&[])));
        }
    }
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
            if !p.labels.is_empty() {
                let mut mine = state
                    .lock()
                    .map(|st| st.labels.get(&p.source).cloned().unwrap_or_default())
                    .unwrap_or_default();
                let mut save = |m: &BTreeMap<String, MailboxMap>| {
                    if opts.dry_run {
                        return;
                    }
                    if let Ok(mut st) = state.lock() {
                        st.version = 1;
                        st.labels.insert(p.source.clone(), m.clone());
                        let _ = st.save(state_path);
                    }
                };
                return migrate_labels(s, d, p, &mut mine, opts, obs, &mut save);
            }
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

    /// Every string of up to 7 characters from `a`, CR, LF and NUL, written in two
    /// pieces split at every point: the same bytes as the one-piece normalization.
    #[test]
    fn crlf_writer_in_pieces() {
        for len in 0..=7u32 {
            for n in 0..4usize.pow(len) {
                let d: Vec<u8> = (0..len)
                    .map(|k| b"a\r\n\0"[n / 4usize.pow(k) % 4])
                    .collect();
                let want = imap4::proto::encode::normalize_line_endings(&d);
                for cut in 0..=d.len() {
                    let mut w = CrlfWriter {
                        out: Vec::new(),
                        cr: false,
                        len: 0,
                        header: Vec::new(),
                        binary: false,
                    };
                    w.write_all(&d[..cut]).unwrap();
                    w.write_all(&d[cut..]).unwrap();
                    w.finish().unwrap();
                    assert_eq!(w.out, want, "{d:?} cut at {cut}");
                    assert_eq!(w.len, want.len() as u64);
                    assert_eq!(w.header, want);
                    assert_eq!(w.binary, d.contains(&0));
                }
            }
        }
    }

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
