//! The decoder against byte-exact captures of a real Dovecot 2.3 (made by
//! `bench/capture.py` against the server `scripts/dovecot` starts): every response must
//! parse, whole or fed one byte at a time.

use imap4_proto::{Data, Decoder, Event, Response};

fn capture(name: &str) -> Vec<u8> {
    // The run-time value: a test binary may be reused from a build in another checkout.
    let dir = std::env::var("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
    let path = format!("{dir}/../testdata/dovecot/{name}");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn decode(bytes: &[u8], chunk: usize) -> Vec<Event> {
    let mut d = Decoder::new();
    let mut out = Vec::new();
    for c in bytes.chunks(chunk) {
        d.feed(c);
        while let Some(e) = d.next_event().expect("no framing error") {
            out.push(e);
        }
    }
    assert!(d.is_idle(), "capture must end at a response boundary");
    out
}

fn assert_clean(events: &[Event]) {
    for e in events {
        if let Event::Malformed(m) = e {
            panic!(
                "malformed response: {}\n{}",
                m.error,
                String::from_utf8_lossy(&m.raw)
            );
        }
    }
}

#[test]
fn session_transcript_parses_completely() {
    let bytes = capture("session.imap");
    let events = decode(&bytes, 64 * 1024);
    assert_clean(&events);
    let data: Vec<&Data> = events
        .iter()
        .filter_map(|e| match e {
            Event::Response(Response::Data(d)) => Some(d),
            _ => None,
        })
        .collect();
    // The transcript exercises these response types; each must have come out typed.
    let has = |f: &dyn Fn(&Data) -> bool| data.iter().any(|d| f(d));
    assert!(has(&|d| matches!(d, Data::Capability(_))));
    assert!(has(&|d| matches!(d, Data::List(_))));
    assert!(has(&|d| matches!(d, Data::Status { .. })));
    assert!(has(&|d| matches!(d, Data::ESearch(_))));
    assert!(has(&|d| matches!(d, Data::Thread(_))));
    assert!(has(&|d| matches!(d, Data::Namespace(_))));
    assert!(has(&|d| matches!(d, Data::Fetch(_))));
    let untyped: Vec<_> = data
        .iter()
        .filter(|d| matches!(d, Data::Other { .. }))
        .collect();
    assert!(untyped.is_empty(), "untyped data left: {untyped:?}");
}

#[test]
fn session_transcript_one_byte_at_a_time() {
    let bytes = capture("session.imap");
    assert_eq!(decode(&bytes, 1), decode(&bytes, bytes.len()));
}

#[test]
fn metadata_sample_parses_completely() {
    let bytes = capture("metadata-sample.imap");
    let events = decode(&bytes, 4096);
    assert_clean(&events);
    let fetches: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Response(Response::Data(Data::Fetch(f))) => Some(f),
            _ => None,
        })
        .collect();
    assert!(fetches.len() >= 100);
    for f in &fetches {
        assert!(f.uid().is_some() && f.flags().is_some() && f.internal_date().is_some());
        assert!(f.size().is_some() && f.envelope().is_some() && f.body_structure().is_some());
    }
}

#[test]
fn bodies_sample_parses_and_streams_identically() {
    let bytes = capture("bodies-sample.imap");
    let buffered = decode(&bytes, 8192);
    assert_clean(&buffered);
    let bodies: Vec<Vec<u8>> = buffered
        .iter()
        .filter_map(|e| match e {
            Event::Response(Response::Data(Data::Fetch(f))) => f.body().map(|b| b.to_vec()),
            _ => None,
        })
        .collect();
    assert!(bodies.len() >= 10);
    // The same bytes with streaming on: the chunks of each literal add up to the body.
    let mut d = Decoder::with_limits(imap4_proto::Limits {
        stream_literals_from: Some(1024),
        ..Default::default()
    });
    let mut streamed = Vec::new();
    let mut cur: Option<Vec<u8>> = None;
    for c in bytes.chunks(1000) {
        d.feed(c);
        while let Some(e) = d.next_event().unwrap() {
            match e {
                Event::LiteralStart(_) => cur = Some(Vec::new()),
                Event::LiteralChunk(b) => cur.as_mut().unwrap().extend_from_slice(&b),
                Event::LiteralEnd => streamed.push(cur.take().unwrap()),
                Event::Response(Response::Data(Data::Fetch(f))) => {
                    if let Some(b) = f.body() {
                        streamed.push(b.to_vec());
                    }
                }
                Event::Malformed(m) => panic!("{}", m.error),
                _ => {}
            }
        }
    }
    assert_eq!(streamed, bodies);
}
