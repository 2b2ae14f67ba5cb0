//! `imap4 migrate` between the two real servers: Dovecot → Cyrus → Dovecot, through the
//! built binary with accounts from a config file. Names change on the way (Dovecot's `/`
//! at the top, Cyrus's `INBOX.` prefix with `.`), special-use mailboxes find each other
//! by role (`\Sent` is `Sent` on one, `INBOX.Sent` on the other), and after the round
//! trip every message is back byte for byte with its flags, keywords and date. With
//! non-ASCII names and a 20 MB message. Users: Dovecot peggy (IMAP4_USER16) and sybil
//! (19), Cyrus heidi (IMAP4_CYRUS_USER10).

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use common::*;
use imap4::blocking::Client;
use imap4::proto::date::InternalDate;
use imap4::proto::encode::FetchAttr;
use imap4::proto::{Flag, Section, SequenceSet};

fn script(name: &str, args: &[&str]) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../scripts")
        .join(name);
    let st = Command::new(path).args(args).status().unwrap();
    assert!(st.success(), "scripts/{name} {args:?}");
}

fn connect(port: &str, user: &str, pass: &str) -> Client {
    let mut c = Client::connect(("127.0.0.1", port.parse::<u16>().unwrap())).unwrap();
    c.allow_plaintext_login(true);
    c.login(user, pass).unwrap();
    c
}

fn add(c: &mut Client, mb: &str, id: &str, body: &str, flags: &[Flag], secs: i64) {
    let m = format!(
        "From: a@example.com\r\nSubject: {id}\r\nMessage-ID: <{id}@round.trip>\r\n\r\n{body}\r\n"
    );
    let d = InternalDate::from_unix(secs, 60).unwrap();
    c.append(mb, m.into_bytes(), flags.iter().cloned(), Some(d))
        .unwrap();
}

type Box_ = BTreeMap<String, (Vec<u8>, Vec<String>, i64)>;

/// Every selectable mailbox (with its special-use role, if any) and its messages by
/// Message-ID.
fn account(c: &mut Client) -> BTreeMap<String, (Option<String>, Box_)> {
    let mut out = BTreeMap::new();
    for l in c.list("", "*").unwrap() {
        if l.has(&imap4::proto::MailboxAttr::NoSelect) {
            continue;
        }
        let name = l.mailbox.name().to_string();
        let role = l.special_use().map(|a| a.as_str().to_lowercase());
        let st = c.examine(&name).unwrap();
        let mut msgs = BTreeMap::new();
        if st.exists > 0 {
            let attrs = [
                FetchAttr::Flags,
                FetchAttr::InternalDate,
                FetchAttr::body_peek(Section::default()),
            ];
            for f in c
                .fetch(&SequenceSet::parse(b"1:*").unwrap(), attrs)
                .unwrap()
            {
                let f = f.unwrap();
                let body = f.body().unwrap().to_vec();
                let id = String::from_utf8_lossy(
                    imap4::mime::Headers::parse(&body)
                        .get("Message-ID")
                        .unwrap(),
                )
                .to_string();
                let mut fl: Vec<String> = f
                    .flags()
                    .unwrap()
                    .iter()
                    .filter(|f| **f != Flag::Recent)
                    .map(|f| f.to_string().to_lowercase())
                    .collect();
                fl.sort();
                let old = msgs.insert(id, (body, fl, f.internal_date().unwrap().to_unix()));
                assert!(old.is_none(), "{name}: a message twice");
            }
        }
        out.insert(name, (role, msgs));
    }
    out
}

fn migrate(config: &std::path::Path, src: &str, dst: &str) -> Vec<serde_json::Value> {
    let mut c = Command::new(bin());
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DC_PASS", env("IMAP4_PASS16"))
        .env("CY_PASS", env("IMAP4_CYRUS_PASS10"))
        .env("DC2_PASS", env("IMAP4_PASS19"))
        .args([
            "--config",
            config.to_str().unwrap(),
            "--json",
            "migrate",
            src,
            dst,
        ])
        .arg("--state")
        .arg(config.with_file_name(format!("{src}-{dst}.json")));
    let r = Run::of(&mut c).ok();
    r.json()
}

#[test]
#[ignore = "needs the Dovecot and Cyrus from scripts/dovecot and scripts/cyrus (run scripts/test)"]
fn dovecot_to_cyrus_and_back() {
    let (dport, cport) = (env("IMAP4_PORT"), env("IMAP4_CYRUS_PORT"));
    script("dovecot", &["reset", &env("IMAP4_USER16")]);
    script("dovecot", &["reset", &env("IMAP4_USER19")]);
    script("cyrus", &["reset", &env("IMAP4_CYRUS_USER10")]);
    let mut a = connect(&dport, &env("IMAP4_USER16"), &env("IMAP4_PASS16"));
    for mb in ["Projects", "Projects/2024", "Projects/Ünïcode", "Big"] {
        a.create(mb).unwrap();
    }
    add(
        &mut a,
        "INBOX",
        "in1",
        "hello",
        &[Flag::Seen],
        1_600_000_000,
    );
    add(
        &mut a,
        "INBOX",
        "in2",
        "keyword",
        &[Flag::Flagged, Flag::parse(b"$Label1")],
        1_600_000_060,
    );
    add(
        &mut a,
        "Sent",
        "sent1",
        "sent",
        &[Flag::Seen, Flag::Answered],
        1_600_000_120,
    );
    add(&mut a, "Projects", "p0", "top", &[], 1_500_000_000);
    add(
        &mut a,
        "Projects/2024",
        "p1",
        "one",
        &[Flag::Draft],
        1_500_000_060,
    );
    add(
        &mut a,
        "Projects/2024",
        "p2",
        "two",
        &[Flag::parse(b"Work")],
        1_500_000_120,
    );
    add(
        &mut a,
        "Projects/Ünïcode",
        "u1",
        "ü in the name only",
        &[],
        1_500_000_180,
    );
    let big =
        "20 MB of text, line after line, to be streamed and uploaded\r\n".repeat(20 << 20 >> 6);
    add(&mut a, "Big", "big", &big, &[], 1_400_000_000);
    let before = account(&mut a);

    let dir = temp_dir("migrate-cy");
    let cfg = dir.join("config.toml");
    let ca = env("IMAP4_CA");
    let cca = env("IMAP4_CYRUS_CA");
    write(
        &cfg,
        format!(
            "[accounts.dc]\nhost = \"127.0.0.1\"\nport = {dport}\ntls = \"starttls\"\nca_file = \"{ca}\"\nuser = \"{}\"\npassword_env = \"DC_PASS\"\n\n\
             [accounts.cy]\nhost = \"127.0.0.1\"\nport = {cport}\ntls = \"starttls\"\nca_file = \"{cca}\"\nuser = \"{}\"\npassword_env = \"CY_PASS\"\n\n\
             [accounts.dc2]\nhost = \"127.0.0.1\"\nport = {dport}\ntls = \"starttls\"\nca_file = \"{ca}\"\nuser = \"{}\"\npassword_env = \"DC2_PASS\"\n",
            env("IMAP4_USER16"),
            env("IMAP4_CYRUS_USER10"),
            env("IMAP4_USER19")
        )
        .as_bytes(),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).unwrap();
    }

    // Dovecot → Cyrus.
    let rows = migrate(&cfg, "dc", "cy");
    let dest: BTreeMap<String, String> = rows
        .iter()
        .map(|r| {
            assert_eq!(r["status"], "ok", "{r}");
            (
                r["source"].as_str().unwrap().to_string(),
                r["dest"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(dest["INBOX"], "INBOX");
    assert_eq!(dest["Sent"], "INBOX.Sent", "by its \\Sent role");
    assert_eq!(dest["Trash"], "INBOX.Trash");
    assert_eq!(dest["Projects/2024"], "INBOX.Projects.2024");
    assert_eq!(dest["Projects/Ünïcode"], "INBOX.Projects.Ünïcode");
    let mut cy = connect(
        &cport,
        &env("IMAP4_CYRUS_USER10"),
        &env("IMAP4_CYRUS_PASS10"),
    );
    let there = account(&mut cy);
    for (src, dst) in &dest {
        assert_eq!(there[dst].1, before[src].1, "{src} -> {dst}");
    }
    // A rerun copies nothing.
    for r in migrate(&cfg, "dc", "cy") {
        assert_eq!(r["copied"], 0, "{r}");
    }

    // And back, to another Dovecot account.
    let rows = migrate(&cfg, "cy", "dc2");
    for r in &rows {
        assert_eq!(r["status"], "ok", "{r}");
    }
    let mut b = connect(&dport, &env("IMAP4_USER19"), &env("IMAP4_PASS19"));
    let after = account(&mut b);
    assert_eq!(after, before, "the round trip");
    let _ = std::fs::remove_dir_all(&dir);
}

fn csv_run(args: &[&str], envs: &[(&str, String)]) -> Run {
    let mut c = Command::new(bin());
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("imap4-cli-no-config"),
        );
    for (k, v) in envs {
        c.env(k, v);
    }
    c.args(args);
    Run::of(&mut c)
}

#[test]
#[ignore = "needs the Dovecot and Cyrus from scripts/dovecot and scripts/cyrus (run scripts/test)"]
fn many_accounts_from_a_csv_in_shards() {
    let (dport, cport) = (env("IMAP4_PORT"), env("IMAP4_CYRUS_PORT"));
    let (ivan, judy) = (env("IMAP4_CYRUS_USER11"), env("IMAP4_CYRUS_USER12"));
    let (trent, ursula) = (env("IMAP4_USER20"), env("IMAP4_USER21"));
    script("cyrus", &["reset", &ivan]);
    script("cyrus", &["reset", &judy]);
    script("dovecot", &["reset", &trent]);
    script("dovecot", &["reset", &ursula]);
    let mut i = connect(&cport, &ivan, &env("IMAP4_CYRUS_PASS11"));
    add(&mut i, "INBOX", "iv1", "a", &[], 1_600_000_000);
    add(&mut i, "INBOX", "iv2", "b", &[Flag::Seen], 1_600_000_001);
    let mut j = connect(&cport, &judy, &env("IMAP4_CYRUS_PASS12"));
    j.create("INBOX.Work").unwrap();
    for n in 0..3 {
        add(
            &mut j,
            "INBOX.Work",
            &format!("jw{n}"),
            "w",
            &[],
            1_600_000_100 + n,
        );
    }
    let dir = temp_dir("migrate-csv");
    let csv = dir.join("pairs.csv");
    let cca = env("IMAP4_CYRUS_CA");
    write(
        &csv,
        format!(
            "name,src_host,src_port,src_tls,src_ca_file,src_user,src_secret,dst_host,dst_port,dst_tls,dst_user,dst_secret\n\
             ivan,127.0.0.1,{cport},starttls,{cca},{ivan},env:P_IVAN,127.0.0.1,{dport},none,{trent},env:P_TRENT\n\
             \"judy\",127.0.0.1,{cport},starttls,{cca},{judy},\"cmd:printf %s \"\"$P_JUDY\"\"\",127.0.0.1,{dport},none,{ursula},env:P_URSULA\n"
        )
        .as_bytes(),
    );
    let envs = [
        ("P_IVAN", env("IMAP4_CYRUS_PASS11")),
        ("P_JUDY", env("IMAP4_CYRUS_PASS12")),
        ("P_TRENT", env("IMAP4_PASS20")),
        ("P_URSULA", env("IMAP4_PASS21")),
    ];
    let state = dir.join("states");
    let base = |shard: Option<&str>| {
        let mut v = vec![
            "--json".to_string(),
            "migrate".into(),
            "--accounts".into(),
            csv.to_str().unwrap().into(),
            "--state-dir".into(),
            state.to_str().unwrap().into(),
        ];
        if let Some(s) = shard {
            v.push("--shard".into());
            v.push(s.into());
        }
        v
    };
    let run = |shard| {
        let a = base(shard);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        csv_run(&a, &envs).ok().json()
    };
    // Shard 0 of 2: the first row only.
    let rows = run(Some("0/2"));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0]["account"].as_str(), rows[0]["status"].as_str()),
        (Some("ivan"), Some("ok"))
    );
    assert_eq!(rows[0]["copied"], 2);
    assert!(state.join("ivan.json").is_file());
    let mut t = connect(&dport, &trent, &env("IMAP4_PASS20"));
    assert_eq!(account(&mut t)["INBOX"].1, account(&mut i)["INBOX"].1);
    let mut u = connect(&dport, &ursula, &env("IMAP4_PASS21"));
    assert!(account(&mut u)["INBOX"].1.is_empty(), "not this shard's");
    // Shard 1 of 2: the second.
    let rows = run(Some("1/2"));
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0]["account"].as_str(), rows[0]["copied"].as_u64()),
        (Some("judy"), Some(3))
    );
    assert_eq!(account(&mut u)["Work"].1, account(&mut j)["INBOX.Work"].1);
    // All at once: nothing left to copy.
    let rows = run(None);
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter().all(|r| r["copied"] == 0 && r["status"] == "ok"),
        "{rows:?}"
    );

    // Bad files: refused before connecting, with the line, never echoing a secret.
    let bad = dir.join("bad.csv");
    let refuse = |text: &str, want: &str| {
        write(&bad, text.as_bytes());
        let r = csv_run(&["migrate", "--accounts", bad.to_str().unwrap()], &envs).code(2);
        assert!(r.stderr.contains(want), "{}", r.stderr);
        r
    };
    let r = refuse(
        "name,src_host,src_user,src_secret,dst_host,dst_user,dst_secret\nx,h,u,hunter2,h2,u2,env:X\n",
        "must be a reference",
    );
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);
    refuse(
        "name,src_host,src_user,src_secret,dst_host,dst_user,dst_secret,colour\n",
        "unknown column",
    );
    refuse("name,src_host\n", "no column");
    refuse(
        "name,src_host,src_user,src_secret,dst_host,dst_user,dst_secret\na,h,u,env:A,h2,u2,env:B\na,h,u,env:A,h3,u3,env:B\n",
        "used twice",
    );
    let r = csv_run(
        &[
            "migrate",
            "--accounts",
            csv.to_str().unwrap(),
            "--shard",
            "2/2",
        ],
        &envs,
    )
    .code(2);
    assert!(r.stderr.contains("K must be"), "{}", r.stderr);

    // backup --accounts: each account's tree below DIR/NAME.
    let bcsv = dir.join("backup.csv");
    write(
        &bcsv,
        format!("name,host,port,tls,user,secret\ntrent,127.0.0.1,{dport},none,{trent},env:P_TRENT\nursula,127.0.0.1,{dport},none,{ursula},env:P_URSULA\n").as_bytes(),
    );
    let out = dir.join("backups");
    let r = csv_run(
        &[
            "--json",
            "backup",
            "--accounts",
            bcsv.to_str().unwrap(),
            "--to",
            out.to_str().unwrap(),
            "--jobs",
            "2",
        ],
        &envs,
    )
    .ok();
    let rows = r.json();
    assert_eq!(rows.len(), 2);
    let by: BTreeMap<&str, &serde_json::Value> = rows
        .iter()
        .map(|r| (r["account"].as_str().unwrap(), r))
        .collect();
    assert_eq!(
        (
            by["trent"]["status"].as_str(),
            by["trent"]["fetched"].as_u64()
        ),
        (Some("ok"), Some(2))
    );
    assert_eq!(by["ursula"]["fetched"], 3);
    assert!(out.join("trent/.imap4-backup.json").is_file());
    assert_eq!(
        std::fs::read_dir(out.join("ursula/Work/cur"))
            .unwrap()
            .count(),
        3
    );
    let _ = std::fs::remove_dir_all(&dir);
}
