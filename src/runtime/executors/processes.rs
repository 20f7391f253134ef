//! The processes strategy, like Python's `multiprocessing.Pool(processes=threads)`: each
//! process is a Web Worker with a wasm instance and memory of its own (`process.js`), started
//! with the run and terminated when it ends. Nothing is shared: the plan goes to each process
//! once as a message, then one task number at a time, and each finished task's record comes
//! back as a message (`model::run::wire`). Start-up (spawning the worker, loading the glue,
//! instantiating the module on a fresh memory) is measured per process.
//!
//! It needs neither shared memory with the page nor cross-origin isolation, so it is the
//! parallel strategy of a page that has no threads.
//!
//! On the page, everything happens in `postMessage` handlers: a process that reports ready or
//! sends a record gets the next task. In a process, [`avt_process_init`] takes the plan, and
//! [`avt_process_task`] and [`avt_process_advance`] run a task from one wait to the next: the
//! process waits on its own event loop, so it needs no shared memory (nor the build with it).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::{Ending, Executor};
use crate::model::experiment::fault::Injected;
use crate::model::run::interpreter::{Action, ComputeOn, Interpreter};
use crate::model::experiment::kernel::Calibration;
use crate::model::run::record::{Lane, Startup, TaskRecord};
use crate::model::run::stats::quantile;
use crate::model::experiment::url;
use crate::model::run::wire;
use crate::model::experiment::workload::Plan;
use crate::runtime::clock::{BrowserClock, now_ms};
use crate::runtime::run_shared::RunShared;
use crate::runtime::{faults, location};

#[wasm_bindgen(module = "/src/runtime/process.js")]
extern "C" {
    #[wasm_bindgen(js_name = spawnProcess, catch)]
    #[allow(clippy::too_many_arguments)]
    fn spawn_process(
        module: &JsValue,
        main_js: &JsValue,
        plan: &str,
        units_per_ms: f64,
        origin_ms: f64,
        index: u32,
        inject: Option<String>,
        on_event: &JsValue,
    ) -> Result<web_sys::Worker, JsValue>;

    #[wasm_bindgen(js_name = sendTask)]
    fn send_task(worker: &web_sys::Worker, task: u32);
}

/// `(process, kind, payload, at_ms)` from a process, through `process.js`.
type OnEvent = dyn FnMut(u32, String, JsValue, f64);

/// One process as the page sees it.
struct Process {
    worker: web_sys::Worker,
    spawned_at: f64,
    ready_at: Option<f64>,
    memory_bytes: Option<f64>,
}

/// What the page knows of a run's processes.
struct State {
    plan: Plan,
    shared: Arc<RunShared>,
    processes: Vec<Process>,
    /// The next task to hand out.
    next: u32,
    /// Records received.
    received: u32,
    failure: Option<String>,
}

impl State {
    /// Gives process `k` the next task, if any is left.
    fn dispatch(&mut self, k: usize) {
        if self.next >= self.plan.tasks() || self.failure.is_some() {
            return;
        }
        let task = self.next;
        self.next += 1;
        self.shared.started(task, Lane::Process(k as u16), now_ms());
        send_task(&self.processes[k].worker, task);
    }

    fn on_event(&mut self, k: usize, kind: &str, payload: &JsValue, at_ms: f64) {
        if k >= self.processes.len() || self.failure.is_some() {
            return;
        }
        match kind {
            "ready" => {
                let p = &mut self.processes[k];
                p.ready_at = Some(at_ms);
                p.memory_bytes = payload.as_f64();
                self.dispatch(k);
            }
            "done" => {
                let numbers = payload
                    .dyn_ref::<js_sys::Float64Array>()
                    .map(js_sys::Float64Array::to_vec)
                    .unwrap_or_default();
                match wire::decode_record(&numbers, Lane::Process(k as u16), self.plan.tasks()) {
                    Ok(record) => {
                        self.shared.emit(record);
                        self.received += 1;
                        if self.received == self.plan.tasks() {
                            self.shared.finish();
                        } else {
                            self.dispatch(k);
                        }
                    }
                    Err(why) => {
                        self.failure = Some(format!("process {k} sent {why}"));
                    }
                }
            }
            _ => {
                let message = payload.as_string().unwrap_or_default();
                self.failure = Some(format!("process {k}: {message}"));
            }
        }
    }
}

/// A run's processes; dropping it terminates them (as `pool.terminate()` does).
pub struct Processes {
    state: Rc<RefCell<State>>,
    _on_event: Closure<OnEvent>,
}

/// Starts `n` processes for a run of `plan` and hands them its tasks as they become free.
/// `inject` may name a test-only fault for task 0.
///
/// # Errors
/// When the browser refuses to create a worker.
pub(super) fn start(
    plan: Plan,
    shared: Arc<RunShared>,
    n: u32,
    inject: Option<Injected>,
) -> Result<Processes, String> {
    let state = Rc::new(RefCell::new(State {
        plan,
        shared: shared.clone(),
        processes: Vec::with_capacity(n as usize),
        next: 0,
        received: 0,
        failure: None,
    }));
    let weak = Rc::downgrade(&state);
    let on_event = Closure::<OnEvent>::new(move |k: u32, kind: String, payload, at_ms| {
        if let Some(state) = weak.upgrade() {
            state
                .borrow_mut()
                .on_event(k as usize, &kind, &payload, at_ms);
        }
    });
    let query = url::encode(&plan.params, None);
    let (module, glue) = (wasm_bindgen::module(), location::glue_js());
    let inject = inject
        .filter(|f| f.in_worker_task())
        .map(|f| f.key().to_owned());
    for k in 0..n {
        let spawned_at = now_ms();
        let worker = spawn_process(
            &module,
            &glue,
            &query,
            plan.calibration.units_per_ms,
            shared.origin_ms,
            k,
            inject.clone(),
            on_event.as_ref(),
        )
        .map_err(|e| {
            format!(
                "the browser could create only {k} of {n} processes ({})",
                crate::runtime::js_message(&e)
            )
        })?;
        state.borrow_mut().processes.push(Process {
            worker,
            spawned_at,
            ready_at: None,
            memory_bytes: None,
        });
    }
    if plan.tasks() == 0 {
        shared.finish();
    }
    Ok(Processes {
        state,
        _on_event: on_event,
    })
}

impl Executor for Processes {
    /// Why the run must end (a process faulted or sent nonsense), once.
    fn take_failure(&self) -> Option<String> {
        let mut s = self.state.borrow_mut();
        let why = s.failure.take()?;
        // A failed run hands out no more tasks.
        s.next = u32::MAX;
        Some(why)
    }

    /// Terminates the processes (dropping them), as leaving `with Pool() as p:` does.
    fn end(self: Box<Self>) -> Ending {
        Ending {
            scheduler: None,
            startup: self.startup(),
        }
    }
}

impl Processes {
    /// How long the processes took to start, once every one has.
    fn startup(&self) -> Option<Startup> {
        let s = self.state.borrow();
        let ready: Option<Vec<(f64, f64, f64)>> = s
            .processes
            .iter()
            .map(|p| Some((p.ready_at? - p.spawned_at, p.ready_at?, p.memory_bytes?)))
            .collect();
        let ready = ready.filter(|r| !r.is_empty())?;
        let median = |pick: fn(&(f64, f64, f64)) -> f64| {
            let mut v: Vec<f64> = ready.iter().map(pick).collect();
            v.sort_by(f64::total_cmp);
            quantile(&v, 0.5).unwrap_or(0.0)
        };
        let last = ready.iter().map(|r| r.1).fold(f64::MIN, f64::max);
        Some(Startup {
            per_worker_ms: median(|r| r.0),
            all_ready_ms: last - s.shared.origin_ms,
            memory_bytes: median(|r| r.2),
        })
    }
}

impl Drop for Processes {
    fn drop(&mut self) {
        for p in &self.state.borrow().processes {
            p.worker.terminate();
        }
    }
}

/// The plan a process runs, given once by [`avt_process_init`]: a process lives for one run,
/// and its statics are its own (an instance of its own, on a memory of its own).
static PLAN: OnceLock<Plan> = OnceLock::new();

/// What a process knows besides its plan: set by [`avt_process_init`], with the task it is
/// running or has just finished.
struct InProcess {
    origin_ms: f64,
    lane: Lane,
    inject: Option<Injected>,
    running: Option<Interpreter<'static>>,
    finished: Option<TaskRecord>,
}

thread_local! {
    static IN_PROCESS: RefCell<Option<InProcess>> = const { RefCell::new(None) };
}

/// In a process: takes the run's plan (its link query and calibration), the run's clock
/// origin and this process's number.
///
/// # Errors
/// When the plan does not decode to valid parameters (the page then fails the run).
#[wasm_bindgen]
pub fn avt_process_init(
    query: &str,
    units_per_ms: f64,
    origin_ms: f64,
    index: u32,
    inject: Option<String>,
) -> Result<(), JsError> {
    faults::install_panic_hook();
    let decoded = url::decode(query);
    let checked = decoded.form.check();
    if !decoded.notices.is_empty() || !checked.is_valid() {
        return Err(JsError::new(&format!(
            "the plan it was sent does not decode: {query}"
        )));
    }
    // Only the speed travels: it is all a task needs to size its computations.
    let calibration = Calibration {
        units_per_ms,
        took_ms: 0.0,
        sample_units: 0,
        sample_ms: 0.0,
    };
    let plan = Plan {
        params: checked.params,
        calibration,
    };
    PLAN.set(plan)
        .map_err(|_| JsError::new("this process was given a plan already"))?;
    let inject = inject.as_deref().and_then(Injected::from_key);
    IN_PROCESS.with(|p| {
        *p.borrow_mut() = Some(InProcess {
            origin_ms,
            lane: Lane::Process(index as u16),
            inject,
            running: None,
            finished: None,
        })
    });
    Ok(())
}

// show-code: processes
/// In a process: starts `task` and runs it up to its first wait. Returns how many ms to wait
/// before calling [`avt_process_advance`], or 0 when the task has finished (its record is
/// then [`avt_process_record`]).
///
/// A process waits by returning to its own event loop (`process.js` sets a timer), idle as a
/// blocked process is: that needs no shared memory, so the build without atomics runs
/// processes too.
///
/// # Errors
/// When the process was not given a plan, or `task` is not one of its tasks.
#[wasm_bindgen]
pub fn avt_process_task(task: u32) -> Result<f64, JsError> {
    in_process(|p, plan| {
        if task >= plan.tasks() {
            return Err(JsError::new(&format!("no task {task} in this run")));
        }
        if task == 0 {
            faults::strike(p.inject);
        }
        let on = ComputeOn::Process;
        p.running = Some(Interpreter::start(
            plan,
            task,
            p.lane,
            p.origin_ms,
            on,
            &BrowserClock,
        ));
        p.finished = None;
        Ok(())
    })?;
    avt_process_advance()
}

/// In a process: goes on with the task after a wait, up to its next wait ([`Interpreter`]).
/// Returns how many ms to wait (again, when the timer fired early), or 0 when the task has
/// finished.
///
/// # Errors
/// When no task is running.
#[wasm_bindgen]
pub fn avt_process_advance() -> Result<f64, JsError> {
    in_process(|p, _| {
        let t = p
            .running
            .as_mut()
            .ok_or_else(|| JsError::new("no task running"))?;
        loop {
            match t.next_action() {
                // A wait that is over (of nothing, or the timer was late) is done at once, as
                // a blocking sleep of 0 is: handing it to the event loop would cost a timer.
                Action::Wait { from_ms, ms } => {
                    let left = from_ms + ms - now_ms();
                    if left > 0.0 {
                        return Ok(left);
                    }
                    t.waited(&BrowserClock);
                }
                Action::Compute { .. } => t.compute(&BrowserClock),
                Action::Done => {
                    p.finished = p.running.take().map(Interpreter::finish);
                    return Ok(0.0);
                }
                Action::Yield
                | Action::Offload { .. }
                | Action::Lock
                | Action::HandOver
                | Action::Unlock => {
                    unreachable!("a process computes whole and takes no lock")
                }
            }
        }
    })
}
// end show-code: processes

/// In a process: the finished task's record, as numbers (`model::run::wire`).
///
/// # Errors
/// When no task has finished.
#[wasm_bindgen]
pub fn avt_process_record() -> Result<Vec<f64>, JsError> {
    in_process(|p, _| {
        p.finished
            .take()
            .map(|r| wire::encode_record(&r))
            .ok_or_else(|| JsError::new("the task has not finished"))
    })
}

/// Runs `f` on this process's state and plan, or fails when it was given no plan.
fn in_process<T>(
    f: impl FnOnce(&mut InProcess, &'static Plan) -> Result<T, JsError>,
) -> Result<T, JsError> {
    IN_PROCESS.with(|p| match (p.borrow_mut().as_mut(), PLAN.get()) {
        (Some(p), Some(plan)) => f(p, plan),
        _ => Err(JsError::new("no plan yet")),
    })
}
