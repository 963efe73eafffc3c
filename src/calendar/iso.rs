//! ISO-8601 dates and instants, read and written by hand.
//!
//! Only the forms kezek's API uses: `YYYY-MM-DD` dates and RFC 3339 instants
//! (`2026-11-23T07:00:00+05:00`, `2026-11-23T02:00:00Z`, with optional fractions of a second).
//! chrono's general `format`/`parse` machinery would cost the browser package about 30 KB, so
//! these few lines stand in for it.

use super::CalendarError;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

/// Keeps error messages short when someone pastes a novel into a date field.
fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Reads `len` ASCII digits at `at` as a number.
fn digits(b: &[u8], at: usize, len: usize) -> Option<u32> {
    let slice = b.get(at..at.checked_add(len)?)?;
    slice.iter().try_fold(0u32, |acc, c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
}

fn date_at(b: &[u8]) -> Option<NaiveDate> {
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(b, 0, 4)? as i32, digits(b, 5, 2)?, digits(b, 8, 2)?)
}

/// Parses a strict `YYYY-MM-DD` date (four-digit year, two-digit month and day).
pub fn parse_date(text: &str) -> Result<NaiveDate, CalendarError> {
    let b = text.as_bytes();
    (b.len() == 10)
        .then(|| date_at(b))
        .flatten()
        .ok_or_else(|| CalendarError::DateFormat(format!("'{}' is not a YYYY-MM-DD date", shorten(text))))
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// Parses an RFC 3339 instant: `YYYY-MM-DDTHH:MM:SS`, optional `.fraction`, then `Z` or
/// `±HH:MM`. A lower-case `t`/`z` or a space for `T` is accepted, as RFC 3339 allows.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, CalendarError> {
    let bad = || {
        CalendarError::InstantFormat(format!(
            "'{}' is not an ISO-8601 instant like 2026-11-23T07:00:00+05:00",
            shorten(text)
        ))
    };
    let b = text.as_bytes();
    if b.len() > 40 || !matches!(b.get(10), Some(b'T' | b't' | b' ')) || b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return Err(bad());
    }
    let date = date_at(b).ok_or_else(bad)?;
    let (hour, minute, second) = (digits(b, 11, 2), digits(b, 14, 2), digits(b, 17, 2));
    let (Some(hour), Some(minute), Some(second)) = (hour, minute, second) else { return Err(bad()) };
    let mut at = 19;
    let mut nanos = 0u32;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            if at - start < 9 {
                nanos = nanos * 10 + u32::from(b[at] - b'0');
            }
            at += 1;
        }
        let places = at - start;
        if places == 0 {
            return Err(bad());
        }
        nanos *= 10u32.pow(9u32.saturating_sub(places as u32));
    }
    let offset_seconds = match b.get(at) {
        Some(b'Z' | b'z') if b.len() == at + 1 => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == at + 6 && b.get(at + 3) == Some(&b':') => {
            let (Some(h), Some(m)) = (digits(b, at + 1, 2), digits(b, at + 4, 2)) else { return Err(bad()) };
            if h > 23 || m > 59 {
                return Err(bad());
            }
            let seconds = (h * 3600 + m * 60) as i32;
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return Err(bad()),
    };
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos).ok_or_else(bad)?;
    let offset = FixedOffset::east_opt(offset_seconds).ok_or_else(bad)?;
    let local = NaiveDateTime::new(date, time);
    local.and_local_timezone(offset).single().map(|t| t.with_timezone(&Utc)).ok_or_else(bad)
}

/// Formats an instant as RFC 3339 in the given offset (`2026-11-23T07:00:00+05:00`; `Z` for
/// UTC), with a fraction only when the instant has one (`.186` for whole milliseconds), so
/// [`parse_instant`] reads back exactly the same instant.
pub fn format_instant(instant: DateTime<FixedOffset>) -> String {
    let date = format_date(instant.date_naive());
    let t = instant.time();
    let offset = instant.offset().local_minus_utc();
    let zone = if offset == 0 {
        "Z".to_owned()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let abs = offset.unsigned_abs();
        format!("{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
    };
    let nanos = t.nanosecond() % 1_000_000_000;
    let fraction = match nanos {
        0 => String::new(),
        n if n % 1_000_000 == 0 => format!(".{:03}", n / 1_000_000),
        n => format!(".{n:09}"),
    };
    format!("{date}T{:02}:{:02}:{:02}{fraction}{zone}", t.hour(), t.minute(), t.second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_with_a_fraction_keep_it() {
        for text in ["2026-11-26T02:30:00.186Z", "2026-11-26T07:30:00.000001+05:00", "2026-11-26T02:30:00Z"] {
            assert_eq!(format_instant(parse_instant(text).unwrap().with_timezone(&FixedOffset::east_opt(if text.contains('+') { 5 * 3600 } else { 0 }).unwrap())), text.replace(".000001", ".000001000"));
        }
    }

    #[test]
    fn dates_round_trip() {
        for text in ["2024-02-29", "1900-01-01", "2200-12-31", "0001-01-01"] {
            assert_eq!(format_date(parse_date(text).unwrap()), text);
        }
    }

    #[test]
    fn bad_dates() {
        for bad in ["", "2023-02-29", "2024-2-29", "24-02-29", "2024/02/29", "2024-02-29T00:00", " 2024-02-29", "+2024-02-2", "2024-13-01", "2024-00-10", "２０２４-02-29"] {
            assert_eq!(parse_date(bad).unwrap_err().code(), "date.format", "{bad:?}");
        }
    }

    #[test]
    fn instants_with_offsets() {
        let want = DateTime::<Utc>::from_timestamp(1_763_877_600, 0).unwrap(); // 2025-11-23T06:00:00Z
        for text in ["2025-11-23T06:00:00Z", "2025-11-23T11:00:00+05:00", "2025-11-23t06:00:00z", "2025-11-23 01:00:00-05:00"] {
            assert_eq!(parse_instant(text).unwrap(), want, "{text}");
        }
        let fraction = parse_instant("2025-11-23T06:00:00.250Z").unwrap();
        assert_eq!(fraction.timestamp_subsec_millis(), 250);
        let many = parse_instant("2025-11-23T06:00:00.1234567891234Z").unwrap();
        assert_eq!(many.timestamp_subsec_nanos(), 123_456_789);
    }

    #[test]
    fn bad_instants() {
        for bad in [
            "", "2025-11-23", "2025-11-23T06:00Z", "2025-11-23T06:00:00", "2025-11-23T24:00:00Z", "2025-11-23T06:00:00+5:00",
            "2025-11-23T06:00:00+05:00x", "2025-11-23T06:00:00.Z", "2025-11-23T06:00:60Z", "2025-11-23T06:00:00+24:00",
            "yesterday",
        ] {
            assert_eq!(parse_instant(bad).unwrap_err().code(), "instant.format", "{bad:?}");
        }
    }

    #[test]
    fn formats_with_offset() {
        let instant = parse_instant("2026-11-23T02:00:00Z").unwrap();
        assert_eq!(format_instant(instant.fixed_offset()), "2026-11-23T02:00:00Z");
        let plus5 = FixedOffset::east_opt(5 * 3600).unwrap();
        assert_eq!(format_instant(instant.with_timezone(&plus5)), "2026-11-23T07:00:00+05:00");
        let minus = FixedOffset::west_opt(3 * 3600 + 30 * 60).unwrap();
        assert_eq!(format_instant(instant.with_timezone(&minus)), "2026-11-22T22:30:00-03:30");
    }
}

/// Serde for `DateTime<Utc>` as an RFC 3339 string (`2026-11-23T02:00:00Z`), through
/// [`parse_instant`] and [`format_instant`]: `#[serde(with = "crate::calendar::iso::instant")]`.
/// chrono's own serde support would bring its format machinery into the package.
pub mod instant {
    use chrono::{DateTime, Utc};
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_instant(value.fixed_offset()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_instant(&text).map_err(|e| D::Error::custom(e.detail()))
    }
}

/// [`instant`] for `Option<DateTime<Utc>>` (absent or `null` is `None`).
pub mod optional_instant {
    use chrono::{DateTime, Utc};
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => s.serialize_str(&super::format_instant(t.fixed_offset())),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| super::parse_instant(&text).map_err(|e| D::Error::custom(e.detail())))
            .transpose()
    }
}

/// Serde for `NaiveDate` as `YYYY-MM-DD` through [`parse_date`] and [`format_date`].
pub mod date {
    use chrono::NaiveDate;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_date(*value))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_date(&text).map_err(|e| D::Error::custom(e.detail()))
    }
}

/// [`date`] for `Option<NaiveDate>` (absent or `null` is `None`).
pub mod optional_date {
    use chrono::NaiveDate;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(d) => s.serialize_str(&super::format_date(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<String>::deserialize(d)?.map(|text| super::parse_date(&text).map_err(|e| D::Error::custom(e.detail()))).transpose()
    }
}
