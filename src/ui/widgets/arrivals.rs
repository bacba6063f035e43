//! The crew hears at once of a ticket sync brought that needs them (一级, or
//! sent to their team; `domain::arrivals` decides): a banner above every
//! staff screen, a tone when the app is in front or notifications are not
//! allowed, and a system notification through the service worker when the
//! app is in the background. The notification names the ticket's number
//! and why, never the customer's words (it shows on a locked tablet).

use crate::domain::arrivals::{Arrival, Why};
use crate::i18n::{Key, Lang};
use crate::ui::state::{use_data, use_i18n};
use crate::web::{notify, prefs};
use leptos::prelude::*;
use leptos_router::components::A;

fn reason(why: Why) -> Key {
    match why {
        Why::Urgent => Key::ArrivalUrgent,
        Why::ToMyTeam => Key::ArrivalToMyTeam,
    }
}

fn reasons(a: &Arrival, lang: Lang) -> String {
    a.why
        .iter()
        .map(|w| reason(*w).text(lang))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Says what newly arrived, the way the moment allows.
fn announce(fresh: Vec<Arrival>, lang: Lang) {
    if notify::permission() == notify::Permission::Granted && !notify::in_front() {
        leptos::task::spawn_local(async move {
            for a in fresh {
                let title = Key::ArrivalNotice.fill(lang, &[("number", &a.number)]);
                let url = format!("/crew/t/{}", a.ticket);
                let _ = notify::show(&title, &reasons(&a, lang), &a.ticket, &url).await;
            }
        });
    } else {
        let _ = notify::chime();
    }
}

#[component]
pub fn ArrivalsBanner() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    // Announce each arrival once: the banner keeps them until dismissed.
    let announced = StoredValue::new(Vec::<(String, Vec<Why>)>::new());
    Effect::new(move |_| {
        let fresh: Vec<Arrival> = data.arrived.with(|all| {
            announced.with_value(|seen| {
                all.iter()
                    .filter(|a| !seen.iter().any(|(t, w)| *t == a.ticket && *w == a.why))
                    .cloned()
                    .collect()
            })
        });
        if fresh.is_empty() {
            return;
        }
        announced.update_value(|seen| {
            seen.extend(fresh.iter().map(|a| (a.ticket.clone(), a.why.clone())))
        });
        announce(fresh, i18n.lang.get_untracked());
    });
    let dismiss = move |ticket: Option<String>| {
        data.arrived.update(|all| match &ticket {
            Some(t) => all.retain(|a| &a.ticket != t),
            None => all.clear(),
        })
    };
    move || {
        let arrived = data.arrived.get();
        (!arrived.is_empty()).then(|| {
            view! {
                <section class="arrivals no-print" role="alert" data-testid="arrivals">
                    <strong>{i18n.t(Key::ArrivalsTitle)}</strong>
                    <ul>
                        {arrived
                            .into_iter()
                            .map(|a| {
                                let ticket = a.ticket.clone();
                                let number = a.number.clone();
                                let said = a.clone();
                                let why = move || reasons(&said, i18n.lang.get());
                                let why_tags = a
                                    .why
                                    .iter()
                                    .map(|w| format!("{w:?}"))
                                    .collect::<Vec<_>>()
                                    .join(" ");
                                view! {
                                    <li data-ticket=number data-why=why_tags>
                                        <span class="badge grade-1">{why.clone()}</span>
                                        " "
                                        <A
                                            href=format!("/crew/t/{}", a.ticket)
                                            on:click=move |_| dismiss(Some(ticket.clone()))
                                        >
                                            <code>{a.number.clone()}</code>
                                            " "
                                            {a.summary.clone()}
                                        </A>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <button type="button" class="secondary" on:click=move |_| dismiss(None)>
                        {i18n.t(Key::ArrivalsDismiss)}
                    </button>
                </section>
            }
        })
    }
}

/// Offers, once and with its reason, to let the device notify the crew.
#[component]
pub fn NotifyOffer() -> impl IntoView {
    let i18n = use_i18n();
    let state = RwSignal::new(notify::permission());
    let asked = RwSignal::new(prefs::notify_asked());
    let turn_on = move |_| {
        prefs::save_notify_asked();
        asked.set(true);
        leptos::task::spawn_local(async move { state.set(notify::ask().await) });
    };
    let later = move |_| {
        prefs::save_notify_asked();
        asked.set(true);
    };
    move || match (state.get(), asked.get()) {
        (notify::Permission::Ask, false) => view! {
            <div class="notify-offer" data-testid="notify-offer">
                <p>{i18n.t(Key::NotifyOffer)}</p>
                <button type="button" class="primary" on:click=turn_on>
                    {i18n.t(Key::NotifyTurnOn)}
                </button>
                " "
                <button type="button" class="secondary" on:click=later>
                    {i18n.t(Key::NotifyLater)}
                </button>
            </div>
        }
        .into_any(),
        (notify::Permission::Denied, _) => view! {
            <p class="hint" data-testid="notify-denied">
                {i18n.t(Key::NotifyDenied)}
            </p>
        }
        .into_any(),
        _ => ().into_any(),
    }
}
