//! Message commands: APPEND, SEARCH, SORT, THREAD, STORE, COPY, MOVE, partial fetches and
//! the QRESYNC select.

use bytes::Bytes;
use imap4_proto::date::InternalDate;
use imap4_proto::encode::{
    self, Append, AppendMessage, AppendStream, Criteria, FetchAttr, MessageSet, QResync,
    SearchReturn, SortCriterion, StoreMode, ThreadAlgorithm,
};
use imap4_proto::{
    Code, Data, ESearchItem, Fetch, FetchItem, Flag, MailboxState, Section, SectionData,
    SequenceSet, Status, Thread,
};

use super::{Io, Session, Step, Unsolicited};
use crate::error::{Abort, Error, Result};

/// Where an appended message landed (`APPENDUID`, RFC 4315 UIDPLUS); see
/// [`Session::append`].
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// let msg = b"From: a@example.com\r\nSubject: note\r\n\r\nhello\r\n".to_vec();
/// match client.append("Notes", msg, [], None).await? {
///     Some(at) => println!("stored as UID {} (UIDVALIDITY {})", at.uid, at.uid_validity),
///     None => println!("stored; the server has no UIDPLUS"),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AppendUid {
    /// UIDVALIDITY of the target mailbox.
    pub uid_validity: u32,
    /// The UID the message got.
    pub uid: u32,
}

/// Where several appended messages landed (`APPENDUID` of a MULTIAPPEND, or of one APPEND
/// per message); see [`Session::multiappend`].
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// use imap4::proto::encode::AppendMessage;
/// let msgs = [
///     AppendMessage::new("Subject: one\r\n\r\n1\r\n"),
///     AppendMessage::new("Subject: two\r\n\r\n2\r\n"),
/// ];
/// if let Some(at) = client.multiappend("Archive", msgs).await? {
///     assert_eq!(at.uids.len(), 2);
///     println!("UIDs {:?} in UIDVALIDITY {}", at.uids, at.uid_validity);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AppendUids {
    /// UIDVALIDITY of the target mailbox.
    pub uid_validity: u32,
    /// The UIDs, in the order the messages were given.
    pub uids: Vec<u32>,
}

/// What COPY or MOVE did (`COPYUID`, RFC 4315 UIDPLUS): the UIDs in the source mailbox and
/// the UIDs of the copies in the target, pairwise. Returned by [`Session::copy`],
/// [`Session::uid_copy`], [`Session::move_`] and [`Session::uid_move`] when the server has
/// UIDPLUS.
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>)
/// # -> Result<(), Box<dyn std::error::Error>> {
/// use imap4::proto::SequenceSet;
/// client.select("INBOX").await?;
/// if let Some(c) = client.uid_move(&SequenceSet::range(4, 9)?, "Archive").await? {
///     println!("in Archive (UIDVALIDITY {}): {:?}", c.uid_validity, c.dest);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CopyUid {
    /// UIDVALIDITY of the target mailbox.
    pub uid_validity: u32,
    /// The source UIDs, in the order the server copied them.
    pub source: Vec<u32>,
    /// The new UIDs in the target, in the same order.
    pub dest: Vec<u32>,
}

impl CopyUid {
    fn from_code(code: &Code) -> Option<CopyUid> {
        match code {
            Code::CopyUid {
                uid_validity,
                source,
                dest,
            } => Some(CopyUid {
                uid_validity: *uid_validity,
                source: source.iter(u32::MAX).collect(),
                dest: dest.iter(u32::MAX).collect(),
            }),
            _ => None,
        }
    }

    /// (source UID, target UID) pairs.
    ///
    /// ```
    /// use imap4::CopyUid;
    /// // From `[COPYUID 1700000001 4:5,9 101:103]`:
    /// let c = CopyUid {
    ///     uid_validity: 1700000001,
    ///     source: vec![4, 5, 9],
    ///     dest: vec![101, 102, 103],
    /// };
    /// let pairs: Vec<(u32, u32)> = c.pairs().collect();
    /// assert_eq!(pairs, [(4, 101), (5, 102), (9, 103)]);
    /// ```
    pub fn pairs(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.source.iter().copied().zip(self.dest.iter().copied())
    }

    /// The target UID of the copy of source UID `uid` (`None` if it was not copied).
    ///
    /// ```
    /// # use imap4::CopyUid;
    /// # let c = CopyUid { uid_validity: 1, source: vec![4, 5, 9], dest: vec![101, 102, 103] };
    /// // c: [COPYUID 1 4:5,9 101:103]
    /// assert_eq!(c.dest_of(9), Some(103));
    /// assert_eq!(c.dest_of(6), None);
    /// ```
    pub fn dest_of(&self, uid: u32) -> Option<u32> {
        self.pairs().find(|(s, _)| *s == uid).map(|(_, d)| d)
    }
}

/// A message's flags after STORE, as the server reported them; see [`Session::store`].
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// use imap4::proto::encode::StoreMode;
/// use imap4::proto::Flag;
/// client.select("INBOX").await?;
/// for m in client.store(1..=3, StoreMode::Add, [Flag::Seen]).await? {
///     assert!(m.flags.contains(&Flag::Seen));
///     println!("#{} (UID {:?}) now {:?}, modseq {:?}", m.seq, m.uid, m.flags, m.modseq);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageFlags {
    /// The message sequence number.
    pub seq: u32,
    /// The UID (always there for UID STORE; for STORE when the server adds it).
    pub uid: Option<u32>,
    /// All the message's flags after the change.
    pub flags: Vec<Flag>,
    /// The new mod-sequence (CONDSTORE).
    pub modseq: Option<u64>,
}

impl MessageFlags {
    fn from_fetch(f: &Fetch) -> Option<MessageFlags> {
        Some(MessageFlags {
            seq: f.seq,
            uid: f.uid(),
            flags: f.flags()?.to_vec(),
            modseq: f.modseq(),
        })
    }
}

/// A message's new mod-sequence after a `.SILENT` STORE under CONDSTORE (RFC 7162 3.2:
/// the server reports it even though the flags are not sent back); found in
/// [`StoreResult::modseqs`].
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>)
/// # -> Result<(), Box<dyn std::error::Error>> {
/// use imap4::proto::encode::Store;
/// use imap4::proto::{Flag, SequenceSet};
/// let inbox = client.select("INBOX").await?;
/// let cmd = Store::add_flags(SequenceSet::range(1, 5)?, [Flag::Seen])
///     .uid(true)
///     .silent(true)
///     .unchanged_since(inbox.highest_modseq.unwrap_or(1)); // UNCHANGEDSINCE: CONDSTORE
/// for u in client.store_with(cmd).await?.modseqs {
///     println!("UID {:?} is now at modseq {}", u.uid, u.modseq);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModSeqUpdate {
    /// The message sequence number.
    pub seq: u32,
    /// The UID, when the server adds it (always for UID STORE).
    pub uid: Option<u32>,
    /// The new mod-sequence.
    pub modseq: u64,
}

/// What a STORE brought back; see [`Session::store_with`].
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>)
/// # -> Result<(), Box<dyn std::error::Error>> {
/// use imap4::proto::encode::Store;
/// use imap4::proto::{Flag, SequenceSet};
/// client.select("INBOX").await?;
/// let cmd = Store::add_flags(SequenceSet::range(1, 9)?, [Flag::Deleted]).uid(true);
/// let r = client.store_with(cmd.unchanged_since(90060115194045000)).await?;
/// println!("{} changed", r.updated.len());
/// if let Some(skipped) = &r.modified {
///     println!("changed by someone else meanwhile, left alone: {skipped}");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoreResult {
    /// The changed messages with their new flags (empty for `.SILENT`). A message whose
    /// flags already were as asked is not changed and not listed.
    pub updated: Vec<MessageFlags>,
    /// For `.SILENT` under CONDSTORE: the new mod-sequences of the changed messages.
    pub modseqs: Vec<ModSeqUpdate>,
    /// `MODIFIED` (RFC 7162): the messages UNCHANGEDSINCE kept from changing because they
    /// changed after the given mod-sequence (sequence numbers or UIDs, as in the command).
    pub modified: Option<SequenceSet>,
}

/// The typed result of an extended search (`ESEARCH`, RFC 4731): only the items asked for
/// are filled in; `min`, `max` and `all` are `None` when nothing matched. See
/// [`Session::esearch`] and [`Session::uid_esearch`].
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// use imap4::proto::encode::{Criteria, SearchReturn};
/// client.select("INBOX").await?;
/// let r = client
///     .uid_esearch(Criteria::unseen(), [SearchReturn::Count, SearchReturn::Min])
///     .await?;
/// assert!(r.uid);
/// match (r.count, r.min) {
///     (Some(n), Some(first)) if n > 0 => println!("{n} unseen, the oldest is UID {first}"),
///     _ => println!("nothing unseen"),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ESearchResult {
    /// The numbers are UIDs.
    pub uid: bool,
    /// `MIN`: the lowest match.
    pub min: Option<u32>,
    /// `MAX`: the highest match.
    pub max: Option<u32>,
    /// `COUNT`: how many matched.
    pub count: Option<u32>,
    /// `ALL`: every match.
    pub all: Option<SequenceSet>,
    /// `MODSEQ` (CONDSTORE): the highest mod-sequence of the matches.
    pub modseq: Option<u64>,
}

/// The result of [`Session::select_qresync`]: the mailbox, what was expunged since the known
/// state, and the messages that changed.
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// use imap4::proto::encode::QResync;
/// let r = client.select_qresync("INBOX", QResync::new(67890007, 90060115194045000)).await?;
/// for uid in r.vanished.iter(u32::MAX) {
///     println!("UID {uid} is gone");
/// }
/// for f in &r.changed {
///     println!("UID {:?} now {:?}", f.uid(), f.flags());
/// }
/// // Keep these for the next resynchronization:
/// println!("{:?} {:?}", r.mailbox.uid_validity, r.mailbox.highest_modseq);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct QResyncSelect {
    /// The mailbox state (UIDVALIDITY, HIGHESTMODSEQ, ...).
    pub mailbox: MailboxState,
    /// UIDs expunged since the given mod-sequence (`VANISHED (EARLIER)`).
    pub vanished: SequenceSet,
    /// Messages changed since the given mod-sequence (UID, FLAGS and MODSEQ each).
    pub changed: Vec<Fetch>,
}

/// Whether any search string holds a non-ASCII byte (then a CHARSET is needed).
fn needs_utf8(c: &Criteria) -> bool {
    let b = |s: &[u8]| !s.is_ascii();
    match c {
        Criteria::Bcc(s)
        | Criteria::Body(s)
        | Criteria::Cc(s)
        | Criteria::From(s)
        | Criteria::Subject(s)
        | Criteria::Text(s)
        | Criteria::To(s)
        | Criteria::Keyword(s)
        | Criteria::Unkeyword(s)
        | Criteria::GmRaw(s)
        | Criteria::GmLabels(s) => b(s),
        Criteria::Header(f, s) => b(f) || b(s),
        Criteria::EmailId(s) | Criteria::ThreadId(s) | Criteria::Filter(s) | Criteria::Raw(s) => {
            b(s.as_bytes())
        }
        Criteria::Not(c) | Criteria::Fuzzy(c) => needs_utf8(c),
        Criteria::Or(a, c) => needs_utf8(a) || needs_utf8(c),
        Criteria::And(v) => v.iter().any(needs_utf8),
        _ => false,
    }
}

/// The body section data of `f`, if it holds bytes.
fn section_bytes(f: &Fetch) -> Option<Bytes> {
    f.items.iter().find_map(|i| match i {
        FetchItem::BodySection { data, .. } => match data {
            SectionData::Bytes(b) => Some(b.clone()),
            SectionData::Nil => Some(Bytes::new()),
            SectionData::Streamed(_) => None,
        },
        _ => None,
    })
}

impl<T: Io> Session<T> {
    // ----- APPEND -----

    /// `APPEND mailbox (flags) "date" {n}`: stores a message in `mailbox`. Returns where it
    /// landed when the server has UIDPLUS (`APPENDUID`), else `None`.
    ///
    /// The bytes go as they are (IMAP wants CRLF line endings; see
    /// [`normalize_line_endings`](encode::normalize_line_endings)). A message with NUL
    /// bytes is sent as a `literal8` when the server has BINARY, and refused otherwise. A
    /// big message is sent in one go with LITERAL+, else after the server's `+`.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::date::InternalDate;
    /// use imap4::proto::Flag;
    /// let msg = b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n".to_vec();
    /// let date = InternalDate::new(2024, 1, 31, 9, 5, 0, 60)?;
    /// let at = client.append("Drafts", msg, [Flag::Draft], Some(date)).await?;
    /// println!("{at:?}");
    /// # Ok(()) }
    /// ```
    pub async fn append(
        &mut self,
        mailbox: &str,
        message: impl Into<Bytes>,
        flags: impl IntoIterator<Item = Flag>,
        date: Option<InternalDate>,
    ) -> Result<Option<AppendUid>> {
        let mut m = AppendMessage::new(message.into()).flags(flags);
        if let Some(d) = date {
            m = m.date(d);
        }
        self.append_one(Append::new(mailbox, m)).await
    }

    /// [`append`](Self::append) sending the message as a `literal8` (`~{n}`, RFC 3516
    /// BINARY), for messages with binary MIME parts. Needs the BINARY capability.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// let msg = b"Subject: raw\r\nContent-Transfer-Encoding: binary\r\n\r\n\x00\x01\r\n".to_vec();
    /// let at = client.append_binary("INBOX", msg, [], None).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "append")]
    pub async fn append_binary(
        &mut self,
        mailbox: &str,
        message: impl Into<Bytes>,
        flags: impl IntoIterator<Item = Flag>,
        date: Option<InternalDate>,
    ) -> Result<Option<AppendUid>> {
        self.require("APPEND", "BINARY").await?;
        let mut m = AppendMessage::new(message.into()).flags(flags).binary(true);
        if let Some(d) = date {
            m = m.date(d);
        }
        self.append_one(Append::new(mailbox, m)).await
    }

    async fn append_one(&mut self, cmd: Append) -> Result<Option<AppendUid>> {
        Ok(self.append_with(cmd).await?.and_then(|a| {
            a.uids.first().map(|&uid| AppendUid {
                uid_validity: a.uid_validity,
                uid,
            })
        }))
    }

    /// Any APPEND (several messages, CATENATE, UTF8, literal8), sent as it is: the UIDs
    /// from `APPENDUID`, if the server reports them.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::{Append, AppendMessage, CatenatePart};
    /// let cmd = Append::new("Drafts", AppendMessage::catenate([
    ///     CatenatePart::Url("/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER".into()),
    ///     CatenatePart::Text("\r\nNew body\r\n".into()),
    /// ]));
    /// let at = client.append_with(cmd).await?;
    /// # Ok(()) }
    /// ```
    pub async fn append_with(&mut self, cmd: Append) -> Result<Option<AppendUids>> {
        let r = self.run(&cmd).await?;
        Ok(match r.status.code {
            Some(Code::AppendUid { uid_validity, uids }) => Some(AppendUids {
                uid_validity,
                uids: uids.iter(u32::MAX).collect(),
            }),
            _ => None,
        })
    }

    /// `APPEND` of a message of `len` bytes read from `source` in pieces of 64 KiB while
    /// it is sent, so that memory never holds it (a big message from a file or a spool):
    /// `APPEND mailbox (flags) "date" {len}`, the server's `+`, then the pieces. A server
    /// that refuses it says NO before anything is read. `source` must give exactly `len`
    /// bytes; if it fails or ends early after the first byte went out, the connection
    /// is unusable ([`Abort::Source`]), since the server waits in the middle of the
    /// message. Reading is blocking, which suits the blocking client
    /// ([`append_from`](crate::blocking::Client::append_from)).
    pub(crate) async fn append_from<R: std::io::Read + ?Sized>(
        &mut self,
        cmd: AppendStream,
        source: &mut R,
    ) -> Result<Option<AppendUid>> {
        const PIECE: usize = 64 << 10;
        let len = cmd.len();
        let mut buf = vec![0u8; PIECE.min(usize::try_from(len).unwrap_or(PIECE)).max(1)];
        // The first piece before the command: a source that cannot be read at all costs
        // nothing but this error.
        let mut first = read_piece(source, &mut buf, len).map_err(Error::Output)?;
        if first == 0 && len > 0 {
            return Err(Error::Output(std::io::ErrorKind::UnexpectedEof.into()));
        }
        let tag = self.start(&cmd).await?;
        loop {
            match self.step(&tag, "APPEND").await? {
                Step::Continue(_) => break,
                Step::Done(status) => {
                    self.completion("APPEND", status)?;
                    // OK without having asked for the message: nothing was stored.
                    return Err(self.mark(
                        Abort::Protocol(imap4_proto::ProtocolError::UnexpectedContinue(
                            Bytes::from_static(b"APPEND completed before its message was sent"),
                        ))
                        .into(),
                    ));
                }
                Step::Data(d) => self.unsolicited.push_back(Unsolicited::Data(d)),
                Step::Unparsed(m) => self.unsolicited.push_back(Unsolicited::Malformed(m)),
                Step::LiteralStart(_) | Step::LiteralChunk(_) | Step::LiteralEnd => {}
            }
        }
        let mut sent = 0u64;
        while sent < len {
            if first == 0 {
                first = match read_piece(source, &mut buf, len - sent) {
                    Ok(0) => {
                        let e = std::io::Error::new(
                            std::io::ErrorKind::UnexpectedEof,
                            format!("the message ended after {sent} of {len} bytes"),
                        );
                        return Err(self.mark(Abort::Source(e).into()));
                    }
                    Ok(n) => n,
                    Err(e) => return Err(self.mark(Abort::Source(e).into())),
                };
            }
            self.conn.send_data(Bytes::copy_from_slice(&buf[..first]));
            self.flush().await.map_err(|e| self.mark(e))?;
            sent += first as u64;
            first = 0;
        }
        self.conn.send_line(b"");
        let r = self.finish(&tag, "APPEND").await?;
        Ok(match r.status.code {
            Some(Code::AppendUid { uid_validity, uids }) => uids
                .iter(u32::MAX)
                .next()
                .map(|uid| AppendUid { uid_validity, uid }),
            _ => None,
        })
    }

    /// Appends several messages: in one command when the server has MULTIAPPEND (RFC
    /// 3502; all or none are stored), else one APPEND each (stops at the first failure,
    /// keeping the ones before). Returns their UIDs in order when the server reports them.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::AppendMessage;
    /// use imap4::proto::Flag;
    /// let msgs = [
    ///     AppendMessage::new("Subject: one\r\n\r\n1\r\n"),
    ///     AppendMessage::new("Subject: two\r\n\r\n2\r\n").flags([Flag::Seen]),
    /// ];
    /// let at = client.multiappend("Archive", msgs).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "append")]
    pub async fn multiappend(
        &mut self,
        mailbox: &str,
        messages: impl IntoIterator<Item = AppendMessage>,
    ) -> Result<Option<AppendUids>> {
        let messages: Vec<AppendMessage> = messages.into_iter().collect();
        if messages.is_empty() {
            return Ok(None);
        }
        if messages.len() == 1 || self.has_capability("MULTIAPPEND").await? {
            return self.append_with(Append::multi(mailbox, messages)).await;
        }
        let mut out: Option<AppendUids> = None;
        let mut all_known = true;
        for m in messages {
            match self.append_with(Append::new(mailbox, m)).await? {
                Some(a) if all_known => match &mut out {
                    None => out = Some(a),
                    Some(o) if o.uid_validity == a.uid_validity => o.uids.extend(a.uids),
                    Some(_) => all_known = false,
                },
                _ => all_known = false,
            }
        }
        Ok(out.filter(|_| all_known))
    }

    // ----- SEARCH, SORT, THREAD -----

    fn search_cmd(&mut self, criteria: Criteria, uid: bool) -> encode::Search {
        let utf8 = needs_utf8(&criteria);
        let mut cmd = encode::Search::new(criteria).uid(uid);
        // RFC 6855 3: no CHARSET once UTF8=ACCEPT is enabled (UTF-8 is then the default).
        if utf8 && !self.conn.is_enabled("UTF8=ACCEPT") {
            cmd = cmd.charset("UTF-8");
        }
        cmd
    }

    /// `SEARCH criteria`: the sequence numbers of the matching messages. Non-ASCII search
    /// text is sent with `CHARSET UTF-8` (unless UTF8=ACCEPT is enabled).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::Criteria;
    /// client.select("INBOX").await?;
    /// let hits = client.search(Criteria::and([Criteria::unseen(), Criteria::subject("Grüße")])).await?;
    /// # Ok(()) }
    /// ```
    pub async fn search(&mut self, criteria: Criteria) -> Result<Vec<u32>> {
        let cmd = self.search_cmd(criteria, false);
        self.search_with(cmd).await
    }

    /// `UID SEARCH`: the UIDs matching the criteria (non-ASCII text as in
    /// [`search`](Self::search)).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::Criteria;
    /// client.select("INBOX").await?;
    /// let unseen = client.uid_search(Criteria::unseen()).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "uid")]
    #[doc(alias = "search")]
    pub async fn uid_search(&mut self, criteria: Criteria) -> Result<Vec<u32>> {
        let cmd = self.search_cmd(criteria, true);
        self.search_with(cmd).await
    }

    /// Any SEARCH (explicit CHARSET, `.uid(true)`), sent as it is: the matching numbers.
    /// For `RETURN (...)` use [`esearch`](Self::esearch).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::{Criteria, Search};
    /// let hits = client.search_with(Search::new(Criteria::body("caf\u{e9}")).charset("UTF-8")).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "search")]
    pub async fn search_with(&mut self, cmd: encode::Search) -> Result<Vec<u32>> {
        let r = self.run(&cmd).await?;
        Ok(r.data
            .into_iter()
            .flat_map(|d| match d {
                Data::Search { nums, .. } => nums,
                Data::ESearch(e) => e
                    .all()
                    .map(|s| s.iter(u32::MAX).collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            })
            .collect())
    }

    async fn esearch_inner(
        &mut self,
        criteria: Criteria,
        returning: Vec<SearchReturn>,
        uid: bool,
    ) -> Result<ESearchResult> {
        self.require(if uid { "UID SEARCH" } else { "SEARCH" }, "ESEARCH")
            .await?;
        let cmd = self.search_cmd(criteria, uid).returning(returning);
        let r = self.run(&cmd).await?;
        let mut out = ESearchResult {
            uid,
            ..ESearchResult::default()
        };
        for d in r.data {
            if let Data::ESearch(e) = d {
                out.uid = e.uid;
                for item in e.items {
                    match item {
                        ESearchItem::Min(n) => out.min = Some(n),
                        ESearchItem::Max(n) => out.max = Some(n),
                        ESearchItem::Count(n) => out.count = Some(n),
                        ESearchItem::All(s) => out.all = Some(s),
                        ESearchItem::ModSeq(m) => out.modseq = Some(m),
                        _ => {}
                    }
                }
            }
        }
        Ok(out)
    }

    /// `SEARCH RETURN (...) criteria` (RFC 4731 ESEARCH): a summary of the matches by
    /// sequence number (`MIN`, `MAX`, `COUNT`, `ALL`) instead of the whole list. An empty
    /// `returning` means `ALL`. Needs ESEARCH.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::{Criteria, SearchReturn};
    /// let r = client.esearch(Criteria::unseen(), [SearchReturn::Count, SearchReturn::Min]).await?;
    /// println!("{:?} unseen, first at {:?}", r.count, r.min);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "search")]
    pub async fn esearch(
        &mut self,
        criteria: Criteria,
        returning: impl IntoIterator<Item = SearchReturn>,
    ) -> Result<ESearchResult> {
        self.esearch_inner(criteria, returning.into_iter().collect(), false)
            .await
    }

    /// `UID SEARCH RETURN (...) criteria`: like [`esearch`](Self::esearch), with UIDs.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::{Criteria, SearchReturn};
    /// let r = client.uid_esearch(Criteria::all(), [SearchReturn::Max]).await?;
    /// println!("newest UID {:?}", r.max);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "uid")]
    pub async fn uid_esearch(
        &mut self,
        criteria: Criteria,
        returning: impl IntoIterator<Item = SearchReturn>,
    ) -> Result<ESearchResult> {
        self.esearch_inner(criteria, returning.into_iter().collect(), true)
            .await
    }

    async fn sort_inner(&mut self, cmd: encode::Sort) -> Result<Vec<u32>> {
        let name = encode::Command::name(&cmd);
        self.require(name, "SORT").await?;
        let r = self.run(&cmd).await?;
        Ok(r.data
            .into_iter()
            .flat_map(|d| match d {
                Data::Sort { nums, .. } => nums,
                _ => Vec::new(),
            })
            .collect())
    }

    /// `SORT (keys) UTF-8 criteria` (RFC 5256): the sequence numbers of the matching
    /// messages in sort order. Needs SORT.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::{Criteria, SortKey};
    /// let newest_first = client.sort([SortKey::Date.reversed()], Criteria::all()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn sort<K: Into<SortCriterion>>(
        &mut self,
        keys: impl IntoIterator<Item = K>,
        criteria: Criteria,
    ) -> Result<Vec<u32>> {
        self.sort_inner(encode::Sort::new(keys, criteria)).await
    }

    /// `UID SORT (keys) UTF-8 criteria`: the UIDs in sort order. Needs SORT.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::{Criteria, SortKey};
    /// let by_subject = client.uid_sort([SortKey::Subject, SortKey::Arrival], Criteria::unseen()).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "uid")]
    #[doc(alias = "sort")]
    pub async fn uid_sort<K: Into<SortCriterion>>(
        &mut self,
        keys: impl IntoIterator<Item = K>,
        criteria: Criteria,
    ) -> Result<Vec<u32>> {
        self.sort_inner(encode::Sort::new(keys, criteria).uid(true))
            .await
    }

    async fn thread_inner(
        &mut self,
        algorithm: ThreadAlgorithm,
        cmd: encode::Thread,
    ) -> Result<Vec<Thread>> {
        let name = encode::Command::name(&cmd);
        let cap = match algorithm {
            ThreadAlgorithm::OrderedSubject => Some("THREAD=ORDEREDSUBJECT"),
            ThreadAlgorithm::References => Some("THREAD=REFERENCES"),
            ThreadAlgorithm::Refs => Some("THREAD=REFS"),
            _ => None,
        };
        if let Some(cap) = cap {
            self.require(name, cap).await?;
        }
        let r = self.run(&cmd).await?;
        Ok(r.data
            .into_iter()
            .flat_map(|d| match d {
                Data::Thread(t) => t,
                _ => Vec::new(),
            })
            .collect())
    }

    /// `THREAD algorithm UTF-8 criteria` (RFC 5256): the matching messages (sequence
    /// numbers) as thread trees. Needs `THREAD=<algorithm>`.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::{Criteria, ThreadAlgorithm};
    /// for t in client.thread(ThreadAlgorithm::References, Criteria::all()).await? {
    ///     println!("{:?}", t.all_messages());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn thread(
        &mut self,
        algorithm: ThreadAlgorithm,
        criteria: Criteria,
    ) -> Result<Vec<Thread>> {
        let cmd = encode::Thread::new(algorithm.clone(), criteria);
        self.thread_inner(algorithm, cmd).await
    }

    /// `UID THREAD algorithm UTF-8 criteria`: thread trees of UIDs.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::{Criteria, ThreadAlgorithm};
    /// let threads = client.uid_thread(ThreadAlgorithm::OrderedSubject, Criteria::unseen()).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "uid")]
    #[doc(alias = "thread")]
    pub async fn uid_thread(
        &mut self,
        algorithm: ThreadAlgorithm,
        criteria: Criteria,
    ) -> Result<Vec<Thread>> {
        let cmd = encode::Thread::new(algorithm.clone(), criteria).uid(true);
        self.thread_inner(algorithm, cmd).await
    }

    // ----- STORE -----

    /// `STORE set [+|-]FLAGS (flags)`: adds, removes or replaces flags of messages by
    /// sequence number; returns their flags after the change.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::StoreMode;
    /// use imap4::proto::Flag;
    /// for m in client.store(1..=3, StoreMode::Add, [Flag::Seen]).await? {
    ///     println!("#{}: {:?}", m.seq, m.flags);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn store(
        &mut self,
        set: impl Into<MessageSet>,
        mode: StoreMode,
        flags: impl IntoIterator<Item = Flag>,
    ) -> Result<Vec<MessageFlags>> {
        Ok(self
            .store_with(encode::Store::new(set, mode, flags))
            .await?
            .updated)
    }

    /// `UID STORE uids [+|-]FLAGS (flags)`: like [`store`](Self::store), by UID.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::encode::StoreMode;
    /// use imap4::proto::{Flag, SequenceSet};
    /// client.uid_store(SequenceSet::single(42)?, StoreMode::Remove, [Flag::Flagged]).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "uid")]
    #[doc(alias = "store")]
    pub async fn uid_store(
        &mut self,
        uids: impl Into<MessageSet>,
        mode: StoreMode,
        flags: impl IntoIterator<Item = Flag>,
    ) -> Result<Vec<MessageFlags>> {
        Ok(self
            .store_with(encode::Store::new(uids, mode, flags).uid(true))
            .await?
            .updated)
    }

    /// Any STORE (`.silent(true)`, `.unchanged_since(modseq)` of CONDSTORE, UID or not):
    /// the updated messages' flags and, for UNCHANGEDSINCE, the `MODIFIED` set of messages
    /// left alone because they changed in the meantime.
    ///
    /// Flag updates the server sends for messages outside the command's set (changes by
    /// other sessions) go to [`take_unsolicited`](Self::take_unsolicited).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::encode::Store;
    /// use imap4::proto::{Flag, SequenceSet};
    /// let cmd = Store::add_flags(SequenceSet::range(1, 9)?, [Flag::Seen])
    ///     .uid(true)
    ///     .unchanged_since(12345);
    /// let r = client.store_with(cmd).await?;
    /// if let Some(conflicts) = r.modified {
    ///     println!("changed meanwhile: {conflicts}");
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "store")]
    pub async fn store_with(&mut self, cmd: encode::Store) -> Result<StoreResult> {
        let uid = cmd.is_uid();
        let set = match cmd.set() {
            MessageSet::Set(s) => Some(s.clone()),
            _ => None,
        };
        let r = self.run(&cmd).await?;
        let exists = self.conn.mailbox().map_or(0, |m| m.exists);
        let mut out = StoreResult::default();
        for d in r.data {
            let Data::Fetch(f) = d else {
                self.unsolicited.push_back(Unsolicited::Data(d));
                continue;
            };
            let ours = match &set {
                None => true,
                Some(s) if uid => f.uid().is_some_and(|u| s.contains(u, u32::MAX)),
                Some(s) => s.contains(f.seq, exists.max(f.seq)),
            };
            if ours {
                if let Some(m) = MessageFlags::from_fetch(&f) {
                    out.updated.push(m);
                    continue;
                }
                if let Some(modseq) = f.modseq() {
                    out.modseqs.push(ModSeqUpdate {
                        seq: f.seq,
                        uid: f.uid(),
                        modseq,
                    });
                    continue;
                }
            }
            self.unsolicited
                .push_back(Unsolicited::Data(Data::Fetch(f)));
        }
        if let Some(Code::Modified(s)) = r.status.code {
            out.modified = Some(s);
        }
        Ok(out)
    }

    // ----- COPY, MOVE -----

    /// `COPY set mailbox`: copies messages (by sequence number); returns `COPYUID` when
    /// the server has UIDPLUS.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::SequenceSet;
    /// let c = client.copy(&SequenceSet::range(1, 5)?, "Archive").await?;
    /// # Ok(()) }
    /// ```
    pub async fn copy(&mut self, set: &SequenceSet, mailbox: &str) -> Result<Option<CopyUid>> {
        let r = self.run(&encode::Copy::new(set, mailbox)).await?;
        Ok(r.status.code.as_ref().and_then(CopyUid::from_code))
    }

    /// `UID COPY uids mailbox`: copies messages by UID; returns `COPYUID` when the server
    /// has UIDPLUS.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::SequenceSet;
    /// let c = client.uid_copy(&SequenceSet::single(42)?, "Archive").await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "uid")]
    #[doc(alias = "copy")]
    pub async fn uid_copy(&mut self, uids: &SequenceSet, mailbox: &str) -> Result<Option<CopyUid>> {
        let r = self
            .run(&encode::Copy::new(uids, mailbox).uid(true))
            .await?;
        Ok(r.status.code.as_ref().and_then(CopyUid::from_code))
    }

    /// Runs MOVE / UID MOVE and finds the COPYUID (sent in an untagged OK before the
    /// expunges, RFC 6851 4.3, or in the tagged OK).
    async fn run_move(&mut self, cmd: encode::Move) -> Result<Option<CopyUid>> {
        self.prepare().await?;
        let from = self.unsolicited.len();
        let r = self.run(&cmd).await?;
        if let Some(c) = r.status.code.as_ref().and_then(CopyUid::from_code) {
            return Ok(Some(c));
        }
        let at = self.unsolicited.iter().skip(from).position(|u| {
            matches!(u, Unsolicited::Status(Status { code: Some(c), .. }) if CopyUid::from_code(c).is_some())
        });
        Ok(at
            .and_then(|i| self.unsolicited.remove(from + i))
            .and_then(|u| match u {
                Unsolicited::Status(Status { code: Some(c), .. }) => CopyUid::from_code(&c),
                _ => None,
            }))
    }

    /// MOVE emulated as `UID COPY` + `UID STORE +FLAGS.SILENT (\Deleted)` + `UID EXPUNGE`
    /// (only the moved messages are expunged).
    async fn move_fallback(
        &mut self,
        uids: &SequenceSet,
        mailbox: &str,
    ) -> Result<Option<CopyUid>> {
        let copied = self.uid_copy(uids, mailbox).await?;
        self.store_with(
            encode::Store::add_flags(uids, [Flag::Deleted])
                .uid(true)
                .silent(true),
        )
        .await?;
        self.run(&encode::Expunge::uids(uids)).await?;
        Ok(copied)
    }

    /// `MOVE set mailbox` (RFC 6851): moves messages (by sequence number); returns
    /// `COPYUID` when the server has UIDPLUS. Without MOVE, it is done as COPY, STORE
    /// `\Deleted` and `UID EXPUNGE` of just these messages — which needs UIDPLUS; without
    /// both it is [`Error::Capability`].
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::SequenceSet;
    /// client.move_(&SequenceSet::single(1)?, "Trash").await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "move")]
    pub async fn move_(&mut self, set: &SequenceSet, mailbox: &str) -> Result<Option<CopyUid>> {
        if self.has_capability("MOVE").await? {
            return self.run_move(encode::Move::new(set, mailbox)).await;
        }
        self.require("MOVE", "UIDPLUS")
            .await
            .map_err(|_| Error::Capability {
                command: "MOVE",
                capability: "MOVE",
            })?;
        let uids: SequenceSet = self
            .uid_search(Criteria::seq(set))
            .await?
            .into_iter()
            .collect();
        if uids.is_empty() {
            return Ok(None);
        }
        self.move_fallback(&uids, mailbox).await
    }

    /// `UID MOVE uids mailbox`: like [`move_`](Self::move_), by UID.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::SequenceSet;
    /// if let Some(c) = client.uid_move(&SequenceSet::single(42)?, "Archive").await? {
    ///     println!("now UID {:?} there", c.dest_of(42));
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "uid")]
    #[doc(alias = "move")]
    pub async fn uid_move(&mut self, uids: &SequenceSet, mailbox: &str) -> Result<Option<CopyUid>> {
        if self.has_capability("MOVE").await? {
            return self
                .run_move(encode::Move::new(uids, mailbox).uid(true))
                .await;
        }
        self.require("UID MOVE", "UIDPLUS")
            .await
            .map_err(|_| Error::Capability {
                command: "UID MOVE",
                capability: "MOVE",
            })?;
        self.move_fallback(uids, mailbox).await
    }

    // ----- partial fetch -----

    async fn partial_inner(
        &mut self,
        n: u32,
        uid: bool,
        section: Section,
        start: u32,
        length: u32,
    ) -> Result<Option<Bytes>> {
        let set: SequenceSet = [n].into_iter().collect();
        let attr = FetchAttr::body_peek(section).partial(start, length);
        let cmd = encode::Fetch::new(set, [attr]).uid(uid);
        let msgs = self.fetch_with(cmd).await?.collect_all().await?;
        Ok(msgs
            .iter()
            .find(|f| if uid { f.uid() == Some(n) } else { f.seq == n })
            .and_then(section_bytes))
    }

    /// `length` bytes of a body section of message `seq` from byte `start` (0-based), as
    /// `FETCH seq BODY.PEEK[section]<start.length>` (imaplib's `partial`, which used the
    /// obsolete PARTIAL command). Does not set `\Seen`. `None` when the message is not
    /// there; fewer bytes (or none) when the section is shorter.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::Section;
    /// let first_kb = client.partial(1, Section::default(), 0, 1024).await?;
    /// # Ok(()) }
    /// ```
    pub async fn partial(
        &mut self,
        seq: u32,
        section: Section,
        start: u32,
        length: u32,
    ) -> Result<Option<Bytes>> {
        self.partial_inner(seq, false, section, start, length).await
    }

    /// Like [`partial`](Self::partial), for the message with UID `uid`.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::Section;
    /// let text_start = client.uid_partial(42, Section::text(), 0, 200).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "uid")]
    #[doc(alias = "partial")]
    pub async fn uid_partial(
        &mut self,
        uid: u32,
        section: Section,
        start: u32,
        length: u32,
    ) -> Result<Option<Bytes>> {
        self.partial_inner(uid, true, section, start, length).await
    }

    // ----- QRESYNC -----

    /// `SELECT mailbox (QRESYNC (uidvalidity modseq [known-uids]))` (RFC 7162): opens the
    /// mailbox and says what changed since a state the caller kept — the UIDs expunged
    /// since (`VANISHED (EARLIER)`) and the messages whose flags changed. Sends
    /// `ENABLE QRESYNC` first if needed (do it before selecting: ENABLE belongs in the
    /// authenticated state). Needs QRESYNC. If the UIDVALIDITY no longer matches, the
    /// server ignores the known state and nothing is reported as changed or vanished.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::encode::QResync;
    /// use imap4::proto::SequenceSet;
    /// let known = QResync::new(67890007, 90060115194045000)
    ///     .known_uids(SequenceSet::parse(b"1:300")?);
    /// let r = client.select_qresync("INBOX", known).await?;
    /// println!("gone: {}; changed: {}", r.vanished, r.changed.len());
    /// # Ok(()) }
    /// ```
    pub async fn select_qresync(
        &mut self,
        mailbox: &str,
        qresync: QResync,
    ) -> Result<QResyncSelect> {
        self.require("SELECT", "QRESYNC").await?;
        if !self.conn.is_enabled("QRESYNC") {
            self.run(&encode::Enable::new(["QRESYNC"])).await?;
        }
        self.prepare().await?;
        let from = self.unsolicited.len();
        let state = self
            .select_with(encode::Select::new(mailbox).qresync(qresync))
            .await?;
        let mut out = QResyncSelect {
            mailbox: state,
            vanished: SequenceSet::new(),
            changed: Vec::new(),
        };
        let rest: Vec<Unsolicited> = self.unsolicited.drain(from..).collect();
        for u in rest {
            match u {
                Unsolicited::Data(Data::Vanished {
                    earlier: true,
                    uids,
                }) => {
                    for r in uids.ranges() {
                        out.vanished.push(*r);
                    }
                }
                Unsolicited::Data(Data::Fetch(f)) => out.changed.push(f),
                u => self.unsolicited.push_back(u),
            }
        }
        out.vanished.normalize();
        Ok(out)
    }
}

/// Reads up to `buf.len()` bytes, at most `left`, retrying interrupted reads.
fn read_piece<R: std::io::Read + ?Sized>(
    source: &mut R,
    buf: &mut [u8],
    left: u64,
) -> std::io::Result<usize> {
    let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
    loop {
        match source.read(&mut buf[..want]) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}
