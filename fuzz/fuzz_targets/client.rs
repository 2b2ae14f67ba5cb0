//! The whole blocking client (every layer above the parser: routing, fetch streams, body
//! streaming, MIME helpers, IDLE, NOTIFY, pipelined batches, SASL, COMPRESS) against an
//! arbitrary server.
//!
//! The input is what the server says. `$T` in it is replaced, when read, by the tag of the
//! command the client sent last, so tagged completions can match (`$T OK done`). Its first
//! byte sets the read size (1..=64 bytes per read), to cut responses anywhere. The client
//! runs a fixed script of commands; each may fail, none may panic or hang (the input ends:
//! the connection is closed, and after an abort every command fails fast).
#![no_main]

use std::io::{self, Read, Write};
use std::time::Duration;

use imap4::blocking::{Client, Stream};
use imap4::proto::encode::{self, AppendMessage, Criteria, FetchAttr, StatusAttr, StoreMode};
use imap4::proto::{Flag, Section, SequenceSet};
use libfuzzer_sys::fuzz_target;

struct Server {
    input: Vec<u8>,
    pos: usize,
    chunk: usize,
    written: Vec<u8>,
    last_tag: Vec<u8>,
}

impl Read for Server {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        let want = self.chunk.min(buf.len());
        while n < want && self.pos < self.input.len() {
            if self.input[self.pos..].starts_with(b"$T") {
                // A tag longer than the room left waits for the next read.
                if n + self.last_tag.len() > buf.len() {
                    break;
                }
                buf[n..n + self.last_tag.len()].copy_from_slice(&self.last_tag);
                n += self.last_tag.len();
                self.pos += 2;
            } else {
                buf[n] = self.input[self.pos];
                n += 1;
                self.pos += 1;
            }
        }
        Ok(n)
    }
}

impl Write for Server {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.written.extend_from_slice(b);
        // The tag of the last command line (a line starting with a tag-like word).
        for line in self.written.split(|&c| c == b'\n') {
            if let Some(sp) = line.iter().position(|&c| c == b' ') {
                let word = &line[..sp];
                if !word.is_empty()
                    && word.len() <= 16
                    && word.iter().all(|c| c.is_ascii_alphanumeric())
                {
                    self.last_tag = word.to_vec();
                }
            }
        }
        // Keep only the unfinished last line.
        if let Some(i) = self.written.iter().rposition(|&c| c == b'\n') {
            self.written.drain(..=i);
        }
        if self.written.len() > 4096 {
            self.written.clear();
        }
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Stream for Server {}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let server = Server {
        input: rest.to_vec(),
        pos: 0,
        chunk: usize::from(first % 64) + 1,
        written: Vec::new(),
        last_tag: b"*".to_vec(),
    };
    let Ok(mut c) = Client::from_stream(server, true) else {
        return;
    };
    let all = SequenceSet::parse(b"1:*").unwrap();
    let _ = c.capabilities();
    let _ = c.login("user", "pässword");
    let _ = c.authenticate(&mut imap4::proto::sasl::Plain::new("u", "p").unwrap());
    let _ = c.list("", "*");
    let _ = c.list_status("", "*", [StatusAttr::Messages, StatusAttr::Unseen]);
    let _ = c.select("INBOX");
    let _ = c.status("INBOX", [StatusAttr::Messages, StatusAttr::UidNext]);
    if let Ok(s) = c.uid_fetch(
        &all,
        [FetchAttr::Envelope, FetchAttr::BodyStructure, FetchAttr::Flags],
    ) {
        for m in s.take(50) {
            if let Ok(m) = m {
                if let Some(bs) = m.body_structure() {
                    let _ = bs.parts();
                    let _ = bs.text_part(false);
                    let _ = bs.attachments();
                }
                if let Some(e) = m.envelope() {
                    let _ = e.subject_str();
                    let _ = e.from().to_vec();
                }
            }
        }
    }
    let _ = c.uid_fetch_to(1, FetchAttr::body_peek(Section::default()), &mut io::sink());
    let _ = c.message_text(1, false);
    if let Ok(atts) = c.attachments(1) {
        for a in atts.iter().take(3) {
            let _ = c.save_attachment(1, a, &mut io::sink());
        }
    }
    let _ = c.uid_search(Criteria::unseen());
    let _ = c.esearch(Criteria::all(), [encode::SearchReturn::Count]);
    let _ = c.uid_store(all.clone(), StoreMode::Add, [Flag::Seen]);
    let _ = c.uid_copy(&all, "Archive");
    let _ = c.uid_move(&all, "Archive");
    let _ = c.expunge();
    let _ = c.append_many(
        "INBOX",
        [AppendMessage::new("Subject: a\r\n\r\nx\r\n"), AppendMessage::new("b")],
    );
    let _ = c.uid_store_many([(all.clone(), StoreMode::Remove, vec![Flag::Deleted])]);
    let _ = c.get_quota_root("INBOX");
    let _ = c.get_metadata("INBOX", &["/private/comment"]);
    let _ = c.namespace();
    let _ = c.id(&[("name", Some("fuzz"))]);
    if let Ok(mut idle) = c.idle() {
        for _ in 0..5 {
            if !matches!(idle.wait(Duration::from_millis(1)), Ok(Some(_))) {
                break;
            }
        }
        let _ = idle.done();
    }
    let _ = c.notify_personal();
    let _ = c.wait_event(Duration::from_millis(1));
    let _ = c.compress();
    let _ = c.noop();
    let _ = c.logout();
});
