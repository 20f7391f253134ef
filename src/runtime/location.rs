//! The page: its URL (where the experiment lives, so a copied link reproduces it), the
//! element it mounts into, and where its wasm-bindgen glue lives (for workers to load).

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The URL of wasm-bindgen's JS glue, which workers import to instantiate the module.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_JS: js_sys::JsString;
}

/// The URL of wasm-bindgen's JS glue (this module's own `import.meta.url`).
pub fn glue_js() -> JsValue {
    GLUE_JS.with(|u| JsValue::from(u.clone()))
}

/// The URL of the wasm chunk `name` split from this module: `.ci/setup.sh` (split_build) puts
/// it beside the glue, as `<glue's name>_<name>.wasm`.
pub fn chunk_url(name: &str) -> String {
    let glue = GLUE_JS.with(|u| String::from(u));
    format!("{}_{name}.wasm", glue.strip_suffix(".js").unwrap_or(&glue))
}

/// Whether this instance runs in a page (not in a worker: a pool thread or a process).
pub fn in_page() -> bool {
    web_sys::window().is_some()
}

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

/// The query string, without the leading `?` (empty when there is none).
pub fn query() -> String {
    location()
        .and_then(|l| l.search().ok())
        .unwrap_or_default()
        .trim_start_matches('?')
        .to_owned()
}

/// The page's address without query or fragment (where links to an experiment start).
pub fn base() -> String {
    location()
        .map(|l| {
            format!(
                "{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// Replaces the query in place (no history entry per keystroke).
///
/// # Errors
/// When the browser refuses `history.replaceState` (for example a sandboxed iframe).
pub fn replace_query(query: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let history = window.history().map_err(|e| super::js_message(&e))?;
    let path = window.location().pathname().unwrap_or_default();
    history
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}?{query}")),
        )
        .map_err(|e| super::js_message(&e))
}

/// The element with `id`, emptied of its static fallback content, to mount into.
pub fn host_element(id: &str) -> Option<web_sys::HtmlElement> {
    let el = web_sys::window()?.document()?.get_element_by_id(id)?;
    el.set_inner_html("");
    el.dyn_into().ok()
}
