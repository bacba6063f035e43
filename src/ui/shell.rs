//! The frame around every screen: header with navigation and language switch,
//! and the status bar that says honestly whether the device is online.

use crate::i18n::{Key, Lang};
use crate::ui::state::use_i18n;
use crate::web::{network, service_worker};
use leptos::ev;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    // A locked kiosk shows customers no way into the staff screens.
    let gate = use_context::<crate::ui::lock::GateCell>();
    let staff_open = move || gate.is_none_or(|g| g.staff_open());
    view! {
        <header class="app-header">
            <A href="/" attr:class="brand">
                <img src="/static/icon.svg" alt="" width="32" height="32" />
                <span>{i18n.t(Key::AppName)}</span>
            </A>
            <Show when=staff_open>
                <nav aria-label=i18n.t(Key::Home)>
                    <a href="/kiosk" rel="external">
                        {i18n.t(Key::Kiosk)}
                    </a>
                    <A href="/crew">{i18n.t(Key::Crew)}</A>
                    <A href="/supervisor">{i18n.t(Key::Supervisor)}</A>
                    <A href="/rules">{i18n.t(Key::Rules)}</A>
                </nav>
            </Show>
            <LanguageSwitch />
        </header>
    }
}

/// "大字": larger text and tiles at the kiosk, for this customer only. The
/// page's root font grows, so everything sized in `rem` grows with it.
#[derive(Clone, Copy)]
pub struct LargeText(RwSignal<bool>);

impl LargeText {
    /// Provided by the kiosk's apps, with the choice this tab already made.
    pub fn provide() -> LargeText {
        let on = crate::web::prefs::kiosk_large_text();
        show_large_text(on);
        let this = LargeText(RwSignal::new(on));
        provide_context(this);
        this.forget_when_idle();
        this
    }

    /// The next customer starts with the usual size: the choice is dropped
    /// after the kiosk's idle minute, on its home screen too.
    fn forget_when_idle(self) {
        crate::web::idle::watch_idle(std::time::Duration::from_secs(1), move |idle| {
            if idle >= crate::ui::kiosk::IDLE_SECONDS && self.0.get_untracked() {
                self.set(false);
            }
        });
    }

    pub fn get(self) -> bool {
        self.0.get()
    }

    pub fn set(self, on: bool) {
        self.0.set(on);
        crate::web::prefs::save_kiosk_large_text(on);
        show_large_text(on);
    }
}

fn show_large_text(on: bool) {
    if let Some(root) = document().document_element() {
        let _ = root.class_list().toggle_with_force("large-text", on);
    }
}

#[component]
fn LargeTextSwitch() -> impl IntoView {
    let i18n = use_i18n();
    use_context::<LargeText>().map(|large| {
        view! {
            <button
                type="button"
                class="large-text-switch"
                data-testid="large-text"
                aria-pressed=move || large.get().to_string()
                on:click=move |_| large.set(!large.0.get_untracked())
            >
                <span class="big-a" aria-hidden="true">
                    "A"
                </span>
                {i18n.t(Key::LargerText)}
            </button>
        }
    })
}

/// The kiosk's header: no navigation (customers stay on the kiosk), the
/// language switch kept.
#[component]
pub fn KioskHeader() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="app-header">
            <span class="brand">
                <img src="/static/icon.svg" alt="" width="32" height="32" />
                <span>{i18n.t(Key::AppName)}</span>
            </span>
            <LargeTextSwitch />
            <LanguageSwitch />
        </header>
    }
}

#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="lang-switch" role="group" aria-label=i18n.t(Key::Language)>
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    view! {
                        <button
                            type="button"
                            lang=lang.tag()
                            aria-pressed=move || (i18n.lang.get() == lang).to_string()
                            on:click=move |_| i18n.set(lang)
                        >
                            {lang.native_name()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// `saves`: whether to say if the last change was saved (the kiosk's home
/// module keeps no tickets, so it has nothing to say).
#[component]
pub fn StatusBar(#[prop(default = true)] saves: bool) -> impl IntoView {
    let i18n = use_i18n();
    let online = RwSignal::new(network::is_online());
    let online_listener = window_event_listener(ev::online, move |_| online.set(true));
    let offline_listener = window_event_listener(ev::offline, move |_| online.set(false));
    on_cleanup(move || {
        online_listener.remove();
        offline_listener.remove();
    });

    let update_ready = RwSignal::new(false);
    service_worker::register(move || update_ready.set(true));

    view! {
        <footer class="status-bar" role="status" aria-live="polite">
            <span
                class="net"
                class:offline=move || !online.get()
                data-state=move || if online.get() { "online" } else { "offline" }
            >
                {move || if online.get() { i18n.t(Key::Online)() } else { i18n.t(Key::Offline)() }}
            </span>
            {saves.then(|| view! { <SaveIndicator /> })}
            {saves.then(|| view! { <SyncIndicator /> })}
            <Show when=move || update_ready.get()>
                <span class="update">
                    {i18n.t(Key::NewVersion)}
                    <button type="button" on:click=|_| service_worker::activate_waiting_worker()>
                        {i18n.t(Key::Reload)}
                    </button>
                </span>
            </Show>
        </footer>
    }
}

/// Whether the last change reached the device's storage.
#[component]
fn SaveIndicator() -> impl IntoView {
    use crate::ui::state::data::{use_data, SaveState};
    let i18n = use_i18n();
    let data = use_data();
    view! {
        <span
            class="save"
            data-testid="save-state"
            data-state=move || match data.save.get() {
                SaveState::Loading => "loading",
                SaveState::Saving => "saving",
                SaveState::Saved => "saved",
                SaveState::QuotaExceeded => "quota",
                SaveState::Failed(_) => "failed",
            }
        >
            {move || match data.save.get() {
                SaveState::Loading => i18n.t(Key::LoadingData)().to_string(),
                SaveState::Saving => i18n.t(Key::Saving)().to_string(),
                SaveState::Saved => i18n.t(Key::Saved)().to_string(),
                SaveState::QuotaExceeded => i18n.t(Key::QuotaFull)().to_string(),
                SaveState::Failed(why) => format!("{} {why}", i18n.t(Key::SaveFailed)()),
            }}
        </span>
        <Show when=move || data.fallback.get()>
            <span class="warning" role="alert">
                {i18n.t(Key::FallbackWarning)}
            </span>
        </Show>
        {move || {
            data.fallback_notes
                .get()
                .map(|notes| {
                    let aside = notes
                        .set_aside
                        .map(|key| i18n.t(Key::FallbackSetAside)().replace("{key}", &key));
                    let unreadable = (notes.unreadable > 0)
                        .then(|| {
                            i18n
                                .t(Key::FallbackUnreadable)()
                                .replace("{n}", &notes.unreadable.to_string())
                        });
                    view! {
                        <span class="warning" role="alert" data-testid="fallback-notes">
                            {[aside, unreadable]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>()
                                .join(" ")}
                        </span>
                    }
                })
        }}
        {move || {
            data.unsigned
                .get()
                .map(|why| {
                    view! {
                        <span class="warning" role="alert" data-testid="unsigned">
                            {i18n.t(Key::DeviceCannotSign)}
                            " "
                            {why}
                        </span>
                    }
                })
        }}
        <Show when=move || {
            data.device.with(|d| d.as_ref().is_some_and(|d| d.clock_went_back(chrono::Utc::now())))
        }>
            <span class="warning" role="alert" data-testid="clock-back">
                {i18n.t(Key::ClockWentBack)}
            </span>
        </Show>
    }
}

/// "已同步 3 分钟前" or what waits to go up, while a sync server is set.
#[component]
fn SyncIndicator() -> impl IntoView {
    use crate::ui::state::replication::use_replication;
    let i18n = use_i18n();
    let Some(replication) = use_replication() else {
        return ().into_any();
    };
    // "3 minutes ago" moves on by itself.
    let tick = RwSignal::new(0u32);
    let handle = leptos::prelude::set_interval_with_handle(
        move || tick.update(|t| *t += 1),
        std::time::Duration::from_secs(20),
    );
    on_cleanup(move || {
        if let Ok(h) = handle {
            h.clear();
        }
    });
    view! {
        <span class="sync" data-testid="sync-indicator">
            {move || {
                tick.track();
                replication.status.with(|s| crate::ui::sync::status_words(s, i18n.lang.get()))
            }}
        </span>
    }
    .into_any()
}
