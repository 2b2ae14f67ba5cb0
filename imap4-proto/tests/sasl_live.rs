//! Every SASL mechanism of [`imap4_proto::sasl`] against the live Dovecot started by
//! `scripts/dovecot` (`scripts/test` runs these with `--include-ignored`), with and without
//! SASL-IR, through the [`Connection`] state machine.
//!
//! The driver is a tiny blocking socket loop: after `poll_event` runs dry, it writes what
//! `take_transmit` holds before it blocks on the next read.

mod common;

use common::{env, Session};

use imap4_proto::sasl::{
    self, Authenticator, CramMd5, Login, OAuthBearer, Plain, SaslError, Scram, XOAuth2,
};
use imap4_proto::{Code, ConnEvent, ConnState, Rfc5530Code, Status, StatusKind};

/// How an AUTHENTICATE ended.
struct Outcome {
    /// The tagged status.
    status: Status,
    /// The client side: a `step` error (the exchange was cancelled with `*`) or the result
    /// of `finish` after OK.
    sasl: Result<(), SaslError>,
    /// Whether an initial response went on the command line.
    sent_ir: bool,
    session: Session,
}

/// A session whose greeting carried the capabilities (Dovecot sends them).
fn connected() -> Session {
    let s = Session::connect();
    assert!(
        s.conn.capabilities_known(),
        "Dovecot sends its capabilities in the greeting"
    );
    s
}

impl Session {
    /// AUTHENTICATE with `auth`; with its initial response on the command line when
    /// `sasl_ir` (the server must announce SASL-IR), else after the empty challenge.
    fn authenticate(mut self, auth: &mut dyn Authenticator, sasl_ir: bool) -> Outcome {
        assert!(self
            .conn
            .has_capability(&format!("AUTH={}", auth.mechanism())));
        if sasl_ir {
            assert!(self.conn.has_capability("SASL-IR"));
        }
        let cmd = sasl::authenticate_command(auth, sasl_ir);
        let sent_ir = cmd.initial().is_some();
        let tag = self.conn.send(&cmd).expect("send AUTHENTICATE");
        let mut failed = None;
        loop {
            match self.next_event() {
                ConnEvent::Continue { tag: t, request } => {
                    assert_eq!(t, tag);
                    match sasl::respond(auth, &request.text) {
                        Ok(line) => self.conn.send_line(line.as_bytes()),
                        Err(e) => {
                            failed = Some(e);
                            self.conn.send_line(b"*");
                        }
                    }
                }
                ConnEvent::Done { tag: t, status, .. } if t == tag => {
                    let sasl = match failed {
                        Some(e) => Err(e),
                        None if status.kind == StatusKind::Ok => auth.finish(None),
                        None => Ok(()),
                    };
                    return Outcome {
                        status,
                        sasl,
                        sent_ir,
                        session: self,
                    };
                }
                ConnEvent::Malformed(m) => panic!("malformed: {} {:?}", m.error, m.raw),
                _ => {}
            }
        }
    }
}

/// Authenticates and checks that the session is logged in.
fn login_ok(auth: &mut dyn Authenticator, sasl_ir: bool) {
    let mech = auth.mechanism().to_string();
    let out = connected().authenticate(auth, sasl_ir);
    assert_eq!(
        out.status.kind,
        StatusKind::Ok,
        "{mech} (SASL-IR {sasl_ir}): {:?}",
        out.status
    );
    out.sasl.unwrap_or_else(|e| panic!("{mech}: {e}"));
    assert_eq!(out.session.conn.state(), ConnState::Authenticated);
    let server_first = matches!(mech.as_str(), "LOGIN" | "CRAM-MD5");
    assert_eq!(out.sent_ir, sasl_ir && !server_first, "{mech}");
}

/// Authenticates with a wrong secret and expects a tagged NO [AUTHENTICATIONFAILED].
fn login_refused(auth: &mut dyn Authenticator, sasl_ir: bool) -> Outcome {
    let mech = auth.mechanism().to_string();
    let out = connected().authenticate(auth, sasl_ir);
    assert_eq!(out.status.kind, StatusKind::No, "{mech}: {:?}", out.status);
    assert_eq!(
        out.status.code,
        Some(Code::Rfc5530(Rfc5530Code::AuthenticationFailed)),
        "{mech}: {:?}",
        out.status
    );
    assert_eq!(out.session.conn.state(), ConnState::NotAuthenticated);
    out
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

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn password_mechanisms_with_sasl_ir() {
    for mut a in password_mechanisms(&env("IMAP4_USER"), &env("IMAP4_PASS")) {
        login_ok(&mut a, true);
    }
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn password_mechanisms_without_sasl_ir() {
    for mut a in password_mechanisms(&env("IMAP4_USER2"), &env("IMAP4_PASS2")) {
        login_ok(&mut a, false);
    }
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn scram_with_authzid_of_oneself() {
    let user = env("IMAP4_USER");
    let mut a = Scram::sha256(&user, &env("IMAP4_PASS"))
        .unwrap()
        .with_authzid(&user)
        .unwrap();
    login_ok(&mut a, true);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn utf8_user_with_scram_sha256_and_plain() {
    let (user, pass) = (env("IMAP4_USER_UTF8"), env("IMAP4_PASS_UTF8"));
    assert_eq!(user, "jürgen");
    for ir in [true, false] {
        login_ok(&mut Scram::sha256(&user, &pass).unwrap(), ir);
        login_ok(&mut Plain::new(&user, &pass).unwrap(), ir);
    }
    login_ok(&mut Scram::sha1(&user, &pass).unwrap(), false);
    login_ok(&mut Login::new(&user, &pass), false);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn oauth_mechanisms() {
    let (user, token) = (env("IMAP4_USER"), env("IMAP4_OAUTH_TOKEN"));
    let host = env("IMAP4_HOST");
    let port: u16 = env("IMAP4_PORT").parse().unwrap();
    for ir in [true, false] {
        login_ok(&mut XOAuth2::new(&user, &token).unwrap(), ir);
        let mut a = OAuthBearer::new(&user, &token)
            .unwrap()
            .with_host(&host)
            .unwrap()
            .with_port(port);
        login_ok(&mut a, ir);
    }
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn wrong_password_is_refused() {
    let user = env("IMAP4_USER");
    for ir in [true, false] {
        for mut a in password_mechanisms(&user, "not-the-password") {
            let out = login_refused(&mut a, ir);
            // A SCRAM server that refuses the proof never sends a signature (or sends
            // e=); either way the client never reports success.
            assert!(
                out.sasl.is_ok() || matches!(out.sasl, Err(SaslError::Server { .. })),
                "{:?}",
                out.sasl
            );
        }
    }
    // An unknown user too.
    login_refused(&mut Scram::sha256("nobody-here", "x").unwrap(), true);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn wrong_token_is_refused_with_the_servers_reason() {
    let user = env("IMAP4_USER");
    for ir in [true, false] {
        let mut a = XOAuth2::new(&user, "not.a.token").unwrap();
        let out = connected().authenticate(&mut a, ir);
        assert_eq!(out.status.kind, StatusKind::No, "{:?}", out.status);
        assert_eq!(out.session.conn.state(), ConnState::NotAuthenticated);
        let mut b = OAuthBearer::new(&user, "not.a.token").unwrap();
        let out = connected().authenticate(&mut b, ir);
        assert_eq!(out.status.kind, StatusKind::No, "{:?}", out.status);
        // Dovecot explains the refusal in a JSON challenge before the NO.
        for err in [a.server_error(), b.server_error()] {
            let err = err.expect("the JSON error challenge");
            assert!(err.contains("status"), "{err}");
        }
    }
}
