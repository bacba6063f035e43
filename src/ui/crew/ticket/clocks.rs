//! A ticket's clocks: every deadline that applies, its state and the clause
//! behind it, refreshed as time passes. The reply templates fill their
//! deadlines from the same list.

use crate::domain::clock::{clocks, ClockState, ClockStatus};
use crate::domain::engine::Engine;
use crate::domain::event::Event;
use crate::domain::labels::clock_state_key;
use crate::domain::lifecycle::Action;
use crate::domain::ticket::{clock_events, TicketState};
use crate::domain::time::china;
use crate::domain::words::deadline_in_words;
use crate::i18n::Key;
use crate::ui::state::{use_engine, use_i18n};
use crate::ui::widgets::TableHead;
use chrono::Utc;
use leptos::prelude::*;
use std::time::Duration;

/// The clocks that apply to a ticket now.
pub fn ticket_clocks(t: &TicketState, events: &[Event], engine: &Engine) -> Vec<ClockStatus> {
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

/// The ticket's clocks, read again every 15 seconds: deadlines move into
/// "due soon" and "overdue" as time passes, not only on saves.
pub fn ticking_clocks(t: TicketState, events: Memo<Vec<Event>>) -> Memo<Vec<ClockStatus>> {
    let engine = use_engine();
    let tick = RwSignal::new(0u32);
    if let Ok(handle) =
        set_interval_with_handle(move || tick.update(|n| *n += 1), Duration::from_secs(15))
    {
        on_cleanup(move || handle.clear());
    }
    Memo::new(move |_| {
        tick.track();
        events.with(|events| ticket_clocks(&t, events, &engine))
    })
}

/// What comes first on the ticket page: the deadline due next, how far it
/// is, and the step that moves the ticket on.
#[component]
pub fn NextUp(rows: Memo<Vec<ClockStatus>>, next: Option<Action>) -> impl IntoView {
    let i18n = use_i18n();
    // The countdown moves on its own, between the clocks' readings.
    let minute = RwSignal::new(0u32);
    if let Ok(handle) =
        set_interval_with_handle(move || minute.update(|n| *n += 1), Duration::from_secs(20))
    {
        on_cleanup(move || handle.clear());
    }
    let first = Memo::new(move |_| {
        rows.with(|rows| {
            rows.iter()
                .filter(|c| c.state.is_live())
                .filter_map(|c| {
                    c.due
                        .map(|due| (due, c.state, (c.words.zh.clone(), c.words.en.clone())))
                })
                .min_by_key(|(due, _, _)| *due)
        })
    });
    view! {
        <section class="next-up" aria-labelledby="next-up-heading" data-testid="next-up">
            <h2 id="next-up-heading" class="sr-only">
                {i18n.t(Key::NextUpHeading)}
            </h2>
            {move || match first.get() {
                Some((due, state, names)) => {
                    let left = move || {
                        minute.track();
                        (due - Utc::now()).num_seconds()
                    };
                    view! {
                        <p class="next-deadline" data-state=format!("{state:?}")>
                            <span class="label">{i18n.t(Key::NextDeadlineLabel)}</span>
                            <strong data-testid="next-deadline-name">
                                {move || i18n.lang.get().pick(&names.0, &names.1).to_string()}
                            </strong>
                            " "
                            <span data-testid="next-deadline-due">
                                {due.with_timezone(&china()).format("%m-%d %H:%M").to_string()}
                            </span>
                            " · "
                            <span class="countdown" data-testid="next-deadline-left">
                                {move || deadline_in_words(left(), i18n.lang.get())}
                            </span>
                        </p>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <p class="next-deadline" data-state="none">
                            {i18n.t(Key::NoDeadlineRunning)}
                        </p>
                    }
                        .into_any()
                }
            }}
            {next
                .map(|step| {
                    view! {
                        <p class="next-step" data-testid="next-step">
                            <span class="label">{i18n.t(Key::NextStep)}</span>
                            <strong>{i18n.t(super::actions::label(step))}</strong>
                        </p>
                    }
                })}
        </section>
    }
}

/// Every clock that applies, with its state, deadline and clause.
#[component]
pub fn Clocks(rows: Memo<Vec<ClockStatus>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section>
            <h2>{i18n.t(Key::Clocks)}</h2>
            <table data-testid="clocks">
                <TableHead keys=crate::labels![Key::Rule, Key::ClockState, Key::Due, Key::Source] />
                <tbody>
                    {move || {
                        rows.get()
                            .into_iter()
                            .map(|c| {
                                let names = (c.words.zh.clone(), c.words.en.clone());
                                let due = c
                                    .due
                                    .map(|d| {
                                        d.with_timezone(&china())
                                            .format("%Y-%m-%d %H:%M")
                                            .to_string()
                                    })
                                    .unwrap_or_default();
                                view! {
                                    <tr
                                        data-clock=c.words.id.to_string()
                                        data-state=format!("{:?}", c.state)
                                    >
                                        <td>
                                            {move || {
                                                i18n.lang.get().pick(&names.0, &names.1).to_string()
                                            }}
                                        </td>
                                        <td>{i18n.t(clock_state_key(c.state))}</td>
                                        <td>{due}</td>
                                        <td>{c.words.source.to_string()}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </section>
    }
}
