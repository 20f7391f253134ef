//! The bounds on kept runs. In memory: which runs give up their task records so that the
//! records of every kept run fit in [`DETAIL_BUDGET_BYTES`]. In this browser: the history of
//! runs (one line each, as [`persist`](crate::model::store::persist) writes them) keeps the newest
//! [`KEPT_RUNS`] within [`KEPT_BYTES`].
//!
//! Why a bound: a wasm instance's memory grows and never shrinks, so every byte of records the
//! page ever held stays reserved until it reloads, and records are large: a mixed run of
//! 10,000 tasks × 100 rounds holds 2 segments × 100 rounds × 24 bytes per task, about 48 MB.
//! A run that gives up its records keeps its digest (every figure but the timeline), see
//! [`RunRecord::without_details`](crate::model::run::record::RunRecord::without_details).

use crate::model::run::record::RunRecord;

/// The most bytes of task records the page keeps across runs.
pub const DETAIL_BUDGET_BYTES: usize = 64 << 20;

/// The most bytes of task records (runs' JSON exports) this browser keeps across visits
/// (IndexedDB); the oldest runs' go first.
pub const STORED_BYTES: usize = 64_000_000;
/// The largest export of one run kept (a third of [`STORED_BYTES`]): the kept records hold
/// the latest three runs at least, rather than one large one.
pub const STORED_RUN_MAX_BYTES: usize = STORED_BYTES / 3;
/// The largest export the page writes on its main thread to keep it (a build without a pool
/// has no worker to write on): about 2,500 tasks of one wait each, some 20 ms of writing.
pub const STORED_ON_MAIN_MAX_BYTES: usize = 512 << 10;

/// About the bytes of `run`'s JSON export (its task records; the digest is small beside
/// them), to decide before writing it whether it may be kept: a record takes about 170 bytes
/// and each of its segments about 40 more (times at full precision; the test measures both).
pub fn stored_estimate(run: &RunRecord) -> usize {
    let segments: usize = run.tasks.iter().map(|t| t.segments.len()).sum();
    4096 + run.tasks.len() * 170 + segments * 40
}

/// Which kept records to forget, given the entries `stored` (when each run started, its
/// bytes; oldest first) and when each run of the history started: the runs that left the
/// history, then the oldest until the rest fit [`STORED_BYTES`]; the newest always stays.
pub fn stored_to_drop(stored: &[(f64, usize)], history: &[f64]) -> Vec<f64> {
    let in_history = |at: &f64| history.contains(at);
    let kept: Vec<&(f64, usize)> = stored.iter().filter(|(at, _)| in_history(at)).collect();
    let sizes: Vec<usize> = kept.iter().map(|(_, bytes)| *bytes).collect();
    let over = to_drop(&sizes, STORED_BYTES).into_iter().map(|i| kept[i].0);
    stored
        .iter()
        .map(|(at, _)| *at)
        .filter(|at| !in_history(at))
        .chain(over)
        .collect()
}

/// The most runs the browser's history keeps; the oldest go first.
pub const KEPT_RUNS: usize = 50;
/// The most text the history takes in `localStorage` (about 5 MB an origin, shared).
pub const KEPT_BYTES: usize = 256 << 10;

/// The history `text` (one run a line, oldest first) with `line` added: the newest runs
/// within [`KEPT_RUNS`] and [`KEPT_BYTES`] (the newest always).
pub fn append(text: &str, line: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .chain(std::iter::once(line))
        .collect();
    let mut bytes = 0;
    let kept = lines
        .iter()
        .rev()
        .enumerate()
        .take_while(|(i, l)| {
            bytes += l.len() + 1;
            *i == 0 || (*i < KEPT_RUNS && bytes <= KEPT_BYTES)
        })
        .count();
    lines[lines.len() - kept..].join("\n")
}

/// Which runs to drop the details of, given each kept run's
/// [`detail_bytes`](crate::model::run::record::RunRecord::detail_bytes) oldest first: their
/// indices, oldest first. The newest run keeps its records even alone over the budget (it is the
/// one being looked at).
pub fn details_to_drop(detail_bytes: &[usize]) -> Vec<usize> {
    to_drop(detail_bytes, DETAIL_BUDGET_BYTES)
}

/// Which kept runs to drop the details of before a run whose records will take `incoming`
/// bytes, as if it were kept already, the newest: the same bound, applied before the run rather
/// than after it, so the new records are not made beside old ones that must give way (the
/// wasm memory would keep both sizes for good).
pub fn details_to_drop_before(detail_bytes: &[usize], incoming: usize) -> Vec<usize> {
    let mut sizes = detail_bytes.to_vec();
    sizes.push(incoming);
    to_drop(&sizes, DETAIL_BUDGET_BYTES)
}

fn to_drop(detail_bytes: &[usize], budget: usize) -> Vec<usize> {
    let Some((_newest, older)) = detail_bytes.split_last() else {
        return Vec::new();
    };
    let mut kept: usize = detail_bytes.iter().sum();
    let mut drop = Vec::new();
    // Runs without records free nothing, so they are passed over rather than counted as drops.
    for (i, &bytes) in older.iter().enumerate().filter(|(_, b)| **b > 0) {
        if kept <= budget {
            break;
        }
        kept -= bytes;
        drop.push(i);
    }
    drop
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MB: usize = 1 << 20;

    #[test]
    fn a_run_too_large_to_keep_beside_them_drops_the_kept_details_first() {
        // A million records (about 110 MB) beside a kept run of 100 MB and one of 1 MB: both go.
        assert_eq!(details_to_drop_before(&[100 * MB, MB], 110 * MB), [0, 1]);
        // A small run beside them: only what is over the bound with it, oldest first.
        assert_eq!(details_to_drop_before(&[40 * MB, 20 * MB], 10 * MB), [0]);
        assert_eq!(
            details_to_drop_before(&[10 * MB, 20 * MB], 10 * MB),
            Vec::<usize>::new()
        );
        assert_eq!(details_to_drop_before(&[], 500 * MB), Vec::<usize>::new());
    }

    #[test]
    fn the_history_keeps_the_newest_runs_within_its_bounds() {
        let mut text = String::new();
        for i in 0..KEPT_RUNS + 5 {
            text = append(&text, &format!("run {i}"));
        }
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), KEPT_RUNS);
        assert_eq!(lines[0], "run 5");
        assert_eq!(lines[KEPT_RUNS - 1], format!("run {}", KEPT_RUNS + 4));
        let big = "x".repeat(KEPT_BYTES / 2);
        let text = append(&append(&append("", &big), &big), "last");
        assert_eq!(
            text.lines().count(),
            2,
            "the oldest goes when the bytes run out"
        );
        assert_eq!(
            append("", &"y".repeat(KEPT_BYTES * 2)).len(),
            KEPT_BYTES * 2,
            "the newest stays"
        );
        assert_eq!(append("a\n\n b \n", "c"), "a\n b \nc");
    }

    #[test]
    fn runs_within_the_budget_keep_their_records() {
        assert!(details_to_drop(&[]).is_empty());
        assert!(details_to_drop(&[10 * MB, 20 * MB, 34 * MB]).is_empty());
    }

    #[test]
    fn the_oldest_runs_go_first() {
        let big = 48 * MB;
        assert_eq!(details_to_drop(&[big, big, big]), vec![0, 1]);
        assert_eq!(details_to_drop(&[big, 0, MB, big]), vec![0]);
    }

    #[test]
    fn the_newest_run_keeps_its_records_even_over_the_budget() {
        assert!(details_to_drop(&[100 * MB]).is_empty());
        assert_eq!(details_to_drop(&[MB, 0, 100 * MB]), vec![0]);
    }

    #[test]
    fn kept_records_leave_with_their_run_and_the_oldest_go_over_the_budget() {
        let history = [1.0, 2.0, 3.0, 4.0];
        // Run 0 left the history; the rest fit.
        assert_eq!(
            stored_to_drop(&[(0.0, MB), (1.0, MB), (4.0, MB)], &history),
            [0.0]
        );
        // 30 + 30 + 30 MB: the oldest goes, the newest stays even alone over the budget.
        let big = 30 * MB;
        assert_eq!(
            stored_to_drop(&[(1.0, big), (2.0, big), (3.0, big)], &history),
            [1.0]
        );
        assert!(stored_to_drop(&[(4.0, 2 * STORED_BYTES)], &history).is_empty());
        assert!(stored_to_drop(&[], &history).is_empty());
    }

    #[test]
    fn the_estimate_of_a_kept_run_is_within_a_quarter_of_its_export() {
        use crate::model::experiment::params::{Params, Strategy, Workload};
        use crate::model::run::record::{Lane, RunHead, SegmentKind, TaskRecord};
        use crate::model::store::export::json;
        for (workload, rounds) in [(Workload::Io, 1), (Workload::Mixed, 10)] {
            let params = Params {
                workload,
                tasks: 2_000,
                ..Params::default()
            };
            let tasks = (0..params.tasks)
                .map(|task| {
                    // Times at full precision, as measured ones are.
                    let at = f64::from(task) * 0.123_456_789;
                    let segments: Vec<(SegmentKind, f64, f64)> = (0..rounds)
                        .flat_map(|i| {
                            let t = at + f64::from(i) * 1.000_000_1;
                            [
                                (SegmentKind::Wait, t, t + 0.987_654_321),
                                (SegmentKind::Cpu, t + 0.987_654_321, t + 1.000_000_1),
                            ]
                        })
                        .take(if rounds == 1 { 1 } else { 2 * rounds as usize })
                        .collect();
                    TaskRecord::from_segments(task, Lane::Worker((task % 2) as u16), &segments)
                })
                .collect();
            let run = RunRecord::new(RunHead::for_test(Strategy::Threads, params), tasks);
            let mut written = 0;
            json::write(&json::tests::env(), 0.0, &[&run], &mut |c: String| {
                written += c.len()
            });
            let estimate = stored_estimate(&run);
            let ratio = estimate as f64 / written as f64;
            assert!(
                (0.8..1.25).contains(&ratio),
                "estimated {estimate} bytes for {written}"
            );
        }
    }

    proptest! {
        #[test]
        fn within_budget_and_no_more_drops_than_needed(
            sizes in prop::collection::vec(prop_oneof![Just(0usize), 1usize..600], 0..12),
        ) {
            let budget = 1_000;
            let drop = to_drop(&sizes, budget);
            prop_assert!(drop.windows(2).all(|w| w[0] < w[1]), "oldest first: {:?}", drop);
            prop_assert!(drop.iter().all(|&i| i + 1 < sizes.len() && sizes[i] > 0), "{:?}", drop);
            let kept = sizes.iter().sum::<usize>() - drop.iter().map(|&i| sizes[i]).sum::<usize>();
            let newest = sizes.last().copied().unwrap_or(0);
            prop_assert!(kept <= budget || kept == newest, "kept {} of {:?}", kept, sizes);
            if let Some(&last) = drop.last() {
                prop_assert!(kept + sizes[last] > budget, "run {} was dropped needlessly", last);
            }
        }
    }
}
