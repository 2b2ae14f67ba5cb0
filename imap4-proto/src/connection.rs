//! The connection state machine (sans-IO).
//!
//! [`Connection`] sits between a driver (blocking or async, any transport) and the wire:
//!
//! - commands go in with [`Connection::send`]; the bytes that may be written now come out of
//!   [`Connection::poll_transmit`]. Synchronizing literals are held back until the server's
//!   continuation request arrives; commands that must not be pipelined (RFC 3501 5.5) are
//!   held back until the commands before them complete.
//! - received bytes go in with [`Connection::feed`]; typed [`ConnEvent`]s come out of
//!   [`Connection::poll_event`]: untagged data routed to the command that asked for it (or
//!   marked unsolicited), completions matched to their commands, continuation requests for
//!   interactive commands (AUTHENTICATE, IDLE), streamed literals.
//! - it tracks the protocol state, the capabilities, and the selected mailbox.
//!
//! A driver loop: write what `poll_transmit` gives; read, `feed`, and drain `poll_event`;
//! then write again before the next read — handling input can release bytes (the literal
//! after a `+` continuation), and a driver that blocks on the socket first would wait for
//! a server that waits for it.
//!
//! ```
//! use imap4_proto::{Connection, ConnEvent, ConnState, encode::Command};
//! # #[derive(Debug)] struct Noop;
//! # impl Command for Noop {
//! #     fn name(&self) -> &'static str { "NOOP" }
//! #     fn encode_args(&self, _: &mut imap4_proto::encode::CommandWriter) -> Result<(), imap4_proto::encode::EncodeError> { Ok(()) }
//! # }
//! let mut conn = Connection::new();
//! conn.feed(b"* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\r\n");
//! assert!(matches!(conn.poll_event().unwrap(), Some(ConnEvent::Greeting(_))));
//! assert_eq!(conn.state(), ConnState::Authenticated);
//! let tag = conn.send(&Noop).unwrap();
//! let out = conn.poll_transmit().unwrap();
//! assert_eq!(out, format!("{tag} NOOP\r\n").as_bytes());
//! conn.feed(format!("{tag} OK done\r\n").as_bytes());
//! assert!(matches!(conn.poll_event().unwrap(), Some(ConnEvent::Done { .. })));
//! ```

use std::collections::VecDeque;

use bytes::Bytes;

use crate::decode::{DecodeError, Decoder, Event, Limits, LiteralStart, Malformed};
use crate::encode::{Command, EncodeError, EncodeOptions, Encoded, Fragment};
use crate::tag::TagGenerator;
use crate::types::*;

/// The protocol state (RFC 3501 3, RFC 9051 3).
///
/// ```
/// use imap4_proto::{encode::Login, ConnState, Connection};
/// let mut conn = Connection::new();
/// assert_eq!(conn.state(), ConnState::Greeting);
/// conn.feed(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Dovecot ready.\r\n");
/// while conn.poll_event()?.is_some() {}
/// assert_eq!(conn.state(), ConnState::NotAuthenticated);
/// let tag = conn.send(&Login::new("alice", "s3cr3t"))?;
/// conn.feed(format!("{tag} OK Logged in\r\n").as_bytes());
/// while conn.poll_event()?.is_some() {}
/// assert_eq!(conn.state(), ConnState::Authenticated);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnState {
    /// Waiting for the server greeting.
    Greeting,
    /// Connected, not logged in.
    NotAuthenticated,
    /// Logged in, no mailbox selected.
    Authenticated,
    /// A mailbox is selected.
    Selected,
    /// The server said BYE or LOGOUT completed: the connection is over.
    Logout,
}

/// The state of the selected mailbox, kept up to date from server responses.
///
/// ```
/// use imap4_proto::{encode::Select, Connection, Flag};
/// let mut conn = Connection::new();
/// conn.feed(b"* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n");
/// while conn.poll_event()?.is_some() {}
/// let tag = conn.send(&Select::new("INBOX"))?;
/// conn.set_selecting_name(&tag, "INBOX");
/// conn.feed(b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* 172 EXISTS\r\n\
///             * OK [UIDVALIDITY 3857529045] UIDs valid\r\n\
///             * OK [UIDNEXT 4392] Predicted next UID\r\n");
/// conn.feed(format!("{tag} OK [READ-WRITE] Select completed.\r\n").as_bytes());
/// while conn.poll_event()?.is_some() {}
/// let mb = conn.mailbox().unwrap();
/// assert_eq!((mb.name.as_str(), mb.exists), ("INBOX", 172));
/// assert_eq!((mb.uid_validity, mb.uid_next), (Some(3857529045), Some(4392)));
/// assert!(mb.flags.contains(&Flag::Draft) && !mb.read_only);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MailboxState {
    /// The mailbox name as it was sent in SELECT/EXAMINE.
    pub name: String,
    /// `EXISTS`: number of messages.
    pub exists: u32,
    /// `RECENT` (IMAP4rev1).
    pub recent: u32,
    /// `UIDVALIDITY`.
    pub uid_validity: Option<u32>,
    /// `UIDNEXT`.
    pub uid_next: Option<u32>,
    /// `UNSEEN` (first unseen message number, IMAP4rev1).
    pub unseen: Option<u32>,
    /// `HIGHESTMODSEQ` (CONDSTORE), updated by MODSEQ in FETCH responses too.
    pub highest_modseq: Option<u64>,
    /// `NOMODSEQ` was sent: the mailbox has no mod-sequences.
    pub no_modseq: bool,
    /// `FLAGS`: the flags defined in the mailbox.
    pub flags: Vec<Flag>,
    /// `PERMANENTFLAGS`: the flags that can be changed permanently.
    pub permanent_flags: Vec<Flag>,
    /// Whether the mailbox is read-only (EXAMINE, or `READ-ONLY`).
    pub read_only: bool,
    /// `MAILBOXID` (RFC 8474).
    pub mailbox_id: Option<Bytes>,
}

/// Something the connection reports.
///
/// ```
/// use imap4_proto::{encode::Noop, ConnEvent, Connection, Data};
/// let mut conn = Connection::new();
/// conn.feed(b"* PREAUTH ready\r\n");
/// assert!(matches!(conn.poll_event()?, Some(ConnEvent::Greeting(_))));
/// let tag = conn.send(&Noop)?;
/// conn.feed(format!("* 23 EXISTS\r\n{tag} OK NOOP completed.\r\n").as_bytes());
/// // New mail is not an answer to NOOP: it comes unsolicited (`tag: None`).
/// let ev = conn.poll_event()?.unwrap();
/// assert_eq!(ev, ConnEvent::Data { tag: None, data: Data::Exists(23) });
/// let Some(ConnEvent::Done { tag: done, name, status }) = conn.poll_event()? else { panic!() };
/// assert_eq!((done, name, status.text_str()), (tag, "NOOP", "NOOP completed.".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum ConnEvent {
    /// The server greeting (`* OK`, `* PREAUTH` or `* BYE`).
    Greeting(Status),
    /// Untagged data. `tag` names the in-flight command it answers; `None` marks it
    /// unsolicited (new mail, expunges from other sessions, flag changes, alerts, ...).
    Data {
        /// The command the data belongs to.
        tag: Option<Tag>,
        /// The data.
        data: Data,
    },
    /// An untagged status (`* OK [ALERT] ...`, `* NO ...`, `* BAD ...`) other than BYE.
    Untagged(Status),
    /// The server said BYE; the connection is ending. Commands in flight will not complete.
    Bye(Status),
    /// The selected mailbox became read-only while it was read-write (imaplib's
    /// `readonly` exception).
    ReadOnly(Status),
    /// A continuation request for an interactive command (AUTHENTICATE challenge, IDLE
    /// `+ idling`); the driver answers with [`Connection::send_line`] or
    /// [`Connection::idle_done`].
    Continue {
        /// The command waiting for an answer.
        tag: Tag,
        /// The request.
        request: Continue,
    },
    /// A command completed.
    Done {
        /// Its tag.
        tag: Tag,
        /// Its name (`"UID FETCH"`).
        name: &'static str,
        /// The tagged status.
        status: Status,
    },
    /// A response could not be parsed (and is attributed to `tag` when known).
    Malformed(Malformed),
    /// A streamed literal starts (see [`Limits::stream_literals_from`]).
    LiteralStart(LiteralStart),
    /// Bytes of a streamed literal.
    LiteralChunk(Bytes),
    /// The streamed literal ended.
    LiteralEnd,
}

/// A protocol violation by the server, or a framing limit: the connection is unusable.
///
/// ```
/// use imap4_proto::{Connection, ProtocolError};
/// let mut conn = Connection::new();
/// conn.feed(b"* PREAUTH ready\r\nzz9 OK nothing was sent\r\n");
/// conn.poll_event()?; // the greeting
/// assert!(matches!(conn.poll_event(), Err(ProtocolError::UnknownTag(t)) if t.as_str() == "zz9"));
/// # Ok::<(), ProtocolError>(())
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// Framing failed (a limit was exceeded).
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A tagged completion for a tag that is not in flight.
    #[error("server completed tag {0:?}, which is not in flight")]
    UnknownTag(Tag),
    /// A continuation request when no command is waiting for one.
    #[error("unexpected continuation request: {0:?}")]
    UnexpectedContinue(Bytes),
    /// The greeting was not OK, PREAUTH or BYE.
    #[error("invalid greeting")]
    BadGreeting,
}

/// Why a command cannot be sent.
///
/// ```
/// use imap4_proto::{encode::Select, ConnState, Connection, SendError};
/// let mut conn = Connection::new();
/// conn.feed(b"* OK Dovecot ready.\r\n");
/// conn.poll_event()?;
/// // Not logged in yet: SELECT is refused and nothing is sent.
/// let err = conn.send(&Select::new("INBOX")).unwrap_err();
/// let state = ConnState::NotAuthenticated;
/// assert_eq!(err, SendError::WrongState { command: "SELECT", state });
/// assert_eq!(conn.take_transmit(), None);
/// # Ok::<(), imap4_proto::ProtocolError>(())
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The command is not valid in the current state (e.g. FETCH with no mailbox selected).
    #[error("{command} is not allowed in state {state:?}")]
    WrongState {
        /// The command.
        command: &'static str,
        /// The state.
        state: ConnState,
    },
    /// The command could not be encoded.
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

/// How a command interacts with the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Ordinary command: may be pipelined.
    Plain,
    /// Changes state or the stream (SELECT, LOGIN, STARTTLS, ...): sent only when nothing is
    /// in flight, and nothing is sent after it until it completes.
    Barrier,
    /// Interactive: the server's continuation requests go to the driver.
    Interactive,
}

fn kind_of(name: &str) -> Kind {
    match name {
        "AUTHENTICATE" | "IDLE" => Kind::Interactive,
        "SELECT" | "EXAMINE" | "LOGIN" | "STARTTLS" | "COMPRESS" | "LOGOUT" | "CLOSE"
        | "UNSELECT" | "ENABLE" | "UNAUTHENTICATE" | "NOTIFY" | "PROXYAUTH" => Kind::Barrier,
        _ => Kind::Plain,
    }
}

/// Commands during which the server must not send EXPUNGE (RFC 3501 7.4.1).
fn no_expunge_during(name: &str) -> bool {
    matches!(name, "FETCH" | "STORE" | "SEARCH")
}

fn allowed(name: &str, state: ConnState) -> bool {
    use ConnState::*;
    match name {
        "CAPABILITY" | "NOOP" | "LOGOUT" | "ID" => state != Logout && state != Greeting,
        "STARTTLS" | "LOGIN" | "AUTHENTICATE" => state == NotAuthenticated,
        "CHECK" | "CLOSE" | "UNSELECT" | "EXPUNGE" | "UID EXPUNGE" | "FETCH" | "UID FETCH"
        | "STORE" | "UID STORE" | "COPY" | "UID COPY" | "MOVE" | "UID MOVE" | "SEARCH"
        | "UID SEARCH" | "SORT" | "UID SORT" | "THREAD" | "UID THREAD" | "PARTIAL" => {
            state == Selected
        }
        _ => matches!(state, Authenticated | Selected),
    }
}

/// Which untagged data answers which command (for routing).
fn solicits(name: &str, data: &Data) -> bool {
    match data {
        Data::Capability(_) => matches!(name, "CAPABILITY" | "LOGIN" | "AUTHENTICATE" | "STARTTLS"),
        // RFC 9051 6.3.2: SELECT answers with the mailbox's LIST too.
        Data::List(_) => matches!(name, "LIST" | "SELECT" | "EXAMINE"),
        Data::Lsub(_) => name == "LSUB",
        Data::Status { .. } => matches!(name, "STATUS" | "LIST"),
        Data::Flags(_) | Data::Exists(_) | Data::Recent(_) => {
            matches!(name, "SELECT" | "EXAMINE")
        }
        Data::Search { .. } => matches!(name, "SEARCH" | "UID SEARCH"),
        Data::ESearch(_) => matches!(name, "SEARCH" | "UID SEARCH" | "SORT" | "UID SORT"),
        Data::Sort { .. } => matches!(name, "SORT" | "UID SORT"),
        Data::Thread(_) => matches!(name, "THREAD" | "UID THREAD"),
        Data::Namespace(_) => name == "NAMESPACE",
        Data::Id(_) => name == "ID",
        Data::Enabled(_) => name == "ENABLE",
        Data::Quota { .. } => matches!(name, "GETQUOTA" | "GETQUOTAROOT" | "SETQUOTA"),
        Data::QuotaRoot { .. } => name == "GETQUOTAROOT",
        Data::Acl { .. } => name == "GETACL",
        Data::ListRights { .. } => name == "LISTRIGHTS",
        Data::MyRights { .. } => name == "MYRIGHTS",
        Data::Metadata { .. } => name == "GETMETADATA",
        Data::Annotation { .. } => name == "GETANNOTATION",
        Data::Vanished { earlier: true, .. } => matches!(name, "UID FETCH" | "SELECT" | "EXAMINE"),
        // The messages an EXPUNGE removes are its answer (RFC 3501 6.4.3, RFC 7162 3.2.10).
        Data::Vanished { earlier: false, .. } | Data::Expunge(_) => {
            matches!(name, "EXPUNGE" | "UID EXPUNGE")
        }
        Data::Fetch(f) => match name {
            "FETCH" | "STORE" | "PARTIAL" => true,
            // RFC 3501 6.4.8: UID FETCH/STORE responses always carry the UID; one without
            // it is an unsolicited flag update for some other message.
            "UID FETCH" | "UID STORE" => f.uid().is_some(),
            _ => false,
        },
        _ => false,
    }
}

#[derive(Debug)]
struct InFlight {
    tag: Tag,
    name: &'static str,
    kind: Kind,
    /// Fragments not yet handed to the transport (after a sync literal).
    pending: VecDeque<Fragment>,
    /// The whole command went out.
    sent: bool,
    /// Mailbox name for SELECT/EXAMINE.
    mailbox: Option<String>,
    /// For SELECT/EXAMINE: the new mailbox state being built.
    uses_seq: bool,
    /// `caps_gen` when the command was queued: capabilities set since came with its answer.
    caps_gen: u64,
}

/// The sans-IO IMAP connection. See the [module docs](self).
///
/// ```
/// use imap4_proto::{encode::Login, ConnEvent, Connection, StatusKind, TagGenerator};
/// let mut conn = Connection::new();
/// conn.set_tag_generator(TagGenerator::with_prefix("a")?);
/// conn.feed(b"* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] Dovecot ready.\r\n");
/// assert!(matches!(conn.poll_event()?, Some(ConnEvent::Greeting(_))));
/// conn.send(&Login::new("alice", "s3cr3t"))?;
/// assert_eq!(conn.take_transmit().unwrap(), "a1 LOGIN alice \"s3cr3t\"\r\n");
/// conn.feed(b"a1 OK [CAPABILITY IMAP4rev1 IDLE MOVE] Logged in\r\n");
/// let Some(ConnEvent::Done { status, .. }) = conn.poll_event()? else { panic!() };
/// assert_eq!(status.kind, StatusKind::Ok);
/// assert!(conn.has_capability("MOVE"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Connection {
    state: ConnState,
    decoder: Decoder,
    tags: TagGenerator,
    caps: Vec<Capability>,
    caps_known: bool,
    /// Bumped whenever the capabilities are set.
    caps_gen: u64,
    enabled: Vec<Capability>,
    mailbox: Option<MailboxState>,
    /// Commands sent or being sent, in order.
    in_flight: VecDeque<InFlight>,
    /// Commands accepted but not yet allowed on the wire.
    queued: VecDeque<InFlight>,
    out: VecDeque<Bytes>,
    events: VecDeque<ConnEvent>,
    greeting: Option<Status>,
    /// Options for the encoder override (e.g. force sync literals).
    force_sync_literals: bool,
    /// Unsolicited FLAGS/EXISTS/... while SELECT is in flight go into this new state.
    selecting: Option<MailboxState>,
}

impl Default for Connection {
    fn default() -> Self {
        Self::new()
    }
}

impl Connection {
    /// A connection waiting for the server greeting.
    ///
    /// ```
    /// use imap4_proto::{ConnState, Connection};
    /// let conn = Connection::new();
    /// assert_eq!(conn.state(), ConnState::Greeting);
    /// assert!(conn.greeting().is_none());
    /// ```
    pub fn new() -> Self {
        Self::with_limits(Limits::default())
    }

    /// With explicit decoder limits.
    ///
    /// ```
    /// use imap4_proto::{Connection, Limits, ProtocolError};
    /// let mut conn = Connection::with_limits(Limits { max_line: 32, ..Limits::default() });
    /// conn.feed(b"* OK [CAPABILITY IMAP4rev1 IDLE] a greeting longer than 32 bytes\r\n");
    /// assert!(matches!(conn.poll_event(), Err(ProtocolError::Decode(_))));
    /// ```
    pub fn with_limits(limits: Limits) -> Self {
        Connection {
            state: ConnState::Greeting,
            decoder: Decoder::with_limits(limits),
            tags: TagGenerator::new(),
            caps: Vec::new(),
            caps_known: false,
            caps_gen: 0,
            enabled: Vec::new(),
            mailbox: None,
            in_flight: VecDeque::new(),
            queued: VecDeque::new(),
            out: VecDeque::new(),
            events: VecDeque::new(),
            greeting: None,
            force_sync_literals: false,
            selecting: None,
        }
    }

    /// Uses this tag generator (e.g. a fixed prefix).
    ///
    /// ```
    /// use imap4_proto::{encode::Noop, Connection, TagGenerator};
    /// let mut conn = Connection::new();
    /// conn.set_tag_generator(TagGenerator::with_prefix("A")?);
    /// conn.feed(b"* PREAUTH ready\r\n");
    /// conn.poll_event()?;
    /// assert_eq!(conn.send(&Noop)?.as_str(), "A1");
    /// assert_eq!(conn.send(&Noop)?.as_str(), "A2");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_tag_generator(&mut self, tags: TagGenerator) {
        self.tags = tags;
    }

    /// Never use LITERAL+/LITERAL- even when offered.
    ///
    /// ```
    /// use imap4_proto::Connection;
    /// let mut conn = Connection::new();
    /// conn.feed(b"* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n");
    /// conn.poll_event()?;
    /// assert!(conn.encode_options().literal_plus);
    /// conn.set_force_sync_literals(true);
    /// assert!(!conn.encode_options().literal_plus);
    /// # Ok::<(), imap4_proto::ProtocolError>(())
    /// ```
    pub fn set_force_sync_literals(&mut self, on: bool) {
        self.force_sync_literals = on;
    }

    /// The decoder (to change limits, e.g. to stream literals for one command).
    ///
    /// ```
    /// use imap4_proto::{Connection, Limits};
    /// let mut conn = Connection::new();
    /// // Stream the bodies of the next FETCH from 64 KiB on.
    /// let limits = Limits { stream_literals_from: Some(64 * 1024), ..Limits::default() };
    /// conn.decoder_mut().set_limits(limits);
    /// assert_eq!(conn.decoder_mut().limits().stream_literals_from, Some(65536));
    /// ```
    pub fn decoder_mut(&mut self) -> &mut Decoder {
        &mut self.decoder
    }

    /// The protocol state.
    ///
    /// ```
    /// use imap4_proto::{ConnState, Connection};
    /// let mut conn = Connection::new();
    /// conn.feed(b"* PREAUTH [CAPABILITY IMAP4rev1] Logged in as alice\r\n");
    /// conn.poll_event()?;
    /// assert_eq!(conn.state(), ConnState::Authenticated);
    /// # Ok::<(), imap4_proto::ProtocolError>(())
    /// ```
    pub fn state(&self) -> ConnState {
        self.state
    }

    /// The greeting, once received.
    ///
    /// ```
    /// use imap4_proto::{Connection, StatusKind};
    /// let mut conn = Connection::new();
    /// conn.feed(b"* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n");
    /// conn.poll_event()?;
    /// let g = conn.greeting().unwrap();
    /// assert_eq!((g.kind, g.text_str()), (StatusKind::Ok, "Dovecot ready.".into()));
    /// # Ok::<(), imap4_proto::ProtocolError>(())
    /// ```
    pub fn greeting(&self) -> Option<&Status> {
        self.greeting.as_ref()
    }

    /// The capabilities last announced (empty after they were invalidated by STARTTLS or
    /// login until the server sends them again; see [`capabilities_known`](Self::capabilities_known)).
    ///
    /// ```
    /// use imap4_proto::Connection;
    /// let mut conn = Connection::new();
    /// conn.feed(b"* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] Dovecot ready.\r\n");
    /// conn.poll_event()?;
    /// let caps: Vec<&str> = conn.capabilities().iter().map(|c| c.as_str()).collect();
    /// assert_eq!(caps, ["IMAP4rev1", "STARTTLS", "AUTH=PLAIN"]);
    /// # Ok::<(), imap4_proto::ProtocolError>(())
    /// ```
    pub fn capabilities(&self) -> &[Capability] {
        &self.caps
    }

    /// Whether the capability list is current.
    ///
    /// ```
    /// use imap4_proto::{encode::Login, Connection};
    /// let mut conn = Connection::new();
    /// conn.feed(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n");
    /// conn.poll_event()?;
    /// assert!(conn.capabilities_known());
    /// let tag = conn.send(&Login::new("alice", "s3cr3t"))?;
    /// conn.feed(format!("{tag} OK Logged in\r\n").as_bytes()); // no new capability list
    /// conn.poll_event()?;
    /// assert!(!conn.capabilities_known()); // send CAPABILITY to learn them again
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn capabilities_known(&self) -> bool {
        self.caps_known
    }

    /// Whether the server announced a capability (case-insensitive).
    ///
    /// ```
    /// use imap4_proto::Connection;
    /// let mut conn = Connection::new();
    /// conn.feed(b"* PREAUTH [CAPABILITY IMAP4rev1 IDLE UIDPLUS] ready\r\n");
    /// conn.poll_event()?;
    /// assert!(conn.has_capability("idle"));
    /// assert!(!conn.has_capability("MOVE"));
    /// # Ok::<(), imap4_proto::ProtocolError>(())
    /// ```
    pub fn has_capability(&self, name: &str) -> bool {
        self.caps.iter().any(|c| c.is(name))
    }

    /// Whether an extension was enabled with ENABLE.
    ///
    /// ```
    /// use imap4_proto::{encode::Enable, Connection};
    /// let mut conn = Connection::new();
    /// conn.feed(b"* PREAUTH [CAPABILITY IMAP4rev1 ENABLE CONDSTORE] ready\r\n");
    /// conn.poll_event()?;
    /// let tag = conn.send(&Enable::new(["CONDSTORE"]))?;
    /// conn.feed(format!("* ENABLED CONDSTORE\r\n{tag} OK Enabled.\r\n").as_bytes());
    /// while conn.poll_event()?.is_some() {}
    /// assert!(conn.is_enabled("condstore"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_enabled(&self, name: &str) -> bool {
        self.enabled.iter().any(|c| c.is(name))
    }

    /// Whether the server speaks IMAP4rev2 (and not only IMAP4rev1).
    ///
    /// ```
    /// use imap4_proto::Connection;
    /// let mut conn = Connection::new();
    /// conn.feed(b"* OK [CAPABILITY IMAP4rev2 AUTH=PLAIN] ready\r\n");
    /// conn.poll_event()?;
    /// assert!(conn.is_imap4rev2());
    /// // A server offering both speaks IMAP4rev1 until IMAP4rev2 is enabled.
    /// let mut conn = Connection::new();
    /// conn.feed(b"* OK [CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN] ready\r\n");
    /// conn.poll_event()?;
    /// assert!(!conn.is_imap4rev2());
    /// # Ok::<(), imap4_proto::ProtocolError>(())
    /// ```
    pub fn is_imap4rev2(&self) -> bool {
        self.has_capability("IMAP4rev2")
            && (!self.has_capability("IMAP4rev1") || self.is_enabled("IMAP4rev2"))
    }

    /// The selected mailbox, if any.
    ///
    /// ```
    /// use imap4_proto::{encode::Select, Connection};
    /// let mut conn = Connection::new();
    /// conn.feed(b"* PREAUTH ready\r\n");
    /// conn.poll_event()?;
    /// assert!(conn.mailbox().is_none());
    /// let tag = conn.send(&Select::examine("Archive"))?;
    /// conn.feed(format!("* 12 EXISTS\r\n{tag} OK [READ-ONLY] Examine completed.\r\n").as_bytes());
    /// while conn.poll_event()?.is_some() {}
    /// let mb = conn.mailbox().unwrap();
    /// assert_eq!((mb.exists, mb.read_only), (12, true));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mailbox(&self) -> Option<&MailboxState> {
        self.mailbox.as_ref()
    }

    /// The options the encoder uses now.
    ///
    /// ```
    /// use imap4_proto::Connection;
    /// let mut conn = Connection::new();
    /// conn.feed(b"* OK [CAPABILITY IMAP4rev1 LITERAL+ BINARY] ready\r\n");
    /// conn.poll_event()?;
    /// let opts = conn.encode_options();
    /// assert!(opts.literal_plus && opts.binary);
    /// assert!(!opts.utf8);
    /// # Ok::<(), imap4_proto::ProtocolError>(())
    /// ```
    pub fn encode_options(&self) -> EncodeOptions {
        EncodeOptions {
            literal_plus: !self.force_sync_literals && self.has_capability("LITERAL+"),
            literal_minus: !self.force_sync_literals && self.has_capability("LITERAL-"),
            // RFC 9051: IMAP4rev2 mailbox names are UTF-8 (modified UTF-7 only for rev1
            // compatibility), whether rev2 was enabled or is all the server speaks.
            utf8: self.is_enabled("UTF8=ACCEPT") || self.is_imap4rev2(),
            binary: self.has_capability("BINARY"),
        }
    }

    /// The commands sent (or queued) and not yet completed, oldest first: tag and name.
    ///
    /// ```
    /// use imap4_proto::{encode::{Capability, Noop}, Connection, TagGenerator};
    /// let mut conn = Connection::new();
    /// conn.set_tag_generator(TagGenerator::with_prefix("a")?);
    /// conn.feed(b"* PREAUTH ready\r\n");
    /// conn.poll_event()?;
    /// conn.send(&Noop)?;
    /// conn.send(&Capability)?;
    /// let pending = conn.pending_commands();
    /// assert_eq!((pending[0].0.as_str(), pending[0].1), ("a1", "NOOP"));
    /// assert_eq!((pending[1].0.as_str(), pending[1].1), ("a2", "CAPABILITY"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pending_commands(&self) -> Vec<(Tag, &'static str)> {
        self.in_flight
            .iter()
            .chain(self.queued.iter())
            .map(|c| (c.tag.clone(), c.name))
            .collect()
    }

    /// Number of commands sent (or queued) and not yet completed.
    ///
    /// ```
    /// use imap4_proto::{encode::Noop, Connection};
    /// let mut conn = Connection::new();
    /// conn.feed(b"* PREAUTH ready\r\n");
    /// conn.poll_event()?;
    /// let tag = conn.send(&Noop)?;
    /// assert_eq!(conn.in_flight(), 1);
    /// conn.feed(format!("{tag} OK NOOP completed.\r\n").as_bytes());
    /// conn.poll_event()?;
    /// assert_eq!(conn.in_flight(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_flight(&self) -> usize {
        self.in_flight.len() + self.queued.len()
    }

    /// Queues a command; returns its tag. The bytes come out of
    /// [`poll_transmit`](Self::poll_transmit) as soon as they may be sent.
    ///
    /// ```
    /// use imap4_proto::{encode::Select, Connection, TagGenerator};
    /// let mut conn = Connection::new();
    /// conn.set_tag_generator(TagGenerator::with_prefix("a")?);
    /// conn.feed(b"* PREAUTH ready\r\n");
    /// conn.poll_event()?;
    /// let tag = conn.send(&Select::new("INBOX"))?;
    /// assert_eq!(tag.as_str(), "a1");
    /// assert_eq!(conn.take_transmit().unwrap(), "a1 SELECT INBOX\r\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send<C: Command + ?Sized>(&mut self, cmd: &C) -> Result<Tag, SendError> {
        let name = cmd.name();
        // Check against the state the connection will be in once queued commands ran; a
        // queued barrier (LOGIN, SELECT) may change it, so only check without one.
        let pending_barrier = self
            .in_flight
            .iter()
            .chain(self.queued.iter())
            .any(|c| c.kind != Kind::Plain);
        if !pending_barrier && !allowed(name, self.state) {
            return Err(SendError::WrongState {
                command: name,
                state: self.state,
            });
        }
        let tag = Tag::from(self.tags.next_tag());
        let enc: Encoded = cmd.encode(tag.clone(), self.encode_options())?;
        let mailbox = None;
        let c = InFlight {
            tag: tag.clone(),
            name,
            kind: if cmd.interactive() {
                Kind::Interactive
            } else {
                kind_of(name)
            },
            pending: enc.fragments.into(),
            sent: false,
            mailbox,
            uses_seq: cmd.uses_sequence_numbers(),
            caps_gen: self.caps_gen,
        };
        self.queued.push_back(c);
        self.pump();
        Ok(tag)
    }

    /// Remembers the mailbox name of a SELECT/EXAMINE just sent (for [`MailboxState::name`]).
    ///
    /// ```
    /// use imap4_proto::{encode::Select, Connection};
    /// let mut conn = Connection::new();
    /// conn.feed(b"* PREAUTH ready\r\n");
    /// conn.poll_event()?;
    /// let tag = conn.send(&Select::new("Entw&APw-rfe"))?;
    /// conn.set_selecting_name(&tag, "Entwürfe");
    /// conn.feed(format!("{tag} OK [READ-WRITE] Select completed.\r\n").as_bytes());
    /// conn.poll_event()?;
    /// assert_eq!(conn.mailbox().unwrap().name, "Entwürfe");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_selecting_name(&mut self, tag: &Tag, name: &str) {
        for c in self.in_flight.iter_mut().chain(self.queued.iter_mut()) {
            if &c.tag == tag {
                c.mailbox = Some(name.to_string());
            }
        }
    }

    /// Whether the next queued command may go on the wire now.
    fn may_start(&self, next: &InFlight) -> bool {
        if self.state == ConnState::Logout {
            return false;
        }
        // Something still being transmitted (waiting for a literal continuation).
        if self.in_flight.iter().any(|c| !c.sent) {
            return false;
        }
        if self.in_flight.is_empty() {
            return true;
        }
        if next.kind != Kind::Plain {
            return false;
        }
        if self.in_flight.iter().any(|c| c.kind != Kind::Plain) {
            return false;
        }
        // RFC 3501 5.5: a command using sequence numbers only behind commands during which
        // no EXPUNGE can arrive.
        if next.uses_seq && !self.in_flight.iter().all(|c| no_expunge_during(c.name)) {
            return false;
        }
        true
    }

    /// Moves queued commands to the wire while allowed.
    fn pump(&mut self) {
        while let Some(next) = self.queued.front() {
            if !self.may_start(next) {
                break;
            }
            let mut c = self.queued.pop_front().expect("front exists");
            self.transmit_until_sync(&mut c);
            self.in_flight.push_back(c);
        }
    }

    /// Sends fragments up to (not including) the next synchronizing literal.
    fn transmit_until_sync(&mut self, c: &mut InFlight) {
        while let Some(f) = c.pending.pop_front() {
            match f {
                Fragment::Line(b) => self.out.push_back(b),
                Fragment::Literal { data, sync: false } => self.out.push_back(data),
                Fragment::Literal { data, sync: true } => {
                    c.pending.push_front(Fragment::Literal { data, sync: true });
                    return;
                }
            }
        }
        c.sent = true;
    }

    /// The next bytes to write, if any. Write them in order; gather them into one write
    /// where possible (fewer packets, no delayed-ACK stalls).
    ///
    /// ```
    /// use imap4_proto::{encode::{Capability, Noop}, Connection, TagGenerator};
    /// let mut conn = Connection::new();
    /// conn.set_tag_generator(TagGenerator::with_prefix("a")?);
    /// conn.feed(b"* PREAUTH ready\r\n");
    /// conn.poll_event()?;
    /// conn.send(&Noop)?;
    /// conn.send(&Capability)?;
    /// assert_eq!(conn.poll_transmit().unwrap(), "a1 NOOP\r\n");
    /// assert_eq!(conn.poll_transmit().unwrap(), "a2 CAPABILITY\r\n");
    /// assert_eq!(conn.poll_transmit(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        self.out.pop_front()
    }

    /// Everything that may be written now, concatenated (one write).
    ///
    /// ```
    /// use imap4_proto::{encode::{Capability, Noop}, Connection, TagGenerator};
    /// let mut conn = Connection::new();
    /// conn.set_tag_generator(TagGenerator::with_prefix("a")?);
    /// conn.feed(b"* PREAUTH ready\r\n");
    /// conn.poll_event()?;
    /// conn.send(&Noop)?;
    /// conn.send(&Capability)?;
    /// assert_eq!(conn.take_transmit().unwrap(), "a1 NOOP\r\na2 CAPABILITY\r\n");
    /// assert_eq!(conn.take_transmit(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn take_transmit(&mut self) -> Option<Bytes> {
        match self.out.len() {
            0 => None,
            1 => self.out.pop_front(),
            _ => {
                let mut b = bytes::BytesMut::new();
                for x in self.out.drain(..) {
                    b.extend_from_slice(&x);
                }
                Some(b.freeze())
            }
        }
    }

    /// Sends one line for an interactive command (a SASL response, base64 without CRLF).
    ///
    /// ```
    /// use imap4_proto::encode::{base64_encode, Authenticate};
    /// use imap4_proto::{ConnEvent, Connection};
    /// let mut conn = Connection::new();
    /// conn.feed(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n");
    /// conn.poll_event()?;
    /// conn.send(&Authenticate::new("PLAIN"))?;
    /// conn.take_transmit();
    /// conn.feed(b"+ \r\n");
    /// assert!(matches!(conn.poll_event()?, Some(ConnEvent::Continue { .. })));
    /// conn.send_line(base64_encode(b"\0alice\0s3cr3t").as_bytes());
    /// assert_eq!(conn.take_transmit().unwrap(), "AGFsaWNlAHMzY3IzdA==\r\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send_line(&mut self, line: &[u8]) {
        let mut v = Vec::with_capacity(line.len() + 2);
        v.extend_from_slice(line);
        v.extend_from_slice(b"\r\n");
        self.out.push_back(Bytes::from(v));
    }

    /// Sends bytes as they are, for an interactive command that sends its own data after
    /// the server's `+` (the message of an [`AppendStream`](crate::encode::AppendStream),
    /// in pieces; the driver ends it with [`send_line`](Self::send_line)`(b"")`).
    ///
    /// ```
    /// use imap4_proto::encode::AppendStream;
    /// use imap4_proto::{ConnEvent, Connection};
    /// let mut conn = Connection::new();
    /// conn.feed(b"* PREAUTH ready\r\n");
    /// conn.poll_event()?;
    /// let tag = conn.send(&AppendStream::new("INBOX", 7))?;
    /// assert_eq!(conn.take_transmit().unwrap(), format!("{tag} APPEND INBOX {{7}}\r\n"));
    /// conn.feed(b"+ go ahead\r\n");
    /// assert!(matches!(conn.poll_event()?, Some(ConnEvent::Continue { .. })));
    /// conn.send_data(bytes::Bytes::from_static(b"Sub"));
    /// conn.send_data(bytes::Bytes::from_static(b"j: x"));
    /// conn.send_line(b"");
    /// assert_eq!(conn.take_transmit().unwrap(), "Subj: x\r\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send_data(&mut self, data: bytes::Bytes) {
        if !data.is_empty() {
            self.out.push_back(data);
        }
    }

    /// Ends IDLE (`DONE`).
    ///
    /// ```
    /// use imap4_proto::{encode::Idle, ConnEvent, Connection};
    /// let mut conn = Connection::new();
    /// conn.feed(b"* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready\r\n");
    /// conn.poll_event()?;
    /// let tag = conn.send(&Idle)?;
    /// conn.take_transmit();
    /// conn.feed(b"+ idling\r\n* 4 EXISTS\r\n");
    /// assert!(matches!(conn.poll_event()?, Some(ConnEvent::Continue { .. })));
    /// assert!(matches!(conn.poll_event()?, Some(ConnEvent::Data { .. })));
    /// conn.idle_done();
    /// assert_eq!(conn.take_transmit().unwrap(), "DONE\r\n");
    /// conn.feed(format!("{tag} OK Idle completed.\r\n").as_bytes());
    /// assert!(matches!(conn.poll_event()?, Some(ConnEvent::Done { name: "IDLE", .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn idle_done(&mut self) {
        self.out.push_back(Bytes::from_static(b"DONE\r\n"));
    }

    /// Feeds received bytes.
    ///
    /// ```
    /// use imap4_proto::{ConnEvent, Connection};
    /// let mut conn = Connection::new();
    /// // Bytes may arrive in any pieces.
    /// conn.feed(b"* OK Dovecot ");
    /// assert_eq!(conn.poll_event()?, None);
    /// conn.feed(b"ready.\r\n");
    /// assert!(matches!(conn.poll_event()?, Some(ConnEvent::Greeting(_))));
    /// # Ok::<(), imap4_proto::ProtocolError>(())
    /// ```
    pub fn feed(&mut self, data: &[u8]) {
        self.decoder.feed(data);
    }

    /// Takes bytes received but not yet decoded (after STARTTLS they must be discarded:
    /// a man in the middle could have injected them before the handshake).
    ///
    /// ```
    /// use imap4_proto::{encode::StartTls, ConnEvent, Connection};
    /// let mut conn = Connection::new();
    /// conn.feed(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");
    /// conn.poll_event()?;
    /// let tag = conn.send(&StartTls)?;
    /// conn.feed(format!("{tag} OK Begin TLS negotiation now.\r\n* OK injected\r\n").as_bytes());
    /// assert!(matches!(conn.poll_event()?, Some(ConnEvent::Done { name: "STARTTLS", .. })));
    /// // Anything after the tagged OK came before the handshake: discard it.
    /// assert_eq!(&conn.take_buffered()[..], b"* OK injected\r\n");
    /// assert_eq!(conn.poll_event()?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn take_buffered(&mut self) -> bytes::BytesMut {
        self.decoder.take_buffered()
    }

    /// The next event, `Ok(None)` when more input is needed.
    ///
    /// ```
    /// use imap4_proto::{encode::Noop, ConnEvent, Connection, Data};
    /// let mut conn = Connection::new();
    /// conn.feed(b"* PREAUTH ready\r\n");
    /// conn.poll_event()?;
    /// let tag = conn.send(&Noop)?;
    /// conn.feed(format!("* 3 EXPUNGE\r\n{tag} OK NOOP completed.\r\n").as_bytes());
    /// let mut events = Vec::new();
    /// while let Some(ev) = conn.poll_event()? {
    ///     events.push(ev);
    /// }
    /// assert_eq!(events[0], ConnEvent::Data { tag: None, data: Data::Expunge(3) });
    /// assert!(matches!(&events[1], ConnEvent::Done { name: "NOOP", .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn poll_event(&mut self) -> Result<Option<ConnEvent>, ProtocolError> {
        loop {
            if let Some(e) = self.events.pop_front() {
                return Ok(Some(e));
            }
            let Some(ev) = self.decoder.next_event()? else {
                return Ok(None);
            };
            match ev {
                Event::Response(r) => self.handle(r)?,
                Event::Malformed(m) => {
                    // A tagged completion we cannot read still ends its command: report it
                    // as malformed and drop the command so it is not waited for forever.
                    if let Some(tag) = &m.tag {
                        if let Some(i) = self.in_flight.iter().position(|c| &c.tag == tag) {
                            self.in_flight.remove(i);
                            self.pump();
                        }
                    }
                    self.events.push_back(ConnEvent::Malformed(m));
                }
                Event::LiteralStart(s) => self.events.push_back(ConnEvent::LiteralStart(s)),
                Event::LiteralChunk(b) => self.events.push_back(ConnEvent::LiteralChunk(b)),
                Event::LiteralEnd => self.events.push_back(ConnEvent::LiteralEnd),
            }
        }
    }

    fn set_caps(&mut self, caps: Vec<Capability>) {
        self.caps = caps;
        self.caps_known = true;
        self.caps_gen += 1;
    }

    fn handle(&mut self, r: Response) -> Result<(), ProtocolError> {
        if self.state == ConnState::Greeting {
            return self.greeting_response(r);
        }
        match r {
            Response::Continue(req) => self.continuation(req),
            Response::Status(s) if s.tag.is_some() => self.completion(s),
            Response::Status(s) => {
                self.status_code(&s);
                if s.kind == StatusKind::Bye {
                    self.state = ConnState::Logout;
                    self.events.push_back(ConnEvent::Bye(s));
                } else if s.code == Some(Code::ReadOnly)
                    && self.mailbox.as_ref().is_some_and(|m| !m.read_only)
                    && self.selecting.is_none()
                {
                    if let Some(m) = &mut self.mailbox {
                        m.read_only = true;
                    }
                    self.events.push_back(ConnEvent::ReadOnly(s));
                } else {
                    self.events.push_back(ConnEvent::Untagged(s));
                }
                Ok(())
            }
            Response::Data(d) => {
                self.track(&d);
                let tag = self
                    .in_flight
                    .iter()
                    .find(|c| solicits(c.name, &d))
                    .map(|c| c.tag.clone());
                self.events.push_back(ConnEvent::Data { tag, data: d });
                Ok(())
            }
        }
    }

    fn greeting_response(&mut self, r: Response) -> Result<(), ProtocolError> {
        let Response::Status(s) = r else {
            return Err(ProtocolError::BadGreeting);
        };
        if s.tag.is_some() {
            return Err(ProtocolError::BadGreeting);
        }
        self.state = match s.kind {
            StatusKind::Ok => ConnState::NotAuthenticated,
            StatusKind::PreAuth => ConnState::Authenticated,
            StatusKind::Bye => ConnState::Logout,
            _ => return Err(ProtocolError::BadGreeting),
        };
        if let Some(Code::Capability(c)) = &s.code {
            self.set_caps(c.clone());
        }
        self.greeting = Some(s.clone());
        self.events.push_back(ConnEvent::Greeting(s));
        self.pump();
        Ok(())
    }

    fn continuation(&mut self, req: Continue) -> Result<(), ProtocolError> {
        // The command currently being transmitted and blocked on a literal gets it.
        if let Some(i) = self.in_flight.iter().position(|c| !c.sent) {
            let mut c = self.in_flight.remove(i).expect("index valid");
            if let Some(Fragment::Literal { data, .. }) = c.pending.pop_front() {
                self.out.push_back(data);
            }
            self.transmit_until_sync(&mut c);
            self.in_flight.insert(i, c);
            self.pump();
            return Ok(());
        }
        if let Some(c) = self.in_flight.iter().find(|c| c.kind == Kind::Interactive) {
            self.events.push_back(ConnEvent::Continue {
                tag: c.tag.clone(),
                request: req,
            });
            return Ok(());
        }
        Err(ProtocolError::UnexpectedContinue(req.text))
    }

    fn completion(&mut self, s: Status) -> Result<(), ProtocolError> {
        let tag = s.tag.clone().expect("tagged");
        let Some(i) = self.in_flight.iter().position(|c| c.tag == tag) else {
            return Err(ProtocolError::UnknownTag(tag));
        };
        let c = self.in_flight.remove(i).expect("index valid");
        // After BYE nothing revives the connection (found by fuzzing).
        let ok = s.kind == StatusKind::Ok && self.state != ConnState::Logout;
        self.status_code(&s);
        match c.name {
            "LOGIN" | "AUTHENTICATE" if ok => {
                self.state = ConnState::Authenticated;
                // Capabilities change after login; keep them only if sent with the OK or
                // as untagged CAPABILITY data while the command ran (Dovecot does both).
                if !matches!(s.code, Some(Code::Capability(_))) && self.caps_gen == c.caps_gen {
                    self.caps_known = false;
                    self.caps.clear();
                }
            }
            "STARTTLS" if ok => {
                // RFC 3501 6.2.1: capabilities must be asked for again after TLS.
                self.caps_known = false;
                self.caps.clear();
            }
            "SELECT" | "EXAMINE" => {
                let new = self.selecting.take();
                if ok {
                    let mut m = new.unwrap_or_default();
                    m.name = c.mailbox.clone().unwrap_or_default();
                    match s.code {
                        Some(Code::ReadOnly) => m.read_only = true,
                        Some(Code::ReadWrite) => m.read_only = false,
                        _ => m.read_only = c.name == "EXAMINE",
                    }
                    self.mailbox = Some(m);
                    self.state = ConnState::Selected;
                } else {
                    // RFC 3501 6.3.1: a failed SELECT leaves no mailbox selected.
                    self.mailbox = None;
                    if self.state == ConnState::Selected {
                        self.state = ConnState::Authenticated;
                    }
                }
            }
            "CLOSE" | "UNSELECT" if ok => {
                self.mailbox = None;
                self.state = ConnState::Authenticated;
            }
            "UNAUTHENTICATE" if ok => {
                self.mailbox = None;
                self.state = ConnState::NotAuthenticated;
            }
            "LOGOUT" => self.state = ConnState::Logout,
            _ => {}
        }
        self.events.push_back(ConnEvent::Done {
            tag,
            name: c.name,
            status: s,
        });
        self.pump();
        Ok(())
    }

    /// Applies response codes to capabilities and mailbox state.
    fn status_code(&mut self, s: &Status) {
        let Some(code) = &s.code else { return };
        if let Code::Capability(c) = code {
            self.set_caps(c.clone());
            return;
        }
        let selecting = self
            .in_flight
            .iter()
            .any(|c| matches!(c.name, "SELECT" | "EXAMINE"));
        if *code == Code::Closed {
            // RFC 7162 3.2.11: the previous mailbox is closed; what follows is the new one.
            // Only meaningful while a SELECT/EXAMINE runs (an unsolicited one is ignored).
            if selecting {
                self.mailbox = None;
            }
            return;
        }
        if selecting && self.selecting.is_none() {
            self.selecting = Some(MailboxState::default());
        }
        let m = if selecting {
            self.selecting.as_mut()
        } else {
            self.mailbox.as_mut()
        };
        let Some(m) = m else { return };
        match code {
            Code::UidValidity(n) => m.uid_validity = Some(*n),
            Code::UidNext(n) => m.uid_next = Some(*n),
            Code::Unseen(n) => m.unseen = Some(*n),
            Code::HighestModSeq(n) => m.highest_modseq = Some(*n),
            Code::NoModSeq => m.no_modseq = true,
            Code::PermanentFlags(f) => m.permanent_flags = f.clone(),
            Code::MailboxId(id) => m.mailbox_id = Some(id.clone()),
            _ => {}
        }
    }

    /// Updates mailbox state from untagged data.
    fn track(&mut self, d: &Data) {
        match d {
            Data::Capability(c) => self.set_caps(c.clone()),
            // Only an answer to our ENABLE changes what is enabled (RFC 5161 3.1).
            Data::Enabled(c) if self.in_flight.iter().any(|x| x.name == "ENABLE") => {
                self.enabled.extend(c.iter().cloned())
            }
            _ => {}
        }
        let selecting = self
            .in_flight
            .iter()
            .any(|c| matches!(c.name, "SELECT" | "EXAMINE"));
        if selecting && self.selecting.is_none() {
            self.selecting = Some(MailboxState::default());
        }
        let m = if selecting {
            self.selecting.as_mut()
        } else {
            self.mailbox.as_mut()
        };
        let Some(m) = m else { return };
        match d {
            Data::Exists(n) => m.exists = *n,
            Data::Recent(n) => m.recent = *n,
            Data::Flags(f) => m.flags = f.clone(),
            Data::Expunge(_) => m.exists = m.exists.saturating_sub(1),
            Data::Vanished {
                earlier: false,
                uids,
            } => {
                let n = uids.len(u32::MAX).min(u64::from(u32::MAX)) as u32;
                m.exists = m.exists.saturating_sub(n);
            }
            Data::Fetch(f) => {
                if let Some(ms) = f.modseq() {
                    if m.highest_modseq.is_some_and(|h| ms > h) {
                        m.highest_modseq = Some(ms);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::{CommandWriter, EncodeError};
    use crate::tag::TagGenerator;

    /// A test command: a name, optional literal argument, optional sequence-number use.
    #[derive(Debug)]
    struct T {
        name: &'static str,
        literal: Option<&'static [u8]>,
        seq: bool,
    }

    fn t(name: &'static str) -> T {
        T {
            name,
            literal: None,
            seq: false,
        }
    }

    impl Command for T {
        fn name(&self) -> &'static str {
            self.name
        }
        fn uses_sequence_numbers(&self) -> bool {
            self.seq
        }
        fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
            if let Some(l) = self.literal {
                w.sp();
                w.literal(l, false);
            }
            Ok(())
        }
    }

    fn conn(greeting: &str) -> Connection {
        let mut c = Connection::new();
        c.set_tag_generator(TagGenerator::with_prefix("A").unwrap());
        c.feed(greeting.as_bytes());
        assert!(matches!(c.poll_event(), Ok(Some(ConnEvent::Greeting(_)))));
        c
    }

    fn drain(c: &mut Connection) -> Vec<ConnEvent> {
        let mut v = Vec::new();
        while let Some(e) = c.poll_event().unwrap() {
            v.push(e);
        }
        v
    }

    fn out(c: &mut Connection) -> String {
        String::from_utf8(c.take_transmit().map(|b| b.to_vec()).unwrap_or_default()).unwrap()
    }

    #[test]
    fn expunge_responses_answer_expunge_but_are_unsolicited_otherwise() {
        let mut c = conn("* PREAUTH hi\r\n");
        let sel = c.send(&t("SELECT")).unwrap();
        c.feed(format!("* 3 EXISTS\r\n{sel} OK [READ-WRITE] done\r\n").as_bytes());
        drain(&mut c);
        let tag = c.send(&t("EXPUNGE")).unwrap();
        c.feed(format!("* 2 EXPUNGE\r\n* VANISHED 7\r\n{tag} OK\r\n").as_bytes());
        let ev = drain(&mut c);
        assert!(
            matches!(&ev[0], ConnEvent::Data { tag: Some(t), data: Data::Expunge(2) } if *t == tag)
        );
        assert!(
            matches!(&ev[1], ConnEvent::Data { tag: Some(t), data: Data::Vanished { .. } } if *t == tag)
        );
        assert_eq!(c.mailbox().unwrap().exists, 1);
        let tag = c.send(&t("NOOP")).unwrap();
        c.feed(format!("* 1 EXPUNGE\r\n{tag} OK\r\n").as_bytes());
        let ev = drain(&mut c);
        assert!(matches!(
            &ev[0],
            ConnEvent::Data {
                tag: None,
                data: Data::Expunge(1)
            }
        ));
    }

    #[test]
    fn capabilities_sent_during_login_are_kept() {
        let mut c = conn("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n");
        let tag = c.send(&t("LOGIN")).unwrap();
        c.feed(format!("* CAPABILITY IMAP4rev1 IDLE MOVE\r\n{tag} OK logged in\r\n").as_bytes());
        drain(&mut c);
        assert!(c.capabilities_known());
        assert!(c.has_capability("MOVE"));
        // Without them, the pre-login list is forgotten.
        let mut c = conn("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n");
        let tag = c.send(&t("LOGIN")).unwrap();
        c.feed(format!("{tag} OK logged in\r\n").as_bytes());
        drain(&mut c);
        assert!(!c.capabilities_known());
    }

    #[test]
    fn greeting_states_and_capabilities() {
        let c = conn("* OK [CAPABILITY IMAP4rev1 LITERAL+ STARTTLS] hi\r\n");
        assert_eq!(c.state(), ConnState::NotAuthenticated);
        assert!(c.has_capability("literal+"));
        assert!(c.capabilities_known());
        let c = conn("* PREAUTH hi\r\n");
        assert_eq!(c.state(), ConnState::Authenticated);
        assert!(!c.capabilities_known());
        let c = conn("* BYE go away\r\n");
        assert_eq!(c.state(), ConnState::Logout);
        let mut c = Connection::new();
        c.feed(b"a1 OK what\r\n");
        assert_eq!(c.poll_event(), Err(ProtocolError::BadGreeting));
    }

    #[test]
    fn wrong_state_is_refused() {
        let mut c = conn("* OK hi\r\n");
        assert_eq!(
            c.send(&t("FETCH")),
            Err(SendError::WrongState {
                command: "FETCH",
                state: ConnState::NotAuthenticated
            })
        );
        let mut c = conn("* PREAUTH hi\r\n");
        assert!(matches!(
            c.send(&t("LOGIN")),
            Err(SendError::WrongState { .. })
        ));
    }

    #[test]
    fn login_invalidates_capabilities_unless_resent() {
        let mut c = conn("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n");
        let tag = c.send(&t("LOGIN")).unwrap();
        assert_eq!(out(&mut c), "A1 LOGIN\r\n");
        c.feed(format!("{tag} OK logged in\r\n").as_bytes());
        let ev = drain(&mut c);
        assert!(matches!(&ev[0], ConnEvent::Done { name: "LOGIN", .. }));
        assert_eq!(c.state(), ConnState::Authenticated);
        assert!(!c.capabilities_known());
        let tag = c.send(&t("CAPABILITY")).unwrap();
        c.feed(format!("* CAPABILITY IMAP4rev1 MOVE\r\n{tag} OK\r\n").as_bytes());
        let ev = drain(&mut c);
        assert!(matches!(&ev[0], ConnEvent::Data { tag: Some(x), .. } if *x == tag));
        assert!(c.has_capability("MOVE"));

        let mut c = conn("* OK hi\r\n");
        let tag = c.send(&t("LOGIN")).unwrap();
        c.feed(format!("{tag} OK [CAPABILITY IMAP4rev1 IDLE] in\r\n").as_bytes());
        drain(&mut c);
        assert!(c.capabilities_known() && c.has_capability("IDLE"));
    }

    #[test]
    fn starttls_invalidates_capabilities_and_buffer_can_be_dropped() {
        let mut c = conn("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n");
        let tag = c.send(&t("STARTTLS")).unwrap();
        // A man in the middle appends a forged response after the OK.
        c.feed(format!("{tag} OK Begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n").as_bytes());
        let Some(ConnEvent::Done { .. }) = c.poll_event().unwrap() else {
            panic!()
        };
        assert!(!c.capabilities_known());
        let dropped = c.take_buffered();
        assert!(dropped.starts_with(b"* CAPABILITY"));
        assert_eq!(c.poll_event(), Ok(None));
        assert!(!c.has_capability("AUTH=PLAIN"));
    }

    #[test]
    fn select_builds_mailbox_state() {
        let mut c = conn("* PREAUTH hi\r\n");
        let tag = c.send(&t("SELECT")).unwrap();
        c.set_selecting_name(&tag, "INBOX");
        c.feed(
            format!(
                "* 172 EXISTS\r\n* 1 RECENT\r\n* OK [UNSEEN 12] m\r\n* OK [UIDVALIDITY 3857529045] u\r\n* OK [UIDNEXT 4392] p\r\n* FLAGS (\\Answered \\Seen)\r\n* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] l\r\n* OK [HIGHESTMODSEQ 90] h\r\n{tag} OK [READ-WRITE] done\r\n"
            )
            .as_bytes(),
        );
        let ev = drain(&mut c);
        assert!(matches!(ev.last(), Some(ConnEvent::Done { .. })));
        assert!(ev.iter().any(
            |e| matches!(e, ConnEvent::Data { tag: Some(x), data: Data::Exists(172) } if *x == tag)
        ));
        assert_eq!(c.state(), ConnState::Selected);
        let m = c.mailbox().unwrap();
        assert_eq!(m.name, "INBOX");
        assert_eq!(m.exists, 172);
        assert_eq!(m.recent, 1);
        assert_eq!(m.unseen, Some(12));
        assert_eq!(m.uid_validity, Some(3857529045));
        assert_eq!(m.uid_next, Some(4392));
        assert_eq!(m.highest_modseq, Some(90));
        assert_eq!(m.flags, vec![Flag::Answered, Flag::Seen]);
        assert_eq!(m.permanent_flags.len(), 3);
        assert!(!m.read_only);

        // Expunges and new mail update the count; unsolicited data is marked so.
        let tag = c.send(&t("NOOP")).unwrap();
        c.feed(format!("* 3 EXPUNGE\r\n* 175 EXISTS\r\n{tag} OK\r\n").as_bytes());
        let ev = drain(&mut c);
        assert!(matches!(
            ev[0],
            ConnEvent::Data {
                tag: None,
                data: Data::Expunge(3)
            }
        ));
        assert_eq!(c.mailbox().unwrap().exists, 175);

        // Another session made it read-only: imaplib's `readonly`.
        c.feed(b"* OK [READ-ONLY] now read-only\r\n");
        assert!(matches!(c.poll_event(), Ok(Some(ConnEvent::ReadOnly(_)))));
        assert!(c.mailbox().unwrap().read_only);

        // A failed SELECT leaves no mailbox selected.
        let tag = c.send(&t("SELECT")).unwrap();
        c.feed(format!("{tag} NO no such mailbox\r\n").as_bytes());
        drain(&mut c);
        assert_eq!(c.state(), ConnState::Authenticated);
        assert!(c.mailbox().is_none());
    }

    #[test]
    fn examine_is_read_only_and_close_unselects() {
        let mut c = conn("* PREAUTH hi\r\n");
        let tag = c.send(&t("EXAMINE")).unwrap();
        c.feed(format!("* 2 EXISTS\r\n{tag} OK done\r\n").as_bytes());
        drain(&mut c);
        assert!(c.mailbox().unwrap().read_only);
        let tag = c.send(&t("CLOSE")).unwrap();
        c.feed(format!("{tag} OK\r\n").as_bytes());
        drain(&mut c);
        assert_eq!(c.state(), ConnState::Authenticated);
    }

    #[test]
    fn synchronizing_literal_waits_for_continuation() {
        let mut c = conn("* PREAUTH hi\r\n");
        let tag = c
            .send(&T {
                name: "APPEND",
                literal: Some(b"hello"),
                seq: false,
            })
            .unwrap();
        let noop = c.send(&t("NOOP")).unwrap();
        assert_eq!(out(&mut c), format!("{tag} APPEND {{5}}\r\n"));
        assert_eq!(c.take_transmit(), None);
        c.feed(b"+ Ready for literal data\r\n");
        assert_eq!(c.poll_event(), Ok(None));
        assert_eq!(out(&mut c), format!("hello\r\n{noop} NOOP\r\n"));
    }

    #[test]
    fn literal_plus_sends_at_once() {
        let mut c = conn("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] hi\r\n");
        let tag = c
            .send(&T {
                name: "APPEND",
                literal: Some(b"hi"),
                seq: false,
            })
            .unwrap();
        assert_eq!(out(&mut c), format!("{tag} APPEND {{2+}}\r\nhi\r\n"));
    }

    #[test]
    fn rejected_literal_ends_the_command_and_frees_the_wire() {
        let mut c = conn("* PREAUTH hi\r\n");
        let tag = c
            .send(&T {
                name: "APPEND",
                literal: Some(b"hello"),
                seq: false,
            })
            .unwrap();
        let noop = c.send(&t("NOOP")).unwrap();
        out(&mut c);
        c.feed(format!("{tag} NO [TOOBIG] too big\r\n").as_bytes());
        let ev = drain(&mut c);
        assert!(matches!(&ev[0], ConnEvent::Done { status, .. } if status.kind == StatusKind::No));
        assert_eq!(out(&mut c), format!("{noop} NOOP\r\n"));
    }

    #[test]
    fn pipelining_follows_rfc3501_5_5() {
        let mut c = conn("* PREAUTH hi\r\n");
        let sel = c.send(&t("SELECT")).unwrap();
        // Nothing may follow a SELECT until it completes.
        let f1 = c.send(&t("UID FETCH")).unwrap();
        assert_eq!(out(&mut c), format!("{sel} SELECT\r\n"));
        c.feed(format!("{sel} OK [READ-WRITE] ok\r\n").as_bytes());
        drain(&mut c);
        assert_eq!(out(&mut c), format!("{f1} UID FETCH\r\n"));
        // More UID commands pipeline.
        let f2 = c.send(&t("UID STORE")).unwrap();
        assert_eq!(out(&mut c), format!("{f2} UID STORE\r\n"));
        // A sequence-number FETCH must wait: EXPUNGE may arrive during UID commands.
        let f3 = c
            .send(&T {
                name: "FETCH",
                literal: None,
                seq: true,
            })
            .unwrap();
        assert_eq!(c.take_transmit(), None);
        c.feed(format!("{f1} OK\r\n{f2} OK\r\n").as_bytes());
        drain(&mut c);
        assert_eq!(out(&mut c), format!("{f3} FETCH\r\n"));
        // ...but a sequence-number STORE may follow a FETCH (no EXPUNGE during FETCH).
        let f4 = c
            .send(&T {
                name: "STORE",
                literal: None,
                seq: true,
            })
            .unwrap();
        assert_eq!(out(&mut c), format!("{f4} STORE\r\n"));
        assert_eq!(c.in_flight(), 2);
    }

    #[test]
    fn routing_of_fetch_responses() {
        let mut c = conn("* PREAUTH hi\r\n");
        let sel = c.send(&t("SELECT")).unwrap();
        c.feed(format!("{sel} OK\r\n").as_bytes());
        drain(&mut c);
        let f = c.send(&t("UID FETCH")).unwrap();
        c.feed(
            format!("* 1 FETCH (UID 5 FLAGS ())\r\n* 2 FETCH (FLAGS (\\Seen))\r\n{f} OK\r\n")
                .as_bytes(),
        );
        let ev = drain(&mut c);
        assert!(matches!(&ev[0], ConnEvent::Data { tag: Some(x), .. } if *x == f));
        // A FETCH without UID during UID FETCH is someone else's flag change.
        assert!(matches!(&ev[1], ConnEvent::Data { tag: None, .. }));
    }

    #[test]
    fn protocol_errors() {
        let mut c = conn("* PREAUTH hi\r\n");
        c.feed(b"ZZZ9 OK who are you\r\n");
        assert_eq!(
            c.poll_event(),
            Err(ProtocolError::UnknownTag(Tag::from("ZZZ9")))
        );
        let mut c = conn("* PREAUTH hi\r\n");
        c.feed(b"+ nobody asked\r\n");
        assert!(matches!(
            c.poll_event(),
            Err(ProtocolError::UnexpectedContinue(_))
        ));
    }

    #[test]
    fn interactive_commands_get_continuations() {
        let mut c = conn("* OK hi\r\n");
        let tag = c.send(&t("AUTHENTICATE")).unwrap();
        out(&mut c);
        c.feed(b"+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+\r\n");
        let Some(ConnEvent::Continue { tag: x, request }) = c.poll_event().unwrap() else {
            panic!()
        };
        assert_eq!(x, tag);
        assert_eq!(request.text.len(), 36);
        c.send_line(b"dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
        assert!(out(&mut c).ends_with("\r\n"));
        c.feed(format!("{tag} OK done\r\n").as_bytes());
        drain(&mut c);
        assert_eq!(c.state(), ConnState::Authenticated);

        let tag = c.send(&t("IDLE")).unwrap();
        out(&mut c);
        c.feed(b"+ idling\r\n* 4 EXISTS\r\n");
        let ev = drain(&mut c);
        assert!(matches!(ev[0], ConnEvent::Continue { .. }));
        assert!(matches!(ev[1], ConnEvent::Data { tag: None, .. }));
        c.idle_done();
        assert_eq!(out(&mut c), "DONE\r\n");
        c.feed(format!("{tag} OK idle done\r\n").as_bytes());
        drain(&mut c);
        assert_eq!(c.in_flight(), 0);
    }

    #[test]
    fn bye_ends_the_connection() {
        let mut c = conn("* PREAUTH hi\r\n");
        let _ = c.send(&t("NOOP")).unwrap();
        c.feed(b"* BYE shutting down\r\n");
        assert!(matches!(c.poll_event(), Ok(Some(ConnEvent::Bye(_)))));
        assert_eq!(c.state(), ConnState::Logout);
        // Nothing more goes out after BYE.
        let _ = c.send(&t("NOOP"));
        out(&mut c);
        assert_eq!(c.take_transmit(), None);
    }

    #[test]
    fn malformed_tagged_completion_does_not_hang_the_command() {
        let mut c = conn("* PREAUTH hi\r\n");
        let tag = c.send(&t("NOOP")).unwrap();
        c.feed(format!("{tag} WEIRD stuff\r\n").as_bytes());
        let ev = drain(&mut c);
        assert!(matches!(&ev[0], ConnEvent::Malformed(m) if m.tag.as_ref() == Some(&tag)));
        assert_eq!(c.in_flight(), 0);
    }

    #[test]
    fn enable_utf8_switches_encoding() {
        let mut c = conn("* PREAUTH [CAPABILITY IMAP4rev1 UTF8=ACCEPT] hi\r\n");
        assert!(!c.encode_options().utf8);
        let tag = c.send(&t("ENABLE")).unwrap();
        c.feed(format!("* ENABLED UTF8=ACCEPT\r\n{tag} OK\r\n").as_bytes());
        drain(&mut c);
        assert!(c.encode_options().utf8);
    }

    #[test]
    fn fuzz_findings_bye_closed_enabled() {
        // A completion after BYE does not revive the connection.
        let mut c = conn("* PREAUTH hi\r\n");
        let sel = c.send(&t("SELECT")).unwrap();
        c.feed(format!("* BYE going\r\n{sel} OK done\r\n").as_bytes());
        drain(&mut c);
        assert_eq!(c.state(), ConnState::Logout);
        // An unsolicited CLOSED does not drop the selected mailbox.
        let mut c = conn("* PREAUTH hi\r\n");
        let sel = c.send(&t("SELECT")).unwrap();
        c.feed(format!("{sel} OK\r\n* OK [CLOSED] x\r\n").as_bytes());
        drain(&mut c);
        assert_eq!(c.state(), ConnState::Selected);
        assert!(c.mailbox().is_some());
        // An ENABLED nobody asked for changes nothing.
        let mut c = conn("* PREAUTH hi\r\n");
        c.feed(b"* ENABLED UTF8=ACCEPT\r\n");
        drain(&mut c);
        assert!(!c.encode_options().utf8);
    }

    #[test]
    fn vanished_and_modseq_tracking() {
        let mut c = conn("* PREAUTH hi\r\n");
        let sel = c.send(&t("SELECT")).unwrap();
        c.feed(format!("* 10 EXISTS\r\n* OK [HIGHESTMODSEQ 5] x\r\n{sel} OK\r\n").as_bytes());
        drain(&mut c);
        c.feed(b"* VANISHED 3:5\r\n* 1 FETCH (UID 1 MODSEQ (9))\r\n");
        drain(&mut c);
        let m = c.mailbox().unwrap();
        assert_eq!(m.exists, 7);
        assert_eq!(m.highest_modseq, Some(9));
    }
}
