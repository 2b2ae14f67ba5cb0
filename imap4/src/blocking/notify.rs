//! NOTIFY (RFC 5465): watch several mailboxes on one connection.

use std::time::Duration;

use imap4_proto::encode::NotifyGroup;

use super::{Client, IdleEvent, Stream};
use crate::error::Result;
use crate::session::block_on;

impl<S: Stream> Client<S> {
    /// `NOTIFY SET`: which changes the server reports, for which mailboxes, from now on
    /// and between commands; read them with [`wait_event`](Self::wait_event). See
    /// [`Session::notify`](crate::Session::notify).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{MailboxFilter, NotifyEvent, NotifyGroup};
    /// use imap4::IdleEvent;
    /// use std::time::Duration;
    /// client.notify(
    ///     [NotifyGroup::new(MailboxFilter::Personal, [NotifyEvent::MessageNew(vec![])])],
    ///     false,
    /// )?;
    /// while let Some(ev) = client.wait_event(Duration::from_secs(300))? {
    ///     if let IdleEvent::MailboxStatus(st) = ev {
    ///         println!("{}: {:?} messages", st.mailbox.name(), st.messages);
    ///     }
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "NOTIFY")]
    pub fn notify(
        &mut self,
        groups: impl IntoIterator<Item = NotifyGroup>,
        status: bool,
    ) -> Result<()> {
        block_on(self.inner.notify(groups, status))
    }

    /// Watches new mail and expunges in every personal mailbox (and the selected one).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.notify_personal()?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn notify_personal(&mut self) -> Result<()> {
        block_on(self.inner.notify_personal())
    }

    /// `NOTIFY NONE`: no more notifications.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.notify_none()?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn notify_none(&mut self) -> Result<()> {
        block_on(self.inner.notify_none())
    }

    /// Waits up to `timeout` for something the server says on its own (NOTIFY events,
    /// queued unsolicited data first); `Ok(None)` when nothing came.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use std::time::Duration;
    /// client.notify_personal()?;
    /// if let Some(ev) = client.wait_event(Duration::from_secs(60))? {
    ///     println!("{ev:?}");
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn wait_event(&mut self, timeout: Duration) -> Result<Option<IdleEvent>> {
        block_on(self.inner.wait_event(timeout))
    }
}
