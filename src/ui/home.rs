//! The start screen: one large entry per kind of user.

use super::use_i18n;
use crate::i18n::Key;
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
    let data = super::data::use_data();
    let empty = move || data.loaded() && data.tickets.with(|t| t.is_empty());
    view! {
        <h1>{i18n.t(Key::AppName)}</h1>
        <Show when=empty>
            <DemoOffer/>
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

/// Offered where the device holds no tickets yet.
#[component]
pub fn DemoOffer() -> impl IntoView {
    let i18n = use_i18n();
    let data = super::data::use_data();
    let busy = RwSignal::new(false);
    let load = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let _ = data.load_demo().await;
            busy.set(false);
        });
    };
    view! {
        <div class="demo-offer" data-testid="demo-offer">
            <p><strong>{i18n.t(Key::EmptyStore)}</strong> " " {i18n.t(Key::DemoBlurb)}</p>
            <button type="button" class="primary" on:click=load disabled=move || busy.get()>
                {i18n.t(Key::LoadDemo)}
            </button>
        </div>
    }
}
