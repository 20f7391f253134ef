//! The "Interleaving and shared state" demos in the browser: each runs the same small
//! program as async tasks on the event loop and as threads on the worker pool, and measures
//! what happened (the logic and the verdicts are in `model::demos`).
//!
//! Threads are jobs on the pool ([`super::pool::spawn`]); their results come back through
//! oneshot channels the main thread awaits, so it never blocks. Async tasks run in a
//! [`super::event_loop::TaskSet`], the async strategy's scheduler.

pub mod deadlock;
pub mod errors;
pub mod interleave;
pub mod queue;
pub mod race;
pub mod scale;
pub mod spawn;
pub mod switch;

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

use super::clock::now_ms;
use super::pool;
use crate::model::experiment::kernel::Kernel;

/// How long tasks started together wait for each other at most, in ms (a busy pool may
/// start one late; they then go without it).
const START_TOGETHER_MS: f64 = 200.0;

/// The pool's size, if it can run `n` demo threads at once.
///
/// # Errors
/// Why not: the pool is not running, or it has fewer than `n` workers.
pub fn workers_for(n: u32) -> Result<u32, String> {
    match pool::size() {
        None => Err(pool::failure().map_or_else(
            || "the thread pool is not running".to_string(),
            |why| format!("the thread pool failed ({why}); restart it"),
        )),
        Some(size) if size < n => Err(format!(
            "the threads need {n} workers at once; the pool has {size}"
        )),
        Some(size) => Ok(size),
    }
}

/// Runs `job` on a pool worker; the future resolves with its result (`None` if the worker
/// died before it finished).
///
/// # Errors
/// When the pool has not started or has failed.
pub fn on_pool<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<impl Future<Output = Option<T>>, String> {
    let (tx, rx) = futures_channel::oneshot::channel();
    pool::spawn(move || {
        let _ = tx.send(job());
    })?;
    Ok(async move { rx.await.ok() })
}

/// What a demo says when a worker died before its job finished.
pub const DIED: &str = "a worker died during the demo";

/// Awaits every job's result, in order.
///
/// # Errors
/// When a worker died before its job finished.
pub async fn join<T>(jobs: Vec<impl Future<Output = Option<T>>>) -> Result<Vec<T>, String> {
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        out.push(job.await.ok_or(DIED)?);
    }
    Ok(out)
}

/// On a worker: arrives, then spins until `n` threads have (or `START_TOGETHER_MS`
/// passed), so they run at the same time instead of one after the other's wake-up.
pub fn start_together(arrived: &AtomicU32, n: u32) {
    arrived.fetch_add(1, Ordering::AcqRel);
    let give_up = now_ms() + START_TOGETHER_MS;
    while arrived.load(Ordering::Acquire) < n && now_ms() < give_up {
        std::hint::spin_loop();
    }
}

/// Computes `units` of the kernel's work: work of a fixed size, whose duration varies from
/// run to run as real work does (unlike [`busy_us`], which ends on a clock tick: two threads
/// spinning on one clock finish their steps in lockstep).
pub fn compute(units: u64) {
    let mut kernel = Kernel::new(0, 0);
    kernel.run(units);
    std::hint::black_box(kernel.checksum());
}

/// Computes for `us` µs (on whichever thread calls it): an item's work.
pub fn busy_us(us: f64) {
    let end = now_ms() + us / 1000.0;
    while now_ms() < end {
        std::hint::spin_loop();
    }
}
