//! A global interpreter lock for the pool's threads, modelled on CPython's
//! (`Python/ceval_gil.c`): a thread must hold it to compute, and lets it go while it waits.
//!
//! As in CPython, the holder is not interrupted at arbitrary points: a thread that has waited
//! one switch interval (`sys.getswitchinterval()`, 5 ms by default) without seeing the lock
//! change hands sets a drop request; the holder checks it between small slices of work, lets
//! the lock go, and waits until another thread has taken it before queueing again (CPython's
//! `FORCE_SWITCHING`), so it cannot take it straight back.
//!
//! Plain `std` synchronisation, so it is tested natively with real threads; in the browser
//! only workers use it (waiting blocks).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// The lock's state, behind one mutex.
#[derive(Debug, Default)]
struct State {
    held: bool,
    /// How many times the lock was taken: a waiter that sees it unchanged after an interval
    /// asks for a switch; a holder that let go waits for it to change.
    switches: u64,
    /// Threads waiting to take it.
    waiting: u32,
}

/// One GIL, shared by the threads of one run.
#[derive(Debug)]
pub struct Gil {
    state: Mutex<State>,
    changed: Condvar,
    /// A waiter asked the holder to let go (CPython's `gil_drop_request`).
    drop_request: AtomicBool,
    interval: Duration,
}

impl Gil {
    pub fn new(switch_ms: u32) -> Self {
        Gil {
            state: Mutex::default(),
            changed: Condvar::new(),
            drop_request: AtomicBool::new(false),
            interval: Duration::from_millis(u64::from(switch_ms.max(1))),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the lock, waiting as CPython's threads do. Returns `false`, without the lock, if
    /// `cancelled()` turns true while waiting.
    pub fn acquire(&self, cancelled: &dyn Fn() -> bool) -> bool {
        let mut s = self.lock();
        s.waiting += 1;
        while s.held {
            if cancelled() {
                s.waiting -= 1;
                return false;
            }
            let seen = s.switches;
            let (guard, waited) = self
                .changed
                .wait_timeout(s, self.interval)
                .unwrap_or_else(|e| e.into_inner());
            s = guard;
            if waited.timed_out() && s.held && s.switches == seen {
                self.drop_request.store(true, Ordering::Release);
            }
        }
        s.waiting -= 1;
        s.held = true;
        s.switches += 1;
        self.drop_request.store(false, Ordering::Release);
        drop(s);
        // A holder that let go waits for the lock to change hands.
        self.changed.notify_all();
        true
    }

    /// Lets the lock go.
    pub fn release(&self) {
        self.lock().held = false;
        self.changed.notify_all();
    }

    /// Whether a waiter asked the holder to let go.
    pub fn drop_requested(&self) -> bool {
        self.drop_request.load(Ordering::Acquire)
    }

    /// A forced switch: lets the lock go, waits until another thread has taken it, then
    /// queues for it again. Returns `false`, without the lock, if cancelled meanwhile.
    pub fn hand_over(&self, cancelled: &dyn Fn() -> bool) -> bool {
        let mut s = self.lock();
        s.held = false;
        let seen = s.switches;
        self.changed.notify_all();
        while s.switches == seen && s.waiting > 0 && !cancelled() {
            s = self
                .changed
                .wait_timeout(s, self.interval)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        drop(s);
        self.acquire(cancelled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    /// Computes for `ms` in 0.2 ms slices under the GIL, handing it over when asked, and
    /// returns the spans it held it (start, end).
    fn compute(gil: &Gil, ms: f64, origin: Instant) -> Vec<(f64, f64)> {
        let at = || origin.elapsed().as_secs_f64() * 1000.0;
        let mut spans = Vec::new();
        assert!(gil.acquire(&|| false));
        let mut from = at();
        let mut done = 0.0;
        while done < ms {
            let t = Instant::now();
            while t.elapsed() < Duration::from_micros(200) {
                std::hint::spin_loop();
            }
            done += 0.2;
            if done < ms && gil.drop_requested() {
                spans.push((from, at()));
                assert!(gil.hand_over(&|| false));
                from = at();
            }
        }
        spans.push((from, at()));
        gil.release();
        spans
    }

    #[test]
    fn threads_take_turns_and_never_hold_it_together() {
        let gil = Arc::new(Gil::new(5));
        let origin = Instant::now();
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let gil = gil.clone();
                std::thread::spawn(move || compute(&gil, 40.0, origin))
            })
            .collect();
        let mut spans: Vec<(f64, f64)> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect();
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        for w in spans.windows(2) {
            assert!(w[0].1 <= w[1].0 + 0.01, "held together: {w:?}");
        }
        // Two computations of 40 ms with a 5 ms interval: the lock changed hands several
        // times, not once at the end of the first computation.
        assert!(spans.len() >= 4, "{} spans: {spans:?}", spans.len());
        // A hand-over wakes the waiting thread at once: the lock lies free between two holders
        // for far less time than one holds it. Left to its timeout instead, the waiter would
        // take it most of a switch interval later, a gap as long as a hold. Two phases of the
        // same run, and medians: a loaded machine slows both, and a wake-up that waits for a
        // core now and then does not move the median.
        let gaps = median(spans.windows(2).map(|w| w[1].0 - w[0].1).collect());
        let holds = median(spans.iter().map(|s| s.1 - s.0).collect());
        assert!(
            gaps * 5.0 < holds,
            "free {gaps:.3} ms between holds of {holds:.3} ms (medians): {spans:?}"
        );
    }

    fn median(mut xs: Vec<f64>) -> f64 {
        xs.sort_by(f64::total_cmp);
        xs[xs.len() / 2]
    }

    #[test]
    fn a_lone_thread_hands_over_to_itself_at_once() {
        let gil = Gil::new(5);
        assert!(gil.acquire(&|| false));
        assert!(gil.hand_over(&|| false));
        assert!(!gil.drop_requested());
        gil.release();
    }

    #[test]
    fn a_cancelled_waiter_gives_up_without_the_lock() {
        let gil = Arc::new(Gil::new(1));
        assert!(gil.acquire(&|| false));
        let waiter = {
            let gil = gil.clone();
            std::thread::spawn(move || gil.acquire(&|| true))
        };
        assert!(!waiter.join().expect("waiter"));
        // The holder still holds it, and a waiter that gave up no longer counts.
        assert_eq!(gil.lock().waiting, 0);
        assert!(gil.lock().held);
        gil.release();
    }
}
