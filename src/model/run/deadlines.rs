//! The event loop's pending deadlines, earliest first (ties: first pushed first).
//!
//! A binary heap costs O(log n) per push and per pop: 100,000 waits of 100 ms meant 17 levels
//! of sifting for each of 100,000 pops, in the very pass that wakes them. Yet deadlines mostly
//! arrive in order (tasks that start one after another and wait equally long), so entries that
//! are not earlier than the latest one go to the back of a sorted run instead, at O(1) for
//! both push and pop; only those out of order go to the heap. The earliest entry is the
//! earlier of the two fronts.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

/// A deadline (ms, any axis) and what waits for it.
#[derive(Debug, Clone, Copy)]
pub struct Entry<T> {
    pub deadline: f64,
    seq: u64,
    pub item: T,
}

impl<T> Entry<T> {
    fn key(&self) -> (f64, u64) {
        (self.deadline, self.seq)
    }
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl<T> Ord for Entry<T> {
    fn cmp(&self, o: &Self) -> Ordering {
        let (a, b) = (self.key(), o.key());
        a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
    }
}

/// Pending deadlines: a sorted run for those that arrive in order, a heap for the rest.
#[derive(Debug)]
pub struct Deadlines<T> {
    run: VecDeque<Entry<T>>,
    heap: BinaryHeap<Reverse<Entry<T>>>,
    seq: u64,
}

impl<T> Default for Deadlines<T> {
    fn default() -> Self {
        Deadlines {
            run: VecDeque::new(),
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }
}

impl<T> Deadlines<T> {
    pub fn push(&mut self, deadline: f64, item: T) {
        self.seq += 1;
        let entry = Entry {
            deadline,
            seq: self.seq,
            item,
        };
        // The new entry's seq is the largest yet, so it belongs at the back of the run unless
        // its deadline is earlier than the back's.
        if self
            .run
            .back()
            .is_none_or(|last| last.deadline.total_cmp(&deadline).is_le())
        {
            self.run.push_back(entry);
        } else {
            self.heap.push(Reverse(entry));
        }
    }

    /// The earliest entry.
    pub fn peek(&self) -> Option<&Entry<T>> {
        match (self.run.front(), self.heap.peek()) {
            (Some(a), Some(Reverse(b))) => Some(if a <= b { a } else { b }),
            (a, b) => a.or(b.map(|Reverse(b)| b)),
        }
    }

    /// Removes and returns the earliest entry.
    pub fn pop(&mut self) -> Option<Entry<T>> {
        let from_run = match (self.run.front(), self.heap.peek()) {
            (Some(a), Some(Reverse(b))) => a <= b,
            (a, _) => a.is_some(),
        };
        if from_run {
            self.run.pop_front()
        } else {
            self.heap.pop().map(|Reverse(e)| e)
        }
    }

    pub fn len(&self) -> usize {
        self.run.len() + self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keeps only the entries whose item satisfies `keep`.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.run.retain(|e| keep(&e.item));
        self.heap.retain(|Reverse(e)| keep(&e.item));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn in_order_deadlines_never_touch_the_heap() {
        let mut d = Deadlines::default();
        for i in 0..1000 {
            d.push(100.0 + f64::from(i / 10), i);
        }
        assert_eq!(d.heap.len(), 0);
        let order: Vec<i32> = std::iter::from_fn(|| d.pop().map(|e| e.item)).collect();
        assert_eq!(order, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn equal_deadlines_come_out_in_push_order_across_run_and_heap() {
        let mut d = Deadlines::default();
        d.push(5.0, 'a'); // run
        d.push(9.0, 'b'); // run
        d.push(5.0, 'c'); // heap: earlier than the run's back
        d.push(9.0, 'd'); // run
        let order: String = std::iter::from_fn(|| d.pop().map(|e| e.item)).collect();
        assert_eq!(order, "acbd");
    }

    #[derive(Debug, Clone)]
    enum Op {
        Push(u8),
        Pop,
        Retain(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u8..20).prop_map(Op::Push),
            2 => Just(Op::Pop),
            1 => (2u8..5).prop_map(Op::Retain),
        ]
    }

    proptest! {
        /// Against the obvious model: a list kept sorted by (deadline, push order).
        #[test]
        fn behaves_like_a_sorted_list(ops in proptest::collection::vec(op(), 0..300)) {
            let mut d = Deadlines::default();
            let mut model: Vec<(u8, u32)> = Vec::new();
            let mut pushed = 0u32;
            for op in ops {
                match op {
                    Op::Push(at) => {
                        pushed += 1;
                        d.push(f64::from(at), pushed);
                        model.push((at, pushed));
                        model.sort();
                    }
                    Op::Pop => {
                        let want = (!model.is_empty()).then(|| model.remove(0));
                        prop_assert_eq!(d.peek().map(|e| e.item), want.map(|w| w.1));
                        let got = d.pop().map(|e| (e.deadline as u8, e.item));
                        prop_assert_eq!(got, want);
                    }
                    Op::Retain(k) => {
                        d.retain(|item| item % u32::from(k) != 0);
                        model.retain(|(_, item)| item % u32::from(k) != 0);
                    }
                }
                prop_assert_eq!(d.len(), model.len());
            }
        }
    }
}
