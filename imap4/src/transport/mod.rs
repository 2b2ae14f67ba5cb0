//! Byte streams to carry IMAP: plain TCP, TLS (rustls), and a spawned command's
//! stdin/stdout, all behind one [`Transport`] type that the blocking
//! [`Client`](crate::blocking::Client) runs over.
//!
//! | imaplib | here |
//! | --- | --- |
//! | `IMAP4(host, port, timeout)` | [`Client::connect`](crate::blocking::Client::connect), [`Client::connect_plain`](crate::blocking::Client::connect_plain) |
//! | `IMAP4_SSL(host, port, ssl_context=...)` | [`Client::connect_tls`](crate::blocking::Client::connect_tls) with a [`TlsConfig`] |
//! | `IMAP4.starttls(ssl_context)` | [`Client::connect_starttls`](crate::blocking::Client::connect_starttls) |
//! | `IMAP4_stream(command)` | [`Client::spawn`](crate::blocking::Client::spawn) |
//! | `shutdown()` | [`Client::shutdown`](crate::blocking::Client::shutdown), [`Transport::shutdown`] |
//! | `socket()` | [`Transport::tcp_stream`] |
//!
//! ```no_run
//! use imap4::blocking::Client;
//! use imap4::transport::{ConnectOptions, TlsConfig};
//! use std::time::Duration;
//!
//! let tls = TlsConfig::with_ca_file("/tmp/imap4-dc/ca.pem")?;
//! let opts = ConnectOptions::default().io_timeout(Some(Duration::from_secs(30)));
//! let mut client = Client::connect_tls_with("127.0.0.1", 10993, &tls, &opts)?;
//! client.login("alice", "alicepw")?;
//! client.logout()?;
//! # Ok::<(), imap4::Error>(())
//! ```

mod command;
mod tls;

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::process::{Child, Command};
use std::time::Duration;

use rustls::{ClientConnection, StreamOwned};

pub use rustls;
pub use tls::{io_tls_error, tls_error, TlsConfig};

/// Timeouts for connecting and for each read and write.
///
/// The defaults: 30 s to connect (per address tried), 60 s for each read or write. `None`
/// waits forever. A read that times out aborts the connection (the reply may have been
/// half read), so set [`io_timeout`](Self::io_timeout) above the longest quiet time you
/// expect, or change it with [`Transport::set_io_timeout`] around long waits.
///
/// ```
/// use imap4::transport::ConnectOptions;
/// use std::time::Duration;
///
/// let opts = ConnectOptions::default()
///     .connect_timeout(Some(Duration::from_secs(5)))
///     .io_timeout(Some(Duration::from_secs(120)));
/// assert_eq!(opts.io_timeout, Some(Duration::from_secs(120)));
/// ```
#[doc(alias = "timeout")]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectOptions {
    /// Time allowed for the TCP connect to each resolved address.
    pub connect_timeout: Option<Duration>,
    /// Time allowed for each read and each write, the TLS handshake included.
    pub io_timeout: Option<Duration>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            connect_timeout: Some(Duration::from_secs(30)),
            io_timeout: Some(Duration::from_secs(60)),
        }
    }
}

impl ConnectOptions {
    /// Sets the connect timeout (`None`: the operating system's).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let opts = imap4::transport::ConnectOptions::default()
    ///     .connect_timeout(Some(Duration::from_secs(5)));
    /// ```
    pub fn connect_timeout(mut self, t: Option<Duration>) -> Self {
        self.connect_timeout = t;
        self
    }

    /// Sets the read/write timeout (`None`: block forever).
    ///
    /// ```
    /// let opts = imap4::transport::ConnectOptions::default().io_timeout(None);
    /// ```
    pub fn io_timeout(mut self, t: Option<Duration>) -> Self {
        self.io_timeout = t;
        self
    }
}

type TlsStream = StreamOwned<ClientConnection, TcpStream>;

/// A connection to an IMAP server: plain TCP, TLS over TCP, or a spawned command's
/// stdin/stdout. Implements [`Read`] and [`Write`], so it plugs into
/// [`Client::from_stream`](crate::blocking::Client::from_stream); the `Client`
/// constructors [`connect_tls`](crate::blocking::Client::connect_tls),
/// [`connect_starttls`](crate::blocking::Client::connect_starttls) and
/// [`spawn`](crate::blocking::Client::spawn) make one for you.
///
/// Read timeouts surface as I/O errors of kind [`io::ErrorKind::TimedOut`].
///
/// ```no_run
/// use imap4::blocking::Client;
/// use imap4::transport::{ConnectOptions, TlsConfig, Transport};
///
/// let tls = TlsConfig::new();
/// let t = Transport::connect_tls("imap.example.com", 993, &tls, &ConnectOptions::default())?;
/// let client = Client::from_stream(t, true)?;
/// # Ok::<(), imap4::Error>(())
/// ```
#[derive(Debug)]
pub struct Transport {
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    Tcp(TcpStream),
    Tls(Box<TlsStream>),
    Command(Box<command::Pipe>),
    /// Taken apart (a failed STARTTLS upgrade): every read and write fails.
    Detached,
}

fn tcp_connect(host: &str, port: u16, opts: &ConnectOptions) -> io::Result<TcpStream> {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    tcp_connect_addrs((host, port).to_socket_addrs()?, opts)
        .map_err(|e| e.unwrap_or_else(|| no_address(&format!("{host} resolves to no address"))))
}

fn no_address(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, msg.to_string())
}

/// Connects to the first address that answers, with TCP_NODELAY and the options'
/// timeouts; `Err(None)` when there was no address to try.
pub(crate) fn tcp_connect_addrs(
    addrs: impl Iterator<Item = std::net::SocketAddr>,
    opts: &ConnectOptions,
) -> Result<TcpStream, Option<io::Error>> {
    let mut last = None;
    for addr in addrs {
        let r = match opts.connect_timeout {
            Some(t) => TcpStream::connect_timeout(&addr, t),
            None => TcpStream::connect(addr),
        };
        match r {
            Ok(s) => {
                s.set_nodelay(true)?;
                s.set_read_timeout(opts.io_timeout)?;
                s.set_write_timeout(opts.io_timeout)?;
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last)
}

/// [`tcp_connect_addrs`] for any address form (the blocking `Client::connect`).
pub(crate) fn tcp_connect_any(
    addr: impl ToSocketAddrs,
    opts: &ConnectOptions,
) -> io::Result<TcpStream> {
    tcp_connect_addrs(addr.to_socket_addrs()?, opts)
        .map_err(|e| e.unwrap_or_else(|| no_address("no address to connect to")))
}

/// Socket timeouts report `WouldBlock` on Unix: say what happened.
fn timed_out(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::WouldBlock {
        io::Error::new(
            io::ErrorKind::TimedOut,
            "I/O timeout: the server did not answer in time",
        )
    } else {
        e
    }
}

fn tls_handshake(tcp: TcpStream, host: &str, tls: &TlsConfig) -> io::Result<Box<TlsStream>> {
    let config = tls.rustls_config()?;
    let name = tls.name_for(host)?;
    let conn = ClientConnection::new(config, name)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let mut s = Box::new(StreamOwned::new(conn, tcp));
    // Finish the handshake now, so a bad certificate fails the connect call itself.
    while s.conn.is_handshaking() {
        s.conn.complete_io(&mut s.sock).map_err(timed_out)?;
    }
    Ok(s)
}

impl Transport {
    /// Connects over plain TCP, with TCP_NODELAY and the options' timeouts.
    ///
    /// ```no_run
    /// use imap4::transport::{ConnectOptions, Transport};
    /// let t = Transport::connect_tcp("127.0.0.1", 10143, &ConnectOptions::default())?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "open")]
    pub fn connect_tcp(host: &str, port: u16, opts: &ConnectOptions) -> io::Result<Transport> {
        Ok(Transport {
            inner: Inner::Tcp(tcp_connect(host, port, opts)?),
        })
    }

    /// Connects over TCP and completes a TLS handshake (implicit TLS, port 993). `host` is
    /// the name the certificate must be valid for unless [`TlsConfig::server_name`] says
    /// otherwise. A certificate problem fails here, with a [`rustls::Error`] inside the
    /// I/O error (see [`io_tls_error`]).
    ///
    /// ```no_run
    /// use imap4::transport::{ConnectOptions, TlsConfig, Transport};
    /// let tls = TlsConfig::new();
    /// let t = Transport::connect_tls("imap.example.com", 993, &tls, &ConnectOptions::default())?;
    /// assert!(t.is_tls());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "IMAP4_SSL")]
    pub fn connect_tls(
        host: &str,
        port: u16,
        tls: &TlsConfig,
        opts: &ConnectOptions,
    ) -> io::Result<Transport> {
        let tcp = tcp_connect(host, port, opts)?;
        Ok(Transport {
            inner: Inner::Tls(tls_handshake(tcp, host, tls)?),
        })
    }

    /// Runs a command and talks IMAP over its stdin and stdout (imaplib's `IMAP4_stream`),
    /// e.g. `ssh host /usr/lib/dovecot/imap` or a local server binary. stdin and stdout are
    /// replaced by pipes; stderr stays as the `Command` has it (inherited by default).
    /// Reads time out after the options' `io_timeout`; writes to the pipe do not time out.
    /// Dropping the transport closes stdin and kills the command if it has not exited
    /// within 100 ms.
    ///
    /// ```no_run
    /// use imap4::transport::{ConnectOptions, Transport};
    /// use std::process::Command;
    /// let mut cmd = Command::new("ssh");
    /// cmd.args(["mail.example.com", "/usr/lib/dovecot/imap"]);
    /// let t = Transport::spawn(cmd, &ConnectOptions::default())?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "IMAP4_stream")]
    pub fn spawn(command: Command, opts: &ConnectOptions) -> io::Result<Transport> {
        Ok(Transport {
            inner: Inner::Command(Box::new(command::Pipe::spawn(command, opts.io_timeout)?)),
        })
    }

    /// Wraps a connected TCP stream (plain; its timeouts and options are left as they are).
    ///
    /// ```no_run
    /// let tcp = std::net::TcpStream::connect("127.0.0.1:10143")?;
    /// let t = imap4::transport::Transport::from_tcp(tcp);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn from_tcp(stream: TcpStream) -> Transport {
        Transport {
            inner: Inner::Tcp(stream),
        }
    }

    /// Upgrades a plain TCP transport to TLS in place (the STARTTLS step, after the server's
    /// OK). Bytes received before are not this function's business: the caller must have
    /// discarded them. On failure the transport is left unusable.
    ///
    /// ```no_run
    /// use imap4::transport::{ConnectOptions, TlsConfig, Transport};
    /// let mut t = Transport::connect_tcp("127.0.0.1", 10143, &ConnectOptions::default())?;
    /// // ... read the greeting, send STARTTLS, read its OK ...
    /// t.start_tls("localhost", &TlsConfig::with_ca_file("/tmp/imap4-dc/ca.pem")?)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "starttls")]
    pub fn start_tls(&mut self, host: &str, tls: &TlsConfig) -> io::Result<()> {
        match std::mem::replace(&mut self.inner, Inner::Detached) {
            Inner::Tcp(tcp) => {
                self.inner = Inner::Tls(tls_handshake(tcp, host, tls)?);
                Ok(())
            }
            other => {
                let what = match other {
                    Inner::Tls(_) => "already TLS",
                    Inner::Command(_) => "a command pipe",
                    _ => "detached",
                };
                self.inner = other;
                Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    format!("STARTTLS needs a plain TCP transport, this one is {what}"),
                ))
            }
        }
    }

    /// Whether the bytes travel inside TLS (implicit TLS or after STARTTLS).
    ///
    /// ```no_run
    /// use imap4::transport::{ConnectOptions, Transport};
    /// let t = Transport::connect_tcp("127.0.0.1", 10143, &ConnectOptions::default())?;
    /// assert!(!t.is_tls());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn is_tls(&self) -> bool {
        matches!(self.inner, Inner::Tls(_))
    }

    /// The TCP socket underneath (plain or TLS), e.g. for its addresses (imaplib's
    /// `socket()`). `None` for a command pipe.
    ///
    /// ```no_run
    /// use imap4::transport::{ConnectOptions, Transport};
    /// let t = Transport::connect_tcp("127.0.0.1", 10143, &ConnectOptions::default())?;
    /// println!("{:?}", t.tcp_stream().map(|s| s.peer_addr()));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "socket")]
    pub fn tcp_stream(&self) -> Option<&TcpStream> {
        match &self.inner {
            Inner::Tcp(s) => Some(s),
            Inner::Tls(s) => Some(&s.sock),
            _ => None,
        }
    }

    /// The TLS session (protocol version, cipher suite, the server's certificates), if any.
    ///
    /// ```no_run
    /// use imap4::transport::{ConnectOptions, TlsConfig, Transport};
    /// let tls = TlsConfig::new();
    /// let t = Transport::connect_tls("imap.example.com", 993, &tls, &ConnectOptions::default())?;
    /// println!("{:?}", t.tls_connection().and_then(|c| c.protocol_version()));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn tls_connection(&self) -> Option<&ClientConnection> {
        match &self.inner {
            Inner::Tls(s) => Some(&s.conn),
            _ => None,
        }
    }

    /// The spawned command, for a command transport (to check its exit status, say).
    ///
    /// ```no_run
    /// use imap4::transport::{ConnectOptions, Transport};
    /// let cmd = std::process::Command::new("/usr/lib/dovecot/imap");
    /// let mut t = Transport::spawn(cmd, &ConnectOptions::default())?;
    /// println!("pid {:?}", t.child_mut().map(|c| c.id()));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn child_mut(&mut self) -> Option<&mut Child> {
        match &mut self.inner {
            Inner::Command(p) => Some(p.child_mut()),
            _ => None,
        }
    }

    /// Changes the read/write timeout (`None`: wait forever), e.g. around a long IDLE.
    /// For a command pipe only reads time out.
    ///
    /// ```no_run
    /// use imap4::transport::{ConnectOptions, Transport};
    /// use std::time::Duration;
    /// let mut t = Transport::connect_tcp("127.0.0.1", 10143, &ConnectOptions::default())?;
    /// t.set_io_timeout(Some(Duration::from_secs(29 * 60)))?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_io_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        let s = match &mut self.inner {
            Inner::Command(p) => {
                p.set_timeout(timeout);
                return Ok(());
            }
            Inner::Detached => return Ok(()),
            Inner::Tcp(s) => s,
            Inner::Tls(s) => &s.sock,
        };
        s.set_read_timeout(timeout)?;
        s.set_write_timeout(timeout)
    }

    /// Sets only the read timeout (for a spawned command: its only timeout).
    ///
    /// ```no_run
    /// use imap4::transport::{ConnectOptions, Transport};
    /// use std::time::Duration;
    /// let mut t = Transport::connect_tcp("127.0.0.1", 10143, &ConnectOptions::default())?;
    /// t.set_read_timeout(Some(Duration::from_secs(120)))?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        match &mut self.inner {
            Inner::Command(p) => {
                p.set_timeout(timeout);
                Ok(())
            }
            Inner::Detached => Ok(()),
            Inner::Tcp(s) => s.set_read_timeout(timeout),
            Inner::Tls(s) => s.sock.set_read_timeout(timeout),
        }
    }

    /// Sets only the write timeout (a spawned command's pipe has none).
    ///
    /// ```no_run
    /// use imap4::transport::{ConnectOptions, Transport};
    /// use std::time::Duration;
    /// let mut t = Transport::connect_tcp("127.0.0.1", 10143, &ConnectOptions::default())?;
    /// t.set_write_timeout(Some(Duration::from_secs(30)))?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        match &mut self.inner {
            Inner::Command(_) | Inner::Detached => Ok(()),
            Inner::Tcp(s) => s.set_write_timeout(timeout),
            Inner::Tls(s) => s.sock.set_write_timeout(timeout),
        }
    }

    /// Closes the connection without a word of IMAP (imaplib's `shutdown()`; send
    /// `LOGOUT` first for a polite goodbye):
    /// - TCP: shuts the socket down both ways;
    /// - TLS: sends the TLS `close_notify` alert, then shuts the socket down;
    /// - command: closes its stdin, waits for it to exit (up to the I/O timeout, 5 s when
    ///   there is none) and kills it if it does not.
    ///
    /// Later reads see end of stream, later writes fail. Calling it twice is harmless.
    ///
    /// ```no_run
    /// use imap4::transport::{ConnectOptions, Transport};
    /// let mut t = Transport::connect_tcp("127.0.0.1", 10143, &ConnectOptions::default())?;
    /// t.shutdown()?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "close")]
    pub fn shutdown(&mut self) -> io::Result<()> {
        fn tcp_down(s: &TcpStream) -> io::Result<()> {
            match s.shutdown(Shutdown::Both) {
                Err(e) if e.kind() != io::ErrorKind::NotConnected => Err(e),
                _ => Ok(()),
            }
        }
        match &mut self.inner {
            Inner::Tcp(s) => tcp_down(s),
            Inner::Tls(s) => {
                s.conn.send_close_notify();
                // Best effort: the peer may already be gone.
                while s.conn.wants_write() {
                    if s.conn.write_tls(&mut s.sock).is_err() {
                        break;
                    }
                }
                tcp_down(&s.sock)
            }
            Inner::Command(p) => {
                let grace = p.timeout().unwrap_or(Duration::from_secs(5));
                p.shutdown(grace)
            }
            Inner::Detached => Ok(()),
        }
    }
}

fn detached() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "the transport was taken apart by a failed STARTTLS upgrade",
    )
}

impl Read for Transport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Tcp(s) => s.read(buf).map_err(timed_out),
            Inner::Tls(s) => s.read(buf).map_err(timed_out),
            Inner::Command(p) => p.read(buf),
            Inner::Detached => Err(detached()),
        }
    }
}

impl Write for Transport {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Tcp(s) => s.write(buf).map_err(timed_out),
            Inner::Tls(s) => s.write(buf).map_err(timed_out),
            Inner::Command(p) => p.write(buf),
            Inner::Detached => Err(detached()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Tcp(s) => s.flush().map_err(timed_out),
            Inner::Tls(s) => s.flush().map_err(timed_out),
            Inner::Command(p) => p.flush(),
            Inner::Detached => Err(detached()),
        }
    }
}
