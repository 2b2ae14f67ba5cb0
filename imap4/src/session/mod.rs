//! The IMAP session: every command, written once as `async fn`s over [`Io`], the
//! byte-moving half that each driver supplies.
//!
//! - [`crate::blocking::Client`] runs a `Session` over a blocking [`Stream`](crate::blocking::Stream):
//!   its I/O never returns `Pending`, so each future finishes in one poll (no runtime).
//! - With the `tokio` feature, `imap4::tokio::Client` is a `Session` over a tokio stream.
//!
//! Only the tagged completion ends a command: a connection that drops or a `BYE` between
//! two responses is an [`Error::Abort`], never a shorter successful result. Every wait has
//! a time budget ([`Timeouts`]); a budget that runs out is [`Abort::Timeout`], and after any
//! abort the session refuses further commands with [`Abort::Unusable`].
//!
//! # Cancellation
//! Dropping a command's future (or a [`FetchStream`], an [`Idle`]) part way is safe: bytes
//! not yet written stay queued and go out first next time, bytes read are kept, and the
//! next command first reads the abandoned command's remaining responses (ending an IDLE
//! with `DONE`, cancelling an AUTHENTICATE with `*`). The connection never goes out of step.

mod admin;
mod auth;
mod batch;
mod compress;
mod fetch;
mod idle;
mod mailbox;
mod messages;
mod notify;
mod parts;

use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use bytes::BytesMut;
use imap4_proto::decode::Malformed;
use imap4_proto::encode::{self, Command};
use imap4_proto::{
    Capability, ConnEvent, ConnState, Connection, Continue, Data, MailboxState, Status, StatusKind,
    Tag,
};

use crate::error::{Abort, Error, Result};
use crate::trace::Tracer;

pub use admin::{
    AclEntry, Annotation, ListRights, Metadata, MetadataEntry, Quota, QuotaRoot, Rights,
};
pub use fetch::{FetchStream, MessageSink};
pub use idle::{Idle, IdleEvent};
pub use mailbox::{Expunged, MailboxStatus};
pub use messages::{
    AppendUid, AppendUids, CopyUid, ESearchResult, MessageFlags, ModSeqUpdate, QResyncSelect,
    StoreResult,
};
pub use parts::{Attachment, MessageText};

/// The byte-moving half of a session, in poll form so one implementation serves blocking
/// and async drivers. Implemented by the drivers' stream wrappers
/// ([`BlockingIo`](crate::blocking::BlockingIo), and `imap4::tokio::TokioIo` with the
/// `tokio` feature); code written against `Session<impl Io>` runs over either. Implement it
/// yourself to run a session over another I/O system ([`Session::from_io`]).
///
/// Each method follows the `futures`/`tokio` poll contract. A blocking implementation
/// simply does the I/O and returns `Ready`, as this in-memory stream does (driven here by
/// hand with [`block_on`](crate::blocking::block_on)):
///
/// ```
/// use std::future::poll_fn;
/// use std::io::{self, Read};
/// use std::task::{Context, Poll};
/// use std::time::Duration;
/// use imap4::blocking::block_on;
/// use imap4::Io;
///
/// /// Reads come from `input` (what the server says), writes land in `output`.
/// struct Memory {
///     input: io::Cursor<Vec<u8>>,
///     output: Vec<u8>,
/// }
///
/// impl Io for Memory {
///     fn poll_read(&mut self, _: &mut Context<'_>, buf: &mut [u8], _timeout: Option<Duration>,
///                  _fresh: bool) -> Poll<io::Result<usize>> {
///         Poll::Ready(self.input.read(buf)) // never waits, so the timeout cannot run out
///     }
///     fn poll_write(&mut self, _: &mut Context<'_>, buf: &[u8], _timeout: Option<Duration>,
///                   _fresh: bool) -> Poll<io::Result<usize>> {
///         self.output.extend_from_slice(buf);
///         Poll::Ready(Ok(buf.len()))
///     }
///     fn poll_flush(&mut self, _: &mut Context<'_>, _timeout: Option<Duration>,
///                   _fresh: bool) -> Poll<io::Result<()>> {
///         Poll::Ready(Ok(()))
///     }
/// }
///
/// let greeting = b"* OK [CAPABILITY IMAP4rev1 IDLE] Dovecot ready.\r\n".to_vec();
/// let mut io = Memory { input: io::Cursor::new(greeting), output: Vec::new() };
/// let mut buf = [0; 1024];
/// let n = block_on(poll_fn(|cx| io.poll_read(cx, &mut buf, None, true)))?;
/// assert!(buf[..n].starts_with(b"* OK"));
/// let sent = block_on(poll_fn(|cx| io.poll_write(cx, b"a1 NOOP\r\n", None, true)))?;
/// block_on(poll_fn(|cx| io.poll_flush(cx, None, true)))?;
/// assert_eq!(sent, 9);
/// assert_eq!(io.output, b"a1 NOOP\r\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub trait Io {
    /// Reads into `buf`. `timeout` bounds how long this read may wait with nothing
    /// arriving; `fresh` is true on the first poll of a new read (restart the timer then).
    /// A read that times out fails with [`io::ErrorKind::TimedOut`] (or `WouldBlock`) and
    /// leaves the stream usable.
    fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
        timeout: Option<Duration>,
        fresh: bool,
    ) -> Poll<io::Result<usize>>;
    /// Writes some of `buf`, returning how much. `timeout` bounds how long the write may
    /// wait for room (a server that stops reading); `fresh` as for reads. A write that
    /// times out fails with [`io::ErrorKind::TimedOut`].
    fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        buf: &[u8],
        timeout: Option<Duration>,
        fresh: bool,
    ) -> Poll<io::Result<usize>>;
    /// Flushes buffered output, within `timeout` (as for writes).
    fn poll_flush(
        &mut self,
        cx: &mut Context<'_>,
        timeout: Option<Duration>,
        fresh: bool,
    ) -> Poll<io::Result<()>>;
}

/// How many unsolicited responses a session keeps before dropping the oldest (a server
/// flooding `* OK` or flag updates during a long fetch cannot grow memory without bound).
/// What was dropped is counted: see `unsolicited_dropped`.
///
/// ```
/// assert_eq!(imap4::MAX_UNSOLICITED, 10_000);
/// ```
pub const MAX_UNSOLICITED: usize = 10_000;

/// An I/O error while `waiting_for` ran: a timeout (`TimedOut`, or `WouldBlock` from a
/// socket timeout) is [`Abort::Timeout`] with the budget that ran out, the rest
/// [`Abort::Io`].
fn io_error(e: io::Error, waiting_for: &'static str, timeout: Option<Duration>) -> Error {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Abort::Timeout {
            waiting_for,
            after: timeout.unwrap_or_default(),
        }
        .into(),
        _ => e.into(),
    }
}

/// The error for a response to `command` that could not be parsed.
pub(crate) fn unparsed(command: &'static str, m: Malformed) -> Error {
    Error::Unparsed {
        command,
        error: Box::new(m.error),
        raw: m.raw,
    }
}

/// `now + d`, or a century from now when that overflows (`Duration::MAX` means "forever").
pub(crate) fn deadline(d: Duration) -> std::time::Instant {
    let now = std::time::Instant::now();
    now.checked_add(d)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400))
}

struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

/// Runs a future whose I/O is blocking (it never waits on a waker) to completion.
pub(crate) fn block_on<F: Future>(f: F) -> F::Output {
    let waker = Waker::from(Arc::new(NoopWake));
    let mut cx = Context::from_waker(&waker);
    let mut f = pin!(f);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        // Blocking I/O is always ready; a pending future here could only be a spurious
        // one: give the thread a moment and poll again.
        std::thread::yield_now();
    }
}

/// Time budgets for the phases of a connection. `None` waits forever.
///
/// The command budget is a *progress* timeout: it restarts whenever data arrives, so
/// downloading a 1 GB message over a slow link is fine, while a server that says nothing
/// for that long is given up on.
///
/// ```
/// use imap4::Timeouts;
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
    /// The budgets for a connection made with `opts`: its I/O timeout bounds the greeting
    /// and each command's silences (change them later with `set_timeouts`).
    pub(crate) fn from_connect_options(opts: &crate::transport::ConnectOptions) -> Timeouts {
        Timeouts::default()
            .greeting(opts.io_timeout)
            .command(opts.io_timeout)
    }

    /// Sets the greeting budget.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let t = imap4::Timeouts::default().greeting(Some(Duration::from_secs(5)));
    /// assert_eq!(t.greeting, Some(Duration::from_secs(5)));
    /// ```
    pub fn greeting(mut self, t: Option<Duration>) -> Self {
        self.greeting = t;
        self
    }

    /// Sets the command progress budget.
    ///
    /// ```
    /// let t = imap4::Timeouts::default().command(None); // wait forever
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
    /// let t = imap4::Timeouts::default().idle_refresh(Duration::from_secs(600));
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
/// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
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
/// `take_unsolicited` (imaplib's `response()`).
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// use imap4::proto::{Code, Data};
/// use imap4::Unsolicited;
/// client.select("INBOX").await?;
/// client.noop().await?; // gives the server a chance to report changes
/// for u in client.take_unsolicited() {
///     match u {
///         Unsolicited::Data(Data::Exists(n)) => println!("INBOX now has {n} messages"),
///         Unsolicited::Data(Data::Expunge(n)) => println!("message {n} was expunged"),
///         Unsolicited::Status(s) if s.code == Some(Code::Alert) => {
///             println!("ALERT: {}", s.text_str())
///         }
///         Unsolicited::Malformed(m) => println!("unreadable: {:?}", m.raw),
///         other => println!("{other:?}"),
///     }
/// }
/// # Ok(()) }
/// ```
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
    Continue(Continue),
    Unparsed(Malformed),
    Done(Status),
}

/// Pieces of a command at least this long are written from their own buffer, not
/// copied into the gathering one (a literal: a message being appended).
const DIRECT_WRITE: usize = 64 << 10;

/// An IMAP session over any [`Io`]: the asynchronous client. With the `tokio` feature,
/// `imap4::tokio::Client` is a `Session` over a tokio stream; the blocking
/// [`Client`](crate::blocking::Client) runs one underneath.
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// client.login("alice", "secret").await?;
/// let inbox = client.select("INBOX").await?;
/// println!("{} messages", inbox.exists);
/// client.logout().await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Session<T> {
    pub(crate) conn: Connection,
    pub(crate) io: T,
    pub(crate) unsolicited: VecDeque<Unsolicited>,
    pub(crate) secure: bool,
    pub(crate) allow_plaintext: bool,
    pub(crate) sasl_ir: bool,
    buf: Box<[u8]>,
    pub(crate) timeouts: Timeouts,
    /// Why the connection became unusable, once it did.
    broken: Option<String>,
    /// A `READ-ONLY` change seen while the current command ran.
    readonly: Option<String>,
    pub(crate) zlib: Option<compress::Deflate>,
    tracer: Tracer,
    /// Bytes to write, already compressed if COMPRESS is on (kept across cancellation).
    out: BytesMut,
    /// The IDLE whose continuation arrived: it waits for `DONE`.
    pub(crate) idling: Option<Tag>,
    /// The decoder limits to go back to after a body streamed into a writer.
    pub(crate) saved_limits: Option<imap4_proto::Limits>,
    /// Unsolicited responses dropped because the queue was full.
    dropped: u64,
}

impl<T: Io> Session<T> {
    /// A session over your own [`Io`] (the drivers' constructors do this for theirs): reads
    /// the greeting. `secure` says whether the stream is encrypted (credentials are only
    /// sent over secure streams unless
    /// [`allow_plaintext_login`](Self::allow_plaintext_login) is set).
    ///
    /// ```
    /// use std::io::{self, Read};
    /// use std::task::{Context, Poll};
    /// use std::time::Duration;
    /// use imap4::{blocking::block_on, Io, Session, Timeouts};
    ///
    /// // A scripted server in memory: its whole conversation, and what we sent.
    /// struct Script(io::Cursor<Vec<u8>>, Vec<u8>);
    /// impl Io for Script {
    ///     fn poll_read(&mut self, _: &mut Context<'_>, b: &mut [u8], _: Option<Duration>,
    ///                  _: bool) -> Poll<io::Result<usize>> {
    ///         Poll::Ready(self.0.read(b))
    ///     }
    ///     fn poll_write(&mut self, _: &mut Context<'_>, b: &[u8], _: Option<Duration>,
    ///                   _: bool) -> Poll<io::Result<usize>> {
    ///         self.1.extend_from_slice(b);
    ///         Poll::Ready(Ok(b.len()))
    ///     }
    ///     fn poll_flush(&mut self, _: &mut Context<'_>, _: Option<Duration>,
    ///                   _: bool) -> Poll<io::Result<()>> {
    ///         Poll::Ready(Ok(()))
    ///     }
    /// }
    ///
    /// let server = b"* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n".to_vec();
    /// let mut s = block_on(Session::from_io(Script(io::Cursor::new(server), vec![]), true,
    ///                                       Timeouts::default()))?;
    /// assert_eq!(s.state(), imap4::proto::ConnState::Authenticated);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub async fn from_io(io: T, secure: bool, timeouts: Timeouts) -> Result<Self> {
        Self::new(io, secure, timeouts).await
    }

    /// Wraps a connected stream and reads the greeting (see [`from_io`](Self::from_io)).
    pub(crate) async fn new(io: T, secure: bool, timeouts: Timeouts) -> Result<Self> {
        let mut s = Session {
            conn: Connection::new(),
            io,
            unsolicited: VecDeque::new(),
            secure,
            allow_plaintext: false,
            sasl_ir: true,
            buf: vec![0; 64 * 1024].into_boxed_slice(),
            timeouts,
            broken: None,
            readonly: None,
            zlib: None,
            tracer: Tracer::new(),
            out: BytesMut::new(),
            idling: None,
            saved_limits: None,
            dropped: 0,
        };
        loop {
            let ev = match s.next_event("greeting", timeouts.greeting).await {
                Ok(ev) => ev,
                Err(e) => return Err(s.mark(e)),
            };
            if let ConnEvent::Greeting(g) = ev {
                s.tracer.debug_status("greeting", &g);
                if g.kind == StatusKind::Bye {
                    return Err(s.mark(Abort::Bye(g.text_str().into_owned()).into()));
                }
                return Ok(s);
            }
        }
    }

    /// The I/O underneath.
    pub(crate) fn io_mut(&mut self) -> &mut T {
        &mut self.io
    }

    /// The I/O underneath.
    pub(crate) fn io_ref(&self) -> &T {
        &self.io
    }

    /// Allows LOGIN and AUTHENTICATE over a connection without TLS (for loopback test
    /// servers). Off by default: a password must not travel in clear by accident.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.allow_plaintext_login(true);
    /// client.login("alice", "alicepw").await?;
    /// # Ok(()) }
    /// ```
    pub fn allow_plaintext_login(&mut self, yes: bool) {
        self.allow_plaintext = yes;
    }

    /// Sends every literal as a synchronizing literal (waiting for the server's `+`), even
    /// when the server announces `LITERAL+` / `LITERAL-`: for servers that announce them
    /// and then mishandle them.
    ///
    /// ```no_run
    /// # fn f(client: &mut imap4::Session<impl imap4::Io>) {
    /// client.set_force_sync_literals(true);
    /// # }
    /// ```
    pub fn set_force_sync_literals(&mut self, on: bool) {
        self.conn.set_force_sync_literals(on);
    }

    /// Whether the connection is encrypted (TLS, STARTTLS, or a stream declared secure).
    ///
    /// ```no_run
    /// # fn f(client: &imap4::Session<impl imap4::Io>) {
    /// assert!(client.is_secure());
    /// # }
    /// ```
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    pub(crate) fn set_secure(&mut self, yes: bool) {
        self.secure = yes;
    }

    /// The time budgets in force.
    ///
    /// ```no_run
    /// # fn f(client: &imap4::Session<impl imap4::Io>) {
    /// println!("{:?}", client.timeouts().command);
    /// # }
    /// ```
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// Changes the time budgets (takes effect with the next read).
    ///
    /// ```no_run
    /// # fn f(client: &mut imap4::Session<impl imap4::Io>) {
    /// use imap4::Timeouts;
    /// use std::time::Duration;
    /// client.set_timeouts(Timeouts::default().command(Some(Duration::from_secs(300))));
    /// # }
    /// ```
    pub fn set_timeouts(&mut self, timeouts: Timeouts) {
        self.timeouts = timeouts;
    }

    /// The sans-IO connection state (capabilities, selected mailbox, protocol state).
    ///
    /// ```no_run
    /// # fn f(client: &imap4::Session<impl imap4::Io>) {
    /// println!("{:?}", client.connection().state());
    /// # }
    /// ```
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The protocol state (imaplib's `state`).
    ///
    /// ```no_run
    /// # fn f(client: &imap4::Session<impl imap4::Io>) {
    /// use imap4::proto::ConnState;
    /// assert_eq!(client.state(), ConnState::NotAuthenticated);
    /// # }
    /// ```
    pub fn state(&self) -> ConnState {
        self.conn.state()
    }

    /// The selected mailbox's state, kept current by unsolicited EXISTS, EXPUNGE, FLAGS and
    /// response codes.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.select("INBOX").await?;
    /// println!("{}", client.mailbox().unwrap().exists);
    /// # Ok(()) }
    /// ```
    pub fn mailbox(&self) -> Option<&MailboxState> {
        self.conn.mailbox()
    }

    /// The server greeting (imaplib's `welcome`).
    ///
    /// ```no_run
    /// # fn f(client: &imap4::Session<impl imap4::Io>) {
    /// println!("{}", client.greeting().unwrap().text_str());
    /// # }
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
    /// # fn f(client: &imap4::Session<impl imap4::Io>) {
    /// println!("{}", client.protocol_version());
    /// # }
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
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::Unsolicited;
    /// use imap4::proto::Data;
    /// client.noop().await?;
    /// for u in client.take_unsolicited() {
    ///     if let Unsolicited::Data(Data::Exists(n)) = u {
    ///         println!("now {n} messages");
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "response")]
    #[doc(alias = "untagged_responses")]
    pub fn take_unsolicited(&mut self) -> Vec<Unsolicited> {
        self.trim_unsolicited();
        self.unsolicited.drain(..).collect()
    }

    /// How many unsolicited responses were dropped, oldest first, because more than
    /// [`MAX_UNSOLICITED`] waited in the queue.
    ///
    /// ```no_run
    /// # fn f(client: &imap4::Session<impl imap4::Io>) {
    /// if client.unsolicited_dropped() > 0 { /* resynchronize: NOOP, FETCH FLAGS, ... */ }
    /// # }
    /// ```
    pub fn unsolicited_dropped(&self) -> u64 {
        self.dropped
    }

    /// Keeps the unsolicited queue within [`MAX_UNSOLICITED`].
    fn trim_unsolicited(&mut self) {
        while self.unsolicited.len() > MAX_UNSOLICITED {
            self.unsolicited.pop_front();
            self.dropped += 1;
        }
    }

    /// Whether an earlier error left the connection unusable.
    ///
    /// ```no_run
    /// # fn f(client: &imap4::Session<impl imap4::Io>) {
    /// if client.is_broken() { /* reconnect */ }
    /// # }
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

    /// Writes everything the connection has to send (compressed if on), then flushes.
    pub(crate) async fn flush(&mut self) -> Result<()> {
        let mut wrote = false;
        if self.zlib.is_some() {
            if let Some(b) = self.conn.take_transmit() {
                self.tracer.sent(&b);
                if let Some(z) = &mut self.zlib {
                    let packed = z.compress(&b)?;
                    self.out.extend_from_slice(&packed);
                }
            }
        } else {
            // Small pieces are gathered into one write; a big literal (a message being
            // appended) is written from its own buffer, so that memory never holds a
            // second copy of it, let alone of a whole MULTIAPPEND.
            while let Some(b) = self.conn.poll_transmit() {
                if b.len() < DIRECT_WRITE {
                    self.out.extend_from_slice(&b);
                    continue;
                }
                self.write_gathered().await?;
                self.tracer.sent(&b);
                self.write_bytes(&b).await?;
                wrote = true;
            }
        }
        if self.out.is_empty() && !wrote {
            return Ok(());
        }
        self.write_gathered().await?;
        let timeout = self.timeouts.command;
        let mut fresh = true;
        let r = std::future::poll_fn(|cx| {
            let r = self.io.poll_flush(cx, timeout, fresh);
            fresh = false;
            r
        })
        .await;
        r.map_err(|e| io_error(e, "write", timeout))
    }

    /// Writes (and traces, unless compressed) what [`flush`](Self::flush) gathered.
    async fn write_gathered(&mut self) -> Result<()> {
        if self.out.is_empty() {
            return Ok(());
        }
        if self.zlib.is_none() {
            self.tracer.sent(&self.out);
        }
        let out = std::mem::take(&mut self.out);
        let r = self.write_bytes(&out).await;
        // Keep the (small) buffer for the next command.
        self.out = out;
        self.out.clear();
        r
    }

    /// Writes all of `b`.
    async fn write_bytes(&mut self, mut b: &[u8]) -> Result<()> {
        let timeout = self.timeouts.command;
        while !b.is_empty() {
            let mut fresh = true;
            let r = std::future::poll_fn(|cx| {
                let r = self.io.poll_write(cx, b, timeout, fresh);
                fresh = false;
                r
            })
            .await;
            let n = r.map_err(|e| io_error(e, "write", timeout))?;
            if n == 0 {
                return Err(Abort::Io(io::ErrorKind::WriteZero.into()).into());
            }
            b = &b[n..];
        }
        Ok(())
    }

    /// Reads once (or inflates pending compressed input) and feeds the connection.
    async fn read_more(
        &mut self,
        waiting_for: &'static str,
        timeout: Option<Duration>,
    ) -> Result<()> {
        if let Some(z) = &mut self.zlib {
            if z.has_pending() {
                let out = z.inflate_pending()?;
                self.tracer.received(&out);
                self.conn.feed(&out);
                return Ok(());
            }
        }
        let mut fresh = true;
        let r = std::future::poll_fn(|cx| {
            let r = self.io.poll_read(cx, &mut self.buf, timeout, fresh);
            fresh = false;
            r
        })
        .await;
        let n = match r {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(()),
            Err(e) => return Err(io_error(e, waiting_for, timeout)),
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
    async fn next_event(
        &mut self,
        waiting_for: &'static str,
        timeout: Option<Duration>,
    ) -> Result<ConnEvent> {
        loop {
            self.flush().await?;
            if let Some(e) = self.conn.poll_event()? {
                return Ok(e);
            }
            // Handling input can release bytes (a literal after `+`): send them first.
            self.flush().await?;
            self.read_more(waiting_for, timeout).await?;
        }
    }

    /// Like `next_event`, but a timeout is `Ok(None)` instead of an error (IDLE waits).
    pub(crate) async fn next_event_until(
        &mut self,
        waiting_for: &'static str,
        timeout: Duration,
    ) -> Result<Option<ConnEvent>> {
        self.flush().await?;
        if let Some(e) = self.conn.poll_event()? {
            return Ok(Some(e));
        }
        self.flush().await?;
        match self
            .read_more(waiting_for, Some(timeout.max(Duration::from_millis(1))))
            .await
        {
            Ok(()) => Ok(self.conn.poll_event()?),
            Err(Error::Abort(Abort::Timeout { .. })) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Checks the connection is usable and finishes commands whose caller went away (a
    /// dropped future, fetch stream or IDLE): their remaining responses are read and
    /// discarded.
    pub(crate) async fn prepare(&mut self) -> Result<()> {
        if let Some(why) = &self.broken {
            return Err(Abort::Unusable(why.clone()).into());
        }
        while let Some((tag, name)) = self.conn.pending_commands().into_iter().next() {
            if self.idling.as_ref() == Some(&tag) {
                self.idling = None;
                self.conn.idle_done();
            }
            let status = loop {
                match self.step(&tag, name).await {
                    Ok(Step::Done(status)) => break Some(status),
                    Ok(Step::Continue(_)) if name == "IDLE" => self.conn.idle_done(),
                    // An abandoned AUTHENTICATE: cancel it.
                    Ok(Step::Continue(_)) => self.conn.send_line(b"*"),
                    Ok(_) => {}
                    // Its completion was unreadable: it is over all the same.
                    Err(Error::Unparsed { .. }) => break None,
                    Err(e) => return Err(e),
                }
            };
            // A command that changes the transport or proves the server's identity was
            // dropped half way: the switch (compression, TLS) or the check (SCRAM's server
            // signature) never happened, so the session must not go on.
            let ok = status.is_some_and(|s| s.kind == StatusKind::Ok);
            if ok && matches!(name, "COMPRESS" | "STARTTLS" | "AUTHENTICATE") {
                let why = format!("a {name} was abandoned before it finished");
                return Err(self.mark(Abort::Unusable(why).into()));
            }
        }
        if let Some(limits) = self.saved_limits.take() {
            // A body streamed into a writer was abandoned: back to buffered literals.
            self.conn.decoder_mut().set_limits(limits);
        }
        self.readonly = None;
        Ok(())
    }

    /// Queues a command right away (the caller ran [`prepare`](Self::prepare)).
    pub(crate) fn start_prepared<C: Command + ?Sized>(&mut self, cmd: &C) -> Result<Tag> {
        let tag = self.conn.send(cmd)?;
        self.tracer.command(&tag, cmd.name(), cmd.is_sensitive());
        Ok(tag)
    }

    /// Queues a command after [`prepare`](Self::prepare); returns its tag.
    pub(crate) async fn start<C: Command + ?Sized>(&mut self, cmd: &C) -> Result<Tag> {
        self.prepare().await?;
        self.start_prepared(cmd)
    }

    /// Advances the command `tag` by one step: its next response, literal chunk,
    /// continuation request or completion. Everything else goes to the unsolicited queue.
    /// Aborts mark the connection unusable.
    pub(crate) async fn step(&mut self, tag: &Tag, name: &'static str) -> Result<Step> {
        match self.step_inner(tag, name).await {
            // The completion itself is unreadable; the command is over.
            Ok(Step::Unparsed(m)) if m.tag.as_ref() == Some(tag) => Err(unparsed(name, m)),
            Ok(s) => Ok(s),
            Err(e) => Err(self.mark(e)),
        }
    }

    async fn step_inner(&mut self, tag: &Tag, name: &'static str) -> Result<Step> {
        loop {
            self.trim_unsolicited();
            let timeout = self.timeouts.command;
            let ev = self.next_event(name, timeout).await?;
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

    /// Sends any command and waits for its completion (imaplib's `xatom` and
    /// `_simple_command`). NO and BAD become [`Error::No`] / [`Error::Bad`]; the untagged data
    /// that answers the command comes back in the [`Reply`], everything else goes to
    /// [`take_unsolicited`](Self::take_unsolicited).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::Raw;
    /// let reply = client.run(&Raw::new("XYZZY")).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "xatom")]
    #[doc(alias = "_simple_command")]
    pub async fn run<C: Command + ?Sized>(&mut self, cmd: &C) -> Result<Reply> {
        let name = cmd.name();
        let tag = self.start(cmd).await?;
        self.finish(&tag, name).await
    }

    /// Sends several commands without waiting for each reply (pipelining), then collects
    /// every reply. The connection decides what may go out together (RFC 3501 5.5: a
    /// command using message numbers never follows one during which an EXPUNGE could
    /// arrive; SELECT, LOGIN, STARTTLS, IDLE wait their turn) and writes whatever may be
    /// sent in one go, literals included when `LITERAL+` allows. On a real network this
    /// saves a round trip per command.
    ///
    /// The outer `Result` is the connection (an abort ends everything); each command's
    /// own NO / BAD is its entry in the list, in the order given.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::{Status, StatusAttr};
    /// let cmds: Vec<Status> = ["INBOX", "Sent", "Archive"]
    ///     .iter()
    ///     .map(|m| Status::new(*m, [StatusAttr::Messages, StatusAttr::Unseen]))
    ///     .collect();
    /// for reply in client.run_all(&cmds).await? {
    ///     println!("{:?}", reply?.data);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn run_all<C: Command>(&mut self, cmds: &[C]) -> Result<Vec<Result<Reply>>> {
        self.prepare().await?;
        let mut slots: Vec<Option<Result<Reply>>> = Vec::with_capacity(cmds.len());
        let mut tags: Vec<Tag> = Vec::with_capacity(cmds.len());
        let mut index: Vec<(Tag, usize, &'static str)> = Vec::with_capacity(cmds.len());
        for (i, cmd) in cmds.iter().enumerate() {
            match self.conn.send(cmd) {
                Ok(tag) => {
                    self.tracer.command(&tag, cmd.name(), cmd.is_sensitive());
                    tags.push(tag.clone());
                    index.push((tag, i, cmd.name()));
                    slots.push(None);
                }
                Err(e) => slots.push(Some(Err(e.into()))),
            }
        }
        let mut data: Vec<(Vec<Data>, Vec<Malformed>)> = vec![Default::default(); cmds.len()];
        let name = index.first().map_or("", |x| x.2);
        while !tags.is_empty() {
            let r = self.step_many(&tags, name).await;
            let (tag, step) = r.map_err(|e| self.mark(e))?;
            let Some(&(_, i, n)) = index.iter().find(|(t, _, _)| *t == tag) else {
                continue;
            };
            match step {
                Step::Data(d) => data[i].0.push(d),
                Step::Unparsed(m) if m.tag.as_ref() == Some(&tag) => {
                    // An unreadable completion still ends its command (and only it).
                    tags.retain(|t| *t != tag);
                    slots[i] = Some(Err(unparsed(n, m)));
                }
                Step::Unparsed(m) => data[i].1.push(m),
                Step::Done(status) => {
                    tags.retain(|t| *t != tag);
                    let (d, m) = std::mem::take(&mut data[i]);
                    slots[i] = Some(self.completion(n, status).map(|status| Reply {
                        data: d,
                        status,
                        malformed: m,
                    }));
                }
                Step::Continue(_) => {
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
        Ok(slots
            .into_iter()
            .map(|s| s.unwrap_or_else(|| Err(Abort::Closed.into())))
            .collect())
    }

    /// One step of any of several running commands.
    async fn step_many(&mut self, tags: &[Tag], name: &'static str) -> Result<(Tag, Step)> {
        loop {
            self.trim_unsolicited();
            let timeout = self.timeouts.command;
            let ev = self.next_event(name, timeout).await?;
            let routed = crate::engine::route(
                ev,
                tags,
                name,
                &self.conn,
                &mut self.unsolicited,
                &mut self.readonly,
                &mut self.tracer,
            )?;
            if let Some(r) = routed {
                return Ok(r);
            }
        }
    }

    /// Collects a started command's data until its completion.
    pub(crate) async fn finish(&mut self, tag: &Tag, name: &'static str) -> Result<Reply> {
        let mut data = Vec::new();
        let mut malformed = Vec::new();
        loop {
            match self.step(tag, name).await? {
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
    pub(crate) async fn require(
        &mut self,
        command: &'static str,
        capability: &'static str,
    ) -> Result<()> {
        if !self.conn.capabilities_known() {
            self.run(&encode::Capability).await?;
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
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// if client.has_capability("MOVE").await? { /* ... */ }
    /// # Ok(()) }
    /// ```
    pub async fn has_capability(&mut self, capability: &str) -> Result<bool> {
        if !self.conn.capabilities_known() {
            self.run(&encode::Capability).await?;
        }
        Ok(self.conn.has_capability(capability))
    }

    /// `CAPABILITY`: the server's capabilities (cached after the first call; asked again
    /// after STARTTLS and login, when they may change).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// for cap in client.capabilities().await? {
    ///     println!("{cap:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn capabilities(&mut self) -> Result<Vec<Capability>> {
        if !self.conn.capabilities_known() {
            self.run(&encode::Capability).await?;
        }
        Ok(self.conn.capabilities().to_vec())
    }

    /// `CAPABILITY`, always asking the server.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// let caps = client.capability().await?;
    /// # Ok(()) }
    /// ```
    pub async fn capability(&mut self) -> Result<Vec<Capability>> {
        self.run(&encode::Capability).await?;
        Ok(self.conn.capabilities().to_vec())
    }

    /// `LOGIN` (refused over a connection without TLS unless allowed). The password never
    /// appears in traces or error messages.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.login("alice", "secret").await?;
    /// # Ok(()) }
    /// ```
    pub async fn login(&mut self, user: &str, password: &str) -> Result<()> {
        if !self.secure && !self.allow_plaintext {
            return Err(Error::PlaintextLogin);
        }
        self.run(&encode::Login::new(user, password)).await?;
        Ok(())
    }

    /// `SELECT mailbox`: its state (message count, UIDVALIDITY, flags, ...).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// let inbox = client.select("INBOX").await?;
    /// println!("{} messages, UIDVALIDITY {:?}", inbox.exists, inbox.uid_validity);
    /// # Ok(()) }
    /// ```
    pub async fn select(&mut self, mailbox: &str) -> Result<MailboxState> {
        self.open(encode::Select::new(mailbox), mailbox).await
    }

    /// `EXAMINE mailbox`: like [`select`](Self::select), read-only (imaplib's
    /// `select(mailbox, readonly=True)`).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// let inbox = client.examine("INBOX").await?;
    /// assert!(inbox.read_only);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "readonly")]
    pub async fn examine(&mut self, mailbox: &str) -> Result<MailboxState> {
        self.open(encode::Select::examine(mailbox), mailbox).await
    }

    /// `SELECT`/`EXAMINE` with any parameters (CONDSTORE, QRESYNC): the mailbox state.
    /// `VANISHED (EARLIER)` and `FETCH` responses of a QRESYNC select go to the unsolicited
    /// queue; `select_qresync` returns them typed.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::Select;
    /// let m = client.select_with(Select::new("INBOX").condstore(true)).await?;
    /// println!("HIGHESTMODSEQ {:?}", m.highest_modseq);
    /// # Ok(()) }
    /// ```
    pub async fn select_with(&mut self, cmd: encode::Select) -> Result<MailboxState> {
        let name = cmd.mailbox().to_string();
        self.open(cmd, &name).await
    }

    pub(crate) async fn open(&mut self, cmd: encode::Select, name: &str) -> Result<MailboxState> {
        let tag = self.start(&cmd).await?;
        self.conn.set_selecting_name(&tag, name);
        let reply = self.finish(&tag, cmd.name()).await?;
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
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.noop().await?;
    /// let news = client.take_unsolicited();
    /// # Ok(()) }
    /// ```
    pub async fn noop(&mut self) -> Result<()> {
        self.run(&encode::Noop).await?;
        Ok(())
    }

    /// `LOGOUT`: says goodbye; the server closes the connection. Calling it again is a
    /// no-op.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.logout().await?;
    /// # Ok(()) }
    /// ```
    pub async fn logout(&mut self) -> Result<()> {
        if self.conn.state() == ConnState::Logout {
            return Ok(());
        }
        let r = self.run(&encode::Logout).await;
        match r {
            Ok(_) => Ok(()),
            // The server may hang up right after its BYE without the tagged OK.
            Err(Error::Abort(Abort::Closed)) if self.conn.state() == ConnState::Logout => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// STARTTLS up to the handshake: checks state and capability, sends the command and
    /// drops whatever the server sent after its OK (RFC 3501 11.1, response injection).
    /// The caller then runs the handshake on the transport.
    pub(crate) async fn starttls_command(&mut self, refusal: Option<&'static str>) -> Result<()> {
        // Checked before anything is sent: after the server's OK there is no way back.
        if let Some(why) = refusal {
            return Err(Error::Unsupported(why));
        }
        let state = self.conn.state();
        if state != ConnState::NotAuthenticated {
            return Err(Error::State {
                command: "STARTTLS",
                needed: ConnState::NotAuthenticated,
                state,
            });
        }
        // Without the capability, refuse to go on in clear.
        self.require("STARTTLS", "STARTTLS").await?;
        self.run(&encode::StartTls).await?;
        // Whatever came after the OK was sent before the handshake, so anyone on the path
        // could have written it: drop it unread.
        drop(self.conn.take_buffered());
        Ok(())
    }
}
