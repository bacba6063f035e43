//! What keeps a kiosk private: it returns home after a minute without a touch,
//! customers cannot navigate away, and leaving kiosk mode needs the staff PIN
//! (set on first use, stored only as a salted hash; repeated wrong PINs lock it
//! for a while).

use super::{Screen, IDLE_SECONDS};
use crate::domain::event::sha256_id;
use crate::i18n::Key;
use crate::ui::state::use_i18n;
use gloo_storage::{LocalStorage, Storage};
use leptos::ev;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Duration;

const PIN_KEY: &str = "gridcare.kiosk.pin";
const LOCK_KEY: &str = "gridcare.kiosk.pin_lock";
const PIN_TRIES: u32 = 3;
const LOCK_SECONDS: f64 = 120.0;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Sends the kiosk home after `IDLE_SECONDS` without a touch or key press.
pub fn reset_when_idle(screen: RwSignal<Screen>) {
    let last = StoredValue::new(now_ms());
    let touched = move |_| last.set_value(now_ms());
    let handles = [
        window_event_listener(ev::pointerdown, touched),
        window_event_listener(ev::keydown, move |_| last.set_value(now_ms())),
        window_event_listener(ev::input, move |_| last.set_value(now_ms())),
    ];
    let timer = set_interval_with_handle(
        move || {
            let idle = (now_ms() - last.get_value()) / 1000.0;
            if idle >= IDLE_SECONDS && screen.get_untracked() != Screen::Home {
                screen.set(Screen::Home);
            }
        },
        Duration::from_secs(1),
    )
    .ok();
    on_cleanup(move || {
        for handle in handles {
            handle.remove();
        }
        if let Some(timer) = timer {
            timer.clear();
        }
    });
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

#[derive(Clone, Serialize, Deserialize)]
struct StoredPin {
    salt: String,
    hash: String,
}

#[derive(Clone, Copy, Default, Serialize, Deserialize)]
struct Lock {
    failures: u32,
    until_ms: f64,
}

fn hash(salt: &str, pin: &str) -> String {
    sha256_id(format!("{salt}:{pin}").as_bytes())
}

fn random_salt() -> String {
    let mut bytes = [0u8; 16];
    let crypto = window().crypto().ok();
    if crypto
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_none()
    {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn valid_pin(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.chars().all(|c| c.is_ascii_digit())
}

fn locked_for() -> Option<u64> {
    let lock: Lock = LocalStorage::get(LOCK_KEY).unwrap_or_default();
    let left = (lock.until_ms - now_ms()) / 1000.0;
    (left > 0.0).then(|| left.ceil() as u64)
}

#[derive(Clone, Copy, PartialEq)]
enum Message {
    None,
    Mismatch,
    Shape,
    Wrong,
    Locked(u64),
}

#[component]
pub fn StaffExit() -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let pin = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let message = RwSignal::new(Message::None);
    let has_pin = RwSignal::new(LocalStorage::get::<StoredPin>(PIN_KEY).is_ok());
    let first_use = move || !has_pin.get();

    let close = move || {
        open.set(false);
        pin.set(String::new());
        repeat.set(String::new());
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let entered = pin.get_untracked();
        if let Some(wait) = locked_for() {
            message.set(Message::Locked(wait));
            return;
        }
        match LocalStorage::get::<StoredPin>(PIN_KEY) {
            Err(_) => {
                if !valid_pin(&entered) {
                    return message.set(Message::Shape);
                }
                if entered != repeat.get_untracked() {
                    return message.set(Message::Mismatch);
                }
                let salt = random_salt();
                let _ = LocalStorage::set(
                    PIN_KEY,
                    StoredPin {
                        hash: hash(&salt, &entered),
                        salt,
                    },
                );
                has_pin.set(true);
                message.set(Message::None);
                close();
            }
            Ok(stored) if hash(&stored.salt, &entered) == stored.hash => {
                LocalStorage::delete(LOCK_KEY);
                close();
                // The kiosk is its own module: the staff screens load anew.
                let _ = window().location().assign("/");
            }
            Ok(_) => {
                let mut lock: Lock = LocalStorage::get(LOCK_KEY).unwrap_or_default();
                lock.failures += 1;
                if lock.failures >= PIN_TRIES {
                    lock.failures = 0;
                    lock.until_ms = now_ms() + LOCK_SECONDS * 1000.0;
                    message.set(Message::Locked(LOCK_SECONDS as u64));
                } else {
                    message.set(Message::Wrong);
                }
                let _ = LocalStorage::set(LOCK_KEY, lock);
                pin.set(String::new());
            }
        }
    };

    view! {
        <div class="staff-exit no-print">
            <button
                type="button"
                class="quiet"
                on:click=move |_| {
                    message.set(Message::None);
                    open.set(true)
                }
            >
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
                <p id="pin-title">
                    {move || {
                        if first_use() { i18n.t(Key::SetPin)() } else { i18n.t(Key::EnterPin)() }
                    }}
                </p>
                <input
                    type="password"
                    inputmode="numeric"
                    autocomplete="off"
                    aria-label=i18n.t(Key::EnterPin)
                    data-testid="pin"
                    prop:value=move || pin.get()
                    on:input=move |ev| pin.set(event_target_value(&ev))
                />
                <Show when=first_use>
                    <input
                        type="password"
                        inputmode="numeric"
                        autocomplete="off"
                        aria-label=i18n.t(Key::PinRepeat)
                        data-testid="pin-repeat"
                        prop:value=move || repeat.get()
                        on:input=move |ev| repeat.set(event_target_value(&ev))
                    />
                </Show>
                {move || match message.get() {
                    Message::None => ().into_any(),
                    Message::Mismatch => {
                        view! {
                            <p class="error" role="alert">
                                {i18n.t(Key::PinMismatch)}
                            </p>
                        }
                            .into_any()
                    }
                    Message::Shape => {
                        view! {
                            <p class="error" role="alert">
                                {i18n.t(Key::PinShape)}
                            </p>
                        }
                            .into_any()
                    }
                    Message::Wrong => {
                        view! {
                            <p class="error" role="alert">
                                {i18n.t(Key::PinWrong)}
                            </p>
                        }
                            .into_any()
                    }
                    Message::Locked(s) => {
                        view! {
                            <p class="error" role="alert" data-testid="pin-locked">
                                {i18n.t(Key::PinLocked)}
                                " "
                                {s}
                            </p>
                        }
                            .into_any()
                    }
                }}
                <div class="actions">
                    <button type="button" on:click=move |_| close()>
                        {i18n.t(Key::Cancel)}
                    </button>
                    <button type="submit" class="primary">
                        {i18n.t(Key::Confirm)}
                    </button>
                </div>
            </form>
        </div>
    }
}
