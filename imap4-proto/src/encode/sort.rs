//! SORT and UID SORT (RFC 5256, RFC 5957 DISPLAYFROM/DISPLAYTO, RFC 5267 ESORT).

use super::search::{write_charset, write_return};
use super::{Command, CommandWriter, Criteria, EncodeError, SearchReturn};

/// A sort key (RFC 5256 `sort-key`, RFC 5957).
///
/// A key converts into an ascending [`SortCriterion`]; [`reversed`](Self::reversed) gives
/// the descending one.
///
/// ```
/// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Sort, SortKey};
/// use imap4_proto::Tag;
///
/// let cmd = Sort::new([SortKey::From, SortKey::Arrival], Criteria::all());
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 SORT (FROM ARRIVAL) UTF-8 ALL\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SortKey {
    /// `ARRIVAL`: internal date.
    Arrival,
    /// `CC`: first Cc mailbox.
    Cc,
    /// `DATE`: Date header.
    Date,
    /// `FROM`: first From mailbox.
    From,
    /// `SIZE`: RFC822.SIZE.
    Size,
    /// `SUBJECT`: base subject.
    Subject,
    /// `TO`: first To mailbox.
    To,
    /// `DISPLAYFROM`: From display name (RFC 5957).
    DisplayFrom,
    /// `DISPLAYTO`: To display name (RFC 5957).
    DisplayTo,
    /// Another key, sent as an atom.
    Other(String),
}

impl SortKey {
    /// This key in descending order (`REVERSE key`).
    ///
    /// ```
    /// use imap4_proto::encode::{SortCriterion, SortKey};
    ///
    /// let c = SortKey::Arrival.reversed();
    /// assert_eq!(c, SortCriterion { reverse: true, key: SortKey::Arrival });
    /// ```
    pub fn reversed(self) -> SortCriterion {
        SortCriterion {
            reverse: true,
            key: self,
        }
    }

    fn write(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        let s: &[u8] = match self {
            SortKey::Arrival => b"ARRIVAL",
            SortKey::Cc => b"CC",
            SortKey::Date => b"DATE",
            SortKey::From => b"FROM",
            SortKey::Size => b"SIZE",
            SortKey::Subject => b"SUBJECT",
            SortKey::To => b"TO",
            SortKey::DisplayFrom => b"DISPLAYFROM",
            SortKey::DisplayTo => b"DISPLAYTO",
            SortKey::Other(o) => return w.atom("sort key", o.as_bytes()),
        };
        w.raw(s);
        Ok(())
    }
}

/// A sort key with its direction (`REVERSE DATE`).
///
/// ```
/// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Sort, SortCriterion, SortKey};
/// use imap4_proto::Tag;
///
/// let keys = [SortKey::Size.reversed(), SortCriterion::from(SortKey::Date)];
/// let enc = Sort::new(keys, Criteria::all()).encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 SORT (REVERSE SIZE DATE) UTF-8 ALL\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortCriterion {
    /// Descending order.
    pub reverse: bool,
    /// The key.
    pub key: SortKey,
}

impl From<SortKey> for SortCriterion {
    fn from(key: SortKey) -> Self {
        SortCriterion {
            reverse: false,
            key,
        }
    }
}

/// `[UID] SORT [RETURN (opts)] (keys) charset criteria` (RFC 5256).
///
/// The charset is required by the grammar; it defaults to `UTF-8`.
/// `uses_sequence_numbers` follows [`Search`](super::Search).
///
/// ```
/// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Sort, SortKey};
/// use imap4_proto::Tag;
///
/// let keys = [SortKey::Date.reversed(), SortKey::Subject.into()];
/// let cmd = Sort::new(keys, Criteria::unseen()).uid(true);
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 UID SORT (REVERSE DATE SUBJECT) UTF-8 UNSEEN\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "sort")]
#[doc(alias = "uid")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    keys: Vec<SortCriterion>,
    criteria: Criteria,
    charset: String,
    uid: bool,
    returning: Option<Vec<SearchReturn>>,
}

impl Sort {
    /// SORT the messages matching `criteria` by `keys` (at least one).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Sort, SortKey};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Sort::new([SortKey::Subject], Criteria::from("alice"));
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 SORT (SUBJECT) UTF-8 FROM alice\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new<K: Into<SortCriterion>>(
        keys: impl IntoIterator<Item = K>,
        criteria: Criteria,
    ) -> Sort {
        Sort {
            keys: keys.into_iter().map(Into::into).collect(),
            criteria,
            charset: "UTF-8".into(),
            uid: false,
            returning: None,
        }
    }

    /// UID SORT or SORT.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Sort, SortKey};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Sort::new([SortKey::Date.reversed()], Criteria::all()).uid(true);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 UID SORT (REVERSE DATE) UTF-8 ALL\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn uid(mut self, yes: bool) -> Sort {
        self.uid = yes;
        self
    }

    /// The charset of the search strings (default `UTF-8`).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Sort, SortKey};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Sort::new([SortKey::Date], Criteria::subject("hello")).charset("US-ASCII");
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 SORT (DATE) US-ASCII SUBJECT hello\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn charset(mut self, charset: impl Into<String>) -> Sort {
        self.charset = charset.into();
        self
    }

    /// ESORT return options (RFC 5267): `RETURN (...)`.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Criteria, EncodeOptions, SearchReturn, Sort, SortKey};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Sort::new([SortKey::Date], Criteria::unseen()).returning([SearchReturn::Count]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 SORT RETURN (COUNT) (DATE) UTF-8 UNSEEN\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn returning(mut self, opts: impl IntoIterator<Item = SearchReturn>) -> Sort {
        self.returning = Some(opts.into_iter().collect());
        self
    }
}

impl Command for Sort {
    fn name(&self) -> &'static str {
        if self.uid {
            "UID SORT"
        } else {
            "SORT"
        }
    }
    fn uses_sequence_numbers(&self) -> bool {
        !self.uid || self.criteria.has_seq_set()
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        let command = self.name();
        if self.keys.is_empty() {
            return Err(EncodeError::Invalid {
                command,
                reason: "no sort keys",
            });
        }
        write_return(command, self.returning.as_deref(), w)?;
        w.sp();
        w.list(&self.keys, |w, k| {
            if k.reverse {
                w.raw(b"REVERSE ");
            }
            k.key.write(w)
        })?;
        w.sp();
        write_charset(&self.charset, w)?;
        w.sp();
        self.criteria.write_top(command, w)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::PartialRange;
    use super::*;

    #[test]
    fn keys() {
        use SortKey::*;
        let cmd = Sort::new(
            [
                Arrival,
                Cc,
                Date,
                From,
                Size,
                Subject,
                To,
                DisplayFrom,
                DisplayTo,
                Other("X-SCORE".into()),
            ],
            Criteria::all(),
        );
        assert_eq!(
            s(&cmd),
            "t SORT (ARRIVAL CC DATE FROM SIZE SUBJECT TO DISPLAYFROM DISPLAYTO X-SCORE) UTF-8 ALL\r\n"
        );
        assert_eq!(
            s(&Sort::new(
                [SortKey::Subject.reversed(), SortKey::Date.reversed()],
                Criteria::all()
            )
            .charset("US-ASCII")),
            "t SORT (REVERSE SUBJECT REVERSE DATE) US-ASCII ALL\r\n"
        );
    }

    #[test]
    fn criteria_and_return() {
        let c = Criteria::and([Criteria::undeleted(), Criteria::subject("ä")]);
        assert_eq!(
            s_with(
                &Sort::new([SortKey::Arrival], c)
                    .uid(true)
                    .returning([SearchReturn::Partial(PartialRange::first(1, 10))]),
                PLUS
            ),
            "t UID SORT RETURN (PARTIAL 1:10) (ARRIVAL) UTF-8 UNDELETED SUBJECT {2+}\r\nä\r\n"
        );
    }

    #[test]
    fn errors() {
        assert!(matches!(
            err(&Sort::new(Vec::<SortKey>::new(), Criteria::all())),
            EncodeError::Invalid {
                command: "SORT",
                ..
            }
        ));
        assert!(matches!(
            err(&Sort::new([SortKey::Other("A B".into())], Criteria::all())),
            EncodeError::InvalidAtom { .. }
        ));
        assert!(matches!(
            err(&Sort::new([SortKey::Date], Criteria::all()).charset("utf\r\n")),
            EncodeError::InvalidAtom { .. }
        ));
    }

    #[test]
    fn sequence_number_use() {
        assert!(Sort::new([SortKey::Date], Criteria::all()).uses_sequence_numbers());
        assert!(!Sort::new([SortKey::Date], Criteria::all())
            .uid(true)
            .uses_sequence_numbers());
        assert!(Sort::new([SortKey::Date], Criteria::seq(1..=3))
            .uid(true)
            .uses_sequence_numbers());
        assert_eq!(
            Sort::new([SortKey::Date], Criteria::all()).uid(true).name(),
            "UID SORT"
        );
    }
}
