use proptest::prelude::*;

use super::*;
use crate::encode::{Command, EncodeOptions};
use crate::Tag;

#[test]
fn plain_byte_exact() {
    let mut a = Plain::new("tim", "tanstaaftanstaaf").unwrap();
    assert_eq!(a.mechanism(), "PLAIN");
    assert_eq!(a.initial_response().unwrap(), b"\0tim\0tanstaaftanstaaf");
    assert_eq!(a.initial_response(), None);
    assert_eq!(
        a.step(b""),
        Err(SaslError::UnexpectedChallenge { mechanism: "PLAIN" })
    );
    a.finish(None).unwrap();

    // RFC 4616 section 4 examples.
    let mut a = Plain::new("tim", "tanstaaftanstaaf").unwrap();
    assert_eq!(a.step(b"").unwrap(), b"\0tim\0tanstaaftanstaaf");
    let mut a = Plain::with_authzid("Ursel", "Kurt", "xipj3plmq").unwrap();
    assert_eq!(a.step(b"").unwrap(), b"Ursel\0Kurt\0xipj3plmq");
    // UTF-8 as is.
    let mut a = Plain::new("jürgen", "pässwörd").unwrap();
    assert_eq!(
        a.initial_response().unwrap(),
        "\0jürgen\0pässwörd".as_bytes()
    );
    for (z, u, p) in [("\0", "u", "p"), ("", "u\0", "p"), ("", "u", "p\0")] {
        assert!(matches!(
            Plain::with_authzid(z, u, p),
            Err(SaslError::InvalidInput { .. })
        ));
    }
}

#[test]
fn login_byte_exact() {
    let mut a = Login::new("tim", "tanstaaftanstaaf");
    assert_eq!(a.mechanism(), "LOGIN");
    assert_eq!(a.initial_response(), None);
    // The draft's example challenges.
    assert_eq!(a.step(b"User Name\0").unwrap(), b"tim");
    assert_eq!(a.step(b"Password\0").unwrap(), b"tanstaaftanstaaf");
    assert!(matches!(
        a.step(b""),
        Err(SaslError::UnexpectedChallenge { .. })
    ));
    a.finish(None).unwrap();
}

#[test]
fn cram_md5_rfc2195() {
    let mut a = CramMd5::new("tim", "tanstaaftanstaaf");
    assert_eq!(a.mechanism(), "CRAM-MD5");
    assert_eq!(a.initial_response(), None);
    assert_eq!(
        a.step(b"<1896.697170952@postoffice.reston.mci.net>")
            .unwrap(),
        b"tim b913a602c7eda7a495b4e6e7334d3890"
    );
    assert!(matches!(
        a.step(b"<1896.697170952@postoffice.reston.mci.net>"),
        Err(SaslError::UnexpectedChallenge { .. })
    ));
    a.finish(None).unwrap();
    // Through base64, as on the wire.
    let mut a = CramMd5::new("tim", "tanstaaftanstaaf");
    assert_eq!(
        respond(
            &mut a,
            b"PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"
        )
        .unwrap(),
        "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
    );
}

#[test]
fn xoauth2_byte_exact() {
    let mut a = XOAuth2::new(
        "someuser@example.com",
        "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg",
    )
    .unwrap();
    assert_eq!(a.mechanism(), "XOAUTH2");
    let ir = a.initial_response().unwrap();
    assert_eq!(
        ir,
        &b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"[..]
    );
    // Google's documented base64 of that initial response.
    assert_eq!(
        crate::encode::base64_encode(&ir),
        "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=="
    );
    a.finish(None).unwrap();
    assert_eq!(a.server_error(), None);

    // Without SASL-IR, then an error challenge.
    let mut a = XOAuth2::new("u", "t").unwrap();
    assert_eq!(a.step(b"").unwrap(), b"user=u\x01auth=Bearer t\x01\x01");
    let json = br#"{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}"#;
    assert_eq!(a.step(json).unwrap(), b"");
    assert_eq!(a.server_error(), Some(std::str::from_utf8(json).unwrap()));
    assert!(matches!(
        a.step(b""),
        Err(SaslError::UnexpectedChallenge { .. })
    ));
    assert!(
        matches!(a.finish(None), Err(SaslError::Server { message, .. }) if message.contains("400"))
    );
    assert!(XOAuth2::new("u\x01", "t").is_err());
    assert!(XOAuth2::new("u", "t\r\n").is_err());
    assert!(!format!("{a:?}").contains("Bearer t"));
}

#[test]
fn oauthbearer_byte_exact() {
    // RFC 7628 section 4.1, compared with its base64 too.
    let mut a = OAuthBearer::new(
        "user@example.com",
        "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==",
    )
    .unwrap()
    .with_host("server.example.com")
    .unwrap()
    .with_port(143);
    assert_eq!(a.mechanism(), "OAUTHBEARER");
    let cmd = authenticate_command(&mut a, true);
    assert_eq!(
        cmd.encode(Tag::from("t1"), EncodeOptions::default())
            .unwrap()
            .to_bytes(),
        "t1 AUTHENTICATE OAUTHBEARER bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB\r\n"
    );
    // RFC 7628 section 4.3: the error, answered with a single ^A.
    let err = br#"{"status":"invalid_token","scope":"example_scope","openid-configuration":"https://example.com/.well-known/openid-configuration"}"#;
    assert_eq!(a.step(err).unwrap(), b"\x01");
    assert!(a.server_error().unwrap().contains("invalid_token"));
    assert!(a.finish(None).is_err());
    assert!(a.step(b"").is_err());

    // Minimal, and an authzid that needs escaping.
    let mut a = OAuthBearer::new("", "tok").unwrap();
    assert_eq!(a.step(b"").unwrap(), b"n,,\x01auth=Bearer tok\x01\x01");
    a.finish(None).unwrap();
    let mut a = OAuthBearer::new("a,b=c", "s3cr3t").unwrap().with_port(993);
    assert_eq!(
        a.initial_response().unwrap(),
        b"n,a=a=2Cb=3Dc,\x01port=993\x01auth=Bearer s3cr3t\x01\x01"
    );
    assert!(OAuthBearer::new("u", "t")
        .unwrap()
        .with_host("h\x01")
        .is_err());
    assert!(!format!("{a:?}").contains("s3cr3t"));
}

#[test]
fn authenticate_command_and_respond() {
    let opts = EncodeOptions::default();
    let line = |a: &mut dyn Authenticator, ir| {
        authenticate_command(a, ir)
            .encode(Tag::from("a"), opts)
            .unwrap()
            .to_bytes()
    };
    assert_eq!(
        line(&mut Plain::new("bob", "secret").unwrap(), true),
        "a AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ=\r\n"
    );
    assert_eq!(
        line(&mut Plain::new("bob", "secret").unwrap(), false),
        "a AUTHENTICATE PLAIN\r\n"
    );
    assert_eq!(
        line(&mut Login::new("bob", "secret"), true),
        "a AUTHENTICATE LOGIN\r\n"
    );
    // Without SASL-IR, the initial response goes after the empty challenge.
    let mut p = Plain::new("bob", "secret").unwrap();
    assert_eq!(respond(&mut p, b"").unwrap(), "AGJvYgBzZWNyZXQ=");
    let mut l = Login::new("bob", "secret");
    assert!(matches!(
        respond(&mut l, b"not base64!"),
        Err(SaslError::Malformed {
            mechanism: "LOGIN",
            ..
        })
    ));
    // Through Box<dyn _> and &mut.
    let mut b: Box<dyn Authenticator> = Box::new(Login::new("u", "p"));
    assert_eq!(respond(&mut b, b"").unwrap(), "dQ==");
    assert_eq!(respond(&mut &mut b, b"").unwrap(), "cA==");
    assert_eq!(b.mechanism(), "LOGIN");
    b.finish(None).unwrap();
    assert_eq!(static_name("scram-sha-1"), "SCRAM-SHA-1");
    assert_eq!(static_name("X-NEW"), "SASL");
}

#[test]
fn debug_never_shows_credentials() {
    let all: Vec<Box<dyn std::fmt::Debug>> = vec![
        Box::new(Plain::new("u", "hunter2").unwrap()),
        Box::new(Login::new("u", "hunter2")),
        Box::new(CramMd5::new("u", "hunter2")),
        Box::new(XOAuth2::new("u", "hunter2").unwrap()),
        Box::new(OAuthBearer::new("u", "hunter2").unwrap()),
        Box::new(Scram::sha1("u", "hunter2").unwrap()),
        Box::new(Scram::sha256("u", "hunter2").unwrap()),
    ];
    for a in all {
        let d = format!("{a:?}");
        assert!(!d.contains("hunter2") && d.contains("redacted"), "{d}");
    }
}

#[test]
fn errors_display() {
    let e = SaslError::IterationCount {
        mechanism: "SCRAM-SHA-1",
        count: 1,
        min: 4096,
        max: 10,
    };
    assert_eq!(
        e.to_string(),
        "SCRAM-SHA-1: iteration count 1 outside 4096..=10"
    );
    assert!(SaslError::Prohibited { what: "password" }
        .to_string()
        .contains("password"));
}

fn all_mechanisms() -> Vec<Box<dyn Authenticator>> {
    vec![
        Box::new(Plain::new("u", "p").unwrap()),
        Box::new(Login::new("u", "p")),
        Box::new(CramMd5::new("u", "p")),
        Box::new(XOAuth2::new("u", "t").unwrap()),
        Box::new(OAuthBearer::new("u", "t").unwrap()),
        Box::new(
            Scram::sha1("u", "p")
                .unwrap()
                .with_nonce("abc")
                .unwrap()
                .with_max_iterations(4200),
        ),
        Box::new(
            Scram::sha256("u", "p")
                .unwrap()
                .with_nonce("abc")
                .unwrap()
                .with_max_iterations(4200),
        ),
    ]
}

/// Server messages that are SCRAM-shaped, to reach deep into the parser.
fn scramish() -> impl Strategy<Value = Vec<u8>> {
    let attr = prop_oneof![
        Just("r=abc".to_string()),
        "r=abc[!-+--~]{0,6}",
        "s=[A-Za-z0-9+/=]{0,12}",
        Just("s=QSXCR+Q6sek8bf92".to_string()),
        "i=[0-9]{0,6}",
        Just("i=4096".to_string()),
        "[a-z]=[ -~]{0,8}",
        "v=[A-Za-z0-9+/=]{0,30}",
        "e=[a-z-]{0,10}",
    ];
    prop::collection::vec(attr, 0..5).prop_map(|v| v.join(",").into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_challenges_never_panic(
        ir in any::<bool>(),
        challenges in prop::collection::vec(
            prop_oneof![prop::collection::vec(any::<u8>(), 0..64), scramish()],
            0..5,
        ),
        final_data in prop::option::of(prop::collection::vec(any::<u8>(), 0..40)),
    ) {
        for mut a in all_mechanisms() {
            if ir {
                let _ = a.initial_response();
            }
            for c in &challenges {
                let _ = a.step(c);
            }
            let _ = a.finish(final_data.as_deref());
        }
    }

    #[test]
    fn arbitrary_base64_challenges_never_panic(text in prop::collection::vec(any::<u8>(), 0..64)) {
        for mut a in all_mechanisms() {
            let _ = respond(&mut a, &text);
            let _ = respond(&mut a, &text);
        }
    }

    #[test]
    fn scram_client_first_is_valid_for_any_credentials(user in "\\PC{0,12}", pass in "\\PC{0,12}") {
        if let Ok(mut a) = Scram::sha256(&user, &pass) {
            let first = a.initial_response().unwrap();
            let s = String::from_utf8(first).unwrap();
            prop_assert!(s.starts_with("n,,n="));
            // The user name cannot break the attribute list.
            prop_assert_eq!(s.matches(',').count(), 3);
        }
    }
}
