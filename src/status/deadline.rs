//! The deadlines of the Rules, as instants, with one counting convention each.
//!
//! Every deadline of an application's life is computed here and nowhere else: the lifecycle
//! ([`super::Status`]), the tracker's countdowns ([`super::status_view`]), the backend's jobs and
//! the page all ask a [`Deadlines`] — the working-day [`Calendar`] and the provider's
//! [`ServicePolicy`] together.
//!
//! "End of day D" is 24:00 Kazakhstan local time on D, that is the instant 00:00 local on the
//! next day (see [`end_of_local_day`]); a deadline is the first instant at which it is too
//! late. "Local date of an instant" uses the offset then in force (UTC+6 before
//! 2024-03-01, UTC+5 from then; [`crate::calendar::zone`]). Working days are counted with
//! [`Calendar::add_working_days`]: the start day itself is never counted.
//!
//! | deadline | rule | convention (default policy) |
//! |---|---|---|
//! | processing day | Appendix 2 | the local submission date when it is a working day and the submission came before the end of the provider's working day (18:30); else the next working day ("submissions after hours, on weekends or holidays are processed the next working day") |
//! | originals due | 22, 29 | end of the 5th working day after the processing day |
//! | originals confirmed | 22, Appendix 2 | 30 minutes after the applicant brings them to the service provider |
//! | window opens | 24.4 | 07:00 local on its day `D` |
//! | window closes | 24.4 | end of the 3rd working day counting `D` itself when it is a working day (else from the next working day): Monday 07:00 → Wednesday 24:00 |
//! | referral valid | App. 4 item 8, 3.5, 3.6 | end of the 5th working day after the local issue date; for an early-booking seat taken before it is free, after the day it becomes free |
//! | cancel | 30 | 24 hours after the issue instant ("within one day") |
//! | extension | 30 | once, to the end of a chosen day at most 30 calendar days after the day the validity counts from (the issue date, or an early-booking seat's free day) |
//! | vacancy bulletin | 24.3 | 18:00 local daily |
//! | reminders | 24.9 (notifications) | one working day before a window closes: 00:00 local of its last day; one day before a referral expires: 24 hours before it |

use super::policy::{LocalTime, ServicePolicy, MIDNIGHT};
use crate::calendar::{zone, Calendar, CalendarError};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Utc};

fn range(what: &str) -> CalendarError {
    CalendarError::Range(format!("{what} is outside the supported dates"))
}

/// The local date of `instant`.
pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    zone::to_local(instant).date_naive()
}

/// The instant local clocks show `time` on `date`.
pub fn local_time(date: NaiveDate, time: LocalTime) -> Result<DateTime<Utc>, CalendarError> {
    let time = NaiveTime::from_hms_opt(time.hour(), time.minute(), 0).ok_or_else(|| range("time"))?;
    zone::local_to_instant(date.and_time(time)).ok_or_else(|| range("date"))
}

/// 24:00 local on `date`: the instant 00:00 local on the next day.
pub fn end_of_local_day(date: NaiveDate) -> Result<DateTime<Utc>, CalendarError> {
    let next = date.checked_add_days(Days::new(1)).ok_or_else(|| range("date"))?;
    local_time(next, MIDNIGHT)
}

/// 00:00 local on `date`.
pub fn start_of_local_day(date: NaiveDate) -> Result<DateTime<Utc>, CalendarError> {
    local_time(date, MIDNIGHT)
}

/// The first instant strictly after `now` at which local clocks show `time`.
pub fn next_local_time(now: DateTime<Utc>, time: LocalTime) -> Result<DateTime<Utc>, CalendarError> {
    let today = local_date(now);
    let at = local_time(today, time)?;
    if at > now {
        return Ok(at);
    }
    local_time(today.checked_add_days(Days::new(1)).ok_or_else(|| range("date"))?, time)
}

/// The working-day calendar and the provider's policy: every deadline of the Rules.
#[derive(Clone, Copy, Debug)]
pub struct Deadlines<'a> {
    pub calendar: &'a Calendar,
    pub policy: &'a ServicePolicy,
}

impl<'a> Deadlines<'a> {
    pub fn new(calendar: &'a Calendar, policy: &'a ServicePolicy) -> Deadlines<'a> {
        Deadlines { calendar, policy }
    }

    /// The day a submission made at `submitted_at` is processed (Appendix 2): its own local
    /// date when that is a working day and the submission came before the provider's working
    /// day ended, else the next working day. Every deadline that counts from the submission
    /// counts from this day.
    pub fn processing_day(&self, submitted_at: DateTime<Utc>) -> Result<NaiveDate, CalendarError> {
        let day = local_date(submitted_at);
        if self.calendar.is_working_day(day) && submitted_at < local_time(day, self.policy.workday_ends_at)? {
            Ok(day)
        } else {
            self.calendar.next_working_day(day)
        }
    }

    /// The last day to bring the originals of an application submitted at `submitted_at`
    /// (rules 22, 29): the 5th working day after the processing day.
    pub fn originals_last_day(&self, submitted_at: DateTime<Utc>) -> Result<NaiveDate, CalendarError> {
        self.originals_last_day_from(self.processing_day(submitted_at)?)
    }

    /// The last day to bring the originals when the processing day is `processed_on`.
    pub fn originals_last_day_from(&self, processed_on: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.calendar.add_working_days(processed_on, i64::from(self.policy.originals_working_days))
    }

    /// The instant the originals are late.
    pub fn originals_deadline(&self, submitted_at: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        end_of_local_day(self.originals_last_day(submitted_at)?)
    }

    /// By when the service provider confirms the originals an applicant brought at
    /// `arrived_at` (rule 22, Appendix 2: 30 minutes).
    pub fn originals_confirm_by(&self, arrived_at: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        arrived_at.checked_add_signed(TimeDelta::minutes(i64::from(self.policy.originals_service_minutes))).ok_or_else(|| range("instant"))
    }

    /// When the access window of day `on` opens (rule 24.4).
    pub fn window_opens(&self, on: NaiveDate) -> Result<DateTime<Utc>, CalendarError> {
        local_time(on, self.policy.window_opens_at)
    }

    /// The last day of the access window opened on `on` (rule 24.4): the 3rd working day
    /// counting `on` itself when it is a working day, so the applicant always has three
    /// working days.
    pub fn window_last_day(&self, on: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let first = if self.calendar.is_working_day(on) { on } else { self.calendar.next_working_day(on)? };
        self.calendar.add_working_days(first, i64::from(self.policy.window_working_days) - 1)
    }

    /// The first instant the window opened on `on` is closed.
    pub fn window_closes(&self, on: NaiveDate) -> Result<DateTime<Utc>, CalendarError> {
        end_of_local_day(self.window_last_day(on)?)
    }

    /// The last day a referral issued at `issued_at` is valid, without extension (Appendix 4
    /// item 8).
    pub fn referral_last_day(&self, issued_at: DateTime<Utc>) -> Result<NaiveDate, CalendarError> {
        self.calendar.add_working_days(local_date(issued_at), i64::from(self.policy.referral_working_days))
    }

    /// The instant a referral issued at `issued_at` expires, without extension.
    pub fn referral_deadline(&self, issued_at: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        end_of_local_day(self.referral_last_day(issued_at)?)
    }

    /// The day a referral's validity counts from (rules 3.5, 3.6): the local issue date, or
    /// the day an early-booking seat becomes free when that is later.
    pub fn referral_start(&self, issued_at: DateTime<Utc>, counts_from: Option<NaiveDate>) -> NaiveDate {
        let issued_on = local_date(issued_at);
        counts_from.map_or(issued_on, |day| day.max(issued_on))
    }

    /// The last valid day of a referral whose validity counts from `start` (see
    /// [`Deadlines::referral_start`]): the 5th working day after it, the start day itself not
    /// counted, as for the issue day.
    pub fn referral_last_day_from(&self, start: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.calendar.add_working_days(start, i64::from(self.policy.referral_working_days))
    }

    /// The latest day an extension may reach: 30 calendar days after the local issue date
    /// (rule 30).
    pub fn extension_limit(&self, issued_at: DateTime<Utc>) -> Result<NaiveDate, CalendarError> {
        self.extension_limit_from(local_date(issued_at))
    }

    /// The latest day an extension may reach for a referral whose validity counts from `start`.
    pub fn extension_limit_from(&self, start: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.calendar.add_calendar_days(start, self.policy.extension_calendar_days)
    }

    /// The first instant a referral issued at `issued_at` can no longer be cancelled (rule 30).
    pub fn cancel_deadline(&self, issued_at: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        issued_at.checked_add_signed(TimeDelta::hours(i64::from(self.policy.cancel_hours))).ok_or_else(|| range("instant"))
    }

    /// The next daily access window (rule 24.4) strictly after `now`.
    pub fn next_window(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        let mut at = next_local_time(now, self.policy.window_opens_at)?;
        // Windows open on working days only.
        for _ in 0..60 {
            if self.calendar.is_working_day(local_date(at)) {
                return Ok(at);
            }
            let next = self.calendar.next_working_day(local_date(at))?;
            at = local_time(next, self.policy.window_opens_at)?;
        }
        Err(range("next window"))
    }

    /// The next daily vacancy bulletin (rule 24.3) strictly after `now`.
    pub fn next_bulletin(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        next_local_time(now, self.policy.bulletin_at)
    }

    /// When to remind the holder of the window opened on `on` that it closes (one working day
    /// before: the start of its last day).
    pub fn window_reminder(&self, on: NaiveDate) -> Result<DateTime<Utc>, CalendarError> {
        start_of_local_day(self.window_last_day(on)?)
    }
}
