//! Deadlock: two tasks take two locks, in opposite orders. Each ends up holding one lock and
//! waiting for the other. A watchdog sees that no task made progress for a set time and stops
//! the run; the locks' own bookkeeping (who holds each, who waits for which) says why, as a
//! cycle in the wait-for graph.
//!
//! [`TaskLock`] is the threads' lock: it knows its owner, and a task takes it with
//! [`Lockers::run`]'s timed, cancellable acquire (try, then pause), so workers that deadlock
//! can still be told to give up and return to the pool.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use super::Bound;

/// How long a task holds its first lock before it asks for the second, in ms: long enough
/// for the other task to take its own first lock.
pub const HOLD_MS: Bound = Bound {
    label: "Hold first lock (ms)",
    lo: 0,
    hi: 1_000,
    default: 50,
};
/// How long no task may make progress before the watchdog stops the run, in ms.
pub const STALL_MS: Bound = Bound {
    label: "Watchdog after (ms)",
    lo: 100,
    hi: 5_000,
    default: 500,
};
/// Times each task takes both locks.
pub const ROUNDS: Bound = Bound {
    label: "Rounds",
    lo: 1,
    hi: 100,
    default: 5,
};
/// Checks the hold time against the watchdog's: a task holding its first lock longer than
/// the watchdog waits would look stuck even when it is not.
///
/// # Errors
/// A message when `hold_ms` is not below `stall_ms`.
pub fn check_times(hold_ms: u32, stall_ms: u32) -> Result<(), String> {
    if hold_ms >= stall_ms {
        return Err(format!(
            "the hold ({hold_ms} ms) must be shorter than the watchdog's wait ({stall_ms} ms)"
        ));
    }
    Ok(())
}

/// The locks, as a Python reader would name them.
pub const LOCKS: [&str; 2] = ["lock_a", "lock_b"];
/// The tasks.
pub const TASKS: [&str; 2] = ["task 1", "task 2"];

/// The order the second task takes the locks in (the first takes `lock_a`, then `lock_b`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `lock_b`, then `lock_a`: the classic deadlock.
    Opposite,
    /// `lock_a`, then `lock_b`, like the first task: the fix.
    Same,
}

impl Order {
    pub const ALL: [Order; 2] = [Order::Opposite, Order::Same];

    pub fn key(self) -> &'static str {
        match self {
            Order::Opposite => "opposite",
            Order::Same => "same",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Order::Opposite => "lock_b first",
            Order::Same => "lock_a first",
        }
    }

    pub fn from_key(k: &str) -> Option<Order> {
        Order::ALL.into_iter().find(|o| o.key() == k)
    }

    /// The locks `task` takes, first to last.
    pub fn locks(self, task: usize) -> [usize; 2] {
        if task == 1 && self == Order::Opposite {
            [1, 0]
        } else {
            [0, 1]
        }
    }
}

/// Who holds each lock and which lock each task waits for, at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// Per lock, the task holding it.
    pub holders: Vec<Option<usize>>,
    /// Per task, the lock it waits for.
    pub waiting: Vec<Option<usize>>,
}

impl Snapshot {
    /// The tasks in a cycle of the wait-for graph (each waits for a lock the next one holds),
    /// starting from the lowest, if there is one.
    pub fn cycle(&self) -> Option<Vec<usize>> {
        let next = |task: usize| -> Option<usize> {
            let lock = (*self.waiting.get(task)?)?;
            (*self.holders.get(lock)?).filter(|&h| h != task)
        };
        for start in 0..self.waiting.len() {
            let mut path = vec![start];
            let mut at = start;
            while let Some(n) = next(at) {
                if n == start {
                    return Some(path);
                }
                if path.contains(&n) || path.len() > self.waiting.len() {
                    break;
                }
                path.push(n);
                at = n;
            }
        }
        None
    }

    /// What each task holds and waits for: `task 1 holds lock_a and waits for lock_b`.
    pub fn describe(&self) -> Vec<String> {
        (0..self.waiting.len())
            .map(|task| {
                let held: Vec<&str> = self
                    .holders
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| **h == Some(task))
                    .map(|(l, _)| LOCKS.get(l).copied().unwrap_or("a lock"))
                    .collect();
                let holds = if held.is_empty() {
                    "holds no lock".to_string()
                } else {
                    format!("holds {}", held.join(" and "))
                };
                let waits = match self.waiting[task] {
                    Some(l) => format!(
                        " and waits for {}",
                        LOCKS.get(l).copied().unwrap_or("a lock")
                    ),
                    None => String::new(),
                };
                format!("{} {holds}{waits}", name(task))
            })
            .collect()
    }
}

fn name(task: usize) -> &'static str {
    TASKS.get(task).copied().unwrap_or("a task")
}

/// Tells a stalled run from a running one: no progress counter moved for `stall_ms`.
#[derive(Debug, Clone, PartialEq)]
pub struct Watchdog {
    stall_ms: f64,
    seen: u64,
    since_ms: f64,
}

impl Watchdog {
    /// A watchdog whose clock starts at `now_ms`.
    pub fn new(stall_ms: f64, now_ms: f64) -> Self {
        Watchdog {
            stall_ms,
            seen: 0,
            since_ms: now_ms,
        }
    }

    /// Looks at the total progress at `now_ms`; `true` once it has not moved for the stall
    /// time.
    pub fn stalled(&mut self, now_ms: f64, progress: u64) -> bool {
        if progress != self.seen {
            self.seen = progress;
            self.since_ms = now_ms;
        }
        now_ms - self.since_ms >= self.stall_ms
    }

    /// When progress last moved.
    pub fn last_progress_ms(&self) -> f64 {
        self.since_ms
    }
}

/// How a deadlock run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// Every task finished its rounds.
    Completed { ms: f64 },
    /// The watchdog stopped the run: what the locks said then, and how long after the last
    /// progress it fired.
    Stopped { snapshot: Snapshot, stalled_ms: f64 },
}

impl Ending {
    /// One sentence on what happened.
    pub fn verdict(&self, model: &str, rounds: u32) -> String {
        match self {
            Ending::Completed { ms } => format!(
                "{model}: both tasks finished their {rounds} rounds in {}, no deadlock.",
                crate::model::format::ms(*ms)
            ),
            Ending::Stopped {
                snapshot,
                stalled_ms,
            } => {
                let what = snapshot.describe().join("; ");
                let kind = if snapshot.cycle().is_some() {
                    "deadlock"
                } else {
                    "stall (no cycle of waits)"
                };
                format!(
                    "{model}: {kind} after {} without progress: {what}.",
                    crate::model::format::ms(*stalled_ms)
                )
            }
        }
    }
}

/// One sentence over both models' endings (`threads` is `None` when threads could not run).
pub fn verdict(threads: Option<&Ending>, asyn: &Ending, rounds: u32) -> String {
    let deadlocked = |e: &Ending| -> Option<f64> {
        match e {
            Ending::Stopped {
                snapshot,
                stalled_ms,
            } if snapshot.cycle().is_some() => Some(*stalled_ms),
            _ => None,
        }
    };
    let ms = crate::model::format::ms;
    match (threads, asyn) {
        (Some(t), a) if deadlocked(t).is_some() && deadlocked(a).is_some() => format!(
            "Both deadlocked, each task holding one lock and waiting for the other's, until the \
             watchdog stopped them after {} (threads) and {} (async) without progress.",
            ms(deadlocked(t).unwrap_or_default()),
            ms(deadlocked(a).unwrap_or_default())
        ),
        (Some(Ending::Completed { ms: t }), Ending::Completed { ms: a }) => format!(
            "Both finished their {rounds} rounds without a deadlock: threads in {}, async in {}.",
            ms(*t),
            ms(*a)
        ),
        (Some(t), a) => format!(
            "{} {}",
            t.verdict("Threads", rounds),
            a.verdict("Async", rounds)
        ),
        (None, a) => a.verdict("Async", rounds),
    }
}

/// A lock that knows its owner: free, or held by one task.
#[derive(Debug)]
pub struct TaskLock {
    owner: AtomicU32,
}

const FREE: u32 = u32::MAX;

impl Default for TaskLock {
    fn default() -> Self {
        TaskLock {
            owner: AtomicU32::new(FREE),
        }
    }
}

impl TaskLock {
    /// Takes the lock for `task` if it is free.
    pub fn try_lock(&self, task: usize) -> bool {
        self.owner
            .compare_exchange(FREE, task as u32, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Lets the lock go, if `task` holds it.
    pub fn unlock(&self, task: usize) {
        let _ = self
            .owner
            .compare_exchange(task as u32, FREE, Ordering::AcqRel, Ordering::Acquire);
    }

    /// The task holding it.
    pub fn owner(&self) -> Option<usize> {
        match self.owner.load(Ordering::Acquire) {
            FREE => None,
            t => Some(t as usize),
        }
    }
}

/// The two locks and what each task is doing, shared by the tasks and the watchdog.
#[derive(Debug, Default)]
pub struct Lockers {
    pub locks: [TaskLock; 2],
    /// Per task, the lock it waits for plus one (0: none).
    waiting: [AtomicU32; 2],
    /// Per task, steps done (a lock taken, a round finished).
    progress: [AtomicU64; 2],
}

/// How a task's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Finished,
    Cancelled,
}

impl Lockers {
    /// Both tasks' progress, summed.
    pub fn progress(&self) -> u64 {
        self.progress
            .iter()
            .map(|p| p.load(Ordering::Acquire))
            .sum()
    }

    /// Who holds and who waits, now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            holders: self.locks.iter().map(TaskLock::owner).collect(),
            waiting: self
                .waiting
                .iter()
                .map(|w| w.load(Ordering::Acquire).checked_sub(1).map(|l| l as usize))
                .collect(),
        }
    }

    /// Runs `task`'s `rounds`: take its first lock, `hold()`, take its second, let both go.
    /// A lock that is taken is tried again after `pause()`; once `cancelled()`, the task lets
    /// its locks go and returns.
    pub fn run(
        &self,
        task: usize,
        order: Order,
        rounds: u32,
        hold: &dyn Fn(),
        pause: &dyn Fn(),
        cancelled: &dyn Fn() -> bool,
    ) -> Ended {
        let locks = order.locks(task);
        let ended = 'rounds: {
            for _ in 0..rounds {
                for (i, &lock) in locks.iter().enumerate() {
                    // Cancellation is checked before every try: a task stopped with the
                    // others must not take the lock they let go as they stopped.
                    loop {
                        if cancelled() {
                            break 'rounds Ended::Cancelled;
                        }
                        if self.locks[lock].try_lock(task) {
                            break;
                        }
                        self.waiting[task].store(lock as u32 + 1, Ordering::Release);
                        pause();
                    }
                    self.waiting[task].store(0, Ordering::Release);
                    self.progress[task].fetch_add(1, Ordering::AcqRel);
                    if i == 0 {
                        hold();
                    }
                }
                for &lock in locks.iter().rev() {
                    self.locks[lock].unlock(task);
                }
                self.progress[task].fetch_add(1, Ordering::AcqRel);
            }
            Ended::Finished
        };
        self.waiting[task].store(0, Ordering::Release);
        for lock in &self.locks {
            lock.unlock(task);
        }
        ended
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    use std::time::{Duration, Instant};

    use super::*;

    fn deadlocked() -> Snapshot {
        Snapshot {
            holders: vec![Some(0), Some(1)],
            waiting: vec![Some(1), Some(0)],
        }
    }

    #[test]
    fn a_hold_must_be_shorter_than_the_watchdogs_wait() {
        assert_eq!(check_times(50, 500), Ok(()));
        assert_eq!(
            check_times(500, 500),
            Err("the hold (500 ms) must be shorter than the watchdog's wait (500 ms)".into())
        );
    }

    #[test]
    fn orders_decide_which_lock_comes_first() {
        assert_eq!(Order::Opposite.locks(0), [0, 1]);
        assert_eq!(Order::Opposite.locks(1), [1, 0]);
        assert_eq!(Order::Same.locks(1), [0, 1]);
        assert_eq!(Order::from_key("same"), Some(Order::Same));
        assert_eq!(Order::from_key("random"), None);
    }

    #[test]
    fn a_cycle_of_waits_is_a_deadlock_and_is_described_from_the_locks() {
        let s = deadlocked();
        assert_eq!(s.cycle(), Some(vec![0, 1]));
        assert_eq!(
            s.describe(),
            vec![
                "task 1 holds lock_a and waits for lock_b",
                "task 2 holds lock_b and waits for lock_a"
            ]
        );
    }

    #[test]
    fn waits_without_a_cycle_are_no_deadlock() {
        // Task 2 waits for lock_a, which task 1 holds while it runs: just contention.
        let s = Snapshot {
            holders: vec![Some(0), None],
            waiting: vec![None, Some(0)],
        };
        assert_eq!(s.cycle(), None);
        assert_eq!(
            s.describe(),
            vec![
                "task 1 holds lock_a",
                "task 2 holds no lock and waits for lock_a"
            ]
        );
        // A task waiting for a lock it holds itself is not a cycle between tasks.
        let own = Snapshot {
            holders: vec![Some(0), None],
            waiting: vec![Some(0), None],
        };
        assert_eq!(own.cycle(), None);
        let free = Snapshot {
            holders: vec![None, None],
            waiting: vec![None, None],
        };
        assert_eq!(free.cycle(), None);
    }

    #[test]
    fn the_watchdog_fires_only_after_the_stall_time_without_progress() {
        let mut w = Watchdog::new(500.0, 1_000.0);
        assert!(!w.stalled(1_400.0, 0));
        assert!(!w.stalled(1_450.0, 3), "progress resets it");
        assert!(!w.stalled(1_900.0, 3));
        assert!(w.stalled(1_950.0, 3));
        assert_eq!(w.last_progress_ms(), 1_450.0);
    }

    #[test]
    fn verdicts_name_the_cycle_or_the_completion() {
        let stopped = Ending::Stopped {
            snapshot: deadlocked(),
            stalled_ms: 500.0,
        };
        assert_eq!(
            stopped.verdict("Threads", 5),
            "Threads: deadlock after 500 ms without progress: task 1 holds lock_a and waits for \
             lock_b; task 2 holds lock_b and waits for lock_a."
        );
        assert_eq!(
            Ending::Completed { ms: 260.0 }.verdict("Async", 5),
            "Async: both tasks finished their 5 rounds in 260 ms, no deadlock."
        );
    }

    #[test]
    fn the_verdict_sums_up_both_models_in_one_sentence() {
        let stopped = |ms| Ending::Stopped {
            snapshot: deadlocked(),
            stalled_ms: ms,
        };
        assert_eq!(
            verdict(Some(&stopped(501.0)), &stopped(508.0), 5),
            "Both deadlocked, each task holding one lock and waiting for the other's, until the \
             watchdog stopped them after 501 ms (threads) and 508 ms (async) without progress."
        );
        let done = |ms| Ending::Completed { ms };
        assert_eq!(
            verdict(Some(&done(270.0)), &done(262.0), 5),
            "Both finished their 5 rounds without a deadlock: threads in 270 ms, async in 262 ms."
        );
        assert_eq!(
            verdict(None, &done(262.0), 5),
            "Async: both tasks finished their 5 rounds in 262 ms, no deadlock."
        );
        assert!(
            verdict(Some(&done(270.0)), &stopped(500.0), 5)
                .starts_with("Threads: both tasks finished")
        );
    }

    #[test]
    fn a_lock_knows_its_owner_and_only_the_owner_unlocks_it() {
        let l = TaskLock::default();
        assert!(l.try_lock(1));
        assert!(!l.try_lock(0));
        assert_eq!(l.owner(), Some(1));
        l.unlock(0);
        assert_eq!(l.owner(), Some(1));
        l.unlock(1);
        assert_eq!(l.owner(), None);
    }

    /// Runs both tasks on real threads with a watchdog on this one; the snapshot and how
    /// each task ended.
    fn race(order: Order) -> (Option<Snapshot>, Vec<Ended>) {
        let shared = Arc::new(Lockers::default());
        let stop = Arc::new(AtomicBool::new(false));
        let handles: Vec<_> = (0..2)
            .map(|task| {
                let (shared, stop) = (shared.clone(), stop.clone());
                std::thread::spawn(move || {
                    shared.run(
                        task,
                        order,
                        3,
                        &|| std::thread::sleep(Duration::from_millis(20)),
                        &|| std::thread::sleep(Duration::from_millis(1)),
                        &|| stop.load(Ordering::Acquire),
                    )
                })
            })
            .collect();
        let t0 = Instant::now();
        let ms = || t0.elapsed().as_secs_f64() * 1000.0;
        let mut dog = Watchdog::new(200.0, ms());
        let mut snapshot = None;
        while handles.iter().any(|h| !h.is_finished()) {
            if snapshot.is_none() && dog.stalled(ms(), shared.progress()) {
                snapshot = Some(shared.snapshot());
                stop.store(true, Ordering::Release);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let ended = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(
            shared.snapshot().holders,
            vec![None, None],
            "every lock let go"
        );
        (snapshot, ended)
    }

    #[test]
    fn threads_taking_locks_in_opposite_orders_deadlock_and_are_stopped() {
        let (snapshot, ended) = race(Order::Opposite);
        let s = snapshot.expect("the watchdog fired");
        assert_eq!(s.cycle(), Some(vec![0, 1]), "{s:?}");
        assert_eq!(s, deadlocked());
        assert_eq!(ended, vec![Ended::Cancelled, Ended::Cancelled]);
    }

    #[test]
    fn threads_taking_locks_in_the_same_order_finish() {
        let (snapshot, ended) = race(Order::Same);
        assert_eq!(snapshot, None);
        assert_eq!(ended, vec![Ended::Finished, Ended::Finished]);
    }
}
