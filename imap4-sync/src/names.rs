//! Mailbox names as paths: each level of the hierarchy becomes a directory whose name is
//! safe on any file system and can never leave the backup's directory, whatever the server
//! calls its mailboxes (`..`, `a/b` under a `.` delimiter, control characters, `cur`).
//!
//! The mapping is not reversible by itself (`a_b` and `a/b` under `.` may meet), so a
//! backup keeps it in its index; [`unique_paths`] settles collisions.
//!
//! ```
//! use imap4_sync::names::mailbox_path;
//!
//! assert_eq!(mailbox_path("Archive/2024", Some('/')), "Archive/2024");
//! assert_eq!(mailbox_path("INBOX.Sent", Some('.')), "INBOX/Sent");
//! assert_eq!(mailbox_path("../../etc", Some('/')), "_.._/_.._/etc");
//! assert_eq!(mailbox_path("Entwürfe", Some('/')), "Entwürfe");
//! ```

use std::collections::{BTreeMap, HashSet};

/// The relative path (levels joined with `/`) for the mailbox `name` whose hierarchy
/// delimiter is `delimiter`.
pub fn mailbox_path(name: &str, delimiter: Option<char>) -> String {
    let levels: Vec<&str> = match delimiter {
        Some(d) => name.split(d).collect(),
        None => vec![name],
    };
    levels
        .iter()
        .map(|l| safe_level(l))
        .collect::<Vec<_>>()
        .join("/")
}

/// One level made safe: no `/`, NUL or control characters, no `.`/`..`, no leading dot
/// (hidden files, Maildir++ folders), not `cur`/`new`/`tmp` (a Maildir's own directories),
/// no trailing dot or space (Windows), at most 200 bytes.
fn safe_level(level: &str) -> String {
    let mut s: String = level
        .chars()
        .map(|c| match c {
            '/' | '\\' | '\0' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    if s.is_empty() {
        s.push('_');
    }
    if s.starts_with('.') {
        s.insert(0, '_');
    }
    if matches!(s.to_ascii_lowercase().as_str(), "cur" | "new" | "tmp") {
        s.insert(0, '_');
    }
    if s.ends_with('.') || s.ends_with(' ') {
        s.push('_');
    }
    if s.len() > 200 {
        let mut cut = 190;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        let h = fnv(level.as_bytes());
        s = format!("{}~{:08x}", &s[..cut], h as u32);
    }
    s
}

/// Paths for several mailboxes, each distinct even where the safe forms of two names
/// meet (case-insensitively too, for file systems that fold case): later ones get `~2`,
/// `~3`, ... Names already in `known` keep their path.
///
/// ```
/// use imap4_sync::names::unique_paths;
/// use std::collections::BTreeMap;
/// let got = unique_paths(&[("a/b".into(), Some('.')), ("a_b".into(), Some('.'))], &BTreeMap::new());
/// assert_eq!(got["a/b"], "a_b");
/// assert_eq!(got["a_b"], "a_b~2");
/// ```
pub fn unique_paths(
    names: &[(String, Option<char>)],
    known: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut used: HashSet<String> = HashSet::new();
    for (name, path) in known {
        used.insert(path.to_lowercase());
        out.insert(name.clone(), path.clone());
    }
    for (name, delim) in names {
        if out.contains_key(name) {
            continue;
        }
        let base = mailbox_path(name, *delim);
        let mut p = base.clone();
        let mut n = 2;
        while used.contains(&p.to_lowercase()) {
            p = format!("{base}~{n}");
            n += 1;
        }
        used.insert(p.to_lowercase());
        out.insert(name.clone(), p);
    }
    out
}

fn fnv(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in b {
        h ^= u64::from(x);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hostile_names() {
        assert_eq!(mailbox_path("", Some('/')), "_");
        assert_eq!(mailbox_path("a//b", Some('/')), "a/_/b");
        assert_eq!(mailbox_path(".hidden", Some('/')), "_.hidden");
        assert_eq!(mailbox_path("INBOX/cur", Some('/')), "INBOX/_cur");
        assert_eq!(mailbox_path("x\r\ny", None), "x__y");
        assert_eq!(mailbox_path("a/b", Some('.')), "a_b");
        assert_eq!(mailbox_path("trail. ", Some('/')), "trail. _");
        let long = "ü".repeat(300);
        let p = mailbox_path(&long, None);
        assert!(p.len() <= 200 && p.contains('~'), "{p}");
    }

    #[test]
    fn collisions_fold_case() {
        let got = unique_paths(
            &[("Work".into(), Some('/')), ("work".into(), Some('/'))],
            &BTreeMap::new(),
        );
        assert_eq!(got["Work"], "Work");
        assert_eq!(got["work"], "work~2");
        let mut known = BTreeMap::new();
        known.insert("work".to_string(), "work".to_string());
        let got = unique_paths(
            &[("Work".into(), Some('/')), ("work".into(), Some('/'))],
            &known,
        );
        assert_eq!(got["work"], "work", "a known mapping never moves");
        assert_eq!(got["Work"], "Work~2");
    }

    proptest! {
        #[test]
        fn never_escapes(name in "\\PC{0,40}", d in prop::sample::select(vec!['/', '.', '\\'])) {
            let p = mailbox_path(&name, Some(d));
            let path = std::path::Path::new(&p);
            prop_assert!(path.is_relative());
            for c in path.components() {
                prop_assert!(matches!(c, std::path::Component::Normal(_)), "{p:?}");
                let s = c.as_os_str().to_string_lossy();
                prop_assert!(!s.starts_with('.'));
                prop_assert!(!["cur", "new", "tmp"].contains(&s.to_ascii_lowercase().as_str()));
            }
        }
    }
}
