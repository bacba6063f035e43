//! One ticket for the crew: facts, classification and why, every clock with
//! its deadline and clause, the timeline, conflicts, and the lifecycle actions.
//! Each action is saved before the page shows it.

use super::crew::status_key;
use super::data::use_data;
use super::engine::use_engine;
use super::kiosk::event_key;
use super::rules_page::TableHead;
use super::use_i18n;
use crate::domain::clock::{clocks, ClockState};
use crate::domain::event::{CauseClass, Event, EventBody};
use crate::domain::labels::clock_state_key;
use crate::domain::ticket::{clock_events, Status, TicketState};
use crate::domain::time::china;
use crate::i18n::Key;
use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::collections::HashMap;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Respond,
    Records,
    Dispatch,
    Arrive,
    Pending,
    Resume,
    Note,
    Progress,
    Apology,
    Resolve,
    Feedback,
    Confirm,
    Revisit,
    Reopen,
    Reassign,
    Close,
    Void,
    /// The crew will be late: the customer is told the new time (000 §一2).
    Delay,
}

#[derive(Clone, Copy)]
enum FieldKind {
    /// Date and time, in China time.
    DateTime,
    Line,
    Area,
    Choice(&'static [Key]),
    Percent,
    Check,
}

struct Field {
    name: &'static str,
    label: Key,
    kind: FieldKind,
}

const CAUSES: &[Key] = &[
    Key::CauseEquipment,
    Key::CauseInternal,
    Key::CauseExternal,
    Key::CauseMisunderstanding,
];
const CHANNELS: &[Key] = &[Key::ChannelPhone, Key::ChannelSms, Key::ChannelVisit];

impl Action {
    const ALL: [Action; 18] = [
        Action::Respond,
        Action::Records,
        Action::Dispatch,
        Action::Delay,
        Action::Arrive,
        Action::Pending,
        Action::Resume,
        Action::Note,
        Action::Progress,
        Action::Apology,
        Action::Resolve,
        Action::Feedback,
        Action::Confirm,
        Action::Revisit,
        Action::Reopen,
        Action::Reassign,
        Action::Close,
        Action::Void,
    ];

    fn label(self) -> Key {
        match self {
            Action::Respond => Key::ActionRespond,
            Action::Records => Key::ActionRecords,
            Action::Dispatch => Key::ActionDispatch,
            Action::Arrive => Key::ActionArrive,
            Action::Pending => Key::ActionPending,
            Action::Resume => Key::ActionResume,
            Action::Note => Key::ActionNote,
            Action::Progress => Key::ActionProgress,
            Action::Apology => Key::ActionApology,
            Action::Resolve => Key::ActionResolve,
            Action::Feedback => Key::ActionFeedback,
            Action::Confirm => Key::ActionConfirm,
            Action::Revisit => Key::ActionRevisit,
            Action::Reopen => Key::ActionReopen,
            Action::Reassign => Key::ActionReassign,
            Action::Close => Key::ActionClose,
            Action::Void => Key::ActionVoid,
            Action::Delay => Key::ActionDelay,
        }
    }

    fn fields(self) -> &'static [Field] {
        use FieldKind::*;
        match self {
            Action::Dispatch => &[Field {
                name: "team",
                label: Key::FieldTeam,
                kind: Line,
            }],
            Action::Pending | Action::Reopen | Action::Void => &[Field {
                name: "reason",
                label: Key::FieldReason,
                kind: Area,
            }],
            Action::Note | Action::Progress => &[Field {
                name: "text",
                label: Key::FieldText,
                kind: Area,
            }],
            Action::Resolve => &[
                Field {
                    name: "cause_class",
                    label: Key::FieldCauseClass,
                    kind: Choice(CAUSES),
                },
                Field {
                    name: "cause",
                    label: Key::FieldCause,
                    kind: Area,
                },
                Field {
                    name: "solution",
                    label: Key::FieldSolution,
                    kind: Area,
                },
                Field {
                    name: "improvement",
                    label: Key::FieldImprovement,
                    kind: Area,
                },
            ],
            Action::Feedback => &[
                Field {
                    name: "channel",
                    label: Key::FieldChannel,
                    kind: Choice(CHANNELS),
                },
                Field {
                    name: "confirmed",
                    label: Key::FieldConfirmed,
                    kind: Check,
                },
            ],
            Action::Delay => &[
                Field {
                    name: "new_arrival",
                    label: Key::FieldNewArrival,
                    kind: DateTime,
                },
                Field {
                    name: "channel",
                    label: Key::FieldChannel,
                    kind: Choice(CHANNELS),
                },
            ],
            Action::Confirm => &[Field {
                name: "satisfaction",
                label: Key::FieldSatisfaction,
                kind: Percent,
            }],
            Action::Revisit => &[
                Field {
                    name: "satisfaction",
                    label: Key::FieldSatisfaction,
                    kind: Percent,
                },
                Field {
                    name: "by_supervisor",
                    label: Key::FieldBySupervisor,
                    kind: Check,
                },
            ],
            Action::Reassign => &[
                Field {
                    name: "team",
                    label: Key::FieldTeam,
                    kind: Line,
                },
                Field {
                    name: "reason",
                    label: Key::FieldReason,
                    kind: Area,
                },
            ],
            _ => &[],
        }
    }

    /// Whether the action makes sense in this state of the lifecycle.
    fn available(self, status: Status) -> bool {
        use Status as S;
        let open = !matches!(status, S::Closed | S::Voided);
        let before_resolution = open && status < S::Resolved || status == S::PendingCustomer;
        match self {
            Action::Respond => status == S::Received,
            Action::Records
            | Action::Note
            | Action::Progress
            | Action::Apology
            | Action::Reassign
            | Action::Void => open,
            Action::Dispatch | Action::Arrive => before_resolution && status != S::PendingCustomer,
            Action::Delay => matches!(status, S::Received | S::Responded | S::Dispatched),
            Action::Pending => before_resolution && status != S::PendingCustomer,
            Action::Resume => status == S::PendingCustomer,
            Action::Resolve => before_resolution && status != S::PendingCustomer,
            Action::Feedback => status == S::Resolved,
            Action::Confirm => status == S::FeedbackGiven,
            Action::Revisit => open && status >= S::Resolved,
            Action::Reopen => status >= S::Resolved && status != S::Voided,
            Action::Close => matches!(status, S::FeedbackGiven | S::Confirmed),
        }
    }

    /// The event, or the fields that need fixing and why.
    fn build(
        self,
        values: &HashMap<&'static str, String>,
    ) -> Result<EventBody, Vec<(&'static str, Key)>> {
        let mut problems = Vec::new();
        let mut text = |name: &'static str| {
            let value = values
                .get(name)
                .map(|v| v.trim().to_string())
                .unwrap_or_default();
            if value.is_empty() {
                problems.push((name, Key::Required));
            }
            value
        };
        let choice = |name: &str| {
            values
                .get(name)
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0)
        };
        let check = |name: &str| values.get(name).is_some_and(|v| v == "true");
        let body = match self {
            Action::Respond => EventBody::Responded { note: None },
            Action::Records => EventBody::RecordsPulled,
            Action::Dispatch => EventBody::Dispatched { team: text("team") },
            Action::Arrive => EventBody::Arrived { note: None },
            Action::Pending => EventBody::PendingCustomer {
                reason: text("reason"),
            },
            Action::Resume => EventBody::Resumed,
            Action::Note => EventBody::Note { text: text("text") },
            Action::Progress => EventBody::ProgressReported { text: text("text") },
            Action::Apology => EventBody::ApologyMade,
            Action::Resolve => EventBody::Resolved {
                cause_class: [
                    CauseClass::EquipmentTechnical,
                    CauseClass::InternalManagement,
                    CauseClass::ExternalEnvironment,
                    CauseClass::CustomerMisunderstanding,
                ][choice("cause_class").min(3)],
                cause: text("cause"),
                solution: text("solution"),
                improvement: text("improvement"),
            },
            Action::Feedback => EventBody::FeedbackGiven {
                channel: ["电话", "短信", "上门"][choice("channel").min(2)].to_string(),
                confirmed: check("confirmed"),
            },
            Action::Confirm | Action::Revisit => {
                let raw = values
                    .get("satisfaction")
                    .map(|v| v.trim())
                    .unwrap_or_default();
                let satisfaction = match raw.parse::<u8>() {
                    Ok(s) if s <= 100 => s,
                    _ => {
                        problems.push((
                            "satisfaction",
                            if raw.is_empty() {
                                Key::Required
                            } else {
                                Key::NotANumber
                            },
                        ));
                        0
                    }
                };
                if self == Action::Confirm {
                    EventBody::Confirmed { satisfaction }
                } else {
                    EventBody::Revisited {
                        satisfaction,
                        by_supervisor: check("by_supervisor"),
                        note: None,
                    }
                }
            }
            Action::Reopen => EventBody::Reopened {
                reason: text("reason"),
            },
            Action::Reassign => EventBody::Reassigned {
                team: text("team"),
                reason: text("reason"),
            },
            Action::Close => EventBody::Closed,
            Action::Void => EventBody::Voided {
                reason: text("reason"),
            },
            Action::Delay => {
                let raw = values
                    .get("new_arrival")
                    .map(|v| v.trim())
                    .unwrap_or_default();
                let when = chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
                    .ok()
                    .and_then(|t| chrono::TimeZone::from_local_datetime(&china(), &t).single())
                    .map(|t| t.with_timezone(&chrono::Utc));
                // A new arrival time must lie ahead: a delay told afterwards is no notice.
                let new_arrival = match when {
                    Some(t) if t > chrono::Utc::now() => t,
                    Some(_) => {
                        problems.push(("new_arrival", Key::TimeInPast));
                        chrono::Utc::now()
                    }
                    None => {
                        problems.push(("new_arrival", Key::Required));
                        chrono::Utc::now()
                    }
                };
                EventBody::DelayNotified {
                    new_arrival,
                    channel: ["电话", "短信", "上门"][choice("channel").min(2)].to_string(),
                }
            }
        };
        if problems.is_empty() {
            Ok(body)
        } else {
            Err(problems)
        }
    }
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let ticket = Memo::new(move |_| data.tickets.with(|all| all.get(&id()).cloned()));
    let events = Memo::new(move |_| data.events_of(&id()));
    view! {
        <p><A href="/crew">{i18n.t(Key::BackToQueue)}</A></p>
        {move || match ticket.get() {
            None if data.loaded() => view! { <p>{i18n.t(Key::NotFound)}</p> }.into_any(),
            None => view! { <p role="status">{i18n.t(Key::LoadingData)}</p> }.into_any(),
            Some(t) => view! { <TicketView t=t events=events/> }.into_any(),
        }}
    }
}

#[component]
fn TicketView(t: TicketState, events: Memo<Vec<Event>>) -> impl IntoView {
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
    let why: Vec<(String, String)> = engine
        .classifier
        .classify(&t.text, &t.facts)
        .rules
        .into_iter()
        .map(|r| (r.id, r.source))
        .collect();
    let facts = serde_json::to_string(&t.facts).unwrap_or_default();
    let status = t.status;
    let conflicts = t.conflicts.clone();
    view! {
        <h1>{i18n.t(Key::TicketPage)} " " <code data-testid="ticket-number">{t.number.clone()}</code></h1>
        <p class="lede">
            <span data-testid="ticket-status">{i18n.t(status_key(status))}</span>
            {c.as_ref().and_then(|c| c.grade).map(|g| view! { " " <span class=format!("badge grade-{g}")>{g}</span> })}
            " · " {move || i18n.lang.get().pick(&kind.0, &kind.1).to_string()}
            " / " {move || i18n.lang.get().pick(&sub.0, &sub.1).to_string()}
            {c.as_ref().filter(|c| c.overridden).map(|_| view! { " · " {i18n.t(Key::Overridden)} })}
        </p>
        <p class="ticket-text">{t.text.clone()}</p>
        <dl class="classification">
            <dt>{i18n.t(Key::Received)}</dt>
            <dd>{t.received.with_timezone(&china()).format("%Y-%m-%d %H:%M").to_string()}</dd>
            <dt>{i18n.t(Key::ContactPhone)}</dt>
            <dd>{t.contact.phone.clone().unwrap_or_default()}</dd>
            <dt>{i18n.t(Key::Facts)}</dt>
            <dd><code>{facts}</code></dd>
            <dt>{i18n.t(Key::Classification)}</dt>
            <dd>{why.into_iter().map(|(id, source)| view! { <code>{id}</code> " (" {source} ") " }).collect_view()}</dd>
            <dt>{i18n.t(Key::RuleVersionUsed)}</dt>
            <dd data-testid="decided-by">{c.as_ref().and_then(|c| c.rule_table_version.clone()).unwrap_or_else(|| i18n.t(Key::Overridden)().to_string())}</dd>
        </dl>
        {(!conflicts.is_empty()).then(|| view! {
            <section class="warning" role="alert" data-testid="conflict-notice">
                <p>{i18n.t(Key::ConflictNotice)} " " {conflicts.iter().map(|c| c.aspect.clone()).collect::<Vec<_>>().join(", ")}</p>
                <ConflictChoices ticket=t.id.clone() conflicts=conflicts.clone() events=events/>
            </section>
        })}
        <Actions ticket=t.id.clone() status=status/>
        <Photos ticket=t.id.clone() open=t.is_open() events=events/>
        <super::ticket_extras::ReplyTemplates t=t.clone() events=events/>
        <super::ticket_extras::Signatures ticket=t.id.clone() open=t.is_open() events=events/>
        {super::ticket_extras::calculator_link(&t)}
        <Clocks t=t.clone() events=events/>
        <Timeline events=events/>
    }
}

/// The clocks that apply to a ticket now.
pub(super) fn ticket_clocks(
    t: &TicketState,
    events: &[Event],
    engine: &super::engine::Engine,
) -> Vec<crate::domain::clock::ClockStatus> {
    let refs: Vec<&Event> = events.iter().collect();
    let timed = clock_events(&refs);
    clocks(
        engine.table(),
        &engine.calendar,
        &t.clock_input(&timed),
        Utc::now(),
    )
    .into_iter()
    .filter(|c| c.state != ClockState::NotApplicable)
    .collect()
}

#[component]
fn Clocks(t: TicketState, events: Memo<Vec<Event>>) -> impl IntoView {
    let i18n = use_i18n();
    let engine = use_engine();
    // Deadlines move into "due soon" and "overdue" as time passes, not only on saves.
    let tick = RwSignal::new(0u32);
    if let Ok(handle) =
        set_interval_with_handle(move || tick.update(|n| *n += 1), Duration::from_secs(15))
    {
        on_cleanup(move || handle.clear());
    }
    let rows = Memo::new(move |_| {
        tick.track();
        events.with(|events| ticket_clocks(&t, events, &engine))
    });
    view! {
        <section>
            <h2>{i18n.t(Key::Clocks)}</h2>
            <table data-testid="clocks">
                <TableHead keys=vec![Key::Rule, Key::ClockState, Key::Due, Key::Source]/>
                <tbody>
                    {move || rows.get().into_iter().map(|c| {
                        let names = (c.zh.clone(), c.en.clone());
                        let due = c.due.map(|d| d.with_timezone(&china()).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default();
                        view! {
                            <tr data-clock=c.id.clone() data-state=format!("{:?}", c.state)>
                                <td>{move || i18n.lang.get().pick(&names.0, &names.1).to_string()}</td>
                                <td>{i18n.t(clock_state_key(c.state))}</td>
                                <td>{due}</td>
                                <td>{c.source.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn Timeline(events: Memo<Vec<Event>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section>
            <h2>{i18n.t(Key::Timeline)}</h2>
            <ol class="timeline" data-testid="timeline">
                {move || events.get().into_iter().map(|e| view! {
                    <li data-type=e.body.type_name()>
                        <time>{e.at.with_timezone(&china()).format("%m-%d %H:%M").to_string()}</time> " "
                        <strong>{i18n.t(event_key(&e.body))}</strong> " · " {e.author.clone()}
                        {let texts = e.body.texts().join(" / "); (!texts.is_empty()).then(|| view! { <br/><span class="text">{texts}</span> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn Actions(ticket: String, status: Status) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let chosen = RwSignal::new(None::<Action>);
    let values = RwSignal::new(HashMap::<&'static str, String>::new());
    let problems = RwSignal::new(Vec::<(&'static str, Key)>::new());
    let busy = RwSignal::new(false);
    let available: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|a| a.available(status))
        .collect();
    let ticket = StoredValue::new(ticket);

    let save = move || {
        let Some(action) = chosen.get_untracked() else {
            return;
        };
        match action.build(&values.get_untracked()) {
            Err(found) => problems.set(found),
            Ok(body) => {
                problems.set(Vec::new());
                busy.set(true);
                leptos::task::spawn_local(async move {
                    let author = data.author();
                    if data
                        .record(&ticket.get_value(), &author, body)
                        .await
                        .is_ok()
                    {
                        chosen.set(None);
                        values.set(HashMap::new());
                    }
                    busy.set(false);
                });
            }
        }
    };
    let choose = move |action: Action| {
        problems.set(Vec::new());
        values.set(HashMap::new());
        if action.fields().is_empty() {
            chosen.set(Some(action));
            save();
        } else {
            chosen.set(Some(action));
        }
    };
    view! {
        <section class="actions-panel" aria-labelledby="actions-heading">
            <h2 id="actions-heading">{i18n.t(Key::Actions)}</h2>
            <div class="action-buttons">
                {available.into_iter().map(|action| view! {
                    <button type="button" data-action=format!("{action:?}") aria-pressed=move || (chosen.get() == Some(action)).to_string()
                        disabled=move || busy.get() on:click=move |_| choose(action)>
                        {i18n.t(action.label())}
                    </button>
                }).collect_view()}
            </div>
            {move || chosen.get().filter(|a| !a.fields().is_empty()).map(|action| view! {
                <form class="action-form" data-testid="action-form" on:submit=move |ev| { ev.prevent_default(); save() } novalidate>
                    <h3>{i18n.t(action.label())}</h3>
                    {action.fields().iter().map(|f| {
                        let name = f.name;
                        let id = format!("field-{name}");
                        let error = move || problems.get().into_iter().find(|(n, _)| *n == name).map(|(_, k)| k);
                        let set = move |value: String| values.update(|v| { v.insert(name, value); });
                        let input = match f.kind {
                            FieldKind::Line => view! { <input id=id.clone() name=name on:input=move |ev| set(event_target_value(&ev))/> }.into_any(),
                            FieldKind::DateTime => view! { <input id=id.clone() name=name type="datetime-local" on:input=move |ev| set(event_target_value(&ev))/> }.into_any(),
                            FieldKind::Percent => view! { <input id=id.clone() name=name inputmode="numeric" on:input=move |ev| set(event_target_value(&ev))/> }.into_any(),
                            FieldKind::Area => view! { <textarea id=id.clone() name=name on:input=move |ev| set(event_target_value(&ev))></textarea> }.into_any(),
                            FieldKind::Check => view! { <input id=id.clone() name=name type="checkbox" on:change=move |ev| set(event_target_checked(&ev).to_string())/> }.into_any(),
                            FieldKind::Choice(options) => view! {
                                <select id=id.clone() name=name on:change=move |ev| set(event_target_value(&ev))>
                                    {options.iter().enumerate().map(|(i, k)| view! { <option value=i.to_string()>{i18n.t(*k)}</option> }).collect_view()}
                                </select>
                            }.into_any(),
                        };
                        view! {
                            <div class="field" class:invalid=move || error().is_some()>
                                <label for=id.clone()>{i18n.t(f.label)}</label>
                                {input}
                                {move || error().map(|k| view! { <p class="error" role="alert" data-error-for=name>{i18n.t(k)}</p> })}
                            </div>
                        }
                    }).collect_view()}
                    <div class="actions">
                        <button type="button" on:click=move |_| chosen.set(None)>{i18n.t(Key::Cancel)}</button>
                        <button type="submit" class="primary" disabled=move || busy.get()>{i18n.t(Key::Record)}</button>
                    </div>
                </form>
            })}
        </section>
    }
}

/// Both (or all) values of each conflict, and a way to keep one: recording it
/// again as a new event that knew every side settles the conflict everywhere
/// the event travels.
#[component]
fn ConflictChoices(
    ticket: String,
    conflicts: Vec<crate::domain::ticket::Conflict>,
    events: Memo<Vec<Event>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let ticket = StoredValue::new(ticket);
    let settle = move |body: EventBody| {
        leptos::task::spawn_local(async move {
            let _ = data.record(&ticket.get_value(), &data.author(), body).await;
        });
    };
    let choices: Vec<Event> = events.with_untracked(|all| {
        conflicts
            .iter()
            .flat_map(|c| c.events.iter())
            .filter_map(|id| all.iter().find(|e| &e.id == id).cloned())
            .collect()
    });
    view! {
        <ul class="conflict-choices">
            {choices.into_iter().map(|e| {
                let summary = match &e.body {
                    EventBody::Resolved { cause, solution, improvement, .. } => format!("{cause} / {solution} / {improvement}"),
                    EventBody::Classified { kind, subcategory, grade, .. } | EventBody::Reclassified { kind, subcategory, grade, .. } => {
                        format!("{kind} / {} / {}", subcategory.clone().unwrap_or_default(), grade.map(|g| g.to_string()).unwrap_or_default())
                    }
                    EventBody::Confirmed { satisfaction } => format!("{satisfaction}"),
                    other => other.type_name().to_string(),
                };
                let settled = match &e.body {
                    EventBody::Classified { kind, category, subcategory, grade, .. } => EventBody::Reclassified {
                        kind: kind.clone(),
                        category: category.clone(),
                        subcategory: subcategory.clone(),
                        grade: *grade,
                        reason: "解决同步冲突 / conflict settled".into(),
                    },
                    EventBody::Reclassified { kind, category, subcategory, grade, .. } => EventBody::Reclassified {
                        kind: kind.clone(),
                        category: category.clone(),
                        subcategory: subcategory.clone(),
                        grade: *grade,
                        reason: "解决同步冲突 / conflict settled".into(),
                    },
                    other => other.clone(),
                };
                view! {
                    <li data-conflict-event=e.id.clone()>
                        <span>{i18n.t(event_key(&e.body))} ": " {summary}</span>
                        " · " {i18n.t(Key::FromDevice)} " " <code>{e.device.clone()}</code> " "
                        <button type="button" on:click=move |_| settle(settled.clone())>{i18n.t(Key::SettleConflict)}</button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The ticket's photos, and taking a new one (camera or file, downscaled here).
#[component]
fn Photos(ticket: String, open: bool, events: Memo<Vec<Event>>) -> impl IntoView {
    use wasm_bindgen::JsCast;
    let i18n = use_i18n();
    let data = use_data();
    let urls = RwSignal::new(Vec::<(String, String)>::new());
    let failed = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        let hashes: Vec<String> = events.with(|all| {
            all.iter()
                .filter_map(|e| match &e.body {
                    EventBody::PhotoAttached { hash, .. } => Some(hash.clone()),
                    _ => None,
                })
                .collect()
        });
        leptos::task::spawn_local(async move {
            let mut loaded = Vec::new();
            for hash in hashes {
                if let Some(url) = data.photo_url(hash.clone()).await {
                    loaded.push((hash, url));
                }
            }
            urls.set(loaded);
        });
    });
    let ticket = StoredValue::new(ticket);
    let choose = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = ev.target().expect("an input").unchecked_into();
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        busy.set(true);
        leptos::task::spawn_local(async move {
            match crate::web::photos::downscale(&file).await {
                Ok(jpeg) => {
                    failed.set(
                        data.attach_photo(&ticket.get_value(), jpeg)
                            .await
                            .err()
                            .map(|e| e.to_string()),
                    );
                }
                Err(e) => failed.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section>
            <h2>{i18n.t(Key::Photos)}</h2>
            {open.then(|| view! {
                <label class="button file-button">
                    {i18n.t(Key::AddPhoto)}
                    <input type="file" accept="image/*" capture="environment" data-testid="photo-input" on:change=choose disabled=move || busy.get()/>
                </label>
            })}
            {move || failed.get().map(|why| view! { <p class="error" role="alert">{i18n.t(Key::PhotoFailed)} " " {why}</p> })}
            <div class="photos" data-testid="photos">
                {move || urls.get().into_iter().map(|(hash, url)| view! { <img src=url alt=i18n.t(Key::Photos) data-hash=hash/> }).collect_view()}
            </div>
        </section>
    }
}
