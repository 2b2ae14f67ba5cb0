//! Transports against the local Dovecot (`scripts/dovecot`; the ignored tests, run by
//! `scripts/test`) and against tiny fake servers written here (always run).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use imap4::blocking::Client;
use imap4::proto::ConnState;
use imap4::transport::{rustls, tls_error, ConnectOptions, TlsConfig, Transport};
use imap4::Error;

const NEEDS: &str = "needs the Dovecot from scripts/dovecot (run scripts/test)";

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} not set: eval \"$(scripts/dovecot env)\""))
}

fn host() -> String {
    env("IMAP4_HOST")
}

fn port(name: &str) -> u16 {
    env(name).parse().expect("a port number")
}

fn ca() -> TlsConfig {
    TlsConfig::with_ca_file(env("IMAP4_CA")).expect("the test CA loads")
}

/// The I/O error kind somewhere in the error's source chain.
fn io_kind(e: &Error) -> Option<io::ErrorKind> {
    let mut s: &(dyn std::error::Error + 'static) = e;
    loop {
        if let Some(io) = s.downcast_ref::<io::Error>() {
            return Some(io.kind());
        }
        s = s.source()?;
    }
}

fn has_cap(client: &mut Client<Transport>, name: &str) -> bool {
    client
        .capabilities()
        .expect("CAPABILITY")
        .iter()
        .any(|c| c.is(name))
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn implicit_tls_login_select_with_custom_ca() {
    let _ = NEEDS;
    let mut c = Client::connect_tls(&host(), port("IMAP4_TLS_PORT"), &ca()).expect("TLS connect");
    assert!(c.transport().is_tls());
    assert!(c
        .transport()
        .tls_connection()
        .unwrap()
        .protocol_version()
        .is_some());
    c.login(&env("IMAP4_USER"), &env("IMAP4_PASS"))
        .expect("LOGIN over TLS is allowed without allow_plaintext_login");
    let inbox = c.select("INBOX").expect("SELECT");
    assert_eq!(inbox.name, "INBOX");
    assert_eq!(c.connection().state(), ConnState::Selected);
    c.logout().unwrap();
    c.shutdown().unwrap();
    c.shutdown().expect("twice is harmless");
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn starttls_login() {
    let mut c = Client::connect_starttls(&host(), port("IMAP4_PORT"), &ca()).expect("STARTTLS");
    assert!(c.transport().is_tls());
    // Capabilities were asked again after the handshake: no STARTTLS over TLS.
    assert!(!has_cap(&mut c, "STARTTLS"));
    assert!(has_cap(&mut c, "IMAP4rev1"));
    c.login(&env("IMAP4_USER2"), &env("IMAP4_PASS2"))
        .expect("LOGIN");
    c.select("INBOX").expect("SELECT");
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn starttls_twice_or_after_login_is_refused() {
    let mut c = Client::connect_starttls(&host(), port("IMAP4_PORT"), &ca()).unwrap();
    let e = c.starttls(&host(), &ca()).unwrap_err();
    assert!(matches!(e, Error::Unsupported(_)), "{e}");

    let opts = ConnectOptions::default();
    let mut c = Client::connect_plain(&host(), port("IMAP4_PORT"), &opts).unwrap();
    c.allow_plaintext_login(true);
    c.login(&env("IMAP4_USER"), &env("IMAP4_PASS")).unwrap();
    let e = c.starttls(&host(), &ca()).unwrap_err();
    assert!(
        matches!(
            e,
            Error::State {
                command: "STARTTLS",
                ..
            }
        ),
        "{e:?}"
    );
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn hostname_mismatch_is_a_tls_error() {
    let tls = ca().server_name("wrong.example");
    let e = Client::connect_tls("127.0.0.1", port("IMAP4_TLS_PORT"), &tls).unwrap_err();
    match tls_error(&e) {
        Some(rustls::Error::InvalidCertificate(
            rustls::CertificateError::NotValidForName
            | rustls::CertificateError::NotValidForNameContext { .. },
        )) => {}
        other => panic!("expected a name mismatch, got {other:?} from {e}"),
    }
    // The same over STARTTLS.
    let e = Client::connect_starttls("127.0.0.1", port("IMAP4_PORT"), &tls).unwrap_err();
    assert!(
        matches!(tls_error(&e), Some(rustls::Error::InvalidCertificate(_))),
        "{e}"
    );
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn untrusted_ca_is_a_tls_error() {
    // The bundled public roots do not include the test CA.
    let e = Client::connect_tls(&host(), port("IMAP4_TLS_PORT"), &TlsConfig::new()).unwrap_err();
    assert!(
        matches!(
            tls_error(&e),
            Some(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer
            ))
        ),
        "{e}"
    );
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn danger_mode_accepts_any_certificate_and_name() {
    let tls = TlsConfig::new()
        .danger_accept_invalid_certs()
        .server_name("wrong.example");
    let mut c = Client::connect_tls(&host(), port("IMAP4_TLS_PORT"), &tls).expect("danger mode");
    c.login(&env("IMAP4_USER"), &env("IMAP4_PASS")).unwrap();
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn client_certificate_loads_and_connects() {
    // Dovecot does not ask for one here; this checks the PEM loading and key check.
    let dir = env("IMAP4_DOVECOT_DIR");
    let tls = ca()
        .client_cert_files(
            format!("{dir}/ssl/server.pem"),
            format!("{dir}/ssl/server.key"),
        )
        .expect("cert and key load");
    let mut c = Client::connect_tls(&host(), port("IMAP4_TLS_PORT"), &tls).unwrap();
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn plaintext_login_refused_over_tcp_allowed_over_tls() {
    let opts = ConnectOptions::default();
    let mut c = Client::connect_plain(&host(), port("IMAP4_PORT"), &opts).unwrap();
    let e = c.login(&env("IMAP4_USER"), &env("IMAP4_PASS")).unwrap_err();
    assert!(matches!(e, Error::PlaintextLogin), "{e:?}");
    assert_eq!(c.connection().state(), ConnState::NotAuthenticated);
    c.logout().unwrap();

    let mut c = Client::connect_tls(&host(), port("IMAP4_TLS_PORT"), &ca()).unwrap();
    c.login(&env("IMAP4_USER"), &env("IMAP4_PASS")).unwrap();
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn spawn_preauth_command() {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &format!("exec {}", env("IMAP4_PREAUTH_CMD"))]);
    let mut c = Client::spawn(cmd, true).expect("spawned server greets");
    assert_eq!(c.connection().state(), ConnState::Authenticated);
    assert!(!c.transport().is_tls());
    assert!(c.transport().tcp_stream().is_none());
    let boxes = c.list("", "*").expect("LIST");
    assert!(boxes.iter().any(|b| b.mailbox.is_inbox()), "{boxes:?}");
    c.logout().unwrap();
    c.shutdown().unwrap();
    let status = c.transport_mut().child_mut().unwrap().try_wait().unwrap();
    assert!(status.is_some(), "the command was reaped by shutdown");
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn spawned_command_is_not_secure_unless_said() {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &format!("exec {}", env("IMAP4_PREAUTH_CMD"))]);
    let mut c = Client::spawn(cmd, false).unwrap();
    // Already authenticated, but a LOGIN attempt would be refused before reaching the wire.
    let e = c.login("x", "y").unwrap_err();
    assert!(matches!(e, Error::PlaintextLogin), "{e:?}");
    // Dropping without shutdown ends the child too.
    drop(c);
}

// ---- fake servers: no Dovecot needed -------------------------------------------------

/// Reads one line byte by byte (so nothing after it is consumed).
fn read_line(s: &mut impl Read) -> String {
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    while !line.ends_with(b"\n") {
        match s.read(&mut b) {
            Ok(1) => line.push(b[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&line).into_owned()
}

fn tag_of(line: &str) -> String {
    line.split(' ').next().unwrap_or("").to_string()
}

/// A one-connection server on 127.0.0.1:0 running `serve`.
fn fake_server(serve: impl FnOnce(TcpStream) + Send + 'static) -> (u16, thread::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        serve(s)
    });
    (port, h)
}

const INJECTION: &str = "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n";

/// Greets with STARTTLS, answers the STARTTLS command with OK plus an injected line in
/// one write, and returns the socket.
fn greet_and_inject(mut s: TcpStream) -> TcpStream {
    s.write_all(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] fake\r\n")
        .unwrap();
    let line = read_line(&mut s);
    assert!(line.ends_with("STARTTLS\r\n"), "{line:?}");
    let reply = format!("{} OK begin TLS\r\n{INJECTION}", tag_of(&line));
    s.write_all(reply.as_bytes()).unwrap();
    s
}

fn short() -> ConnectOptions {
    ConnectOptions::default()
        .connect_timeout(Some(Duration::from_secs(5)))
        .io_timeout(Some(Duration::from_millis(700)))
}

#[test]
fn starttls_injection_then_silence_times_out_cleanly() {
    let (port, h) = fake_server(|s| {
        let mut s = greet_and_inject(s);
        // Hang: swallow the ClientHello and say nothing until the client gives up.
        let mut sink = Vec::new();
        let _ = s.read_to_end(&mut sink);
    });
    let t0 = Instant::now();
    let e = Client::connect_starttls_with("127.0.0.1", port, &TlsConfig::new(), &short())
        .expect_err("the handshake cannot succeed");
    assert!(t0.elapsed() < Duration::from_secs(10), "did not hang");
    assert_eq!(io_kind(&e), Some(io::ErrorKind::TimedOut), "{e}");
    h.join().unwrap();
}

#[test]
fn starttls_injection_then_close_fails_cleanly() {
    let (port, h) = fake_server(|s| drop(greet_and_inject(s)));
    let e = Client::connect_starttls_with("127.0.0.1", port, &TlsConfig::new(), &short())
        .expect_err("the handshake cannot succeed");
    assert!(io_kind(&e).is_some(), "an I/O (TLS) failure, got {e:?}");
    h.join().unwrap();
}

#[test]
fn starttls_injection_then_garbage_is_a_tls_error() {
    // The injected bytes, had they stayed in the stream, are not a TLS record: if the
    // client fed them to the handshake it would fail like this, not parse them as IMAP.
    let (port, h) = fake_server(|s| {
        let mut s = greet_and_inject(s);
        let _ = s.read(&mut [0; 4096]); // the ClientHello (or its start)
        let _ = s.write_all(INJECTION.as_bytes());
        thread::sleep(Duration::from_millis(300));
    });
    let e = Client::connect_starttls_with("127.0.0.1", port, &TlsConfig::new(), &short())
        .expect_err("garbage is no ServerHello");
    assert!(tls_error(&e).is_some(), "a typed TLS error, got {e:?}");
    h.join().unwrap();
}

#[test]
fn starttls_refused_without_the_capability() {
    let (port, h) = fake_server(|mut s| {
        s.write_all(b"* OK fake without TLS\r\n").unwrap();
        let line = read_line(&mut s);
        assert!(line.ends_with("CAPABILITY\r\n"), "{line:?}");
        let t = tag_of(&line);
        s.write_all(format!("* CAPABILITY IMAP4rev1\r\n{t} OK done\r\n").as_bytes())
            .unwrap();
        // The client must not go on to send STARTTLS (or anything but, maybe, nothing).
        let next = read_line(&mut s);
        assert!(!next.contains("STARTTLS"), "{next:?}");
    });
    let e = Client::connect_starttls_with("127.0.0.1", port, &TlsConfig::new(), &short())
        .expect_err("no STARTTLS capability");
    assert!(
        matches!(
            e,
            Error::Capability {
                capability: "STARTTLS",
                ..
            }
        ),
        "{e}"
    );
    h.join().unwrap();
}

#[test]
fn starttls_refused_after_preauth() {
    let (port, h) = fake_server(|mut s| {
        s.write_all(b"* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n")
            .unwrap();
        let next = read_line(&mut s);
        assert!(!next.contains("STARTTLS"), "{next:?}");
    });
    let e = Client::connect_starttls_with("127.0.0.1", port, &TlsConfig::new(), &short())
        .expect_err("PREAUTH means no STARTTLS");
    assert!(
        matches!(
            e,
            Error::State {
                command: "STARTTLS",
                ..
            }
        ),
        "{e:?}"
    );
    h.join().unwrap();
}

#[test]
fn silent_server_hits_the_io_timeout() {
    let (port, h) = fake_server(|mut s| {
        let mut sink = Vec::new();
        let _ = s.read_to_end(&mut sink);
    });
    let t0 = Instant::now();
    let e = Client::connect_plain("127.0.0.1", port, &short()).expect_err("no greeting");
    assert!(t0.elapsed() < Duration::from_secs(10));
    assert!(
        matches!(
            e,
            Error::Abort(imap4::Abort::Timeout {
                waiting_for: "greeting",
                ..
            })
        ),
        "{e}"
    );
    h.join().unwrap();
}

#[test]
fn spawned_command_greeting_and_shutdown() {
    // A "server" in sh: greets PREAUTH, answers one NOOP, then waits for end of input.
    let script = r#"printf '* PREAUTH hi\r\n'; read line; t=${line%% *};
        printf '%s OK noop done\r\n' "$t"; cat >/dev/null"#;
    let mut cmd = Command::new("sh");
    cmd.args(["-c", script]);
    let mut c = Client::spawn_with(cmd, true, &short()).unwrap();
    assert_eq!(c.connection().state(), ConnState::Authenticated);
    c.run(&imap4::proto::encode::Noop).unwrap();
    c.shutdown().unwrap();
    let status = c.transport_mut().child_mut().unwrap().try_wait().unwrap();
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}

#[test]
fn spawned_command_read_timeout() {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "sleep 30"]);
    let t0 = Instant::now();
    let e = Client::spawn_with(cmd, false, &short()).expect_err("no greeting");
    assert!(
        matches!(
            e,
            Error::Abort(imap4::Abort::Timeout {
                waiting_for: "greeting",
                ..
            })
        ),
        "{e}"
    );
    assert!(
        t0.elapsed() < Duration::from_secs(10),
        "and the child was killed on drop"
    );
}

#[test]
fn tls_config_reports_bad_inputs() {
    let e = TlsConfig::with_ca_file("/nonexistent/ca.pem").unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::NotFound);
    let e = TlsConfig::with_ca_pem(b"not pem at all").unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    let e = TlsConfig::new().client_cert_pem(b"", b"").unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    assert!(TlsConfig::new().rustls_config().is_ok());
    assert!(TlsConfig::new()
        .danger_accept_invalid_certs()
        .rustls_config()
        .is_ok());
}

// ---- a fake server with real TLS: needs the Dovecot's certificate -------------------

fn server_tls() -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = env("IMAP4_DOVECOT_DIR");
    let certs = CertificateDer::pem_file_iter(format!("{dir}/ssl/server.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(format!("{dir}/ssl/server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
    )
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn starttls_injected_capability_is_discarded() {
    let config = server_tls();
    let (port, h) = fake_server(move |s| {
        let s = greet_and_inject(s);
        let conn = rustls::ServerConnection::new(config).unwrap();
        let mut tls = BufReader::new(rustls::StreamOwned::new(conn, s));
        loop {
            let mut line = String::new();
            if tls.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let t = tag_of(&line);
            let reply = if line.contains("CAPABILITY") {
                format!("* CAPABILITY IMAP4rev1 IDLE\r\n{t} OK done\r\n")
            } else if line.contains("NOOP") {
                format!("{t} OK noop\r\n")
            } else if line.contains("LOGOUT") {
                format!("* BYE bye\r\n{t} OK done\r\n")
            } else {
                format!("{t} BAD what\r\n")
            };
            let w = tls.get_mut();
            w.write_all(reply.as_bytes()).unwrap();
            w.flush().unwrap();
        }
    });
    let mut c = Client::connect_starttls_with("127.0.0.1", port, &ca(), &short())
        .expect("STARTTLS with the injection dropped");
    // Had the injected line stayed in the buffer, the next exchange would decode it.
    c.run(&imap4::proto::encode::Noop).expect("NOOP over TLS");
    assert!(c.take_unsolicited().is_empty());
    assert!(!c.connection().capabilities_known());
    assert!(!c.connection().has_capability("AUTH=PLAIN"));
    assert!(has_cap(&mut c, "IDLE"), "asked again over TLS");
    assert!(
        !has_cap(&mut c, "AUTH=PLAIN"),
        "the injected line was not believed"
    );
    c.logout().unwrap();
    c.shutdown().unwrap();
    h.join().unwrap();
}
