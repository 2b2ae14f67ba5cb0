//! Batch operations: many commands with the fewest round trips (MULTIAPPEND, pipelining).

use imap4_proto::encode::{Append, AppendMessage, Store, StoreMode};
use imap4_proto::{Code, Flag, SequenceSet};

use super::{AppendUid, Io, Session};
use crate::error::Result;

fn append_uids(code: &Option<Code>) -> Vec<AppendUid> {
    match code {
        Some(Code::AppendUid { uid_validity, uids }) => uids
            .iter(u32::MAX)
            .map(|uid| AppendUid {
                uid_validity: *uid_validity,
                uid,
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl<T: Io> Session<T> {
    /// Appends many messages with the fewest round trips: one `MULTIAPPEND` command when
    /// the server offers it (RFC 3502: all stored or none), otherwise every `APPEND`
    /// pipelined (with `LITERAL+` when offered, the messages stream out without waiting
    /// for the server between them).
    ///
    /// Each message gets its own result, in order: `Ok(Some(uid))` when the server reports
    /// where it went (UIDPLUS), `Ok(None)` if not, or that APPEND's error. A refused
    /// MULTIAPPEND (nothing stored) is the outer error.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::encode::AppendMessage;
    /// let msgs = (0..100).map(|i| AppendMessage::new(format!("Subject: {i}\r\n\r\nhi\r\n")));
    /// let results = client.append_many("Archive", msgs).await?;
    /// assert!(results.iter().all(|r| r.is_ok()));
    /// # Ok(()) }
    /// ```
    #[doc(alias = "append")]
    #[doc(alias = "multiappend")]
    pub async fn append_many(
        &mut self,
        mailbox: &str,
        messages: impl IntoIterator<Item = AppendMessage>,
    ) -> Result<Vec<Result<Option<AppendUid>>>> {
        let messages: Vec<AppendMessage> = messages.into_iter().collect();
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        let n = messages.len();
        if n > 1 && self.has_capability("MULTIAPPEND").await? {
            let r = self.run(&Append::multi(mailbox, messages)).await?;
            let uids = append_uids(&r.status.code);
            return Ok((0..n).map(|i| Ok(uids.get(i).copied())).collect());
        }
        let cmds: Vec<Append> = messages
            .into_iter()
            .map(|m| Append::new(mailbox, m))
            .collect();
        let replies = self.run_all(&cmds).await?;
        Ok(replies
            .into_iter()
            .map(|r| r.map(|r| append_uids(&r.status.code).first().copied()))
            .collect())
    }

    /// Many silent `UID STORE`s pipelined: each change is (UIDs, how, flags). Returns each
    /// STORE's outcome in order (a NO for one does not stop the others). Flag updates the
    /// server reports anyway go to [`take_unsolicited`](Self::take_unsolicited).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::proto::encode::StoreMode;
    /// use imap4::proto::{Flag, SequenceSet};
    /// client.select("INBOX").await?;
    /// let changes = vec![
    ///     (SequenceSet::parse(b"1:10")?, StoreMode::Add, vec![Flag::Seen]),
    ///     (SequenceSet::parse(b"11")?, StoreMode::Add, vec![Flag::Flagged]),
    /// ];
    /// for r in client.uid_store_many(changes).await? {
    ///     r?;
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "store")]
    #[doc(alias = "uid")]
    pub async fn uid_store_many(
        &mut self,
        changes: impl IntoIterator<Item = (SequenceSet, StoreMode, Vec<Flag>)>,
    ) -> Result<Vec<Result<()>>> {
        let cmds: Vec<Store> = changes
            .into_iter()
            .map(|(set, mode, flags)| Store::new(set, mode, flags).uid(true).silent(true))
            .collect();
        let replies = self.run_all(&cmds).await?;
        Ok(replies
            .into_iter()
            .map(|r| {
                r.map(|reply| {
                    // A silent STORE answers with nothing, but a server may still report
                    // flags: they are news like any other.
                    for d in reply.data {
                        self.unsolicited.push_back(super::Unsolicited::Data(d));
                    }
                })
            })
            .collect())
    }
}
