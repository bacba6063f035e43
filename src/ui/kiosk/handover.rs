//! From the kiosk's small home module to the whole kiosk: the home module
//! draws the first screen quickly; a tap on it loads the whole kiosk
//! (`/kiosk/app/`), which opens where the customer was going. The choice
//! travels in session storage, so a reload of the kiosk does not repeat it.

use super::Screen;
use crate::domain::intake::Tile;
use gloo_storage::{SessionStorage, Storage};
use std::cell::Cell;

const KEY: &str = "gridcare.kiosk.handover";
/// What the home hands over when staff tap "工作人员": the whole kiosk asks
/// whether this device has a PIN yet (the home has no store to ask).
const STAFF: &str = "staff";

thread_local! {
    /// Staff tapped "工作人员" on the home; not yet answered here.
    static STAFF_ASKED: Cell<bool> = const { Cell::new(false) };
}
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
    hand_over(code);
}

/// Hands staff's tap on "工作人员" over to the whole kiosk, which sets the PIN
/// on first use or leads to the staff screens.
pub fn go_staff() {
    hand_over(STAFF);
}

fn hand_over(code: &str) {
    let _ = SessionStorage::set(KEY, code);
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(WHOLE_KIOSK);
    }
}

/// Whether staff tapped "工作人员" on the home before this page loaded, and
/// it is not answered yet. It outlasts the kiosk's screens, which are
/// drawn again when synced rules arrive: the tap must not be lost to that.
pub fn staff_asked() -> bool {
    STAFF_ASKED.get()
}

/// Staff's tap is answered: the PIN dialog was closed, or they went on.
pub fn staff_answered() {
    STAFF_ASKED.set(false);
}

/// The choice handed over, once.
pub fn take() -> Option<Screen> {
    let code: String = SessionStorage::get(KEY).ok()?;
    SessionStorage::delete(KEY);
    match code.as_str() {
        STAFF => {
            STAFF_ASKED.set(true);
            None
        }
        "lookup" => Some(Screen::Lookup),
        "tariff" => Some(Screen::Tariff),
        other => Tile::from_code(other).map(Screen::Form),
    }
}
