//! Batch operations: many commands with the fewest round trips (MULTIAPPEND, pipelining).

use imap4_proto::encode::{AppendMessage, Command, StoreMode};
use imap4_proto::{Flag, SequenceSet};

use super::{AppendUid, Client, Reply, Stream};
use crate::error::Result;
use crate::session::block_on;

impl<S: Stream> Client<S> {
    /// Sends several commands without waiting for each reply (pipelining), then collects
    /// every reply; see [`Session::run_all`](crate::Session::run_all). The outer `Result`
    /// is the connection, each entry that command's outcome.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::{Status, StatusAttr};
    /// let cmds: Vec<Status> = ["INBOX", "Sent", "Archive"]
    ///     .iter()
    ///     .map(|m| Status::new(*m, [StatusAttr::Messages]))
    ///     .collect();
    /// for reply in client.run_all(&cmds)? {
    ///     println!("{:?}", reply?.data);
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn run_all<C: Command>(&mut self, cmds: &[C]) -> Result<Vec<Result<Reply>>> {
        block_on(self.inner.run_all(cmds))
    }

    /// Appends many messages with the fewest round trips: one `MULTIAPPEND` when offered
    /// (all or none stored), else every `APPEND` pipelined. One result per message, in
    /// order; see [`Session::append_many`](crate::Session::append_many).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::AppendMessage;
    /// let msgs = (0..100).map(|i| AppendMessage::new(format!("Subject: {i}\r\n\r\nhi\r\n")));
    /// let results = client.append_many("Archive", msgs)?;
    /// assert!(results.iter().all(|r| r.is_ok()));
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "append")]
    #[doc(alias = "multiappend")]
    pub fn append_many(
        &mut self,
        mailbox: &str,
        messages: impl IntoIterator<Item = AppendMessage>,
    ) -> Result<Vec<Result<Option<AppendUid>>>> {
        block_on(self.inner.append_many(mailbox, messages))
    }

    /// Many silent `UID STORE`s pipelined, one result each; see
    /// [`Session::uid_store_many`](crate::Session::uid_store_many).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::encode::StoreMode;
    /// use imap4::proto::{Flag, SequenceSet};
    /// client.select("INBOX")?;
    /// let changes = vec![(SequenceSet::parse(b"1:10")?, StoreMode::Add, vec![Flag::Seen])];
    /// for r in client.uid_store_many(changes)? {
    ///     r?;
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "store")]
    #[doc(alias = "uid")]
    pub fn uid_store_many(
        &mut self,
        changes: impl IntoIterator<Item = (SequenceSet, StoreMode, Vec<Flag>)>,
    ) -> Result<Vec<Result<()>>> {
        block_on(self.inner.uid_store_many(changes))
    }
}
