//! Encode -> parse round trips (proptest): what the encoder writes, the decoder reads back
//! unchanged. Strings, mailbox names, flags, sequence sets, dates and section specifiers
//! are written with the encoder's rules and embedded in server responses of the same
//! grammar, then decoded.

use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
use imap4_proto::{
    Data, Decoder, Event, Flag, InternalDate, MetadataEntries, Response, Section, SequenceSet,
};
use proptest::prelude::*;

/// The bytes a writer produced (lines and literals in order, without the final CRLF).
fn written(w: CommandWriter) -> Vec<u8> {
    let mut out = Vec::new();
    for f in w.finish() {
        match f {
            Fragment::Line(l) => out.extend_from_slice(&l),
            Fragment::Literal { data, .. } => out.extend_from_slice(&data),
        }
    }
    out.truncate(out.len() - 2);
    out
}

fn decode_one(bytes: &[u8]) -> Response {
    let mut d = Decoder::new();
    d.feed(bytes);
    match d.next_event() {
        Ok(Some(Event::Response(r))) => {
            assert!(d.is_idle(), "one response expected");
            r
        }
        other => panic!("{other:?} for {:?}", String::from_utf8_lossy(bytes)),
    }
}

fn opts() -> impl Strategy<Value = EncodeOptions> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(p, m, u)| EncodeOptions {
        literal_plus: p,
        literal_minus: m,
        utf8: u,
        binary: false,
    })
}

proptest! {
    #[test]
    fn strings_round_trip(value in proptest::collection::vec(1u8..=255, 0..300), o in opts()) {
        let mut w = CommandWriter::new(o);
        w.raw(b"* METADATA INBOX (/private/x ");
        w.string("value", &value).unwrap();
        w.raw(b")");
        let mut bytes = written(w);
        bytes.extend_from_slice(b"\r\n");
        let Response::Data(Data::Metadata { entries: MetadataEntries::Values(v), .. }) = decode_one(&bytes) else {
            panic!()
        };
        prop_assert_eq!(v[0].1.as_deref(), Some(&value[..]));
    }

    #[test]
    fn astrings_round_trip(value in proptest::collection::vec(1u8..=255, 1..100), o in opts()) {
        let mut w = CommandWriter::new(o);
        w.raw(b"* MYRIGHTS INBOX ");
        w.astring("rights", &value).unwrap();
        let mut bytes = written(w);
        bytes.extend_from_slice(b"\r\n");
        let Response::Data(Data::MyRights { rights, .. }) = decode_one(&bytes) else {
            panic!()
        };
        prop_assert_eq!(&rights[..], &value[..]);
    }

    #[test]
    fn mailbox_names_round_trip(name in "\\PC{1,40}", o in opts()) {
        prop_assume!(!name.eq_ignore_ascii_case("INBOX") && !name.contains('\0'));
        let mut w = CommandWriter::new(o);
        w.raw(b"* LIST () \"/\" ");
        w.mailbox(&name).unwrap();
        let mut bytes = written(w);
        bytes.extend_from_slice(b"\r\n");
        let Response::Data(Data::List(l)) = decode_one(&bytes) else { panic!() };
        prop_assert_eq!(l.mailbox.name(), name);
    }

    #[test]
    fn flags_round_trip(kw in "[A-Za-z$][A-Za-z0-9_.$-]{0,20}") {
        let flags = vec![Flag::Seen, Flag::Answered, Flag::Flagged, Flag::Deleted, Flag::Draft, Flag::keyword(&kw)];
        let text: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
        let bytes = format!("* FLAGS ({})\r\n", text.join(" "));
        let Response::Data(Data::Flags(back)) = decode_one(bytes.as_bytes()) else { panic!() };
        prop_assert_eq!(back, flags);
    }

    #[test]
    fn sequence_sets_round_trip(nums in proptest::collection::vec(1u32..5000, 1..60)) {
        let set: SequenceSet = nums.iter().copied().collect();
        let bytes = format!("* ESEARCH (TAG \"a\") UID ALL {set}\r\n");
        let Response::Data(Data::ESearch(e)) = decode_one(bytes.as_bytes()) else { panic!() };
        let mut want = nums.clone();
        want.sort_unstable();
        want.dedup();
        let got: Vec<u32> = e.all().unwrap().iter(u32::MAX).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn dates_round_trip(secs in 0i64..253_402_300_799, off in -1439i16..=1439) {
        let d = InternalDate::from_unix(secs, off).unwrap();
        let bytes = format!("* 1 FETCH (INTERNALDATE {})\r\n", d.to_quoted());
        let Response::Data(Data::Fetch(f)) = decode_one(bytes.as_bytes()) else { panic!() };
        prop_assert_eq!(f.internal_date(), Some(&d));
    }

    #[test]
    fn sections_round_trip(part in proptest::collection::vec(1u32..50, 0..4), kind in 0u8..6) {
        let text = match kind {
            0 => None,
            1 => Some("HEADER".to_string()),
            2 => Some("TEXT".to_string()),
            3 if !part.is_empty() => Some("MIME".to_string()),
            4 => Some("HEADER.FIELDS (From Subject)".to_string()),
            _ => Some("HEADER.FIELDS.NOT (X-Spam)".to_string()),
        };
        let mut spec = part.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(".");
        if let Some(t) = &text {
            if !spec.is_empty() { spec.push('.'); }
            spec.push_str(t);
        }
        let section: Section = spec.parse().unwrap();
        prop_assert_eq!(section.to_string(), spec.clone());
        let bytes = format!("* 2 FETCH (BODY[{section}] NIL)\r\n");
        let Response::Data(Data::Fetch(f)) = decode_one(bytes.as_bytes()) else { panic!() };
        prop_assert!(f.section(&section).is_some());
    }
}
