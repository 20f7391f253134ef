//! `window.avtCounters()`: what the page holds now, for the soak test (`tests/e2e/soak.mjs`)
//! and anyone diagnosing a long session from the console: the wasm memory, the heap's live
//! bytes and allocations (every thread), the most it held since the latest run began, the timer's pending waits, and the pool's workers.
//! Read-only figures; nothing is sent anywhere.

use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

use super::{alloc, memory, pool, timer};

fn counters() -> JsValue {
    let out = js_sys::Object::new();
    let heap = alloc::heap();
    let set = |k: &str, v: f64| {
        let _ = js_sys::Reflect::set(&out, &k.into(), &v.into());
    };
    set("wasm_memory_bytes", memory::wasm_memory_bytes() as f64);
    set("heap_bytes", heap.bytes as f64);
    set("heap_allocs", heap.allocs as f64);
    set("heap_peak_bytes", alloc::peak_bytes() as f64);
    set("pending_timers", timer::pending_timers() as f64);
    set("pool_workers", f64::from(pool::size().unwrap_or(0)));
    set("retiring_workers", pool::retiring_workers() as f64);
    out.into()
}

/// Puts `avtCounters` on the window (once; it lives as long as the page).
pub fn install() {
    let Some(w) = web_sys::window() else { return };
    let f = Closure::<dyn Fn() -> JsValue>::new(counters);
    let _ = js_sys::Reflect::set(&w, &"avtCounters".into(), f.as_ref());
    f.forget();
}
