//! The async client on tokio (feature `tokio`): a [`Session`] over a tokio stream. Every
//! command of the blocking client, as `async fn`s with the same names, types and errors —
//! one implementation of the protocol serves both.
//!
//! ```no_run
//! # async fn run() -> imap4::Result<()> {
//! use imap4::tokio::Client;
//! use imap4::transport::TlsConfig;
//!
//! let mut client = Client::connect_tls("imap.example.com", 993, &TlsConfig::new()).await?;
//! client.login("alice", "secret").await?;
//! let inbox = client.select("INBOX").await?;
//! println!("{} messages", inbox.exists);
//! client.logout().await?;
//! # Ok(()) }
//! ```
//!
//! Futures are cancellation safe in the sense that matters for a connection: drop one
//! mid-command (a `tokio::select!` or `timeout` that fires) and the next command first
//! finishes the abandoned one's reply; bytes half written are completed first. Nothing
//! goes out of step.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::process::Stdio;
use std::task::{Context, Poll};
use std::time::Duration;

use ::tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use ::tokio::net::TcpStream;
use ::tokio::process::{Child, ChildStdin, ChildStdout};
use ::tokio::time::{Instant, Sleep};
use tokio_rustls::client::TlsStream;

use crate::error::Result;
use crate::session::{Io, Session, Timeouts};
use crate::transport::{ConnectOptions, TlsConfig};

/// The async client: a [`Session`] over a tokio stream (by default a [`Transport`]).
///
/// ```no_run
/// # async fn run() -> imap4::Result<()> {
/// let mut client = imap4::tokio::Client::connect_plain("127.0.0.1", 10143, &Default::default()).await?;
/// client.allow_plaintext_login(true); // loopback test server
/// client.login("alice", "alicepw").await?;
/// # Ok(()) }
/// ```
pub type Client<S = Transport> = Session<TokioIo<S>>;

/// A tokio stream seen as the session's [`Io`], with the read and write timeouts (tokio
/// timers). [`Client`] is a [`Session`] over it; [`Client::from_stream`] wraps any
/// `AsyncRead + AsyncWrite` stream, here an in-memory pipe with a scripted greeting:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use imap4::proto::ConnState;
/// use tokio::io::AsyncWriteExt;
///
/// let (ours, mut server) = tokio::io::duplex(4096);
/// server.write_all(b"* OK [CAPABILITY IMAP4rev1 IDLE] Dovecot ready.\r\n").await?;
/// let client: imap4::Session<imap4::tokio::TokioIo<_>> =
///     imap4::tokio::Client::from_stream(ours, false).await?;
/// assert_eq!(client.state(), ConnState::NotAuthenticated);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct TokioIo<S> {
    s: S,
    sleep: Option<Pin<Box<Sleep>>>,
    write_sleep: Option<Pin<Box<Sleep>>>,
}

/// Arms (on a fresh wait, or if unarmed) and polls a timer for `timeout`; true once it
/// fired. No timeout: no timer.
fn poll_deadline(
    sleep: &mut Option<Pin<Box<Sleep>>>,
    cx: &mut Context<'_>,
    timeout: Option<Duration>,
    fresh: bool,
) -> bool {
    let Some(t) = timeout else {
        *sleep = None;
        return false;
    };
    if fresh || sleep.is_none() {
        let deadline = Instant::from_std(crate::session::deadline(t));
        match sleep {
            Some(s) => s.as_mut().reset(deadline),
            None => *sleep = Some(Box::pin(::tokio::time::sleep_until(deadline))),
        }
    }
    let fired = sleep
        .as_mut()
        .is_some_and(|s| s.as_mut().poll(cx).is_ready());
    if fired {
        *sleep = None;
    }
    fired
}

impl<S> TokioIo<S> {
    /// Wraps a stream.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// let tcp = tokio::net::TcpStream::connect("127.0.0.1:10143").await?;
    /// let io = imap4::tokio::TokioIo::new(tcp);
    /// # Ok(()) }
    /// ```
    pub fn new(s: S) -> TokioIo<S> {
        TokioIo {
            s,
            sleep: None,
            write_sleep: None,
        }
    }

    /// The stream.
    ///
    /// ```no_run
    /// # fn f(io: &imap4::tokio::TokioIo<tokio::net::TcpStream>) {
    /// println!("{:?}", io.get_ref().peer_addr());
    /// # }
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.s
    }

    /// The stream, mutably (reading or writing through it desynchronizes the protocol).
    ///
    /// ```no_run
    /// # fn f(io: &mut imap4::tokio::TokioIo<tokio::net::TcpStream>) {
    /// io.get_mut().set_nodelay(true).unwrap();
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.s
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Io for TokioIo<S> {
    fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
        timeout: Option<Duration>,
        fresh: bool,
    ) -> Poll<io::Result<usize>> {
        let mut rb = ReadBuf::new(buf);
        match Pin::new(&mut self.s).poll_read(cx, &mut rb) {
            Poll::Ready(Ok(())) => {
                self.sleep = None;
                return Poll::Ready(Ok(rb.filled().len()));
            }
            Poll::Ready(Err(e)) => {
                self.sleep = None;
                return Poll::Ready(Err(e));
            }
            Poll::Pending => {}
        }
        if poll_deadline(&mut self.sleep, cx, timeout, fresh) {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "I/O timeout: the server did not answer in time",
            )));
        }
        Poll::Pending
    }

    fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        buf: &[u8],
        timeout: Option<Duration>,
        fresh: bool,
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.s).poll_write(cx, buf) {
            Poll::Ready(r) => {
                self.write_sleep = None;
                return Poll::Ready(r);
            }
            Poll::Pending => {}
        }
        if poll_deadline(&mut self.write_sleep, cx, timeout, fresh) {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "I/O timeout: the server stopped reading what we send",
            )));
        }
        Poll::Pending
    }

    fn poll_flush(
        &mut self,
        cx: &mut Context<'_>,
        timeout: Option<Duration>,
        fresh: bool,
    ) -> Poll<io::Result<()>> {
        // TLS buffers what it is given and writes it to the socket here: a server that
        // stops reading shows up in the flush.
        match Pin::new(&mut self.s).poll_flush(cx) {
            Poll::Ready(r) => {
                self.write_sleep = None;
                return Poll::Ready(r);
            }
            Poll::Pending => {}
        }
        if poll_deadline(&mut self.write_sleep, cx, timeout, fresh) {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "I/O timeout: the server stopped reading what we send",
            )));
        }
        Poll::Pending
    }
}

/// A tokio connection to an IMAP server: plain TCP, TLS over TCP (tokio-rustls), or a
/// spawned command's stdin/stdout. The async counterpart of
/// [`transport::Transport`](crate::transport::Transport).
///
/// ```no_run
/// # async fn run() -> imap4::Result<()> {
/// let tls = imap4::transport::TlsConfig::new();
/// let client = imap4::tokio::Client::connect_tls("imap.example.com", 993, &tls).await?;
/// assert!(client.transport().is_tls());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Transport {
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    Tcp(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
    Command(Box<CommandIo>),
    /// Taken apart by a failed STARTTLS upgrade.
    Detached,
}

#[derive(Debug)]
struct CommandIo {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
}

fn detached() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "the transport was taken apart by a failed STARTTLS upgrade",
    )
}

async fn tcp_connect(host: &str, port: u16, opts: &ConnectOptions) -> io::Result<TcpStream> {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let mut last = None;
    for addr in ::tokio::net::lookup_host((host, port)).await? {
        let attempt = TcpStream::connect(addr);
        let r = match opts.connect_timeout {
            Some(t) => match ::tokio::time::timeout(t, attempt).await {
                Ok(r) => r,
                Err(_) => Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("connecting to {addr} timed out"),
                )),
            },
            None => attempt.await,
        };
        match r {
            Ok(s) => {
                s.set_nodelay(true)?;
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("{host} resolves to no address"),
        )
    }))
}

async fn handshake(
    tcp: TcpStream,
    host: &str,
    tls: &TlsConfig,
    opts: &ConnectOptions,
) -> io::Result<Box<TlsStream<TcpStream>>> {
    let connector = tokio_rustls::TlsConnector::from(tls.rustls_config()?);
    let name = tls.name_for(host)?;
    let hs = connector.connect(name, tcp);
    let s = match opts.io_timeout {
        Some(t) => ::tokio::time::timeout(t, hs)
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "TLS handshake timed out"))??,
        None => hs.await?,
    };
    Ok(Box::new(s))
}

impl Transport {
    /// Connects over plain TCP (TCP_NODELAY on, connect timeout from `opts`).
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// use imap4::tokio::Transport;
    /// let t = Transport::connect_tcp("127.0.0.1", 10143, &Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_tcp(host: &str, port: u16, opts: &ConnectOptions) -> io::Result<Self> {
        Ok(Transport {
            inner: Inner::Tcp(tcp_connect(host, port, opts).await?),
        })
    }

    /// Connects with implicit TLS, verifying the certificate for `host` (or the config's
    /// server name); the handshake completes before this returns.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// use imap4::tokio::Transport;
    /// use imap4::transport::TlsConfig;
    /// let t = Transport::connect_tls("imap.example.com", 993, &TlsConfig::new(), &Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_tls(
        host: &str,
        port: u16,
        tls: &TlsConfig,
        opts: &ConnectOptions,
    ) -> io::Result<Self> {
        let tcp = tcp_connect(host, port, opts).await?;
        Ok(Transport {
            inner: Inner::Tls(handshake(tcp, host, tls, opts).await?),
        })
    }

    /// Runs `command` with piped stdin/stdout (imaplib's `IMAP4_stream`); the child is
    /// killed when the transport is dropped.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// let mut cmd = tokio::process::Command::new("ssh");
    /// cmd.args(["mail.example.com", "/usr/lib/dovecot/imap"]);
    /// let t = imap4::tokio::Transport::spawn(cmd)?;
    /// # Ok(()) }
    /// ```
    pub fn spawn(mut command: ::tokio::process::Command) -> io::Result<Self> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(io::Error::other("the child has no stdin/stdout pipes"));
        };
        Ok(Transport {
            inner: Inner::Command(Box::new(CommandIo {
                child,
                stdin: Some(stdin),
                stdout,
            })),
        })
    }

    /// Whether the stream is TLS.
    ///
    /// ```no_run
    /// # fn f(t: &imap4::tokio::Transport) {
    /// println!("{}", t.is_tls());
    /// # }
    /// ```
    pub fn is_tls(&self) -> bool {
        matches!(self.inner, Inner::Tls(_))
    }

    /// The child process of a spawned-command transport.
    ///
    /// ```no_run
    /// # fn f(t: &mut imap4::tokio::Transport) {
    /// if let Some(child) = t.child_mut() { println!("{:?}", child.id()); }
    /// # }
    /// ```
    pub fn child_mut(&mut self) -> Option<&mut Child> {
        match &mut self.inner {
            Inner::Command(c) => Some(&mut c.child),
            _ => None,
        }
    }

    async fn start_tls(
        &mut self,
        host: &str,
        tls: &TlsConfig,
        opts: &ConnectOptions,
    ) -> io::Result<()> {
        let Inner::Tcp(_) = &self.inner else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "STARTTLS needs a plain TCP transport",
            ));
        };
        let Inner::Tcp(tcp) = std::mem::replace(&mut self.inner, Inner::Detached) else {
            unreachable!("checked above");
        };
        self.inner = Inner::Tls(handshake(tcp, host, tls, opts).await?);
        Ok(())
    }

    /// Closes the connection without a word of IMAP (imaplib's `shutdown()`): TLS sends
    /// `close_notify`, TCP shuts down, a command gets its stdin closed and is waited for
    /// (killed after 5 s).
    ///
    /// ```no_run
    /// # async fn run(t: &mut imap4::tokio::Transport) -> std::io::Result<()> {
    /// t.shutdown().await?;
    /// # Ok(()) }
    /// ```
    pub async fn shutdown(&mut self) -> io::Result<()> {
        use ::tokio::io::AsyncWriteExt;
        match &mut self.inner {
            Inner::Tcp(s) => match s.shutdown().await {
                Err(e) if e.kind() != io::ErrorKind::NotConnected => Err(e),
                _ => Ok(()),
            },
            Inner::Tls(s) => match s.shutdown().await {
                Err(e) if e.kind() != io::ErrorKind::NotConnected => Err(e),
                _ => Ok(()),
            },
            Inner::Command(c) => {
                drop(c.stdin.take());
                match ::tokio::time::timeout(Duration::from_secs(5), c.child.wait()).await {
                    Ok(r) => r.map(|_| ()),
                    Err(_) => c.child.kill().await,
                }
            }
            Inner::Detached => Ok(()),
        }
    }
}

impl AsyncRead for Transport {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match &mut self.get_mut().inner {
            Inner::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            Inner::Command(c) => Pin::new(&mut c.stdout).poll_read(cx, buf),
            Inner::Detached => Poll::Ready(Err(detached())),
        }
    }
}

impl AsyncWrite for Transport {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().inner {
            Inner::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
            Inner::Command(c) => match &mut c.stdin {
                Some(i) => Pin::new(i).poll_write(cx, buf),
                None => Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
            },
            Inner::Detached => Poll::Ready(Err(detached())),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().inner {
            Inner::Tcp(s) => Pin::new(s).poll_flush(cx),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Inner::Command(c) => match &mut c.stdin {
                Some(i) => Pin::new(i).poll_flush(cx),
                None => Poll::Ready(Ok(())),
            },
            Inner::Detached => Poll::Ready(Err(detached())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().inner {
            Inner::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Inner::Command(c) => {
                drop(c.stdin.take());
                Poll::Ready(Ok(()))
            }
            Inner::Detached => Poll::Ready(Ok(())),
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Session<TokioIo<S>> {
    /// Wraps any connected tokio stream and reads the greeting. `secure` says whether it
    /// is encrypted (LOGIN and AUTHENTICATE are refused otherwise, unless
    /// [`allow_plaintext_login`](Self::allow_plaintext_login)).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let tcp = tokio::net::TcpStream::connect("127.0.0.1:10143").await?;
    /// let client = imap4::tokio::Client::from_stream(tcp, false).await?;
    /// # Ok(()) }
    /// ```
    pub async fn from_stream(stream: S, secure: bool) -> Result<Self> {
        Self::from_stream_with(stream, secure, Timeouts::default()).await
    }

    /// [`from_stream`](Self::from_stream) with explicit time budgets.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// let tcp = tokio::net::TcpStream::connect("127.0.0.1:10143").await?;
    /// let t = imap4::Timeouts::default().greeting(Some(Duration::from_secs(5)));
    /// let client = imap4::tokio::Client::from_stream_with(tcp, false, t).await?;
    /// # Ok(()) }
    /// ```
    pub async fn from_stream_with(stream: S, secure: bool, timeouts: Timeouts) -> Result<Self> {
        Session::new(TokioIo::new(stream), secure, timeouts).await
    }
}

impl Session<TokioIo<Transport>> {
    /// Connects over plain TCP and reads the greeting (imaplib's `IMAP4(host, port)`).
    /// Not encrypted: [`login`](Self::login) refuses to send a password unless
    /// [`allow_plaintext_login`](Self::allow_plaintext_login) is set.
    ///
    /// ```no_run
    /// # async fn run() -> imap4::Result<()> {
    /// use imap4::transport::ConnectOptions;
    /// let mut client = imap4::tokio::Client::connect_plain("127.0.0.1", 10143, &ConnectOptions::default()).await?;
    /// client.allow_plaintext_login(true);
    /// client.login("alice", "alicepw").await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "IMAP4")]
    pub async fn connect_plain(host: &str, port: u16, opts: &ConnectOptions) -> Result<Self> {
        let t = Transport::connect_tcp(host, port, opts).await?;
        Self::from_stream_with(t, false, Timeouts::from_connect_options(opts)).await
    }

    /// Connects with implicit TLS (port 993; imaplib's `IMAP4_SSL`) and reads the greeting.
    ///
    /// ```no_run
    /// # async fn run() -> imap4::Result<()> {
    /// use imap4::transport::TlsConfig;
    /// let mut client = imap4::tokio::Client::connect_tls("imap.example.com", 993, &TlsConfig::new()).await?;
    /// client.login("alice", "secret").await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "IMAP4_SSL")]
    pub async fn connect_tls(host: &str, port: u16, tls: &TlsConfig) -> Result<Self> {
        Self::connect_tls_with(host, port, tls, &ConnectOptions::default()).await
    }

    /// [`connect_tls`](Self::connect_tls) with explicit timeouts.
    ///
    /// ```no_run
    /// # async fn run() -> imap4::Result<()> {
    /// use imap4::transport::{ConnectOptions, TlsConfig};
    /// let opts = ConnectOptions::default();
    /// let client = imap4::tokio::Client::connect_tls_with("imap.example.com", 993, &TlsConfig::new(), &opts).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "IMAP4_SSL")]
    pub async fn connect_tls_with(
        host: &str,
        port: u16,
        tls: &TlsConfig,
        opts: &ConnectOptions,
    ) -> Result<Self> {
        let t = Transport::connect_tls(host, port, tls, opts).await?;
        Self::from_stream_with(t, true, Timeouts::from_connect_options(opts)).await
    }

    /// Connects over plain TCP and upgrades with `STARTTLS` before anything else is said.
    ///
    /// ```no_run
    /// # async fn run() -> imap4::Result<()> {
    /// use imap4::transport::{ConnectOptions, TlsConfig};
    /// let client = imap4::tokio::Client::connect_starttls("imap.example.com", 143, &TlsConfig::new(), &ConnectOptions::default()).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "starttls")]
    pub async fn connect_starttls(
        host: &str,
        port: u16,
        tls: &TlsConfig,
        opts: &ConnectOptions,
    ) -> Result<Self> {
        let t = Transport::connect_tcp(host, port, opts).await?;
        let mut c = Self::from_stream_with(t, false, Timeouts::from_connect_options(opts)).await?;
        c.starttls(host, tls, opts).await?;
        Ok(c)
    }

    /// `STARTTLS`: upgrades this plain TCP connection to TLS. Requires the
    /// not-authenticated state and the `STARTTLS` capability; bytes the server sent after
    /// its OK are discarded unread (response injection), and the capabilities are asked
    /// again afterwards.
    ///
    /// ```no_run
    /// # async fn run(client: &mut imap4::tokio::Client) -> imap4::Result<()> {
    /// use imap4::transport::{ConnectOptions, TlsConfig};
    /// client.starttls("imap.example.com", &TlsConfig::new(), &ConnectOptions::default()).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "STARTTLS")]
    pub async fn starttls(
        &mut self,
        host: &str,
        tls: &TlsConfig,
        opts: &ConnectOptions,
    ) -> Result<()> {
        let refusal = match &self.io_ref().get_ref().inner {
            Inner::Tcp(_) => None,
            Inner::Tls(_) => Some("STARTTLS: TLS is already established"),
            _ => Some("STARTTLS needs a plain TCP transport"),
        };
        self.starttls_command(refusal).await?;
        // The server now expects a handshake: if it fails (or this future is dropped
        // during it, leaving the transport taken apart), the session cannot go on.
        if let Err(e) = self.io_mut().get_mut().start_tls(host, tls, opts).await {
            return Err(self.mark(crate::Abort::Io(e).into()));
        }
        self.set_secure(true);
        Ok(())
    }

    /// Runs a command and speaks IMAP over its stdin/stdout (imaplib's `IMAP4_stream`).
    /// `secure` says whether the pipe is private (ssh, a local process).
    ///
    /// ```no_run
    /// # async fn run() -> imap4::Result<()> {
    /// let mut cmd = tokio::process::Command::new("ssh");
    /// cmd.args(["mail.example.com", "/usr/lib/dovecot/imap"]);
    /// let client = imap4::tokio::Client::spawn(cmd, true).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "IMAP4_stream")]
    pub async fn spawn(command: ::tokio::process::Command, secure: bool) -> Result<Self> {
        let t = Transport::spawn(command)?;
        Self::from_stream(t, secure).await
    }

    /// The transport underneath.
    ///
    /// ```no_run
    /// # fn f(client: &imap4::tokio::Client) {
    /// println!("TLS: {}", client.transport().is_tls());
    /// # }
    /// ```
    pub fn transport(&self) -> &Transport {
        self.io_ref().get_ref()
    }

    /// The transport underneath, mutably.
    ///
    /// ```no_run
    /// # fn f(client: &mut imap4::tokio::Client) {
    /// let _child = client.transport_mut().child_mut();
    /// # }
    /// ```
    pub fn transport_mut(&mut self) -> &mut Transport {
        self.io_mut().get_mut()
    }

    /// Closes the connection without `LOGOUT` (imaplib's `shutdown()`).
    ///
    /// ```no_run
    /// # async fn run(mut client: imap4::tokio::Client) -> imap4::Result<()> {
    /// client.logout().await?;
    /// client.shutdown().await?;
    /// # Ok(()) }
    /// ```
    pub async fn shutdown(&mut self) -> Result<()> {
        self.transport_mut().shutdown().await?;
        Ok(())
    }
}
