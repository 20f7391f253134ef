//! Detects what this browser offers (cross-origin isolation, shared memory, cores), and what
//! the loader (`www/boot.js`) found before it chose this build (`window.avtBoot`).

use wasm_bindgen::JsValue;

use crate::model::page::caps::{Boot, Capabilities, Served, ServiceWorker};

fn get(target: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(target, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Reads the page's capabilities.
pub fn detect() -> Capabilities {
    let cores = web_sys::window()
        .map(|w| w.navigator().hardware_concurrency())
        .unwrap_or(1.0);
    let global = js_sys::global().into();
    Capabilities {
        cross_origin_isolated: get(&global, "crossOriginIsolated").is_truthy(),
        shared_array_buffer: get(&global, "SharedArrayBuffer").is_truthy(),
        atomics_build: cfg!(target_feature = "atomics"),
        cores: (cores as u32).max(1),
        boot: boot(&get(&global, "avtBoot")),
    }
}

/// The browser's user agent string (empty where it offers none).
pub fn user_agent() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default()
}

/// What the loader left in `window.avtBoot` (nothing, when the app was loaded another way:
/// the wasm-bindgen tests), and whether the page is in a frame.
fn boot(b: &JsValue) -> Boot {
    let framed = super::embed::framed();
    if !b.is_object() {
        return Boot {
            framed,
            ..Boot::default()
        };
    }
    let served = get(b, "served");
    let header = |name: &str| get(&served, name).as_string();
    Boot {
        framed,
        shared_memory_refused: get(b, "sharedMemory") == JsValue::FALSE,
        served: served.is_object().then(|| {
            Served::from_values(
                header("coop").as_deref(),
                header("coep").as_deref(),
                header("dip").as_deref(),
            )
        }),
        service_worker: ServiceWorker::from_key(
            &get(b, "serviceWorker").as_string().unwrap_or_default(),
        ),
    }
}
