//! The order of a queue (rule 14), computed by the core (`kezek::queue`).
//!
//! 1. Extraordinary applications first, by submission instant.
//! 2. Then priority and general interleaved one to three, starting with a priority one:
//!    `P G G G P G G G …`.
//! 3. Ties everywhere: earlier instant first, then the smaller application number (numbers are
//!    random, so this is an arbitrary but stable and reproducible tie-break).
//! 4. When one of the two lists runs out, the rest of the other follows in its own order
//!    (the Rules do not say; this keeps nobody waiting for a slot that can never be filled).

use crate::validation::PriorityClass;
use kezek::queue::{self, ApplicationNumber, Class, Entry, OrderPolicy, State};
use std::collections::HashMap;

/// What the order depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderKey<'a> {
    pub class: PriorityClass,
    pub submitted_at_ms: i64,
    pub number: &'a str,
}

/// Sorts `entries` into queue order with the core's rule ([`kezek::queue::order`]), the very
/// order the browser computes from the published snapshot, so the 07:00 window and the page
/// never disagree. The core compares instants to the whole second, then numbers.
pub fn order_queue<T>(entries: Vec<T>, key: impl Fn(&T) -> OrderKey<'_>) -> Vec<T> {
    let mut core_entries = Vec::with_capacity(entries.len());
    let mut unnumbered = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let k = key(entry);
        match ApplicationNumber::parse(k.number) {
            Ok(number) => core_entries.push((
                Entry { number, submitted_at: k.submitted_at_ms.div_euclid(1000), class: core_class(k.class), state: State::Queued },
                index,
            )),
            // Every stored number parses; should one ever not, it waits at the end rather than vanish.
            Err(_) => unnumbered.push(index),
        }
    }
    let index_of: HashMap<ApplicationNumber, usize> = core_entries.iter().map(|(e, i)| (e.number, *i)).collect();
    let plain: Vec<Entry> = core_entries.iter().map(|(e, _)| *e).collect();
    let order: Vec<usize> =
        queue::order(&plain, &OrderPolicy::default()).iter().filter_map(|e| index_of.get(&e.number).copied()).chain(unnumbered).collect();
    let mut slots: Vec<Option<T>> = entries.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)).collect()
}

fn core_class(class: PriorityClass) -> Class {
    match class {
        PriorityClass::Extraordinary => Class::Extraordinary,
        PriorityClass::Priority => Class::Priority,
        PriorityClass::General => Class::General,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PriorityClass::*;

    /// Orders labelled entries; `at` is in seconds here. A numeric label is the number itself;
    /// other labels get distinct numbers in the order they are listed.
    fn order(entries: &[(PriorityClass, i64, &'static str)]) -> Vec<&'static str> {
        let numbered: Vec<(PriorityClass, i64, String, &'static str)> =
            entries.iter().enumerate().map(|(i, e)| (e.0, e.1 * 1000, if e.2.bytes().all(|b| b.is_ascii_digit()) { e.2.to_string() } else { format!("{}", 1000 + i) }, e.2))
            .collect();
        order_queue(numbered, |e| OrderKey { class: e.0, submitted_at_ms: e.1, number: &e.2 }).into_iter().map(|e| e.3).collect()
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
    fn instants_count_to_the_whole_second_like_the_browser() {
        // 5.900 s and 5.100 s are the same second: the smaller number goes first, as in the core.
        let entries = vec![(General, 5_900, "222".to_string()), (General, 5_100, "111".to_string())];
        let ordered = order_queue(entries, |e| OrderKey { class: e.0, submitted_at_ms: e.1, number: &e.2 });
        assert_eq!(ordered.iter().map(|e| e.2.as_str()).collect::<Vec<_>>(), ["111", "222"]);
    }

    #[test]
    fn ties_by_instant_then_number() {
        let entries = [(General, 5, "222"), (General, 5, "111"), (General, 4, "333")];
        assert_eq!(order(&entries), ["333", "111", "222"]);
    }
}
