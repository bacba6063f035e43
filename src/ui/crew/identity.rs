//! "Who I am" on a crew tablet: name, team, station and area, asked once and
//! editable later; the author of every action and the station of new tickets.

use crate::i18n::{Key, Label, Term};
use crate::ui::state::{use_data, use_i18n};
use leptos::prelude::*;

/// "Who I am": asked once on a crew tablet, editable later.
#[component]
pub fn IdentityForm() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let missing = move || {
        data.loaded()
            && data
                .device
                .with(|d| d.as_ref().is_some_and(|d| d.crew.is_none()))
    };
    let fields = [
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    ];
    let error = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(crew) = data.device.get().and_then(|d| d.crew) {
            for (signal, value) in
                fields
                    .iter()
                    .zip([crew.name, crew.team, crew.station, crew.area])
            {
                signal.set(value);
            }
        }
    });
    let save_identity = Action::new_local(move |crew: &crate::domain::device::CrewIdentity| {
        let crew = crew.clone();
        async move { data.set_identity(crew).await }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let values: Vec<String> = fields
            .iter()
            .map(|f| f.get_untracked().trim().to_string())
            .collect();
        if values[0].is_empty() || values[1].is_empty() {
            return error.set(true);
        }
        error.set(false);
        let crew = crate::domain::device::CrewIdentity {
            name: values[0].clone(),
            team: values[1].clone(),
            station: values[2].clone(),
            area: values[3].clone(),
        };
        save_identity.dispatch_local(crew);
    };
    let labels: [Label; 4] = [
        Key::YourName.into(),
        Term::FieldTeam.into(),
        Term::StationFilter.into(),
        Term::AreaLabel.into(),
    ];
    let names = ["name", "team", "station", "area"];
    view! {
        <details class="identity" prop:open=missing data-testid="identity">
            <summary>
                {i18n.t(Key::WhoIAm)} " "
                {move || {
                    data.device
                        .get()
                        .and_then(|d| d.crew)
                        .map(|c| format!("· {} · {}", c.name, c.team))
                }}
            </summary>
            <Show when=missing>
                <p>{i18n.t(Key::WhoIAmPrompt)}</p>
            </Show>
            <form class="identity-form" on:submit=save>
                {labels
                    .into_iter()
                    .zip(names)
                    .zip(fields)
                    .map(|((label, name), signal)| {
                        view! {
                            <label>
                                {i18n.t(label)}
                                <input
                                    name=name
                                    prop:value=move || signal.get()
                                    on:input=move |ev| signal.set(event_target_value(&ev))
                                />
                            </label>
                        }
                    })
                    .collect_view()}
                <Show when=move || error.get()>
                    <p class="error" role="alert">
                        {i18n.t(Key::Required)}
                    </p>
                </Show>
                <button type="submit" class="primary">
                    {i18n.t(Key::Save)}
                </button>
            </form>
            <crate::ui::vault::PassphraseForm />
            // The key a supervisor enrols, read aloud or compared on screen.
            {move || {
                {
                    data.device.track();
                    data.own_key()
                }
                    .map(|key| {
                        // The key is read with the device, after the store opened.
                        view! {
                            <p class="meta" data-testid="identity-fingerprint">
                                {i18n.t(Key::KeyFingerprint)}
                                " "
                                <code>{crate::domain::trust::fingerprint(&key)}</code>
                            </p>
                        }
                    })
            }}
        </details>
    }
}
