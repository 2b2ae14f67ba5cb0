//! Sequence sets: the `sequence-set` of RFC 3501 / RFC 9051 (`1:3,5,7:*`), used for message
//! sequence numbers and UIDs in commands (`FETCH`, `STORE`, `UID COPY`, ...) and responses
//! (`COPYUID`, `VANISHED`, ESEARCH `ALL`, ...).
//!
//! A [`SequenceSet`] keeps its items in the order they were given (responses such as
//! `COPYUID` pair two sets by position), while its [`Display`](std::fmt::Display) writes the
//! normalized form: ascending, overlapping and adjacent items merged, `*` last.
//!
//! # What `*` means
//!
//! `*` stands for the largest number in use (the number of messages, or the largest UID),
//! which the client often does not know. Methods that need it take it as `largest`. A set
//! then stands for the numbers `1..=largest` it covers: a range runs between its two ends in
//! either order (`5:*` with `largest` 3 covers 3, 4 and 5 of which only 3 exists), and
//! numbers above `largest` are ignored (they do not exist in the mailbox). Pass `u32::MAX`
//! as `largest` for a set without `*`, such as UIDs from a response.
//!
//! ```
//! use imap4_proto::seq::SequenceSet;
//!
//! let set = SequenceSet::parse(b"1,2,3,5:7,6")?;
//! assert_eq!(set.to_string(), "1:3,5:7");
//! assert!(set.contains(6, 100));
//! // Items as given (6 twice), or normalized: ascending, each number once.
//! assert_eq!(set.iter(100).collect::<Vec<_>>(), [1, 2, 3, 5, 6, 7, 6]);
//! assert_eq!(set.normalized().iter(100).collect::<Vec<_>>(), [1, 2, 3, 5, 6, 7]);
//!
//! let recent = SequenceSet::parse(b"500:*")?;
//! assert_eq!(recent.iter(502).collect::<Vec<_>>(), [500, 501, 502]);
//! # Ok::<(), imap4_proto::seq::SeqError>(())
//! ```

use std::fmt;
use std::iter::FusedIterator;
use std::num::NonZeroU32;
use std::ops::RangeInclusive;
use std::str::FromStr;

/// Sort key of `*`: above every `u32`.
const STAR_KEY: u64 = 1 << 32;

/// Why a sequence set was rejected. Positions are byte offsets into the parsed input.
///
/// ```
/// use imap4_proto::seq::{SeqError, SequenceSet};
///
/// assert_eq!(SequenceSet::parse(b"1,,2"), Err(SeqError::EmptyItem { position: 2 }));
/// assert_eq!(SequenceSet::parse(b"0:5"), Err(SeqError::Zero { position: 0 }));
/// assert_eq!(SequenceSet::parse(b"4294967296"), Err(SeqError::Overflow { position: 0 }));
/// assert_eq!(SequenceSet::single(0), Err(SeqError::ZeroNumber));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum SeqError {
    /// The input was empty: a sequence set has at least one item.
    #[error("empty sequence set")]
    Empty,
    /// An item between two commas, before the first or after the last comma is empty.
    #[error("empty item in sequence set at offset {position}")]
    EmptyItem {
        /// Where the item should have been.
        position: usize,
    },
    /// A `:` is not followed by a number or `*`.
    #[error("expected a number or '*' after ':' at offset {position}")]
    ExpectedNumber {
        /// Where the number should have been.
        position: usize,
    },
    /// The number 0, which is never a valid sequence number or UID.
    #[error("0 is not a valid sequence number (offset {position})")]
    Zero {
        /// Offset of the `0`.
        position: usize,
    },
    /// A number with a leading zero (`01`), which the grammar (`nz-number`) forbids.
    #[error("number with a leading zero at offset {position}")]
    LeadingZero {
        /// Offset of the number.
        position: usize,
    },
    /// A number above 4294967295.
    #[error("number at offset {position} does not fit in 32 bits")]
    Overflow {
        /// Offset of the number.
        position: usize,
    },
    /// A byte that cannot appear there (spaces and trailing data included).
    #[error("unexpected byte {byte:#04x} in sequence set at offset {position}")]
    UnexpectedByte {
        /// The byte.
        byte: u8,
        /// Its offset.
        position: usize,
    },
    /// 0 was passed to a constructor such as [`SequenceSet::single`].
    #[error("0 is not a valid sequence number")]
    ZeroNumber,
}

/// One end of a sequence range: a number (never 0) or `*`, the largest number in use.
///
/// `*` orders after every number.
///
/// ```
/// use imap4_proto::seq::SeqNum;
///
/// let five = SeqNum::new(5).unwrap();
/// assert_eq!(five.to_string(), "5");
/// assert_eq!(SeqNum::Star.to_string(), "*");
/// assert_eq!(SeqNum::Star.resolve(42), 42);
/// assert!(five < SeqNum::Star);
/// assert_eq!(SeqNum::new(0), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SeqNum {
    /// A message sequence number or UID.
    Value(NonZeroU32),
    /// `*`: the largest number in use.
    Star,
}

impl SeqNum {
    /// The number `n`, or `None` for 0.
    ///
    /// ```
    /// use imap4_proto::seq::SeqNum;
    ///
    /// assert_eq!(SeqNum::new(7).and_then(SeqNum::value), Some(7));
    /// assert!(SeqNum::new(0).is_none());
    /// ```
    pub const fn new(n: u32) -> Option<SeqNum> {
        match NonZeroU32::new(n) {
            Some(v) => Some(SeqNum::Value(v)),
            None => None,
        }
    }

    /// The number, or `None` for `*`.
    ///
    /// ```
    /// use imap4_proto::seq::SeqNum;
    ///
    /// assert_eq!(SeqNum::Star.value(), None);
    /// ```
    pub fn value(self) -> Option<u32> {
        match self {
            SeqNum::Value(v) => Some(v.get()),
            SeqNum::Star => None,
        }
    }

    /// Whether this is `*`.
    ///
    /// ```
    /// use imap4_proto::seq::SeqNum;
    ///
    /// assert!(SeqNum::Star.is_star());
    /// ```
    pub fn is_star(self) -> bool {
        self == SeqNum::Star
    }

    /// The number, with `*` replaced by `largest`.
    ///
    /// ```
    /// use imap4_proto::seq::SeqNum;
    ///
    /// assert_eq!(SeqNum::new(3).unwrap().resolve(10), 3);
    /// assert_eq!(SeqNum::Star.resolve(10), 10);
    /// ```
    pub fn resolve(self, largest: u32) -> u32 {
        match self {
            SeqNum::Value(v) => v.get(),
            SeqNum::Star => largest,
        }
    }

    fn key(self) -> u64 {
        match self {
            SeqNum::Value(v) => u64::from(v.get()),
            SeqNum::Star => STAR_KEY,
        }
    }

    fn from_key(key: u64) -> SeqNum {
        u32::try_from(key)
            .ok()
            .and_then(NonZeroU32::new)
            .map_or(SeqNum::Star, SeqNum::Value)
    }
}

impl From<NonZeroU32> for SeqNum {
    /// The number as a `SeqNum`.
    ///
    /// ```
    /// use std::num::NonZeroU32;
    /// use imap4_proto::seq::SeqNum;
    ///
    /// let n = NonZeroU32::new(9).unwrap();
    /// assert_eq!(SeqNum::from(n), SeqNum::Value(n));
    /// ```
    fn from(n: NonZeroU32) -> Self {
        SeqNum::Value(n)
    }
}

impl TryFrom<u32> for SeqNum {
    type Error = SeqError;

    /// The number as a `SeqNum`; 0 gives [`SeqError::ZeroNumber`].
    ///
    /// ```
    /// use imap4_proto::seq::{SeqError, SeqNum};
    ///
    /// assert_eq!(SeqNum::try_from(4).map(|n| n.resolve(0)), Ok(4));
    /// assert_eq!(SeqNum::try_from(0), Err(SeqError::ZeroNumber));
    /// ```
    fn try_from(n: u32) -> Result<Self, Self::Error> {
        SeqNum::new(n).ok_or(SeqError::ZeroNumber)
    }
}

impl fmt::Display for SeqNum {
    /// The number in decimal, or `*`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeqNum::Value(v) => write!(f, "{v}"),
            SeqNum::Star => f.write_str("*"),
        }
    }
}

/// One item of a sequence set: a single number (`start == end`) or a range `start:end`.
///
/// A range covers everything between its ends whichever order they are in; [`SeqRange::new`]
/// stores them in ascending order, so `5:2` and `2:5` build equal values.
///
/// ```
/// use imap4_proto::seq::{SeqNum, SeqRange};
///
/// let two = SeqNum::new(2).unwrap();
/// let five = SeqNum::new(5).unwrap();
/// assert_eq!(SeqRange::new(five, two), SeqRange::new(two, five));
/// assert_eq!(SeqRange::new(five, two).to_string(), "2:5");
/// assert_eq!(SeqRange::new(SeqNum::Star, five).to_string(), "5:*");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SeqRange {
    /// The lower end (as built by [`SeqRange::new`]).
    pub start: SeqNum,
    /// The upper end (as built by [`SeqRange::new`]); equal to `start` for a single number.
    pub end: SeqNum,
}

impl SeqRange {
    /// The range between `a` and `b`, in either order.
    ///
    /// ```
    /// use imap4_proto::seq::{SeqNum, SeqRange};
    ///
    /// let r = SeqRange::new(SeqNum::Star, SeqNum::new(3).unwrap());
    /// assert_eq!(r.start, SeqNum::new(3).unwrap());
    /// assert_eq!(r.end, SeqNum::Star);
    /// ```
    pub fn new(a: SeqNum, b: SeqNum) -> SeqRange {
        SeqRange {
            start: a.min(b),
            end: a.max(b),
        }
    }

    /// The single number `n`.
    ///
    /// ```
    /// use imap4_proto::seq::{SeqNum, SeqRange};
    ///
    /// assert_eq!(SeqRange::single(SeqNum::Star).to_string(), "*");
    /// ```
    pub fn single(n: SeqNum) -> SeqRange {
        SeqRange { start: n, end: n }
    }

    /// The numbers `1..=largest` this item covers, or `None` if it covers none of them
    /// (see the [module documentation](self) for how `*` and `largest` work).
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// let set = SequenceSet::parse(b"5:*")?;
    /// let r = set.ranges()[0];
    /// assert_eq!(r.to_range(9), Some(5..=9));
    /// assert_eq!(r.to_range(3), Some(3..=3));
    /// assert_eq!(r.to_range(0), None);
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    pub fn to_range(&self, largest: u32) -> Option<RangeInclusive<u32>> {
        let a = self.start.resolve(largest);
        let b = self.end.resolve(largest);
        let lo = a.min(b).max(1);
        let hi = a.max(b).min(largest);
        (lo <= hi).then_some(lo..=hi)
    }

    /// Whether `n` is one of the numbers `1..=largest` this item covers.
    ///
    /// ```
    /// use imap4_proto::seq::{SeqNum, SeqRange};
    ///
    /// let r = SeqRange::new(SeqNum::new(2).unwrap(), SeqNum::Star);
    /// assert!(r.contains(2, 10));
    /// assert!(r.contains(10, 10));
    /// assert!(!r.contains(11, 10));
    /// ```
    pub fn contains(&self, n: u32, largest: u32) -> bool {
        self.to_range(largest).is_some_and(|r| r.contains(&n))
    }

    /// How many of the numbers `1..=largest` this item covers.
    ///
    /// ```
    /// use imap4_proto::seq::{SeqNum, SeqRange};
    ///
    /// let r = SeqRange::new(SeqNum::new(1).unwrap(), SeqNum::Star);
    /// assert_eq!(r.len(u32::MAX), 4_294_967_295);
    /// ```
    pub fn len(&self, largest: u32) -> u64 {
        self.to_range(largest)
            .map_or(0, |r| u64::from(*r.end()) - u64::from(*r.start()) + 1)
    }

    /// Whether this is a single number or `*` (`start == end`).
    ///
    /// ```
    /// use imap4_proto::seq::{SeqNum, SeqRange};
    ///
    /// assert!(SeqRange::single(SeqNum::Star).is_single());
    /// ```
    pub fn is_single(&self) -> bool {
        self.start == self.end
    }

    /// (low key, high key), ends in order.
    fn keys(&self) -> (u64, u64) {
        let (a, b) = (self.start.key(), self.end.key());
        (a.min(b), a.max(b))
    }

    fn from_keys(lo: u64, hi: u64) -> SeqRange {
        SeqRange {
            start: SeqNum::from_key(lo),
            end: SeqNum::from_key(hi),
        }
    }
}

impl From<SeqNum> for SeqRange {
    /// The single number `n`.
    ///
    /// ```
    /// use imap4_proto::seq::{SeqNum, SeqRange};
    ///
    /// assert_eq!(SeqRange::from(SeqNum::Star), SeqRange::single(SeqNum::Star));
    /// ```
    fn from(n: SeqNum) -> Self {
        SeqRange::single(n)
    }
}

impl fmt::Display for SeqRange {
    /// `n` for a single number, `start:end` otherwise (ends as stored).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_single() {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}:{}", self.start, self.end)
        }
    }
}

/// An IMAP `sequence-set`: message sequence numbers or UIDs, single or in ranges, possibly
/// with `*`.
///
/// Items keep the order they were given in (parsed, pushed or collected); each range is
/// stored with its ends in ascending order. [`normalize`](SequenceSet::normalize) sorts and
/// merges them, and [`Display`](fmt::Display) always writes the normalized form
/// (`1,2,3,5:7,6` is written `1:3,5:7`; `*` comes last, a range to `*` as `N:*`).
/// Equality compares items as stored: compare [`normalized`](SequenceSet::normalized) sets
/// to compare contents.
///
/// The empty set exists ([`SequenceSet::new`], `Default`) but is not valid IMAP: its
/// `Display` is the empty string, and command encoders must refuse to send it (never turn it
/// into `1:*`, which would select every message).
///
/// See the [module documentation](self) for what `*` and `largest` mean.
///
/// ```
/// use imap4_proto::seq::SequenceSet;
///
/// let uids: SequenceSet = [7, 3, 4, 5, 10].into_iter().collect();
/// assert_eq!(uids.to_string(), "3:5,7,10");
/// assert_eq!(uids.len(u32::MAX), 5);
///
/// let all = SequenceSet::all();
/// assert_eq!(all.to_string(), "1:*");
/// assert_eq!(all.len(u32::MAX), u64::from(u32::MAX));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SequenceSet {
    ranges: Vec<SeqRange>,
    /// Whether `ranges` is in normalized form (kept exact, so derived `Eq` stays structural).
    normalized: bool,
}

impl SequenceSet {
    /// The empty set (not valid IMAP on its own; see the type documentation).
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// let set = SequenceSet::new();
    /// assert!(set.is_empty());
    /// assert_eq!(set.to_string(), "");
    /// ```
    pub const fn new() -> SequenceSet {
        SequenceSet {
            ranges: Vec::new(),
            normalized: true,
        }
    }

    /// `1:*`: every message.
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// assert_eq!(SequenceSet::all().to_string(), "1:*");
    /// assert!(SequenceSet::all().contains(3, 3));
    /// ```
    pub fn all() -> SequenceSet {
        SequenceSet::from(SeqRange {
            start: SeqNum::Value(NonZeroU32::MIN),
            end: SeqNum::Star,
        })
    }

    /// The single number `n`; 0 gives [`SeqError::ZeroNumber`].
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// assert_eq!(SequenceSet::single(42)?.to_string(), "42");
    /// assert!(SequenceSet::single(0).is_err());
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    pub fn single(n: u32) -> Result<SequenceSet, SeqError> {
        Ok(SequenceSet::from(SeqRange::single(SeqNum::try_from(n)?)))
    }

    /// The numbers from `a` to `b`, in either order; 0 gives [`SeqError::ZeroNumber`].
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// assert_eq!(SequenceSet::range(9, 4)?.to_string(), "4:9");
    /// assert_eq!(SequenceSet::range(4, 4)?.to_string(), "4");
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    pub fn range(a: u32, b: u32) -> Result<SequenceSet, SeqError> {
        let a = SeqNum::try_from(a)?;
        let b = SeqNum::try_from(b)?;
        Ok(SequenceSet::from(SeqRange::new(a, b)))
    }

    /// Parses a `sequence-set` (RFC 3501 / RFC 9051), strictly: the whole input must be
    /// the set. Rejects empty input, empty items (`1,,2`), `0`, leading zeros, numbers
    /// above 4294967295, spaces and anything after the set.
    ///
    /// Item order is kept; see [`normalize`](SequenceSet::normalize).
    ///
    /// ```
    /// use imap4_proto::seq::{SeqError, SequenceSet};
    ///
    /// let set = SequenceSet::parse(b"7:5,*,1")?;
    /// assert_eq!(set.ranges().len(), 3);
    /// assert_eq!(set.to_string(), "1,5:7,*");
    /// assert_eq!(
    ///     SequenceSet::parse(b"1:2 FLAGS"),
    ///     Err(SeqError::UnexpectedByte { byte: b' ', position: 3 })
    /// );
    /// # Ok::<(), SeqError>(())
    /// ```
    pub fn parse(input: &[u8]) -> Result<SequenceSet, SeqError> {
        let (set, used) = SequenceSet::parse_prefix(input)?;
        match input.get(used) {
            None => Ok(set),
            Some(&byte) => Err(SeqError::UnexpectedByte {
                byte,
                position: used,
            }),
        }
    }

    /// Parses the `sequence-set` at the start of `input` and returns it with the number of
    /// bytes it took: parsing stops before the first byte that cannot continue the set (such
    /// as a space or `)`). The set itself is checked as strictly as by
    /// [`parse`](SequenceSet::parse), and a `,` must be followed by another item.
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// let (set, used) = SequenceSet::parse_prefix(b"1:4,9 (FLAGS)")?;
    /// assert_eq!(used, 5);
    /// assert_eq!(set.to_string(), "1:4,9");
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    pub fn parse_prefix(input: &[u8]) -> Result<(SequenceSet, usize), SeqError> {
        if input.is_empty() {
            return Err(SeqError::Empty);
        }
        let mut set = SequenceSet::new();
        let mut pos = 0;
        loop {
            let Some(a) = parse_number(input, &mut pos)? else {
                return Err(match input.get(pos) {
                    None | Some(b',') => SeqError::EmptyItem { position: pos },
                    Some(&byte) => SeqError::UnexpectedByte {
                        byte,
                        position: pos,
                    },
                });
            };
            let b = if input.get(pos) == Some(&b':') {
                pos += 1;
                let Some(b) = parse_number(input, &mut pos)? else {
                    return Err(match input.get(pos) {
                        None | Some(b',') => SeqError::ExpectedNumber { position: pos },
                        Some(&byte) => SeqError::UnexpectedByte {
                            byte,
                            position: pos,
                        },
                    });
                };
                b
            } else {
                a
            };
            set.push(SeqRange::new(a, b));
            if input.get(pos) == Some(&b',') {
                pos += 1;
            } else {
                return Ok((set, pos));
            }
        }
    }

    /// Whether the set has no items.
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// assert!(SequenceSet::default().is_empty());
    /// assert!(!SequenceSet::all().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The items, in the order they were given (sorted and merged if the set is
    /// normalized). Each has `start <= end`.
    ///
    /// ```
    /// use imap4_proto::seq::{SeqNum, SequenceSet};
    ///
    /// let set = SequenceSet::parse(b"9,2:4")?;
    /// let starts: Vec<_> = set.ranges().iter().map(|r| r.start).collect();
    /// assert_eq!(starts, [SeqNum::new(9).unwrap(), SeqNum::new(2).unwrap()]);
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    pub fn ranges(&self) -> &[SeqRange] {
        &self.ranges
    }

    /// Whether any item involves `*`.
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// assert!(SequenceSet::parse(b"1,4:*")?.has_star());
    /// assert!(!SequenceSet::parse(b"1,4")?.has_star());
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    pub fn has_star(&self) -> bool {
        self.ranges
            .iter()
            .any(|r| r.start.is_star() || r.end.is_star())
    }

    /// Appends an item (its ends are put in ascending order). O(1); the set stays
    /// normalized only if the item comes after the existing ones with a gap.
    ///
    /// ```
    /// use imap4_proto::seq::{SeqNum, SeqRange, SequenceSet};
    ///
    /// let mut set = SequenceSet::new();
    /// set.push(SeqRange::new(SeqNum::Star, SeqNum::new(10).unwrap()));
    /// set.push(SeqRange::single(SeqNum::new(2).unwrap()));
    /// assert_eq!(set.to_string(), "2,10:*");
    /// ```
    pub fn push(&mut self, range: SeqRange) {
        let range = SeqRange::new(range.start, range.end);
        let (lo, _) = range.keys();
        let after_last = match self.ranges.last() {
            Some(last) => last.keys().1 + 1 < lo,
            None => true,
        };
        self.normalized = self.normalized && after_last;
        self.ranges.push(range);
    }

    /// Appends the number `n`, extending the last item when `n` follows it directly
    /// (`1:3` + `4` gives `1:4`). 0 gives [`SeqError::ZeroNumber`] and changes nothing.
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// let mut set = SequenceSet::new();
    /// for n in [1, 2, 3, 9] {
    ///     set.insert(n)?;
    /// }
    /// assert_eq!(set.ranges().len(), 2);
    /// assert_eq!(set.to_string(), "1:3,9");
    /// assert!(set.insert(0).is_err());
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    pub fn insert(&mut self, n: u32) -> Result<(), SeqError> {
        let num = SeqNum::try_from(n)?;
        if let Some(last) = self.ranges.last_mut() {
            if let SeqNum::Value(end) = last.end {
                if end.checked_add(1).map(NonZeroU32::get) == Some(n) {
                    // Extending the last item keeps a normalized set normalized.
                    last.end = num;
                    return Ok(());
                }
            }
        }
        self.push(SeqRange::single(num));
        Ok(())
    }

    /// Whether the items are sorted, disjoint and not adjacent (the form
    /// [`normalize`](SequenceSet::normalize) produces). O(1).
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// assert!(SequenceSet::parse(b"1:3,5")?.is_normalized());
    /// assert!(!SequenceSet::parse(b"1:3,4")?.is_normalized());
    /// assert!(!SequenceSet::parse(b"5,1")?.is_normalized());
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    pub fn is_normalized(&self) -> bool {
        self.normalized
    }

    /// Sorts the items and merges overlapping and adjacent ones, in O(n log n).
    ///
    /// `*` sorts after every number, and a number or range that overlaps or touches an
    /// item ending in `*` is merged into it: `4,5:*` becomes `4:*` and `7,5:*` becomes
    /// `5:*`, while `3,5:*` stays. This keeps the meaning described in the
    /// [module documentation](self) for every `largest`.
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// let mut set = SequenceSet::parse(b"*,7,1,2,3,5:7,6,4:2")?;
    /// set.normalize();
    /// assert_eq!(set.ranges().len(), 2);
    /// assert_eq!(set.to_string(), "1:7,*");
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    pub fn normalize(&mut self) {
        if self.normalized {
            return;
        }
        let mut spans: Vec<(u64, u64)> = self.ranges.iter().map(SeqRange::keys).collect();
        spans.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(spans.len());
        for (lo, hi) in spans {
            match merged.last_mut() {
                Some(last) if lo <= last.1 + 1 => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        self.ranges = merged
            .into_iter()
            .map(|(lo, hi)| SeqRange::from_keys(lo, hi))
            .collect();
        self.normalized = true;
    }

    /// A normalized copy (see [`normalize`](SequenceSet::normalize)).
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// let a = SequenceSet::parse(b"3,1,2")?;
    /// let b = SequenceSet::parse(b"1:3")?;
    /// assert_ne!(a, b);
    /// assert_eq!(a.normalized(), b);
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    pub fn normalized(&self) -> SequenceSet {
        let mut copy = self.clone();
        copy.normalize();
        copy
    }

    /// Whether `n` is in the set, `*` standing for `largest`. Numbers above `largest` are
    /// never in it. O(log n) on a normalized set, O(n) otherwise.
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// let set = SequenceSet::parse(b"2:4,10:*")?;
    /// assert!(set.contains(3, 20));
    /// assert!(set.contains(15, 20));
    /// assert!(!set.contains(21, 20));
    /// assert!(set.contains(7, 7)); // 10:* covers 7:10 when 7 is the largest
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    pub fn contains(&self, n: u32, largest: u32) -> bool {
        if n == 0 || n > largest {
            return false;
        }
        if !self.normalized {
            return self.ranges.iter().any(|r| r.contains(n, largest));
        }
        let key = u64::from(n);
        let idx = self.ranges.partition_point(|r| r.keys().1 < key);
        // Besides the item found, only a last item ending in `*` can reach below its start.
        self.ranges.get(idx).is_some_and(|r| r.contains(n, largest))
            || self
                .ranges
                .last()
                .is_some_and(|r| r.end.is_star() && r.contains(n, largest))
    }

    /// The numbers of the set, `*` standing for `largest` and numbers above `largest`
    /// left out, expanded lazily (no allocation, whatever the size).
    ///
    /// Items come in the order they were given, each range ascending, so a number covered
    /// by two items comes twice — except on a normalized set, where the numbers come
    /// ascending and each once (there, the only possible overlap is a last item with `*`
    /// resolving to numbers an earlier item covers, as in `1:3,10:*` with `largest` 2).
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// let set = SequenceSet::parse(b"5,1:3")?;
    /// assert_eq!(set.iter(10).collect::<Vec<_>>(), [5, 1, 2, 3]);
    /// assert_eq!(set.normalized().iter(10).collect::<Vec<_>>(), [1, 2, 3, 5]);
    ///
    /// let huge = SequenceSet::range(1, u32::MAX)?;
    /// assert_eq!(huge.iter(u32::MAX).take(3).collect::<Vec<_>>(), [1, 2, 3]);
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    pub fn iter(&self, largest: u32) -> Iter<'_> {
        Iter {
            ranges: self.ranges.iter(),
            largest,
            next: 1,
            end: 0,
            dedup: self.normalized,
        }
    }

    /// How many distinct numbers of `1..=largest` the set holds (`*` standing for
    /// `largest`). O(n) on a normalized set; otherwise it normalizes a copy first.
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// assert_eq!(SequenceSet::parse(b"1:3,2:5,9")?.len(100), 6);
    /// assert_eq!(SequenceSet::parse(b"1:*")?.len(0), 0);
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    pub fn len(&self, largest: u32) -> u64 {
        if self.normalized {
            count_sorted(&self.ranges, largest)
        } else {
            count_sorted(&self.normalized().ranges, largest)
        }
    }

    /// A [`Display`](fmt::Display) of the items as given, without normalizing (for logs, or
    /// to echo a set exactly).
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// let set = SequenceSet::parse(b"9,4:2,*")?;
    /// assert_eq!(set.display_as_given().to_string(), "9,2:4,*");
    /// assert_eq!(set.to_string(), "2:4,9,*");
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    pub fn display_as_given(&self) -> AsGiven<'_> {
        AsGiven(self)
    }
}

/// Counts the numbers of normalized `ranges` in `1..=largest`.
fn count_sorted(ranges: &[SeqRange], largest: u32) -> u64 {
    let mut floor: u64 = 1;
    let mut total: u64 = 0;
    for r in ranges {
        if let Some(range) = r.to_range(largest) {
            let lo = u64::from(*range.start()).max(floor);
            let hi = u64::from(*range.end());
            if lo <= hi {
                total += hi - lo + 1;
                floor = hi + 1;
            }
        }
    }
    total
}

/// Parses `nz-number / "*"` at `*pos`; `Ok(None)` (position unchanged) if neither starts there.
fn parse_number(input: &[u8], pos: &mut usize) -> Result<Option<SeqNum>, SeqError> {
    let start = *pos;
    match input.get(start) {
        Some(b'*') => {
            *pos += 1;
            Ok(Some(SeqNum::Star))
        }
        Some(b'0') => Err(if input.get(start + 1).is_some_and(u8::is_ascii_digit) {
            SeqError::LeadingZero { position: start }
        } else {
            SeqError::Zero { position: start }
        }),
        Some(b'1'..=b'9') => {
            let mut value: u64 = 0;
            while let Some(&d) = input.get(*pos).filter(|b| b.is_ascii_digit()) {
                value = value * 10 + u64::from(d - b'0');
                if value > u64::from(u32::MAX) {
                    return Err(SeqError::Overflow { position: start });
                }
                *pos += 1;
            }
            Ok(SeqNum::new(u32::try_from(value).unwrap_or(0)))
        }
        _ => Ok(None),
    }
}

impl fmt::Display for SequenceSet {
    /// The normalized form (see [`SequenceSet::normalize`]); empty for the empty set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.normalized {
            write_ranges(f, &self.ranges)
        } else {
            write_ranges(f, &self.normalized().ranges)
        }
    }
}

fn write_ranges(f: &mut fmt::Formatter<'_>, ranges: &[SeqRange]) -> fmt::Result {
    for (i, r) in ranges.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        write!(f, "{r}")?;
    }
    Ok(())
}

/// Writes a [`SequenceSet`]'s items as given, without normalizing; made by
/// [`SequenceSet::display_as_given`].
///
/// ```
/// use imap4_proto::seq::SequenceSet;
///
/// let set = SequenceSet::parse(b"3,1")?;
/// assert_eq!(format!("{}", set.display_as_given()), "3,1");
/// # Ok::<(), imap4_proto::seq::SeqError>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct AsGiven<'a>(&'a SequenceSet);

impl fmt::Display for AsGiven<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_ranges(f, &self.0.ranges)
    }
}

impl Default for SequenceSet {
    /// The empty set, same as [`SequenceSet::new`].
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// assert_eq!(SequenceSet::default(), SequenceSet::new());
    /// ```
    fn default() -> Self {
        SequenceSet::new()
    }
}

impl FromStr for SequenceSet {
    type Err = SeqError;

    /// Same as [`SequenceSet::parse`].
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// let set: SequenceSet = "1:*".parse()?;
    /// assert_eq!(set, SequenceSet::all());
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SequenceSet::parse(s.as_bytes())
    }
}

impl From<SeqRange> for SequenceSet {
    /// The set of that one item.
    ///
    /// ```
    /// use imap4_proto::seq::{SeqNum, SeqRange, SequenceSet};
    ///
    /// let set = SequenceSet::from(SeqRange::single(SeqNum::Star));
    /// assert_eq!(set.to_string(), "*");
    /// ```
    fn from(range: SeqRange) -> Self {
        let mut set = SequenceSet::new();
        set.push(range);
        set
    }
}

impl Extend<u32> for SequenceSet {
    /// Appends the numbers as [`insert`](SequenceSet::insert) does, merging runs of
    /// consecutive ascending numbers; zeros are skipped (0 is never a member).
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// let mut set = SequenceSet::single(1)?;
    /// set.extend([2, 3, 0, 8]);
    /// assert_eq!(set.to_string(), "1:3,8");
    /// # Ok::<(), imap4_proto::seq::SeqError>(())
    /// ```
    fn extend<I: IntoIterator<Item = u32>>(&mut self, iter: I) {
        for n in iter {
            // Only 0 is rejected, and 0 is skipped by design.
            let _ = self.insert(n);
        }
    }
}

impl FromIterator<u32> for SequenceSet {
    /// Collects numbers, merging runs of consecutive ascending numbers (`1,2,3` becomes
    /// `1:3`) and keeping their order otherwise; zeros are skipped (0 is never a member).
    ///
    /// ```
    /// use imap4_proto::seq::SequenceSet;
    ///
    /// let set: SequenceSet = [1, 2, 3, 9, 5, 6].into_iter().collect();
    /// assert_eq!(set.display_as_given().to_string(), "1:3,9,5:6");
    /// assert_eq!(set.to_string(), "1:3,5:6,9");
    /// ```
    fn from_iter<I: IntoIterator<Item = u32>>(iter: I) -> Self {
        let mut set = SequenceSet::new();
        set.extend(iter);
        set
    }
}

impl Extend<SeqRange> for SequenceSet {
    /// Appends the items as [`push`](SequenceSet::push) does.
    ///
    /// ```
    /// use imap4_proto::seq::{SeqNum, SeqRange, SequenceSet};
    ///
    /// let mut set = SequenceSet::new();
    /// set.extend([SeqRange::single(SeqNum::Star)]);
    /// assert_eq!(set.to_string(), "*");
    /// ```
    fn extend<I: IntoIterator<Item = SeqRange>>(&mut self, iter: I) {
        for r in iter {
            self.push(r);
        }
    }
}

impl FromIterator<SeqRange> for SequenceSet {
    /// Collects items as [`push`](SequenceSet::push) does.
    ///
    /// ```
    /// use imap4_proto::seq::{SeqNum, SeqRange, SequenceSet};
    ///
    /// let n = |v| SeqNum::new(v).unwrap();
    /// let set: SequenceSet = [SeqRange::new(n(4), n(2)), SeqRange::single(n(9))]
    ///     .into_iter()
    ///     .collect();
    /// assert_eq!(set.to_string(), "2:4,9");
    /// ```
    fn from_iter<I: IntoIterator<Item = SeqRange>>(iter: I) -> Self {
        let mut set = SequenceSet::new();
        set.extend(iter);
        set
    }
}

/// Lazy iterator over the numbers of a [`SequenceSet`]; made by [`SequenceSet::iter`].
///
/// ```
/// use imap4_proto::seq::SequenceSet;
///
/// let set = SequenceSet::parse(b"3:*")?;
/// let mut it = set.iter(4);
/// assert_eq!(it.next(), Some(3));
/// assert_eq!(it.next(), Some(4));
/// assert_eq!(it.next(), None);
/// # Ok::<(), imap4_proto::seq::SeqError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    ranges: std::slice::Iter<'a, SeqRange>,
    largest: u32,
    /// Next number to yield from the current range (u64: may pass `u32::MAX`).
    next: u64,
    /// Last number of the current range.
    end: u64,
    /// Skip numbers at or below the last one yielded (normalized sets only).
    dedup: bool,
}

impl Iterator for Iter<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        loop {
            if self.next <= self.end {
                let v = self.next;
                self.next += 1;
                return u32::try_from(v).ok();
            }
            let range = self.ranges.next()?;
            let Some(r) = range.to_range(self.largest) else {
                continue;
            };
            let lo = u64::from(*r.start());
            self.next = if self.dedup { lo.max(self.next) } else { lo };
            self.end = u64::from(*r.end());
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let current = usize::try_from((self.end + 1).saturating_sub(self.next)).unwrap_or(0);
        if self.ranges.as_slice().is_empty() {
            (current, Some(current))
        } else {
            (current, None)
        }
    }
}

impl FusedIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set(s: &str) -> SequenceSet {
        SequenceSet::parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn parse_and_display() {
        let cases = [
            ("1", "1"),
            ("*", "*"),
            ("1:*", "1:*"),
            ("*:1", "1:*"),
            ("5:2", "2:5"),
            ("2:5", "2:5"),
            ("1,2,3,5:7,6", "1:3,5:7"),
            ("3,1,2", "1:3"),
            ("1:3,3:5", "1:5"),
            ("1:3,4:5", "1:5"),
            ("1:3,5:6", "1:3,5:6"),
            ("*,1", "1,*"),
            ("5:*,7", "5:*"),
            ("4,5:*", "4:*"),
            ("3,5:*", "3,5:*"),
            ("*,5:*", "5:*"),
            ("*,*", "*"),
            ("*:*", "*"),
            ("4294967295", "4294967295"),
            ("4294967295,*", "4294967295:*"),
            ("4294967294,4294967295", "4294967294:4294967295"),
            ("10:1,20:11", "1:20"),
        ];
        for (input, want) in cases {
            assert_eq!(set(input).to_string(), want, "{input}");
            assert_eq!(set(want).to_string(), want, "{want}");
        }
    }

    #[test]
    fn parse_errors() {
        use SeqError::*;
        let cases: &[(&[u8], SeqError)] = &[
            (b"", Empty),
            (b",", EmptyItem { position: 0 }),
            (b",1", EmptyItem { position: 0 }),
            (b"1,", EmptyItem { position: 2 }),
            (b"1,,2", EmptyItem { position: 2 }),
            (b"1:", ExpectedNumber { position: 2 }),
            (b"1:,2", ExpectedNumber { position: 2 }),
            (b"0", Zero { position: 0 }),
            (b"1:0", Zero { position: 2 }),
            (b"00", LeadingZero { position: 0 }),
            (b"5,01", LeadingZero { position: 2 }),
            (b"4294967296", Overflow { position: 0 }),
            (b"1,99999999999999999999999", Overflow { position: 2 }),
            (
                b" 1",
                UnexpectedByte {
                    byte: b' ',
                    position: 0,
                },
            ),
            (
                b"1 ",
                UnexpectedByte {
                    byte: b' ',
                    position: 1,
                },
            ),
            (
                b"1, 2",
                UnexpectedByte {
                    byte: b' ',
                    position: 2,
                },
            ),
            (
                b"1:2:3",
                UnexpectedByte {
                    byte: b':',
                    position: 3,
                },
            ),
            (
                b"1:a",
                UnexpectedByte {
                    byte: b'a',
                    position: 2,
                },
            ),
            (
                b"12a",
                UnexpectedByte {
                    byte: b'a',
                    position: 2,
                },
            ),
            (
                b"**",
                UnexpectedByte {
                    byte: b'*',
                    position: 1,
                },
            ),
            (
                b"-1",
                UnexpectedByte {
                    byte: b'-',
                    position: 0,
                },
            ),
            (
                b"$",
                UnexpectedByte {
                    byte: b'$',
                    position: 0,
                },
            ),
            (
                b"1\xff",
                UnexpectedByte {
                    byte: 0xff,
                    position: 1,
                },
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                SequenceSet::parse(input),
                Err(*want),
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn parse_prefix_stops_at_delimiters() {
        let (s, n) = SequenceSet::parse_prefix(b"1:3 FLAGS").unwrap();
        assert_eq!((s.to_string().as_str(), n), ("1:3", 3));
        let (s, n) = SequenceSet::parse_prefix(b"4,*)").unwrap();
        assert_eq!((s.to_string().as_str(), n), ("4,*", 3));
        let (_, n) = SequenceSet::parse_prefix(b"4]").unwrap();
        assert_eq!(n, 1);
        assert_eq!(
            SequenceSet::parse_prefix(b"1, 2"),
            Err(SeqError::UnexpectedByte {
                byte: b' ',
                position: 2
            })
        );
        assert!(SequenceSet::parse_prefix(b" 1").is_err());
    }

    #[test]
    fn constructors() {
        assert_eq!(SequenceSet::single(5).unwrap().to_string(), "5");
        assert_eq!(SequenceSet::range(7, 3).unwrap().to_string(), "3:7");
        assert_eq!(SequenceSet::range(0, 3), Err(SeqError::ZeroNumber));
        assert_eq!(SequenceSet::range(3, 0), Err(SeqError::ZeroNumber));
        assert_eq!(SequenceSet::single(0), Err(SeqError::ZeroNumber));
        assert_eq!(SequenceSet::all().to_string(), "1:*");
        assert_eq!(SequenceSet::all(), set("1:*"));
        assert_eq!(SequenceSet::default(), SequenceSet::new());
        assert!(SequenceSet::new().is_normalized());
        assert_eq!(SequenceSet::new().len(u32::MAX), 0);
        assert_eq!(SequenceSet::new().iter(10).count(), 0);
        assert!(!SequenceSet::new().contains(1, 10));
    }

    #[test]
    fn from_iter_compresses_runs() {
        let s: SequenceSet = [1, 2, 3, 5, 6, 7, 10, 4].into_iter().collect();
        assert_eq!(s.display_as_given().to_string(), "1:3,5:7,10,4");
        assert_eq!(s.to_string(), "1:7,10");
        assert!(!s.is_normalized());
        let s: SequenceSet = (1..=1_000_000).collect();
        assert_eq!(s.ranges().len(), 1);
        assert!(s.is_normalized());
        let s: SequenceSet = [0, 0].into_iter().collect();
        assert!(s.is_empty());
        let s: SequenceSet = [u32::MAX - 1, u32::MAX, 1].into_iter().collect();
        assert_eq!(s.display_as_given().to_string(), "4294967294:4294967295,1");
        let s: SequenceSet = [3, 3, 3].into_iter().collect();
        assert_eq!(s.display_as_given().to_string(), "3,3,3");
        assert_eq!(s.to_string(), "3");
        assert_eq!(s.iter(10).collect::<Vec<_>>(), [3, 3, 3]);
        assert_eq!(s.len(10), 1);
    }

    #[test]
    fn normalized_flag_is_exact() {
        let mut s = SequenceSet::new();
        s.push(SeqRange::single(SeqNum::new(1).unwrap()));
        assert!(s.is_normalized());
        s.push(SeqRange::single(SeqNum::new(3).unwrap()));
        assert!(s.is_normalized());
        s.insert(4).unwrap();
        assert!(s.is_normalized());
        assert_eq!(s, set("1,3:4"));
        s.push(SeqRange::single(SeqNum::Star));
        assert!(s.is_normalized());
        assert_eq!(s, set("1,3:4,*"));
        s.insert(9).unwrap();
        assert!(!s.is_normalized());
        s.normalize();
        assert_eq!(s, set("1,3:4,9,*"));
        // Adjacent is not normalized.
        assert!(!set("1,2").is_normalized());
        assert!(!set("4294967295,*").is_normalized());
        // Unordered pub fields are ordered on push.
        let mut s = SequenceSet::new();
        s.push(SeqRange {
            start: SeqNum::Star,
            end: SeqNum::new(2).unwrap(),
        });
        assert_eq!(s.ranges()[0].start, SeqNum::new(2).unwrap());
        assert!(s.is_normalized());
    }

    #[test]
    fn star_semantics() {
        let s = set("5:*");
        assert_eq!(s.iter(7).collect::<Vec<_>>(), [5, 6, 7]);
        assert_eq!(s.iter(3).collect::<Vec<_>>(), [3]);
        assert_eq!(s.iter(0).count(), 0);
        assert!(s.contains(3, 3));
        assert!(!s.contains(4, 3));
        assert_eq!(s.len(3), 1);
        let s = set("*");
        assert_eq!(s.iter(9).collect::<Vec<_>>(), [9]);
        assert!(s.contains(9, 9));
        assert!(!s.contains(8, 9));
        // Normalized star range overlapping earlier items when largest is small.
        let s = set("1:3,10:*");
        assert!(s.is_normalized());
        assert_eq!(s.iter(2).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(s.len(2), 2);
        assert!(s.contains(2, 2));
        assert_eq!(s.iter(12).collect::<Vec<_>>(), [1, 2, 3, 10, 11, 12]);
        assert!(s.contains(11, 12));
        assert!(!s.contains(5, 12));
        // Raw sets keep duplicates in iteration but not in len.
        let s = set("*,2");
        assert!(!s.is_normalized());
        assert_eq!(s.iter(2).collect::<Vec<_>>(), [2, 2]);
        assert_eq!(s.len(2), 1);
        // The same items in normalized order: each number once.
        let s = set("2,*");
        assert!(s.is_normalized());
        assert_eq!(s.iter(2).collect::<Vec<_>>(), [2]);
        assert_eq!(s.len(2), 1);
    }

    #[test]
    fn huge_ranges_are_lazy() {
        let s = set("1:*");
        assert_eq!(s.len(u32::MAX), u64::from(u32::MAX));
        let mut it = s.iter(u32::MAX);
        assert_eq!(it.next(), Some(1));
        assert_eq!(
            it.size_hint(),
            (
                usize::try_from(u32::MAX - 1).unwrap(),
                Some(usize::try_from(u32::MAX - 1).unwrap())
            )
        );
        assert!(s.contains(u32::MAX, u32::MAX));
        let s = set("4294967294:*");
        assert_eq!(
            s.iter(u32::MAX).collect::<Vec<_>>(),
            [u32::MAX - 1, u32::MAX]
        );
        let s = set("4294967295");
        assert_eq!(s.iter(u32::MAX).collect::<Vec<_>>(), [u32::MAX]);
        assert_eq!(s.len(u32::MAX), 1);
    }

    #[test]
    fn normalization_is_fast() {
        // 200k items in reverse order: must be O(n log n), not quadratic.
        let s: SequenceSet = (1..=200_000u32).rev().map(|n| n * 2).collect();
        assert_eq!(s.ranges().len(), 200_000);
        let n = s.normalized();
        assert_eq!(n.ranges().len(), 200_000);
        assert!(n.contains(400_000, u32::MAX));
        assert!(!n.contains(399_999, u32::MAX));
        let text = s.to_string();
        assert!(text.starts_with("2,4,6,"));
        assert_eq!(SequenceSet::parse(text.as_bytes()).unwrap(), n);
    }

    #[test]
    fn seqnum_and_range_basics() {
        assert_eq!(SeqNum::new(0), None);
        assert_eq!(SeqNum::try_from(0), Err(SeqError::ZeroNumber));
        assert!(SeqNum::new(u32::MAX).unwrap() < SeqNum::Star);
        assert_eq!(SeqNum::Star.value(), None);
        assert_eq!(SeqNum::from_key(STAR_KEY), SeqNum::Star);
        assert_eq!(SeqNum::from_key(7), SeqNum::new(7).unwrap());
        let r = SeqRange::new(SeqNum::new(9).unwrap(), SeqNum::new(3).unwrap());
        assert_eq!(r.to_string(), "3:9");
        assert_eq!(r.len(5), 3);
        assert_eq!(r.to_range(2), None);
        let raw = SeqRange {
            start: SeqNum::new(9).unwrap(),
            end: SeqNum::new(3).unwrap(),
        };
        assert!(raw.contains(4, 10));
        assert_eq!(raw.to_range(10), Some(3..=9));
    }

    /// Reference model: the numbers of one raw item, in order.
    fn model_item(a: SeqNum, b: SeqNum, largest: u32) -> Vec<u32> {
        let (x, y) = (a.resolve(largest), b.resolve(largest));
        (x.min(y)..=x.max(y))
            .filter(|n| *n >= 1 && *n <= largest)
            .collect()
    }

    /// Items as (a, b) pairs with numbers in `base+1 ..= base+60`, plus a `largest` near them.
    fn items() -> impl Strategy<Value = (Vec<(SeqNum, SeqNum)>, u32)> {
        prop_oneof![Just(0u32), Just(u32::MAX - 60)].prop_flat_map(|base| {
            let num = prop_oneof![
                8 => (1u32..=60).prop_map(move |k| SeqNum::new(base + k).unwrap()),
                1 => Just(SeqNum::Star),
            ];
            let item =
                (num.clone(), proptest::option::of(num)).prop_map(|(a, b)| (a, b.unwrap_or(a)));
            (
                proptest::collection::vec(item, 1..12),
                (0u32..=60).prop_map(move |k| base + k),
            )
        })
    }

    fn render(items: &[(SeqNum, SeqNum)]) -> String {
        items
            .iter()
            .map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}:{b}")
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    proptest! {
        #[test]
        fn display_parse_roundtrip((items, _largest) in items()) {
            let s = SequenceSet::parse(render(&items).as_bytes()).unwrap();
            let shown = s.to_string();
            let reparsed = SequenceSet::parse(shown.as_bytes()).unwrap();
            prop_assert!(reparsed.is_normalized());
            prop_assert_eq!(&reparsed, &s.normalized());
            prop_assert_eq!(reparsed.to_string(), shown);
            prop_assert_eq!(s.display_as_given().to_string().parse::<SequenceSet>().unwrap(), s);
        }

        #[test]
        fn matches_reference_model((items, largest) in items()) {
            let s = SequenceSet::parse(render(&items).as_bytes()).unwrap();
            let raw: Vec<u32> = items
                .iter()
                .flat_map(|(a, b)| model_item(*a, *b, largest))
                .collect();
            let mut want = raw.clone();
            want.sort_unstable();
            want.dedup();
            let given = if s.is_normalized() { want.clone() } else { raw };
            prop_assert_eq!(s.iter(largest).collect::<Vec<_>>(), given);

            let n = s.normalized();
            prop_assert_eq!(n.iter(largest).collect::<Vec<_>>(), want.clone());
            prop_assert_eq!(s.len(largest), want.len() as u64);
            prop_assert_eq!(n.len(largest), want.len() as u64);

            let lo = largest.saturating_sub(70);
            for k in lo..=largest.saturating_add(5) {
                let member = want.binary_search(&k).is_ok();
                prop_assert_eq!(s.contains(k, largest), member, "raw contains {}", k);
                prop_assert_eq!(n.contains(k, largest), member, "normalized contains {}", k);
            }
        }

        #[test]
        fn from_iter_matches_model(nums in proptest::collection::vec(0u32..50, 0..40)) {
            let s: SequenceSet = nums.iter().copied().collect();
            let given: Vec<u32> = nums.iter().copied().filter(|n| *n != 0).collect();
            prop_assert_eq!(s.iter(u32::MAX).collect::<Vec<_>>(), given.clone());
            let mut want = given;
            want.sort_unstable();
            want.dedup();
            prop_assert_eq!(s.normalized().iter(u32::MAX).collect::<Vec<_>>(), want);
        }

        #[test]
        fn parse_never_panics(input in proptest::collection::vec(any::<u8>(), 0..32)) {
            if let Ok(s) = SequenceSet::parse(&input) {
                prop_assert!(!s.is_empty());
                let _ = s.to_string();
            }
            let _ = SequenceSet::parse_prefix(&input);
        }

        #[test]
        fn parse_never_panics_near_sets(input in "[0-9*:,]{0,24}") {
            if let Ok(s) = SequenceSet::parse(input.as_bytes()) {
                let again = SequenceSet::parse(s.to_string().as_bytes()).unwrap();
                prop_assert_eq!(again, s.normalized());
            }
        }
    }
}
