//! ENVELOPE and BODY/BODYSTRUCTURE (RFC 3501 7.4.2, RFC 9051 7.5.2).
//!
//! Nesting is bounded by [`Limits::max_depth`](super::Limits) through the cursor's list
//! depth, so recursion here is bounded too.

use bytes::Bytes;

use super::cursor::{Cursor, PErr, PResult};
use super::{Limits, ParseError, ParseErrorKind};
use crate::types::body::{
    Node, Range, Rare, DESCRIPTION, DISP_KIND, ENCODING, HAS_DISP, HAS_LINES, ID, LOCATION, MD5,
    MEDIA_TYPE, MULTI, SUBTYPE,
};
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
    // Most envelopes hold from, sender, reply-to and to, often a few more: one allocation.
    e.addrs.reserve(8);
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
        // The common cases inline; the general one (and its large result) out of line.
        if let Some((a, b)) = c.quoted_range() {
            return Ok(Span {
                start: (a - self.base) as u32,
                len: (b - a) as u32,
            });
        }
        if c.eat_nil_fast() {
            return Ok(Span::NIL);
        }
        self.span_slow(c)
    }

    #[inline(never)]
    fn span_slow(&mut self, c: &mut Cursor<'_>) -> PResult<Span> {
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
            // Filled in place: an address built on the stack and copied in as a whole is
            // read back as 16-byte words from 4-byte stores, a forwarding stall per copy.
            out.push([Span::NIL; 4]);
            if let Some(slot) = out.last_mut() {
                for s in slot.iter_mut() {
                    c.sp();
                    *s = self.span(c)?;
                }
            }
            c.close()?;
        }
        c.close()
    }
}

/// `body = "(" (body-type-1part / body-type-mpart) ")"`: a [`BodyStructure`] whose strings
/// are positions in one buffer, its slice of the response (plus, rarely, a copy holding
/// strings that needed unescaping), and whose parts sit in one table.
pub(crate) fn body(c: &mut Cursor<'_>) -> PResult<BodyStructure> {
    let mut b = BodyBuilder {
        sb: SpanBuilder {
            base: c.pos,
            extra: Vec::new(),
        },
        nodes: Vec::with_capacity(4),
        pool: Vec::with_capacity(8),
        rare: None,
    };
    b.body(c)?;
    let BodyBuilder {
        sb,
        mut nodes,
        mut pool,
        rare,
    } = b;
    let len = c.pos - sb.base;
    if len + sb.extra.len() >= EXTRA as usize {
        return Err(c.err(ParseErrorKind::TooManyItems));
    }
    let raw = if sb.extra.is_empty() {
        c.buf.slice(sb.base..c.pos)
    } else {
        let mut v = Vec::with_capacity(len + sb.extra.len());
        v.extend_from_slice(&c.buf[sb.base..c.pos]);
        v.extend_from_slice(&sb.extra);
        let fix = |s: &mut Span| {
            if s.start != u32::MAX && s.start & EXTRA != 0 {
                s.start = (s.start & !EXTRA) + len as u32;
            }
        };
        nodes.iter_mut().flat_map(|n| n.s.iter_mut()).for_each(fix);
        pool.iter_mut().for_each(fix);
        Bytes::from(v)
    };
    Ok(BodyStructure {
        raw,
        nodes,
        pool,
        rare,
    })
}

/// Parses a body structure from its IMAP syntax (for [`BodyStructure::parse`]).
pub(crate) fn parse_body_structure(s: &[u8]) -> Result<BodyStructure, ParseError> {
    let b = Bytes::copy_from_slice(s);
    let limits = Limits::default();
    let mut c = Cursor::new(&b, &[], &limits);
    let r = body(&mut c).and_then(|bs| {
        if c.pos != b.len() {
            Err(c.expected("end of body structure"))
        } else {
            Ok(bs)
        }
    });
    r.map_err(|PErr { kind, pos }| ParseError::new(kind, &b, pos))
}

struct BodyBuilder {
    sb: SpanBuilder,
    nodes: Vec<Node>,
    pool: Vec<Span>,
    rare: Option<Box<Rare>>,
}

impl BodyBuilder {
    #[inline(always)]
    fn span(&mut self, c: &mut Cursor<'_>) -> PResult<Span> {
        self.sb.span(c)
    }

    /// The bytes of a span made by [`span`](Self::span) while building.
    fn text<'b>(&'b self, c: &'b Cursor<'_>, s: Span) -> &'b [u8] {
        if s.start == u32::MAX {
            &[]
        } else if s.start & EXTRA != 0 {
            let a = (s.start & !EXTRA) as usize;
            &self.sb.extra[a..a + s.len as usize]
        } else {
            let a = self.sb.base + s.start as usize;
            &c.buf[a..a + s.len as usize]
        }
    }

    fn rare(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Default::default)
    }

    fn body(&mut self, c: &mut Cursor<'_>) -> PResult<()> {
        c.open()?;
        c.sp();
        if c.peek() == Some(b'(') {
            self.multipart(c)?;
        } else {
            self.single(c)?;
        }
        c.close()
    }

    fn multipart(&mut self, c: &mut Cursor<'_>) -> PResult<()> {
        let i = self.nodes.len();
        self.nodes.push(Node::EMPTY);
        self.nodes[i].flags = MULTI;
        let mut count = 0;
        while c.peek() == Some(b'(') {
            if count >= 10_000 {
                return Err(c.err(ParseErrorKind::TooManyItems));
            }
            self.body(c)?;
            count += 1;
            c.sp();
        }
        self.nodes[i].s[SUBTYPE] = self.span(c)?;
        c.sp();
        if more(c) {
            self.nodes[i].params = self.params(c)?;
            c.sp();
            if more(c) {
                self.disposition(c, i)?;
                c.sp();
                if more(c) {
                    self.nodes[i].language = self.language(c)?;
                    c.sp();
                    if more(c) {
                        self.nodes[i].s[LOCATION] = self.span(c)?;
                        self.extensions(c, i)?;
                    }
                }
            }
        }
        self.nodes[i].end = self.nodes.len() as u32;
        Ok(())
    }

    fn single(&mut self, c: &mut Cursor<'_>) -> PResult<()> {
        let i = self.nodes.len();
        self.nodes.push(Node::EMPTY);
        // Fields are written into the table in place (see `addresses`).
        self.nodes[i].s[MEDIA_TYPE] = self.span(c)?;
        c.sp();
        self.nodes[i].s[SUBTYPE] = self.span(c)?;
        c.sp();
        self.nodes[i].params = self.params(c)?;
        c.sp();
        self.nodes[i].s[ID] = self.span(c)?;
        c.sp();
        self.nodes[i].s[DESCRIPTION] = self.span(c)?;
        c.sp();
        self.nodes[i].s[ENCODING] = self.span(c)?;
        c.sp();
        self.nodes[i].size = c.number64()?;
        let media_type = self.text(c, self.nodes[i].s[MEDIA_TYPE]);
        let subtype = self.text(c, self.nodes[i].s[SUBTYPE]);
        let is_text = media_type.eq_ignore_ascii_case(b"TEXT");
        let is_msg = media_type.eq_ignore_ascii_case(b"MESSAGE")
            && (subtype.eq_ignore_ascii_case(b"RFC822") || subtype.eq_ignore_ascii_case(b"GLOBAL"));
        c.sp();
        if is_msg && c.peek() == Some(b'(') {
            let env = envelope(c)?;
            c.sp();
            self.body(c)?;
            c.sp();
            self.nodes[i].lines = c.number64()?;
            self.nodes[i].flags |= HAS_LINES;
            let r = self.rare();
            let m = r.msgs.len() as u32;
            r.msgs.push(*env);
            self.nodes[i].msg = m;
        } else if is_text {
            // Lenient: some servers omit the line count.
            if c.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.nodes[i].lines = c.number64()?;
                self.nodes[i].flags |= HAS_LINES;
            }
        }
        c.sp();
        if more(c) {
            self.nodes[i].s[MD5] = self.span(c)?;
            c.sp();
            if more(c) {
                self.disposition(c, i)?;
                c.sp();
                if more(c) {
                    self.nodes[i].language = self.language(c)?;
                    c.sp();
                    if more(c) {
                        self.nodes[i].s[LOCATION] = self.span(c)?;
                        self.extensions(c, i)?;
                    }
                }
            }
        }
        self.nodes[i].end = self.nodes.len() as u32;
        Ok(())
    }

    /// `body-fld-param = "(" string SP string *(SP string SP string) ")" / nil`
    fn params(&mut self, c: &mut Cursor<'_>) -> PResult<Range> {
        let start = self.pool.len() as u32;
        if c.eat_keyword(b"NIL") {
            return Ok(Range { start, end: start });
        }
        c.open()?;
        let mut count = 0;
        loop {
            c.sp();
            if c.peek() == Some(b')') {
                break;
            }
            if count >= c.max_list_items() {
                return Err(c.err(ParseErrorKind::TooManyItems));
            }
            let k = self.span(c)?;
            c.sp();
            let v = self.span(c)?;
            self.pool.push(k);
            self.pool.push(v);
            count += 1;
        }
        c.close()?;
        Ok(Range {
            start,
            end: self.pool.len() as u32,
        })
    }

    fn disposition(&mut self, c: &mut Cursor<'_>, i: usize) -> PResult<()> {
        if c.eat_keyword(b"NIL") {
            return Ok(());
        }
        self.nodes[i].flags |= HAS_DISP;
        // Lenient: a bare string instead of a list (seen from some Exchange versions).
        if c.peek() == Some(b'"') {
            self.nodes[i].s[DISP_KIND] = self.span(c)?;
            return Ok(());
        }
        c.open()?;
        c.sp();
        self.nodes[i].s[DISP_KIND] = self.span(c)?;
        c.sp();
        if c.peek() != Some(b')') {
            self.nodes[i].disp_params = self.params(c)?;
        }
        c.close()
    }

    fn language(&mut self, c: &mut Cursor<'_>) -> PResult<Range> {
        let start = self.pool.len() as u32;
        if c.peek() == Some(b'(') {
            c.open()?;
            let mut count = 0;
            loop {
                c.sp();
                if c.peek() == Some(b')') {
                    break;
                }
                if count >= c.max_list_items() {
                    return Err(c.err(ParseErrorKind::TooManyItems));
                }
                let s = self.span(c)?;
                self.pool.push(s);
                count += 1;
            }
            c.close()?;
        } else {
            let s = self.span(c)?;
            if s != Span::NIL {
                self.pool.push(s);
            }
        }
        Ok(Range {
            start,
            end: self.pool.len() as u32,
        })
    }

    fn extensions(&mut self, c: &mut Cursor<'_>, i: usize) -> PResult<()> {
        let v = extensions(c)?;
        if !v.is_empty() {
            let r = self.rare();
            let e = r.exts.len() as u32;
            r.exts.push(v);
            self.nodes[i].ext = e;
        }
        Ok(())
    }
}

fn more(c: &Cursor<'_>) -> bool {
    !matches!(c.peek(), Some(b')') | None)
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
