//! `imap4 watch MAILBOX...`: reports new messages, expunges and flag changes as they
//! happen.
//!
//! How: one mailbox is watched with IDLE on one connection; several share one
//! connection with NOTIFY where the server has it (plus a second connection that looks
//! into the mailbox a notification names), else one IDLE connection each. Server pushes
//! are only triggers: after each one the watcher *resyncs* the mailbox against what it
//! knows (UIDs above the last one seen are new; known UIDs that are gone were expunged;
//! flags that differ changed, fetched with CHANGEDSINCE where the server has CONDSTORE).
//! The same resync runs after a reconnect, so a message that arrived while the
//! connection was down is reported once, and nothing is reported twice.

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;
use imap4::proto::encode::{self, FetchAttr, MailboxFilter, NotifyEvent, NotifyGroup};
use imap4::proto::{Flag, SequenceSet};
use imap4::IdleEvent;
use serde::Serialize;

use super::search::{summary_attrs, Summary};
use crate::account::{connect_with_backoff, Account, Conn};
use crate::error::{CliError, CliResult, Context, Exit};
use crate::output::{flag_names, Ctx};

pub const EXAMPLES: &str = "Examples:
  imap4 watch INBOX
  imap4 watch INBOX Lists/rust Lists/linux --json
  imap4 watch INBOX --exec 'notify-send \"$IMAP4_FROM\" \"$IMAP4_SUBJECT\"'
  imap4 watch INBOX --count 1 --json      # wait for the next message, print it, exit
  imap4 watch INBOX --exec ./on-mail.sh --events new

With --exec the command runs once per event (through sh -c), with the event as JSON on
its stdin and in the environment: IMAP4_EVENT (new, expunge, flags, reset),
IMAP4_MAILBOX, IMAP4_UID, IMAP4_FROM, IMAP4_SUBJECT, IMAP4_FLAGS.
After a dropped connection or a server restart, watch reconnects (1 s, 2 s, 4 s ...
up to --max-delay) and reports what happened meanwhile, each event once.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct WatchArgs {
    /// The mailboxes to watch.
    #[arg(required = true)]
    pub mailboxes: Vec<String>,
    /// Run this command for each event instead of printing it.
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
    /// Which events to report (comma-separated: new, expunge, flags).
    #[arg(long, value_delimiter = ',', default_value = "new,expunge,flags")]
    pub events: Vec<EventKind>,
    /// Stop after N events.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after this many seconds.
    #[arg(long = "for", value_name = "SECS")]
    pub duration: Option<u64>,
    /// Longest wait between reconnection attempts, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub max_delay: u64,
    /// One IDLE connection per mailbox even where the server offers NOTIFY.
    #[arg(long)]
    pub no_notify: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    New,
    Expunge,
    Flags,
}

/// One event (docs/cli-json.md: watch).
struct Event<'a> {
    event: &'static str,
    mailbox: &'a str,
    uid: Option<u32>,
    summary: Option<Summary>,
    flags: Option<Vec<String>>,
    uidvalidity: Option<u32>,
}

/// Written by hand so that a `new` event's message fields follow `uid`
/// once each (a flattened `Summary` would repeat `uid`).
impl Serialize for Event<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("event", self.event)?;
        m.serialize_entry("mailbox", self.mailbox)?;
        m.serialize_entry("uid", &self.uid)?;
        if let Some(x) = &self.summary {
            m.serialize_entry("date", &x.date)?;
            m.serialize_entry("internaldate", &x.internaldate)?;
            m.serialize_entry("from", &x.from)?;
            m.serialize_entry("from_email", &x.from_email)?;
            m.serialize_entry("to", &x.to)?;
            m.serialize_entry("subject", &x.subject)?;
            m.serialize_entry("size", &x.size)?;
            m.serialize_entry("flags", &x.flags)?;
            m.serialize_entry("message_id", &x.message_id)?;
        } else if let Some(f) = &self.flags {
            m.serialize_entry("flags", f)?;
        }
        if let Some(v) = self.uidvalidity {
            m.serialize_entry("uidvalidity", &v)?;
        }
        m.end()
    }
}

/// Where events go: printed, or handed to --exec. Shared by the watcher threads.
struct Sink {
    json: bool,
    exec: Option<String>,
    kinds: Vec<EventKind>,
    remaining: Option<u64>,
    width: Option<usize>,
}

impl Sink {
    /// Emits an event; false when --count is reached.
    fn emit(&mut self, kind: Option<EventKind>, ev: &Event<'_>, ctx: &Ctx) -> CliResult<bool> {
        if let Some(k) = kind {
            if !self.kinds.contains(&k) {
                return Ok(true);
            }
        }
        if let Some(cmd) = &self.exec {
            run_exec(cmd, ev, ctx);
        } else {
            let mut out = ctx.out();
            if self.json {
                out.json(ev)?;
            } else {
                out.line(human(ev, self.width))?;
            }
            out.flush()?;
        }
        if let Some(n) = &mut self.remaining {
            *n = n.saturating_sub(1);
            return Ok(*n > 0);
        }
        Ok(true)
    }
}

fn human(ev: &Event<'_>, width: Option<usize>) -> String {
    let who = ev.summary.as_ref().map(|s| s.from.as_str()).unwrap_or("");
    let subject = ev
        .summary
        .as_ref()
        .map(|s| s.subject.as_str())
        .unwrap_or("");
    let uid = ev.uid.map(|u| u.to_string()).unwrap_or_default();
    let line = match ev.event {
        "new" => format!(
            "new      {:<16} {uid:>7}  {}  {subject}",
            crate::output::truncate(ev.mailbox, 16),
            crate::output::truncate(who, 24)
        ),
        "flags" => format!(
            "flags    {:<16} {uid:>7}  {}",
            crate::output::truncate(ev.mailbox, 16),
            ev.flags.as_deref().unwrap_or(&[]).join(" ")
        ),
        "expunge" => format!(
            "expunge  {:<16} {uid:>7}",
            crate::output::truncate(ev.mailbox, 16)
        ),
        other => format!(
            "{other:<8} {:<16} UIDVALIDITY is now {}; watching from here",
            ev.mailbox,
            ev.uidvalidity.unwrap_or(0)
        ),
    };
    match width {
        Some(w) => crate::output::truncate(&line, w),
        None => crate::output::truncate(&line, usize::MAX),
    }
}

/// Runs the --exec command for one event, waiting for it. Its failure is reported and
/// watching goes on. Event data reaches it only through stdin and the environment,
/// never through the command line, so a hostile subject cannot inject shell code.
fn run_exec(cmd: &str, ev: &Event<'_>, ctx: &Ctx) {
    let json = serde_json::to_string(ev).unwrap_or_default();
    let clean = |s: &str| s.replace('\0', "");
    let mut c = Command::new("sh");
    c.arg("-c").arg(cmd).stdin(Stdio::piped());
    c.env("IMAP4_EVENT", ev.event)
        .env("IMAP4_MAILBOX", clean(ev.mailbox))
        .env(
            "IMAP4_UID",
            ev.uid.map(|u| u.to_string()).unwrap_or_default(),
        );
    if let Some(s) = &ev.summary {
        c.env("IMAP4_FROM", clean(&s.from))
            .env("IMAP4_SUBJECT", clean(&s.subject))
            .env("IMAP4_FLAGS", s.flags.join(" "));
    } else if let Some(f) = &ev.flags {
        c.env("IMAP4_FLAGS", f.join(" "));
    }
    match c.spawn() {
        Ok(mut child) => {
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(json.as_bytes());
                let _ = stdin.write_all(b"\n");
            }
            match child.wait() {
                Ok(st) if st.success() => {}
                Ok(st) => ctx.warn(format!(
                    "--exec command failed ({st}) for {} event",
                    ev.event
                )),
                Err(e) => ctx.warn(format!("--exec command: {e}")),
            }
        }
        Err(e) => ctx.warn(format!("--exec: cannot run sh: {e}")),
    }
}

/// What the watcher knows about one mailbox.
struct Tracker {
    mailbox: String,
    uid_validity: Option<u32>,
    /// Known UIDs and their flags.
    flags: HashMap<u32, Vec<Flag>>,
    /// The highest UID seen: anything above it is new.
    last_uid: u32,
    /// Highest MODSEQ seen (CONDSTORE), for CHANGEDSINCE.
    modseq: Option<u64>,
    baseline: bool,
}

impl Tracker {
    fn new(mailbox: &str) -> Tracker {
        Tracker {
            mailbox: mailbox.to_string(),
            uid_validity: None,
            flags: HashMap::new(),
            last_uid: 0,
            modseq: None,
            baseline: false,
        }
    }
}

/// Stops the watch: Ctrl-C, --for, or --count.
struct Stop {
    deadline: Option<Instant>,
    done: std::sync::atomic::AtomicBool,
}

impl Stop {
    fn now(&self) -> bool {
        crate::interrupt::interrupted()
            || self.done.load(std::sync::atomic::Ordering::SeqCst)
            || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
    fn finish(&self) {
        self.done.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

struct Shared<'a> {
    ctx: &'a Ctx,
    account: Account,
    sink: Mutex<Sink>,
    stop: Stop,
    max_delay: Duration,
}

pub fn run(ctx: &Ctx, args: &WatchArgs) -> CliResult {
    for m in &args.mailboxes {
        super::check_mailbox(m)?;
    }
    let account = ctx.account()?;
    let shared = Arc::new(Shared {
        ctx,
        account,
        sink: Mutex::new(Sink {
            json: ctx.json,
            exec: args.exec.clone(),
            kinds: args.events.clone(),
            remaining: args.count,
            width: if ctx.stdout_tty {
                ctx.out().width
            } else {
                None
            },
        }),
        stop: Stop {
            deadline: args
                .duration
                .map(|s| Instant::now() + Duration::from_secs(s)),
            done: Default::default(),
        },
        max_delay: Duration::from_secs(args.max_delay.max(1)),
    });
    // The first connection tells whether NOTIFY can carry several mailboxes.
    let mut first = connect_with_backoff(&shared.account, shared.max_delay, |e, d| {
        retry_note(ctx, e, d)
    })?;
    let notify = args.mailboxes.len() > 1 && !args.no_notify && first.has_capability("NOTIFY")?;
    let result = if notify {
        ctx.note(format!(
            "watching {} with NOTIFY",
            args.mailboxes.join(", ")
        ));
        watch_notify(&shared, first, &args.mailboxes)
    } else if args.mailboxes.len() == 1 {
        ctx.note(format!("watching {} with IDLE", args.mailboxes[0]));
        watch_idle(&shared, Some(first), &args.mailboxes[0])
    } else {
        ctx.note(format!(
            "watching {} with one IDLE connection each",
            args.mailboxes.join(", ")
        ));
        first.logout();
        std::thread::scope(|scope| {
            let handles: Vec<_> = args
                .mailboxes
                .iter()
                .map(|m| {
                    let shared = &shared;
                    scope.spawn(move || {
                        let r = watch_idle(shared, None, m);
                        // One watcher failing for good ends them all.
                        shared.stop.finish();
                        r
                    })
                })
                .collect();
            let mut result = Ok(());
            for h in handles {
                let r = h
                    .join()
                    .unwrap_or_else(|_| Err(CliError::new("a watcher thread panicked")));
                if result.is_ok() {
                    result = r;
                }
            }
            result
        })
    };
    result?;
    if crate::interrupt::interrupted() {
        return Ok(Exit::Interrupted);
    }
    Ok(Exit::Ok)
}

fn retry_note(ctx: &Ctx, e: &CliError, delay: Duration) {
    ctx.note(format!(
        "imap4: {}; retrying in {} s",
        e.message,
        delay.as_secs()
    ));
}

/// Emits an event; tells the others to stop when --count is reached.
fn emit(shared: &Shared<'_>, kind: Option<EventKind>, ev: Event<'_>) -> CliResult<()> {
    let mut sink = shared.sink.lock().unwrap_or_else(|p| p.into_inner());
    if !sink.emit(kind, &ev, shared.ctx)? {
        shared.stop.finish();
    }
    Ok(())
}

/// Watches one mailbox with IDLE on its own connection, reconnecting as needed.
fn watch_idle(shared: &Shared<'_>, first: Option<Conn>, mailbox: &str) -> CliResult<()> {
    let ctx = shared.ctx;
    let mut tracker = Tracker::new(mailbox);
    let mut conn = first;
    while !shared.stop.now() {
        let mut c = match conn.take() {
            Some(c) => c,
            None => match connect_with_backoff(&shared.account, shared.max_delay, |e, d| {
                retry_note(ctx, e, d)
            }) {
                Ok(c) => {
                    if tracker.baseline {
                        ctx.note(format!("imap4: reconnected; catching up on {mailbox}"));
                    }
                    c
                }
                Err(e) if e.exit == Exit::Interrupted => return Ok(()),
                Err(e) => return Err(e),
            },
        };
        match idle_session(shared, &mut c, &mut tracker) {
            Ok(()) => {
                c.logout();
                return Ok(());
            }
            Err(e) if e.retry => {
                ctx.note(format!(
                    "imap4: connection lost ({}); reconnecting",
                    e.message
                ));
                if crate::interrupt::sleep(Duration::from_millis(200)) {
                    return Ok(());
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// One connection's life in IDLE mode: select, resync, then IDLE until something
/// happens, resync, IDLE again ... until stopped (Ok) or the connection fails (Err).
fn idle_session(shared: &Shared<'_>, conn: &mut Conn, t: &mut Tracker) -> CliResult<()> {
    enable_condstore(conn)?;
    super::open_mailbox(conn, &t.mailbox.clone(), true)?;
    resync(shared, conn, t)?;
    loop {
        if shared.stop.now() {
            return Ok(());
        }
        let mut idle = conn.idle().context(|| "IDLE".to_string())?;
        let mut changed = false;
        while !shared.stop.now() {
            match idle
                .wait(Duration::from_millis(500))
                .context(|| "IDLE".to_string())?
            {
                Some(
                    IdleEvent::Exists(_)
                    | IdleEvent::Expunge(_)
                    | IdleEvent::Vanished(_)
                    | IdleEvent::Fetch(_),
                ) => {
                    changed = true;
                    // Let a burst (a MOVE of 100 messages) arrive before looking.
                    while let Some(_ev) = idle
                        .wait(Duration::from_millis(150))
                        .context(|| "IDLE".to_string())?
                    {}
                    break;
                }
                Some(IdleEvent::Status(s)) if s.kind == imap4::proto::StatusKind::Bye => {
                    return Err(CliError::transient("the server said BYE"));
                }
                _ => {}
            }
        }
        idle.done().context(|| "DONE".to_string())?;
        conn.take_unsolicited();
        if changed {
            resync(shared, conn, t)?;
        }
    }
}

fn enable_condstore(conn: &mut Conn) -> CliResult<()> {
    if conn.has_capability("CONDSTORE")? && conn.has_capability("ENABLE")? {
        conn.enable(["CONDSTORE"])
            .context(|| "ENABLE CONDSTORE".to_string())?;
    }
    Ok(())
}

/// Brings `t` up to date with the selected mailbox and reports the differences (none on
/// the first call: that is the baseline).
fn resync(shared: &Shared<'_>, conn: &mut Conn, t: &mut Tracker) -> CliResult<()> {
    let state = conn
        .mailbox()
        .cloned()
        .ok_or_else(|| CliError::new("no mailbox selected"))?;
    let condstore = state.highest_modseq.is_some() && !state.no_modseq;
    if t.baseline && state.uid_validity != t.uid_validity {
        emit(
            shared,
            None,
            Event {
                event: "reset",
                mailbox: &t.mailbox,
                uid: None,
                summary: None,
                flags: None,
                uidvalidity: state.uid_validity,
            },
        )?;
        t.baseline = false;
    }
    if !t.baseline {
        // Everything as it is now, reported as nothing.
        t.flags.clear();
        t.last_uid = 0;
        t.modseq = state.highest_modseq;
        t.uid_validity = state.uid_validity;
        if state.exists > 0 {
            let mut attrs = vec![FetchAttr::Uid, FetchAttr::Flags];
            if condstore {
                attrs.push(FetchAttr::ModSeq);
            }
            for m in conn.uid_fetch(&SequenceSet::parse(b"1:*").expect("valid"), attrs)? {
                let m = m?;
                if let Some(uid) = m.uid() {
                    t.last_uid = t.last_uid.max(uid);
                    t.flags
                        .insert(uid, m.flags().map(<[Flag]>::to_vec).unwrap_or_default());
                    if let Some(ms) = m.modseq() {
                        t.modseq = Some(t.modseq.unwrap_or(0).max(ms));
                    }
                }
            }
        }
        t.baseline = true;
        shared.ctx.note(format!(
            "imap4: {}: {} message(s); waiting for changes",
            t.mailbox, state.exists
        ));
        return Ok(());
    }

    // New messages: UIDs above the last one seen.
    let mut new = Vec::new();
    if state.exists > 0 {
        let set = SequenceSet::parse(format!("{}:*", t.last_uid + 1).as_bytes()).expect("valid");
        let mut attrs = summary_attrs();
        if condstore {
            attrs.push(FetchAttr::ModSeq);
        }
        for m in conn.uid_fetch(&set, attrs)? {
            let m = m?;
            if let Some(uid) = m.uid().filter(|&u| u > t.last_uid) {
                if let Some(ms) = m.modseq() {
                    t.modseq = Some(t.modseq.unwrap_or(0).max(ms));
                }
                new.push((uid, m));
            }
        }
    }
    new.sort_by_key(|(u, _)| *u);

    // Expunged: the known messages that are left should number exists - new.
    let left = (state.exists as usize).saturating_sub(new.len());
    if left != t.flags.len() {
        let now: std::collections::HashSet<u32> = conn
            .uid_search(encode::Criteria::all())
            .context(|| "UID SEARCH ALL".to_string())?
            .into_iter()
            .collect();
        let mut gone: Vec<u32> = t
            .flags
            .keys()
            .copied()
            .filter(|u| !now.contains(u))
            .collect();
        gone.sort_unstable();
        for uid in gone {
            t.flags.remove(&uid);
            emit(
                shared,
                Some(EventKind::Expunge),
                Event {
                    event: "expunge",
                    mailbox: &t.mailbox,
                    uid: Some(uid),
                    summary: None,
                    flags: None,
                    uidvalidity: None,
                },
            )?;
        }
    }

    // Flag changes of known messages.
    if t.last_uid > 0 && !t.flags.is_empty() {
        let set = SequenceSet::range(1, t.last_uid).expect("valid range");
        let cmd = match (condstore, t.modseq) {
            (true, Some(ms)) => encode::Fetch::new(set, [FetchAttr::Uid, FetchAttr::Flags])
                .uid(true)
                .changed_since(ms),
            _ => encode::Fetch::new(set, [FetchAttr::Uid, FetchAttr::Flags]).uid(true),
        };
        let mut changes = Vec::new();
        for m in conn.fetch_with(cmd)? {
            let m = m?;
            let (Some(uid), Some(flags)) = (m.uid(), m.flags()) else {
                continue;
            };
            if let Some(ms) = m.modseq() {
                t.modseq = Some(t.modseq.unwrap_or(0).max(ms));
            }
            if let Some(known) = t.flags.get_mut(&uid) {
                let mut a = known.clone();
                let mut b = flags.to_vec();
                a.retain(|f| *f != Flag::Recent);
                b.retain(|f| *f != Flag::Recent);
                a.sort_by_key(|f| f.as_str().into_owned());
                b.sort_by_key(|f| f.as_str().into_owned());
                if a != b {
                    *known = flags.to_vec();
                    changes.push((uid, flag_names(flags)));
                }
            }
        }
        changes.sort_by_key(|(u, _)| *u);
        for (uid, flags) in changes {
            emit(
                shared,
                Some(EventKind::Flags),
                Event {
                    event: "flags",
                    mailbox: &t.mailbox,
                    uid: Some(uid),
                    summary: None,
                    flags: Some(flags),
                    uidvalidity: None,
                },
            )?;
        }
    }

    for (uid, m) in new {
        t.last_uid = t.last_uid.max(uid);
        t.flags
            .insert(uid, m.flags().map(<[Flag]>::to_vec).unwrap_or_default());
        emit(
            shared,
            Some(EventKind::New),
            Event {
                event: "new",
                mailbox: &t.mailbox,
                uid: Some(uid),
                summary: Some(Summary::from_fetch(&m)),
                flags: None,
                uidvalidity: None,
            },
        )?;
        if shared.stop.now() {
            break;
        }
    }
    Ok(())
}

/// Several mailboxes on one NOTIFY connection; a second connection examines the
/// mailbox a notification names and resyncs it.
fn watch_notify(shared: &Shared<'_>, first: Conn, mailboxes: &[String]) -> CliResult<()> {
    let ctx = shared.ctx;
    let mut trackers: Vec<Tracker> = mailboxes.iter().map(|m| Tracker::new(m)).collect();
    let mut listener = Some(first);
    while !shared.stop.now() {
        let connect = || {
            connect_with_backoff(&shared.account, shared.max_delay, |e, d| {
                retry_note(ctx, e, d)
            })
        };
        let mut n = match listener.take() {
            Some(c) => c,
            None => match connect() {
                Ok(c) => c,
                Err(e) if e.exit == Exit::Interrupted => return Ok(()),
                Err(e) => return Err(e),
            },
        };
        let mut worker = match connect() {
            Ok(c) => c,
            Err(e) if e.exit == Exit::Interrupted => return Ok(()),
            Err(e) => return Err(e),
        };
        match notify_session(shared, &mut n, &mut worker, &mut trackers) {
            Ok(()) => {
                n.logout();
                worker.logout();
                return Ok(());
            }
            Err(e) if e.retry => {
                ctx.note(format!(
                    "imap4: connection lost ({}); reconnecting",
                    e.message
                ));
                if crate::interrupt::sleep(Duration::from_millis(200)) {
                    return Ok(());
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn notify_session(
    shared: &Shared<'_>,
    n: &mut Conn,
    worker: &mut Conn,
    trackers: &mut [Tracker],
) -> CliResult<()> {
    enable_condstore(n)?;
    enable_condstore(worker)?;
    // Baseline (or catch-up after a reconnect) for each mailbox first.
    for t in trackers.iter_mut() {
        super::open_mailbox(worker, &t.mailbox.clone(), true)?;
        resync(shared, worker, t)?;
    }
    let names: Vec<String> = trackers.iter().map(|t| t.mailbox.clone()).collect();
    n.notify(
        [NotifyGroup::new(
            MailboxFilter::Mailboxes(names),
            [
                NotifyEvent::MessageNew(vec![]),
                NotifyEvent::MessageExpunge,
                NotifyEvent::FlagChange,
            ],
        )],
        false,
    )
    .context(|| "NOTIFY".to_string())?;
    // Anything that happened between the resync and NOTIFY: look once more.
    for t in trackers.iter_mut() {
        super::open_mailbox(worker, &t.mailbox.clone(), true)?;
        resync(shared, worker, t)?;
    }
    let mut last_noop = Instant::now();
    while !shared.stop.now() {
        let ev = n
            .wait_event(Duration::from_millis(500))
            .context(|| "waiting for NOTIFY events".to_string())?;
        let mut dirty: Vec<String> = Vec::new();
        let mut note = |ev: IdleEvent| {
            if let IdleEvent::MailboxStatus(st) = ev {
                let name = st.mailbox.name();
                if !dirty.contains(&name) {
                    dirty.push(name);
                }
            }
        };
        if let Some(ev) = ev {
            note(ev);
            while let Some(ev) = n
                .wait_event(Duration::from_millis(150))
                .context(|| "waiting for NOTIFY events".to_string())?
            {
                note(ev);
            }
        }
        for name in dirty {
            if let Some(t) = trackers.iter_mut().find(|t| {
                t.mailbox == name || (t.mailbox.eq_ignore_ascii_case("INBOX") && name == "INBOX")
            }) {
                super::open_mailbox(worker, &t.mailbox.clone(), true)?;
                resync(shared, worker, t)?;
            }
        }
        // Keep both connections alive (servers drop silent clients after ~30 minutes).
        if last_noop.elapsed() > Duration::from_secs(600) {
            worker.noop().context(|| "NOOP".to_string())?;
            n.noop().context(|| "NOOP".to_string())?;
            last_noop = Instant::now();
        }
    }
    Ok(())
}
