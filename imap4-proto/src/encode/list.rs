//! LIST (basic and LIST-EXTENDED, RFC 5258, 5819, 6154, 8440) and LSUB.

use super::status::StatusAttr;
use super::{Command, CommandWriter, EncodeError};

/// A LIST selection option (RFC 5258 3.1, RFC 6154).
///
/// Given to [`List::select`]; needs `LIST-EXTENDED` (or IMAP4rev2).
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, List, ListSelect};
/// use imap4_proto::Tag;
///
/// let cmd = List::new("", "*").select([ListSelect::SpecialUse]);
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 LIST (SPECIAL-USE) \"\" *\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ListSelect {
    /// `SUBSCRIBED`: only subscribed mailboxes (the LSUB replacement).
    Subscribed,
    /// `REMOTE`: include remote mailboxes.
    Remote,
    /// `RECURSIVEMATCH`: report parents of matching mailboxes (needs `SUBSCRIBED`).
    RecursiveMatch,
    /// `SPECIAL-USE`: only special-use mailboxes (RFC 6154).
    SpecialUse,
    /// Another option, sent as an atom.
    Other(String),
}

impl ListSelect {
    fn write(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        match self {
            ListSelect::Subscribed => w.raw(b"SUBSCRIBED"),
            ListSelect::Remote => w.raw(b"REMOTE"),
            ListSelect::RecursiveMatch => w.raw(b"RECURSIVEMATCH"),
            ListSelect::SpecialUse => w.raw(b"SPECIAL-USE"),
            ListSelect::Other(o) => w.atom("LIST selection option", o.as_bytes())?,
        }
        Ok(())
    }
}

/// A LIST return option (RFC 5258 3.2, RFC 5819, RFC 6154, RFC 8440).
///
/// Given to [`List::returning`].
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, List, ListReturn, StatusAttr};
/// use imap4_proto::Tag;
///
/// let cmd = List::new("", "%").returning([
///     ListReturn::SpecialUse,
///     ListReturn::Status(vec![StatusAttr::Unseen]),
/// ]);
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 LIST \"\" % RETURN (SPECIAL-USE STATUS (UNSEEN))\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ListReturn {
    /// `SUBSCRIBED`: mark subscribed mailboxes `\Subscribed`.
    Subscribed,
    /// `CHILDREN`: `\HasChildren` / `\HasNoChildren`.
    Children,
    /// `SPECIAL-USE`: special-use attributes (RFC 6154).
    SpecialUse,
    /// `MYRIGHTS`: the user's rights on each mailbox (RFC 8440).
    MyRights,
    /// `STATUS (items)`: a STATUS response for each mailbox (RFC 5819, LIST-STATUS).
    Status(Vec<StatusAttr>),
    /// Another option, sent as an atom.
    Other(String),
}

impl ListReturn {
    fn write(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        match self {
            ListReturn::Subscribed => w.raw(b"SUBSCRIBED"),
            ListReturn::Children => w.raw(b"CHILDREN"),
            ListReturn::SpecialUse => w.raw(b"SPECIAL-USE"),
            ListReturn::MyRights => w.raw(b"MYRIGHTS"),
            ListReturn::Status(items) => {
                if items.is_empty() {
                    return Err(EncodeError::Invalid {
                        command: "LIST",
                        reason: "RETURN STATUS needs at least one status item",
                    });
                }
                w.raw(b"STATUS ");
                w.list(items, |w, i| i.write(w))?;
            }
            ListReturn::Other(o) => w.atom("LIST return option", o.as_bytes())?,
        }
        Ok(())
    }
}

/// `LIST reference pattern` (RFC 3501 6.3.8), or the extended form
/// `LIST (select-opts) reference (patterns) RETURN (return-opts)` (RFC 5258).
///
/// The reference is a mailbox name; patterns keep their `*` and `%` wildcards. Both are
/// modified UTF-7 unless UTF-8 is enabled. The extended form is used as soon as selection
/// or return options are given or there is more than one pattern.
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, List, ListReturn, ListSelect, StatusAttr};
/// use imap4_proto::Tag;
///
/// let opts = EncodeOptions::default();
/// let enc = List::new("", "*").encode(Tag::from("a1"), opts)?;
/// assert_eq!(enc.to_bytes(), "a1 LIST \"\" *\r\n");
///
/// let cmd = List::patterns("", ["INBOX", "Lists/%"])
///     .select([ListSelect::Subscribed, ListSelect::RecursiveMatch])
///     .returning([
///         ListReturn::Children,
///         ListReturn::Status(vec![StatusAttr::Messages, StatusAttr::Unseen]),
///     ]);
/// assert_eq!(
///     cmd.encode(Tag::from("a2"), opts)?.to_bytes(),
///     "a2 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (INBOX Lists/%) \
///      RETURN (CHILDREN STATUS (MESSAGES UNSEEN))\r\n"
/// );
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "list")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    reference: String,
    patterns: Vec<String>,
    select: Vec<ListSelect>,
    returning: Vec<ListReturn>,
}

impl List {
    /// LIST with one pattern (imaplib's `list(directory, pattern)`; its defaults are
    /// `List::new("", "*")`).
    ///
    /// `*` matches any name, `%` any name up to the next hierarchy delimiter.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, List};
    /// use imap4_proto::Tag;
    ///
    /// let enc = List::new("Archiv/", "%").encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 LIST Archiv/ %\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(reference: impl Into<String>, pattern: impl Into<String>) -> List {
        List::patterns(reference, [pattern.into()])
    }

    /// LIST with several patterns (LIST-EXTENDED); at least one is needed.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, List};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = List::patterns("", ["INBOX", "Drafts", "Sent*"]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 LIST \"\" (INBOX Drafts Sent*)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn patterns<P: Into<String>>(
        reference: impl Into<String>,
        patterns: impl IntoIterator<Item = P>,
    ) -> List {
        List {
            reference: reference.into(),
            patterns: patterns.into_iter().map(Into::into).collect(),
            select: Vec::new(),
            returning: Vec::new(),
        }
    }

    /// Selection options (LIST-EXTENDED). `RECURSIVEMATCH` needs `SUBSCRIBED` too.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, List, ListSelect};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = List::new("", "*").select([ListSelect::Subscribed]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 LIST (SUBSCRIBED) \"\" *\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn select(mut self, opts: impl IntoIterator<Item = ListSelect>) -> List {
        self.select = opts.into_iter().collect();
        self
    }

    /// Return options (LIST-EXTENDED, LIST-STATUS, SPECIAL-USE, LIST-MYRIGHTS).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, List, ListReturn};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = List::new("", "*").returning([ListReturn::Children, ListReturn::MyRights]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 LIST \"\" * RETURN (CHILDREN MYRIGHTS)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn returning(mut self, opts: impl IntoIterator<Item = ListReturn>) -> List {
        self.returning = opts.into_iter().collect();
        self
    }

    /// Whether this is the extended form (selection or return options, or several
    /// patterns), which needs the server's `LIST-EXTENDED` (RFC 5258) or IMAP4rev2.
    ///
    /// ```
    /// use imap4_proto::encode::{List, ListReturn};
    /// assert!(!List::new("", "*").is_extended());
    /// assert!(List::new("", "*").returning([ListReturn::Children]).is_extended());
    /// assert!(List::patterns("", ["a", "b"]).is_extended());
    /// ```
    pub fn is_extended(&self) -> bool {
        !self.select.is_empty() || !self.returning.is_empty() || self.patterns.len() > 1
    }
}

impl Command for List {
    fn name(&self) -> &'static str {
        "LIST"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        if self.patterns.is_empty() {
            return Err(EncodeError::Invalid {
                command: "LIST",
                reason: "no mailbox pattern",
            });
        }
        if self.select.contains(&ListSelect::RecursiveMatch)
            && !self
                .select
                .iter()
                .any(|o| matches!(o, ListSelect::Subscribed | ListSelect::Other(_)))
        {
            return Err(EncodeError::Invalid {
                command: "LIST",
                reason: "RECURSIVEMATCH needs a base selection option such as SUBSCRIBED",
            });
        }
        if !self.select.is_empty() {
            w.sp();
            w.list(&self.select, |w, o| o.write(w))?;
        }
        w.sp();
        w.mailbox(&self.reference)?;
        w.sp();
        if self.patterns.len() > 1 {
            w.list(&self.patterns, |w, p| w.list_mailbox(p))?;
        } else {
            w.list_mailbox(&self.patterns[0])?;
        }
        if !self.returning.is_empty() {
            w.raw(b" RETURN ");
            w.list(&self.returning, |w, o| o.write(w))?;
        }
        Ok(())
    }
}

/// `LSUB reference pattern` (RFC 3501 6.3.9; removed in IMAP4rev2, where
/// `LIST (SUBSCRIBED)` replaces it).
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Lsub};
/// use imap4_proto::Tag;
///
/// let enc = Lsub::new("#news.", "comp.mail.*").encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 LSUB #news. comp.mail.*\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "lsub")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lsub {
    reference: String,
    pattern: String,
}

impl Lsub {
    /// LSUB (imaplib's `lsub(directory, pattern)`; its defaults are `Lsub::new("", "*")`).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Lsub};
    /// use imap4_proto::Tag;
    ///
    /// let enc = Lsub::new("", "*").encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 LSUB \"\" *\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(reference: impl Into<String>, pattern: impl Into<String>) -> Lsub {
        Lsub {
            reference: reference.into(),
            pattern: pattern.into(),
        }
    }
}

impl Command for Lsub {
    fn name(&self) -> &'static str {
        "LSUB"
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        w.mailbox(&self.reference)?;
        w.sp();
        w.list_mailbox(&self.pattern)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn basic() {
        assert_eq!(s(&List::new("", "%")), "t LIST \"\" %\r\n");
        assert_eq!(s(&List::new("", "")), "t LIST \"\" \"\"\r\n");
        assert_eq!(
            s(&List::new("~smith/Mail/", "foo.*")),
            "t LIST ~smith/Mail/ foo.*\r\n"
        );
        assert_eq!(
            s(&List::new("", "Entwürfe/*")),
            "t LIST \"\" Entw&APw-rfe/*\r\n"
        );
        assert_eq!(
            s_with(&List::new("", "Entwürfe/*"), UTF8),
            "t LIST \"\" \"Entwürfe/*\"\r\n"
        );
        assert_eq!(s(&List::new("", "a b*")), "t LIST \"\" \"a b*\"\r\n");
        assert_eq!(
            s_with(&List::new("", "a\r\n*"), UTF8),
            "t LIST \"\" {4}\r\na\r\n*\r\n"
        );
        assert_eq!(s(&List::new("", "a\r\n*")), "t LIST \"\" a&AA0ACg-*\r\n");
    }

    #[test]
    fn extended() {
        assert_eq!(
            s(&List::new("", "*").select([ListSelect::SpecialUse])),
            "t LIST (SPECIAL-USE) \"\" *\r\n"
        );
        assert_eq!(
            s(&List::new("", "*").returning([ListReturn::SpecialUse, ListReturn::MyRights])),
            "t LIST \"\" * RETURN (SPECIAL-USE MYRIGHTS)\r\n"
        );
        assert_eq!(s(&List::patterns("", ["a", "b"])), "t LIST \"\" (a b)\r\n");
        assert_eq!(
            s(&List::new("", "*").select([ListSelect::Remote, ListSelect::Other("X-FOO".into())])),
            "t LIST (REMOTE X-FOO) \"\" *\r\n"
        );
        assert_eq!(
            s(&List::new("", "*").returning([
                ListReturn::Subscribed,
                ListReturn::Status(vec![
                    StatusAttr::Messages,
                    StatusAttr::UidNext,
                    StatusAttr::HighestModSeq
                ])
            ])),
            "t LIST \"\" * RETURN (SUBSCRIBED STATUS (MESSAGES UIDNEXT HIGHESTMODSEQ))\r\n"
        );
    }

    #[test]
    fn errors() {
        assert!(matches!(
            err(&List::patterns("", Vec::<String>::new())),
            EncodeError::Invalid { .. }
        ));
        assert!(matches!(
            err(&List::new("", "*").select([ListSelect::RecursiveMatch])),
            EncodeError::Invalid { .. }
        ));
        assert!(matches!(
            err(&List::new("", "*").returning([ListReturn::Status(vec![])])),
            EncodeError::Invalid { .. }
        ));
        assert!(matches!(
            err(&List::new("", "*").returning([ListReturn::Other("A B".into())])),
            EncodeError::InvalidAtom { .. }
        ));
        assert!(matches!(
            err(&List::new("", "*").select([ListSelect::Other("X\r\n".into())])),
            EncodeError::InvalidAtom { .. }
        ));
    }

    #[test]
    fn lsub() {
        assert_eq!(s(&Lsub::new("", "*")), "t LSUB \"\" *\r\n");
        assert_eq!(s(&Lsub::new("INBOX.", "%")), "t LSUB INBOX. %\r\n");
    }
}
