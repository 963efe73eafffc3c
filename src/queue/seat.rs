//! Seats as a kindergarten reports them, and as they are taken back (rules 3.3-3.6, 3.9, 24.2,
//! 24.3, 24.6, 25).
//!
//! A kindergarten reports its free seats every day per age group (24.2): where they are and
//! whom they are for ([`Seat`]: group kind, age group, hours of stay), the language of
//! instruction, and the terms of admission ([`SeatTerms`], rule 3.3): the admission mode, the
//! admission start date and the limit of the stay. [`SeatReport::new`] reads a report; every
//! refusal has a stable code.
//!
//! | admission mode | rule | the seat | a referral to it |
//! |---|---|---|---|
//! | `general` | 3.5 | free now | valid from its issue |
//! | `early_booking` | 3.6, 24.6, 25.3 | free from `admissionStartsOn`, a later day; on that day the system turns it into a `general` seat ([`SeatTerms::on`]) | may be taken before; valid from the day the seat is free ([`SeatTerms::referral_counts_from`]) |
//! | `temporary_stay` | 25.4 | free until `stayUntil` (its holder is away) | the child is admitted until then and keeps its queue place ([`SeatTerms::temporary_until`]) |
//!
//! | code | meaning |
//! |---|---|
//! | `seat.count` | the number of seats is not 1 to [`MAX_SEATS`] |
//! | `seat.age_group` | the age group is not 0 to [`MAX_AGE_GROUP`] full years |
//! | `seat.group_detail` | a special group without a known disorder, a sanatorium group without a known profile, or a general group with either |
//! | `seat.admission_mode` | not one of `general`, `early_booking`, `temporary_stay` |
//! | `seat.early_booking_date` | an early-booking seat whose free day is not after the day of its bulletin |
//! | `seat.admission_start` | a general or temporary seat whose admission starts after the day of its bulletin (report it as early booking) |
//! | `seat.stay_until` | a temporary seat without a last day of stay after its admission start |
//! | `seat.stay_until_only_temporary` | a last day of stay on a seat that is not temporary |
//! | `seat.withdrawal_reason` | a withdrawal without one of the reasons of rule 25.1 |
//! | `admission.contract_future` | a contract dated after today |
//! | `admission.before_start` | a contract dated before the seat's admission start (an early-booking seat not yet free) |
//!
//! # Which bulletin a report goes into (24.2, 24.3)
//!
//! Seats reported before the provider's `seatReportBy` time (17:00) go into that day's
//! bulletin (`bulletinAt`, 18:00); later ones into the next day's ([`bulletin_day`]). The day
//! of its bulletin is the day the terms are judged against: "after the day of the bulletin"
//! above means after that day.
//!
//! # Decisions where the Rules are silent
//!
//! * **Admission start of a general or temporary seat**: the Rules list the date (3.3) but give
//!   no rule; a start later than the bulletin day is what an early-booking seat is (3.6), so it
//!   must be reported as one, and a start on or before the bulletin day is "free now".
//! * **Stay limits** (3.3: "whether the stay is limited"): only a temporary-stay seat has one,
//!   its last day (25.4); a permanent seat's stay is unlimited.
//! * **Age groups** are full years on 1 September (rule 28), 0 to 7: a child with a PMPC
//!   conclusion may stay in the queue past 6 (rule 18).
//!
//! ```
//! use chrono::NaiveDate;
//! use kezek::queue::seat::{AdmissionMode, SeatTerms};
//! let day = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
//! // Reported for the bulletin of 1 December, free from 10 December.
//! let terms = SeatTerms::new(AdmissionMode::EarlyBooking, Some(day(10)), None, day(1)).unwrap();
//! assert_eq!(terms.referral_counts_from(day(2)), Some(day(10)));
//! assert_eq!(terms.on(day(10)).mode, AdmissionMode::General); // rule 24.6
//! ```

use super::distribution::{GroupKind, Seat};
use super::Token;
use crate::application::{Disorder, InstructionLanguage, SanatoriumProfile, StayMode};
use crate::calendar::CalendarError;
use crate::status::{deadline, ServicePolicy};
use chrono::{DateTime, NaiveDate, Utc};
use core::fmt;

/// The most seats one report may give for one group.
pub const MAX_SEATS: u32 = 100;
/// The oldest age group (full years on 1 September).
pub const MAX_AGE_GROUP: u8 = 7;

/// How children are admitted to a seat (rule 3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AdmissionMode {
    /// Free now; a referral is valid from its issue (3.5).
    General,
    /// Free from a later day; a referral may be taken before (3.6).
    EarlyBooking,
    /// Free until a day, while its own child is away (25.4).
    TemporaryStay,
}

impl AdmissionMode {
    pub const ALL: [AdmissionMode; 3] = [AdmissionMode::General, AdmissionMode::EarlyBooking, AdmissionMode::TemporaryStay];

    /// The snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            AdmissionMode::General => "general",
            AdmissionMode::EarlyBooking => "early_booking",
            AdmissionMode::TemporaryStay => "temporary_stay",
        }
    }

    pub fn parse(code: &str) -> Option<AdmissionMode> {
        AdmissionMode::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// Why a kindergarten takes published seats back (rule 25.1: "for internal needs").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WithdrawalReason {
    MajorRepair,
    Quarantine,
    /// The state educational order for the seats was cancelled.
    StateOrderCancelled,
    Closure,
}

impl WithdrawalReason {
    pub const ALL: [WithdrawalReason; 4] =
        [WithdrawalReason::MajorRepair, WithdrawalReason::Quarantine, WithdrawalReason::StateOrderCancelled, WithdrawalReason::Closure];

    /// The public code, as in the log's `seat_withdrawn` entry.
    pub fn code(self) -> &'static str {
        match self {
            WithdrawalReason::MajorRepair => "major_repair",
            WithdrawalReason::Quarantine => "quarantine",
            WithdrawalReason::StateOrderCancelled => "state_order_cancelled",
            WithdrawalReason::Closure => "closure",
        }
    }

    /// The reason with this code, or `seat.withdrawal_reason`.
    pub fn parse(code: &str) -> Result<WithdrawalReason, SeatError> {
        WithdrawalReason::ALL.into_iter().find(|r| r.code() == code).ok_or(SeatError::WithdrawalReason)
    }
}

/// Why a report, a withdrawal or an admission on a seat is refused. Codes are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeatError {
    Count,
    AgeGroup,
    GroupDetail,
    AdmissionMode,
    EarlyBookingDate,
    AdmissionStart,
    StayUntil,
    StayUntilOnlyTemporary,
    WithdrawalReason,
    ContractFuture,
    BeforeStart,
}

impl SeatError {
    pub fn code(self) -> &'static str {
        match self {
            SeatError::Count => "seat.count",
            SeatError::AgeGroup => "seat.age_group",
            SeatError::GroupDetail => "seat.group_detail",
            SeatError::AdmissionMode => "seat.admission_mode",
            SeatError::EarlyBookingDate => "seat.early_booking_date",
            SeatError::AdmissionStart => "seat.admission_start",
            SeatError::StayUntil => "seat.stay_until",
            SeatError::StayUntilOnlyTemporary => "seat.stay_until_only_temporary",
            SeatError::WithdrawalReason => "seat.withdrawal_reason",
            SeatError::ContractFuture => "admission.contract_future",
            SeatError::BeforeStart => "admission.before_start",
        }
    }

    /// The request field the error is about (the operator API's camelCase names).
    pub fn field(self) -> &'static str {
        match self {
            SeatError::Count => "seats",
            SeatError::AgeGroup => "ageGroup",
            SeatError::GroupDetail => "groupDetail",
            SeatError::AdmissionMode => "admissionMode",
            SeatError::EarlyBookingDate | SeatError::AdmissionStart => "admissionStartsOn",
            SeatError::StayUntil | SeatError::StayUntilOnlyTemporary => "stayUntil",
            SeatError::WithdrawalReason => "reason",
            SeatError::ContractFuture | SeatError::BeforeStart => "contractOn",
        }
    }

    /// The message for a person, in `lang`.
    pub fn message(self, lang: crate::i18n::Lang) -> String {
        crate::i18n::text(lang, self.code())
    }
}

impl fmt::Display for SeatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for SeatError {}

/// The terms of admission to a reported seat (rule 3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SeatTerms {
    pub mode: AdmissionMode,
    /// The first day a child may be admitted: for an early-booking seat, the day it is free.
    pub admission_starts_on: NaiveDate,
    /// The last day of the stay: only a temporary-stay seat has one (25.4).
    pub stay_until: Option<NaiveDate>,
}

impl SeatTerms {
    /// The terms of a seat reported for the bulletin of `bulletin_on` (see the module docs for
    /// every check). `admission_starts_on` defaults to `bulletin_on` except for an early-booking
    /// seat, which must name its day.
    pub fn new(mode: AdmissionMode, admission_starts_on: Option<NaiveDate>, stay_until: Option<NaiveDate>, bulletin_on: NaiveDate) -> Result<SeatTerms, SeatError> {
        let starts = match (mode, admission_starts_on) {
            (AdmissionMode::EarlyBooking, Some(day)) if day > bulletin_on => day,
            (AdmissionMode::EarlyBooking, _) => return Err(SeatError::EarlyBookingDate),
            (_, Some(day)) if day > bulletin_on => return Err(SeatError::AdmissionStart),
            (_, day) => day.unwrap_or(bulletin_on),
        };
        match (mode, stay_until) {
            (AdmissionMode::TemporaryStay, Some(last)) if last > starts.max(bulletin_on) => {}
            (AdmissionMode::TemporaryStay, _) => return Err(SeatError::StayUntil),
            (_, Some(_)) => return Err(SeatError::StayUntilOnlyTemporary),
            (_, None) => {}
        }
        Ok(SeatTerms { mode, admission_starts_on: starts, stay_until })
    }

    /// The terms on `today`: an early-booking seat whose day has come is a free (general)
    /// seat (rule 24.6); anything else is unchanged.
    pub fn on(self, today: NaiveDate) -> SeatTerms {
        match self.mode {
            AdmissionMode::EarlyBooking if today >= self.admission_starts_on => SeatTerms { mode: AdmissionMode::General, ..self },
            _ => self,
        }
    }

    /// The day a referral issued on `today` counts its validity from, when it is not the issue
    /// day: an early-booking seat not yet free (rule 3.6).
    pub fn referral_counts_from(self, today: NaiveDate) -> Option<NaiveDate> {
        match self.on(today).mode {
            AdmissionMode::EarlyBooking => Some(self.admission_starts_on),
            _ => None,
        }
    }

    /// The last day of the stay of a child admitted to this seat, when it is a temporary one
    /// (the child keeps its queue place, rule 25.4).
    pub fn temporary_until(self) -> Option<NaiveDate> {
        match self.mode {
            AdmissionMode::TemporaryStay => self.stay_until,
            _ => None,
        }
    }

    /// Whether a contract dated `contract_on` may admit a child to this seat on `today`: not
    /// dated in the future, nor before the seat's admission starts (an early-booking seat is
    /// not free yet, rule 3.6).
    pub fn admits(self, contract_on: NaiveDate, today: NaiveDate) -> Result<(), SeatError> {
        if contract_on > today {
            Err(SeatError::ContractFuture)
        } else if contract_on < self.admission_starts_on && self.mode == AdmissionMode::EarlyBooking {
            Err(SeatError::BeforeStart)
        } else {
            Ok(())
        }
    }
}

/// The bulletin a report made at `reported_at` goes into (rules 24.2, 24.3): that day's when
/// made before `seatReportBy`, else the next day's.
pub fn bulletin_day(reported_at: DateTime<Utc>, policy: &ServicePolicy) -> Result<NaiveDate, CalendarError> {
    let today = deadline::local_date(reported_at);
    if reported_at < deadline::local_time(today, policy.seat_report_by)? {
        Ok(today)
    } else {
        today.succ_opt().ok_or_else(|| CalendarError::Range("date is outside the supported dates".to_owned()))
    }
}

/// A kindergarten's report of free seats of one group (rule 24.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeatReport {
    pub seat: Seat,
    pub language: InstructionLanguage,
    pub terms: SeatTerms,
    /// How many seats.
    pub count: u32,
}

/// A report as it arrives, before it is read ([`SeatReport::new`]).
#[derive(Clone, Debug, Default)]
pub struct SeatReportInput<'a> {
    pub age_group: i64,
    pub language: &'a str,
    /// `general`, `special` or `sanatorium`.
    pub group_kind: &'a str,
    /// The disorder of a special group, the profile of a sanatorium group.
    pub group_detail: Option<&'a str>,
    pub stay_mode: &'a str,
    pub admission_mode: &'a str,
    pub admission_starts_on: Option<NaiveDate>,
    pub stay_until: Option<NaiveDate>,
    pub count: i64,
}

impl SeatReport {
    /// Reads a report of `kindergarten` in `locality` for the bulletin of `bulletin_on`.
    pub fn new(locality: u32, kindergarten: Token, input: &SeatReportInput, bulletin_on: NaiveDate) -> Result<SeatReport, SeatError> {
        let count = u32::try_from(input.count).ok().filter(|n| (1..=MAX_SEATS).contains(n)).ok_or(SeatError::Count)?;
        let age_group = u8::try_from(input.age_group).ok().filter(|a| *a <= MAX_AGE_GROUP).ok_or(SeatError::AgeGroup)?;
        let detail = input.group_detail.map(str::trim).filter(|d| !d.is_empty());
        let kind = match (input.group_kind, detail) {
            ("general", None) => GroupKind::General,
            ("special", Some(d)) => GroupKind::Special { disorder: token(Disorder::parse(d).map(Disorder::id))? },
            ("sanatorium", Some(p)) => GroupKind::Sanatorium { profile: token(SanatoriumProfile::parse(p).map(SanatoriumProfile::id))? },
            _ => return Err(SeatError::GroupDetail),
        };
        let stay_mode = StayMode::parse(input.stay_mode).ok_or(SeatError::GroupDetail)?;
        let language = InstructionLanguage::parse(input.language).ok_or(SeatError::GroupDetail)?;
        let mode = AdmissionMode::parse(input.admission_mode).ok_or(SeatError::AdmissionMode)?;
        let terms = SeatTerms::new(mode, input.admission_starts_on, input.stay_until, bulletin_on)?;
        Ok(SeatReport { seat: Seat { locality, kindergarten, kind, age_group, stay_mode }, language, terms, count })
    }
}

fn token(id: Option<&str>) -> Result<Token, SeatError> {
    id.and_then(|id| Token::new(id).ok()).ok_or(SeatError::GroupDetail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_date;

    fn day(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    fn input<'a>() -> SeatReportInput<'a> {
        SeatReportInput { age_group: 3, language: "kk", group_kind: "general", stay_mode: "full_day", admission_mode: "general", count: 2, ..Default::default() }
    }

    fn kg() -> Token {
        Token::new("kg1").unwrap()
    }

    #[test]
    fn rule_24_2_a_report_names_its_group_and_terms() {
        let report = SeatReport::new(750000000, kg(), &input(), day("2026-11-23")).unwrap();
        assert_eq!(report.count, 2);
        assert_eq!(report.seat.kind, GroupKind::General);
        assert_eq!(report.terms, SeatTerms { mode: AdmissionMode::General, admission_starts_on: day("2026-11-23"), stay_until: None });
        let special = SeatReportInput { group_kind: "special", group_detail: Some("speech"), ..input() };
        let report = SeatReport::new(750000000, kg(), &special, day("2026-11-23")).unwrap();
        assert_eq!(report.seat.pool().to_string(), "kg1-special-speech-3-full_day");
        for (bad, code) in [
            (SeatReportInput { count: 0, ..input() }, "seat.count"),
            (SeatReportInput { count: 101, ..input() }, "seat.count"),
            (SeatReportInput { age_group: 8, ..input() }, "seat.age_group"),
            (SeatReportInput { age_group: -1, ..input() }, "seat.age_group"),
            (SeatReportInput { group_kind: "special", ..input() }, "seat.group_detail"),
            (SeatReportInput { group_kind: "special", group_detail: Some("mood"), ..input() }, "seat.group_detail"),
            (SeatReportInput { group_detail: Some("speech"), ..input() }, "seat.group_detail"),
            (SeatReportInput { stay_mode: "night", ..input() }, "seat.group_detail"),
            (SeatReportInput { admission_mode: "lottery", ..input() }, "seat.admission_mode"),
        ] {
            assert_eq!(SeatReport::new(750000000, kg(), &bad, day("2026-11-23")).unwrap_err().code(), code);
        }
    }

    #[test]
    fn rule_3_6_an_early_booking_seat_is_free_from_a_later_day_and_referrals_count_from_it() {
        let bulletin = day("2026-11-23");
        assert_eq!(SeatTerms::new(AdmissionMode::EarlyBooking, None, None, bulletin), Err(SeatError::EarlyBookingDate));
        assert_eq!(SeatTerms::new(AdmissionMode::EarlyBooking, Some(bulletin), None, bulletin), Err(SeatError::EarlyBookingDate));
        let terms = SeatTerms::new(AdmissionMode::EarlyBooking, Some(day("2026-12-01")), None, bulletin).unwrap();
        assert_eq!(terms.referral_counts_from(day("2026-11-24")), Some(day("2026-12-01")));
        // Rule 24.6: on its day it is a free seat, and a referral counts from its issue.
        assert_eq!(terms.on(day("2026-11-30")).mode, AdmissionMode::EarlyBooking);
        assert_eq!(terms.on(day("2026-12-01")).mode, AdmissionMode::General);
        assert_eq!(terms.referral_counts_from(day("2026-12-01")), None);
        // No contract before the seat is free, none dated in the future.
        assert_eq!(terms.admits(day("2026-11-30"), day("2026-11-30")), Err(SeatError::BeforeStart));
        assert_eq!(terms.admits(day("2026-12-02"), day("2026-12-01")), Err(SeatError::ContractFuture));
        assert_eq!(terms.admits(day("2026-12-01"), day("2026-12-01")), Ok(()));
        // A general seat cannot start later: that is an early-booking one.
        assert_eq!(SeatTerms::new(AdmissionMode::General, Some(day("2026-12-01")), None, bulletin), Err(SeatError::AdmissionStart));
    }

    #[test]
    fn rule_25_4_a_temporary_seat_has_a_last_day_and_only_it_has_one() {
        let bulletin = day("2026-11-23");
        let terms = SeatTerms::new(AdmissionMode::TemporaryStay, None, Some(day("2027-02-28")), bulletin).unwrap();
        assert_eq!(terms.temporary_until(), Some(day("2027-02-28")));
        assert_eq!(terms.referral_counts_from(bulletin), None);
        assert_eq!(SeatTerms::new(AdmissionMode::TemporaryStay, None, None, bulletin), Err(SeatError::StayUntil));
        assert_eq!(SeatTerms::new(AdmissionMode::TemporaryStay, None, Some(bulletin), bulletin), Err(SeatError::StayUntil));
        assert_eq!(SeatTerms::new(AdmissionMode::General, None, Some(day("2027-02-28")), bulletin), Err(SeatError::StayUntilOnlyTemporary));
        let general = SeatTerms::new(AdmissionMode::General, None, None, bulletin).unwrap();
        assert_eq!(general.temporary_until(), None);
    }

    #[test]
    fn rule_24_2_seats_reported_by_17_00_go_into_that_evenings_bulletin() {
        let p = ServicePolicy::RULES;
        let at = |t: &str| crate::calendar::parse_instant(t).unwrap();
        assert_eq!(bulletin_day(at("2026-11-23T16:59:59+05:00"), &p), Ok(day("2026-11-23")));
        assert_eq!(bulletin_day(at("2026-11-23T17:00:00+05:00"), &p), Ok(day("2026-11-24")));
        assert_eq!(bulletin_day(at("2026-11-23T00:00:00+05:00"), &p), Ok(day("2026-11-23")));
    }

    #[test]
    fn rule_25_1_withdrawals_name_one_of_four_reasons() {
        assert_eq!(WithdrawalReason::ALL.map(WithdrawalReason::code), ["major_repair", "quarantine", "state_order_cancelled", "closure"]);
        assert_eq!(WithdrawalReason::parse("quarantine"), Ok(WithdrawalReason::Quarantine));
        assert_eq!(WithdrawalReason::parse("boredom").unwrap_err().code(), "seat.withdrawal_reason");
    }

    #[test]
    fn every_code_is_worded_in_every_language() {
        let all = [
            SeatError::Count,
            SeatError::AgeGroup,
            SeatError::GroupDetail,
            SeatError::AdmissionMode,
            SeatError::EarlyBookingDate,
            SeatError::AdmissionStart,
            SeatError::StayUntil,
            SeatError::StayUntilOnlyTemporary,
            SeatError::WithdrawalReason,
            SeatError::ContractFuture,
            SeatError::BeforeStart,
        ];
        for lang in crate::i18n::Lang::ALL {
            for e in all {
                assert!(crate::i18n::has(lang, e.code()), "{} [{}]", e.code(), lang.code());
            }
        }
    }
}
