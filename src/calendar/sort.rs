//! Sorting the calendar's short lists of dates (a year's days off, a document's decrees).
//!
//! Why not `slice::sort_unstable`: the standard sort is built for large inputs (pattern-defeating
//! quicksort with sorting networks for small runs) and each element type gets its own copy, a
//! few kilobytes of WebAssembly apiece in the form's first download. These lists hold tens of
//! dates, and a calendar document with a very long list must not take quadratic time, so this
//! is a heapsort: O(n log n) at worst, a few hundred bytes of code.

/// Sorts `items` in ascending order (not stable: equal items are indistinguishable here).
pub(crate) fn sort<T: Ord>(items: &mut [T]) {
    heapsort(items, |a, b| a < b);
}

/// Sorts `items` in ascending order of `key` (not stable). The queue's sorts in the browser
/// package use it too (`crate::queue::sort_by_key`); native builds sort the queue with the
/// standard sort, so there only the tests call it.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    heapsort(items, |a, b| key(a) < key(b));
}

fn heapsort<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let len = items.len();
    for start in (0..len / 2).rev() {
        sift_down(items, start, len, &less);
    }
    for end in (1..len).rev() {
        items.swap(0, end);
        sift_down(items, 0, end, &less);
    }
}

/// Moves `items[root]` down the max-heap `items[..end]` to its place.
fn sift_down<T>(items: &mut [T], mut root: usize, end: usize, less: &impl Fn(&T, &T) -> bool) {
    // Out-of-range indices cannot happen (child < end <= len); `false` keeps that panic-free.
    let lt = |items: &[T], a: usize, b: usize| matches!((items.get(a), items.get(b)), (Some(x), Some(y)) if less(x, y));
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && lt(items, child, child + 1) {
            child += 1;
        }
        if !lt(items, root, child) {
            return;
        }
        items.swap(root, child);
        root = child;
    }
}

#[cfg(test)]
mod tests {
    use super::{sort, sort_by_key};

    // Property tests run natively only (proptest's randomness has no wasm32 backend).
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn sorts_as_the_standard_sort_does(mut items in proptest::collection::vec(proptest::prelude::any::<(u16, bool)>(), 0..200)) {
            let mut expected = items.clone();
            expected.sort_unstable();
            sort(&mut items);
            proptest::prop_assert_eq!(items, expected);
        }
    }

    #[test]
    fn sorts_by_key() {
        let mut items: Vec<(u32, &str)> = (0..1000u32).map(|i| (i.wrapping_mul(2_654_435_761) % 1009, "x")).collect();
        let mut expected = items.clone();
        expected.sort_unstable_by_key(|&(k, _)| std::cmp::Reverse(k));
        sort_by_key(&mut items, |&(k, _)| std::cmp::Reverse(k));
        assert_eq!(items, expected);
    }

    #[test]
    fn a_long_list_sorts_quickly() {
        let mut items: Vec<u32> = (0..200_000u32).map(|i| i.wrapping_mul(2_654_435_761) % 100_003).collect();
        sort(&mut items);
        assert!(items.windows(2).all(|w| w[0] <= w[1]));
    }
}
