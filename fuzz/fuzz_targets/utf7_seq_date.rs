//! Small parsers and their round trips. The first byte picks the part:
//! - modified UTF-7: `decode(encode(s)) == s` for any string, `encode` gives printable
//!   ASCII, `decode` never panics, a name that decodes re-encodes and decodes to the same
//!   string, and `decode_lossy` agrees with `decode` where that succeeds;
//! - `SequenceSet`: `parse` never panics; Display of a parsed set re-parses to its normalized
//!   form and `display_as_given` to itself; `parse_prefix` agrees with `parse`; normalizing
//!   is idempotent; `contains`, `iter` and `len` agree; the O(1) `is_normalized` flag of a
//!   set built with `push`/`insert` is never wrong;
//! - `InternalDate::parse` never panics, a parsed date validates and its Display and quoted
//!   form re-parse equal, Unix time round-trips; hand-built dates with any field values
//!   never panic in Display/`to_unix`/`SystemTime::from` (documented); `from_unix` of any
//!   value never panics and gives a valid date with the same Unix time;
//! - tags: a generator prefix that is accepted makes tags the response parser reads back.
#![no_main]

use std::time::SystemTime;

use imap4_fuzz::{check_date_display, check_seq_display, Input};
use imap4_proto::date::{internaldate_to_tuple, time_to_internaldate, InternalDate};
use imap4_proto::decode::parse_response;
use imap4_proto::seq::{SeqNum, SeqRange, SequenceSet};
use imap4_proto::tag::{int2ap, TagGenerator};
use imap4_proto::{utf7, Response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    match inp.u8() % 6 {
        0 => utf7_part(inp.rest()),
        1 => seq_part(inp.rest()),
        2 => seq_build(&mut inp),
        3 => date_part(inp.rest()),
        4 => date_fields(&mut inp),
        _ => tag_part(&mut inp),
    }
});

fn utf7_part(raw: &[u8]) {
    let s = String::from_utf8_lossy(raw);
    let enc = utf7::encode(&s);
    assert!(
        enc.bytes().all(|b| (0x20..0x7f).contains(&b)),
        "encode({s:?}) = {enc:?} not printable"
    );
    assert_eq!(
        utf7::decode(enc.as_bytes()).as_deref(),
        Ok(&*s),
        "decode(encode({s:?}))"
    );
    let lossy = utf7::decode_lossy(raw);
    if let Ok(d) = utf7::decode(raw) {
        let again = utf7::encode(&d);
        assert_eq!(
            utf7::decode(again.as_bytes()).as_deref(),
            Ok(&*d),
            "re-encode of {raw:?}"
        );
        assert_eq!(lossy, d, "decode_lossy disagrees with decode on {raw:?}");
    } else if let Err(e) = utf7::decode(raw) {
        let _ = e.to_string();
    }
}

fn check_set(set: &SequenceSet, largest: u32) {
    let norm = set.normalized();
    assert!(norm.is_normalized());
    assert_eq!(norm.normalized(), norm, "normalize is not idempotent");
    assert_eq!(norm.to_string(), set.to_string());
    // Small `largest`: contains / iter / len agree.
    let listed: Vec<u32> = norm.iter(largest).take(5000).collect();
    assert!(
        listed.windows(2).all(|w| w[0] < w[1]),
        "normalized iter not ascending: {norm:?} {largest}"
    );
    if listed.len() < 5000 {
        assert_eq!(
            norm.len(largest),
            listed.len() as u64,
            "len vs iter for {norm:?} {largest}"
        );
        assert_eq!(set.len(largest), listed.len() as u64);
        for n in 0..=largest.saturating_add(2).min(300) {
            assert_eq!(
                set.contains(n, largest),
                listed.binary_search(&n).is_ok(),
                "contains({n}, {largest}) of {set:?}"
            );
            assert_eq!(norm.contains(n, largest), set.contains(n, largest));
        }
    }
    for n in set.iter(largest).take(1000) {
        assert!(
            set.contains(n, largest),
            "iter gave {n} not contained in {set:?}"
        );
    }
}

fn seq_part(raw: &[u8]) {
    let largest = u32::from(raw.first().copied().unwrap_or(0) % 64);
    let parsed = SequenceSet::parse(raw);
    match SequenceSet::parse_prefix(raw) {
        Ok((s, used)) => {
            assert!(used <= raw.len() && used > 0);
            assert_eq!(
                SequenceSet::parse(&raw[..used]).as_ref(),
                Ok(&s),
                "parse_prefix vs parse"
            );
            if used == raw.len() {
                assert_eq!(parsed.as_ref(), Ok(&s));
            } else {
                assert!(parsed.is_err());
            }
        }
        Err(e) => assert_eq!(parsed, Err(e)),
    }
    if let Ok(text) = std::str::from_utf8(raw) {
        assert_eq!(text.parse::<SequenceSet>(), parsed, "FromStr vs parse");
    }
    if let Ok(set) = parsed {
        assert!(!set.is_empty());
        check_seq_display(&set);
        check_set(&set, largest);
        check_set(&set, u32::MAX.wrapping_sub(largest));
    } else if let Err(e) = parsed {
        let _ = e.to_string();
    }
}

fn seq_num(inp: &mut Input<'_>) -> SeqNum {
    let v = match inp.u8() % 4 {
        0 => 0,
        1 => u32::from(inp.u8()),
        2 => u32::MAX - u32::from(inp.u8()),
        _ => inp.u32(),
    };
    SeqNum::new(v).unwrap_or(SeqNum::Star)
}

fn seq_build(inp: &mut Input<'_>) {
    let largest = u32::from(inp.u8());
    let mut set = SequenceSet::new();
    let mut ops = 0;
    while !inp.is_empty() && ops < 200 {
        ops += 1;
        match inp.u8() % 3 {
            0 => set.push(SeqRange::new(seq_num(inp), seq_num(inp))),
            1 => {
                let n = u32::from(inp.u8());
                let r = set.insert(n);
                assert_eq!(r.is_err(), n == 0);
            }
            _ => {
                let _ = set.insert(u32::MAX);
            }
        }
        if set.is_normalized() {
            assert_eq!(
                set.normalized().ranges(),
                set.ranges(),
                "is_normalized() wrongly true: {set:?}"
            );
        }
    }
    for r in set.ranges() {
        assert!(r.start <= r.end, "range not ascending: {r:?}");
    }
    check_seq_display(&set);
    check_set(&set, largest);
    let collected: SequenceSet = set.normalized().iter(largest.min(200)).collect();
    let listed: Vec<u32> = set.normalized().iter(largest.min(200)).collect();
    assert_eq!(
        collected.iter(u32::MAX).collect::<Vec<_>>(),
        listed,
        "collect round trip"
    );
}

fn date_part(raw: &[u8]) {
    let _ = internaldate_to_tuple(raw);
    let Ok(d) = InternalDate::parse(raw) else {
        if let Err(e) = InternalDate::parse(raw) {
            let _ = e.to_string();
        }
        return;
    };
    check_date_display(&d);
    assert_eq!(
        InternalDate::parse(d.to_quoted().as_bytes()),
        Ok(d),
        "to_quoted round trip"
    );
    assert_eq!(time_to_internaldate(d), d.to_quoted());
    if let Ok(text) = std::str::from_utf8(raw) {
        assert_eq!(text.parse::<InternalDate>(), Ok(d));
    }
    unix_round_trip(&d);
}

fn unix_round_trip(d: &InternalDate) {
    let secs = d.to_unix();
    let back = InternalDate::from_unix(secs, d.offset_minutes);
    if d.second != 60 {
        assert_eq!(back, Some(*d), "from_unix(to_unix) for {d}");
    }
    if let Some(b) = back {
        assert_eq!(b.to_unix(), secs);
    }
    let st = SystemTime::from(*d);
    let utc = InternalDate::from_system_time(st);
    assert_eq!(utc.offset_minutes, 0);
    if (1..9999).contains(&d.year) {
        assert_eq!(utc.to_unix(), secs, "SystemTime round trip of {d}");
    }
}

fn date_fields(inp: &mut Input<'_>) {
    let d = InternalDate {
        year: inp.u16(),
        month: inp.u8(),
        day: inp.u8(),
        hour: inp.u8(),
        minute: inp.u8(),
        second: inp.u8(),
        offset_minutes: inp.u16() as i16,
    };
    // Documented: never panics on out-of-range values.
    let text = d.to_string();
    let _ = d.to_quoted();
    let _ = d.to_unix();
    let _ = SystemTime::from(d);
    let _ = time_to_internaldate(d);
    if d.validate().is_ok() {
        assert_eq!(
            InternalDate::parse(text.as_bytes()),
            Ok(d),
            "valid date {d:?} as {text:?}"
        );
        unix_round_trip(&d);
    }
    let secs = inp.u64() as i64;
    let off = inp.u16() as i16;
    if let Some(x) = InternalDate::from_unix(secs, off) {
        assert_eq!(x.validate(), Ok(()), "from_unix({secs}, {off}) = {x:?}");
        assert_eq!(x.to_unix(), secs, "from_unix({secs}, {off})");
        assert_eq!(x.offset_minutes, off);
    }
    let small = secs % 400_000_000_000;
    if let Some(x) = InternalDate::from_unix(small, off % 1440) {
        assert_eq!(x.validate(), Ok(()));
        assert_eq!(x.to_unix(), small);
    }
}

fn tag_part(inp: &mut Input<'_>) {
    let n = inp.u32();
    let ap = int2ap(n);
    assert!(ap.bytes().all(|b| (b'A'..=b'P').contains(&b)));
    assert_eq!(ap.is_empty(), n == 0);
    let prefix = String::from_utf8_lossy(inp.rest()).into_owned();
    if let Ok(mut g) = TagGenerator::with_prefix(&prefix) {
        for _ in 0..2 {
            let tag = g.next_tag();
            assert!(tag.starts_with(&prefix));
            let line = format!("{tag} OK done\r\n");
            match parse_response(line.as_bytes()) {
                Ok(Response::Status(s)) => {
                    assert_eq!(
                        s.tag.as_ref().map(|t| t.as_str()),
                        Some(&*tag),
                        "tag {tag:?}"
                    )
                }
                other => panic!("tag {tag:?}: {other:?}"),
            }
        }
    }
}
