//! Async vs Threads: a playground that runs concurrency experiments in the visitor's browser.
//!
//! Three layers, kept apart by the compiler:
//! - [`model`]: pure Rust (parameters, URL codec, workloads, kernel, records, statistics,
//!   theory). Builds and tests natively.
//! - [`runtime`]: the only code that touches the browser (clock, timers, lag probe, executors,
//!   the rayon pool). wasm32 only, but for the async scheduler ([`runtime::event_loop`]),
//!   which builds and tests natively (and under Miri) with an injected clock.
//! - `ui`: Leptos components that read signals and reach the browser through `runtime`.
//!   wasm32 only.
//!
//! See ARCHITECTURE.md for what each layer may import.

// Wasm builds are nightly builds (both the threaded and the no-threads one): there the kernel
// and the event loop's hot paths opt into speed in a size-optimised build.
#![cfg_attr(target_arch = "wasm32", feature(optimize_attribute))]

pub mod model;

pub mod runtime;

#[cfg(target_arch = "wasm32")]
pub mod ui;
