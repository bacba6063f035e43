//! Sorting with little code, for lists sorted once per screen or report.
//!
//! Every `slice::sort_by` with a closure of its own is a copy of the
//! standard library's sort, a dozen functions and 2–25 KB of wasm: the
//! staff module's sixty-odd sorts came to 293 KB, a sixteenth of its code
//! (142 KB since the cold ones, about 25 call sites, came here).
//! Here the comparison is a dynamic call and only positions are sorted, so
//! every caller shares one copy of the sort; moving the items into place is
//! a few instructions per type. It costs a little time (a dynamic call per
//! comparison, each item moved once more), so the hot loops (the log, a
//! ticket's fold, the import, the clocks, the queue) keep the standard
//! sorts, and the events' two orders are shared functions of their own
//! (`event::sort_in_fold_order`, `event::sort_by_seq`).

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably, as `slice::sort_by` does.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &mut |a, b| compare(&items[a], &items[b]));
    put_in_order(items, order);
}

/// Sorts `items` by a key, stably, as `slice::sort_by_key` does.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their natural order, as `slice::sort` does.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// The one copy of the standard sort: positions compared through `compare`.
#[inline(never)]
fn sort_positions(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

/// Moves `items[order[k]]` to position `k` for every `k`, by walking each
/// cycle of the permutation once (a position done is marked by `order[k] == k`).
fn put_in_order<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != at {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small pseudo-random sequence, so the test needs no crate.
    fn numbers(n: usize, seed: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 33) % 50
            })
            .collect()
    }

    #[test]
    fn sorts_as_the_standard_library_does_and_stably() {
        for (n, seed) in [(0, 1), (1, 2), (2, 3), (7, 4), (100, 5), (1000, 6)] {
            // Pairs of (key, original position): equal keys must keep their order.
            let items: Vec<(u64, usize)> = numbers(n, seed).into_iter().zip(0..).collect();
            let mut ours = items.clone();
            sort_by_key(&mut ours, |p| p.0);
            let mut std_sorted = items.clone();
            std_sorted.sort_by_key(|p| p.0);
            assert_eq!(ours, std_sorted, "n = {n}");
        }
    }

    #[test]
    fn moves_owned_values_without_losing_or_copying_any() {
        let words: Vec<String> = numbers(300, 9).iter().map(|n| format!("w{n:03}")).collect();
        let mut ours = words.clone();
        sort(&mut ours);
        let mut expected = words;
        expected.sort();
        assert_eq!(ours, expected);
    }

    #[test]
    fn reverse_and_compound_orders_as_the_standard_library() {
        // Two keys, the second reversed, and equal pairs kept in place: the
        // kind of order a report sorts by (count descending, then name).
        let items: Vec<(u64, u64, usize)> = numbers(400, 11)
            .into_iter()
            .zip(numbers(400, 12))
            .zip(0..)
            .map(|((a, b), i)| (a % 5, b % 7, i))
            .collect();
        let order =
            |x: &(u64, u64, usize), y: &(u64, u64, usize)| x.0.cmp(&y.0).then(y.1.cmp(&x.1));
        let mut ours = items.clone();
        sort_by(&mut ours, order);
        let mut std_sorted = items;
        std_sorted.sort_by(order);
        assert_eq!(ours, std_sorted);
    }
}
