//! The demo `scripts/demo` runs: log in to the local Dovecot, list the mailboxes, search,
//! and read the newest messages with the blocking client.
//!
//! Connection settings come from `eval "$(scripts/dovecot start)"`.

use imap4::blocking::Client;
use imap4::proto::encode::{Criteria, FetchAttr};
use imap4::proto::{Section, SequenceSet};

fn env(k: &str, default: &str) -> String {
    std::env::var(k).unwrap_or_else(|_| default.to_string())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let host = env("IMAP4_HOST", "127.0.0.1");
    let port: u16 = env("IMAP4_PORT", "10143").parse()?;
    let mut client = Client::connect((host.as_str(), port))?;
    if let Some(g) = client.greeting() {
        println!("connected to {host}:{port}: {}", g.text_str());
    }
    // The local test server has no TLS on this port; opt in explicitly.
    client.allow_plaintext_login(true);
    let user = env("IMAP4_USER", "alice");
    client.login(&user, &env("IMAP4_PASS", "alicepw"))?;
    let caps = client.capabilities()?;
    println!("logged in as {user}; {} capabilities", caps.len());

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
    println!("\nnewest {} messages:", newest.len(u32::MAX));
    let msgs = client
        .uid_fetch(
            &newest,
            [
                FetchAttr::Uid,
                FetchAttr::Flags,
                FetchAttr::Rfc822Size,
                FetchAttr::Envelope,
                FetchAttr::BodyStructure,
            ],
        )?
        .collect_all()?;
    for m in &msgs {
        let env = m.envelope();
        let from = env
            .and_then(|e| e.from().get(0))
            .and_then(|a| a.email())
            .unwrap_or_default();
        let subject = env
            .and_then(|e| e.subject())
            .map(decode_words)
            .unwrap_or_default();
        let parts = m.body_structure().map(|b| b.parts().len()).unwrap_or(0);
        let attachments = m
            .body_structure()
            .map(|b| b.attachments().len())
            .unwrap_or(0);
        println!(
            "  UID {:>5}  {:>8} B  {parts} part(s), {attachments} attachment(s)  {from:<28}  {}",
            m.uid().unwrap_or(0),
            m.size().unwrap_or(0),
            truncate(&subject, 50)
        );
    }

    // Read the text of the newest message: find its text part in the structure and fetch
    // only that section.
    let last = msgs.iter().max_by_key(|m| m.uid()).expect("at least one");
    if let (Some(uid), Some(bs)) = (last.uid(), last.body_structure()) {
        if let Some((part, p)) = bs.text_part(false) {
            let section = if !bs.is_multipart() {
                Section::text()
            } else {
                Section::part(&part)
            };
            let r = client
                .uid_fetch(
                    &SequenceSet::single(uid)?,
                    [FetchAttr::body_peek(section.clone())],
                )?
                .collect_all()?;
            if let Some(text) = r
                .first()
                .and_then(|f| f.section(&section))
                .and_then(|d| d.bytes())
            {
                println!(
                    "\nUID {uid}, part {section} ({}, {}):",
                    p.mime_type(),
                    String::from_utf8_lossy(p.encoding())
                );
                for line in String::from_utf8_lossy(text).lines().take(8) {
                    println!("  | {}", truncate(line, 90));
                }
            }
        }
    }
    client.logout()?;
    println!("\nlogged out");
    Ok(())
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?...?=`) for display: UTF-8 and ISO-8859-1,
/// base64 and Q encoding; anything else is shown as it is.
fn decode_words(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::new();
    let mut rest = &text[..];
    while let Some(start) = rest.find("=?") {
        let Some(word) = rest[start + 2..]
            .splitn(3, '?')
            .collect::<Vec<_>>()
            .get(..3)
            .map(|v| v.to_vec())
        else {
            break;
        };
        let (charset, enc, tail) = (word[0], word[1], word[2]);
        let Some(end) = tail.find("?=") else { break };
        let data = &tail[..end];
        let bytes = match enc {
            "b" | "B" => imap4::proto::encode::base64_decode(data.as_bytes()),
            "q" | "Q" => Some(q_decode(data)),
            _ => None,
        };
        let Some(bytes) = bytes else { break };
        let between = &rest[..start];
        if !(out.ends_with(' ') || between.trim().is_empty()) || out.is_empty() {
            out.push_str(between);
        }
        if charset.eq_ignore_ascii_case("utf-8") {
            out.push_str(&String::from_utf8_lossy(&bytes));
        } else {
            out.extend(bytes.iter().map(|&b| b as char)); // ISO-8859-1
        }
        rest = &tail[end + 2..];
    }
    out.push_str(rest);
    out
}

fn q_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'_' => out.push(b' '),
            b'=' if i + 2 < b.len() => {
                if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                    out.push(v);
                    i += 2;
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}
