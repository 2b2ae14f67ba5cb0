//! The tokio client (feature `tokio`): against the local Dovecot (ignored tests, run by
//! `scripts/test`) and scripted fake servers for cancellation (always run).
#![cfg(feature = "tokio")]

use std::time::Duration;

use imap4::proto::encode::{self, FetchAttr};
use imap4::proto::{Code, SequenceSet};
use imap4::tokio::Client;
use imap4::transport::{ConnectOptions, TlsConfig};
use imap4::{Abort, Error, IdleEvent};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} not set: eval \"$(scripts/dovecot env)\""))
}

fn port(name: &str) -> u16 {
    env(name).parse().unwrap()
}

/// User dave (shared with the mailbox tests, so this file works only in its own
/// mailboxes named `tokio-*`).
fn user() -> (String, String) {
    (env("IMAP4_USER6"), env("IMAP4_PASS6"))
}

async fn login_plain() -> Client {
    let mut c = Client::connect_plain(&env("IMAP4_HOST"), port("IMAP4_PORT"), &Default::default())
        .await
        .unwrap();
    c.allow_plaintext_login(true);
    let (u, p) = user();
    c.login(&u, &p).await.unwrap();
    c
}

async fn fresh(c: &mut Client, name: &str) {
    let _ = c.run(&encode::Delete::new(name)).await;
    c.run(&encode::Create::new(name)).await.unwrap();
}

fn message(i: usize) -> Vec<u8> {
    format!(
        "From: t{i}@example.com\r\nTo: dave@example.com\r\nSubject: async {i}\r\n\r\nbody {i}\r\n"
    )
    .into_bytes()
}

async fn append(c: &mut Client, mailbox: &str, msg: Vec<u8>) -> u32 {
    let r = c
        .run(&encode::Append::new(
            mailbox,
            encode::AppendMessage::new(msg),
        ))
        .await
        .unwrap();
    match r.status.code {
        Some(Code::AppendUid { uids, .. }) => uids.iter(u32::MAX).next().unwrap(),
        other => panic!("no APPENDUID: {other:?}"),
    }
}

#[tokio::test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
async fn tls_login_fetch_stream_and_idle_with_a_second_connection() {
    let tls = TlsConfig::with_ca_file(env("IMAP4_CA")).unwrap();
    let mut c = Client::connect_tls(&env("IMAP4_HOST"), port("IMAP4_TLS_PORT"), &tls)
        .await
        .unwrap();
    assert!(c.transport().is_tls());
    let (u, p) = user();
    c.login(&u, &p).await.unwrap();
    fresh(&mut c, "tokio-idle").await;
    for i in 0..20 {
        append(&mut c, "tokio-idle", message(i)).await;
    }
    c.select("tokio-idle").await.unwrap();
    let all = SequenceSet::parse(b"1:*").unwrap();
    let mut n = 0;
    {
        let mut s = c.uid_fetch(&all, [FetchAttr::Envelope]).await.unwrap();
        while let Some(m) = s.next().await {
            let m = m.unwrap();
            let subject = m.envelope().unwrap().subject_str().unwrap().into_owned();
            assert_eq!(subject, format!("async {n}"));
            n += 1;
        }
    }
    assert_eq!(n, 20);

    // IDLE here, APPEND from a second connection in another task.
    let mut idle = c.idle().await.unwrap();
    let other = tokio::spawn(async {
        let mut o = login_plain().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        append(&mut o, "tokio-idle", message(99)).await;
        o.logout().await.unwrap();
    });
    let mut seen = None;
    for _ in 0..50 {
        if let Some(IdleEvent::Exists(n)) = idle.wait(Duration::from_millis(200)).await.unwrap() {
            seen = Some(n);
            break;
        }
    }
    idle.done().await.unwrap();
    other.await.unwrap();
    assert_eq!(seen, Some(21));
    c.run(&encode::Close).await.unwrap();
    c.run(&encode::Delete::new("tokio-idle")).await.unwrap();
    c.logout().await.unwrap();
}

#[tokio::test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
async fn starttls_and_spawned_command() {
    let tls = TlsConfig::with_ca_file(env("IMAP4_CA")).unwrap();
    let mut c = Client::connect_starttls(
        &env("IMAP4_HOST"),
        port("IMAP4_PORT"),
        &tls,
        &ConnectOptions::default(),
    )
    .await
    .unwrap();
    assert!(c.transport().is_tls());
    assert!(c.is_secure());
    let caps = c.capabilities().await.unwrap();
    assert!(
        !caps.iter().any(|c| c.is("STARTTLS")),
        "asked again over TLS"
    );
    let (u, p) = user();
    c.login(&u, &p).await.unwrap();
    c.logout().await.unwrap();

    // Dovecot's imap binary speaks PREAUTH on stdin/stdout (imaplib's IMAP4_stream).
    let mut cmd = tokio::process::Command::new("sh");
    cmd.args(["-c", &env("IMAP4_PREAUTH_CMD")]);
    let mut s = Client::spawn(cmd, true).await.unwrap();
    assert_eq!(s.state(), imap4::proto::ConnState::Authenticated);
    let st = s.select("INBOX").await.unwrap();
    assert!(st.uid_validity.is_some());
    s.logout().await.unwrap();
}

#[tokio::test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
async fn futures_are_send_and_run_on_the_multi_thread_runtime() {
    // tokio::spawn needs Send futures: a whole session moved into a task.
    let h = tokio::spawn(async {
        let mut c = login_plain().await;
        fresh(&mut c, "tokio-send").await;
        append(&mut c, "tokio-send", message(1)).await;
        let st = c.select("tokio-send").await.unwrap();
        let all = SequenceSet::parse(b"1:*").unwrap();
        let msgs = c
            .fetch(&all, [FetchAttr::Flags])
            .await
            .unwrap()
            .collect_all()
            .await
            .unwrap();
        c.run(&encode::Close).await.unwrap();
        c.run(&encode::Delete::new("tokio-send")).await.unwrap();
        c.logout().await.unwrap();
        (st.exists, msgs.len())
    });
    assert_eq!(h.await.unwrap(), (1, 1));
}

/// A scripted server: greets PREAUTH; for `FETCH` sends one response, waits, then the
/// rest; answers NOOP.
async fn slow_fetch_server() -> (u16, tokio::task::JoinHandle<Vec<String>>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let h = tokio::spawn(async move {
        let (s, _) = l.accept().await.unwrap();
        let (r, mut w) = s.into_split();
        let mut r = BufReader::new(r);
        w.write_all(b"* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\r\n")
            .await
            .unwrap();
        let mut seen = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if r.read_line(&mut line).await.unwrap() == 0 {
                break;
            }
            let l = line.trim_end().to_string();
            seen.push(l.clone());
            let (tag, rest) = l.split_once(' ').unwrap_or((&l, ""));
            let reply = match rest {
                r if r.starts_with("SELECT") => {
                    format!("* 3 EXISTS\r\n{tag} OK [READ-WRITE] done\r\n")
                }
                r if r.starts_with("FETCH") => {
                    w.write_all(b"* 1 FETCH (FLAGS ())\r\n").await.unwrap();
                    tokio::time::sleep(Duration::from_millis(400)).await;
                    format!("* 2 FETCH (FLAGS ())\r\n* 3 FETCH (FLAGS ())\r\n{tag} OK done\r\n")
                }
                "IDLE" => {
                    w.write_all(b"+ idling\r\n").await.unwrap();
                    line.clear();
                    r.read_line(&mut line).await.unwrap();
                    seen.push(line.trim_end().to_string());
                    format!("{tag} OK idle done\r\n")
                }
                "LOGOUT" => {
                    w.write_all(format!("* BYE\r\n{tag} OK\r\n").as_bytes())
                        .await
                        .unwrap();
                    break;
                }
                _ => format!("{tag} OK\r\n"),
            };
            w.write_all(reply.as_bytes()).await.unwrap();
        }
        seen
    });
    (port, h)
}

#[tokio::test]
async fn a_fetch_cancelled_by_a_timeout_leaves_the_connection_in_step() {
    let (port, h) = slow_fetch_server().await;
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut c = Client::from_stream(tcp, false).await.unwrap();
    c.select("INBOX").await.unwrap();
    let all = SequenceSet::parse(b"1:3").unwrap();
    // The whole fetch takes 400 ms; give up after 100 ms (after message 1).
    let r = tokio::time::timeout(Duration::from_millis(100), async {
        c.fetch(&all, [FetchAttr::Flags]).await?.collect_all().await
    })
    .await;
    assert!(r.is_err(), "the timeout fired");
    // The next command first reads the abandoned FETCH's rest, then runs.
    c.noop().await.unwrap();
    assert!(c.take_unsolicited().is_empty());
    // A dropped IDLE is ended with DONE before the next command.
    drop(c.idle().await.unwrap());
    c.noop().await.unwrap();
    c.logout().await.unwrap();
    let seen = h.await.unwrap();
    let names: Vec<&str> = seen
        .iter()
        .map(|l| l.split_once(' ').map_or(l.as_str(), |(_, r)| r))
        .collect();
    assert_eq!(
        names,
        [
            "SELECT INBOX",
            "FETCH 1:3 (FLAGS)",
            "NOOP",
            "IDLE",
            "DONE",
            "NOOP",
            "LOGOUT"
        ]
    );
}

#[tokio::test]
async fn silence_times_out_and_breaks_the_session() {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let h = tokio::spawn(async move {
        let (mut s, _) = l.accept().await.unwrap();
        s.write_all(b"* PREAUTH hi\r\n").await.unwrap();
        tokio::time::sleep(Duration::from_secs(2)).await;
    });
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let t = imap4::Timeouts::default().command(Some(Duration::from_millis(200)));
    let mut c = Client::from_stream_with(tcp, false, t).await.unwrap();
    let r = c.noop().await;
    assert!(
        matches!(
            r,
            Err(Error::Abort(Abort::Timeout {
                waiting_for: "NOOP",
                ..
            }))
        ),
        "{r:?}"
    );
    assert!(c.is_broken());
    h.abort();
}

#[tokio::test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
async fn compressed_and_pipelined() {
    let mut c = login_plain().await;
    c.compress().await.unwrap();
    assert!(c.is_compressed());
    fresh(&mut c, "tokio-pipe").await;
    // 300 APPENDs as separate commands, pipelined through the compressor.
    let cmds: Vec<encode::Append> = (0..300)
        .map(|i| encode::Append::new("tokio-pipe", encode::AppendMessage::new(message(i))))
        .collect();
    let replies = c.run_all(&cmds).await.unwrap();
    assert!(replies.iter().all(|r| r.is_ok()));
    c.select("tokio-pipe").await.unwrap();
    assert_eq!(c.mailbox().unwrap().exists, 300);
    // 300 STOREs pipelined, then read back.
    let changes: Vec<_> = (1..=300u32)
        .map(|u| {
            (
                [u].into_iter().collect::<SequenceSet>(),
                encode::StoreMode::Add,
                vec![imap4::proto::Flag::Seen],
            )
        })
        .collect();
    let results = c.uid_store_many(changes).await.unwrap();
    assert!(results.iter().all(|r| r.is_ok()));
    let unseen = c.uid_search(encode::Criteria::unseen()).await.unwrap();
    assert!(unseen.is_empty(), "{unseen:?}");
    // append_many takes MULTIAPPEND here.
    let r = c
        .append_many(
            "tokio-pipe",
            (0..10).map(|i| encode::AppendMessage::new(message(i))),
        )
        .await
        .unwrap();
    assert_eq!(r.len(), 10);
    c.noop().await.unwrap();
    assert_eq!(c.mailbox().unwrap().exists, 310);
    c.run(&encode::Close).await.unwrap();
    c.run(&encode::Delete::new("tokio-pipe")).await.unwrap();
    c.logout().await.unwrap();
}

#[tokio::test]
async fn waiting_forever_does_not_overflow() {
    let (port, h) = slow_fetch_server().await;
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut c = Client::from_stream(tcp, false).await.unwrap();
    c.select("INBOX").await.unwrap();
    {
        let mut idle = c.idle().await.unwrap();
        let r = tokio::time::timeout(Duration::from_millis(200), idle.wait(Duration::MAX)).await;
        assert!(r.is_err(), "still waiting, no panic: {r:?}");
    }
    c.noop().await.unwrap();
    c.logout().await.unwrap();
    h.await.unwrap();
}

#[tokio::test]
async fn a_server_that_stops_reading_times_out_the_write() {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let h = tokio::spawn(async move {
        let (mut s, _) = l.accept().await.unwrap();
        s.write_all(b"* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] hi\r\n")
            .await
            .unwrap();
        // Never read: the client's socket buffer fills up.
        tokio::time::sleep(Duration::from_secs(5)).await;
        drop(s);
    });
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let t = imap4::Timeouts::default().command(Some(Duration::from_millis(300)));
    let mut c = Client::from_stream_with(tcp, false, t).await.unwrap();
    let big = vec![b'x'; 64 << 20];
    let started = std::time::Instant::now();
    let r = c.append("INBOX", big, [], None).await;
    assert!(
        matches!(
            r,
            Err(Error::Abort(Abort::Timeout {
                waiting_for: "write",
                ..
            }))
        ),
        "{r:?}"
    );
    // Generous: the kernel may keep taking bytes for a while on a loaded machine.
    assert!(started.elapsed() < Duration::from_millis(4500));
    h.abort();
}
