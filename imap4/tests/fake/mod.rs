//! Scripted fake IMAP servers on 127.0.0.1 for the tests that need a fault or a quirk a
//! real server will not produce on demand. Shared by several test files, each using some.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use imap4::blocking::{Client, Timeouts};

/// One scripted connection: a line reader and the socket.
pub struct Server {
    pub r: BufReader<TcpStream>,
    pub w: TcpStream,
}

impl Server {
    /// Reads one command line; returns (tag, rest).
    pub fn cmd(&mut self) -> (String, String) {
        let mut line = String::new();
        self.r.read_line(&mut line).unwrap();
        let line = line.trim_end().to_string();
        let (tag, rest) = line.split_once(' ').unwrap_or((&line, ""));
        (tag.to_string(), rest.to_string())
    }

    pub fn send(&mut self, s: &str) {
        self.w.write_all(s.as_bytes()).unwrap();
    }

    /// Reads a command and checks its name.
    pub fn expect(&mut self, name: &str) -> String {
        let (tag, rest) = self.cmd();
        assert!(
            rest.to_ascii_uppercase().starts_with(name),
            "expected {name}, got {rest:?}"
        );
        tag
    }
}

/// A server that sends `greeting`, then runs `script` on the one connection it accepts.
pub fn fake_with(
    greeting: &'static str,
    script: impl FnOnce(Server) + Send + 'static,
) -> (u16, thread::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut srv = Server {
            r: BufReader::new(s.try_clone().unwrap()),
            w: s,
        };
        srv.send(greeting);
        script(srv)
    });
    (port, h)
}

/// [`fake_with`] greeting `PREAUTH` with IDLE and LITERAL+.
pub fn fake(script: impl FnOnce(Server) + Send + 'static) -> (u16, thread::JoinHandle<()>) {
    fake_with(
        "* PREAUTH [CAPABILITY IMAP4rev1 IDLE LITERAL+] fake ready\r\n",
        script,
    )
}

pub fn client(port: u16) -> Client<TcpStream> {
    client_with(port, Timeouts::default())
}

pub fn client_with(port: u16, t: Timeouts) -> Client<TcpStream> {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    Client::from_stream_with(s, false, t).expect("greeting")
}
