//! XOAUTH2 and OAUTHBEARER (RFC 7628): OAuth 2.0 bearer tokens.

use std::fmt;

use super::{Authenticator, SaslError, Stage};

/// Refuses control characters (they would break the `^A`-separated message).
fn check_text(what: &'static str, s: &str) -> Result<(), SaslError> {
    if s.chars().any(char::is_control) {
        return Err(SaslError::InvalidInput {
            what,
            reason: "control characters are not allowed",
        });
    }
    Ok(())
}

/// Handles the one challenge an OAuth mechanism can get after its initial response: the
/// server's JSON error status. Remembers it and returns the dummy response.
fn error_challenge(
    mechanism: &'static str,
    stage: &mut Stage,
    error: &mut Option<String>,
    challenge: &[u8],
    dummy: &[u8],
) -> Result<Vec<u8>, SaslError> {
    match stage {
        Stage::Sent => {
            *stage = Stage::Failed;
            *error = Some(String::from_utf8_lossy(challenge).into_owned());
            Ok(dummy.to_vec())
        }
        _ => Err(SaslError::UnexpectedChallenge { mechanism }),
    }
}

fn error_result(mechanism: &'static str, error: &Option<String>) -> Result<(), SaslError> {
    match error {
        Some(message) => Err(SaslError::Server {
            mechanism,
            message: message.clone(),
        }),
        None => Ok(()),
    }
}

/// `XOAUTH2` (Google, Microsoft): `user=USER ^A auth=Bearer TOKEN ^A ^A`, client first.
///
/// When the token is refused, the server sends a JSON status as a challenge; the answer
/// is an empty response, the server then says NO, and the JSON text is kept in
/// [`server_error`](Self::server_error) (it tells e.g. the scope that is missing).
///
/// ```
/// use imap4_proto::sasl::{Authenticator, XOAuth2};
///
/// let mut auth = XOAuth2::new("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")?;
/// assert_eq!(
///     auth.initial_response().unwrap(),
///     b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
/// );
/// assert!(!format!("{auth:?}").contains("ya29"));
///
/// // Refused: the JSON status comes as a challenge, the answer is empty.
/// assert_eq!(auth.step(br#"{"status":"401","schemes":"bearer"}"#)?, b"");
/// assert_eq!(auth.server_error(), Some(r#"{"status":"401","schemes":"bearer"}"#));
/// # Ok::<(), imap4_proto::sasl::SaslError>(())
/// ```
#[derive(Clone)]
pub struct XOAuth2 {
    user: String,
    token: String,
    stage: Stage,
    error: Option<String>,
}

impl XOAuth2 {
    /// XOAUTH2 as `user` with an OAuth 2.0 access token. Control characters are refused.
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, XOAuth2};
    /// let mut auth = XOAuth2::new("alice@example.com", "ya29.token")?;
    /// assert_eq!(auth.mechanism(), "XOAUTH2");
    /// let ir = auth.initial_response().unwrap();
    /// assert_eq!(ir, b"user=alice@example.com\x01auth=Bearer ya29.token\x01\x01");
    /// assert!(XOAuth2::new("alice@example.com", "bad\ntoken").is_err());
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn new(user: &str, token: &str) -> Result<XOAuth2, SaslError> {
        check_text("user name", user)?;
        check_text("token", token)?;
        Ok(XOAuth2 {
            user: user.to_string(),
            token: token.to_string(),
            stage: Stage::Start,
            error: None,
        })
    }

    /// The server's error status (JSON text), when it refused the token.
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, XOAuth2};
    /// let mut auth = XOAuth2::new("alice@example.com", "expired")?;
    /// auth.initial_response();
    /// assert_eq!(auth.server_error(), None);
    /// auth.step(br#"{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}"#)?;
    /// assert!(auth.server_error().unwrap().contains("\"400\""));
    /// assert!(auth.finish(None).is_err());
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn server_error(&self) -> Option<&str> {
        self.error.as_deref()
    }
}

impl fmt::Debug for XOAuth2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XOAuth2")
            .field("user", &self.user)
            .field("token", &"<redacted>")
            .field("server_error", &self.error)
            .finish()
    }
}

impl Authenticator for XOAuth2 {
    fn mechanism(&self) -> &str {
        "XOAUTH2"
    }

    fn initial_response(&mut self) -> Option<Vec<u8>> {
        (self.stage == Stage::Start).then(|| {
            self.stage = Stage::Sent;
            format!("user={}\x01auth=Bearer {}\x01\x01", self.user, self.token).into_bytes()
        })
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        if let Some(ir) = self.initial_response() {
            return Ok(ir);
        }
        error_challenge("XOAUTH2", &mut self.stage, &mut self.error, challenge, b"")
    }

    fn finish(&mut self, _final_data: Option<&[u8]>) -> Result<(), SaslError> {
        error_result("XOAUTH2", &self.error)
    }
}

/// `OAUTHBEARER` (RFC 7628): a GS2 header naming the user (authzid), then `host`, `port`
/// and `auth=Bearer TOKEN`, `^A`-separated; client first.
///
/// When the token is refused, the server sends a JSON status as a challenge; the answer
/// is a single `^A`, the server then says NO, and the JSON text is kept in
/// [`server_error`](Self::server_error). No channel binding (`n` GS2 flag).
///
/// ```
/// use imap4_proto::sasl::{Authenticator, OAuthBearer};
///
/// // RFC 7628 section 4.1.
/// let mut auth = OAuthBearer::new("user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==")?
///     .with_host("server.example.com")?
///     .with_port(143);
/// assert_eq!(
///     auth.initial_response().unwrap(),
///     &b"n,a=user@example.com,\x01host=server.example.com\x01port=143\x01\
///        auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"[..]
/// );
/// assert!(!format!("{auth:?}").contains("vF9dft"));
///
/// let err = br#"{"status":"invalid_token","scope":"example_scope"}"#;
/// assert_eq!(auth.step(err)?, b"\x01");
/// assert!(auth.server_error().unwrap().contains("invalid_token"));
/// # Ok::<(), imap4_proto::sasl::SaslError>(())
/// ```
#[derive(Clone)]
pub struct OAuthBearer {
    authzid: String,
    host: Option<String>,
    port: Option<u16>,
    token: String,
    stage: Stage,
    error: Option<String>,
}

impl OAuthBearer {
    /// OAUTHBEARER as `user` (sent as the authzid; an empty one is left out) with an OAuth
    /// 2.0 bearer token. Control characters are refused.
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, OAuthBearer};
    /// let mut auth = OAuthBearer::new("alice@example.com", "tok")?;
    /// assert_eq!(auth.mechanism(), "OAUTHBEARER");
    /// let ir = auth.initial_response().unwrap();
    /// assert_eq!(ir, b"n,a=alice@example.com,\x01auth=Bearer tok\x01\x01");
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn new(user: &str, token: &str) -> Result<OAuthBearer, SaslError> {
        check_text("user name", user)?;
        check_text("token", token)?;
        Ok(OAuthBearer {
            authzid: user.to_string(),
            host: None,
            port: None,
            token: token.to_string(),
            stage: Stage::Start,
            error: None,
        })
    }

    /// Adds the `host` the client connected to (RFC 7628 recommends it).
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, OAuthBearer};
    /// let mut auth = OAuthBearer::new("", "tok")?.with_host("imap.example.com")?;
    /// let ir = auth.initial_response().unwrap();
    /// assert_eq!(ir, b"n,,\x01host=imap.example.com\x01auth=Bearer tok\x01\x01");
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn with_host(mut self, host: &str) -> Result<OAuthBearer, SaslError> {
        check_text("host", host)?;
        self.host = Some(host.to_string());
        Ok(self)
    }

    /// Adds the `port` the client connected to.
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, OAuthBearer};
    /// let mut auth = OAuthBearer::new("", "tok")?.with_port(993);
    /// assert_eq!(auth.initial_response().unwrap(), b"n,,\x01port=993\x01auth=Bearer tok\x01\x01");
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn with_port(mut self, port: u16) -> OAuthBearer {
        self.port = Some(port);
        self
    }

    /// The server's error status (JSON text), when it refused the token.
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, OAuthBearer};
    /// let mut auth = OAuthBearer::new("alice@example.com", "expired")?;
    /// auth.initial_response();
    /// assert_eq!(auth.step(br#"{"status":"invalid_token"}"#)?, b"\x01");
    /// assert_eq!(auth.server_error(), Some(r#"{"status":"invalid_token"}"#));
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn server_error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    fn message(&self) -> Vec<u8> {
        let mut m = String::from("n,");
        if !self.authzid.is_empty() {
            // GS2 saslname (RFC 5801): ',' and '=' are escaped.
            m.push_str("a=");
            m.push_str(&self.authzid.replace('=', "=3D").replace(',', "=2C"));
        }
        m.push_str(",\x01");
        if let Some(h) = &self.host {
            m.push_str(&format!("host={h}\x01"));
        }
        if let Some(p) = self.port {
            m.push_str(&format!("port={p}\x01"));
        }
        m.push_str(&format!("auth=Bearer {}\x01\x01", self.token));
        m.into_bytes()
    }
}

impl fmt::Debug for OAuthBearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthBearer")
            .field("authzid", &self.authzid)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("token", &"<redacted>")
            .field("server_error", &self.error)
            .finish()
    }
}

impl Authenticator for OAuthBearer {
    fn mechanism(&self) -> &str {
        "OAUTHBEARER"
    }

    fn initial_response(&mut self) -> Option<Vec<u8>> {
        (self.stage == Stage::Start).then(|| {
            self.stage = Stage::Sent;
            self.message()
        })
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        if let Some(ir) = self.initial_response() {
            return Ok(ir);
        }
        error_challenge(
            "OAUTHBEARER",
            &mut self.stage,
            &mut self.error,
            challenge,
            b"\x01",
        )
    }

    fn finish(&mut self, _final_data: Option<&[u8]>) -> Result<(), SaslError> {
        error_result("OAUTHBEARER", &self.error)
    }
}
