//! Kazakhstan working days and local time.
//!
//! Most deadlines in the Rules are counted in working days: originals within 5 working days of
//! submission (rule 29, Appendix 2), access to referrals for 3 working days (rule 24.4), a
//! referral valid 5 working days from issue (Appendix 4, item 8). A working day is a Monday to
//! Friday that is not a day off, or a day off that a decree made working.
//!
//! A date is a day off when it is, in this order of precedence:
//! 1. a decree working day → **working** (overrides everything below);
//! 2. a decree day off → off;
//! 3. a Saturday or Sunday → off;
//! 4. a public holiday (fixed date, or a religious date from the table) → off;
//! 5. a substitute: a non-religious holiday that falls on a Saturday or Sunday moves its day off
//!    to the next Monday-to-Friday that is neither a holiday nor already a substitute, taken in
//!    date order, so a run of weekend holidays pushes further (Nauryz 2025: 22 and 23 March fell
//!    on the weekend and 24 and 25 March were off). Religious days off never move (Labour Code
//!    art. 85).
//!
//! Decrees move days off under Labour Code art. 85 p. 3: Government decrees (постановления
//! Правительства) through 2023, orders of the Minister of Labour and Social Protection of
//! Population (приказы) from 2024. A decree working day is usually a Saturday or Sunday, but may
//! be a substitute day off: in 2020 the substitute for Victory Day (Saturday 9 May), Monday
//! 11 May, was worked and Friday 8 May was off instead (decree No. 820). A holiday itself is
//! never worked. [`Calendar::decree_on`] gives the act behind a moved day.
//!
//! The rules live in data ([`Calendar::from_json`], module [`data`]); [`Calendar::builtin`]
//! is the default shipped with the library, covering decrees through
//! [`Calendar::decrees_known_through`]. Outside that, only the statutory rules apply.
//!
//! All operations take dates from 1900 to 2200 and answer [`CalendarError::Range`] outside it,
//! so no loop can run away on a hostile input.
//!
//! ```
//! use kezek::calendar::{parse_date, Act, Calendar};
//! let calendar = Calendar::builtin();
//! let day = |text| parse_date(text).unwrap();
//! // 2023: the day off moved from Saturday 1 July to Friday 7 July (decree No. 326).
//! assert!(calendar.is_working_day(day("2023-07-01")));
//! assert!(!calendar.is_working_day(day("2023-07-07")));
//! let decree = calendar.decree_on(day("2023-07-07")).unwrap();
//! assert_eq!((decree.act, decree.number.as_deref()), (Act::GovernmentDecree, Some("326")));
//! assert_eq!(decree.date, Some(day("2023-04-25")));
//! assert_eq!(calendar.add_working_days(day("2023-06-30"), 1), Ok(day("2023-07-01")));
//! ```

pub mod data;
pub mod iso;
pub(crate) mod sort;
pub mod zone;

pub use iso::{format_date, format_instant, parse_date, parse_instant};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use core::fmt;

/// The years the calendar answers for.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2200;

/// How many working days one call may step (about 40 years): more is certainly a mistake.
pub const MAX_STEP: i64 = 10_000;

/// The built-in calendar document.
pub const BUILTIN_JSON: &str = include_str!("../../data/calendar.json");

/// A Kazakhstan working-day calendar: statutory holidays plus decree transfers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    revision: String,
    source: String,
    decrees_known_through: i32,
    fixed: Vec<FixedHoliday>,
    /// Sorted religious holidays with a date per year (Kurban Ait).
    movable: Vec<NaiveDate>,
    /// Sorted weekend days made working by decree.
    decree_working: Vec<NaiveDate>,
    /// Sorted weekdays made days off by decree.
    decree_off: Vec<NaiveDate>,
    /// The acts cited by a version 2 document, in document order, each with the dates it moved
    /// (a handful a year: searched in order).
    decrees: Vec<(Decree, Vec<NaiveDate>)>,
}

/// The kind of act that moved a day off (Labour Code art. 85 p. 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// Постановление Правительства Республики Казахстан (the form through 2023).
    GovernmentDecree,
    /// Приказ Министра труда и социальной защиты населения (the form from 2024).
    MinisterialOrder,
}

impl Act {
    /// The code used in the calendar document.
    pub fn code(self) -> &'static str {
        match self {
            Act::GovernmentDecree => "governmentDecree",
            Act::MinisterialOrder => "ministerialOrder",
        }
    }
}

/// The act behind a transfer, as the calendar document cites it. A number or date no source
/// gave is `None`, and `note` says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decree {
    pub act: Act,
    /// What the act moved, in words.
    pub description: String,
    pub number: Option<String>,
    /// The day the act was adopted.
    pub date: Option<NaiveDate>,
    pub note: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FixedHoliday {
    month: u32,
    day: u32,
    from: i32,
    to: i32,
    religious: bool,
}

/// Why a calendar operation or document failed. Codes are stable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CalendarError {
    /// The text is not a `YYYY-MM-DD` date.
    DateFormat(String),
    /// The text is not an RFC 3339 instant.
    InstantFormat(String),
    /// A date or step outside what the calendar answers for.
    Range(String),
    /// A calendar document that is not JSON of the expected shape.
    Json(String),
    /// A calendar document of another format or version.
    Version(String),
    /// A calendar document whose contents contradict themselves or the calendar.
    Invalid(String),
}

impl CalendarError {
    pub fn code(&self) -> &'static str {
        match self {
            CalendarError::DateFormat(_) => "date.format",
            CalendarError::InstantFormat(_) => "instant.format",
            CalendarError::Range(_) => "calendar.range",
            CalendarError::Json(_) => "calendar.json",
            CalendarError::Version(_) => "calendar.version",
            CalendarError::Invalid(_) => "calendar.invalid",
        }
    }

    pub fn detail(&self) -> &str {
        match self {
            CalendarError::DateFormat(d)
            | CalendarError::InstantFormat(d)
            | CalendarError::Range(d)
            | CalendarError::Json(d)
            | CalendarError::Version(d)
            | CalendarError::Invalid(d) => d,
        }
    }
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.detail())
    }
}

impl std::error::Error for CalendarError {}

fn check_range(date: NaiveDate) -> Result<NaiveDate, CalendarError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(CalendarError::Range(format!("{date} is outside {MIN_YEAR}-{MAX_YEAR}")))
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The days off of one year that come from statutes (holidays and their substitutes).
struct YearTable {
    year: i32,
    days_off: Vec<NaiveDate>,
}

impl YearTable {
    fn contains(&self, date: NaiveDate) -> bool {
        self.days_off.binary_search(&date).is_ok()
    }
}

impl Calendar {
    /// The calendar shipped with the library (`data/calendar.json`).
    ///
    /// The document is checked by the tests; should it ever fail to load, this falls back to a
    /// calendar of weekends only rather than failing a citizen's page.
    pub fn builtin() -> Calendar {
        Calendar::from_json(BUILTIN_JSON).unwrap_or_else(|_| Calendar::weekends_only())
    }

    /// A calendar with no holidays at all: every Monday to Friday is a working day.
    pub fn weekends_only() -> Calendar {
        Calendar {
            revision: String::new(),
            source: String::new(),
            decrees_known_through: MIN_YEAR,
            fixed: Vec::new(),
            movable: Vec::new(),
            decree_working: Vec::new(),
            decree_off: Vec::new(),
            decrees: Vec::new(),
        }
    }

    /// The document's revision label.
    pub fn revision(&self) -> &str {
        &self.revision
    }

    /// Where the data comes from, as the document says.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The last year whose decree transfers the data claims to include.
    pub fn decrees_known_through(&self) -> i32 {
        self.decrees_known_through
    }

    /// The act that made `date` a decree working day or a decree day off, when the document
    /// cites it (version 2 documents do; version 1 documents and statutory days answer `None`).
    pub fn decree_on(&self, date: NaiveDate) -> Option<&Decree> {
        self.decrees.iter().find(|(_, moved)| moved.contains(&date)).map(|(decree, _)| decree)
    }

    /// Public holidays (not substitutes, not decree days) that fall in `year`, sorted, with
    /// whether each is religious.
    fn holidays_in(&self, year: i32) -> Vec<(NaiveDate, bool)> {
        let mut days: Vec<(NaiveDate, bool)> = self
            .fixed
            .iter()
            .filter(|h| (h.from..=h.to).contains(&year))
            .filter_map(|h| NaiveDate::from_ymd_opt(year, h.month, h.day).map(|d| (d, h.religious)))
            .chain(self.movable.iter().filter(|d| d.year() == year).map(|&d| (d, true)))
            .collect();
        sort::sort(&mut days);
        days.dedup_by_key(|(d, _)| *d);
        days
    }

    fn year_table(&self, year: i32) -> YearTable {
        // Substitutes of late-December holidays of the year before can land in January.
        let mut days_off: Vec<NaiveDate> = Vec::new();
        for y in [year - 1, year] {
            let holidays = self.holidays_in(y);
            let is_holiday = |d: NaiveDate| holidays.binary_search_by_key(&d, |&(h, _)| h).is_ok();
            let mut substitutes: Vec<NaiveDate> = Vec::new();
            for &(day, religious) in &holidays {
                if religious || !is_weekend(day) {
                    continue;
                }
                let mut candidate = day;
                while let Some(next) = candidate.succ_opt() {
                    candidate = next;
                    let next_year_holiday = candidate.year() != y && self.holidays_in(candidate.year()).iter().any(|&(h, _)| h == candidate);
                    if !is_weekend(candidate) && !is_holiday(candidate) && !next_year_holiday && !substitutes.contains(&candidate) {
                        break;
                    }
                }
                substitutes.push(candidate);
            }
            days_off.extend(holidays.iter().map(|&(d, _)| d).chain(substitutes));
        }
        days_off.retain(|d| d.year() == year);
        sort::sort(&mut days_off);
        days_off.dedup();
        YearTable { year, days_off }
    }

    fn is_working_with(&self, date: NaiveDate, table: &YearTable) -> bool {
        if self.decree_working.binary_search(&date).is_ok() {
            return true;
        }
        if self.decree_off.binary_search(&date).is_ok() || is_weekend(date) {
            return false;
        }
        !table.contains(date)
    }

    /// Whether `date` is a working day in Kazakhstan.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.is_working_with(date, &self.year_table(date.year()))
    }

    /// Why `date` is not a working day, or `None` when it is one. For explanations in the page.
    pub fn day_off_reason(&self, date: NaiveDate) -> Option<DayOff> {
        if self.decree_working.binary_search(&date).is_ok() {
            return None;
        }
        if self.decree_off.binary_search(&date).is_ok() {
            return Some(DayOff::Decree);
        }
        if self.holidays_in(date.year()).iter().any(|&(d, _)| d == date) {
            return Some(DayOff::Holiday);
        }
        if is_weekend(date) {
            return Some(DayOff::Weekend);
        }
        self.year_table(date.year()).contains(date).then_some(DayOff::Substitute)
    }

    /// Steps day by day from `date` (exclusive) in `direction`, keeping one year's table.
    fn walk(&self, date: NaiveDate, forward: bool) -> impl Iterator<Item = (NaiveDate, bool)> + '_ {
        let mut table = self.year_table(date.year());
        let mut current = date;
        core::iter::from_fn(move || {
            current = if forward { current.succ_opt()? } else { current.pred_opt()? };
            check_range(current).ok()?;
            if current.year() != table.year {
                table = self.year_table(current.year());
            }
            Some((current, self.is_working_with(current, &table)))
        })
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.add_working_days(date, 1)
    }

    /// The date `n` working days after `date` (`date` itself is not counted; `n = 0` returns
    /// `date`; a negative `n` counts back). `|n|` is at most [`MAX_STEP`].
    pub fn add_working_days(&self, date: NaiveDate, n: i64) -> Result<NaiveDate, CalendarError> {
        check_range(date)?;
        if n.abs() > MAX_STEP {
            return Err(CalendarError::Range(format!("{n} working days is more than {MAX_STEP}")));
        }
        if n == 0 {
            return Ok(date);
        }
        self.walk(date, n > 0)
            .filter(|&(_, working)| working)
            .nth((n.unsigned_abs() - 1) as usize)
            .map(|(d, _)| d)
            .ok_or_else(|| CalendarError::Range(format!("{n} working days from {date} leaves {MIN_YEAR}-{MAX_YEAR}")))
    }

    /// The number of working days `d` with `from < d <= to`; negative (the same count for
    /// `(to, from]`) when `to` is before `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<i64, CalendarError> {
        check_range(from)?;
        check_range(to)?;
        let (start, end, sign) = if from <= to { (from, to, 1) } else { (to, from, -1) };
        let count = self.walk(start, true).take_while(|&(d, _)| d <= end).filter(|&(_, w)| w).count();
        Ok(sign * count as i64)
    }

    /// The date `days` calendar days after `date`, within the supported range.
    pub fn add_calendar_days(&self, date: NaiveDate, days: u32) -> Result<NaiveDate, CalendarError> {
        date.checked_add_days(Days::new(u64::from(days)))
            .ok_or_else(|| CalendarError::Range(format!("{days} days after {date}")))
            .and_then(check_range)
    }
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar::builtin()
    }
}

/// Why a date is not a working day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayOff {
    Weekend,
    Holiday,
    /// A weekday off in place of a holiday that fell on a weekend.
    Substitute,
    /// A weekday made a day off by Government decree.
    Decree,
}

#[cfg(test)]
mod tests;
