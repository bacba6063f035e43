//! Files under a passphrase: the two fields that protect an export, and the
//! prompt that opens a protected file chosen for import. The cryptography
//! is `web::vault`'s; the envelope is `domain::bundle::sealed`'s.

use crate::domain::bundle::sealed::{self, PassphraseProblem};
use crate::i18n::Key;
use crate::ui::state::use_i18n;
use leptos::prelude::*;

/// The passphrase an export is to be protected with, or why not, in the
/// person's words.
pub fn chosen_passphrase(first: &str, again: &str) -> Result<Option<String>, Key> {
    sealed::chosen_passphrase(first, again).map_err(|p| match p {
        PassphraseProblem::Differ => Key::FilePassphrasesDiffer,
        PassphraseProblem::TooShort => Key::FilePassphraseTooShort,
    })
}

/// The export options' passphrase fields.
#[component]
pub fn ExportPassphrase(first: RwSignal<String>, again: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="row" data-testid="export-passphrase">
            <legend>{i18n.t(Key::FilePassphrase)}</legend>
            <p class="hint">{i18n.t(Key::FilePassphraseHint)}</p>
            <label>
                {i18n.t(Key::FilePassphrase)}
                <input
                    type="password"
                    autocomplete="new-password"
                    data-testid="export-passphrase-first"
                    prop:value=move || first.get()
                    on:input=move |ev| first.set(event_target_value(&ev))
                />
            </label>
            <label>
                {i18n.t(Key::FilePassphraseAgain)}
                <input
                    type="password"
                    autocomplete="new-password"
                    data-testid="export-passphrase-again"
                    prop:value=move || again.get()
                    on:input=move |ev| again.set(event_target_value(&ev))
                />
            </label>
        </fieldset>
    }
}

/// Asks for the passphrase of a protected file chosen for import.
#[component]
pub fn OpenProtected(
    wrong: bool,
    on_open: Callback<String>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let passphrase = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = passphrase.get_untracked();
        if !text.is_empty() {
            on_open.run(text);
        }
    };
    view! {
        <form class="preview" role="dialog" data-testid="import-passphrase" on:submit=submit>
            <p>{i18n.t(Key::FileIsProtected)}</p>
            <label>
                {i18n.t(Key::FilePassphraseOfFile)}
                <input
                    type="password"
                    autocomplete="off"
                    autofocus=true
                    data-testid="import-passphrase-input"
                    on:input=move |ev| passphrase.set(event_target_value(&ev))
                />
            </label>
            {wrong
                .then(|| {
                    view! {
                        <p class="error" role="alert" data-testid="import-passphrase-wrong">
                            {i18n.t(Key::FilePassphraseWrong)}
                        </p>
                    }
                })}
            <button type="submit" class="primary">
                {i18n.t(Key::OpenFile)}
            </button>
            " "
            <button type="button" on:click=move |_| on_cancel.run(())>
                {i18n.t(Key::Cancel)}
            </button>
        </form>
    }
}
