//! `imap4 backup` and `imap4 verify` against the private Dovecot: the commands and their
//! output, reruns, a tree of mailboxes, bad arguments, a tampered backup; and the crash
//! tests: the process killed with SIGKILL at 20 seeded random moments (the server changing
//! in between), and the connection cut at 20 seeded byte offsets by a proxy, for backup
//! and for restore. After each series, one more run, and the backup (or the restored
//! mailbox) must hold exactly the messages, byte for byte, each once, with their flags and
//! dates. Users: niaj (IMAP4_USER14), olivia (15).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use imap4::blocking::Client;
use imap4::proto::date::InternalDate;
use imap4::proto::encode::StoreMode;
use imap4::proto::{Flag, SequenceSet};

fn add(c: &mut Client, mb: &str, i: usize, size: usize, flags: &[Flag]) -> u32 {
    let body = format!(
        "From: sender{i}@example.com\r\nSubject: m{i} Grüße\r\nMessage-ID: <{i}.{mb}@t>\r\n\r\n{}\r\n",
        "x".repeat(size)
    );
    let date = InternalDate::from_unix(1_400_000_000 + i as i64 * 3_600, -300).unwrap();
    c.append(mb, body.into_bytes(), flags.iter().cloned(), Some(date))
        .unwrap()
        .unwrap()
        .uid
}

/// The Maildir `dir` holds exactly `mb`'s messages, each once, bytes, flags, dates.
fn assert_mirror(c: &mut Client, mb: &str, dir: &Path) {
    let srv = server(c, mb);
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(".imap4-state.json")).unwrap()).unwrap();
    let msgs = state["messages"].as_object().unwrap();
    let got: Vec<u32> = msgs.keys().map(|k| k.parse().unwrap()).collect();
    let mut want: Vec<u32> = srv.keys().copied().collect();
    want.sort_unstable();
    let mut got_sorted = got.clone();
    got_sorted.sort_unstable();
    assert_eq!(got_sorted, want, "UIDs in the state");
    let mut files = 0;
    for d in ["cur", "new"] {
        files += std::fs::read_dir(dir.join(d)).unwrap().count();
    }
    assert_eq!(files, srv.len(), "one file per message, no more");
    assert_eq!(
        std::fs::read_dir(dir.join("tmp")).unwrap().count(),
        0,
        "tmp/ is clean"
    );
    for (uid, (bytes, flags, date)) in &srv {
        let e = &msgs[&uid.to_string()];
        let path = dir.join(e["file"].as_str().unwrap());
        assert_eq!(&std::fs::read(&path).unwrap(), bytes, "bytes of UID {uid}");
        let fl: Vec<String> = e["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect();
        assert_eq!(&fl, flags, "flags of UID {uid}");
        let mtime = std::fs::metadata(&path)
            .unwrap()
            .modified()
            .unwrap()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        assert_eq!(mtime, *date, "date of UID {uid}");
    }
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn backup_and_verify() {
    let u = User::n(14);
    let mut c = u.client();
    let mb = "cb-one";
    fresh(&mut c, mb);
    let mut uids = Vec::new();
    for i in 0..8 {
        let fl = if i % 2 == 0 {
            vec![Flag::Seen]
        } else {
            vec![Flag::parse(b"$Label1")]
        };
        uids.push(add(&mut c, mb, i, 100 * i, &fl));
    }
    let dir = temp_dir("backup-one");
    let d = dir.join("inbox");
    let ds = d.to_str().unwrap();

    let r = u.run(&["--json", "backup", mb, "--to", ds]).ok();
    let j = &r.json()[0];
    assert_keys(
        j,
        &[
            "mailbox",
            "status",
            "path",
            "fetched",
            "bytes",
            "flags_updated",
            "removed",
            "kept",
            "recovered",
            "duplicates_removed",
            "failed",
            "uid_validity_change",
            "unchanged",
            "server_messages",
            "local_messages",
            "interrupted",
            "notes",
            "verified",
            "error",
        ],
    );
    assert_eq!(
        (j["status"].as_str(), j["fetched"].as_u64()),
        (Some("ok"), Some(8))
    );
    assert_eq!(j["verified"]["missing"], serde_json::json!([]));
    assert_mirror(&mut c, mb, &d);

    // The table, and a rerun with nothing to do.
    let r = u.run(&["backup", mb, "--to", ds]).ok();
    assert!(r.stdout.contains("unchanged"), "{}", r.stdout);
    assert!(r.stderr.contains("0 new message(s)"), "{}", r.stderr);

    // Changes on the server, then --no-delete.
    c.select(mb).unwrap();
    c.uid_store(uids[1], StoreMode::Add, [Flag::Flagged])
        .unwrap();
    c.uid_store(uids[2], StoreMode::Add, [Flag::Deleted])
        .unwrap();
    c.uid_expunge(uids[2]).unwrap();
    add(&mut c, mb, 50, 10, &[]);
    let r = u
        .run(&["--json", "backup", mb, "--to", ds, "--no-delete"])
        .ok();
    let j = &r.json()[0];
    assert_eq!(
        (
            j["fetched"].as_u64(),
            j["flags_updated"].as_u64(),
            j["kept"].as_u64()
        ),
        (Some(1), Some(1), Some(1)),
        "{j}"
    );

    // verify: good, then a file removed and another truncated.
    let r = u.run(&["verify", mb, "--from", ds]).ok();
    assert!(r.stdout.contains(" ok"), "{}", r.stdout);
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join(".imap4-state.json")).unwrap()).unwrap();
    let f1 = state["messages"][uids[0].to_string()]["file"]
        .as_str()
        .unwrap()
        .to_string();
    let f3 = state["messages"][uids[3].to_string()]["file"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::remove_file(d.join(&f1)).unwrap();
    std::fs::write(d.join(&f3), b"short").unwrap();
    let r = u.run(&["--json", "verify", mb, "--from", ds]).code(1);
    let j = &r.json()[0];
    assert_eq!(j["ok"], false);
    assert_eq!(j["missing"], serde_json::json!([uids[0]]));
    assert_eq!(j["size_mismatch"], serde_json::json!([uids[3]]));
    // A rerun repairs the missing file (the truncated one is the user's doing: reported).
    let r = u
        .run(&["--json", "backup", mb, "--to", ds, "--no-delete"])
        .code(1);
    let j = &r.json()[0];
    assert_eq!(j["fetched"], 1, "{j}");
    assert_eq!(j["status"], "incomplete", "{j}");

    // Bad arguments: exit 2 before connecting, with a sentence.
    let r = u.run(&["backup", "--to", ds]).code(2);
    assert!(r.stderr.contains("--all"), "{}", r.stderr);
    let r = u.run(&["backup", mb, "cb-other", "--to", ds]).code(2);
    assert!(r.stderr.contains("single mailbox"), "{}", r.stderr);
    let r = u.run(&["backup", "other", "--to", ds]).code(2);
    assert!(r.stderr.contains("not of \"other\""), "{}", r.stderr);
    let r = u.run(&["backup", "no\r\nsuch", "--to", ds]).code(2);
    assert!(r.stderr.contains("control character"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn backup_a_tree() {
    let u = User::n(14);
    let mut c = u.client();
    let top = "cb-tree";
    fresh(&mut c, top);
    let names = [top, "cb-tree/Übersicht", "cb-tree/2024"];
    for n in &names[1..] {
        c.create(n).unwrap();
    }
    for (i, n) in names.iter().enumerate() {
        for j in 0..(i + 2) {
            add(&mut c, n, j, 50, &[]);
        }
    }
    let dir = temp_dir("backup-tree");
    let ds = dir.to_str().unwrap();
    let r = u
        .run(&[
            "--json",
            "backup",
            names[0],
            names[1],
            names[2],
            "cb-missing",
            "--to",
            ds,
            "-j",
            "2",
        ])
        .code(1);
    let rows = r.json();
    assert_eq!(rows.len(), 4);
    let by: BTreeMap<String, &serde_json::Value> = rows
        .iter()
        .map(|r| (r["mailbox"].as_str().unwrap().to_string(), r))
        .collect();
    assert_eq!(by["cb-missing"]["status"], "failed");
    assert!(by["cb-missing"]["error"]
        .as_str()
        .unwrap()
        .contains("no such mailbox"));
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(".imap4-backup.json")).unwrap()).unwrap();
    for n in names {
        assert_eq!(by[n]["status"], "ok", "{}", by[n]);
        let p = dir.join(index["mailboxes"][n].as_str().unwrap());
        assert_mirror(&mut c, n, &p);
    }
    assert_eq!(index["mailboxes"]["cb-tree/Übersicht"], "cb-tree/Übersicht");
    let r = u.run(&["verify", "--all", "--from", ds]).ok();
    assert_eq!(r.stdout.matches(" ok").count(), 3, "{}", r.stdout);
    // A tree is not the backup of one mailbox.
    let r = u.run(&["backup", top, "--to", ds]).code(2);
    assert!(r.stderr.contains("several mailboxes"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    remove_tree(&mut c, top);
}

/// The messages for the crash tests: mostly small, a few big (streamed, several chunks).
fn seed(c: &mut Client, mb: &str, rng: &mut Lcg, from: usize, n: usize) {
    for i in from..from + n {
        let size = if rng.below(10) == 0 {
            200_000 + rng.below(300_000) as usize
        } else {
            rng.below(4000) as usize
        };
        let flags = match rng.below(4) {
            0 => vec![Flag::Seen],
            1 => vec![Flag::Flagged, Flag::parse(b"$Junk")],
            _ => vec![],
        };
        add(c, mb, i, size, &flags);
    }
}

/// Some of everything between two runs: `n` new messages, flag changes, expunges.
/// Returns the bytes of the new messages.
fn churn(c: &mut Client, mb: &str, rng: &mut Lcg, next: &mut usize, n: usize) -> u64 {
    let before: u64 = server(c, mb).values().map(|v| v.0.len() as u64).sum();
    seed(c, mb, rng, *next, n);
    *next += n;
    let all = uids(c, mb);
    c.select(mb).unwrap();
    for _ in 0..5 {
        let u = all[rng.below(all.len() as u64) as usize];
        let f = if rng.below(2) == 0 {
            Flag::Seen
        } else {
            Flag::parse(b"Later")
        };
        let mode = if rng.below(2) == 0 {
            StoreMode::Add
        } else {
            StoreMode::Remove
        };
        c.uid_store(u, mode, [f]).unwrap();
    }
    for _ in 0..2 {
        let u = all[rng.below(all.len() as u64) as usize];
        c.uid_store(u, StoreMode::Add, [Flag::Deleted]).unwrap();
        c.uid_expunge(u).unwrap();
    }
    let after: u64 = server(c, mb).values().map(|v| v.0.len() as u64).sum();
    after.saturating_sub(before)
}

fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn backup_killed_at_random_points() {
    let u = User::n(15);
    let mut c = u.client();
    let mb = "cb-kill";
    fresh(&mut c, mb);
    let mut rng = Lcg(0x5eed_0001);
    seed(&mut c, mb, &mut rng, 0, 100);
    let mut next = 100;
    let dir = temp_dir("backup-kill");
    let md = dir.join("m");
    let ds = md.to_str().unwrap();

    // Each round: the server changes (30 new messages among them), a backup starts, and
    // is killed with SIGKILL once a seeded number of them (0 to 30) is in cur/ — from
    // before the connection to after the last file, through fsyncs, renames and state
    // writes — or when the process ended by itself.
    let mut killed = 0;
    for round in 0..20 {
        if round > 0 {
            churn(&mut c, mb, &mut rng, &mut next, 30);
        }
        let have = files_in(&md.join("cur"));
        let target = have + rng.below(31) as usize;
        let mut child = u
            .cmd()
            .args(["--quiet", "backup", mb, "--to", ds])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let end = Instant::now() + Duration::from_secs(60);
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if files_in(&md.join("cur")) >= target || Instant::now() > end {
                child.kill().unwrap(); // SIGKILL: no cleanup of any kind
                killed += 1;
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        child.wait().unwrap();
    }
    eprintln!("{killed} of 20 runs killed before they ended");
    assert!(
        killed >= 15,
        "only {killed} of 20 runs were killed before they ended"
    );
    let r = u.run(&["--json", "backup", mb, "--to", ds]).ok();
    assert_eq!(r.json()[0]["status"], "ok");
    assert_mirror(&mut c, mb, &md);
    let _ = std::fs::remove_dir_all(&dir);
    remove_tree(&mut c, mb);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn backup_through_a_cutting_proxy() {
    let u = User::n(15);
    let mut c = u.client();
    let mb = "cb-cut";
    fresh(&mut c, mb);
    let mut rng = Lcg(0x5eed_0002);
    seed(&mut c, mb, &mut rng, 0, 120);
    let total: u64 = server(&mut c, mb).values().map(|v| v.0.len() as u64).sum();
    let proxy = CuttingProxy::start(u.port);
    let mut via = u.clone();
    via.port = proxy.port;
    let dir = temp_dir("backup-cut");
    let ds = dir.join("m");
    let ds = ds.to_str().unwrap();
    let mut failures = 0;
    let mut next = 120;
    let mut fresh_bytes = total;
    for round in 0..20 {
        if round > 0 {
            fresh_bytes = churn(&mut c, mb, &mut rng, &mut next, 20);
        }
        // Anywhere from the greeting to the end of what this run has to download.
        proxy.cut_after(rng.below(fresh_bytes + 3000), Toward::Client);
        let r = via.run(&["--quiet", "--timeout", "10", "backup", mb, "--to", ds]);
        assert!(matches!(r.code, 0 | 1), "exit {}: {}", r.code, r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        if r.code == 1 {
            failures += 1;
        }
    }
    eprintln!("{failures} of 20 runs cut short");
    assert!(failures >= 10, "only {failures} of 20 cut runs failed");
    drop(proxy);
    let r = u.run(&["--json", "backup", mb, "--to", ds]).ok();
    assert_eq!(r.json()[0]["status"], "ok");
    assert_mirror(&mut c, mb, Path::new(ds));
    let _ = std::fs::remove_dir_all(&dir);
    remove_tree(&mut c, mb);
}

/// What a mailbox holds by Message-ID: how many copies, and (bytes, flags, date) of one.
fn by_id(c: &mut Client, mb: &str) -> BTreeMap<String, (usize, Msg)> {
    let mut out: BTreeMap<String, (usize, Msg)> = BTreeMap::new();
    for (_, m) in server(c, mb) {
        let h = imap4::mime::Headers::parse(&m.0);
        let id = String::from_utf8_lossy(h.get("Message-ID").unwrap_or(b"?")).to_string();
        let e = out.entry(id).or_insert((0, m.clone()));
        e.0 += 1;
    }
    out
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn restore_command() {
    let u = User::n(14);
    let mut c = u.client();
    let (src, dst) = ("cr-src", "cr-dst");
    fresh(&mut c, src);
    remove_tree(&mut c, dst);
    remove_tree(&mut c, "cr-dry");
    for i in 0..10 {
        let fl = match i % 3 {
            0 => vec![Flag::Seen, Flag::parse(b"$Work")],
            1 => vec![Flag::Answered],
            _ => vec![],
        };
        add(&mut c, src, i, 300 * i, &fl);
    }
    let dir = temp_dir("restore-cmd");
    let d = dir.join("b");
    let ds = d.to_str().unwrap();
    u.run(&["--quiet", "backup", src, "--to", ds]).ok();

    let r = u.run(&["--json", "restore", ds, "--to", dst]).ok();
    let j = &r.json()[0];
    assert_keys(
        j,
        &[
            "mailbox",
            "status",
            "source",
            "appended",
            "bytes",
            "skipped",
            "failed",
            "keywords_dropped",
            "created",
            "interrupted",
            "error",
        ],
    );
    assert_eq!(
        (
            j["status"].as_str(),
            j["appended"].as_u64(),
            j["created"].as_bool()
        ),
        (Some("ok"), Some(10), Some(true)),
        "{j}"
    );
    assert_eq!(
        by_id(&mut c, dst),
        by_id(&mut c, src),
        "bytes, flags, dates, once each"
    );
    let r = u.run(&["restore", ds, "--to", dst]).ok();
    assert!(r.stdout.contains(" 10 "), "all skipped: {}", r.stdout);
    assert_eq!(by_id(&mut c, dst), by_id(&mut c, src));

    // --dry-run creates nothing.
    let r = u
        .run(&["--json", "restore", ds, "--to", "cr-dry", "--dry-run"])
        .ok();
    assert_eq!(r.json()[0]["appended"], 10);
    assert!(c.list("", "cr-dry").unwrap().is_empty());

    // Bad arguments.
    let r = u.run(&["restore", ds]).code(2);
    assert!(r.stderr.contains("--to"), "{}", r.stderr);
    let r = u
        .run(&["restore", "/nonexistent/backup", "--to", dst])
        .code(2);
    assert!(r.stderr.contains("no such file"), "{}", r.stderr);
    let r = u.run(&["restore", ds, "--all"]).code(2);
    assert!(r.stderr.contains("is not one"), "{}", r.stderr);
    let r = u.run(&["restore", ds, "--to", "bad\nname"]).code(2);
    assert!(r.stderr.contains("control character"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    remove_tree(&mut c, src);
    remove_tree(&mut c, dst);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn restore_killed_at_random_points() {
    let u = User::n(15);
    let mut c = u.client();
    let (src, dst) = ("cr-ksrc", "cr-kdst");
    fresh(&mut c, src);
    remove_tree(&mut c, dst);
    let mut rng = Lcg(0x5eed_0003);
    seed(&mut c, src, &mut rng, 0, 200);
    let dir = temp_dir("restore-kill");
    let d = dir.join("b");
    let ds = d.to_str().unwrap();
    u.run(&["--quiet", "backup", src, "--to", ds]).ok();

    // Each round: some of the destination's messages are deleted (so there is work), a
    // restore starts, and is killed with SIGKILL once the destination holds a seeded
    // number of messages between what it had and all (or when it ended by itself).
    let mut killed = 0;
    let mut watcher = u.client();
    for round in 0..20 {
        let have = if round == 0 {
            Vec::new()
        } else {
            uids(&mut c, dst)
        };
        let mut gone = SequenceSet::new();
        for u in &have {
            if rng.below(3) == 0 {
                gone.insert(*u).unwrap();
            }
        }
        if !gone.is_empty() {
            c.select(dst).unwrap();
            c.uid_store(gone.clone(), StoreMode::Add, [Flag::Deleted])
                .unwrap();
            c.uid_expunge(gone.clone()).unwrap();
            let _ = c.unselect();
        }
        let n0 = (have.len() - gone.len(200) as usize) as u64;
        let target = (n0 + rng.below(200 - n0 + 1)) as u32;
        let mut child = u
            .cmd()
            .args(["--quiet", "restore", ds, "--to", dst])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let end = Instant::now() + Duration::from_secs(60);
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            let n = watcher
                .status(dst, [imap4::proto::encode::StatusAttr::Messages])
                .ok()
                .and_then(|s| s.messages)
                .unwrap_or(0);
            if n >= target || Instant::now() > end {
                child.kill().unwrap();
                killed += 1;
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        child.wait().unwrap();
    }
    eprintln!("{killed} of 20 restores killed before they ended");
    assert!(
        killed >= 5,
        "only {killed} of 20 restores were killed before they ended"
    );
    let r = u.run(&["--json", "restore", ds, "--to", dst]).ok();
    assert_eq!(r.json()[0]["status"], "ok");
    let got = by_id(&mut c, dst);
    assert!(got.values().all(|v| v.0 == 1), "a message uploaded twice");
    assert_eq!(got, by_id(&mut c, src));
    let _ = std::fs::remove_dir_all(&dir);
    remove_tree(&mut c, src);
    remove_tree(&mut c, dst);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn restore_through_a_cutting_proxy() {
    let u = User::n(15);
    let mut c = u.client();
    let (src, dst) = ("cr-csrc", "cr-cdst");
    fresh(&mut c, src);
    remove_tree(&mut c, dst);
    let mut rng = Lcg(test_seed(0x5eed_0004));
    seed(&mut c, src, &mut rng, 0, 120);
    let dir = temp_dir("restore-cut");
    let d = dir.join("b");
    let ds = d.to_str().unwrap();
    u.run(&["--quiet", "backup", src, "--to", ds]).ok();
    let proxy = CuttingProxy::start(u.port);
    let mut via = u.clone();
    via.port = proxy.port;

    // Each round: some of the destination's messages are deleted (so there is work), and
    // a restore runs through the proxy, which cuts its connection after a seeded number of
    // bytes: every other round of what the client sends (commands and the uploads), else
    // of what the server sends (greeting, TLS, the listing of what the mailbox holds,
    // APPEND results).
    let (mut failures, mut landed) = (0, 0);
    for round in 0..20 {
        let have = if round == 0 {
            BTreeMap::new()
        } else {
            server(&mut c, dst)
        };
        let mut gone = SequenceSet::new();
        for u in have.keys() {
            if rng.below(3) == 0 {
                gone.insert(*u).unwrap();
            }
        }
        if !gone.is_empty() {
            c.select(dst).unwrap();
            c.uid_store(gone.clone(), StoreMode::Add, [Flag::Deleted])
                .unwrap();
            c.uid_expunge(gone.clone()).unwrap();
            let _ = c.unselect();
        }
        // How many bytes this run moves each way: measured by a run through the proxy
        // uncut, whose uploads and restore map are then undone (the UIDs differ, so the
        // count can be off by a few bytes).
        let map = d.join(".imap4-restore.json");
        let map_before = std::fs::read(&map).ok();
        let existed = !c.list("", dst).unwrap().is_empty();
        let last = if existed {
            uids(&mut c, dst).last().copied().unwrap_or(0)
        } else {
            0
        };
        proxy.pass();
        let _ = proxy.traffic();
        via.run(&["--quiet", "restore", ds, "--to", dst]).ok();
        let (down, up) = proxy
            .traffic()
            .into_iter()
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        if existed {
            let new: SequenceSet = uids(&mut c, dst)
                .into_iter()
                .filter(|u| *u > last)
                .collect();
            if !new.is_empty() {
                c.select(dst).unwrap();
                c.uid_store(new.clone(), StoreMode::Add, [Flag::Deleted])
                    .unwrap();
                c.uid_expunge(new).unwrap();
                let _ = c.unselect();
            }
        } else {
            remove_tree(&mut c, dst);
        }
        match map_before {
            Some(b) => std::fs::write(&map, b).unwrap(),
            None => std::fs::remove_file(&map).unwrap(),
        }
        // Anywhere in what the client sends, or in what the server sends; and in one
        // round of four within the last 400 bytes the server sends, where the result of
        // the last APPEND is: the messages are in, but the client never heard.
        let (bytes, toward) = match round % 4 {
            0 | 2 => (rng.below(up + 200), Toward::Server),
            1 => (rng.below(down + 200), Toward::Client),
            _ => (down.saturating_sub(1 + rng.below(400)), Toward::Client),
        };
        proxy.cut_after(bytes, toward);
        let cuts = proxy.cuts();
        let r = via.run(&["--quiet", "--timeout", "10", "restore", ds, "--to", dst]);
        if proxy.cuts() > cuts {
            landed += 1;
        }
        assert!(matches!(r.code, 0 | 1), "exit {}: {}", r.code, r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        if r.code == 1 {
            assert!(!r.stderr.trim().is_empty(), "a failure without a word");
            failures += 1;
        } else {
            // Cut after the work (in its LOGOUT): then it is all there.
            assert_eq!(by_id(&mut c, dst), by_id(&mut c, src), "round {round}");
        }
    }
    eprintln!("{landed} of 20 restores had their connection cut, {failures} failed",);
    assert!(
        landed >= 18,
        "only {landed} of 20 restores had their connection cut"
    );
    assert!(failures >= 12, "only {failures} of 20 cut restores failed");
    // The clean rerun through the proxy (the restore map remembers this destination).
    proxy.pass();
    let r = via.run(&["--json", "restore", ds, "--to", dst]).ok();
    assert_eq!(r.json()[0]["status"], "ok");
    let got = by_id(&mut c, dst);
    assert!(got.values().all(|v| v.0 == 1), "a message uploaded twice");
    assert_eq!(got, by_id(&mut c, src));
    let _ = std::fs::remove_dir_all(&dir);
    remove_tree(&mut c, src);
    remove_tree(&mut c, dst);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn mbox_tree_backup_verify_restore() {
    let u = User::n(14);
    let mut c = u.client();
    let top = "cb-mbox";
    fresh(&mut c, top);
    c.create("cb-mbox/Ünter").unwrap();
    for (i, n) in [top, "cb-mbox/Ünter"].iter().enumerate() {
        for j in 0..3 {
            let fl = if j == 0 {
                vec![Flag::Seen, Flag::parse(b"$Work")]
            } else {
                vec![]
            };
            add(&mut c, n, 10 * i + j, 100, &fl);
        }
    }
    let dir = temp_dir("backup-mbox");
    let ds = dir.to_str().unwrap();
    let r = u
        .run(&[
            "--json",
            "backup",
            top,
            "cb-mbox/Ünter",
            "--to",
            ds,
            "--format",
            "mbox",
        ])
        .ok();
    assert!(
        r.json()
            .iter()
            .all(|j| j["status"] == "ok" && j["fetched"] == 3),
        "{}",
        r.stdout
    );
    assert!(dir.join("cb-mbox.mbox").is_file());
    assert!(dir.join("cb-mbox/Ünter.mbox").is_file());
    let r = u.run(&["verify", "--all", "--from", ds]).ok();
    assert_eq!(r.stdout.matches(" ok").count(), 2, "{}", r.stdout);
    // Restored below a prefix: the same messages, flags and dates.
    remove_tree(&mut c, "cb-mrest");
    c.create("cb-mrest").unwrap();
    u.run(&["--quiet", "restore", ds, "--all", "--to", "cb-mrest"])
        .ok();
    for n in [top, "cb-mbox/Ünter"] {
        assert_eq!(
            by_id(&mut c, &format!("cb-mrest/{n}")),
            by_id(&mut c, n),
            "{n}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    remove_tree(&mut c, top);
    remove_tree(&mut c, "cb-mrest");
}
