//! `COMPRESS DEFLATE` (RFC 4978), see [`Client::compress`].

use super::{Client, Stream};
use crate::error::Result;
use crate::session::block_on;

impl<S: Stream> Client<S> {
    /// `COMPRESS DEFLATE` (RFC 4978): from now on everything is compressed both ways,
    /// transparently. Needs the `COMPRESS=DEFLATE` capability; saves much bandwidth on
    /// FETCHes of headers and text. Calling it twice is an error from the server
    /// (`[COMPRESSIONACTIVE]`).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.login("alice", "secret")?;
    /// client.compress()?;
    /// client.select("INBOX")?; // compressed on the wire
    /// # Ok::<(), imap4::Error>(())
    /// ```
    #[doc(alias = "COMPRESS")]
    pub fn compress(&mut self) -> Result<()> {
        block_on(self.inner.compress())
    }

    /// Whether `COMPRESS DEFLATE` is active.
    ///
    /// ```no_run
    /// # let client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// println!("compressed: {}", client.is_compressed());
    /// ```
    pub fn is_compressed(&self) -> bool {
        self.inner.is_compressed()
    }
}
