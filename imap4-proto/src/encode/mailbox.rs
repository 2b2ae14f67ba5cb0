//! Mailbox management: CREATE (with CREATE-SPECIAL-USE), DELETE, RENAME, SUBSCRIBE,
//! UNSUBSCRIBE.

use crate::types::MailboxAttr;

use super::{is_atom, Command, CommandWriter, EncodeError};

/// `CREATE mailbox [(USE (attrs))]` (RFC 3501 6.3.3, RFC 6154 CREATE-SPECIAL-USE).
///
/// Special-use attributes must be special-use ([`MailboxAttr::is_special_use`]) or an
/// extension `\Name`.
///
/// ```
/// use imap4_proto::encode::{Command, Create, EncodeOptions};
/// use imap4_proto::{MailboxAttr, Tag};
///
/// let opts = EncodeOptions::default();
/// let enc = Create::new("Archive/2024").encode(Tag::from("a1"), opts)?;
/// assert_eq!(enc.to_bytes(), "a1 CREATE Archive/2024\r\n");
/// let cmd = Create::new("Sent Mail").special_use([MailboxAttr::Sent]);
/// let enc = cmd.encode(Tag::from("a2"), opts)?;
/// assert_eq!(enc.to_bytes(), "a2 CREATE \"Sent Mail\" (USE (\\Sent))\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "create")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Create {
    mailbox: String,
    special_use: Vec<MailboxAttr>,
}

impl Create {
    /// CREATE a mailbox.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Create, EncodeOptions};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Create::new("Projekte/Übersicht");
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 CREATE Projekte/&ANw-bersicht\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(mailbox: impl Into<String>) -> Create {
        Create {
            mailbox: mailbox.into(),
            special_use: Vec::new(),
        }
    }

    /// Asks for special-use attributes (RFC 6154, server capability `CREATE-SPECIAL-USE`).
    /// An empty list sends no `USE` parameter.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Create, EncodeOptions};
    /// use imap4_proto::{MailboxAttr, Tag};
    ///
    /// let cmd = Create::new("Archive").special_use([MailboxAttr::Archive]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 CREATE Archive (USE (\\Archive))\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn special_use(mut self, attrs: impl IntoIterator<Item = MailboxAttr>) -> Create {
        self.special_use = attrs.into_iter().collect();
        self
    }
}

impl Command for Create {
    fn name(&self) -> &'static str {
        "CREATE"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.mailbox(&self.mailbox)?;
        if self.special_use.is_empty() {
            return Ok(());
        }
        w.raw(b" (USE ");
        w.list(&self.special_use, |w, a| {
            let s = a.as_str();
            let ok = match a {
                MailboxAttr::Other(b) => b.first() == Some(&b'\\') && is_atom(&b[1..]),
                _ => a.is_special_use(),
            };
            if !ok {
                return Err(EncodeError::InvalidAtom {
                    what: "special-use attribute",
                    value: s.into_owned(),
                });
            }
            w.raw(s.as_bytes());
            Ok(())
        })?;
        w.raw(b")");
        Ok(())
    }
}

macro_rules! one_mailbox {
    ($(
        $(#[$m:meta])*
        $ty:ident = $name:literal, $alias:literal, $example:literal, $wire:literal;
    )*) => {$(
        $(#[$m])*
        ///
        /// ```
        #[doc = concat!("use imap4_proto::encode::{Command, EncodeOptions, ", stringify!($ty), "};")]
        /// use imap4_proto::Tag;
        ///
        #[doc = concat!("let cmd = ", stringify!($ty), "::new(\"", $example, "\");")]
        /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
        #[doc = concat!("assert_eq!(enc.to_bytes(), \"a1 ", $name, " ", $wire, "\\r\\n\");")]
        /// # Ok::<(), imap4_proto::encode::EncodeError>(())
        /// ```
        #[doc(alias = $alias)]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $ty {
            mailbox: String,
        }

        impl $ty {
            #[doc = concat!("`", $name, "` of a mailbox.")]
            ///
            /// A name with spaces is quoted; non-ASCII names are sent in modified UTF-7.
            ///
            /// ```
            #[doc = concat!("use imap4_proto::encode::{Command, EncodeOptions, ", stringify!($ty), "};")]
            /// use imap4_proto::Tag;
            ///
            #[doc = concat!("let cmd = ", stringify!($ty), "::new(\"Archiv 2023\");")]
            /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
            #[doc = concat!("assert_eq!(enc.to_bytes(), \"a1 ", $name, " \\\"Archiv 2023\\\"\\r\\n\");")]
            /// # Ok::<(), imap4_proto::encode::EncodeError>(())
            /// ```
            pub fn new(mailbox: impl Into<String>) -> $ty {
                $ty { mailbox: mailbox.into() }
            }
        }

        impl Command for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
                w.sp();
                w.mailbox(&self.mailbox)
            }
        }
    )*};
}

one_mailbox! {
    /// `DELETE mailbox` (RFC 3501 6.3.4).
    Delete = "DELETE", "delete", "Old Stuff", "\\\"Old Stuff\\\"";
    /// `SUBSCRIBE mailbox` (RFC 3501 6.3.6).
    Subscribe = "SUBSCRIBE", "subscribe", "Lists/rust", "Lists/rust";
    /// `UNSUBSCRIBE mailbox` (RFC 3501 6.3.7).
    Unsubscribe = "UNSUBSCRIBE", "unsubscribe", "Entwürfe", "Entw&APw-rfe";
}

/// `RENAME old new` (RFC 3501 6.3.5).
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Rename};
/// use imap4_proto::Tag;
///
/// let enc = Rename::new("Drafts", "Entwürfe").encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 RENAME Drafts Entw&APw-rfe\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "rename")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    from: String,
    to: String,
}

impl Rename {
    /// RENAME `from` to `to`.
    ///
    /// Renaming `INBOX` moves its messages to the new mailbox and leaves `INBOX` empty.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Rename};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Rename::new("INBOX", "Old Mail");
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 RENAME INBOX \"Old Mail\"\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Rename {
        Rename {
            from: from.into(),
            to: to.into(),
        }
    }
}

impl Command for Rename {
    fn name(&self) -> &'static str {
        "RENAME"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.mailbox(&self.from)?;
        w.sp();
        w.mailbox(&self.to)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use bytes::Bytes;

    #[test]
    fn create() {
        assert_eq!(s(&Create::new("foo")), "t CREATE foo\r\n");
        assert_eq!(s(&Create::new("foo").special_use([])), "t CREATE foo\r\n");
        assert_eq!(
            s(&Create::new("x").special_use([MailboxAttr::Drafts, MailboxAttr::Important])),
            "t CREATE x (USE (\\Drafts \\Important))\r\n"
        );
        assert_eq!(
            s(&Create::new("x")
                .special_use([MailboxAttr::Other(Bytes::from_static(b"\\Snoozed"))])),
            "t CREATE x (USE (\\Snoozed))\r\n"
        );
        for bad in [
            MailboxAttr::HasChildren,
            MailboxAttr::Other(Bytes::from_static(b"Sent")),
            MailboxAttr::Other(Bytes::from_static(b"\\a b")),
            MailboxAttr::Other(Bytes::from_static(b"\\x\r\n")),
        ] {
            assert!(matches!(
                err(&Create::new("x").special_use([bad])),
                EncodeError::InvalidAtom { .. }
            ));
        }
    }

    #[test]
    fn one_mailbox_commands() {
        assert_eq!(s(&Delete::new("a b")), "t DELETE \"a b\"\r\n");
        assert_eq!(s(&Subscribe::new("inbox")), "t SUBSCRIBE INBOX\r\n");
        assert_eq!(s(&Unsubscribe::new("")), "t UNSUBSCRIBE \"\"\r\n");
        assert_eq!(s_with(&Delete::new("é"), UTF8), "t DELETE \"é\"\r\n");
        assert_eq!(
            s_with(&Delete::new("a\nb"), UTF8),
            "t DELETE {3}\r\na\nb\r\n"
        );
        assert_eq!(s(&Delete::new("a\nb")), "t DELETE a&AAo-b\r\n");
    }

    #[test]
    fn rename() {
        assert_eq!(
            s(&Rename::new("INBOX", "Old Mail")),
            "t RENAME INBOX \"Old Mail\"\r\n"
        );
        assert_eq!(
            s_with(&Rename::new("a\r\n", "b"), PLUS),
            "t RENAME a&AA0ACg- b\r\n"
        );
    }
}
