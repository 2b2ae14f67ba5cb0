//! Message commands: SEARCH, SORT, THREAD, STORE, COPY, MOVE, APPEND, EXPUNGE, ...

use imap4_proto::encode::{self, Criteria};
use imap4_proto::Data;

use super::{Client, Stream};
use crate::error::Result;

impl<S: Stream> Client<S> {
    /// `UID SEARCH`: the UIDs matching the criteria.
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// use imap4::proto::encode::Criteria;
    /// client.select("INBOX")?;
    /// let unseen = client.uid_search(Criteria::unseen())?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn uid_search(&mut self, criteria: Criteria) -> Result<Vec<u32>> {
        let r = self.run(&encode::Search::new(criteria).uid(true))?;
        Ok(r.data
            .into_iter()
            .flat_map(|d| match d {
                Data::Search { nums, .. } => nums,
                _ => Vec::new(),
            })
            .collect())
    }
}
