use bytes::Bytes;

/// A message envelope (RFC 3501 7.4.2 ENVELOPE). Strings are raw header values (RFC 2047
/// encoded words are not decoded here).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Envelope {
    /// `Date:`
    pub date: Option<Bytes>,
    /// `Subject:`
    pub subject: Option<Bytes>,
    /// `From:`
    pub from: Vec<Address>,
    /// `Sender:`
    pub sender: Vec<Address>,
    /// `Reply-To:`
    pub reply_to: Vec<Address>,
    /// `To:`
    pub to: Vec<Address>,
    /// `Cc:`
    pub cc: Vec<Address>,
    /// `Bcc:`
    pub bcc: Vec<Address>,
    /// `In-Reply-To:`
    pub in_reply_to: Option<Bytes>,
    /// `Message-ID:`
    pub message_id: Option<Bytes>,
}

/// One address of an envelope. Group syntax (RFC 2822 groups) appears as an address with
/// `host: None` and `mailbox: Some(group name)` opening the group, and one with all fields
/// `None` closing it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Address {
    /// Display name.
    pub name: Option<Bytes>,
    /// Source route (obsolete).
    pub adl: Option<Bytes>,
    /// Local part (or group name).
    pub mailbox: Option<Bytes>,
    /// Domain.
    pub host: Option<Bytes>,
}

impl Address {
    /// `mailbox@host` as text, when both are present.
    ///
    /// ```
    /// use imap4_proto::{Address, Bytes};
    /// let a = Address { mailbox: Some(Bytes::from("jo")), host: Some(Bytes::from("ex.org")), ..Default::default() };
    /// assert_eq!(a.email().as_deref(), Some("jo@ex.org"));
    /// ```
    pub fn email(&self) -> Option<String> {
        match (&self.mailbox, &self.host) {
            (Some(m), Some(h)) => Some(format!(
                "{}@{}",
                String::from_utf8_lossy(m),
                String::from_utf8_lossy(h)
            )),
            _ => None,
        }
    }
    /// Whether this entry starts a group (`host` NIL, `mailbox` the group name).
    pub fn is_group_start(&self) -> bool {
        self.host.is_none() && self.mailbox.is_some()
    }
    /// Whether this entry ends a group (all fields NIL... except possibly name).
    pub fn is_group_end(&self) -> bool {
        self.host.is_none() && self.mailbox.is_none()
    }
}
