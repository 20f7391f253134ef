//! Time as the model sees it: milliseconds as `f64` on one axis shared by every thread.
//!
//! The runtime's clock is `performance.timeOrigin + performance.now()`, which agrees between
//! the main thread and workers (each has its own `now()` origin). Tests use [`FakeClock`].

use std::cell::Cell;
use std::rc::Rc;

/// How far apart two threads may read one instant: each thread's `now()` is coarsened, to
/// 5 µs in a cross-origin isolated page (where the pool runs) and 100 µs elsewhere (High
/// Resolution Time's figures). In Chromium beside two CPU hogs, a lock handed from one worker
/// to another was recorded ending 5 µs after the next holder began: segments of two threads
/// that overlap by no more than this did not run at once.
pub const SKEW_MS: f64 = 0.1;

/// A source of milliseconds on a shared, monotonic axis.
pub trait Clock {
    /// Milliseconds since an epoch shared by every thread of the page.
    fn now_ms(&self) -> f64;
}

/// A shared clock: what a test moves is what the code under test reads.
impl<C: Clock + ?Sized> Clock for Rc<C> {
    fn now_ms(&self) -> f64 {
        (**self).now_ms()
    }
}

/// A clock that moves only when told to: for tests of anything that measures time.
#[derive(Debug, Default)]
pub struct FakeClock {
    now: Cell<f64>,
}

impl FakeClock {
    /// A fake clock reading `start_ms`.
    pub fn new(start_ms: f64) -> Self {
        Self {
            now: Cell::new(start_ms),
        }
    }

    /// Moves the clock forward by `ms`.
    pub fn advance(&self, ms: f64) {
        self.now.set(self.now.get() + ms);
    }
}

impl Clock for FakeClock {
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
}
