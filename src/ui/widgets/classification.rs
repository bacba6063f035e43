//! The engine's classification of a text, as the live try-outs show it: kind,
//! category, grade, the facts found, every rule that fired with its clause,
//! and the deadlines it would promise now.

use crate::domain::classify::{Classification, Confidence};
use crate::domain::clock::{clocks, ClockInput, ClockState};
use crate::domain::labels::grade_key;
use crate::domain::time::china;
use crate::domain::words;
use crate::i18n::{Key, Lang, Term};
use crate::ui::state::{use_engine, use_i18n};
use crate::ui::widgets::TableHead;
use chrono::Utc;
use leptos::prelude::*;

/// `with_ids`: each rule's id too, small (on `/rules`, for those who edit
/// the table); everywhere else rules go by their names only.
#[component]
pub fn ClassificationView(c: Classification, #[prop(optional)] with_ids: bool) -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    let table = engine.table();
    let kind = table
        .kind(&c.kind)
        .map(|k| (k.zh.clone(), k.en.clone()))
        .unwrap_or_default();
    let category = table
        .category(&c.category)
        .map(|k| (k.zh.clone(), k.en.clone()))
        .unwrap_or_default();
    let sub = c
        .subcategory
        .as_deref()
        .and_then(|s| table.subcategory(s))
        .map(|(_, s)| (s.zh.clone(), s.en.clone()));
    let grade = c.grade;
    let confidence = match c.confidence {
        Confidence::High => Key::ConfidenceHigh,
        Confidence::Medium => Key::ConfidenceMedium,
        Confidence::Low => Key::ConfidenceLow,
    };
    let in_words = |lang| {
        let facts = words::facts_in_words(&c.facts, lang);
        if facts.is_empty() {
            return i18n.t(Key::NoFactsFound)().to_string();
        }
        facts.join("、")
    };
    let facts = (in_words(Lang::Zh), in_words(Lang::En));
    let now = Utc::now();
    let input = ClockInput {
        received: now,
        kind: &c.kind,
        category: &c.category,
        subcategory: c.subcategory.as_deref(),
        grade: c.grade,
        facts: &c.facts,
        events: &[],
    };
    let deadlines: Vec<_> = clocks(table, &engine.calendar, &input, now)
        .into_iter()
        .filter(|clock| {
            clock.state != ClockState::NotApplicable && clock.state != ClockState::Pending
        })
        .collect();
    let pick = move |pair: &(String, String)| match i18n.lang.get() {
        Lang::Zh => pair.0.clone(),
        Lang::En => pair.1.clone(),
    };
    let rules: Vec<_> = c
        .rules
        .iter()
        .map(|r| {
            let both = |f: &dyn Fn(Lang) -> String| (f(Lang::Zh), f(Lang::En));
            (
                r.id.clone(),
                both(&|lang| words::rule_name(table, &r.id, lang)),
                both(&|lang| words::decision_in_words(table, &r.decided, lang)),
                r.matched.join("、"),
                r.source.clone(),
            )
        })
        .collect();
    view! {
        <dl class="classification" data-testid="classification">
            <dt>{i18n.t(Term::Kind)}</dt>
            <dd data-field="kind" data-code=c.kind.clone()>
                {move || pick(&kind)}
            </dd>
            <dt>{i18n.t(Term::Category)}</dt>
            <dd data-field="category" data-code=c.category.clone()>
                {move || pick(&category)}
                {sub
                    .clone()
                    .map(|sub| {
                        view! {
                            " / "
                            {move || pick(&sub)}
                        }
                    })}
            </dd>
            <dt>{i18n.t(Term::Grade)}</dt>
            <dd data-field="grade" data-code=grade.map(|g| g.to_string()).unwrap_or_default()>
                {move || match grade {
                    Some(g) => i18n.t(grade_key(g))(),
                    None => i18n.t(Key::NotGraded)(),
                }}
                {c
                    .emergency
                    .then(|| {
                        view! {
                            " "
                            <strong class="badge danger">{i18n.t(Key::Emergency)}</strong>
                        }
                    })}
            </dd>
            <dt>{i18n.t(Key::Confidence)}</dt>
            <dd data-field="confidence">{i18n.t(confidence)}</dd>
            <dt>{i18n.t(Key::Facts)}</dt>
            <dd data-field="facts">{move || pick(&facts)}</dd>
        </dl>
        <h3>{i18n.t(Key::RulesFired)}</h3>
        <table class="rules-fired">
            <TableHead keys=crate::labels![Key::Rule, Key::Decided, Key::Matched, Key::Source] />
            <tbody>
                {rules
                    .into_iter()
                    .map(|(id, name, decided, matched, source)| {
                        view! {
                            <tr data-rule=id.to_string()>
                                <td>
                                    {move || pick(&name)}
                                    {with_ids
                                        .then(|| {
                                            view! {
                                                " "
                                                <small class="rule-id">
                                                    <code>{id.to_string()}</code>
                                                </small>
                                            }
                                        })}
                                </td>
                                <td>{move || pick(&decided)}</td>
                                <td>{matched}</td>
                                <td>{source.to_string()}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <h3>{i18n.t(Key::Deadlines)}</h3>
        <ul class="deadlines">
            {deadlines
                .into_iter()
                .map(|clock| {
                    let due = clock
                        .due
                        .map(|d| d.with_timezone(&china()).format("%Y-%m-%d %H:%M").to_string());
                    let names = (clock.words.zh.to_string(), clock.words.en.to_string());
                    view! {
                        <li data-clock=clock.words.id.to_string()>
                            <strong>{move || pick(&names)}</strong>
                            " "
                            {due}
                            " · "
                            <small>{clock.words.source.to_string()}</small>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
