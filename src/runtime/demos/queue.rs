//! Producer-consumer through a bounded queue: `asyncio.Queue` between two tasks on the event
//! loop, and a `Mutex` + `Condvar` queue (Python's `queue.Queue`) between two workers, whose
//! waits block (only workers wait). The depth is sampled after every put and get, and the
//! consumer keeps the items it got.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use super::{DIED, busy_us, on_pool, workers_for};
use crate::model::demos::async_sync::Queue;
use crate::model::demos::queue::{Config, QueueRun, Sample, Work};
use crate::runtime::clock::now_ms;
use crate::runtime::event_loop::TaskSet;
use crate::runtime::timer::sleep;

/// One run on the event loop: a producer task and a consumer task.
pub async fn run_async(cfg: Config) -> QueueRun {
    let queue = Queue::new(cfg.capacity as usize);
    let samples = Rc::new(RefCell::new(Vec::with_capacity(2 * cfg.items as usize)));
    let record = {
        let (queue, samples) = (queue.clone(), samples.clone());
        move || {
            samples.borrow_mut().push(Sample {
                at_ms: now_ms(),
                depth: queue.len() as u32,
            })
        }
    };
    let kind = cfg.work;
    let work = move |us: u32| async move {
        match kind {
            Work::Wait if us > 0 => sleep(f64::from(us) / 1000.0).await,
            Work::Wait => {}
            Work::Compute => busy_us(f64::from(us)),
        }
    };
    let start_ms = now_ms();
    let (q, rec) = (queue.clone(), record.clone());
    let producer = Box::pin(async move {
        for i in 0..cfg.items {
            work(cfg.produce_us).await;
            q.put(i).await;
            rec();
        }
    }) as Pin<Box<dyn Future<Output = ()>>>;
    let received = Rc::new(RefCell::new(Vec::with_capacity(cfg.items as usize)));
    let got = received.clone();
    let consumer = Box::pin(async move {
        for _ in 0..cfg.items {
            let item = queue.get().await;
            got.borrow_mut().push(item);
            record();
            work(cfg.consume_us).await;
        }
    });
    TaskSet::spawn_all([producer, consumer]).drive().await;
    QueueRun {
        items: cfg.items,
        capacity: cfg.capacity,
        start_ms,
        end_ms: now_ms(),
        samples: samples.take(),
        received: received.take(),
    }
}

/// The threads' queue: items and the depth samples, behind one mutex.
#[derive(Default)]
struct Shared {
    state: Mutex<(VecDeque<u32>, Vec<Sample>)>,
    not_full: Condvar,
    not_empty: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, (VecDeque<u32>, Vec<Sample>)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn work_on_worker(work: Work, us: u32) {
    match work {
        Work::Wait => std::thread::sleep(Duration::from_micros(u64::from(us))),
        Work::Compute => busy_us(f64::from(us)),
    }
}

/// Adds a sample taken under the queue's lock, so in the order the puts and gets happened.
/// Two workers' clocks may disagree by a fraction of a ms (each adds its own `timeOrigin`), so
/// a time is never put before the previous sample's: the order under the lock is the truth.
fn record(samples: &mut Vec<Sample>, depth: u32) {
    let at_ms = samples.last().map_or(f64::MIN, |s| s.at_ms).max(now_ms());
    samples.push(Sample { at_ms, depth });
}

/// One run on two workers: a producer job and a consumer job, blocking on the queue.
///
/// # Errors
/// When the pool cannot run two threads at once, or a worker died.
pub async fn run_threads(cfg: Config) -> Result<QueueRun, String> {
    workers_for(2)?;
    let shared = Arc::new(Shared::default());
    let s = shared.clone();
    let producer = on_pool(move || {
        let start_ms = now_ms();
        for i in 0..cfg.items {
            work_on_worker(cfg.work, cfg.produce_us);
            let mut g = s.lock();
            while g.0.len() >= cfg.capacity as usize {
                g = s.not_full.wait(g).unwrap_or_else(|e| e.into_inner());
            }
            g.0.push_back(i);
            let depth = g.0.len() as u32;
            record(&mut g.1, depth);
            s.not_empty.notify_one();
        }
        start_ms
    })?;
    let s = shared;
    let consumer = on_pool(move || {
        let mut received = Vec::with_capacity(cfg.items as usize);
        for _ in 0..cfg.items {
            let mut g = s.lock();
            while g.0.is_empty() {
                g = s.not_empty.wait(g).unwrap_or_else(|e| e.into_inner());
            }
            received.extend(g.0.pop_front());
            let depth = g.0.len() as u32;
            record(&mut g.1, depth);
            s.not_full.notify_one();
            drop(g);
            work_on_worker(cfg.work, cfg.consume_us);
        }
        (now_ms(), std::mem::take(&mut s.lock().1), received)
    })?;
    let start_ms = producer.await.ok_or(DIED)?;
    let (end_ms, samples, received) = consumer.await.ok_or(DIED)?;
    Ok(QueueRun {
        items: cfg.items,
        capacity: cfg.capacity,
        start_ms,
        end_ms,
        samples,
        received,
    })
}
