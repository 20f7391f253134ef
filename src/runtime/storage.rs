//! Web Storage: `sessionStorage` (a tab's reloads: the fault recovery) and `localStorage`
//! (this browser: the history of runs and its baseline). Storage may be disabled, full or
//! refused to a third-party frame: reads then find nothing, and writes say why.

use super::js_message;

/// Which storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// This tab, across its reloads.
    Session,
    /// This browser, for this origin.
    Local,
}

fn storage(area: Area) -> Option<web_sys::Storage> {
    let w = web_sys::window()?;
    match area {
        Area::Session => w.session_storage(),
        Area::Local => w.local_storage(),
    }
    .ok()?
}

/// The value under `key`, if storage holds one.
pub fn get(area: Area, key: &str) -> Option<String> {
    storage(area)?.get_item(key).ok()?
}

/// The value under `key`, removed as it is read.
pub fn take(area: Area, key: &str) -> Option<String> {
    let v = get(area, key)?;
    remove(area, key);
    Some(v)
}

/// Keeps `value` under `key`.
///
/// # Errors
/// Storage is unavailable, or full (the browser's message).
pub fn put(area: Area, key: &str, value: &str) -> Result<(), String> {
    storage(area)
        .ok_or_else(|| "this browser offers this page no storage".to_string())?
        .set_item(key, value)
        .map_err(|e| js_message(&e))
}

pub fn remove(area: Area, key: &str) {
    if let Some(s) = storage(area) {
        let _ = s.remove_item(key);
    }
}
