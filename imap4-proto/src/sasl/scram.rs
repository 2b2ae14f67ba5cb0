//! SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677).

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::saslprep::saslprep;
use super::{Authenticator, SaslError};
use crate::encode::{base64_decode, base64_encode};

/// The hash function of a SCRAM mechanism.
///
/// ```
/// use imap4_proto::sasl::ScramHash;
/// assert_eq!(ScramHash::Sha256.mechanism(), "SCRAM-SHA-256");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ScramHash {
    /// SHA-1: `SCRAM-SHA-1` (RFC 5802).
    Sha1,
    /// SHA-256: `SCRAM-SHA-256` (RFC 7677), the one to prefer.
    Sha256,
}

impl ScramHash {
    /// The SASL mechanism name.
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, Scram, ScramHash};
    /// assert_eq!(ScramHash::Sha1.mechanism(), "SCRAM-SHA-1");
    /// let auth = Scram::sha256("user", "pencil")?;
    /// assert_eq!(auth.hash().mechanism(), auth.mechanism());
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn mechanism(self) -> &'static str {
        match self {
            ScramHash::Sha1 => "SCRAM-SHA-1",
            ScramHash::Sha256 => "SCRAM-SHA-256",
        }
    }

    fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            ScramHash::Sha1 => Sha1::digest(data).to_vec(),
            ScramHash::Sha256 => Sha256::digest(data).to_vec(),
        }
    }

    fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        const ANY_KEY: &str = "HMAC takes keys of any length";
        match self {
            ScramHash::Sha1 => {
                let mut m = <Hmac<Sha1> as Mac>::new_from_slice(key).expect(ANY_KEY);
                m.update(data);
                m.finalize().into_bytes().to_vec()
            }
            ScramHash::Sha256 => {
                let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect(ANY_KEY);
                m.update(data);
                m.finalize().into_bytes().to_vec()
            }
        }
    }

    /// `Hi()` of RFC 5802: PBKDF2 with HMAC, one block.
    fn salted_password(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        match self {
            ScramHash::Sha1 => {
                let mut out = [0u8; 20];
                pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, iterations, &mut out);
                out.to_vec()
            }
            ScramHash::Sha256 => {
                let mut out = [0u8; 32];
                pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, &mut out);
                out.to_vec()
            }
        }
    }
}

const MIN_ITERATIONS: u32 = Scram::MIN_ITERATIONS;

#[derive(Clone)]
enum State {
    Start,
    /// client-first sent.
    First {
        client_first_bare: String,
    },
    /// client-final sent; expecting the server signature.
    Final {
        server_signature: Vec<u8>,
    },
    /// The server proved itself.
    Verified,
    /// An error ended the exchange.
    Failed,
}

/// `SCRAM-SHA-1` / `SCRAM-SHA-256` (RFC 5802, RFC 7677): a salted challenge/response
/// where the password never travels and the server proves it knows it too.
///
/// The user name and password are prepared with [`saslprep`](fn@crate::sasl::saslprep) (NFKC is
/// not applied, see there). The client nonce is 24 random bytes (base64) from a generator
/// seeded by the standard library's per-process random keys ([`RandomState`]), or the
/// caller's own with [`with_nonce`](Self::with_nonce). No channel binding (the `n` GS2
/// flag; the `-PLUS` variants are not supported).
///
/// Checks made on the server's messages: the nonce must extend the client nonce, the
/// iteration count must be in 4096..=[max](Self::with_max_iterations), a mandatory
/// extension (`m=`) is refused, `e=` becomes [`SaslError::Server`], and the server
/// signature must match — in [`step`](Authenticator::step) when it comes as the last
/// challenge (the answer is then empty), in [`finish`](Authenticator::finish) otherwise;
/// `finish(None)` without it is [`SaslError::MissingServerSignature`].
///
/// ```
/// use imap4_proto::sasl::{Authenticator, Scram};
///
/// // RFC 5802 section 5.
/// let mut auth = Scram::sha1("user", "pencil")?.with_nonce("fyko+d2lbbFgONRv9qkxdawL")?;
/// assert_eq!(auth.initial_response().unwrap(), b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
/// let r = auth.step(b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")?;
/// assert_eq!(
///     r,
///     b"c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
/// );
/// assert_eq!(auth.step(b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")?, b"");
/// auth.finish(None)?;
/// assert!(!format!("{auth:?}").contains("pencil"));
/// # Ok::<(), imap4_proto::sasl::SaslError>(())
/// ```
#[derive(Clone)]
pub struct Scram {
    hash: ScramHash,
    /// The authzid, as a saslname (escaped).
    authzid: String,
    /// The prepared user name, as a saslname (escaped).
    user: String,
    /// The prepared password.
    password: String,
    nonce: String,
    max_iterations: u32,
    state: State,
}

impl Scram {
    /// The smallest iteration count accepted (RFC 7677 section 4: at least 4096).
    ///
    /// ```
    /// assert_eq!(imap4_proto::sasl::Scram::MIN_ITERATIONS, 4096);
    /// ```
    pub const MIN_ITERATIONS: u32 = 4096;

    /// The largest iteration count accepted unless [changed](Self::with_max_iterations):
    /// a hostile server cannot make the client compute for more than about a second.
    ///
    /// ```
    /// use imap4_proto::sasl::Scram;
    /// assert!(Scram::DEFAULT_MAX_ITERATIONS >= 100_000);
    /// ```
    pub const DEFAULT_MAX_ITERATIONS: u32 = 1_000_000;

    /// SCRAM with `hash`, as `user` with `password`. Fails when SASLprep refuses either.
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, Scram, ScramHash};
    /// let auth = Scram::new(ScramHash::Sha256, "user", "pencil")?;
    /// assert_eq!(auth.mechanism(), "SCRAM-SHA-256");
    /// // SASLprep refuses control characters.
    /// assert!(Scram::new(ScramHash::Sha256, "user", "pen\u{7}cil").is_err());
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn new(hash: ScramHash, user: &str, password: &str) -> Result<Scram, SaslError> {
        Ok(Scram {
            hash,
            authzid: String::new(),
            user: saslname(&saslprep(user, "user name")?),
            password: saslprep(password, "password")?,
            nonce: random_nonce(),
            max_iterations: Scram::DEFAULT_MAX_ITERATIONS,
            state: State::Start,
        })
    }

    /// `SCRAM-SHA-1`.
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, Scram};
    /// let auth = Scram::sha1("user", "pencil")?;
    /// assert_eq!(auth.mechanism(), "SCRAM-SHA-1");
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn sha1(user: &str, password: &str) -> Result<Scram, SaslError> {
        Scram::new(ScramHash::Sha1, user, password)
    }

    /// `SCRAM-SHA-256`.
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, Scram};
    /// let mut auth = Scram::sha256("user", "pencil")?;
    /// assert_eq!(auth.mechanism(), "SCRAM-SHA-256");
    /// // The client-first message: no channel binding, the user name, a random nonce.
    /// assert!(auth.initial_response().unwrap().starts_with(b"n,,n=user,r="));
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn sha256(user: &str, password: &str) -> Result<Scram, SaslError> {
        Scram::new(ScramHash::Sha256, user, password)
    }

    /// Uses this client nonce instead of a random one (tests, or a caller's own random
    /// source). It must be printable ASCII without `,` and not empty.
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, Scram};
    /// let mut auth = Scram::sha256("user", "pencil")?.with_nonce("rOprNGfwEbeRWgbNEkqO")?;
    /// assert_eq!(auth.initial_response().unwrap(), b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    /// assert!(Scram::sha256("user", "pencil")?.with_nonce("a,b").is_err());
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn with_nonce(mut self, nonce: &str) -> Result<Scram, SaslError> {
        if nonce.is_empty() || !nonce.bytes().all(is_printable) {
            return Err(SaslError::InvalidInput {
                what: "SCRAM nonce",
                reason: "must be printable ASCII without ','",
            });
        }
        self.nonce = nonce.to_string();
        Ok(self)
    }

    /// Acts as `authzid` (the authorization identity, sent in the GS2 header).
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, Scram};
    /// let mut auth = Scram::sha256("admin", "pencil")?.with_authzid("alice")?.with_nonce("abc")?;
    /// assert_eq!(auth.initial_response().unwrap(), b"n,a=alice,n=admin,r=abc");
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn with_authzid(mut self, authzid: &str) -> Result<Scram, SaslError> {
        self.authzid = saslname(&saslprep(authzid, "authorization identity")?);
        Ok(self)
    }

    /// The largest iteration count to accept from the server (default
    /// [`DEFAULT_MAX_ITERATIONS`](Self::DEFAULT_MAX_ITERATIONS); never below 4096).
    ///
    /// ```
    /// use imap4_proto::sasl::{Authenticator, Scram};
    /// let auth = Scram::sha256("user", "pencil")?.with_nonce("abc")?;
    /// let mut auth = auth.with_max_iterations(10_000);
    /// auth.initial_response();
    /// // A server asking for more iterations than allowed is refused.
    /// assert!(auth.step(b"r=abcdef,s=QSXCR+Q6sek8bf92,i=20000").is_err());
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn with_max_iterations(mut self, max: u32) -> Scram {
        self.max_iterations = max.max(MIN_ITERATIONS);
        self
    }

    /// The hash function.
    ///
    /// ```
    /// use imap4_proto::sasl::{Scram, ScramHash};
    /// assert_eq!(Scram::sha1("user", "pencil")?.hash(), ScramHash::Sha1);
    /// # Ok::<(), imap4_proto::sasl::SaslError>(())
    /// ```
    pub fn hash(&self) -> ScramHash {
        self.hash
    }

    fn name(&self) -> &'static str {
        self.hash.mechanism()
    }

    fn gs2_header(&self) -> String {
        if self.authzid.is_empty() {
            "n,,".to_string()
        } else {
            format!("n,a={},", self.authzid)
        }
    }

    fn client_first(&mut self) -> Vec<u8> {
        let bare = format!("n={},r={}", self.user, self.nonce);
        let msg = format!("{}{bare}", self.gs2_header());
        self.state = State::First {
            client_first_bare: bare,
        };
        msg.into_bytes()
    }

    fn malformed(&self, reason: &'static str) -> SaslError {
        SaslError::Malformed {
            mechanism: self.name(),
            reason,
        }
    }

    /// Answers server-first with client-final.
    fn client_final(
        &self,
        client_first_bare: &str,
        server_first: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), SaslError> {
        let text = std::str::from_utf8(server_first).map_err(|_| self.malformed("not UTF-8"))?;
        if let Some(message) = text.strip_prefix("e=") {
            return Err(SaslError::Server {
                mechanism: self.name(),
                message: message.to_string(),
            });
        }
        let mut attrs = text.split(',');
        let mut next = |key: &str, what: &'static str| -> Result<&str, SaslError> {
            match attrs.next() {
                Some(a) if a.starts_with('m') && a.as_bytes().get(1) == Some(&b'=') => {
                    Err(self.malformed("the server requires an unsupported extension (m=)"))
                }
                Some(a) if a.len() >= 2 && a.starts_with(key) && a.as_bytes()[1] == b'=' => {
                    Ok(&a[2..])
                }
                _ => Err(self.malformed(what)),
            }
        };
        let nonce = next("r", "server-first lacks the nonce (r=)")?;
        let salt = next("s", "server-first lacks the salt (s=)")?;
        let iterations = next("i", "server-first lacks the iteration count (i=)")?;
        // Further attributes are extensions, ignored (RFC 5802 5.1).

        if !nonce.bytes().all(is_printable) {
            return Err(self.malformed("the nonce holds characters outside printable ASCII"));
        }
        if !nonce.starts_with(&self.nonce) {
            return Err(SaslError::NonceMismatch {
                mechanism: self.name(),
            });
        }
        let salt = base64_decode(salt.as_bytes())
            .ok_or_else(|| self.malformed("the salt is not base64"))?;
        if salt.is_empty() {
            return Err(self.malformed("the salt is empty"));
        }
        if iterations.is_empty() || !iterations.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.malformed("the iteration count is not a number"));
        }
        let count = iterations.parse::<u32>().unwrap_or(u32::MAX);
        if !(MIN_ITERATIONS..=self.max_iterations).contains(&count) {
            return Err(SaslError::IterationCount {
                mechanism: self.name(),
                count,
                min: MIN_ITERATIONS,
                max: self.max_iterations,
            });
        }

        let h = self.hash;
        let without_proof = format!(
            "c={},r={nonce}",
            base64_encode(self.gs2_header().as_bytes())
        );
        let auth_message = format!("{client_first_bare},{text},{without_proof}");
        let salted = h.salted_password(self.password.as_bytes(), &salt, count);
        let client_key = h.hmac(&salted, b"Client Key");
        let stored_key = h.hash(&client_key);
        let client_signature = h.hmac(&stored_key, auth_message.as_bytes());
        let proof: Vec<u8> = client_key
            .iter()
            .zip(&client_signature)
            .map(|(k, s)| k ^ s)
            .collect();
        let server_key = h.hmac(&salted, b"Server Key");
        let server_signature = h.hmac(&server_key, auth_message.as_bytes());
        let msg = format!("{without_proof},p={}", base64_encode(&proof));
        Ok((msg.into_bytes(), server_signature))
    }

    /// Checks server-final against the expected signature.
    fn verify(&self, server_final: &[u8], expected: &[u8]) -> Result<(), SaslError> {
        let text = std::str::from_utf8(server_final).map_err(|_| self.malformed("not UTF-8"))?;
        let first = text.split(',').next().unwrap_or("");
        if let Some(e) = first.strip_prefix("e=") {
            return Err(SaslError::Server {
                mechanism: self.name(),
                message: e.to_string(),
            });
        }
        let Some(v) = first.strip_prefix("v=") else {
            return Err(self.malformed("server-final lacks the signature (v=)"));
        };
        let got = base64_decode(v.as_bytes())
            .ok_or_else(|| self.malformed("the signature is not base64"))?;
        if !constant_time_eq(&got, expected) {
            return Err(SaslError::ServerSignature {
                mechanism: self.name(),
            });
        }
        Ok(())
    }
}

impl fmt::Debug for Scram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Start => "start",
            State::First { .. } => "client-first sent",
            State::Final { .. } => "client-final sent",
            State::Verified => "verified",
            State::Failed => "failed",
        };
        f.debug_struct("Scram")
            .field("mechanism", &self.name())
            .field("authzid", &self.authzid)
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("state", &state)
            .finish()
    }
}

impl Authenticator for Scram {
    fn mechanism(&self) -> &str {
        self.name()
    }

    fn initial_response(&mut self) -> Option<Vec<u8>> {
        matches!(self.state, State::Start).then(|| self.client_first())
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        match std::mem::replace(&mut self.state, State::Failed) {
            // Without SASL-IR: the server's empty challenge asks for client-first.
            State::Start => Ok(self.client_first()),
            State::First { client_first_bare } => {
                let (msg, server_signature) = self.client_final(&client_first_bare, challenge)?;
                self.state = State::Final { server_signature };
                Ok(msg)
            }
            State::Final { server_signature } => {
                self.verify(challenge, &server_signature)?;
                self.state = State::Verified;
                Ok(Vec::new())
            }
            State::Verified | State::Failed => Err(SaslError::UnexpectedChallenge {
                mechanism: self.name(),
            }),
        }
    }

    fn finish(&mut self, final_data: Option<&[u8]>) -> Result<(), SaslError> {
        match (&self.state, final_data) {
            (State::Verified, _) => Ok(()),
            (State::Final { server_signature }, Some(data)) => {
                let expected = server_signature.clone();
                self.state = State::Failed;
                self.verify(data, &expected)?;
                self.state = State::Verified;
                Ok(())
            }
            _ => Err(SaslError::MissingServerSignature {
                mechanism: self.name(),
            }),
        }
    }
}

/// `printable` of RFC 5802: %x21-2B / %x2D-7E.
fn is_printable(b: u8) -> bool {
    matches!(b, 0x21..=0x2b | 0x2d..=0x7e)
}

/// `saslname` of RFC 5802: `=` and `,` escaped.
fn saslname(s: &str) -> String {
    s.replace('=', "=3D").replace(',', "=2C")
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 24 unpredictable bytes, base64 (32 characters, none of them `,`).
///
/// Each [`RandomState`] is keyed from the operating system's randomness (once per thread,
/// then stepped per instance); SipHash keyed that way, over a counter and the clock,
/// gives output nobody without the keys can predict.
fn random_nonce() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut bytes = Vec::with_capacity(24);
    for i in 0u64..3 {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(i);
        h.write_u128(now);
        bytes.extend_from_slice(&h.finish().to_le_bytes());
    }
    base64_encode(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA1_FIRST: &[u8] =
        b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";

    fn rfc5802() -> Scram {
        Scram::sha1("user", "pencil")
            .unwrap()
            .with_nonce("fyko+d2lbbFgONRv9qkxdawL")
            .unwrap()
    }

    #[test]
    fn rfc5802_sha1_example() {
        let mut a = rfc5802();
        assert_eq!(a.mechanism(), "SCRAM-SHA-1");
        assert_eq!(
            a.initial_response().unwrap(),
            b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"
        );
        assert_eq!(a.initial_response(), None);
        assert_eq!(
            a.step(SHA1_FIRST).unwrap(),
            &b"c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
                [..]
        );
        assert_eq!(a.step(b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=").unwrap(), b"");
        a.finish(None).unwrap();
        assert!(matches!(
            a.step(b""),
            Err(SaslError::UnexpectedChallenge { .. })
        ));
    }

    #[test]
    fn rfc7677_sha256_example() {
        let mut a = Scram::sha256("user", "pencil")
            .unwrap()
            .with_nonce("rOprNGfwEbeRWgbNEkqO")
            .unwrap();
        assert_eq!(a.mechanism(), "SCRAM-SHA-256");
        // Without SASL-IR: the empty first challenge gets client-first.
        assert_eq!(a.step(b"").unwrap(), b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        assert_eq!(
            a.step(b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
                .unwrap(),
            &b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
               p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="[..]
        );
        // The signature as additional data with the OK instead of a last challenge.
        a.finish(Some(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))
            .unwrap();
        a.finish(None).unwrap();
    }

    #[test]
    fn bad_server_signature() {
        let mut a = rfc5802();
        a.initial_response();
        a.step(SHA1_FIRST).unwrap();
        assert_eq!(
            a.step(b"v=AAF9pqV8S7suAoZWja4dJRkFsKQ="),
            Err(SaslError::ServerSignature {
                mechanism: "SCRAM-SHA-1"
            })
        );
        // Not verified: the OK alone proves nothing.
        assert!(matches!(
            a.finish(None),
            Err(SaslError::MissingServerSignature { .. })
        ));

        let mut a = rfc5802();
        a.initial_response();
        a.step(SHA1_FIRST).unwrap();
        assert!(matches!(
            a.finish(Some(b"v=AAF9pqV8S7suAoZWja4dJRkFsKQ=")),
            Err(SaslError::ServerSignature { .. })
        ));
        assert!(a.finish(Some(b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")).is_err());

        // The OK came before any signature.
        let mut a = rfc5802();
        a.initial_response();
        a.step(SHA1_FIRST).unwrap();
        assert!(matches!(
            a.finish(None),
            Err(SaslError::MissingServerSignature { .. })
        ));
    }

    #[test]
    fn server_errors() {
        let mut a = rfc5802();
        a.initial_response();
        a.step(SHA1_FIRST).unwrap();
        assert_eq!(
            a.step(b"e=invalid-proof"),
            Err(SaslError::Server {
                mechanism: "SCRAM-SHA-1",
                message: "invalid-proof".into()
            })
        );
        let mut a = rfc5802();
        a.initial_response();
        assert!(matches!(
            a.step(b"e=other-error"),
            Err(SaslError::Server { .. })
        ));
    }

    #[test]
    fn malformed_server_first() {
        type Check = fn(&SaslError) -> bool;
        let cases: &[(&[u8], Check)] = &[
            (b"", |e| matches!(e, SaslError::Malformed { .. })),
            (b"garbage", |e| matches!(e, SaslError::Malformed { .. })),
            (
                b"s=QSXCR+Q6sek8bf92,r=fyko+d2lbbFgONRv9qkxdawL3rfc,i=4096",
                |e| matches!(e, SaslError::Malformed { .. }),
            ),
            (b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92", |e| {
                matches!(e, SaslError::Malformed { .. })
            }),
            (b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=!!!,i=4096", |e| {
                matches!(e, SaslError::Malformed { .. })
            }),
            (b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=,i=4096", |e| {
                matches!(e, SaslError::Malformed { .. })
            }),
            (
                b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=-1",
                |e| matches!(e, SaslError::Malformed { .. }),
            ),
            (
                b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=",
                |e| matches!(e, SaslError::Malformed { .. }),
            ),
            (
                b"m=ext,r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=4096",
                |e| matches!(e, SaslError::Malformed { .. }),
            ),
            (
                b"r=fyko+d2lbbFgONRv9qkxdawL3rf\xff,s=QSXCR+Q6sek8bf92,i=4096",
                |e| matches!(e, SaslError::Malformed { .. }),
            ),
            (b"r=someone-elses-nonce,s=QSXCR+Q6sek8bf92,i=4096", |e| {
                matches!(e, SaslError::NonceMismatch { .. })
            }),
            (b"r=fyko+d2lbbFgONRv9qkxd,s=QSXCR+Q6sek8bf92,i=4096", |e| {
                matches!(e, SaslError::NonceMismatch { .. })
            }),
            (
                b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=4095",
                |e| matches!(e, SaslError::IterationCount { count: 4095, .. }),
            ),
            (
                b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=1",
                |e| matches!(e, SaslError::IterationCount { .. }),
            ),
            (
                b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=99999999999999999999",
                |e| matches!(e, SaslError::IterationCount { .. }),
            ),
            (
                b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=1000001",
                |e| matches!(e, SaslError::IterationCount { max: 1_000_000, .. }),
            ),
        ];
        for (msg, check) in cases {
            let mut a = rfc5802();
            a.initial_response();
            let e = a.step(msg).unwrap_err();
            assert!(check(&e), "{:?}: {e:?}", String::from_utf8_lossy(msg));
            // The exchange is over after an error.
            assert!(a.step(SHA1_FIRST).is_err());
        }
        // Extensions after i= are ignored.
        let mut a = rfc5802();
        a.initial_response();
        let mut first = SHA1_FIRST.to_vec();
        first.extend_from_slice(b",x=whatever");
        assert!(a.step(&first).is_ok());
        // A configurable ceiling.
        let mut a = rfc5802().with_max_iterations(5000);
        a.initial_response();
        assert!(matches!(
            a.step(b"r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=5001"),
            Err(SaslError::IterationCount { max: 5000, .. })
        ));
    }

    #[test]
    fn malformed_server_final() {
        for bad in [&b""[..], b"x=1", b"v=!!", b"v=", b"\xff"] {
            let mut a = rfc5802();
            a.initial_response();
            a.step(SHA1_FIRST).unwrap();
            assert!(a.step(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn user_names_are_prepared_and_escaped() {
        let mut a = Scram::sha256("a=b,c\u{ad}", "pw")
            .unwrap()
            .with_nonce("abc")
            .unwrap()
            .with_authzid("ad,min")
            .unwrap();
        assert_eq!(
            a.initial_response().unwrap(),
            b"n,a=ad=2Cmin,n=a=3Db=2Cc,r=abc"
        );
        assert_eq!(a.hash(), ScramHash::Sha256);
        assert!(matches!(
            Scram::sha1("u", "p\u{7}w"),
            Err(SaslError::Prohibited { what: "password" })
        ));
        assert!(Scram::sha1("u\0", "pw").is_err());
        for bad in ["", "a,b", "caf\u{e9}", "a b"] {
            assert!(rfc5802().with_nonce(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn gs2_header_with_authzid_goes_into_the_channel_binding() {
        let mut a = rfc5802().with_authzid("admin").unwrap();
        assert_eq!(
            a.initial_response().unwrap(),
            b"n,a=admin,n=user,r=fyko+d2lbbFgONRv9qkxdawL"
        );
        let r = a.step(SHA1_FIRST).unwrap();
        let c = base64_encode(b"n,a=admin,");
        assert!(r.starts_with(format!("c={c},").as_bytes()));
    }

    #[test]
    fn random_nonces_differ_and_are_valid() {
        let a = Scram::sha256("u", "p").unwrap();
        let b = Scram::sha256("u", "p").unwrap();
        assert_ne!(a.nonce, b.nonce);
        assert_eq!(a.nonce.len(), 32);
        assert!(a.nonce.bytes().all(is_printable));
    }

    #[test]
    fn debug_hides_the_password() {
        let mut a = rfc5802();
        a.initial_response();
        a.step(SHA1_FIRST).unwrap();
        let d = format!("{a:?}");
        assert!(!d.contains("pencil") && d.contains("user"), "{d}");
    }
}
