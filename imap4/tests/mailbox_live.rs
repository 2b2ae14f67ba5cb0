//! Mailbox-level commands against the local Dovecot (`scripts/dovecot`; the ignored tests,
//! run by `scripts/test`), plus a few behaviours Dovecot cannot show (servers without
//! LIST-EXTENDED or LIST-STATUS, UTF8=ACCEPT) against tiny scripted servers (always run).
//!
//! Users: carol (IMAP4_USER5) and dave (IMAP4_USER6). Every test works in its own
//! mailboxes, named `mbx-<test>...`, and removes them at the start and the end.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use imap4::blocking::{Client, Unsolicited};
use imap4::proto::encode::{self, List, ListSelect, Select, StatusAttr};
use imap4::proto::{Code, ConnState, Data, Flag, MailboxAttr, Rfc5530Code, SendError};
use imap4::transport::ConnectOptions;
use imap4::Error;

const NEEDS: &str = "needs the Dovecot from scripts/dovecot (run scripts/test)";

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} not set: eval \"$(scripts/dovecot env)\""))
}

fn connect() -> Client {
    let port = env("IMAP4_PORT").parse().expect("a port number");
    let mut c = Client::connect_plain(&env("IMAP4_HOST"), port, &ConnectOptions::default())
        .expect("connect to Dovecot");
    c.allow_plaintext_login(true);
    c
}

/// A logged-in connection as carol (`n` = 5) or dave (`n` = 6).
fn login(n: u8) -> Client {
    let mut c = connect();
    c.login(
        &env(&format!("IMAP4_USER{n}")),
        &env(&format!("IMAP4_PASS{n}")),
    )
    .expect("LOGIN");
    c
}

fn carol() -> Client {
    login(5)
}

fn dave() -> Client {
    login(6)
}

/// Deletes `prefix` and everything below it (children first), ignoring what is missing.
fn remove_tree(c: &mut Client, prefix: &str) {
    let mut names: Vec<String> = c
        .list("", &format!("{prefix}*"))
        .expect("LIST")
        .into_iter()
        .map(|l| l.mailbox.name())
        .filter(|n| n == prefix || n.starts_with(&format!("{prefix}/")))
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    for n in names {
        let _ = c.unsubscribe(&n);
        let _ = c.delete(&n);
    }
}

/// A fresh, empty mailbox.
fn fresh(c: &mut Client, name: &str) {
    remove_tree(c, name);
    c.create(name).expect("CREATE");
}

fn message(i: usize) -> Vec<u8> {
    format!(
        "From: seed@example.com\r\nTo: carol@example.com\r\nSubject: message {i}\r\n\
         Message-ID: <{i}.mbx@example.com>\r\n\r\nBody of message {i}.\r\n"
    )
    .into_bytes()
}

/// Appends `n` messages (seeded through `run`, not the `append` method), the i-th with
/// `flags(i)`. Returns their sizes.
fn seed(c: &mut Client, mailbox: &str, n: usize, flags: impl Fn(usize) -> Vec<Flag>) -> Vec<u64> {
    (1..=n)
        .map(|i| {
            let m = message(i);
            let len = m.len() as u64;
            c.run(&encode::Append::new(mailbox, m).flags(flags(i)))
                .expect("APPEND");
            len
        })
        .collect()
}

fn no_flags(_: usize) -> Vec<Flag> {
    Vec::new()
}

fn names(lists: &[imap4::proto::ListData]) -> Vec<String> {
    lists.iter().map(|l| l.mailbox.name()).collect()
}

fn is_wrong_state(e: &Error, cmd: &str, st: ConnState) -> bool {
    matches!(e, Error::Send(SendError::WrongState { command, state }) if *command == cmd && *state == st)
}

fn messages(c: &mut Client, mailbox: &str) -> u32 {
    c.status(mailbox, [StatusAttr::Messages])
        .expect("STATUS")
        .messages
        .expect("MESSAGES")
}

/// The original numbers of `n` messages left after removing each of `seqs` in turn (each
/// one counts from the mailbox as it is after the previous removals).
fn survivors(n: u32, seqs: &[u32]) -> Vec<u32> {
    let mut left: Vec<u32> = (1..=n).collect();
    for &s in seqs {
        assert!(
            s >= 1 && (s as usize) <= left.len(),
            "{s} out of range in {seqs:?}"
        );
        left.remove(s as usize - 1);
    }
    left
}

/// Marks the given sequence numbers `\Deleted` in the selected mailbox.
fn mark_deleted(c: &mut Client, set: impl Into<encode::MessageSet>) {
    c.run(&encode::Store::add_flags(set, [Flag::Deleted]).silent(true))
        .expect("STORE +FLAGS \\Deleted");
}

// --- CREATE / LIST / RENAME / DELETE ----------------------------------------------------

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn non_ascii_name_round_trip_create_list_rename_delete() {
    let _ = NEEDS;
    let mut c = carol();
    let root = "mbx-utf7";
    remove_tree(&mut c, root);
    let name = format!("{root}/Entwürfe ✓ 日本 & Co");
    let renamed = format!("{root}/Café");
    c.create(&name).expect("CREATE with a non-ASCII name");

    let listed = c.list("", &format!("{root}/*")).unwrap();
    let l = listed
        .iter()
        .find(|l| l.mailbox.name() == name)
        .unwrap_or_else(|| panic!("{name} not in {:?}", names(&listed)));
    // On the wire it is modified UTF-7 (no UTF8=ACCEPT on Dovecot 2.3).
    assert_eq!(
        l.mailbox.as_bytes(),
        imap4::proto::utf7::encode(&name).as_bytes()
    );
    assert!(l.mailbox.as_bytes().is_ascii());
    assert_eq!(l.delimiter, Some(b'/'));

    // The name is usable as given in other commands.
    c.run(&encode::Append::new(name.as_str(), message(1)))
        .unwrap();
    assert_eq!(messages(&mut c, &name), 1);

    // Creating it again fails with ALREADYEXISTS and changes nothing.
    match c.create(&name) {
        Err(Error::No { code, .. }) => {
            assert_eq!(code, Some(Code::Rfc5530(Rfc5530Code::AlreadyExists)))
        }
        other => panic!("second CREATE: {other:?}"),
    }

    c.rename(&name, &renamed).expect("RENAME");
    let after = names(&c.list("", &format!("{root}/*")).unwrap());
    assert!(after.contains(&renamed), "{after:?}");
    assert!(!after.contains(&name), "{after:?}");
    // The message moved with the mailbox.
    assert_eq!(messages(&mut c, &renamed), 1);

    // A second connection sees the same.
    let mut d = carol();
    let seen = names(&d.list("", &format!("{root}/*")).unwrap());
    assert!(seen.contains(&renamed) && !seen.contains(&name), "{seen:?}");

    c.delete(&renamed).expect("DELETE");
    match c.delete(&renamed) {
        Err(Error::No { code, .. }) => {
            assert_eq!(code, Some(Code::Rfc5530(Rfc5530Code::NonExistent)))
        }
        other => panic!("DELETE of a deleted mailbox: {other:?}"),
    }
    let gone = names(&d.list("", &format!("{root}/*")).unwrap());
    assert!(!gone.contains(&renamed), "{gone:?}");
    remove_tree(&mut c, root);
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn subscribe_lsub_and_list_subscribed_recursivematch() {
    let mut c = carol();
    let root = "mbx-sub";
    remove_tree(&mut c, root);
    let child = format!("{root}/parent/child");
    let other = format!("{root}/other");
    c.create(&child).unwrap();
    c.create(&other).unwrap();

    c.subscribe(&child).expect("SUBSCRIBE");
    let lsub = names(&c.lsub("", &format!("{root}/*")).unwrap());
    assert_eq!(lsub, vec![child.clone()]);

    let subscribed = c
        .list_with(List::new("", format!("{root}/*")).select([ListSelect::Subscribed]))
        .expect("LIST (SUBSCRIBED)");
    assert_eq!(names(&subscribed), vec![child.clone()]);
    assert!(subscribed[0].has(&MailboxAttr::Subscribed));

    // RECURSIVEMATCH: the unsubscribed parent is reported because a child is subscribed.
    let parents = c
        .list_with(
            List::new("", format!("{root}/%"))
                .select([ListSelect::Subscribed, ListSelect::RecursiveMatch]),
        )
        .expect("LIST (SUBSCRIBED RECURSIVEMATCH)");
    assert_eq!(names(&parents), vec![format!("{root}/parent")]);
    let info: Vec<_> = parents[0].child_info();
    assert!(
        info.iter().any(|s| s.eq_ignore_ascii_case(b"SUBSCRIBED")),
        "CHILDINFO {info:?}"
    );

    // Another session sees the subscription; then it goes away.
    let mut d = carol();
    assert_eq!(
        names(&d.lsub("", &format!("{root}/*")).unwrap()),
        vec![child.clone()]
    );
    c.unsubscribe(&child).expect("UNSUBSCRIBE");
    assert!(d.lsub("", &format!("{root}/*")).unwrap().is_empty());
    remove_tree(&mut c, root);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn list_reports_special_use_and_selects_by_it() {
    let mut c = carol();
    let all = c.list("", "*").unwrap();
    let special = |name: &str| {
        all.iter()
            .find(|l| l.mailbox.name() == name)
            .unwrap_or_else(|| panic!("{name} missing from {:?}", names(&all)))
            .special_use()
            .cloned()
    };
    assert_eq!(special("Drafts"), Some(MailboxAttr::Drafts));
    assert_eq!(special("Sent"), Some(MailboxAttr::Sent));
    assert_eq!(special("Trash"), Some(MailboxAttr::Trash));
    assert_eq!(special("Junk"), Some(MailboxAttr::Junk));
    assert_eq!(special("INBOX"), None);

    let only = c
        .list_with(List::new("", "*").select([ListSelect::SpecialUse]))
        .expect("LIST (SPECIAL-USE)");
    let n = names(&only);
    assert!(n.contains(&"Sent".to_string()), "{n:?}");
    assert!(!n.contains(&"INBOX".to_string()), "{n:?}");
    assert!(only.iter().all(|l| l.special_use().is_some()), "{only:?}");

    // Dovecot lacks CREATE-SPECIAL-USE: refused before sending, nothing created.
    let name = "mbx-specialcreate";
    remove_tree(&mut c, name);
    match c.create_special_use(name, [MailboxAttr::Archive]) {
        Err(Error::Capability { capability, .. }) => {
            assert_eq!(capability, "CREATE-SPECIAL-USE")
        }
        other => panic!("{other:?}"),
    }
    assert!(c.list("", name).unwrap().is_empty());
}

// --- STATUS / LIST-STATUS ---------------------------------------------------------------

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn status_matches_seeded_messages() {
    let mut c = carol();
    let mb = "mbx-status";
    fresh(&mut c, mb);
    let sizes = seed(&mut c, mb, 3, |i| {
        if i == 1 {
            vec![Flag::Seen]
        } else {
            vec![]
        }
    });

    let st = c
        .status(
            mb,
            [
                StatusAttr::Messages,
                StatusAttr::Recent,
                StatusAttr::UidNext,
                StatusAttr::UidValidity,
                StatusAttr::Unseen,
                StatusAttr::Size,
                StatusAttr::HighestModSeq,
            ],
        )
        .expect("STATUS");
    assert_eq!(st.mailbox.name(), mb);
    assert_eq!(st.messages, Some(3));
    assert_eq!(st.recent, Some(3), "nobody selected the mailbox yet");
    assert_eq!(st.uid_next, Some(4));
    assert_eq!(st.unseen, Some(2));
    assert_eq!(st.size, Some(sizes.iter().sum()));
    assert!(st.highest_modseq.unwrap_or(0) > 0, "{st:?}");
    let validity = st.uid_validity.expect("UIDVALIDITY");

    // Only what was asked for is filled in.
    let st2 = c.status(mb, [StatusAttr::Messages]).unwrap();
    assert_eq!(st2.messages, Some(3));
    assert_eq!((st2.unseen, st2.uid_next, st2.size), (None, None, None));

    // SELECT agrees.
    let m = c.select(mb).unwrap();
    assert_eq!(m.uid_validity, Some(validity));
    assert_eq!(m.exists, 3);

    // Items Dovecot 2.3 does not announce are refused before sending.
    for (attr, cap) in [
        (StatusAttr::AppendLimit, "APPENDLIMIT"),
        (StatusAttr::MailboxId, "OBJECTID"),
        (StatusAttr::Deleted, "IMAP4rev2"),
    ] {
        match c.status(mb, [attr]) {
            Err(Error::Capability { capability, .. }) => assert_eq!(capability, cap),
            other => panic!("{other:?}"),
        }
    }
    // The connection is still fine; a missing mailbox is a plain NO.
    assert!(matches!(
        c.status("mbx-status-does-not-exist", [StatusAttr::Messages]),
        Err(Error::No { .. })
    ));
    c.close().unwrap();
    remove_tree(&mut c, mb);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn list_status_returns_each_mailbox_with_its_status() {
    let mut c = carol();
    let root = "mbx-liststatus";
    remove_tree(&mut c, root);
    let a = format!("{root}/a");
    let b = format!("{root}/b");
    c.create(&a).unwrap();
    c.create(&b).unwrap();
    seed(&mut c, &a, 2, |i| {
        if i == 2 {
            vec![Flag::Seen]
        } else {
            vec![]
        }
    });

    let got = c
        .list_status(
            "",
            &format!("{root}/*"),
            [
                StatusAttr::Messages,
                StatusAttr::Unseen,
                StatusAttr::UidNext,
            ],
        )
        .expect("LIST RETURN (STATUS ...)");
    assert_eq!(got.len(), 2, "{got:?}");
    for (l, st) in &got {
        let st = st.as_ref().expect("each selectable mailbox has a status");
        assert_eq!(st.mailbox, l.mailbox);
        if l.mailbox.name() == a {
            assert_eq!(
                (st.messages, st.unseen, st.uid_next),
                (Some(2), Some(1), Some(3))
            );
        } else {
            assert_eq!(l.mailbox.name(), b);
            assert_eq!(
                (st.messages, st.unseen, st.uid_next),
                (Some(0), Some(0), Some(1))
            );
        }
    }
    // Cross-check with a plain STATUS on another connection.
    let mut d = carol();
    assert_eq!(messages(&mut d, &a), 2);

    // With the parent in the pattern: it was created implicitly; whatever its attributes,
    // a \Noselect one comes without a status, a selectable one with.
    let with_parent = c
        .list_status("", &format!("{root}*"), [StatusAttr::Messages])
        .unwrap();
    for (l, st) in &with_parent {
        assert_eq!(
            st.is_none(),
            l.has(&MailboxAttr::NoSelect) || l.has(&MailboxAttr::NonExistent),
            "{l:?} {st:?}"
        );
    }
    remove_tree(&mut c, root);
}

// --- NAMESPACE / ENABLE -----------------------------------------------------------------

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn namespace_is_typed() {
    let mut c = carol();
    let ns = c.namespace().expect("NAMESPACE");
    assert_eq!(ns.personal.len(), 1, "{ns:?}");
    assert_eq!(&ns.personal[0].prefix[..], b"");
    assert_eq!(ns.personal[0].delimiter, Some(b'/'));
    assert!(ns.other.is_empty() && ns.shared.is_empty(), "{ns:?}");
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn enable_condstore_qresync_utf8_accept() {
    let mut c = dave();
    let announces_utf8 = c.has_capability("UTF8=ACCEPT").unwrap();
    let enabled = c
        .enable(["CONDSTORE", "QRESYNC", "UTF8=ACCEPT"])
        .expect("ENABLE");
    let en: Vec<&str> = enabled.iter().map(|c| c.as_str()).collect();
    assert!(enabled.iter().any(|c| c.is("CONDSTORE")), "{en:?}");
    assert!(enabled.iter().any(|c| c.is("QRESYNC")), "{en:?}");
    assert!(c.connection().is_enabled("QRESYNC"));
    // Dovecot 2.3 does not announce UTF8=ACCEPT, and then does not enable it either: names
    // keep going out as modified UTF-7. (The UTF-8 path is tested with a scripted server
    // below.)
    assert_eq!(
        enabled.iter().any(|c| c.is("UTF8=ACCEPT")),
        announces_utf8,
        "{en:?}"
    );
    assert_eq!(c.connection().is_enabled("UTF8=ACCEPT"), announces_utf8);

    let name = "mbx-enable-Äpfel";
    remove_tree(&mut c, name);
    c.create(name).unwrap();
    let l = c.list("", name).unwrap();
    assert_eq!(l.len(), 1, "{l:?}");
    assert_eq!(l[0].mailbox.name(), name);
    if !announces_utf8 {
        assert_eq!(l[0].mailbox.as_bytes(), b"mbx-enable-&AMQ-pfel");
    }

    // With QRESYNC enabled, SELECT reports HIGHESTMODSEQ even without CONDSTORE in it.
    let m = c.select(name).unwrap();
    assert!(m.highest_modseq.is_some(), "{m:?}");
    c.unselect().unwrap();
    c.delete(name).unwrap();

    // Before login ENABLE is a state error, found without asking the server.
    let mut fresh = connect();
    let e = fresh.enable(["CONDSTORE"]).unwrap_err();
    assert!(
        is_wrong_state(&e, "ENABLE", ConnState::NotAuthenticated),
        "{e:?}"
    );
}

// --- SELECT / EXAMINE -------------------------------------------------------------------

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn select_reports_seeded_state() {
    let mut c = carol();
    let mb = "mbx-select";
    fresh(&mut c, mb);
    seed(&mut c, mb, 3, |i| match i {
        1 => vec![Flag::Seen],
        2 => vec![Flag::Flagged, Flag::keyword("$Custom")],
        _ => vec![],
    });
    let validity = c
        .status(mb, [StatusAttr::UidValidity])
        .unwrap()
        .uid_validity
        .unwrap();

    let m = c.select(mb).expect("SELECT");
    assert_eq!(m.name, mb);
    assert_eq!(m.exists, 3);
    assert_eq!(m.recent, 3);
    assert_eq!(m.uid_validity, Some(validity));
    assert_eq!(m.uid_next, Some(4));
    assert_eq!(m.unseen, Some(2), "first unseen is message 2");
    assert!(!m.read_only);
    for f in [
        Flag::Seen,
        Flag::Flagged,
        Flag::Deleted,
        Flag::Answered,
        Flag::Draft,
        Flag::keyword("$Custom"),
    ] {
        assert!(m.flags.contains(&f), "{f:?} not in FLAGS {:?}", m.flags);
        assert!(
            m.permanent_flags.contains(&f),
            "{f:?} not in PERMANENTFLAGS {:?}",
            m.permanent_flags
        );
    }
    assert!(m.permanent_flags.contains(&Flag::MayCreate));
    assert_eq!(c.state(), ConnState::Selected);
    assert_eq!(c.mailbox(), Some(&m), "client.mailbox() is the same state");

    // The state follows the session: a message appended here raises EXISTS.
    c.run(&encode::Append::new(mb, message(4))).unwrap();
    c.noop().unwrap();
    assert_eq!(c.mailbox().unwrap().exists, 4);
    c.close().unwrap();
    remove_tree(&mut c, mb);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn examine_is_read_only() {
    let mut c = carol();
    let mb = "mbx-examine";
    fresh(&mut c, mb);
    seed(&mut c, mb, 2, |i| {
        if i == 1 {
            vec![Flag::Deleted]
        } else {
            vec![]
        }
    });

    let m = c.examine(mb).expect("EXAMINE");
    assert!(m.read_only);
    assert!(c.mailbox().unwrap().read_only);
    assert_eq!(m.exists, 2);
    // RFC 3501 lets STORE on a read-only mailbox fail; Dovecot 2.3 answers OK ("Store
    // ignored with read-only mailbox") and changes nothing. Either way: no change.
    match c.run(&encode::Store::add_flags(1..=2, [Flag::Seen])) {
        Ok(r) => assert!(
            r.status.text_str().contains("read-only"),
            "{:?}",
            r.status.text_str()
        ),
        Err(e) => assert!(
            matches!(
                e,
                Error::No {
                    command: "STORE",
                    ..
                }
            ),
            "{e:?}"
        ),
    }
    // EXAMINE does not claim \Recent, and nothing was stored: another session agrees.
    let mut d = carol();
    let st = d
        .status(mb, [StatusAttr::Unseen, StatusAttr::Recent])
        .unwrap();
    assert_eq!(st.unseen, Some(2));
    assert_eq!(st.recent, Some(2));
    // CLOSE on a read-only mailbox deselects without expunging the \Deleted message.
    c.close().unwrap();
    assert!(c.mailbox().is_none());
    assert_eq!(messages(&mut d, mb), 2);
    remove_tree(&mut c, mb);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn failed_select_leaves_no_mailbox_selected() {
    let mut c = carol();
    let mb = "mbx-failselect";
    fresh(&mut c, mb);
    c.select(mb).unwrap();
    assert_eq!(c.state(), ConnState::Selected);

    let e = c.select("mbx-failselect-missing").unwrap_err();
    assert!(
        matches!(
            e,
            Error::No {
                command: "SELECT",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(c.mailbox().is_none(), "{:?}", c.mailbox());
    assert_eq!(c.state(), ConnState::Authenticated);
    // Commands that need a selected mailbox now fail locally.
    let e = c.check().unwrap_err();
    assert!(
        is_wrong_state(&e, "CHECK", ConnState::Authenticated),
        "{e:?}"
    );
    let e = c.expunge().unwrap_err();
    assert!(
        is_wrong_state(&e, "EXPUNGE", ConnState::Authenticated),
        "{e:?}"
    );
    remove_tree(&mut c, mb);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn select_condstore_returns_highestmodseq() {
    let mut c = dave();
    let mb = "mbx-condstore";
    fresh(&mut c, mb);
    seed(&mut c, mb, 2, no_flags);
    let m = c
        .select_with(Select::new(mb).condstore(true))
        .expect("SELECT (CONDSTORE)");
    let before = m.highest_modseq.expect("HIGHESTMODSEQ");
    assert!(before > 0);
    let st = c.status(mb, [StatusAttr::HighestModSeq]).unwrap();
    assert_eq!(st.highest_modseq, Some(before));

    // A flag change raises it, as STATUS on another connection shows.
    c.run(&encode::Store::add_flags(1, [Flag::Flagged]))
        .unwrap();
    let mut d = dave();
    let after = d
        .status(mb, [StatusAttr::HighestModSeq])
        .unwrap()
        .highest_modseq
        .unwrap();
    assert!(after > before, "{after} > {before}");
    c.close().unwrap();
    remove_tree(&mut c, mb);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn unsolicited_exists_from_another_connection() {
    let mut c = dave();
    let mb = "mbx-unsolicited";
    fresh(&mut c, mb);
    seed(&mut c, mb, 1, no_flags);
    assert_eq!(c.select(mb).unwrap().exists, 1);
    let _ = c.take_unsolicited();

    let mut other = dave();
    other.run(&encode::Append::new(mb, message(2))).unwrap();

    let deadline = Instant::now() + Duration::from_secs(5);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        c.noop().unwrap();
        seen.extend(c.take_unsolicited());
        if seen.contains(&Unsolicited::Data(Data::Exists(2))) {
            break;
        }
        thread::sleep(Duration::from_millis(100));
    }
    assert!(
        seen.contains(&Unsolicited::Data(Data::Exists(2))),
        "no * 2 EXISTS in {seen:?}"
    );
    assert_eq!(c.mailbox().unwrap().exists, 2);
    assert!(c.take_unsolicited().is_empty(), "drained");
    c.close().unwrap();
    remove_tree(&mut c, mb);
}

// --- EXPUNGE / CLOSE / UNSELECT / CHECK / RECENT ----------------------------------------

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn expunge_returns_sequence_numbers() {
    let mut c = carol();
    let mb = "mbx-expunge";
    fresh(&mut c, mb);
    seed(&mut c, mb, 5, no_flags);
    c.select(mb).unwrap();
    mark_deleted(&mut c, 2);
    mark_deleted(&mut c, 4);
    let _ = c.take_unsolicited();

    let gone = c.expunge().expect("EXPUNGE");
    // Removing the reported numbers one after the other leaves messages 1, 3 and 5
    // (Dovecot reports 4 then 2; 2 then 3 would do as well).
    assert_eq!(survivors(5, &gone.seqs), vec![1, 3, 5], "{:?}", gone.seqs);
    assert!(gone.vanished.is_empty());
    assert_eq!(gone.len(), 2);
    assert!(
        !c.take_unsolicited()
            .iter()
            .any(|u| matches!(u, Unsolicited::Data(Data::Expunge(_)))),
        "the EXPUNGE responses are the result, not unsolicited"
    );
    assert_eq!(c.mailbox().unwrap().exists, 3);
    let mut d = carol();
    assert_eq!(messages(&mut d, mb), 3);
    // Nothing left to remove.
    assert!(c.expunge().unwrap().is_empty());
    c.close().unwrap();
    remove_tree(&mut c, mb);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn uid_expunge_removes_only_the_given_uids() {
    let mut c = carol();
    let mb = "mbx-uidexpunge";
    fresh(&mut c, mb);
    seed(&mut c, mb, 4, no_flags);
    c.select(mb).unwrap();
    mark_deleted(&mut c, 1..=4);

    let gone = c.uid_expunge(2).expect("UID EXPUNGE");
    assert_eq!(gone.seqs, vec![2]);
    let mut d = carol();
    assert_eq!(messages(&mut d, mb), 3);
    let uids = c.uid_search(encode::Criteria::all()).unwrap();
    assert_eq!(uids, vec![1, 3, 4]);

    let rest = c.expunge().unwrap();
    assert_eq!(rest.seqs.len(), 3);
    assert!(survivors(3, &rest.seqs).is_empty(), "{:?}", rest.seqs);
    assert_eq!(messages(&mut d, mb), 0);
    c.close().unwrap();
    remove_tree(&mut c, mb);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn expunge_with_qresync_reports_vanished_uids() {
    let mut c = dave();
    let mb = "mbx-vanished";
    fresh(&mut c, mb);
    seed(&mut c, mb, 4, no_flags);
    c.enable(["QRESYNC"]).unwrap();
    c.select(mb).unwrap();
    mark_deleted(&mut c, 2..=3);
    let gone = c.expunge().expect("EXPUNGE");
    assert!(gone.seqs.is_empty(), "{gone:?}");
    assert_eq!(gone.vanished.to_string(), "2:3");
    assert_eq!(gone.len(), 2);
    assert_eq!(c.mailbox().unwrap().exists, 2);

    mark_deleted(&mut c, 1);
    let gone = c.uid_expunge(1..=4).unwrap();
    assert_eq!(gone.vanished.to_string(), "1");
    let mut d = dave();
    assert_eq!(messages(&mut d, mb), 1);
    c.close().unwrap();
    remove_tree(&mut c, mb);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn close_expunges_and_deselects_unselect_does_not() {
    let mut c = carol();
    let mb = "mbx-close";
    fresh(&mut c, mb);
    seed(&mut c, mb, 3, no_flags);

    c.select(mb).unwrap();
    mark_deleted(&mut c, 1);
    c.unselect().expect("UNSELECT");
    assert!(c.mailbox().is_none());
    assert_eq!(c.state(), ConnState::Authenticated);
    assert_eq!(messages(&mut c, mb), 3, "UNSELECT keeps \\Deleted messages");

    c.select(mb).unwrap();
    c.check().expect("CHECK");
    c.close().expect("CLOSE");
    assert!(c.mailbox().is_none());
    assert_eq!(c.state(), ConnState::Authenticated);
    assert_eq!(messages(&mut c, mb), 2, "CLOSE expunged the \\Deleted one");
    let e = c.close().unwrap_err();
    assert!(
        is_wrong_state(&e, "CLOSE", ConnState::Authenticated),
        "{e:?}"
    );
    let e = c.unselect().unwrap_err();
    assert!(
        is_wrong_state(&e, "UNSELECT", ConnState::Authenticated),
        "{e:?}"
    );
    remove_tree(&mut c, mb);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn recent_counts_after_noop() {
    let mut c = dave();
    let mb = "mbx-recent";
    fresh(&mut c, mb);
    seed(&mut c, mb, 2, no_flags);
    assert_eq!(
        c.select(mb).unwrap().recent,
        2,
        "first session claims \\Recent"
    );
    assert_eq!(c.recent().unwrap(), 2);

    let mut other = dave();
    other.run(&encode::Append::new(mb, message(3))).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut n = c.recent().unwrap();
    while n != 3 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(100));
        n = c.recent().unwrap();
    }
    assert_eq!(n, 3);
    assert_eq!(c.mailbox().unwrap().exists, 3);
    // A second session does not see them as recent.
    assert_eq!(other.select(mb).unwrap().recent, 0);
    c.close().unwrap();
    let e = c.recent().unwrap_err();
    assert!(
        is_wrong_state(&e, "NOOP", ConnState::Authenticated),
        "{e:?}"
    );
    remove_tree(&mut c, mb);
}

// --- wrong state ------------------------------------------------------------------------

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn mailbox_commands_before_login_are_state_errors() {
    let mut c = connect();
    let e = c.status("INBOX", [StatusAttr::Messages]).unwrap_err();
    assert!(
        is_wrong_state(&e, "STATUS", ConnState::NotAuthenticated),
        "{e:?}"
    );
    assert!(e.to_string().contains("STATUS"), "{e}");
    // Even with an item that needs a capability (the pre-login list lacks it).
    let e = c.status("INBOX", [StatusAttr::Size]).unwrap_err();
    assert!(
        is_wrong_state(&e, "STATUS", ConnState::NotAuthenticated),
        "{e:?}"
    );
    let e = c.namespace().unwrap_err();
    assert!(
        is_wrong_state(&e, "NAMESPACE", ConnState::NotAuthenticated),
        "{e:?}"
    );
    let e = c.list("", "*").unwrap_err();
    assert!(
        is_wrong_state(&e, "LIST", ConnState::NotAuthenticated),
        "{e:?}"
    );
    let e = c.list_status("", "*", [StatusAttr::Messages]).unwrap_err();
    assert!(
        is_wrong_state(&e, "LIST", ConnState::NotAuthenticated),
        "{e:?}"
    );
    let e = c.create("mbx-never").unwrap_err();
    assert!(
        is_wrong_state(&e, "CREATE", ConnState::NotAuthenticated),
        "{e:?}"
    );
    let e = c.lsub("", "*").unwrap_err();
    assert!(
        is_wrong_state(&e, "LSUB", ConnState::NotAuthenticated),
        "{e:?}"
    );
    let e = c.uid_expunge(1).unwrap_err();
    assert!(
        is_wrong_state(&e, "UID EXPUNGE", ConnState::NotAuthenticated),
        "{e:?}"
    );

    // Nothing was sent: the connection is fine and the login works.
    assert!(!c.is_broken());
    c.login(&env("IMAP4_USER5"), &env("IMAP4_PASS5")).unwrap();
    assert!(c.status("INBOX", [StatusAttr::Messages]).is_ok());
    assert!(c.list("", "mbx-never").unwrap().is_empty());
}

// --- scripted servers (always run) ------------------------------------------------------

/// A scripted server: greets with `caps`, answers each command line with `reply(line)`
/// (lines without the tag; the tagged OK is added), and records what it received.
fn fake_server(
    caps: &'static str,
    reply: fn(&str) -> Vec<String>,
) -> (Client<TcpStream>, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    thread::spawn(move || {
        let (s, _) = listener.accept().unwrap();
        let mut w = s.try_clone().unwrap();
        let mut r = BufReader::new(s);
        write!(w, "* PREAUTH [CAPABILITY {caps}] scripted\r\n").unwrap();
        let mut line = String::new();
        while r.read_line(&mut line).unwrap_or(0) > 0 {
            let l = line.trim_end().to_string();
            line.clear();
            let (tag, cmd) = l.split_once(' ').unwrap_or((&l, ""));
            log.lock().unwrap().push(cmd.to_string());
            for resp in reply(cmd) {
                write!(w, "{resp}\r\n").unwrap();
            }
            write!(w, "{tag} OK done\r\n").unwrap();
            if cmd == "LOGOUT" {
                break;
            }
        }
    });
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let c = Client::from_stream(s, false).unwrap();
    (c, seen)
}

fn list_reply(cmd: &str) -> Vec<String> {
    if cmd.starts_with("LIST") {
        vec![
            "* LIST (\\Noselect \\HasChildren) \"/\" Top".into(),
            "* LIST (\\HasNoChildren) \"/\" Top/A".into(),
            "* LIST (\\HasNoChildren \\Sent) \"/\" Sent".into(),
        ]
    } else if let Some(rest) = cmd.strip_prefix("STATUS ") {
        let name = rest.split(' ').next().unwrap();
        vec![format!("* STATUS {name} (MESSAGES 7 UNSEEN 1)")]
    } else if cmd.starts_with("ENABLE") {
        vec!["* ENABLED UTF8=ACCEPT".into()]
    } else {
        Vec::new()
    }
}

#[test]
fn plain_list_without_list_extended() {
    let (mut c, seen) = fake_server("IMAP4rev1 SPECIAL-USE", list_reply);
    let l = c.list("", "*").unwrap();
    assert_eq!(l.len(), 3);
    assert_eq!(l[2].special_use(), Some(&MailboxAttr::Sent));
    // list_with refuses the extended form before sending.
    let e = c
        .list_with(List::new("", "*").select([ListSelect::Subscribed]))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Capability {
                capability: "LIST-EXTENDED",
                ..
            }
        ),
        "{e:?}"
    );
    c.logout().unwrap();
    assert_eq!(*seen.lock().unwrap(), vec!["LIST \"\" *", "LOGOUT"]);
}

#[test]
fn list_asks_for_special_use_when_extended() {
    let (mut c, seen) = fake_server("IMAP4rev1 LIST-EXTENDED SPECIAL-USE", list_reply);
    c.list("", "*").unwrap();
    // Without SPECIAL-USE nothing is added.
    let (mut c2, seen2) = fake_server("IMAP4rev1 LIST-EXTENDED", list_reply);
    c2.list("", "%").unwrap();
    c.logout().unwrap();
    c2.logout().unwrap();
    assert_eq!(seen.lock().unwrap()[0], "LIST \"\" * RETURN (SPECIAL-USE)");
    assert_eq!(seen2.lock().unwrap()[0], "LIST \"\" %");
}

#[test]
fn list_status_falls_back_to_status_per_mailbox() {
    let (mut c, seen) = fake_server("IMAP4rev1", list_reply);
    let got = c
        .list_status("", "*", [StatusAttr::Messages, StatusAttr::Unseen])
        .unwrap();
    c.logout().unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![
            "LIST \"\" *",
            "STATUS Top/A (MESSAGES UNSEEN)",
            "STATUS Sent (MESSAGES UNSEEN)",
            "LOGOUT"
        ]
    );
    assert_eq!(got.len(), 3);
    assert!(got[0].1.is_none(), "\\Noselect Top has no status");
    for (_, st) in &got[1..] {
        let st = st.as_ref().unwrap();
        assert_eq!((st.messages, st.unseen), (Some(7), Some(1)));
    }
}

#[test]
fn list_status_uses_list_status_when_announced() {
    let (mut c, seen) = fake_server("IMAP4rev1 LIST-EXTENDED LIST-STATUS", |cmd| {
        if cmd.starts_with("LIST") {
            vec![
                "* LIST () \"/\" INBOX".into(),
                "* STATUS INBOX (MESSAGES 3)".into(),
                "* LIST (\\Noselect) \"/\" Top".into(),
                "* LIST () \"/\" Top/&AOk-t&AOk-".into(),
                "* STATUS Top/&AOk-t&AOk- (MESSAGES 9)".into(),
            ]
        } else {
            Vec::new()
        }
    });
    let got = c.list_status("", "*", [StatusAttr::Messages]).unwrap();
    c.logout().unwrap();
    assert_eq!(
        seen.lock().unwrap()[0],
        "LIST \"\" * RETURN (STATUS (MESSAGES))"
    );
    let summary: Vec<(String, Option<u32>)> = got
        .iter()
        .map(|(l, s)| (l.mailbox.name(), s.as_ref().and_then(|s| s.messages)))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("INBOX".to_string(), Some(3)),
            ("Top".to_string(), None),
            ("Top/été".to_string(), Some(9)),
        ]
    );
}

#[test]
fn utf8_accept_sends_mailbox_names_as_quoted_utf8() {
    let (mut c, seen) = fake_server("IMAP4rev1 ENABLE UTF8=ACCEPT", |cmd| {
        if cmd.starts_with("LIST") {
            vec!["* LIST (\\HasNoChildren) \"/\" \"Ölfässer\"".into()]
        } else if cmd.starts_with("STATUS") {
            vec!["* STATUS \"Ölfässer\" (MESSAGES 4)".into()]
        } else if cmd.starts_with("ENABLE") {
            vec!["* ENABLED UTF8=ACCEPT".into()]
        } else {
            Vec::new()
        }
    });
    c.create("Entwürfe").unwrap();
    let enabled = c.enable(["UTF8=ACCEPT"]).unwrap();
    assert_eq!(enabled.len(), 1);
    assert!(enabled[0].is("UTF8=ACCEPT"));
    assert!(c.connection().is_enabled("UTF8=ACCEPT"));
    c.create("Entwürfe").unwrap();
    c.rename("Entwürfe", "Ölfässer").unwrap();
    let st = c.status("Ölfässer", [StatusAttr::Messages]).unwrap();
    assert_eq!(st.mailbox.name(), "Ölfässer");
    assert_eq!(st.messages, Some(4));
    // Names come back as UTF-8 too, and the LIST + STATUS fallback sends them back so.
    let got = c.list_status("", "*", [StatusAttr::Messages]).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0.mailbox.name(), "Ölfässer");
    assert_eq!(got[0].1.as_ref().unwrap().messages, Some(4));
    c.logout().unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![
            "CREATE Entw&APw-rfe",
            "ENABLE UTF8=ACCEPT",
            "CREATE \"Entwürfe\"",
            "RENAME \"Entwürfe\" \"Ölfässer\"",
            "STATUS \"Ölfässer\" (MESSAGES)",
            "LIST \"\" *",
            "STATUS \"Ölfässer\" (MESSAGES)",
            "LOGOUT"
        ]
    );
}

#[test]
fn capabilities_checked_before_sending() {
    let (mut c, seen) = fake_server("IMAP4rev1", list_reply);
    let e = c.namespace().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Capability {
                capability: "NAMESPACE",
                ..
            }
        ),
        "{e:?}"
    );
    let e = c.enable(["CONDSTORE"]).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Capability {
                capability: "ENABLE",
                ..
            }
        ),
        "{e:?}"
    );
    let e = c.status("INBOX", [StatusAttr::HighestModSeq]).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Capability {
                capability: "CONDSTORE",
                ..
            }
        ),
        "{e:?}"
    );
    let e = c.status("INBOX", [StatusAttr::Size]).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Capability {
                capability: "STATUS=SIZE",
                ..
            }
        ),
        "{e:?}"
    );
    c.select("INBOX").unwrap();
    let e = c.unselect().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Capability {
                capability: "UNSELECT",
                ..
            }
        ),
        "{e:?}"
    );
    let e = c.uid_expunge(1).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Capability {
                capability: "UIDPLUS",
                ..
            }
        ),
        "{e:?}"
    );
    c.logout().unwrap();
    assert_eq!(*seen.lock().unwrap(), vec!["SELECT INBOX", "LOGOUT"]);
}

#[test]
fn appendlimit_with_a_value_counts_as_announced() {
    let (mut c, seen) = fake_server("IMAP4rev1 APPENDLIMIT=1000", |cmd| {
        if cmd.starts_with("STATUS") {
            vec!["* STATUS INBOX (APPENDLIMIT 1000)".into()]
        } else {
            Vec::new()
        }
    });
    let st = c.status("INBOX", [StatusAttr::AppendLimit]).unwrap();
    assert_eq!(st.append_limit, Some(Some(1000)));
    c.logout().unwrap();
    assert_eq!(seen.lock().unwrap()[0], "STATUS INBOX (APPENDLIMIT)");
}
