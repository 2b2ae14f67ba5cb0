//! NOTIFY (RFC 5465): watch several mailboxes on one connection, and receive changes
//! between commands without IDLE.

use std::time::{Duration, Instant};

use imap4_proto::encode::{self, MailboxFilter, NotifyEvent, NotifyGroup};

use super::{IdleEvent, Io, Session, Unsolicited};
use crate::error::Result;

impl<T: Io> Session<T> {
    /// `NOTIFY SET`: tells the server which changes to report, for which mailboxes, from
    /// now on and between commands (RFC 5465). Read them with
    /// [`wait_event`](Self::wait_event). Needs the `NOTIFY` capability. With `status`,
    /// the server first sends the current STATUS of every watched mailbox.
    ///
    /// Mailboxes other than the selected one report as
    /// [`IdleEvent::MailboxStatus`]; the selected one as during IDLE (EXISTS, EXPUNGE,
    /// FETCH).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::{MailboxFilter, NotifyEvent, NotifyGroup};
    /// use imap4::IdleEvent;
    /// use std::time::Duration;
    /// client
    ///     .notify(
    ///         [NotifyGroup::new(
    ///             MailboxFilter::Personal,
    ///             [NotifyEvent::MessageNew(vec![]), NotifyEvent::MessageExpunge],
    ///         )],
    ///         false,
    ///     )
    ///     .await?;
    /// while let Some(ev) = client.wait_event(Duration::from_secs(300)).await? {
    ///     if let IdleEvent::MailboxStatus(st) = ev {
    ///         println!("{}: {:?} messages", st.mailbox.name(), st.messages);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "NOTIFY")]
    pub async fn notify(
        &mut self,
        groups: impl IntoIterator<Item = NotifyGroup>,
        status: bool,
    ) -> Result<()> {
        self.require("NOTIFY", "NOTIFY").await?;
        let cmd = encode::Notify::set(groups).status(status);
        let reply = self.run(&cmd).await?;
        // With STATUS, the current state of each mailbox comes with the reply.
        for d in reply.data {
            self.unsolicited.push_back(Unsolicited::Data(d));
        }
        Ok(())
    }

    /// Watches new mail and expunges in every personal mailbox (and the selected one): the
    /// common case of [`notify`](Self::notify).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.notify_personal().await?;
    /// # Ok(()) }
    /// ```
    pub async fn notify_personal(&mut self) -> Result<()> {
        let events = || [NotifyEvent::MessageNew(vec![]), NotifyEvent::MessageExpunge];
        let mut groups = vec![NotifyGroup::new(MailboxFilter::Personal, events())];
        if self.conn.mailbox().is_some() {
            groups.insert(0, NotifyGroup::new(MailboxFilter::Selected, events()));
        }
        self.notify(groups, false).await
    }

    /// `NOTIFY NONE`: no more notifications.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.notify_none().await?;
    /// # Ok(()) }
    /// ```
    pub async fn notify_none(&mut self) -> Result<()> {
        self.require("NOTIFY", "NOTIFY").await?;
        self.run(&encode::Notify::none()).await?;
        Ok(())
    }

    /// Waits up to `timeout` for something the server says on its own, with no command
    /// running: NOTIFY events, and whatever was already queued as unsolicited (that comes
    /// first). `Ok(None)` when nothing arrived in time.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use std::time::Duration;
    /// client.notify_personal().await?;
    /// if let Some(ev) = client.wait_event(Duration::from_secs(60)).await? {
    ///     println!("{ev:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn wait_event(&mut self, timeout: Duration) -> Result<Option<IdleEvent>> {
        self.prepare().await?;
        let deadline = super::deadline(timeout);
        loop {
            if let Some(e) = self.pop_event() {
                return Ok(Some(e));
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            let ev = match self.next_event_until("NOTIFY", deadline - now).await {
                Ok(ev) => ev,
                Err(e) => return Err(self.mark(e)),
            };
            if let Some(ev) = ev {
                if let Some(e) = self.event_between_commands(ev)? {
                    return Ok(Some(e));
                }
            }
        }
    }
}
