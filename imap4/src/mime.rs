//! Decoding what MIME parts and headers carry: transfer encodings (base64,
//! quoted-printable) as streaming [`Write`] adapters, RFC 2047 encoded words, and the few
//! charsets that need no tables.
//!
//! The client's part helpers ([`Client::fetch_part_to`](crate::blocking::Client::fetch_part_to),
//! [`Client::message_text`](crate::blocking::Client::message_text)) use these; they are public
//! for data fetched by other means.
//!
//! ```
//! use imap4::mime::{decode_words, TransferDecoder, TransferEncoding};
//! use std::io::Write;
//!
//! let mut out = Vec::new();
//! let mut dec = TransferDecoder::new(TransferEncoding::Base64, &mut out);
//! dec.write_all(b"aGVsbG8g")?;
//! dec.write_all(b"d29y\r\nbGQ=")?;
//! dec.finish()?;
//! assert_eq!(out, b"hello world");
//!
//! assert_eq!(decode_words(b"=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus Bonn"), "Grüße aus Bonn");
//! # Ok::<(), std::io::Error>(())
//! ```

use std::borrow::Cow;
use std::io::{self, Write};

/// A Content-Transfer-Encoding.
///
/// ```
/// use imap4::mime::TransferEncoding;
/// assert_eq!(TransferEncoding::from_name(b"BASE64"), TransferEncoding::Base64);
/// assert_eq!(TransferEncoding::from_name(b"7bit"), TransferEncoding::Identity);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferEncoding {
    /// `7BIT`, `8BIT`, `BINARY` or unknown: the bytes are the content.
    Identity,
    /// `BASE64`.
    Base64,
    /// `QUOTED-PRINTABLE`.
    QuotedPrintable,
}

impl TransferEncoding {
    /// From the name in a body structure (case-insensitive; unknown names are identity).
    ///
    /// ```
    /// use imap4::mime::TransferEncoding;
    /// assert_eq!(TransferEncoding::from_name(b"quoted-printable"), TransferEncoding::QuotedPrintable);
    /// ```
    pub fn from_name(name: &[u8]) -> TransferEncoding {
        if name.eq_ignore_ascii_case(b"base64") {
            TransferEncoding::Base64
        } else if name.eq_ignore_ascii_case(b"quoted-printable") {
            TransferEncoding::QuotedPrintable
        } else {
            TransferEncoding::Identity
        }
    }
}

/// Decodes a transfer encoding on the way into a writer, chunk by chunk: the encoded data
/// can arrive in pieces of any size (split anywhere, even inside a `=XX` escape or a base64
/// quad). Call [`finish`](Self::finish) at the end.
///
/// Lenient like mail readers: base64 ignores line breaks, spaces and any byte outside the
/// alphabet, and stops at the padding; quoted-printable keeps a malformed `=` escape as is.
///
/// ```
/// use imap4::mime::{TransferDecoder, TransferEncoding};
/// use std::io::Write;
///
/// let mut out = Vec::new();
/// let mut d = TransferDecoder::new(TransferEncoding::QuotedPrintable, &mut out);
/// d.write_all(b"caf=C3=A9 =\r\nau lait=")?;
/// d.write_all(b"3D\r\n")?;
/// d.finish()?;
/// assert_eq!(String::from_utf8(out).unwrap(), "café au lait=\r\n");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct TransferDecoder<W: Write> {
    inner: W,
    encoding: TransferEncoding,
    /// Bytes held over between writes (base64 partial quad; QP partial escape / line end).
    carry: Vec<u8>,
    /// Base64 padding seen: the rest is ignored.
    ended: bool,
    out: Vec<u8>,
}

fn b64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

impl<W: Write> TransferDecoder<W> {
    /// Wraps `inner`.
    ///
    /// ```
    /// use imap4::mime::{TransferDecoder, TransferEncoding};
    /// let d = TransferDecoder::new(TransferEncoding::Identity, Vec::new());
    /// ```
    pub fn new(encoding: TransferEncoding, inner: W) -> TransferDecoder<W> {
        TransferDecoder {
            inner,
            encoding,
            carry: Vec::new(),
            ended: false,
            out: Vec::new(),
        }
    }

    fn base64(&mut self, data: &[u8]) {
        let mut quad = [0u8; 4];
        let mut n = 0;
        for &c in &self.carry {
            quad[n] = c;
            n += 1;
        }
        self.carry.clear();
        for &c in data {
            if self.ended {
                break;
            }
            if c == b'=' {
                // Padding: flush what the partial quad holds and stop.
                match n {
                    2 => self.out.push(quad[0] << 2 | quad[1] >> 4),
                    3 => {
                        self.out.push(quad[0] << 2 | quad[1] >> 4);
                        self.out.push(quad[1] << 4 | quad[2] >> 2);
                    }
                    _ => {}
                }
                n = 0;
                self.ended = true;
                break;
            }
            let Some(v) = b64_value(c) else { continue };
            quad[n] = v;
            n += 1;
            if n == 4 {
                self.out.push(quad[0] << 2 | quad[1] >> 4);
                self.out.push(quad[1] << 4 | quad[2] >> 2);
                self.out.push(quad[2] << 6 | quad[3]);
                n = 0;
            }
        }
        self.carry.extend_from_slice(&quad[..n]);
    }

    /// Quoted-printable; `last` says no more input follows.
    fn qp(&mut self, data: &[u8], last: bool) {
        let mut buf = std::mem::take(&mut self.carry);
        buf.extend_from_slice(data);
        let mut i = 0;
        while i < buf.len() {
            let c = buf[i];
            if c != b'=' {
                // Trailing whitespace before a line break is padding (RFC 2045 6.7 rule 3),
                // but kept: mailers differ, and dropping it can join words.
                self.out.push(c);
                i += 1;
                continue;
            }
            let rest = &buf[i + 1..];
            if rest.len() < 2 && !last {
                // Might be `=X` or `=\r` cut by the chunk boundary: wait for more.
                break;
            }
            match rest {
                [b'\r', b'\n', ..] => i += 3, // soft line break
                [b'\n', ..] => i += 2,
                [a, b, ..] if hex(*a).is_some() && hex(*b).is_some() => {
                    self.out
                        .push(hex(*a).unwrap_or(0) << 4 | hex(*b).unwrap_or(0));
                    i += 3;
                }
                _ => {
                    // Malformed: keep the `=` literally.
                    self.out.push(b'=');
                    i += 1;
                }
            }
        }
        self.carry = buf[i.min(buf.len())..].to_vec();
    }

    /// Decodes the held-over bytes, flushes and returns the writer.
    ///
    /// ```
    /// use imap4::mime::{TransferDecoder, TransferEncoding};
    /// use std::io::Write;
    /// let mut d = TransferDecoder::new(TransferEncoding::Base64, Vec::new());
    /// d.write_all(b"QQ")?;
    /// assert_eq!(d.finish()?, b"A");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn finish(mut self) -> io::Result<W> {
        match self.encoding {
            TransferEncoding::QuotedPrintable => self.qp(&[], true),
            TransferEncoding::Base64 if !self.ended => {
                // Unpadded tail.
                let c = std::mem::take(&mut self.carry);
                match c.len() {
                    2 => self.out.push(c[0] << 2 | c[1] >> 4),
                    3 => {
                        self.out.push(c[0] << 2 | c[1] >> 4);
                        self.out.push(c[1] << 4 | c[2] >> 2);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        self.inner.write_all(&self.out)?;
        self.out.clear();
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for TransferDecoder<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        match self.encoding {
            TransferEncoding::Identity => return self.inner.write(data),
            TransferEncoding::Base64 => self.base64(data),
            TransferEncoding::QuotedPrintable => self.qp(data, false),
        }
        self.inner.write_all(&self.out)?;
        self.out.clear();
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Decodes bytes in a charset to text: UTF-8 and US-ASCII (lossy), ISO-8859-1 / Latin-1
/// and Windows-1252 exactly; other charsets are read as UTF-8, lossily (pull in a charset
/// crate such as `encoding_rs` for the rest).
///
/// ```
/// use imap4::mime::decode_charset;
/// assert_eq!(decode_charset(b"caf\xe9", "ISO-8859-1"), "café");
/// assert_eq!(decode_charset(b"\x80 5", "windows-1252"), "€ 5");
/// assert_eq!(decode_charset("Grüße".as_bytes(), "utf-8"), "Grüße");
/// ```
pub fn decode_charset<'a>(bytes: &'a [u8], charset: &str) -> Cow<'a, str> {
    let cs = charset.trim().to_ascii_lowercase();
    match cs.as_str() {
        "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" | "l1" => {
            Cow::Owned(bytes.iter().map(|&b| b as char).collect())
        }
        "windows-1252" | "cp1252" => Cow::Owned(bytes.iter().map(|&b| cp1252(b)).collect()),
        _ => String::from_utf8_lossy(bytes),
    }
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// Decodes RFC 2047 encoded words (`=?charset?B|Q?...?=`) in a header value (a subject, a
/// display name, a filename), joining adjacent encoded words as the RFC says (whitespace
/// between them is dropped). Anything malformed is kept as it was.
///
/// ```
/// use imap4::mime::decode_words;
/// assert_eq!(decode_words(b"=?iso-8859-1?q?J=F6rg?= <j@example.com>"), "Jörg <j@example.com>");
/// assert_eq!(decode_words(b"=?UTF-8?B?8J+YgA==?= =?UTF-8?B?IQ==?="), "😀!");
/// assert_eq!(decode_words(b"plain subject"), "plain subject");
/// ```
pub fn decode_words(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::new();
    let mut rest: &str = &text;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let Some((word, len)) = encoded_word(&rest[start..]) else {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            after_word = false;
            continue;
        };
        let between = &rest[..start];
        if !(after_word && between.chars().all(char::is_whitespace)) {
            out.push_str(between);
        }
        out.push_str(&word);
        rest = &rest[start + len..];
        after_word = true;
    }
    out.push_str(rest);
    out
}

/// One encoded word at the start of `s`: its text and length.
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let body = s.strip_prefix("=?")?;
    let q1 = body.find('?')?;
    let charset = &body[..q1];
    // RFC 2231 language suffix: `utf-8*en`.
    let charset = charset.split('*').next().unwrap_or(charset);
    let after = &body[q1 + 1..];
    let (enc, data_and_rest) = after.split_once('?')?;
    let end = data_and_rest.find("?=")?;
    let data = &data_and_rest[..end];
    if data.contains(' ') {
        return None;
    }
    let bytes = match enc {
        "B" | "b" => crate::proto::encode::base64_decode(data.trim_end_matches('=').as_bytes())
            .or_else(|| crate::proto::encode::base64_decode(data.as_bytes()))?,
        "Q" | "q" => {
            let mut v = Vec::new();
            let b = data.as_bytes();
            let mut i = 0;
            while i < b.len() {
                match b[i] {
                    b'_' => v.push(b' '),
                    b'=' if i + 2 < b.len()
                        && hex(b[i + 1]).is_some()
                        && hex(b[i + 2]).is_some() =>
                    {
                        v.push(hex(b[i + 1]).unwrap_or(0) << 4 | hex(b[i + 2]).unwrap_or(0));
                        i += 2;
                    }
                    c => v.push(c),
                }
                i += 1;
            }
            v
        }
        _ => return None,
    };
    let len = 2 + q1 + 1 + enc.len() + 1 + end + 2;
    Some((decode_charset(&bytes, charset).into_owned(), len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_pieces(enc: TransferEncoding, data: &[u8], piece: usize) -> Vec<u8> {
        let mut d = TransferDecoder::new(enc, Vec::new());
        for chunk in data.chunks(piece) {
            d.write_all(chunk).unwrap();
        }
        d.finish().unwrap()
    }

    #[test]
    fn base64_split_anywhere() {
        let plain: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let enc = crate::proto::encode::base64_encode(&plain);
        // Wrapped at 76 columns like mail.
        let wrapped: Vec<u8> = enc
            .as_bytes()
            .chunks(76)
            .flat_map(|l| l.iter().copied().chain(*b"\r\n"))
            .collect();
        for piece in [1, 2, 3, 5, 76, 77, 4096] {
            assert_eq!(
                decode_in_pieces(TransferEncoding::Base64, &wrapped, piece),
                plain
            );
        }
    }

    #[test]
    fn base64_tails_and_junk() {
        assert_eq!(
            decode_in_pieces(TransferEncoding::Base64, b"QUJD", 1),
            b"ABC"
        );
        assert_eq!(
            decode_in_pieces(TransferEncoding::Base64, b"QUI=", 1),
            b"AB"
        );
        assert_eq!(decode_in_pieces(TransferEncoding::Base64, b"QQ==", 1), b"A");
        assert_eq!(decode_in_pieces(TransferEncoding::Base64, b"QUI", 2), b"AB");
        assert_eq!(
            decode_in_pieces(TransferEncoding::Base64, b"Q U\tI*=\r\ngarbage", 3),
            b"AB"
        );
    }

    #[test]
    fn quoted_printable_split_anywhere() {
        let enc = b"Gr=C3=BC=C3=9Fe, this line is long and soft-=\r\nbroken; =3D sign=\nend=\r\n";
        let want = "Grüße, this line is long and soft-broken; = signend";
        for piece in 1..=enc.len() {
            let got = decode_in_pieces(TransferEncoding::QuotedPrintable, enc, piece);
            assert_eq!(String::from_utf8(got).unwrap(), want, "piece {piece}");
        }
    }

    #[test]
    fn quoted_printable_malformed_escapes_are_kept() {
        let got = decode_in_pieces(TransferEncoding::QuotedPrintable, b"a=ZZb=4", 1);
        assert_eq!(got, b"a=ZZb=4");
    }

    #[test]
    fn identity_passes_through() {
        assert_eq!(
            decode_in_pieces(TransferEncoding::Identity, b"=41", 1),
            b"=41"
        );
    }

    #[test]
    fn encoded_words() {
        assert_eq!(decode_words(b"=?utf-8?q?a_b?="), "a b");
        assert_eq!(decode_words(b"x =?utf-8?q?a?= =?utf-8?q?b?= y"), "x ab y");
        assert_eq!(decode_words(b"=?broken"), "=?broken");
        assert_eq!(decode_words(b"=?x?z?abc?="), "=?x?z?abc?=");
        assert_eq!(decode_words(b"=?UTF-8*de?Q?=C3=A4?="), "ä");
    }
}
