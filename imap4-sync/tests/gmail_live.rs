//! Migrating out of Gmail with labels turned into folders: a fake Gmail (tests/fake_gmail,
//! Gmail's label model: one message, a folder per label) as the source, the private
//! Dovecot (`scripts/dovecot`; run by `scripts/test`) as the destination, user gina
//! (IMAP4_USER27). Each message must be downloaded once, land in the folder of each of
//! its labels (unlabelled ones in the archive), byte for byte with its flags and date;
//! Starred and Important make no folder, Spam and Trash are copied as they are; reruns
//! copy nothing again and follow new labels, new mail and flag changes.

mod fake_gmail;

use std::collections::BTreeMap;

use fake_gmail::FakeGmail;
use imap4::blocking::Client;
use imap4::proto::encode::{FetchAttr, StoreMode};
use imap4::proto::{Flag, Section, SequenceSet};
use imap4_sync::backup::NoObserver;
use imap4_sync::migrate::{migrate, plan, MigrateOptions, MigrateState};

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} not set: eval \"$(scripts/dovecot env)\""))
}

fn dovecot(n: u8) -> Client {
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

fn gmail(port: u16) -> Client {
    let mut c = Client::connect(("127.0.0.1", port)).expect("connect");
    c.allow_plaintext_login(true);
    c.login("me@gmail.com", "app-password").expect("login");
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

fn msg(id: &str, body: &str) -> Vec<u8> {
    format!("From: a@example.com\r\nSubject: {id}\r\nMessage-ID: <{id}@gm>\r\n\r\n{body}\r\n")
        .into_bytes()
}

/// A Dovecot mailbox by Message-ID: (copies, bytes, sorted flags, date).
type Content = BTreeMap<String, (usize, Vec<u8>, Vec<String>, i64)>;

fn content(c: &mut Client, mb: &str) -> Content {
    let mut out = BTreeMap::new();
    let Ok(st) = c.examine(mb) else {
        return out;
    };
    if st.exists > 0 {
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
    }
    let _ = c.unselect();
    out
}

/// What the fake holds in a folder, in the same shape.
fn expected(g: &FakeGmail, folder: &str) -> Content {
    let st = g.store.lock().unwrap();
    let mut out = BTreeMap::new();
    for i in st.shown(folder) {
        let m = &st.msgs[i];
        let h = imap4::mime::Headers::parse(&m.data);
        let id = String::from_utf8_lossy(h.get("Message-ID").unwrap()).to_string();
        let mut fl: Vec<String> = m.flags.iter().cloned().collect();
        fl.sort();
        let date = imap4::proto::date::InternalDate::parse(m.date.as_bytes())
            .unwrap()
            .to_unix();
        out.insert(id, (1, m.data.clone(), fl, date));
    }
    out
}

fn ids(c: &Content) -> Vec<&str> {
    c.keys().map(String::as_str).collect()
}

fn run(g: &FakeGmail, state: &std::path::Path, opts: &MigrateOptions) -> Vec<(String, u64)> {
    let port = g.port;
    let cs = || Ok(gmail(port));
    let cd = || Ok(dovecot(27));
    let (_, items) = migrate(&cs, &cd, state, opts, 2, &NoObserver).unwrap();
    items
        .into_iter()
        .map(|i| {
            let r = i.result.unwrap();
            assert!(r.failed.is_empty(), "{:?}", r.failed);
            (i.plan.source, r.copied)
        })
        .collect()
}

fn downloads(g: &FakeGmail) -> Vec<usize> {
    g.store
        .lock()
        .unwrap()
        .msgs
        .iter()
        .map(|m| m.downloads)
        .collect()
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn gmail_labels_become_folders() {
    let g = FakeGmail::start("me@gmail.com", "app-password");
    let big: String = (0..40_000)
        .map(|i| format!("line {i} of a big message\r\n"))
        .collect(); // ~1 MB: over stream_over below, so spooled and sent twice from the file
    {
        let mut st = g.store.lock().unwrap();
        let d = "05-Dec-2026 10:00:00 +0100";
        st.add(&msg("inbox-only", "a"), &["\\Inbox"], &["\\Seen"], d);
        st.add(&msg("inbox-work", "b"), &["\\Inbox", "Work"], &[], d);
        st.add(
            &msg("work-rust", "c"),
            &["Work", "Lists/rust"],
            &["$Todo"],
            "01-Feb-2020 08:30:00 +0000",
        );
        st.add(&msg("archived", "d"), &[], &["\\Seen"], d);
        st.add(&msg("sent", "e"), &["\\Sent"], &["\\Seen"], d);
        st.add(&msg("draft", "f"), &["\\Draft"], &["\\Draft"], d);
        st.add(&msg("trashed", "g"), &["\\Trash"], &[], d);
        st.add(&msg("spam", "h"), &["\\Spam"], &[], d);
        st.add(
            &msg("starred", "i"),
            &["\\Inbox", "\\Important"],
            &["\\Flagged", "\\Seen"],
            d,
        );
        st.add(&msg("big", &big), &["\\Inbox", "Work"], &[], d);
        st.add(&msg("important-only", "j"), &["\\Important"], &[], d);
        st.add(&msg("Ärger", "k"), &["Projekte/Ärger"], &[], d);
    }
    let mut d = dovecot(27);
    wipe(&mut d);
    let dir = std::env::temp_dir().join(format!("imap4-gmail-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let state = dir.join("state.json");
    let opts = MigrateOptions {
        stream_over: 256 << 10,
        ..MigrateOptions::default()
    };

    // The plan: All Mail with a route per label folder; Spam and Trash on their own.
    let mut s = gmail(g.port);
    let plans = plan(&mut s, &mut d, &opts).unwrap();
    let shown: Vec<(&str, &str)> = plans
        .iter()
        .map(|p| (p.source.as_str(), p.dest.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("[Gmail]/All Mail", "Archive"),
            ("[Gmail]/Spam", "Junk"),
            ("[Gmail]/Trash", "Trash")
        ]
    );
    let routes: Vec<(&str, &str)> = plans[0]
        .labels
        .iter()
        .map(|r| (r.label.as_str(), r.dest.as_str()))
        .collect();
    assert_eq!(
        routes,
        [
            ("\\Draft", "Drafts"),
            ("\\Inbox", "INBOX"),
            ("Lists/rust", "Lists/rust"),
            ("Projekte/Ärger", "Projekte/Ärger"),
            ("\\Sent", "Sent"),
            ("Work", "Work"),
        ]
    );

    let copied = run(&g, &state, &opts);
    // 10 messages in All Mail, three of them filed twice; one each in Spam and Trash.
    let total: u64 = copied.iter().map(|c| c.1).sum();
    assert_eq!(total, 15, "{copied:?}");
    assert!(
        downloads(&g).iter().all(|n| *n == 1),
        "each message downloaded once: {:?}",
        downloads(&g)
    );
    let check = |d: &mut Client, dest: &str, folder: &str, want: &[&str]| {
        let got = content(d, dest);
        assert_eq!(ids(&got), want, "{dest}");
        let exp = expected(&g, folder);
        for (id, v) in &got {
            assert_eq!(v.0, 1, "{dest}: {id} once");
            let e = &exp[id];
            assert!(v.1 == e.1, "{dest}: {id} byte for byte");
            assert_eq!(v.2, e.2, "{dest}: {id} flags");
            assert_eq!(v.3, e.3, "{dest}: {id} date");
        }
    };
    check(
        &mut d,
        "INBOX",
        "INBOX",
        &[
            "<big@gm>",
            "<inbox-only@gm>",
            "<inbox-work@gm>",
            "<starred@gm>",
        ],
    );
    check(
        &mut d,
        "Work",
        "Work",
        &["<big@gm>", "<inbox-work@gm>", "<work-rust@gm>"],
    );
    check(&mut d, "Lists/rust", "Lists/rust", &["<work-rust@gm>"]);
    check(&mut d, "Projekte/Ärger", "Projekte/Ärger", &["<Ärger@gm>"]);
    check(
        &mut d,
        "Archive",
        "[Gmail]/All Mail",
        &["<archived@gm>", "<important-only@gm>"],
    );
    check(&mut d, "Sent", "[Gmail]/Sent Mail", &["<sent@gm>"]);
    check(&mut d, "Drafts", "[Gmail]/Drafts", &["<draft@gm>"]);
    check(&mut d, "Trash", "[Gmail]/Trash", &["<trashed@gm>"]);
    check(&mut d, "Junk", "[Gmail]/Spam", &["<spam@gm>"]);
    let names: Vec<String> = d
        .list("", "*")
        .unwrap()
        .iter()
        .map(|l| l.mailbox.name().to_string())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.contains("Starred") || n.contains("Important") || n.contains("Gmail")),
        "{names:?}"
    );
    let saved = MigrateState::load(&state).unwrap();
    assert_eq!(saved.labels["[Gmail]/All Mail"].len(), 7);

    // A rerun with nothing changed copies and downloads nothing.
    let copied = run(&g, &state, &opts);
    assert!(copied.iter().all(|c| c.1 == 0), "{copied:?}");
    assert!(downloads(&g).iter().all(|n| *n == 1));

    // A new label on an archived message, a new message, a flag change: each followed.
    {
        let mut st = g.store.lock().unwrap();
        st.edit(3, |m| {
            m.labels.insert("Work".into());
        });
        st.edit(0, |m| {
            m.flags.insert("\\Answered".into());
        });
        st.add(
            &msg("new", "l"),
            &["\\Inbox"],
            &[],
            "04-Dec-2026 09:00:00 +0000",
        );
    }
    let copied = run(&g, &state, &opts);
    let total: u64 = copied.iter().map(|c| c.1).sum();
    assert_eq!(total, 2, "{copied:?}");
    check(
        &mut d,
        "Work",
        "Work",
        &[
            "<archived@gm>",
            "<big@gm>",
            "<inbox-work@gm>",
            "<work-rust@gm>",
        ],
    );
    check(
        &mut d,
        "INBOX",
        "INBOX",
        &[
            "<big@gm>",
            "<inbox-only@gm>",
            "<inbox-work@gm>",
            "<new@gm>",
            "<starred@gm>",
        ],
    );
    let dl = downloads(&g);
    assert_eq!(
        dl[3], 2,
        "the newly labelled message is fetched again for Work"
    );
    assert!(
        dl.iter().enumerate().all(|(i, n)| i == 3 || *n == 1),
        "{dl:?}"
    );

    // The state lost: nothing is copied twice (matched by Message-ID and size).
    std::fs::remove_file(&state).unwrap();
    let copied = run(&g, &state, &opts);
    assert!(copied.iter().all(|c| c.1 == 0), "{copied:?}");
    check(&mut d, "Lists/rust", "Lists/rust", &["<work-rust@gm>"]);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn gmail_without_label_mapping_copies_each_folder() {
    let g = FakeGmail::start("me@gmail.com", "app-password");
    g.store.lock().unwrap().add(
        &msg("x", "a"),
        &["\\Inbox", "Work"],
        &[],
        "05-Dec-2026 10:00:00 +0000",
    );
    let mut d = dovecot(27);
    let mut s = gmail(g.port);
    let opts = MigrateOptions {
        gmail_labels: false,
        ..MigrateOptions::default()
    };
    let plans = plan(&mut s, &mut d, &opts).unwrap();
    assert!(plans.iter().all(|p| p.labels.is_empty()));
    let sources: Vec<&str> = plans.iter().map(|p| p.source.as_str()).collect();
    for want in ["INBOX", "Work", "[Gmail]/All Mail", "[Gmail]/Starred"] {
        assert!(sources.contains(&want), "{sources:?}");
    }
    // Excluding All Mail turns the label mapping off too (each folder is copied).
    let opts = MigrateOptions {
        exclude: vec!["[Gmail]/All Mail".into()],
        ..MigrateOptions::default()
    };
    let plans = plan(&mut s, &mut d, &opts).unwrap();
    assert!(plans.iter().all(|p| p.labels.is_empty()));
    assert!(plans.iter().any(|p| p.source == "Work"));
}
