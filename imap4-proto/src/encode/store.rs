//! STORE and UID STORE (RFC 3501 6.4.6), with UNCHANGEDSINCE (RFC 7162) and Gmail labels.

use bytes::Bytes;

use crate::types::Flag;

use super::select::MAX_MODSEQ;
use super::{is_atom, Command, CommandWriter, EncodeError, MessageSet};

/// How STORE changes the flags (or labels).
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Store, StoreMode};
/// use imap4_proto::{Flag, Tag};
///
/// let cmd = Store::new(1..=3, StoreMode::Remove, [Flag::Flagged]);
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 STORE 1:3 -FLAGS (\\Flagged)\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreMode {
    /// `+FLAGS`: add.
    Add,
    /// `-FLAGS`: remove.
    Remove,
    /// `FLAGS`: replace.
    Replace,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Flags(Vec<Flag>),
    GmLabels(Vec<Bytes>),
}

/// `[UID] STORE set [(UNCHANGEDSINCE n)] [+|-]FLAGS[.SILENT] (flags)` (RFC 3501 6.4.6),
/// or `X-GM-LABELS` for Gmail labels.
///
/// Flags are checked: `\Recent` and `\*` are refused, keywords must be atoms. Gmail labels
/// are astrings (quoted or literals as needed), except system labels such as `\Inbox`
/// which are sent as they are.
///
/// `uses_sequence_numbers` is true for non-UID STORE of an explicit set (not for `$`).
///
/// ```
/// use imap4_proto::encode::{Command, EncodeOptions, Store};
/// use imap4_proto::{Flag, Tag};
///
/// let opts = EncodeOptions::default();
/// let cmd = Store::add_flags(2..=4, [Flag::Deleted]).silent(true);
/// let enc = cmd.encode(Tag::from("a1"), opts)?;
/// assert_eq!(enc.to_bytes(), "a1 STORE 2:4 +FLAGS.SILENT (\\Deleted)\r\n");
///
/// let cmd = Store::replace_flags(7, [Flag::Seen, Flag::keyword("$Label1")])
///     .uid(true)
///     .unchanged_since(320162338);
/// assert_eq!(
///     cmd.encode(Tag::from("a2"), opts)?.to_bytes(),
///     "a2 UID STORE 7 (UNCHANGEDSINCE 320162338) FLAGS (\\Seen $Label1)\r\n"
/// );
///
/// let cmd = Store::add_labels(1, ["\\Important", "Work stuff"]);
/// assert_eq!(
///     cmd.encode(Tag::from("a3"), opts)?.to_bytes(),
///     "a3 STORE 1 +X-GM-LABELS (\\Important \"Work stuff\")\r\n"
/// );
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "store")]
#[doc(alias = "uid")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    set: MessageSet,
    mode: StoreMode,
    target: Target,
    silent: bool,
    uid: bool,
    unchanged_since: Option<u64>,
}

impl Store {
    /// STORE flags of the messages in `set`.
    ///
    /// The shorthands [`add_flags`](Self::add_flags), [`remove_flags`](Self::remove_flags) and
    /// [`replace_flags`](Self::replace_flags) name the mode for you.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Store, StoreMode};
    /// use imap4_proto::{Flag, Tag};
    ///
    /// let cmd = Store::new(5, StoreMode::Add, [Flag::Answered]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 STORE 5 +FLAGS (\\Answered)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(
        set: impl Into<MessageSet>,
        mode: StoreMode,
        flags: impl IntoIterator<Item = Flag>,
    ) -> Store {
        Store {
            set: set.into(),
            mode,
            target: Target::Flags(flags.into_iter().collect()),
            silent: false,
            uid: false,
            unchanged_since: None,
        }
    }

    /// `+FLAGS (flags)`
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Store};
    /// use imap4_proto::{Flag, Tag};
    ///
    /// let cmd = Store::add_flags(1..=2, [Flag::Seen, Flag::keyword("$Forwarded")]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 STORE 1:2 +FLAGS (\\Seen $Forwarded)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn add_flags(set: impl Into<MessageSet>, flags: impl IntoIterator<Item = Flag>) -> Store {
        Store::new(set, StoreMode::Add, flags)
    }

    /// `-FLAGS (flags)`
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Store};
    /// use imap4_proto::{Flag, Tag};
    ///
    /// let cmd = Store::remove_flags(8, [Flag::Seen]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 STORE 8 -FLAGS (\\Seen)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn remove_flags(
        set: impl Into<MessageSet>,
        flags: impl IntoIterator<Item = Flag>,
    ) -> Store {
        Store::new(set, StoreMode::Remove, flags)
    }

    /// `FLAGS (flags)` (an empty list clears every flag).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Store};
    /// use imap4_proto::{Flag, Tag};
    ///
    /// let enc = Store::replace_flags(3, []).encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 STORE 3 FLAGS ()\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn replace_flags(
        set: impl Into<MessageSet>,
        flags: impl IntoIterator<Item = Flag>,
    ) -> Store {
        Store::new(set, StoreMode::Replace, flags)
    }

    /// Gmail `X-GM-LABELS` with the given mode.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Store, StoreMode};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Store::labels(4, StoreMode::Replace, ["Receipts", "\\Starred"]).uid(true);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 UID STORE 4 X-GM-LABELS (Receipts \\Starred)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn labels<L: AsRef<[u8]>>(
        set: impl Into<MessageSet>,
        mode: StoreMode,
        labels: impl IntoIterator<Item = L>,
    ) -> Store {
        Store {
            set: set.into(),
            mode,
            target: Target::GmLabels(
                labels
                    .into_iter()
                    .map(|l| Bytes::copy_from_slice(l.as_ref()))
                    .collect(),
            ),
            silent: false,
            uid: false,
            unchanged_since: None,
        }
    }

    /// Gmail `+X-GM-LABELS (labels)`.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Store};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Store::add_labels(2, ["Travel"]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 STORE 2 +X-GM-LABELS (Travel)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn add_labels<L: AsRef<[u8]>>(
        set: impl Into<MessageSet>,
        labels: impl IntoIterator<Item = L>,
    ) -> Store {
        Store::labels(set, StoreMode::Add, labels)
    }

    /// Gmail `-X-GM-LABELS (labels)`.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Store};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Store::remove_labels(2, ["\\Inbox"]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 STORE 2 -X-GM-LABELS (\\Inbox)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn remove_labels<L: AsRef<[u8]>>(
        set: impl Into<MessageSet>,
        labels: impl IntoIterator<Item = L>,
    ) -> Store {
        Store::labels(set, StoreMode::Remove, labels)
    }

    /// `.SILENT`: no untagged FETCH with the new flags.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Store};
    /// use imap4_proto::{Flag, Tag};
    ///
    /// let cmd = Store::add_flags(1.., [Flag::Deleted]).silent(true);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 STORE 1:* +FLAGS.SILENT (\\Deleted)\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn silent(mut self, yes: bool) -> Store {
        self.silent = yes;
        self
    }

    /// UID STORE (`set` holds UIDs) or STORE.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Store};
    /// use imap4_proto::{Flag, Tag};
    ///
    /// let cmd = Store::add_flags(4827, [Flag::Seen]).uid(true);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 UID STORE 4827 +FLAGS (\\Seen)\r\n");
    /// assert!(!cmd.uses_sequence_numbers());
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn uid(mut self, yes: bool) -> Store {
        self.uid = yes;
        self
    }

    /// `(UNCHANGEDSINCE modseq)` (RFC 7162): only messages not changed since `modseq`
    /// (0 allowed: fails for every message with a mod-sequence).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, EncodeOptions, Store};
    /// use imap4_proto::{Flag, Tag};
    ///
    /// let cmd = Store::add_flags(7, [Flag::Flagged]).unchanged_since(12121230045);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// let expected = "a1 STORE 7 (UNCHANGEDSINCE 12121230045) +FLAGS (\\Flagged)\r\n";
    /// assert_eq!(enc.to_bytes(), expected);
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn unchanged_since(mut self, modseq: u64) -> Store {
        self.unchanged_since = Some(modseq);
        self
    }

    /// The messages the command changes (sequence numbers, or UIDs for UID STORE).
    ///
    /// ```
    /// use imap4_proto::encode::{MessageSet, Store};
    /// use imap4_proto::Flag;
    ///
    /// let cmd = Store::add_flags(2..=4, [Flag::Seen]);
    /// assert_eq!(cmd.set(), &MessageSet::from(2..=4));
    /// ```
    pub fn set(&self) -> &MessageSet {
        &self.set
    }

    /// Whether this is UID STORE.
    ///
    /// ```
    /// use imap4_proto::encode::Store;
    /// use imap4_proto::Flag;
    ///
    /// assert!(Store::add_flags(9, [Flag::Seen]).uid(true).is_uid());
    /// assert!(!Store::add_flags(9, [Flag::Seen]).is_uid());
    /// ```
    pub fn is_uid(&self) -> bool {
        self.uid
    }

    /// Whether `.SILENT` is set (no FETCH responses with the new flags).
    ///
    /// ```
    /// use imap4_proto::encode::Store;
    /// use imap4_proto::Flag;
    ///
    /// assert!(Store::add_flags(9, [Flag::Seen]).silent(true).is_silent());
    /// ```
    pub fn is_silent(&self) -> bool {
        self.silent
    }
}

impl Command for Store {
    fn name(&self) -> &'static str {
        if self.uid {
            "UID STORE"
        } else {
            "STORE"
        }
    }
    fn uses_sequence_numbers(&self) -> bool {
        !self.uid && !self.set.is_saved()
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        let command = self.name();
        w.sp();
        w.sequence_set(command, &self.set)?;
        if let Some(m) = self.unchanged_since {
            if m > MAX_MODSEQ {
                return Err(EncodeError::Invalid {
                    command,
                    reason: "UNCHANGEDSINCE above 2^63-1",
                });
            }
            w.raw(b" (UNCHANGEDSINCE ");
            w.number(m);
            w.raw(b")");
        }
        w.sp();
        match self.mode {
            StoreMode::Add => w.raw(b"+"),
            StoreMode::Remove => w.raw(b"-"),
            StoreMode::Replace => {}
        }
        match &self.target {
            Target::Flags(_) => w.raw(b"FLAGS"),
            Target::GmLabels(_) => w.raw(b"X-GM-LABELS"),
        }
        if self.silent {
            w.raw(b".SILENT");
        }
        w.sp();
        match &self.target {
            Target::Flags(f) => w.flag_list(f),
            Target::GmLabels(l) => w.list(l, |w, label| {
                if label.first() == Some(&b'\\') && is_atom(&label[1..]) {
                    w.raw(label);
                    Ok(())
                } else {
                    w.astring("label", label)
                }
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::seq::SequenceSet;

    #[test]
    fn modes() {
        assert_eq!(
            s(&Store::add_flags(1, [Flag::Seen])),
            "t STORE 1 +FLAGS (\\Seen)\r\n"
        );
        assert_eq!(
            s(&Store::remove_flags(1, [Flag::Seen])),
            "t STORE 1 -FLAGS (\\Seen)\r\n"
        );
        assert_eq!(s(&Store::replace_flags(1, [])), "t STORE 1 FLAGS ()\r\n");
        assert_eq!(
            s(&Store::replace_flags(1, [Flag::Answered, Flag::Flagged, Flag::Draft]).silent(true)),
            "t STORE 1 FLAGS.SILENT (\\Answered \\Flagged \\Draft)\r\n"
        );
        assert_eq!(
            s(
                &Store::remove_flags(MessageSet::Saved, [Flag::keyword("$Junk")])
                    .silent(true)
                    .uid(true)
            ),
            "t UID STORE $ -FLAGS.SILENT ($Junk)\r\n"
        );
    }

    #[test]
    fn flag_checks() {
        assert_eq!(
            err(&Store::add_flags(1, [Flag::Recent])),
            EncodeError::FlagNotAllowed {
                flag: "\\Recent".into()
            }
        );
        assert_eq!(
            err(&Store::add_flags(1, [Flag::MayCreate])),
            EncodeError::FlagNotAllowed { flag: "\\*".into() }
        );
        for bad in ["a b", "x)", "\r\nt2 LOGOUT", "$Junk\r\n", "", "\"q\""] {
            assert!(
                matches!(
                    err(&Store::add_flags(1, [Flag::keyword(bad)])),
                    EncodeError::InvalidAtom { .. }
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn sets_and_modseq() {
        assert_eq!(
            err(&Store::add_flags(SequenceSet::new(), [Flag::Seen])),
            EncodeError::EmptySequenceSet { command: "STORE" }
        );
        assert_eq!(
            s(&Store::add_flags(1..=3, [Flag::Seen]).unchanged_since(0)),
            "t STORE 1:3 (UNCHANGEDSINCE 0) +FLAGS (\\Seen)\r\n"
        );
        assert!(matches!(
            err(&Store::add_flags(1, [Flag::Seen]).unchanged_since(u64::MAX)),
            EncodeError::Invalid { .. }
        ));
    }

    #[test]
    fn labels() {
        assert_eq!(
            s(&Store::remove_labels(1, ["Foo"]).uid(true).silent(true)),
            "t UID STORE 1 -X-GM-LABELS.SILENT (Foo)\r\n"
        );
        assert_eq!(
            s(&Store::labels(1, StoreMode::Replace, Vec::<&str>::new())),
            "t STORE 1 X-GM-LABELS ()\r\n"
        );
        assert_eq!(
            s_with(&Store::add_labels(1, ["a\r\nb", "\\x y", "Ünï"]), PLUS),
            "t STORE 1 +X-GM-LABELS ({4+}\r\na\r\nb \"\\\\x y\" {5+}\r\nÜnï)\r\n"
        );
    }

    #[test]
    fn names_and_sequence_use() {
        let st = Store::add_flags(1, [Flag::Seen]);
        assert_eq!(st.name(), "STORE");
        assert!(st.uses_sequence_numbers());
        assert!(!Store::add_flags(MessageSet::Saved, [Flag::Seen]).uses_sequence_numbers());
        let st = st.uid(true);
        assert_eq!(st.name(), "UID STORE");
        assert!(!st.uses_sequence_numbers());
    }
}
