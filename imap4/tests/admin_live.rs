//! Access control, quotas, metadata, ID and raw commands against the local Dovecot
//! (`scripts/dovecot`; the ignored tests, run by `scripts/test`), as user grace, each test
//! in mailboxes of its own; ANNOTATEMORE (which Dovecot lacks) against a scripted fake
//! server (always run).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use imap4::blocking::Client;
use imap4::proto::encode::{self, GetMetadata, MetadataDepth, Raw, RawArg};
use imap4::proto::{Code, Data, Rfc5530Code};
use imap4::transport::{ConnectOptions, Transport};
use imap4::Error;

const NEEDS: &str = "needs the Dovecot from scripts/dovecot (run scripts/test)";

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} not set: eval \"$(scripts/dovecot env)\""))
}

/// grace, logged in over loopback.
fn login() -> Client<Transport> {
    let port = env("IMAP4_PORT").parse().unwrap();
    let mut c =
        Client::connect_plain(&env("IMAP4_HOST"), port, &ConnectOptions::default()).unwrap();
    c.allow_plaintext_login(true);
    c.login(&env("IMAP4_USER9"), &env("IMAP4_PASS9")).unwrap();
    c
}

/// A fresh mailbox (deleted first if a previous run left it).
fn fresh(c: &mut Client<Transport>, name: &str) {
    let _ = c.run(&encode::Delete::new(name));
    c.run(&encode::Create::new(name)).unwrap();
}

fn message(size: usize) -> Vec<u8> {
    let mut m = b"From: grace@example.com\r\nSubject: quota\r\n\r\n".to_vec();
    while m.len() < size {
        m.extend_from_slice(
            b"0123456789012345678901234567890123456789012345678901234567890123\r\n",
        );
    }
    m
}

fn append(c: &mut Client<Transport>, mailbox: &str, msg: Vec<u8>) {
    c.run(&encode::Append::new(
        mailbox,
        encode::AppendMessage::new(msg),
    ))
    .unwrap();
}

fn messages_in(c: &mut Client<Transport>, mailbox: &str) -> u32 {
    c.examine(mailbox).unwrap().exists
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn acl_set_get_delete_and_rights_take_effect() {
    let _ = NEEDS;
    let mut c = login();
    let me = env("IMAP4_USER9");
    let other = env("IMAP4_USER8");
    let mb = "admin-acl";
    fresh(&mut c, mb);

    // The owner alone, with every right.
    let acl = c.get_acl(mb).unwrap();
    let mine = acl
        .iter()
        .find(|e| e.identifier == me)
        .expect("owner entry");
    for r in ['l', 'r', 'i', 'a', 'x'] {
        assert!(mine.rights.contains(r), "{r} in {}", mine.rights);
    }
    assert!(acl.iter().all(|e| e.identifier != other), "{acl:?}");

    // Rights for another user read back, also on a second connection.
    c.set_acl(mb, &other, "lrs").unwrap();
    c.set_acl(mb, &other, "+w").unwrap();
    let mut c2 = login();
    let acl = c2.get_acl(mb).unwrap();
    let theirs = acl
        .iter()
        .find(|e| e.identifier == other)
        .expect("new entry");
    let mut letters: Vec<char> = theirs.rights.iter().collect();
    letters.sort_unstable();
    assert_eq!(letters, ['l', 'r', 's', 'w'], "{}", theirs.rights);

    // LISTRIGHTS: what may be granted.
    let lr = c.list_rights(mb, &other).unwrap();
    let grantable: String = lr.optional.iter().map(|r| r.as_str()).collect();
    for r in ['l', 'r', 'i', 'a'] {
        assert!(
            lr.required.contains(r) || grantable.contains(r),
            "{r}: {lr:?}"
        );
    }

    // MYRIGHTS follows the owner's own entry, and so does the server: without `i`,
    // APPEND is refused. (Dovecot ignores a relative `-i` while the owner has only the
    // default rights, so the entry is set in full.)
    assert!(c.my_rights(mb).unwrap().contains('i'));
    c.set_acl(mb, &me, "lrswtekxa").unwrap();
    let now = c.my_rights(mb).unwrap();
    assert!(!now.contains('i') && now.contains('a'), "{now}");
    let e = c
        .run(&encode::Append::new(
            mb,
            encode::AppendMessage::new(message(100)),
        ))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::No {
                code: Some(Code::Rfc5530(Rfc5530Code::NoPerm)),
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(messages_in(&mut c, mb), 0);
    c.set_acl(mb, &me, "+i").unwrap();
    assert!(c
        .get_acl(mb)
        .unwrap()
        .iter()
        .any(|e| e.identifier == me && e.rights.contains('i')));
    // (This session's Dovecot keeps the rights it computed for the failed APPEND for a
    // while; a new session sees the change at once.)
    let mut c3 = login();
    assert!(c3.my_rights(mb).unwrap().contains('i'));
    append(&mut c3, mb, message(100));
    assert_eq!(messages_in(&mut c3, mb), 1);
    c3.logout().unwrap();

    // DELETEACL removes the other user's entry.
    c.delete_acl(mb, &other).unwrap();
    let acl = c2.get_acl(mb).unwrap();
    assert!(acl.iter().all(|e| e.identifier != other), "{acl:?}");

    // A mailbox that does not exist: a typed NO.
    let e = c.get_acl("admin-acl-missing").unwrap_err();
    assert!(
        matches!(
            e,
            Error::No {
                command: "GETACL",
                ..
            }
        ),
        "{e:?}"
    );

    c.run(&encode::Unselect).unwrap();
    c.run(&encode::Delete::new(mb)).unwrap();
    c.logout().unwrap();
    c2.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn quota_roots_usage_grows_after_append_and_setquota_is_refused() {
    let mut c = login();
    let mb = "admin-quota";
    fresh(&mut c, mb);

    let qr = c.get_quota_root(mb).unwrap();
    assert_eq!(qr.roots.len(), 1, "{qr:?}");
    let root = qr.roots[0].clone();
    assert_eq!(qr.quotas.len(), 1, "{qr:?}");
    assert_eq!(qr.quotas[0].root, root);
    let storage = qr.quotas[0].resource("storage").expect("STORAGE").clone();
    assert_eq!(storage.limit, 4 * 1024 * 1024, "4G in KiB");

    let before = c.get_quota(&root).unwrap();
    assert_eq!(before.root, root);
    let used = before.resource("STORAGE").unwrap().usage;
    // 200 KiB more.
    append(&mut c, mb, message(200 * 1024));
    let after = c.get_quota(&root).unwrap();
    let grown = after.resource("STORAGE").unwrap().usage;
    assert!(grown >= used + 195, "STORAGE {used} -> {grown}");
    // And it shows through GETQUOTAROOT as well.
    let qr = c.get_quota_root("INBOX").unwrap();
    assert_eq!(qr.roots, std::slice::from_ref(&root));
    assert!(qr.quotas[0].resource("STORAGE").unwrap().usage >= used + 195);

    // Only an administrator may change the quota: a typed NO, connection fine.
    let e = c.set_quota(&root, [("STORAGE", 1024)]).unwrap_err();
    assert!(
        matches!(
            e,
            Error::No {
                command: "SETQUOTA",
                ..
            }
        ),
        "{e:?}"
    );
    let unchanged = c.get_quota(&root).unwrap();
    assert_eq!(unchanged.resource("STORAGE").unwrap().limit, storage.limit);

    c.run(&encode::Delete::new(mb)).unwrap();
    let gone = c.get_quota(&root).unwrap();
    assert!(gone.resource("STORAGE").unwrap().usage < grown);
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn metadata_set_and_get_on_a_mailbox_and_the_server() {
    let mut c = login();
    let mb = "admin-meta";
    fresh(&mut c, mb);
    let multi = "line one\r\nline two";
    c.set_metadata(
        mb,
        [
            ("/private/comment", Some(multi)),
            ("/shared/comment", Some("shared note")),
        ],
    )
    .unwrap();

    // Read back on a second connection.
    let mut c2 = login();
    let got = c2
        .get_metadata(
            mb,
            &["/private/comment", "/shared/comment", "/private/absent"],
        )
        .unwrap();
    let value = |name: &str| {
        got.iter()
            .find(|e| e.name == name)
            .and_then(|e| e.value_str().map(|v| v.into_owned()))
    };
    assert_eq!(value("/private/comment").as_deref(), Some(multi), "{got:?}");
    assert_eq!(value("/shared/comment").as_deref(), Some("shared note"));
    assert_eq!(value("/private/absent"), None);

    // DEPTH and MAXSIZE: the long entry is left out and counted.
    let m = c2
        .get_metadata_with(
            GetMetadata::new(mb, ["/private"])
                .depth(MetadataDepth::Infinity)
                .max_size(5),
        )
        .unwrap();
    assert!(
        m.entries.iter().all(|e| e.name != "/private/comment"),
        "{m:?}"
    );
    assert_eq!(m.long_entries, Some(multi.len() as u64), "{m:?}");

    // NIL removes.
    c.set_metadata(mb, [("/private/comment", None::<&str>)])
        .unwrap();
    let got = c2.get_metadata(mb, &["/private/comment"]).unwrap();
    assert!(got.iter().all(|e| e.value.is_none()), "{got:?}");

    // Server entries (mailbox "").
    c.set_metadata("", [("/private/comment", Some("server note"))])
        .unwrap();
    let got = c2.get_metadata("", &["/private/comment"]).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].value_str().as_deref(), Some("server note"));
    c.set_metadata("", [("/private/comment", None::<&str>)])
        .unwrap();
    let got = c2.get_metadata("", &["/private/comment"]).unwrap();
    assert!(got.iter().all(|e| e.value.is_none()), "{got:?}");

    // An entry name outside /private and /shared: a typed BAD or NO.
    let e = c.set_metadata(mb, [("/nowhere/x", Some("y"))]).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Bad {
                command: "SETMETADATA",
                ..
            } | Error::No {
                command: "SETMETADATA",
                ..
            }
        ),
        "{e:?}"
    );

    c.run(&encode::Delete::new(mb)).unwrap();
    c.logout().unwrap();
    c2.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn id_returns_the_servers_name() {
    let mut c = login();
    let server = c
        .id(&[("name", Some("imap4-tests")), ("version", Some("0.1"))])
        .unwrap();
    let name = server
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("name"))
        .and_then(|(_, v)| v.as_deref());
    assert_eq!(name, Some("Dovecot"), "{server:?}");
    // ID NIL, before login too.
    let server = c.id(&[]).unwrap();
    assert!(!server.is_empty());
    let port = env("IMAP4_PORT").parse().unwrap();
    let mut fresh =
        Client::connect_plain(&env("IMAP4_HOST"), port, &ConnectOptions::default()).unwrap();
    assert!(fresh
        .id(&[("name", None)])
        .unwrap()
        .iter()
        .any(|(k, _)| k == "name"));
    c.logout().unwrap();
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn raw_commands_and_unknown_ones() {
    let mut c = login();
    let reply = c.run(&Raw::new("NOOP")).unwrap();
    assert!(reply.data.is_empty());
    // A raw command with arguments and typed untagged data in the reply.
    let reply = c
        .run(&Raw::new("MYRIGHTS").arg(RawArg::mailbox("INBOX")))
        .unwrap();
    assert!(
        reply
            .data
            .iter()
            .any(|d| matches!(d, Data::MyRights { rights, .. } if rights.contains(&b'l'))),
        "{:?}",
        reply.data
    );
    let e = c.run(&Raw::new("XYZZY")).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Bad {
                command: "XYZZY",
                ..
            }
        ),
        "{e:?}"
    );
    // Commands Dovecot does not have: BAD, and the connection goes on.
    let e = c.proxy_auth("frank").unwrap_err();
    assert!(matches!(e, Error::Bad { .. }), "{e:?}");
    // ANNOTATEMORE is not announced: refused before sending.
    let e = c
        .get_annotation("INBOX", &["/comment"], &["value.shared"])
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Capability {
                capability: "ANNOTATEMORE",
                ..
            }
        ),
        "{e:?}"
    );
    c.noop().unwrap();
    c.logout().unwrap();
}

// --- scripted server ----------------------------------------------------------------------

struct Server {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl Server {
    fn cmd(&mut self) -> (String, String) {
        let mut line = String::new();
        self.r.read_line(&mut line).unwrap();
        let line = line.trim_end().to_string();
        let (tag, rest) = line.split_once(' ').unwrap_or((&line, ""));
        (tag.to_string(), rest.to_string())
    }

    fn send(&mut self, s: &str) {
        self.w.write_all(s.as_bytes()).unwrap();
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
    Client::from_stream(TcpStream::connect(("127.0.0.1", port)).unwrap(), false).unwrap()
}

#[test]
fn annotations_against_a_cyrus_like_server() {
    let mut c = fake(
        "* PREAUTH [CAPABILITY IMAP4rev1 ANNOTATEMORE LITERAL+] cyrus-like",
        |mut s| {
            let (t, rest) = s.cmd();
            assert_eq!(
                rest,
                "GETANNOTATION INBOX (/comment /vendor/cmu/cyrus-imapd/size) (\"value.shared\" \"size.shared\")"
            );
            s.send(
                "* ANNOTATION INBOX \"/comment\" (\"value.shared\" \"Team inbox\" \"size.shared\" \"10\")\r\n\
                 * ANNOTATION INBOX \"/vendor/cmu/cyrus-imapd/size\" (\"value.shared\" \"4096\" \"size.shared\" NIL)\r\n\
                 * 3 EXISTS\r\n",
            );
            s.send(&format!("{t} OK Completed\r\n"));
            let (t, rest) = s.cmd();
            assert_eq!(
                rest,
                "SETANNOTATION INBOX \"/comment\" (\"value.shared\" \"new note\" \"value.priv\" NIL)"
            );
            s.send(&format!("{t} OK Completed\r\n"));
            let (t, rest) = s.cmd();
            assert!(rest.starts_with("SETANNOTATION"), "{rest}");
            s.send(&format!("{t} NO [NOPERM] Permission denied\r\n"));
        },
    );
    let got = c
        .get_annotation(
            "INBOX",
            &["/comment", "/vendor/cmu/cyrus-imapd/size"],
            &["value.shared", "size.shared"],
        )
        .unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].mailbox, "INBOX");
    assert_eq!(got[0].entry, "/comment");
    assert_eq!(got[0].get("value.shared").as_deref(), Some("Team inbox"));
    assert_eq!(got[0].get("size.shared").as_deref(), Some("10"));
    assert_eq!(got[1].entry, "/vendor/cmu/cyrus-imapd/size");
    assert_eq!(got[1].get("size.shared"), None);
    assert_eq!(got[1].attributes.len(), 2);
    // The EXISTS went where unsolicited data goes.
    assert!(c
        .take_unsolicited()
        .iter()
        .any(|u| matches!(u, imap4::Unsolicited::Data(Data::Exists(3)))));

    c.set_annotation(
        "INBOX",
        "/comment",
        [("value.shared", Some("new note")), ("value.priv", None)],
    )
    .unwrap();
    let e = c
        .set_annotation("INBOX", "/comment", [("value.shared", Some("x"))])
        .unwrap_err();
    assert!(
        matches!(
            &e,
            Error::No {
                command: "SETANNOTATION",
                code: Some(Code::Rfc5530(Rfc5530Code::NoPerm)),
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn missing_capabilities_are_refused_before_sending() {
    let mut c = fake("* PREAUTH [CAPABILITY IMAP4rev1] bare", |mut s| {
        // Only the final NOOP reaches the server.
        let (t, rest) = s.cmd();
        assert_eq!(rest, "NOOP");
        s.send(&format!("{t} OK\r\n"));
    });
    let cap = |e: Error| match e {
        Error::Capability { capability, .. } => capability,
        other => panic!("{other:?}"),
    };
    assert_eq!(cap(c.get_acl("INBOX").unwrap_err()), "ACL");
    assert_eq!(cap(c.my_rights("INBOX").unwrap_err()), "ACL");
    assert_eq!(cap(c.get_quota("").unwrap_err()), "QUOTA");
    assert_eq!(cap(c.get_quota_root("INBOX").unwrap_err()), "QUOTA");
    assert_eq!(
        cap(c.get_metadata("", &["/private/comment"]).unwrap_err()),
        "METADATA-SERVER"
    );
    assert_eq!(cap(c.id(&[]).unwrap_err()), "ID");
    c.noop().unwrap();
}
