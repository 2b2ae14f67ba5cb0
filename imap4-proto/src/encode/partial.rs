//! PARTIAL, the obsolete IMAP4 (RFC 1730 6.4.6) partial fetch that imaplib still offers.
//! Modern servers want `FETCH n BODY[section]<start.length>` instead.

use super::{Command, CommandWriter, EncodeError, FetchAttr};

/// `PARTIAL msg item start length` (RFC 1730 6.4.6; imaplib's `partial`).
///
/// `item` must be `RFC822`, `RFC822.HEADER`, `RFC822.TEXT`, `BODY[section]` or
/// `BODY.PEEK[section]` without a byte range (or a [`FetchAttr::Raw`]). The first octet is
/// octet 1; `length` must be at least 1. The message is a sequence number.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, FetchAttr, Partial};
/// use imap4_proto::Tag;
///
/// let cmd = Partial::new(4, FetchAttr::Rfc822, 1, 1024);
/// let enc = cmd.encode(Tag::from("A005"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "A005 PARTIAL 4 RFC822 1 1024\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "partial")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial {
    message: u32,
    item: FetchAttr,
    start: u32,
    length: u32,
}

impl Partial {
    /// PARTIAL of message `message`: `length` octets of `item` from octet `start` (1-based).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, FetchAttr, Partial};
    /// use imap4_proto::{Section, Tag};
    ///
    /// let cmd = Partial::new(7, FetchAttr::body_peek(Section::text()), 1, 512);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 PARTIAL 7 BODY.PEEK[TEXT] 1 512\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(message: u32, item: FetchAttr, start: u32, length: u32) -> Partial {
        Partial {
            message,
            item,
            start,
            length,
        }
    }
}

impl Command for Partial {
    fn name(&self) -> &'static str {
        "PARTIAL"
    }
    fn uses_sequence_numbers(&self) -> bool {
        true
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        let invalid = |reason| EncodeError::Invalid {
            command: "PARTIAL",
            reason,
        };
        if self.message == 0 {
            return Err(EncodeError::EmptySequenceSet { command: "PARTIAL" });
        }
        if self.start == 0 || self.length == 0 {
            return Err(invalid("start and length must be at least 1"));
        }
        match &self.item {
            FetchAttr::Rfc822
            | FetchAttr::Rfc822Header
            | FetchAttr::Rfc822Text
            | FetchAttr::Raw(_)
            | FetchAttr::BodySection { partial: None, .. } => {}
            _ => {
                return Err(invalid(
                    "item must be RFC822, RFC822.HEADER, RFC822.TEXT or BODY[section]",
                ))
            }
        }
        w.sp();
        w.number(u64::from(self.message));
        w.sp();
        self.item.write("PARTIAL", w)?;
        w.sp();
        w.number(u64::from(self.start));
        w.sp();
        w.number(u64::from(self.length));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::types::Section;

    #[test]
    fn partial() {
        assert_eq!(
            s(&Partial::new(
                1,
                FetchAttr::body_peek(Section::text()),
                1,
                100
            )),
            "t PARTIAL 1 BODY.PEEK[TEXT] 1 100\r\n"
        );
        assert_eq!(
            s(&Partial::new(2, FetchAttr::Rfc822Header, 5, 9)),
            "t PARTIAL 2 RFC822.HEADER 5 9\r\n"
        );
        assert!(Partial::new(1, FetchAttr::Rfc822, 1, 1).uses_sequence_numbers());
        for bad in [
            Partial::new(1, FetchAttr::Flags, 1, 1),
            Partial::new(1, FetchAttr::body(Section::default()).partial(0, 5), 1, 1),
            Partial::new(1, FetchAttr::Rfc822, 0, 1),
            Partial::new(1, FetchAttr::Rfc822, 1, 0),
        ] {
            assert!(matches!(err(&bad), EncodeError::Invalid { .. }), "{bad:?}");
        }
        assert_eq!(
            err(&Partial::new(0, FetchAttr::Rfc822, 1, 1)),
            EncodeError::EmptySequenceSet { command: "PARTIAL" }
        );
    }
}
