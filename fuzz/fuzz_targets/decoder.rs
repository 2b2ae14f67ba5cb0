//! The streaming `Decoder` against an independent reference framer.
//!
//! Input layout: limits (see `limits_from`), a chunking mode byte, a 32-bit chunking seed,
//! then the server byte stream. The stream is fed in chunks and the events are drained after
//! each chunk. Checked:
//! - no panic, and `next_event` never yields more events than the input can justify;
//! - after a fatal error, `next_event` keeps returning the same error (also after more input);
//! - `needed()`: never `Some(0)` while waiting, drops by exactly the bytes fed inside a
//!   buffered literal, and equals the streamed literal's remaining length while streaming;
//! - streamed literals: `LiteralChunk`s are non-empty, never exceed the announced length, and
//!   add up to exactly the literal's bytes;
//! - the event sequence (chunks merged) equals what the reference framer computes for the
//!   whole input, whatever the chunking: same frames, same streamed-literal `first_line`/`line`, same
//!   fatal error with the same offset;
//! - each complete response equals `parse_response` of the same frame (when no literal was
//!   streamed and the parse limits are the defaults), `Malformed::raw` is the frame, and
//!   with streamed literals the response matches the whole frame's parse with `Streamed(n)`
//!   in place of the section bytes;
//! - at the end, `is_idle()` and `needed()` agree with the reference.
#![no_main]

use imap4_fuzz::{
    chunks, compare_streamed, limits_from, reference_frames, touch_response, Input, RefEvent, Rng,
};
use imap4_proto::decode::{parse_response, DecodeError, ParseErrorKind};
use imap4_proto::{Data, Decoder, Event, Response};
use libfuzzer_sys::fuzz_target;

#[derive(Debug)]
enum Got {
    Start {
        first_line: Vec<u8>,
        line: Vec<u8>,
        len: u64,
    },
    Data(Vec<u8>),
    End,
    Resp(Event),
    Error(DecodeError),
}

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let (limits, default_parse) = limits_from(&mut inp);
    let chunk_mode = inp.u8();
    let seed = inp.u32();
    let stream = inp.rest();
    let mut rng = Rng::new(u64::from(seed));
    let expected = reference_frames(stream, &limits);

    let mut dec = Decoder::with_limits(limits.clone());
    let mut got: Vec<Got> = Vec::new();
    let mut error: Option<DecodeError> = None;
    // (announced length, bytes seen) of the literal being streamed.
    let mut streaming: Option<(u64, u64)> = None;
    let mut fed: usize = 0;
    let mut events: usize = 0;

    for chunk in chunks(stream, chunk_mode, &mut rng) {
        let before = dec.needed();
        if chunk_mode & 0x80 != 0 {
            dec.buffer_mut().extend_from_slice(chunk);
        } else {
            dec.feed(chunk);
        }
        fed += chunk.len();
        if error.is_none() {
            if let Some(k) = before {
                let after = dec.needed();
                if streaming.is_some() {
                    assert_eq!(after, before, "needed() changed by feed while streaming");
                } else {
                    assert_eq!(
                        after,
                        Some(k.saturating_sub(chunk.len() as u64)),
                        "needed() inside a buffered literal after feeding {} bytes",
                        chunk.len()
                    );
                }
            }
        }
        loop {
            let r = dec.next_event();
            if let Some(e) = &error {
                assert_eq!(r.as_ref(), Err(e), "error not sticky");
                break;
            }
            events += 1;
            assert!(
                events <= 3 * fed + 8,
                "next_event produced {events} events for {fed} bytes"
            );
            match r {
                Err(e) => {
                    got.push(Got::Error(e.clone()));
                    error = Some(e);
                    // Asked again: the same error.
                    assert_eq!(dec.next_event(), Err(error.clone().unwrap()));
                    break;
                }
                Ok(None) => {
                    match streaming {
                        Some((len, seen)) => {
                            assert_eq!(dec.needed(), Some(len - seen), "needed() while streaming")
                        }
                        None => assert_ne!(dec.needed(), Some(0), "waiting with needed() == 0"),
                    }
                    break;
                }
                Ok(Some(ev)) => match ev {
                    Event::LiteralStart(s) => {
                        assert!(
                            streaming.is_none(),
                            "LiteralStart inside a streamed literal"
                        );
                        streaming = Some((s.len, 0));
                        let _ = s.fetch_context();
                        got.push(Got::Start {
                            first_line: s.first_line.to_vec(),
                            line: s.line.to_vec(),
                            len: s.len,
                        });
                    }
                    Event::LiteralChunk(b) => {
                        let Some((len, seen)) = streaming.as_mut() else {
                            panic!("LiteralChunk outside a streamed literal");
                        };
                        assert!(!b.is_empty(), "empty LiteralChunk");
                        *seen += b.len() as u64;
                        assert!(*seen <= *len, "chunks exceed the literal: {seen} > {len}");
                        match got.last_mut() {
                            Some(Got::Data(d)) => d.extend_from_slice(&b),
                            _ => got.push(Got::Data(b.to_vec())),
                        }
                    }
                    Event::LiteralEnd => {
                        let Some((len, seen)) = streaming.take() else {
                            panic!("LiteralEnd outside a streamed literal");
                        };
                        assert_eq!(seen, len, "LiteralEnd before the whole literal");
                        got.push(Got::End);
                    }
                    ev @ (Event::Response(_) | Event::Malformed(_)) => {
                        assert!(streaming.is_none(), "response inside a streamed literal");
                        got.push(Got::Resp(ev));
                    }
                },
            }
        }
    }
    if let Some(e) = &error {
        // More input changes nothing.
        dec.feed(b"* 1 EXISTS\r\n");
        assert_eq!(dec.next_event().as_ref(), Err(e));
    }

    // Compare with the reference.
    let want = &expected.events;
    assert_eq!(
        got.len(),
        want.len(),
        "event count differs:\n got  {:?}\n want {:?}",
        short(&got),
        short(want)
    );
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        match (g, w) {
            (
                Got::Start {
                    first_line,
                    line,
                    len,
                },
                RefEvent::Start {
                    first_line: f2,
                    line: l2,
                    len: n2,
                },
            ) => {
                assert_eq!(
                    (first_line, line, len),
                    (f2, l2, n2),
                    "event {i}: LiteralStart differs"
                );
            }
            (Got::Data(d), RefEvent::Data(d2)) => {
                assert!(d == d2, "event {i}: literal data differs")
            }
            (Got::End, RefEvent::End) => {}
            (Got::Error(e), RefEvent::Error(e2)) => assert_eq!(e, e2, "event {i}: error differs"),
            (
                Got::Resp(ev),
                RefEvent::Frame {
                    full,
                    kept,
                    streamed,
                    start,
                },
            ) => check_frame(i, ev, full, kept, *streamed, *start, default_parse),
            _ => panic!("event {i} differs:\n got  {g:?}\n want {w:?}"),
        }
    }
    if error.is_none() {
        assert_eq!(dec.is_idle(), expected.idle, "is_idle() at the end");
        assert_eq!(dec.needed(), expected.needed, "needed() at the end");
        if expected.idle {
            assert_eq!(dec.buffered(), 0);
        }
    }
});

fn check_frame(
    i: usize,
    ev: &Event,
    full: &[u8],
    kept: &[u8],
    streamed: bool,
    start: u64,
    default_parse: bool,
) {
    match ev {
        Event::Malformed(m) => {
            assert_eq!(
                &m.raw[..],
                kept,
                "event {i}: Malformed.raw is not the frame"
            );
            assert_eq!(m.error.stream_offset, start, "event {i}: stream_offset");
            let _ = m.error.to_string();
            if !default_parse {
                return;
            }
            let whole = parse_response(full);
            if !streamed {
                let mut e = whole.expect_err("decoder says malformed, parse_response parses it");
                e.stream_offset = start;
                assert_eq!(
                    e, m.error,
                    "event {i}: parse error differs from parse_response"
                );
            } else if let Ok(w) = whole {
                assert!(
                    m.error.kind == ParseErrorKind::UnexpectedStreamedLiteral
                        || !matches!(w, Response::Data(Data::Fetch(_))),
                    "event {i}: streamed FETCH malformed ({}) though the whole frame parses: {w:?}",
                    m.error
                );
            }
        }
        Event::Response(r) => {
            touch_response(r);
            if !default_parse {
                return;
            }
            let whole = parse_response(full);
            if !streamed {
                assert_eq!(
                    whole.as_ref(),
                    Ok(r),
                    "event {i}: response differs from parse_response"
                );
            } else {
                match whole {
                    Ok(w) => {
                        if let Err(d) = compare_streamed(r, &w) {
                            panic!("event {i}: streamed response differs: {d}\n got  {r:?}\n want {w:?}")
                        }
                    }
                    Err(e) => assert!(
                        !matches!(r, Response::Data(Data::Fetch(_))),
                        "event {i}: streamed FETCH parses, the whole frame does not: {e}"
                    ),
                }
            }
        }
        _ => unreachable!(),
    }
}

fn short<T: std::fmt::Debug>(v: &[T]) -> String {
    let s = format!("{v:?}");
    if s.len() > 2000 {
        format!("{}...", &s[..s.floor_char_boundary(2000)])
    } else {
        s
    }
}
