//! The start screen: one large entry per kind of user.

use crate::i18n::Key;
use crate::ui::state::use_i18n;
use crate::ui::widgets::DemoOffer;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let entries = [
        ("/kiosk", Key::Kiosk, Key::KioskBlurb),
        ("/crew", Key::Crew, Key::CrewBlurb),
        ("/supervisor", Key::Supervisor, Key::SupervisorBlurb),
        ("/rules", Key::Rules, Key::RulesBlurb),
    ];
    let i18n = use_i18n();
    let data = crate::ui::state::data::use_data();
    let empty = move || data.loaded() && data.tickets.with(|t| t.is_empty());
    view! {
        <h1>{i18n.t(Key::AppName)}</h1>
        <Show when=empty>
            <DemoOffer />
        </Show>
        <ul class="entry-tiles">
            {entries
                .into_iter()
                .map(|(href, title, blurb)| {
                    view! {
                        <li>
                            // The kiosk is its own module: a full page load, not a route.
                            <a href=href class="tile" rel=(href == "/kiosk").then_some("external")>
                                <strong>{i18n.t(title)}</strong>
                                <span>{i18n.t(blurb)}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
