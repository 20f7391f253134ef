//! Memory measurements in the browser: bytes per pending async task (the counting
//! allocator around N tasks that each await one sleep), and per worker thread (the browser's
//! `performance.measureUserAgentSpecificMemory()`, and what our build reserves for each
//! thread in the shared wasm memory). What the figures mean is `model::memory`'s.
//!
//! Main thread only, and never during a run (the allocator counts every thread, so a run
//! beside the measurement would be counted in it).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::clock::now_ms;
use super::event_loop::TaskSet;
use super::exec::{self, CancelToken, RunRequest};
use super::timer::{is_idle, parts_per_wait, pending_timers, sleep, sleep_from};
use super::{alloc, js_message};
use super::{files, pool};
use crate::model::memory::{BrowserMemory, Heap, Part, TaskMemory, ThreadMemory};
use crate::model::experiment::params::Jitter;
use crate::model::run::record::Outcome;
use crate::model::run::record::{Lane, SegmentKind, TaskRecord, TaskRecorder};

/// Each worker thread's wasm stack: wasm-bindgen 0.2.130's `DEFAULT_THREAD_STACK_SIZE`
/// (`pool.js` passes no `thread_stack_size`), allocated on the shared heap when the worker
/// starts; `tests/web.rs` checks it against the counting allocator.
pub const THREAD_STACK_BYTES: u64 = 2 << 20;

/// How long each measured task sleeps, ms. Every task is sampled pending during the one
/// synchronous pass that first polls them all, so the sleep need only outlast that pass's
/// sample; longer would only make a sweep slower.
const HOLD_MS: f64 = 50.0;

/// The wasm memory's size in bytes: committed, and it never shrinks.
pub fn wasm_memory_bytes() -> u64 {
    // A SharedArrayBuffer in the threaded build, an ArrayBuffer in the other: read whichever.
    let buffer = wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer();
    js_sys::Reflect::get(&buffer, &"byteLength".into())
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0) as u64
}

/// The heap, the wasm memory and the clock at one moment.
#[derive(Clone, Copy)]
struct Sample {
    heap: Heap,
    memory: u64,
    at_ms: f64,
}

impl Sample {
    fn now() -> Self {
        Sample {
            heap: alloc::heap(),
            memory: wasm_memory_bytes(),
            at_ms: now_ms(),
        }
    }
}

/// What the measured tasks share: the heap as it was once every task was pending, and the
/// records of the finished ones.
struct Probe {
    tasks: u32,
    polled: Cell<u32>,
    pending: Cell<Option<Sample>>,
    records: RefCell<Vec<TaskRecord>>,
}

impl Probe {
    /// A task has registered its sleep; the last one samples the heap, inside the same
    /// synchronous pass, so no task can have finished yet.
    fn polled(&self) {
        let n = self.polled.get() + 1;
        self.polled.set(n);
        if n == self.tasks {
            self.pending.set(Some(Sample::now()));
        }
    }

    fn finished(&self, record: TaskRecord) {
        let mut records = self.records.borrow_mut();
        // Exactly as many as there are tasks: the records' bytes are theirs, not slack.
        if records.capacity() == 0 {
            records.reserve_exact(self.tasks as usize);
        }
        records.push(record);
    }
}

/// Measures `tasks` pending async tasks: each awaits one sleep on the async strategy's
/// scheduler ([`TaskSet`]) and timer, and records itself when it ends, as a run's tasks do.
///
/// # Errors
/// When not every task could be sampled pending (which would be a bug in the scheduler).
pub async fn measure_tasks(tasks: u32) -> Result<TaskMemory, String> {
    let tasks = tasks.max(1);
    timer_idle().await?;
    let probe = Rc::new(Probe {
        tasks,
        polled: Cell::new(0),
        pending: Cell::new(None),
        records: RefCell::new(Vec::new()),
    });
    let before = Sample::now();
    let t0 = before.at_ms;
    let set = TaskSet::spawn_all((0..tasks).map(|task| {
        let probe = probe.clone();
        async move {
            let wait = sleep_from(t0, HOLD_MS);
            probe.polled();
            wait.await;
            let mut rec = TaskRecorder::start(task, Lane::Main, t0, t0);
            let end = now_ms();
            rec.segment(SegmentKind::Wait, t0, end);
            probe.finished(rec.finish(end, 0));
        }
    }));
    let mut parts = set.parts().to_vec();
    parts.extend(parts_per_wait());
    set.drive().await;
    drop(set);
    let finished = alloc::heap();
    let Some(pending) = probe.pending.get() else {
        return Err(format!(
            "only {} of {tasks} tasks were seen pending",
            probe.polled.get()
        ));
    };
    let records = probe.records.borrow().len();
    if records != tasks as usize {
        return Err(format!("{records} of {tasks} tasks finished"));
    }
    probe.records.replace(Vec::new());
    Ok(measured(tasks, before, pending, finished, parts))
}

/// A measurement from its samples; `after` is taken now.
fn measured(
    tasks: u32,
    before: Sample,
    pending: Sample,
    finished: Heap,
    parts: Vec<Part>,
) -> TaskMemory {
    TaskMemory {
        tasks,
        before: before.heap,
        pending: pending.heap,
        finished,
        after: alloc::heap(),
        memory_before: before.memory,
        memory_pending: pending.memory,
        spawn_ms: pending.at_ms - before.at_ms,
        total_ms: now_ms() - before.at_ms,
        parts,
    }
}

/// Waits (on a JS timer, which holds no slot of ours) until the timer holds no slab, so a
/// measurement counts its own waits' slots rather than reusing room left by others (the
/// start-up warm-up's).
///
/// # Errors
/// When the timer stays busy for seconds (something else is waiting on it).
async fn timer_idle() -> Result<(), String> {
    for _ in 0..500 {
        if is_idle() {
            return Ok(());
        }
        let later = Promise::new(&mut |resolve, _| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10);
            }
        });
        let _ = JsFuture::from(later).await;
    }
    Err("the page's timers stayed busy: try again once nothing runs".into())
}

/// The Async strategy's waits when measured, ms, plus 2 ms per 1,000 tasks: they must
/// outlast the pass that first polls every task, which takes well under 2 µs a task even on
/// busy cores.
const STRATEGY_WAIT_MS: u32 = 200;

/// Measures `tasks` pending tasks of the Async strategy as a run holds them: each future
/// also carries its task's recorder, its workload's steps and its kernel's state. An I/O
/// run of `STRATEGY_WAIT_MS` waits or more, sampled once every wait is registered (right
/// after the pass that first polls them all); its records, once it ends, are counted apart.
/// No parts: the strategy's future is the executor's own.
///
/// # Errors
/// When the run does not end done.
pub async fn measure_strategy_tasks(tasks: u32) -> Result<TaskMemory, String> {
    let tasks = tasks.max(1);
    timer_idle().await?;
    let req = RunRequest::async_waits(tasks, STRATEGY_WAIT_MS + tasks / 500, Jitter::None, false);
    let sample: Rc<Cell<Option<(Sample, bool)>>> = Rc::default();
    let before = Sample::now();
    let sampler = sample.clone();
    wasm_bindgen_futures::spawn_local(async move {
        // The pass that first polls every task runs before any timer fires: this one fires
        // right after it, before the waits end.
        sleep(1.0).await;
        sampler.set(Some((Sample::now(), pending_timers() >= tasks as usize)));
    });
    let run = exec::run_to_end(req, CancelToken::default()).await?;
    let finished = alloc::heap();
    if !run.is_complete() {
        let how = match &run.head.outcome {
            Outcome::Done => "Done".to_string(),
            Outcome::Cancelled => "Cancelled".to_string(),
            Outcome::Failed(why) => format!("Failed: {why}"),
        };
        return Err(format!("the Async run ended {how}"));
    }
    drop(run);
    let Some((pending, true)) = sample.get() else {
        return Err(format!(
            "some of the {tasks} waits ended before every task had started: not measured"
        ));
    };
    Ok(measured(tasks, before, pending, finished, Vec::new()))
}

/// Measures the pool's threads: the browser's figure per worker where it offers one, and
/// the stack each thread reserves in the shared wasm memory.
pub async fn measure_threads() -> ThreadMemory {
    ThreadMemory {
        workers: pool::size().unwrap_or(0),
        browser: browser_memory().await,
        stack_bytes: THREAD_STACK_BYTES,
    }
}

/// A worker that only echoes: a Web Worker's own cost, and one that answers the browser.
const IDLE_WORKER_JS: &str = "onmessage = (e) => postMessage(e.data);";

/// `performance.measureUserAgentSpecificMemory()`, with the bytes the browser attributes to
/// the pool's workers and to an idle worker started for the occasion. Chromium waits up to
/// 60 s for workers that do not answer (ours are blocked in their rayon threads).
///
/// # Errors
/// Why the browser gives no figure: the API is missing (only Chromium has it, and only on a
/// cross-origin isolated page), or the measurement failed.
async fn browser_memory() -> Result<BrowserMemory, String> {
    let window = web_sys::window().ok_or("not on the main thread")?;
    let performance = window.performance().ok_or("no performance object")?;
    let measure = Reflect::get(&performance, &"measureUserAgentSpecificMemory".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok());
    let Some(measure) = measure else {
        return Err(if super::caps::detect().cross_origin_isolated {
            "this browser has no performance.measureUserAgentSpecificMemory() (Chromium has)".into()
        } else {
            "the page is not cross-origin isolated, so the browser does not measure".into()
        });
    };
    let idle = IdleWorker::start().await?;
    let t0 = now_ms();
    let result = async {
        let promise: Promise = measure.call0(&performance)?.dyn_into()?;
        JsFuture::from(promise).await
    }
    .await
    .map_err(|e| js_message(&e))?;
    let took_ms = now_ms() - t0;
    let number = |v: &JsValue, key: &str| {
        Reflect::get(v, &key.into())
            .ok()
            .and_then(|b| b.as_f64())
            .unwrap_or(0.0) as u64
    };
    let text = |v: &JsValue, key: &str| {
        Reflect::get(v, &key.into())
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    };
    let mut measured = BrowserMemory {
        total: number(&result, "bytes"),
        took_ms,
        ..BrowserMemory::default()
    };
    let breakdown = Reflect::get(&result, &"breakdown".into())
        .ok()
        .and_then(|b| b.dyn_into::<Array>().ok())
        .unwrap_or_default();
    for entry in breakdown.iter() {
        let attribution = Reflect::get(&entry, &"attribution".into())
            .ok()
            .and_then(|a| a.dyn_into::<Array>().ok())
            .unwrap_or_default();
        let worker = attribution
            .iter()
            .find(|a| text(a, "scope") == "DedicatedWorkerGlobalScope");
        match worker {
            Some(a) if text(&a, "url") == idle.url => {
                *measured.idle_worker.get_or_insert(0) += number(&entry, "bytes");
            }
            Some(_) => measured.pool_workers.push(number(&entry, "bytes")),
            None => {}
        }
    }
    Ok(measured)
}

/// An echoing worker from a `blob:` URL, terminated when dropped.
pub(crate) struct IdleWorker {
    worker: web_sys::Worker,
    url: String,
}

impl IdleWorker {
    /// Starts it and waits for its first echo (so it is running when measured).
    ///
    /// # Errors
    /// The browser's message when the worker cannot be created.
    pub(crate) async fn start() -> Result<Self, String> {
        let url = files::object_url(&Array::of1(&IDLE_WORKER_JS.into()), "text/javascript")?;
        let worker = web_sys::Worker::new(&url).map_err(|e| js_message(&e))?;
        let idle = IdleWorker { worker, url };
        // A worker that cannot load (a policy that forbids it, say) errors instead of echoing:
        // the measurement then says why rather than waiting for ever.
        let echoed = Promise::new(&mut |resolve, reject| {
            idle.worker.set_onmessage(Some(&resolve));
            idle.worker.set_onerror(Some(&reject));
        });
        idle.worker
            .post_message(&JsValue::NULL)
            .map_err(|e| js_message(&e))?;
        JsFuture::from(echoed)
            .await
            .map_err(|_| "an idle worker could not start".to_string())?;
        Ok(idle)
    }
}

impl Drop for IdleWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
        let _ = web_sys::Url::revoke_object_url(&self.url);
    }
}
