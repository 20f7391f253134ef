//! Watches `visibilitychange` so runs can say whether the page was hidden while they ran.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::clock::now_ms;
use crate::model::run::visibility::HiddenSpans;

thread_local! {
    static SPANS: RefCell<HiddenSpans> = RefCell::new(HiddenSpans::default());
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

fn record() {
    let hidden = document().is_some_and(|d| d.hidden());
    SPANS.with(|s| {
        let mut s = s.borrow_mut();
        if hidden {
            s.hidden(now_ms());
        } else {
            s.visible(now_ms());
        }
    });
}

/// Starts watching (once per page, for its whole life).
pub fn start() {
    let Some(doc) = document() else { return };
    record();
    let listener = Closure::<dyn FnMut()>::new(record);
    let _ =
        doc.add_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref());
    listener.forget();
}

/// How long the page was hidden within `[from_ms, to_ms]` (shared clock).
pub fn hidden_ms(from_ms: f64, to_ms: f64) -> f64 {
    SPANS.with(|s| s.borrow().overlap_ms(from_ms, to_ms))
}
