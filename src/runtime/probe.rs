//! The main-thread responsiveness probe.
//!
//! Two samplers run for the page's whole life: a timer every [`PROBE_INTERVAL_MS`] (event-loop
//! lag: how late it fires) and `requestAnimationFrame` (frame times, missed frames). Each tick
//! appends one sample to a ring; nothing is rendered here. While the main thread is blocked
//! neither fires, so the first tick after a block records the stall. Costs one tiny callback
//! per tick.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::clock::now_ms;
use crate::model::stats::{ProbeSample, Responsiveness, SampleRing, responsiveness};

/// The event-loop probe's period, in ms.
pub const PROBE_INTERVAL_MS: f64 = 10.0;
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
/// # Panics
/// Off the main thread (there is no window).
pub fn start() {
    if STARTED.replace(true) {
        return;
    }
    let window = web_sys::window().expect("the probe runs on the main thread");

    let prev_tick = Rc::new(Cell::new(now_ms()));
    let tick = Closure::<dyn FnMut()>::new(move || record(&LAG, &prev_tick));
    window
        .set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            PROBE_INTERVAL_MS as i32,
        )
        .expect("setInterval");
    tick.forget();

    // requestAnimationFrame re-arms itself from inside its own callback.
    let prev_frame = Rc::new(Cell::new(now_ms()));
    type SelfArming = Rc<RefCell<Option<Closure<dyn FnMut()>>>>;
    let frame: SelfArming = Rc::new(RefCell::new(None));
    let again = frame.clone();
    *frame.borrow_mut() = Some(Closure::new(move || {
        record(&FRAMES, &prev_frame);
        if let (Some(w), Some(cb)) = (web_sys::window(), again.borrow().as_ref()) {
            let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
        }
    }));
    let _ = window.request_animation_frame(
        frame
            .borrow()
            .as_ref()
            .expect("set above")
            .as_ref()
            .unchecked_ref(),
    );
    std::mem::forget(frame);
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
