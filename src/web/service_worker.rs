//! Registration of the service worker (`sw.js`, written by the build) and the
//! "new version available" hand-over. The glue is a few lines of JavaScript
//! because the service-worker lifecycle is callback-heavy; Trunk bundles it as
//! a wasm-bindgen snippet, so no inline script is needed.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/sw/register.js")]
extern "C" {
    /// Registers `/sw.js`; calls `on_update_ready` when a new version has been
    /// installed and waits to take over.
    #[wasm_bindgen(js_name = registerServiceWorker)]
    fn register_service_worker(on_update_ready: &Closure<dyn FnMut()>);

    /// Tells the waiting worker to take over; the page reloads once it has.
    #[wasm_bindgen(js_name = activateWaitingWorker)]
    pub fn activate_waiting_worker();
}

/// Registers the service worker if the browser has one; `on_update_ready` runs
/// when a newer build is ready.
pub fn register(on_update_ready: impl FnMut() + 'static) {
    let callback = Closure::<dyn FnMut()>::new(on_update_ready);
    register_service_worker(&callback);
    // The callback lives as long as the page does.
    callback.forget();
}
