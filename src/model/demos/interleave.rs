//! Interleaving: the articles' `do_first` / `do_second`, two tasks that log their steps into
//! one shared trace. Async tasks switch only at `await`, so every run logs the same order;
//! threads switch anywhere, so their order changes from run to run. This module compares the
//! traces of many runs.

use std::collections::HashMap;

use super::{Bound, plural};

/// Steps each of the two tasks logs.
pub const STEPS: Bound = Bound {
    label: "Steps per task",
    lo: 2,
    hi: 20,
    default: 8,
};
/// Runs of each model per press of Run.
pub const RUNS: Bound = Bound {
    label: "Runs",
    lo: 1,
    hi: 50,
    default: 20,
};
/// The two tasks, as the articles name them.
pub const TASKS: [&str; 2] = ["do_first", "do_second"];

/// One logged step: which task (0 or 1) logged its step number `step` (from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Step {
    pub task: u8,
    pub step: u16,
}

impl Step {
    /// Packs a step into one `u32` (for a lock-free shared trace); 0 is left for "empty".
    pub fn pack(self) -> u32 {
        (u32::from(self.task) << 16 | u32::from(self.step)) + 1
    }

    /// The step [`Step::pack`] packed, or `None` for an empty slot.
    pub fn unpack(v: u32) -> Option<Step> {
        let v = v.checked_sub(1)?;
        Some(Step {
            task: (v >> 16) as u8,
            step: (v & 0xffff) as u16,
        })
    }
}

/// Whether `trace` holds every step of both tasks once, each task's in its own program order
/// (a trace that does not is a broken recording, not an interleaving).
pub fn is_complete(trace: &[Step], steps: u32) -> bool {
    let mut next = [0u32; 2];
    for s in trace {
        let Some(n) = next.get_mut(usize::from(s.task)) else {
            return false;
        };
        if u32::from(s.step) != *n {
            return false;
        }
        *n += 1;
    }
    next == [steps, steps]
}

/// How often the trace switches from one task to the other.
pub fn switches(trace: &[Step]) -> usize {
    trace.windows(2).filter(|w| w[0].task != w[1].task).count()
}

/// Positions where two traces logged a different task.
pub fn differences(a: &[Step], b: &[Step]) -> Vec<bool> {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.task != y.task)
        .chain(std::iter::repeat_n(true, a.len().abs_diff(b.len())))
        .collect()
}

/// What many runs of one model logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub runs: usize,
    /// Different orders of the tasks' steps among the runs.
    pub distinct: usize,
    /// Runs that logged the most common order.
    pub most_common: usize,
    pub fewest_switches: usize,
    pub most_switches: usize,
}

/// Counts the distinct orders among `traces`.
pub fn tally(traces: &[Vec<Step>]) -> Tally {
    let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
    for t in traces {
        *seen.entry(t.iter().map(|s| s.task).collect()).or_default() += 1;
    }
    let sw = traces.iter().map(|t| switches(t));
    Tally {
        runs: traces.len(),
        distinct: seen.len(),
        most_common: seen.values().copied().max().unwrap_or(0),
        fewest_switches: sw.clone().min().unwrap_or(0),
        most_switches: sw.max().unwrap_or(0),
    }
}

/// One sentence on what the runs showed; `threads` is `None` when threads could not run.
pub fn verdict(asyn: &Tally, threads: Option<&Tally>) -> String {
    let orders = |t: &Tally| plural(t.distinct as u64, "order", "different orders");
    let a = if asyn.distinct == 1 {
        format!(
            "In {}, async logged 1 order every time, switching only at its awaits",
            plural(asyn.runs as u64, "run", "runs")
        )
    } else {
        format!(
            "In {}, async logged {}",
            plural(asyn.runs as u64, "run", "runs"),
            orders(asyn)
        )
    };
    match threads {
        None => format!("{a}."),
        Some(t) if t.distinct == 1 => format!(
            "{a}; threads also logged 1 order (the workers never overlapped in these runs)."
        ),
        Some(t) => format!(
            "{a}; threads logged {} ({} to {} switches a run).",
            orders(t),
            t.fewest_switches,
            t.most_switches
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace(tasks: &[u8]) -> Vec<Step> {
        let mut next = [0u16; 2];
        tasks
            .iter()
            .map(|&task| {
                let step = next[usize::from(task)];
                next[usize::from(task)] += 1;
                Step { task, step }
            })
            .collect()
    }

    #[test]
    fn steps_pack_into_nonzero_words_and_back() {
        for s in [
            Step { task: 0, step: 0 },
            Step { task: 1, step: 19 },
            Step {
                task: 1,
                step: u16::MAX - 1,
            },
        ] {
            assert_ne!(s.pack(), 0);
            assert_eq!(Step::unpack(s.pack()), Some(s));
        }
        assert_eq!(Step::unpack(0), None);
    }

    #[test]
    fn a_trace_is_complete_only_with_every_step_in_program_order() {
        assert!(is_complete(&trace(&[0, 1, 0, 1]), 2));
        assert!(is_complete(&trace(&[0, 0, 1, 1]), 2));
        assert!(!is_complete(&trace(&[0, 1, 0]), 2), "a step is missing");
        let mut swapped = trace(&[0, 0, 1, 1]);
        swapped.swap(0, 1);
        assert!(!is_complete(&swapped, 2), "out of program order");
        assert!(
            !is_complete(&[Step { task: 2, step: 0 }], 1),
            "no third task"
        );
    }

    #[test]
    fn switches_and_differences_compare_tasks_by_position() {
        assert_eq!(switches(&trace(&[0, 1, 0, 1])), 3);
        assert_eq!(switches(&trace(&[0, 0, 1, 1])), 1);
        assert_eq!(
            differences(&trace(&[0, 1, 0, 1]), &trace(&[0, 1, 1, 0])),
            vec![false, false, true, true]
        );
        assert_eq!(
            differences(&trace(&[0]), &trace(&[0, 1])),
            vec![false, true]
        );
    }

    #[test]
    fn tallies_count_distinct_orders_not_runs() {
        let same = vec![trace(&[0, 1, 0, 1]); 5];
        let t = tally(&same);
        assert_eq!((t.runs, t.distinct, t.most_common), (5, 1, 5));
        let mixed = vec![
            trace(&[0, 1, 0, 1]),
            trace(&[0, 0, 1, 1]),
            trace(&[0, 1, 0, 1]),
        ];
        let t = tally(&mixed);
        assert_eq!((t.runs, t.distinct, t.most_common), (3, 2, 2));
        assert_eq!((t.fewest_switches, t.most_switches), (1, 3));
        assert_eq!(tally(&[]).distinct, 0);
    }

    #[test]
    fn verdicts_say_how_many_orders_each_model_logged() {
        let a = tally(&vec![trace(&[0, 1, 0, 1]); 20]);
        let t = tally(&[
            trace(&[0, 1, 0, 1]),
            trace(&[0, 0, 1, 1]),
            trace(&[1, 0, 0, 1]),
        ]);
        assert_eq!(
            verdict(&a, Some(&t)),
            "In 20 runs, async logged 1 order every time, switching only at its awaits; \
             threads logged 3 different orders (1 to 3 switches a run)."
        );
        assert_eq!(
            verdict(&a, None),
            "In 20 runs, async logged 1 order every time, switching only at its awaits."
        );
        assert!(verdict(&a, Some(&a)).contains("threads also logged 1 order"));
        assert!(verdict(&t, None).starts_with("In 3 runs, async logged 3 different orders"));
    }
}
