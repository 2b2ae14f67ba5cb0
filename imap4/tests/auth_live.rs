//! Authentication with the blocking client: every SASL mechanism against the local Dovecot
//! (`scripts/dovecot`; the ignored tests, run by `scripts/test`), with and without
//! SASL-IR, refused credentials, non-ASCII LOGIN, credentials kept out of errors and
//! traces; and the faults Dovecot will not produce (a SCRAM server that cannot prove it
//! knows the password, PROXYAUTH) against scripted fake servers (always run).
//!
//! Users: alice, bob and jürgen only log in and out here. The tracing test also writes a
//! message into a mailbox of its own of grace (the user of `admin_live.rs`).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

use imap4::blocking::Client;
use imap4::proto::encode::{self, base64_decode, base64_encode, FetchAttr};
use imap4::proto::sasl::{Authenticator, CramMd5, Login, OAuthBearer, Plain, Scram};
use imap4::proto::{Code, ConnState, Rfc5530Code, Section, SequenceSet};
use imap4::transport::{ConnectOptions, TlsConfig, Transport};
use imap4::{Abort, Error};

const NEEDS: &str = "needs the Dovecot from scripts/dovecot (run scripts/test)";

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} not set: eval \"$(scripts/dovecot env)\""))
}

/// A plain-TCP connection to Dovecot that may send credentials (loopback).
fn connect() -> Client<Transport> {
    let port = env("IMAP4_PORT").parse().unwrap();
    let mut c =
        Client::connect_plain(&env("IMAP4_HOST"), port, &ConnectOptions::default()).unwrap();
    c.allow_plaintext_login(true);
    c
}

fn connect_tls() -> Client<Transport> {
    let port = env("IMAP4_TLS_PORT").parse().unwrap();
    let tls = TlsConfig::with_ca_file(env("IMAP4_CA")).unwrap();
    Client::connect_tls(&env("IMAP4_HOST"), port, &tls).unwrap()
}

fn has_cap<S: imap4::blocking::Stream>(c: &mut Client<S>, name: &str) -> bool {
    c.capabilities().unwrap().iter().any(|x| x.is(name))
}

/// Checks the session is logged in, with the post-login capabilities (not the
/// pre-login ones), and that the server agrees (a command needing login works).
fn assert_logged_in(c: &mut Client<Transport>, what: &str) {
    assert_eq!(c.state(), ConnState::Authenticated, "{what}");
    assert!(has_cap(c, "ACL"), "{what}: post-login capabilities");
    assert!(
        !has_cap(c, "AUTH=PLAIN"),
        "{what}: pre-login capabilities kept"
    );
    c.run(&encode::Namespace)
        .unwrap_or_else(|e| panic!("{what}: NAMESPACE after login: {e}"));
}

fn password_mechanisms(user: &str, pass: &str) -> Vec<Box<dyn Authenticator>> {
    vec![
        Box::new(Plain::new(user, pass).unwrap()),
        Box::new(Login::new(user, pass)),
        Box::new(CramMd5::new(user, pass)),
        Box::new(Scram::sha1(user, pass).unwrap()),
        Box::new(Scram::sha256(user, pass).unwrap()),
    ]
}

fn is_auth_failed(e: &Error) -> bool {
    matches!(
        e,
        Error::No {
            code: Some(Code::Rfc5530(Rfc5530Code::AuthenticationFailed)),
            ..
        }
    )
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn every_password_mechanism_with_and_without_sasl_ir() {
    let _ = NEEDS;
    let (user, pass) = (env("IMAP4_USER"), env("IMAP4_PASS"));
    for ir in [true, false] {
        for mut m in password_mechanisms(&user, &pass) {
            let what = format!("{} SASL-IR {ir}", m.mechanism());
            let mut c = connect();
            assert!(has_cap(&mut c, "SASL-IR"));
            c.set_sasl_ir(ir);
            c.authenticate(&mut m)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_logged_in(&mut c, &what);
            c.logout().unwrap();
        }
    }
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn oauth_mechanisms_with_and_without_sasl_ir() {
    let (user, token) = (env("IMAP4_USER"), env("IMAP4_OAUTH_TOKEN"));
    for ir in [true, false] {
        let mut c = connect();
        c.set_sasl_ir(ir);
        c.login_xoauth2(&user, &token).unwrap();
        assert_logged_in(&mut c, "XOAUTH2");
        c.logout().unwrap();

        let mut c = connect();
        c.set_sasl_ir(ir);
        c.login_oauthbearer(&user, &token).unwrap();
        assert_logged_in(&mut c, "OAUTHBEARER");
        c.logout().unwrap();

        // With the optional host and port of RFC 7628.
        let mut c = connect();
        c.set_sasl_ir(ir);
        let mut m = OAuthBearer::new(&user, &token)
            .unwrap()
            .with_host(&env("IMAP4_HOST"))
            .unwrap()
            .with_port(env("IMAP4_PORT").parse().unwrap());
        c.authenticate(&mut m).unwrap();
        assert_logged_in(&mut c, "OAUTHBEARER host/port");
        c.logout().unwrap();
    }
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn convenience_logins() {
    let (user, pass) = (env("IMAP4_USER2"), env("IMAP4_PASS2"));
    type Login = fn(&mut Client<Transport>, &str, &str) -> imap4::Result<()>;
    let ways: [(&str, Login); 4] = [
        ("login", Client::login),
        ("login_plain", Client::login_plain),
        ("login_cram_md5", Client::login_cram_md5),
        ("login_scram", Client::login_scram),
    ];
    for (what, f) in ways {
        let mut c = connect();
        f(&mut c, &user, &pass).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_logged_in(&mut c, what);
        c.logout().unwrap();
    }
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn non_ascii_user_and_password() {
    let (user, pass) = (env("IMAP4_USER_UTF8"), env("IMAP4_PASS_UTF8"));
    assert!(!user.is_ascii() && !pass.is_ascii());
    // LOGIN: the encoder sends both as literals.
    let mut c = connect();
    c.login(&user, &pass).unwrap();
    assert_logged_in(&mut c, "LOGIN jürgen");
    c.logout().unwrap();
    for ir in [true, false] {
        for mut m in password_mechanisms(&user, &pass) {
            let what = format!("{} SASL-IR {ir} jürgen", m.mechanism());
            if m.mechanism() == "CRAM-MD5" {
                continue; // covered by the ASCII users; Dovecot hashes the raw bytes
            }
            let mut c = connect();
            c.set_sasl_ir(ir);
            c.authenticate(&mut m)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_logged_in(&mut c, &what);
            c.logout().unwrap();
        }
    }
    // A wrong non-ASCII password is refused like any other.
    let mut c = connect();
    let e = c.login(&user, "pässwört").unwrap_err();
    assert!(is_auth_failed(&e), "{e:?}");
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn wrong_password_is_no_authenticationfailed_and_the_connection_stays_usable() {
    let (user, pass) = (env("IMAP4_USER"), env("IMAP4_PASS"));
    let wrong = "wrong-Secret-4711";
    for ir in [true, false] {
        for (mut bad, mut good) in password_mechanisms(&user, wrong)
            .into_iter()
            .zip(password_mechanisms(&user, &pass))
        {
            let what = format!("{} SASL-IR {ir}", bad.mechanism());
            let mut c = connect();
            c.set_sasl_ir(ir);
            let e = c.authenticate(&mut bad).unwrap_err();
            assert!(is_auth_failed(&e), "{what}: {e:?}");
            for shown in [e.to_string(), format!("{e:?}")] {
                assert!(!shown.contains(wrong), "{what}: {shown}");
            }
            assert_eq!(c.state(), ConnState::NotAuthenticated, "{what}");
            assert!(!c.is_broken(), "{what}");
            // Same connection, right password.
            c.authenticate(&mut good)
                .unwrap_or_else(|e| panic!("{what}, second attempt: {e}"));
            assert_logged_in(&mut c, &what);
            c.logout().unwrap();
        }
    }
    // LOGIN too.
    let mut c = connect();
    let e = c.login(&user, wrong).unwrap_err();
    assert!(is_auth_failed(&e), "{e:?}");
    assert!(!e.to_string().contains(wrong) && !format!("{e:?}").contains(wrong));
    c.login(&user, &pass).unwrap();
    assert_logged_in(&mut c, "LOGIN after a failed LOGIN");
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn wrong_token_is_refused_and_a_good_one_then_works() {
    let (user, token) = (env("IMAP4_USER"), env("IMAP4_OAUTH_TOKEN"));
    // A token for the right user, with its signature altered (well inside it: the last
    // base64 character also holds padding bits a decoder may ignore).
    let i = token.len() - 10;
    let flipped = if &token[i..=i] == "A" { "B" } else { "A" };
    let bad_token = format!("{}{flipped}{}", &token[..i], &token[i + 1..]);
    for ir in [true, false] {
        let mut c = connect();
        c.set_sasl_ir(ir);
        let e = c.login_xoauth2(&user, &bad_token).unwrap_err();
        assert!(matches!(e, Error::No { .. }), "{e:?}");
        let e2 = c.login_oauthbearer(&user, &bad_token).unwrap_err();
        assert!(matches!(e2, Error::No { .. }), "{e2:?}");
        for shown in [
            e.to_string(),
            format!("{e:?}"),
            e2.to_string(),
            format!("{e2:?}"),
        ] {
            assert!(!shown.contains(&bad_token[..20]), "{shown}");
        }
        assert_eq!(c.state(), ConnState::NotAuthenticated);
        c.login_xoauth2(&user, &token).unwrap();
        assert_logged_in(&mut c, "XOAUTH2 after a refused token");
    }
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn credentials_need_tls_unless_allowed() {
    let (user, pass) = (env("IMAP4_USER"), env("IMAP4_PASS"));
    let port = env("IMAP4_PORT").parse().unwrap();
    let mut c =
        Client::connect_plain(&env("IMAP4_HOST"), port, &ConnectOptions::default()).unwrap();
    assert!(!c.is_secure());
    let e = c
        .authenticate(&mut Plain::new(&user, &pass).unwrap())
        .unwrap_err();
    assert!(matches!(e, Error::PlaintextLogin), "{e:?}");
    assert!(matches!(
        c.login_scram(&user, &pass),
        Err(Error::PlaintextLogin)
    ));
    assert!(matches!(c.login(&user, &pass), Err(Error::PlaintextLogin)));
    assert_eq!(c.state(), ConnState::NotAuthenticated);
    // Nothing was sent: the connection is still fine.
    c.noop().unwrap();
    c.allow_plaintext_login(true);
    c.login_scram(&user, &pass).unwrap();
    assert_logged_in(&mut c, "after allow_plaintext_login");

    // Over TLS no permission is needed.
    let mut c = connect_tls();
    assert!(c.is_secure());
    c.authenticate(&mut Scram::sha256(&user, &pass).unwrap())
        .unwrap();
    assert_logged_in(&mut c, "SCRAM over TLS");
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn proxyauth_on_dovecot_is_a_typed_error() {
    let mut c = connect();
    c.login(&env("IMAP4_USER"), &env("IMAP4_PASS")).unwrap();
    let e = c.proxy_auth(&env("IMAP4_USER2")).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Bad {
                command: "PROXYAUTH",
                ..
            }
        ),
        "{e:?}"
    );
    c.noop().unwrap();
}

// --- tracing ------------------------------------------------------------------------------

#[derive(Clone)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn traces_show_the_wire_but_never_credentials_or_literal_contents() {
    let buf = Buf(Arc::new(Mutex::new(Vec::new())));
    let w = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || w.clone())
        .finish();
    let (user, pass) = (env("IMAP4_USER"), env("IMAP4_PASS"));
    let (user2, pass2) = (env("IMAP4_USER2"), env("IMAP4_PASS2"));
    let token = env("IMAP4_OAUTH_TOKEN");
    let wrong = "wrong-Secret-0815";
    let marker = "BODY-MARKER-do-not-log-this-text";
    let mut errors = Vec::new();
    let body_len = tracing::subscriber::with_default(subscriber, || {
        // Other tests of this binary run on other threads without a subscriber: a callsite
        // they hit first is cached as uninteresting everywhere. Ask again under ours.
        tracing::callsite::rebuild_interest_cache();
        // The tracer decides at construction: every client is created in here.
        let mut c = connect();
        c.login(&user, &pass).unwrap();
        c.logout().unwrap();
        for ir in [true, false] {
            let mut c = connect();
            c.set_sasl_ir(ir);
            c.login_plain(&user, &pass).unwrap();
            c.logout().unwrap();
            let mut c = connect();
            c.set_sasl_ir(ir);
            c.login_xoauth2(&user, &token).unwrap();
            c.logout().unwrap();
            let mut c = connect();
            c.set_sasl_ir(ir);
            c.login_oauthbearer(&user, &token).unwrap();
            c.logout().unwrap();
        }
        let mut c = connect();
        c.login_scram(&user2, &pass2).unwrap();
        c.logout().unwrap();
        let mut c = connect();
        c.login_cram_md5(&user2, &pass2).unwrap();
        c.logout().unwrap();
        let mut c = connect();
        errors.push(c.login_plain(&user, wrong).unwrap_err());
        errors.push(c.login(&user, wrong).unwrap_err());
        errors.push(c.authenticate(&mut Login::new(&user, wrong)).unwrap_err());

        // A message body travels as a literal both ways (grace, own mailbox).
        let mut c = connect();
        c.login(&env("IMAP4_USER9"), &env("IMAP4_PASS9")).unwrap();
        let mbox = "auth-trace";
        let _ = c.run(&encode::Delete::new(mbox));
        c.run(&encode::Create::new(mbox)).unwrap();
        let msg = format!(
            "From: a@example.com\r\nSubject: trace\r\n\r\n{marker}\r\n{}\r\n",
            "x".repeat(300)
        );
        c.run(&encode::Append::new(
            mbox,
            encode::AppendMessage::new(msg.clone().into_bytes()),
        ))
        .unwrap();
        c.select(mbox).unwrap();
        let got = c
            .fetch(
                &SequenceSet::parse(b"1").unwrap(),
                [FetchAttr::body_peek(Section::default())],
            )
            .unwrap()
            .collect_all()
            .unwrap();
        assert_eq!(got.len(), 1);
        let body = got[0].body().expect("BODY[]");
        assert_eq!(&body[..], msg.as_bytes());
        c.run(&encode::Close).unwrap();
        c.run(&encode::Delete::new(mbox)).unwrap();
        c.logout().unwrap();
        msg.len()
    });
    let log = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();

    // The wire is there ...
    assert!(log.contains("C: "), "{log}");
    assert!(log.contains("S: * OK"), "{log}");
    assert!(log.contains("LOGOUT"), "{log}");
    assert!(log.contains("credentials redacted"), "{log}");
    // ... without a secret in any form.
    let plain_ir = base64_encode(format!("\0{user}\0{pass}").as_bytes());
    let xoauth = base64_encode(format!("user={user}\x01auth=Bearer {token}\x01\x01").as_bytes());
    let secrets = [
        pass.as_str(),
        pass2.as_str(),
        wrong,
        token.as_str(),
        &token[token.len() - 20..],
        plain_ir.as_str(),
        &xoauth[..40],
        &base64_encode(pass.as_bytes()),
        &base64_encode(wrong.as_bytes()),
    ];
    for s in secrets {
        assert!(!log.contains(s), "{s:?} in the trace:\n{log}");
    }
    for e in &errors {
        for shown in [e.to_string(), format!("{e:?}")] {
            assert!(!shown.contains(wrong), "{shown}");
        }
    }
    // Literal contents are summarized by size, sent (APPEND) and received (FETCH).
    let summary = format!("[literal: {body_len} bytes]");
    assert!(log.contains(&format!("C: {summary}")), "{log}");
    assert!(log.contains(&format!("S: {summary}")), "{log}");
    assert!(!log.contains(marker), "{log}");
    assert!(!log.contains(&"x".repeat(300)), "{log}");
}

// --- scripted servers ---------------------------------------------------------------------

/// One scripted connection.
struct Server {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl Server {
    /// Reads one line without CRLF.
    fn line(&mut self) -> String {
        let mut line = String::new();
        self.r.read_line(&mut line).unwrap();
        line.trim_end_matches(['\r', '\n']).to_string()
    }

    /// Reads a command line; returns (tag, rest).
    fn cmd(&mut self) -> (String, String) {
        let line = self.line();
        let (tag, rest) = line.split_once(' ').unwrap_or((&line, ""));
        (tag.to_string(), rest.to_string())
    }

    fn send(&mut self, s: &str) {
        self.w.write_all(s.as_bytes()).unwrap();
    }

    /// Reads a command, checks it starts with `start`, returns (tag, rest).
    fn expect(&mut self, start: &str) -> (String, String) {
        let (tag, rest) = self.cmd();
        assert!(rest.starts_with(start), "expected {start}, got {rest:?}");
        (tag, rest)
    }
}

fn fake(greeting: &str, script: impl FnOnce(Server) + Send + 'static) -> Client<TcpStream> {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let greeting = greeting.to_string();
    thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut srv = Server {
            r: BufReader::new(s.try_clone().unwrap()),
            w: s,
        };
        srv.send(&format!("{greeting}\r\n"));
        script(srv)
    });
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut c = Client::from_stream(s, false).unwrap();
    c.allow_plaintext_login(true);
    c
}

const SASL_GREETING: &str =
    "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=SCRAM-SHA-256] fake ready";

#[test]
fn sasl_ir_is_used_when_offered_and_can_be_turned_off() {
    let ir = base64_encode(b"\0alice\0pw");
    // Offered and on: inline; the OK carries the new capabilities.
    let want = ir.clone();
    let mut c = fake(SASL_GREETING, move |mut s| {
        let (t, rest) = s.expect("AUTHENTICATE PLAIN");
        assert_eq!(rest, format!("AUTHENTICATE PLAIN {want}"));
        s.send(&format!("{t} OK [CAPABILITY IMAP4rev1 ACL] in\r\n"));
        let (t, _) = s.expect("NOOP");
        s.send(&format!("{t} OK\r\n"));
    });
    c.login_plain("alice", "pw").unwrap();
    assert_eq!(c.state(), ConnState::Authenticated);
    assert!(has_cap(&mut c, "ACL") && !has_cap(&mut c, "AUTH=PLAIN"));
    c.noop().unwrap();

    // Offered but turned off: the response follows the empty challenge. The OK has no
    // capabilities, so they are asked for again.
    let want = ir.clone();
    let mut c = fake(SASL_GREETING, move |mut s| {
        let (t, rest) = s.expect("AUTHENTICATE PLAIN");
        assert_eq!(rest, "AUTHENTICATE PLAIN");
        s.send("+ \r\n");
        assert_eq!(s.line(), want);
        s.send(&format!("{t} OK in\r\n"));
        let (t, _) = s.expect("CAPABILITY");
        s.send(&format!("* CAPABILITY IMAP4rev1 ACL QUOTA\r\n{t} OK\r\n"));
    });
    c.set_sasl_ir(false);
    c.login_plain("alice", "pw").unwrap();
    assert!(has_cap(&mut c, "QUOTA") && !has_cap(&mut c, "AUTH=PLAIN"));

    // Not offered: never inline.
    let want = ir;
    let mut c = fake(
        "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake",
        move |mut s| {
            let (t, rest) = s.expect("AUTHENTICATE PLAIN");
            assert_eq!(rest, "AUTHENTICATE PLAIN");
            s.send("+\r\n");
            assert_eq!(s.line(), want);
            s.send(&format!("{t} OK in\r\n"));
        },
    );
    c.login_plain("alice", "pw").unwrap();
    assert_eq!(c.state(), ConnState::Authenticated);
}

#[test]
fn plaintext_refusal_sends_nothing() {
    let mut c = fake(SASL_GREETING, |mut s| {
        // The first thing the server hears is the NOOP.
        let (t, _) = s.expect("NOOP");
        s.send(&format!("{t} OK\r\n"));
    });
    c.allow_plaintext_login(false);
    assert!(matches!(
        c.login_plain("alice", "pw"),
        Err(Error::PlaintextLogin)
    ));
    assert!(matches!(
        c.login_cram_md5("alice", "pw"),
        Err(Error::PlaintextLogin)
    ));
    c.noop().unwrap();
}

/// A SCRAM-SHA-256 server that answers the client-first message properly and then runs
/// `last` on the client-final message (tag, server).
fn scram_server(last: impl FnOnce(String, &mut Server) + Send + 'static) -> Client<TcpStream> {
    fake(SASL_GREETING, move |mut s| {
        let (t, rest) = s.expect("AUTHENTICATE SCRAM-SHA-256 ");
        let first = base64_decode(rest.rsplit(' ').next().unwrap().as_bytes()).unwrap();
        let first = String::from_utf8(first).unwrap();
        let nonce = first.split("r=").nth(1).unwrap().to_string();
        let server_first = format!(
            "r={nonce}srvnonce,s={},i=4096",
            base64_encode(b"salt-of-sixteen!")
        );
        s.send(&format!("+ {}\r\n", base64_encode(server_first.as_bytes())));
        let _client_final = s.line();
        last(t, &mut s);
    })
}

#[test]
fn scram_wrong_server_signature_is_an_error_even_when_the_server_says_ok() {
    let mut c = scram_server(|t, s| {
        let v = format!("v={}", base64_encode(&[7u8; 32]));
        s.send(&format!("+ {}\r\n", base64_encode(v.as_bytes())));
        // The client gives up with `*` ...
        assert_eq!(s.line(), "*");
        // ... and an impostor lets it in anyway.
        s.send(&format!("{t} OK welcome\r\n"));
    });
    let e = c.login_scram("alice", "pw").unwrap_err();
    assert!(
        matches!(e, Error::Abort(imap4::Abort::ServerAuthentication(_))),
        "{e:?}"
    );
    assert!(e.to_string().contains("signature"), "{e}");
    assert!(c.is_broken());
    assert!(matches!(
        c.noop().unwrap_err(),
        Error::Abort(Abort::Unusable(_))
    ));
}

#[test]
fn scram_missing_server_signature_is_an_error() {
    let mut c = scram_server(|t, s| {
        // OK without the server-final message.
        s.send(&format!("{t} OK welcome\r\n"));
    });
    let e = c.login_scram("alice", "pw").unwrap_err();
    assert!(matches!(e, Error::Abort(_)), "{e:?}");
    assert!(e.to_string().contains("signature"), "{e}");
    assert!(c.is_broken());
}

#[test]
fn scram_server_error_cancels_with_star_and_the_connection_stays_usable() {
    let mut c = scram_server(|t, s| {
        s.send(&format!("+ {}\r\n", base64_encode(b"e=invalid-proof")));
        assert_eq!(s.line(), "*");
        s.send(&format!("{t} BAD Authentication aborted by client\r\n"));
        let (t, _) = s.expect("NOOP");
        s.send(&format!("{t} OK\r\n"));
    });
    let e = c.login_scram("alice", "pw").unwrap_err();
    match &e {
        Error::Bad { command, text, .. } => {
            assert_eq!(*command, "AUTHENTICATE");
            assert!(text.contains("invalid-proof"), "{text}");
            assert!(text.contains("aborted by client"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!c.is_broken());
    assert_eq!(c.state(), ConnState::NotAuthenticated);
    c.noop().unwrap();
}

#[test]
fn a_malformed_challenge_cancels_the_exchange() {
    let mut c = fake(SASL_GREETING, |mut s| {
        let (t, _) = s.expect("AUTHENTICATE CRAM-MD5");
        s.send("+ this is not base64!\r\n");
        assert_eq!(s.line(), "*");
        s.send(&format!("{t} NO [AUTHENTICATIONFAILED] cancelled\r\n"));
    });
    let e = c.login_cram_md5("alice", "pw").unwrap_err();
    assert!(is_auth_failed(&e), "{e:?}");
    assert!(e.to_string().contains("base64"), "{e}");
    assert!(!c.is_broken());
}

#[test]
fn proxyauth_against_a_scripted_server() {
    let mut c = fake("* PREAUTH [CAPABILITY IMAP4rev1] admin session", |mut s| {
        let (t, rest) = s.expect("PROXYAUTH");
        assert_eq!(rest, "PROXYAUTH alice");
        s.send(&format!("{t} OK proxied\r\n"));
        let (t, rest) = s.expect("PROXYAUTH");
        assert_eq!(rest, "PROXYAUTH \"bob smith\"");
        s.send(&format!("{t} NO [AUTHORIZATIONFAILED] not allowed\r\n"));
    });
    assert_eq!(c.state(), ConnState::Authenticated);
    c.proxy_auth("alice").unwrap();
    let e = c.proxy_auth("bob smith").unwrap_err();
    assert!(
        matches!(
            e,
            Error::No {
                command: "PROXYAUTH",
                code: Some(Code::Rfc5530(Rfc5530Code::AuthorizationFailed)),
                ..
            }
        ),
        "{e:?}"
    );
}
