use bytes::Bytes;

use super::Envelope;

/// A message's MIME structure (RFC 3501 7.4.2 BODYSTRUCTURE, RFC 9051 7.5.2).
#[derive(Debug, Clone, PartialEq)]
pub enum BodyStructure {
    /// A leaf part: text, any basic type, or an encapsulated `message/rfc822`.
    Single(Box<SinglePart>),
    /// A `multipart/*` part.
    Multipart(Box<MultiPart>),
}

/// A non-multipart body part.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SinglePart {
    /// Media type (`TEXT`, `IMAGE`, `MESSAGE`, ...), as sent.
    pub media_type: Bytes,
    /// Media subtype (`PLAIN`, `HTML`, `RFC822`, ...), as sent.
    pub subtype: Bytes,
    /// Content-Type parameters (`charset`, `name`, ...).
    pub params: Vec<(Bytes, Bytes)>,
    /// Content-ID.
    pub id: Option<Bytes>,
    /// Content-Description.
    pub description: Option<Bytes>,
    /// Content-Transfer-Encoding (`7BIT`, `BASE64`, `QUOTED-PRINTABLE`, ...).
    pub encoding: Bytes,
    /// Size in bytes of the encoded body.
    pub size: u64,
    /// Line count (text parts and message/rfc822).
    pub lines: Option<u64>,
    /// The encapsulated message of a `message/rfc822` (or `message/global`) part.
    pub message: Option<Box<(Envelope, BodyStructure)>>,
    /// Content-MD5 (BODYSTRUCTURE extension data).
    pub md5: Option<Bytes>,
    /// Content-Disposition.
    pub disposition: Option<Disposition>,
    /// Content-Language values.
    pub language: Vec<Bytes>,
    /// Content-Location.
    pub location: Option<Bytes>,
    /// Extension data after the known fields, kept as sent.
    pub extensions: Vec<BodyExtension>,
}

/// A multipart body part.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MultiPart {
    /// The child parts (section numbers 1, 2, ...).
    pub parts: Vec<BodyStructure>,
    /// Subtype (`MIXED`, `ALTERNATIVE`, `RELATED`, ...).
    pub subtype: Bytes,
    /// Content-Type parameters (`boundary`, ...).
    pub params: Vec<(Bytes, Bytes)>,
    /// Content-Disposition.
    pub disposition: Option<Disposition>,
    /// Content-Language values.
    pub language: Vec<Bytes>,
    /// Content-Location.
    pub location: Option<Bytes>,
    /// Extension data after the known fields, kept as sent.
    pub extensions: Vec<BodyExtension>,
}

/// A Content-Disposition (`attachment; filename=...`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Disposition {
    /// `attachment`, `inline`, ...
    pub kind: Bytes,
    /// Its parameters.
    pub params: Vec<(Bytes, Bytes)>,
}

/// Unknown body extension data (RFC 3501 `body-extension`).
#[derive(Debug, Clone, PartialEq)]
pub enum BodyExtension {
    /// A string or NIL.
    NString(Option<Bytes>),
    /// A number.
    Number(u64),
    /// A parenthesised list.
    List(Vec<BodyExtension>),
}

fn param<'a>(params: &'a [(Bytes, Bytes)], name: &str) -> Option<&'a Bytes> {
    params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name.as_bytes()))
        .map(|(_, v)| v)
}

impl SinglePart {
    /// `type/subtype` in lower case.
    pub fn mime_type(&self) -> String {
        format!(
            "{}/{}",
            String::from_utf8_lossy(&self.media_type),
            String::from_utf8_lossy(&self.subtype)
        )
        .to_ascii_lowercase()
    }
    /// A Content-Type parameter, by case-insensitive name.
    pub fn param(&self, name: &str) -> Option<&Bytes> {
        param(&self.params, name)
    }
    /// The file name: the disposition's `filename`, else the type's `name`.
    pub fn filename(&self) -> Option<&Bytes> {
        self.disposition
            .as_ref()
            .and_then(|d| param(&d.params, "filename"))
            .or_else(|| self.param("name"))
    }
    /// Whether the part is an attachment: disposition `attachment`, or a non-text part with a
    /// file name.
    pub fn is_attachment(&self) -> bool {
        match &self.disposition {
            Some(d) if d.kind.eq_ignore_ascii_case(b"attachment") => true,
            Some(d) if d.kind.eq_ignore_ascii_case(b"inline") => {
                self.filename().is_some() && !self.media_type.eq_ignore_ascii_case(b"text")
            }
            _ => self.filename().is_some() && !self.media_type.eq_ignore_ascii_case(b"text"),
        }
    }
}

impl BodyStructure {
    /// Every leaf part with its section number (`[1]`, `[2, 1]`, ...), depth-first, including
    /// the parts inside encapsulated messages.
    ///
    /// ```
    /// use imap4_proto::{BodyStructure, SinglePart, MultiPart, Bytes};
    /// let text = BodyStructure::Single(Box::new(SinglePart {
    ///     media_type: Bytes::from("TEXT"), subtype: Bytes::from("PLAIN"), ..Default::default() }));
    /// let mp = BodyStructure::Multipart(Box::new(MultiPart {
    ///     parts: vec![text.clone(), text], subtype: Bytes::from("MIXED"), ..Default::default() }));
    /// let sections: Vec<Vec<u32>> = mp.parts().into_iter().map(|(s, _)| s).collect();
    /// assert_eq!(sections, vec![vec![1], vec![2]]);
    /// ```
    pub fn parts(&self) -> Vec<(Vec<u32>, &SinglePart)> {
        let mut out = Vec::new();
        // Explicit stack: server data may be deeply nested; no recursion.
        let mut stack: Vec<(Vec<u32>, &BodyStructure)> = vec![(Vec::new(), self)];
        while let Some((path, node)) = stack.pop() {
            match node {
                BodyStructure::Single(p) => {
                    let path = if path.is_empty() { vec![1] } else { path };
                    if let Some(m) = &p.message {
                        let inner = &m.1;
                        out.push((path.clone(), &**p));
                        match inner {
                            BodyStructure::Multipart(_) => stack.push((path, inner)),
                            BodyStructure::Single(_) => {
                                let mut p2 = path;
                                p2.push(1);
                                stack.push((p2, inner));
                            }
                        }
                    } else {
                        out.push((path, &**p));
                    }
                }
                BodyStructure::Multipart(m) => {
                    for (i, child) in m.parts.iter().enumerate().rev() {
                        let mut p = path.clone();
                        p.push(i as u32 + 1);
                        stack.push((p, child));
                    }
                }
            }
        }
        out
    }

    /// The main text part: the first `text/plain` (or, if `prefer_html`, `text/html`) that is
    /// not an attachment, falling back to the other kind.
    pub fn text_part(&self, prefer_html: bool) -> Option<(Vec<u32>, &SinglePart)> {
        let (first, second): (&[u8], &[u8]) = if prefer_html {
            (b"html", b"plain")
        } else {
            (b"plain", b"html")
        };
        let parts = self.parts();
        for want in [first, second] {
            if let Some((s, p)) = parts.iter().find(|(_, p)| {
                p.media_type.eq_ignore_ascii_case(b"text")
                    && p.subtype.eq_ignore_ascii_case(want)
                    && !p.is_attachment()
            }) {
                return Some((s.clone(), *p));
            }
        }
        None
    }

    /// The attachment parts with their section numbers.
    pub fn attachments(&self) -> Vec<(Vec<u32>, &SinglePart)> {
        self.parts()
            .into_iter()
            .filter(|(_, p)| p.is_attachment())
            .collect()
    }
}
