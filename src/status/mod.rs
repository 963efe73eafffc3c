//! An application's life, as a state machine with the Rules' deadlines.
//!
//! ```text
//! submitted ──originals confirmed (rule 29, 5 working days)──▶ queued
//!     │ refused (Appendix 2)                                     │ window opened (rule 24.4, 07:00)
//!     ▼                                                          ▼
//!  refused                      queued ◀── window closed ── window_open
//!                                  ▲                              │ referral issued
//!                stop-list lifted  │                              ▼
//!   stop_listed ◀── stop-listed ───┘      referral_cancelled ◀── referred ──▶ admitted
//!                                          (rule 30, 24 hours)     │  extended once (rule 30)
//!                                                                  ▼
//!                                                          referral_expired (App. 4 item 8)
//! withdrawn, aged_out: from submitted, queued, window_open or stop_listed (rules 18, 23).
//! ```
//!
//! [`Status::apply`] takes an [`Event`] that happened at a given instant and answers the next
//! status or a [`StatusError`] with a stable code. Deadlines pass without an event:
//! [`Status::settle`] moves a status past the ones that ran out by `now` (window closed →
//! queued, referral expired, stop-list ended → queued). The counting convention of each
//! deadline is in [`deadline`]. An application that misses its originals deadline stays
//! `submitted` and is shown as overdue: whether it is then refused is the provider's decision,
//! made with a `refused` event.

pub mod deadline;
mod read;
mod view;

pub use view::{status_view, Action, ActionView, EventView, StatusView, SystemEvent, TimeLeft, TimeUnit};

use crate::calendar::{Calendar, CalendarError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use core::fmt;
use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// Why an applicant cannot come with a referral in time, allowing one extension (rule 30).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionReason {
    Illness,
    Hospitalisation,
    BusinessTrip,
    Vacation,
}

impl ExtensionReason {
    /// The snake_case code, as serialised.
    pub fn code(self) -> &'static str {
        match self {
            ExtensionReason::Illness => "illness",
            ExtensionReason::Hospitalisation => "hospitalisation",
            ExtensionReason::BusinessTrip => "business_trip",
            ExtensionReason::Vacation => "vacation",
        }
    }
}

/// A granted extension of a referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub struct Extension {
    pub reason: ExtensionReason,
    /// The last valid day (`YYYY-MM-DD`, local); the referral expires at its end.
    #[tsify(type = "string")]
    #[serde(with = "crate::calendar::iso::date")]
    pub until: NaiveDate,
}

/// Why an application went to the stop-list (rule 20.6). The Rules do not list the violations;
/// these are the ones the other rules imply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Documents or data turned out unreliable.
    UnreliableData,
    /// A referral was taken and neither used nor cancelled.
    ReferralNotUsed,
    Other,
}

impl StopReason {
    /// The snake_case code, as serialised.
    pub fn code(self) -> &'static str {
        match self {
            StopReason::UnreliableData => "unreliable_data",
            StopReason::ReferralNotUsed => "referral_not_used",
            StopReason::Other => "other",
        }
    }
}

/// Why an application was refused (Appendix 2, refusal grounds; rule 29).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// Unreliable documents or data.
    UnreliableData,
    /// The applicant or the child does not meet the requirements (for example age, rule 18).
    NotEligible,
    /// The originals were not brought within 5 working days (rule 29).
    OriginalsNotBrought,
}

impl RefusalReason {
    /// The snake_case code, as serialised.
    pub fn code(self) -> &'static str {
        match self {
            RefusalReason::UnreliableData => "unreliable_data",
            RefusalReason::NotEligible => "not_eligible",
            RefusalReason::OriginalsNotBrought => "originals_not_brought",
        }
    }
}

/// Where an application is. Serialised as `{ state: "referred", issuedAt: "…", … }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    /// Submitted; the originals are due (rule 29).
    Submitted {
        #[serde(rename = "submittedAt")]
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::instant")]
        submitted_at: DateTime<Utc>,
    },
    /// In the queue.
    Queued,
    /// In the access window opened at 07:00 on `openedOn` (rule 24.4).
    WindowOpen {
        #[serde(rename = "openedOn")]
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::date")]
        opened_on: NaiveDate,
    },
    /// A referral was issued and is valid (Appendix 4 item 8).
    Referred {
        #[serde(rename = "issuedAt")]
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::instant")]
        issued_at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[tsify(optional)]
        extension: Option<Extension>,
    },
    Admitted {
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::instant")]
        at: DateTime<Utc>,
    },
    /// In the temporary archive; back in the queue at `until` when given.
    StopListed {
        reason: StopReason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[tsify(optional, type = "string")]
        #[serde(with = "crate::calendar::iso::optional_instant")]
        until: Option<DateTime<Utc>>,
    },
    Withdrawn {
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::instant")]
        at: DateTime<Utc>,
    },
    /// Archived because the child reached the age limit (rule 18, 24.9).
    AgedOut {
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::date")]
        on: NaiveDate,
    },
    Refused { reasons: Vec<RefusalReason> },
    ReferralExpired {
        #[serde(rename = "issuedAt")]
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::instant")]
        issued_at: DateTime<Utc>,
    },
    ReferralCancelled {
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::instant")]
        at: DateTime<Utc>,
    },
}

/// Something that happens to an application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    OriginalsConfirmed { at: DateTime<Utc> },
    Refused { reasons: Vec<RefusalReason> },
    WindowOpened { on: NaiveDate },
    ReferralIssued { at: DateTime<Utc> },
    ReferralCancelled { at: DateTime<Utc> },
    ReferralExtended { at: DateTime<Utc>, reason: ExtensionReason, until: NaiveDate },
    Admitted { at: DateTime<Utc> },
    StopListed { reason: StopReason, until: Option<DateTime<Utc>> },
    StopListLifted,
    Withdrawn { at: DateTime<Utc> },
    AgedOut { on: NaiveDate },
}

/// Why an event cannot happen. Codes are stable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusError {
    /// The event makes no sense in the current state.
    IllegalTransition { from: &'static str, event: &'static str },
    /// The originals came after their deadline (rule 29).
    OriginalsOverdue,
    /// A referral asked for outside the access window (rule 24.4).
    WindowClosed,
    /// Cancelled more than 24 hours after issue (rule 30).
    CancelTooLate,
    /// A second extension (rule 30 allows one).
    AlreadyExtended,
    /// An extension beyond 30 calendar days from issue (rule 30).
    ExtensionTooLong,
    /// An "extension" that does not go past the current last day.
    ExtensionTooShort,
    /// Admission, extension or cancellation after the referral expired.
    ReferralExpired,
    /// An event dated before the state it follows.
    TimeOrder,
    /// A refusal without any reason.
    NoReason,
    /// A date outside what the calendar answers for.
    Calendar(CalendarError),
}

impl StatusError {
    pub fn code(&self) -> &'static str {
        match self {
            StatusError::IllegalTransition { .. } => "status.illegal_transition",
            StatusError::OriginalsOverdue => "status.originals_overdue",
            StatusError::WindowClosed => "status.window_closed",
            StatusError::CancelTooLate => "status.cancel_too_late",
            StatusError::AlreadyExtended => "status.already_extended",
            StatusError::ExtensionTooLong => "status.extension_too_long",
            StatusError::ExtensionTooShort => "status.extension_too_short",
            StatusError::ReferralExpired => "status.referral_expired",
            StatusError::TimeOrder => "status.time_order",
            StatusError::NoReason => "status.no_reason",
            StatusError::Calendar(e) => e.code(),
        }
    }
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusError::IllegalTransition { from, event } => write!(f, "{}: {event} cannot happen to an application that is {from}", self.code()),
            StatusError::Calendar(e) => e.fmt(f),
            other => f.write_str(other.code()),
        }
    }
}

impl std::error::Error for StatusError {}

impl From<CalendarError> for StatusError {
    fn from(error: CalendarError) -> Self {
        StatusError::Calendar(error)
    }
}

impl Event {
    fn name(&self) -> &'static str {
        match self {
            Event::OriginalsConfirmed { .. } => "originals_confirmed",
            Event::Refused { .. } => "refused",
            Event::WindowOpened { .. } => "window_opened",
            Event::ReferralIssued { .. } => "referral_issued",
            Event::ReferralCancelled { .. } => "referral_cancelled",
            Event::ReferralExtended { .. } => "referral_extended",
            Event::Admitted { .. } => "admitted",
            Event::StopListed { .. } => "stop_listed",
            Event::StopListLifted => "stop_list_lifted",
            Event::Withdrawn { .. } => "withdrawn",
            Event::AgedOut { .. } => "aged_out",
        }
    }
}

impl Status {
    /// The state's code: `submitted`, `queued`, `window_open`, …
    pub fn code(&self) -> &'static str {
        match self {
            Status::Submitted { .. } => "submitted",
            Status::Queued => "queued",
            Status::WindowOpen { .. } => "window_open",
            Status::Referred { .. } => "referred",
            Status::Admitted { .. } => "admitted",
            Status::StopListed { .. } => "stop_listed",
            Status::Withdrawn { .. } => "withdrawn",
            Status::AgedOut { .. } => "aged_out",
            Status::Refused { .. } => "refused",
            Status::ReferralExpired { .. } => "referral_expired",
            Status::ReferralCancelled { .. } => "referral_cancelled",
        }
    }

    /// Whether nothing more can happen.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Status::Admitted { .. } | Status::Withdrawn { .. } | Status::AgedOut { .. } | Status::Refused { .. } | Status::ReferralExpired { .. } | Status::ReferralCancelled { .. }
        )
    }

    /// The instant a referral expires: the end of the extension's last day when extended, else
    /// of the 5th working day after issue (Appendix 4 item 8, rule 30). `None` when not referred.
    pub fn referral_deadline(&self, calendar: &Calendar) -> Result<Option<DateTime<Utc>>, CalendarError> {
        match self {
            Status::Referred { extension: Some(extension), .. } => deadline::end_of_local_day(extension.until).map(Some),
            Status::Referred { issued_at, extension: None } => deadline::referral_deadline(*issued_at, calendar).map(Some),
            _ => Ok(None),
        }
    }

    /// The status after `event`, or why it cannot happen.
    pub fn apply(&self, event: &Event, calendar: &Calendar) -> Result<Status, StatusError> {
        let illegal = || StatusError::IllegalTransition { from: self.code(), event: event.name() };
        match (self, event) {
            (Status::Submitted { submitted_at }, Event::OriginalsConfirmed { at }) => {
                if at < submitted_at {
                    return Err(StatusError::TimeOrder);
                }
                let due = deadline::end_of_local_day(deadline::originals_last_day(*submitted_at, calendar)?)?;
                if *at >= due {
                    return Err(StatusError::OriginalsOverdue);
                }
                Ok(Status::Queued)
            }
            (Status::Submitted { .. }, Event::Refused { reasons }) => {
                if reasons.is_empty() {
                    return Err(StatusError::NoReason);
                }
                Ok(Status::Refused { reasons: reasons.clone() })
            }
            (Status::Queued, Event::WindowOpened { on }) => {
                // Checks the date is one the calendar can count from.
                deadline::window_last_day(*on, calendar)?;
                Ok(Status::WindowOpen { opened_on: *on })
            }
            (Status::WindowOpen { opened_on }, Event::ReferralIssued { at }) => {
                let opens = deadline::window_opens(*opened_on)?;
                let closes = deadline::end_of_local_day(deadline::window_last_day(*opened_on, calendar)?)?;
                if *at < opens || *at >= closes {
                    return Err(StatusError::WindowClosed);
                }
                Ok(Status::Referred { issued_at: *at, extension: None })
            }
            (Status::Referred { issued_at, .. }, Event::ReferralCancelled { at }) => {
                if at < issued_at {
                    return Err(StatusError::TimeOrder);
                }
                if *at >= deadline::cancel_deadline(*issued_at)? {
                    return Err(StatusError::CancelTooLate);
                }
                Ok(Status::ReferralCancelled { at: *at })
            }
            (Status::Referred { issued_at, extension }, Event::ReferralExtended { at, reason, until }) => {
                if at < issued_at {
                    return Err(StatusError::TimeOrder);
                }
                if extension.is_some() {
                    return Err(StatusError::AlreadyExtended);
                }
                if *at >= deadline::referral_deadline(*issued_at, calendar)? {
                    return Err(StatusError::ReferralExpired);
                }
                if *until > deadline::extension_limit(*issued_at, calendar)? {
                    return Err(StatusError::ExtensionTooLong);
                }
                if *until <= deadline::referral_last_day(*issued_at, calendar)? {
                    return Err(StatusError::ExtensionTooShort);
                }
                Ok(Status::Referred { issued_at: *issued_at, extension: Some(Extension { reason: *reason, until: *until }) })
            }
            (Status::Referred { issued_at, .. }, Event::Admitted { at }) => {
                if at < issued_at {
                    return Err(StatusError::TimeOrder);
                }
                match self.referral_deadline(calendar)? {
                    Some(expires) if *at < expires => Ok(Status::Admitted { at: *at }),
                    _ => Err(StatusError::ReferralExpired),
                }
            }
            (Status::Queued | Status::WindowOpen { .. }, Event::StopListed { reason, until }) => Ok(Status::StopListed { reason: *reason, until: *until }),
            (Status::StopListed { .. }, Event::StopListLifted) => Ok(Status::Queued),
            (Status::Submitted { .. } | Status::Queued | Status::WindowOpen { .. } | Status::StopListed { .. }, Event::Withdrawn { at }) => {
                Ok(Status::Withdrawn { at: *at })
            }
            (Status::Submitted { .. } | Status::Queued | Status::WindowOpen { .. } | Status::StopListed { .. }, Event::AgedOut { on }) => {
                Ok(Status::AgedOut { on: *on })
            }
            _ => Err(illegal()),
        }
    }

    /// The status at `now` once every deadline that ran out has taken effect: an access
    /// window past its close → `queued`; a referral past its deadline → `referral_expired`;
    /// a stop-list past its end → `queued`.
    pub fn settle(&self, now: DateTime<Utc>, calendar: &Calendar) -> Result<Status, CalendarError> {
        Ok(match self {
            Status::WindowOpen { opened_on } if now >= deadline::end_of_local_day(deadline::window_last_day(*opened_on, calendar)?)? => Status::Queued,
            Status::Referred { issued_at, .. } if self.referral_deadline(calendar)?.is_some_and(|expires| now >= expires) => {
                Status::ReferralExpired { issued_at: *issued_at }
            }
            Status::StopListed { until: Some(until), .. } if now >= *until => Status::Queued,
            other => other.clone(),
        })
    }
}

/// The day the system archives the application of a child born on `birth_date` (rules 18,
/// 24.9), or `None` for a child with special educational needs and a PMPC conclusion, who is
/// never aged out.
///
/// The Rules archive a child who turns 6, except a child who was not yet 6 full years old on
/// 1 September of the current school year: that child may still be placed during the year.
/// Both read together give one date: the first 1 September on or after the 6th birthday (the
/// birthday itself when it is 1 September). For 29 February births the birthday is taken as
/// 1 March in common years.
pub fn aged_out_on(birth_date: NaiveDate, special_needs: bool) -> Option<NaiveDate> {
    if special_needs {
        return None;
    }
    let year = birth_date.year().checked_add(6)?;
    let sixth = NaiveDate::from_ymd_opt(year, birth_date.month(), birth_date.day()).or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))?;
    let september = NaiveDate::from_ymd_opt(year, 9, 1)?;
    if sixth <= september {
        Some(september)
    } else {
        NaiveDate::from_ymd_opt(year + 1, 9, 1)
    }
}

#[cfg(test)]
mod tests;
