//! Threads (`ThreadPoolExecutor(max_workers=threads)`): `threads` runner jobs on the worker
//! pool, each on its own worker, pull task numbers from a shared counter until none are left
//! and drive each task whole (`run_task`). Threads + GIL ([`super::gil`]) are the same
//! runners holding a lock to compute.
//!
//! A wait is a blocking `std::thread::sleep` (`memory.atomic.wait32`, allowed in workers
//! only), so a waiting task holds its worker, as a blocking `requests.get` does. Waits are cut
//! into [`CHECK_MS`] pieces, and computations come in slices, so a cancel is noticed within
//! one.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use super::Executor;
use crate::model::experiment::fault::Injected;
use crate::model::experiment::kernel::{Calibration, Kernel};
use crate::model::experiment::workload::Plan;
use crate::model::run::gil::Gil;
use crate::model::run::interpreter::{Action, CHECK_MS, ComputeOn, Interpreter};
use crate::model::run::record::{Lane, TaskRecord};
use crate::runtime::clock::{BrowserClock, now_ms};
use crate::runtime::run_shared::{CancelToken, RunShared};
use crate::runtime::{faults, pool};

/// A run on the pool: its runners report through the run's channel; a worker's fault reaches
/// the run through the pool.
pub(super) struct OnPool;

impl Executor for OnPool {}

// show-code: threads
/// Sends `threads` runners to the pool; with a `gil`, they compute only while holding it.
///
/// # Errors
/// When the pool has not started, has failed, or has fewer workers than `threads`.
pub(super) fn start(
    plan: Arc<Plan>,
    shared: Arc<RunShared>,
    threads: u32,
    inject: Option<Injected>,
    gil: Option<Arc<Gil>>,
) -> Result<OnPool, String> {
    let size = pool::healthy_size()?;
    if threads > size {
        return Err(format!(
            "{threads} threads asked for, but the pool has {size} workers"
        ));
    }
    let inject = inject.filter(|f| f.in_worker_task());
    let next = Arc::new(AtomicU32::new(0));
    let runners_left = Arc::new(AtomicU32::new(threads));
    for _ in 0..threads {
        let (plan, shared, next, runners_left, gil) = (
            plan.clone(),
            shared.clone(),
            next.clone(),
            runners_left.clone(),
            gil.clone(),
        );
        pool::spawn(move || {
            let lane = Lane::Worker(rayon::current_thread_index().unwrap_or(0) as u16);
            while !shared.cancel.is_cancelled() {
                let task = next.fetch_add(1, Ordering::AcqRel);
                if task >= plan.tasks() {
                    break;
                }
                if task == 0 {
                    faults::strike(inject);
                }
                shared.started(task, lane, now_ms());
                if let Some(r) = run_task(
                    &plan,
                    task,
                    shared.origin_ms,
                    lane,
                    &shared.cancel,
                    gil.as_deref(),
                ) {
                    shared.emit(r);
                }
            }
            if runners_left.fetch_sub(1, Ordering::AcqRel) == 1 {
                shared.finish();
            }
        })?;
    }
    Ok(OnPool)
}
// end show-code: threads

// show-code: run_task
/// Drives one task on this worker, blocking it for waits, with times relative to the run's
/// `origin_ms`; with a `gil`, each computation holds it (waits do not), letting it go whenever
/// a waiting thread asks. `None` if cancelled.
fn run_task(
    plan: &Plan,
    task: u32,
    origin_ms: f64,
    lane: Lane,
    cancel: &CancelToken,
    gil: Option<&Gil>,
) -> Option<TaskRecord> {
    let clock = BrowserClock;
    let on = match gil {
        Some(_) => ComputeOn::ThreadWithGil,
        None => ComputeOn::Thread,
    };
    let mut t = Interpreter::start(plan, task, lane, origin_ms, on, &clock);
    let cancelled = || cancel.is_cancelled();
    let under_gil = || gil.expect("only a task under the GIL asks for its lock");
    loop {
        if cancelled() {
            if t.holds_lock() {
                under_gil().release();
            }
            return None;
        }
        match t.next_action() {
            Action::Wait { from_ms, ms } => {
                block_until(from_ms + ms, cancel);
                t.waited(&clock);
            }
            Action::Compute { .. } => {
                t.compute(&clock);
                if gil.is_some_and(Gil::drop_requested) {
                    t.drop_requested(&clock);
                }
            }
            Action::Lock => {
                if !under_gil().acquire(&cancelled) {
                    return None;
                }
                t.locked(&clock);
            }
            Action::HandOver => {
                if !under_gil().hand_over(&cancelled) {
                    return None;
                }
                t.locked(&clock);
            }
            Action::Unlock => under_gil().release(),
            Action::Done => return Some(t.finish()),
            Action::Yield | Action::Offload { .. } => {
                unreachable!("a task on a thread of its own neither yields nor hands its work on")
            }
        }
    }
}
// end show-code: run_task

/// Blocks this worker (a real sleep, as `time.sleep` on a thread) until `deadline_ms`, or until
/// the run is cancelled, checked every [`CHECK_MS`].
pub(super) fn block_until(deadline_ms: f64, cancel: &CancelToken) {
    loop {
        let left = deadline_ms - now_ms();
        if left <= 0.0 || cancel.is_cancelled() {
            break;
        }
        std::thread::sleep(Duration::from_secs_f64(left.min(CHECK_MS) / 1000.0));
    }
}

/// Runs `units` of `kernel`'s work on this worker in slices of [`CHECK_MS`], checking for
/// cancellation between them; `false` if cancelled before the end.
pub(super) fn compute_unless_cancelled(
    kernel: &mut Kernel,
    units: u64,
    calibration: &Calibration,
    cancel: &CancelToken,
) -> bool {
    let chunk = calibration.units_for(CHECK_MS).max(1);
    let mut left = units;
    while left > 0 {
        if cancel.is_cancelled() {
            return false;
        }
        let n = left.min(chunk);
        kernel.run(n);
        left -= n;
    }
    true
}
