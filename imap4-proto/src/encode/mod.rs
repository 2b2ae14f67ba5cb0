//! The command encoder.
//!
//! Each command is a small type in its own module implementing [`Command`]; its `encode`
//! writes arguments through a [`CommandWriter`], which picks the wire form of every string
//! (atom, quoted or literal) and splits the command into [`Fragment`]s at synchronizing
//! literals, so a driver can wait for the server's `+` before sending each literal.
//!
//! A CR or LF supplied by the caller can never end a command line: a string containing one
//! becomes a literal, and where literals are not allowed (atoms, flags, tags) it is an
//! [`EncodeError`].

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use crate::types::Tag;

/// What the server allows, which decides how strings are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EncodeOptions {
    /// `LITERAL+` (RFC 7888): every literal may be non-synchronizing.
    pub literal_plus: bool,
    /// `LITERAL-` (RFC 7888): literals up to 4096 bytes may be non-synchronizing.
    pub literal_minus: bool,
    /// `UTF8=ACCEPT` is enabled (RFC 6855) or the server is IMAP4rev2 with UTF-8 quoted
    /// strings allowed: 8-bit UTF-8 may go in quoted strings.
    pub utf8: bool,
    /// `BINARY` (RFC 3516): `~{n}` literal8 may be sent.
    pub binary: bool,
}

/// A piece of an encoded command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fragment {
    /// Command text. Ends with CRLF: either the end of the command or a literal header.
    Line(Bytes),
    /// Literal data announced by the previous line.
    Literal {
        /// The bytes.
        data: Bytes,
        /// Whether the server's continuation (`+`) must be awaited before sending it.
        sync: bool,
    },
}

/// An encoded command: its tag, name and fragments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// The tag.
    pub tag: Tag,
    /// The command name (`FETCH`, `UID FETCH`, ...), for errors and tracing.
    pub name: &'static str,
    /// The fragments, to be sent in order.
    pub fragments: Vec<Fragment>,
}

impl Encoded {
    /// All bytes of the command, as one buffer (literals inline). Useful when every literal is
    /// non-synchronizing, and for tests.
    pub fn to_bytes(&self) -> Bytes {
        let mut b = BytesMut::new();
        for f in &self.fragments {
            match f {
                Fragment::Line(l) => b.extend_from_slice(l),
                Fragment::Literal { data, .. } => b.extend_from_slice(data),
            }
        }
        b.freeze()
    }

    /// Whether any literal must wait for a continuation request.
    pub fn has_sync_literal(&self) -> bool {
        self.fragments
            .iter()
            .any(|f| matches!(f, Fragment::Literal { sync: true, .. }))
    }
}

/// The caller asked for something that cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A value that must be an atom (flag, keyword, charset, item name) has characters an
    /// atom cannot hold (space, CR, LF, parentheses, quotes, ...).
    #[error("{what} {value:?} cannot be sent: it is not a valid atom")]
    InvalidAtom {
        /// What the value was for.
        what: &'static str,
        /// The value, lossily decoded.
        value: String,
    },
    /// A string holds a NUL byte, which IMAP strings cannot carry (only literal8 can).
    #[error("{what} contains a NUL byte, which IMAP cannot send here")]
    Nul {
        /// What the value was for.
        what: &'static str,
    },
    /// A literal is needed but not allowed in this position.
    #[error("{what} needs a literal (CR, LF or 8-bit bytes), which is not allowed here")]
    LiteralNotAllowed {
        /// What the value was for.
        what: &'static str,
    },
    /// An empty sequence set (never sent as `1:*`).
    #[error("empty sequence set: nothing to {command}")]
    EmptySequenceSet {
        /// The command.
        command: &'static str,
    },
    /// The command has no argument where one is required.
    #[error("{command}: {reason}")]
    Invalid {
        /// The command.
        command: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}

/// A command that can be encoded.
pub trait Command: fmt::Debug {
    /// The command name as sent (`"SELECT"`, `"UID FETCH"`).
    fn name(&self) -> &'static str;
    /// Whether the command refers to messages by sequence number (non-UID FETCH, STORE,
    /// COPY, MOVE, SEARCH, SORT, THREAD): such commands must not be pipelined while an
    /// EXPUNGE could renumber messages (RFC 3501 5.5).
    fn uses_sequence_numbers(&self) -> bool {
        false
    }
    /// Writes the arguments (everything after the name).
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError>;
    /// Writes the whole command: tag, name, arguments, CRLF.
    fn encode(&self, tag: Tag, opts: EncodeOptions) -> Result<Encoded, EncodeError> {
        let mut w = CommandWriter::new(opts);
        w.raw(tag.as_bytes());
        w.raw(b" ");
        w.raw(self.name().as_bytes());
        self.encode_args(&mut w)?;
        Ok(Encoded {
            tag,
            name: self.name(),
            fragments: w.finish(),
        })
    }
}

/// Writes command arguments, choosing each string's wire form.
#[derive(Debug)]
pub struct CommandWriter {
    buf: BytesMut,
    fragments: Vec<Fragment>,
    opts: EncodeOptions,
}

/// Whether `c` may appear in an atom (RFC 3501 ATOM-CHAR).
pub(crate) fn is_atom_char(c: u8) -> bool {
    c > 0x20
        && c < 0x7f
        && !matches!(c, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
}

impl CommandWriter {
    /// A writer for a server with the given options.
    pub fn new(opts: EncodeOptions) -> Self {
        CommandWriter {
            buf: BytesMut::with_capacity(64),
            fragments: Vec::new(),
            opts,
        }
    }

    /// The options in force.
    pub fn options(&self) -> EncodeOptions {
        self.opts
    }

    /// Raw bytes, unchecked (only for fixed syntax written by this crate).
    pub fn raw(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    /// One space.
    pub fn sp(&mut self) {
        self.buf.put_u8(b' ');
    }

    /// A decimal number.
    pub fn number(&mut self, n: u64) {
        let mut tmp = itoa_buf(n);
        self.buf.extend_from_slice(tmp.as_bytes_mut());
    }

    /// An atom (keywords, flags, charset names, item names), checked.
    pub fn atom(&mut self, what: &'static str, a: &[u8]) -> Result<(), EncodeError> {
        // Flags (`\Seen`) and BODY[...] sections use characters beyond ATOM-CHAR; callers pass
        // those through `flag`/`raw`. Here only plain atoms.
        if a.is_empty() || !a.iter().all(|&c| is_atom_char(c)) {
            return Err(EncodeError::InvalidAtom {
                what,
                value: String::from_utf8_lossy(a).into_owned(),
            });
        }
        self.raw(a);
        Ok(())
    }

    /// An `astring`: atom when possible, else quoted, else literal.
    pub fn astring(&mut self, what: &'static str, s: &[u8]) -> Result<(), EncodeError> {
        if !s.is_empty() && s.iter().all(|&c| is_atom_char(c) || c == b']') {
            self.raw(s);
            Ok(())
        } else {
            self.string(what, s)
        }
    }

    /// A `string`: quoted when possible, else literal.
    pub fn string(&mut self, what: &'static str, s: &[u8]) -> Result<(), EncodeError> {
        if s.contains(&0) {
            return Err(EncodeError::Nul { what });
        }
        let quotable = s.len() <= 1024
            && s.iter()
                .all(|&c| c != b'\r' && c != b'\n' && (c < 0x80 || self.opts.utf8));
        let quotable = quotable && (s.is_ascii() || std::str::from_utf8(s).is_ok());
        if quotable {
            self.buf.reserve(s.len() + 2);
            self.buf.put_u8(b'"');
            for &c in s {
                if c == b'"' || c == b'\\' {
                    self.buf.put_u8(b'\\');
                }
                self.buf.put_u8(c);
            }
            self.buf.put_u8(b'"');
            Ok(())
        } else {
            self.literal(s, false);
            Ok(())
        }
    }

    /// An `nstring`: NIL for `None`.
    pub fn nstring(&mut self, what: &'static str, s: Option<&[u8]>) -> Result<(), EncodeError> {
        match s {
            None => {
                self.raw(b"NIL");
                Ok(())
            }
            Some(s) => self.string(what, s),
        }
    }

    /// A mailbox name: modified UTF-7 unless UTF-8 is enabled; `INBOX` in any case is sent
    /// as `INBOX`.
    pub fn mailbox(&mut self, name: &str) -> Result<(), EncodeError> {
        if name.eq_ignore_ascii_case("INBOX") {
            self.raw(b"INBOX");
            return Ok(());
        }
        if self.opts.utf8 {
            self.astring("mailbox name", name.as_bytes())
        } else {
            let enc = crate::utf7::encode(name);
            self.astring("mailbox name", enc.as_bytes())
        }
    }

    /// A literal (`{n}`, `{n+}`, or `~{n}` when `binary`), split into fragments.
    pub fn literal(&mut self, data: &[u8], binary: bool) {
        let n = data.len() as u64;
        let nonsync =
            self.opts.literal_plus || (self.opts.literal_minus && data.len() <= 4096);
        if binary {
            self.buf.put_u8(b'~');
        }
        self.buf.put_u8(b'{');
        self.number(n);
        if nonsync {
            self.buf.put_u8(b'+');
        }
        self.raw(b"}\r\n");
        let line = self.buf.split().freeze();
        self.fragments.push(Fragment::Line(line));
        self.fragments.push(Fragment::Literal {
            data: Bytes::copy_from_slice(data),
            sync: !nonsync,
        });
    }

    /// Like [`literal`](Self::literal) but takes ownership of the data (no copy).
    pub fn literal_bytes(&mut self, data: Bytes, binary: bool) {
        let n = data.len() as u64;
        let nonsync =
            self.opts.literal_plus || (self.opts.literal_minus && data.len() <= 4096);
        if binary {
            self.buf.put_u8(b'~');
        }
        self.buf.put_u8(b'{');
        self.number(n);
        if nonsync {
            self.buf.put_u8(b'+');
        }
        self.raw(b"}\r\n");
        let line = self.buf.split().freeze();
        self.fragments.push(Fragment::Line(line));
        self.fragments.push(Fragment::Literal { data, sync: !nonsync });
    }

    /// Ends the command with CRLF and returns its fragments.
    pub fn finish(mut self) -> Vec<Fragment> {
        self.raw(b"\r\n");
        let line = self.buf.split().freeze();
        self.fragments.push(Fragment::Line(line));
        self.fragments
    }
}

struct NumBuf {
    buf: [u8; 20],
    start: usize,
}

impl NumBuf {
    fn as_bytes_mut(&mut self) -> &[u8] {
        &self.buf[self.start..]
    }
}

fn itoa_buf(mut n: u64) -> NumBuf {
    let mut buf = [0u8; 20];
    let mut i = 20;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    NumBuf { buf, start: i }
}
