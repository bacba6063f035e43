//! The whole kiosk's own wasm module (`kiosk-app.html`, served at
//! `/kiosk/app/`, loaded by the first tap on the kiosk's home): only what a
//! service-hall kiosk needs. Natively there is nothing to run; the
//! command-line tool is `gridcare`.

#[cfg(target_arch = "wasm32")]
fn main() {
    gridcare::ui::start_kiosk();
}

/// `window.wasmBindings.benchRules(n)` for the benchmark suite.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = benchRules)]
pub fn bench_rules(tickets: u32) -> String {
    gridcare::web::bench::bench_rules(tickets)
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    eprintln!("gridcare-kiosk runs in the browser (kiosk-app.html, built by Trunk); the command-line tool is `gridcare`");
    std::process::ExitCode::FAILURE
}
