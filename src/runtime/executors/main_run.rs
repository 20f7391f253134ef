//! What the main-thread strategies (sequential, async, async + executor) share: one
//! `MainRun` per run, referenced by each of its tasks, and `run_on_main`, one task on the
//! main thread. Their records and starts are collected in a sink the run drains, without a
//! channel (same thread, and a channel message is an allocation per task).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use super::run_in_executor::{self, ExecutorSlots, Job};
use super::{Ending, Executor};
use crate::model::experiment::fault::Injected;
use crate::model::run::interpreter::{Action, ComputeOn, Interpreter};
use crate::model::run::record::{Lane, TaskRecord};
use crate::model::timeline::OpenTask;
use crate::model::experiment::workload::Plan;
use crate::runtime::clock::{BrowserClock, CoarseClock, now_ms};
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

/// A main-thread run (sequential, async, or async + executor): what its tasks share, one
/// reference per task.
pub(super) struct MainRun {
    pub(super) plan: Plan,
    pub(super) shared: Arc<RunShared>,
    pub(super) inject: Option<Injected>,
    pub(super) sink: RefCell<MainSink>,
    /// Tasks not finished yet; the last to finish ends the run.
    pub(super) remaining: Cell<u32>,
    /// Async + executor: computations go to the pool, at most `threads` at once.
    pub(super) executor: Option<ExecutorSlots>,
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
            inject: inject.filter(|f| f.on_main()),
            // Room for every record: a million tasks may finish in one pass of the loop, and a
            // vector grown by doubling meanwhile leaves its old sizes in the wasm memory.
            sink: RefCell::new(MainSink {
                started: Vec::new(),
                records: Vec::with_capacity(plan.tasks() as usize),
            }),
            remaining: Cell::new(plan.tasks()),
            executor: executor_threads.map(ExecutorSlots::new),
        })
    }

    /// The executor's threads, when the run has them; never in the build without threads, so
    /// that the code handing work to them stays out of it.
    fn executor(&self) -> Option<&ExecutorSlots> {
        self.executor
            .as_ref()
            .filter(|_| !cfg!(feature = "no-threads"))
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

// show-code: run_on_main
/// Drives one task on the main thread ([`Interpreter`]): waits are timers (blocking waits hold the
/// main thread, or one of the executor's threads), a turn of the event loop is a yield,
/// computations run here in slices, or in the executor when the run has one
/// ([`run_in_executor::offload`]). `None` if the executor's pool failed (the run is told why).
pub(super) async fn run_on_main(main: &MainRun, task: u32) -> Option<TaskRecord> {
    let on = match main.executor {
        Some(_) => ComputeOn::Executor,
        None => ComputeOn::EventLoop,
    };
    // A task's start and the ends of its waits are coarse readings (a million tasks read the
    // clock two million times); whatever brackets a computation is a real one.
    let (clock, coarse) = (BrowserClock, CoarseClock);
    let mut t = Interpreter::start(
        &main.plan,
        task,
        Lane::Main,
        main.shared.origin_ms,
        on,
        &coarse,
    );
    main.started(task, t.at_ms());
    if task == 0 {
        faults::strike(main.inject);
    }
    loop {
        match t.next_action() {
            Action::Wait { from_ms, ms } if main.plan.params.blocking_waits() => match main.executor() {
                // run_in_executor(None, time.sleep, ...): the wait holds one of its threads.
                Some(slots) => {
                    let back = Box::pin(run_in_executor::offload(slots, Job::Block { ms }, &main.shared.cancel));
                    t.offloaded(back.await?, &clock);
                }
                // time.sleep in async def: the wait holds the main thread, and the page.
                None => {
                    while now_ms() < from_ms + ms {
                        std::hint::spin_loop();
                    }
                    t.waited(&clock);
                }
            },
            Action::Wait { from_ms, ms } => {
                sleep_from(from_ms, ms).await;
                t.waited(&coarse);
            }
            Action::Yield => {
                yield_now().await;
                t.resumed(&clock);
            }
            Action::Compute { .. } => t.compute(&clock),
            Action::Offload { kernel, units } => {
                let (slots, cancel) = (main.executor()?, &main.shared.cancel);
                let calibration = main.plan.calibration;
                let job = Job::Compute { kernel, units, calibration };
                // Boxed: its state would otherwise sit in every task's future, computing or
                // not.
                let back = Box::pin(run_in_executor::offload(slots, job, cancel));
                t.offloaded(back.await?, &clock);
            }
            Action::Done => return Some(t.finish()),
            Action::Lock | Action::HandOver | Action::Unlock => {
                unreachable!("a task on the event loop takes no lock")
            }
        }
    }
}
// end show-code: run_on_main

/// A started main-thread run: its tasks on the event loop, and what they share.
pub(super) struct OnMain {
    pub(super) main: Rc<MainRun>,
    pub(super) tasks: Box<dyn Tasks>,
}

impl Executor for OnMain {
    fn collect(&self, records: &mut Vec<TaskRecord>, started: &mut Vec<OpenTask>) {
        let mut sink = self.main.sink.borrow_mut();
        started.append(&mut sink.started);
        // A batch moves whole when it is all there is: a million records are not copied here.
        if records.is_empty() && !sink.records.is_empty() {
            std::mem::swap(records, &mut sink.records);
            // Room for the rest, made once.
            sink.records
                .reserve_exact(self.main.remaining.get() as usize);
        } else {
            records.append(&mut sink.records);
        }
    }

    fn take_failure(&self) -> Option<String> {
        self.main.executor.as_ref()?.take_failure()
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
