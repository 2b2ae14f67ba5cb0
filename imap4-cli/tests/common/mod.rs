//! Shared pieces of the CLI tests: running the built `imap4` binary against the private
//! Dovecot (`scripts/dovecot`), and a library connection to check the server's state
//! afterwards.
//!
//! Users: heidi (IMAP4_USER10) for the command tests, ivan (IMAP4_USER11) for watch, judy
//! (IMAP4_USER12) for accounts and errors. Each test works in mailboxes of its own
//! (`cli-<test>...`), removed at its start and end, so the tests run in parallel; the
//! migrate tests, which copy whole accounts, have users of their own (see each file).
//!
//! Also the pieces of the crash tests: a seeded generator ([`Lcg`]), a mailbox's messages
//! as they are compared ([`server`]) and a TCP proxy that cuts connections
//! ([`CuttingProxy`]).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use imap4::blocking::Client;
use imap4::proto::encode::FetchAttr;
use imap4::proto::{Flag, Section, SequenceSet};
use imap4::transport::ConnectOptions;

pub const NEEDS: &str = "needs the Dovecot from scripts/dovecot (run scripts/test)";

pub fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} not set: eval \"$(scripts/dovecot env)\""))
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_imap4")
}

/// A fresh temporary directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "imap4-cli-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A user of the private Dovecot, as the CLI reaches it.
#[derive(Clone)]
pub struct User {
    pub name: String,
    pub pass: String,
    pub port: u16,
    /// The CA file of the server's certificate.
    pub ca: String,
}

impl User {
    /// IMAP4_USER{n} / IMAP4_PASS{n} on the main Dovecot.
    pub fn n(n: u8) -> User {
        User {
            name: env(&format!("IMAP4_USER{n}")),
            pass: env(&format!("IMAP4_PASS{n}")),
            port: env("IMAP4_PORT").parse().unwrap(),
            ca: env("IMAP4_CA"),
        }
    }

    /// The `imap4` command with this account given by flags (STARTTLS with the test CA),
    /// no config file, the password in IMAP4_PASSWORD.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(bin());
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", std::env::temp_dir())
            .env(
                "XDG_CONFIG_HOME",
                std::env::temp_dir().join("imap4-cli-no-config"),
            )
            .env("IMAP4_PASSWORD", &self.pass)
            .args(["--host", "127.0.0.1", "--port", &self.port.to_string()])
            .args([
                "--user",
                &self.name,
                "--tls",
                "starttls",
                "--ca-file",
                &self.ca,
            ])
            .stdin(Stdio::null());
        c
    }

    /// Runs `imap4 ARGS...` to the end.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::of(self.cmd().args(args))
    }

    /// A library connection for checking what the server holds.
    pub fn client(&self) -> Client {
        let mut c = Client::connect_plain("127.0.0.1", self.port, &ConnectOptions::default())
            .expect("connect to Dovecot");
        c.allow_plaintext_login(true);
        c.login(&self.name, &self.pass).expect("LOGIN");
        c
    }
}

/// What a run printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub raw_stdout: Vec<u8>,
}

impl Run {
    pub fn of(cmd: &mut Command) -> Run {
        let Output {
            status,
            stdout,
            stderr,
        } = cmd.output().expect("run imap4");
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
            raw_stdout: stdout,
        }
    }

    /// Panics (showing both streams) unless the exit status is `code`.
    #[track_caller]
    pub fn code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "exit status\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn ok(self) -> Run {
        self.code(0)
    }

    /// stdout as JSON Lines.
    #[track_caller]
    pub fn json(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
            .collect()
    }

    /// The UIDs printed one per line (`search --uids`).
    pub fn uids(&self) -> Vec<u32> {
        self.stdout
            .lines()
            .map(|l| {
                l.trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("not a UID: {l:?}"))
            })
            .collect()
    }
}

/// Asserts that `v` is an object with exactly these keys (the documented schema).
#[track_caller]
pub fn assert_keys(v: &serde_json::Value, keys: &[&str]) {
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"));
    let got: Vec<&str> = obj.keys().map(String::as_str).collect();
    assert_eq!(got, keys, "keys of {v}");
}

/// Deletes `name` and everything below it, ignoring what is missing.
pub fn remove_tree(c: &mut Client, name: &str) {
    // Dovecot drops a connection whose selected mailbox is deleted.
    if c.mailbox().is_some() {
        let _ = c.unselect();
    }
    let mut names: Vec<String> = c
        .list("", &format!("{name}*"))
        .expect("LIST")
        .into_iter()
        .map(|l| l.mailbox.name())
        .filter(|n| n == name || n.starts_with(&format!("{name}/")))
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    for n in names {
        let _ = c.unsubscribe(&n);
        let _ = c.delete(&n);
    }
}

/// A fresh, empty mailbox.
pub fn fresh(c: &mut Client, name: &str) {
    remove_tree(c, name);
    c.create(name).expect("CREATE");
}

/// A small message.
pub fn message(from: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: heidi@example.com\r\nSubject: {subject}\r\n\
         Date: Mon, 2 Jan 2006 15:04:05 -0700\r\nMessage-ID: <{}@example.com>\r\n\r\n{body}\r\n",
        subject.len() * 7919 + body.len()
    )
    .into_bytes()
}

/// Appends and returns the new UID.
pub fn append(c: &mut Client, mailbox: &str, msg: Vec<u8>, flags: &[Flag]) -> u32 {
    c.append(mailbox, msg, flags.iter().cloned(), None)
        .expect("APPEND")
        .expect("UIDPLUS")
        .uid
}

/// The UIDs in `mailbox`, ascending.
pub fn uids(c: &mut Client, mailbox: &str) -> Vec<u32> {
    c.examine(mailbox).expect("EXAMINE");
    let mut u = c
        .uid_search(imap4::proto::encode::Criteria::all())
        .expect("UID SEARCH");
    u.sort_unstable();
    u
}

/// The flags of one message, as strings (`\Seen`, `$Label`), sorted.
pub fn flags(c: &mut Client, mailbox: &str, uid: u32) -> Vec<String> {
    c.examine(mailbox).expect("EXAMINE");
    let set = SequenceSet::single(uid).unwrap();
    let mut out = Vec::new();
    for m in c.uid_fetch(&set, [FetchAttr::Flags]).expect("FETCH") {
        let m = m.expect("FETCH item");
        out = m
            .flags()
            .unwrap_or_default()
            .iter()
            .filter(|f| !matches!(f, Flag::Recent))
            .map(|f| f.to_string())
            .collect();
    }
    out.sort();
    out
}

/// Writes a file (making its directory).
pub fn write(path: &Path, bytes: &[u8]) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

/// Base64 (std has none; enough for fixtures and for looking for secrets in traces).
pub fn base64(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for ch in b.chunks(3) {
        let n = (u32::from(ch[0]) << 16)
            | (u32::from(*ch.get(1).unwrap_or(&0)) << 8)
            | u32::from(*ch.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= ch.len() {
                s.push(T[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// `scripts/dovecot reset USER`: all of USER's mail expunged, its mailboxes but INBOX gone.
pub fn dovecot_reset(user: &str) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/dovecot");
    let st = Command::new(script).args(["reset", user]).status().unwrap();
    assert!(st.success(), "scripts/dovecot reset {user}");
}

/// The seed of a crash test: `default`, or IMAP4_TEST_SEED (decimal or 0x hex) to try
/// others; printed, so that a failure can be reproduced.
pub fn test_seed(default: u64) -> u64 {
    let seed = match std::env::var("IMAP4_TEST_SEED") {
        Ok(s) => {
            let s = s.trim();
            s.strip_prefix("0x")
                .map_or_else(|| s.parse(), |h| u64::from_str_radix(h, 16))
                .unwrap_or_else(|_| panic!("IMAP4_TEST_SEED={s:?} is not a number"))
        }
        Err(_) => default,
    };
    eprintln!("seed {seed:#x} (IMAP4_TEST_SEED={seed:#x} to run it again)");
    seed
}

/// A small deterministic generator (the tests must be reproducible).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A message as the tests compare it: bytes, sorted flags, INTERNALDATE (Unix seconds).
pub type Msg = (Vec<u8>, Vec<String>, i64);

/// What `mb` holds: UID → message.
pub fn server(c: &mut Client, mb: &str) -> BTreeMap<u32, Msg> {
    let st = c.examine(mb).unwrap();
    let mut out = BTreeMap::new();
    if st.exists == 0 {
        return out;
    }
    let attrs = [
        FetchAttr::Uid,
        FetchAttr::Flags,
        FetchAttr::InternalDate,
        FetchAttr::body_peek(Section::default()),
    ];
    for f in c
        .uid_fetch(&SequenceSet::parse(b"1:*").unwrap(), attrs)
        .unwrap()
    {
        let f = f.unwrap();
        let mut fl: Vec<String> = f
            .flags()
            .unwrap()
            .iter()
            .filter(|f| **f != Flag::Recent)
            .map(|f| f.to_string())
            .collect();
        fl.sort();
        let d = f.internal_date().unwrap().to_unix();
        out.insert(f.uid().unwrap(), (f.body().unwrap().to_vec(), fl, d));
    }
    out
}

/// Which bytes of a connection a [`CuttingProxy`] counts towards its cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toward {
    /// What the server sends (responses, message bodies of FETCH).
    Client,
    /// What the client sends (commands, APPENDed messages).
    Server,
}

/// A TCP proxy on 127.0.0.1 to the server at `server_port` that cuts each connection
/// (both ways, at once) after a set number of bytes in one direction; set before a run,
/// it holds for every connection accepted until it is set again. Stops when dropped.
pub struct CuttingProxy {
    /// Where clients connect.
    pub port: u16,
    limit: Arc<AtomicU64>,
    toward_server: Arc<AtomicBool>,
    stats: Arc<Stats>,
    stop: Arc<AtomicBool>,
}

/// What a [`CuttingProxy`] saw.
#[derive(Default)]
struct Stats {
    /// Connections cut.
    cuts: AtomicUsize,
    /// Directions of connections still being copied.
    open: AtomicUsize,
    /// The bytes each direction of each finished connection carried (since the last
    /// [`CuttingProxy::traffic`]).
    done: std::sync::Mutex<Vec<(usize, Toward, u64)>>,
    /// For each burst of at least 1 KB from a client (an upload), how many bytes its
    /// connection had carried toward the client when the burst was through: where the
    /// server's answer to it begins.
    marks: std::sync::Mutex<Vec<u64>>,
}

impl CuttingProxy {
    /// Listens on a free port; passes everything until [`CuttingProxy::cut_after`].
    pub fn start(server_port: u16) -> CuttingProxy {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        l.set_nonblocking(true).unwrap();
        let p = CuttingProxy {
            port,
            limit: Arc::new(AtomicU64::new(u64::MAX)),
            toward_server: Arc::new(AtomicBool::new(false)),
            stats: Arc::new(Stats::default()),
            stop: Arc::new(AtomicBool::new(false)),
        };
        let (limit, toward_server, stats, stop) = (
            p.limit.clone(),
            p.toward_server.clone(),
            p.stats.clone(),
            p.stop.clone(),
        );
        std::thread::spawn(move || {
            let mut id = 0;
            while !stop.load(Ordering::Relaxed) {
                let client = match l.accept() {
                    Ok((s, _)) => s,
                    Err(_) => {
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                };
                client.set_nonblocking(false).unwrap();
                let Ok(server) = TcpStream::connect(("127.0.0.1", server_port)) else {
                    continue; // dropping `client` closes it: a failed connection
                };
                let n = limit.load(Ordering::Relaxed);
                let (up, down) = if toward_server.load(Ordering::Relaxed) {
                    (n, u64::MAX)
                } else {
                    (u64::MAX, n)
                };
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                id += 1;
                stats.open.fetch_add(2, Ordering::SeqCst);
                let to_client = Arc::new(AtomicU64::new(0));
                let (st, tc) = (stats.clone(), to_client.clone());
                std::thread::spawn(move || pump(c2, s2, up, (id, Toward::Server), &st, &tc));
                let st = stats.clone();
                std::thread::spawn(move || {
                    pump(server, client, down, (id, Toward::Client), &st, &to_client)
                });
            }
        });
        p
    }

    /// Every connection from now on is cut after `bytes` bytes sent toward `toward`.
    pub fn cut_after(&self, bytes: u64, toward: Toward) {
        self.toward_server
            .store(toward == Toward::Server, Ordering::Relaxed);
        self.limit.store(bytes, Ordering::Relaxed);
    }

    /// No more cuts for new connections.
    pub fn pass(&self) {
        self.limit.store(u64::MAX, Ordering::Relaxed);
    }

    /// How many connections were cut so far.
    pub fn cuts(&self) -> usize {
        self.stats.cuts.load(Ordering::SeqCst)
    }

    /// The bytes carried toward the client and toward the server by each connection that
    /// ended since the last call, once all have ended (call it after the run).
    pub fn traffic(&self) -> Vec<(u64, u64)> {
        let end = std::time::Instant::now() + Duration::from_secs(5);
        while self.stats.open.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < end {
            std::thread::sleep(Duration::from_millis(2));
        }
        let mut by: BTreeMap<usize, (u64, u64)> = BTreeMap::new();
        for (id, t, n) in std::mem::take(&mut *self.stats.done.lock().unwrap()) {
            let e = by.entry(id).or_default();
            match t {
                Toward::Client => e.0 = n,
                Toward::Server => e.1 = n,
            }
        }
        by.into_values().collect()
    }

    /// Where, in the bytes toward the client, the server's answers to uploads began (see
    /// `Stats::marks`), since the last call; call it after [`CuttingProxy::traffic`].
    pub fn upload_marks(&self) -> Vec<u64> {
        std::mem::take(&mut *self.stats.marks.lock().unwrap())
    }
}

impl Drop for CuttingProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Copies `from` to `to` until EOF or `limit` bytes, then shuts both sockets (which ends
/// the pump of the other direction too).
fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    limit: u64,
    (id, toward): (usize, Toward),
    stats: &Stats,
    to_client: &AtomicU64,
) {
    let mut sent = 0u64;
    let mut b = [0u8; 8192];
    while let Ok(n) = from.read(&mut b) {
        if n == 0 {
            break;
        }
        let room = (limit - sent).min(n as u64) as usize;
        if to.write_all(&b[..room]).is_err() {
            break;
        }
        sent += room as u64;
        match toward {
            Toward::Client => to_client.store(sent, Ordering::SeqCst),
            Toward::Server if n >= 1024 => {
                let at = to_client.load(Ordering::SeqCst);
                let mut m = stats.marks.lock().unwrap();
                if m.last() != Some(&at) {
                    m.push(at);
                }
            }
            Toward::Server => {}
        }
        if sent >= limit {
            stats.cuts.fetch_add(1, Ordering::SeqCst);
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
    stats.done.lock().unwrap().push((id, toward, sent));
    stats.open.fetch_sub(1, Ordering::SeqCst);
}
