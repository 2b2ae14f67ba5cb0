//! Command tags, made the way imaplib makes them: a random four-letter prefix written with
//! the letters `A`-`P` ([`int2ap`]) followed by a counter, as in `KPBD1`, `KPBD2`, ...
//!
//! ```
//! use imap4_proto::tag::TagGenerator;
//!
//! let mut tags = TagGenerator::with_prefix("a")?;
//! assert_eq!(tags.next_tag(), "a1");
//! assert_eq!(tags.next_tag(), "a2");
//! # Ok::<(), imap4_proto::tag::TagError>(())
//! ```

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// Writes `num` in base 16 with the digits `A` (0) to `P` (15), most significant first,
/// like imaplib's `Int2AP`. As in imaplib, 0 gives the empty string.
///
/// ```
/// use imap4_proto::tag::int2ap;
///
/// assert_eq!(int2ap(1), "B");
/// assert_eq!(int2ap(1234), "ENC");
/// assert_eq!(int2ap(4096), "BAAA");
/// assert_eq!(int2ap(65535), "PPPP");
/// assert_eq!(int2ap(0), "");
/// ```
#[doc(alias = "Int2AP")]
pub fn int2ap(num: u32) -> String {
    const AP: &[u8; 16] = b"ABCDEFGHIJKLMNOP";
    let mut digits = Vec::with_capacity(8);
    let mut n = num;
    while n != 0 {
        let d = usize::try_from(n % 16).unwrap_or(0);
        digits.push(AP.get(d).copied().unwrap_or(b'A'));
        n /= 16;
    }
    digits.iter().rev().map(|b| char::from(*b)).collect()
}

/// Why [`TagGenerator::with_prefix`] rejected a prefix.
///
/// ```
/// use imap4_proto::tag::{TagError, TagGenerator};
///
/// assert_eq!(
///     TagGenerator::with_prefix("a+").unwrap_err(),
///     TagError::InvalidChar { ch: '+', position: 1 }
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum TagError {
    /// A character that cannot appear in a tag: anything but printable US-ASCII, or one of
    /// `SP ( ) { % * " \ ] +`.
    #[error("character {ch:?} at offset {position} is not allowed in an IMAP tag")]
    InvalidChar {
        /// The character.
        ch: char,
        /// Its byte offset in the prefix.
        position: usize,
    },
}

/// Whether `b` may appear in a tag made here: an `ATOM-CHAR` (RFC 3501) other than `+`.
///
/// That excludes control characters, space, 8-bit bytes and `( ) { % * " \ ]`; `]`, which
/// RFC 3501 allows in tags, is excluded too, since it ends response codes.
fn is_tag_byte(b: u8) -> bool {
    (0x21..=0x7e).contains(&b)
        && !matches!(
            b,
            b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']' | b'+'
        )
}

/// Makes unique command tags: a prefix followed by a counter starting at 1.
///
/// [`TagGenerator::new`] picks the prefix as imaplib does: [`int2ap`] of a random number in
/// 4096..=65535, i.e. four letters `A`-`P`. Unlike imaplib, whose counter starts at 0, the
/// first tag ends in `1`.
///
/// The counter is a `u64`; it would wrap around after 2^64 tags.
///
/// ```
/// use imap4_proto::tag::TagGenerator;
///
/// let mut tags = TagGenerator::new();
/// let prefix = tags.prefix().to_owned();
/// assert_eq!(prefix.len(), 4);
/// assert!(prefix.bytes().all(|b| (b'A'..=b'P').contains(&b)));
/// assert_eq!(tags.next_tag(), format!("{prefix}1"));
/// assert_eq!(tags.next_tag(), format!("{prefix}2"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagGenerator {
    prefix: String,
    counter: u64,
}

impl TagGenerator {
    /// A generator with a random imaplib-style prefix (four letters `A`-`P`).
    ///
    /// The randomness comes from the standard library's randomly seeded hasher
    /// ([`RandomState`]), which is enough to tell connections apart, not for secrets.
    ///
    /// ```
    /// use imap4_proto::tag::TagGenerator;
    ///
    /// let tag = TagGenerator::new().next_tag();
    /// assert_eq!(tag.len(), 5);
    /// assert!(tag.ends_with('1'));
    /// ```
    pub fn new() -> TagGenerator {
        let span = 65535 - 4096 + 1;
        let n = 4096 + random_u64() % span;
        TagGenerator {
            prefix: int2ap(u32::try_from(n).unwrap_or(4096)),
            counter: 0,
        }
    }

    /// A generator with the given prefix, which may be empty (tags are then just numbers)
    /// and may only contain characters allowed in tags: printable US-ASCII except
    /// `SP ( ) { % * " \ ] +`.
    ///
    /// ```
    /// use imap4_proto::tag::{TagError, TagGenerator};
    ///
    /// let mut tags = TagGenerator::with_prefix("A")?;
    /// assert_eq!(tags.next_tag(), "A1");
    /// assert!(TagGenerator::with_prefix("a b").is_err());
    /// assert!(TagGenerator::with_prefix("é").is_err());
    /// assert_eq!(TagGenerator::with_prefix("")?.next_tag(), "1");
    /// # Ok::<(), TagError>(())
    /// ```
    pub fn with_prefix(prefix: &str) -> Result<TagGenerator, TagError> {
        if let Some((position, ch)) = prefix
            .char_indices()
            .find(|(_, c)| !u8::try_from(*c).is_ok_and(is_tag_byte))
        {
            return Err(TagError::InvalidChar { ch, position });
        }
        Ok(TagGenerator {
            prefix: prefix.to_owned(),
            counter: 0,
        })
    }

    /// The prefix of every tag this generator makes.
    ///
    /// ```
    /// use imap4_proto::tag::TagGenerator;
    ///
    /// assert_eq!(TagGenerator::with_prefix("X")?.prefix(), "X");
    /// # Ok::<(), imap4_proto::tag::TagError>(())
    /// ```
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The next tag: the prefix followed by the next counter value (1, 2, ...).
    ///
    /// ```
    /// use imap4_proto::tag::TagGenerator;
    ///
    /// let mut tags = TagGenerator::with_prefix("KPBD")?;
    /// assert_eq!(tags.next_tag(), "KPBD1");
    /// assert_eq!(tags.next_tag(), "KPBD2");
    /// # Ok::<(), imap4_proto::tag::TagError>(())
    /// ```
    pub fn next_tag(&mut self) -> String {
        self.counter = self.counter.wrapping_add(1);
        format!("{}{}", self.prefix, self.counter)
    }
}

impl Default for TagGenerator {
    /// Same as [`TagGenerator::new`] (random prefix).
    ///
    /// ```
    /// use imap4_proto::tag::TagGenerator;
    ///
    /// assert_eq!(TagGenerator::default().prefix().len(), 4);
    /// ```
    fn default() -> Self {
        TagGenerator::new()
    }
}

/// A random `u64` from the standard library's randomly keyed SipHash (each `RandomState`
/// gets fresh keys), mixed with the clock for good measure.
fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(d.as_nanos());
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What imaplib's Int2AP computes, written independently for comparison.
    fn reference(num: u32) -> String {
        if num == 0 {
            return String::new();
        }
        format!("{num:x}")
            .chars()
            .map(|c| {
                let d = c.to_digit(16).unwrap();
                char::from(b'A' + u8::try_from(d).unwrap())
            })
            .collect()
    }

    #[test]
    fn int2ap_matches_imaplib() {
        // Values checked against CPython's imaplib.Int2AP.
        assert_eq!(int2ap(0), "");
        assert_eq!(int2ap(1), "B");
        assert_eq!(int2ap(15), "P");
        assert_eq!(int2ap(16), "BA");
        assert_eq!(int2ap(1234), "ENC");
        assert_eq!(int2ap(4096), "BAAA");
        assert_eq!(int2ap(65535), "PPPP");
        assert_eq!(int2ap(u32::MAX), "PPPPPPPP");
    }

    #[test]
    fn random_prefixes_are_four_letters_and_vary() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let g = TagGenerator::new();
            let p = g.prefix();
            assert_eq!(p.len(), 4, "{p}");
            assert!(p.bytes().all(|b| (b'A'..=b'P').contains(&b)), "{p}");
            assert!(p.as_bytes()[0] >= b'B');
            seen.insert(p.to_owned());
        }
        assert!(seen.len() > 100, "only {} distinct prefixes", seen.len());
    }

    #[test]
    fn counter_sequence() {
        let mut g = TagGenerator::with_prefix("ABCD").unwrap();
        let tags: Vec<_> = (0..12).map(|_| g.next_tag()).collect();
        assert_eq!(tags[0], "ABCD1");
        assert_eq!(tags[1], "ABCD2");
        assert_eq!(tags[11], "ABCD12");
        let mut g = TagGenerator {
            prefix: "Z".into(),
            counter: u64::MAX - 1,
        };
        assert_eq!(g.next_tag(), format!("Z{}", u64::MAX));
        assert_eq!(g.next_tag(), "Z0");
    }

    #[test]
    fn prefix_validation() {
        for bad in [
            "a+", "+", "a b", "(", ")", "{", "%", "*", "\"", "\\", "]", "\t", "\r", "\n", "\0",
            "\x7f", "é", "日本",
        ] {
            let err = TagGenerator::with_prefix(bad).unwrap_err();
            let TagError::InvalidChar { ch, position } = err;
            assert_eq!(bad[position..].chars().next(), Some(ch), "{bad:?}");
        }
        assert_eq!(
            TagGenerator::with_prefix("ab日").unwrap_err(),
            TagError::InvalidChar {
                ch: '日',
                position: 2
            }
        );
        for good in ["", "A", "a1", "tag-", "x.y", "[", "!#$&'<=>?@^_`|~", "-1"] {
            assert!(TagGenerator::with_prefix(good).is_ok(), "{good:?}");
        }
    }

    proptest! {
        #[test]
        fn int2ap_matches_reference(n in any::<u32>()) {
            prop_assert_eq!(int2ap(n), reference(n));
        }

        #[test]
        fn tags_are_valid(prefix in "\\PC{0,6}", count in 1usize..50) {
            if let Ok(mut g) = TagGenerator::with_prefix(&prefix) {
                let mut seen = std::collections::HashSet::new();
                for _ in 0..count {
                    let tag = g.next_tag();
                    prop_assert!(!tag.is_empty());
                    prop_assert!(tag.bytes().all(is_tag_byte), "{:?}", tag);
                    prop_assert!(seen.insert(tag));
                }
            } else {
                prop_assert!(!prefix.bytes().all(is_tag_byte));
            }
        }

        #[test]
        fn random_tags_are_valid(_i in 0u8..10) {
            let mut g = TagGenerator::new();
            let tag = g.next_tag();
            prop_assert!(tag.bytes().all(is_tag_byte));
            prop_assert!(tag.bytes().take(4).all(|b| (b'A'..=b'P').contains(&b)));
        }
    }
}
