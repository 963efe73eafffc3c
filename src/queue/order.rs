//! The order inside one queue (rule 21) and an application's place in it.
//!
//! 1. Extraordinary applications stand first, by submission instant.
//! 2. Then priority and general applications interleave in runs: with the default
//!    [`OrderPolicy`] one priority, then three general, then one priority, … — `P G G G P G G G`.
//!    The Rules say "one priority place after every three general ones" without fixing who
//!    starts; kezek starts with a priority run (a priority applicant who waited as long as the
//!    next three general ones is not made to wait for them), and [`Lead`] makes this a policy.
//! 3. When one list runs out, the other continues alone (no places are kept empty for
//!    applications that do not exist).
//! 4. Inside each class: by submission instant to the second, then — for applications of the
//!    same second — by application number, ascending. The number is random-looking, so such
//!    a tie is in effect settled by lot, but the same way by everyone who computes it.
//!
//! Only live applications (`queued`, `temporary_stay`) take places (rule 25); the others are
//! skipped as if absent.
//!
//! Because the runs are regular, the place of the `i`-th application of a class follows from
//! `i` and the class totals alone ([`OrderPolicy::place`]): a snapshot answers a position
//! without sorting, and [`position`] counts in one pass.

use super::{ApplicationNumber, Class, Entry};

/// Which run starts the interleaving of priority and general applications.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lead {
    #[default]
    Priority,
    General,
}

/// The parameters of rule 21 and rule 24.4 the provider may set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderPolicy {
    /// Priority applications per run (1). A run of 0 is read as 1.
    pub priority_run: u32,
    /// General applications per run (3). A run of 0 is read as 1.
    pub general_run: u32,
    pub lead: Lead,
    /// How many live applications, from the head of the queue, get the next access window
    /// (1000, rule 24.4).
    pub window: u32,
}

impl Default for OrderPolicy {
    fn default() -> Self {
        OrderPolicy { priority_run: 1, general_run: 3, lead: Lead::Priority, window: 1000 }
    }
}

/// How many live applications of each class a queue holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClassCounts {
    pub extraordinary: u64,
    pub priority: u64,
    pub general: u64,
}

impl ClassCounts {
    pub(crate) fn bump(&mut self, class: Class) {
        match class {
            Class::Extraordinary => self.extraordinary += 1,
            Class::Priority => self.priority += 1,
            Class::General => self.general += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.extraordinary + self.priority + self.general
    }
}

/// How many live applications of each class stand ahead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ahead {
    pub extraordinary: u64,
    pub priority: u64,
    pub general: u64,
}

/// An application's place in its queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// The queue number (реттік нөмірі), from 1.
    pub queue_number: u64,
    pub ahead: Ahead,
    /// Whether the place is among the first [`OrderPolicy::window`] (rule 24.4).
    pub in_next_window: bool,
}

impl OrderPolicy {
    fn runs(&self) -> (u64, u64) {
        (u64::from(self.priority_run.max(1)), u64::from(self.general_run.max(1)))
    }

    /// The place of the live application that is `index`-th (from 0) of its `class`, in a
    /// queue holding `totals` live applications.
    pub fn place(&self, class: Class, index: u64, totals: ClassCounts) -> Position {
        let (p, g) = self.runs();
        let ahead = match (class, self.lead) {
            (Class::Extraordinary, _) => Ahead { extraordinary: index, priority: 0, general: 0 },
            // The index-th priority application is in run index / p; each earlier cycle held
            // g general ones, and the leading cycle's general run comes before it or not.
            (Class::Priority, lead) => {
                let cycles = index / p + u64::from(lead == Lead::General);
                Ahead { extraordinary: totals.extraordinary, priority: index, general: (cycles.saturating_mul(g)).min(totals.general) }
            }
            (Class::General, lead) => {
                let cycles = index / g + u64::from(lead == Lead::Priority);
                Ahead { extraordinary: totals.extraordinary, priority: (cycles.saturating_mul(p)).min(totals.priority), general: index }
            }
        };
        let queue_number = 1 + ahead.extraordinary + ahead.priority + ahead.general;
        Position { queue_number, ahead, in_next_window: queue_number <= u64::from(self.window) }
    }
}

/// The live applications of one queue in queue order (see the module docs).
pub fn order<'a>(entries: &'a [Entry], policy: &OrderPolicy) -> Vec<&'a Entry> {
    let (mut extraordinary, mut priority, mut general) = (Vec::new(), Vec::new(), Vec::new());
    for entry in entries.iter().filter(|e| e.state.is_live()) {
        match entry.class {
            Class::Extraordinary => extraordinary.push(entry),
            Class::Priority => priority.push(entry),
            Class::General => general.push(entry),
        }
    }
    for list in [&mut extraordinary, &mut priority, &mut general] {
        super::sort_by_key(list, |e| e.sort_key());
    }
    let (p, g) = policy.runs();
    let (first, first_run, second, second_run) = match policy.lead {
        Lead::Priority => (priority, p, general, g),
        Lead::General => (general, g, priority, p),
    };
    let mut result = Vec::with_capacity(extraordinary.len() + first.len() + second.len());
    result.extend(extraordinary);
    let (mut a, mut b) = (first.into_iter().peekable(), second.into_iter().peekable());
    while a.peek().is_some() || b.peek().is_some() {
        result.extend(a.by_ref().take(first_run as usize));
        result.extend(b.by_ref().take(second_run as usize));
    }
    result
}

/// The place of application `number`, or `None` when it holds none (absent or not live).
/// Counts in one pass, without sorting. When the same number appears twice (a backend bug),
/// the first live one is used.
pub fn position(entries: &[Entry], number: ApplicationNumber, policy: &OrderPolicy) -> Option<Position> {
    let me = entries.iter().find(|e| e.number == number && e.state.is_live())?;
    let mut totals = ClassCounts::default();
    let mut index = 0u64;
    for entry in entries.iter().filter(|e| e.state.is_live()) {
        totals.bump(entry.class);
        if entry.class == me.class && entry.sort_key() < me.sort_key() {
            index += 1;
        }
    }
    Some(policy.place(me.class, index, totals))
}
