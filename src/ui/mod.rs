//! The user interface: routes and components (Leptos, client-side rendering).
//! It reads the domain and the browser layer; neither knows about it.

mod crew;
mod drill;
mod home;
mod kiosk;
mod lock;
mod placeholder;
mod rules;
mod shell;
pub mod state;
mod supervisor;
mod sync;
mod tariff;
mod vault;
mod widgets;

use home::Home;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use placeholder::Placeholder;
use rules::RulesPage;
use shell::{Header, StatusBar};
use state::{data, engine, provide_i18n, use_i18n};

use crate::i18n::Key;

#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    let engine = engine::provide_engine();
    // The kiosk seals what customers type without the staff passphrase.
    let data = data::Data::provide(engine);
    data.allow_writes_while_locked();
    // Live sync through a CouchDB server, once one is set and logged in.
    state::replication::provide_replication(data).start();
    kiosk::leave_notices_for_the_home();
    let gate = lock::provide_gate();
    // Above the screens, which are rebuilt when the rules change.
    crew::new_ticket::provide_draft();
    let i18n = use_i18n();
    view! {
        <Router>
            {sync::provide_import_state()} <a class="skip-link" href="#main">
                {i18n.t(Key::SkipToContent)}
            </a> <Header /> <main id="main" tabindex="-1">
                // On a kiosk, every staff screen is behind the staff PIN.
                <lock::StaffGate>
                    // Another tab of this browser writes: this one only shows.
                    <widgets::OtherTabBanner />
                    // Customers' data: locked, unprotected, or "lock now".
                    <vault::VaultBar />
                    // Tickets sync brought that need this crew now.
                    <widgets::ArrivalsBanner />
                    // Screens are rebuilt when the rules or calendar in force change.
                    {move || {
                        engine.0.track();
                        let typing = crate::web::focus::remember();
                        let screens = view! {
                            <Routes fallback=|| view! { <Placeholder title=Key::NotFound /> }>
                                <Route path=path!("/") view=Home />
                                <Route path=path!("/crew") view=crew::CrewPage />
                                <Route path=path!("/crew/t/:id") view=crew::ticket::TicketPage />
                                <Route
                                    path=path!("/crew/new")
                                    view=crew::new_ticket::NewTicketPage
                                />
                                <Route path=path!("/supervisor") view=supervisor::SupervisorPage />
                                <Route path=path!("/rules") view=RulesPage />
                                <Route path=path!("/tariff") view=tariff::TariffPage />
                                <Route path=path!("/drill") view=drill::DrillPage />
                            </Routes>
                        };
                        if let Some(typing) = typing {
                            typing.restore_after_mount();
                        }
                        screens
                    }}
                </lock::StaffGate>
            </main>
            <Show when=move || gate.is_kiosk() && matches!(gate.0.get(), lock::Gate::Unlocked(_))>
                <p class="back-to-kiosk no-print">
                    <button
                        type="button"
                        class="secondary"
                        data-testid="back-to-kiosk"
                        on:click=move |_| gate.back_to_kiosk()
                    >
                        {i18n.t(Key::BackToKiosk)}
                    </button>
                </p>
            </Show> <StatusBar />
        </Router>
    }
}

/// The kiosk's own app (`/kiosk`, its own small wasm module): no router and
/// none of the staff screens, so a service-hall kiosk loads a fraction of the
/// code. Staff leave it with the PIN by a full page load of the main app.
#[component]
pub fn KioskApp() -> impl IntoView {
    provide_i18n();
    let engine = engine::provide_engine();
    // Every kiosk screen but the home classifies what customers type.
    engine.1.want();
    // The kiosk seals what customers type without the staff passphrase.
    let data = data::Data::provide(engine);
    data.allow_writes_while_locked();
    // Live sync through a CouchDB server, once one is set and logged in.
    state::replication::provide_replication(data).start();
    kiosk::leave_notices_for_the_home();
    shell::LargeText::provide();
    let screen = kiosk::first_screen();
    view! {
        <shell::KioskHeader />
        <main id="main" tabindex="-1">
            {move || {
                engine.0.track();
                let typing = crate::web::focus::remember();
                let screens = view! {
                    <widgets::OtherTabBanner />
                    <kiosk::KioskPage screen />
                };
                if let Some(typing) = typing {
                    typing.restore_after_mount();
                }
                screens
            }}
        </main>
        <StatusBar />
    }
}

/// The kiosk's home as its own, smallest module (`/kiosk`): no ticket store,
/// no rules engine; a tap loads the whole kiosk (`KioskApp`, `/kiosk/app/`).
#[component]
pub fn KioskHomeApp() -> impl IntoView {
    provide_i18n();
    shell::LargeText::provide();
    view! {
        <shell::KioskHeader />
        <main id="main" tabindex="-1">
            <kiosk::KioskHomePage />
        </main>
        <StatusBar saves=false />
    }
}

/// Entry point of the main wasm build (every screen but the kiosk).
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// Entry point of the kiosk's wasm build.
pub fn start_kiosk() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(KioskApp);
}

/// Entry point of the kiosk home's wasm build.
pub fn start_kiosk_home() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(KioskHomeApp);
}
