//! "候选关键词 / candidate keywords": the words of corrected tickets that no
//! rule knows, grouped by the topic the person chose (computed by
//! `domain::candidates`), and adding one to that topic's keywords in a step,
//! as a new published version of the rule table.

use crate::domain::candidates::{candidates, with_keyword};
use crate::domain::event::EventBody;
use crate::domain::settings::SETTINGS_STREAM;
use crate::i18n::Key;
use crate::ui::state::{use_data, use_engine, use_i18n};
use leptos::prelude::*;

/// How strongly an added candidate points at its topic: as strong as most
/// of the shipped keywords.
const ADDED_WEIGHT: f64 = 4.0;

#[component]
pub fn CandidateKeywords() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let engine = use_engine();
    let groups = {
        let engine = engine.clone();
        Memo::new(move |_| {
            crate::ui::state::engine::track_model();
            data.tickets
                .with(|t| candidates(t.values(), &engine.classifier))
        })
    };
    let added = RwSignal::new(None::<(String, String)>);
    let for_add = engine.clone();
    let add = Action::new_local(move |(sub, word): &(String, String)| {
        let (sub, word) = (sub.clone(), word.clone());
        let table = with_keyword(for_add.table(), &sub, &word, ADDED_WEIGHT);
        let json = serde_json::to_string(&table).expect("a rule table serialises");
        let lang = i18n.lang.get_untracked();
        let reason = Key::CandidateReason.fill(lang, &[("word", &word)]);
        async move {
            let body = EventBody::RulesPublished {
                table: json,
                reason,
            };
            let saved = data.record(SETTINGS_STREAM, &data.author(), body).await;
            if saved.is_ok() {
                added.set(Some((word, table.version)));
            }
            saved
        }
    });
    let failed = move || add.value().get().and_then(Result::err);
    let name = move |code: &str| engine.table().name_of(code, i18n.lang.get()).to_string();
    view! {
        <section aria-labelledby="candidates-heading" data-testid="candidates">
            <h2 id="candidates-heading">{i18n.t(Key::CandidateKeywords)}</h2>
            <p class="meta">{i18n.t(Key::CandidateKeywordsHint)}</p>
            {move || {
                added
                    .get()
                    .map(|(word, version)| {
                        view! {
                            <p role="status" class="saved-note" data-testid="candidate-added">
                                {move || {
                                    Key::CandidateAdded
                                        .fill(
                                            i18n.lang.get(),
                                            &[("word", &word), ("version", &version)],
                                        )
                                }}
                            </p>
                        }
                    })
            }}
            {move || {
                failed()
                    .map(|e| {
                        view! {
                            <p class="error" role="alert">
                                {move || e.message(i18n.lang.get())}
                            </p>
                        }
                    })
            }}
            <Show when=move || groups.with(Vec::is_empty)>
                <p>{i18n.t(Key::NoCandidates)}</p>
            </Show>
            {move || {
                let name = name.clone();
                groups
                    .get()
                    .into_iter()
                    .map(|g| {
                        let sub = g.subcategory.clone();
                        let title = name(&sub);
                        view! {
                            <article class="candidate-group" data-subcategory=sub.clone()>
                                <h3>
                                    {title} " · "
                                    {move || {
                                        Key::CorrectedTickets
                                            .fill(i18n.lang.get(), &[("n", &g.corrected_tickets)])
                                    }}
                                </h3>
                                <ul>
                                    {g
                                        .words
                                        .into_iter()
                                        .map(|c| {
                                            let pair = (sub.clone(), c.word.clone());
                                            view! {
                                                <li data-word=c.word.clone()>
                                                    <strong>{c.word.clone()}</strong>
                                                    " × "
                                                    {c.count}
                                                    " · "
                                                    <span class="meta">{c.examples.join("、")}</span>
                                                    " "
                                                    <button
                                                        type="button"
                                                        class="secondary"
                                                        disabled=move || add.pending().get()
                                                        on:click=move |_| {
                                                            add.dispatch_local(pair.clone());
                                                        }
                                                    >
                                                        {i18n.t(Key::AddCandidate)}
                                                    </button>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </article>
                        }
                    })
                    .collect_view()
            }}
        </section>
    }
}
