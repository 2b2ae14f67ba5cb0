//! Reading local stores: Maildir, mbox, .eml files and directories of them, built as
//! fixtures in temporary directories; bad inputs (loops, huge messages, missing paths)
//! and an mbox round trip property.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use imap4::proto::Flag;
use imap4_sync::source::{Error, LocalMessage, Source, SourceKind};
use proptest::prelude::*;

fn temp(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "imap4-sync-test-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(p: &Path, b: &[u8]) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, b).unwrap();
}

fn all(p: &Path) -> Vec<LocalMessage> {
    Source::open(p)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

fn subjects(v: &[LocalMessage]) -> Vec<String> {
    v.iter()
        .map(|m| {
            let t = String::from_utf8_lossy(&m.bytes);
            t.lines()
                .find_map(|l| l.strip_prefix("Subject: ").map(str::to_string))
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn maildir_flags_keywords_and_order() {
    let d = temp("maildir");
    write(&d.join("dovecot-keywords"), b"0 $Junk\n1 Work\n");
    write(&d.join("new/2.host"), b"Subject: new one\n\nx\n");
    write(
        &d.join("cur/1.host:2,RSb"),
        b"Subject: cur one\r\n\r\nx\r\n",
    );
    write(&d.join("cur/3.host:2,a"), b"Subject: cur two\n\nx\n");
    write(&d.join("cur/.hidden"), b"Subject: hidden\n\nx\n");
    std::fs::create_dir_all(d.join("tmp")).unwrap();
    write(&d.join("tmp/9.host"), b"Subject: in tmp\n\nx\n");
    let src = Source::open(&d).unwrap();
    assert_eq!(src.kind(), SourceKind::Maildir);
    assert_eq!(src.count_hint(), Some(3));
    let v: Vec<_> = src.collect::<Result<_, _>>().unwrap();
    assert_eq!(subjects(&v), ["new one", "cur one", "cur two"]);
    assert!(v[0].flags.is_empty());
    assert_eq!(
        v[1].flags,
        [Flag::Answered, Flag::Seen, Flag::parse(b"Work")]
    );
    assert_eq!(v[2].flags, [Flag::parse(b"$Junk")]);
    assert!(v.iter().all(|m| m.date.is_some()));
    assert_eq!(
        v[1].bytes, b"Subject: cur one\r\n\r\nx\r\n",
        "CRLF kept as is"
    );
    assert_eq!(v[0].bytes, b"Subject: new one\r\n\r\nx\r\n");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn mbox_messages_flags_dates_and_quoting() {
    let d = temp("mbox");
    let p = d.join("box");
    write(
        &p,
        b"From alice@x Tue Mar  5 10:00:00 2024\n\
          Subject: one\nStatus: RO\nX-Status: F\nX-Keywords: $Label1\n\n\
          >From the start\n>>From deeper\nFrom not a separator (no blank line before)\n\n\
          From bob@x Wed Mar  6 11:30:00 2024 +0100\n\
          Subject: two\n\nsecond\n\n\n\
          From carol@x Thu Mar  7 09:15:44 2024\n\
          Subject: three\n\nno newline at the end",
    );
    let src = Source::open(&p).unwrap();
    assert_eq!(src.kind(), SourceKind::Mbox, "detected by its first line");
    assert_eq!(src.count_hint(), None);
    let v: Vec<_> = src.collect::<Result<_, _>>().unwrap();
    assert_eq!(subjects(&v), ["one", "two", "three"]);
    assert_eq!(
        v[0].bytes,
        b"Subject: one\r\n\r\nFrom the start\r\n>From deeper\r\nFrom not a separator (no blank line before)\r\n"
            .as_slice()
    );
    assert_eq!(
        v[0].flags,
        [Flag::Seen, Flag::Flagged, Flag::parse(b"$Label1")]
    );
    let d0 = v[0].date.unwrap();
    assert_eq!((d0.year, d0.month, d0.day, d0.hour), (2024, 3, 5, 10));
    assert_eq!(
        v[1].bytes, b"Subject: two\r\n\r\nsecond\r\n\r\n",
        "one separator line removed"
    );
    assert_eq!(v[1].date.unwrap().day, 6);
    assert_eq!(v[2].bytes, b"Subject: three\r\n\r\nno newline at the end");
    assert!(v[2].origin.contains("message 3"), "{}", v[2].origin);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn too_large_is_skipped_and_the_rest_read() {
    let d = temp("large");
    let p = d.join("big.mbox");
    let mut text = b"From a@x Tue Mar  5 10:00:00 2024\nSubject: big\n\n".to_vec();
    for _ in 0..2000 {
        text.extend_from_slice(b"0123456789012345678901234567890123456789\n");
    }
    text.extend_from_slice(b"\nFrom b@x Tue Mar  5 10:00:00 2024\nSubject: small\n\nok\n");
    write(&p, &text);
    let v: Vec<_> = Source::open(&p).unwrap().with_max_message(10_000).collect();
    assert_eq!(v.len(), 2);
    match &v[0] {
        Err(Error::TooLarge { limit, size, .. }) => {
            assert_eq!(*limit, 10_000);
            assert!(*size > 10_000);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(subjects(&[v[1].as_ref().unwrap().clone()]), ["small"]);
    // The same for a file.
    write(&d.join("dir/big.eml"), &vec![b'x'; 20_000]);
    write(&d.join("dir/ok.eml"), b"Subject: ok\n\nx\n");
    let v: Vec<_> = Source::open(&d.join("dir"))
        .unwrap()
        .with_max_message(10_000)
        .collect();
    assert!(matches!(v[0], Err(Error::TooLarge { .. })));
    assert!(v[1].is_ok());
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn eml_directories_recursive_with_nested_stores() {
    let d = temp("emldir");
    write(&d.join("b.eml"), b"Subject: b\n\nx\n");
    write(&d.join("a/one.eml"), b"Subject: a1\n\nx\n");
    write(&d.join("a/noext"), b"Subject: no extension\n\nx\n");
    write(&d.join("a/notes.txt"), b"just some text, not mail\n");
    write(
        &d.join("a/old.mbox"),
        b"From x Tue Mar  5 10:00:00 2024\nSubject: from mbox\n\nx\n",
    );
    write(
        &d.join("c/Maildir/cur/1.h:2,S"),
        b"Subject: in maildir\n\nx\n",
    );
    write(&d.join(".git/config"), b"Subject: hidden\n\nx\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&d, d.join("a/loop")).unwrap();
    let src = Source::open(&d).unwrap();
    assert_eq!(src.kind(), SourceKind::EmlDir);
    assert_eq!(src.count_hint(), None, "an mbox inside: unknown count");
    let v: Vec<_> = src.collect::<Result<_, _>>().unwrap();
    assert_eq!(
        subjects(&v),
        ["no extension", "from mbox", "a1", "b", "in maildir"]
    );
    assert_eq!(v[4].flags, [Flag::Seen]);
    // A single .eml: no date unless asked.
    let one = all(&d.join("b.eml"));
    assert_eq!(one[0].date, None);
    let one: Vec<_> = Source::open(&d.join("b.eml"))
        .unwrap()
        .with_eml_mtime(true)
        .collect();
    assert!(one[0].as_ref().unwrap().date.is_some());
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn nothing_there() {
    let d = temp("empty");
    assert!(matches!(Source::open(&d), Err(Error::NotMailStore { .. })));
    write(&d.join("readme.txt"), b"hello\n");
    assert!(matches!(Source::open(&d), Err(Error::NotMailStore { .. })));
    let e = Source::open(&d.join("missing")).unwrap_err();
    assert!(matches!(e, Error::Io { .. }));
    assert!(e.to_string().contains("missing"), "{e}");
    write(&d.join("empty.mbox"), b"");
    assert!(all(&d.join("empty.mbox")).is_empty());
    std::fs::create_dir_all(d.join("md/cur")).unwrap();
    assert!(all(&d.join("md")).is_empty());
    let _ = std::fs::remove_dir_all(&d);
}

#[cfg(unix)]
#[test]
fn unreadable_files_cost_only_themselves() {
    use std::os::unix::fs::PermissionsExt;
    if is_root() {
        return; // root reads everything; nothing to check
    }
    let d = temp("perm");
    write(&d.join("a.eml"), b"Subject: a\n\nx\n");
    write(&d.join("b.eml"), b"Subject: b\n\nx\n");
    std::fs::set_permissions(d.join("a.eml"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let v: Vec<_> = Source::open(&d).unwrap().collect();
    assert!(v.iter().any(|r| r.is_err()));
    assert!(v.iter().any(|r| r.is_ok()));
    let _ = std::fs::remove_dir_all(&d);
}

#[cfg(unix)]
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// mboxrd escaping as a writer would do it.
fn escape(body: &str) -> String {
    body.split_inclusive('\n')
        .map(|l| {
            let gts = l.bytes().take_while(|&b| b == b'>').count();
            if l[gts..].starts_with("From ") {
                format!(">{l}")
            } else {
                l.to_string()
            }
        })
        .collect()
}

proptest! {
    #[test]
    fn mbox_round_trip(bodies in prop::collection::vec(
        prop::collection::vec(prop_oneof![
            Just("From me\n".to_string()),
            Just(">From you\n".to_string()),
            Just(">>From them\n".to_string()),
            Just("\n".to_string()),
            "[a-zA-Z >]{0,20}\n",
        ], 0..8),
        1..5,
    )) {
        let d = temp("prop");
        let mut text = String::new();
        let mut expect = Vec::new();
        for (i, lines) in bodies.iter().enumerate() {
            let body: String = lines.concat();
            let msg = format!("Subject: m{i}\n\n{body}");
            text.push_str("From sender@x Tue Mar  5 10:00:00 2024\n");
            text.push_str(&escape(&msg));
            if !msg.ends_with('\n') {
                text.push('\n');
            }
            text.push('\n');
            let mut m = msg.clone();
            if !m.ends_with('\n') {
                m.push('\n');
            }
            expect.push(m.replace('\n', "\r\n"));
        }
        let p = d.join("x.mbox");
        std::fs::write(&p, &text).unwrap();
        let got: Vec<String> = Source::open(&p)
            .unwrap()
            .map(|m| String::from_utf8(m.unwrap().bytes).unwrap())
            .collect();
        let _ = std::fs::remove_dir_all(&d);
        prop_assert_eq!(got, expect);
    }

    #[test]
    fn any_bytes_never_panic(b in prop::collection::vec(any::<u8>(), 0..600)) {
        let d = temp("anybytes");
        let p = d.join("x.mbox");
        std::fs::write(&p, &b).unwrap();
        let _ = Source::open(&p).unwrap().with_max_message(100).count();
        let mut with_from = b"From ".to_vec();
        with_from.extend_from_slice(&b);
        std::fs::write(&p, &with_from).unwrap();
        let _ = Source::open(&p).unwrap().count();
        let _ = std::fs::remove_dir_all(&d);
    }
}
