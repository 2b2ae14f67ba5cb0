use bytes::Bytes;

use super::Mailbox;

/// A LIST or LSUB reply (RFC 3501 7.2.2, RFC 5258, RFC 6154, RFC 9051 7.3.1).
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, MailboxAttr, Response};
/// let r = parse_response(b"* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"\r\n")?;
/// let Response::Data(Data::List(l)) = r else { panic!() };
/// assert_eq!(l.attributes, [MailboxAttr::HasNoChildren, MailboxAttr::Sent]);
/// assert_eq!(l.delimiter, Some(b'/'));
/// assert_eq!(l.mailbox.name(), "Sent Items");
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ListData {
    /// Name attributes (`\HasChildren`, `\Sent`, ...).
    pub attributes: Vec<MailboxAttr>,
    /// The hierarchy delimiter; `None` when the server sent NIL (flat hierarchy).
    pub delimiter: Option<u8>,
    /// The mailbox name.
    pub mailbox: Mailbox,
    /// LIST-EXTENDED data: `CHILDINFO`, `OLDNAME`, ... as (tag, raw value).
    pub extended: Vec<(Bytes, ListExtValue)>,
}

impl ListData {
    /// Whether the attribute is present.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, MailboxAttr, Response};
    /// let r = parse_response(b"* LIST (\\Noselect \\HasChildren) \"/\" Public\r\n")?;
    /// let Response::Data(Data::List(l)) = r else { panic!() };
    /// assert!(l.has(&MailboxAttr::NoSelect));
    /// assert!(!l.has(&MailboxAttr::HasNoChildren));
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn has(&self, attr: &MailboxAttr) -> bool {
        self.attributes.contains(attr)
    }
    /// The special-use attribute, if any (RFC 6154).
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, MailboxAttr, Response};
    /// let r = parse_response(b"* LIST (\\HasNoChildren \\Trash) \"/\" Trash\r\n")?;
    /// let Response::Data(Data::List(l)) = r else { panic!() };
    /// assert_eq!(l.special_use(), Some(&MailboxAttr::Trash));
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn special_use(&self) -> Option<&MailboxAttr> {
        self.attributes.iter().find(|a| a.is_special_use())
    }
    /// `CHILDINFO` values (`SUBSCRIBED`) from LIST-EXTENDED.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* LIST () \"/\" Foo (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n")?;
    /// let Response::Data(Data::List(l)) = r else { panic!() };
    /// assert_eq!(l.child_info(), ["SUBSCRIBED"]);
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn child_info(&self) -> Vec<Bytes> {
        self.extended
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(b"CHILDINFO"))
            .flat_map(|(_, v)| v.strings())
            .collect()
    }
}

/// A LIST-EXTENDED extension value (RFC 5258 `mbox-list-extended-item-data`).
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, ListExtValue, Response};
/// let r = parse_response(b"* LIST () \"/\" Foo (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n")?;
/// let Response::Data(Data::List(l)) = r else { panic!() };
/// let (tag, value) = &l.extended[0];
/// assert_eq!(tag, "CHILDINFO");
/// assert!(matches!(value, ListExtValue::List(items) if items.len() == 1));
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum ListExtValue {
    /// A string, atom or number.
    String(Bytes),
    /// A parenthesised list.
    List(Vec<ListExtValue>),
}

impl ListExtValue {
    /// All strings in the value, flattened.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* LIST () \"/\" Foo (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n")?;
    /// let Response::Data(Data::List(l)) = r else { panic!() };
    /// assert_eq!(l.extended[0].1.strings(), ["SUBSCRIBED"]);
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn strings(&self) -> Vec<Bytes> {
        match self {
            ListExtValue::String(b) => vec![b.clone()],
            ListExtValue::List(l) => l.iter().flat_map(|v| v.strings()).collect(),
        }
    }
}

macro_rules! attrs {
    ($($(#[$m:meta])* $v:ident = $s:literal, $su:literal;)*) => {
        /// A mailbox name attribute (RFC 3501 7.2.2, RFC 5258, RFC 6154, RFC 8457, RFC 9051).
        ///
        /// Recognised in any letter case (Cyrus sends `\drafts`).
        ///
        /// ```
        /// use imap4_proto::MailboxAttr;
        /// assert_eq!(MailboxAttr::parse(b"\\drafts"), MailboxAttr::Drafts);
        /// assert!(MailboxAttr::Sent.is_special_use());
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum MailboxAttr {
            $($(#[$m])* $v,)*
            /// Any other attribute, as sent.
            Other(Bytes),
        }
        impl MailboxAttr {
            /// Classifies an attribute (with its backslash).
            ///
            /// ```
            /// use imap4_proto::MailboxAttr;
            /// assert_eq!(MailboxAttr::parse(b"\\HasNoChildren"), MailboxAttr::HasNoChildren);
            /// assert_eq!(MailboxAttr::parse(b"\\junk"), MailboxAttr::Junk);
            /// assert!(matches!(MailboxAttr::parse(b"\\XList"), MailboxAttr::Other(_)));
            /// ```
            pub fn parse(b: &[u8]) -> MailboxAttr {
                Self::from_bytes(Bytes::copy_from_slice(b))
            }
            pub(crate) fn from_bytes(b: Bytes) -> MailboxAttr {
                $(if b.eq_ignore_ascii_case($s.as_bytes()) { return MailboxAttr::$v; })*
                MailboxAttr::Other(b)
            }
            /// The attribute as written on the wire.
            ///
            /// ```
            /// use imap4_proto::{decode::parse_response, Data, Response};
            /// let r = parse_response(b"* LIST (\\HasNoChildren \\drafts) \"/\" Drafts\r\n")?;
            /// let Response::Data(Data::List(l)) = r else { panic!() };
            /// let attrs: Vec<_> = l.attributes.iter().map(|a| a.as_str()).collect();
            /// assert_eq!(attrs, ["\\HasNoChildren", "\\Drafts"]);
            /// # Ok::<(), imap4_proto::ParseError>(())
            /// ```
            pub fn as_str(&self) -> std::borrow::Cow<'_, str> {
                match self {
                    $(MailboxAttr::$v => $s.into(),)*
                    MailboxAttr::Other(b) => String::from_utf8_lossy(b),
                }
            }
            /// Whether this is a special-use attribute (RFC 6154, RFC 8457).
            ///
            /// ```
            /// use imap4_proto::MailboxAttr;
            /// assert!(MailboxAttr::Archive.is_special_use());
            /// assert!(!MailboxAttr::HasChildren.is_special_use());
            /// ```
            pub fn is_special_use(&self) -> bool {
                match self { $(MailboxAttr::$v => $su,)* MailboxAttr::Other(_) => false }
            }
        }
    };
}

attrs! {
    /// `\Noinferiors`
    NoInferiors = "\\Noinferiors", false;
    /// `\Noselect`
    NoSelect = "\\Noselect", false;
    /// `\Marked`
    Marked = "\\Marked", false;
    /// `\Unmarked`
    Unmarked = "\\Unmarked", false;
    /// `\HasChildren`
    HasChildren = "\\HasChildren", false;
    /// `\HasNoChildren`
    HasNoChildren = "\\HasNoChildren", false;
    /// `\NonExistent`
    NonExistent = "\\NonExistent", false;
    /// `\Subscribed`
    Subscribed = "\\Subscribed", false;
    /// `\Remote`
    Remote = "\\Remote", false;
    /// `\All`
    All = "\\All", true;
    /// `\Archive`
    Archive = "\\Archive", true;
    /// `\Drafts`
    Drafts = "\\Drafts", true;
    /// `\Flagged`
    Flagged = "\\Flagged", true;
    /// `\Junk`
    Junk = "\\Junk", true;
    /// `\Sent`
    Sent = "\\Sent", true;
    /// `\Trash`
    Trash = "\\Trash", true;
    /// `\Important` (RFC 8457)
    Important = "\\Important", true;
}

/// One STATUS item (RFC 3501 6.3.10, RFC 9051 6.3.11, RFC 7162, RFC 8438, RFC 7889, RFC 8474).
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, Response, StatusItem};
/// let r = parse_response(b"* STATUS INBOX (MESSAGES 231 UIDNEXT 44292 UNSEEN 3)\r\n")?;
/// let Response::Data(Data::Status { mailbox, items }) = r else { panic!() };
/// assert!(mailbox.is_inbox());
/// assert_eq!(items[0], StatusItem::Messages(231));
/// assert_eq!(items[2], StatusItem::Unseen(3));
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusItem {
    /// `MESSAGES n`
    Messages(u32),
    /// `RECENT n` (IMAP4rev1)
    Recent(u32),
    /// `UIDNEXT n`
    UidNext(u32),
    /// `UIDVALIDITY n`
    UidValidity(u32),
    /// `UNSEEN n`
    Unseen(u32),
    /// `DELETED n` (IMAP4rev2)
    Deleted(u32),
    /// `SIZE n` (RFC 8438, IMAP4rev2)
    Size(u64),
    /// `HIGHESTMODSEQ n` (RFC 7162)
    HighestModSeq(u64),
    /// `APPENDLIMIT n` or `APPENDLIMIT NIL` (RFC 7889)
    AppendLimit(Option<u64>),
    /// `MAILBOXID (id)` (RFC 8474)
    MailboxId(Bytes),
    /// Any other numeric item.
    Other(Bytes, u64),
}
