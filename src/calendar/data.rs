//! The calendar as data: the versioned JSON document that [`Calendar::from_json`] loads.
//!
//! Holidays change by law and days off move by decree every year, so none of that is code.
//! The document (`data/calendar.json` is the built-in default) has this shape (version 2):
//!
//! ```json
//! { "format": "kezek-calendar", "version": 2, "revision": "2026-12-02",
//!   "source": "…", "decreesKnownThrough": 2026,
//!   "holidays": [ { "name": "Nauryz meirami", "month": 3, "day": 21, "from": 2010, "to": null,
//!                   "religious": false } ],
//!   "religiousDates": [ { "name": "Kurban Ait (first day)", "dates": ["2026-05-27"] } ],
//!   "transfers": [ { "decree": "2023: day off moved from Saturday 1 July to Friday 7 July",
//!                    "act": "governmentDecree", "decreeNumber": "326", "decreeDate": "2023-04-25",
//!                    "workingDays": ["2023-07-01"], "daysOff": ["2023-07-07"] } ] }
//! ```
//!
//! * `holidays`: fixed-date public holidays, each applying from `from` to `to` (inclusive,
//!   either may be absent). `religious` days off never move when they fall on a weekend.
//! * `religiousDates`: holidays whose date changes every year (they never move either).
//! * `transfers`: days off moved under Labour Code art. 85 p. 3: `workingDays` are days off
//!   made working, `daysOff` are working weekdays made days off, pairwise (the first working
//!   day pays for the first day off). Each transfer cites the act that made it:
//!
//!   | field          | version 2                                                                |
//!   |----------------|--------------------------------------------------------------------------|
//!   | `decree`       | what the act moved, in words (required)                                  |
//!   | `act`          | `governmentDecree` (постановление Правительства, the form to 2023) or `ministerialOrder` (приказ Министра труда и социальной защиты населения, from 2024) |
//!   | `decreeNumber` | the act's number as a string, or `null` when no source gives it          |
//!   | `decreeDate`   | the day the act was adopted (`YYYY-MM-DD`), or `null` when unknown       |
//!   | `note`         | required when the number or the date is `null`: why, and what is known   |
//!
//!   The keys `decreeNumber` and `decreeDate` must be present: an unknown citation is written
//!   `null` with a `note`, never left out or guessed.
//!
//! ## Where the built-in citations come from
//!
//! The sources stay here rather than in the document, which is built into the browser package.
//! No official register could be read from here; every act was found in at least two public
//! sources (the act's adilet.zan.kz code as cited by python-holidays, `vacanza/holidays`,
//! `holidays/countries/kazakhstan.py`, and the press). An adilet code such as `P2300000326`
//! spells the year (23) and number (326) of the act; numbers read only from such a code say so
//! in their note. No date is given that a source did not state.
//!
//! | year | act | number, date | sources |
//! |------|-----|--------------|---------|
//! | 2020 | Government decree (3 transfers) | No. 820 (P1900000820), 2019, day unknown | python-holidays; kyzylorda-news.kz (quotes the decree: 5→3 Jan, 11→8 May, 20→18 Dec); ardak.kz/zakon.kz (11→8 May); kazlenta.kz. The September 2019 draft had moved Saturday 16 May instead of Monday 11 May |
//! | 2021 | Government decree | No. 930 (P2000000930), 2020, day unknown | python-holidays; kt.kz ("according to the government decree … Saturday 3 July will be a working day, the day off is postponed to Monday 5 July"); baq.kz; syrboyi.kz (egemen.kz) |
//! | 2022 | Government decree «О переносе дней отдыха в 2022 году» (2 transfers) | No. 713 of 6 October 2021 | pm.kz (Government Decree No. 713 of Oct. 6, 2021); optimism.kz (quotes the title, number and date); isdayoff issue 35 (egov.kz, uchet.kz) |
//! | 2022 | Government decree adding 22→24 October to No. 713 | No. 796 (P2200000796), October 2022, day unknown | python-holidays; nur.kz, ortcom.kz (signed by Prime Minister Smailov); optimism.kz, semeyainasy.media (draft of 28 September 2022) |
//! | 2023 | Government decree «О переносе дня отдыха в 2023 году» | No. 326 of 25 April 2023 | pro1c.kz (No. 326 of 25.04.2023); zakon.kz, altainews.kz (of 25 April 2023); python-holidays (P2300000326) |
//! | 2024 | order of the acting Minister of Labour and Social Protection of Population «О переносе дня отдыха в 2024 году» | No. 109 (G24G0000109) of 17 April 2024 | mail.kz/zakon.kz (order of 17 April 2024); sputniknews.kz (quotes the order); python-holidays |
//! | 2025 | order of the Minister of Labour and Social Protection of Population | No. 436 (G24G0000436), November 2024, day unknown | python-holidays; another public calendar ("Order 436"); energy-city.kz, kursiv.media (by the Minister's order) |
//! | 2026 | none | — | Kazinform and Tengrinews (the Ministry planned no January transfer), the eGov 2026 calendar as reported by alau.kz (statutory substitutions only), python-holidays (none); the published balance of 247 working days |
//!
//! Holidays: 17 December and First President Day (1 December) last applied in 2021 and Republic
//! Day (25 October) applies again from 2022 (law signed in September 2022: baigenews.kz,
//! newtimes.kz; December 2022 had 21 working days: isdayoff issue 50). Constitution Day is
//! 15 March, the day of the 2026 referendum, from 2027, and no holiday in 2026 (Constitution of
//! 2026 art. 94 p. 2 as reported by zakon.kz; the Ministry of Labour as reported by taspanews.kz;
//! python-holidays).
//!
//! Version 1 documents (before citations) still load: their transfers have only `decree`,
//! `workingDays` and `daysOff`, and [`Calendar::decree_on`] answers `None` for them.
//!
//! A document is checked whole before anything is replaced. Rejected:
//!
//! | code               | what                                                                  |
//! |--------------------|-----------------------------------------------------------------------|
//! | `calendar.json`    | not JSON, a wrong type, an unknown field, a missing required field    |
//! | `calendar.version` | another format, or a version other than 1 or 2                        |
//! | `calendar.invalid` | an impossible date, a year outside 1900-2200, a working day that would not otherwise be a day off (neither a Saturday or Sunday nor a substitute day off; a holiday itself is never worked), a day off that already is one, a date listed twice, a version 2 transfer whose working days and days off do not pair up, with an empty number, with a `null` citation and no note, or whose act is dated after a day it moves |

use super::{Act, Calendar, CalendarError, Decree, FixedHoliday, MAX_YEAR, MIN_YEAR};
use crate::json::{Object, Value};
use chrono::{Datelike, NaiveDate, Weekday};

/// The only format name this build reads.
pub const FORMAT: &str = "kezek-calendar";
/// The version this build writes into its built-in document: transfers cite their act.
pub const VERSION: u32 = 2;
/// The oldest version still read (transfers without citations).
pub const OLDEST_VERSION: u32 = 1;

/// Upper bound on list lengths: a calendar is a few hundred entries, never megabytes.
const MAX_ENTRIES: usize = 10_000;

/// The document as read, before checking.
struct Document {
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
    /// `None` in version 1 documents.
    citation: Option<Citation>,
    working_days: Vec<String>,
    days_off: Vec<String>,
}

/// A version 2 transfer's citation, as read.
struct Citation {
    act: Act,
    number: Option<String>,
    date: Option<String>,
    note: String,
}

fn small(n: i64, what: &str) -> crate::json::Result<i32> {
    i32::try_from(n).map_err(|_| format!("{what}: {n} is out of range"))
}

fn strings(list: Vec<(String, &Value<'_>)>) -> crate::json::Result<Vec<String>> {
    list.into_iter()
        .map(|(path, v)| v.as_str().map(str::to_owned).ok_or_else(|| format!("{path}: expected a string")))
        .collect()
}

/// A key that must be written out, even as `null` (so an unknown citation is a choice, not an
/// omission).
fn present(value: &Value<'_>, path: &str, key: &str) -> crate::json::Result<()> {
    match value.get(key) {
        Some(_) => Ok(()),
        None => Err(format!("{path}.{key}: missing (write null when it is not known)")),
    }
}

impl Citation {
    fn read(value: &Value<'_>, t: &Object<'_>, path: &str) -> crate::json::Result<Citation> {
        present(value, path, "decreeNumber")?;
        present(value, path, "decreeDate")?;
        Ok(Citation {
            act: match t.str("act")? {
                "governmentDecree" => Act::GovernmentDecree,
                "ministerialOrder" => Act::MinisterialOrder,
                _ => return Err(format!("{path}.act: expected governmentDecree or ministerialOrder")),
            },
            number: t.opt_str("decreeNumber")?.map(str::to_owned),
            date: t.opt_str("decreeDate")?.map(str::to_owned),
            note: t.opt_str("note")?.unwrap_or_default().to_owned(),
        })
    }
}

impl Document {
    /// Reads the document's shape strictly: unknown fields and wrong types are errors.
    fn read(value: &Value<'_>) -> crate::json::Result<Document> {
        let doc = Object::new(value, "")?;
        doc.only(&["format", "version", "revision", "source", "decreesKnownThrough", "holidays", "religiousDates", "transfers"])?;
        let version = doc.int("version")?;
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
        let cited = version >= 2;
        let mut transfers = Vec::new();
        for (path, v) in doc.array("transfers")? {
            let t = Object::new(v, &path)?;
            if cited {
                t.only(&["decree", "act", "decreeNumber", "decreeDate", "note", "workingDays", "daysOff"])?;
            } else {
                t.only(&["decree", "workingDays", "daysOff"])?;
            }
            transfers.push(Transfer {
                decree: if cited { t.str("decree")?.to_owned() } else { t.opt_str("decree")?.unwrap_or_default().to_owned() },
                citation: if cited { Some(Citation::read(v, &t, &path)?) } else { None },
                working_days: strings(t.array("workingDays")?)?,
                days_off: strings(t.array("daysOff")?)?,
            });
        }
        Ok(Document {
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

/// Checks a version 2 citation against the dates it moves and builds the [`Decree`]. The
/// reasons are plain text, so that one message format serves them all (the package is small).
fn decree(transfer: &Transfer, citation: &Citation, moved: &[NaiveDate]) -> Result<Decree, &'static str> {
    let number = citation.number.as_deref().map(str::trim);
    let date = match citation.date.as_deref().map(super::parse_date) {
        Some(Ok(date)) if (MIN_YEAR..=MAX_YEAR).contains(&date.year()) => Some(date),
        Some(_) => return Err("decreeDate is not a YYYY-MM-DD date of 1900-2200"),
        None => None,
    };
    if transfer.decree.trim().is_empty() {
        Err("decree says nothing")
    } else if transfer.working_days.is_empty() || transfer.working_days.len() != transfer.days_off.len() {
        Err("working days and days off do not pair up")
    } else if number.is_some_and(|n| n.is_empty() || n.len() > 32) {
        // An act number ("713", "109-ө" …) is a number, not a paragraph.
        Err("decreeNumber is empty or longer than 32 bytes (write null when it is not known)")
    } else if date.is_some_and(|adopted| moved.iter().any(|&d| d < adopted)) {
        Err("decreeDate is after a day the act moves")
    } else if (number.is_none() || date.is_none()) && citation.note.trim().is_empty() {
        Err("a citation without a number or a date needs a note saying why")
    } else {
        Ok(Decree { act: citation.act, description: transfer.decree.clone(), number: number.map(str::to_owned), date, note: citation.note.clone() })
    }
}

/// The days off that the statutes alone give one year (holidays, and the substitutes of those
/// that fell on a weekend), kept for the year last asked about while a document is checked.
struct Statutory<'a> {
    calendar: &'a Calendar,
    year: Option<(super::YearTable, Vec<(NaiveDate, bool)>)>,
}

impl Statutory<'_> {
    /// `(is a public holiday, is a statutory day off)` for `date`.
    fn day(&mut self, date: NaiveDate) -> (bool, bool) {
        if !matches!(&self.year, Some((table, _)) if table.year == date.year()) {
            self.year = Some((self.calendar.year_table(date.year()), self.calendar.holidays_in(date.year())));
        }
        match &self.year {
            Some((table, holidays)) => (holidays.iter().any(|&(d, _)| d == date), table.contains(date)),
            None => (false, false),
        }
    }
}

/// The format and version, checked before anything else is read: the version decides which
/// fields a transfer may have.
fn check_version(value: &Value<'_>) -> Result<(), CalendarError> {
    let doc = Object::new(value, "").map_err(CalendarError::Json)?;
    let format = doc.str("format").map_err(CalendarError::Json)?;
    let version = doc.int("version").map_err(CalendarError::Json)?;
    if format != FORMAT || !(i64::from(OLDEST_VERSION)..=i64::from(VERSION)).contains(&version) {
        return Err(CalendarError::Version(format!(
            "expected format '{FORMAT}' version {OLDEST_VERSION} to {VERSION}, got '{format}' version {version}"
        )));
    }
    Ok(())
}

impl Calendar {
    /// Loads a calendar document, checking all of it before returning anything.
    pub fn from_json(json: &str) -> Result<Calendar, CalendarError> {
        let value = Value::parse(json).map_err(|_| CalendarError::Json("not a JSON document".to_owned()))?;
        check_version(&value)?;
        Calendar::from_document(Document::read(&value).map_err(CalendarError::Json)?)
    }

    /// Checks a document and builds the calendar.
    fn from_document(doc: Document) -> Result<Calendar, CalendarError> {
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
        super::sort::sort(&mut movable);
        if let Some(pair) = movable.windows(2).find(|p| p[0] == p[1]) {
            return Err(invalid(format!("{} is listed twice", pair[0])));
        }

        // The statutes first: a decree can only move a day that they make a day off.
        let mut calendar = Calendar {
            revision: doc.revision,
            source: doc.source,
            decrees_known_through: doc.decrees_known_through,
            fixed,
            movable,
            decree_working: Vec::new(),
            decree_off: Vec::new(),
            decrees: Vec::new(),
        };
        let mut statutory = Statutory { calendar: &calendar, year: None };
        let mut working = Vec::new();
        let mut off = Vec::new();
        let mut decrees = Vec::new();
        for (i, transfer) in doc.transfers.iter().enumerate() {
            let what = format!("transfers[{i}] ({})", transfer.decree);
            let mut moved = Vec::with_capacity(transfer.working_days.len() + transfer.days_off.len());
            for (k, text) in transfer.working_days.iter().chain(&transfer.days_off).enumerate() {
                let date = parse_date(text, &what)?;
                let (holiday, statutory_off) = statutory.day(date);
                let day_off = is_weekend(date) || statutory_off;
                let problem = if k < transfer.working_days.len() {
                    (holiday || !day_off).then_some("is worked but is no day off to move (a Saturday, Sunday or substitute day off)")
                } else {
                    day_off.then_some("is made a day off but already is one")
                };
                if let Some(problem) = problem {
                    return Err(invalid(format!("{what}: {date} {problem}")));
                }
                if k < transfer.working_days.len() { working.push(date) } else { off.push(date) }
                moved.push(date);
            }
            if let Some(citation) = &transfer.citation {
                let decree = decree(transfer, citation, &moved).map_err(|problem| invalid(format!("{what}: {problem}")))?;
                decrees.push((decree, moved));
            }
        }
        for list in [&mut working, &mut off] {
            super::sort::sort(list);
            if let Some(pair) = list.windows(2).find(|p| p[0] == p[1]) {
                return Err(invalid(format!("{} is listed twice", pair[0])));
            }
        }
        calendar.decree_working = working;
        calendar.decree_off = off;
        calendar.decrees = decrees;
        Ok(calendar)
    }
}
