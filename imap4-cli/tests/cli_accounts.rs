//! Accounts, secrets and the bad inputs around them: config files (good, broken, readable
//! by others), password_command / password_env / oauth2_token_command, `config check`,
//! wrong passwords, unreachable hosts, plaintext refused off loopback, and secrets kept out
//! of every output and `-vv` trace. Live tests (ignored by default) use judy
//! (IMAP4_USER12) and, for OAuth, alice's token (read-only use of her INBOX).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// `imap4 --config FILE ARGS...` with an otherwise empty environment.
fn with_config(config: &Path, args: &[&str]) -> Run {
    let mut c = Command::new(bin());
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .arg("--config")
        .arg(config)
        .args(args);
    Run::of(&mut c)
}

fn config_file(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("config.toml");
    write(&p, text.as_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    p
}

fn account(name: &str, secret_line: &str) -> String {
    format!(
        "[accounts.{name}]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"starttls\"\n\
         user = \"{}\"\nca_file = \"{}\"\n{secret_line}\n",
        env("IMAP4_PORT"),
        env("IMAP4_USER12"),
        env("IMAP4_CA"),
    )
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn config_accounts_and_check() {
    let dir = temp_dir("config");
    let pass = env("IMAP4_PASS12");
    let text = format!(
        "default = \"cmd\"\n{}{}",
        account("cmd", &format!("password_command = \"printf %s {pass}\"")),
        account("envvar", "password_env = \"JUDY_SECRET\""),
    );
    let cfg = config_file(&dir, &text);

    // The default account, secret from a command; config check reports what it uses.
    let r = with_config(&cfg, &["config", "check"]).ok();
    assert!(
        r.stdout.contains("TLSv1.3") || r.stdout.contains("TLSv1.2"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("IMAP4rev1"), "{}", r.stdout);
    assert!(!r.stdout.contains(&pass) && !r.stderr.contains(&pass));
    let r = with_config(&cfg, &["--json", "config", "check"]).ok();
    let j = &r.json()[0];
    assert_keys(
        j,
        &[
            "account",
            "host",
            "port",
            "tls",
            "tls_version",
            "cipher_suite",
            "user",
            "auth",
            "greeting",
            "server_id",
            "protocol",
            "capabilities",
        ],
    );
    assert_eq!(j["account"], "cmd");
    assert_eq!(j["tls"], "starttls");
    assert!(j["auth"].as_str().unwrap().len() > 2);

    // --account picks the other; its variable is missing, then set.
    let r = with_config(&cfg, &["--account", "envvar", "status", "INBOX"]).code(1);
    assert!(r.stderr.contains("JUDY_SECRET"), "{}", r.stderr);
    let mut c = Command::new(bin());
    c.env_clear()
        .env("JUDY_SECRET", &pass)
        .arg("--config")
        .arg(&cfg)
        .args(["--account", "envvar", "--json", "status", "INBOX"]);
    let r = Run::of(&mut c).ok();
    assert!(r.json()[0]["messages"].is_u64());
    // An unknown account names the ones there are.
    let r = with_config(&cfg, &["--account", "nope", "ls"]).code(2);
    assert!(
        r.stderr.contains("cmd") && r.stderr.contains("envvar"),
        "{}",
        r.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn oauth2_token_command() {
    let dir = temp_dir("oauth");
    let token = env("IMAP4_OAUTH_TOKEN");
    let text = format!(
        "[accounts.oauth]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"starttls\"\nuser = \"{}\"\n\
         ca_file = \"{}\"\noauth2_token_command = \"cat {}\"\n",
        env("IMAP4_PORT"),
        env("IMAP4_USER"),
        env("IMAP4_CA"),
        dir.join("token").display(),
    );
    write(&dir.join("token"), token.as_bytes());
    let cfg = config_file(&dir, &text);
    let r = with_config(&cfg, &["-vv", "--json", "config", "check"]).ok();
    let auth = r.json()[0]["auth"].as_str().unwrap().to_string();
    assert!(auth == "XOAUTH2" || auth == "OAUTHBEARER", "{auth}");
    assert!(
        !r.stderr.contains(&token),
        "token in the trace:\n{}",
        r.stderr
    );
    // The command runs at each connection: a new (bad) token is picked up.
    write(&dir.join("token"), b"not-a-token");
    let r = with_config(&cfg, &["status", "INBOX"]).code(1);
    assert!(r.stderr.contains("login failed"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn bad_secrets_and_logins() {
    let u = User::n(12);
    // Wrong password: one actionable line with the server's response code.
    let mut bad = u.clone();
    bad.pass = "wrong-password-123".into();
    let r = bad.run(&["status", "INBOX"]).code(1);
    assert!(r.stderr.contains("login failed"), "{}", r.stderr);
    assert!(r.stderr.contains("AUTHENTICATIONFAILED"), "{}", r.stderr);
    assert!(r.stderr.contains("127.0.0.1"), "{}", r.stderr);
    assert!(!r.stderr.contains("wrong-password-123"), "{}", r.stderr);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);

    // -vv traces every line with the secrets redacted, for every mechanism.
    for mech in ["login", "plain", "scram-sha-256", "cram-md5"] {
        let r = u.run(&["-vv", "--auth", mech, "status", "INBOX"]).ok();
        assert!(
            r.stderr.contains("STATUS"),
            "{mech}: no trace:\n{}",
            r.stderr
        );
        let pass = &u.pass;
        let plain_b64 = base64(format!("\0{}\0{pass}", u.name).as_bytes());
        for secret in [pass.as_str(), plain_b64.as_str()] {
            assert!(
                !r.stderr.contains(secret),
                "{mech}: secret in trace:\n{}",
                r.stderr
            );
            assert!(!r.stdout.contains(secret));
        }
    }

    // A password_command that fails: its status, not its output, and the setting to fix.
    let dir = temp_dir("badcmd");
    let cfg = config_file(
        &dir,
        &account("x", "password_command = \"echo hunter2-leak; exit 7\""),
    );
    let r = with_config(&cfg, &["ls"]).code(1);
    assert!(r.stderr.contains("password_command"), "{}", r.stderr);
    assert!(r.stderr.contains('7'), "{}", r.stderr);
    assert!(!r.stderr.contains("hunter2-leak"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn broken_configs() {
    let dir = temp_dir("broken");
    // TOML syntax error: the file and the line.
    let cfg = config_file(&dir, "[accounts.a]\nhost = \"x\nport = 1\n");
    let r = with_config(&cfg, &["ls"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("config.toml"), "{}", r.stderr);
    assert!(r.stderr.contains("line 2"), "{}", r.stderr);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    // Unknown key, several secrets, a bad tls value: each named.
    let cfg = config_file(
        &dir,
        "[accounts.a]\nhost = \"x\"\npasword_command = \"y\"\n",
    );
    let r = with_config(&cfg, &["ls"]);
    assert!(r.stderr.contains("pasword_command"), "{}", r.stderr);
    let cfg = config_file(
        &dir,
        "[accounts.a]\nhost = \"x\"\npassword_command = \"y\"\npassword_env = \"Z\"\n",
    );
    let r = with_config(&cfg, &["ls"]);
    assert!(r.stderr.contains("password_env"), "{}", r.stderr);
    let cfg = config_file(&dir, "[accounts.a]\nhost = \"x\"\ntls = \"maybe\"\n");
    let r = with_config(&cfg, &["ls"]);
    assert!(r.stderr.contains("maybe"), "{}", r.stderr);
    // A file that does not exist.
    let r = with_config(&dir.join("missing.toml"), &["ls"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("missing.toml"), "{}", r.stderr);

    // A config readable by others gets a warning (and still works up to the connection).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let cfg = config_file(
            &dir,
            "[accounts.a]\nhost = \"127.0.0.1\"\nport = 1\ntls = \"none\"\nuser = \"u\"\npassword_env = \"NOPE\"\n",
        );
        std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o644)).unwrap();
        let r = with_config(&cfg, &["ls"]);
        assert!(r.stderr.contains("readable by others"), "{}", r.stderr);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refused_before_connecting() {
    let run = |args: &[&str], pass: Option<&str>| {
        let mut c = Command::new(bin());
        c.env_clear();
        if let Some(p) = pass {
            c.env("IMAP4_PASSWORD", p);
        }
        c.args(args);
        Run::of(&mut c)
    };
    // Plaintext to a host that is not loopback: refused without --insecure.
    let r = run(
        &[
            "--host",
            "mail.example.com",
            "--user",
            "u",
            "--tls",
            "none",
            "ls",
        ],
        Some("pw"),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--insecure"), "{}", r.stderr);
    // No password anywhere.
    let r = run(&["--host", "127.0.0.1", "--user", "u", "ls"], None);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("IMAP4_PASSWORD"), "{}", r.stderr);
    // A password given as a flag value does not exist as an option.
    let r = run(
        &[
            "--host",
            "127.0.0.1",
            "--user",
            "u",
            "--password",
            "pw",
            "ls",
        ],
        None,
    );
    assert_eq!(r.code, 2);
    // Unreachable: a closed port on loopback fails fast with the address.
    let r = run(
        &[
            "--host",
            "127.0.0.1",
            "--port",
            "1",
            "--user",
            "u",
            "--tls",
            "none",
            "ls",
        ],
        Some("pw"),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("127.0.0.1:1"), "{}", r.stderr);
    assert!(!r.stderr.contains("pw\n"));
    // An unresolvable host name.
    let r = run(
        &["--host", "no-such-host.invalid", "--user", "u", "ls"],
        Some("pw"),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("no-such-host.invalid"), "{}", r.stderr);
}

/// A server that accepts the connection and then says nothing: `--timeout` ends the run
/// with an error naming the timeout, instead of waiting for ever.
#[test]
fn a_silent_server_times_out() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let held = std::thread::spawn(move || {
        // Keep the accepted socket open (and silent) until the client gives up.
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 64];
        let _ = std::io::Read::read(&mut s, &mut buf);
    });
    let start = std::time::Instant::now();
    let mut c = Command::new(bin());
    c.env_clear().env("IMAP4_PASSWORD", "pw").args([
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--tls",
        "none",
        "--user",
        "u",
        "--timeout",
        "1",
        "capabilities",
    ]);
    let r = Run::of(&mut c);
    let took = start.elapsed();
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("no answer from the server for 1 s"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("pw"), "{}", r.stderr);
    // Generous: the point is that it ends, not how fast (2-core machines).
    assert!(took < std::time::Duration::from_secs(30), "took {took:?}");
    held.join().unwrap();
}
