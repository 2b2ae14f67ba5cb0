//! IDLE (RFC 2177, RFC 9051 6.3.13): wait for the server to report changes.

use std::time::{Duration, Instant};

use imap4_proto::{encode, ConnEvent, Data, Fetch, SequenceSet, Status, StatusKind, Tag};

use super::{Io, Session, Step, Unsolicited};
use crate::error::{Abort, Error, Result};

/// A change the server reported while idling (or just before).
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// use imap4::IdleEvent;
/// use std::time::Duration;
/// client.select("INBOX").await?;
/// for ev in client.idle_for(Duration::from_secs(60)).await? {
///     match ev {
///         IdleEvent::Exists(n) => println!("mailbox has {n} messages"),
///         IdleEvent::Expunge(n) => println!("message {n} expunged"),
///         IdleEvent::Fetch(f) => println!("flags of #{} now {:?}", f.seq, f.flags()),
///         other => println!("{other:?}"),
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum IdleEvent {
    /// `* n EXISTS`: the mailbox now has `n` messages (new mail when it grew).
    Exists(u32),
    /// `* n RECENT`.
    Recent(u32),
    /// `* n EXPUNGE`: message number `n` is gone (later numbers shift down).
    Expunge(u32),
    /// `* VANISHED uids` (QRESYNC): these UIDs are gone.
    Vanished(SequenceSet),
    /// `* n FETCH (FLAGS ...)`: a message's flags (or other data) changed.
    Fetch(Fetch),
    /// An untagged status: `* OK [ALERT] ...`, `* OK Still here`, `* NO ...`.
    Status(Status),
    /// `* STATUS mailbox (...)`: another mailbox changed (NOTIFY `MessageNew`,
    /// `MessageExpunge`, `FlagChange` for mailboxes other than the selected one).
    MailboxStatus(super::MailboxStatus),
    /// `* LIST ...`: a mailbox was created, renamed or deleted, or its subscription changed
    /// (NOTIFY `MailboxName`, `SubscriptionChange`).
    MailboxName(imap4_proto::ListData),
    /// Any other untagged data (`* FLAGS`, `* METADATA`, ...).
    Other(Data),
}

impl IdleEvent {
    pub(crate) fn from_data(d: Data) -> IdleEvent {
        match d {
            Data::Status { mailbox, items } => {
                IdleEvent::MailboxStatus(super::MailboxStatus::from_items(mailbox, items))
            }
            Data::List(l) => IdleEvent::MailboxName(l),
            Data::Exists(n) => IdleEvent::Exists(n),
            Data::Recent(n) => IdleEvent::Recent(n),
            Data::Expunge(n) => IdleEvent::Expunge(n),
            Data::Vanished { uids, .. } => IdleEvent::Vanished(uids),
            Data::Fetch(f) => IdleEvent::Fetch(f),
            d => IdleEvent::Other(d),
        }
    }
}

/// A running IDLE; see [`Session::idle`]. It borrows the session: end it with
/// [`done`](Idle::done) (or drop it: `DONE` is sent and the completion is read before the
/// next command).
///
/// IDLE is re-issued transparently every [`Timeouts::idle_refresh`](crate::Timeouts)
/// (25 minutes by default), before servers' 30-minute inactivity limit.
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// use imap4::IdleEvent;
/// use std::time::Duration;
/// client.select("INBOX").await?;
/// let mut idle = client.idle().await?;
/// // Until new mail arrives, or 10 minutes pass with no event at all:
/// while let Some(ev) = idle.wait(Duration::from_secs(600)).await? {
///     if let IdleEvent::Exists(n) = ev {
///         println!("INBOX now has {n} messages");
///         break;
///     }
/// }
/// idle.done().await?; // the session is free for commands again
/// client.noop().await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Idle<'a, T: Io> {
    client: &'a mut Session<T>,
    tag: Option<Tag>,
    since: Instant,
}

impl<T: Io> Session<T> {
    /// Starts `IDLE` (imaplib's `idle()`): returns once the server accepted it. Needs the
    /// `IDLE` capability (or IMAP4rev2) and a selected mailbox for mailbox events.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use std::time::Duration;
    /// client.select("INBOX").await?;
    /// let mut idle = client.idle().await?;
    /// while let Some(ev) = idle.wait(Duration::from_secs(300)).await? {
    ///     println!("{ev:?}");
    /// }
    /// idle.done().await?; // nothing for 5 minutes
    /// # Ok(()) }
    /// ```
    #[doc(alias = "IDLE")]
    pub async fn idle(&mut self) -> Result<Idle<'_, T>> {
        if !self.has_capability("IMAP4rev2").await? {
            self.require("IDLE", "IDLE").await?;
        }
        let tag = self.start_idle().await?;
        Ok(Idle {
            client: self,
            tag: Some(tag),
            since: Instant::now(),
        })
    }

    /// Idles for `duration`, then ends IDLE and returns what happened, in order (imaplib
    /// 3.14's `with M.idle(duration) as idler: list(idler)`).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use std::time::Duration;
    /// client.select("INBOX").await?;
    /// let events = client.idle_for(Duration::from_secs(30)).await?;
    /// println!("{} changes", events.len());
    /// # Ok(()) }
    /// ```
    pub async fn idle_for(&mut self, duration: Duration) -> Result<Vec<IdleEvent>> {
        let deadline = super::deadline(duration);
        let mut idle = self.idle().await?;
        let mut events = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match idle.wait(left).await? {
                Some(e) => events.push(e),
                None => break,
            }
        }
        idle.done().await?;
        Ok(events)
    }

    /// The oldest queued unsolicited response as an event (unreadable ones are dropped).
    pub(crate) fn pop_event(&mut self) -> Option<IdleEvent> {
        while let Some(u) = self.unsolicited.pop_front() {
            match u {
                Unsolicited::Data(d) => return Some(IdleEvent::from_data(d)),
                Unsolicited::Status(s) => return Some(IdleEvent::Status(s)),
                Unsolicited::Malformed(_) => {}
            }
        }
        None
    }

    /// What a connection event that no command waits for means to the caller (during
    /// IDLE, or between commands under NOTIFY): an event, nothing, or the end (`BYE`,
    /// which marks the session unusable). Unreadable responses are queued.
    pub(crate) fn event_between_commands(&mut self, ev: ConnEvent) -> Result<Option<IdleEvent>> {
        match ev {
            ConnEvent::Data { data, .. } => Ok(Some(IdleEvent::from_data(data))),
            ConnEvent::Untagged(s) | ConnEvent::ReadOnly(s) => Ok(Some(IdleEvent::Status(s))),
            ConnEvent::Bye(s) => Err(self.mark(Abort::Bye(s.text_str().into_owned()).into())),
            ConnEvent::Malformed(m) => {
                self.unsolicited.push_back(Unsolicited::Malformed(m));
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    /// Sends IDLE and waits for the continuation.
    async fn start_idle(&mut self) -> Result<Tag> {
        let tag = self.start(&encode::Idle).await?;
        loop {
            match self.step(&tag, "IDLE").await? {
                Step::Continue(_) => {
                    self.idling = Some(tag.clone());
                    return Ok(tag);
                }
                Step::Done(status) => {
                    self.completion("IDLE", status)?;
                    return Err(self.mark(
                        Abort::Protocol(imap4_proto::ProtocolError::UnexpectedContinue(
                            bytes::Bytes::from_static(b"IDLE completed before it started"),
                        ))
                        .into(),
                    ));
                }
                Step::Data(d) => self.unsolicited.push_back(Unsolicited::Data(d)),
                _ => {}
            }
        }
    }
}

impl<T: Io> Idle<'_, T> {
    /// Waits up to `timeout` for the next event; `Ok(None)` when nothing happened in that
    /// time (IDLE goes on). Events that arrived before IDLE started (still in the
    /// unsolicited queue) come first.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::IdleEvent;
    /// use std::time::Duration;
    /// client.select("INBOX").await?;
    /// let mut idle = client.idle().await?;
    /// loop {
    ///     if let Some(IdleEvent::Exists(n)) = idle.wait(Duration::from_secs(60)).await? {
    ///         println!("new mail: {n} messages");
    ///         break;
    ///     }
    /// }
    /// idle.done().await?;
    /// # Ok(()) }
    /// ```
    pub async fn wait(&mut self, timeout: Duration) -> Result<Option<IdleEvent>> {
        let deadline = super::deadline(timeout);
        loop {
            if let Some(e) = self.client.pop_event() {
                return Ok(Some(e));
            }
            let Some(tag) = self.tag.clone() else {
                return Err(Error::State {
                    command: "IDLE",
                    needed: imap4_proto::ConnState::Selected,
                    state: self.client.conn.state(),
                });
            };
            // A floor: a zero refresh would re-issue IDLE without ever waiting.
            let refresh = self
                .client
                .timeouts
                .idle_refresh
                .max(Duration::from_millis(100));
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            if self.since.elapsed() >= refresh {
                self.restart().await?;
                continue;
            }
            let until_refresh = refresh.saturating_sub(self.since.elapsed());
            let wait = (deadline - now).min(until_refresh);
            let ev = match self.client.next_event_until("IDLE", wait).await {
                Ok(ev) => ev,
                Err(e) => {
                    self.tag = None;
                    return Err(self.client.mark(e));
                }
            };
            match ev {
                None => continue,
                Some(ConnEvent::Done { tag: t, status, .. }) if t == tag => {
                    // The server ended IDLE by itself: start again unless it refused.
                    self.tag = None;
                    if status.kind != StatusKind::Ok {
                        self.client.completion("IDLE", status)?;
                    }
                    self.client.idling = None;
                    self.tag = Some(self.client.start_idle().await?);
                    self.since = Instant::now();
                }
                Some(ev) => match self.client.event_between_commands(ev) {
                    Ok(Some(e)) => return Ok(Some(e)),
                    Ok(None) => {}
                    Err(e) => {
                        self.tag = None;
                        return Err(e);
                    }
                },
            }
        }
    }

    /// Ends IDLE and starts it again (the keep-alive).
    async fn restart(&mut self) -> Result<()> {
        self.finish().await?;
        self.tag = Some(self.client.start_idle().await?);
        self.since = Instant::now();
        Ok(())
    }

    /// Sends DONE and reads up to the completion; data arriving meanwhile is queued.
    async fn finish(&mut self) -> Result<()> {
        let Some(tag) = self.tag.clone() else {
            return Ok(());
        };
        if self.client.idling.take().is_some() {
            self.client.conn.idle_done();
        }
        loop {
            match self.client.step(&tag, "IDLE").await? {
                Step::Done(status) => {
                    self.tag = None;
                    self.client.completion("IDLE", status)?;
                    return Ok(());
                }
                Step::Data(d) => self.client.unsolicited.push_back(Unsolicited::Data(d)),
                _ => {}
            }
        }
    }

    /// Ends IDLE (`DONE`) and waits for the server's completion. Events that arrive in
    /// between stay in [`Session::take_unsolicited`].
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.select("INBOX").await?;
    /// let idle = client.idle().await?;
    /// idle.done().await?;
    /// client.noop().await?; // the connection is free again
    /// # Ok(()) }
    /// ```
    #[doc(alias = "DONE")]
    pub async fn done(mut self) -> Result<()> {
        self.finish().await
    }
}
