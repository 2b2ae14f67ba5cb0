//! RFC 5322 address lists, leniently.

use std::fmt;

use super::decode_words;

/// One mailbox of an address list: a display name (decoded) and the address.
///
/// ```
/// use imap4::mime::Address;
///
/// let a = Address { name: Some("Doe, Jane".into()), email: "jane@example.com".into() };
/// assert_eq!(a.to_string(), "\"Doe, Jane\" <jane@example.com>");
/// let b = Address { name: None, email: "bob@example.com".into() };
/// assert_eq!(b.to_string(), "bob@example.com");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address {
    /// The display name, RFC 2047 decoded; `None` when there is none.
    pub name: Option<String>,
    /// The address (`local@domain`), as written.
    pub email: String,
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(n) if n.contains(|c: char| "()<>[]:;@\\,.\"".contains(c)) => {
                f.write_str("\"")?;
                for c in n.chars() {
                    if c == '"' || c == '\\' {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                write!(f, "\" <{}>", self.email)
            }
            Some(n) => write!(f, "{n} <{}>", self.email),
            None => f.write_str(&self.email),
        }
    }
}

/// Splits an address-list header value (`From`, `To`, `Cc` ...) into its mailboxes.
///
/// Handles display names quoted or RFC 2047 encoded, comments (`(Jane)`), angle
/// addresses, groups (`team: a@x, b@x;`, `undisclosed-recipients:;`) and commas inside
/// quoted names. Never fails: what cannot be read is skipped.
///
/// ```
/// use imap4::mime::decode_address_list;
///
/// let v = decode_address_list(b"=?UTF-8?Q?J=C3=BCrgen?= <j@x>, \"Doe, Jane\" <jane@x>, bob@x (Bob)");
/// assert_eq!(v[0].name.as_deref(), Some("Jürgen"));
/// assert_eq!(v[1].name.as_deref(), Some("Doe, Jane"));
/// assert_eq!((v[2].email.as_str(), v[2].name.as_deref()), ("bob@x", Some("Bob")));
/// assert!(decode_address_list(b"undisclosed-recipients:;").is_empty());
/// ```
pub fn decode_address_list(raw: &[u8]) -> Vec<Address> {
    let mut out = Vec::new();
    let mut seg = Segment::default();
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        match c {
            b'"' => {
                // A quoted string: up to the closing quote, honouring backslashes.
                i += 1;
                while i < raw.len() && raw[i] != b'"' {
                    if raw[i] == b'\\' && i + 1 < raw.len() {
                        i += 1;
                    }
                    seg.phrase.push(raw[i]);
                    i += 1;
                }
                seg.quoted = true;
            }
            b'(' => {
                let mut depth = 1;
                let mut comment = Vec::new();
                i += 1;
                while i < raw.len() && depth > 0 {
                    match raw[i] {
                        b'\\' if i + 1 < raw.len() => {
                            i += 1;
                            comment.push(raw[i]);
                        }
                        b'(' => {
                            depth += 1;
                            comment.push(b'(');
                        }
                        b')' => {
                            depth -= 1;
                            if depth > 0 {
                                comment.push(b')');
                            }
                        }
                        b => comment.push(b),
                    }
                    i += 1;
                }
                if seg.comment.is_empty() {
                    seg.comment = comment;
                }
                continue;
            }
            b'<' => {
                let end = raw[i..].iter().position(|&b| b == b'>').map(|p| i + p);
                let inner = &raw[i + 1..end.unwrap_or(raw.len())];
                seg.angle = Some(inner.to_vec());
                i = end.map_or(raw.len(), |e| e + 1);
                continue;
            }
            b',' => {
                seg.finish(&mut out);
                seg = Segment::default();
            }
            b':' if seg.angle.is_none() => {
                // A group's name ends here; what was collected is not a mailbox.
                seg = Segment::default();
            }
            b';' => {
                seg.finish(&mut out);
                seg = Segment::default();
            }
            _ => seg.phrase.push(c),
        }
        i += 1;
    }
    seg.finish(&mut out);
    out
}

#[derive(Default)]
struct Segment {
    phrase: Vec<u8>,
    quoted: bool,
    comment: Vec<u8>,
    angle: Option<Vec<u8>>,
}

impl Segment {
    fn finish(self, out: &mut Vec<Address>) {
        let clean = |b: &[u8]| {
            let s = decode_words(b);
            let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
            (!s.is_empty()).then_some(s)
        };
        let comment = clean(&self.comment);
        match self.angle {
            Some(a) => {
                let a = String::from_utf8_lossy(&a);
                // An obsolete source route (`<@relay:user@host>`) is dropped.
                let a = match a.rfind(':') {
                    Some(p) if a.starts_with('@') => &a[p + 1..],
                    _ => &a,
                };
                let email: String = a.split_whitespace().collect();
                if email.is_empty() {
                    return;
                }
                let name = clean(&self.phrase).or(comment);
                out.push(Address { name, email });
            }
            None => {
                let email: String = String::from_utf8_lossy(&self.phrase)
                    .split_whitespace()
                    .collect();
                if email.is_empty() {
                    return;
                }
                if self.quoted && !email.contains('@') {
                    return;
                }
                out.push(Address {
                    name: comment,
                    email,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails(raw: &[u8]) -> Vec<String> {
        decode_address_list(raw)
            .into_iter()
            .map(|a| a.email)
            .collect()
    }

    #[test]
    fn shapes() {
        assert_eq!(emails(b"a@x"), ["a@x"]);
        assert_eq!(emails(b"a@x, b@y ,, c@z"), ["a@x", "b@y", "c@z"]);
        assert_eq!(emails(b"team: a@x, B <b@x>;, c@x"), ["a@x", "b@x", "c@x"]);
        assert_eq!(emails(b"<@relay.example:u@x>"), ["u@x"]);
        assert_eq!(emails(b"\"a\\\"b\" <q@x>"), ["q@x"]);
        assert_eq!(emails(b"Unclosed <u@x"), ["u@x"]);
        assert_eq!(emails(b"\"unclosed"), Vec::<String>::new());
        assert_eq!(emails(b"(only a comment)"), Vec::<String>::new());
        let v = decode_address_list(b"\"=?utf-8?B?w4RyZ2Vy?=\" <a@x>");
        assert_eq!(v[0].name.as_deref(), Some("Ärger"));
        let v = decode_address_list(b"Jane (Work) Doe <j@x>");
        assert_eq!(v[0].name.as_deref(), Some("Jane Doe"));
    }
}
