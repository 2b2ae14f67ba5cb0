//! The command encoder.
//!
//! Each command is a small type implementing [`Command`]; its `encode` writes arguments
//! through a [`CommandWriter`], which picks the wire form of every string (atom, quoted or
//! literal) and splits the command into [`Fragment`]s at synchronizing literals, so a driver
//! can wait for the server's `+` before sending each literal.
//!
//! A CR or LF supplied by the caller can never end a command line: a string containing one
//! becomes a literal, and where literals are not allowed (atoms, flags, tags) it is an
//! [`EncodeError`].
//!
//! ```
//! use imap4_proto::encode::{Command, EncodeOptions, Fetch, FetchAttr};
//! use imap4_proto::{SequenceSet, Tag};
//!
//! let cmd = Fetch::new(SequenceSet::range(1, 3)?, [FetchAttr::Uid, FetchAttr::Flags]).uid(true);
//! let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
//! assert_eq!(enc.to_bytes(), "a1 UID FETCH 1:3 (UID FLAGS)\r\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The commands, and the imaplib methods they replace
//!
//! | imaplib | here |
//! | --- | --- |
//! | `login` | [`Login`] |
//! | `authenticate`, `login_cram_md5` | [`Authenticate`] + [`AuthResponse`] |
//! | `starttls`, `capability`, `noop`, `logout`, `check`, `close`, `unselect`, `namespace` | [`StartTls`], [`Capability`], [`Noop`], [`Logout`], [`Check`], [`Close`], [`Unselect`], [`Namespace`] |
//! | `select(readonly=...)` | [`Select`] (`SELECT` / `EXAMINE`, CONDSTORE, QRESYNC) |
//! | `create`, `delete`, `rename`, `subscribe`, `unsubscribe` | [`Create`], [`Delete`], [`Rename`], [`Subscribe`], [`Unsubscribe`] |
//! | `list`, `lsub` | [`List`] (basic and LIST-EXTENDED), [`Lsub`] |
//! | `status` | [`Status`] |
//! | `append` | [`Append`] (MULTIAPPEND, CATENATE, BINARY, UTF8) |
//! | `expunge`, `uid('EXPUNGE', ...)` | [`Expunge`] |
//! | `search`, `uid('SEARCH', ...)` | [`Search`] with [`Criteria`] |
//! | `sort`, `thread` | [`Sort`], [`Thread`] |
//! | `fetch`, `uid('FETCH', ...)` | [`Fetch`] with [`FetchAttr`] |
//! | `partial` | [`Partial`] |
//! | `store` | [`Store`] |
//! | `copy`, `move` | [`Copy`](struct@Copy), [`Move`] |
//! | `enable` | [`Enable`] |
//! | (none) | [`Idle`], [`Id`], [`Compress`], [`Unauthenticate`], [`Notify`], [`GetMetadata`], [`SetMetadata`], [`ListRights`] |
//! | `getquota`, `getquotaroot`, `setquota` | [`GetQuota`], [`GetQuotaRoot`], [`SetQuota`] |
//! | `getacl`, `setacl`, `deleteacl`, `myrights` | [`GetAcl`], [`SetAcl`], [`DeleteAcl`], [`MyRights`] |
//! | `getannotation`, `setannotation` | [`GetAnnotation`], [`SetAnnotation`] |
//! | `proxyauth` | [`ProxyAuth`] |
//! | `xatom` | [`Raw`] |
//!
//! # Sequence numbers and pipelining
//!
//! [`Command::uses_sequence_numbers`] tells the connection which commands must not be sent
//! while a command that allows untagged `EXPUNGE` is in progress (RFC 3501 5.5). It is true
//! when the command carries message sequence numbers chosen by the client (non-UID FETCH,
//! STORE, COPY, MOVE, PARTIAL; a SEARCH/SORT/THREAD key that is a sequence set, even inside
//! UID SEARCH), and for every non-UID SEARCH, SORT and THREAD (their results are sequence
//! numbers). The saved-result marker `$` (RFC 5182, [`MessageSet::Saved`]) does not count:
//! the server keeps the saved result up to date across expunges, and RFC 5182 explicitly
//! lets a client pipeline `FETCH $` behind the `SEARCH RETURN (SAVE)` that fills it.
//!
//! # Credentials
//!
//! [`Command::is_sensitive`] is true for commands that carry secrets ([`Login`],
//! [`Authenticate`], a [`Raw`] marked sensitive); [`AuthResponse::is_sensitive`] likewise.
//! Drivers should keep such bytes out of trace logs.

use std::fmt;
use std::ops::{RangeFrom, RangeFull, RangeInclusive};

use bytes::{BufMut, Bytes, BytesMut};

use crate::date::InternalDate;
use crate::seq::SequenceSet;
use crate::types::{Flag, Tag};

mod acl;
mod annotation;
mod append;
mod auth;
mod compress;
mod copy;
mod enable;
mod expunge;
mod fetch;
mod id;
mod list;
mod mailbox;
mod metadata;
mod notify;
mod partial;
mod quota;
mod raw;
mod search;
mod select;
mod simple;
mod sort;
mod status;
mod store;
mod thread;

pub use self::acl::{DeleteAcl, GetAcl, ListRights, MyRights, SetAcl};
pub use self::annotation::{GetAnnotation, SetAnnotation};
pub use self::append::{
    into_crlf, normalize_line_endings, Append, AppendMessage, AppendStream, CatenatePart,
};
pub use self::auth::{base64_decode, base64_encode, AuthResponse, Authenticate, Login, ProxyAuth};
pub use self::compress::Compress;
pub use self::copy::{Copy, Move};
pub use self::enable::Enable;
pub use self::expunge::Expunge;
pub use self::fetch::{Fetch, FetchAttr};
pub use self::id::Id;
pub use self::list::{List, ListReturn, ListSelect, Lsub};
pub use self::mailbox::{Create, Delete, Rename, Subscribe, Unsubscribe};
pub use self::metadata::{GetMetadata, MetadataDepth, SetMetadata};
pub use self::notify::{MailboxFilter, Notify, NotifyEvent, NotifyGroup};
pub use self::partial::Partial;
pub use self::quota::{GetQuota, GetQuotaRoot, SetQuota};
pub use self::raw::{Raw, RawArg};
pub use self::search::{Criteria, ModSeqEntryType, PartialRange, Search, SearchDate, SearchReturn};
pub use self::select::{QResync, Select};
pub use self::simple::{
    Capability, Check, Close, Idle, Logout, Namespace, Noop, StartTls, Unauthenticate, Unselect,
};
pub use self::sort::{Sort, SortCriterion, SortKey};
pub use self::status::{Status, StatusAttr};
pub use self::store::{Store, StoreMode};
pub use self::thread::{Thread, ThreadAlgorithm};

/// What the server allows, which decides how strings are sent.
///
/// Build it from the server's capabilities; `Default` (all false) is the safe choice for an
/// unknown server. The options only change how strings and literals are written:
///
/// ```
/// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Search};
/// use imap4_proto::Tag;
///
/// let cmd = Search::new(Criteria::subject("Grüße")).charset("UTF-8");
/// let plain = EncodeOptions::default();
/// let enc = cmd.encode(Tag::from("a1"), plain)?;
/// assert_eq!(enc.to_bytes(), "a1 SEARCH CHARSET UTF-8 SUBJECT {7}\r\nGrüße\r\n");
/// assert!(enc.has_sync_literal());
///
/// let plus = EncodeOptions { literal_plus: true, ..plain };
/// let enc = cmd.encode(Tag::from("a1"), plus)?;
/// assert_eq!(enc.to_bytes(), "a1 SEARCH CHARSET UTF-8 SUBJECT {7+}\r\nGrüße\r\n");
///
/// let utf8 = EncodeOptions { utf8: true, ..plain };
/// let enc = Search::new(Criteria::subject("Grüße")).encode(Tag::from("a1"), utf8)?;
/// assert_eq!(enc.to_bytes(), "a1 SEARCH SUBJECT \"Grüße\"\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EncodeOptions {
    /// `LITERAL+` (RFC 7888): every literal may be non-synchronizing.
    pub literal_plus: bool,
    /// `LITERAL-` (RFC 7888): literals up to 4096 bytes may be non-synchronizing.
    pub literal_minus: bool,
    /// `UTF8=ACCEPT` is enabled (RFC 6855) or the server is IMAP4rev2 with UTF-8 quoted
    /// strings allowed: 8-bit UTF-8 may go in quoted strings.
    pub utf8: bool,
    /// `BINARY` (RFC 3516): `~{n}` literal8 may be sent.
    pub binary: bool,
}

/// A piece of an encoded command.
///
/// A driver sends the fragments in order; before a `Literal` with `sync: true` it waits for
/// the server's `+` continuation request.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Fragment, Login};
/// use imap4_proto::Tag;
///
/// let enc = Login::new("bob", "line\nbreak").encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(
///     enc.fragments,
///     [
///         Fragment::Line("a1 LOGIN bob {10}\r\n".into()),
///         Fragment::Literal { data: "line\nbreak".into(), sync: true },
///         Fragment::Line("\r\n".into()),
///     ]
/// );
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fragment {
    /// Command text. Ends with CRLF: either the end of the command or a literal header.
    Line(Bytes),
    /// Literal data announced by the previous line.
    Literal {
        /// The bytes.
        data: Bytes,
        /// Whether the server's continuation (`+`) must be awaited before sending it.
        sync: bool,
    },
}

/// An encoded command: its tag, name and fragments.
///
/// Returned by [`Command::encode`].
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Fragment, Select};
/// use imap4_proto::Tag;
///
/// let enc = Select::examine("INBOX").encode(Tag::from("a7"), EncodeOptions::default())?;
/// assert_eq!(enc.tag, Tag::from("a7"));
/// assert_eq!(enc.name, "EXAMINE");
/// assert_eq!(enc.fragments, [Fragment::Line("a7 EXAMINE INBOX\r\n".into())]);
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// The tag.
    pub tag: Tag,
    /// The command name (`FETCH`, `UID FETCH`, ...), for errors and tracing.
    pub name: &'static str,
    /// The fragments, to be sent in order.
    pub fragments: Vec<Fragment>,
}

impl Encoded {
    /// All bytes of the command, as one buffer (literals inline). Useful when every literal is
    /// non-synchronizing, and for tests.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, SetMetadata};
    /// use imap4_proto::Tag;
    ///
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let cmd = SetMetadata::new("INBOX", [("/private/comment", Some("two\r\nlines"))]);
    /// let enc = cmd.encode(Tag::from("a1"), plus)?;
    /// assert_eq!(
    ///     enc.to_bytes(),
    ///     "a1 SETMETADATA INBOX (/private/comment {10+}\r\ntwo\r\nlines)\r\n"
    /// );
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn to_bytes(&self) -> Bytes {
        let mut b = BytesMut::new();
        for f in &self.fragments {
            match f {
                Fragment::Line(l) => b.extend_from_slice(l),
                Fragment::Literal { data, .. } => b.extend_from_slice(data),
            }
        }
        b.freeze()
    }

    /// Whether any literal must wait for a continuation request.
    ///
    /// ```
    /// use imap4_proto::encode::{Append, Command, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Append::new("Drafts", "Subject: draft\r\n\r\n");
    /// assert!(cmd.encode(Tag::from("a1"), EncodeOptions::default())?.has_sync_literal());
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// assert!(!cmd.encode(Tag::from("a1"), plus)?.has_sync_literal());
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn has_sync_literal(&self) -> bool {
        self.fragments
            .iter()
            .any(|f| matches!(f, Fragment::Literal { sync: true, .. }))
    }
}

/// The caller asked for something that cannot be sent.
///
/// Returned by [`Command::encode`] before anything is sent: a command that fails to encode
/// never reaches the server.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeError, EncodeOptions, Fetch, FetchAttr, Store};
/// use imap4_proto::{Flag, SequenceSet, Tag};
///
/// let opts = EncodeOptions::default();
/// let err = Store::add_flags(1, [Flag::Recent]).encode(Tag::from("a1"), opts).unwrap_err();
/// assert_eq!(err, EncodeError::FlagNotAllowed { flag: "\\Recent".into() });
///
/// let err = Fetch::new(SequenceSet::default(), [FetchAttr::Flags])
///     .encode(Tag::from("a2"), opts)
///     .unwrap_err();
/// assert_eq!(err.to_string(), "empty sequence set: nothing to FETCH");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A value that must be an atom (flag, keyword, charset, item name) has characters an
    /// atom cannot hold (space, CR, LF, parentheses, quotes, ...).
    #[error("{what} {value:?} cannot be sent: it is not a valid atom")]
    InvalidAtom {
        /// What the value was for.
        what: &'static str,
        /// The value, lossily decoded.
        value: String,
    },
    /// A string holds a NUL byte, which IMAP strings cannot carry (only literal8 can).
    #[error("{what} contains a NUL byte, which IMAP cannot send here")]
    Nul {
        /// What the value was for.
        what: &'static str,
    },
    /// A literal is needed but not allowed in this position.
    #[error("{what} needs a literal (CR, LF or 8-bit bytes), which is not allowed here")]
    LiteralNotAllowed {
        /// What the value was for.
        what: &'static str,
    },
    /// An empty sequence set (never sent as `1:*`).
    #[error("empty sequence set: nothing to {command}")]
    EmptySequenceSet {
        /// The command.
        command: &'static str,
    },
    /// The command has no argument where one is required.
    #[error("{command}: {reason}")]
    Invalid {
        /// The command.
        command: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// A flag that clients may not set: `\Recent` (server-managed) or `\*` (only meaningful
    /// in PERMANENTFLAGS).
    #[error("flag {flag} cannot be stored or appended")]
    FlagNotAllowed {
        /// The flag as it would have been written.
        flag: String,
    },
}

/// A command that can be encoded.
///
/// Every command type of this module implements it; a new command only needs
/// [`name`](Self::name) and [`encode_args`](Self::encode_args):
///
/// ```
/// use imap4_proto::encode::{Command, CommandWriter, EncodeError, EncodeOptions};
/// use imap4_proto::Tag;
///
/// #[derive(Debug)]
/// struct XArchive {
///     mailbox: String,
/// }
///
/// impl Command for XArchive {
///     fn name(&self) -> &'static str {
///         "XARCHIVE"
///     }
///     fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
///         w.sp();
///         w.mailbox(&self.mailbox)
///     }
/// }
///
/// let cmd = XArchive { mailbox: "Sent Items".into() };
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 XARCHIVE \"Sent Items\"\r\n");
/// assert!(!cmd.uses_sequence_numbers() && !cmd.is_sensitive());
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
pub trait Command: fmt::Debug {
    /// The command name as sent (`"SELECT"`, `"UID FETCH"`).
    fn name(&self) -> &'static str;
    /// Whether the command refers to messages by sequence number (non-UID FETCH, STORE,
    /// COPY, MOVE, SEARCH, SORT, THREAD): such commands must not be pipelined while an
    /// EXPUNGE could renumber messages (RFC 3501 5.5). See the
    /// [module documentation](self#sequence-numbers-and-pipelining) for the exact rule.
    fn uses_sequence_numbers(&self) -> bool {
        false
    }
    /// Whether the encoded command carries credentials (a password, a SASL response) and
    /// must be kept out of trace logs. False unless a command says otherwise.
    fn is_sensitive(&self) -> bool {
        false
    }
    /// Whether the server's continuation requests (`+`) go to the driver instead of
    /// releasing the command's own literals: true for commands whose rest the driver
    /// sends itself, like [`AppendStream`]'s message. (AUTHENTICATE and IDLE are
    /// interactive by name.)
    fn interactive(&self) -> bool {
        false
    }
    /// Writes the arguments (everything after the name).
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError>;
    /// Writes the whole command: tag, name, arguments, CRLF.
    ///
    /// The tag must be a valid IMAP tag (`1*<ASTRING-CHAR except "+">`); anything else is
    /// [`EncodeError::InvalidAtom`].
    fn encode(&self, tag: Tag, opts: EncodeOptions) -> Result<Encoded, EncodeError> {
        let t = tag.as_bytes();
        if t.is_empty() || !t.iter().all(|&c| c != b'+' && is_astring_char(c)) {
            return Err(EncodeError::InvalidAtom {
                what: "tag",
                value: String::from_utf8_lossy(t).into_owned(),
            });
        }
        let mut w = CommandWriter::new(opts);
        w.raw(t);
        w.raw(b" ");
        w.raw(self.name().as_bytes());
        self.encode_args(&mut w)?;
        Ok(Encoded {
            tag,
            name: self.name(),
            fragments: w.finish(),
        })
    }
}

/// The messages a command works on: a [`SequenceSet`] of sequence numbers or UIDs, or `$`,
/// the result saved by `SEARCH RETURN (SAVE)` (RFC 5182).
///
/// Written in normalized form; an empty set is [`EncodeError::EmptySequenceSet`], never
/// `1:*`. The conversions from numbers and ranges make an empty set from `0` (0 is never a
/// message), which is then refused when encoded.
///
/// ```
/// use imap4_proto::encode::MessageSet;
/// use imap4_proto::SequenceSet;
///
/// assert_eq!(MessageSet::from(7).to_string(), "7");
/// assert_eq!(MessageSet::from(3..=1).to_string(), "1:3");
/// assert_eq!(MessageSet::from(10..).to_string(), "10:*");
/// assert_eq!(MessageSet::from(..).to_string(), "1:*");
/// assert_eq!(MessageSet::saved().to_string(), "$");
/// let set: SequenceSet = [5, 1, 2, 3].into_iter().collect();
/// assert_eq!(MessageSet::from(set).to_string(), "1:3,5");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MessageSet {
    /// Explicit numbers (sequence numbers or UIDs, depending on the command).
    Set(SequenceSet),
    /// `$`: the saved search result (RFC 5182 SEARCHRES).
    Saved,
}

impl MessageSet {
    /// `$`, the saved search result (RFC 5182).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Fetch, FetchAttr, MessageSet};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Fetch::new(MessageSet::saved(), [FetchAttr::Flags]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 FETCH $ (FLAGS)\r\n");
    /// assert!(!cmd.uses_sequence_numbers());
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    #[doc(alias = "$")]
    pub fn saved() -> MessageSet {
        MessageSet::Saved
    }
    /// Whether this is `$`.
    ///
    /// ```
    /// use imap4_proto::encode::MessageSet;
    /// assert!(MessageSet::saved().is_saved());
    /// assert!(!MessageSet::from(1..).is_saved());
    /// ```
    pub fn is_saved(&self) -> bool {
        matches!(self, MessageSet::Saved)
    }
    /// Whether this is an empty explicit set (which cannot be sent).
    ///
    /// ```
    /// use imap4_proto::encode::MessageSet;
    /// assert!(MessageSet::from(0).is_empty());
    /// assert!(!MessageSet::from(1..=5).is_empty());
    /// assert!(!MessageSet::saved().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        matches!(self, MessageSet::Set(s) if s.is_empty())
    }
}

impl fmt::Display for MessageSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageSet::Set(s) => fmt::Display::fmt(s, f),
            MessageSet::Saved => f.write_str("$"),
        }
    }
}

impl From<SequenceSet> for MessageSet {
    fn from(s: SequenceSet) -> Self {
        MessageSet::Set(s)
    }
}

impl From<&SequenceSet> for MessageSet {
    fn from(s: &SequenceSet) -> Self {
        MessageSet::Set(s.clone())
    }
}

impl From<u32> for MessageSet {
    fn from(n: u32) -> Self {
        MessageSet::Set(SequenceSet::single(n).unwrap_or_default())
    }
}

impl From<RangeInclusive<u32>> for MessageSet {
    fn from(r: RangeInclusive<u32>) -> Self {
        MessageSet::Set(SequenceSet::range(*r.start(), *r.end()).unwrap_or_default())
    }
}

impl From<RangeFrom<u32>> for MessageSet {
    /// `n..` is `n:*`.
    fn from(r: RangeFrom<u32>) -> Self {
        let set = SequenceSet::parse(format!("{}:*", r.start).as_bytes()).unwrap_or_default();
        MessageSet::Set(set)
    }
}

impl From<RangeFull> for MessageSet {
    /// `..` is `1:*`, every message.
    fn from(_: RangeFull) -> Self {
        MessageSet::Set(SequenceSet::all())
    }
}

/// Writes command arguments, choosing each string's wire form.
///
/// [`Command::encode`] creates one, writes the tag and name, and hands it to
/// [`Command::encode_args`]; a custom command (see [`Command`]) only calls its methods.
/// It can also be used on its own:
///
/// ```
/// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
///
/// let mut w = CommandWriter::new(EncodeOptions::default());
/// w.raw(b"XAPPLEPUSHSERVICE ");
/// w.list(&["aps-version", "2"], |w, s| w.string("key", s.as_bytes()))?;
/// let line = "XAPPLEPUSHSERVICE (\"aps-version\" \"2\")\r\n";
/// assert_eq!(w.finish(), [Fragment::Line(line.into())]);
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug)]
pub struct CommandWriter {
    buf: BytesMut,
    fragments: Vec<Fragment>,
    opts: EncodeOptions,
}

/// Whether `c` may appear in an atom (RFC 3501 ATOM-CHAR).
pub(crate) fn is_atom_char(c: u8) -> bool {
    c > 0x20 && c < 0x7f && !matches!(c, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
}

/// Whether `c` may appear in an unquoted astring (RFC 3501 ASTRING-CHAR).
pub(crate) fn is_astring_char(c: u8) -> bool {
    is_atom_char(c) || c == b']'
}

/// The wire form of a flag a client may send (STORE, APPEND, MODSEQ entry names):
/// `\Recent` and `\*` are refused, keywords and extension flags checked.
pub(crate) fn flag_bytes(flag: &Flag) -> Result<std::borrow::Cow<'_, [u8]>, EncodeError> {
    use std::borrow::Cow;
    match flag {
        Flag::Recent | Flag::MayCreate => Err(EncodeError::FlagNotAllowed {
            flag: flag.to_string(),
        }),
        Flag::Keyword(k) if is_atom(k) => Ok(Cow::Borrowed(&k[..])),
        Flag::Keyword(k) => Err(EncodeError::InvalidAtom {
            what: "keyword",
            value: String::from_utf8_lossy(k).into_owned(),
        }),
        Flag::Extension(e) if e.first() == Some(&b'\\') && is_atom(&e[1..]) => {
            Ok(Cow::Borrowed(&e[..]))
        }
        Flag::Extension(e) => Err(EncodeError::InvalidAtom {
            what: "flag",
            value: String::from_utf8_lossy(e).into_owned(),
        }),
        other => Ok(Cow::Owned(other.as_str().into_owned().into_bytes())),
    }
}

/// Whether `b` is a valid atom.
pub(crate) fn is_atom(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(|&c| is_atom_char(c))
}

impl CommandWriter {
    /// A writer for a server with the given options.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions};
    ///
    /// let opts = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let w = CommandWriter::new(opts);
    /// assert!(w.options().literal_plus);
    /// ```
    pub fn new(opts: EncodeOptions) -> Self {
        CommandWriter {
            buf: BytesMut::with_capacity(64),
            fragments: Vec::new(),
            opts,
        }
    }

    /// The options in force.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions};
    /// let w = CommandWriter::new(EncodeOptions::default());
    /// assert_eq!(w.options(), EncodeOptions::default());
    /// ```
    pub fn options(&self) -> EncodeOptions {
        self.opts
    }

    /// Raw bytes, unchecked (only for fixed syntax written by this crate).
    ///
    /// Nothing is checked: never pass caller-supplied data here (see [`text`](Self::text)).
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.raw(b"(CONDSTORE)");
    /// assert_eq!(w.finish(), [Fragment::Line("(CONDSTORE)\r\n".into())]);
    /// ```
    pub fn raw(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    /// One space.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.raw(b"A");
    /// w.sp();
    /// w.raw(b"B");
    /// assert_eq!(w.finish(), [Fragment::Line("A B\r\n".into())]);
    /// ```
    pub fn sp(&mut self) {
        self.buf.put_u8(b' ');
    }

    /// A decimal number.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.number(20010715194045007);
    /// assert_eq!(w.finish(), [Fragment::Line("20010715194045007\r\n".into())]);
    /// ```
    pub fn number(&mut self, n: u64) {
        let mut tmp = itoa_buf(n);
        self.buf.extend_from_slice(tmp.as_bytes_mut());
    }

    /// An atom (keywords, flags, charset names, item names), checked.
    ///
    /// `what` names the value in the error.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeError, EncodeOptions, Fragment};
    ///
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.atom("capability", b"QRESYNC")?;
    /// assert!(matches!(
    ///     w.atom("capability", b"TWO WORDS"),
    ///     Err(EncodeError::InvalidAtom { what: "capability", .. })
    /// ));
    /// assert_eq!(w.finish(), [Fragment::Line("QRESYNC\r\n".into())]);
    /// # Ok::<(), EncodeError>(())
    /// ```
    pub fn atom(&mut self, what: &'static str, a: &[u8]) -> Result<(), EncodeError> {
        // Flags (`\Seen`) and BODY[...] sections use characters beyond ATOM-CHAR; callers pass
        // those through `flag`/`raw`. Here only plain atoms.
        if !is_atom(a) {
            return Err(EncodeError::InvalidAtom {
                what,
                value: String::from_utf8_lossy(a).into_owned(),
            });
        }
        self.raw(a);
        Ok(())
    }

    /// An `astring`: atom when possible, else quoted, else literal.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
    ///
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.astring("user name", b"bob")?;
    /// w.sp();
    /// w.astring("user name", b"Bob Smith")?;
    /// assert_eq!(w.finish(), [Fragment::Line("bob \"Bob Smith\"\r\n".into())]);
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn astring(&mut self, what: &'static str, s: &[u8]) -> Result<(), EncodeError> {
        if !s.is_empty() && s.iter().all(|&c| is_astring_char(c)) {
            self.raw(s);
            Ok(())
        } else {
            self.string(what, s)
        }
    }

    /// A `string`: quoted when possible, else literal.
    ///
    /// Quoted strings escape `"` and `\`; CR, LF, 8-bit bytes without UTF-8, invalid UTF-8 and
    /// strings over 1024 bytes go as literals.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
    ///
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.string("value", b"say \"hi\"")?;
    /// assert_eq!(w.finish(), [Fragment::Line("\"say \\\"hi\\\"\"\r\n".into())]);
    ///
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.string("value", b"a\r\nb")?;
    /// assert_eq!(w.finish()[0], Fragment::Line("{4}\r\n".into()));
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn string(&mut self, what: &'static str, s: &[u8]) -> Result<(), EncodeError> {
        if s.contains(&0) {
            return Err(EncodeError::Nul { what });
        }
        let quotable = s.len() <= 1024
            && s.iter()
                .all(|&c| c != b'\r' && c != b'\n' && (c < 0x80 || self.opts.utf8));
        let quotable = quotable && (s.is_ascii() || std::str::from_utf8(s).is_ok());
        if quotable {
            self.buf.reserve(s.len() + 2);
            self.buf.put_u8(b'"');
            for &c in s {
                if c == b'"' || c == b'\\' {
                    self.buf.put_u8(b'\\');
                }
                self.buf.put_u8(c);
            }
            self.buf.put_u8(b'"');
            Ok(())
        } else {
            self.literal(s, false);
            Ok(())
        }
    }

    /// An `nstring`: NIL for `None`.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
    ///
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.nstring("ID value", Some(b"imap4"))?;
    /// w.sp();
    /// w.nstring("ID value", None)?;
    /// assert_eq!(w.finish(), [Fragment::Line("\"imap4\" NIL\r\n".into())]);
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn nstring(&mut self, what: &'static str, s: Option<&[u8]>) -> Result<(), EncodeError> {
        match s {
            None => {
                self.raw(b"NIL");
                Ok(())
            }
            Some(s) => self.string(what, s),
        }
    }

    /// A mailbox name: modified UTF-7 unless UTF-8 is enabled; `INBOX` in any case is sent
    /// as `INBOX`.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
    ///
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.mailbox("inbox")?;
    /// w.sp();
    /// w.mailbox("Entwürfe")?;
    /// w.sp();
    /// w.mailbox("Sent Items")?;
    /// assert_eq!(w.finish(), [Fragment::Line("INBOX Entw&APw-rfe \"Sent Items\"\r\n".into())]);
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn mailbox(&mut self, name: &str) -> Result<(), EncodeError> {
        if name.eq_ignore_ascii_case("INBOX") {
            self.raw(b"INBOX");
            return Ok(());
        }
        if self.opts.utf8 {
            self.astring("mailbox name", name.as_bytes())
        } else {
            let enc = crate::utf7::encode(name);
            self.astring("mailbox name", enc.as_bytes())
        }
    }

    /// A `list-mailbox` pattern (LIST, LSUB): like [`mailbox`](Self::mailbox), but the
    /// wildcards `*` and `%` may stay unquoted, and the name is not case-folded.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
    ///
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.list_mailbox("Archiv/%")?;
    /// w.sp();
    /// w.list_mailbox("Entwürfe*")?;
    /// assert_eq!(w.finish(), [Fragment::Line("Archiv/% Entw&APw-rfe*\r\n".into())]);
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn list_mailbox(&mut self, pattern: &str) -> Result<(), EncodeError> {
        let enc;
        let b = if self.opts.utf8 {
            pattern.as_bytes()
        } else {
            enc = crate::utf7::encode(pattern);
            enc.as_bytes()
        };
        if !b.is_empty()
            && b.iter()
                .all(|&c| is_astring_char(c) || c == b'%' || c == b'*')
        {
            self.raw(b);
            Ok(())
        } else {
            self.string("mailbox pattern", b)
        }
    }

    /// A flag for STORE or APPEND: a system flag (`\Seen`), a keyword (checked as an atom),
    /// or an extension flag (`\` followed by an atom). `\Recent` and `\*` are refused with
    /// [`EncodeError::FlagNotAllowed`].
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeError, EncodeOptions, Fragment};
    /// use imap4_proto::Flag;
    ///
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.flag(&Flag::Answered)?;
    /// assert!(matches!(w.flag(&Flag::Recent), Err(EncodeError::FlagNotAllowed { .. })));
    /// assert_eq!(w.finish(), [Fragment::Line("\\Answered\r\n".into())]);
    /// # Ok::<(), EncodeError>(())
    /// ```
    pub fn flag(&mut self, flag: &Flag) -> Result<(), EncodeError> {
        let b = flag_bytes(flag)?;
        self.raw(&b);
        Ok(())
    }

    /// A parenthesised `flag-list` (`(\Seen $Forwarded)`, `()` when empty); see
    /// [`flag`](Self::flag).
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
    /// use imap4_proto::Flag;
    ///
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.flag_list(&[Flag::Seen, Flag::keyword("$Forwarded")])?;
    /// w.sp();
    /// w.flag_list(&[])?;
    /// assert_eq!(w.finish(), [Fragment::Line("(\\Seen $Forwarded) ()\r\n".into())]);
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn flag_list(&mut self, flags: &[Flag]) -> Result<(), EncodeError> {
        self.list(flags, |w, f| w.flag(f))
    }

    /// A parenthesised list: `(` items separated by spaces `)`.
    ///
    /// `item` writes one element.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
    ///
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.list(&[512u64, 1000], |w, n| {
    ///     w.number(*n);
    ///     Ok(())
    /// })?;
    /// assert_eq!(w.finish(), [Fragment::Line("(512 1000)\r\n".into())]);
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn list<T>(
        &mut self,
        items: &[T],
        mut item: impl FnMut(&mut Self, &T) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        self.raw(b"(");
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                self.sp();
            }
            item(self, x)?;
        }
        self.raw(b")");
        Ok(())
    }

    /// A sequence set in normalized form, or `$`. An empty set is
    /// [`EncodeError::EmptySequenceSet`] naming `command`.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeError, EncodeOptions, Fragment, MessageSet};
    ///
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.sequence_set("FETCH", &MessageSet::from(4..))?;
    /// let empty = MessageSet::from(0);
    /// assert_eq!(
    ///     w.sequence_set("FETCH", &empty),
    ///     Err(EncodeError::EmptySequenceSet { command: "FETCH" })
    /// );
    /// assert_eq!(w.finish(), [Fragment::Line("4:*\r\n".into())]);
    /// # Ok::<(), EncodeError>(())
    /// ```
    pub fn sequence_set(
        &mut self,
        command: &'static str,
        set: &MessageSet,
    ) -> Result<(), EncodeError> {
        match set {
            MessageSet::Saved => self.raw(b"$"),
            MessageSet::Set(s) if s.is_empty() => {
                return Err(EncodeError::EmptySequenceSet { command })
            }
            MessageSet::Set(s) => self.raw(s.to_string().as_bytes()),
        }
        Ok(())
    }

    /// A quoted `date-time` (`"17-Jul-1996 02:44:25 -0700"`); an out-of-range date is
    /// [`EncodeError::Invalid`] naming `command`.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
    /// use imap4_proto::InternalDate;
    ///
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.date_time("APPEND", &InternalDate::new(1996, 7, 17, 2, 44, 25, -420)?)?;
    /// assert_eq!(w.finish(), [Fragment::Line("\"17-Jul-1996 02:44:25 -0700\"\r\n".into())]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn date_time(
        &mut self,
        command: &'static str,
        d: &InternalDate,
    ) -> Result<(), EncodeError> {
        d.validate().map_err(|_| EncodeError::Invalid {
            command,
            reason: "invalid date-time",
        })?;
        self.raw(d.to_quoted().as_bytes());
        Ok(())
    }

    /// Text written as is, checked only for CR, LF and NUL (which could end or corrupt the
    /// command line): for raw escape hatches.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeError, EncodeOptions, Fragment};
    ///
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.text("raw item", b"X-CUSTOM (a b)")?;
    /// assert!(w.text("raw item", b"x\r\nA2 LOGOUT").is_err());
    /// assert_eq!(w.finish(), [Fragment::Line("X-CUSTOM (a b)\r\n".into())]);
    /// # Ok::<(), EncodeError>(())
    /// ```
    pub fn text(&mut self, what: &'static str, b: &[u8]) -> Result<(), EncodeError> {
        if b.contains(&0) {
            return Err(EncodeError::Nul { what });
        }
        if b.iter().any(|&c| c == b'\r' || c == b'\n') {
            return Err(EncodeError::LiteralNotAllowed { what });
        }
        self.raw(b);
        Ok(())
    }

    /// Message data: a `literal`, or a `literal8` (`~{n}`) when `binary` is asked for or the
    /// data holds NUL bytes and the server has `BINARY`; NUL without `BINARY` is
    /// [`EncodeError::Nul`].
    pub(crate) fn message_data(
        &mut self,
        what: &'static str,
        data: &Bytes,
        binary: bool,
    ) -> Result<(), EncodeError> {
        let has_nul = data.contains(&0);
        if has_nul && !binary && !self.opts.binary {
            return Err(EncodeError::Nul { what });
        }
        self.literal_bytes(data.clone(), binary || has_nul);
        Ok(())
    }

    /// A literal (`{n}`, `{n+}`, or `~{n}` when `binary`), split into fragments.
    ///
    /// The literal is synchronizing unless LITERAL+ (or LITERAL- for at most 4096 bytes) is in
    /// the options.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
    ///
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.literal(b"hello", false);
    /// assert_eq!(
    ///     w.finish(),
    ///     [
    ///         Fragment::Line("{5}\r\n".into()),
    ///         Fragment::Literal { data: "hello".into(), sync: true },
    ///         Fragment::Line("\r\n".into()),
    ///     ]
    /// );
    /// ```
    pub fn literal(&mut self, data: &[u8], binary: bool) {
        self.literal_bytes(Bytes::copy_from_slice(data), binary);
    }

    /// Like [`literal`](Self::literal) but takes ownership of the data (no copy).
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
    /// use imap4_proto::Bytes;
    ///
    /// let opts = EncodeOptions { literal_minus: true, ..Default::default() };
    /// let mut w = CommandWriter::new(opts);
    /// w.literal_bytes(Bytes::from_static(b"\0\x01"), true);
    /// assert_eq!(w.finish()[..2], [
    ///     Fragment::Line("~{2+}\r\n".into()),
    ///     Fragment::Literal { data: Bytes::from_static(b"\0\x01"), sync: false },
    /// ]);
    /// ```
    pub fn literal_bytes(&mut self, data: Bytes, binary: bool) {
        let n = data.len() as u64;
        let nonsync = self.opts.literal_plus || (self.opts.literal_minus && data.len() <= 4096);
        if binary {
            self.buf.put_u8(b'~');
        }
        self.buf.put_u8(b'{');
        self.number(n);
        if nonsync {
            self.buf.put_u8(b'+');
        }
        self.raw(b"}\r\n");
        let line = self.buf.split().freeze();
        self.fragments.push(Fragment::Line(line));
        self.fragments.push(Fragment::Literal {
            data,
            sync: !nonsync,
        });
    }

    /// Ends the command with CRLF and returns its fragments.
    ///
    /// ```
    /// use imap4_proto::encode::{CommandWriter, EncodeOptions, Fragment};
    /// let mut w = CommandWriter::new(EncodeOptions::default());
    /// w.raw(b"a1 NOOP");
    /// assert_eq!(w.finish(), vec![Fragment::Line("a1 NOOP\r\n".into())]);
    /// ```
    pub fn finish(mut self) -> Vec<Fragment> {
        self.raw(b"\r\n");
        let line = self.buf.split().freeze();
        self.fragments.push(Fragment::Line(line));
        self.fragments
    }
}

struct NumBuf {
    buf: [u8; 20],
    start: usize,
}

impl NumBuf {
    fn as_bytes_mut(&mut self) -> &[u8] {
        &self.buf[self.start..]
    }
}

fn itoa_buf(mut n: u64) -> NumBuf {
    let mut buf = [0u8; 20];
    let mut i = 20;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    NumBuf { buf, start: i }
}

/// Test helpers shared by the command modules.
#[cfg(test)]
pub(crate) mod testutil {
    use super::*;

    /// LITERAL+ on.
    pub const PLUS: EncodeOptions = EncodeOptions {
        literal_plus: true,
        literal_minus: false,
        utf8: false,
        binary: false,
    };
    /// UTF8=ACCEPT on.
    pub const UTF8: EncodeOptions = EncodeOptions {
        literal_plus: false,
        literal_minus: false,
        utf8: true,
        binary: false,
    };
    /// BINARY on.
    pub const BINARY: EncodeOptions = EncodeOptions {
        literal_plus: false,
        literal_minus: false,
        utf8: false,
        binary: true,
    };

    /// Encodes with tag `t` and the given options.
    pub fn enc_with(cmd: &dyn Command, opts: EncodeOptions) -> Result<Encoded, EncodeError> {
        cmd.encode(Tag::from("t"), opts)
    }

    /// The whole command as a string (lossy), default options.
    pub fn s(cmd: &dyn Command) -> String {
        s_with(cmd, EncodeOptions::default())
    }

    /// The whole command as a string (lossy).
    pub fn s_with(cmd: &dyn Command, opts: EncodeOptions) -> String {
        let e = enc_with(cmd, opts).unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        check_lines(&e);
        String::from_utf8_lossy(&e.to_bytes()).into_owned()
    }

    /// The error, default options.
    pub fn err(cmd: &dyn Command) -> EncodeError {
        enc_with(cmd, EncodeOptions::default()).expect_err("should fail")
    }

    /// Every line fragment ends with CRLF and holds no other CR or LF.
    pub fn check_lines(e: &Encoded) {
        for f in &e.fragments {
            if let Fragment::Line(l) = f {
                assert!(l.ends_with(b"\r\n"), "{l:?}");
                let body = &l[..l.len() - 2];
                assert!(
                    !body.iter().any(|&c| c == b'\r' || c == b'\n' || c == 0),
                    "{l:?}"
                );
            }
        }
        assert!(matches!(e.fragments.last(), Some(Fragment::Line(_))));
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::*;
    use super::*;
    use proptest::prelude::*;

    fn w(opts: EncodeOptions) -> CommandWriter {
        CommandWriter::new(opts)
    }

    fn lines(frags: &[Fragment]) -> Vec<Bytes> {
        frags
            .iter()
            .filter_map(|f| match f {
                Fragment::Line(l) => Some(l.clone()),
                _ => None,
            })
            .collect()
    }

    /// Undoes the quoting of a quoted string.
    fn unquote(q: &[u8]) -> Option<Vec<u8>> {
        let inner = q.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
        let mut out = Vec::new();
        let mut esc = false;
        for &c in inner {
            if esc {
                if c != b'"' && c != b'\\' {
                    return None;
                }
                out.push(c);
                esc = false;
            } else if c == b'\\' {
                esc = true;
            } else if c == b'"' {
                return None;
            } else {
                out.push(c);
            }
        }
        (!esc).then_some(out)
    }

    #[test]
    fn astring_forms() {
        let mut x = w(EncodeOptions::default());
        x.astring("t", b"abc]").unwrap();
        x.sp();
        x.astring("t", b"").unwrap();
        x.sp();
        x.astring("t", b"a b").unwrap();
        x.sp();
        x.astring("t", br#"q"b\s"#).unwrap();
        x.sp();
        x.astring("t", b"a%*").unwrap();
        let f = x.finish();
        assert_eq!(
            f,
            vec![Fragment::Line(Bytes::from_static(
                b"abc] \"\" \"a b\" \"q\\\"b\\\\s\" \"a%*\"\r\n"
            ))]
        );
    }

    #[test]
    fn literal_forms() {
        // Synchronizing by default.
        let mut x = w(EncodeOptions::default());
        x.string("t", b"a\r\nb").unwrap();
        let f = x.finish();
        assert_eq!(
            f,
            vec![
                Fragment::Line(Bytes::from_static(b"{4}\r\n")),
                Fragment::Literal {
                    data: Bytes::from_static(b"a\r\nb"),
                    sync: true
                },
                Fragment::Line(Bytes::from_static(b"\r\n")),
            ]
        );
        // LITERAL+.
        let mut x = w(PLUS);
        x.string("t", b"\n").unwrap();
        assert_eq!(lines(&x.finish())[0], "{1+}\r\n");
        // LITERAL-: non-sync up to 4096 bytes only.
        let minus = EncodeOptions {
            literal_minus: true,
            ..Default::default()
        };
        let mut x = w(minus);
        x.string("t", &[b'\n'; 4096]).unwrap();
        x.string("t", &[b'\n'; 4097]).unwrap();
        let f = x.finish();
        assert_eq!(lines(&f)[0], "{4096+}\r\n");
        assert_eq!(lines(&f)[1], "{4097}\r\n");
        assert!(matches!(f[3], Fragment::Literal { sync: true, .. }));
        // 8-bit: literal unless UTF-8 is on.
        let mut x = w(EncodeOptions::default());
        x.string("t", "é".as_bytes()).unwrap();
        assert_eq!(lines(&x.finish())[0], "{2}\r\n");
        let mut x = w(UTF8);
        x.string("t", "é".as_bytes()).unwrap();
        assert_eq!(lines(&x.finish())[0], "\"é\"\r\n");
        // Invalid UTF-8 is a literal even with UTF-8 on.
        let mut x = w(UTF8);
        x.string("t", b"\xff").unwrap();
        assert_eq!(lines(&x.finish())[0], "{1}\r\n");
        // Over 1024 bytes: literal.
        let mut x = w(EncodeOptions::default());
        x.string("t", &[b'a'; 1025]).unwrap();
        assert_eq!(lines(&x.finish())[0], "{1025}\r\n");
        // literal8
        let mut x = w(EncodeOptions::default());
        x.literal(b"\0", true);
        assert_eq!(lines(&x.finish())[0], "~{1}\r\n");
    }

    #[test]
    fn nul_refused() {
        let mut x = w(EncodeOptions::default());
        assert_eq!(
            x.string("password", b"a\0b"),
            Err(EncodeError::Nul { what: "password" })
        );
        assert_eq!(
            x.astring("user", b"\0"),
            Err(EncodeError::Nul { what: "user" })
        );
        assert!(x.nstring("v", Some(b"\0")).is_err());
    }

    #[test]
    fn atoms_checked() {
        let mut x = w(EncodeOptions::default());
        for bad in [
            &b""[..],
            b"a b",
            b"a\r\n",
            b"(x",
            b"x]",
            b"\"",
            b"a*",
            b"%",
            b"\\x",
            b"{1}",
        ] {
            assert!(
                matches!(x.atom("keyword", bad), Err(EncodeError::InvalidAtom { .. })),
                "{bad:?}"
            );
        }
        x.atom("keyword", b"$Forwarded").unwrap();
    }

    #[test]
    fn flags() {
        let mut x = w(EncodeOptions::default());
        x.flag_list(&[
            Flag::Seen,
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Draft,
            Flag::keyword("$Forwarded"),
            Flag::parse(b"\\Custom"),
        ])
        .unwrap();
        x.sp();
        x.flag_list(&[]).unwrap();
        assert_eq!(
            lines(&x.finish())[0],
            "(\\Seen \\Answered \\Flagged \\Deleted \\Draft $Forwarded \\Custom) ()\r\n"
        );
        let mut x = w(EncodeOptions::default());
        assert_eq!(
            x.flag(&Flag::Recent),
            Err(EncodeError::FlagNotAllowed {
                flag: "\\Recent".into()
            })
        );
        assert_eq!(
            x.flag(&Flag::MayCreate),
            Err(EncodeError::FlagNotAllowed { flag: "\\*".into() })
        );
        for bad in ["a b", "x\r\nA1 LOGOUT", "(x)", "", "\\Seen"] {
            assert!(
                matches!(
                    x.flag(&Flag::keyword(bad)),
                    Err(EncodeError::InvalidAtom { .. })
                ),
                "{bad:?}"
            );
        }
        assert!(x
            .flag(&Flag::Extension(Bytes::from_static(b"\\a b")))
            .is_err());
        assert!(x
            .flag(&Flag::Extension(Bytes::from_static(b"nobackslash")))
            .is_err());
    }

    #[test]
    fn mailboxes() {
        let mut x = w(EncodeOptions::default());
        x.mailbox("inbox").unwrap();
        x.sp();
        x.mailbox("Entwürfe").unwrap();
        x.sp();
        x.mailbox("My Folder").unwrap();
        x.sp();
        x.mailbox("").unwrap();
        x.sp();
        x.mailbox("a\r\nb").unwrap();
        assert_eq!(
            lines(&x.finish())[0],
            "INBOX Entw&APw-rfe \"My Folder\" \"\" a&AA0ACg-b\r\n"
        );
        // UTF-8 mode: raw UTF-8, CRLF becomes a literal.
        let mut x = w(UTF8);
        x.mailbox("Entwürfe").unwrap();
        x.sp();
        x.mailbox("a\r\nb").unwrap();
        let f = x.finish();
        assert_eq!(lines(&f)[0], "\"Entwürfe\" {4}\r\n");
        assert_eq!(lines(&f)[1], "\r\n");
        // Patterns keep their wildcards.
        let mut x = w(EncodeOptions::default());
        x.list_mailbox("*").unwrap();
        x.sp();
        x.list_mailbox("Archiv/%").unwrap();
        x.sp();
        x.list_mailbox("").unwrap();
        x.sp();
        x.list_mailbox("Büro *").unwrap();
        assert_eq!(lines(&x.finish())[0], "* Archiv/% \"\" \"B&APw-ro *\"\r\n");
    }

    #[test]
    fn sequence_sets() {
        let mut x = w(EncodeOptions::default());
        let set: SequenceSet = [5, 3, 1, 2].into_iter().collect();
        x.sequence_set("FETCH", &set.into()).unwrap();
        x.sp();
        x.sequence_set("FETCH", &MessageSet::Saved).unwrap();
        assert_eq!(lines(&x.finish())[0], "1:3,5 $\r\n");
        let mut x = w(EncodeOptions::default());
        assert_eq!(
            x.sequence_set("STORE", &SequenceSet::new().into()),
            Err(EncodeError::EmptySequenceSet { command: "STORE" })
        );
        assert_eq!(
            x.sequence_set("COPY", &MessageSet::from(0)),
            Err(EncodeError::EmptySequenceSet { command: "COPY" })
        );
        assert!(MessageSet::from(0..=5).is_empty());
        assert!(!MessageSet::saved().is_empty());
    }

    #[test]
    fn raw_text_checked() {
        let mut x = w(EncodeOptions::default());
        assert!(x.text("arg", b"a\r\nb").is_err());
        assert!(x.text("arg", b"a\nb").is_err());
        assert!(x.text("arg", b"a\0b").is_err());
        x.text("arg", b"(X \"y\")").unwrap();
    }

    #[test]
    fn tag_checked() {
        for bad in ["", "a b", "a+", "a\r\n", "a{1}", "*"] {
            let e = Noop
                .encode(Tag::from(bad), EncodeOptions::default())
                .unwrap_err();
            assert!(
                matches!(e, EncodeError::InvalidAtom { what: "tag", .. }),
                "{bad:?}"
            );
        }
        let e = Noop
            .encode(Tag::from("A001"), EncodeOptions::default())
            .unwrap();
        assert_eq!(e.to_bytes(), "A001 NOOP\r\n");
        assert_eq!(e.name, "NOOP");
    }

    #[test]
    fn default_trait_methods() {
        assert!(!Noop.is_sensitive());
        assert!(!Noop.uses_sequence_numbers());
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            EncodeError::EmptySequenceSet { command: "FETCH" }.to_string(),
            "empty sequence set: nothing to FETCH"
        );
        assert_eq!(
            EncodeError::FlagNotAllowed {
                flag: "\\Recent".into()
            }
            .to_string(),
            "flag \\Recent cannot be stored or appended"
        );
    }

    /// Checks one encoding of `s` made by `f`: the lines are clean, and the value reads back.
    fn check_roundtrip(
        s: &[u8],
        opts: EncodeOptions,
        f: impl Fn(&mut CommandWriter, &[u8]) -> Result<(), EncodeError>,
    ) -> Result<(), TestCaseError> {
        let mut x = CommandWriter::new(opts);
        x.raw(b"t X ");
        let r = f(&mut x, s);
        if s.contains(&0) {
            let is_nul = matches!(r, Err(EncodeError::Nul { .. }));
            prop_assert!(is_nul);
            return Ok(());
        }
        prop_assert!(r.is_ok());
        let frags = x.finish();
        for fr in &frags {
            if let Fragment::Line(l) = fr {
                prop_assert!(l.ends_with(b"\r\n"));
                let body = &l[..l.len() - 2];
                prop_assert!(!body.iter().any(|&c| c == b'\r' || c == b'\n'), "{:?}", l);
            }
        }
        match &frags[..] {
            [Fragment::Line(l)] => {
                let v = &l[4..l.len() - 2];
                if v.first() == Some(&b'"') {
                    let back = unquote(v);
                    prop_assert_eq!(back.as_deref(), Some(s));
                } else {
                    prop_assert_eq!(v, s);
                    prop_assert!(v.iter().all(|&c| is_astring_char(c)));
                }
            }
            [Fragment::Line(head), Fragment::Literal { data, sync }, Fragment::Line(tail)] => {
                let want = format!(
                    "t X {{{}{}}}\r\n",
                    s.len(),
                    if opts.literal_plus { "+" } else { "" }
                );
                prop_assert_eq!(&head[..], want.as_bytes());
                prop_assert_eq!(&data[..], s);
                prop_assert_eq!(*sync, !opts.literal_plus);
                prop_assert_eq!(&tail[..], b"\r\n");
            }
            other => prop_assert!(false, "unexpected fragments {:?}", other),
        }
        Ok(())
    }

    fn opts_strategy() -> impl Strategy<Value = EncodeOptions> {
        (any::<bool>(), any::<bool>()).prop_map(|(literal_plus, utf8)| EncodeOptions {
            literal_plus,
            utf8,
            ..Default::default()
        })
    }

    proptest! {
        #[test]
        fn string_never_breaks_the_line(
            s in proptest::collection::vec(any::<u8>(), 0..64),
            opts in opts_strategy(),
        ) {
            check_roundtrip(&s, opts, |w, s| w.string("s", s))?;
            check_roundtrip(&s, opts, |w, s| w.astring("s", s))?;
            check_roundtrip(&s, opts, |w, s| w.nstring("s", Some(s)))?;
        }

        #[test]
        fn text_like_strings_roundtrip(
            s in "[ -~\r\n\u{80}-\u{3000}]{0,40}",
            opts in opts_strategy(),
        ) {
            check_roundtrip(s.as_bytes(), opts, |w, s| w.string("s", s))?;
            check_roundtrip(s.as_bytes(), opts, |w, s| w.astring("s", s))?;
        }

        #[test]
        fn mailbox_never_breaks_the_line(s in any::<String>(), opts in opts_strategy()) {
            let mut x = CommandWriter::new(opts);
            let r = x.mailbox(&s);
            if opts.utf8 && s.contains('\0') {
                prop_assert!(r.is_err());
            } else {
                prop_assert!(r.is_ok());
                for fr in x.finish() {
                    if let Fragment::Line(l) = fr {
                        let body = &l[..l.len() - 2];
                        prop_assert!(!body.iter().any(|&c| c == b'\r' || c == b'\n'));
                    }
                }
            }
        }

        /// Whole commands built from arbitrary text: either refused, or every line
        /// fragment ends with its CRLF and holds no other CR, LF or NUL.
        #[test]
        fn commands_never_break_the_line(
            text in "[ -~\r\n\t\0\u{80}-\u{400}]{0,24}",
            opts in opts_strategy(),
        ) {
            let b = text.as_bytes();
            let cmds: Vec<Box<dyn Command>> = vec![
                Box::new(Login::new(b, b)),
                Box::new(Authenticate::new(&text).initial_response(b)),
                Box::new(Select::new(&text)),
                Box::new(Rename::new(&text, &text)),
                Box::new(List::new(&text, &text)),
                Box::new(Status::new(&text, [StatusAttr::Messages])),
                Box::new(Append::new(&text, b.to_vec()).flags([Flag::keyword(&text)])),
                Box::new(Search::new(Criteria::and([
                    Criteria::subject(b),
                    Criteria::header(b, b),
                    Criteria::keyword(b),
                    Criteria::gm_raw(b),
                ])).charset(&text)),
                Box::new(Sort::new([SortKey::Other(text.clone())], Criteria::from(b))),
                Box::new(Fetch::new(1, [FetchAttr::header_fields([b]), FetchAttr::raw(&text)])),
                Box::new(Store::add_labels(1, [b]).unchanged_since(1)),
                Box::new(Copy::new(1, &text)),
                Box::new(Enable::new([&text])),
                Box::new(Id::new().field(b, Some(b))),
                Box::new(SetAcl::new(&text, &text, &text)),
                Box::new(SetQuota::new(&text, [(&text, 1)])),
                Box::new(GetMetadata::new(&text, [&text])),
                Box::new(SetMetadata::new(&text, [(&text, Some(b))])),
                Box::new(GetAnnotation::new(&text, [&text], [&text])),
                Box::new(SetAnnotation::new(&text, &text, [(&text, Some(b))])),
                Box::new(Raw::new(&text).arg(RawArg::string(b)).arg(RawArg::raw(&text))),
            ];
            for cmd in &cmds {
                if let Ok(e) = cmd.encode(Tag::from("t"), opts) {
                    for f in &e.fragments {
                        if let Fragment::Line(l) = f {
                            prop_assert!(l.ends_with(b"\r\n"), "{:?}: {:?}", cmd, l);
                            let body = &l[..l.len() - 2];
                            prop_assert!(
                                !body.iter().any(|&c| c == b'\r' || c == b'\n' || c == 0),
                                "{:?}: {:?}", cmd, l
                            );
                        }
                    }
                    let last_is_line = matches!(e.fragments.last(), Some(Fragment::Line(_)));
                    prop_assert!(last_is_line);
                }
            }
        }
    }
}
