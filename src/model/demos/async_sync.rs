//! Synchronisation for tasks on one event loop, as asyncio has it: [`Lock`]
//! (`asyncio.Lock`, which also knows who holds it and who waits, for the deadlock demo) and
//! [`Queue`] (`asyncio.Queue(maxsize)`).
//!
//! Single-threaded (`Rc`, `RefCell`): only tasks of one event loop share them. As in asyncio,
//! nothing here yields by itself: taking a free lock, putting into a queue with room or
//! getting from one with items completes at once; only a task that must wait gives the loop
//! to the others. Dropping a waiting future leaves the queue of waiters, so tasks that are
//! dropped (a stopped run) leave nothing behind, and a dropped guard lets its lock go.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

#[derive(Debug, Default)]
struct LockState {
    holder: Option<usize>,
    /// Waiting acquisitions, first come first served: ticket, task, waker.
    waiters: VecDeque<(u64, usize, Option<Waker>)>,
    next_ticket: u64,
}

impl LockState {
    fn wake_first(&mut self) {
        if let Some(w) = self.waiters.front_mut().and_then(|w| w.2.take()) {
            w.wake();
        }
    }
}

/// `asyncio.Lock`, with the holder's and the waiters' task numbers kept.
#[derive(Debug, Default, Clone)]
pub struct Lock(Rc<RefCell<LockState>>);

impl Lock {
    /// Takes the lock for `task`, waiting behind earlier waiters (asyncio's rule: a task may
    /// take a free lock at once only when nobody waits for it).
    pub fn lock(&self, task: usize) -> Acquire {
        Acquire {
            lock: self.clone(),
            task,
            ticket: None,
        }
    }

    /// The task holding the lock.
    pub fn holder(&self) -> Option<usize> {
        self.0.borrow().holder
    }

    /// The tasks waiting for it, first first.
    pub fn waiting(&self) -> Vec<usize> {
        self.0.borrow().waiters.iter().map(|w| w.1).collect()
    }
}

/// A pending [`Lock::lock`].
#[derive(Debug)]
pub struct Acquire {
    lock: Lock,
    task: usize,
    ticket: Option<u64>,
}

impl Future for Acquire {
    type Output = Guard;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Guard> {
        let this = &mut *self;
        let mut s = this.lock.0.borrow_mut();
        let first = match this.ticket {
            None => s.waiters.is_empty(),
            Some(t) => s.waiters.front().is_some_and(|w| w.0 == t),
        };
        if s.holder.is_none() && first {
            if this.ticket.take().is_some() {
                s.waiters.pop_front();
            }
            s.holder = Some(this.task);
            return Poll::Ready(Guard(Some(this.lock.clone())));
        }
        match this.ticket {
            Some(t) => {
                if let Some(w) = s.waiters.iter_mut().find(|w| w.0 == t) {
                    w.2 = Some(cx.waker().clone());
                }
            }
            None => {
                let t = s.next_ticket;
                s.next_ticket += 1;
                s.waiters
                    .push_back((t, this.task, Some(cx.waker().clone())));
                this.ticket = Some(t);
            }
        }
        Poll::Pending
    }
}

impl Drop for Acquire {
    fn drop(&mut self) {
        let Some(t) = self.ticket else { return };
        let mut s = self.lock.0.borrow_mut();
        let was_first = s.waiters.front().is_some_and(|w| w.0 == t);
        s.waiters.retain(|w| w.0 != t);
        // It may have been woken to take the lock: the next waiter gets the chance instead.
        if was_first && s.holder.is_none() {
            s.wake_first();
        }
    }
}

/// Holds a [`Lock`]; dropping it lets the lock go and wakes the first waiter.
#[derive(Debug)]
pub struct Guard(Option<Lock>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(lock) = self.0.take() {
            let mut s = lock.0.borrow_mut();
            s.holder = None;
            s.wake_first();
        }
    }
}

#[derive(Debug)]
struct QueueState<T> {
    items: VecDeque<T>,
    capacity: usize,
    /// Tasks waiting for room (putters) or for an item (getters).
    putters: Vec<Waker>,
    getters: Vec<Waker>,
}

/// `asyncio.Queue(maxsize=capacity)`: `put` waits while it is full, `get` while it is empty.
#[derive(Debug)]
pub struct Queue<T>(Rc<RefCell<QueueState<T>>>);

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Queue(self.0.clone())
    }
}

impl<T> Queue<T> {
    /// A queue holding at most `capacity` items (at least 1).
    pub fn new(capacity: usize) -> Self {
        Queue(Rc::new(RefCell::new(QueueState {
            items: VecDeque::with_capacity(capacity.max(1)),
            capacity: capacity.max(1),
            putters: Vec::new(),
            getters: Vec::new(),
        })))
    }

    /// Items in the queue now.
    pub fn len(&self) -> usize {
        self.0.borrow().items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puts `item`, waiting while the queue is full.
    pub async fn put(&self, item: T) {
        std::future::poll_fn(|cx| {
            let mut s = self.0.borrow_mut();
            if s.items.len() < s.capacity {
                Poll::Ready(())
            } else {
                s.putters.push(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
        let mut s = self.0.borrow_mut();
        s.items.push_back(item);
        s.getters.drain(..).for_each(Waker::wake);
    }

    /// Takes the oldest item, waiting while the queue is empty.
    pub async fn get(&self) -> T {
        let item = std::future::poll_fn(|cx| {
            let mut s = self.0.borrow_mut();
            match s.items.pop_front() {
                Some(item) => Poll::Ready(item),
                None => {
                    s.getters.push(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
        .await;
        self.0.borrow_mut().putters.drain(..).for_each(Waker::wake);
        item
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    use super::*;

    /// A waker that counts its wake-ups.
    #[derive(Default)]
    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Polls `f` once with a counting waker.
    fn poll<F: Future + Unpin>(f: &mut F, count: &Arc<Count>) -> Poll<F::Output> {
        let waker = Waker::from(count.clone());
        Pin::new(f).poll(&mut Context::from_waker(&waker))
    }

    type Tasks = Vec<Pin<Box<dyn Future<Output = ()>>>>;

    /// Runs tasks round-robin until all finish (an event loop that polls everyone each turn).
    fn run_all(mut tasks: Tasks) {
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        for _ in 0..100_000 {
            tasks.retain_mut(|t| t.as_mut().poll(&mut cx).is_pending());
            if tasks.is_empty() {
                return;
            }
        }
        panic!("tasks did not finish");
    }

    /// A future that is pending once: asyncio's `await sleep(0)`.
    fn yield_once() -> impl Future<Output = ()> {
        let mut yielded = false;
        std::future::poll_fn(move |_| {
            if yielded {
                Poll::Ready(())
            } else {
                yielded = true;
                Poll::Pending
            }
        })
    }

    #[test]
    fn a_free_lock_is_taken_at_once_and_a_held_one_queues_its_waiters_in_order() {
        let lock = Lock::default();
        let c = Arc::new(Count::default());
        let Poll::Ready(g0) = poll(&mut lock.lock(0), &c) else {
            panic!("free")
        };
        assert_eq!(lock.holder(), Some(0));
        let (mut a1, mut a2) = (lock.lock(1), lock.lock(2));
        assert!(poll(&mut a1, &c).is_pending());
        assert!(poll(&mut a2, &c).is_pending());
        assert_eq!(lock.waiting(), vec![1, 2]);
        drop(g0);
        assert_eq!(
            c.0.load(Ordering::SeqCst),
            1,
            "only the first waiter is woken"
        );
        assert!(poll(&mut a2, &c).is_pending(), "the second waits its turn");
        // A newcomer does not jump the queue while others wait.
        assert!(poll(&mut lock.lock(3), &c).is_pending());
        let Poll::Ready(g1) = poll(&mut a1, &c) else {
            panic!("first in line")
        };
        assert_eq!((lock.holder(), lock.waiting()), (Some(1), vec![2]));
        drop(g1);
        assert!(poll(&mut a2, &c).is_ready());
    }

    #[test]
    fn a_dropped_waiter_leaves_the_queue_and_passes_its_turn_on() {
        let lock = Lock::default();
        let c = Arc::new(Count::default());
        let Poll::Ready(g0) = poll(&mut lock.lock(0), &c) else {
            panic!()
        };
        let (mut a1, mut a2) = (lock.lock(1), lock.lock(2));
        assert!(poll(&mut a1, &c).is_pending());
        assert!(poll(&mut a2, &c).is_pending());
        drop(g0); // wakes task 1...
        drop(a1); // ...which is dropped before it runs: task 2 is woken instead.
        assert_eq!(c.0.load(Ordering::SeqCst), 2);
        assert_eq!(lock.waiting(), vec![2]);
        assert!(poll(&mut a2, &c).is_ready());
    }

    #[test]
    fn dropped_tasks_release_what_they_held_and_waited_for() {
        // The deadlock: each task holds one lock and waits for the other; dropping both
        // tasks (the watchdog's stop) leaves both locks free and nobody waiting.
        let (a, b) = (Lock::default(), Lock::default());
        let task = |first: Lock, second: Lock, id: usize| {
            Box::pin(async move {
                let _g1 = first.lock(id).await;
                yield_once().await;
                let _g2 = second.lock(id).await;
            })
        };
        let mut t0 = task(a.clone(), b.clone(), 0);
        let mut t1 = task(b.clone(), a.clone(), 1);
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..10 {
            assert!(t0.as_mut().poll(&mut cx).is_pending());
            assert!(t1.as_mut().poll(&mut cx).is_pending());
        }
        assert_eq!((a.holder(), a.waiting()), (Some(0), vec![1]));
        assert_eq!((b.holder(), b.waiting()), (Some(1), vec![0]));
        drop((t0, t1));
        assert_eq!((a.holder(), b.holder()), (None, None));
        assert!(a.waiting().is_empty() && b.waiting().is_empty());
    }

    #[test]
    fn read_await_write_loses_updates_and_the_lock_keeps_them() {
        for locked in [false, true] {
            let counter = Rc::new(Cell::new(0u32));
            let lock = Lock::default();
            let tasks: Tasks = (0..3)
                .map(|id| {
                    let (counter, lock) = (counter.clone(), lock.clone());
                    Box::pin(async move {
                        for _ in 0..100 {
                            let _g = if locked {
                                Some(lock.lock(id).await)
                            } else {
                                None
                            };
                            let v = counter.get();
                            yield_once().await;
                            counter.set(v + 1);
                        }
                    }) as Pin<Box<dyn Future<Output = ()>>>
                })
                .collect();
            run_all(tasks);
            // Unlocked, every task reads before any writes: two of three updates are lost.
            assert_eq!(counter.get(), if locked { 300 } else { 100 });
        }
    }

    #[test]
    fn a_bounded_queue_makes_the_producer_wait_when_full_and_keeps_order() {
        let q = Queue::new(2);
        let got = Rc::new(RefCell::new(Vec::new()));
        let most = Rc::new(Cell::new(0));
        let (qp, qc, g, m) = (q.clone(), q.clone(), got.clone(), most.clone());
        run_all(vec![
            Box::pin(async move {
                for i in 0..10 {
                    qp.put(i).await;
                    m.set(m.get().max(qp.len()));
                }
            }),
            Box::pin(async move {
                for _ in 0..10 {
                    let item = qc.get().await;
                    g.borrow_mut().push(item);
                    yield_once().await;
                }
            }),
        ]);
        assert_eq!(*got.borrow(), (0..10).collect::<Vec<_>>());
        assert_eq!(most.get(), 2, "never more than the capacity");
        assert!(q.is_empty());
    }

    #[test]
    fn put_and_get_complete_without_waiting_when_they_can() {
        let q = Queue::new(1);
        let c = Arc::new(Count::default());
        assert!(poll(&mut Box::pin(q.put(1)), &c).is_ready());
        let mut blocked = Box::pin(q.put(2));
        assert!(poll(&mut blocked, &c).is_pending());
        assert_eq!(poll(&mut Box::pin(q.get()), &c), Poll::Ready(1));
        assert_eq!(
            c.0.load(Ordering::SeqCst),
            1,
            "the waiting putter was woken"
        );
        assert!(poll(&mut blocked, &c).is_ready());
        assert_eq!(q.len(), 1);
    }
}
