//! Files out and in: a download built from text chunks (a `Blob` of them, so a large export
//! never sits whole in the wasm memory), the text of a file the user picked or dropped, and
//! of a file served beside the page.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::js_message;
use super::timer::sleep;

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
    let url = object_url(&parts, mime)?;
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
    let blob = web_sys::Blob::new_with_str_sequence_and_options(parts, &options)
        .map_err(|e| js_message(&e))?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| js_message(&e))
}

/// The text of `file`.
///
/// # Errors
/// Too large, or unreadable (the browser's message), as a sentence.
pub async fn read(file: web_sys::File) -> Result<String, String> {
    if file.size() > MAX_READ_BYTES {
        return Err(format!(
            "{} is {:.0} MB, more than the {:.0} MB this page reads.",
            file.name(),
            file.size() / 1e6,
            MAX_READ_BYTES / 1e6
        ));
    }
    let text = JsFuture::from(file.text())
        .await
        .map_err(|e| format!("{} could not be read: {}.", file.name(), js_message(&e)))?;
    text.as_string()
        .ok_or_else(|| format!("{} did not read as text.", file.name()))
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
