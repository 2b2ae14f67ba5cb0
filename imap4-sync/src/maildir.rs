//! Writing a Maildir the way a backup needs it: each message fsynced before it is renamed
//! into `cur/`, names that carry the server's UIDVALIDITY and UID (so a crash between the
//! rename and the state file loses nothing: the next run finds the file), flags in the
//! `:2,` info, keywords as Dovecot's `dovecot-keywords` letters.
//!
//! A file name written here looks like `1700000000-42.imap4,S=1234:2,FS`: UIDVALIDITY,
//! UID, size (Dovecot reads `,S=`), then the standard info. Files with other names (put
//! there by another program) are left alone.
//!
//! ```
//! use imap4_sync::maildir::{FileName, info};
//! use imap4::proto::Flag;
//!
//! let name = FileName { uid_validity: 7, uid: 42, size: 1234 };
//! assert_eq!(name.base(), "7-42.imap4,S=1234");
//! assert_eq!(info(&[Flag::Seen, Flag::Flagged], &[]), ":2,FS");
//! assert_eq!(FileName::parse("7-42.imap4,S=1234:2,FS"), Some(name));
//! ```

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use imap4::proto::Flag;

/// The identity a backup file name carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileName {
    /// The mailbox's UIDVALIDITY when the message was saved.
    pub uid_validity: u32,
    /// The message's UID.
    pub uid: u32,
    /// The message's size in bytes.
    pub size: u64,
}

impl FileName {
    /// The name without the info (`UV-UID.imap4,S=SIZE`).
    ///
    /// ```
    /// let n = imap4_sync::maildir::FileName { uid_validity: 1, uid: 2, size: 3 };
    /// assert_eq!(n.base(), "1-2.imap4,S=3");
    /// ```
    pub fn base(&self) -> String {
        format!("{}-{}.imap4,S={}", self.uid_validity, self.uid, self.size)
    }

    /// Reads a file name written by [`base`](Self::base) plus any info; `None` for other
    /// names.
    ///
    /// ```
    /// use imap4_sync::maildir::FileName;
    /// assert_eq!(FileName::parse("5-9.imap4,S=10:2,S").map(|n| n.uid), Some(9));
    /// assert_eq!(FileName::parse("1700000000.M1P2.host:2,S"), None);
    /// ```
    pub fn parse(name: &str) -> Option<FileName> {
        let base = name.split(':').next()?;
        let (ids, rest) = base.split_once(".imap4")?;
        let (uv, uid) = ids.split_once('-')?;
        let size = rest.strip_prefix(",S=")?;
        let num = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !num(uv) || !num(uid) || !num(size) {
            return None;
        }
        Some(FileName {
            uid_validity: uv.parse().ok()?,
            uid: uid.parse().ok()?,
            size: size.parse().ok()?,
        })
    }
}

/// The `:2,` info for `flags`: the standard letters in ASCII order, then the letters of
/// the keywords found in `keywords` (index 0 is `a`). `\Recent` and keywords without a
/// letter are left out (a backup keeps them in its state).
///
/// ```
/// use imap4::proto::Flag;
/// let kw = vec!["$Junk".to_string()];
/// let flags = [Flag::Answered, Flag::parse(b"$Junk"), Flag::Draft, Flag::parse(b"$Forwarded")];
/// assert_eq!(imap4_sync::maildir::info(&flags, &kw), ":2,DPRa");
/// ```
pub fn info(flags: &[Flag], keywords: &[String]) -> String {
    let mut std = Vec::new();
    let mut kw = Vec::new();
    for f in flags {
        let c = match f {
            Flag::Draft => 'D',
            Flag::Flagged => 'F',
            Flag::Answered => 'R',
            Flag::Seen => 'S',
            Flag::Deleted => 'T',
            Flag::Keyword(k) if k.eq_ignore_ascii_case(b"$Forwarded") => 'P',
            Flag::Keyword(k) => {
                if let Some(i) = keywords
                    .iter()
                    .position(|n| n.as_bytes().eq_ignore_ascii_case(k))
                {
                    if i < 26 {
                        kw.push((b'a' + i as u8) as char);
                    }
                }
                continue;
            }
            _ => continue,
        };
        std.push(c);
    }
    std.sort_unstable();
    std.dedup();
    kw.sort_unstable();
    kw.dedup();
    let mut s = String::from(":2,");
    s.extend(std);
    s.extend(kw);
    s
}

/// A Maildir being written: `cur/`, `new/`, `tmp/` and its `dovecot-keywords`.
#[derive(Debug)]
pub struct Maildir {
    root: PathBuf,
    keywords: Vec<String>,
    keywords_dirty: bool,
}

/// A file of ours found in `cur/` or `new/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// What its name says.
    pub name: FileName,
    /// The path relative to the Maildir (`cur/...` or `new/...`).
    pub path: String,
}

impl Maildir {
    /// Opens the Maildir at `root`, creating `cur/ new/ tmp/` (and `root`) where missing,
    /// and removing what an interrupted run left in `tmp/` (files of ours only).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("imap4-md-doc-{}", std::process::id()));
    /// let md = imap4_sync::maildir::Maildir::open(&dir)?;
    /// assert!(dir.join("cur").is_dir() && dir.join("tmp").is_dir());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn open(root: &Path) -> io::Result<Maildir> {
        let existed = root.join("cur").is_dir();
        for d in ["cur", "new", "tmp"] {
            fs::create_dir_all(root.join(d))?;
        }
        if !existed {
            sync_dir(root)?;
            if let Some(parent) = root.parent() {
                let _ = sync_dir(parent);
            }
        }
        for e in fs::read_dir(root.join("tmp"))? {
            let e = e?;
            let n = e.file_name();
            if n.to_str().is_some_and(|n| n.contains(".imap4")) {
                let _ = fs::remove_file(e.path());
            }
        }
        let keywords = crate::source::dovecot_keywords(root);
        Ok(Maildir {
            root: root.to_path_buf(),
            keywords,
            keywords_dirty: false,
        })
    }

    /// The Maildir's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The files of ours in `cur/` and `new/`.
    pub fn scan(&self) -> io::Result<Vec<Found>> {
        let mut out = Vec::new();
        for d in ["cur", "new"] {
            for e in fs::read_dir(self.root.join(d))? {
                let e = e?;
                let Some(n) = e.file_name().to_str().map(str::to_owned) else {
                    continue;
                };
                if let Some(name) = FileName::parse(&n) {
                    out.push(Found {
                        name,
                        path: format!("{d}/{n}"),
                    });
                }
            }
        }
        Ok(out)
    }

    /// The keyword letters known (index 0 is `a`).
    pub fn keywords(&self) -> &[String] {
        &self.keywords
    }

    /// Gives the keywords among `flags` a letter where one is free; call
    /// [`save_keywords`](Self::save_keywords) before a file name uses a new letter.
    pub fn learn_keywords(&mut self, flags: &[Flag]) {
        for f in flags {
            if let Flag::Keyword(k) = f {
                if k.eq_ignore_ascii_case(b"$Forwarded") {
                    continue;
                }
                let Ok(k) = std::str::from_utf8(k) else {
                    continue;
                };
                if self.keywords.iter().any(|n| n.eq_ignore_ascii_case(k)) {
                    continue;
                }
                if let Some(slot) = self.keywords.iter_mut().find(|n| n.is_empty()) {
                    *slot = k.to_string();
                    self.keywords_dirty = true;
                } else if self.keywords.len() < 26 {
                    self.keywords.push(k.to_string());
                    self.keywords_dirty = true;
                }
            }
        }
    }

    /// Writes `dovecot-keywords` (write, fsync, rename) if a letter was added.
    pub fn save_keywords(&mut self) -> io::Result<()> {
        if !self.keywords_dirty {
            return Ok(());
        }
        let mut text = String::new();
        for (i, k) in self.keywords.iter().enumerate() {
            if !k.is_empty() {
                text.push_str(&format!("{i} {k}\n"));
            }
        }
        write_atomic(&self.root.join("dovecot-keywords"), text.as_bytes())?;
        self.keywords_dirty = false;
        Ok(())
    }

    /// The path of `rel` (`cur/...`) inside the Maildir.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Renames `rel` to carry `flags`; returns the new relative path (in `cur/`).
    pub fn set_flags(&self, rel: &str, flags: &[Flag]) -> io::Result<String> {
        let file = rel.rsplit('/').next().unwrap_or(rel);
        let base = file.split(':').next().unwrap_or(file);
        let new = format!("cur/{base}{}", info(flags, &self.keywords));
        if new != rel {
            fs::rename(self.root.join(rel), self.root.join(&new))?;
        }
        Ok(new)
    }

    /// A new file in `tmp/` for the message named `name`.
    pub fn create_tmp(&self, name: &FileName) -> io::Result<(File, PathBuf)> {
        let p = self
            .root
            .join("tmp")
            .join(format!("{}.{}", name.base(), std::process::id()));
        let f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&p)?;
        Ok((f, p))
    }
}

/// fsyncs a directory, so that renames and creations in it are durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Writes `path` so that a crash leaves either the old or the new content: write a
/// temporary file beside it, fsync it, rename it over `path`, fsync the directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    sync_dir(dir)
}

/// Several found files for one UID (a crash in a rare window, or files copied by hand):
/// keeps the first of each, returns the others.
pub fn duplicates(found: &mut Vec<Found>) -> Vec<Found> {
    let mut seen: HashMap<(u32, u32), ()> = HashMap::new();
    let mut extra = Vec::new();
    found.retain(|f| {
        if seen.insert((f.name.uid_validity, f.name.uid), ()).is_some() {
            extra.push(f.clone());
            false
        } else {
            true
        }
    });
    extra
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_reject_others() {
        let n = FileName {
            uid_validity: u32::MAX,
            uid: 1,
            size: 0,
        };
        assert_eq!(FileName::parse(&format!("{}:2,", n.base())), Some(n));
        for bad in [
            "",
            "x-1.imap4,S=1",
            "1-.imap4,S=1",
            "1-2.imap4",
            "1-2.imap4,S=",
            "1-2.imap4,S=1x",
            "1-2.notours,S=1",
            "99999999999-2.imap4,S=1",
        ] {
            assert_eq!(FileName::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn info_letters() {
        assert_eq!(info(&[], &[]), ":2,");
        assert_eq!(
            info(&[Flag::Seen, Flag::Seen, Flag::Deleted, Flag::Recent], &[]),
            ":2,ST"
        );
        let kw: Vec<String> = (0..26).map(|i| format!("k{i}")).collect();
        let flags = [
            Flag::parse(b"k25"),
            Flag::parse(b"K0"),
            Flag::parse(b"other"),
        ];
        assert_eq!(info(&flags, &kw), ":2,az");
    }

    #[test]
    fn keywords_fill_26_letters_then_stop() {
        let dir = std::env::temp_dir().join(format!("imap4-md-kw-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let mut md = Maildir::open(&dir).unwrap();
        let flags: Vec<Flag> = (0..30)
            .map(|i| Flag::parse(format!("kw{i}").as_bytes()))
            .collect();
        md.learn_keywords(&flags);
        md.learn_keywords(&[Flag::parse(b"KW3"), Flag::parse(b"$Forwarded")]);
        let named: Vec<&String> = md.keywords().iter().filter(|k| !k.is_empty()).collect();
        assert_eq!(named.len(), 26);
        assert_eq!(named[25], "kw25");
        assert!(!md
            .keywords()
            .iter()
            .any(|k| k == "KW3" || k == "$Forwarded"));
        md.save_keywords().unwrap();
        let again = Maildir::open(&dir).unwrap();
        assert_eq!(again.keywords(), md.keywords());
        fs::remove_dir_all(&dir).unwrap();
    }
}
