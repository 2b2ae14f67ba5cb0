//! `imap4 watch` against real servers: new messages, flag changes and expunges as they
//! happen; a server restart in the middle, with mail delivered while the watcher is
//! away, each event reported exactly once; several mailboxes over NOTIFY with --exec.
//!
//! The restart test runs its own second Dovecot (`scripts/dovecot` with another state
//! directory and ports), so that stopping it disturbs no other test. User: ivan
//! (IMAP4_USER11).

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use common::*;
use imap4::proto::encode::StoreMode;
use imap4::proto::Flag;

/// The keys of a `new` event, in order (docs/cli-json.md: watch).
const NEW_KEYS: &[&str] = &[
    "event",
    "mailbox",
    "uid",
    "date",
    "internaldate",
    "from",
    "from_email",
    "to",
    "subject",
    "size",
    "flags",
    "message_id",
];

/// `scripts/dovecot CMD` for the second instance; returns its exported variables.
fn dovecot2(cmd: &str) -> HashMap<String, String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/dovecot");
    let out = Command::new(script)
        .arg(cmd)
        .env("IMAP4_DOVECOT_DIR", "/tmp/imap4-dc-watch")
        .env("IMAP4_PORT", "10146")
        .env("IMAP4_TLS_PORT", "10996")
        .stderr(Stdio::inherit())
        .output()
        .expect("scripts/dovecot");
    assert!(out.status.success(), "scripts/dovecot {cmd} failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.trim_matches('\'').to_string()))
        .collect()
}

/// A running `imap4 watch` with its output lines arriving on channels.
struct Watch {
    child: Child,
    out: Receiver<String>,
    err: Receiver<String>,
    stderr_seen: Vec<String>,
}

impl Watch {
    fn spawn(mut cmd: Command) -> Watch {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn imap4 watch");
        let (otx, out) = channel();
        let (etx, err) = channel();
        let so = child.stdout.take().unwrap();
        let se = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for l in BufReader::new(so).lines().map_while(Result::ok) {
                let _ = otx.send(l);
            }
        });
        std::thread::spawn(move || {
            for l in BufReader::new(se).lines().map_while(Result::ok) {
                let _ = etx.send(l);
            }
        });
        Watch {
            child,
            out,
            err,
            stderr_seen: Vec::new(),
        }
    }

    /// Waits for a stderr line containing `what`.
    #[track_caller]
    fn wait_note(&mut self, what: &str, secs: u64) {
        let end = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < end {
            if let Ok(l) = self.err.recv_timeout(Duration::from_millis(100)) {
                let hit = l.contains(what);
                self.stderr_seen.push(l);
                if hit {
                    return;
                }
            }
        }
        self.kill();
        panic!("no {what:?} on stderr:\n{}", self.stderr_seen.join("\n"));
    }

    /// The next event printed, as JSON.
    #[track_caller]
    fn event(&mut self, secs: u64) -> serde_json::Value {
        match self.out.recv_timeout(Duration::from_secs(secs)) {
            Ok(l) => serde_json::from_str(&l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")),
            Err(_) => {
                while let Ok(l) = self.err.try_recv() {
                    self.stderr_seen.push(l);
                }
                self.kill();
                panic!(
                    "no event in {secs} s; stderr:\n{}",
                    self.stderr_seen.join("\n")
                );
            }
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the process to end by itself (--count reached).
    #[track_caller]
    fn wait_exit(&mut self, secs: u64) -> i32 {
        let end = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < end {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st.code().unwrap_or(-1);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill();
        panic!("watch did not end after --count");
    }
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn watch_survives_a_server_restart() {
    let vars = dovecot2("start");
    let mut u = User::n(11);
    u.port = vars["IMAP4_PORT"].parse().unwrap();
    u.ca = vars["IMAP4_CA"].clone();
    let mb = "cli-watch";
    let mut c = u.client();
    fresh(&mut c, mb);
    let old = append(&mut c, mb, message("old@x", "before the watch", "x"), &[]);

    let mut cmd = u.cmd();
    cmd.args(["--json", "watch", mb, "--max-delay", "2", "--count", "6"]);
    let mut w = Watch::spawn(cmd);
    w.wait_note("waiting for changes", 30);

    // 1. A message arrives while watching.
    let m1 = append(&mut c, mb, message("a@x", "first", "1"), &[]);
    let e = w.event(20);
    assert_eq!(
        (e["event"].as_str(), e["uid"].as_u64()),
        (Some("new"), Some(u64::from(m1)))
    );
    assert_eq!(e["subject"], "first");
    assert_eq!(e["mailbox"], mb);
    assert_keys(&e, NEW_KEYS);
    drop(c);

    // 2. The server goes away; the watcher notices and retries.
    dovecot2("stop");
    w.wait_note("retrying", 30);
    dovecot2("start");
    // 3. Two messages arrive before the watcher is back (its backoff sleeps 1-2 s).
    let mut c = u.client();
    let m2 = append(&mut c, mb, message("b@x", "second", "2"), &[]);
    let m3 = append(&mut c, mb, message("c@x", "third", "3"), &[]);
    let mut got = vec![w.event(30), w.event(30)];
    got.sort_by_key(|e| e["uid"].as_u64());
    assert_eq!(got[0]["uid"], m2, "{got:?}");
    assert_eq!(got[1]["uid"], m3, "{got:?}");
    assert!(got.iter().all(|e| e["event"] == "new"));
    w.wait_note("reconnected", 5);

    // 4. Live again: a new message, a flag change, an expunge; then --count ends it.
    let m4 = append(&mut c, mb, message("d@x", "fourth", "4"), &[]);
    let e = w.event(20);
    assert_eq!(e["uid"], m4);
    c.select(mb).unwrap();
    c.uid_store(m1, StoreMode::Add, [Flag::Flagged]).unwrap();
    let e = w.event(20);
    assert_eq!(e["event"], "flags", "{e}");
    assert_eq!(e["uid"], m1);
    assert!(
        e["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "\\Flagged"),
        "{e}"
    );
    c.uid_store(m2, StoreMode::Add, [Flag::Deleted]).unwrap();
    c.uid_expunge(m2).unwrap();
    let e = w.event(20);
    assert_eq!(
        (e["event"].as_str(), e["uid"].as_u64()),
        (Some("expunge"), Some(u64::from(m2)))
    );
    assert_eq!(w.wait_exit(20), 0);
    // Nothing else was printed: no duplicates, and the old message never appeared.
    let rest: Vec<String> = w.out.try_iter().collect();
    assert!(rest.is_empty(), "extra events: {rest:?}");
    let _ = old;
    remove_tree(&mut c, mb);
    drop(c);
    dovecot2("stop");
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn watch_several_mailboxes_with_exec() {
    let u = User::n(11);
    let mut c = u.client();
    let (a, b) = ("cli-wa", "cli-wb");
    fresh(&mut c, a);
    fresh(&mut c, b);
    let dir = temp_dir("watch-exec");
    let script = format!(
        "cat > '{d}/'\"$IMAP4_MAILBOX-$IMAP4_UID\".json; \
         printf '%s|%s|%s|%s\\n' \"$IMAP4_EVENT\" \"$IMAP4_MAILBOX\" \"$IMAP4_UID\" \"$IMAP4_SUBJECT\" >> '{d}/log'",
        d = dir.display()
    );
    let mut cmd = u.cmd();
    cmd.args([
        "watch", a, b, "--exec", &script, "--count", "2", "--events", "new",
    ]);
    let mut w = Watch::spawn(cmd);
    w.wait_note("NOTIFY", 30);
    w.wait_note("waiting for changes", 30);
    w.wait_note("waiting for changes", 30);

    let ua = append(&mut c, a, message("x@x", "into a", "1"), &[]);
    let ub = append(&mut c, b, message("y@x", "into b ✓", "2"), &[]);
    assert_eq!(w.wait_exit(30), 0, "{}", w.stderr_seen.join("\n"));
    let log = std::fs::read_to_string(dir.join("log")).unwrap();
    let mut lines: Vec<&str> = log.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            format!("new|{a}|{ua}|into a"),
            format!("new|{b}|{ub}|into b ✓")
        ]
    );
    let raw = std::fs::read_to_string(dir.join(format!("{b}-{ub}.json"))).unwrap();
    // Each key once: a parser keeps the last of a repeated key, so count in the text.
    assert_eq!(raw.matches("\"uid\":").count(), 1, "{raw}");
    assert_eq!(raw.matches("\"flags\":").count(), 1, "{raw}");
    let j: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_keys(&j, NEW_KEYS);
    assert_eq!(j["event"], "new");
    assert_eq!(j["subject"], "into b ✓");
    let _ = std::fs::remove_dir_all(&dir);
    remove_tree(&mut c, a);
    remove_tree(&mut c, b);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn watch_several_mailboxes_without_notify() {
    let u = User::n(12);
    let mut c = u.client();
    let (a, b) = ("cli-wna", "cli-wnb");
    fresh(&mut c, a);
    fresh(&mut c, b);
    let mut cmd = u.cmd();
    cmd.args(["--json", "watch", a, b, "--no-notify", "--count", "3"]);
    let mut w = Watch::spawn(cmd);
    w.wait_note("one IDLE connection each", 30);
    w.wait_note("waiting for changes", 30);
    w.wait_note("waiting for changes", 30);

    let ua = append(&mut c, a, message("x@x", "idle a", "1"), &[]);
    let ub = append(&mut c, b, message("y@x", "idle b", "2"), &[]);
    let mut got = vec![w.event(20), w.event(20)];
    got.sort_by_key(|e| e["mailbox"].as_str().map(str::to_owned));
    assert_eq!(
        (&got[0]["mailbox"], &got[0]["uid"]),
        (&a.into(), &ua.into())
    );
    assert_eq!(
        (&got[1]["mailbox"], &got[1]["uid"]),
        (&b.into(), &ub.into())
    );
    for e in &got {
        assert_keys(e, NEW_KEYS);
    }
    c.select(b).unwrap();
    c.uid_store(ub, StoreMode::Add, [Flag::Seen]).unwrap();
    let e = w.event(20);
    assert_eq!(
        (
            e["event"].as_str(),
            e["mailbox"].as_str(),
            e["uid"].as_u64()
        ),
        (Some("flags"), Some(b), Some(u64::from(ub)))
    );
    assert_keys(&e, &["event", "mailbox", "uid", "flags"]);
    assert_eq!(w.wait_exit(20), 0);
    remove_tree(&mut c, a);
    remove_tree(&mut c, b);
}
