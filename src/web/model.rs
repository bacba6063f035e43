//! The n-gram model beside the rules (`data/model.json.gz`, 236 KB) is not
//! built into the browser's modules: it is fetched beside them from
//! `/model.json.gz` once the first screen is up, and installed once. The
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
/// when it already was).
pub async fn load() -> Result<bool, String> {
    if shipped_model_ready() {
        return Ok(true);
    }
    LOADING.set(true);
    let installed = match fetch_bytes(MODEL_URL).await {
        Ok(bytes) => install_shipped_model(&bytes).map(|_| true),
        Err(e) => Err(e),
    };
    LOADING.set(false);
    installed
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
