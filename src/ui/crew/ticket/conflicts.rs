//! Concurrent edits that disagree: every value with the device it came from,
//! and a way to keep one.

use crate::domain::event::{Event, EventBody};
use crate::domain::labels::event_key;
use crate::domain::ticket::Conflict;
use crate::i18n::Key;
use crate::ui::state::{use_data, use_i18n};
use leptos::prelude::*;

/// Both (or all) values of each conflict, and a way to keep one: recording it
/// again as a new event that knew every side settles the conflict everywhere
/// the event travels.
#[component]
pub fn ConflictChoices(
    ticket: String,
    conflicts: Vec<Conflict>,
    events: Memo<Vec<Event>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let ticket = StoredValue::new(ticket);
    let record = data.recorder();
    let settle = move |body: EventBody| {
        record.dispatch_local((ticket.get_value(), body));
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
            {choices
                .into_iter()
                .map(|e| {
                    let summary = match &e.body {
                        EventBody::Resolved { cause, solution, improvement, .. } => {
                            format!("{cause} / {solution} / {improvement}")
                        }
                        EventBody::Classified { kind, subcategory, grade, .. }
                        | EventBody::Reclassified { kind, subcategory, grade, .. } => {
                            format!(
                                "{kind} / {} / {}",
                                subcategory.clone().unwrap_or_default(),
                                grade.map(|g| g.to_string()).unwrap_or_default(),
                            )
                        }
                        EventBody::Confirmed { satisfaction } => format!("{satisfaction}"),
                        other => other.type_name().to_string(),
                    };
                    let settled = match &e.body {
                        EventBody::Classified { kind, category, subcategory, grade, .. } => {
                            EventBody::Reclassified {
                                kind: kind.clone(),
                                category: category.clone(),
                                subcategory: subcategory.clone(),
                                grade: *grade,
                                reason: "解决同步冲突 / conflict settled".into(),
                            }
                        }
                        EventBody::Reclassified { kind, category, subcategory, grade, .. } => {
                            EventBody::Reclassified {
                                kind: kind.clone(),
                                category: category.clone(),
                                subcategory: subcategory.clone(),
                                grade: *grade,
                                reason: "解决同步冲突 / conflict settled".into(),
                            }
                        }
                        other => other.clone(),
                    };
                    view! {
                        <li data-conflict-event=e.id.clone()>
                            <span>{i18n.t(event_key(&e.body))} ": " {summary}</span>
                            " · "
                            {i18n.t(Key::FromDevice)}
                            " "
                            <code>{e.device.clone()}</code>
                            " "
                            <button type="button" on:click=move |_| settle(settled.clone())>
                                {i18n.t(Key::SettleConflict)}
                            </button>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
