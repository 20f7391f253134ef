//! Lost updates: tasks add 1 to a shared counter, unsynchronised and fixed, as threads on
//! real shared memory and as async tasks on the event loop.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::{compute, join, on_pool, start_together, workers_for};
use crate::model::demos::async_sync::Lock;
use crate::model::demos::race::{Outcome, Variant};
use crate::runtime::clock::now_ms;
use crate::runtime::event_loop::TaskSet;
use crate::runtime::timer::yield_now;

/// Kernel units computed between a thread's read and its write (a fraction of a µs): a little
/// work, like Python's bytecodes between the load and the store of `counter += 1`, that
/// widens the window another thread can write in.
const WINDOW_UNITS: u64 = 100;

fn window() {
    compute(WINDOW_UNITS);
}

/// Runs one threads variant: `tasks` jobs on the pool, started together, each adding 1
/// `increments` times.
///
/// # Errors
/// When the pool cannot run two threads at once, or a worker died.
pub async fn run_threads(variant: Variant, tasks: u32, increments: u32) -> Result<Outcome, String> {
    let workers = workers_for(2)?;
    let counter = Arc::new(AtomicU64::new(0));
    let lock = Arc::new(Mutex::new(()));
    let arrived = Arc::new(AtomicU32::new(0));
    let together = tasks.min(workers);
    let t0 = now_ms();
    let mut jobs = Vec::new();
    for _ in 0..tasks {
        let (counter, lock, arrived) = (counter.clone(), lock.clone(), arrived.clone());
        jobs.push(on_pool(move || {
            start_together(&arrived, together);
            for _ in 0..increments {
                match variant {
                    Variant::ThreadsLock => {
                        let _held = lock.lock().unwrap_or_else(|e| e.into_inner());
                        let v = counter.load(Ordering::Relaxed);
                        window();
                        counter.store(v + 1, Ordering::Relaxed);
                    }
                    Variant::ThreadsAtomic => {
                        window();
                        counter.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        let v = counter.load(Ordering::Relaxed);
                        window();
                        counter.store(v + 1, Ordering::Relaxed);
                    }
                }
            }
        })?);
    }
    join(jobs).await?;
    Ok(Outcome {
        variant,
        tasks,
        increments,
        counted: counter.load(Ordering::Acquire),
        ms: now_ms() - t0,
    })
}

/// Runs one async variant: `tasks` tasks on the event loop, each reading the counter,
/// awaiting (`asyncio.sleep(0)`), then writing it plus one; with the lock, holding an async
/// mutex across the three.
pub async fn run_async(variant: Variant, tasks: u32, increments: u32) -> Outcome {
    let counter = Rc::new(Cell::new(0u64));
    let lock = Lock::default();
    let locked = variant == Variant::AsyncLock;
    let t0 = now_ms();
    let futures = (0..tasks as usize).map(|id| {
        let (counter, lock) = (counter.clone(), lock.clone());
        Box::pin(async move {
            for _ in 0..increments {
                let _held = if locked {
                    Some(lock.lock(id).await)
                } else {
                    None
                };
                let v = counter.get();
                yield_now().await;
                counter.set(v + 1);
            }
        }) as Pin<Box<dyn Future<Output = ()>>>
    });
    TaskSet::spawn_all(futures).drive().await;
    Outcome {
        variant,
        tasks,
        increments,
        counted: counter.get(),
        ms: now_ms() - t0,
    }
}
