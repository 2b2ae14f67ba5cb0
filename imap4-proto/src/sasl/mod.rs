//! SASL client mechanisms for AUTHENTICATE (sans-IO).
//!
//! An [`Authenticator`] (imaplib's `authobject`) turns the server's decoded challenges into
//! raw responses. It never touches the wire and knows nothing of base64: the driver decodes
//! each `+` continuation with [`base64_decode`] and sends the
//! response with [`base64_encode`] and
//! [`Connection::send_line`](crate::Connection::send_line). [`authenticate_command`] and
//! [`respond`] do that glue.
//!
//! | mechanism | type | specification |
//! | --- | --- | --- |
//! | `PLAIN` | [`Plain`] | RFC 4616 |
//! | `LOGIN` | [`Login`] | draft-murchison-sasl-login |
//! | `CRAM-MD5` | [`CramMd5`] | RFC 2195 |
//! | `SCRAM-SHA-1`, `SCRAM-SHA-256` | [`Scram`] | RFC 5802, RFC 7677 |
//! | `XOAUTH2` | [`XOAuth2`] | Google's XOAUTH2 |
//! | `OAUTHBEARER` | [`OAuthBearer`] | RFC 7628 |
//!
//! The driver's part, for every mechanism:
//!
//! 1. send [`Authenticate`] for
//!    [`mechanism()`](Authenticator::mechanism), with
//!    [`initial_response()`](Authenticator::initial_response) when the server announces
//!    `SASL-IR` (RFC 4959) and the mechanism has one;
//! 2. answer every continuation request with [`step`](Authenticator::step) (without SASL-IR,
//!    the first challenge of a client-first mechanism is empty and `step` returns the
//!    initial response); on an error, send the cancel line `*`;
//! 3. on the tagged OK, call [`finish`](Authenticator::finish): SCRAM checks there that the
//!    server proved it knows the password. A tagged NO means the credentials were refused.
//!
//! Credentials never appear in `Debug` output.
//!
//! ```
//! use imap4_proto::sasl::{self, Authenticator, Scram};
//! use imap4_proto::{ConnEvent, ConnState, Connection};
//!
//! // The RFC 7677 example, through the connection state machine.
//! let mut auth = Scram::sha256("user", "pencil")?.with_nonce("rOprNGfwEbeRWgbNEkqO")?;
//! let mut conn = Connection::new();
//! conn.feed(b"* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=SCRAM-SHA-256] hi\r\n");
//! while conn.poll_event()?.is_some() {}
//!
//! let sasl_ir = conn.has_capability("SASL-IR");
//! let tag = conn.send(&sasl::authenticate_command(&mut auth, sasl_ir))?;
//! assert_eq!(
//!     conn.take_transmit().unwrap(),
//!     format!("{tag} AUTHENTICATE SCRAM-SHA-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=\r\n")
//! );
//! conn.feed(b"+ cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcy\
//!             MlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=\r\n");
//! conn.feed(b"+ dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==\r\n");
//! conn.feed(format!("{tag} OK done\r\n").as_bytes());
//! while let Some(ev) = conn.poll_event()? {
//!     match ev {
//!         ConnEvent::Continue { request, .. } => {
//!             let line = sasl::respond(&mut auth, &request.text)?;
//!             conn.send_line(line.as_bytes());
//!         }
//!         ConnEvent::Done { status, .. } => {
//!             assert_eq!(status.kind, imap4_proto::StatusKind::Ok);
//!             auth.finish(None)?; // the server signature was verified
//!         }
//!         _ => {}
//!     }
//! }
//! assert_eq!(conn.state(), ConnState::Authenticated);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::encode::{base64_decode, base64_encode, Authenticate};

mod oauth;
mod plain;
mod saslprep;
mod scram;

pub use oauth::{OAuthBearer, XOAuth2};
pub use plain::{CramMd5, Login, Plain};
pub use saslprep::saslprep;
pub use scram::{Scram, ScramHash};

/// A SASL client mechanism (imaplib's `authobject`): decoded challenges in, raw responses
/// out. See the [module docs](self) for the driver's part.
///
/// The trait is object safe: a driver can take `&mut dyn Authenticator`.
///
/// ```
/// use imap4_proto::sasl::{Authenticator, Plain};
///
/// let mut auth: Box<dyn Authenticator> = Box::new(Plain::new("bob", "secret")?);
/// assert_eq!(auth.mechanism(), "PLAIN");
/// // Without SASL-IR the server starts with an empty challenge.
/// assert_eq!(auth.step(b"")?, b"\0bob\0secret");
/// auth.finish(None)?;
/// # Ok::<(), imap4_proto::sasl::SaslError>(())
/// ```
#[doc(alias = "authobject")]
pub trait Authenticator {
    /// The mechanism name for AUTHENTICATE (`"SCRAM-SHA-256"`).
    fn mechanism(&self) -> &str;

    /// The initial response for SASL-IR (RFC 4959), for mechanisms where the client speaks
    /// first; `None` for server-first mechanisms (LOGIN, CRAM-MD5) and once the exchange
    /// has started. Call it at most once, before any [`step`](Self::step), and only when
    /// the server announces `SASL-IR`; otherwise the first `step` (on the server's empty
    /// challenge) produces it.
    fn initial_response(&mut self) -> Option<Vec<u8>>;

    /// Answers one server challenge (already base64-decoded) with the raw response.
    ///
    /// An error means the exchange cannot go on (malformed challenge, server impostor,
    /// a challenge after the exchange completed): cancel it with `*`.
    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, SaslError>;

    /// Checks the outcome once the server said OK. `final_data` is SASL "additional data
    /// with success" when the server sent any (e.g. decoded from the tagged OK's
    /// response code); IMAP servers usually send it as a last challenge instead, which
    /// [`step`](Self::step) has checked already.
    ///
    /// For SCRAM this is where a server that never proved it knows the password is
    /// caught; the other mechanisms have nothing to verify.
    fn finish(&mut self, final_data: Option<&[u8]>) -> Result<(), SaslError>;
}

impl<A: Authenticator + ?Sized> Authenticator for &mut A {
    fn mechanism(&self) -> &str {
        (**self).mechanism()
    }
    fn initial_response(&mut self) -> Option<Vec<u8>> {
        (**self).initial_response()
    }
    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        (**self).step(challenge)
    }
    fn finish(&mut self, final_data: Option<&[u8]>) -> Result<(), SaslError> {
        (**self).finish(final_data)
    }
}

impl<A: Authenticator + ?Sized> Authenticator for Box<A> {
    fn mechanism(&self) -> &str {
        (**self).mechanism()
    }
    fn initial_response(&mut self) -> Option<Vec<u8>> {
        (**self).initial_response()
    }
    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        (**self).step(challenge)
    }
    fn finish(&mut self, final_data: Option<&[u8]>) -> Result<(), SaslError> {
        (**self).finish(final_data)
    }
}

/// Why a SASL exchange failed on the client side.
///
/// No variant carries a credential.
///
/// ```
/// use imap4_proto::sasl::{Authenticator, CramMd5, SaslError};
///
/// let mut auth = CramMd5::new("tim", "tanstaaftanstaaf");
/// assert!(matches!(auth.step(b""), Err(SaslError::Malformed { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SaslError {
    /// The server sent a challenge although the mechanism has nothing more to say.
    #[error("{mechanism}: unexpected challenge, the exchange is already complete")]
    UnexpectedChallenge {
        /// The mechanism.
        mechanism: &'static str,
    },
    /// A server message does not follow the mechanism's syntax.
    #[error("{mechanism}: malformed server message: {reason}")]
    Malformed {
        /// The mechanism.
        mechanism: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The server reported an error inside the exchange: SCRAM's `e=` attribute, or the
    /// JSON status of XOAUTH2/OAUTHBEARER.
    #[error("{mechanism}: server error: {message}")]
    Server {
        /// The mechanism.
        mechanism: &'static str,
        /// The server's text (lossily decoded).
        message: String,
    },
    /// SCRAM: the server's signature is wrong, so it does not know the password: an
    /// impostor, or a corrupted exchange.
    #[error(
        "{mechanism}: wrong server signature (the server could not prove it knows the password)"
    )]
    ServerSignature {
        /// The mechanism.
        mechanism: &'static str,
    },
    /// SCRAM: the exchange ended without the server's signature.
    #[error("{mechanism}: the server never sent its signature")]
    MissingServerSignature {
        /// The mechanism.
        mechanism: &'static str,
    },
    /// SCRAM: the server nonce does not extend the client nonce.
    #[error("{mechanism}: the server nonce does not start with the client nonce")]
    NonceMismatch {
        /// The mechanism.
        mechanism: &'static str,
    },
    /// SCRAM: the iteration count is too low to be safe or too high to compute.
    #[error("{mechanism}: iteration count {count} outside {min}..={max}")]
    IterationCount {
        /// The mechanism.
        mechanism: &'static str,
        /// The server's count.
        count: u32,
        /// The smallest accepted count (4096, RFC 7677).
        min: u32,
        /// The largest accepted count.
        max: u32,
    },
    /// A credential or parameter holds a character SASLprep (RFC 4013) prohibits.
    #[error("{what} contains a character prohibited by SASLprep (RFC 4013)")]
    Prohibited {
        /// Which input (`"password"`, `"user name"`, ...).
        what: &'static str,
    },
    /// A credential or parameter cannot be expressed in the mechanism (a NUL byte in a
    /// PLAIN password, a comma in a SCRAM nonce, ...).
    #[error("{what} is invalid: {reason}")]
    InvalidInput {
        /// Which input.
        what: &'static str,
        /// Why.
        reason: &'static str,
    },
}

/// The AUTHENTICATE command for `auth`, with its initial response when `sasl_ir` is true
/// (the server announces `SASL-IR`) and the mechanism speaks first.
///
/// ```
/// use imap4_proto::sasl::{authenticate_command, CramMd5, Plain};
///
/// let cmd = authenticate_command(&mut Plain::new("bob", "pw")?, true);
/// assert_eq!(cmd.initial(), Some(&b"\0bob\0pw"[..]));
/// let cmd = authenticate_command(&mut Plain::new("bob", "pw")?, false);
/// assert_eq!(cmd.initial(), None);
/// let cmd = authenticate_command(&mut CramMd5::new("bob", "pw"), true);
/// assert_eq!((cmd.mechanism(), cmd.initial()), ("CRAM-MD5", None));
/// # Ok::<(), imap4_proto::sasl::SaslError>(())
/// ```
pub fn authenticate_command<A: Authenticator + ?Sized>(
    auth: &mut A,
    sasl_ir: bool,
) -> Authenticate {
    let cmd = Authenticate::new(auth.mechanism());
    match sasl_ir.then(|| auth.initial_response()).flatten() {
        Some(ir) => cmd.initial_response(ir),
        None => cmd,
    }
}

/// Answers one continuation request: decodes the base64 `challenge` (the text after `+ `),
/// [steps](Authenticator::step) `auth`, and returns the base64 line for
/// [`Connection::send_line`](crate::Connection::send_line) (without CRLF).
///
/// ```
/// use imap4_proto::sasl::{respond, CramMd5};
///
/// let mut auth = CramMd5::new("tim", "tanstaaftanstaaf");
/// let line = respond(&mut auth, b"PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+")?;
/// assert_eq!(line, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
/// # Ok::<(), imap4_proto::sasl::SaslError>(())
/// ```
pub fn respond<A: Authenticator + ?Sized>(
    auth: &mut A,
    challenge: &[u8],
) -> Result<String, SaslError> {
    let decoded = base64_decode(challenge).ok_or_else(|| SaslError::Malformed {
        mechanism: static_name(auth.mechanism()),
        reason: "the challenge is not base64",
    })?;
    Ok(base64_encode(&auth.step(&decoded)?))
}

/// The known mechanism names as `'static` (for errors about a `dyn Authenticator`).
fn static_name(m: &str) -> &'static str {
    const KNOWN: [&str; 7] = [
        "PLAIN",
        "LOGIN",
        "CRAM-MD5",
        "SCRAM-SHA-1",
        "SCRAM-SHA-256",
        "XOAUTH2",
        "OAUTHBEARER",
    ];
    KNOWN
        .iter()
        .find(|k| k.eq_ignore_ascii_case(m))
        .copied()
        .unwrap_or("SASL")
}

/// Where a client-first mechanism is in its exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Nothing sent yet.
    Start,
    /// The initial response went out.
    Sent,
    /// The server reported an error (OAuth) and got the dummy response.
    Failed,
}

#[cfg(test)]
mod tests;
