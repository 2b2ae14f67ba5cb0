//! SEARCH and UID SEARCH (RFC 3501 6.4.4, RFC 9051 6.4.4), with the search keys of
//! RFC 3501/9051 and extensions, and ESEARCH return options (RFC 4731, 5182, 9394).

use std::fmt;

use bytes::Bytes;

use crate::date::{DateError, InternalDate};
use crate::types::Flag;

use super::select::MAX_MODSEQ;
use super::{flag_bytes, Command, CommandWriter, EncodeError, MessageSet};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar date for the date search keys (`SINCE 1-Feb-1994`); no time, no zone.
///
/// ```
/// use imap4_proto::encode::SearchDate;
/// use imap4_proto::date::InternalDate;
///
/// assert_eq!(SearchDate::new(1994, 2, 1)?.to_string(), "1-Feb-1994");
/// assert!(SearchDate::new(2023, 2, 29).is_err());
/// let d = InternalDate::new(2024, 12, 24, 18, 0, 0, 60)?;
/// assert_eq!(SearchDate::from(d).to_string(), "24-Dec-2024");
/// # Ok::<(), imap4_proto::date::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SearchDate {
    year: u16,
    month: u8,
    day: u8,
}

impl SearchDate {
    /// A date (year 0-9999, month 1-12, a day that exists in that month).
    ///
    /// An impossible date (`2023-02-29`, month 13) is a [`DateError`].
    ///
    /// ```
    /// use imap4_proto::encode::SearchDate;
    ///
    /// assert_eq!(SearchDate::new(2024, 2, 29)?.to_string(), "29-Feb-2024");
    /// assert!(SearchDate::new(2024, 13, 1).is_err());
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn new(year: u16, month: u8, day: u8) -> Result<SearchDate, DateError> {
        InternalDate::new(year, month, day, 0, 0, 0, 0)?;
        Ok(SearchDate { year, month, day })
    }

    /// The year.
    ///
    /// ```
    /// use imap4_proto::encode::SearchDate;
    /// assert_eq!(SearchDate::new(1994, 2, 1)?.year(), 1994);
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn year(&self) -> u16 {
        self.year
    }
    /// The month, 1-12.
    ///
    /// ```
    /// use imap4_proto::encode::SearchDate;
    /// assert_eq!(SearchDate::new(1994, 2, 1)?.month(), 2);
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn month(&self) -> u8 {
        self.month
    }
    /// The day of the month.
    ///
    /// ```
    /// use imap4_proto::encode::SearchDate;
    /// assert_eq!(SearchDate::new(1994, 2, 1)?.day(), 1);
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn day(&self) -> u8 {
        self.day
    }
}

impl From<InternalDate> for SearchDate {
    /// The calendar date of the wall clock (the zone is dropped, as IMAP date searches
    /// ignore time and zone).
    fn from(d: InternalDate) -> Self {
        SearchDate {
            year: d.year,
            month: d.month,
            day: d.day,
        }
    }
}

impl fmt::Display for SearchDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = MONTHS
            .get(usize::from(self.month.wrapping_sub(1)))
            .copied()
            .unwrap_or("Jan");
        write!(f, "{}-{}-{:04}", self.day, m, self.year)
    }
}

/// The entry type of a `MODSEQ` search with an entry name (RFC 7162 3.1.5).
///
/// Used with [`Criteria::modseq_flag`].
///
/// ```
/// use imap4_proto::encode::{Criteria, ModSeqEntryType};
/// use imap4_proto::Flag;
///
/// let c = Criteria::modseq_flag(Flag::keyword("$Junk"), ModSeqEntryType::Private, 620162338);
/// assert_eq!(c.to_string(), "MODSEQ \"/flags/$Junk\" priv 620162338");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModSeqEntryType {
    /// `priv`: the private (per-user) flag.
    Private,
    /// `shared`: the shared flag.
    Shared,
    /// `all`: either.
    All,
}

/// A search key (RFC 3501 6.4.4, RFC 9051 6.4.4 and extensions), built with the
/// constructor functions and combined with [`and`](Criteria::and), [`or`](Criteria::or),
/// [`not`](Criteria::not).
///
/// String arguments are astrings: sent as atoms, quoted strings, or literals when they hold
/// CR, LF or (without UTF-8) 8-bit bytes — so `CHARSET UTF-8` searches for non-ASCII text
/// work, and no string can end the command line. NUL is refused.
///
/// ```
/// use imap4_proto::encode::{Criteria, SearchDate};
///
/// let c = Criteria::and([
///     Criteria::unseen(),
///     Criteria::from("bob"),
///     Criteria::or(Criteria::subject("a b"), Criteria::since(SearchDate::new(2024, 1, 1)?)),
///     Criteria::not(Criteria::deleted()),
/// ]);
/// assert_eq!(c.to_string(), "UNSEEN FROM bob OR SUBJECT \"a b\" SINCE 1-Jan-2024 NOT DELETED");
/// # Ok::<(), imap4_proto::date::DateError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Criteria {
    /// `ALL`
    All,
    /// `ANSWERED`
    Answered,
    /// `DELETED`
    Deleted,
    /// `DRAFT`
    Draft,
    /// `FLAGGED`
    Flagged,
    /// `NEW` (IMAP4rev1)
    New,
    /// `OLD` (IMAP4rev1)
    Old,
    /// `RECENT` (IMAP4rev1)
    Recent,
    /// `SEEN`
    Seen,
    /// `UNANSWERED`
    Unanswered,
    /// `UNDELETED`
    Undeleted,
    /// `UNDRAFT`
    Undraft,
    /// `UNFLAGGED`
    Unflagged,
    /// `UNSEEN`
    Unseen,
    /// `BCC string`
    Bcc(Bytes),
    /// `BODY string`
    Body(Bytes),
    /// `CC string`
    Cc(Bytes),
    /// `FROM string`
    From(Bytes),
    /// `SUBJECT string`
    Subject(Bytes),
    /// `TEXT string`
    Text(Bytes),
    /// `TO string`
    To(Bytes),
    /// `HEADER field-name string`
    Header(Bytes, Bytes),
    /// `KEYWORD flag` (an atom)
    Keyword(Bytes),
    /// `UNKEYWORD flag` (an atom)
    Unkeyword(Bytes),
    /// `BEFORE date` (internal date)
    Before(SearchDate),
    /// `ON date`
    On(SearchDate),
    /// `SINCE date`
    Since(SearchDate),
    /// `SENTBEFORE date` (Date: header)
    SentBefore(SearchDate),
    /// `SENTON date`
    SentOn(SearchDate),
    /// `SENTSINCE date`
    SentSince(SearchDate),
    /// `LARGER n`
    Larger(u64),
    /// `SMALLER n`
    Smaller(u64),
    /// `UID set` (or `UID $`)
    Uid(MessageSet),
    /// A sequence-number set (or `$`, the saved result, RFC 5182).
    Seq(MessageSet),
    /// `NOT key`
    Not(Box<Criteria>),
    /// `OR key key`
    Or(Box<Criteria>, Box<Criteria>),
    /// All of the keys (space-separated; parenthesised when nested).
    And(Vec<Criteria>),
    /// `MODSEQ ["/flags/flag" type] n` (RFC 7162 CONDSTORE).
    ModSeq {
        /// The flag and entry type, if restricted to one flag.
        entry: Option<(Flag, ModSeqEntryType)>,
        /// The mod-sequence (matches messages with a greater or equal one).
        modseq: u64,
    },
    /// `OLDER seconds` (RFC 5032 WITHIN)
    Older(u32),
    /// `YOUNGER seconds` (RFC 5032 WITHIN)
    Younger(u32),
    /// `SAVEDBEFORE date` (RFC 8514 SAVEDATE)
    SavedBefore(SearchDate),
    /// `SAVEDON date` (RFC 8514)
    SavedOn(SearchDate),
    /// `SAVEDSINCE date` (RFC 8514)
    SavedSince(SearchDate),
    /// `SAVEDATESUPPORTED` (RFC 8514)
    SaveDateSupported,
    /// `EMAILID id` (RFC 8474 OBJECTID)
    EmailId(String),
    /// `THREADID id` (RFC 8474 OBJECTID)
    ThreadId(String),
    /// `X-GM-RAW string`: Gmail search syntax.
    GmRaw(Bytes),
    /// `X-GM-MSGID n` (Gmail)
    GmMsgId(u64),
    /// `X-GM-THRID n` (Gmail)
    GmThrId(u64),
    /// `X-GM-LABELS label` (Gmail)
    GmLabels(Bytes),
    /// `FUZZY key` (RFC 6203)
    Fuzzy(Box<Criteria>),
    /// `FILTER name` (RFC 5466)
    Filter(String),
    /// Unchecked text, written as is (only CR, LF and NUL are refused).
    Raw(String),
}

fn b(s: impl AsRef<[u8]>) -> Bytes {
    Bytes::copy_from_slice(s.as_ref())
}

impl Criteria {
    /// `ALL`
    ///
    /// Every message in the mailbox.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::all().to_string(), "ALL");
    /// ```
    pub fn all() -> Criteria {
        Criteria::All
    }
    /// `ANSWERED`
    ///
    /// Messages with the `\Answered` flag.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::answered().to_string(), "ANSWERED");
    /// ```
    pub fn answered() -> Criteria {
        Criteria::Answered
    }
    /// `DELETED`
    ///
    /// Messages with the `\Deleted` flag (marked for expunge).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::deleted().to_string(), "DELETED");
    /// ```
    pub fn deleted() -> Criteria {
        Criteria::Deleted
    }
    /// `DRAFT`
    ///
    /// Messages with the `\Draft` flag.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::draft().to_string(), "DRAFT");
    /// ```
    pub fn draft() -> Criteria {
        Criteria::Draft
    }
    /// `FLAGGED`
    ///
    /// Messages with the `\Flagged` flag.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::flagged().to_string(), "FLAGGED");
    /// ```
    pub fn flagged() -> Criteria {
        Criteria::Flagged
    }
    /// `NEW` (IMAP4rev1): recent and unseen.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::new_messages().to_string(), "NEW");
    /// ```
    #[doc(alias = "NEW")]
    pub fn new_messages() -> Criteria {
        Criteria::New
    }
    /// `OLD` (IMAP4rev1)
    ///
    /// Messages without the `\Recent` flag (removed in IMAP4rev2).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::old().to_string(), "OLD");
    /// ```
    pub fn old() -> Criteria {
        Criteria::Old
    }
    /// `RECENT` (IMAP4rev1)
    ///
    /// Messages with the `\Recent` flag (removed in IMAP4rev2).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::recent().to_string(), "RECENT");
    /// ```
    pub fn recent() -> Criteria {
        Criteria::Recent
    }
    /// `SEEN`
    ///
    /// Messages with the `\Seen` flag (read).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::seen().to_string(), "SEEN");
    /// ```
    pub fn seen() -> Criteria {
        Criteria::Seen
    }
    /// `UNANSWERED`
    ///
    /// Messages without the `\Answered` flag.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::unanswered().to_string(), "UNANSWERED");
    /// ```
    pub fn unanswered() -> Criteria {
        Criteria::Unanswered
    }
    /// `UNDELETED`
    ///
    /// Messages without the `\Deleted` flag.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::undeleted().to_string(), "UNDELETED");
    /// ```
    pub fn undeleted() -> Criteria {
        Criteria::Undeleted
    }
    /// `UNDRAFT`
    ///
    /// Messages without the `\Draft` flag.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::undraft().to_string(), "UNDRAFT");
    /// ```
    pub fn undraft() -> Criteria {
        Criteria::Undraft
    }
    /// `UNFLAGGED`
    ///
    /// Messages without the `\Flagged` flag.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::unflagged().to_string(), "UNFLAGGED");
    /// ```
    pub fn unflagged() -> Criteria {
        Criteria::Unflagged
    }
    /// `UNSEEN`
    ///
    /// Messages without the `\Seen` flag (unread).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::unseen().to_string(), "UNSEEN");
    /// ```
    pub fn unseen() -> Criteria {
        Criteria::Unseen
    }
    /// `BCC string`
    ///
    /// Messages whose `Bcc` header contains `s` (substring, case-insensitive).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::bcc("archive@example.org").to_string(), "BCC archive@example.org");
    /// ```
    pub fn bcc(s: impl AsRef<[u8]>) -> Criteria {
        Criteria::Bcc(b(s))
    }
    /// `BODY string`
    ///
    /// Messages whose body (not the header) contains `s`.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::body("invoice 2024").to_string(), "BODY \"invoice 2024\"");
    /// ```
    pub fn body(s: impl AsRef<[u8]>) -> Criteria {
        Criteria::Body(b(s))
    }
    /// `CC string`
    ///
    /// Messages whose `Cc` header contains `s`.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::cc("alice").to_string(), "CC alice");
    /// ```
    pub fn cc(s: impl AsRef<[u8]>) -> Criteria {
        Criteria::Cc(b(s))
    }
    /// `FROM string`
    ///
    /// Messages whose `From` header contains `s`; a string with spaces is quoted.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::from("bob@example.com").to_string(), "FROM bob@example.com");
    /// assert_eq!(Criteria::from("Bob Smith").to_string(), "FROM \"Bob Smith\"");
    /// ```
    #[allow(clippy::should_implement_trait)]
    pub fn from(s: impl AsRef<[u8]>) -> Criteria {
        Criteria::From(b(s))
    }
    /// `SUBJECT string`
    ///
    /// Messages whose `Subject` header contains `s`. Non-ASCII text becomes a literal (send it
    /// with [`Search::charset`]`("UTF-8")`).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::subject("Re: lunch").to_string(), "SUBJECT \"Re: lunch\"");
    /// assert_eq!(Criteria::subject("Grüße").to_string(), "SUBJECT {7}\r\nGrüße");
    /// ```
    pub fn subject(s: impl AsRef<[u8]>) -> Criteria {
        Criteria::Subject(b(s))
    }
    /// `TEXT string` (header and body)
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::text("unsubscribe").to_string(), "TEXT unsubscribe");
    /// ```
    pub fn text(s: impl AsRef<[u8]>) -> Criteria {
        Criteria::Text(b(s))
    }
    /// `TO string`
    ///
    /// Messages whose `To` header contains `s`.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::to("team@example.com").to_string(), "TO team@example.com");
    /// ```
    pub fn to(s: impl AsRef<[u8]>) -> Criteria {
        Criteria::To(b(s))
    }
    /// `HEADER field-name string` (an empty string matches every message with the field).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// let c = Criteria::header("List-Id", "rust-users");
    /// assert_eq!(c.to_string(), "HEADER List-Id rust-users");
    /// assert_eq!(Criteria::header("X-Spam-Flag", "").to_string(), "HEADER X-Spam-Flag \"\"");
    /// ```
    pub fn header(field: impl AsRef<[u8]>, s: impl AsRef<[u8]>) -> Criteria {
        Criteria::Header(b(field), b(s))
    }
    /// `KEYWORD keyword`
    ///
    /// Messages with this keyword flag. The keyword must be an atom; anything else fails when
    /// the command is encoded.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::keyword("$Forwarded").to_string(), "KEYWORD $Forwarded");
    /// ```
    pub fn keyword(k: impl AsRef<[u8]>) -> Criteria {
        Criteria::Keyword(b(k))
    }
    /// `UNKEYWORD keyword`
    ///
    /// Messages without this keyword flag (an atom).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::unkeyword("$Junk").to_string(), "UNKEYWORD $Junk");
    /// ```
    pub fn unkeyword(k: impl AsRef<[u8]>) -> Criteria {
        Criteria::Unkeyword(b(k))
    }
    /// `BEFORE date`
    ///
    /// Messages whose internal date (arrival) is earlier than `d`.
    ///
    /// ```
    /// use imap4_proto::encode::{Criteria, SearchDate};
    /// assert_eq!(Criteria::before(SearchDate::new(2024, 1, 1)?).to_string(), "BEFORE 1-Jan-2024");
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn before(d: impl Into<SearchDate>) -> Criteria {
        Criteria::Before(d.into())
    }
    /// `ON date`
    ///
    /// Messages whose internal date is `d`. An [`InternalDate`] converts to its calendar day.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// use imap4_proto::InternalDate;
    ///
    /// let arrived = InternalDate::new(2024, 7, 17, 2, 44, 25, -420)?;
    /// assert_eq!(Criteria::on(arrived).to_string(), "ON 17-Jul-2024");
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn on(d: impl Into<SearchDate>) -> Criteria {
        Criteria::On(d.into())
    }
    /// `SINCE date`
    ///
    /// Messages whose internal date is `d` or later.
    ///
    /// ```
    /// use imap4_proto::encode::{Criteria, SearchDate};
    /// assert_eq!(Criteria::since(SearchDate::new(2024, 3, 5)?).to_string(), "SINCE 5-Mar-2024");
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn since(d: impl Into<SearchDate>) -> Criteria {
        Criteria::Since(d.into())
    }
    /// `SENTBEFORE date`
    ///
    /// Messages whose `Date` header is earlier than `d`.
    ///
    /// ```
    /// use imap4_proto::encode::{Criteria, SearchDate};
    /// let c = Criteria::sent_before(SearchDate::new(2023, 12, 31)?);
    /// assert_eq!(c.to_string(), "SENTBEFORE 31-Dec-2023");
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn sent_before(d: impl Into<SearchDate>) -> Criteria {
        Criteria::SentBefore(d.into())
    }
    /// `SENTON date`
    ///
    /// Messages whose `Date` header is `d`.
    ///
    /// ```
    /// use imap4_proto::encode::{Criteria, SearchDate};
    /// let c = Criteria::sent_on(SearchDate::new(2024, 5, 9)?);
    /// assert_eq!(c.to_string(), "SENTON 9-May-2024");
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn sent_on(d: impl Into<SearchDate>) -> Criteria {
        Criteria::SentOn(d.into())
    }
    /// `SENTSINCE date`
    ///
    /// Messages whose `Date` header is `d` or later.
    ///
    /// ```
    /// use imap4_proto::encode::{Criteria, SearchDate};
    /// let c = Criteria::sent_since(SearchDate::new(2024, 10, 1)?);
    /// assert_eq!(c.to_string(), "SENTSINCE 1-Oct-2024");
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn sent_since(d: impl Into<SearchDate>) -> Criteria {
        Criteria::SentSince(d.into())
    }
    /// `LARGER n`
    ///
    /// Messages larger than `n` octets (RFC822.SIZE).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::larger(10_000_000).to_string(), "LARGER 10000000");
    /// ```
    pub fn larger(n: u64) -> Criteria {
        Criteria::Larger(n)
    }
    /// `SMALLER n`
    ///
    /// Messages smaller than `n` octets.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::smaller(4096).to_string(), "SMALLER 4096");
    /// ```
    pub fn smaller(n: u64) -> Criteria {
        Criteria::Smaller(n)
    }
    /// `UID set`
    ///
    /// Messages with these UIDs (anything that converts to a [`MessageSet`]).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::uid(4000..).to_string(), "UID 4000:*");
    /// assert_eq!(Criteria::uid(17).to_string(), "UID 17");
    /// ```
    pub fn uid(set: impl Into<MessageSet>) -> Criteria {
        Criteria::Uid(set.into())
    }
    /// A set of message sequence numbers.
    ///
    /// Written bare, as the grammar wants. It makes even a UID SEARCH
    /// [use sequence numbers](super::Command::uses_sequence_numbers).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// let c = Criteria::and([Criteria::seq(1..=10), Criteria::unseen()]);
    /// assert_eq!(c.to_string(), "1:10 UNSEEN");
    /// ```
    pub fn seq(set: impl Into<MessageSet>) -> Criteria {
        Criteria::Seq(set.into())
    }
    /// `$`: the messages of the saved search result (RFC 5182 SEARCHRES).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// let c = Criteria::and([Criteria::saved(), Criteria::flagged()]);
    /// assert_eq!(c.to_string(), "$ FLAGGED");
    /// ```
    pub fn saved() -> Criteria {
        Criteria::Seq(MessageSet::Saved)
    }
    /// `NOT key`
    ///
    /// Messages that do not match `c`; several keys are parenthesised.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::not(Criteria::seen()).to_string(), "NOT SEEN");
    /// let c = Criteria::not(Criteria::and([Criteria::from("bob"), Criteria::flagged()]));
    /// assert_eq!(c.to_string(), "NOT (FROM bob FLAGGED)");
    /// ```
    #[allow(clippy::should_implement_trait)]
    pub fn not(c: Criteria) -> Criteria {
        Criteria::Not(Box::new(c))
    }
    /// `OR a b`
    ///
    /// Messages that match `a`, `b` or both. For more than two keys, see [`any`](Self::any).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// let c = Criteria::or(Criteria::from("alice"), Criteria::to("alice"));
    /// assert_eq!(c.to_string(), "OR FROM alice TO alice");
    /// ```
    pub fn or(a: Criteria, b: Criteria) -> Criteria {
        Criteria::Or(Box::new(a), Box::new(b))
    }
    /// All of the keys. An empty list is `ALL`.
    ///
    /// At the top level the keys are just listed (IMAP ANDs them); nested inside another key
    /// they are parenthesised.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// let c = Criteria::and([Criteria::unseen(), Criteria::larger(1_000_000)]);
    /// assert_eq!(c.to_string(), "UNSEEN LARGER 1000000");
    /// let c = Criteria::or(c, Criteria::flagged());
    /// assert_eq!(c.to_string(), "OR (UNSEEN LARGER 1000000) FLAGGED");
    /// assert_eq!(Criteria::and([]).to_string(), "ALL");
    /// ```
    pub fn and(keys: impl IntoIterator<Item = Criteria>) -> Criteria {
        Criteria::And(keys.into_iter().collect())
    }
    /// Any of the keys: nested `OR`s. An empty list matches nothing (`NOT ALL`).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// let c = Criteria::any(["alice", "bob", "carol"].map(Criteria::from));
    /// assert_eq!(c.to_string(), "OR FROM alice OR FROM bob FROM carol");
    /// assert_eq!(Criteria::any([]).to_string(), "NOT ALL");
    /// ```
    pub fn any(keys: impl IntoIterator<Item = Criteria>) -> Criteria {
        let mut keys: Vec<Criteria> = keys.into_iter().collect();
        let Some(mut acc) = keys.pop() else {
            return Criteria::not(Criteria::All);
        };
        while let Some(k) = keys.pop() {
            acc = Criteria::or(k, acc);
        }
        acc
    }
    /// `MODSEQ n` (RFC 7162): messages changed at mod-sequence `n` or later.
    ///
    /// Needs CONDSTORE; the mod-sequence must be at most 2^63-1.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::modseq(20010715194045007).to_string(), "MODSEQ 20010715194045007");
    /// ```
    pub fn modseq(n: u64) -> Criteria {
        Criteria::ModSeq {
            entry: None,
            modseq: n,
        }
    }
    /// `MODSEQ "/flags/flag" type n` (RFC 7162): restricted to changes of one flag.
    ///
    /// ```
    /// use imap4_proto::encode::{Criteria, ModSeqEntryType};
    /// use imap4_proto::Flag;
    ///
    /// let c = Criteria::modseq_flag(Flag::Draft, ModSeqEntryType::All, 20070202121212);
    /// assert_eq!(c.to_string(), "MODSEQ \"/flags/\\\\Draft\" all 20070202121212");
    /// ```
    pub fn modseq_flag(flag: Flag, kind: ModSeqEntryType, n: u64) -> Criteria {
        Criteria::ModSeq {
            entry: Some((flag, kind)),
            modseq: n,
        }
    }
    /// `OLDER seconds` (RFC 5032): internal date more than `seconds` ago.
    ///
    /// `seconds` must be at least 1.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::older(7 * 24 * 3600).to_string(), "OLDER 604800");
    /// ```
    pub fn older(seconds: u32) -> Criteria {
        Criteria::Older(seconds)
    }
    /// `YOUNGER seconds` (RFC 5032): internal date within the last `seconds`.
    ///
    /// `seconds` must be at least 1.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::younger(3600).to_string(), "YOUNGER 3600");
    /// ```
    pub fn younger(seconds: u32) -> Criteria {
        Criteria::Younger(seconds)
    }
    /// `SAVEDBEFORE date` (RFC 8514)
    ///
    /// Messages saved in this mailbox before `d` (the save date, not the arrival date).
    ///
    /// ```
    /// use imap4_proto::encode::{Criteria, SearchDate};
    /// let c = Criteria::saved_before(SearchDate::new(2024, 6, 1)?);
    /// assert_eq!(c.to_string(), "SAVEDBEFORE 1-Jun-2024");
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn saved_before(d: impl Into<SearchDate>) -> Criteria {
        Criteria::SavedBefore(d.into())
    }
    /// `SAVEDON date` (RFC 8514)
    ///
    /// Messages saved in this mailbox on `d`.
    ///
    /// ```
    /// use imap4_proto::encode::{Criteria, SearchDate};
    /// let c = Criteria::saved_on(SearchDate::new(2024, 6, 1)?);
    /// assert_eq!(c.to_string(), "SAVEDON 1-Jun-2024");
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn saved_on(d: impl Into<SearchDate>) -> Criteria {
        Criteria::SavedOn(d.into())
    }
    /// `SAVEDSINCE date` (RFC 8514)
    ///
    /// Messages saved in this mailbox on `d` or later.
    ///
    /// ```
    /// use imap4_proto::encode::{Criteria, SearchDate};
    /// let c = Criteria::saved_since(SearchDate::new(2024, 6, 1)?);
    /// assert_eq!(c.to_string(), "SAVEDSINCE 1-Jun-2024");
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn saved_since(d: impl Into<SearchDate>) -> Criteria {
        Criteria::SavedSince(d.into())
    }
    /// `SAVEDATESUPPORTED` (RFC 8514)
    ///
    /// Matches every message if the mailbox keeps save dates, none otherwise.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::save_date_supported().to_string(), "SAVEDATESUPPORTED");
    /// ```
    pub fn save_date_supported() -> Criteria {
        Criteria::SaveDateSupported
    }
    /// `EMAILID id` (RFC 8474)
    ///
    /// The id must be 1-255 letters, digits, `_` or `-`; anything else fails when encoded.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::email_id("M6d99ac3275bb4e").to_string(), "EMAILID M6d99ac3275bb4e");
    /// ```
    pub fn email_id(id: impl Into<String>) -> Criteria {
        Criteria::EmailId(id.into())
    }
    /// `THREADID id` (RFC 8474)
    ///
    /// The id must be 1-255 letters, digits, `_` or `-`.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::thread_id("T64b478a75b7ea9").to_string(), "THREADID T64b478a75b7ea9");
    /// ```
    pub fn thread_id(id: impl Into<String>) -> Criteria {
        Criteria::ThreadId(id.into())
    }
    /// `X-GM-RAW query` (Gmail search syntax).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// let c = Criteria::gm_raw("has:attachment in:unread");
    /// assert_eq!(c.to_string(), "X-GM-RAW \"has:attachment in:unread\"");
    /// ```
    pub fn gm_raw(query: impl AsRef<[u8]>) -> Criteria {
        Criteria::GmRaw(b(query))
    }
    /// `X-GM-MSGID id` (Gmail)
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// let c = Criteria::gm_msgid(1278455344230334865);
    /// assert_eq!(c.to_string(), "X-GM-MSGID 1278455344230334865");
    /// ```
    pub fn gm_msgid(id: u64) -> Criteria {
        Criteria::GmMsgId(id)
    }
    /// `X-GM-THRID id` (Gmail)
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// let c = Criteria::gm_thrid(1266894439832287888);
    /// assert_eq!(c.to_string(), "X-GM-THRID 1266894439832287888");
    /// ```
    pub fn gm_thrid(id: u64) -> Criteria {
        Criteria::GmThrId(id)
    }
    /// `X-GM-LABELS label` (Gmail)
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::gm_labels("Receipts").to_string(), "X-GM-LABELS Receipts");
    /// assert_eq!(Criteria::gm_labels("Travel 2024").to_string(), "X-GM-LABELS \"Travel 2024\"");
    /// ```
    pub fn gm_labels(label: impl AsRef<[u8]>) -> Criteria {
        Criteria::GmLabels(b(label))
    }
    /// `FUZZY key` (RFC 6203)
    ///
    /// Lets the server match `c` approximately (needs `SEARCH=FUZZY`).
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// let c = Criteria::fuzzy(Criteria::subject("meeting"));
    /// assert_eq!(c.to_string(), "FUZZY SUBJECT meeting");
    /// ```
    pub fn fuzzy(c: Criteria) -> Criteria {
        Criteria::Fuzzy(Box::new(c))
    }
    /// `FILTER name` (RFC 5466)
    ///
    /// A search filter stored on the server (`FILTERS` capability); the name must be an atom.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// assert_eq!(Criteria::filter("on-the-road").to_string(), "FILTER on-the-road");
    /// ```
    pub fn filter(name: impl Into<String>) -> Criteria {
        Criteria::Filter(name.into())
    }
    /// Unchecked text (for keys this type lacks); CR, LF and NUL are refused.
    ///
    /// ```
    /// use imap4_proto::encode::Criteria;
    /// let key = Criteria::raw("ANNOTATION /comment value urgent");
    /// let c = Criteria::and([Criteria::unseen(), key]);
    /// assert_eq!(c.to_string(), "UNSEEN ANNOTATION /comment value urgent");
    /// ```
    pub fn raw(text: impl Into<String>) -> Criteria {
        Criteria::Raw(text.into())
    }

    /// Whether a key is an explicit sequence-number set (not `$`).
    pub(crate) fn has_seq_set(&self) -> bool {
        match self {
            Criteria::Seq(MessageSet::Set(_)) => true,
            Criteria::Not(c) | Criteria::Fuzzy(c) => c.has_seq_set(),
            Criteria::Or(a, b) => a.has_seq_set() || b.has_seq_set(),
            Criteria::And(v) => v.iter().any(Criteria::has_seq_set),
            _ => false,
        }
    }

    /// Writes the criteria as the top level of a search program (an AND without parens).
    pub(crate) fn write_top(
        &self,
        command: &'static str,
        w: &mut CommandWriter,
    ) -> Result<(), EncodeError> {
        match self {
            Criteria::And(v) if v.len() > 1 => {
                for (i, c) in v.iter().enumerate() {
                    if i > 0 {
                        w.sp();
                    }
                    c.write(command, w)?;
                }
                Ok(())
            }
            Criteria::And(v) if v.len() == 1 => v[0].write_top(command, w),
            other => other.write(command, w),
        }
    }

    /// Writes one search-key.
    fn write(&self, command: &'static str, w: &mut CommandWriter) -> Result<(), EncodeError> {
        let word = |w: &mut CommandWriter, kw: &[u8]| {
            w.raw(kw);
            w.sp();
        };
        match self {
            Criteria::All => w.raw(b"ALL"),
            Criteria::Answered => w.raw(b"ANSWERED"),
            Criteria::Deleted => w.raw(b"DELETED"),
            Criteria::Draft => w.raw(b"DRAFT"),
            Criteria::Flagged => w.raw(b"FLAGGED"),
            Criteria::New => w.raw(b"NEW"),
            Criteria::Old => w.raw(b"OLD"),
            Criteria::Recent => w.raw(b"RECENT"),
            Criteria::Seen => w.raw(b"SEEN"),
            Criteria::Unanswered => w.raw(b"UNANSWERED"),
            Criteria::Undeleted => w.raw(b"UNDELETED"),
            Criteria::Undraft => w.raw(b"UNDRAFT"),
            Criteria::Unflagged => w.raw(b"UNFLAGGED"),
            Criteria::Unseen => w.raw(b"UNSEEN"),
            Criteria::SaveDateSupported => w.raw(b"SAVEDATESUPPORTED"),
            Criteria::Bcc(s) => {
                word(w, b"BCC");
                w.astring("search string", s)?;
            }
            Criteria::Body(s) => {
                word(w, b"BODY");
                w.astring("search string", s)?;
            }
            Criteria::Cc(s) => {
                word(w, b"CC");
                w.astring("search string", s)?;
            }
            Criteria::From(s) => {
                word(w, b"FROM");
                w.astring("search string", s)?;
            }
            Criteria::Subject(s) => {
                word(w, b"SUBJECT");
                w.astring("search string", s)?;
            }
            Criteria::Text(s) => {
                word(w, b"TEXT");
                w.astring("search string", s)?;
            }
            Criteria::To(s) => {
                word(w, b"TO");
                w.astring("search string", s)?;
            }
            Criteria::Header(f, s) => {
                word(w, b"HEADER");
                w.astring("header field name", f)?;
                w.sp();
                w.astring("search string", s)?;
            }
            Criteria::Keyword(k) => {
                word(w, b"KEYWORD");
                w.atom("keyword", k)?;
            }
            Criteria::Unkeyword(k) => {
                word(w, b"UNKEYWORD");
                w.atom("keyword", k)?;
            }
            Criteria::Before(d) => date(w, b"BEFORE", d),
            Criteria::On(d) => date(w, b"ON", d),
            Criteria::Since(d) => date(w, b"SINCE", d),
            Criteria::SentBefore(d) => date(w, b"SENTBEFORE", d),
            Criteria::SentOn(d) => date(w, b"SENTON", d),
            Criteria::SentSince(d) => date(w, b"SENTSINCE", d),
            Criteria::SavedBefore(d) => date(w, b"SAVEDBEFORE", d),
            Criteria::SavedOn(d) => date(w, b"SAVEDON", d),
            Criteria::SavedSince(d) => date(w, b"SAVEDSINCE", d),
            Criteria::Larger(n) => {
                word(w, b"LARGER");
                w.number(*n);
            }
            Criteria::Smaller(n) => {
                word(w, b"SMALLER");
                w.number(*n);
            }
            Criteria::Uid(set) => {
                word(w, b"UID");
                w.sequence_set(command, set)?;
            }
            Criteria::Seq(set) => w.sequence_set(command, set)?,
            Criteria::Not(c) => {
                word(w, b"NOT");
                c.write(command, w)?;
            }
            Criteria::Fuzzy(c) => {
                word(w, b"FUZZY");
                c.write(command, w)?;
            }
            Criteria::Or(a, b) => {
                word(w, b"OR");
                a.write(command, w)?;
                w.sp();
                b.write(command, w)?;
            }
            Criteria::And(v) => match v.len() {
                0 => w.raw(b"ALL"),
                1 => v[0].write(command, w)?,
                _ => w.list(v, |w, c| c.write(command, w))?,
            },
            Criteria::ModSeq { entry, modseq } => {
                if *modseq > MAX_MODSEQ {
                    return Err(EncodeError::Invalid {
                        command,
                        reason: "MODSEQ value above 2^63-1",
                    });
                }
                word(w, b"MODSEQ");
                if let Some((flag, kind)) = entry {
                    let mut name = b"/flags/".to_vec();
                    name.extend_from_slice(&flag_bytes(flag)?);
                    w.string("MODSEQ entry name", &name)?;
                    w.sp();
                    w.raw(match kind {
                        ModSeqEntryType::Private => b"priv",
                        ModSeqEntryType::Shared => b"shared",
                        ModSeqEntryType::All => b"all",
                    });
                    w.sp();
                }
                w.number(*modseq);
            }
            Criteria::Older(n) | Criteria::Younger(n) => {
                if *n == 0 {
                    return Err(EncodeError::Invalid {
                        command,
                        reason: "OLDER/YOUNGER needs a positive number of seconds",
                    });
                }
                word(
                    w,
                    if matches!(self, Criteria::Older(_)) {
                        b"OLDER"
                    } else {
                        b"YOUNGER"
                    },
                );
                w.number(u64::from(*n));
            }
            Criteria::EmailId(id) | Criteria::ThreadId(id) => {
                let ok = !id.is_empty()
                    && id.len() <= 255
                    && id
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
                if !ok {
                    return Err(EncodeError::InvalidAtom {
                        what: "object id",
                        value: id.clone(),
                    });
                }
                word(
                    w,
                    if matches!(self, Criteria::EmailId(_)) {
                        b"EMAILID"
                    } else {
                        b"THREADID"
                    },
                );
                w.raw(id.as_bytes());
            }
            Criteria::GmRaw(s) => {
                word(w, b"X-GM-RAW");
                w.astring("X-GM-RAW query", s)?;
            }
            Criteria::GmMsgId(n) => {
                word(w, b"X-GM-MSGID");
                w.number(*n);
            }
            Criteria::GmThrId(n) => {
                word(w, b"X-GM-THRID");
                w.number(*n);
            }
            Criteria::GmLabels(s) => {
                word(w, b"X-GM-LABELS");
                w.astring("label", s)?;
            }
            Criteria::Filter(f) => {
                word(w, b"FILTER");
                w.atom("filter name", f.as_bytes())?;
            }
            Criteria::Raw(t) => {
                if t.is_empty() {
                    return Err(EncodeError::Invalid {
                        command,
                        reason: "empty raw search key",
                    });
                }
                w.text("raw search key", t.as_bytes())?;
            }
        }
        Ok(())
    }
}

fn date(w: &mut CommandWriter, kw: &[u8], d: &SearchDate) {
    w.raw(kw);
    w.sp();
    w.raw(d.to_string().as_bytes());
}

impl fmt::Display for Criteria {
    /// The criteria as they would be sent with default options (literals shown inline).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut w = CommandWriter::new(Default::default());
        match self.write_top("SEARCH", &mut w) {
            Ok(()) => {
                let frags = w.finish();
                let enc = super::Encoded {
                    tag: crate::types::Tag::from("x"),
                    name: "SEARCH",
                    fragments: frags,
                };
                let b = enc.to_bytes();
                f.write_str(&String::from_utf8_lossy(&b[..b.len() - 2]))
            }
            Err(e) => write!(f, "<invalid: {e}>"),
        }
    }
}

/// A partial range of results (RFC 9394 PARTIAL): the first or the last matches.
///
/// ```
/// use imap4_proto::encode::PartialRange;
/// assert_eq!(PartialRange::first(1, 100).to_string(), "1:100");
/// assert_eq!(PartialRange::last(1, 50).to_string(), "-1:-50");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartialRange {
    /// Positions `lo:hi` counted from the oldest (lowest) match, 1-based.
    First(u32, u32),
    /// Positions `-lo:-hi` counted from the newest (highest) match, 1-based.
    Last(u32, u32),
}

impl PartialRange {
    /// Matches number `lo` to `hi`, from the lowest.
    ///
    /// ```
    /// use imap4_proto::encode::PartialRange;
    /// assert_eq!(PartialRange::first(101, 200).to_string(), "101:200");
    /// ```
    pub fn first(lo: u32, hi: u32) -> PartialRange {
        PartialRange::First(lo, hi)
    }
    /// Matches number `lo` to `hi`, from the highest.
    ///
    /// `last(1, 10)` is the ten newest matches.
    ///
    /// ```
    /// use imap4_proto::encode::PartialRange;
    /// assert_eq!(PartialRange::last(1, 10).to_string(), "-1:-10");
    /// ```
    pub fn last(lo: u32, hi: u32) -> PartialRange {
        PartialRange::Last(lo, hi)
    }
    pub(crate) fn write(
        &self,
        command: &'static str,
        w: &mut CommandWriter,
    ) -> Result<(), EncodeError> {
        let (PartialRange::First(a, b) | PartialRange::Last(a, b)) = *self;
        if a == 0 || b == 0 {
            return Err(EncodeError::Invalid {
                command,
                reason: "PARTIAL range positions start at 1",
            });
        }
        w.raw(self.to_string().as_bytes());
        Ok(())
    }
}

impl fmt::Display for PartialRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartialRange::First(a, b) => write!(f, "{a}:{b}"),
            PartialRange::Last(a, b) => write!(f, "-{a}:-{b}"),
        }
    }
}

/// An ESEARCH return option (RFC 4731, RFC 5182, RFC 9394, RFC 9051 6.4.4).
///
/// Given to [`Search::returning`] (and to [`Sort::returning`](super::Sort::returning)); the
/// server then answers with one `ESEARCH` response instead of `SEARCH`.
///
/// ```
/// use imap4_proto::encode::{Command, Criteria, EncodeOptions, PartialRange, Search, SearchReturn};
/// use imap4_proto::Tag;
///
/// let cmd = Search::new(Criteria::unseen()).uid(true).returning([
///     SearchReturn::Count,
///     SearchReturn::Partial(PartialRange::last(1, 50)),
/// ]);
/// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
/// assert_eq!(enc.to_bytes(), "a1 UID SEARCH RETURN (COUNT PARTIAL -1:-50) UNSEEN\r\n");
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SearchReturn {
    /// `MIN`: the lowest match.
    Min,
    /// `MAX`: the highest match.
    Max,
    /// `ALL`: every match, as a sequence set.
    All,
    /// `COUNT`: the number of matches.
    Count,
    /// `SAVE`: save the result for `$` (RFC 5182 SEARCHRES).
    Save,
    /// `PARTIAL range` (RFC 9394).
    Partial(PartialRange),
    /// Another option, sent as an atom (`CONTEXT`, `UPDATE`, `RELEVANCY`, ...).
    Other(String),
}

impl SearchReturn {
    fn write(&self, command: &'static str, w: &mut CommandWriter) -> Result<(), EncodeError> {
        match self {
            SearchReturn::Min => w.raw(b"MIN"),
            SearchReturn::Max => w.raw(b"MAX"),
            SearchReturn::All => w.raw(b"ALL"),
            SearchReturn::Count => w.raw(b"COUNT"),
            SearchReturn::Save => w.raw(b"SAVE"),
            SearchReturn::Partial(r) => {
                w.raw(b"PARTIAL ");
                r.write(command, w)?;
            }
            SearchReturn::Other(o) => w.atom("search return option", o.as_bytes())?,
        }
        Ok(())
    }
}

/// Writes ` RETURN (opts)` when there are return options.
pub(crate) fn write_return(
    command: &'static str,
    opts: Option<&[SearchReturn]>,
    w: &mut CommandWriter,
) -> Result<(), EncodeError> {
    if let Some(opts) = opts {
        w.raw(b" RETURN ");
        w.list(opts, |w, o| o.write(command, w))?;
    }
    Ok(())
}

/// Writes a charset (atom).
pub(crate) fn write_charset(cs: &str, w: &mut CommandWriter) -> Result<(), EncodeError> {
    w.atom("charset", cs.as_bytes())
}

/// `[UID] SEARCH [RETURN (opts)] [CHARSET cs] criteria` (RFC 3501 6.4.4, RFC 4731).
///
/// `uses_sequence_numbers` is true for a non-UID SEARCH (its results are sequence
/// numbers), and for a UID SEARCH whose criteria hold an explicit sequence-number set; `$`
/// does not count (see the [module documentation](super#sequence-numbers-and-pipelining)).
///
/// ```
/// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Search, SearchReturn};
/// use imap4_proto::Tag;
///
/// let opts = EncodeOptions::default();
/// let cmd = Search::new(Criteria::and([Criteria::unseen(), Criteria::from("bob")]));
/// assert_eq!(cmd.encode(Tag::from("a1"), opts)?.to_bytes(), "a1 SEARCH UNSEEN FROM bob\r\n");
///
/// let cmd = Search::new(Criteria::subject("Grüße"))
///     .uid(true)
///     .charset("UTF-8")
///     .returning([SearchReturn::Min, SearchReturn::Count]);
/// let plus = EncodeOptions { literal_plus: true, ..opts };
/// assert_eq!(
///     cmd.encode(Tag::from("a2"), plus)?.to_bytes(),
///     "a2 UID SEARCH RETURN (MIN COUNT) CHARSET UTF-8 SUBJECT {7+}\r\nGrüße\r\n"
/// );
/// # Ok::<(), imap4_proto::encode::EncodeError>(())
/// ```
#[doc(alias = "search")]
#[doc(alias = "uid")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    criteria: Criteria,
    uid: bool,
    charset: Option<String>,
    returning: Option<Vec<SearchReturn>>,
}

impl Search {
    /// SEARCH with these criteria.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Search};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Search::new(Criteria::flagged());
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 SEARCH FLAGGED\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn new(criteria: Criteria) -> Search {
        Search {
            criteria,
            uid: false,
            charset: None,
            returning: None,
        }
    }

    /// UID SEARCH (results are UIDs) or SEARCH.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Search};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Search::new(Criteria::deleted()).uid(true);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 UID SEARCH DELETED\r\n");
    /// assert!(!cmd.uses_sequence_numbers());
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn uid(mut self, yes: bool) -> Search {
        self.uid = yes;
        self
    }

    /// `CHARSET cs` for the search strings (`UTF-8`; not with UTF8=ACCEPT enabled).
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Search};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Search::new(Criteria::body("café")).charset("UTF-8");
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 SEARCH CHARSET UTF-8 BODY {5}\r\ncafé\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn charset(mut self, charset: impl Into<String>) -> Search {
        self.charset = Some(charset.into());
        self
    }

    /// ESEARCH return options (`RETURN (...)`); an empty list sends `RETURN ()`, which
    /// means `ALL` in ESEARCH form.
    ///
    /// ```
    /// use imap4_proto::encode::{Command, Criteria, EncodeOptions, Search, SearchReturn};
    /// use imap4_proto::Tag;
    ///
    /// let cmd = Search::new(Criteria::unseen())
    ///     .returning([SearchReturn::Min, SearchReturn::Save]);
    /// let enc = cmd.encode(Tag::from("a1"), EncodeOptions::default())?;
    /// assert_eq!(enc.to_bytes(), "a1 SEARCH RETURN (MIN SAVE) UNSEEN\r\n");
    /// # Ok::<(), imap4_proto::encode::EncodeError>(())
    /// ```
    pub fn returning(mut self, opts: impl IntoIterator<Item = SearchReturn>) -> Search {
        self.returning = Some(opts.into_iter().collect());
        self
    }

    /// The criteria.
    ///
    /// ```
    /// use imap4_proto::encode::{Criteria, Search};
    /// let cmd = Search::new(Criteria::unseen());
    /// assert_eq!(cmd.criteria(), &Criteria::Unseen);
    /// ```
    pub fn criteria(&self) -> &Criteria {
        &self.criteria
    }
}

impl Command for Search {
    fn name(&self) -> &'static str {
        if self.uid {
            "UID SEARCH"
        } else {
            "SEARCH"
        }
    }
    fn uses_sequence_numbers(&self) -> bool {
        !self.uid || self.criteria.has_seq_set()
    }
    fn encode_args(&self, w: &mut CommandWriter) -> Result<(), EncodeError> {
        let command = self.name();
        write_return(command, self.returning.as_deref(), w)?;
        if let Some(cs) = &self.charset {
            w.raw(b" CHARSET ");
            write_charset(cs, w)?;
        }
        w.sp();
        self.criteria.write_top(command, w)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::{EncodeOptions, Fragment};
    use super::*;
    use crate::seq::SequenceSet;

    fn d(y: u16, m: u8, day: u8) -> SearchDate {
        SearchDate::new(y, m, day).unwrap()
    }

    fn key(c: Criteria) -> String {
        s(&Search::new(c))
            .strip_prefix("t SEARCH ")
            .unwrap()
            .strip_suffix("\r\n")
            .unwrap()
            .to_string()
    }

    #[test]
    fn flag_keys() {
        use Criteria as C;
        let cases = [
            (C::all(), "ALL"),
            (C::answered(), "ANSWERED"),
            (C::deleted(), "DELETED"),
            (C::draft(), "DRAFT"),
            (C::flagged(), "FLAGGED"),
            (C::new_messages(), "NEW"),
            (C::old(), "OLD"),
            (C::recent(), "RECENT"),
            (C::seen(), "SEEN"),
            (C::unanswered(), "UNANSWERED"),
            (C::undeleted(), "UNDELETED"),
            (C::undraft(), "UNDRAFT"),
            (C::unflagged(), "UNFLAGGED"),
            (C::unseen(), "UNSEEN"),
            (C::save_date_supported(), "SAVEDATESUPPORTED"),
        ];
        for (c, want) in cases {
            assert_eq!(key(c), want);
        }
    }

    #[test]
    fn string_keys() {
        use Criteria as C;
        let cases = [
            (C::bcc("a@b"), "BCC a@b"),
            (C::body("hello world"), "BODY \"hello world\""),
            (C::cc(""), "CC \"\""),
            (C::from("bob"), "FROM bob"),
            (C::subject("say \"hi\""), "SUBJECT \"say \\\"hi\\\"\""),
            (C::text("back\\slash"), "TEXT \"back\\\\slash\""),
            (C::to("x(y)"), "TO \"x(y)\""),
            (C::header("List-Id", "rust"), "HEADER List-Id rust"),
            (C::header("X Bad", ""), "HEADER \"X Bad\" \"\""),
            (C::keyword("$Junk"), "KEYWORD $Junk"),
            (C::unkeyword("NonJunk"), "UNKEYWORD NonJunk"),
            (
                C::gm_raw("has:attachment in:unread"),
                "X-GM-RAW \"has:attachment in:unread\"",
            ),
            (C::gm_labels("\\Important"), "X-GM-LABELS \"\\\\Important\""),
            (
                C::gm_msgid(1278455344230334865),
                "X-GM-MSGID 1278455344230334865",
            ),
            (
                C::gm_thrid(1266894439832287888),
                "X-GM-THRID 1266894439832287888",
            ),
        ];
        for (c, want) in cases {
            assert_eq!(key(c), want);
        }
    }

    #[test]
    fn date_and_number_keys() {
        use Criteria as C;
        let cases = [
            (C::before(d(2024, 1, 9)), "BEFORE 9-Jan-2024"),
            (C::on(d(1999, 12, 31)), "ON 31-Dec-1999"),
            (C::since(d(1994, 2, 1)), "SINCE 1-Feb-1994"),
            (C::sent_before(d(2000, 2, 29)), "SENTBEFORE 29-Feb-2000"),
            (C::sent_on(d(2001, 3, 10)), "SENTON 10-Mar-2001"),
            (C::sent_since(d(2001, 4, 10)), "SENTSINCE 10-Apr-2001"),
            (C::saved_before(d(2020, 5, 1)), "SAVEDBEFORE 1-May-2020"),
            (C::saved_on(d(2020, 6, 1)), "SAVEDON 1-Jun-2020"),
            (C::saved_since(d(2020, 7, 1)), "SAVEDSINCE 1-Jul-2020"),
            (C::larger(10000), "LARGER 10000"),
            (C::smaller(0), "SMALLER 0"),
            (C::older(3600), "OLDER 3600"),
            (C::younger(60), "YOUNGER 60"),
            (C::modseq(620162338), "MODSEQ 620162338"),
            (
                C::modseq_flag(Flag::Draft, ModSeqEntryType::All, 620162338),
                "MODSEQ \"/flags/\\\\Draft\" all 620162338",
            ),
            (
                C::modseq_flag(Flag::keyword("$Junk"), ModSeqEntryType::Private, 5),
                "MODSEQ \"/flags/$Junk\" priv 5",
            ),
            (
                C::modseq_flag(Flag::Seen, ModSeqEntryType::Shared, 5),
                "MODSEQ \"/flags/\\\\Seen\" shared 5",
            ),
            (C::email_id("M6d99ac3275bb4e"), "EMAILID M6d99ac3275bb4e"),
            (C::thread_id("T64b478a75b7ea9"), "THREADID T64b478a75b7ea9"),
            (C::filter("on-the-road"), "FILTER on-the-road"),
            (C::raw("X-FOO (bar)"), "X-FOO (bar)"),
        ];
        for (c, want) in cases {
            assert_eq!(key(c), want);
        }
    }

    #[test]
    fn sets() {
        let set: SequenceSet = [4, 1, 2, 3].into_iter().collect();
        assert_eq!(key(Criteria::seq(set.clone())), "1:4");
        assert_eq!(key(Criteria::uid(set)), "UID 1:4");
        assert_eq!(key(Criteria::saved()), "$");
        assert_eq!(key(Criteria::uid(MessageSet::Saved)), "UID $");
        assert_eq!(key(Criteria::uid(5..)), "UID 5:*");
        assert_eq!(
            err(&Search::new(Criteria::uid(SequenceSet::new()))),
            EncodeError::EmptySequenceSet { command: "SEARCH" }
        );
        assert_eq!(
            err(&Search::new(Criteria::seq(SequenceSet::new())).uid(true)),
            EncodeError::EmptySequenceSet {
                command: "UID SEARCH"
            }
        );
    }

    #[test]
    fn nesting() {
        use Criteria as C;
        assert_eq!(key(C::and([])), "ALL");
        assert_eq!(key(C::and([C::seen()])), "SEEN");
        assert_eq!(key(C::and([C::and([C::seen(), C::draft()])])), "SEEN DRAFT");
        assert_eq!(
            key(C::or(
                C::and([C::seen(), C::draft()]),
                C::not(C::and([C::flagged(), C::from("x")]))
            )),
            "OR (SEEN DRAFT) NOT (FLAGGED FROM x)"
        );
        assert_eq!(key(C::not(C::and([]))), "NOT ALL");
        assert_eq!(key(C::not(C::and([C::seen()]))), "NOT SEEN");
        assert_eq!(
            key(C::and([C::seen(), C::and([C::draft(), C::deleted()])])),
            "SEEN (DRAFT DELETED)"
        );
        assert_eq!(key(C::any([])), "NOT ALL");
        assert_eq!(key(C::any([C::seen()])), "SEEN");
        assert_eq!(
            key(C::any([C::from("a"), C::from("b"), C::from("c")])),
            "OR FROM a OR FROM b FROM c"
        );
        assert_eq!(key(C::fuzzy(C::subject("hello"))), "FUZZY SUBJECT hello");
    }

    #[test]
    fn crlf_injection_in_strings() {
        let c = Criteria::subject("x\r\nt2 DELETE INBOX");
        let e = enc_with(&Search::new(c.clone()), EncodeOptions::default()).unwrap();
        check_lines(&e);
        assert_eq!(
            e.fragments,
            vec![
                Fragment::Line(Bytes::from_static(b"t SEARCH SUBJECT {18}\r\n")),
                Fragment::Literal {
                    data: Bytes::from_static(b"x\r\nt2 DELETE INBOX"),
                    sync: true
                },
                Fragment::Line(Bytes::from_static(b"\r\n")),
            ]
        );
        // Header names and values too.
        assert_eq!(
            s_with(&Search::new(Criteria::header("X\r\n", "v\n")), PLUS),
            "t SEARCH HEADER {3+}\r\nX\r\n {2+}\r\nv\n\r\n"
        );
        // Keywords, filter names and raw keys are refused.
        assert!(matches!(
            err(&Search::new(Criteria::keyword("a\r\nb"))),
            EncodeError::InvalidAtom { .. }
        ));
        assert!(matches!(
            err(&Search::new(Criteria::keyword("a b"))),
            EncodeError::InvalidAtom { .. }
        ));
        assert!(matches!(
            err(&Search::new(Criteria::filter("a\r\n"))),
            EncodeError::InvalidAtom { .. }
        ));
        assert!(matches!(
            err(&Search::new(Criteria::raw("X\r\nY"))),
            EncodeError::LiteralNotAllowed { .. }
        ));
        assert!(matches!(
            err(&Search::new(Criteria::email_id("a b"))),
            EncodeError::InvalidAtom { .. }
        ));
        assert!(matches!(
            err(&Search::new(Criteria::email_id(""))),
            EncodeError::InvalidAtom { .. }
        ));
        assert_eq!(
            err(&Search::new(Criteria::text("a\0"))),
            EncodeError::Nul {
                what: "search string"
            }
        );
    }

    #[test]
    fn invalid_values() {
        assert!(matches!(
            err(&Search::new(Criteria::older(0))),
            EncodeError::Invalid { .. }
        ));
        assert!(matches!(
            err(&Search::new(Criteria::modseq(u64::MAX))),
            EncodeError::Invalid { .. }
        ));
        assert!(matches!(
            err(&Search::new(Criteria::modseq_flag(
                Flag::Recent,
                ModSeqEntryType::All,
                1
            ))),
            EncodeError::FlagNotAllowed { .. }
        ));
        assert!(matches!(
            err(&Search::new(Criteria::modseq_flag(
                Flag::keyword("a\"b"),
                ModSeqEntryType::All,
                1
            ))),
            EncodeError::InvalidAtom { .. }
        ));
        assert!(matches!(
            err(&Search::new(Criteria::raw(""))),
            EncodeError::Invalid { .. }
        ));
    }

    #[test]
    fn non_ascii() {
        let c = Criteria::and([Criteria::from("Jörg"), Criteria::subject("日本")]);
        assert_eq!(
            s_with(&Search::new(c.clone()).charset("UTF-8"), PLUS),
            "t SEARCH CHARSET UTF-8 FROM {5+}\r\nJörg SUBJECT {6+}\r\n日本\r\n"
        );
        assert_eq!(
            s_with(&Search::new(c), UTF8),
            "t SEARCH FROM \"Jörg\" SUBJECT \"日本\"\r\n"
        );
        assert!(matches!(
            err(&Search::new(Criteria::all()).charset("UTF 8")),
            EncodeError::InvalidAtom { .. }
        ));
    }

    #[test]
    fn esearch_return() {
        use SearchReturn as R;
        assert_eq!(
            s(
                &Search::new(Criteria::all()).returning([
                    R::Min,
                    R::Max,
                    R::Count,
                    R::All,
                    R::Save
                ])
            ),
            "t SEARCH RETURN (MIN MAX COUNT ALL SAVE) ALL\r\n"
        );
        assert_eq!(
            s(&Search::new(Criteria::all()).returning([])),
            "t SEARCH RETURN () ALL\r\n"
        );
        assert_eq!(
            s(&Search::new(Criteria::unseen())
                .uid(true)
                .returning([R::Partial(PartialRange::last(1, 100)), R::Count])),
            "t UID SEARCH RETURN (PARTIAL -1:-100 COUNT) UNSEEN\r\n"
        );
        assert_eq!(
            s(&Search::new(Criteria::unseen()).returning([
                R::Partial(PartialRange::first(1, 10)),
                R::Other("CONTEXT".into())
            ])),
            "t SEARCH RETURN (PARTIAL 1:10 CONTEXT) UNSEEN\r\n"
        );
        assert!(matches!(
            err(&Search::new(Criteria::all()).returning([R::Partial(PartialRange::first(0, 10))])),
            EncodeError::Invalid { .. }
        ));
        assert!(matches!(
            err(&Search::new(Criteria::all()).returning([R::Other("A B".into())])),
            EncodeError::InvalidAtom { .. }
        ));
    }

    #[test]
    fn sequence_number_use() {
        assert!(Search::new(Criteria::all()).uses_sequence_numbers());
        assert!(Search::new(Criteria::saved()).uses_sequence_numbers());
        assert!(!Search::new(Criteria::all())
            .uid(true)
            .uses_sequence_numbers());
        assert!(!Search::new(Criteria::saved())
            .uid(true)
            .uses_sequence_numbers());
        assert!(!Search::new(Criteria::uid(1..=5))
            .uid(true)
            .uses_sequence_numbers());
        assert!(Search::new(Criteria::not(Criteria::seq(1..=5)))
            .uid(true)
            .uses_sequence_numbers());
        assert!(Search::new(Criteria::or(Criteria::all(), Criteria::seq(1)))
            .uid(true)
            .uses_sequence_numbers());
        assert!(
            Search::new(Criteria::and([Criteria::all(), Criteria::seq(1)]))
                .uid(true)
                .uses_sequence_numbers()
        );
        assert_eq!(Search::new(Criteria::all()).name(), "SEARCH");
        assert_eq!(Search::new(Criteria::all()).uid(true).name(), "UID SEARCH");
    }

    #[test]
    fn display() {
        assert_eq!(
            Criteria::subject("a\r\n").to_string(),
            "SUBJECT {3}\r\na\r\n"
        );
        assert!(Criteria::keyword("a b").to_string().starts_with("<invalid"));
        assert_eq!(Search::new(Criteria::all()).criteria(), &Criteria::All);
    }

    #[test]
    fn dates() {
        assert_eq!(d(5, 1, 1).to_string(), "1-Jan-0005");
        assert!(SearchDate::new(2024, 13, 1).is_err());
        assert!(SearchDate::new(2024, 4, 31).is_err());
        let x = d(2024, 2, 29);
        assert_eq!((x.year(), x.month(), x.day()), (2024, 2, 29));
    }
}
