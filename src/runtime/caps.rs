//! Detects what this browser offers (cross-origin isolation, shared memory, cores).

use crate::model::caps::Capabilities;

/// Which build this is, as the embedding page is told: `threads`, or the single-threaded
/// `fallback` for browsers without shared wasm memory.
pub const BUILD: &str = if cfg!(feature = "no-threads") {
    "fallback"
} else {
    "threads"
};

fn global_flag(name: &str) -> bool {
    js_sys::Reflect::get(&js_sys::global(), &name.into())
        .map(|v| v.is_truthy())
        .unwrap_or(false)
}

/// Reads the page's capabilities.
pub fn detect() -> Capabilities {
    let cores = web_sys::window()
        .map(|w| w.navigator().hardware_concurrency())
        .unwrap_or(1.0);
    Capabilities {
        cross_origin_isolated: global_flag("crossOriginIsolated"),
        shared_array_buffer: global_flag("SharedArrayBuffer"),
        atomics_build: cfg!(target_feature = "atomics"),
        cores: (cores as u32).max(1),
    }
}
