//! The backup engine against the private Dovecot (`scripts/dovecot`; run by
//! `scripts/test`): first run, reruns with nothing and with everything changed (new mail,
//! flags, keywords, expunges), each way of finding changes (QRESYNC, CONDSTORE, a full
//! listing), `--no-delete`, recovery from a lost or broken state file and from files left
//! by a killed run, a UIDVALIDITY change, and a tree of mailboxes on two connections.
//! Every check compares the files with the server's own bytes, flags and dates.
//! User: mallory (IMAP4_USER13).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use imap4::blocking::Client;
use imap4::proto::date::InternalDate;
use imap4::proto::encode::{Criteria, FetchAttr, StoreMode};
use imap4::proto::{Flag, Section, SequenceSet};
use imap4_sync::backup::{
    backup_mailbox, backup_tree, Changes, Fsync, NoObserver, Options, Selection,
};
use imap4_sync::source::Source;
use imap4_sync::state::MailboxState;
use imap4_sync::verify::verify_mailbox;

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} not set: eval \"$(scripts/dovecot env)\""))
}

fn client() -> Client {
    let port: u16 = env("IMAP4_PORT").parse().unwrap();
    let mut c = Client::connect(("127.0.0.1", port)).expect("connect");
    c.allow_plaintext_login(true);
    c.login(&env("IMAP4_USER13"), &env("IMAP4_PASS13"))
        .expect("login");
    c
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("imap4-sync-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn fresh(c: &mut Client, name: &str) {
    if c.mailbox().is_some() {
        let _ = c.unselect();
    }
    let mut names: Vec<String> = c
        .list("", &format!("{name}*"))
        .unwrap_or_default()
        .into_iter()
        .map(|l| l.mailbox.name().to_string())
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    for n in names {
        let _ = c.delete(&n);
    }
    c.create(name).expect("CREATE");
}

fn msg(i: usize, extra: &str) -> Vec<u8> {
    format!(
        "From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.com>\r\nTo: m@example.com\r\n\
         Subject: message {i} {extra}\r\nMessage-ID: <{i}.{extra}@sync.example>\r\n\r\n\
         body {i}\r\n{}\r\n",
        "line of text\r\n".repeat(i % 7)
    )
    .into_bytes()
}

fn date(i: usize) -> InternalDate {
    InternalDate::from_unix(1_500_000_000 + i as i64 * 86_400, 60).unwrap()
}

fn add(c: &mut Client, mb: &str, body: Vec<u8>, flags: &[Flag], d: InternalDate) -> u32 {
    c.append(mb, body, flags.iter().cloned(), Some(d))
        .unwrap()
        .unwrap()
        .uid
}

/// What the server has: UID → (bytes, flags without \Recent, INTERNALDATE as Unix time).
fn server(c: &mut Client, mb: &str) -> BTreeMap<u32, (Vec<u8>, Vec<String>, i64)> {
    let st = c.examine(mb).unwrap();
    let mut out = BTreeMap::new();
    if st.exists == 0 {
        return out;
    }
    let all = SequenceSet::parse(b"1:*").unwrap();
    let attrs = [
        FetchAttr::Uid,
        FetchAttr::Flags,
        FetchAttr::InternalDate,
        FetchAttr::body_peek(Section::default()),
    ];
    for f in c.uid_fetch(&all, attrs).unwrap() {
        let f = f.unwrap();
        let mut fl: Vec<String> = f
            .flags()
            .unwrap()
            .iter()
            .filter(|f| **f != Flag::Recent)
            .map(|f| f.to_string())
            .collect();
        fl.sort();
        out.insert(
            f.uid().unwrap(),
            (
                f.body().unwrap().to_vec(),
                fl,
                f.internal_date().unwrap().to_unix(),
            ),
        );
    }
    out
}

/// The backup holds exactly the server's messages: bytes, flags (state and file name),
/// dates (file mtime), nothing else, each once.
fn assert_mirror(c: &mut Client, mb: &str, dir: &Path) {
    let srv = server(c, mb);
    let st = MailboxState::load(dir).unwrap().expect("a state");
    assert_eq!(
        st.messages.keys().collect::<Vec<_>>(),
        srv.keys().collect::<Vec<_>>(),
        "UIDs"
    );
    let mut files = 0;
    for d in ["cur", "new"] {
        files += std::fs::read_dir(dir.join(d)).unwrap().count();
    }
    assert_eq!(files, srv.len(), "one file per message");
    for (uid, (bytes, flags, when)) in &srv {
        let e = &st.messages[uid];
        let path = dir.join(&e.file);
        assert_eq!(&std::fs::read(&path).unwrap(), bytes, "bytes of {uid}");
        assert_eq!(&e.flags, flags, "flags of {uid}");
        let mtime = std::fs::metadata(&path)
            .unwrap()
            .modified()
            .unwrap()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        assert_eq!(mtime, *when, "date of {uid}");
    }
    // Read back as a Maildir: the same flags come out of the file names.
    let mut back: Vec<Vec<String>> = Source::open(dir)
        .unwrap()
        .map(|m| {
            let mut f: Vec<String> = m.unwrap().flags.iter().map(|f| f.to_string()).collect();
            f.sort();
            f
        })
        .collect();
    back.sort();
    let mut want: Vec<Vec<String>> = srv.values().map(|v| v.1.clone()).collect();
    want.sort();
    assert_eq!(back, want, "flags read back from the Maildir");
    let v = verify_mailbox(c, mb, dir).unwrap();
    assert!(v.is_ok() && v.flags_differ.is_empty(), "{v:?}");
}

fn run(c: &mut Client, mb: &str, dir: &Path, opts: &Options) -> imap4_sync::backup::Report {
    let r = backup_mailbox(c, mb, dir, opts, &NoObserver).unwrap();
    assert!(r.failed.is_empty(), "{r:?}");
    // The engine's own check ran (the default) unless nothing changed, and agrees.
    match &r.verified {
        Some(v) => assert!(v.is_ok(), "{v:?}"),
        None => assert!(r.unchanged, "{r:?}"),
    }
    r
}

fn incremental(mb: &str, changes: Changes, fsync: Fsync) {
    let mut c = client();
    fresh(&mut c, mb);
    let dir = temp(mb);
    let opts = Options {
        changes,
        fsync,
        batch: 7, // several FETCH commands per run
        ..Options::default()
    };
    let junk = Flag::parse(b"$Junk");
    let work = Flag::parse(b"Work");
    let mut uids = Vec::new();
    for i in 0..20 {
        let flags: Vec<Flag> = match i % 4 {
            0 => vec![Flag::Seen],
            1 => vec![Flag::Flagged, junk.clone()],
            2 => vec![Flag::Answered, Flag::Seen, work.clone()],
            _ => vec![],
        };
        uids.push(add(&mut c, mb, msg(i, mb), &flags, date(i)));
    }
    // A big one (streamed in chunks) and one without a Message-ID.
    let big = format!(
        "Subject: big\r\nMessage-ID: <big@x>\r\n\r\n{}",
        "0123456789abcdef\r\n".repeat(200_000)
    );
    uids.push(add(&mut c, mb, big.into_bytes(), &[], date(30)));
    uids.push(add(
        &mut c,
        mb,
        b"Subject: no id\r\n\r\nx\r\n".to_vec(),
        &[],
        date(31),
    ));

    let r = run(&mut c, mb, &dir, &opts);
    assert_eq!((r.fetched, r.unchanged), (22, false), "{r:?}");
    assert_mirror(&mut c, mb, &dir);
    let kw = std::fs::read_to_string(dir.join("dovecot-keywords")).unwrap();
    assert!(kw.contains("$Junk") && kw.contains("Work"), "{kw}");

    // Nothing changed.
    let r = run(&mut c, mb, &dir, &opts);
    assert_eq!(r.fetched + r.flags_updated + r.removed, 0, "{r:?}");
    if changes != Changes::Full {
        assert!(r.unchanged, "{r:?}");
    }

    // New mail, flag and keyword changes, expunges.
    c.select(mb).unwrap();
    let new: Vec<u32> = (40..43)
        .map(|i| add(&mut c, mb, msg(i, mb), &[Flag::Draft], date(i)))
        .collect();
    c.select(mb).unwrap();
    c.uid_store(uids[3], StoreMode::Add, [Flag::Flagged])
        .unwrap();
    c.uid_store(uids[4], StoreMode::Remove, [Flag::Seen])
        .unwrap();
    c.uid_store(uids[5], StoreMode::Add, [Flag::parse(b"Later")])
        .unwrap();
    c.uid_store(uids[1], StoreMode::Remove, [junk.clone()])
        .unwrap();
    c.uid_store(uids[7], StoreMode::Add, [Flag::Deleted])
        .unwrap();
    c.uid_store(uids[8], StoreMode::Add, [Flag::Deleted])
        .unwrap();
    c.uid_expunge(SequenceSet::from_iter([uids[7], uids[8]]))
        .unwrap();
    let r = run(&mut c, mb, &dir, &opts);
    assert_eq!(r.fetched, 3, "{r:?}");
    assert_eq!(r.removed, 2, "{r:?}");
    // uids[4] had no \Seen to remove (i % 4 == 0 has it: 4 % 4 == 0, so it changes).
    assert_eq!(r.flags_updated, 4, "{r:?}");
    assert_mirror(&mut c, mb, &dir);
    let _ = new;

    // --no-delete keeps the file of an expunged message, out of the mirror's accounts.
    c.select(mb).unwrap();
    c.uid_store(uids[0], StoreMode::Add, [Flag::Deleted])
        .unwrap();
    c.uid_expunge(uids[0]).unwrap();
    let keep = Options {
        delete: false,
        ..opts.clone()
    };
    let r = run(&mut c, mb, &dir, &keep);
    assert_eq!((r.kept, r.removed), (1, 0), "{r:?}");
    let st = MailboxState::load(&dir).unwrap().unwrap();
    assert_eq!(st.kept.len(), 1);
    assert!(dir.join(&st.kept[0]).is_file());
    assert!(!st.messages.contains_key(&uids[0]));
    let v = verify_mailbox(&mut c, mb, &dir).unwrap();
    assert!(v.is_ok(), "{v:?}");
    // And a later run leaves it alone.
    let r = run(&mut c, mb, &dir, &opts);
    assert_eq!(r.removed + r.fetched, 0, "{r:?}");
    assert!(dir.join(&st.kept[0]).is_file());
    std::fs::remove_dir_all(&dir).unwrap();
    let _ = c.unselect();
    let _ = c.delete(mb);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn incremental_with_qresync() {
    incremental("sync-q", Changes::Auto, Fsync::Grouped);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn incremental_with_condstore() {
    // The per-file fsync pool too.
    incremental("sync-c", Changes::CondStore, Fsync::EachFile);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn incremental_with_full_listings() {
    incremental("sync-f", Changes::Full, Fsync::Grouped);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn recovers_what_a_killed_run_left() {
    let mb = "sync-rec";
    let mut c = client();
    fresh(&mut c, mb);
    for i in 0..12 {
        add(&mut c, mb, msg(i, mb), &[Flag::Seen], date(i));
    }
    let dir = temp(mb);
    let opts = Options::default();
    run(&mut c, mb, &dir, &opts);

    // The state file is lost (killed before its first write): every file is recognised
    // by its name, nothing is downloaded again.
    std::fs::remove_file(dir.join(".imap4-state.json")).unwrap();
    let r = run(&mut c, mb, &dir, &opts);
    assert_eq!((r.recovered, r.fetched), (12, 0), "{r:?}");
    assert_mirror(&mut c, mb, &dir);

    // A broken state file: said, and rebuilt the same way.
    std::fs::write(dir.join(".imap4-state.json"), b"{\"version\":1,\"mail").unwrap();
    let r = run(&mut c, mb, &dir, &opts);
    assert_eq!((r.recovered, r.fetched), (12, 0), "{r:?}");
    assert!(r.notes.iter().any(|n| n.contains("rebuilt")), "{r:?}");
    assert_mirror(&mut c, mb, &dir);

    // A half-written file in tmp/ and a second copy of a message (another info): the
    // first is cleaned up, the second removed, so each message is there once.
    std::fs::write(dir.join("tmp/7-1-s1-1.imap4.999"), b"partial").unwrap();
    let st = MailboxState::load(&dir).unwrap().unwrap();
    let (uid, e) = st.messages.iter().next().unwrap();
    let copy = e.file.replace(":2,S", ":2,FS");
    std::fs::copy(dir.join(&e.file), dir.join(&copy)).unwrap();
    let r = run(&mut c, mb, &dir, &opts);
    assert_eq!(r.duplicates_removed, 1, "{r:?}");
    assert_eq!(std::fs::read_dir(dir.join("tmp")).unwrap().count(), 0);
    assert_mirror(&mut c, mb, &dir);

    // A file deleted by hand is downloaded again.
    let st = MailboxState::load(&dir).unwrap().unwrap();
    std::fs::remove_file(dir.join(&st.messages[uid].file)).unwrap();
    let r = run(&mut c, mb, &dir, &opts);
    assert_eq!(r.fetched, 1, "{r:?}");
    assert_mirror(&mut c, mb, &dir);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn uidvalidity_change_rematches() {
    let mb = "sync-uv";
    let mut c = client();
    fresh(&mut c, mb);
    let bodies: Vec<Vec<u8>> = (0..6)
        .map(|i| {
            if i == 5 {
                b"Subject: no message-id\r\nX-N: 5\r\n\r\nbody\r\n".to_vec()
            } else {
                msg(i, mb)
            }
        })
        .collect();
    for (i, b) in bodies.iter().enumerate() {
        add(&mut c, mb, b.clone(), &[], date(i));
    }
    let dir = temp(mb);
    let opts = Options::default();
    run(&mut c, mb, &dir, &opts);
    let old_uv = MailboxState::load(&dir).unwrap().unwrap().uid_validity;

    // The mailbox is recreated: messages 0-3 and 5 come back (same bytes and dates),
    // 4 does not, and there is a new one.
    fresh(&mut c, mb);
    for (i, b) in bodies.iter().enumerate() {
        if i != 4 {
            add(&mut c, mb, b.clone(), &[Flag::Seen], date(i));
        }
    }
    add(&mut c, mb, msg(99, mb), &[], date(99));
    let r = run(&mut c, mb, &dir, &opts);
    let ch = r.uid_validity_change.clone().expect("reported");
    assert_eq!(Some(ch.old), old_uv);
    assert_ne!(Some(ch.new), old_uv);
    assert_eq!((ch.rematched, ch.removed, r.fetched), (5, 1, 1), "{r:?}");
    assert_mirror(&mut c, mb, &dir);
    for d in ["cur", "new"] {
        for e in std::fs::read_dir(dir.join(d)).unwrap() {
            let n = e.unwrap().file_name().into_string().unwrap();
            assert!(n.starts_with(&format!("{}-", ch.new)), "{n}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn a_tree_of_mailboxes() {
    let mut c = client();
    // (Dovecot refuses `cur`, `..` and the like itself; names.rs tests those.)
    let names = ["sync-t", "sync-t/Ärger", "sync-t/a.b", "sync-t/.hidden"];
    fresh(&mut c, "sync-t");
    for n in &names[1..] {
        c.create(n).unwrap();
    }
    for (i, n) in names.iter().enumerate() {
        for j in 0..=i {
            add(&mut c, n, msg(j, &format!("t{i}")), &[], date(j));
        }
    }
    let dir = temp("tree");
    let connect = || Ok::<_, imap4_sync::backup::ConnectError>(client());
    let mut sel: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    sel.push("sync-t/missing".into());
    let items = backup_tree(
        &connect,
        &Selection::Names(sel.clone()),
        &dir,
        &Options::default(),
        2,
        &NoObserver,
    )
    .unwrap();
    assert_eq!(items.len(), 5);
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(".imap4-backup.json")).unwrap()).unwrap();
    for it in &items {
        if it.mailbox == "sync-t/missing" {
            let e = it.result.as_ref().unwrap_err().to_string();
            assert!(e.contains("no such mailbox"), "{e}");
            continue;
        }
        let r = it.result.as_ref().unwrap();
        let rel = index["mailboxes"][&it.mailbox].as_str().unwrap();
        assert_eq!(r.path, dir.join(rel));
        assert!(r.path.starts_with(&dir));
        assert_mirror(&mut c, &it.mailbox, &r.path);
    }
    assert_eq!(index["mailboxes"]["sync-t/.hidden"], "sync-t/_.hidden");
    // A rerun changes nothing.
    let items = backup_tree(
        &connect,
        &Selection::Names(sel),
        &dir,
        &Options::default(),
        2,
        &NoObserver,
    )
    .unwrap();
    for it in items.iter().filter(|i| i.mailbox != "sync-t/missing") {
        assert!(it.result.as_ref().unwrap().unchanged, "{it:?}");
    }
    let _ = c.uid_search(Criteria::All);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// What a mailbox holds, by Message-ID: bytes, flags, date (UIDs differ after a restore).
fn by_id(c: &mut Client, mb: &str) -> BTreeMap<String, (Vec<u8>, Vec<String>, i64)> {
    server(c, mb)
        .into_values()
        .map(|(b, f, d)| {
            let h = imap4::mime::Headers::parse(&b);
            let id = String::from_utf8_lossy(h.get("Message-ID").unwrap_or(b"?")).to_string();
            (id, (b, f, d))
        })
        .collect()
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn restore_round_trip() {
    use imap4_sync::restore::{restore_mailbox, restore_tree, RestoreOptions};
    let mb = "sync-rs";
    let mut c = client();
    fresh(&mut c, mb);
    // 28 keywords: more than a Maildir file name has letters for.
    for i in 0..28 {
        let flags = [Flag::parse(format!("kw{i}").as_bytes()), Flag::Seen];
        add(&mut c, mb, msg(i, mb), &flags[..1 + i % 2], date(i));
    }
    let dir = temp(mb);
    run(&mut c, mb, &dir, &Options::default());
    let before = by_id(&mut c, mb);
    assert_eq!(before.len(), 28);

    let _ = c.unselect();
    c.delete(mb).unwrap();
    let opts = RestoreOptions {
        batch_messages: 10,
        ..RestoreOptions::default()
    };
    let r = restore_mailbox(&mut c, &dir, mb, "test", &opts, &NoObserver).unwrap();
    assert_eq!((r.appended, r.skipped, r.created), (28, 0, true), "{r:?}");
    assert!(r.failed.is_empty(), "{r:?}");
    assert_eq!(
        by_id(&mut c, mb),
        before,
        "bytes, flags (all 28 keywords) and dates"
    );

    // Again: everything is there (by the restore map) ...
    let r = restore_mailbox(&mut c, &dir, mb, "test", &opts, &NoObserver).unwrap();
    assert_eq!((r.appended, r.skipped), (0, 28), "{r:?}");
    // ... and without the map, by Message-ID and size (a crash before the map was written).
    std::fs::remove_file(dir.join(imap4_sync::restore::RESTORE_FILE)).unwrap();
    let r = restore_mailbox(&mut c, &dir, mb, "test", &opts, &NoObserver).unwrap();
    assert_eq!((r.appended, r.skipped), (0, 28), "{r:?}");
    // Half of it gone: the other half comes back.
    c.select(mb).unwrap();
    let uids = c.uid_search(Criteria::All).unwrap();
    let half: SequenceSet = uids.iter().copied().take(14).collect();
    c.uid_store(half.clone(), StoreMode::Add, [Flag::Deleted])
        .unwrap();
    c.uid_expunge(half).unwrap();
    let r = restore_mailbox(&mut c, &dir, mb, "test", &opts, &NoObserver).unwrap();
    assert_eq!((r.appended, r.skipped), (14, 14), "{r:?}");
    assert_eq!(by_id(&mut c, mb), before);
    std::fs::remove_dir_all(&dir).unwrap();

    // A tree, restored below a prefix.
    let tree = temp("rs-tree");
    fresh(&mut c, "sync-rt");
    c.create("sync-rt/Ünter").unwrap();
    add(&mut c, "sync-rt", msg(1, "rt"), &[Flag::Flagged], date(1));
    add(&mut c, "sync-rt/Ünter", msg(2, "rt"), &[], date(2));
    let connect = || Ok::<_, imap4_sync::backup::ConnectError>(client());
    let names = Selection::Names(vec!["sync-rt".into(), "sync-rt/Ünter".into()]);
    backup_tree(&connect, &names, &tree, &Options::default(), 2, &NoObserver).unwrap();
    fresh(&mut c, "sync-rr");
    let items = restore_tree(
        &connect,
        &tree,
        Some("sync-rr"),
        "test",
        &opts,
        2,
        &NoObserver,
    )
    .unwrap();
    let got: Vec<(String, u64)> = items
        .iter()
        .map(|i| (i.mailbox.clone(), i.result.as_ref().unwrap().appended))
        .collect();
    assert_eq!(
        got,
        [
            ("sync-rr/sync-rt".to_string(), 1),
            ("sync-rr/sync-rt/Ünter".to_string(), 1)
        ]
    );
    assert_eq!(by_id(&mut c, "sync-rr/sync-rt"), by_id(&mut c, "sync-rt"));
    assert_eq!(
        by_id(&mut c, "sync-rr/sync-rt/Ünter"),
        by_id(&mut c, "sync-rt/Ünter")
    );
    std::fs::remove_dir_all(&tree).unwrap();
}

/// An mbox backup read back through the source reader: by Message-ID, (bytes, flags, date).
fn mbox_by_id(file: &Path) -> BTreeMap<String, (Vec<u8>, Vec<String>, i64)> {
    let mut out = BTreeMap::new();
    for m in Source::open(file).unwrap() {
        let m = m.unwrap();
        let h = imap4::mime::Headers::parse(&m.bytes);
        let id = String::from_utf8_lossy(h.get("Message-ID").unwrap_or(b"?")).to_string();
        let mut fl: Vec<String> = m.flags.iter().map(|f| f.to_string()).collect();
        fl.sort();
        let old = out.insert(id.clone(), (m.bytes, fl, m.date.unwrap().to_unix()));
        assert!(old.is_none(), "{id} twice in the mbox");
    }
    out
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn mbox_backups() {
    use imap4_sync::mbox::{backup_mbox, state_path};
    let mb = "sync-mbox";
    let mut c = client();
    fresh(&mut c, mb);
    let mut uids = Vec::new();
    for i in 0..8 {
        let flags: Vec<Flag> = match i % 3 {
            0 => vec![Flag::Seen, Flag::parse(b"$Junk")],
            1 => vec![Flag::Answered, Flag::Flagged, Flag::Draft],
            _ => vec![],
        };
        uids.push(add(&mut c, mb, msg(i, mb), &flags, date(i)));
    }
    let tricky = "Subject: quoting\r\nMessage-ID: <from@x>\r\n\r\nFrom the start\r\n>From quoted\r\n\r\nFrom again\r\n";
    // (mbox has no way to say that a message's last line had no line end: such a line
    // gets one, the one difference an mbox backup makes to a message.)
    uids.push(add(&mut c, mb, tricky.as_bytes().to_vec(), &[], date(20)));
    let big = format!(
        "Subject: big\r\nMessage-ID: <big@mbox>\r\n\r\n{}",
        "abcdefgh\r\n".repeat(150_000)
    );
    uids.push(add(&mut c, mb, big.into_bytes(), &[Flag::Seen], date(21)));
    let dir = temp("mbox");
    let file = dir.join("box.mbox");
    let opts = Options {
        batch: 4,
        ..Options::default()
    };
    let check = |c: &mut Client| {
        let want: BTreeMap<_, _> = by_id(c, mb);
        let got = mbox_by_id(&file);
        let brief = |m: &BTreeMap<String, (Vec<u8>, Vec<String>, i64)>| -> Vec<String> {
            m.iter()
                .map(|(k, v)| {
                    format!(
                        "{k} {} {:?} {} {:?}",
                        v.0.len(),
                        v.1,
                        v.2,
                        &v.0[v.0.len().saturating_sub(6)..]
                    )
                })
                .collect()
        };
        assert_eq!(
            brief(&got),
            brief(&want),
            "the mbox holds the server's messages"
        );
        assert!(got == want, "same bytes");
        let v = imap4_sync::verify::verify_mbox(c, mb, &file).unwrap();
        assert!(v.is_ok() && v.flags_differ.is_empty(), "{v:?}");
    };
    let r = backup_mbox(&mut c, mb, &file, &opts, &NoObserver).unwrap();
    assert_eq!(r.fetched, 10, "{r:?}");
    check(&mut c);
    let r = backup_mbox(&mut c, mb, &file, &opts, &NoObserver).unwrap();
    assert!(r.unchanged, "{r:?}");

    // Only new mail: appended.
    let size = std::fs::metadata(&file).unwrap().len();
    add(&mut c, mb, msg(30, mb), &[], date(30));
    let r = backup_mbox(&mut c, mb, &file, &opts, &NoObserver).unwrap();
    assert_eq!(r.fetched, 1);
    assert!(std::fs::metadata(&file).unwrap().len() > size);
    check(&mut c);

    // Flags, an expunge and new mail: rewritten.
    c.select(mb).unwrap();
    c.uid_store(uids[2], StoreMode::Add, [Flag::Seen, Flag::parse(b"Later")])
        .unwrap();
    c.uid_store(uids[3], StoreMode::Remove, [Flag::Seen])
        .unwrap();
    c.uid_store(uids[4], StoreMode::Add, [Flag::Deleted])
        .unwrap();
    c.uid_expunge(uids[4]).unwrap();
    add(&mut c, mb, msg(31, mb), &[Flag::Flagged], date(31));
    let r = backup_mbox(&mut c, mb, &file, &opts, &NoObserver).unwrap();
    assert_eq!((r.fetched, r.removed, r.flags_updated), (1, 1, 2), "{r:?}");
    check(&mut c);

    // An interrupted append left half a message at the end: cut off, then appended again.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap()
        .write_all(b"From MAILER-DAEMON Thu Jan  1 00:00:00 1970\nSubject: half")
        .unwrap();
    add(&mut c, mb, msg(32, mb), &[], date(32));
    let r = backup_mbox(&mut c, mb, &file, &opts, &NoObserver).unwrap();
    assert_eq!(r.fetched, 1);
    check(&mut c);

    // A rewrite killed between its two renames, on either side of the first.
    let next = {
        let mut p = state_path(&file).into_os_string();
        p.push(".next");
        PathBuf::from(p)
    };
    let mut tmp = file.clone().into_os_string();
    tmp.push(".imap4-new");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&next, b"{\"garbage\": true}").unwrap();
    std::fs::write(&tmp, b"From x\n\nhalf a rewrite\n").unwrap();
    let r = backup_mbox(&mut c, mb, &file, &opts, &NoObserver).unwrap();
    assert!(r.unchanged, "undone: the old file and state stand: {r:?}");
    assert!(!next.exists() && !tmp.exists());
    check(&mut c);
    // After the first rename: the new file is in place, its state beside it.
    std::fs::copy(state_path(&file), &next).unwrap();
    std::fs::write(state_path(&file), b"{\"version\": 1, \"old").unwrap();
    let r = backup_mbox(&mut c, mb, &file, &opts, &NoObserver).unwrap();
    assert!(r.unchanged && r.notes.is_empty(), "finished: {r:?}");
    check(&mut c);

    // The mailbox recreated: the saved messages are matched again, not downloaded.
    let all = by_id(&mut c, mb);
    fresh(&mut c, mb);
    for (bytes, flags, d) in all.values() {
        let fl: Vec<Flag> = flags.iter().map(|f| Flag::parse(f.as_bytes())).collect();
        c.append(mb, bytes.clone(), fl, InternalDate::from_unix(*d, 0))
            .unwrap();
    }
    let r = backup_mbox(&mut c, mb, &file, &opts, &NoObserver).unwrap();
    let ch = r.uid_validity_change.clone().unwrap();
    assert_eq!((ch.rematched, r.fetched), (all.len() as u64, 0), "{r:?}");
    check(&mut c);
    std::fs::remove_dir_all(&dir).unwrap();
}
