//! Migration between two accounts of the private Dovecot (`scripts/dovecot`; run by
//! `scripts/test`): the plan, a first copy (keywords, a 20 MB message, non-ASCII names,
//! special-use mailboxes), reruns (nothing new; new mail and flag changes; a lost state
//! file), `--map`, `--exclude`, a dry run. Users: quentin (IMAP4_USER17) → rupert (18).

use std::collections::BTreeMap;

use imap4::blocking::Client;
use imap4::proto::date::InternalDate;
use imap4::proto::encode::{FetchAttr, StoreMode};
use imap4::proto::{Flag, Section, SequenceSet};
use imap4_sync::backup::NoObserver;
use imap4_sync::migrate::{migrate, MigrateOptions, MigrateState};

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} not set: eval \"$(scripts/dovecot env)\""))
}

fn login(n: u8) -> Client {
    let port: u16 = env("IMAP4_PORT").parse().unwrap();
    let mut c = Client::connect(("127.0.0.1", port)).expect("connect");
    c.allow_plaintext_login(true);
    c.login(
        &env(&format!("IMAP4_USER{n}")),
        &env(&format!("IMAP4_PASS{n}")),
    )
    .expect("login");
    c
}

/// Empties every mailbox of the account and deletes all but the special ones.
fn wipe(c: &mut Client) {
    let keep = ["INBOX", "Drafts", "Sent", "Trash", "Junk", "Archive"];
    let mut names: Vec<String> = c
        .list("", "*")
        .unwrap()
        .into_iter()
        .map(|l| l.mailbox.name().to_string())
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    for n in names {
        if keep.contains(&n.as_str()) {
            let st = c.select(&n).unwrap();
            if st.exists > 0 {
                let all = SequenceSet::parse(b"1:*").unwrap();
                c.store(&all, StoreMode::Add, [Flag::Deleted]).unwrap();
                c.expunge().unwrap();
            }
            c.unselect().unwrap();
        } else {
            let _ = c.delete(&n);
        }
    }
}

fn add(c: &mut Client, mb: &str, body: String, flags: &[Flag], secs: i64) -> u32 {
    let d = InternalDate::from_unix(secs, 120).unwrap();
    c.append(mb, body.into_bytes(), flags.iter().cloned(), Some(d))
        .unwrap()
        .unwrap()
        .uid
}

fn msg(id: &str, extra: &str) -> String {
    format!("From: a@example.com\r\nSubject: {id}\r\nMessage-ID: <{id}@mig>\r\n\r\n{extra}\r\n")
}

/// A mailbox by Message-ID: (copies, bytes, sorted flags, date).
fn by_id(c: &mut Client, mb: &str) -> BTreeMap<String, (usize, Vec<u8>, Vec<String>, i64)> {
    let st = c.examine(mb).unwrap();
    let mut out = BTreeMap::new();
    if st.exists == 0 {
        return out;
    }
    let attrs = [
        FetchAttr::Flags,
        FetchAttr::InternalDate,
        FetchAttr::body_peek(Section::default()),
    ];
    for f in c
        .fetch(&SequenceSet::parse(b"1:*").unwrap(), attrs)
        .unwrap()
    {
        let f = f.unwrap();
        let body = f.body().unwrap().to_vec();
        let h = imap4::mime::Headers::parse(&body);
        let id = String::from_utf8_lossy(h.get("Message-ID").unwrap()).to_string();
        let mut fl: Vec<String> = f
            .flags()
            .unwrap()
            .iter()
            .filter(|f| **f != Flag::Recent)
            .map(|f| f.to_string())
            .collect();
        fl.sort();
        let e = out
            .entry(id)
            .or_insert((0, body, fl, f.internal_date().unwrap().to_unix()));
        e.0 += 1;
    }
    out
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn dovecot_to_dovecot() {
    let (mut s, mut d) = (login(17), login(18));
    wipe(&mut s);
    wipe(&mut d);
    s.create("mg/Ärger").unwrap();
    s.create("mg/skip-me").unwrap();
    s.create("Lists").unwrap();
    add(
        &mut s,
        "INBOX",
        msg("i1", "x"),
        &[Flag::Seen],
        1_600_000_000,
    );
    add(
        &mut s,
        "INBOX",
        msg("i2", "y"),
        &[Flag::parse(b"$Todo")],
        1_600_000_100,
    );
    add(
        &mut s,
        "Sent",
        msg("s1", "z"),
        &[Flag::Seen, Flag::Answered],
        1_600_000_200,
    );
    add(
        &mut s,
        "mg/Ärger",
        msg("a1", "ä"),
        &[Flag::parse(b"Work"), Flag::Flagged],
        1_500_000_000,
    );
    let big = msg(
        "big",
        &"0123456789abcdef0123456789abcdef\r\n".repeat(600_000),
    );
    add(&mut s, "mg/Ärger", big, &[], 1_500_000_300);
    add(&mut s, "mg/skip-me", msg("k1", ""), &[], 1_500_000_400);
    add(&mut s, "Lists", msg("l1", ""), &[], 1_500_000_500);

    let dir = std::env::temp_dir().join(format!("imap4-mig-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let state = dir.join("state.json");
    let cs = || Ok::<_, imap4_sync::backup::ConnectError>(login(17));
    let cd = || Ok::<_, imap4_sync::backup::ConnectError>(login(18));
    let opts = MigrateOptions {
        exclude: vec!["mg/skip*".into()],
        map: vec![("Lists".into(), "Old/Lists".into())],
        ..MigrateOptions::default()
    };

    // A dry run plans, counts and changes nothing.
    let dry = MigrateOptions {
        dry_run: true,
        ..opts.clone()
    };
    let (plans, items) = migrate(&cs, &cd, &state, &dry, 2, &NoObserver).unwrap();
    let pairs: Vec<(String, String)> = plans
        .iter()
        .map(|p| (p.source.clone(), p.dest.clone()))
        .collect();
    for want in [
        ("INBOX", "INBOX"),
        ("Sent", "Sent"),
        ("mg/Ärger", "mg/Ärger"),
        ("Lists", "Old/Lists"),
    ] {
        assert!(
            pairs.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} in {pairs:?}"
        );
    }
    assert!(
        !pairs.iter().any(|p| p.0.starts_with("mg/skip")),
        "excluded"
    );
    assert_eq!(
        plans
            .iter()
            .find(|p| p.source == "Sent")
            .unwrap()
            .role
            .as_deref(),
        Some("\\Sent")
    );
    let n: u64 = items
        .iter()
        .map(|i| i.result.as_ref().unwrap().copied)
        .sum();
    assert_eq!(n, 6, "six to copy");
    assert!(
        d.list("", "Old/Lists").unwrap().is_empty(),
        "a dry run creates nothing"
    );
    assert!(!state.exists());

    // The copy.
    let (_, items) = migrate(&cs, &cd, &state, &opts, 2, &NoObserver).unwrap();
    for i in &items {
        let r = i.result.as_ref().unwrap();
        assert!(r.failed.is_empty(), "{r:?}");
    }
    for (a, b) in [
        ("INBOX", "INBOX"),
        ("Sent", "Sent"),
        ("mg/Ärger", "mg/Ärger"),
        ("Lists", "Old/Lists"),
    ] {
        assert_eq!(by_id(&mut d, b), by_id(&mut s, a), "{a} -> {b}");
    }
    assert!(d.list("", "mg/skip*").unwrap().is_empty());

    // A rerun: nothing to do.
    let (_, items) = migrate(&cs, &cd, &state, &opts, 2, &NoObserver).unwrap();
    let copied: u64 = items
        .iter()
        .map(|i| i.result.as_ref().unwrap().copied)
        .sum();
    assert_eq!(copied, 0);

    // New mail and flag changes at the source.
    add(&mut s, "INBOX", msg("i3", "new"), &[], 1_600_000_300);
    s.select("INBOX").unwrap();
    s.store(
        SequenceSet::single(1).unwrap(),
        StoreMode::Add,
        [Flag::Flagged],
    )
    .unwrap();
    s.store(
        SequenceSet::single(2).unwrap(),
        StoreMode::Remove,
        [Flag::parse(b"$Todo")],
    )
    .unwrap();
    s.unselect().unwrap();
    let (_, items) = migrate(&cs, &cd, &state, &opts, 2, &NoObserver).unwrap();
    let inbox = items.iter().find(|i| i.plan.source == "INBOX").unwrap();
    let r = inbox.result.as_ref().unwrap();
    assert_eq!((r.copied, r.flags_updated), (1, 2), "{r:?}");
    assert_eq!(by_id(&mut d, "INBOX"), by_id(&mut s, "INBOX"));

    // The state is lost (a crash before its first write): nothing is copied twice.
    std::fs::remove_file(&state).unwrap();
    let (_, items) = migrate(&cs, &cd, &state, &opts, 2, &NoObserver).unwrap();
    let copied: u64 = items
        .iter()
        .map(|i| i.result.as_ref().unwrap().copied)
        .sum();
    let skipped: u64 = items
        .iter()
        .map(|i| i.result.as_ref().unwrap().skipped)
        .sum();
    assert_eq!((copied, skipped), (0, 7));
    for (a, b) in [
        ("INBOX", "INBOX"),
        ("Sent", "Sent"),
        ("mg/Ärger", "mg/Ärger"),
        ("Lists", "Old/Lists"),
    ] {
        let got = by_id(&mut d, b);
        assert!(got.values().all(|v| v.0 == 1), "{b}: a duplicate");
        assert_eq!(got, by_id(&mut s, a), "{a} -> {b}");
    }
    let st = MigrateState::load(&state).unwrap();
    assert_eq!(st.mailboxes["INBOX"].done.len(), 3);
    let _ = std::fs::remove_dir_all(&dir);
}
