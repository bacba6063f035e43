//! Online/offline state as the browser reports it.

/// `navigator.onLine`; `true` where the browser cannot tell.
pub fn is_online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}
