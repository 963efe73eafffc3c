//! What the tracker shows for a status at a given instant: title, deadline, time left,
//! what the person can do now and what the system does next.

use super::{deadline, Status, StatusError};
use crate::calendar::{zone, Calendar};
use crate::i18n::{self, Lang};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use tsify::Tsify;

/// How the time left is counted: in working days where the Rules count working days
/// (originals, access window, referral), in calendar days otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    WorkingDays,
    CalendarDays,
}

/// The time left until a deadline.
///
/// * Working days: `days` is the number of working days after today up to and including the
///   last day; `hours` the whole hours left of today when today is a working day (else 0).
///   So a referral issued on a Monday at 10:00 shows 5 days and 13 hours at 10:30.
/// * Calendar days: the whole days and hours of the remaining duration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct TimeLeft {
    pub unit: TimeUnit,
    pub days: u32,
    pub hours: u32,
    /// The same in words, in the requested language.
    pub text: String,
}

/// What the person can do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Confirm interest in a seat (rule 23).
    ConfirmInterest,
    /// Choose a kindergarten and take a referral (rules 23, 24.5).
    ClaimSeat,
    /// Cancel the referral (rule 30, within 24 hours of issue).
    CancelReferral,
    /// Extend the referral once, up to 30 calendar days from issue (rule 30).
    ExtendReferral,
    /// Bring the originals to the provider (rule 29).
    BringOriginals,
    /// Bring the referral and documents to the kindergarten (Appendix 4).
    BringDocuments,
    /// Withdraw the application (rule 23).
    Withdraw,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct ActionView {
    pub action: Action,
    pub label: String,
    /// Until when the action is possible (ISO-8601, Kazakhstan local time), when limited.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub until: Option<String>,
}

/// What the system does next, on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum SystemEvent {
    /// The daily vacancy bulletin at 18:00 (rule 24.3).
    VacancyBulletin,
    /// The daily access window at 07:00 (rule 24.4).
    AccessWindow,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct EventView {
    pub event: SystemEvent,
    /// ISO-8601, Kazakhstan local time.
    pub at: String,
    pub label: String,
}

/// The tracker's view of a status at `now`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct StatusView {
    /// The state once the deadlines that ran out by `now` took effect (see [`Status::settle`]).
    #[tsify(type = "\"submitted\" | \"queued\" | \"window_open\" | \"referred\" | \"admitted\" | \"stop_listed\" | \"withdrawn\" | \"aged_out\" | \"refused\" | \"referral_expired\" | \"referral_cancelled\"")]
    pub state: &'static str,
    pub title: String,
    /// The deadline that matters now: ISO-8601 in Kazakhstan local time with its offset.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub deadline: Option<String>,
    /// What the deadline is for, with its last day, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub deadline_label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub time_left: Option<TimeLeft>,
    /// The deadline has passed (only `submitted` can be overdue: the others settle).
    pub overdue: bool,
    /// Reasons and remarks: why refused or stop-listed, why extended.
    pub notes: Vec<String>,
    pub actions: Vec<ActionView>,
    pub next_events: Vec<EventView>,
}

fn iso_local(instant: DateTime<Utc>) -> String {
    zone::format_local(instant)
}

enum Counted {
    /// Ends at the end of this local day, counted in working days.
    Working(NaiveDate),
    /// Ends at this instant, counted in calendar days.
    Calendar(DateTime<Utc>),
}

struct Builder<'a> {
    view: StatusView,
    now: DateTime<Utc>,
    lang: Lang,
    calendar: &'a Calendar,
}

impl Builder<'_> {
    /// Sets the deadline; `label_day` is the day the label names (the last valid day).
    fn deadline(&mut self, counted: Counted, label_key: &str, label_day: NaiveDate) -> Result<(), StatusError> {
        let due = match counted {
            Counted::Working(day) => deadline::end_of_local_day(day)?,
            Counted::Calendar(at) => at,
        };
        self.view.deadline = Some(iso_local(due));
        self.view.deadline_label = Some(i18n::format(self.lang, label_key, &[("date", &format_day(label_day))]));
        if self.now >= due {
            self.view.overdue = true;
            return Ok(());
        }
        let (unit, days, hours) = match counted {
            Counted::Working(day) => {
                let today = deadline::local_date(self.now);
                let days = self.calendar.working_days_between(today, day)?.max(0);
                let hours = if self.calendar.is_working_day(today) { (deadline::end_of_local_day(today)? - self.now).num_hours() } else { 0 };
                (TimeUnit::WorkingDays, days, hours)
            }
            Counted::Calendar(at) => {
                let left = at - self.now;
                (TimeUnit::CalendarDays, left.num_days(), left.num_hours() % 24)
            }
        };
        let (days, hours) = (u32::try_from(days).unwrap_or(u32::MAX), u32::try_from(hours).unwrap_or(0));
        let key = match unit {
            TimeUnit::WorkingDays => "status.time_left.working_days",
            TimeUnit::CalendarDays => "status.time_left.calendar_days",
        };
        let text = i18n::format(self.lang, key, &[("days", &days.to_string()), ("hours", &hours.to_string())]);
        self.view.time_left = Some(TimeLeft { unit, days, hours, text });
        Ok(())
    }

    fn action(&mut self, action: Action, until: Option<DateTime<Utc>>) {
        let key = match action {
            Action::ConfirmInterest => "status.action.confirm_interest",
            Action::ClaimSeat => "status.action.claim_seat",
            Action::CancelReferral => "status.action.cancel_referral",
            Action::ExtendReferral => "status.action.extend_referral",
            Action::BringOriginals => "status.action.bring_originals",
            Action::BringDocuments => "status.action.bring_documents",
            Action::Withdraw => "status.action.withdraw",
        };
        self.view.actions.push(ActionView { action, label: i18n::text(self.lang, key), until: until.map(iso_local) });
    }

    fn event(&mut self, event: SystemEvent, at: DateTime<Utc>) {
        let key = match event {
            SystemEvent::VacancyBulletin => "status.event.vacancy_bulletin",
            SystemEvent::AccessWindow => "status.event.access_window",
        };
        self.view.next_events.push(EventView { event, at: iso_local(at), label: i18n::text(self.lang, key) });
    }

    fn daily_events(&mut self) -> Result<(), StatusError> {
        let window = deadline::next_local_hour(self.now, deadline::WINDOW_HOUR)?;
        let bulletin = deadline::next_local_hour(self.now, deadline::BULLETIN_HOUR)?;
        let mut events = [(SystemEvent::AccessWindow, window), (SystemEvent::VacancyBulletin, bulletin)];
        events.sort_by_key(|&(_, at)| at);
        for (event, at) in events {
            self.event(event, at);
        }
        Ok(())
    }

    fn note(&mut self, key: String) {
        self.view.notes.push(i18n::text(self.lang, &key));
    }
}

/// `DD.MM.YYYY`, as dates are written in Kazakhstan in all three languages.
fn format_day(day: NaiveDate) -> String {
    format!("{:02}.{:02}.{:04}", day.day(), day.month(), day.year())
}

/// What the tracker shows for `status` at `now`, in `lang`. Deadlines that ran out by `now`
/// take effect first ([`Status::settle`]), so a referral past its end shows as expired.
pub fn status_view(status: &Status, now: DateTime<Utc>, lang: Lang, calendar: &Calendar) -> Result<StatusView, StatusError> {
    let status = status.settle(now, calendar)?;
    let state = status.code();
    let view = StatusView {
        state,
        title: i18n::text(lang, &format!("status.title.{state}")),
        deadline: None,
        deadline_label: None,
        time_left: None,
        overdue: false,
        notes: Vec::new(),
        actions: Vec::new(),
        next_events: Vec::new(),
    };
    let mut b = Builder { view, now, lang, calendar };
    match &status {
        Status::Submitted { submitted_at } => {
            let last = deadline::originals_last_day(*submitted_at, calendar)?;
            b.deadline(Counted::Working(last), "status.deadline.submitted", last)?;
            if !b.view.overdue {
                b.action(Action::BringOriginals, Some(deadline::end_of_local_day(last)?));
            }
            b.action(Action::Withdraw, None);
        }
        Status::Queued => {
            b.action(Action::ConfirmInterest, None);
            b.action(Action::Withdraw, None);
            b.daily_events()?;
        }
        Status::WindowOpen { opened_on } => {
            let last = deadline::window_last_day(*opened_on, calendar)?;
            let opens = deadline::window_opens(*opened_on)?;
            b.deadline(Counted::Working(last), "status.deadline.window_open", last)?;
            if now >= opens {
                b.action(Action::ClaimSeat, Some(deadline::end_of_local_day(last)?));
            }
            b.action(Action::Withdraw, None);
            if now < opens {
                b.event(SystemEvent::AccessWindow, opens);
            }
            let bulletin = deadline::next_local_hour(now, deadline::BULLETIN_HOUR)?;
            b.event(SystemEvent::VacancyBulletin, bulletin);
        }
        Status::Referred { issued_at, extension } => {
            let expires = match extension {
                Some(extension) => {
                    b.note(format!("status.extension.{}", extension.reason.code()));
                    let at = deadline::end_of_local_day(extension.until)?;
                    b.deadline(Counted::Calendar(at), "status.deadline.referred", extension.until)?;
                    at
                }
                None => {
                    let last = deadline::referral_last_day(*issued_at, calendar)?;
                    b.deadline(Counted::Working(last), "status.deadline.referred", last)?;
                    deadline::end_of_local_day(last)?
                }
            };
            b.action(Action::BringDocuments, Some(expires));
            let cancel_until = deadline::cancel_deadline(*issued_at)?;
            if now < cancel_until {
                b.action(Action::CancelReferral, Some(cancel_until));
            }
            if extension.is_none() {
                b.action(Action::ExtendReferral, Some(expires));
            }
        }
        Status::StopListed { reason, until } => {
            b.note(format!("status.stop.{}", reason.code()));
            if let Some(until) = until {
                b.deadline(Counted::Calendar(*until), "status.deadline.stop_listed", deadline::local_date(*until))?;
            }
            b.action(Action::Withdraw, None);
        }
        Status::Refused { reasons } => {
            for reason in reasons {
                b.note(format!("status.refusal.{}", reason.code()));
            }
        }
        Status::Admitted { .. } | Status::Withdrawn { .. } | Status::AgedOut { .. } | Status::ReferralExpired { .. } | Status::ReferralCancelled { .. } => {}
    }
    Ok(b.view)
}
