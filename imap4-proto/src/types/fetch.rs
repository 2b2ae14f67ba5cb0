use std::fmt;

use bytes::Bytes;

use super::{AttrValues, BodyStructure, Envelope, Flag};
use crate::date::InternalDate;

/// A FETCH response: `* seq FETCH (items)`.
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, FetchItem, Flag, Response};
/// let r = parse_response(b"* 12 FETCH (UID 4827 FLAGS (\\Seen) RFC822.SIZE 44827)\r\n")?;
/// let Response::Data(Data::Fetch(f)) = r else { panic!() };
/// assert_eq!(f.seq, 12);
/// assert_eq!(f.items[0], FetchItem::Uid(4827));
/// assert_eq!(f.items[1], FetchItem::Flags(vec![Flag::Seen]));
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Fetch {
    /// The message sequence number.
    pub seq: u32,
    /// The data items, in server order.
    pub items: Vec<FetchItem>,
}

/// The data of a body section, BINARY section or RFC822 item.
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, FetchItem, Response, SectionData};
/// let r = parse_response(b"* 2 FETCH (BODY[1] {5}\r\nHello BODY[2] NIL)\r\n")?;
/// let Response::Data(Data::Fetch(f)) = r else { panic!() };
/// let FetchItem::BodySection { data, .. } = &f.items[0] else { panic!() };
/// assert_eq!(data, &SectionData::Bytes("Hello".into()));
/// let FetchItem::BodySection { data, .. } = &f.items[1] else { panic!() };
/// assert_eq!(data, &SectionData::Nil);
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum SectionData {
    /// The server sent NIL.
    Nil,
    /// The bytes (a literal or quoted string).
    Bytes(Bytes),
    /// The literal was delivered in chunks through [`Event::LiteralChunk`](crate::Event)
    /// instead of being buffered; it had this many bytes.
    Streamed(u64),
}

impl SectionData {
    /// The bytes, if they were buffered.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response, Section};
    /// let r = parse_response(b"* 2 FETCH (UID 9 BODY[TEXT] {6}\r\nHi Bob)\r\n")?;
    /// let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let text = f.section(&Section::text()).unwrap();
    /// assert_eq!(text.bytes().unwrap(), "Hi Bob");
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn bytes(&self) -> Option<&Bytes> {
        match self {
            SectionData::Bytes(b) => Some(b),
            _ => None,
        }
    }
}

/// One FETCH data item (RFC 3501 7.4.2, RFC 9051 7.5.2 and extensions).
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, FetchItem, Response};
/// let r = parse_response(b"* 5 FETCH (MODSEQ (624140003) X-GM-MSGID 1278455344230334865)\r\n")?;
/// let Response::Data(Data::Fetch(f)) = r else { panic!() };
/// assert_eq!(f.items[0], FetchItem::ModSeq(624140003));
/// assert_eq!(f.items[1], FetchItem::GmMsgId(1278455344230334865));
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FetchItem {
    /// `FLAGS (...)`
    Flags(Vec<Flag>),
    /// `INTERNALDATE "..."`
    InternalDate(InternalDate),
    /// `RFC822.SIZE n`
    Rfc822Size(u64),
    /// `ENVELOPE (...)`
    Envelope(Box<Envelope>),
    /// `BODYSTRUCTURE (...)` (with extension data).
    BodyStructure(BodyStructure),
    /// `BODY (...)` (the non-extensible form).
    Body(BodyStructure),
    /// `BODY[section]<origin> data`
    BodySection {
        /// The section.
        section: Section,
        /// The partial fetch origin, if any.
        origin: Option<u32>,
        /// The data.
        data: SectionData,
    },
    /// `BINARY[part]<origin> data` (RFC 3516)
    Binary {
        /// The part number.
        part: Vec<u32>,
        /// The partial origin.
        origin: Option<u32>,
        /// The decoded data.
        data: SectionData,
    },
    /// `BINARY.SIZE[part] n` (RFC 3516)
    BinarySize {
        /// The part number.
        part: Vec<u32>,
        /// The decoded size.
        size: u64,
    },
    /// `RFC822 data` (IMAP4rev1)
    Rfc822(SectionData),
    /// `RFC822.HEADER data`
    Rfc822Header(SectionData),
    /// `RFC822.TEXT data`
    Rfc822Text(SectionData),
    /// `UID n`
    Uid(u32),
    /// `MODSEQ (n)` (RFC 7162)
    ModSeq(u64),
    /// `EMAILID (id)` (RFC 8474)
    EmailId(Bytes),
    /// `THREADID (id)` or `THREADID NIL` (RFC 8474)
    ThreadId(Option<Bytes>),
    /// `SAVEDATE "..."` or NIL (RFC 8514)
    SaveDate(Option<InternalDate>),
    /// `PREVIEW "..."` or NIL (RFC 8970)
    Preview(Option<Bytes>),
    /// `ANNOTATION (entry (attr value ...) ...)` (RFC 5257)
    Annotation(Vec<(Bytes, AttrValues)>),
    /// `X-GM-MSGID n` (Gmail)
    GmMsgId(u64),
    /// `X-GM-THRID n` (Gmail)
    GmThrId(u64),
    /// `X-GM-LABELS (...)` (Gmail)
    GmLabels(Vec<Bytes>),
    /// Any other item: its name and its raw value.
    Other {
        /// The item name as sent (with any `[...]`).
        name: Bytes,
        /// The value's raw bytes.
        value: Bytes,
    },
}

impl Fetch {
    /// `UID`, if returned.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* 23 FETCH (FLAGS (\\Seen) UID 4827313)\r\n")?;
    /// let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// assert_eq!(f.uid(), Some(4827313));
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn uid(&self) -> Option<u32> {
        self.items.iter().find_map(|i| match i {
            FetchItem::Uid(u) => Some(*u),
            _ => None,
        })
    }
    /// `FLAGS`, if returned.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Flag, Response};
    /// let r = parse_response(b"* 23 FETCH (FLAGS (\\Seen \\Answered $Forwarded))\r\n")?;
    /// let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let flags = f.flags().unwrap();
    /// assert!(flags.contains(&Flag::Answered));
    /// assert!(flags.contains(&Flag::keyword("$Forwarded")));
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn flags(&self) -> Option<&[Flag]> {
        self.items.iter().find_map(|i| match i {
            FetchItem::Flags(f) => Some(&f[..]),
            _ => None,
        })
    }
    /// `INTERNALDATE`, if returned.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* 1 FETCH (INTERNALDATE \"17-Jul-1996 02:44:25 -0700\")\r\n")?;
    /// let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let d = f.internal_date().unwrap();
    /// assert_eq!((d.year, d.month, d.day, d.offset_minutes), (1996, 7, 17, -420));
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn internal_date(&self) -> Option<&InternalDate> {
        self.items.iter().find_map(|i| match i {
            FetchItem::InternalDate(d) => Some(d),
            _ => None,
        })
    }
    /// `RFC822.SIZE`, if returned.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* 1 FETCH (UID 7 RFC822.SIZE 4286)\r\n")?;
    /// let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// assert_eq!(f.size(), Some(4286));
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn size(&self) -> Option<u64> {
        self.items.iter().find_map(|i| match i {
            FetchItem::Rfc822Size(n) => Some(*n),
            _ => None,
        })
    }
    /// `ENVELOPE`, if returned.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* 1 FETCH (ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700\" \
    ///     \"IMAP4rev1 WG mtg summary\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
    ///     NIL NIL NIL NIL NIL NIL \"<B27397-0100000@cac.washington.edu>\"))\r\n")?;
    /// let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let env = f.envelope().unwrap();
    /// assert_eq!(env.subject(), Some(&b"IMAP4rev1 WG mtg summary"[..]));
    /// assert_eq!(env.from().get(0).unwrap().email().unwrap(), "gray@cac.washington.edu");
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn envelope(&self) -> Option<&Envelope> {
        self.items.iter().find_map(|i| match i {
            FetchItem::Envelope(e) => Some(&**e),
            _ => None,
        })
    }
    /// `BODYSTRUCTURE` (or `BODY`), if returned.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(
    ///     b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \
    ///       \"7BIT\" 3028 92))\r\n",
    /// )?;
    /// let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let part = f.body_structure().unwrap().as_single().unwrap();
    /// assert_eq!((part.mime_type().as_str(), part.size()), ("text/plain", 3028));
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn body_structure(&self) -> Option<&BodyStructure> {
        self.items.iter().find_map(|i| match i {
            FetchItem::BodyStructure(b) | FetchItem::Body(b) => Some(b),
            _ => None,
        })
    }
    /// `MODSEQ`, if returned.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* 4 FETCH (UID 8 MODSEQ (12121231000))\r\n")?;
    /// let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// assert_eq!(f.modseq(), Some(12121231000));
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn modseq(&self) -> Option<u64> {
        self.items.iter().find_map(|i| match i {
            FetchItem::ModSeq(n) => Some(*n),
            _ => None,
        })
    }
    /// The data of `BODY[section]` (any origin), if returned.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response, Section};
    /// let r = parse_response(b"* 3 FETCH (BODY[1.MIME] {28}\r\n\
    ///     Content-Type: text/plain\r\n\r\n)\r\n")?;
    /// let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// let mime: Section = "1.MIME".parse()?;
    /// assert_eq!(f.section(&mime).unwrap().bytes().unwrap(), "Content-Type: text/plain\r\n\r\n");
    /// assert!(f.section(&Section::part(&[2])).is_none());
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn section(&self, section: &Section) -> Option<&SectionData> {
        self.items.iter().find_map(|i| match i {
            FetchItem::BodySection {
                section: s, data, ..
            } if s == section => Some(data),
            _ => None,
        })
    }
    /// The whole message: `BODY[]`, or `RFC822`, or `BINARY[]`.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* 1 FETCH (UID 5 BODY[] {18}\r\nSubject: hi\r\n\r\nx\r\n)\r\n")?;
    /// let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// assert_eq!(f.body().unwrap(), "Subject: hi\r\n\r\nx\r\n");
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn body(&self) -> Option<&Bytes> {
        self.items.iter().find_map(|i| match i {
            FetchItem::BodySection { section, data, .. } if section.is_whole() => data.bytes(),
            FetchItem::Rfc822(d) => d.bytes(),
            FetchItem::Binary { part, data, .. } if part.is_empty() => data.bytes(),
            _ => None,
        })
    }
    /// `BODY[HEADER]` or `RFC822.HEADER`.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* 1 FETCH (BODY[HEADER] {13}\r\nSubject: hi\r\n)\r\n")?;
    /// let Response::Data(Data::Fetch(f)) = r else { panic!() };
    /// assert_eq!(f.header().unwrap(), "Subject: hi\r\n");
    /// assert!(f.body().is_none());
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn header(&self) -> Option<&Bytes> {
        self.items.iter().find_map(|i| match i {
            FetchItem::BodySection { section, data, .. }
                if section.part.is_empty() && section.text == Some(SectionText::Header) =>
            {
                data.bytes()
            }
            FetchItem::Rfc822Header(d) => d.bytes(),
            _ => None,
        })
    }
}

/// A body section specifier (RFC 3501 6.4.5): part number plus optional text part.
///
/// ```
/// use imap4_proto::{Section, SectionText};
/// let s: Section = "1.2.HEADER.FIELDS (From Subject)".parse().unwrap();
/// assert_eq!(s.part, vec![1, 2]);
/// assert_eq!(s.to_string(), "1.2.HEADER.FIELDS (From Subject)");
/// assert!(Section::default().is_whole());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Section {
    /// The part number path (`[]` for the whole message).
    pub part: Vec<u32>,
    /// HEADER, TEXT, MIME, HEADER.FIELDS, ...
    pub text: Option<SectionText>,
}

impl Section {
    /// Whether this is `BODY[]`.
    ///
    /// ```
    /// use imap4_proto::Section;
    /// assert!("".parse::<Section>()?.is_whole());
    /// assert!(!Section::header().is_whole());
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn is_whole(&self) -> bool {
        self.part.is_empty() && self.text.is_none()
    }
    /// A section for a part number (`Section::part(&[1, 2])` is `1.2`).
    ///
    /// ```
    /// use imap4_proto::Section;
    /// assert_eq!(Section::part(&[1, 2]).to_string(), "1.2");
    /// assert_eq!(Section::part(&[1, 2]), "1.2".parse()?);
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn part(part: &[u32]) -> Section {
        Section {
            part: part.to_vec(),
            text: None,
        }
    }
    /// `HEADER` of the message.
    ///
    /// ```
    /// use imap4_proto::Section;
    /// assert_eq!(Section::header().to_string(), "HEADER");
    /// ```
    pub fn header() -> Section {
        Section {
            part: Vec::new(),
            text: Some(SectionText::Header),
        }
    }
    /// `TEXT` of the message.
    ///
    /// ```
    /// use imap4_proto::Section;
    /// assert_eq!(Section::text().to_string(), "TEXT");
    /// ```
    pub fn text() -> Section {
        Section {
            part: Vec::new(),
            text: Some(SectionText::Text),
        }
    }
}

/// The text part of a section specifier.
///
/// ```
/// use imap4_proto::{Section, SectionText};
/// let s: Section = "HEADER.FIELDS (From Subject)".parse()?;
/// assert_eq!(s.text, Some(SectionText::HeaderFields(vec!["From".into(), "Subject".into()])));
/// let s: Section = "2.MIME".parse()?;
/// assert_eq!(s.text, Some(SectionText::Mime));
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SectionText {
    /// `HEADER`
    Header,
    /// `HEADER.FIELDS (names)`; names as sent.
    HeaderFields(Vec<Bytes>),
    /// `HEADER.FIELDS.NOT (names)`
    HeaderFieldsNot(Vec<Bytes>),
    /// `TEXT`
    Text,
    /// `MIME` (only with a part number)
    Mime,
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.part.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{p}")?;
        }
        if let Some(t) = &self.text {
            if !self.part.is_empty() {
                f.write_str(".")?;
            }
            let names = |f: &mut fmt::Formatter<'_>, n: &[Bytes]| -> fmt::Result {
                f.write_str(" (")?;
                for (i, h) in n.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    f.write_str(&String::from_utf8_lossy(h))?;
                }
                f.write_str(")")
            };
            match t {
                SectionText::Header => f.write_str("HEADER")?,
                SectionText::Text => f.write_str("TEXT")?,
                SectionText::Mime => f.write_str("MIME")?,
                SectionText::HeaderFields(n) => {
                    f.write_str("HEADER.FIELDS")?;
                    names(f, n)?;
                }
                SectionText::HeaderFieldsNot(n) => {
                    f.write_str("HEADER.FIELDS.NOT")?;
                    names(f, n)?;
                }
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for Section {
    type Err = crate::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::decode::parse_section_spec(s.as_bytes())
    }
}
