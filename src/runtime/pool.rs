//! The worker pool: a rayon pool of Web Workers that this module starts, watches and
//! restarts, and hands jobs to (the threads, GIL and executor strategies in
//! [`super::executors`], calibration, demos).
//!
//! The pool is a plain (not global) `rayon::ThreadPool` whose threads run in workers spawned
//! by `pool.js`, one leaked `ThreadBuilder` each (README says why not wasm-bindgen-rayon's
//! global pool): `build()` returns at once, the main thread awaits the workers' messages, a
//! worker's fault reaches the page as a message, and a failed pool is dropped and started
//! anew.
//!
//! The main thread never blocks: it only calls `ThreadPool::spawn` (rayon's `web_spin_lock`
//! makes its rare lock contention a short spin, never `Atomics.wait`) and reads atomics.

use std::cell::RefCell;
use std::future::{Future, poll_fn};
use std::sync::Arc;
use std::task::{Poll, Waker};

use wasm_bindgen::prelude::*;

use super::clock::now_ms;
use super::timer::sleep;
use super::{js_message, location};
use crate::model::experiment::fault::Injected;


/// How long a failed pool's live workers get to finish their current check interval (they
/// stop within [`CHECK_MS`](crate::model::run::interpreter::CHECK_MS) of the cancel) before they
/// are terminated, in ms.
pub const RETIRE_FAILED_GRACE_MS: f64 = 200.0;
/// How long workers may take to start before the pool is declared failed: generous, so that
/// a large pool on a slow, busy machine is not taken for a broken one.
const START_TIMEOUT_MS: f64 = 10_000.0;
const START_TIMEOUT_PER_WORKER_MS: f64 = 100.0;
/// How often the main thread checks whether the workers have instantiated a chunk, in ms.
const CHUNK_POLL_MS: f64 = 5.0;

#[wasm_bindgen(module = "/src/runtime/pool.js")]
extern "C" {
    #[wasm_bindgen(js_name = spawnWorker, catch)]
    #[allow(clippy::too_many_arguments)]
    fn spawn_worker(
        module: &JsValue,
        memory: &JsValue,
        main_js: &JsValue,
        thread: usize,
        fail: bool,
        generation: u32,
        index: u32,
        on_event: &JsValue,
    ) -> Result<web_sys::Worker, JsValue>;

    #[wasm_bindgen(js_name = instantiateChunk, catch)]
    fn instantiate_chunk(url: &str, exports: &JsValue) -> Result<(), JsValue>;
}

/// A worker's entry point (called by `pool.js`): runs one rayon thread until the pool ends.
#[wasm_bindgen]
pub fn avt_worker_main(thread: usize) {
    // SAFETY: `thread` is the `Box<ThreadBuilder>` that `start` leaked for this worker
    // alone, and `pool.js` calls this once per worker.
    let builder = unsafe { Box::from_raw(thread as *mut rayon::ThreadBuilder) };
    builder.run();
}

/// A fault in a worker: what happened, and when (shared clock).
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub worker: u32,
    pub message: String,
    pub at_ms: f64,
}

struct Pool {
    rayon: Arc<rayon::ThreadPool>,
    workers: Vec<web_sys::Worker>,
}

#[derive(Default)]
struct PoolState {
    pool: Option<Pool>,
    /// Bumped by every start, so events of a retired pool's workers are told apart.
    generation: u32,
    /// Workers of the current generation that reported ready.
    ready: u32,
    /// Faults not yet taken by a run (or by the start-up).
    faults: Vec<Fault>,
    /// Workers of the current generation that faulted (their threads are gone), whether or
    /// not a run has taken their fault yet.
    dead: Vec<u32>,
    /// The first fault since the pool started: it needs a restart.
    failed: Option<String>,
    /// When the latest fault happened (shared clock).
    last_fault_at: Option<f64>,
    /// Retired workers, terminated when they report that their thread ended.
    retiring: Vec<(u32, u32, web_sys::Worker)>,
    waker: Option<Waker>,
    on_event: Option<Closure<OnEvent>>,
    /// The wasm chunks (URLs) the main thread has loaded, which every worker instantiates too:
    /// the running pool's when one loads ([`load_chunk`]), a new pool's before it is ready.
    chunks: Vec<String>,
}

/// `(generation, worker, kind, message, at_ms)` from a worker, through `pool.js`.
type OnEvent = dyn FnMut(u32, u32, String, String, f64);

thread_local! {
    static STATE: RefCell<PoolState> = RefCell::new(PoolState::default());
}

fn on_event(generation: u32, index: u32, kind: String, message: String, at_ms: f64) {
    let waker = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let current = generation == s.generation;
        match kind.as_str() {
            "ready" if current => s.ready += 1,
            "exit" | "fault" if !current => {
                // A retired worker whose thread ended (or died): let it go.
                if let Some(i) = s
                    .retiring
                    .iter()
                    .position(|(g, k, _)| *g == generation && *k == index)
                {
                    s.retiring.swap_remove(i).2.terminate();
                }
            }
            // A panic posts its message before the trap that follows it: keep the first.
            "fault" if !s.dead.contains(&index) => {
                s.dead.push(index);
                let message = format!("worker {index}: {message}");
                s.failed.get_or_insert_with(|| message.clone());
                s.last_fault_at = Some(at_ms);
                s.faults.push(Fault {
                    worker: index,
                    message,
                    at_ms,
                });
            }
            _ => {}
        }
        s.waker.take()
    });
    if let Some(w) = waker {
        w.wake();
    }
}

/// Drops the current pool: its threads end once idle (runs must have been stopped first) and
/// their workers are terminated then; workers that faulted are terminated at once. A failed
/// pool never ends by itself: rayon keeps a registry alive while any job it was given is
/// unfinished, and the job that faulted never finishes. Its live workers are terminated after
/// a grace period instead, once the cancelled runs' checks have let them go idle.
fn retire() {
    let failed_generation = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let pool = s.pool.take()?;
        let generation = s.generation;
        let dead = std::mem::take(&mut s.dead);
        for (k, w) in pool.workers.into_iter().enumerate() {
            // A dead worker never reports that its thread ended.
            if dead.contains(&(k as u32)) {
                w.terminate();
            } else {
                s.retiring.push((generation, k as u32, w));
            }
        }
        // Dropping the last handle terminates the registry; its threads return from `run`.
        drop(pool.rayon);
        s.faults.clear();
        s.failed = None;
        s.ready = 0;
        (!dead.is_empty()).then_some(generation)
    });
    if let Some(generation) = failed_generation {
        wasm_bindgen_futures::spawn_local(async move {
            sleep(RETIRE_FAILED_GRACE_MS).await;
            STATE.with(|s| {
                s.borrow_mut().retiring.retain(|(g, _, w)| {
                    if *g == generation {
                        w.terminate();
                    }
                    *g != generation
                })
            });
        });
    }
}

/// Why a pool did not start, and how many of its workers did.
#[derive(Debug, Clone, PartialEq)]
pub struct StartError {
    pub why: String,
    pub started: u32,
}

/// Starts (or restarts) the pool with `workers` Web Workers and returns how long that took,
/// in ms. `inject` may name a test-only start-up fault. The workers are created at the call,
/// not when the future is first polled: called before the page is built, they boot on their
/// own threads while the main thread builds it.
///
/// # Errors
/// The browser's message when a worker cannot be created or fails while starting, or when
/// not every worker started in time; the pool is then dropped, so a smaller one may be tried.
pub fn start(
    workers: u32,
    inject: Option<Injected>,
) -> impl Future<Output = Result<f64, StartError>> {
    let spawned = spawn_pool(workers, inject);
    async move {
        let (t0, n) = spawned?;
        wait_for_workers(t0, n).await?;
        let chunks = STATE.with(|s| s.borrow().chunks.clone());
        if !chunks.is_empty() {
            let pool = healthy_pool()
                .map_err(|why| StartError { why, started: 0 })?
                .0;
            if let Err(e) = instantiate_chunks(&pool, n, chunks).await {
                let why = match e {
                    ChunkError::Failed(why) => why,
                    ChunkError::PoolGone => "a worker failed while loading part of the page".into(),
                };
                retire();
                return Err(StartError { why, started: 0 });
            }
        }
        Ok(now_ms() - t0)
    }
}

/// Instantiates a wasm chunk that the main thread has just loaded (at `url`) in every worker
/// of the running pool, and in those of every pool started after. Resolves once each running
/// worker has it (a worker busy with a run gets to it after its job), or once that pool has
/// failed or been replaced (a new pool instantiates it before it is ready); without a running
/// pool, at once.
///
/// # Errors
/// Why a worker could not instantiate it.
pub async fn load_chunk(url: String) -> Result<(), String> {
    STATE.with(|s| s.borrow_mut().chunks.push(url.clone()));
    match healthy_pool() {
        Ok((pool, n)) => match instantiate_chunks(&pool, n as usize, vec![url]).await {
            Err(ChunkError::PoolGone) => Ok(()),
            Err(ChunkError::Failed(why)) => Err(why),
            Ok(()) => Ok(()),
        },
        Err(_) => Ok(()),
    }
}

/// Why the workers did not all instantiate a chunk.
enum ChunkError {
    /// The pool failed or was replaced meanwhile.
    PoolGone,
    /// A worker could not (the browser's reason).
    Failed(String),
}

/// Runs [`instantiate_chunk`] for each of `urls` on every one of the pool's `n` threads.
async fn instantiate_chunks(
    pool: &rayon::ThreadPool,
    n: usize,
    urls: Vec<String>,
) -> Result<(), ChunkError> {
    let generation = STATE.with(|s| s.borrow().generation);
    let (tx, mut rx) = futures_channel::mpsc::unbounded();
    pool.spawn_broadcast(move |_| {
        let exports = wasm_bindgen::exports();
        let done = urls
            .iter()
            .try_for_each(|url| instantiate_chunk(url, &exports))
            .map_err(|e| js_message(&e));
        let _ = tx.unbounded_send(done);
    });
    let mut loaded = 0;
    while loaded < n {
        match rx.try_recv() {
            Ok(Ok(())) => loaded += 1,
            Ok(Err(why)) => {
                return Err(ChunkError::Failed(format!(
                    "a worker could not load part of the page ({why})"
                )));
            }
            Err(_) => {
                let gone = STATE.with(|s| {
                    let s = s.borrow();
                    s.generation != generation || s.failed.is_some()
                });
                if gone {
                    return Err(ChunkError::PoolGone);
                }
                sleep(CHUNK_POLL_MS).await;
            }
        }
    }
    Ok(())
}

/// Creates the pool's workers; returns when that began and how many there are.
fn spawn_pool(workers: u32, inject: Option<Injected>) -> Result<(f64, usize), StartError> {
    retire();
    let t0 = now_ms();
    let n = workers.max(1) as usize;
    let mut builders = Vec::with_capacity(n);
    let rayon = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .spawn_handler(|thread| {
            builders.push(thread);
            Ok(())
        })
        .build()
        .map_err(|e| StartError {
            why: e.to_string(),
            started: 0,
        })?;
    let generation = STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.generation += 1;
        s.on_event.get_or_insert_with(|| Closure::new(on_event));
        s.generation
    });
    let on_event: JsValue = STATE.with(|s| {
        s.borrow()
            .on_event
            .as_ref()
            .map(|c| c.as_ref().clone())
            .unwrap_or(JsValue::UNDEFINED)
    });
    let (module, memory, main_js) = (
        wasm_bindgen::module(),
        wasm_bindgen::memory(),
        location::glue_js(),
    );
    let mut spawned = Vec::with_capacity(n);
    let mut spawn_error = None;
    for (i, builder) in builders.into_iter().enumerate() {
        if spawn_error.is_some() {
            drop(builder);
            continue;
        }
        let thread = Box::into_raw(Box::new(builder));
        let fail = inject == Some(Injected::WorkerStart) && i + 1 == n;
        match spawn_worker(
            &module,
            &memory,
            &main_js,
            thread as usize,
            fail,
            generation,
            i as u32,
            &on_event,
        ) {
            Ok(w) => spawned.push(w),
            Err(e) => {
                // SAFETY: no worker received this pointer.
                drop(unsafe { Box::from_raw(thread) });
                spawn_error = Some(js_message(&e));
            }
        }
    }
    let started = spawned.len() as u32;
    STATE.with(|s| {
        s.borrow_mut().pool = Some(Pool {
            rayon: Arc::new(rayon),
            workers: spawned,
        })
    });
    if let Some(e) = spawn_error {
        retire();
        return Err(StartError {
            why: format!("the browser could create only {started} of {n} workers ({e})"),
            started,
        });
    }
    Ok((t0, n))
}

/// Waits until the `n` workers spawned at `t0` have started, one has failed, or time is up.
async fn wait_for_workers(t0: f64, n: usize) -> Result<f64, StartError> {
    let deadline = t0 + START_TIMEOUT_MS + START_TIMEOUT_PER_WORKER_MS * n as f64;
    let mut timeout = Box::pin(sleep(deadline - now_ms()));
    let outcome = poll_fn(|cx| {
        let state = STATE.with(|s| {
            let mut s = s.borrow_mut();
            s.waker = Some(cx.waker().clone());
            (s.ready, s.faults.first().cloned())
        });
        match state {
            (ready, Some(f)) => Poll::Ready(Err(StartError {
                why: format!(
                    "a worker failed while starting ({}); {ready} of {n} had started",
                    f.message
                ),
                started: ready,
            })),
            (ready, None) if ready as usize >= n => Poll::Ready(Ok(())),
            (ready, None) => match timeout.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(StartError {
                    why: format!(
                        "only {ready} of {n} workers started within {:.0} s",
                        (deadline - t0) / 1000.0
                    ),
                    started: ready,
                })),
                Poll::Pending => Poll::Pending,
            },
        }
    })
    .await;
    match outcome {
        Ok(()) => Ok(now_ms() - t0),
        Err(e) => {
            retire();
            Err(e)
        }
    }
}

/// The running pool and its size, unless it has not started or has failed.
fn healthy_pool() -> Result<(Arc<rayon::ThreadPool>, u32), String> {
    STATE.with(|s| {
        let s = s.borrow();
        if let Some(why) = &s.failed {
            return Err(format!("the pool must be restarted: {why}"));
        }
        s.pool
            .as_ref()
            .map(|p| (p.rayon.clone(), p.workers.len() as u32))
            .ok_or_else(|| "the thread pool has not started".to_owned())
    })
}

/// Workers in the running pool, if it has started (and not failed).
pub fn size() -> Option<u32> {
    healthy_pool().ok().map(|(_, size)| size)
}

/// Workers in the running pool.
///
/// # Errors
/// Why there is no pool to run on: it has not started, or must be restarted after a fault.
pub fn healthy_size() -> Result<u32, String> {
    healthy_pool().map(|(_, size)| size)
}

/// Retired workers not yet terminated (for tests and the soak: none should linger).
pub fn retiring_workers() -> usize {
    STATE.with(|s| s.borrow().retiring.len())
}

/// Why the pool must be restarted (a worker faulted), if it must.
pub fn failure() -> Option<String> {
    STATE.with(|s| s.borrow().failed.clone())
}

/// When the latest worker fault happened (shared clock), for how fast it was reported.
pub fn last_fault_at_ms() -> Option<f64> {
    STATE.with(|s| s.borrow().last_fault_at)
}

/// A fault reported since the last call, if any.
pub fn take_fault() -> Option<Fault> {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        (!s.faults.is_empty()).then(|| s.faults.remove(0))
    })
}

/// Runs `job` on a worker of the pool (never on the main thread).
///
/// # Errors
/// When the pool has not started or has failed.
pub fn spawn(job: impl FnOnce() + Send + 'static) -> Result<(), String> {
    healthy_pool()?.0.spawn(job);
    Ok(())
}
