//! Modified UTF-7, the encoding of international mailbox names in IMAP4rev1
//! (RFC 3501 section 5.1.3).
//!
//! Printable US-ASCII (0x20-0x7e) stands for itself, except `&`, which is written `&-`.
//! Everything else is written as `&` + base64 of its UTF-16BE form (with `,` instead of `/`
//! and no `=` padding) + `-`.
//!
//! Servers that announce `UTF8=ACCEPT` (RFC 6855) or speak IMAP4rev2 send mailbox names as
//! raw UTF-8 instead; [`decode_lossy`] handles both for display.
//!
//! ```
//! use imap4_proto::utf7;
//!
//! assert_eq!(utf7::encode("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
//! assert_eq!(utf7::decode(b"Entw&APw-rfe").unwrap(), "Entwürfe");
//! ```

/// The modified base64 alphabet: standard base64 with `,` in place of `/`.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/// Why [`decode`] rejected a mailbox name. Positions are byte offsets into the input; for
/// errors about a whole base64 run, the position of the `&` that starts it.
///
/// ```
/// use imap4_proto::utf7::{decode, Utf7Error};
///
/// assert_eq!(decode(b"R&D"), Err(Utf7Error::Unterminated { position: 1 }));
/// assert_eq!(decode(b"caf\xc3\xa9"), Err(Utf7Error::NonPrintable { byte: 0xc3, position: 3 }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Utf7Error {
    /// A byte outside printable US-ASCII (0x20-0x7e): a control character or an 8-bit byte.
    #[error("byte {byte:#04x} at offset {position} is not printable US-ASCII")]
    NonPrintable {
        /// The byte.
        byte: u8,
        /// Its offset.
        position: usize,
    },
    /// A `&` with no `-` closing its base64 run.
    #[error("base64 run starting at offset {position} is not terminated by '-'")]
    Unterminated {
        /// Offset of the `&`.
        position: usize,
    },
    /// A printable byte inside a base64 run that is not in the modified base64 alphabet
    /// (`A-Z a-z 0-9 + ,`); this includes `/` and `=`, which modified UTF-7 does not use.
    #[error("invalid modified base64 character {:?} at offset {position}", char::from(*byte))]
    InvalidBase64 {
        /// The byte.
        byte: u8,
        /// Its offset.
        position: usize,
    },
    /// The bits left over after the last whole byte of a base64 run are not zero.
    #[error("non-zero padding bits in base64 run starting at offset {position}")]
    NonZeroPadding {
        /// Offset of the `&`.
        position: usize,
    },
    /// The last character of a base64 run contributes no bits to any byte (the run has
    /// 1, 5, 9, ... characters), which no encoder produces.
    #[error("base64 run starting at offset {position} ends with a superfluous character")]
    DanglingBase64 {
        /// Offset of the `&`.
        position: usize,
    },
    /// A base64 run decodes to an odd number of bytes, so not to whole UTF-16 code units.
    #[error("base64 run starting at offset {position} decodes to an odd number of bytes")]
    OddByteCount {
        /// Offset of the `&`.
        position: usize,
    },
    /// A UTF-16 surrogate without its partner inside the same base64 run.
    #[error("unpaired UTF-16 surrogate {unit:#06x} in base64 run starting at offset {position}")]
    UnpairedSurrogate {
        /// The surrogate code unit.
        unit: u16,
        /// Offset of the `&`.
        position: usize,
    },
}

/// Encodes a mailbox name in modified UTF-7.
///
/// Printable ASCII is copied, `&` becomes `&-`, and every run of other characters (control
/// characters and DEL included) becomes one `&...-` base64 run. The output is always
/// printable US-ASCII and is the one canonical encoding of `name`.
///
/// ```
/// use imap4_proto::utf7::encode;
///
/// assert_eq!(encode("INBOX"), "INBOX");
/// assert_eq!(encode("R&D"), "R&-D");
/// assert_eq!(encode("Entwürfe"), "Entw&APw-rfe");
/// assert_eq!(encode("☺!"), "&Jjo-!");
/// assert_eq!(encode("😀"), "&2D3eAA-");
/// ```
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + name.len() / 2);
    let mut run = Base64Writer::default();
    for c in name.chars() {
        if is_printable_char(c) {
            run.finish(&mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                run.push_unit(&mut out, *unit);
            }
        }
    }
    run.finish(&mut out);
    out
}

/// Decodes a modified UTF-7 mailbox name.
///
/// Strict about what would make the result wrong: bytes outside 0x20-0x7e, unterminated
/// runs, characters outside the modified base64 alphabet, non-zero or superfluous padding,
/// odd byte counts and unpaired surrogates are errors ([`Utf7Error`]).
///
/// Lenient about what RFC 3501 forbids encoders to produce but which still decodes to one
/// unambiguous string:
///
/// * a base64 run that encodes printable ASCII (`&AGE-` for `a`) is accepted and decoded;
/// * adjacent base64 runs (`&AOk-&AOk-`, a "null shift") are accepted and decoded one after
///   the other (a surrogate pair split across two runs is still an error).
///
/// So different inputs can decode to the same name; [`encode`] of the result gives the
/// canonical form. To address a mailbox exactly as the server listed it, send the bytes
/// the server sent rather than re-encoding the decoded name.
///
/// `&-` is `&`.
///
/// ```
/// use imap4_proto::utf7::decode;
///
/// assert_eq!(decode(b"~peter/mail/&U,BTFw-/&ZeVnLIqe-").unwrap(), "~peter/mail/台北/日本語");
/// assert_eq!(decode(b"&Jjo-!").unwrap(), "☺!");
/// assert_eq!(decode(b"R&-D").unwrap(), "R&D");
/// assert_eq!(decode(b"&AGE-").unwrap(), "a"); // non-canonical, accepted
/// assert!(decode(b"&Jjo").is_err());
/// ```
pub fn decode(input: &[u8]) -> Result<String, Utf7Error> {
    let mut out = String::with_capacity(input.len());
    let mut units = Vec::new();
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        if b == b'&' {
            i = decode_run(input, i, &mut out, &mut units)?;
        } else if is_printable(b) {
            out.push(char::from(b));
            i += 1;
        } else {
            return Err(Utf7Error::NonPrintable {
                byte: b,
                position: i,
            });
        }
    }
    Ok(out)
}

/// Decodes a mailbox name for display; never fails.
///
/// * A name with any 8-bit byte is taken as UTF-8 (servers with `UTF8=ACCEPT` and IMAP4rev2
///   servers send raw UTF-8), invalid sequences becoming U+FFFD.
/// * Otherwise it is decoded as modified UTF-7; a `&` that does not start a valid base64 run
///   (as in `R&D` from a server that does not encode `&`) is kept literally, and decoding
///   goes on after it. Control characters are kept as they are.
///
/// ```
/// use imap4_proto::utf7::decode_lossy;
///
/// assert_eq!(decode_lossy(b"Entw&APw-rfe"), "Entwürfe");
/// assert_eq!(decode_lossy("Entwürfe".as_bytes()), "Entwürfe");
/// assert_eq!(decode_lossy(b"R&D & Caf&AOk-"), "R&D & Café");
/// assert_eq!(decode_lossy(b"bad\xff"), "bad\u{fffd}");
/// ```
pub fn decode_lossy(input: &[u8]) -> String {
    if !input.is_ascii() {
        return String::from_utf8_lossy(input).into_owned();
    }
    let mut out = String::with_capacity(input.len());
    let mut units = Vec::new();
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        if b == b'&' {
            if let Ok(next) = decode_run(input, i, &mut out, &mut units) {
                i = next;
                continue;
            }
        }
        out.push(char::from(b));
        i += 1;
    }
    out
}

fn is_printable(b: u8) -> bool {
    (0x20..=0x7e).contains(&b)
}

fn is_printable_char(c: char) -> bool {
    (' '..='~').contains(&c)
}

fn base64_value(b: u8) -> Option<u32> {
    let v = match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b',' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Accumulates UTF-16 code units and writes them as one `&...-` run.
#[derive(Default)]
struct Base64Writer {
    /// Pending bits, right-aligned; fewer than 6 between calls.
    acc: u32,
    bits: u32,
    open: bool,
}

impl Base64Writer {
    fn push_unit(&mut self, out: &mut String, unit: u16) {
        if !self.open {
            out.push('&');
            self.open = true;
        }
        for byte in unit.to_be_bytes() {
            self.acc = (self.acc << 8) | u32::from(byte);
            self.bits += 8;
            while self.bits >= 6 {
                self.bits -= 6;
                out.push(sextet((self.acc >> self.bits) & 0x3f));
            }
            self.acc &= (1 << self.bits) - 1;
        }
    }

    fn finish(&mut self, out: &mut String) {
        if !self.open {
            return;
        }
        if self.bits > 0 {
            out.push(sextet((self.acc << (6 - self.bits)) & 0x3f));
        }
        out.push('-');
        *self = Base64Writer::default();
    }
}

fn sextet(v: u32) -> char {
    let i = usize::try_from(v & 0x3f).unwrap_or(0);
    ALPHABET.get(i).map_or('A', |b| char::from(*b))
}

/// Decodes the run starting with the `&` at `start`, appending to `out` only when the whole
/// run is valid. Returns the offset just past its closing `-`. `units` is scratch space.
fn decode_run(
    input: &[u8],
    start: usize,
    out: &mut String,
    units: &mut Vec<u16>,
) -> Result<usize, Utf7Error> {
    let body = start + 1;
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    let mut high_byte: Option<u8> = None;
    units.clear();
    let mut j = body;
    loop {
        let Some(&b) = input.get(j) else {
            return Err(Utf7Error::Unterminated { position: start });
        };
        if b == b'-' {
            break;
        }
        let Some(v) = base64_value(b) else {
            return Err(if is_printable(b) {
                Utf7Error::InvalidBase64 {
                    byte: b,
                    position: j,
                }
            } else {
                Utf7Error::NonPrintable {
                    byte: b,
                    position: j,
                }
            });
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            let byte = u8::try_from((acc >> bits) & 0xff).unwrap_or(0);
            acc &= (1 << bits) - 1;
            match high_byte.take() {
                None => high_byte = Some(byte),
                Some(hi) => units.push(u16::from_be_bytes([hi, byte])),
            }
        }
        j += 1;
    }
    let next = j + 1;
    if j == body {
        out.push('&');
        return Ok(next);
    }
    if bits >= 6 {
        return Err(Utf7Error::DanglingBase64 { position: start });
    }
    if acc != 0 {
        return Err(Utf7Error::NonZeroPadding { position: start });
    }
    if high_byte.is_some() {
        return Err(Utf7Error::OddByteCount { position: start });
    }
    let mark = out.len();
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) => out.push(c),
            Err(e) => {
                out.truncate(mark);
                return Err(Utf7Error::UnpairedSurrogate {
                    unit: e.unpaired_surrogate(),
                    position: start,
                });
            }
        }
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PAIRS: &[(&str, &str)] = &[
        ("", ""),
        ("INBOX", "INBOX"),
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
        ("☺!", "&Jjo-!"),
        ("Entwürfe", "Entw&APw-rfe"),
        ("&", "&-"),
        ("&&", "&-&-"),
        ("R&D", "R&-D"),
        ("😀", "&2D3eAA-"),
        ("a😀b😀", "a&2D3eAA-b&2D3eAA-"),
        ("😀😀", "&2D3eANg93gA-"),
        ("台&北", "&U,A-&-&Uxc-"),
        ("\0", "&AAA-"),
        ("\u{7f}", "&AH8-"),
        ("tab\there", "tab&AAk-here"),
        ("Café-Bar", "Caf&AOk--Bar"),
        (" ~", " ~"),
        ("\u{ffff}", "&,,8-"),
        ("\u{10ffff}", "&2,,f,w-"),
    ];

    #[test]
    fn known_pairs() {
        for (plain, encoded) in PAIRS {
            assert_eq!(encode(plain), *encoded, "encode {plain:?}");
            assert_eq!(
                decode(encoded.as_bytes()).as_deref(),
                Ok(*plain),
                "decode {encoded:?}"
            );
            assert_eq!(decode_lossy(encoded.as_bytes()), *plain);
        }
    }

    #[test]
    fn errors() {
        use Utf7Error::*;
        let cases: &[(&[u8], Utf7Error)] = &[
            (
                b"a\x7fb",
                NonPrintable {
                    byte: 0x7f,
                    position: 1,
                },
            ),
            (
                b"\x1f",
                NonPrintable {
                    byte: 0x1f,
                    position: 0,
                },
            ),
            (
                b"caf\xc3\xa9",
                NonPrintable {
                    byte: 0xc3,
                    position: 3,
                },
            ),
            (
                b"&AOk\xff-",
                NonPrintable {
                    byte: 0xff,
                    position: 4,
                },
            ),
            (b"&", Unterminated { position: 0 }),
            (b"ab&AOk", Unterminated { position: 2 }),
            (
                b"&AO/k-",
                InvalidBase64 {
                    byte: b'/',
                    position: 3,
                },
            ),
            (
                b"&AOk=-",
                InvalidBase64 {
                    byte: b'=',
                    position: 4,
                },
            ),
            (
                b"&AOk &AOk-",
                InvalidBase64 {
                    byte: b' ',
                    position: 4,
                },
            ),
            (
                b"&&-",
                InvalidBase64 {
                    byte: b'&',
                    position: 1,
                },
            ),
            (b"&AOl-", NonZeroPadding { position: 0 }),
            (b"&Jjp-", NonZeroPadding { position: 0 }),
            (b"&A-", DanglingBase64 { position: 0 }),
            (b"x&AOkA-", OddByteCount { position: 1 }),
            (b"&AOkAAAA-", OddByteCount { position: 0 }),
            (b"&AAAAAAAAA-", DanglingBase64 { position: 0 }),
            (b"&AOk-&AOkA-", OddByteCount { position: 5 }),
            (
                b"&2D0-",
                UnpairedSurrogate {
                    unit: 0xd83d,
                    position: 0,
                },
            ),
            (
                b"&3gA-",
                UnpairedSurrogate {
                    unit: 0xde00,
                    position: 0,
                },
            ),
            (
                b"&2D3YPQ-",
                UnpairedSurrogate {
                    unit: 0xd83d,
                    position: 0,
                },
            ),
            (
                b"&2D0AYQ-",
                UnpairedSurrogate {
                    unit: 0xd83d,
                    position: 0,
                },
            ),
            // A pair split across two runs is not joined.
            (
                b"&2D0-&3gA-",
                UnpairedSurrogate {
                    unit: 0xd83d,
                    position: 0,
                },
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                decode(input),
                Err(*want),
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn lenient_forms() {
        // Printable ASCII in base64: forbidden to encoders, accepted here.
        assert_eq!(decode(b"&AGE-").unwrap(), "a");
        assert_eq!(decode(b"&ACY-").unwrap(), "&");
        // Adjacent runs (null shift): accepted.
        assert_eq!(decode(b"&AOk-&AOk-").unwrap(), "éé");
        assert_eq!(encode("éé"), "&AOkA6Q-");
        assert_eq!(decode(b"&AOkA6Q-").unwrap(), "éé");
        // Empty shift is the ampersand.
        assert_eq!(decode(b"&-").unwrap(), "&");
        assert_eq!(decode(b"&-&-").unwrap(), "&&");
        assert_eq!(decode(b"-&--").unwrap(), "-&-");
    }

    #[test]
    fn lossy() {
        assert_eq!(decode_lossy(b"R&D"), "R&D");
        assert_eq!(decode_lossy(b"R&D-Team"), "R&D-Team");
        assert_eq!(decode_lossy(b"&AOl-x"), "&AOl-x");
        assert_eq!(decode_lossy(b"&2D0-&3gA-"), "&2D0-&3gA-");
        assert_eq!(decode_lossy(b"&"), "&");
        assert_eq!(decode_lossy(b"&&AOk-"), "&é");
        assert_eq!(decode_lossy(b"a\x01b"), "a\u{1}b");
        assert_eq!(decode_lossy("日本語/&-".as_bytes()), "日本語/&-");
        assert_eq!(decode_lossy(b"\xe6\x97\xa5\xff"), "日\u{fffd}");
    }

    #[test]
    fn lossy_is_linear_on_hostile_input() {
        let mut input = Vec::new();
        for _ in 0..20_000 {
            input.extend_from_slice(b"&AAAAAAAA");
        }
        let out = decode_lossy(&input);
        assert_eq!(out.len(), input.len());
        let input = vec![b'&'; 100_000];
        assert_eq!(decode_lossy(&input).len(), 100_000);
    }

    #[test]
    fn error_messages() {
        let e = decode(b"&AO/k-").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid modified base64 character '/' at offset 3"
        );
        let e = decode(b"&2D0-").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unpaired UTF-16 surrogate 0xd83d in base64 run starting at offset 0"
        );
    }

    proptest! {
        #[test]
        fn roundtrip(s in any::<String>()) {
            let e = encode(&s);
            prop_assert!(e.bytes().all(is_printable), "{:?}", e);
            let d = decode(e.as_bytes());
            prop_assert_eq!(d.as_deref(), Ok(s.as_str()));
            prop_assert_eq!(decode_lossy(e.as_bytes()), s);
        }

        #[test]
        fn roundtrip_mixed(parts in proptest::collection::vec(
            prop_oneof!["[ -~]{0,4}", "&{1,3}", "[\u{80}-\u{2fff}]{1,3}", "[\u{10000}-\u{10ffff}]{1,2}"],
            0..8,
        )) {
            let s: String = parts.concat();
            let e = encode(&s);
            prop_assert!(e.bytes().all(is_printable));
            prop_assert_eq!(decode(e.as_bytes()).unwrap(), s);
        }

        #[test]
        fn ascii_without_ampersand_is_unchanged(s in "[ -%'-~]*") {
            prop_assert_eq!(encode(&s), s.clone());
            prop_assert_eq!(decode(s.as_bytes()).unwrap(), s);
        }

        #[test]
        fn decode_never_panics(input in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(&input);
            let _ = decode_lossy(&input);
        }

        #[test]
        fn decode_never_panics_on_near_utf7(s in "([ -~]|&[A-Za-z0-9+,/=]{0,12}-?)*") {
            if let Ok(d) = decode(s.as_bytes()) {
                // Whatever decodes re-encodes to something that decodes the same.
                prop_assert_eq!(decode(encode(&d).as_bytes()).unwrap(), d.clone());
                prop_assert_eq!(decode_lossy(s.as_bytes()), d);
            }
        }
    }
}
