//! The frame's side of embedding: whether the page is framed, messages to and from the
//! embedding page (`model::page::embed` builds and validates them; here they cross into JS), the
//! frame's visibility and content height, the clipboard, and the root's theme attributes.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::model::page::embed::{Command, Data, MAX_FIELDS, MAX_TEXT, command};

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The embedding page's window, when this page is in a frame.
fn parent() -> Option<web_sys::Window> {
    let w = window()?;
    let p = w.parent().ok().flatten()?;
    (!js_sys::Object::is(&p, &w)).then_some(p)
}

/// Whether this page is in a frame.
pub fn framed() -> bool {
    parent().is_some()
}

/// Posts `json` (a message from `model::page::embed`) to the embedding page, when framed. The
/// target origin is `*`: the embedding page may be any blog, and the messages hold nothing
/// secret (the experiment's query, which its own `src` already holds, and measured figures).
pub fn post(json: &str) {
    let Some(p) = parent() else {
        return;
    };
    if let Ok(value) = js_sys::JSON::parse(json) {
        let _ = p.post_message(&value, "*");
    }
}

/// A JS value as plain data, shallowly (nested objects are `Other`), copying no string longer
/// than `MAX_TEXT` and no more than `MAX_FIELDS` + 1 fields.
fn data(v: &JsValue, nested: bool) -> Data {
    if v.is_null() || v.is_undefined() {
        Data::Null
    } else if let Some(b) = v.as_bool() {
        Data::Bool(b)
    } else if let Some(n) = v.as_f64() {
        Data::Number(n)
    } else if let Some(s) = v.dyn_ref::<js_sys::JsString>() {
        let len = s.length() as usize;
        if len > MAX_TEXT {
            Data::TooLong(len)
        } else {
            Data::Text(String::from(s))
        }
    } else if !nested && v.is_object() && !js_sys::Array::is_array(v) && !v.is_function() {
        let keys = js_sys::Object::keys(v.unchecked_ref::<js_sys::Object>());
        let fields = keys
            .iter()
            .take(MAX_FIELDS + 1)
            .filter_map(|k| {
                let value = js_sys::Reflect::get(v, &k).ok()?;
                Some((k.as_string()?, data(&value, true)))
            })
            .collect();
        Data::Object(fields)
    } else {
        Data::Other
    }
}

/// Calls `on` with each message from the embedding page: its command, or why it was ignored
/// (messages from other windows are not read at all). Listens for the page's lifetime.
pub fn listen(on: impl Fn(Result<Command, String>) + 'static) {
    let (Some(w), Some(p)) = (window(), parent()) else {
        return;
    };
    let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let from_parent = e.source().is_some_and(|s| js_sys::Object::is(&s, &p));
        if from_parent {
            on(command(&data(&e.data(), false)));
        }
    });
    let _ = w.add_event_listener_with_callback("message", handler.as_ref().unchecked_ref());
    handler.forget();
}

/// Writes a line to the console at the debug level.
pub fn debug(text: &str) {
    web_sys::console::debug_1(&text.into());
}

fn root() -> Option<web_sys::Element> {
    window()?.document()?.document_element()
}

/// Calls `on` once, the first time any of the page is in the top-level viewport (in a frame,
/// the frame's own place in the embedding page counts). Any part, not a share: the page can
/// be much taller than its frame.
pub fn when_visible(on: impl FnOnce() + 'static) {
    let Some(root) = root() else {
        return;
    };
    let mut on = Some(on);
    let callback = Closure::<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>::new(
        move |entries: js_sys::Array, observer: web_sys::IntersectionObserver| {
            let visible = entries.iter().any(|e| {
                e.unchecked_into::<web_sys::IntersectionObserverEntry>()
                    .is_intersecting()
            });
            if visible && let Some(on) = on.take() {
                observer.disconnect();
                on();
            }
        },
    );
    if let Ok(observer) = web_sys::IntersectionObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(&root);
    }
    callback.forget();
}

/// Calls `on` with the page's content height (CSS px) now and whenever it changes.
pub fn on_height(on: impl Fn(f64) + 'static) {
    let Some(root) = root() else {
        return;
    };
    let el = root.clone();
    let callback = Closure::<dyn Fn()>::new(move || on(el.get_bounding_client_rect().height()));
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(&root);
    }
    callback.forget();
}

/// Sets an attribute of the document's root element (`data-embed`, `data-theme`, counts
/// tests read), for the style sheet and for the embedding page's tests.
pub fn set_root_attribute(name: &str, value: &str) {
    if let Some(root) = root() {
        let _ = root.set_attribute(name, value);
    }
}

/// Copies `text` to the clipboard; false when the browser refuses (no clipboard, no
/// permission, a frame without `clipboard-write`).
pub async fn copy(text: &str) -> bool {
    let Some(clipboard) = window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"clipboard".into()).ok())
        .filter(|c| c.is_object())
    else {
        return false;
    };
    let write = js_sys::Reflect::get(&clipboard, &"writeText".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(promise) = write
        .and_then(|f| f.call1(&clipboard, &text.into()).ok())
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
    else {
        return false;
    };
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}
