//! Review of the session core: faults found by reading the code, each shown against a
//! scripted fake server on 127.0.0.1 (no Dovecot needed). Blocking tests use std::net;
//! the tokio ones (cancellation, timers) are in the `tokio_tests` module.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use imap4::blocking::{Client, Timeouts};
use imap4::proto::encode::Noop;
use imap4::Error;

mod fake;
use fake::{client_with, fake, fake_with};

// ----- run_all: a tagged completion that cannot be parsed -----

/// Connection drops a command whose tagged completion is unreadable (it reports it as
/// `Malformed` with the tag); run_all routes it as `Step::Unparsed` when several commands
/// run and keeps waiting for a `Done` that never comes.
#[test]
fn run_all_with_an_unreadable_completion_does_not_hang() {
    let (port, h) = fake(|mut srv| {
        let t1 = srv.expect("NOOP");
        let t2 = srv.expect("NOOP");
        // t1's completion is unreadable, t2's is fine.
        srv.send(&format!("{t1} XYZZY what\r\n{t2} OK done\r\n"));
        let _ = srv.cmd();
    });
    let mut c = client_with(
        port,
        Timeouts::default().command(Some(Duration::from_secs(2))),
    );
    let started = Instant::now();
    let r = c.run_all(&[Noop, Noop]);
    let r = r.expect("the connection is fine: each command has its own result");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(r.len(), 2);
    assert!(matches!(r[0], Err(Error::Unparsed { .. })), "{:?}", r[0]);
    assert!(r[1].is_ok(), "{:?}", r[1]);
    drop(c);
    h.join().unwrap();
}

/// The last command of a pipeline whose completion is unreadable: the error should be that
/// command's entry, not the outer (connection) error that discards the other replies.
#[test]
fn run_all_unreadable_last_completion_is_that_commands_entry() {
    let (port, h) = fake(|mut srv| {
        let t1 = srv.expect("NOOP");
        let t2 = srv.expect("NOOP");
        srv.send(&format!("{t1} OK done\r\n{t2} XYZZY what\r\n"));
        let _ = srv.cmd();
    });
    let mut c = client_with(
        port,
        Timeouts::default().command(Some(Duration::from_secs(2))),
    );
    let r = c.run_all(&[Noop, Noop]);
    let r = r.expect("the outer result is the connection, which is fine");
    assert!(r[0].is_ok(), "{:?}", r[0]);
    assert!(matches!(r[1], Err(Error::Unparsed { .. })), "{:?}", r[1]);
    drop(c);
    h.join().unwrap();
}

// ----- STARTTLS that fails after the server said OK -----

/// `starttls` on a command pipe: a pipe cannot become TLS, so the client refuses before
/// sending STARTTLS (after the server's OK there would be no way back); the session stays
/// usable in the state it was in.
#[cfg(unix)]
#[test]
fn starttls_on_a_transport_that_cannot_upgrade_is_refused_before_sending() {
    let script = r#"
printf '* OK [CAPABILITY IMAP4rev1 STARTTLS] pipe\r\n'
read tag rest
case "$rest" in NOOP*) printf '%s OK still plain, never asked for TLS\r\n' "$tag" ;;
*) printf '%s BAD expected NOOP, got %s\r\n' "$tag" "$rest" ;; esac
sleep 1
"#;
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", script]);
    let mut c = Client::spawn(cmd, false).unwrap();
    let r = c.starttls("localhost", &imap4::transport::TlsConfig::new());
    assert!(r.is_err(), "{r:?}");
    assert!(!c.is_broken());
    c.noop().expect("STARTTLS never went out");
}

/// Same over TCP when the handshake fails (here: the "server" answers garbage).
#[test]
fn starttls_handshake_failure_marks_the_session_broken() {
    let (port, h) = fake_with("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n", |mut srv| {
        let t = srv.expect("STARTTLS");
        srv.send(&format!("{t} OK go ahead\r\n"));
        srv.send("this is not a TLS server hello\r\n");
        thread::sleep(Duration::from_millis(300));
    });
    let mut c = Client::connect(("127.0.0.1", port)).unwrap();
    let r = c.starttls("localhost", &imap4::transport::TlsConfig::new());
    assert!(matches!(r, Err(Error::Abort(_))), "{r:?}");
    assert!(c.is_broken(), "an abort must mark the session unusable");
    h.join().unwrap();
}

// ----- IDLE refresh -----

/// Idles with `refresh` against a server 30 ms away and checks `wait(300 ms)` returns
/// `Ok(None)` in time.
fn idle_wait_with_refresh(refresh: Duration) {
    let (port, h) = fake(|mut srv| {
        let started = Instant::now();
        let mut idle_tag = String::new();
        while started.elapsed() < Duration::from_secs(4) {
            let (tag, rest) = srv.cmd();
            match rest.as_str() {
                "IDLE" => {
                    idle_tag = tag;
                    thread::sleep(Duration::from_millis(30));
                    srv.send("+ idling\r\n");
                }
                "" if tag == "DONE" => {
                    thread::sleep(Duration::from_millis(30));
                    srv.send(&format!("{idle_tag} OK idle done\r\n"));
                }
                "" => break,
                _ => srv.send(&format!("{tag} OK\r\n")),
            }
        }
        // Give up: the client sees the connection close.
    });
    let mut c = client_with(port, Timeouts::default().idle_refresh(refresh));
    let (tx, rx) = mpsc::channel();
    let th = thread::spawn(move || {
        let mut idle = c.idle().unwrap();
        let r = idle.wait(Duration::from_millis(300)).map(|e| e.is_none());
        tx.send(format!("{r:?}")).unwrap();
    });
    let got = rx.recv_timeout(Duration::from_secs(6)).unwrap();
    assert_eq!(got, "Ok(true)", "wait(300 ms) should time out quietly");
    th.join().unwrap();
    h.join().unwrap();
}

/// Regression (passes): a refresh shorter than a round trip re-issues IDLE on every loop
/// of `wait`, which still returns once its deadline passed.
#[test]
fn idle_wait_returns_by_its_deadline_with_a_refresh_shorter_than_a_round_trip() {
    idle_wait_with_refresh(Duration::from_millis(10));
}

/// `Idle::wait` tests `since.elapsed() >= refresh` before its own deadline: with
/// `idle_refresh(Duration::ZERO)` that is always true, so `wait` re-issues IDLE forever
/// and never reaches the deadline check.
#[test]
fn idle_wait_returns_by_its_deadline_with_a_zero_refresh() {
    idle_wait_with_refresh(Duration::ZERO);
}

// ----- blocking writes over a plain TcpStream -----

/// `Timeouts::command` bounds writes in the tokio client, but the blocking `BlockingIo`
/// ignores the write budget and relies on the socket's own write timeout, which a stream
/// given to `from_stream_with` does not have: a server that stops reading hangs the
/// client until the peer goes away.
#[test]
fn blocking_write_to_a_server_that_stops_reading_times_out() {
    let (port, h) = fake(|srv| {
        // Never read.
        thread::sleep(Duration::from_secs(5));
        drop(srv);
    });
    let mut c = client_with(
        port,
        Timeouts::default().command(Some(Duration::from_millis(300))),
    );
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let r = c.append("INBOX", vec![b'x'; 64 << 20], [], None);
        let _ = tx.send(format!("{r:?}"));
    });
    let got = rx
        .recv_timeout(Duration::from_secs(3))
        .expect("append should give up after the 300 ms command budget");
    assert!(got.contains("Timeout"), "{got}");
    h.join().unwrap();
}

#[cfg(feature = "tokio")]
mod tokio_tests {
    use std::sync::Arc;
    use std::time::Duration;

    use imap4::proto::encode::FetchAttr;
    use imap4::proto::Section;
    use imap4::tokio::Client;
    use imap4::{Abort, Error};
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    use tokio::net::TcpListener;

    async fn connect(port: u16, t: imap4::Timeouts) -> Client<tokio::net::TcpStream> {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        Client::from_stream_with(tcp, false, t).await.unwrap()
    }

    fn split_tag(l: &str) -> (String, String) {
        let l = l.trim_end();
        let (t, r) = l.split_once(' ').unwrap_or((l, ""));
        (t.to_string(), r.to_string())
    }

    /// `uid_fetch_to` switches the decoder to streaming literals and restores it only when
    /// its future completes. Dropped mid-fetch (a `timeout`), the decoder keeps streaming
    /// every literal of 16 KiB or more: a later GETMETADATA with a 20 KB value cannot be
    /// parsed (`UnexpectedStreamedLiteral`), and `run` of a FETCH gets `Streamed`
    /// placeholders instead of bytes.
    #[tokio::test]
    async fn dropped_uid_fetch_to_restores_the_decoder_limits() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let h = tokio::spawn(async move {
            let (s, _) = l.accept().await.unwrap();
            let (r, mut w) = s.into_split();
            let mut r = BufReader::new(r);
            w.write_all(b"* PREAUTH [CAPABILITY IMAP4rev1 METADATA] hi\r\n")
                .await
                .unwrap();
            let mut line = String::new();
            loop {
                line.clear();
                if r.read_line(&mut line).await.unwrap() == 0 {
                    break;
                }
                let (tag, rest) = split_tag(&line);
                if rest.starts_with("SELECT") {
                    w.write_all(format!("* 1 EXISTS\r\n{tag} OK [READ-WRITE] ok\r\n").as_bytes())
                        .await
                        .unwrap();
                } else if rest.starts_with("UID FETCH") {
                    w.write_all(b"* 1 FETCH (UID 7 BODY[] {20000}\r\n")
                        .await
                        .unwrap();
                    w.write_all(&[b'x'; 1000]).await.unwrap();
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    w.write_all(&[b'x'; 19000]).await.unwrap();
                    w.write_all(format!(")\r\n{tag} OK fetched\r\n").as_bytes())
                        .await
                        .unwrap();
                } else if rest.starts_with("GETMETADATA") {
                    w.write_all(b"* METADATA \"INBOX\" (/private/comment {20000}\r\n")
                        .await
                        .unwrap();
                    w.write_all(&[b'y'; 20000]).await.unwrap();
                    w.write_all(format!(")\r\n{tag} OK got\r\n").as_bytes())
                        .await
                        .unwrap();
                } else {
                    w.write_all(format!("{tag} OK\r\n").as_bytes())
                        .await
                        .unwrap();
                }
            }
        });
        let mut c = connect(port, imap4::Timeouts::default()).await;
        c.select("INBOX").await.unwrap();
        let mut out = Vec::new();
        let r = tokio::time::timeout(
            Duration::from_millis(150),
            c.uid_fetch_to(7, FetchAttr::body_peek(Section::default()), &mut out),
        )
        .await;
        assert!(r.is_err(), "the timeout fired mid-literal");
        let m = c
            .get_metadata("INBOX", &["/private/comment"])
            .await
            .unwrap();
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].value.as_ref().map(|v| v.len()), Some(20000));
        drop(c);
        h.await.unwrap();
    }

    /// COMPRESS dropped after the command went out: the next command's `prepare` reads the
    /// OK and discards it, but compression is never switched on — the client talks plain
    /// text to a server that now inflates everything (and feeds compressed bytes to the
    /// parser). Either switch zlib on when the abandoned COMPRESS completes OK, or mark the
    /// session broken.
    #[tokio::test]
    async fn dropped_compress_does_not_leave_the_client_talking_plain_text() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let h = tokio::spawn(async move {
            let (mut s, _) = l.accept().await.unwrap();
            s.write_all(b"* PREAUTH [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] hi\r\n")
                .await
                .unwrap();
            let mut buf = vec![0u8; 4096];
            let n = s.read(&mut buf).await.unwrap();
            let (tag, rest) = split_tag(std::str::from_utf8(&buf[..n]).unwrap());
            assert_eq!(rest, "COMPRESS DEFLATE");
            tokio::time::sleep(Duration::from_millis(400)).await;
            s.write_all(format!("{tag} OK DEFLATE active\r\n").as_bytes())
                .await
                .unwrap();
            // From here on, both directions are raw DEFLATE.
            let n = match tokio::time::timeout(Duration::from_secs(2), s.read(&mut buf)).await {
                Ok(Ok(n)) => n,
                _ => 0,
            };
            let raw = buf[..n].to_vec();
            let mut inflate = flate2::Decompress::new(false);
            let mut plain = Vec::with_capacity(4096);
            let inflated = inflate
                .decompress_vec(&raw, &mut plain, flate2::FlushDecompress::Sync)
                .is_ok();
            if inflated && plain.ends_with(b"\r\n") {
                let (t, _) = split_tag(std::str::from_utf8(&plain).unwrap());
                let mut deflate = flate2::Compress::new(flate2::Compression::default(), false);
                let msg = format!("{t} OK\r\n");
                let mut out = Vec::with_capacity(256);
                deflate
                    .compress_vec(msg.as_bytes(), &mut out, flate2::FlushCompress::Sync)
                    .unwrap();
                s.write_all(&out).await.unwrap();
            } else if n > 0 {
                // Answer in clear so the client "succeeds" without noticing.
                let (t, _) = split_tag(&String::from_utf8_lossy(&raw));
                s.write_all(format!("{t} OK\r\n").as_bytes()).await.unwrap();
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            raw
        });
        let t = imap4::Timeouts::default().command(Some(Duration::from_secs(2)));
        let mut c = connect(port, t).await;
        let r = tokio::time::timeout(Duration::from_millis(150), c.compress()).await;
        assert!(r.is_err(), "the timeout fired before the OK");
        let r = c.noop().await;
        let raw = h.await.unwrap();
        assert!(
            !raw.ends_with(b" NOOP\r\n"),
            "the client sent {:?} in clear after the server switched COMPRESS on (noop: {r:?})",
            String::from_utf8_lossy(&raw)
        );
        assert!(
            r.is_ok() || matches!(r, Err(Error::Abort(Abort::Unusable(_)))),
            "{r:?}"
        );
    }

    /// STARTTLS dropped while waiting for the OK: the next command's `prepare` consumes the
    /// OK and the session goes on in clear (no handshake, bytes after the OK not dropped),
    /// with the server expecting a TLS ClientHello. It should be marked broken.
    #[tokio::test]
    async fn dropped_starttls_does_not_continue_in_clear() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let h = tokio::spawn(async move {
            let (s, _) = l.accept().await.unwrap();
            let (r, mut w) = s.into_split();
            let mut r = BufReader::new(r);
            w.write_all(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n")
                .await
                .unwrap();
            let mut line = String::new();
            r.read_line(&mut line).await.unwrap();
            let (tag, rest) = split_tag(&line);
            assert_eq!(rest, "STARTTLS");
            tokio::time::sleep(Duration::from_millis(400)).await;
            w.write_all(format!("{tag} OK begin TLS\r\n").as_bytes())
                .await
                .unwrap();
            // An attacker's injected line would sit here, too.
            line.clear();
            let _ = tokio::time::timeout(Duration::from_secs(2), r.read_line(&mut line)).await;
            let (t, _) = split_tag(&line);
            if !line.is_empty() {
                let _ = w.write_all(format!("{t} OK in clear\r\n").as_bytes()).await;
            }
            line
        });
        let opts = imap4::transport::ConnectOptions::default();
        let mut c = Client::connect_plain("127.0.0.1", port, &opts)
            .await
            .unwrap();
        let tls = imap4::transport::TlsConfig::new();
        let r = tokio::time::timeout(
            Duration::from_millis(150),
            c.starttls("localhost", &tls, &opts),
        )
        .await;
        assert!(r.is_err(), "the timeout fired before the OK");
        let r = c.noop().await;
        drop(c);
        let after = h.await.unwrap();
        assert!(
            after.is_empty(),
            "after the server's STARTTLS OK the client sent {after:?} in clear (noop: {r:?})"
        );
        assert!(matches!(r, Err(Error::Abort(Abort::Unusable(_)))), "{r:?}");
    }

    const CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBljCCATugAwIBAgIUVNgyRMcE2LjOLrFaVrqV9N/tJBYwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNjE3MzMxNloYDzIxMjYxMTAy
MTczMzE2WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASmcjV0tFFipawUlALaiVO3QchBPz74yxx1oz48cyj5nbgvzE38ajLh
iB3l/WId+1K8b5LfhGsPm7lp53YYgILto2kwZzAdBgNVHQ4EFgQUp68RFRTwVidX
Ri2fvXbCWqIcQgcwHwYDVR0jBBgwFoAUp68RFRTwVidXRi2fvXbCWqIcQgcwDwYD
VR0TAQH/BAUwAwEB/zAUBgNVHREEDTALgglsb2NhbGhvc3QwCgYIKoZIzj0EAwID
SQAwRgIhAPthMfp7EmgK0EymbdKc3UFaHbcZdoiuCvFzRt5bPCZFAiEA0ZRfp0Qr
TI3bTo65JrvHc7oGb1/0FSte/EDxUDTzdJo=
-----END CERTIFICATE-----
";
    const KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgRxE8y65PTbiOQZ6x
BuO7nzzh5dmGxTRBtT8Z0N3GU3WhRANCAASmcjV0tFFipawUlALaiVO3QchBPz74
yxx1oz48cyj5nbgvzE38ajLhiB3l/WId+1K8b5LfhGsPm7lp53YYgILt
-----END PRIVATE KEY-----
";

    /// Over TLS, tokio-rustls's `poll_write` accepts bytes into rustls's buffer (up to
    /// 64 KiB) even when the socket is full, and the bytes only reach the socket in
    /// `poll_flush` — which `Session::flush` awaits with no timer. A server that stops
    /// reading hangs the client forever instead of `Abort::Timeout { waiting_for: "write" }`.
    #[tokio::test]
    async fn tls_server_that_stops_reading_times_out_the_flush() {
        use rustls_pki_types::pem::PemObject;
        use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let cert = CertificateDer::from_pem_slice(CERT.as_bytes()).unwrap();
        let key = PrivateKeyDer::from_pem_slice(KEY.as_bytes()).unwrap();
        let server_cfg = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server_cfg));

        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.set_recv_buffer_size(4096).unwrap();
        sock.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let l = sock.listen(8).unwrap();
        let port = l.local_addr().unwrap().port();
        let h = tokio::spawn(async move {
            let (tcp, _) = l.accept().await.unwrap();
            let tls = acceptor.accept(tcp).await.unwrap();
            let (r, mut w) = tokio::io::split(tls);
            let mut r = BufReader::new(r);
            w.write_all(b"* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] hi\r\n")
                .await
                .unwrap();
            w.flush().await.unwrap();
            let mut line = String::new();
            r.read_line(&mut line).await.unwrap();
            let (tag, _) = split_tag(&line);
            let prefix = tag
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .to_string();
            // Answer every command to come without reading any of them.
            let mut all = format!("{tag} OK\r\n");
            for n in 2..3000 {
                all.push_str(&format!("{prefix}{n} OK stored\r\n"));
            }
            w.write_all(all.as_bytes()).await.unwrap();
            w.flush().await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
            drop((r, w));
        });

        let cfg = imap4::transport::TlsConfig::new()
            .danger_accept_invalid_certs()
            .rustls_config()
            .unwrap();
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.set_send_buffer_size(4096).unwrap();
        let tcp = sock
            .connect(format!("127.0.0.1:{port}").parse().unwrap())
            .await
            .unwrap();
        let tls = tokio_rustls::TlsConnector::from(cfg)
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await
            .unwrap();
        let t = imap4::Timeouts::default().command(Some(Duration::from_millis(300)));
        let mut c = Client::from_stream_with(tls, true, t).await.unwrap();
        c.noop().await.unwrap();
        let mut done = 0;
        let r = tokio::time::timeout(Duration::from_secs(15), async {
            for _ in 2..3000 {
                c.append("INBOX", vec![b'x'; 8192], [], None).await?;
                done += 1;
            }
            Ok::<_, Error>(())
        })
        .await;
        h.abort();
        let r = r.unwrap_or_else(|_| {
            panic!("hung after {done} appends: the write budget should end this, not the 15 s test timeout")
        });
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
    }
}
