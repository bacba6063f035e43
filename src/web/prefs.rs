//! Small per-device preferences kept in localStorage (gloo-storage): they must be
//! readable synchronously before the first render, and losing them costs nothing.

use crate::i18n::Lang;
use gloo_storage::{LocalStorage, Storage};

const LANG_KEY: &str = "gridcare.lang";

/// The language chosen on this device, or the default (Simplified Chinese).
pub fn load_lang() -> Lang {
    LocalStorage::get::<String>(LANG_KEY)
        .ok()
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or_default()
}

/// Remembers the language across reloads. A full or disabled storage only
/// means the choice is not remembered, so the error is ignored on purpose.
pub fn save_lang(lang: Lang) {
    let _ = LocalStorage::set(LANG_KEY, lang.tag());
}

const LOCK_MINUTES_KEY: &str = "gridcare.lock.minutes";

/// Minutes without a touch after which customers' data is locked again
/// (30 by default). Not a secret: losing it only restores the default.
pub fn lock_minutes() -> u32 {
    LocalStorage::get::<u32>(LOCK_MINUTES_KEY)
        .ok()
        .filter(|m| (1..=480).contains(m))
        .unwrap_or(30)
}

pub fn save_lock_minutes(minutes: u32) {
    let _ = LocalStorage::set(LOCK_MINUTES_KEY, minutes);
}

const NOTIFY_ASKED_KEY: &str = "gridcare.notify.asked";

/// Whether this device already offered to turn on notifications: the
/// browser's permission is asked for once, with its reason, never nagged.
pub fn notify_asked() -> bool {
    LocalStorage::get::<bool>(NOTIFY_ASKED_KEY).unwrap_or(false)
}

pub fn save_notify_asked() {
    let _ = LocalStorage::set(NOTIFY_ASKED_KEY, true);
}

const LEDGER_COLUMNS_KEY: &str = "gridcare.ledger.columns";

/// The ledger columns this person picked to see, by column id; none until
/// they pick (the screen then shows its default set).
pub fn ledger_columns() -> Option<Vec<String>> {
    // An empty pick is a pick (only the number shows), not "never picked".
    LocalStorage::get::<Vec<String>>(LEDGER_COLUMNS_KEY).ok()
}

pub fn save_ledger_columns(columns: &[String]) {
    let _ = LocalStorage::set(LEDGER_COLUMNS_KEY, columns);
}

/// Where the draft of one editor is kept: `gridcare.<form>.draft`.
fn draft_key(form: &str) -> String {
    format!("gridcare.{form}.draft")
}

/// What was typed into a settings editor (`form`: "rules", "calendar") and
/// not yet published (see `ui::rules::editor`). Unreadable storage reads as
/// no draft.
pub fn draft<T: serde::de::DeserializeOwned>(form: &str) -> Option<T> {
    LocalStorage::get::<T>(draft_key(form)).ok()
}

/// Keeps the draft on the device. A full or disabled storage only means a
/// reload would lose it, as before drafts were kept.
pub fn save_draft<T: serde::Serialize>(form: &str, draft: &T) {
    let _ = LocalStorage::set(draft_key(form), draft);
}

pub fn forget_draft(form: &str) {
    LocalStorage::delete(draft_key(form));
}

const KIOSK_LARGE_TEXT_KEY: &str = "gridcare.kiosk.large-text";

/// Whether the customer at the kiosk asked for larger text. Kept for the
/// browser tab's session only (it outlasts the kiosk home's hand-over to
/// the whole kiosk, a page load) and cleared when the kiosk goes home idle.
pub fn kiosk_large_text() -> bool {
    gloo_storage::SessionStorage::get::<bool>(KIOSK_LARGE_TEXT_KEY).unwrap_or(false)
}

pub fn save_kiosk_large_text(on: bool) {
    let _ = gloo_storage::SessionStorage::set(KIOSK_LARGE_TEXT_KEY, on);
}
