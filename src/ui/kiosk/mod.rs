//! The service-hall kiosk: a customer files a complaint in three taps plus a
//! phone number, gets a receipt with the promised deadlines, and can look up
//! that one ticket later. After 60 s without a touch, and after every receipt,
//! the kiosk returns home and forgets what was typed. Leaving kiosk mode needs
//! the staff PIN.

mod form;
mod guard;
mod handover;
mod icons;
mod lookup;
mod notices;
mod read_aloud;
mod receipt;

pub use notices::leave_notices_for_the_home;
use notices::Notice;

use crate::domain::intake::Tile;
use crate::i18n::Key;
use crate::ui::state::use_i18n;
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

/// Where the kiosk opens: where the customer was going when the kiosk's
/// home module handed over, else its home. Kept above the screens, which
/// are rebuilt when synced rules or settings arrive: the customer's tap
/// must not be lost to that (it was: they had to tap twice).
pub fn first_screen() -> RwSignal<Screen> {
    RwSignal::new(handover::take().unwrap_or(Screen::Home))
}

#[component]
pub fn KioskPage(screen: RwSignal<Screen>) -> impl IntoView {
    let i18n = use_i18n();
    guard::reset_when_idle(screen);
    guard::kiosk_mode();
    let notices = notices::from_the_log();
    view! {
        <div class="kiosk">
            {move || match screen.get() {
                Screen::Home => {
                    view! { <KioskHome notices=notices on_choose=move |next| screen.set(next) /> }
                        .into_any()
                }
                Screen::Form(tile) => {
                    view! { <form::ComplaintForm tile=tile screen=screen /> }.into_any()
                }
                Screen::Receipt(ticket) => {
                    view! { <receipt::Receipt ticket=ticket screen=screen /> }.into_any()
                }
                Screen::Lookup => view! { <lookup::Lookup screen=screen /> }.into_any(),
                Screen::Answered => {
                    view! {
                        <section class="kiosk-answered" role="status" data-testid="answered">
                            <h1>{i18n.t(Key::GladItHelped)}</h1>
                            <p>{i18n.t(Key::GladItHelpedMore)}</p>
                            <button
                                type="button"
                                class="primary"
                                on:click=move |_| screen.set(Screen::Home)
                            >
                                {i18n.t(Key::Back)}
                            </button>
                        </section>
                    }
                        .into_any()
                }
                Screen::Tariff => {
                    view! {
                        <crate::ui::tariff::TariffCalculator />
                        <button
                            type="button"
                            class="kiosk-back"
                            on:click=move |_| screen.set(Screen::Home)
                        >
                            {i18n.t(Key::Back)}
                        </button>
                    }
                        .into_any()
                }
            }} <guard::StaffExit />
        </div>
        <p class="sr-only">{i18n.t(Key::Kiosk)}</p>
    }
}

/// The kiosk's first screen as its own small module draws it (`/kiosk`):
/// the same home, with the notices the other modules left for it; a tap
/// hands over to the whole kiosk (`/kiosk/app/`).
#[component]
pub fn KioskHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let notices = Signal::stored(notices::left_for_the_home());
    view! {
        <div class="kiosk">
            <KioskHome notices=notices on_choose=handover::go />
            <guard::StaffExitToWholeKiosk />
        </div>
        <p class="sr-only">{i18n.t(Key::Kiosk)}</p>
    }
}

#[component]
fn KioskHome(
    notices: Signal<Vec<Notice>>,
    on_choose: impl Fn(Screen) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{i18n.t(Key::KioskWelcome)}</h1>
        <notices::NoticeList notices=notices />
        <div class="kiosk-tiles">
            {Tile::ALL
                .into_iter()
                .map(|tile| {
                    let (zh, en) = tile.label();
                    view! {
                        <button
                            type="button"
                            class="kiosk-tile"
                            data-tile=tile.code()
                            on:click=move |_| on_choose(Screen::Form(tile))
                        >
                            <icons::TileIcon tile=tile.code() />
                            <span>{move || i18n.lang.get().pick(zh, en).to_string()}</span>
                        </button>
                    }
                })
                .collect_view()}
            <button
                type="button"
                class="kiosk-tile lookup"
                data-tile="lookup"
                on:click=move |_| on_choose(Screen::Lookup)
            >
                <icons::TileIcon tile="lookup" />
                <span>{i18n.t(Key::LookUpMyTicket)}</span>
            </button>
            <button
                type="button"
                class="kiosk-tile lookup"
                data-tile="tariff"
                on:click=move |_| on_choose(Screen::Tariff)
            >
                <icons::TileIcon tile="tariff" />
                <span>{i18n.t(Key::BillCalculator)}</span>
            </button>
        </div>
    }
}
