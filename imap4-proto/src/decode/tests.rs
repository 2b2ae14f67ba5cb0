//! Decoder tests: RFC examples, real-server quirks (each named after the server behaviour it
//! covers), limits and recovery.

use super::*;
use crate::types::*;

fn one(s: &str) -> Response {
    match parse_response(s.as_bytes()) {
        Ok(r) => r,
        Err(e) => panic!("{s:?}: {e}"),
    }
}

fn data(s: &str) -> Data {
    match one(s) {
        Response::Data(d) => d,
        r => panic!("not data: {r:?}"),
    }
}

fn status(s: &str) -> Status {
    match one(s) {
        Response::Status(st) => st,
        r => panic!("not status: {r:?}"),
    }
}

fn fetch(s: &str) -> Fetch {
    match data(s) {
        Data::Fetch(f) => f,
        d => panic!("not fetch: {d:?}"),
    }
}

fn b(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

fn seq(s: &str) -> crate::SequenceSet {
    crate::SequenceSet::parse(s.as_bytes()).unwrap()
}

// ---- status responses and codes ----

#[test]
fn greeting_ok_with_capability() {
    let s = status("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ready.\r\n");
    assert_eq!(s.tag, None);
    assert_eq!(s.kind, StatusKind::Ok);
    let Some(Code::Capability(caps)) = s.code else {
        panic!()
    };
    assert_eq!(caps.len(), 9);
    assert!(caps[8].is("auth=plain"));
    assert_eq!(s.text, b("Dovecot ready."));
}

#[test]
fn preauth_and_bye() {
    assert_eq!(
        status("* PREAUTH [CAPABILITY IMAP4rev2] Logged in as alice\r\n").kind,
        StatusKind::PreAuth
    );
    let s = status("* BYE Autologout; idle for too long\r\n");
    assert_eq!(s.kind, StatusKind::Bye);
    assert_eq!(s.text, b("Autologout; idle for too long"));
}

#[test]
fn tagged_completion_codes() {
    let s = status("a1 OK [READ-WRITE] SELECT completed\r\n");
    assert_eq!(s.tag, Some(Tag::from("a1")));
    assert_eq!(s.code, Some(Code::ReadWrite));
    let s = status("A0004 NO [TRYCREATE] Mailbox doesn't exist: x\r\n");
    assert_eq!(s.kind, StatusKind::No);
    assert_eq!(s.code, Some(Code::TryCreate));
    let s = status("a BAD Error in IMAP command: Unknown command.\r\n");
    assert_eq!(s.kind, StatusKind::Bad);
}

#[test]
fn every_typed_code() {
    let cases: Vec<(&str, Code)> = vec![
        ("ALERT", Code::Alert),
        ("PARSE", Code::Parse),
        ("READ-ONLY", Code::ReadOnly),
        ("UIDNEXT 4392", Code::UidNext(4392)),
        ("UIDVALIDITY 3857529045", Code::UidValidity(3857529045)),
        ("UNSEEN 12", Code::Unseen(12)),
        (
            "HIGHESTMODSEQ 715194045007",
            Code::HighestModSeq(715194045007),
        ),
        ("NOMODSEQ", Code::NoModSeq),
        ("CLOSED", Code::Closed),
        ("UIDNOTSTICKY", Code::UidNotSticky),
        ("HASCHILDREN", Code::HasChildren),
        ("COMPRESSIONACTIVE", Code::CompressionActive),
        ("TOOBIG", Code::TooBig),
        ("MODIFIED 7,9", Code::Modified(seq("7,9"))),
        (
            "APPENDUID 38505 3955",
            Code::AppendUid {
                uid_validity: 38505,
                uids: seq("3955"),
            },
        ),
        (
            "COPYUID 38505 304,319:320 3956:3958",
            Code::CopyUid {
                uid_validity: 38505,
                source: seq("304,319:320"),
                dest: seq("3956:3958"),
            },
        ),
        (
            "PERMANENTFLAGS (\\Deleted \\Seen \\*)",
            Code::PermanentFlags(vec![Flag::Deleted, Flag::Seen, Flag::MayCreate]),
        ),
        (
            "BADCHARSET (UTF-8 US-ASCII)",
            Code::BadCharset(vec![b("UTF-8"), b("US-ASCII")]),
        ),
        ("BADCHARSET", Code::BadCharset(vec![])),
        (
            "MAILBOXID (F2212ea87-6097)",
            Code::MailboxId(b("F2212ea87-6097")),
        ),
        (
            "REFERRAL IMAP://user;AUTH=*@SERVER2/",
            Code::Referral(b("IMAP://user;AUTH=*@SERVER2/")),
        ),
        (
            "METADATA LONGENTRIES 2199",
            Code::Metadata(MetadataCode::LongEntries(2199)),
        ),
        ("METADATA TOOMANY", Code::Metadata(MetadataCode::TooMany)),
        (
            "AUTHENTICATIONFAILED",
            Code::Rfc5530(Rfc5530Code::AuthenticationFailed),
        ),
        ("NONEXISTENT", Code::Rfc5530(Rfc5530Code::NonExistent)),
        ("OVERQUOTA", Code::Rfc5530(Rfc5530Code::OverQuota)),
        ("CANNOT", Code::Rfc5530(Rfc5530Code::Cannot)),
    ];
    for (text, code) in cases {
        let s = status(&format!("t1 NO [{text}] text here\r\n"));
        assert_eq!(s.code.as_ref(), Some(&code), "{text}");
        assert_eq!(s.text, b("text here"), "{text}");
    }
}

#[test]
fn unknown_code_is_kept_raw() {
    let s = status("* OK [XYZZY foo (bar)] whatever\r\n");
    assert_eq!(
        s.code,
        Some(Code::Other {
            name: b("XYZZY"),
            value: Some(b("foo (bar)"))
        })
    );
    assert_eq!(s.text, b("whatever"));
    let s = status("* OK [X-NOARG] t\r\n");
    assert_eq!(
        s.code,
        Some(Code::Other {
            name: b("X-NOARG"),
            value: None
        })
    );
}

#[test]
fn known_code_with_bad_arguments_is_kept_raw() {
    // Seen from broken proxies: a non-numeric UIDNEXT must not cost the response.
    let s = status("* OK [UIDNEXT none] Predicted next UID\r\n");
    assert_eq!(
        s.code,
        Some(Code::Other {
            name: b("UIDNEXT"),
            value: Some(b("none"))
        })
    );
}

#[test]
fn bracket_in_text_without_code() {
    // A '[' with no closing bracket is plain text.
    let s = status("* OK [no closing bracket here\r\n");
    assert_eq!(s.code, None);
    assert_eq!(s.text, b("[no closing bracket here"));
}

#[test]
fn status_without_text() {
    // Several servers (and old Exchange) send a completion with no text at all.
    let s = status("a1 OK\r\n");
    assert_eq!(s.text, b(""));
    let s = status("a1 OK [READ-ONLY]\r\n");
    assert_eq!(s.code, Some(Code::ReadOnly));
}

#[test]
fn continuation_forms() {
    let Response::Continue(c) = one("+ idling\r\n") else {
        panic!()
    };
    assert_eq!(c.text, b("idling"));
    // Bare "+" without a space: sent by several servers for literals.
    let Response::Continue(c) = one("+\r\n") else {
        panic!()
    };
    assert_eq!(c.text, b(""));
    let Response::Continue(c) = one("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+\r\n") else {
        panic!()
    };
    assert_eq!(c.text, b("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+"));
    let Response::Continue(c) = one("+ [ALERT] go ahead\r\n") else {
        panic!()
    };
    assert_eq!(c.code, Some(Code::Alert));
}

#[test]
fn bare_lf_line_ending() {
    // Some proxies strip CR: accept LF alone.
    assert_eq!(data("* 5 EXISTS\n"), Data::Exists(5));
}

// ---- untagged data ----

#[test]
fn capability_and_enabled() {
    let Data::Capability(c) =
        data("* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED \r\n")
    else {
        panic!()
    };
    assert_eq!(c.len(), 4);
    let Data::Enabled(c) = data("* ENABLED CONDSTORE QRESYNC\r\n") else {
        panic!()
    };
    assert!(c[1].is("qresync"));
    let Data::Enabled(c) = data("* ENABLED\r\n") else {
        panic!()
    };
    assert!(c.is_empty());
}

#[test]
fn exists_recent_expunge_lowercase() {
    assert_eq!(data("* 172 EXISTS\r\n"), Data::Exists(172));
    assert_eq!(data("* 1 RECENT\r\n"), Data::Recent(1));
    assert_eq!(data("* 44 expunge\r\n"), Data::Expunge(44));
}

#[test]
fn flags_with_keywords_and_wildcard() {
    let Data::Flags(f) = data("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent NonJunk \\*)\r\n")
    else {
        panic!()
    };
    assert_eq!(f[0], Flag::Answered);
    assert_eq!(f[5], Flag::keyword("$Forwarded"));
    assert_eq!(f[7], Flag::keyword("NonJunk"));
    assert_eq!(f[8], Flag::MayCreate);
    // Trailing space inside the list (seen from Zimbra).
    let Data::Flags(f) = data("* FLAGS (\\Seen )\r\n") else {
        panic!()
    };
    assert_eq!(f, vec![Flag::Seen]);
}

#[test]
fn list_basic_and_nil_delimiter() {
    let Data::List(l) = data("* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n") else {
        panic!()
    };
    assert_eq!(l.attributes, vec![MailboxAttr::NoSelect]);
    assert_eq!(l.delimiter, Some(b'/'));
    assert_eq!(l.mailbox.as_bytes(), b"~/Mail/foo");
    let Data::List(l) = data("* LIST () NIL Foo\r\n") else {
        panic!()
    };
    assert_eq!(l.delimiter, None);
    let Data::Lsub(l) = data("* LSUB () \".\" #news.comp.mail.misc\r\n") else {
        panic!()
    };
    assert_eq!(l.delimiter, Some(b'.'));
}

#[test]
fn list_special_use_extended_and_utf7() {
    let Data::List(l) = data("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"\r\n") else {
        panic!()
    };
    assert_eq!(l.special_use(), Some(&MailboxAttr::Sent));
    assert_eq!(l.mailbox.name(), "Sent Items");
    // Cyrus sends special-use flags in lower case.
    let Data::List(l) = data("* LIST (\\HasNoChildren \\drafts) \".\" INBOX.Drafts\r\n") else {
        panic!()
    };
    assert_eq!(l.special_use(), Some(&MailboxAttr::Drafts));
    let Data::List(l) =
        data("* LIST (\\Subscribed) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\") \"OLDNAME\" (\"Bar\"))\r\n")
    else {
        panic!()
    };
    assert_eq!(l.child_info(), vec![b("SUBSCRIBED")]);
    assert_eq!(l.extended.len(), 2);
    let Data::List(l) = data("* LIST (\\HasNoChildren) \"/\" Entw&APw-rfe\r\n") else {
        panic!()
    };
    assert_eq!(l.mailbox.name(), "Entwürfe");
    // Mailbox name as a literal, and "inbox" normalised.
    let Data::List(l) = data("* LIST () \"/\" {5}\r\ninbox\r\n") else {
        panic!()
    };
    assert!(l.mailbox.is_inbox());
    assert_eq!(l.mailbox.as_bytes(), b"INBOX");
}

#[test]
fn status_every_item() {
    let Data::Status { mailbox, items } = data("* STATUS \"blurdybloop\" (MESSAGES 231 UIDNEXT 44292 UIDVALIDITY 1 UNSEEN 3 RECENT 0 DELETED 2 SIZE 1234567 HIGHESTMODSEQ 7011231777 APPENDLIMIT 1000 MAILBOXID (F8b1) X-FOO 9)\r\n")
    else {
        panic!()
    };
    assert_eq!(mailbox.as_bytes(), b"blurdybloop");
    assert_eq!(
        items,
        vec![
            StatusItem::Messages(231),
            StatusItem::UidNext(44292),
            StatusItem::UidValidity(1),
            StatusItem::Unseen(3),
            StatusItem::Recent(0),
            StatusItem::Deleted(2),
            StatusItem::Size(1234567),
            StatusItem::HighestModSeq(7011231777),
            StatusItem::AppendLimit(Some(1000)),
            StatusItem::MailboxId(b("F8b1")),
            StatusItem::Other(b("X-FOO"), 9),
        ]
    );
    let Data::Status { items, .. } = data("* STATUS INBOX (APPENDLIMIT NIL)\r\n") else {
        panic!()
    };
    assert_eq!(items, vec![StatusItem::AppendLimit(None)]);
}

#[test]
fn search_forms() {
    assert_eq!(
        data("* SEARCH 2 84 882\r\n"),
        Data::Search {
            nums: vec![2, 84, 882],
            modseq: None
        }
    );
    // Empty result with a trailing space (Exchange, Yahoo).
    assert_eq!(
        data("* SEARCH \r\n"),
        Data::Search {
            nums: vec![],
            modseq: None
        }
    );
    assert_eq!(
        data("* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n"),
        Data::Search {
            nums: vec![2, 5, 6, 7, 11, 12, 18, 19, 20, 23],
            modseq: Some(917162500)
        }
    );
    assert_eq!(
        data("* SORT 2 3 6\r\n"),
        Data::Sort {
            nums: vec![2, 3, 6],
            modseq: None
        }
    );
}

#[test]
fn esearch_forms() {
    let Data::ESearch(e) = data("* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n") else {
        panic!()
    };
    assert_eq!(e.tag, Some(b("A282")));
    assert!(!e.uid);
    assert_eq!(e.items, vec![ESearchItem::Min(2), ESearchItem::Count(3)]);
    let Data::ESearch(e) =
        data("* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800 ALL 4:18,21,28 MODSEQ 12 PARTIAL (-1:-100 200:250,252:300) X-Y (a b)\r\n")
    else {
        panic!()
    };
    assert!(e.uid);
    assert_eq!(e.all(), Some(&seq("4:18,21,28")));
    assert_eq!(e.items[3], ESearchItem::ModSeq(12));
    assert_eq!(
        e.items[4],
        ESearchItem::Partial {
            range: b("-1:-100"),
            set: Some(seq("200:250,252:300"))
        }
    );
    assert_eq!(
        e.items[5],
        ESearchItem::Other {
            name: b("X-Y"),
            value: b("(a b)")
        }
    );
    let Data::ESearch(e) = data("* ESEARCH (TAG \"A1\") UID\r\n") else {
        panic!()
    };
    assert!(e.items.is_empty() && e.count().is_none());
}

#[test]
fn thread_rfc5256_examples() {
    let Data::Thread(t) = data("* THREAD (2)(3 6 (4 23)(44 7 96))\r\n") else {
        panic!()
    };
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].messages, vec![2]);
    assert_eq!(t[1].messages, vec![3, 6]);
    assert_eq!(t[1].children[0].messages, vec![4, 23]);
    assert_eq!(t[1].children[1].messages, vec![44, 7, 96]);
    assert_eq!(t[1].all_messages(), vec![3, 6, 4, 23, 44, 7, 96]);
    let Data::Thread(t) = data("* THREAD ((3)(5))\r\n") else {
        panic!()
    };
    assert!(t[0].messages.is_empty());
    assert_eq!(t[0].children.len(), 2);
    let Data::Thread(t) = data("* THREAD\r\n") else {
        panic!()
    };
    assert!(t.is_empty());
    assert!(parse_response(b"* THREAD (1 (2) 3)\r\n").is_err());
}

#[test]
fn namespace_forms() {
    let Data::Namespace(n) =
        data("* NAMESPACE ((\"\" \"/\")) NIL ((\"Public Folders/\" \"/\"))\r\n")
    else {
        panic!()
    };
    assert_eq!(n.personal[0].delimiter, Some(b'/'));
    assert!(n.other.is_empty());
    assert_eq!(n.shared[0].prefix, b("Public Folders/"));
    // Cyrus: personal folders under INBOX with '.'.
    let Data::Namespace(n) =
        data("* NAMESPACE ((\"INBOX.\" \".\")) ((\"user.\" \".\")) ((\"\" \".\"))\r\n")
    else {
        panic!()
    };
    assert_eq!(n.personal[0].prefix, b("INBOX."));
    let Data::Namespace(n) =
        data("* NAMESPACE ((\"\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL NIL\r\n")
    else {
        panic!()
    };
    assert_eq!(n.personal[0].extensions[0].1.len(), 2);
}

#[test]
fn id_forms() {
    let Data::Id(p) = data("* ID (\"name\" \"Dovecot\" \"version\" NIL)\r\n") else {
        panic!()
    };
    assert_eq!(
        p,
        vec![(b("name"), Some(b("Dovecot"))), (b("version"), None)]
    );
    assert_eq!(data("* ID NIL\r\n"), Data::Id(vec![]));
}

#[test]
fn quota_acl_rights() {
    assert_eq!(
        data("* QUOTA \"User quota\" (STORAGE 10 512 MESSAGE 1 1000)\r\n"),
        Data::Quota {
            root: b("User quota"),
            resources: vec![
                QuotaResource {
                    name: b("STORAGE"),
                    usage: 10,
                    limit: 512
                },
                QuotaResource {
                    name: b("MESSAGE"),
                    usage: 1,
                    limit: 1000
                }
            ]
        }
    );
    let Data::QuotaRoot { mailbox, roots } = data("* QUOTAROOT INBOX \"User quota\"\r\n") else {
        panic!()
    };
    assert!(mailbox.is_inbox());
    assert_eq!(roots, vec![b("User quota")]);
    let Data::QuotaRoot { roots, .. } = data("* QUOTAROOT comp.mail.mime\r\n") else {
        panic!()
    };
    assert!(roots.is_empty());
    let Data::Acl { entries, .. } = data("* ACL INBOX Fred rwipsldexta owner lrswipkxtecdan\r\n")
    else {
        panic!()
    };
    assert_eq!(entries[1], (b("owner"), b("lrswipkxtecdan")));
    let Data::ListRights {
        required, optional, ..
    } = data("* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n")
    else {
        panic!()
    };
    assert_eq!(required, b("la"));
    assert_eq!(optional, vec![b("r"), b("swicdkxte")]);
    let Data::MyRights { rights, .. } = data("* MYRIGHTS INBOX rwiptsldaex\r\n") else {
        panic!()
    };
    assert_eq!(rights, b("rwiptsldaex"));
}

#[test]
fn metadata_and_annotation() {
    let Data::Metadata { mailbox, entries } =
        data("* METADATA \"INBOX\" (/private/comment \"My own comment\" /shared/x NIL)\r\n")
    else {
        panic!()
    };
    assert!(mailbox.is_inbox());
    assert_eq!(
        entries,
        MetadataEntries::Values(vec![
            (b("/private/comment"), Some(b("My own comment"))),
            (b("/shared/x"), None)
        ])
    );
    let Data::Metadata { entries, .. } = data("* METADATA \"\" /shared/comment /shared/admin\r\n")
    else {
        panic!()
    };
    assert_eq!(
        entries,
        MetadataEntries::Names(vec![b("/shared/comment"), b("/shared/admin")])
    );
    let Data::Metadata { entries, .. } = data("* METADATA INBOX (/private/v {3}\r\na\"b)\r\n")
    else {
        panic!()
    };
    assert_eq!(
        entries,
        MetadataEntries::Values(vec![(b("/private/v"), Some(b("a\"b")))])
    );
    let Data::Annotation {
        entry, attributes, ..
    } = data("* ANNOTATION INBOX \"/comment\" (\"value.shared\" \"Hi\" \"size.shared\" \"2\")\r\n")
    else {
        panic!()
    };
    assert_eq!(entry, b("/comment"));
    assert_eq!(attributes[0], (b("value.shared"), Some(b("Hi"))));
}

#[test]
fn vanished() {
    assert_eq!(
        data("* VANISHED (EARLIER) 300:310,405,411\r\n"),
        Data::Vanished {
            earlier: true,
            uids: seq("300:310,405,411")
        }
    );
    assert_eq!(
        data("* VANISHED 405\r\n"),
        Data::Vanished {
            earlier: false,
            uids: seq("405")
        }
    );
}

#[test]
fn unknown_untagged_is_kept() {
    assert_eq!(
        data("* XFOO bar (baz) {3}\r\nabc\r\n"),
        Data::Other {
            name: b("XFOO"),
            rest: b("bar (baz) {3}\r\nabc")
        }
    );
    assert_eq!(
        data("* 3 XNUM x\r\n"),
        Data::Other {
            name: b("3"),
            rest: b("XNUM x")
        }
    );
}

// ---- FETCH ----

#[test]
fn fetch_simple_items() {
    let f = fetch("* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 UID 9 MODSEQ (12121231000))\r\n");
    assert_eq!(f.seq, 12);
    assert_eq!(f.flags(), Some(&[Flag::Seen][..]));
    let d = f.internal_date().unwrap();
    assert_eq!((d.year, d.month, d.day, d.hour), (1996, 7, 17, 2));
    assert_eq!(d.offset_minutes, -420);
    assert_eq!(f.size(), Some(4286));
    assert_eq!(f.uid(), Some(9));
    assert_eq!(f.modseq(), Some(12121231000));
}

#[test]
fn fetch_envelope_rfc3501_example() {
    let f = fetch(concat!(
        "* 12 FETCH (ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" ",
        "\"IMAP4rev1 WG mtg summary and minutes\" ",
        "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ",
        "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ",
        "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ",
        "((NIL NIL \"imap\" \"cac.washington.edu\")) ",
        "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")",
        "(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL ",
        "\"<B27397-0100000@cac.washington.edu>\"))\r\n"
    ));
    let e = f.envelope().unwrap();
    assert_eq!(
        e.subject(),
        Some(&b"IMAP4rev1 WG mtg summary and minutes"[..])
    );
    assert_eq!(e.from().get(0).unwrap().name(), Some(&b"Terry Gray"[..]));
    assert_eq!(
        e.from().get(0).unwrap().email().as_deref(),
        Some("gray@cac.washington.edu")
    );
    assert_eq!(e.cc().len(), 2);
    assert_eq!(
        e.cc().to_vec()[1].email().as_deref(),
        Some("KLENSIN@MIT.EDU")
    );
    assert!(e.bcc().is_empty());
    assert_eq!(e.in_reply_to(), None);
    assert_eq!(
        e.message_id(),
        Some(&b"<B27397-0100000@cac.washington.edu>"[..])
    );
}

#[test]
fn fetch_envelope_group_and_escapes() {
    let f = fetch("* 1 FETCH (ENVELOPE (NIL \"say \\\"hi\\\" \\\\ there\" NIL NIL NIL ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL))\r\n");
    let e = f.envelope().unwrap();
    assert_eq!(e.subject(), Some(&b"say \"hi\" \\ there"[..]));
    // The unescaped copy sits beside the response slice; the other strings still read.
    assert_eq!(
        e.to().get(0).unwrap().mailbox(),
        Some(&b"undisclosed-recipients"[..])
    );
    assert_eq!(e.share(e.subject().unwrap()), b("say \"hi\" \\ there"));
    assert!(e.to().get(0).unwrap().is_group_start());
    assert!(e.to().get(1).unwrap().is_group_end());
}

#[test]
fn fetch_envelope_subject_literal_and_8bit() {
    // Dovecot sends subjects with CR/LF or many quotes as literals; raw 8-bit bytes appear
    // in quoted strings from servers that pass headers through unencoded.
    let f = fetch(
        "* 2 FETCH (ENVELOPE (NIL {7}\r\nA\r\nB\"C\" NIL NIL NIL NIL NIL NIL NIL NIL) UID 3)\r\n",
    );
    assert_eq!(f.envelope().unwrap().subject(), Some(&b"A\r\nB\"C\""[..]));
    let f = fetch("* 3 FETCH (ENVELOPE (NIL \"Gr\u{fc}\u{df}e \u{1f600}\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n");
    assert_eq!(f.envelope().unwrap().subject(), Some("Grüße 😀".as_bytes()));
}

#[test]
fn fetch_bodystructure_rfc3501_examples() {
    let f = fetch("* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n");
    let BodyPart::Single(p) = f.body_structure().unwrap().root() else {
        panic!()
    };
    assert_eq!(p.mime_type(), "text/plain");
    assert_eq!(p.param("charset"), Some(&b"US-ASCII"[..]));
    assert_eq!((p.size(), p.lines()), (3028, Some(92)));

    let f = fetch(concat!(
        "* 2 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)",
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") ",
        "\"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\"))\r\n"
    ));
    let BodyPart::Multipart(m) = f.body_structure().unwrap().root() else {
        panic!()
    };
    assert_eq!(m.subtype(), b"MIXED");
    assert_eq!(m.parts().count(), 2);
    let bs = f.body_structure().unwrap();
    let parts = bs.parts();
    assert_eq!(parts[1].0, vec![2]);
    assert_eq!(parts[1].1.description(), Some(&b"Compiler diff"[..]));
    assert_eq!(
        parts[1].1.id(),
        Some(&b"<960723163407.20117h@cac.washington.edu>"[..])
    );
    assert_eq!(parts[1].1.encoding(), b"BASE64");
    assert_eq!(
        parts[1].1.params().collect::<Vec<_>>(),
        [(&b"CHARSET"[..], &b"US-ASCII"[..]), (b"NAME", b"cc.diff")]
    );
}

#[test]
fn fetch_bodystructure_full_extension_data() {
    let f = fetch(concat!(
        "* 3 FETCH (UID 5 BODYSTRUCTURE (",
        "(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 100 4 NIL NIL NIL NIL)",
        "(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 300 5 NIL (\"inline\" NIL) NIL NIL)",
        "(\"application\" \"pdf\" (\"name\" \"r.pdf\") NIL NIL \"base64\" 4000 \"md5sum\" (\"attachment\" (\"filename\" \"r.pdf\" \"size\" \"3000\")) (\"en\" \"de\") \"http://x/loc\" 42 (\"x\" (1 2)))",
        " \"mixed\" (\"boundary\" \"b1\") NIL \"en\" NIL))\r\n"
    ));
    let bs = f.body_structure().unwrap();
    let BodyPart::Multipart(m) = bs.root() else {
        panic!()
    };
    assert_eq!(
        m.params().collect::<Vec<_>>(),
        [(&b"boundary"[..], &b"b1"[..])]
    );
    assert_eq!(m.language().collect::<Vec<_>>(), [b"en"]);
    assert!(m.disposition().is_none() && m.location().is_none());
    let att = bs.attachments();
    assert_eq!(att.len(), 1);
    let (sec, p) = &att[0];
    assert_eq!(sec, &vec![3]);
    assert_eq!(p.filename(), Some(&b"r.pdf"[..]));
    assert_eq!(p.md5(), Some(&b"md5sum"[..]));
    let d = p.disposition().unwrap();
    assert_eq!(d.kind(), b"attachment");
    assert_eq!(d.param("SIZE"), Some(&b"3000"[..]));
    assert_eq!(p.language().collect::<Vec<_>>(), [b"en", b"de"]);
    assert_eq!(p.location(), Some(&b"http://x/loc"[..]));
    assert_eq!(
        p.extensions(),
        [
            BodyExtension::Number(42),
            BodyExtension::List(vec![
                BodyExtension::NString(Some(b("x"))),
                BodyExtension::List(vec![BodyExtension::Number(1), BodyExtension::Number(2)])
            ])
        ]
    );
    let (tsec, tp) = bs.text_part(false).unwrap();
    assert_eq!(tsec, vec![1]);
    assert_eq!(tp.subtype(), b"plain");
    assert_eq!(bs.text_part(true).unwrap().0, vec![2]);
}

#[test]
fn fetch_bodystructure_message_rfc822() {
    let f = fetch(concat!(
        "* 4 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 10 1)",
        "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 500 ",
        "(NIL \"inner\" NIL NIL NIL NIL NIL NIL NIL NIL) ",
        "((\"text\" \"plain\" NIL NIL NIL \"7bit\" 5 1)(\"image\" \"png\" (\"name\" \"a.png\") NIL NIL \"base64\" 80) \"mixed\") 20)",
        " \"mixed\"))\r\n"
    ));
    let bs = f.body_structure().unwrap();
    let secs: Vec<Vec<u32>> = bs.parts().into_iter().map(|(s, _)| s).collect();
    assert_eq!(secs, vec![vec![1], vec![2], vec![2, 1], vec![2, 2]]);
    let BodyPart::Multipart(m) = bs.root() else {
        panic!()
    };
    let Some(BodyPart::Single(msg)) = m.parts().nth(1) else {
        panic!()
    };
    let (env, inner) = msg.message().unwrap();
    assert_eq!(env.subject(), Some(&b"inner"[..]));
    let BodyPart::Multipart(inner) = inner else {
        panic!()
    };
    assert_eq!(inner.parts().count(), 2);
    assert_eq!(msg.lines(), Some(20));
    assert_eq!(msg.size(), 500);
}

#[test]
fn fetch_bodystructure_lenient_nil_strings() {
    // Exchange/Outlook.com: NIL where the grammar wants a string (body subtype, encoding).
    let f = fetch("* 1 FETCH (BODYSTRUCTURE (\"application\" NIL NIL NIL NIL NIL 12))\r\n");
    let BodyPart::Single(p) = f.body_structure().unwrap().root() else {
        panic!()
    };
    assert_eq!(p.subtype(), b"");
    assert_eq!(p.size(), 12);
    // A text part without the line count (seen from some Domino versions).
    let f = fetch("* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 12))\r\n");
    let BodyPart::Single(p) = f.body_structure().unwrap().root() else {
        panic!()
    };
    assert_eq!(p.lines(), None);
}

#[test]
fn fetch_sections_and_partials() {
    let f = fetch("* 1 FETCH (UID 3 BODY[HEADER.FIELDS (FROM SUBJECT)] {23}\r\nFrom: a\r\nSubject: b\r\n\r\n BODY[]<0> {3}\r\nabc BODY[1.2.MIME] NIL BODY[TEXT] \"\")\r\n");
    let hf: Section = "HEADER.FIELDS (FROM SUBJECT)".parse().unwrap();
    assert_eq!(
        f.section(&hf).and_then(|d| d.bytes()),
        Some(&b("From: a\r\nSubject: b\r\n\r\n"))
    );
    assert!(matches!(
        &f.items[2],
        FetchItem::BodySection {
            origin: Some(0),
            ..
        }
    ));
    assert_eq!(f.body(), Some(&b("abc")));
    assert_eq!(
        f.section(&"1.2.MIME".parse().unwrap()),
        Some(&SectionData::Nil)
    );
    assert_eq!(
        f.section(&Section::text()).and_then(|d| d.bytes()),
        Some(&b(""))
    );
}

#[test]
fn fetch_binary_and_rfc822_items() {
    let f = fetch("* 5 FETCH (BINARY[1] ~{4}\r\n\0\x01\x02\x03 BINARY.SIZE[1] 4 BINARY[2]<10> NIL RFC822.HEADER {2}\r\n\r\n RFC822.TEXT NIL RFC822 {1}\r\nx)\r\n");
    assert_eq!(
        f.items[0],
        FetchItem::Binary {
            part: vec![1],
            origin: None,
            data: SectionData::Bytes(Bytes::from_static(b"\0\x01\x02\x03"))
        }
    );
    assert_eq!(
        f.items[1],
        FetchItem::BinarySize {
            part: vec![1],
            size: 4
        }
    );
    assert_eq!(f.header(), Some(&b("\r\n")));
    assert_eq!(f.body(), Some(&b("x")));
}

#[test]
fn fetch_extension_items() {
    let f = fetch("* 6 FETCH (EMAILID (M6d99ac3275bb4e) THREADID NIL SAVEDATE \"01-Jan-2022 10:00:00 +0000\" PREVIEW \"Hello there\" X-GM-MSGID 1278455344230334865 X-GM-THRID 1266894439832287888 X-GM-LABELS (\\Inbox \\Sent \"Custom Label\" foo) ANNOTATION (/comment (value.priv \"My comment\" value.shared NIL)))\r\n");
    assert_eq!(f.items[0], FetchItem::EmailId(b("M6d99ac3275bb4e")));
    assert_eq!(f.items[1], FetchItem::ThreadId(None));
    assert!(matches!(f.items[2], FetchItem::SaveDate(Some(_))));
    assert_eq!(f.items[3], FetchItem::Preview(Some(b("Hello there"))));
    assert_eq!(f.items[4], FetchItem::GmMsgId(1278455344230334865));
    assert_eq!(f.items[5], FetchItem::GmThrId(1266894439832287888));
    assert_eq!(
        f.items[6],
        FetchItem::GmLabels(vec![b("\\Inbox"), b("\\Sent"), b("Custom Label"), b("foo")])
    );
    assert_eq!(
        f.items[7],
        FetchItem::Annotation(vec![(
            b("/comment"),
            vec![
                (b("value.priv"), Some(b("My comment"))),
                (b("value.shared"), None)
            ]
        )])
    );
    let f = fetch("* 6 FETCH (THREADID (T64b478a75b7ea9) SAVEDATE NIL PREVIEW NIL)\r\n");
    assert_eq!(f.items[0], FetchItem::ThreadId(Some(b("T64b478a75b7ea9"))));
    assert_eq!(f.items[1], FetchItem::SaveDate(None));
    assert_eq!(f.items[2], FetchItem::Preview(None));
}

#[test]
fn fetch_unknown_items_kept_raw() {
    let f = fetch("* 7 FETCH (X-FOO (1 (2 \"3\")) UID 8 X-BAR[1.2] {3}\r\nabc X-BAZ atom)\r\n");
    assert_eq!(
        f.items[0],
        FetchItem::Other {
            name: b("X-FOO"),
            value: b("(1 (2 \"3\"))")
        }
    );
    assert_eq!(f.uid(), Some(8));
    assert_eq!(
        f.items[2],
        FetchItem::Other {
            name: b("X-BAR[1.2]"),
            value: b("{3}\r\nabc")
        }
    );
    assert_eq!(
        f.items[3],
        FetchItem::Other {
            name: b("X-BAZ"),
            value: b("atom")
        }
    );
}

#[test]
fn fetch_lenient_case_and_spacing() {
    // Lowercase item names and flags (seen from some hosted servers), doubled spaces,
    // trailing space before ')'.
    let f = fetch("* 1 fetch (uid 5  flags (\\seen \\ANSWERED)  rfc822.size 10 )\r\n");
    assert_eq!(f.uid(), Some(5));
    assert_eq!(f.flags(), Some(&[Flag::Seen, Flag::Answered][..]));
    assert_eq!(f.size(), Some(10));
}

#[test]
fn fetch_internaldate_cyrus_space_padded_day() {
    // Cyrus pads single-digit days with a space.
    let f = fetch("* 1 FETCH (INTERNALDATE \" 2-Jun-2022 10:11:12 +0200\")\r\n");
    let d = f.internal_date().unwrap();
    assert_eq!((d.day, d.month, d.offset_minutes), (2, 6, 120));
}

#[test]
fn fetch_invalid_date_is_an_error_not_garbage() {
    let e =
        parse_response(b"* 1 FETCH (INTERNALDATE \"32-Foo-2022 10:11:12 +0200\")\r\n").unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::InvalidDate);
}

#[test]
fn number_glued_to_letters_is_rejected() {
    // Strict where leniency would misread: "UID 5FLAGS" must not read as UID 5.
    assert!(parse_response(b"* 1 FETCH (UID 5FLAGS (\\Seen))\r\n").is_err());
    assert!(parse_response(b"* 99999999999 EXISTS\r\n").is_err());
}

#[test]
fn section_spec_parse_and_display() {
    for s in [
        "",
        "1",
        "1.2.3",
        "HEADER",
        "TEXT",
        "1.MIME",
        "2.HEADER.FIELDS (DATE FROM)",
        "HEADER.FIELDS.NOT (X-A)",
    ] {
        let sec: Section = s.parse().unwrap();
        assert_eq!(sec.to_string(), s);
    }
    assert!("MIME".parse::<Section>().is_err());
    assert!("1.FOO".parse::<Section>().is_err());
}

// ---- framing, limits, recovery ----

fn events(input: &[u8], limits: Limits) -> Result<Vec<Event>, DecodeError> {
    let mut d = Decoder::with_limits(limits);
    d.feed(input);
    let mut out = Vec::new();
    while let Some(e) = d.next_event()? {
        out.push(e);
    }
    Ok(out)
}

#[test]
fn bad_response_costs_one_response() {
    let input = b"* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* 2 FETCH (UID 2 ENVELOPE (garbage\r\n* 3 FETCH (UID 3)\r\na1 OK done\r\n";
    let ev = events(input, Limits::default()).unwrap();
    assert_eq!(ev.len(), 4);
    let Event::Malformed(m) = &ev[1] else {
        panic!("{:?}", ev[1])
    };
    assert_eq!(m.fetch_seq, Some(2));
    assert_eq!(m.tag, None);
    assert_eq!(&m.raw[..], b"* 2 FETCH (UID 2 ENVELOPE (garbage\r\n");
    assert_eq!(m.error.stream_offset, 33);
    assert!(m.error.to_string().contains("stream offset"));
    assert!(matches!(
        ev[2],
        Event::Response(Response::Data(Data::Fetch(_)))
    ));
    assert!(matches!(ev[3], Event::Response(Response::Status(_))));
}

#[test]
fn malformed_tagged_completion_keeps_its_tag() {
    let ev = events(b"a7 WHAT is this\r\n", Limits::default()).unwrap();
    let Event::Malformed(m) = &ev[0] else {
        panic!()
    };
    assert_eq!(m.tag, Some(Tag::from("a7")));
}

#[test]
fn line_too_long() {
    let limits = Limits {
        max_line: 100,
        ..Limits::default()
    };
    let mut d = Decoder::with_limits(limits);
    d.feed(&[b'x'; 150]);
    assert!(matches!(
        d.next_event(),
        Err(DecodeError::LineTooLong { limit: 100, .. })
    ));
    // Fatal errors stick.
    assert!(d.next_event().is_err());
}

#[test]
fn ten_gigabyte_literal_is_refused_without_allocating() {
    let mut d = Decoder::new();
    d.feed(b"* 1 FETCH (BODY[] {10737418240}\r\n");
    assert_eq!(
        d.next_event(),
        Err(DecodeError::LiteralTooLarge {
            len: 10737418240,
            limit: 256 << 20,
            offset: 0
        })
    );
    assert!(d.buffer_mut().capacity() < 1 << 20);
}

#[test]
fn literal_size_overflowing_u64_is_not_a_literal() {
    // 20+ digits: not a literal header we accept; the line is parsed and rejected.
    let ev = events(
        b"* 1 FETCH (BODY[] {99999999999999999999999}\r\n",
        Limits::default(),
    )
    .unwrap();
    assert!(matches!(ev[0], Event::Malformed(_)));
}

#[test]
fn response_too_large() {
    let limits = Limits {
        max_response: 1000,
        ..Limits::default()
    };
    let r = events(b"* 1 FETCH (BODY[] {5000}\r\n", limits);
    assert!(matches!(r, Err(DecodeError::ResponseTooLarge { .. })));
}

#[test]
fn nesting_depth_limited_without_stack_overflow() {
    let mut s = b"* 1 FETCH (BODYSTRUCTURE ".to_vec();
    s.extend(std::iter::repeat_n(b'(', 100_000));
    s.extend_from_slice(b"\r\n");
    let ev = events(&s, Limits::default()).unwrap();
    let Event::Malformed(m) = &ev[0] else {
        panic!()
    };
    assert_eq!(m.error.kind, ParseErrorKind::TooDeep);
    // THREAD, unknown fetch items and LIST-EXTENDED data as well.
    for prefix in [
        &b"* THREAD "[..],
        b"* 1 FETCH (X-UNKNOWN ",
        b"* LIST () \"/\" x (\"A\" ",
    ] {
        let mut s = prefix.to_vec();
        s.extend(std::iter::repeat_n(b'(', 10_000));
        s.extend_from_slice(b"\r\n");
        let ev = events(&s, Limits::default()).unwrap();
        let Event::Malformed(m) = &ev[0] else {
            panic!()
        };
        assert_eq!(m.error.kind, ParseErrorKind::TooDeep, "{prefix:?}");
    }
}

#[test]
fn list_items_limited() {
    let limits = Limits {
        max_list_items: 10,
        ..Limits::default()
    };
    let mut s = b"* FLAGS (".to_vec();
    for _ in 0..11 {
        s.extend_from_slice(b"\\Seen ");
    }
    s.extend_from_slice(b")\r\n");
    let ev = events(&s, limits).unwrap();
    let Event::Malformed(m) = &ev[0] else {
        panic!()
    };
    assert_eq!(m.error.kind, ParseErrorKind::TooManyItems);
}

#[test]
fn needed_reports_pending_literal() {
    let mut d = Decoder::new();
    d.feed(b"* 1 FETCH (BODY[] {10}\r\n0123");
    assert_eq!(d.next_event(), Ok(None));
    assert_eq!(d.needed(), Some(6));
    d.feed(b"456789)\r\n");
    assert!(matches!(d.next_event(), Ok(Some(Event::Response(_)))));
    assert!(d.is_idle());
}

#[test]
fn streamed_literal_events() {
    let limits = Limits {
        stream_literals_from: Some(8),
        ..Limits::default()
    };
    let mut d = Decoder::with_limits(limits);
    d.feed(b"* 3 FETCH (UID 9 BODY[] {12}\r\nhello ");
    let Ok(Some(Event::LiteralStart(s))) = d.next_event() else {
        panic!()
    };
    assert_eq!(s.len, 12);
    assert_eq!(s.fetch_context(), Some((3, Some(9), b("BODY[]"))));
    assert_eq!(d.next_event(), Ok(Some(Event::LiteralChunk(b("hello ")))));
    assert_eq!(d.next_event(), Ok(None));
    d.feed(b"world! FLAGS (\\Seen) BODY[HEADER] {2}\r\nab)\r\na1 OK\r\n");
    assert_eq!(d.next_event(), Ok(Some(Event::LiteralChunk(b("world!")))));
    assert_eq!(d.next_event(), Ok(Some(Event::LiteralEnd)));
    let Ok(Some(Event::Response(Response::Data(Data::Fetch(f))))) = d.next_event() else {
        panic!()
    };
    assert_eq!(f.uid(), Some(9));
    assert_eq!(
        f.section(&Section::default()),
        Some(&SectionData::Streamed(12))
    );
    // Small literals in the same response stay buffered.
    assert_eq!(f.header(), Some(&b("ab")));
    assert_eq!(f.flags(), Some(&[Flag::Seen][..]));
    assert!(matches!(
        d.next_event(),
        Ok(Some(Event::Response(Response::Status(_))))
    ));
}

#[test]
fn streamed_literal_of_ten_gigabytes_is_allowed_when_streaming() {
    let limits = Limits {
        stream_literals_from: Some(1 << 20),
        ..Limits::default()
    };
    let mut d = Decoder::with_limits(limits);
    d.feed(b"* 1 FETCH (BODY[] {10737418240}\r\nabc");
    assert!(matches!(d.next_event(), Ok(Some(Event::LiteralStart(_)))));
    assert_eq!(d.next_event(), Ok(Some(Event::LiteralChunk(b("abc")))));
    assert_eq!(d.needed(), Some(10737418240 - 3));
}

#[test]
fn take_buffered_discards_unprocessed_bytes() {
    // STARTTLS: anything after the tagged OK must be thrown away (response injection).
    let mut d = Decoder::new();
    d.feed(b"a1 OK Begin TLS\r\n* 1 EXISTS\r\n");
    assert!(matches!(d.next_event(), Ok(Some(Event::Response(_)))));
    let junk = d.take_buffered();
    assert_eq!(&junk[..], b"* 1 EXISTS\r\n");
    assert_eq!(d.next_event(), Ok(None));
}

const CORPUS: &[u8] = concat!(
    "* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n",
    "* 1 FETCH (UID 1 FLAGS (\\Seen) BODY[] {11}\r\nhello\r\nworld)\r\n",
    "* 2 FETCH (UID 2 ENVELOPE (NIL {3}\r\nx\ry NIL NIL NIL NIL NIL NIL NIL NIL))\r\n",
    "* LIST (\\HasNoChildren) \"/\" \"a b\"\r\n",
    "* bad stuff (\r\n",
    "* THREAD (1 2)(3)\r\n",
    "+ go\r\n",
    "a1 OK [APPENDUID 1 2] done\r\n",
)
.as_bytes();

#[test]
fn byte_at_a_time_matches_whole_feed() {
    let whole = events(CORPUS, Limits::default()).unwrap();
    let mut d = Decoder::new();
    let mut got = Vec::new();
    for &byte in CORPUS {
        d.feed(&[byte]);
        while let Some(e) = d.next_event().unwrap() {
            got.push(e);
        }
    }
    // Offsets in malformed errors are identical too.
    assert_eq!(got, whole);
    assert_eq!(whole.len(), 8);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decoder_never_panics(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..16)) {
            let mut d = Decoder::with_limits(Limits { max_line: 4096, max_literal: 4096, max_response: 16384, stream_literals_from: Some(2048), ..Limits::default() });
            for c in &chunks {
                d.feed(c);
                while let Ok(Some(_)) = d.next_event() {}
            }
        }

        #[test]
        fn parse_never_panics_on_mutated_corpus(pos in 0usize..400, byte in any::<u8>(), cut in 0usize..400) {
            let mut v = CORPUS.to_vec();
            let p = pos % v.len();
            v[p] = byte;
            v.truncate(cut.max(p + 1).min(v.len()));
            let _ = parse_all(&v);
        }

        #[test]
        fn chunking_does_not_change_events(split in proptest::collection::vec(1usize..40, 1..50)) {
            let whole = events(CORPUS, Limits::default()).unwrap();
            let mut d = Decoder::new();
            let mut got = Vec::new();
            let mut at = 0;
            for s in split.iter().cycle() {
                if at >= CORPUS.len() { break; }
                let end = (at + s).min(CORPUS.len());
                d.feed(&CORPUS[at..end]);
                at = end;
                while let Some(e) = d.next_event().unwrap() { got.push(e); }
            }
            prop_assert_eq!(got, whole);
        }
    }
}

// ---- regressions found by fuzzing (fuzz/regressions/) ----

#[test]
fn fuzz_auth_mechanism_with_non_ascii_capability() {
    // fuzz/regressions/parse_response/auth-mechanism-utf8: "AUTHé" panicked on a char
    // boundary in Capability::auth_mechanism.
    let Data::Capability(c) = data("* CAPABILITY AUTH\u{e9} AUTH=\u{e9}x\r\n") else {
        panic!()
    };
    assert_eq!(c[0].auth_mechanism(), None);
    assert_eq!(c[1].auth_mechanism(), Some("\u{e9}x"));
}

#[test]
fn fuzz_fetch_context_of_literal8() {
    // fuzz/regressions/literal_stream/fetch-context-literal8: BINARY[...] ~{n} was not
    // recognised.
    let mut d = Decoder::with_limits(Limits {
        stream_literals_from: Some(1),
        ..Limits::default()
    });
    d.feed(b"* 4 FETCH (UID 12 BINARY[2] ~{3}\r\nabc)\r\n");
    let Ok(Some(Event::LiteralStart(s))) = d.next_event() else {
        panic!()
    };
    assert_eq!(s.fetch_context(), Some((4, Some(12), b("BINARY[2]"))));
}

#[test]
fn many_streamed_literals_in_one_response_stay_linear() {
    // fuzz/regressions/decoder/streamed-prefix-quadratic.md: each LiteralStart used to copy
    // the whole response so far. Now it carries two bounded lines.
    let mut input = b"* 1 FETCH (UID 7".to_vec();
    for _ in 0..5000 {
        input.extend_from_slice(b" BODY[1] {64}\r\n");
        input.extend_from_slice(&[b'a'; 64]);
    }
    input.extend_from_slice(b")\r\n");
    let mut d = Decoder::with_limits(Limits {
        stream_literals_from: Some(64),
        ..Limits::default()
    });
    d.feed(&input);
    let mut starts = 0;
    let mut copied = 0;
    let mut last = None;
    while let Some(e) = d.next_event().unwrap() {
        match e {
            Event::LiteralStart(s) => {
                starts += 1;
                copied += s.first_line.len() + s.line.len();
                assert_eq!(s.fetch_context(), Some((1, Some(7), b("BODY[1]"))));
            }
            Event::Response(r) => last = Some(r),
            _ => {}
        }
    }
    assert_eq!(starts, 5000);
    assert!(
        copied < 5000 * 64,
        "{copied} bytes copied for 5000 literals"
    );
    let Some(Response::Data(Data::Fetch(f))) = last else {
        panic!()
    };
    assert_eq!(f.items.len(), 5001);
}

#[test]
fn key_value_lists_are_limited_too() {
    let limits = Limits {
        max_list_items: 3,
        ..Limits::default()
    };
    for input in [
        &b"* METADATA INBOX (/a \"1\" /b \"2\" /c \"3\" /d \"4\")\r\n"[..],
        b"* ID (\"a\" \"1\" \"b\" \"2\" \"c\" \"3\" \"d\" \"4\")\r\n",
        b"* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"a\" \"1\" \"b\" \"2\" \"c\" \"3\" \"d\" \"4\") NIL NIL \"7bit\" 1 1))\r\n",
    ] {
        let ev = events(input, limits.clone()).unwrap();
        let Event::Malformed(m) = &ev[0] else {
            panic!("{ev:?}")
        };
        assert_eq!(m.error.kind, ParseErrorKind::TooManyItems);
    }
}

#[test]
fn bodystructure_escapes_literals_and_sharing() {
    // Strings that needed unescaping live after the response's bytes in the shared buffer.
    let bs = BodyStructure::parse(
        b"(\"text\" {5}\r\nplain (\"name\" \"a\\\"b.txt\" \"x\" NIL) \"<i\\\\d>\" NIL \"7bit\" 10 1 NIL (\"attachment\" (\"filename\" \"q\\\"\")) (\"en\" NIL) NIL)",
    )
    .unwrap();
    let p = bs.as_single().unwrap();
    assert!(!bs.is_multipart() && bs.as_multipart().is_none());
    assert_eq!(p.subtype(), b"plain");
    assert_eq!(
        p.params().collect::<Vec<_>>(),
        [(&b"name"[..], &b"a\"b.txt"[..]), (b"x", b"")]
    );
    assert_eq!(p.id(), Some(&b"<i\\d>"[..]));
    assert_eq!(p.filename(), Some(&b"q\""[..]));
    assert_eq!(p.language().collect::<Vec<_>>(), [&b"en"[..], b""]);
    assert_eq!(bs.share(p.encoding()), b("7bit"));
    assert_eq!(bs.clone(), bs);
    assert!(format!("{bs:?}").contains("\"a\\\"b.txt\""));
    let e = BodyStructure::parse(b"(\"text\" \"plain\" NIL NIL NIL \"7bit\" 1) x").unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::Expected("end of body structure"));
}
