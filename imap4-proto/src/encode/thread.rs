//! THREAD and UID THREAD (RFC 5256).

use super::search::write_charset;
use super::{Command, CommandWriter, Criteria, EncodeError};

/// A threading algorithm (RFC 5256 `thread-alg`).
///
/// The server lists the ones it supports as `THREAD=...` capabilities.
///
/// ```
/// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Thread, ThreadAlgorithm};
/// use imap4_proto::Tag;
///
/// let cmd = Thread::new(ThreadAlgorithm::References, Criteria::all());
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 THREAD REFERENCES UTF-8 ALL\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ThreadAlgorithm {
    /// `ORDEREDSUBJECT`
    OrderedSubject,
    /// `REFERENCES`
    References,
    /// `REFS` (draft-ietf-morg-inthread, Dovecot)
    Refs,
    /// Another algorithm, sent as an atom.
    Other(String),
}

/// `[UID] THREAD algorithm charset criteria` (RFC 5256).
///
/// The charset defaults to `UTF-8`; `uses_sequence_numbers` follows
/// [`Search`](super::Search).
///
/// ```
/// use imap4_proto::encode::{Command, Criteria, EncodeOptions, SearchDate};
/// use imap4_proto::encode::{Thread, ThreadAlgorithm};
/// use imap4_proto::Tag;
///
/// let since = Criteria::since(SearchDate::new(2024, 3, 5)?);
/// let cmd = Thread::new(ThreadAlgorithm::OrderedSubject, since);
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-Mar-2024\r\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "thread")]
#[doc(alias = "uid")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    algorithm: ThreadAlgorithm,
    criteria: Criteria,
    charset: String,
    uid: bool,
}

impl Thread {
    /// THREAD the messages matching `criteria`.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Thread, ThreadAlgorithm};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Thread::new(ThreadAlgorithm::Refs, Criteria::undeleted());
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 THREAD REFS UTF-8 UNDELETED\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(algorithm: ThreadAlgorithm, criteria: Criteria) -> Thread {
        Thread {
            algorithm,
            criteria,
            charset: "UTF-8".into(),
            uid: false,
        }
    }

    /// UID THREAD or THREAD.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Thread, ThreadAlgorithm};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Thread::new(ThreadAlgorithm::References, Criteria::all()).uid(true);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 UID THREAD REFERENCES UTF-8 ALL\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn uid(mut self, yes: bool) -> Thread {
        self.uid = yes;
        self
    }

    /// The charset of the search strings (default `UTF-8`).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Thread, ThreadAlgorithm};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Thread::new(ThreadAlgorithm::OrderedSubject, Criteria::all()).charset("US-ASCII");
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 THREAD ORDEREDSUBJECT US-ASCII ALL\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn charset(mut self, charset: impl Into<String>) -> Thread {
        self.charset = charset.into();
        self
    }
}

impl Command for Thread {
    fn name(&self) -> &'static str {
        if self.uid {
            "UID THREAD"
        } else {
            "THREAD"
        }
    }
    fn uses_sequence_numbers(&self) -> bool {
        !self.uid || self.criteria.has_seq_set()
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        w.sp();
        match &self.algorithm {
            ThreadAlgorithm::OrderedSubject => w.raw(b"ORDEREDSUBJECT"),
            ThreadAlgorithm::References => w.raw(b"REFERENCES"),
            ThreadAlgorithm::Refs => w.raw(b"REFS"),
            ThreadAlgorithm::Other(a) => w.atom("thread algorithm", a.as_bytes())?,
        }
        w.sp();
        write_charset(&self.charset, w)?;
        w.sp();
        self.criteria.write_top(self.name(), w)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn thread() {
        assert_eq!(
            s(&Thread::new(ThreadAlgorithm::References, Criteria::all()).uid(true)),
            "t UID THREAD REFERENCES UTF-8 ALL\r\n"
        );
        assert_eq!(
            s(&Thread::new(
                ThreadAlgorithm::Refs,
                Criteria::and([Criteria::unseen(), Criteria::to("a b")])
            )
            .charset("US-ASCII")),
            "t THREAD REFS US-ASCII UNSEEN TO \"a b\"\r\n"
        );
        assert_eq!(
            s(&Thread::new(
                ThreadAlgorithm::Other("X-ALG".into()),
                Criteria::all()
            )),
            "t THREAD X-ALG UTF-8 ALL\r\n"
        );
        assert_eq!(
            s_with(
                &Thread::new(ThreadAlgorithm::References, Criteria::body("a\r\nb")),
                PLUS
            ),
            "t THREAD REFERENCES UTF-8 BODY {4+}\r\na\r\nb\r\n"
        );
        assert!(matches!(
            err(&Thread::new(
                ThreadAlgorithm::Other("X Y".into()),
                Criteria::all()
            )),
            EncodeError::InvalidAtom { .. }
        ));
    }

    #[test]
    fn sequence_number_use() {
        let t = Thread::new(ThreadAlgorithm::References, Criteria::all());
        assert!(t.uses_sequence_numbers());
        assert_eq!(t.name(), "THREAD");
        let t = t.uid(true);
        assert!(!t.uses_sequence_numbers());
        assert_eq!(t.name(), "UID THREAD");
    }
}
