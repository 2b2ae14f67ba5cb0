//! The crash tests of `imap4 migrate`, Dovecot account to Dovecot account through the built
//! binary: the process killed with SIGKILL at 20 seeded points, and its connections (to
//! the source or the destination, either direction) cut by a proxy at 20 seeded byte
//! offsets. The source changes between runs (new messages, flag and keyword changes) and
//! one mailbox of it is recreated with the same messages plus one (a new UIDVALIDITY).
//! After each series a clean run, and the destination must hold exactly the source's
//! messages, mailbox by mailbox, byte for byte, each once, with the same flags, keywords
//! and INTERNALDATE.
//!
//! The source has an INBOX, a special-use `Sent`, `Work` and its child `Work/Reports`;
//! messages of a few bytes to ~140 KB, some without a Message-ID, and two identical copies
//! of one message. Users (whole accounts are copied, so no other test may use them):
//! wendy → xavier (IMAP4_USER23 → 24) for the kills, yvonne → zara (25 → 26) for the cuts.

mod common;

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use imap4::blocking::Client;
use imap4::proto::date::InternalDate;
use imap4::proto::encode::{StatusAttr, StoreMode};
use imap4::proto::Flag;

/// The source's mailboxes with messages (the other special-use ones stay empty).
const BOXES: [&str; 4] = ["INBOX", "Sent", "Work", "Work/Reports"];
/// The one recreated (a child, so the parent and its tree stay).
const RECREATED: &str = "Work/Reports";

/// Two accounts, the config file naming them (`src`, `dst`, and `srcp`, `dstp` for the
/// same accounts through a proxy), and the state file.
struct Pair {
    src: User,
    dst: User,
    dir: PathBuf,
    config: PathBuf,
    state: PathBuf,
}

impl Pair {
    fn new(name: &str, src: u8, dst: u8, proxy_port: Option<u16>) -> Pair {
        let (src, dst) = (User::n(src), User::n(dst));
        dovecot_reset(&src.name);
        dovecot_reset(&dst.name);
        let dir = temp_dir(name);
        let config = dir.join("config.toml");
        let account = |name: &str, u: &User, port: u16, pass: &str| {
            format!(
                "[accounts.{name}]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"starttls\"\n\
                 ca_file = \"{}\"\nuser = \"{}\"\npassword_env = \"{pass}\"\n\n",
                u.ca, u.name
            )
        };
        let mut text = account("src", &src, src.port, "SRC_PASS")
            + &account("dst", &dst, dst.port, "DST_PASS");
        if let Some(p) = proxy_port {
            text += &account("srcp", &src, p, "SRC_PASS");
            text += &account("dstp", &dst, p, "DST_PASS");
        }
        write(&config, text.as_bytes());
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let state = dir.join("state.json");
        Pair {
            src,
            dst,
            dir,
            config,
            state,
        }
    }

    /// `imap4 [ARGS] migrate FROM TO --state STATE`.
    fn cmd(&self, global: &[&str], from: &str, to: &str) -> Command {
        let mut c = Command::new(bin());
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &self.dir)
            .env("XDG_STATE_HOME", &self.dir)
            .env("SRC_PASS", &self.src.pass)
            .env("DST_PASS", &self.dst.pass)
            .arg("--config")
            .arg(&self.config)
            .args(global)
            .args(["migrate", from, to])
            .arg("--state")
            .arg(&self.state)
            .stdin(Stdio::null());
        c
    }

    /// A complete run, directly: every mailbox `ok`; its rows.
    fn clean_run(&self) -> Vec<serde_json::Value> {
        let r = Run::of(&mut self.cmd(&["--json"], "src", "dst")).ok();
        let rows = r.json();
        for row in &rows {
            assert_eq!(row["status"], "ok", "{row}");
        }
        rows
    }
}

impl Pair {
    /// The bytes (toward the client, toward the server) of each connection of a run from
    /// `from` to `to` through `proxy`, uncut, and where the answers to its uploads began
    /// ([`CuttingProxy::upload_marks`]); the run is then undone (what it uploaded
    /// expunged, the mailboxes it created deleted, the state file as before), so that the
    /// next run has the same work (at other UIDs: counts may differ by a few bytes).
    fn measure(&self, proxy: &CuttingProxy, from: &str, to: &str) -> (Vec<(u64, u64)>, Vec<u64>) {
        let state = std::fs::read(&self.state).ok();
        let mut d = self.dst.client();
        let before: BTreeMap<String, u32> = d
            .list("", "*")
            .unwrap()
            .iter()
            .map(|l| l.mailbox.name().to_string())
            .map(|n| {
                let last = uids(&mut d, &n).last().copied().unwrap_or(0);
                (n, last)
            })
            .collect();
        proxy.pass();
        let _ = proxy.traffic();
        let _ = proxy.upload_marks();
        Run::of(&mut self.cmd(&["--quiet"], from, to)).ok();
        let traffic = proxy.traffic();
        let marks = proxy.upload_marks();
        let mut created = Vec::new();
        for l in d.list("", "*").unwrap() {
            let n = l.mailbox.name().to_string();
            let Some(last) = before.get(&n) else {
                created.push(n);
                continue;
            };
            let new: imap4::proto::SequenceSet =
                uids(&mut d, &n).into_iter().filter(|u| u > last).collect();
            if !new.is_empty() {
                d.select(&n).unwrap();
                d.uid_store(new.clone(), StoreMode::Add, [Flag::Deleted])
                    .unwrap();
                d.uid_expunge(new).unwrap();
                let _ = d.unselect();
            }
        }
        created.sort_by_key(|n| std::cmp::Reverse(n.len()));
        for n in created {
            remove_tree(&mut d, &n);
        }
        match state {
            Some(b) => std::fs::write(&self.state, b).unwrap(),
            None => {
                let _ = std::fs::remove_file(&self.state);
            }
        }
        (traffic, marks)
    }
}

/// The source's mail, made from a seed.
struct Source {
    c: Client,
    rng: Lcg,
    next: usize,
}

const FLAGS: &[&[&str]] = &[
    &[],
    &[],
    &["\\Seen"],
    &["\\Seen", "\\Answered"],
    &["\\Flagged", "$Label1"],
    &["Work"],
    &["\\Draft"],
    &["\\Seen", "$Junk", "Later"],
];

fn flags_of(names: &[&str]) -> Vec<Flag> {
    names.iter().map(|n| Flag::parse(n.as_bytes())).collect()
}

impl Source {
    /// A new message in `mb`: mostly small, one in 40 of about 100 KB, one in 8 without a
    /// Message-ID; seeded flags, keywords and INTERNALDATE (with varied zones).
    fn add(&mut self, mb: &str) {
        let i = self.next;
        self.next += 1;
        let size = if self.rng.below(40) == 0 {
            60_000 + self.rng.below(80_000) as usize
        } else {
            self.rng.below(3000) as usize
        };
        let mid = if self.rng.below(8) == 0 {
            String::new()
        } else {
            format!(
                "Message-ID: <{i}.{}@crash.test>\r\n",
                self.rng.below(1 << 20)
            )
        };
        let line = format!("line of message {i}, to make up its size .......................\r\n");
        let body = line.repeat(size / line.len() + 1);
        let msg = format!(
            "From: sender{i}@example.com\r\nTo: someone@example.com\r\nSubject: m{i} in {mb}, Grüße\r\n\
             {mid}Date: Mon, 2 Jan 2006 15:04:05 -0700\r\n\r\n{body}"
        );
        let flags = flags_of(FLAGS[self.rng.below(FLAGS.len() as u64) as usize]);
        let zones = [-480, -300, 0, 60, 330];
        let date = InternalDate::from_unix(
            1_200_000_000 + self.rng.below(400_000_000) as i64,
            zones[self.rng.below(zones.len() as u64) as usize],
        )
        .unwrap();
        self.c
            .append(mb, msg.into_bytes(), flags, Some(date))
            .unwrap();
    }

    /// `n` messages, spread over the mailboxes by the weights `w`; and in INBOX one message
    /// twice (same bytes and date, other flags).
    fn seed(&mut self, n: usize, w: [u64; 4]) {
        self.c.create("Work").unwrap();
        self.c.create(RECREATED).unwrap();
        for _ in 0..n {
            let mb = self.pick(w);
            self.add(mb);
        }
        let twin = b"From: twin@example.com\r\nSubject: twice\r\nMessage-ID: <twin@crash.test>\r\n\r\nthe same message twice\r\n";
        let date = InternalDate::from_unix(1_500_000_000, 0).unwrap();
        for f in [vec![Flag::Seen], vec![Flag::Flagged]] {
            self.c
                .append("INBOX", twin.to_vec(), f, Some(date))
                .unwrap();
        }
    }

    fn pick(&mut self, w: [u64; 4]) -> &'static str {
        let mut x = self.rng.below(w.iter().sum());
        for (mb, wi) in BOXES.iter().zip(w) {
            if x < wi {
                return mb;
            }
            x -= wi;
        }
        unreachable!()
    }

    /// Between two runs: `n` new messages, and flags and keywords added and removed.
    fn churn(&mut self, n: usize) {
        for _ in 0..n {
            let mb = self.pick([3, 1, 2, 2]);
            self.add(mb);
        }
        for _ in 0..8 {
            let mb = BOXES[self.rng.below(4) as usize];
            let all = uids(&mut self.c, mb);
            if all.is_empty() {
                continue;
            }
            let uid = all[self.rng.below(all.len() as u64) as usize];
            let f = ["\\Seen", "\\Flagged", "\\Answered", "Later", "$Label2"]
                [self.rng.below(5) as usize];
            let mode = if self.rng.below(2) == 0 {
                StoreMode::Add
            } else {
                StoreMode::Remove
            };
            self.c.select(mb).unwrap();
            self.c.uid_store(uid, mode, flags_of(&[f])).unwrap();
        }
        let _ = self.c.unselect();
    }

    /// Deletes and creates `RECREATED` again (a new UIDVALIDITY) with the same messages,
    /// flags and dates, plus one.
    fn recreate(&mut self) {
        let before = self
            .c
            .status(RECREATED, [StatusAttr::UidValidity])
            .unwrap()
            .uid_validity;
        let msgs = server(&mut self.c, RECREATED);
        assert!(!msgs.is_empty());
        remove_tree(&mut self.c, RECREATED);
        self.c.create(RECREATED).unwrap();
        for (bytes, flags, date) in msgs.into_values() {
            let flags: Vec<Flag> = flags.iter().map(|f| Flag::parse(f.as_bytes())).collect();
            let date = InternalDate::from_unix(date, 0).unwrap();
            self.c.append(RECREATED, bytes, flags, Some(date)).unwrap();
        }
        self.add(RECREATED);
        let after = self
            .c
            .status(RECREATED, [StatusAttr::UidValidity])
            .unwrap()
            .uid_validity;
        assert_ne!(before, after, "a new UIDVALIDITY");
    }
}

/// Every selectable mailbox and its messages (sorted, so that copies count).
fn account(c: &mut Client) -> BTreeMap<String, Vec<Msg>> {
    let mut out = BTreeMap::new();
    for l in c.list("", "*").unwrap() {
        if l.has(&imap4::proto::MailboxAttr::NoSelect) {
            continue;
        }
        let name = l.mailbox.name().to_string();
        let mut msgs: Vec<Msg> = server(c, &name).into_values().collect();
        msgs.sort();
        out.insert(name, msgs);
    }
    let _ = c.unselect();
    out
}

/// How many messages and bytes the account holds in `BOXES`.
fn size(c: &mut Client) -> (u64, u64) {
    let mut n = (0, 0);
    for mb in BOXES {
        if let Ok(s) = c.status(mb, [StatusAttr::Messages, StatusAttr::Size]) {
            n.0 += u64::from(s.messages.unwrap_or(0));
            n.1 += s.size.unwrap_or(0);
        }
    }
    n
}

/// The differences between two accounts, one line each (empty when they are the same):
/// a mailbox missing, a message missing, a message too often (a duplicate).
fn differences(src: &BTreeMap<String, Vec<Msg>>, dst: &BTreeMap<String, Vec<Msg>>) -> Vec<String> {
    let mut out = Vec::new();
    let names: std::collections::BTreeSet<&String> = src.keys().chain(dst.keys()).collect();
    let empty = Vec::new();
    for name in names {
        let (a, b) = (
            src.get(name).unwrap_or(&empty),
            dst.get(name).unwrap_or(&empty),
        );
        if !src.contains_key(name) || !dst.contains_key(name) {
            out.push(format!(
                "{name}: on the source {}, on the destination {}",
                src.contains_key(name),
                dst.contains_key(name)
            ));
        }
        let mut count: BTreeMap<&Msg, (usize, usize)> = BTreeMap::new();
        for m in a {
            count.entry(m).or_default().0 += 1;
        }
        for m in b {
            count.entry(m).or_default().1 += 1;
        }
        for (m, (x, y)) in count {
            if x != y {
                let h = imap4::mime::Headers::parse(&m.0);
                let subject = String::from_utf8_lossy(h.get("Subject").unwrap_or(b"?")).to_string();
                out.push(format!(
                    "{name}: {subject:?} ({} bytes, flags {:?}, date {}): {x} at the source, {y} at the destination",
                    m.0.len(),
                    m.1,
                    m.2
                ));
            }
        }
    }
    out
}

/// The destination is the source's mirror, and one more run has nothing to do.
fn assert_mirror(p: &Pair) {
    let (mut s, mut d) = (p.src.client(), p.dst.client());
    let (a, b) = (account(&mut s), account(&mut d));
    let diff = differences(&a, &b);
    assert!(
        diff.is_empty(),
        "{} difference(s):\n{}",
        diff.len(),
        diff.join("\n")
    );
    let n: usize = a.values().map(Vec::len).sum();
    eprintln!(
        "the destination holds the source's {n} messages in {} mailboxes",
        a.len()
    );
    for row in p.clean_run() {
        assert_eq!(
            (&row["copied"], &row["flags_updated"]),
            (&0.into(), &0.into()),
            "{row}"
        );
    }
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn migrate_killed_at_random_points() {
    let t0 = Instant::now();
    let p = Pair::new("migrate-kill", 23, 24, None);
    let mut src = Source {
        c: p.src.client(),
        rng: Lcg(test_seed(0x5eed_0011)),
        next: 0,
    };
    src.seed(300, [4, 1, 2, 3]);
    let mut watcher = p.dst.client();

    // Each round: the source changes (25 new messages among them), a migrate starts, and
    // is killed with SIGKILL — in one round of two (seeded) once the destination holds a
    // seeded number of messages between what it had and all (so also while the last
    // batch is saved and flags are set), else after a seeded delay of up to 0.25 s (from
    // before the first connection, through the plan and the mailboxes' creation, to the
    // uploads) — or when it ended by itself (then it must have succeeded).
    // Before round 7, one complete run, then RECREATED recreated; again before round 14
    // after a killed run: the copies there must be recognised, not copied again.
    let mut killed = 0;
    for round in 0..20 {
        if round > 0 {
            src.churn(25);
        }
        if round == 7 {
            p.clean_run();
            src.recreate();
        }
        if round == 14 {
            src.recreate();
        }
        let total = size(&mut src.c).0;
        let have = size(&mut watcher).0;
        let target = if total > have && src.rng.below(2) == 0 {
            Some(have + 1 + src.rng.below(total - have))
        } else {
            None
        };
        let delay = Duration::from_millis(src.rng.below(250));
        let err = p.dir.join(format!("round-{round}.err"));
        let mut child = p
            .cmd(&["--quiet"], "src", "dst")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&err).unwrap())
            .spawn()
            .unwrap();
        let start = Instant::now();
        loop {
            if let Some(st) = child.try_wait().unwrap() {
                assert!(
                    st.success(),
                    "round {round}: {st}: {}",
                    std::fs::read_to_string(&err).unwrap_or_default()
                );
                break;
            }
            let due = match target {
                Some(t) => size(&mut watcher).0 >= t,
                None => start.elapsed() >= delay,
            };
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "round {round}: a run hangs"
            );
            if due {
                child.kill().unwrap(); // SIGKILL: no cleanup of any kind
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let st = child.wait().unwrap();
        if st.signal() == Some(9) {
            killed += 1;
        }
        eprintln!(
            "round {round}: {} → {} messages of {total} in {:?}, {}",
            have,
            size(&mut watcher).0,
            start.elapsed(),
            match target {
                Some(t) if st.signal() == Some(9) => format!("killed at {t}"),
                None if st.signal() == Some(9) => format!("killed after {delay:?}"),
                Some(t) => format!("ended by itself before {t}"),
                None => format!("ended by itself before {delay:?}"),
            }
        );
    }
    eprintln!("{killed} of 20 runs killed before they ended");
    assert!(
        killed >= 15,
        "only {killed} of 20 runs were killed before they ended"
    );
    let rows = p.clean_run();
    assert_eq!(
        rows.len(),
        8,
        "INBOX, Work, Work/Reports and 5 special-use: {rows:?}"
    );
    assert_mirror(&p);
    eprintln!("{:?}", t0.elapsed());
    let _ = std::fs::remove_dir_all(&p.dir);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn migrate_through_a_cutting_proxy() {
    let t0 = Instant::now();
    let proxy = CuttingProxy::start(User::n(25).port);
    let p = Pair::new("migrate-cut", 25, 26, Some(proxy.port));
    let mut src = Source {
        c: p.src.client(),
        rng: Lcg(test_seed(0x5eed_0012)),
        next: 0,
    };
    src.seed(150, [4, 1, 2, 3]);
    let mut watcher = p.dst.client();

    // Each round: the source changes (15 new messages among them; RECREATED recreated
    // before round 10), and a migrate runs with one side's connections (or both sides',
    // every tenth round) through the proxy, cut after a seeded number of bytes counted in
    // one direction: what the source sends (listings, the messages), what is sent to it
    // (commands), what the destination sends (its holdings, APPEND results) or what is
    // sent to it (the uploads); anywhere in what a connection carries (measured by a run
    // that is undone, see `Pair::measure`), and in one round of five within the
    // destination's answer to an upload. Each run succeeds or fails with a sentence, exit
    // status 1 — and a run that succeeds must have copied everything.
    let (mut failures, mut landed) = (0, 0);
    for round in 0..20 {
        if round > 0 {
            src.churn(15);
        }
        if round == 10 {
            src.recreate();
        }
        let (n_src, b_src) = size(&mut src.c);
        let (n_dst, b_dst) = size(&mut watcher);
        let new = b_src.saturating_sub(b_dst);
        let (from, to, toward) = match round % 5 {
            0 if round % 10 == 0 => ("srcp", "dstp", Toward::Client),
            0 => ("srcp", "dst", Toward::Client),
            1 => ("srcp", "dst", Toward::Server),
            2 | 4 => ("src", "dstp", Toward::Client),
            _ => ("src", "dstp", Toward::Server),
        };
        let (traffic, marks) = p.measure(&proxy, from, to);
        let most = traffic
            .iter()
            .map(|t| if toward == Toward::Client { t.0 } else { t.1 })
            .max()
            .unwrap_or(0);
        let bytes = if round % 5 == 4 && !marks.is_empty() {
            // Within the answer to an upload (the tagged OK of an APPEND), so that the
            // messages are in but the client never hears it.
            marks[src.rng.below(marks.len() as u64) as usize] + src.rng.below(100)
        } else {
            src.rng.below(most + 200)
        };
        proxy.cut_after(bytes, toward);
        let cuts = proxy.cuts();
        let t = Instant::now();
        let r = Run::of(&mut p.cmd(&["--quiet", "--timeout", "10"], from, to));
        let cut = proxy.cuts() - cuts;
        if cut > 0 {
            landed += 1;
        }
        eprintln!(
            "round {round}: {from} → {to}, cut after {bytes} bytes toward the {toward:?} \
             ({n_dst} of {n_src} there, {new} bytes new): exit {} after {:?}, {cut} \
             connection(s) cut; {}",
            r.code,
            t.elapsed(),
            r.stderr.lines().last().unwrap_or("")
        );
        assert!(
            matches!(r.code, 0 | 1),
            "exit {}: {}{}",
            r.code,
            r.stdout,
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        if r.code == 0 {
            // Success means all of it: a cut that went unnoticed would show here.
            let diff = differences(&account(&mut src.c), &account(&mut watcher));
            assert!(
                diff.is_empty(),
                "round {round}: exit 0 but {} difference(s):\n{}\n--- stderr\n{}",
                diff.len(),
                diff.join("\n"),
                r.stderr
            );
        }
        if r.code == 1 {
            assert!(
                r.stderr.contains("imap4: "),
                "a failure without a word on stderr:\n--- stdout\n{}\n--- stderr\n{}",
                r.stdout,
                r.stderr
            );
            failures += 1;
        }
    }
    eprintln!(
        "{landed} of 20 runs had connections cut ({} in all), {failures} failed",
        proxy.cuts()
    );
    // A cut late in a connection (its LOGOUT, or a worker's connection with nothing left
    // to do) may leave the run whole: then it succeeded, and was checked for it above.
    assert!(
        landed >= 15,
        "only {landed} of 20 runs had a connection cut"
    );
    assert!(failures >= 7, "only {failures} of 20 cut runs failed");
    proxy.pass();
    p.clean_run();
    assert_mirror(&p);
    eprintln!("{:?}", t0.elapsed());
    let _ = std::fs::remove_dir_all(&p.dir);
}
