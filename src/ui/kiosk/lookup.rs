//! Looking up one's own ticket with its number and the phone's last four
//! digits. A wrong pair answers exactly like an unknown number, and repeated
//! failures make the next try wait longer (kept across resets of the screen).

use super::Screen;
use crate::domain::export::mask_phone;
use crate::domain::intake::phone_matches;
use crate::domain::labels::{event_key, status_key};
use crate::domain::lock::{normalise_ticket_number, LookupThrottle};
use crate::domain::time::china;
use crate::i18n::{Key, Term};
use crate::ui::state::data::use_data;
use crate::ui::state::use_i18n;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

const FAILURES_KEY: &str = "gridcare.kiosk.lookup";

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn throttle() -> LookupThrottle {
    LocalStorage::get(FAILURES_KEY).unwrap_or_default()
}

#[derive(Clone)]
struct Found {
    number: String,
    status: crate::domain::ticket::Status,
    phone: String,
    timeline: Vec<(String, Term)>,
}

#[component]
pub fn Lookup(screen: RwSignal<Screen>) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let number = RwSignal::new(String::new());
    let last_four = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<Found, Option<u64>>>);

    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = normalise_ticket_number(&number.get_untracked());
        let mut counts = throttle();
        if let Some(wait) = counts.wait_ms(&wanted, now_ms()) {
            result.set(Some(Err(Some((wait as u64).div_ceil(1000)))));
            return;
        }
        let digits = last_four.get_untracked();
        let found = data.tickets.with_untracked(|tickets| {
            tickets
                .values()
                .find(|t| {
                    normalise_ticket_number(&t.number) == wanted
                        && phone_matches(t.contact.phone.as_deref(), &digits)
                })
                .cloned()
        });
        match found {
            Some(t) => {
                counts.succeeded(&wanted);
                let _ = LocalStorage::set(FAILURES_KEY, &counts);
                let timeline = untrack(|| data.events_of(&t.id))
                    .iter()
                    .map(|e| {
                        (
                            e.at.with_timezone(&china())
                                .format("%Y-%m-%d %H:%M")
                                .to_string(),
                            event_key(&e.body),
                        )
                    })
                    .collect();
                result.set(Some(Ok(Found {
                    number: t.number.clone(),
                    status: t.status,
                    phone: t
                        .contact
                        .phone
                        .as_deref()
                        .map(mask_phone)
                        .unwrap_or_default(),
                    timeline,
                })));
            }
            None => {
                counts.failed(&wanted, now_ms());
                let _ = LocalStorage::set(FAILURES_KEY, &counts);
                result.set(Some(Err(None)));
            }
        }
    };

    view! {
        <h1>{i18n.t(Key::LookUpMyTicket)}</h1>
        <form class="kiosk-form" on:submit=search>
            <label for="lookup-number">{i18n.t(Key::ReceiptNumber)}</label>
            <input
                id="lookup-number"
                autocomplete="off"
                prop:value=move || number.get()
                on:input=move |ev| number.set(event_target_value(&ev))
            />
            <label for="lookup-digits">{i18n.t(Key::LastFour)}</label>
            <input
                id="lookup-digits"
                inputmode="numeric"
                maxlength="4"
                autocomplete="off"
                prop:value=move || last_four.get()
                on:input=move |ev| last_four.set(event_target_value(&ev))
            />
            <div class="actions">
                <button type="button" on:click=move |_| screen.set(Screen::Home)>
                    {i18n.t(Key::Back)}
                </button>
                <button type="submit" class="primary">
                    {i18n.t(Key::Search)}
                </button>
            </div>
        </form>
        {move || {
            result
                .get()
                .map(|r| match r {
                    Ok(found) => {
                        view! {
                            <section class="lookup-result" data-testid="lookup-result">
                                <h2>
                                    {i18n.t(Key::TicketStatus)} ": "
                                    <span data-testid="lookup-status">
                                        {i18n.t(status_key(found.status))}
                                    </span>
                                </h2>
                                <p>
                                    <code>{found.number}</code>
                                    " · "
                                    {found.phone}
                                </p>
                                <h3>{i18n.t(Key::Timeline)}</h3>
                                <ol>
                                    {found
                                        .timeline
                                        .into_iter()
                                        .map(|(at, key)| view! { <li>{at} " " {i18n.t(key)}</li> })
                                        .collect_view()}
                                </ol>
                            </section>
                        }
                            .into_any()
                    }
                    Err(None) => {
                        view! {
                            <p class="error" role="alert" data-testid="lookup-none">
                                {i18n.t(Key::LookupNotFound)}
                            </p>
                        }
                            .into_any()
                    }
                    Err(Some(wait)) => {
                        view! {
                            <p class="error" role="alert" data-testid="lookup-wait">
                                {i18n.t(Key::LookupWait)}
                                " "
                                {wait}
                            </p>
                        }
                            .into_any()
                    }
                })
        }}
    }
}
