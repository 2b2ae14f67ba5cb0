//! IDLE (RFC 2177, RFC 9051 6.3.13): wait for the server to report changes.

use std::time::{Duration, Instant};

use imap4_proto::{encode, ConnEvent, Data, Fetch, SequenceSet, Status, StatusKind, Tag};

use super::{Client, Step, Stream, Unsolicited};
use crate::error::{Abort, Error, Result};
use crate::transport::Transport;

/// A change the server reported while idling (or just before).
///
/// ```no_run
/// # let mut client: imap4::blocking::Client = todo!();
/// use imap4::blocking::IdleEvent;
/// use std::time::Duration;
/// client.select("INBOX")?;
/// for ev in client.idle_for(Duration::from_secs(60))? {
///     match ev {
///         IdleEvent::Exists(n) => println!("mailbox has {n} messages"),
///         IdleEvent::Expunge(n) => println!("message {n} expunged"),
///         IdleEvent::Fetch(f) => println!("flags of #{} now {:?}", f.seq, f.flags()),
///         other => println!("{other:?}"),
///     }
/// }
/// # Ok::<(), imap4::Error>(())
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
    /// Any other untagged data (`* FLAGS`, `* STATUS` from NOTIFY, ...).
    Other(Data),
}

impl IdleEvent {
    fn from_data(d: Data) -> IdleEvent {
        match d {
            Data::Exists(n) => IdleEvent::Exists(n),
            Data::Recent(n) => IdleEvent::Recent(n),
            Data::Expunge(n) => IdleEvent::Expunge(n),
            Data::Vanished { uids, .. } => IdleEvent::Vanished(uids),
            Data::Fetch(f) => IdleEvent::Fetch(f),
            d => IdleEvent::Other(d),
        }
    }
}

/// A running IDLE; see [`Client::idle`]. It borrows the client: end it with
/// [`done`](Idle::done) (or drop it: `DONE` is sent and the completion is read before the
/// next command).
///
/// IDLE is re-issued transparently every [`Timeouts::idle_refresh`](super::Timeouts)
/// (25 minutes by default), before servers' 30-minute inactivity limit.
#[derive(Debug)]
pub struct Idle<'a, S: Stream = Transport> {
    client: &'a mut Client<S>,
    tag: Option<Tag>,
    since: Instant,
}

impl<S: Stream> Client<S> {
    /// Starts `IDLE` (imaplib's `idle()`): returns once the server accepted it. Needs the
    /// `IDLE` capability (or IMAP4rev2) and a selected mailbox for mailbox events.
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// use std::time::Duration;
    /// client.select("INBOX")?;
    /// let mut idle = client.idle()?;
    /// while let Some(ev) = idle.wait(Duration::from_secs(300))? {
    ///     println!("{ev:?}");
    /// }
    /// idle.done()?; // nothing for 5 minutes
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "IDLE")]
    pub fn idle(&mut self) -> Result<Idle<'_, S>> {
        if !self.has_capability("IMAP4rev2")? {
            self.require("IDLE", "IDLE")?;
        }
        let tag = self.start_idle()?;
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
    /// # let mut client: imap4::blocking::Client = todo!();
    /// use std::time::Duration;
    /// client.select("INBOX")?;
    /// let events = client.idle_for(Duration::from_secs(30))?;
    /// println!("{} changes", events.len());
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn idle_for(&mut self, duration: Duration) -> Result<Vec<IdleEvent>> {
        let deadline = Instant::now() + duration;
        let mut idle = self.idle()?;
        let mut events = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match idle.wait(left)? {
                Some(e) => events.push(e),
                None => break,
            }
        }
        idle.done()?;
        Ok(events)
    }

    /// Sends IDLE and waits for the continuation.
    fn start_idle(&mut self) -> Result<Tag> {
        let tag = self.start(&encode::Idle)?;
        loop {
            match self.step(&tag, "IDLE")? {
                Step::Continue(_) => return Ok(tag),
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

impl<S: Stream> Idle<'_, S> {
    /// Waits up to `timeout` for the next event; `Ok(None)` when nothing happened in that
    /// time (IDLE goes on). Events that arrived before IDLE started (still in the
    /// unsolicited queue) come first.
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// use imap4::blocking::IdleEvent;
    /// use std::time::Duration;
    /// client.select("INBOX")?;
    /// let mut idle = client.idle()?;
    /// loop {
    ///     if let Some(IdleEvent::Exists(n)) = idle.wait(Duration::from_secs(60))? {
    ///         println!("new mail: {n} messages");
    ///         break;
    ///     }
    /// }
    /// idle.done()?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn wait(&mut self, timeout: Duration) -> Result<Option<IdleEvent>> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(u) = self.client.unsolicited.pop_front() {
                match u {
                    Unsolicited::Data(d) => return Ok(Some(IdleEvent::from_data(d))),
                    Unsolicited::Status(s) => return Ok(Some(IdleEvent::Status(s))),
                    Unsolicited::Malformed(_) => continue,
                }
            }
            let Some(tag) = self.tag.clone() else {
                return Err(Error::State {
                    command: "IDLE",
                    needed: imap4_proto::ConnState::Selected,
                    state: self.client.conn.state(),
                });
            };
            let refresh = self.client.timeouts.idle_refresh;
            if self.since.elapsed() >= refresh {
                self.restart()?;
                continue;
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            let until_refresh = refresh.saturating_sub(self.since.elapsed());
            let wait = (deadline - now).min(until_refresh);
            let ev = match self.client.next_event_until("IDLE", wait) {
                Ok(ev) => ev,
                Err(e) => {
                    self.tag = None;
                    return Err(self.client.mark(e));
                }
            };
            match ev {
                None => continue,
                Some(ConnEvent::Data { data, .. }) => {
                    return Ok(Some(IdleEvent::from_data(data)));
                }
                Some(ConnEvent::Untagged(s)) | Some(ConnEvent::ReadOnly(s)) => {
                    return Ok(Some(IdleEvent::Status(s)));
                }
                Some(ConnEvent::Bye(s)) => {
                    self.tag = None;
                    let e = Abort::Bye(s.text_str().into_owned()).into();
                    return Err(self.client.mark(e));
                }
                Some(ConnEvent::Done { tag: t, status, .. }) if t == tag => {
                    // The server ended IDLE by itself: start again unless it refused.
                    self.tag = None;
                    if status.kind != StatusKind::Ok {
                        self.client.completion("IDLE", status)?;
                    }
                    self.tag = Some(self.client.start_idle()?);
                    self.since = Instant::now();
                }
                Some(ConnEvent::Malformed(m)) => {
                    self.client.unsolicited.push_back(Unsolicited::Malformed(m));
                }
                Some(_) => {}
            }
        }
    }

    /// Ends IDLE and starts it again (the keep-alive).
    fn restart(&mut self) -> Result<()> {
        self.finish()?;
        self.tag = Some(self.client.start_idle()?);
        self.since = Instant::now();
        Ok(())
    }

    /// Sends DONE and reads up to the completion; data arriving meanwhile is queued.
    fn finish(&mut self) -> Result<()> {
        let Some(tag) = self.tag.take() else {
            return Ok(());
        };
        self.client.conn.idle_done();
        loop {
            match self.client.step(&tag, "IDLE")? {
                Step::Done(status) => {
                    self.client.completion("IDLE", status)?;
                    return Ok(());
                }
                Step::Data(d) => self.client.unsolicited.push_back(Unsolicited::Data(d)),
                _ => {}
            }
        }
    }

    /// Ends IDLE (`DONE`) and waits for the server's completion. Events that arrive in
    /// between stay in [`Client::take_unsolicited`].
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// client.select("INBOX")?;
    /// let idle = client.idle()?;
    /// idle.done()?;
    /// client.noop()?; // the connection is free again
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "DONE")]
    pub fn done(mut self) -> Result<()> {
        self.finish()
    }
}

impl<S: Stream> Drop for Idle<'_, S> {
    fn drop(&mut self) {
        if let Some(tag) = self.tag.take() {
            self.client.conn.idle_done();
            // Best effort now; the completion is read before the next command.
            let _ = self.client.flush();
            self.client.abandoned.push((tag, "IDLE"));
        }
    }
}
