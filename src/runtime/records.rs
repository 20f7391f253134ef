//! The task records of recent runs across visits (`records.js`: IndexedDB, an entry per run
//! keyed by when it started, holding its JSON export). What to keep and what to drop is
//! `model::store::history`'s; errors are the browser's words.

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::js_message;

#[wasm_bindgen(module = "/src/runtime/records.js")]
extern "C" {
    #[wasm_bindgen(js_name = recordsPut)]
    fn records_put(at: f64, parts: &Array) -> Promise;
    #[wasm_bindgen(js_name = recordsList)]
    fn records_list() -> Promise;
    #[wasm_bindgen(js_name = recordsGet)]
    fn records_get(at: f64) -> Promise;
    #[wasm_bindgen(js_name = recordsDelete)]
    fn records_delete(ats: Vec<f64>) -> Promise;
    #[wasm_bindgen(js_name = recordsClear)]
    fn records_clear() -> Promise;
}

async fn settle(p: Promise) -> Result<JsValue, String> {
    JsFuture::from(p).await.map_err(|e| js_message(&e))
}

/// Keeps `parts` (an export's text, as bytes) under `at`; the bytes kept.
///
/// # Errors
/// Storage refused or full (the browser's message).
pub async fn put(at: f64, parts: &Array) -> Result<usize, String> {
    let bytes = settle(records_put(at, parts)).await?;
    Ok(bytes.as_f64().unwrap_or(0.0) as usize)
}

/// Every entry as `(at, bytes)`, oldest first; entries that are not numbers are left out.
///
/// # Errors
/// Storage refused (the browser's message).
pub async fn list() -> Result<Vec<(f64, usize)>, String> {
    let entries: Array = settle(records_list()).await?.unchecked_into();
    Ok(entries
        .iter()
        .filter_map(|e| {
            let e: Array = e.dyn_into().ok()?;
            let (at, bytes) = (e.get(0).as_f64()?, e.get(1).as_f64()?);
            (at.is_finite() && bytes.is_finite() && bytes >= 0.0).then_some((at, bytes as usize))
        })
        .collect())
}

/// The bytes kept under `at`, if any.
///
/// # Errors
/// Storage refused, or the entry unreadable (the browser's message).
pub async fn get(at: f64) -> Result<Option<Vec<u8>>, String> {
    let bytes = settle(records_get(at)).await?;
    Ok(bytes.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec))
}

/// Forgets the entries under `ats`.
///
/// # Errors
/// Storage refused (the browser's message).
pub async fn delete(ats: &[f64]) -> Result<(), String> {
    settle(records_delete(ats.to_vec())).await.map(drop)
}

/// Forgets every entry.
///
/// # Errors
/// Storage refused (the browser's message).
pub async fn clear() -> Result<(), String> {
    settle(records_clear()).await.map(drop)
}
