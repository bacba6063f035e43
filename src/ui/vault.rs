//! Customers' personal data on screen: the bar that says whether it is
//! protected, unlocks it for a shift and locks it again (by hand, or after
//! the idle time set in "who I am"), and the form that sets the passphrase.
//! The sealing is `web::vault`'s; what is personal is `domain::personal`'s.

use crate::i18n::Key;
use crate::ui::state::data::VaultState;
use crate::ui::state::{use_data, use_i18n};
use crate::web::prefs;
use leptos::ev;
use leptos::prelude::*;
use std::time::Duration;

/// The shortest passphrase taken.
const MIN_PASSPHRASE: usize = 6;

/// Above every staff screen: locked, unprotected, or a "lock now" button.
#[component]
pub fn VaultBar() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    lock_when_idle();
    move || match data.vault.get() {
        VaultState::Locked => view! { <UnlockForm /> }.into_any(),
        VaultState::Unlocked => view! {
            <p class="vault-bar no-print" data-testid="vault-unlocked">
                <button
                    type="button"
                    class="secondary"
                    data-testid="lock-now"
                    on:click=move |_| data.lock_now()
                >
                    {i18n.t(Key::LockNow)}
                </button>
            </p>
        }
        .into_any(),
        VaultState::Unprotected => view! {
            <p class="vault-bar warning no-print" role="status" data-testid="vault-unprotected">
                {i18n.t(Key::VaultUnprotected)}
            </p>
        }
        .into_any(),
        VaultState::Unavailable(why) => view! {
            <p class="vault-bar warning no-print" role="alert" data-testid="vault-unavailable">
                {i18n.t(Key::VaultUnavailable)}
                " ("
                {why}
                ")"
            </p>
        }
        .into_any(),
        VaultState::Loading => ().into_any(),
    }
}

/// Locks after the idle time chosen on this device (30 min by default).
fn lock_when_idle() {
    let data = use_data();
    crate::web::idle::watch_idle(Duration::from_secs(5), move |idle| {
        if data.vault.get_untracked() == VaultState::Unlocked
            && idle / 60.0 >= f64::from(prefs::lock_minutes())
        {
            data.lock_now();
        }
    });
}

#[component]
fn UnlockForm() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let passphrase = RwSignal::new(String::new());
    let unlock = Action::new_local(move |p: &String| {
        let p = p.clone();
        async move { data.unlock(&p).await }
    });
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        unlock.dispatch_local(passphrase.get_untracked());
        passphrase.set(String::new());
    };
    view! {
        <form class="vault-bar locked no-print" on:submit=submit data-testid="vault-locked">
            <span>{i18n.t(Key::VaultLocked)}</span>
            <input
                type="password"
                autocomplete="current-password"
                aria-label=i18n.t(Key::Passphrase)
                data-testid="vault-passphrase"
                prop:value=move || passphrase.get()
                on:input=move |ev| passphrase.set(event_target_value(&ev))
            />
            <button type="submit" class="primary" disabled=move || unlock.pending().get()>
                {i18n.t(Key::Unlock)}
            </button>
            {move || {
                unlock
                    .value()
                    .get()
                    .and_then(|r| r.err())
                    .map(|e| {
                        view! {
                            <span class="error" role="alert" data-testid="vault-error">
                                {e.message(i18n.lang.get())}
                            </span>
                        }
                    })
            }}
        </form>
    }
}

/// Sets or changes the passphrase that keeps customers' data, and the idle
/// time after which the device locks.
#[component]
pub fn PassphraseForm() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Key>);
    let has_passphrase =
        move || matches!(data.vault.get(), VaultState::Locked | VaultState::Unlocked);
    let set = Action::new_local(move |(old, new): &(String, String)| {
        let (old, new) = (old.clone(), new.clone());
        async move { data.set_passphrase(&old, &new).await }
    });
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let (n, r) = (new.get_untracked(), repeat.get_untracked());
        if n.chars().count() < MIN_PASSPHRASE {
            problem.set(Some(Key::PassphraseTooShort));
            return;
        }
        if n != r {
            problem.set(Some(Key::PinMismatch));
            return;
        }
        problem.set(None);
        set.dispatch_local((current.get_untracked(), n));
        for field in [current, new, repeat] {
            field.set(String::new());
        }
    };
    let minutes = RwSignal::new(prefs::lock_minutes());
    view! {
        <form class="passphrase" on:submit=submit data-testid="passphrase-form" novalidate>
            <h3>{i18n.t(Key::Passphrase)}</h3>
            <p class="meta">{i18n.t(Key::PassphraseHint)}</p>
            <Show when=has_passphrase>
                <label>
                    {i18n.t(Key::CurrentPassphrase)}
                    <input
                        type="password"
                        autocomplete="current-password"
                        data-testid="passphrase-current"
                        prop:value=move || current.get()
                        on:input=move |ev| current.set(event_target_value(&ev))
                    />
                </label>
            </Show>
            <label>
                {i18n.t(Key::NewPassphrase)}
                <input
                    type="password"
                    autocomplete="new-password"
                    data-testid="passphrase-new"
                    prop:value=move || new.get()
                    on:input=move |ev| new.set(event_target_value(&ev))
                />
            </label>
            <label>
                {i18n.t(Key::PinRepeat)}
                <input
                    type="password"
                    autocomplete="new-password"
                    data-testid="passphrase-repeat"
                    prop:value=move || repeat.get()
                    on:input=move |ev| repeat.set(event_target_value(&ev))
                />
            </label>
            <button type="submit" class="primary" disabled=move || set.pending().get()>
                {i18n.t(Key::SetPassphrase)}
            </button>
            {move || {
                let missing = problem.get().map(|k| i18n.t(k)().to_string());
                let failed = set
                    .value()
                    .get()
                    .and_then(|r| r.err())
                    .map(|e| e.message(i18n.lang.get()));
                missing
                    .or(failed)
                    .map(|text| {
                        view! {
                            <p class="error" role="alert" data-testid="passphrase-error">
                                {text}
                            </p>
                        }
                    })
            }}
            {move || {
                set.value()
                    .get()
                    .is_some_and(|r| r.is_ok())
                    .then(|| {
                        view! {
                            <p class="meta" data-testid="passphrase-set">
                                {i18n.t(Key::PassphraseSet)}
                            </p>
                        }
                    })
            }}
            <label>
                {i18n.t(Key::LockAfterMinutes)}
                <input
                    type="number"
                    min="1"
                    max="480"
                    data-testid="lock-minutes"
                    prop:value=move || minutes.get().to_string()
                    on:change=move |ev| {
                        if let Ok(m) = event_target_value(&ev).parse::<u32>() {
                            let m = m.clamp(1, 480);
                            prefs::save_lock_minutes(m);
                            minutes.set(m);
                        }
                    }
                />
            </label>
        </form>
    }
}
