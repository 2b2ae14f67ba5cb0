//! Literal streaming: `* seq FETCH ([UID u ]ITEM {n}` + n bytes + the rest of the response
//! (possibly with a second literal) + one more response, fed in random chunks to a decoder
//! with `stream_literals_from` set at, below or above n.
//!
//! Checked: `LiteralStart` carries the exact first line, announcing line and length, and `fetch_context` finds the
//! sequence number, the UID sent before the literal and the item name; the chunks are
//! non-empty and add up to exactly the literal's bytes; `LiteralEnd` comes after the last
//! one; the FETCH response then carries `Streamed(n)` (or the bytes when the literal was
//! below the threshold) and the right UID; the next response parses as `parse_response`
//! parses it alone; the decoder ends idle.
#![no_main]

use imap4_fuzz::{chunks, touch_response, Input, Rng};
use imap4_proto::decode::{parse_response, Limits};
use imap4_proto::{Data, Decoder, Event, Fetch, FetchItem, Response, SectionData};
use libfuzzer_sys::fuzz_target;

const ITEMS: &[&str] = &[
    "BODY[]",
    "BODY[1.2]",
    "BODY[HEADER.FIELDS (FROM TO)]",
    "BINARY[1]",
    "RFC822",
    "RFC822.TEXT",
    "BODY[]<0>",
    "BINARY[]",
];

const NEXT: &[&[u8]] = &[
    b"* 2 EXISTS\r\n",
    b"a1 OK done\r\n",
    b"* 3 FETCH (FLAGS (\\Seen) UID 9)\r\n",
    b"+ go on\r\n",
    b"* 1 FETCH (BODY[] {3}\r\nabc)\r\n",
];

struct Lit {
    item: &'static str,
    data: Vec<u8>,
    streamed: bool,
}

fn literal_data(inp: &mut Input<'_>, n: usize, rng: &mut Rng) -> Vec<u8> {
    let mut d = inp.bytes(n).to_vec();
    while d.len() < n {
        // Pad with bytes that look like protocol text to tempt a confused framer.
        let pad: &[u8] = match rng.below(4) {
            0 => b")\r\n",
            1 => b"* 1 FETCH (BODY[] {5}\r\n",
            2 => b"\r\n",
            _ => b"x",
        };
        let take = pad.len().min(n - d.len());
        d.extend_from_slice(&pad[..take]);
    }
    d
}

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let seq = u32::from(inp.u8()) + 1;
    let flags = inp.u8();
    let uid = u32::from(inp.u16()) + 1;
    let uid_first = flags & 1 != 0;
    let marker = (flags >> 1) % 3;
    let tail_kind = (flags >> 3) % 4;
    let next = NEXT[usize::from(flags >> 5) % NEXT.len()];
    let item = ITEMS[usize::from(inp.u8()) % ITEMS.len()];
    let n = usize::from(inp.u16() % 3000);
    let t_sel = inp.u8();
    let threshold = match t_sel % 3 {
        0 => n as u64,
        1 => (n as u64).saturating_sub(u64::from(t_sel >> 2)),
        _ => n as u64 + 1 + u64::from(t_sel >> 2),
    };
    let chunk_mode = inp.u8();
    let mut rng = Rng::new(u64::from(inp.u32()));

    let header = |len: usize| match marker {
        0 => format!("{{{len}}}\r\n"),
        1 => format!("{{{len}+}}\r\n"),
        _ => format!("~{{{len}}}\r\n"),
    };
    let mut stream = Vec::new();
    let uid_part = if uid_first {
        format!("UID {uid} ")
    } else {
        String::new()
    };
    let prefix = format!("* {seq} FETCH ({uid_part}{item} {}", header(n));
    stream.extend_from_slice(prefix.as_bytes());
    let first = literal_data(&mut inp, n, &mut rng);
    stream.extend_from_slice(&first);
    let mut lits = vec![Lit {
        item,
        data: first,
        streamed: n as u64 >= threshold,
    }];
    match tail_kind {
        0 => stream.extend_from_slice(b")\r\n"),
        1 => stream.extend_from_slice(format!(" UID {uid})\r\n").as_bytes()),
        2 => stream.extend_from_slice(b" FLAGS (\\Seen $Junk))\r\n"),
        _ => {
            let m = usize::from(inp.u8());
            stream.extend_from_slice(format!(" BODY[2] {}", header(m)).as_bytes());
            let second = literal_data(&mut inp, m, &mut rng);
            stream.extend_from_slice(&second);
            stream.extend_from_slice(b")\r\n");
            lits.push(Lit {
                item: "BODY[2]",
                data: second,
                streamed: m as u64 >= threshold,
            });
        }
    }
    let fetch_end = stream.len();
    stream.extend_from_slice(next);
    let uid_known = uid_first || tail_kind == 1;

    let limits = Limits {
        stream_literals_from: Some(threshold),
        ..Limits::default()
    };
    let mut dec = Decoder::with_limits(limits);
    let mut events = Vec::new();
    let mut fed = 0usize;
    for chunk in chunks(&stream, chunk_mode, &mut rng) {
        dec.feed(chunk);
        fed += chunk.len();
        loop {
            match dec.next_event() {
                Err(e) => panic!("fatal decode error: {e}"),
                Ok(None) => break,
                Ok(Some(ev)) => {
                    events.push(ev);
                    assert!(events.len() <= 3 * fed + 8, "too many events");
                }
            }
        }
    }
    assert!(dec.is_idle(), "decoder not idle at the end");

    // Walk the events.
    let mut it = events.into_iter().peekable();
    for (k, lit) in lits.iter().enumerate() {
        if !lit.streamed {
            continue;
        }
        let Some(Event::LiteralStart(s)) = it.next() else {
            panic!("literal {k}: expected LiteralStart");
        };
        assert_eq!(
            s.len,
            lit.data.len() as u64,
            "literal {k}: LiteralStart.len"
        );
        if k == 0 {
            assert_eq!(
                s.first_line,
                prefix.trim_end_matches("\r\n").as_bytes(),
                "LiteralStart.first_line"
            );
            assert_eq!(
                s.line, s.first_line,
                "LiteralStart.line of the first literal"
            );
        }
        let ctx = s.fetch_context();
        let (cseq, cuid, citem) =
            ctx.unwrap_or_else(|| panic!("literal {k}: no fetch_context for {:?}", s.line));
        assert_eq!(cseq, seq, "fetch_context seq");
        assert_eq!(&citem[..], lit.item.as_bytes(), "fetch_context item");
        // The UID before the literal, on its line or the first line.
        assert_eq!(cuid, uid_first.then_some(uid), "fetch_context uid");
        let mut got = Vec::new();
        while let Some(Event::LiteralChunk(_)) = it.peek() {
            let Some(Event::LiteralChunk(c)) = it.next() else {
                unreachable!()
            };
            assert!(!c.is_empty(), "empty chunk");
            got.extend_from_slice(&c);
            assert!(got.len() <= lit.data.len(), "chunks exceed the literal");
        }
        assert!(got == lit.data, "literal {k}: chunk bytes differ");
        assert_eq!(
            it.next(),
            Some(Event::LiteralEnd),
            "literal {k}: expected LiteralEnd"
        );
    }
    let Some(Event::Response(r)) = it.next() else {
        panic!("expected the FETCH response");
    };
    touch_response(&r);
    let Response::Data(Data::Fetch(f)) = &r else {
        panic!("not a FETCH: {r:?}");
    };
    assert_eq!(f.seq, seq);
    if uid_known {
        assert_eq!(f.uid(), Some(uid), "UID");
    }
    for (k, lit) in lits.iter().enumerate() {
        let want = if lit.streamed {
            SectionData::Streamed(lit.data.len() as u64)
        } else {
            SectionData::Bytes(lit.data.clone().into())
        };
        assert!(
            has_section(f, &want),
            "literal {k}: no item with {want:?} in {f:?}"
        );
    }
    if !lits.iter().any(|l| l.streamed) {
        assert_eq!(Ok(&r), parse_response(&stream[..fetch_end]).as_ref());
    }
    // The next response.
    let rest: Vec<Event> = it.collect();
    let want_next = parse_response(next).expect("fixed responses parse");
    if next.starts_with(b"* 1 FETCH (BODY[] {3}") && threshold <= 3 {
        assert!(
            matches!(rest.first(), Some(Event::LiteralStart(_))),
            "next: {rest:?}"
        );
    } else {
        assert_eq!(
            rest,
            vec![Event::Response(want_next)],
            "the response after the literal"
        );
    }
});

fn has_section(f: &Fetch, want: &SectionData) -> bool {
    f.items.iter().any(|i| match i {
        FetchItem::BodySection { data, .. }
        | FetchItem::Binary { data, .. }
        | FetchItem::Rfc822(data)
        | FetchItem::Rfc822Text(data) => data == want,
        _ => false,
    })
}
