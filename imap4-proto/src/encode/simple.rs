//! Commands without arguments: CAPABILITY, NOOP, LOGOUT, STARTTLS, CHECK, CLOSE, UNSELECT,
//! NAMESPACE, IDLE, UNAUTHENTICATE.

use bytes::Bytes;

use super::{Command, CommandWriter, EncodeError};

macro_rules! simple {
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
        #[doc = concat!("let enc = ", stringify!($ty), ".encode(Tag::from(\"a1\"), EncodeOptions::default())?;")]
        #[doc = concat!("assert_eq!(enc.to_bytes(), \"a1 ", $name, "\\r\\n\");")]
        /// # Ok::<(), imap4_proto::encode::EncodeError>(())
        /// ```
        #[doc(alias = $alias)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $ty;

        impl Command for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            fn encode_args(&self, _w: &mut CommandWriter) -> Result<(), EncodeError> {
                Ok(())
            }
        }
    )*};
}

simple! {
    /// `CAPABILITY` (RFC 3501 6.1.1): asks for the server's capabilities.
    Capability = "CAPABILITY", "capability";
    /// `NOOP` (RFC 3501 6.1.2): does nothing; lets the server send pending updates.
    Noop = "NOOP", "noop";
    /// `LOGOUT` (RFC 3501 6.1.3): ends the session.
    Logout = "LOGOUT", "logout";
    /// `STARTTLS` (RFC 3501 6.2.1): starts TLS negotiation after the tagged OK.
    StartTls = "STARTTLS", "starttls";
    /// `CHECK` (RFC 3501 6.4.1; removed in IMAP4rev2): a checkpoint of the selected mailbox.
    Check = "CHECK", "check";
    /// `CLOSE` (RFC 3501 6.4.2): expunges `\Deleted` messages and leaves the mailbox.
    Close = "CLOSE", "close";
    /// `UNSELECT` (RFC 3691, RFC 9051 6.4.2): leaves the mailbox without expunging.
    Unselect = "UNSELECT", "unselect";
    /// `NAMESPACE` (RFC 2342, RFC 9051 6.3.10): asks for the personal, other users' and
    /// shared namespaces.
    Namespace = "NAMESPACE", "namespace";
    /// `IDLE` (RFC 2177, RFC 9051 6.3.13): waits for server updates. End it by sending
    /// [`Idle::DONE`] (see [`Idle::done`]) after the server's continuation request.
    Idle = "IDLE", "idle";
    /// `UNAUTHENTICATE` (RFC 8437): back to the not-authenticated state.
    Unauthenticate = "UNAUTHENTICATE", "unauthenticate";
}

impl Idle {
    /// The line that ends IDLE: `DONE` CRLF.
    pub const DONE: &'static [u8] = b"DONE\r\n";

    /// The line that ends IDLE, `DONE` CRLF, as [`Bytes`].
    ///
    /// ```
    /// use imap4_proto::encode::Idle;
    /// assert_eq!(Idle::done(), "DONE\r\n");
    /// ```
    pub fn done() -> Bytes {
        Bytes::from_static(Self::DONE)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn all_simple_commands() {
        let cases: [(&dyn Command, &str); 10] = [
            (&Capability, "CAPABILITY"),
            (&Noop, "NOOP"),
            (&Logout, "LOGOUT"),
            (&StartTls, "STARTTLS"),
            (&Check, "CHECK"),
            (&Close, "CLOSE"),
            (&Unselect, "UNSELECT"),
            (&Namespace, "NAMESPACE"),
            (&Idle, "IDLE"),
            (&Unauthenticate, "UNAUTHENTICATE"),
        ];
        for (cmd, name) in cases {
            assert_eq!(cmd.name(), name);
            assert_eq!(s(cmd), format!("t {name}\r\n"));
            assert!(!cmd.uses_sequence_numbers());
            assert!(!cmd.is_sensitive());
        }
    }

    #[test]
    fn idle_done() {
        assert_eq!(Idle::done(), "DONE\r\n");
        assert_eq!(Idle::DONE, b"DONE\r\n");
    }
}
