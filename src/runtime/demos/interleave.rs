//! Interleaving: `do_first` and `do_second` log their steps into one trace, as async tasks
//! (a step, then `await`) and as two threads (a step, then a lock-free append).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use super::{compute, join, on_pool, start_together, workers_for};
use crate::model::demos::interleave::Step;
use crate::runtime::clock::now_ms;
use crate::runtime::event_loop::TaskSet;
use crate::runtime::timer::yield_now;

/// Kernel units each step computes before it is logged (about a tenth of a millisecond):
/// long enough that two threads' steps overlap, short enough that the cores' and the OS's
/// timing decide which logs first.
const STEP_UNITS: u64 = 60_000;

/// Every run's trace, per model.
#[derive(Debug, Clone)]
pub struct Interleavings {
    /// How long one step's computation took on the main thread, in µs (measured once).
    pub step_us: f64,
    pub asyn: Vec<Vec<Step>>,
    /// Why threads could not run, if they could not.
    pub threads: Result<Vec<Vec<Step>>, String>,
}

/// `runs` runs of `steps` steps per task in each model.
pub async fn run(steps: u32, runs: u32) -> Interleavings {
    let t0 = now_ms();
    compute(STEP_UNITS);
    let step_us = (now_ms() - t0) * 1000.0;
    let mut asyn = Vec::new();
    for _ in 0..runs {
        asyn.push(async_trace(steps).await);
    }
    let threads = async {
        let mut out = Vec::new();
        for _ in 0..runs {
            out.push(threads_trace(steps).await?);
            yield_now().await;
        }
        Ok(out)
    }
    .await;
    Interleavings {
        step_us,
        asyn,
        threads,
    }
}

/// One async run: each task computes a step, logs it, and awaits (`asyncio.sleep(0)`).
pub async fn async_trace(steps: u32) -> Vec<Step> {
    let trace = Rc::new(RefCell::new(Vec::new()));
    let task = |task: u8| {
        let trace = trace.clone();
        async move {
            for step in 0..steps as u16 {
                compute(STEP_UNITS);
                trace.borrow_mut().push(Step { task, step });
                yield_now().await;
            }
        }
    };
    TaskSet::spawn_all([task(0), task(1)]).drive().await;
    trace.take()
}

/// One threads run: two workers start together; each computes a step and appends it to the
/// shared trace (an atomic index into preallocated slots), with no await and no lock.
///
/// # Errors
/// When the pool cannot run two threads at once.
pub async fn threads_trace(steps: u32) -> Result<Vec<Step>, String> {
    workers_for(2)?;
    let slots: Arc<Vec<AtomicU32>> = Arc::new((0..2 * steps).map(|_| AtomicU32::new(0)).collect());
    let next = Arc::new(AtomicUsize::new(0));
    let arrived = Arc::new(AtomicU32::new(0));
    let mut jobs = Vec::new();
    for task in 0..2u8 {
        let (slots, next, arrived) = (slots.clone(), next.clone(), arrived.clone());
        jobs.push(on_pool(move || {
            start_together(&arrived, 2);
            for step in 0..steps as u16 {
                compute(STEP_UNITS);
                let at = next.fetch_add(1, Ordering::AcqRel);
                slots[at].store(Step { task, step }.pack(), Ordering::Release);
            }
        })?);
    }
    join(jobs).await?;
    Ok(slots
        .iter()
        .filter_map(|s| Step::unpack(s.load(Ordering::Acquire)))
        .collect())
}
