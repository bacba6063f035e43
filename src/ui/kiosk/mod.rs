//! The service-hall kiosk: a customer files a complaint in three taps plus a
//! phone number, gets a receipt with the promised deadlines, and can look up
//! that one ticket later. After 60 s without a touch, and after every receipt,
//! the kiosk returns home and forgets what was typed. Leaving kiosk mode needs
//! the staff PIN.

mod form;
mod guard;
mod lookup;
mod receipt;

pub use lookup::event_key;

use super::use_i18n;
use crate::domain::intake::Tile;
use crate::i18n::Key;
use leptos::prelude::*;

/// Which kiosk screen is shown. Going `Home` drops everything typed.
#[derive(Clone, PartialEq)]
pub enum Screen {
    Home,
    Form(Tile),
    Receipt(String),
    Lookup,
    /// The bill calculator; a customer asks "why is my bill so high" here first.
    Tariff,
    /// A frequent question answered it; nothing was filed.
    Answered,
}

/// Seconds without a touch before the kiosk resets.
pub const IDLE_SECONDS: f64 = 60.0;

#[component]
pub fn KioskPage() -> impl IntoView {
    let i18n = use_i18n();
    let screen = RwSignal::new(Screen::Home);
    guard::reset_when_idle(screen);
    guard::kiosk_mode();
    view! {
        <div class="kiosk">
            {move || match screen.get() {
                Screen::Home => view! { <KioskHome screen=screen/> }.into_any(),
                Screen::Form(tile) => view! { <form::ComplaintForm tile=tile screen=screen/> }.into_any(),
                Screen::Receipt(ticket) => view! { <receipt::Receipt ticket=ticket screen=screen/> }.into_any(),
                Screen::Lookup => view! { <lookup::Lookup screen=screen/> }.into_any(),
                Screen::Answered => view! {
                    <section class="kiosk-answered" role="status" data-testid="answered">
                        <h1>{i18n.t(Key::GladItHelped)}</h1>
                        <p>{i18n.t(Key::GladItHelpedMore)}</p>
                        <button type="button" class="primary" on:click=move |_| screen.set(Screen::Home)>{i18n.t(Key::Back)}</button>
                    </section>
                }.into_any(),
                Screen::Tariff => view! {
                    <super::tariff::TariffCalculator/>
                    <button type="button" class="kiosk-back" on:click=move |_| screen.set(Screen::Home)>{i18n.t(Key::Back)}</button>
                }.into_any(),
            }}
            <guard::StaffExit/>
        </div>
        <p class="sr-only">{i18n.t(Key::Kiosk)}</p>
    }
}

#[component]
fn KioskHome(screen: RwSignal<Screen>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{i18n.t(Key::KioskWelcome)}</h1>
        <IncidentNotices/>
        <div class="kiosk-tiles">
            {Tile::ALL
                .into_iter()
                .map(|tile| {
                    let (zh, en) = tile.label();
                    view! {
                        <button type="button" class="kiosk-tile" data-tile=tile.code() on:click=move |_| screen.set(Screen::Form(tile))>
                            {move || i18n.lang.get().pick(zh, en).to_string()}
                        </button>
                    }
                })
                .collect_view()}
            <button type="button" class="kiosk-tile lookup" data-tile="lookup" on:click=move |_| screen.set(Screen::Lookup)>
                {i18n.t(Key::LookUpMyTicket)}
            </button>
            <button type="button" class="kiosk-tile lookup" data-tile="tariff" on:click=move |_| screen.set(Screen::Tariff)>
                {i18n.t(Key::BillCalculator)}
            </button>
        </div>
    }
}

/// Active regional incidents of this kiosk's station (the station set in
/// "who I am" on this device; all of them if none is set): customers see the
/// cause, the expected restoration and the latest notice before filing.
#[component]
fn IncidentNotices() -> impl IntoView {
    use crate::domain::incident::{for_station, incidents};
    use crate::domain::time::china;
    let i18n = use_i18n();
    let data = super::data::use_data();
    let shown = Memo::new(move |_| {
        let station = data.device.with(|d| {
            d.as_ref()
                .and_then(|d| d.crew.as_ref())
                .map(|c| c.station.clone())
        });
        let all = data.events.with(|e| incidents(e));
        for_station(&all, station.as_deref().filter(|s| !s.is_empty()))
            .into_iter()
            .map(|i| {
                (
                    i.station.clone(),
                    i.cause.clone(),
                    i.expected_restoration
                        .with_timezone(&china())
                        .format("%m-%d %H:%M")
                        .to_string(),
                    i.latest_notice().map(|n| n.text.clone()),
                )
            })
            .collect::<Vec<_>>()
    });
    move || {
        shown
            .get()
            .into_iter()
            .map(|(station, cause, expected, latest)| {
                view! {
                    <section class="kiosk-incident" role="status" data-testid="kiosk-incident">
                        <h2>{i18n.t(Key::KioskIncident)} " · " {station}</h2>
                        <p>{cause}</p>
                        <p>{i18n.t(Key::KioskIncidentText)} <strong>{expected}</strong></p>
                        {latest.map(|text| view! { <p>{i18n.t(Key::LatestProgress)} {text}</p> })}
                    </section>
                }
            })
            .collect_view()
    }
}
