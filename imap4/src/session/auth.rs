//! Authentication: AUTHENTICATE with any SASL mechanism (SASL-IR when the server offers
//! it), the per-mechanism conveniences, and PROXYAUTH. `LOGIN` itself is in the core
//! ([`Session::login`]).

use imap4_proto::encode;
use imap4_proto::sasl::{
    self, Authenticator, CramMd5, OAuthBearer, Plain, SaslError, Scram, XOAuth2,
};
use imap4_proto::{Data, StatusKind};

use super::{Io, Session, Step, Unsolicited};
use crate::error::{Abort, Error, Result};

/// A mechanism that cannot even be built from the credentials (SASLprep forbids a
/// character, a NUL in a PLAIN password, ...): nothing was sent.
fn bad_input(e: SaslError) -> Error {
    Error::Sasl(e)
}

impl<T: Io> Session<T> {
    /// Whether AUTHENTICATE sends the first SASL response on the command line (SASL-IR,
    /// RFC 4959) when the server announces `SASL-IR`. On by default; turn it off for
    /// servers that announce SASL-IR and then reject the inline form (the response then
    /// follows the server's first, empty challenge, which every server accepts).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::sasl::Plain;
    /// client.set_sasl_ir(false);
    /// client.authenticate(&mut Plain::new("alice", "secret")?).await?;
    /// # Ok(()) }
    /// ```
    pub fn set_sasl_ir(&mut self, yes: bool) {
        self.sasl_ir = yes;
    }

    /// `AUTHENTICATE` with a SASL mechanism (imaplib's `authenticate(mechanism,
    /// authobject)`): any [`Authenticator`] from [`imap4::proto::sasl`](imap4_proto::sasl)
    /// (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1/256, XOAUTH2, OAUTHBEARER) or your own, also
    /// as a `&mut dyn Authenticator`.
    ///
    /// - Refused with [`Error::PlaintextLogin`] over a connection without TLS unless
    ///   [`allow_plaintext_login`](Self::allow_plaintext_login) is set.
    /// - The first response goes on the command line when the server announces `SASL-IR`
    ///   (see [`set_sasl_ir`](Self::set_sasl_ir)).
    /// - Refused credentials are [`Error::No`] (usually with `[AUTHENTICATIONFAILED]`);
    ///   the connection stays usable for another attempt.
    /// - If the mechanism cannot answer a challenge (malformed, or a SCRAM server error or
    ///   wrong signature), the exchange is cancelled with `*` and the result is
    ///   [`Error::Bad`] (or [`Error::No`]) whose text starts with the SASL error.
    /// - A server that says OK without proving it knows the password (SCRAM's server
    ///   signature missing or wrong) is an error too, and the connection is marked
    ///   unusable ([`Error::Abort`]): it is not the server you meant to talk to.
    ///
    /// Credentials never appear in traces or error messages. After success the
    /// capabilities are those the server announces for the logged-in state
    /// ([`capabilities`](Self::capabilities) asks again if it did not send them).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::sasl::Scram;
    /// client.authenticate(&mut Scram::sha256("alice", "secret")?).await?;
    /// # Ok(()) }
    /// ```
    pub async fn authenticate<A: Authenticator + ?Sized>(&mut self, mech: &mut A) -> Result<()> {
        if !self.secure && !self.allow_plaintext {
            return Err(Error::PlaintextLogin);
        }
        let sasl_ir = self.sasl_ir && self.has_capability("SASL-IR").await?;
        let cmd = sasl::authenticate_command(mech, sasl_ir);
        let name = encode::Command::name(&cmd);
        let tag = self.start(&cmd).await?;
        // The client-side failure that made us cancel the exchange, if any.
        let mut failed: Option<SaslError> = None;
        loop {
            match self.step(&tag, name).await? {
                Step::Continue(req) => {
                    if failed.is_some() {
                        // Already cancelled; a server that asks again gets `*` again.
                        self.conn.send_line(b"*");
                        continue;
                    }
                    match sasl::respond(mech, &req.text) {
                        Ok(line) => self.conn.send_line(line.as_bytes()),
                        Err(e) => {
                            tracing::debug!(target: "imap4", "AUTHENTICATE cancelled: {e}");
                            failed = Some(e);
                            self.conn.send_line(b"*");
                        }
                    }
                }
                // The capabilities of the new state are applied by the connection itself.
                Step::Data(Data::Capability(_)) => {}
                Step::Data(d) => self.unsolicited.push_back(Unsolicited::Data(d)),
                Step::Unparsed(m) => self.unsolicited.push_back(Unsolicited::Malformed(m)),
                Step::LiteralStart(_) | Step::LiteralChunk(_) | Step::LiteralEnd => {}
                Step::Done(status) => {
                    if let Some(e) = failed {
                        let text = format!(
                            "{e}; exchange cancelled by the client (server: {})",
                            status.text_str()
                        );
                        return Err(match status.kind {
                            StatusKind::No => Error::No {
                                command: name,
                                text,
                                code: status.code,
                            },
                            StatusKind::Ok => {
                                // The server let us in although we gave up on it (e.g. its
                                // SCRAM signature was wrong): not a session to use.
                                self.mark(Abort::ServerAuthentication(e).into())
                            }
                            _ => Error::Bad {
                                command: name,
                                text,
                                code: status.code,
                            },
                        });
                    }
                    self.completion(name, status)?;
                    if let Err(e) = mech.finish(None) {
                        return Err(self.mark(Abort::ServerAuthentication(e).into()));
                    }
                    return Ok(());
                }
            }
        }
    }

    /// `AUTHENTICATE PLAIN` (RFC 4616) with a user name and password.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.login_plain("alice", "secret").await?;
    /// # Ok(()) }
    /// ```
    pub async fn login_plain(&mut self, user: &str, password: &str) -> Result<()> {
        let mut m = Plain::new(user, password).map_err(bad_input)?;
        self.authenticate(&mut m).await
    }

    /// `AUTHENTICATE CRAM-MD5` (RFC 2195): the password itself is never sent.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.login_cram_md5("alice", "secret").await?;
    /// # Ok(()) }
    /// ```
    pub async fn login_cram_md5(&mut self, user: &str, password: &str) -> Result<()> {
        self.authenticate(&mut CramMd5::new(user, password)).await
    }

    /// `AUTHENTICATE SCRAM-SHA-256` (RFC 7677), or `SCRAM-SHA-1` (RFC 5802) when the
    /// server offers only that: the password is never sent, and the server must prove it
    /// knows it (else [`Error::Abort`]).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.login_scram("alice", "secret").await?;
    /// # Ok(()) }
    /// ```
    pub async fn login_scram(&mut self, user: &str, password: &str) -> Result<()> {
        let sha1_only = !self.has_capability("AUTH=SCRAM-SHA-256").await?
            && self.has_capability("AUTH=SCRAM-SHA-1").await?;
        let mut m = if sha1_only {
            Scram::sha1(user, password)
        } else {
            Scram::sha256(user, password)
        }
        .map_err(bad_input)?;
        self.authenticate(&mut m).await
    }

    /// `AUTHENTICATE XOAUTH2` with an OAuth 2.0 access token (Gmail, Outlook).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// # let token = "ya29...";
    /// client.login_xoauth2("alice@example.com", token).await?;
    /// # Ok(()) }
    /// ```
    pub async fn login_xoauth2(&mut self, user: &str, token: &str) -> Result<()> {
        let mut m = XOAuth2::new(user, token).map_err(bad_input)?;
        self.authenticate(&mut m).await
    }

    /// `AUTHENTICATE OAUTHBEARER` (RFC 7628) with an OAuth 2.0 bearer token. For the
    /// optional host and port fields, build an [`OAuthBearer`] and call
    /// [`authenticate`](Self::authenticate).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// # let token = "eyJ...";
    /// client.login_oauthbearer("alice@example.com", token).await?;
    /// # Ok(()) }
    /// ```
    pub async fn login_oauthbearer(&mut self, user: &str, token: &str) -> Result<()> {
        let mut m = OAuthBearer::new(user, token).map_err(bad_input)?;
        self.authenticate(&mut m).await
    }

    /// `PROXYAUTH user` (Cyrus; imaplib's `proxyauth`): an administrator, already logged
    /// in, continues the session as `user`. Servers without it answer [`Error::Bad`].
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.login("admin", "secret").await?;
    /// client.proxy_auth("alice").await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "proxyauth")]
    pub async fn proxy_auth(&mut self, user: &str) -> Result<()> {
        self.run(&encode::ProxyAuth::new(user)).await?;
        Ok(())
    }
}
