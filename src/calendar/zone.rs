//! Kazakhstan local time: one zone, UTC+6 until 1 March 2024 and UTC+5 from then.
//!
//! The switch happened at 00:00 local time on 1 March 2024 on the old clock (UTC+6), that is
//! at 2024-02-29 18:00 UTC; clocks went back to 23:00 on 29 February. So local times from
//! 23:00 to 23:59:59 on 2024-02-29 happened twice. [`local_to_instant`] resolves them to the earlier instant (still UTC+6). No
//! deadline in kezek ends inside that hour (they end at 07:00, 18:00 or midnight), so the choice
//! never shortens or lengthens one.
//!
//! Before 2024 some western regions kept UTC+5; the Rules' deadlines are counted in the single
//! zone this module models.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};

/// Seconds east of UTC before the switch.
const OLD_OFFSET_SECONDS: i32 = 6 * 3600;
/// Seconds east of UTC from the switch on.
const NEW_OFFSET_SECONDS: i32 = 5 * 3600;

/// The instant of the switch, 2024-03-01 00:00 at UTC+6, as Unix seconds.
pub const SWITCH_UNIX_SECONDS: i64 = 1_709_229_600;

fn offset(seconds: i32) -> FixedOffset {
    // Both constants are whole hours well inside ±24 h, so `east_opt` always succeeds; UTC is a
    // safe, visible fallback rather than a panic.
    FixedOffset::east_opt(seconds).unwrap_or_else(|| Utc.fix())
}

/// The UTC offset in force in Kazakhstan at `instant`.
pub fn offset_at(instant: DateTime<Utc>) -> FixedOffset {
    if instant.timestamp() < SWITCH_UNIX_SECONDS {
        offset(OLD_OFFSET_SECONDS)
    } else {
        offset(NEW_OFFSET_SECONDS)
    }
}

/// `instant` as Kazakhstan local time, with the offset then in force.
pub fn to_local(instant: DateTime<Utc>) -> DateTime<FixedOffset> {
    instant.with_timezone(&offset_at(instant))
}

/// `instant` as Kazakhstan local time in RFC 3339 (`2026-11-23T07:00:00+05:00`).
pub fn format_local(instant: DateTime<Utc>) -> String {
    super::format_instant(to_local(instant))
}

/// The instant at which Kazakhstan clocks showed `local`; the earlier one when they showed it
/// twice (2024-02-29 23:00-23:59). `None` only outside chrono's range.
pub fn local_to_instant(local: NaiveDateTime) -> Option<DateTime<Utc>> {
    let as_old = offset(OLD_OFFSET_SECONDS).from_local_datetime(&local).single()?.with_timezone(&Utc);
    if as_old.timestamp() < SWITCH_UNIX_SECONDS {
        return Some(as_old);
    }
    Some(offset(NEW_OFFSET_SECONDS).from_local_datetime(&local).single()?.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn switch_instant_is_midnight_at_utc_plus_6() {
        assert_eq!(utc("2024-02-29T18:00:00Z").timestamp(), SWITCH_UNIX_SECONDS);
    }

    #[test]
    fn offset_before_and_after_the_switch() {
        assert_eq!(format_local(utc("2024-02-29T17:59:59Z")), "2024-02-29T23:59:59+06:00");
        assert_eq!(to_local(utc("2024-02-29T18:00:00Z")).to_rfc3339(), "2024-02-29T23:00:00+05:00");
        assert_eq!(to_local(utc("2023-06-01T01:00:00Z")).to_rfc3339(), "2023-06-01T07:00:00+06:00");
        assert_eq!(to_local(utc("2026-11-22T02:00:00Z")).to_rfc3339(), "2026-11-22T07:00:00+05:00");
    }

    #[test]
    fn local_to_instant_round_trips() {
        assert_eq!(local_to_instant(local(2023, 6, 1, 7, 0)), Some(utc("2023-06-01T01:00:00Z")));
        assert_eq!(local_to_instant(local(2026, 11, 23, 7, 0)), Some(utc("2026-11-23T02:00:00Z")));
        assert_eq!(local_to_instant(local(2024, 3, 1, 0, 0)), Some(utc("2024-02-29T19:00:00Z")));
    }

    #[test]
    fn repeated_hour_resolves_to_the_earlier_instant() {
        assert_eq!(local_to_instant(local(2024, 2, 29, 23, 30)), Some(utc("2024-02-29T17:30:00Z")));
        assert_eq!(local_to_instant(local(2024, 2, 29, 22, 59)), Some(utc("2024-02-29T16:59:00Z")));
    }
}
