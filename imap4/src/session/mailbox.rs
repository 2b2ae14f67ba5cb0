//! Mailbox commands: LIST (with LIST-EXTENDED, LIST-STATUS and SPECIAL-USE), LSUB, CREATE,
//! DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, STATUS, NAMESPACE, ENABLE, and the commands that
//! act on the selected mailbox as a whole: CHECK, CLOSE, UNSELECT, EXPUNGE, UID EXPUNGE.
//!
//! Mailbox names are ordinary Rust strings; the encoder writes them in modified UTF-7
//! (RFC 3501 5.1.3), or as UTF-8 once `UTF8=ACCEPT` or `IMAP4rev2` is enabled.

use bytes::Bytes;
use imap4_proto::encode::{self, EncodeError, ListReturn, MessageSet, StatusAttr};
use imap4_proto::{
    Capability, ConnState, Data, ListData, Mailbox, MailboxAttr, Namespaces, SendError,
    SequenceSet, StatusItem,
};

use super::{Io, Session, Unsolicited};
use crate::error::{Error, Result};

/// What `STATUS` reported about a mailbox (RFC 3501 6.3.10, RFC 9051 6.3.11). Items the
/// command did not ask for, or the server did not return, are `None`.
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// use imap4::proto::encode::StatusAttr;
/// let st = client.status("INBOX", [StatusAttr::Messages, StatusAttr::Unseen]).await?;
/// println!("{:?} messages, {:?} unseen", st.messages, st.unseen);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MailboxStatus {
    /// The mailbox, as the server named it (see [`Mailbox::name`]).
    pub mailbox: Mailbox,
    /// `MESSAGES`: number of messages.
    pub messages: Option<u32>,
    /// `RECENT`: number of `\Recent` messages (IMAP4rev1).
    pub recent: Option<u32>,
    /// `UIDNEXT`: the UID the next message will get.
    pub uid_next: Option<u32>,
    /// `UIDVALIDITY`.
    pub uid_validity: Option<u32>,
    /// `UNSEEN`: number of messages without `\Seen`.
    pub unseen: Option<u32>,
    /// `DELETED`: number of messages with `\Deleted` (IMAP4rev2).
    pub deleted: Option<u32>,
    /// `SIZE`: total size in octets (RFC 8438 `STATUS=SIZE`).
    pub size: Option<u64>,
    /// `HIGHESTMODSEQ` (RFC 7162 CONDSTORE).
    pub highest_modseq: Option<u64>,
    /// `APPENDLIMIT` (RFC 7889): `Some(None)` when the server said `NIL` (no limit).
    pub append_limit: Option<Option<u64>>,
    /// `MAILBOXID` (RFC 8474 OBJECTID).
    pub mailbox_id: Option<Bytes>,
    /// Other numeric items (`DELETED-STORAGE`, vendor items), as (name, value).
    pub other: Vec<(Bytes, u64)>,
}

impl MailboxStatus {
    /// Collects the items of one `* STATUS` response.
    pub(crate) fn from_items(mailbox: Mailbox, items: Vec<StatusItem>) -> MailboxStatus {
        let mut s = MailboxStatus {
            mailbox,
            messages: None,
            recent: None,
            uid_next: None,
            uid_validity: None,
            unseen: None,
            deleted: None,
            size: None,
            highest_modseq: None,
            append_limit: None,
            mailbox_id: None,
            other: Vec::new(),
        };
        for item in items {
            match item {
                StatusItem::Messages(n) => s.messages = Some(n),
                StatusItem::Recent(n) => s.recent = Some(n),
                StatusItem::UidNext(n) => s.uid_next = Some(n),
                StatusItem::UidValidity(n) => s.uid_validity = Some(n),
                StatusItem::Unseen(n) => s.unseen = Some(n),
                StatusItem::Deleted(n) => s.deleted = Some(n),
                StatusItem::Size(n) => s.size = Some(n),
                StatusItem::HighestModSeq(n) => s.highest_modseq = Some(n),
                StatusItem::AppendLimit(n) => s.append_limit = Some(n),
                StatusItem::MailboxId(id) => s.mailbox_id = Some(id),
                StatusItem::Other(name, n) => s.other.push((name, n)),
                // StatusItem is non-exhaustive: newer items land in `other` only when they
                // carry a number, which the decoder already does for unknown ones.
                #[allow(unreachable_patterns)]
                _ => {}
            }
        }
        s
    }
}

/// What an EXPUNGE or UID EXPUNGE removed: the `* n EXPUNGE` sequence numbers, or with
/// QRESYNC enabled the `* VANISHED` UIDs (RFC 7162 3.2.10).
///
/// Sequence numbers are in the order the server sent them; each one counts from the
/// mailbox as it was after the previous removals (removing messages 3, 4 and 5 is reported
/// as `3, 3, 3`).
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// let gone = client.expunge().await?;
/// println!("{} messages removed: {:?}", gone.len(), gone.seqs);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Expunged {
    /// `* n EXPUNGE` responses, in order.
    pub seqs: Vec<u32>,
    /// UIDs from `* VANISHED` responses (QRESYNC enabled).
    pub vanished: SequenceSet,
}

impl Expunged {
    /// How many messages were removed.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// assert_eq!(client.expunge().await?.len(), 0);
    /// # Ok(()) }
    /// ```
    pub fn len(&self) -> u64 {
        self.seqs.len() as u64 + self.vanished.len(u32::MAX)
    }

    /// Whether nothing was removed.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// assert!(client.expunge().await?.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty() && self.vanished.is_empty()
    }
}

impl<T: Io> Session<T> {
    /// The state error for a command sent in the wrong state, before any capability check
    /// (which would otherwise look at the pre-login capabilities and mislead).
    fn mbx_need_state(&self, command: &'static str, selected: bool) -> Result<()> {
        let state = self.conn.state();
        let ok = if selected {
            state == ConnState::Selected
        } else {
            matches!(state, ConnState::Authenticated | ConnState::Selected)
        };
        if ok {
            Ok(())
        } else {
            Err(SendError::WrongState { command, state }.into())
        }
    }

    /// Succeeds when the server announces any of `caps`; the error names the first.
    async fn mbx_require_any(
        &mut self,
        command: &'static str,
        caps: &[&'static str],
    ) -> Result<()> {
        for c in caps {
            if self.has_capability(c).await? {
                return Ok(());
            }
        }
        Err(Error::Capability {
            command,
            capability: caps[0],
        })
    }

    /// Refuses STATUS items the server does not announce (before anything is sent).
    async fn mbx_check_status_attrs(
        &mut self,
        command: &'static str,
        attrs: &[StatusAttr],
    ) -> Result<()> {
        if attrs.is_empty() {
            return Err(SendError::Encode(EncodeError::Invalid {
                command,
                reason: "no status items",
            })
            .into());
        }
        for a in attrs {
            match a {
                StatusAttr::Size => {
                    self.mbx_require_any(command, &["STATUS=SIZE", "IMAP4rev2"])
                        .await?
                }
                StatusAttr::HighestModSeq => {
                    self.mbx_require_any(command, &["CONDSTORE", "QRESYNC"])
                        .await?
                }
                StatusAttr::Deleted => self.mbx_require_any(command, &["IMAP4rev2"]).await?,
                StatusAttr::MailboxId => self.mbx_require_any(command, &["OBJECTID"]).await?,
                StatusAttr::DeletedStorage => {
                    self.mbx_require_any(command, &["QUOTA=RES-STORAGE"])
                        .await?
                }
                StatusAttr::AppendLimit => {
                    // Announced as `APPENDLIMIT` or `APPENDLIMIT=n`.
                    let caps = self.capabilities().await?;
                    let b = b"APPENDLIMIT";
                    let has = caps.iter().any(|c| {
                        let c = c.as_bytes();
                        c.len() >= b.len()
                            && c[..b.len()].eq_ignore_ascii_case(b)
                            && (c.len() == b.len() || c[b.len()] == b'=')
                    });
                    if !has {
                        return Err(Error::Capability {
                            command,
                            capability: "APPENDLIMIT",
                        });
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Whether the extended LIST syntax (RFC 5258) may be used.
    async fn mbx_list_extended(&mut self) -> Result<bool> {
        Ok(self.has_capability("LIST-EXTENDED").await? || self.has_capability("IMAP4rev2").await?)
    }

    /// `CREATE mailbox`. A name ending in the hierarchy delimiter asks for a mailbox meant
    /// to hold other mailboxes; missing parents are created by most servers.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.create("Archive/2024").await?;
    /// client.create("Entwürfe").await?; // sent as modified UTF-7: Entw&APw-rfe
    /// # Ok(()) }
    /// ```
    pub async fn create(&mut self, mailbox: &str) -> Result<()> {
        self.run(&encode::Create::new(mailbox)).await?;
        Ok(())
    }

    /// `CREATE mailbox (USE (attrs))`: creates a special-use mailbox (RFC 6154
    /// `CREATE-SPECIAL-USE`), e.g. with [`MailboxAttr::Drafts`].
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::MailboxAttr;
    /// client.create_special_use("Spam", [MailboxAttr::Junk]).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "create")]
    pub async fn create_special_use(
        &mut self,
        mailbox: &str,
        uses: impl IntoIterator<Item = MailboxAttr>,
    ) -> Result<()> {
        self.mbx_need_state("CREATE", false)?;
        self.mbx_require_any("CREATE", &["CREATE-SPECIAL-USE"])
            .await?;
        self.run(&encode::Create::new(mailbox).special_use(uses))
            .await?;
        Ok(())
    }

    /// `DELETE mailbox`.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.delete("Old Stuff").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete(&mut self, mailbox: &str) -> Result<()> {
        self.run(&encode::Delete::new(mailbox)).await?;
        Ok(())
    }

    /// `RENAME from to`. Renaming `INBOX` moves its messages to the new mailbox and leaves
    /// an empty INBOX (RFC 3501 6.3.5).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.rename("Drafts", "Entwürfe").await?;
    /// # Ok(()) }
    /// ```
    pub async fn rename(&mut self, from: &str, to: &str) -> Result<()> {
        self.run(&encode::Rename::new(from, to)).await?;
        Ok(())
    }

    /// `SUBSCRIBE mailbox`: adds it to the subscribed set ([`lsub`](Self::lsub),
    /// `LIST (SUBSCRIBED)`).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.subscribe("Lists/rust").await?;
    /// # Ok(()) }
    /// ```
    pub async fn subscribe(&mut self, mailbox: &str) -> Result<()> {
        self.run(&encode::Subscribe::new(mailbox)).await?;
        Ok(())
    }

    /// `UNSUBSCRIBE mailbox`.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.unsubscribe("Lists/rust").await?;
    /// # Ok(()) }
    /// ```
    pub async fn unsubscribe(&mut self, mailbox: &str) -> Result<()> {
        self.run(&encode::Unsubscribe::new(mailbox)).await?;
        Ok(())
    }

    /// `LIST reference pattern`: the mailboxes matching the pattern (`*` matches across
    /// hierarchy levels, `%` within one). When the server has `SPECIAL-USE` and the extended
    /// syntax (`LIST-EXTENDED` or IMAP4rev2), `RETURN (SPECIAL-USE)` is added so that
    /// [`ListData::special_use`] tells the Drafts, Sent, Trash, ... mailboxes; otherwise a
    /// plain LIST is sent. The decoded name is [`Mailbox::name`] of `mailbox`.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// for mb in client.list("", "*").await? {
    ///     println!("{} {:?}", mb.mailbox.name(), mb.special_use());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&mut self, reference: &str, pattern: &str) -> Result<Vec<ListData>> {
        self.mbx_need_state("LIST", false)?;
        let mut cmd = encode::List::new(reference, pattern);
        if self.has_capability("SPECIAL-USE").await? && self.mbx_list_extended().await? {
            cmd = cmd.returning([ListReturn::SpecialUse]);
        }
        self.list_with(cmd).await
    }

    /// `LIST` with any options: selection options (`SUBSCRIBED`, `SPECIAL-USE`,
    /// `RECURSIVEMATCH`, `REMOTE`), several patterns, return options. The extended forms
    /// need `LIST-EXTENDED` (or IMAP4rev2), checked before sending. `STATUS` responses
    /// asked for with `RETURN (STATUS ...)` are not part of the result: use
    /// [`list_status`](Self::list_status) for those.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::{List, ListReturn, ListSelect};
    /// // Subscribed mailboxes, and the parents of subscribed ones.
    /// let subscribed = client.list_with(
    ///     List::new("", "*")
    ///         .select([ListSelect::Subscribed, ListSelect::RecursiveMatch])
    ///         .returning([ListReturn::Children]),
    /// ).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "list")]
    pub async fn list_with(&mut self, cmd: encode::List) -> Result<Vec<ListData>> {
        self.mbx_need_state("LIST", false)?;
        if cmd.is_extended() {
            self.mbx_require_any("LIST", &["LIST-EXTENDED", "IMAP4rev2"])
                .await?;
        }
        let r = self.run(&cmd).await?;
        Ok(r.data
            .into_iter()
            .filter_map(|d| match d {
                Data::List(l) => Some(l),
                _ => None,
            })
            .collect())
    }

    /// The mailboxes matching `pattern`, each with its STATUS: one
    /// `LIST ... RETURN (STATUS (attrs))` when the server has `LIST-STATUS` (RFC 5819),
    /// otherwise LIST followed by one STATUS per mailbox. Mailboxes that cannot be selected
    /// (`\Noselect`, `\NonExistent`) come without a status, as do mailboxes whose STATUS
    /// fails in the fallback (deleted in between, no rights).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::StatusAttr;
    /// for (mb, status) in client.list_status("", "*", [StatusAttr::Messages, StatusAttr::Unseen]).await? {
    ///     if let Some(s) = status {
    ///         println!("{}: {:?} unseen", mb.mailbox.name(), s.unseen);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_status(
        &mut self,
        reference: &str,
        pattern: &str,
        attrs: impl IntoIterator<Item = StatusAttr>,
    ) -> Result<Vec<(ListData, Option<MailboxStatus>)>> {
        self.mbx_need_state("LIST", false)?;
        let attrs: Vec<StatusAttr> = attrs.into_iter().collect();
        self.mbx_check_status_attrs("LIST", &attrs).await?;
        if self.has_capability("LIST-STATUS").await? && self.mbx_list_extended().await? {
            let mut returning = vec![ListReturn::Status(attrs)];
            if self.has_capability("SPECIAL-USE").await? {
                returning.push(ListReturn::SpecialUse);
            }
            let r = self
                .run(&encode::List::new(reference, pattern).returning(returning))
                .await?;
            let mut out: Vec<(ListData, Option<MailboxStatus>)> = Vec::new();
            for d in r.data {
                match d {
                    Data::List(l) => out.push((l, None)),
                    Data::Status { mailbox, items } => {
                        // RFC 5819: the STATUS follows its LIST; match by name all the same.
                        match out.iter_mut().rev().find(|(l, _)| l.mailbox == mailbox) {
                            Some(entry) => {
                                entry.1 = Some(MailboxStatus::from_items(mailbox, items))
                            }
                            None => self
                                .unsolicited
                                .push_back(Unsolicited::Data(Data::Status { mailbox, items })),
                        }
                    }
                    other => self.unsolicited.push_back(Unsolicited::Data(other)),
                }
            }
            return Ok(out);
        }
        let lists = self.list(reference, pattern).await?;
        let utf8 = self.conn.is_enabled("UTF8=ACCEPT") || self.conn.is_enabled("IMAP4rev2");
        // One STATUS per selectable mailbox, all pipelined: one round trip, not one each.
        let mut cmds: Vec<encode::Status> = Vec::new();
        for l in &lists {
            if l.has(&MailboxAttr::NoSelect) || l.has(&MailboxAttr::NonExistent) {
                continue;
            }
            // The name goes back to the server as it came (decoding and re-encoding a
            // well-formed name is lossless); an undecodable name gets no status.
            let name = if utf8 {
                String::from_utf8(l.mailbox.as_bytes().to_vec()).ok()
            } else {
                imap4_proto::utf7::decode(l.mailbox.as_bytes()).ok()
            };
            if let Some(name) = name {
                cmds.push(encode::Status::new(name, attrs.iter().cloned()));
            }
        }
        let replies = self.run_all(&cmds).await?;
        // Matched by name: with several STATUS commands in flight, a server that answers
        // them out of order must not swap the numbers.
        let mut statuses: Vec<Option<MailboxStatus>> = vec![None; lists.len()];
        for reply in replies {
            match reply {
                Ok(r) => {
                    for d in r.data {
                        match d {
                            Data::Status { mailbox, items } => {
                                match lists.iter().position(|l| l.mailbox == mailbox) {
                                    Some(i) => {
                                        statuses[i] =
                                            Some(MailboxStatus::from_items(mailbox, items))
                                    }
                                    None => self.unsolicited.push_back(Unsolicited::Data(
                                        Data::Status { mailbox, items },
                                    )),
                                }
                            }
                            other => self.unsolicited.push_back(Unsolicited::Data(other)),
                        }
                    }
                }
                Err(Error::No { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(lists.into_iter().zip(statuses).collect())
    }

    /// `LSUB reference pattern`: the subscribed mailboxes (IMAP4rev1; on IMAP4rev2 servers
    /// use [`list_with`](Self::list_with) and `ListSelect::Subscribed`).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// for mb in client.lsub("", "*").await? {
    ///     println!("{}", mb.mailbox.name());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn lsub(&mut self, reference: &str, pattern: &str) -> Result<Vec<ListData>> {
        let r = self.run(&encode::Lsub::new(reference, pattern)).await?;
        Ok(r.data
            .into_iter()
            .filter_map(|d| match d {
                Data::Lsub(l) => Some(l),
                _ => None,
            })
            .collect())
    }

    /// `STATUS mailbox (attrs)`: counters of a mailbox without selecting it. Items that
    /// need an extension (`SIZE`, `HIGHESTMODSEQ`, `APPENDLIMIT`, `MAILBOXID`, `DELETED`,
    /// `DELETED-STORAGE`) are checked against the capabilities first
    /// ([`Error::Capability`]).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::StatusAttr;
    /// let st = client.status("INBOX", [StatusAttr::Messages, StatusAttr::UidNext]).await?;
    /// println!("{:?} messages, next UID {:?}", st.messages, st.uid_next);
    /// # Ok(()) }
    /// ```
    pub async fn status(
        &mut self,
        mailbox: &str,
        attrs: impl IntoIterator<Item = StatusAttr>,
    ) -> Result<MailboxStatus> {
        self.mbx_need_state("STATUS", false)?;
        let attrs: Vec<StatusAttr> = attrs.into_iter().collect();
        self.mbx_check_status_attrs("STATUS", &attrs).await?;
        let r = self.run(&encode::Status::new(mailbox, attrs)).await?;
        let mut first = None;
        for d in r.data {
            if let Data::Status { mailbox: m, items } = d {
                let same =
                    m.name() == mailbox || (m.is_inbox() && mailbox.eq_ignore_ascii_case("INBOX"));
                if same {
                    return Ok(MailboxStatus::from_items(m, items));
                }
                if first.is_none() {
                    first = Some(MailboxStatus::from_items(m, items));
                }
            }
        }
        Ok(first.unwrap_or_else(|| {
            MailboxStatus::from_items(
                Mailbox::from_wire(imap4_proto::utf7::encode(mailbox).as_bytes()),
                Vec::new(),
            )
        }))
    }

    /// `NAMESPACE` (RFC 2342): the personal, other users' and shared namespaces with their
    /// prefixes and hierarchy delimiters.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// let ns = client.namespace().await?;
    /// if let Some(p) = ns.personal.first() {
    ///     println!("prefix {:?}, delimiter {:?}", p.prefix, p.delimiter.map(char::from));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn namespace(&mut self) -> Result<Namespaces> {
        self.mbx_need_state("NAMESPACE", false)?;
        self.mbx_require_any("NAMESPACE", &["NAMESPACE", "IMAP4rev2"])
            .await?;
        let r = self.run(&encode::Namespace).await?;
        Ok(r.data
            .into_iter()
            .find_map(|d| match d {
                Data::Namespace(n) => Some(n),
                _ => None,
            })
            .unwrap_or_default())
    }

    /// `ENABLE capabilities` (RFC 5161): turns on extensions that change what the server
    /// sends (`CONDSTORE`, `QRESYNC`, `UTF8=ACCEPT`, `IMAP4rev2`, ...). Returns what the
    /// server actually enabled (its `ENABLED` response), which may be less than asked.
    /// Once `UTF8=ACCEPT` is enabled, mailbox names are sent as UTF-8 quoted strings
    /// instead of modified UTF-7.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// let enabled = client.enable(["CONDSTORE", "QRESYNC"]).await?;
    /// assert!(enabled.iter().any(|c| c.is("QRESYNC")));
    /// # Ok(()) }
    /// ```
    pub async fn enable<I, C>(&mut self, capabilities: I) -> Result<Vec<Capability>>
    where
        I: IntoIterator<Item = C>,
        C: Into<String>,
    {
        self.mbx_need_state("ENABLE", false)?;
        self.mbx_require_any("ENABLE", &["ENABLE", "IMAP4rev2"])
            .await?;
        let r = self.run(&encode::Enable::new(capabilities)).await?;
        Ok(r.data
            .into_iter()
            .flat_map(|d| match d {
                Data::Enabled(c) => c,
                _ => Vec::new(),
            })
            .collect())
    }

    /// `CHECK`: asks the server to checkpoint the selected mailbox (IMAP4rev1; IMAP4rev2
    /// dropped it and servers treat it as NOOP).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.select("INBOX").await?;
    /// client.check().await?;
    /// # Ok(()) }
    /// ```
    pub async fn check(&mut self) -> Result<()> {
        self.run(&encode::Check).await?;
        Ok(())
    }

    /// `CLOSE`: permanently removes the `\Deleted` messages of the selected mailbox
    /// (unless it was opened read-only) and deselects it, without reporting what was
    /// removed. To leave without expunging, use [`unselect`](Self::unselect).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.select("INBOX").await?;
    /// client.close().await?;
    /// assert!(client.mailbox().is_none());
    /// # Ok(()) }
    /// ```
    pub async fn close(&mut self) -> Result<()> {
        self.run(&encode::Close).await?;
        Ok(())
    }

    /// `UNSELECT` (RFC 3691, IMAP4rev2): deselects the mailbox without expunging.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.select("INBOX").await?;
    /// client.unselect().await?;
    /// # Ok(()) }
    /// ```
    pub async fn unselect(&mut self) -> Result<()> {
        self.mbx_need_state("UNSELECT", true)?;
        self.mbx_require_any("UNSELECT", &["UNSELECT", "IMAP4rev2"])
            .await?;
        self.run(&encode::Unselect).await?;
        Ok(())
    }

    /// `EXPUNGE`: permanently removes the messages marked `\Deleted` in the selected
    /// mailbox and returns what went (sequence numbers, or UIDs when QRESYNC is enabled).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.select("INBOX").await?;
    /// let gone = client.expunge().await?;
    /// println!("removed {:?}", gone.seqs);
    /// # Ok(()) }
    /// ```
    pub async fn expunge(&mut self) -> Result<Expunged> {
        self.mbx_expunge(&encode::Expunge::new()).await
    }

    /// `UID EXPUNGE uids` (RFC 4315 UIDPLUS, IMAP4rev2): removes only those of the given
    /// messages that are marked `\Deleted`, leaving other `\Deleted` messages alone.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.select("INBOX").await?;
    /// let gone = client.uid_expunge(4711..=4720).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "uid")]
    pub async fn uid_expunge(&mut self, uids: impl Into<MessageSet>) -> Result<Expunged> {
        self.mbx_need_state("UID EXPUNGE", true)?;
        self.mbx_require_any("UID EXPUNGE", &["UIDPLUS", "IMAP4rev2"])
            .await?;
        self.mbx_expunge(&encode::Expunge::uids(uids)).await
    }

    /// Runs EXPUNGE / UID EXPUNGE and takes the EXPUNGE and VANISHED responses that
    /// arrived while it ran out of the unsolicited queue (they answer the command).
    async fn mbx_expunge(&mut self, cmd: &encode::Expunge) -> Result<Expunged> {
        self.prepare().await?;
        let before = self.unsolicited.len();
        let reply = self.run(cmd).await?;
        // The connection routes EXPUNGE / VANISHED to the command; older cores queued them
        // as unsolicited, so look in both places.
        let mut arrived: Vec<Unsolicited> = self.unsolicited.drain(before..).collect();
        arrived.extend(reply.data.into_iter().map(Unsolicited::Data));
        let mut out = Expunged::default();
        for u in arrived {
            match u {
                Unsolicited::Data(Data::Expunge(n)) => out.seqs.push(n),
                Unsolicited::Data(Data::Vanished {
                    earlier: false,
                    uids,
                }) => {
                    for r in uids.ranges() {
                        out.vanished.push(*r);
                    }
                }
                other => self.unsolicited.push_back(other),
            }
        }
        out.vanished.normalize();
        Ok(out)
    }

    /// imaplib's `recent()`: sends `NOOP` so the server reports changes, then returns the
    /// selected mailbox's `RECENT` count (always 0 on IMAP4rev2 servers). The other news
    /// (EXISTS, EXPUNGE, flag changes) stays in [`take_unsolicited`](Self::take_unsolicited).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.select("INBOX").await?;
    /// println!("{} recent", client.recent().await?);
    /// # Ok(()) }
    /// ```
    pub async fn recent(&mut self) -> Result<u32> {
        self.mbx_need_state("NOOP", true)?;
        self.noop().await?;
        Ok(self.conn.mailbox().map_or(0, |m| m.recent))
    }
}
