//! The Leptos UI: small components that read signals and render.
//!
//! Components reach the browser only through [`crate::runtime`] and the DOM nodes Leptos hands
//! them (node refs, event targets); shared state lives in the parts of [`state`], each
//! provided as context by [`app::App`].

pub mod app;
pub mod below_results;
pub mod charts;
pub mod claims;
pub mod demos;
pub mod embed;
pub mod lazy;
pub mod library;
pub mod memory;
pub mod page;
pub mod python;
pub mod results;
pub mod run;
pub mod state;
pub mod timeline;

/// The element the playground mounts into when a host page provides one (embedding).
pub const HOST_ID: &str = "async-vs-threads";

/// Starts the probe and mounts the app into `#async-vs-threads`, or the body. A process (a
/// worker with an instance of its own, see `runtime::processes`) runs this start function
/// too, and has no page to mount into.
pub fn mount() {
    if !crate::runtime::location::in_page() {
        return;
    }
    crate::runtime::faults::install_panic_hook();
    crate::runtime::probe::start();
    crate::runtime::visibility::start();
    crate::runtime::counters::install();
    match crate::runtime::location::host_element(HOST_ID) {
        Some(el) => leptos::mount::mount_to(el, app::App).forget(),
        None => leptos::mount::mount_to_body(app::App),
    }
    crate::runtime::faults::mark_mounted();
}
