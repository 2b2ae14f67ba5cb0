//! ACL commands (RFC 4314): GETACL, SETACL, DELETEACL, MYRIGHTS, LISTRIGHTS.

use super::{Command, CommandWriter, EncodeError};

/// `GETACL mailbox` (RFC 4314 3.3).
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, GetAcl};
/// use imap4_proto::Tag;
///
/// let enc = GetAcl::new("INBOX").encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 GETACL INBOX\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "getacl")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetAcl {
    mailbox: String,
}

impl GetAcl {
    /// GETACL of a mailbox.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, GetAcl};
    /// use imap4_proto::Tag;
    ///
    /// let enc = GetAcl::new("Shared/Team").encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 GETACL Shared/Team\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(mailbox: impl Into<String>) -> GetAcl {
        GetAcl {
            mailbox: mailbox.into(),
        }
    }
}

impl Command for GetAcl {
    fn name(&self) -> &'static str {
        "GETACL"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.mailbox(&self.mailbox)
    }
}

/// `MYRIGHTS mailbox` (RFC 4314 3.5).
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, MyRights};
/// use imap4_proto::Tag;
///
/// let enc = MyRights::new("Shared/Team").encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 MYRIGHTS Shared/Team\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "myrights")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyRights {
    mailbox: String,
}

impl MyRights {
    /// MYRIGHTS on a mailbox.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, MyRights};
    /// use imap4_proto::Tag;
    ///
    /// let enc = MyRights::new("INBOX").encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 MYRIGHTS INBOX\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(mailbox: impl Into<String>) -> MyRights {
        MyRights {
            mailbox: mailbox.into(),
        }
    }
}

impl Command for MyRights {
    fn name(&self) -> &'static str {
        "MYRIGHTS"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.mailbox(&self.mailbox)
    }
}

/// `SETACL mailbox identifier rights` (RFC 4314 3.1); `rights` may start with `+` or `-`
/// to add or remove.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, SetAcl};
/// use imap4_proto::Tag;
///
/// let cmd = SetAcl::new("INBOX", "fred", "+lrsw");
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 SETACL INBOX fred +lrsw\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "setacl")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAcl {
    mailbox: String,
    identifier: String,
    rights: String,
}

impl SetAcl {
    /// SETACL: give `identifier` the `rights` on `mailbox`.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, SetAcl};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = SetAcl::new("Shared/Team", "anyone", "-w");
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 SETACL Shared/Team anyone -w\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(
        mailbox: impl Into<String>,
        identifier: impl Into<String>,
        rights: impl Into<String>,
    ) -> SetAcl {
        SetAcl {
            mailbox: mailbox.into(),
            identifier: identifier.into(),
            rights: rights.into(),
        }
    }
}

impl Command for SetAcl {
    fn name(&self) -> &'static str {
        "SETACL"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.mailbox(&self.mailbox)?;
        w.sp();
        w.astring("ACL identifier", self.identifier.as_bytes())?;
        w.sp();
        w.astring("ACL rights", self.rights.as_bytes())
    }
}

macro_rules! mailbox_identifier {
    ($(
        $(#[$m:meta])*
        $ty:ident = $name:literal, $alias:literal;
    )*) => {$(
        $(#[$m])*
        ///
        /// ```
        #[doc = concat!("use imap4_proto::encode::{Command, EncodeOptions, ", stringify!($ty), "};")]
        /// use imap4_proto::Tag;
        ///
        #[doc = concat!("let enc = ", stringify!($ty), "::new(\"INBOX\", \"anyone\").encode(Tag::from(\"a1\"), EncodeOptions::default())?;")]
        #[doc = concat!("assert_eq!(enc.to_bytes(), \"a1 ", $name, " INBOX anyone\\r\\n\");")]
        /// # Ok::<(), imap4_proto::encode::EncodeError>(())
        /// ```
        #[doc(alias = $alias)]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $ty {
            mailbox: String,
            identifier: String,
        }

        impl $ty {
            #[doc = concat!("`", $name, "` for `identifier` on `mailbox`.")]
            ///
            /// The identifier is a user or group name (`anyone`, `fred`, `$admins`).
            ///
            /// ```
            #[doc = concat!("use imap4_proto::encode::{Command, EncodeOptions, ", stringify!($ty), "};")]
            /// use imap4_proto::Tag;
            ///
            #[doc = concat!("let cmd = ", stringify!($ty), "::new(\"Shared/Team\", \"fred\");")]
            /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
            #[doc = concat!("assert_eq!(enc.to_bytes(), \"a1 ", $name, " Shared/Team fred\\r\\n\");")]
            /// # Ok::<(), imap4_proto::encode::EncodeError>(())
            /// ```
            pub fn new(mailbox: impl Into<String>, identifier: impl Into<String>) -> $ty {
                $ty {
                    mailbox: mailbox.into(),
                    identifier: identifier.into(),
                }
            }
        }

        impl Command for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
                w.sp();
                w.mailbox(&self.mailbox)?;
                w.sp();
                w.astring("ACL identifier", self.identifier.as_bytes())
            }
        }
    )*};
}

mailbox_identifier! {
    /// `DELETEACL mailbox identifier` (RFC 4314 3.2): removes every right of `identifier`.
    DeleteAcl = "DELETEACL", "deleteacl";
    /// `LISTRIGHTS mailbox identifier` (RFC 4314 3.4): the rights that may be granted.
    ListRights = "LISTRIGHTS", "listrights";
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn acl() {
        assert_eq!(s(&GetAcl::new("a b")), "t GETACL \"a b\"\r\n");
        assert_eq!(s(&MyRights::new("inbox")), "t MYRIGHTS INBOX\r\n");
        assert_eq!(
            s(&SetAcl::new("INBOX", "bob smith", "")),
            "t SETACL INBOX \"bob smith\" \"\"\r\n"
        );
        assert_eq!(
            s(&DeleteAcl::new("INBOX", "-fred")),
            "t DELETEACL INBOX -fred\r\n"
        );
        assert_eq!(
            s(&ListRights::new("Büro", "bob")),
            "t LISTRIGHTS B&APw-ro bob\r\n"
        );
        assert_eq!(
            s_with(&SetAcl::new("INBOX", "x\r\ny", "l\nr"), PLUS),
            "t SETACL INBOX {4+}\r\nx\r\ny {3+}\r\nl\nr\r\n"
        );
        assert_eq!(
            err(&SetAcl::new("INBOX", "\0", "r")),
            EncodeError::Nul {
                what: "ACL identifier"
            }
        );
    }
}
