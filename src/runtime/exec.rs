//! Runs a [`Plan`] under a strategy and measures it.
//!
//! [`run`] starts the strategy's executor ([`super::executors`]), collects its records once
//! per tick (never one update per task), hands them to the caller with its progress reports,
//! and ends with the run's [`RunHead`]: its outcome, the main thread's responsiveness, and
//! how long the page was hidden. Also here: the start-up warm-up of the async scheduler, and
//! the kernel's calibration.
//!
//! Cancel drops a main-thread run's futures at the next tick (and their timers with them),
//! and terminates processes; a fault in a worker ends a run at the next tick as failed.

use super::clock::now_ms;
use super::probe;
pub use super::run_shared::CancelToken;
use super::run_shared::{RunEvent, RunShared};
use super::timer::sleep;
use super::{alloc, executors, location, pool, visibility};
use crate::model::experiment::fault::Injected;
use crate::model::experiment::kernel::{Calibration, Kernel, calibrate};
use crate::model::experiment::params::{Jitter, Params, Strategy, Workload};
use crate::model::run::record::{Outcome, RunHead, RunRecord, TaskRecord, gather};
use crate::model::run::stats::{PROBE_INTERVAL_MS, ProbeSample};
use crate::model::timeline::OpenTask;
use crate::model::experiment::workload::Plan;

/// How often [`run`] collects records and reports progress, in ms.
const TICK_MS: f64 = 16.0;
/// How often progress is reported to the page while a run goes, in ms. Every repaint costs
/// CPU that worker threads would otherwise get (repainting at 60 Hz cost the threads strategy
/// parallel efficiency on few cores), so the page repaints at 10 Hz.
pub const REPORT_MS: f64 = 100.0;
/// How long a cancelled threads run may take to let its workers go, in ms.
const CANCEL_GRACE_MS: f64 = 1000.0;

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct RunRequest {
    /// The experiment, with the strategy to run it.
    pub plan: Plan,
    /// Logical cores, for the record.
    pub cores: u32,
    /// Announce task starts (costs a message per task; the live timeline needs them).
    pub report_starts: bool,
    /// A test-only fault to strike task 0 with (see `model::experiment::fault`).
    pub inject: Option<Injected>,
}

impl RunRequest {
    /// The strategy to run.
    pub fn strategy(&self) -> Strategy {
        self.plan.params.strategy
    }

    /// An unmeasured-by-the-page Async run of `tasks` waits of `io_ms` (with `jitter`), for
    /// runs of the scheduler itself (the warm-up, memory measurements): uncalibrated, as it
    /// computes nothing, and with no fault.
    pub fn async_waits(tasks: u32, io_ms: u32, jitter: Jitter, report_starts: bool) -> Self {
        let params = Params {
            workload: Workload::Io,
            tasks,
            io_ms,
            jitter,
            strategy: Strategy::Async,
            ..Params::default()
        };
        RunRequest {
            plan: Plan::uncalibrated(params),
            cores: 1,
            report_starts,
            inject: None,
        }
    }
}

/// Progress of a run, reported at most every [`REPORT_MS`] and once at the end. The records
/// are moved to the caller, who keeps the only copy.
#[derive(Debug)]
pub struct Progress {
    pub done: u32,
    pub total: u32,
    /// Records that arrived since the last report.
    pub new_records: Vec<TaskRecord>,
    /// Tasks that started since the last report (when starts are reported).
    pub new_started: Vec<OpenTask>,
    /// Time since the run started, ms.
    pub elapsed_ms: f64,
}

/// Runs one experiment and measures it; finished tasks' records go to `on_progress`.
///
/// # Errors
/// When the strategy cannot run here (threads without a pool, or more threads than workers).
pub async fn run(
    req: RunRequest,
    cancel: CancelToken,
    mut on_progress: impl FnMut(Progress),
) -> Result<RunHead, String> {
    alloc::reset_peak();
    let total = req.plan.tasks();
    let threads_used = if req.strategy().parallel() {
        req.plan.params.threads
    } else {
        1
    };
    let pool_size = pool::size().unwrap_or(0);
    let (shared, mut rx) = RunShared::new(cancel.clone(), req.report_starts);
    let executor = executors::start(
        req.strategy(),
        req.plan,
        shared.clone(),
        threads_used,
        req.inject,
    )?;

    let mut records: Vec<TaskRecord> = Vec::new();
    let mut started: Vec<OpenTask> = Vec::new();
    let mut cancel_seen: Option<f64> = None;
    let mut failure = None;
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
        executor.collect(&mut records, &mut started);
        if req.strategy().uses_pool()
            && let Some(fault) = pool::take_fault()
        {
            // The faulted worker's task will never finish: stop the others and end now.
            cancel.cancel();
            failure = Some(fault.message);
        }
        if let Some(why) = executor.take_failure() {
            cancel.cancel();
            failure = Some(why);
        }
        let stop = finished
            || failure.is_some()
            || cancel.is_cancelled() && {
                let seen = *cancel_seen.get_or_insert_with(now_ms);
                // Main-thread tasks are dropped at once. Workers are waited for (they notice
                // within one check interval) so the next run finds the pool free.
                !req.strategy().uses_pool() || now_ms() - seen > CANCEL_GRACE_MS
            };
        let now = now_ms();
        if stop || now - last_report >= REPORT_MS {
            on_progress(Progress {
                done: shared.done(),
                total,
                new_records: std::mem::take(&mut records),
                new_started: std::mem::take(&mut started),
                elapsed_ms: now - shared.origin_ms,
            });
            last_report = now;
        }
        if stop {
            break;
        }
    }
    let ending = executor.end();
    let end_ms = now_ms();
    // Let the probe tick once more, so a stall that ended with the run is on record.
    sleep(2.0 * PROBE_INTERVAL_MS).await;
    let outcome = match failure {
        Some(why) => Outcome::Failed(why),
        None if cancel.is_cancelled() => Outcome::Cancelled,
        None => Outcome::Done,
    };
    Ok(RunHead {
        params: req.plan.params,
        threads_used,
        pool_size,
        cores: req.cores,
        outcome,
        hidden_ms: visibility::hidden_ms(shared.origin_ms, end_ms),
        responsiveness: probe::measure(shared.origin_ms, end_ms),
        scheduler: ending.scheduler.filter(|_| req.strategy().on_event_loop()),
        startup: ending.startup,
        started_at_ms: shared.origin_ms,
        lag: probe::lag_window(shared.origin_ms, end_ms)
            .into_iter()
            .map(|s| ProbeSample {
                at_ms: s.at_ms - shared.origin_ms,
                ..s
            })
            .collect(),
        // Measured here: the page's own runs say so by having none (an export's environment
        // names this browser).
        environment: None,
    })
}

/// [`run`], keeping every record: for sweeps and tests, which draw nothing live.
///
/// # Errors
/// As [`run`].
pub async fn run_to_end(req: RunRequest, cancel: CancelToken) -> Result<RunRecord, String> {
    let mut tasks = Vec::new();
    let total = req.plan.tasks() as usize;
    let head = run(req, cancel, |p| gather(&mut tasks, p.new_records, total)).await?;
    Ok(RunRecord::new(head, tasks))
}

/// Tasks in each run of the start-up warm-up, and its runs (see [`warm_up`]).
const WARM_UP_TASKS: u32 = 10_000;
/// The largest run that measures the same whether the scheduler is warm or not (its
/// baseline-tier code costs a few µs more a task), so it need not wait for the warm-up.
pub const COLD_RUN_MAX_TASKS: u32 = 1_000;
const WARM_UP_RUNS: u32 = 3;

/// Runs the async scheduler at start-up, unmeasured and unshown: `WARM_UP_RUNS` times
/// 10,000 waits of 0-6 ms. The engine compiles wasm in two tiers, and code starts in the
/// baseline tier: without this, a visitor's first async run measured the compiler and the
/// first wasm memory growth. One warm-up run left the first measured run still slower than
/// later ones; three do not. The page runs it after calibration, unless a run came first
/// (which warms the scheduler itself); `cancel` stops it between runs and inside one.
pub async fn warm_up(cancel: &CancelToken) {
    let req = RunRequest::async_waits(WARM_UP_TASKS, 3, Jitter::Uniform { pct: 100 }, true);
    for _ in 0..WARM_UP_RUNS {
        if cancel.is_cancelled() {
            return;
        }
        // Nothing here can fail: no threads, no injected fault.
        let _ = run_to_end(req, cancel.clone()).await;
    }
}

/// Measures the kernel's speed on this thread (blocks it for about 100 ms).
pub fn calibrate_kernel() -> Calibration {
    let started = now_ms();
    let on_worker = !location::in_page();
    let mut cal = calibrate(|units| {
        if on_worker {
            // A breath between samples, so the engine's background compiler gets a core for
            // the kernel's optimised code even on a busy 2-core machine.
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
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

/// Measures the kernel's speed on a worker of the pool, so the main thread stays free and
/// the page responds meanwhile; on the main thread when there is no pool.
pub async fn calibrate_kernel_off_main() -> Calibration {
    let (tx, rx) = futures_channel::oneshot::channel();
    match pool::spawn(move || {
        let _ = tx.send(calibrate_kernel());
    }) {
        Ok(()) => match rx.await {
            Ok(cal) => cal,
            // The worker died while calibrating (the pool reports the fault).
            Err(_) => calibrate_kernel(),
        },
        Err(_) => calibrate_kernel(),
    }
}
