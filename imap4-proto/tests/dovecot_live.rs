//! The sans-IO core (encoder + connection state machine + decoder) against a live Dovecot
//! started by `scripts/dovecot` (`scripts/test` does this and runs these tests with
//! `--include-ignored`). Each test checks the server's real effect, not just an OK.
//!
//! The driver (tests/common) is deliberately tiny: a blocking socket loop around `Connection`.

mod common;

use common::{env, Session};

use imap4_proto::encode::{self, Command, FetchAttr};
use imap4_proto::{
    Bytes, Code, ConnEvent, ConnState, Data, Flag, InternalDate, Section, SequenceSet, Status,
    StatusItem, StatusKind,
};

struct Reply {
    /// Data routed to the command.
    data: Vec<Data>,
    /// Unsolicited data seen while it ran.
    unsolicited: Vec<Data>,
    status: Status,
}

impl Session {
    fn login(user: &str, pass: &str) -> Session {
        let mut s = Session::connect();
        let r = s.run(&encode::Login::new(user, pass));
        assert_eq!(r.status.kind, StatusKind::Ok, "{:?}", r.status);
        assert_eq!(s.conn.state(), ConnState::Authenticated);
        s
    }

    fn run<C: Command>(&mut self, cmd: &C) -> Reply {
        let tag = self.conn.send(cmd).expect("send");
        let mut data = Vec::new();
        let mut unsolicited = Vec::new();
        loop {
            match self.next_event() {
                ConnEvent::Data {
                    tag: Some(t),
                    data: d,
                } if t == tag => data.push(d),
                ConnEvent::Data { data: d, .. } => unsolicited.push(d),
                ConnEvent::Done { tag: t, status, .. } if t == tag => {
                    return Reply {
                        data,
                        unsolicited,
                        status,
                    }
                }
                ConnEvent::Malformed(m) => panic!("malformed: {} {:?}", m.error, m.raw),
                _ => {}
            }
        }
    }

    fn ok<C: Command>(&mut self, cmd: &C) -> Reply {
        let r = self.run(cmd);
        assert_eq!(
            r.status.kind,
            StatusKind::Ok,
            "{} failed: {:?}",
            cmd.name(),
            r.status
        );
        r
    }

    /// A fresh mailbox for one test (tests run in parallel).
    fn scratch(&mut self, what: &str) -> String {
        let name = format!(
            "t-{what}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        self.ok(&encode::Create::new(name.clone()));
        name
    }
}

fn message(subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Fred Foobar <foobar@example.com>\r\nTo: bob@example.org, \"Jo, Q\" <jo@example.net>\r\nSubject: {subject}\r\nMessage-ID: <{subject}@example.com>\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn capabilities_namespace_id_list() {
    let mut s = Session::connect();
    assert!(s.conn.has_capability("IMAP4rev1"));
    let mut s2 = Session::login(&env("IMAP4_USER2"), &env("IMAP4_PASS2"));
    drop(s.run(&encode::Logout));
    let r = s2.ok(&encode::Capability);
    assert!(matches!(r.data[0], Data::Capability(_)));
    for c in [
        "MOVE",
        "CONDSTORE",
        "QRESYNC",
        "ESEARCH",
        "LITERAL+",
        "SPECIAL-USE",
    ] {
        assert!(s2.conn.has_capability(c), "{c}");
    }
    let r = s2.ok(&encode::Namespace);
    let Data::Namespace(ns) = &r.data[0] else {
        panic!("{:?}", r.data)
    };
    assert_eq!(ns.personal.len(), 1);
    let r = s2.ok(&encode::Id::new().field("name", Some("imap4-test")));
    let Data::Id(fields) = &r.data[0] else {
        panic!()
    };
    assert!(fields
        .iter()
        .any(|(k, v)| &k[..] == b"name" && v.as_deref() == Some(&b"Dovecot"[..])));
    let r = s2.ok(&encode::List::new("", "*").returning([
        encode::ListReturn::SpecialUse,
        encode::ListReturn::Subscribed,
    ]));
    let specials: Vec<_> = r
        .data
        .iter()
        .filter_map(|d| match d {
            Data::List(l) => l.special_use().cloned(),
            _ => None,
        })
        .collect();
    assert!(
        specials.contains(&imap4_proto::MailboxAttr::Sent),
        "{specials:?}"
    );
    assert!(specials.contains(&imap4_proto::MailboxAttr::Trash));
    s2.ok(&encode::Logout);
    assert_eq!(s2.conn.state(), ConnState::Logout);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn append_then_fetch_returns_the_exact_bytes() {
    for sync in [true, false] {
        let mut s = Session::login(&env("IMAP4_USER2"), &env("IMAP4_PASS2"));
        s.conn.set_force_sync_literals(sync);
        let mbox = s.scratch("append");
        let msg = message("append-test", "Grüße aus München \u{1F600}");
        let date = InternalDate::parse(b"17-Jul-1996 02:44:25 -0700").unwrap();
        let r = s.ok(&encode::Append::new(
            mbox.clone(),
            encode::AppendMessage::new(msg.clone())
                .flags([Flag::Flagged, Flag::keyword("$Forwarded")])
                .date(date),
        ));
        let Some(Code::AppendUid { uids, .. }) = r.status.code else {
            panic!("no APPENDUID: {:?}", r.status)
        };
        let uid = uids.iter(u32::MAX).next().unwrap();
        s.ok(&encode::Select::new(mbox.clone()));
        assert_eq!(s.conn.mailbox().unwrap().exists, 1);
        let r = s.ok(&encode::Fetch::new(
            SequenceSet::single(uid).unwrap(),
            [
                FetchAttr::Flags,
                FetchAttr::InternalDate,
                FetchAttr::Envelope,
                FetchAttr::BodyStructure,
                FetchAttr::Rfc822Size,
                FetchAttr::body_peek(Section::default()),
            ],
        )
        .uid(true));
        let Data::Fetch(f) = &r.data[0] else { panic!() };
        assert_eq!(f.uid(), Some(uid));
        assert_eq!(f.body().map(|b| &b[..]), Some(&msg[..]));
        assert_eq!(f.size(), Some(msg.len() as u64));
        // Dovecot stores INTERNALDATE in UTC: the same instant, another offset.
        assert_eq!(f.internal_date().map(|d| d.to_unix()), Some(date.to_unix()));
        let flags = f.flags().unwrap();
        assert!(flags.contains(&Flag::Flagged) && flags.contains(&Flag::keyword("$Forwarded")));
        let env = f.envelope().unwrap();
        assert_eq!(env.subject(), Some(&b"append-test"[..]));
        assert_eq!(env.to().len(), 2);
        assert_eq!(env.to().get(1).unwrap().name(), Some(&b"Jo, Q"[..]));
        let Some(p) = f.body_structure().unwrap().as_single() else {
            panic!()
        };
        assert_eq!(p.param("charset"), Some(&b"utf-8"[..]));
        s.ok(&encode::Close);
        s.ok(&encode::Delete::new(mbox));
    }
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn store_search_copy_move_expunge() {
    let mut s = Session::login(&env("IMAP4_USER2"), &env("IMAP4_PASS2"));
    let a = s.scratch("src");
    let b = s.scratch("dst");
    for i in 1..=6 {
        let subject = if i % 2 == 0 { "even Äpfel" } else { "odd" };
        s.ok(&encode::Append::new(
            a.clone(),
            encode::AppendMessage::new(message(&format!("{subject} {i}"), "x")),
        ));
    }
    s.ok(&encode::Select::new(a.clone()));
    s.ok(&encode::Store::add_flags(SequenceSet::range(1, 2).unwrap(), [Flag::Seen]).silent(true));
    let r = s.ok(&encode::Search::new(encode::Criteria::seen()).uid(true));
    let Data::Search { nums, .. } = &r.data[0] else {
        panic!("{:?}", r.data)
    };
    assert_eq!(nums, &vec![1, 2]);
    // A non-ASCII search string goes as a literal with CHARSET UTF-8.
    let r = s.ok(&encode::Search::new(encode::Criteria::subject("Äpfel"))
        .charset("UTF-8")
        .uid(true)
        .returning([encode::SearchReturn::Count, encode::SearchReturn::All]));
    let Data::ESearch(e) = &r.data[0] else {
        panic!("{:?}", r.data)
    };
    assert_eq!(e.count(), Some(3));
    assert_eq!(e.all().map(|s| s.to_string()), Some("2,4,6".to_string()));
    let r = s.ok(&encode::Sort::new(
        [encode::SortKey::Subject.reversed()],
        encode::Criteria::all(),
    )
    .uid(true));
    let Data::Sort { nums, .. } = &r.data[0] else {
        panic!("{:?}", r.data)
    };
    assert_eq!(nums, &vec![5, 3, 1, 6, 4, 2]);
    let r = s.ok(&encode::Copy::new(SequenceSet::single(3).unwrap(), b.clone()).uid(true));
    assert!(matches!(r.status.code, Some(Code::CopyUid { .. })));
    let r = s.ok(&encode::Move::new(SequenceSet::range(5, 6).unwrap(), b.clone()).uid(true));
    assert!(
        r.unsolicited
            .iter()
            .chain(r.data.iter())
            .filter(|d| matches!(d, Data::Expunge(_)))
            .count()
            == 2,
        "{:?}",
        r.unsolicited
    );
    assert_eq!(s.conn.mailbox().unwrap().exists, 4);
    s.ok(&encode::Store::add_flags(SequenceSet::single(1).unwrap(), [Flag::Deleted]).uid(true));
    let r = s.ok(&encode::Expunge::new());
    // The EXPUNGE responses answer the EXPUNGE command.
    assert_eq!(
        r.data
            .iter()
            .filter(|d| matches!(d, Data::Expunge(1)))
            .count(),
        1
    );
    assert!(
        !r.unsolicited.iter().any(|d| matches!(d, Data::Expunge(_))),
        "{:?}",
        r.unsolicited
    );
    assert_eq!(s.conn.mailbox().unwrap().exists, 3);
    let r = s.ok(&encode::Status::new(
        b.clone(),
        [
            encode::StatusAttr::Messages,
            encode::StatusAttr::UidNext,
            encode::StatusAttr::Unseen,
            encode::StatusAttr::HighestModSeq,
            encode::StatusAttr::Size,
        ],
    ));
    let Data::Status { items, .. } = &r.data[0] else {
        panic!("{:?}", r.data)
    };
    assert!(items.contains(&StatusItem::Messages(3)), "{items:?}");
    assert!(items
        .iter()
        .any(|i| matches!(i, StatusItem::Size(n) if *n > 0)));
    s.ok(&encode::Close);
    s.ok(&encode::Delete::new(a));
    s.ok(&encode::Delete::new(b));
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn qresync_select_reports_vanished() {
    let mut s = Session::login(&env("IMAP4_USER2"), &env("IMAP4_PASS2"));
    let r = s.ok(&encode::Enable::new(["QRESYNC"]));
    assert!(matches!(&r.data[0], Data::Enabled(c) if c[0].is("QRESYNC")));
    let m = s.scratch("qresync");
    for i in 0..4 {
        s.ok(&encode::Append::new(
            m.clone(),
            encode::AppendMessage::new(message(&format!("q{i}"), "x")),
        ));
    }
    s.ok(&encode::Select::new(m.clone()));
    let st = s.conn.mailbox().unwrap().clone();
    let (uidv, modseq) = (st.uid_validity.unwrap(), st.highest_modseq.unwrap());
    s.ok(&encode::Store::add_flags(SequenceSet::single(2).unwrap(), [Flag::Deleted]).uid(true));
    s.ok(&encode::Expunge::uids(SequenceSet::single(2).unwrap()));
    // UNCHANGEDSINCE older than the last change: the server refuses with MODIFIED.
    let r = s.run(
        &encode::Store::add_flags(SequenceSet::single(3).unwrap(), [Flag::Seen])
            .uid(true)
            .unchanged_since(1),
    );
    assert!(
        matches!(r.status.code, Some(Code::Modified(_))) || r.status.kind == StatusKind::Ok,
        "{:?}",
        r.status
    );
    s.ok(&encode::Unselect);
    let r = s.ok(&encode::Select::new(m.clone()).qresync(encode::QResync::new(uidv, modseq)));
    let vanished: Vec<_> = r
        .data
        .iter()
        .chain(r.unsolicited.iter())
        .filter_map(|d| match d {
            Data::Vanished {
                earlier: true,
                uids,
            } => Some(uids.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(vanished, vec!["2".to_string()]);
    let r = s.ok(&encode::Fetch::new(SequenceSet::all(), [FetchAttr::Flags])
        .uid(true)
        .changed_since(modseq));
    assert!(r
        .data
        .iter()
        .all(|d| matches!(d, Data::Fetch(f) if f.modseq().is_some())));
    s.ok(&encode::Close);
    s.ok(&encode::Delete::new(m));
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn quota_acl_metadata() {
    let mut s = Session::login(&env("IMAP4_USER2"), &env("IMAP4_PASS2"));
    let r = s.ok(&encode::GetQuotaRoot::new("INBOX"));
    assert!(r.data.iter().any(|d| matches!(d, Data::QuotaRoot { .. })));
    assert!(r
        .data
        .iter()
        .any(|d| matches!(d, Data::Quota { resources, .. } if !resources.is_empty())));
    let m = s.scratch("acl");
    s.ok(&encode::SetAcl::new(m.clone(), "alice", "lr"));
    let r = s.ok(&encode::GetAcl::new(m.clone()));
    let Data::Acl { entries, .. } = &r.data[0] else {
        panic!("{:?}", r.data)
    };
    assert!(entries
        .iter()
        .any(|(id, rights)| &id[..] == b"alice" && &rights[..] == b"lr"));
    s.ok(&encode::DeleteAcl::new(m.clone(), "alice"));
    let r = s.ok(&encode::MyRights::new(m.clone()));
    assert!(matches!(&r.data[0], Data::MyRights { rights, .. } if rights.contains(&b'a')));
    let r = s.ok(&encode::ListRights::new(m.clone(), "alice"));
    assert!(matches!(&r.data[0], Data::ListRights { .. }));
    s.ok(&encode::SetMetadata::new(
        m.clone(),
        [(
            "/private/comment".to_string(),
            Some(Bytes::from_static(b"line one\r\nline two")),
        )],
    ));
    let r = s.ok(&encode::GetMetadata::new(m.clone(), ["/private/comment"]));
    let Data::Metadata {
        entries: imap4_proto::MetadataEntries::Values(v),
        ..
    } = &r.data[0]
    else {
        panic!("{:?}", r.data)
    };
    assert_eq!(v[0].1.as_deref(), Some(&b"line one\r\nline two"[..]));
    s.ok(&encode::Delete::new(m));
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn hostile_mailbox_names_cannot_inject_commands() {
    let mut s = Session::login(&env("IMAP4_USER2"), &env("IMAP4_PASS2"));
    let base = s.scratch("inj");
    // The CRLF forces a literal: the "DELETE" is part of the name, never a command.
    let evil = format!("{base}\r\nX1 DELETE {base}");
    let r = s.run(&encode::Create::new(evil));
    // Dovecot refuses control characters in names; either way the session is in sync.
    assert_ne!(r.status.kind, StatusKind::Bad, "{:?}", r.status);
    let r = s.ok(&encode::List::new("", base.as_str()));
    assert_eq!(r.data.len(), 1, "the scratch mailbox must still exist");
    // Modified UTF-7 both ways.
    let uni = format!("{base}-Entwürfe-日本語");
    s.ok(&encode::Create::new(uni.clone()));
    let r = s.ok(&encode::List::new("", format!("{base}-*")));
    let names: Vec<String> = r
        .data
        .iter()
        .filter_map(|d| match d {
            Data::List(l) => Some(l.mailbox.name()),
            _ => None,
        })
        .collect();
    assert_eq!(names, vec![uni.clone()]);
    s.ok(&encode::Delete::new(uni));
    s.ok(&encode::Delete::new(base));
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn pipelined_uid_commands_complete_in_order() {
    let mut s = Session::login(&env("IMAP4_USER2"), &env("IMAP4_PASS2"));
    let m = s.scratch("pipe");
    // 50 APPENDs queued at once go out back to back (LITERAL+), no round trip each.
    let tags: Vec<_> = (0..50)
        .map(|i| {
            s.conn
                .send(&encode::Append::new(
                    m.clone(),
                    encode::AppendMessage::new(message(&format!("p{i}"), "x")),
                ))
                .unwrap()
        })
        .collect();
    assert_eq!(s.conn.in_flight(), 50);
    let mut done = Vec::new();
    while done.len() < tags.len() {
        if let ConnEvent::Done { tag, status, .. } = s.next_event() {
            assert_eq!(status.kind, StatusKind::Ok);
            done.push(tag);
        }
    }
    assert_eq!(done, tags);
    let r = s.ok(&encode::Status::new(
        m.clone(),
        [encode::StatusAttr::Messages],
    ));
    assert!(
        matches!(&r.data[0], Data::Status { items, .. } if items[0] == StatusItem::Messages(50))
    );
    s.ok(&encode::Delete::new(m));
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn bad_command_is_bad_and_session_goes_on() {
    let mut s = Session::login(&env("IMAP4_USER2"), &env("IMAP4_PASS2"));
    let r = s.run(&encode::Raw::new("XNOSUCHCOMMAND"));
    assert_eq!(r.status.kind, StatusKind::Bad);
    let r = s.run(&encode::Select::new("does-not-exist-anywhere"));
    assert_eq!(r.status.kind, StatusKind::No);
    assert_eq!(s.conn.state(), ConnState::Authenticated);
    s.ok(&encode::Noop);
}
