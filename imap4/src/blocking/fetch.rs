//! FETCH as an iterator of messages, and body sections streamed into any `io::Write`.

use std::io::Write;

use imap4_proto::encode::{self, FetchAttr, MessageSet};
use imap4_proto::{Fetch, SequenceSet};

use super::{BlockingIo, Client, Stream};
use crate::error::Result;
use crate::session::{self, block_on, MessageSink};
use crate::transport::Transport;

/// The messages of a running FETCH, each yielded as soon as its response arrives.
///
/// Memory holds one message at a time. The command ends only with the server's tagged
/// completion: a connection that drops or a `BYE` before it yields an error (an abort),
/// never a silently shorter list. Flag updates for messages outside the request (other
/// sessions' changes) go to [`Client::take_unsolicited`], not here.
///
/// The stream borrows the client, so no other command can start while it is being read
/// (checked at compile time). Dropping it early is fine: the rest of the reply is read and
/// discarded before the next command.
///
/// ```no_run
/// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
/// use imap4::proto::encode::FetchAttr;
/// use imap4::proto::SequenceSet;
///
/// client.select("INBOX")?;
/// let uids = SequenceSet::parse(b"1:*")?;
/// for msg in client.uid_fetch(&uids, [FetchAttr::Flags, FetchAttr::Envelope])? {
///     let msg = msg?;
///     let subject = msg.envelope().and_then(|e| e.subject_str());
///     println!("{:?} {:?}", msg.uid(), subject);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Starting another command while the stream is alive does not compile:
///
/// ```compile_fail
/// # fn f(client: &mut imap4::blocking::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use imap4::proto::encode::FetchAttr;
/// use imap4::proto::SequenceSet;
/// let mut stream = client.fetch(&SequenceSet::parse(b"1:*")?, [FetchAttr::Flags])?;
/// client.noop()?; // error[E0499]: `*client` is already borrowed by `stream`
/// stream.next();
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct FetchStream<'a, S: Stream = Transport> {
    inner: session::FetchStream<'a, BlockingIo<S>>,
}

impl<S: Stream> FetchStream<'_, S> {
    /// UIDs reported expunged by a `VANISHED` response during the fetch (QRESYNC
    /// `UID FETCH ... (CHANGEDSINCE n VANISHED)`); complete once the stream is exhausted.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{Fetch, FetchAttr};
    /// use imap4::proto::SequenceSet;
    /// let cmd = Fetch::new(SequenceSet::parse(b"1:*")?, [FetchAttr::Flags])
    ///     .uid(true).changed_since(1234).vanished(true);
    /// let mut stream = client.fetch_with(cmd)?;
    /// let changed: Vec<_> = stream.by_ref().collect::<Result<_, _>>()?;
    /// println!("{} changed, gone: {:?}", changed.len(), stream.vanished());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn vanished(&self) -> &[SequenceSet] {
        self.inner.vanished()
    }

    /// Reads the rest and returns all remaining messages (stops at the first error).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::FetchAttr;
    /// use imap4::proto::SequenceSet;
    /// let all = client.fetch(&SequenceSet::parse(b"1:10")?, [FetchAttr::Flags])?.collect_all()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn collect_all(self) -> Result<Vec<Fetch>> {
        self.collect()
    }
}

impl<S: Stream> Iterator for FetchStream<'_, S> {
    type Item = Result<Fetch>;

    fn next(&mut self) -> Option<Result<Fetch>> {
        block_on(self.inner.next())
    }
}

impl<S: Stream> Client<S> {
    /// `FETCH set (attrs)` by message sequence number: a stream of the messages, each as
    /// its response arrives (see [`FetchStream`]).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::FetchAttr;
    /// use imap4::proto::SequenceSet;
    /// client.select("INBOX")?;
    /// for msg in client.fetch(&SequenceSet::parse(b"1:5")?, [FetchAttr::Rfc822Size])? {
    ///     let msg = msg?;
    ///     println!("#{}: {:?} bytes", msg.seq, msg.size());
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "FETCH")]
    pub fn fetch(
        &mut self,
        set: &SequenceSet,
        attrs: impl IntoIterator<Item = FetchAttr>,
    ) -> Result<FetchStream<'_, S>> {
        Ok(FetchStream {
            inner: block_on(self.inner.fetch(set, attrs))?,
        })
    }

    /// `UID FETCH uids (attrs)`: a stream of the messages, each as its response arrives.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{Criteria, FetchAttr};
    /// use imap4::proto::SequenceSet;
    /// client.select("INBOX")?;
    /// let uids = client.uid_search(Criteria::unseen())?;
    /// let set: SequenceSet = uids.into_iter().collect();
    /// if !set.is_empty() {
    ///     for msg in client.uid_fetch(&set, [FetchAttr::Envelope])? {
    ///         println!("{:?}", msg?.envelope().and_then(|e| e.subject_str()));
    ///     }
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "uid")]
    pub fn uid_fetch(
        &mut self,
        uids: &SequenceSet,
        attrs: impl IntoIterator<Item = FetchAttr>,
    ) -> Result<FetchStream<'_, S>> {
        Ok(FetchStream {
            inner: block_on(self.inner.uid_fetch(uids, attrs))?,
        })
    }

    /// Any FETCH (with CHANGEDSINCE, VANISHED, PARTIAL, `$`...) as a stream.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{Fetch, FetchAttr};
    /// use imap4::proto::SequenceSet;
    /// let cmd = Fetch::new(SequenceSet::parse(b"1:*")?, [FetchAttr::Flags, FetchAttr::ModSeq])
    ///     .uid(true)
    ///     .changed_since(100);
    /// for msg in client.fetch_with(cmd)? {
    ///     println!("{:?}", msg?.modseq());
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fetch_with(&mut self, cmd: encode::Fetch) -> Result<FetchStream<'_, S>> {
        Ok(FetchStream {
            inner: block_on(self.inner.fetch_with(cmd))?,
        })
    }

    /// `UID FETCH uid (item)` with the item's data written into `out` as it arrives, in
    /// chunks: a 50 MB message goes to a file without 50 MB in memory. `item` is a body
    /// section, `BINARY` part or `RFC822` item (use the `.PEEK` forms to leave `\Seen`
    /// alone). Returns the number of bytes written; `Ok(None)` when the server returned
    /// no such message (expunged, or a UID that does not exist).
    ///
    /// A failing writer does not break the connection: the rest of the reply is read and
    /// discarded and the error comes back as [`Error::Output`](crate::Error::Output).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::FetchAttr;
    /// use imap4::proto::Section;
    /// client.select("INBOX")?;
    /// let mut file = std::fs::File::create("message.eml")?;
    /// let n = client.uid_fetch_to(42, FetchAttr::body_peek(Section::default()), &mut file)?;
    /// println!("{n:?} bytes saved");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn uid_fetch_to<W: Write + ?Sized>(
        &mut self,
        uid: u32,
        item: FetchAttr,
        out: &mut W,
    ) -> Result<Option<u64>> {
        block_on(self.inner.uid_fetch_to(uid, item, out))
    }

    /// [`uid_fetch_to`](Self::uid_fetch_to) for the whole message (`BODY.PEEK[]`, leaves
    /// `\Seen` alone).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.select("INBOX")?;
    /// let mut file = std::fs::File::create("42.eml")?;
    /// client.uid_fetch_message_to(42, &mut file)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn uid_fetch_message_to<W: Write + ?Sized>(
        &mut self,
        uid: u32,
        out: &mut W,
    ) -> Result<Option<u64>> {
        block_on(self.inner.uid_fetch_message_to(uid, out))
    }
    /// `UID FETCH uids (section attrs...)` with each message's section streamed into a
    /// writer of its own from `sink`: many messages to files with one command and bounded
    /// memory. See [`Session::uid_fetch_each_to`](crate::Session::uid_fetch_each_to) and
    /// [`MessageSink`].
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::FetchAttr;
    /// use imap4::proto::{Fetch, Section, SequenceSet};
    /// use imap4::session::MessageSink;
    ///
    /// /// Counts each message's bytes.
    /// struct Sizes(Vec<(Option<u32>, u64)>);
    /// impl MessageSink for Sizes {
    ///     type Writer = std::io::Sink;
    ///     fn open(&mut self, _: u32, _: Option<u32>, _: u64) -> std::io::Result<std::io::Sink> {
    ///         Ok(std::io::sink())
    ///     }
    ///     fn finish(&mut self, _: std::io::Sink, f: Fetch) -> std::io::Result<()> {
    ///         self.0.push((f.uid(), f.size().unwrap_or(0)));
    ///         Ok(())
    ///     }
    /// }
    /// client.select("INBOX")?;
    /// let mut sizes = Sizes(Vec::new());
    /// client.uid_fetch_each_to(SequenceSet::parse(b"1:*")?,
    ///     FetchAttr::body_peek(Section::default()), [FetchAttr::Rfc822Size], &mut sizes)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn uid_fetch_each_to<K: MessageSink + ?Sized>(
        &mut self,
        uids: impl Into<MessageSet>,
        section: FetchAttr,
        attrs: impl IntoIterator<Item = FetchAttr>,
        sink: &mut K,
    ) -> Result<u64> {
        block_on(self.inner.uid_fetch_each_to(uids, section, attrs, sink))
    }
}
