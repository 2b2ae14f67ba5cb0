//! COPY and MOVE, and their UID forms (RFC 3501 6.4.7, RFC 6851, RFC 9051 6.4.7-8).

use super::{Command, CommandWriter, EncodeError, MessageSet};

macro_rules! copy_like {
    ($(
        $(#[$m:meta])*
        $ty:ident = $name:literal, $uid_name:literal, $alias:literal;
    )*) => {$(
        $(#[$m])*
        ///
        /// `uses_sequence_numbers` is true for the non-UID form with an explicit set (not
        /// for `$`).
        ///
        /// ```
        #[doc = concat!("use imap4_proto::encode::{Command, EncodeOptions, ", stringify!($ty), "};")]
        /// use imap4_proto::Tag;
        ///
        /// let opts = EncodeOptions::default();
        #[doc = concat!("let cmd = ", stringify!($ty), "::new(2..=4, \"Archive\");")]
        #[doc = concat!("assert_eq!(cmd.encode(Tag::from(\"a1\"), opts)?.to_bytes(), \"a1 ", $name, " 2:4 Archive\\r\\n\");")]
        #[doc = concat!("let cmd = ", stringify!($ty), "::new(17, \"Papierkorb/Müll\").uid(true);")]
        #[doc = concat!("assert_eq!(cmd.encode(Tag::from(\"a2\"), opts)?.to_bytes(), \"a2 ", $uid_name, " 17 Papierkorb/M&APw-ll\\r\\n\");")]
        /// # Ok::<(), imap4_proto::encode::EncodeError>(())
        /// ```
        #[doc(alias = $alias)]
        #[doc(alias = "uid")]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $ty {
            set: MessageSet,
            mailbox: String,
            uid: bool,
        }

        impl $ty {
            #[doc = concat!("`", $name, "` the messages in `set` to `mailbox`.")]
            ///
            /// `set` is anything that converts to a [`MessageSet`]: a number, a range, a
            /// [`SequenceSet`](crate::SequenceSet), or `$`.
            ///
            /// ```
            #[doc = concat!("use imap4_proto::encode::{Command, EncodeOptions, MessageSet, ", stringify!($ty), "};")]
            /// use imap4_proto::Tag;
            ///
            #[doc = concat!("let cmd = ", stringify!($ty), "::new(MessageSet::saved(), \"Archive/2024\");")]
            /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
            #[doc = concat!("assert_eq!(enc.to_bytes(), \"a1 ", $name, " $ Archive/2024\\r\\n\");")]
            /// assert!(!cmd.uses_sequence_numbers());
            /// # Ok::<(), imap4_proto::encode::EncodeError>(())
            /// ```
            pub fn new(set: impl Into<MessageSet>, mailbox: impl Into<String>) -> $ty {
                $ty {
                    set: set.into(),
                    mailbox: mailbox.into(),
                    uid: false,
                }
            }

            #[doc = concat!("`", $uid_name, "` (`set` holds UIDs) or `", $name, "`.")]
            ///
            /// ```
            #[doc = concat!("use imap4_proto::encode::{Command, EncodeOptions, ", stringify!($ty), "};")]
            /// use imap4_proto::Tag;
            ///
            #[doc = concat!("let cmd = ", stringify!($ty), "::new(4000.., \"Junk\").uid(true);")]
            /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
            #[doc = concat!("assert_eq!(enc.to_bytes(), \"a1 ", $uid_name, " 4000:* Junk\\r\\n\");")]
            /// assert!(!cmd.uses_sequence_numbers());
            /// # Ok::<(), imap4_proto::encode::EncodeError>(())
            /// ```
            pub fn uid(mut self, yes: bool) -> $ty {
                self.uid = yes;
                self
            }
        }

        impl Command for $ty {
            fn name(&self) -> &'static str {
                if self.uid {
                    $uid_name
                } else {
                    $name
                }
            }
            fn uses_sequence_numbers(&self) -> bool {
                !self.uid && !self.set.is_saved()
            }
            fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
                w.sp();
                w.sequence_set(self.name(), &self.set)?;
                w.sp();
                w.mailbox(&self.mailbox)
            }
        }
    )*};
}

copy_like! {
    /// `COPY set mailbox` / `UID COPY set mailbox` (RFC 3501 6.4.7, RFC 4315 COPYUID).
    Copy = "COPY", "UID COPY", "copy";
    /// `MOVE set mailbox` / `UID MOVE set mailbox` (RFC 6851, RFC 9051 6.4.8).
    Move = "MOVE", "UID MOVE", "move";
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::seq::SequenceSet;

    #[test]
    fn copy_move() {
        assert_eq!(s(&Copy::new(1, "INBOX")), "t COPY 1 INBOX\r\n");
        assert_eq!(
            s(&Move::new(MessageSet::Saved, "Trash").uid(true)),
            "t UID MOVE $ Trash\r\n"
        );
        let set: SequenceSet = [3, 1, 2, 10].into_iter().collect();
        assert_eq!(s(&Move::new(set, "a b")), "t MOVE 1:3,10 \"a b\"\r\n");
        assert_eq!(s_with(&Copy::new(1, "日本"), UTF8), "t COPY 1 \"日本\"\r\n");
        assert_eq!(
            s_with(&Copy::new(1, "x\r\ny"), UTF8),
            "t COPY 1 {4}\r\nx\r\ny\r\n"
        );
    }

    #[test]
    fn errors_and_flags() {
        assert_eq!(
            err(&Copy::new(SequenceSet::new(), "x")),
            EncodeError::EmptySequenceSet { command: "COPY" }
        );
        assert_eq!(
            err(&Move::new(0, "x").uid(true)),
            EncodeError::EmptySequenceSet {
                command: "UID MOVE"
            }
        );
        assert!(Copy::new(1, "x").uses_sequence_numbers());
        assert!(!Copy::new(1, "x").uid(true).uses_sequence_numbers());
        assert!(!Move::new(MessageSet::Saved, "x").uses_sequence_numbers());
        assert_eq!(Copy::new(1, "x").uid(true).name(), "UID COPY");
        assert_eq!(Move::new(1, "x").name(), "MOVE");
    }
}
