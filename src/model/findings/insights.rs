//! Insights: one-sentence findings derived from a run's records by pure rules.
//!
//! Each rule looks at the records (and the theory, and the sequential run of the same workload
//! when there is one) and either says one sentence or nothing.

use crate::model::experiment::params::Strategy;
use crate::model::format;
use crate::model::run::record::RunEnvironment;
use crate::model::run::record::{RunRecord, SegmentKind, max_overlapping};

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insight {
    /// The rule that produced it (stable, for tests and styling).
    pub rule: &'static str,
    pub text: String,
}

/// A departure from theory larger than this fraction gets explained.
pub const THEORY_TOLERANCE: f64 = 0.2;

/// All findings for `run`. `theory_ms` is its expected makespan; `sequential` the measured
/// sequential run of the same workload, if any.
pub fn insights(run: &RunRecord, theory_ms: f64, sequential: Option<&RunRecord>) -> Vec<Insight> {
    // How the run ended and whether its timings can be trusted come before what they show.
    [
        failed(run),
        cancelled(run),
        disturbed(run),
        blocked(run),
        queueing(run),
        speedup(run, sequential),
        gil(run),
        executor(run),
        processes(run),
        overlap(run),
        scheduler(run),
        theory(run, theory_ms),
        details_dropped(run),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Whether the Python twin measured `run`: its main thread runs an asyncio loop, not a page,
/// its GIL waits are not on record, and its processes are interpreters.
fn in_python(run: &RunRecord) -> bool {
    run.head
        .environment
        .as_ref()
        .is_some_and(RunEnvironment::is_python)
}

fn pct(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        (part / whole * 100.0).clamp(0.0, 100.0)
    } else {
        0.0
    }
}

/// How long the main thread was blocked, and what share of the run (in CPython, the thread
/// of its asyncio loop).
pub fn blocked(run: &RunRecord) -> Option<Insight> {
    let r = run.head.responsiveness;
    let (thread, blocked, free) = if in_python(run) {
        (
            "The asyncio loop's thread",
            "so the loop could run nothing else (its lag probe, other tasks)",
            "the loop stayed responsive",
        )
    } else {
        (
            "The main thread",
            "so the page could not respond or paint",
            "the page stayed responsive",
        )
    };
    let text = if r.blocked_ms > 0.0 {
        format!(
            "{thread} was blocked for {}, {:.0}% of the run; the longest stall lasted {}, {blocked}.",
            format::ms(r.blocked_ms),
            pct(r.blocked_ms, run.makespan_ms()),
            format::ms(r.longest_stall_ms)
        )
    } else {
        format!(
            "{thread} was blocked 0% of the run (no stall reached 50 ms; the longest lasted {}): {free}.",
            format::ms(r.longest_stall_ms)
        )
    };
    Some(Insight {
        rule: "blocked",
        text,
    })
}

/// Why yielding did not keep an async run responsive: slices of many tasks queue up.
pub fn queueing(run: &RunRecord) -> Option<Insight> {
    let y = f64::from(run.head.params.yield_every_ms);
    let stall = run.head.responsiveness.longest_stall_ms;
    if run.strategy() != Strategy::Async
        || y <= 0.0
        || !run.head.params.workload.computes()
        || stall < 2.0 * y.max(10.0)
    {
        return None;
    }
    let queued = (stall / y).round().max(2.0);
    Some(Insight {
        rule: "queueing",
        text: format!(
            "Yielding every {} still left a {} stall: with many tasks computing, about {queued:.0} slices were queued ahead of {}, which wait their turn in the same queue.",
            format::ms(y),
            format::ms(stall),
            if in_python(run) {
                "the loop's other callbacks (its timers, the lag probe)"
            } else {
                "the page's own events (input, timers, paints)"
            }
        ),
    })
}

/// Threads + GIL: how the lock serialised the computation, read from the segments. CPython
/// does not expose its GIL waits, so its compute segments hold them: said, not counted.
pub fn gil(run: &RunRecord) -> Option<Insight> {
    if run.strategy() != Strategy::Gil
        || !run.head.params.workload.computes()
        || run.tasks.is_empty()
    {
        return None;
    }
    if in_python(run) {
        return Some(Insight {
            rule: "gil",
            text: "CPython does not expose when a thread waits for the GIL: its waits are inside these compute bars, which is why they overlap; the makespan against sequential's says what the lock cost.".into(),
        });
    }
    let computing = max_overlapping(&run.tasks, SegmentKind::Cpu);
    let cpu_ms: f64 = run.tasks.iter().map(|t| t.cpu_ms).sum();
    let lock_ms: f64 = run.tasks.iter().map(|t| t.lock_ms).sum();
    let waits = run
        .tasks
        .iter()
        .flat_map(|t| &t.segments)
        .filter(|s| s.kind == SegmentKind::LockWait)
        .count();
    let threads = run.head.threads_used;
    Some(Insight {
        rule: "gil",
        text: format!(
            "The GIL let {computing} of {threads} thread{} compute at any moment: {} of computation, and {} spent waiting for the GIL over {waits} wait{} (switch interval {}).",
            if threads == 1 { "" } else { "s" },
            format::ms(cpu_ms),
            format::ms(lock_ms),
            if waits == 1 { "" } else { "s" },
            format::ms(f64::from(run.head.params.switch_ms)),
        ),
    })
}

/// Async + executor: where the computations went, and what that left the event loop.
pub fn executor(run: &RunRecord) -> Option<Insight> {
    if run.strategy() != Strategy::Executor
        || !run.head.params.workload.computes()
        || run.tasks.is_empty()
    {
        return None;
    }
    let handed = run
        .tasks
        .iter()
        .flat_map(|t| &t.segments)
        .filter(|s| s.kind == SegmentKind::Cpu && s.lane.is_some())
        .count();
    let at_once = max_overlapping(&run.tasks, SegmentKind::Cpu);
    let threads = run.head.threads_used;
    Some(Insight {
        rule: "executor",
        text: format!(
            "The event loop handed {handed} computation{} to the executor's {threads} thread{} ({at_once} at once at most) and awaited them, so the loop's longest stall was {}: plain async with the same computations holds the loop's thread for each of them.",
            if handed == 1 { "" } else { "s" },
            if threads == 1 { "" } else { "s" },
            format::ms(run.head.responsiveness.longest_stall_ms),
        ),
    })
}

/// Processes: what starting them cost, in time and memory, against the run.
pub fn processes(run: &RunRecord) -> Option<Insight> {
    let s = run
        .head
        .startup
        .filter(|_| run.strategy() == Strategy::Processes)?;
    let n = run.head.threads_used;
    Some(Insight {
        rule: "processes",
        text: format!(
            "Each of the {n} process{} took {} to start ({}); the last was ready after {}, {:.0}% of this run. Every task and every result crossed between them as a message: nothing is shared.",
            if n == 1 { "" } else { "es" },
            format::ms(s.per_worker_ms),
            match (in_python(run), s.memory_bytes.is_finite()) {
                (true, true) => format!(
                    "a fresh interpreter, spawned, {} resident",
                    format::bytes(s.memory_bytes)
                ),
                (true, false) => "a fresh interpreter, spawned".to_string(),
                (false, _) => format!(
                    "a Web Worker and a fresh wasm instance with {} of its own memory",
                    format::bytes(s.memory_bytes)
                ),
            },
            format::ms(s.all_ready_ms),
            s.all_ready_ms / run.makespan_ms().max(f64::MIN_POSITIVE) * 100.0,
        ),
    })
}

/// Speedup over the measured sequential run, and parallel efficiency for threads.
pub fn speedup(run: &RunRecord, sequential: Option<&RunRecord>) -> Option<Insight> {
    let seq = sequential.filter(|s| s.is_complete() && s.makespan_ms() > 0.0)?;
    if run.strategy() == Strategy::Sequential || !run.is_complete() || run.makespan_ms() <= 0.0 {
        return None;
    }
    let s = seq.makespan_ms() / run.makespan_ms();
    let compared = if s >= 1.05 {
        format!("ran {} faster than sequential", format::times(s))
    } else if s > 0.95 {
        format!("took about as long as sequential ({})", format::times(s))
    } else {
        format!("ran {} slower than sequential", format::times(1.0 / s))
    };
    let text = if run.strategy().tasks_on_workers() {
        let n = run.head.threads_used.max(1);
        let cores = if n > run.head.cores && run.head.params.workload.computes() {
            format!(
                "; with {} cores, computation can go at most {}× faster",
                run.head.cores, run.head.cores
            )
        } else {
            String::new()
        };
        format!(
            "{n} {} {compared}: {:.0}% parallel efficiency (speedup ÷ {}){cores}.",
            run.strategy().worker_noun(n),
            s / f64::from(n) * 100.0,
            run.strategy().worker_noun(2),
        )
    } else {
        format!(
            "{} {compared} on the same workload.",
            run.strategy().label()
        )
    };
    Some(Insight {
        rule: "speedup",
        text,
    })
}

/// How many waits overlapped and what that saved.
pub fn overlap(run: &RunRecord) -> Option<Insight> {
    let k = run.digest.max_overlapping_waits;
    if k < 2 {
        return None;
    }
    let total_wait = run.digest.summary.wait_total_ms;
    let saved = total_wait - run.makespan_ms();
    let text = if saved > 0.0 {
        format!(
            "Up to {} waits were in flight at once: one after another they would have taken {}, {} more than this whole run.",
            format::count(k as u64),
            format::ms(total_wait),
            format::ms(saved)
        )
    } else {
        format!(
            "Up to {} waits were in flight at once.",
            format::count(k as u64)
        )
    };
    Some(Insight {
        rule: "overlap",
        text,
    })
}

/// Where the measurement departs from theory by more than 20%, and the likely reason.
pub fn theory(run: &RunRecord, theory_ms: f64) -> Option<Insight> {
    if !run.is_complete() || theory_ms <= 0.0 {
        return None;
    }
    let d = (run.makespan_ms() - theory_ms) / theory_ms;
    if d.abs() <= THEORY_TOLERANCE {
        return None;
    }
    let p = &run.head.params;
    let first_pickup = run.digest.last_first_pickup_ms;
    // Throttling in a background tab outweighs every other cause, in either direction.
    let reason = if run.is_disturbed() {
        format!(
            "the hidden tab: the page was hidden for {} and browsers throttle background tabs",
            format::ms(run.head.hidden_ms)
        )
    } else if d < 0.0 {
        if p.workload.computes() && in_python(run) {
            "the CPU ran faster than when the kernel was calibrated (clock boost)".to_string()
        } else if p.workload.computes() {
            "the CPU ran faster than when the kernel was calibrated (clock boost or the JIT's optimised tier)".to_string()
        } else {
            "waits ended early".to_string()
        }
    } else if p.workload.waits() && p.io_ms < 5 && in_python(run) {
        "timer granularity: asyncio's loop wakes for timers at about 1 ms".to_string()
    } else if p.workload.waits() && p.io_ms < 5 {
        "timer clamping: browsers round timers to whole milliseconds and clamp nested ones to 4 ms"
            .to_string()
    } else if let Some(s) = run
        .head
        .startup
        .filter(|s| s.all_ready_ms >= 0.5 * (run.makespan_ms() - theory_ms))
    {
        format!(
            "process start-up: the last process was ready only after {}",
            format::ms(s.all_ready_ms)
        )
    } else if run.strategy().tasks_on_workers() && first_pickup > 0.1 * run.makespan_ms() {
        format!(
            "thread start-up: a worker picked up its first task only after {}",
            format::ms(first_pickup)
        )
    } else if run.strategy() == Strategy::Threads
        && p.workload.computes()
        && run.head.threads_used >= run.head.cores
    {
        format!(
            "pool size: {} busy workers and the {} share {} cores",
            run.head.threads_used,
            if in_python(run) {
                "event loop"
            } else {
                "page itself"
            },
            run.head.cores
        )
    } else if p.tasks >= 1_000 {
        format!(
            "per-task overhead: scheduling {} tasks cost about {} each",
            format::count(u64::from(p.tasks)),
            format::ms((run.makespan_ms() - theory_ms) / f64::from(p.tasks))
        )
    } else {
        "scheduling overhead and timer granularity".to_string()
    };
    let text = format!(
        "Measured {} is {:.0}% {} theory ({}); likely {reason}.",
        format::ms(run.makespan_ms()),
        d.abs() * 100.0,
        if d > 0.0 { "above" } else { "below" },
        format::ms(theory_ms)
    );
    Some(Insight {
        rule: "theory",
        text,
    })
}

/// A cancelled run says how far it got.
pub fn cancelled(run: &RunRecord) -> Option<Insight> {
    run.is_cancelled().then(|| Insight {
        rule: "cancelled",
        text: format!(
            "Cancelled after {} of {} tasks; figures cover the finished tasks only.",
            format::count(run.digest.summary.tasks_done as u64),
            format::count(u64::from(run.head.params.tasks))
        ),
    })
}

/// A failed run says why, and how far it got.
pub fn failed(run: &RunRecord) -> Option<Insight> {
    let why = run.failure()?;
    Some(Insight {
        rule: "failed",
        text: format!(
            "The run failed ({}); figures cover the {} of {} tasks that finished before it.",
            why.trim_end_matches('.'),
            format::count(run.digest.summary.tasks_done as u64),
            format::count(u64::from(run.head.params.tasks))
        ),
    })
}

/// A run during which the page was hidden: its timings say more about throttling than about
/// the strategy.
pub fn disturbed(run: &RunRecord) -> Option<Insight> {
    run.is_disturbed().then(|| Insight {
        rule: "disturbed",
        text: format!(
            "The page was hidden for {} during this run; browsers throttle timers and rendering in background tabs, so these timings cannot be trusted: run it again with the tab visible.",
            format::ms(run.head.hidden_ms)
        ),
    })
}

/// Why a run has figures but no timeline.
pub fn details_dropped(run: &RunRecord) -> Option<Insight> {
    run.details_dropped.then(|| Insight {
        rule: "details_dropped",
        text: "The task records of this run were dropped to keep the page's memory bounded; its figures are kept, its timeline is not.".into(),
    })
}

/// What the async scheduler itself cost: spawning every task and polling after each wake-up.
pub fn scheduler(run: &RunRecord) -> Option<Insight> {
    let s = run.head.scheduler?;
    // Every task is spawned at the start, so a cancelled run paid for all of them too.
    let overhead_ms = (s.spawn_us_per_task * f64::from(run.head.params.tasks)
        + s.us_per_wake * s.wakes as f64)
        / 1000.0;
    Some(Insight {
        rule: "scheduler",
        text: format!(
            "The tasks were driven by {}: {} per spawn and {} per wake-up ({} wake-ups), {} of overhead in all, {:.1}% of the makespan.",
            s.name,
            format::us(s.spawn_us_per_task),
            format::us(s.us_per_wake),
            format::count(s.wakes),
            format::ms(overhead_ms),
            pct(overhead_ms, run.makespan_ms())
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::experiment::params::{Params, Workload};
    use crate::model::run::record::{
        Lane, Outcome, RunHead, SCHEDULERS, SchedulerCost, Startup, TaskRecord,
    };

    #[test]
    fn cpythons_runs_are_worded_for_cpython() {
        let params = Params {
            workload: Workload::Cpu,
            tasks: 2,
            ..Default::default()
        };
        let tasks = |lane| {
            (0..2)
                .map(|t| TaskRecord::from_segments(t, lane, &[(SegmentKind::Cpu, 0.0, 40.0)]))
                .collect::<Vec<_>>()
        };
        let cpython = Some(RunEnvironment {
            runtime: "CPython".into(),
            gil: "on".into(),
            ..RunEnvironment::default()
        });
        let mut head = RunHead::for_test(Strategy::Gil, params);
        head.environment = cpython.clone();
        let gil_run = RunRecord::new(head, tasks(Lane::Worker(0)));
        let g = gil(&gil_run).unwrap().text;
        assert!(g.starts_with("CPython does not expose"), "{g}");
        assert!(
            blocked(&gil_run)
                .unwrap()
                .text
                .starts_with("The asyncio loop's thread")
        );
        let mut head = RunHead::for_test(Strategy::Processes, params);
        head.environment = cpython;
        head.startup = Some(Startup {
            per_worker_ms: 180.0,
            all_ready_ms: 200.0,
            memory_bytes: 26e6,
        });
        let p = processes(&RunRecord::new(head, tasks(Lane::Process(0))))
            .unwrap()
            .text;
        assert!(
            p.contains("a fresh interpreter, spawned, ") && !p.contains("wasm"),
            "{p}"
        );
    }
    use crate::model::run::stats::Responsiveness;

    fn task(task: u32, lane: Lane, segs: &[(SegmentKind, f64, f64)]) -> TaskRecord {
        TaskRecord::from_segments(task, lane, segs)
    }

    fn run(strategy: Strategy, params: Params, tasks: Vec<TaskRecord>) -> RunRecord {
        // Tests craft a few records that stand for the whole run.
        let params = Params {
            tasks: tasks.len().max(1) as u32,
            ..params
        };
        RunRecord::new(RunHead::for_test(strategy, params), tasks)
    }

    fn io_async(n: u32, ms: f64) -> RunRecord {
        let p = Params {
            workload: Workload::Io,
            tasks: n,
            io_ms: ms as u32,
            ..Params::default()
        };
        run(
            Strategy::Async,
            p,
            (0..n)
                .map(|t| task(t, Lane::Main, &[(SegmentKind::Wait, 0.0, ms)]))
                .collect(),
        )
    }

    #[test]
    fn a_frozen_run_names_its_blocked_share() {
        let mut r = io_async(1, 1000.0);
        r.head.responsiveness = Responsiveness {
            blocked_ms: 900.0,
            longest_stall_ms: 900.0,
            ..Default::default()
        };
        let i = blocked(&r).unwrap();
        assert!(i.text.contains("900 ms, 90% of the run"), "{}", i.text);
    }

    #[test]
    fn a_responsive_run_says_so_with_its_share() {
        let mut r = io_async(1, 1000.0);
        r.head.responsiveness.longest_stall_ms = 3.0;
        let i = blocked(&r).unwrap();
        assert!(
            i.text.contains("0% of the run") && i.text.contains("responsive"),
            "{}",
            i.text
        );
    }

    #[test]
    fn yielding_tasks_that_still_stall_are_explained_by_queueing() {
        let p = Params {
            workload: Workload::Cpu,
            tasks: 24,
            cpu_ms: 10,
            yield_every_ms: 5,
            ..Params::default()
        };
        let mut r = run(
            Strategy::Async,
            p,
            vec![task(0, Lane::Main, &[(SegmentKind::Cpu, 0.0, 240.0)])],
        );
        r.head.responsiveness.longest_stall_ms = 110.0;
        let i = queueing(&r).unwrap();
        assert!(
            i.text.contains("every 5.00 ms") && i.text.contains("about 22 slices"),
            "{}",
            i.text
        );
        assert!(
            insights(&r, 240.0, None)
                .iter()
                .any(|i| i.rule == "queueing"),
            "the findings list explains why yielding did not help"
        );
        r.head.responsiveness.longest_stall_ms = 8.0;
        assert!(queueing(&r).is_none(), "a short stall needs no explanation");
        r.head.params.yield_every_ms = 0;
        r.head.responsiveness.longest_stall_ms = 240.0;
        assert!(
            queueing(&r).is_none(),
            "never yielding is explained by the blocked rule"
        );
    }

    #[test]
    fn threads_report_parallel_efficiency_against_sequential() {
        let p = Params {
            workload: Workload::Cpu,
            tasks: 2,
            threads: 2,
            ..Params::default()
        };
        let seq = run(
            Strategy::Sequential,
            p,
            vec![
                task(0, Lane::Main, &[(SegmentKind::Cpu, 0.0, 100.0)]),
                task(1, Lane::Main, &[(SegmentKind::Cpu, 100.0, 200.0)]),
            ],
        );
        let thr = run(
            Strategy::Threads,
            p,
            vec![
                task(0, Lane::Worker(0), &[(SegmentKind::Cpu, 0.0, 125.0)]),
                task(1, Lane::Worker(1), &[(SegmentKind::Cpu, 0.0, 125.0)]),
            ],
        );
        let i = speedup(&thr, Some(&seq)).unwrap();
        assert!(
            i.text.contains("1.60× faster") && i.text.contains("80% parallel efficiency"),
            "{}",
            i.text
        );
        assert!(speedup(&seq, Some(&seq)).is_none());
        assert!(speedup(&thr, None).is_none());
        let a = speedup(&io_async(2, 125.0), Some(&seq)).unwrap();
        assert!(a.text.starts_with("Async ran 1.60× faster"), "{}", a.text);
        let same = speedup(&io_async(2, 198.0), Some(&seq)).unwrap();
        assert!(
            same.text
                .contains("took about as long as sequential (1.01×)"),
            "{}",
            same.text
        );
        let slow = speedup(&io_async(2, 400.0), Some(&seq)).unwrap();
        assert!(slow.text.contains("ran 2.00× slower"), "{}", slow.text);
        let mut four = thr.clone();
        four.head.threads_used = 4;
        let t = speedup(&four, Some(&seq)).unwrap().text;
        assert!(
            t.contains("with 2 cores, computation can go at most 2× faster"),
            "{t}"
        );
    }

    #[test]
    fn overlapping_waits_are_counted_and_their_saving_named() {
        let r = io_async(50, 100.0);
        assert_eq!(max_overlapping(&r.tasks, SegmentKind::Wait), 50);
        let i = overlap(&r).unwrap();
        assert!(
            i.text.contains("Up to 50 waits")
                && i.text.contains("5.00 s")
                && i.text.contains("4.90 s more"),
            "{}",
            i.text
        );
    }

    #[test]
    fn back_to_back_waits_do_not_overlap() {
        let p = Params {
            workload: Workload::Io,
            tasks: 2,
            ..Params::default()
        };
        let seq = run(
            Strategy::Sequential,
            p,
            vec![
                task(0, Lane::Main, &[(SegmentKind::Wait, 0.0, 100.0)]),
                task(1, Lane::Main, &[(SegmentKind::Wait, 100.0, 200.0)]),
            ],
        );
        assert_eq!(max_overlapping(&seq.tasks, SegmentKind::Wait), 1);
        assert!(overlap(&seq).is_none());
    }

    #[test]
    fn close_to_theory_says_nothing() {
        assert!(theory(&io_async(10, 100.0), 90.0).is_none(), "11% off");
    }

    #[test]
    fn short_timers_are_blamed_on_clamping() {
        let r = io_async(10, 3.0);
        let i = theory(&r, 2.0).unwrap();
        assert!(
            i.text.contains("50% above") && i.text.contains("timer clamping"),
            "{}",
            i.text
        );
    }

    #[test]
    fn many_tasks_are_blamed_on_per_task_overhead() {
        let mut r = io_async(10_000, 100.0);
        r.digest.summary.makespan_ms = 130.0;
        let i = theory(&r, 100.0).unwrap();
        assert!(
            i.text.contains("per-task overhead") && i.text.contains("10,000 tasks"),
            "{}",
            i.text
        );
    }

    #[test]
    fn a_late_first_pickup_is_blamed_on_thread_start_up() {
        let p = Params {
            workload: Workload::Io,
            tasks: 2,
            threads: 2,
            io_ms: 100,
            ..Params::default()
        };
        let r = run(
            Strategy::Threads,
            p,
            vec![
                task(0, Lane::Worker(0), &[(SegmentKind::Wait, 0.0, 100.0)]),
                task(1, Lane::Worker(1), &[(SegmentKind::Wait, 40.0, 140.0)]),
            ],
        );
        let i = theory(&r, 100.0).unwrap();
        assert!(
            i.text.contains("thread start-up") && i.text.contains("40.0 ms"),
            "{}",
            i.text
        );
    }

    #[test]
    fn busy_cores_are_blamed_on_pool_size() {
        let p = Params {
            workload: Workload::Cpu,
            tasks: 2,
            threads: 2,
            cpu_ms: 100,
            ..Params::default()
        };
        let r = run(
            Strategy::Threads,
            p,
            vec![
                task(0, Lane::Worker(0), &[(SegmentKind::Cpu, 0.0, 130.0)]),
                task(1, Lane::Worker(1), &[(SegmentKind::Cpu, 0.0, 130.0)]),
            ],
        );
        let i = theory(&r, 100.0).unwrap();
        assert!(
            i.text.contains("pool size") && i.text.contains("share 2 cores"),
            "{}",
            i.text
        );
    }

    #[test]
    fn faster_than_theory_is_blamed_on_calibration() {
        let p = Params {
            workload: Workload::Cpu,
            tasks: 1,
            cpu_ms: 100,
            ..Params::default()
        };
        let r = run(
            Strategy::Sequential,
            p,
            vec![task(0, Lane::Main, &[(SegmentKind::Cpu, 0.0, 70.0)])],
        );
        let i = theory(&r, 100.0).unwrap();
        assert!(
            i.text.contains("30% below") && i.text.contains("calibrated"),
            "{}",
            i.text
        );
    }

    #[test]
    fn cancelled_runs_say_how_far_they_got_and_skip_theory() {
        let mut r = io_async(3, 100.0);
        r.head.params.tasks = 10;
        r.head.outcome = Outcome::Cancelled;
        let all = insights(&r, 1000.0, None);
        assert_eq!(all[0].rule, "cancelled");
        assert!(all[0].text.contains("3 of 10"));
        assert!(all.iter().all(|i| i.rule != "theory"));
    }

    fn rules(all: &[Insight]) -> Vec<&'static str> {
        all.iter().map(|i| i.rule).collect()
    }

    #[test]
    fn failed_runs_say_why_and_how_far_they_got_and_skip_speedup_and_theory() {
        let seq = io_async(10, 1000.0);
        let mut r = io_async(3, 100.0);
        r.head.params.tasks = 10;
        r.head.outcome = Outcome::Failed("task 4 panicked at kernel.rs:12: overflow.".into());
        let all = insights(&r, 1000.0, Some(&seq));
        assert_eq!(all[0].rule, "failed");
        assert_eq!(
            all[0].text,
            "The run failed (task 4 panicked at kernel.rs:12: overflow); figures cover the 3 of 10 tasks that finished before it."
        );
        let ruled = rules(&all);
        for silent in ["cancelled", "speedup", "theory"] {
            assert!(!ruled.contains(&silent), "{silent}: {ruled:?}");
        }
        assert!(speedup(&r, Some(&seq)).is_none());
        assert!(theory(&r, 1000.0).is_none());
        assert!(failed(&seq).is_none());
    }

    #[test]
    fn a_hidden_page_makes_the_timings_untrustworthy() {
        let mut r = io_async(10, 3.0);
        assert!(disturbed(&r).is_none());
        r.head.hidden_ms = 2500.0;
        let i = disturbed(&r).unwrap();
        assert!(
            i.text.contains("hidden for 2.50 s") && i.text.contains("cannot be trusted"),
            "{}",
            i.text
        );
        assert_eq!(
            rules(&insights(&r, 2.0, None))[..2],
            ["disturbed", "blocked"]
        );
    }

    #[test]
    fn a_hidden_page_is_the_reason_a_run_departs_from_theory() {
        let mut r = io_async(10, 3.0);
        r.head.hidden_ms = 40.0;
        let i = theory(&r, 2.0).unwrap();
        assert!(
            i.text.contains("likely the hidden tab") && i.text.contains("40.0 ms"),
            "{}",
            i.text
        );
        assert!(!i.text.contains("clamping"), "{}", i.text);
        r.digest.summary.makespan_ms = 1.0;
        let below = theory(&r, 2.0).unwrap();
        assert!(below.text.contains("the hidden tab"), "{}", below.text);
    }

    #[test]
    fn a_run_without_details_says_so_and_keeps_its_findings() {
        let full = io_async(50, 100.0);
        assert!(details_dropped(&full).is_none());
        let lean = full.without_details();
        let all = insights(&lean, 100.0, None);
        assert_eq!(all.last().unwrap().rule, "details_dropped");
        assert!(all.last().unwrap().text.contains("timeline is not"));
        assert_eq!(
            all[..all.len() - 1],
            insights(&full, 100.0, None)[..],
            "the other rules read the digest, not the task records"
        );
        assert!(rules(&all).contains(&"overlap"));
    }

    #[test]
    fn the_scheduler_names_itself_and_its_share_of_the_makespan() {
        let mut r = io_async(1_000, 100.0);
        assert!(scheduler(&r).is_none());
        r.head.scheduler = Some(SchedulerCost {
            name: SCHEDULERS[0],
            spawn_us_per_task: 2.0,
            wakes: 1_000,
            us_per_wake: 5.0,
        });
        // 1,000 × 2 µs + 1,000 × 5 µs = 7 ms of a 100 ms run.
        let i = scheduler(&r).unwrap();
        assert!(
            i.text.contains(SCHEDULERS[0])
                && i.text.contains("2.00 µs per spawn")
                && i.text.contains("5.00 µs per wake-up (1,000 wake-ups)")
                && i.text.contains("7.00 ms of overhead")
                && i.text.contains("7.0% of the makespan"),
            "{}",
            i.text
        );
        assert!(rules(&insights(&r, 100.0, None)).contains(&"scheduler"));
    }

    #[test]
    fn the_gil_finding_counts_threads_computing_at_once_and_the_time_waiting_for_it() {
        let p = Params {
            workload: Workload::Cpu,
            cpu_ms: 10,
            threads: 2,
            ..Params::default()
        };
        // Two workers hand the GIL back and forth every 5 ms.
        let r = run(
            Strategy::Gil,
            p,
            vec![
                task(
                    0,
                    Lane::Worker(0),
                    &[
                        (SegmentKind::Cpu, 0.0, 5.0),
                        (SegmentKind::LockWait, 5.0, 10.0),
                        (SegmentKind::Cpu, 10.0, 15.0),
                    ],
                ),
                task(
                    1,
                    Lane::Worker(1),
                    &[
                        (SegmentKind::LockWait, 0.0, 5.0),
                        (SegmentKind::Cpu, 5.0, 10.0),
                        (SegmentKind::LockWait, 10.0, 15.0),
                        (SegmentKind::Cpu, 15.0, 20.0),
                    ],
                ),
            ],
        );
        let i = gil(&r).expect("a GIL run that computes has the finding");
        assert!(i.text.contains("let 1 of 2 threads compute"), "{}", i.text);
        assert!(
            i.text
                .contains("15.0 ms spent waiting for the GIL over 3 waits"),
            "{}",
            i.text
        );
        // Plain threads that overlap have no such finding.
        assert!(gil(&run(Strategy::Threads, p, r.tasks.clone())).is_none());
    }

    #[test]
    fn the_executor_finding_counts_computations_handed_over() {
        let p = Params {
            workload: Workload::Mixed,
            io_ms: 10,
            cpu_ms: 10,
            threads: 2,
            ..Params::default()
        };
        // Three tasks, two computing at once; the third waits its turn for a thread.
        let mut tasks: Vec<TaskRecord> = (0..3)
            .map(|t| {
                let start = if t == 2 { 20.0 } else { 10.0 };
                task(
                    t,
                    Lane::Main,
                    &[
                        (SegmentKind::Wait, 0.0, start),
                        (SegmentKind::Cpu, start, start + 10.0),
                    ],
                )
            })
            .collect();
        for (k, t) in tasks.iter_mut().enumerate() {
            t.segments[1].lane = Some(Lane::Worker((k % 2) as u16));
        }
        let mut r = run(Strategy::Executor, p, tasks);
        r.head.responsiveness.longest_stall_ms = 3.0;
        let i = executor(&r).expect("an executor run that computes has the finding");
        assert!(
            i.text
                .contains("handed 3 computations to the executor's 2 threads (2 at once at most)"),
            "{}",
            i.text
        );
        assert!(i.text.contains("longest stall was 3.00 ms"), "{}", i.text);
        assert!(executor(&run(Strategy::Async, p, r.tasks.clone())).is_none());
    }

    #[test]
    fn processes_say_what_starting_them_cost_and_count_as_parallel() {
        let p = Params {
            workload: Workload::Cpu,
            threads: 2,
            ..Params::default()
        };
        let seq = run(
            Strategy::Sequential,
            p,
            (0..2)
                .map(|t| {
                    let at = f64::from(t) * 100.0;
                    task(t, Lane::Main, &[(SegmentKind::Cpu, at, at + 100.0)])
                })
                .collect(),
        );
        let mut r = run(
            Strategy::Processes,
            p,
            (0..2)
                .map(|t| {
                    task(
                        t,
                        Lane::Process(t as u16),
                        &[(SegmentKind::Cpu, 50.0, 150.0)],
                    )
                })
                .collect(),
        );
        assert!(
            processes(&r).is_none(),
            "no start-up measured, nothing to say"
        );
        r.head.startup = Some(Startup {
            per_worker_ms: 40.0,
            all_ready_ms: 50.0,
            memory_bytes: 18_874_368.0,
        });
        let i = processes(&r).expect("a processes run with its start-up has the finding");
        assert!(
            i.text
                .contains("Each of the 2 processes took 40.0 ms to start")
                && i.text.contains("18.9 MB of its own memory")
                && i.text.contains("ready after 50.0 ms, 33% of this run"),
            "{}",
            i.text
        );
        let s = speedup(&r, Some(&seq)).unwrap();
        assert!(
            s.text.starts_with("2 processes ran 1.33× faster than sequential: 67% parallel efficiency (speedup ÷ processes)"),
            "{}",
            s.text
        );
        let t = theory(&r, 100.0).unwrap();
        assert!(t.text.contains("process start-up"), "{}", t.text);
        assert!(processes(&run(Strategy::Threads, p, r.tasks.clone())).is_none());
    }
}
