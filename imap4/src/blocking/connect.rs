//! Constructors: plain TCP, TLS, STARTTLS, a spawned command.

use std::net::ToSocketAddrs;

use super::{Client, Timeouts};
use crate::session::block_on;

use crate::error::Result;

/// Constructors over [`Transport`](crate::transport::Transport): TLS, STARTTLS, a spawned
/// command, plain TCP with timeouts.
impl Client<crate::transport::Transport> {
    /// Connects over plain TCP to the first address that answers (imaplib's
    /// `IMAP4(host, port)`) and reads the greeting. TCP_NODELAY is set; connect and I/O
    /// timeouts are [`ConnectOptions`](crate::transport::ConnectOptions)' defaults. Not
    /// encrypted: prefer [`connect_tls`](Self::connect_tls) or
    /// [`connect_starttls`](Self::connect_starttls) beyond loopback.
    ///
    /// ```no_run
    /// use imap4::blocking::Client;
    /// let mut client = Client::connect(("127.0.0.1", 10143))?;
    /// client.allow_plaintext_login(true); // loopback test server
    /// client.login("alice", "alicepw")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "IMAP4")]
    pub fn connect(addr: impl ToSocketAddrs) -> Result<Self> {
        let opts = crate::transport::ConnectOptions::default();
        let s = crate::transport::tcp_connect_any(addr, &opts)?;
        let t = crate::transport::Transport::from_tcp(s);
        Client::from_stream_with(t, false, Timeouts::from_connect_options(&opts))
    }

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
        Client::from_stream_with(t, false, Timeouts::from_connect_options(opts))
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
        Client::from_stream_with(t, true, Timeouts::from_connect_options(opts))
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
        let mut client = Client::from_stream_with(t, false, Timeouts::from_connect_options(opts))?;
        client.starttls(host, tls)?;
        Ok(client)
    }

    /// `STARTTLS` (imaplib's `starttls`): upgrades this plain TCP connection to TLS,
    /// verifying the certificate for `host` (or the config's server name).
    ///
    /// Requires a plain TCP transport ([`Error::Unsupported`](crate::Error::Unsupported)
    /// otherwise), the not-authenticated state (a `PREAUTH` greeting fails with
    /// [`Error::State`](crate::Error::State): continuing would mean talking in clear) and
    /// the `STARTTLS` capability (asked with `CAPABILITY` when the greeting did not list
    /// it; missing, [`Error::Capability`](crate::Error::Capability)), all checked before
    /// anything is sent. A handshake that fails after the server's OK leaves the session
    /// unusable. After the server's OK, any bytes that
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
        let t = self.inner.io_ref().get_ref();
        let refusal = if t.is_tls() {
            Some("STARTTLS: TLS is already established")
        } else if t.tcp_stream().is_none() {
            Some("STARTTLS needs a plain TCP transport")
        } else {
            None
        };
        block_on(self.inner.starttls_command(refusal))?;
        // The server now expects a handshake: if it fails, the session cannot go on.
        if let Err(e) = self.inner.io_mut().get_mut().start_tls(host, tls) {
            return Err(self.inner.mark(crate::Abort::Io(e).into()));
        }
        self.inner.set_secure(true);
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
        Client::from_stream_with(t, secure, Timeouts::from_connect_options(opts))
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
        self.inner.io_ref().get_ref()
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
        self.inner.io_mut().get_mut()
    }

    /// Closes the connection without `LOGOUT` (imaplib's `shutdown()`); see
    /// [`Transport::shutdown`](crate::transport::Transport::shutdown) for what each transport
    /// does. Later commands fail with [`Error::Abort`](crate::Error::Abort).
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
        self.inner.io_mut().get_mut().shutdown()?;
        Ok(())
    }
}
