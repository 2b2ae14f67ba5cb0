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
        Data::List(_) => name == "LIST",
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
        Data::Vanished { earlier, .. } => {
            *earlier && matches!(name, "UID FETCH" | "SELECT" | "EXAMINE")
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
}

/// The sans-IO IMAP connection. See the [module docs](self).
#[derive(Debug)]
pub struct Connection {
    state: ConnState,
    decoder: Decoder,
    tags: TagGenerator,
    caps: Vec<Capability>,
    caps_known: bool,
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
    pub fn new() -> Self {
        Self::with_limits(Limits::default())
    }

    /// With explicit decoder limits.
    pub fn with_limits(limits: Limits) -> Self {
        Connection {
            state: ConnState::Greeting,
            decoder: Decoder::with_limits(limits),
            tags: TagGenerator::new(),
            caps: Vec::new(),
            caps_known: false,
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
    pub fn set_tag_generator(&mut self, tags: TagGenerator) {
        self.tags = tags;
    }

    /// Never use LITERAL+/LITERAL- even when offered.
    pub fn set_force_sync_literals(&mut self, on: bool) {
        self.force_sync_literals = on;
    }

    /// The decoder (to change limits, e.g. to stream literals for one command).
    pub fn decoder_mut(&mut self) -> &mut Decoder {
        &mut self.decoder
    }

    /// The protocol state.
    pub fn state(&self) -> ConnState {
        self.state
    }

    /// The greeting, once received.
    pub fn greeting(&self) -> Option<&Status> {
        self.greeting.as_ref()
    }

    /// The capabilities last announced (empty after they were invalidated by STARTTLS or
    /// login until the server sends them again; see [`capabilities_known`](Self::capabilities_known)).
    pub fn capabilities(&self) -> &[Capability] {
        &self.caps
    }

    /// Whether the capability list is current.
    pub fn capabilities_known(&self) -> bool {
        self.caps_known
    }

    /// Whether the server announced a capability (case-insensitive).
    pub fn has_capability(&self, name: &str) -> bool {
        self.caps.iter().any(|c| c.is(name))
    }

    /// Whether an extension was enabled with ENABLE.
    pub fn is_enabled(&self, name: &str) -> bool {
        self.enabled.iter().any(|c| c.is(name))
    }

    /// Whether the server speaks IMAP4rev2 (and not only IMAP4rev1).
    pub fn is_imap4rev2(&self) -> bool {
        self.has_capability("IMAP4rev2")
            && (!self.has_capability("IMAP4rev1") || self.is_enabled("IMAP4rev2"))
    }

    /// The selected mailbox, if any.
    pub fn mailbox(&self) -> Option<&MailboxState> {
        self.mailbox.as_ref()
    }

    /// The options the encoder uses now.
    pub fn encode_options(&self) -> EncodeOptions {
        EncodeOptions {
            literal_plus: !self.force_sync_literals && self.has_capability("LITERAL+"),
            literal_minus: !self.force_sync_literals && self.has_capability("LITERAL-"),
            utf8: self.is_enabled("UTF8=ACCEPT") || self.is_enabled("IMAP4rev2"),
            binary: self.has_capability("BINARY"),
        }
    }

    /// Number of commands sent (or queued) and not yet completed.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len() + self.queued.len()
    }

    /// Queues a command; returns its tag. The bytes come out of
    /// [`poll_transmit`](Self::poll_transmit) as soon as they may be sent.
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
            kind: kind_of(name),
            pending: enc.fragments.into(),
            sent: false,
            mailbox,
            uses_seq: cmd.uses_sequence_numbers(),
        };
        self.queued.push_back(c);
        self.pump();
        Ok(tag)
    }

    /// Remembers the mailbox name of a SELECT/EXAMINE just sent (for [`MailboxState::name`]).
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
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        self.out.pop_front()
    }

    /// Everything that may be written now, concatenated (one write).
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
    pub fn send_line(&mut self, line: &[u8]) {
        let mut v = Vec::with_capacity(line.len() + 2);
        v.extend_from_slice(line);
        v.extend_from_slice(b"\r\n");
        self.out.push_back(Bytes::from(v));
    }

    /// Ends IDLE (`DONE`).
    pub fn idle_done(&mut self) {
        self.out.push_back(Bytes::from_static(b"DONE\r\n"));
    }

    /// Feeds received bytes.
    pub fn feed(&mut self, data: &[u8]) {
        self.decoder.feed(data);
    }

    /// Takes bytes received but not yet decoded (after STARTTLS they must be discarded:
    /// a man in the middle could have injected them before the handshake).
    pub fn take_buffered(&mut self) -> bytes::BytesMut {
        self.decoder.take_buffered()
    }

    /// The next event, `Ok(None)` when more input is needed.
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
        let ok = s.kind == StatusKind::Ok;
        self.status_code(&s);
        match c.name {
            "LOGIN" | "AUTHENTICATE" if ok => {
                self.state = ConnState::Authenticated;
                // Capabilities change after login; keep them only if sent with the OK.
                if !matches!(s.code, Some(Code::Capability(_))) {
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
        if *code == Code::Closed {
            // RFC 7162 3.2.11: the previous mailbox is closed; what follows is the new one.
            self.mailbox = None;
            return;
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
            Data::Enabled(c) => self.enabled.extend(c.iter().cloned()),
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
