//! The kiosk home's own wasm module (`kiosk.html`, served at `/kiosk`): the
//! first screen of a service-hall kiosk and nothing else, so that a kiosk's
//! first visit stays small; a tap loads the whole kiosk (`kiosk-app.html`,
//! `/kiosk/app/`). Natively there is nothing to run; the command-line tool is
//! `gridcare`.

#[cfg(target_arch = "wasm32")]
fn main() {
    gridcare::ui::start_kiosk_home();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    eprintln!("gridcare-kiosk-home runs in the browser (kiosk.html, built by Trunk); the command-line tool is `gridcare`");
    std::process::ExitCode::FAILURE
}
