//! GETQUOTA, GETQUOTAROOT, SETQUOTA (RFC 9208, formerly RFC 2087).

use super::{Command, CommandWriter, EncodeError};

/// `GETQUOTA root` (RFC 9208 4.2): usage and limits of a quota root.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, GetQuota};
/// use imap4_proto::Tag;
///
/// let enc = GetQuota::new("").encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 GETQUOTA \"\"\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "getquota")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetQuota {
    root: String,
}

impl GetQuota {
    /// GETQUOTA of a quota root (an astring, often `""` or `user/bob`).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, GetQuota};
    /// use imap4_proto::Tag;
    ///
    /// let enc = GetQuota::new("user/bob").encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 GETQUOTA user/bob\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(root: impl Into<String>) -> GetQuota {
        GetQuota { root: root.into() }
    }
}

impl Command for GetQuota {
    fn name(&self) -> &'static str {
        "GETQUOTA"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.astring("quota root", self.root.as_bytes())
    }
}

/// `GETQUOTAROOT mailbox` (RFC 9208 4.3): the quota roots of a mailbox and their quotas.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, GetQuotaRoot};
/// use imap4_proto::Tag;
///
/// let enc = GetQuotaRoot::new("INBOX").encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 GETQUOTAROOT INBOX\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "getquotaroot")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetQuotaRoot {
    mailbox: String,
}

impl GetQuotaRoot {
    /// GETQUOTAROOT of a mailbox.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, GetQuotaRoot};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = GetQuotaRoot::new("Sent Items");
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 GETQUOTAROOT \"Sent Items\"\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(mailbox: impl Into<String>) -> GetQuotaRoot {
        GetQuotaRoot {
            mailbox: mailbox.into(),
        }
    }
}

impl Command for GetQuotaRoot {
    fn name(&self) -> &'static str {
        "GETQUOTAROOT"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.mailbox(&self.mailbox)
    }
}

/// `SETQUOTA root (resource limit ...)` (RFC 9208 4.1); an empty list removes every
/// limit. Resource names (`STORAGE` in KiB, `MESSAGE`, `MAILBOX`, `ANNOTATION-STORAGE`)
/// must be atoms.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, SetQuota};
/// use imap4_proto::Tag;
///
/// let enc = SetQuota::new("user/bob", [("STORAGE", 512), ("MESSAGE", 1000)])
///     .encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 SETQUOTA user/bob (STORAGE 512 MESSAGE 1000)\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "setquota")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetQuota {
    root: String,
    limits: Vec<(String, u64)>,
}

impl SetQuota {
    /// SETQUOTA of a quota root with (resource, limit) pairs.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, SetQuota};
    /// use imap4_proto::Tag;
    ///
    /// let opts = EncodeOptions::default();
    /// let enc = SetQuota::new("", [("STORAGE", 1_048_576)]).encode(Tag::from("a1"), opts)?;
    /// assert_eq!(enc.to_bytes(), "a1 SETQUOTA \"\" (STORAGE 1048576)\r\n");
    /// let no_limits: [(&str, u64); 0] = [];
    /// let enc = SetQuota::new("user/bob", no_limits).encode(Tag::from("a2"), opts)?;
    /// assert_eq!(enc.to_bytes(), "a2 SETQUOTA user/bob ()\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new<S: Into<String>>(
        root: impl Into<String>,
        limits: impl IntoIterator<Item = (S, u64)>,
    ) -> SetQuota {
        SetQuota {
            root: root.into(),
            limits: limits.into_iter().map(|(r, l)| (r.into(), l)).collect(),
        }
    }
}

impl Command for SetQuota {
    fn name(&self) -> &'static str {
        "SETQUOTA"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.astring("quota root", self.root.as_bytes())?;
        w.sp();
        w.list(&self.limits, |w, (r, l)| {
            if *l > i64::MAX as u64 {
                return Err(EncodeError::Invalid {
                    command: "SETQUOTA",
                    reason: "quota limit above 2^63-1",
                });
            }
            w.atom("quota resource", r.as_bytes())?;
            w.sp();
            w.number(*l);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn quota() {
        assert_eq!(s(&GetQuota::new("user/bob")), "t GETQUOTA user/bob\r\n");
        assert_eq!(
            s_with(&GetQuota::new("a\r\n"), PLUS),
            "t GETQUOTA {3+}\r\na\r\n\r\n"
        );
        assert_eq!(
            s(&GetQuotaRoot::new("Entwürfe")),
            "t GETQUOTAROOT Entw&APw-rfe\r\n"
        );
        assert_eq!(
            s(&SetQuota::new("", Vec::<(String, u64)>::new())),
            "t SETQUOTA \"\" ()\r\n"
        );
        assert!(matches!(
            err(&SetQuota::new("", [("STOR AGE", 1)])),
            EncodeError::InvalidAtom { .. }
        ));
        assert!(matches!(
            err(&SetQuota::new("", [("STORAGE", u64::MAX)])),
            EncodeError::Invalid { .. }
        ));
        assert!(matches!(
            err(&SetQuota::new("", [("STORAGE\r\n", 1)])),
            EncodeError::InvalidAtom { .. }
        ));
    }
}
