//! Letting the page breathe during long work done in slices.

use wasm_bindgen_futures::JsFuture;

/// Resolves on the next turn of the event loop, after the browser has had a
/// chance to paint and handle input. A message task rather than
/// `setTimeout(0)`, which browsers clamp to 4 ms once nested: a large import
/// yields a hundred times, and 4 ms each added almost half a second.
pub async fn yield_to_browser() {
    // Kept until the message arrived, so that the channel is not collected first.
    let channel = web_sys::MessageChannel::new().ok();
    let promise = js_sys::Promise::new(&mut |resolve, _| match &channel {
        Some(channel) => {
            channel.port1().set_onmessage(Some(&resolve));
            let _ = channel.port2().post_message(&wasm_bindgen::JsValue::NULL);
        }
        None => {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
            }
        }
    });
    let _ = JsFuture::from(promise).await;
    drop(channel);
}

/// Resolves after `ms` milliseconds (a timer: throttled in background tabs,
/// which is what a retry wants).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}
