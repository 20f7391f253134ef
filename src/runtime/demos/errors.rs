//! The errors claim in the browser: `errors.js` runs each way with the browser's own
//! machinery (promises, an `AbortController`, Web Workers and their `error` event); this
//! reads back what each saw.

use js_sys::{Promise, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen_futures::JsFuture;

use crate::model::demos::errors::{Catch, Caught, ErrorsRun};
use crate::runtime::js_message;

#[wasm_bindgen(module = "/src/runtime/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = runErrors)]
    fn run_errors(tasks: u32, failing: u32, wait_ms: f64, fail_ms: f64, limit_ms: f64) -> Promise;
}

/// How long the threads may take beyond their wait before the demo gives up, ms.
const LIMIT_MS: f64 = 10_000.0;

/// `tasks` tasks waiting `wait_ms`; the second fails after `fail_ms`.
///
/// # Errors
/// The browser's refusal (a worker it would not start), or threads that did not end.
pub async fn run(tasks: u32, wait_ms: u32, fail_ms: u32) -> Result<ErrorsRun, String> {
    let (wait, fail) = (f64::from(wait_ms), f64::from(fail_ms));
    let out = JsFuture::from(run_errors(tasks, 1, wait, fail, wait + LIMIT_MS))
        .await
        .map_err(|e| js_message(&e))?;
    let get = |v: &JsValue, key: &str| Reflect::get(v, &key.into()).unwrap_or(JsValue::NULL);
    let number = |v: &JsValue, key: &str| get(v, key).as_f64();
    let caught = Catch::ALL
        .into_iter()
        .filter_map(|way| {
            let c = get(&out, way.key());
            Some(Caught {
                way,
                caller_ms: number(&c, "callerMs"),
                hook_ms: number(&c, "hookMs"),
                said: get(&c, "said").as_string(),
                returned_ms: number(&c, "returnedMs")?,
                finished: number(&c, "finished")? as u32,
                cancelled: number(&c, "cancelled")? as u32,
                others_ms: number(&c, "othersMs")?,
            })
        })
        .collect();
    Ok(ErrorsRun {
        tasks,
        wait_ms: wait,
        fail_ms: fail,
        caught,
    })
}
