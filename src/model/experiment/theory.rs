//! Theory: the makespan each strategy should have, from the parameters alone.
//!
//! Shown beside every measurement and labelled as theory. Exact for the simple cases the
//! articles quote (sequential = tasks × rounds × (io_ms + cpu_ms); async I/O ≈ io_ms; threads
//! I/O = ceil(tasks / threads) × io_ms; threads CPU ≈ tasks × cpu_ms / threads); for jitter and
//! mixed work it simulates the scheduler (an event loop, a FIFO pool) over the same
//! deterministic steps the executors run. Scheduling overheads, timer clamping and pool
//! start-up are not modelled: the difference from the measurement is the lesson.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::model::experiment::params::{Jitter, Params, Strategy, Workload};
use crate::model::experiment::workload::{Step, task_durations};

/// An expected makespan and how it was derived.
#[derive(Debug, Clone, PartialEq)]
pub struct Theory {
    pub makespan_ms: f64,
    /// The formula or model, in words and numbers.
    pub explanation: String,
}

/// Ordered f64 for the heaps (times are finite).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ms(f64);
impl Eq for Ms {}
impl PartialOrd for Ms {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ms {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

fn step_ms(s: &Step) -> (f64, f64) {
    match *s {
        Step::Wait { ms } => (ms, 0.0),
        Step::Compute { ms, .. } => (0.0, ms),
    }
}

/// A pool of `threads`: its simulated FIFO makespan (computations as if on their own cores),
/// and the total computation, in ms.
fn pool_bounds(p: &Params, threads: u32) -> (f64, f64) {
    (pool_queue(p, threads), cpu_total(p))
}

/// Every computation of the run, in ms.
fn cpu_total(p: &Params) -> f64 {
    task_durations(p)
        .flat_map(|s| s.into_iter().map(|x| step_ms(&x).1))
        .sum()
}

/// Every wait of the run, one after another, in ms: how long blocking waits hold the main
/// thread under the sequential and async strategies.
pub fn waits_total(p: &Params) -> f64 {
    task_durations(p)
        .flat_map(|s| s.into_iter().map(|x| step_ms(&x).0))
        .sum()
}

/// The longest task, its waits and computations one after another, in ms.
fn longest_task(p: &Params) -> f64 {
    task_durations(p)
        .map(|steps| {
            steps
                .iter()
                .map(|x| step_ms(x).0 + step_ms(x).1)
                .sum::<f64>()
        })
        .fold(0.0, f64::max)
}

/// The expected makespan of `strategy` on `params`, on a device with `cores` cores.
/// For threads, `threads` is the number of workers used.
pub fn expected(strategy: Strategy, p: &Params, cores: u32) -> Theory {
    let simple = p.jitter == Jitter::None || !p.workload.waits();
    let rounds = p.effective_rounds();
    let (io, cpu) = (
        if p.workload.waits() {
            f64::from(p.io_ms)
        } else {
            0.0
        },
        if p.workload.computes() {
            f64::from(p.cpu_ms)
        } else {
            0.0
        },
    );
    match strategy {
        Strategy::Sequential => {
            let total: f64 = task_durations(p)
                .flat_map(|s| s.into_iter().map(|x| step_ms(&x).0 + step_ms(&x).1))
                .sum();
            let explanation = if simple {
                format!(
                    "tasks × rounds × (io_ms + cpu_ms) = {} × {} × ({} + {}) ms",
                    p.tasks, rounds, io, cpu
                )
            } else {
                "the sum of every wait and computation".into()
            };
            Theory {
                makespan_ms: total,
                explanation,
            }
        }
        Strategy::Async => {
            let makespan = event_loop(p, 1);
            let explanation = match p.workload {
                Workload::Io if p.blocking_waits() && simple => format!(
                    "tasks × io_ms = {} × {io} ms: each blocking wait holds the event loop, one after another",
                    p.tasks
                ),
                Workload::Io | Workload::Mixed if p.blocking_waits() => {
                    "simulated event loop: blocking waits and computations hold the main thread, one at a time".into()
                }
                Workload::Io if simple => format!("io_ms = {io} ms: every wait overlaps"),
                Workload::Io => "the longest wait: every wait overlaps".into(),
                Workload::Cpu => format!("tasks × cpu_ms = {} × {} ms: computations take turns on the main thread", p.tasks, cpu),
                Workload::Mixed => "simulated event loop: waits overlap, computations take turns on the main thread".into(),
            };
            Theory {
                makespan_ms: makespan,
                explanation,
            }
        }
        Strategy::Executor => {
            let threads = p.threads.max(1);
            let parallel = threads.min(cores.max(1));
            let (makespan, explanation) = match p.workload {
                Workload::Io if p.blocking_waits() && simple => (
                    event_loop(p, threads),
                    format!(
                        "ceil(tasks / threads) × io_ms = ceil({} / {threads}) × {io} ms: each blocking wait holds one of the executor's threads",
                        p.tasks
                    ),
                ),
                Workload::Io | Workload::Mixed if p.blocking_waits() => (
                    event_loop(p, threads).max(cpu_total(p) / f64::from(parallel)),
                    format!(
                        "simulated executor of {threads} threads: blocking waits and computations each hold one, computations limited to {parallel} core{}",
                        if parallel == 1 { "" } else { "s" }
                    ),
                ),
                Workload::Io => (
                    event_loop(p, 1),
                    "the longest wait: every wait overlaps on the event loop".to_string(),
                ),
                Workload::Cpu => (
                    pool_queue(p, threads).max(cpu_total(p) / f64::from(parallel)),
                    format!(
                        "tasks × cpu_ms / threads ≈ {} × {} / {} ms: computations go to the executor's {} threads",
                        p.tasks, cpu, parallel, threads
                    ),
                ),
                Workload::Mixed => (
                    longest_task(p).max(cpu_total(p) / f64::from(parallel)),
                    format!(
                        "at least the longest task, and at least every computation spread over {parallel} executor thread{}",
                        if parallel == 1 { "" } else { "s" }
                    ),
                ),
            };
            Theory {
                makespan_ms: makespan,
                explanation,
            }
        }
        Strategy::Gil => {
            let threads = p.threads.max(1);
            let (queue, cpu_total) = pool_bounds(p, threads);
            let explanation = match p.workload {
                Workload::Io if simple => format!(
                    "ceil(tasks / threads) × io_ms = ceil({} / {}) × {} ms: waits release the GIL and overlap",
                    p.tasks, threads, io
                ),
                Workload::Cpu => format!(
                    "tasks × cpu_ms = {} × {} ms: one thread at a time holds the GIL, whatever the cores",
                    p.tasks, cpu
                ),
                _ => format!(
                    "at least the simulated FIFO pool of {threads} threads, and at least every computation one after another (the GIL)"
                ),
            };
            Theory {
                makespan_ms: queue.max(cpu_total),
                explanation,
            }
        }
        Strategy::Threads | Strategy::Processes => {
            let threads = p.threads.max(1);
            let parallel = threads.min(cores.max(1));
            let (queue, cpu_total) = pool_bounds(p, threads);
            let cpu_bound = cpu_total / f64::from(parallel);
            let makespan = queue.max(cpu_bound);
            let (noun, nouns) = (strategy.worker_noun(1), strategy.worker_noun(2));
            let explanation = match p.workload {
                Workload::Io if simple => format!(
                    "ceil(tasks / {nouns}) × io_ms = ceil({} / {}) × {} ms: a waiting task holds its {noun}",
                    p.tasks, threads, io
                ),
                Workload::Cpu if threads <= cores => {
                    format!(
                        "tasks × cpu_ms / {nouns} ≈ {} × {} / {} ms (FIFO pool)",
                        p.tasks, cpu, threads
                    )
                }
                Workload::Cpu => format!(
                    "tasks × cpu_ms / cores = {} × {} / {} ms: {} {nouns} share {} cores",
                    p.tasks, cpu, parallel, threads, cores
                ),
                _ => format!(
                    "simulated FIFO pool of {threads} {nouns}, computations limited to {parallel} core{}",
                    if parallel == 1 { "" } else { "s" }
                ),
            };
            let explanation = if strategy == Strategy::Processes {
                format!("{explanation}; plus the processes' start-up, measured apart")
            } else {
                explanation
            };
            Theory {
                makespan_ms: makespan,
                explanation,
            }
        }
    }
}

/// An event loop: every task starts at 0; awaited waits run concurrently (timers);
/// computations, and blocking waits, hold one of `threads` (the main thread, or the executor's
/// threads when blocking waits go there) and run in the order they become ready.
fn event_loop(p: &Params, threads: u32) -> f64 {
    let tasks: Vec<Vec<Step>> = task_durations(p).collect();
    let mut free: BinaryHeap<Reverse<Ms>> = (0..threads.max(1)).map(|_| Reverse(Ms(0.0))).collect();
    let mut hold = |at: f64, ms: f64| {
        let Reverse(Ms(first_free)) = free.pop().expect("threads >= 1");
        let end = at.max(first_free) + ms;
        free.push(Reverse(Ms(end)));
        end
    };
    let mut ready: BinaryHeap<Reverse<(Ms, u32, usize)>> = tasks
        .iter()
        .enumerate()
        .map(|(t, _)| Reverse((Ms(0.0), t as u32, 0usize)))
        .collect();
    let mut makespan = 0.0f64;
    while let Some(Reverse((Ms(at), t, i))) = ready.pop() {
        let steps = &tasks[t as usize];
        let Some(step) = steps.get(i) else {
            makespan = makespan.max(at);
            continue;
        };
        let next = match *step {
            Step::Wait { ms } if p.blocking_waits() => hold(at, ms),
            Step::Wait { ms } => at + ms,
            Step::Compute { ms, .. } => hold(at, ms),
        };
        ready.push(Reverse((Ms(next), t, i + 1)));
    }
    makespan
}

/// A FIFO pool of `threads` workers: each task goes to the first free worker and holds it for
/// all its steps (a blocking wait holds the thread).
fn pool_queue(p: &Params, threads: u32) -> f64 {
    let mut free: BinaryHeap<Reverse<Ms>> = (0..threads).map(|_| Reverse(Ms(0.0))).collect();
    let mut makespan = 0.0f64;
    for steps in task_durations(p) {
        let Reverse(Ms(start)) = free.pop().expect("threads >= 1");
        let end = start
            + steps
                .iter()
                .map(|s| step_ms(s).0 + step_ms(s).1)
                .sum::<f64>();
        makespan = makespan.max(end);
        free.push(Reverse(Ms(end)));
    }
    makespan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::experiment::params::Waits;

    fn io(tasks: u32, io_ms: u32, threads: u32) -> Params {
        Params {
            workload: Workload::Io,
            tasks,
            io_ms,
            threads,
            ..Params::default()
        }
    }

    #[test]
    fn processes_are_a_pool_like_threads_whose_start_up_is_measured_apart() {
        for workload in [Workload::Io, Workload::Cpu, Workload::Mixed] {
            let p = Params {
                workload,
                tasks: 10,
                threads: 4,
                ..Params::default()
            };
            let (thr, pro) = (
                expected(Strategy::Threads, &p, 2),
                expected(Strategy::Processes, &p, 2),
            );
            assert_eq!(pro.makespan_ms, thr.makespan_ms, "{workload:?}");
            assert!(
                pro.explanation
                    .ends_with("; plus the processes' start-up, measured apart"),
                "{}",
                pro.explanation
            );
        }
        let io = Params {
            workload: Workload::Io,
            tasks: 10,
            threads: 4,
            jitter: Jitter::None,
            ..Params::default()
        };
        assert!(
            expected(Strategy::Processes, &io, 2)
                .explanation
                .starts_with("ceil(tasks / processes) × io_ms = ceil(10 / 4) × 100 ms: a waiting task holds its process")
        );
    }

    #[test]
    fn blocking_waits_serialize_the_event_loop_and_hold_the_executors_threads() {
        let blocking = |workload, tasks, threads| Params {
            workload,
            tasks,
            io_ms: 100,
            cpu_ms: 10,
            threads,
            waits: Waits::Blocking,
            ..Params::default()
        };
        // The articles' `time.sleep` in `async def`: 10 waits of 100 ms, one after another.
        let p = blocking(Workload::Io, 10, 4);
        let a = expected(Strategy::Async, &p, 2);
        assert_eq!(a.makespan_ms, 1000.0);
        assert!(
            a.explanation.starts_with(
                "tasks × io_ms = 10 × 100 ms: each blocking wait holds the event loop"
            ),
            "{}",
            a.explanation
        );
        assert_eq!(expected(Strategy::Sequential, &p, 2).makespan_ms, 1000.0);
        // run_in_executor: 4 at a time on the executor's threads, whatever the cores.
        let e = expected(Strategy::Executor, &p, 2);
        assert_eq!(e.makespan_ms, 300.0);
        assert!(
            e.explanation
                .starts_with("ceil(tasks / threads) × io_ms = ceil(10 / 4) × 100 ms"),
            "{}",
            e.explanation
        );
        // Threads block on every wait anyway: the same theory either way.
        for s in [Strategy::Threads, Strategy::Gil, Strategy::Processes] {
            let awaited = Params {
                waits: Waits::Awaited,
                ..p
            };
            assert_eq!(expected(s, &p, 2), expected(s, &awaited, 2), "{s:?}");
        }
        // Mixed: 2 tasks of (100 ms blocking, 10 ms compute) on the event loop: 220 ms, not
        // 110; on an executor of 2 threads both overlap: 110 ms.
        let m = blocking(Workload::Mixed, 2, 2);
        assert_eq!(expected(Strategy::Async, &m, 2).makespan_ms, 220.0);
        assert_eq!(expected(Strategy::Executor, &m, 2).makespan_ms, 110.0);
        // A CPU workload has no waits: blocking changes nothing.
        let c = blocking(Workload::Cpu, 4, 2);
        let awaited = Params {
            waits: Waits::Awaited,
            ..c
        };
        for s in Strategy::ALL {
            assert_eq!(expected(s, &c, 2), expected(s, &awaited, 2), "{s:?}");
        }
        assert_eq!(waits_total(&p), 1000.0);
        assert_eq!(waits_total(&c), 0.0);
    }

    #[test]
    fn the_executor_overlaps_waits_like_async_and_computes_like_threads() {
        let cpu = Params {
            workload: Workload::Cpu,
            tasks: 8,
            cpu_ms: 50,
            threads: 2,
            ..Params::default()
        };
        assert_eq!(
            expected(Strategy::Executor, &cpu, 2).makespan_ms,
            expected(Strategy::Threads, &cpu, 2).makespan_ms
        );
        let p = io(50, 100, 2);
        assert_eq!(expected(Strategy::Executor, &p, 2).makespan_ms, 100.0);
        let mixed = Params {
            workload: Workload::Mixed,
            tasks: 4,
            io_ms: 100,
            cpu_ms: 10,
            rounds: 2,
            threads: 2,
            ..Params::default()
        };
        // Each task: 2 × (100 + 10) ms; the computations (80 ms) fit beside the waits.
        assert_eq!(expected(Strategy::Executor, &mixed, 2).makespan_ms, 220.0);
    }

    #[test]
    fn the_gil_serialises_computation_but_not_waits() {
        let cpu = Params {
            workload: Workload::Cpu,
            tasks: 8,
            cpu_ms: 50,
            threads: 4,
            ..Params::default()
        };
        // Four threads on four cores: plain threads 4x, the GIL 1x (sequential).
        assert_eq!(expected(Strategy::Threads, &cpu, 4).makespan_ms, 100.0);
        assert_eq!(expected(Strategy::Gil, &cpu, 4).makespan_ms, 400.0);
        assert_eq!(
            expected(Strategy::Gil, &cpu, 4).makespan_ms,
            expected(Strategy::Sequential, &cpu, 4).makespan_ms
        );
        // Waits release the GIL: I/O on threads overlaps as without it.
        let p = io(50, 100, 50);
        assert_eq!(expected(Strategy::Gil, &p, 2).makespan_ms, 100.0);
        let mixed = Params {
            workload: Workload::Mixed,
            rounds: 2,
            ..cpu
        };
        assert!(
            expected(Strategy::Gil, &mixed, 4).makespan_ms
                >= expected(Strategy::Threads, &mixed, 4).makespan_ms
        );
    }

    #[test]
    fn the_articles_experiment() {
        // 50 requests of 100 ms.
        let p = io(50, 100, 2);
        assert_eq!(expected(Strategy::Sequential, &p, 2).makespan_ms, 5000.0);
        assert_eq!(expected(Strategy::Async, &p, 2).makespan_ms, 100.0);
        assert_eq!(expected(Strategy::Threads, &p, 2).makespan_ms, 2500.0);
        let fifty = io(50, 100, 50);
        assert_eq!(
            expected(Strategy::Threads, &fifty, 2).makespan_ms,
            100.0,
            "blocked threads need no core"
        );
        assert!(
            expected(Strategy::Threads, &p, 2)
                .explanation
                .contains("ceil(50 / 2) × 100")
        );
    }

    #[test]
    fn threads_io_rounds_up() {
        assert_eq!(
            expected(Strategy::Threads, &io(5, 100, 2), 8).makespan_ms,
            300.0
        );
    }

    #[test]
    fn cpu_work_divides_by_usable_cores() {
        let p = Params {
            workload: Workload::Cpu,
            tasks: 40,
            cpu_ms: 10,
            threads: 4,
            ..Params::default()
        };
        assert_eq!(expected(Strategy::Sequential, &p, 8).makespan_ms, 400.0);
        assert_eq!(
            expected(Strategy::Async, &p, 8).makespan_ms,
            400.0,
            "one main thread"
        );
        assert_eq!(expected(Strategy::Threads, &p, 8).makespan_ms, 100.0);
        assert_eq!(
            expected(Strategy::Threads, &p, 2).makespan_ms,
            200.0,
            "4 threads on 2 cores"
        );
        assert!(
            expected(Strategy::Threads, &p, 2)
                .explanation
                .contains("share 2 cores")
        );
    }

    #[test]
    fn mixed_work_on_the_event_loop_overlaps_waits_only() {
        // 10 tasks × 2 rounds × (wait 100, compute 10).
        let p = Params {
            workload: Workload::Mixed,
            tasks: 10,
            rounds: 2,
            io_ms: 100,
            cpu_ms: 10,
            ..Params::default()
        };
        assert_eq!(expected(Strategy::Sequential, &p, 2).makespan_ms, 2200.0);
        // Round 1: all wait until 100, computations queue 100..200; each task's second wait
        // starts when its first computation ends, so the last ends at 200 + 100 + 10.
        assert_eq!(expected(Strategy::Async, &p, 2).makespan_ms, 310.0);
        // Two threads: five tasks each, 220 ms per task.
        assert_eq!(
            expected(Strategy::Threads, &Params { threads: 2, ..p }, 2).makespan_ms,
            1100.0
        );
    }

    #[test]
    fn jitter_is_simulated_from_the_same_steps() {
        let p = Params {
            jitter: Jitter::LongTail,
            ..io(200, 100, 4)
        };
        let longest = task_durations(&p)
            .map(|s| match s[0] {
                Step::Wait { ms } => ms,
                _ => 0.0,
            })
            .fold(0.0, f64::max);
        assert_eq!(expected(Strategy::Async, &p, 2).makespan_ms, longest);
        assert!(expected(Strategy::Threads, &p, 2).makespan_ms >= longest);
        assert_eq!(
            expected(Strategy::Async, &p, 2).explanation,
            "the longest wait: every wait overlaps"
        );
    }

    #[test]
    fn zero_cost_tasks_take_no_time() {
        let p = io(10, 0, 2);
        for s in Strategy::ALL {
            assert_eq!(expected(s, &p, 2).makespan_ms, 0.0);
        }
    }
}
