//! The crew's queue: tickets sorted by the deadline due first, with each
//! clock's state in colour and words. (The full ticket workflow comes next.)

use super::data::use_data;
use super::engine::use_engine;
use super::sync_panel::SyncPanel;
use super::use_i18n;
use crate::domain::clock::{clocks, ClockInput, ClockState};
use crate::domain::event::Event;
use crate::domain::ticket::{clock_events, Status, TicketState};
use crate::domain::time::china;
use crate::i18n::{Key, Lang};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::HashMap;

const SHOWN: usize = 200;

#[derive(Clone, PartialEq)]
struct Row {
    id: String,
    number: String,
    kind: (String, String),
    grade: Option<u8>,
    status: Status,
    text: String,
    next: Option<(DateTime<Utc>, ClockState, String, String)>,
    conflict: bool,
}

pub fn status_key(status: Status) -> Key {
    match status {
        Status::Received => Key::StatusReceived,
        Status::Responded => Key::StatusResponded,
        Status::Dispatched => Key::StatusDispatched,
        Status::OnSite => Key::StatusOnSite,
        Status::PendingCustomer => Key::StatusPending,
        Status::Resolved => Key::StatusResolved,
        Status::FeedbackGiven => Key::StatusFeedback,
        Status::Confirmed => Key::StatusConfirmed,
        Status::Closed => Key::StatusClosed,
        Status::Voided => Key::StatusVoided,
    }
}

fn clock_key(state: ClockState) -> Key {
    match state {
        ClockState::DueSoon => Key::ClockDueSoon,
        ClockState::Overdue => Key::ClockOverdue,
        ClockState::Paused => Key::ClockPaused,
        _ => Key::ClockRunning,
    }
}

#[component]
pub fn CrewPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let engine = use_engine();
    let rows = Memo::new(move |_| {
        let tickets = data.tickets.get();
        let events = data.events.get();
        let mut by_ticket: HashMap<&str, Vec<&Event>> = HashMap::new();
        for e in events.iter() {
            by_ticket.entry(e.ticket.as_str()).or_default().push(e);
        }
        let now = Utc::now();
        let mut rows: Vec<Row> = tickets
            .values()
            .map(|t| row(t, by_ticket.get(t.id.as_str()), &engine, now))
            .collect();
        // What is due first comes first; tickets with nothing running go last.
        rows.sort_by(|a, b| match (&a.next, &b.next) {
            (Some(x), Some(y)) => x.0.cmp(&y.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.number.cmp(&b.number),
        });
        rows
    });
    let loading = move || !data.loaded();
    let empty = move || data.loaded() && data.tickets.with(|t| t.is_empty());
    view! {
        <h1>{i18n.t(Key::Crew)}</h1>
        <p><A href="/crew/new" attr:class="button primary">{i18n.t(Key::NewTicket)}</A></p>
        <Show when=loading>
            <p role="status">{i18n.t(Key::LoadingData)}</p>
        </Show>
        <Show when=empty>
            <super::home::DemoOffer/>
        </Show>
        <Show when=move || !rows.with(Vec::is_empty)>
            <h2>{i18n.t(Key::Tickets)} " (" {move || rows.with(Vec::len)} ")"</h2>
            <Show when=move || rows.with(|r| r.len() > SHOWN)>
                <p class="meta">{i18n.t(Key::ShowingFirst)}</p>
            </Show>
            <table class="queue" data-testid="queue">
                <super::rules_page::TableHead keys=vec![Key::TicketNumber, Key::Kind, Key::Grade, Key::Status, Key::NextDeadline, Key::Content, Key::Actions]/>
                <tbody>
                    <For
                        each=move || rows.get().into_iter().take(SHOWN)
                        key=|r| (r.id.clone(), r.status, r.conflict, r.next.as_ref().map(|n| (n.0, n.1)))
                        let:r
                    >
                        <QueueRow r=r/>
                    </For>
                </tbody>
            </table>
        </Show>
        <SyncPanel/>
    }
}

fn row(
    t: &TicketState,
    events: Option<&Vec<&Event>>,
    engine: &super::engine::Engine,
    now: DateTime<Utc>,
) -> Row {
    let table = engine.table();
    let c = t.classification.as_ref();
    let kind_code = c.map(|c| c.kind.as_str()).unwrap_or("complaint");
    let kind = table
        .kind(kind_code)
        .map(|k| (k.zh.clone(), k.en.clone()))
        .unwrap_or_default();
    let timed = clock_events(events.map(Vec::as_slice).unwrap_or(&[]));
    let input = ClockInput {
        received: t.received,
        kind: kind_code,
        category: c.map(|c| c.category.as_str()).unwrap_or("other"),
        subcategory: c.and_then(|c| c.subcategory.as_deref()),
        grade: c.and_then(|c| c.grade),
        facts: &t.facts,
        events: &timed,
    };
    let next = if t.is_open() {
        clocks(table, &engine.calendar, &input, now)
            .into_iter()
            .filter(|c| {
                matches!(
                    c.state,
                    ClockState::Running
                        | ClockState::DueSoon
                        | ClockState::Overdue
                        | ClockState::Paused
                )
            })
            .filter_map(|c| c.due.map(|due| (due, c.state, c.zh, c.en)))
            .min_by_key(|c| c.0)
    } else {
        None
    };
    Row {
        id: t.id.clone(),
        number: t.number.clone(),
        kind,
        grade: c.and_then(|c| c.grade),
        status: t.status,
        text: t.text.chars().take(40).collect(),
        next,
        conflict: !t.conflicts.is_empty(),
    }
}

#[component]
fn QueueRow(r: Row) -> impl IntoView {
    let i18n = use_i18n();
    let kind = r.kind.clone();
    let grade = r.grade;
    let next = r.next.clone();
    let number = r.number.clone();
    view! {
        <tr data-ticket=r.number.clone() class:conflict=r.conflict>
            <td>
                <A href=format!("/crew/t/{}", r.id)><code>{number}</code></A>
                {r.conflict.then(|| view! { " " <span class="badge warn" data-testid="conflict">{i18n.t(Key::Conflict)}</span> })}
            </td>
            <td>{move || i18n.lang.get().pick(&kind.0, &kind.1).to_string()}</td>
            <td>{grade.map(|g| view! { <span class=format!("badge grade-{g}")>{g}</span> })}</td>
            <td data-field="status">{i18n.t(status_key(r.status))}</td>
            <td data-field="next">
                {match next {
                    Some((due, state, zh, en)) => view! {
                        <span class=format!("clock {}", clock_class(state))>
                            {i18n.t(clock_key(state))}
                        </span>
                        " " {move || if i18n.lang.get() == Lang::Zh { zh.clone() } else { en.clone() }} " "
                        <time datetime=due.to_rfc3339()>{due.with_timezone(&china()).format("%m-%d %H:%M").to_string()}</time>
                    }
                    .into_any(),
                    None => view! { <span class="meta">{i18n.t(Key::NoRunningClock)}</span> }.into_any(),
                }}
            </td>
            <td class="text">{r.text.clone()}</td>
            <td>
                {(r.status == Status::Received).then(|| {
                    let id = r.id.clone();
                    view! { <RespondButton ticket=id/> }
                })}
            </td>
        </tr>
    }
}

fn clock_class(state: ClockState) -> &'static str {
    match state {
        ClockState::DueSoon => "due-soon",
        ClockState::Overdue => "overdue",
        ClockState::Paused => "paused",
        _ => "running",
    }
}

/// Records the first response; the row changes only once it is saved.
#[component]
fn RespondButton(ticket: String) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let busy = RwSignal::new(false);
    let respond = move |_| {
        let ticket = ticket.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let author = data
                .device
                .get_untracked()
                .map(|d| d.id)
                .unwrap_or_default();
            let _ = data
                .record(
                    &ticket,
                    &author,
                    crate::domain::event::EventBody::Responded { note: None },
                )
                .await;
            busy.set(false);
        });
    };
    view! {
        <button type="button" on:click=respond disabled=move || busy.get()>{i18n.t(Key::RecordResponse)}</button>
    }
}
