//! An application's life in its queue: one state machine, owned here, that the browser, the
//! backend and the public register all run.
//!
//! ```text
//!  accepted ─┬─ checklist needs paper originals ─▶ awaiting_originals ──originals confirmed (22)──┐
//!            └─ nothing to bring ─────────────────────────────────────────────────────────────────┤
//!                                                                                                ▼
//!   ┌──────────── not interested (20.7) / window or referral ran out ──────────────▶ queued { interested: false }
//!   │                                                                                   │ interest confirmed (20.2)
//!   │                                                                                   ▼
//!   │   temporary_stay (25.4) ──window opened──▶ window_open ◀──window opened (24.4, 24.10)── queued { interested: true }
//!   │        ▲  │ its end passed                      │ referral issued (24.5)                ▲
//!   │        │  └──────────────▶ queued ◀─────────────┼──── cancelled within a day (30),      │
//!   │        │ admitted on a temporary seat            ▼     seat withdrawn (25)              │
//!   └──────────────────────────────────────────── referred ──── admission refused (34) ─────────┘
//!            │                                        │ admitted (31-35, contract)
//!            └────────────────────────────────────────▼
//!                                                  admitted
//!  stop-listed (20.6, 3.13) from queued, window_open, referred or temporary_stay; restored → queued.
//!  withdrawn (20.4, 23), archived (aged out 18/24.9; grounds failed the monthly check 22) from any
//!  state that is not final; refused (22, Appendix 2 grounds) while awaiting originals;
//!  archived (originals missed, 22) when the originals deadline passes.
//! ```
//!
//! [`Status::apply`] takes an [`Event`] and answers the next status or a [`StatusError`] with a
//! stable code. Deadlines pass without an event: [`Status::settle`] moves a status past every
//! deadline that ran out by `now`, and [`Status::next_change`] says when that will next happen,
//! so the backend's one deadline job and the tracker's countdown agree to the second. Every
//! deadline comes from [`deadline::Deadlines`] — the working-day calendar and the provider's
//! [`ServicePolicy`].
//!
//! # Decisions where the Rules are silent or garbled
//!
//! * **A window or a referral that runs out unused** (rule 24.4; Appendix 4 item 8 say how long
//!   they last, not what follows): the application keeps its place in the queue (its order
//!   depends only on class and submission, rule 21) but gets no new window until the applicant
//!   confirms interest again — rule 20 lists both "interest in a seat confirmed" (2) and "not
//!   interested in a seat" (7) as queue events, and a family that let three working days pass
//!   has in effect said (7). Without this, the top of a queue that no longer needs a seat would
//!   take every day's windows and no seat would ever reach the next families. The stop-list
//!   (3.13: "for identified violations") is not used for this: letting a referral lapse is not
//!   a violation the Rules name.
//! * **A referral cancelled by the applicant within a day** (rule 30) or **cancelled because its
//!   seat was withdrawn** (rule 25): the application returns to its place, still interested.
//! * **Admission refused** (rule 34: missing or expired documents, medical
//!   contraindications): the seat returns, the application keeps its place with interest
//!   paused, as after an unused referral.
//! * **The monthly check fails** (rule 22: "the applications and referrals based on them are
//!   cancelled"): the application is archived with reason `grounds_failed`, its referral (if
//!   any) cancelled; the family may apply again without the extraordinary ground.
//! * **A referral to an early-booking seat** (rule 3.6: "a referral can be taken before the
//!   seat is actually free; the counting of its validity and the admission start after the
//!   seat is actually free"): the referral records the day the seat becomes free
//!   (`countsFrom`), and its 5 working days (Appendix 4 item 8) and the 30-day extension
//!   limit (rule 30) count from that day instead of the issue day, which is day 0 as the issue
//!   day is for a free seat (rule 3.5). Cancelling within 24 hours still counts from issue.
//! * **Originals not brought in time** (rule 22: "only after confirmation is the application
//!   registered in the queue"): archived with reason `originals_missed` at the deadline.
//! * **Rule 15** (at most three times in the preschool period, garbled) and **rule 16** (after
//!   an extraordinary or priority referral, another kindergarten only via the general queue
//!   and a private kindergarten): these limit new applications, not the life of one; the
//!   backend counts a child's earlier admissions when it accepts a submission. **Rule 19**
//!   (transfer = withdraw and apply again) needs no state of its own.

pub mod deadline;
pub mod policy;
mod read;
pub mod retention;
mod view;

pub use deadline::Deadlines;
pub use policy::{LocalTime, ServicePolicy};
pub use view::{format_day, format_moment, status_view, Action, ActionView, EventView, StatusView, SystemEvent, TimeLeft, TimeUnit};

use crate::calendar::CalendarError;
use crate::queue::State as QueueState;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use core::fmt;
use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// Declares a fieldless enum with its snake_case code (the serialised form) and every value.
macro_rules! coded {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Tsify)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The snake_case code, as serialised.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The value with this code.
            pub fn parse(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }
    };
}

coded! {
    /// Why an applicant cannot come with a referral in time, allowing one extension (rule 30).
    ExtensionReason {
        Illness = "illness",
        Hospitalisation = "hospitalisation",
        BusinessTrip = "business_trip",
        Vacation = "vacation",
    }
}

coded! {
    /// Why an application went to the stop-list (rules 3.13, 20.6: "for identified violations").
    /// The Rules do not list the violations; these are the ones the other rules imply.
    StopReason {
        /// Documents or data turned out unreliable.
        UnreliableData = "unreliable_data",
        /// A referral was taken and neither used nor cancelled, repeatedly.
        ReferralNotUsed = "referral_not_used",
        Other = "other",
    }
}

coded! {
    /// Why the provider refused an application after checking its documents (rule 22;
    /// Appendix 2, refusal grounds).
    RefusalReason {
        /// Unreliable documents or data.
        UnreliableData = "unreliable_data",
        /// The applicant or the child does not meet the requirements (for example age, rule 18).
        NotEligible = "not_eligible",
    }
}

coded! {
    /// Why a kindergarten refused admission on a referral (rule 34, Appendix 4).
    AdmissionRefusal {
        MissingDocuments = "missing_documents",
        ExpiredDocuments = "expired_documents",
        MedicalContraindications = "medical_contraindications",
    }
}

coded! {
    /// Why the system archived an application.
    ArchiveReason {
        /// The child reached the age limit (rules 18, 24.9).
        AgedOut = "aged_out",
        /// The originals were not brought in time (rule 22).
        OriginalsMissed = "originals_missed",
        /// The monthly check of the grounds answered negatively (rule 22).
        GroundsFailed = "grounds_failed",
    }
}

coded! {
    /// Which distribution an access window belongs to (rules 24.4 and 24.10).
    WindowRound {
        /// The day's free seats, to as many top candidates as there are seats (24.4).
        Priority = "priority",
        /// Seats still free after a priority window closed, to the next 1000 candidates (24.10).
        Remaining = "remaining",
    }
}

/// Where an application is. Serialised as `{ state: "referred", issuedAt: "…", … }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    /// Accepted; the originals are due (rule 22) before it is registered in the queue.
    AwaitingOriginals {
        #[serde(rename = "submittedAt")]
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::instant")]
        submitted_at: DateTime<Utc>,
    },
    /// In the queue. `interested: false` after "not interested" (rule 20.7) or an unused window
    /// or referral: no window is offered until interest is confirmed (rule 20.2).
    Queued { interested: bool },
    /// Access to referrals opened on `openedOn` (rules 24.4, 24.10).
    WindowOpen {
        #[serde(rename = "openedOn")]
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::date")]
        opened_on: NaiveDate,
        round: WindowRound,
    },
    /// A referral was issued and is valid (Appendix 4 item 8), extended once at most (rule 30).
    Referred {
        #[serde(rename = "issuedAt")]
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::instant")]
        issued_at: DateTime<Utc>,
        /// The last valid day of an extension.
        #[serde(rename = "extendedUntil", default, skip_serializing_if = "Option::is_none")]
        #[tsify(optional, type = "string")]
        #[serde(with = "crate::calendar::iso::optional_date")]
        extended_until: Option<NaiveDate>,
        /// For a referral to an early-booking seat taken before the seat is free (rule 3.6):
        /// the day the seat becomes free, from which the validity counts instead of the issue
        /// day. Absent for a seat that is free already (rule 3.5: validity counts from issue).
        #[serde(rename = "countsFrom", default, skip_serializing_if = "Option::is_none")]
        #[tsify(optional, type = "string")]
        #[serde(with = "crate::calendar::iso::optional_date")]
        counts_from: Option<NaiveDate>,
    },
    /// Placed on a temporary-stay seat until the end of `until`, keeping its queue place (25.4).
    TemporaryStay {
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::date")]
        until: NaiveDate,
    },
    /// In the temporary archive (3.13, 20.6) until the provider restores it.
    StopListed { reason: StopReason },
    /// Admitted under a contract (31-35): the application's life ends in the archive.
    Admitted {
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::instant")]
        at: DateTime<Utc>,
    },
    Withdrawn {
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::instant")]
        at: DateTime<Utc>,
    },
    /// Refused by the provider after checking the documents (rule 22, Appendix 2).
    Refused { reasons: Vec<RefusalReason> },
    Archived {
        reason: ArchiveReason,
        #[tsify(type = "string")]
        #[serde(with = "crate::calendar::iso::instant")]
        at: DateTime<Utc>,
    },
}

/// Something that happens to an application: every event of rule 20 and of the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The provider compared the originals (rule 22).
    OriginalsConfirmed { at: DateTime<Utc> },
    /// The provider refused after comparing them (rule 22).
    Refused { reasons: Vec<RefusalReason> },
    /// Rule 20.2.
    InterestConfirmed,
    /// Rule 20.7.
    NotInterested,
    /// Rule 20.3: the class changes; the status does not.
    PriorityChanged,
    /// Rule 23: the applicant changed the application (contacts, wishes); the status does not.
    Changed,
    /// Rules 24.4, 24.10.
    WindowOpened { on: NaiveDate, round: WindowRound },
    /// Rule 24.5. `counts_from`: the day an early-booking seat becomes free, when it is later
    /// than the issue day (rule 3.6: the referral's validity counts from then).
    ReferralIssued { at: DateTime<Utc>, counts_from: Option<NaiveDate> },
    /// By the applicant, within a day of issue (rule 30).
    ReferralCancelled { at: DateTime<Utc> },
    /// Once, to at most 30 calendar days after issue (rule 30). The reason — one of
    /// [`ExtensionReason`] — is required by whoever asks for it (the backend's request type);
    /// the status keeps only the new last day, and the public register does not name it.
    ReferralExtended { at: DateTime<Utc>, until: NaiveDate },
    /// The referral ran out (Appendix 4 item 8); [`Status::settle`] does the same at its deadline.
    ReferralExpired,
    /// The kindergarten withdrew the seat the referral reserved (rule 25).
    SeatWithdrawn,
    /// Admitted under a contract (31-35); on a temporary-stay seat with its last day (25.4).
    Admitted { at: DateTime<Utc>, temporary_until: Option<NaiveDate> },
    /// Rule 34.
    AdmissionRefused { reason: AdmissionRefusal },
    /// Rules 3.13, 20.6.
    StopListed { reason: StopReason },
    /// Back from the stop-list.
    Restored,
    /// Rules 20.4, 23.
    Withdrawn { at: DateTime<Utc> },
    /// The system archived it (aged out; grounds failed the monthly check).
    Archived { at: DateTime<Utc>, reason: ArchiveReason },
}

/// Why an event cannot happen. Codes are stable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusError {
    /// The event makes no sense in the current state.
    IllegalTransition { from: &'static str, event: &'static str },
    /// The originals came after their deadline (rule 22).
    OriginalsOverdue,
    /// A referral asked for outside the access window (rule 24.4).
    WindowClosed,
    /// A window offered to an applicant who said they are not interested (rule 20.7).
    NotInterested,
    /// Cancelled more than a day after issue (rule 30).
    CancelTooLate,
    /// A second extension (rule 30 allows one).
    AlreadyExtended,
    /// An extension beyond 30 calendar days from issue (rule 30).
    ExtensionTooLong,
    /// An "extension" that does not go past the current last day.
    ExtensionTooShort,
    /// Admission, extension or cancellation after the referral expired.
    ReferralExpired,
    /// A temporary stay that ends before it starts.
    StayEnded,
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
            StatusError::NotInterested => "status.not_interested",
            StatusError::CancelTooLate => "status.cancel_too_late",
            StatusError::AlreadyExtended => "status.already_extended",
            StatusError::ExtensionTooLong => "status.extension_too_long",
            StatusError::ExtensionTooShort => "status.extension_too_short",
            StatusError::ReferralExpired => "status.referral_expired",
            StatusError::StayEnded => "status.stay_ended",
            StatusError::TimeOrder => "status.time_order",
            StatusError::NoReason => "status.no_reason",
            StatusError::Calendar(e) => e.code(),
        }
    }

    /// The message for a person, in `lang` (every code has a text in every catalog).
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        match self {
            StatusError::Calendar(_) => crate::i18n::text(lang, "status.calendar"),
            other => crate::i18n::text(lang, other.code()),
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
    /// The event's name, as in the docs and the public log.
    pub fn name(&self) -> &'static str {
        match self {
            Event::OriginalsConfirmed { .. } => "originals_confirmed",
            Event::Refused { .. } => "refused",
            Event::InterestConfirmed => "interest_confirmed",
            Event::NotInterested => "not_interested",
            Event::PriorityChanged => "priority_changed",
            Event::Changed => "changed",
            Event::WindowOpened { .. } => "window_opened",
            Event::ReferralIssued { .. } => "referral_issued",
            Event::ReferralCancelled { .. } => "referral_cancelled",
            Event::ReferralExtended { .. } => "referral_extended",
            Event::ReferralExpired => "referral_expired",
            Event::SeatWithdrawn => "seat_withdrawn",
            Event::Admitted { .. } => "admitted",
            Event::AdmissionRefused { .. } => "admission_refused",
            Event::StopListed { .. } => "stop_listed",
            Event::Restored => "restored",
            Event::Withdrawn { .. } => "withdrawn",
            Event::Archived { .. } => "archived",
        }
    }
}

impl Status {
    /// The status of an application accepted at `at`: awaiting the originals when the
    /// checklist lists paper originals to bring (rule 22), else registered in the queue at once.
    pub fn accepted(at: DateTime<Utc>, needs_originals: bool) -> Status {
        if needs_originals {
            Status::AwaitingOriginals { submitted_at: at }
        } else {
            Status::Queued { interested: true }
        }
    }

    /// The state's code: `awaiting_originals`, `queued`, `window_open`, …
    pub fn code(&self) -> &'static str {
        match self {
            Status::AwaitingOriginals { .. } => "awaiting_originals",
            Status::Queued { .. } => "queued",
            Status::WindowOpen { .. } => "window_open",
            Status::Referred { .. } => "referred",
            Status::TemporaryStay { .. } => "temporary_stay",
            Status::StopListed { .. } => "stop_listed",
            Status::Admitted { .. } => "admitted",
            Status::Withdrawn { .. } => "withdrawn",
            Status::Refused { .. } => "refused",
            Status::Archived { .. } => "archived",
        }
    }

    /// Every state code, in the order of the diagram.
    pub const CODES: [&'static str; 10] =
        ["awaiting_originals", "queued", "window_open", "referred", "temporary_stay", "stop_listed", "admitted", "withdrawn", "refused", "archived"];

    /// Whether nothing more can happen.
    pub fn is_final(&self) -> bool {
        matches!(self, Status::Admitted { .. } | Status::Withdrawn { .. } | Status::Refused { .. } | Status::Archived { .. })
    }

    /// Whether a window may be opened for it now (rule 24.4): registered, waiting, interested.
    pub fn is_candidate(&self) -> bool {
        matches!(self, Status::Queued { interested: true } | Status::TemporaryStay { .. })
    }

    /// How the published queue shows it, or `None` when it is not registered in the queue
    /// (awaiting originals, rule 22). Only `queued` and `temporary_stay` take a place (rule 25).
    pub fn queue_state(&self) -> Option<QueueState> {
        match self {
            Status::AwaitingOriginals { .. } => None,
            Status::Queued { .. } | Status::WindowOpen { .. } => Some(QueueState::Queued),
            Status::TemporaryStay { .. } => Some(QueueState::TemporaryStay),
            Status::Referred { .. } => Some(QueueState::Referred),
            Status::StopListed { .. } => Some(QueueState::StopListed),
            Status::Withdrawn { .. } => Some(QueueState::Withdrawn),
            Status::Admitted { .. } | Status::Refused { .. } | Status::Archived { .. } => Some(QueueState::Archived),
        }
    }

    /// The instant a referral expires: the end of the extension's last day when extended, else
    /// of the 5th working day after issue — or after the day an early-booking seat becomes
    /// free (rule 3.6) — (Appendix 4 item 8, rule 30). `None` when not referred.
    pub fn referral_deadline(&self, d: &Deadlines) -> Result<Option<DateTime<Utc>>, CalendarError> {
        match self {
            Status::Referred { extended_until: Some(until), .. } => deadline::end_of_local_day(*until).map(Some),
            Status::Referred { issued_at, extended_until: None, counts_from } => {
                deadline::end_of_local_day(d.referral_last_day_from(d.referral_start(*issued_at, *counts_from))?).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// The next instant at which this status changes by itself ([`Status::settle`]), if any.
    pub fn next_change(&self, d: &Deadlines) -> Result<Option<DateTime<Utc>>, CalendarError> {
        Ok(match self {
            Status::AwaitingOriginals { submitted_at } => Some(d.originals_deadline(*submitted_at)?),
            Status::WindowOpen { opened_on, .. } => Some(d.window_closes(*opened_on)?),
            Status::Referred { .. } => self.referral_deadline(d)?,
            Status::TemporaryStay { until } => Some(deadline::end_of_local_day(*until)?),
            _ => None,
        })
    }

    /// The status after `event`, or why it cannot happen.
    pub fn apply(&self, event: &Event, d: &Deadlines) -> Result<Status, StatusError> {
        use Status as S;
        let illegal = || StatusError::IllegalTransition { from: self.code(), event: event.name() };
        let back = |interested| Ok(S::Queued { interested });
        match (self, event) {
            // Final states take nothing.
            (s, _) if s.is_final() => Err(illegal()),

            (S::AwaitingOriginals { submitted_at }, Event::OriginalsConfirmed { at }) => {
                if at < submitted_at {
                    return Err(StatusError::TimeOrder);
                }
                if *at >= d.originals_deadline(*submitted_at)? {
                    return Err(StatusError::OriginalsOverdue);
                }
                back(true)
            }
            (S::AwaitingOriginals { .. }, Event::Refused { reasons }) => {
                if reasons.is_empty() {
                    return Err(StatusError::NoReason);
                }
                Ok(S::Refused { reasons: reasons.clone() })
            }

            // Interest (20.2, 20.7). Confirming again changes nothing.
            (S::Queued { .. }, Event::InterestConfirmed) => back(true),
            (S::AwaitingOriginals { .. } | S::WindowOpen { .. } | S::Referred { .. } | S::TemporaryStay { .. }, Event::InterestConfirmed) => Ok(self.clone()),
            (S::Queued { .. } | S::WindowOpen { .. }, Event::NotInterested) => back(false),

            // Changes that leave the status as it is (20.3, 23).
            (_, Event::PriorityChanged | Event::Changed) => Ok(self.clone()),

            (S::Queued { interested: false }, Event::WindowOpened { .. }) => Err(StatusError::NotInterested),
            (S::Queued { interested: true } | S::TemporaryStay { .. }, Event::WindowOpened { on, round }) => {
                // Checks the date is one the calendar can count from.
                d.window_last_day(*on)?;
                Ok(S::WindowOpen { opened_on: *on, round: *round })
            }
            (S::WindowOpen { opened_on, .. }, Event::ReferralIssued { at, counts_from }) => {
                if *at < d.window_opens(*opened_on)? || *at >= d.window_closes(*opened_on)? {
                    return Err(StatusError::WindowClosed);
                }
                // Only a day after the issue day changes the count (rule 3.6).
                let counts_from = counts_from.filter(|day| *day > deadline::local_date(*at));
                Ok(S::Referred { issued_at: *at, extended_until: None, counts_from })
            }

            (S::Referred { issued_at, .. }, Event::ReferralCancelled { at }) => {
                if at < issued_at {
                    return Err(StatusError::TimeOrder);
                }
                if *at >= d.cancel_deadline(*issued_at)? {
                    return Err(StatusError::CancelTooLate);
                }
                back(true)
            }
            (S::Referred { issued_at, extended_until, counts_from }, Event::ReferralExtended { at, until, .. }) => {
                if at < issued_at {
                    return Err(StatusError::TimeOrder);
                }
                if extended_until.is_some() {
                    return Err(StatusError::AlreadyExtended);
                }
                let start = d.referral_start(*issued_at, *counts_from);
                if *at >= deadline::end_of_local_day(d.referral_last_day_from(start)?)? {
                    return Err(StatusError::ReferralExpired);
                }
                if *until > d.extension_limit_from(start)? {
                    return Err(StatusError::ExtensionTooLong);
                }
                if *until <= d.referral_last_day_from(start)? {
                    return Err(StatusError::ExtensionTooShort);
                }
                Ok(S::Referred { issued_at: *issued_at, extended_until: Some(*until), counts_from: *counts_from })
            }
            (S::Referred { .. }, Event::ReferralExpired | Event::AdmissionRefused { .. }) => back(false),
            (S::Referred { .. }, Event::SeatWithdrawn) => back(true),
            (S::Referred { issued_at, .. }, Event::Admitted { at, temporary_until }) => {
                if at < issued_at {
                    return Err(StatusError::TimeOrder);
                }
                match self.referral_deadline(d)? {
                    Some(expires) if *at < expires => {}
                    _ => return Err(StatusError::ReferralExpired),
                }
                match temporary_until {
                    None => Ok(S::Admitted { at: *at }),
                    Some(until) if deadline::end_of_local_day(*until)? > *at => Ok(S::TemporaryStay { until: *until }),
                    Some(_) => Err(StatusError::StayEnded),
                }
            }

            (S::Queued { .. } | S::WindowOpen { .. } | S::Referred { .. } | S::TemporaryStay { .. }, Event::StopListed { reason }) => Ok(S::StopListed { reason: *reason }),
            (S::StopListed { .. }, Event::Restored) => back(true),
            (_, Event::Withdrawn { at }) => Ok(S::Withdrawn { at: *at }),
            (_, Event::Archived { at, reason }) => Ok(S::Archived { reason: *reason, at: *at }),
            _ => Err(illegal()),
        }
    }

    /// The status at `now` once every deadline that ran out by `now` has taken effect (see
    /// [`Status::next_change`] and the module's decisions).
    pub fn settle(&self, now: DateTime<Utc>, d: &Deadlines) -> Result<Status, CalendarError> {
        let Some(due) = self.next_change(d)? else { return Ok(self.clone()) };
        if now < due {
            return Ok(self.clone());
        }
        // One step at most: no settled state has a deadline of its own.
        Ok(match self {
            Status::AwaitingOriginals { .. } => Status::Archived { reason: ArchiveReason::OriginalsMissed, at: due },
            Status::WindowOpen { .. } | Status::Referred { .. } => Status::Queued { interested: false },
            Status::TemporaryStay { .. } => Status::Queued { interested: true },
            other => other.clone(),
        })
    }

    /// Applies `events` in order from `self`, settling deadlines between them as time passes:
    /// each event is applied to the status as it stood just before the event's instant (one
    /// millisecond before, the log's resolution), so an event that records a deadline's own
    /// effect at its instant — a referral expiring, an application archived for missed
    /// originals — is applied rather than pre-empted by [`Status::settle`].
    pub fn replay<'e>(self, events: impl IntoIterator<Item = (DateTime<Utc>, &'e Event)>, d: &Deadlines) -> Result<Status, StatusError> {
        events.into_iter().try_fold(self, |status, (at, event)| {
            let before = at - chrono::TimeDelta::milliseconds(1);
            status.settle(before, d)?.apply(event, d)
        })
    }
}

/// The day the system archives the application of a child born on `birth_date` (rules 18,
/// 24.9), or `None` for a child with a PMPC conclusion (special educational needs), who is never
/// aged out — whatever the application's category.
///
/// The Rules archive a child who turns 6, except a child who was not yet 6 full years old on
/// 1 September of the current school year: that child may still be placed during the year.
/// Both read together give one date: the first 1 September on or after the 6th birthday (the
/// birthday itself when it is 1 September). For 29 February births the birthday is taken as
/// 1 March in common years.
pub fn aged_out_on(birth_date: NaiveDate, pmpc: bool) -> Option<NaiveDate> {
    if pmpc {
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
