//! Async + executor (asyncio's `run_in_executor` / `to_thread`): async tasks on the event
//! loop, as [`super::async_tasks`], whose computations go to the worker pool through
//! [`threads::offload`], at most `threads` at once (`ThreadPoolExecutor(max_workers=threads)`);
//! a task awaits its computation's result, so the main thread stays free.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::poll_fn;
use std::task::{Poll, Waker};

use super::main_run::MainRun;
use crate::model::kernel::Kernel;
use crate::model::record::{SegmentKind, TaskRecorder};
use crate::runtime::clock::now_ms;
use crate::runtime::threads;

/// The executor's threads, as a count of free ones (asyncio's `ThreadPoolExecutor` with
/// `max_workers=threads`): a computation takes one, or waits on the event loop for one.
pub(super) struct ExecutorSlots {
    free: Cell<u32>,
    waiting: RefCell<VecDeque<Waker>>,
}

impl ExecutorSlots {
    pub(super) fn new(threads: u32) -> Self {
        ExecutorSlots {
            free: Cell::new(threads.max(1)),
            waiting: RefCell::default(),
        }
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

/// One computation of an async + executor task, from `now`: waits on the event loop for a
/// free thread of the executor, hands the work to it, and awaits the result. Returns the
/// kernel after it and the time it came back; `None` if cancelled or the pool failed (then
/// the run is told why).
pub(super) async fn in_executor(
    main: &MainRun,
    executor: &ExecutorSlots,
    kernel: Kernel,
    units: u64,
    rec: &mut TaskRecorder,
    now: f64,
) -> Option<(Kernel, f64)> {
    let _thread = executor.take().await;
    let cancel = main.shared.cancel.clone();
    let Some(done) = threads::offload(kernel, units, main.plan.calibration, cancel).await else {
        if !main.shared.cancel.is_cancelled() {
            main.failure
                .replace(Some(threads::pool_failure().unwrap_or_else(|| {
                    "a computation handed to the executor never came back".into()
                })));
        }
        return None;
    };
    rec.segment(SegmentKind::Wait, now, done.start_ms);
    rec.segment_on(
        Some(done.lane),
        SegmentKind::Cpu,
        done.start_ms,
        done.end_ms,
    );
    let back = now_ms();
    rec.segment(SegmentKind::Wait, done.end_ms, back);
    Some((done.kernel, back))
}
