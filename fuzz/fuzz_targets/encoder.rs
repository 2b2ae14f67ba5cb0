//! The command encoder with arbitrary strings (mailbox names, search strings, flags,
//! passwords, header names, raw arguments, tags) and arbitrary server options.
//!
//! Checked for every command: encoding either fails with an `EncodeError` or gives fragments
//! where every `Fragment::Line` ends with CRLF and holds no other CR, LF or NUL; every
//! `Fragment::Literal` follows a line ending in a literal header whose size is the
//! literal's length, `+` exactly when the literal is non-synchronizing (and non-sync only
//! with LITERAL+, or LITERAL- up to 4096 bytes), `~` whenever the data holds a NUL; the last
//! fragment is a line; the first line starts with the tag and the command name; encoding is
//! deterministic.
//!
//! Round trips through the response parser: an `astring`, `string` or `nstring` written by
//! `CommandWriter` and put where a server would put it (`* LIST () "/" <astring>`) reads back
//! as the same bytes; a mailbox name reads back as its modified UTF-7 (or UTF-8) form.
//! Also: `base64_decode(base64_encode(x)) == x`, `base64_decode` never panics, and
//! `normalize_line_endings` leaves no bare CR or LF.
#![no_main]

use imap4_fuzz::Input;
use imap4_proto::decode::parse_response;
use imap4_proto::encode::{
    base64_decode, base64_encode, normalize_line_endings, Append, AppendMessage, Authenticate,
    Command, CommandWriter, Copy, Create, Criteria, Delete, Enable, EncodeOptions, Expunge, Fetch,
    FetchAttr, Fragment, GetAnnotation, GetMetadata, GetQuota, Id, List, ListReturn, ListSelect,
    Login, Lsub, MailboxFilter, Move, Notify, NotifyEvent, NotifyGroup, Partial, ProxyAuth,
    QResync, Raw, RawArg, Rename, Search, SearchReturn, Select, SetAcl, SetAnnotation, SetMetadata,
    SetQuota, Sort, SortKey, Status, StatusAttr, Store, Subscribe, Thread, ThreadAlgorithm,
};
use imap4_proto::{utf7, Data, Flag, InternalDate, Response, SequenceSet, Tag};
use libfuzzer_sys::fuzz_target;

fn text(inp: &mut Input<'_>) -> String {
    String::from_utf8_lossy(inp.short_bytes()).into_owned()
}

fn set(inp: &mut Input<'_>) -> SequenceSet {
    match inp.u8() % 4 {
        0 => SequenceSet::new(),
        1 => SequenceSet::all(),
        _ => SequenceSet::range(u32::from(inp.u16()).max(1), u32::from(inp.u16()).max(1))
            .unwrap_or_default(),
    }
}

fn flag(inp: &mut Input<'_>) -> Flag {
    match inp.u8() % 6 {
        0 => Flag::Seen,
        1 => Flag::Deleted,
        2 => Flag::Recent,
        3 => Flag::MayCreate,
        4 => Flag::parse(inp.short_bytes()),
        _ => Flag::keyword(&text(inp)),
    }
}

fn criteria(inp: &mut Input<'_>, depth: u32) -> Criteria {
    let k = inp.u8() % 16;
    if depth > 6 && k >= 12 {
        return Criteria::all();
    }
    match k {
        0 => Criteria::all(),
        1 => Criteria::subject(inp.short_bytes()),
        2 => Criteria::from(inp.short_bytes()),
        3 => {
            let f = inp.short_bytes().to_vec();
            Criteria::header(f, inp.short_bytes())
        }
        4 => Criteria::keyword(inp.short_bytes()),
        5 => Criteria::body(inp.short_bytes()),
        6 => Criteria::larger(inp.u64()),
        7 => Criteria::uid(set(inp)),
        8 => Criteria::seq(set(inp)),
        9 => Criteria::gm_raw(inp.short_bytes()),
        10 => Criteria::raw(text(inp)),
        11 => Criteria::email_id(text(inp)),
        12 => Criteria::not(criteria(inp, depth + 1)),
        13 => {
            let a = criteria(inp, depth + 1);
            Criteria::or(a, criteria(inp, depth + 1))
        }
        14 => {
            let n = inp.u8() % 4;
            Criteria::and((0..n).map(|_| criteria(inp, depth + 1)).collect::<Vec<_>>())
        }
        _ => Criteria::modseq_flag(
            flag(inp),
            imap4_proto::encode::ModSeqEntryType::All,
            inp.u64(),
        ),
    }
}

fn fetch_attr(inp: &mut Input<'_>) -> FetchAttr {
    match inp.u8() % 8 {
        0 => FetchAttr::Uid,
        1 => FetchAttr::Flags,
        2 => FetchAttr::BodyStructure,
        3 => {
            let n = inp.u8() % 4;
            FetchAttr::header_fields(
                (0..n)
                    .map(|_| inp.short_bytes().to_vec())
                    .collect::<Vec<_>>(),
            )
        }
        4 => FetchAttr::header_fields_not([inp.short_bytes().to_vec()]),
        5 => FetchAttr::raw(text(inp)),
        6 => FetchAttr::binary(&[u32::from(inp.u8()), u32::from(inp.u8())])
            .partial(inp.u32(), inp.u32()),
        _ => FetchAttr::annotation([text(inp)], [text(inp)]),
    }
}

fn raw_arg(inp: &mut Input<'_>, depth: u32) -> RawArg {
    match inp.u8() % 9 {
        0 => RawArg::atom(text(inp)),
        1 => RawArg::astring(inp.short_bytes()),
        2 => RawArg::string(inp.short_bytes()),
        3 => RawArg::nil(),
        4 => RawArg::literal(inp.short_bytes().to_vec()),
        5 => RawArg::literal8(inp.short_bytes().to_vec()),
        6 => RawArg::mailbox(text(inp)),
        7 if depth < 4 => {
            let n = inp.u8() % 4;
            RawArg::list((0..n).map(|_| raw_arg(inp, depth + 1)).collect::<Vec<_>>())
        }
        _ => RawArg::raw(text(inp)),
    }
}

fn command(inp: &mut Input<'_>) -> Box<dyn Command> {
    match inp.u8() % 32 {
        0 => {
            let u = inp.short_bytes().to_vec();
            Box::new(Login::new(u, inp.short_bytes()))
        }
        1 => Box::new(Select::new(text(inp)).condstore(inp.bool())),
        2 => Box::new(Create::new(text(inp))),
        3 => Box::new(Delete::new(text(inp))),
        4 => Box::new(Rename::new(text(inp), text(inp))),
        5 => {
            let r = text(inp);
            let l = List::new(r, text(inp));
            match inp.u8() % 3 {
                0 => Box::new(l),
                1 => Box::new(l.select([ListSelect::Subscribed, ListSelect::Other(text(inp))])),
                _ => Box::new(l.returning([
                    ListReturn::Status(vec![StatusAttr::Messages, StatusAttr::Other(text(inp))]),
                    ListReturn::Other(text(inp)),
                ])),
            }
        }
        6 => Box::new(Status::new(
            text(inp),
            [StatusAttr::Unseen, StatusAttr::Other(text(inp))],
        )),
        7 => {
            let mb = text(inp);
            let data = inp.short_bytes().to_vec();
            let mut m = AppendMessage::new(data)
                .flags([flag(inp), flag(inp)])
                .binary(inp.bool());
            if inp.bool() {
                if let Ok(d) = InternalDate::new(
                    inp.u16() % 10000,
                    1 + inp.u8() % 12,
                    1 + inp.u8() % 28,
                    1,
                    2,
                    3,
                    0,
                ) {
                    m = m.date(d);
                }
            }
            Box::new(Append::new(mb, m).utf8(inp.bool()))
        }
        8 => {
            let c = criteria(inp, 0);
            let mut s = Search::new(c).uid(inp.bool());
            if inp.bool() {
                s = s.charset(text(inp));
            }
            if inp.bool() {
                s = s.returning([SearchReturn::Count, SearchReturn::Other(text(inp))]);
            }
            Box::new(s)
        }
        9 => {
            let s = set(inp);
            let n = inp.u8() % 4;
            let attrs: Vec<FetchAttr> = (0..n).map(|_| fetch_attr(inp)).collect();
            Box::new(Fetch::new(s, attrs).uid(inp.bool()))
        }
        10 => {
            let s = set(inp);
            Box::new(Store::add_flags(s, [flag(inp), flag(inp)]).silent(inp.bool()))
        }
        11 => {
            let s = set(inp);
            Box::new(Store::add_labels(s, [inp.short_bytes().to_vec()]))
        }
        12 => {
            let s = set(inp);
            Box::new(Copy::new(s, text(inp)).uid(inp.bool()))
        }
        13 => {
            let s = set(inp);
            Box::new(Move::new(s, text(inp)))
        }
        14 => {
            let n = inp.short_bytes().to_vec();
            let v = inp.short_bytes().to_vec();
            Box::new(Id::new().field(n, if v.is_empty() { None } else { Some(v) }))
        }
        15 => Box::new(Enable::new([text(inp), text(inp)])),
        16 => {
            let mb = text(inp);
            let e = text(inp);
            let v = inp.short_bytes().to_vec();
            Box::new(SetMetadata::new(mb, [(e, Some(v))]))
        }
        17 => Box::new(GetMetadata::new(text(inp), [text(inp)])),
        18 => Box::new(SetAcl::new(text(inp), text(inp), text(inp))),
        19 => {
            let r = text(inp);
            Box::new(SetQuota::new(r, [(text(inp), inp.u64())]))
        }
        20 => Box::new(GetQuota::new(text(inp))),
        21 => {
            let mech = text(inp);
            let mut a = Authenticate::new(mech);
            if inp.bool() {
                a = a.initial_response(inp.short_bytes());
            }
            Box::new(a)
        }
        22 => {
            let c = criteria(inp, 0);
            if inp.bool() {
                Box::new(Sort::new([SortKey::Date, SortKey::Subject], c))
            } else {
                Box::new(Thread::new(ThreadAlgorithm::Other(text(inp)), c))
            }
        }
        23 => {
            let mb = text(inp);
            let q = QResync::new(inp.u32(), inp.u64()).known_uids(set(inp));
            let q = if inp.bool() {
                q.seq_match(set(inp), set(inp))
            } else {
                q
            };
            Box::new(Select::new(mb).qresync(q))
        }
        24 => {
            let item = fetch_attr(inp);
            Box::new(Partial::new(inp.u32(), item, inp.u32(), inp.u32()))
        }
        25 => Box::new(ProxyAuth::new(inp.short_bytes())),
        26 => Box::new(Lsub::new(text(inp), text(inp))),
        27 => Box::new(Subscribe::new(text(inp))),
        28 => {
            let mb = text(inp);
            Box::new(GetAnnotation::new(mb, [text(inp)], [text(inp)]))
        }
        29 => {
            let mb = text(inp);
            let e = text(inp);
            let a = text(inp);
            let v = inp.short_bytes().to_vec();
            Box::new(SetAnnotation::new(mb, e, [(a, Some(v))]))
        }
        30 => {
            let filter = match inp.u8() % 3 {
                0 => MailboxFilter::Selected,
                1 => MailboxFilter::Subtree(vec![text(inp)]),
                _ => MailboxFilter::Mailboxes(vec![text(inp), text(inp)]),
            };
            let events = match inp.u8() % 3 {
                0 => vec![],
                1 => vec![
                    NotifyEvent::MessageNew(vec![fetch_attr(inp)]),
                    NotifyEvent::MessageExpunge,
                ],
                _ => vec![NotifyEvent::FlagChange, NotifyEvent::Other(text(inp))],
            };
            Box::new(Notify::set([NotifyGroup::new(filter, events)]).status(inp.bool()))
        }
        _ => {
            let name = text(inp);
            let n = inp.u8() % 5;
            let mut r = Raw::new(name);
            for _ in 0..n {
                r = r.arg(raw_arg(inp, 0));
            }
            if inp.bool() {
                Box::new(Expunge::uids(set(inp)))
            } else {
                Box::new(r)
            }
        }
    }
}

/// The literal header at the end of `line` (`{n}`, `{n+}` or `~{n}` before CRLF).
fn literal_header(line: &[u8]) -> Option<(u64, bool, bool)> {
    let l = line.strip_suffix(b"}\r\n")?;
    let open = l.iter().rposition(|&c| c == b'{')?;
    let mut digits = &l[open + 1..];
    let plus = digits.last() == Some(&b'+');
    if plus {
        digits = &digits[..digits.len() - 1];
    }
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = std::str::from_utf8(digits).ok()?.parse().ok()?;
    let tilde = open > 0 && l[open - 1] == b'~';
    Some((n, plus, tilde))
}

fn check_fragments(frags: &[Fragment], opts: EncodeOptions, what: &dyn std::fmt::Debug) {
    assert!(
        matches!(frags.last(), Some(Fragment::Line(_))),
        "{what:?}: last fragment not a line"
    );
    let mut pending: Option<(u64, bool, bool)> = None;
    for (i, f) in frags.iter().enumerate() {
        match f {
            Fragment::Line(l) => {
                assert!(
                    pending.is_none(),
                    "{what:?}: literal header not followed by data"
                );
                assert!(
                    l.ends_with(b"\r\n"),
                    "{what:?}: line {i} {l:?} without CRLF"
                );
                let body = &l[..l.len() - 2];
                assert!(
                    !body.iter().any(|&c| c == b'\r' || c == b'\n' || c == 0),
                    "{what:?}: line {i} {l:?} holds CR, LF or NUL"
                );
                if i + 1 < frags.len() {
                    let h = literal_header(l);
                    assert!(
                        h.is_some(),
                        "{what:?}: line {i} {l:?} ends the command early"
                    );
                    pending = h;
                }
            }
            Fragment::Literal { data, sync } => {
                let Some((n, plus, tilde)) = pending.take() else {
                    panic!("{what:?}: literal {i} without a header");
                };
                assert_eq!(n, data.len() as u64, "{what:?}: literal {i} length");
                assert_eq!(plus, !sync, "{what:?}: literal {i} '+' vs sync");
                if !sync {
                    assert!(
                        opts.literal_plus || (opts.literal_minus && data.len() <= 4096),
                        "{what:?}: non-sync literal not allowed by {opts:?}"
                    );
                }
                if data.contains(&0) {
                    assert!(tilde, "{what:?}: NUL in a literal that is not literal8");
                }
            }
        }
    }
}

fn opts(b: u8) -> EncodeOptions {
    EncodeOptions {
        literal_plus: b & 1 != 0,
        literal_minus: b & 2 != 0,
        utf8: b & 4 != 0,
        binary: b & 8 != 0,
    }
}

/// Puts an astring written by the encoder into a LIST response and reads the mailbox back.
fn list_back(frags: &[Fragment]) -> Option<Vec<u8>> {
    let mut resp = b"* LIST () \"/\" ".to_vec();
    for f in frags {
        match f {
            Fragment::Line(l) => resp.extend_from_slice(l),
            Fragment::Literal { data, .. } => resp.extend_from_slice(data),
        }
    }
    match parse_response(&resp) {
        Ok(Response::Data(Data::List(l))) => Some(l.mailbox.as_bytes().to_vec()),
        other => panic!("LIST with encoded name {resp:?} does not parse: {other:?}"),
    }
}

fn same_name(back: &[u8], want: &[u8]) -> bool {
    back == want || (back == b"INBOX" && want.eq_ignore_ascii_case(b"INBOX"))
}

fn writer_round_trip(inp: &mut Input<'_>) {
    let o = opts(inp.u8());
    let kind = inp.u8() % 4;
    let s = inp.rest();
    let mut w = CommandWriter::new(o);
    let r = match kind {
        0 => w.astring("x", s),
        1 => w.string("x", s),
        2 => w.nstring("x", Some(s)),
        _ => {
            let name = String::from_utf8_lossy(s).into_owned();
            w.mailbox(&name)
        }
    };
    if r.is_err() {
        assert!(s.contains(&0), "{kind} {s:?}: {r:?}");
        return;
    }
    let frags = w.finish();
    check_fragments(&frags, o, &s);
    let back = list_back(&frags).expect("parsed");
    let want: Vec<u8> = if kind == 3 {
        let name = String::from_utf8_lossy(s);
        if name.eq_ignore_ascii_case("INBOX") {
            b"INBOX".to_vec()
        } else if o.utf8 {
            name.as_bytes().to_vec()
        } else {
            utf7::encode(&name).into_bytes()
        }
    } else {
        s.to_vec()
    };
    assert!(
        same_name(&back, &want),
        "kind {kind}: {s:?} came back as {back:?}, want {want:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    match inp.u8() % 8 {
        0 | 1 => writer_round_trip(&mut inp),
        2 => {
            let raw = inp.rest();
            let enc = base64_encode(raw);
            assert_eq!(base64_decode(enc.as_bytes()).as_deref(), Some(raw));
            let _ = base64_decode(raw);
            let n = normalize_line_endings(raw);
            for (i, &c) in n.iter().enumerate() {
                if c == b'\r' {
                    assert_eq!(n.get(i + 1), Some(&b'\n'), "bare CR in {n:?}");
                }
                if c == b'\n' {
                    assert!(i > 0 && n[i - 1] == b'\r', "bare LF in {n:?}");
                }
            }
        }
        _ => {
            let o = opts(inp.u8());
            let tag = if inp.u8().is_multiple_of(8) {
                text(&mut inp)
            } else {
                "a1".to_string()
            };
            let cmd = command(&mut inp);
            let r = cmd.encode(Tag::from(tag.as_str()), o);
            let Ok(enc) = r else {
                let _ = r.unwrap_err().to_string();
                return;
            };
            check_fragments(&enc.fragments, o, &cmd);
            let Fragment::Line(first) = &enc.fragments[0] else {
                unreachable!()
            };
            let head = format!("{tag} {}", cmd.name());
            assert!(
                first.starts_with(head.as_bytes()),
                "{cmd:?}: starts {first:?}"
            );
            assert_eq!(enc.name, cmd.name());
            assert_eq!(
                Ok(&enc),
                cmd.encode(Tag::from(tag.as_str()), o).as_ref(),
                "not deterministic"
            );
            let _ = enc.has_sync_literal();
            let _ = format!("{cmd:?}");
        }
    }
});
