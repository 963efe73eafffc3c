//! Who gets access to referrals, and for which seats (rules 24.4, 24.10, 28, 29).
//!
//! Every working day at the window time (07:00 by default) the queue management system opens
//! "priority access to referrals for 3 working days to the first candidates in the queue for
//! the free seats (matching stay mode and the child's age)" (24.4), and "three days after
//! distribution opens the seats still free to the next 1000 candidates" (24.10). Read
//! together (`../shared/domain/RULES.md`, the updated reading of 24.4 and 24.10):
//!
//! 1. **Seat groups.** A seat matches a candidate when it is in the candidate's queue
//!    ([`QueueKey::admits`]: the locality's general groups for a general queue, the
//!    kindergarten's groups of that disorder or profile for a special or sanatorium one), for
//!    the child's **age group** — full years on 1 September of the current school year, as rule
//!    28 counts age at referral ([`age_group`]) — and the chosen **stay mode**. Within a queue,
//!    seats and candidates fall into [`SeatGroup`]s; seats of a group are interchangeable
//!    (the applicant chooses the kindergarten, 24.5).
//! 2. **Priority round (24.4).** In each group, the free seats not yet on offer to an open
//!    priority window (`fresh − reserved`) are offered to as many candidates, the first in
//!    queue order ([`super::order`]). So open priority windows never outnumber the free seats:
//!    whoever holds one can always take a seat, and no lower-ranked window can take a seat a
//!    higher-ranked open window needs.
//! 3. **Remaining round (24.10).** Seats that stayed free through a whole priority round
//!    (`leftover`) are offered to the next [`ServicePolicy::next_candidates`] candidates at once,
//!    for the same number of working days; among them the first to claim gets the seat. A
//!    remaining-round claim may only take a seat that no open priority window needs
//!    ([`may_claim`]), so the guarantee of 2 holds across rounds. One remaining round at a time
//!    per group.
//! 4. **Candidates** are applications registered in the queue, waiting and interested
//!    ([`crate::status::Status::is_candidate`]): not awaiting originals (rule 22: no window
//!    before confirmation), not holding an open window or a referral, not paused after "not
//!    interested" or an unused window (see the decisions in [`crate::status`]).
//! 5. **Siblings (rule 29).** Children of one applicant in one queue and seat group are
//!    granted windows together, in the place of the first of them, when the seats of the round
//!    suffice for all; otherwise each waits for its own turn. Their referrals to one
//!    kindergarten are then claimed together (the backend's family claim).

use super::{ApplicationNumber, Entry, QueueKey, QueueKind, Token};
use crate::application::StayMode;
use crate::calendar::CalendarError;
use crate::status::{Deadlines, ServicePolicy, WindowRound};
use chrono::{Datelike, NaiveDate};

/// The age group a child belongs to on `today`: full years on 1 September of the current
/// school year (rule 28; the school year starts on 1 September).
pub fn age_group(birth: NaiveDate, today: NaiveDate) -> u8 {
    let start_year = if today.month() >= 9 { today.year() } else { today.year() - 1 };
    let mut years = start_year - birth.year();
    if (9, 1) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u8::try_from(years.max(0)).unwrap_or(u8::MAX)
}

/// What a seat is for, inside a kindergarten (rule 14; 24.2: reported per age group).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GroupKind {
    /// A general developmental group.
    General,
    /// A special group for a disorder.
    Special { disorder: Token },
    /// A sanatorium group of a profile.
    Sanatorium { profile: Token },
}

impl GroupKind {
    /// The group kind as the bulletin of free places writes it: `general`, or `special` /
    /// `sanatorium` with the disorder or profile token in `detail`.
    pub fn parse(kind: &str, detail: &str) -> Option<GroupKind> {
        match kind {
            "general" => Some(GroupKind::General),
            "special" => Token::new(detail).ok().map(|disorder| GroupKind::Special { disorder }),
            "sanatorium" => Token::new(detail).ok().map(|profile| GroupKind::Sanatorium { profile }),
            _ => None,
        }
    }
}

/// A reported seat's place: where it is and whom it is for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Seat {
    /// The 9-digit KATO code of the kindergarten's locality.
    pub locality: u32,
    pub kindergarten: Token,
    pub kind: GroupKind,
    pub age_group: u8,
    pub stay_mode: StayMode,
}

impl QueueKey {
    /// Whether a seat of `seat`'s group can go to this queue (rules 13, 14): the locality's
    /// general groups for the general queue; the named kindergarten's groups of the same
    /// disorder or profile for a special or sanatorium queue.
    pub fn admits(&self, seat: &Seat) -> bool {
        match (self.kind(), &seat.kind) {
            (QueueKind::General, GroupKind::General) => seat.locality == self.locality(),
            (QueueKind::Special { kindergarten, disorder }, GroupKind::Special { disorder: d }) => {
                *kindergarten == seat.kindergarten && disorder == d
            }
            (QueueKind::Sanatorium { kindergarten, profile }, GroupKind::Sanatorium { profile: p }) => {
                *kindergarten == seat.kindergarten && profile == p
            }
            _ => false,
        }
    }
}

/// The child's side of a seat match within a queue (see the module docs, 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SeatGroup {
    pub age_group: u8,
    pub stay_mode: StayMode,
}

/// Where a pool's seats are: a locality's general groups, or one kindergarten's groups of a
/// disorder or profile.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    Locality(u32),
    Kindergarten(Token, GroupKind),
}

/// A pool of interchangeable seats: one place, one age group, one stay mode. A pool may feed
/// two birth-year queues (children born September to December of one year and January to
/// August of the next are the same age on 1 September), so the distribution is per pool, over
/// the union of those queues' candidates in the order of rule 21 — two queues never both get
/// a window for one seat.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pool {
    pub place: Place,
    pub group: SeatGroup,
}

impl Seat {
    pub fn group(&self) -> SeatGroup {
        SeatGroup { age_group: self.age_group, stay_mode: self.stay_mode }
    }

    /// The pool this seat belongs to.
    pub fn pool(&self) -> Pool {
        let place = match self.kind {
            GroupKind::General => Place::Locality(self.locality),
            ref kind => Place::Kindergarten(self.kindergarten.clone(), kind.clone()),
        };
        Pool { place, group: self.group() }
    }
}

impl QueueKey {
    /// The pool a child of `group` in this queue draws seats from.
    pub fn pool(&self, group: SeatGroup) -> Pool {
        let place = match self.kind() {
            QueueKind::General => Place::Locality(self.locality()),
            QueueKind::Special { kindergarten, disorder } => Place::Kindergarten(kindergarten.clone(), GroupKind::Special { disorder: disorder.clone() }),
            QueueKind::Sanatorium { kindergarten, profile } => Place::Kindergarten(kindergarten.clone(), GroupKind::Sanatorium { profile: profile.clone() }),
        };
        Pool { place, group }
    }
}

impl core::fmt::Display for Pool {
    /// `750000000-general-3-full_day`, `kg1-special-speech-4-part_day`: the stable identifier
    /// the backend stores beside an open window.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.place {
            Place::Locality(locality) => write!(f, "{locality}-general")?,
            Place::Kindergarten(kg, GroupKind::Special { disorder }) => write!(f, "{}-special-{}", kg.as_str(), disorder.as_str())?,
            Place::Kindergarten(kg, GroupKind::Sanatorium { profile }) => write!(f, "{}-sanatorium-{}", kg.as_str(), profile.as_str())?,
            Place::Kindergarten(kg, GroupKind::General) => write!(f, "{}-general", kg.as_str())?,
        }
        write!(f, "-{}-{}", self.group.age_group, self.group.stay_mode.id())
    }
}

/// A candidate for a window (see the module docs, 4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Its queue entry: number, submission, class (for the order of rule 21).
    pub entry: Entry,
    pub queue: QueueKey,
    pub group: SeatGroup,
    /// Children of the same applicant share a family (rule 29); `None` when alone.
    pub family: Option<u64>,
}

/// Free seats of a reported group, as the bulletin counts them now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Supply {
    pub seat: Seat,
    pub free: u32,
    /// Of those, seats that stayed free through a whole priority round ([`offer_ended`]).
    pub leftover: u32,
}

/// An open window (not yet used for a referral).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenWindow {
    pub pool: Pool,
    pub round: WindowRound,
}

/// A window to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub number: ApplicationNumber,
    pub pool: Pool,
    pub round: WindowRound,
}

/// Whether the priority round that first offered a seat on `offered_on` has ended by `today`
/// (the seat is then `leftover` if still free).
pub fn offer_ended(offered_on: NaiveDate, today: NaiveDate, d: &Deadlines) -> Result<bool, CalendarError> {
    Ok(today > d.window_last_day(offered_on)?)
}

/// Whether a holder of a `round` window may take one more seat of a pool with `free` seats
/// and `reserved` open priority windows (the holder's own included when it is one): a
/// priority holder may take any free seat; a remaining-round holder only one no open priority
/// window needs.
pub fn may_claim(round: WindowRound, free: u32, reserved: u32) -> bool {
    match round {
        WindowRound::Priority => free > 0,
        WindowRound::Remaining => free > reserved,
    }
}

/// The state of one pool at the moment of distribution.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct PoolState {
    free: u32,
    leftover: u32,
    reserved: u32,
    remaining_open: bool,
}

/// The windows to open now: `candidates` of any queues, `supply` of any seats, `open` windows.
/// Pools are visited in a fixed order (by their identifier), so the plan is reproducible.
pub fn plan(candidates: &[Candidate], supply: &[Supply], open: &[OpenWindow], policy: &ServicePolicy) -> Vec<Grant> {
    fn state_of(pools: &mut Vec<(Pool, PoolState)>, pool: Pool) -> &mut PoolState {
        let i = match pools.iter().position(|(p, _)| *p == pool) {
            Some(i) => i,
            None => {
                pools.push((pool, PoolState::default()));
                pools.len() - 1
            }
        };
        &mut pools[i].1
    }
    let mut pools: Vec<(Pool, PoolState)> = Vec::new();
    for s in supply {
        let state = state_of(&mut pools, s.seat.pool());
        state.free += s.free;
        state.leftover += s.leftover.min(s.free);
    }
    for w in open {
        let state = state_of(&mut pools, w.pool.clone());
        match w.round {
            WindowRound::Priority => state.reserved += 1,
            WindowRound::Remaining => state.remaining_open = true,
        }
    }
    pools.sort_by_cached_key(|(p, _)| p.to_string());
    let mut grants = Vec::new();
    for (pool, s) in &pools {
        let in_pool: Vec<&Candidate> = candidates.iter().filter(|c| c.queue.pool(c.group) == *pool).collect();
        let entries: Vec<Entry> = in_pool.iter().map(|c| c.entry).collect();
        let ordered: Vec<&Candidate> =
            super::order(&entries, &policy.order).into_iter().filter_map(|e| in_pool.iter().copied().find(|c| c.entry.number == e.number)).collect();
        let fresh = s.free.saturating_sub(s.leftover);
        let priority = fresh.saturating_sub(s.reserved) as usize;
        let chosen = choose_with_siblings(&ordered, priority);
        grants.extend(chosen.iter().map(|c| Grant { number: c.entry.number, pool: pool.clone(), round: WindowRound::Priority }));
        if s.leftover > 0 && !s.remaining_open {
            let rest = ordered.iter().filter(|c| !chosen.iter().any(|k| k.entry.number == c.entry.number));
            grants.extend(rest.take(policy.next_candidates as usize).map(|c| Grant { number: c.entry.number, pool: pool.clone(), round: WindowRound::Remaining }));
        }
    }
    grants
}

/// The first `count` candidates, each pulling its siblings forward when all of them fit.
fn choose_with_siblings<'c>(in_order: &[&'c Candidate], count: usize) -> Vec<&'c Candidate> {
    let mut chosen: Vec<&Candidate> = Vec::new();
    for (i, c) in in_order.iter().enumerate() {
        if chosen.len() >= count {
            break;
        }
        if chosen.iter().any(|k| k.entry.number == c.entry.number) {
            continue;
        }
        let siblings: Vec<&Candidate> = match c.family {
            Some(f) => in_order[i + 1..].iter().copied().filter(|s| s.family == Some(f) && !chosen.iter().any(|k| k.entry.number == s.entry.number)).collect(),
            None => Vec::new(),
        };
        chosen.push(c);
        if chosen.len() + siblings.len() <= count {
            chosen.extend(siblings);
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{parse_date, Calendar};
    use crate::queue::{Class, State};

    fn n(value: u64) -> ApplicationNumber {
        ApplicationNumber::new(value).unwrap()
    }

    fn t(s: &str) -> Token {
        Token::new(s).unwrap()
    }

    const G3: SeatGroup = SeatGroup { age_group: 3, stay_mode: StayMode::FullDay };
    const G4: SeatGroup = SeatGroup { age_group: 4, stay_mode: StayMode::FullDay };

    fn key(text: &str) -> QueueKey {
        text.parse().unwrap()
    }

    /// A general candidate of the 2022 queue, submitted at `second`, general class.
    fn candidate(number: u64, group: SeatGroup) -> Candidate {
        candidate_in("750000000-2022-general", number, group, Class::General, number as i64)
    }

    fn candidate_in(queue: &str, number: u64, group: SeatGroup, class: Class, second: i64) -> Candidate {
        Candidate { entry: Entry { number: n(number), submitted_at: second, class, state: State::Queued }, queue: key(queue), group, family: None }
    }

    fn seats(group: SeatGroup, free: u32, leftover: u32) -> Supply {
        Supply { seat: Seat { locality: 750000000, kindergarten: t("kg1"), kind: GroupKind::General, age_group: group.age_group, stay_mode: group.stay_mode }, free, leftover }
    }

    fn pool(group: SeatGroup) -> Pool {
        key("750000000-2022-general").pool(group)
    }

    fn numbers(grants: &[Grant], round: WindowRound) -> Vec<u64> {
        grants.iter().filter(|g| g.round == round).map(|g| g.number.get()).collect()
    }

    #[test]
    fn rule_24_4_windows_only_for_as_many_top_candidates_as_there_are_free_matching_seats() {
        let c = [candidate(1, G3), candidate(2, G4), candidate(3, G3), candidate(4, G3), candidate(5, G4)];
        let grants = plan(&c, &[seats(G3, 2, 0)], &[], &ServicePolicy::RULES);
        // Two seats for age 3: the first two age-3 candidates in queue order; none for age 4.
        assert_eq!(numbers(&grants, WindowRound::Priority), [1, 3]);
        assert!(numbers(&grants, WindowRound::Remaining).is_empty());
        assert_eq!(grants[0].pool.to_string(), "750000000-general-3-full_day");
    }

    #[test]
    fn rule_24_4_open_priority_windows_keep_their_seats() {
        let c = [candidate(7, G3), candidate(8, G3)];
        // Three free seats, two already promised to yesterday's open windows: one more window.
        let open = [OpenWindow { pool: pool(G3), round: WindowRound::Priority }, OpenWindow { pool: pool(G3), round: WindowRound::Priority }];
        let grants = plan(&c, &[seats(G3, 3, 0)], &open, &ServicePolicy::RULES);
        assert_eq!(numbers(&grants, WindowRound::Priority), [7]);
    }

    #[test]
    fn rule_24_4_a_pool_shared_by_two_birth_years_offers_each_seat_once_in_the_order_of_rule_21() {
        // Age group 3 on 1 September 2026: born September-December 2022 or January-August 2023.
        let c = [
            candidate_in("750000000-2023-general", 31, G3, Class::General, 100),
            candidate_in("750000000-2022-general", 22, G3, Class::General, 200),
            candidate_in("750000000-2023-general", 33, G3, Class::Priority, 300),
        ];
        let grants = plan(&c, &[seats(G3, 2, 0)], &[], &ServicePolicy::RULES);
        // One priority run then general by submission: the priority one and the earliest general.
        assert_eq!(numbers(&grants, WindowRound::Priority), [33, 31]);
    }

    #[test]
    fn rule_24_10_leftover_seats_go_to_the_next_thousand_at_once() {
        let c: Vec<Candidate> = (1..=1500).map(|i| candidate(i, G3)).collect();
        let grants = plan(&c, &[seats(G3, 3, 2)], &[], &ServicePolicy::RULES);
        // One fresh seat: a priority window for the first; two leftover seats: the next 1000.
        assert_eq!(numbers(&grants, WindowRound::Priority), [1]);
        let remaining = numbers(&grants, WindowRound::Remaining);
        assert_eq!((remaining.len(), remaining[0], remaining[999]), (1000, 2, 1001));
        // While a remaining round is open, no second one starts.
        let open = [OpenWindow { pool: pool(G3), round: WindowRound::Remaining }];
        assert!(plan(&c, &[seats(G3, 2, 2)], &open, &ServicePolicy::RULES).is_empty());
    }

    #[test]
    fn rule_24_10_a_remaining_round_claim_never_takes_a_seat_a_priority_window_needs() {
        assert!(may_claim(WindowRound::Priority, 1, 1));
        assert!(!may_claim(WindowRound::Priority, 0, 0));
        assert!(may_claim(WindowRound::Remaining, 3, 2));
        assert!(!may_claim(WindowRound::Remaining, 2, 2));
    }

    #[test]
    fn rule_29_siblings_get_windows_together_when_the_seats_suffice() {
        let mut c = [candidate(1, G3), candidate(2, G3), candidate(3, G3), candidate(4, G3)];
        c[0].family = Some(9);
        c[3].family = Some(9);
        let two = plan(&c, &[seats(G3, 2, 0)], &[], &ServicePolicy::RULES);
        assert_eq!(numbers(&two, WindowRound::Priority), [1, 4], "the sibling is pulled forward");
        let one = plan(&c, &[seats(G3, 1, 0)], &[], &ServicePolicy::RULES);
        assert_eq!(numbers(&one, WindowRound::Priority), [1], "not enough seats: the first alone");
    }

    #[test]
    fn rule_28_age_groups_count_full_years_on_1_september() {
        let d = |t| parse_date(t).unwrap();
        assert_eq!(age_group(d("2022-09-01"), d("2026-12-02")), 4);
        assert_eq!(age_group(d("2022-09-02"), d("2026-12-02")), 3);
        assert_eq!(age_group(d("2022-03-15"), d("2026-06-30")), 3, "before September the school year began in 2025");
        assert_eq!(age_group(d("2026-05-01"), d("2026-12-02")), 0);
    }

    #[test]
    fn rule_13_a_queue_admits_only_its_own_seats() {
        let general = key("750000000-2022-general");
        let special = key("750000000-2022-special-kg1-speech");
        let seat = |kind| Seat { locality: 750000000, kindergarten: t("kg1"), kind, age_group: 4, stay_mode: StayMode::FullDay };
        assert!(general.admits(&seat(GroupKind::General)));
        assert!(!general.admits(&Seat { locality: 750000001, ..seat(GroupKind::General) }));
        assert!(!general.admits(&seat(GroupKind::Special { disorder: t("speech") })));
        assert!(special.admits(&seat(GroupKind::Special { disorder: t("speech") })));
        assert!(!special.admits(&seat(GroupKind::Special { disorder: t("vision") })));
        assert!(!special.admits(&Seat { kindergarten: t("kg2"), ..seat(GroupKind::Special { disorder: t("speech") }) }));
        // A special queue's pool is its kindergarten's groups of that disorder.
        assert_eq!(special.pool(G4), seat(GroupKind::Special { disorder: t("speech") }).pool());
        assert_eq!(special.pool(G4).to_string(), "kg1-special-speech-4-full_day");
    }

    #[test]
    fn an_offer_ends_after_its_three_working_days() {
        let cal = Calendar::builtin();
        let d = Deadlines::new(&cal, &ServicePolicy::RULES);
        let day = |t| parse_date(t).unwrap();
        // Offered Monday 23 November 2026: the round runs Mon-Wed; leftover from Thursday.
        assert_eq!(offer_ended(day("2026-11-23"), day("2026-11-25"), &d), Ok(false));
        assert_eq!(offer_ended(day("2026-11-23"), day("2026-11-26"), &d), Ok(true));
    }
}
