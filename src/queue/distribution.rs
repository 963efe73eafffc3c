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

use super::{ApplicationNumber, QueueKey, QueueKind, Token};
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

/// A group of interchangeable seats within one queue (see the module docs, 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SeatGroup {
    pub age_group: u8,
    pub stay_mode: StayMode,
}

impl Seat {
    pub fn group(&self) -> SeatGroup {
        SeatGroup { age_group: self.age_group, stay_mode: self.stay_mode }
    }
}

/// A candidate for a window, given in queue order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub number: ApplicationNumber,
    pub group: SeatGroup,
    /// Children of the same applicant share a family (rule 29); `None` when alone.
    pub family: Option<u64>,
}

/// The state of one seat group's supply at the moment of distribution.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Supply {
    /// Free seats of the group now.
    pub free: u32,
    /// Of those, seats that stayed free through a whole priority round ([`offer_ended`]).
    pub leftover: u32,
    /// Open priority windows not yet used for a referral.
    pub reserved: u32,
    /// A remaining round is open for the group.
    pub remaining_open: bool,
}

/// A window to open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    pub number: ApplicationNumber,
    pub group: SeatGroup,
    pub round: WindowRound,
}

/// Whether the priority round that first offered a seat on `offered_on` has ended by `today`
/// (the seat is then `leftover` if still free).
pub fn offer_ended(offered_on: NaiveDate, today: NaiveDate, d: &Deadlines) -> Result<bool, CalendarError> {
    Ok(today > d.window_last_day(offered_on)?)
}

/// Whether a holder of a `round` window may take one more seat of a group with `free` seats
/// and `reserved` open priority windows (the holder's own included when it is one): a
/// priority holder may take any free seat; a remaining-round holder only one no open priority
/// window needs.
pub fn may_claim(round: WindowRound, free: u32, reserved: u32) -> bool {
    match round {
        WindowRound::Priority => free > 0,
        WindowRound::Remaining => free > reserved,
    }
}

/// The windows to open now for one queue: `candidates` in queue order, `supply` per seat group.
pub fn plan(candidates: &[Candidate], supply: &[(SeatGroup, Supply)], policy: &ServicePolicy) -> Vec<Grant> {
    let mut grants = Vec::new();
    for (group, s) in supply {
        let in_group: Vec<&Candidate> = candidates.iter().filter(|c| c.group == *group).collect();
        let fresh = s.free.saturating_sub(s.leftover);
        let priority = fresh.saturating_sub(s.reserved) as usize;
        let chosen = choose_with_siblings(&in_group, priority);
        grants.extend(chosen.iter().map(|c| Grant { number: c.number, group: *group, round: WindowRound::Priority }));
        if s.leftover > 0 && !s.remaining_open {
            let rest: Vec<&Candidate> = in_group.iter().copied().filter(|c| !chosen.iter().any(|k| k.number == c.number)).collect();
            let next = policy.next_candidates as usize;
            grants.extend(rest.iter().take(next).map(|c| Grant { number: c.number, group: *group, round: WindowRound::Remaining }));
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
        if chosen.iter().any(|k| k.number == c.number) {
            continue;
        }
        let siblings: Vec<&Candidate> = match c.family {
            Some(f) => in_order[i + 1..].iter().copied().filter(|s| s.family == Some(f) && !chosen.iter().any(|k| k.number == s.number)).collect(),
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

    fn n(value: u64) -> ApplicationNumber {
        ApplicationNumber::new(value).unwrap()
    }

    const G3: SeatGroup = SeatGroup { age_group: 3, stay_mode: StayMode::FullDay };
    const G4: SeatGroup = SeatGroup { age_group: 4, stay_mode: StayMode::FullDay };

    fn candidates(groups: &[(u64, SeatGroup)]) -> Vec<Candidate> {
        groups.iter().map(|&(number, group)| Candidate { number: n(number), group, family: None }).collect()
    }

    fn numbers(grants: &[Grant], round: WindowRound) -> Vec<u64> {
        grants.iter().filter(|g| g.round == round).map(|g| g.number.get()).collect()
    }

    #[test]
    fn rule_24_4_windows_only_for_as_many_top_candidates_as_there_are_free_matching_seats() {
        let c = candidates(&[(1, G3), (2, G4), (3, G3), (4, G3), (5, G4)]);
        let supply = [(G3, Supply { free: 2, ..Supply::default() }), (G4, Supply::default())];
        let grants = plan(&c, &supply, &ServicePolicy::RULES);
        // Two seats for age 3: the first two age-3 candidates in queue order; none for age 4.
        assert_eq!(numbers(&grants, WindowRound::Priority), [1, 3]);
        assert!(numbers(&grants, WindowRound::Remaining).is_empty());
    }

    #[test]
    fn rule_24_4_open_priority_windows_keep_their_seats() {
        let c = candidates(&[(7, G3), (8, G3)]);
        // Three free seats, two already promised to yesterday's open windows: one more window.
        let grants = plan(&c, &[(G3, Supply { free: 3, reserved: 2, ..Supply::default() })], &ServicePolicy::RULES);
        assert_eq!(numbers(&grants, WindowRound::Priority), [7]);
    }

    #[test]
    fn rule_24_10_leftover_seats_go_to_the_next_thousand_at_once() {
        let many: Vec<(u64, SeatGroup)> = (1..=1500).map(|i| (i, G3)).collect();
        let c = candidates(&many);
        let supply = [(G3, Supply { free: 3, leftover: 2, reserved: 0, remaining_open: false })];
        let grants = plan(&c, &supply, &ServicePolicy::RULES);
        // One fresh seat: a priority window for the first; two leftover seats: the next 1000.
        assert_eq!(numbers(&grants, WindowRound::Priority), [1]);
        let remaining = numbers(&grants, WindowRound::Remaining);
        assert_eq!((remaining.len(), remaining[0], remaining[999]), (1000, 2, 1001));
        // While a remaining round is open, no second one starts.
        let open = [(G3, Supply { free: 2, leftover: 2, reserved: 0, remaining_open: true })];
        assert!(plan(&c, &open, &ServicePolicy::RULES).is_empty());
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
        let mut c = candidates(&[(1, G3), (2, G3), (3, G3), (4, G3)]);
        c[0].family = Some(9);
        c[3].family = Some(9);
        let two = plan(&c, &[(G3, Supply { free: 2, ..Supply::default() })], &ServicePolicy::RULES);
        assert_eq!(numbers(&two, WindowRound::Priority), [1, 4], "the sibling is pulled forward");
        let one = plan(&c, &[(G3, Supply { free: 1, ..Supply::default() })], &ServicePolicy::RULES);
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
    fn a_queue_admits_only_its_own_seats() {
        let t = |s| Token::new(s).unwrap();
        let general: QueueKey = "750000000-2022-general".parse().unwrap();
        let special: QueueKey = "750000000-2022-special-kg1-speech".parse().unwrap();
        let seat = |kind| Seat { locality: 750000000, kindergarten: t("kg1"), kind, age_group: 4, stay_mode: StayMode::FullDay };
        assert!(general.admits(&seat(GroupKind::General)));
        assert!(!general.admits(&Seat { locality: 750000001, ..seat(GroupKind::General) }));
        assert!(!general.admits(&seat(GroupKind::Special { disorder: t("speech") })));
        assert!(special.admits(&seat(GroupKind::Special { disorder: t("speech") })));
        assert!(!special.admits(&seat(GroupKind::Special { disorder: t("vision") })));
        assert!(!special.admits(&Seat { kindergarten: t("kg2"), ..seat(GroupKind::Special { disorder: t("speech") }) }));
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
