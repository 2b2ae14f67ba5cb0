//! RFC 5322 `Date:` values, read the way real mailers write them.

use crate::proto::date::InternalDate;

/// Parses a `Date:` header value (RFC 5322 and its obsolete forms, leniently).
///
/// Accepts an optional weekday, one- or two-digit days, month names in any case, two-,
/// three- or four-digit years (`06` is 2006, `99` is 1999), times with or without seconds,
/// numeric zones (`+0200`, `-07:00`), the old zone names (`GMT`, `UT`, `EST` ... `PDT`,
/// military letters), a missing zone (taken as `+0000`), trailing comments like `(CET)`
/// and the asctime order (`Mon Jan  2 15:04:05 2006`). `None` for what is not a real
/// date (30 February, 25 o'clock).
///
/// ```
/// use imap4::mime::parse_date;
///
/// let d = parse_date(b"Mon, 2 Jan 2006 15:04:05 -0700 (MST)").unwrap();
/// assert_eq!(d.to_string(), "02-Jan-2006 15:04:05 -0700");
/// let d = parse_date(b"2 jan 06 15:04 GMT").unwrap();
/// assert_eq!((d.year, d.minute, d.second, d.offset_minutes), (2006, 4, 0, 0));
/// assert_eq!(parse_date(b"30 Feb 2024 10:00:00 +0000"), None);
/// assert_eq!(parse_date(b"yesterday"), None);
/// ```
pub fn parse_date(raw: &[u8]) -> Option<InternalDate> {
    let text = String::from_utf8_lossy(raw);
    // Comments out; commas and extra spaces are just separators.
    let mut clean = String::with_capacity(text.len());
    let mut depth = 0u32;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => clean.push(' '),
            c if depth == 0 => clean.push(c),
            _ => {}
        }
    }
    let (mut day, mut month, mut year) = (None::<u32>, None::<u8>, None::<u32>);
    let mut time = None::<(u8, u8, u8)>;
    let mut zone = None::<i16>;
    for tok in clean.split_whitespace().take(12) {
        let lower = tok.to_ascii_lowercase();
        if let Some(m) = month_number(&lower) {
            if month.is_none() {
                month = Some(m);
                continue;
            }
        }
        if is_weekday(&lower) {
            continue;
        }
        if tok.contains(':') && time.is_none() && tok.starts_with(|c: char| c.is_ascii_digit()) {
            time = Some(parse_time(tok)?);
            continue;
        }
        if (tok.starts_with('+') || tok.starts_with('-')) && time.is_some() && zone.is_none() {
            zone = Some(parse_offset(&tok[1..], tok.starts_with('-'))?);
            continue;
        }
        if let Some(z) = named_zone(&lower) {
            if time.is_some() && zone.is_none() {
                zone = Some(z);
            }
            continue;
        }
        if tok.bytes().all(|b| b.is_ascii_digit()) && !tok.is_empty() && tok.len() <= 4 {
            let n: u32 = tok.parse().ok()?;
            if day.is_none() && tok.len() <= 2 && year.is_none() {
                day = Some(n);
            } else if year.is_none() {
                year = Some(match tok.len() {
                    1 | 2 if n < 50 => 2000 + n,
                    1..=3 => 1900 + n,
                    _ => n,
                });
            }
            continue;
        }
        // Something else (a stray word): ignored.
    }
    let (h, mi, s) = time.unwrap_or((0, 0, 0));
    InternalDate::new(
        u16::try_from(year?).ok()?,
        month?,
        u8::try_from(day?).ok()?,
        h,
        mi,
        s,
        zone.unwrap_or(0),
    )
    .ok()
}

fn month_number(t: &str) -> Option<u8> {
    const M: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let t = t.trim_end_matches('.');
    if t.len() < 3 || !t.is_ascii() {
        return None;
    }
    let i = M.iter().position(|m| t.starts_with(m))?;
    // "march", "sept": a prefix of the full name is fine; other words are not.
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    (FULL[i].starts_with(t) || t == "sept").then_some(i as u8 + 1)
}

fn is_weekday(t: &str) -> bool {
    const D: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let t = t.trim_end_matches('.');
    t.len() >= 3 && D.iter().any(|d| d.starts_with(t))
}

fn parse_time(t: &str) -> Option<(u8, u8, u8)> {
    let mut it = t.split(':');
    let num = |s: Option<&str>| -> Option<u8> {
        let s = s?;
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let h = num(it.next())?;
    let m = num(it.next())?;
    let s = match it.next() {
        // Fractions of a second (`05.123`) are dropped.
        Some(s) => num(Some(s.split('.').next().unwrap_or("")))?,
        None => 0,
    };
    if it.next().is_some() || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some((h, m, s))
}

fn parse_offset(digits: &str, negative: bool) -> Option<i16> {
    let d: String = digits.chars().filter(|c| *c != ':').collect();
    if !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match d.len() {
        4 => (d[..2].parse::<i16>().ok()?, d[2..].parse::<i16>().ok()?),
        2 => (d.parse::<i16>().ok()?, 0),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    let v = h * 60 + m;
    Some(if negative { -v } else { v })
}

fn named_zone(t: &str) -> Option<i16> {
    Some(match t {
        "ut" | "utc" | "gmt" | "z" => 0,
        "edt" => -4 * 60,
        "est" | "cdt" => -5 * 60,
        "cst" | "mdt" => -6 * 60,
        "mst" | "pdt" => -7 * 60,
        "pst" => -8 * 60,
        // Military zones: RFC 5322 says to treat them as +0000 (their signs were
        // published wrong in RFC 822).
        t if t.len() == 1 && t.as_bytes()[0].is_ascii_alphabetic() && t != "j" => 0,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<String> {
        parse_date(s.as_bytes()).map(|d| d.to_string())
    }

    #[test]
    fn real_mailers() {
        assert_eq!(
            d("Tue, 05 Mar 2024 10:00:00 +0100").unwrap(),
            "05-Mar-2024 10:00:00 +0100"
        );
        assert_eq!(
            d("Tue,  5 Mar 2024 10:00 +0100").unwrap(),
            "05-Mar-2024 10:00:00 +0100"
        );
        assert_eq!(
            d("5 Mar 2024 10:00:00 EST").unwrap(),
            "05-Mar-2024 10:00:00 -0500"
        );
        assert_eq!(
            d("5 Mar 99 10:00:00 PDT").unwrap(),
            "05-Mar-1999 10:00:00 -0700"
        );
        assert_eq!(
            d("5 Mar 2024 10:00:00 +01:00").unwrap(),
            "05-Mar-2024 10:00:00 +0100"
        );
        assert_eq!(
            d("5 Mar 2024 10:00:00").unwrap(),
            "05-Mar-2024 10:00:00 +0000"
        );
        assert_eq!(
            d("5 Mar 2024 10:00:00 Z").unwrap(),
            "05-Mar-2024 10:00:00 +0000"
        );
        assert_eq!(
            d("Thu Mar  7 09:15:44 2024").unwrap(),
            "07-Mar-2024 09:15:44 +0000"
        );
        assert_eq!(
            d("Wednesday, 6 March 2024 08:00:00 -0000").unwrap(),
            "06-Mar-2024 08:00:00 +0000"
        );
        assert_eq!(
            d("6 Sept 2024 08:00:00.250 +0000").unwrap(),
            "06-Sep-2024 08:00:00 +0000"
        );
        assert_eq!(d("6 Mar 2024"), Some("06-Mar-2024 00:00:00 +0000".into()));
        assert_eq!(
            d("6 Mar 124 08:00 +0000").unwrap(),
            "06-Mar-2024 08:00:00 +0000"
        );
        assert_eq!(d("32 Mar 2024 08:00 +0000"), None);
        assert_eq!(d("6 Mar 2024 24:00 +0000"), None);
        assert_eq!(d("6 Mar 2024 08:00 +2500"), None);
        assert_eq!(d("6 Marx 2024 08:00"), None);
        assert_eq!(d(""), None);
    }
}
