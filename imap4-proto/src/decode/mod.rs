//! The streaming response decoder.
//!
//! Decoding happens in two stages, so one bad response costs one response and not the
//! connection:
//!
//! 1. **Framing** ([`Decoder`]): bytes are split into complete responses — a line, plus any
//!    literals it announces (`{n}\r\n`), plus the line that continues after each literal.
//!    Framing never re-scans bytes it has already looked at, so a response that arrives one
//!    byte at a time costs linear time. Limits on line length, literal size and response
//!    size bound memory; exceeding one is a fatal [`DecodeError`].
//! 2. **Parsing** ([`parse_response`]): a complete frame becomes a typed [`Response`]. A frame
//!    that cannot be parsed is reported as [`Event::Malformed`] with its raw bytes and the
//!    stream goes on with the next response.
//!
//! Large literals (message bodies) can be streamed: with
//! [`Limits::stream_literals_from`] set, a literal of at least that size is delivered as
//! [`Event::LiteralStart`], [`Event::LiteralChunk`]s and [`Event::LiteralEnd`] instead of
//! being buffered, and the response that contains it carries
//! [`SectionData::Streamed`](crate::SectionData::Streamed) in its place.

mod body;
mod cursor;
mod data;
mod fetch;
mod response;

use std::fmt;

use bytes::{Bytes, BytesMut};

use crate::types::{Response, Tag};

pub(crate) use self::body::parse_body_structure;
pub(crate) use self::cursor::Cursor;
pub use self::fetch::parse_section_spec;

/// Resource limits for decoding. A hostile server cannot make the decoder allocate more than
/// these, nest deeper, or return longer lists.
///
/// ```
/// use imap4_proto::{Decoder, Limits};
/// let limits = Limits { max_literal: 64 << 20, ..Limits::default() };
/// let dec = Decoder::with_limits(limits);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Longest line (between literals) in bytes. Default 1 MB (imaplib's `_MAXLINE`).
    pub max_line: usize,
    /// Largest literal that is buffered. Default 256 MiB.
    pub max_literal: u64,
    /// Largest whole response (lines plus buffered literals). Default 320 MiB.
    pub max_response: usize,
    /// Deepest nesting of parenthesised lists. Default 64.
    pub max_depth: usize,
    /// Most items in one list (flags, search results are not lists; see `max_numbers`).
    /// Default 100,000.
    pub max_list_items: usize,
    /// Literals of at least this many bytes are streamed as chunks instead of buffered
    /// (and are not subject to `max_literal`). `None` (the default) buffers all literals.
    pub stream_literals_from: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 1_000_000,
            max_literal: 256 << 20,
            max_response: 320 << 20,
            max_depth: 64,
            max_list_items: 100_000,
            stream_literals_from: None,
        }
    }
}

/// What went wrong while parsing one response.
///
/// ```
/// use imap4_proto::decode::{parse_response, ParseErrorKind};
/// let e = parse_response(b"* 1 FETCH (UID 99999999999)\r\n").unwrap_err();
/// assert_eq!(e.kind, ParseErrorKind::NumberOverflow);
/// let e = parse_response(b"* 1 FETCH UID 4\r\n").unwrap_err();
/// assert!(matches!(e.kind, ParseErrorKind::Expected(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// Something else was expected at the offset.
    Expected(&'static str),
    /// A number does not fit its type.
    NumberOverflow,
    /// A quoted string has no closing quote on its line.
    UnterminatedQuoted,
    /// A literal is shorter than announced (only in hand-built input).
    TruncatedLiteral,
    /// Lists nest deeper than [`Limits::max_depth`].
    TooDeep,
    /// A list holds more than [`Limits::max_list_items`].
    TooManyItems,
    /// A date-time could not be read.
    InvalidDate,
    /// A sequence set could not be read.
    InvalidSequenceSet,
    /// A streamed literal where the data is needed to parse the response (not a body).
    UnexpectedStreamedLiteral,
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseErrorKind::Expected(w) => write!(f, "expected {w}"),
            ParseErrorKind::NumberOverflow => f.write_str("number too large"),
            ParseErrorKind::UnterminatedQuoted => f.write_str("unterminated quoted string"),
            ParseErrorKind::TruncatedLiteral => f.write_str("literal shorter than announced"),
            ParseErrorKind::TooDeep => f.write_str("lists nested too deeply"),
            ParseErrorKind::TooManyItems => f.write_str("too many list items"),
            ParseErrorKind::InvalidDate => f.write_str("invalid date-time"),
            ParseErrorKind::InvalidSequenceSet => f.write_str("invalid sequence set"),
            ParseErrorKind::UnexpectedStreamedLiteral => {
                f.write_str("streamed literal where data was needed")
            }
        }
    }
}

/// A response could not be parsed. Carries the offset within the response and an excerpt
/// of the bytes around it, so the server's exact reply can be reported.
///
/// ```
/// use imap4_proto::decode::{parse_response, ParseErrorKind};
/// let e = parse_response(b"* 3 FETCH (UID x)\r\n").unwrap_err();
/// assert!(matches!(e.kind, ParseErrorKind::Expected(_)));
/// assert_eq!(e.offset, 15); // at the `x`
/// assert_eq!(e.excerpt[e.excerpt_offset], b'x');
/// assert!(e.to_string().contains("at byte 15"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What went wrong.
    pub kind: ParseErrorKind,
    /// Byte offset of the problem within the response.
    pub offset: usize,
    /// Byte offset of the response's first byte in the whole stream (set by [`Decoder`]).
    pub stream_offset: u64,
    /// Up to 64 bytes before and after the offset.
    pub excerpt: Bytes,
    /// Where `offset` falls within `excerpt`.
    pub excerpt_offset: usize,
}

const EXCERPT: usize = 64;

impl ParseError {
    pub(crate) fn new(kind: ParseErrorKind, buf: &Bytes, pos: usize) -> ParseError {
        let pos = pos.min(buf.len());
        let a = pos.saturating_sub(EXCERPT);
        let b = (pos + EXCERPT).min(buf.len());
        ParseError {
            kind,
            offset: pos,
            stream_offset: 0,
            excerpt: buf.slice(a..b),
            excerpt_offset: pos - a,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = self
            .excerpt
            .split_at(self.excerpt_offset.min(self.excerpt.len()));
        write!(
            f,
            "{} at byte {} of the response (stream offset {}): {:?} <here> {:?}",
            self.kind,
            self.offset,
            self.stream_offset + self.offset as u64,
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b)
        )
    }
}

impl std::error::Error for ParseError {}

/// A fatal framing error: the byte stream can no longer be split into responses (or doing
/// so would exceed a limit), so the connection must be dropped.
///
/// ```
/// use imap4_proto::{DecodeError, Decoder, Limits};
/// let mut dec = Decoder::with_limits(Limits { max_literal: 1024, ..Limits::default() });
/// dec.feed(b"* 1 FETCH (BODY[] {4096}\r\n");
/// let err = dec.next_event().unwrap_err();
/// assert!(matches!(err, DecodeError::LiteralTooLarge { len: 4096, limit: 1024, .. }));
/// assert_eq!(dec.next_event(), Err(err)); // the decoder stays failed
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// A line exceeded [`Limits::max_line`].
    #[error("server line longer than {limit} bytes (stream offset {offset})")]
    LineTooLong {
        /// The limit.
        limit: usize,
        /// Stream offset of the response.
        offset: u64,
    },
    /// A literal larger than [`Limits::max_literal`] was announced.
    #[error(
        "server announced a {len}-byte literal; the limit is {limit} (stream offset {offset})"
    )]
    LiteralTooLarge {
        /// The announced size.
        len: u64,
        /// The limit.
        limit: u64,
        /// Stream offset of the response.
        offset: u64,
    },
    /// A response exceeded [`Limits::max_response`].
    #[error("server response larger than {limit} bytes (stream offset {offset})")]
    ResponseTooLarge {
        /// The limit.
        limit: usize,
        /// Stream offset of the response.
        offset: u64,
    },
}

/// A response that could not be parsed; the stream continues after it.
///
/// ```
/// use imap4_proto::{Decoder, Event};
/// let mut dec = Decoder::new();
/// dec.feed(b"* 3 FETCH (UID x FLAGS (\\Seen))\r\n* 4 EXISTS\r\n");
/// let Some(Event::Malformed(m)) = dec.next_event()? else { panic!() };
/// assert_eq!((m.tag, m.fetch_seq), (None, Some(3)));
/// assert_eq!(m.raw, "* 3 FETCH (UID x FLAGS (\\Seen))\r\n");
/// // The stream goes on with the next response.
/// assert!(matches!(dec.next_event()?, Some(Event::Response(_))));
/// # Ok::<(), imap4_proto::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Malformed {
    /// The tag, if the response began with one (a tagged completion still completes its
    /// command even when the rest of it is unreadable).
    pub tag: Option<Tag>,
    /// The message sequence number, when it was a `* n FETCH` response.
    pub fetch_seq: Option<u32>,
    /// The raw bytes of the whole response.
    pub raw: Bytes,
    /// What was wrong.
    pub error: ParseError,
}

/// Information about a literal that is about to be streamed.
///
/// Only the first line of the response and the line that announces the literal are kept
/// (each copied once, bounded by [`Limits::max_line`]), so a response with many streamed
/// literals costs linear time.
///
/// ```
/// use imap4_proto::{Decoder, Event, Limits};
/// let limits = Limits { stream_literals_from: Some(4), ..Limits::default() };
/// let mut dec = Decoder::with_limits(limits);
/// dec.feed(b"* 3 FETCH (UID 9 BODY[] {5}\r\nHello)\r\n");
/// let Some(Event::LiteralStart(start)) = dec.next_event()? else { panic!() };
/// assert_eq!(start.len, 5);
/// assert_eq!(start.first_line, "* 3 FETCH (UID 9 BODY[] {5}");
/// # Ok::<(), imap4_proto::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LiteralStart {
    /// The response's first line up to its first literal header, without CRLF
    /// (`* 3 FETCH (UID 9 BODY[] {500}`).
    pub first_line: Bytes,
    /// The line that ends with this literal's header, without CRLF (the same as
    /// `first_line` for the response's first literal).
    pub line: Bytes,
    /// The literal's size in bytes.
    pub len: u64,
}

impl LiteralStart {
    /// For a literal inside a FETCH response: the sequence number, the UID if it came before
    /// the literal (on its line or the first line), and the item name (`BODY[1.2]`,
    /// `BINARY[]`, `RFC822`).
    ///
    /// ```
    /// use imap4_proto::decode::LiteralStart;
    /// let l = "* 3 FETCH (UID 9 BODY[1] {500}";
    /// let s = LiteralStart { first_line: l.into(), line: l.into(), len: 500 };
    /// let (seq, uid, item) = s.fetch_context().unwrap();
    /// assert_eq!((seq, uid, &item[..]), (3, Some(9), &b"BODY[1]"[..]));
    /// ```
    pub fn fetch_context(&self) -> Option<(u32, Option<u32>, Bytes)> {
        fetch::literal_context(&self.first_line, &self.line)
    }
}

/// What the decoder produces.
///
/// ```
/// use imap4_proto::{Data, Decoder, Event, FetchItem, Limits, Response, SectionData};
/// let limits = Limits { stream_literals_from: Some(4), ..Limits::default() };
/// let mut dec = Decoder::with_limits(limits);
/// dec.feed(b"* 3 FETCH (BODY[] {5}\r\nHello)\r\n");
/// let mut events = Vec::new();
/// while let Some(ev) = dec.next_event()? {
///     events.push(ev);
/// }
/// assert!(matches!(events[0], Event::LiteralStart(_)));
/// assert_eq!(events[1], Event::LiteralChunk("Hello".into()));
/// assert_eq!(events[2], Event::LiteralEnd);
/// let Event::Response(Response::Data(Data::Fetch(f))) = &events[3] else { panic!() };
/// assert!(matches!(&f.items[0], FetchItem::BodySection { data: SectionData::Streamed(5), .. }));
/// # Ok::<(), imap4_proto::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A complete, parsed response.
    Response(Response),
    /// A complete response that could not be parsed.
    Malformed(Malformed),
    /// A large literal starts; its bytes follow as [`Event::LiteralChunk`]s.
    LiteralStart(LiteralStart),
    /// A piece of the streamed literal.
    LiteralChunk(Bytes),
    /// The streamed literal is complete; the rest of its response follows (and is then
    /// reported as a [`Event::Response`] holding `SectionData::Streamed`).
    LiteralEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Scanning for the end of a line.
    Line,
    /// Inside a buffered literal: this many bytes still to come.
    Literal(u64),
    /// Inside a streamed literal: this many bytes still to hand out.
    Streaming(u64),
    /// A streamed literal just finished: report LiteralEnd.
    StreamEnd,
}

/// The streaming response decoder: feed bytes, take [`Event`]s.
///
/// ```
/// use imap4_proto::{Decoder, Event, Response};
/// let mut dec = Decoder::new();
/// dec.feed(b"* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n* 1 FETCH (BODY[] {5}\r\nhel");
/// assert!(matches!(dec.next_event(), Ok(Some(Event::Response(Response::Status(_))))));
/// assert_eq!(dec.next_event(), Ok(None)); // waiting for the rest of the literal
/// assert_eq!(dec.needed(), Some(2));
/// dec.feed(b"lo)\r\n");
/// assert!(matches!(dec.next_event(), Ok(Some(Event::Response(_)))));
/// ```
#[derive(Debug)]
pub struct Decoder {
    buf: BytesMut,
    /// The part of a response that precedes a streamed literal (moved out of `buf`).
    head: BytesMut,
    /// Offsets (within the frame) of the `{` of each streamed literal.
    streamed: Vec<usize>,
    /// How far into `buf` the current frame has been scanned.
    scan: usize,
    /// Where the current line starts in `buf`.
    line_start: usize,
    state: State,
    limits: Limits,
    /// Stream offset of `buf[0]`.
    consumed: u64,
    /// Stream offset of the current response's first byte.
    frame_start: u64,
    /// Set after a fatal error: nothing more is decoded.
    failed: Option<DecodeError>,
    /// First line of the current response, once a literal of it was streamed.
    first_line: Option<Bytes>,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// A decoder with default [`Limits`].
    ///
    /// ```
    /// use imap4_proto::{Decoder, Limits};
    /// let dec = Decoder::new();
    /// assert_eq!(dec.limits(), &Limits::default());
    /// assert!(dec.is_idle());
    /// ```
    pub fn new() -> Self {
        Self::with_limits(Limits::default())
    }

    /// A decoder with the given limits.
    ///
    /// ```
    /// use imap4_proto::{Decoder, Limits};
    /// let mut dec = Decoder::with_limits(Limits { max_line: 16, ..Limits::default() });
    /// dec.feed(b"* OK this greeting line is far too long\r\n");
    /// assert!(dec.next_event().is_err());
    /// ```
    pub fn with_limits(limits: Limits) -> Self {
        Decoder {
            buf: BytesMut::with_capacity(16 * 1024),
            head: BytesMut::new(),
            streamed: Vec::new(),
            scan: 0,
            line_start: 0,
            state: State::Line,
            limits,
            consumed: 0,
            frame_start: 0,
            failed: None,
            first_line: None,
        }
    }

    /// The limits in force.
    ///
    /// ```
    /// use imap4_proto::{Decoder, Limits};
    /// let dec = Decoder::with_limits(Limits { max_depth: 8, ..Limits::default() });
    /// assert_eq!(dec.limits().max_depth, 8);
    /// ```
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Changes the limits (e.g. to switch literal streaming on for one command).
    ///
    /// ```
    /// use imap4_proto::{Decoder, Event};
    /// let mut dec = Decoder::new();
    /// // Stream message bodies of 1 KiB or more instead of buffering them.
    /// let mut limits = dec.limits().clone();
    /// limits.stream_literals_from = Some(1024);
    /// dec.set_limits(limits);
    /// dec.feed(b"* 1 FETCH (BODY[] {2048}\r\n");
    /// assert!(matches!(dec.next_event()?, Some(Event::LiteralStart(s)) if s.len == 2048));
    /// # Ok::<(), imap4_proto::DecodeError>(())
    /// ```
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Appends received bytes.
    ///
    /// ```
    /// use imap4_proto::{Data, Decoder, Event, Response};
    /// let mut dec = Decoder::new();
    /// dec.feed(b"* 18 EXI");
    /// assert_eq!(dec.next_event()?, None); // not a whole line yet
    /// dec.feed(b"STS\r\n");
    /// assert_eq!(dec.next_event()?, Some(Event::Response(Response::Data(Data::Exists(18)))));
    /// # Ok::<(), imap4_proto::DecodeError>(())
    /// ```
    pub fn feed(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// The internal buffer, to read into directly (append to it, e.g. with
    /// `BytesMut::reserve` and `read_buf`).
    ///
    /// ```
    /// use imap4_proto::{Data, Decoder, Event, Response};
    /// let mut dec = Decoder::new();
    /// // E.g. `socket.read_buf(dec.buffer_mut())`; here the bytes are appended by hand.
    /// dec.buffer_mut().extend_from_slice(b"* 2 RECENT\r\n");
    /// assert_eq!(dec.next_event()?, Some(Event::Response(Response::Data(Data::Recent(2)))));
    /// # Ok::<(), imap4_proto::DecodeError>(())
    /// ```
    pub fn buffer_mut(&mut self) -> &mut BytesMut {
        &mut self.buf
    }

    /// Bytes received but not yet returned as events.
    ///
    /// ```
    /// use imap4_proto::Decoder;
    /// let mut dec = Decoder::new();
    /// dec.feed(b"* 1 EXISTS\r\n* 2 EXI");
    /// assert_eq!(dec.buffered(), 19);
    /// dec.next_event()?;
    /// assert_eq!(dec.buffered(), 7);
    /// # Ok::<(), imap4_proto::DecodeError>(())
    /// ```
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Takes every byte that has not been consumed yet, resetting the decoder to the start
    /// of a response. Used after STARTTLS (the bytes must be discarded) and when COMPRESS
    /// starts (the bytes are compressed data).
    ///
    /// ```
    /// use imap4_proto::Decoder;
    /// let mut dec = Decoder::new();
    /// dec.feed(b"a1 OK Begin TLS negotiation now\r\n* OK injected\r\n");
    /// dec.next_event()?; // the tagged OK to STARTTLS
    /// // Whatever followed arrived before the TLS handshake: drop it.
    /// assert_eq!(&dec.take_buffered()[..], b"* OK injected\r\n");
    /// assert!(dec.is_idle());
    /// # Ok::<(), imap4_proto::DecodeError>(())
    /// ```
    pub fn take_buffered(&mut self) -> BytesMut {
        self.head.clear();
        self.streamed.clear();
        self.first_line = None;
        self.scan = 0;
        self.line_start = 0;
        self.state = State::Line;
        let out = self.buf.split();
        self.consumed += out.len() as u64;
        self.frame_start = self.consumed;
        out
    }

    /// How many more bytes are known to be needed: the rest of a pending literal.
    /// `None` when waiting for the end of a line (unknown length).
    ///
    /// ```
    /// use imap4_proto::Decoder;
    /// let mut dec = Decoder::new();
    /// dec.feed(b"* 1 FETCH (BODY[] {100}\r\n0123456789");
    /// assert_eq!(dec.next_event()?, None);
    /// assert_eq!(dec.needed(), Some(90)); // the rest of the literal
    /// dec.feed(&[b'x'; 90]);
    /// assert_eq!(dec.next_event()?, None);
    /// assert_eq!(dec.needed(), None); // now waiting for the end of the line
    /// # Ok::<(), imap4_proto::DecodeError>(())
    /// ```
    pub fn needed(&self) -> Option<u64> {
        match self.state {
            State::Literal(n) => Some(n.saturating_sub((self.buf.len() - self.scan) as u64)),
            State::Streaming(n) => Some(n),
            _ => None,
        }
    }

    /// Whether the decoder sits between responses with nothing buffered.
    ///
    /// ```
    /// use imap4_proto::Decoder;
    /// let mut dec = Decoder::new();
    /// dec.feed(b"* 1 EXISTS\r\n");
    /// assert!(!dec.is_idle());
    /// dec.next_event()?;
    /// assert!(dec.is_idle());
    /// # Ok::<(), imap4_proto::DecodeError>(())
    /// ```
    pub fn is_idle(&self) -> bool {
        self.buf.is_empty() && self.head.is_empty() && self.state == State::Line
    }

    /// Returns the next event, `Ok(None)` when more bytes are needed, or a fatal error.
    ///
    /// ```
    /// use imap4_proto::{Data, Decoder, Event, Response};
    /// let mut dec = Decoder::new();
    /// dec.feed(b"* 3 EXISTS\r\n* 1 RECENT\r\n");
    /// let mut data = Vec::new();
    /// while let Some(Event::Response(Response::Data(d))) = dec.next_event()? {
    ///     data.push(d);
    /// }
    /// assert_eq!(data, [Data::Exists(3), Data::Recent(1)]);
    /// # Ok::<(), imap4_proto::DecodeError>(())
    /// ```
    pub fn next_event(&mut self) -> Result<Option<Event>, DecodeError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let r = self.step();
        if let Err(e) = &r {
            self.failed = Some(e.clone());
        }
        r
    }

    fn frame_len(&self) -> usize {
        self.head.len() + self.scan
    }

    fn step(&mut self) -> Result<Option<Event>, DecodeError> {
        loop {
            match self.state {
                State::Line => {
                    let Some(i) = memchr::memchr(b'\n', &self.buf[self.scan..]) else {
                        self.scan = self.buf.len();
                        if self.scan - self.line_start > self.limits.max_line {
                            return Err(DecodeError::LineTooLong {
                                limit: self.limits.max_line,
                                offset: self.frame_start,
                            });
                        }
                        return Ok(None);
                    };
                    let eol = self.scan + i;
                    if eol - self.line_start > self.limits.max_line {
                        return Err(DecodeError::LineTooLong {
                            limit: self.limits.max_line,
                            offset: self.frame_start,
                        });
                    }
                    self.scan = eol + 1;
                    if self.frame_len() > self.limits.max_response {
                        return Err(DecodeError::ResponseTooLarge {
                            limit: self.limits.max_response,
                            offset: self.frame_start,
                        });
                    }
                    let line = &self.buf[self.line_start..eol];
                    match literal_header(line) {
                        None => return Ok(Some(self.finish_frame())),
                        Some((len, open)) => {
                            let open_in_frame = self.head.len() + self.line_start + open;
                            if self.limits.stream_literals_from.is_some_and(|t| len >= t) {
                                // Move the response so far out of `buf`; the literal's bytes
                                // are handed out from `buf` as they arrive.
                                let line_in_head = self.head.len() + self.line_start;
                                let part = self.buf.split_to(self.scan);
                                self.consumed += part.len() as u64;
                                self.head.extend_from_slice(&part);
                                self.streamed.push(open_in_frame);
                                self.scan = 0;
                                self.line_start = 0;
                                self.state = State::Streaming(len);
                                let line = trimmed(&self.head[line_in_head..]);
                                let first_line = match &self.first_line {
                                    Some(f) => f.clone(),
                                    None => {
                                        let end = memchr::memchr(b'\n', &self.head)
                                            .map_or(self.head.len(), |i| i + 1);
                                        let f = trimmed(&self.head[..end]);
                                        self.first_line = Some(f.clone());
                                        f
                                    }
                                };
                                return Ok(Some(Event::LiteralStart(LiteralStart {
                                    first_line,
                                    line,
                                    len,
                                })));
                            }
                            if len > self.limits.max_literal {
                                return Err(DecodeError::LiteralTooLarge {
                                    len,
                                    limit: self.limits.max_literal,
                                    offset: self.frame_start,
                                });
                            }
                            if (self.frame_len() as u64).saturating_add(len)
                                > self.limits.max_response as u64
                            {
                                return Err(DecodeError::ResponseTooLarge {
                                    limit: self.limits.max_response,
                                    offset: self.frame_start,
                                });
                            }
                            self.state = State::Literal(len);
                        }
                    }
                }
                State::Literal(n) => {
                    let avail = (self.buf.len() - self.scan) as u64;
                    if avail < n {
                        return Ok(None);
                    }
                    // n <= avail, which fits in usize.
                    self.scan += n as usize;
                    self.line_start = self.scan;
                    self.state = State::Line;
                }
                State::Streaming(n) => {
                    if n == 0 {
                        self.state = State::StreamEnd;
                        continue;
                    }
                    if self.buf.is_empty() {
                        return Ok(None);
                    }
                    let take = (self.buf.len() as u64).min(n) as usize;
                    let chunk = self.buf.split_to(take).freeze();
                    self.consumed += take as u64;
                    self.state = State::Streaming(n - take as u64);
                    return Ok(Some(Event::LiteralChunk(chunk)));
                }
                State::StreamEnd => {
                    self.state = State::Line;
                    return Ok(Some(Event::LiteralEnd));
                }
            }
        }
    }

    fn finish_frame(&mut self) -> Event {
        let part = self.buf.split_to(self.scan);
        self.consumed += part.len() as u64;
        let frame = if self.head.is_empty() {
            part.freeze()
        } else {
            self.head.extend_from_slice(&part);
            std::mem::take(&mut self.head).freeze()
        };
        self.scan = 0;
        self.line_start = 0;
        self.first_line = None;
        let start = self.frame_start;
        self.frame_start = self.consumed;
        let streamed = std::mem::take(&mut self.streamed);
        let ev = match parse_frame(&frame, &streamed, &self.limits) {
            Ok(r) => Event::Response(r),
            Err(mut error) => {
                error.stream_offset = start;
                Event::Malformed(Malformed {
                    tag: response::frame_tag(&frame),
                    fetch_seq: response::frame_fetch_seq(&frame),
                    raw: frame,
                    error,
                })
            }
        };
        self.streamed = streamed;
        self.streamed.clear();
        ev
    }
}

/// A copy of a line without its CRLF.
fn trimmed(mut b: &[u8]) -> Bytes {
    while let [rest @ .., b'\r' | b'\n'] = b {
        b = rest;
    }
    Bytes::copy_from_slice(b)
}

/// If the line (without LF) ends with a literal header `{n}`, `{n+}` or `~{n}` (optionally
/// followed by CR), returns its size and the offset of the `{`.
fn literal_header(line: &[u8]) -> Option<(u64, usize)> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let inner = line.strip_suffix(b"}")?;
    let open = memchr::memrchr(b'{', inner)?;
    let digits = &inner[open + 1..];
    let digits = digits
        .strip_suffix(b"+")
        .or_else(|| digits.strip_suffix(b"-"))
        .unwrap_or(digits);
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits
        .iter()
        .fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
    Some((n, open))
}

/// Parses one complete response (the bytes of one frame, CRLF included).
///
/// ```
/// use imap4_proto::{decode::parse_response, Response, Data};
/// let r = parse_response(b"* 23 EXISTS\r\n").unwrap();
/// assert_eq!(r, Response::Data(Data::Exists(23)));
/// ```
pub fn parse_response(frame: &[u8]) -> Result<Response, ParseError> {
    let b = Bytes::copy_from_slice(frame);
    parse_frame(&b, &[], &Limits::default())
}

pub(crate) fn parse_frame(
    frame: &Bytes,
    streamed: &[usize],
    limits: &Limits,
) -> Result<Response, ParseError> {
    let mut c = Cursor::new(frame, streamed, limits);
    response::response(&mut c).map_err(|e| ParseError::new(e.kind, frame, e.pos))
}

/// Extracts the flags of a `FLAGS (...)` list found anywhere in a response line, like
/// imaplib's `ParseFlags`. Returns an empty list when there is none.
///
/// ```
/// use imap4_proto::{parse_flags, Flag};
/// let flags = parse_flags(b"1 (UID 4 FLAGS (\\Seen $Forwarded))");
/// assert_eq!(flags, vec![Flag::Seen, Flag::keyword("$Forwarded")]);
/// assert!(parse_flags(b"1 (UID 4)").is_empty());
/// ```
#[doc(alias = "ParseFlags")]
pub fn parse_flags(resp: &[u8]) -> Vec<crate::types::Flag> {
    let Some(at) = memchr::memmem::find_iter(resp, b"FLAGS (")
        .chain(memchr::memmem::find_iter(resp, b"flags ("))
        .min()
    else {
        return Vec::new();
    };
    let start = at + b"FLAGS ".len();
    let rest = &resp[start..];
    let end = memchr::memchr(b')', rest).unwrap_or(rest.len());
    rest[1..end]
        .split(|&b| b == b' ')
        .filter(|f| !f.is_empty())
        .map(crate::types::Flag::parse)
        .collect()
}

/// Parses a sequence of complete responses from a byte slice (convenience for tests and
/// tools). Stops at the first fatal framing error; malformed responses are included.
///
/// ```
/// use imap4_proto::decode::{parse_all, Event};
/// let events = parse_all(b"* 2 EXISTS\r\n* 2 FETCH (UID ?)\r\na1 OK done\r\n")?;
/// assert_eq!(events.len(), 3);
/// assert!(matches!(events[1], Event::Malformed(_)));
/// # Ok::<(), imap4_proto::DecodeError>(())
/// ```
pub fn parse_all(bytes: &[u8]) -> Result<Vec<Event>, DecodeError> {
    let mut d = Decoder::new();
    d.feed(bytes);
    let mut out = Vec::new();
    while let Some(ev) = d.next_event()? {
        out.push(ev);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
