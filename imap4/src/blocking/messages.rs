//! Message commands: APPEND, SEARCH, SORT, THREAD, STORE, COPY, MOVE, partial fetches and
//! the QRESYNC select. The commands are [`Session`](crate::Session)'s, run to completion.

use bytes::Bytes;
use imap4_proto::date::InternalDate;
use imap4_proto::encode::{
    self, Append, AppendMessage, AppendStream, Criteria, MessageSet, QResync, SearchReturn,
    SortCriterion, StoreMode, ThreadAlgorithm,
};
use imap4_proto::{Flag, Section, SequenceSet, Thread};

use super::{Client, Stream};
use crate::error::Result;
use crate::session::{
    block_on, AppendUid, AppendUids, CopyUid, ESearchResult, MessageFlags, QResyncSelect,
    StoreResult,
};

impl<S: Stream> Client<S> {
    /// `APPEND mailbox (flags) "date" {n}`: stores a message in `mailbox`. Returns where it
    /// landed when the server has UIDPLUS (`APPENDUID`), else `None`.
    ///
    /// The bytes go as they are (IMAP wants CRLF line endings; see
    /// [`normalize_line_endings`](encode::normalize_line_endings)). A message with NUL
    /// bytes is sent as a `literal8` when the server has BINARY, and refused otherwise. A
    /// big message is sent in one go with LITERAL+, else after the server's `+`.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::date::InternalDate;
    /// use imap4::proto::Flag;
    /// let msg = b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n".to_vec();
    /// let date = InternalDate::new(2024, 1, 31, 9, 5, 0, 60)?;
    /// let at = client.append("Drafts", msg, [Flag::Draft], Some(date))?;
    /// println!("{at:?}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn append(
        &mut self,
        mailbox: &str,
        message: impl Into<Bytes>,
        flags: impl IntoIterator<Item = Flag>,
        date: Option<InternalDate>,
    ) -> Result<Option<AppendUid>> {
        block_on(self.inner.append(mailbox, message, flags, date))
    }

    /// [`append`](Self::append) sending the message as a `literal8` (`~{n}`, RFC 3516
    /// BINARY), for messages with binary MIME parts. Needs the BINARY capability.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// let msg = b"Subject: raw\r\nContent-Transfer-Encoding: binary\r\n\r\n\x00\x01\r\n".to_vec();
    /// let at = client.append_binary("INBOX", msg, [], None)?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "append")]
    pub fn append_binary(
        &mut self,
        mailbox: &str,
        message: impl Into<Bytes>,
        flags: impl IntoIterator<Item = Flag>,
        date: Option<InternalDate>,
    ) -> Result<Option<AppendUid>> {
        block_on(self.inner.append_binary(mailbox, message, flags, date))
    }

    /// Any APPEND (several messages, CATENATE, UTF8, literal8), sent as it is: the UIDs
    /// from `APPENDUID`, if the server reports them.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{Append, AppendMessage, CatenatePart};
    /// let cmd = Append::new("Drafts", AppendMessage::catenate([
    ///     CatenatePart::Url("/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER".into()),
    ///     CatenatePart::Text("\r\nNew body\r\n".into()),
    /// ]));
    /// let at = client.append_with(cmd)?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn append_with(&mut self, cmd: Append) -> Result<Option<AppendUids>> {
        block_on(self.inner.append_with(cmd))
    }

    /// `APPEND` of a message of `len` bytes read from `source` while it is sent, in pieces
    /// of 64 KiB: memory never holds the message, whatever its size (a 2 GB mail from a
    /// file). Flags, date and BINARY as set on `cmd`; the line endings must already be
    /// CRLF. `source` must give exactly [`AppendStream::len`] bytes: a server that refuses
    /// the message says NO before anything is read past the first piece, and a source
    /// that fails (or ends early) half way leaves the connection unusable
    /// ([`Abort::Source`](crate::Abort::Source)), since the server waits in the middle of
    /// the message. Returns where it landed when the server has UIDPLUS.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::AppendStream;
    /// use imap4::proto::Flag;
    /// let mut file = std::fs::File::open("big.eml")?;
    /// let len = file.metadata()?.len();
    /// let at = client.append_from(AppendStream::new("Archive", len).flags([Flag::Seen]), &mut file)?;
    /// println!("{at:?}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "append")]
    pub fn append_from<R: std::io::Read + ?Sized>(
        &mut self,
        cmd: AppendStream,
        source: &mut R,
    ) -> Result<Option<AppendUid>> {
        block_on(self.inner.append_from(cmd, source))
    }

    /// Appends several messages: in one command when the server has MULTIAPPEND (RFC
    /// 3502; all or none are stored), else one APPEND each (stops at the first failure,
    /// keeping the ones before). Returns their UIDs in order when the server reports them.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::AppendMessage;
    /// use imap4::proto::Flag;
    /// let msgs = [
    ///     AppendMessage::new("Subject: one\r\n\r\n1\r\n"),
    ///     AppendMessage::new("Subject: two\r\n\r\n2\r\n").flags([Flag::Seen]),
    /// ];
    /// let at = client.multiappend("Archive", msgs)?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "append")]
    pub fn multiappend(
        &mut self,
        mailbox: &str,
        messages: impl IntoIterator<Item = AppendMessage>,
    ) -> Result<Option<AppendUids>> {
        block_on(self.inner.multiappend(mailbox, messages))
    }

    /// `SEARCH criteria`: the sequence numbers of the matching messages. Non-ASCII search
    /// text is sent with `CHARSET UTF-8` (unless UTF8=ACCEPT is enabled).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::Criteria;
    /// client.select("INBOX")?;
    /// let hits = client.search(Criteria::and([Criteria::unseen(), Criteria::subject("Grüße")]))?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn search(&mut self, criteria: Criteria) -> Result<Vec<u32>> {
        block_on(self.inner.search(criteria))
    }

    /// `UID SEARCH`: the UIDs matching the criteria (non-ASCII text as in
    /// [`search`](Self::search)).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::Criteria;
    /// client.select("INBOX")?;
    /// let unseen = client.uid_search(Criteria::unseen())?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "uid")]
    #[doc(alias = "search")]
    pub fn uid_search(&mut self, criteria: Criteria) -> Result<Vec<u32>> {
        block_on(self.inner.uid_search(criteria))
    }

    /// Any SEARCH (explicit CHARSET, `.uid(true)`), sent as it is: the matching numbers.
    /// For `RETURN (...)` use [`esearch`](Self::esearch).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{Criteria, Search};
    /// let hits = client.search_with(Search::new(Criteria::body("caf\u{e9}")).charset("UTF-8"))?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "search")]
    pub fn search_with(&mut self, cmd: encode::Search) -> Result<Vec<u32>> {
        block_on(self.inner.search_with(cmd))
    }

    /// `SEARCH RETURN (...) criteria` (RFC 4731 ESEARCH): a summary of the matches by
    /// sequence number (`MIN`, `MAX`, `COUNT`, `ALL`) instead of the whole list. An empty
    /// `returning` means `ALL`. Needs ESEARCH.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{Criteria, SearchReturn};
    /// let r = client.esearch(Criteria::unseen(), [SearchReturn::Count, SearchReturn::Min])?;
    /// println!("{:?} unseen, first at {:?}", r.count, r.min);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "search")]
    pub fn esearch(
        &mut self,
        criteria: Criteria,
        returning: impl IntoIterator<Item = SearchReturn>,
    ) -> Result<ESearchResult> {
        block_on(self.inner.esearch(criteria, returning))
    }

    /// `UID SEARCH RETURN (...) criteria`: like [`esearch`](Self::esearch), with UIDs.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{Criteria, SearchReturn};
    /// let r = client.uid_esearch(Criteria::all(), [SearchReturn::Max])?;
    /// println!("newest UID {:?}", r.max);
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "uid")]
    pub fn uid_esearch(
        &mut self,
        criteria: Criteria,
        returning: impl IntoIterator<Item = SearchReturn>,
    ) -> Result<ESearchResult> {
        block_on(self.inner.uid_esearch(criteria, returning))
    }

    /// `SORT (keys) UTF-8 criteria` (RFC 5256): the sequence numbers of the matching
    /// messages in sort order. Needs SORT.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{Criteria, SortKey};
    /// let newest_first = client.sort([SortKey::Date.reversed()], Criteria::all())?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn sort<K: Into<SortCriterion>>(
        &mut self,
        keys: impl IntoIterator<Item = K>,
        criteria: Criteria,
    ) -> Result<Vec<u32>> {
        block_on(self.inner.sort(keys, criteria))
    }

    /// `UID SORT (keys) UTF-8 criteria`: the UIDs in sort order. Needs SORT.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{Criteria, SortKey};
    /// let by_subject = client.uid_sort([SortKey::Subject, SortKey::Arrival], Criteria::unseen())?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "uid")]
    #[doc(alias = "sort")]
    pub fn uid_sort<K: Into<SortCriterion>>(
        &mut self,
        keys: impl IntoIterator<Item = K>,
        criteria: Criteria,
    ) -> Result<Vec<u32>> {
        block_on(self.inner.uid_sort(keys, criteria))
    }

    /// `THREAD algorithm UTF-8 criteria` (RFC 5256): the matching messages (sequence
    /// numbers) as thread trees. Needs `THREAD=<algorithm>`.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{Criteria, ThreadAlgorithm};
    /// for t in client.thread(ThreadAlgorithm::References, Criteria::all())? {
    ///     println!("{:?}", t.all_messages());
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn thread(
        &mut self,
        algorithm: ThreadAlgorithm,
        criteria: Criteria,
    ) -> Result<Vec<Thread>> {
        block_on(self.inner.thread(algorithm, criteria))
    }

    /// `UID THREAD algorithm UTF-8 criteria`: thread trees of UIDs.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{Criteria, ThreadAlgorithm};
    /// let threads = client.uid_thread(ThreadAlgorithm::OrderedSubject, Criteria::unseen())?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "uid")]
    #[doc(alias = "thread")]
    pub fn uid_thread(
        &mut self,
        algorithm: ThreadAlgorithm,
        criteria: Criteria,
    ) -> Result<Vec<Thread>> {
        block_on(self.inner.uid_thread(algorithm, criteria))
    }

    /// `STORE set [+|-]FLAGS (flags)`: adds, removes or replaces flags of messages by
    /// sequence number; returns their flags after the change.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::StoreMode;
    /// use imap4::proto::Flag;
    /// for m in client.store(1..=3, StoreMode::Add, [Flag::Seen])? {
    ///     println!("#{}: {:?}", m.seq, m.flags);
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn store(
        &mut self,
        set: impl Into<MessageSet>,
        mode: StoreMode,
        flags: impl IntoIterator<Item = Flag>,
    ) -> Result<Vec<MessageFlags>> {
        block_on(self.inner.store(set, mode, flags))
    }

    /// `UID STORE uids [+|-]FLAGS (flags)`: like [`store`](Self::store), by UID.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::StoreMode;
    /// use imap4::proto::{Flag, SequenceSet};
    /// client.uid_store(SequenceSet::single(42)?, StoreMode::Remove, [Flag::Flagged])?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "uid")]
    #[doc(alias = "store")]
    pub fn uid_store(
        &mut self,
        uids: impl Into<MessageSet>,
        mode: StoreMode,
        flags: impl IntoIterator<Item = Flag>,
    ) -> Result<Vec<MessageFlags>> {
        block_on(self.inner.uid_store(uids, mode, flags))
    }

    /// Any STORE (`.silent(true)`, `.unchanged_since(modseq)` of CONDSTORE, UID or not):
    /// the updated messages' flags and, for UNCHANGEDSINCE, the `MODIFIED` set of messages
    /// left alone because they changed in the meantime.
    ///
    /// Flag updates the server sends for messages outside the command's set (changes by
    /// other sessions) go to [`take_unsolicited`](Self::take_unsolicited).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::Store;
    /// use imap4::proto::{Flag, SequenceSet};
    /// let cmd = Store::add_flags(SequenceSet::range(1, 9)?, [Flag::Seen])
    ///     .uid(true)
    ///     .unchanged_since(12345);
    /// let r = client.store_with(cmd)?;
    /// if let Some(conflicts) = r.modified {
    ///     println!("changed meanwhile: {conflicts}");
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "store")]
    pub fn store_with(&mut self, cmd: encode::Store) -> Result<StoreResult> {
        block_on(self.inner.store_with(cmd))
    }

    /// `COPY set mailbox`: copies messages (by sequence number); returns `COPYUID` when
    /// the server has UIDPLUS.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::SequenceSet;
    /// let c = client.copy(&SequenceSet::range(1, 5)?, "Archive")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn copy(&mut self, set: &SequenceSet, mailbox: &str) -> Result<Option<CopyUid>> {
        block_on(self.inner.copy(set, mailbox))
    }

    /// `UID COPY uids mailbox`: copies messages by UID; returns `COPYUID` when the server
    /// has UIDPLUS.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::SequenceSet;
    /// let c = client.uid_copy(&SequenceSet::single(42)?, "Archive")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "uid")]
    #[doc(alias = "copy")]
    pub fn uid_copy(&mut self, uids: &SequenceSet, mailbox: &str) -> Result<Option<CopyUid>> {
        block_on(self.inner.uid_copy(uids, mailbox))
    }

    /// `MOVE set mailbox` (RFC 6851): moves messages (by sequence number); returns
    /// `COPYUID` when the server has UIDPLUS. Without MOVE, it is done as COPY, STORE
    /// `\Deleted` and `UID EXPUNGE` of just these messages — which needs UIDPLUS; without
    /// both it is [`Error::Capability`](crate::Error::Capability).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::SequenceSet;
    /// client.move_(&SequenceSet::single(1)?, "Trash")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "move")]
    pub fn move_(&mut self, set: &SequenceSet, mailbox: &str) -> Result<Option<CopyUid>> {
        block_on(self.inner.move_(set, mailbox))
    }

    /// `UID MOVE uids mailbox`: like [`move_`](Self::move_), by UID.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::SequenceSet;
    /// if let Some(c) = client.uid_move(&SequenceSet::single(42)?, "Archive")? {
    ///     println!("now UID {:?} there", c.dest_of(42));
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "uid")]
    #[doc(alias = "move")]
    pub fn uid_move(&mut self, uids: &SequenceSet, mailbox: &str) -> Result<Option<CopyUid>> {
        block_on(self.inner.uid_move(uids, mailbox))
    }

    /// `length` bytes of a body section of message `seq` from byte `start` (0-based), as
    /// `FETCH seq BODY.PEEK[section]<start.length>` (imaplib's `partial`, which used the
    /// obsolete PARTIAL command). Does not set `\Seen`. `None` when the message is not
    /// there; fewer bytes (or none) when the section is shorter.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::Section;
    /// let first_kb = client.partial(1, Section::default(), 0, 1024)?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn partial(
        &mut self,
        seq: u32,
        section: Section,
        start: u32,
        length: u32,
    ) -> Result<Option<Bytes>> {
        block_on(self.inner.partial(seq, section, start, length))
    }

    /// Like [`partial`](Self::partial), for the message with UID `uid`.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::Section;
    /// let text_start = client.uid_partial(42, Section::text(), 0, 200)?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "uid")]
    #[doc(alias = "partial")]
    pub fn uid_partial(
        &mut self,
        uid: u32,
        section: Section,
        start: u32,
        length: u32,
    ) -> Result<Option<Bytes>> {
        block_on(self.inner.uid_partial(uid, section, start, length))
    }

    /// `SELECT mailbox (QRESYNC (uidvalidity modseq [known-uids]))` (RFC 7162): opens the
    /// mailbox and says what changed since a state the caller kept — the UIDs expunged
    /// since (`VANISHED (EARLIER)`) and the messages whose flags changed. Sends
    /// `ENABLE QRESYNC` first if needed (do it before selecting: ENABLE belongs in the
    /// authenticated state). Needs QRESYNC. If the UIDVALIDITY no longer matches, the
    /// server ignores the known state and nothing is reported as changed or vanished.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::QResync;
    /// use imap4::proto::SequenceSet;
    /// let known = QResync::new(67890007, 90060115194045000)
    ///     .known_uids(SequenceSet::parse(b"1:300")?);
    /// let r = client.select_qresync("INBOX", known)?;
    /// println!("gone: {}; changed: {}", r.vanished, r.changed.len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn select_qresync(&mut self, mailbox: &str, qresync: QResync) -> Result<QResyncSelect> {
        block_on(self.inner.select_qresync(mailbox, qresync))
    }
}
