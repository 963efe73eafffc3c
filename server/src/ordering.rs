//! The order of a queue (rule 14). Stand-in for the core's ordering, which replaces
//! [`order_queue`] at merge; keep the signature narrow so the swap is local.
//!
//! 1. Extraordinary applications first, by submission instant.
//! 2. Then priority and general interleaved one to three, starting with a priority one:
//!    `P G G G P G G G …`.
//! 3. Ties everywhere: earlier instant first, then the smaller application number (numbers are
//!    random, so this is an arbitrary but stable and reproducible tie-break).
//! 4. When one of the two lists runs out, the rest of the other follows in its own order
//!    (the Rules do not say; this keeps nobody waiting for a slot that can never be filled).

use crate::validation::PriorityClass;

/// What the order depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderKey<'a> {
    pub class: PriorityClass,
    pub submitted_at_ms: i64,
    pub number: &'a str,
}

/// Priority places per block of the interleave, then general places per block.
const PRIORITY_PER_BLOCK: usize = 1;
const GENERAL_PER_BLOCK: usize = 3;

/// Sorts `entries` into queue order.
pub fn order_queue<T>(entries: Vec<T>, key: impl Fn(&T) -> OrderKey<'_>) -> Vec<T> {
    let mut extraordinary = Vec::new();
    let mut priority = Vec::new();
    let mut general = Vec::new();
    for entry in entries {
        match key(&entry).class {
            PriorityClass::Extraordinary => extraordinary.push(entry),
            PriorityClass::Priority => priority.push(entry),
            PriorityClass::General => general.push(entry),
        }
    }
    let by_instant = |a: &T, b: &T| {
        let (ka, kb) = (key(a), key(b));
        (ka.submitted_at_ms, ka.number).cmp(&(kb.submitted_at_ms, kb.number))
    };
    extraordinary.sort_by(by_instant);
    priority.sort_by(by_instant);
    general.sort_by(by_instant);

    let mut ordered = extraordinary;
    let mut priority = priority.into_iter().peekable();
    let mut general = general.into_iter().peekable();
    while priority.peek().is_some() || general.peek().is_some() {
        ordered.extend(priority.by_ref().take(PRIORITY_PER_BLOCK));
        ordered.extend(general.by_ref().take(GENERAL_PER_BLOCK));
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;
    use PriorityClass::*;

    fn order(entries: &[(PriorityClass, i64, &'static str)]) -> Vec<&'static str> {
        order_queue(entries.to_vec(), |e| OrderKey { class: e.0, submitted_at_ms: e.1, number: e.2 })
            .into_iter()
            .map(|e| e.2)
            .collect()
    }

    #[test]
    fn extraordinary_first_then_one_priority_per_three_general() {
        let entries = [
            (General, 1, "g1"), (General, 2, "g2"), (General, 3, "g3"), (General, 4, "g4"),
            (Priority, 5, "p1"), (Priority, 6, "p2"), (Extraordinary, 9, "e1"), (Extraordinary, 7, "e0"),
        ];
        assert_eq!(order(&entries), ["e0", "e1", "p1", "g1", "g2", "g3", "p2", "g4"]);
    }

    #[test]
    fn when_a_list_runs_out_the_other_continues() {
        let entries = [(Priority, 1, "p1"), (Priority, 2, "p2"), (Priority, 3, "p3"), (General, 0, "g1")];
        assert_eq!(order(&entries), ["p1", "g1", "p2", "p3"]);
        let only_general = [(General, 2, "b"), (General, 1, "a")];
        assert_eq!(order(&only_general), ["a", "b"]);
    }

    #[test]
    fn ties_by_instant_then_number() {
        let entries = [(General, 5, "222"), (General, 5, "111"), (General, 4, "333")];
        assert_eq!(order(&entries), ["333", "111", "222"]);
    }
}
