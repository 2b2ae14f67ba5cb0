//! Mailbox commands: LIST (with LIST-EXTENDED, LIST-STATUS and SPECIAL-USE), LSUB, CREATE,
//! DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, STATUS, NAMESPACE, ENABLE, and the commands that
//! act on the selected mailbox as a whole: CHECK, CLOSE, UNSELECT, EXPUNGE, UID EXPUNGE.
//! The blocking layer: each method runs the [`Session`](crate::Session) command of the
//! same name to completion.
//!
//! Mailbox names are ordinary Rust strings; the encoder writes them in modified UTF-7
//! (RFC 3501 5.1.3), or as UTF-8 once `UTF8=ACCEPT` or `IMAP4rev2` is enabled.

use imap4_proto::encode::{self, MessageSet, StatusAttr};
use imap4_proto::{Capability, ListData, MailboxAttr, Namespaces};

use super::{Client, Stream};
use crate::error::Result;
use crate::session::{block_on, Expunged, MailboxStatus};

impl<S: Stream> Client<S> {
    /// `CREATE mailbox`. A name ending in the hierarchy delimiter asks for a mailbox meant
    /// to hold other mailboxes; missing parents are created by most servers.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.create("Archive/2024")?;
    /// client.create("Entwürfe")?; // sent as modified UTF-7: Entw&APw-rfe
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn create(&mut self, mailbox: &str) -> Result<()> {
        block_on(self.inner.create(mailbox))
    }

    /// `CREATE mailbox (USE (attrs))`: creates a special-use mailbox (RFC 6154
    /// `CREATE-SPECIAL-USE`), e.g. with [`MailboxAttr::Drafts`].
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::MailboxAttr;
    /// client.create_special_use("Spam", [MailboxAttr::Junk])?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "create")]
    pub fn create_special_use(
        &mut self,
        mailbox: &str,
        uses: impl IntoIterator<Item = MailboxAttr>,
    ) -> Result<()> {
        block_on(self.inner.create_special_use(mailbox, uses))
    }

    /// `DELETE mailbox`.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.delete("Old Stuff")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn delete(&mut self, mailbox: &str) -> Result<()> {
        block_on(self.inner.delete(mailbox))
    }

    /// `RENAME from to`. Renaming `INBOX` moves its messages to the new mailbox and leaves
    /// an empty INBOX (RFC 3501 6.3.5).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.rename("Drafts", "Entwürfe")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn rename(&mut self, from: &str, to: &str) -> Result<()> {
        block_on(self.inner.rename(from, to))
    }

    /// `SUBSCRIBE mailbox`: adds it to the subscribed set ([`lsub`](Self::lsub),
    /// `LIST (SUBSCRIBED)`).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.subscribe("Lists/rust")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn subscribe(&mut self, mailbox: &str) -> Result<()> {
        block_on(self.inner.subscribe(mailbox))
    }

    /// `UNSUBSCRIBE mailbox`.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.unsubscribe("Lists/rust")?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn unsubscribe(&mut self, mailbox: &str) -> Result<()> {
        block_on(self.inner.unsubscribe(mailbox))
    }

    /// `LIST reference pattern`: the mailboxes matching the pattern (`*` matches across
    /// hierarchy levels, `%` within one). When the server has `SPECIAL-USE` and the extended
    /// syntax (`LIST-EXTENDED` or IMAP4rev2), `RETURN (SPECIAL-USE)` is added so that
    /// [`ListData::special_use`] tells the Drafts, Sent, Trash, ... mailboxes; otherwise a
    /// plain LIST is sent. The decoded name is
    /// [`Mailbox::name`](imap4_proto::Mailbox::name) of `mailbox`.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// for mb in client.list("", "*")? {
    ///     println!("{} {:?}", mb.mailbox.name(), mb.special_use());
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn list(&mut self, reference: &str, pattern: &str) -> Result<Vec<ListData>> {
        block_on(self.inner.list(reference, pattern))
    }

    /// `LIST` with any options: selection options (`SUBSCRIBED`, `SPECIAL-USE`,
    /// `RECURSIVEMATCH`, `REMOTE`), several patterns, return options. The extended forms
    /// need `LIST-EXTENDED` (or IMAP4rev2), checked before sending. `STATUS` responses
    /// asked for with `RETURN (STATUS ...)` are not part of the result: use
    /// [`list_status`](Self::list_status) for those.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{List, ListReturn, ListSelect};
    /// // Subscribed mailboxes, and the parents of subscribed ones.
    /// let subscribed = client.list_with(
    ///     List::new("", "*")
    ///         .select([ListSelect::Subscribed, ListSelect::RecursiveMatch])
    ///         .returning([ListReturn::Children]),
    /// )?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "list")]
    pub fn list_with(&mut self, cmd: encode::List) -> Result<Vec<ListData>> {
        block_on(self.inner.list_with(cmd))
    }

    /// The mailboxes matching `pattern`, each with its STATUS: one
    /// `LIST ... RETURN (STATUS (attrs))` when the server has `LIST-STATUS` (RFC 5819),
    /// otherwise LIST followed by one STATUS per mailbox. Mailboxes that cannot be selected
    /// (`\Noselect`, `\NonExistent`) come without a status, as do mailboxes whose STATUS
    /// fails in the fallback (deleted in between, no rights).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::StatusAttr;
    /// for (mb, status) in client.list_status("", "*", [StatusAttr::Messages, StatusAttr::Unseen])? {
    ///     if let Some(s) = status {
    ///         println!("{}: {:?} unseen", mb.mailbox.name(), s.unseen);
    ///     }
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn list_status(
        &mut self,
        reference: &str,
        pattern: &str,
        attrs: impl IntoIterator<Item = StatusAttr>,
    ) -> Result<Vec<(ListData, Option<MailboxStatus>)>> {
        block_on(self.inner.list_status(reference, pattern, attrs))
    }

    /// `LSUB reference pattern`: the subscribed mailboxes (IMAP4rev1; on IMAP4rev2 servers
    /// use [`list_with`](Self::list_with) and `ListSelect::Subscribed`).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// for mb in client.lsub("", "*")? {
    ///     println!("{}", mb.mailbox.name());
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn lsub(&mut self, reference: &str, pattern: &str) -> Result<Vec<ListData>> {
        block_on(self.inner.lsub(reference, pattern))
    }

    /// `STATUS mailbox (attrs)`: counters of a mailbox without selecting it. Items that
    /// need an extension (`SIZE`, `HIGHESTMODSEQ`, `APPENDLIMIT`, `MAILBOXID`, `DELETED`,
    /// `DELETED-STORAGE`) are checked against the capabilities first
    /// ([`Error::Capability`](crate::Error::Capability)).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::StatusAttr;
    /// let st = client.status("INBOX", [StatusAttr::Messages, StatusAttr::UidNext])?;
    /// println!("{:?} messages, next UID {:?}", st.messages, st.uid_next);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn status(
        &mut self,
        mailbox: &str,
        attrs: impl IntoIterator<Item = StatusAttr>,
    ) -> Result<MailboxStatus> {
        block_on(self.inner.status(mailbox, attrs))
    }

    /// `NAMESPACE` (RFC 2342): the personal, other users' and shared namespaces with their
    /// prefixes and hierarchy delimiters.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// let ns = client.namespace()?;
    /// if let Some(p) = ns.personal.first() {
    ///     println!("prefix {:?}, delimiter {:?}", p.prefix, p.delimiter.map(char::from));
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn namespace(&mut self) -> Result<Namespaces> {
        block_on(self.inner.namespace())
    }

    /// `ENABLE capabilities` (RFC 5161): turns on extensions that change what the server
    /// sends (`CONDSTORE`, `QRESYNC`, `UTF8=ACCEPT`, `IMAP4rev2`, ...). Returns what the
    /// server actually enabled (its `ENABLED` response), which may be less than asked.
    /// Once `UTF8=ACCEPT` is enabled, mailbox names are sent as UTF-8 quoted strings
    /// instead of modified UTF-7.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// let enabled = client.enable(["CONDSTORE", "QRESYNC"])?;
    /// assert!(enabled.iter().any(|c| c.is("QRESYNC")));
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn enable<I, T>(&mut self, capabilities: I) -> Result<Vec<Capability>>
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        block_on(self.inner.enable(capabilities))
    }

    /// `CHECK`: asks the server to checkpoint the selected mailbox (IMAP4rev1; IMAP4rev2
    /// dropped it and servers treat it as NOOP).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.select("INBOX")?;
    /// client.check()?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn check(&mut self) -> Result<()> {
        block_on(self.inner.check())
    }

    /// `CLOSE`: permanently removes the `\Deleted` messages of the selected mailbox
    /// (unless it was opened read-only) and deselects it, without reporting what was
    /// removed. To leave without expunging, use [`unselect`](Self::unselect).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.select("INBOX")?;
    /// client.close()?;
    /// assert!(client.mailbox().is_none());
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn close(&mut self) -> Result<()> {
        block_on(self.inner.close())
    }

    /// `UNSELECT` (RFC 3691, IMAP4rev2): deselects the mailbox without expunging.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.select("INBOX")?;
    /// client.unselect()?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn unselect(&mut self) -> Result<()> {
        block_on(self.inner.unselect())
    }

    /// `EXPUNGE`: permanently removes the messages marked `\Deleted` in the selected
    /// mailbox and returns what went (sequence numbers, or UIDs when QRESYNC is enabled).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.select("INBOX")?;
    /// let gone = client.expunge()?;
    /// println!("removed {:?}", gone.seqs);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn expunge(&mut self) -> Result<Expunged> {
        block_on(self.inner.expunge())
    }

    /// `UID EXPUNGE uids` (RFC 4315 UIDPLUS, IMAP4rev2): removes only those of the given
    /// messages that are marked `\Deleted`, leaving other `\Deleted` messages alone.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.select("INBOX")?;
    /// let gone = client.uid_expunge(4711..=4720)?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "uid")]
    pub fn uid_expunge(&mut self, uids: impl Into<MessageSet>) -> Result<Expunged> {
        block_on(self.inner.uid_expunge(uids))
    }

    /// imaplib's `recent()`: sends `NOOP` so the server reports changes, then returns the
    /// selected mailbox's `RECENT` count (always 0 on IMAP4rev2 servers). The other news
    /// (EXISTS, EXPUNGE, flag changes) stays in [`take_unsolicited`](Self::take_unsolicited).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.select("INBOX")?;
    /// println!("{} recent", client.recent()?);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn recent(&mut self) -> Result<u32> {
        block_on(self.inner.recent())
    }
}
