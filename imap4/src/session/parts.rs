//! Working with a message's MIME parts: find the text and the attachments in its
//! BODYSTRUCTURE, then fetch exactly those sections, decoded.

use std::io::{self, Write};

use imap4_proto::encode::FetchAttr;
use imap4_proto::{BodyStructure, FetchItem, Section, SequenceSet};

use super::{Io, Session};
use crate::error::{Error, Result};
use crate::mime::{decode_charset, decode_param, TransferDecoder, TransferEncoding};

/// An attachment found in a message's structure; pass it to
/// [`Session::save_attachment`].
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
/// client.select("INBOX").await?;
/// for a in client.attachments(42).await? {
///     println!("{} {} ({} bytes encoded)", a.part_number(), a.mime_type, a.size);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attachment {
    /// The section number (`[2]`, `[1, 3]`).
    pub part: Vec<u32>,
    /// The file name (Content-Disposition `filename`, or Content-Type `name`), with RFC 2047
    /// and RFC 2231 encodings undone.
    pub filename: Option<String>,
    /// `type/subtype`, lower case.
    pub mime_type: String,
    /// Size of the encoded part in bytes (as the server reports it).
    pub size: u64,
    /// The transfer encoding the part has on the server.
    pub encoding: TransferEncoding,
    /// Content-ID, if any (inline images referenced from HTML).
    pub content_id: Option<String>,
}

impl Attachment {
    /// The section number as IMAP writes it (`1.2`).
    ///
    /// ```
    /// # use imap4::blocking::Attachment;
    /// # fn f(a: &Attachment) { println!("{}", a.part_number()); }
    /// ```
    pub fn part_number(&self) -> String {
        let v: Vec<String> = self.part.iter().map(u32::to_string).collect();
        v.join(".")
    }
}

/// The readable text of a message; see [`Session::message_text`].
///
/// ```no_run
/// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
/// client.select("INBOX").await?;
/// if let Some(t) = client.message_text(42, false).await? {
///     // e.g. part [1] of a multipart/alternative, decoded from iso-8859-1
///     println!("{} (part {:?}, was {}):", t.mime_type, t.part, t.charset);
///     println!("{}", t.text);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MessageText {
    /// The section it came from.
    pub part: Vec<u32>,
    /// `text/plain` or `text/html`.
    pub mime_type: String,
    /// The charset it was decoded from (`utf-8` when the part names none).
    pub charset: String,
    /// The text, transfer encoding and charset undone.
    pub text: String,
}

/// Counts bytes on their way to a writer.
struct Counting<'a, W: Write + ?Sized> {
    inner: &'a mut W,
    n: u64,
}

impl<W: Write + ?Sized> Write for Counting<'_, W> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(b)?;
        self.n += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn filename_of(p: &imap4_proto::SinglePart<'_>) -> Option<String> {
    // Content-Disposition's filename first, then Content-Type's name; each with RFC 2231
    // extended values and continuations, or RFC 2047 words.
    p.disposition()
        .and_then(|d| decode_param(d.params(), "filename"))
        .or_else(|| decode_param(p.params(), "name"))
        .filter(|f| !f.is_empty())
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl<T: Io> Session<T> {
    /// `UID FETCH uid BODYSTRUCTURE`: the message's MIME structure, `None` if there is no
    /// such message.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// client.select("INBOX").await?;
    /// if let Some(bs) = client.body_structure(42).await? {
    ///     for (part, p) in bs.parts() {
    ///         println!("{part:?}: {}", p.mime_type());
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn body_structure(&mut self, uid: u32) -> Result<Option<BodyStructure>> {
        let set: SequenceSet = [uid].into_iter().collect();
        let msgs = self
            .uid_fetch(&set, [FetchAttr::BodyStructure])
            .await?
            .collect_all()
            .await?;
        Ok(msgs.into_iter().find_map(|f| {
            f.items.into_iter().find_map(|i| match i {
                FetchItem::BodyStructure(b) | FetchItem::Body(b) => Some(b),
                _ => None,
            })
        }))
    }

    /// Several sections of message `uid` in one `UID FETCH` (one round trip), each as it
    /// is on the server (not decoded; see [`fetch_part_to`](Self::fetch_part_to) for
    /// that), in the order asked: `None` for a section the server did not return. An
    /// empty list when the message does not exist. `\Seen` is left alone.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// use imap4::proto::Section;
    /// let got = client
    ///     .uid_fetch_sections(42, &[Section::header(), Section::part(&[1]), Section::part(&[2])])
    ///     .await?;
    /// for (i, s) in got.iter().enumerate() {
    ///     println!("section {i}: {:?} bytes", s.as_ref().map(|b| b.len()));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn uid_fetch_sections(
        &mut self,
        uid: u32,
        sections: &[Section],
    ) -> Result<Vec<Option<bytes::Bytes>>> {
        let set: SequenceSet = [uid].into_iter().collect();
        let attrs = sections.iter().cloned().map(FetchAttr::body_peek);
        let msgs = self.uid_fetch(&set, attrs).await?.collect_all().await?;
        let Some(m) = msgs.into_iter().find(|m| m.uid() == Some(uid)) else {
            return Ok(Vec::new());
        };
        Ok(sections
            .iter()
            .map(|s| m.section(s).and_then(|d| d.bytes()).cloned())
            .collect())
    }

    /// Fetches one part of message `uid` into `out`, decoded (base64 and
    /// quoted-printable undone), streaming: memory stays small whatever the size. With the
    /// server's `BINARY` extension the server decodes (`BINARY.PEEK[part]`); otherwise the
    /// part is fetched as is and decoded here. Returns the decoded size, `None` if there is
    /// no such message. `\Seen` is left alone.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// use imap4::mime::TransferEncoding;
    /// client.select("INBOX").await?;
    /// let mut file = std::fs::File::create("photo.jpg")?;
    /// client.fetch_part_to(42, &[2], TransferEncoding::Base64, &mut file).await?;
    /// # Ok(()) }
    /// ```
    pub async fn fetch_part_to<W: Write + ?Sized>(
        &mut self,
        uid: u32,
        part: &[u32],
        encoding: TransferEncoding,
        out: &mut W,
    ) -> Result<Option<u64>> {
        let mut counting = Counting { inner: out, n: 0 };
        if encoding != TransferEncoding::Identity && self.has_capability("BINARY").await? {
            match self
                .uid_fetch_to(uid, FetchAttr::binary_peek(part), &mut counting)
                .await
            {
                Ok(r) => return Ok(r.map(|_| counting.n)),
                // `[UNKNOWN-CTE]`: the server cannot decode it; do it here.
                Err(Error::No { .. }) if counting.n == 0 => {}
                Err(e) => return Err(e),
            }
        }
        let mut dec = TransferDecoder::new(encoding, &mut counting);
        let r = self
            .uid_fetch_to(uid, FetchAttr::body_peek(Section::part(part)), &mut dec)
            .await?;
        dec.finish().map_err(Error::Output)?;
        Ok(r.map(|_| counting.n))
    }

    /// The readable text of message `uid`: finds the text part in its structure
    /// (`text/plain` first, or `text/html` with `prefer_html`), fetches just that section,
    /// and undoes transfer encoding and charset (see [`decode_charset`]). `None` if the
    /// message does not exist or has no text part.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// client.select("INBOX").await?;
    /// if let Some(t) = client.message_text(42, false).await? {
    ///     println!("{}", t.text);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn message_text(
        &mut self,
        uid: u32,
        prefer_html: bool,
    ) -> Result<Option<MessageText>> {
        let Some(bs) = self.body_structure(uid).await? else {
            return Ok(None);
        };
        let Some((part, p)) = bs.text_part(prefer_html) else {
            return Ok(None);
        };
        let encoding = TransferEncoding::from_name(p.encoding());
        let charset = p
            .param("charset")
            .map(lossy)
            .unwrap_or_else(|| "utf-8".into());
        let mime_type = p.mime_type().to_ascii_lowercase();
        let mut bytes = Vec::new();
        if self
            .fetch_part_to(uid, &part, encoding, &mut bytes)
            .await?
            .is_none()
        {
            return Ok(None);
        }
        Ok(Some(MessageText {
            part,
            mime_type,
            text: decode_charset(&bytes, &charset).into_owned(),
            charset,
        }))
    }

    /// The attachments of message `uid`, from its BODYSTRUCTURE (parts with
    /// `Content-Disposition: attachment`, or a file name and a non-text type). Empty if
    /// there are none or no such message.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// client.select("INBOX").await?;
    /// for a in client.attachments(42).await? {
    ///     let name = a.filename.clone().unwrap_or_else(|| format!("part-{}", a.part_number()));
    ///     let mut file = std::fs::File::create(&name)?;
    ///     client.save_attachment(42, &a, &mut file).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn attachments(&mut self, uid: u32) -> Result<Vec<Attachment>> {
        let Some(bs) = self.body_structure(uid).await? else {
            return Ok(Vec::new());
        };
        Ok(bs
            .attachments()
            .into_iter()
            .map(|(part, p)| Attachment {
                filename: filename_of(&p),
                mime_type: p.mime_type().to_ascii_lowercase(),
                size: p.size(),
                encoding: TransferEncoding::from_name(p.encoding()),
                content_id: p.id().map(lossy),
                part,
            })
            .collect())
    }

    /// Saves an attachment of message `uid` into `out`, decoded; returns its decoded size.
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> Result<(), Box<dyn std::error::Error>> {
    /// client.select("INBOX").await?;
    /// if let Some(a) = client.attachments(42).await?.first() {
    ///     let mut out = Vec::new();
    ///     client.save_attachment(42, a, &mut out).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn save_attachment<W: Write + ?Sized>(
        &mut self,
        uid: u32,
        attachment: &Attachment,
        out: &mut W,
    ) -> Result<Option<u64>> {
        self.fetch_part_to(uid, &attachment.part, attachment.encoding, out)
            .await
    }
}
