//! Memory per task and per thread: what the measurements mean, the figures they are set
//! beside, and the sentence that compares them.
//!
//! Two kinds of figure, kept apart wherever the browser lets us tell them apart:
//! - **held** (resident): bytes actually written and kept, such as a pending task's future
//!   on the heap (the counting allocator's live bytes), or a worker's JS heap (the browser's
//!   `performance.measureUserAgentSpecificMemory()`);
//! - **reserved**: address space set aside whether touched or not, such as a worker's stack
//!   in the shared wasm memory, or a thread's 8 MB stack in CPython's process.
//!
//! Every figure here is measured in the visitor's browser, set by our build (and checked by a
//! test), or quoted from the articles or from CPython, and labelled so.

use crate::model::experiment::params::{Params, Strategy, TASKS_MAX_IO, parse_bounded};
use crate::model::format;
use crate::model::run::record::{Segment, TaskRecord};

/// The task counts of a sweep: decades from 1 to the most concurrent waits a run may have.
pub const SWEEP: [u32; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/// The task count the verdict prefers (the articles' and CPython's figures are for 10,000).
pub const HEADLINE_TASKS: u32 = 10_000;

/// Where the page's CPython figures come from: a reference run, not the visitor's machine.
/// A macro, so that the claims' static texts can quote it (`concat!`).
macro_rules! cpython_reference {
    () => {
        "CPython 3.11.7 (reference run: Linux x86-64, 2 cores, November 2026)"
    };
}
pub(crate) use cpython_reference;

/// The same label, as a constant for the UI.
pub const CPYTHON_REFERENCE: &str = cpython_reference!();

/// The reference run of CPython: 12.4 MB for 10,000 sleeping coroutines.
pub const CPYTHON_COROUTINE_BYTES: f64 = 12.4e6 / 10_000.0;

/// The bench's target: ten times less than CPython's sleeping coroutine.
pub const TARGET_BYTES_PER_TASK: f64 = 124.0;

/// What a run of async tasks holds for each task while they are pending, besides its record:
/// its future in the set's slice, its waker, its timer's slot and deadline (the bench's
/// `bytes_per_async_strategy_task`: 274 on Chromium 156, 2026-12-07), with room to spare.
pub const WORKING_BYTES_PER_TASK: u64 = 320;

/// The allocator's own bytes beside each allocation (dlmalloc's header, on wasm32).
const ALLOC_HEADER_BYTES: u64 = 8;

/// The most one run may hold, bytes. The threaded build's wasm memory may grow to 1 GiB and
/// never shrinks: the page, its workers' stacks and the newest kept records have the rest
/// (the records of older runs give way before a run, `store::history`).
pub const RUN_BYTES_MAX: u64 = 640 << 20;

/// What a run will hold at its peak, estimated from its parameters before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunEstimate {
    /// What it holds only while it runs, bytes: its tasks' state (async tasks are all
    /// pending at once), and a batch of records on its way to the rest.
    pub working: u64,
    /// Its task records, kept after it, bytes.
    pub records: u64,
}

impl RunEstimate {
    pub fn total(self) -> u64 {
        self.working + self.records
    }
}

/// The segments a task of `p` records: a wait each, and each computation as it is cut
/// (slices of `yield_every_ms` on the event loop, the GIL's turns, the executor's wait, run,
/// wait).
fn segments_per_task(p: &Params) -> u64 {
    let rounds = u64::from(p.effective_rounds());
    let per_ms = |every: u32| u64::from(p.cpu_ms.div_ceil(every.max(1))).max(1);
    let per_compute = match p.strategy {
        Strategy::Sequential | Strategy::Async if p.yield_every_ms > 0 => per_ms(p.yield_every_ms),
        Strategy::Executor => 3,
        Strategy::Gil => 2 * per_ms(p.switch_ms),
        _ => 1,
    };
    let per_wait = if p.strategy == Strategy::Executor && p.blocking_waits() {
        3
    } else {
        1
    };
    rounds
        * (u64::from(p.workload.waits()) * per_wait
            + u64::from(p.workload.computes()) * per_compute)
}

/// What a run of `p` will hold: its records (one per task, with its segments) and, for the
/// strategies that start every task at once on the event loop, their pending state.
pub fn estimate(p: &Params) -> RunEstimate {
    let tasks = u64::from(p.tasks);
    let record = size_of::<TaskRecord>() as u64 + ALLOC_HEADER_BYTES;
    let segments = segments_per_task(p) * size_of::<Segment>() as u64 + ALLOC_HEADER_BYTES;
    let pending = match p.strategy {
        Strategy::Async | Strategy::Executor => WORKING_BYTES_PER_TASK,
        _ => 0,
    };
    let working = tasks * (pending + size_of::<TaskRecord>() as u64);
    RunEstimate {
        working,
        records: tasks * (record + segments),
    }
}

/// Whether a run of `p` fits in what one run may hold.
///
/// # Errors
/// Before it starts: what it would hold and the bound.
pub fn run_fits(p: &Params) -> Result<(), String> {
    let e = estimate(p);
    if e.total() <= RUN_BYTES_MAX {
        return Ok(());
    }
    Err(format!(
        "it would hold about {} of memory (estimate: {} of records, {} while it runs), over the {} one run may hold in this page",
        format::bytes(e.total() as f64),
        format::bytes(e.records as f64),
        format::bytes(e.working as f64),
        format::bytes(RUN_BYTES_MAX as f64)
    ))
}

/// Parses the memory panel's task count: 1 to the I/O bound (1,000,000).
///
/// # Errors
/// A message for the person who typed `text`.
pub fn parse_tasks(text: &str) -> Result<u32, String> {
    parse_bounded(text, 1, TASKS_MAX_IO).map(|n| n as u32)
}

/// What the heap holds at one moment: the counting allocator's live bytes and allocations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Heap {
    pub bytes: u64,
    pub allocs: u64,
}

impl Heap {
    /// Bytes held now beyond `earlier` (negative when less is held).
    pub fn since(self, earlier: Heap) -> f64 {
        self.bytes as f64 - earlier.bytes as f64
    }
}

/// One part of what the runtime holds for each pending task, from `size_of` (the allocator
/// sees each part as one block for every task, so it cannot tell them apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub what: &'static str,
    pub bytes: usize,
}

/// One measurement: `tasks` tasks that each await one sleep on the async strategy's
/// scheduler and timer, sampled before they start, while every one is pending, once every
/// one has finished (their records still held), and after the records are dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskMemory {
    pub tasks: u32,
    pub before: Heap,
    pub pending: Heap,
    pub finished: Heap,
    pub after: Heap,
    /// The wasm memory's size (committed; it never shrinks) before and while pending.
    pub memory_before: u64,
    pub memory_pending: u64,
    /// From the first spawn until every task was pending, and the whole measurement, ms.
    pub spawn_ms: f64,
    pub total_ms: f64,
    /// What each pending task holds, by part (from `size_of`).
    pub parts: Vec<Part>,
}

impl TaskMemory {
    /// Heap bytes per pending task: everything the runtime held for them, divided by their
    /// number (at small counts this includes the set's own fixed cost).
    pub fn bytes_per_task(&self) -> f64 {
        self.pending.since(self.before) / f64::from(self.tasks.max(1))
    }

    /// Allocations per pending task (the set allocates a few blocks for all of them).
    pub fn allocs_per_task(&self) -> f64 {
        (self.pending.allocs as f64 - self.before.allocs as f64) / f64::from(self.tasks.max(1))
    }

    /// The parts' sum per task, from `size_of`: what the heap figure holds beyond it is
    /// growth slack (buffers double) and fixed costs.
    pub fn parts_bytes(&self) -> usize {
        self.parts.iter().map(|p| p.bytes).sum()
    }

    /// Heap bytes per finished task's record (counted apart: they outlive the tasks).
    pub fn record_bytes_per_task(&self) -> f64 {
        self.finished.since(self.before) / f64::from(self.tasks.max(1))
    }

    /// Bytes still held once tasks and records are gone (0 unless something leaked, or
    /// something else on the page allocated meanwhile).
    pub fn leftover_bytes(&self) -> f64 {
        self.after.since(self.before)
    }

    /// Growth of the wasm memory while the tasks were pending (0 while the heap had room).
    pub fn memory_growth(&self) -> u64 {
        self.memory_pending.saturating_sub(self.memory_before)
    }
}

/// The measurement the verdict speaks of: the one nearest [`HEADLINE_TASKS`] on a log scale
/// (the larger on a tie).
pub fn headline(measured: &[TaskMemory]) -> Option<&TaskMemory> {
    let distance = |m: &TaskMemory| {
        (f64::from(m.tasks.max(1)) / f64::from(HEADLINE_TASKS))
            .log10()
            .abs()
    };
    measured.iter().min_by(|a, b| {
        distance(a)
            .total_cmp(&distance(b))
            .then(b.tasks.cmp(&a.tasks))
    })
}

/// One sentence comparing pending async tasks here with CPython's sleeping coroutines.
pub fn verdict(m: &TaskMemory) -> String {
    let each = m.bytes_per_task();
    let total = m.pending.since(m.before);
    let ratio = CPYTHON_COROUTINE_BYTES / each;
    let comparison = if each <= 0.0 {
        "too little to see against CPython's".to_string()
    } else if ratio >= 1.0 {
        format!("{} less than CPython's", times_short(ratio))
    } else {
        format!("{} more than CPython's", times_short(1.0 / ratio))
    };
    format!(
        "{} pending async tasks held {} here ({} each), {} {} per sleeping coroutine.",
        format::count(u64::from(m.tasks)),
        format::bytes(total),
        format::bytes(each),
        comparison,
        format::bytes(CPYTHON_COROUTINE_BYTES)
    )
}

/// `13x`, `1.5x`: a ratio in a sentence.
fn times_short(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.0}x")
    } else {
        format!("{r:.1}x")
    }
}

/// What the browser reported through `performance.measureUserAgentSpecificMemory()`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BrowserMemory {
    /// Everything the page's agent holds, bytes.
    pub total: u64,
    /// Bytes attributed to each of the pool's workers the browser listed. A worker blocked
    /// in its thread (as ours wait for jobs) never answers, so Chromium leaves it out, after
    /// waiting 60 s for it.
    pub pool_workers: Vec<u64>,
    /// Bytes attributed to an idle worker started for the measurement (one that does answer).
    pub idle_worker: Option<u64>,
    /// How long the browser took, ms.
    pub took_ms: f64,
}

/// The pool's threads: what the browser says a worker holds, and what our build reserves for
/// each.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadMemory {
    /// Workers in the pool when measured.
    pub workers: u32,
    /// The browser's measurement, or why there is none (the API is Chromium's, and only on
    /// a cross-origin isolated page).
    pub browser: Result<BrowserMemory, String>,
    /// The wasm stack each worker thread allocates in the shared memory when it starts.
    pub stack_bytes: u64,
}

impl ThreadMemory {
    /// The browser's figure per worker: the mean over the pool's workers it listed, else the
    /// idle worker's; and which of the two it is.
    pub fn held_per_worker(&self) -> Result<(f64, &'static str), String> {
        let b = self.browser.as_ref().map_err(Clone::clone)?;
        if !b.pool_workers.is_empty() {
            let mean = b.pool_workers.iter().sum::<u64>() as f64 / b.pool_workers.len() as f64;
            return Ok((mean, "the pool's workers"));
        }
        match b.idle_worker {
            Some(bytes) => Ok((
                bytes as f64,
                "an idle Web Worker: the pool's, blocked in their threads, cannot answer it",
            )),
            None => Err("the browser listed no worker in its measurement".into()),
        }
    }
}

/// Where a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Measured in this browser.
    Measured,
    /// Our build's setting (checked by a test).
    Build,
    /// The articles' figure.
    Articles,
    /// CPython's reference run ([`CPYTHON_REFERENCE`]), measured with `tracemalloc` and `/proc`.
    CPython,
    /// Not measured until a run makes it (processes: their memory is measured as they start).
    NotRun,
}

impl Source {
    /// The variant's name in lower case, for the table's `data-source` attribute.
    pub fn key(self) -> &'static str {
        match self {
            Source::Measured => "measured",
            Source::Build => "build",
            Source::Articles => "articles",
            Source::CPython => "cpython",
            Source::NotRun => "notrun",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Source::Measured => "measured here",
            Source::Build => "our build's setting",
            Source::Articles => "the articles' figure",
            Source::CPython => CPYTHON_REFERENCE,
            Source::NotRun => "measured by a Processes run",
        }
    }
}

/// One cell: a size, a range of sizes, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    Bytes(f64),
    Range(f64, f64),
    Missing(String),
    /// Does not apply to this row.
    None,
}

impl Figure {
    /// For people: `94 B`, `0.90–1.00 KB`, or the reason.
    pub fn text(&self) -> String {
        match self {
            Figure::Bytes(b) => format::bytes(*b),
            Figure::Range(a, b) => format!("{}–{}", format::bytes(*a), format::bytes(*b)),
            Figure::Missing(why) => why.clone(),
            Figure::None => "—".into(),
        }
    }

    /// A plain number for tests and the bench (the middle of a range), if there is one.
    pub fn value(&self) -> Option<f64> {
        match self {
            Figure::Bytes(b) => Some(*b),
            Figure::Range(a, b) => Some((a + b) / 2.0),
            Figure::Missing(_) | Figure::None => None,
        }
    }
}

/// One row of the memory table: per what, held and reserved, and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Stable key (the page's `data-testid` is `memory-row-{key}`).
    pub key: &'static str,
    pub what: String,
    pub held: Figure,
    pub reserved: Figure,
    pub source: Source,
}

fn row(key: &'static str, what: &str, held: Figure, reserved: Figure, source: Source) -> Row {
    Row {
        key,
        what: what.into(),
        held,
        reserved,
        source,
    }
}

/// What the page has measured so far, for the table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Measured<'a> {
    /// Tasks that each await one sleep (as CPython's sleeping coroutines).
    pub tasks: &'a [TaskMemory],
    /// Tasks of the Async strategy, as a run holds them.
    pub strategy_tasks: &'a [TaskMemory],
    pub threads: Option<&'a ThreadMemory>,
    /// The wasm memory a process's own instance had when it was ready (the median over the
    /// latest Processes run's processes), bytes.
    pub process_wasm_bytes: Option<f64>,
}

/// The table: our measured rows, then the articles' and CPython's figures beside them.
pub fn rows(m: Measured<'_>) -> Vec<Row> {
    let not_yet = || Figure::Missing("not measured yet".into());
    let task = headline(m.tasks);
    let (task_what, task_held, record_held) = match task {
        Some(t) => (
            format!(
                "async task awaiting a sleep, pending (of {})",
                format::count(u64::from(t.tasks))
            ),
            Figure::Bytes(t.bytes_per_task()),
            Figure::Bytes(t.record_bytes_per_task()),
        ),
        None => (
            "async task awaiting a sleep, pending".into(),
            not_yet(),
            not_yet(),
        ),
    };
    let strategy_task = match headline(m.strategy_tasks) {
        Some(t) => (
            format!(
                "task of the Async strategy, pending (of {}; its recorder, steps and kernel ride in its future)",
                format::count(u64::from(t.tasks))
            ),
            Figure::Bytes(t.bytes_per_task()),
        ),
        None => (
            "task of the Async strategy, pending (its recorder, steps and kernel ride in its future)"
                .into(),
            not_yet(),
        ),
    };
    let (worker_held, worker_reserved) = match m.threads {
        Some(t) => (
            t.held_per_worker()
                .map_or_else(Figure::Missing, |(b, _)| Figure::Bytes(b)),
            Figure::Bytes(t.stack_bytes as f64),
        ),
        None => (not_yet(), Figure::None),
    };
    let process_held = m.process_wasm_bytes.map_or_else(
        || Figure::Missing("run the Processes strategy".into()),
        Figure::Bytes,
    );
    vec![
        row(
            "async-task",
            &task_what,
            task_held,
            Figure::None,
            Source::Measured,
        ),
        row(
            "async-record",
            "record of a finished async task (counted apart)",
            record_held,
            Figure::None,
            Source::Measured,
        ),
        row(
            "strategy-task",
            &strategy_task.0,
            strategy_task.1,
            Figure::None,
            Source::Measured,
        ),
        row(
            "worker",
            "Web Worker thread (its JS heap held; its wasm stack reserved)",
            worker_held,
            worker_reserved,
            if m.threads.is_some() {
                Source::Measured
            } else {
                Source::Build
            },
        ),
        row(
            "process",
            "process: the wasm memory of its own instance, at start-up (plus a worker's JS heap)",
            process_held,
            Figure::None,
            if m.process_wasm_bytes.is_some() {
                Source::Measured
            } else {
                Source::NotRun
            },
        ),
        row(
            "articles-coroutine",
            "coroutine (10,000 coroutines ≈ 10 MB)",
            Figure::Bytes(1_000.0),
            Figure::None,
            Source::Articles,
        ),
        row(
            "articles-thread",
            "thread (≈ 8 MB each)",
            Figure::None,
            Figure::Bytes(8e6),
            Source::Articles,
        ),
        row(
            "cpython-coroutine",
            "sleeping coroutine (12.4 MB for 10,000)",
            Figure::Bytes(CPYTHON_COROUTINE_BYTES),
            Figure::None,
            Source::CPython,
        ),
        row(
            "cpython-task",
            "asyncio task waiting on an event",
            Figure::Range(900.0, 1_000.0),
            Figure::None,
            Source::CPython,
        ),
        row(
            "cpython-thread",
            "blocked thread (virtual memory reserved, resident)",
            Figure::Bytes(16.6e3),
            Figure::Bytes(9.4e6),
            Source::CPython,
        ),
    ]
}

/// One sentence on threads: what a worker here holds and reserves, against the articles'
/// 8 MB and CPython's 9.4 MB reserved / 16.6 KB resident.
pub fn thread_verdict(t: &ThreadMemory) -> String {
    let reserved = format::bytes(t.stack_bytes as f64);
    let held = match t.held_per_worker() {
        Ok((b, whose)) => format!(
            "holds {} of JS heap (the browser's measurement of {whose})",
            format::bytes(b)
        ),
        Err(why) => format!("what it holds is not measurable here ({why})"),
    };
    format!(
        "A Web Worker thread here reserves {reserved} of wasm stack in the shared memory and \
         {held}; the articles' \"8 MB per thread\" is reserved address space, not memory used \
         ({CPYTHON_REFERENCE}: 9.4 MB reserved, 16.6 KB resident per blocked thread)."
    )
}

/// What a kept run's task records hold (counted from their capacities: `detail_bytes`).
pub fn records_note(tasks: usize, bytes: usize) -> String {
    format!(
        "The last run keeps {} task records in {} ({} per task, counted from their capacities).",
        format::count(tasks as u64),
        format::bytes(bytes as f64),
        format::bytes(bytes as f64 / tasks.max(1) as f64)
    )
}

/// How the browser's measurement went, when it had one: how long it took and whom it left out.
pub fn browser_note(t: &ThreadMemory) -> Option<String> {
    let b = t.browser.as_ref().ok()?;
    let left_out = (t.workers as usize).saturating_sub(b.pool_workers.len());
    Some(format!(
        "The browser measured in {}{}; everything the page's agent holds: {}.",
        format::ms(b.took_ms),
        if left_out > 0 {
            format!(
                ", leaving out {left_out} of the pool's {} workers (blocked in their threads, they never answered)",
                t.workers
            )
        } else {
            String::new()
        },
        format::bytes(b.total as f64)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::experiment::params::arb::arb_params;
    use crate::model::experiment::params::{Strategy, Waits, Workload};
    use proptest::prelude::{prop_assert_eq, prop_assume, proptest};

    #[test]
    fn a_million_waits_are_estimated_from_their_parts_and_fit() {
        let p = Params {
            tasks: 1_000_000,
            ..Params::default()
        };
        let e = estimate(&p);
        assert_eq!(
            e.working,
            1_000_000 * (320 + size_of::<TaskRecord>() as u64)
        );
        let per_record = (size_of::<TaskRecord>() + size_of::<Segment>()) as u64 + 16;
        assert_eq!(e.records, 1_000_000 * per_record);
        assert_eq!(run_fits(&p), Ok(()));
        // Threads hold no pending futures; the executor's blocking waits are three segments.
        let threads = Params {
            strategy: Strategy::Threads,
            ..p
        };
        assert_eq!(
            estimate(&threads).working,
            1_000_000 * size_of::<TaskRecord>() as u64
        );
        let blocking = Params {
            strategy: Strategy::Executor,
            waits: Waits::Blocking,
            ..p
        };
        assert!(estimate(&blocking).records > e.records);
    }

    #[test]
    fn computations_count_the_slices_they_are_cut_into() {
        let p = Params {
            workload: Workload::Mixed,
            tasks: 10,
            rounds: 2,
            cpu_ms: 20,
            yield_every_ms: 5,
            switch_ms: 5,
            ..Params::default()
        };
        let seg = |strategy| segments_per_task(&Params { strategy, ..p });
        assert_eq!(seg(Strategy::Async), 2 * (1 + 4));
        assert_eq!(seg(Strategy::Gil), 2 * (1 + 8));
        assert_eq!(seg(Strategy::Executor), 2 * (1 + 3));
        assert_eq!(seg(Strategy::Threads), 2 * (1 + 1));
        let never = Params {
            yield_every_ms: 0,
            strategy: Strategy::Async,
            ..p
        };
        assert_eq!(segments_per_task(&never), 2 * 2);
    }

    #[test]
    fn a_run_over_the_bound_is_refused_with_what_it_would_hold() {
        // More tasks than the form allows, as only a bug could ask for.
        let p = Params {
            tasks: 3_000_000,
            ..Params::default()
        };
        let why = run_fits(&p).unwrap_err();
        assert!(why.starts_with("it would hold about 1."), "{why}");
        assert!(why.contains("GB of memory (estimate: "), "{why}");
        assert!(
            why.ends_with("over the 671 MB one run may hold in this page"),
            "{why}"
        );
    }

    proptest! {
        /// Whatever the form accepts fits: the bound refuses only what a bug could ask for.
        #[test]
        fn every_run_the_form_accepts_fits(p in arb_params()) {
            prop_assume!(p.validate().is_empty());
            prop_assert_eq!(run_fits(&p), Ok(()));
        }
    }

    fn heap(bytes: u64, allocs: u64) -> Heap {
        Heap { bytes, allocs }
    }

    fn measured(tasks: u32, per_task: u64) -> TaskMemory {
        let base = 1_000_000;
        TaskMemory {
            tasks,
            before: heap(base, 100),
            pending: heap(base + per_task * u64::from(tasks), 107),
            finished: heap(base + 96 * u64::from(tasks), 100 + u64::from(tasks)),
            after: heap(base, 100),
            memory_before: 16 << 20,
            memory_pending: 20 << 20,
            spawn_ms: 3.0,
            total_ms: 120.0,
            parts: vec![
                Part {
                    what: "future",
                    bytes: 24,
                },
                Part {
                    what: "timer slot",
                    bytes: 16,
                },
            ],
        }
    }

    #[test]
    fn bytes_per_task_is_the_pending_growth_over_the_count() {
        let m = measured(10_000, 94);
        assert_eq!(m.bytes_per_task(), 94.0);
        assert_eq!(m.record_bytes_per_task(), 96.0);
        assert_eq!(m.leftover_bytes(), 0.0);
        assert_eq!(m.parts_bytes(), 40);
        assert!((m.allocs_per_task() - 0.0007).abs() < 1e-12);
        assert_eq!(m.memory_growth(), 4 << 20);
        let shrank = TaskMemory {
            after: heap(999_000, 100),
            ..m
        };
        assert_eq!(shrank.leftover_bytes(), -1_000.0);
    }

    #[test]
    fn the_verdict_speaks_of_the_run_nearest_ten_thousand() {
        let all = [
            measured(100, 300),
            measured(1_000_000, 80),
            measured(10_000, 94),
        ];
        assert_eq!(headline(&all).unwrap().tasks, 10_000);
        assert_eq!(
            verdict(headline(&all).unwrap()),
            "10,000 pending async tasks held 940 KB here (94 B each), 13x less than CPython's \
             1.24 KB per sleeping coroutine."
        );
        let tie = [measured(1_000, 90), measured(100_000, 85)];
        assert_eq!(
            headline(&tie).unwrap().tasks,
            100_000,
            "the larger on a tie"
        );
        assert!(headline(&[]).is_none());
    }

    #[test]
    fn a_heavier_task_than_cpythons_says_so() {
        let v = verdict(&measured(10, 2_480));
        assert!(v.contains("2.0x more than CPython's"), "{v}");
    }

    #[test]
    fn the_table_keeps_measured_and_quoted_figures_apart() {
        let tasks = [measured(10_000, 94)];
        let threads = ThreadMemory {
            workers: 2,
            browser: Ok(BrowserMemory {
                total: 10_000_000,
                pool_workers: vec![600_000, 800_000],
                idle_worker: Some(270_000),
                took_ms: 60_000.0,
            }),
            stack_bytes: 2 << 20,
        };
        let strategy = [measured(10_000, 300)];
        let rows = rows(Measured {
            tasks: &tasks,
            strategy_tasks: &strategy,
            threads: Some(&threads),
            process_wasm_bytes: Some(1_376_256.0),
        });
        let get = |k: &str| rows.iter().find(|r| r.key == k).unwrap();
        assert_eq!(get("async-task").held, Figure::Bytes(94.0));
        assert_eq!(get("async-record").held, Figure::Bytes(96.0));
        assert_eq!(get("strategy-task").held, Figure::Bytes(300.0));
        assert_eq!(get("worker").held, Figure::Bytes(700_000.0));
        assert_eq!(get("worker").reserved, Figure::Bytes(2_097_152.0));
        assert_eq!(get("worker").source, Source::Measured);
        assert_eq!(get("process").held.text(), "1.38 MB");
        assert_eq!(get("process").source, Source::Measured);
        assert_eq!(get("cpython-coroutine").held.text(), "1.24 KB");
        assert_eq!(get("cpython-task").held.text(), "900 B–1.00 KB");
        assert_eq!(get("cpython-thread").reserved.text(), "9.40 MB");
        assert_eq!(get("articles-thread").reserved.value(), Some(8e6));
        assert!(
            rows.iter()
                .all(|r| r.key != "worker" || r.held.value().is_some())
        );
    }

    #[test]
    fn without_measurements_the_table_says_what_is_missing() {
        let rows = rows(Measured::default());
        let worker = rows.iter().find(|r| r.key == "worker").unwrap();
        assert!(matches!(worker.held, Figure::Missing(_)));
        assert_eq!(worker.source, Source::Build);
        let process = rows.iter().find(|r| r.key == "process").unwrap();
        assert_eq!(process.held.text(), "run the Processes strategy");
        assert_eq!(process.source, Source::NotRun);
        assert!(
            rows.iter()
                .find(|r| r.key == "async-task")
                .unwrap()
                .held
                .value()
                .is_none()
        );
    }

    #[test]
    fn a_browser_without_the_api_says_why() {
        let t = ThreadMemory {
            workers: 2,
            browser: Err("the page is not cross-origin isolated".into()),
            stack_bytes: 2 << 20,
        };
        assert!(t.held_per_worker().unwrap_err().contains("isolated"));
        let v = thread_verdict(&t);
        assert!(
            v.contains("2.10 MB") && v.contains("not measurable here"),
            "{v}"
        );
        let empty = ThreadMemory {
            browser: Ok(BrowserMemory::default()),
            ..t
        };
        assert!(empty.held_per_worker().unwrap_err().contains("no worker"));
    }

    #[test]
    fn blocked_pool_workers_leave_the_idle_workers_figure() {
        let t = ThreadMemory {
            workers: 2,
            browser: Ok(BrowserMemory {
                total: 18_000_000,
                pool_workers: Vec::new(),
                idle_worker: Some(269_664),
                took_ms: 60_010.0,
            }),
            stack_bytes: 2 << 20,
        };
        let (bytes, whose) = t.held_per_worker().unwrap();
        assert_eq!(bytes, 269_664.0);
        assert!(whose.contains("idle"), "{whose}");
        assert!(thread_verdict(&t).contains("holds 270 KB of JS heap"));
        assert_eq!(
            browser_note(&t).unwrap(),
            "The browser measured in 60.01 s, leaving out 2 of the pool's 2 workers (blocked in \
             their threads, they never answered); everything the page's agent holds: 18.0 MB."
        );
    }

    #[test]
    fn kept_records_are_counted_per_task() {
        assert_eq!(
            records_note(1_000_000, 96_000_000),
            "The last run keeps 1,000,000 task records in 96.0 MB (96 B per task, counted from \
             their capacities)."
        );
    }

    #[test]
    fn the_sweep_and_the_field_share_the_io_bound() {
        assert_eq!(u64::from(*SWEEP.last().unwrap()), TASKS_MAX_IO);
        assert_eq!(parse_tasks("1,000,000"), Ok(1_000_000));
        assert_eq!(parse_tasks("1e4"), Ok(10_000));
        assert!(parse_tasks("0").unwrap_err().contains("1 to 1,000,000"));
        assert!(parse_tasks("2000000").is_err());
        assert!(parse_tasks("many").unwrap_err().contains("not a number"));
    }
}
