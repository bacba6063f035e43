//! "Rules and calendar": the active rule table with the clause behind every
//! rule, a live try-out of the classifier, and the holiday calendar.

use crate::domain::calendar::Calendar;
use crate::domain::facts::Facts;
pub use crate::domain::labels::grade_key;
use crate::domain::rules::{RuleTable, Span};
use crate::domain::time::china;
use crate::i18n::{Key, Lang, Term};
use crate::ui::state::engine::use_engine;
use crate::ui::state::use_i18n;
use crate::ui::widgets::{ClassificationView, TableHead};
use chrono::{Datelike, Utc};
use leptos::prelude::*;

mod candidates;
mod editor;

#[component]
pub fn RulesPage() -> impl IntoView {
    crate::ui::state::engine::want_model();
    let i18n = use_i18n();
    let engine = use_engine();
    let table = engine.table();
    let (version, title_zh, title_en) = (
        table.version.clone(),
        table.title.zh.clone(),
        table.title.en.clone(),
    );
    let ratio = format!("{:.0}%", table.due_soon_ratio * 100.0);
    let hf = &table.high_frequency;
    let high_frequency = format!(
        "> {:.0}%, ≥ {} · {}",
        hf.share * 100.0,
        hf.min_count,
        hf.source
    );
    view! {
        <h1>{i18n.t(Key::Rules)}</h1>
        <p class="lede">
            {i18n.t(Key::RuleTableVersion)} " "
            <strong data-testid="rule-version">{version}</strong> " · "
            {move || i18n.lang.get().pick(&title_zh, &title_en).to_string()}
        </p>
        <p class="meta">
            {i18n.t(Key::DueSoonAt)} ": " {ratio} " · " {i18n.t(Key::HighFrequency)} ": "
            {high_frequency}
        </p>
        <TryClassifier />
        <GradeRules />
        <Categories />
        <Kinds />
        <ClockRules />
        <candidates::CandidateKeywords />
        <editor::RulesEditor />
        <CalendarView />
        <editor::CalendarEditor />
        <editor::TariffEditor />
    }
}

#[component]
fn TryClassifier() -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let text = RwSignal::new(String::new());
    let result = Memo::new(move |_| {
        crate::ui::state::engine::track_model();
        let text = text.get();
        (!text.trim().is_empty()).then(|| engine.classifier.classify(&text, &Facts::default()))
    });
    view! {
        <section aria-labelledby="try-heading">
            <h2 id="try-heading">{i18n.t(Key::TryClassifier)}</h2>
            <label for="try-text">{i18n.t(Key::TypeComplaint)}</label>
            <textarea
                id="try-text"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            {move || result.get().map(|c| view! { <ClassificationView c=c with_ids=true /> })}
        </section>
    }
}

#[component]
fn GradeRules() -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let rows = engine.table().grade_rules.clone();
    view! {
        <section>
            <h2>{i18n.t(Key::GradeRules)}</h2>
            <table data-testid="grade-rules">
                <TableHead keys=crate::labels![Key::Rule, Term::Grade, Key::Decided, Key::Source] />
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            let text = (r.zh.clone(), r.en.clone());
                            view! {
                                <tr>
                                    <td>
                                        <code>{r.id.to_string()}</code>
                                    </td>
                                    <td>{i18n.t(grade_key(r.grade))}</td>
                                    <td>
                                        {move || i18n.lang.get().pick(&text.0, &text.1).to_string()}
                                    </td>
                                    <td>{r.source.to_string()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn Categories() -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let rows: Vec<_> = engine
        .table()
        .categories
        .iter()
        .flat_map(|c| c.subcategories.iter().map(move |s| (c.clone(), s.clone())))
        .collect();
    view! {
        <section>
            <h2>{i18n.t(Key::Categories)}</h2>
            <table>
                <TableHead keys=crate::labels![
                    Term::Category, Term::Subcategory, Key::Keywords, Key::Source
                ] />
                <tbody>
                    {rows
                        .into_iter()
                        .map(|(c, s)| {
                            let words: Vec<String> = s
                                .keywords
                                .iter()
                                .map(|k| k.0.clone())
                                .collect();
                            view! {
                                <tr>
                                    <td>
                                        {move || i18n.lang.get().pick(&c.zh, &c.en).to_string()}
                                    </td>
                                    <td>
                                        {move || i18n.lang.get().pick(&s.zh, &s.en).to_string()}
                                    </td>
                                    <td class="keywords">{words.join("、")}</td>
                                    <td>{s.source.to_string()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn Kinds() -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let table = engine.table();
    let kinds = table.kinds.clone();
    // The order in which intents win, in the people's words.
    let order = table.intent_order.as_ref().map(|o| {
        let names: Vec<(String, String)> = o
            .order
            .iter()
            .filter_map(|code| table.kind(code))
            .map(|k| (k.zh.clone(), k.en.clone()))
            .collect();
        (names, o.source.clone())
    });
    let variants = table.variants.as_ref().map(|v| {
        v.pairs
            .iter()
            .map(|(from, to)| format!("{from}→{to}"))
            .collect::<Vec<_>>()
            .join("、")
    });
    view! {
        <section>
            <h2>{i18n.t(Key::Kinds)}</h2>
            {order
                .map(|(names, source)| {
                    view! {
                        <p data-testid="intent-order">
                            {i18n.t(Key::IntentOrder)} ": "
                            {move || {
                                names
                                    .iter()
                                    .map(|(zh, en)| i18n.lang.get().pick(zh, en).to_string())
                                    .collect::<Vec<_>>()
                                    .join(" → ")
                            }} " · " <small>{source.to_string()}</small>
                        </p>
                    }
                })}
            {variants
                .map(|list| {
                    view! {
                        <details>
                            <summary>{i18n.t(Key::Variants)}</summary>
                            <p class="keywords">{list}</p>
                        </details>
                    }
                })}
            <table>
                <TableHead keys=crate::labels![Term::Kind, Key::Keywords, Key::Source] />
                <tbody>
                    {kinds
                        .into_iter()
                        .map(|k| {
                            let words: Vec<String> = k
                                .keywords
                                .iter()
                                .map(|w| {
                                    if w.1 < 0.0 { format!("−{}", w.0) } else { w.0.clone() }
                                })
                                .collect();
                            // A negative weight counts against the kind ("说我偷" is no report).
                            view! {
                                <tr>
                                    <td>
                                        {move || i18n.lang.get().pick(&k.zh, &k.en).to_string()}
                                    </td>
                                    <td class="keywords">{words.join("、")}</td>
                                    <td>{k.source.to_string()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// A span in words, e.g. "3 个工作日" / "3 working days".
fn describe_span(span: &Span, table: &RuleTable, lang: Lang) -> String {
    let t = |key: Key| key.text(lang);
    let sep = if lang == Lang::Zh { "" } else { " " };
    if let Some(n) = span.minutes {
        return format!("{n}{sep}{}", t(Key::Minutes));
    }
    if let Some(n) = span.hours {
        return format!("{n}{sep}{}", t(Key::Hours));
    }
    if let Some(n) = span.days {
        return format!("{n}{sep}{}", t(Key::Days));
    }
    if let Some(n) = span.months {
        return format!("{n}{sep}{}", t(Key::Months));
    }
    if let Some(n) = span.working_days {
        return format!("{n}{sep}{}", t(Key::WorkingDays));
    }
    if let (Some(a), Some(b)) = (span.hours_on_working_day, span.hours_otherwise) {
        return format!(
            "{} {a}{sep}{} / {} {b}{sep}{}",
            t(Key::HoursOnWorkingDay),
            t(Key::Hours),
            t(Key::HoursOtherwise),
            t(Key::Hours)
        );
    }
    let profile = table.active_arrival_profile();
    let areas: Vec<String> = profile
        .minutes
        .iter()
        .map(|(area, m)| format!("{area} {m}{sep}{}", t(Key::Minutes)))
        .collect();
    format!(
        "{} {} ({})",
        t(Key::ArrivalByArea),
        areas.join(", "),
        lang.pick(&profile.zh, &profile.en)
    )
}

#[component]
fn ClockRules() -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let rows = engine.table().clocks.clone();
    view! {
        <section>
            <h2>{i18n.t(Key::Clocks)}</h2>
            <table data-testid="clock-rules">
                <TableHead keys=crate::labels![Key::Rule, Key::StartsAt, Key::Span, Key::Source] />
                <tbody>
                    {rows
                        .into_iter()
                        .map(|clock| {
                            let engine = engine.clone();
                            let span = clock.span.clone();
                            let names = (clock.words.zh.clone(), clock.words.en.clone());
                            let flags = (clock.recurring, clock.pausable);
                            view! {
                                <tr>
                                    <td>
                                        {move || {
                                            i18n.lang.get().pick(&names.0, &names.1).to_string()
                                        }}
                                    </td>
                                    <td>
                                        <code>{clock.start.clone()}</code>
                                    </td>
                                    <td>
                                        {move || describe_span(
                                            &span,
                                            engine.table(),
                                            i18n.lang.get(),
                                        )}
                                        {flags
                                            .0
                                            .then(|| {
                                                view! {
                                                    " · "
                                                    {i18n.t(Key::Recurring)}
                                                }
                                            })}
                                        {flags
                                            .1
                                            .then(|| {
                                                view! {
                                                    <br />
                                                    <small>{i18n.t(Key::Paused)}</small>
                                                }
                                            })}
                                    </td>
                                    <td>{clock.words.source.to_string()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn CalendarView() -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let this_year = Utc::now().with_timezone(&china()).year();
    let mut years: Vec<i32> = engine.calendar.known_years().collect();
    if !years.contains(&(this_year + 1)) {
        years.push(this_year + 1);
    }
    let year = RwSignal::new(this_year);
    let calendar_for = engine.clone();
    view! {
        <section>
            <h2>{i18n.t(Key::Calendar)}</h2>
            <div class="year-picker" role="group" aria-label=i18n.t(Key::Year)>
                {years
                    .into_iter()
                    .map(|y| {
                        view! {
                            <button
                                type="button"
                                aria-pressed=move || (year.get() == y).to_string()
                                on:click=move |_| year.set(y)
                            >
                                {y}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            {move || special_days(&calendar_for.calendar, year.get(), i18n.lang.get())}
        </section>
    }
}

fn special_days(calendar: &Calendar, year: i32, lang: Lang) -> impl IntoView {
    if !calendar.knows_year(year) {
        return view! {
            <p class="warning" role="alert">
                {year}
                ": "
                {Key::CalendarMissing.text(lang)}
            </p>
        }
        .into_any();
    }
    let days: Vec<_> = calendar.special_days(year).cloned().collect();
    view! {
        <table data-testid="special-days">
            <caption>{year} " " {Key::SpecialDays.text(lang)}</caption>
            <tbody>
                {days
                    .into_iter()
                    .map(|d| {
                        let what = if d.is_off_day { Key::Holiday } else { Key::MakeUpDay };
                        view! {
                            <tr class:makeup=!d.is_off_day>
                                <td>{d.date.format("%Y-%m-%d").to_string()}</td>
                                <td>{d.name}</td>
                                <td>{what.text(lang)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
