//! Executors: run a [`Plan`] under a strategy and measure it.
//!
//! Every executor emits one [`TaskRecord`] per finished task into the run's channel;
//! [`run`] drains it once per tick (never one update per task), reports progress, and
//! assembles the [`RunRecord`] with the main thread's responsiveness over the run.
//!
//! - Sequential: one task after another on the main thread; waits are awaited; the event loop
//!   gets a turn between tasks.
//! - Async: every task spawned with `spawn_local`; waits overlap; computations run on the main
//!   thread in slices of `yield_every_ms`, yielding between slices (0: never yield).
//! - Threads: see [`super::threads`].

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use futures_channel::mpsc::{UnboundedReceiver, UnboundedSender, unbounded};
use wasm_bindgen_futures::spawn_local;

use super::clock::now_ms;
use super::probe::{self, PROBE_INTERVAL_MS};
use super::threads;
use super::timer::{sleep, yield_now};
use crate::model::kernel::{Calibration, Kernel, calibrate};
use crate::model::params::Strategy;
use crate::model::record::{Lane, RunRecord, SegmentKind, TaskRecord, TaskRecorder};
use crate::model::timeline::OpenTask;
use crate::model::workload::{Plan, Step};

/// How often [`run`] collects records and reports progress, in ms.
const TICK_MS: f64 = 16.0;
/// How often progress is reported to the page while a run goes, in ms. Every repaint costs
/// CPU that worker threads would otherwise get (measured on 2 cores: repainting at 60 Hz cost
/// the threads strategy about 10% of its parallel efficiency), so the page repaints at 10 Hz.
const REPORT_MS: f64 = 100.0;
/// How long a cancelled threads run may take to let its workers go, in ms.
const CANCEL_GRACE_MS: f64 = 1000.0;

/// Asks a run to stop; executors check it between steps and slices.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// Requests cancellation.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// Whether cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// State one run's executor shares with [`run`] (and, for threads, with every worker).
#[derive(Debug)]
pub struct RunShared {
    /// The run's start on the shared clock: every record is relative to it.
    pub origin_ms: f64,
    pub cancel: CancelToken,
    /// Whether executors announce task starts (for the live timeline).
    pub report_starts: bool,
    done: AtomicU32,
    finished: AtomicBool,
    tx: UnboundedSender<RunEvent>,
}

/// What executors tell the run as tasks go.
#[derive(Debug)]
pub enum RunEvent {
    Started(OpenTask),
    Finished(TaskRecord),
}

impl RunShared {
    fn new(cancel: CancelToken, report_starts: bool) -> (Arc<Self>, UnboundedReceiver<RunEvent>) {
        let (tx, rx) = unbounded();
        let shared = RunShared {
            origin_ms: now_ms(),
            cancel,
            report_starts,
            done: AtomicU32::new(0),
            finished: AtomicBool::new(false),
            tx,
        };
        (Arc::new(shared), rx)
    }

    /// Announces that `task` started on `lane` at `at_ms` (absolute), if starts are reported.
    pub fn started(&self, task: u32, lane: Lane, at_ms: f64) {
        if self.report_starts {
            let start_ms = at_ms - self.origin_ms;
            let _ = self.tx.unbounded_send(RunEvent::Started(OpenTask {
                task,
                lane,
                start_ms,
            }));
        }
    }

    /// Hands a finished task's record to the run.
    pub fn emit(&self, record: TaskRecord) {
        // A run that stopped listening (cancelled) has no one to tell: dropping is right.
        let _ = self.tx.unbounded_send(RunEvent::Finished(record));
        self.done.fetch_add(1, Ordering::AcqRel);
    }

    /// Marks the executor as done: no more records will come.
    pub fn finish(&self) {
        self.finished.store(true, Ordering::Release);
    }

    fn is_finished(&self) -> bool {
        self.finished.load(Ordering::Acquire)
    }
}

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct RunRequest {
    pub strategy: Strategy,
    pub plan: Plan,
    /// Logical cores, for the record.
    pub cores: u32,
    /// Announce task starts (costs a message per task; the live timeline needs them).
    pub report_starts: bool,
}

/// Progress of a run, reported at most once per tick.
#[derive(Debug)]
pub struct Progress<'a> {
    pub done: u32,
    pub total: u32,
    /// Records that arrived since the last report.
    pub new_records: &'a [TaskRecord],
    /// Tasks that started since the last report (when starts are reported).
    pub new_started: &'a [OpenTask],
    /// Time since the run started, ms.
    pub elapsed_ms: f64,
}

/// Runs one experiment and measures it.
///
/// # Errors
/// When the strategy cannot run here (threads without a pool, or more threads than workers).
pub async fn run(
    req: RunRequest,
    cancel: CancelToken,
    mut on_progress: impl FnMut(Progress<'_>),
) -> Result<RunRecord, String> {
    let total = req.plan.tasks();
    let threads_used = if req.strategy == Strategy::Threads {
        req.plan.params.threads
    } else {
        1
    };
    let pool_size = threads::pool_size().unwrap_or(0);
    let (shared, mut rx) = RunShared::new(cancel.clone(), req.report_starts);
    match req.strategy {
        Strategy::Sequential => start_sequential(Rc::new(req.plan), shared.clone()),
        Strategy::Async => start_async(Rc::new(req.plan), shared.clone()),
        Strategy::Threads => threads::start(Arc::new(req.plan), shared.clone(), threads_used)?,
    }

    let mut records: Vec<TaskRecord> = Vec::with_capacity(total as usize);
    let mut started: Vec<OpenTask> = Vec::new();
    let mut reported_started = 0;
    let mut cancel_seen: Option<f64> = None;
    let mut reported = 0;
    let mut last_report = shared.origin_ms;
    loop {
        sleep(TICK_MS).await;
        let finished = shared.is_finished();
        while let Ok(event) = rx.try_recv() {
            match event {
                RunEvent::Started(o) => started.push(o),
                RunEvent::Finished(r) => records.push(r),
            }
        }
        let now = now_ms();
        if finished || now - last_report >= REPORT_MS {
            on_progress(Progress {
                done: shared.done.load(Ordering::Acquire),
                total,
                new_records: &records[reported..],
                new_started: &started[reported_started..],
                elapsed_ms: now - shared.origin_ms,
            });
            reported = records.len();
            reported_started = started.len();
            last_report = now;
        }
        if finished {
            break;
        }
        if cancel.is_cancelled() {
            let seen = *cancel_seen.get_or_insert_with(now_ms);
            // Main-thread tasks stop at their next check on their own. Workers are waited for
            // (they notice within one check interval) so the next run finds the pool free.
            if req.strategy != Strategy::Threads || now_ms() - seen > CANCEL_GRACE_MS {
                break;
            }
        }
    }

    let makespan = records.iter().map(|r| r.end_ms).fold(0.0, f64::max);
    // Let the probe tick once more, so a stall that ended with the run is on record.
    sleep(2.0 * PROBE_INTERVAL_MS).await;
    let responsiveness = probe::measure(shared.origin_ms, shared.origin_ms + makespan);
    Ok(RunRecord {
        strategy: req.strategy,
        params: req.plan.params,
        threads_used,
        pool_size,
        cores: req.cores,
        makespan_ms: makespan,
        cancelled: cancel.is_cancelled() || (records.len() as u32) < total,
        tasks: records,
        responsiveness,
    })
}

fn start_sequential(plan: Rc<Plan>, shared: Arc<RunShared>) {
    spawn_local(async move {
        for task in 0..plan.tasks() {
            if shared.cancel.is_cancelled() {
                break;
            }
            if let Some(r) = run_on_main(&plan, task, &shared, None).await {
                shared.emit(r);
            }
            yield_now().await;
        }
        shared.finish();
    });
}

fn start_async(plan: Rc<Plan>, shared: Arc<RunShared>) {
    let yield_ms = plan.params.yield_every_ms;
    let slice = (yield_ms > 0).then(|| plan.calibration.units_for(f64::from(yield_ms)).max(1));
    let remaining = Rc::new(Cell::new(plan.tasks()));
    for task in 0..plan.tasks() {
        let (plan, shared, remaining) = (plan.clone(), shared.clone(), remaining.clone());
        spawn_local(async move {
            if let Some(r) = run_on_main(&plan, task, &shared, slice).await {
                shared.emit(r);
            }
            remaining.set(remaining.get() - 1);
            if remaining.get() == 0 {
                shared.finish();
            }
        });
    }
}

/// Runs one task on the main thread: waits are timers, computations run in slices of
/// `slice_units` with a yield between slices (`None`: the whole computation at once).
async fn run_on_main(
    plan: &Plan,
    task: u32,
    shared: &RunShared,
    slice_units: Option<u64>,
) -> Option<TaskRecord> {
    let t0 = now_ms();
    shared.started(task, Lane::Main, t0);
    let mut rec = TaskRecorder::start(task, Lane::Main, shared.origin_ms, t0);
    let mut kernel = Kernel::new(u64::from(plan.params.seed), u64::from(task));
    let mut computed = false;
    for step in plan.steps(task) {
        if shared.cancel.is_cancelled() {
            return None;
        }
        match step {
            Step::Wait { ms } => {
                let t0 = now_ms();
                sleep(ms).await;
                rec.segment(SegmentKind::Wait, t0, now_ms());
            }
            Step::Compute { units, .. } => {
                computed = true;
                if slice_units.is_some() && units > 0 {
                    // Tasks woken together (one timer wakes every due sleeper) would otherwise
                    // run their first slices back to back in one turn of the loop.
                    yield_now().await;
                }
                let slice = slice_units.unwrap_or(units).max(1);
                let mut left = units;
                loop {
                    let n = left.min(slice);
                    let t0 = now_ms();
                    kernel.run(n);
                    rec.segment(SegmentKind::Cpu, t0, now_ms());
                    left -= n;
                    if left == 0 {
                        break;
                    }
                    yield_now().await;
                    if shared.cancel.is_cancelled() {
                        return None;
                    }
                }
            }
        }
    }
    Some(rec.finish(now_ms(), if computed { kernel.checksum() } else { 0 }))
}

/// Measures the kernel's speed on this device (blocks the main thread for about 0.1 s).
pub fn calibrate_kernel() -> Calibration {
    let started = now_ms();
    let mut cal = calibrate(|units| {
        let mut k = Kernel::new(0, 0);
        let t0 = now_ms();
        k.run(units);
        let elapsed = now_ms() - t0;
        std::hint::black_box(k.checksum());
        elapsed
    });
    cal.took_ms = now_ms() - started;
    cal
}
