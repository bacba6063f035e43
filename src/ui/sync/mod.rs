//! Export and import, one tap away, with a preview before anything is written.

mod carried;
mod protect;
mod server;
pub use server::status_words;

use crate::domain::bundle::gzip::compressed_name;
use crate::domain::bundle::sealed::{sealed_name, Sealed as SealedFile, SealedProblem};
use crate::domain::bundle::{Bundle, BundleError, Progress, OLDEST_WRITTEN_VERSION, VERSION};
use crate::domain::export::ExportFilter;
use crate::i18n::{Key, Term};
use crate::ui::state::data::{use_data, ImportPreview};
use crate::ui::state::use_i18n;
use crate::web::files::{self, GZIP_MIME};
use crate::web::import::{check_file, check_sealed, CheckError, CheckProgress};
use crate::web::trace::Phase;
use crate::web::vault;
use chrono::{DateTime, NaiveDate};
use leptos::prelude::*;
use protect::{chosen_passphrase, ExportPassphrase, OpenProtected};
use std::sync::Arc;

/// What the import area shows.
#[derive(Clone)]
enum ImportState {
    Idle,
    /// A file chosen, being read (a previous outcome no longer shows).
    Reading,
    Checking(Progress),
    /// A protected file: its passphrase is asked for (again, if `wrong`).
    Passphrase {
        sealed: Arc<SealedFile>,
        wrong: bool,
    },
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

/// The import area as the file check sees it.
struct ImportScreen {
    state: RwSignal<ImportState>,
    cancel: RwSignal<bool>,
}

impl CheckProgress for ImportScreen {
    fn reading(&self) {
        self.state.set(ImportState::Reading);
    }
    fn checked(&self, progress: Progress) {
        self.state.set(ImportState::Checking(progress));
    }
    fn cancelled(&self) -> bool {
        self.cancel.get_untracked()
    }
}

#[component]
pub fn SyncPanel() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let state = expect_context::<ImportCell>().0;
    let cancel = RwSignal::new(false);
    // Storage use, re-read after every save.
    let usage = LocalResource::new(move || {
        data.events.track();
        crate::web::store::estimate()
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
    // Version 2 of the file format writes each event's id, which apps
    // older than version 3 need.
    let for_older_devices = RwSignal::new(false);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let station = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let passphrase_again = RwSignal::new(String::new());
    // Build the file (protected, when a passphrase is given), then share or
    // download it; a failure is said, not dropped.
    let export_file = Action::new_local(move |(filter, anonymised): &(ExportFilter, bool)| {
        let (filter, anonymised) = (filter.clone(), *anonymised);
        let version = if for_older_devices.get_untracked() {
            OLDEST_WRITTEN_VERSION
        } else {
            VERSION
        };
        async move {
            let lang = i18n.lang.get_untracked();
            let protect = chosen_passphrase(
                &passphrase.get_untracked(),
                &passphrase_again.get_untracked(),
            )
            .map_err(|key| key.text(lang).to_string())?;
            // Written a piece at a time and compressed as the pieces arrive,
            // by workers where they start: the text is never whole, and a
            // fifth of it is kept. A file for older apps is one gzip stream.
            // The workers start while the export is chosen and recorded:
            // their start-up is no longer inside "write the file". If the
            // export fails, its error is said once they have answered
            // (they stop with `gzip`); not cancelled midway, so an export
            // is never half recorded.
            let one_member = version == OLDEST_WRITTEN_VERSION;
            let (exported, gzip) = futures::future::join(
                data.export(filter, anonymised),
                files::Gzip::start(one_member),
            )
            .await;
            let mut outgoing = exported.map_err(|e| e.message(lang))?;
            let mut gzip = gzip.map_err(|e| e.message(lang))?;
            let name = outgoing.file_name();
            let writing = Phase::start("export: write the file");
            let said = |e: files::FileError| e.message(lang);
            let mut text = outgoing.text(version);
            while let Some(piece) = text.next_piece(files::PIECE) {
                gzip.write(piece).await.map_err(said)?;
            }
            let packed = gzip.finish(GZIP_MIME).await.map_err(said)?;
            drop(writing);
            match protect {
                None => files::offer_blob(&compressed_name(&name), &packed, GZIP_MIME).await,
                Some(secret) => {
                    // Compressed before it is encrypted: ciphertext does not compress.
                    let packed = files::bytes_of(&packed)
                        .await
                        .map_err(|e| e.message(lang))?;
                    let sealed = vault::seal_file(&packed, &secret)
                        .await
                        .map_err(|_| i18n.t(Key::CannotOpenProtected)().to_string())?;
                    files::share_or_download(&sealed_name(&name), &sealed.to_json()).await
                }
            }
            .map(|_| ())
            .map_err(|e| e.message(lang))
        }
    });
    let export_failed = move || export_file.value().get().and_then(Result::err);
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
        export_file.dispatch_local((filter, anonymised.get_untracked()));
    };

    // What the import area shows once a file's check ends.
    let outcome = move |result: Result<Bundle, CheckError>| {
        let lang = i18n.lang.get_untracked();
        match result {
            Ok(bundle) if bundle.anonymised => {
                ImportState::Refused(i18n.t(Key::AnonymisedRefused)().to_string())
            }
            Ok(bundle) => {
                let _preview = Phase::start("import: preview (fold touched tickets)");
                ImportState::Preview(data.preview(bundle))
            }
            Err(CheckError::Cancelled) => ImportState::Cancelled,
            Err(CheckError::Sealed(sealed)) => ImportState::Passphrase {
                sealed,
                wrong: false,
            },
            Err(CheckError::Refused(e)) => ImportState::Refused(e.message(lang)),
            Err(CheckError::Unreadable(e)) => ImportState::Refused(e.message(lang)),
            Err(CheckError::CannotOpen(_)) => {
                ImportState::Refused(i18n.t(Key::CannotOpenProtected)().to_string())
            }
        }
    };
    let choose = move |ev: leptos::ev::Event| {
        let Some(file) = files::take_chosen_file(&ev) else {
            return;
        };
        cancel.set(false);
        leptos::task::spawn_local(async move {
            let held = data.events.get_untracked();
            let trusted = data.trusted();
            let screen = ImportScreen { state, cancel };
            state.set(outcome(check_file(&file, &held, &trusted, &screen).await));
        });
    };
    // The passphrase of a protected file: opened and checked, or asked again.
    let open = move |sealed: Arc<SealedFile>, secret: String| {
        cancel.set(false);
        leptos::task::spawn_local(async move {
            let held = data.events.get_untracked();
            let trusted = data.trusted();
            let screen = ImportScreen { state, cancel };
            state.set(
                match check_sealed(&sealed, &secret, &held, &trusted, &screen).await {
                    Err(CheckError::Refused(BundleError::Sealed(
                        SealedProblem::WrongPassphrase,
                    ))) => ImportState::Passphrase {
                        sealed,
                        wrong: true,
                    },
                    other => outcome(other),
                },
            );
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
                Err(e) => ImportState::Refused(e.message(i18n.lang.get_untracked())),
            });
        });
    };

    view! {
        <section class="sync-panel" aria-labelledby="sync-heading">
            <h2 id="sync-heading">{i18n.t(Key::Sync)}</h2>
            <server::ServerSync />
            <p data-testid="export-state">
                {i18n.t(Key::ThisDevice)} " "
                <code>{move || data.device.get().map(|d| d.id).unwrap_or_default()}</code> " · "
                {i18n.t(Key::LastExport)} ": "
                {move || last_export().unwrap_or_else(|| i18n.t(Key::NeverExported)().to_string())}
                " · " <strong data-testid="unexported">{move || data.unexported()}</strong> " "
                {i18n.t(Key::NotExported)}
                {move || {
                    usage
                        .get()
                        .flatten()
                        .map(|(used, quota)| {
                            view! {
                                " · "
                                {i18n.t(Key::StorageUse)}
                                " "
                                {format!("{:.1} MB / {:.0} MB", used / 1e6, quota / 1e6)}
                            }
                        })
                }}
            </p>
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    on:click=export
                    disabled=move || !data.loaded() || export_file.pending().get()
                >
                    {i18n.t(Key::ExportAll)}
                </button>
                <label class="button file-button">
                    {i18n.t(Key::ImportFile)}
                    <input
                        type="file"
                        accept=".json,.gz,application/json,application/gzip"
                        on:change=choose
                        data-testid="import-file"
                    />
                </label>
            </div>
            {move || {
                export_failed()
                    .map(|why| {
                        view! {
                            <p class="error" role="alert" data-testid="export-error">
                                {why}
                            </p>
                        }
                    })
            }}
            <details class="export-options">
                <summary>{i18n.t(Key::ExportOptions)}</summary>
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || only_unexported.get()
                        on:change=move |ev| only_unexported.set(event_target_checked(&ev))
                    />
                    {i18n.t(Key::OnlyUnexported)}
                </label>
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || anonymised.get()
                        on:change=move |ev| anonymised.set(event_target_checked(&ev))
                    />
                    {i18n.t(Key::Anonymise)}
                </label>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="for-older-devices"
                        prop:checked=move || for_older_devices.get()
                        on:change=move |ev| for_older_devices.set(event_target_checked(&ev))
                    />
                    {i18n.t(Key::ForOlderDevices)}
                </label>
                <div class="row">
                    <label>
                        {i18n.t(Key::FromDate)}
                        <input type="date" on:change=move |ev| from.set(event_target_value(&ev)) />
                    </label>
                    <label>
                        {i18n.t(Key::ToDate)}
                        <input type="date" on:change=move |ev| to.set(event_target_value(&ev)) />
                    </label>
                    <label>
                        {i18n.t(Term::StationFilter)}
                        <input
                            type="text"
                            on:change=move |ev| station.set(event_target_value(&ev))
                        />
                    </label>
                </div>
                <ExportPassphrase first=passphrase again=passphrase_again />
            </details>
            {move || match state.get() {
                ImportState::Idle => ().into_any(),
                ImportState::Checking(p) => {
                    view! {
                        <div class="checking" role="status" data-testid="import-progress">
                            <label for="import-progress">
                                {move || {
                                    Key::Checking
                                        .fill(
                                            i18n.lang.get(),
                                            &[("checked", &p.checked), ("total", &p.total)],
                                        )
                                }}
                            </label>
                            <progress
                                id="import-progress"
                                max=p.total.max(1)
                                value=p.checked
                            ></progress>
                            " "
                            <button type="button" on:click=move |_| cancel.set(true)>
                                {i18n.t(Key::Cancel)}
                            </button>
                        </div>
                    }
                        .into_any()
                }
                ImportState::Reading => {
                    view! {
                        <p role="status" data-testid="import-reading">
                            {i18n.t(Key::ReadingFile)}
                        </p>
                    }
                        .into_any()
                }
                ImportState::Importing => {
                    view! {
                        <p role="status" data-testid="import-writing">
                            {i18n.t(Key::Saving)}
                        </p>
                    }
                        .into_any()
                }
                ImportState::Passphrase { sealed, wrong } => {
                    view! {
                        <OpenProtected
                            wrong=wrong
                            on_open=Callback::new(move |secret| open(sealed.clone(), secret))
                            on_cancel=Callback::new(move |()| state.set(ImportState::Idle))
                        />
                    }
                        .into_any()
                }
                ImportState::Cancelled => {
                    view! {
                        <p role="status" data-testid="import-cancelled">
                            {i18n.t(Key::Cancelled)}
                        </p>
                    }
                        .into_any()
                }
                ImportState::Refused(message) => {
                    view! {
                        <p class="error" role="alert" data-testid="import-error">
                            {i18n.t(Key::ImportRefused)}
                            " "
                            {message}
                        </p>
                    }
                        .into_any()
                }
                ImportState::Done(0) => {
                    view! {
                        <p role="status" data-testid="import-done">
                            {i18n.t(Key::NothingNew)}
                        </p>
                    }
                        .into_any()
                }
                ImportState::Done(n) => {
                    view! {
                        <p role="status" data-testid="import-done">
                            {move || Key::ImportedN.fill(i18n.lang.get(), &[("n", &n)])}
                        </p>
                    }
                        .into_any()
                }
                ImportState::Preview(p) => {
                    view! {
                        <div
                            class="preview"
                            role="dialog"
                            aria-labelledby="preview-heading"
                            data-testid="import-preview"
                        >
                            <h3 id="preview-heading">
                                {i18n.t(Key::ImportPreview)} ": " {p.bundle.device.clone()}
                            </h3>
                            <dl>
                                <dt>{i18n.t(Key::NewEvents)}</dt>
                                <dd data-field="new">{p.new_events}</dd>
                                <dt>{i18n.t(Key::TicketsAffected)}</dt>
                                <dd data-field="tickets">{p.tickets_affected}</dd>
                                <dt>{i18n.t(Key::ConflictsAfter)}</dt>
                                <dd data-field="conflicts">{p.conflicts_after}</dd>
                            </dl>
                            <carried::CarriedSettings settings=p.settings.clone() />
                            <button type="button" class="primary" on:click=confirm>
                                {i18n.t(Key::ConfirmImport)}
                            </button>
                            " "
                            <button type="button" on:click=move |_| state.set(ImportState::Idle)>
                                {i18n.t(Key::Cancel)}
                            </button>
                        </div>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
