//! What a hostile or runaway server cannot make the client hold: unsolicited responses are
//! capped (oldest dropped, counted), and a flood of them during a command neither breaks
//! the command nor grows memory without bound.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use imap4::blocking::Client;

#[test]
fn a_flood_of_unsolicited_responses_is_capped() {
    const FLOOD: usize = 300_000;
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut w = s;
        w.write_all(b"* PREAUTH hi\r\n").unwrap();
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        let tag = line.split(' ').next().unwrap().to_string();
        let mut buf = Vec::with_capacity(1 << 20);
        for i in 0..FLOOD {
            buf.extend_from_slice(format!("* OK still here {i}\r\n").as_bytes());
            if buf.len() > (1 << 20) - 64 {
                w.write_all(&buf).unwrap();
                buf.clear();
            }
        }
        buf.extend_from_slice(format!("{tag} OK done\r\n").as_bytes());
        w.write_all(&buf).unwrap();
        // Wait for the client to hang up.
        let mut rest = String::new();
        let _ = r.read_line(&mut rest);
    });
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut c = Client::from_stream(s, false).unwrap();
    c.noop().expect("the command completes");
    let kept = c.take_unsolicited();
    assert!(!kept.is_empty());
    assert!(kept.len() <= imap4::MAX_UNSOLICITED, "{} kept", kept.len());
    // The newest are kept.
    let last = format!("{:?}", kept.last().unwrap());
    assert!(
        last.contains(&format!("still here {}", FLOOD - 1)),
        "{last}"
    );
    assert_eq!(
        c.unsolicited_dropped() as usize + kept.len(),
        FLOOD,
        "every response is either kept or counted as dropped"
    );
    drop(c);
    h.join().unwrap();
}
