//! What keeps a kiosk private: it returns home after a minute without a touch,
//! customers cannot navigate away, and the staff screens need the staff PIN
//! (set here on first use; checked, counted and locked by `ui::lock`).

use super::{Screen, IDLE_SECONDS};
use crate::domain::lock::valid_pin;
use crate::i18n::Key;
use crate::ui::state::use_i18n;
use crate::web::idle::{watch_idle, LastTouch};
use crate::web::pin;
use crate::web::store::{self, Store};
use leptos::prelude::*;
use std::time::Duration;

/// How long the kiosk waits before it goes home, for a screen that shows
/// it (the receipt's "30 秒后返回首页").
#[derive(Clone, Copy)]
pub struct IdleCountdown {
    last_touch: LastTouch,
    /// Whole seconds left.
    pub left: RwSignal<u32>,
}

impl IdleCountdown {
    /// "再看一会": the full wait again, shown at once.
    pub fn extend(&self) {
        self.last_touch.touch();
        self.left.set(IDLE_SECONDS as u32);
    }
}

/// Sends the kiosk home after `IDLE_SECONDS` without a touch or key press,
/// and provides the seconds left as an [`IdleCountdown`].
pub fn reset_when_idle(screen: RwSignal<Screen>) {
    let left = RwSignal::new(IDLE_SECONDS as u32);
    let last_touch = watch_idle(Duration::from_secs(1), move |idle| {
        left.set((IDLE_SECONDS - idle).max(0.0).ceil() as u32);
        if idle >= IDLE_SECONDS && screen.get_untracked() != Screen::Home {
            screen.set(Screen::Home);
        }
    });
    provide_context(IdleCountdown { last_touch, left });
}

/// Hides the app's navigation while the kiosk is shown.
pub fn kiosk_mode() {
    let body = document().body();
    if let Some(body) = &body {
        let _ = body.class_list().add_1("kiosk-mode");
    }
    on_cleanup(move || {
        if let Some(body) = document().body() {
            let _ = body.class_list().remove_1("kiosk-mode");
        }
    });
}

#[derive(Clone, Copy, PartialEq)]
enum Message {
    None,
    Mismatch,
    Shape,
    /// The PIN could not be kept: the kiosk stays as it was.
    Failed,
}

/// "工作人员": on first use, staff set the PIN that makes this device a
/// kiosk (its stretched hash kept in IndexedDB); from then on the button
/// leads to the staff screens, which ask for the PIN themselves (one place
/// checks it, counts failures and locks).
#[component]
pub fn StaffExit() -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let pin = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let message = RwSignal::new(Message::None);
    let has_pin = LocalResource::new(|| async {
        let store = Store::open(store::DB_NAME).await;
        // Unreadable counts as set: the staff screens then stay locked.
        !matches!(store.pin_record().await, Ok(None))
    });
    let to_staff_screens = || {
        super::handover::staff_answered();
        // The kiosk is its own module: the staff screens load anew, locked.
        let _ = window().location().assign("/");
    };
    let set_pin = Action::new_local(move |entered: &String| {
        let entered = entered.clone();
        async move {
            let store = Store::open(store::DB_NAME).await;
            let saved = match pin::record_for(&entered).await {
                Ok(record) => store.save_pin_record(&record).await.is_ok(),
                Err(_) => false,
            };
            if saved {
                to_staff_screens();
            } else {
                message.set(Message::Failed);
            }
        }
    });
    let close = move || {
        super::handover::staff_answered();
        open.set(false);
        pin.set(String::new());
        repeat.set(String::new());
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let entered = pin.get_untracked();
        if !valid_pin(&entered) {
            return message.set(Message::Shape);
        }
        if entered != repeat.get_untracked() {
            return message.set(Message::Mismatch);
        }
        message.set(Message::None);
        set_pin.dispatch_local(entered);
    };
    let staff = move || match has_pin.get() {
        Some(false) => {
            message.set(Message::None);
            open.set(true);
        }
        _ => to_staff_screens(),
    };
    // Staff tapped "工作人员" on the home module, which cannot tell whether
    // a PIN is set: answer once this page knows (again, if the screens were
    // drawn anew before the dialog was closed).
    if super::handover::staff_asked() {
        Effect::new(move |answered: Option<bool>| {
            if answered == Some(true) {
                return true;
            }
            let known = has_pin.get().is_some();
            if known {
                staff();
            }
            known
        });
    }

    view! {
        <div class="staff-exit no-print">
            <button type="button" class="quiet" on:click=move |_| staff()>
                {i18n.t(Key::StaffExit)}
            </button>
            <form
                class="pin-dialog"
                role="dialog"
                aria-labelledby="pin-title"
                on:submit=submit
                data-testid="pin-dialog"
                hidden=move || !open.get()
            >
                <p id="pin-title">{i18n.t(Key::SetPin)}</p>
                <input
                    type="password"
                    inputmode="numeric"
                    autocomplete="off"
                    aria-label=i18n.t(Key::EnterPin)
                    data-testid="pin"
                    prop:value=move || pin.get()
                    on:input=move |ev| pin.set(event_target_value(&ev))
                />
                <input
                    type="password"
                    inputmode="numeric"
                    autocomplete="off"
                    aria-label=i18n.t(Key::PinRepeat)
                    data-testid="pin-repeat"
                    prop:value=move || repeat.get()
                    on:input=move |ev| repeat.set(event_target_value(&ev))
                />
                {move || {
                    let key = match message.get() {
                        Message::None => return None,
                        Message::Mismatch => Key::PinMismatch,
                        Message::Shape => Key::PinShape,
                        Message::Failed => Key::LockUnreadable,
                    };
                    Some(
                        view! {
                            <p class="error" role="alert">
                                {i18n.t(key)}
                            </p>
                        },
                    )
                }}
                <div class="actions">
                    <button type="button" on:click=move |_| close()>
                        {i18n.t(Key::Cancel)}
                    </button>
                    <button type="submit" class="primary" disabled=move || set_pin.pending().get()>
                        {i18n.t(Key::Confirm)}
                    </button>
                </div>
            </form>
        </div>
    }
}

/// "工作人员" on the kiosk's home module: whether this device has a PIN yet
/// is kept in IndexedDB, which the home does not open (the store would
/// double its size), so the whole kiosk answers the tap.
#[component]
pub fn StaffExitToWholeKiosk() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="staff-exit no-print">
            <button type="button" class="quiet" on:click=move |_| super::handover::go_staff()>
                {i18n.t(Key::StaffExit)}
            </button>
        </div>
    }
}
