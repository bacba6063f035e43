//! Export and import, one tap away, with a preview before anything is written.

use super::data::{use_data, ImportPreview};
use super::use_i18n;
use crate::domain::bundle::{Bundle, BundleError, ChecksumPart, Progress, Validation};
use crate::domain::event::Event;
use crate::domain::export::ExportFilter;
use crate::i18n::Key;
use crate::web::digest::Sha256Parts;
use crate::web::id_worker::IdWorker;
use crate::web::trace::{self, Phase};
use crate::web::{files, tasks};
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use rustc_hash::FxHashMap;
use wasm_bindgen::JsCast;

/// What the import area shows.
#[derive(Clone)]
enum ImportState {
    Idle,
    /// A file chosen, being read (a previous outcome no longer shows).
    Reading,
    Checking(Progress),
    Cancelled,
    Preview(ImportPreview),
    /// Confirmed: being written.
    Importing,
    Refused(String),
    Done(usize),
}

/// The import area's state lives above the screens: when an import brings new
/// rules, the screens are rebuilt, and the outcome must still be shown.
#[derive(Clone, Copy)]
pub struct ImportCell(RwSignal<ImportState>);

/// Shares the import state; it is cleared when the user goes to another screen.
pub fn provide_import_state() {
    let cell = ImportCell(RwSignal::new(ImportState::Idle));
    provide_context(cell);
    let location = leptos_router::hooks::use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|p| p != path) {
            cell.0.set(ImportState::Idle);
        }
        path
    });
}

#[component]
pub fn SyncPanel() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let state = expect_context::<ImportCell>().0;
    let cancel = RwSignal::new(false);
    let usage = RwSignal::new(None::<(f64, f64)>);
    // Storage use is re-read after every save.
    Effect::new(move |_| {
        data.events.track();
        leptos::task::spawn_local(async move { usage.set(crate::web::store::estimate().await) });
    });
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
        cancel.set(false);
        state.set(ImportState::Reading);
        leptos::task::spawn_local(async move {
            let lang = i18n.lang.get_untracked();
            // The helper worker loads while the file is read.
            let helper = IdWorker::start();
            let read = Phase::start("import: read the file");
            let result = match files::read_bytes(&file).await {
                Ok(bytes) => {
                    drop(read);
                    let _validate = Phase::start("import: validate");
                    let held = data.events.get_untracked();
                    check_in_slices(&bytes, &held, helper, state, cancel)
                        .await
                        .map_err(|e| e.map(|e| e.message(lang)))
                }
                Err(e) => Err(Some(e)),
            };
            state.set(match result {
                Ok(bundle) if bundle.anonymised => {
                    ImportState::Refused(i18n.t(Key::AnonymisedRefused)().to_string())
                }
                Ok(bundle) => {
                    let _preview = Phase::start("import: preview (fold touched tickets)");
                    ImportState::Preview(data.preview(bundle))
                }
                Err(Some(message)) => ImportState::Refused(message),
                Err(None) => ImportState::Cancelled,
            });
        });
    };

    let confirm = move |_| {
        let ImportState::Preview(preview) = state.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            // Once the preview is no longer drawn, its events are the import's
            // alone and move into the log instead of being copied.
            state.set(ImportState::Importing);
            crate::web::tasks::yield_to_browser().await;
            state.set(match data.import(preview).await {
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
                {move || usage.get().map(|(used, quota)| view! {
                    " · " {i18n.t(Key::StorageUse)} " " {format!("{:.1} MB / {:.0} MB", used / 1e6, quota / 1e6)}
                })}
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
                ImportState::Checking(p) => view! {
                    <div class="checking" role="status" data-testid="import-progress">
                        <label for="import-progress">{i18n.t(Key::Checking)} " " {p.checked} " / " {p.total}</label>
                        <progress id="import-progress" max=p.total.max(1) value=p.checked></progress>
                        " "
                        <button type="button" on:click=move |_| cancel.set(true)>{i18n.t(Key::Cancel)}</button>
                    </div>
                }
                .into_any(),
                ImportState::Reading => view! { <p role="status" data-testid="import-reading">{i18n.t(Key::ReadingFile)}</p> }.into_any(),
                ImportState::Importing => view! { <p role="status" data-testid="import-writing">{i18n.t(Key::Saving)}</p> }.into_any(),
                ImportState::Cancelled => view! { <p role="status" data-testid="import-cancelled">{i18n.t(Key::Cancelled)}</p> }.into_any(),
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

/// Events checked per slice: small enough that the page answers a tap at once.
const SLICE: usize = 2_000;

/// Validates a file a slice at a time, showing progress; `Err(None)` when the
/// user cancelled. Events the device already holds (`held`) are recognised by
/// their content id and not read again. The ids of new events and the
/// checksum are hashed by a helper worker on the other core where there is
/// one, else on this thread (the checksum by Web Crypto where it is offered).
async fn check_in_slices(
    bytes: &[u8],
    held: &[Event],
    helper: Option<IdWorker>,
    state: RwSignal<ImportState>,
    cancel: RwSignal<bool>,
) -> Result<Bundle, Option<BundleError>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Some(BundleError::NotUtf8 {
            byte: e.valid_up_to(),
        })
    })?;
    let by_id: FxHashMap<&str, &Event> = held.iter().map(|e| (e.id.as_str(), e)).collect();
    let validation = begin(text, &by_id).map_err(Some)?;
    if let Some(helper) = helper {
        if helper.ready().await {
            let mut validation = validation.ids_elsewhere();
            step_all(&mut validation, state, cancel, |part| helper.send(&part)).await?;
            let waiting = Phase::start("import: wait for the helper worker");
            let reported = helper.finish().await;
            drop(waiting);
            if let Some((digest, ids)) = reported {
                return validation.finish_elsewhere(Some(digest), ids).map_err(Some);
            }
            // The worker failed on the way: check the file again without it.
            trace::mark(WITHOUT_HELPER);
            return check_here(
                begin(text, &by_id).map_err(Some)?,
                bytes.len(),
                state,
                cancel,
            )
            .await;
        }
    }
    trace::mark(WITHOUT_HELPER);
    check_here(validation, bytes.len(), state, cancel).await
}

/// A performance mark for each file checked without the helper worker.
const WITHOUT_HELPER: &str = "import: checked without the helper worker";

/// A validation of `text` that takes the events in `held` as they are.
fn begin<'a>(
    text: &'a str,
    held: &'a FxHashMap<&'a str, &'a Event>,
) -> Result<Validation<'a>, BundleError> {
    Ok(Validation::start(text, Utc::now())?.knowing(|id| held.get(id).map(|&e| e.clone())))
}

/// The validation without a helper worker.
async fn check_here(
    mut validation: Validation<'_>,
    file_size: usize,
    state: RwSignal<ImportState>,
    cancel: RwSignal<bool>,
) -> Result<Bundle, Option<BundleError>> {
    // Its bytes are about as many as the file's.
    let mut checksum = Sha256Parts::available(file_size);
    if checksum.is_some() {
        validation = validation.checksum_elsewhere();
    }
    step_all(&mut validation, state, cancel, |part| {
        if let Some(checksum) = &mut checksum {
            checksum.push(&part.bytes);
        }
    })
    .await?;
    let digest = match checksum {
        Some(checksum) => Some(checksum.finish().await),
        None => None,
    };
    validation.finish_with(digest).map_err(Some)
}

/// Checks every event a slice at a time, handing each slice's checksum bytes
/// to `hand_over` and letting the page breathe in between.
async fn step_all(
    validation: &mut Validation<'_>,
    state: RwSignal<ImportState>,
    cancel: RwSignal<bool>,
    mut hand_over: impl FnMut(ChecksumPart),
) -> Result<(), Option<BundleError>> {
    loop {
        let progress = validation.step(SLICE).map_err(Some)?;
        hand_over(validation.take_checksum_part());
        state.set(ImportState::Checking(progress));
        tasks::yield_to_browser().await;
        if cancel.get_untracked() {
            return Err(None);
        }
        if progress.is_done() {
            return Ok(());
        }
    }
}
