//! The kiosk lock on the staff screens. A device with a staff PIN is a
//! kiosk: every staff address (`/`, `/crew…`, `/supervisor`, `/rules`,
//! `/tariff`, `/drill`, a deep link, the back button) shows the PIN prompt
//! instead, until the PIN is given; after 60 s without a touch, or when
//! staff press "返回自助模式", it locks again. The PIN's record (stretched
//! hash, failures, lock) is read from IndexedDB before any staff screen
//! shows; if it cannot be read, the screens stay locked.

use crate::domain::lock::{self, PinRecord};
use crate::i18n::Key;
use crate::ui::state::use_i18n;
use crate::web::pin;
use crate::web::store::{self, Store};
use leptos::prelude::*;
use std::time::Duration;

/// Seconds without a touch or key after which an unlocked kiosk locks.
pub const UNLOCKED_SECONDS: f64 = 60.0;

#[derive(Clone, Debug, PartialEq)]
pub enum Gate {
    /// The PIN record is being read: nothing shows yet.
    Reading,
    /// Not a kiosk: the staff screens are open.
    Open,
    /// A kiosk, locked.
    Locked(PinRecord),
    /// A kiosk that staff unlocked.
    Unlocked(PinRecord),
    /// The record could not be read: locked, and no PIN opens it here.
    Unreadable(String),
}

/// The gate as shared context: the header's "back to kiosk mode" reads it.
#[derive(Clone, Copy)]
pub struct GateCell(pub RwSignal<Gate>);

/// Reads the PIN record and shares the gate.
pub fn provide_gate() -> GateCell {
    let cell = GateCell(RwSignal::new(Gate::Reading));
    provide_context(cell);
    leptos::task::spawn_local(async move {
        let store = Store::open(store::DB_NAME).await;
        cell.0.set(match store.pin_record().await {
            Ok(None) => Gate::Open,
            Ok(Some(record)) => Gate::Locked(record),
            Err(e) => Gate::Unreadable(e.to_string()),
        });
    });
    relock_when_idle(cell);
    cell
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Locks an unlocked kiosk after `UNLOCKED_SECONDS` without input.
fn relock_when_idle(cell: GateCell) {
    crate::web::idle::watch_idle(Duration::from_secs(1), move |idle| {
        if idle >= UNLOCKED_SECONDS {
            if let Gate::Unlocked(record) = cell.0.get_untracked() {
                cell.0.set(Gate::Locked(record));
            }
        }
    });
}

impl GateCell {
    pub fn is_kiosk(self) -> bool {
        matches!(
            self.0.get(),
            Gate::Locked(_) | Gate::Unlocked(_) | Gate::Unreadable(_)
        )
    }

    /// Whether staff screens (and the ways to them) may show now.
    pub fn staff_open(self) -> bool {
        matches!(self.0.get(), Gate::Open | Gate::Unlocked(_))
    }

    /// Locks again and hands the device back to customers.
    pub fn back_to_kiosk(self) {
        if let Gate::Unlocked(record) = self.0.get_untracked() {
            self.0.set(Gate::Locked(record));
        }
        let _ = window().location().assign("/kiosk");
    }
}

/// The staff screens behind the gate.
#[component]
pub fn StaffGate(children: ChildrenFn) -> impl IntoView {
    let cell = expect_context::<GateCell>();
    let i18n = use_i18n();
    move || match cell.0.get() {
        Gate::Open | Gate::Unlocked(_) => children().into_any(),
        Gate::Reading => view! { <p role="status">{i18n.t(Key::LoadingData)}</p> }.into_any(),
        Gate::Locked(record) => view! { <PinPrompt record=record /> }.into_any(),
        Gate::Unreadable(why) => view! {
            <p class="error" role="alert" data-testid="lock-unreadable">
                {i18n.t(Key::LockUnreadable)}
                " "
                {why}
            </p>
        }
        .into_any(),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Outcome {
    /// Wrong, with this many more wrong PINs taken before a wait.
    Wrong(u32),
    Wait(u64),
    Failed,
}

/// Asks for the staff PIN; each wrong one is counted in the PIN's record.
#[component]
fn PinPrompt(record: PinRecord) -> impl IntoView {
    let cell = expect_context::<GateCell>();
    let i18n = use_i18n();
    let entered = RwSignal::new(String::new());
    let record = StoredValue::new_local(record);
    let check = Action::new_local(move |pin: &String| {
        let pin = pin.clone();
        async move {
            let now = now_ms() as i64;
            let mut r = record.get_value();
            if let Some(wait) = r.wait(now) {
                return Some(Outcome::Wait(wait));
            }
            let store = Store::open(store::DB_NAME).await;
            let Ok(right) = pin::matches(&r, &pin).await else {
                return Some(Outcome::Failed);
            };
            if right {
                r.succeeded();
            } else {
                r.failed(now);
            }
            // Counted where the hash is: without the count saved, no entry.
            if store.save_pin_record(&r).await.is_err() {
                return Some(Outcome::Failed);
            }
            record.set_value(r.clone());
            if right {
                cell.0.set(Gate::Unlocked(r));
                return None;
            }
            Some(match r.wait(now) {
                Some(wait) => Outcome::Wait(wait),
                None => Outcome::Wrong(r.tries_before_wait()),
            })
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        check.dispatch_local(entered.get_untracked());
        entered.set(String::new());
    };
    view! {
        <form class="pin-dialog staff-lock" on:submit=submit data-testid="staff-lock">
            <h1>{i18n.t(Key::StaffLocked)}</h1>
            <p>{i18n.t(Key::EnterPin)}</p>
            <input
                type="password"
                inputmode="numeric"
                autocomplete="off"
                aria-label=i18n.t(Key::EnterPin)
                data-testid="staff-pin"
                prop:value=move || entered.get()
                on:input=move |ev| entered.set(event_target_value(&ev))
            />
            <button type="submit" class="primary" disabled=move || check.pending().get()>
                {i18n.t(Key::Unlock)}
            </button>
            {move || {
                check
                    .value()
                    .get()
                    .flatten()
                    .map(|outcome| {
                        let text = move || match outcome {
                            Outcome::Wrong(0) => {
                                Key::PinWrongLast
                                    .fill(i18n.lang.get(), &[("s", &lock::FIRST_WAIT_SECONDS)])
                            }
                            Outcome::Wrong(n) => {
                                Key::PinWrongTries.fill(i18n.lang.get(), &[("n", &n)])
                            }
                            Outcome::Wait(s) => {
                                Key::PinLockedFor.fill(i18n.lang.get(), &[("s", &s)])
                            }
                            Outcome::Failed => i18n.t(Key::LockUnreadable)().to_string(),
                        };
                        view! {
                            <p class="error" role="alert" data-testid="staff-lock-error">
                                {text}
                            </p>
                        }
                    })
            }}
            <p>
                <a href="/kiosk" rel="external">
                    {i18n.t(Key::BackToKiosk)}
                </a>
            </p>
        </form>
    }
}
