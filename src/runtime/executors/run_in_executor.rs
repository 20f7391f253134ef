//! Async + executor (asyncio's `run_in_executor` / `to_thread`): async tasks on the event
//! loop, as [`super::async_tasks`], whose computations go to the worker pool, at most
//! `threads` at once (`ThreadPoolExecutor(max_workers=threads)`); a task awaits its
//! computation's result, so the main thread stays free.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::poll_fn;
use std::task::{Poll, Waker};

use crate::model::run::interpreter::Offloaded;
use crate::model::experiment::kernel::{Calibration, Kernel};
use crate::runtime::run_shared::CancelToken;
use super::threads::{block_until, compute_unless_cancelled};
use crate::model::run::record::Lane;
use crate::runtime::clock::now_ms;
use crate::runtime::pool;

/// The executor's threads, as a count of free ones (asyncio's `ThreadPoolExecutor` with
/// `max_workers=threads`): a computation takes one, or waits on the event loop for one.
pub(super) struct ExecutorSlots {
    free: Cell<u32>,
    waiting: RefCell<VecDeque<Waker>>,
    /// Why a computation never came back (the pool failed), for the run.
    failure: RefCell<Option<String>>,
}

impl ExecutorSlots {
    pub(super) fn new(threads: u32) -> Self {
        ExecutorSlots {
            free: Cell::new(threads.max(1)),
            waiting: RefCell::default(),
            failure: RefCell::default(),
        }
    }

    /// Why the run cannot finish, once.
    pub(super) fn take_failure(&self) -> Option<String> {
        self.failure.take()
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

// show-code: offload
/// What a task hands the executor: a computation (`run_in_executor(None, compute, ...)`), or a
/// blocking wait (`run_in_executor(None, time.sleep, ...)`), which holds its thread.
pub(super) enum Job {
    Compute {
        kernel: Kernel,
        units: u64,
        calibration: Calibration,
    },
    Block {
        ms: f64,
    },
}

/// One step of an async + executor task: waits on the event loop for a free thread of the
/// executor, hands it `job`, and awaits what comes back. `None` if cancelled, or if the pool
/// failed (then [`ExecutorSlots::take_failure`] says why).
pub(super) async fn offload(
    executor: &ExecutorSlots,
    job: Job,
    cancel: &CancelToken,
) -> Option<Offloaded> {
    let _thread = executor.take().await;
    let back = on_a_worker(job, cancel.clone()).await;
    if back.is_none() && !cancel.is_cancelled() {
        executor
            .failure
            .replace(Some(pool::failure().unwrap_or_else(|| {
                "a step handed to the executor never came back".into()
            })));
    }
    back
}

/// Runs `job` on a worker of the pool and resolves with what came back; the main thread stays
/// free meanwhile. `None` when the pool has failed, the worker died, or the run was cancelled
/// (the worker stops within [`CHECK_MS`](crate::model::run::interpreter::CHECK_MS)).
async fn on_a_worker(job: Job, cancel: CancelToken) -> Option<Offloaded> {
    let (tx, rx) = futures_channel::oneshot::channel();
    pool::spawn(move || {
        let lane = Lane::Worker(rayon::current_thread_index().unwrap_or(0) as u16);
        let start_ms = now_ms();
        let kernel = match job {
            Job::Compute {
                mut kernel,
                units,
                calibration,
            } => compute_unless_cancelled(&mut kernel, units, &calibration, &cancel).then_some(Some(kernel)),
            Job::Block { ms } => {
                block_until(start_ms + ms, &cancel);
                (!cancel.is_cancelled()).then_some(None)
            }
        };
        let Some(kernel) = kernel else {
            return;
        };
        let _ = tx.send(Offloaded {
            kernel,
            start_ms,
            end_ms: now_ms(),
            lane,
        });
    })
    .ok()?;
    rx.await.ok()
}
// end show-code: offload
