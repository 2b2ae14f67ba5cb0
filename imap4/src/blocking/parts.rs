//! Working with a message's MIME parts: find the text and the attachments in its
//! BODYSTRUCTURE, then fetch exactly those sections, decoded.

use std::io::Write;

use imap4_proto::BodyStructure;

use super::{Attachment, Client, MessageText, Stream};
use crate::error::Result;
use crate::mime::TransferEncoding;
use crate::session::block_on;

impl<S: Stream> Client<S> {
    /// Several sections of message `uid` in one `UID FETCH` (one round trip), raw, in the
    /// order asked (`None` for one the server did not return); see
    /// [`Session::uid_fetch_sections`](crate::Session::uid_fetch_sections).
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::proto::Section;
    /// client.select("INBOX")?;
    /// let got = client.uid_fetch_sections(42, &[Section::header(), Section::part(&[2])])?;
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn uid_fetch_sections(
        &mut self,
        uid: u32,
        sections: &[imap4_proto::Section],
    ) -> Result<Vec<Option<bytes::Bytes>>> {
        block_on(self.inner.uid_fetch_sections(uid, sections))
    }

    /// `UID FETCH uid BODYSTRUCTURE`: the message's MIME structure, `None` if there is no
    /// such message.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.select("INBOX")?;
    /// if let Some(bs) = client.body_structure(42)? {
    ///     for (part, p) in bs.parts() {
    ///         println!("{part:?}: {}", p.mime_type());
    ///     }
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn body_structure(&mut self, uid: u32) -> Result<Option<BodyStructure>> {
        block_on(self.inner.body_structure(uid))
    }

    /// Fetches one part of message `uid` into `out`, decoded (base64 and
    /// quoted-printable undone), streaming: memory stays small whatever the size. With the
    /// server's `BINARY` extension the server decodes (`BINARY.PEEK[part]`); otherwise the
    /// part is fetched as is and decoded here. Returns the decoded size, `None` if there is
    /// no such message. `\Seen` is left alone.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// use imap4::mime::TransferEncoding;
    /// client.select("INBOX")?;
    /// let mut file = std::fs::File::create("photo.jpg")?;
    /// client.fetch_part_to(42, &[2], TransferEncoding::Base64, &mut file)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fetch_part_to<W: Write + ?Sized>(
        &mut self,
        uid: u32,
        part: &[u32],
        encoding: TransferEncoding,
        out: &mut W,
    ) -> Result<Option<u64>> {
        block_on(self.inner.fetch_part_to(uid, part, encoding, out))
    }

    /// The readable text of message `uid`: finds the text part in its structure
    /// (`text/plain` first, or `text/html` with `prefer_html`), fetches just that section,
    /// and undoes transfer encoding and charset (see [`decode_charset`](crate::mime::decode_charset)). `None` if the
    /// message does not exist or has no text part.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.select("INBOX")?;
    /// if let Some(t) = client.message_text(42, false)? {
    ///     println!("{}", t.text);
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn message_text(&mut self, uid: u32, prefer_html: bool) -> Result<Option<MessageText>> {
        block_on(self.inner.message_text(uid, prefer_html))
    }

    /// The attachments of message `uid`, from its BODYSTRUCTURE (parts with
    /// `Content-Disposition: attachment`, or a file name and a non-text type). Empty if
    /// there are none or no such message.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.select("INBOX")?;
    /// for a in client.attachments(42)? {
    ///     let name = a.filename.clone().unwrap_or_else(|| format!("part-{}", a.part_number()));
    ///     let mut file = std::fs::File::create(&name)?;
    ///     client.save_attachment(42, &a, &mut file)?;
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn attachments(&mut self, uid: u32) -> Result<Vec<Attachment>> {
        block_on(self.inner.attachments(uid))
    }

    /// Saves an attachment of message `uid` into `out`, decoded; returns its decoded size.
    ///
    /// ```no_run
    /// # let mut client = imap4::blocking::Client::connect(("127.0.0.1", 10143)).unwrap();
    /// client.select("INBOX")?;
    /// if let Some(a) = client.attachments(42)?.first() {
    ///     let mut out = Vec::new();
    ///     client.save_attachment(42, a, &mut out)?;
    /// }
    /// # Ok::<(), imap4::Error>(())
    /// ```
    pub fn save_attachment<W: Write + ?Sized>(
        &mut self,
        uid: u32,
        attachment: &Attachment,
        out: &mut W,
    ) -> Result<Option<u64>> {
        block_on(self.inner.save_attachment(uid, attachment, out))
    }
}
