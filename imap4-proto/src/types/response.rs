use bytes::Bytes;

use super::{Capability, Fetch, Flag, ListData, Mailbox, StatusItem, Tag};
use crate::seq::SequenceSet;

/// One complete server response (RFC 3501 7, RFC 9051 7).
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, Response, StatusKind};
/// let r = parse_response(b"* 172 EXISTS\r\n")?;
/// assert_eq!(r, Response::Data(Data::Exists(172)));
/// let Response::Status(s) = parse_response(b"a1 OK [READ-WRITE] SELECT completed\r\n")? else {
///     panic!()
/// };
/// assert_eq!(s.kind, StatusKind::Ok);
/// assert!(matches!(parse_response(b"+ idling\r\n")?, Response::Continue(_)));
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// A status response: tagged completion (`a1 OK ...`), untagged `* OK/NO/BAD`, the
    /// greeting (`* OK`, `* PREAUTH`) or `* BYE`.
    Status(Status),
    /// A continuation request (`+ ...`).
    Continue(Continue),
    /// Untagged server data (`* ...`).
    Data(Data),
}

/// The status of a status response.
///
/// ```
/// use imap4_proto::{decode::parse_response, Response, StatusKind};
/// let Response::Status(s) = parse_response(b"* PREAUTH IMAP4rev1 server logged in as Smith\r\n")?
/// else { panic!() };
/// assert_eq!(s.kind, StatusKind::PreAuth);
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusKind {
    /// `OK`
    Ok,
    /// `NO`: the command failed.
    No,
    /// `BAD`: protocol error in the command.
    Bad,
    /// `PREAUTH` (greeting only): already authenticated.
    PreAuth,
    /// `BYE`: the server is closing the connection.
    Bye,
}

impl StatusKind {
    /// The keyword as sent.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Response};
    /// let r = parse_response(b"a4 NO [TRYCREATE] Mailbox doesn't exist\r\n")?;
    /// let Response::Status(s) = r else { panic!() };
    /// assert_eq!(s.kind.as_str(), "NO");
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            StatusKind::Ok => "OK",
            StatusKind::No => "NO",
            StatusKind::Bad => "BAD",
            StatusKind::PreAuth => "PREAUTH",
            StatusKind::Bye => "BYE",
        }
    }
}

/// A status response (`a1 OK [READ-WRITE] SELECT completed`).
///
/// ```
/// use imap4_proto::{decode::parse_response, Code, Response, StatusKind, Tag};
/// let r = parse_response(b"a1 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n")?;
/// let Response::Status(s) = r else { panic!() };
/// assert_eq!(s.tag, Some(Tag::from("a1")));
/// assert_eq!(s.kind, StatusKind::Ok);
/// assert_eq!(s.code, Some(Code::ReadWrite));
/// assert_eq!(s.text, "Select completed (0.001 + 0.000 secs).");
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// The tag for a command completion; `None` for untagged status.
    pub tag: Option<Tag>,
    /// OK, NO, BAD, PREAUTH or BYE.
    pub kind: StatusKind,
    /// The response code in brackets, if any.
    pub code: Option<Code>,
    /// The human-readable text (may be empty; may hold 8-bit bytes).
    pub text: Bytes,
}

impl Status {
    /// The text, lossily decoded.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Response};
    /// let r = parse_response(b"* OK [ALERT] System shutdown in 10 minutes\r\n")?;
    /// let Response::Status(s) = r else { panic!() };
    /// assert_eq!(s.text_str(), "System shutdown in 10 minutes");
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn text_str(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.text)
    }
}

/// A continuation request: `+ text`, `+ [code] text` or `+ base64` (SASL challenge).
///
/// ```
/// use imap4_proto::{decode::parse_response, Response};
/// let Response::Continue(c) = parse_response(b"+ idling\r\n")? else { panic!() };
/// assert_eq!((c.code, &c.text[..]), (None, &b"idling"[..]));
/// // An AUTHENTICATE challenge is base64 text.
/// let r = parse_response(b"+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+\r\n")?;
/// let Response::Continue(c) = r else { panic!() };
/// assert_eq!(c.text, "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+");
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Continue {
    /// A response code, if the text began with one.
    pub code: Option<Code>,
    /// Everything after `+ ` (for AUTHENTICATE, the base64 challenge).
    pub text: Bytes,
}

/// A response code (RFC 3501 7.1, RFC 9051 7.1, RFC 5530 and extensions).
///
/// ```
/// use imap4_proto::{decode::parse_response, Code, Response};
/// let r = parse_response(b"a3 OK [APPENDUID 38505 3955] APPEND completed\r\n")?;
/// let Response::Status(s) = r else { panic!() };
/// let Some(Code::AppendUid { uid_validity, uids }) = s.code else { panic!() };
/// assert_eq!(uid_validity, 38505);
/// assert_eq!(uids.to_string(), "3955");
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Code {
    /// `ALERT`: the text must be shown to the user.
    Alert,
    /// `BADCHARSET (charsets)`.
    BadCharset(Vec<Bytes>),
    /// `CAPABILITY ...`.
    Capability(Vec<Capability>),
    /// `PARSE`: the server could not parse a message's headers.
    Parse,
    /// `PERMANENTFLAGS (...)`.
    PermanentFlags(Vec<Flag>),
    /// `READ-ONLY`.
    ReadOnly,
    /// `READ-WRITE`.
    ReadWrite,
    /// `TRYCREATE`: the target mailbox does not exist.
    TryCreate,
    /// `UIDNEXT n`.
    UidNext(u32),
    /// `UIDVALIDITY n`.
    UidValidity(u32),
    /// `UNSEEN n` (IMAP4rev1).
    Unseen(u32),
    /// `APPENDUID validity uids` (RFC 4315).
    AppendUid {
        /// UIDVALIDITY of the target mailbox.
        uid_validity: u32,
        /// The UIDs given to the appended messages.
        uids: SequenceSet,
    },
    /// `COPYUID validity source dest` (RFC 4315).
    CopyUid {
        /// UIDVALIDITY of the target mailbox.
        uid_validity: u32,
        /// Source UIDs, in the order the server copied them.
        source: SequenceSet,
        /// The new UIDs, in the same order.
        dest: SequenceSet,
    },
    /// `UIDNOTSTICKY` (RFC 4315).
    UidNotSticky,
    /// `HIGHESTMODSEQ n` (RFC 7162).
    HighestModSeq(u64),
    /// `NOMODSEQ` (RFC 7162).
    NoModSeq,
    /// `MODIFIED set` (RFC 7162): messages that failed UNCHANGEDSINCE.
    Modified(SequenceSet),
    /// `CLOSED` (RFC 7162): the previous mailbox is closed.
    Closed,
    /// `HASCHILDREN` (RFC 9051).
    HasChildren,
    /// `COMPRESSIONACTIVE` (RFC 4978).
    CompressionActive,
    /// `MAILBOXID (id)` (RFC 8474).
    MailboxId(Bytes),
    /// `TOOBIG` (RFC 4469).
    TooBig,
    /// `REFERRAL url` (RFC 2221).
    Referral(Bytes),
    /// `METADATA LONGENTRIES n` / `MAXSIZE n` / `TOOMANY` / `NOPRIVATE` (RFC 5464).
    Metadata(MetadataCode),
    /// One of the RFC 5530 codes without arguments (`UNAVAILABLE`, `AUTHENTICATIONFAILED`,
    /// `NONEXISTENT`, `ALREADYEXISTS`, `OVERQUOTA`, ...).
    Rfc5530(Rfc5530Code),
    /// Any other code: its name and the raw text of its argument.
    Other {
        /// The code's atom, as sent.
        name: Bytes,
        /// Everything between the name and `]`, if anything.
        value: Option<Bytes>,
    },
}

/// `METADATA` response-code variants (RFC 5464 4.2.1, 4.3).
///
/// ```
/// use imap4_proto::{decode::parse_response, Code, MetadataCode, Response};
/// let r = parse_response(b"a3 NO [METADATA MAXSIZE 1024] Annotation too large\r\n")?;
/// let Response::Status(s) = r else { panic!() };
/// assert_eq!(s.code, Some(Code::Metadata(MetadataCode::MaxSize(1024))));
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataCode {
    /// `LONGENTRIES n`
    LongEntries(u64),
    /// `MAXSIZE n`
    MaxSize(u64),
    /// `TOOMANY`
    TooMany,
    /// `NOPRIVATE`
    NoPrivate,
}

macro_rules! rfc5530 {
    ($($(#[$m:meta])* $v:ident = $s:literal,)*) => {
        /// Response codes from RFC 5530 (and RFC 9051 7.1) that take no argument.
        ///
        /// ```
        /// use imap4_proto::{decode::parse_response, Code, Response, Rfc5530Code};
        /// let r = parse_response(b"a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n")?;
        /// let Response::Status(s) = r else { panic!() };
        /// assert_eq!(s.code, Some(Code::Rfc5530(Rfc5530Code::AuthenticationFailed)));
        /// # Ok::<(), imap4_proto::ParseError>(())
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Rfc5530Code { $($(#[$m])* $v,)* }
        impl Rfc5530Code {
            /// The code's atom.
            ///
            /// ```
            /// use imap4_proto::{decode::parse_response, Code, Response};
            /// let r = parse_response(b"a2 NO [OVERQUOTA] Quota exceeded\r\n")?;
            /// let Response::Status(s) = r else { panic!() };
            /// let Some(Code::Rfc5530(code)) = s.code else { panic!() };
            /// assert_eq!(code.as_str(), "OVERQUOTA");
            /// # Ok::<(), imap4_proto::ParseError>(())
            /// ```
            pub fn as_str(self) -> &'static str { match self { $(Rfc5530Code::$v => $s,)* } }
            pub(crate) fn from_atom(a: &[u8]) -> Option<Self> {
                $(if a.eq_ignore_ascii_case($s.as_bytes()) { return Some(Rfc5530Code::$v); })*
                None
            }
        }
    };
}

rfc5530! {
    /// `UNAVAILABLE`
    Unavailable = "UNAVAILABLE",
    /// `AUTHENTICATIONFAILED`
    AuthenticationFailed = "AUTHENTICATIONFAILED",
    /// `AUTHORIZATIONFAILED`
    AuthorizationFailed = "AUTHORIZATIONFAILED",
    /// `EXPIRED`
    Expired = "EXPIRED",
    /// `PRIVACYREQUIRED`
    PrivacyRequired = "PRIVACYREQUIRED",
    /// `CONTACTADMIN`
    ContactAdmin = "CONTACTADMIN",
    /// `NOPERM`
    NoPerm = "NOPERM",
    /// `INUSE`
    InUse = "INUSE",
    /// `EXPUNGEISSUED`
    ExpungeIssued = "EXPUNGEISSUED",
    /// `CORRUPTION`
    Corruption = "CORRUPTION",
    /// `SERVERBUG`
    ServerBug = "SERVERBUG",
    /// `CLIENTBUG`
    ClientBug = "CLIENTBUG",
    /// `CANNOT`
    Cannot = "CANNOT",
    /// `LIMIT`
    Limit = "LIMIT",
    /// `OVERQUOTA`
    OverQuota = "OVERQUOTA",
    /// `ALREADYEXISTS`
    AlreadyExists = "ALREADYEXISTS",
    /// `NONEXISTENT`
    NonExistent = "NONEXISTENT",
    /// `UNKNOWN-CTE` (RFC 3516)
    UnknownCte = "UNKNOWN-CTE",
    /// `NOTSAVED` (RFC 5182)
    NotSaved = "NOTSAVED",
    /// `USEATTR` (RFC 6154)
    UseAttr = "USEATTR",
    /// `NOTIFICATIONOVERFLOW` (RFC 5465)
    NotificationOverflow = "NOTIFICATIONOVERFLOW",
}

/// Untagged server data (RFC 3501 7.2-7.4, RFC 9051 7.2-7.5, extensions).
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, Response};
/// let Response::Data(d) = parse_response(b"* SEARCH 2 84 882\r\n")? else { panic!() };
/// assert_eq!(d, Data::Search { nums: vec![2, 84, 882], modseq: None });
/// let Response::Data(d) = parse_response(b"* 44 EXPUNGE\r\n")? else { panic!() };
/// assert_eq!(d, Data::Expunge(44));
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Data {
    /// `* CAPABILITY ...`
    Capability(Vec<Capability>),
    /// `* LIST (...) "/" name ...`
    List(ListData),
    /// `* LSUB (...) "/" name`
    Lsub(ListData),
    /// `* STATUS name (items)`
    Status {
        /// The mailbox.
        mailbox: Mailbox,
        /// The items the server returned.
        items: Vec<StatusItem>,
    },
    /// `* FLAGS (...)`
    Flags(Vec<Flag>),
    /// `* n EXISTS`
    Exists(u32),
    /// `* n RECENT`
    Recent(u32),
    /// `* n EXPUNGE`
    Expunge(u32),
    /// `* SEARCH n n ... [(MODSEQ m)]`
    Search {
        /// The matching numbers (sequence numbers or UIDs).
        nums: Vec<u32>,
        /// The CONDSTORE highest mod-sequence of the matches.
        modseq: Option<u64>,
    },
    /// `* ESEARCH ...` (RFC 4731)
    ESearch(ESearch),
    /// `* SORT n n ... [(MODSEQ m)]` (RFC 5256)
    Sort {
        /// The numbers in sort order.
        nums: Vec<u32>,
        /// CONDSTORE highest mod-sequence.
        modseq: Option<u64>,
    },
    /// `* THREAD (...)...` (RFC 5256)
    Thread(Vec<Thread>),
    /// `* NAMESPACE personal other shared` (RFC 2342)
    Namespace(Namespaces),
    /// `* ID (...)` or `* ID NIL` (RFC 2971)
    Id(Vec<(Bytes, Option<Bytes>)>),
    /// `* ENABLED ...` (RFC 5161)
    Enabled(Vec<Capability>),
    /// `* QUOTA root (resource usage limit ...)` (RFC 9208)
    Quota {
        /// The quota root.
        root: Bytes,
        /// The resources with usage and limit.
        resources: Vec<QuotaResource>,
    },
    /// `* QUOTAROOT mailbox root ...`
    QuotaRoot {
        /// The mailbox asked about.
        mailbox: Mailbox,
        /// Its quota roots (may be empty).
        roots: Vec<Bytes>,
    },
    /// `* ACL mailbox id rights ...` (RFC 4314)
    Acl {
        /// The mailbox.
        mailbox: Mailbox,
        /// (identifier, rights) pairs.
        entries: Vec<(Bytes, Bytes)>,
    },
    /// `* LISTRIGHTS mailbox id required optional...` (RFC 4314)
    ListRights {
        /// The mailbox.
        mailbox: Mailbox,
        /// The identifier asked about.
        identifier: Bytes,
        /// Rights always granted.
        required: Bytes,
        /// Groups of rights that may be granted together.
        optional: Vec<Bytes>,
    },
    /// `* MYRIGHTS mailbox rights` (RFC 4314)
    MyRights {
        /// The mailbox.
        mailbox: Mailbox,
        /// The rights the user has.
        rights: Bytes,
    },
    /// `* METADATA mailbox ...` (RFC 5464)
    Metadata {
        /// The mailbox (empty for server metadata).
        mailbox: Mailbox,
        /// Values, or the names of changed entries (unsolicited form).
        entries: MetadataEntries,
    },
    /// `* ANNOTATION mailbox entry (attr value ...)` (draft ANNOTATEMORE, Cyrus; imaplib's
    /// `getannotation`).
    Annotation {
        /// The mailbox.
        mailbox: Mailbox,
        /// The entry name.
        entry: Bytes,
        /// (attribute, value) pairs.
        attributes: AttrValues,
    },
    /// `* VANISHED [(EARLIER)] uids` (RFC 7162)
    Vanished {
        /// `(EARLIER)`: a reply to a FETCH/SELECT, not a new expunge.
        earlier: bool,
        /// The UIDs that are gone.
        uids: SequenceSet,
    },
    /// `* n FETCH (...)`
    Fetch(Fetch),
    /// Any other untagged data: the first word and the rest of the response, raw.
    Other {
        /// The keyword (or number) after `* `.
        name: Bytes,
        /// The rest of the response after the name and one space (literals included).
        rest: Bytes,
    },
}

/// An ESEARCH response (RFC 4731, RFC 9051 7.3.4).
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, ESearchItem, Response};
/// let r = parse_response(b"* ESEARCH (TAG \"a5\") UID MIN 7 COUNT 3\r\n")?;
/// let Response::Data(Data::ESearch(e)) = r else { panic!() };
/// assert_eq!(e.tag.as_deref(), Some(&b"a5"[..]));
/// assert!(e.uid);
/// assert_eq!(e.items, [ESearchItem::Min(7), ESearchItem::Count(3)]);
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ESearch {
    /// The tag of the command it answers (`(TAG "a1")`).
    pub tag: Option<Bytes>,
    /// Whether the numbers are UIDs.
    pub uid: bool,
    /// The returned items, in server order.
    pub items: Vec<ESearchItem>,
}

impl ESearch {
    /// The `COUNT` item.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* ESEARCH (TAG \"a5\") UID COUNT 17\r\n")?;
    /// let Response::Data(Data::ESearch(e)) = r else { panic!() };
    /// assert_eq!(e.count(), Some(17));
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn count(&self) -> Option<u32> {
        self.items.iter().find_map(|i| match i {
            ESearchItem::Count(n) => Some(*n),
            _ => None,
        })
    }
    /// The `ALL` item.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* ESEARCH (TAG \"a5\") UID ALL 4:6,9\r\n")?;
    /// let Response::Data(Data::ESearch(e)) = r else { panic!() };
    /// assert_eq!(e.all().unwrap().to_string(), "4:6,9");
    /// assert_eq!(e.count(), None);
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn all(&self) -> Option<&SequenceSet> {
        self.items.iter().find_map(|i| match i {
            ESearchItem::All(s) => Some(s),
            _ => None,
        })
    }
}

/// One ESEARCH return item.
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, ESearchItem, Response};
/// let r = parse_response(b"* ESEARCH (TAG \"a9\") MIN 2 MAX 47\r\n")?;
/// let Response::Data(Data::ESearch(e)) = r else { panic!() };
/// assert_eq!(e.items, [ESearchItem::Min(2), ESearchItem::Max(47)]);
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ESearchItem {
    /// `MIN n`
    Min(u32),
    /// `MAX n`
    Max(u32),
    /// `COUNT n`
    Count(u32),
    /// `ALL set`
    All(SequenceSet),
    /// `MODSEQ n` (RFC 7162)
    ModSeq(u64),
    /// `PARTIAL (range set)` (RFC 9394); `None` set when NIL.
    Partial {
        /// The requested range as sent back (e.g. `1:100` or `-1:-50`).
        range: Bytes,
        /// The matches in that range.
        set: Option<SequenceSet>,
    },
    /// An unknown return item, raw.
    Other {
        /// Item name.
        name: Bytes,
        /// Raw value.
        value: Bytes,
    },
}

/// A thread (RFC 5256 `thread-list`): a chain of messages followed by branches.
///
/// `(3 6 (4 23)(44 7 96))` is `Thread { messages: [3, 6], children: [[4, 23], [44, 7, 96]] }`:
/// 6 answers 3, and both 4 and 44 answer 6.
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, Response};
/// let r = parse_response(b"* THREAD (2)(3 6 (4 23)(44 7 96))\r\n")?;
/// let Response::Data(Data::Thread(threads)) = r else { panic!() };
/// assert_eq!(threads.len(), 2);
/// assert_eq!(threads[1].messages, [3, 6]);
/// assert_eq!(threads[1].children[1].messages, [44, 7, 96]);
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Thread {
    /// Messages in the chain, parent first (may be empty when a dummy root is omitted).
    pub messages: Vec<u32>,
    /// Sub-threads below the last message of the chain.
    pub children: Vec<Thread>,
}

impl Thread {
    /// Every message number in the thread, depth-first.
    ///
    /// ```
    /// use imap4_proto::{decode::parse_response, Data, Response};
    /// let r = parse_response(b"* THREAD (3 6 (4 23)(44 7 96))\r\n")?;
    /// let Response::Data(Data::Thread(threads)) = r else { panic!() };
    /// assert_eq!(threads[0].all_messages(), [3, 6, 4, 23, 44, 7, 96]);
    /// # Ok::<(), imap4_proto::ParseError>(())
    /// ```
    pub fn all_messages(&self) -> Vec<u32> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(t) = stack.pop() {
            out.extend_from_slice(&t.messages);
            stack.extend(t.children.iter().rev());
        }
        out
    }
}

/// The three namespace lists (RFC 2342).
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, Response};
/// let r = parse_response(b"* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) NIL\r\n")?;
/// let Response::Data(Data::Namespace(ns)) = r else { panic!() };
/// assert_eq!(ns.personal[0].prefix, "");
/// assert_eq!(ns.other[0].prefix, "Other Users/");
/// assert!(ns.shared.is_empty());
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Namespaces {
    /// The user's own namespaces.
    pub personal: Vec<Namespace>,
    /// Other users' namespaces.
    pub other: Vec<Namespace>,
    /// Shared namespaces.
    pub shared: Vec<Namespace>,
}

/// One namespace.
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, Response};
/// let r = parse_response(b"* NAMESPACE ((\"INBOX.\" \".\")) NIL ((\"#shared/\" \"/\"))\r\n")?;
/// let Response::Data(Data::Namespace(ns)) = r else { panic!() };
/// assert_eq!(ns.personal[0].prefix, "INBOX.");
/// assert_eq!(ns.personal[0].delimiter, Some(b'.'));
/// assert_eq!(ns.shared[0].prefix, "#shared/");
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Namespace {
    /// The prefix (`""`, `"INBOX."`, `"#shared/"`).
    pub prefix: Bytes,
    /// The hierarchy delimiter, `None` for a flat namespace.
    pub delimiter: Option<u8>,
    /// Extension data: (name, values).
    pub extensions: Vec<(Bytes, Vec<Bytes>)>,
}

/// One quota resource (RFC 9208 5.1).
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, Response};
/// let r = parse_response(b"* QUOTA \"User quota\" (STORAGE 10 512 MESSAGE 3 1000)\r\n")?;
/// let Response::Data(Data::Quota { root, resources }) = r else { panic!() };
/// assert_eq!(root, "User quota");
/// assert_eq!(resources[0].name, "STORAGE");
/// assert_eq!((resources[0].usage, resources[0].limit), (10, 512));
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaResource {
    /// `STORAGE`, `MESSAGE`, `MAILBOX`, `ANNOTATION-STORAGE`, ...
    pub name: Bytes,
    /// Current usage (STORAGE in KiB).
    pub usage: u64,
    /// The limit.
    pub limit: u64,
}

/// Annotation attributes with their values (`value.shared "x" size.shared "1"`); NIL
/// values are `None`.
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, Response};
/// let r = parse_response(
///     b"* ANNOTATION INBOX \"/comment\" (\"value.shared\" \"Just a note\" \
///       \"size.shared\" NIL)\r\n",
/// )?;
/// let Response::Data(Data::Annotation { attributes, .. }) = r else { panic!() };
/// assert_eq!(attributes[0].1.as_deref(), Some(&b"Just a note"[..]));
/// assert_eq!(attributes[1].1, None);
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
pub type AttrValues = Vec<(Bytes, Option<Bytes>)>;

/// What a METADATA response carries (RFC 5464 4.4).
///
/// ```
/// use imap4_proto::{decode::parse_response, Data, MetadataEntries, Response};
/// let r = parse_response(b"* METADATA \"INBOX\" (/private/comment \"My comment\")\r\n")?;
/// let Response::Data(Data::Metadata { entries, .. }) = r else { panic!() };
/// let MetadataEntries::Values(v) = entries else { panic!() };
/// assert_eq!(v[0].0, "/private/comment");
/// assert_eq!(v[0].1.as_deref(), Some(&b"My comment"[..]));
/// # Ok::<(), imap4_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum MetadataEntries {
    /// `(entry value ...)`: entries with their values (NIL: no value).
    Values(Vec<(Bytes, Option<Bytes>)>),
    /// `entry entry ...`: the unsolicited form naming entries that changed.
    Names(Vec<Bytes>),
}
