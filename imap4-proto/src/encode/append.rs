//! APPEND (RFC 3501 6.3.11), with MULTIAPPEND (RFC 3502), CATENATE (RFC 4469), BINARY
//! literal8 (RFC 3516) and the UTF8 data item (RFC 6855).

use bytes::{Bytes, BytesMut};

use crate::date::InternalDate;
use crate::types::Flag;

use super::{Command, CommandWriter, EncodeError};

/// One part of a CATENATE message (RFC 4469).
///
/// Given to [`AppendMessage::catenate`]; needs the server's `CATENATE` capability.
///
/// ```
/// use imap4_proto::encode::{Append, AppendMessage, CatenatePart, Command, EncodeOptions};
/// use imap4_proto::Tag;
///
/// let msg = AppendMessage::catenate([
///     CatenatePart::Text("Subject: Fwd: report\r\n\r\n".into()),
///     CatenatePart::Url("/INBOX;UIDVALIDITY=385759045/;UID=20".into()),
/// ]);
/// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
/// let enc = Append::new("Drafts", msg).encode(Tag::from("a1"), plus)?;
/// assert_eq!(
///     enc.to_bytes(),
///     "a1 APPEND Drafts CATENATE (TEXT {24+}\r\nSubject: Fwd: report\r\n\r\n \
///      URL /INBOX;UIDVALIDITY=385759045/;UID=20)\r\n"
/// );
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatenatePart {
    /// `TEXT literal`: bytes sent by the client (a `literal8` if they hold NUL and the
    /// server has BINARY).
    Text(Bytes),
    /// `URL url`: an IMAP URL (RFC 5092) naming a message or part on the server.
    Url(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Data {
    Literal { data: Bytes, binary: bool },
    Utf8(Bytes),
    Catenate(Vec<CatenatePart>),
}

/// One message of an APPEND: flags, internal date, and the data.
///
/// ```
/// use imap4_proto::encode::{Append, AppendMessage, Command, EncodeOptions};
/// use imap4_proto::{Flag, Tag};
///
/// let m = AppendMessage::new("Subject: hi\r\n\r\nhello\r\n").flags([Flag::Seen]);
/// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
/// let enc = Append::multi("Sent", [m]).encode(Tag::from("a1"), plus)?;
/// let expected = "a1 APPEND Sent (\\Seen) {22+}\r\nSubject: hi\r\n\r\nhello\r\n\r\n";
/// assert_eq!(enc.to_bytes(), expected);
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendMessage {
    flags: Vec<Flag>,
    date: Option<InternalDate>,
    data: Data,
}

impl AppendMessage {
    /// A message sent as a literal (no copy of `data` is made). Line endings are sent as
    /// given; see [`normalize_line_endings`].
    ///
    /// ```
    /// use imap4_proto::encode::{Append, AppendMessage, Command, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let msg = AppendMessage::new("Subject: hi\r\n\r\nhello\r\n");
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let enc = Append::multi("INBOX", [msg]).encode(Tag::from("a1"), plus)?;
    /// assert_eq!(enc.to_bytes(), "a1 APPEND INBOX {22+}\r\nSubject: hi\r\n\r\nhello\r\n\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(data: impl Into<Bytes>) -> AppendMessage {
        AppendMessage {
            flags: Vec::new(),
            date: None,
            data: Data::Literal {
                data: data.into(),
                binary: false,
            },
        }
    }

    /// A message assembled by the server from parts (RFC 4469 CATENATE); at least one part.
    ///
    /// ```
    /// use imap4_proto::encode::{Append, AppendMessage, CatenatePart, Command, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let url = CatenatePart::Url("/INBOX;UIDVALIDITY=9/;UID=4".into());
    /// let msg = AppendMessage::catenate([url]);
    /// let enc = Append::new("Sent", msg).encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 APPEND Sent CATENATE (URL /INBOX;UIDVALIDITY=9/;UID=4)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn catenate(parts: impl IntoIterator<Item = CatenatePart>) -> AppendMessage {
        AppendMessage {
            flags: Vec::new(),
            date: None,
            data: Data::Catenate(parts.into_iter().collect()),
        }
    }

    /// The flags to set (`\Recent` and `\*` are refused when encoded).
    ///
    /// ```
    /// use imap4_proto::encode::{Append, AppendMessage, Command, EncodeOptions};
    /// use imap4_proto::{Flag, Tag};
    ///
    /// let msg = AppendMessage::new("x").flags([Flag::Seen, Flag::keyword("$NotJunk")]);
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let enc = Append::multi("INBOX", [msg]).encode(Tag::from("a1"), plus)?;
    /// assert_eq!(enc.to_bytes(), "a1 APPEND INBOX (\\Seen $NotJunk) {1+}\r\nx\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn flags(mut self, flags: impl IntoIterator<Item = Flag>) -> AppendMessage {
        self.flags = flags.into_iter().collect();
        self
    }

    /// The internal date (imaplib's `date_time`).
    ///
    /// ```
    /// use imap4_proto::encode::{Append, AppendMessage, Command, EncodeOptions};
    /// use imap4_proto::{InternalDate, Tag};
    ///
    /// let date = InternalDate::new(2024, 12, 24, 18, 0, 0, 60)?;
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let cmd = Append::multi("INBOX", [AppendMessage::new("x").date(date)]);
    /// let enc = cmd.encode(Tag::from("a1"), plus)?;
    /// assert_eq!(enc.to_bytes(), "a1 APPEND INBOX \"24-Dec-2024 18:00:00 +0100\" {1+}\r\nx\r\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn date(mut self, date: InternalDate) -> AppendMessage {
        self.date = Some(date);
        self
    }

    /// Sends the data as a `literal8` (`~{n}`, RFC 3516 BINARY): the message may hold NUL
    /// and binary MIME parts. (Data with NUL goes as literal8 anyway when the server has
    /// BINARY.) Ignored for CATENATE and UTF8 messages.
    ///
    /// ```
    /// use imap4_proto::encode::{Append, AppendMessage, Command, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let msg = AppendMessage::new(&b"a\0b"[..]).binary(true);
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let enc = Append::multi("INBOX", [msg]).encode(Tag::from("a1"), plus)?;
    /// assert_eq!(enc.to_bytes(), &b"a1 APPEND INBOX ~{3+}\r\na\0b\r\n"[..]);
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn binary(mut self, yes: bool) -> AppendMessage {
        if let Data::Literal { binary, .. } = &mut self.data {
            *binary = yes;
        }
        self
    }

    /// Sends the data as `UTF8 (~{n})` (RFC 6855, after `ENABLE UTF8=ACCEPT`): a message
    /// with UTF-8 headers. Ignored for CATENATE messages.
    ///
    /// ```
    /// use imap4_proto::encode::{Append, AppendMessage, Command, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let msg = AppendMessage::new("Subject: Grüße\r\n\r\n").utf8(true);
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let enc = Append::multi("INBOX", [msg]).encode(Tag::from("a1"), plus)?;
    /// assert_eq!(enc.to_bytes(), "a1 APPEND INBOX UTF8 (~{20+}\r\nSubject: Grüße\r\n\r\n)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn utf8(mut self, yes: bool) -> AppendMessage {
        self.data = match self.data {
            Data::Literal { data, .. } if yes => Data::Utf8(data),
            Data::Utf8(data) if !yes => Data::Literal {
                data,
                binary: false,
            },
            d => d,
        };
        self
    }

    fn encode(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        if !self.flags.is_empty() {
            w.sp();
            w.flag_list(&self.flags)?;
        }
        if let Some(d) = &self.date {
            w.sp();
            w.date_time("APPEND", d)?;
        }
        w.sp();
        match &self.data {
            Data::Literal { data, binary } => w.message_data("message", data, *binary),
            Data::Utf8(data) => {
                w.raw(b"UTF8 (");
                w.literal_bytes(data.clone(), true);
                w.raw(b")");
                Ok(())
            }
            Data::Catenate(parts) => {
                if parts.is_empty() {
                    return Err(EncodeError::Invalid {
                        command: "APPEND",
                        reason: "CATENATE needs at least one part",
                    });
                }
                w.raw(b"CATENATE ");
                w.list(parts, |w, p| match p {
                    CatenatePart::Text(t) => {
                        w.raw(b"TEXT ");
                        w.message_data("CATENATE text", t, false)
                    }
                    CatenatePart::Url(u) => {
                        w.raw(b"URL ");
                        w.astring("CATENATE URL", u.as_bytes())
                    }
                })
            }
        }
    }
}

macro_rules! from_data {
    ($($t:ty),*) => {$(
        impl From<$t> for AppendMessage {
            fn from(data: $t) -> Self {
                AppendMessage::new(data)
            }
        }
    )*};
}

from_data!(Bytes, Vec<u8>, String, &'static [u8], &'static str);

/// `APPEND mailbox [flags] [date-time] literal` (RFC 3501 6.3.11), with several messages
/// in one command for MULTIAPPEND (RFC 3502).
///
/// The message goes as a literal: synchronizing unless the server has LITERAL+ (or
/// LITERAL- and the message is at most 4096 bytes), so the driver sends it after the
/// server's `+`. A message with NUL bytes needs [`binary`](Self::binary) (or a server with
/// BINARY, where it is sent as `~{n}` automatically); otherwise it is
/// [`EncodeError::Nul`].
///
/// [`flags`](Self::flags), [`date`](Self::date), [`binary`](Self::binary) and
/// [`utf8`](Self::utf8) apply to the most recently added message.
///
/// ```
/// use imap4_proto::encode::{Append, AppendMessage, Command, EncodeOptions, Fragment};
/// use imap4_proto::date::InternalDate;
/// use imap4_proto::{Flag, Tag};
///
/// let date = InternalDate::new(2024, 1, 31, 9, 5, 0, 60)?;
/// let cmd = Append::new("Sent", "Subject: hi\r\n\r\nhello\r\n").flags([Flag::Seen]).date(date);
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// let line = "a1 APPEND Sent (\\Seen) \"31-Jan-2024 09:05:00 +0100\" {22}\r\n";
/// assert_eq!(enc.fragments[0], Fragment::Line(line.into()));
/// assert!(enc.has_sync_literal());
///
/// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
/// let cmd = Append::new("INBOX", "a").message(AppendMessage::new("b").flags([Flag::Draft]));
/// assert_eq!(
///     cmd.encode(Tag::from("a2"), plus)?.to_bytes(),
///     "a2 APPEND INBOX {1+}\r\na (\\Draft) {1+}\r\nb\r\n"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "append")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Append {
    mailbox: String,
    messages: Vec<AppendMessage>,
}

impl Append {
    /// APPEND one message.
    ///
    /// `message` is the raw message (text or bytes, CRLF line endings) or an [`AppendMessage`].
    ///
    /// ```
    /// use imap4_proto::encode::{Append, Command, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let enc = Append::new("Sent", "Subject: hi\r\n\r\n").encode(Tag::from("a1"), plus)?;
    /// assert_eq!(enc.to_bytes(), "a1 APPEND Sent {15+}\r\nSubject: hi\r\n\r\n\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(mailbox: impl Into<String>, message: impl Into<AppendMessage>) -> Append {
        Append::multi(mailbox, [message.into()])
    }

    /// APPEND several messages at once (MULTIAPPEND, RFC 3502); at least one.
    ///
    /// ```
    /// use imap4_proto::encode::{Append, AppendMessage, Command, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let msgs = ["one", "two"].map(AppendMessage::new);
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let enc = Append::multi("Archive", msgs).encode(Tag::from("a1"), plus)?;
    /// assert_eq!(enc.to_bytes(), "a1 APPEND Archive {3+}\r\none {3+}\r\ntwo\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn multi(
        mailbox: impl Into<String>,
        messages: impl IntoIterator<Item = AppendMessage>,
    ) -> Append {
        Append {
            mailbox: mailbox.into(),
            messages: messages.into_iter().collect(),
        }
    }

    /// Adds another message (MULTIAPPEND).
    ///
    /// ```
    /// use imap4_proto::encode::{Append, Command, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let enc = Append::new("Archive", "one").message("two").encode(Tag::from("a1"), plus)?;
    /// assert_eq!(enc.to_bytes(), "a1 APPEND Archive {3+}\r\none {3+}\r\ntwo\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn message(mut self, message: impl Into<AppendMessage>) -> Append {
        self.messages.push(message.into());
        self
    }

    fn last(mut self, f: impl FnOnce(AppendMessage) -> AppendMessage) -> Append {
        if let Some(m) = self.messages.pop() {
            self.messages.push(f(m));
        }
        self
    }

    /// Flags of the last message; see [`AppendMessage::flags`].
    ///
    /// ```
    /// use imap4_proto::encode::{Append, Command, EncodeOptions};
    /// use imap4_proto::{Flag, Tag};
    ///
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let cmd = Append::new("Drafts", "x").flags([Flag::Draft, Flag::Seen]);
    /// let enc = cmd.encode(Tag::from("a1"), plus)?;
    /// assert_eq!(enc.to_bytes(), "a1 APPEND Drafts (\\Draft \\Seen) {1+}\r\nx\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn flags(self, flags: impl IntoIterator<Item = Flag>) -> Append {
        self.last(|m| m.flags(flags))
    }

    /// Internal date of the last message; see [`AppendMessage::date`].
    ///
    /// ```
    /// use imap4_proto::encode::{Append, Command, EncodeOptions};
    /// use imap4_proto::{InternalDate, Tag};
    ///
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let cmd = Append::new("INBOX", "x").date(InternalDate::new(1996, 7, 17, 2, 44, 25, -420)?);
    /// let enc = cmd.encode(Tag::from("a1"), plus)?;
    /// assert_eq!(enc.to_bytes(), "a1 APPEND INBOX \"17-Jul-1996 02:44:25 -0700\" {1+}\r\nx\r\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn date(self, date: InternalDate) -> Append {
        self.last(|m| m.date(date))
    }

    /// literal8 for the last message; see [`AppendMessage::binary`].
    ///
    /// ```
    /// use imap4_proto::encode::{Append, Command, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let enc = Append::new("INBOX", "x").binary(true).encode(Tag::from("a1"), plus)?;
    /// assert_eq!(enc.to_bytes(), "a1 APPEND INBOX ~{1+}\r\nx\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn binary(self, yes: bool) -> Append {
        self.last(|m| m.binary(yes))
    }

    /// UTF8 data item for the last message; see [`AppendMessage::utf8`].
    ///
    /// ```
    /// use imap4_proto::encode::{Append, Command, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let enc = Append::new("INBOX", "x").utf8(true).encode(Tag::from("a1"), plus)?;
    /// assert_eq!(enc.to_bytes(), "a1 APPEND INBOX UTF8 (~{1+}\r\nx)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn utf8(self, yes: bool) -> Append {
        self.last(|m| m.utf8(yes))
    }
}

impl Command for Append {
    fn name(&self) -> &'static str {
        "APPEND"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        if self.messages.is_empty() {
            return Err(EncodeError::Invalid {
                command: "APPEND",
                reason: "no message",
            });
        }
        w.sp();
        w.mailbox(&self.mailbox)?;
        for m in &self.messages {
            m.encode(w)?;
        }
        Ok(())
    }
}

/// The first part of an `APPEND` whose message the driver sends itself, in pieces, so
/// that a big message never has to be in memory: `APPEND mailbox (flags) "date" {len}`
/// with a synchronizing literal. The command is [interactive](Command::interactive):
/// after the server's `+` the driver sends exactly `len` bytes
/// ([`Connection::send_data`](crate::Connection::send_data)) and then the final CRLF; a
/// server that refuses the message answers NO instead of `+`.
///
/// ```
/// use imap4_proto::encode::{AppendStream, Command, EncodeOptions};
/// use imap4_proto::{date::InternalDate, Flag, Tag};
///
/// let date = InternalDate::new(2024, 1, 31, 9, 5, 0, 60)?;
/// let cmd = AppendStream::new("Archive", 20_000_000).flags([Flag::Seen]).date(date);
/// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
/// assert_eq!(
///     cmd.encode(Tag::from("a1"), plus)?.to_bytes(),
///     "a1 APPEND Archive (\\Seen) \"31-Jan-2024 09:05:00 +0100\" {20000000}\r\n"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "append")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendStream {
    mailbox: String,
    flags: Vec<Flag>,
    date: Option<InternalDate>,
    len: u64,
    binary: bool,
}

impl AppendStream {
    /// A message of `len` bytes for `mailbox`.
    pub fn new(mailbox: impl Into<String>, len: u64) -> AppendStream {
        AppendStream {
            mailbox: mailbox.into(),
            flags: Vec::new(),
            date: None,
            len,
            binary: false,
        }
    }

    /// The flags to set.
    pub fn flags(mut self, flags: impl IntoIterator<Item = Flag>) -> AppendStream {
        self.flags = flags.into_iter().collect();
        self
    }

    /// The INTERNALDATE to set.
    pub fn date(mut self, date: InternalDate) -> AppendStream {
        self.date = Some(date);
        self
    }

    /// Announce a `literal8` (`~{n}`, RFC 3516 BINARY) for a message with NUL bytes.
    pub fn binary(mut self, binary: bool) -> AppendStream {
        self.binary = binary;
        self
    }

    /// The message's length.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the message is empty (servers refuse those).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Command for AppendStream {
    fn name(&self) -> &'static str {
        "APPEND"
    }
    fn interactive(&self) -> bool {
        true
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.mailbox(&self.mailbox)?;
        if !self.flags.is_empty() {
            w.sp();
            w.flag_list(&self.flags)?;
        }
        if let Some(d) = &self.date {
            w.sp();
            w.date_time("APPEND", d)?;
        }
        w.sp();
        if self.binary {
            w.raw(b"~");
        }
        w.raw(b"{");
        w.number(self.len);
        w.raw(b"}");
        Ok(())
    }
}

/// Turns every line ending (`\r\n`, a bare `\r` or a bare `\n`) into CRLF, as imaplib's
/// `append` does before sending; IMAP messages must use CRLF.
///
/// ```
/// use imap4_proto::encode::normalize_line_endings;
/// assert_eq!(normalize_line_endings(b"a\nb\r\nc\rd"), "a\r\nb\r\nc\r\nd");
/// ```
pub fn normalize_line_endings(data: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(data.len() + data.len() / 32);
    let mut rest = data;
    // Runs without CR or LF are copied whole.
    while let Some(i) = memchr::memchr2(b'\r', b'\n', rest) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(b"\r\n");
        let crlf = rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n');
        rest = &rest[i + if crlf { 2 } else { 1 }..];
    }
    out.extend_from_slice(rest);
    out.freeze()
}

/// [`normalize_line_endings`] for bytes already owned: a message whose every line ends
/// in CRLF (the usual case for one fetched from a server) is returned as it is, without
/// a copy.
///
/// ```
/// use imap4_proto::encode::into_crlf;
/// use bytes::Bytes;
/// let ok = Bytes::from_static(b"Subject: x\r\n\r\nhi\r\n");
/// assert_eq!(into_crlf(ok.clone()).as_ptr(), ok.as_ptr()); // the same buffer
/// assert_eq!(into_crlf(Bytes::from_static(b"a\nb")), "a\r\nb");
/// ```
pub fn into_crlf(data: Bytes) -> Bytes {
    if is_crlf(&data) {
        data
    } else {
        normalize_line_endings(&data)
    }
}

/// Whether every CR in `data` is followed by LF and every LF preceded by CR.
fn is_crlf(data: &[u8]) -> bool {
    let mut at = 0;
    while let Some(i) = memchr::memchr2(b'\r', b'\n', &data[at..]) {
        let i = at + i;
        if data[i] != b'\r' || data.get(i + 1) != Some(&b'\n') {
            return false;
        }
        at = i + 2;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::{EncodeOptions, Fragment};
    use super::*;

    /// Every string of up to 8 characters from `a`, CR and LF: the memchr version
    /// against the byte-at-a-time definition, and `into_crlf` copying only when needed.
    #[test]
    fn line_endings_exhaustive() {
        fn reference(d: &[u8]) -> Vec<u8> {
            let mut out = Vec::new();
            let mut i = 0;
            while i < d.len() {
                match d[i] {
                    b'\r' => {
                        out.extend_from_slice(b"\r\n");
                        if d.get(i + 1) == Some(&b'\n') {
                            i += 1;
                        }
                    }
                    b'\n' => out.extend_from_slice(b"\r\n"),
                    c => out.push(c),
                }
                i += 1;
            }
            out
        }
        for len in 0..=8u32 {
            for n in 0..3usize.pow(len) {
                let d: Vec<u8> = (0..len).map(|k| b"a\r\n"[n / 3usize.pow(k) % 3]).collect();
                let want = reference(&d);
                assert_eq!(normalize_line_endings(&d), want, "{d:?}");
                let b = Bytes::from(d.clone());
                let ptr = b.as_ptr();
                let got = into_crlf(b);
                assert_eq!(got, want, "{d:?}");
                assert_eq!(got.as_ptr() == ptr, want == d, "{d:?}");
            }
        }
    }

    #[test]
    fn single() {
        assert_eq!(
            s_with(&Append::new("INBOX", "x"), PLUS),
            "t APPEND INBOX {1+}\r\nx\r\n"
        );
        let e = enc_with(
            &Append::new("saved-messages", "hello"),
            EncodeOptions::default(),
        )
        .unwrap();
        assert_eq!(
            e.fragments,
            vec![
                Fragment::Line(Bytes::from_static(b"t APPEND saved-messages {5}\r\n")),
                Fragment::Literal {
                    data: Bytes::from_static(b"hello"),
                    sync: true
                },
                Fragment::Line(Bytes::from_static(b"\r\n")),
            ]
        );
        // Empty message.
        assert_eq!(
            s_with(&Append::new("INBOX", ""), PLUS),
            "t APPEND INBOX {0+}\r\n\r\n"
        );
        // LITERAL-: big messages stay synchronizing.
        let minus = EncodeOptions {
            literal_minus: true,
            ..Default::default()
        };
        let e = enc_with(&Append::new("INBOX", vec![b'a'; 5000]), minus).unwrap();
        assert!(e.has_sync_literal());
        let e = enc_with(&Append::new("INBOX", vec![b'a'; 4096]), minus).unwrap();
        assert!(!e.has_sync_literal());
    }

    #[test]
    fn flags_and_date() {
        let d = InternalDate::new(1994, 2, 7, 21, 52, 25, -480).unwrap();
        assert_eq!(
            s_with(
                &Append::new("Drafts", "m")
                    .flags([Flag::Draft, Flag::keyword("$MDNSent")])
                    .date(d),
                PLUS
            ),
            "t APPEND Drafts (\\Draft $MDNSent) \"07-Feb-1994 21:52:25 -0800\" {1+}\r\nm\r\n"
        );
        assert_eq!(
            err(&Append::new("INBOX", "m").flags([Flag::Recent])),
            EncodeError::FlagNotAllowed {
                flag: "\\Recent".into()
            }
        );
        assert!(matches!(
            err(&Append::new("INBOX", "m").flags([Flag::keyword("a\r\nb")])),
            EncodeError::InvalidAtom { .. }
        ));
        let mut bad = d;
        bad.month = 13;
        assert!(matches!(
            err(&Append::new("INBOX", "m").date(bad)),
            EncodeError::Invalid {
                command: "APPEND",
                ..
            }
        ));
    }

    #[test]
    fn multiappend() {
        let cmd = Append::multi(
            "INBOX",
            [
                AppendMessage::new("one").flags([Flag::Seen]),
                AppendMessage::new("two"),
            ],
        );
        assert_eq!(
            s_with(&cmd, PLUS),
            "t APPEND INBOX (\\Seen) {3+}\r\none {3+}\r\ntwo\r\n"
        );
        let e = enc_with(&cmd, EncodeOptions::default()).unwrap();
        assert_eq!(e.fragments.len(), 5);
        assert_eq!(
            e.fragments[2],
            Fragment::Line(Bytes::from_static(b" {3}\r\n"))
        );
        assert!(matches!(
            err(&Append::multi("INBOX", [])),
            EncodeError::Invalid { .. }
        ));
    }

    #[test]
    fn binary_and_nul() {
        assert_eq!(
            err(&Append::new("INBOX", "a\0b")),
            EncodeError::Nul { what: "message" }
        );
        assert_eq!(
            s_with(&Append::new("INBOX", "a\0b"), BINARY),
            "t APPEND INBOX ~{3}\r\na\0b\r\n"
        );
        assert_eq!(
            s_with(&Append::new("INBOX", "ab").binary(true), PLUS),
            "t APPEND INBOX ~{2+}\r\nab\r\n"
        );
        assert_eq!(
            s_with(&Append::new("INBOX", "ab").binary(true).binary(false), PLUS),
            "t APPEND INBOX {2+}\r\nab\r\n"
        );
    }

    #[test]
    fn utf8_item() {
        assert_eq!(
            s_with(&Append::new("INBOX", "Subject: é").utf8(true), PLUS),
            "t APPEND INBOX UTF8 (~{11+}\r\nSubject: é)\r\n"
        );
        assert_eq!(
            s_with(&Append::new("INBOX", "x").utf8(true).utf8(false), PLUS),
            "t APPEND INBOX {1+}\r\nx\r\n"
        );
    }

    #[test]
    fn catenate() {
        let cmd = Append::new(
            "Drafts",
            AppendMessage::catenate([
                CatenatePart::Url("/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER".into()),
                CatenatePart::Text(Bytes::from_static(b"\r\n--abc\r\n")),
                CatenatePart::Url("/Drafts;UIDVALIDITY=385759045/;UID=20".into()),
            ]),
        )
        .flags([Flag::Seen, Flag::Draft]);
        assert_eq!(
            s_with(&cmd, PLUS),
            "t APPEND Drafts (\\Seen \\Draft) CATENATE (URL \
             /Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER TEXT {9+}\r\n\r\n--abc\r\n \
             URL /Drafts;UIDVALIDITY=385759045/;UID=20)\r\n"
        );
        assert!(matches!(
            err(&Append::new("x", AppendMessage::catenate([]))),
            EncodeError::Invalid { .. }
        ));
        // A CRLF in a URL becomes a literal, never a line break.
        assert_eq!(
            s_with(
                &Append::new(
                    "x",
                    AppendMessage::catenate([CatenatePart::Url("/a\r\n".into())])
                ),
                PLUS
            ),
            "t APPEND x CATENATE (URL {4+}\r\n/a\r\n)\r\n"
        );
    }

    #[test]
    fn mailbox_utf8() {
        assert_eq!(
            s_with(&Append::new("Gesendete Objekte/Büro", "x"), PLUS),
            "t APPEND \"Gesendete Objekte/B&APw-ro\" {1+}\r\nx\r\n"
        );
        assert_eq!(
            s_with(
                &Append::new("Büro", "x"),
                EncodeOptions {
                    literal_plus: true,
                    ..UTF8
                }
            ),
            "t APPEND \"Büro\" {1+}\r\nx\r\n"
        );
    }

    #[test]
    fn line_endings() {
        assert_eq!(normalize_line_endings(b""), "");
        assert_eq!(normalize_line_endings(b"\r\r\n\n"), "\r\n\r\n\r\n");
        assert_eq!(normalize_line_endings(b"abc"), "abc");
        assert_eq!(normalize_line_endings(b"\n\r"), "\r\n\r\n");
    }
}
