//! Helpers shared by the fuzz targets: an input reader, a small deterministic RNG, an
//! independent reference framer for the decoder, a comparison that tolerates streamed
//! literals, and `touch_*` functions that call every accessor of a parsed value (so the
//! fuzzer covers them too and any panic in them is found).

use std::fmt::Write as _;

use imap4_proto::decode::{parse_response, DecodeError, Limits};
use imap4_proto::seq::SequenceSet;
use imap4_proto::{
    BodyStructure, Code, Data, ESearchItem, Fetch, FetchItem, InternalDate, Response, SectionData,
};

/// Reads structured values from the front of a fuzz input; past the end every read gives 0
/// (so every input is valid and short inputs still run).
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Input { data }
    }
    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }
    pub fn u16(&mut self) -> u16 {
        u16::from(self.u8()) << 8 | u16::from(self.u8())
    }
    pub fn u32(&mut self) -> u32 {
        u32::from(self.u16()) << 16 | u32::from(self.u16())
    }
    pub fn u64(&mut self) -> u64 {
        u64::from(self.u32()) << 32 | u64::from(self.u32())
    }
    pub fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }
    /// Up to `n` bytes.
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.data.len());
        let (a, b) = self.data.split_at(n);
        self.data = b;
        a
    }
    /// A length-prefixed (one byte) slice.
    pub fn short_bytes(&mut self) -> &'a [u8] {
        let n = usize::from(self.u8());
        self.bytes(n)
    }
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.data)
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    pub fn len(&self) -> usize {
        self.data.len()
    }
}

/// xorshift64*: deterministic chunk sizes from a seed taken from the input.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
}

/// Splits `data` into chunks with sizes chosen by `mode` and `rng`: whole, single bytes,
/// small random, large random, or mixed.
pub fn chunks<'a>(data: &'a [u8], mode: u8, rng: &mut Rng) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let n = match mode % 5 {
            0 => rest.len(),
            1 => 1,
            2 => 1 + rng.below(8) as usize,
            3 => 1 + rng.below(512) as usize,
            _ => match rng.below(4) {
                0 => 1,
                1 => 1 + rng.below(16) as usize,
                2 => 1 + rng.below(4096) as usize,
                _ => rest.len(),
            },
        };
        let n = n.min(rest.len());
        out.push(&rest[..n]);
        rest = &rest[n..];
    }
    out
}

/// Decoder limits chosen from the input: each framing limit is either the default or small,
/// literal streaming is off or on with a small threshold. Returns the limits and whether the
/// parse limits (`max_depth`, `max_list_items`) are the defaults, which is when a frame can be
/// re-parsed with [`parse_response`] for comparison.
pub fn limits_from(inp: &mut Input<'_>) -> (Limits, bool) {
    let mode = inp.u8();
    let mut l = Limits::default();
    if mode & 1 != 0 {
        l.max_line = usize::from(inp.u16() % 600);
    }
    if mode & 2 != 0 {
        l.max_literal = u64::from(inp.u16() % 2000);
    }
    if mode & 4 != 0 {
        l.max_response = usize::from(inp.u16() % 4000);
    }
    if mode & 8 != 0 {
        l.stream_literals_from = Some(u64::from(inp.u8() % 80));
    }
    let default_parse = mode & 16 == 0;
    if !default_parse {
        l.max_depth = usize::from(inp.u8() % 12);
        l.max_list_items = usize::from(inp.u8() % 12);
    }
    (l, default_parse)
}

/// What the decoder must produce for an input, computed by an independent, whole-input
/// framer that follows the documented framing rules.
#[derive(Debug, Clone, PartialEq)]
pub enum RefEvent {
    /// A streamed literal starts: the response's first line and the line that announces the
    /// literal (both without trailing CR/LF), and its announced length.
    Start {
        first_line: Vec<u8>,
        line: Vec<u8>,
        len: u64,
    },
    /// Streamed literal data (all chunks of one literal concatenated).
    Data(Vec<u8>),
    End,
    /// A complete frame.
    Frame {
        /// All bytes, streamed literals included.
        full: Vec<u8>,
        /// The bytes the decoder keeps (streamed literal data left out).
        kept: Vec<u8>,
        /// Whether a literal of this frame was streamed.
        streamed: bool,
        /// Stream offset of the first byte.
        start: u64,
    },
    Error(DecodeError),
}

/// The result of [`reference_frames`].
#[derive(Debug)]
pub struct RefOutcome {
    pub events: Vec<RefEvent>,
    /// The input ended between two responses (decoder must be idle).
    pub idle: bool,
    /// What `Decoder::needed` must say at the end (meaningless after an error).
    pub needed: Option<u64>,
}

/// The literal header at the end of a line (LF excluded): `{n}`, `{n+}`, `{n-}`, `~{n}`,
/// optionally followed by CR; at most 19 digits.
pub fn ref_literal_header(line: &[u8]) -> Option<u64> {
    let line = match line.last() {
        Some(b'\r') => &line[..line.len() - 1],
        _ => line,
    };
    if line.last() != Some(&b'}') {
        return None;
    }
    let inner = &line[..line.len() - 1];
    let open = inner.iter().rposition(|&b| b == b'{')?;
    let mut digits = &inner[open + 1..];
    if let Some((&last, head)) = digits.split_last() {
        if last == b'+' || last == b'-' {
            digits = head;
        }
    }
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: u64 = 0;
    for &d in digits {
        n = n * 10 + u64::from(d - b'0');
    }
    Some(n)
}

fn trimmed(b: &[u8]) -> Vec<u8> {
    let mut v = b.to_vec();
    while matches!(v.last(), Some(b'\r' | b'\n')) {
        v.pop();
    }
    v
}

/// Frames `input` the way [`Decoder`](imap4_proto::Decoder) must, whatever the chunking.
pub fn reference_frames(input: &[u8], l: &Limits) -> RefOutcome {
    let mut events = Vec::new();
    let mut frame_start: usize = 0;
    let mut full: Vec<u8> = Vec::new();
    let mut kept: Vec<u8> = Vec::new();
    let mut streamed = false;
    let mut line_start: usize = 0;
    let end = input.len();
    loop {
        // At the start of a line at `line_start`.
        let Some(i) = input[line_start..].iter().position(|&b| b == b'\n') else {
            if end - line_start > l.max_line {
                events.push(RefEvent::Error(DecodeError::LineTooLong {
                    limit: l.max_line,
                    offset: frame_start as u64,
                }));
                return RefOutcome {
                    events,
                    idle: false,
                    needed: None,
                };
            }
            let idle = line_start == end && kept.is_empty() && full.is_empty();
            return RefOutcome {
                events,
                idle,
                needed: None,
            };
        };
        let eol = line_start + i;
        if eol - line_start > l.max_line {
            events.push(RefEvent::Error(DecodeError::LineTooLong {
                limit: l.max_line,
                offset: frame_start as u64,
            }));
            return RefOutcome {
                events,
                idle: false,
                needed: None,
            };
        }
        let line = &input[line_start..eol];
        full.extend_from_slice(&input[line_start..=eol]);
        kept.extend_from_slice(&input[line_start..=eol]);
        let pos = eol + 1;
        if kept.len() > l.max_response {
            events.push(RefEvent::Error(DecodeError::ResponseTooLarge {
                limit: l.max_response,
                offset: frame_start as u64,
            }));
            return RefOutcome {
                events,
                idle: false,
                needed: None,
            };
        }
        let Some(len) = ref_literal_header(line) else {
            events.push(RefEvent::Frame {
                full: std::mem::take(&mut full),
                kept: std::mem::take(&mut kept),
                streamed: std::mem::replace(&mut streamed, false),
                start: frame_start as u64,
            });
            frame_start = pos;
            line_start = pos;
            continue;
        };
        let avail = (end - pos) as u64;
        if l.stream_literals_from.is_some_and(|t| len >= t) {
            streamed = true;
            let first_end = kept
                .iter()
                .position(|&b| b == b'\n')
                .map_or(kept.len(), |i| i + 1);
            events.push(RefEvent::Start {
                first_line: trimmed(&kept[..first_end]),
                line: trimmed(&input[line_start..=eol]),
                len,
            });
            let take = avail.min(len) as usize;
            if take > 0 {
                events.push(RefEvent::Data(input[pos..pos + take].to_vec()));
                full.extend_from_slice(&input[pos..pos + take]);
            }
            if avail < len {
                return RefOutcome {
                    events,
                    idle: false,
                    needed: Some(len - avail),
                };
            }
            events.push(RefEvent::End);
            line_start = pos + take;
            continue;
        }
        if len > l.max_literal {
            events.push(RefEvent::Error(DecodeError::LiteralTooLarge {
                len,
                limit: l.max_literal,
                offset: frame_start as u64,
            }));
            return RefOutcome {
                events,
                idle: false,
                needed: None,
            };
        }
        if (kept.len() as u64).saturating_add(len) > l.max_response as u64 {
            events.push(RefEvent::Error(DecodeError::ResponseTooLarge {
                limit: l.max_response,
                offset: frame_start as u64,
            }));
            return RefOutcome {
                events,
                idle: false,
                needed: None,
            };
        }
        if avail < len {
            return RefOutcome {
                events,
                idle: false,
                needed: Some(len - avail),
            };
        }
        let n = len as usize;
        full.extend_from_slice(&input[pos..pos + n]);
        kept.extend_from_slice(&input[pos..pos + n]);
        line_start = pos + n;
    }
}

/// Compares the response the decoder produced for a frame with streamed literals (`got`)
/// with `parse_response` of the whole frame (`want`): equal except that a section the
/// decoder streamed is `Streamed(n)` where the whole frame has `Bytes` of length `n`, and
/// that raw `Other` items (slices of the frame) may lack the streamed data. Returns a
/// description of the first difference.
pub fn compare_streamed(got: &Response, want: &Response) -> Result<(), String> {
    let (Response::Data(Data::Fetch(g)), Response::Data(Data::Fetch(w))) = (got, want) else {
        // Only FETCH responses can carry streamed sections; others are not compared.
        return Ok(());
    };
    if g.seq != w.seq {
        return Err(format!("seq {} vs {}", g.seq, w.seq));
    }
    if g.items.len() != w.items.len() {
        return Err(format!("{} items vs {}", g.items.len(), w.items.len()));
    }
    for (i, (a, b)) in g.items.iter().zip(&w.items).enumerate() {
        if a == b {
            continue;
        }
        let ok = match (a, b) {
            (
                FetchItem::BodySection {
                    section: s1,
                    origin: o1,
                    data: d1,
                },
                FetchItem::BodySection {
                    section: s2,
                    origin: o2,
                    data: d2,
                },
            ) => s1 == s2 && o1 == o2 && streamed_matches(d1, d2),
            (
                FetchItem::Binary {
                    part: p1,
                    origin: o1,
                    data: d1,
                },
                FetchItem::Binary {
                    part: p2,
                    origin: o2,
                    data: d2,
                },
            ) => p1 == p2 && o1 == o2 && streamed_matches(d1, d2),
            (FetchItem::Rfc822(d1), FetchItem::Rfc822(d2))
            | (FetchItem::Rfc822Header(d1), FetchItem::Rfc822Header(d2))
            | (FetchItem::Rfc822Text(d1), FetchItem::Rfc822Text(d2)) => streamed_matches(d1, d2),
            // Raw names and values are slices of the frame, which lacks the streamed data
            // (a lenient name can even run across a literal header).
            (FetchItem::Other { .. }, FetchItem::Other { .. }) => true,
            _ => false,
        };
        if !ok {
            return Err(format!("item {i}: {a:?} vs {b:?}"));
        }
    }
    Ok(())
}

fn streamed_matches(got: &SectionData, want: &SectionData) -> bool {
    match (got, want) {
        (SectionData::Streamed(n), SectionData::Bytes(b)) => *n == b.len() as u64,
        (a, b) => a == b,
    }
}

/// Checks that a sequence set from a response survives Display and re-parsing.
pub fn check_seq_display(s: &SequenceSet) {
    if s.is_empty() {
        return;
    }
    let text = s.to_string();
    let back = SequenceSet::parse(text.as_bytes())
        .unwrap_or_else(|e| panic!("Display of {s:?} = {text:?} does not parse: {e}"));
    assert_eq!(
        back,
        s.normalized(),
        "Display of {s:?} = {text:?} re-parses differently"
    );
    let given = s.display_as_given().to_string();
    let back = SequenceSet::parse(given.as_bytes())
        .unwrap_or_else(|e| panic!("display_as_given of {s:?} = {given:?} does not parse: {e}"));
    assert_eq!(
        &back, s,
        "display_as_given of {s:?} = {given:?} re-parses differently"
    );
}

/// Checks that a date from a response survives Display and re-parsing.
pub fn check_date_display(d: &InternalDate) {
    assert_eq!(d.validate(), Ok(()), "parsed date {d:?} does not validate");
    let text = d.to_string();
    let back = InternalDate::parse(text.as_bytes())
        .unwrap_or_else(|e| panic!("Display of {d:?} = {text:?} does not parse: {e}"));
    assert_eq!(
        &back, d,
        "Display of {d:?} = {text:?} re-parses differently"
    );
}

fn touch_body(b: &BodyStructure, sink: &mut String) {
    for (path, part) in b.parts() {
        let _ = write!(sink, "{path:?}{}", part.mime_type());
        let _ = part.filename();
        let _ = part.param("charset");
        let _ = part.is_attachment();
    }
    let _ = b.text_part(true);
    let _ = b.text_part(false);
    let _ = b.attachments();
}

fn auth_mechanism(cap: &imap4_proto::Capability) {
    let s = cap.as_str();
    let m = cap.auth_mechanism();
    if let Some(m) = m {
        assert!(s.len() > 5 && s[..5].eq_ignore_ascii_case("AUTH=") && &s[5..] == m);
    }
}

fn touch_code(c: &Code) {
    match c {
        Code::Capability(caps) => {
            for cap in caps {
                let _ = cap.as_str();
                auth_mechanism(cap);
                let _ = cap.is("IMAP4rev1");
            }
        }
        Code::AppendUid { uids, .. } => check_seq_display(uids),
        Code::CopyUid { source, dest, .. } => {
            check_seq_display(source);
            check_seq_display(dest);
        }
        Code::Modified(s) => check_seq_display(s),
        Code::PermanentFlags(f) => {
            for f in f {
                let _ = f.as_str();
            }
        }
        _ => {}
    }
}

fn touch_fetch(f: &Fetch, sink: &mut String) {
    let _ = f.uid();
    let _ = f.flags();
    let _ = f.size();
    let _ = f.modseq();
    let _ = f.body();
    let _ = f.header();
    if let Some(e) = f.envelope() {
        let _ = write!(sink, "{e:?}");
    }
    if let Some(d) = f.internal_date() {
        check_date_display(d);
    }
    if let Some(b) = f.body_structure() {
        touch_body(b, sink);
    }
    for item in &f.items {
        match item {
            FetchItem::Body(b) | FetchItem::BodyStructure(b) => touch_body(b, sink),
            // Envelope accessors are covered by its Debug (the type is being reworked).
            FetchItem::Envelope(e) => {
                let _ = write!(sink, "{e:?}");
            }
            FetchItem::BodySection { section, .. } => {
                let _ = f.section(section);
                let _ = section.is_whole();
            }
            FetchItem::SaveDate(Some(d)) => check_date_display(d),
            FetchItem::Flags(fl) => {
                for x in fl {
                    let _ = x.as_str();
                }
            }
            _ => {}
        }
    }
}

/// Calls the accessors of a parsed response and checks the round trips of the values in it
/// (sequence sets, dates). Panics on a broken invariant.
pub fn touch_response(r: &Response) {
    let mut sink = String::new();
    let _ = write!(sink, "{r:?}");
    match r {
        Response::Status(s) => {
            let _ = s.text_str();
            let _ = s.kind.as_str();
            if let Some(t) = &s.tag {
                let _ = t.as_str();
                let _ = t.to_string();
            }
            if let Some(c) = &s.code {
                touch_code(c);
            }
        }
        Response::Continue(c) => {
            if let Some(code) = &c.code {
                touch_code(code);
            }
        }
        Response::Data(d) => match d {
            Data::Capability(caps) | Data::Enabled(caps) => {
                for cap in caps {
                    let _ = cap.as_str();
                    auth_mechanism(cap);
                    let _ = cap.to_string();
                }
            }
            Data::List(l) | Data::Lsub(l) => {
                let _ = l.mailbox.name();
                let _ = l.mailbox.is_inbox();
                let _ = l.mailbox.to_string();
                let _ = l.special_use();
                let _ = l.child_info();
                for a in &l.attributes {
                    let _ = a.as_str();
                    let _ = a.is_special_use();
                }
                for (_, v) in &l.extended {
                    let _ = v.strings();
                }
            }
            Data::Status { mailbox, .. } => {
                let _ = mailbox.name();
            }
            Data::Flags(f) => {
                for x in f {
                    let _ = x.to_string();
                }
            }
            Data::ESearch(e) => {
                let _ = e.count();
                if let Some(all) = e.all() {
                    check_seq_display(all);
                }
                for item in &e.items {
                    match item {
                        ESearchItem::All(s) => check_seq_display(s),
                        ESearchItem::Partial { set: Some(s), .. } => check_seq_display(s),
                        _ => {}
                    }
                }
            }
            Data::Thread(ts) => {
                for t in ts {
                    let _ = t.all_messages();
                }
            }
            Data::Vanished { uids, .. } => {
                check_seq_display(uids);
                let _ = uids.len(u32::MAX);
            }
            Data::Fetch(f) => touch_fetch(f, &mut sink),
            _ => {}
        },
    }
}

/// A quick whole-frame parse used by several targets: parses, touches, and checks that
/// parsing the same bytes twice gives the same result.
pub fn parse_and_touch(frame: &[u8]) {
    let r = parse_response(frame);
    match &r {
        Ok(resp) => touch_response(resp),
        Err(e) => {
            assert!(
                e.offset <= frame.len(),
                "error offset {} past frame {}",
                e.offset,
                frame.len()
            );
            assert!(
                e.excerpt_offset <= e.excerpt.len(),
                "excerpt offset out of range: {e:?}"
            );
            let _ = e.to_string();
        }
    }
    assert_eq!(
        r,
        parse_response(frame),
        "parse_response is not deterministic"
    );
}

/// IMAP tokens for building structured responses (and, as `dict/imap.dict`, the libFuzzer
/// dictionary: keep the two in step). At most 120 entries.
pub const TOKENS: &[&[u8]] = &[
    b"* ",
    b"a1 ",
    b"A1 ",
    b"+ ",
    b"OK",
    b"NO",
    b"BAD",
    b"BYE",
    b"PREAUTH",
    b"[",
    b"]",
    b"(",
    b")",
    b" ",
    b"\r\n",
    b"NIL",
    b"FETCH",
    b"UID",
    b"FLAGS",
    b"\\Seen",
    b"\\Deleted",
    b"\\*",
    b"\\Answered",
    b"$Forwarded",
    b"BODY",
    b"BODYSTRUCTURE",
    b"BODY[]",
    b"BODY[TEXT]",
    b"BODY[1.2.MIME]",
    b"BODY[HEADER.FIELDS (FROM TO)]",
    b"BODY[HEADER.FIELDS.NOT (X)]",
    b"BINARY[1]",
    b"BINARY.SIZE[1]",
    b"<0>",
    b"ENVELOPE",
    b"INTERNALDATE",
    b"\"17-Jul-1996 02:44:25 -0700\"",
    b"RFC822",
    b"RFC822.SIZE",
    b"RFC822.HEADER",
    b"RFC822.TEXT",
    b"MODSEQ",
    b"EMAILID",
    b"THREADID",
    b"SAVEDATE",
    b"PREVIEW",
    b"ANNOTATION",
    b"X-GM-MSGID",
    b"X-GM-THRID",
    b"X-GM-LABELS",
    b"EXISTS",
    b"RECENT",
    b"EXPUNGE",
    b"SEARCH",
    b"ESEARCH",
    b"(TAG \"a1\")",
    b"ALL",
    b"MIN",
    b"MAX",
    b"COUNT",
    b"PARTIAL",
    b"SORT",
    b"THREAD",
    b"NAMESPACE",
    b"ID",
    b"ENABLED",
    b"QUOTA",
    b"QUOTAROOT",
    b"ACL",
    b"LISTRIGHTS",
    b"MYRIGHTS",
    b"METADATA",
    b"LIST",
    b"LSUB",
    b"STATUS",
    b"MESSAGES",
    b"UIDNEXT",
    b"UIDVALIDITY",
    b"UNSEEN",
    b"HIGHESTMODSEQ",
    b"CAPABILITY",
    b"IMAP4rev1",
    b"IMAP4rev2",
    b"AUTH=PLAIN",
    b"VANISHED",
    b"(EARLIER)",
    b"PERMANENTFLAGS",
    b"READ-ONLY",
    b"READ-WRITE",
    b"APPENDUID",
    b"COPYUID",
    b"MODIFIED",
    b"MAILBOXID",
    b"REFERRAL",
    b"BADCHARSET",
    b"\"/\"",
    b"\"\"",
    b"INBOX",
    b"\\HasChildren",
    b"\\Noselect",
    b"CHILDINFO",
    b"\"TEXT\"",
    b"\"PLAIN\"",
    b"(\"CHARSET\" \"UTF-8\")",
    b"\"7BIT\"",
    b"\"MIXED\"",
    b"\"MESSAGE\" \"RFC822\"",
    b"\"attachment\" (\"filename\" \"a.pdf\")",
    b"1:*",
    b"1,3:5",
    b"*",
    b"0",
    b"1",
    b"42",
    b"4294967296",
    b"\"quoted \\\" \\\\\"",
    b"~{3}\r\n",
    b"{5}\r\n",
    b"{0}\r\n",
    b"{3+}\r\n",
];

/// Builds a response from `inp`, each byte choosing a token (high bit: add a space), a
/// literal (`{n}` CRLF and n bytes from the input), a number, or one raw byte. Ends with CRLF.
pub fn build_from_tokens(inp: &mut Input<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    while !inp.is_empty() && out.len() < 8192 {
        let b = inp.u8();
        let idx = usize::from(b & 0x7f);
        if let Some(t) = TOKENS.get(idx) {
            out.extend_from_slice(t);
        } else {
            match idx - TOKENS.len() {
                0 => {
                    let n = usize::from(inp.u8() % 64);
                    let data = inp.bytes(n);
                    out.extend_from_slice(format!("{{{}}}\r\n", data.len()).as_bytes());
                    out.extend_from_slice(data);
                }
                1 => out.extend_from_slice(inp.u32().to_string().as_bytes()),
                2 => out.extend_from_slice(inp.u64().to_string().as_bytes()),
                _ => out.push(inp.u8()),
            }
        }
        if b & 0x80 != 0 {
            out.push(b' ');
        }
    }
    if !out.ends_with(b"\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Whether a known, reported bug may be tolerated in this run: `IMAP4_FUZZ_TOLERATE` holds a
/// comma-separated list of bug ids (see `fuzz/README.md`). Used for long campaigns so that a
/// known bug does not hide others; the regression inputs in `fuzz/regressions/` reproduce each
/// one with the variable unset.
pub fn tolerate(bug: &str) -> bool {
    static LIST: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        std::env::var("IMAP4_FUZZ_TOLERATE")
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    })
    .iter()
    .any(|b| b == bug || b == "all")
}

/// Whether `IMAP4_FUZZ_DEBUG` is set: targets then print what they do (for replaying one
/// input by hand, never during fuzzing).
pub fn debug() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("IMAP4_FUZZ_DEBUG").is_some())
}
