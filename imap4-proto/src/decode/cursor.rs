//! Grammar primitives shared by all response parsers (RFC 3501 9, RFC 9051 9).

use bytes::Bytes;

use super::{Limits, ParseErrorKind};

/// A parse failure inside a response: kept small (what, where) so that results move
/// cheaply; turned into a [`ParseError`](super::ParseError) with an excerpt at the top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PErr {
    pub(crate) kind: ParseErrorKind,
    pub(crate) pos: usize,
}

/// Result of parsing a piece of a response.
pub(crate) type PResult<T> = Result<T, PErr>;

/// A string value that may have been streamed instead of buffered.
pub(crate) enum StrData {
    Nil,
    Bytes(Bytes),
    Streamed(u64),
}

// Characters allowed in an atom (RFC 3501 ATOM-CHAR): any CHAR except atom-specials
// `(` `)` `{` SP CTL `%` `*` `"` `\` `]`. 8-bit bytes are accepted leniently.
const fn atom_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0x21;
    while i < 256 {
        t[i] = !matches!(
            i as u8,
            b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']' | 0x7f
        );
        i += 1;
    }
    t
}
static ATOM: [bool; 256] = atom_table();

/// Finds the first `"`, `\\` or LF: sixteen bytes at a time (SWAR, two words combined
/// without a branch, so a string shorter than 16 bytes leaves the loop the same way every
/// time) for the short strings that dominate envelopes and body structures, memchr's
/// vector search for long ones.
#[inline]
fn find_quote_end(s: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    #[inline(always)]
    fn has(x: u64, b: u8) -> u64 {
        let y = x ^ (LO * u64::from(b));
        y.wrapping_sub(LO) & !y & HI
    }
    #[inline(always)]
    fn mask(s: &[u8], i: usize) -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[i..i + 8]);
        let x = u64::from_le_bytes(w);
        has(x, b'"') | has(x, b'\\') | has(x, b'\n')
    }
    let mut i = 0;
    while i + 16 <= s.len() && i < 64 {
        // Bytes after a match may be flagged falsely (borrows); the lowest flag is exact.
        let m = u128::from(mask(s, i)) | (u128::from(mask(s, i + 8)) << 64);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 16;
    }
    if i < 64 {
        return s[i..]
            .iter()
            .position(|&c| matches!(c, b'"' | b'\\' | b'\n'))
            .map(|p| p + i);
    }
    memchr::memchr3(b'"', b'\\', b'\n', &s[i..]).map(|p| p + i)
}

/// Cursor over one framed response (its line(s) and literals).
pub(crate) struct Cursor<'a> {
    pub(crate) buf: &'a Bytes,
    /// `buf` as a slice (saves a load through the `Bytes` on every peek).
    data: &'a [u8],
    pub(crate) pos: usize,
    /// Offsets (into `buf`) of the `{` of literals whose data was streamed out.
    streamed: &'a [usize],
    limits: &'a Limits,
    depth: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(buf: &'a Bytes, streamed: &'a [usize], limits: &'a Limits) -> Self {
        Cursor {
            buf,
            data: &buf[..],
            pos: 0,
            streamed,
            limits,
            depth: 0,
        }
    }

    #[inline]
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }

    #[inline]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    #[cold]
    pub(crate) fn err(&self, kind: ParseErrorKind) -> PErr {
        PErr {
            kind,
            pos: self.pos,
        }
    }

    #[cold]
    pub(crate) fn expected(&self, what: &'static str) -> PErr {
        self.err(ParseErrorKind::Expected(what))
    }

    /// At the end of the response: only spaces (lenient: trailing spaces) and CRLF remain.
    pub(crate) fn at_end(&self) -> bool {
        self.rest()
            .iter()
            .all(|&b| b == b' ' || b == b'\r' || b == b'\n')
    }

    pub(crate) fn expect_end(&mut self) -> PResult<()> {
        if self.at_end() {
            self.pos = self.buf.len();
            Ok(())
        } else {
            Err(self.expected("end of response"))
        }
    }

    /// Skips spaces. Lenient: zero, one or many (servers double or drop them); the token
    /// parsers check their own boundaries so nothing is misread.
    #[inline]
    pub(crate) fn sp(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    /// Requires at least one space (used where a missing one would change the meaning).
    pub(crate) fn sp1(&mut self) -> PResult<()> {
        if self.peek() != Some(b' ') {
            return Err(self.expected("space"));
        }
        self.sp();
        Ok(())
    }

    #[inline]
    pub(crate) fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn expect(&mut self, b: u8, what: &'static str) -> PResult<()> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    /// Case-insensitive keyword, which must end at a token boundary.
    pub(crate) fn eat_keyword(&mut self, kw: &[u8]) -> bool {
        let rest = self.rest();
        if rest.len() >= kw.len()
            && rest[..kw.len()].eq_ignore_ascii_case(kw)
            && rest.get(kw.len()).is_none_or(|&c| !ATOM[c as usize])
        {
            self.pos += kw.len();
            true
        } else {
            false
        }
    }

    /// An atom (RFC 3501 `atom`), as a range into the buffer.
    #[inline]
    pub(crate) fn atom_range(&mut self) -> PResult<(usize, usize)> {
        let start = self.pos;
        let rest = self.rest();
        let n = rest
            .iter()
            .position(|&c| !ATOM[c as usize])
            .unwrap_or(rest.len());
        if n == 0 {
            return Err(self.expected("atom"));
        }
        self.pos += n;
        Ok((start, start + n))
    }

    pub(crate) fn atom_bytes(&mut self) -> PResult<Bytes> {
        let (a, b) = self.atom_range()?;
        Ok(self.buf.slice(a..b))
    }

    /// A token up to the next SP, `(`, `)`, CR or LF: flags, keywords and lenient names.
    pub(crate) fn token_range(&mut self, allow_bracket: bool) -> PResult<(usize, usize)> {
        let start = self.pos;
        let rest = self.rest();
        let n = rest
            .iter()
            .position(|&c| {
                matches!(c, b' ' | b'(' | b')' | b'\r' | b'\n' | b'"' | b'{')
                    || c < 0x20
                    || (!allow_bracket && c == b']')
            })
            .unwrap_or(rest.len());
        if n == 0 {
            return Err(self.expected("token"));
        }
        self.pos += n;
        Ok((start, start + n))
    }

    /// A number (RFC 3501 `number`, 32 bit) that must end at a token boundary.
    #[inline]
    pub(crate) fn number(&mut self) -> PResult<u32> {
        let n = self.number64()?;
        u32::try_from(n).map_err(|_| self.err(ParseErrorKind::NumberOverflow))
    }

    /// A 63/64-bit number (`number64`, mod-sequences, sizes).
    pub(crate) fn number64(&mut self) -> PResult<u64> {
        let n = self.digits()?;
        if self
            .peek()
            .is_some_and(|c| ATOM[c as usize] && !matches!(c, b'[' | b'<' | b'>' | b'.'))
        {
            return Err(self.expected("number"));
        }
        Ok(n)
    }

    /// Decimal digits, without a boundary check.
    fn digits(&mut self) -> PResult<u64> {
        let rest = self.rest();
        let mut n: u64 = 0;
        let mut i = 0;
        while let Some(&c) = rest.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(c - b'0')))
                .ok_or_else(|| self.err(ParseErrorKind::NumberOverflow))?;
            i += 1;
        }
        if i == 0 {
            return Err(self.expected("number"));
        }
        self.pos += i;
        Ok(n)
    }

    /// A non-zero number (`nz-number`).
    pub(crate) fn nz_number(&mut self) -> PResult<u32> {
        let n = self.number()?;
        if n == 0 {
            return Err(self.expected("non-zero number"));
        }
        Ok(n)
    }

    /// A quoted string, unescaped. 8-bit bytes are kept (servers send raw UTF-8 and Latin-1).
    #[inline]
    pub(crate) fn quoted(&mut self) -> PResult<Bytes> {
        if self.peek() != Some(b'"') {
            return Err(self.expected("quoted string"));
        }
        let start = self.pos + 1;
        let rest = self.data.get(start..).unwrap_or(&[]);
        match find_quote_end(rest) {
            Some(i) if rest[i] == b'"' => {
                self.pos = start + i + 1;
                Ok(self.buf.slice(start..start + i))
            }
            _ => self.quoted_slow(),
        }
    }

    /// A quoted string without escapes, as a borrowed slice (no `Bytes` made); `None` when
    /// the next token is something else (literal, escapes), which the caller then reads
    /// the general way.
    #[inline]
    pub(crate) fn quoted_plain(&mut self) -> Option<&'a [u8]> {
        if self.peek() != Some(b'"') {
            return None;
        }
        let start = self.pos + 1;
        let data = self.data;
        let rest = data.get(start..).unwrap_or(&[]);
        match find_quote_end(rest) {
            Some(i) if rest[i] == b'"' => {
                self.pos = start + i + 1;
                Some(&rest[..i])
            }
            _ => None,
        }
    }

    /// A quoted string with escapes, or an unterminated one.
    #[cold]
    fn quoted_slow(&mut self) -> PResult<Bytes> {
        self.pos += 1;
        let rest = self.rest();
        let mut out = Vec::with_capacity(rest.len().min(256));
        let mut j = 0;
        loop {
            match rest.get(j) {
                Some(b'"') => {
                    self.pos += j + 1;
                    return Ok(Bytes::from(out));
                }
                Some(b'\\') => {
                    // RFC: only \" and \\ are escapes. Lenient: `\x` keeps both bytes.
                    match rest.get(j + 1) {
                        Some(&c @ (b'"' | b'\\')) => {
                            out.push(c);
                            j += 2;
                        }
                        Some(b'\r' | b'\n') | None => break,
                        Some(&c) => {
                            out.push(b'\\');
                            out.push(c);
                            j += 2;
                        }
                    }
                }
                Some(b'\r' | b'\n') | None => break,
                Some(&c) => {
                    out.push(c);
                    j += 1;
                }
            }
        }
        self.pos += j;
        Err(self.err(ParseErrorKind::UnterminatedQuoted))
    }

    /// A literal `{n}\r\n` + n bytes (also `{n+}` and `~{n}` literal8).
    pub(crate) fn literal(&mut self) -> PResult<StrData> {
        let hdr = self.pos;
        self.eat(b'~');
        if !self.eat(b'{') {
            return Err(self.expected("literal"));
        }
        let open = self.pos - 1;
        let n = self.digits()?;
        self.eat(b'+');
        self.eat(b'-');
        self.expect(b'}', "'}'")?;
        self.eat(b'\r');
        self.expect(b'\n', "LF after literal header")?;
        if self.streamed.contains(&open) {
            return Ok(StrData::Streamed(n));
        }
        let start = self.pos;
        let end = usize::try_from(n)
            .ok()
            .and_then(|n| start.checked_add(n))
            .filter(|&e| e <= self.buf.len());
        match end {
            Some(end) => {
                self.pos = end;
                Ok(StrData::Bytes(self.buf.slice(start..end)))
            }
            None => {
                self.pos = hdr;
                Err(self.err(ParseErrorKind::TruncatedLiteral))
            }
        }
    }

    /// `string`: quoted or literal.
    pub(crate) fn string_data(&mut self) -> PResult<StrData> {
        match self.peek() {
            Some(b'"') => self.quoted().map(StrData::Bytes),
            Some(b'{') | Some(b'~') => self.literal(),
            _ => Err(self.expected("string")),
        }
    }

    /// `nstring`: NIL or a string.
    #[inline]
    pub(crate) fn nstring_data(&mut self) -> PResult<StrData> {
        match self.peek() {
            Some(b'"') => self.quoted().map(StrData::Bytes),
            Some(b'N' | b'n') if self.eat_keyword(b"NIL") => Ok(StrData::Nil),
            _ => self.string_data(),
        }
    }

    /// `string`, requiring the bytes to be buffered. Lenient: NIL reads as empty
    /// (servers send NIL for body type strings and such).
    pub(crate) fn string(&mut self) -> PResult<Bytes> {
        match self.nstring_data()? {
            StrData::Nil => Ok(Bytes::new()),
            StrData::Bytes(b) => Ok(b),
            StrData::Streamed(_) => Err(self.err(ParseErrorKind::UnexpectedStreamedLiteral)),
        }
    }

    /// A quoted string without escapes as a range into the buffer (the quotes excluded);
    /// `None`, with the cursor unmoved, for anything else. Small enough to inline where
    /// strings are read in bulk (envelopes, body structures).
    #[inline(always)]
    pub(crate) fn quoted_range(&mut self) -> Option<(usize, usize)> {
        if self.peek() != Some(b'"') {
            return None;
        }
        let start = self.pos + 1;
        let rest = self.data.get(start..).unwrap_or(&[]);
        match find_quote_end(rest) {
            Some(i) if rest[i] == b'"' => {
                self.pos = start + i + 1;
                Some((start, start + i))
            }
            _ => None,
        }
    }

    /// `NIL` in capitals followed by a token boundary (how servers send it), consumed;
    /// other spellings are left to [`eat_keyword`](Self::eat_keyword).
    #[inline(always)]
    pub(crate) fn eat_nil_fast(&mut self) -> bool {
        let rest = self.rest();
        if rest.len() >= 4 && &rest[..3] == b"NIL" && !ATOM[rest[3] as usize] {
            self.pos += 3;
            true
        } else {
            false
        }
    }

    /// `nstring` as a position in the buffer when its bytes are there unchanged (quoted
    /// without escapes, or a literal), or as unescaped bytes otherwise. `Ok(None)` is NIL.
    #[inline]
    pub(crate) fn nstring_range(&mut self) -> PResult<Option<Result<(usize, usize), Bytes>>> {
        match self.peek() {
            Some(b'"') => {
                let start = self.pos + 1;
                let rest = self.data.get(start..).unwrap_or(&[]);
                match find_quote_end(rest) {
                    Some(i) if rest[i] == b'"' => {
                        self.pos = start + i + 1;
                        Ok(Some(Ok((start, start + i))))
                    }
                    _ => self.quoted_slow().map(|b| Some(Err(b))),
                }
            }
            Some(b'N' | b'n') if self.eat_keyword(b"NIL") => Ok(None),
            _ => match self.string_data()? {
                StrData::Bytes(b) => {
                    // A literal: its data is the last `b.len()` bytes before the cursor.
                    Ok(Some(Ok((self.pos - b.len(), self.pos))))
                }
                StrData::Nil => Ok(None),
                StrData::Streamed(_) => Err(self.err(ParseErrorKind::UnexpectedStreamedLiteral)),
            },
        }
    }

    /// `nstring` as an option.
    #[inline]
    pub(crate) fn nstring(&mut self) -> PResult<Option<Bytes>> {
        if self.peek() == Some(b'"') {
            return self.quoted().map(Some);
        }
        match self.nstring_data()? {
            StrData::Nil => Ok(None),
            StrData::Bytes(b) => Ok(Some(b)),
            StrData::Streamed(_) => Err(self.err(ParseErrorKind::UnexpectedStreamedLiteral)),
        }
    }

    /// `astring`: atom (with `]` allowed, ASTRING-CHAR) or string.
    pub(crate) fn astring(&mut self) -> PResult<Bytes> {
        match self.peek() {
            Some(b'"') | Some(b'{') => self.string(),
            Some(b'~') if self.rest().get(1) == Some(&b'{') => self.string(),
            _ => {
                let (a, b) = self.token_range(true)?;
                Ok(self.buf.slice(a..b))
            }
        }
    }

    /// The per-list item limit.
    pub(crate) fn max_list_items(&self) -> usize {
        self.limits.max_list_items
    }

    /// Opens a parenthesised list, tracking nesting depth against the limit.
    pub(crate) fn open(&mut self) -> PResult<()> {
        self.expect(b'(', "'('")?;
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(self.err(ParseErrorKind::TooDeep));
        }
        Ok(())
    }

    /// Closes a list opened with [`open`](Self::open). Lenient: spaces before `)`.
    pub(crate) fn close(&mut self) -> PResult<()> {
        self.sp();
        self.expect(b')', "')'")?;
        self.depth -= 1;
        Ok(())
    }

    /// Parses `( item item ... )` (or NIL → empty when `nil_ok`) with a per-list item
    /// limit. `item` is called with the cursor at the start of each item.
    pub(crate) fn list<T>(
        &mut self,
        nil_ok: bool,
        item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        self.list_with_capacity(nil_ok, 0, item)
    }

    /// [`list`](Self::list) with a first allocation of `cap` items (lists that usually hold
    /// one large item, like address lists, should not start at four).
    pub(crate) fn list_with_capacity<T>(
        &mut self,
        nil_ok: bool,
        cap: usize,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        if nil_ok && self.eat_keyword(b"NIL") {
            return Ok(Vec::new());
        }
        self.open()?;
        let mut out = Vec::with_capacity(cap);
        loop {
            self.sp();
            if self.peek() == Some(b')') {
                break;
            }
            if out.len() >= self.limits.max_list_items {
                return Err(self.err(ParseErrorKind::TooManyItems));
            }
            out.push(item(self)?);
        }
        self.close()?;
        Ok(out)
    }

    /// Parses `( key value key value ... )` (or NIL → empty when `nil_ok`): ID parameters,
    /// body parameters, annotation and metadata values. The pair count is bounded by
    /// [`Limits::max_list_items`].
    pub(crate) fn pairs<K, V>(
        &mut self,
        nil_ok: bool,
        mut key: impl FnMut(&mut Self) -> PResult<K>,
        mut value: impl FnMut(&mut Self) -> PResult<V>,
    ) -> PResult<Vec<(K, V)>> {
        if nil_ok && self.eat_keyword(b"NIL") {
            return Ok(Vec::new());
        }
        self.open()?;
        let mut out = Vec::new();
        loop {
            self.sp();
            if self.peek() == Some(b')') {
                break;
            }
            if out.len() >= self.limits.max_list_items {
                return Err(self.err(ParseErrorKind::TooManyItems));
            }
            let k = key(self)?;
            self.sp();
            out.push((k, value(self)?));
        }
        self.close()?;
        Ok(out)
    }

    /// Skips one value of any shape (atom, number, string, literal, list, NIL, flags,
    /// bracketed names) and returns its raw bytes. Used to keep unknown data.
    pub(crate) fn skip_value(&mut self) -> PResult<Bytes> {
        let start = self.pos;
        let mut depth = 0usize;
        loop {
            match self.peek() {
                None => {
                    if depth == 0 && self.pos > start {
                        break;
                    }
                    return Err(self.expected("value"));
                }
                Some(b'(') => {
                    depth += 1;
                    if depth + self.depth > self.limits.max_depth {
                        return Err(self.err(ParseErrorKind::TooDeep));
                    }
                    self.pos += 1;
                }
                Some(b')') => {
                    if depth == 0 {
                        if self.pos == start {
                            return Err(self.expected("value"));
                        }
                        break;
                    }
                    depth -= 1;
                    self.pos += 1;
                }
                Some(b'"') => {
                    self.quoted()?;
                }
                Some(b'{') => {
                    self.literal()?;
                }
                Some(b'~') if self.rest().get(1) == Some(&b'{') => {
                    self.literal()?;
                }
                Some(b' ') if depth > 0 => self.pos += 1,
                Some(b' ' | b'\r' | b'\n') => break,
                Some(b'[') => {
                    // Bracketed part of a name such as BODY[HEADER.FIELDS (A B)].
                    let rest = self.rest();
                    match memchr::memchr(b']', rest) {
                        Some(i) if !rest[..i].contains(&b'\n') => self.pos += i + 1,
                        _ => return Err(self.expected("']'")),
                    }
                }
                Some(_) => self.pos += 1,
            }
            if depth == 0 && matches!(self.peek(), Some(b' ' | b')' | b'\r' | b'\n') | None) {
                break;
            }
        }
        Ok(self.buf.slice(start..self.pos))
    }

    /// The rest of the line, up to CRLF (text of a status response).
    pub(crate) fn text_to_eol(&mut self) -> Bytes {
        let rest = self.rest();
        let mut n = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        if n > 0 && rest[n - 1] == b'\r' {
            n -= 1;
        }
        let b = self.buf.slice(self.pos..self.pos + n);
        self.pos += n;
        b
    }
}
