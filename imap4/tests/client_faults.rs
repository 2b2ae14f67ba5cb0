//! The blocking client against scripted fake servers: faults and quirks a real server
//! will not produce on demand (drops mid-reply, BYE between responses, unknown tags,
//! silence, hostile sizes). Always run; no Dovecot needed.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use imap4::blocking::{Client, IdleEvent, Timeouts};
use imap4::proto::encode::FetchAttr;
use imap4::proto::{ProtocolError, Section, SequenceSet};
use imap4::{Abort, Error};

mod fake;
use fake::{client, client_with, fake, Server};

/// Selects a fake mailbox of 3 messages.
fn select(srv: &mut Server) {
    let t = srv.expect("SELECT");
    srv.send("* 3 EXISTS\r\n* OK [UIDVALIDITY 7] x\r\n* OK [UIDNEXT 4] x\r\n");
    srv.send(&format!("{t} OK [READ-WRITE] selected\r\n"));
}

fn uids(s: &str) -> SequenceSet {
    SequenceSet::parse(s.as_bytes()).unwrap()
}

#[test]
fn connection_closed_between_fetch_responses_is_an_abort_not_a_short_result() {
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        srv.expect("UID FETCH");
        srv.send("* 1 FETCH (UID 1 FLAGS ())\r\n* 2 FETCH (UID 2 FLAGS ())\r\n");
        // ... and hang up before the other 18 and the completion.
    });
    let mut c = client(port);
    c.select("INBOX").unwrap();
    let mut got = 0;
    let mut err = None;
    for m in c.uid_fetch(&uids("1:20"), [FetchAttr::Flags]).unwrap() {
        match m {
            Ok(_) => got += 1,
            Err(e) => err = Some(e),
        }
    }
    assert_eq!(got, 2);
    assert!(
        matches!(err, Some(Error::Abort(Abort::Closed))),
        "got {err:?}"
    );
    // The client knows the connection is gone.
    assert!(c.is_broken());
    assert!(matches!(c.noop(), Err(Error::Abort(Abort::Unusable(_)))));
    h.join().unwrap();
}

#[test]
fn collect_all_fails_when_the_server_drops_mid_fetch() {
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        srv.expect("FETCH");
        srv.send("* 1 FETCH (FLAGS ())\r\n");
    });
    let mut c = client(port);
    c.select("INBOX").unwrap();
    let r = c
        .fetch(&uids("1:3"), [FetchAttr::Flags])
        .unwrap()
        .collect_all();
    assert!(matches!(r, Err(Error::Abort(Abort::Closed))), "{r:?}");
    h.join().unwrap();
}

#[test]
fn bye_between_fetch_responses_is_an_abort() {
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        srv.expect("UID FETCH");
        srv.send("* 1 FETCH (UID 1 FLAGS ())\r\n* BYE shutting down for maintenance\r\n");
        thread::sleep(Duration::from_millis(200));
    });
    let mut c = client(port);
    c.select("INBOX").unwrap();
    let r = c
        .uid_fetch(&uids("1:*"), [FetchAttr::Flags])
        .unwrap()
        .collect_all();
    match r {
        Err(Error::Abort(Abort::Bye(text))) => assert!(text.contains("maintenance")),
        other => panic!("{other:?}"),
    }
    assert!(c.is_broken());
    h.join().unwrap();
}

#[test]
fn completion_with_an_unknown_tag_is_a_protocol_error() {
    let (port, h) = fake(|mut srv| {
        srv.expect("NOOP");
        srv.send("zz99 OK who sent this\r\n");
        thread::sleep(Duration::from_millis(200));
    });
    let mut c = client(port);
    let r = c.noop();
    assert!(
        matches!(
            r,
            Err(Error::Abort(Abort::Protocol(ProtocolError::UnknownTag(_))))
        ),
        "{r:?}"
    );
    h.join().unwrap();
}

#[test]
fn a_silent_server_times_out_and_the_client_says_so() {
    let (port, h) = fake(|mut srv| {
        srv.expect("NOOP");
        // Say nothing for longer than the client waits.
        thread::sleep(Duration::from_millis(3000));
    });
    let t = Timeouts::default().command(Some(Duration::from_millis(300)));
    let mut c = client_with(port, t);
    let start = Instant::now();
    let r = c.noop();
    assert!(
        matches!(
            r,
            Err(Error::Abort(Abort::Timeout {
                waiting_for: "NOOP",
                ..
            }))
        ),
        "{r:?}"
    );
    assert!(start.elapsed() < Duration::from_millis(2800));
    assert!(matches!(c.noop(), Err(Error::Abort(Abort::Unusable(_)))));
    h.join().unwrap();
}

#[test]
fn greeting_timeout() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = thread::spawn(move || {
        let (_s, _) = l.accept().unwrap();
        thread::sleep(Duration::from_millis(1000));
    });
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let t = Timeouts::default().greeting(Some(Duration::from_millis(200)));
    let r = Client::from_stream_with(s, false, t);
    assert!(
        matches!(
            r,
            Err(Error::Abort(Abort::Timeout {
                waiting_for: "greeting",
                ..
            }))
        ),
        "{r:?}"
    );
    h.join().unwrap();
}

#[test]
fn slow_but_steady_literal_is_not_a_timeout() {
    // 12 pieces, 100 ms apart: 1.2 s in all, with a 400 ms progress budget.
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        let t = srv.expect("UID FETCH");
        srv.send("* 1 FETCH (UID 1 BODY[] {120}\r\n");
        for _ in 0..12 {
            thread::sleep(Duration::from_millis(100));
            srv.send("0123456789");
        }
        srv.send(&format!(")\r\n{t} OK done\r\n"));
    });
    let t = Timeouts::default().command(Some(Duration::from_millis(400)));
    let mut c = client_with(port, t);
    c.select("INBOX").unwrap();
    let all = c
        .uid_fetch(&uids("1"), [FetchAttr::body_peek(Section::default())])
        .unwrap()
        .collect_all()
        .unwrap();
    assert_eq!(all[0].body().unwrap().len(), 120);
    h.join().unwrap();
}

#[test]
fn unsolicited_flag_updates_never_appear_among_fetch_results() {
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        let t = srv.expect("UID FETCH");
        srv.send("* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 10)\r\n");
        // Another session changed message 3 (no UID: unsolicited by RFC 3501 6.4.8).
        srv.send("* 3 FETCH (FLAGS (\\Seen))\r\n");
        // ... and one with a UID outside the request.
        srv.send("* 2 FETCH (UID 99 FLAGS (\\Flagged))\r\n");
        // ... and a FLAGS-only update inside the range, while we asked for the size.
        srv.send("* 2 FETCH (UID 2 FLAGS (\\Answered))\r\n");
        srv.send("* 2 FETCH (UID 2 FLAGS (\\Answered) RFC822.SIZE 20)\r\n");
        srv.send(&format!("{t} OK done\r\n"));
    });
    let mut c = client(port);
    c.select("INBOX").unwrap();
    let got = c
        .uid_fetch(&uids("1:2"), [FetchAttr::Flags, FetchAttr::Rfc822Size])
        .unwrap()
        .collect_all()
        .unwrap();
    let got: Vec<_> = got.iter().map(|f| (f.uid(), f.size())).collect();
    assert_eq!(got, [(Some(1), Some(10)), (Some(2), Some(20))]);
    let extra = c.take_unsolicited();
    assert_eq!(extra.len(), 3, "{extra:?}");
    h.join().unwrap();
}

#[test]
fn one_unreadable_fetch_costs_one_message() {
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        let t = srv.expect("FETCH");
        let date = "INTERNALDATE \"17-Jul-1996 02:44:25 -0700\"";
        srv.send(&format!("* 1 FETCH (FLAGS () {date})\r\n"));
        srv.send("* 2 FETCH (FLAGS (\\Seen) INTERNALDATE \"not a date at all\")\r\n");
        srv.send(&format!("* 3 FETCH (FLAGS () {date})\r\n"));
        srv.send(&format!("{t} OK done\r\n"));
        let t = srv.expect("NOOP");
        srv.send(&format!("{t} OK\r\n"));
    });
    let mut c = client(port);
    c.select("INBOX").unwrap();
    let results: Vec<_> = c
        .fetch(&uids("1:3"), [FetchAttr::Flags, FetchAttr::InternalDate])
        .unwrap()
        .collect();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().unwrap().seq, 1);
    match &results[1] {
        Err(Error::Unparsed { raw, .. }) => assert!(raw.starts_with(b"* 2 FETCH")),
        other => panic!("{other:?}"),
    }
    assert_eq!(results[2].as_ref().unwrap().seq, 3);
    c.noop().expect("the connection is fine");
    h.join().unwrap();
}

#[test]
fn fetch_results_arrive_before_the_command_completes() {
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (port, h) = fake(move |mut srv| {
        select(&mut srv);
        let t = srv.expect("FETCH");
        srv.send("* 1 FETCH (FLAGS ())\r\n");
        // The rest only once the client has seen the first message.
        go_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("client saw message 1");
        srv.send("* 2 FETCH (FLAGS ())\r\n");
        srv.send(&format!("{t} OK done\r\n"));
    });
    let mut c = client(port);
    c.select("INBOX").unwrap();
    let mut stream = c.fetch(&uids("1:2"), [FetchAttr::Flags]).unwrap();
    let first = stream.next().unwrap().unwrap();
    assert_eq!(first.seq, 1);
    go_tx.send(()).unwrap();
    assert_eq!(stream.next().unwrap().unwrap().seq, 2);
    assert!(stream.next().is_none());
    h.join().unwrap();
}

#[test]
fn dropping_a_fetch_early_leaves_the_connection_usable() {
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        let t = srv.expect("FETCH");
        for i in 1..=3 {
            srv.send(&format!("* {i} FETCH (FLAGS ())\r\n"));
        }
        srv.send(&format!("{t} OK done\r\n"));
        let t = srv.expect("NOOP");
        srv.send(&format!("* 4 EXISTS\r\n{t} OK\r\n"));
    });
    let mut c = client(port);
    c.select("INBOX").unwrap();
    {
        let mut s = c.fetch(&uids("1:3"), [FetchAttr::Flags]).unwrap();
        s.next().unwrap().unwrap();
    } // dropped with two messages and the completion unread
    c.noop().unwrap();
    assert_eq!(c.mailbox().unwrap().exists, 4);
    h.join().unwrap();
}

#[test]
fn server_no_ends_a_fetch_with_an_error() {
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        let t = srv.expect("FETCH");
        srv.send("* 1 FETCH (FLAGS ())\r\n");
        srv.send(&format!(
            "{t} NO [EXPUNGEISSUED] some messages were expunged\r\n"
        ));
    });
    let mut c = client(port);
    c.select("INBOX").unwrap();
    let r: Vec<_> = c.fetch(&uids("1:2"), [FetchAttr::Flags]).unwrap().collect();
    assert!(r[0].is_ok());
    match &r[1] {
        Err(Error::No { command, text, .. }) => {
            assert_eq!(*command, "FETCH");
            assert!(text.contains("expunged"));
        }
        other => panic!("{other:?}"),
    }
    h.join().unwrap();
}

#[test]
fn body_streams_into_a_writer_in_chunks() {
    const SIZE: usize = 3 << 20;
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        let t = srv.expect("UID FETCH");
        srv.send(&format!("* 1 FETCH (UID 5 BODY[] {{{SIZE}}}\r\n"));
        let chunk = vec![b'x'; 64 * 1024];
        let mut left = SIZE;
        while left > 0 {
            let n = left.min(chunk.len());
            srv.w.write_all(&chunk[..n]).unwrap();
            left -= n;
        }
        srv.send(&format!(")\r\n{t} OK done\r\n"));
    });
    struct Counter {
        total: usize,
        largest: usize,
        writes: usize,
    }
    impl Write for Counter {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            assert!(b.iter().all(|&x| x == b'x'));
            self.total += b.len();
            self.largest = self.largest.max(b.len());
            self.writes += 1;
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = client(port);
    c.select("INBOX").unwrap();
    let mut w = Counter {
        total: 0,
        largest: 0,
        writes: 0,
    };
    let n = c.uid_fetch_message_to(5, &mut w).unwrap();
    assert_eq!(n, Some(SIZE as u64));
    assert_eq!(w.total, SIZE);
    assert!(w.writes > 10, "written in chunks, not at once");
    assert!(w.largest <= 1 << 20, "largest chunk {}", w.largest);
    h.join().unwrap();
}

#[test]
fn a_failing_writer_does_not_break_the_connection() {
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        let t = srv.expect("UID FETCH");
        let body = "y".repeat(100_000);
        srv.send(&format!(
            "* 1 FETCH (UID 5 BODY[] {{100000}}\r\n{body})\r\n{t} OK\r\n"
        ));
        let t = srv.expect("NOOP");
        srv.send(&format!("{t} OK\r\n"));
    });
    struct Full;
    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = client(port);
    c.select("INBOX").unwrap();
    let r = c.uid_fetch_message_to(5, &mut Full);
    assert!(matches!(r, Err(Error::Output(_))), "{r:?}");
    c.noop().expect("still usable");
    h.join().unwrap();
}

#[test]
fn a_huge_literal_announcement_is_refused_without_allocating_it() {
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        srv.expect("UID FETCH");
        srv.send("* 1 FETCH (UID 1 BODY[] {10737418240}\r\nabc");
        thread::sleep(Duration::from_millis(300));
    });
    let mut c = client(port);
    c.select("INBOX").unwrap();
    let r = c
        .uid_fetch(&uids("1"), [FetchAttr::body_peek(Section::default())])
        .unwrap()
        .collect_all();
    assert!(
        matches!(
            r,
            Err(Error::Abort(Abort::Protocol(ProtocolError::Decode(_))))
        ),
        "{r:?}"
    );
    h.join().unwrap();
}

#[test]
fn idle_events_and_done() {
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        let t = srv.expect("IDLE");
        srv.send("+ idling\r\n");
        thread::sleep(Duration::from_millis(100));
        srv.send("* 4 EXISTS\r\n* 2 EXPUNGE\r\n* 1 FETCH (FLAGS (\\Seen))\r\n");
        let mut line = String::new();
        srv.r.read_line(&mut line).unwrap();
        assert_eq!(line, "DONE\r\n");
        srv.send(&format!("{t} OK idle done\r\n"));
        let t = srv.expect("NOOP");
        srv.send(&format!("{t} OK\r\n"));
    });
    let mut c = client(port);
    c.select("INBOX").unwrap();
    let mut idle = c.idle().unwrap();
    let mut seen = Vec::new();
    while let Some(e) = idle.wait(Duration::from_millis(800)).unwrap() {
        seen.push(e);
    }
    idle.done().unwrap();
    assert!(matches!(seen[0], IdleEvent::Exists(4)), "{seen:?}");
    assert!(matches!(seen[1], IdleEvent::Expunge(2)));
    assert!(matches!(&seen[2], IdleEvent::Fetch(f) if f.seq == 1));
    c.noop().unwrap();
    h.join().unwrap();
}

#[test]
fn idle_is_reissued_before_the_refresh_interval() {
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        let mut idles = 0;
        loop {
            let (t, rest) = srv.cmd();
            match rest.as_str() {
                "IDLE" => {
                    idles += 1;
                    srv.send("+ idling\r\n");
                    let mut line = String::new();
                    srv.r.read_line(&mut line).unwrap();
                    assert_eq!(line, "DONE\r\n");
                    srv.send(&format!("{t} OK\r\n"));
                }
                "LOGOUT" => {
                    srv.send(&format!("* BYE\r\n{t} OK\r\n"));
                    break;
                }
                other => panic!("{other}"),
            }
        }
        assert!(idles >= 3, "IDLE sent {idles} times");
    });
    let t = Timeouts::default().idle_refresh(Duration::from_millis(300));
    let mut c = client_with(port, t);
    c.select("INBOX").unwrap();
    let events = c.idle_for(Duration::from_millis(1100)).unwrap();
    assert!(events.is_empty());
    c.logout().unwrap();
    h.join().unwrap();
}

#[test]
fn dropped_idle_is_ended_before_the_next_command() {
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        let t = srv.expect("IDLE");
        srv.send("+ idling\r\n");
        let mut line = String::new();
        srv.r.read_line(&mut line).unwrap();
        assert_eq!(line, "DONE\r\n");
        srv.send(&format!("{t} OK\r\n"));
        let t = srv.expect("NOOP");
        srv.send(&format!("{t} OK\r\n"));
    });
    let mut c = client(port);
    c.select("INBOX").unwrap();
    drop(c.idle().unwrap());
    c.noop().unwrap();
    h.join().unwrap();
}

#[test]
fn readonly_change_is_reported_after_the_command_completes() {
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        let t = srv.expect("NOOP");
        srv.send(&format!(
            "* OK [READ-ONLY] another client made the mailbox read-only\r\n{t} OK\r\n"
        ));
        let t = srv.expect("NOOP");
        srv.send(&format!("{t} OK\r\n"));
    });
    let mut c = client(port);
    assert!(!c.select("INBOX").unwrap().read_only);
    let r = c.noop();
    assert!(matches!(r, Err(Error::ReadOnly(_))), "{r:?}");
    assert!(c.mailbox().unwrap().read_only);
    c.noop().expect("in step after the readonly report");
    h.join().unwrap();
}

#[test]
fn a_mailbox_name_with_crlf_cannot_inject_a_command() {
    let name = "INBOX\r\nA2 DELETE INBOX";
    let (port, h) = fake(move |mut srv| {
        // One SELECT, whose name is encoded (modified UTF-7 turns the control characters
        // into base64), then nothing but the NOOP.
        let (t, rest) = srv.cmd();
        assert_eq!(rest, "SELECT \"INBOX&AA0ACg-A2 DELETE INBOX\"");
        srv.send(&format!("{t} NO no such mailbox\r\n"));
        let t = srv.expect("NOOP");
        srv.send(&format!("{t} OK\r\n"));
    });
    let mut c = client(port);
    assert!(matches!(c.select(name), Err(Error::No { .. })));
    c.noop().unwrap();
    h.join().unwrap();
}

/// Counts write calls on the way to the socket.
struct CountingStream {
    inner: TcpStream,
    writes: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl std::io::Read for CountingStream {
    fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(b)
    }
}

impl Write for CountingStream {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.writes
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.write(b)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl imap4::blocking::Stream for CountingStream {}

#[test]
fn each_command_goes_out_in_one_write_with_its_literals() {
    use std::io::Read;
    let (port, h) = fake(|mut srv| {
        let t = srv.expect("APPEND");
        // With LITERAL+ the message follows the line at once: read it and the CRLF.
        let mut msg = vec![0; 5000 + 2];
        srv.r.read_exact(&mut msg).unwrap();
        assert!(msg.ends_with(b"\r\n"));
        srv.send(&format!("{t} OK [APPENDUID 1 1] done\r\n"));
        select(&mut srv);
        let t = srv.expect("UID STORE");
        srv.send(&format!("{t} OK\r\n"));
    });
    let writes = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let s = CountingStream {
        inner: TcpStream::connect(("127.0.0.1", port)).unwrap(),
        writes: writes.clone(),
    };
    let mut c = Client::from_stream(s, false).unwrap();
    let body = "x".repeat(4998) + "\r\n";
    let count = || writes.load(std::sync::atomic::Ordering::SeqCst);
    let before = count();
    c.run(&imap4::proto::encode::Append::new(
        "INBOX",
        imap4::proto::encode::AppendMessage::new(body.into_bytes()),
    ))
    .unwrap();
    assert_eq!(count() - before, 1, "APPEND with LITERAL+ in one write");
    c.select("INBOX").unwrap();
    let before = count();
    c.run(
        &imap4::proto::encode::Store::new(
            uids("1:3"),
            imap4::proto::encode::StoreMode::Add,
            [imap4::proto::Flag::Seen],
        )
        .uid(true),
    )
    .unwrap();
    assert_eq!(count() - before, 1, "STORE in one write");
    h.join().unwrap();
}

#[test]
fn an_imap4rev2_only_server() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut srv = Server {
            r: BufReader::new(s.try_clone().unwrap()),
            w: s,
        };
        srv.send("* OK [CAPABILITY IMAP4rev2 AUTH=PLAIN LITERAL+ IDLE] rev2 only\r\n");
        let t = srv.expect("LOGIN");
        srv.send(&format!(
            "{t} OK [CAPABILITY IMAP4rev2 IDLE MOVE LITERAL+] in\r\n"
        ));
        // RFC 9051 SELECT: no RECENT, LIST with the canonical name.
        let t = srv.expect("SELECT");
        srv.send("* 3 EXISTS\r\n* OK [UIDVALIDITY 9] x\r\n* OK [UIDNEXT 4] x\r\n");
        srv.send("* LIST () \"/\" INBOX\r\n* FLAGS (\\Seen \\Deleted)\r\n");
        srv.send(&format!("{t} OK [READ-WRITE] done\r\n"));
        // SEARCH answers with ESEARCH on rev2.
        let (t, rest) = srv.cmd();
        assert_eq!(rest, "UID SEARCH UNSEEN");
        srv.send(&format!(
            "* ESEARCH (TAG \"{t}\") UID ALL 1:2\r\n{t} OK done\r\n"
        ));
        // Mailbox names go as UTF-8, not modified UTF-7.
        let (t, rest) = srv.cmd();
        assert_eq!(rest, "CREATE \"Entwürfe\"");
        srv.send(&format!("{t} OK\r\n"));
        let t = srv.expect("LOGOUT");
        srv.send(&format!("* BYE\r\n{t} OK\r\n"));
    });
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut c = Client::from_stream(s, true).unwrap();
    assert_eq!(c.protocol_version(), "IMAP4rev2");
    c.login("alice", "pw").unwrap();
    let m = c.select("INBOX").unwrap();
    assert_eq!((m.exists, m.uid_validity, m.recent), (3, Some(9), 0));
    assert_eq!(
        c.uid_search(imap4::proto::encode::Criteria::unseen())
            .unwrap(),
        [1, 2]
    );
    c.create("Entwürfe").unwrap();
    assert!(c.take_unsolicited().is_empty());
    c.logout().unwrap();
    h.join().unwrap();
}

#[test]
fn waiting_forever_is_allowed() {
    // Duration::MAX means "no time limit", not an overflow.
    let (port, h) = fake(|mut srv| {
        select(&mut srv);
        let t = srv.expect("IDLE");
        srv.send("+ idling\r\n");
        thread::sleep(Duration::from_millis(100));
        srv.send("* 4 EXISTS\r\n");
        let mut line = String::new();
        srv.r.read_line(&mut line).unwrap();
        srv.send(&format!("{t} OK\r\n"));
    });
    let t = Timeouts::default()
        .command(None)
        .idle_refresh(Duration::MAX);
    let mut c = client_with(port, t);
    c.select("INBOX").unwrap();
    let mut idle = c.idle().unwrap();
    let ev = idle.wait(Duration::MAX).unwrap();
    assert!(matches!(ev, Some(IdleEvent::Exists(4))), "{ev:?}");
    idle.done().unwrap();
    h.join().unwrap();
}

#[test]
fn a_server_that_stops_reading_times_out_the_write() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        s.write_all(b"* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] hi\r\n")
            .unwrap();
        // Never read (the kernel buffers still take a few MB at first).
        thread::sleep(Duration::from_secs(5));
    });
    let opts =
        imap4::transport::ConnectOptions::default().io_timeout(Some(Duration::from_millis(300)));
    let mut c = Client::connect_plain("127.0.0.1", port, &opts).unwrap();
    let started = Instant::now();
    let r = c.append("INBOX", vec![b'x'; 64 << 20], [], None);
    assert!(
        matches!(
            r,
            Err(Error::Abort(Abort::Timeout {
                waiting_for: "write",
                ..
            }))
        ),
        "{r:?}"
    );
    // Generous: the kernel may keep taking bytes for a while on a loaded machine.
    assert!(started.elapsed() < Duration::from_millis(4500));
    assert!(c.is_broken());
    // The server thread ends by itself; no need to wait for it.
    drop((c, h));
}

#[test]
fn a_connection_dropped_mid_literal_is_an_abort_for_both_fetch_paths() {
    for streamed in [false, true] {
        let (port, h) = fake(move |mut srv| {
            select(&mut srv);
            srv.expect("UID FETCH");
            // Announce 100,000 bytes, send 30,000, hang up.
            srv.send("* 1 FETCH (UID 1 BODY[] {100000}\r\n");
            srv.send(&"z".repeat(30_000));
        });
        let mut c = client(port);
        c.select("INBOX").unwrap();
        if streamed {
            let mut sink = Vec::new();
            let r = c.uid_fetch_message_to(1, &mut sink);
            assert!(matches!(r, Err(Error::Abort(Abort::Closed))), "{r:?}");
            assert!(sink.len() <= 30_000);
        } else {
            let r = c
                .uid_fetch(&uids("1"), [FetchAttr::body_peek(Section::default())])
                .unwrap()
                .collect_all();
            assert!(matches!(r, Err(Error::Abort(Abort::Closed))), "{r:?}");
        }
        assert!(c.is_broken());
        h.join().unwrap();
    }
}
