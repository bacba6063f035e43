//! Concurrent edits that disagree: every value with the device it came from,
//! and a way to keep one.

use crate::domain::event::{Event, EventBody};
use crate::domain::labels::{event_key, grade_key};
use crate::domain::ticket::Conflict;
use crate::i18n::Key;
use crate::ui::state::{use_data, use_engine, use_i18n};
use leptos::prelude::*;

/// What a conflict is about, in the person's words (the fold names it
/// `classification`, `resolution` or `satisfaction`).
pub fn aspect_key(aspect: &str) -> Key {
    match aspect {
        "classification" => Key::AspectClassification,
        "resolution" => Key::AspectResolution,
        "satisfaction" => Key::AspectSatisfaction,
        _ => Key::AspectOther,
    }
}

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
    let engine = use_engine();
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
                    let body = e.body.clone();
                    let table = engine.table().clone();
                    let summary = move || {
                        let lang = i18n.lang.get();
                        match &body {
                            EventBody::Resolved { cause, solution, improvement, .. } => {
                                format!("{cause} / {solution} / {improvement}")
                            }
                            EventBody::Classified { kind, subcategory, grade, .. }
                            | EventBody::Reclassified { kind, subcategory, grade, .. } => {
                                [
                                    Some(table.name_of(kind, lang).to_string()),
                                    subcategory
                                        .as_ref()
                                        .map(|s| table.name_of(s, lang).to_string()),
                                    grade.map(|g| grade_key(g).text(lang).to_string()),
                                ]
                                    .into_iter()
                                    .flatten()
                                    .collect::<Vec<_>>()
                                    .join(" / ")
                            }
                            EventBody::Confirmed { satisfaction } => format!("{satisfaction}"),
                            _ => String::new(),
                        }
                    };
                    let who = if e.author.trim().is_empty() {
                        e.device.to_string()
                    } else {
                        e.author.to_string()
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
                    // Each side in the person's words: names from the rule
                    // table, the grade as "二级", never a code.
                    // Who recorded it: the person, with the device's id for staff who
                    // need to tell two tablets apart.
                    view! {
                        <li data-conflict-event=e.id.to_string()>
                            <span>{i18n.t(event_key(&e.body))} ": " {summary}</span>
                            " · "
                            {i18n.t(Key::RecordedBy)}
                            " "
                            <span class="who" title=e.device.to_string()>
                                {who}
                            </span>
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
