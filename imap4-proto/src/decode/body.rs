//! ENVELOPE and BODY/BODYSTRUCTURE (RFC 3501 7.4.2, RFC 9051 7.5.2).
//!
//! Nesting is bounded by [`Limits::max_depth`](super::Limits) through the cursor's list
//! depth, so recursion here is bounded too.

use bytes::Bytes;

use super::cursor::{Cursor, PResult};
use super::ParseErrorKind;
use crate::types::envelope::Span;
use crate::types::*;

/// Builds an [`Envelope`]: its strings are positions in one buffer, the envelope's slice of
/// the response (plus, rarely, a copy holding strings that needed unescaping).
pub(crate) fn envelope(c: &mut Cursor<'_>) -> PResult<Box<Envelope>> {
    let mut b = SpanBuilder {
        base: c.pos,
        extra: Vec::new(),
    };
    let mut e = Box::<Envelope>::default();
    c.open()?;
    c.sp();
    e.fields[0] = b.span(c)?;
    c.sp();
    e.fields[1] = b.span(c)?;
    for i in 0..6 {
        c.sp();
        b.addresses(c, &mut e.addrs)?;
        e.ends[i] = e.addrs.len() as u32;
    }
    c.sp();
    e.fields[2] = b.span(c)?;
    c.sp();
    e.fields[3] = b.span(c)?;
    c.close()?;
    let len = c.pos - b.base;
    if len + b.extra.len() >= EXTRA as usize {
        return Err(c.err(ParseErrorKind::TooManyItems));
    }
    if b.extra.is_empty() {
        e.raw = c.buf.slice(b.base..c.pos);
    } else {
        let mut v = Vec::with_capacity(len + b.extra.len());
        v.extend_from_slice(&c.buf[b.base..c.pos]);
        v.extend_from_slice(&b.extra);
        e.raw = Bytes::from(v);
        let fix = |s: &mut Span| {
            if s.start != u32::MAX && s.start & EXTRA != 0 {
                s.start = (s.start & !EXTRA) + len as u32;
            }
        };
        e.fields.iter_mut().for_each(fix);
        e.addrs.iter_mut().flatten().for_each(fix);
    }
    Ok(e)
}

/// Marks a span that points into the unescaped-strings area (fixed up at the end).
const EXTRA: u32 = 1 << 31;

struct SpanBuilder {
    base: usize,
    extra: Vec<u8>,
}

impl SpanBuilder {
    // Always inlined: returned through memory, the two u32 halves written separately and
    // read back as one u64 defeat store-to-load forwarding (a stall per string).
    #[inline(always)]
    fn span(&mut self, c: &mut Cursor<'_>) -> PResult<Span> {
        Ok(match c.nstring_range()? {
            None => Span::NIL,
            Some(Ok((a, b))) => Span {
                start: (a - self.base) as u32,
                len: (b - a) as u32,
            },
            Some(Err(bytes)) => {
                let s = Span {
                    start: self.extra.len() as u32 | EXTRA,
                    len: bytes.len() as u32,
                };
                self.extra.extend_from_slice(&bytes);
                s
            }
        })
    }

    /// An address list. Lenient: `NIL` or `()` for no addresses.
    fn addresses(&mut self, c: &mut Cursor<'_>, out: &mut Vec<[Span; 4]>) -> PResult<()> {
        if c.peek() != Some(b'(') {
            if c.eat_keyword(b"NIL") {
                return Ok(());
            }
            return Err(c.expected("address list"));
        }
        c.open()?;
        let mut n = 0;
        loop {
            c.sp();
            if c.peek() == Some(b')') {
                break;
            }
            n += 1;
            if n > c.max_list_items() {
                return Err(c.err(ParseErrorKind::TooManyItems));
            }
            c.open()?;
            let mut a = [Span::NIL; 4];
            for s in a.iter_mut() {
                c.sp();
                *s = self.span(c)?;
            }
            out.push(a);
            c.close()?;
        }
        c.close()
    }
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
    m.subtype = c.string_common()?;
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
    p.media_type = c.string_common()?;
    c.sp();
    p.subtype = c.string_common()?;
    c.sp();
    p.params = params(c)?;
    c.sp();
    p.id = c.nstring()?;
    c.sp();
    p.description = c.nstring()?;
    c.sp();
    p.encoding = c.string_common()?;
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
    c.pairs(true, |c| c.string_common(), |c| c.string_common())
}

fn disposition(c: &mut Cursor<'_>) -> PResult<Option<Disposition>> {
    if c.eat_keyword(b"NIL") {
        return Ok(None);
    }
    // Lenient: a bare string instead of a list (seen from some Exchange versions).
    if c.peek() == Some(b'"') {
        let kind = c.string_common()?;
        return Ok(Some(Disposition {
            kind,
            params: Vec::new(),
        }));
    }
    c.open()?;
    c.sp();
    let kind = c.string_common()?;
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
        c.list(false, |c| c.string_common())
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
