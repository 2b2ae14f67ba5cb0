//! `Raw`: any command, for extensions this crate does not model (imaplib's `xatom`).

use std::collections::HashSet;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use bytes::Bytes;

use super::{is_atom, Command, CommandWriter, EncodeError};

/// One argument of a [`Raw`] command (or of [`Notify::raw`](super::Notify::raw)).
///
/// Build them with the constructor functions; each argument is checked when the command is
/// encoded, so caller data can never break the command line.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Raw, RawArg};
/// use imap4_proto::Tag;
///
/// let cmd = Raw::new("XLIST").args([RawArg::string(""), RawArg::raw("*")]);
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 XLIST \"\" *\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RawArg {
    /// An atom, checked (no spaces, parentheses, quotes, CR, LF, ...).
    Atom(String),
    /// An astring: atom when possible, else quoted, else literal.
    AString(Bytes),
    /// A string: quoted when possible, else literal.
    String(Bytes),
    /// An nstring: `NIL` for `None`.
    NString(Option<Bytes>),
    /// Always a literal (`{n}`); NUL refused.
    Literal(Bytes),
    /// Always a literal8 (`~{n}`, RFC 3516).
    Literal8(Bytes),
    /// A mailbox name (modified UTF-7 unless UTF-8 is enabled, `INBOX` normalized).
    Mailbox(String),
    /// A number.
    Number(u64),
    /// A parenthesised list of arguments.
    List(Vec<RawArg>),
    /// Text written as is: only CR, LF and NUL are refused.
    Raw(String),
}

impl RawArg {
    /// An atom.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Raw, RawArg};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Raw::new("X-CMD").arg(RawArg::atom("FOO"));
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 X-CMD FOO\r\n");
    /// let bad = Raw::new("X-CMD").arg(RawArg::atom("two words"));
    /// assert!(bad.encode(Tag::from("a2"), EncodeOptions::default()).is_err());
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn atom(a: impl Into<String>) -> RawArg {
        RawArg::Atom(a.into())
    }
    /// An astring.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Raw, RawArg};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Raw::new("X-CMD").args([RawArg::astring("bob"), RawArg::astring("Bob Smith")]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 X-CMD bob \"Bob Smith\"\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn astring(s: impl AsRef<[u8]>) -> RawArg {
        RawArg::AString(Bytes::copy_from_slice(s.as_ref()))
    }
    /// A string.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Raw, RawArg};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Raw::new("X-CMD").arg(RawArg::string("bob"));
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 X-CMD \"bob\"\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn string(s: impl AsRef<[u8]>) -> RawArg {
        RawArg::String(Bytes::copy_from_slice(s.as_ref()))
    }
    /// `NIL`.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Raw, RawArg};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Raw::new("ID").arg(RawArg::nil());
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 ID NIL\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn nil() -> RawArg {
        RawArg::NString(None)
    }
    /// A literal.
    ///
    /// Synchronizing unless the server has LITERAL+ (or LITERAL-, up to 4096 bytes).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Raw, RawArg};
    /// use imap4_proto::Tag;
    ///
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let enc = Raw::new("X-CMD").arg(RawArg::literal("hello")).encode(Tag::from("a1"), plus)?;
    /// assert_eq!(enc.to_bytes(), "a1 X-CMD {5+}\r\nhello\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn literal(data: impl Into<Bytes>) -> RawArg {
        RawArg::Literal(data.into())
    }
    /// A literal8.
    ///
    /// May hold NUL; the server needs `BINARY`.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Raw, RawArg};
    /// use imap4_proto::Tag;
    ///
    /// let plus = EncodeOptions { literal_plus: true, ..Default::default() };
    /// let cmd = Raw::new("X-CMD").arg(RawArg::literal8(&b"\0\x01"[..]));
    /// let enc = cmd.encode(Tag::from("a1"), plus)?;
    /// assert_eq!(enc.to_bytes(), &b"a1 X-CMD ~{2+}\r\n\0\x01\r\n"[..]);
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn literal8(data: impl Into<Bytes>) -> RawArg {
        RawArg::Literal8(data.into())
    }
    /// A mailbox name.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Raw, RawArg};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Raw::new("X-CMD").args([RawArg::mailbox("inbox"), RawArg::mailbox("Entwürfe")]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 X-CMD INBOX Entw&APw-rfe\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn mailbox(name: impl Into<String>) -> RawArg {
        RawArg::Mailbox(name.into())
    }
    /// A number.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Raw, RawArg};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Raw::new("X-CMD").arg(RawArg::number(4096));
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 X-CMD 4096\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn number(n: u64) -> RawArg {
        RawArg::Number(n)
    }
    /// A parenthesised list.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Raw, RawArg};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Raw::new("X-CMD").arg(RawArg::list([RawArg::atom("A"), RawArg::number(1)]));
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 X-CMD (A 1)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn list(items: impl IntoIterator<Item = RawArg>) -> RawArg {
        RawArg::List(items.into_iter().collect())
    }
    /// Unchecked text (CR, LF and NUL are still refused).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Raw, RawArg};
    /// use imap4_proto::Tag;
    ///
    /// let opts = EncodeOptions::default();
    /// let enc = Raw::new("X-CMD").arg(RawArg::raw("BODY[1.MIME]")).encode(Tag::from("a1"), opts)?;
    /// assert_eq!(enc.to_bytes(), "a1 X-CMD BODY[1.MIME]\r\n");
    /// let injected = Raw::new("X-CMD").arg(RawArg::raw("x\r\nA2 LOGOUT"));
    /// assert!(injected.encode(Tag::from("a2"), opts).is_err());
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn raw(text: impl Into<String>) -> RawArg {
        RawArg::Raw(text.into())
    }

    fn write(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        match self {
            RawArg::Atom(a) => w.atom("atom argument", a.as_bytes()),
            RawArg::AString(s) => w.astring("astring argument", s),
            RawArg::String(s) => w.string("string argument", s),
            RawArg::NString(s) => w.nstring("string argument", s.as_deref()),
            RawArg::Literal(d) => {
                if d.contains(&0) {
                    return Err(EncodeError::Nul {
                        what: "literal argument",
                    });
                }
                w.literal_bytes(d.clone(), false);
                Ok(())
            }
            RawArg::Literal8(d) => {
                w.literal_bytes(d.clone(), true);
                Ok(())
            }
            RawArg::Mailbox(m) => w.mailbox(m),
            RawArg::Number(n) => {
                w.number(*n);
                Ok(())
            }
            RawArg::List(items) => w.list(items, |w, a| a.write(w)),
            RawArg::Raw(t) => w.text("raw argument", t.as_bytes()),
        }
    }
}

impl fmt::Debug for RawArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lossy = |b: &Bytes| String::from_utf8_lossy(b).into_owned();
        match self {
            RawArg::Atom(a) => f.debug_tuple("Atom").field(a).finish(),
            RawArg::AString(s) => f.debug_tuple("AString").field(&lossy(s)).finish(),
            RawArg::String(s) => f.debug_tuple("String").field(&lossy(s)).finish(),
            RawArg::NString(s) => f
                .debug_tuple("NString")
                .field(&s.as_ref().map(lossy))
                .finish(),
            RawArg::Literal(d) => write!(f, "Literal({} bytes)", d.len()),
            RawArg::Literal8(d) => write!(f, "Literal8({} bytes)", d.len()),
            RawArg::Mailbox(m) => f.debug_tuple("Mailbox").field(m).finish(),
            RawArg::Number(n) => f.debug_tuple("Number").field(n).finish(),
            RawArg::List(l) => f.debug_tuple("List").field(l).finish(),
            RawArg::Raw(t) => f.debug_tuple("Raw").field(t).finish(),
        }
    }
}

/// Writes ` arg arg ...`.
pub(crate) fn write_raw_args(args: &[RawArg], w: &mut CommandWriter) -> Result<(), EncodeError> {
    for a in args {
        w.sp();
        a.write(w)?;
    }
    Ok(())
}

/// Names given to [`Raw::new`], interned so that [`Command::name`] can return
/// `&'static str`: each distinct name is allocated once for the life of the process.
fn intern(name: String) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut set = NAMES
        .get_or_init(|| Mutex::new(HashSet::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(s) = set.get(name.as_str()) {
        return s;
    }
    let s: &'static str = Box::leak(name.into_boxed_str());
    set.insert(s);
    s
}

/// Any command: a name and [`RawArg`]s (imaplib's `xatom`, and `_simple_command` for
/// anything this crate does not model).
///
/// The name is upper-cased (as imaplib does) and must be one or more atoms separated by
/// single spaces (`X-FOO`, `UID EXPUNGE`). Names are interned: each distinct name is
/// allocated once for the life of the process, so that [`Command::name`] can return it.
///
/// Arguments are checked like those of every other command: CR and LF never end the line
/// (they make a string a literal, and are refused in atoms and raw text).
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Raw, RawArg};
/// use imap4_proto::Tag;
///
/// let cmd = Raw::new("x-gm-example")
///     .arg(RawArg::mailbox("Entwürfe"))
///     .arg(RawArg::list([RawArg::atom("A"), RawArg::string("b c"), RawArg::number(7)]));
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 X-GM-EXAMPLE Entw&APw-rfe (A \"b c\" 7)\r\n");
/// assert_eq!(cmd.name(), "X-GM-EXAMPLE");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "xatom")]
#[derive(Clone, PartialEq, Eq)]
pub struct Raw {
    name: &'static str,
    args: Vec<RawArg>,
    uses_seq: bool,
    sensitive: bool,
}

impl Raw {
    /// A command named `name` (upper-cased), without arguments yet.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Raw};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Raw::new("uid expunge");
    /// assert_eq!(cmd.name(), "UID EXPUNGE");
    /// let enc = Raw::new("xnoop").encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 XNOOP\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(name: impl AsRef<str>) -> Raw {
        let upper = name.as_ref().to_ascii_uppercase();
        Raw {
            name: intern(upper),
            args: Vec::new(),
            uses_seq: false,
            sensitive: false,
        }
    }

    /// Adds an argument.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Raw, RawArg};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Raw::new("GETQUOTAROOT").arg(RawArg::mailbox("INBOX"));
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 GETQUOTAROOT INBOX\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn arg(mut self, arg: RawArg) -> Raw {
        self.args.push(arg);
        self
    }

    /// Adds arguments.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Raw, RawArg};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Raw::new("SETACL").args([
    ///     RawArg::mailbox("INBOX"),
    ///     RawArg::astring("fred"),
    ///     RawArg::astring("lrs"),
    /// ]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 SETACL INBOX fred lrs\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn args(mut self, args: impl IntoIterator<Item = RawArg>) -> Raw {
        self.args.extend(args);
        self
    }

    /// Declares that the command refers to messages by sequence number (default false),
    /// so that it is not pipelined where EXPUNGE could renumber them.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Raw, RawArg};
    ///
    /// let cmd = Raw::new("XFETCHSUMMARY").arg(RawArg::raw("1:10")).sequence_numbers(true);
    /// assert!(cmd.uses_sequence_numbers());
    /// ```
    pub fn sequence_numbers(mut self, yes: bool) -> Raw {
        self.uses_seq = yes;
        self
    }

    /// Declares that the command carries credentials (default false): see
    /// [`Command::is_sensitive`]. `Debug` then hides the arguments.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Raw, RawArg};
    ///
    /// let cmd = Raw::new("XLOGIN")
    ///     .args([RawArg::astring("bob"), RawArg::string("hunter2")])
    ///     .sensitive(true);
    /// assert!(cmd.is_sensitive());
    /// assert!(!format!("{cmd:?}").contains("hunter2"));
    /// ```
    pub fn sensitive(mut self, yes: bool) -> Raw {
        self.sensitive = yes;
        self
    }
}

impl fmt::Debug for Raw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Raw");
        d.field("name", &self.name);
        if self.sensitive {
            d.field("args", &"<redacted>");
        } else {
            d.field("args", &self.args);
        }
        d.field("uses_sequence_numbers", &self.uses_seq)
            .field("sensitive", &self.sensitive)
            .finish()
    }
}

impl Command for Raw {
    fn name(&self) -> &'static str {
        self.name
    }
    fn uses_sequence_numbers(&self) -> bool {
        self.uses_seq
    }
    fn is_sensitive(&self) -> bool {
        self.sensitive
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        // The name was written by `encode` already; refusing it here discards it.
        if !self.name.split(' ').all(|p| is_atom(p.as_bytes())) {
            return Err(EncodeError::InvalidAtom {
                what: "command name",
                value: self.name.to_string(),
            });
        }
        write_raw_args(&self.args, w)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::Fragment;
    use super::*;

    #[test]
    fn names() {
        assert_eq!(s(&Raw::new("noop")), "t NOOP\r\n");
        assert_eq!(
            s(&Raw::new("uid expunge").arg(RawArg::raw("1:5"))),
            "t UID EXPUNGE 1:5\r\n"
        );
        for bad in ["", "A  B", "A B ", "X\r\nt2 LOGOUT", "X(", "a\"b"] {
            assert!(
                matches!(err(&Raw::new(bad)), EncodeError::InvalidAtom { .. }),
                "{bad:?}"
            );
        }
        // Interned: the same static str.
        let a = Raw::new("x-same").name();
        let b = Raw::new(String::from("X-SAME")).name();
        assert!(std::ptr::eq(a, b));
    }

    #[test]
    fn args() {
        let cmd = Raw::new("X").args([
            RawArg::atom("A1"),
            RawArg::astring("b]"),
            RawArg::astring("c d"),
            RawArg::string("e"),
            RawArg::nil(),
            RawArg::NString(Some(Bytes::from_static(b"f"))),
            RawArg::number(42),
            RawArg::list([]),
            RawArg::raw("[x y] <1.2>"),
            RawArg::mailbox("inbox"),
        ]);
        assert_eq!(
            s(&cmd),
            "t X A1 b] \"c d\" \"e\" NIL \"f\" 42 () [x y] <1.2> INBOX\r\n"
        );
    }

    #[test]
    fn literals() {
        let cmd = Raw::new("X")
            .arg(RawArg::literal("abc"))
            .arg(RawArg::literal8(&b"\0\x01"[..]));
        let e = enc_with(&cmd, Default::default()).unwrap();
        check_lines(&e);
        assert_eq!(
            e.fragments,
            vec![
                Fragment::Line(Bytes::from_static(b"t X {3}\r\n")),
                Fragment::Literal {
                    data: Bytes::from_static(b"abc"),
                    sync: true
                },
                Fragment::Line(Bytes::from_static(b" ~{2}\r\n")),
                Fragment::Literal {
                    data: Bytes::from_static(b"\0\x01"),
                    sync: true
                },
                Fragment::Line(Bytes::from_static(b"\r\n")),
            ]
        );
        assert_eq!(s_with(&cmd, PLUS), "t X {3+}\r\nabc ~{2+}\r\n\0\x01\r\n");
        assert!(matches!(
            err(&Raw::new("X").arg(RawArg::literal(&b"\0"[..]))),
            EncodeError::Nul { .. }
        ));
    }

    #[test]
    fn injection_refused() {
        let bad = [
            RawArg::atom("a b"),
            RawArg::atom("a\r\nb"),
            RawArg::raw("x\r\nt2 LOGOUT"),
            RawArg::raw("x\n"),
            RawArg::raw("\0"),
            RawArg::list([RawArg::raw("a\r")]),
        ];
        for a in bad {
            assert!(
                enc_with(&Raw::new("X").arg(a.clone()), Default::default()).is_err(),
                "{a:?}"
            );
        }
        // Strings become literals instead.
        assert_eq!(
            s_with(&Raw::new("X").arg(RawArg::string("a\r\nb")), PLUS),
            "t X {4+}\r\na\r\nb\r\n"
        );
    }

    #[test]
    fn flags_and_debug() {
        let cmd = Raw::new("X-LOGIN")
            .arg(RawArg::string("hunter2"))
            .sensitive(true);
        assert!(cmd.is_sensitive());
        assert!(!format!("{cmd:?}").contains("hunter2"));
        assert!(!Raw::new("X").is_sensitive());
        assert!(Raw::new("X").sequence_numbers(true).uses_sequence_numbers());
        assert!(!Raw::new("X").uses_sequence_numbers());
        assert!(format!("{:?}", RawArg::literal("abc")).contains("3 bytes"));
    }
}
