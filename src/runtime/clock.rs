//! The clock every lane shares: `performance.timeOrigin + performance.now()`, in ms.
//!
//! Each worker has its own `performance.now()` origin (its start), so `now()` alone would put
//! worker lanes on a different axis from the main thread; adding `timeOrigin` puts every
//! thread on the Unix-epoch axis. Works on the main thread and in workers.

use std::cell::OnceCell;

use wasm_bindgen::JsCast;
use web_sys::Performance;

use crate::model::clock::Clock;

thread_local! {
    static PERF: OnceCell<(Performance, f64)> = const { OnceCell::new() };
}

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
        origin + perf.now()
    })
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
