//! When access to referrals is likely to reach an application: an estimate with its range, from
//! what the service publishes — the bulletins of free places (rule 24.3) and the queue
//! snapshots (rule 24.8). An estimate, never a promise: the page says how it was made.
//!
//! # The method
//!
//! Access to referrals reaches an application when enough places have been offered to its
//! queue for everyone ahead of it and then for it (rules 21, 24.4). So the wait is *places
//! needed* divided by *the pace at which places come*:
//!
//! * **Places needed**, `k`: the queue number (those ahead, plus one for the application
//!   itself), from the verified snapshot.
//! * **The pace**, `C` places over `T` working days, from one of two sources:
//!   1. **Snapshots** (preferred): the application's own queue number on an earlier visit and
//!      now. Its fall `C` over the `T` working days between is the pace this queue actually
//!      moved at: places taken, withdrawals and aged-out applications ahead, less new
//!      applications with an out-of-turn or priority right that came in ahead. Used when the
//!      visits are at least [`MIN_SNAPSHOT_DAYS`] working days apart and the number fell by at
//!      least [`MIN_PLACES`].
//!   2. **Bulletins**: the places the bulletins of free places published for the child's pool
//!      (the queue's locality or kindergarten group, the child's age group on 1 September
//!      (rule 28) and hours of stay: [`super::distribution::Pool`]) over the last
//!      [`LOOKBACK_DAYS`] working days, or since the first bulletin the service gives if that
//!      is later. Used when that span is at least [`MIN_BULLETIN_DAYS`] working days and holds
//!      at least [`MIN_PLACES`] places.
//! * **The range.** The count of places in a span varies by chance; treated as a Poisson
//!   count, the true number behind an observed `C` lies, 8 times in 10, between
//!   `(√C − z/2)²` and `(√C + z/2)²` with `z` = 1.2816 (the variance-stabilised interval; it is
//!   never negative). The earliest day is `k·T / (√C + z/2)²` working days from today, the
//!   latest `k·T / (√C − z/2)²`, each rounded up and counted on the working-day calendar.
//!   A latest day beyond [`HORIZON_DAYS`] working days (about five years: no child stays in
//!   the queue longer) is not given ("not before …"); an earliest one beyond it gives no
//!   estimate.
//!
//! # What it does not know (said on the page)
//!
//! * Families ahead who said they need no place for now (rule 20.7) are skipped by access to
//!   referrals but still hold queue numbers, so access may come **sooner**; the snapshots do
//!   not show who they are.
//! * New applications with an out-of-turn or priority right go ahead of general ones (rule 21),
//!   so access may come **later**; the snapshot pace includes those that came so far.
//! * A pool's places are shared by two birth years (children born from September to December
//!   and from January to August of the next year are of one age group, rule 28); the bulletin
//!   pace counts all of them for this queue, which errs on the early side.
//! * Places come unevenly through the year (most before 1 September); a span shorter than a
//!   year sees only part of that.
//!
//! ```
//! use kezek::calendar::{parse_date, Calendar};
//! use kezek::queue::estimate::{estimate, Basis, Estimate, EstimateRequest, Sighting};
//! let calendar = Calendar::builtin();
//! let today = parse_date("2026-11-23").unwrap();
//! // Number 130 a month ago (20 working days), 90 now: about 2 a working day.
//! let earlier = Sighting { on: parse_date("2026-10-26").unwrap(), queue_number: 130 };
//! let request = EstimateRequest { queue_number: 90, earlier: Some(earlier), ..EstimateRequest::default() };
//! let Estimate::Between { from, to, pace } = estimate(&request, today, &calendar).unwrap() else { panic!() };
//! assert_eq!((pace.basis, pace.places, pace.working_days), (Basis::Snapshots, 40, 20));
//! assert!(from < to);
//! ```

use super::distribution::{Seat, SeatGroup};
use super::QueueKey;
use crate::calendar::{format_date, Calendar, CalendarError};
use crate::i18n::{self, Lang};
use crate::status::format_day;
use chrono::NaiveDate;
use serde::Serialize;
use tsify::Tsify;

/// The bulletins of the last this many working days (about a year) make the bulletin pace.
pub const LOOKBACK_DAYS: i64 = 250;
/// The fewest working days of bulletins the bulletin pace is taken from (about a month).
pub const MIN_BULLETIN_DAYS: i64 = 20;
/// The fewest working days between two snapshots the snapshot pace is taken from.
pub const MIN_SNAPSHOT_DAYS: i64 = 5;
/// The fewest places (or steps of the queue number) a pace is taken from.
pub const MIN_PLACES: u64 = 3;
/// No date is given beyond this many working days (about five years).
pub const HORIZON_DAYS: i64 = 1250;
/// The normal quantile of a two-sided 80% range.
const Z: f64 = 1.2816;

/// Places a bulletin of free places published for one seat group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedPlaces {
    /// The bulletin's date.
    pub on: NaiveDate,
    pub seat: Seat,
    /// The places the group had when published.
    pub places: u32,
}

/// The application's queue number seen on a day (from a verified snapshot).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sighting {
    pub on: NaiveDate,
    pub queue_number: u64,
}

/// What the estimate is made from.
#[derive(Clone, Debug, Default)]
pub struct EstimateRequest<'a> {
    /// The application's queue number now (from 1).
    pub queue_number: u64,
    /// The application's queue and the child's seat group, which choose the bulletin places
    /// that count; without them the bulletins are not used.
    pub pool: Option<(&'a QueueKey, SeatGroup)>,
    /// Every place the bulletins the service gives list (of any pool: the earliest bulletin
    /// among them starts the span).
    pub bulletins: &'a [PublishedPlaces],
    /// The queue number on an earlier day.
    pub earlier: Option<Sighting>,
}

/// Where the pace came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    Snapshots,
    Bulletins,
}

impl Basis {
    pub fn code(self) -> &'static str {
        match self {
            Basis::Snapshots => "snapshots",
            Basis::Bulletins => "bulletins",
        }
    }
}

/// `places` over `working_days`, from `basis`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pace {
    pub basis: Basis,
    pub places: u64,
    pub working_days: i64,
}

/// The estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Estimate {
    /// Likely on a working day from `from` to `to` (8 chances in 10).
    Between { from: NaiveDate, to: NaiveDate, pace: Pace },
    /// Not likely before `from`; the latest day is beyond the horizon.
    NotBefore { from: NaiveDate, pace: Pace },
    /// Too little published to say (see the module docs for the thresholds).
    Unknown,
}

/// The estimate for `request` on `today` (see the module docs).
pub fn estimate(request: &EstimateRequest, today: NaiveDate, calendar: &Calendar) -> Result<Estimate, CalendarError> {
    if request.queue_number == 0 {
        return Ok(Estimate::Unknown);
    }
    let pace = match snapshot_pace(request, today, calendar)? {
        Some(pace) => pace,
        None => match bulletin_pace(request, today, calendar)? {
            Some(pace) => pace,
            None => return Ok(Estimate::Unknown),
        },
    };
    let count = pace.places as f64;
    let (high, low) = ((count.sqrt() + Z / 2.0).powi(2), (count.sqrt() - Z / 2.0).powi(2));
    let needed = request.queue_number as f64 * pace.working_days as f64;
    let days = |places: f64| -> Option<i64> {
        let days = (needed / places).ceil();
        (places > 0.0 && days <= HORIZON_DAYS as f64).then_some((days as i64).max(1))
    };
    let Some(early) = days(high) else { return Ok(Estimate::Unknown) };
    let from = calendar.add_working_days(today, early)?;
    Ok(match days(low) {
        Some(late) => Estimate::Between { from, to: calendar.add_working_days(today, late)?, pace },
        None => Estimate::NotBefore { from, pace },
    })
}

/// The estimate for a person: the range in words and how it was made, in `lang`. The page adds
/// the caveats of the module docs (static text: they do not depend on the figures).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct EstimateView {
    #[tsify(type = "\"between\" | \"not_before\" | \"unknown\"")]
    pub kind: &'static str,
    /// The earliest likely day, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub from: Option<String>,
    /// The latest likely day, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub to: Option<String>,
    /// `snapshots` or `bulletins`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "\"snapshots\" | \"bulletins\"")]
    pub basis: Option<&'static str>,
    /// "Access to referrals is likely to reach you between … and …" (empty when unknown).
    pub text: String,
    /// How: the pace seen and the places needed (empty when unknown).
    pub method: String,
}

impl Estimate {
    /// The estimate in words for the application with `queue_number`, in `lang`.
    pub fn view(&self, queue_number: u64, lang: Lang) -> EstimateView {
        let (kind, from, to, pace) = match *self {
            Estimate::Between { from, to, pace } => ("between", Some(from), Some(to), Some(pace)),
            Estimate::NotBefore { from, pace } => ("not_before", Some(from), None, Some(pace)),
            Estimate::Unknown => ("unknown", None, None, None),
        };
        let day = |d: Option<NaiveDate>| d.map(format_day).unwrap_or_default();
        let text = match kind {
            "unknown" => String::new(),
            _ => i18n::format(lang, &format!("estimate.{kind}"), &[("from", &day(from)), ("to", &day(to))]),
        };
        let method = pace.map_or_else(String::new, |p| {
            let args = [("places", p.places.to_string()), ("days", p.working_days.to_string()), ("n", queue_number.to_string())];
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            i18n::format(lang, &format!("estimate.method.{}", p.basis.code()), &args)
        });
        EstimateView { kind, from: from.map(format_date), to: to.map(format_date), basis: pace.map(|p| p.basis.code()), text, method }
    }
}

/// The fall of the queue number since an earlier visit, when it says enough.
fn snapshot_pace(request: &EstimateRequest, today: NaiveDate, calendar: &Calendar) -> Result<Option<Pace>, CalendarError> {
    let Some(earlier) = request.earlier else { return Ok(None) };
    let days = calendar.working_days_between(earlier.on, today)?;
    let fell = earlier.queue_number.saturating_sub(request.queue_number);
    Ok((days >= MIN_SNAPSHOT_DAYS && fell >= MIN_PLACES).then_some(Pace { basis: Basis::Snapshots, places: fell, working_days: days }))
}

/// The places the bulletins published for the pool, when they say enough.
fn bulletin_pace(request: &EstimateRequest, today: NaiveDate, calendar: &Calendar) -> Result<Option<Pace>, CalendarError> {
    let Some((queue, group)) = request.pool else { return Ok(None) };
    let Some(first) = request.bulletins.iter().map(|p| p.on).filter(|&on| on <= today).min() else { return Ok(None) };
    let start = first.max(calendar.add_working_days(today, -LOOKBACK_DAYS)?);
    let days = calendar.working_days_between(start, today)?;
    let pool = queue.pool(group);
    let places: u64 = request.bulletins.iter().filter(|p| p.on >= start && p.on <= today && p.seat.pool() == pool).map(|p| u64::from(p.places)).sum();
    Ok((days >= MIN_BULLETIN_DAYS && places >= MIN_PLACES).then_some(Pace { basis: Basis::Bulletins, places, working_days: days }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::StayMode;
    use crate::calendar::parse_date;
    use crate::queue::distribution::GroupKind;
    use crate::queue::Token;

    fn day(text: &str) -> NaiveDate {
        parse_date(text).expect("a date")
    }

    fn seat(age_group: u8, stay_mode: StayMode) -> Seat {
        Seat { locality: 750_000_000, kindergarten: Token::new("kg1").expect("token"), kind: GroupKind::General, age_group, stay_mode }
    }

    const TODAY: &str = "2026-11-23";

    fn calendar() -> Calendar {
        Calendar::builtin()
    }

    #[test]
    fn a_faster_queue_gives_an_earlier_and_narrower_range() {
        let c = calendar();
        let at = |fell: u64| {
            let request = EstimateRequest { queue_number: 100, earlier: Some(Sighting { on: day("2026-10-26"), queue_number: 100 + fell }), ..Default::default() };
            match estimate(&request, day(TODAY), &c).expect("estimate") {
                Estimate::Between { from, to, .. } => (from, to),
                other => panic!("{other:?}"),
            }
        };
        let (slow_from, slow_to) = at(10);
        let (fast_from, fast_to) = at(100);
        assert!(fast_from < slow_from && fast_to < slow_to);
        assert!((fast_to - fast_from) < (slow_to - slow_from));
    }

    #[test]
    fn the_range_follows_the_poisson_bounds_on_the_working_day_calendar() {
        // 40 steps in 20 working days, 90 needed: √40 = 6.325; (6.325 ± 0.641)² = 48.52 / 32.31;
        // 90·20/48.52 = 37.1 → 38 working days; 90·20/32.31 = 55.7 → 56 working days.
        let c = calendar();
        let request = EstimateRequest { queue_number: 90, earlier: Some(Sighting { on: day("2026-10-26"), queue_number: 130 }), ..Default::default() };
        assert_eq!(c.working_days_between(day("2026-10-26"), day(TODAY)), Ok(20));
        let got = estimate(&request, day(TODAY), &c).expect("estimate");
        let expected_from = c.add_working_days(day(TODAY), 38).expect("date");
        let expected_to = c.add_working_days(day(TODAY), 56).expect("date");
        assert_eq!(got, Estimate::Between { from: expected_from, to: expected_to, pace: Pace { basis: Basis::Snapshots, places: 40, working_days: 20 } });
        // The calendar's days off (16-17 December, Independence Day) are skipped, not counted.
        assert!(c.working_days_between(day(TODAY), expected_from).expect("count") == 38);
    }

    #[test]
    fn bulletins_count_only_the_places_of_the_childs_pool_in_the_last_year() {
        let c = calendar();
        let key: QueueKey = "750000000-2022-general".parse().expect("key");
        let group = SeatGroup { age_group: 3, stay_mode: StayMode::FullDay };
        let mut bulletins = Vec::new();
        // A place for the pool every working day from 1 September; other groups and other
        // localities add nothing; a bulletin older than the year before is out of the span.
        let mut on = day("2026-09-01");
        while on <= day(TODAY) {
            if c.is_working_day(on) {
                bulletins.push(PublishedPlaces { on, seat: seat(3, StayMode::FullDay), places: 1 });
                bulletins.push(PublishedPlaces { on, seat: seat(4, StayMode::FullDay), places: 5 });
                bulletins.push(PublishedPlaces { on, seat: seat(3, StayMode::PartDay), places: 5 });
                let mut elsewhere = seat(3, StayMode::FullDay);
                elsewhere.locality = 710_000_000;
                bulletins.push(PublishedPlaces { on, seat: elsewhere, places: 5 });
            }
            on = on.succ_opt().expect("date");
        }
        let request = EstimateRequest { queue_number: 10, pool: Some((&key, group)), bulletins: &bulletins, earlier: None };
        let Estimate::Between { pace, .. } = estimate(&request, day(TODAY), &c).expect("estimate") else { panic!("no range") };
        let days = c.working_days_between(day("2026-09-01"), day(TODAY)).expect("count");
        // The first bulletin's day starts the span (its places count, the day itself does not).
        assert_eq!(pace, Pace { basis: Basis::Bulletins, places: days as u64 + 1, working_days: days });
    }

    #[test]
    fn the_earlier_visit_is_preferred_to_the_bulletins_when_it_says_enough() {
        let c = calendar();
        let key: QueueKey = "750000000-2022-general".parse().expect("key");
        let group = SeatGroup { age_group: 3, stay_mode: StayMode::FullDay };
        let bulletins = [PublishedPlaces { on: day("2026-01-05"), seat: seat(3, StayMode::FullDay), places: 50 }];
        let with = |earlier| EstimateRequest { queue_number: 40, pool: Some((&key, group)), bulletins: &bulletins, earlier };
        let basis = |request: &EstimateRequest| match estimate(request, day(TODAY), &c).expect("estimate") {
            Estimate::Between { pace, .. } | Estimate::NotBefore { pace, .. } => Some(pace.basis),
            Estimate::Unknown => None,
        };
        assert_eq!(basis(&with(Some(Sighting { on: day("2026-11-02"), queue_number: 60 }))), Some(Basis::Snapshots));
        // Too recent a visit, or a number that did not fall: the bulletins.
        assert_eq!(basis(&with(Some(Sighting { on: day("2026-11-20"), queue_number: 60 }))), Some(Basis::Bulletins));
        assert_eq!(basis(&with(Some(Sighting { on: day("2026-11-02"), queue_number: 38 }))), Some(Basis::Bulletins));
        assert_eq!(basis(&with(None)), Some(Basis::Bulletins));
    }

    #[test]
    fn too_little_history_gives_no_estimate() {
        let c = calendar();
        let key: QueueKey = "750000000-2022-general".parse().expect("key");
        let group = SeatGroup { age_group: 3, stay_mode: StayMode::FullDay };
        // One bulletin, yesterday: however many places, a single day says nothing of the pace.
        let yesterday = [PublishedPlaces { on: day("2026-11-20"), seat: seat(3, StayMode::FullDay), places: 40 }];
        let request = EstimateRequest { queue_number: 10, pool: Some((&key, group)), bulletins: &yesterday, earlier: None };
        assert_eq!(estimate(&request, day(TODAY), &c), Ok(Estimate::Unknown));
        // A long span with only two places.
        let sparse = [PublishedPlaces { on: day("2026-03-02"), seat: seat(3, StayMode::FullDay), places: 2 }];
        let request = EstimateRequest { bulletins: &sparse, ..request };
        assert_eq!(estimate(&request, day(TODAY), &c), Ok(Estimate::Unknown));
        // No pool given: the bulletins are not used.
        let request = EstimateRequest { pool: None, ..request };
        assert_eq!(estimate(&request, day(TODAY), &c), Ok(Estimate::Unknown));
        assert_eq!(estimate(&EstimateRequest::default(), day(TODAY), &c), Ok(Estimate::Unknown));
    }

    #[test]
    fn a_latest_day_beyond_five_years_is_not_given() {
        let c = calendar();
        // 3 steps in 200 working days, 400 needed: about 27,000 working days at the pace seen.
        let request = EstimateRequest { queue_number: 400, earlier: Some(Sighting { on: day("2026-02-02"), queue_number: 403 }), ..Default::default() };
        assert_eq!(estimate(&request, day(TODAY), &c), Ok(Estimate::Unknown));
        // 30 steps in ~200 working days, 180 needed: the early bound (~990 working days) is
        // within the horizon, the late one (~1,580) is not.
        let request = EstimateRequest { queue_number: 180, earlier: Some(Sighting { on: day("2026-02-02"), queue_number: 210 }), ..Default::default() };
        assert!(matches!(estimate(&request, day(TODAY), &c), Ok(Estimate::NotBefore { .. })), "{:?}", estimate(&request, day(TODAY), &c));
    }

    #[test]
    fn the_view_says_the_range_and_the_method_in_each_language() {
        let pace = Pace { basis: Basis::Bulletins, places: 42, working_days: 60 };
        let between = Estimate::Between { from: day("2027-01-12"), to: day("2027-03-02"), pace };
        let en = between.view(57, Lang::En);
        assert_eq!((en.kind, en.from.as_deref(), en.to.as_deref(), en.basis), ("between", Some("2027-01-12"), Some("2027-03-02"), Some("bulletins")));
        assert!(en.text.contains("12.01.2027") && en.text.contains("02.03.2027"), "{}", en.text);
        for lang in Lang::ALL {
            let v = between.view(57, lang);
            assert!(v.method.contains("42") && v.method.contains("60") && v.method.contains("57"), "{}", v.method);
            assert!(!v.text.contains('{') && !v.method.contains('{'));
        }
        let not_before = Estimate::NotBefore { from: day("2031-05-05"), pace: Pace { basis: Basis::Snapshots, ..pace } };
        assert!(not_before.view(300, Lang::Ru).text.contains("05.05.2031"));
        assert_eq!(not_before.view(300, Lang::Ru).to, None);
        let unknown = Estimate::Unknown.view(3, Lang::Kk);
        assert_eq!((unknown.kind, unknown.text.as_str(), unknown.method.as_str()), ("unknown", "", ""));
    }
}
