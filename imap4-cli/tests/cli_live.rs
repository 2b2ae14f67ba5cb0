//! The `imap4` binary against the private Dovecot: every command family, with the
//! server's state checked afterwards through the library and the `--json` output checked
//! against docs/cli-json.md. Ignored by default; `scripts/test` runs them.

mod common;

use common::*;
use imap4::proto::encode::{Criteria, FetchAttr, StatusAttr};
use imap4::proto::{Flag, Section, SequenceSet};

fn heidi() -> User {
    User::n(10)
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn ls_and_status() {
    let _ = NEEDS;
    let u = heidi();
    let mut c = u.client();
    fresh(&mut c, "cli-ls");
    c.create("cli-ls/sub").unwrap();
    append(&mut c, "cli-ls", message("a@x", "one", "1"), &[Flag::Seen]);
    append(&mut c, "cli-ls", message("a@x", "two", "2"), &[]);
    append(&mut c, "cli-ls", message("a@x", "three", "3"), &[]);

    let r = u.run(&["--json", "ls"]).ok();
    let all = r.json();
    for e in &all {
        assert_keys(
            e,
            &[
                "name",
                "delimiter",
                "role",
                "attributes",
                "subscribed",
                "selectable",
                "messages",
                "unseen",
                "size",
            ],
        );
    }
    let e = all
        .iter()
        .find(|e| e["name"] == "cli-ls")
        .expect("cli-ls listed");
    assert_eq!(e["messages"], 3);
    assert_eq!(e["unseen"], 2);
    assert!(e["size"].as_u64().unwrap() > 100);
    assert_eq!(e["delimiter"], "/");
    assert!(all.iter().any(|e| e["name"] == "cli-ls/sub"));
    let trash = all.iter().find(|e| e["role"] == "trash").expect("a Trash");
    assert_eq!(trash["name"], "Trash");

    // The table: the tree indents the child under its parent.
    let r = u.run(&["ls", "cli-ls*"]).ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("MAILBOX"), "{}", r.stdout);
    assert!(
        lines.iter().any(|l| l.starts_with("cli-ls ")),
        "{}",
        r.stdout
    );
    assert!(
        lines.iter().any(|l| l.starts_with("  sub ")),
        "{}",
        r.stdout
    );

    let r = u.run(&["--json", "status", "cli-ls"]).ok();
    let s = &r.json()[0];
    assert_eq!(s["mailbox"], "cli-ls");
    assert_eq!(s["messages"], 3);
    assert_eq!(s["unseen"], 2);
    let st = c
        .status("cli-ls", [StatusAttr::UidNext, StatusAttr::UidValidity])
        .unwrap();
    assert_eq!(s["uidnext"], st.uid_next.unwrap());
    assert_eq!(s["uidvalidity"], st.uid_validity.unwrap());
    assert!(s["size"].as_u64().unwrap() > 100);
    let r = u.run(&["status", "cli-ls"]).ok();
    assert!(
        r.stdout.contains("messages") && r.stdout.contains('3'),
        "{}",
        r.stdout
    );

    // A mailbox that does not exist is an error naming it.
    let r = u.run(&["status", "cli-ls-missing"]).code(1);
    assert!(r.stderr.contains("cli-ls-missing"), "{}", r.stderr);

    let r = u.run(&["--json", "capabilities"]).ok();
    assert!(r.json().iter().any(|c| c["name"] == "IDLE"));
    remove_tree(&mut c, "cli-ls");
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn search_queries() {
    let u = heidi();
    let mut c = u.client();
    let mb = "cli-search";
    fresh(&mut c, mb);
    let a = append(
        &mut c,
        mb,
        message("Alice <alice@example.com>", "q3 report", "numbers"),
        &[],
    );
    let b = append(
        &mut c,
        mb,
        message("Bob <bob@example.com>", "lunch", &"long text ".repeat(500)),
        &[Flag::Seen, Flag::Flagged],
    );
    let g = append(
        &mut c,
        mb,
        message(
            "carol@example.com",
            "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus Bonn",
            "hallo",
        ),
        &[Flag::Seen, Flag::Keyword("$Junk".into())],
    );

    let s = |q: &[&str]| {
        let mut args = vec!["search", mb, "--uids"];
        args.extend_from_slice(q);
        let mut v = u.run(&args).ok().uids();
        v.sort_unstable();
        v
    };
    assert_eq!(s(&["from:alice"]), [a]);
    assert_eq!(
        s(&["subject:q3 report"]),
        [a],
        "a phrase the shell unquoted"
    );
    assert_eq!(s(&[r#"subject:"q3 report""#]), [a]);
    assert_eq!(s(&["from:alice", "or", "from:bob"]), [a, b]);
    assert_eq!(s(&["unseen"]), [a]);
    assert_eq!(s(&["seen", "not", "flagged"]), [g]);
    assert_eq!(s(&["--", "-flagged"]), [a, g]);
    assert_eq!(s(&["larger:4k"]), [b]);
    assert_eq!(
        s(&["smaller:4k", "(from:carol", "or", "from:alice)"]),
        [a, g]
    );
    assert_eq!(s(&["keyword:$Junk"]), [g]);
    assert_eq!(
        s(&["subject:Grüße"]),
        [g],
        "non-ASCII search (CHARSET UTF-8)"
    );
    assert_eq!(s(&["header:Message-ID:example.com", "body:numbers"]), [a]);
    assert_eq!(s(&[&format!("uid:{b}:{g}")]), [b, g]);
    assert_eq!(
        s(&["since:2000-01-01", "sent-before:2010-01-01"]),
        [a, b, g]
    );
    assert_eq!(s(&[]), [a, b, g]);

    // Order and limit: newest first by default; by size with --sort.
    let r = u.run(&["search", mb, "--uids", "--limit", "2"]).ok();
    assert_eq!(r.uids(), [g, b]);
    let r = u
        .run(&["search", mb, "--uids", "--sort=-size", "-n", "1"])
        .ok();
    assert_eq!(r.uids(), [b]);
    let r = u.run(&["search", mb, "--uids", "--sort", "subject"]).ok();
    assert_eq!(r.uids(), [g, b, a], "Grüße, lunch, q3 (decoded subjects)");

    // The table decodes the subject; JSON has the documented keys.
    let r = u.run(&["search", mb, "from:carol"]).ok();
    assert!(r.stdout.contains("Grüße aus Bonn"), "{}", r.stdout);
    let r = u.run(&["--json", "search", mb, "from:carol"]).ok();
    let j = &r.json()[0];
    assert_keys(
        j,
        &[
            "uid",
            "date",
            "internaldate",
            "from",
            "from_email",
            "to",
            "subject",
            "size",
            "flags",
            "message_id",
        ],
    );
    assert_eq!(j["uid"], g);
    assert_eq!(j["subject"], "Grüße aus Bonn");
    assert_eq!(j["from_email"], "carol@example.com");
    assert_eq!(j["date"], "2006-01-02T15:04:05-07:00");
    let fl: Vec<&str> = j["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f.as_str())
        .collect();
    assert!(fl.contains(&"$Junk") && fl.contains(&"\\Seen"), "{fl:?}");

    // Nothing matched: exit 3, nothing on stdout.
    let r = u.run(&["search", mb, "from:nobody-at-all"]).code(3);
    assert!(r.stdout.is_empty());
    // A bad query: usage error pointing at the word.
    let r = u
        .run(&["search", mb, "from:alice", "sice:2024-01-01"])
        .code(2);
    assert!(r.stderr.contains("sice:2024-01-01"), "{}", r.stderr);
    assert!(r.stderr.contains("did you mean \"since:\""), "{}", r.stderr);
    let r = u.run(&["search", mb, "larger:lots"]).code(2);
    assert!(r.stderr.contains("not a size"), "{}", r.stderr);

    // Extensions: WITHIN and CONDSTORE are offered by Dovecot; X-GM-EXT-1 is not.
    let all = uids(&mut c, mb);
    let sorted = |r: Run| {
        let mut v = r.uids();
        v.sort_unstable();
        v
    };
    let r = u.run(&["search", mb, "--uids", "younger:3600"]).ok();
    assert_eq!(sorted(r), all, "all were appended within the hour");
    u.run(&["search", mb, "older:3600"]).code(3);
    let r = u.run(&["search", mb, "--uids", "modseq:1"]).ok();
    assert_eq!(sorted(r), all);
    let r = u.run(&["search", mb, "gmail:has:attachment"]).code(2);
    assert!(r.stderr.contains("X-GM-EXT-1"), "{}", r.stderr);
    remove_tree(&mut c, mb);
}

/// A message with a text part, an HTML alternative and two attachments, one of them named
/// to escape the target directory.
fn multipart() -> Vec<u8> {
    let pdf: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let b64: Vec<String> = base64(&pdf)
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let b64 = b64.join("\r\n");
    format!(
        "From: =?UTF-8?B?SsO8cmdlbg==?= <juergen@example.com>\r\n\
         To: heidi@example.com\r\n\
         Subject: =?ISO-8859-1?Q?Rechnung_f=FCr_M=E4rz?=\r\n\
         Date: Tue, 5 Mar 2024 10:00:00 +0100\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"OUT\"\r\n\r\n\
         --OUT\r\n\
         Content-Type: multipart/alternative; boundary=\"ALT\"\r\n\r\n\
         --ALT\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\r\n\
         Hallo Heidi,=0D=0Adie Rechnung f=C3=BCr M=C3=A4rz h=C3=A4ngt an.\r\n\
         --ALT\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n\
         <html><body><p>Hallo Heidi,</p><p>die Rechnung</p></body></html>\r\n\
         --ALT--\r\n\
         --OUT\r\n\
         Content-Type: application/pdf; name=\"../../etc/passwd\"\r\n\
         Content-Disposition: attachment; filename=\"../../etc/passwd\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n\
         {b64}\r\n\
         --OUT\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.txt\r\n\r\n\
         CV\r\n\
         --OUT--\r\n"
    )
    .into_bytes()
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn show_and_save_attachments() {
    let u = heidi();
    let mut c = u.client();
    let mb = "cli-show";
    fresh(&mut c, mb);
    let msg = multipart();
    let uid = append(&mut c, mb, msg.clone(), &[]).to_string();

    let r = u.run(&["show", mb, &uid]).ok();
    assert!(
        r.stdout.contains("Subject: Rechnung für März"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Jürgen <juergen@example.com>"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("die Rechnung für März hängt an."),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("passwd"), "attachment list: {}", r.stdout);
    assert!(
        r.stdout.contains("résumé.txt"),
        "attachment list: {}",
        r.stdout
    );

    let r = u.run(&["--json", "show", mb, &uid]).ok();
    let j = &r.json()[0];
    assert_keys(
        j,
        &[
            "uid",
            "mailbox",
            "flags",
            "size",
            "internaldate",
            "headers",
            "text_type",
            "text",
            "attachments",
        ],
    );
    let atts = j["attachments"].as_array().unwrap();
    assert_eq!(atts.len(), 2, "{j}");
    assert_eq!(atts[0]["size"], 3000);
    assert_eq!(atts[1]["filename"], "résumé.txt");

    // --raw: the exact bytes.
    let r = u.run(&["show", mb, &uid, "--raw"]).ok();
    assert_eq!(r.raw_stdout, msg);
    // --part: one part's content, transfer encoding undone (the HTML as it is; the
    // plain text part from quoted-printable).
    let r = u.run(&["show", mb, &uid, "--part", "1.2"]).ok();
    assert!(
        r.stdout.starts_with("<html><body><p>Hallo Heidi,</p>"),
        "{}",
        r.stdout
    );
    let r = u.run(&["show", mb, &uid, "--part", "1.1"]).ok();
    assert!(
        r.stdout.contains("die Rechnung für März hängt an."),
        "{}",
        r.stdout
    );
    let r = u.run(&["show", mb, &uid, "--part", "2"]).ok();
    let pdf: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    assert_eq!(r.raw_stdout, pdf);
    // Showing marks as seen only when asked to? Either way the flag is consistent with JSON.
    let r = u.run(&["show", mb, "999999"]).code(3);
    assert!(r.stderr.contains("999999"), "{}", r.stderr);

    // save-attachments: decoded, names made safe, nothing outside the directory.
    let root = temp_dir("attach");
    let to = root.join("out");
    let r = u
        .run(&[
            "--json",
            "save-attachments",
            mb,
            &uid,
            "--to",
            to.to_str().unwrap(),
        ])
        .ok();
    let saved = r.json();
    assert_eq!(saved.len(), 2, "{}", r.stdout);
    for s in &saved {
        let p = std::path::PathBuf::from(s["path"].as_str().unwrap());
        let canon = p.canonicalize().unwrap();
        assert!(
            canon.starts_with(to.canonicalize().unwrap()),
            "{p:?} escaped"
        );
    }
    let names: Vec<String> = std::fs::read_dir(&to)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().any(|n| n == "résumé.txt"), "{names:?}");
    let pw = names
        .iter()
        .find(|n| n.contains("passwd"))
        .expect("the pdf");
    assert!(!pw.contains('/') && !pw.starts_with('.'), "{pw}");
    assert_eq!(std::fs::read(to.join(pw)).unwrap(), pdf);
    assert!(!root.join("etc").exists() && !to.join("..").join("etc").exists());
    // Again: existing files are not overwritten.
    u.run(&["save-attachments", mb, &uid, "--to", to.to_str().unwrap()])
        .ok();
    assert_eq!(std::fs::read_dir(&to).unwrap().count(), 4);
    let _ = std::fs::remove_dir_all(&root);
    remove_tree(&mut c, mb);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn flag_commands() {
    let u = heidi();
    let mut c = u.client();
    let mb = "cli-flag";
    fresh(&mut c, mb);
    let a = append(&mut c, mb, message("a@x", "a", "1"), &[]);
    let b = append(&mut c, mb, message("b@x", "b", "2"), &[]);
    let set = format!("{a},{b}");

    u.run(&["flag", mb, "add", "seen", "$Label", &set]).ok();
    assert_eq!(flags(&mut c, mb, a), ["$Label", "\\Seen"]);
    assert_eq!(flags(&mut c, mb, b), ["$Label", "\\Seen"]);
    u.run(&["flag", mb, "rm", "$Label", &b.to_string()]).ok();
    assert_eq!(flags(&mut c, mb, b), ["\\Seen"]);
    u.run(&["flag", mb, "set", "flagged", &a.to_string()]).ok();
    assert_eq!(flags(&mut c, mb, a), ["\\Flagged"]);

    // --dry-run changes nothing and says what would change.
    let r = u
        .run(&["--json", "flag", mb, "add", "answered", &set, "--dry-run"])
        .ok();
    assert_eq!(r.json().len(), 2);
    assert_keys(&r.json()[0], &["uid", "dry_run", "action", "flags"]);
    assert_eq!(flags(&mut c, mb, a), ["\\Flagged"]);

    // --query instead of UIDs; --json prints the flags after the change.
    let r = u
        .run(&["--json", "flag", mb, "add", "draft", "--query", "from:b@x"])
        .ok();
    let j = r.json();
    assert_eq!(j.len(), 1);
    assert_keys(&j[0], &["uid", "flags"]);
    assert_eq!(j[0]["uid"], b);
    assert_eq!(flags(&mut c, mb, b), ["\\Draft", "\\Seen"]);

    // UIDs from stdin, as `search --uids` prints them.
    let mut cmd = u.cmd();
    cmd.args(["flag", mb, "add", "$Piped", "-"]);
    cmd.stdin(std::process::Stdio::piped());
    cmd.stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "{a}\n{b}").unwrap();
    assert!(child.wait().unwrap().success());
    assert!(flags(&mut c, mb, a).contains(&"$Piped".to_string()));
    assert!(flags(&mut c, mb, b).contains(&"$Piped".to_string()));

    // Bad inputs: an invalid keyword, a bad UID set, nothing matched.
    u.run(&["flag", mb, "add", "bad(flag", &set]).code(2);
    u.run(&["flag", mb, "add", "seen", "1:x"]).code(2);
    u.run(&["flag", mb, "add", "seen", "--query", "from:nobody"])
        .code(3);
    remove_tree(&mut c, mb);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn move_copy_delete() {
    let u = heidi();
    let mut c = u.client();
    let (src, dst) = ("cli-mv", "cli-mv-dest");
    fresh(&mut c, src);
    remove_tree(&mut c, dst);
    let ids: Vec<u32> = (0..5)
        .map(|i| append(&mut c, src, message("m@x", &format!("m{i}"), "x"), &[]))
        .collect();
    let trash_before = uids(&mut c, "Trash").len();

    // cp: into a mailbox that must be created first.
    u.run(&["cp", src, &ids[0].to_string(), dst]).code(1);
    u.run(&[
        "cp",
        src,
        &format!("{}:{}", ids[0], ids[1]),
        dst,
        "--create",
    ])
    .ok();
    assert_eq!(uids(&mut c, src).len(), 5);
    assert_eq!(uids(&mut c, dst).len(), 2);

    // mv --dry-run: nothing moves.
    let r = u
        .run(&["mv", src, &ids[2].to_string(), dst, "--dry-run"])
        .ok();
    assert!(r.stdout.contains(&ids[2].to_string()), "{}", r.stdout);
    assert_eq!(uids(&mut c, src).len(), 5);
    // mv: the JSON names the new UID (MOVE + UIDPLUS).
    let r = u.run(&["--json", "mv", src, &ids[2].to_string(), dst]).ok();
    let j = &r.json()[0];
    assert_keys(j, &["uid", "mailbox", "dest", "dest_uid", "action"]);
    assert_eq!(j["uid"], ids[2]);
    assert!(uids(&mut c, dst).contains(&(j["dest_uid"].as_u64().unwrap() as u32)));
    assert!(!uids(&mut c, src).contains(&ids[2]));
    // mv --query.
    u.run(&["mv", src, dst, "--query", "subject:m3"]).ok();
    assert_eq!(uids(&mut c, src), [ids[0], ids[1], ids[4]]);
    assert_eq!(uids(&mut c, dst).len(), 4);

    // rm: to Trash (by special-use), then for good.
    u.run(&["rm", src, &ids[0].to_string()]).ok();
    assert_eq!(uids(&mut c, src), [ids[1], ids[4]]);
    assert_eq!(uids(&mut c, "Trash").len(), trash_before + 1);
    u.run(&["rm", src, &ids[1].to_string(), "--expunge", "--dry-run"])
        .ok();
    assert_eq!(uids(&mut c, src), [ids[1], ids[4]]);
    u.run(&["rm", src, &ids[1].to_string(), "--expunge"]).ok();
    assert_eq!(uids(&mut c, src), [ids[4]]);
    assert_eq!(uids(&mut c, "Trash").len(), trash_before + 1);
    // A UID that is not there: nothing matched.
    u.run(&["rm", src, &ids[0].to_string()]).code(3);

    // Clean Trash of what this test put there.
    c.select("Trash").unwrap();
    let mine = c.uid_search(Criteria::subject("m0")).unwrap();
    if !mine.is_empty() {
        let set: SequenceSet = mine.into_iter().collect();
        c.uid_store(&set, imap4::proto::encode::StoreMode::Add, [Flag::Deleted])
            .ok();
        let _ = c.uid_expunge(&set);
    }
    remove_tree(&mut c, src);
    remove_tree(&mut c, dst);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn mailboxes() {
    let u = heidi();
    let mut c = u.client();
    for m in ["cli-mk", "cli-mk2", "cli-Überraschung 📬"] {
        remove_tree(&mut c, m);
    }
    u.run(&["mkdir", "cli-mk", "cli-Überraschung 📬"]).ok();
    let names: Vec<String> = c
        .list("", "cli-*")
        .unwrap()
        .into_iter()
        .map(|l| l.mailbox.name())
        .collect();
    assert!(names.iter().any(|n| n == "cli-mk"), "{names:?}");
    assert!(
        names.iter().any(|n| n == "cli-Überraschung 📬"),
        "{names:?}"
    );
    let r = u.run(&["--json", "ls", "cli-Ü*"]).ok();
    assert_eq!(r.json()[0]["name"], "cli-Überraschung 📬");

    u.run(&["subscribe", "cli-mk"]).ok();
    assert_eq!(c.lsub("", "cli-mk").unwrap().len(), 1);
    u.run(&["unsubscribe", "cli-mk"]).ok();
    assert_eq!(c.lsub("", "cli-mk").unwrap().len(), 0);

    u.run(&["rename", "cli-mk", "cli-mk2"]).ok();
    let st = c.status("cli-mk2", [StatusAttr::Messages]);
    assert!(st.is_ok());
    assert!(c.status("cli-mk", [StatusAttr::Messages]).is_err());

    // rmdir refuses a mailbox with mail unless --force.
    append(&mut c, "cli-mk2", message("a@x", "keep", "x"), &[]);
    let r = u.run(&["rmdir", "cli-mk2"]).code(1);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert!(c.status("cli-mk2", [StatusAttr::Messages]).is_ok());
    u.run(&["rmdir", "cli-mk2", "--force"]).ok();
    assert!(c.status("cli-mk2", [StatusAttr::Messages]).is_err());
    u.run(&["rmdir", "cli-Überraschung 📬"]).ok();

    // A name with CR/LF never reaches the server.
    let r = u.run(&["mkdir", "cli-evil\r\nA1 DELETE INBOX"]).code(2);
    assert!(r.stderr.contains("control character"), "{}", r.stderr);
    assert!(c.list("", "cli-evil*").unwrap().is_empty());
    assert!(c.status("INBOX", [StatusAttr::Messages]).is_ok());
    u.run(&["status", "INBOX\n"]).code(2);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn append_local_stores() {
    let u = heidi();
    let mut c = u.client();
    let mb = "cli-append";
    fresh(&mut c, mb);
    let dir = temp_dir("append");
    // Two .eml files (one with bare LF line ends), a Maildir with flags, an mbox.
    write(&dir.join("src/a.eml"), &message("eml@x", "eml one", "1"));
    write(
        &dir.join("src/b.eml"),
        b"From: lf@x\nSubject: bare lf\n\nline\n",
    );
    let md = dir.join("src/maildir");
    write(
        &md.join("cur/1700000000.1.host:2,FS"),
        &message("md@x", "maildir seen flagged", "x"),
    );
    write(
        &md.join("new/1700000001.2.host"),
        &message("md@x", "maildir new", "y"),
    );
    std::fs::create_dir_all(md.join("tmp")).unwrap();
    write(
        &dir.join("src/box.mbox"),
        b"From sender@x Tue Mar  5 10:00:00 2024\n\
          From: mbox@x\nSubject: mbox one\nStatus: RO\n\n>From the start\nbody\n\n\
          From sender@x Wed Mar  6 11:00:00 2024\n\
          From: mbox@x\nSubject: mbox two\n\nsecond\n",
    );

    let r = u
        .run(&["--json", "append", mb, dir.join("src").to_str().unwrap()])
        .ok();
    let rows = r.json();
    assert_eq!(rows.len(), 6, "{}", r.stdout);
    for row in &rows {
        assert_keys(row, &["source", "status", "uid", "size", "flags", "error"]);
        assert_eq!(row["status"], "appended", "{row}");
    }
    c.examine(mb).unwrap();
    assert_eq!(uids(&mut c, mb).len(), 6);
    let find = |c: &mut imap4::blocking::Client, subject: &str| -> u32 {
        c.examine(mb).unwrap();
        let v = c.uid_search(Criteria::subject(subject)).unwrap();
        assert_eq!(v.len(), 1, "{subject}");
        v[0]
    };
    let seen_flagged = find(&mut c, "maildir seen flagged");
    assert_eq!(flags(&mut c, mb, seen_flagged), ["\\Flagged", "\\Seen"]);
    let new = find(&mut c, "maildir new");
    assert!(flags(&mut c, mb, new).is_empty());
    let one = find(&mut c, "mbox one");
    assert_eq!(flags(&mut c, mb, one), ["\\Seen"]);
    // The mbox From line's date became the INTERNALDATE; the body was unescaped.
    c.examine(mb).unwrap();
    let set = SequenceSet::single(one).unwrap();
    let mut body = Vec::new();
    for m in c
        .uid_fetch(
            &set,
            [
                FetchAttr::InternalDate,
                FetchAttr::body_peek(Section::default()),
            ],
        )
        .unwrap()
    {
        let m = m.unwrap();
        let d = m.internal_date().unwrap();
        assert_eq!((d.year, d.month, d.day), (2024, 3, 5));
        body = m.body().map(|b| b.to_vec()).unwrap_or_default();
    }
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("\r\nFrom the start\r\n"), "{text:?}");
    assert!(!text.contains("Status:"), "{text:?}");
    let lf = find(&mut c, "bare lf");
    let _ = lf;

    // --dry-run uploads nothing.
    fresh(&mut c, mb);
    u.run(&["append", mb, dir.join("src").to_str().unwrap(), "--dry-run"])
        .ok();
    assert!(uids(&mut c, mb).is_empty());
    // A path that does not exist: an error naming it, nothing uploaded.
    let r = u.run(&["append", mb, "/nonexistent/mail.eml"]).code(1);
    assert!(r.stderr.contains("/nonexistent/mail.eml"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    remove_tree(&mut c, mb);
}

#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn shell_from_a_pipe() {
    let u = heidi();
    let mut c = u.client();
    let mb = "cli-shell";
    fresh(&mut c, mb);
    let mut cmd = u.cmd();
    cmd.arg("shell")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        use std::io::Write;
        let mut i = child.stdin.take().unwrap();
        write!(
            i,
            "CAPABILITY\n\
             APPEND {mb} (\\Flagged) {{24}}\nSubject: via shell\n\nhi\n\n\
             SELECT {mb}\n\
             .json on\n\
             UID SEARCH ALL\n\
             BOGUS\n"
        )
        .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("* CAPABILITY"), "{stdout}");
    assert!(
        stdout.contains("\"type\":\"search\"") || stdout.contains("\"search\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("BAD") || stdout.contains("\"bad\""),
        "{stdout}"
    );
    let got = uids(&mut c, mb);
    assert_eq!(
        got.len(),
        1,
        "the APPEND with a literal went through: {stdout}"
    );
    assert_eq!(flags(&mut c, mb, got[0]), ["\\Flagged"]);
    remove_tree(&mut c, mb);
}

/// Ctrl-C in the middle of a long append: the batch in flight finishes, the run exits
/// with 130, and the rows printed are exactly what the mailbox holds (nothing uploaded
/// without a row, no row without its message).
#[test]
#[ignore = "needs the Dovecot from scripts/dovecot (run scripts/test)"]
fn append_interrupted() {
    use std::io::{BufRead, BufReader};
    let u = heidi();
    let mut c = u.client();
    let mb = "cli-append-int";
    fresh(&mut c, mb);
    let dir = temp_dir("append-int");
    let mut mbox = Vec::new();
    let body = "x".repeat(900);
    for i in 0..20_000 {
        mbox.extend_from_slice(
            format!("From a@x Tue Mar  5 10:00:00 2024\nFrom: a@x\nSubject: n{i}\n\n{body}\n\n")
                .as_bytes(),
        );
    }
    write(&dir.join("big.mbox"), &mbox);
    let mut cmd = u.cmd();
    cmd.args(["--json", "append", mb])
        .arg(dir.join("big.mbox"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().expect("a first row").unwrap();
    let st = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let mut rows = vec![first];
    rows.extend(lines.map_while(Result::ok));
    let status = child.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(rows.len() < 20_000, "the interrupt stopped it early");
    eprintln!("{} rows before the interrupt took effect", rows.len());
    let mut printed: Vec<u32> = rows
        .iter()
        .map(|l| {
            let j: serde_json::Value = serde_json::from_str(l).unwrap();
            assert_eq!(j["status"], "appended", "{l}");
            u32::try_from(j["uid"].as_u64().unwrap()).unwrap()
        })
        .collect();
    printed.sort_unstable();
    assert_eq!(printed, uids(&mut c, mb));
    let _ = std::fs::remove_dir_all(&dir);
    remove_tree(&mut c, mb);
}
