//! FETCH responses (RFC 3501 7.4.2, RFC 9051 7.5.2, RFC 3516, RFC 7162, RFC 8474, RFC 8514,
//! RFC 8970, RFC 5257, Gmail's X-GM-* items).

use bytes::Bytes;

use super::cursor::PErr;
use super::cursor::{Cursor, PResult, StrData};
use super::{body, data, Limits, ParseError, ParseErrorKind};
use crate::date::InternalDate;
use crate::types::*;

fn section_data(d: StrData) -> SectionData {
    match d {
        StrData::Nil => SectionData::Nil,
        StrData::Bytes(b) => SectionData::Bytes(b),
        StrData::Streamed(n) => SectionData::Streamed(n),
    }
}

pub(crate) fn fetch(c: &mut Cursor<'_>, seq: u32) -> PResult<Fetch> {
    let mut items = Vec::with_capacity(8);
    c.open()?;
    loop {
        c.sp();
        if c.peek() == Some(b')') {
            break;
        }
        if items.len() >= 10_000 {
            return Err(c.err(ParseErrorKind::TooManyItems));
        }
        items.push(item(c)?);
    }
    c.close()?;
    Ok(Fetch { seq, items })
}

fn item(c: &mut Cursor<'_>) -> PResult<FetchItem> {
    let start = c.pos;
    // Item names: letters, digits, '.', '-'; BODY[...] / BINARY[...] have a bracket part.
    let rest = c.rest();
    let n = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'.' || b == b'-'))
        .unwrap_or(rest.len());
    if n == 0 {
        return Err(c.expected("FETCH item name"));
    }
    let name = &rest[..n];
    c.pos += n;
    let is = |s: &str| name.eq_ignore_ascii_case(s.as_bytes());
    let bracket = c.peek() == Some(b'[');

    if bracket && (is("BODY") || is("BINARY") || is("BINARY.SIZE")) {
        c.pos += 1;
        if is("BODY") {
            let section = section_spec(c)?;
            c.expect(b']', "']'")?;
            let origin = origin(c)?;
            c.sp1()?;
            let data = section_data(c.nstring_data()?);
            return Ok(FetchItem::BodySection {
                section,
                origin,
                data,
            });
        }
        let part = part_number(c)?;
        c.expect(b']', "']'")?;
        if is("BINARY.SIZE") {
            c.sp1()?;
            return Ok(FetchItem::BinarySize {
                part,
                size: c.number64()?,
            });
        }
        let origin = origin(c)?;
        c.sp1()?;
        let data = section_data(c.nstring_data()?);
        return Ok(FetchItem::Binary { part, origin, data });
    }
    if bracket {
        return other(c, start);
    }
    c.sp1()?;
    let it = if is("UID") {
        FetchItem::Uid(c.number()?)
    } else if is("FLAGS") {
        FetchItem::Flags(data::flag_list(c)?)
    } else if is("RFC822.SIZE") {
        FetchItem::Rfc822Size(c.number64()?)
    } else if is("INTERNALDATE") {
        FetchItem::InternalDate(date(c)?)
    } else if is("ENVELOPE") {
        FetchItem::Envelope(body::envelope(c)?)
    } else if is("BODYSTRUCTURE") {
        FetchItem::BodyStructure(body::body(c)?)
    } else if is("BODY") {
        FetchItem::Body(body::body(c)?)
    } else if is("MODSEQ") {
        c.open()?;
        c.sp();
        let n = c.number64()?;
        c.close()?;
        FetchItem::ModSeq(n)
    } else if is("RFC822") {
        FetchItem::Rfc822(section_data(c.nstring_data()?))
    } else if is("RFC822.HEADER") {
        FetchItem::Rfc822Header(section_data(c.nstring_data()?))
    } else if is("RFC822.TEXT") {
        FetchItem::Rfc822Text(section_data(c.nstring_data()?))
    } else if is("EMAILID") {
        c.open()?;
        c.sp();
        let id = c.astring()?;
        c.close()?;
        FetchItem::EmailId(id)
    } else if is("THREADID") {
        if c.eat_keyword(b"NIL") {
            FetchItem::ThreadId(None)
        } else {
            c.open()?;
            c.sp();
            let id = c.astring()?;
            c.close()?;
            FetchItem::ThreadId(Some(id))
        }
    } else if is("SAVEDATE") {
        if c.eat_keyword(b"NIL") {
            FetchItem::SaveDate(None)
        } else {
            FetchItem::SaveDate(Some(date(c)?))
        }
    } else if is("PREVIEW") {
        FetchItem::Preview(c.nstring()?)
    } else if is("X-GM-MSGID") {
        FetchItem::GmMsgId(c.number64()?)
    } else if is("X-GM-THRID") {
        FetchItem::GmThrId(c.number64()?)
    } else if is("X-GM-LABELS") {
        FetchItem::GmLabels(c.list(true, |c| c.astring())?)
    } else if is("ANNOTATION") {
        let mut v = Vec::new();
        c.open()?;
        loop {
            c.sp();
            if c.peek() == Some(b')') {
                break;
            }
            if v.len() >= 1000 {
                return Err(c.err(ParseErrorKind::TooManyItems));
            }
            let entry = c.astring()?;
            c.sp();
            v.push((entry, data::attr_values(c)?));
        }
        c.close()?;
        FetchItem::Annotation(v)
    } else {
        return other(c, start);
    };
    Ok(it)
}

/// An unknown item: name (with any bracket part) and the raw value.
fn other(c: &mut Cursor<'_>, start: usize) -> PResult<FetchItem> {
    c.pos = start;
    let name = c.skip_value()?;
    c.sp1()?;
    let value = c.skip_value()?;
    Ok(FetchItem::Other { name, value })
}

fn date(c: &mut Cursor<'_>) -> PResult<InternalDate> {
    let at = c.pos;
    let parsed = match c.quoted_plain() {
        Some(s) => InternalDate::parse(s),
        None => InternalDate::parse(&c.string()?),
    };
    parsed.map_err(|_| {
        c.pos = at;
        c.err(ParseErrorKind::InvalidDate)
    })
}

fn origin(c: &mut Cursor<'_>) -> PResult<Option<u32>> {
    if c.eat(b'<') {
        let n = c.number()?;
        c.expect(b'>', "'>'")?;
        Ok(Some(n))
    } else {
        Ok(None)
    }
}

fn part_number(c: &mut Cursor<'_>) -> PResult<Vec<u32>> {
    let mut part = Vec::new();
    while c.peek().is_some_and(|b| b.is_ascii_digit()) {
        if part.len() >= 100 {
            return Err(c.err(ParseErrorKind::TooDeep));
        }
        part.push(c.nz_number()?);
        if !(c.peek() == Some(b'.') && c.rest().get(1).is_some_and(u8::is_ascii_digit)) {
            break;
        }
        c.pos += 1;
    }
    Ok(part)
}

/// The inside of `BODY[...]`.
fn section_spec(c: &mut Cursor<'_>) -> PResult<Section> {
    let part = part_number(c)?;
    if c.peek() == Some(b']') {
        return Ok(Section { part, text: None });
    }
    if !part.is_empty() {
        c.expect(b'.', "'.'")?;
    }
    let text = if c.eat_keyword(b"HEADER.FIELDS.NOT") {
        c.sp();
        SectionText::HeaderFieldsNot(c.list(false, |c| c.astring())?)
    } else if c.eat_keyword(b"HEADER.FIELDS") {
        c.sp();
        SectionText::HeaderFields(c.list(false, |c| c.astring())?)
    } else if c.eat_keyword(b"HEADER") {
        SectionText::Header
    } else if c.eat_keyword(b"TEXT") {
        SectionText::Text
    } else if c.eat_keyword(b"MIME") && !part.is_empty() {
        SectionText::Mime
    } else {
        return Err(c.expected("section text"));
    };
    Ok(Section {
        part,
        text: Some(text),
    })
}

/// Parses a section specifier as written inside `BODY[...]` (`1.2.HEADER.FIELDS (To)`).
///
/// ```
/// use imap4_proto::decode::parse_section_spec;
/// let s = parse_section_spec(b"1.2.HEADER.FIELDS (To Cc)")?;
/// assert_eq!(s.part, [1, 2]);
/// assert_eq!(s.to_string(), "1.2.HEADER.FIELDS (To Cc)");
/// assert!(parse_section_spec(b"MIME").is_err()); // MIME needs a part number
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
pub fn parse_section_spec(s: &[u8]) -> Result<Section, ParseError> {
    let mut v = Vec::with_capacity(s.len() + 1);
    v.extend_from_slice(s);
    v.push(b']');
    let b = Bytes::from(v);
    let limits = Limits::default();
    let mut c = Cursor::new(&b, &[], &limits);
    let r = section_spec(&mut c).and_then(|sec| {
        if c.pos + 1 != b.len() {
            Err(c.expected("end of section"))
        } else {
            Ok(sec)
        }
    });
    r.map_err(|PErr { kind, pos }: PErr| ParseError::new(kind, &b, pos))
}

/// Finds `(seq, uid-so-far, item name)` for a streamed literal: the sequence number from
/// the response's first line, the item name from the line that ends with the literal
/// header, the UID from that line or else the first line.
pub(crate) fn literal_context(first: &[u8], line: &[u8]) -> Option<(u32, Option<u32>, Bytes)> {
    let rest = first.strip_prefix(b"* ")?;
    let end = rest.iter().position(|b| !b.is_ascii_digit())?;
    let seq: u32 = std::str::from_utf8(&rest[..end]).ok()?.parse().ok()?;
    let tail = rest[end..].strip_prefix(b" ")?;
    if !(tail.len() > 6 && tail[..5].eq_ignore_ascii_case(b"FETCH")) {
        return None;
    }
    // The item name is the token before the literal header (`{n}` or literal8 `~{n}`).
    let brace = memchr::memrchr(b'{', line)?;
    let before = &line[..brace];
    let before = before.strip_suffix(b"~").unwrap_or(before);
    let before = before.strip_suffix(b" ")?;
    let mut depth = 0i32;
    let mut i = before.len();
    while i > 0 {
        let b = before[i - 1];
        match b {
            b']' => depth += 1,
            b'[' => depth -= 1,
            b' ' | b'(' if depth == 0 => break,
            _ => {}
        }
        i -= 1;
    }
    let item = Bytes::copy_from_slice(&before[i..]);
    // A UID sent before the literal (Dovecot and most servers send UID first).
    let uid = find_uid(&before[..i]).or_else(|| if first == line { None } else { find_uid(first) });
    Some((seq, uid, item))
}

fn find_uid(s: &[u8]) -> Option<u32> {
    let mut i = 0;
    while i + 4 <= s.len() {
        if s[i..i + 4].eq_ignore_ascii_case(b"UID ") && (i == 0 || matches!(s[i - 1], b' ' | b'('))
        {
            let digits: Vec<u8> = s[i + 4..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .copied()
                .collect();
            return std::str::from_utf8(&digits).ok()?.parse().ok();
        }
        i += 1;
    }
    None
}
