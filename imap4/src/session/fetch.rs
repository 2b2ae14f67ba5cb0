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
