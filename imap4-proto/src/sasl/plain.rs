//! PLAIN, LOGIN and CRAM-MD5: the password-based mechanisms without a server proof.

use std::fmt;

use hmac::{Hmac, Mac};
use md5::Md5;

use super::{Authenticator, SaslError, Stage};

/// `PLAIN` (RFC 4616): `authzid NUL user NUL password` in one message, client first.
///
/// The password travels in clear text (base64 is no protection): use it only over TLS.
/// The strings are sent as given (UTF-8); the server applies SASLprep.
///
/// ```
/// use imap4_proto::sasl::{Authenticator, Plain};
///
/// let mut auth = Plain::new("tim", "tanstaaftanstaaf")?;
/// assert_eq!(auth.initial_response().unwrap(), b"\0tim\0tanstaaftanstaaf");
/// assert!(!format!("{auth:?}").contains("tanstaaf"));
///
/// // Acting as another user (the authorization identity):
/// let mut auth = Plain::with_authzid("Ursel", "Kurt", "xipj3plmq")?;
/// assert_eq!(auth.step(b"")?, b"Ursel\0Kurt\0xipj3plmq");
/// # Ok::<(), imap4_proto::sasl::SaslError>(())
/// ```
#[derive(Clone)]
pub struct Plain {
    authzid: String,
    user: String,
    password: String,
    stage: Stage,
}

impl Plain {
    /// Authenticates and acts as `user`. A NUL character in either string is refused.
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, Plain};
    /// let mut auth = Plain::new("alice", "s3cr3t")?;
    /// assert_eq!(auth.mechanism(), "PLAIN");
    /// assert_eq!(auth.initial_response().unwrap(), b"\0alice\0s3cr3t");
    /// assert!(Plain::new("alice", "pass\0word").is_err());
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn new(user: &str, password: &str) -> Result<Plain, SaslError> {
        Plain::with_authzid("", user, password)
    }

    /// Authenticates as `user` and acts as `authzid` (empty: as `user`).
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, Plain};
    /// // An administrator reading alice's mailbox (a Dovecot master user, for instance).
    /// let mut auth = Plain::with_authzid("alice", "admin", "adminpass")?;
    /// assert_eq!(auth.initial_response().unwrap(), b"alice\0admin\0adminpass");
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn with_authzid(authzid: &str, user: &str, password: &str) -> Result<Plain, SaslError> {
        for (what, s) in [
            ("authorization identity", authzid),
            ("user name", user),
            ("password", password),
        ] {
            if s.contains('\0') {
                return Err(SaslError::InvalidInput {
                    what,
                    reason: "PLAIN cannot carry a NUL character",
                });
            }
        }
        Ok(Plain {
            authzid: authzid.to_string(),
            user: user.to_string(),
            password: password.to_string(),
            stage: Stage::Start,
        })
    }

    fn message(&self) -> Vec<u8> {
        let mut m =
            Vec::with_capacity(self.authzid.len() + self.user.len() + self.password.len() + 2);
        m.extend_from_slice(self.authzid.as_bytes());
        m.push(0);
        m.extend_from_slice(self.user.as_bytes());
        m.push(0);
        m.extend_from_slice(self.password.as_bytes());
        m
    }
}

impl fmt::Debug for Plain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plain")
            .field("authzid", &self.authzid)
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Authenticator for Plain {
    fn mechanism(&self) -> &str {
        "PLAIN"
    }

    fn initial_response(&mut self) -> Option<Vec<u8>> {
        (self.stage == Stage::Start).then(|| {
            self.stage = Stage::Sent;
            self.message()
        })
    }

    fn step(&mut self, _challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        // RFC 4616: the server's first challenge is empty; its content is irrelevant.
        self.initial_response()
            .ok_or(SaslError::UnexpectedChallenge { mechanism: "PLAIN" })
    }

    fn finish(&mut self, _final_data: Option<&[u8]>) -> Result<(), SaslError> {
        Ok(())
    }
}

/// `LOGIN` (draft-murchison-sasl-login): the server asks for the user name, then the
/// password; the challenge texts (`Username:`, `Password:`) are ignored. Server first, so
/// there is no initial response.
///
/// The password travels in clear text: use it only over TLS.
///
/// ```
/// use imap4_proto::sasl::{Authenticator, Login};
///
/// let mut auth = Login::new("tim", "tanstaaftanstaaf");
/// assert_eq!(auth.initial_response(), None);
/// assert_eq!(auth.step(b"User Name\0")?, b"tim");
/// assert_eq!(auth.step(b"Password\0")?, b"tanstaaftanstaaf");
/// assert!(auth.step(b"").is_err());
/// assert!(!format!("{auth:?}").contains("tanstaaf"));
/// # Ok::<(), imap4_proto::sasl::SaslError>(())
/// ```
#[derive(Clone)]
pub struct Login {
    user: String,
    password: String,
    answered: u8,
}

impl Login {
    /// LOGIN as `user` with `password`.
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, Login};
    /// let mut auth = Login::new("alice", "s3cr3t");
    /// assert_eq!(auth.mechanism(), "LOGIN");
    /// assert_eq!(auth.step(b"Username:")?, b"alice");
    /// assert_eq!(auth.step(b"Password:")?, b"s3cr3t");
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn new(user: &str, password: &str) -> Login {
        Login {
            user: user.to_string(),
            password: password.to_string(),
            answered: 0,
        }
    }
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Authenticator for Login {
    fn mechanism(&self) -> &str {
        "LOGIN"
    }

    fn initial_response(&mut self) -> Option<Vec<u8>> {
        None
    }

    fn step(&mut self, _challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        let r = match self.answered {
            0 => self.user.as_bytes().to_vec(),
            1 => self.password.as_bytes().to_vec(),
            _ => return Err(SaslError::UnexpectedChallenge { mechanism: "LOGIN" }),
        };
        self.answered += 1;
        Ok(r)
    }

    fn finish(&mut self, _final_data: Option<&[u8]>) -> Result<(), SaslError> {
        Ok(())
    }
}

/// `CRAM-MD5` (RFC 2195; imaplib's `login_cram_md5`): answers the server's challenge with
/// `user SP hex(HMAC-MD5(password, challenge))`.
///
/// The password is not sent, but a recorded exchange allows an offline dictionary attack
/// and the server must store the password in the clear; prefer SCRAM.
///
/// ```
/// use imap4_proto::sasl::{Authenticator, CramMd5};
///
/// // RFC 2195 section 2.
/// let mut auth = CramMd5::new("tim", "tanstaaftanstaaf");
/// assert_eq!(auth.initial_response(), None);
/// let r = auth.step(b"<1896.697170952@postoffice.reston.mci.net>")?;
/// assert_eq!(r, b"tim b913a602c7eda7a495b4e6e7334d3890");
/// # Ok::<(), imap4_proto::sasl::SaslError>(())
/// ```
#[doc(alias = "login_cram_md5")]
#[derive(Clone)]
pub struct CramMd5 {
    user: String,
    password: String,
    answered: bool,
}

impl CramMd5 {
    /// CRAM-MD5 as `user` with `password`.
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, CramMd5};
    /// let mut auth = CramMd5::new("tim", "tanstaaftanstaaf");
    /// assert_eq!(auth.mechanism(), "CRAM-MD5");
    /// let r = auth.step(b"<1896.697170952@postoffice.reston.mci.net>")?;
    /// assert!(r.starts_with(b"tim "));
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn new(user: &str, password: &str) -> CramMd5 {
        CramMd5 {
            user: user.to_string(),
            password: password.to_string(),
            answered: false,
        }
    }
}

impl fmt::Debug for CramMd5 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CramMd5")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Authenticator for CramMd5 {
    fn mechanism(&self) -> &str {
        "CRAM-MD5"
    }

    fn initial_response(&mut self) -> Option<Vec<u8>> {
        None
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        if self.answered {
            return Err(SaslError::UnexpectedChallenge {
                mechanism: "CRAM-MD5",
            });
        }
        if challenge.is_empty() {
            return Err(SaslError::Malformed {
                mechanism: "CRAM-MD5",
                reason: "empty challenge",
            });
        }
        self.answered = true;
        let mut mac = <Hmac<Md5> as Mac>::new_from_slice(self.password.as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(challenge);
        let digest = mac.finalize().into_bytes();
        let mut r = Vec::with_capacity(self.user.len() + 1 + 32);
        r.extend_from_slice(self.user.as_bytes());
        r.push(b' ');
        for b in digest {
            r.extend_from_slice(format!("{b:02x}").as_bytes());
        }
        Ok(r)
    }

    fn finish(&mut self, _final_data: Option<&[u8]>) -> Result<(), SaslError> {
        Ok(())
    }
}
