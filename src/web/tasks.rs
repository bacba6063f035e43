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

/// Waits until this page holds the browser-wide lock `name` (the Web Locks
/// API), and keeps it for the page's life: of several tabs of one profile,
/// one at a time does what the lock guards, the next when that tab closes.
/// Where the browser has no Web Locks, returns at once.
pub async fn hold_lock_for_life(name: &str) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    let Some(locks) = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &"locks".into()).ok())
        .filter(|l| !l.is_undefined())
    else {
        return;
    };
    let Ok(request) = js_sys::Reflect::get(&locks, &"request".into())
        .and_then(|r| r.dyn_into::<js_sys::Function>())
    else {
        return;
    };
    // Resolved when the lock is granted; the callback's own promise never
    // settles, so the lock is held until the page goes.
    let mut granted: Option<js_sys::Function> = None;
    let acquired = js_sys::Promise::new(&mut |resolve, _| granted = Some(resolve));
    let Some(granted) = granted else {
        return;
    };
    let on_grant = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        let _ = granted.call0(&JsValue::NULL);
        js_sys::Promise::new(&mut |_, _| {})
    });
    if request.call2(&locks, &name.into(), &on_grant).is_err() {
        return;
    }
    let _ = JsFuture::from(acquired).await;
}
