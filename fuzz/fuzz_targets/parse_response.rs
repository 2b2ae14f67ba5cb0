//! `parse_response` on one frame: either the raw input (first byte even) or a response built
//! from IMAP tokens (first byte odd; see `build_from_tokens`), so that deep, well-formed
//! structures (BODYSTRUCTURE, ENVELOPE, ESEARCH, THREAD, literals) are reached quickly.
//!
//! Checked: no panic; error offsets inside the frame; the parse is deterministic; every
//! accessor of the result runs (sequence sets and dates in it survive Display + re-parse);
//! when the frame is exactly one response for the framer, `parse_all` gives the same result;
//! `parse_section_spec` never panics.
#![no_main]

use imap4_fuzz::{build_from_tokens, parse_and_touch, reference_frames, Input, RefEvent};
use imap4_proto::decode::{parse_all, parse_response, parse_section_spec, Limits};
use imap4_proto::{Event, SectionText};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let mode = inp.u8();
    let frame: Vec<u8> = if mode & 1 == 0 {
        inp.rest().to_vec()
    } else {
        build_from_tokens(&mut inp)
    };
    parse_and_touch(&frame);
    let _ = imap4_proto::parse_flags(&frame);
    if let Some(d) = imap4_proto::internaldate_to_tuple(&frame) {
        imap4_fuzz::check_date_display(&d);
    }

    // The same bytes through the decoder: when they frame as exactly one response, the event
    // is that response (or Malformed with the same error).
    let reference = reference_frames(&frame, &Limits::default());
    if let [RefEvent::Frame { full, .. }] = &reference.events[..] {
        if reference.idle && full.len() == frame.len() {
            let events = parse_all(&frame).expect("one frame within the limits");
            assert_eq!(events.len(), 1, "parse_all: {events:?}");
            match (&events[0], parse_response(&frame)) {
                (Event::Response(a), Ok(b)) => assert_eq!(a, &b),
                (Event::Malformed(m), Err(e)) => {
                    assert_eq!(m.error, e);
                    assert_eq!(&m.raw[..], &frame[..]);
                }
                (a, b) => panic!("parse_all {a:?} vs parse_response {b:?}"),
            }
        }
    }

    if mode & 2 != 0 {
        // A section spec (what goes between BODY[ and ]).
        let spec = frame.split(|&b| b == b']').next().unwrap_or(&[]);
        if let Ok(s) = parse_section_spec(spec) {
            let _ = s.is_whole();
            // Display re-parses to the same section when every header name is a plain atom.
            let atoms = |n: &[imap4_proto::Bytes]| {
                n.iter().all(|h| {
                    !h.is_empty()
                        && h.iter()
                            .all(|&c| c > 0x20 && c < 0x7f && !b"(){%*\"\\]".contains(&c))
                })
            };
            let plain = match &s.text {
                Some(SectionText::HeaderFields(n)) | Some(SectionText::HeaderFieldsNot(n)) => {
                    atoms(n)
                }
                _ => true,
            };
            if plain {
                let text = s.to_string();
                let back = parse_section_spec(text.as_bytes());
                assert_eq!(back.as_ref(), Ok(&s), "section {s:?} displayed as {text:?}");
            }
        }
    }
});
