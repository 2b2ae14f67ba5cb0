//! STATUS (RFC 3501 6.3.10, RFC 9051 6.3.11 and extensions).

use super::{Command, CommandWriter, EncodeError};

/// A STATUS data item to ask for (the response side is [`crate::StatusItem`]).
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Status, StatusAttr};
/// use imap4_proto::Tag;
///
/// let items = [StatusAttr::Unseen, StatusAttr::HighestModSeq, StatusAttr::Size];
/// let enc = Status::new("INBOX", items).encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 STATUS INBOX (UNSEEN HIGHESTMODSEQ SIZE)\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusAttr {
    /// `MESSAGES`: number of messages.
    Messages,
    /// `RECENT`: number of `\Recent` messages (IMAP4rev1 only).
    Recent,
    /// `UIDNEXT`: the next UID.
    UidNext,
    /// `UIDVALIDITY`.
    UidValidity,
    /// `UNSEEN`: number of messages without `\Seen`.
    Unseen,
    /// `DELETED`: number of `\Deleted` messages (IMAP4rev2).
    Deleted,
    /// `SIZE`: total size in octets (RFC 8438, IMAP4rev2).
    Size,
    /// `HIGHESTMODSEQ` (RFC 7162 CONDSTORE).
    HighestModSeq,
    /// `APPENDLIMIT` (RFC 7889).
    AppendLimit,
    /// `MAILBOXID` (RFC 8474 OBJECTID).
    MailboxId,
    /// `DELETED-STORAGE` (RFC 9208 QUOTA).
    DeletedStorage,
    /// Another item, sent as an atom.
    Other(String),
}

impl StatusAttr {
    pub(crate) fn write(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        let s: &[u8] = match self {
            StatusAttr::Messages => b"MESSAGES",
            StatusAttr::Recent => b"RECENT",
            StatusAttr::UidNext => b"UIDNEXT",
            StatusAttr::UidValidity => b"UIDVALIDITY",
            StatusAttr::Unseen => b"UNSEEN",
            StatusAttr::Deleted => b"DELETED",
            StatusAttr::Size => b"SIZE",
            StatusAttr::HighestModSeq => b"HIGHESTMODSEQ",
            StatusAttr::AppendLimit => b"APPENDLIMIT",
            StatusAttr::MailboxId => b"MAILBOXID",
            StatusAttr::DeletedStorage => b"DELETED-STORAGE",
            StatusAttr::Other(o) => return w.atom("STATUS item", o.as_bytes()),
        };
        w.raw(s);
        Ok(())
    }
}

/// `STATUS mailbox (items)` (RFC 3501 6.3.10); at least one item is needed.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Status, StatusAttr};
/// use imap4_proto::Tag;
///
/// let cmd = Status::new("blurdybloop", [StatusAttr::UidNext, StatusAttr::Messages]);
/// let enc = cmd.encode(Tag::from("A042"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "status")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    mailbox: String,
    items: Vec<StatusAttr>,
}

impl Status {
    /// STATUS of a mailbox.
    ///
    /// STATUS must not be used on the selected mailbox (RFC 3501 6.3.10).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Status, StatusAttr};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Status::new("Entwürfe", [StatusAttr::Messages]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 STATUS Entw&APw-rfe (MESSAGES)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(mailbox: impl Into<String>, items: impl IntoIterator<Item = StatusAttr>) -> Status {
        Status {
            mailbox: mailbox.into(),
            items: items.into_iter().collect(),
        }
    }
}

impl Command for Status {
    fn name(&self) -> &'static str {
        "STATUS"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        if self.items.is_empty() {
            return Err(EncodeError::Invalid {
                command: "STATUS",
                reason: "no status items",
            });
        }
        w.sp();
        w.mailbox(&self.mailbox)?;
        w.sp();
        w.list(&self.items, |w, i| i.write(w))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn all_items() {
        use StatusAttr::*;
        let cmd = Status::new(
            "INBOX",
            [
                Messages,
                Recent,
                UidNext,
                UidValidity,
                Unseen,
                Deleted,
                Size,
                HighestModSeq,
                AppendLimit,
                MailboxId,
                DeletedStorage,
                Other("X-GUID".into()),
            ],
        );
        assert_eq!(
            s(&cmd),
            "t STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE \
             HIGHESTMODSEQ APPENDLIMIT MAILBOXID DELETED-STORAGE X-GUID)\r\n"
        );
    }

    #[test]
    fn errors_and_mailboxes() {
        assert!(matches!(
            err(&Status::new("INBOX", [])),
            EncodeError::Invalid {
                command: "STATUS",
                ..
            }
        ));
        assert!(matches!(
            err(&Status::new("INBOX", [StatusAttr::Other("A)".into())])),
            EncodeError::InvalidAtom { .. }
        ));
        assert_eq!(
            s_with(&Status::new("Éx\r\n", [StatusAttr::Messages]), PLUS),
            "t STATUS &AMk-x&AA0ACg- (MESSAGES)\r\n"
        );
        assert_eq!(
            s_with(
                &Status::new("Éx\r\n", [StatusAttr::Messages]),
                EncodeOptions {
                    literal_plus: true,
                    ..UTF8
                }
            ),
            "t STATUS {5+}\r\nÉx\r\n (MESSAGES)\r\n"
        );
    }

    use super::super::EncodeOptions;
}
