//! GETANNOTATION and SETANNOTATION, the mailbox annotation commands of
//! draft-daboo-imap-annotatemore (Cyrus; imaplib's `getannotation` / `setannotation`).
//! Standard servers use METADATA instead ([`GetMetadata`](super::GetMetadata)).

use bytes::Bytes;

use super::fetch::{entry_match, one_or_list};
use super::{Command, CommandWriter, EncodeError};

/// `GETANNOTATION mailbox entries attributes` (ANNOTATEMORE draft).
///
/// The mailbox and entries may hold `*` and `%` wildcards; attributes are quoted strings.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, GetAnnotation};
/// use imap4_proto::Tag;
///
/// let enc = GetAnnotation::new("INBOX", ["/comment"], ["value.shared"])
///     .encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 GETANNOTATION INBOX /comment \"value.shared\"\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "getannotation")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetAnnotation {
    mailbox: String,
    entries: Vec<String>,
    attributes: Vec<String>,
}

impl GetAnnotation {
    /// GETANNOTATION of `entries` (at least one) and `attributes` (at least one).
    ///
    /// Several entries or attributes are sent in parentheses.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, GetAnnotation};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = GetAnnotation::new("%", ["/comment", "/sort"], ["value.priv", "value.shared"]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(
    ///     enc.to_bytes(),
    ///     "a1 GETANNOTATION % (/comment /sort) (\"value.priv\" \"value.shared\")\r\n"
    /// );
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new<E: Into<String>, A: Into<String>>(
        mailbox: impl Into<String>,
        entries: impl IntoIterator<Item = E>,
        attributes: impl IntoIterator<Item = A>,
    ) -> GetAnnotation {
        GetAnnotation {
            mailbox: mailbox.into(),
            entries: entries.into_iter().map(Into::into).collect(),
            attributes: attributes.into_iter().map(Into::into).collect(),
        }
    }
}

impl Command for GetAnnotation {
    fn name(&self) -> &'static str {
        "GETANNOTATION"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        if self.entries.is_empty() || self.attributes.is_empty() {
            return Err(EncodeError::Invalid {
                command: "GETANNOTATION",
                reason: "needs at least one entry and one attribute",
            });
        }
        w.sp();
        w.list_mailbox(&self.mailbox)?;
        w.sp();
        one_or_list(w, &self.entries, |w, e| entry_match(w, e))?;
        w.sp();
        one_or_list(w, &self.attributes, |w, a| {
            w.string("annotation attribute", a.as_bytes())
        })
    }
}

type AttrValues = Vec<(String, Option<Bytes>)>;

/// `SETANNOTATION mailbox entry (attribute value ...)` (ANNOTATEMORE draft); several
/// entries are sent in parentheses. A `None` value (NIL) removes the attribute.
///
/// Entry and attribute names and values are strings: quoted, or literals when they hold
/// CR, LF or 8-bit bytes, so a value can never end the command line.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, SetAnnotation};
/// use imap4_proto::Tag;
///
/// let enc = SetAnnotation::new("INBOX", "/comment", [("value.shared", Some("My comment"))])
///     .encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(
///     enc.to_bytes(),
///     "a1 SETANNOTATION INBOX \"/comment\" (\"value.shared\" \"My comment\")\r\n"
/// );
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "setannotation")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAnnotation {
    mailbox: String,
    entries: Vec<(String, AttrValues)>,
}

impl SetAnnotation {
    /// SETANNOTATION of one entry's (attribute, value) pairs (at least one).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, SetAnnotation};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = SetAnnotation::new("INBOX", "/comment", [("value.priv", None::<&str>)]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 SETANNOTATION INBOX \"/comment\" (\"value.priv\" NIL)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new<A: Into<String>, V: AsRef<[u8]>>(
        mailbox: impl Into<String>,
        entry: impl Into<String>,
        values: impl IntoIterator<Item = (A, Option<V>)>,
    ) -> SetAnnotation {
        SetAnnotation {
            mailbox: mailbox.into(),
            entries: Vec::new(),
        }
        .entry(entry, values)
    }

    /// Adds another entry.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, SetAnnotation};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = SetAnnotation::new("INBOX", "/comment", [("value.shared", Some("Team inbox"))])
    ///     .entry("/sort", [("value.priv", Some("arrival"))]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(
    ///     enc.to_bytes(),
    ///     "a1 SETANNOTATION INBOX (\"/comment\" (\"value.shared\" \"Team inbox\") \
    ///      \"/sort\" (\"value.priv\" \"arrival\"))\r\n"
    /// );
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn entry<A: Into<String>, V: AsRef<[u8]>>(
        mut self,
        entry: impl Into<String>,
        values: impl IntoIterator<Item = (A, Option<V>)>,
    ) -> SetAnnotation {
        self.entries.push((
            entry.into(),
            values
                .into_iter()
                .map(|(a, v)| (a.into(), v.map(|v| Bytes::copy_from_slice(v.as_ref()))))
                .collect(),
        ));
        self
    }
}

impl Command for SetAnnotation {
    fn name(&self) -> &'static str {
        "SETANNOTATION"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.mailbox(&self.mailbox)?;
        w.sp();
        one_or_list(w, &self.entries, |w, (entry, values)| {
            if values.is_empty() {
                return Err(EncodeError::Invalid {
                    command: "SETANNOTATION",
                    reason: "an entry needs at least one attribute",
                });
            }
            w.string("annotation entry", entry.as_bytes())?;
            w.sp();
            w.list(values, |w, (a, v)| {
                w.string("annotation attribute", a.as_bytes())?;
                w.sp();
                w.nstring("annotation value", v.as_deref())
            })
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
            s(&GetAnnotation::new(
                "*",
                ["/comment", "/vendor/*"],
                ["value.priv", "value.shared"]
            )),
            "t GETANNOTATION * (/comment /vendor/*) (\"value.priv\" \"value.shared\")\r\n"
        );
        assert_eq!(
            s(&GetAnnotation::new("Büro", ["/a b"], ["size"])),
            "t GETANNOTATION B&APw-ro \"/a b\" \"size\"\r\n"
        );
        assert!(matches!(
            err(&GetAnnotation::new(
                "INBOX",
                ["/comment"],
                Vec::<String>::new()
            )),
            EncodeError::Invalid { .. }
        ));
    }

    #[test]
    fn set() {
        let cmd = SetAnnotation::new("INBOX", "/comment", [("value.priv", None::<&str>)])
            .entry("/motd", [("value.shared", Some("hi"))]);
        assert_eq!(
            s(&cmd),
            "t SETANNOTATION INBOX (\"/comment\" (\"value.priv\" NIL) \"/motd\" (\"value.shared\" \"hi\"))\r\n"
        );
        // CRLF injection in a value: a literal.
        assert_eq!(
            s_with(
                &SetAnnotation::new(
                    "INBOX",
                    "/comment",
                    [("value.shared", Some("x\r\nt2 LOGOUT"))]
                ),
                PLUS
            ),
            "t SETANNOTATION INBOX \"/comment\" (\"value.shared\" {12+}\r\nx\r\nt2 LOGOUT)\r\n"
        );
        assert!(matches!(
            err(&SetAnnotation::new(
                "INBOX",
                "/c",
                Vec::<(String, Option<&str>)>::new()
            )),
            EncodeError::Invalid { .. }
        ));
        assert_eq!(
            err(&SetAnnotation::new("INBOX", "/c", [("v", Some("\0"))])),
            EncodeError::Nul {
                what: "annotation value"
            }
        );
    }
}
