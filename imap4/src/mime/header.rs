//! Header blocks: parsing, unfolding, decoded values.

use super::address::{decode_address_list, Address};
use super::decode_words;

/// The header fields of a message or a MIME part, in order, with their values unfolded.
///
/// Lenient the way mail readers must be: bare LF line ends, a missing blank line, a
/// leading mbox `From ` line and lines that are not fields are all accepted (the last are
/// skipped). Parsing stops at the first empty line, so the whole message can be passed.
///
/// ```
/// use imap4::mime::Headers;
///
/// let h = Headers::parse(
///     b"Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n aus Bonn\r\nReceived: a\r\nReceived: b\r\n\r\nbody",
/// );
/// assert_eq!(h.decoded("subject").as_deref(), Some("Grüße aus Bonn"));
/// assert_eq!(h.get_all("Received").count(), 2);
/// assert_eq!(h.len(), 3);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    fields: Vec<(String, Vec<u8>)>,
}

impl Headers {
    /// Parses a header block (or a whole message: parsing stops at the first empty line).
    ///
    /// ```
    /// let h = imap4::mime::Headers::parse(b"From alice Mon Jan  1 00:00:00 2024\nTo: bob\n\nhi");
    /// assert_eq!(h.get("to"), Some(&b"bob"[..]));
    /// ```
    pub fn parse(bytes: &[u8]) -> Headers {
        let mut fields: Vec<(String, Vec<u8>)> = Vec::new();
        let mut first = true;
        let mut rest = bytes;
        while !rest.is_empty() {
            let (line, next) = match memchr::memchr(b'\n', rest) {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &rest[rest.len()..]),
            };
            rest = next;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                break;
            }
            if first && line.starts_with(b"From ") {
                first = false;
                continue;
            }
            first = false;
            if line[0] == b' ' || line[0] == b'\t' {
                // A continuation: unfolding removes only the line break.
                if let Some((_, v)) = fields.last_mut() {
                    v.extend_from_slice(line);
                }
                continue;
            }
            let Some(colon) = memchr::memchr(b':', line) else {
                continue;
            };
            let name = trim(&line[..colon]);
            if name.is_empty() || name.iter().any(|b| !(33..=126).contains(b)) {
                continue;
            }
            let value = trim_start(&line[colon + 1..]);
            fields.push((String::from_utf8_lossy(name).into_owned(), value.to_vec()));
        }
        for (_, v) in &mut fields {
            let t = trim(v).len();
            let start = v.len() - trim_start(v).len();
            v.drain(..start);
            v.truncate(t);
        }
        Headers { fields }
    }

    /// The raw (unfolded, undecoded) value of the first field called `name` (any case).
    ///
    /// ```
    /// let h = imap4::mime::Headers::parse(b"Message-ID: <1@x>\r\n\r\n");
    /// assert_eq!(h.get("message-id"), Some(&b"<1@x>"[..]));
    /// assert_eq!(h.get("Date"), None);
    /// ```
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// The raw values of every field called `name`, in order.
    ///
    /// ```
    /// let h = imap4::mime::Headers::parse(b"Received: a\r\nX: y\r\nreceived: b\r\n");
    /// let v: Vec<&[u8]> = h.get_all("Received").collect();
    /// assert_eq!(v, [&b"a"[..], &b"b"[..]]);
    /// ```
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// Every field as (name, raw unfolded value), in order.
    ///
    /// ```
    /// let h = imap4::mime::Headers::parse(b"A: 1\r\nB: 2\r\n");
    /// let names: Vec<&str> = h.iter().map(|(n, _)| n).collect();
    /// assert_eq!(names, ["A", "B"]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.fields.iter().map(|(n, v)| (n.as_str(), v.as_slice()))
    }

    /// The first field called `name`, RFC 2047 decoded (any charset) and trimmed.
    ///
    /// ```
    /// let h = imap4::mime::Headers::parse(b"Subject: =?ISO-8859-1?Q?Caf=E9?=\r\n");
    /// assert_eq!(h.decoded("Subject").as_deref(), Some("Café"));
    /// ```
    pub fn decoded(&self, name: &str) -> Option<String> {
        self.get(name).map(|v| decode_words(v).trim().to_string())
    }

    /// The addresses of every field called `name` (`From`, `To`, `Cc` ...), names decoded.
    ///
    /// ```
    /// let h = imap4::mime::Headers::parse(b"To: a@x, \"B, Bee\" <b@x>\r\nTo: c@x\r\n");
    /// let to: Vec<String> = h.addresses("to").iter().map(|a| a.email.clone()).collect();
    /// assert_eq!(to, ["a@x", "b@x", "c@x"]);
    /// ```
    pub fn addresses(&self, name: &str) -> Vec<Address> {
        self.get_all(name).flat_map(decode_address_list).collect()
    }

    /// The number of fields.
    ///
    /// ```
    /// assert_eq!(imap4::mime::Headers::parse(b"A: 1\r\n").len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// True when there are no fields.
    ///
    /// ```
    /// assert!(imap4::mime::Headers::parse(b"\r\nbody").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

fn trim_start(b: &[u8]) -> &[u8] {
    let i = b
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
        .unwrap_or(b.len());
    &b[i..]
}

fn trim(b: &[u8]) -> &[u8] {
    let b = trim_start(b);
    let j = b
        .iter()
        .rposition(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
        .map_or(0, |j| j + 1);
    &b[..j]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_oddities() {
        let h = Headers::parse(
            b"Subject: a\r\n\tb\r\n c\r\nnot a field\r\n: empty name\r\nX-Empty:\r\nBad Name: x\r\nTo: t\n\nBody: no",
        );
        assert_eq!(h.get("subject"), Some(&b"a\tb c"[..]));
        assert_eq!(h.get("x-empty"), Some(&b""[..]));
        assert_eq!(h.get("to"), Some(&b"t"[..]));
        assert_eq!(h.get("body"), None);
        assert_eq!(h.len(), 3);
        // No blank line, no final newline; a continuation before any field.
        let h = Headers::parse(b" stray\r\nA: 1\r\nB: 2");
        assert_eq!(h.get("b"), Some(&b"2"[..]));
        assert_eq!(h.len(), 2);
    }
}
