//! The server's only source of "now". The kezek core never reads the clock; the server injects
//! one so that every deadline, job and test runs on the same, controllable time.

use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;
use std::time::Instant;

/// Where the current instant comes from.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The operating system's clock: production.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
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

    /// Moves the clock forward (or back, for a negative duration).
    pub fn advance(&self, by: Duration) {
        let now = self.now();
        self.set(now + by);
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
            return anchor.at;
        }
        let elapsed = Duration::from_std(anchor.since.elapsed()).unwrap_or(Duration::zero());
        anchor.at + elapsed
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
            total += Duration::seconds(n.checked_mul(seconds)?);
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
    fn frozen_clock_moves_only_when_told() {
        let start = DateTime::parse_from_rfc3339("2026-11-23T02:00:00Z").unwrap().with_timezone(&Utc);
        let clock = SettableClock::frozen_at(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::hours(1));
        assert_eq!(clock.now(), start + Duration::hours(1));
    }
}
