//! SASLprep (RFC 4013), the common cases.

use super::SaslError;

/// Prepares a user name or password with SASLprep (RFC 4013), as SCRAM requires.
///
/// What it does, in RFC 4013's order:
///
/// - **map**: non-ASCII space characters (RFC 3454 table C.1.2) become U+0020 SPACE; the
///   characters "commonly mapped to nothing" (table B.1: soft hyphen, zero-width joiners,
///   variation selectors, ...) are removed;
/// - **prohibit**: control characters, private use, non-characters, surrogates,
///   characters inappropriate for plain text or canonical representation, display-changing
///   or deprecated characters and tagging characters (tables C.2 to C.9) are refused with
///   [`SaslError::Prohibited`], naming `what` but never the input.
///
/// Out of scope, so such strings pass unchanged: **NFKC normalization** (a password typed
/// with a combining diaeresis `u\u{308}` is not composed to `ü`, and full-width letters
/// are not folded — use precomposed text), the **bidirectional** check (RFC 3454
/// section 6), and the unassigned code point check (which applies to stored strings only,
/// not to the queries a client makes). ASCII input is always returned unchanged unless it
/// holds a control character.
///
/// ```
/// use imap4_proto::sasl::{saslprep, SaslError};
///
/// assert_eq!(saslprep("I\u{ad}X", "password")?, "IX"); // soft hyphen removed
/// assert_eq!(saslprep("user", "password")?, "user");
/// assert_eq!(saslprep("a\u{a0}b", "password")?, "a b"); // no-break space
/// assert_eq!(saslprep("pässwörd", "password")?, "pässwörd");
/// assert_eq!(
///     saslprep("a\u{7}b", "password"),
///     Err(SaslError::Prohibited { what: "password" })
/// );
/// # Ok::<(), SaslError>(())
/// ```
pub fn saslprep(input: &str, what: &'static str) -> Result<String, SaslError> {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if mapped_to_nothing(c) {
            continue;
        }
        let c = if non_ascii_space(c) { ' ' } else { c };
        if prohibited(c) {
            return Err(SaslError::Prohibited { what });
        }
        out.push(c);
    }
    Ok(out)
}

/// RFC 3454 B.1.
fn mapped_to_nothing(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{1806}'
            | '\u{180b}'..='\u{180d}'
            | '\u{200b}'..='\u{200d}'
            | '\u{2060}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
    )
}

/// RFC 3454 C.1.2 (U+200B is also in B.1 and removed before this is asked).
fn non_ascii_space(c: char) -> bool {
    matches!(
        c,
        '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200b}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// RFC 3454 C.2.1 to C.9 (C.1.2 is mapped first; C.5, surrogates, cannot occur in `str`).
fn prohibited(c: char) -> bool {
    let cp = u32::from(c);
    matches!(
        c,
        // C.2.1 ASCII control characters.
        '\u{0}'..='\u{1f}'
            | '\u{7f}'
            // C.2.2 Non-ASCII control characters.
            | '\u{80}'..='\u{9f}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{180e}'
            | '\u{200c}'
            | '\u{200d}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{2060}'..='\u{2063}'
            | '\u{206a}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffc}'
            | '\u{1d173}'..='\u{1d17a}'
            // C.3 Private use.
            | '\u{e000}'..='\u{f8ff}'
            | '\u{f0000}'..='\u{ffffd}'
            | '\u{100000}'..='\u{10fffd}'
            // C.4 Non-character code points (and FFFE/FFFF of every plane, below).
            | '\u{fdd0}'..='\u{fdef}'
            // C.6 Inappropriate for plain text.
            | '\u{fffd}'
            // C.7 Inappropriate for canonical representation.
            | '\u{2ff0}'..='\u{2ffb}'
            // C.8 Change display properties or are deprecated.
            | '\u{340}'
            | '\u{341}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            // C.9 Tagging characters.
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    ) || cp & 0xfffe == 0xfffe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4013_examples() {
        // RFC 4013 section 3 (the NFKC examples are out of scope).
        assert_eq!(saslprep("I\u{ad}X", "x").unwrap(), "IX");
        assert_eq!(saslprep("user", "x").unwrap(), "user");
        assert_eq!(saslprep("USER", "x").unwrap(), "USER");
        assert_eq!(
            saslprep("\u{7}", "x"),
            Err(SaslError::Prohibited { what: "x" })
        );
    }

    #[test]
    fn mapping_and_prohibition() {
        assert_eq!(saslprep("a\u{3000}b\u{2003}c", "x").unwrap(), "a b c");
        assert_eq!(saslprep("a\u{200b}b\u{fe0f}", "x").unwrap(), "ab");
        assert_eq!(saslprep("", "x").unwrap(), "");
        for bad in [
            "\u{0}",
            "\r",
            "\u{7f}",
            "\u{85}",
            "\u{e000}",
            "\u{10fffd}",
            "\u{fdd0}",
            "\u{fffe}",
            "\u{1ffff}",
            "\u{10ffff}",
            "\u{fffd}",
            "\u{2ff0}",
            "\u{200e}",
            "\u{202e}",
            "\u{e0041}",
            "\u{2028}",
        ] {
            assert!(saslprep(&format!("ok{bad}"), "x").is_err(), "{bad:?}");
        }
        // Ordinary text of many scripts passes unchanged.
        for good in [
            "pässwörd",
            "jürgen",
            "пароль",
            "密码",
            "p@ss w0rd!~",
            "emoji🔑",
        ] {
            assert_eq!(saslprep(good, "x").unwrap(), good);
        }
    }
}
