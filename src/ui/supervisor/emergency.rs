//! Emergency mode (003 §六): declare a regional incident for a station's
//! area, link its open tickets, and send one progress notice that is recorded
//! as a progress report on every linked ticket and shown at that station's kiosks.

use crate::domain::event::EventBody;
use crate::domain::incident::{incidents, Incident, INCIDENT_PREFIX};
use crate::domain::time::china;
use crate::i18n::Key;
use crate::ui::state::data::use_data;
use crate::ui::state::use_i18n;
use chrono::{NaiveDateTime, TimeZone, Utc};
use leptos::prelude::*;
use std::collections::BTreeSet;

#[component]
pub fn EmergencyView() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let all = Memo::new(move |_| {
        let authority = data.authority.get();
        data.events.with(|e| incidents(e, &authority))
    });
    let stations = Memo::new(move |_| {
        data.tickets.with(|t| {
            t.values()
                .filter_map(|t| t.station.clone())
                .collect::<BTreeSet<_>>()
        })
    });
    let station = RwSignal::new(String::new());
    let cause = RwSignal::new(String::new());
    let expected = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Key>);
    let declare_incident = Action::new_local(move |(id, body): &(String, EventBody)| {
        let (id, body) = (id.clone(), body.clone());
        async move {
            if data.record(&id, &data.author(), body).await.is_ok() {
                cause.set(String::new());
            }
        }
    });
    let declare = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (st, ca) = (
            station.get_untracked().trim().to_string(),
            cause.get_untracked().trim().to_string(),
        );
        if st.is_empty() || ca.is_empty() {
            error.set(Some(Key::IncidentFieldsRequired));
            return;
        }
        // The form's time is China time.
        let Some(when) = NaiveDateTime::parse_from_str(&expected.get_untracked(), "%Y-%m-%dT%H:%M")
            .ok()
            .and_then(|t| china().from_local_datetime(&t).single())
            .map(|t| t.with_timezone(&Utc))
        else {
            error.set(Some(Key::IncidentTimeRequired));
            return;
        };
        error.set(None);
        let id = format!(
            "{INCIDENT_PREFIX}{}-{}",
            data.device
                .get_untracked()
                .map(|d| d.id)
                .unwrap_or_default(),
            Utc::now().timestamp_millis()
        );
        let body = EventBody::IncidentDeclared {
            station: st,
            cause: ca,
            expected_restoration: when,
        };
        declare_incident.dispatch_local((id, body));
    };
    view! {
        <section data-testid="emergency">
            <h2>{i18n.t(Key::DeclareIncident)}</h2>
            <p class="meta">{i18n.t(Key::EmergencyHint)}</p>
            <form class="row" on:submit=declare novalidate>
                <label>
                    {i18n.t(Key::StationColumn)}
                    <input
                        type="text"
                        list="incident-stations"
                        data-testid="incident-station"
                        prop:value=move || station.get()
                        on:input=move |ev| station.set(event_target_value(&ev))
                    />
                    <datalist id="incident-stations">
                        {move || {
                            stations
                                .get()
                                .into_iter()
                                .map(|s| view! { <option value=s /> })
                                .collect_view()
                        }}
                    </datalist>
                </label>
                <label>
                    {i18n.t(Key::IncidentCause)}
                    <input
                        type="text"
                        maxlength="200"
                        data-testid="incident-cause"
                        prop:value=move || cause.get()
                        on:input=move |ev| cause.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    {i18n.t(Key::ExpectedRestoration)}
                    <input
                        type="datetime-local"
                        data-testid="incident-expected"
                        prop:value=move || expected.get()
                        on:input=move |ev| expected.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="primary">
                    {i18n.t(Key::Declare)}
                </button>
            </form>
            {move || {
                error
                    .get()
                    .map(|k| {
                        view! {
                            <p class="error" role="alert">
                                {i18n.t(k)}
                            </p>
                        }
                    })
            }}
            <h2>{i18n.t(Key::Incidents)}</h2>
            {move || {
                let list = all.get();
                if list.is_empty() {
                    view! { <p class="meta">{i18n.t(Key::NoneFound)}</p> }.into_any()
                } else {
                    list.into_iter()
                        .map(|i| view! { <IncidentCard incident=i /> })
                        .collect_view()
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn IncidentCard(incident: Incident) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let notice = RwSignal::new(String::new());
    let record = data.recorder();
    let record_all = data.recorder_all();
    let send_notice = Action::new_local(move |items: &Vec<(String, EventBody)>| {
        let items = items.clone();
        async move {
            if data.record_all(&data.author(), items).await.is_ok() {
                notice.set(String::new());
            }
        }
    });
    let id = incident.id.clone();
    let active = incident.is_active();
    let station = incident.station.clone();
    let linked = incident.tickets.clone();
    // Open supply-quality tickets of the station not linked yet.
    let candidates = Memo::new(move |_| {
        data.tickets.with(|t| {
            t.values()
                .filter(|t| {
                    t.is_open()
                        && t.station.as_deref() == Some(station.as_str())
                        && !linked.contains(&t.id)
                })
                .filter(|t| {
                    t.classification
                        .as_ref()
                        .is_some_and(|c| c.category == "supply_quality")
                })
                .map(|t| t.id.clone())
                .collect::<Vec<_>>()
        })
    });
    let link = {
        let id = id.clone();
        move |_| {
            let items: Vec<(String, EventBody)> = candidates
                .get_untracked()
                .into_iter()
                .map(|t| {
                    (
                        t,
                        EventBody::IncidentLinked {
                            incident: id.clone(),
                        },
                    )
                })
                .collect();
            record_all.dispatch_local(items);
        }
    };
    let tickets = incident.tickets.clone();
    let send = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let text = notice.get_untracked().trim().to_string();
            if text.is_empty() {
                return;
            }
            // One notice for the incident, and a progress report on each linked ticket.
            let mut items = vec![(id.clone(), EventBody::IncidentNotice { text: text.clone() })];
            items.extend(tickets.iter().map(|t| {
                (
                    t.clone(),
                    EventBody::ProgressReported { text: text.clone() },
                )
            }));
            send_notice.dispatch_local(items);
        }
    };
    let end = {
        let id = id.clone();
        move |_| {
            record.dispatch_local((id.clone(), EventBody::IncidentEnded));
        }
    };
    let local =
        |t: chrono::DateTime<Utc>| t.with_timezone(&china()).format("%m-%d %H:%M").to_string();
    view! {
        <article class="incident" class:ended=!active data-testid="incident">
            <h3>{incident.station.clone()} " · " {incident.cause.clone()}</h3>
            <p>
                {i18n.t(Key::ExpectedRestoration)} " "
                <strong>{local(incident.expected_restoration)}</strong> " · "
                {i18n.t(Key::LinkedTickets)} " "
                <strong data-testid="linked-count">{incident.tickets.len()}</strong>
                {(!active)
                    .then(|| {
                        view! {
                            " · "
                            <span class="badge">{i18n.t(Key::IncidentEndedLabel)}</span>
                        }
                    })}
            </p>
            <ol class="notices">
                {incident
                    .notices
                    .iter()
                    .map(|n| {
                        view! {
                            <li>
                                <time>{local(n.at)}</time>
                                " "
                                {n.text.clone()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            {active
                .then(|| {
                    view! {
                        <p class="actions">
                            <button
                                type="button"
                                data-testid="link-tickets"
                                on:click=link
                                disabled=move || candidates.with(Vec::is_empty)
                            >
                                {i18n.t(Key::LinkOpenTickets)}
                                " ("
                                {move || candidates.with(Vec::len)}
                                ")"
                            </button>
                            " "
                            <button type="button" class="secondary" on:click=end>
                                {i18n.t(Key::EndIncident)}
                            </button>
                        </p>
                        <form class="row" on:submit=send>
                            <label class="wide">
                                {i18n.t(Key::ProgressNotice)}
                                <input
                                    type="text"
                                    maxlength="500"
                                    data-testid="incident-notice"
                                    prop:value=move || notice.get()
                                    on:input=move |ev| notice.set(event_target_value(&ev))
                                />
                            </label>
                            <button type="submit">{i18n.t(Key::SendNotice)}</button>
                        </form>
                    }
                })}
        </article>
    }
}
