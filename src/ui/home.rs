//! The start screen: one large entry per kind of user.

use super::use_i18n;
use crate::i18n::Key;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Home() -> impl IntoView {
    let entries = [
        ("/kiosk", Key::Kiosk, Key::KioskBlurb),
        ("/crew", Key::Crew, Key::CrewBlurb),
        ("/supervisor", Key::Supervisor, Key::SupervisorBlurb),
        ("/rules", Key::Rules, Key::RulesBlurb),
    ];
    let i18n = use_i18n();
    view! {
        <h1>{i18n.t(Key::AppName)}</h1>
        <ul class="entry-tiles">
            {entries
                .into_iter()
                .map(|(href, title, blurb)| {
                    view! {
                        <li>
                            <A href=href attr:class="tile">
                                <strong>{i18n.t(title)}</strong>
                                <span>{i18n.t(blurb)}</span>
                            </A>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
