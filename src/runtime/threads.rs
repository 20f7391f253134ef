//! The threads strategy: tasks on a rayon pool of Web Workers (wasm-bindgen-rayon).
//!
//! Like Python's `ThreadPoolExecutor(max_workers=threads)`: `threads` runner jobs, each on its
//! own worker, pull task numbers from a shared counter until none are left. A wait is a
//! blocking `std::thread::sleep` (`memory.atomic.wait32`), so a waiting task holds its thread,
//! as a blocking `requests.get` does. The main thread never blocks: runners are sent with
//! `rayon::spawn` and report through the run's channel.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::clock::now_ms;
use super::exec::RunShared;
use crate::model::kernel::Kernel;
use crate::model::record::{Lane, SegmentKind, TaskRecord, TaskRecorder};
use crate::model::workload::{Plan, Step};

/// How often a worker checks for cancellation while waiting or computing, in ms.
const CHECK_MS: f64 = 10.0;

static POOL: OnceLock<u32> = OnceLock::new();

/// Starts the pool of `workers` Web Workers and returns how long that took, in ms.
///
/// # Errors
/// The browser's message when workers cannot start (for example without cross-origin
/// isolation), or when the pool was already started.
pub async fn start_pool(workers: u32) -> Result<f64, String> {
    if POOL.get().is_some() {
        return Err("the pool is already running".into());
    }
    let t0 = now_ms();
    wasm_bindgen_futures::JsFuture::from(wasm_bindgen_rayon::init_thread_pool(workers as usize))
        .await
        .map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))?;
    let took = now_ms() - t0;
    // What rayon itself reports, not what was asked for.
    let _ = POOL.set(rayon::current_num_threads() as u32);
    Ok(took)
}

/// Workers in the running pool, if it has started.
pub fn pool_size() -> Option<u32> {
    POOL.get().copied()
}

/// Sends `threads` runners to the pool.
///
/// # Errors
/// When the pool has not started or has fewer workers than `threads`.
pub fn start(plan: Arc<Plan>, shared: Arc<RunShared>, threads: u32) -> Result<(), String> {
    let size = pool_size().ok_or("the thread pool has not started")?;
    if threads > size {
        return Err(format!(
            "{threads} threads asked for, but the pool has {size} workers"
        ));
    }
    let next = Arc::new(AtomicU32::new(0));
    let runners_left = Arc::new(AtomicU32::new(threads));
    for _ in 0..threads {
        let (plan, shared, next, runners_left) = (
            plan.clone(),
            shared.clone(),
            next.clone(),
            runners_left.clone(),
        );
        rayon::spawn(move || {
            let lane = Lane::Worker(rayon::current_thread_index().unwrap_or(0) as u16);
            while !shared.cancel.is_cancelled() {
                let task = next.fetch_add(1, Ordering::AcqRel);
                if task >= plan.tasks() {
                    break;
                }
                if let Some(r) = run_blocking(&plan, task, &shared, lane) {
                    shared.emit(r);
                }
            }
            if runners_left.fetch_sub(1, Ordering::AcqRel) == 1 {
                shared.finish();
            }
        });
    }
    Ok(())
}

/// Runs one task on this worker, blocking it for waits.
fn run_blocking(plan: &Plan, task: u32, shared: &RunShared, lane: Lane) -> Option<TaskRecord> {
    let t0 = now_ms();
    shared.started(task, lane, t0);
    let mut rec = TaskRecorder::start(task, lane, shared.origin_ms, t0);
    let mut kernel = Kernel::new(u64::from(plan.params.seed), u64::from(task));
    let mut computed = false;
    let chunk = plan.calibration.units_for(CHECK_MS).max(1);
    for step in plan.steps(task) {
        if shared.cancel.is_cancelled() {
            return None;
        }
        let t0 = now_ms();
        match step {
            Step::Wait { ms } => {
                let deadline = t0 + ms;
                loop {
                    let left = deadline - now_ms();
                    if left <= 0.0 || shared.cancel.is_cancelled() {
                        break;
                    }
                    std::thread::sleep(Duration::from_secs_f64(left.min(CHECK_MS) / 1000.0));
                }
                rec.segment(SegmentKind::Wait, t0, now_ms());
            }
            Step::Compute { units, .. } => {
                computed = true;
                let mut left = units;
                while left > 0 {
                    if shared.cancel.is_cancelled() {
                        return None;
                    }
                    let n = left.min(chunk);
                    kernel.run(n);
                    left -= n;
                }
                rec.segment(SegmentKind::Cpu, t0, now_ms());
            }
        }
    }
    Some(rec.finish(now_ms(), if computed { kernel.checksum() } else { 0 }))
}
