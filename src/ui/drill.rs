//! `/drill`: the training drill (情景化考核). Demo complaints only; answers
//! are scored against the rules with the clause behind each difference, and
//! the results stay on this device.

use crate::domain::drill::{mark, resolution_rules, scenarios, Answer, Score};
use crate::domain::labels::grade_key;
use crate::i18n::{Key, Label, Lang, Term};
use crate::ui::state::engine::{use_engine, ModelReady};
use crate::ui::state::use_i18n;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

const ROUND: usize = 5;
const RESULTS_KEY: &str = "gridcare.drill.results";

/// One finished round, kept on the device only.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct RoundResult {
    at: String,
    trainee: String,
    points: u32,
    out_of: u32,
}

fn past_results() -> Vec<RoundResult> {
    LocalStorage::get(RESULTS_KEY).unwrap_or_default()
}

fn part_key(part: &str) -> Label {
    match part {
        "kind" => Term::Kind.into(),
        "category" => Term::Category.into(),
        "grade" => Term::Grade.into(),
        "deadline" => Key::DrillDeadline.into(),
        _ => Key::Template.into(),
    }
}

#[component]
pub fn DrillPage() -> impl IntoView {
    crate::ui::state::engine::want_model();
    let i18n = use_i18n();
    let engine = use_engine();
    let seed = RwSignal::new((js_sys::Math::random() * 1e9) as u64);
    let step = RwSignal::new(0usize);
    let trainee = RwSignal::new(String::new());
    let scores = RwSignal::new(Vec::<Score>::new());
    let history = RwSignal::new(past_results());
    // The n-gram model arrives after the first screen. The answers
    // expected are what the intake decides, so they are worked out again
    // once it is in place (rules alone can differ from it); the texts,
    // from the seed, stay.
    let model = use_context::<ModelReady>();
    let model_ready = move || model.is_none_or(|m| m.0.get());
    let round = {
        let engine = engine.clone();
        Memo::new(move |_| {
            model_ready();
            scenarios(&engine.classifier, seed.get(), ROUND)
        })
    };
    let (kind, category, grade, clock, template) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let table = engine.table().clone();
    let templates = engine.templates.clone();
    let submit = {
        let table = table.clone();
        let templates = templates.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(s) = round.with_untracked(|r| r.get(step.get_untracked()).cloned()) else {
                return;
            };
            let some = |v: RwSignal<String>| Some(v.get_untracked()).filter(|v| !v.is_empty());
            let answer = Answer {
                kind: kind.get_untracked(),
                category: category.get_untracked(),
                grade: some(grade).and_then(|g| g.parse().ok()),
                resolution_clock: some(clock),
                template: some(template),
            };
            let score = mark(&s, &answer, &table, &templates);
            scores.update(|all| all.push(score));
            if scores.with_untracked(Vec::len) == ROUND {
                let (points, out_of) = scores.with_untracked(|all| {
                    all.iter()
                        .fold((0, 0), |(p, o), s| (p + s.points, o + s.out_of))
                });
                let result = RoundResult {
                    at: chrono::Utc::now()
                        .with_timezone(&crate::domain::time::china())
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                    trainee: trainee.get_untracked().trim().to_string(),
                    points,
                    out_of,
                };
                history.update(|h| h.insert(0, result));
                let _ = LocalStorage::set(RESULTS_KEY, history.get_untracked());
            }
        }
    };
    let next = move |_| {
        step.update(|s| *s += 1);
        for v in [kind, category, grade, clock, template] {
            v.set(String::new());
        }
    };
    let again = move |_| {
        seed.set((js_sys::Math::random() * 1e9) as u64);
        step.set(0);
        scores.set(vec![]);
    };
    let lang = i18n.lang;
    let kinds: Vec<(String, String, String)> = table
        .kinds
        .iter()
        .map(|k| (k.code.clone(), k.zh.clone(), k.en.clone()))
        .collect();
    let categories: Vec<(String, String, String)> = table
        .categories
        .iter()
        .map(|c| (c.code.clone(), c.zh.clone(), c.en.clone()))
        .collect();
    let clocks: Vec<(String, String, String)> = resolution_rules(&table)
        .into_iter()
        .map(|(id, zh, en, _)| (id.into(), zh.into(), en.into()))
        .collect();
    let template_ids: Vec<String> = templates
        .templates
        .iter()
        .filter(|t| t.step == "first_response")
        .map(|t| t.id.clone())
        .collect();
    let options = move |list: Vec<(String, String, String)>| {
        move || {
            list.iter().map(|(code, zh, en)| view! { <option value=code.clone()>{lang.get().pick(zh, en).to_string()}</option> }).collect_view()
        }
    };
    let answered = move || scores.with(Vec::len) > step.get();
    let finished = move || scores.with(Vec::len) == ROUND;
    view! {
        <h1 data-testid="drill-title" data-model=move || model_ready().to_string()>
            {i18n.t(Key::Drill)}
        </h1>
        <p class="meta">{i18n.t(Key::DrillIntro)}</p>
        <label>
            {i18n.t(Key::Trainee)} " "
            <input
                type="text"
                maxlength="40"
                data-testid="trainee"
                prop:value=move || trainee.get()
                on:input=move |ev| trainee.set(event_target_value(&ev))
            />
        </label>
        <Show when=move || !finished()>
            <section class="drill-question" data-testid="drill-question">
                <h2>{i18n.t(Key::Scenario)} " " {move || step.get() + 1} " / " {ROUND}</h2>
                <p class="ticket-text" data-testid="drill-text">
                    {move || {
                        round
                            .with(|r| r.get(step.get()).map(|s| s.text.clone()).unwrap_or_default())
                    }}
                </p>
                <form class="row" on:submit=submit.clone()>
                    <label>
                        {i18n.t(Term::Kind)}
                        <select
                            data-testid="drill-kind"
                            prop:value=move || kind.get()
                            on:change=move |ev| kind.set(event_target_value(&ev))
                        >
                            <option value="">"—"</option>
                            {options(kinds.clone())}
                        </select>
                    </label>
                    <label>
                        {i18n.t(Term::Category)}
                        <select
                            data-testid="drill-category"
                            prop:value=move || category.get()
                            on:change=move |ev| category.set(event_target_value(&ev))
                        >
                            <option value="">"—"</option>
                            {options(categories.clone())}
                        </select>
                    </label>
                    <label>
                        {i18n.t(Term::Grade)}
                        <select
                            data-testid="drill-grade"
                            prop:value=move || grade.get()
                            on:change=move |ev| grade.set(event_target_value(&ev))
                        >
                            <option value="">{i18n.t(Key::NoGrade)}</option>
                            {(1..=3u8)
                                .map(|g| {
                                    view! {
                                        <option value=g.to_string()>{i18n.t(grade_key(g))}</option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        {i18n.t(Key::DrillDeadline)}
                        <select
                            data-testid="drill-deadline"
                            prop:value=move || clock.get()
                            on:change=move |ev| clock.set(event_target_value(&ev))
                        >
                            <option value="">{i18n.t(Key::NoResolutionClock)}</option>
                            {options(clocks.clone())}
                        </select>
                    </label>
                    <label>
                        {i18n.t(Key::Template)}
                        <select
                            data-testid="drill-template"
                            prop:value=move || template.get()
                            on:change=move |ev| template.set(event_target_value(&ev))
                        >
                            <option value="">"—"</option>
                            {template_ids
                                .iter()
                                .map(|id| view! { <option value=id.clone()>{id.clone()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="primary" disabled=answered>
                        {i18n.t(Key::CheckAnswer)}
                    </button>
                </form>
                {move || {
                    answered()
                        .then(|| scores.with(|all| all.get(step.get()).cloned()))
                        .flatten()
                        .map(|score| {
                            let points = score.points;
                            view! {
                                <div
                                    class="drill-score"
                                    data-testid="drill-score"
                                    data-points=points
                                >
                                    <ScoreLines score=score />
                                    <button type="button" on:click=next>
                                        {i18n.t(Key::NextScenario)}
                                    </button>
                                </div>
                            }
                        })
                }}
            </section>
        </Show>
        <Show when=finished>
            <section data-testid="drill-result">
                <h2>
                    {i18n.t(Key::DrillDone)} " "
                    <span data-testid="drill-total">
                        {move || {
                            scores
                                .with(|all| {
                                    format!(
                                        "{} / {}",
                                        all.iter().map(|s| s.points).sum::<u32>(),
                                        all.iter().map(|s| s.out_of).sum::<u32>(),
                                    )
                                })
                        }}
                    </span>
                </h2>
                // Every scenario of the round with its marks, the last one included.
                <ol class="drill-review">
                    {move || {
                        round
                            .get()
                            .into_iter()
                            .zip(scores.get())
                            .enumerate()
                            .map(|(i, (s, score))| {
                                let points = score.points;
                                view! {
                                    <li data-item=i data-points=points>
                                        <p class="ticket-text">{s.text}</p>
                                        <ScoreLines score=score />
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ol>
                <button type="button" on:click=again>
                    {i18n.t(Key::DrillAgain)}
                </button>
            </section>
        </Show>
        <h2>{i18n.t(Key::DrillHistory)}</h2>
        <ol data-testid="drill-history">
            {move || {
                history
                    .get()
                    .into_iter()
                    .map(|r| {
                        view! {
                            <li>{r.at} " · " {r.trainee} " · " {r.points} " / " {r.out_of}</li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
    }
}

/// One scenario's marks: each part right or wrong, with the rule and clause.
#[component]
fn ScoreLines(score: Score) -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    view! {
        <p>
            <strong>{score.points} " / " {score.out_of}</strong>
        </p>
        <ul>
            {score
                .marks
                .into_iter()
                .map(|m| {
                    let words = |lang| {
                        crate::domain::words::mark_in_words(
                            &m,
                            engine.table(),
                            &engine.templates,
                            lang,
                        )
                    };
                    let (zh, en) = (words(Lang::Zh), words(Lang::En));
                    let correct = m.correct;
                    let said = move || {
                        let (given, expected, rule) = match i18n.lang.get() {
                            Lang::Zh => zh.clone(),
                            Lang::En => en.clone(),
                        };
                        let verdict = if correct {
                            "✓".to_string()
                        } else {
                            format!("✗ {given} → {expected}")
                        };
                        format!("{verdict} · {rule}")
                    };
                    view! {
                        <li class:right=m.correct class:wrong=!m.correct data-part=m.part.clone()>
                            {i18n.t(part_key(&m.part))}
                            ": "
                            {said}
                            // The clause, where a rule decided.
                            {(m.source != "-" && !m.source.is_empty())
                                .then(|| format!(" ({})", m.source))}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
