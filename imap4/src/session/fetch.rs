//! FETCH as a stream of messages, and body sections streamed into any `io::Write`.

use std::io::Write;

use bytes::BytesMut;
use imap4_proto::encode::{self, FetchAttr, MessageSet};
use imap4_proto::{Data, Fetch, FetchItem, SectionData, SequenceSet, Tag};

use super::{Io, Session, Step, Unsolicited};
use crate::error::{Error, Result};

/// Literals at least this big are streamed to the writer in chunks by
/// [`Session::uid_fetch_to`] instead of being buffered.
const STREAM_FROM: u64 = 16 * 1024;

/// The messages of a running FETCH, each yielded as soon as its response arrives: call
/// [`next`](Self::next) until it returns `None`.
///
/// Memory holds one message at a time. The command ends only with the server's tagged
/// completion: a connection that drops or a `BYE` before it yields an error (an abort),
/// never a silently shorter list. Flag updates for messages outside the request (other
/// sessions' changes) go to [`Session::take_unsolicited`], not here.
///
/// The stream borrows the session, so no other command can start while it is being read
/// (checked at compile time). Dropping it early is fine: the rest of the reply is read and
/// discarded before the next command.
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
/// use imap4::proto::encode::FetchAttr;
/// use imap4::proto::SequenceSet;
///
/// client.select("INBOX").await?;
/// let uids = SequenceSet::parse(b"1:*")?;
/// let mut msgs = client.uid_fetch(&uids, [FetchAttr::Flags, FetchAttr::Envelope]).await?;
/// while let Some(msg) = msgs.next().await {
///     let msg = msg?;
///     println!("{:?} {:?}", msg.uid(), msg.envelope().and_then(|e| e.subject_str()));
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct FetchStream<'a, T: Io> {
    client: &'a mut Session<T>,
    /// `None` once the completion was read.
    tag: Option<Tag>,
    name: &'static str,
    filter: Filter,
    vanished: Vec<SequenceSet>,
    /// Streamed literals of the response being read (the decoder streams only when asked).
    literals: Vec<bytes::Bytes>,
    current: BytesMut,
}

/// Which FETCH responses answer the command (the others are unsolicited flag updates).
#[derive(Debug, Clone)]
struct Filter {
    set: Option<SequenceSet>,
    uid: bool,
    /// The request asks for more than FLAGS / UID / MODSEQ, so a response with nothing
    /// else is an unsolicited flag update.
    substantive: bool,
}

impl Filter {
    fn new(cmd: &encode::Fetch) -> Filter {
        let set = match cmd.set() {
            MessageSet::Set(s) => Some(s.clone()),
            _ => None,
        };
        let substantive = cmd
            .attrs()
            .iter()
            .any(|a| !matches!(a, FetchAttr::Flags | FetchAttr::Uid | FetchAttr::ModSeq));
        Filter {
            set,
            uid: cmd.is_uid(),
            substantive,
        }
    }

    fn wants(&self, f: &Fetch, exists: u32) -> bool {
        if let Some(set) = &self.set {
            let inside = if self.uid {
                // `n:*` covers every UID from n; `*` alone the highest, which we cannot
                // know: accept.
                f.uid().is_some_and(|u| set.contains(u, u32::MAX))
            } else {
                set.contains(f.seq, exists.max(f.seq))
            };
            if !inside {
                return false;
            }
        }
        if self.substantive {
            return f.items.iter().any(|i| {
                !matches!(
                    i,
                    FetchItem::Flags(_) | FetchItem::Uid(_) | FetchItem::ModSeq(_)
                )
            });
        }
        true
    }
}

impl<T: Io> FetchStream<'_, T> {
    /// UIDs reported expunged by a `VANISHED` response during the fetch (QRESYNC
    /// `UID FETCH ... (CHANGEDSINCE n VANISHED)`); complete once the stream is exhausted.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::encode::{Fetch, FetchAttr};
    /// use imap4::proto::SequenceSet;
    /// let cmd = Fetch::new(SequenceSet::parse(b"1:*")?, [FetchAttr::Flags])
    ///     .uid(true).changed_since(1234).vanished(true);
    /// let mut stream = client.fetch_with(cmd).await?;
    /// let mut changed = 0;
    /// while let Some(m) = stream.next().await {
    ///     m?;
    ///     changed += 1;
    /// }
    /// println!("{changed} changed, gone: {:?}", stream.vanished());
    /// # Ok(()) }
    /// ```
    pub fn vanished(&self) -> &[SequenceSet] {
        &self.vanished
    }

    /// Reads the rest and returns all remaining messages (stops at the first error).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::encode::FetchAttr;
    /// use imap4::proto::SequenceSet;
    /// let set = SequenceSet::parse(b"1:10")?;
    /// let all = client.fetch(&set, [FetchAttr::Flags]).await?.collect_all().await?;
    /// # Ok(()) }
    /// ```
    pub async fn collect_all(mut self) -> Result<Vec<Fetch>> {
        let mut v = Vec::new();
        while let Some(m) = self.next().await {
            v.push(m?);
        }
        Ok(v)
    }

    fn fill_streamed(&mut self, f: &mut Fetch) {
        if self.literals.is_empty() {
            return;
        }
        let mut lits = std::mem::take(&mut self.literals).into_iter();
        for item in &mut f.items {
            let data = match item {
                FetchItem::BodySection { data, .. }
                | FetchItem::Binary { data, .. }
                | FetchItem::Rfc822(data)
                | FetchItem::Rfc822Header(data)
                | FetchItem::Rfc822Text(data) => data,
                _ => continue,
            };
            if let SectionData::Streamed(_) = data {
                if let Some(b) = lits.next() {
                    *data = SectionData::Bytes(b);
                }
            }
        }
    }
}

impl<T: Io> FetchStream<'_, T> {
    /// The next message, `None` once the server completed the command.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::encode::FetchAttr;
    /// use imap4::proto::SequenceSet;
    /// let mut s = client.fetch(&SequenceSet::parse(b"1:*")?, [FetchAttr::Flags]).await?;
    /// while let Some(m) = s.next().await {
    ///     println!("{:?}", m?.flags());
    /// }
    /// # Ok(()) }
    /// ```
    #[allow(clippy::should_implement_trait)]
    pub async fn next(&mut self) -> Option<Result<Fetch>> {
        let tag = self.tag.clone()?;
        loop {
            let step = match self.client.step(&tag, self.name).await {
                Ok(s) => s,
                Err(e) => {
                    self.tag = None;
                    return Some(Err(e));
                }
            };
            match step {
                Step::Data(Data::Fetch(mut f)) => {
                    let exists = self.client.conn.mailbox().map_or(0, |m| m.exists);
                    if self.filter.wants(&f, exists) {
                        self.fill_streamed(&mut f);
                        return Some(Ok(f));
                    }
                    self.literals.clear();
                    self.client
                        .unsolicited
                        .push_back(Unsolicited::Data(Data::Fetch(f)));
                }
                Step::Data(Data::Vanished { uids, earlier }) => {
                    if earlier {
                        self.vanished.push(uids);
                    } else {
                        let d = Data::Vanished { uids, earlier };
                        self.client.unsolicited.push_back(Unsolicited::Data(d));
                    }
                }
                Step::Data(d) => self.client.unsolicited.push_back(Unsolicited::Data(d)),
                Step::LiteralStart(_) => self.current.clear(),
                Step::LiteralChunk(b) => self.current.extend_from_slice(&b),
                Step::LiteralEnd => {
                    let b = self.current.split().freeze();
                    self.literals.push(b);
                }
                Step::Unparsed(m) => {
                    self.literals.clear();
                    return Some(Err(super::unparsed(self.name, m)));
                }
                Step::Continue(_) => {}
                Step::Done(status) => {
                    self.tag = None;
                    return match self.client.completion(self.name, status) {
                        Ok(_) => None,
                        Err(e) => Some(Err(e)),
                    };
                }
            }
        }
    }
}

impl<T: Io> Session<T> {
    /// `FETCH set (attrs)` by message sequence number: a stream of the messages, each as
    /// its response arrives (see [`FetchStream`]).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::encode::FetchAttr;
    /// use imap4::proto::SequenceSet;
    /// client.select("INBOX").await?;
    /// let set = SequenceSet::parse(b"1:5")?;
    /// let mut msgs = client.fetch(&set, [FetchAttr::Rfc822Size]).await?;
    /// while let Some(msg) = msgs.next().await {
    ///     let msg = msg?;
    ///     println!("#{}: {:?} bytes", msg.seq, msg.size());
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "FETCH")]
    pub async fn fetch(
        &mut self,
        set: &SequenceSet,
        attrs: impl IntoIterator<Item = FetchAttr>,
    ) -> Result<FetchStream<'_, T>> {
        self.fetch_with(encode::Fetch::new(set.clone(), attrs))
            .await
    }

    /// `UID FETCH uids (attrs)`: a stream of the messages, each as its response arrives.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::encode::FetchAttr;
    /// use imap4::proto::SequenceSet;
    /// client.select("INBOX").await?;
    /// let set = SequenceSet::parse(b"1:*")?;
    /// let mut msgs = client.uid_fetch(&set, [FetchAttr::Envelope]).await?;
    /// while let Some(msg) = msgs.next().await {
    ///     println!("{:?}", msg?.envelope().and_then(|e| e.subject_str()));
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "uid")]
    pub async fn uid_fetch(
        &mut self,
        uids: &SequenceSet,
        attrs: impl IntoIterator<Item = FetchAttr>,
    ) -> Result<FetchStream<'_, T>> {
        self.fetch_with(encode::Fetch::new(uids.clone(), attrs).uid(true))
            .await
    }

    /// Any FETCH (with CHANGEDSINCE, VANISHED, PARTIAL, `$`...) as a stream.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::encode::{Fetch, FetchAttr};
    /// use imap4::proto::SequenceSet;
    /// let cmd = Fetch::new(SequenceSet::parse(b"1:*")?, [FetchAttr::Flags, FetchAttr::ModSeq])
    ///     .uid(true)
    ///     .changed_since(100);
    /// let mut msgs = client.fetch_with(cmd).await?;
    /// while let Some(msg) = msgs.next().await {
    ///     println!("{:?}", msg?.modseq());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn fetch_with(&mut self, cmd: encode::Fetch) -> Result<FetchStream<'_, T>> {
        let name = imap4_proto::encode::Command::name(&cmd);
        let filter = Filter::new(&cmd);
        let tag = self.start(&cmd).await?;
        Ok(FetchStream {
            client: self,
            tag: Some(tag),
            name,
            filter,
            vanished: Vec::new(),
            literals: Vec::new(),
            current: BytesMut::new(),
        })
    }

    /// `UID FETCH uid (item)` with the item's data written into `out` as it arrives, in
    /// chunks: a 50 MB message goes to a file without 50 MB in memory. `item` is a body
    /// section, `BINARY` part or `RFC822` item (use the `.PEEK` forms to leave `\Seen`
    /// alone). Returns the number of bytes written; `Ok(None)` when the server returned
    /// no such message (expunged, or a UID that does not exist).
    ///
    /// `out` is a blocking [`Write`]; give it an in-memory buffer or a file (writes to a
    /// local file are quick). A failing writer does not break the connection: the rest of
    /// the reply is read and discarded and the error comes back as [`Error::Output`].
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::encode::FetchAttr;
    /// use imap4::proto::Section;
    /// client.select("INBOX").await?;
    /// let mut file = std::fs::File::create("message.eml")?;
    /// let n = client.uid_fetch_to(42, FetchAttr::body_peek(Section::default()), &mut file).await?;
    /// println!("{n:?} bytes saved");
    /// # Ok(()) }
    /// ```
    pub async fn uid_fetch_to<W: Write + ?Sized>(
        &mut self,
        uid: u32,
        item: FetchAttr,
        out: &mut W,
    ) -> Result<Option<u64>> {
        // UID 0 makes an empty set, which the encoder refuses.
        let set: SequenceSet = [uid].into_iter().collect();
        let cmd = encode::Fetch::new(set, [item]).uid(true);
        // Finish whatever an earlier, dropped command left before switching the decoder.
        self.prepare().await?;
        let old = self.conn.decoder_mut().limits().clone();
        let mut limits = old.clone();
        limits.stream_literals_from = Some(STREAM_FROM);
        // If this future is dropped half way, the next command's prepare() puts these back.
        self.saved_limits = Some(old);
        self.conn.decoder_mut().set_limits(limits);
        let r = self.fetch_to_inner(&cmd, uid, out).await;
        if let Some(old) = self.saved_limits.take() {
            self.conn.decoder_mut().set_limits(old);
        }
        r
    }

    async fn fetch_to_inner<W: Write + ?Sized>(
        &mut self,
        cmd: &encode::Fetch,
        uid: u32,
        out: &mut W,
    ) -> Result<Option<u64>> {
        let name = imap4_proto::encode::Command::name(cmd);
        // Not start(): its prepare() would undo the streaming limits just set.
        let tag = self.start_prepared(cmd)?;
        let mut written: Option<u64> = None;
        let mut write_err: Option<std::io::Error> = None;
        // Whether the literal being streamed is the one we want.
        let mut ours = false;
        let mut write = |b: &[u8], written: &mut Option<u64>, write_err: &mut Option<_>| {
            if write_err.is_none() {
                match out.write_all(b) {
                    Ok(()) => *written = Some(written.unwrap_or(0) + b.len() as u64),
                    Err(e) => *write_err = Some(e),
                }
            }
        };
        loop {
            match self.step(&tag, name).await? {
                Step::LiteralStart(s) => {
                    ours = s.fetch_context().is_some_and(|(_, u, item)| {
                        u.is_none_or(|u| u == uid) && is_section_item(&item)
                    });
                    if ours {
                        written.get_or_insert(0);
                    }
                }
                Step::LiteralChunk(b) if ours => write(&b, &mut written, &mut write_err),
                Step::LiteralChunk(_) => {}
                Step::LiteralEnd => ours = false,
                Step::Data(Data::Fetch(f)) if f.uid() == Some(uid) => {
                    for item in &f.items {
                        if let FetchItem::BodySection { data, .. }
                        | FetchItem::Binary { data, .. }
                        | FetchItem::Rfc822(data)
                        | FetchItem::Rfc822Header(data)
                        | FetchItem::Rfc822Text(data) = item
                        {
                            match data {
                                SectionData::Bytes(b) => write(b, &mut written, &mut write_err),
                                SectionData::Nil => {
                                    written.get_or_insert(0);
                                }
                                SectionData::Streamed(_) => {}
                            }
                        }
                    }
                }
                Step::Data(d) => self.unsolicited.push_back(Unsolicited::Data(d)),
                Step::Unparsed(m) => self.unsolicited.push_back(Unsolicited::Malformed(m)),
                Step::Continue(_) => {}
                Step::Done(status) => {
                    self.completion(name, status)?;
                    if let Some(e) = write_err {
                        return Err(Error::Output(e));
                    }
                    if let Err(e) = out.flush() {
                        return Err(Error::Output(e));
                    }
                    return Ok(written);
                }
            }
        }
    }

    /// [`uid_fetch_to`](Self::uid_fetch_to) for the whole message (`BODY.PEEK[]`, leaves
    /// `\Seen` alone).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// client.select("INBOX").await?;
    /// let mut file = std::fs::File::create("42.eml")?;
    /// client.uid_fetch_message_to(42, &mut file).await?;
    /// # Ok(()) }
    /// ```
    pub async fn uid_fetch_message_to<W: Write + ?Sized>(
        &mut self,
        uid: u32,
        out: &mut W,
    ) -> Result<Option<u64>> {
        self.uid_fetch_to(
            uid,
            FetchAttr::body_peek(imap4_proto::Section::default()),
            out,
        )
        .await
    }
}

fn is_section_item(item: &[u8]) -> bool {
    let upper = |p: &[u8]| item.len() >= p.len() && item[..p.len()].eq_ignore_ascii_case(p);
    upper(b"BODY[") || upper(b"BINARY[") || upper(b"RFC822")
}

/// Where [`Session::uid_fetch_each_to`] puts each message: a writer per message for the
/// section's bytes, and the message's other attributes once its response is complete.
///
/// Implement it to stream many messages into files (a backup), a hasher or a socket with
/// one command and memory for one chunk at a time.
///
/// ```
/// use imap4::session::MessageSink;
/// use imap4::proto::Fetch;
///
/// /// Keeps each message in memory, in the order they came (for a test).
/// struct Collect(Vec<(Option<u32>, Vec<u8>)>);
///
/// impl MessageSink for Collect {
///     type Writer = Vec<u8>;
///     fn open(&mut self, _seq: u32, _uid: Option<u32>, len: u64) -> std::io::Result<Vec<u8>> {
///         Ok(Vec::with_capacity(len.min(1 << 20) as usize))
///     }
///     fn finish(&mut self, body: Vec<u8>, fetch: Fetch) -> std::io::Result<()> {
///         self.0.push((fetch.uid(), body));
///         Ok(())
///     }
/// }
/// ```
pub trait MessageSink {
    /// What one message's bytes are written to.
    type Writer: Write;

    /// A message's section begins; `len` bytes follow (0 when the server sent `NIL` or
    /// no section at all). `uid` is there when the server sent the UID before the section,
    /// as servers usually do; the [`Fetch`] given to [`finish`](Self::finish) always has
    /// what the server sent.
    fn open(&mut self, seq: u32, uid: Option<u32>, len: u64) -> std::io::Result<Self::Writer>;

    /// The message's response is complete. `fetch` holds its other items (UID, FLAGS,
    /// INTERNALDATE, ...); its section item is [`SectionData::Streamed`] with the length
    /// written (or [`SectionData::Nil`] when the server sent `NIL`, or missing when the
    /// server left it out).
    fn finish(&mut self, writer: Self::Writer, fetch: Fetch) -> std::io::Result<()>;
}

impl<T: Io> Session<T> {
    /// `UID FETCH uids (section attrs...)` with each message's section streamed into a
    /// writer of its own from `sink`: a whole mailbox into files with one command, in
    /// bounded memory (big sections arrive in chunks; small ones are buffered up to 16 KB).
    /// `section` is one body section, `BINARY` part or `RFC822` item (the `.PEEK` forms
    /// leave `\Seen` alone); `attrs` are the other items to fetch (UID, FLAGS,
    /// INTERNALDATE, RFC822.SIZE, MODSEQ, ...). Returns the number of messages handed to
    /// [`MessageSink::finish`].
    ///
    /// Responses for messages outside `uids` without a section (other sessions' flag
    /// changes) go to [`take_unsolicited`](Self::take_unsolicited), as does a response the
    /// decoder could not read (that message is skipped: compare what `finish` saw with what
    /// was asked). An error from the sink stops the deliveries; the rest of the reply is
    /// read and discarded and the error comes back as [`Error::Output`].
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::encode::FetchAttr;
    /// use imap4::proto::{Fetch, Section};
    /// use imap4::session::MessageSink;
    ///
    /// /// Each message into `UID.eml`, by way of `SEQ.part`.
    /// struct Files;
    /// impl MessageSink for Files {
    ///     type Writer = std::fs::File;
    ///     fn open(&mut self, seq: u32, _: Option<u32>, _: u64) -> std::io::Result<std::fs::File> {
    ///         std::fs::File::create(format!("{seq}.part"))
    ///     }
    ///     fn finish(&mut self, file: std::fs::File, f: Fetch) -> std::io::Result<()> {
    ///         file.sync_all()?;
    ///         std::fs::rename(format!("{}.part", f.seq), format!("{}.eml", f.uid().unwrap_or(0)))
    ///     }
    /// }
    ///
    /// client.select("INBOX").await?;
    /// let all = imap4::proto::SequenceSet::parse(b"1:*")?;
    /// let n = client
    ///     .uid_fetch_each_to(all, FetchAttr::body_peek(Section::default()),
    ///                        [FetchAttr::Flags, FetchAttr::InternalDate], &mut Files)
    ///     .await?;
    /// println!("{n} messages saved");
    /// # Ok(()) }
    /// ```
    pub async fn uid_fetch_each_to<K: MessageSink + ?Sized>(
        &mut self,
        uids: impl Into<MessageSet>,
        section: FetchAttr,
        attrs: impl IntoIterator<Item = FetchAttr>,
        sink: &mut K,
    ) -> Result<u64> {
        let mut items: Vec<FetchAttr> = vec![FetchAttr::Uid];
        items.extend(attrs.into_iter().filter(|a| *a != FetchAttr::Uid));
        items.push(section);
        let cmd = encode::Fetch::new(uids, items).uid(true);
        self.prepare().await?;
        let old = self.conn.decoder_mut().limits().clone();
        let mut limits = old.clone();
        limits.stream_literals_from = Some(STREAM_FROM);
        self.saved_limits = Some(old);
        self.conn.decoder_mut().set_limits(limits);
        let r = self.fetch_each_inner(&cmd, sink).await;
        if let Some(old) = self.saved_limits.take() {
            self.conn.decoder_mut().set_limits(old);
        }
        r
    }

    async fn fetch_each_inner<K: MessageSink + ?Sized>(
        &mut self,
        cmd: &encode::Fetch,
        sink: &mut K,
    ) -> Result<u64> {
        let name = imap4_proto::encode::Command::name(cmd);
        let filter = Filter::new(cmd);
        let tag = self.start_prepared(cmd)?;
        let mut err: Option<std::io::Error> = None;
        // The writer of the response being read, opened at its section's literal.
        let mut current: Option<(u32, K::Writer, u64)> = None;
        // Whether the literal being streamed goes to `current`.
        let mut ours = false;
        let mut delivered = 0u64;
        loop {
            match self.step(&tag, name).await? {
                Step::LiteralStart(s) => {
                    ours = false;
                    if err.is_some() {
                        continue;
                    }
                    let Some((seq, uid, item)) = s.fetch_context() else {
                        continue;
                    };
                    if !is_section_item(&item) {
                        continue;
                    }
                    match &current {
                        // A second section in one response: not ours to write.
                        Some((s, _, _)) if *s == seq => {}
                        _ => match sink.open(seq, uid, s.len) {
                            Ok(w) => {
                                current = Some((seq, w, 0));
                                ours = true;
                            }
                            Err(e) => err = Some(e),
                        },
                    }
                }
                Step::LiteralChunk(b) => {
                    if let (true, None, Some((_, w, n))) = (ours, &err, &mut current) {
                        match w.write_all(&b) {
                            Ok(()) => *n += b.len() as u64,
                            Err(e) => err = Some(e),
                        }
                    }
                }
                Step::LiteralEnd => ours = false,
                Step::Data(Data::Fetch(mut f)) => {
                    let exists = self.conn.mailbox().map_or(0, |m| m.exists);
                    let streamed = current.as_ref().is_some_and(|(s, _, _)| *s == f.seq);
                    if !streamed && !filter.wants(&f, exists) {
                        self.unsolicited
                            .push_back(Unsolicited::Data(Data::Fetch(f)));
                        continue;
                    }
                    let taken = if streamed { current.take() } else { None };
                    if err.is_some() {
                        continue;
                    }
                    let r = deliver(sink, &mut f, taken).and_then(|w| sink.finish(w, f));
                    match r {
                        Ok(()) => delivered += 1,
                        Err(e) => err = Some(e),
                    }
                }
                Step::Data(d) => self.unsolicited.push_back(Unsolicited::Data(d)),
                Step::Unparsed(m) => {
                    // That message is lost to this command; the writer is dropped unfinished.
                    current = None;
                    self.unsolicited.push_back(Unsolicited::Malformed(m));
                }
                Step::Continue(_) => {}
                Step::Done(status) => {
                    self.completion(name, status)?;
                    return match err {
                        Some(e) => Err(Error::Output(e)),
                        None => Ok(delivered),
                    };
                }
            }
        }
    }
}

/// Writes a buffered section (or opens an empty writer) for a message whose section was
/// not streamed, and marks the section as written.
fn deliver<K: MessageSink + ?Sized>(
    sink: &mut K,
    f: &mut Fetch,
    taken: Option<(u32, K::Writer, u64)>,
) -> std::io::Result<K::Writer> {
    if let Some((_, mut w, n)) = taken {
        w.flush()?;
        for item in &mut f.items {
            if let Some(SectionData::Streamed(len)) = section_data(item) {
                *len = n;
                break;
            }
        }
        return Ok(w);
    }
    let uid = f.uid();
    let seq = f.seq;
    for item in &mut f.items {
        if let Some(data) = section_data(item) {
            return match data {
                SectionData::Bytes(b) => {
                    let mut w = sink.open(seq, uid, b.len() as u64)?;
                    w.write_all(b)?;
                    w.flush()?;
                    *data = SectionData::Streamed(b.len() as u64);
                    Ok(w)
                }
                _ => sink.open(seq, uid, 0),
            };
        }
    }
    sink.open(seq, uid, 0)
}

fn section_data(item: &mut FetchItem) -> Option<&mut SectionData> {
    match item {
        FetchItem::BodySection { data, .. }
        | FetchItem::Binary { data, .. }
        | FetchItem::Rfc822(data)
        | FetchItem::Rfc822Header(data)
        | FetchItem::Rfc822Text(data) => Some(data),
        _ => None,
    }
}
