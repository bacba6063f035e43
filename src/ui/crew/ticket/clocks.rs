//! A ticket's clocks: every deadline that applies, its state and the clause
//! behind it, refreshed as time passes. The reply templates fill their
//! deadlines from the same list.

use crate::domain::clock::{clocks, ClockState, ClockStatus};
use crate::domain::engine::Engine;
use crate::domain::event::Event;
use crate::domain::labels::clock_state_key;
use crate::domain::ticket::{clock_events, TicketState};
use crate::domain::time::china;
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

#[component]
pub fn Clocks(t: TicketState, events: Memo<Vec<Event>>) -> impl IntoView {
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
                <TableHead keys=crate::labels![Key::Rule, Key::ClockState, Key::Due, Key::Source] />
                <tbody>
                    {move || {
                        rows.get()
                            .into_iter()
                            .map(|c| {
                                let names = (c.zh.clone(), c.en.clone());
                                let due = c
                                    .due
                                    .map(|d| {
                                        d.with_timezone(&china())
                                            .format("%Y-%m-%d %H:%M")
                                            .to_string()
                                    })
                                    .unwrap_or_default();
                                view! {
                                    <tr data-clock=c.id.clone() data-state=format!("{:?}", c.state)>
                                        <td>
                                            {move || {
                                                i18n.lang.get().pick(&names.0, &names.1).to_string()
                                            }}
                                        </td>
                                        <td>{i18n.t(clock_state_key(c.state))}</td>
                                        <td>{due}</td>
                                        <td>{c.source.clone()}</td>
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
