//! One ticket for the crew (`/crew/t/:id`), in the order a crew needs it:
//! status, the next deadline with its countdown and the next step; the
//! customer's words; the lifecycle's actions; every clock with its deadline
//! and clause; facts, classification and why; photos, reply templates,
//! signatures, and the timeline. Each part is a module of its own; they
//! share nothing but the ticket, its events and its clocks.

mod actions;
pub mod clocks;
mod conflicts;
mod photos;
mod replies;
mod signatures;
mod timeline;

use crate::domain::care::CareFlags;
use crate::domain::event::Event;
use crate::domain::labels::status_key;
use crate::domain::tariff::usage_in_text;
use crate::domain::ticket::TicketState;
use crate::domain::time::china;
use crate::i18n::{Key, Lang, Term};
use crate::ui::state::{use_data, use_engine, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TicketPage() -> impl IntoView {
    crate::ui::state::engine::want_model();
    let i18n = use_i18n();
    let data = use_data();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let ticket = Memo::new(move |_| data.tickets.with(|all| all.get(&id()).cloned()));
    let events = Memo::new(move |_| data.events_of(&id()));
    // Outlasts the ticket's view, which is drawn again whenever the ticket
    // changes: the action being typed and the word that the last was saved.
    let draft = actions::ActionDraft::new();
    // Another ticket opened from this page starts without it.
    Effect::watch(id, move |_, _, _| draft.forget(), false);
    view! {
        <p>
            <A href="/crew" attr:class="back-link">
                {i18n.t(Key::BackToQueue)}
            </A>
        </p>
        {move || {
            crate::ui::state::engine::track_model();
            match ticket.get() {
                None if data.loaded() => {
                    // Drawn again once the n-gram model arrives: the reading it
                    // overrules decides whether a site visit is due, and which
                    // steps are offered.
                    view! { <p>{i18n.t(Key::NotFound)}</p> }
                        .into_any()
                }
                None => view! { <p role="status">{i18n.t(Key::LoadingData)}</p> }.into_any(),
                Some(t) => view! { <TicketView t=t events=events draft=draft /> }.into_any(),
            }
        }}
    }
}

#[component]
fn TicketView(
    t: TicketState,
    events: Memo<Vec<Event>>,
    draft: actions::ActionDraft,
) -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let table = engine.table();
    let c = t.classification.clone();
    let kind = c
        .as_ref()
        .and_then(|c| table.kind(&c.kind))
        .map(|k| (k.zh.clone(), k.en.clone()))
        .unwrap_or_default();
    let sub = c
        .as_ref()
        .and_then(|c| c.subcategory.as_deref())
        .and_then(|s| table.subcategory(s))
        .map(|(_, s)| (s.zh.clone(), s.en.clone()))
        .unwrap_or_default();
    let table = engine.table();
    let classified = engine.classifier.classify(&t.text, &t.facts);
    // Whether someone must go out: it decides which steps may be left out.
    let site_visit = classified.facts.site_visit == Some(true);
    let why: Vec<((String, String), String)> = classified
        .rules
        .into_iter()
        .map(|r| {
            let name = |lang| crate::domain::words::rule_name(table, &r.id, lang);
            ((name(Lang::Zh), name(Lang::En)), r.source.to_string())
        })
        .collect();
    let in_words = |lang| crate::domain::words::facts_in_words(&t.facts, lang).join("、");
    let facts = (in_words(Lang::Zh), in_words(Lang::En));
    let status = t.status;
    let conflicts = t.conflicts.clone();
    let clock_rows = clocks::ticking_clocks(t.clone(), events);
    // Repeat complainant and special group, from every ticket held here.
    let data = use_data();
    let care = data.tickets.with_untracked(|all| {
        data.complaints.with_untracked(|complaints| {
            let phone = t.contact.phone.clone().unwrap_or_default();
            let earlier: Vec<(String, String)> = complaints
                .earlier(&phone, t.received, Some(&t.id))
                .into_iter()
                .filter_map(|id| all.get(id).map(|o| (o.id.clone(), o.number.clone())))
                .collect();
            (CareFlags::of(&t, complaints), earlier)
        })
    });
    let care_flags = care.0;
    view! {
        <h1>
            {i18n.t(Key::TicketPage)} " "
            <code data-testid="ticket-number">{t.number.clone()}</code>
        </h1>
        <p class="lede">
            <span data-testid="ticket-status">{i18n.t(status_key(status))}</span>
            {c
                .as_ref()
                .and_then(|c| c.grade)
                .map(|g| {
                    view! {
                        " "
                        <span class=format!("badge grade-{g}")>{g}</span>
                    }
                })}
            " · "
            {move || i18n.lang.get().pick(&kind.0, &kind.1).to_string()}
            " / "
            {move || i18n.lang.get().pick(&sub.0, &sub.1).to_string()}
            <crate::ui::crew::CareBadges flags=care_flags />
            {c
                .as_ref()
                .filter(|c| c.overridden)
                .map(|_| {
                    view! {
                        " · "
                        {i18n.t(Key::Overridden)}
                    }
                })}
        </p>
        // First what is due and what to do, then the customer's words.
        <clocks::NextUp
            rows=clock_rows
            next=crate::domain::lifecycle::next_step(status, site_visit)
        />
        <p class="ticket-text">{t.text.clone()}</p>
        <crate::ui::crew::EarlierComplaints earlier=Signal::stored(care.1) new_tab=false />
        {(!conflicts.is_empty())
            .then(|| {
                view! {
                    <section class="warning" role="alert" data-testid="conflict-notice">
                        <p>
                            {i18n.t(Key::ConflictNotice)} " "
                            {
                                let aspects: Vec<String> = conflicts
                                    .iter()
                                    .map(|c| c.aspect.clone())
                                    .collect();
                                move || {
                                    let lang = i18n.lang.get();
                                    aspects
                                        .iter()
                                        .map(|a| conflicts::aspect_key(a).text(lang))
                                        .collect::<Vec<_>>()
                                        .join(lang.pick("、", ", "))
                                }
                            }
                        </p>
                        <conflicts::ConflictChoices
                            ticket=t.id.clone()
                            conflicts=conflicts.clone()
                            events=events
                        />
                    </section>
                }
            })}
        <actions::Actions ticket=t.id.clone() status=status site_visit=site_visit draft=draft />
        <clocks::Clocks rows=clock_rows />
        <section class="ticket-details">
            <h2>{i18n.t(Key::TicketDetails)}</h2>
            <dl class="classification">
                <dt>{i18n.t(Term::Received)}</dt>
                <dd>{t.received.with_timezone(&china()).format("%Y-%m-%d %H:%M").to_string()}</dd>
                <dt>{i18n.t(Key::ContactPhone)}</dt>
                <dd data-testid="ticket-phone">
                    {t.contact.phone.clone().unwrap_or_default()}
                    // Masked while the device is locked: say why.
                    <Show when=move || {
                        use_data().vault.get() == crate::ui::state::data::VaultState::Locked
                    }>" " <span class="badge muted">{i18n.t(Key::HiddenWhileLocked)}</span></Show>
                </dd>
                <dt>{i18n.t(Key::Facts)}</dt>
                <dd data-field="facts">
                    {move || match i18n.lang.get() {
                        Lang::Zh => facts.0.clone(),
                        Lang::En => facts.1.clone(),
                    }}
                </dd>
                <dt>{i18n.t(Key::Classification)}</dt>
                <dd>
                    {why
                        .into_iter()
                        .map(|(name, source)| {
                            view! {
                                <span class="rule-named">
                                    {move || match i18n.lang.get() {
                                        Lang::Zh => name.0.clone(),
                                        Lang::En => name.1.clone(),
                                    }} " (" {source} ") "
                                </span>
                            }
                        })
                        .collect_view()}
                </dd>
                <dt>{i18n.t(Key::RuleVersionUsed)}</dt>
                <dd data-testid="decided-by">
                    {c
                        .as_ref()
                        .and_then(|c| c.rule_table_version.clone())
                        .unwrap_or_else(|| i18n.t(Key::Overridden)().to_string())}
                </dd>
            </dl>
        </section>
        <photos::Photos ticket=t.id.clone() open=t.is_open() events=events />
        <replies::ReplyTemplates t=t.clone() events=events />
        <signatures::Signatures ticket=t.id.clone() open=t.is_open() events=events />
        {calculator_link(&t)}
        <timeline::Timeline events=events />
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
        view! {
            <p>
                <A href=href attr:class="button secondary" attr:data-testid="open-calculator">
                    {i18n.t(Key::OpenCalculator)}
                </A>
            </p>
        }
    })
}
