//! The async strategy's scheduler: a set of tasks and a ready queue, driven by one
//! `spawn_local` task, the way asyncio's `BaseEventLoop._run_once` runs the callbacks in its
//! `_ready` deque.
//!
//! Each task stays its own future, woken on its own: a wake-up pushes the task's index onto
//! the ready queue (once, however often it is woken) and wakes the driver; the driver polls
//! exactly the tasks that were woken, one pass per turn of the browser's event loop. Why not
//! `spawn_local` per task: in atomics builds wasm-bindgen-futures gives every pending task its
//! own JS closure and `Atomics.waitAsync` promise, which made 10,000 waits of 100 ms take
//! 124-138 ms; here a pending task costs one boxed future and one waker.
//!
//! Dropping a [`TaskSet`] drops every unfinished future, and with them their timers (see
//! `timer`), so a cancelled run leaves nothing behind to wake during the next one.
//! Main thread only.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use super::clock::now_ms;
use crate::model::record::{SCHEDULERS, SchedulerCost};

type Task = Pin<Box<dyn Future<Output = ()>>>;

/// Indices of woken tasks, and the driver to wake when the first one arrives. Wakers must be
/// `Send + Sync`, hence the `Mutex`; only the main thread ever touches it, so it is never
/// contended and never waits.
#[derive(Default)]
struct ReadyQueue {
    woken: Mutex<Vec<u32>>,
    driver: Mutex<Option<Waker>>,
}

impl ReadyQueue {
    #[cfg_attr(target_feature = "atomics", optimize(speed))]
    fn push(&self, task: u32) {
        self.woken
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(task);
        let driver = self.driver.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(driver) = driver {
            driver.wake();
        }
    }

    fn take(&self) -> Vec<u32> {
        std::mem::take(&mut *self.woken.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

struct TaskWaker {
    task: u32,
    /// Already in the ready queue: later wake-ups before its poll add nothing.
    queued: AtomicBool,
    ready: Arc<ReadyQueue>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.queued.swap(true, Ordering::AcqRel) {
            self.ready.push(self.task);
        }
    }
}

struct Inner {
    tasks: RefCell<Vec<Option<Task>>>,
    wakers: RefCell<Vec<Arc<TaskWaker>>>,
    ready: Arc<ReadyQueue>,
    live: Cell<usize>,
    spawn_ms: Cell<f64>,
    polls: Cell<u64>,
    poll_ms: Cell<f64>,
    dropped: Cell<bool>,
}

/// A set of tasks on the event loop, polled from one ready queue.
#[derive(Clone)]
pub struct TaskSet {
    inner: Rc<Inner>,
}

impl Default for TaskSet {
    fn default() -> Self {
        Self::new()
    }
}

impl TaskSet {
    /// An empty set; nothing runs until [`TaskSet::drive`] is spawned.
    pub fn new() -> Self {
        TaskSet {
            inner: Rc::new(Inner {
                tasks: RefCell::new(Vec::new()),
                wakers: RefCell::new(Vec::new()),
                ready: Arc::new(ReadyQueue::default()),
                live: Cell::new(0),
                spawn_ms: Cell::new(0.0),
                polls: Cell::new(0),
                poll_ms: Cell::new(0.0),
                dropped: Cell::new(false),
            }),
        }
    }

    /// Adds tasks and queues their first polls (like `asyncio.create_task` for each).
    #[cfg_attr(target_feature = "atomics", optimize(speed))]
    pub fn extend<F: Future<Output = ()> + 'static>(&self, futures: impl IntoIterator<Item = F>) {
        let t0 = now_ms();
        let inner = &self.inner;
        let mut tasks = inner.tasks.borrow_mut();
        let mut wakers = inner.wakers.borrow_mut();
        for future in futures {
            let waker = Arc::new(TaskWaker {
                task: tasks.len() as u32,
                queued: AtomicBool::new(false),
                ready: inner.ready.clone(),
            });
            tasks.push(Some(Box::pin(future)));
            waker.wake_by_ref();
            wakers.push(waker);
            inner.live.set(inner.live.get() + 1);
        }
        inner.spawn_ms.set(inner.spawn_ms.get() + now_ms() - t0);
    }

    /// Polls woken tasks until every task has finished or the set was dropped. Spawn it once
    /// with `spawn_local`.
    pub fn drive(&self) -> impl Future<Output = ()> + 'static {
        Driver {
            inner: self.inner.clone(),
        }
    }

    /// Drops every unfinished task now (their timers go with them); the driver then ends.
    pub fn drop_all(&self) {
        let inner = &self.inner;
        inner.dropped.set(true);
        // Take the futures out before dropping them: a future's drop may touch the set.
        let tasks = std::mem::take(&mut *inner.tasks.borrow_mut());
        drop(tasks);
        inner.live.set(0);
        if let Some(driver) = inner
            .ready
            .driver
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            driver.wake();
        }
    }

    /// Unfinished tasks.
    pub fn live(&self) -> usize {
        self.inner.live.get()
    }

    /// What spawning and waking cost so far, per task and per wake-up.
    pub fn cost(&self) -> SchedulerCost {
        let inner = &self.inner;
        let spawned = inner.wakers.borrow().len().max(1) as f64;
        let polls = inner.polls.get();
        SchedulerCost {
            name: SCHEDULERS[0],
            spawn_us_per_task: inner.spawn_ms.get() * 1000.0 / spawned,
            wakes: polls,
            us_per_wake: inner.poll_ms.get() * 1000.0 / polls.max(1) as f64,
        }
    }
}

struct Driver {
    inner: Rc<Inner>,
}

impl Future for Driver {
    type Output = ();

    #[cfg_attr(target_feature = "atomics", optimize(speed))]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let inner = &self.inner;
        if inner.dropped.get() || inner.live.get() == 0 {
            return Poll::Ready(());
        }
        // Register before draining, so a wake-up during the pass re-polls the driver.
        *inner.ready.driver.lock().unwrap_or_else(|e| e.into_inner()) = Some(cx.waker().clone());
        // One pass over the tasks woken so far; tasks woken during it wait for the next pass.
        let woken = inner.ready.take();
        if woken.is_empty() {
            return Poll::Pending;
        }
        let t0 = now_ms();
        for task in &woken {
            let i = *task as usize;
            let waker = {
                let wakers = inner.wakers.borrow();
                wakers[i].queued.store(false, Ordering::Release);
                Waker::from(wakers[i].clone())
            };
            // The future is taken out while it runs, so it may spawn or drop without a
            // double borrow.
            let Some(mut fut) = inner.tasks.borrow_mut().get_mut(i).and_then(Option::take) else {
                continue;
            };
            let done = fut
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_ready();
            if inner.dropped.get() {
                return Poll::Ready(());
            }
            if done {
                inner.live.set(inner.live.get() - 1);
            } else {
                inner.tasks.borrow_mut()[i] = Some(fut);
            }
        }
        inner.polls.set(inner.polls.get() + woken.len() as u64);
        inner.poll_ms.set(inner.poll_ms.get() + now_ms() - t0);
        if inner.live.get() == 0 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
