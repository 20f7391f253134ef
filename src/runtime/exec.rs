//! Executors: run a [`Plan`] under a strategy and measure it.
//!
//! Every executor emits one [`TaskRecord`] per finished task into the run's channel;
//! [`run`] drains it once per tick (never one update per task), hands the records to the
//! caller with its progress reports, and ends with the run's [`RunHead`]: its outcome, the
//! main thread's responsiveness, and how long the page was hidden.
//!
//! - Sequential: one task after another on the main thread; waits are awaited; computations
//!   run in slices of `yield_every_ms` like async ones, so Cancel and the page keep working
//!   (0: never yield, which freezes the page on purpose); the event loop gets a turn between
//!   tasks.
//! - Async: every task a future of its own in a [`TaskSet`] on the event loop; waits overlap;
//!   computations run on the main thread in slices of `yield_every_ms`.
//! - Threads: see [`super::threads`].
//!
//! Cancel drops a main-thread run's futures at the next tick (and their timers with them); a
//! fault in a worker ends a threads run at the next tick as failed.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::poll_fn;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Poll, Waker};

use wasm_bindgen_futures::spawn_local;

use super::clock::now_ms;
use super::event_loop::{TaskSet, Tasks};
use super::probe::{self, PROBE_INTERVAL_MS};
pub use super::run_shared::CancelToken;
use super::run_shared::{RunEvent, RunShared};
use super::timer::{sleep, sleep_from, yield_now};
use super::{faults, threads, visibility};
use crate::model::fault::Injected;
use crate::model::gil::Gil;
use crate::model::kernel::{Calibration, Kernel, calibrate};
use crate::model::params::{Jitter, Params, Strategy, Workload};
use crate::model::record::{
    Lane, Outcome, RunHead, RunRecord, SegmentKind, TaskRecord, TaskRecorder,
};
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

/// What main-thread tasks report, collected without a channel (same thread, and a channel
/// message is an allocation per task).
#[derive(Default)]
struct MainSink {
    started: Vec<OpenTask>,
    records: Vec<TaskRecord>,
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
    /// A test-only fault to strike task 0 with (see `model::fault`).
    pub inject: Option<Injected>,
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
    let total = req.plan.tasks();
    let threads_used = if req.strategy.uses_pool() {
        req.plan.params.threads
    } else {
        1
    };
    let pool_size = threads::pool_size().unwrap_or(0);
    let (shared, mut rx) = RunShared::new(cancel.clone(), req.report_starts);
    let main = (!req.strategy.tasks_on_workers()).then(|| {
        Rc::new(MainRun {
            plan: req.plan,
            shared: shared.clone(),
            slice: slice_units(&req.plan),
            inject: req.inject.filter(|f| f.on_main()),
            sink: RefCell::default(),
            remaining: Cell::new(total),
            executor: (req.strategy == Strategy::Executor)
                .then(|| ExecutorSlots::new(req.plan.params.threads)),
            failure: RefCell::default(),
        })
    });
    let tasks = match (req.strategy, &main) {
        (Strategy::Sequential, Some(main)) => Some(start_sequential(main.clone())),
        (Strategy::Async | Strategy::Executor, Some(main)) => Some(start_async(main.clone())),
        _ => {
            let gil = (req.strategy == Strategy::Gil)
                .then(|| Arc::new(Gil::new(req.plan.params.switch_ms)));
            threads::start(
                Arc::new(req.plan),
                shared.clone(),
                threads_used,
                req.inject,
                gil,
            )?;
            None
        }
    };

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
        if let Some(main) = &main {
            let mut sink = main.sink.borrow_mut();
            started.append(&mut sink.started);
            records.append(&mut sink.records);
        }
        if req.strategy.uses_pool()
            && let Some(fault) = threads::take_fault()
        {
            // The faulted worker's task will never finish: stop the others and end now.
            cancel.cancel();
            failure = Some(fault.message);
        }
        if let Some(why) = main.as_ref().and_then(|m| m.failure.take()) {
            cancel.cancel();
            failure = Some(why);
        }
        let stop = finished
            || failure.is_some()
            || cancel.is_cancelled() && {
                let seen = *cancel_seen.get_or_insert_with(now_ms);
                // Main-thread tasks are dropped at once. Workers are waited for (they notice
                // within one check interval) so the next run finds the pool free.
                !req.strategy.uses_pool() || now_ms() - seen > CANCEL_GRACE_MS
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
    let scheduler = tasks.as_ref().map(|t| {
        // Dropping unfinished tasks drops their timers: nothing of this run wakes later.
        t.drop_all();
        t.cost()
    });
    let end_ms = now_ms();
    // Let the probe tick once more, so a stall that ended with the run is on record.
    sleep(2.0 * PROBE_INTERVAL_MS).await;
    let outcome = match failure {
        Some(why) => Outcome::Failed(why),
        None if cancel.is_cancelled() => Outcome::Cancelled,
        None => Outcome::Done,
    };
    Ok(RunHead {
        strategy: req.strategy,
        params: req.plan.params,
        threads_used,
        pool_size,
        cores: req.cores,
        outcome,
        hidden_ms: visibility::hidden_ms(shared.origin_ms, end_ms),
        responsiveness: probe::measure(shared.origin_ms, end_ms),
        scheduler: req.strategy.on_event_loop().then_some(scheduler).flatten(),
    })
}

/// [`run`], keeping every record: for sweeps and tests, which draw nothing live.
///
/// # Errors
/// As [`run`].
pub async fn run_to_end(req: RunRequest, cancel: CancelToken) -> Result<RunRecord, String> {
    let mut tasks = Vec::new();
    let head = run(req, cancel, |p| tasks.extend(p.new_records)).await?;
    Ok(RunRecord::new(head, tasks))
}

/// Tasks in each run of the start-up warm-up, and its runs (see [`warm_up`]).
const WARM_UP_TASKS: u32 = 10_000;
const WARM_UP_RUNS: u32 = 3;

/// Runs the async scheduler at start-up, unmeasured and unshown: [`WARM_UP_RUNS`] times
/// 10,000 waits of 0-6 ms. The engine compiles wasm in two tiers, and code starts in the
/// baseline tier: without this, a visitor's first async run measured the compiler and the
/// first wasm memory growth (10,000 waits of 100 ms: 111-150 ms cold against 103-106 ms
/// warm). One warm-up run left the first measured run still slower than later ones (106.3 ms
/// against 104.5 ms after three, medians of 6 loads). The page runs it after calibration.
pub async fn warm_up() {
    let params = Params {
        workload: Workload::Io,
        tasks: WARM_UP_TASKS,
        io_ms: 3,
        jitter: Jitter::Uniform { pct: 100 },
        strategy: Strategy::Async,
        ..Params::default()
    };
    let req = RunRequest {
        strategy: Strategy::Async,
        plan: Plan::uncalibrated(params),
        cores: 1,
        report_starts: true,
        inject: None,
    };
    for _ in 0..WARM_UP_RUNS {
        // Nothing here can fail: no threads, no injected fault.
        let _ = run_to_end(req, CancelToken::default()).await;
    }
}

/// The async slice in kernel units: `yield_every_ms` of work, or `None` to never yield.
fn slice_units(plan: &Plan) -> Option<u64> {
    let yield_ms = plan.params.yield_every_ms;
    (yield_ms > 0).then(|| plan.calibration.units_for(f64::from(yield_ms)).max(1))
}

fn start_sequential(main: Rc<MainRun>) -> Box<dyn Tasks> {
    let set = TaskSet::spawn_all([async move {
        for task in 0..main.plan.tasks() {
            let Some(r) = run_on_main(&main, task).await else {
                return;
            };
            main.finished(r);
            yield_now().await;
        }
    }]);
    spawn_local(set.drive());
    Box::new(set)
}

fn start_async(main: Rc<MainRun>) -> Box<dyn Tasks> {
    let set = TaskSet::spawn_all((0..main.plan.tasks()).map(|task| {
        let main = main.clone();
        async move {
            if let Some(r) = run_on_main(&main, task).await {
                main.finished(r);
            }
        }
    }));
    spawn_local(set.drive());
    Box::new(set)
}

/// A main-thread run (sequential, async, or async + executor): what its tasks share, one
/// reference per task.
struct MainRun {
    plan: Plan,
    shared: Arc<RunShared>,
    /// The computation slice in kernel units (see [`slice_units`]).
    slice: Option<u64>,
    inject: Option<Injected>,
    sink: RefCell<MainSink>,
    /// Tasks not finished yet; the last to finish ends the run.
    remaining: Cell<u32>,
    /// Async + executor: computations go to the pool, at most `threads` at once.
    executor: Option<ExecutorSlots>,
    /// Why the run cannot finish (the executor's pool failed).
    failure: RefCell<Option<String>>,
}

/// The executor's threads, as a count of free ones (asyncio's `ThreadPoolExecutor` with
/// `max_workers=threads`): a computation takes one, or waits on the event loop for one.
struct ExecutorSlots {
    free: Cell<u32>,
    waiting: RefCell<VecDeque<Waker>>,
}

impl ExecutorSlots {
    fn new(threads: u32) -> Self {
        ExecutorSlots {
            free: Cell::new(threads.max(1)),
            waiting: RefCell::default(),
        }
    }

    /// Waits for a free thread; it is given back when the returned guard drops.
    async fn take(&self) -> SlotGuard<'_> {
        poll_fn(|cx| {
            if self.free.get() > 0 {
                self.free.set(self.free.get() - 1);
                Poll::Ready(())
            } else {
                self.waiting.borrow_mut().push_back(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
        SlotGuard(self)
    }
}

/// A thread of the executor, given back (and the next waiter woken) when dropped.
struct SlotGuard<'a>(&'a ExecutorSlots);

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        self.0.free.set(self.0.free.get() + 1);
        let next = self.0.waiting.borrow_mut().pop_front();
        if let Some(waker) = next {
            waker.wake();
        }
    }
}

impl MainRun {
    fn started(&self, task: u32, at_ms: f64) {
        if let Some(open) = self.shared.open_task(task, Lane::Main, at_ms) {
            self.sink.borrow_mut().started.push(open);
        }
    }

    fn finished(&self, record: TaskRecord) {
        self.sink.borrow_mut().records.push(record);
        self.shared.count_done();
        self.remaining.set(self.remaining.get() - 1);
        if self.remaining.get() == 0 {
            self.shared.finish();
        }
    }
}

/// Runs one task on the main thread: waits are timers, computations run in slices of
/// `slice_units` with a yield between slices (`None`: the whole computation at once, which
/// freezes the page on purpose), or in the executor when the run has one ([`in_executor`]).
/// One clock reading per step: it ends one step and starts the next.
async fn run_on_main(main: &MainRun, task: u32) -> Option<TaskRecord> {
    let (plan, slice_units) = (&main.plan, main.slice);
    let mut now = now_ms();
    main.started(task, now);
    if task == 0 {
        faults::strike(main.inject);
    }
    let mut rec = TaskRecorder::start(task, Lane::Main, main.shared.origin_ms, now);
    let mut kernel = Kernel::new(u64::from(plan.params.seed), u64::from(task));
    for step in plan.steps(task) {
        match step {
            Step::Wait { ms } => {
                let t0 = now;
                sleep_from(t0, ms).await;
                now = now_ms();
                rec.segment(SegmentKind::Wait, t0, now);
                kernel.wait_done(ms);
            }
            Step::Compute { units, .. } => {
                if let Some(executor) = &main.executor {
                    // Boxed: its state would otherwise sit in every task's future, computing or
                    // not (a waiting Async task held 490 B, 380 B without it).
                    (kernel, now) =
                        Box::pin(in_executor(main, executor, kernel, units, &mut rec, now)).await?;
                    continue;
                }
                if slice_units.is_some() && units > 0 {
                    // Tasks woken together (one timer wakes every due sleeper) would otherwise
                    // run their first slices back to back in one turn of the loop.
                    yield_now().await;
                    now = now_ms();
                }
                let slice = slice_units.unwrap_or(units).max(1);
                let mut left = units;
                loop {
                    let n = left.min(slice);
                    let t0 = now;
                    kernel.run(n);
                    now = now_ms();
                    rec.segment(SegmentKind::Cpu, t0, now);
                    left -= n;
                    if left == 0 {
                        break;
                    }
                    yield_now().await;
                    now = now_ms();
                }
            }
        }
    }
    Some(rec.finish(now, kernel.checksum()))
}

/// One computation of an async + executor task, from `now`: waits on the event loop for a
/// free thread of the executor, hands the work to it, and awaits the result. Returns the
/// kernel after it and the time it came back; `None` if cancelled or the pool failed (then
/// the run is told why).
async fn in_executor(
    main: &MainRun,
    executor: &ExecutorSlots,
    kernel: Kernel,
    units: u64,
    rec: &mut TaskRecorder,
    now: f64,
) -> Option<(Kernel, f64)> {
    let _thread = executor.take().await;
    let cancel = main.shared.cancel.clone();
    let Some(done) = threads::offload(kernel, units, main.plan.calibration, cancel).await else {
        if !main.shared.cancel.is_cancelled() {
            main.failure
                .replace(Some(threads::pool_failure().unwrap_or_else(|| {
                    "a computation handed to the executor never came back".into()
                })));
        }
        return None;
    };
    rec.segment(SegmentKind::Wait, now, done.start_ms);
    rec.segment_on(
        Some(done.lane),
        SegmentKind::Cpu,
        done.start_ms,
        done.end_ms,
    );
    let back = now_ms();
    rec.segment(SegmentKind::Wait, done.end_ms, back);
    Some((done.kernel, back))
}

/// Measures the kernel's speed on this thread (blocks it for about 100 ms).
pub fn calibrate_kernel() -> Calibration {
    let started = now_ms();
    let on_worker = web_sys::window().is_none();
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
    match threads::spawn(move || {
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
