//! `append_from`: a message read from the caller's source while it is sent, against
//! scripted servers: the literal announced, the `+` awaited, exactly the announced bytes
//! sent; a NO instead of `+` (nothing lost, the connection fine); a source that fails or
//! ends early half way (the connection unusable, said so by the next command).

mod fake;

use std::io::{self, Read};

use fake::{client, fake};
use imap4::proto::encode::AppendStream;
use imap4::proto::Flag;
use imap4::{Abort, Error};

/// Reads the literal of `n` bytes and its CRLF.
fn literal(s: &mut fake::Server, n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n + 2];
    s.r.read_exact(&mut b).unwrap();
    assert_eq!(
        &b[n..],
        b"\r\n",
        "the command ends with CRLF after the message"
    );
    b.truncate(n);
    b
}

/// The bytes of message `n` of the tests (deterministic, CRLF lines).
fn body(len: usize) -> Vec<u8> {
    let mut v = b"Subject: big\r\n\r\n".to_vec();
    let mut i = 0u64;
    while v.len() < len {
        v.extend_from_slice(format!("line {i:08}\r\n").as_bytes());
        i += 1;
    }
    v.truncate(len);
    v
}

#[test]
fn the_message_goes_in_pieces_after_the_continuation() {
    let msg = body(300_000);
    let want = msg.clone();
    let (port, h) = fake(move |mut s| {
        let (t, rest) = s.cmd();
        assert_eq!(
            rest,
            format!("APPEND Archive (\\Seen $Work) {{{}}}", want.len()),
            "a synchronizing literal even with LITERAL+"
        );
        s.send("+ go ahead\r\n");
        assert_eq!(literal(&mut s, want.len()), want);
        s.send(&format!("{t} OK [APPENDUID 38505 3955] done\r\n"));
        let t = s.expect("NOOP");
        s.send(&format!("{t} OK\r\n"));
    });
    let mut c = client(port);
    let cmd =
        AppendStream::new("Archive", msg.len() as u64).flags([Flag::Seen, Flag::parse(b"$Work")]);
    let at = c.append_from(cmd, &mut &msg[..]).unwrap().unwrap();
    assert_eq!((at.uid_validity, at.uid), (38505, 3955));
    c.noop().unwrap();
    h.join().unwrap();
}

/// Counts what was read.
struct Counting<'a> {
    data: &'a [u8],
    read: usize,
    /// Fail once this much was read.
    fail_at: Option<usize>,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.fail_at.is_some_and(|f| self.read >= f) {
            return Err(io::Error::other("disk read error"));
        }
        let n = buf.len().min(self.data.len() - self.read);
        buf[..n].copy_from_slice(&self.data[self.read..self.read + n]);
        self.read += n;
        Ok(n)
    }
}

#[test]
fn a_refusal_before_the_message_costs_nothing() {
    let msg = body(1_000_000);
    let (port, h) = fake(move |mut s| {
        let t = s.expect("APPEND");
        s.send(&format!("{t} NO [TOOBIG] Message too large\r\n"));
        let t = s.expect("NOOP");
        s.send(&format!("{t} OK\r\n"));
    });
    let mut c = client(port);
    let mut src = Counting {
        data: &msg,
        read: 0,
        fail_at: None,
    };
    let e = c
        .append_from(AppendStream::new("INBOX", msg.len() as u64), &mut src)
        .unwrap_err();
    assert!(matches!(e, Error::No { .. }), "{e:?}");
    assert!(
        src.read <= 64 << 10,
        "only the first piece was read: {}",
        src.read
    );
    c.noop().expect("the connection is fine after a NO");
    h.join().unwrap();
}

#[test]
fn a_source_failing_half_way_breaks_the_connection_and_says_so() {
    let msg = body(500_000);
    let (port, h) = fake(move |mut s| {
        let _ = s.expect("APPEND");
        s.send("+ go\r\n");
        // The client gives up inside the literal; whatever it sent is read and dropped.
        let mut sink = Vec::new();
        let _ = s.r.read_to_end(&mut sink);
        assert!(sink.len() < 500_000, "{}", sink.len());
    });
    let mut c = client(port);
    let mut src = Counting {
        data: &msg,
        read: 0,
        fail_at: Some(200_000),
    };
    let e = c
        .append_from(AppendStream::new("INBOX", msg.len() as u64), &mut src)
        .unwrap_err();
    assert!(matches!(&e, Error::Abort(Abort::Source(_))), "{e:?}");
    assert!(e.to_string().contains("disk read error"), "{e}");
    let later = c.noop().unwrap_err();
    assert!(
        matches!(&later, Error::Abort(Abort::Unusable(why)) if why.contains("disk read error")),
        "{later:?}"
    );
    drop(c);
    h.join().unwrap();
}

#[test]
fn a_source_shorter_than_announced_is_an_error_not_a_hang() {
    let msg = body(100_000);
    let (port, h) = fake(move |mut s| {
        let _ = s.expect("APPEND");
        s.send("+ go\r\n");
        let mut sink = Vec::new();
        let _ = s.r.read_to_end(&mut sink);
    });
    let mut c = client(port);
    let e = c
        .append_from(AppendStream::new("INBOX", 150_000), &mut &msg[..])
        .unwrap_err();
    assert!(
        matches!(&e, Error::Abort(Abort::Source(io)) if io.kind() == io::ErrorKind::UnexpectedEof),
        "{e:?}"
    );
    assert!(e.to_string().contains("100000 of 150000"), "{e}");
    drop(c);
    h.join().unwrap();
}

#[test]
fn an_unreadable_source_fails_before_anything_is_sent() {
    let (port, h) = fake(move |mut s| {
        // The first command the server sees is the NOOP.
        let t = s.expect("NOOP");
        s.send(&format!("{t} OK\r\n"));
    });
    let mut c = client(port);
    let mut src = Counting {
        data: b"",
        read: 0,
        fail_at: Some(0),
    };
    let e = c
        .append_from(AppendStream::new("INBOX", 10), &mut src)
        .unwrap_err();
    assert!(matches!(&e, Error::Output(_)), "{e:?}");
    c.noop().expect("nothing was sent: the connection is fine");
    h.join().unwrap();
}
