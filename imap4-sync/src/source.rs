//! Reading local mail stores to upload them: a single `.eml` file, a directory of them,
//! a Maildir, an mbox, or a directory holding any of those.
//!
//! [`Source::open`] looks at a path and decides what it is; the [`Source`] is then an
//! iterator of [`LocalMessage`]s (bytes with CRLF line ends, flags, a date where the
//! store has one). A message that cannot be read is an `Err` item and iteration goes on,
//! so one bad file costs only that file. Memory stays bounded: files are read one at a
//! time, an mbox is streamed, and a message over the size limit
//! ([`Source::with_max_message`], 256 MiB by default) is skipped with
//! [`Error::TooLarge`] without being held.
//!
//! | store | flags | date |
//! |---|---|---|
//! | Maildir | from the `:2,` info of the file name (`S` seen, `R` answered, `F` flagged, `T` deleted, `D` draft, `P` `$Forwarded`, `a`–`z` keywords of `dovecot-keywords`) | the file's modification time (delivery time, by convention) |
//! | mbox (mboxrd) | `Status:` (`R` seen), `X-Status:` (`A` answered, `F` flagged, `T` draft, `D` deleted), `X-Keywords:`, Thunderbird's `X-Mozilla-Status`/`X-Mozilla-Keys`; those headers are removed from the message | the date of the `From ` line |
//! | `.eml` | none | none (the server's time), or the file's modification time with [`Source::with_eml_mtime`] |
//!
//! ```
//! use imap4_sync::source::{Source, SourceKind};
//! use imap4::proto::Flag;
//!
//! let dir = std::env::temp_dir().join(format!("imap4-sync-doc-md-{}", std::process::id()));
//! for d in ["cur", "new", "tmp"] {
//!     std::fs::create_dir_all(dir.join(d))?;
//! }
//! std::fs::write(dir.join("cur/1700000000.1.host:2,FS"), "Subject: a\n\nx\n")?;
//! let src = Source::open(&dir)?;
//! assert_eq!(src.kind(), SourceKind::Maildir);
//! let msgs: Vec<_> = src.collect::<Result<_, _>>()?;
//! assert_eq!(msgs[0].flags, [Flag::Flagged, Flag::Seen]);
//! assert!(msgs[0].date.is_some());
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{HashSet, VecDeque};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use imap4::proto::date::InternalDate;
use imap4::proto::Flag;

/// The default largest message read: 256 MiB.
pub const DEFAULT_MAX_MESSAGE: u64 = 256 << 20;

/// One message read from a local store.
///
/// ```
/// let m = imap4_sync::source::LocalMessage {
///     bytes: b"Subject: x\r\n\r\n".to_vec(),
///     flags: vec![],
///     date: None,
///     origin: "x.eml".into(),
/// };
/// assert_eq!(m.bytes.len(), 14);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalMessage {
    /// The message, with CRLF line ends.
    pub bytes: Vec<u8>,
    /// The flags and keywords the store recorded.
    pub flags: Vec<Flag>,
    /// The date to upload it with (INTERNALDATE), where the store has one.
    pub date: Option<InternalDate>,
    /// Where it came from, for messages and reports: a file, or `file: message N (line L)`.
    pub origin: String,
}

/// What went wrong reading a store.
///
/// ```
/// use imap4_sync::source::{Error, Source};
/// let e = Source::open(std::path::Path::new("/nonexistent/mail")).unwrap_err();
/// assert!(matches!(e, Error::Io { .. }));
/// assert_eq!(e.path().unwrap(), std::path::Path::new("/nonexistent/mail"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The system's error.
        #[source]
        source: io::Error,
    },
    /// A directory without any mail in it (no `.eml`, Maildir or mbox).
    #[error("{}: no mail found (no .eml files, Maildir or mbox)", path.display())]
    NotMailStore {
        /// The directory.
        path: PathBuf,
    },
    /// A message larger than the limit; it was skipped.
    #[error(
        "{origin}: message of {size} bytes or more is over the limit of {limit} bytes; skipped"
    )]
    TooLarge {
        /// The file holding it.
        path: PathBuf,
        /// Where exactly (as [`LocalMessage::origin`]).
        origin: String,
        /// Its size, or how much was read before giving up.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

impl Error {
    /// The file or directory the error is about.
    ///
    /// ```
    /// let e = imap4_sync::source::Error::NotMailStore { path: "/tmp/x".into() };
    /// assert_eq!(e.path().unwrap().to_str(), Some("/tmp/x"));
    /// ```
    pub fn path(&self) -> Option<&Path> {
        match self {
            Error::Io { path, .. }
            | Error::NotMailStore { path }
            | Error::TooLarge { path, .. } => Some(path),
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What [`Source::open`] found at the path.
///
/// ```
/// use imap4_sync::source::SourceKind;
/// assert_ne!(SourceKind::Maildir, SourceKind::Mbox);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// One message file.
    Eml,
    /// A directory of message files (and possibly Maildirs and mboxes), read recursively.
    EmlDir,
    /// A Maildir (`cur/`, `new/`, `tmp/`).
    Maildir,
    /// An mbox file (mboxrd quoting).
    Mbox,
}

#[derive(Debug)]
enum Item {
    Eml(PathBuf),
    Maildir {
        path: PathBuf,
        new: bool,
        keywords: Arc<Vec<String>>,
    },
    Mbox(PathBuf),
}

/// A local mail store, as an iterator of its messages.
///
/// ```
/// use imap4_sync::source::{Source, SourceKind};
///
/// let path = std::env::temp_dir().join(format!("imap4-sync-doc-{}.mbox", std::process::id()));
/// std::fs::write(&path, "From a@x Tue Mar  5 10:00:00 2024\nSubject: one\nStatus: RO\n\n>From me\n\nFrom b@x Wed Mar  6 10:00:00 2024\nSubject: two\n\nbye\n")?;
/// let src = Source::open(&path)?;
/// assert_eq!(src.kind(), SourceKind::Mbox);
/// let msgs: Vec<_> = src.collect::<Result<_, _>>()?;
/// assert_eq!(msgs.len(), 2);
/// assert_eq!(msgs[0].bytes, b"Subject: one\r\n\r\nFrom me\r\n");
/// assert_eq!(msgs[0].flags, [imap4::proto::Flag::Seen]);
/// assert_eq!(msgs[1].date.unwrap().day, 6);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Source {
    kind: SourceKind,
    items: VecDeque<Item>,
    mbox: Option<MboxReader>,
    total_bytes: u64,
    count_hint: Option<usize>,
    max: u64,
    eml_mtime: bool,
    /// Errors met while walking directories, reported first.
    walk_errors: VecDeque<Error>,
}

impl Source {
    /// Looks at `path` and prepares to read it: a file is an mbox when its name ends in
    /// `.mbox`/`.mbx` or it starts with `From `, else one message; a directory with
    /// `cur/` or `new/` is a Maildir; another directory is walked for all of those
    /// (sorted by path; dotfiles skipped; symlink loops cut).
    ///
    /// A directory with no mail at all is [`Error::NotMailStore`]; an empty mbox or
    /// Maildir is a source without messages.
    ///
    /// ```
    /// let e = imap4_sync::source::Source::open(&std::env::temp_dir().join("imap4-sync-no-such-file"));
    /// assert!(e.is_err());
    /// ```
    pub fn open(path: &Path) -> Result<Source, Error> {
        let meta = std::fs::metadata(path).map_err(io_err(path))?;
        let mut src = Source {
            kind: SourceKind::Eml,
            items: VecDeque::new(),
            mbox: None,
            total_bytes: 0,
            count_hint: Some(0),
            max: DEFAULT_MAX_MESSAGE,
            eml_mtime: false,
            walk_errors: VecDeque::new(),
        };
        if meta.is_file() {
            if is_mbox_file(path).map_err(io_err(path))? {
                src.kind = SourceKind::Mbox;
                src.items.push_back(Item::Mbox(path.to_path_buf()));
            } else {
                src.items.push_back(Item::Eml(path.to_path_buf()));
            }
        } else if is_maildir(path) {
            src.kind = SourceKind::Maildir;
            add_maildir(path, &mut src.items, &mut src.walk_errors)?;
        } else {
            src.kind = SourceKind::EmlDir;
            let mut seen = HashSet::new();
            walk(path, &mut src.items, &mut src.walk_errors, &mut seen)?;
            if src.items.is_empty() && src.walk_errors.is_empty() {
                return Err(Error::NotMailStore {
                    path: path.to_path_buf(),
                });
            }
        }
        let mut count = 0usize;
        let mut any_mbox = false;
        for it in &src.items {
            let p = match it {
                Item::Eml(p) | Item::Maildir { path: p, .. } => {
                    count += 1;
                    p
                }
                Item::Mbox(p) => {
                    any_mbox = true;
                    p
                }
            };
            src.total_bytes += std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        }
        src.count_hint = (!any_mbox).then_some(count);
        Ok(src)
    }

    /// Gives single `.eml` files their modification time as the date (off by default:
    /// the server then uses the time of the upload).
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("imap4-sync-doc-mt-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("a.eml"), "Subject: a\n\nx\n")?;
    /// let mut src = imap4_sync::source::Source::open(&dir.join("a.eml"))?.with_eml_mtime(true);
    /// assert!(src.next().unwrap()?.date.is_some());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_eml_mtime(mut self, yes: bool) -> Source {
        self.eml_mtime = yes;
        self
    }

    /// The largest message to read, in bytes (default [`DEFAULT_MAX_MESSAGE`]); larger
    /// ones are [`Error::TooLarge`] items.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("imap4-sync-doc-max-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("a.eml"), "Subject: a\n\nxxxxxxxx\n")?;
    /// let mut src = imap4_sync::source::Source::open(&dir.join("a.eml"))?.with_max_message(10);
    /// assert!(matches!(src.next(), Some(Err(imap4_sync::source::Error::TooLarge { .. }))));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_max_message(mut self, bytes: u64) -> Source {
        self.max = bytes;
        self
    }

    /// What the path is.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("imap4-sync-doc-kind-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("a.eml"), "Subject: a\n\nx\n")?;
    /// use imap4_sync::source::{Source, SourceKind};
    /// assert_eq!(Source::open(&dir)?.kind(), SourceKind::EmlDir);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn kind(&self) -> SourceKind {
        self.kind
    }

    /// The size of all files to read, for a progress bar.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("imap4-sync-doc-tb-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("a.eml"), "Subject: a\n\nx\n")?;
    /// assert_eq!(imap4_sync::source::Source::open(&dir)?.total_bytes(), 14);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// How many messages there are, when that is known without reading (not for mbox).
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("imap4-sync-doc-ch-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("a.eml"), "Subject: a\n\nx\n")?;
    /// std::fs::write(dir.join("b.eml"), "Subject: b\n\nx\n")?;
    /// assert_eq!(imap4_sync::source::Source::open(&dir)?.count_hint(), Some(2));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn count_hint(&self) -> Option<usize> {
        self.count_hint
    }

    fn read_file(&self, path: &Path) -> Result<(Vec<u8>, std::fs::Metadata), Error> {
        let f = File::open(path).map_err(io_err(path))?;
        let meta = f.metadata().map_err(io_err(path))?;
        if meta.len() > self.max {
            return Err(Error::TooLarge {
                path: path.to_path_buf(),
                origin: path.display().to_string(),
                size: meta.len(),
                limit: self.max,
            });
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        // `take` guards against a file that grows while it is read.
        f.take(self.max + 1)
            .read_to_end(&mut bytes)
            .map_err(io_err(path))?;
        if bytes.len() as u64 > self.max {
            return Err(Error::TooLarge {
                path: path.to_path_buf(),
                origin: path.display().to_string(),
                size: bytes.len() as u64,
                limit: self.max,
            });
        }
        Ok((bytes, meta))
    }
}

impl Iterator for Source {
    type Item = Result<LocalMessage, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.walk_errors.pop_front() {
            return Some(Err(e));
        }
        loop {
            if let Some(mbox) = &mut self.mbox {
                match mbox.next_message() {
                    Some(r) => return Some(r),
                    None => self.mbox = None,
                }
            }
            let item = self.items.pop_front()?;
            match item {
                Item::Eml(path) => {
                    return Some(self.read_file(&path).map(|(bytes, meta)| LocalMessage {
                        bytes: to_crlf(bytes),
                        flags: Vec::new(),
                        date: if self.eml_mtime {
                            meta.modified().ok().map(InternalDate::from_system_time)
                        } else {
                            None
                        },
                        origin: path.display().to_string(),
                    }))
                }
                Item::Maildir {
                    path,
                    new,
                    keywords,
                } => {
                    return Some(self.read_file(&path).map(|(bytes, meta)| {
                        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                        LocalMessage {
                            bytes: to_crlf(bytes),
                            flags: maildir_flags(name.as_deref().unwrap_or(""), new, &keywords),
                            date: meta.modified().ok().map(InternalDate::from_system_time),
                            origin: path.display().to_string(),
                        }
                    }))
                }
                Item::Mbox(path) => match File::open(&path) {
                    Ok(f) => self.mbox = Some(MboxReader::new(path, f, self.max)),
                    Err(e) => return Some(Err(io_err(&path)(e))),
                },
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Detection and walking

fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() || dir.join("new").is_dir()
}

fn is_mbox_file(path: &Path) -> io::Result<bool> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if matches!(ext.as_deref(), Some("mbox" | "mbx" | "mbs")) {
        return Ok(true);
    }
    let mut head = [0u8; 5];
    let mut f = File::open(path)?;
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(&head[..n] == b"From ")
}

/// Whether a file in a directory walk looks like one message: `*.eml`, or a first line
/// that is a header field.
fn looks_like_message(path: &Path) -> io::Result<bool> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("eml"))
    {
        return Ok(true);
    }
    let mut buf = Vec::with_capacity(256);
    File::open(path)?.take(256).read_to_end(&mut buf)?;
    let line = buf.split(|&b| b == b'\n').next().unwrap_or(&[]);
    Ok(match memchr::memchr(b':', line) {
        Some(colon) if colon > 0 => line[..colon].iter().all(|b| (33..=126).contains(b)),
        _ => false,
    })
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io_err(dir))?
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    v.sort();
    Ok(v)
}

fn add_maildir(
    dir: &Path,
    items: &mut VecDeque<Item>,
    errors: &mut VecDeque<Error>,
) -> Result<(), Error> {
    let keywords = Arc::new(dovecot_keywords(dir));
    for (sub, new) in [("new", true), ("cur", false)] {
        let d = dir.join(sub);
        if !d.is_dir() {
            continue;
        }
        match sorted_entries(&d) {
            Ok(files) => {
                for path in files.into_iter().filter(|p| p.is_file()) {
                    items.push_back(Item::Maildir {
                        path,
                        new,
                        keywords: keywords.clone(),
                    });
                }
            }
            Err(e) => errors.push_back(e),
        }
    }
    Ok(())
}

fn walk(
    dir: &Path,
    items: &mut VecDeque<Item>,
    errors: &mut VecDeque<Error>,
    seen: &mut HashSet<PathBuf>,
) -> Result<(), Error> {
    let canon = dir.canonicalize().map_err(io_err(dir))?;
    if !seen.insert(canon) {
        return Ok(()); // a symlink back into the tree
    }
    for path in sorted_entries(dir)? {
        if path.is_dir() {
            if is_maildir(&path) {
                let canon = path.canonicalize().map_err(io_err(&path))?;
                if seen.insert(canon) {
                    add_maildir(&path, items, errors)?;
                }
            } else if let Err(e) = walk(&path, items, errors, seen) {
                errors.push_back(e);
            }
        } else if path.is_file() {
            match is_mbox_file(&path) {
                Ok(true) => items.push_back(Item::Mbox(path)),
                Ok(false) => match looks_like_message(&path) {
                    Ok(true) => items.push_back(Item::Eml(path)),
                    Ok(false) => {}
                    Err(e) => errors.push_back(io_err(&path)(e)),
                },
                Err(e) => errors.push_back(io_err(&path)(e)),
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Maildir flags

/// `dovecot-keywords`: lines `N name`, N = 0 for `a` ... 25 for `z`.
pub(crate) fn dovecot_keywords(dir: &Path) -> Vec<String> {
    let mut v = vec![String::new(); 26];
    if let Ok(text) = std::fs::read_to_string(dir.join("dovecot-keywords")) {
        for line in text.lines() {
            if let Some((n, name)) = line.trim().split_once(' ') {
                if let Ok(i) = n.parse::<usize>() {
                    if i < 26 && !name.trim().is_empty() {
                        v[i] = name.trim().to_string();
                    }
                }
            }
        }
    }
    v
}

fn maildir_flags(name: &str, new: bool, keywords: &[String]) -> Vec<Flag> {
    let info = [":2,", ";2,", "!2,"]
        .iter()
        .filter_map(|sep| name.rfind(sep).map(|p| &name[p + 3..]))
        .next()
        .unwrap_or("");
    let _ = new; // new/ messages carry no flags by convention; their info, if any, counts
    let mut flags = Vec::new();
    let mut kws = Vec::new();
    for c in info.chars() {
        let f = match c {
            'D' => Flag::Draft,
            'F' => Flag::Flagged,
            'R' => Flag::Answered,
            'S' => Flag::Seen,
            'T' => Flag::Deleted,
            'P' => Flag::parse(b"$Forwarded"),
            'a'..='z' => {
                let k = &keywords[(c as u8 - b'a') as usize];
                if k.is_empty() {
                    continue;
                }
                kws.push(Flag::parse(k.as_bytes()));
                continue;
            }
            _ => continue,
        };
        if !flags.contains(&f) {
            flags.push(f);
        }
    }
    flags.extend(kws);
    flags
}

// ---------------------------------------------------------------------------------------
// mbox

#[derive(Debug)]
struct MboxReader {
    path: PathBuf,
    r: BufReader<File>,
    max: u64,
    line_no: u64,
    msg_no: u64,
    /// The `From ` line that starts the next message, and its line number.
    next_from: Option<(Vec<u8>, u64)>,
    started: bool,
    done: bool,
}

impl MboxReader {
    fn new(path: PathBuf, f: File, max: u64) -> MboxReader {
        MboxReader {
            path,
            r: BufReader::with_capacity(64 << 10, f),
            max,
            line_no: 0,
            msg_no: 0,
            next_from: None,
            started: false,
            done: false,
        }
    }

    fn read_line(&mut self, buf: &mut Vec<u8>) -> io::Result<bool> {
        buf.clear();
        // Lines are read whole; a line longer than the limit is cut (and the message
        // will be over the limit anyway).
        let mut limited = (&mut self.r).take(self.max.saturating_add(2));
        let n = limited.read_until(b'\n', buf)?;
        if n > 0 {
            self.line_no += 1;
        }
        Ok(n > 0)
    }

    fn next_message(&mut self) -> Option<Result<LocalMessage, Error>> {
        if self.done {
            return None;
        }
        let mut line = Vec::new();
        // The first message: skip blank lines up to the first line.
        let (from_line, start_line) = match self.next_from.take() {
            Some(f) => f,
            None => {
                loop {
                    match self.read_line(&mut line) {
                        Ok(false) => {
                            self.done = true;
                            return None;
                        }
                        Ok(true) if is_blank(&line) && !self.started => continue,
                        Ok(true) => break,
                        Err(e) => {
                            self.done = true;
                            return Some(Err(io_err(&self.path)(e)));
                        }
                    }
                }
                self.started = true;
                if line.starts_with(b"From ") {
                    (line.clone(), self.line_no)
                } else {
                    // No `From ` line: the file starts with the message itself.
                    self.next_from = None;
                    (Vec::new(), self.line_no)
                }
            }
        };
        self.msg_no += 1;
        let origin = format!(
            "{}: message {} (line {start_line})",
            self.path.display(),
            self.msg_no
        );
        let mut body: Vec<u8> = Vec::new();
        let mut size: u64 = 0;
        let mut too_large = false;
        // A message without a From line begins with the line already read.
        if from_line.is_empty() {
            size += line.len() as u64;
            body.extend_from_slice(unescape(&line));
        }
        let mut prev_blank = false;
        loop {
            match self.read_line(&mut line) {
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Ok(true) => {
                    if prev_blank && line.starts_with(b"From ") {
                        self.next_from = Some((line.clone(), self.line_no));
                        break;
                    }
                    prev_blank = is_blank(&line);
                    size += line.len() as u64;
                    if size > self.max {
                        too_large = true;
                        body = Vec::new();
                    }
                    if !too_large {
                        body.extend_from_slice(unescape(&line));
                    }
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(io_err(&self.path)(e)));
                }
            }
        }
        if too_large {
            return Some(Err(Error::TooLarge {
                path: self.path.clone(),
                origin,
                size,
                limit: self.max,
            }));
        }
        // The blank line before the next From line (or at the end) separates messages.
        if prev_blank {
            let cut = if body.ends_with(b"\r\n") { 2 } else { 1 };
            if body.ends_with(b"\n") {
                body.truncate(body.len() - cut);
            }
        }
        let (bytes, flags) = take_status_headers(&body);
        let date = from_line_date(&from_line);
        Some(Ok(LocalMessage {
            bytes: to_crlf(bytes),
            flags,
            date,
            origin,
        }))
    }
}

fn is_blank(line: &[u8]) -> bool {
    line == b"\n" || line == b"\r\n"
}

/// mboxrd: `>From `, `>>From ` ... lose one `>`.
fn unescape(line: &[u8]) -> &[u8] {
    let gts = line.iter().take_while(|&&b| b == b'>').count();
    if gts > 0 && line[gts..].starts_with(b"From ") {
        &line[1..]
    } else {
        line
    }
}

/// The date of `From sender Tue Mar  5 10:00:00 2024`.
fn from_line_date(line: &[u8]) -> Option<InternalDate> {
    let rest = line.strip_prefix(b"From ")?;
    let rest = trim(rest);
    // The sender is the first word (quoted senders are rare and have no dates we could
    // trust less); the date follows.
    let sp = memchr::memchr(b' ', rest)?;
    imap4::mime::parse_date(&rest[sp + 1..])
}

fn trim(b: &[u8]) -> &[u8] {
    let s = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let e = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(s, |e| e + 1);
    &b[s..e.max(s)]
}

/// Removes the headers mail programs keep their local state in (Status, X-Status,
/// X-Keywords, X-UID, X-IMAP, X-IMAPbase, X-Mozilla-*) and turns them into flags.
pub(crate) fn take_status_headers(msg: &[u8]) -> (Vec<u8>, Vec<Flag>) {
    const DROP: [&[u8]; 9] = [
        b"status",
        b"x-status",
        b"x-keywords",
        b"x-uid",
        b"x-imap",
        b"x-imapbase",
        b"x-mozilla-status",
        b"x-mozilla-status2",
        b"x-mozilla-keys",
    ];
    let mut out = Vec::with_capacity(msg.len());
    let mut flags: Vec<Flag> = Vec::new();
    let mut keywords: Vec<Flag> = Vec::new();
    let mut status_seen = false;
    let mut mozilla: Option<u32> = None;
    let mut dropping = false;
    let mut rest = msg;
    let mut in_headers = true;
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
        let line = &rest[..end];
        rest = &rest[end..];
        if !in_headers {
            out.extend_from_slice(line);
            continue;
        }
        if is_blank(line) {
            in_headers = false;
            out.extend_from_slice(line);
            continue;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if !dropping {
                out.extend_from_slice(line);
            }
            continue;
        }
        let colon = memchr::memchr(b':', line);
        let name = colon.map(|c| line[..c].to_ascii_lowercase());
        dropping = name.as_deref().is_some_and(|n| DROP.contains(&n));
        if !dropping {
            out.extend_from_slice(line);
            continue;
        }
        let value = trim(&line[colon.unwrap_or(0) + 1..]);
        let value_str = String::from_utf8_lossy(value);
        let mut add = |f: Flag| {
            if !flags.contains(&f) {
                flags.push(f);
            }
        };
        match name.as_deref() {
            Some(b"status") => {
                status_seen = true;
                if value.contains(&b'R') {
                    add(Flag::Seen);
                }
            }
            Some(b"x-status") => {
                status_seen = true;
                for c in value {
                    match c {
                        b'A' => add(Flag::Answered),
                        b'F' => add(Flag::Flagged),
                        b'T' => add(Flag::Draft),
                        b'D' => add(Flag::Deleted),
                        _ => {}
                    }
                }
            }
            Some(b"x-keywords") | Some(b"x-mozilla-keys") => {
                for k in value_str
                    .split([',', ' '])
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                {
                    if k.bytes()
                        .all(|b| b.is_ascii_graphic() && !b"(){%*\"\\]".contains(&b))
                    {
                        let f = Flag::parse(k.as_bytes());
                        if !keywords.contains(&f) {
                            keywords.push(f);
                        }
                    }
                }
            }
            Some(b"x-mozilla-status") => {
                mozilla = u32::from_str_radix(value_str.trim(), 16).ok();
            }
            _ => {}
        }
    }
    if !status_seen {
        if let Some(m) = mozilla {
            for (bit, f) in [
                (0x1, Flag::Seen),
                (0x2, Flag::Answered),
                (0x4, Flag::Flagged),
                (0x8, Flag::Deleted),
            ] {
                if m & bit != 0 && !flags.contains(&f) {
                    flags.push(f);
                }
            }
        }
    }
    flags.extend(keywords);
    (out, flags)
}

/// Bare LF line ends become CRLF; CRLF stays.
pub(crate) fn to_crlf(bytes: Vec<u8>) -> Vec<u8> {
    let lone = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' && (i == 0 || bytes[i - 1] != b'\r'))
        .count();
    if lone == 0 {
        return bytes;
    }
    let mut out = Vec::with_capacity(bytes.len() + lone);
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' && (i == 0 || bytes[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf() {
        assert_eq!(to_crlf(b"a\nb\r\nc\n".to_vec()), b"a\r\nb\r\nc\r\n");
        assert_eq!(to_crlf(b"\n".to_vec()), b"\r\n");
        assert_eq!(to_crlf(b"a\r\n".to_vec()), b"a\r\n");
    }

    #[test]
    fn flags_from_names() {
        let mut kw = vec![String::new(); 26];
        kw[0] = "$Junk".into();
        kw[2] = "Work".into();
        assert_eq!(
            maildir_flags("123.host:2,FRSa", false, &kw),
            [
                Flag::Flagged,
                Flag::Answered,
                Flag::Seen,
                Flag::parse(b"$Junk")
            ]
        );
        assert_eq!(
            maildir_flags("123.host:2,Pb", false, &kw),
            [Flag::parse(b"$Forwarded")]
        );
        assert_eq!(maildir_flags("123.host!2,T", false, &kw), [Flag::Deleted]);
        assert!(maildir_flags("123.host", true, &kw).is_empty());
    }

    #[test]
    fn status_headers() {
        let (b, f) = take_status_headers(
            b"Subject: a\nStatus: RO\nX-Status: AF\nX-Keywords: $Label1, Work\n  more\nX-UID: 5\nTo: b\n\nStatus: body\n",
        );
        assert_eq!(b, b"Subject: a\nTo: b\n\nStatus: body\n");
        assert_eq!(
            f,
            [
                Flag::Seen,
                Flag::Answered,
                Flag::Flagged,
                Flag::parse(b"$Label1"),
                Flag::parse(b"Work"),
            ]
        );
        let (_, f) = take_status_headers(b"X-Mozilla-Status: 0005\n\nx");
        assert_eq!(f, [Flag::Seen, Flag::Flagged]);
    }

    #[test]
    fn from_dates() {
        let d = from_line_date(b"From a@x Tue Mar  5 10:00:00 2024\n").unwrap();
        assert_eq!((d.year, d.month, d.day, d.hour), (2024, 3, 5, 10));
        assert!(from_line_date(b"From a@x\n").is_none());
        assert!(from_line_date(b"From a@x garbage\n").is_none());
    }
}
