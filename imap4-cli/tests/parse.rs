//! End-to-end tests of `imap4 parse`: the built binary is run on fixture bytes and its JSON
//! Lines output and exit status are checked against the schema in docs/parse-json.md.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

/// The outcome of one run of the binary.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Each output line parsed as JSON.
    fn values(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON {l:?}: {e}")))
            .collect()
    }

    fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

/// Runs `imap4 <args>` with `stdin` as standard input.
fn imap4(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imap4"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn imap4");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    // Write from another thread: a large input must not deadlock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        // The binary may stop reading early (fatal error); a broken pipe is fine then.
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait for imap4");
    writer.join().unwrap();
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `imap4 parse <args>` on `input` given through standard input.
fn parse(args: &[&str], input: &[u8]) -> Run {
    let mut all = vec!["parse"];
    all.extend_from_slice(args);
    imap4(&all, input)
}

/// Turns each `\n` of a fixture into `\r\n`.
fn crlf(s: &str) -> Vec<u8> {
    s.replace('\n', "\r\n").into_bytes()
}

/// A file in the test's scratch directory.
fn scratch_file(name: &str, content: &[u8]) -> PathBuf {
    let p = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn types(values: &[Value]) -> Vec<&str> {
    values.iter().map(|v| v["type"].as_str().unwrap()).collect()
}

/// The stream offset of each CRLF-terminated line of `input`.
fn line_offsets(input: &[u8]) -> Vec<u64> {
    let mut out = vec![0u64];
    for (i, w) in input.windows(2).enumerate() {
        if w == b"\r\n" && i + 2 < input.len() {
            out.push(i as u64 + 2);
        }
    }
    out
}

/// Adds `"offset"` (the start of the n-th line of `input`) to each expected object.
fn with_line_offsets(expected: Vec<Value>, input: &[u8]) -> Vec<Value> {
    let offsets = line_offsets(input);
    assert_eq!(offsets.len(), expected.len(), "one response per line");
    expected
        .into_iter()
        .zip(offsets)
        .map(|(v, off)| {
            let mut m = serde_json::Map::new();
            m.insert("offset".into(), off.into());
            m.extend(v.as_object().unwrap().clone());
            Value::Object(m)
        })
        .collect()
}

#[test]
fn status_with_code_is_exact_including_key_order() {
    let r = parse(
        &[],
        &crlf("a1 OK [APPENDUID 38505 3955] APPEND completed\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.lines(),
        [
            r#"{"offset":0,"type":"status","tag":"a1","status":"OK","code":{"name":"APPENDUID","uid_validity":38505,"uids":"3955"},"text":"APPEND completed"}"#
        ]
    );
}

#[test]
fn status_and_continue_responses_with_every_code_shape() {
    let input = crlf(concat!(
        "* OK [CAPABILITY IMAP4rev1 IDLE] ready\n",
        "* PREAUTH logged in\n",
        "+ [ALERT] go ahead\n",
        "+\n",
        "+ dGVzdA==\n",
        "a2 OK [COPYUID 38505 304,319:320,300 3956:3959] copied\n",
        "a3 NO [TRYCREATE] no mailbox\n",
        "a4 NO [BADCHARSET (UTF-8 US-ASCII)] nope\n",
        "a5 NO [METADATA LONGENTRIES 2199] big\n",
        "a6 NO [METADATA TOOMANY] many\n",
        "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] flags\n",
        "* OK [UIDNEXT 4392] next\n",
        "* OK [UIDVALIDITY 3857529045] v\n",
        "* OK [UNSEEN 12] u\n",
        "* OK [HIGHESTMODSEQ 715194045007] h\n",
        "* OK [MODIFIED 9,7,8] m\n",
        "* OK [MAILBOXID (F2212ea87)] id\n",
        "* OK [REFERRAL imap://x/y] r\n",
        "* NO [OVERQUOTA] q\n",
        "* OK [X-WEIRD some args] w\n",
        "* OK [NOARG] w2\n",
        "* BYE [UNAVAILABLE] bye\n",
        "a7 OK [READ-ONLY] done\n",
        "a8 bad\n",
    ));
    let r = parse(&[], &input);
    let v = r.values();
    let expected = with_line_offsets(
        vec![
            json!({"type":"status","tag":null,"status":"OK","code":{"name":"CAPABILITY","capabilities":["IMAP4rev1","IDLE"]},"text":"ready"}),
            json!({"type":"status","tag":null,"status":"PREAUTH","code":null,"text":"logged in"}),
            json!({"type":"continue","code":{"name":"ALERT"},"text":"go ahead"}),
            json!({"type":"continue","code":null,"text":""}),
            json!({"type":"continue","code":null,"text":"dGVzdA=="}),
            // COPYUID sets are shown as given: their order pairs source and destination UIDs.
            json!({"type":"status","tag":"a2","status":"OK","code":{"name":"COPYUID","uid_validity":38505,"source":"304,319:320,300","dest":"3956:3959"},"text":"copied"}),
            json!({"type":"status","tag":"a3","status":"NO","code":{"name":"TRYCREATE"},"text":"no mailbox"}),
            json!({"type":"status","tag":"a4","status":"NO","code":{"name":"BADCHARSET","charsets":["UTF-8","US-ASCII"]},"text":"nope"}),
            json!({"type":"status","tag":"a5","status":"NO","code":{"name":"METADATA","item":"LONGENTRIES","value":2199},"text":"big"}),
            json!({"type":"status","tag":"a6","status":"NO","code":{"name":"METADATA","item":"TOOMANY","value":null},"text":"many"}),
            json!({"type":"status","tag":null,"status":"OK","code":{"name":"PERMANENTFLAGS","flags":["\\Deleted","\\Seen","\\*"]},"text":"flags"}),
            json!({"type":"status","tag":null,"status":"OK","code":{"name":"UIDNEXT","value":4392},"text":"next"}),
            json!({"type":"status","tag":null,"status":"OK","code":{"name":"UIDVALIDITY","value":3857529045u64},"text":"v"}),
            json!({"type":"status","tag":null,"status":"OK","code":{"name":"UNSEEN","value":12},"text":"u"}),
            json!({"type":"status","tag":null,"status":"OK","code":{"name":"HIGHESTMODSEQ","value":715194045007u64},"text":"h"}),
            // Other sequence sets are normalized.
            json!({"type":"status","tag":null,"status":"OK","code":{"name":"MODIFIED","set":"7:9"},"text":"m"}),
            json!({"type":"status","tag":null,"status":"OK","code":{"name":"MAILBOXID","value":"F2212ea87"},"text":"id"}),
            json!({"type":"status","tag":null,"status":"OK","code":{"name":"REFERRAL","url":"imap://x/y"},"text":"r"}),
            json!({"type":"status","tag":null,"status":"NO","code":{"name":"OVERQUOTA"},"text":"q"}),
            json!({"type":"status","tag":null,"status":"OK","code":{"name":"X-WEIRD","raw":"some args"},"text":"w"}),
            json!({"type":"status","tag":null,"status":"OK","code":{"name":"NOARG","raw":null},"text":"w2"}),
            json!({"type":"status","tag":null,"status":"BYE","code":{"name":"UNAVAILABLE"},"text":"bye"}),
            json!({"type":"status","tag":"a7","status":"OK","code":{"name":"READ-ONLY"},"text":"done"}),
            json!({"type":"status","tag":"a8","status":"BAD","code":null,"text":""}),
        ],
        &input,
    );
    assert_eq!(v.len(), expected.len(), "{}", r.stdout);
    for (got, want) in v.iter().zip(&expected) {
        assert_eq!(got, want);
    }
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn fetch_with_envelope_and_bodystructure_is_exact() {
    let input = crlf(concat!(
        "* 12 FETCH (UID 9 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"Hi\" ",
        "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) NIL NIL ",
        "((NIL NIL \"imap\" \"cac.washington.edu\")) ",
        "((NIL NIL \"team\" NIL)(NIL NIL \"jo\" \"x.org\")(NIL NIL NIL NIL)) ",
        "NIL \"<a@b>\" \"<B27397@cac>\") ",
        "BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23 NIL NIL NIL NIL)",
        "(\"APPLICATION\" \"PDF\" (\"NAME\" \"a.pdf\") \"<id1>\" \"desc\" \"BASE64\" 4554 \"md5sum\" ",
        "(\"attachment\" (\"filename\" \"a.pdf\")) (\"en\" \"de\") \"loc\" 42 (\"x\" 1)) ",
        "\"MIXED\" (\"BOUNDARY\" \"b1\") NIL NIL NIL) BODY[1.2] {5}\nhello)\n",
    ));
    let r = parse(&[], &input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text_part = json!({
        "multipart": false, "media_type": "TEXT", "subtype": "PLAIN",
        "params": [{"name": "CHARSET", "value": "US-ASCII"}],
        "id": null, "description": null, "encoding": "7BIT", "size": 1152, "lines": 23,
        "message": null, "md5": null, "disposition": null, "language": [], "location": null,
        "extensions": []
    });
    let pdf_part = json!({
        "multipart": false, "media_type": "APPLICATION", "subtype": "PDF",
        "params": [{"name": "NAME", "value": "a.pdf"}],
        "id": "<id1>", "description": "desc", "encoding": "BASE64", "size": 4554, "lines": null,
        "message": null, "md5": "md5sum",
        "disposition": {"kind": "attachment", "params": [{"name": "filename", "value": "a.pdf"}]},
        "language": ["en", "de"], "location": "loc", "extensions": [42, ["x", 1]]
    });
    let addr = |name: Value, mailbox: Value, host: Value| json!({"name": name, "adl": null, "mailbox": mailbox, "host": host});
    let expected = json!({
        "offset": 0, "type": "fetch", "seq": 12,
        "items": [
            {"name": "UID", "value": 9},
            {"name": "ENVELOPE", "value": {
                "date": "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
                "subject": "Hi",
                "from": [addr(json!("Terry Gray"), json!("gray"), json!("cac.washington.edu"))],
                "sender": [], "reply_to": [],
                "to": [addr(Value::Null, json!("imap"), json!("cac.washington.edu"))],
                // Group syntax: start (host NIL), member, end (all NIL).
                "cc": [
                    addr(Value::Null, json!("team"), Value::Null),
                    addr(Value::Null, json!("jo"), json!("x.org")),
                    addr(Value::Null, Value::Null, Value::Null),
                ],
                "bcc": [],
                "in_reply_to": "<a@b>",
                "message_id": "<B27397@cac>"
            }},
            {"name": "BODYSTRUCTURE", "value": {
                "multipart": true,
                "parts": [text_part, pdf_part],
                "subtype": "MIXED",
                "params": [{"name": "BOUNDARY", "value": "b1"}],
                "disposition": null, "language": [], "location": null, "extensions": []
            }},
            {"name": "BODY[1.2]", "section": {"part": [1, 2], "text": null, "fields": null},
             "origin": null, "data": {"len": 5, "text": "hello"}}
        ]
    });
    assert_eq!(r.values(), vec![expected]);
}

#[test]
fn fetch_items_of_every_kind() {
    let input = crlf(concat!(
        "* 1 FETCH (UID 7 FLAGS (\\Seen $Junk) RFC822.SIZE 44827 MODSEQ (12121231000) ",
        "INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" ",
        "EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9) ",
        "SAVEDATE \"01-Jan-2024 00:00:00 +0000\" PREVIEW \"Hi there\" ",
        "X-GM-MSGID 1278455344230334865 X-GM-THRID 1266894439832287888 ",
        "X-GM-LABELS (\\Inbox \"Work stuff\") ",
        "ANNOTATION (/comment (value.priv \"My comment\" value.shared NIL)))\n",
        "* 2 FETCH (THREADID NIL SAVEDATE NIL PREVIEW NIL BINARY[1]<0> ~{3}\n",
        "abc BINARY.SIZE[1] 3 RFC822 NIL RFC822.HEADER \"h\" RFC822.TEXT {1}\n",
        "t BODY[1.MIME] \"m\" BODY[TEXT] \"tt\" BODY[HEADER.FIELDS.NOT (Received)] \"x\" ",
        "BODY[HEADER]<10> \"y\" X-UNKNOWN (a (b))  X-SNIP[3] NIL)\n",
        "* 4 FETCH (BODY (\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 342 ",
        "(\"d\" \"s\" NIL NIL NIL NIL NIL NIL NIL NIL) (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1) 12))\n",
    ));
    let r = parse(&[], &input);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let v = r.values();
    assert_eq!(v.len(), 3);
    assert_eq!(
        v[0]["items"],
        json!([
            {"name": "UID", "value": 7},
            {"name": "FLAGS", "value": ["\\Seen", "$Junk"]},
            {"name": "RFC822.SIZE", "value": 44827},
            {"name": "MODSEQ", "value": 12121231000u64},
            {"name": "INTERNALDATE", "value": "17-Jul-1996 02:44:25 -0700", "unix": 837596665},
            {"name": "EMAILID", "value": "M6d99ac3275bb4e"},
            {"name": "THREADID", "value": "T64b478a75b7ea9"},
            {"name": "SAVEDATE", "value": "01-Jan-2024 00:00:00 +0000", "unix": 1704067200},
            {"name": "PREVIEW", "value": "Hi there"},
            {"name": "X-GM-MSGID", "value": 1278455344230334865u64},
            {"name": "X-GM-THRID", "value": 1266894439832287888u64},
            {"name": "X-GM-LABELS", "value": ["\\Inbox", "Work stuff"]},
            {"name": "ANNOTATION", "value": [{"entry": "/comment", "attributes": [
                {"name": "value.priv", "value": "My comment"},
                {"name": "value.shared", "value": null}
            ]}]}
        ])
    );
    assert_eq!(
        v[1]["items"],
        json!([
            {"name": "THREADID", "value": null},
            {"name": "SAVEDATE", "value": null, "unix": null},
            {"name": "PREVIEW", "value": null},
            {"name": "BINARY[1]<0>", "part": [1], "origin": 0, "data": {"len": 3, "text": "abc"}},
            {"name": "BINARY.SIZE[1]", "part": [1], "value": 3},
            {"name": "RFC822", "data": null},
            {"name": "RFC822.HEADER", "data": {"len": 1, "text": "h"}},
            {"name": "RFC822.TEXT", "data": {"len": 1, "text": "t"}},
            {"name": "BODY[1.MIME]", "section": {"part": [1], "text": "MIME", "fields": null},
             "origin": null, "data": {"len": 1, "text": "m"}},
            {"name": "BODY[TEXT]", "section": {"part": [], "text": "TEXT", "fields": null},
             "origin": null, "data": {"len": 2, "text": "tt"}},
            {"name": "BODY[HEADER.FIELDS.NOT (Received)]",
             "section": {"part": [], "text": "HEADER.FIELDS.NOT", "fields": ["Received"]},
             "origin": null, "data": {"len": 1, "text": "x"}},
            {"name": "BODY[HEADER]<10>", "section": {"part": [], "text": "HEADER", "fields": null},
             "origin": 10, "data": {"len": 1, "text": "y"}},
            {"name": "X-UNKNOWN", "raw": {"len": 7, "text": "(a (b))"}},
            {"name": "X-SNIP[3]", "raw": {"len": 3, "text": "NIL"}}
        ])
    );
    let body = &v[2]["items"][0];
    assert_eq!(body["name"], "BODY");
    assert_eq!(body["value"]["media_type"], "MESSAGE");
    assert_eq!(body["value"]["lines"], 12);
    assert_eq!(body["value"]["message"]["envelope"]["subject"], "s");
    assert_eq!(body["value"]["message"]["body"]["subtype"], "PLAIN");
    assert_eq!(body["value"]["message"]["body"]["size"], 10);
}

#[test]
fn list_and_lsub_are_exact() {
    let input = crlf(concat!(
        "* LIST (\\HasChildren \\Noselect \\X-Custom) NIL \"Public\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\n",
        "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Entw&APw-rfe\"\n",
        "* LSUB () \".\" inbox\n",
    ));
    let r = parse(&[], &input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.values(),
        with_line_offsets(
            vec![
                json!({"type": "list",
                   "attributes": ["\\HasChildren", "\\Noselect", "\\X-Custom"],
                   "delimiter": null, "mailbox": {"raw": "Public", "name": "Public"},
                   "extended": [{"tag": "CHILDINFO", "value": ["SUBSCRIBED"]}]}),
                json!({"type": "list", "attributes": ["\\HasNoChildren", "\\Drafts"],
                   "delimiter": "/", "mailbox": {"raw": "Entw&APw-rfe", "name": "Entwürfe"},
                   "extended": []}),
                // INBOX is normalized to upper case by the decoder.
                json!({"type": "lsub", "attributes": [], "delimiter": ".",
                   "mailbox": {"raw": "INBOX", "name": "INBOX"}, "extended": []}),
            ],
            &input
        )
    );
}

#[test]
fn esearch_is_exact() {
    let input = crlf(concat!(
        "* ESEARCH (TAG \"a3\") UID MIN 1 MAX 9 COUNT 3 ALL 9,1:3,2 MODSEQ 5 ",
        "PARTIAL (1:100 1:3) PARTIAL (-1:-10 NIL) X-NEW (1 2)\n",
        "* ESEARCH\n",
    ));
    let r = parse(&[], &input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.values(),
        with_line_offsets(
            vec![
                json!({"type": "esearch", "tag": "a3", "uid": true, "items": [
                    {"name": "MIN", "value": 1},
                    {"name": "MAX", "value": 9},
                    {"name": "COUNT", "value": 3},
                    {"name": "ALL", "value": "1:3,9"},
                    {"name": "MODSEQ", "value": 5},
                    {"name": "PARTIAL", "range": "1:100", "value": "1:3"},
                    {"name": "PARTIAL", "range": "-1:-10", "value": null},
                    {"name": "X-NEW", "raw": "(1 2)"}
                ]}),
                json!({"type": "esearch", "tag": null, "uid": false, "items": []}),
            ],
            &input
        )
    );
}

#[test]
fn every_untagged_data_type() {
    let input = crlf(concat!(
        "* CAPABILITY IMAP4rev1 AUTH=PLAIN\n",
        "* ENABLED CONDSTORE\n",
        "* STATUS INBOX (MESSAGES 231 RECENT 1 UIDNEXT 44292 UIDVALIDITY 1 UNSEEN 3 DELETED 0 ",
        "SIZE 12345 HIGHESTMODSEQ 99 APPENDLIMIT NIL MAILBOXID (abc) X-FOO 7)\n",
        "* STATUS blurdybloop (APPENDLIMIT 1000)\n",
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded \\Recent \\XExt)\n",
        "* 23 EXISTS\n",
        "* 1 RECENT\n",
        "* 4 EXPUNGE\n",
        "* SEARCH 2 3 7 (MODSEQ 917162500)\n",
        "* SEARCH\n",
        "* SORT 5 3 4\n",
        "* THREAD (2)(3 6 (4 23)(44 7 96))\n",
        "* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\" \"X-PARAM\" (\"a\" \"b\"))) NIL\n",
        "* ID (\"name\" \"Dovecot\" \"version\" NIL)\n",
        "* ID NIL\n",
        "* QUOTA \"\" (STORAGE 10 512 MESSAGE 3 100)\n",
        "* QUOTAROOT INBOX \"\"\n",
        "* ACL INBOX fred rwipslxetad\n",
        "* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\n",
        "* MYRIGHTS INBOX rwiptsldaex\n",
        "* METADATA \"\" (/shared/comment \"hi\" /private/x NIL)\n",
        "* METADATA INBOX /shared/comment /private/x\n",
        "* ANNOTATION INBOX /comment (value.shared \"x\" size.shared \"1\")\n",
        "* VANISHED (EARLIER) 41,43:116\n",
        "* VANISHED 405\n",
        "* XYZZY whatever 1 2\n",
        "* 5 XAPPLE stuff\n",
    ));
    let r = parse(&[], &input);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let v = r.values();
    assert_eq!(
        types(&v),
        [
            "capability",
            "enabled",
            "mailbox_status",
            "mailbox_status",
            "flags",
            "exists",
            "recent",
            "expunge",
            "search",
            "search",
            "sort",
            "thread",
            "namespace",
            "id",
            "id",
            "quota",
            "quotaroot",
            "acl",
            "listrights",
            "myrights",
            "metadata",
            "metadata",
            "annotation",
            "vanished",
            "vanished",
            "unknown",
            "unknown",
        ]
    );
    // Offsets are the stream positions of each response's first byte.
    let mut offset = 0u64;
    for (value, line) in v.iter().zip(
        String::from_utf8(input.clone())
            .unwrap()
            .split_inclusive("\r\n"),
    ) {
        assert_eq!(value["offset"], offset, "{value}");
        offset += line.len() as u64;
    }
    let strip = |mut x: Value| {
        x.as_object_mut().unwrap().remove("offset");
        x
    };
    let got: Vec<Value> = v.into_iter().map(strip).collect();
    let mbx = |s: &str| json!({"raw": s, "name": s});
    let expected = vec![
        json!({"type": "capability", "capabilities": ["IMAP4rev1", "AUTH=PLAIN"]}),
        json!({"type": "enabled", "capabilities": ["CONDSTORE"]}),
        json!({"type": "mailbox_status", "mailbox": mbx("INBOX"), "items": [
            {"name": "MESSAGES", "value": 231}, {"name": "RECENT", "value": 1},
            {"name": "UIDNEXT", "value": 44292}, {"name": "UIDVALIDITY", "value": 1},
            {"name": "UNSEEN", "value": 3}, {"name": "DELETED", "value": 0},
            {"name": "SIZE", "value": 12345}, {"name": "HIGHESTMODSEQ", "value": 99},
            {"name": "APPENDLIMIT", "value": null}, {"name": "MAILBOXID", "value": "abc"},
            {"name": "X-FOO", "value": 7}
        ]}),
        json!({"type": "mailbox_status", "mailbox": mbx("blurdybloop"),
               "items": [{"name": "APPENDLIMIT", "value": 1000}]}),
        json!({"type": "flags", "flags": ["\\Answered", "\\Flagged", "\\Deleted", "\\Seen",
                                          "\\Draft", "$Forwarded", "\\Recent", "\\XExt"]}),
        json!({"type": "exists", "count": 23}),
        json!({"type": "recent", "count": 1}),
        json!({"type": "expunge", "seq": 4}),
        json!({"type": "search", "nums": [2, 3, 7], "modseq": 917162500}),
        json!({"type": "search", "nums": [], "modseq": null}),
        json!({"type": "sort", "nums": [5, 3, 4], "modseq": null}),
        json!({"type": "thread", "threads": [
            {"messages": [2], "children": []},
            {"messages": [3, 6], "children": [
                {"messages": [4, 23], "children": []},
                {"messages": [44, 7, 96], "children": []}
            ]}
        ]}),
        json!({"type": "namespace",
               "personal": [{"prefix": "", "delimiter": "/", "extensions": []}],
               "other": [{"prefix": "Other Users/", "delimiter": "/",
                          "extensions": [{"name": "X-PARAM", "values": ["a", "b"]}]}],
               "shared": []}),
        json!({"type": "id", "params": [{"name": "name", "value": "Dovecot"},
                                        {"name": "version", "value": null}]}),
        json!({"type": "id", "params": []}),
        json!({"type": "quota", "root": "", "resources": [
            {"name": "STORAGE", "usage": 10, "limit": 512},
            {"name": "MESSAGE", "usage": 3, "limit": 100}
        ]}),
        json!({"type": "quotaroot", "mailbox": mbx("INBOX"), "roots": [""]}),
        json!({"type": "acl", "mailbox": mbx("INBOX"),
               "entries": [{"identifier": "fred", "rights": "rwipslxetad"}]}),
        json!({"type": "listrights", "mailbox": mbx("~/Mail/saved"), "identifier": "smith",
               "required": "la", "optional": ["r", "swicdkxte"]}),
        json!({"type": "myrights", "mailbox": mbx("INBOX"), "rights": "rwiptsldaex"}),
        json!({"type": "metadata", "mailbox": mbx(""), "entries": [
            {"entry": "/shared/comment", "value": "hi"},
            {"entry": "/private/x", "value": null}
        ], "changed": null}),
        json!({"type": "metadata", "mailbox": mbx("INBOX"), "entries": null,
               "changed": ["/shared/comment", "/private/x"]}),
        json!({"type": "annotation", "mailbox": mbx("INBOX"), "entry": "/comment",
               "attributes": [{"name": "value.shared", "value": "x"},
                              {"name": "size.shared", "value": "1"}]}),
        json!({"type": "vanished", "earlier": true, "uids": "41,43:116"}),
        json!({"type": "vanished", "earlier": false, "uids": "405"}),
        json!({"type": "unknown", "name": "XYZZY", "rest": {"len": 12, "text": "whatever 1 2"}}),
        json!({"type": "unknown", "name": "5", "rest": {"len": 12, "text": "XAPPLE stuff"}}),
    ];
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g, e);
    }
}

#[test]
fn non_utf8_bytes_become_base64() {
    let mut input = Vec::new();
    input.extend_from_slice(b"* OK caf\xe9 ready\r\n");
    input.extend_from_slice(b"* 1 FETCH (BODY[] {4}\r\n\xff\x00\xfeA FLAGS (\xe9t\xe9))\r\n");
    input.extend_from_slice(b"* LIST () \"/\" \"Caf\xc3\xa9\"\r\n");
    let r = parse(&[], &input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.values();
    assert_eq!(v[0]["text"], json!({"base64": "Y2Fm6SByZWFkeQ=="}));
    assert_eq!(
        v[1]["items"][0]["data"],
        json!({"len": 4, "base64": "/wD+QQ=="})
    );
    assert_eq!(v[1]["items"][1]["value"], json!([{"base64": "6XTp"}]));
    // UTF-8 (after UTF8=ACCEPT) stays text.
    assert_eq!(v[2]["mailbox"], json!({"raw": "Café", "name": "Café"}));
}

#[test]
fn malformed_response_in_the_middle_is_reported_and_parsing_goes_on() {
    let input = crlf("* 1 EXISTS\na1 OK [UIDNEXT x] fine\n* 2 FETCH (UID oops)\n* 3 EXISTS\n");
    let r = parse(&[], &input);
    assert_eq!(r.code, 1);
    let v = r.values();
    assert_eq!(types(&v), ["exists", "status", "error", "exists"]);
    // An unreadable code is kept as an unknown code, not an error.
    assert_eq!(v[1]["code"], json!({"name": "UIDNEXT", "raw": "x"}));
    let e = &v[2];
    assert_eq!(
        *e,
        json!({
            "offset": 36, "type": "error", "fatal": false, "kind": "expected",
            "expected": "number",
            "error": e["error"].clone(),
            "tag": null, "fetch_seq": 2, "error_offset": 15,
            "excerpt": "* 2 FETCH (UID oops)\r\n", "excerpt_offset": 15,
            "raw": {"len": 22, "text": "* 2 FETCH (UID oops)\r\n"}
        })
    );
    let msg = e["error"].as_str().unwrap();
    assert!(
        msg.contains("expected number") && msg.contains("stream offset 51"),
        "{msg}"
    );
    assert_eq!(v[3]["count"], 3);
    assert!(r.stderr.contains("1 error"), "{}", r.stderr);
}

#[test]
fn malformed_tagged_response_keeps_its_tag() {
    let r = parse(&[], &crlf("a7 MAYBE whatever\n"));
    assert_eq!(r.code, 1);
    let v = r.values();
    assert_eq!(v[0]["type"], "error");
    assert_eq!(v[0]["tag"], "a7");
    assert_eq!(v[0]["fetch_seq"], Value::Null);
}

#[test]
fn limit_violation_is_fatal_with_exit_2() {
    let mut input = crlf("* 1 EXISTS\n");
    input.extend_from_slice(&[b'x'; 100]);
    input.extend_from_slice(b"\r\n* 2 EXISTS\r\n");
    let r = parse(&["--max-line", "50"], &input);
    assert_eq!(r.code, 2);
    let v = r.values();
    assert_eq!(types(&v), ["exists", "error"]);
    assert_eq!(v[1]["fatal"], true);
    assert_eq!(v[1]["kind"], "line_too_long");
    assert_eq!(v[1]["offset"], 12);
    assert_eq!(v[1]["limit"], 50);
    assert_eq!(v[1]["len"], Value::Null);

    let r = parse(
        &["--max-literal", "10"],
        &crlf("* 1 FETCH (BODY[] {99999}\n"),
    );
    assert_eq!(r.code, 2);
    assert_eq!(
        r.values(),
        vec![json!({
            "offset": 0, "type": "error", "fatal": true, "kind": "literal_too_large",
            "error": "server announced a 99999-byte literal; the limit is 10 (stream offset 0)",
            "limit": 10, "len": 99999
        })]
    );

    let r = parse(&["--max-response", "30"], &crlf("* 1 FETCH (BODY[] {40}\n"));
    assert_eq!(r.code, 2);
    assert_eq!(r.values()[0]["kind"], "response_too_large");
}

#[test]
fn literal_and_response_limits_apply_to_buffered_literals() {
    let literal = |n: usize| {
        let mut input = format!("* 1 FETCH (BODY[] {{{n}}}\r\n").into_bytes();
        input.extend(std::iter::repeat_n(b'a', n));
        input.extend_from_slice(b")\r\n");
        input
    };
    assert_eq!(parse(&["--max-literal", "3000"], &literal(3000)).code, 0);
    let r = parse(&["--max-literal", "3000"], &literal(3001));
    assert_eq!(r.code, 2);
    assert_eq!(r.values()[0]["len"], 3001);
    let r = parse(&["--max-response", "100"], &literal(3000));
    assert_eq!(r.code, 2);
    assert_eq!(r.values()[0]["kind"], "response_too_large");
    // Streamed literals are not subject to --max-literal.
    let r = parse(
        &["--max-literal", "10", "--stream-literals-from", "100"],
        &literal(3000),
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn truncated_input_is_an_error() {
    let r = parse(&[], &crlf("* 1 EXISTS\na1 OK done"));
    assert_eq!(r.code, 1);
    let v = r.values();
    assert_eq!(types(&v), ["exists", "error"]);
    assert_eq!(
        v[1],
        json!({
            "offset": 12, "type": "error", "fatal": false, "kind": "truncated",
            "expected": null,
            "error": "input ended inside a response (stream offset 12): no line end",
            "tag": "a1", "needed": null, "raw_offset": 12,
            "raw": {"len": 10, "text": "a1 OK done"}
        })
    );

    // Inside a literal: how many bytes were missing.
    let r = parse(&[], &crlf("* 1 FETCH (BODY[] {10}\nabc"));
    assert_eq!(r.code, 1);
    let v = r.values();
    assert_eq!(v[0]["kind"], "truncated");
    assert_eq!(v[0]["needed"], 7);
    assert_eq!(v[0]["tag"], Value::Null);
}

#[test]
fn stdin_dash_and_file_give_the_same_output() {
    let input = crlf("* 1 EXISTS\na1 OK [READ-WRITE] done\n");
    let from_stdin = parse(&[], &input);
    let from_dash = parse(&["-"], &input);
    let path = scratch_file("same-output.imap", &input);
    let from_file = parse(&[path.to_str().unwrap()], b"ignored");
    assert_eq!(from_stdin.code, 0);
    assert_eq!(from_stdin.values().len(), 2);
    assert_eq!(from_stdin.stdout, from_dash.stdout);
    assert_eq!(from_stdin.stdout, from_file.stdout);
    assert_eq!(from_file.code, 0);
}

#[test]
fn missing_file_and_bad_options_exit_2() {
    let r = parse(&["/nonexistent/imap4-test.imap"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nonexistent"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let r = parse(&["--no-such-option"], b"");
    assert_eq!(r.code, 2);
    let r = parse(&["--max-line", "many"], b"");
    assert_eq!(r.code, 2);
}

#[test]
fn empty_input_prints_nothing_and_succeeds() {
    let r = parse(&[], b"");
    assert_eq!(r.code, 0);
    assert!(r.stdout.is_empty());
}

#[test]
fn max_data_truncates_blobs_only() {
    let input = crlf(concat!(
        "* 1 FETCH (BODY[] {10}\n0123456789 X-FOO \"long unknown value\")\n",
        "* 2 FETCH (BODY[] \"aéb\")\n",
        "* 3 FETCH (PREVIEW \"a preview longer than four\")\n",
    ));
    let r = parse(&["--max-data", "4"], &input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.values();
    assert_eq!(
        v[0]["items"][0]["data"],
        json!({"len": 10, "text": "0123", "truncated": true})
    );
    assert_eq!(
        v[0]["items"][1]["raw"],
        json!({"len": 20, "text": "\"lon", "truncated": true})
    );
    // A character cut in two is dropped.
    assert_eq!(v[1]["items"][0]["data"], json!({"len": 4, "text": "aéb"}));
    // Protocol strings are never cut.
    assert_eq!(v[2]["items"][0]["value"], "a preview longer than four");

    let r = parse(&["--max-data", "2"], &crlf("* 2 FETCH (BODY[] \"aéb\")\n"));
    assert_eq!(
        r.values()[0]["items"][0]["data"],
        json!({"len": 4, "text": "a", "truncated": true})
    );
}

#[test]
fn large_literals_across_read_chunks_keep_data_and_offsets() {
    // Bodies larger than the 64 KiB read size, so responses span several reads.
    let mut input = Vec::new();
    let mut starts = Vec::new();
    let mut bodies = Vec::new();
    for i in 0..3u32 {
        let body: String = (0..150_000u32 + i * 7919)
            .map(|j| char::from(b'a' + ((j * 31 + i) % 26) as u8))
            .collect();
        starts.push(input.len() as u64);
        input.extend_from_slice(
            format!(
                "* {} FETCH (UID {} BODY[] {{{}}}\r\n",
                i + 1,
                100 + i,
                body.len()
            )
            .as_bytes(),
        );
        input.extend_from_slice(body.as_bytes());
        input.extend_from_slice(b")\r\n");
        bodies.push(body);
    }
    starts.push(input.len() as u64);
    input.extend_from_slice(b"a1 OK done\r\n");
    let r = parse(&[], &input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.values();
    assert_eq!(v.len(), 4);
    for (i, body) in bodies.iter().enumerate() {
        assert_eq!(v[i]["offset"], starts[i]);
        assert_eq!(v[i]["items"][0]["value"], 100 + i as u64);
        assert_eq!(v[i]["items"][1]["data"]["len"], body.len() as u64);
        assert_eq!(v[i]["items"][1]["data"]["text"], body.as_str());
    }
    assert_eq!(v[3]["offset"], starts[3]);
}

#[test]
fn streamed_literals_are_reported_as_events() {
    let body = vec![b'z'; 200_000];
    let mut input = b"* 1 FETCH (UID 5 BODY[] {200000}\r\n".to_vec();
    let literal_offset = input.len() as u64;
    input.extend_from_slice(&body);
    input.extend_from_slice(b")\r\n* 2 FETCH (BODY[1] {3}\r\nabc)\r\n");
    let r = parse(&["--stream-literals-from", "1000"], &input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.values();
    assert_eq!(
        v[0],
        json!({"offset": 0, "type": "literal_start", "literal_offset": literal_offset,
               "len": 200000, "first_line": "* 1 FETCH (UID 5 BODY[] {200000}", "line": "* 1 FETCH (UID 5 BODY[] {200000}",
               "fetch": {"seq": 1, "uid": 5, "item": "BODY[]"}})
    );
    let chunks: Vec<&Value> = v.iter().filter(|x| x["type"] == "literal_chunk").collect();
    assert!(chunks.len() >= 3, "{} chunks", chunks.len());
    let mut pos = literal_offset;
    for c in &chunks {
        assert_eq!(c["offset"], pos);
        pos += c["len"].as_u64().unwrap();
    }
    assert_eq!(pos, literal_offset + 200_000);
    let n = v.len();
    assert_eq!(v[n - 3], json!({"offset": pos, "type": "literal_end"}));
    assert_eq!(v[n - 2]["type"], "fetch");
    assert_eq!(v[n - 2]["offset"], 0);
    assert_eq!(
        v[n - 2]["items"][1]["data"],
        json!({"len": 200000, "streamed": true})
    );
    // Small literals are still buffered.
    assert_eq!(v[n - 1]["offset"], pos + 3);
    assert_eq!(
        v[n - 1]["items"][0]["data"],
        json!({"len": 3, "text": "abc"})
    );
}

#[test]
fn truncated_inside_a_streamed_literal() {
    let mut input = b"* 1 FETCH (BODY[] {5000}\r\n".to_vec();
    input.extend_from_slice(&[b'q'; 1000]);
    let r = parse(&["--stream-literals-from", "100"], &input);
    assert_eq!(r.code, 1);
    let v = r.values();
    let last = v.last().unwrap();
    assert_eq!(last["kind"], "truncated");
    assert_eq!(last["offset"], 0);
    assert_eq!(last["needed"], 4000);
}

#[test]
fn pretty_output_is_a_stream_of_the_same_values() {
    let input = crlf("* 1 EXISTS\na1 OK [UIDNEXT 5] done\n");
    let compact = parse(&[], &input).values();
    let pretty = parse(&["--pretty"], &input);
    assert_eq!(pretty.code, 0);
    assert!(pretty.stdout.lines().count() > 2);
    let values: Vec<Value> = serde_json::Deserializer::from_str(&pretty.stdout)
        .into_iter::<Value>()
        .map(Result::unwrap)
        .collect();
    assert_eq!(values, compact);
}

#[test]
fn help_mentions_the_schema() {
    let r = imap4(&["parse", "--help"], b"");
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("docs/parse-json.md"), "{}", r.stdout);
    assert!(r.stdout.contains("--max-data"));
}

/// A real Dovecot session capture (made by scripts/dovecot) must parse without a single
/// error once it is in the repository.
#[test]
fn dovecot_session_capture_parses_cleanly() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/dovecot/session.imap");
    if !path.exists() {
        eprintln!(
            "note: {} does not exist yet; skipping the Dovecot capture test",
            path.display()
        );
        return;
    }
    let r = parse(&[path.to_str().unwrap()], b"");
    let v = r.values();
    let errors: Vec<&Value> = v.iter().filter(|x| x["type"] == "error").collect();
    assert!(
        errors.is_empty(),
        "parse errors in the capture: {errors:#?}"
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!v.is_empty());
    let unknown = v.iter().filter(|x| x["type"] == "unknown").count();
    eprintln!("{} responses ({unknown} of unknown type)", v.len());
}
