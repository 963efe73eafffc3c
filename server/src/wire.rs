//! How instants travel: Unix milliseconds in the database, RFC 3339 in UTC with milliseconds in
//! JSON. Formats only — every local date, hour and deadline comes from the core
//! (`kezek::status::deadline`, `kezek::calendar::zone`).

use chrono::{DateTime, TimeZone, Utc};

pub fn to_ms(instant: DateTime<Utc>) -> i64 {
    instant.timestamp_millis()
}

/// The instant of `ms` milliseconds; the earliest instant for a value chrono cannot hold (no
/// stored value is one: every instant written comes from [`to_ms`]).
pub fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// RFC 3339 in UTC with milliseconds, as every instant in the API is written.
pub fn rfc3339(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
