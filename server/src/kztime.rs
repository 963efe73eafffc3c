//! Kazakhstan local time for the server's deadlines, on top of `kezek::calendar::zone`.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use kezek::calendar::zone;

/// The local calendar date at `instant`.
pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    zone::to_local(instant).date_naive()
}

/// The instant when local clocks show `hour:00` on `date`.
pub fn at_local(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN);
    // Only fails outside chrono's range, which the calendar's 1900-2200 limit never reaches.
    zone::local_to_instant(date.and_time(time)).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The instant at which local `date` ends (the next day's 00:00): deadlines "to the end of day".
pub fn end_of_local_day(date: NaiveDate) -> DateTime<Utc> {
    at_local(date.succ_opt().unwrap_or(date), 0)
}

pub fn to_ms(instant: DateTime<Utc>) -> i64 {
    instant.timestamp_millis()
}

pub fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// RFC 3339 in UTC with milliseconds, as every instant in the API is written.
pub fn rfc3339(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// `instant` in RFC 3339 with the Kazakhstan offset then in force, for people.
pub fn local_rfc3339(instant: DateTime<Utc>) -> String {
    zone::to_local(instant).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_hours_follow_the_2024_switch() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(rfc3339(at_local(d, 7)), "2026-11-23T02:00:00.000Z");
        let old = NaiveDate::from_ymd_opt(2023, 11, 23).unwrap();
        assert_eq!(rfc3339(at_local(old, 7)), "2023-11-23T01:00:00.000Z");
        assert_eq!(rfc3339(end_of_local_day(d)), "2026-11-23T19:00:00.000Z");
    }
}
