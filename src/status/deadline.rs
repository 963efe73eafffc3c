//! The deadlines of the Rules, as instants, with one counting convention each.
//!
//! "End of day D" is 24:00 Kazakhstan local time on D, that is the instant 00:00 local on the
//! next day (see [`end_of_local_day`]); a deadline is the first instant at which it is too
//! late. "Local date of an instant" uses the offset then in force (UTC+6 before
//! 2024-03-01, UTC+5 from then; [`crate::calendar::zone`]). Working days are counted with
//! [`Calendar::add_working_days`]: the start day itself is never counted.
//!
//! | deadline | rule | convention |
//! |---|---|---|
//! | originals due | 29 | end of the 5th working day after the local submission date |
//! | window opens | 24.4 | 07:00 local on its day `D` |
//! | window closes | 24.4 | end of the 3rd working day counting `D` itself when it is a working day (else from the next working day): Monday 07:00 → Wednesday 24:00 |
//! | referral valid | App. 4 item 8 | end of the 5th working day after the local issue date |
//! | cancel | 30 | 24 hours after the issue instant ("within one day") |
//! | extension | 30 | once, to the end of a chosen day at most 30 calendar days after the local issue date |
//! | vacancy bulletin | 24.3 | 18:00 local daily |

use crate::calendar::{zone, Calendar, CalendarError};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Utc};

/// Working days to bring the originals (rule 29).
pub const ORIGINALS_WORKING_DAYS: i64 = 5;
/// Working days of priority access to referrals (rule 24.4).
pub const WINDOW_WORKING_DAYS: i64 = 3;
/// Working days a referral is valid (Appendix 4, item 8).
pub const REFERRAL_WORKING_DAYS: i64 = 5;
/// Calendar days from issue a referral may be extended to (rule 30).
pub const EXTENSION_CALENDAR_DAYS: u32 = 30;
/// Hours after issue the applicant may cancel a referral (rule 30).
pub const CANCEL_HOURS: i64 = 24;
/// Local hour the access window opens (rule 24.4).
pub const WINDOW_HOUR: u32 = 7;
/// Local hour the vacancy bulletin is published (rule 24.3).
pub const BULLETIN_HOUR: u32 = 18;

fn range(what: &str) -> CalendarError {
    CalendarError::Range(format!("{what} is outside the supported dates"))
}

/// The local date of `instant`.
pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    zone::to_local(instant).date_naive()
}

/// The instant local clocks show `hour`:00 on `date`.
pub fn local_time(date: NaiveDate, hour: u32) -> Result<DateTime<Utc>, CalendarError> {
    let time = NaiveTime::from_hms_opt(hour, 0, 0).ok_or_else(|| range("hour"))?;
    zone::local_to_instant(date.and_time(time)).ok_or_else(|| range("date"))
}

/// 24:00 local on `date`: the instant 00:00 local on the next day.
pub fn end_of_local_day(date: NaiveDate) -> Result<DateTime<Utc>, CalendarError> {
    let next = date.checked_add_days(Days::new(1)).ok_or_else(|| range("date"))?;
    local_time(next, 0)
}

/// The last day to bring the originals of an application submitted at `submitted_at` (rule 29).
pub fn originals_last_day(submitted_at: DateTime<Utc>, calendar: &Calendar) -> Result<NaiveDate, CalendarError> {
    calendar.add_working_days(local_date(submitted_at), ORIGINALS_WORKING_DAYS)
}

/// When the access window of day `on` opens: 07:00 local (rule 24.4).
pub fn window_opens(on: NaiveDate) -> Result<DateTime<Utc>, CalendarError> {
    local_time(on, WINDOW_HOUR)
}

/// The last day of the access window opened on `on` (rule 24.4): the 3rd working day counting
/// `on` itself when it is a working day, so the applicant always has three working days.
pub fn window_last_day(on: NaiveDate, calendar: &Calendar) -> Result<NaiveDate, CalendarError> {
    let first = if calendar.is_working_day(on) { on } else { calendar.next_working_day(on)? };
    calendar.add_working_days(first, WINDOW_WORKING_DAYS - 1)
}

/// The last day a referral issued at `issued_at` is valid, without extension (Appendix 4 item 8).
pub fn referral_last_day(issued_at: DateTime<Utc>, calendar: &Calendar) -> Result<NaiveDate, CalendarError> {
    calendar.add_working_days(local_date(issued_at), REFERRAL_WORKING_DAYS)
}

/// The instant a referral issued at `issued_at` expires, without extension.
pub fn referral_deadline(issued_at: DateTime<Utc>, calendar: &Calendar) -> Result<DateTime<Utc>, CalendarError> {
    end_of_local_day(referral_last_day(issued_at, calendar)?)
}

/// The latest day an extension may reach: 30 calendar days after the local issue date (rule 30).
pub fn extension_limit(issued_at: DateTime<Utc>, calendar: &Calendar) -> Result<NaiveDate, CalendarError> {
    calendar.add_calendar_days(local_date(issued_at), EXTENSION_CALENDAR_DAYS)
}

/// The first instant a referral issued at `issued_at` can no longer be cancelled (rule 30).
pub fn cancel_deadline(issued_at: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
    issued_at.checked_add_signed(TimeDelta::hours(CANCEL_HOURS)).ok_or_else(|| range("instant"))
}

/// The first instant strictly after `now` at which local clocks show `hour`:00.
pub fn next_local_hour(now: DateTime<Utc>, hour: u32) -> Result<DateTime<Utc>, CalendarError> {
    let today = local_date(now);
    let at = local_time(today, hour)?;
    if at > now {
        return Ok(at);
    }
    local_time(today.checked_add_days(Days::new(1)).ok_or_else(|| range("date"))?, hour)
}
