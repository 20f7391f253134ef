//! The Leptos UI: small components that read signals and render.
//!
//! Components reach the browser only through [`crate::runtime`]; shared state lives in
//! [`state::AppState`], provided as context by [`app::App`].

pub mod app;
pub mod chart_frame;
pub mod chart_growth;
pub mod chart_makespan;
pub mod chart_speedup;
pub mod controls;
pub mod environment;
pub mod form;
pub mod insights;
pub mod meter;
pub mod notices;
pub mod results;
pub mod state;
pub mod sweep_controls;
pub mod timeline;

use wasm_bindgen::JsCast;

/// The element the playground mounts into when a host page provides one (embedding).
pub const HOST_ID: &str = "async-vs-threads";

/// Starts the probe and mounts the app into `#async-vs-threads`, or the body.
pub fn mount() {
    crate::runtime::faults::install_panic_hook();
    crate::runtime::probe::start();
    crate::runtime::visibility::start();
    let host = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(HOST_ID));
    match host {
        Some(el) => {
            // Replaces the static "loading" fallback.
            el.set_inner_html("");
            leptos::mount::mount_to(el.unchecked_into(), app::App).forget();
        }
        None => leptos::mount::mount_to_body(app::App),
    }
    crate::runtime::faults::mark_mounted();
}
