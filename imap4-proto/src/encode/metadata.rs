//! GETMETADATA and SETMETADATA (RFC 5464).

use bytes::Bytes;

use super::fetch::one_or_list;
use super::{Command, CommandWriter, EncodeError};

/// The `DEPTH` GETMETADATA option (RFC 5464 4.2.2).
///
/// Given to [`GetMetadata::depth`].
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, GetMetadata, MetadataDepth};
/// use imap4_proto::Tag;
///
/// let cmd = GetMetadata::new("INBOX", ["/private"]).depth(MetadataDepth::One);
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 GETMETADATA (DEPTH 1) INBOX /private\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetadataDepth {
    /// `0`: only the named entries (the default).
    Zero,
    /// `1`: the entries and their immediate children.
    One,
    /// `infinity`: the whole subtree.
    Infinity,
}

/// `GETMETADATA [(options)] mailbox entries` (RFC 5464 4.2).
///
/// The mailbox `""` means server annotations. Options come before the mailbox as in the
/// RFC's grammar (its examples put them after; servers accept the grammar's form).
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, GetMetadata, MetadataDepth};
/// use imap4_proto::Tag;
///
/// let opts = EncodeOptions::default();
/// let enc = GetMetadata::new("", ["/shared/comment"]).encode(Tag::from("a1"), opts)?;
/// assert_eq!(enc.to_bytes(), "a1 GETMETADATA \"\" /shared/comment\r\n");
/// let cmd = GetMetadata::new("INBOX", ["/shared/comment", "/private/comment"])
///     .max_size(1024)
///     .depth(MetadataDepth::Infinity);
/// assert_eq!(
///     cmd.encode(Tag::from("a2"), opts)?.to_bytes(),
///     "a2 GETMETADATA (MAXSIZE 1024 DEPTH infinity) INBOX (/shared/comment /private/comment)\r\n"
/// );
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "getmetadata")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetMetadata {
    mailbox: String,
    entries: Vec<String>,
    max_size: Option<u64>,
    depth: Option<MetadataDepth>,
}

impl GetMetadata {
    /// GETMETADATA of these entries (at least one) on `mailbox` (`""`: the server).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, GetMetadata};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = GetMetadata::new("", ["/shared/admin", "/shared/comment"]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 GETMETADATA \"\" (/shared/admin /shared/comment)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new<S: Into<String>>(
        mailbox: impl Into<String>,
        entries: impl IntoIterator<Item = S>,
    ) -> GetMetadata {
        GetMetadata {
            mailbox: mailbox.into(),
            entries: entries.into_iter().map(Into::into).collect(),
            max_size: None,
            depth: None,
        }
    }

    /// `MAXSIZE n`: only values up to `n` bytes.
    ///
    /// Larger values are left out; the server reports the size of the largest one it skipped.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, GetMetadata};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = GetMetadata::new("INBOX", ["/private/comment"]).max_size(1024);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 GETMETADATA (MAXSIZE 1024) INBOX /private/comment\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn max_size(mut self, n: u64) -> GetMetadata {
        self.max_size = Some(n);
        self
    }

    /// `DEPTH 0|1|infinity`.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, GetMetadata, MetadataDepth};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = GetMetadata::new("", ["/shared"]).depth(MetadataDepth::Infinity);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 GETMETADATA (DEPTH infinity) \"\" /shared\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn depth(mut self, depth: MetadataDepth) -> GetMetadata {
        self.depth = Some(depth);
        self
    }
}

impl Command for GetMetadata {
    fn name(&self) -> &'static str {
        "GETMETADATA"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        if self.entries.is_empty() {
            return Err(EncodeError::Invalid {
                command: "GETMETADATA",
                reason: "no metadata entry",
            });
        }
        if self.max_size.is_some() || self.depth.is_some() {
            w.raw(b" (");
            if let Some(n) = self.max_size {
                w.raw(b"MAXSIZE ");
                w.number(n);
                if self.depth.is_some() {
                    w.sp();
                }
            }
            if let Some(d) = self.depth {
                w.raw(match d {
                    MetadataDepth::Zero => b"DEPTH 0",
                    MetadataDepth::One => b"DEPTH 1",
                    MetadataDepth::Infinity => b"DEPTH infinity",
                });
            }
            w.raw(b")");
        }
        w.sp();
        w.mailbox(&self.mailbox)?;
        w.sp();
        one_or_list(w, &self.entries, |w, e| {
            w.astring("metadata entry", e.as_bytes())
        })
    }
}

/// `SETMETADATA mailbox (entry value ...)` (RFC 5464 4.3); a `None` value (NIL) removes
/// the entry.
///
/// Values are strings (quoted, or literals for CR, LF, 8-bit or long values); a value with
/// NUL goes as `literal8` when the server has BINARY and is refused otherwise.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, SetMetadata};
/// use imap4_proto::Tag;
///
/// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
/// let cmd = SetMetadata::new(
///     "INBOX",
///     [("/private/comment", Some("My new comment")), ("/shared/x", None)],
/// );
/// assert_eq!(
///     cmd.encode(Tag::from("a1"), plus)?.to_bytes(),
///     "a1 SETMETADATA INBOX (/private/comment \"My new comment\" /shared/x NIL)\r\n"
/// );
/// let cmd = SetMetadata::new("", [("/shared/motd", Some("line 1\r\nline 2"))]);
/// assert_eq!(
///     cmd.encode(Tag::from("a2"), plus)?.to_bytes(),
///     "a2 SETMETADATA \"\" (/shared/motd {14+}\r\nline 1\r\nline 2)\r\n"
/// );
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "setmetadata")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetMetadata {
    mailbox: String,
    entries: Vec<(String, Option<Bytes>)>,
}

impl SetMetadata {
    /// SETMETADATA of these (entry, value) pairs (at least one) on `mailbox`.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, SetMetadata};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = SetMetadata::new("INBOX", [("/private/comment", None::<&str>)]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 SETMETADATA INBOX (/private/comment NIL)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new<S: Into<String>, V: AsRef<[u8]>>(
        mailbox: impl Into<String>,
        entries: impl IntoIterator<Item = (S, Option<V>)>,
    ) -> SetMetadata {
        SetMetadata {
            mailbox: mailbox.into(),
            entries: entries
                .into_iter()
                .map(|(e, v)| (e.into(), v.map(|v| Bytes::copy_from_slice(v.as_ref()))))
                .collect(),
        }
    }
}

impl Command for SetMetadata {
    fn name(&self) -> &'static str {
        "SETMETADATA"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        if self.entries.is_empty() {
            return Err(EncodeError::Invalid {
                command: "SETMETADATA",
                reason: "no metadata entry",
            });
        }
        w.sp();
        w.mailbox(&self.mailbox)?;
        w.sp();
        w.list(&self.entries, |w, (e, v)| {
            w.astring("metadata entry", e.as_bytes())?;
            w.sp();
            match v {
                Some(v) if v.contains(&0) => w.message_data("metadata value", v, false),
                v => w.nstring("metadata value", v.as_deref()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn get() {
        assert_eq!(
            s(&GetMetadata::new("INBOX", ["/private/comment"]).depth(MetadataDepth::One)),
            "t GETMETADATA (DEPTH 1) INBOX /private/comment\r\n"
        );
        assert_eq!(
            s(&GetMetadata::new("INBOX", ["/a"])
                .depth(MetadataDepth::Zero)
                .max_size(0)),
            "t GETMETADATA (MAXSIZE 0 DEPTH 0) INBOX /a\r\n"
        );
        assert_eq!(
            s_with(&GetMetadata::new("INBOX", ["/a\r\n"]), PLUS),
            "t GETMETADATA INBOX {4+}\r\n/a\r\n\r\n"
        );
        assert!(matches!(
            err(&GetMetadata::new("INBOX", Vec::<String>::new())),
            EncodeError::Invalid { .. }
        ));
    }

    #[test]
    fn set() {
        assert_eq!(
            s(&SetMetadata::new(
                "INBOX",
                [("/private/comment", None::<&str>)]
            )),
            "t SETMETADATA INBOX (/private/comment NIL)\r\n"
        );
        assert_eq!(
            s(&SetMetadata::new(
                "INBOX",
                [("/private/comment", Some("NIL"))]
            )),
            "t SETMETADATA INBOX (/private/comment \"NIL\")\r\n"
        );
        assert_eq!(
            s(&SetMetadata::new("INBOX", [("/private/comment", Some(""))])),
            "t SETMETADATA INBOX (/private/comment \"\")\r\n"
        );
        // CRLF in a value: a literal (synchronizing by default).
        let e = enc_with(
            &SetMetadata::new("INBOX", [("/shared/c", Some("a\r\nt2 LOGOUT"))]),
            Default::default(),
        )
        .unwrap();
        check_lines(&e);
        assert!(e.has_sync_literal());
        // NUL: literal8 with BINARY, refused without.
        assert_eq!(
            err(&SetMetadata::new("INBOX", [("/shared/c", Some(b"a\0b"))])),
            EncodeError::Nul {
                what: "metadata value"
            }
        );
        assert_eq!(
            s_with(
                &SetMetadata::new("INBOX", [("/shared/c", Some(b"a\0b"))]),
                BINARY
            ),
            "t SETMETADATA INBOX (/shared/c ~{3}\r\na\0b)\r\n"
        );
        assert!(matches!(
            err(&SetMetadata::new(
                "INBOX",
                Vec::<(String, Option<&str>)>::new()
            )),
            EncodeError::Invalid { .. }
        ));
    }
}
