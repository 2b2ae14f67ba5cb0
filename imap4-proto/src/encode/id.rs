//! ID (RFC 2971).

use bytes::Bytes;

use super::{Command, CommandWriter, EncodeError};

/// `ID (field value ...)` or `ID NIL` (RFC 2971): tells the server who the client is.
///
/// RFC 2971 limits: at most 30 fields, field names at most 30 bytes, values at most 1024
/// bytes; beyond that it is [`EncodeError::Invalid`]. Values may be `None` (NIL). Field
/// names and values are strings (quoted, or literals when they hold CR or LF).
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Id};
/// use imap4_proto::Tag;
///
/// let opts = EncodeOptions::default();
/// assert_eq!(Id::new().encode(Tag::from("a1"), opts)?.to_bytes(), "a1 ID NIL\r\n");
/// let cmd = Id::new()
///     .field("name", Some("imap4"))
///     .field("version", Some("0.1.0"))
///     .field("os", None::<&str>);
/// assert_eq!(
///     cmd.encode(Tag::from("a2"), opts)?.to_bytes(),
///     "a2 ID (\"name\" \"imap4\" \"version\" \"0.1.0\" \"os\" NIL)\r\n"
/// );
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Id {
    fields: Vec<(Bytes, Option<Bytes>)>,
}

impl Id {
    /// `ID NIL` until fields are added.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Id};
    /// use imap4_proto::Tag;
    ///
    /// let enc = Id::new().encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 ID NIL\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new() -> Id {
        Id::default()
    }

    /// Adds a field (`name`, `version`, `vendor`, `support-url`, ...).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Id};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Id::new().field("name", Some("imap4")).field("support-url", None::<&str>);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 ID (\"name\" \"imap4\" \"support-url\" NIL)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn field(mut self, name: impl AsRef<[u8]>, value: Option<impl AsRef<[u8]>>) -> Id {
        self.fields.push((
            Bytes::copy_from_slice(name.as_ref()),
            value.map(|v| Bytes::copy_from_slice(v.as_ref())),
        ));
        self
    }
}

impl Command for Id {
    fn name(&self) -> &'static str {
        "ID"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        if self.fields.is_empty() {
            w.raw(b"NIL");
            return Ok(());
        }
        let invalid = |reason| EncodeError::Invalid {
            command: "ID",
            reason,
        };
        if self.fields.len() > 30 {
            return Err(invalid("more than 30 ID fields"));
        }
        w.list(&self.fields, |w, (k, v)| {
            if k.len() > 30 {
                return Err(invalid("ID field name longer than 30 bytes"));
            }
            if v.as_ref().is_some_and(|v| v.len() > 1024) {
                return Err(invalid("ID value longer than 1024 bytes"));
            }
            w.string("ID field", k)?;
            w.sp();
            w.nstring("ID value", v.as_deref())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn id() {
        assert_eq!(s(&Id::new()), "t ID NIL\r\n");
        assert_eq!(
            s(&Id::new().field("name", Some("a \"b\""))),
            "t ID (\"name\" \"a \\\"b\\\"\")\r\n"
        );
        assert_eq!(
            s_with(&Id::new().field("x", Some("a\r\nb")), PLUS),
            "t ID (\"x\" {4+}\r\na\r\nb)\r\n"
        );
        assert_eq!(
            s(&Id::new().field("NIL", Some("NIL"))),
            "t ID (\"NIL\" \"NIL\")\r\n"
        );
    }

    #[test]
    fn limits() {
        let mut many = Id::new();
        for i in 0..31 {
            many = many.field(format!("f{i}"), Some("v"));
        }
        assert!(matches!(err(&many), EncodeError::Invalid { .. }));
        assert!(matches!(
            err(&Id::new().field("x".repeat(31), Some("v"))),
            EncodeError::Invalid { .. }
        ));
        assert!(matches!(
            err(&Id::new().field("x", Some("v".repeat(1025)))),
            EncodeError::Invalid { .. }
        ));
        assert_eq!(
            err(&Id::new().field("x", Some("\0"))),
            EncodeError::Nul { what: "ID value" }
        );
    }
}
