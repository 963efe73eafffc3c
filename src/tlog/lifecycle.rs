//! The register replays to the same status: an application's log entries are its lifecycle
//! events ([`crate::status::Event`]), so folding them through [`Status::replay`] from its
//! `application_accepted` entry gives the status the backend reports.
//!
//! | log kind | lifecycle event |
//! |---|---|
//! | `application_accepted` | the start: [`Status::accepted`] at its instant |
//! | `originals_confirmed` | `OriginalsConfirmed` |
//! | `refused` | `Refused` with its reasons |
//! | `interest_confirmed`, `not_interested` | `InterestConfirmed`, `NotInterested` |
//! | `priority_changed`, `changed` | `PriorityChanged`, `Changed` (the status stays) |
//! | `window_opened` | `WindowOpened` on the local date of its instant, with its round |
//! | `referral_issued` | `ReferralIssued` at its instant |
//! | `referral_booked` | `ReferralIssued` at its instant, its validity counting from `counts_from` (rule 3.6) |
//! | `referral_cancelled` | reason `applicant`: `ReferralCancelled`; `seat_withdrawn`: `SeatWithdrawn`; any other reason names the application's own end, which its next entry records |
//! | `referral_extended` | `ReferralExtended` to the last day before `until` |
//! | `referral_expired` | `ReferralExpired` |
//! | `admitted` | `Admitted`, on a temporary seat when `until` is given |
//! | `admission_refused` | `AdmissionRefused` with its reason |
//! | `stop_listed`, `restored` | `StopListed` with its reason, `Restored` |
//! | `withdrawn` | `Withdrawn` |
//! | `archived` | `Archived` with its reason |
//!
//! Entries of other applications, and the public entries (bulletins, seats, snapshots), are
//! not part of an application's life and are skipped.

use super::event::{Event as LogEntry, EventBody};
use super::TlogError;
use crate::status::{self, AdmissionRefusal, ArchiveReason, Deadlines, RefusalReason, Status, StopReason, WindowRound};
use chrono::{DateTime, TimeDelta, Utc};

/// Why a register does not replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayError {
    /// An entry is not a lifecycle event the backend could have logged (`tlog.format`).
    Log(TlogError),
    /// The events do not form a life the state machine allows (the register contradicts itself).
    Status(status::StatusError),
}

impl ReplayError {
    pub fn code(&self) -> &'static str {
        match self {
            ReplayError::Log(e) => e.code(),
            ReplayError::Status(e) => e.code(),
        }
    }
}

impl core::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ReplayError::Log(e) => e.fmt(f),
            ReplayError::Status(e) => e.fmt(f),
        }
    }
}

fn bad(detail: String) -> ReplayError {
    ReplayError::Log(TlogError::Format(detail))
}

fn code<T: Copy>(text: &str, all: &[T], code: impl Fn(T) -> &'static str) -> Result<T, ReplayError> {
    all.iter().copied().find(|v| code(*v) == text).ok_or_else(|| bad(format!("unknown reason code '{text}'")))
}

/// The lifecycle event an entry records, or `None` when it changes nothing by itself.
pub fn lifecycle_event(entry: &LogEntry) -> Result<Option<status::Event>, ReplayError> {
    use status::Event as E;
    Ok(Some(match &entry.body {
        EventBody::OriginalsConfirmed { .. } => E::OriginalsConfirmed { at: entry.at },
        EventBody::Refused { reasons, .. } => {
            E::Refused { reasons: reasons.iter().map(|r| code(r, RefusalReason::ALL, RefusalReason::code)).collect::<Result<_, _>>()? }
        }
        EventBody::InterestConfirmed { .. } => E::InterestConfirmed,
        EventBody::NotInterested { .. } => E::NotInterested,
        EventBody::PriorityChanged { .. } => E::PriorityChanged,
        EventBody::Changed { .. } => E::Changed,
        EventBody::WindowOpened { round, .. } => {
            E::WindowOpened { on: status::deadline::local_date(entry.at), round: code(round, WindowRound::ALL, WindowRound::code)? }
        }
        EventBody::ReferralIssued { .. } => E::ReferralIssued { at: entry.at, counts_from: None },
        EventBody::ReferralBooked { counts_from, .. } => E::ReferralIssued { at: entry.at, counts_from: Some(*counts_from) },
        EventBody::ReferralCancelled { reason, .. } => match reason.as_str() {
            "applicant" => E::ReferralCancelled { at: entry.at },
            "seat_withdrawn" => E::SeatWithdrawn,
            _ => return Ok(None),
        },
        EventBody::ReferralExtended { until, .. } => {
            // `until` is the end of the last valid day: 00:00 local of the day after.
            let last_day = status::deadline::local_date(*until - TimeDelta::seconds(1));
            E::ReferralExtended { at: entry.at, until: last_day }
        }
        EventBody::ReferralExpired { .. } => E::ReferralExpired,
        EventBody::Admitted { temporary_until, .. } => E::Admitted { at: entry.at, temporary_until: *temporary_until },
        EventBody::AdmissionRefused { reason, .. } => E::AdmissionRefused { reason: code(reason, AdmissionRefusal::ALL, AdmissionRefusal::code)? },
        EventBody::StopListed { reason, .. } => E::StopListed { reason: code(reason, StopReason::ALL, StopReason::code)? },
        EventBody::Restored { .. } => E::Restored,
        EventBody::Withdrawn { .. } => E::Withdrawn { at: entry.at },
        EventBody::Archived { reason, .. } => E::Archived { at: entry.at, reason: code(reason, ArchiveReason::ALL, ArchiveReason::code)? },
        EventBody::ApplicationAccepted { .. } | EventBody::BulletinPublished { .. } | EventBody::SeatWithdrawn { .. } | EventBody::SnapshotPublished { .. } => {
            return Ok(None)
        }
    }))
}

/// The status of `application` at `now`, replayed from its log entries (in log order; other
/// entries are skipped). The first entry of the application must be its
/// `application_accepted`.
pub fn replay<'a>(entries: impl IntoIterator<Item = &'a LogEntry>, application: &str, now: DateTime<Utc>, d: &Deadlines) -> Result<Status, ReplayError> {
    let mut own = entries.into_iter().filter(|e| e.body.application() == Some(application));
    let status = match own.next() {
        Some(LogEntry { at, body: EventBody::ApplicationAccepted { awaiting_originals, .. }, .. }) => Status::accepted(*at, *awaiting_originals),
        Some(other) => return Err(bad(format!("the first entry of {application} is {}, not application_accepted", other.body.name()))),
        None => return Err(bad(format!("no entry names {application}"))),
    };
    let mut events = Vec::new();
    for entry in own {
        if let EventBody::ApplicationAccepted { .. } = entry.body {
            return Err(bad(format!("{application} is accepted twice")));
        }
        if let Some(event) = lifecycle_event(entry)? {
            events.push((entry.at, event));
        }
    }
    let status = status.replay(events.iter().map(|(at, e)| (*at, e)), d).map_err(ReplayError::Status)?;
    status.settle(now, d).map_err(|e| ReplayError::Status(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::status::ServicePolicy;
    use crate::tlog::Commitment;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn entry(when: &str, body: EventBody) -> LogEntry {
        LogEntry { at: at(when), queue: "750000000-2022-general".into(), body }
    }

    #[test]
    fn a_whole_life_replays_from_the_register_and_survives_the_byte_encoding() {
        let cal = Calendar::builtin();
        let d = Deadlines::new(&cal, &ServicePolicy::RULES);
        let a = || "2418211947256".to_owned();
        let c = Commitment::new(&[7; 32], b"x");
        let log = [
            entry("2026-11-16T10:00:00+05:00", EventBody::ApplicationAccepted { application: a(), details: c, awaiting_originals: true }),
            entry("2026-11-16T10:00:01+05:00", EventBody::InterestConfirmed { application: "1111111111116".into() }),
            entry("2026-11-17T11:00:00+05:00", EventBody::OriginalsConfirmed { application: a() }),
            entry("2026-11-23T07:00:00+05:00", EventBody::WindowOpened { application: a(), round: "priority".into() }),
            entry("2026-11-23T09:00:00+05:00", EventBody::ReferralIssued { application: a(), referral: "r1".into(), seat: c }),
            entry("2026-11-23T12:00:00+05:00", EventBody::ReferralCancelled { application: a(), referral: "r1".into(), reason: "applicant".into() }),
            entry("2026-11-24T07:00:00+05:00", EventBody::WindowOpened { application: a(), round: "priority".into() }),
            entry("2026-11-24T08:00:00+05:00", EventBody::ReferralIssued { application: a(), referral: "r2".into(), seat: c }),
            entry("2026-11-25T08:00:00+05:00", EventBody::ReferralExtended { application: a(), referral: "r2".into(), until: at("2026-12-11T00:00:00+05:00") }),
        ];
        // Through bytes, as the browser receives them.
        let decoded: Vec<LogEntry> = log.iter().map(|e| LogEntry::decode(&e.encode().unwrap()).unwrap()).collect();
        let now = at("2026-12-01T12:00:00+05:00");
        let status = replay(&decoded, &a(), now, &d).unwrap();
        assert_eq!(
            status,
            Status::Referred { issued_at: at("2026-11-24T08:00:00+05:00"), extended_until: Some(crate::calendar::parse_date("2026-12-10").unwrap()), counts_from: None }
        );
        // The extension ran out at the end of 10 December: the queue, paused.
        assert_eq!(replay(&decoded, &a(), at("2026-12-11T00:00:00+05:00"), &d).unwrap(), Status::Queued { interested: false });
        // The backend logs that expiry at its instant; replaying the entry gives the same.
        let mut expired = decoded.clone();
        expired.push(entry("2026-12-11T00:00:00+05:00", EventBody::ReferralExpired { application: a(), referral: "r2".into() }));
        assert_eq!(replay(&expired, &a(), at("2026-12-11T00:00:00+05:00"), &d).unwrap(), Status::Queued { interested: false });
    }

    #[test]
    fn a_register_that_contradicts_the_rules_does_not_replay() {
        let cal = Calendar::builtin();
        let d = Deadlines::new(&cal, &ServicePolicy::RULES);
        let a = || "2418211947256".to_owned();
        let c = Commitment::new(&[7; 32], b"x");
        // A referral without a window.
        let log = [
            entry("2026-11-16T10:00:00+05:00", EventBody::ApplicationAccepted { application: a(), details: c, awaiting_originals: false }),
            entry("2026-11-23T09:00:00+05:00", EventBody::ReferralIssued { application: a(), referral: "r1".into(), seat: c }),
        ];
        assert_eq!(replay(&log, &a(), at("2026-11-24T00:00:00Z"), &d).unwrap_err().code(), "status.illegal_transition");
        // No acceptance first.
        assert_eq!(replay(&log[1..], &a(), at("2026-11-24T00:00:00Z"), &d).unwrap_err().code(), "tlog.format");
        let unknown = [log[0].clone(), entry("2026-11-23T09:00:00+05:00", EventBody::StopListed { application: a(), reason: "mood".into() })];
        assert_eq!(replay(&unknown, &a(), at("2026-11-24T00:00:00Z"), &d).unwrap_err().code(), "tlog.format");
    }
}
