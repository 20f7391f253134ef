//! The pure model: everything that can be decided without a browser, grouped by what it
//! serves.
//!
//! No `web_sys`, `js_sys`, `wasm_bindgen`, `leptos` and no `std::time::Instant` here: time
//! comes in through [`clock::Clock`] or as plain numbers inside records.

pub mod charts;
pub mod clock;
pub mod demos;
pub mod experiment;
pub mod findings;
pub mod format;
pub mod memory;
pub mod page;
pub mod run;
pub mod store;
pub mod timeline;
