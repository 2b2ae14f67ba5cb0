//! IMAP `date-time` values: the `INTERNALDATE` of a message (RFC 3501 section 9, RFC 9051
//! section 9), as in `"17-Jul-1996 02:44:25 -0700"`.
//!
//! [`InternalDate`] parses what real servers send (leniently), prints exactly what the
//! protocol requires, and converts to and from Unix time with plain integer arithmetic (no
//! time-zone database, no system calls besides [`SystemTime`] when you ask for it).
//!
//! The imaplib helpers map as follows:
//!
//! | imaplib | here |
//! | --- | --- |
//! | `Internaldate2tuple(resp)` | [`internaldate_to_tuple`] (returns the date with its own offset, not local time) |
//! | `Time2Internaldate(t)` | [`time_to_internaldate`] / [`InternalDate::to_quoted`] |
//!
//! ```
//! use imap4_proto::date::InternalDate;
//!
//! let d = InternalDate::parse(b"\"17-Jul-1996 02:44:25 -0700\"")?;
//! assert_eq!((d.year, d.month, d.day), (1996, 7, 17));
//! assert_eq!(d.offset_minutes, -420);
//! assert_eq!(d.to_unix(), 837_596_665);
//! assert_eq!(d.to_string(), "17-Jul-1996 02:44:25 -0700");
//! # Ok::<(), imap4_proto::date::DateError>(())
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

/// English three-letter month names, as IMAP uses them (index 0 is January).
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Largest accepted zone offset in minutes (23:59).
const MAX_OFFSET_MINUTES: i16 = 23 * 60 + 59;

const SECS_PER_DAY: i64 = 86_400;

/// One field of a `date-time`, named in [`DateError`]s.
///
/// ```
/// use imap4_proto::date::{DateError, DateField, InternalDate};
///
/// let err = InternalDate::parse(b"17-Jul-1996 24:00:00 +0000").unwrap_err();
/// assert_eq!(err, DateError::OutOfRange { field: DateField::Hour, value: 24 });
/// assert_eq!(DateField::Hour.to_string(), "hour");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DateField {
    /// The day of the month.
    Day,
    /// The month name (or number, when out of range).
    Month,
    /// The four-digit year.
    Year,
    /// The hour (00-23).
    Hour,
    /// The minute (00-59).
    Minute,
    /// The second (00-60, 60 being a leap second).
    Second,
    /// The time zone (`+HHMM`, `-HHMM`, `GMT`, `UT`, `UTC` or `Z`).
    Zone,
}

impl fmt::Display for DateField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateField::Day => "day",
            DateField::Month => "month",
            DateField::Year => "year",
            DateField::Hour => "hour",
            DateField::Minute => "minute",
            DateField::Second => "second",
            DateField::Zone => "zone",
        })
    }
}

/// Why a `date-time` was rejected by [`InternalDate::parse`] or [`InternalDate::new`].
///
/// ```
/// use imap4_proto::date::{DateError, DateField, InternalDate};
///
/// assert_eq!(
///     InternalDate::parse(b"29-Feb-2023 00:00:00 +0000"),
///     Err(DateError::NoSuchDay { year: 2023, month: 2, day: 29 })
/// );
/// assert_eq!(
///     InternalDate::parse(b"1-Foo-2023 00:00:00"),
///     Err(DateError::UnknownMonth)
/// );
/// assert_eq!(
///     InternalDate::parse(b"1-Jan-2023 00:00:00 +2400"),
///     Err(DateError::OutOfRange { field: DateField::Zone, value: 2400 })
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// The input was empty (or only spaces and quotes).
    #[error("empty date-time")]
    Empty,
    /// The input started with a double quote but did not end with one, or the other way round.
    #[error("unbalanced double quote around date-time")]
    UnbalancedQuote,
    /// A field was missing or malformed (wrong number of digits, missing separator, ...).
    #[error("malformed {field} in date-time")]
    Syntax {
        /// The field that could not be read.
        field: DateField,
    },
    /// The month name is not one of `Jan` ... `Dec` (in any case).
    #[error("unknown month name in date-time")]
    UnknownMonth,
    /// A field was syntactically fine but its value is out of range.
    ///
    /// For [`DateField::Zone`] the value is the four digits as a number (`+2400` -> `2400`),
    /// or the offset in minutes when it came from [`InternalDate::new`].
    #[error("{field} {value} out of range in date-time")]
    OutOfRange {
        /// The offending field.
        field: DateField,
        /// Its value.
        value: u32,
    },
    /// The day does not exist in that month (day 0, 31-Apr, 29-Feb in a common year, ...).
    #[error("day {day} does not exist in month {month} of year {year}")]
    NoSuchDay {
        /// The year.
        year: u16,
        /// The month (1-12).
        month: u8,
        /// The day.
        day: u8,
    },
    /// Something other than spaces followed the zone.
    #[error("unexpected data after date-time")]
    TrailingData,
}

/// An IMAP `date-time` (the `INTERNALDATE` of a message): a calendar date, a wall-clock time
/// and the offset of that wall clock from UTC.
///
/// Values built by [`parse`](InternalDate::parse), [`new`](InternalDate::new),
/// [`from_unix`](InternalDate::from_unix) and
/// [`from_system_time`](InternalDate::from_system_time) are always valid. The fields are
/// public, so a value assembled by hand may be out of range; [`validate`](InternalDate::validate)
/// checks it, and the other methods never panic on such values (their output is then
/// unspecified).
///
/// The derived `PartialEq` compares fields: the same instant written with two different
/// offsets compares unequal; compare [`to_unix`](InternalDate::to_unix) for instants.
///
/// ```
/// use imap4_proto::date::InternalDate;
///
/// let d = InternalDate::new(2022, 6, 2, 3, 4, 5, 330)?;
/// assert_eq!(d.to_string(), "02-Jun-2022 03:04:05 +0530");
/// assert_eq!(d.to_quoted(), "\"02-Jun-2022 03:04:05 +0530\"");
/// # Ok::<(), imap4_proto::date::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InternalDate {
    /// The year, 0-9999.
    pub year: u16,
    /// The month, 1-12.
    pub month: u8,
    /// The day of the month, 1-31.
    pub day: u8,
    /// The hour, 0-23.
    pub hour: u8,
    /// The minute, 0-59.
    pub minute: u8,
    /// The second, 0-60 (60 for a leap second).
    pub second: u8,
    /// The offset of the wall clock from UTC in minutes, positive east of Greenwich
    /// (`+0200` is `120`, `-0700` is `-420`); at most 23:59 either way.
    pub offset_minutes: i16,
}

impl InternalDate {
    /// Builds a date from its parts, checking every range (including the number of days in
    /// the month, leap years included).
    ///
    /// ```
    /// use imap4_proto::date::{DateError, InternalDate};
    ///
    /// assert!(InternalDate::new(2024, 2, 29, 12, 0, 0, 0).is_ok());
    /// assert_eq!(
    ///     InternalDate::new(2023, 2, 29, 12, 0, 0, 0),
    ///     Err(DateError::NoSuchDay { year: 2023, month: 2, day: 29 })
    /// );
    /// ```
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        offset_minutes: i16,
    ) -> Result<InternalDate, DateError> {
        let d = InternalDate {
            year,
            month,
            day,
            hour,
            minute,
            second,
            offset_minutes,
        };
        d.validate()?;
        Ok(d)
    }

    /// Checks that every field is in range.
    ///
    /// ```
    /// use imap4_proto::date::{DateError, DateField, InternalDate};
    ///
    /// let mut d = InternalDate::new(2000, 1, 1, 0, 0, 0, 0)?;
    /// assert_eq!(d.validate(), Ok(()));
    /// d.minute = 60;
    /// assert_eq!(d.validate(), Err(DateError::OutOfRange { field: DateField::Minute, value: 60 }));
    /// # Ok::<(), DateError>(())
    /// ```
    pub fn validate(&self) -> Result<(), DateError> {
        if self.year > 9999 {
            return Err(DateError::OutOfRange {
                field: DateField::Year,
                value: u32::from(self.year),
            });
        }
        if !(1..=12).contains(&self.month) {
            return Err(DateError::OutOfRange {
                field: DateField::Month,
                value: u32::from(self.month),
            });
        }
        if self.day == 0 || self.day > days_in_month(self.year, self.month) {
            return Err(DateError::NoSuchDay {
                year: self.year,
                month: self.month,
                day: self.day,
            });
        }
        let checks = [
            (DateField::Hour, self.hour, 23),
            (DateField::Minute, self.minute, 59),
            (DateField::Second, self.second, 60),
        ];
        for (field, value, max) in checks {
            if value > max {
                return Err(DateError::OutOfRange {
                    field,
                    value: u32::from(value),
                });
            }
        }
        if self.offset_minutes.unsigned_abs() > MAX_OFFSET_MINUTES.unsigned_abs() {
            return Err(DateError::OutOfRange {
                field: DateField::Zone,
                value: u32::from(self.offset_minutes.unsigned_abs()),
            });
        }
        Ok(())
    }

    /// Parses an IMAP `date-time`, with or without its surrounding double quotes.
    ///
    /// Accepted, beyond the strict RFC 3501 grammar (`"DD-Mmm-YYYY HH:MM:SS +HHMM"`):
    ///
    /// * the day as one digit, two digits or space-padded (`" 2-Jun-2022 ..."`, as Cyrus sends);
    /// * the month name in any case (`jun`, `JUN`);
    /// * one or two digits for hour, minute and second;
    /// * several spaces (or tabs) where one is expected, and around the whole value;
    /// * a missing zone (taken as `+0000`), and the zones `GMT`, `UT`, `UTC` and `Z` (any case).
    ///
    /// Rejected, with a [`DateError`] naming the field: month 13, hour 24, minute 60,
    /// second 61 (60 is accepted for leap seconds), zone beyond 23:59, a day that does not
    /// exist in that month (leap years included), anything after the zone.
    ///
    /// ```
    /// use imap4_proto::date::InternalDate;
    ///
    /// let strict = InternalDate::parse(b"\"02-Jun-2022 03:04:05 +0000\"")?;
    /// let cyrus = InternalDate::parse(b"\" 2-Jun-2022 03:04:05 +0000\"")?;
    /// let sloppy = InternalDate::parse(b"2-JUN-2022  3:04:05 GMT")?;
    /// assert_eq!(strict, cyrus);
    /// assert_eq!(strict, sloppy);
    /// assert!(InternalDate::parse(b"31-Jun-2022 03:04:05 +0000").is_err());
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn parse(input: &[u8]) -> Result<InternalDate, DateError> {
        let input = trim_ws(input);
        let input = match input {
            [b'"', inner @ .., b'"'] => inner,
            [b'"', ..] | [.., b'"'] => return Err(DateError::UnbalancedQuote),
            _ => input,
        };
        let input = trim_ws(input);
        if input.is_empty() {
            return Err(DateError::Empty);
        }
        let mut c = Cursor { input, pos: 0 };

        let day = c.number(1, 2).ok_or(DateError::Syntax {
            field: DateField::Day,
        })?;
        c.expect(b'-', DateField::Month)?;
        let month = c.month()?;
        c.expect(b'-', DateField::Year)?;
        let year = c.number(4, 4).ok_or(DateError::Syntax {
            field: DateField::Year,
        })?;
        c.spaces(DateField::Hour)?;
        let hour = c.number(1, 2).ok_or(DateError::Syntax {
            field: DateField::Hour,
        })?;
        c.expect(b':', DateField::Minute)?;
        let minute = c.number(1, 2).ok_or(DateError::Syntax {
            field: DateField::Minute,
        })?;
        c.expect(b':', DateField::Second)?;
        let second = c.number(1, 2).ok_or(DateError::Syntax {
            field: DateField::Second,
        })?;
        let offset_minutes = if c.at_end() {
            0
        } else {
            c.spaces(DateField::Zone)?;
            c.zone()?
        };
        if !c.at_end() {
            return Err(DateError::TrailingData);
        }

        // Every number below has at most four digits, so the conversions cannot fail.
        let d = InternalDate {
            year: u16::try_from(year).unwrap_or(u16::MAX),
            month,
            day: u8::try_from(day).unwrap_or(u8::MAX),
            hour: u8::try_from(hour).unwrap_or(u8::MAX),
            minute: u8::try_from(minute).unwrap_or(u8::MAX),
            second: u8::try_from(second).unwrap_or(u8::MAX),
            offset_minutes,
        };
        d.validate()?;
        Ok(d)
    }

    /// The date as the quoted string IMAP commands use (`APPEND ... "date-time"`), which is
    /// what imaplib's `Time2Internaldate` returns.
    ///
    /// ```
    /// use imap4_proto::date::InternalDate;
    ///
    /// let d = InternalDate::new(1969, 12, 31, 23, 59, 59, -480)?;
    /// assert_eq!(d.to_quoted(), "\"31-Dec-1969 23:59:59 -0800\"");
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    #[doc(alias = "Time2Internaldate")]
    pub fn to_quoted(&self) -> String {
        format!("\"{self}\"")
    }

    /// Seconds since the Unix epoch (1970-01-01T00:00:00Z) of this instant, taking the
    /// offset into account. A leap second (`:60`) counts as the first second of the next
    /// minute.
    ///
    /// ```
    /// use imap4_proto::date::InternalDate;
    ///
    /// let d = InternalDate::parse(b"01-Jan-1970 01:00:00 +0100")?;
    /// assert_eq!(d.to_unix(), 0);
    /// let d = InternalDate::parse(b"29-Feb-2000 00:00:00 +0000")?;
    /// assert_eq!(d.to_unix(), 951_782_400);
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    pub fn to_unix(&self) -> i64 {
        let days = days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        days * SECS_PER_DAY
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(self.offset_minutes) * 60
    }

    /// The wall-clock date and time of the Unix time `secs` in the zone `offset_minutes`
    /// east of UTC.
    ///
    /// Returns `None` when the offset is beyond ±23:59 or the resulting year is outside
    /// 0..=9999.
    ///
    /// ```
    /// use imap4_proto::date::InternalDate;
    ///
    /// let d = InternalDate::from_unix(837_596_665, -420).unwrap();
    /// assert_eq!(d.to_string(), "17-Jul-1996 02:44:25 -0700");
    /// assert_eq!(InternalDate::from_unix(i64::MAX, 0), None);
    /// ```
    pub fn from_unix(secs: i64, offset_minutes: i16) -> Option<InternalDate> {
        if offset_minutes.unsigned_abs() > MAX_OFFSET_MINUTES.unsigned_abs() {
            return None;
        }
        let local = secs.checked_add(i64::from(offset_minutes) * 60)?;
        let days = local.div_euclid(SECS_PER_DAY);
        let rem = local.rem_euclid(SECS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let year = u16::try_from(year).ok().filter(|y| *y <= 9999)?;
        Some(InternalDate {
            year,
            month,
            day,
            hour: u8::try_from(rem / 3600).ok()?,
            minute: u8::try_from(rem % 3600 / 60).ok()?,
            second: u8::try_from(rem % 60).ok()?,
            offset_minutes,
        })
    }

    /// The given system time in UTC (offset `+0000`), truncated to whole seconds.
    ///
    /// Times before year 0 or after year 9999 are clamped to
    /// `01-Jan-0000 00:00:00 +0000` and `31-Dec-9999 23:59:59 +0000`.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use imap4_proto::date::InternalDate;
    ///
    /// let t = SystemTime::UNIX_EPOCH + Duration::from_secs(837_621_865);
    /// let d = InternalDate::from_system_time(t);
    /// assert_eq!(d.to_string(), "17-Jul-1996 16:44:25 +0000");
    /// ```
    pub fn from_system_time(time: SystemTime) -> InternalDate {
        let secs = match time.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => {
                // Before the epoch: round towards negative infinity.
                let d = e.duration();
                let whole = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                let extra = i64::from(d.subsec_nanos() > 0);
                whole.saturating_add(extra).saturating_neg()
            }
        };
        let clamped = secs.clamp(MIN_UNIX, MAX_UNIX);
        InternalDate::from_unix(clamped, 0).unwrap_or(InternalDate {
            year: 1970,
            month: 1,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
            offset_minutes: 0,
        })
    }

    /// The current time in UTC.
    ///
    /// ```
    /// use imap4_proto::date::InternalDate;
    ///
    /// let now = InternalDate::now();
    /// assert!(now.year >= 2024);
    /// assert_eq!(now.offset_minutes, 0);
    /// ```
    pub fn now() -> InternalDate {
        InternalDate::from_system_time(SystemTime::now())
    }
}

/// `0000-01-01T00:00:00Z` in Unix seconds.
const MIN_UNIX: i64 = -62_167_219_200;
/// `9999-12-31T23:59:59Z` in Unix seconds.
const MAX_UNIX: i64 = 253_402_300_799;

impl fmt::Display for InternalDate {
    /// Writes `DD-Mmm-YYYY HH:MM:SS +HHMM` (no quotes), the form of RFC 3501 `date-time`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let month = usize::from(self.month)
            .checked_sub(1)
            .and_then(|i| MONTHS.get(i))
            .copied()
            .unwrap_or("???");
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let off = self.offset_minutes.unsigned_abs();
        write!(
            f,
            "{:02}-{}-{:04} {:02}:{:02}:{:02} {}{:02}{:02}",
            self.day,
            month,
            self.year,
            self.hour,
            self.minute,
            self.second,
            sign,
            off / 60,
            off % 60
        )
    }
}

impl FromStr for InternalDate {
    type Err = DateError;

    /// Same as [`InternalDate::parse`].
    ///
    /// ```
    /// use imap4_proto::date::InternalDate;
    ///
    /// let d: InternalDate = "17-Jul-1996 02:44:25 -0700".parse()?;
    /// assert_eq!(d.hour, 2);
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InternalDate::parse(s.as_bytes())
    }
}

impl From<SystemTime> for InternalDate {
    /// Same as [`InternalDate::from_system_time`] (UTC).
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use imap4_proto::date::InternalDate;
    ///
    /// let d = InternalDate::from(SystemTime::UNIX_EPOCH);
    /// assert_eq!(d.to_string(), "01-Jan-1970 00:00:00 +0000");
    /// ```
    fn from(time: SystemTime) -> Self {
        InternalDate::from_system_time(time)
    }
}

impl From<InternalDate> for SystemTime {
    /// The instant the date stands for (leap seconds count as the next second).
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use imap4_proto::date::InternalDate;
    ///
    /// let d = InternalDate::parse(b"01-Jan-1970 00:01:00 +0000")?;
    /// assert_eq!(SystemTime::from(d), SystemTime::UNIX_EPOCH + Duration::from_secs(60));
    /// # Ok::<(), imap4_proto::date::DateError>(())
    /// ```
    fn from(date: InternalDate) -> Self {
        let secs = date.to_unix();
        let magnitude = std::time::Duration::from_secs(secs.unsigned_abs());
        let t = if secs >= 0 {
            UNIX_EPOCH.checked_add(magnitude)
        } else {
            UNIX_EPOCH.checked_sub(magnitude)
        };
        t.unwrap_or(UNIX_EPOCH)
    }
}

/// Finds `INTERNALDATE "..."` in a FETCH response line and parses the date, like imaplib's
/// `Internaldate2tuple`.
///
/// Unlike imaplib, which converts to local time, this returns the date as the server wrote
/// it, offset included; use [`InternalDate::to_unix`] or `SystemTime::from` for the instant.
/// Returns `None` when there is no `INTERNALDATE` item or its value does not parse (the
/// value is parsed with the lenient [`InternalDate::parse`]).
///
/// ```
/// use imap4_proto::date::internaldate_to_tuple;
///
/// let line = b"* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\")";
/// let d = internaldate_to_tuple(line).unwrap();
/// assert_eq!((d.year, d.month, d.day, d.offset_minutes), (1996, 7, 17, -420));
/// assert!(internaldate_to_tuple(b"* 12 FETCH (FLAGS (\\Seen))").is_none());
/// ```
#[doc(alias = "Internaldate2tuple")]
pub fn internaldate_to_tuple(resp: &[u8]) -> Option<InternalDate> {
    const KEY: &[u8] = b"INTERNALDATE";
    let mut from = 0;
    while let Some(rest) = resp.get(from..) {
        let at = rest
            .windows(KEY.len())
            .position(|w| w.eq_ignore_ascii_case(KEY))?;
        let start = from + at;
        let end = start + KEY.len();
        from = end;
        let before = start.checked_sub(1).and_then(|i| resp.get(i));
        let boundary = matches!(before, None | Some(b' ' | b'('));
        if !boundary {
            continue;
        }
        let after = resp.get(end..)?;
        let value = trim_ws_start(after);
        if value.len() == after.len() {
            continue; // no space after the keyword
        }
        let Some(inner) = value.strip_prefix(b"\"") else {
            continue;
        };
        let Some(close) = memchr::memchr(b'"', inner) else {
            continue;
        };
        if let Ok(d) = InternalDate::parse(inner.get(..close)?) {
            return Some(d);
        }
    }
    None
}

/// The quoted IMAP `date-time` of a date or a [`SystemTime`] (UTC), like imaplib's
/// `Time2Internaldate`: `"DD-Mmm-YYYY HH:MM:SS +HHMM"` with the quotes, ready for `APPEND`.
///
/// Anything that converts into an [`InternalDate`] is accepted: an `InternalDate` itself
/// (keeping its offset) or a `SystemTime`.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use imap4_proto::date::{time_to_internaldate, InternalDate};
///
/// let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_654_139_045);
/// assert_eq!(time_to_internaldate(t), "\"02-Jun-2022 03:04:05 +0000\"");
///
/// let d = InternalDate::new(2022, 6, 2, 8, 34, 5, 330)?;
/// assert_eq!(time_to_internaldate(d), "\"02-Jun-2022 08:34:05 +0530\"");
/// # Ok::<(), imap4_proto::date::DateError>(())
/// ```
#[doc(alias = "Time2Internaldate")]
pub fn time_to_internaldate(t: impl Into<InternalDate>) -> String {
    t.into().to_quoted()
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
fn is_leap(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1-12) of `year`; 0 for an invalid month.
fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
///
/// Works on years starting in March, so that the leap day is the last day of the
/// (shifted) year; a 400-year cycle has 146097 days. Never overflows for the small inputs
/// the `u8`/`u16` fields allow (invalid months give meaningless but finite results).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Shift so that the year starts on March 1st.
    let y = if month <= 2 { year - 1 } else { year };
    let cycle = y.div_euclid(400);
    // 0..=399
    let year_of_cycle = y.rem_euclid(400);
    // March = 0 ... February = 11
    let shifted_month = (month + 9).rem_euclid(12);
    // Days from March 1st to the first of the shifted month: months alternate 31/30 days
    // with a period of five months (153 days).
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_cycle = year_of_cycle * 365 + year_of_cycle / 4 - year_of_cycle / 100 + day_of_year;
    // 719468 = days from 0000-03-01 to 1970-01-01.
    cycle * 146_097 + day_of_cycle - 719_468
}

/// The proleptic Gregorian date (year, month 1-12, day 1-31) of a day number counted from
/// 1970-01-01: the inverse of [`days_from_civil`]. Requires `|days|` well below `i64::MAX`
/// (guaranteed: callers divide seconds by 86400 first).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let cycle = z.div_euclid(146_097);
    // 0..=146096
    let day_of_cycle = z.rem_euclid(146_097);
    // 0..=399: remove the leap days (one every 1460 days, except every 36524, except the
    // last day of the cycle) and divide by 365.
    let year_of_cycle =
        (day_of_cycle - day_of_cycle / 1460 + day_of_cycle / 36_524 - day_of_cycle / 146_096) / 365;
    let day_of_year =
        day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);
    // 0..=11, March = 0
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = cycle * 400 + year_of_cycle + i64::from(month <= 2);
    (
        year,
        u8::try_from(month).unwrap_or(0),
        u8::try_from(day).unwrap_or(0),
    )
}

fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn trim_ws_start(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if !is_ws(*first) {
            break;
        }
        s = rest;
    }
    s
}

fn trim_ws(s: &[u8]) -> &[u8] {
    let mut s = trim_ws_start(s);
    while let [rest @ .., last] = s {
        if !is_ws(*last) {
            break;
        }
        s = rest;
    }
    s
}

/// A tiny reader over the unquoted, trimmed `date-time`.
struct Cursor<'a> {
    input: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.input.len()
    }

    /// Reads `min..=max` decimal digits; `None` if fewer, or if more digits follow.
    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.pos;
        let mut value: u32 = 0;
        while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
            if self.pos - start == max {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
            self.pos += 1;
        }
        (self.pos - start >= min).then_some(value)
    }

    fn expect(&mut self, byte: u8, field: DateField) -> Result<(), DateError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(DateError::Syntax { field })
        }
    }

    /// At least one space or tab (the separator before `field`).
    fn spaces(&mut self, field: DateField) -> Result<(), DateError> {
        let start = self.pos;
        while self.peek().is_some_and(is_ws) {
            self.pos += 1;
        }
        if self.pos == start {
            Err(DateError::Syntax { field })
        } else {
            Ok(())
        }
    }

    fn month(&mut self) -> Result<u8, DateError> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        let name = self.input.get(start..self.pos).unwrap_or_default();
        if name.is_empty() {
            return Err(DateError::Syntax {
                field: DateField::Month,
            });
        }
        MONTHS
            .iter()
            .position(|m| m.as_bytes().eq_ignore_ascii_case(name))
            .and_then(|i| u8::try_from(i + 1).ok())
            .ok_or(DateError::UnknownMonth)
    }

    /// `+HHMM`, `-HHMM`, `GMT`, `UT`, `UTC` or `Z`, as minutes east of UTC.
    fn zone(&mut self) -> Result<i16, DateError> {
        let syntax = DateError::Syntax {
            field: DateField::Zone,
        };
        match self.peek() {
            Some(sign @ (b'+' | b'-')) => {
                self.pos += 1;
                let hhmm = self.number(4, 4).ok_or(syntax)?;
                let (hours, minutes) = (hhmm / 100, hhmm % 100);
                if hours > 23 || minutes > 59 {
                    return Err(DateError::OutOfRange {
                        field: DateField::Zone,
                        value: hhmm,
                    });
                }
                let total = i16::try_from(hours * 60 + minutes).map_err(|_| syntax)?;
                Ok(if sign == b'-' { -total } else { total })
            }
            Some(_) => {
                let start = self.pos;
                while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                    self.pos += 1;
                }
                let name = self.input.get(start..self.pos).unwrap_or_default();
                let known = [&b"GMT"[..], b"UT", b"UTC", b"Z"];
                if known.iter().any(|k| k.eq_ignore_ascii_case(name)) {
                    Ok(0)
                } else {
                    Err(syntax)
                }
            }
            None => Err(syntax),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: u16, mo: u8, d: u8, h: u8, mi: u8, s: u8, off: i16) -> InternalDate {
        InternalDate {
            year: y,
            month: mo,
            day: d,
            hour: h,
            minute: mi,
            second: s,
            offset_minutes: off,
        }
    }

    #[test]
    fn parses_rfc_example() {
        let d = InternalDate::parse(b"\"17-Jul-1996 02:44:25 -0700\"").unwrap();
        assert_eq!(d, date(1996, 7, 17, 2, 44, 25, -420));
        assert_eq!(d.to_unix(), 837_596_665);
        assert_eq!(d.to_string(), "17-Jul-1996 02:44:25 -0700");
        assert_eq!(d.to_quoted(), "\"17-Jul-1996 02:44:25 -0700\"");
    }

    #[test]
    fn lenient_forms() {
        let want = date(2022, 6, 2, 3, 4, 5, 0);
        let inputs: &[&[u8]] = &[
            b"02-Jun-2022 03:04:05 +0000",
            b" 2-Jun-2022 03:04:05 +0000",
            b"\" 2-Jun-2022 03:04:05 +0000\"",
            b"2-Jun-2022 03:04:05 +0000",
            b"2-jun-2022 03:04:05 +0000",
            b"2-JUN-2022 3:4:5 -0000",
            b"02-Jun-2022   03:04:05    +0000  ",
            b"02-Jun-2022\t03:04:05\t+0000",
            b"02-Jun-2022 03:04:05",
            b"\"02-Jun-2022 03:04:05\"",
            b"02-Jun-2022 03:04:05 GMT",
            b"02-Jun-2022 03:04:05 gmt",
            b"02-Jun-2022 03:04:05 UT",
            b"02-Jun-2022 03:04:05 UTC",
            b"02-Jun-2022 03:04:05 Z",
            b"02-Jun-2022 03:04:05 z",
            b"  \"02-Jun-2022 03:04:05 +0000\"  ",
        ];
        for input in inputs {
            assert_eq!(
                InternalDate::parse(input),
                Ok(want),
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn zones() {
        let d = InternalDate::parse(b"01-Jan-2000 00:00:00 +2359").unwrap();
        assert_eq!(d.offset_minutes, 23 * 60 + 59);
        let d = InternalDate::parse(b"01-Jan-2000 00:00:00 -2359").unwrap();
        assert_eq!(d.offset_minutes, -(23 * 60 + 59));
        assert_eq!(d.to_string(), "01-Jan-2000 00:00:00 -2359");
        let d = InternalDate::parse(b"01-Jan-2000 00:00:00 +0530").unwrap();
        assert_eq!(d.offset_minutes, 330);
    }

    #[test]
    fn errors() {
        use DateError::*;
        use DateField::*;
        let cases: &[(&[u8], DateError)] = &[
            (b"", Empty),
            (b"   ", Empty),
            (b"\"\"", Empty),
            (b"\"", UnbalancedQuote),
            (b"\"17-Jul-1996 02:44:25 -0700", UnbalancedQuote),
            (b"17-Jul-1996 02:44:25 -0700\"", UnbalancedQuote),
            (b"17-Jul-1996 02:44:25 -0700 x", TrailingData),
            (b"17-Jul-1996 02:44:25 -0700-", TrailingData),
            (b"x17-Jul-1996 02:44:25", Syntax { field: Day }),
            (b"117-Jul-1996 02:44:25", Syntax { field: Day }),
            (b"17 Jul-1996 02:44:25", Syntax { field: Month }),
            (b"17--1996 02:44:25", Syntax { field: Month }),
            (b"17-Jux-1996 02:44:25", UnknownMonth),
            (b"17-July-1996 02:44:25", UnknownMonth),
            (b"17-Jul 1996 02:44:25", Syntax { field: Year }),
            (b"17-Jul-96 02:44:25", Syntax { field: Year }),
            (b"17-Jul-19960 02:44:25", Syntax { field: Year }),
            (b"17-Jul-1996", Syntax { field: Hour }),
            (b"17-Jul-199602:44:25", Syntax { field: Year }),
            (b"17-Jul-1996 002:44:25", Syntax { field: Hour }),
            (b"17-Jul-1996 02-44:25", Syntax { field: Minute }),
            (b"17-Jul-1996 02:44", Syntax { field: Second }),
            (b"17-Jul-1996 02:44:", Syntax { field: Second }),
            (b"17-Jul-1996 02:44:25+0700", Syntax { field: Zone }),
            (b"17-Jul-1996 02:44:25 0700", Syntax { field: Zone }),
            (b"17-Jul-1996 02:44:25 +070", Syntax { field: Zone }),
            (b"17-Jul-1996 02:44:25 +07000", Syntax { field: Zone }),
            (b"17-Jul-1996 02:44:25 +07:00", Syntax { field: Zone }),
            (b"17-Jul-1996 02:44:25 PDT", Syntax { field: Zone }),
            (b"17-Jul-1996 02:44:25 +", Syntax { field: Zone }),
            (
                b"17-Jul-1996 24:00:00",
                OutOfRange {
                    field: Hour,
                    value: 24,
                },
            ),
            (
                b"17-Jul-1996 23:60:00",
                OutOfRange {
                    field: Minute,
                    value: 60,
                },
            ),
            (
                b"17-Jul-1996 23:59:61",
                OutOfRange {
                    field: Second,
                    value: 61,
                },
            ),
            (
                b"17-Jul-1996 23:59:59 +2400",
                OutOfRange {
                    field: Zone,
                    value: 2400,
                },
            ),
            (
                b"17-Jul-1996 23:59:59 -0060",
                OutOfRange {
                    field: Zone,
                    value: 60,
                },
            ),
            (
                b"00-Jul-1996 02:44:25",
                NoSuchDay {
                    year: 1996,
                    month: 7,
                    day: 0,
                },
            ),
            (
                b"32-Jul-1996 02:44:25",
                NoSuchDay {
                    year: 1996,
                    month: 7,
                    day: 32,
                },
            ),
            (
                b"31-Apr-1996 02:44:25",
                NoSuchDay {
                    year: 1996,
                    month: 4,
                    day: 31,
                },
            ),
            (
                b"29-Feb-1900 02:44:25",
                NoSuchDay {
                    year: 1900,
                    month: 2,
                    day: 29,
                },
            ),
            (
                b"30-Feb-2000 02:44:25",
                NoSuchDay {
                    year: 2000,
                    month: 2,
                    day: 30,
                },
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                InternalDate::parse(input),
                Err(*want),
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn leap_years_and_leap_seconds() {
        assert!(InternalDate::parse(b"29-Feb-2000 00:00:00").is_ok());
        assert!(InternalDate::parse(b"29-Feb-2024 00:00:00").is_ok());
        assert!(InternalDate::parse(b"29-Feb-0000 00:00:00").is_ok());
        assert!(InternalDate::parse(b"29-Feb-2100 00:00:00").is_err());
        let leap = InternalDate::parse(b"31-Dec-2016 23:59:60 +0000").unwrap();
        let next = InternalDate::parse(b"01-Jan-2017 00:00:00 +0000").unwrap();
        assert_eq!(leap.second, 60);
        assert_eq!(leap.to_unix(), next.to_unix());
    }

    #[test]
    fn unix_conversions() {
        assert_eq!(date(1970, 1, 1, 0, 0, 0, 0).to_unix(), 0);
        assert_eq!(date(0, 1, 1, 0, 0, 0, 0).to_unix(), MIN_UNIX);
        assert_eq!(date(1, 1, 1, 0, 0, 0, 0).to_unix(), -62_135_596_800);
        assert_eq!(date(9999, 12, 31, 23, 59, 59, 0).to_unix(), MAX_UNIX);
        assert_eq!(date(1969, 12, 31, 23, 59, 59, 0).to_unix(), -1);
        assert_eq!(
            InternalDate::from_unix(-1, 0),
            Some(date(1969, 12, 31, 23, 59, 59, 0))
        );
        assert_eq!(
            InternalDate::from_unix(-1, -480),
            Some(date(1969, 12, 31, 15, 59, 59, -480))
        );
        assert_eq!(
            InternalDate::from_unix(MIN_UNIX, 0),
            Some(date(0, 1, 1, 0, 0, 0, 0))
        );
        assert_eq!(InternalDate::from_unix(MIN_UNIX - 1, 0), None);
        assert_eq!(InternalDate::from_unix(MIN_UNIX, -1), None);
        assert_eq!(InternalDate::from_unix(MAX_UNIX + 1, 0), None);
        assert_eq!(InternalDate::from_unix(MAX_UNIX, 1), None);
        assert_eq!(InternalDate::from_unix(0, 1440), None);
        assert_eq!(InternalDate::from_unix(0, -1440), None);
        assert_eq!(InternalDate::from_unix(i64::MIN, 0), None);
        assert_eq!(InternalDate::from_unix(i64::MAX, 1439), None);
        assert_eq!(InternalDate::from_unix(i64::MIN, -1439), None);
    }

    #[test]
    fn system_time() {
        use std::time::Duration;
        let d = InternalDate::from_system_time(UNIX_EPOCH - Duration::from_millis(1));
        assert_eq!(d, date(1969, 12, 31, 23, 59, 59, 0));
        let d = InternalDate::from_system_time(UNIX_EPOCH + Duration::from_millis(1999));
        assert_eq!(d, date(1970, 1, 1, 0, 0, 1, 0));
        let far = UNIX_EPOCH.checked_add(Duration::from_secs(1 << 40));
        if let Some(far) = far {
            assert_eq!(
                InternalDate::from_system_time(far),
                date(9999, 12, 31, 23, 59, 59, 0)
            );
        }
        let before = UNIX_EPOCH.checked_sub(Duration::from_secs(1 << 40));
        if let Some(before) = before {
            assert_eq!(
                InternalDate::from_system_time(before),
                date(0, 1, 1, 0, 0, 0, 0)
            );
        }
        let d = date(1996, 7, 17, 2, 44, 25, -420);
        let t = SystemTime::from(d);
        assert_eq!(InternalDate::from(t), date(1996, 7, 17, 9, 44, 25, 0));
        let old = date(1900, 1, 1, 0, 0, 0, 0);
        assert!(SystemTime::from(old).duration_since(UNIX_EPOCH).is_err());
    }

    #[test]
    fn internaldate_in_fetch_line() {
        let line = b"* 1 FETCH (UID 5 INTERNALDATE \" 2-Jun-2022 03:04:05 +0200\" RFC822.SIZE 4)";
        assert_eq!(
            internaldate_to_tuple(line),
            Some(date(2022, 6, 2, 3, 4, 5, 120))
        );
        let line = b"* 1 FETCH (internaldate \"02-Jun-2022 03:04:05 +0200\")";
        assert!(internaldate_to_tuple(line).is_some());
        // Not a word boundary: skipped.
        let line = b"* 1 FETCH (XINTERNALDATE \"02-Jun-2022 03:04:05 +0200\")";
        assert_eq!(internaldate_to_tuple(line), None);
        // First occurrence invalid, a later one valid.
        let line = b"* 1 FETCH (INTERNALDATE NIL INTERNALDATE \"02-Jun-2022 03:04:05 +0200\")";
        assert!(internaldate_to_tuple(line).is_some());
        assert_eq!(internaldate_to_tuple(b"INTERNALDATE"), None);
        assert_eq!(internaldate_to_tuple(b"INTERNALDATE "), None);
        assert_eq!(internaldate_to_tuple(b"INTERNALDATE \""), None);
        assert_eq!(internaldate_to_tuple(b"INTERNALDATE \"garbage\""), None);
        assert_eq!(internaldate_to_tuple(b""), None);
        assert_eq!(
            internaldate_to_tuple(b"INTERNALDATE \"01-Jan-2000 00:00:00 +0000\""),
            Some(date(2000, 1, 1, 0, 0, 0, 0))
        );
    }

    #[test]
    fn time_to_internaldate_matches_imaplib() {
        // Values checked against CPython's imaplib.Time2Internaldate.
        let d = date(2022, 6, 2, 3, 4, 5, 330);
        assert_eq!(time_to_internaldate(d), "\"02-Jun-2022 03:04:05 +0530\"");
        let d = date(1969, 12, 31, 23, 59, 59, -480);
        assert_eq!(time_to_internaldate(d), "\"31-Dec-1969 23:59:59 -0800\"");
        assert_eq!(
            time_to_internaldate(UNIX_EPOCH),
            "\"01-Jan-1970 00:00:00 +0000\""
        );
    }

    #[test]
    fn display_of_invalid_values_does_not_panic() {
        let d = date(65535, 0, 255, 255, 255, 255, i16::MIN);
        let s = d.to_string();
        assert!(s.contains("???"));
        let _ = d.to_unix();
        let _ = SystemTime::from(d);
        let d = date(0, 13, 0, 0, 0, 0, i16::MAX);
        let _ = d.to_string();
        let _ = d.to_unix();
        assert!(d.validate().is_err());
        assert!(date(10000, 1, 1, 0, 0, 0, 0).validate().is_err());
        assert_eq!(
            date(2000, 1, 1, 0, 0, 0, 1440).validate(),
            Err(DateError::OutOfRange {
                field: DateField::Zone,
                value: 1440
            })
        );
    }

    #[test]
    fn error_messages_name_the_field() {
        let e = InternalDate::parse(b"17-Jul-1996 02:60:25").unwrap_err();
        assert_eq!(e.to_string(), "minute 60 out of range in date-time");
        let e = InternalDate::parse(b"17-Jul-1996 02:44:25 +07").unwrap_err();
        assert_eq!(e.to_string(), "malformed zone in date-time");
    }

    fn valid_date() -> impl Strategy<Value = InternalDate> {
        (
            0u16..=9999,
            1u8..=12,
            1u8..=31,
            0u8..=23,
            0u8..=59,
            0u8..=59,
            -1439i16..=1439,
        )
            .prop_map(|(y, mo, d, h, mi, s, off)| {
                let d = d.min(days_in_month(y, mo));
                date(y, mo, d, h, mi, s, off)
            })
    }

    proptest! {
        #[test]
        fn display_parse_roundtrip(d in valid_date()) {
            prop_assert_eq!(InternalDate::parse(d.to_string().as_bytes()), Ok(d));
            prop_assert_eq!(InternalDate::parse(d.to_quoted().as_bytes()), Ok(d));
        }

        #[test]
        fn unix_roundtrip(d in valid_date()) {
            let secs = d.to_unix();
            prop_assert_eq!(InternalDate::from_unix(secs, d.offset_minutes), Some(d));
        }

        #[test]
        fn from_unix_roundtrip(secs in MIN_UNIX - 200_000..MAX_UNIX + 200_000, off in -1439i16..=1439) {
            if let Some(d) = InternalDate::from_unix(secs, off) {
                prop_assert_eq!(d.validate(), Ok(()));
                prop_assert_eq!(d.to_unix(), secs);
            }
        }

        #[test]
        fn days_roundtrip(days in -800_000i64..3_000_000) {
            let (y, m, d) = civil_from_days(days);
            prop_assert_eq!(days_from_civil(y, i64::from(m), i64::from(d)), days);
        }

        #[test]
        fn parse_never_panics(input in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Ok(d) = InternalDate::parse(&input) {
                prop_assert_eq!(d.validate(), Ok(()));
            }
            let _ = internaldate_to_tuple(&input);
        }

        #[test]
        fn parse_never_panics_on_near_dates(
            s in "[ \"]{0,2}[0-9 ]{1,3}-[A-Za-z]{2,4}-[0-9]{3,5}[ ]{1,2}[0-9]{1,3}:[0-9]{1,3}:[0-9]{1,3}( [-+A-Z][0-9A-Z]{0,5})?[ \"]{0,2}"
        ) {
            if let Ok(d) = InternalDate::parse(s.as_bytes()) {
                prop_assert_eq!(d.validate(), Ok(()));
            }
        }

        #[test]
        fn arbitrary_fields_never_panic(
            y in any::<u16>(), mo in any::<u8>(), d in any::<u8>(), h in any::<u8>(),
            mi in any::<u8>(), s in any::<u8>(), off in any::<i16>(),
        ) {
            let d = date(y, mo, d, h, mi, s, off);
            let _ = d.to_string();
            let _ = d.to_unix();
            let _ = SystemTime::from(d);
            if d.validate().is_ok() {
                prop_assert_eq!(InternalDate::parse(d.to_string().as_bytes()), Ok(d));
            }
        }
    }
}
