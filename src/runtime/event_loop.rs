//! The async strategy's scheduler: a set of tasks and a ready queue, driven by one
//! `spawn_local` task, the way asyncio's `BaseEventLoop._run_once` runs the callbacks in its
//! `_ready` deque.
//!
//! Each task stays its own future, woken on its own: a wake-up pushes the task's index onto
//! the ready queue (once, however often it is woken) and wakes the driver; the driver polls
//! exactly the tasks that were woken, one pass per turn of the browser's event loop. Why not
//! `spawn_local` per task: in atomics builds wasm-bindgen-futures gives every pending task its
//! own JS closure and `Atomics.waitAsync` promise, a cost per task that made a large run's
//! waits end well after their deadlines.
//!
//! A task costs no allocation of its own: the futures sit in one slice, polled in place, and
//! their wakers point into one table (100,000 tasks would otherwise mean 400,000 calls into
//! the allocator, whose lock every thread shares).
//!
//! Dropping the tasks ([`Tasks::drop_all`]) drops every unfinished future, and with them
//! their timers (see `timer`), so a cancelled run leaves nothing behind to wake during the
//! next one. Main thread only.
//!
//! Nothing here needs a browser: the time it measures its own cost with comes from a
//! [`Clock`] (in the browser the page's performance clock, through `TaskSet::spawn_all`), and
//! its mutexes are `std`'s off wasm. So it builds on every target, and its `unsafe` (the waker
//! table) is tested natively, threads included, and under Miri (`.ci/test.sh`).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use wasm_sync::Mutex;

use crate::model::clock::Clock;
use crate::model::memory::Part;
use crate::model::run::record::{SCHEDULERS, SchedulerCost};

/// Indices of woken tasks, and the driver to wake when the first one arrives. Wakers must be
/// `Send + Sync`, hence the mutexes, and a worker does wake a task (an executor's computation
/// that is done): they are `wasm_sync`'s, which spin on the main thread (where `Atomics.wait`
/// traps) for the moment a worker holds them (and are `std`'s off wasm).
struct ReadyQueue {
    woken: Mutex<Vec<u32>>,
    driver: Mutex<Option<Waker>>,
}

impl ReadyQueue {
    #[cfg_attr(target_arch = "wasm32", optimize(speed))]
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

    /// Swaps the woken tasks into `into` (which must be empty), so both buffers keep their
    /// capacity from pass to pass.
    fn take(&self, into: &mut Vec<u32>) {
        std::mem::swap(
            &mut *self.woken.lock().unwrap_or_else(|e| e.into_inner()),
            into,
        );
    }

    fn set_driver(&self, waker: Option<Waker>) -> Option<Waker> {
        std::mem::replace(
            &mut *self.driver.lock().unwrap_or_else(|e| e.into_inner()),
            waker,
        )
    }
}

/// One task's waker: whether it is already queued, and the table it belongs to. Its task's
/// index is its place in the table's slots (not stored: 4 bytes of every task).
struct WakerSlot {
    queued: AtomicBool,
    table: *const WakerTable,
}

/// Every task's waker, in one allocation; a `Waker` is a pointer to its slot, and holds the
/// table alive through the table's `Arc` count.
struct WakerTable {
    ready: ReadyQueue,
    slots: Box<[WakerSlot]>,
}

// SAFETY: the raw `table` pointers point at the `WakerTable` that owns the slots, which lives
// as long as any waker (each holds a count of its `Arc`); everything else is atomics and
// mutexes.
unsafe impl Send for WakerTable {}
unsafe impl Sync for WakerTable {}

impl WakerTable {
    /// A table of `tasks` wakers, every task already queued for its first poll.
    fn new(tasks: usize) -> Arc<Self> {
        Arc::new_cyclic(|weak| WakerTable {
            ready: ReadyQueue {
                woken: Mutex::new((0..tasks as u32).collect()),
                driver: Mutex::default(),
            },
            slots: (0..tasks)
                .map(|_| WakerSlot {
                    queued: AtomicBool::new(true),
                    table: weak.as_ptr(),
                })
                .collect(),
        })
    }

    /// A waker for `task` that borrows this table's count: never drop it, only clone it.
    fn borrowed_waker(&self, task: usize) -> ManuallyDrop<Waker> {
        let data = (&self.slots[task] as *const WakerSlot).cast::<()>();
        // SAFETY: the slot lives as long as `self`; ManuallyDrop keeps this waker from giving
        // back a count it never took, and clones take their own (see VTABLE).
        ManuallyDrop::new(unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) })
    }
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone_waker, wake, wake_by_ref, drop_waker);

/// The slot behind a waker's data pointer.
///
/// # Safety
/// `data` must come from [`WakerTable::borrowed_waker`] or a clone of one, whose table is
/// alive (every waker but the borrowed one holds a count of it).
unsafe fn slot<'a>(data: *const ()) -> &'a WakerSlot {
    unsafe { &*data.cast::<WakerSlot>() }
}

unsafe fn clone_waker(data: *const ()) -> RawWaker {
    // SAFETY: see `slot`; the clone takes a count of the table for itself.
    unsafe { Arc::increment_strong_count(slot(data).table) };
    RawWaker::new(data, &VTABLE)
}

unsafe fn wake(data: *const ()) {
    // SAFETY: see `slot`; waking by value gives the waker's count back afterwards.
    unsafe {
        wake_by_ref(data);
        drop_waker(data);
    }
}

unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: see `slot`.
    let s = unsafe { slot(data) };
    if !s.queued.swap(true, Ordering::AcqRel) {
        // SAFETY: the table outlives every waker that points into it.
        let table = unsafe { &*s.table };
        let task = (data as usize - table.slots.as_ptr() as usize) / size_of::<WakerSlot>();
        table.ready.push(task as u32);
    }
}

unsafe fn drop_waker(data: *const ()) {
    // SAFETY: see `slot`; this waker's count of the table is given back.
    unsafe { Arc::decrement_strong_count(slot(data).table) };
}

struct Inner<F, C> {
    /// The futures, polled in place: the slice is never reallocated, and a finished or
    /// dropped future is dropped where it lies (set to `None`), so none ever moves.
    futures: RefCell<Box<[Option<F>]>>,
    wakers: Arc<WakerTable>,
    /// The pass's woken tasks, swapped with the ready queue's (see [`ReadyQueue::take`]).
    pass: RefCell<Vec<u32>>,
    live: Cell<usize>,
    /// What the costs are timed with (a zero-sized clock in the browser).
    clock: C,
    spawn_ms: f64,
    polls: Cell<u64>,
    poll_ms: Cell<f64>,
    dropped: Cell<bool>,
}

/// A set of tasks on the event loop, polled from one ready queue; `C` times what it costs.
pub struct TaskSet<F, C> {
    inner: Rc<Inner<F, C>>,
}

/// What a run needs of its task set, whatever its futures' type.
pub trait Tasks {
    /// Drops every unfinished task now (their timers go with them); the driver then ends.
    fn drop_all(&self);
    /// What spawning and waking cost, per task and per wake-up.
    fn cost(&self) -> SchedulerCost;
}

#[cfg(target_arch = "wasm32")]
impl<F: Future<Output = ()> + 'static> TaskSet<F, super::clock::BrowserClock> {
    /// [`TaskSet::spawn_all_with_clock`] on the page's clock.
    #[inline]
    pub fn spawn_all(futures: impl IntoIterator<Item = F>) -> Self {
        Self::spawn_all_with_clock(super::clock::BrowserClock, futures)
    }
}

impl<F: Future<Output = ()> + 'static, C: Clock + 'static> TaskSet<F, C> {
    /// Creates the tasks and queues their first polls (like `asyncio.create_task` for each);
    /// nothing runs until [`TaskSet::drive`] is spawned. `clock` times what spawning and
    /// polling cost ([`Tasks::cost`]); the runtime's `spawn_all` passes the page's clock.
    #[cfg_attr(target_arch = "wasm32", optimize(speed))]
    pub fn spawn_all_with_clock(clock: C, futures: impl IntoIterator<Item = F>) -> Self {
        let t0 = clock.now_ms();
        let futures: Box<[Option<F>]> = futures.into_iter().map(Some).collect();
        let wakers = WakerTable::new(futures.len());
        TaskSet {
            inner: Rc::new(Inner {
                live: Cell::new(futures.len()),
                pass: RefCell::new(Vec::with_capacity(futures.len())),
                futures: RefCell::new(futures),
                wakers,
                // Read before `clock` moves in (fields are evaluated in this order).
                spawn_ms: clock.now_ms() - t0,
                clock,
                polls: Cell::new(0),
                poll_ms: Cell::new(0.0),
                dropped: Cell::new(false),
            }),
        }
    }

    /// Polls woken tasks until every task has finished or the set was dropped. Spawn it once
    /// with `spawn_local`.
    pub fn drive(&self) -> impl Future<Output = ()> + 'static {
        Driver {
            inner: self.inner.clone(),
        }
    }

    /// Unfinished tasks.
    pub fn live(&self) -> usize {
        self.inner.live.get()
    }

    /// What the set holds for each task, by part, from `size_of` (each part is one block
    /// for every task, so the allocator sees them only together).
    pub fn parts(&self) -> [Part; 3] {
        [
            Part {
                what: "its future, in the set's slice",
                bytes: std::mem::size_of::<Option<F>>(),
            },
            Part {
                what: "its waker slot",
                bytes: std::mem::size_of::<WakerSlot>(),
            },
            Part {
                what: "its place in the ready queue and the pass buffer",
                bytes: 2 * std::mem::size_of::<u32>(),
            },
        ]
    }
}

impl<F, C> Tasks for TaskSet<F, C> {
    fn drop_all(&self) {
        let inner = &self.inner;
        inner.dropped.set(true);
        for future in inner.futures.borrow_mut().iter_mut() {
            *future = None;
        }
        inner.live.set(0);
        if let Some(driver) = inner.wakers.ready.set_driver(None) {
            driver.wake();
        }
    }

    fn cost(&self) -> SchedulerCost {
        let inner = &self.inner;
        let spawned = inner.wakers.slots.len().max(1) as f64;
        let polls = inner.polls.get();
        SchedulerCost {
            name: SCHEDULERS[0],
            spawn_us_per_task: inner.spawn_ms * 1000.0 / spawned,
            wakes: polls,
            us_per_wake: inner.poll_ms.get() * 1000.0 / polls.max(1) as f64,
        }
    }
}

struct Driver<F, C> {
    inner: Rc<Inner<F, C>>,
}

impl<F: Future<Output = ()>, C: Clock> Future for Driver<F, C> {
    type Output = ();

    #[cfg_attr(target_arch = "wasm32", optimize(speed))]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let inner = &self.inner;
        if inner.dropped.get() || inner.live.get() == 0 {
            return Poll::Ready(());
        }
        // Register before draining, so a wake-up during the pass re-polls the driver.
        inner.wakers.ready.set_driver(Some(cx.waker().clone()));
        // One pass over the tasks woken so far; tasks woken during it wait for the next pass.
        let mut woken = inner.pass.borrow_mut();
        inner.wakers.ready.take(&mut woken);
        if woken.is_empty() {
            return Poll::Pending;
        }
        let t0 = inner.clock.now_ms();
        let mut futures = inner.futures.borrow_mut();
        for task in woken.iter() {
            let i = *task as usize;
            inner.wakers.slots[i].queued.store(false, Ordering::Release);
            let Some(future) = futures[i].as_mut() else {
                continue;
            };
            let waker = inner.wakers.borrowed_waker(i);
            // SAFETY: the future lies in a slice that is never reallocated, and it is only
            // ever dropped in place (below, or by `drop_all`), so it never moves once polled.
            // Tasks do not reach the set, so the borrow held here is never asked for again.
            let pinned = unsafe { Pin::new_unchecked(future) };
            if pinned.poll(&mut Context::from_waker(&waker)).is_ready() {
                futures[i] = None;
                inner.live.set(inner.live.get() - 1);
            }
        }
        drop(futures);
        inner.polls.set(inner.polls.get() + woken.len() as u64);
        woken.clear();
        inner
            .poll_ms
            .set(inner.poll_ms.get() + inner.clock.now_ms() - t0);
        if inner.live.get() == 0 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

// The scheduler natively, with a hand-written executor for the driver: each test turns the
// event loop itself, so it sees exactly which tasks each pass polls. These are the tests
// `.ci/test.sh` runs under Miri (`cargo miri test --lib runtime::event_loop`), which checks
// the waker table's `unsafe` for use after free, leaks and data races.
#[cfg(test)]
mod tests {
    use std::sync::Weak;
    use std::sync::atomic::AtomicUsize;
    use std::task::Wake;

    use super::*;
    use crate::model::clock::FakeClock;

    /// What the clock moves while the set creates one task, and while a task is polled (ms;
    /// exact in binary, so the costs compare exactly).
    const SPAWN_MS: f64 = 0.5;
    const POLL_MS: f64 = 0.25;

    /// What a test sees of one task, and tells it.
    #[derive(Default)]
    struct Seen {
        polls: u32,
        /// The waker of its latest poll, as a real future would keep it for its wake-up.
        waker: Option<Waker>,
        /// Whether its next poll finishes it.
        finish: bool,
        /// Whether it wakes itself while polled (a `yield_now`).
        wake_self: bool,
        /// Whether its future was dropped.
        dropped: bool,
    }

    type Log = Rc<RefCell<Vec<Seen>>>;

    /// Task `task`: pending until told to finish, logging every poll; its polls take
    /// [`POLL_MS`] of the fake clock.
    struct Probe {
        task: usize,
        log: Log,
        clock: Rc<FakeClock>,
    }

    impl Future for Probe {
        type Output = ();

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            self.clock.advance(POLL_MS);
            let mut log = self.log.borrow_mut();
            let seen = &mut log[self.task];
            seen.polls += 1;
            if seen.wake_self {
                cx.waker().wake_by_ref();
            }
            if seen.finish {
                return Poll::Ready(());
            }
            seen.waker = Some(cx.waker().clone());
            Poll::Pending
        }
    }

    impl Drop for Probe {
        fn drop(&mut self) {
            self.log.borrow_mut()[self.task].dropped = true;
        }
    }

    /// The driver's waker: counts its wake-ups (each would make `spawn_local` poll it again).
    #[derive(Default)]
    struct DriverWaker(AtomicUsize);

    impl Wake for DriverWaker {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }

        fn wake_by_ref(self: &Arc<Self>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A set of [`Probe`]s, its driver, and the event loop's turns, by hand.
    struct Harness {
        log: Log,
        clock: Rc<FakeClock>,
        set: TaskSet<Probe, Rc<FakeClock>>,
        driver: Pin<Box<dyn Future<Output = ()>>>,
        driver_waker: Arc<DriverWaker>,
    }

    impl Harness {
        fn new(tasks: usize) -> Self {
            let log: Log = Rc::new(RefCell::new((0..tasks).map(|_| Seen::default()).collect()));
            let clock = Rc::new(FakeClock::new(1_000.0));
            let set = TaskSet::spawn_all_with_clock(
                clock.clone(),
                (0..tasks).map(|task| {
                    clock.advance(SPAWN_MS);
                    Probe {
                        task,
                        log: log.clone(),
                        clock: clock.clone(),
                    }
                }),
            );
            let driver = Box::pin(set.drive());
            Harness {
                log,
                clock,
                set,
                driver,
                driver_waker: Arc::default(),
            }
        }

        /// One turn of the event loop that runs the driver: one poll of it.
        fn turn(&mut self) -> Poll<()> {
            let waker = Waker::from(self.driver_waker.clone());
            self.driver.as_mut().poll(&mut Context::from_waker(&waker))
        }

        /// How many times the driver was woken since the last call.
        fn driver_wakes(&self) -> usize {
            self.driver_waker.0.swap(0, Ordering::Relaxed)
        }

        fn polls(&self) -> Vec<u32> {
            self.log.borrow().iter().map(|s| s.polls).collect()
        }

        /// A clone of the waker `task` was last polled with.
        fn waker(&self, task: usize) -> Waker {
            self.log.borrow()[task].waker.clone().expect("polled")
        }

        /// Tasks in the ready queue, waiting for the next pass.
        fn queued(&self) -> usize {
            self.set.inner.wakers.ready.woken.lock().unwrap().len()
        }

        fn table(&self) -> Weak<WakerTable> {
            Arc::downgrade(&self.set.inner.wakers)
        }
    }

    #[test]
    fn every_task_is_polled_once_at_first_then_only_when_woken() {
        let mut h = Harness::new(5);
        assert_eq!(h.polls(), [0; 5], "nothing runs before the driver");
        assert_eq!(h.turn(), Poll::Pending);
        assert_eq!(h.polls(), [1; 5]);
        assert_eq!(h.turn(), Poll::Pending);
        assert_eq!(h.polls(), [1; 5], "no task was woken");
        assert_eq!(h.driver_wakes(), 0);
    }

    #[test]
    fn only_woken_tasks_are_polled() {
        let mut h = Harness::new(5);
        let _ = h.turn();
        h.waker(1).wake_by_ref();
        h.waker(3).wake();
        assert_eq!(h.driver_wakes(), 1, "the first wake-up wakes the driver");
        assert_eq!(h.turn(), Poll::Pending);
        assert_eq!(h.polls(), [1, 2, 1, 2, 1]);
    }

    #[test]
    fn a_task_woken_many_times_is_queued_once() {
        let mut h = Harness::new(3);
        let _ = h.turn();
        let waker = h.waker(2);
        for _ in 0..10 {
            waker.wake_by_ref();
            let clone = waker.clone();
            clone.wake();
        }
        assert_eq!(h.queued(), 1);
        assert_eq!(h.driver_wakes(), 1);
        let _ = h.turn();
        assert_eq!(h.polls(), [1, 1, 2]);
        // Polled, it may be queued again.
        h.waker(2).wake_by_ref();
        assert_eq!(h.queued(), 1);
    }

    #[test]
    fn a_task_woken_while_polled_waits_for_the_next_pass() {
        let mut h = Harness::new(2);
        h.log.borrow_mut()[0].wake_self = true;
        let _ = h.turn();
        assert_eq!(
            h.polls(),
            [1, 1],
            "one poll per pass, like asyncio's _run_once"
        );
        assert_eq!(h.driver_wakes(), 1, "the driver is woken for the next pass");
        let _ = h.turn();
        assert_eq!(h.polls(), [2, 1]);
    }

    #[test]
    fn wakers_outlive_the_set_and_give_the_table_back() {
        let mut h = Harness::new(3);
        let _ = h.turn();
        let table = h.table();
        let by_value = h.waker(0);
        let by_ref = h.waker(1);
        let cloned = by_ref.clone();
        let Harness {
            log, set, driver, ..
        } = h;
        drop(driver);
        drop(set);
        assert!(
            log.borrow().iter().all(|s| s.dropped),
            "the futures went with the set"
        );
        assert!(table.upgrade().is_some(), "the wakers hold the table");
        // Waking tasks that are gone queues them in the table, which no driver reads.
        by_value.wake();
        by_ref.wake_by_ref();
        cloned.wake_by_ref();
        drop((by_ref, cloned));
        assert!(table.upgrade().is_some(), "the log still holds wakers");
        drop(log);
        assert!(
            table.upgrade().is_none(),
            "the last waker gave the table back"
        );
    }

    #[test]
    fn a_task_is_woken_from_other_threads() {
        let mut h = Harness::new(4);
        let _ = h.turn();
        let wakers: Vec<Waker> = (0..4).map(|task| h.waker(task)).collect();
        std::thread::scope(|s| {
            for _ in 0..2 {
                let wakers = wakers.clone();
                s.spawn(move || {
                    for _ in 0..3 {
                        wakers.iter().for_each(Waker::wake_by_ref);
                    }
                    // Given back from this thread, by value.
                    wakers.into_iter().for_each(Waker::wake);
                });
            }
        });
        assert_eq!(h.driver_wakes(), 1);
        assert_eq!(
            h.queued(),
            4,
            "each task once, however often and wherever woken"
        );
        let _ = h.turn();
        assert_eq!(h.polls(), [2; 4]);
    }

    #[test]
    fn drop_all_drops_unfinished_futures_and_ends_the_driver() {
        let mut h = Harness::new(4);
        let _ = h.turn();
        h.log.borrow_mut()[0].finish = true;
        h.waker(0).wake();
        let _ = h.turn();
        assert_eq!(h.set.live(), 3);
        let dropped = |h: &Harness| h.log.borrow().iter().map(|s| s.dropped).collect::<Vec<_>>();
        assert_eq!(
            dropped(&h),
            [true, false, false, false],
            "a finished task is dropped"
        );
        h.driver_wakes();
        h.set.drop_all();
        assert_eq!(dropped(&h), [true; 4]);
        assert_eq!(h.set.live(), 0);
        assert_eq!(h.driver_wakes(), 1, "the driver is woken to end");
        // A late wake-up finds no future and no driver.
        h.waker(2).wake();
        assert_eq!(h.driver_wakes(), 0);
        assert_eq!(h.turn(), Poll::Ready(()));
        assert_eq!(h.polls(), [2, 1, 1, 1]);
    }

    #[test]
    fn the_driver_ends_when_every_task_has_finished() {
        let mut h = Harness::new(3);
        h.log.borrow_mut()[1].finish = true;
        assert_eq!(h.turn(), Poll::Pending);
        assert_eq!(h.set.live(), 2);
        for task in [0, 2] {
            h.log.borrow_mut()[task].finish = true;
            h.waker(task).wake();
        }
        assert_eq!(h.turn(), Poll::Ready(()));
        assert_eq!(h.set.live(), 0);
        assert!(h.log.borrow().iter().all(|s| s.dropped));
        assert_eq!(h.set.cost().wakes, 5);
    }

    #[test]
    fn costs_are_timed_on_the_injected_clock() {
        let mut h = Harness::new(4);
        let _ = h.turn();
        let c = h.set.cost();
        assert_eq!(c.name, SCHEDULERS[0]);
        assert_eq!(c.spawn_us_per_task, SPAWN_MS * 1000.0);
        assert_eq!((c.wakes, c.us_per_wake), (4, POLL_MS * 1000.0));
        // Time between passes is not the scheduler's.
        h.clock.advance(100.0);
        h.waker(1).wake();
        h.waker(3).wake();
        h.clock.advance(100.0);
        let _ = h.turn();
        let c = h.set.cost();
        assert_eq!((c.wakes, c.us_per_wake), (6, POLL_MS * 1000.0));
        assert_eq!(c.spawn_us_per_task, SPAWN_MS * 1000.0);
    }
}
