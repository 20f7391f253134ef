//! The page URL: where the experiment lives, so a copied link reproduces it.

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

/// Replaces the query in place (no history entry per keystroke).
///
/// # Errors
/// When the browser refuses `history.replaceState` (for example a sandboxed iframe).
pub fn replace_query(query: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let history = window.history().map_err(|e| format!("{e:?}"))?;
    let path = window.location().pathname().unwrap_or_default();
    history
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}?{query}")),
        )
        .map_err(|e| format!("{e:?}"))
}

/// Reloads the page with a new query (the pool size is fixed for a page's life).
///
/// # Errors
/// When the browser refuses the navigation.
pub fn reload_with_query(query: &str) -> Result<(), String> {
    location()
        .ok_or("no window")?
        .set_search(query)
        .map_err(|e| format!("{e:?}"))
}
