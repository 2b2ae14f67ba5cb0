use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;

/// A command tag (`a001`), as the server echoed it.
///
/// ```
/// use imap4_proto::Tag;
/// let t = Tag::from("A1");
/// assert_eq!(t.as_str(), "A1");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Tag(pub(crate) Bytes);

impl Tag {
    /// The tag's bytes.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Response};
    /// let Response::Status(s) = parse_response(b"a7 OK NOOP completed.\r\n")? else { panic!() };
    /// assert_eq!(s.tag.unwrap().as_bytes(), b"a7");
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    /// The tag as text (tags are ASCII atoms; anything else shows lossily).
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Response};
    /// let Response::Status(s) = parse_response(b"a7 OK NOOP completed.\r\n")? else { panic!() };
    /// assert_eq!(s.tag.unwrap().as_str(), "a7");
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("<non-ascii tag>")
    }
}

impl From<&str> for Tag {
    fn from(s: &str) -> Self {
        Tag(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl From<String> for Tag {
    fn from(s: String) -> Self {
        Tag(Bytes::from(s))
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag({})", self.as_str())
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message flag (RFC 3501 2.3.2, RFC 9051 2.3.2).
///
/// System flags are recognised in any letter case; keywords keep the server's spelling.
///
/// ```
/// use imap4_proto::Flag;
/// assert_eq!(Flag::parse(b"\\SEEN"), Flag::Seen);
/// assert_eq!(Flag::parse(b"$Forwarded").to_string(), "$Forwarded");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Flag {
    /// `\Seen`
    Seen,
    /// `\Answered`
    Answered,
    /// `\Flagged`
    Flagged,
    /// `\Deleted`
    Deleted,
    /// `\Draft`
    Draft,
    /// `\Recent` (IMAP4rev1 only; servers never accept it in STORE)
    Recent,
    /// `\*` in PERMANENTFLAGS: the client may create new keywords.
    MayCreate,
    /// A keyword such as `$Forwarded`, `$Junk` or `NonJunk`.
    Keyword(Bytes),
    /// An unknown backslash flag (`\Foo`), kept with its backslash.
    Extension(Bytes),
}

impl Flag {
    /// Classifies one flag's bytes (with the backslash for system flags).
    ///
    /// ```
    /// use imap4_proto::Flag;
    /// assert_eq!(Flag::parse(b"\\flagged"), Flag::Flagged);
    /// assert_eq!(Flag::parse(b"$Junk"), Flag::keyword("$Junk"));
    /// assert!(matches!(Flag::parse(b"\\Important"), Flag::Extension(_)));
    /// ```
    pub fn parse(b: &[u8]) -> Flag {
        Self::from_bytes(Bytes::copy_from_slice(b))
    }

    pub(crate) fn from_bytes(b: Bytes) -> Flag {
        if b.first() == Some(&b'\\') {
            let name = &b[1..];
            let eq = |s: &str| name.eq_ignore_ascii_case(s.as_bytes());
            if eq("Seen") {
                Flag::Seen
            } else if eq("Answered") {
                Flag::Answered
            } else if eq("Flagged") {
                Flag::Flagged
            } else if eq("Deleted") {
                Flag::Deleted
            } else if eq("Draft") {
                Flag::Draft
            } else if eq("Recent") {
                Flag::Recent
            } else if name == b"*" {
                Flag::MayCreate
            } else {
                Flag::Extension(b)
            }
        } else {
            Flag::Keyword(b)
        }
    }

    /// The flag as it is written on the wire.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* FLAGS (\\Answered \\Flagged \\Seen $Forwarded)\r\n")?;
    /// let Response::Data(Data::Flags(flags)) = r else { panic!() };
    /// let names: Vec<_> = flags.iter().map(|f| f.as_str()).collect();
    /// assert_eq!(names, ["\\Answered", "\\Flagged", "\\Seen", "$Forwarded"]);
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn as_str(&self) -> Cow<'_, str> {
        match self {
            Flag::Seen => "\\Seen".into(),
            Flag::Answered => "\\Answered".into(),
            Flag::Flagged => "\\Flagged".into(),
            Flag::Deleted => "\\Deleted".into(),
            Flag::Draft => "\\Draft".into(),
            Flag::Recent => "\\Recent".into(),
            Flag::MayCreate => "\\*".into(),
            Flag::Keyword(b) | Flag::Extension(b) => String::from_utf8_lossy(b),
        }
    }

    /// A keyword flag from text (`Flag::keyword("$Forwarded")`).
    ///
    /// ```
    /// use imap4_proto::{parse_flags, Flag};
    /// let flags = parse_flags(b"* 4 FETCH (FLAGS (\\Seen $Forwarded))");
    /// assert!(flags.contains(&Flag::keyword("$Forwarded")));
    /// assert_eq!(Flag::keyword("NonJunk").to_string(), "NonJunk");
    /// ```
    pub fn keyword(s: &str) -> Flag {
        Flag::Keyword(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

/// One capability name as the server announced it (`IMAP4rev1`, `AUTH=PLAIN`, `IDLE`).
///
/// Capability names are case-insensitive; comparisons here ignore case.
///
/// ```
/// use imap4_proto::Capability;
/// let c = Capability::from("auth=PLAIN");
/// assert!(c.is("AUTH=plain"));
/// assert_eq!(c.auth_mechanism(), Some("PLAIN"));
/// ```
#[derive(Clone, Eq)]
pub struct Capability(pub(crate) Bytes);

impl Capability {
    /// The capability as text.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN\r\n")?;
    /// let Response::Data(Data::Capability(caps)) = r else { panic!() };
    /// let names: Vec<&str> = caps.iter().map(|c| c.as_str()).collect();
    /// assert_eq!(names, ["IMAP4rev1", "IDLE", "AUTH=PLAIN"]);
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
    /// The raw bytes.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* CAPABILITY IMAP4rev1 LITERAL+\r\n")?;
    /// let Response::Data(Data::Capability(caps)) = r else { panic!() };
    /// assert_eq!(caps[1].as_bytes(), b"LITERAL+");
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    /// Case-insensitive comparison with a capability name.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* CAPABILITY IMAP4rev1 IDLE UIDPLUS\r\n")?;
    /// let Response::Data(Data::Capability(caps)) = r else { panic!() };
    /// assert!(caps.iter().any(|c| c.is("uidplus")));
    /// assert!(!caps.iter().any(|c| c.is("MOVE")));
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn is(&self, name: &str) -> bool {
        self.0.eq_ignore_ascii_case(name.as_bytes())
    }
    /// For `AUTH=MECH`, the mechanism name.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=SCRAM-SHA-256 IDLE\r\n")?;
    /// let Response::Data(Data::Capability(caps)) = r else { panic!() };
    /// let mechs: Vec<_> = caps.iter().filter_map(|c| c.auth_mechanism()).collect();
    /// assert_eq!(mechs, ["PLAIN", "SCRAM-SHA-256"]);
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn auth_mechanism(&self) -> Option<&str> {
        // Byte-wise: a non-ASCII capability must not split a character (found by fuzzing).
        let b = self.as_bytes();
        if b.len() > 5 && b[..5].eq_ignore_ascii_case(b"AUTH=") {
            std::str::from_utf8(&b[5..]).ok()
        } else {
            None
        }
    }
}

impl PartialEq for Capability {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl std::hash::Hash for Capability {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for b in self.0.iter() {
            state.write_u8(b.to_ascii_uppercase());
        }
    }
}

impl From<&str> for Capability {
    fn from(s: &str) -> Self {
        Capability(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl fmt::Debug for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A mailbox name as the server sent it (modified UTF-7, or UTF-8 after `UTF8=ACCEPT`).
///
/// `INBOX` is case-insensitive and is normalised to upper case when parsed.
///
/// ```
/// use imap4_proto::Mailbox;
/// let m = Mailbox::from_wire(b"Entw&APw-rfe");
/// assert_eq!(m.name(), "Entwürfe");
/// assert!(Mailbox::from_wire(b"inbox").is_inbox());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Mailbox(pub(crate) Bytes);

impl Mailbox {
    /// A mailbox from its wire form (normalising `INBOX`).
    ///
    /// ```
    /// use imap4_proto::Mailbox;
    /// let m = Mailbox::from_wire(b"inbox");
    /// assert_eq!(m.as_bytes(), b"INBOX");
    /// assert_eq!(Mailbox::from_wire(b"Archive/2024").name(), "Archive/2024");
    /// ```
    pub fn from_wire(b: &[u8]) -> Mailbox {
        Self::from_bytes(Bytes::copy_from_slice(b))
    }

    pub(crate) fn from_bytes(b: Bytes) -> Mailbox {
        if b.len() == 5 && b.eq_ignore_ascii_case(b"INBOX") && &b[..] != b"INBOX" {
            Mailbox(Bytes::from_static(b"INBOX"))
        } else {
            Mailbox(b)
        }
    }

    /// The name exactly as the server sent it.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"\r\n")?;
    /// let Response::Data(Data::List(l)) = r else { panic!() };
    /// assert_eq!(l.mailbox.as_bytes(), b"Entw&APw-rfe");
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The decoded, human-readable name: modified UTF-7 decoded; names with 8-bit bytes
    /// (UTF-8 servers) are taken as UTF-8; undecodable names are shown lossily.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"\r\n")?;
    /// let Response::Data(Data::List(l)) = r else { panic!() };
    /// assert_eq!(l.mailbox.name(), "Entwürfe");
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn name(&self) -> String {
        crate::utf7::decode_lossy(&self.0)
    }

    /// Whether this is the INBOX.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* LIST (\\HasChildren) \"/\" inbox\r\n")?;
    /// let Response::Data(Data::List(l)) = r else { panic!() };
    /// assert!(l.mailbox.is_inbox());
    /// assert_eq!(l.mailbox.as_bytes(), b"INBOX");
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn is_inbox(&self) -> bool {
        self.0.eq_ignore_ascii_case(b"INBOX")
    }
}

impl fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mailbox({:?})", String::from_utf8_lossy(&self.0))
    }
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}
