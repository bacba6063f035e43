//! Export and import, one tap away, with a preview before anything is written.

use super::data::{use_data, ImportPreview};
use super::use_i18n;
use crate::domain::bundle::Bundle;
use crate::domain::export::ExportFilter;
use crate::i18n::Key;
use crate::web::files;
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What the import area shows.
#[derive(Clone)]
enum ImportState {
    Idle,
    Preview(ImportPreview),
    Refused(String),
    Done(usize),
}

#[component]
pub fn SyncPanel() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let state = RwSignal::new(ImportState::Idle);
    let last_export = move || {
        data.device
            .get()
            .and_then(|d| d.exported_at)
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| {
                t.with_timezone(&crate::domain::time::china())
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
    };

    let only_unexported = RwSignal::new(false);
    let anonymised = RwSignal::new(false);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let station = RwSignal::new(String::new());
    let export = move |_| {
        let date = |s: String| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok();
        let filter = ExportFilter {
            unexported_of: only_unexported
                .get_untracked()
                .then(|| data.device.get_untracked().map(|d| (d.id, d.exported_seq)))
                .flatten(),
            from: date(from.get_untracked()),
            to: date(to.get_untracked()),
            station: Some(station.get_untracked().trim().to_string()).filter(|s| !s.is_empty()),
        };
        let anonymised = anonymised.get_untracked();
        leptos::task::spawn_local(async move {
            if let Ok(bundle) = data.export(filter, anonymised).await {
                let _ = files::share_or_download(&bundle.file_name(), &bundle.to_json()).await;
            }
        })
    };

    let choose = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = ev.target().expect("an input").unchecked_into();
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        leptos::task::spawn_local(async move {
            let lang = i18n.lang.get_untracked();
            let result = match files::read_bytes(&file).await {
                Ok(bytes) => Bundle::parse_bytes(&bytes, Utc::now()).map_err(|e| e.message(lang)),
                Err(e) => Err(e),
            };
            state.set(match result {
                Ok(bundle) if bundle.anonymised => {
                    ImportState::Refused(i18n.t(Key::AnonymisedRefused)().to_string())
                }
                Ok(bundle) => ImportState::Preview(data.preview(bundle)),
                Err(message) => ImportState::Refused(message),
            });
        });
    };

    let confirm = move |_| {
        let ImportState::Preview(preview) = state.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            state.set(match data.import(&preview.bundle).await {
                Ok(count) => ImportState::Done(count),
                Err(e) => ImportState::Refused(e.to_string()),
            });
        });
    };

    view! {
        <section class="sync-panel" aria-labelledby="sync-heading">
            <h2 id="sync-heading">{i18n.t(Key::Sync)}</h2>
            <p data-testid="export-state">
                {i18n.t(Key::ThisDevice)} " " <code>{move || data.device.get().map(|d| d.id).unwrap_or_default()}</code>
                " · " {i18n.t(Key::LastExport)} ": "
                {move || last_export().unwrap_or_else(|| i18n.t(Key::NeverExported)().to_string())}
                " · " <strong data-testid="unexported">{move || data.unexported()}</strong> " "
                {i18n.t(Key::NotExported)}
            </p>
            <div class="actions">
                <button type="button" class="primary" on:click=export disabled=move || !data.loaded()>
                    {i18n.t(Key::ExportAll)}
                </button>
                <label class="button file-button">
                    {i18n.t(Key::ImportFile)}
                    <input type="file" accept=".json,application/json" on:change=choose data-testid="import-file"/>
                </label>
            </div>
            <details class="export-options">
                <summary>{i18n.t(Key::ExportOptions)}</summary>
                <label class="check">
                    <input type="checkbox" prop:checked=move || only_unexported.get() on:change=move |ev| only_unexported.set(event_target_checked(&ev))/>
                    {i18n.t(Key::OnlyUnexported)}
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=move || anonymised.get() on:change=move |ev| anonymised.set(event_target_checked(&ev))/>
                    {i18n.t(Key::Anonymise)}
                </label>
                <div class="row">
                    <label>{i18n.t(Key::FromDate)} <input type="date" on:change=move |ev| from.set(event_target_value(&ev))/></label>
                    <label>{i18n.t(Key::ToDate)} <input type="date" on:change=move |ev| to.set(event_target_value(&ev))/></label>
                    <label>{i18n.t(Key::StationFilter)} <input type="text" on:change=move |ev| station.set(event_target_value(&ev))/></label>
                </div>
            </details>
            {move || match state.get() {
                ImportState::Idle => ().into_any(),
                ImportState::Refused(message) => view! {
                    <p class="error" role="alert" data-testid="import-error">
                        {i18n.t(Key::ImportRefused)} " " {message}
                    </p>
                }
                .into_any(),
                ImportState::Done(0) => view! { <p role="status" data-testid="import-done">{i18n.t(Key::NothingNew)}</p> }.into_any(),
                ImportState::Done(n) => view! {
                    <p role="status" data-testid="import-done">{n} " " {i18n.t(Key::ImportedN)}</p>
                }
                .into_any(),
                ImportState::Preview(p) => view! {
                    <div class="preview" role="dialog" aria-labelledby="preview-heading" data-testid="import-preview">
                        <h3 id="preview-heading">{i18n.t(Key::ImportPreview)} ": " {p.bundle.device.clone()}</h3>
                        <dl>
                            <dt>{i18n.t(Key::NewEvents)}</dt><dd data-field="new">{p.new_events}</dd>
                            <dt>{i18n.t(Key::TicketsAffected)}</dt><dd data-field="tickets">{p.tickets_affected}</dd>
                            <dt>{i18n.t(Key::ConflictsAfter)}</dt><dd data-field="conflicts">{p.conflicts_after}</dd>
                        </dl>
                        <button type="button" class="primary" on:click=confirm>{i18n.t(Key::ConfirmImport)}</button>
                        " "
                        <button type="button" on:click=move |_| state.set(ImportState::Idle)>{i18n.t(Key::Cancel)}</button>
                    </div>
                }
                .into_any(),
            }}
        </section>
    }
}
