//! Response dispatch, status responses and response codes (RFC 3501 7.1, RFC 9051 7.1).

use bytes::Bytes;

use super::cursor::{Cursor, PResult};
use super::{data, fetch};
use crate::seq::SequenceSet;
use crate::types::*;

pub(crate) fn response(c: &mut Cursor<'_>) -> PResult<Response> {
    match c.peek() {
        Some(b'*') => {
            c.pos += 1;
            c.sp1()?;
            untagged(c)
        }
        Some(b'+') => {
            c.pos += 1;
            // Lenient: `+` without the space and text (several servers send "+\r\n").
            c.eat(b' ');
            let (code, text) = resp_text(c)?;
            Ok(Response::Continue(Continue { code, text }))
        }
        _ => {
            let (a, b) = c.token_range(true)?;
            let tag = Tag(c.buf.slice(a..b));
            c.sp1()?;
            let kind = status_kind(c).ok_or_else(|| c.expected("OK, NO or BAD"))?;
            let (code, text) = status_rest(c)?;
            Ok(Response::Status(Status {
                tag: Some(tag),
                kind,
                code,
                text,
            }))
        }
    }
}

fn status_kind(c: &mut Cursor<'_>) -> Option<StatusKind> {
    for (kw, k) in [
        (&b"OK"[..], StatusKind::Ok),
        (b"NO", StatusKind::No),
        (b"BAD", StatusKind::Bad),
        (b"PREAUTH", StatusKind::PreAuth),
        (b"BYE", StatusKind::Bye),
    ] {
        if c.eat_keyword(kw) {
            return Some(k);
        }
    }
    None
}

fn status_rest(c: &mut Cursor<'_>) -> PResult<(Option<Code>, Bytes)> {
    // Lenient: `a1 OK` with no text at all.
    c.sp();
    resp_text(c)
}

/// `resp-text = ["[" resp-text-code "]" SP] text`. A `[` that does not open a readable code
/// is kept as text; a code whose arguments do not parse is kept as `Code::Other`.
pub(crate) fn resp_text(c: &mut Cursor<'_>) -> PResult<(Option<Code>, Bytes)> {
    let mut code = None;
    if c.peek() == Some(b'[') {
        let save = c.pos;
        c.pos += 1;
        match resp_code(c) {
            Ok(k) if c.eat(b']') => code = Some(k),
            _ => {
                c.pos = save + 1;
                match raw_code(c) {
                    Some(k) => code = Some(k),
                    None => c.pos = save,
                }
            }
        }
        c.sp();
    }
    let text = c.text_to_eol();
    c.expect_end()?;
    Ok((code, text))
}

/// A code we could not parse as typed: keep its name and raw argument up to `]`.
fn raw_code(c: &mut Cursor<'_>) -> Option<Code> {
    let rest = c.rest();
    let line_end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    let close = memchr::memchr(b']', &rest[..line_end])?;
    let inner = &rest[..close];
    let name_end = inner.iter().position(|&b| b == b' ').unwrap_or(inner.len());
    if name_end == 0 {
        return None;
    }
    let start = c.pos;
    let name = c.buf.slice(start..start + name_end);
    let value = (name_end < close).then(|| c.buf.slice(start + name_end + 1..start + close));
    c.pos += close + 1;
    Some(Code::Other { name, value })
}

fn resp_code(c: &mut Cursor<'_>) -> PResult<Code> {
    let (a, b) = c.atom_range()?;
    let name = &c.buf[a..b];
    let is = |s: &str| name.eq_ignore_ascii_case(s.as_bytes());
    let code = if is("ALERT") {
        Code::Alert
    } else if is("PARSE") {
        Code::Parse
    } else if is("READ-ONLY") {
        Code::ReadOnly
    } else if is("READ-WRITE") {
        Code::ReadWrite
    } else if is("TRYCREATE") {
        Code::TryCreate
    } else if is("UIDNOTSTICKY") {
        Code::UidNotSticky
    } else if is("NOMODSEQ") {
        Code::NoModSeq
    } else if is("CLOSED") {
        Code::Closed
    } else if is("HASCHILDREN") {
        Code::HasChildren
    } else if is("COMPRESSIONACTIVE") {
        Code::CompressionActive
    } else if is("TOOBIG") {
        Code::TooBig
    } else if is("UIDNEXT") {
        c.sp1()?;
        Code::UidNext(c.number()?)
    } else if is("UIDVALIDITY") {
        c.sp1()?;
        Code::UidValidity(c.number()?)
    } else if is("UNSEEN") {
        c.sp1()?;
        Code::Unseen(c.number()?)
    } else if is("HIGHESTMODSEQ") {
        c.sp1()?;
        Code::HighestModSeq(c.number64()?)
    } else if is("CAPABILITY") {
        Code::Capability(data::capabilities(c)?)
    } else if is("PERMANENTFLAGS") {
        c.sp();
        Code::PermanentFlags(data::flag_list(c)?)
    } else if is("BADCHARSET") {
        c.sp();
        if c.peek() == Some(b'(') {
            Code::BadCharset(c.list(false, |c| c.astring())?)
        } else {
            Code::BadCharset(Vec::new())
        }
    } else if is("APPENDUID") {
        c.sp1()?;
        let uid_validity = c.number()?;
        c.sp1()?;
        Code::AppendUid {
            uid_validity,
            uids: seq_set(c)?,
        }
    } else if is("COPYUID") {
        c.sp1()?;
        let uid_validity = c.number()?;
        c.sp1()?;
        let source = seq_set(c)?;
        c.sp1()?;
        Code::CopyUid {
            uid_validity,
            source,
            dest: seq_set(c)?,
        }
    } else if is("MODIFIED") {
        c.sp1()?;
        Code::Modified(seq_set(c)?)
    } else if is("MAILBOXID") {
        c.sp();
        c.open()?;
        c.sp();
        let id = c.astring()?;
        c.close()?;
        Code::MailboxId(id)
    } else if is("REFERRAL") {
        c.sp1()?;
        let (a, b) = c.token_range(false)?;
        Code::Referral(c.buf.slice(a..b))
    } else if is("METADATA") {
        c.sp1()?;
        Code::Metadata(if c.eat_keyword(b"LONGENTRIES") {
            c.sp1()?;
            MetadataCode::LongEntries(c.number64()?)
        } else if c.eat_keyword(b"MAXSIZE") {
            c.sp1()?;
            MetadataCode::MaxSize(c.number64()?)
        } else if c.eat_keyword(b"TOOMANY") {
            MetadataCode::TooMany
        } else if c.eat_keyword(b"NOPRIVATE") {
            MetadataCode::NoPrivate
        } else {
            return Err(c.expected("METADATA code"));
        })
    } else if let Some(k) = Rfc5530Code::from_atom(name) {
        Code::Rfc5530(k)
    } else {
        return Err(c.expected("known response code"));
    };
    Ok(code)
}

/// A sequence set (`1:3,5,7:*`).
pub(crate) fn seq_set(c: &mut Cursor<'_>) -> PResult<SequenceSet> {
    let start = c.pos;
    let rest = c.rest();
    let n = rest
        .iter()
        .position(|&b| !(b.is_ascii_digit() || matches!(b, b':' | b',' | b'*')))
        .unwrap_or(rest.len());
    let set = SequenceSet::parse(&rest[..n])
        .map_err(|_| c.err(super::ParseErrorKind::InvalidSequenceSet))?;
    c.pos = start + n;
    Ok(set)
}

fn untagged(c: &mut Cursor<'_>) -> PResult<Response> {
    if c.peek().is_some_and(|b| b.is_ascii_digit()) {
        let n = c.number()?;
        c.sp1()?;
        let data = if c.eat_keyword(b"FETCH") {
            c.sp();
            Data::Fetch(fetch::fetch(c, n)?)
        } else if c.eat_keyword(b"EXISTS") {
            Data::Exists(n)
        } else if c.eat_keyword(b"EXPUNGE") {
            Data::Expunge(n)
        } else if c.eat_keyword(b"RECENT") {
            Data::Recent(n)
        } else {
            // Unknown numbered data: keep it whole.
            let start = c.pos;
            c.pos = c.buf.len();
            let name = Bytes::from(n.to_string());
            let mut rest = c.buf.slice(start..);
            trim_eol(&mut rest);
            return Ok(Response::Data(Data::Other { name, rest }));
        };
        c.expect_end()?;
        return Ok(Response::Data(data));
    }
    if let Some(kind) = status_kind(c) {
        let (code, text) = status_rest(c)?;
        return Ok(Response::Status(Status {
            tag: None,
            kind,
            code,
            text,
        }));
    }
    let (a, b) = c.atom_range()?;
    let data = data::untagged_data(c, a, b)?;
    Ok(Response::Data(data))
}

pub(crate) fn trim_eol(b: &mut Bytes) {
    while matches!(b.last(), Some(b'\r' | b'\n' | b' ')) {
        b.truncate(b.len() - 1);
    }
}

/// The tag of a frame that could not be parsed, if it starts with one.
pub(crate) fn frame_tag(frame: &[u8]) -> Option<Tag> {
    match frame.first() {
        None | Some(b'*' | b'+') => None,
        _ => {
            let end = frame
                .iter()
                .position(|&b| matches!(b, b' ' | b'\r' | b'\n'))?;
            (end > 0).then(|| Tag(Bytes::copy_from_slice(&frame[..end])))
        }
    }
}

/// The sequence number of a `* n FETCH` frame that could not be parsed.
pub(crate) fn frame_fetch_seq(frame: &[u8]) -> Option<u32> {
    let rest = frame.strip_prefix(b"* ")?;
    let end = rest.iter().position(|b| !b.is_ascii_digit())?;
    let n: u32 = std::str::from_utf8(&rest[..end]).ok()?.parse().ok()?;
    let tail = rest[end..].strip_prefix(b" ")?;
    (tail.len() >= 5 && tail[..5].eq_ignore_ascii_case(b"FETCH")).then_some(n)
}
