//! ENVELOPE and BODY/BODYSTRUCTURE (RFC 3501 7.4.2, RFC 9051 7.5.2).
//!
//! Nesting is bounded by [`Limits::max_depth`](super::Limits) through the cursor's list
//! depth, so recursion here is bounded too.

use bytes::Bytes;

use super::cursor::{Cursor, PResult};
use super::ParseErrorKind;
use crate::types::*;

pub(crate) fn envelope(c: &mut Cursor<'_>) -> PResult<Box<Envelope>> {
    // Filled in place on the heap: an Envelope is large, moving it costs.
    let mut e = Box::<Envelope>::default();
    c.open()?;
    c.sp();
    e.date = c.nstring()?;
    c.sp();
    e.subject = c.nstring()?;
    c.sp();
    addresses(c, &mut e.from)?;
    c.sp();
    addresses(c, &mut e.sender)?;
    c.sp();
    addresses(c, &mut e.reply_to)?;
    c.sp();
    addresses(c, &mut e.to)?;
    c.sp();
    addresses(c, &mut e.cc)?;
    c.sp();
    addresses(c, &mut e.bcc)?;
    c.sp();
    e.in_reply_to = c.nstring()?;
    c.sp();
    e.message_id = c.nstring()?;
    c.close()?;
    Ok(e)
}

/// An address list into `out`. Lenient: `NIL` or `()` for no addresses.
fn addresses(c: &mut Cursor<'_>, out: &mut Vec<Address>) -> PResult<()> {
    if c.peek() != Some(b'(') {
        if c.eat_keyword(b"NIL") {
            return Ok(());
        }
        return Err(c.expected("address list"));
    }
    c.open()?;
    out.reserve_exact(1);
    loop {
        c.sp();
        if c.peek() == Some(b')') {
            break;
        }
        if out.len() >= c.max_list_items() {
            return Err(c.err(ParseErrorKind::TooManyItems));
        }
        c.open()?;
        out.push(Address::default());
        let a = out.last_mut().expect("just pushed");
        c.sp();
        a.name = c.nstring()?;
        c.sp();
        a.adl = c.nstring()?;
        c.sp();
        a.mailbox = c.nstring()?;
        c.sp();
        a.host = c.nstring()?;
        c.close()?;
    }
    c.close()
}

/// `body = "(" (body-type-1part / body-type-mpart) ")"`
pub(crate) fn body(c: &mut Cursor<'_>) -> PResult<BodyStructure> {
    c.open()?;
    c.sp();
    let b = if c.peek() == Some(b'(') {
        multipart(c)?
    } else {
        single(c)?
    };
    c.close()?;
    Ok(b)
}

fn multipart(c: &mut Cursor<'_>) -> PResult<BodyStructure> {
    let mut m = Box::<MultiPart>::default();
    while c.peek() == Some(b'(') {
        if m.parts.len() >= 10_000 {
            return Err(c.err(ParseErrorKind::TooManyItems));
        }
        m.parts.push(body(c)?);
        c.sp();
    }
    m.subtype = c.string()?;
    c.sp();
    if !more(c) {
        return Ok(BodyStructure::Multipart(m));
    }
    m.params = params(c)?;
    c.sp();
    if more(c) {
        m.disposition = disposition(c)?;
        c.sp();
        if more(c) {
            m.language = language(c)?;
            c.sp();
            if more(c) {
                m.location = c.nstring()?;
                m.extensions = extensions(c)?;
            }
        }
    }
    Ok(BodyStructure::Multipart(m))
}

fn more(c: &Cursor<'_>) -> bool {
    !matches!(c.peek(), Some(b')') | None)
}

fn single(c: &mut Cursor<'_>) -> PResult<BodyStructure> {
    let mut p = Box::<SinglePart>::default();
    p.media_type = c.string()?;
    c.sp();
    p.subtype = c.string()?;
    c.sp();
    p.params = params(c)?;
    c.sp();
    p.id = c.nstring()?;
    c.sp();
    p.description = c.nstring()?;
    c.sp();
    p.encoding = c.string()?;
    c.sp();
    p.size = c.number64()?;
    let is_msg = p.media_type.eq_ignore_ascii_case(b"MESSAGE")
        && (p.subtype.eq_ignore_ascii_case(b"RFC822") || p.subtype.eq_ignore_ascii_case(b"GLOBAL"));
    c.sp();
    if is_msg && c.peek() == Some(b'(') {
        let env = envelope(c)?;
        c.sp();
        let inner = body(c)?;
        c.sp();
        p.lines = Some(c.number64()?);
        p.message = Some(Box::new((*env, inner)));
    } else if p.media_type.eq_ignore_ascii_case(b"TEXT") {
        // Lenient: some servers omit the line count.
        if c.peek().is_some_and(|b| b.is_ascii_digit()) {
            p.lines = Some(c.number64()?);
        }
    }
    c.sp();
    if more(c) {
        p.md5 = c.nstring()?;
        c.sp();
        if more(c) {
            p.disposition = disposition(c)?;
            c.sp();
            if more(c) {
                p.language = language(c)?;
                c.sp();
                if more(c) {
                    p.location = c.nstring()?;
                    p.extensions = extensions(c)?;
                }
            }
        }
    }
    Ok(BodyStructure::Single(p))
}

/// `body-fld-param = "(" string SP string *(SP string SP string) ")" / nil`
fn params(c: &mut Cursor<'_>) -> PResult<Vec<(Bytes, Bytes)>> {
    if c.eat_keyword(b"NIL") {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    c.open()?;
    loop {
        c.sp();
        if c.peek() == Some(b')') {
            break;
        }
        if out.len() >= 1000 {
            return Err(c.err(ParseErrorKind::TooManyItems));
        }
        let k = c.string()?;
        c.sp();
        let v = c.string()?;
        out.push((k, v));
    }
    c.close()?;
    Ok(out)
}

fn disposition(c: &mut Cursor<'_>) -> PResult<Option<Disposition>> {
    if c.eat_keyword(b"NIL") {
        return Ok(None);
    }
    // Lenient: a bare string instead of a list (seen from some Exchange versions).
    if c.peek() == Some(b'"') {
        let kind = c.string()?;
        return Ok(Some(Disposition {
            kind,
            params: Vec::new(),
        }));
    }
    c.open()?;
    c.sp();
    let kind = c.string()?;
    c.sp();
    let params = if c.peek() == Some(b')') {
        Vec::new()
    } else {
        params(c)?
    };
    c.close()?;
    Ok(Some(Disposition { kind, params }))
}

fn language(c: &mut Cursor<'_>) -> PResult<Vec<Bytes>> {
    if c.peek() == Some(b'(') {
        c.list(false, |c| c.string())
    } else {
        Ok(c.nstring()?.into_iter().collect())
    }
}

fn extensions(c: &mut Cursor<'_>) -> PResult<Vec<BodyExtension>> {
    let mut out = Vec::new();
    loop {
        c.sp();
        if !more(c) {
            return Ok(out);
        }
        if out.len() >= 1000 {
            return Err(c.err(ParseErrorKind::TooManyItems));
        }
        out.push(extension(c)?);
    }
}

fn extension(c: &mut Cursor<'_>) -> PResult<BodyExtension> {
    match c.peek() {
        Some(b'(') => Ok(BodyExtension::List(c.list(false, extension)?)),
        Some(b'0'..=b'9') => Ok(BodyExtension::Number(c.number64()?)),
        _ => Ok(BodyExtension::NString(c.nstring()?)),
    }
}
