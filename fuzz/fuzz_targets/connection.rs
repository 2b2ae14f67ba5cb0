//! The `Connection` state machine, driven by a random interleaving of server bytes (canned
//! responses with tags of the commands sent, and raw bytes), commands from a small fixed
//! set, transmit and event draining, `take_buffered`, literal streaming and forced sync
//! literals.
//!
//! Checked:
//! - no panic; `poll_event` and `poll_transmit` drains end (bounded) and never produce more
//!   events than the bytes fed can explain;
//! - the bytes on the wire are, command by command and in order, the fragments of each
//!   command's own encoding (a command may be cut short at a fragment boundary only after the
//!   server completed it), interleaved only with the driver's own lines (SASL responses,
//!   `DONE`);
//! - a synchronizing literal never goes out before the server has sent a continuation
//!   request for it (counted against the `+` responses fed);
//! - `Done` comes at most once per tag, for a command that was sent, with its name; data
//!   routed to a tag goes to a command that is in flight; `Continue` only for AUTHENTICATE
//!   or IDLE;
//! - after a fatal decode error, `poll_event` never says "need more input" again.
#![no_main]

use imap4_fuzz::{debug, reference_frames, Input, RefEvent};
use imap4_proto::decode::Limits;
use imap4_proto::encode::{
    Append, AppendMessage, Authenticate, Capability, Close, Command, Criteria, Enable, Fetch,
    FetchAttr, Fragment, Idle, Login, Logout, Noop, Raw, RawArg, Search, Select, StartTls, Store,
};
use imap4_proto::{ConnEvent, Connection, Flag, ProtocolError, SequenceSet, Tag, TagGenerator};
use libfuzzer_sys::fuzz_target;

const CANNED: &[&str] = &[
    "* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE AUTH=PLAIN] hi\r\n",
    "* OK hi\r\n",
    "* PREAUTH [CAPABILITY IMAP4rev2 LITERAL- BINARY] hi\r\n",
    "* BYE go away\r\n",
    "+ go\r\n",
    "+ \r\n",
    "+ dGVzdA==\r\n",
    "A# OK done\r\n",
    "A# NO failed\r\n",
    "A# BAD what\r\n",
    "A# OK [READ-ONLY] done\r\n",
    "A# OK [READ-WRITE] done\r\n",
    "A# OK [CAPABILITY IMAP4rev1 UTF8=ACCEPT] done\r\n",
    "A# WHAT is this\r\n",
    "A# OK [APPENDUID 1 5] done\r\n",
    "* 3 EXISTS\r\n",
    "* 1 RECENT\r\n",
    "* 2 EXPUNGE\r\n",
    "* FLAGS (\\Seen \\Deleted)\r\n",
    "* OK [UIDVALIDITY 7] x\r\n",
    "* OK [UIDNEXT 9] x\r\n",
    "* OK [CLOSED] x\r\n",
    "* OK [READ-ONLY] x\r\n",
    "* OK [HIGHESTMODSEQ 5] x\r\n",
    "* OK [NOMODSEQ] x\r\n",
    "* OK [PERMANENTFLAGS (\\Seen \\*)] x\r\n",
    "* OK [MAILBOXID (abc)] x\r\n",
    "* NO warning\r\n",
    "* 1 FETCH (UID 4 FLAGS (\\Seen) MODSEQ (9))\r\n",
    "* 2 FETCH (FLAGS ())\r\n",
    "* 1 FETCH (BODY[] {5}\r\nhello)\r\n",
    "* ENABLED CONDSTORE UTF8=ACCEPT IMAP4rev2\r\n",
    "* CAPABILITY IMAP4rev1 LITERAL+ BINARY\r\n",
    "* SEARCH 1 2\r\n",
    "* VANISHED 1:3\r\n",
    "* VANISHED (EARLIER) 1:3\r\n",
    "* LIST () \"/\" INBOX\r\n",
    "* 1 FETCH (BODY[] {10}\r\n",
    "0123456789)\r\n",
];

fn command(inp: &mut Input<'_>) -> Box<dyn Command> {
    let text = |inp: &mut Input<'_>| String::from_utf8_lossy(inp.short_bytes()).into_owned();
    let set = |inp: &mut Input<'_>| {
        SequenceSet::range(u32::from(inp.u8()).max(1), u32::from(inp.u8()).max(1))
            .unwrap_or_else(|_| SequenceSet::all())
    };
    match inp.u8() % 16 {
        0 => Box::new(Noop),
        1 => Box::new(Capability),
        2 => {
            let u = inp.short_bytes().to_vec();
            Box::new(Login::new(u, inp.short_bytes()))
        }
        3 => Box::new(Select::new(text(inp))),
        4 => Box::new(Select::examine(text(inp))),
        5 => {
            let s = set(inp);
            Box::new(Fetch::new(s, [FetchAttr::Uid, FetchAttr::Flags]).uid(inp.bool()))
        }
        6 => Box::new(Idle),
        7 => {
            let (a, b) = (text(inp), text(inp));
            Box::new(Authenticate::plain("", &a, &b))
        }
        8 => Box::new(Authenticate::new("XOAUTH2")),
        9 => Box::new(Logout),
        10 => {
            let mb = text(inp);
            Box::new(Append::new(
                mb,
                AppendMessage::new(inp.short_bytes().to_vec()),
            ))
        }
        11 => {
            let s = set(inp);
            Box::new(Store::add_flags(s, [Flag::Seen]).uid(inp.bool()))
        }
        12 => Box::new(Close),
        13 => Box::new(StartTls),
        14 => Box::new(Search::new(Criteria::subject(inp.short_bytes()))),
        _ => match inp.u8() % 2 {
            0 => Box::new(Enable::new(["CONDSTORE"])),
            _ => Box::new(Raw::new("XLIT").arg(RawArg::literal(inp.short_bytes().to_vec()))),
        },
    }
}

struct Sent {
    tag: Tag,
    name: &'static str,
    frags: Vec<(Vec<u8>, bool)>,
    /// A `Done` came for it.
    done: bool,
    /// A `Done` or a `Malformed` with its tag came: its transmission may stop early.
    may_cut: bool,
}

struct Harness {
    conn: Connection,
    sent: Vec<Sent>,
    /// Position of the wire check: command index and fragment index.
    wi: usize,
    wj: usize,
    /// Sync literals transmitted so far.
    sync_sent: usize,
    /// Server bytes fed since the last `take_buffered`, and `+` responses counted before it.
    segment: Vec<u8>,
    plus_before: usize,
    fed_total: usize,
    events_total: usize,
    fatal: Option<ProtocolError>,
    /// take_transmit was used: fragment-level wire checks are off from then on.
    wire_unchecked: bool,
}

impl Harness {
    fn plus_upper_bound(&self) -> usize {
        let r = reference_frames(&self.segment, &Limits::default());
        let here = r
            .events
            .iter()
            .filter(|e| matches!(e, RefEvent::Frame { full, .. } if full.first() == Some(&b'+')))
            .count();
        self.plus_before + here
    }

    fn on_wire(&mut self, piece: &[u8]) {
        loop {
            let Some(c) = self.sent.get(self.wi) else {
                panic!(
                    "bytes on the wire beyond every command: {:?}",
                    String::from_utf8_lossy(piece)
                );
            };
            if let Some((want, sync)) = c.frags.get(self.wj) {
                if want == piece {
                    if *sync {
                        self.sync_sent += 1;
                        let bound = self.plus_upper_bound();
                        assert!(
                            self.sync_sent <= bound,
                            "sync literal #{} sent, only {bound} continuation requests fed",
                            self.sync_sent
                        );
                    }
                    self.wj += 1;
                    return;
                }
                assert!(
                    c.may_cut,
                    "command {} ({}) cut at fragment {} before it completed; wire has {:?}, expected {:?}",
                    c.tag,
                    c.name,
                    self.wj,
                    String::from_utf8_lossy(piece),
                    String::from_utf8_lossy(want)
                );
            }
            self.wi += 1;
            self.wj = 0;
        }
    }

    fn drain_transmit(&mut self) {
        let mut n = 0;
        while let Some(b) = self.conn.poll_transmit() {
            n += 1;
            assert!(n < 100_000, "poll_transmit does not end");
            if debug() {
                eprintln!("wire {:?}", String::from_utf8_lossy(&b));
            }
            if !self.wire_unchecked {
                self.on_wire(&b);
            }
        }
    }

    /// A driver line: everything before it is drained first, so the next piece is the line.
    fn driver_line(&mut self, f: impl FnOnce(&mut Connection), want: &[u8]) {
        self.drain_transmit();
        f(&mut self.conn);
        assert_eq!(
            self.conn.poll_transmit().as_deref(),
            Some(want),
            "driver line"
        );
        assert_eq!(self.conn.poll_transmit(), None);
    }

    fn drain_events(&mut self, reply: u8) {
        let mut n = 0;
        loop {
            n += 1;
            assert!(n < 100_000, "poll_event does not end");
            let r = self.conn.poll_event();
            if let Some(e) = &self.fatal {
                match &r {
                    Ok(Some(_)) => {}
                    Err(e2) => {
                        assert_eq!(e2, e, "different error after a fatal decode error");
                        return;
                    }
                    Ok(None) => panic!("poll_event wants input after a fatal error {e:?}"),
                }
            }
            let ev = match r {
                Ok(None) => return,
                Err(e) => {
                    if matches!(e, ProtocolError::Decode(_)) {
                        self.fatal = Some(e);
                    }
                    return;
                }
                Ok(Some(ev)) => ev,
            };
            if debug() {
                eprintln!("event {ev:?}");
            }
            self.events_total += 1;
            assert!(
                self.events_total <= 3 * self.fed_total + 8,
                "{} events from {} bytes",
                self.events_total,
                self.fed_total
            );
            self.check_event(ev, reply);
        }
    }

    fn find(&mut self, tag: &Tag) -> Option<&mut Sent> {
        self.sent.iter_mut().find(|c| &c.tag == tag)
    }

    fn check_event(&mut self, ev: ConnEvent, reply: u8) {
        match ev {
            ConnEvent::Done { tag, name, .. } => {
                let c = self
                    .find(&tag)
                    .unwrap_or_else(|| panic!("Done for unknown tag {tag}"));
                assert!(!c.done, "second Done for {tag}");
                assert_eq!(c.name, name, "Done name for {tag}");
                c.done = true;
                c.may_cut = true;
            }
            ConnEvent::Malformed(m) => {
                if let Some(tag) = &m.tag {
                    if let Some(c) = self.find(tag) {
                        c.may_cut = true;
                    }
                }
            }
            ConnEvent::Data { tag: Some(tag), .. } => {
                let c = self
                    .find(&tag)
                    .unwrap_or_else(|| panic!("data for unknown tag {tag}"));
                assert!(!c.done, "data routed to completed command {tag}");
            }
            ConnEvent::Continue { tag, .. } => {
                let c = self
                    .find(&tag)
                    .unwrap_or_else(|| panic!("Continue for unknown tag {tag}"));
                assert!(!c.done, "Continue for completed command {tag}");
                let name = c.name;
                assert!(
                    matches!(name, "AUTHENTICATE" | "IDLE"),
                    "Continue for {name}"
                );
                match (name, reply % 3) {
                    ("IDLE", 0) => {}
                    ("IDLE", _) => self.driver_line(|c| c.idle_done(), b"DONE\r\n"),
                    (_, 0) => self.driver_line(|c| c.send_line(b"*"), b"*\r\n"),
                    _ => self.driver_line(|c| c.send_line(b"dGVzdA=="), b"dGVzdA==\r\n"),
                }
            }
            _ => {}
        }
    }

    fn feed(&mut self, b: &[u8]) {
        if debug() {
            eprintln!("feed {:?}", String::from_utf8_lossy(b));
        }
        self.conn.feed(b);
        self.segment.extend_from_slice(b);
        self.fed_total += b.len();
    }
}

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let mut conn = Connection::new();
    conn.set_tag_generator(TagGenerator::with_prefix("A").expect("valid prefix"));
    let mut h = Harness {
        conn,
        sent: Vec::new(),
        wi: 0,
        wj: 0,
        sync_sent: 0,
        segment: Vec::new(),
        plus_before: 0,
        fed_total: 0,
        events_total: 0,
        fatal: None,
        wire_unchecked: false,
    };
    let mut ops = 0;
    while !inp.is_empty() && ops < 400 {
        ops += 1;
        match inp.u8() % 16 {
            0..=5 => {
                let t = CANNED[usize::from(inp.u8()) % CANNED.len()];
                let n = usize::from(inp.u8() % 12) + 1;
                let s = t.replace('#', &n.to_string());
                h.feed(s.as_bytes());
            }
            6 => {
                let b = inp.short_bytes();
                h.feed(b);
            }
            7..=9 => {
                let cmd = command(&mut inp);
                let opts = h.conn.encode_options();
                let r = h.conn.send(&*cmd);
                if debug() {
                    eprintln!("send {cmd:?} -> {r:?}");
                }
                if let Ok(tag) = r {
                    let enc = cmd.encode(tag.clone(), opts).expect("send encoded it");
                    let frags = enc
                        .fragments
                        .iter()
                        .map(|f| match f {
                            Fragment::Line(l) => (l.to_vec(), false),
                            Fragment::Literal { data, sync } => (data.to_vec(), *sync),
                        })
                        .collect();
                    h.sent.push(Sent {
                        tag,
                        name: enc.name,
                        frags,
                        done: false,
                        may_cut: false,
                    });
                }
            }
            10 | 11 => h.drain_transmit(),
            12 | 13 => {
                let reply = inp.u8();
                h.drain_events(reply);
                h.drain_transmit();
            }
            14 => match inp.u8() % 8 {
                0 => {
                    // Like after STARTTLS: drop what was received and not decoded.
                    let r = reference_frames(&h.segment, &Limits::default());
                    h.plus_before += r
                        .events
                        .iter()
                        .filter(|e| matches!(e, RefEvent::Frame { full, .. } if full.first() == Some(&b'+')))
                        .count();
                    h.segment.clear();
                    let _ = h.conn.take_buffered();
                }
                1 => {
                    let on = inp.bool();
                    h.conn.set_force_sync_literals(on);
                }
                2 => {
                    let t = u64::from(inp.u8() % 16);
                    h.conn.decoder_mut().set_limits(Limits {
                        stream_literals_from: Some(t),
                        ..Limits::default()
                    });
                }
                3 => h.conn.decoder_mut().set_limits(Limits::default()),
                4 => {
                    h.wire_unchecked = true;
                    let _ = h.conn.take_transmit();
                }
                _ => {
                    let _ = h.conn.state();
                    let _ = h.conn.mailbox();
                    let _ = h.conn.capabilities();
                    let _ = h.conn.is_imap4rev2();
                    let _ = h.conn.in_flight();
                    let _ = h.conn.greeting();
                }
            },
            _ => {
                // Server bytes split at an arbitrary point.
                let t = CANNED[usize::from(inp.u8()) % CANNED.len()];
                let cut = usize::from(inp.u8()) % (t.len() + 1);
                h.feed(&t.as_bytes()[..cut]);
            }
        }
    }
    h.drain_events(1);
    h.drain_transmit();
});
