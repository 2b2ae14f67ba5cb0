//! SELECT and EXAMINE, with the CONDSTORE and QRESYNC parameters (RFC 7162).

use crate::seq::SequenceSet;

use super::{Command, CommandWriter, EncodeError, MessageSet};

/// Largest mod-sequence value (RFC 7162: positive 63-bit).
pub(crate) const MAX_MODSEQ: u64 = i64::MAX as u64;

/// `SELECT mailbox [(params)]` or, read-only, `EXAMINE mailbox [(params)]`
/// (RFC 3501 6.3.1-2, RFC 7162 3.1.8, 3.2.5).
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, QResync, Select};
/// use imap4_proto::{SequenceSet, Tag};
///
/// let opts = EncodeOptions::default();
/// let enc = Select::new("INBOX").encode(Tag::from("a1"), opts)?;
/// assert_eq!(enc.to_bytes(), "a1 SELECT INBOX\r\n");
///
/// let enc = Select::examine("Entwürfe").condstore(true).encode(Tag::from("a2"), opts)?;
/// assert_eq!(enc.to_bytes(), "a2 EXAMINE Entw&APw-rfe (CONDSTORE)\r\n");
///
/// let q = QResync::new(67890007, 20050715194045000)
///     .known_uids(SequenceSet::range(41, 211)?)
///     .seq_match(SequenceSet::parse(b"1,3,5")?, SequenceSet::parse(b"41,43,45")?);
/// let enc = Select::new("INBOX").qresync(q).encode(Tag::from("a3"), opts)?;
/// assert_eq!(
///     enc.to_bytes(),
///     "a3 SELECT INBOX (QRESYNC (67890007 20050715194045000 41:211 (1,3,5 41,43,45)))\r\n"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "select")]
#[doc(alias = "examine")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Select {
    mailbox: String,
    read_only: bool,
    condstore: bool,
    qresync: Option<QResync>,
}

impl Select {
    /// `SELECT mailbox` (read-write).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Select};
    /// use imap4_proto::Tag;
    ///
    /// let enc = Select::new("Sent Items").encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 SELECT \"Sent Items\"\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(mailbox: impl Into<String>) -> Select {
        Select {
            mailbox: mailbox.into(),
            read_only: false,
            condstore: false,
            qresync: None,
        }
    }

    /// `EXAMINE mailbox` (read-only; imaplib's `select(mailbox, readonly=True)`).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Select};
    /// use imap4_proto::Tag;
    ///
    /// let enc = Select::examine("Archive").encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 EXAMINE Archive\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn examine(mailbox: impl Into<String>) -> Select {
        Select::new(mailbox).read_only(true)
    }

    /// Read-only (EXAMINE) or not (SELECT).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Select};
    ///
    /// let readonly = true; // e.g. from a user setting
    /// assert_eq!(Select::new("INBOX").read_only(readonly).name(), "EXAMINE");
    /// assert_eq!(Select::examine("INBOX").read_only(false).name(), "SELECT");
    /// ```
    pub fn read_only(mut self, yes: bool) -> Select {
        self.read_only = yes;
        self
    }

    /// Adds the `CONDSTORE` parameter (RFC 7162 3.1.8): enables mod-sequences.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Select};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Select::new("INBOX").condstore(true);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 SELECT INBOX (CONDSTORE)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn condstore(mut self, yes: bool) -> Select {
        self.condstore = yes;
        self
    }

    /// Adds the `QRESYNC` parameter (RFC 7162 3.2.5); QRESYNC must have been ENABLEd.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, QResync, Select};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Select::new("INBOX").qresync(QResync::new(67890007, 90060115194045000));
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 SELECT INBOX (QRESYNC (67890007 90060115194045000))\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn qresync(mut self, q: QResync) -> Select {
        self.qresync = Some(q);
        self
    }

    /// The mailbox name, as given.
    ///
    /// Not encoded: `Entwürfe` stays `Entwürfe` here.
    ///
    /// ```
    /// use imap4_proto::encode::Select;
    /// assert_eq!(Select::examine("Entwürfe").mailbox(), "Entwürfe");
    /// ```
    pub fn mailbox(&self) -> &str {
        &self.mailbox
    }
}

impl Command for Select {
    fn name(&self) -> &'static str {
        if self.read_only {
            "EXAMINE"
        } else {
            "SELECT"
        }
    }

    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.mailbox(&self.mailbox)?;
        if !self.condstore && self.qresync.is_none() {
            return Ok(());
        }
        w.raw(b" (");
        if self.condstore {
            w.raw(b"CONDSTORE");
        }
        if let Some(q) = &self.qresync {
            if self.condstore {
                w.sp();
            }
            q.encode(self.name(), w)?;
        }
        w.raw(b")");
        Ok(())
    }
}

/// The `QRESYNC` SELECT/EXAMINE parameter (RFC 7162 3.2.5):
/// `QRESYNC (uidvalidity modseq [known-uids] [(known-seqs known-uids)])`.
///
/// Neither set may be empty or hold `*`; the UIDVALIDITY and mod-sequence must not be 0.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, QResync, Select};
/// use imap4_proto::{SequenceSet, Tag};
///
/// // Remembered from the last session: UIDVALIDITY, HIGHESTMODSEQ and the UIDs seen.
/// let known = SequenceSet::range(1, 500)?;
/// let q = QResync::new(3857529045, 20010715194032001).known_uids(known);
/// let enc = Select::new("INBOX").qresync(q).encode(Tag::from("a1"), EncodeOptions::default())?;
/// let expected = "a1 SELECT INBOX (QRESYNC (3857529045 20010715194032001 1:500))\r\n";
/// assert_eq!(enc.to_bytes(), expected);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QResync {
    uid_validity: u32,
    modseq: u64,
    known_uids: Option<SequenceSet>,
    seq_match: Option<(SequenceSet, SequenceSet)>,
}

impl QResync {
    /// The UIDVALIDITY and HIGHESTMODSEQ the client last knew.
    ///
    /// Both must be non-zero (the mod-sequence at most 2^63-1), or encoding fails.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, QResync, Select};
    /// use imap4_proto::Tag;
    ///
    /// let opts = EncodeOptions::default();
    /// let cmd = Select::new("INBOX").qresync(QResync::new(3857529045, 20010715194032001));
    /// let enc = cmd.encode(Tag::from("a1"), opts)?;
    /// assert_eq!(enc.to_bytes(), "a1 SELECT INBOX (QRESYNC (3857529045 20010715194032001))\r\n");
    /// let unknown = Select::new("INBOX").qresync(QResync::new(0, 1));
    /// assert!(unknown.encode(Tag::from("a2"), opts).is_err());
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(uid_validity: u32, modseq: u64) -> QResync {
        QResync {
            uid_validity,
            modseq,
            known_uids: None,
            seq_match: None,
        }
    }

    /// The UIDs the client knows (optional).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, QResync, Select};
    /// use imap4_proto::{SequenceSet, Tag};
    ///
    /// let known = SequenceSet::parse(b"1:20,41")?;
    /// let q = QResync::new(67890007, 20050715194045000).known_uids(known);
    /// let cmd = Select::new("INBOX").qresync(q);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// let expected = "a1 SELECT INBOX (QRESYNC (67890007 20050715194045000 1:20,41))\r\n";
    /// assert_eq!(enc.to_bytes(), expected);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn known_uids(mut self, uids: SequenceSet) -> QResync {
        self.known_uids = Some(uids);
        self
    }

    /// Message sequence numbers and the UIDs they correspond to, same count and order
    /// (optional; lets the server find the first changed message quickly).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, QResync, Select};
    /// use imap4_proto::{SequenceSet, Tag};
    ///
    /// let q = QResync::new(67890007, 20050715194045000)
    ///     .seq_match(SequenceSet::parse(b"1,10,100")?, SequenceSet::parse(b"3,42,512")?);
    /// let cmd = Select::new("INBOX").qresync(q);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(
    ///     enc.to_bytes(),
    ///     "a1 SELECT INBOX (QRESYNC (67890007 20050715194045000 (1,10,100 3,42,512)))\r\n"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn seq_match(mut self, seqs: SequenceSet, uids: SequenceSet) -> QResync {
        self.seq_match = Some((seqs, uids));
        self
    }

    fn encode(&self, command: &'static str, w: &mut CommandWriter) -> Result<(), EncodeError> {
        if self.uid_validity == 0 {
            return Err(EncodeError::Invalid {
                command,
                reason: "QRESYNC UIDVALIDITY must not be 0",
            });
        }
        if self.modseq == 0 || self.modseq > MAX_MODSEQ {
            return Err(EncodeError::Invalid {
                command,
                reason: "QRESYNC mod-sequence must be between 1 and 2^63-1",
            });
        }
        let no_star = |s: &SequenceSet| -> Result<(), EncodeError> {
            if s.has_star() {
                Err(EncodeError::Invalid {
                    command,
                    reason: "QRESYNC sets must not contain '*'",
                })
            } else {
                Ok(())
            }
        };
        w.raw(b"QRESYNC (");
        w.number(u64::from(self.uid_validity));
        w.sp();
        w.number(self.modseq);
        if let Some(k) = &self.known_uids {
            no_star(k)?;
            w.sp();
            w.sequence_set(command, &MessageSet::Set(k.clone()))?;
        }
        if let Some((seqs, uids)) = &self.seq_match {
            no_star(seqs)?;
            no_star(uids)?;
            w.raw(b" (");
            w.sequence_set(command, &MessageSet::Set(seqs.clone()))?;
            w.sp();
            w.sequence_set(command, &MessageSet::Set(uids.clone()))?;
            w.raw(b")");
        }
        w.raw(b")");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    fn set(s: &str) -> SequenceSet {
        SequenceSet::parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn select_examine() {
        assert_eq!(s(&Select::new("inbox")), "t SELECT INBOX\r\n");
        assert_eq!(s(&Select::examine("INBOX")), "t EXAMINE INBOX\r\n");
        assert_eq!(Select::examine("x").name(), "EXAMINE");
        assert_eq!(Select::examine("x").read_only(false).name(), "SELECT");
        assert_eq!(s(&Select::new("Sent Items")), "t SELECT \"Sent Items\"\r\n");
        assert_eq!(s(&Select::new("台北")), "t SELECT &U,BTFw-\r\n");
        assert_eq!(s_with(&Select::new("台北"), UTF8), "t SELECT \"台北\"\r\n");
        assert_eq!(s(&Select::new("a\"b\\c")), "t SELECT \"a\\\"b\\\\c\"\r\n");
        assert_eq!(Select::new("x").mailbox(), "x");
    }

    #[test]
    fn mailbox_crlf_injection() {
        // Modified UTF-7 encodes control characters.
        assert_eq!(
            s(&Select::new("x\r\nt2 LOGOUT")),
            "t SELECT \"x&AA0ACg-t2 LOGOUT\"\r\n"
        );
        // With UTF-8 on, a literal.
        assert_eq!(
            s_with(&Select::new("x\r\nt2 LOGOUT"), UTF8),
            "t SELECT {12}\r\nx\r\nt2 LOGOUT\r\n"
        );
    }

    #[test]
    fn condstore_qresync() {
        assert_eq!(
            s(&Select::new("INBOX").condstore(true)),
            "t SELECT INBOX (CONDSTORE)\r\n"
        );
        assert_eq!(
            s(&Select::new("INBOX").qresync(QResync::new(1, 2))),
            "t SELECT INBOX (QRESYNC (1 2))\r\n"
        );
        assert_eq!(
            s(&Select::new("INBOX")
                .condstore(true)
                .qresync(QResync::new(1, 2).known_uids(set("5,1:3")))),
            "t SELECT INBOX (CONDSTORE QRESYNC (1 2 1:3,5))\r\n"
        );
        // seq-match without known-uids is allowed by the grammar.
        assert_eq!(
            s(&Select::examine("INBOX").qresync(QResync::new(1, 2).seq_match(set("1"), set("7")))),
            "t EXAMINE INBOX (QRESYNC (1 2 (1 7)))\r\n"
        );
    }

    #[test]
    fn qresync_errors() {
        let sel = |q| Select::new("INBOX").qresync(q);
        assert!(matches!(
            err(&sel(QResync::new(0, 2))),
            EncodeError::Invalid {
                command: "SELECT",
                ..
            }
        ));
        assert!(matches!(
            err(&sel(QResync::new(1, 0))),
            EncodeError::Invalid { .. }
        ));
        assert!(matches!(
            err(&sel(QResync::new(1, u64::MAX))),
            EncodeError::Invalid { .. }
        ));
        assert_eq!(
            err(&sel(QResync::new(1, 2).known_uids(SequenceSet::new()))),
            EncodeError::EmptySequenceSet { command: "SELECT" }
        );
        assert!(matches!(
            err(&sel(QResync::new(1, 2).known_uids(set("1:*")))),
            EncodeError::Invalid { .. }
        ));
        assert!(matches!(
            err(&sel(QResync::new(1, 2).seq_match(set("1"), set("*")))),
            EncodeError::Invalid { .. }
        ));
    }
}
