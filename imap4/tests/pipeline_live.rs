//! Pipelining against the local Dovecot (run by `scripts/test`): 1,000 APPENDs and 1,000
//! STOREs sent without waiting for each reply, checked for their real effect and for
//! actually leaving in a handful of writes. User bob, mailboxes `pipe-*`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use imap4::blocking::{Client, Stream};
use imap4::proto::encode::{self, AppendMessage, FetchAttr, StoreMode};
use imap4::proto::{Flag, SequenceSet};

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} not set: eval \"$(scripts/dovecot env)\""))
}

/// Counts the writes that reach the socket.
struct Counting {
    tcp: TcpStream,
    writes: Arc<AtomicUsize>,
}

impl Read for Counting {
    fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
        self.tcp.read(b)
    }
}

impl Write for Counting {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.tcp.write(b)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.tcp.flush()
    }
}

impl Stream for Counting {
    fn set_read_timeout(&mut self, t: Option<std::time::Duration>) -> std::io::Result<()> {
        self.tcp.set_read_timeout(t)
    }
}

fn login() -> (Client<Counting>, Arc<AtomicUsize>) {
    let tcp = TcpStream::connect((env("IMAP4_HOST"), env("IMAP4_PORT").parse().unwrap())).unwrap();
    tcp.set_nodelay(true).unwrap();
    let writes = Arc::new(AtomicUsize::new(0));
    let s = Counting {
        tcp,
        writes: writes.clone(),
    };
    let mut c = Client::from_stream(s, false).unwrap();
    c.allow_plaintext_login(true);
    c.login(&env("IMAP4_USER2"), &env("IMAP4_PASS2")).unwrap();
    (c, writes)
}

fn fresh(c: &mut Client<Counting>, name: &str) {
    let _ = c.run(&encode::Delete::new(name));
    c.run(&encode::Create::new(name)).unwrap();
}

fn msg(i: usize) -> Vec<u8> {
    format!("From: p@example.com\r\nSubject: pipelined {i}\r\n\r\nnumber {i}\r\n").into_bytes()
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn a_thousand_appends_and_a_thousand_stores_pipelined() {
    let (mut c, writes) = login();
    assert!(c.has_capability("LITERAL+").unwrap());
    fresh(&mut c, "pipe-1000");

    // 1,000 APPENDs as separate commands (not MULTIAPPEND), all sent before any reply.
    let cmds: Vec<encode::Append> = (0..1000)
        .map(|i| encode::Append::new("pipe-1000", AppendMessage::new(msg(i))))
        .collect();
    let before = writes.load(Ordering::SeqCst);
    let replies = c.run_all(&cmds).unwrap();
    let append_writes = writes.load(Ordering::SeqCst) - before;
    assert_eq!(replies.len(), 1000);
    let mut uids = Vec::new();
    for r in replies {
        let r = r.unwrap();
        match r.status.code {
            Some(imap4::proto::Code::AppendUid { uids: u, .. }) => uids.extend(u.iter(u32::MAX)),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(uids.len(), 1000);
    assert!(uids.windows(2).all(|w| w[0] < w[1]), "UIDs in order");
    // With LITERAL+ the whole batch leaves in one write (one per command would be 1,000).
    assert!(
        append_writes <= 3,
        "{append_writes} writes for 1,000 APPENDs"
    );

    c.select("pipe-1000").unwrap();
    assert_eq!(c.mailbox().unwrap().exists, 1000);

    // 1,000 UID STOREs, each on its own message, pipelined.
    let changes: Vec<_> = uids
        .iter()
        .map(|&u| {
            let flag = if u % 2 == 0 {
                Flag::Flagged
            } else {
                Flag::Answered
            };
            (
                [u].into_iter().collect::<SequenceSet>(),
                StoreMode::Add,
                vec![flag],
            )
        })
        .collect();
    let before = writes.load(Ordering::SeqCst);
    let results = c.uid_store_many(changes).unwrap();
    let store_writes = writes.load(Ordering::SeqCst) - before;
    assert_eq!(results.len(), 1000);
    assert!(results.iter().all(|r| r.is_ok()));
    assert!(store_writes <= 3, "{store_writes} writes for 1,000 STOREs");

    // The real effect, read back: every message has its flag and its own subject.
    let all = SequenceSet::parse(b"1:*").unwrap();
    let mut n = 0;
    for m in c
        .uid_fetch(&all, [FetchAttr::Flags, FetchAttr::Envelope])
        .unwrap()
    {
        let m = m.unwrap();
        let uid = m.uid().unwrap();
        let want = if uid % 2 == 0 {
            Flag::Flagged
        } else {
            Flag::Answered
        };
        assert!(
            m.flags().unwrap().contains(&want),
            "UID {uid}: {:?}",
            m.flags()
        );
        let subject = m.envelope().unwrap().subject_str().unwrap().into_owned();
        assert_eq!(subject, format!("pipelined {n}"));
        n += 1;
    }
    assert_eq!(n, 1000);
    c.run(&encode::Close).unwrap();
    c.run(&encode::Delete::new("pipe-1000")).unwrap();
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn append_many_uses_multiappend_and_reports_each_uid() {
    let (mut c, writes) = login();
    assert!(c.has_capability("MULTIAPPEND").unwrap());
    fresh(&mut c, "pipe-multi");
    let before = writes.load(Ordering::SeqCst);
    let r = c
        .append_many("pipe-multi", (0..50).map(|i| AppendMessage::new(msg(i))))
        .unwrap();
    assert!(writes.load(Ordering::SeqCst) - before <= 2);
    let uids: Vec<u32> = r.into_iter().map(|x| x.unwrap().unwrap().uid).collect();
    assert_eq!(uids.len(), 50);
    c.select("pipe-multi").unwrap();
    assert_eq!(c.mailbox().unwrap().exists, 50);
    // Per-message outcome: one bad target among good ones, pipelined (no MULTIAPPEND
    // when each message goes to its own command).
    let cmds = vec![
        encode::Append::new("pipe-multi", AppendMessage::new(msg(1))),
        encode::Append::new("pipe-does-not-exist", AppendMessage::new(msg(2))),
        encode::Append::new("pipe-multi", AppendMessage::new(msg(3))),
    ];
    let r = c.run_all(&cmds).unwrap();
    assert!(r[0].is_ok());
    assert!(matches!(&r[1], Err(imap4::Error::No { .. })), "{:?}", r[1]);
    assert!(r[2].is_ok());
    c.noop().unwrap();
    assert_eq!(c.mailbox().unwrap().exists, 52);
    c.run(&encode::Close).unwrap();
    c.run(&encode::Delete::new("pipe-multi")).unwrap();
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn notify_reports_changes_in_other_mailboxes_between_commands() {
    use imap4::proto::encode::{MailboxFilter, NotifyEvent, NotifyGroup};
    use imap4::IdleEvent;
    use std::time::Duration;
    let (mut watcher, _) = login();
    let (mut other, _) = login();
    fresh(&mut other, "pipe-notify-a");
    fresh(&mut other, "pipe-notify-b");
    watcher.select("INBOX").unwrap();
    watcher
        .notify(
            [NotifyGroup::new(
                MailboxFilter::Mailboxes(vec!["pipe-notify-a".into(), "pipe-notify-b".into()]),
                [NotifyEvent::MessageNew(vec![]), NotifyEvent::MessageExpunge],
            )],
            false,
        )
        .unwrap();
    // Nothing yet.
    assert_eq!(
        watcher.wait_event(Duration::from_millis(200)).unwrap(),
        None
    );
    // Mail arrives in two watched mailboxes, neither selected; no command is running on
    // the watcher's connection.
    other
        .run(&encode::Append::new(
            "pipe-notify-a",
            AppendMessage::new(msg(1)),
        ))
        .unwrap();
    other
        .run(&encode::Append::new(
            "pipe-notify-b",
            AppendMessage::new(msg(2)),
        ))
        .unwrap();
    other
        .run(&encode::Append::new(
            "pipe-notify-b",
            AppendMessage::new(msg(3)),
        ))
        .unwrap();
    let mut latest = std::collections::HashMap::new();
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        match watcher.wait_event(Duration::from_millis(300)).unwrap() {
            Some(IdleEvent::MailboxStatus(st)) => {
                latest.insert(st.mailbox.name(), st.messages);
            }
            Some(_) => {}
            None if latest.get("pipe-notify-b") == Some(&Some(2)) => break,
            None => {}
        }
    }
    assert_eq!(latest.get("pipe-notify-a"), Some(&Some(1)), "{latest:?}");
    assert_eq!(latest.get("pipe-notify-b"), Some(&Some(2)), "{latest:?}");
    // The connection still works as usual, and NOTIFY NONE stops the events.
    watcher.notify_none().unwrap();
    other
        .run(&encode::Append::new(
            "pipe-notify-a",
            AppendMessage::new(msg(4)),
        ))
        .unwrap();
    assert_eq!(
        watcher.wait_event(Duration::from_millis(300)).unwrap(),
        None
    );
    watcher.logout().unwrap();
    other.run(&encode::Delete::new("pipe-notify-a")).unwrap();
    other.run(&encode::Delete::new("pipe-notify-b")).unwrap();
    other.logout().unwrap();
}
