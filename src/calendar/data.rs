//! The calendar as data: the versioned JSON document that [`Calendar::from_json`] loads.
//!
//! Holidays change by law and days off move by Government decree every year, so none of that
//! is code. The document (`data/calendar.json` is the built-in default) has this shape:
//!
//! ```json
//! { "format": "kezek-calendar", "version": 1, "revision": "2026-11-22",
//!   "source": "…", "decreesKnownThrough": 2026,
//!   "holidays": [ { "name": "Nauryz meirami", "month": 3, "day": 21, "from": 2010, "to": null,
//!                   "religious": false } ],
//!   "religiousDates": [ { "name": "Kurban Ait (first day)", "dates": ["2026-05-27"] } ],
//!   "transfers": [ { "decree": "…", "workingDays": ["2024-05-04"], "daysOff": ["2024-05-08"] } ] }
//! ```
//!
//! * `holidays`: fixed-date public holidays, each applying from `from` to `to` (inclusive,
//!   either may be absent). `religious` days off never move when they fall on a weekend.
//! * `religiousDates`: holidays whose date changes every year (they never move either).
//! * `transfers`: decree swaps; `workingDays` are weekend days made working, `daysOff` are
//!   weekdays made days off.
//!
//! A document is checked whole before anything is replaced: unknown fields, a wrong format or
//! version, an impossible date, a year outside 1900-2200, a working day that is not a weekend
//! day, a day off that is already one, or a date listed twice
//! (so no date can be both a decree working day and a decree day off) are all rejected.

use super::{Calendar, CalendarError, FixedHoliday, MAX_YEAR, MIN_YEAR};
use chrono::{Datelike, NaiveDate, Weekday};
use crate::json::Object;
use serde_json::Value;

/// The only format name and version this build reads.
pub const FORMAT: &str = "kezek-calendar";
pub const VERSION: u32 = 1;

/// Upper bound on list lengths: a calendar is a few hundred entries, never megabytes.
const MAX_ENTRIES: usize = 10_000;

/// The document as read, before checking.
struct Document {
    format: String,
    version: i64,
    revision: String,
    source: String,
    decrees_known_through: i32,
    holidays: Vec<HolidayRule>,
    religious_dates: Vec<MovableHoliday>,
    transfers: Vec<Transfer>,
}

struct HolidayRule {
    name: String,
    month: u32,
    day: u32,
    from: Option<i32>,
    to: Option<i32>,
    religious: bool,
}

struct MovableHoliday {
    name: String,
    dates: Vec<String>,
}

struct Transfer {
    decree: String,
    working_days: Vec<String>,
    days_off: Vec<String>,
}

fn small(n: i64, what: &str) -> crate::json::Result<i32> {
    i32::try_from(n).map_err(|_| format!("{what}: {n} is out of range"))
}

fn strings(list: Vec<(String, &Value)>) -> crate::json::Result<Vec<String>> {
    list.into_iter()
        .map(|(path, v)| v.as_str().map(str::to_owned).ok_or_else(|| format!("{path}: expected a string")))
        .collect()
}

impl Document {
    /// Reads the document's shape strictly: unknown fields and wrong types are errors.
    fn read(value: &Value) -> crate::json::Result<Document> {
        let doc = Object::new(value, "")?;
        doc.only(&["format", "version", "revision", "source", "decreesKnownThrough", "holidays", "religiousDates", "transfers"])?;
        let mut holidays = Vec::new();
        for (path, v) in doc.array("holidays")? {
            let h = Object::new(v, &path)?;
            h.only(&["name", "month", "day", "from", "to", "religious"])?;
            holidays.push(HolidayRule {
                name: h.str("name")?.to_owned(),
                month: u32::try_from(h.int("month")?).unwrap_or(0),
                day: u32::try_from(h.int("day")?).unwrap_or(0),
                from: h.opt_int("from")?.map(|n| small(n, &path)).transpose()?,
                to: h.opt_int("to")?.map(|n| small(n, &path)).transpose()?,
                religious: h.bool_or("religious", false)?,
            });
        }
        if holidays.is_empty() {
            return Err("holidays: missing".to_owned());
        }
        let mut religious_dates = Vec::new();
        for (path, v) in doc.array("religiousDates")? {
            let m = Object::new(v, &path)?;
            m.only(&["name", "dates"])?;
            religious_dates.push(MovableHoliday { name: m.str("name")?.to_owned(), dates: strings(m.array("dates")?)? });
        }
        let mut transfers = Vec::new();
        for (path, v) in doc.array("transfers")? {
            let t = Object::new(v, &path)?;
            t.only(&["decree", "workingDays", "daysOff"])?;
            transfers.push(Transfer {
                decree: t.opt_str("decree")?.unwrap_or_default().to_owned(),
                working_days: strings(t.array("workingDays")?)?,
                days_off: strings(t.array("daysOff")?)?,
            });
        }
        Ok(Document {
            format: doc.str("format")?.to_owned(),
            version: doc.int("version")?,
            revision: doc.str("revision")?.to_owned(),
            source: doc.opt_str("source")?.unwrap_or_default().to_owned(),
            decrees_known_through: small(doc.int("decreesKnownThrough")?, "decreesKnownThrough")?,
            holidays,
            religious_dates,
            transfers,
        })
    }
}

fn invalid(detail: String) -> CalendarError {
    CalendarError::Invalid(detail)
}

fn check_year(year: i32, what: &str) -> Result<(), CalendarError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(invalid(format!("{what}: year {year} is outside {MIN_YEAR}-{MAX_YEAR}")))
    }
}

fn parse_date(text: &str, what: &str) -> Result<NaiveDate, CalendarError> {
    let date = super::parse_date(text).map_err(|_| invalid(format!("{what}: '{text}' is not a YYYY-MM-DD date")))?;
    check_year(date.year(), what)?;
    Ok(date)
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

impl Calendar {
    /// Loads a calendar document, checking all of it before returning anything.
    pub fn from_json(json: &str) -> Result<Calendar, CalendarError> {
        let value: Value = serde_json::from_str(json).map_err(|e| CalendarError::Json(e.to_string()))?;
        Calendar::from_document(Document::read(&value).map_err(CalendarError::Json)?)
    }

    /// Checks a document and builds the calendar.
    fn from_document(doc: Document) -> Result<Calendar, CalendarError> {
        if doc.format != FORMAT || doc.version != i64::from(VERSION) {
            return Err(CalendarError::Version(format!(
                "expected format '{FORMAT}' version {VERSION}, got '{}' version {}",
                doc.format, doc.version
            )));
        }
        let total = doc.holidays.len()
            + doc.religious_dates.iter().map(|m| m.dates.len()).sum::<usize>()
            + doc.transfers.iter().map(|t| t.working_days.len() + t.days_off.len()).sum::<usize>();
        if total > MAX_ENTRIES {
            return Err(invalid(format!("{total} entries; at most {MAX_ENTRIES} are accepted")));
        }
        check_year(doc.decrees_known_through, "decreesKnownThrough")?;

        let mut fixed = Vec::with_capacity(doc.holidays.len());
        for (i, rule) in doc.holidays.iter().enumerate() {
            let what = format!("holidays[{i}] ({})", rule.name);
            // 2000 is a leap year, so 29 February passes here; it is rejected below as a rule that
            // would silently skip three years in four.
            if NaiveDate::from_ymd_opt(2000, rule.month, rule.day).is_none() || (rule.month, rule.day) == (2, 29) {
                return Err(invalid(format!("{what}: {}-{} is not a day of every year", rule.month, rule.day)));
            }
            if let Some(from) = rule.from {
                check_year(from, &what)?;
            }
            if let Some(to) = rule.to {
                check_year(to, &what)?;
            }
            if let (Some(from), Some(to)) = (rule.from, rule.to) {
                if from > to {
                    return Err(invalid(format!("{what}: from {from} is after to {to}")));
                }
            }
            fixed.push(FixedHoliday {
                month: rule.month,
                day: rule.day,
                from: rule.from.unwrap_or(MIN_YEAR),
                to: rule.to.unwrap_or(MAX_YEAR),
                religious: rule.religious,
            });
        }

        let mut movable = Vec::new();
        for (i, feast) in doc.religious_dates.iter().enumerate() {
            for text in &feast.dates {
                movable.push(parse_date(text, &format!("religiousDates[{i}] ({})", feast.name))?);
            }
        }

        let mut working = Vec::new();
        let mut off = Vec::new();
        for (i, transfer) in doc.transfers.iter().enumerate() {
            let what = format!("transfers[{i}] ({})", transfer.decree);
            for text in &transfer.working_days {
                let date = parse_date(text, &what)?;
                if !is_weekend(date) {
                    return Err(invalid(format!("{what}: working day {date} is not a Saturday or Sunday")));
                }
                working.push(date);
            }
            for text in &transfer.days_off {
                let date = parse_date(text, &what)?;
                if is_weekend(date) {
                    return Err(invalid(format!("{what}: day off {date} is already a weekend day")));
                }
                off.push(date);
            }
        }
        for list in [&mut movable, &mut working, &mut off] {
            list.sort_unstable();
            if let Some(pair) = list.windows(2).find(|p| p[0] == p[1]) {
                return Err(invalid(format!("{} is listed twice", pair[0])));
            }
        }
        Ok(Calendar {
            revision: doc.revision,
            source: doc.source,
            decrees_known_through: doc.decrees_known_through,
            fixed,
            movable,
            decree_working: working,
            decree_off: off,
        })
    }
}
