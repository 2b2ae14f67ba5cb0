//! Shared pieces of the CLI tests: running the built `imap4` binary against the private
//! Dovecot (`scripts/dovecot`), and a library connection to check the server's state
//! afterwards.
//!
//! Users: heidi (IMAP4_USER10) for the command tests, ivan (IMAP4_USER11) for watch, judy
//! (IMAP4_USER12) for accounts and errors. Each test works in mailboxes of its own
//! (`cli-<test>...`), removed at its start and end, so the tests run in parallel.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use imap4::blocking::Client;
use imap4::proto::encode::FetchAttr;
use imap4::proto::{Flag, SequenceSet};
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
