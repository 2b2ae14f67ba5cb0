//! Memory stays bounded while fetching: a 100 MB body streamed into a writer, and 100
//! messages of 1 MB read through the fetch iterator, each raise the peak resident size by
//! far less than the data that went through. One test in its own binary so nothing else
//! runs in the process meanwhile (Linux: reads VmHWM from /proc/self/status).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use imap4::blocking::Client;
use imap4::proto::encode::FetchAttr;
use imap4::proto::{Section, SequenceSet};

fn peak_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn read_cmd(r: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    line.split(' ').next().unwrap().to_string()
}

const BIG: usize = 100 << 20;
const EACH: usize = 1 << 20;
const COUNT: usize = 100;

#[test]
fn fetching_keeps_memory_bounded() {
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
        w.write_all(b"* PREAUTH ready\r\n").unwrap();
        let chunk = vec![b'z'; 64 * 1024];
        let t = read_cmd(&mut r);
        write!(w, "* {COUNT} EXISTS\r\n{t} OK [READ-WRITE] selected\r\n").unwrap();
        // 1: one 100 MB body.
        let t = read_cmd(&mut r);
        write!(w, "* 1 FETCH (UID 1 BODY[] {{{BIG}}}\r\n").unwrap();
        for _ in 0..BIG / chunk.len() {
            w.write_all(&chunk).unwrap();
        }
        write!(w, ")\r\n{t} OK\r\n").unwrap();
        // 2: a hundred 1 MB messages.
        let t = read_cmd(&mut r);
        for i in 1..=COUNT {
            write!(w, "* {i} FETCH (UID {i} BODY[] {{{EACH}}}\r\n").unwrap();
            for _ in 0..EACH / chunk.len() {
                w.write_all(&chunk).unwrap();
            }
            w.write_all(b")\r\n").unwrap();
        }
        write!(w, "{t} OK\r\n").unwrap();
    });
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut c = Client::from_stream(s, false).unwrap();
    c.select("INBOX").unwrap();

    let n = c.uid_fetch_message_to(1, &mut std::io::sink()).unwrap();
    assert_eq!(n, Some(BIG as u64));
    let after_big = peak_kb().unwrap();

    let all = SequenceSet::parse(b"1:*").unwrap();
    let mut seen = 0;
    for m in c
        .uid_fetch(&all, [FetchAttr::body_peek(Section::default())])
        .unwrap()
    {
        assert_eq!(m.unwrap().body().unwrap().len(), EACH);
        seen += 1;
    }
    assert_eq!(seen, COUNT);
    let after_many = peak_kb().unwrap();
    server.join().unwrap();

    let big_growth = after_big.saturating_sub(start);
    let many_growth = after_many.saturating_sub(start);
    eprintln!(
        "peak growth: {big_growth} KiB after 100 MB streamed, {many_growth} KiB after 100 x 1 MB"
    );
    assert!(
        big_growth < 24 * 1024,
        "streaming 100 MB raised the peak by {big_growth} KiB"
    );
    assert!(
        many_growth < 24 * 1024,
        "100 x 1 MB raised the peak by {many_growth} KiB"
    );
}
