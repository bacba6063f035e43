//! A ticket taken on the hotline or at the counter: free text classified live,
//! extracted facts and the rules that fired beside it, every fact correctable,
//! and a correction of kind, topic or grade only with a reason.

use crate::domain::care::CareFlags;
use crate::domain::event::{Channel, Contact};
use crate::domain::facts::{Area, Facts};
use crate::domain::intake::valid_phone;
use crate::domain::rules::{KIND_CODES, SUBCATEGORY_CODES};
use crate::i18n::{Key, Label, Term};
use crate::ui::crew::{CareBadges, EarlierComplaints};
use crate::ui::state::data::{use_data, Correction, Intake};
use crate::ui::state::engine::use_engine;
use crate::ui::state::use_i18n;
use crate::ui::widgets::ClassificationView;
use crate::web::store::StoreError;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

const CHANNELS: [(Channel, Key); 4] = [
    (Channel::Hotline, Key::ChannelHotline),
    (Channel::WalkIn, Key::ChannelWalkIn),
    (Channel::Online, Key::ChannelOnline),
    (Channel::Field, Key::ChannelField),
];
const AREAS: [(Option<Area>, Label); 5] = [
    (None, Label::Screen(Key::Auto)),
    (Some(Area::Urban), Label::Domain(Term::AreaUrban)),
    (Some(Area::Suburban), Label::Domain(Term::AreaSuburban)),
    (Some(Area::Rural), Label::Domain(Term::AreaRural)),
    (Some(Area::Remote), Label::Domain(Term::AreaRemote)),
];

/// "", "yes" or "no" -> unknown, true, false.
fn tri(value: &str) -> Option<bool> {
    match value {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// The new ticket being typed, kept by the app above its screens: the
/// screens are rebuilt when the rules in force change (at start-up, by
/// sync, by a publication), and a crew member may look at the queue
/// half-way through a call. Held in memory only (a customer's phone is
/// not written to storage unsealed); a reload starts afresh.
#[derive(Clone, Copy)]
pub struct NewTicketDraft {
    channel: RwSignal<usize>,
    text: RwSignal<String>,
    name: RwSignal<String>,
    phone: RwSignal<String>,
    address: RwSignal<String>,
    flags: [RwSignal<String>; 3],
    households: RwSignal<String>,
    hours: RwSignal<String>,
    area: RwSignal<usize>,
    kind: RwSignal<String>,
    subcategory: RwSignal<String>,
    grade: RwSignal<String>,
    reason: RwSignal<String>,
}

impl NewTicketDraft {
    fn new() -> NewTicketDraft {
        let blank = || RwSignal::new(String::new());
        NewTicketDraft {
            channel: RwSignal::new(0),
            text: blank(),
            name: blank(),
            phone: blank(),
            address: blank(),
            flags: [blank(), blank(), blank()],
            households: blank(),
            hours: blank(),
            area: RwSignal::new(0),
            kind: blank(),
            subcategory: blank(),
            grade: blank(),
            reason: blank(),
        }
    }

    /// Everything back to blank, once the ticket is saved.
    fn clear(&self) {
        let texts = [
            self.text,
            self.name,
            self.phone,
            self.address,
            self.households,
            self.hours,
            self.kind,
            self.subcategory,
            self.grade,
            self.reason,
        ];
        for signal in texts.into_iter().chain(self.flags) {
            signal.set(String::new());
        }
        self.channel.set(0);
        self.area.set(0);
    }
}

/// Provides the draft; called by the app above the screens it rebuilds.
pub fn provide_draft() {
    provide_context(NewTicketDraft::new());
}

#[component]
pub fn NewTicketPage() -> impl IntoView {
    crate::ui::state::engine::want_model();
    let i18n = use_i18n();
    let data = use_data();
    let engine = use_engine();
    let navigate = use_navigate();
    // What is typed lives in the app, not in this page: it outlasts a
    // rebuild of the screens and a visit to another page.
    let draft = expect_context::<NewTicketDraft>();
    let NewTicketDraft {
        channel,
        text,
        name,
        phone,
        address,
        flags,
        households,
        hours,
        area,
        kind,
        subcategory,
        grade,
        reason,
    } = draft;
    let errors = RwSignal::new(Vec::<(&'static str, Key)>::new());
    let navigate = StoredValue::new(navigate);
    let create = Action::new_local(move |intake: &Intake| {
        let intake = intake.clone();
        async move {
            let id = data.new_ticket(intake).await?;
            draft.clear();
            navigate.with_value(|go| go(&format!("/crew/t/{id}"), Default::default()));
            Ok::<(), StoreError>(())
        }
    });
    let busy = create.pending();
    let failed = move || create.value().get().and_then(Result::err);

    // Earlier complaints from the phone being typed (rules.md §3): shown
    // beside the form and set as a fact (it starts long-term tracking).
    let complaints = data.complaints;
    let earlier = Memo::new(move |_| {
        let phone = phone.get();
        complaints.with(|c| {
            let ids: Vec<String> = c
                .earlier(&phone, chrono::Utc::now(), None)
                .into_iter()
                .map(str::to_string)
                .collect();
            data.tickets.with_untracked(|all| {
                ids.iter()
                    .filter_map(|id| all.get(id).map(|t| (id.clone(), t.number.clone())))
                    .collect::<Vec<(String, String)>>()
            })
        })
    });
    let typed_facts = move || Facts {
        safety_hazard: tri(&flags[0].get()),
        important_customer: tri(&flags[1].get()),
        equipment_damage: tri(&flags[2].get()),
        households_affected: households.get().trim().parse().ok(),
        outage_hours: hours.get().trim().parse().ok(),
        area: AREAS[area.get()].0,
        ..Facts::default()
    };
    let manual_facts = move || {
        let mut facts = typed_facts();
        complaints.with(|c| c.derive_at_intake(&phone.get(), chrono::Utc::now(), &mut facts));
        facts
    };
    let engine_for_live = engine.clone();
    let live = Memo::new(move |_| {
        crate::ui::state::engine::track_model();
        let text = text.get();
        (!text.trim().is_empty())
            .then(|| engine_for_live.classifier.classify(&text, &manual_facts()))
    });
    let corrected =
        move || !kind.get().is_empty() || !subcategory.get().is_empty() || !grade.get().is_empty();

    let engine_for_submit = engine.clone();
    // What is wrong with the form now: a submit shows it, and a corrected
    // field loses its message as it is typed (below), not at the next submit.
    let problems = move || {
        let mut found = Vec::new();
        if text.get().trim().is_empty() {
            found.push(("text", Key::TextRequired));
        }
        if !valid_phone(&phone.get()) {
            found.push(("phone", Key::PhoneInvalid));
        }
        if corrected() && reason.get().trim().is_empty() {
            found.push(("reason", Key::Required));
        }
        found
    };
    // A field put right is forgotten: its message does not come back while
    // it is edited again, only at the next submit.
    Effect::new(move |_| {
        let now = problems();
        if errors.with_untracked(|e| e.iter().any(|(f, _)| !now.iter().any(|(g, _)| g == f))) {
            errors.update(|e| e.retain(|(f, _)| now.iter().any(|(g, _)| g == f)));
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found = untrack(problems);
        if !found.is_empty() {
            return errors.set(found);
        }
        errors.set(Vec::new());
        // A correction keeps what the engine said for the fields left
        // alone: what it says with the model, as the ticket will store.
        let engine_for_submit = engine_for_submit.clone();
        let finish = move || {
            let engine_choice = live.get_untracked();
            let correction = corrected().then(|| {
                let base = engine_choice.clone();
                let sub = Some(subcategory.get_untracked())
                    .filter(|s| !s.is_empty())
                    .or(base.as_ref().and_then(|c| c.subcategory.clone()));
                let category = sub
                    .as_deref()
                    .and_then(|s| engine_for_submit.table().subcategory(s))
                    .map(|(c, _)| c.code.clone())
                    .or(base.as_ref().map(|c| c.category.clone()))
                    .unwrap_or_else(|| "other".into());
                Correction {
                    kind: Some(kind.get_untracked())
                        .filter(|k| !k.is_empty())
                        .or(base.as_ref().map(|c| c.kind.clone()))
                        .unwrap_or_else(|| "complaint".into()),
                    category,
                    subcategory: sub,
                    grade: grade
                        .get_untracked()
                        .parse()
                        .ok()
                        .or(base.as_ref().and_then(|c| c.grade)),
                    reason: reason.get_untracked().trim().to_string(),
                }
            });
            let some = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
            let intake = Intake {
                author: data.author(),
                channel: CHANNELS[channel.get_untracked()].0,
                text: text.get_untracked().trim().to_string(),
                facts: manual_facts(),
                contact: Contact {
                    name: some(name.get_untracked()),
                    phone: some(phone.get_untracked()),
                    address: some(address.get_untracked()),
                },
                station: None,
                correction,
            };
            create.dispatch_local(intake);
        };
        if crate::web::model::loading() {
            leptos::task::spawn_local(async move {
                crate::web::model::settled(5_000).await;
                finish();
            });
        } else {
            finish();
        }
    };
    let error_for = move |field: &'static str| {
        move || {
            errors
                .get()
                .into_iter()
                .find(|(f, _)| *f == field)
                .map(|(_, k)| {
                    view! {
                        <p class="error" role="alert" data-error-for=field>
                            {i18n.t(k)}
                        </p>
                    }
                })
        }
    };
    let flag_select = move |label: Key, signal: RwSignal<String>, field: &'static str| {
        view! {
            <label>
                {i18n.t(label)}
                <select name=field on:change=move |ev| signal.set(event_target_value(&ev))>
                    <option value="">{i18n.t(Key::Auto)}</option>
                    <option value="yes" selected=move || signal.get() == "yes">
                        {i18n.t(Term::Yes)}
                    </option>
                    <option value="no" selected=move || signal.get() == "no">
                        {i18n.t(Key::No)}
                    </option>
                </select>
            </label>
        }
    };

    view! {
        <h1>{i18n.t(Key::NewTicket)}</h1>
        <div class="new-ticket">
            <form class="action-form" on:submit=submit novalidate data-testid="new-ticket">
                <label for="nt-channel">{i18n.t(Key::ChannelLabel)}</label>
                <select
                    id="nt-channel"
                    on:change=move |ev| channel.set(event_target_value(&ev).parse().unwrap_or(0))
                >
                    {CHANNELS
                        .iter()
                        .enumerate()
                        .map(|(i, (_, k))| {
                            view! {
                                <option value=i.to_string() selected=move || channel.get() == i>
                                    {i18n.t(*k)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <label for="nt-text">{i18n.t(Key::TypeComplaint)}</label>
                <textarea
                    id="nt-text"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                {error_for("text")}
                <label for="nt-phone">{i18n.t(Key::Phone)}</label>
                // Customers' details are never kept by the browser's autofill
                // (its database is plain text on disk).
                <input
                    id="nt-phone"
                    type="tel"
                    autocomplete="off"
                    prop:value=move || phone.get()
                    on:input=move |ev| phone.set(event_target_value(&ev))
                />
                {error_for("phone")}
                <label for="nt-name">{i18n.t(Key::CustomerName)}</label>
                <input
                    id="nt-name"
                    autocomplete="off"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <label for="nt-address">{i18n.t(Key::Address)}</label>
                <input
                    id="nt-address"
                    autocomplete="off"
                    prop:value=move || address.get()
                    on:input=move |ev| address.set(event_target_value(&ev))
                />
                <fieldset>
                    <legend>{i18n.t(Key::FactsByHand)}</legend>
                    {flag_select(Key::FactSafety, flags[0], "safety_hazard")}
                    {flag_select(Key::FactImportant, flags[1], "important_customer")}
                    {flag_select(Key::FactDamage, flags[2], "equipment_damage")}
                    <label>
                        {i18n.t(Key::FactHouseholds)}
                        <input
                            name="households"
                            inputmode="numeric"
                            prop:value=move || households.get()
                            on:input=move |ev| households.set(event_target_value(&ev))
                        />
                    </label>
                    <label>
                        {i18n.t(Key::FactHours)}
                        <input
                            name="hours"
                            inputmode="decimal"
                            prop:value=move || hours.get()
                            on:input=move |ev| hours.set(event_target_value(&ev))
                        />
                    </label>
                    <label>
                        {i18n.t(Term::AreaLabel)}
                        <select
                            name="area"
                            on:change=move |ev| {
                                area.set(event_target_value(&ev).parse().unwrap_or(0))
                            }
                        >
                            {AREAS
                                .iter()
                                .enumerate()
                                .map(|(i, (_, k))| {
                                    view! {
                                        <option
                                            value=i.to_string()
                                            selected=move || area.get() == i
                                        >
                                            {i18n.t(*k)}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                </fieldset>
                <fieldset>
                    <legend>{i18n.t(Key::Correct)}</legend>
                    <label>
                        {i18n.t(Term::Kind)}
                        <select name="kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                            <option value="">{i18n.t(Key::ByRule)}</option>
                            {KIND_CODES
                                .iter()
                                .map(|code| {
                                    let names = engine
                                        .table()
                                        .kind(code)
                                        .map(|k| (k.zh.clone(), k.en.clone()))
                                        .unwrap_or_default();
                                    view! {
                                        <option value=*code selected=move || kind.get() == *code>
                                            {move || {
                                                i18n.lang.get().pick(&names.0, &names.1).to_string()
                                            }}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        {i18n.t(Term::Subcategory)}
                        <select
                            name="subcategory"
                            on:change=move |ev| subcategory.set(event_target_value(&ev))
                        >
                            <option value="">{i18n.t(Key::ByRule)}</option>
                            {SUBCATEGORY_CODES
                                .iter()
                                .map(|code| {
                                    let names = engine
                                        .table()
                                        .subcategory(code)
                                        .map(|(_, s)| (s.zh.clone(), s.en.clone()))
                                        .unwrap_or_default();
                                    view! {
                                        <option
                                            value=*code
                                            selected=move || subcategory.get() == *code
                                        >
                                            {move || {
                                                i18n.lang.get().pick(&names.0, &names.1).to_string()
                                            }}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        {i18n.t(Term::Grade)}
                        <select name="grade" on:change=move |ev| grade.set(event_target_value(&ev))>
                            <option value="">{i18n.t(Key::ByRule)}</option>
                            <option value="1" selected=move || grade.get() == "1">
                                {i18n.t(Term::GradeN1)}
                            </option>
                            <option value="2" selected=move || grade.get() == "2">
                                {i18n.t(Term::GradeN2)}
                            </option>
                            <option value="3" selected=move || grade.get() == "3">
                                {i18n.t(Term::GradeN3)}
                            </option>
                        </select>
                    </label>
                    <Show when=corrected>
                        <label for="nt-reason">{i18n.t(Key::OverrideReason)}</label>
                        <textarea
                            id="nt-reason"
                            name="reason"
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))
                        ></textarea>
                    </Show>
                    {error_for("reason")}
                </fieldset>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || busy.get()>
                        {i18n.t(Key::CreateTicket)}
                    </button>
                    {move || {
                        failed()
                            .map(|e| {
                                view! {
                                    <p class="error" role="alert">
                                        {i18n.t(Key::SaveFailed)}
                                        " "
                                        {e.message(i18n.lang.get())}
                                    </p>
                                }
                            })
                    }}
                </div>
            </form>
            <aside class="live-classification" aria-live="polite">
                <EarlierComplaints earlier=Signal::from(earlier) new_tab=true />
                {move || {
                    live.get()
                        .map(|c| {
                            let flags = CareFlags {
                                repeat_complainant: c.facts.repeat_complainant == Some(true),
                                special_group: c.facts.special_group == Some(true),
                            };
                            view! {
                                <p class="care-flags" data-testid="intake-care">
                                    <CareBadges flags=flags />
                                </p>
                                <ClassificationView c=c />
                            }
                        })
                }}
            </aside>
        </div>
    }
}
