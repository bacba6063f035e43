//! The receipt: ticket number (also as a QR code holding only the number),
//! what it was classified as and why, and the promised deadlines in China time.

use super::guard::IdleCountdown;
use super::Screen;
use crate::domain::clock::{clocks, ClockInput, ClockState};
use crate::domain::time::china;
use crate::i18n::{Key, Lang, Term};
use crate::ui::state::data::use_data;
use crate::ui::state::engine::use_engine;
use crate::ui::state::use_i18n;
use leptos::prelude::*;
use qrcode::render::svg;
use qrcode::QrCode;

#[component]
pub fn Receipt(ticket: String, screen: RwSignal<Screen>) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let engine = use_engine();
    let Some(t) = data.tickets.with_untracked(|all| all.get(&ticket).cloned()) else {
        return view! { <p>{i18n.t(Key::NotFound)}</p> }.into_any();
    };
    let table = engine.table();
    let c = t.classification.clone();
    let (kind, category, subcategory, grade) = match &c {
        Some(c) => (
            c.kind.clone(),
            c.category.clone(),
            c.subcategory.clone(),
            c.grade,
        ),
        None => ("complaint".into(), "other".into(), None, None),
    };
    let names = |zh: &str, en: &str| (zh.to_string(), en.to_string());
    let kind_name = table
        .kind(&kind)
        .map(|k| names(&k.zh, &k.en))
        .unwrap_or_default();
    let category_name = table
        .category(&category)
        .map(|k| names(&k.zh, &k.en))
        .unwrap_or_default();
    let sub_name = subcategory
        .as_deref()
        .and_then(|s| table.subcategory(s))
        .map(|(_, s)| names(&s.zh, &s.en));
    // Why: the grade rules that decided, in plain words, with their clause.
    let why: Vec<(String, String, String)> = engine
        .classifier
        .classify(&t.text, &t.facts)
        .rules
        .into_iter()
        .filter_map(|r| table.grade_rules.iter().find(|g| g.id == r.id))
        .map(|g| (g.zh.clone(), g.en.clone(), g.source.to_string()))
        .collect();
    let input = ClockInput {
        received: t.received,
        kind: &kind,
        category: &category,
        subcategory: subcategory.as_deref(),
        grade,
        facts: &t.facts,
        events: &[],
    };
    let due_text = |due: chrono::DateTime<chrono::Utc>| {
        due.with_timezone(&china())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    // Each promise in the customer's words, from the rule table.
    let promises: Vec<(String, String, String)> =
        clocks(table, &engine.calendar, &input, t.received)
            .into_iter()
            .filter(|c| c.state == ClockState::Running)
            .filter_map(|c| {
                let rule = table
                    .clocks
                    .iter()
                    .find(|rule| rule.words.id == c.words.id && rule.promised)?;
                let due = due_text(c.due?);
                let say = |lang: Lang| match &rule.promise {
                    Some(promise) => promise.with_due(lang, &due),
                    None => format!("{}: {due}", lang.pick(&rule.words.zh, &rule.words.en)),
                };
                Some((say(Lang::Zh), say(Lang::En), c.words.id.to_string()))
            })
            .collect();
    let received = due_text(t.received);
    let qr = QrCode::new(t.number.as_bytes())
        .map(|code| {
            code.render::<svg::Color>()
                .min_dimensions(160, 160)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default();
    let pick = move |pair: &(String, String)| match i18n.lang.get() {
        Lang::Zh => pair.0.clone(),
        Lang::En => pair.1.clone(),
    };
    let grade_key = grade.map(|g| match g {
        1 => Term::GradeN1,
        2 => Term::GradeN2,
        _ => Term::GradeN3,
    });
    let number = t.number.clone();
    let spoken = {
        let (number, promises) = (number.clone(), promises.clone());
        move |lang: Lang| {
            // The number a character at a time: read whole, it is a sum.
            let digits: Vec<String> = number.chars().map(String::from).collect();
            let mut text = format!(
                "{}。{}：{}。",
                Key::ReceiptTitle.text(lang),
                Key::ReceiptNumber.text(lang),
                digits.join(" ")
            );
            for (zh, en, _) in &promises {
                text.push_str(lang.pick(zh, en));
                text.push('。');
            }
            text.push_str(Key::KeepNumber.text(lang));
            text
        }
    };
    view! {
        <article class="receipt" data-testid="receipt">
            <h1>{i18n.t(Key::ReceiptTitle)}</h1>
            <Show when=move || grade == Some(1)>
                <p class="escalated" role="alert" data-testid="escalated">
                    {i18n.t(Key::EscalatedNotice)}
                </p>
            </Show>
            <dl>
                <dt>{i18n.t(Key::ReceiptNumber)}</dt>
                <dd class="number" data-testid="receipt-number">
                    {number}
                </dd>
                <dt>{i18n.t(Key::ReceivedAt)}</dt>
                <dd data-testid="receipt-received">{received}</dd>
                <dt>{i18n.t(Key::ClassifiedAs)}</dt>
                <dd
                    data-testid="receipt-class"
                    data-grade=grade.map(|g| g.to_string()).unwrap_or_default()
                >
                    {move || pick(&kind_name)}
                    " · "
                    {move || pick(&category_name)}
                    {sub_name
                        .clone()
                        .map(|s| {
                            view! {
                                " / "
                                {move || pick(&s)}
                            }
                        })}
                    {grade_key
                        .map(|k| {
                            view! {
                                " · "
                                {i18n.t(k)}
                            }
                        })}
                </dd>
                <dt>{i18n.t(Key::PromisedBy)}</dt>
                <dd>
                    <ul class="promises" data-testid="promises">
                        {promises
                            .into_iter()
                            .map(|(zh, en, id)| {
                                view! {
                                    <li data-clock=id>
                                        {move || i18n.lang.get().pick(&zh, &en).to_string()}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </dd>
            </dl>
            // For the curious: which rules decided, with their clause.
            <details class="grounds">
                <summary>
                    <span>{i18n.t(Key::Because)}</span>
                </summary>
                <ul>
                    {why
                        .into_iter()
                        .map(|(zh, en, source)| {
                            view! {
                                <li>
                                    {move || i18n.lang.get().pick(&zh, &en).to_string()} " ("
                                    {source} ")"
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </details>
            <div class="qr" aria-hidden="true" inner_html=qr></div>
            <p>{i18n.t(Key::KeepNumber)}</p>
            <div class="actions no-print">
                <super::read_aloud::ReadAloud spoken=spoken />
                <button
                    type="button"
                    on:click=|_| {
                        let _ = window().print();
                    }
                >
                    {i18n.t(Key::PrintReceipt)}
                </button>
                <button type="button" class="primary" on:click=move |_| screen.set(Screen::Home)>
                    {i18n.t(Key::Done)}
                </button>
            </div>
            <Countdown />
        </article>
    }
    .into_any()
}

/// "30 秒后返回首页", and a button for more time: the customer sees that the
/// receipt will go, and when.
#[component]
fn Countdown() -> impl IntoView {
    let i18n = use_i18n();
    let Some(countdown) = use_context::<IdleCountdown>() else {
        return ().into_any();
    };
    view! {
        <p class="countdown no-print" data-testid="countdown">
            <span>
                {move || Key::ReturnsHomeIn.fill(i18n.lang.get(), &[("n", &countdown.left.get())])}
            </span>
            <button type="button" data-testid="stay" on:click=move |_| countdown.extend()>
                {i18n.t(Key::StayLonger)}
            </button>
        </p>
    }
    .into_any()
}
