//! The n-gram model beside the rules (`data/model.json.gz`, 405 KB) is not
//! built into the browser's modules: it is fetched beside them from
//! `/model.json.gz` when a screen first classifies (the kiosk at once; the
//! staff screens when a ticket is taken or opened, the rules page or the
//! drill opens: not before a crew's queue), and installed once. The
//! service worker precaches it with every other file of the build, so it
//! is there offline too. Until it is installed, and wherever it cannot be
//! had, the rules decide alone, and each decision says what decided it (no
//! model entry among them).

use crate::domain::classify::{install_shipped_model, shipped_model_ready};
use std::cell::Cell;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where the build puts the model (index.html copies it there).
const MODEL_URL: &str = "/model.json.gz";

thread_local! {
    /// A fetch is under way.
    static LOADING: Cell<bool> = const { Cell::new(false) };
}

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|e| format!("{e:?}"))?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Fetches and installs the model; `Ok(true)` once it is in place (at once
/// when it already was). The fetch counts as under way from the call, not
/// from the future's first poll, so that [`settled`] waits for it at once.
pub fn load() -> impl std::future::Future<Output = Result<bool, String>> {
    let here = shipped_model_ready();
    if !here {
        LOADING.set(true);
    }
    async move {
        if here {
            return Ok(true);
        }
        let installed = match fetch_bytes(MODEL_URL).await {
            // Un-gzipped by the browser (a server may have done it already).
            Ok(bytes) => match crate::web::files::unpacked(bytes).await {
                Ok(json) => install_shipped_model(&json).map(|_| true),
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e),
        };
        LOADING.set(false);
        installed
    }
}

/// Whether the model is being fetched now.
pub fn loading() -> bool {
    LOADING.get()
}

/// Waits (at most `ms`) for a fetch under way to end, so that a ticket
/// recorded in the first moments is classified as it will be later.
pub async fn settled(ms: i32) {
    let mut waited = 0;
    while LOADING.get() && waited < ms {
        crate::web::tasks::sleep(25).await;
        waited += 25;
    }
}
