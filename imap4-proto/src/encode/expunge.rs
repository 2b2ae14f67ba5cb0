//! EXPUNGE and UID EXPUNGE (RFC 3501 6.4.3, RFC 4315 UIDPLUS, RFC 9051 6.4.3, 6.4.9).

use super::{Command, CommandWriter, EncodeError, MessageSet};

/// `EXPUNGE`, or `UID EXPUNGE set` (RFC 4315) to remove only some `\Deleted` messages.
///
/// Neither form refers to messages by sequence number.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Expunge};
/// use imap4_proto::Tag;
///
/// let opts = EncodeOptions::default();
/// assert_eq!(Expunge::new().encode(Tag::from("a1"), opts)?.to_bytes(), "a1 EXPUNGE\r\n");
/// assert_eq!(
///     Expunge::uids(3000..=3002).encode(Tag::from("a2"), opts)?.to_bytes(),
///     "a2 UID EXPUNGE 3000:3002\r\n"
/// );
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "expunge")]
#[doc(alias = "uid")]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expunge {
    uids: Option<MessageSet>,
}

impl Expunge {
    /// `EXPUNGE`: every `\Deleted` message.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Expunge};
    /// use imap4_proto::Tag;
    ///
    /// let enc = Expunge::new().encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 EXPUNGE\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new() -> Expunge {
        Expunge { uids: None }
    }

    /// `UID EXPUNGE set`: the `\Deleted` messages among these UIDs (or `$`).
    ///
    /// Needs `UIDPLUS` (or IMAP4rev2).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Expunge, MessageSet};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Expunge::uids(MessageSet::saved());
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 UID EXPUNGE $\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn uids(set: impl Into<MessageSet>) -> Expunge {
        Expunge {
            uids: Some(set.into()),
        }
    }
}

impl Command for Expunge {
    fn name(&self) -> &'static str {
        if self.uids.is_some() {
            "UID EXPUNGE"
        } else {
            "EXPUNGE"
        }
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        if let Some(set) = &self.uids {
            w.sp();
            w.sequence_set("UID EXPUNGE", set)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::seq::SequenceSet;

    #[test]
    fn expunge() {
        assert_eq!(s(&Expunge::new()), "t EXPUNGE\r\n");
        assert_eq!(s(&Expunge::default()), "t EXPUNGE\r\n");
        assert_eq!(s(&Expunge::uids(MessageSet::Saved)), "t UID EXPUNGE $\r\n");
        let set: SequenceSet = [5, 4, 9].into_iter().collect();
        assert_eq!(s(&Expunge::uids(set)), "t UID EXPUNGE 4:5,9\r\n");
        assert_eq!(
            err(&Expunge::uids(SequenceSet::new())),
            EncodeError::EmptySequenceSet {
                command: "UID EXPUNGE"
            }
        );
        assert!(!Expunge::new().uses_sequence_numbers());
        assert!(!Expunge::uids(1).uses_sequence_numbers());
        assert_eq!(Expunge::uids(1).name(), "UID EXPUNGE");
    }
}
