//! IDLE (RFC 2177, RFC 9051 6.3.13): wait for the server to report changes.

use std::time::Duration;

use super::{BlockingIo, Client, IdleEvent, Stream};
use crate::error::Result;
use crate::session::{self, block_on};
use crate::transport::Transport;

/// A running IDLE; see [`Client::idle`]. It borrows the client: end it with
/// [`done`](Idle::done) (or drop it: `DONE` is sent and the completion is read before the
/// next command).
///
/// IDLE is re-issued transparently every [`Timeouts::idle_refresh`](super::Timeouts)
/// (25 minutes by default), before servers' 30-minute inactivity limit.
///
/// ```no_run
/// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
/// use imap4::blocking::IdleEvent;
/// use std::time::Duration;
/// client.select("INBOX")?;
/// let mut idle = client.idle()?;
/// // Until new mail arrives, or 10 minutes pass with no event at all:
/// while let Some(ev) = idle.wait(Duration::from_secs(600))? {
///     if let IdleEvent::Exists(n) = ev {
///         println!("INBOX now has {n} messages");
///         break;
///     }
/// }
/// idle.done()?; // the client is free for commands again
/// client.noop()?;
/// # Ok::<(), imap4::Error>(())
/// ```
#[derive(Debug)]
pub struct Idle<'a, S: Stream = Transport> {
    inner: session::Idle<'a, BlockingIo<S>>,
}

impl<S: Stream> Client<S> {
    /// Starts `IDLE` (imaplib's `idle()`): returns once the server accepted it. Needs the
    /// `IDLE` capability (or IMAP4rev2) and a selected mailbox for mailbox events.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
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
        Ok(Idle {
            inner: block_on(self.inner.idle())?,
        })
    }

    /// Idles for `duration`, then ends IDLE and returns what happened, in order (imaplib
    /// 3.14's `with M.idle(duration) as idler: list(idler)`).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use std::time::Duration;
    /// client.select("INBOX")?;
    /// let events = client.idle_for(Duration::from_secs(30))?;
    /// println!("{} changes", events.len());
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn idle_for(&mut self, duration: Duration) -> Result<Vec<IdleEvent>> {
        block_on(self.inner.idle_for(duration))
    }
}

impl<S: Stream> Idle<'_, S> {
    /// Waits up to `timeout` for the next event; `Ok(None)` when nothing happened in that
    /// time (IDLE goes on). Events that arrived before IDLE started (still in the
    /// unsolicited queue) come first.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
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
        block_on(self.inner.wait(timeout))
    }

    /// Ends IDLE (`DONE`) and waits for the server's completion. Events that arrive in
    /// between stay in [`Client::take_unsolicited`].
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.select("INBOX")?;
    /// let idle = client.idle()?;
    /// idle.done()?;
    /// client.noop()?; // the connection is free again
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "DONE")]
    pub fn done(self) -> Result<()> {
        block_on(self.inner.done())
    }
}
