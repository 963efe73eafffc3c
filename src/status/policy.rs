//! The provider's settings of the queue management system: the times and counts the Rules let
//! the provider choose, in one value that the backend loads, applies and publishes, and that the
//! page reads to show the provider's actual times.
//!
//! | field | default | rule | what it sets |
//! |---|---|---|---|
//! | `windowOpensAt` | `07:00` | 24.4 | local time the daily access to referrals opens; the Rules allow any time up to 23:59 |
//! | `bulletinAt` | `18:00` | 24.3 | local time the daily vacancy bulletin is published |
//! | `seatReportBy` | `17:00` | 24.2 | local time by which kindergartens report the day's seats (before the bulletin) |
//! | `workdayEndsAt` | `18:30` | Appendix 2 | the provider's working day ends: a portal submission after it (or on a day off) is processed on the next working day |
//! | `windowWorkingDays` | 3 | 24.4 | working days an access window lasts |
//! | `nextCandidates` | 1000 | 24.10 | how many further candidates get access to seats left after a window |
//! | `priorityRun`, `generalRun` | 1, 3 | 21 | one priority place after every three general ones |
//! | `lead` | `priority` | 21 | which run starts the interleaving (the Rules do not say) |
//! | `originalsWorkingDays` | 5 | 22, 29 | working days to bring the originals |
//! | `originalsServiceMinutes` | 30 | 22, Appendix 2 | minutes the service provider takes to compare and confirm the originals once the applicant brings them |
//! | `referralWorkingDays` | 5 | Appendix 4 item 8 | working days a referral is valid |
//! | `extensionCalendarDays` | 30 | 30 | calendar days from issue a referral may be extended to, once |
//! | `cancelHours` | 24 | 30 | hours after issue the applicant may cancel a referral ("within one day") |
//!
//! The counts fixed by the Rules (3, 5, 30, 24 hours) are settings too, so that a change of the
//! Rules is a change of configuration; [`ServicePolicy::check`] refuses values the Rules could
//! not mean (a window opening after 23:59, zero working days).
//!
//! JSON (what the backend publishes at `GET /api/policy` and `loadPolicy` reads):
//!
//! ```
//! use kezek::status::ServicePolicy;
//! let policy = ServicePolicy::from_json(r#"{ "windowOpensAt": "08:30", "bulletinAt": "19:00" }"#).unwrap();
//! assert_eq!(policy.window_opens_at.to_string(), "08:30");
//! assert_eq!(policy.window_working_days, 3); // absent fields keep their defaults
//! ```

use crate::json::Object;
use crate::queue::{Lead, OrderPolicy};
use core::fmt;
use serde::{Serialize, Serializer};
use crate::json::Value;

/// A local time of day to the minute, written `HH:MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime {
    hour: u8,
    minute: u8,
}

impl LocalTime {
    /// `hour:minute`, if it is a time of day (00:00-23:59).
    pub const fn new(hour: u8, minute: u8) -> Option<LocalTime> {
        if hour < 24 && minute < 60 {
            Some(LocalTime { hour, minute })
        } else {
            None
        }
    }

    pub const fn hour(self) -> u32 {
        self.hour as u32
    }

    pub const fn minute(self) -> u32 {
        self.minute as u32
    }

    /// Reads `HH:MM` (two digits each).
    pub fn parse(text: &str) -> Result<LocalTime, String> {
        let bytes = text.as_bytes();
        let digit = |i: usize| bytes.get(i).filter(|b| b.is_ascii_digit()).map(|b| b - b'0');
        let parsed = match (bytes.len(), digit(0), digit(1), bytes.get(2), digit(3), digit(4)) {
            (5, Some(h1), Some(h2), Some(b':'), Some(m1), Some(m2)) => LocalTime::new(h1 * 10 + h2, m1 * 10 + m2),
            _ => None,
        };
        parsed.ok_or_else(|| format!("'{}' is not a time of day like 07:00", text.chars().take(20).collect::<String>()))
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

impl Serialize for LocalTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The provider's settings (see the module docs for each field and its rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServicePolicy {
    pub window_opens_at: LocalTime,
    pub bulletin_at: LocalTime,
    pub seat_report_by: LocalTime,
    pub workday_ends_at: LocalTime,
    pub window_working_days: u32,
    pub next_candidates: u32,
    pub order: OrderPolicy,
    pub originals_working_days: u32,
    pub originals_service_minutes: u32,
    pub referral_working_days: u32,
    pub extension_calendar_days: u32,
    pub cancel_hours: u32,
}

/// 00:00.
pub const MIDNIGHT: LocalTime = LocalTime { hour: 0, minute: 0 };

const fn time(hour: u8, minute: u8) -> LocalTime {
    LocalTime { hour, minute }
}

impl Default for ServicePolicy {
    fn default() -> Self {
        ServicePolicy::RULES
    }
}

impl ServicePolicy {
    /// The Rules' own values.
    pub const RULES: ServicePolicy = ServicePolicy {
        window_opens_at: time(7, 0),
        bulletin_at: time(18, 0),
        seat_report_by: time(17, 0),
        workday_ends_at: time(18, 30),
        window_working_days: 3,
        next_candidates: 1000,
        order: OrderPolicy { priority_run: 1, general_run: 3, lead: Lead::Priority, window: 1000 },
        originals_working_days: 5,
        originals_service_minutes: 30,
        referral_working_days: 5,
        extension_calendar_days: 30,
        cancel_hours: 24,
    };

    /// Refuses settings the Rules cannot mean. Every count is at least 1 and at most a bound
    /// that keeps date arithmetic far inside the calendar's range.
    pub fn check(&self) -> Result<(), String> {
        let counts = [
            ("windowWorkingDays", self.window_working_days, 30),
            ("nextCandidates", self.next_candidates, 1_000_000),
            ("priorityRun", self.order.priority_run, 100),
            ("generalRun", self.order.general_run, 100),
            ("originalsWorkingDays", self.originals_working_days, 60),
            ("originalsServiceMinutes", self.originals_service_minutes, 24 * 60),
            ("referralWorkingDays", self.referral_working_days, 60),
            ("extensionCalendarDays", self.extension_calendar_days, 366),
            ("cancelHours", self.cancel_hours, 24 * 30),
        ];
        for (name, value, max) in counts {
            if !(1..=max).contains(&value) {
                return Err(format!("{name}: expected a whole number from 1 to {max}"));
            }
        }
        if self.seat_report_by > self.bulletin_at {
            return Err("seatReportBy: seats are reported before the bulletin is published".to_owned());
        }
        Ok(())
    }

    /// Reads the JSON form; absent fields keep the Rules' values, unknown fields are refused.
    pub fn from_value(value: &serde_json::Value) -> Result<ServicePolicy, String> {
        ServicePolicy::from_json(&value.to_string())
    }

    fn read(value: &Value<'_>) -> Result<ServicePolicy, String> {
        let o = Object::new(value, "policy")?;
        o.only(&FIELDS)?;
        let mut p = ServicePolicy::RULES;
        let time = |key: &str, default: LocalTime| -> Result<LocalTime, String> { Ok(o.opt_parsed(key, LocalTime::parse)?.unwrap_or(default)) };
        let count = |key: &str, default: u32| -> Result<u32, String> {
            match o.opt_int(key)? {
                None => Ok(default),
                Some(n) => u32::try_from(n).map_err(|_| format!("policy.{key}: expected a whole number from 1")),
            }
        };
        p.window_opens_at = time("windowOpensAt", p.window_opens_at)?;
        p.bulletin_at = time("bulletinAt", p.bulletin_at)?;
        p.seat_report_by = time("seatReportBy", p.seat_report_by)?;
        p.workday_ends_at = time("workdayEndsAt", p.workday_ends_at)?;
        p.window_working_days = count("windowWorkingDays", p.window_working_days)?;
        p.next_candidates = count("nextCandidates", p.next_candidates)?;
        p.order.priority_run = count("priorityRun", p.order.priority_run)?;
        p.order.general_run = count("generalRun", p.order.general_run)?;
        p.order.lead = match o.opt_str("lead")? {
            None => p.order.lead,
            Some("priority") => Lead::Priority,
            Some("general") => Lead::General,
            Some(_) => return Err("policy.lead: expected one of priority, general".to_owned()),
        };
        p.originals_working_days = count("originalsWorkingDays", p.originals_working_days)?;
        p.originals_service_minutes = count("originalsServiceMinutes", p.originals_service_minutes)?;
        p.referral_working_days = count("referralWorkingDays", p.referral_working_days)?;
        p.extension_calendar_days = count("extensionCalendarDays", p.extension_calendar_days)?;
        p.cancel_hours = count("cancelHours", p.cancel_hours)?;
        // The 24.10 count is also the "next window" remark of a position.
        p.order.window = p.next_candidates;
        p.check().map_err(|e| format!("policy.{e}"))?;
        Ok(p)
    }

    /// Reads the JSON text (see [`ServicePolicy::from_value`]).
    pub fn from_json(text: &str) -> Result<ServicePolicy, String> {
        ServicePolicy::read(&Value::parse(text).map_err(|_| "policy: not a JSON document".to_owned())?)
    }
}

const FIELDS: [&str; 15] = [
    "windowOpensAt",
    "bulletinAt",
    "seatReportBy",
    "workdayEndsAt",
    "windowWorkingDays",
    "nextCandidates",
    "priorityRun",
    "generalRun",
    "lead",
    "originalsWorkingDays",
    "originalsServiceMinutes",
    "referralWorkingDays",
    "extensionCalendarDays",
    "cancelHours",
    // Written by `Serialize` for readers; ignored on reading (it is `nextCandidates`).
    "window",
];

impl Serialize for ServicePolicy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("ServicePolicy", 14)?;
        s.serialize_field("windowOpensAt", &self.window_opens_at)?;
        s.serialize_field("bulletinAt", &self.bulletin_at)?;
        s.serialize_field("seatReportBy", &self.seat_report_by)?;
        s.serialize_field("workdayEndsAt", &self.workday_ends_at)?;
        s.serialize_field("windowWorkingDays", &self.window_working_days)?;
        s.serialize_field("nextCandidates", &self.next_candidates)?;
        s.serialize_field("priorityRun", &self.order.priority_run)?;
        s.serialize_field("generalRun", &self.order.general_run)?;
        s.serialize_field("lead", match self.order.lead {
            Lead::Priority => "priority",
            Lead::General => "general",
        })?;
        s.serialize_field("originalsWorkingDays", &self.originals_working_days)?;
        s.serialize_field("originalsServiceMinutes", &self.originals_service_minutes)?;
        s.serialize_field("referralWorkingDays", &self.referral_working_days)?;
        s.serialize_field("extensionCalendarDays", &self.extension_calendar_days)?;
        s.serialize_field("cancelHours", &self.cancel_hours)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_values_are_the_default_and_survive_a_round_trip() {
        let p = ServicePolicy::default();
        assert_eq!(p.window_opens_at.to_string(), "07:00");
        assert_eq!((p.window_working_days, p.next_candidates, p.originals_working_days, p.referral_working_days), (3, 1000, 5, 5));
        let json = serde_json::to_value(p).unwrap();
        assert_eq!(json["bulletinAt"], "18:00");
        assert_eq!(ServicePolicy::from_value(&json), Ok(p));
    }

    #[test]
    fn a_provider_may_move_its_times_but_not_past_the_day() {
        let p = ServicePolicy::from_json(r#"{ "windowOpensAt": "23:59", "nextCandidates": 500 }"#).unwrap();
        assert_eq!(p.window_opens_at, LocalTime::new(23, 59).unwrap());
        assert_eq!((p.next_candidates, p.order.window), (500, 500));
        assert_eq!(ServicePolicy::from_json(r#"{ "windowOpensAt": "24:00" }"#).unwrap_err(), "policy.windowOpensAt: '24:00' is not a time of day like 07:00");
        assert_eq!(ServicePolicy::from_json(r#"{ "windowOpensAt": "7:00" }"#).unwrap_err(), "policy.windowOpensAt: '7:00' is not a time of day like 07:00");
    }

    #[test]
    fn counts_the_rules_could_not_mean_are_refused() {
        assert_eq!(ServicePolicy::from_json(r#"{ "windowWorkingDays": 0 }"#).unwrap_err(), "policy.windowWorkingDays: expected a whole number from 1 to 30");
        assert_eq!(ServicePolicy::from_json(r#"{ "cancelHours": -1 }"#).unwrap_err(), "policy.cancelHours: expected a whole number from 1");
        assert_eq!(ServicePolicy::from_json(r#"{ "lead": "random" }"#).unwrap_err(), "policy.lead: expected one of priority, general");
        assert_eq!(ServicePolicy::from_json(r#"{ "windowSize": 3 }"#).unwrap_err(), "policy.windowSize: unknown field");
        assert_eq!(ServicePolicy::from_json(r#"{ "seatReportBy": "19:00" }"#).unwrap_err(), "policy.seatReportBy: seats are reported before the bulletin is published");
    }
}
