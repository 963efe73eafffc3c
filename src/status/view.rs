//! What the tracker shows for a status at a given instant: title, deadline, time left, what
//! the person can do now and what the system does next. The page derives nothing itself: it
//! calls [`status_view`] on the status the backend sends, once a second for the countdowns.
//!
//! Times a person reads are written `30.11.2026, 23:59 (Astana time)`: a deadline at the end
//! of a day is shown as 23:59 of that day, never as 00:00 of the next one.

use super::{deadline, Deadlines, Status, StatusError, WindowRound};
use crate::calendar::zone;
use crate::i18n::{self, Lang};
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
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
    /// Confirm interest in a seat (rules 20.2, 23).
    ConfirmInterest,
    /// Say no seat is needed for now (rule 20.7).
    DeclineSeats,
    /// Choose a kindergarten and take a referral (rules 23, 24.5).
    ClaimSeat,
    /// Cancel the referral (rule 30, within a day of issue).
    CancelReferral,
    /// Extend the referral once, up to 30 calendar days from issue (rule 30).
    ExtendReferral,
    /// Bring the originals to the provider (rule 22).
    BringOriginals,
    /// Bring the referral and documents to the kindergarten (Appendix 4).
    BringDocuments,
    /// Withdraw the application (rule 23).
    Withdraw,
}

impl Action {
    fn key(self) -> &'static str {
        match self {
            Action::ConfirmInterest => "status.action.confirm_interest",
            Action::DeclineSeats => "status.action.decline_seats",
            Action::ClaimSeat => "status.action.claim_seat",
            Action::CancelReferral => "status.action.cancel_referral",
            Action::ExtendReferral => "status.action.extend_referral",
            Action::BringOriginals => "status.action.bring_originals",
            Action::BringDocuments => "status.action.bring_documents",
            Action::Withdraw => "status.action.withdraw",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct ActionView {
    pub action: Action,
    pub label: String,
    /// Until when the action is possible (ISO-8601, Kazakhstan local time), when limited.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub until: Option<String>,
    /// The same instant for a person (`30.11.2026, 23:59 (Astana time)`).
    #[serde(rename = "untilText", skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub until_text: Option<String>,
}

/// What the system does next, on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum SystemEvent {
    /// The daily vacancy bulletin (rule 24.3, 18:00 by default).
    VacancyBulletin,
    /// The daily access window (rule 24.4, 07:00 by default).
    AccessWindow,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct EventView {
    pub event: SystemEvent,
    /// ISO-8601, Kazakhstan local time.
    pub at: String,
    /// The label with its time for a person.
    pub label: String,
}

/// The tracker's view of a status at `now`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct StatusView {
    /// The state once the deadlines that ran out by `now` took effect (see [`Status::settle`]).
    #[tsify(type = "\"awaiting_originals\" | \"queued\" | \"window_open\" | \"referred\" | \"temporary_stay\" | \"stop_listed\" | \"admitted\" | \"withdrawn\" | \"refused\" | \"archived\"")]
    pub state: &'static str,
    /// The status once settled, to send back or keep.
    #[tsify(type = "Status")]
    pub status: Status,
    pub title: String,
    /// The deadline that matters now: ISO-8601 in Kazakhstan local time with its offset (the
    /// first instant it is too late).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub deadline: Option<String>,
    /// The deadline's last moment for a person: `30.11.2026, 23:59 (Astana time)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub deadline_text: Option<String>,
    /// What the deadline is for, with its last day, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub deadline_label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub time_left: Option<TimeLeft>,
    /// Reasons and remarks: why refused, archived or stop-listed, what a paused interest means.
    pub notes: Vec<String>,
    pub actions: Vec<ActionView>,
    pub next_events: Vec<EventView>,
}

/// `DD.MM.YYYY`, as dates are written in Kazakhstan in all three languages.
pub fn format_day(day: NaiveDate) -> String {
    format!("{:02}.{:02}.{:04}", day.day(), day.month(), day.year())
}

/// An instant for a person: `30.11.2026, 23:59 (Astana time)`. An end of day (00:00 local) is
/// written as 23:59 of the day before, the last minute in which it is still in time.
pub fn format_moment(instant: DateTime<Utc>, lang: Lang) -> String {
    let local = zone::to_local(instant);
    let (day, hour, minute) = if local.hour() == 0 && local.minute() == 0 {
        (local.date_naive().pred_opt().unwrap_or(local.date_naive()), 23, 59)
    } else {
        (local.date_naive(), local.hour(), local.minute())
    };
    i18n::format(lang, "time.moment", &[("date", &format_day(day)), ("time", &format!("{hour:02}:{minute:02}"))])
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
    d: &'a Deadlines<'a>,
}

impl Builder<'_> {
    /// Sets the deadline and the time left; `label_key` names what it is for (`{at}`: its last
    /// moment in words).
    fn deadline(&mut self, counted: Counted, label_key: &str) -> Result<DateTime<Utc>, StatusError> {
        let due = match counted {
            Counted::Working(day) => deadline::end_of_local_day(day)?,
            Counted::Calendar(at) => at,
        };
        self.view.deadline = Some(zone::format_local(due));
        self.view.deadline_text = Some(format_moment(due, self.lang));
        // The label names the last day on which it is still in time.
        let last_day = deadline::local_date(due - chrono::TimeDelta::seconds(1));
        self.view.deadline_label = Some(i18n::format(self.lang, label_key, &[("date", &format_day(last_day))]));
        let (unit, days, hours) = match counted {
            Counted::Working(day) => {
                let today = deadline::local_date(self.now);
                let days = self.d.calendar.working_days_between(today, day)?.max(0);
                let hours = if self.d.calendar.is_working_day(today) { (deadline::end_of_local_day(today)? - self.now).num_hours() } else { 0 };
                (TimeUnit::WorkingDays, days, hours)
            }
            Counted::Calendar(at) => {
                let left = at - self.now;
                (TimeUnit::CalendarDays, left.num_days(), left.num_hours() % 24)
            }
        };
        let (days, hours) = (u32::try_from(days).unwrap_or(u32::MAX), u32::try_from(hours.max(0)).unwrap_or(0));
        let key = match unit {
            TimeUnit::WorkingDays => "status.time_left.working_days",
            TimeUnit::CalendarDays => "status.time_left.calendar_days",
        };
        let text = i18n::format(self.lang, key, &[("days", &days.to_string()), ("hours", &hours.to_string())]);
        self.view.time_left = Some(TimeLeft { unit, days, hours, text });
        Ok(due)
    }

    fn action(&mut self, action: Action, until: Option<DateTime<Utc>>) {
        self.view.actions.push(ActionView {
            action,
            label: i18n::text(self.lang, action.key()),
            until: until.map(zone::format_local),
            until_text: until.map(|at| format_moment(at, self.lang)),
        });
    }

    fn event(&mut self, event: SystemEvent, at: DateTime<Utc>) {
        let key = match event {
            SystemEvent::VacancyBulletin => "status.event.vacancy_bulletin",
            SystemEvent::AccessWindow => "status.event.access_window",
        };
        let label = format!("{}: {}", i18n::text(self.lang, key), format_moment(at, self.lang));
        self.view.next_events.push(EventView { event, at: zone::format_local(at), label });
    }

    /// The next access window and bulletin, in time order.
    fn daily_events(&mut self) -> Result<(), StatusError> {
        let mut events = [(SystemEvent::AccessWindow, self.d.next_window(self.now)?), (SystemEvent::VacancyBulletin, self.d.next_bulletin(self.now)?)];
        events.sort_by_key(|&(_, at)| at);
        for (event, at) in events {
            self.event(event, at);
        }
        Ok(())
    }

    fn note(&mut self, key: &str, args: &[(&str, &str)]) {
        self.view.notes.push(i18n::format(self.lang, key, args));
    }
}

/// What the tracker shows for `status` at `now`, in `lang`. Deadlines that ran out by `now`
/// take effect first ([`Status::settle`]), so a referral past its end shows as what followed.
pub fn status_view(status: &Status, now: DateTime<Utc>, lang: Lang, d: &Deadlines) -> Result<StatusView, StatusError> {
    let status = status.settle(now, d)?;
    let state = status.code();
    let title_key = match &status {
        Status::AwaitingOriginals { .. } => "status.title.submitted".to_owned(),
        Status::Queued { interested: false } => "status.title.queued_paused".to_owned(),
        Status::Archived { reason, .. } => format!("status.title.archived.{}", reason.code()),
        _ => format!("status.title.{state}"),
    };
    let view = StatusView {
        state,
        status: status.clone(),
        title: i18n::text(lang, &title_key),
        deadline: None,
        deadline_text: None,
        deadline_label: None,
        time_left: None,
        notes: Vec::new(),
        actions: Vec::new(),
        next_events: Vec::new(),
    };
    let mut b = Builder { view, now, lang, d };
    match &status {
        Status::AwaitingOriginals { submitted_at } => {
            let due = b.deadline(Counted::Working(d.originals_last_day(*submitted_at)?), "status.deadline.submitted")?;
            b.action(Action::BringOriginals, Some(due));
            b.action(Action::Withdraw, None);
        }
        Status::Queued { interested: true } | Status::TemporaryStay { .. } => {
            if let Status::TemporaryStay { until } = &status {
                b.note("status.note.temporary_stay", &[("date", &format_day(*until))]);
            }
            b.action(Action::DeclineSeats, None);
            b.action(Action::Withdraw, None);
            b.daily_events()?;
        }
        Status::Queued { interested: false } => {
            let next = d.next_window(now)?;
            b.note("status.note.interest_paused", &[("at", &format_moment(next, lang))]);
            b.action(Action::ConfirmInterest, None);
            b.action(Action::Withdraw, None);
        }
        Status::WindowOpen { opened_on, round } => {
            let opens = d.window_opens(*opened_on)?;
            let due = b.deadline(Counted::Working(d.window_last_day(*opened_on)?), "status.deadline.window_open")?;
            if *round == WindowRound::Remaining {
                b.note("status.note.remaining_round", &[]);
            }
            if now >= opens {
                b.action(Action::ClaimSeat, Some(due));
            } else {
                b.event(SystemEvent::AccessWindow, opens);
            }
            b.action(Action::DeclineSeats, None);
            b.action(Action::Withdraw, None);
            let bulletin = d.next_bulletin(now)?;
            b.event(SystemEvent::VacancyBulletin, bulletin);
        }
        Status::Referred { issued_at, extended_until, counts_from } => {
            let due = match extended_until {
                Some(until) => {
                    b.note("status.note.extended", &[("date", &format_day(*until))]);
                    b.deadline(Counted::Calendar(deadline::end_of_local_day(*until)?), "status.deadline.referred")?
                }
                None => b.deadline(Counted::Working(d.referral_last_day_from(d.referral_start(*issued_at, *counts_from))?), "status.deadline.referred")?,
            };
            b.action(Action::BringDocuments, Some(due));
            let cancel_until = d.cancel_deadline(*issued_at)?;
            if now < cancel_until {
                b.action(Action::CancelReferral, Some(cancel_until));
            }
            if extended_until.is_none() {
                b.action(Action::ExtendReferral, Some(due));
            }
            b.action(Action::Withdraw, None);
        }
        Status::StopListed { reason } => {
            b.note(&format!("status.stop.{}", reason.code()), &[]);
            b.action(Action::Withdraw, None);
        }
        Status::Refused { reasons } => {
            for reason in reasons {
                b.note(&format!("status.refusal.{}", reason.code()), &[]);
            }
        }
        Status::Admitted { .. } | Status::Withdrawn { .. } | Status::Archived { .. } => {}
    }
    Ok(b.view)
}
