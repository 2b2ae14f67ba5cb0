//! ENVELOPE and BODY/BODYSTRUCTURE (RFC 3501 7.4.2, RFC 9051 7.5.2).
//!
//! Nesting is bounded by [`Limits::max_depth`](super::Limits) through the cursor's list
//! depth, so recursion here is bounded too.

use bytes::Bytes;

use super::cursor::{Cursor, PResult};
use super::ParseErrorKind;
use crate::types::*;

pub(crate) fn envelope(c: &mut Cursor<'_>) -> PResult<Envelope> {
    c.open()?;
    c.sp();
    let date = c.nstring()?;
    c.sp();
    let subject = c.nstring()?;
    c.sp();
    let from = addresses(c)?;
    c.sp();
    let sender = addresses(c)?;
    c.sp();
    let reply_to = addresses(c)?;
    c.sp();
    let to = addresses(c)?;
    c.sp();
    let cc = addresses(c)?;
    c.sp();
    let bcc = addresses(c)?;
    c.sp();
    let in_reply_to = c.nstring()?;
    c.sp();
    let message_id = c.nstring()?;
    c.close()?;
    Ok(Envelope {
        date,
        subject,
        from,
        sender,
        reply_to,
        to,
        cc,
        bcc,
        in_reply_to,
        message_id,
    })
}

fn addresses(c: &mut Cursor<'_>) -> PResult<Vec<Address>> {
    // Lenient: `NIL` or `()` for no addresses.
    c.list_with_capacity(true, 1, |c| {
        c.open()?;
        c.sp();
        let name = c.nstring()?;
        c.sp();
        let adl = c.nstring()?;
        c.sp();
        let mailbox = c.nstring()?;
        c.sp();
        let host = c.nstring()?;
        c.close()?;
        Ok(Address {
            name,
            adl,
            mailbox,
            host,
        })
    })
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
    let mut m = MultiPart::default();
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
        return Ok(BodyStructure::Multipart(Box::new(m)));
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
    Ok(BodyStructure::Multipart(Box::new(m)))
}

fn more(c: &Cursor<'_>) -> bool {
    !matches!(c.peek(), Some(b')') | None)
}

fn single(c: &mut Cursor<'_>) -> PResult<BodyStructure> {
    let mut p = SinglePart {
        media_type: c.string()?,
        ..Default::default()
    };
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
        && (p.subtype.eq_ignore_ascii_case(b"RFC822")
            || p.subtype.eq_ignore_ascii_case(b"GLOBAL"));
    c.sp();
    if is_msg && c.peek() == Some(b'(') {
        let env = envelope(c)?;
        c.sp();
        let inner = body(c)?;
        c.sp();
        p.lines = Some(c.number64()?);
        p.message = Some(Box::new((env, inner)));
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
    Ok(BodyStructure::Single(Box::new(p)))
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
