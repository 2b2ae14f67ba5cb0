//! ENABLE (RFC 5161, RFC 9051 6.3.1).

use super::{Command, CommandWriter, EncodeError};

/// `ENABLE cap ...` (RFC 5161): turns on extensions such as `CONDSTORE`, `QRESYNC`,
/// `UTF8=ACCEPT`, `IMAP4rev2`. At least one capability; each must be an atom.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Enable};
/// use imap4_proto::Tag;
///
/// let cmd = Enable::new(["QRESYNC", "UTF8=ACCEPT"]);
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 ENABLE QRESYNC UTF8=ACCEPT\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "enable")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enable {
    capabilities: Vec<String>,
}

impl Enable {
    /// ENABLE these capabilities.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Enable};
    /// use imap4_proto::Tag;
    ///
    /// let enc = Enable::new(["CONDSTORE"]).encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 ENABLE CONDSTORE\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new<S: Into<String>>(capabilities: impl IntoIterator<Item = S>) -> Enable {
        Enable {
            capabilities: capabilities.into_iter().map(Into::into).collect(),
        }
    }
}

impl Command for Enable {
    fn name(&self) -> &'static str {
        "ENABLE"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        if self.capabilities.is_empty() {
            return Err(EncodeError::Invalid {
                command: "ENABLE",
                reason: "no capability to enable",
            });
        }
        for c in &self.capabilities {
            w.sp();
            w.atom("capability", c.as_bytes())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn enable() {
        assert_eq!(s(&Enable::new(["CONDSTORE"])), "t ENABLE CONDSTORE\r\n");
        assert_eq!(
            s(&Enable::new(["IMAP4rev2", "X-FOO"])),
            "t ENABLE IMAP4rev2 X-FOO\r\n"
        );
        assert!(matches!(
            err(&Enable::new(Vec::<String>::new())),
            EncodeError::Invalid { .. }
        ));
        assert!(matches!(
            err(&Enable::new(["QRESYNC\r\nt2 LOGOUT"])),
            EncodeError::InvalidAtom { .. }
        ));
        assert!(matches!(
            err(&Enable::new(["A B"])),
            EncodeError::InvalidAtom { .. }
        ));
    }
}
