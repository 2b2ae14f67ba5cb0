//! Mailbox commands: LIST, LSUB, CREATE, DELETE, RENAME, SUBSCRIBE, STATUS, ...

use imap4_proto::encode;
use imap4_proto::{Data, ListData};

use super::{Client, Stream};
use crate::error::Result;

impl<S: Stream> Client<S> {
    /// `LIST reference pattern` (with `RETURN (SPECIAL-USE)`).
    ///
    /// ```no_run
    /// # let mut client: imap4::blocking::Client = todo!();
    /// for mb in client.list("", "*")? {
    ///     println!("{:?}", mb.name);
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn list(&mut self, reference: &str, pattern: &str) -> Result<Vec<ListData>> {
        let r = self.run(
            &encode::List::new(reference, pattern).returning([encode::ListReturn::SpecialUse]),
        )?;
        Ok(r.data
            .into_iter()
            .filter_map(|d| match d {
                Data::List(l) => Some(l),
                _ => None,
            })
            .collect())
    }
}
