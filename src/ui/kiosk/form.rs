//! The few questions of a tile, the customer's words and phone, and submit.

use super::Screen;
use crate::domain::event::{Channel, Contact, EventBody};
use crate::domain::facts::Area;
use crate::domain::intake::{compose, valid_phone, Tile};
use crate::i18n::{Key, Label, Term};
use crate::ui::state::data::{use_data, Intake};
use crate::ui::state::use_i18n;
use leptos::prelude::*;

const AREAS: [(Option<Area>, Label); 5] = [
    (None, Label::Screen(Key::AreaUnknown)),
    (Some(Area::Urban), Label::Domain(Term::AreaUrban)),
    (Some(Area::Suburban), Label::Domain(Term::AreaSuburban)),
    (Some(Area::Rural), Label::Domain(Term::AreaRural)),
    (Some(Area::Remote), Label::Domain(Term::AreaRemote)),
];

/// The longest description a customer may type (as the browser counts
/// it, in UTF-16 units: one per Chinese character).
const DESCRIPTION_MAX: usize = 500;
/// From how many left the count is shown.
const DESCRIPTION_WARN_AT: usize = 100;

#[component]
pub fn ComplaintForm(tile: Tile, screen: RwSignal<Screen>) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let questions = tile.questions();
    let answers = RwSignal::new(vec![0usize; questions.len()]);
    let description = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let area = RwSignal::new(0usize);
    let phone_error = RwSignal::new(false);
    // Saved, then the receipt; a failure is told to the customer.
    let file = Action::new_local(move |intake: &Intake| {
        let intake = intake.clone();
        async move {
            let ticket = data.new_ticket(intake).await?;
            screen.set(Screen::Receipt(ticket));
            Ok::<(), crate::web::store::StoreError>(())
        }
    });
    let busy = file.pending();
    let failed = move || {
        file.value()
            .get()
            .and_then(Result::err)
            .map(|e| e.message(i18n.lang.get()))
    };
    let (zh, en) = tile.label();
    // Told at "submit", and gone for good as soon as the number typed is
    // right (told again only at the next "submit").
    Effect::new(move |_| {
        if valid_phone(&phone.get()) {
            phone_error.set(false);
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !valid_phone(&phone.get_untracked()) {
            phone_error.set(true);
            return;
        }
        phone_error.set(false);
        let (text, facts) = compose(
            tile,
            &answers.get_untracked(),
            &description.get_untracked(),
            AREAS[area.get_untracked()].0,
        );
        let intake = Intake {
            author: "kiosk".into(),
            channel: Channel::Kiosk,
            text,
            facts,
            contact: Contact {
                phone: Some(phone.get_untracked().trim().to_string()),
                ..Contact::default()
            },
            station: None,
            correction: None,
        };
        file.dispatch_local(intake);
    };

    view! {
        <h1>{move || i18n.lang.get().pick(zh, en).to_string()}</h1>
        <form class="kiosk-form" on:submit=submit novalidate>
            {questions
                .iter()
                .enumerate()
                .map(|(q, question)| {
                    let (qzh, qen) = question.text();
                    let spoken = move |lang: crate::i18n::Lang| {
                        let answers: Vec<&str> = question
                            .answers()
                            .iter()
                            .map(|(zh, en)| lang.pick(zh, en))
                            .collect();
                        format!(
                            "{}{}{}",
                            lang.pick(qzh, qen),
                            lang.pick("：", ": "),
                            answers.join(lang.pick("，", ", ")),
                        )
                    };
                    // The question and its answers, read aloud on request.
                    view! {
                        <fieldset data-question=question.code()>
                            <legend>{move || i18n.lang.get().pick(qzh, qen).to_string()}</legend>
                            <super::read_aloud::ReadAloud
                                spoken=spoken
                                testid="read-question"
                                label=Key::ReadQuestion
                            />
                            <div class="choices">
                                {question
                                    .answers()
                                    .iter()
                                    .enumerate()
                                    .map(|(a, (azh, aen))| {
                                        view! {
                                            <button
                                                type="button"
                                                aria-pressed=move || (answers.get()[q] == a).to_string()
                                                on:click=move |_| answers.update(|all| all[q] = a)
                                            >
                                                {move || i18n.lang.get().pick(azh, aen).to_string()}
                                            </button>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        </fieldset>
                        // Answers to frequent questions come after the first
                        // question: the customer has said what it is about.
                        {(q == 0)
                            .then(|| {
                                view! {
                                    <FrequentAnswers
                                        tile=tile
                                        description=description
                                        screen=screen
                                    />
                                }
                            })}
                    }
                })
                .collect_view()}
            // A tile without questions shows them before the description.
            {questions
                .is_empty()
                .then(|| {
                    view! { <FrequentAnswers tile=tile description=description screen=screen /> }
                })}
            <label for="kiosk-description">{i18n.t(Key::Description)}</label>
            <textarea
                id="kiosk-description"
                maxlength=DESCRIPTION_MAX.to_string()
                aria-describedby="kiosk-description-left"
                prop:value=move || description.get()
                on:input=move |ev| description.set(event_target_value(&ev))
            ></textarea>
            // The box stops taking text at its limit: said before it does,
            // so nothing typed seems to vanish.
            <small id="kiosk-description-left" aria-live="polite">
                {move || {
                    let left = DESCRIPTION_MAX
                        .saturating_sub(description.with(|d| d.encode_utf16().count()));
                    (left <= DESCRIPTION_WARN_AT)
                        .then(|| i18n.t(Key::CharactersLeft)().replace("{n}", &left.to_string()))
                }}
            </small>
            <label for="kiosk-phone">{i18n.t(Key::Phone)}</label>
            <input
                id="kiosk-phone"
                type="tel"
                inputmode="tel"
                autocomplete="off"
                required
                aria-describedby="kiosk-phone-hint kiosk-phone-error"
                aria-invalid=move || phone_error.get().to_string()
                prop:value=move || phone.get()
                on:input=move |ev| phone.set(event_target_value(&ev))
            />
            <small id="kiosk-phone-hint">{i18n.t(Key::PhoneHint)}</small>
            <Show when=move || phone_error.get()>
                <p id="kiosk-phone-error" class="error" role="alert">
                    {i18n.t(Key::PhoneInvalid)}
                </p>
            </Show>
            <fieldset>
                <legend>{i18n.t(Term::AreaLabel)}</legend>
                <div class="choices">
                    {AREAS
                        .iter()
                        .enumerate()
                        .map(|(i, (_, key))| {
                            view! {
                                <button
                                    type="button"
                                    aria-pressed=move || (area.get() == i).to_string()
                                    on:click=move |_| area.set(i)
                                >
                                    {i18n.t(*key)}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
            {move || {
                failed()
                    .map(|why| {
                        view! {
                            <p class="error" role="alert">
                                {i18n.t(Key::SaveFailed)}
                                " "
                                {why}
                            </p>
                        }
                    })
            }}
            <div class="actions">
                <button type="button" on:click=move |_| screen.set(Screen::Home)>
                    {i18n.t(Key::Back)}
                </button>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || {
                        if busy.get() { i18n.t(Key::Submitting)() } else { i18n.t(Key::Submit)() }
                    }}
                </button>
            </div>
        </form>
    }
}

/// Answers to frequent questions that match the tile and the words typed,
/// offered before the complaint is filed. "This solved it" records a
/// self-service consultation (closed at once, counted in the statistics);
/// "I still want to file" puts them away.
#[component]
fn FrequentAnswers(
    tile: Tile,
    description: RwSignal<String>,
    screen: RwSignal<Screen>,
) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let engine = crate::ui::state::engine::use_engine();
    let dismissed = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let matches = Memo::new(move |_| {
        let text = description.get();
        engine
            .faq
            .matches(Some(tile.code()), &text, 3)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>()
    });
    let solved = move |entry: crate::domain::faq::Entry| {
        busy.set(true);
        let intake = Intake {
            author: "kiosk".into(),
            channel: Channel::Kiosk,
            text: format!(
                "{}{}",
                Key::SelfServicePrefix.text(crate::i18n::Lang::Zh),
                entry.question.zh
            ),
            facts: Default::default(),
            contact: Contact::default(),
            station: None,
            correction: Some(crate::ui::state::data::Correction {
                kind: "consultation".into(),
                category: entry.category.clone(),
                subcategory: None,
                grade: None,
                reason: Key::SelfServiceReason.text(crate::i18n::Lang::Zh).into(),
            }),
        };
        leptos::task::spawn_local(async move {
            if let Ok(ticket) = data.new_ticket(intake).await {
                let done = vec![
                    (
                        ticket.clone(),
                        EventBody::SelfServiceAnswered {
                            faq: entry.id.clone(),
                        },
                    ),
                    (ticket, EventBody::Closed),
                ];
                if data.record_all("kiosk", done).await.is_ok() {
                    screen.set(Screen::Answered);
                    return;
                }
            }
            busy.set(false);
        });
    };
    view! {
        <Show when=move || !dismissed.get() && !matches.with(Vec::is_empty)>
            <aside class="faq" data-testid="faq" aria-label=i18n.t(Key::FrequentQuestions)>
                <h2>{i18n.t(Key::FrequentQuestions)}</h2>
                {move || {
                    matches
                        .get()
                        .into_iter()
                        .map(|entry| {
                            let (q, a) = (entry.question.clone(), entry.answer.clone());
                            let id = entry.id.clone();
                            view! {
                                <details data-faq=id>
                                    <summary>
                                        {move || i18n.lang.get().pick(&q.zh, &q.en).to_string()}
                                    </summary>
                                    <p>{move || i18n.lang.get().pick(&a.zh, &a.en).to_string()}</p>
                                    <button
                                        type="button"
                                        class="primary"
                                        disabled=move || busy.get()
                                        on:click={
                                            let entry = entry.clone();
                                            move |_| solved(entry.clone())
                                        }
                                    >
                                        {i18n.t(Key::ThisSolvedIt)}
                                    </button>
                                </details>
                            }
                        })
                        .collect_view()
                }}
                <button
                    type="button"
                    data-testid="still-file"
                    on:click=move |_| dismissed.set(true)
                >
                    {i18n.t(Key::StillWantToFile)}
                </button>
            </aside>
        </Show>
    }
}
