//! A spawned command's stdin/stdout as a byte stream (imaplib's `IMAP4_stream`).

use std::io::{self, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Chunks in flight between the reader thread and the client (backpressure beyond that).
const QUEUE: usize = 16;
const CHUNK: usize = 16 * 1024;

/// The child, its stdin, and its stdout read by a thread so reads can time out (pipes have
/// no read timeout in std).
#[derive(Debug)]
pub(super) struct Pipe {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<io::Result<Vec<u8>>>,
    pending: Vec<u8>,
    pos: usize,
    eof: bool,
    timeout: Option<Duration>,
}

impl Pipe {
    pub(super) fn spawn(mut command: Command, timeout: Option<Duration>) -> io::Result<Pipe> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let (stdin, mut stdout) = match (child.stdin.take(), child.stdout.take()) {
            (Some(i), Some(o)) => (i, o),
            _ => unreachable!("stdin and stdout were set to piped"),
        };
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        std::thread::Builder::new()
            .name("imap4-command-reader".into())
            .spawn(move || loop {
                let mut buf = vec![0; CHUNK];
                match stdout.read(&mut buf) {
                    Ok(n) => {
                        buf.truncate(n);
                        if tx.send(Ok(buf)).is_err() || n == 0 {
                            return;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
            })?;
        Ok(Pipe {
            child,
            stdin: Some(stdin),
            rx,
            pending: Vec::new(),
            pos: 0,
            eof: false,
            timeout,
        })
    }

    pub(super) fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    pub(super) fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    pub(super) fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Closes stdin (the server sees end of input), then waits up to `grace` for the child
    /// to exit and kills it if it has not.
    pub(super) fn shutdown(&mut self, grace: Duration) -> io::Result<()> {
        self.stdin = None;
        let deadline = crate::session::deadline(grace);
        loop {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                // Already gone between the two calls is fine.
                let _ = self.child.kill();
                self.child.wait()?;
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while self.pos == self.pending.len() {
            if self.eof {
                return Ok(0);
            }
            let next = match self.timeout {
                Some(t) => self.rx.recv_timeout(t),
                None => self.rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match next {
                Ok(Ok(chunk)) if chunk.is_empty() => self.eof = true,
                Ok(Ok(chunk)) => {
                    self.pending = chunk;
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.eof = true;
                    return Err(e);
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the command sent nothing within the I/O timeout",
                    ))
                }
                Err(RecvTimeoutError::Disconnected) => self.eof = true,
            }
        }
        let n = buf.len().min(self.pending.len() - self.pos);
        buf[..n].copy_from_slice(&self.pending[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.stdin {
            Some(s) => s.write(buf),
            None => Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "the command's input was closed (shutdown)",
            )),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.stdin {
            Some(s) => s.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        // Not shut down (or already): end the child rather than leave it running or a
        // zombie, after a moment to exit on its own at end of input.
        let _ = self.shutdown(Duration::from_millis(100));
    }
}
