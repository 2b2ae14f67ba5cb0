//! The tiny blocking driver the live tests share: a socket loop around [`Connection`].

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use imap4_proto::{ConnEvent, Connection, StatusKind};

/// An environment variable `scripts/dovecot env` sets.
pub fn env(k: &str) -> String {
    std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set: run through scripts/test"))
}

/// A connection to the Dovecot of `scripts/dovecot`, past its greeting.
pub struct Session {
    pub conn: Connection,
    pub sock: TcpStream,
}

impl Session {
    pub fn connect() -> Session {
        let addr = format!("{}:{}", env("IMAP4_HOST"), env("IMAP4_PORT"));
        let sock = TcpStream::connect(addr).expect("connect to Dovecot");
        sock.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        sock.set_nodelay(true).unwrap();
        let mut s = Session {
            conn: Connection::new(),
            sock,
        };
        match s.next_event() {
            ConnEvent::Greeting(g) => assert_eq!(g.kind, StatusKind::Ok),
            e => panic!("before greeting: {e:?}"),
        }
        s
    }

    /// Writes what the connection has to send (`TRACE=1` prints it).
    pub fn flush(&mut self) {
        while let Some(b) = self.conn.take_transmit() {
            if std::env::var("TRACE").is_ok() {
                eprintln!("C: {:?}", String::from_utf8_lossy(&b));
            }
            self.sock.write_all(&b).unwrap();
        }
    }

    /// The next event, reading as needed.
    pub fn next_event(&mut self) -> ConnEvent {
        loop {
            self.flush();
            if let Some(e) = self.conn.poll_event().expect("protocol error") {
                return e;
            }
            // Handling input may have released bytes (a literal after `+`): send them
            // before blocking on the next read.
            self.flush();
            let mut buf = [0u8; 65536];
            let n = self.sock.read(&mut buf).expect("read");
            assert!(n > 0, "server closed the connection");
            if std::env::var("TRACE").is_ok() {
                eprintln!("S: {:?}", String::from_utf8_lossy(&buf[..n]));
            }
            self.conn.feed(&buf[..n]);
        }
    }
}
