//! The pure model: everything that can be decided without a browser.
//!
//! No `web_sys`, `js_sys`, `wasm_bindgen`, `leptos` and no `std::time::Instant` here: time
//! comes in through [`clock::Clock`] or as plain numbers inside records.

pub mod caps;
pub mod chart;
pub mod claims;
pub mod clock;
pub mod deadlines;
pub mod demos;
pub mod density;
pub mod embed;
pub mod export;
pub mod fault;
pub mod fields;
pub mod format;
pub mod gate;
pub mod gil;
pub mod history;
pub mod insights;
pub mod interpreter;
pub mod json;
pub mod kernel;
pub mod memory;
pub mod params;
pub mod persist;
pub mod record;
pub mod replay;
pub mod rng;
pub mod stats;
pub mod sweep;
pub mod theory;
pub mod timeline;
pub mod url;
pub mod visibility;
pub mod wire;
pub mod workload;
