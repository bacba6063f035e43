//! The lifecycle's actions on a ticket: the buttons the ticket's status
//! allows (as [`crate::domain::lifecycle`] decides), the fields each action
//! asks for, and the event it records. Each is saved before the page shows it.

use crate::domain::event::{CauseClass, ContactMethod, EventBody};
use crate::domain::labels::{cause_key, contact_method_key};
use crate::domain::lifecycle::{available, next_step, skipped, Action};
use crate::domain::ticket::Status;
use crate::domain::time::china;
use crate::i18n::{Key, Label, Term};
use crate::ui::state::{use_data, use_i18n};
use leptos::prelude::*;
use std::collections::HashMap;

#[derive(Clone, Copy)]
enum FieldKind {
    /// Date and time, in China time.
    DateTime,
    Line,
    Area,
    /// One of the root-cause classes (003 §三(二)).
    Cause,
    /// How the customer was told.
    Method,
    Percent,
    Check,
}

struct Field {
    name: &'static str,
    label: Label,
    kind: FieldKind,
}

pub fn label(action: Action) -> Key {
    match action {
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

fn fields(action: Action) -> &'static [Field] {
    use FieldKind::*;
    match action {
        Action::Dispatch => &[Field {
            name: "team",
            label: Label::Domain(Term::FieldTeam),
            kind: Line,
        }],
        Action::Pending | Action::Reopen | Action::Void => &[Field {
            name: "reason",
            label: Label::Screen(Key::FieldReason),
            kind: Area,
        }],
        Action::Note | Action::Progress => &[Field {
            name: "text",
            label: Label::Screen(Key::FieldText),
            kind: Area,
        }],
        Action::Resolve => &[
            Field {
                name: "cause_class",
                label: Label::Domain(Term::FieldCauseClass),
                kind: Cause,
            },
            Field {
                name: "cause",
                label: Label::Screen(Key::FieldCause),
                kind: Area,
            },
            Field {
                name: "solution",
                label: Label::Screen(Key::FieldSolution),
                kind: Area,
            },
            Field {
                name: "improvement",
                label: Label::Screen(Key::FieldImprovement),
                kind: Area,
            },
        ],
        Action::Feedback => &[
            Field {
                name: "channel",
                label: Label::Screen(Key::FieldChannel),
                kind: Method,
            },
            Field {
                name: "confirmed",
                label: Label::Screen(Key::FieldConfirmed),
                kind: Check,
            },
        ],
        Action::Delay => &[
            Field {
                name: "new_arrival",
                label: Label::Screen(Key::FieldNewArrival),
                kind: DateTime,
            },
            Field {
                name: "channel",
                label: Label::Screen(Key::FieldChannel),
                kind: Method,
            },
        ],
        Action::Confirm => &[Field {
            name: "satisfaction",
            label: Label::Screen(Key::FieldSatisfaction),
            kind: Percent,
        }],
        Action::Revisit => &[
            Field {
                name: "satisfaction",
                label: Label::Screen(Key::FieldSatisfaction),
                kind: Percent,
            },
            Field {
                name: "by_supervisor",
                label: Label::Screen(Key::FieldBySupervisor),
                kind: Check,
            },
        ],
        Action::Reassign => &[
            Field {
                name: "team",
                label: Label::Domain(Term::FieldTeam),
                kind: Line,
            },
            Field {
                name: "reason",
                label: Label::Screen(Key::FieldReason),
                kind: Area,
            },
        ],
        _ => &[],
    }
}

/// The event, or the fields that need fixing and why.
fn build(
    action: Action,
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
    let method = || ContactMethod::ALL[choice("channel").min(ContactMethod::ALL.len() - 1)];
    let body = match action {
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
            channel: method(),
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
            if action == Action::Confirm {
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
                channel: method(),
            }
        }
    };
    if problems.is_empty() {
        Ok(body)
    } else {
        Err(problems)
    }
}

/// A drop-down of translated options whose values are their positions.
fn choice(
    id: String,
    name: &'static str,
    options: Vec<Term>,
    value: Option<String>,
    set: impl Fn(String) + Copy + 'static,
) -> AnyView {
    let i18n = use_i18n();
    view! {
        <select id=id name=name on:change=move |ev| set(event_target_value(&ev))>
            {options
                .into_iter()
                .enumerate()
                .map(|(i, k)| {
                    let selected = value.as_deref() == Some(i.to_string().as_str());
                    view! {
                        <option value=i.to_string() selected=selected>
                            {i18n.t(k)}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
    .into_any()
}

/// What a chosen action fills in before the person types: the dispatch
/// goes to this crew's own team.
fn prefilled(action: Action, my_team: Option<String>) -> HashMap<&'static str, String> {
    let mut values = HashMap::new();
    if let (Action::Dispatch, Some(team)) = (action, my_team) {
        values.insert("team", team);
    }
    values
}

/// The steps an action leaps over, in words, for the reason it asks for.
fn skipped_in_words(steps: &[Action], lang: crate::i18n::Lang) -> String {
    steps
        .iter()
        .map(|s| label(*s).text(lang))
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}

/// The note recorded before an action that leaps over steps: which, and why.
fn skip_note(steps: &[Action], reason: &str) -> EventBody {
    use crate::i18n::Lang;
    EventBody::Note {
        text: format!(
            "{}{}：{reason}",
            Key::SkippedStepsNote.text(Lang::Zh),
            skipped_in_words(steps, Lang::Zh),
        ),
    }
}

/// The action panel's state, kept by the ticket's page rather than the
/// panel: the panel is drawn again whenever the ticket changes (an action
/// saved here, an event arriving by sync), and what is being typed into an
/// action's form must outlast that, as must the word that the last action
/// was recorded. Held in memory only; another ticket starts afresh.
#[derive(Clone, Copy)]
pub struct ActionDraft {
    /// The action whose form is open.
    chosen: RwSignal<Option<Action>>,
    /// What its fields hold, by field name.
    values: RwSignal<HashMap<&'static str, String>>,
    problems: RwSignal<Vec<(&'static str, Key)>>,
    /// The last action saved, said beside the buttons that recorded it.
    recorded: RwSignal<Option<Action>>,
    /// Set by a save, taken by the panel drawn next: it brings the keyboard
    /// and the view to the feedback, not somewhere unrelated.
    just_now: StoredValue<bool>,
}

impl ActionDraft {
    pub fn new() -> ActionDraft {
        ActionDraft {
            chosen: RwSignal::new(None),
            values: RwSignal::new(HashMap::new()),
            problems: RwSignal::new(Vec::new()),
            recorded: RwSignal::new(None),
            just_now: StoredValue::new(false),
        }
    }

    /// Another ticket opened from this page starts with nothing.
    pub fn forget(self) {
        self.chosen.set(None);
        self.values.set(HashMap::new());
        self.problems.set(Vec::new());
        self.set_recorded(None);
    }

    fn set_recorded(self, action: Option<Action>) {
        self.just_now.set_value(action.is_some());
        self.recorded.set(action);
    }
}

#[component]
pub fn Actions(
    ticket: String,
    status: Status,
    site_visit: bool,
    draft: ActionDraft,
) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let ActionDraft {
        chosen,
        values,
        problems,
        ..
    } = draft;
    // A form left open stays open unless the ticket moved on under it (an
    // action from another device): then it closes, as the buttons change.
    if chosen
        .get_untracked()
        .is_some_and(|a| !a.allowed_in(status))
    {
        chosen.set(None);
        values.set(HashMap::new());
        problems.set(Vec::new());
    }
    if draft.just_now.get_value() {
        draft.just_now.set_value(false);
        queue_microtask(|| crate::web::focus::focus_by_id("action-done"));
    }
    let available: Vec<Action> = available(status).collect();
    let next = next_step(status, site_visit);
    let leaps = move |action: Action| skipped(status, action, site_visit);
    let ticket = StoredValue::new(ticket);
    // One save at a time; a failed one keeps the form and says why. A
    // reason for leaping over steps is saved with the action, as a note
    // before it, in one transaction: both or neither.
    let record = leptos::prelude::Action::new_local(
        move |(action, note, body): &(Action, Option<EventBody>, EventBody)| {
            let (action, note, body) = (*action, note.clone(), body.clone());
            async move {
                let ticket = ticket.get_value();
                let items = note
                    .into_iter()
                    .chain([body])
                    .map(|b| (ticket.clone(), b))
                    .collect();
                let saved = data.record_all(&data.author(), items).await;
                if saved.is_ok() {
                    chosen.set(None);
                    values.set(HashMap::new());
                    draft.set_recorded(Some(action));
                }
                saved
            }
        },
    );
    let busy = record.pending();
    let failed = move || record.value().get().and_then(Result::err);
    let save = move || {
        let Some(action) = chosen.get_untracked() else {
            return;
        };
        let values = values.get_untracked();
        let steps = leaps(action);
        let reason = values
            .get("skip_reason")
            .map(|r| r.trim().to_string())
            .unwrap_or_default();
        let built = build(action, &values);
        let mut found = built.as_ref().err().cloned().unwrap_or_default();
        if !steps.is_empty() && reason.is_empty() {
            found.insert(0, ("skip_reason", Key::SkipReasonRequired));
        }
        match built {
            Ok(body) if found.is_empty() => {
                problems.set(Vec::new());
                let note = (!steps.is_empty()).then(|| skip_note(&steps, &reason));
                record.dispatch_local((action, note, body));
            }
            _ => problems.set(found),
        }
    };
    let my_team = move || {
        data.device
            .with_untracked(|d| {
                d.as_ref()
                    .and_then(|d| d.crew.as_ref())
                    .map(|c| c.team.clone())
            })
            .filter(|t| !t.trim().is_empty())
    };
    let choose = move |action: Action| {
        problems.set(Vec::new());
        draft.set_recorded(None);
        values.set(prefilled(action, my_team()));
        chosen.set(Some(action));
        if fields(action).is_empty() && leaps(action).is_empty() {
            save();
        }
    };
    view! {
        <section class="actions-panel" aria-labelledby="actions-heading">
            <h2 id="actions-heading">{i18n.t(Key::Actions)}</h2>
            <div class="action-buttons">
                {available
                    .into_iter()
                    .map(|action| {
                        view! {
                            <button
                                type="button"
                                // The step that moves the ticket on stands out; the rest are quieter.
                                class=if Some(action) == next { "primary" } else { "quiet" }
                                data-action=format!("{action:?}")
                                data-next=(Some(action) == next).then_some("true")
                                aria-pressed=move || (chosen.get() == Some(action)).to_string()
                                disabled=move || busy.get()
                                on:click=move |_| choose(action)
                            >
                                {i18n.t(label(action))}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <p
                class="action-done"
                id="action-done"
                tabindex="-1"
                role="status"
                data-testid="action-done"
            >
                {move || {
                    draft
                        .recorded
                        .get()
                        .map(|action| {
                            view! {
                                {i18n.t(Key::ActionRecorded)}
                                {i18n.t(label(action))}
                            }
                        })
                }}
            </p>
            {move || {
                failed()
                    .map(|e| {
                        view! {
                            <p class="error" role="alert" data-testid="action-failed">
                                {i18n.t(Key::SaveFailed)}
                                " "
                                {move || e.message(i18n.lang.get())}
                            </p>
                        }
                    })
            }}
            {move || {
                chosen
                    .get()
                    .filter(|a| !fields(*a).is_empty() || !leaps(*a).is_empty())
                    .map(|action| {
                        let steps = leaps(action);
                        view! {
                            <form
                                class="action-form"
                                data-testid="action-form"
                                on:submit=move |ev| {
                                    ev.prevent_default();
                                    save()
                                }
                                novalidate
                            >
                                <h3>{i18n.t(label(action))}</h3>
                                {(!steps.is_empty())
                                    .then(|| {
                                        let skip_error = move || {
                                            problems
                                                .get()
                                                .into_iter()
                                                .find(|(n, _)| *n == "skip_reason")
                                                .map(|(_, k)| k)
                                        };
                                        view! {
                                            <div
                                                class="field leap"
                                                class:invalid=move || skip_error().is_some()
                                                data-testid="skip-reason"
                                            >
                                                <p class="warning">
                                                    {i18n.t(Key::SkippedStepsAsk)}
                                                    {
                                                        let steps = steps.clone();
                                                        move || skipped_in_words(&steps, i18n.lang.get())
                                                    }
                                                </p>
                                                <label for="field-skip_reason">
                                                    {i18n.t(Key::SkipReason)}
                                                </label>
                                                <textarea
                                                    id="field-skip_reason"
                                                    name="skip_reason"
                                                    prop:value=values
                                                        .with_untracked(|v| v.get("skip_reason").cloned())
                                                        .unwrap_or_default()
                                                    on:input=move |ev| {
                                                        let value = event_target_value(&ev);
                                                        values
                                                            .update(|v| {
                                                                v.insert("skip_reason", value);
                                                            })
                                                    }
                                                ></textarea>
                                                {move || {
                                                    skip_error()
                                                        .map(|k| {
                                                            view! {
                                                                <p class="error" role="alert" data-error-for="skip_reason">
                                                                    {i18n.t(k)}
                                                                </p>
                                                            }
                                                        })
                                                }}
                                            </div>
                                        }
                                    })}
                                {fields(action)
                                    .iter()
                                    .map(|f| {
                                        let name = f.name;
                                        let id = format!("field-{name}");
                                        let error = move || {
                                            problems
                                                .get()
                                                .into_iter()
                                                .find(|(n, _)| *n == name)
                                                .map(|(_, k)| k)
                                        };
                                        let set = move |value: String| {
                                            values
                                                .update(|v| {
                                                    v.insert(name, value);
                                                })
                                        };
                                        let kept = values.with_untracked(|v| v.get(name).cloned());
                                        let text = kept.clone().unwrap_or_default();
                                        let input = match f.kind {
                                            FieldKind::Line => {
                                                // What was typed before the panel was drawn again.
                                                view! {
                                                    <input
                                                        id=id.clone()
                                                        name=name
                                                        prop:value=text.clone()
                                                        on:input=move |ev| set(event_target_value(&ev))
                                                    />
                                                }
                                                    .into_any()
                                            }
                                            FieldKind::DateTime => {
                                                view! {
                                                    <input
                                                        id=id.clone()
                                                        name=name
                                                        type="datetime-local"
                                                        prop:value=text.clone()
                                                        on:input=move |ev| set(event_target_value(&ev))
                                                    />
                                                }
                                                    .into_any()
                                            }
                                            FieldKind::Percent => {
                                                view! {
                                                    <input
                                                        id=id.clone()
                                                        name=name
                                                        inputmode="numeric"
                                                        prop:value=text.clone()
                                                        on:input=move |ev| set(event_target_value(&ev))
                                                    />
                                                }
                                                    .into_any()
                                            }
                                            FieldKind::Area => {
                                                view! {
                                                    <textarea
                                                        id=id.clone()
                                                        name=name
                                                        prop:value=text.clone()
                                                        on:input=move |ev| set(event_target_value(&ev))
                                                    ></textarea>
                                                }
                                                    .into_any()
                                            }
                                            FieldKind::Check => {
                                                view! {
                                                    <input
                                                        id=id.clone()
                                                        name=name
                                                        type="checkbox"
                                                        prop:checked=text == "true"
                                                        on:change=move |ev| set(
                                                            event_target_checked(&ev).to_string(),
                                                        )
                                                    />
                                                }
                                                    .into_any()
                                            }
                                            FieldKind::Cause => {
                                                choice(
                                                    id.clone(),
                                                    name,
                                                    CauseClass::ALL.map(cause_key).to_vec(),
                                                    kept.clone(),
                                                    set,
                                                )
                                            }
                                            FieldKind::Method => {
                                                choice(
                                                    id.clone(),
                                                    name,
                                                    ContactMethod::ALL.map(contact_method_key).to_vec(),
                                                    kept.clone(),
                                                    set,
                                                )
                                            }
                                        };
                                        view! {
                                            <div class="field" class:invalid=move || error().is_some()>
                                                <label for=id.clone()>{i18n.t(f.label)}</label>
                                                {input}
                                                {move || {
                                                    error()
                                                        .map(|k| {
                                                            view! {
                                                                <p class="error" role="alert" data-error-for=name>
                                                                    {i18n.t(k)}
                                                                </p>
                                                            }
                                                        })
                                                }}
                                            </div>
                                        }
                                    })
                                    .collect_view()}
                                <div class="actions">
                                    <button type="button" on:click=move |_| chosen.set(None)>
                                        {i18n.t(Key::Cancel)}
                                    </button>
                                    <button
                                        type="submit"
                                        class="primary"
                                        disabled=move || busy.get()
                                    >
                                        {i18n.t(Key::Record)}
                                    </button>
                                </div>
                            </form>
                        }
                    })
            }}
        </section>
    }
}
