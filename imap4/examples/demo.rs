//! The demo `scripts/demo` runs: a tour of the blocking client against the local Dovecot.
//! It connects over TLS (trusting the test CA), lists the mailboxes, searches, streams the
//! newest messages, reads one's text and saves its attachments, files a batch of messages
//! with one pipelined call, and waits in IDLE while a second connection delivers mail.
//!
//! Connection settings come from `eval "$(scripts/dovecot start)"`.

use std::time::{Duration, Instant};

use imap4::blocking::Client;
use imap4::mime::decode_words;
use imap4::proto::encode::{AppendMessage, Criteria, FetchAttr};
use imap4::proto::SequenceSet;
use imap4::transport::{ConnectOptions, TlsConfig, Transport};
use imap4::IdleEvent;

fn env(k: &str, default: &str) -> String {
    std::env::var(k).unwrap_or_else(|_| default.to_string())
}

/// Connects with TLS when the test CA is known, else plain TCP on loopback.
fn connect() -> Result<Client<Transport>, Box<dyn std::error::Error>> {
    let host = env("IMAP4_HOST", "127.0.0.1");
    let mut client = match std::env::var("IMAP4_CA") {
        Ok(ca) => {
            let port: u16 = env("IMAP4_TLS_PORT", "10993").parse()?;
            Client::connect_tls(&host, port, &TlsConfig::with_ca_file(ca)?)?
        }
        Err(_) => {
            let port: u16 = env("IMAP4_PORT", "10143").parse()?;
            let mut c = Client::connect_plain(&host, port, &ConnectOptions::default())?;
            c.allow_plaintext_login(true); // loopback test server without TLS
            c
        }
    };
    client.login(&env("IMAP4_USER", "alice"), &env("IMAP4_PASS", "alicepw"))?;
    Ok(client)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut client = connect()?;
    let tls = if client.transport().is_tls() {
        "TLS"
    } else {
        "plain TCP"
    };
    if let Some(g) = client.greeting() {
        println!("connected ({tls}): {}", g.text_str());
    }
    let caps = client.capabilities()?;
    println!(
        "logged in as {}; {} capabilities",
        env("IMAP4_USER", "alice"),
        caps.len()
    );

    println!("\nmailboxes:");
    for mb in client.list("", "*")? {
        let special = mb
            .special_use()
            .map(|a| format!("  [{}]", a.as_str()))
            .unwrap_or_default();
        println!("  {}{special}", mb.mailbox.name());
    }

    let inbox = client.select("INBOX")?;
    println!(
        "\nINBOX: {} messages, UIDVALIDITY {:?}, next UID {:?}",
        inbox.exists, inbox.uid_validity, inbox.uid_next
    );
    let unseen = client.uid_search(Criteria::unseen())?;
    let flagged = client.uid_search(Criteria::flagged())?;
    let big = client.uid_search(Criteria::larger(100_000))?;
    println!(
        "unseen: {}, flagged: {}, larger than 100 kB: {}",
        unseen.len(),
        flagged.len(),
        big.len()
    );

    let all = client.uid_search(Criteria::all())?;
    let newest: SequenceSet = all.iter().rev().take(10).copied().collect();
    if newest.is_empty() {
        println!("the mailbox is empty");
        return Ok(client.logout()?);
    }
    println!(
        "\nnewest {} messages (each printed as its response arrives):",
        newest.len(u32::MAX)
    );
    let mut with_attachment = None;
    let mut last = 0;
    for m in client.uid_fetch(
        &newest,
        [
            FetchAttr::Uid,
            FetchAttr::Rfc822Size,
            FetchAttr::Envelope,
            FetchAttr::BodyStructure,
        ],
    )? {
        let m = m?;
        let uid = m.uid().unwrap_or(0);
        let env = m.envelope();
        let from = env
            .and_then(|e| e.from().get(0))
            .and_then(|a| a.email())
            .unwrap_or_default();
        let subject = env
            .and_then(|e| e.subject())
            .map(decode_words)
            .unwrap_or_default();
        let (parts, attachments) = m
            .body_structure()
            .map(|b| (b.parts().len(), b.attachments().len()))
            .unwrap_or((0, 0));
        if attachments > 0 {
            with_attachment = Some(uid);
        }
        last = last.max(uid);
        println!(
            "  UID {uid:>5}  {:>8} B  {parts} part(s), {attachments} attachment(s)  {from:<28}  {}",
            m.size().unwrap_or(0),
            truncate(&subject, 50)
        );
    }

    // The text of the newest message: its BODYSTRUCTURE says which part, only that part is
    // fetched, and transfer encoding and charset are undone.
    if let Some(t) = client.message_text(last, false)? {
        println!(
            "\nUID {last}, part {:?} ({}, {}):",
            t.part, t.mime_type, t.charset
        );
        for line in t.text.lines().take(6) {
            println!("  | {}", truncate(line, 90));
        }
    }

    // Attachments are streamed to disk, decoded, without holding them in memory.
    if let Some(uid) = with_attachment {
        let dir = std::env::temp_dir().join("imap4-demo");
        std::fs::create_dir_all(&dir)?;
        for a in client.attachments(uid)? {
            let name = a
                .filename
                .clone()
                .unwrap_or_else(|| format!("part-{}", a.part_number()));
            let path = dir.join(name.replace('/', "_"));
            let n = client.save_attachment(uid, &a, &mut std::fs::File::create(&path)?)?;
            println!(
                "\nsaved attachment {} of UID {uid} ({}, {} bytes decoded) to {}",
                a.part_number(),
                a.mime_type,
                n.unwrap_or(0),
                path.display()
            );
        }
    }

    // A batch of 100 messages in one call: MULTIAPPEND here (pipelined APPENDs elsewhere).
    let _ = client.delete("Demo");
    client.create("Demo")?;
    let t0 = Instant::now();
    let batch = (0..100).map(|i| {
        AppendMessage::new(format!(
            "From: demo@example.com\r\nSubject: batch message {i}\r\n\r\nNumber {i}.\r\n"
        ))
    });
    let stored = client.append_many("Demo", batch)?;
    println!(
        "\nappended {} messages to Demo in {:.1} ms",
        stored.iter().filter(|r| r.is_ok()).count(),
        t0.elapsed().as_secs_f64() * 1000.0
    );

    // IDLE: a second connection delivers a message; the first hears of it at once.
    client.select("Demo")?;
    let courier = std::thread::spawn(|| -> Result<(), String> {
        std::thread::sleep(Duration::from_millis(300));
        let mut c = connect().map_err(|e| e.to_string())?;
        let msg = "From: courier@example.com\r\nSubject: hot off the press\r\n\r\nNews!\r\n";
        c.append("Demo", msg, [], None).map_err(|e| e.to_string())?;
        c.logout().map_err(|e| e.to_string())
    });
    println!("idling in Demo; another connection will deliver a message...");
    let t0 = Instant::now();
    let mut idle = client.idle()?;
    while let Some(ev) = idle.wait(Duration::from_secs(10))? {
        if let IdleEvent::Exists(n) = ev {
            println!(
                "  IDLE: Demo now has {n} messages ({:.0} ms after starting to wait)",
                t0.elapsed().as_secs_f64() * 1000.0
            );
            break;
        }
    }
    idle.done()?;
    courier.join().expect("courier thread")?;
    client.close()?;
    client.delete("Demo")?;

    client.logout()?;
    println!("\nlogged out");
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
