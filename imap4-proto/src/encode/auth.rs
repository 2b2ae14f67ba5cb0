//! LOGIN, AUTHENTICATE (with SASL-IR), the SASL response lines, and PROXYAUTH.

use std::fmt;

use bytes::Bytes;

use super::{Command, CommandWriter, EncodeError};

/// `LOGIN user password` (RFC 3501 6.2.3).
///
/// The user name is an astring (atom when possible), the password always a quoted string
/// (as imaplib does) or, when it holds CR, LF, 8-bit bytes (without UTF-8) or is longer
/// than 1024 bytes, a literal: it can never end the command line. NUL is refused.
///
/// The command [is sensitive](Command::is_sensitive), and its `Debug` output hides the
/// password.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Login};
/// use imap4_proto::Tag;
///
/// let cmd = Login::new("bob", "p4ss\"word");
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 LOGIN bob \"p4ss\\\"word\"\r\n");
/// assert!(cmd.is_sensitive());
/// assert!(!format!("{cmd:?}").contains("p4ss"));
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "login")]
#[derive(Clone, PartialEq, Eq)]
pub struct Login {
    user: Bytes,
    password: Bytes,
}

impl Login {
    /// LOGIN with a user name and password (text or bytes).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Login};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Login::new("fred", "swordfish");
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 LOGIN fred \"swordfish\"\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(user: impl AsRef<[u8]>, password: impl AsRef<[u8]>) -> Login {
        Login {
            user: Bytes::copy_from_slice(user.as_ref()),
            password: Bytes::copy_from_slice(password.as_ref()),
        }
    }
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login")
            .field("user", &String::from_utf8_lossy(&self.user))
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Command for Login {
    fn name(&self) -> &'static str {
        "LOGIN"
    }
    fn is_sensitive(&self) -> bool {
        true
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.astring("user name", &self.user)?;
        w.sp();
        w.string("password", &self.password)
    }
}

/// `AUTHENTICATE mechanism [initial-response]` (RFC 3501 6.2.2, SASL-IR RFC 4959).
///
/// Only the command line: the challenge/response exchange that follows is the driver's
/// job, one [`AuthResponse`] per continuation request (decode the server's challenge with
/// [`base64_decode`]). imaplib's `login_cram_md5` is `AUTHENTICATE CRAM-MD5` followed by
/// one response computed from the challenge.
///
/// With an initial response (only when the server announces `SASL-IR`), it is sent
/// base64-encoded on the command line; an empty one is sent as `=`. The mechanism name is
/// upper-cased and must be an atom.
///
/// The command [is sensitive](Command::is_sensitive); `Debug` hides the initial response.
///
/// ```
/// use imap4_proto::encode::{Authenticate, Command, EncodeOptions};
/// use imap4_proto::Tag;
///
/// let tag = || Tag::from("a1");
/// let opts = EncodeOptions::default();
/// assert_eq!(
///     Authenticate::new("cram-md5").encode(tag(), opts)?.to_bytes(),
///     "a1 AUTHENTICATE CRAM-MD5\r\n"
/// );
/// assert_eq!(
///     Authenticate::plain("", "bob", "secret").encode(tag(), opts)?.to_bytes(),
///     "a1 AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ=\r\n"
/// );
/// assert_eq!(
///     Authenticate::new("EXTERNAL").initial_response("").encode(tag(), opts)?.to_bytes(),
///     "a1 AUTHENTICATE EXTERNAL =\r\n"
/// );
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "authenticate")]
#[doc(alias = "login_cram_md5")]
#[derive(Clone, PartialEq, Eq)]
pub struct Authenticate {
    mechanism: String,
    initial: Option<Bytes>,
}

impl Authenticate {
    /// AUTHENTICATE with a SASL mechanism (`PLAIN`, `XOAUTH2`, `SCRAM-SHA-256`, ...).
    ///
    /// ```
    /// use imap4_proto::encode::{Authenticate, Command, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let enc = Authenticate::new("xoauth2").encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 AUTHENTICATE XOAUTH2\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(mechanism: impl Into<String>) -> Authenticate {
        Authenticate {
            mechanism: mechanism.into().to_ascii_uppercase(),
            initial: None,
        }
    }

    /// `PLAIN` (RFC 4616) with its initial response `authzid NUL user NUL password`
    /// (`authzid` usually empty). Needs `SASL-IR`; without it, send
    /// [`initial`](Self::initial) as the first [`AuthResponse`] instead.
    ///
    /// ```
    /// use imap4_proto::encode::{Authenticate, Command, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Authenticate::plain("", "tim", "tanstaaftanstaaf");
    /// assert_eq!(cmd.initial(), Some(&b"\0tim\0tanstaaftanstaaf"[..]));
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn plain(authzid: &str, user: &str, password: &str) -> Authenticate {
        let mut ir = Vec::with_capacity(authzid.len() + user.len() + password.len() + 2);
        ir.extend_from_slice(authzid.as_bytes());
        ir.push(0);
        ir.extend_from_slice(user.as_bytes());
        ir.push(0);
        ir.extend_from_slice(password.as_bytes());
        Authenticate::new("PLAIN").initial_response(ir)
    }

    /// Sets the SASL-IR initial response (raw bytes; base64-encoded when sent).
    ///
    /// ```
    /// use imap4_proto::encode::{Authenticate, Command, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Authenticate::new("EXTERNAL").initial_response("fred");
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 AUTHENTICATE EXTERNAL ZnJlZA==\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn initial_response(mut self, data: impl AsRef<[u8]>) -> Authenticate {
        self.initial = Some(Bytes::copy_from_slice(data.as_ref()));
        self
    }

    /// Drops the initial response (for servers without `SASL-IR`), returning it.
    ///
    /// ```
    /// use imap4_proto::encode::{AuthResponse, Authenticate, Command, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let mut cmd = Authenticate::plain("", "bob", "secret");
    /// // No SASL-IR: send the bare command, then the response after the server's "+ ".
    /// let first = AuthResponse::new(cmd.take_initial_response().unwrap());
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 AUTHENTICATE PLAIN\r\n");
    /// assert_eq!(first.to_bytes(), "AGJvYgBzZWNyZXQ=\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn take_initial_response(&mut self) -> Option<Bytes> {
        self.initial.take()
    }

    /// The mechanism, upper-cased.
    ///
    /// ```
    /// use imap4_proto::encode::Authenticate;
    /// assert_eq!(Authenticate::new("scram-sha-256").mechanism(), "SCRAM-SHA-256");
    /// ```
    pub fn mechanism(&self) -> &str {
        &self.mechanism
    }

    /// The initial response, if any.
    ///
    /// ```
    /// use imap4_proto::encode::Authenticate;
    ///
    /// assert_eq!(Authenticate::new("EXTERNAL").initial_response("").initial(), Some(&b""[..]));
    /// assert_eq!(Authenticate::new("CRAM-MD5").initial(), None);
    /// ```
    pub fn initial(&self) -> Option<&[u8]> {
        self.initial.as_deref()
    }
}

impl fmt::Debug for Authenticate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticate")
            .field("mechanism", &self.mechanism)
            .field("initial", &self.initial.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Command for Authenticate {
    fn name(&self) -> &'static str {
        "AUTHENTICATE"
    }
    fn is_sensitive(&self) -> bool {
        true
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.atom("SASL mechanism", self.mechanism.as_bytes())?;
        if let Some(ir) = &self.initial {
            w.sp();
            if ir.is_empty() {
                w.raw(b"=");
            } else {
                w.raw(base64_encode(ir).as_bytes());
            }
        }
        Ok(())
    }
}

/// One client line of an AUTHENTICATE exchange (RFC 3501 6.2.2): a SASL response,
/// base64-encoded, or `*` to cancel.
///
/// Always [sensitive](Self::is_sensitive); `Debug` hides the data.
///
/// ```
/// use imap4_proto::encode::{base64_decode, AuthResponse};
///
/// // The server sent "+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+".
/// let b64 = b"PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+";
/// let challenge = base64_decode(b64).unwrap();
/// assert!(challenge.starts_with(b"<1896."));
/// let r = AuthResponse::new("tim b913a602c7eda7a495b4e6e7334d3890");
/// assert_eq!(r.to_bytes(), "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n");
/// assert_eq!(AuthResponse::new("").to_bytes(), "\r\n");
/// assert_eq!(AuthResponse::Cancel.to_bytes(), "*\r\n");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum AuthResponse {
    /// A response: the raw bytes (base64-encoded when sent).
    Data(Bytes),
    /// `*`: abort the exchange (the server answers with a tagged BAD).
    Cancel,
}

impl AuthResponse {
    /// A response with these raw bytes.
    ///
    /// ```
    /// use imap4_proto::encode::AuthResponse;
    /// assert_eq!(AuthResponse::new("\0bob\0secret").to_bytes(), "AGJvYgBzZWNyZXQ=\r\n");
    /// ```
    pub fn new(data: impl AsRef<[u8]>) -> AuthResponse {
        AuthResponse::Data(Bytes::copy_from_slice(data.as_ref()))
    }

    /// The cancel line, `*`.
    ///
    /// ```
    /// use imap4_proto::encode::AuthResponse;
    /// assert_eq!(AuthResponse::cancel(), AuthResponse::Cancel);
    /// assert_eq!(AuthResponse::cancel().to_bytes(), "*\r\n");
    /// ```
    pub fn cancel() -> AuthResponse {
        AuthResponse::Cancel
    }

    /// The line to send, CRLF included.
    ///
    /// ```
    /// use imap4_proto::encode::AuthResponse;
    /// assert_eq!(AuthResponse::new("fred").to_bytes(), "ZnJlZA==\r\n");
    /// ```
    pub fn to_bytes(&self) -> Bytes {
        match self {
            AuthResponse::Cancel => Bytes::from_static(b"*\r\n"),
            AuthResponse::Data(d) => {
                let mut s = base64_encode(d);
                s.push_str("\r\n");
                Bytes::from(s)
            }
        }
    }

    /// Always true: SASL responses carry credentials.
    ///
    /// ```
    /// use imap4_proto::encode::AuthResponse;
    ///
    /// let r = AuthResponse::new("hunter2");
    /// assert!(r.is_sensitive());
    /// assert!(!format!("{r:?}").contains("hunter2"));
    /// ```
    pub fn is_sensitive(&self) -> bool {
        true
    }
}

impl fmt::Debug for AuthResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthResponse::Data(_) => f.write_str("AuthResponse::Data(<redacted>)"),
            AuthResponse::Cancel => f.write_str("AuthResponse::Cancel"),
        }
    }
}

/// `PROXYAUTH user` (Cyrus; imaplib's `proxyauth`): an administrator acts as `user`.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, ProxyAuth};
/// use imap4_proto::Tag;
///
/// let enc = ProxyAuth::new("alice").encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 PROXYAUTH alice\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "proxyauth")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyAuth {
    user: Bytes,
}

impl ProxyAuth {
    /// PROXYAUTH as `user`.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, ProxyAuth};
    /// use imap4_proto::Tag;
    ///
    /// let enc = ProxyAuth::new("Bob Smith").encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 PROXYAUTH \"Bob Smith\"\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(user: impl AsRef<[u8]>) -> ProxyAuth {
        ProxyAuth {
            user: Bytes::copy_from_slice(user.as_ref()),
        }
    }
}

impl Command for ProxyAuth {
    fn name(&self) -> &'static str {
        "PROXYAUTH"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.astring("user name", &self.user)
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (RFC 4648, with padding), as SASL uses.
///
/// ```
/// use imap4_proto::encode::base64_encode;
/// assert_eq!(base64_encode(b"\0bob\0secret"), "AGJvYgBzZWNyZXQ=");
/// assert_eq!(base64_encode(b""), "");
/// ```
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sym = |shift: u32| char::from(ALPHABET[((n >> shift) & 0x3f) as usize]);
        out.push(sym(18));
        out.push(sym(12));
        out.push(if chunk.len() > 1 { sym(6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(0) } else { '=' });
    }
    out
}

/// Decodes standard base64 (a SASL challenge from a `+` continuation request).
///
/// Padding may be omitted; spaces, line breaks or any other character outside the
/// alphabet, misplaced padding and leftover bits are errors (`None`).
///
/// ```
/// use imap4_proto::encode::base64_decode;
/// assert_eq!(base64_decode(b"AGJvYgBzZWNyZXQ=").as_deref(), Some(&b"\0bob\0secret"[..]));
/// assert_eq!(base64_decode(b"AGJvYgBzZWNyZXQ").as_deref(), Some(&b"\0bob\0secret"[..]));
/// assert_eq!(base64_decode(b""), Some(Vec::new()));
/// assert_eq!(base64_decode(b"a b="), None);
/// ```
pub fn base64_decode(input: &[u8]) -> Option<Vec<u8>> {
    let data = match input.iter().position(|&c| c == b'=') {
        Some(p) => {
            let pad = &input[p..];
            if pad.len() > 2 || !pad.iter().all(|&c| c == b'=') || input.len() % 4 != 0 {
                return None;
            }
            &input[..p]
        }
        None => input,
    };
    if data.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &c in data {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if acc != 0 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::{EncodeOptions, Fragment};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn login() {
        assert_eq!(
            s(&Login::new("bob", "secret")),
            "t LOGIN bob \"secret\"\r\n"
        );
        assert_eq!(
            s(&Login::new("bob smith", "a\\b\"c")),
            "t LOGIN \"bob smith\" \"a\\\\b\\\"c\"\r\n"
        );
        assert_eq!(s(&Login::new("", "")), "t LOGIN \"\" \"\"\r\n");
        assert_eq!(s(&Login::new("a]b", "x")), "t LOGIN a]b \"x\"\r\n");
    }

    #[test]
    fn login_crlf_password_is_a_literal() {
        let cmd = Login::new("bob", "pw\r\nt2 DELETE INBOX");
        let e = enc_with(&cmd, EncodeOptions::default()).unwrap();
        assert_eq!(
            e.fragments,
            vec![
                Fragment::Line(Bytes::from_static(b"t LOGIN bob {19}\r\n")),
                Fragment::Literal {
                    data: Bytes::from_static(b"pw\r\nt2 DELETE INBOX"),
                    sync: true
                },
                Fragment::Line(Bytes::from_static(b"\r\n")),
            ]
        );
        assert!(e.has_sync_literal());
        assert_eq!(
            s_with(&cmd, PLUS),
            "t LOGIN bob {19+}\r\npw\r\nt2 DELETE INBOX\r\n"
        );
        // In the user name too.
        assert_eq!(
            s_with(&Login::new("a\nb", "x"), PLUS),
            "t LOGIN {3+}\r\na\nb \"x\"\r\n"
        );
    }

    #[test]
    fn login_8bit_and_nul() {
        assert_eq!(
            s_with(&Login::new("jörg", "pässword"), PLUS),
            "t LOGIN {5+}\r\njörg {9+}\r\npässword\r\n"
        );
        assert_eq!(
            s_with(&Login::new("jörg", "pä"), UTF8),
            "t LOGIN \"jörg\" \"pä\"\r\n"
        );
        assert_eq!(
            err(&Login::new("bob", "a\0b")),
            EncodeError::Nul { what: "password" }
        );
        assert_eq!(
            err(&Login::new("b\0b", "x")),
            EncodeError::Nul { what: "user name" }
        );
    }

    #[test]
    fn login_sensitive_and_redacted() {
        let l = Login::new("bob", "hunter2");
        assert!(l.is_sensitive());
        let d = format!("{l:?}");
        assert!(d.contains("bob") && !d.contains("hunter2"), "{d}");
        assert!(!l.uses_sequence_numbers());
    }

    #[test]
    fn authenticate() {
        assert_eq!(
            s(&Authenticate::new("xoauth2")),
            "t AUTHENTICATE XOAUTH2\r\n"
        );
        assert_eq!(
            s(&Authenticate::new("PLAIN").initial_response(b"\0u\0p")),
            "t AUTHENTICATE PLAIN AHUAcA==\r\n"
        );
        assert_eq!(
            s(&Authenticate::new("EXTERNAL").initial_response(b"")),
            "t AUTHENTICATE EXTERNAL =\r\n"
        );
        assert!(matches!(
            err(&Authenticate::new("PLAIN\r\nt2 LOGOUT")),
            EncodeError::InvalidAtom { .. }
        ));
        assert!(matches!(
            err(&Authenticate::new("")),
            EncodeError::InvalidAtom { .. }
        ));
        let mut a = Authenticate::plain("", "bob", "pw");
        assert!(a.is_sensitive());
        assert!(!format!("{a:?}").contains("AGJvYgBwdw"));
        assert_eq!(a.mechanism(), "PLAIN");
        assert_eq!(
            a.take_initial_response().as_deref(),
            Some(&b"\0bob\0pw"[..])
        );
        assert_eq!(s(&a), "t AUTHENTICATE PLAIN\r\n");
    }

    #[test]
    fn auth_response() {
        assert_eq!(
            AuthResponse::new(b"\0bob\0pw").to_bytes(),
            "AGJvYgBwdw==\r\n"
        );
        assert_eq!(AuthResponse::cancel().to_bytes(), "*\r\n");
        // CRLF in the response data is base64-encoded: it cannot end the line early.
        let line = AuthResponse::new("a\r\nb").to_bytes();
        assert_eq!(line, "YQ0KYg==\r\n");
        assert!(AuthResponse::Cancel.is_sensitive());
        assert!(!format!("{:?}", AuthResponse::new("secret")).contains("secret"));
    }

    #[test]
    fn proxyauth() {
        assert_eq!(s(&ProxyAuth::new("alice")), "t PROXYAUTH alice\r\n");
        assert_eq!(
            s_with(&ProxyAuth::new("a\r\nb"), PLUS),
            "t PROXYAUTH {4+}\r\na\r\nb\r\n"
        );
        assert!(!ProxyAuth::new("x").is_sensitive());
    }

    #[test]
    fn base64_vectors() {
        // RFC 4648 section 10.
        let v = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, enc) in v {
            assert_eq!(base64_encode(plain.as_bytes()), enc);
            assert_eq!(base64_decode(enc.as_bytes()).unwrap(), plain.as_bytes());
        }
        for bad in [
            &b"Zg="[..],
            b"Z",
            b"Zh==",
            b"Zg===",
            b"Z=g=",
            b"Zm9v\r\n",
            b"Zm9v-_",
        ] {
            assert_eq!(base64_decode(bad), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn base64_roundtrip(data in proptest::collection::vec(any::<u8>(), 0..100)) {
            let e = base64_encode(&data);
            prop_assert!(e.bytes().all(|c| c.is_ascii_alphanumeric() || b"+/=".contains(&c)));
            prop_assert_eq!(base64_decode(e.as_bytes()), Some(data.clone()));
            prop_assert_eq!(
                base64_decode(e.trim_end_matches('=').as_bytes()),
                Some(data)
            );
        }

        #[test]
        fn base64_decode_never_panics(data in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = base64_decode(&data);
        }
    }
}
