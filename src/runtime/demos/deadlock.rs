//! Deadlock: two tasks take `lock_a` and `lock_b` in opposite orders, as threads on two
//! workers and as async tasks. A watchdog on the main thread polls their progress; when none
//! moved for the stall time, it reads who holds and who waits from the locks, stops the run
//! (the threads' acquire loops see the flag and return to the pool; the async tasks are
//! dropped, and their guards let the locks go), and then checks that the pool still runs a
//! job.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use super::{join, on_pool, workers_for};
use crate::model::demos::async_sync::Lock;
use crate::model::demos::deadlock::{Ending, Lockers, Order, Snapshot, Watchdog};
use crate::runtime::clock::now_ms;
use crate::runtime::event_loop::{TaskSet, Tasks};
use crate::runtime::timer::sleep;

/// How often the watchdog looks, in ms.
const WATCH_MS: f64 = 10.0;
/// How long a waiting thread pauses between tries of a taken lock, in ms.
const RETRY_MS: u64 = 1;
/// How long stopped threads get to return before the demo says they did not, in ms.
const RETURN_LIMIT_MS: f64 = 2_000.0;

/// One deadlock run's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub order: Order,
    pub hold_ms: u32,
    pub stall_ms: u32,
    pub rounds: u32,
}

/// What one model's run did.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadlockRun {
    pub ending: Ending,
    /// After a stop: how long the stopped tasks took to return (threads) or be dropped, in ms.
    pub returned_ms: Option<f64>,
    /// Threads: how long a job sent to the pool afterwards took to come back, in ms.
    pub pool_job_ms: Option<f64>,
    /// Whether both locks were free at the end.
    pub locks_free: bool,
}

/// Polls `progress` every [`WATCH_MS`] until `finished()` or the watchdog fires; then the
/// snapshot the watchdog took and how long it had seen no progress.
async fn watch(
    stall_ms: u32,
    progress: impl Fn() -> u64,
    finished: impl Fn() -> bool,
    snapshot: impl Fn() -> Snapshot,
) -> Option<(Snapshot, f64)> {
    let mut dog = Watchdog::new(f64::from(stall_ms), now_ms());
    loop {
        if finished() {
            return None;
        }
        let now = now_ms();
        if dog.stalled(now, progress()) {
            return Some((snapshot(), now - dog.last_progress_ms()));
        }
        sleep(WATCH_MS).await;
    }
}

/// The run on two workers.
///
/// # Errors
/// When the pool cannot run two threads at once, a worker died, or stopped threads did not
/// return within `RETURN_LIMIT_MS`.
pub async fn run_threads(cfg: Config) -> Result<DeadlockRun, String> {
    workers_for(2)?;
    let shared = Arc::new(Lockers::default());
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU32::new(0));
    let t0 = now_ms();
    let mut jobs = Vec::new();
    for task in 0..2 {
        let (shared, stop, done) = (shared.clone(), stop.clone(), done.clone());
        jobs.push(on_pool(move || {
            let ended = shared.run(
                task,
                cfg.order,
                cfg.rounds,
                &|| std::thread::sleep(Duration::from_millis(u64::from(cfg.hold_ms))),
                &|| std::thread::sleep(Duration::from_millis(RETRY_MS)),
                &|| stop.load(Ordering::Acquire),
            );
            done.fetch_add(1, Ordering::AcqRel);
            ended
        })?);
    }
    let finished = || done.load(Ordering::Acquire) == 2;
    let stalled = watch(
        cfg.stall_ms,
        || shared.progress(),
        finished,
        || shared.snapshot(),
    )
    .await;
    let end_ms = now_ms();
    let (ending, returned_ms) = match stalled {
        None => (Ending::Completed { ms: end_ms - t0 }, None),
        Some((snapshot, stalled_ms)) => {
            stop.store(true, Ordering::Release);
            while !finished() {
                if now_ms() - end_ms > RETURN_LIMIT_MS {
                    return Err(format!(
                        "the stopped threads did not return within {RETURN_LIMIT_MS} ms"
                    ));
                }
                sleep(1.0).await;
            }
            (
                Ending::Stopped {
                    snapshot,
                    stalled_ms,
                },
                Some(now_ms() - end_ms),
            )
        }
    };
    join(jobs).await?;
    let t = now_ms();
    on_pool(|| ())?.await.ok_or(super::DIED)?;
    Ok(DeadlockRun {
        ending,
        returned_ms,
        pool_job_ms: Some(now_ms() - t),
        locks_free: shared.snapshot().holders.iter().all(Option::is_none),
    })
}

/// One async task: `rounds` times, take the first lock, sleep the hold, take the second, let
/// both go.
async fn locker(locks: [Lock; 2], task: usize, cfg: Config, progress: Rc<Cell<u64>>) {
    let [first, second] = cfg.order.locks(task);
    for _ in 0..cfg.rounds {
        let held_first = locks[first].lock(task).await;
        progress.set(progress.get() + 1);
        sleep(f64::from(cfg.hold_ms)).await;
        let held_second = locks[second].lock(task).await;
        progress.set(progress.get() + 1);
        drop((held_second, held_first));
        progress.set(progress.get() + 1);
    }
}

/// The run as two async tasks on the event loop (`asyncio.Lock`s, `await asyncio.sleep`).
pub async fn run_async(cfg: Config) -> DeadlockRun {
    let locks = [Lock::default(), Lock::default()];
    let progress = Rc::new(Cell::new(0));
    let t0 = now_ms();
    let set =
        TaskSet::spawn_all((0..2).map(|task| locker(locks.clone(), task, cfg, progress.clone())));
    wasm_bindgen_futures::spawn_local(set.drive());
    let snapshot = || Snapshot {
        holders: locks.iter().map(Lock::holder).collect(),
        waiting: (0..2)
            .map(|task| locks.iter().position(|l| l.waiting().contains(&task)))
            .collect(),
    };
    let stalled = watch(
        cfg.stall_ms,
        || progress.get(),
        || set.live() == 0,
        snapshot,
    )
    .await;
    let end_ms = now_ms();
    let (ending, returned_ms) = match stalled {
        None => (Ending::Completed { ms: end_ms - t0 }, None),
        Some((snapshot, stalled_ms)) => {
            set.drop_all();
            (
                Ending::Stopped {
                    snapshot,
                    stalled_ms,
                },
                Some(now_ms() - end_ms),
            )
        }
    };
    DeadlockRun {
        ending,
        returned_ms,
        pool_job_ms: None,
        locks_free: locks
            .iter()
            .all(|l| l.holder().is_none() && l.waiting().is_empty()),
    }
}
