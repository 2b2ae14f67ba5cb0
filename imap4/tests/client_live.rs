//! The client core against the local Dovecot (`scripts/dovecot`; run by `scripts/test`):
//! streaming FETCH, bodies into a writer, IDLE seeing another session's APPEND, COMPRESS.
//! Each test works in its own mailbox of user alice.

use std::io::Write;
use std::time::Duration;

use imap4::blocking::{Client, IdleEvent};
use imap4::proto::encode::{self, FetchAttr};
use imap4::proto::{Code, SequenceSet};
use imap4::transport::{ConnectOptions, TlsConfig, Transport};

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} not set: eval \"$(scripts/dovecot env)\""))
}

fn login() -> Client<Transport> {
    let port = env("IMAP4_PORT").parse().unwrap();
    let mut c =
        Client::connect_plain(&env("IMAP4_HOST"), port, &ConnectOptions::default()).unwrap();
    c.allow_plaintext_login(true);
    c.login(&env("IMAP4_USER"), &env("IMAP4_PASS")).unwrap();
    c
}

fn login_tls() -> Client<Transport> {
    let port = env("IMAP4_TLS_PORT").parse().unwrap();
    let tls = TlsConfig::with_ca_file(env("IMAP4_CA")).unwrap();
    let mut c = Client::connect_tls(&env("IMAP4_HOST"), port, &tls).unwrap();
    c.login(&env("IMAP4_USER"), &env("IMAP4_PASS")).unwrap();
    c
}

/// A fresh mailbox (deleted first if a previous run left it).
fn fresh(c: &mut Client<Transport>, name: &str) {
    let _ = c.run(&encode::Delete::new(name));
    c.run(&encode::Create::new(name)).unwrap();
}

fn message(i: usize, body: &str) -> Vec<u8> {
    format!(
        "From: Sender {i} <s{i}@example.com>\r\nTo: alice@example.com\r\nSubject: message {i}\r\n\
         Message-ID: <{i}@core.test>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0100\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// APPENDs and returns the new UID (Dovecot has UIDPLUS).
fn append(c: &mut Client<Transport>, mailbox: &str, msg: Vec<u8>) -> u32 {
    let r = c
        .run(&encode::Append::new(
            mailbox,
            encode::AppendMessage::new(msg),
        ))
        .unwrap();
    match r.status.code {
        Some(Code::AppendUid { uids, .. }) => uids.iter(u32::MAX).next().unwrap(),
        other => panic!("no APPENDUID: {other:?}"),
    }
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn fetch_streams_every_message_in_order() {
    let mut c = login();
    fresh(&mut c, "core-stream");
    let n = 150;
    for i in 0..n {
        append(&mut c, "core-stream", message(i, "hello"));
    }
    c.select("core-stream").unwrap();
    let all = SequenceSet::parse(b"1:*").unwrap();
    let mut count = 0;
    let mut last_uid = 0;
    for m in c
        .uid_fetch(
            &all,
            [FetchAttr::Uid, FetchAttr::Envelope, FetchAttr::Rfc822Size],
        )
        .unwrap()
    {
        let m = m.unwrap();
        let uid = m.uid().unwrap();
        assert!(uid > last_uid);
        last_uid = uid;
        let subject = m.envelope().unwrap().subject_str().unwrap().into_owned();
        assert_eq!(subject, format!("message {count}"));
        count += 1;
    }
    assert_eq!(count, n);
    // Dropping a stream half-way leaves the connection in step.
    let mut s = c.fetch(&all, [FetchAttr::Flags]).unwrap();
    s.next().unwrap().unwrap();
    drop(s);
    let st = c.select("core-stream").unwrap();
    assert_eq!(st.exists as usize, n);
    c.run(&encode::Close).unwrap();
    c.run(&encode::Delete::new("core-stream")).unwrap();
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn big_message_streams_to_a_writer_byte_for_byte() {
    let mut c = login();
    fresh(&mut c, "core-big");
    // 12 MB of text lines with a recognisable pattern.
    let mut body = String::with_capacity(12 << 20);
    let mut i = 0u64;
    while body.len() < 12 << 20 {
        body.push_str(&format!(
            "line {i:09} of a big message, quite long text\r\n"
        ));
        i += 1;
    }
    let msg = message(1, &body);
    let uid = append(&mut c, "core-big", msg.clone());
    c.examine("core-big").unwrap();

    struct Sink {
        data: Vec<u8>,
        writes: usize,
        largest: usize,
    }
    impl Write for Sink {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.data.extend_from_slice(b);
            self.writes += 1;
            self.largest = self.largest.max(b.len());
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut sink = Sink {
        data: Vec::new(),
        writes: 0,
        largest: 0,
    };
    let n = c.uid_fetch_message_to(uid, &mut sink).unwrap();
    assert_eq!(n, Some(msg.len() as u64));
    assert!(sink.data == msg, "bytes differ");
    assert!(sink.writes > 20, "{} writes", sink.writes);
    assert!(sink.largest <= 1 << 20);
    // A UID that does not exist: no data, no error.
    assert_eq!(c.uid_fetch_message_to(uid + 1000, &mut sink).unwrap(), None);
    // A small section that comes as a buffered literal goes through the same path.
    let mut head = Vec::new();
    c.uid_fetch_to(
        uid,
        FetchAttr::body_peek(imap4::proto::Section::header()),
        &mut head,
    )
    .unwrap();
    assert!(head.starts_with(b"From: Sender 1"));
    assert!(head.ends_with(b"\r\n\r\n"));
    // Dovecot hangs up on a session whose selected mailbox is deleted: unselect first.
    c.run(&encode::Close).unwrap();
    c.run(&encode::Delete::new("core-big")).unwrap();
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn idle_sees_an_append_from_another_connection() {
    let mut watcher = login_tls();
    let mut other = login();
    fresh(&mut other, "core-idle");
    watcher.select("core-idle").unwrap();
    let mut idle = watcher.idle().unwrap();
    append(&mut other, "core-idle", message(1, "news"));
    let mut got = None;
    for _ in 0..50 {
        if let Some(IdleEvent::Exists(n)) = idle.wait(Duration::from_millis(200)).unwrap() {
            got = Some(n);
            break;
        }
    }
    idle.done().unwrap();
    assert_eq!(got, Some(1));
    assert_eq!(watcher.mailbox().unwrap().exists, 1);
    // Flag change by the other session arrives as a FETCH event.
    other.select("core-idle").unwrap();
    let events = {
        let mut idle = watcher.idle().unwrap();
        other
            .run(&encode::Store::new(
                SequenceSet::parse(b"1").unwrap(),
                encode::StoreMode::Add,
                [imap4::proto::Flag::Flagged],
            ))
            .unwrap();
        let mut events = Vec::new();
        while let Some(e) = idle.wait(Duration::from_millis(700)).unwrap() {
            events.push(e);
        }
        idle.done().unwrap();
        events
    };
    assert!(
        events.iter().any(|e| matches!(e, IdleEvent::Fetch(f)
            if f.flags().is_some_and(|fl| fl.contains(&imap4::proto::Flag::Flagged)))),
        "{events:?}"
    );
    watcher.logout().unwrap();
    other.run(&encode::Close).unwrap();
    other.run(&encode::Delete::new("core-idle")).unwrap();
    other.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn compress_deflate_is_transparent() {
    let mut c = login_tls();
    fresh(&mut c, "core-zip");
    for i in 0..30 {
        append(
            &mut c,
            "core-zip",
            message(i, &"compressible text ".repeat(500)),
        );
    }
    let all = SequenceSet::parse(b"1:*").unwrap();
    c.select("core-zip").unwrap();
    let plain: Vec<_> = c
        .uid_fetch(
            &all,
            [FetchAttr::body_peek(imap4::proto::Section::default())],
        )
        .unwrap()
        .collect_all()
        .unwrap();
    assert!(!c.is_compressed());
    c.compress().unwrap();
    assert!(c.is_compressed());
    let zipped: Vec<_> = c
        .uid_fetch(
            &all,
            [FetchAttr::body_peek(imap4::proto::Section::default())],
        )
        .unwrap()
        .collect_all()
        .unwrap();
    assert_eq!(plain.len(), 30);
    assert_eq!(plain, zipped);
    // Writing goes through the compressor too: an APPEND and a search afterwards.
    append(&mut c, "core-zip", message(99, "after compression"));
    c.noop().unwrap();
    assert_eq!(c.mailbox().unwrap().exists, 31);
    // A second COMPRESS is refused, the connection stays fine.
    assert!(c.compress().is_err());
    c.run(&encode::Close).unwrap();
    c.run(&encode::Delete::new("core-zip")).unwrap();
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn text_and_attachments_are_found_and_decoded() {
    use imap4::mime::{TransferDecoder, TransferEncoding};
    let mut c = login();
    fresh(&mut c, "core-mime");
    let binary: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let b64 = encode::base64_encode(&binary);
    let b64_lines: Vec<&str> = b64
        .as_bytes()
        .chunks(76)
        .map(|l| std::str::from_utf8(l).unwrap())
        .collect();
    let msg = format!(
        "From: a@example.com\r\nTo: b@example.com\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n\
         --XX\r\nContent-Type: multipart/alternative; boundary=\"YY\"\r\n\r\n\
         --YY\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
         Gr=C3=BC=C3=9Fe aus K=C3=B6ln, a line that goes on and on and is soft-bro=\r\nken.\r\n\
         --YY\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         <p>caf\u{e9}</p>\r\n--YY--\r\n\
         --XX\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n\
         Content-Disposition: attachment; filename=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
         {}\r\n\
         --XX\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Disposition: attachment; filename*=UTF-8''R%C3%A9sum%C3%A9.txt\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\r\nCV =E2=82=AC\r\n--XX--\r\n",
        b64_lines.join("\r\n")
    );
    // The HTML part is declared ISO-8859-1: write that byte as such.
    let msg = msg.replace("caf\u{e9}", "caf\u{1}").into_bytes();
    let msg: Vec<u8> = msg
        .into_iter()
        .map(|b| if b == 1 { 0xe9 } else { b })
        .collect();
    let uid = append(&mut c, "core-mime", msg);
    c.select("core-mime").unwrap();

    let t = c.message_text(uid, false).unwrap().unwrap();
    assert_eq!(t.part, [1, 1]);
    assert_eq!(t.mime_type, "text/plain");
    assert_eq!(
        t.text.trim_end(),
        "Grüße aus Köln, a line that goes on and on and is soft-broken."
    );
    let h = c.message_text(uid, true).unwrap().unwrap();
    assert_eq!(h.part, [1, 2]);
    assert_eq!(h.text.trim_end(), "<p>café</p>");

    let atts = c.attachments(uid).unwrap();
    assert_eq!(atts.len(), 2, "{atts:?}");
    assert_eq!(atts[0].filename.as_deref(), Some("data.bin"));
    assert_eq!(atts[0].part_number(), "2");
    assert_eq!(atts[0].encoding, TransferEncoding::Base64);
    assert_eq!(atts[1].filename.as_deref(), Some("Résumé.txt"));
    let mut got = Vec::new();
    let n = c.save_attachment(uid, &atts[0], &mut got).unwrap();
    assert_eq!(n, Some(binary.len() as u64));
    assert_eq!(got, binary);
    let mut cv = Vec::new();
    c.save_attachment(uid, &atts[1], &mut cv).unwrap();
    assert_eq!(String::from_utf8(cv).unwrap().trim_end(), "CV €");
    // The same attachment fetched raw and decoded here (the path for servers without
    // BINARY) gives the same bytes.
    let mut dec = TransferDecoder::new(TransferEncoding::Base64, Vec::new());
    c.uid_fetch_to(
        uid,
        FetchAttr::body_peek(imap4::proto::Section::part(&[2])),
        &mut dec,
    )
    .unwrap();
    assert_eq!(dec.finish().unwrap(), binary);
    // Nothing was marked \Seen along the way.
    let flags = c
        .uid_fetch(
            &SequenceSet::parse(uid.to_string().as_bytes()).unwrap(),
            [FetchAttr::Flags],
        )
        .unwrap()
        .collect_all()
        .unwrap();
    assert!(!flags[0]
        .flags()
        .unwrap()
        .contains(&imap4::proto::Flag::Seen));
    // Several raw sections in one round trip.
    let got = c
        .uid_fetch_sections(
            uid,
            &[
                imap4::proto::Section::header(),
                imap4::proto::Section::part(&[1, 2]),
                imap4::proto::Section::part(&[2]),
            ],
        )
        .unwrap();
    assert_eq!(got.len(), 3);
    assert!(got[0].as_ref().unwrap().starts_with(b"From: a@example.com"));
    assert_eq!(&got[1].as_ref().unwrap()[..], b"<p>caf\xe9</p>");
    assert!(got[2]
        .as_ref()
        .unwrap()
        .starts_with(b64_lines[0].as_bytes()));
    assert!(c
        .uid_fetch_sections(uid + 100, &[imap4::proto::Section::header()])
        .unwrap()
        .is_empty());
    // No such message.
    assert_eq!(c.message_text(uid + 100, false).unwrap(), None);
    assert!(c.attachments(uid + 100).unwrap().is_empty());
    c.run(&encode::Close).unwrap();
    c.run(&encode::Delete::new("core-mime")).unwrap();
    c.logout().unwrap();
}
