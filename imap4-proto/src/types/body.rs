use std::fmt;

use bytes::Bytes;

use super::envelope::Span;
use super::Envelope;

/// A message's MIME structure (RFC 3501 7.4.2 BODYSTRUCTURE, RFC 9051 7.5.2).
///
/// Like an [`Envelope`], a body structure keeps all its strings in one shared buffer
/// (usually a slice of the response it came from) and its parts in one table, so parsing
/// one costs a couple of allocations however many parts the message has. Read it through
/// views: [`root`](Self::root) gives the top part as a [`BodyPart`] (a [`SinglePart`] or a
/// [`MultiPart`]); [`parts`](Self::parts), [`text_part`](Self::text_part) and
/// [`attachments`](Self::attachments) find leaf parts with their section numbers.
///
/// [`BodyStructure::parse`] builds one from its IMAP syntax (handy in tests).
///
/// ```
/// use imap4_proto::{BodyPart, BodyStructure};
/// let bs = BodyStructure::parse(concat!(
///     r#"(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 120 4)"#,
///     r#"("APPLICATION" "PDF" ("NAME" "r.pdf") NIL NIL "BASE64" 4000) "MIXED")"#
/// ).as_bytes()).unwrap();
/// let BodyPart::Multipart(m) = bs.root() else { panic!() };
/// assert_eq!(m.subtype(), b"MIXED");
/// assert_eq!(m.parts().count(), 2);
/// let (section, text) = bs.text_part(false).unwrap();
/// assert_eq!((section, text.mime_type()), (vec![1], "text/plain".to_string()));
/// assert_eq!(text.param("charset"), Some(&b"utf-8"[..]));
/// assert_eq!(text.lines(), Some(4));
/// let atts = bs.attachments();
/// assert_eq!(atts[0].0, vec![2]);
/// assert_eq!(atts[0].1.filename(), Some(&b"r.pdf"[..]));
/// ```
#[derive(Clone)]
pub struct BodyStructure {
    pub(crate) raw: Bytes,
    /// The parts in pre-order; `nodes[0]` is the root.
    pub(crate) nodes: Vec<Node>,
    /// Parameter pairs and language values, referred to by the nodes' ranges.
    pub(crate) pool: Vec<Span>,
    /// Encapsulated messages' envelopes and extension data (absent from most messages).
    pub(crate) rare: Option<Box<Rare>>,
}

/// The parts of a [`BodyStructure`] that most messages do not have.
#[derive(Clone, Default)]
pub(crate) struct Rare {
    pub(crate) msgs: Vec<Envelope>,
    pub(crate) exts: Vec<Vec<BodyExtension>>,
}

/// A range of [`BodyStructure::pool`].
#[derive(Clone, Copy, Default)]
pub(crate) struct Range {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

/// Index of each string in [`Node::s`].
pub(crate) const MEDIA_TYPE: usize = 0;
pub(crate) const SUBTYPE: usize = 1;
pub(crate) const ID: usize = 2;
pub(crate) const DESCRIPTION: usize = 3;
pub(crate) const ENCODING: usize = 4;
pub(crate) const MD5: usize = 5;
pub(crate) const LOCATION: usize = 6;
pub(crate) const DISP_KIND: usize = 7;

/// [`Node::flags`] bits.
pub(crate) const MULTI: u8 = 1;
pub(crate) const HAS_DISP: u8 = 2;
pub(crate) const HAS_LINES: u8 = 4;

/// No index (`Node::ext`, `Node::msg`).
pub(crate) const NONE: u32 = u32::MAX;

/// One part of a body structure.
#[derive(Clone)]
pub(crate) struct Node {
    pub(crate) s: [Span; 8],
    pub(crate) params: Range,
    pub(crate) disp_params: Range,
    pub(crate) language: Range,
    pub(crate) size: u64,
    pub(crate) lines: u64,
    /// One past the last node of this part's subtree.
    pub(crate) end: u32,
    /// Index in `Rare::exts`, or `NONE`.
    pub(crate) ext: u32,
    /// Index in `Rare::msgs`, or `NONE`.
    pub(crate) msg: u32,
    pub(crate) flags: u8,
}

impl Node {
    pub(crate) const EMPTY: Node = Node {
        s: [Span::NIL; 8],
        params: Range { start: 0, end: 0 },
        disp_params: Range { start: 0, end: 0 },
        language: Range { start: 0, end: 0 },
        size: 0,
        lines: 0,
        end: 0,
        ext: NONE,
        msg: NONE,
        flags: 0,
    };
}

#[inline]
fn get(raw: &[u8], s: Span) -> Option<&[u8]> {
    if s.start == u32::MAX {
        return None;
    }
    let a = s.start as usize;
    raw.get(a..a + s.len as usize)
}

/// Unknown body extension data (RFC 3501 `body-extension`).
///
/// ```
/// # use imap4_proto::{decode::parse_response, Data, Response};
/// let r = parse_response(b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1 \
///     NIL NIL NIL NIL \"X-VENDOR\" 42 (\"a\" NIL)))\r\n")?;
/// let Response::Data(Data::Fetch(f)) = r else { panic!() };
/// let part = f.body_structure().unwrap().as_single().unwrap();
/// use imap4_proto::BodyExtension;
/// assert_eq!(part.extensions()[1], BodyExtension::Number(42));
/// assert_eq!(
///     part.extensions()[2],
///     BodyExtension::List(vec![
///         BodyExtension::NString(Some("a".into())),
///         BodyExtension::NString(None)
///     ])
/// );
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum BodyExtension {
    /// A string or NIL.
    NString(Option<Bytes>),
    /// A number.
    Number(u64),
    /// A parenthesised list.
    List(Vec<BodyExtension>),
}

/// A part of a [`BodyStructure`], borrowed from it.
///
/// ```
/// # use imap4_proto::{decode::parse_response, Data, Response};
/// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
/// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
/// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
/// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
/// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
/// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
/// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
/// #     \"https://example.com/m\"))\r\n").unwrap();
/// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
/// let bs = f.body_structure().unwrap();
/// use imap4_proto::BodyPart;
/// let BodyPart::Multipart(mixed) = bs.root() else { panic!() };
/// let kinds: Vec<String> = mixed
///     .parts()
///     .map(|p| match p {
///         BodyPart::Single(s) => s.mime_type(),
///         BodyPart::Multipart(_) => "multipart".to_string(),
///     })
///     .collect();
/// assert_eq!(kinds, ["text/plain", "application/pdf"]);
/// ```
#[derive(Clone, Copy, PartialEq)]
pub enum BodyPart<'a> {
    /// A leaf part: text, any basic type, or an encapsulated `message/rfc822`.
    Single(SinglePart<'a>),
    /// A `multipart/*` part.
    Multipart(MultiPart<'a>),
}

impl fmt::Debug for BodyPart<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyPart::Single(p) => f.debug_tuple("Single").field(p).finish(),
            BodyPart::Multipart(m) => f.debug_tuple("Multipart").field(m).finish(),
        }
    }
}

/// A non-multipart body part, borrowed from its [`BodyStructure`]. Strings the grammar
/// requires (type, subtype, encoding, parameters) read as empty when a server sent NIL.
///
/// ```
/// # use imap4_proto::{decode::parse_response, Data, Response};
/// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
/// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
/// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
/// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
/// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
/// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
/// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
/// #     \"https://example.com/m\"))\r\n").unwrap();
/// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
/// let bs = f.body_structure().unwrap();
/// let (section, pdf) = bs.parts().remove(1);
/// assert_eq!(section, [2]);
/// assert_eq!(pdf.mime_type(), "application/pdf");
/// assert_eq!(pdf.encoding(), b"BASE64");
/// assert_eq!(pdf.filename(), Some(&b"invoice.pdf"[..]));
/// ```
#[derive(Clone, Copy)]
pub struct SinglePart<'a> {
    bs: &'a BodyStructure,
    i: usize,
}

/// A `multipart/*` body part, borrowed from its [`BodyStructure`].
///
/// ```
/// # use imap4_proto::{decode::parse_response, Data, Response};
/// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
/// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
/// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
/// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
/// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
/// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
/// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
/// #     \"https://example.com/m\"))\r\n").unwrap();
/// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
/// let bs = f.body_structure().unwrap();
/// let mixed = bs.as_multipart().unwrap();
/// assert_eq!(mixed.subtype(), b"MIXED");
/// assert_eq!(mixed.param("boundary"), Some(&b"b1_2f1"[..]));
/// assert_eq!(mixed.parts().count(), 2);
/// ```
#[derive(Clone, Copy)]
pub struct MultiPart<'a> {
    bs: &'a BodyStructure,
    i: usize,
}

/// A Content-Disposition (`attachment; filename=...`), borrowed from its
/// [`BodyStructure`].
///
/// ```
/// # use imap4_proto::{decode::parse_response, Data, Response};
/// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
/// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
/// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
/// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
/// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
/// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
/// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
/// #     \"https://example.com/m\"))\r\n").unwrap();
/// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
/// let bs = f.body_structure().unwrap();
/// # let pdf = bs.attachments()[0].1;
/// let d = pdf.disposition().unwrap();
/// assert_eq!(d.kind(), b"ATTACHMENT");
/// assert_eq!(d.param("filename"), Some(&b"invoice.pdf"[..]));
/// ```
#[derive(Clone, Copy)]
pub struct Disposition<'a> {
    raw: &'a [u8],
    kind: Span,
    params: &'a [Span],
}

/// Content-Type or Content-Disposition parameters: `(name, value)` pairs in server order.
///
/// ```
/// # use imap4_proto::{decode::parse_response, Data, Response};
/// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
/// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
/// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
/// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
/// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
/// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
/// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
/// #     \"https://example.com/m\"))\r\n").unwrap();
/// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
/// let bs = f.body_structure().unwrap();
/// # let text = bs.text_part(false).unwrap().1;
/// let params: Vec<(&[u8], &[u8])> = text.params().collect();
/// assert_eq!(params, [(&b"CHARSET"[..], &b"utf-8"[..]), (&b"FORMAT"[..], &b"flowed"[..])]);
/// ```
#[derive(Clone)]
pub struct Params<'a> {
    raw: &'a [u8],
    spans: std::slice::ChunksExact<'a, Span>,
}

/// Content-Language values, in server order.
///
/// ```
/// # use imap4_proto::{decode::parse_response, Data, Response};
/// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
/// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
/// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
/// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
/// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
/// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
/// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
/// #     \"https://example.com/m\"))\r\n").unwrap();
/// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
/// let bs = f.body_structure().unwrap();
/// let langs: Vec<&[u8]> = bs.as_multipart().unwrap().language().collect();
/// assert_eq!(langs, [&b"en"[..], &b"de"[..]]);
/// ```
#[derive(Clone)]
pub struct Languages<'a> {
    raw: &'a [u8],
    spans: std::slice::Iter<'a, Span>,
}

impl<'a> Params<'a> {
    fn new(raw: &'a [u8], spans: &'a [Span]) -> Self {
        Params {
            raw,
            spans: spans.chunks_exact(2),
        }
    }
}

impl<'a> Iterator for Params<'a> {
    type Item = (&'a [u8], &'a [u8]);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let kv = self.spans.next()?;
        Some((
            get(self.raw, kv[0]).unwrap_or_default(),
            get(self.raw, kv[1]).unwrap_or_default(),
        ))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl ExactSizeIterator for Params<'_> {}

impl fmt::Debug for Params<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.clone().map(|(k, v)| (Lossy(k), Lossy(v))))
            .finish()
    }
}

impl<'a> Iterator for Languages<'a> {
    type Item = &'a [u8];
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let s = self.spans.next()?;
        Some(get(self.raw, *s).unwrap_or_default())
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl ExactSizeIterator for Languages<'_> {}

impl fmt::Debug for Languages<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone().map(Lossy)).finish()
    }
}

fn find_param<'a>(mut params: Params<'a>, name: &str) -> Option<&'a [u8]> {
    params
        .find(|(k, _)| k.eq_ignore_ascii_case(name.as_bytes()))
        .map(|(_, v)| v)
}

struct Lossy<'a>(&'a [u8]);
impl fmt::Debug for Lossy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.0))
    }
}

struct OptLossy<'a>(Option<&'a [u8]>);
impl fmt::Debug for OptLossy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("None"),
            Some(b) => write!(f, "Some({:?})", String::from_utf8_lossy(b)),
        }
    }
}

impl<'a> Disposition<'a> {
    /// `attachment`, `inline`, ...
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let pdf = bs.attachments()[0].1;
    /// assert_eq!(pdf.disposition().unwrap().kind(), b"ATTACHMENT");
    /// ```
    pub fn kind(&self) -> &'a [u8] {
        get(self.raw, self.kind).unwrap_or_default()
    }
    /// Its parameters (`filename`, `size`, ...).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let pdf = bs.attachments()[0].1;
    /// let d = pdf.disposition().unwrap();
    /// let names: Vec<&[u8]> = d.params().map(|(k, _)| k).collect();
    /// assert_eq!(names, [&b"FILENAME"[..], &b"SIZE"[..]]);
    /// ```
    pub fn params(&self) -> Params<'a> {
        Params::new(self.raw, self.params)
    }
    /// A parameter, by case-insensitive name.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let pdf = bs.attachments()[0].1;
    /// let d = pdf.disposition().unwrap();
    /// assert_eq!(d.param("size"), Some(&b"38112"[..]));
    /// assert_eq!(d.param("creation-date"), None);
    /// ```
    pub fn param(&self, name: &str) -> Option<&'a [u8]> {
        find_param(self.params(), name)
    }
}

impl PartialEq for Disposition<'_> {
    fn eq(&self, o: &Self) -> bool {
        self.kind() == o.kind() && self.params().eq(o.params())
    }
}

impl fmt::Debug for Disposition<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Disposition")
            .field("kind", &Lossy(self.kind()))
            .field("params", &self.params())
            .finish()
    }
}

/// Accessors shared by single and multipart parts.
impl BodyStructure {
    #[inline]
    fn node(&self, i: usize) -> &Node {
        &self.nodes[i]
    }
    #[inline]
    fn str(&self, i: usize, f: usize) -> Option<&[u8]> {
        get(&self.raw, self.nodes[i].s[f])
    }
    fn pool(&self, r: Range) -> &[Span] {
        self.pool
            .get(r.start as usize..r.end as usize)
            .unwrap_or_default()
    }
    fn params_of(&self, i: usize) -> Params<'_> {
        Params::new(&self.raw, self.pool(self.node(i).params))
    }
    fn disposition_of(&self, i: usize) -> Option<Disposition<'_>> {
        let n = self.node(i);
        (n.flags & HAS_DISP != 0).then(|| Disposition {
            raw: &self.raw,
            kind: n.s[DISP_KIND],
            params: self.pool(n.disp_params),
        })
    }
    fn language_of(&self, i: usize) -> Languages<'_> {
        Languages {
            raw: &self.raw,
            spans: self.pool(self.node(i).language).iter(),
        }
    }
    fn extensions_of(&self, i: usize) -> &[BodyExtension] {
        let e = self.node(i).ext;
        match &self.rare {
            Some(r) if e != NONE => r.exts.get(e as usize).map_or(&[], |v| &v[..]),
            _ => &[],
        }
    }
    fn part(&self, i: usize) -> BodyPart<'_> {
        if self.node(i).flags & MULTI != 0 {
            BodyPart::Multipart(MultiPart { bs: self, i })
        } else {
            BodyPart::Single(SinglePart { bs: self, i })
        }
    }

    /// Parses a body structure from its IMAP syntax, the value of a `BODYSTRUCTURE` or
    /// `BODY` FETCH item: `("TEXT" "PLAIN" NIL NIL NIL "7BIT" 10 1)`.
    ///
    /// ```
    /// use imap4_proto::BodyStructure;
    /// let bs = BodyStructure::parse(br#"("TEXT" "PLAIN" NIL NIL NIL "7BIT" 10 1)"#).unwrap();
    /// assert_eq!(bs.as_single().unwrap().size(), 10);
    /// assert!(BodyStructure::parse(b"(\"TEXT\"").is_err());
    /// ```
    pub fn parse(s: &[u8]) -> Result<BodyStructure, crate::ParseError> {
        crate::decode::parse_body_structure(s)
    }

    /// The top part.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// use imap4_proto::BodyPart;
    /// assert!(matches!(bs.root(), BodyPart::Multipart(m) if m.subtype() == b"MIXED"));
    /// ```
    pub fn root(&self) -> BodyPart<'_> {
        self.part(0)
    }
    /// The top part if it is a single part.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// assert!(bs.as_single().is_none()); // multipart/mixed
    /// let (_, text) = bs.parts()[0];
    /// assert_eq!(text.mime_type(), "text/plain");
    /// ```
    pub fn as_single(&self) -> Option<SinglePart<'_>> {
        match self.root() {
            BodyPart::Single(p) => Some(p),
            BodyPart::Multipart(_) => None,
        }
    }
    /// The top part if it is a multipart.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// assert_eq!(bs.as_multipart().unwrap().subtype(), b"MIXED");
    /// ```
    pub fn as_multipart(&self) -> Option<MultiPart<'_>> {
        match self.root() {
            BodyPart::Multipart(m) => Some(m),
            BodyPart::Single(_) => None,
        }
    }
    /// Whether the top part is a multipart.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// assert!(bs.is_multipart());
    /// ```
    pub fn is_multipart(&self) -> bool {
        self.node(0).flags & MULTI != 0
    }

    /// A `Bytes` sharing this body structure's buffer for one of its strings (no copy),
    /// e.g. `bs.share(part.encoding())`.
    ///
    /// # Panics
    /// If `part` is not a slice returned by this body structure's accessors.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let pdf = bs.attachments()[0].1;
    /// let encoding: imap4_proto::Bytes = bs.share(pdf.encoding());
    /// assert_eq!(encoding, "BASE64");
    /// ```
    pub fn share(&self, part: &[u8]) -> Bytes {
        self.raw.slice_ref(part)
    }

    /// Every leaf part with its section number (`[1]`, `[2, 1]`, ...), depth-first, including
    /// the parts inside encapsulated messages.
    ///
    /// ```
    /// use imap4_proto::BodyStructure;
    /// let mp = BodyStructure::parse(concat!(
    ///     r#"(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)"#,
    ///     r#"("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) "MIXED")"#
    /// ).as_bytes()).unwrap();
    /// let sections: Vec<Vec<u32>> = mp.parts().into_iter().map(|(s, _)| s).collect();
    /// assert_eq!(sections, vec![vec![1], vec![2]]);
    /// ```
    pub fn parts(&self) -> Vec<(Vec<u32>, SinglePart<'_>)> {
        let mut out = Vec::new();
        // Explicit stack: server data may be deeply nested; no recursion.
        let mut stack: Vec<(Vec<u32>, usize)> = vec![(Vec::new(), 0)];
        while let Some((path, i)) = stack.pop() {
            match self.part(i) {
                BodyPart::Single(p) => {
                    let path = if path.is_empty() { vec![1] } else { path };
                    if self.node(i).msg != NONE {
                        let inner = i + 1;
                        out.push((path.clone(), p));
                        if self.node(inner).flags & MULTI != 0 {
                            stack.push((path, inner));
                        } else {
                            let mut p2 = path;
                            p2.push(1);
                            stack.push((p2, inner));
                        }
                    } else {
                        out.push((path, p));
                    }
                }
                BodyPart::Multipart(m) => {
                    let children: Vec<usize> = m.children().collect();
                    for (k, &child) in children.iter().enumerate().rev() {
                        let mut p = path.clone();
                        p.push(k as u32 + 1);
                        stack.push((p, child));
                    }
                }
            }
        }
        out
    }

    /// The main text part: the first `text/plain` (or, if `prefer_html`, `text/html`) that is
    /// not an attachment, falling back to the other kind.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// let (section, text) = bs.text_part(false).unwrap();
    /// assert_eq!(section, [1]);
    /// assert_eq!(text.param("charset"), Some(&b"utf-8"[..]));
    /// // No text/html part: the plain one is the fallback.
    /// assert_eq!(bs.text_part(true).unwrap().0, [1]);
    /// ```
    pub fn text_part(&self, prefer_html: bool) -> Option<(Vec<u32>, SinglePart<'_>)> {
        let (first, second): (&[u8], &[u8]) = if prefer_html {
            (b"html", b"plain")
        } else {
            (b"plain", b"html")
        };
        let parts = self.parts();
        for want in [first, second] {
            if let Some((s, p)) = parts.iter().find(|(_, p)| {
                p.media_type().eq_ignore_ascii_case(b"text")
                    && p.subtype().eq_ignore_ascii_case(want)
                    && !p.is_attachment()
            }) {
                return Some((s.clone(), *p));
            }
        }
        None
    }

    /// The attachment parts with their section numbers.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// let atts = bs.attachments();
    /// assert_eq!(atts.len(), 1);
    /// assert_eq!(atts[0].0, [2]);
    /// assert_eq!(atts[0].1.filename(), Some(&b"invoice.pdf"[..]));
    /// ```
    pub fn attachments(&self) -> Vec<(Vec<u32>, SinglePart<'_>)> {
        self.parts()
            .into_iter()
            .filter(|(_, p)| p.is_attachment())
            .collect()
    }
}

impl PartialEq for BodyStructure {
    fn eq(&self, o: &Self) -> bool {
        self.root() == o.root()
    }
}

impl fmt::Debug for BodyStructure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.root().fmt(f)
    }
}

impl<'a> SinglePart<'a> {
    /// Media type (`TEXT`, `IMAGE`, `MESSAGE`, ...), as sent.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let pdf = bs.attachments()[0].1;
    /// assert_eq!(pdf.media_type(), b"APPLICATION");
    /// ```
    pub fn media_type(&self) -> &'a [u8] {
        self.bs.str(self.i, MEDIA_TYPE).unwrap_or_default()
    }
    /// Media subtype (`PLAIN`, `HTML`, `RFC822`, ...), as sent.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let pdf = bs.attachments()[0].1;
    /// assert_eq!(pdf.subtype(), b"PDF");
    /// ```
    pub fn subtype(&self) -> &'a [u8] {
        self.bs.str(self.i, SUBTYPE).unwrap_or_default()
    }
    /// Content-Type parameters (`charset`, `name`, ...).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let pdf = bs.attachments()[0].1;
    /// let params: Vec<_> = pdf.params().collect();
    /// assert_eq!(params, [(&b"NAME"[..], &b"invoice.pdf"[..])]);
    /// ```
    pub fn params(&self) -> Params<'a> {
        self.bs.params_of(self.i)
    }
    /// Content-ID.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let pdf = bs.attachments()[0].1;
    /// assert_eq!(pdf.id(), Some(&b"<part2@example.com>"[..]));
    /// # assert_eq!(bs.text_part(false).unwrap().1.id(), None);
    /// ```
    pub fn id(&self) -> Option<&'a [u8]> {
        self.bs.str(self.i, ID)
    }
    /// Content-Description.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let pdf = bs.attachments()[0].1;
    /// assert_eq!(pdf.description(), Some(&b"March invoice"[..]));
    /// ```
    pub fn description(&self) -> Option<&'a [u8]> {
        self.bs.str(self.i, DESCRIPTION)
    }
    /// Content-Transfer-Encoding (`7BIT`, `BASE64`, `QUOTED-PRINTABLE`, ...).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let text = bs.text_part(false).unwrap().1;
    /// assert_eq!(text.encoding(), b"QUOTED-PRINTABLE");
    /// ```
    pub fn encoding(&self) -> &'a [u8] {
        self.bs.str(self.i, ENCODING).unwrap_or_default()
    }
    /// Size in bytes of the encoded body.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let pdf = bs.attachments()[0].1;
    /// assert_eq!(pdf.size(), 52180);
    /// ```
    pub fn size(&self) -> u64 {
        self.bs.node(self.i).size
    }
    /// Line count (text parts and message/rfc822).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let text = bs.text_part(false).unwrap().1;
    /// # let pdf = bs.attachments()[0].1;
    /// assert_eq!(text.lines(), Some(31));
    /// assert_eq!(pdf.lines(), None);
    /// ```
    pub fn lines(&self) -> Option<u64> {
        let n = self.bs.node(self.i);
        (n.flags & HAS_LINES != 0).then_some(n.lines)
    }
    /// The encapsulated message of a `message/rfc822` (or `message/global`) part: its
    /// envelope and its body's top part.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* 2 FETCH (BODYSTRUCTURE (\"MESSAGE\" \"RFC822\" NIL NIL NIL \
    ///     \"7BIT\" 530 (NIL \"Fwd: lunch\" NIL NIL NIL NIL NIL NIL NIL NIL) (\"TEXT\" \"PLAIN\" \
    ///     (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 12 1) 14))\r\n")?;
    /// let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let part = f.body_structure().unwrap().as_single().unwrap();
    /// let (env, inner) = part.message().unwrap();
    /// assert_eq!(env.subject(), Some(&b"Fwd: lunch"[..]));
    /// assert!(matches!(inner, imap4_proto::BodyPart::Single(p) if p.mime_type() == "text/plain"));
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn message(&self) -> Option<(&'a Envelope, BodyPart<'a>)> {
        let m = self.bs.node(self.i).msg;
        if m == NONE {
            return None;
        }
        let env = self.bs.rare.as_ref()?.msgs.get(m as usize)?;
        Some((env, self.bs.part(self.i + 1)))
    }
    /// Content-MD5 (BODYSTRUCTURE extension data).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let pdf = bs.attachments()[0].1;
    /// assert_eq!(pdf.md5(), Some(&b"Q2hlY2sgSW50ZWdyaXR5IQ=="[..]));
    /// ```
    pub fn md5(&self) -> Option<&'a [u8]> {
        self.bs.str(self.i, MD5)
    }
    /// Content-Disposition.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let text = bs.text_part(false).unwrap().1;
    /// # let pdf = bs.attachments()[0].1;
    /// assert_eq!(pdf.disposition().unwrap().kind(), b"ATTACHMENT");
    /// assert!(text.disposition().is_none());
    /// ```
    pub fn disposition(&self) -> Option<Disposition<'a>> {
        self.bs.disposition_of(self.i)
    }
    /// Content-Language values.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let text = bs.text_part(false).unwrap().1;
    /// assert_eq!(text.language().collect::<Vec<_>>(), [&b"en"[..]]);
    /// ```
    pub fn language(&self) -> Languages<'a> {
        self.bs.language_of(self.i)
    }
    /// Content-Location.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let pdf = bs.attachments()[0].1;
    /// assert_eq!(pdf.location(), Some(&b"https://example.com/i.pdf"[..]));
    /// ```
    pub fn location(&self) -> Option<&'a [u8]> {
        self.bs.str(self.i, LOCATION)
    }
    /// Extension data after the known fields, kept as sent.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \
    ///     \"7BIT\" 3 1 NIL NIL NIL NIL \"X-VENDOR\" 42 (\"a\" NIL)))\r\n")?;
    /// let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let part = f.body_structure().unwrap().as_single().unwrap();
    /// assert_eq!(part.extensions().len(), 3);
    /// assert_eq!(part.extensions()[1], imap4_proto::BodyExtension::Number(42));
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn extensions(&self) -> &'a [BodyExtension] {
        self.bs.extensions_of(self.i)
    }
    /// The body structure this part belongs to (for [`BodyStructure::share`]).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let pdf = bs.attachments()[0].1;
    /// // Share a string without copying, starting from the part alone.
    /// let owned = pdf.body_structure().share(pdf.subtype());
    /// assert_eq!(owned, "PDF");
    /// ```
    pub fn body_structure(&self) -> &'a BodyStructure {
        self.bs
    }

    /// `type/subtype` in lower case.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let pdf = bs.attachments()[0].1;
    /// assert_eq!(pdf.mime_type(), "application/pdf");
    /// ```
    pub fn mime_type(&self) -> String {
        format!(
            "{}/{}",
            String::from_utf8_lossy(self.media_type()),
            String::from_utf8_lossy(self.subtype())
        )
        .to_ascii_lowercase()
    }
    /// A Content-Type parameter, by case-insensitive name.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let text = bs.text_part(false).unwrap().1;
    /// assert_eq!(text.param("charset"), Some(&b"utf-8"[..]));
    /// assert_eq!(text.param("delsp"), None);
    /// ```
    pub fn param(&self, name: &str) -> Option<&'a [u8]> {
        find_param(self.params(), name)
    }
    /// The file name: the disposition's `filename`, else the type's `name`.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let text = bs.text_part(false).unwrap().1;
    /// # let pdf = bs.attachments()[0].1;
    /// assert_eq!(pdf.filename(), Some(&b"invoice.pdf"[..]));
    /// assert_eq!(text.filename(), None);
    /// ```
    pub fn filename(&self) -> Option<&'a [u8]> {
        self.disposition()
            .and_then(|d| d.param("filename"))
            .or_else(|| self.param("name"))
    }
    /// Whether the part is an attachment: disposition `attachment`, or a non-text part with a
    /// file name.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let text = bs.text_part(false).unwrap().1;
    /// # let pdf = bs.attachments()[0].1;
    /// assert!(pdf.is_attachment());
    /// assert!(!text.is_attachment());
    /// ```
    pub fn is_attachment(&self) -> bool {
        match self.disposition() {
            Some(d) if d.kind().eq_ignore_ascii_case(b"attachment") => true,
            _ => self.filename().is_some() && !self.media_type().eq_ignore_ascii_case(b"text"),
        }
    }
}

impl PartialEq for SinglePart<'_> {
    fn eq(&self, o: &Self) -> bool {
        self.media_type() == o.media_type()
            && self.subtype() == o.subtype()
            && self.params().eq(o.params())
            && self.id() == o.id()
            && self.description() == o.description()
            && self.encoding() == o.encoding()
            && self.size() == o.size()
            && self.lines() == o.lines()
            && self.message() == o.message()
            && self.md5() == o.md5()
            && self.disposition() == o.disposition()
            && self.language().eq(o.language())
            && self.location() == o.location()
            && self.extensions() == o.extensions()
    }
}

impl fmt::Debug for SinglePart<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SinglePart")
            .field("media_type", &Lossy(self.media_type()))
            .field("subtype", &Lossy(self.subtype()))
            .field("params", &self.params())
            .field("id", &OptLossy(self.id()))
            .field("description", &OptLossy(self.description()))
            .field("encoding", &Lossy(self.encoding()))
            .field("size", &self.size())
            .field("lines", &self.lines())
            .field("message", &self.message())
            .field("md5", &OptLossy(self.md5()))
            .field("disposition", &self.disposition())
            .field("language", &self.language())
            .field("location", &OptLossy(self.location()))
            .field("extensions", &self.extensions())
            .finish()
    }
}

impl<'a> MultiPart<'a> {
    fn children(&self) -> impl Iterator<Item = usize> + 'a {
        let nodes = &self.bs.nodes;
        let end = nodes[self.i].end as usize;
        let mut next = self.i + 1;
        std::iter::from_fn(move || {
            if next >= end {
                return None;
            }
            let c = next;
            next = nodes[c].end as usize;
            Some(c)
        })
    }
    /// The child parts (section numbers 1, 2, ...).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let mp = bs.as_multipart().unwrap();
    /// let subtypes: Vec<&[u8]> = mp
    ///     .parts()
    ///     .filter_map(|p| match p {
    ///         imap4_proto::BodyPart::Single(s) => Some(s.subtype()),
    ///         _ => None,
    ///     })
    ///     .collect();
    /// assert_eq!(subtypes, [&b"PLAIN"[..], &b"PDF"[..]]);
    /// ```
    pub fn parts(&self) -> impl Iterator<Item = BodyPart<'a>> + 'a {
        let bs = self.bs;
        self.children().map(move |c| bs.part(c))
    }
    /// Subtype (`MIXED`, `ALTERNATIVE`, `RELATED`, ...).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let mp = bs.as_multipart().unwrap();
    /// assert_eq!(mp.subtype(), b"MIXED");
    /// ```
    pub fn subtype(&self) -> &'a [u8] {
        self.bs.str(self.i, SUBTYPE).unwrap_or_default()
    }
    /// Content-Type parameters (`boundary`, ...).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let mp = bs.as_multipart().unwrap();
    /// let params: Vec<_> = mp.params().collect();
    /// assert_eq!(params, [(&b"BOUNDARY"[..], &b"b1_2f1"[..])]);
    /// ```
    pub fn params(&self) -> Params<'a> {
        self.bs.params_of(self.i)
    }
    /// A Content-Type parameter, by case-insensitive name.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let mp = bs.as_multipart().unwrap();
    /// assert_eq!(mp.param("boundary"), Some(&b"b1_2f1"[..]));
    /// ```
    pub fn param(&self, name: &str) -> Option<&'a [u8]> {
        find_param(self.params(), name)
    }
    /// Content-Disposition.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let mp = bs.as_multipart().unwrap();
    /// assert_eq!(mp.disposition().unwrap().kind(), b"INLINE");
    /// ```
    pub fn disposition(&self) -> Option<Disposition<'a>> {
        self.bs.disposition_of(self.i)
    }
    /// Content-Language values.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let mp = bs.as_multipart().unwrap();
    /// assert_eq!(mp.language().collect::<Vec<_>>(), [&b"en"[..], &b"de"[..]]);
    /// ```
    pub fn language(&self) -> Languages<'a> {
        self.bs.language_of(self.i)
    }
    /// Content-Location.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let mp = bs.as_multipart().unwrap();
    /// assert_eq!(mp.location(), Some(&b"https://example.com/m"[..]));
    /// ```
    pub fn location(&self) -> Option<&'a [u8]> {
        self.bs.str(self.i, LOCATION)
    }
    /// Extension data after the known fields, kept as sent.
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let mp = bs.as_multipart().unwrap();
    /// assert!(mp.extensions().is_empty()); // nothing after the location
    /// ```
    pub fn extensions(&self) -> &'a [BodyExtension] {
        self.bs.extensions_of(self.i)
    }
    /// The body structure this part belongs to (for [`BodyStructure::share`]).
    ///
    /// ```
    /// # use imap4_proto::{decode::parse_response, Data, Response};
    /// # let r = parse_response(b"* 12 FETCH (UID 48 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" \
    /// #     (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" \
    /// #     1204 31 NIL NIL (\"en\") NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"invoice.pdf\") \
    /// #     \"<part2@example.com>\" \"March invoice\" \"BASE64\" 52180 \
    /// #     \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"invoice.pdf\" \
    /// #     \"SIZE\" \"38112\")) NIL \"https://example.com/i.pdf\") \"MIXED\" \
    /// #     (\"BOUNDARY\" \"b1_2f1\") (\"INLINE\" NIL) (\"en\" \"de\") \
    /// #     \"https://example.com/m\"))\r\n").unwrap();
    /// # let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let bs = f.body_structure().unwrap();
    /// # let mp = bs.as_multipart().unwrap();
    /// let boundary = mp.body_structure().share(mp.param("boundary").unwrap());
    /// assert_eq!(boundary, "b1_2f1");
    /// ```
    pub fn body_structure(&self) -> &'a BodyStructure {
        self.bs
    }
}

impl PartialEq for MultiPart<'_> {
    fn eq(&self, o: &Self) -> bool {
        self.parts().eq(o.parts())
            && self.subtype() == o.subtype()
            && self.params().eq(o.params())
            && self.disposition() == o.disposition()
            && self.language().eq(o.language())
            && self.location() == o.location()
            && self.extensions() == o.extensions()
    }
}

impl fmt::Debug for MultiPart<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultiPart")
            .field("parts", &self.parts().collect::<Vec<_>>())
            .field("subtype", &Lossy(self.subtype()))
            .field("params", &self.params())
            .field("disposition", &self.disposition())
            .field("language", &self.language())
            .field("location", &OptLossy(self.location()))
            .field("extensions", &self.extensions())
            .finish()
    }
}
