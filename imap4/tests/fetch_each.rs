//! `uid_fetch_each_to`: many messages, each streamed into a writer of its own, against
//! scripted replies of the shapes real servers send (UID before or after the body, big
//! streamed literals, NIL bodies, other sessions' flag updates in the middle, an
//! unreadable response) and a failing sink.

mod fake;

use std::io;

use fake::{client, fake, fake_with};
use imap4::proto::encode::FetchAttr;
use imap4::proto::{Fetch, FetchItem, Section, SectionData, SequenceSet};
use imap4::session::MessageSink;
use imap4::{Error, Unsolicited};

/// Keeps what each call saw.
#[derive(Default)]
struct Collect {
    opened: Vec<(u32, Option<u32>, u64)>,
    done: Vec<(Option<u32>, Vec<u8>, Fetch)>,
    /// Fail opening the writer of this sequence number.
    fail_open: Option<u32>,
}

impl MessageSink for Collect {
    type Writer = Vec<u8>;
    fn open(&mut self, seq: u32, uid: Option<u32>, len: u64) -> io::Result<Vec<u8>> {
        if self.fail_open == Some(seq) {
            return Err(io::Error::other("disk full"));
        }
        self.opened.push((seq, uid, len));
        Ok(Vec::new())
    }
    fn finish(&mut self, w: Vec<u8>, f: Fetch) -> io::Result<()> {
        self.done.push((f.uid(), w, f));
        Ok(())
    }
}

fn section(f: &Fetch) -> Option<&SectionData> {
    f.items.iter().find_map(|i| match i {
        FetchItem::BodySection { data, .. } => Some(data),
        _ => None,
    })
}

#[test]
fn each_message_into_its_own_writer() {
    let big: String = "y".repeat(40_000);
    let reply = format!(
        "* 1 FETCH (UID 10 FLAGS (\\Seen) BODY[] {{5}}\r\nhello)\r\n\
         * 9 FETCH (FLAGS (\\Deleted))\r\n\
         * 2 FETCH (FLAGS () BODY[] {{{n}}}\r\n{big} UID 11)\r\n\
         * 3 FETCH (UID 12 BODY[] NIL)\r\n\
         * 4 FETCH (UID 13 BODY[] \"quoted\")\r\n\
         * 5 FETCH (UID 14 BODY[] {{3}}\r\nabc\r\n\
         * 6 FETCH (UID 15 BODY[] {{2}}\r\nok)\r\n",
        n = big.len()
    );
    let greeting = "* PREAUTH [CAPABILITY IMAP4rev1 METADATA] ready\r\n";
    let (port, h) = fake_with(greeting, move |mut s| {
        let t = s.expect("SELECT");
        s.send(&format!("* 9 EXISTS\r\n{t} OK [READ-WRITE] done\r\n"));
        let (t, rest) = s.cmd();
        assert_eq!(rest, "UID FETCH 10:15 (UID FLAGS BODY.PEEK[])");
        s.send(&reply);
        s.send(&format!("{t} OK fetched\r\n"));
        // A later command with a big literal still parses (the decoder limits are back).
        let t = s.expect("GETMETADATA");
        s.send(&format!(
            "* METADATA \"INBOX\" (/private/comment {{20000}}\r\n{})\r\n{t} OK\r\n",
            "z".repeat(20_000)
        ));
    });
    let mut c = client(port);
    c.select("INBOX").unwrap();
    let mut sink = Collect::default();
    let n = c
        .uid_fetch_each_to(
            SequenceSet::parse(b"10:15").unwrap(),
            FetchAttr::body_peek(Section::default()),
            [FetchAttr::Uid, FetchAttr::Flags],
            &mut sink,
        )
        .unwrap();
    let got: Vec<(Option<u32>, Vec<u8>)> =
        sink.done.iter().map(|(u, b, _)| (*u, b.clone())).collect();
    assert_eq!(
        got,
        [
            (Some(10), b"hello".to_vec()),
            (Some(11), big.clone().into_bytes()),
            (Some(12), vec![]),
            (Some(13), b"quoted".to_vec()),
            (Some(15), b"ok".to_vec()),
        ],
        "the unreadable response of UID 14 is skipped, the rest delivered"
    );
    assert_eq!(n, 5);
    // The streamed one was opened before its UID was known, with the announced length.
    assert!(
        sink.opened.contains(&(2, None, 40_000)),
        "{:?}",
        sink.opened
    );
    // Sections are marked as written, not kept: memory holds no body.
    assert_eq!(section(&sink.done[0].2), Some(&SectionData::Streamed(5)));
    assert_eq!(
        section(&sink.done[1].2),
        Some(&SectionData::Streamed(40_000))
    );
    assert_eq!(section(&sink.done[2].2), Some(&SectionData::Nil));
    let un = c.take_unsolicited();
    assert!(
        un.iter()
            .any(|u| matches!(u, Unsolicited::Data(imap4::proto::Data::Fetch(f)) if f.seq == 9)),
        "{un:?}"
    );
    assert!(
        un.iter().any(|u| matches!(u, Unsolicited::Malformed(_))),
        "{un:?}"
    );
    let md = c.get_metadata("INBOX", &["/private/comment"]).unwrap();
    assert_eq!(md[0].value.as_deref().map(<[u8]>::len), Some(20_000));
    h.join().unwrap();
}

#[test]
fn a_failing_sink_stops_deliveries_and_keeps_the_connection() {
    let (port, h) = fake(move |mut s| {
        let t = s.expect("SELECT");
        s.send(&format!("* 3 EXISTS\r\n{t} OK [READ-WRITE] done\r\n"));
        let t = s.expect("UID FETCH");
        s.send(&format!(
            "* 1 FETCH (UID 1 BODY[] {{1}}\r\na)\r\n\
             * 2 FETCH (UID 2 BODY[] {{20000}}\r\n{})\r\n\
             * 3 FETCH (UID 3 BODY[] {{1}}\r\nc)\r\n{t} OK fetched\r\n",
            "b".repeat(20_000)
        ));
        let t = s.expect("NOOP");
        s.send(&format!("{t} OK\r\n"));
    });
    let mut c = client(port);
    c.select("INBOX").unwrap();
    let mut sink = Collect {
        fail_open: Some(2),
        ..Collect::default()
    };
    let r = c.uid_fetch_each_to(
        SequenceSet::parse(b"1:3").unwrap(),
        FetchAttr::body_peek(Section::default()),
        [],
        &mut sink,
    );
    match r {
        Err(Error::Output(e)) => assert_eq!(e.to_string(), "disk full"),
        other => panic!("{other:?}"),
    }
    let uids: Vec<_> = sink.done.iter().map(|d| d.0).collect();
    assert_eq!(uids, [Some(1)], "nothing after the failure");
    c.noop().unwrap();
    h.join().unwrap();
}
