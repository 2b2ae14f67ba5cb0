//! Memory stays bounded while appending from a source: a 100 MB message read from a
//! generator and sent with `append_from` raises the peak resident size by far less than
//! the message. One test in its own binary, so nothing else runs in the process (Linux:
//! VmHWM from /proc/self/status).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use imap4::blocking::Client;
use imap4::proto::encode::AppendStream;

fn peak_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

const BIG: u64 = 100 << 20;

/// `BIG` bytes of text, made as they are read.
struct Generated(u64);

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (buf.len() as u64).min(BIG - self.0) as usize;
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = b"0123456789abcdef"[(self.0 as usize + i) % 16];
        }
        self.0 += n as u64;
        Ok(n)
    }
}

#[test]
fn appending_keeps_memory_bounded() {
    let Some(start) = peak_kb() else {
        eprintln!("no /proc/self/status: skipped");
        return;
    };
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut w = s;
        w.write_all(b"* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS] ready\r\n")
            .unwrap();
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        let tag = line.split(' ').next().unwrap().to_string();
        assert!(line.ends_with(&format!("{{{BIG}}}\r\n")), "{line:?}");
        w.write_all(b"+ go\r\n").unwrap();
        // Read and check it in pieces (the server must not hold it either).
        let mut got = 0u64;
        let mut buf = vec![0u8; 1 << 20];
        while got < BIG {
            let n = r
                .read(&mut buf[..(BIG - got).min(1 << 20) as usize])
                .unwrap();
            assert!(n > 0, "cut after {got}");
            for (i, b) in buf[..n].iter().enumerate() {
                assert_eq!(*b, b"0123456789abcdef"[(got as usize + i) % 16]);
            }
            got += n as u64;
        }
        let mut end = [0u8; 2];
        r.read_exact(&mut end).unwrap();
        assert_eq!(&end, b"\r\n");
        write!(w, "{tag} OK [APPENDUID 1 7] stored\r\n").unwrap();
    });
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut c = Client::from_stream(s, false).unwrap();
    let at = c
        .append_from(AppendStream::new("Archive", BIG), &mut Generated(0))
        .unwrap()
        .unwrap();
    assert_eq!(at.uid, 7);
    server.join().unwrap();
    let grew = peak_kb().unwrap().saturating_sub(start);
    eprintln!(
        "peak resident size grew by {grew} KB for a {} MB message",
        BIG >> 20
    );
    assert!(grew < 16 << 10, "peak grew by {grew} KB");
}
