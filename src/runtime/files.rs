//! Files out and in: a download built from text chunks (a `Blob` of them, so a large export
//! never sits whole in the wasm memory), the text of a file the user picked or dropped, and
//! of a file served beside the page.

use std::sync::atomic::{AtomicU32, Ordering};

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::clock::now_ms;
use super::js_message;
use super::pool;
use super::timer::{sleep, yield_now};

/// The largest file the page reads, bytes (an export of about a million task records).
pub const MAX_READ_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

/// Offers the text `write` produces, chunk by chunk, as a download named `name`.
///
/// # Errors
/// The browser refused to build the file or the link (its message).
pub fn download(
    name: &str,
    mime: &str,
    write: impl FnOnce(&mut dyn FnMut(String)),
) -> Result<(), String> {
    let parts = js_sys::Array::new();
    write(&mut |chunk: String| {
        parts.push(&chunk.into());
    });
    offer(&parts, name, mime)
}

/// [`download`] of chunks already written (off the main thread, [`off_main`]).
///
/// # Errors
/// As [`download`].
pub async fn download_written(name: &str, mime: &str, chunks: Vec<String>) -> Result<(), String> {
    offer(&parts(chunks).await, name, mime)
}

/// Chunks of text as a file's parts, a slice at a time, the page getting a turn between
/// slices; as bytes, which a `Blob` keeps as they are (a string part is encoded again).
pub async fn parts(chunks: Vec<String>) -> js_sys::Array {
    let parts = js_sys::Array::new();
    let mut slice_from = now_ms();
    for chunk in chunks {
        parts.push(&js_sys::Uint8Array::from(chunk.as_bytes()));
        if now_ms() - slice_from > SLICE_MS {
            yield_now().await;
            slice_from = now_ms();
        }
    }
    parts
}

/// Background work on files under way (see [`Working`]).
static WORKING: AtomicU32 = AtomicU32::new(0);

/// Background work on files (keeping a run's records) under way while this lives: a run
/// waits for it ([`working`]), so that no worker and no slice of the main thread is taken
/// from the run.
pub struct Working(());

impl Working {
    pub fn start() -> Self {
        WORKING.fetch_add(1, Ordering::Relaxed);
        Working(())
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        WORKING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Whether background work on files is under way.
pub fn working() -> bool {
    WORKING.load(Ordering::Relaxed) > 0
}

/// The most a slice of work on files holds the main thread, ms.
const SLICE_MS: f64 = 8.0;

/// Runs `job` on a worker of the pool when `pool_free` (none of its workers is busy with a
/// run), so the page keeps answering while a large file is read or written; else here.
///
/// # Errors
/// The worker it was handed to stopped before it finished.
pub async fn off_main<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
    pool_free: bool,
) -> Result<T, String> {
    if !pool_free || pool::healthy_size().is_err() {
        return Ok(job());
    }
    let (tx, rx) = futures_channel::oneshot::channel();
    pool::spawn(move || {
        let _ = tx.send(job());
    })?;
    rx.await
        .map_err(|_| "the worker it was handed to stopped before it finished".to_string())
}

/// Offers `parts` as a download named `name`, of type `mime`.
fn offer(parts: &js_sys::Array, name: &str, mime: &str) -> Result<(), String> {
    let url = object_url(parts, mime)?;
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or("no document to download from")?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The download has started from the URL by the time a second has passed.
    wasm_bindgen_futures::spawn_local(async move {
        sleep(1000.0).await;
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    Ok(())
}

/// An object URL for a `Blob` of the strings `parts`, of type `mime`; revoke it when done.
///
/// # Errors
/// The browser refused the blob or the URL (its message).
pub fn object_url(parts: &js_sys::Array, mime: &str) -> Result<String, String> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_blob_sequence_and_options(parts, &options)
        .map_err(|e| js_message(&e))?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| js_message(&e))
}

/// The bytes of `file` (text is made of them off the main thread: a 14 MB export took the
/// main thread about 50 ms to arrive as text, against a copy of its bytes).
///
/// # Errors
/// Too large, or unreadable (the browser's message), as a sentence.
pub async fn read(file: web_sys::File) -> Result<Vec<u8>, String> {
    if file.size() > MAX_READ_BYTES {
        return Err(format!(
            "{} is {:.0} MB, more than the {:.0} MB this page reads.",
            file.name(),
            file.size() / 1e6,
            MAX_READ_BYTES / 1e6
        ));
    }
    let bytes = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("{} could not be read: {}.", file.name(), js_message(&e)))?;
    Ok(js_sys::Uint8Array::new(&bytes).to_vec())
}

/// The text of `path`, a file served beside the page.
///
/// # Errors
/// Not fetched, not found, or not text (the browser's message), as a sentence.
pub async fn fetch_text(path: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window to fetch from")?;
    let failed = |e: wasm_bindgen::JsValue| format!("{path} could not be fetched: {}", js_message(&e));
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(failed)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("{path} could not be fetched: the server answered {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(failed)?)
        .await
        .map_err(failed)?;
    text.as_string()
        .ok_or_else(|| format!("{path} did not read as text"))
}
