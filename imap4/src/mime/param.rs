//! MIME parameters: RFC 2231 extended values and continuations, RFC 2047 fallbacks.

use super::{decode_charset, decode_words};

/// The value of the MIME parameter `name` (`filename`, `name`, `charset` ...) from a
/// parameter list, decoded.
///
/// In order of preference: the RFC 2231 extended value `name*=charset'lang'%XX...`; the
/// RFC 2231 continuations `name*0`, `name*1*` ... joined in order (the charset comes from
/// the first, encoded, piece); the plain `name`, with RFC 2047 encoded words decoded (what
/// many mailers send, against the RFCs). Names match in any case.
///
/// ```
/// use imap4::mime::decode_param;
///
/// let p: Vec<(&[u8], &[u8])> = vec![
///     (b"filename*0*", b"UTF-8''r%C3%A9"),
///     (b"filename*1", b"sum"),
///     (b"filename*2*", b"%C3%A9.pdf"),
/// ];
/// assert_eq!(decode_param(p, "filename").as_deref(), Some("résumé.pdf"));
///
/// let p: Vec<(&[u8], &[u8])> = vec![(b"NAME", b"=?utf-8?Q?caf=C3=A9.txt?=")];
/// assert_eq!(decode_param(p, "name").as_deref(), Some("café.txt"));
/// ```
pub fn decode_param<'a>(
    params: impl IntoIterator<Item = (&'a [u8], &'a [u8])>,
    name: &str,
) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    let mut pieces: Vec<(u32, bool, &[u8])> = Vec::new();
    for (k, v) in params {
        let Ok(k) = std::str::from_utf8(k) else {
            continue;
        };
        let Some(rest) = k
            .get(..name.len())
            .filter(|p| p.eq_ignore_ascii_case(name))
            .map(|_| &k[name.len()..])
        else {
            continue;
        };
        if rest.is_empty() {
            plain.get_or_insert(v);
        } else if rest == "*" {
            extended.get_or_insert(v);
        } else if let Some(idx) = rest.strip_prefix('*') {
            let (num, encoded) = match idx.strip_suffix('*') {
                Some(n) => (n, true),
                None => (idx, false),
            };
            if let Ok(n) = num.parse::<u32>() {
                if !pieces.iter().any(|(m, _, _)| *m == n) {
                    pieces.push((n, encoded, v));
                }
            }
        }
    }
    if let Some(v) = extended {
        if let Some(s) = extended_value(v) {
            return Some(s);
        }
    }
    if !pieces.is_empty() {
        pieces.sort_by_key(|(n, _, _)| *n);
        let mut charset = None;
        let mut bytes = Vec::new();
        for (i, (_, encoded, v)) in pieces.iter().enumerate() {
            if *encoded {
                let data = if i == 0 {
                    let (cs, data) = split_charset(v);
                    charset = cs;
                    data
                } else {
                    v
                };
                bytes.extend(percent_decode(data));
            } else {
                bytes.extend_from_slice(v);
            }
        }
        return Some(match charset {
            Some(cs) => decode_charset(&bytes, cs).into_owned(),
            None => decode_words(&bytes),
        });
    }
    plain.map(decode_words)
}

/// `charset'lang'%XX...`
fn extended_value(v: &[u8]) -> Option<String> {
    let (cs, data) = split_charset(v);
    let bytes = percent_decode(data);
    Some(match cs {
        Some(cs) => decode_charset(&bytes, cs).into_owned(),
        None => decode_words(&bytes),
    })
}

/// Splits `charset'lang'rest`; a value without the two quotes has no charset.
fn split_charset(v: &[u8]) -> (Option<&str>, &[u8]) {
    let mut it = v.splitn(3, |&b| b == b'\'');
    match (it.next(), it.next(), it.next()) {
        (Some(cs), Some(_lang), Some(rest)) => {
            let cs = std::str::from_utf8(cs).ok().filter(|c| !c.is_empty());
            (Some(cs.unwrap_or("us-ascii")), rest)
        }
        _ => (None, v),
    }
}

fn percent_decode(b: &[u8]) -> Vec<u8> {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p<'a>(v: &[(&'a str, &'a str)]) -> Vec<(&'a [u8], &'a [u8])> {
        v.iter()
            .map(|(a, b)| (a.as_bytes(), b.as_bytes()))
            .collect()
    }

    #[test]
    fn forms() {
        assert_eq!(
            decode_param(p(&[("filename", "a.txt")]), "filename").unwrap(),
            "a.txt"
        );
        assert_eq!(
            decode_param(
                p(&[("filename", "x"), ("filename*", "iso-8859-1'de'%E4.txt")]),
                "filename"
            )
            .unwrap(),
            "ä.txt"
        );
        // Pieces out of order, the end of the value a %XX.
        assert_eq!(
            decode_param(
                p(&[("name*1*", "%41"), ("name*0*", "utf-8''%C3%A4")]),
                "name"
            )
            .unwrap(),
            "äA"
        );
        assert_eq!(
            decode_param(p(&[("name*0", "a"), ("name*1", "b")]), "name").unwrap(),
            "ab"
        );
        assert_eq!(
            decode_param(p(&[("name*", "%zz%4")]), "name").unwrap(),
            "%zz%4"
        );
        assert_eq!(
            decode_param(p(&[("name*", "''100%")]), "name").unwrap(),
            "100%"
        );
        assert_eq!(
            decode_param(p(&[("name*", "no quotes")]), "name").unwrap(),
            "no quotes"
        );
        assert_eq!(decode_param(p(&[("other", "x")]), "name"), None);
        assert_eq!(decode_param(p(&[("names", "x")]), "name"), None);
    }
}
