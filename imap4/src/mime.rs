//! Decoding what MIME parts and headers carry: transfer encodings (base64,
//! quoted-printable) as streaming [`Write`] adapters, every charset mail uses, RFC 2047
//! encoded words, header blocks ([`Headers`]), address lists, `Date:` values, RFC 2231
//! parameters and HTML bodies as text.
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

mod address;
mod date;
mod header;
mod html;
mod param;

pub use address::{decode_address_list, Address};
pub use date::parse_date;
pub use header::Headers;
pub use html::html_to_text;
pub use param::decode_param;

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

/// Decodes bytes in a charset to text, for every charset mail uses.
///
/// Any label of the WHATWG Encoding Standard (`utf-8`, `iso-8859-*`, `windows-125x`,
/// `koi8-r`, `shift_jis`, `euc-jp`, `iso-2022-jp`, `gb2312`, `gbk`, `gb18030`, `big5`,
/// `euc-kr`, `utf-16` ...), a few more aliases seen in mail (`cp932`, `latin-1`, `utf8`),
/// and UTF-7 (RFC 2152). Undecodable bytes become U+FFFD; an unknown or empty label reads
/// the bytes as UTF-8, or as Windows-1252 when they are not UTF-8.
///
/// ```
/// use imap4::mime::decode_charset;
/// assert_eq!(decode_charset(b"caf\xe9", "ISO-8859-1"), "café");
/// assert_eq!(decode_charset(b"\x80 5", "windows-1252"), "€ 5");
/// assert_eq!(decode_charset("Grüße".as_bytes(), "utf-8"), "Grüße");
/// assert_eq!(decode_charset(b"\xd0\xd2\xc9\xd7\xc5\xd4", "koi8-r"), "привет");
/// assert_eq!(decode_charset(b"\x1b$B$3$s$K$A$O\x1b(B", "ISO-2022-JP"), "こんにちは");
/// assert_eq!(decode_charset(b"Hi Mom -+Jjo--!", "utf-7"), "Hi Mom -☺-!");
/// assert_eq!(decode_charset(b"caf\xe9", "x-unknown"), "café");
/// ```
pub fn decode_charset<'a>(bytes: &'a [u8], charset: &str) -> Cow<'a, str> {
    let label = charset.trim().trim_matches('"').to_ascii_lowercase();
    let label = match label.as_str() {
        "utf-7" | "utf7" | "unicode-1-1-utf-7" | "csunicode11utf7" => {
            return Cow::Owned(utf7(bytes))
        }
        "latin-1" | "iso-8859-1:1987" => "latin1",
        "cp932" | "ms932" | "windows-31j" | "x-sjis" => "shift_jis",
        "cp936" | "ms936" => "gbk",
        "cp949" | "ms949" | "uhc" => "euc-kr",
        "cp950" | "ms950" | "big5-hkscs" => "big5",
        "cp874" => "windows-874",
        "ansi" | "" | "unknown-8bit" | "x-user-defined" => "",
        other => other,
    };
    match encoding_rs::Encoding::for_label(label.as_bytes()) {
        Some(enc) if enc == encoding_rs::UTF_8 => String::from_utf8_lossy(bytes),
        Some(enc) if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE => {
            enc.decode(bytes).0
        }
        Some(enc) => enc.decode_without_bom_handling(bytes).0,
        None => match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => {
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(bytes)
                    .0
            }
        },
    }
}

/// RFC 2152 UTF-7: direct characters, `+base64-` runs of UTF-16, `+-` for `+`.
fn utf7(bytes: &[u8]) -> String {
    fn b64(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c != b'+' {
            out.push(if c < 0x80 { c as char } else { '\u{fffd}' });
            i += 1;
            continue;
        }
        i += 1;
        if bytes.get(i) == Some(&b'-') {
            out.push('+');
            i += 1;
            continue;
        }
        let (mut acc, mut bits) = (0u32, 0u32);
        let mut units = Vec::new();
        while let Some(v) = bytes.get(i).and_then(|&c| b64(c)) {
            acc = (acc << 6 | v) & 0xff_ffff;
            bits += 6;
            if bits >= 16 {
                bits -= 16;
                units.push((acc >> bits) as u16);
            }
            i += 1;
        }
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        out.extend(char::decode_utf16(units).map(|r| r.unwrap_or('\u{fffd}')));
    }
    out
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
    // Unfold first (a folded line break is not part of the value).
    let unfolded: Cow<'_, [u8]> = if raw.contains(&b'\n') {
        let mut v = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            match raw[i] {
                b'\r' if raw.get(i + 1) == Some(&b'\n') => i += 1,
                b'\n' => {}
                c => v.push(c),
            }
            i += 1;
        }
        Cow::Owned(v)
    } else {
        Cow::Borrowed(raw)
    };
    // Raw 8-bit bytes: UTF-8 when they are, else the usual Windows-1252.
    let text: Cow<'_, str> = match std::str::from_utf8(&unfolded) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&unfolded)
                .0
                .into_owned(),
        ),
    };
    let mut out = String::new();
    let mut rest: &str = &text;
    // Adjacent words in one charset are joined as bytes before decoding, so that a
    // character split across two words (as some mailers do) comes out whole.
    let mut pending: Option<(String, Vec<u8>)> = None;
    let flush = |out: &mut String, pending: &mut Option<(String, Vec<u8>)>| {
        if let Some((cs, bytes)) = pending.take() {
            out.push_str(&decode_charset(&bytes, &cs));
        }
    };
    while let Some(start) = rest.find("=?") {
        let Some((charset, bytes, len)) = encoded_word(&rest[start..]) else {
            flush(&mut out, &mut pending);
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            continue;
        };
        let between = &rest[..start];
        let adjacent = pending.is_some() && between.chars().all(char::is_whitespace);
        match &mut pending {
            Some((cs, buf)) if adjacent && cs.eq_ignore_ascii_case(&charset) => {
                buf.extend_from_slice(&bytes);
            }
            _ => {
                flush(&mut out, &mut pending);
                if !adjacent {
                    out.push_str(between);
                }
                pending = Some((charset, bytes));
            }
        }
        rest = &rest[start + len..];
    }
    flush(&mut out, &mut pending);
    out.push_str(rest);
    out
}

/// One encoded word at the start of `s`: its charset, its bytes and its length.
fn encoded_word(s: &str) -> Option<(String, Vec<u8>, usize)> {
    let body = s.strip_prefix("=?")?;
    let q1 = body.find('?')?;
    let charset = &body[..q1];
    // RFC 2231 language suffix: `utf-8*en`.
    let charset = charset.split('*').next().unwrap_or(charset);
    if charset.is_empty() || charset.contains(char::is_whitespace) {
        return None;
    }
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
    Some((charset.to_string(), bytes, len))
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
