//! Wire tracing with `tracing` (imaplib's `debug` levels).
//!
//! - target `imap4`, level DEBUG: each command's tag and name when sent, each completion;
//! - target `imap4::wire`, level TRACE: every line sent (`C:`) and received (`S:`), with
//!   literal contents summarized by size, and the lines of LOGIN / AUTHENTICATE (password,
//!   SASL responses, tokens) replaced by their length.
//!
//! Whether wire tracing runs is decided when the client is created (by asking the
//! subscriber), so install the subscriber first.

use std::fmt;

use imap4_proto::{Status, Tag};

/// Longest part of a line that is logged.
const MAX_LOGGED: usize = 2000;

#[derive(Debug)]
pub(crate) struct Tracer {
    on: bool,
    sent: Wire,
    received: Wire,
    /// The sensitive command whose bytes are being redacted.
    redacting: Option<(Tag, &'static str)>,
}

#[derive(Debug)]
struct Wire {
    prefix: &'static str,
    line: Vec<u8>,
    truncated: usize,
    literal_left: u64,
}

struct Escaped<'a>(&'a [u8]);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.0.utf8_chunks() {
            for c in chunk.valid().chars() {
                match c {
                    '\r' => f.write_str("\\r")?,
                    '\n' => f.write_str("\\n")?,
                    c if c.is_control() => write!(f, "\\x{:02x}", c as u32)?,
                    c => fmt::Write::write_char(f, c)?,
                }
            }
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        Ok(())
    }
}

/// The size announced by a literal header ending the line (`{12}`, `{12+}`, `~{12}`).
pub(crate) fn literal_header(line: &[u8]) -> Option<u64> {
    let l = line
        .strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\n"))?;
    let l = l.strip_suffix(b"}")?;
    let l = l
        .strip_suffix(b"+")
        .or_else(|| l.strip_suffix(b"-"))
        .unwrap_or(l);
    let open = memchr::memrchr(b'{', l)?;
    let digits = &l[open + 1..];
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

impl Wire {
    fn new(prefix: &'static str) -> Wire {
        Wire {
            prefix,
            line: Vec::new(),
            truncated: 0,
            literal_left: 0,
        }
    }

    fn scan(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.literal_left > 0 {
                let k = (self.literal_left.min(data.len() as u64)) as usize;
                self.literal_left -= k as u64;
                data = &data[k..];
                continue;
            }
            let (part, end) = match memchr::memchr(b'\n', data) {
                Some(i) => (&data[..=i], true),
                None => (data, false),
            };
            let room = MAX_LOGGED.saturating_sub(self.line.len());
            let keep = part.len().min(room);
            self.line.extend_from_slice(&part[..keep]);
            self.truncated += part.len() - keep;
            data = &data[part.len()..];
            if end {
                self.emit();
            }
        }
    }

    fn emit(&mut self) {
        let lit = if self.truncated == 0 {
            literal_header(&self.line)
        } else {
            None
        };
        let shown = self.line.strip_suffix(b"\r\n").unwrap_or(&self.line);
        if self.truncated > 0 {
            tracing::trace!(target: "imap4::wire", "{} {} [... {} more bytes]",
                self.prefix, Escaped(shown), self.truncated);
        } else {
            tracing::trace!(target: "imap4::wire", "{} {}", self.prefix, Escaped(shown));
        }
        if let Some(n) = lit {
            tracing::trace!(target: "imap4::wire", "{} [literal: {n} bytes]", self.prefix);
            self.literal_left = n;
        }
        self.line.clear();
        self.truncated = 0;
    }

    fn reset(&mut self) {
        self.line.clear();
        self.truncated = 0;
        self.literal_left = 0;
    }
}

impl Tracer {
    pub(crate) fn new() -> Tracer {
        Tracer {
            on: tracing::enabled!(target: "imap4::wire", tracing::Level::TRACE),
            sent: Wire::new("C:"),
            received: Wire::new("S:"),
            redacting: None,
        }
    }

    /// A command was queued.
    pub(crate) fn command(&mut self, tag: &Tag, name: &'static str, sensitive: bool) {
        tracing::debug!(target: "imap4", "{tag} {name}");
        if sensitive {
            self.redacting = Some((tag.clone(), name));
        }
    }

    /// A command completed (or the greeting arrived).
    pub(crate) fn debug_status(&mut self, name: &str, status: &Status) {
        tracing::debug!(target: "imap4", "{name}: {:?} {}", status.kind, status.text_str());
        if let (Some((t, _)), Some(done)) = (&self.redacting, &status.tag) {
            if t == done {
                self.redacting = None;
                self.sent.reset();
            }
        }
    }

    /// A command ended without a readable completion: stop redacting for it.
    pub(crate) fn done(&mut self, tag: &Tag) {
        if self.redacting.as_ref().is_some_and(|(t, _)| t == tag) {
            self.redacting = None;
            self.sent.reset();
        }
    }

    /// Bytes written to the server.
    pub(crate) fn sent(&mut self, bytes: &[u8]) {
        if !self.on {
            return;
        }
        match &self.redacting {
            Some((tag, name)) => {
                tracing::trace!(target: "imap4::wire",
                    "C: [{} bytes of {tag} {name}: credentials redacted]", bytes.len());
            }
            None => self.sent.scan(bytes),
        }
    }

    /// Bytes read from the server (after decompression).
    pub(crate) fn received(&mut self, bytes: &[u8]) {
        if self.on {
            self.received.scan(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_headers() {
        assert_eq!(literal_header(b"* 1 FETCH (BODY[] {12}\r\n"), Some(12));
        assert_eq!(literal_header(b"a APPEND x {3+}\r\n"), Some(3));
        assert_eq!(literal_header(b"* 1 FETCH (BINARY[] ~{7}\r\n"), Some(7));
        assert_eq!(literal_header(b"* OK {not}\r\n"), None);
        assert_eq!(literal_header(b"* OK done\r\n"), None);
        assert_eq!(literal_header(b"{}\r\n"), None);
    }

    #[test]
    fn escaping() {
        assert_eq!(Escaped(b"a\r\n\x01\xff").to_string(), "a\\r\\n\\x01\\xff");
    }

    #[test]
    fn scanner_skips_literal_bytes() {
        let mut w = Wire::new("S:");
        w.scan(b"* 1 FETCH (BODY[] {5}\r\nab");
        assert_eq!(w.literal_left, 3);
        w.scan(b"c\r\n)\r\n* 2 EX");
        assert_eq!(w.literal_left, 0);
        assert_eq!(w.line, b"* 2 EX");
    }
}
