//! From the kiosk's small home module to the whole kiosk: the home module
//! draws the first screen quickly; a tap on it loads the whole kiosk
//! (`/kiosk/app/`), which opens where the customer was going. The choice
//! travels in session storage, so a reload of the kiosk does not repeat it.

use super::Screen;
use crate::domain::intake::Tile;
use gloo_storage::{SessionStorage, Storage};

const KEY: &str = "gridcare.kiosk.handover";
/// Where the whole kiosk is served (its own Trunk build, `kiosk-app.html`).
const WHOLE_KIOSK: &str = "/kiosk/app/";

/// Hands the customer's choice over to the whole kiosk.
pub fn go(next: Screen) {
    let code = match next {
        Screen::Form(tile) => tile.code(),
        Screen::Lookup => "lookup",
        Screen::Tariff => "tariff",
        _ => "",
    };
    let _ = SessionStorage::set(KEY, code);
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(WHOLE_KIOSK);
    }
}

/// The choice handed over, once.
pub fn take() -> Option<Screen> {
    let code: String = SessionStorage::get(KEY).ok()?;
    SessionStorage::delete(KEY);
    match code.as_str() {
        "lookup" => Some(Screen::Lookup),
        "tariff" => Some(Screen::Tariff),
        other => Tile::from_code(other).map(Screen::Form),
    }
}
