//! Message commands (APPEND, SEARCH/ESEARCH, SORT, THREAD, STORE, COPY, MOVE, partial
//! fetches, CONDSTORE and QRESYNC) against the local Dovecot (`scripts/dovecot`; the ignored
//! tests, run by `scripts/test`). Users: erin (IMAP4_USER7) and frank (IMAP4_USER8); each
//! test works in mailboxes of its own.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use imap4::blocking::{Client, Stream, Unsolicited};
use imap4::proto::date::InternalDate;
use imap4::proto::encode::{
    self, AppendMessage, AppendStream, Criteria, FetchAttr, QResync, SearchDate, SearchReturn,
    SortKey, StoreMode, ThreadAlgorithm,
};
use imap4::proto::{Data, Fetch, Flag, Section, SequenceSet, Thread};
use imap4::transport::ConnectOptions;
use imap4::Error;

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} not set: eval \"$(scripts/dovecot env)\""))
}

fn port() -> u16 {
    env("IMAP4_PORT").parse().expect("a port number")
}

/// erin (`7`) or frank (`8`).
fn login(n: u8) -> Client {
    let mut c = Client::connect_plain(&env("IMAP4_HOST"), port(), &ConnectOptions::default())
        .expect("connect");
    c.allow_plaintext_login(true);
    c.login(
        &env(&format!("IMAP4_USER{n}")),
        &env(&format!("IMAP4_PASS{n}")),
    )
    .expect("LOGIN");
    c
}

/// A fresh, empty mailbox (deleted first if an earlier run left it).
fn fresh(c: &mut Client, name: &str) {
    let _ = c.run(&encode::Delete::new(name));
    c.run(&encode::Create::new(name)).expect("CREATE");
}

fn drop_mailbox(c: &mut Client, name: &str) {
    if c.mailbox().is_some_and(|m| m.name == name) {
        c.run(&encode::Unselect).expect("UNSELECT");
    }
    c.run(&encode::Delete::new(name)).expect("DELETE");
}

fn msg(from: &str, subject: &str, date: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: erin@example.org\r\nSubject: {subject}\r\nDate: {date}\r\n{extra}\r\n{body}\r\n"
    )
    .into_bytes()
}

fn simple(subject: &str) -> Vec<u8> {
    msg(
        "sender@example.org",
        subject,
        "Mon, 1 Jan 2024 10:00:00 +0000",
        "",
        &format!("body of {subject}"),
    )
}

/// Appends the messages; their UIDs in order.
fn seed(c: &mut Client, mailbox: &str, msgs: &[Vec<u8>]) -> Vec<u32> {
    msgs.iter()
        .map(|m| {
            c.append(mailbox, m.clone(), [], None)
                .expect("APPEND")
                .expect("APPENDUID")
                .uid
        })
        .collect()
}

fn set(nums: &[u32]) -> SequenceSet {
    nums.iter().copied().collect()
}

fn uid_fetch(c: &mut Client, uid: u32, attrs: Vec<FetchAttr>) -> Option<Fetch> {
    let mut all = c
        .uid_fetch(&set(&[uid]), attrs)
        .expect("UID FETCH")
        .collect_all()
        .expect("FETCH results");
    assert!(all.len() <= 1, "{all:?}");
    all.pop()
}

fn body_of(c: &mut Client, uid: u32) -> Option<Vec<u8>> {
    uid_fetch(c, uid, vec![FetchAttr::body_peek(Section::default())])
        .map(|f| f.body().expect("BODY[]").to_vec())
}

fn flags_of(c: &mut Client, uid: u32) -> Vec<Flag> {
    let f = uid_fetch(c, uid, vec![FetchAttr::Flags]).expect("the message exists");
    let mut flags = f.flags().expect("FLAGS").to_vec();
    flags.retain(|f| *f != Flag::Recent);
    flags
}

fn has(flags: &[Flag], f: &Flag) -> bool {
    flags.contains(f)
}

/// A stream that hides capabilities from the client (rewrites them in CAPABILITY lines
/// coming from the real server) and notes whether the server sent a continuation request.
struct Hiding {
    tcp: TcpStream,
    hide: Vec<&'static str>,
    saw_continuation: Arc<AtomicBool>,
}

impl Read for Hiding {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.tcp.read(buf)?;
        let data = &mut buf[..n];
        if data.starts_with(b"+ ") || data.windows(4).any(|w| w == b"\r\n+ ") {
            self.saw_continuation.store(true, Ordering::SeqCst);
        }
        let mut i = 0;
        while let Some(at) = find(&data[i..], b"CAPABILITY ") {
            let start = i + at;
            let end = find(&data[start..], b"\r\n").map_or(data.len(), |e| start + e);
            let line = &mut data[start..end];
            for cap in &self.hide {
                let mut j = 0;
                while let Some(k) = find(&line[j..], cap.as_bytes()) {
                    let s = j + k;
                    let before = s == 0 || line[s - 1] == b' ';
                    let after = line
                        .get(s + cap.len())
                        .is_none_or(|b| *b == b' ' || *b == b']');
                    if before && after {
                        line[s] = b'X';
                    }
                    j = s + 1;
                }
            }
            i = end;
        }
        Ok(n)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl Write for Hiding {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.tcp.write(b)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

impl Stream for Hiding {
    fn set_read_timeout(&mut self, t: Option<Duration>) -> io::Result<()> {
        self.tcp.set_read_timeout(t)
    }
}

/// Logs in as user `n` through a [`Hiding`] stream.
fn login_hiding(n: u8, hide: &[&'static str]) -> (Client<Hiding>, Arc<AtomicBool>) {
    let tcp = TcpStream::connect((env("IMAP4_HOST").as_str(), port())).expect("connect");
    let saw = Arc::new(AtomicBool::new(false));
    let s = Hiding {
        tcp,
        hide: hide.to_vec(),
        saw_continuation: saw.clone(),
    };
    let mut c = Client::from_stream(s, false).expect("greeting");
    c.allow_plaintext_login(true);
    c.login(
        &env(&format!("IMAP4_USER{n}")),
        &env(&format!("IMAP4_PASS{n}")),
    )
    .expect("LOGIN");
    // Make sure the capabilities the client goes by are the post-login ones, rewritten.
    c.capability().expect("CAPABILITY");
    for cap in hide {
        assert!(!c.has_capability(cap).unwrap(), "{cap} still visible");
    }
    (c, saw)
}

// ----- APPEND -----

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn append_returns_appenduid_with_exact_bytes_flags_and_date() {
    let mb = "msgs-append";
    let mut c = login(7);
    fresh(&mut c, mb);
    // 8-bit text and a byte that is not UTF-8 come back unchanged. (Dovecot turns a bare
    // LF into CRLF when it stores a message, so the test sends CRLF only.)
    let data =
        b"From: x@example.org\r\nSubject: exact\r\nX-Tab: a\tb \r\n\r\nK\xc3\xa4se \xff\r\n\r\n"
            .to_vec();
    let date = InternalDate::new(2023, 11, 5, 23, 59, 58, 330).unwrap();
    let at = c
        .append(
            mb,
            data.clone(),
            [Flag::Seen, Flag::keyword("$Work")],
            Some(date),
        )
        .expect("APPEND")
        .expect("Dovecot has UIDPLUS: APPENDUID");
    let state = c.select(mb).expect("SELECT");
    assert_eq!(Some(at.uid_validity), state.uid_validity);
    assert_eq!(state.exists, 1);
    let f = uid_fetch(
        &mut c,
        at.uid,
        vec![
            FetchAttr::body_peek(Section::default()),
            FetchAttr::Flags,
            FetchAttr::InternalDate,
        ],
    )
    .expect("the appended message");
    assert_eq!(f.body().unwrap().as_ref(), &data[..]);
    let mut flags = f.flags().unwrap().to_vec();
    flags.retain(|f| *f != Flag::Recent);
    flags.sort_by_key(|f| f.to_string());
    assert_eq!(flags, [Flag::keyword("$Work"), Flag::Seen]);
    let got = *f.internal_date().unwrap();
    assert_eq!(
        got.to_unix(),
        date.to_unix(),
        "same instant: {got} vs {date}"
    );
    eprintln!("INTERNALDATE sent {date}, got {got}");

    // Without flags and date: no flags, a date close to now.
    let at2 = c.append(mb, simple("plain"), [], None).unwrap().unwrap();
    assert_eq!(at2.uid, at.uid + 1);
    assert!(flags_of(&mut c, at2.uid).is_empty());

    // A missing mailbox: NO with TRYCREATE, nothing stored.
    let err = c
        .append("msgs-append-missing", simple("x"), [], None)
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::No {
                code: Some(imap4::proto::Code::TryCreate),
                ..
            }
        ),
        "{err:?}"
    );
    drop_mailbox(&mut c, mb);
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn append_20mb_from_a_reader_in_pieces() {
    let mb = "msgs-append-from";
    let mut c = login(7);
    fresh(&mut c, mb);
    let mut data = b"From: big@example.org\r\nSubject: from a file\r\n\r\n".to_vec();
    let mut i = 0u32;
    while data.len() < 20 << 20 {
        data.extend_from_slice(format!("line {i:08} read while it is sent\r\n").as_bytes());
        i += 1;
    }
    let date = InternalDate::new(2023, 6, 1, 12, 30, 0, -420).unwrap();
    let cmd = AppendStream::new(mb, data.len() as u64)
        .flags([Flag::Seen, Flag::parse(b"$Big")])
        .date(date);
    let at = c.append_from(cmd, &mut &data[..]).unwrap().unwrap();
    // The connection goes on as usual, and the server holds exactly those bytes.
    c.select(mb).unwrap();
    assert_eq!(body_of(&mut c, at.uid).unwrap(), data);
    let f = uid_fetch(
        &mut c,
        at.uid,
        vec![FetchAttr::Flags, FetchAttr::InternalDate],
    )
    .unwrap();
    // The same moment (Dovecot answers in UTC).
    assert_eq!(f.internal_date().map(|d| d.to_unix()), Some(date.to_unix()));
    let mut flags = f.flags().unwrap().to_vec();
    flags.retain(|f| *f != Flag::Recent);
    assert_eq!(flags, [Flag::Seen, Flag::parse(b"$Big")]);
    // A refusal (no such mailbox) is a NO, and the connection is fine.
    let _ = c.delete("msgs-no-such-box");
    let e = c
        .append_from(
            AppendStream::new("msgs-no-such-box", 5),
            &mut &b"x\r\n\r\n"[..],
        )
        .unwrap_err();
    assert!(matches!(e, Error::No { .. }), "{e:?}");
    c.noop().unwrap();
    drop_mailbox(&mut c, mb);
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn append_5mb_with_literal_plus_and_with_sync_literal() {
    let mb = "msgs-append-big";
    let mut c = login(8);
    fresh(&mut c, mb);
    let mut data = b"From: big@example.org\r\nSubject: big\r\n\r\n".to_vec();
    let mut i = 0u32;
    while data.len() < 5 * 1024 * 1024 {
        data.extend_from_slice(
            format!("line {i:08} of a big message, some text to fill\r\n").as_bytes(),
        );
        i += 1;
    }
    assert!(c.has_capability("LITERAL+").unwrap());
    let a = c.append(mb, data.clone(), [], None).unwrap().unwrap();

    // The same through a stream that hides LITERAL+: the client must wait for `+`.
    let (mut s, saw_plus) = login_hiding(8, &["LITERAL+"]);
    let b = s
        .append(mb, data.clone(), [Flag::Flagged], None)
        .unwrap()
        .unwrap();
    assert!(
        saw_plus.load(Ordering::SeqCst),
        "a synchronizing literal was used"
    );
    s.logout().unwrap();

    c.select(mb).unwrap();
    assert_eq!(body_of(&mut c, a.uid).unwrap(), data);
    assert_eq!(body_of(&mut c, b.uid).unwrap(), data);
    assert_eq!(flags_of(&mut c, b.uid), [Flag::Flagged]);
    drop_mailbox(&mut c, mb);
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn multiappend_in_one_command_and_one_by_one() {
    let mb = "msgs-multiappend";
    let mut c = login(7);
    fresh(&mut c, mb);
    let msgs = || {
        vec![
            AppendMessage::new(simple("one")),
            AppendMessage::new(simple("two")).flags([Flag::Seen]),
            AppendMessage::new(simple("three")),
        ]
    };
    assert!(c.has_capability("MULTIAPPEND").unwrap());
    let a = c.multiappend(mb, msgs()).unwrap().expect("APPENDUID");
    assert_eq!(a.uids.len(), 3);

    // Without MULTIAPPEND: one APPEND each, UIDs collected.
    let (mut s, _) = login_hiding(7, &["MULTIAPPEND"]);
    let b = s.multiappend(mb, msgs()).unwrap().expect("APPENDUID");
    assert_eq!(b.uid_validity, a.uid_validity);
    assert_eq!(b.uids.len(), 3);
    s.logout().unwrap();

    c.select(mb).unwrap();
    for uids in [&a.uids, &b.uids] {
        for (uid, want) in uids.iter().zip(["one", "two", "three"]) {
            assert_eq!(body_of(&mut c, *uid).unwrap(), simple(want));
        }
        assert_eq!(flags_of(&mut c, uids[1]), [Flag::Seen]);
    }
    assert_eq!(c.mailbox().unwrap().exists, 6);
    drop_mailbox(&mut c, mb);
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn binary_append_keeps_nul_bytes() {
    let mb = "msgs-binary";
    let mut c = login(8);
    fresh(&mut c, mb);
    let data = b"From: b@example.org\r\nSubject: bin\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n\x00\x01\x02zero\x00\r\n".to_vec();
    // Asked for explicitly...
    let a = c
        .append_binary(mb, data.clone(), [], None)
        .unwrap()
        .unwrap();
    // ... and automatically, because of the NUL bytes.
    let b = c.append(mb, data.clone(), [], None).unwrap().unwrap();
    c.select(mb).unwrap();
    for uid in [a.uid, b.uid] {
        let f = uid_fetch(&mut c, uid, vec![FetchAttr::binary_peek(&[1])]).unwrap();
        let part = f.items.iter().find_map(|i| match i {
            imap4::proto::FetchItem::Binary { data, .. } => data.bytes().cloned(),
            _ => None,
        });
        assert_eq!(part.unwrap().as_ref(), b"\x00\x01\x02zero\x00\r\n");
    }
    let (mut s, _) = login_hiding(8, &["BINARY"]);
    let err = s.append_binary(mb, data, [], None).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Capability {
                capability: "BINARY",
                ..
            }
        ),
        "{err:?}"
    );
    s.logout().unwrap();
    drop_mailbox(&mut c, mb);
    c.logout().unwrap();
}

// ----- SEARCH, ESEARCH, SORT, THREAD -----

fn seed_search(c: &mut Client, mb: &str) -> Vec<u32> {
    let m1 = msg(
        "Alice <alice@example.org>",
        "Apple report",
        "Mon, 1 Jan 2024 09:00:00 +0000",
        "Message-ID: <a1@example.org>\r\n",
        "quarterly numbers",
    );
    let m2 = msg(
        "Bob <bob@example.org>",
        "Re: Apple report",
        "Wed, 3 Jan 2024 09:00:00 +0000",
        "Message-ID: <b2@example.org>\r\nIn-Reply-To: <a1@example.org>\r\nReferences: <a1@example.org>\r\n",
        "thanks",
    );
    let m3 = msg(
        "Carol <carol@example.org>",
        "Banana",
        "Tue, 2 Jan 2024 09:00:00 +0000",
        "Message-ID: <c3@example.org>\r\n",
        "yellow",
    );
    let m4 = msg(
        "Dave <dave@example.org>",
        "=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=",
        "Thu, 4 Jan 2024 09:00:00 +0000",
        "Message-ID: <d4@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n",
        "Viel K\u{e4}se und Wein",
    );
    seed(c, mb, &[m1, m2, m3, m4])
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn search_and_esearch_exact_results() {
    let mb = "msgs-search";
    let mut c = login(7);
    fresh(&mut c, mb);
    let u = seed_search(&mut c, mb);
    c.select(mb).unwrap();

    assert_eq!(c.search(Criteria::all()).unwrap(), [1, 2, 3, 4]);
    assert_eq!(c.search(Criteria::from("bob")).unwrap(), [2]);
    assert_eq!(
        c.uid_search(Criteria::subject("apple")).unwrap(),
        [u[0], u[1]]
    );
    assert_eq!(
        c.search(Criteria::sent_since(SearchDate::new(2024, 1, 3).unwrap()))
            .unwrap(),
        [2, 4]
    );
    assert_eq!(
        c.search(Criteria::or(
            Criteria::from("carol"),
            Criteria::body("thanks")
        ))
        .unwrap(),
        [2, 3]
    );
    // Non-ASCII: sent with CHARSET UTF-8; Dovecot decodes the encoded-word subject and
    // the 8-bit body.
    assert_eq!(c.search(Criteria::subject("Grüße")).unwrap(), [4]);
    assert_eq!(c.uid_search(Criteria::body("Käse")).unwrap(), [u[3]]);
    assert_eq!(c.search(Criteria::text("köln")).unwrap(), [4]);
    assert!(c.search(Criteria::subject("Straße")).unwrap().is_empty());

    let all = [
        SearchReturn::Min,
        SearchReturn::Max,
        SearchReturn::Count,
        SearchReturn::All,
    ];
    let r = c
        .esearch(Criteria::not(Criteria::from("alice")), all.clone())
        .unwrap();
    assert!(!r.uid);
    assert_eq!((r.min, r.max, r.count), (Some(2), Some(4), Some(3)));
    assert_eq!(r.all.unwrap().to_string(), "2:4");
    let r = c
        .uid_esearch(Criteria::subject("apple"), all.clone())
        .unwrap();
    assert!(r.uid);
    assert_eq!((r.min, r.max, r.count), (Some(u[0]), Some(u[1]), Some(2)));
    assert_eq!(r.all.unwrap(), set(&[u[0], u[1]]));
    let r = c.esearch(Criteria::from("nobody"), all).unwrap();
    assert_eq!((r.min, r.max, r.count, r.all), (None, None, Some(0), None));
    let r = c.esearch(Criteria::subject("banana"), []).unwrap();
    assert_eq!(r.all.unwrap().to_string(), "3");
    drop_mailbox(&mut c, mb);
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn sort_and_thread_exact_results() {
    let mb = "msgs-sort";
    let mut c = login(8);
    fresh(&mut c, mb);
    let u = seed_search(&mut c, mb);
    c.select(mb).unwrap();

    assert_eq!(
        c.sort([SortKey::Date], Criteria::all()).unwrap(),
        [1, 3, 2, 4]
    );
    assert_eq!(
        c.sort([SortKey::Date.reversed()], Criteria::all()).unwrap(),
        [4, 2, 3, 1]
    );
    // SUBJECT sorts by base subject ("Re: " dropped), ties by the next key.
    assert_eq!(
        c.sort(
            [SortKey::Subject.into(), SortKey::Date.reversed()],
            Criteria::all()
        )
        .unwrap(),
        [2, 1, 3, 4]
    );
    assert_eq!(
        c.uid_sort([SortKey::From], Criteria::not(Criteria::from("dave")))
            .unwrap(),
        [u[0], u[1], u[2]]
    );

    let t = |messages: Vec<u32>, children: Vec<Thread>| Thread { messages, children };
    let threads = c
        .thread(ThreadAlgorithm::References, Criteria::all())
        .unwrap();
    assert_eq!(
        threads,
        [
            t(vec![1, 2], vec![]),
            t(vec![3], vec![]),
            t(vec![4], vec![])
        ]
    );
    let threads = c
        .uid_thread(ThreadAlgorithm::References, Criteria::all())
        .unwrap();
    assert_eq!(
        threads,
        [
            t(vec![u[0], u[1]], vec![]),
            t(vec![u[2]], vec![]),
            t(vec![u[3]], vec![])
        ]
    );
    let threads = c
        .thread(ThreadAlgorithm::OrderedSubject, Criteria::all())
        .unwrap();
    assert_eq!(
        threads,
        [
            t(vec![1, 2], vec![]),
            t(vec![3], vec![]),
            t(vec![4], vec![])
        ]
    );
    drop_mailbox(&mut c, mb);
    c.logout().unwrap();
}

// ----- STORE -----

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn store_add_remove_replace_and_silent() {
    let mb = "msgs-store";
    let mut c = login(7);
    fresh(&mut c, mb);
    let u = seed(&mut c, mb, &[simple("a"), simple("b"), simple("c")]);
    c.select(mb).unwrap();

    let r = c.store(1..=2, StoreMode::Add, [Flag::Flagged]).unwrap();
    assert_eq!(r.iter().map(|m| m.seq).collect::<Vec<_>>(), [1, 2]);
    assert!(r.iter().all(|m| has(&m.flags, &Flag::Flagged)));
    assert_eq!(flags_of(&mut c, u[0]), [Flag::Flagged]);
    assert_eq!(flags_of(&mut c, u[1]), [Flag::Flagged]);
    assert!(flags_of(&mut c, u[2]).is_empty());

    let r = c
        .uid_store(u[1], StoreMode::Remove, [Flag::Flagged])
        .unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].seq, r[0].uid), (2, Some(u[1])));
    assert!(!has(&r[0].flags, &Flag::Flagged));
    assert!(flags_of(&mut c, u[1]).is_empty());

    let r = c
        .uid_store(
            set(&u),
            StoreMode::Replace,
            [Flag::Answered, Flag::keyword("$Done")],
        )
        .unwrap();
    assert_eq!(r.len(), 3);
    for uid in &u {
        let mut f = flags_of(&mut c, *uid);
        f.sort_by_key(|f| f.to_string());
        assert_eq!(f, [Flag::keyword("$Done"), Flag::Answered]);
    }

    // .SILENT: nothing comes back, the change happens.
    let r = c
        .store_with(encode::Store::add_flags(3, [Flag::Deleted]).silent(true))
        .unwrap();
    assert!(r.updated.is_empty() && r.modified.is_none(), "{r:?}");
    assert!(has(&flags_of(&mut c, u[2]), &Flag::Deleted));
    drop_mailbox(&mut c, mb);
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn store_unchanged_since_returns_modified() {
    let mb = "msgs-condstore-store";
    let mut c = login(8);
    fresh(&mut c, mb);
    let u = seed(&mut c, mb, &[simple("a"), simple("b"), simple("c")]);
    let state = c
        .select_with(encode::Select::new(mb).condstore(true))
        .unwrap();
    let before = state.highest_modseq.expect("HIGHESTMODSEQ");

    // Another session changes message 2.
    let mut other = login(8);
    other.select(mb).unwrap();
    other
        .uid_store(u[1], StoreMode::Add, [Flag::Flagged])
        .unwrap();
    other.logout().unwrap();

    let r = c
        .store_with(
            encode::Store::add_flags(set(&u), [Flag::Seen])
                .uid(true)
                .unchanged_since(before),
        )
        .unwrap();
    assert_eq!(r.modified, Some(set(&[u[1]])), "{r:?}");
    let changed: Vec<u32> = r
        .updated
        .iter()
        .filter(|m| has(&m.flags, &Flag::Seen))
        .map(|m| m.uid.unwrap())
        .collect();
    assert_eq!(changed, [u[0], u[2]]);
    assert!(r
        .updated
        .iter()
        .all(|m| m.modseq.is_some_and(|m| m > before)));
    assert_eq!(flags_of(&mut c, u[0]), [Flag::Seen]);
    assert_eq!(flags_of(&mut c, u[1]), [Flag::Flagged]);
    assert_eq!(flags_of(&mut c, u[2]), [Flag::Seen]);

    // .SILENT under CONDSTORE: no flags back, but the new mod-sequences.
    let r = c
        .store_with(
            encode::Store::add_flags(set(&u), [Flag::Answered])
                .uid(true)
                .silent(true),
        )
        .unwrap();
    assert!(r.updated.is_empty() && r.modified.is_none(), "{r:?}");
    assert_eq!(
        r.modseqs.iter().map(|m| m.uid.unwrap()).collect::<Vec<_>>(),
        u
    );
    let highest = c.mailbox().unwrap().highest_modseq.unwrap();
    assert!(r
        .modseqs
        .iter()
        .all(|m| m.modseq > before && m.modseq <= highest));
    for uid in &u {
        assert!(has(&flags_of(&mut c, *uid), &Flag::Answered));
    }
    drop_mailbox(&mut c, mb);
    c.logout().unwrap();
}

// ----- COPY, MOVE -----

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn copy_and_uid_copy_return_copyuid() {
    let (src, dst) = ("msgs-copy-src", "msgs-copy-dst");
    let mut c = login(7);
    fresh(&mut c, src);
    fresh(&mut c, dst);
    let u = seed(&mut c, src, &[simple("a"), simple("b"), simple("c")]);
    c.select(src).unwrap();

    let r = c
        .copy(&SequenceSet::range(2, 3).unwrap(), dst)
        .unwrap()
        .expect("COPYUID");
    assert_eq!(r.source, [u[1], u[2]]);
    assert_eq!(r.dest.len(), 2);
    let r2 = c.uid_copy(&set(&[u[0]]), dst).unwrap().expect("COPYUID");
    assert_eq!(r2.source, [u[0]]);
    assert_eq!(r2.uid_validity, r.uid_validity);
    assert_eq!(
        c.search(Criteria::all()).unwrap(),
        [1, 2, 3],
        "source untouched"
    );

    let state = c.select(dst).unwrap();
    assert_eq!(state.uid_validity, Some(r.uid_validity));
    assert_eq!(state.exists, 3);
    assert_eq!(
        body_of(&mut c, r.dest_of(u[1]).unwrap()).unwrap(),
        simple("b")
    );
    assert_eq!(
        body_of(&mut c, r.dest_of(u[2]).unwrap()).unwrap(),
        simple("c")
    );
    assert_eq!(body_of(&mut c, r2.dest[0]).unwrap(), simple("a"));
    drop_mailbox(&mut c, src);
    drop_mailbox(&mut c, dst);
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn move_and_uid_move() {
    let (src, dst) = ("msgs-move-src", "msgs-move-dst");
    let mut c = login(8);
    fresh(&mut c, src);
    fresh(&mut c, dst);
    let u = seed(&mut c, src, &[simple("a"), simple("b"), simple("c")]);
    c.select(src).unwrap();

    let r = c.move_(&set(&[2]), dst).unwrap().expect("COPYUID");
    assert_eq!(r.source, [u[1]]);
    assert_eq!(c.mailbox().unwrap().exists, 2);
    let r2 = c.uid_move(&set(&[u[2]]), dst).unwrap().expect("COPYUID");
    assert_eq!(r2.source, [u[2]]);
    assert_eq!(
        c.uid_search(Criteria::all()).unwrap(),
        [u[0]],
        "gone from the source"
    );
    // The COPYUID was taken out of the unsolicited queue; the expunges are still there.
    assert!(c.take_unsolicited().iter().all(|x| !matches!(
        x,
        Unsolicited::Status(s) if matches!(s.code, Some(imap4::proto::Code::CopyUid { .. }))
    )));

    c.select(dst).unwrap();
    assert_eq!(body_of(&mut c, r.dest[0]).unwrap(), simple("b"));
    assert_eq!(
        body_of(&mut c, r2.dest_of(u[2]).unwrap()).unwrap(),
        simple("c")
    );
    assert_eq!(c.mailbox().unwrap().exists, 2);
    drop_mailbox(&mut c, src);
    drop_mailbox(&mut c, dst);
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn move_without_move_capability_falls_back_to_copy_store_uid_expunge() {
    let (src, dst) = ("msgs-movefb-src", "msgs-movefb-dst");
    let mut c = login(7);
    fresh(&mut c, src);
    fresh(&mut c, dst);
    let u = seed(
        &mut c,
        src,
        &[simple("a"), simple("b"), simple("c"), simple("d")],
    );

    let (mut s, _) = login_hiding(7, &["MOVE"]);
    s.select(src).unwrap();
    // A message already marked \Deleted must survive: only the moved ones are expunged.
    s.uid_store(u[0], StoreMode::Add, [Flag::Deleted]).unwrap();
    let r = s.move_(&set(&[2]), dst).unwrap().expect("COPYUID");
    assert_eq!(r.source, [u[1]]);
    let r2 = s.uid_move(&set(&[u[2]]), dst).unwrap().expect("COPYUID");
    assert_eq!(r2.source, [u[2]]);
    assert_eq!(s.uid_search(Criteria::all()).unwrap(), [u[0], u[3]]);
    s.logout().unwrap();

    // Neither MOVE nor UIDPLUS: refused before anything is sent.
    let (mut s, _) = login_hiding(7, &["MOVE", "UIDPLUS"]);
    s.select(src).unwrap();
    let err = s.uid_move(&set(&[u[3]]), dst).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Capability {
                capability: "MOVE",
                ..
            }
        ),
        "{err:?}"
    );
    let err = s.move_(&set(&[1]), dst).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Capability {
                capability: "MOVE",
                ..
            }
        ),
        "{err:?}"
    );
    s.logout().unwrap();

    c.select(src).unwrap();
    assert_eq!(c.uid_search(Criteria::all()).unwrap(), [u[0], u[3]]);
    assert!(has(&flags_of(&mut c, u[0]), &Flag::Deleted));
    assert!(!has(&flags_of(&mut c, u[3]), &Flag::Deleted));
    c.select(dst).unwrap();
    assert_eq!(body_of(&mut c, r.dest[0]).unwrap(), simple("b"));
    assert_eq!(body_of(&mut c, r2.dest[0]).unwrap(), simple("c"));
    assert_eq!(c.search(Criteria::deleted()).unwrap(), Vec::<u32>::new());
    drop_mailbox(&mut c, src);
    drop_mailbox(&mut c, dst);
    c.logout().unwrap();
}

// ----- partial -----

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn partial_returns_the_byte_range_without_setting_seen() {
    let mb = "msgs-partial";
    let mut c = login(8);
    fresh(&mut c, mb);
    let data = simple("partial");
    let u = seed(&mut c, mb, std::slice::from_ref(&data));
    c.select(mb).unwrap();

    assert_eq!(
        c.partial(1, Section::default(), 0, 10).unwrap().unwrap(),
        &data[..10]
    );
    assert_eq!(
        c.uid_partial(u[0], Section::default(), 6, 20)
            .unwrap()
            .unwrap(),
        &data[6..26]
    );
    let text_at = find(&data, b"\r\n\r\n").unwrap() + 4;
    assert_eq!(
        c.partial(1, Section::text(), 3, 1000).unwrap().unwrap(),
        &data[text_at + 3..]
    );
    assert_eq!(
        c.partial(1, Section::default(), 10_000, 5)
            .unwrap()
            .unwrap(),
        &b""[..]
    );
    assert_eq!(
        c.uid_partial(u[0] + 100, Section::default(), 0, 5).unwrap(),
        None
    );
    assert!(
        flags_of(&mut c, u[0]).is_empty(),
        "BODY.PEEK leaves \\Seen alone"
    );
    drop_mailbox(&mut c, mb);
    c.logout().unwrap();
}

// ----- CONDSTORE, QRESYNC, unsolicited updates -----

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn condstore_fetch_changedsince_returns_only_the_changed_message() {
    let mb = "msgs-changedsince";
    let mut c = login(7);
    fresh(&mut c, mb);
    let u = seed(&mut c, mb, &[simple("a"), simple("b"), simple("c")]);
    let state = c
        .select_with(encode::Select::new(mb).condstore(true))
        .unwrap();
    let old = state.highest_modseq.expect("HIGHESTMODSEQ");
    let r = c.uid_store(u[1], StoreMode::Add, [Flag::Answered]).unwrap();
    let new_modseq = r[0]
        .modseq
        .expect("MODSEQ in the STORE reply under CONDSTORE");
    assert!(new_modseq > old);

    let cmd = encode::Fetch::new(SequenceSet::all(), [FetchAttr::Flags])
        .uid(true)
        .changed_since(old);
    let got = c.fetch_with(cmd).unwrap().collect_all().unwrap();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].uid(), Some(u[1]));
    assert_eq!(got[0].modseq(), Some(new_modseq));
    assert!(has(got[0].flags().unwrap(), &Flag::Answered));
    assert_eq!(c.mailbox().unwrap().highest_modseq, Some(new_modseq));
    drop_mailbox(&mut c, mb);
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn qresync_select_reports_vanished_and_changed() {
    let mb = "msgs-qresync";
    let mut c = login(8);
    fresh(&mut c, mb);
    let u = seed(
        &mut c,
        mb,
        &[simple("a"), simple("b"), simple("c"), simple("d")],
    );
    let state = c
        .select_with(encode::Select::new(mb).condstore(true))
        .unwrap();
    let (validity, modseq) = (state.uid_validity.unwrap(), state.highest_modseq.unwrap());
    c.logout().unwrap();

    // Meanwhile: message b expunged, message c flagged.
    let mut other = login(8);
    other.select(mb).unwrap();
    other
        .uid_store(u[1], StoreMode::Add, [Flag::Deleted])
        .unwrap();
    other.run(&encode::Expunge::new()).unwrap();
    other
        .uid_store(u[2], StoreMode::Add, [Flag::Flagged])
        .unwrap();
    other.logout().unwrap();

    let mut c = login(8);
    let r = c
        .select_qresync(mb, QResync::new(validity, modseq).known_uids(set(&u)))
        .unwrap();
    assert!(c.connection().is_enabled("QRESYNC"));
    assert_eq!(r.mailbox.exists, 3);
    assert_eq!(r.vanished, set(&[u[1]]));
    assert_eq!(r.changed.len(), 1, "{:?}", r.changed);
    assert_eq!(r.changed[0].uid(), Some(u[2]));
    assert!(has(r.changed[0].flags().unwrap(), &Flag::Flagged));
    assert!(r.changed[0].modseq().unwrap() > modseq);
    assert!(
        c.take_unsolicited()
            .iter()
            .all(|x| !matches!(x, Unsolicited::Data(Data::Vanished { .. } | Data::Fetch(_)))),
        "the select's data went into the result, not the queue"
    );

    // The same through UID FETCH (CHANGEDSINCE .. VANISHED): FetchStream::vanished.
    let cmd = encode::Fetch::new(SequenceSet::all(), [FetchAttr::Flags])
        .uid(true)
        .changed_since(modseq)
        .vanished(true);
    let mut stream = c.fetch_with(cmd).unwrap();
    let changed: Vec<Fetch> = stream.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(stream.vanished().to_vec(), [set(&[u[1]])]);
    drop(stream);
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].uid(), Some(u[2]));

    // A stale UIDVALIDITY: nothing is reported as changed or gone.
    c.run(&encode::Unselect).unwrap();
    let r = c
        .select_qresync(mb, QResync::new(validity.wrapping_add(1), modseq))
        .unwrap();
    assert!(r.vanished.is_empty() && r.changed.is_empty(), "{r:?}");
    drop_mailbox(&mut c, mb);
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn unsolicited_flag_updates_stay_out_of_fetch_and_store_results() {
    let mb = "msgs-unsolicited";
    let mut c = login(7);
    fresh(&mut c, mb);
    let u = seed(&mut c, mb, &[simple("a"), simple("b"), simple("c")]);
    c.select(mb).unwrap();
    c.take_unsolicited();
    let mut other = login(7);
    other.select(mb).unwrap();

    let flagged_elsewhere = |c: &mut Client, seq: u32| {
        c.take_unsolicited().into_iter().any(|x| {
            matches!(&x, Unsolicited::Data(Data::Fetch(f))
                if f.seq == seq && f.flags().is_some_and(|fl| fl.contains(&Flag::Flagged)))
        })
    };

    // FETCH of message 1 while message 3 changes elsewhere.
    other
        .uid_store(u[2], StoreMode::Add, [Flag::Flagged])
        .unwrap();
    let got = c
        .fetch(&set(&[1]), [FetchAttr::Flags, FetchAttr::Uid])
        .unwrap()
        .collect_all()
        .unwrap();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].seq, got[0].uid()), (1, Some(u[0])));
    assert!(
        flagged_elsewhere(&mut c, 3),
        "the update for message 3 is unsolicited"
    );

    // UID FETCH of FLAGS only.
    other
        .uid_store(u[1], StoreMode::Add, [Flag::Flagged])
        .unwrap();
    let got = c
        .uid_fetch(&set(&[u[0]]), [FetchAttr::Flags])
        .unwrap()
        .collect_all()
        .unwrap();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].uid(), Some(u[0]));
    assert!(flagged_elsewhere(&mut c, 2));

    // STORE on message 1 while message 2 changes elsewhere.
    other
        .uid_store(u[1], StoreMode::Remove, [Flag::Flagged])
        .unwrap();
    other
        .uid_store(u[1], StoreMode::Add, [Flag::Flagged])
        .unwrap();
    let r = c.store(1, StoreMode::Add, [Flag::Seen]).unwrap();
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].seq, 1);
    assert!(flagged_elsewhere(&mut c, 2));
    other.logout().unwrap();
    drop_mailbox(&mut c, mb);
    c.logout().unwrap();
}
