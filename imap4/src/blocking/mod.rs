//! The blocking client: a socket loop around [`imap4_proto::Connection`].
//!
//! [`Client`] sends one command at a time from the caller's point of view and waits for its
//! tagged completion: only that completion ends a command, so a connection that drops or a
//! `BYE` between two responses is an [`Error::Abort`], never a shorter successful result.
//! Every wait has a time budget ([`Timeouts`]); a budget that runs out is
//! [`Abort::Timeout`], and after any abort the client refuses further commands with
//! [`Abort::Unusable`] instead of talking to a connection that is out of step.
//!
//! Commands live in small modules, one per area: [`Client::fetch`] and friends (streaming
//! results, bodies into any `io::Write`), mailboxes, messages, access control and quotas,
//! authentication, IDLE, COMPRESS.

mod admin;
mod auth;
mod compress;
mod connect;
mod fetch;
mod idle;
mod mailbox;
mod messages;
mod parts;

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use imap4_proto::decode::Malformed;
use imap4_proto::encode::{self, Command};
use imap4_proto::{
    Capability, ConnEvent, ConnState, Connection, Continue, Data, MailboxState, Status, StatusKind,
    Tag,
};

use crate::error::{Abort, Error, Result};
use crate::trace::Tracer;
use crate::transport::Transport;

pub use admin::{
    AclEntry, Annotation, ListRights, Metadata, MetadataEntry, Quota, QuotaRoot, Rights,
};
pub use fetch::FetchStream;
pub use idle::{Idle, IdleEvent};
pub use mailbox::{Expunged, MailboxStatus};
pub use messages::{
    AppendUid, AppendUids, CopyUid, ESearchResult, MessageFlags, ModSeqUpdate, QResyncSelect,
    StoreResult,
};
pub use parts::{Attachment, MessageText};

/// A byte stream the client can run over: anything `Read + Write`, plus a way to change
/// the read timeout so each phase ([`Timeouts`]) gets its own budget.
///
/// Implemented for [`Transport`], [`TcpStream`] and boxed streams. For your own stream type,
/// implement [`set_read_timeout`](Stream::set_read_timeout) if it can time out; the default
/// does nothing (reads then wait as long as the stream lets them).
///
/// ```
/// use imap4::blocking::Stream;
/// use std::io::{Read, Write};
///
/// struct MyPipe; // say, an in-memory or custom-encrypted channel
/// impl Read for MyPipe {
///     fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> { Ok(0) }
/// }
/// impl Write for MyPipe {
///     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { Ok(b.len()) }
///     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
/// }
/// impl Stream for MyPipe {}
/// ```
pub trait Stream: Read + Write {
    /// Sets how long a read may wait for data; `None` waits forever. A read that times out
    /// must fail with [`io::ErrorKind::TimedOut`] or [`io::ErrorKind::WouldBlock`] and leave
    /// the stream usable.
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        let _ = timeout;
        Ok(())
    }
}

impl Stream for Transport {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.set_io_timeout(timeout)
    }
}

impl Stream for TcpStream {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, timeout)
    }
}

#[cfg(unix)]
impl Stream for std::os::unix::net::UnixStream {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_read_timeout(self, timeout)
    }
}

impl<T: Stream + ?Sized> Stream for Box<T> {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        (**self).set_read_timeout(timeout)
    }
}

/// Time budgets for the phases of a connection. `None` waits forever.
///
/// The command budget is a *progress* timeout: it restarts whenever data arrives, so
/// downloading a 1 GB message over a slow link is fine, while a server that says nothing
/// for that long is given up on.
///
/// ```
/// use imap4::blocking::Timeouts;
/// use std::time::Duration;
///
/// let t = Timeouts::default().command(Some(Duration::from_secs(120)));
/// assert_eq!(t.greeting, Some(Duration::from_secs(30)));
/// ```
#[doc(alias = "timeout")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Waiting for the server's greeting. Default 30 s.
    pub greeting: Option<Duration>,
    /// Longest silence while a command runs. Default 60 s.
    pub command: Option<Duration>,
    /// How long one IDLE lasts before it is ended and re-issued, well under the 30 minutes
    /// after which servers may drop an idle client (RFC 9051 6.3.13). Default 25 minutes.
    pub idle_refresh: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            greeting: Some(Duration::from_secs(30)),
            command: Some(Duration::from_secs(60)),
            idle_refresh: Duration::from_secs(25 * 60),
        }
    }
}

impl Timeouts {
    /// Sets the greeting budget.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let t = imap4::blocking::Timeouts::default().greeting(Some(Duration::from_secs(5)));
    /// assert_eq!(t.greeting, Some(Duration::from_secs(5)));
    /// ```
    pub fn greeting(mut self, t: Option<Duration>) -> Self {
        self.greeting = t;
        self
    }

    /// Sets the command progress budget.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let t = imap4::blocking::Timeouts::default().command(None); // wait forever
    /// assert_eq!(t.command, None);
    /// ```
    pub fn command(mut self, t: Option<Duration>) -> Self {
        self.command = t;
        self
    }

    /// Sets how often IDLE is re-issued.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let t = imap4::blocking::Timeouts::default().idle_refresh(Duration::from_secs(600));
    /// assert_eq!(t.idle_refresh, Duration::from_secs(600));
    /// ```
    pub fn idle_refresh(mut self, t: Duration) -> Self {
        self.idle_refresh = t;
        self
    }
}

/// What a completed command brought back.
///
/// ```no_run
/// # let mut client: imap4::blocking::Client = todo!();
/// let reply = client.run(&imap4::proto::encode::Noop)?;
/// println!("{} ({} responses)", reply.status.text_str(), reply.data.len());
/// # Ok::<(), imap4::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Reply {
    /// Untagged data that answers the command, in order.
    pub data: Vec<Data>,
    /// The tagged completion (its response code carries APPENDUID, COPYUID, ...).
    pub status: Status,
    /// Responses to the command that could not be parsed (raw bytes and error each).
    pub malformed: Vec<Malformed>,
}

/// Something the server said that no command asked for: new mail, expunges and flag changes
/// from other sessions, alerts. Kept in arrival order until drained with
/// [`Client::take_unsolicited`] (imaplib's `response()`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Unsolicited {
    /// Untagged data (`* 5 EXISTS`, `* 3 FETCH (FLAGS ...)`, `* VANISHED 7`, ...).
    Data(Data),
    /// An untagged status: `* OK [ALERT] ...`, `* NO ...`, `* BAD ...`, or the `BYE`.
    Status(Status),
    /// A response that could not be parsed.
    Malformed(Malformed),
}

/// One step of a running command, as seen by the command's own code.
#[derive(Debug)]
pub(crate) enum Step {
    Data(Data),
    LiteralStart(imap4_proto::decode::LiteralStart),
    LiteralChunk(bytes::Bytes),
    LiteralEnd,
    #[allow(dead_code)] // read by interactive commands (AUTHENTICATE)
    Continue(Continue),
    Unparsed(Malformed),
    Done(Status),
}

/// A blocking IMAP client over any [`Stream`] (by default a [`Transport`]: TCP, TLS or a
/// spawned command).
///
/// Untagged data the server sends on its own (new mail, expunges from other sessions, flag
/// changes) is kept and can be drained with [`Client::take_unsolicited`] (imaplib's
/// `response()`).
///
/// ```no_run
/// use imap4::blocking::Client;
/// use imap4::transport::TlsConfig;
///
/// let mut client = Client::connect_tls("imap.example.com", 993, &TlsConfig::new())?;
/// client.login("alice", "secret")?;
/// let inbox = client.select("INBOX")?;
/// println!("{} messages", inbox.exists);
/// client.logout()?;
/// # Ok::<(), imap4::Error>(())
/// ```
#[derive(Debug)]
pub struct Client<S: Stream = Transport> {
    pub(crate) conn: Connection,
    pub(crate) stream: S,
    pub(crate) unsolicited: VecDeque<Unsolicited>,
    pub(crate) secure: bool,
    pub(crate) allow_plaintext: bool,
    #[allow(dead_code)] // read by AUTHENTICATE
    pub(crate) sasl_ir: bool,
    buf: Vec<u8>,
    timeouts: Timeouts,
    /// The read timeout currently set on the stream.
    read_timeout: Option<Option<Duration>>,
    /// Why the connection became unusable, once it did.
    broken: Option<String>,
    /// Commands whose results the caller dropped (a fetch iterator let go early, an IDLE
    /// ended by drop): their completion is read and discarded before the next command.
    pub(crate) abandoned: Vec<(Tag, &'static str)>,
    /// A `READ-ONLY` change seen while the current command ran.
    readonly: Option<String>,
    zlib: Option<compress::Deflate>,
    tracer: Tracer,
}

impl<S: Stream> Client<S> {
    /// Wraps a connected stream and reads the greeting. `secure` says whether the stream is
    /// encrypted (credentials are only sent over secure streams unless
    /// [`allow_plaintext_login`](Self::allow_plaintext_login) is set).
    ///
    /// ```no_run
    /// use imap4::blocking::Client;
    /// let tcp = std::net::TcpStream::connect("127.0.0.1:10143")?;
    /// let client = Client::from_stream(tcp, false)?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn from_stream(stream: S, secure: bool) -> Result<Self> {
        Self::from_stream_with(stream, secure, Timeouts::default())
    }

    /// [`from_stream`](Self::from_stream) with explicit time budgets.
    ///
    /// ```no_run
    /// use imap4::blocking::{Client, Timeouts};
    /// use std::time::Duration;
    /// let tcp = std::net::TcpStream::connect("127.0.0.1:10143")?;
    /// let t = Timeouts::default().greeting(Some(Duration::from_secs(5)));
    /// let client = Client::from_stream_with(tcp, false, t)?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn from_stream_with(stream: S, secure: bool, timeouts: Timeouts) -> Result<Self> {
        let mut c = Client {
            conn: Connection::new(),
            stream,
            unsolicited: VecDeque::new(),
            secure,
            allow_plaintext: false,
            sasl_ir: true,
            buf: vec![0; 64 * 1024],
            timeouts,
            read_timeout: None,
            broken: None,
            abandoned: Vec::new(),
            readonly: None,
            zlib: None,
            tracer: Tracer::new(),
        };
        loop {
            let ev = c
                .next_event("greeting", timeouts.greeting)
                .map_err(|e| c.mark(e))?;
            match ev {
                ConnEvent::Greeting(g) => {
                    c.tracer.debug_status("greeting", &g);
                    if g.kind == StatusKind::Bye {
                        return Err(c.mark(Abort::Bye(g.text_str().into_owned()).into()));
                    }
                    return Ok(c);
                }
                _ => continue,
            }
        }
    }

    /// Allows LOGIN and AUTHENTICATE over a connection without TLS (for loopback test
    /// servers). Off by default: a password must not travel in clear by accident.
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// client.allow_plaintext_login(true);
    /// client.login("alice", "alicepw")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn allow_plaintext_login(&mut self, yes: bool) {
        self.allow_plaintext = yes;
    }

    /// Sends every literal as a synchronizing literal (waiting for the server's `+`), even
    /// when the server announces `LITERAL+` / `LITERAL-`: for servers that announce them
    /// and then mishandle them.
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// client.set_force_sync_literals(true);
    /// ```
    pub fn set_force_sync_literals(&mut self, on: bool) {
        self.conn.set_force_sync_literals(on);
    }

    /// Whether the connection is encrypted (TLS, STARTTLS, or a stream declared secure).
    ///
    /// ```no_run
    /// # let client: imap4::blocking::Client = todo!();
    /// assert!(client.is_secure());
    /// ```
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// The time budgets in force.
    ///
    /// ```no_run
    /// # let client: imap4::blocking::Client = todo!();
    /// println!("{:?}", client.timeouts().command);
    /// ```
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// Changes the time budgets (takes effect with the next read).
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// use imap4::blocking::Timeouts;
    /// use std::time::Duration;
    /// client.set_timeouts(Timeouts::default().command(Some(Duration::from_secs(300))));
    /// ```
    pub fn set_timeouts(&mut self, timeouts: Timeouts) {
        self.timeouts = timeouts;
    }

    /// The sans-IO connection state (capabilities, selected mailbox, protocol state).
    ///
    /// ```no_run
    /// # let client: imap4::blocking::Client = todo!();
    /// println!("{:?}", client.connection().state());
    /// ```
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The protocol state (imaplib's `state`).
    ///
    /// ```no_run
    /// # let client: imap4::blocking::Client = todo!();
    /// use imap4::proto::ConnState;
    /// assert_eq!(client.state(), ConnState::NotAuthenticated);
    /// ```
    pub fn state(&self) -> ConnState {
        self.conn.state()
    }

    /// The selected mailbox's state, kept current by unsolicited EXISTS, EXPUNGE, FLAGS and
    /// response codes.
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// client.select("INBOX")?;
    /// println!("{}", client.mailbox().unwrap().exists);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn mailbox(&self) -> Option<&MailboxState> {
        self.conn.mailbox()
    }

    /// The server greeting (imaplib's `welcome`).
    ///
    /// ```no_run
    /// # let client: imap4::blocking::Client = todo!();
    /// println!("{}", client.greeting().unwrap().text_str());
    /// ```
    #[doc(alias = "welcome")]
    pub fn greeting(&self) -> Option<&Status> {
        self.conn.greeting()
    }

    /// The protocol version the server speaks (imaplib's `PROTOCOL_VERSION`):
    /// `"IMAP4rev2"` once enabled, else `"IMAP4rev1"` (or `"IMAP4"` for servers announcing
    /// neither).
    ///
    /// ```no_run
    /// # let client: imap4::blocking::Client = todo!();
    /// println!("{}", client.protocol_version());
    /// ```
    #[doc(alias = "PROTOCOL_VERSION")]
    pub fn protocol_version(&self) -> &'static str {
        if self.conn.is_enabled("IMAP4rev2") {
            "IMAP4rev2"
        } else if self.conn.has_capability("IMAP4rev1") || !self.conn.capabilities_known() {
            "IMAP4rev1"
        } else if self.conn.has_capability("IMAP4rev2") {
            "IMAP4rev2"
        } else {
            "IMAP4"
        }
    }

    /// Unsolicited responses received so far, oldest first (imaplib's `response()`;
    /// `untagged_responses`).
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// use imap4::blocking::Unsolicited;
    /// use imap4::proto::Data;
    /// client.noop()?;
    /// for u in client.take_unsolicited() {
    ///     if let Unsolicited::Data(Data::Exists(n)) = u {
    ///         println!("now {n} messages");
    ///     }
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "response")]
    #[doc(alias = "untagged_responses")]
    pub fn take_unsolicited(&mut self) -> Vec<Unsolicited> {
        self.unsolicited.drain(..).collect()
    }

    /// Whether an earlier error left the connection unusable.
    ///
    /// ```no_run
    /// # let client: imap4::blocking::Client = todo!();
    /// if client.is_broken() { /* reconnect */ }
    /// ```
    pub fn is_broken(&self) -> bool {
        self.broken.is_some()
    }

    /// Records an abort: every later command fails fast with [`Abort::Unusable`].
    pub(crate) fn mark(&mut self, e: Error) -> Error {
        if let Error::Abort(a) = &e {
            if self.broken.is_none() {
                tracing::debug!(target: "imap4", "connection unusable: {a}");
                self.broken = Some(a.to_string());
            }
        }
        e
    }

    fn write_out(&mut self, bytes: &[u8]) -> Result<()> {
        match &mut self.zlib {
            Some(z) => {
                let packed = z.compress(bytes)?;
                self.stream.write_all(&packed)?;
            }
            None => self.stream.write_all(bytes)?,
        }
        self.stream.flush()?;
        Ok(())
    }

    pub(crate) fn flush(&mut self) -> Result<()> {
        if let Some(b) = self.conn.take_transmit() {
            self.tracer.sent(&b);
            self.write_out(&b)?;
        }
        Ok(())
    }

    /// Reads once (or inflates pending compressed input) and feeds the connection.
    fn read_more(&mut self, waiting_for: &'static str, timeout: Option<Duration>) -> Result<()> {
        if let Some(z) = &mut self.zlib {
            if z.has_pending() {
                let out = z.inflate_pending()?;
                self.tracer.received(&out);
                self.conn.feed(&out);
                return Ok(());
            }
        }
        if self.read_timeout != Some(timeout) {
            self.stream.set_read_timeout(timeout)?;
            self.read_timeout = Some(timeout);
        }
        let n = match self.stream.read(&mut self.buf) {
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                ) =>
            {
                return Err(Abort::Timeout {
                    waiting_for,
                    after: timeout.unwrap_or_default(),
                }
                .into())
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        if n == 0 {
            return Err(Abort::Closed.into());
        }
        match &mut self.zlib {
            Some(z) => {
                let out = z.inflate(&self.buf[..n])?;
                self.tracer.received(&out);
                self.conn.feed(&out);
            }
            None => {
                self.tracer.received(&self.buf[..n]);
                self.conn.feed(&self.buf[..n]);
            }
        }
        Ok(())
    }

    /// The next connection event, reading as needed.
    fn next_event(
        &mut self,
        waiting_for: &'static str,
        timeout: Option<Duration>,
    ) -> Result<ConnEvent> {
        loop {
            self.flush()?;
            if let Some(e) = self.conn.poll_event()? {
                return Ok(e);
            }
            // Handling input can release bytes (a literal after `+`): send them first.
            self.flush()?;
            self.read_more(waiting_for, timeout)?;
        }
    }

    /// Like `next_event`, but a timeout is `Ok(None)` instead of an error (IDLE waits).
    pub(crate) fn next_event_until(
        &mut self,
        waiting_for: &'static str,
        timeout: Duration,
    ) -> Result<Option<ConnEvent>> {
        self.flush()?;
        if let Some(e) = self.conn.poll_event()? {
            return Ok(Some(e));
        }
        self.flush()?;
        match self.read_more(waiting_for, Some(timeout.max(Duration::from_millis(1)))) {
            Ok(()) => Ok(self.conn.poll_event()?),
            Err(Error::Abort(Abort::Timeout { .. })) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Checks the connection is usable and finishes commands the caller abandoned.
    pub(crate) fn prepare(&mut self) -> Result<()> {
        if let Some(why) = &self.broken {
            return Err(Abort::Unusable(why.clone()).into());
        }
        while let Some((tag, name)) = self.abandoned.first().cloned() {
            loop {
                match self.step(&tag, name)? {
                    Step::Done(_) => break,
                    Step::Continue(_) => {
                        // An abandoned IDLE or AUTHENTICATE: end it.
                        if name == "IDLE" {
                            self.conn.idle_done();
                        } else {
                            self.conn.send_line(b"*");
                        }
                    }
                    _ => {}
                }
            }
            self.abandoned.remove(0);
        }
        self.readonly = None;
        Ok(())
    }

    /// Queues a command after [`prepare`](Self::prepare); returns its tag.
    pub(crate) fn start<C: Command + ?Sized>(&mut self, cmd: &C) -> Result<Tag> {
        self.prepare()?;
        let tag = self.conn.send(cmd)?;
        self.tracer.command(&tag, cmd.name(), cmd.is_sensitive());
        Ok(tag)
    }

    /// Advances the command `tag` by one step: its next response, literal chunk,
    /// continuation request or completion. Everything else goes to the unsolicited queue.
    /// Aborts mark the connection unusable.
    pub(crate) fn step(&mut self, tag: &Tag, name: &'static str) -> Result<Step> {
        let r = self.step_inner(tag, name);
        r.map_err(|e| self.mark(e))
    }

    fn step_inner(&mut self, tag: &Tag, name: &'static str) -> Result<Step> {
        loop {
            let timeout = self.timeouts.command;
            let ev = self.next_event(name, timeout)?;
            let routed = crate::engine::route(
                ev,
                std::slice::from_ref(tag),
                name,
                &self.conn,
                &mut self.unsolicited,
                &mut self.readonly,
                &mut self.tracer,
            )?;
            if let Some((_, step)) = routed {
                return Ok(step);
            }
        }
    }

    /// Turns a completion into `Ok` or the matching error.
    pub(crate) fn completion(&mut self, name: &'static str, status: Status) -> Result<Status> {
        crate::engine::completion(name, status, &mut self.readonly)
    }

    /// Sends any command and waits for its completion (imaplib's `xatom` and `_simple_command`).
    /// NO and BAD become [`Error::No`] / [`Error::Bad`]; the untagged data that answers the
    /// command comes back in the [`Reply`], everything else goes to
    /// [`take_unsolicited`](Self::take_unsolicited).
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// use imap4::proto::encode::Raw;
    /// let reply = client.run(&Raw::new("XYZZY"))?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "xatom")]
    #[doc(alias = "_simple_command")]
    pub fn run<C: Command + ?Sized>(&mut self, cmd: &C) -> Result<Reply> {
        let name = cmd.name();
        let tag = self.start(cmd)?;
        self.finish(&tag, name)
    }

    /// Collects a started command's data until its completion.
    pub(crate) fn finish(&mut self, tag: &Tag, name: &'static str) -> Result<Reply> {
        let mut data = Vec::new();
        let mut malformed = Vec::new();
        loop {
            match self.step(tag, name)? {
                Step::Data(d) => data.push(d),
                Step::Unparsed(m) => malformed.push(m),
                Step::Done(status) => {
                    let status = self.completion(name, status)?;
                    return Ok(Reply {
                        data,
                        status,
                        malformed,
                    });
                }
                Step::Continue(_) => {
                    // Only interactive commands get continuation requests; a plain command
                    // never does (Connection answers literal continuations itself).
                    return Err(self.mark(
                        Abort::Protocol(imap4_proto::ProtocolError::UnexpectedContinue(
                            bytes::Bytes::new(),
                        ))
                        .into(),
                    ));
                }
                Step::LiteralStart(_) | Step::LiteralChunk(_) | Step::LiteralEnd => {}
            }
        }
    }

    /// Asks for the capabilities if they are not known, then checks for `capability`.
    pub(crate) fn require(
        &mut self,
        command: &'static str,
        capability: &'static str,
    ) -> Result<()> {
        if !self.conn.capabilities_known() {
            self.run(&encode::Capability)?;
        }
        if self.conn.has_capability(capability) {
            Ok(())
        } else {
            Err(Error::Capability {
                command,
                capability,
            })
        }
    }

    /// Whether the server announces `capability` (asking once if unknown).
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// if client.has_capability("MOVE")? { /* ... */ }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn has_capability(&mut self, capability: &str) -> Result<bool> {
        if !self.conn.capabilities_known() {
            self.run(&encode::Capability)?;
        }
        Ok(self.conn.has_capability(capability))
    }

    /// `CAPABILITY`: the server's capabilities (cached after the first call; asked again
    /// after STARTTLS and login, when they may change).
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// for cap in client.capabilities()? {
    ///     println!("{cap:?}");
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "capability")]
    pub fn capabilities(&mut self) -> Result<Vec<Capability>> {
        if !self.conn.capabilities_known() {
            self.run(&encode::Capability)?;
        }
        Ok(self.conn.capabilities().to_vec())
    }

    /// `CAPABILITY`, always asking the server.
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// let caps = client.capability()?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn capability(&mut self) -> Result<Vec<Capability>> {
        self.run(&encode::Capability)?;
        Ok(self.conn.capabilities().to_vec())
    }

    /// `LOGIN` (refused over a connection without TLS unless allowed). The password never
    /// appears in traces or error messages.
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// client.login("alice", "secret")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn login(&mut self, user: &str, password: &str) -> Result<()> {
        if !self.secure && !self.allow_plaintext {
            return Err(Error::PlaintextLogin);
        }
        self.run(&encode::Login::new(user, password))?;
        Ok(())
    }

    /// `SELECT mailbox`: its state (message count, UIDVALIDITY, flags, ...).
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// let inbox = client.select("INBOX")?;
    /// println!("{} messages, UIDVALIDITY {:?}", inbox.exists, inbox.uid_validity);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn select(&mut self, mailbox: &str) -> Result<MailboxState> {
        self.open(encode::Select::new(mailbox), mailbox)
    }

    /// `EXAMINE mailbox`: like [`select`](Self::select), read-only (imaplib's
    /// `select(mailbox, readonly=True)`).
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// let inbox = client.examine("INBOX")?;
    /// assert!(inbox.read_only);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "readonly")]
    pub fn examine(&mut self, mailbox: &str) -> Result<MailboxState> {
        self.open(encode::Select::examine(mailbox), mailbox)
    }

    /// `SELECT`/`EXAMINE` with any parameters (CONDSTORE, QRESYNC): the mailbox state.
    /// `VANISHED (EARLIER)` and `FETCH` responses of a QRESYNC select are in the
    /// unsolicited queue, or use [`select_qresync`](Self::select_qresync).
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// use imap4::proto::encode::Select;
    /// let m = client.select_with(Select::new("INBOX").condstore(true))?;
    /// println!("HIGHESTMODSEQ {:?}", m.highest_modseq);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn select_with(&mut self, cmd: encode::Select) -> Result<MailboxState> {
        let name = cmd.mailbox().to_string();
        self.open(cmd, &name)
    }

    pub(crate) fn open(&mut self, cmd: encode::Select, name: &str) -> Result<MailboxState> {
        let tag = self.start(&cmd)?;
        self.conn.set_selecting_name(&tag, name);
        let reply = self.finish(&tag, cmd.name())?;
        // Data a QRESYNC select returns (VANISHED, FETCH) is for the caller to see.
        for d in reply.data {
            if matches!(d, Data::Vanished { .. } | Data::Fetch(_)) {
                self.unsolicited.push_back(Unsolicited::Data(d));
            }
        }
        let mut m = self.conn.mailbox().cloned().unwrap_or_default();
        m.name = name.to_string();
        Ok(m)
    }

    /// `NOOP`: does nothing, but lets the server report changes (new mail, expunges, flag
    /// updates), which land in [`take_unsolicited`](Self::take_unsolicited); also a
    /// keep-alive.
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// client.noop()?;
    /// let news = client.take_unsolicited();
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn noop(&mut self) -> Result<()> {
        self.run(&encode::Noop)?;
        Ok(())
    }

    /// `LOGOUT`: says goodbye; the server closes the connection. Calling it again is a
    /// no-op.
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// client.logout()?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn logout(&mut self) -> Result<()> {
        if self.conn.state() == ConnState::Logout {
            return Ok(());
        }
        let r = self.run(&encode::Logout);
        match r {
            Ok(_) => Ok(()),
            // The server may hang up right after its BYE without the tagged OK.
            Err(Error::Abort(Abort::Closed)) if self.conn.state() == ConnState::Logout => Ok(()),
            Err(e) => Err(e),
        }
    }
}
