//! Letting the page breathe during long work done in slices.

use wasm_bindgen_futures::JsFuture;

/// Resolves on the next turn of the event loop, after the browser has had a
/// chance to paint and handle input.
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}
