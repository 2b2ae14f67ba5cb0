//! Authentication: AUTHENTICATE with any SASL mechanism (SASL-IR when the server offers
//! it), the per-mechanism conveniences, and PROXYAUTH. `LOGIN` itself is in the core
//! ([`Client::login`]). The commands are [`Session`](crate::Session)'s, run to completion.

use imap4_proto::sasl::Authenticator;

use super::{Client, Stream};
use crate::error::Result;
use crate::session::block_on;

impl<S: Stream> Client<S> {
    /// Whether AUTHENTICATE sends the first SASL response on the command line (SASL-IR,
    /// RFC 4959) when the server announces `SASL-IR`. On by default; turn it off for
    /// servers that announce SASL-IR and then reject the inline form (the response then
    /// follows the server's first, empty challenge, which every server accepts).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::sasl::Plain;
    /// client.set_sasl_ir(false);
    /// client.authenticate(&mut Plain::new("alice", "secret")?)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_sasl_ir(&mut self, yes: bool) {
        self.inner.set_sasl_ir(yes)
    }

    /// `AUTHENTICATE` with a SASL mechanism (imaplib's `authenticate(mechanism,
    /// authobject)`): any [`Authenticator`] from [`imap4::proto::sasl`](imap4_proto::sasl)
    /// (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1/256, XOAUTH2, OAUTHBEARER) or your own.
    ///
    /// - Refused with [`Error::PlaintextLogin`](crate::Error::PlaintextLogin) over a
    ///   connection without TLS unless
    ///   [`allow_plaintext_login`](Self::allow_plaintext_login) is set.
    /// - The first response goes on the command line when the server announces `SASL-IR`
    ///   (see [`set_sasl_ir`](Self::set_sasl_ir)).
    /// - Refused credentials are [`Error::No`](crate::Error::No) (usually with
    ///   `[AUTHENTICATIONFAILED]`); the connection stays usable for another attempt.
    /// - If the mechanism cannot answer a challenge (malformed, or a SCRAM server error or
    ///   wrong signature), the exchange is cancelled with `*` and the result is
    ///   [`Error::Bad`](crate::Error::Bad) (or [`Error::No`](crate::Error::No)) whose text
    ///   starts with the SASL error.
    /// - A server that says OK without proving it knows the password (SCRAM's server
    ///   signature missing or wrong) is an error too, and the connection is marked
    ///   unusable ([`Error::Abort`](crate::Error::Abort)): it is not the server you meant
    ///   to talk to.
    ///
    /// Credentials never appear in traces or error messages. After success the
    /// capabilities are those the server announces for the logged-in state
    /// ([`capabilities`](Self::capabilities) asks again if it did not send them).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::sasl::Scram;
    /// client.authenticate(&mut Scram::sha256("alice", "secret")?)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn authenticate(&mut self, mech: &mut dyn Authenticator) -> Result<()> {
        block_on(self.inner.authenticate(mech))
    }

    /// `AUTHENTICATE PLAIN` (RFC 4616) with a user name and password.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.login_plain("alice", "secret")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn login_plain(&mut self, user: &str, password: &str) -> Result<()> {
        block_on(self.inner.login_plain(user, password))
    }

    /// `AUTHENTICATE CRAM-MD5` (RFC 2195): the password itself is never sent.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.login_cram_md5("alice", "secret")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn login_cram_md5(&mut self, user: &str, password: &str) -> Result<()> {
        block_on(self.inner.login_cram_md5(user, password))
    }

    /// `AUTHENTICATE SCRAM-SHA-256` (RFC 7677), or `SCRAM-SHA-1` (RFC 5802) when the
    /// server offers only that: the password is never sent, and the server must prove it
    /// knows it (else [`Error::Abort`](crate::Error::Abort)).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.login_scram("alice", "secret")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn login_scram(&mut self, user: &str, password: &str) -> Result<()> {
        block_on(self.inner.login_scram(user, password))
    }

    /// `AUTHENTICATE XOAUTH2` with an OAuth 2.0 access token (Gmail, Outlook).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// # let token = "ya29...";
    /// client.login_xoauth2("alice@example.com", token)?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn login_xoauth2(&mut self, user: &str, token: &str) -> Result<()> {
        block_on(self.inner.login_xoauth2(user, token))
    }

    /// `AUTHENTICATE OAUTHBEARER` (RFC 7628) with an OAuth 2.0 bearer token. For the
    /// optional host and port fields, build an
    /// [`OAuthBearer`](imap4_proto::sasl::OAuthBearer) and call
    /// [`authenticate`](Self::authenticate).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// # let token = "eyJ...";
    /// client.login_oauthbearer("alice@example.com", token)?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn login_oauthbearer(&mut self, user: &str, token: &str) -> Result<()> {
        block_on(self.inner.login_oauthbearer(user, token))
    }

    /// `PROXYAUTH user` (Cyrus; imaplib's `proxyauth`): an administrator, already logged
    /// in, continues the session as `user`. Servers without it answer
    /// [`Error::Bad`](crate::Error::Bad).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.login("admin", "secret")?;
    /// client.proxy_auth("alice")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "proxyauth")]
    pub fn proxy_auth(&mut self, user: &str) -> Result<()> {
        block_on(self.inner.proxy_auth(user))
    }
}
