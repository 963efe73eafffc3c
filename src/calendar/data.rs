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
use serde::Deserialize;

/// The only format name and version this build reads.
pub const FORMAT: &str = "kezek-calendar";
pub const VERSION: u32 = 1;

/// Upper bound on list lengths: a calendar is a few hundred entries, never megabytes.
const MAX_ENTRIES: usize = 10_000;

/// The document as read, before checking.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Document {
    format: String,
    version: u32,
    revision: String,
    #[serde(default)]
    source: String,
    decrees_known_through: i32,
    holidays: Vec<HolidayRule>,
    #[serde(default)]
    religious_dates: Vec<MovableHoliday>,
    #[serde(default)]
    transfers: Vec<Transfer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayRule {
    name: String,
    month: u32,
    day: u32,
    #[serde(default)]
    from: Option<i32>,
    #[serde(default)]
    to: Option<i32>,
    #[serde(default)]
    religious: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MovableHoliday {
    name: String,
    dates: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Transfer {
    #[serde(default)]
    decree: String,
    #[serde(default)]
    working_days: Vec<String>,
    #[serde(default)]
    days_off: Vec<String>,
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
        let doc: Document = serde_json::from_str(json).map_err(|e| CalendarError::Json(e.to_string()))?;
        Calendar::from_document(doc)
    }

    /// Checks a document and builds the calendar.
    fn from_document(doc: Document) -> Result<Calendar, CalendarError> {
        if doc.format != FORMAT || doc.version != VERSION {
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
