//! What the main-thread strategies (sequential, async, async + executor) share: one
//! [`MainRun`] per run, referenced by each of its tasks, and [`run_on_main`], one task on the
//! main thread. Their records and starts are collected in a sink the run drains, without a
//! channel (same thread, and a channel message is an allocation per task).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use super::executor::{self, ExecutorSlots};
use super::{Ending, Executor};
use crate::model::fault::Injected;
use crate::model::kernel::Kernel;
use crate::model::record::{Lane, SegmentKind, TaskRecord, TaskRecorder};
use crate::model::timeline::OpenTask;
use crate::model::workload::{Plan, Step};
use crate::runtime::clock::now_ms;
use crate::runtime::event_loop::Tasks;
use crate::runtime::faults;
use crate::runtime::run_shared::RunShared;
use crate::runtime::timer::{sleep_from, yield_now};

/// What main-thread tasks report, collected without a channel (same thread, and a channel
/// message is an allocation per task).
#[derive(Default)]
pub(super) struct MainSink {
    started: Vec<OpenTask>,
    records: Vec<TaskRecord>,
}

/// The async slice in kernel units: `yield_every_ms` of work, or `None` to never yield.
pub(super) fn slice_units(plan: &Plan) -> Option<u64> {
    let yield_ms = plan.params.yield_every_ms;
    (yield_ms > 0).then(|| plan.calibration.units_for(f64::from(yield_ms)).max(1))
}

/// A main-thread run (sequential, async, or async + executor): what its tasks share, one
/// reference per task.
pub(super) struct MainRun {
    pub(super) plan: Plan,
    pub(super) shared: Arc<RunShared>,
    /// The computation slice in kernel units (see [`slice_units`]).
    pub(super) slice: Option<u64>,
    pub(super) inject: Option<Injected>,
    pub(super) sink: RefCell<MainSink>,
    /// Tasks not finished yet; the last to finish ends the run.
    pub(super) remaining: Cell<u32>,
    /// Async + executor: computations go to the pool, at most `threads` at once.
    pub(super) executor: Option<ExecutorSlots>,
    /// Why the run cannot finish (the executor's pool failed).
    pub(super) failure: RefCell<Option<String>>,
}

impl MainRun {
    /// A run of `plan` whose computations go to the pool when `executor_threads` is given.
    pub(super) fn new(
        plan: Plan,
        shared: Arc<RunShared>,
        inject: Option<Injected>,
        executor_threads: Option<u32>,
    ) -> Rc<Self> {
        Rc::new(MainRun {
            plan,
            shared,
            slice: slice_units(&plan),
            inject: inject.filter(|f| f.on_main()),
            sink: RefCell::default(),
            remaining: Cell::new(plan.tasks()),
            executor: executor_threads.map(ExecutorSlots::new),
            failure: RefCell::default(),
        })
    }

    fn started(&self, task: u32, at_ms: f64) {
        if let Some(open) = self.shared.open_task(task, Lane::Main, at_ms) {
            self.sink.borrow_mut().started.push(open);
        }
    }

    pub(super) fn finished(&self, record: TaskRecord) {
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
/// freezes the page on purpose), or in the executor when the run has one ([`executor::in_executor`]).
/// One clock reading per step: it ends one step and starts the next.
pub(super) async fn run_on_main(main: &MainRun, task: u32) -> Option<TaskRecord> {
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
                    (kernel, now) = Box::pin(executor::in_executor(
                        main, executor, kernel, units, &mut rec, now,
                    ))
                    .await?;
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

/// A started main-thread run: its tasks on the event loop, and what they share.
pub(super) struct OnMain {
    pub(super) main: Rc<MainRun>,
    pub(super) tasks: Box<dyn Tasks>,
}

impl Executor for OnMain {
    fn collect(&self, records: &mut Vec<TaskRecord>, started: &mut Vec<OpenTask>) {
        let mut sink = self.main.sink.borrow_mut();
        started.append(&mut sink.started);
        records.append(&mut sink.records);
    }

    fn take_failure(&self) -> Option<String> {
        self.main.failure.take()
    }

    fn end(self: Box<Self>) -> Ending {
        // Dropping unfinished tasks drops their timers: nothing of this run wakes later.
        self.tasks.drop_all();
        Ending {
            scheduler: Some(self.tasks.cost()),
            startup: None,
        }
    }
}
