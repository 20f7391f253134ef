//! Repeating callbacks on the main thread, as handles that stop when dropped (so a component
//! that owns one cleans up by dropping it).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// A frame callback that re-arms itself, shared with itself.
type SelfArming = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls a function on every animation frame until dropped.
pub struct RafLoop {
    id: Rc<RefCell<Option<i32>>>,
    _callback: SelfArming,
}

impl RafLoop {
    /// Starts calling `f(timestamp_ms)` on every animation frame.
    pub fn start(mut f: impl FnMut(f64) + 'static) -> Self {
        let id = Rc::new(RefCell::new(None));
        let callback: SelfArming = Rc::new(RefCell::new(None));
        let (id2, cb2) = (id.clone(), callback.clone());
        *callback.borrow_mut() = Some(Closure::new(move |t: f64| {
            f(t);
            if let (Some(w), Some(cb)) = (web_sys::window(), cb2.borrow().as_ref()) {
                *id2.borrow_mut() = w.request_animation_frame(cb.as_ref().unchecked_ref()).ok();
            }
        }));
        if let (Some(w), Some(cb)) = (web_sys::window(), callback.borrow().as_ref()) {
            *id.borrow_mut() = w.request_animation_frame(cb.as_ref().unchecked_ref()).ok();
        }
        RafLoop {
            id,
            _callback: callback,
        }
    }
}

impl Drop for RafLoop {
    fn drop(&mut self) {
        if let (Some(w), Some(id)) = (web_sys::window(), self.id.borrow_mut().take()) {
            let _ = w.cancel_animation_frame(id);
        }
        // Break the closure's reference to itself.
        self._callback.borrow_mut().take();
    }
}

/// Calls a function every `ms` milliseconds until dropped.
pub struct Interval {
    id: Option<i32>,
    _callback: Closure<dyn FnMut()>,
}

impl Interval {
    /// Starts calling `f` every `ms` milliseconds.
    pub fn start(ms: i32, f: impl FnMut() + 'static) -> Self {
        let callback = Closure::<dyn FnMut()>::new(f);
        let id = web_sys::window().and_then(|w| {
            w.set_interval_with_callback_and_timeout_and_arguments_0(
                callback.as_ref().unchecked_ref(),
                ms,
            )
            .ok()
        });
        Interval {
            id,
            _callback: callback,
        }
    }
}

impl Drop for Interval {
    fn drop(&mut self) {
        if let (Some(w), Some(id)) = (web_sys::window(), self.id) {
            w.clear_interval_with_handle(id);
        }
    }
}

/// Whether the visitor asked for reduced motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}
