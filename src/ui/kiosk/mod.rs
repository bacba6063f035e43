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
        </div>
    }
}
