//! The blocking client: a socket loop around [`imap4_proto::Connection`].

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use imap4_proto::encode::{self, Command, Criteria, FetchAttr};
use imap4_proto::{
    Capability, ConnEvent, ConnState, Connection, Data, Fetch, ListData, MailboxState, Status,
    StatusKind,
};

use crate::error::{Abort, Error, Result};

/// What a completed command brought back.
#[derive(Debug)]
pub struct Reply {
    /// Untagged data that answers the command, in order.
    pub data: Vec<Data>,
    /// The tagged completion.
    pub status: Status,
}

/// A blocking IMAP client over any `Read + Write` stream.
///
/// Untagged data the server sends on its own (new mail, expunges from other sessions, flag
/// changes) is kept and can be drained with [`Client::take_unsolicited`] (imaplib's
/// `response()`).
#[derive(Debug)]
pub struct Client<S: Read + Write = TcpStream> {
    conn: Connection,
    stream: S,
    unsolicited: VecDeque<Data>,
    secure: bool,
    allow_plaintext: bool,
    buf: Vec<u8>,
}

impl Client<TcpStream> {
    /// Connects over plain TCP (imaplib's `IMAP4(host, port)`) and reads the greeting.
    ///
    /// Sets TCP_NODELAY (each command is written in one go) and a 60 s read timeout.
    #[doc(alias = "IMAP4")]
    pub fn connect(addr: impl ToSocketAddrs) -> Result<Self> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        stream.set_write_timeout(Some(Duration::from_secs(60)))?;
        Client::from_stream(stream, false)
    }
}

impl<S: Read + Write> Client<S> {
    /// Wraps a connected stream and reads the greeting. `secure` says whether the stream is
    /// encrypted (credentials are only sent over secure streams unless
    /// [`allow_plaintext_login`](Self::allow_plaintext_login) is set).
    pub fn from_stream(stream: S, secure: bool) -> Result<Self> {
        let mut c = Client {
            conn: Connection::new(),
            stream,
            unsolicited: VecDeque::new(),
            secure,
            allow_plaintext: false,
            buf: vec![0; 64 * 1024],
        };
        loop {
            match c.next_event()? {
                ConnEvent::Greeting(g) if g.kind == StatusKind::Bye => {
                    return Err(Abort::Bye(g.text_str().into_owned()).into())
                }
                ConnEvent::Greeting(_) => return Ok(c),
                _ => {}
            }
        }
    }

    /// Allows LOGIN and AUTHENTICATE over a connection without TLS (for loopback test
    /// servers). Off by default: a password must not travel in clear by accident.
    pub fn allow_plaintext_login(&mut self, yes: bool) {
        self.allow_plaintext = yes;
    }

    /// The sans-IO connection state (capabilities, selected mailbox, protocol state).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The server greeting (imaplib's `welcome`).
    #[doc(alias = "welcome")]
    pub fn greeting(&self) -> Option<&Status> {
        self.conn.greeting()
    }

    /// Unsolicited data received so far, oldest first (imaplib's `response()`).
    #[doc(alias = "response")]
    pub fn take_unsolicited(&mut self) -> Vec<Data> {
        self.unsolicited.drain(..).collect()
    }

    fn flush(&mut self) -> Result<()> {
        if let Some(b) = self.conn.take_transmit() {
            self.stream.write_all(&b)?;
            self.stream.flush()?;
        }
        Ok(())
    }

    fn next_event(&mut self) -> Result<ConnEvent> {
        loop {
            self.flush()?;
            if let Some(e) = self.conn.poll_event()? {
                return Ok(e);
            }
            // Handling input can release bytes (a literal after `+`): send them first.
            self.flush()?;
            let n = self.stream.read(&mut self.buf)?;
            if n == 0 {
                return Err(Abort::Closed.into());
            }
            self.conn.feed(&self.buf[..n]);
        }
    }

    /// Sends any command and waits for its completion. NO and BAD become errors.
    #[doc(alias = "xatom")]
    pub fn run<C: Command + ?Sized>(&mut self, cmd: &C) -> Result<Reply> {
        let name = cmd.name();
        let tag = self.conn.send(cmd)?;
        let mut data = Vec::new();
        loop {
            match self.next_event()? {
                ConnEvent::Data {
                    tag: Some(t),
                    data: d,
                } if t == tag => data.push(d),
                ConnEvent::Data { data: d, .. } => self.unsolicited.push_back(d),
                ConnEvent::Done { tag: t, status, .. } if t == tag => {
                    return match status.kind {
                        StatusKind::Ok => Ok(Reply { data, status }),
                        StatusKind::No => Err(Error::No {
                            command: name,
                            text: status.text_str().into_owned(),
                            code: status.code,
                        }),
                        _ => Err(Error::Bad {
                            command: name,
                            text: status.text_str().into_owned(),
                            code: status.code,
                        }),
                    };
                }
                ConnEvent::Bye(s) if name != "LOGOUT" => {
                    return Err(Abort::Bye(s.text_str().into_owned()).into())
                }
                ConnEvent::ReadOnly(s) => return Err(Error::ReadOnly(s.text_str().into_owned())),
                ConnEvent::Malformed(m) if m.tag.as_ref() == Some(&tag) => {
                    return Err(Abort::Malformed {
                        command: name,
                        error: m.error,
                    }
                    .into())
                }
                _ => {}
            }
        }
    }

    /// `LOGIN` (refused over a connection without TLS unless allowed).
    pub fn login(&mut self, user: &str, password: &str) -> Result<()> {
        if !self.secure && !self.allow_plaintext {
            return Err(Error::PlaintextLogin);
        }
        self.run(&encode::Login::new(user, password))?;
        Ok(())
    }

    /// `CAPABILITY`: the server's capabilities (cached after the first call).
    pub fn capabilities(&mut self) -> Result<Vec<Capability>> {
        if !self.conn.capabilities_known() {
            self.run(&encode::Capability)?;
        }
        Ok(self.conn.capabilities().to_vec())
    }

    /// `LIST reference pattern`.
    pub fn list(&mut self, reference: &str, pattern: &str) -> Result<Vec<ListData>> {
        let r = self.run(
            &encode::List::new(reference, pattern).returning([encode::ListReturn::SpecialUse]),
        )?;
        Ok(r.data
            .into_iter()
            .filter_map(|d| match d {
                Data::List(l) => Some(l),
                _ => None,
            })
            .collect())
    }

    /// `SELECT mailbox`: its state (message count, UIDVALIDITY, flags, ...).
    pub fn select(&mut self, mailbox: &str) -> Result<MailboxState> {
        self.open(encode::Select::new(mailbox), mailbox)
    }

    /// `EXAMINE mailbox`: like [`select`](Self::select), read-only.
    pub fn examine(&mut self, mailbox: &str) -> Result<MailboxState> {
        self.open(encode::Select::examine(mailbox), mailbox)
    }

    fn open(&mut self, cmd: encode::Select, name: &str) -> Result<MailboxState> {
        self.run(&cmd)?;
        let mut m = self.conn.mailbox().cloned().unwrap_or_default();
        m.name = name.to_string();
        Ok(m)
    }

    /// `UID SEARCH`: the UIDs matching the criteria.
    pub fn uid_search(&mut self, criteria: Criteria) -> Result<Vec<u32>> {
        let r = self.run(&encode::Search::new(criteria).uid(true))?;
        Ok(r.data
            .into_iter()
            .flat_map(|d| match d {
                Data::Search { nums, .. } => nums,
                _ => Vec::new(),
            })
            .collect())
    }

    /// `UID FETCH uids (attrs)`: the messages' data, in server order. Flag updates for
    /// other messages that arrive meanwhile are not among them.
    pub fn uid_fetch(
        &mut self,
        uids: &imap4_proto::SequenceSet,
        attrs: impl IntoIterator<Item = FetchAttr>,
    ) -> Result<Vec<Fetch>> {
        let r = self.run(&encode::Fetch::new(uids.clone(), attrs).uid(true))?;
        Ok(r.data
            .into_iter()
            .filter_map(|d| match d {
                Data::Fetch(f) => Some(f),
                _ => None,
            })
            .collect())
    }

    /// `LOGOUT`.
    pub fn logout(&mut self) -> Result<()> {
        if self.conn.state() == ConnState::Logout {
            return Ok(());
        }
        self.run(&encode::Logout)?;
        Ok(())
    }
}

/// Constructors over [`Transport`](crate::transport::Transport): TLS, STARTTLS, a spawned
/// command, plain TCP with timeouts.
impl Client<crate::transport::Transport> {
    /// Connects over plain TCP with the given timeouts (TCP_NODELAY on) and reads the
    /// greeting. The connection is not secure: [`login`](Self::login) refuses to send a
    /// password unless [`allow_plaintext_login`](Self::allow_plaintext_login) is set. Prefer
    /// [`connect_tls`](Self::connect_tls) or [`connect_starttls`](Self::connect_starttls).
    ///
    /// ```no_run
    /// use imap4::blocking::Client;
    /// use imap4::transport::ConnectOptions;
    /// let mut client = Client::connect_plain("127.0.0.1", 10143, &ConnectOptions::default())?;
    /// client.allow_plaintext_login(true); // loopback test server
    /// client.login("alice", "alicepw")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "IMAP4")]
    #[doc(alias = "open")]
    pub fn connect_plain(
        host: &str,
        port: u16,
        opts: &crate::transport::ConnectOptions,
    ) -> Result<Self> {
        let t = crate::transport::Transport::connect_tcp(host, port, opts)?;
        Client::from_stream(t, false)
    }

    /// Connects with implicit TLS (port 993; imaplib's `IMAP4_SSL`), verifies the server's
    /// certificate for `host` (or [`TlsConfig::server_name`](crate::transport::TlsConfig::server_name))
    /// and reads the greeting. Default timeouts; see [`connect_tls_with`](Self::connect_tls_with).
    /// A certificate problem is an error whose [`tls_error`](crate::transport::tls_error) is
    /// `Some`.
    ///
    /// ```no_run
    /// use imap4::blocking::Client;
    /// use imap4::transport::TlsConfig;
    /// let mut client = Client::connect_tls("imap.example.com", 993, &TlsConfig::new())?;
    /// client.login("alice", "secret")?; // allowed: the connection is encrypted
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "IMAP4_SSL")]
    pub fn connect_tls(host: &str, port: u16, tls: &crate::transport::TlsConfig) -> Result<Self> {
        Self::connect_tls_with(host, port, tls, &Default::default())
    }

    /// [`connect_tls`](Self::connect_tls) with explicit timeouts.
    ///
    /// ```no_run
    /// use imap4::blocking::Client;
    /// use imap4::transport::{ConnectOptions, TlsConfig};
    /// use std::time::Duration;
    /// let opts = ConnectOptions::default().connect_timeout(Some(Duration::from_secs(5)));
    /// let client = Client::connect_tls_with("imap.example.com", 993, &TlsConfig::new(), &opts)?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "IMAP4_SSL")]
    pub fn connect_tls_with(
        host: &str,
        port: u16,
        tls: &crate::transport::TlsConfig,
        opts: &crate::transport::ConnectOptions,
    ) -> Result<Self> {
        let t = crate::transport::Transport::connect_tls(host, port, tls, opts)?;
        Client::from_stream(t, true)
    }

    /// Connects over plain TCP (port 143), then upgrades to TLS with `STARTTLS` before
    /// anything else is said; see [`starttls`](Self::starttls). Default timeouts.
    ///
    /// ```no_run
    /// use imap4::blocking::Client;
    /// use imap4::transport::TlsConfig;
    /// let mut client = Client::connect_starttls("imap.example.com", 143, &TlsConfig::new())?;
    /// client.login("alice", "secret")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "starttls")]
    pub fn connect_starttls(
        host: &str,
        port: u16,
        tls: &crate::transport::TlsConfig,
    ) -> Result<Self> {
        Self::connect_starttls_with(host, port, tls, &Default::default())
    }

    /// [`connect_starttls`](Self::connect_starttls) with explicit timeouts.
    ///
    /// ```no_run
    /// use imap4::blocking::Client;
    /// use imap4::transport::{ConnectOptions, TlsConfig};
    /// let tls = TlsConfig::with_ca_file("/tmp/imap4-dc/ca.pem")?;
    /// let opts = ConnectOptions::default();
    /// let client = Client::connect_starttls_with("127.0.0.1", 10143, &tls, &opts)?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "starttls")]
    pub fn connect_starttls_with(
        host: &str,
        port: u16,
        tls: &crate::transport::TlsConfig,
        opts: &crate::transport::ConnectOptions,
    ) -> Result<Self> {
        let t = crate::transport::Transport::connect_tcp(host, port, opts)?;
        let mut client = Client::from_stream(t, false)?;
        client.starttls(host, tls)?;
        Ok(client)
    }

    /// `STARTTLS` (imaplib's `starttls`): upgrades this plain TCP connection to TLS,
    /// verifying the certificate for `host` (or the config's server name).
    ///
    /// Requires the not-authenticated state (a `PREAUTH` greeting fails with
    /// [`Error::State`]: continuing would mean talking in clear) and the `STARTTLS`
    /// capability (asked with `CAPABILITY` when the greeting did not list it; missing, it
    /// fails with an I/O error of kind `Unsupported`). After the server's OK, any bytes that
    /// came with or after it are discarded unread (RFC 3501 11.1, response injection), the
    /// handshake runs, and the cached capabilities are forgotten: the next
    /// [`capabilities`](Self::capabilities) asks the server again, over TLS.
    ///
    /// ```no_run
    /// use imap4::blocking::Client;
    /// use imap4::transport::{ConnectOptions, TlsConfig};
    /// let mut client = Client::connect_plain("imap.example.com", 143, &ConnectOptions::default())?;
    /// client.starttls("imap.example.com", &TlsConfig::new())?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "STARTTLS")]
    pub fn starttls(&mut self, host: &str, tls: &crate::transport::TlsConfig) -> Result<()> {
        let unsupported = |msg: &str| -> Error {
            std::io::Error::new(std::io::ErrorKind::Unsupported, msg.to_string()).into()
        };
        if self.stream.is_tls() {
            return Err(unsupported("STARTTLS: TLS is already established"));
        }
        let state = self.conn.state();
        if state != ConnState::NotAuthenticated {
            return Err(Error::State {
                command: "STARTTLS",
                needed: ConnState::NotAuthenticated,
                state,
            });
        }
        if !self.conn.capabilities_known() {
            self.run(&encode::Capability)?;
        }
        if !self.conn.has_capability("STARTTLS") {
            return Err(unsupported(
                "the server does not announce STARTTLS: refusing to go on in clear",
            ));
        }
        self.run(&encode::StartTls)?;
        // Whatever came after the OK was sent before the handshake, so anyone on the path
        // could have written it: drop it unread.
        drop(self.conn.take_buffered());
        self.stream.start_tls(host, tls)?;
        self.secure = true;
        Ok(())
    }

    /// Runs a command and speaks IMAP over its stdin/stdout (imaplib's `IMAP4_stream`),
    /// e.g. a server's IMAP binary that starts already logged in (`PREAUTH`), or
    /// `ssh host imapd`. Default timeouts (reads; see
    /// [`Transport::spawn`](crate::transport::Transport::spawn)).
    ///
    /// `secure` says whether the pipe is private: `true` for ssh (encrypted) or a local
    /// process, `false` for something like a `nc` relay over the network. It only matters for
    /// [`login`](Self::login), which refuses to send a password over an insecure stream.
    ///
    /// ```no_run
    /// use imap4::blocking::Client;
    /// use std::process::Command;
    /// let mut cmd = Command::new("ssh");
    /// cmd.args(["mail.example.com", "/usr/lib/dovecot/imap"]);
    /// let mut client = Client::spawn(cmd, true)?;
    /// let folders = client.list("", "*")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "IMAP4_stream")]
    pub fn spawn(command: std::process::Command, secure: bool) -> Result<Self> {
        Self::spawn_with(command, secure, &Default::default())
    }

    /// [`spawn`](Self::spawn) with explicit timeouts (only the I/O timeout applies, to
    /// reads).
    ///
    /// ```no_run
    /// use imap4::blocking::Client;
    /// use imap4::transport::ConnectOptions;
    /// use std::process::Command;
    /// let mut cmd = Command::new("sh");
    /// cmd.args(["-c", "/usr/lib/dovecot/imap -u alice"]);
    /// let client = Client::spawn_with(cmd, true, &ConnectOptions::default().io_timeout(None))?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "IMAP4_stream")]
    pub fn spawn_with(
        command: std::process::Command,
        secure: bool,
        opts: &crate::transport::ConnectOptions,
    ) -> Result<Self> {
        let t = crate::transport::Transport::spawn(command, opts)?;
        Client::from_stream(t, secure)
    }

    /// The transport underneath.
    ///
    /// ```no_run
    /// use imap4::blocking::Client;
    /// use imap4::transport::TlsConfig;
    /// let client = Client::connect_tls("imap.example.com", 993, &TlsConfig::new())?;
    /// assert!(client.transport().is_tls());
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "socket")]
    pub fn transport(&self) -> &crate::transport::Transport {
        &self.stream
    }

    /// The transport underneath, to change its timeout (say around IDLE). Reading or writing
    /// through it directly would desynchronize the protocol.
    ///
    /// ```no_run
    /// use imap4::blocking::Client;
    /// use imap4::transport::TlsConfig;
    /// let mut client = Client::connect_tls("imap.example.com", 993, &TlsConfig::new())?;
    /// client.transport_mut().set_io_timeout(None)?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn transport_mut(&mut self) -> &mut crate::transport::Transport {
        &mut self.stream
    }

    /// Closes the connection without `LOGOUT` (imaplib's `shutdown()`); see
    /// [`Transport::shutdown`](crate::transport::Transport::shutdown) for what each transport
    /// does. Later commands fail with [`Error::Abort`].
    ///
    /// ```no_run
    /// use imap4::blocking::Client;
    /// use imap4::transport::TlsConfig;
    /// let mut client = Client::connect_tls("imap.example.com", 993, &TlsConfig::new())?;
    /// client.logout()?;
    /// client.shutdown()?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn shutdown(&mut self) -> Result<()> {
        self.stream.shutdown()?;
        Ok(())
    }
}
