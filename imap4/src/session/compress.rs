//! `COMPRESS DEFLATE` (RFC 4978): after the server's OK both directions are raw DEFLATE
//! streams; each write is ended with a sync flush so the server can act on it at once.

use std::io;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use imap4_proto::encode;

use super::{Io, Session};
use crate::error::{Error, Result};

/// Most bytes inflated per read: a small compressed read may stand for a lot of data, and
/// the decoder's limits should see it piece by piece.
const INFLATE_STEP: usize = 256 * 1024;

#[derive(Debug)]
pub(crate) struct Deflate {
    deflate: Compress,
    inflate: Decompress,
    /// Compressed input not yet inflated.
    pending: Vec<u8>,
    /// The last inflate stopped because its output was full: more may be held inside.
    more: bool,
}

fn corrupt(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("COMPRESS stream: {e}"))
}

impl Deflate {
    pub(crate) fn new() -> Deflate {
        Deflate {
            deflate: Compress::new(Compression::default(), false),
            inflate: Decompress::new(false),
            pending: Vec::new(),
            more: false,
        }
    }

    pub(crate) fn compress(&mut self, data: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        let mut input = data;
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(256));
            }
            let before = self.deflate.total_in();
            self.deflate
                .compress_vec(input, &mut out, FlushCompress::Sync)
                .map_err(corrupt)?;
            let used = (self.deflate.total_in() - before) as usize;
            input = &input[used..];
            // Done when all input is taken and the flush left spare room in the buffer.
            if input.is_empty() && out.len() < out.capacity() {
                return Ok(out);
            }
        }
    }

    pub(crate) fn has_pending(&self) -> bool {
        !self.pending.is_empty() || self.more
    }

    /// Inflates freshly read bytes (at most [`INFLATE_STEP`] out; the rest stays pending).
    pub(crate) fn inflate(&mut self, data: &[u8]) -> io::Result<Vec<u8>> {
        self.pending.extend_from_slice(data);
        self.inflate_pending()
    }

    pub(crate) fn inflate_pending(&mut self) -> io::Result<Vec<u8>> {
        let mut out = vec![0; INFLATE_STEP.min(self.pending.len() * 8 + 4096)];
        let mut filled = 0;
        let mut used_total = 0;
        loop {
            if filled == out.len() {
                if out.len() == INFLATE_STEP {
                    break;
                }
                out.resize((out.len() * 2).min(INFLATE_STEP), 0);
            }
            let before_in = self.inflate.total_in();
            let before_out = self.inflate.total_out();
            let status = self
                .inflate
                .decompress(
                    &self.pending[used_total..],
                    &mut out[filled..],
                    FlushDecompress::None,
                )
                .map_err(corrupt)?;
            let used = (self.inflate.total_in() - before_in) as usize;
            let made = (self.inflate.total_out() - before_out) as usize;
            used_total += used;
            filled += made;
            if status == Status::StreamEnd {
                // The server ended compression (it does so as it closes, after LOGOUT):
                // anything after the end is not part of the stream.
                if used_total < self.pending.len() {
                    return Err(corrupt("data after the end of the compressed stream"));
                }
                break;
            }
            if used == 0 && made == 0 {
                break;
            }
        }
        out.truncate(filled);
        self.pending.drain(..used_total);
        self.more = filled == INFLATE_STEP;
        Ok(out)
    }
}

impl<T: Io> Session<T> {
    /// `COMPRESS DEFLATE` (RFC 4978): from now on everything is compressed both ways,
    /// transparently. Needs the `COMPRESS=DEFLATE` capability; saves much bandwidth on
    /// FETCHes of headers and text. Calling it twice is an error from the server
    /// (`[COMPRESSIONACTIVE]`).
    ///
    /// ```no_run
    /// # async fn f(client: &mut imap4::Session<impl imap4::Io>) -> imap4::Result<()> {
    /// client.login("alice", "secret").await?;
    /// client.compress().await?;
    /// client.select("INBOX").await?; // compressed on the wire
    /// # Ok(()) }
    /// ```
    #[doc(alias = "COMPRESS")]
    pub async fn compress(&mut self) -> Result<()> {
        if self.zlib.is_some() {
            return Err(Error::No {
                command: "COMPRESS",
                text: "compression is already active".into(),
                code: Some(imap4_proto::Code::Other {
                    name: "COMPRESSIONACTIVE".into(),
                    value: None,
                }),
            });
        }
        self.require("COMPRESS", "COMPRESS=DEFLATE").await?;
        self.run(&encode::Compress::deflate()).await?;
        let mut z = Deflate::new();
        // The server compresses everything after its OK: bytes already read are compressed.
        let rest = self.conn.take_buffered();
        if !rest.is_empty() {
            z.pending.extend_from_slice(&rest);
        }
        self.zlib = Some(z);
        Ok(())
    }

    /// Whether `COMPRESS DEFLATE` is active.
    ///
    /// ```no_run
    /// # fn f(client: &imap4::Session<impl imap4::Io>) {
    /// println!("compressed: {}", client.is_compressed());
    /// # }
    /// ```
    pub fn is_compressed(&self) -> bool {
        self.zlib.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_through_both_halves() {
        let mut a = Deflate::new();
        let mut b = Deflate::new();
        let msg = b"a1 FETCH 1:* (FLAGS)\r\n".repeat(1000);
        let packed = a.compress(&msg).unwrap();
        assert!(packed.len() < msg.len() / 10);
        let mut got = Vec::new();
        got.extend(b.inflate(&packed).unwrap());
        while b.has_pending() {
            got.extend(b.inflate_pending().unwrap());
        }
        assert_eq!(got, msg);
        // A second message after the sync flush decodes too.
        let packed = a.compress(b"a2 NOOP\r\n").unwrap();
        assert_eq!(b.inflate(&packed).unwrap(), b"a2 NOOP\r\n");
    }

    #[test]
    fn bomb_is_inflated_in_steps() {
        let mut a = Deflate::new();
        let mut b = Deflate::new();
        let packed = a.compress(&vec![b'x'; 10 << 20]).unwrap();
        let first = b.inflate(&packed).unwrap();
        assert!(first.len() <= INFLATE_STEP);
        assert!(b.has_pending());
        let mut total = first.len();
        while b.has_pending() {
            let n = b.inflate_pending().unwrap().len();
            assert!(n <= INFLATE_STEP);
            total += n;
        }
        assert_eq!(total, 10 << 20);
    }

    #[test]
    fn garbage_is_an_error() {
        let mut b = Deflate::new();
        assert!(b.inflate(b"\xff\xff\xff\xff garbage").is_err());
    }
}
