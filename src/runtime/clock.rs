//! The clock every lane shares: `performance.timeOrigin + performance.now()`, in ms.
//!
//! Each worker has its own `performance.now()` origin (its start), so `now()` alone would put
//! worker lanes on a different axis from the main thread; adding `timeOrigin` puts every
//! thread on the Unix-epoch axis. Works on the main thread and in workers.

use std::cell::{Cell, OnceCell};

use wasm_bindgen::JsCast;
use web_sys::Performance;

use crate::model::clock::Clock;

thread_local! {
    static PERF: OnceCell<(Performance, f64)> = const { OnceCell::new() };
    /// The latest reading, and how many [`now_ms_coarse`] calls may still return it.
    static LATEST: Cell<(f64, u32)> = const { Cell::new((0.0, 0)) };
}

/// How many [`now_ms_coarse`] calls in a row may return one reading.
const COARSE_READS: u32 = 16;

/// Milliseconds since the Unix epoch on the page's shared axis (sub-ms resolution where the
/// page is cross-origin isolated: 5 µs in Chromium).
pub fn now_ms() -> f64 {
    PERF.with(|cell| {
        let (perf, origin) = cell.get_or_init(|| {
            let perf: Performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
                .unwrap_or_else(|e| {
                    panic!(
                        "every window and worker has performance: {}",
                        super::js_message(&e)
                    )
                })
                .unchecked_into();
            let origin = perf.time_origin();
            (perf, origin)
        });
        let now = origin + perf.now();
        LATEST.set((now, COARSE_READS));
        now
    })
}

/// [`now_ms`], or its latest reading while fewer than `COARSE_READS` (16) calls have returned
/// it since it was taken. A reading is a call into JavaScript that costs about as much as
/// what a waiting task on the event loop does between two of them (a run of a million waits
/// spent about 110 ms of its 670 in `performance.now()`). Within one pass of the event loop
/// a reading is then at most 16 polls of a few hundred ns old, within the clock's own
/// resolution (5 µs on an isolated page); every pass starts with a fresh one (the scheduler
/// times its passes), and so does every reading around a computation.
pub fn now_ms_coarse() -> f64 {
    match LATEST.get() {
        (now, left) if left > 0 => {
            LATEST.set((now, left - 1));
            now
        }
        _ => now_ms(),
    }
}

/// Milliseconds since this page's navigation started (`performance.now()`).
pub fn since_navigation_ms() -> f64 {
    now_ms() - PERF.with(|cell| cell.get().map_or(0.0, |(_, origin)| *origin))
}

/// The browser's clock behind the model's [`Clock`] trait.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now_ms(&self) -> f64 {
        now_ms()
    }
}

/// [`now_ms_coarse`] behind the model's [`Clock`] trait: for a waiting task's readings on
/// the event loop (when it starts, when a wait ends), never a computation's.
#[derive(Debug, Clone, Copy, Default)]
pub struct CoarseClock;

impl Clock for CoarseClock {
    fn now_ms(&self) -> f64 {
        now_ms_coarse()
    }
}
