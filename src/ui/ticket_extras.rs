//! Staff aids on a ticket's page: reply templates (话术) filled from the
//! ticket, signatures drawn on the tablet, and the bill calculator opened
//! pre-filled from a billing complaint.

use super::data::use_data;
use super::engine::use_engine;
use super::use_i18n;
use crate::domain::event::{Event, EventBody};
use crate::domain::tariff::usage_in_text;
use crate::domain::ticket::TicketState;
use crate::domain::time::china;
use crate::i18n::Key;
use crate::web::signature;
use leptos::prelude::*;
use leptos_router::components::A;
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
            let clocks = events.with(|e| super::ticket_page::ticket_clocks(&t, e, &engine));
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
                    .any(|r| r.id == c.id && r.promised)
                    && c.code != "site_arrival"
            };
            let resolution = clocks
                .iter()
                .filter(running)
                .find(|c| c.code == "resolution")
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
                .find(|c| c.code == "site_arrival")
                .and_then(|c| c.due)
            {
                v.insert("arrival", local(d));
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
        leptos::task::spawn_local(async move {
            if data
                .record(&ticket.get_value(), &data.author(), body)
                .await
                .is_ok()
            {
                saved.set(Some(Key::ReplyRecorded));
            }
        });
    };
    let fill_now = fill.clone();
    open.then(move || view! {
            <section class="reply-templates" data-testid="templates">
                <h2>{i18n.t(Key::ReplyTemplates)}</h2>
                <div class="row">
                    <label>{i18n.t(Key::Step)}
                        <select data-testid="template-step" on:change={
                            let fill = fill.clone();
                            move |ev| { step.set(event_target_value(&ev)); chosen.set(0); fill() }
                        }>
                            {STEPS.iter().map(|(code, key)| view! { <option value=*code>{i18n.t(*key)}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>{i18n.t(Key::Template)}
                        <select data-testid="template" on:change={
                            let fill = fill.clone();
                            move |ev| { chosen.set(event_target_value(&ev).parse().unwrap_or(0)); fill() }
                        }>
                            {
                                let options = options.clone();
                                move || options().into_iter().enumerate().map(|(i, t)| view! { <option value=i.to_string()>{t.id}</option> }).collect_view()
                            }
                        </select>
                    </label>
                    <button type="button" data-testid="use-template" on:click=move |_| fill_now()>{i18n.t(Key::UseTemplate)}</button>
                </div>
                <label for="reply-text">{i18n.t(Key::ReplyText)}</label>
                <textarea id="reply-text" data-testid="reply-text" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <Show when=move || !missing.with(Vec::is_empty)>
                    <p class="warning" role="status" data-testid="template-missing">{i18n.t(Key::FillTheMarked)}</p>
                </Show>
                <p class="actions">
                    <button type="button" on:click=move |_| record(false)>{i18n.t(Key::RecordAsResponse)}</button>
                    " "
                    <button type="button" on:click=move |_| record(true)>{i18n.t(Key::RecordAsProgress)}</button>
                </p>
                {move || saved.get().map(|k| view! { <p role="status" data-testid="reply-status">{i18n.t(k)}</p> })}
            </section>
    })
}

#[component]
pub fn Signatures(ticket: String, open: bool, events: Memo<Vec<Event>>) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let signer = RwSignal::new(String::new());
    let role = RwSignal::new("customer".to_string());
    let problem = RwSignal::new(None::<Key>);
    let ticket = StoredValue::new(ticket);
    Effect::new(move |_| {
        if let Some(c) = canvas.get() {
            signature::attach_pad(&c);
        }
    });
    let save = move |_| {
        let Some(c) = canvas.get_untracked() else {
            return;
        };
        if signer.get_untracked().trim().is_empty() {
            problem.set(Some(Key::SignerRequired));
            return;
        }
        if signature::pad_points(&c) < 2 {
            problem.set(Some(Key::SignFirst));
            return;
        }
        problem.set(None);
        let (name, role) = (
            signer.get_untracked().trim().to_string(),
            role.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            match signature::png(&c).await {
                Ok(png) => {
                    if data
                        .attach_signature(&ticket.get_value(), png, name, role)
                        .await
                        .is_ok()
                    {
                        signature::clear_pad(&c);
                        signer.set(String::new());
                    }
                }
                Err(_) => problem.set(Some(Key::SignFirst)),
            }
        });
    };
    let stored = Memo::new(move |_| {
        events.with(|e| {
            e.iter()
                .filter_map(|e| match &e.body {
                    EventBody::SignatureAttached {
                        hash, signer, role, ..
                    } => Some((hash.clone(), signer.clone(), role.clone())),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="signatures" data-testid="signatures">
            <h2>{i18n.t(Key::Signatures)}</h2>
            <ul class="signature-list">
                {move || stored.get().into_iter().map(|(hash, name, role)| {
                    let url = RwSignal::new(None::<String>);
                    let h = hash.clone();
                    leptos::task::spawn_local(async move { url.set(data.photo_url(h).await) });
                    let role_key = if role == "investigation" { Key::RoleInvestigation } else { Key::RoleCustomer };
                    view! {
                        <li>
                            {move || url.get().map(|u| view! { <img src=u alt=i18n.t(Key::Signatures) data-hash=hash.clone()/> })}
                            <span>{name} " · " {i18n.t(role_key)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {open.then(|| view! {
                <div class="signature-pad">
                    <canvas node_ref=canvas width="600" height="200" data-testid="signature-canvas" aria-label=i18n.t(Key::SignHere)></canvas>
                    <div class="row">
                        <label>{i18n.t(Key::Signer)}
                            <input type="text" maxlength="40" data-testid="signer" prop:value=move || signer.get() on:input=move |ev| signer.set(event_target_value(&ev))/>
                        </label>
                        <label>{i18n.t(Key::SignatureRole)}
                            <select on:change=move |ev| role.set(event_target_value(&ev))>
                                <option value="customer">{i18n.t(Key::RoleCustomer)}</option>
                                <option value="investigation">{i18n.t(Key::RoleInvestigation)}</option>
                            </select>
                        </label>
                        <button type="button" class="secondary" on:click=move |_| if let Some(c) = canvas.get_untracked() { signature::clear_pad(&c) }>{i18n.t(Key::ClearSignature)}</button>
                        <button type="button" class="primary" data-testid="save-signature" on:click=save>{i18n.t(Key::SaveSignature)}</button>
                    </div>
                    {move || problem.get().map(|k| view! { <p class="error" role="alert">{i18n.t(k)}</p> })}
                </div>
            })}
        </section>
    }
}

/// For a billing complaint: the bill calculator, with the usage the
/// customer named (if any) already filled in.
pub fn calculator_link(t: &TicketState) -> Option<impl IntoView> {
    let i18n = use_i18n();
    let billing = t
        .classification
        .as_ref()
        .is_some_and(|c| c.category == "billing");
    billing.then(|| {
        let href = match usage_in_text(&t.text) {
            Some(kwh) => format!("/tariff?kwh={kwh}"),
            None => "/tariff".to_string(),
        };
        view! { <p><A href=href attr:class="button secondary" attr:data-testid="open-calculator">{i18n.t(Key::OpenCalculator)}</A></p> }
    })
}
