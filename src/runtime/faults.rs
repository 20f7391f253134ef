//! Panics and traps: reporting them, and surviving one on the main thread.
//!
//! Builds abort on panic, so a panic kills the thread it happens on. In a worker, the panic hook
//! posts the message to the page at once (the trap that follows reaches the page through `pool.js`
//! too), and the run ends as failed. On the main thread the wasm instance cannot go on: the hook
//! leaves the message in `sessionStorage`, and the page's error handler (`www/boot.js`), which sees
//! the trap, reloads the page with the same experiment. The new page reads the fault back, says
//! what happened, and restores the results this module saved after every run. The reload happens at
//! most once in 15 s, so a fault at start-up cannot loop.

use wasm_bindgen::JsCast;

use super::clock::now_ms;
use super::location;
use super::storage::{self, Area};
use crate::model::experiment::fault::Injected;

/// `sessionStorage` keys, shared with the page's error handler (`www/boot.js`).
const PANIC_KEY: &str = "avt-panic";
const FAULT_KEY: &str = "avt-fault";
const FAULT_AT_KEY: &str = "avt-fault-at";
const RESULTS_KEY: &str = "avt-results";
const PENDING_KEY: &str = "avt-pending";

fn take(key: &str) -> Option<String> {
    storage::take(Area::Session, key)
}

/// Keeps `value` under `key` for a reload (best effort: storage may be disabled or full).
fn put(key: &str, value: &str) {
    let _ = storage::put(Area::Session, key, value);
}

/// Installs the panic hook (once, for every thread: the hook is shared memory).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        // "panicked at src/x.rs:1:2: message" on one line; release builds keep no locations
        // (`-Zlocation-detail=none` in Cargo.toml: they read "<redacted>:0:0"), so there the
        // message alone: "panicked: message".
        let text = info.payload_as_str().unwrap_or("Box<dyn Any>");
        let message = match info.location().filter(|l| l.line() != 0) {
            Some(at) => format!("panicked at {at}: {text}"),
            None => format!("panicked: {text}"),
        }
        .replace('\n', " ");
        if location::in_page() {
            put(PANIC_KEY, &message);
        } else if let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>()
        {
            let msg = js_sys::Object::new();
            let set = |k: &str, v: wasm_bindgen::JsValue| {
                let _ = js_sys::Reflect::set(&msg, &k.into(), &v);
            };
            set("type", "fault".into());
            set("message", message.into());
            set("at", now_ms().into());
            let _ = scope.post_message(&msg);
        }
    }));
}

/// Carries out a test-only injected fault on this thread: a panic (with its message) or a
/// trap (without one). Callers pass only the faults meant for where they run.
pub fn strike(inject: Option<Injected>) {
    match inject {
        Some(Injected::MainPanic | Injected::WorkerPanic) => {
            panic!("injected fault: task 0 panicked (test-only)")
        }
        Some(Injected::MainTrap | Injected::WorkerTrap) => core::arch::wasm32::unreachable(),
        Some(Injected::WorkerStart) | None => {}
    }
}

/// Tells the page's error handler (`www/boot.js`) that the app is running, so an uncaught error
/// from now on is a fault to recover from by reloading, not a failed boot.
pub fn mark_mounted() {
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"avtMounted".into(), &true.into());
    }
}

/// A main-thread fault that made the previous page load reload: what happened and when
/// (shared clock). Read once.
pub fn take_previous_fault() -> Option<(String, f64)> {
    let message = take(FAULT_KEY)?;
    let at = take(FAULT_AT_KEY)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN);
    Some((message, at))
}

/// Saves the finished runs (encoded by `model::store::persist`) for a reload after a fault.
pub fn save_results(encoded: &str) {
    put(RESULTS_KEY, encoded);
}

/// The runs saved before the reload.
pub fn saved_results() -> Option<String> {
    storage::get(Area::Session, RESULTS_KEY)
}

/// Notes the run in progress (encoded), or clears it with `None`.
pub fn save_pending(encoded: Option<&str>) {
    match encoded {
        Some(v) => put(PENDING_KEY, v),
        None => storage::remove(Area::Session, PENDING_KEY),
    }
}

/// The run that was in progress when the page died. Read once.
pub fn take_pending() -> Option<String> {
    take(PENDING_KEY)
}
