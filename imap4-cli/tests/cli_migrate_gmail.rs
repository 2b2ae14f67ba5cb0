//! `imap4 migrate` out of Gmail through the built binary: the fake Gmail of the engine's
//! tests (imap4-sync/tests/fake_gmail: Gmail's label model, which no server here has) as
//! the source, the private Dovecot as the destination (hugo, IMAP4_USER28). All Mail is
//! copied once and filed by label; the table and the JSON show where each label went;
//! `--no-gmail-labels` plans every folder instead.

mod common;
#[path = "../../imap4-sync/tests/fake_gmail/mod.rs"]
mod fake_gmail;

use std::process::Command;

use common::*;
use fake_gmail::FakeGmail;

fn msg(id: &str) -> Vec<u8> {
    format!("From: a@example.com\r\nSubject: {id}\r\nMessage-ID: <{id}@gm>\r\n\r\n{id}\r\n")
        .into_bytes()
}

fn ids(c: &mut imap4::blocking::Client, mb: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let st = c.examine(mb).unwrap();
    if st.exists > 0 {
        let all = imap4::proto::SequenceSet::parse(b"1:*").unwrap();
        let sec = imap4::proto::Section::default();
        for f in c
            .fetch(&all, [imap4::proto::encode::FetchAttr::body_peek(sec)])
            .unwrap()
        {
            let f = f.unwrap();
            let h = imap4::mime::Headers::parse(f.body().unwrap());
            out.push(String::from_utf8_lossy(h.get("Message-ID").unwrap()).into_owned());
        }
    }
    c.unselect().unwrap();
    out.sort();
    out
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn migrate_from_gmail_files_messages_by_label() {
    let g = FakeGmail::start("me@gmail.com", "gm-secret");
    {
        let mut st = g.store.lock().unwrap();
        let d = "05-Dec-2026 10:00:00 +0000";
        st.add(&msg("one"), &["\\Inbox", "Work"], &["\\Seen"], d);
        st.add(&msg("two"), &["Work"], &[], d);
        st.add(&msg("three"), &[], &[], d);
    }
    let hugo = User::n(28);
    dovecot_reset(&hugo.name);
    let dir = temp_dir("migrate-gmail");
    let cfg = dir.join("config.toml");
    write(
        &cfg,
        format!(
            "[accounts.gm]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nuser = \"me@gmail.com\"\npassword_env = \"GM_PASS\"\n\n\
             [accounts.dc]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"starttls\"\nca_file = \"{}\"\nuser = \"{}\"\npassword_env = \"DC_PASS\"\n",
            g.port, hugo.port, hugo.ca, hugo.name
        )
        .as_bytes(),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let run = |args: &[&str]| {
        let mut c = Command::new(bin());
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("GM_PASS", "gm-secret")
            .env("DC_PASS", &hugo.pass)
            .arg("--config")
            .arg(&cfg)
            .args(args)
            .arg("--state")
            .arg(dir.join("state.json"));
        Run::of(&mut c).ok()
    };

    // The plan without the mapping names every folder; with it, All Mail and its labels.
    let plain = run(&[
        "--json",
        "migrate",
        "gm",
        "dc",
        "--dry-run",
        "--no-gmail-labels",
    ]);
    let sources: Vec<String> = plain
        .json()
        .iter()
        .map(|r| r["source"].as_str().unwrap().to_string())
        .collect();
    assert!(sources.contains(&"Work".to_string()), "{sources:?}");
    assert!(
        sources.contains(&"[Gmail]/Starred".to_string()),
        "{sources:?}"
    );
    // (A dry run reads the bodies too, to match them by Message-ID: count from here.)
    for m in &mut g.store.lock().unwrap().msgs {
        m.downloads = 0;
    }

    let first = run(&["--json", "migrate", "gm", "dc"]);
    let rows = first.json();
    let all = rows
        .iter()
        .find(|r| r["source"] == "[Gmail]/All Mail")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(all["status"], "ok", "{all}");
    assert_eq!(all["dest"], "Archive");
    assert_eq!(
        all["copied"], 4,
        "one and two in Work, one in INBOX, three archived"
    );
    let folders: Vec<(String, u64)> = all["by_folder"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["dest"].as_str().unwrap().into(),
                f["copied"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(folders.contains(&("Work".into(), 2)), "{folders:?}");
    assert!(folders.contains(&("INBOX".into(), 1)), "{folders:?}");
    assert!(folders.contains(&("Archive".into(), 1)), "{folders:?}");
    let labels: Vec<&str> = all["labels"]
        .as_array()
        .map(|l| l.iter().map(|r| r["label"].as_str().unwrap()).collect())
        .unwrap_or_default();
    assert!(
        labels.contains(&"Work") && labels.contains(&"\\Inbox"),
        "{labels:?}"
    );
    assert!(
        !rows.iter().any(|r| r["source"] == "Work"),
        "no plan of its own"
    );
    let downloads: Vec<usize> = g
        .store
        .lock()
        .unwrap()
        .msgs
        .iter()
        .map(|m| m.downloads)
        .collect();
    assert_eq!(downloads, [1, 1, 1], "each message downloaded once");

    let mut c = hugo.client();
    assert_eq!(ids(&mut c, "Work"), ["<one@gm>", "<two@gm>"]);
    assert_eq!(ids(&mut c, "INBOX"), ["<one@gm>"]);
    assert_eq!(ids(&mut c, "Archive"), ["<three@gm>"]);

    // The table shows a row per label folder; a rerun copies nothing.
    let again = run(&["migrate", "gm", "dc"]);
    assert!(again.stdout.contains("label Work"), "{}", again.stdout);
    assert!(again.stdout.contains("(no label)"), "{}", again.stdout);
    let rows = run(&["--json", "migrate", "gm", "dc"]).json();
    assert!(rows.iter().all(|r| r["copied"] == 0), "{rows:?}");
    assert_eq!(ids(&mut c, "Work"), ["<one@gm>", "<two@gm>"]);
}
