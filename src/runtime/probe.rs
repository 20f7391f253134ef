//! The main-thread responsiveness probe.
//!
//! Two samplers run for the page's whole life: a timer every [`PROBE_INTERVAL_MS`] (event-loop
//! lag: how late it fires) and `requestAnimationFrame` (frame times, missed frames). Each tick
//! appends one sample to a ring; nothing is rendered here. While the main thread is blocked
//! neither fires, so the first tick after a block records the stall. Costs one tiny callback
//! per tick.

use std::cell::{Cell, RefCell};

use super::clock::now_ms;
use super::frames::{Interval, RafLoop};
use crate::model::run::stats::{
    PROBE_INTERVAL_MS, ProbeSample, Responsiveness, SampleRing, responsiveness,
};

/// Samples kept: ten minutes of lag ticks.
const RING: usize = 60_000;

thread_local! {
    static LAG: RefCell<SampleRing> = RefCell::new(SampleRing::new(RING));
    static FRAMES: RefCell<SampleRing> = RefCell::new(SampleRing::new(RING / 2));
    static STARTED: Cell<bool> = const { Cell::new(false) };
}

fn record(ring: &'static std::thread::LocalKey<RefCell<SampleRing>>, prev: &Cell<f64>) {
    let now = now_ms();
    ring.with(|r| {
        r.borrow_mut().push(ProbeSample {
            at_ms: now,
            gap_ms: now - prev.get(),
        })
    });
    prev.set(now);
}

/// Starts both samplers (once per page; later calls do nothing).
///
/// Off the main thread (no window) nothing starts.
pub fn start() {
    if STARTED.replace(true) {
        return;
    }
    // Both run for the page's whole life.
    let prev_tick = Cell::new(now_ms());
    std::mem::forget(Interval::start(PROBE_INTERVAL_MS as i32, move || {
        record(&LAG, &prev_tick)
    }));
    let prev_frame = Cell::new(now_ms());
    std::mem::forget(RafLoop::start(move |_| record(&FRAMES, &prev_frame)));
}

/// Event-loop lag samples overlapping `[from_ms, to_ms]`.
pub fn lag_window(from_ms: f64, to_ms: f64) -> Vec<ProbeSample> {
    LAG.with(|r| r.borrow().window(from_ms, to_ms))
}

/// Frame samples overlapping `[from_ms, to_ms]`.
pub fn frame_window(from_ms: f64, to_ms: f64) -> Vec<ProbeSample> {
    FRAMES.with(|r| r.borrow().window(from_ms, to_ms))
}

/// Responsiveness of the main thread over `[from_ms, to_ms]` (shared-clock times).
pub fn measure(from_ms: f64, to_ms: f64) -> Responsiveness {
    responsiveness(
        &lag_window(from_ms, to_ms),
        &frame_window(from_ms, to_ms),
        PROBE_INTERVAL_MS,
        from_ms,
        to_ms,
    )
}

/// The time of the newest event-loop tick, if any.
pub fn last_tick_ms() -> Option<f64> {
    LAG.with(|r| r.borrow().last().map(|s| s.at_ms))
}
