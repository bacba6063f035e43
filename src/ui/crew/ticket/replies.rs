//! Reply templates (话术) on a ticket's page: chosen by the ticket's
//! category and the step, filled from the ticket and its clocks; what is
//! unknown stays marked 【…】 and must be completed before it is recorded.

use crate::domain::event::{Event, EventBody};
use crate::domain::ticket::TicketState;
use crate::domain::time::china;
use crate::i18n::Key;
use crate::ui::state::data::use_data;
use crate::ui::state::engine::use_engine;
use crate::ui::state::use_i18n;
use leptos::prelude::*;
use std::collections::BTreeMap;

const STEPS: [(&str, Key); 4] = [
    ("first_response", Key::StepFirstResponse),
    ("progress", Key::StepProgress),
    ("resolution", Key::StepResolution),
    ("delay", Key::StepDelay),
];

#[component]
pub fn ReplyTemplates(t: TicketState, events: Memo<Vec<Event>>) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let engine = use_engine();
    let category = t
        .classification
        .as_ref()
        .map(|c| c.category.clone())
        .unwrap_or_else(|| "other".into());
    let step = RwSignal::new("first_response".to_string());
    let chosen = RwSignal::new(0usize);
    let text = RwSignal::new(String::new());
    let missing = RwSignal::new(Vec::<String>::new());
    let saved = RwSignal::new(None::<Key>);
    let ticket = StoredValue::new(t.id.clone());
    let open = t.is_open();
    // What the placeholders are filled with, from the ticket and its clocks.
    let values = {
        let engine = engine.clone();
        move || {
            let clocks = events.with(|e| super::clocks::ticket_clocks(&t, e, &engine));
            let local = |d: chrono::DateTime<chrono::Utc>| {
                d.with_timezone(&china()).format("%m-%d %H:%M").to_string()
            };
            let running = |c: &&crate::domain::clock::ClockStatus| c.state.is_live();
            let mut v: BTreeMap<&str, String> = BTreeMap::new();
            v.insert("number", t.number.clone());
            if let Some(name) = t.contact.name.clone() {
                v.insert("customer", name);
            }
            // The deadline promised to the customer: the resolution, else the nearest promised one.
            let promised = |c: &&crate::domain::clock::ClockStatus| {
                engine
                    .table()
                    .clocks
                    .iter()
                    .any(|r| r.words.id == c.words.id && r.promised)
                    && c.words.code != "site_arrival"
            };
            let resolution = clocks
                .iter()
                .filter(running)
                .find(|c| c.words.code == "resolution")
                .and_then(|c| c.due);
            if let Some(d) = resolution.or_else(|| {
                clocks
                    .iter()
                    .filter(running)
                    .filter(promised)
                    .filter_map(|c| c.due)
                    .min()
            }) {
                v.insert("deadline", local(d));
            }
            if let Some(d) = clocks
                .iter()
                .filter(running)
                .find(|c| c.words.code == "site_arrival")
                .and_then(|c| c.due)
            {
                v.insert("arrival", local(d));
            }
            // A delay notice speaks of the new time as recorded with the
            // "delay" action, never of the deadline it replaces; until one
            // is recorded it stays marked for the crew to fill in.
            if let Some(new_arrival) = events.with(|e| {
                e.iter().rev().find_map(|e| match &e.body {
                    EventBody::DelayNotified { new_arrival, .. } => Some(*new_arrival),
                    _ => None,
                })
            }) {
                v.insert("new_arrival", local(new_arrival));
            }
            v
        }
    };
    let templates = engine.templates.clone();
    let options = {
        let templates = templates.clone();
        let category = category.clone();
        move || {
            templates
                .for_ticket(&category, &step.get())
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        }
    };
    let fill = {
        let options = options.clone();
        move || {
            let list = options();
            if let Some(tpl) = list.get(chosen.get_untracked().min(list.len().saturating_sub(1))) {
                let filled = templates.fill(tpl, i18n.lang.get_untracked(), &values());
                text.set(filled.text);
                missing.set(filled.missing);
            } else {
                text.set(String::new());
                missing.set(vec![]);
            }
        }
    };
    let reply_action = Action::new_local(move |body: &EventBody| {
        let body = body.clone();
        async move {
            let saved_now = data.record(&ticket.get_value(), &data.author(), body).await;
            saved.set(Some(match saved_now {
                Ok(()) => Key::ReplyRecorded,
                Err(_) => Key::SaveFailed,
            }));
        }
    });
    let record = move |as_progress: bool| {
        let reply = text.get_untracked().trim().to_string();
        if reply.is_empty() || reply.contains('【') {
            saved.set(Some(Key::CompleteTheReply));
            return;
        }
        let body = if as_progress {
            EventBody::ProgressReported { text: reply }
        } else {
            EventBody::Responded { note: Some(reply) }
        };
        reply_action.dispatch_local(body);
    };
    let fill_now = fill.clone();
    open.then(move || {
        view! {
            <section class="reply-templates" data-testid="templates">
                <h2>{i18n.t(Key::ReplyTemplates)}</h2>
                <div class="row">
                    <label>
                        {i18n.t(Key::Step)}
                        <select
                            data-testid="template-step"
                            on:change={
                                let fill = fill.clone();
                                move |ev| {
                                    step.set(event_target_value(&ev));
                                    chosen.set(0);
                                    fill()
                                }
                            }
                        >
                            {STEPS
                                .iter()
                                .map(|(code, key)| {
                                    view! { <option value=*code>{i18n.t(*key)}</option> }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        {i18n.t(Key::Template)}
                        <select
                            data-testid="template"
                            on:change={
                                let fill = fill.clone();
                                move |ev| {
                                    chosen.set(event_target_value(&ev).parse().unwrap_or(0));
                                    fill()
                                }
                            }
                        >
                            {
                                let options = options.clone();
                                move || {
                                    options()
                                        .into_iter()
                                        .enumerate()
                                        .map(|(i, t)| {
                                            let name = i18n
                                                .lang
                                                .get()
                                                .pick(&t.name.zh, &t.name.en)
                                                .to_string();
                                            view! {
                                                <option value=i.to_string() data-id=t.id>
                                                    {name}
                                                </option>
                                            }
                                        })
                                        .collect_view()
                                }
                            }
                        </select>
                    </label>
                    <button type="button" data-testid="use-template" on:click=move |_| fill_now()>
                        {i18n.t(Key::UseTemplate)}
                    </button>
                </div>
                <label for="reply-text">{i18n.t(Key::ReplyText)}</label>
                <textarea
                    id="reply-text"
                    data-testid="reply-text"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                <Show when=move || !missing.with(Vec::is_empty)>
                    <p class="warning" role="status" data-testid="template-missing">
                        {i18n.t(Key::FillTheMarked)}
                    </p>
                </Show>
                <p class="actions">
                    <button type="button" on:click=move |_| record(false)>
                        {i18n.t(Key::RecordAsResponse)}
                    </button>
                    " "
                    <button type="button" on:click=move |_| record(true)>
                        {i18n.t(Key::RecordAsProgress)}
                    </button>
                </p>
                {move || {
                    saved
                        .get()
                        .map(|k| {
                            view! {
                                <p role="status" data-testid="reply-status">
                                    {i18n.t(k)}
                                </p>
                            }
                        })
                }}
            </section>
        }
    })
}
