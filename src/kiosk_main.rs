//! The kiosk's own wasm module (`kiosk.html`, served at `/kiosk`): only what a
//! service-hall kiosk needs, so its first visit stays small. Natively there is
//! nothing to run; the command-line tool is `gridcare`.

#[cfg(target_arch = "wasm32")]
fn main() {
    gridcare::ui::start_kiosk();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    eprintln!("gridcare-kiosk runs in the browser (kiosk.html, built by Trunk); the command-line tool is `gridcare`");
    std::process::ExitCode::FAILURE
}
