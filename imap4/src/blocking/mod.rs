//! The blocking client: a [`Session`] over a blocking [`Stream`], with every command as a
//! plain method (the session's futures complete in one poll, no runtime involved).
//!
//! [`Client`] sends one command at a time from the caller's point of view and waits for its
//! tagged completion: only that completion ends a command, so a connection that drops or a
//! `BYE` between two responses is an [`Error::Abort`](crate::Error::Abort), never a shorter successful result.
//! Every wait has a time budget ([`Timeouts`]); a budget that runs out is
//! [`Abort::Timeout`](crate::Abort::Timeout), and after any abort the client refuses further commands with
//! [`Abort::Unusable`](crate::Abort::Unusable) instead of talking to a connection that is out of step.
//!
//! Commands live in small modules, one per area: [`Client::fetch`] and friends (streaming
//! results, bodies into any `io::Write`), mailboxes, messages, access control and quotas,
//! authentication, IDLE, COMPRESS.

mod admin;
mod auth;
mod batch;
mod compress;
mod connect;
mod fetch;
mod idle;
mod mailbox;
mod messages;
mod notify;
mod parts;

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::task::{Context, Poll};
use std::time::Duration;

use imap4_proto::encode::{self, Command};
use imap4_proto::{Capability, ConnState, Connection, MailboxState, Status};

use crate::error::Result;
use crate::session::{Io, Session};
use crate::transport::Transport;

pub use crate::session::{
    AclEntry, Annotation, AppendUid, AppendUids, Attachment, CopyUid, ESearchResult, Expunged,
    IdleEvent, ListRights, MailboxStatus, MessageFlags, MessageText, Metadata, MetadataEntry,
    ModSeqUpdate, QResyncSelect, Quota, QuotaRoot, Reply, Rights, StoreResult, Timeouts,
    Unsolicited,
};
pub use fetch::FetchStream;
pub use idle::Idle;

/// Runs a future of the blocking client's [`Session`] (see [`Client::session`]) to
/// completion on this thread. Its I/O is blocking, so it finishes in one poll; do not use
/// it for futures that wait on anything else (a tokio socket, a timer): it would spin.
///
/// ```no_run
/// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
/// let caps = imap4::blocking::block_on(client.session().capabilities())?;
/// # Ok::<(), imap4::Error>(())
/// ```
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    crate::session::block_on(f)
}

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

    /// Sets how long a write may wait for room (a server that stops reading); `None`
    /// waits forever. A write that times out fails with [`io::ErrorKind::TimedOut`] or
    /// [`io::ErrorKind::WouldBlock`].
    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        let _ = timeout;
        Ok(())
    }
}

impl Stream for Transport {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        Transport::set_read_timeout(self, timeout)
    }
    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        Transport::set_write_timeout(self, timeout)
    }
}

impl Stream for TcpStream {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, timeout)
    }
    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_write_timeout(self, timeout)
    }
}

#[cfg(unix)]
impl Stream for std::os::unix::net::UnixStream {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_read_timeout(self, timeout)
    }
    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_write_timeout(self, timeout)
    }
}

impl<T: Stream + ?Sized> Stream for Box<T> {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        (**self).set_read_timeout(timeout)
    }
    fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        (**self).set_write_timeout(timeout)
    }
}

/// A [`Stream`] seen as the session's [`Io`]: every poll does the blocking call. It is what
/// a [`Client`]'s [`Session`] runs over; code written against `Session<impl Io>` works
/// with both clients.
///
/// ```no_run
/// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
/// async fn count(s: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<u32> {
///     Ok(s.select("INBOX").await?.exists)
/// }
/// // The blocking client's session, driven by the same code:
/// let n = imap4::blocking::block_on(count(client.session()))?;
/// # Ok::<(), imap4::Error>(())
/// ```
#[derive(Debug)]
pub struct BlockingIo<S> {
    s: S,
    /// The read timeout currently set on the stream.
    timeout: Option<Option<Duration>>,
    /// The write timeout currently set on the stream.
    write_timeout: Option<Option<Duration>>,
}

impl<S> BlockingIo<S> {
    pub(crate) fn get_ref(&self) -> &S {
        &self.s
    }
    pub(crate) fn get_mut(&mut self) -> &mut S {
        &mut self.s
    }
}

impl<S: Stream> Io for BlockingIo<S> {
    fn poll_read(
        &mut self,
        _cx: &mut Context<'_>,
        buf: &mut [u8],
        timeout: Option<Duration>,
        _fresh: bool,
    ) -> Poll<io::Result<usize>> {
        if self.timeout != Some(timeout) {
            self.s.set_read_timeout(timeout)?;
            self.timeout = Some(timeout);
        }
        Poll::Ready(self.s.read(buf))
    }
    fn poll_write(
        &mut self,
        _cx: &mut Context<'_>,
        buf: &[u8],
        timeout: Option<Duration>,
        _fresh: bool,
    ) -> Poll<io::Result<usize>> {
        if self.write_timeout != Some(timeout) {
            self.s.set_write_timeout(timeout)?;
            self.write_timeout = Some(timeout);
        }
        // A socket timeout's `WouldBlock` is read as a timeout by the session.
        Poll::Ready(self.s.write(buf))
    }
    fn poll_flush(
        &mut self,
        _cx: &mut Context<'_>,
        _timeout: Option<Duration>,
        _fresh: bool,
    ) -> Poll<io::Result<()>> {
        Poll::Ready(self.s.flush())
    }
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
    pub(crate) inner: Session<BlockingIo<S>>,
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
        let io = BlockingIo {
            s: stream,
            timeout: None,
            write_timeout: None,
        };
        Ok(Client {
            inner: block_on(Session::new(io, secure, timeouts))?,
        })
    }

    /// The session underneath: the same commands as `async fn`s (for code generic over
    /// blocking and async use).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// println!("{:?}", client.session().state());
    /// ```
    pub fn session(&mut self) -> &mut Session<BlockingIo<S>> {
        &mut self.inner
    }

    /// Allows LOGIN and AUTHENTICATE over a connection without TLS (for loopback test
    /// servers). Off by default: a password must not travel in clear by accident.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.allow_plaintext_login(true);
    /// client.login("alice", "alicepw")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn allow_plaintext_login(&mut self, yes: bool) {
        self.inner.allow_plaintext_login(yes)
    }

    /// Sends every literal as a synchronizing literal (waiting for the server's `+`), even
    /// when the server announces `LITERAL+` / `LITERAL-`: for servers that announce them
    /// and then mishandle them.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.set_force_sync_literals(true);
    /// ```
    pub fn set_force_sync_literals(&mut self, on: bool) {
        self.inner.set_force_sync_literals(on)
    }

    /// Whether the connection is encrypted (TLS, STARTTLS, or a stream declared secure).
    ///
    /// ```no_run
    /// # let client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// assert!(client.is_secure());
    /// ```
    pub fn is_secure(&self) -> bool {
        self.inner.is_secure()
    }

    /// The time budgets in force.
    ///
    /// ```no_run
    /// # let client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// println!("{:?}", client.timeouts().command);
    /// ```
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts()
    }

    /// Changes the time budgets (takes effect with the next read).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::blocking::Timeouts;
    /// use std::time::Duration;
    /// client.set_timeouts(Timeouts::default().command(Some(Duration::from_secs(300))));
    /// ```
    pub fn set_timeouts(&mut self, timeouts: Timeouts) {
        self.inner.set_timeouts(timeouts)
    }

    /// The sans-IO connection state (capabilities, selected mailbox, protocol state).
    ///
    /// ```no_run
    /// # let client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// println!("{:?}", client.connection().state());
    /// ```
    pub fn connection(&self) -> &Connection {
        self.inner.connection()
    }

    /// The protocol state (imaplib's `state`).
    ///
    /// ```no_run
    /// # let client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::ConnState;
    /// assert_eq!(client.state(), ConnState::NotAuthenticated);
    /// ```
    pub fn state(&self) -> ConnState {
        self.inner.state()
    }

    /// The selected mailbox's state, kept current by unsolicited EXISTS, EXPUNGE, FLAGS and
    /// response codes.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.select("INBOX")?;
    /// println!("{}", client.mailbox().unwrap().exists);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn mailbox(&self) -> Option<&MailboxState> {
        self.inner.mailbox()
    }

    /// The server greeting (imaplib's `welcome`).
    ///
    /// ```no_run
    /// # let client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// println!("{}", client.greeting().unwrap().text_str());
    /// ```
    #[doc(alias = "welcome")]
    pub fn greeting(&self) -> Option<&Status> {
        self.inner.greeting()
    }

    /// The protocol version the server speaks (imaplib's `PROTOCOL_VERSION`):
    /// `"IMAP4rev2"` once enabled, else `"IMAP4rev1"` (or `"IMAP4"` for servers announcing
    /// neither).
    ///
    /// ```no_run
    /// # let client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// println!("{}", client.protocol_version());
    /// ```
    #[doc(alias = "PROTOCOL_VERSION")]
    pub fn protocol_version(&self) -> &'static str {
        self.inner.protocol_version()
    }

    /// Unsolicited responses received so far, oldest first (imaplib's `response()`;
    /// `untagged_responses`).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
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
        self.inner.take_unsolicited()
    }

    /// How many unsolicited responses were dropped (oldest first) because more than
    /// [`MAX_UNSOLICITED`](crate::MAX_UNSOLICITED) waited unread.
    ///
    /// ```no_run
    /// # let client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// if client.unsolicited_dropped() > 0 { /* resynchronize */ }
    /// ```
    pub fn unsolicited_dropped(&self) -> u64 {
        self.inner.unsolicited_dropped()
    }

    /// Whether an earlier error left the connection unusable.
    ///
    /// ```no_run
    /// # let client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// if client.is_broken() { /* reconnect */ }
    /// ```
    pub fn is_broken(&self) -> bool {
        self.inner.is_broken()
    }

    /// Sends any command and waits for its completion (imaplib's `xatom` and `_simple_command`).
    /// NO and BAD become [`Error::No`](crate::Error::No) / [`Error::Bad`](crate::Error::Bad); the untagged data that answers the
    /// command comes back in the [`Reply`], everything else goes to
    /// [`take_unsolicited`](Self::take_unsolicited).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::Raw;
    /// let reply = client.run(&Raw::new("XYZZY"))?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "xatom")]
    #[doc(alias = "_simple_command")]
    pub fn run<C: Command + ?Sized>(&mut self, cmd: &C) -> Result<Reply> {
        block_on(self.inner.run(cmd))
    }

    /// Whether the server announces `capability` (asking once if unknown).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// if client.has_capability("MOVE")? { /* ... */ }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn has_capability(&mut self, capability: &str) -> Result<bool> {
        block_on(self.inner.has_capability(capability))
    }

    /// `CAPABILITY`: the server's capabilities (cached after the first call; asked again
    /// after STARTTLS and login, when they may change).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// for cap in client.capabilities()? {
    ///     println!("{cap:?}");
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "capability")]
    pub fn capabilities(&mut self) -> Result<Vec<Capability>> {
        block_on(self.inner.capabilities())
    }

    /// `CAPABILITY`, always asking the server.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// let caps = client.capability()?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn capability(&mut self) -> Result<Vec<Capability>> {
        block_on(self.inner.capability())
    }

    /// `LOGIN` (refused over a connection without TLS unless allowed). The password never
    /// appears in traces or error messages.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.login("alice", "secret")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn login(&mut self, user: &str, password: &str) -> Result<()> {
        block_on(self.inner.login(user, password))
    }

    /// `SELECT mailbox`: its state (message count, UIDVALIDITY, flags, ...).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// let inbox = client.select("INBOX")?;
    /// println!("{} messages, UIDVALIDITY {:?}", inbox.exists, inbox.uid_validity);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn select(&mut self, mailbox: &str) -> Result<MailboxState> {
        block_on(self.inner.select(mailbox))
    }

    /// `EXAMINE mailbox`: like [`select`](Self::select), read-only (imaplib's
    /// `select(mailbox, readonly=True)`).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// let inbox = client.examine("INBOX")?;
    /// assert!(inbox.read_only);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "readonly")]
    pub fn examine(&mut self, mailbox: &str) -> Result<MailboxState> {
        block_on(self.inner.examine(mailbox))
    }

    /// `SELECT`/`EXAMINE` with any parameters (CONDSTORE, QRESYNC): the mailbox state.
    /// `VANISHED (EARLIER)` and `FETCH` responses of a QRESYNC select are in the
    /// unsolicited queue, or use [`select_qresync`](Self::select_qresync).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::Select;
    /// let m = client.select_with(Select::new("INBOX").condstore(true))?;
    /// println!("HIGHESTMODSEQ {:?}", m.highest_modseq);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn select_with(&mut self, cmd: encode::Select) -> Result<MailboxState> {
        block_on(self.inner.select_with(cmd))
    }

    /// `NOOP`: does nothing, but lets the server report changes (new mail, expunges, flag
    /// updates), which land in [`take_unsolicited`](Self::take_unsolicited); also a
    /// keep-alive.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.noop()?;
    /// let news = client.take_unsolicited();
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn noop(&mut self) -> Result<()> {
        block_on(self.inner.noop())
    }

    /// `LOGOUT`: says goodbye; the server closes the connection. Calling it again is a
    /// no-op.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.logout()?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn logout(&mut self) -> Result<()> {
        block_on(self.inner.logout())
    }
}
