//! Async vs Threads: a playground that runs concurrency experiments in the visitor's browser.
//!
//! Three layers, kept apart by the compiler:
//! - [`model`]: pure Rust (parameters, URL codec, workloads, kernel, records, statistics,
//!   theory). Builds and tests natively.
//! - `runtime`: the only code that touches the browser (clock, timers, lag probe, executors,
//!   the rayon pool). wasm32 only.
//! - `ui`: Leptos components that read signals and reach the browser through `runtime`.
//!   wasm32 only.
//!
//! See ARCHITECTURE.md for what each layer may import.

// Wasm threads builds are nightly builds: there the kernel opts into speed in a size-optimised build.
#![cfg_attr(target_feature = "atomics", feature(optimize_attribute))]

pub mod model;

#[cfg(target_arch = "wasm32")]
pub mod runtime;

#[cfg(target_arch = "wasm32")]
pub mod ui;
