//! The server's only source of "now". The kezek core never reads the clock; the server injects
//! one so that every deadline, job and test runs on the same, controllable time.
//!
//! The demo clock moves only within [`DEMO_RANGE`], the years the core's calendar covers
//! (`kezek::calendar::MIN_YEAR`..`MAX_YEAR`), and every step is checked arithmetic: an instant
//! outside chrono's range once panicked the scheduler, which then published no bulletin.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kezek::calendar::{MAX_YEAR, MIN_YEAR};
use std::sync::Mutex;
use std::time::Instant;

/// Where the current instant comes from. Every instant is to the whole millisecond, the
/// resolution of the database and the public log, so a status stored and its log entry name
/// exactly the same instant (the register replays to the stored status).
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// `instant` without its sub-millisecond part.
pub fn to_millisecond(instant: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(instant.timestamp_millis()).unwrap_or(instant)
}

/// The operating system's clock: production.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        to_millisecond(Utc::now())
    }
}

/// A clock that starts at a chosen instant and, unless frozen, runs forward in real time.
/// Demo mode moves it with `POST /api/demo/clock`; tests freeze it or let it run.
pub struct SettableClock {
    state: Mutex<Anchor>,
    frozen: bool,
}

#[derive(Clone, Copy)]
struct Anchor {
    at: DateTime<Utc>,
    since: Instant,
}

impl SettableClock {
    /// A clock reading `start` now and advancing with real time.
    pub fn running_from(start: DateTime<Utc>) -> SettableClock {
        SettableClock { state: Mutex::new(Anchor { at: start, since: Instant::now() }), frozen: false }
    }

    /// A clock that reads `start` until it is moved.
    pub fn frozen_at(start: DateTime<Utc>) -> SettableClock {
        SettableClock { state: Mutex::new(Anchor { at: start, since: Instant::now() }), frozen: true }
    }

    /// Moves the clock to `instant`.
    pub fn set(&self, instant: DateTime<Utc>) {
        let mut anchor = self.lock();
        *anchor = Anchor { at: instant, since: Instant::now() };
    }

    /// Moves the clock forward (or back, for a negative duration); `None` (and no move) when
    /// the result would leave chrono's range.
    pub fn advance(&self, by: Duration) -> Option<DateTime<Utc>> {
        let to = self.now().checked_add_signed(by)?;
        self.set(to);
        Some(to)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Anchor> {
        // A poisoned lock only means another thread panicked while holding a plain value: the
        // value is still a valid instant, so keep using it.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Clock for SettableClock {
    fn now(&self) -> DateTime<Utc> {
        let anchor = *self.lock();
        if self.frozen {
            return to_millisecond(anchor.at);
        }
        let elapsed = Duration::from_std(anchor.since.elapsed()).unwrap_or(Duration::zero());
        // Saturates instead of panicking at the end of chrono's range.
        to_millisecond(anchor.at.checked_add_signed(elapsed).unwrap_or(anchor.at))
    }
}

/// The instants the demo clock accepts: from 1 January [`MIN_YEAR`] to 1 January
/// [`MAX_YEAR`] UTC (excluded), so that every job's date arithmetic (a few working days ahead)
/// stays inside the calendar.
pub const DEMO_RANGE: (i32, i32) = (MIN_YEAR, MAX_YEAR);

/// True when `instant` is inside [`DEMO_RANGE`].
pub fn in_demo_range(instant: DateTime<Utc>) -> bool {
    let start = |year| NaiveDate::from_ymd_opt(year, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc());
    match (start(DEMO_RANGE.0), start(DEMO_RANGE.1)) {
        (Some(from), Some(until)) => from <= instant && instant < until,
        _ => false,
    }
}

/// Parses an ISO 8601 duration of the simple forms the demo clock accepts: `PnD`, `PTnH`,
/// `PTnM`, `PTnS` and their combinations such as `P1DT2H30M`.
pub fn parse_iso_duration(text: &str) -> Option<Duration> {
    let rest = text.strip_prefix('P')?;
    let (date_part, time_part) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut total = Duration::zero();
    let mut any = false;
    let mut read = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let seconds = units.iter().find(|(u, _)| *u == c)?.1;
            let n: i64 = number.parse().ok()?;
            total = total.checked_add(&Duration::try_seconds(n.checked_mul(seconds)?)?)?;
            number.clear();
            any = true;
        }
        number.is_empty().then_some(())
    };
    read(date_part, &[('W', 7 * 86_400), ('D', 86_400)])?;
    if let Some(t) = time_part {
        read(t, &[('H', 3_600), ('M', 60), ('S', 1)])?;
    }
    any.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_iso_duration("PT1H"), Some(Duration::hours(1)));
        assert_eq!(parse_iso_duration("P1DT2H30M"), Some(Duration::minutes(24 * 60 + 150)));
        assert_eq!(parse_iso_duration("P"), None);
        assert_eq!(parse_iso_duration("PT1X"), None);
        assert_eq!(parse_iso_duration("1H"), None);
    }

    #[test]
    fn durations_beyond_any_clock_are_refused_not_panicked_on() {
        assert!(parse_iso_duration("P99999999999D").is_some(), "273 million years is a duration; no clock can add it");
        assert_eq!(parse_iso_duration("P999999999999D"), None);
        assert_eq!(parse_iso_duration("P9999999999999999999D"), None);
        assert_eq!(parse_iso_duration("PT9223372036854775807S"), None);
        let clock = SettableClock::frozen_at(DateTime::<Utc>::MAX_UTC - Duration::days(1));
        assert_eq!(clock.advance(Duration::days(2)), None);
        assert_eq!(clock.now(), to_millisecond(DateTime::<Utc>::MAX_UTC - Duration::days(1)));
        let running = SettableClock::running_from(DateTime::<Utc>::MAX_UTC);
        assert_eq!(running.now(), to_millisecond(DateTime::<Utc>::MAX_UTC));
    }

    #[test]
    fn the_demo_clock_stays_in_the_calendar_years() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert!(in_demo_range(at("1900-01-01T00:00:00Z")));
        assert!(in_demo_range(at("2199-12-31T23:59:59Z")));
        assert!(!in_demo_range(at("1899-12-31T23:59:59Z")));
        assert!(!in_demo_range(at("2200-01-01T00:00:00Z")));
        assert!(!in_demo_range(DateTime::<Utc>::MAX_UTC));
    }

    #[test]
    fn frozen_clock_moves_only_when_told() {
        let start = DateTime::parse_from_rfc3339("2026-11-23T02:00:00Z").unwrap().with_timezone(&Utc);
        let clock = SettableClock::frozen_at(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::hours(1));
        assert_eq!(clock.now(), start + Duration::hours(1));
    }
}
