//! FETCH and UID FETCH (RFC 3501 6.4.5, RFC 9051 6.4.5), with BINARY (RFC 3516),
//! CONDSTORE/QRESYNC modifiers (RFC 7162), PARTIAL (RFC 9394) and the extension items.

use bytes::Bytes;

use crate::types::{Section, SectionText};

use super::search::PartialRange;
use super::select::MAX_MODSEQ;
use super::{is_astring_char, Command, CommandWriter, EncodeError, MessageSet};

/// A FETCH data item to ask for (the response side is [`crate::FetchItem`]).
///
/// ```
/// use imap4_proto::encode::FetchAttr;
/// use imap4_proto::{Section, SectionText};
///
/// assert_eq!(FetchAttr::Uid.to_string(), "UID");
/// assert_eq!(FetchAttr::body_peek(Section::default()).to_string(), "BODY.PEEK[]");
/// assert_eq!(FetchAttr::body(Section::text()).partial(0, 1024).to_string(), "BODY[TEXT]<0.1024>");
/// assert_eq!(FetchAttr::header_fields(["From", "Subject"]).to_string(),
///            "BODY.PEEK[HEADER.FIELDS (From Subject)]");
/// assert_eq!(FetchAttr::binary_peek(&[1, 2]).to_string(), "BINARY.PEEK[1.2]");
/// assert_eq!(FetchAttr::binary_size(&[]).to_string(), "BINARY.SIZE[]");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchAttr {
    /// `ALL` macro (`FLAGS INTERNALDATE RFC822.SIZE ENVELOPE`); must be the only item.
    All,
    /// `FAST` macro (`FLAGS INTERNALDATE RFC822.SIZE`); must be the only item.
    Fast,
    /// `FULL` macro (`ALL` plus `BODY`); must be the only item.
    Full,
    /// `ENVELOPE`
    Envelope,
    /// `FLAGS`
    Flags,
    /// `INTERNALDATE`
    InternalDate,
    /// `RFC822` (IMAP4rev1; like `BODY[]`)
    Rfc822,
    /// `RFC822.HEADER` (IMAP4rev1; like `BODY.PEEK[HEADER]`)
    Rfc822Header,
    /// `RFC822.SIZE`
    Rfc822Size,
    /// `RFC822.TEXT` (IMAP4rev1; like `BODY[TEXT]`)
    Rfc822Text,
    /// `BODY`: the non-extensible body structure.
    Body,
    /// `BODYSTRUCTURE`
    BodyStructure,
    /// `UID`
    Uid,
    /// `BODY[section]<partial>` or `BODY.PEEK[section]<partial>`.
    BodySection {
        /// The section (`Section::default()` is the whole message).
        section: Section,
        /// `<start.length>`: a byte range (length at least 1).
        partial: Option<(u32, u32)>,
        /// `BODY.PEEK`: do not set `\Seen`.
        peek: bool,
    },
    /// `BINARY[part]<partial>` or `BINARY.PEEK[part]<partial>` (RFC 3516): the part with
    /// its content-transfer-encoding removed.
    Binary {
        /// The part number (empty: the whole message).
        part: Vec<u32>,
        /// `<start.length>` (length at least 1).
        partial: Option<(u32, u32)>,
        /// `BINARY.PEEK`: do not set `\Seen`.
        peek: bool,
    },
    /// `BINARY.SIZE[part]` (RFC 3516): the decoded size.
    BinarySize {
        /// The part number.
        part: Vec<u32>,
    },
    /// `MODSEQ` (RFC 7162)
    ModSeq,
    /// `EMAILID` (RFC 8474)
    EmailId,
    /// `THREADID` (RFC 8474)
    ThreadId,
    /// `SAVEDATE` (RFC 8514)
    SaveDate,
    /// `PREVIEW` or `PREVIEW (LAZY)` (RFC 8970)
    Preview {
        /// `LAZY`: only if the server has it at hand.
        lazy: bool,
    },
    /// `X-GM-MSGID` (Gmail)
    GmMsgId,
    /// `X-GM-THRID` (Gmail)
    GmThrId,
    /// `X-GM-LABELS` (Gmail)
    GmLabels,
    /// `ANNOTATION (entries attributes)` (RFC 5257); entries may hold `*` and `%`.
    Annotation {
        /// Entry names or patterns (`/comment`, `/altsubject`, `*`).
        entries: Vec<String>,
        /// Attribute names (`value`, `value.priv`, `size.shared`).
        attributes: Vec<String>,
    },
    /// Any other item, written as is (only CR, LF and NUL are refused).
    Raw(String),
}

impl FetchAttr {
    /// `BODY[section]` (sets `\Seen`).
    ///
    /// ```
    /// use imap4_proto::encode::FetchAttr;
    /// use imap4_proto::Section;
    ///
    /// assert_eq!(FetchAttr::body(Section::default()).to_string(), "BODY[]");
    /// assert_eq!(FetchAttr::body(Section::part(&[1, 2])).to_string(), "BODY[1.2]");
    /// ```
    pub fn body(section: Section) -> FetchAttr {
        FetchAttr::BodySection {
            section,
            partial: None,
            peek: false,
        }
    }

    /// `BODY.PEEK[section]` (does not set `\Seen`).
    ///
    /// ```
    /// use imap4_proto::encode::FetchAttr;
    /// use imap4_proto::Section;
    ///
    /// assert_eq!(FetchAttr::body_peek(Section::header()).to_string(), "BODY.PEEK[HEADER]");
    /// ```
    pub fn body_peek(section: Section) -> FetchAttr {
        FetchAttr::BodySection {
            section,
            partial: None,
            peek: true,
        }
    }

    /// `BODY.PEEK[HEADER.FIELDS (names)]`.
    ///
    /// Only the named header fields (at least one); does not set `\Seen`.
    ///
    /// ```
    /// use imap4_proto::encode::FetchAttr;
    ///
    /// let attr = FetchAttr::header_fields(["Date", "From", "Subject"]);
    /// assert_eq!(attr.to_string(), "BODY.PEEK[HEADER.FIELDS (Date From Subject)]");
    /// ```
    pub fn header_fields<S: AsRef<[u8]>>(names: impl IntoIterator<Item = S>) -> FetchAttr {
        FetchAttr::body_peek(Section {
            part: Vec::new(),
            text: Some(SectionText::HeaderFields(
                names
                    .into_iter()
                    .map(|n| Bytes::copy_from_slice(n.as_ref()))
                    .collect(),
            )),
        })
    }

    /// `BODY.PEEK[HEADER.FIELDS.NOT (names)]`.
    ///
    /// Every header field except the named ones (at least one).
    ///
    /// ```
    /// use imap4_proto::encode::FetchAttr;
    ///
    /// let attr = FetchAttr::header_fields_not(["Received", "DKIM-Signature"]);
    /// assert_eq!(attr.to_string(), "BODY.PEEK[HEADER.FIELDS.NOT (Received DKIM-Signature)]");
    /// ```
    pub fn header_fields_not<S: AsRef<[u8]>>(names: impl IntoIterator<Item = S>) -> FetchAttr {
        FetchAttr::body_peek(Section {
            part: Vec::new(),
            text: Some(SectionText::HeaderFieldsNot(
                names
                    .into_iter()
                    .map(|n| Bytes::copy_from_slice(n.as_ref()))
                    .collect(),
            )),
        })
    }

    /// `BINARY[part]` (sets `\Seen`).
    ///
    /// The part with its content-transfer-encoding removed (needs `BINARY`); `&[]` is the whole
    /// message.
    ///
    /// ```
    /// use imap4_proto::encode::FetchAttr;
    /// assert_eq!(FetchAttr::binary(&[2]).to_string(), "BINARY[2]");
    /// ```
    pub fn binary(part: &[u32]) -> FetchAttr {
        FetchAttr::Binary {
            part: part.to_vec(),
            partial: None,
            peek: false,
        }
    }

    /// `BINARY.PEEK[part]`.
    ///
    /// Like [`binary`](Self::binary), without setting `\Seen`.
    ///
    /// ```
    /// use imap4_proto::encode::FetchAttr;
    /// assert_eq!(FetchAttr::binary_peek(&[1, 3]).to_string(), "BINARY.PEEK[1.3]");
    /// ```
    pub fn binary_peek(part: &[u32]) -> FetchAttr {
        FetchAttr::Binary {
            part: part.to_vec(),
            partial: None,
            peek: true,
        }
    }

    /// `BINARY.SIZE[part]`.
    ///
    /// The size of the part once decoded (needs `BINARY`).
    ///
    /// ```
    /// use imap4_proto::encode::FetchAttr;
    /// assert_eq!(FetchAttr::binary_size(&[2]).to_string(), "BINARY.SIZE[2]");
    /// ```
    pub fn binary_size(part: &[u32]) -> FetchAttr {
        FetchAttr::BinarySize {
            part: part.to_vec(),
        }
    }

    /// `ANNOTATION (entries attributes)` (RFC 5257).
    ///
    /// One entry or attribute is sent alone, several in parentheses; entries may hold `*` and
    /// `%`.
    ///
    /// ```
    /// use imap4_proto::encode::FetchAttr;
    ///
    /// let attr = FetchAttr::annotation(["/comment"], ["value.priv", "value.shared"]);
    /// assert_eq!(attr.to_string(), "ANNOTATION (/comment (value.priv value.shared))");
    /// ```
    pub fn annotation<E: Into<String>, A: Into<String>>(
        entries: impl IntoIterator<Item = E>,
        attributes: impl IntoIterator<Item = A>,
    ) -> FetchAttr {
        FetchAttr::Annotation {
            entries: entries.into_iter().map(Into::into).collect(),
            attributes: attributes.into_iter().map(Into::into).collect(),
        }
    }

    /// Any other item, written as is.
    ///
    /// For items this type lacks; only CR, LF and NUL are refused when encoded.
    ///
    /// ```
    /// use imap4_proto::encode::FetchAttr;
    /// assert_eq!(FetchAttr::raw("X-GUID").to_string(), "X-GUID");
    /// ```
    pub fn raw(item: impl Into<String>) -> FetchAttr {
        FetchAttr::Raw(item.into())
    }

    /// Adds a byte range `<start.length>` to `BODY[...]` / `BINARY[...]`; other items are
    /// returned unchanged.
    ///
    /// `start` is the 0-based octet offset; `length` must be at least 1.
    ///
    /// ```
    /// use imap4_proto::encode::FetchAttr;
    /// use imap4_proto::Section;
    ///
    /// let first_kb = FetchAttr::body_peek(Section::text()).partial(0, 1024);
    /// assert_eq!(first_kb.to_string(), "BODY.PEEK[TEXT]<0.1024>");
    /// assert_eq!(FetchAttr::Flags.partial(0, 1024), FetchAttr::Flags);
    /// ```
    pub fn partial(mut self, start: u32, length: u32) -> FetchAttr {
        if let FetchAttr::BodySection { partial, .. } | FetchAttr::Binary { partial, .. } =
            &mut self
        {
            *partial = Some((start, length));
        }
        self
    }

    /// Sets or clears `.PEEK` on `BODY[...]` / `BINARY[...]`; other items are returned
    /// unchanged.
    ///
    /// ```
    /// use imap4_proto::encode::FetchAttr;
    /// use imap4_proto::Section;
    ///
    /// let attr = FetchAttr::body(Section::part(&[1])).peek(true);
    /// assert_eq!(attr.to_string(), "BODY.PEEK[1]");
    /// assert_eq!(FetchAttr::binary_peek(&[1]).peek(false).to_string(), "BINARY[1]");
    /// ```
    pub fn peek(mut self, yes: bool) -> FetchAttr {
        if let FetchAttr::BodySection { peek, .. } | FetchAttr::Binary { peek, .. } = &mut self {
            *peek = yes;
        }
        self
    }

    fn is_macro(&self) -> bool {
        matches!(self, FetchAttr::All | FetchAttr::Fast | FetchAttr::Full)
    }

    pub(crate) fn write(
        &self,
        command: &'static str,
        w: &mut CommandWriter,
    ) -> Result<(), EncodeError> {
        let simple: &[u8] = match self {
            FetchAttr::All => b"ALL",
            FetchAttr::Fast => b"FAST",
            FetchAttr::Full => b"FULL",
            FetchAttr::Envelope => b"ENVELOPE",
            FetchAttr::Flags => b"FLAGS",
            FetchAttr::InternalDate => b"INTERNALDATE",
            FetchAttr::Rfc822 => b"RFC822",
            FetchAttr::Rfc822Header => b"RFC822.HEADER",
            FetchAttr::Rfc822Size => b"RFC822.SIZE",
            FetchAttr::Rfc822Text => b"RFC822.TEXT",
            FetchAttr::Body => b"BODY",
            FetchAttr::BodyStructure => b"BODYSTRUCTURE",
            FetchAttr::Uid => b"UID",
            FetchAttr::ModSeq => b"MODSEQ",
            FetchAttr::EmailId => b"EMAILID",
            FetchAttr::ThreadId => b"THREADID",
            FetchAttr::SaveDate => b"SAVEDATE",
            FetchAttr::Preview { lazy: false } => b"PREVIEW",
            FetchAttr::Preview { lazy: true } => b"PREVIEW (LAZY)",
            FetchAttr::GmMsgId => b"X-GM-MSGID",
            FetchAttr::GmThrId => b"X-GM-THRID",
            FetchAttr::GmLabels => b"X-GM-LABELS",
            FetchAttr::BodySection {
                section,
                partial,
                peek,
            } => {
                w.raw(if *peek { b"BODY.PEEK[" } else { b"BODY[" });
                write_section(command, section, w)?;
                w.raw(b"]");
                return write_partial(command, *partial, w);
            }
            FetchAttr::Binary {
                part,
                partial,
                peek,
            } => {
                w.raw(if *peek { b"BINARY.PEEK[" } else { b"BINARY[" });
                write_part(command, part, w)?;
                w.raw(b"]");
                return write_partial(command, *partial, w);
            }
            FetchAttr::BinarySize { part } => {
                w.raw(b"BINARY.SIZE[");
                write_part(command, part, w)?;
                w.raw(b"]");
                return Ok(());
            }
            FetchAttr::Annotation {
                entries,
                attributes,
            } => {
                if entries.is_empty() || attributes.is_empty() {
                    return Err(EncodeError::Invalid {
                        command,
                        reason: "ANNOTATION needs at least one entry and one attribute",
                    });
                }
                w.raw(b"ANNOTATION (");
                one_or_list(w, entries, |w, e| entry_match(w, e))?;
                w.sp();
                one_or_list(w, attributes, |w, a| {
                    w.astring("annotation attribute", a.as_bytes())
                })?;
                w.raw(b")");
                return Ok(());
            }
            FetchAttr::Raw(r) => {
                if r.is_empty() {
                    return Err(EncodeError::Invalid {
                        command,
                        reason: "empty raw fetch item",
                    });
                }
                return w.text("raw fetch item", r.as_bytes());
            }
        };
        w.raw(simple);
        Ok(())
    }
}

impl std::fmt::Display for FetchAttr {
    /// The item as it would be sent with default options.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut w = CommandWriter::new(Default::default());
        match self.write("FETCH", &mut w) {
            Ok(()) => {
                let mut out = Vec::new();
                for frag in w.finish() {
                    match frag {
                        super::Fragment::Line(l) => out.extend_from_slice(&l),
                        super::Fragment::Literal { data, .. } => out.extend_from_slice(&data),
                    }
                }
                out.truncate(out.len().saturating_sub(2));
                f.write_str(&String::from_utf8_lossy(&out))
            }
            Err(e) => write!(f, "<invalid: {e}>"),
        }
    }
}

/// `x` alone or `(x y ...)`.
pub(crate) fn one_or_list<T>(
    w: &mut CommandWriter,
    items: &[T],
    f: impl FnMut(&mut CommandWriter, &T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    let mut f = f;
    match items {
        [one] => f(w, one),
        _ => w.list(items, f),
    }
}

/// An annotation/metadata entry pattern: `list-mailbox` syntax without mailbox encoding.
pub(crate) fn entry_match(w: &mut CommandWriter, e: &str) -> Result<(), EncodeError> {
    let b = e.as_bytes();
    if !b.is_empty()
        && b.iter()
            .all(|&c| is_astring_char(c) || c == b'*' || c == b'%')
    {
        w.raw(b);
        Ok(())
    } else {
        w.string("annotation entry", b)
    }
}

fn write_part(
    command: &'static str,
    part: &[u32],
    w: &mut CommandWriter,
) -> Result<(), EncodeError> {
    for (i, p) in part.iter().enumerate() {
        if *p == 0 {
            return Err(EncodeError::Invalid {
                command,
                reason: "body part numbers start at 1",
            });
        }
        if i > 0 {
            w.raw(b".");
        }
        w.number(u64::from(*p));
    }
    Ok(())
}

fn write_section(
    command: &'static str,
    s: &Section,
    w: &mut CommandWriter,
) -> Result<(), EncodeError> {
    write_part(command, &s.part, w)?;
    let Some(text) = &s.text else {
        return Ok(());
    };
    if !s.part.is_empty() {
        w.raw(b".");
    }
    let names = |w: &mut CommandWriter, kw: &[u8], names: &[Bytes]| {
        if names.is_empty() {
            return Err(EncodeError::Invalid {
                command,
                reason: "HEADER.FIELDS needs at least one field name",
            });
        }
        w.raw(kw);
        w.sp();
        w.list(names, |w, n| w.astring("header field name", n))
    };
    match text {
        SectionText::Header => w.raw(b"HEADER"),
        SectionText::Text => w.raw(b"TEXT"),
        SectionText::Mime => {
            if s.part.is_empty() {
                return Err(EncodeError::Invalid {
                    command,
                    reason: "MIME needs a part number",
                });
            }
            w.raw(b"MIME")
        }
        SectionText::HeaderFields(n) => names(w, b"HEADER.FIELDS", n)?,
        SectionText::HeaderFieldsNot(n) => names(w, b"HEADER.FIELDS.NOT", n)?,
    }
    Ok(())
}

fn write_partial(
    command: &'static str,
    partial: Option<(u32, u32)>,
    w: &mut CommandWriter,
) -> Result<(), EncodeError> {
    if let Some((start, len)) = partial {
        if len == 0 {
            return Err(EncodeError::Invalid {
                command,
                reason: "partial fetch length must be at least 1",
            });
        }
        w.raw(b"<");
        w.number(u64::from(start));
        w.raw(b".");
        w.number(u64::from(len));
        w.raw(b">");
    }
    Ok(())
}

/// `[UID] FETCH set items [(modifiers)]` (RFC 3501 6.4.5).
///
/// Items are sent in parentheses, except a macro (`ALL`, `FAST`, `FULL`), which must be
/// alone. Modifiers: `CHANGEDSINCE` and `VANISHED` (RFC 7162; VANISHED only with UID FETCH
/// and CHANGEDSINCE), `PARTIAL` (RFC 9394).
///
/// `uses_sequence_numbers` is true for non-UID FETCH of an explicit set (not for `$`).
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Fetch, FetchAttr};
/// use imap4_proto::{SequenceSet, Tag};
///
/// let opts = EncodeOptions::default();
/// let cmd = Fetch::new(SequenceSet::range(1, 3)?, [FetchAttr::Uid, FetchAttr::Flags]).uid(true);
/// assert_eq!(cmd.encode(Tag::from("a1"), opts)?.to_bytes(), "a1 UID FETCH 1:3 (UID FLAGS)\r\n");
///
/// let cmd = Fetch::new(1.., [FetchAttr::Flags]).uid(true).changed_since(12345).vanished(true);
/// assert_eq!(
///     cmd.encode(Tag::from("a2"), opts)?.to_bytes(),
///     "a2 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n"
/// );
///
/// let cmd = Fetch::new(7, [FetchAttr::Full]);
/// assert_eq!(cmd.encode(Tag::from("a3"), opts)?.to_bytes(), "a3 FETCH 7 FULL\r\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "fetch")]
#[doc(alias = "uid")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    set: MessageSet,
    attrs: Vec<FetchAttr>,
    uid: bool,
    changed_since: Option<u64>,
    vanished: bool,
    partial: Option<PartialRange>,
}

impl Fetch {
    /// FETCH `attrs` of the messages in `set`.
    ///
    /// `set` is anything that converts to a [`MessageSet`]: a number, a range, a
    /// [`SequenceSet`](crate::SequenceSet), or `$`.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Fetch, FetchAttr};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Fetch::new(2..=4, [FetchAttr::Flags, FetchAttr::Rfc822Size]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 FETCH 2:4 (FLAGS RFC822.SIZE)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(set: impl Into<MessageSet>, attrs: impl IntoIterator<Item = FetchAttr>) -> Fetch {
        Fetch {
            set: set.into(),
            attrs: attrs.into_iter().collect(),
            uid: false,
            changed_since: None,
            vanished: false,
            partial: None,
        }
    }

    /// UID FETCH (`set` holds UIDs) or FETCH.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Fetch, FetchAttr};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Fetch::new(4827.., [FetchAttr::Envelope]).uid(true);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 UID FETCH 4827:* (ENVELOPE)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn uid(mut self, yes: bool) -> Fetch {
        self.uid = yes;
        self
    }

    /// `CHANGEDSINCE modseq` (RFC 7162): only messages changed after `modseq` (at least 1).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Fetch, FetchAttr};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Fetch::new(1.., [FetchAttr::Flags]).changed_since(12345);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn changed_since(mut self, modseq: u64) -> Fetch {
        self.changed_since = Some(modseq);
        self
    }

    /// `VANISHED` (RFC 7162 QRESYNC): also report expunged UIDs. Needs UID FETCH and
    /// [`changed_since`](Self::changed_since).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Fetch, FetchAttr};
    /// use imap4_proto::Tag;
    ///
    /// let opts = EncodeOptions::default();
    /// let cmd = Fetch::new(300..=500, [FetchAttr::Flags]).uid(true).changed_since(12345);
    /// let enc = cmd.vanished(true).encode(Tag::from("a1"), opts)?;
    /// assert_eq!(
    ///     enc.to_bytes(),
    ///     "a1 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n"
    /// );
    /// // Without CHANGEDSINCE, VANISHED is refused.
    /// let cmd = Fetch::new(1, [FetchAttr::Flags]).uid(true).vanished(true);
    /// assert!(cmd.encode(Tag::from("a2"), opts).is_err());
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn vanished(mut self, yes: bool) -> Fetch {
        self.vanished = yes;
        self
    }

    /// `PARTIAL range` (RFC 9394): only a range of the matching messages.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Fetch, FetchAttr};
    /// use imap4_proto::encode::{MessageSet, PartialRange};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Fetch::new(MessageSet::saved(), [FetchAttr::Uid]).uid(true);
    /// let cmd = cmd.partial(PartialRange::last(1, 20));
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 UID FETCH $ (UID) (PARTIAL -1:-20)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn partial(mut self, range: PartialRange) -> Fetch {
        self.partial = Some(range);
        self
    }

    /// The messages asked for.
    ///
    /// ```
    /// use imap4_proto::encode::{Fetch, FetchAttr, MessageSet};
    /// let f = Fetch::new(7, [FetchAttr::Flags]);
    /// assert!(matches!(f.set(), MessageSet::Set(_)));
    /// ```
    pub fn set(&self) -> &MessageSet {
        &self.set
    }

    /// The items asked for.
    ///
    /// ```
    /// use imap4_proto::encode::{Fetch, FetchAttr};
    /// assert_eq!(Fetch::new(7, [FetchAttr::Flags]).attrs(), &[FetchAttr::Flags]);
    /// ```
    pub fn attrs(&self) -> &[FetchAttr] {
        &self.attrs
    }

    /// Whether this is `UID FETCH`.
    ///
    /// ```
    /// use imap4_proto::encode::{Fetch, FetchAttr};
    /// assert!(Fetch::new(7, [FetchAttr::Flags]).uid(true).is_uid());
    /// ```
    pub fn is_uid(&self) -> bool {
        self.uid
    }
}

impl Command for Fetch {
    fn name(&self) -> &'static str {
        if self.uid {
            "UID FETCH"
        } else {
            "FETCH"
        }
    }
    fn uses_sequence_numbers(&self) -> bool {
        !self.uid && !self.set.is_saved()
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        let command = self.name();
        w.sp();
        w.sequence_set(command, &self.set)?;
        w.sp();
        match &self.attrs[..] {
            [] => {
                return Err(EncodeError::Invalid {
                    command,
                    reason: "no fetch items",
                })
            }
            [m] if m.is_macro() => m.write(command, w)?,
            attrs => {
                if attrs.iter().any(FetchAttr::is_macro) {
                    return Err(EncodeError::Invalid {
                        command,
                        reason: "ALL, FAST and FULL must be the only fetch item",
                    });
                }
                w.list(attrs, |w, a| a.write(command, w))?;
            }
        }
        if self.vanished && !(self.uid && self.changed_since.is_some()) {
            return Err(EncodeError::Invalid {
                command,
                reason: "VANISHED needs UID FETCH with CHANGEDSINCE",
            });
        }
        if self.changed_since.is_none() && self.partial.is_none() {
            return Ok(());
        }
        w.raw(b" (");
        if let Some(m) = self.changed_since {
            if m == 0 || m > MAX_MODSEQ {
                return Err(EncodeError::Invalid {
                    command,
                    reason: "CHANGEDSINCE must be between 1 and 2^63-1",
                });
            }
            w.raw(b"CHANGEDSINCE ");
            w.number(m);
            if self.vanished {
                w.raw(b" VANISHED");
            }
        }
        if let Some(p) = &self.partial {
            if self.changed_since.is_some() {
                w.sp();
            }
            w.raw(b"PARTIAL ");
            p.write(command, w)?;
        }
        w.raw(b")");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::EncodeOptions;
    use super::*;
    use crate::seq::SequenceSet;

    fn item(a: FetchAttr) -> String {
        let out = s(&Fetch::new(1, [a]));
        out.strip_prefix("t FETCH 1 (")
            .and_then(|x| x.strip_suffix(")\r\n"))
            .unwrap_or(&out)
            .to_string()
    }

    #[test]
    fn simple_items() {
        use FetchAttr as F;
        let cases = [
            (F::Envelope, "ENVELOPE"),
            (F::Flags, "FLAGS"),
            (F::InternalDate, "INTERNALDATE"),
            (F::Rfc822, "RFC822"),
            (F::Rfc822Header, "RFC822.HEADER"),
            (F::Rfc822Size, "RFC822.SIZE"),
            (F::Rfc822Text, "RFC822.TEXT"),
            (F::Body, "BODY"),
            (F::BodyStructure, "BODYSTRUCTURE"),
            (F::Uid, "UID"),
            (F::ModSeq, "MODSEQ"),
            (F::EmailId, "EMAILID"),
            (F::ThreadId, "THREADID"),
            (F::SaveDate, "SAVEDATE"),
            (F::Preview { lazy: false }, "PREVIEW"),
            (F::Preview { lazy: true }, "PREVIEW (LAZY)"),
            (F::GmMsgId, "X-GM-MSGID"),
            (F::GmThrId, "X-GM-THRID"),
            (F::GmLabels, "X-GM-LABELS"),
            (F::raw("X-SPECIAL[1]"), "X-SPECIAL[1]"),
        ];
        for (a, want) in cases {
            assert_eq!(item(a), want);
        }
    }

    #[test]
    fn sections() {
        use FetchAttr as F;
        let sec = |s: &str| s.parse::<Section>().unwrap();
        let cases = [
            (F::body(Section::default()), "BODY[]"),
            (F::body_peek(Section::header()), "BODY.PEEK[HEADER]"),
            (F::body(sec("1.2.3")), "BODY[1.2.3]"),
            (F::body(sec("1.2.MIME")), "BODY[1.2.MIME]"),
            (
                F::body(sec("4.TEXT")).partial(0, 100),
                "BODY[4.TEXT]<0.100>",
            ),
            (
                F::body(Section::default()).partial(1024, 512).peek(true),
                "BODY.PEEK[]<1024.512>",
            ),
            (F::body_peek(Section::default()).peek(false), "BODY[]"),
            (
                F::body(sec("HEADER.FIELDS (DATE FROM)")),
                "BODY[HEADER.FIELDS (DATE FROM)]",
            ),
            (
                F::header_fields_not(["Received"]),
                "BODY.PEEK[HEADER.FIELDS.NOT (Received)]",
            ),
            (
                F::header_fields(["X Weird", ""]),
                "BODY.PEEK[HEADER.FIELDS (\"X Weird\" \"\")]",
            ),
            (F::binary(&[]), "BINARY[]"),
            (F::binary(&[1, 2]).partial(0, 10), "BINARY[1.2]<0.10>"),
            (F::binary_peek(&[3]), "BINARY.PEEK[3]"),
            (F::binary_size(&[1]), "BINARY.SIZE[1]"),
            (F::Uid.partial(1, 2).peek(true), "UID"),
        ];
        for (a, want) in cases {
            assert_eq!(item(a), want);
        }
    }

    #[test]
    fn annotation() {
        assert_eq!(
            item(FetchAttr::annotation(["/comment"], ["value"])),
            "ANNOTATION (/comment value)"
        );
        assert_eq!(
            item(FetchAttr::annotation(
                ["/comment", "/altsubject"],
                ["value.priv", "value.shared"]
            )),
            "ANNOTATION ((/comment /altsubject) (value.priv value.shared))"
        );
        assert_eq!(
            item(FetchAttr::annotation(["*"], ["value"])),
            "ANNOTATION (* value)"
        );
        assert!(matches!(
            err(&Fetch::new(
                1,
                [FetchAttr::annotation(Vec::<String>::new(), ["value"])]
            )),
            EncodeError::Invalid { .. }
        ));
    }

    #[test]
    fn section_errors() {
        let bad = [
            FetchAttr::body(Section {
                part: vec![],
                text: Some(SectionText::Mime),
            }),
            FetchAttr::body(Section::part(&[1, 0])),
            FetchAttr::binary(&[0]),
            FetchAttr::body(Section::default()).partial(0, 0),
            FetchAttr::header_fields(Vec::<&str>::new()),
            FetchAttr::raw(""),
        ];
        for a in bad {
            assert!(
                matches!(
                    err(&Fetch::new(1, [a.clone()])),
                    EncodeError::Invalid { .. }
                ),
                "{a:?}"
            );
        }
    }

    #[test]
    fn crlf_injection() {
        // Header field names become literals.
        assert_eq!(
            s_with(
                &Fetch::new(1, [FetchAttr::header_fields(["From\r\nt2 LOGOUT"])]),
                PLUS
            ),
            "t FETCH 1 (BODY.PEEK[HEADER.FIELDS ({15+}\r\nFrom\r\nt2 LOGOUT)])\r\n"
        );
        // Raw items refuse line breaks.
        assert!(matches!(
            err(&Fetch::new(1, [FetchAttr::raw("FLAGS)\r\nt2 LOGOUT")])),
            EncodeError::LiteralNotAllowed { .. }
        ));
        // Annotation entries and attributes too.
        assert_eq!(
            s_with(
                &Fetch::new(1, [FetchAttr::annotation(["/a\r\n"], ["v\r\n"])]),
                PLUS
            ),
            "t FETCH 1 (ANNOTATION ({4+}\r\n/a\r\n {3+}\r\nv\r\n))\r\n"
        );
    }

    #[test]
    fn macros() {
        assert_eq!(s(&Fetch::new(1, [FetchAttr::All])), "t FETCH 1 ALL\r\n");
        assert_eq!(s(&Fetch::new(1, [FetchAttr::Fast])), "t FETCH 1 FAST\r\n");
        assert_eq!(s(&Fetch::new(1, [FetchAttr::Full])), "t FETCH 1 FULL\r\n");
        assert!(matches!(
            err(&Fetch::new(1, [FetchAttr::All, FetchAttr::Uid])),
            EncodeError::Invalid { .. }
        ));
        assert!(matches!(
            err(&Fetch::new(1, [])),
            EncodeError::Invalid { .. }
        ));
    }

    #[test]
    fn sets() {
        let set: SequenceSet = [9, 1, 2, 3, 5].into_iter().collect();
        assert_eq!(
            s(&Fetch::new(set, [FetchAttr::Flags])),
            "t FETCH 1:3,5,9 (FLAGS)\r\n"
        );
        assert_eq!(
            s(&Fetch::new(MessageSet::Saved, [FetchAttr::Flags])),
            "t FETCH $ (FLAGS)\r\n"
        );
        assert_eq!(
            err(&Fetch::new(SequenceSet::new(), [FetchAttr::Flags])),
            EncodeError::EmptySequenceSet { command: "FETCH" }
        );
        assert_eq!(
            err(&Fetch::new(0, [FetchAttr::Flags]).uid(true)),
            EncodeError::EmptySequenceSet {
                command: "UID FETCH"
            }
        );
    }

    #[test]
    fn modifiers() {
        assert_eq!(
            s(&Fetch::new(1..=10, [FetchAttr::Flags]).changed_since(5)),
            "t FETCH 1:10 (FLAGS) (CHANGEDSINCE 5)\r\n"
        );
        assert_eq!(
            s(&Fetch::new(.., [FetchAttr::Uid])
                .uid(true)
                .partial(PartialRange::last(1, 50))),
            "t UID FETCH 1:* (UID) (PARTIAL -1:-50)\r\n"
        );
        assert_eq!(
            s(&Fetch::new(.., [FetchAttr::Uid])
                .uid(true)
                .changed_since(9)
                .vanished(true)
                .partial(PartialRange::first(1, 5))),
            "t UID FETCH 1:* (UID) (CHANGEDSINCE 9 VANISHED PARTIAL 1:5)\r\n"
        );
        for bad in [
            Fetch::new(1, [FetchAttr::Flags])
                .changed_since(5)
                .vanished(true),
            Fetch::new(1, [FetchAttr::Flags]).uid(true).vanished(true),
            Fetch::new(1, [FetchAttr::Flags]).changed_since(0),
            Fetch::new(1, [FetchAttr::Flags]).changed_since(u64::MAX),
            Fetch::new(1, [FetchAttr::Flags]).partial(PartialRange::first(0, 1)),
        ] {
            assert!(matches!(err(&bad), EncodeError::Invalid { .. }), "{bad:?}");
        }
    }

    #[test]
    fn names_and_sequence_use() {
        let f = Fetch::new(1, [FetchAttr::Flags]);
        assert_eq!(f.name(), "FETCH");
        assert!(f.uses_sequence_numbers());
        assert!(!Fetch::new(MessageSet::Saved, [FetchAttr::Flags]).uses_sequence_numbers());
        let f = f.uid(true);
        assert_eq!(f.name(), "UID FETCH");
        assert!(!f.uses_sequence_numbers());
        assert!(!f.is_sensitive());
    }

    #[test]
    fn display() {
        assert!(FetchAttr::body(Section::part(&[0]))
            .to_string()
            .starts_with("<invalid"));
        assert_eq!(
            s_with(&Fetch::new(1, [FetchAttr::Flags]), EncodeOptions::default()),
            "t FETCH 1 (FLAGS)\r\n"
        );
    }
}
