//! The supervisor's desk (`/supervisor`): the ledger and the monthly views
//! over every ticket merged on this device. All figures come from
//! `domain::supervision`, the same code as the `gridcare ledger` and
//! `gridcare report` commands.

mod charts;
mod emergency;
mod ledger;
mod roster;
mod views;

use crate::domain::lean_sort;
use crate::domain::supervision::ledger::mark_strangers;
use crate::domain::supervision::tally::MonthTally;
use crate::domain::supervision::{ledger as build_ledger, parse_month, LedgerRow};
use crate::domain::time::china;
use crate::i18n::Key;
use crate::ui::state::data::use_data;
use crate::ui::state::engine::use_engine;
use crate::ui::state::use_i18n;
use crate::ui::sync::SyncPanel;
use chrono::Utc;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Ledger,
    Analysis,
    Alerts,
    Audit,
    Teams,
    Topics,
    Bulletins,
    Emergency,
    Devices,
}

impl Tab {
    fn from_query(id: &str) -> Option<Tab> {
        Tab::ALL
            .iter()
            .find(|(_, _, i)| *i == id)
            .map(|(t, _, _)| *t)
    }

    const ALL: [(Tab, Key, &'static str); 9] = [
        (Tab::Ledger, Key::SupLedger, "ledger"),
        (Tab::Analysis, Key::SupAnalysis, "analysis"),
        (Tab::Alerts, Key::SupAlerts, "alerts"),
        (Tab::Audit, Key::SupAudit, "audit"),
        (Tab::Teams, Key::SupTeams, "teams"),
        (Tab::Topics, Key::SupTopics, "topics"),
        (Tab::Bulletins, Key::SupBulletins, "bulletins"),
        (Tab::Emergency, Key::SupEmergency, "emergency"),
        (Tab::Devices, Key::SupDevices, "devices"),
    ];
}

/// What every view of the desk reads: the ledger rows, the chosen month,
/// and the month's tally (computed once for every view that shows figures).
#[derive(Clone, Copy)]
pub struct Desk {
    pub rows: Memo<Arc<Vec<LedgerRow>>>,
    pub month: Memo<String>,
    pub tally: Memo<Arc<MonthTally>>,
}

#[component]
pub fn SupervisorPage() -> impl IntoView {
    crate::ui::state::engine::want_model();
    let i18n = use_i18n();
    let data = use_data();
    let engine = use_engine();
    let rows = Memo::new(move |_| {
        let tickets = data.tickets.get();
        let events = data.events.get();
        let mut rows = build_ledger(
            &tickets,
            &events,
            engine.table(),
            &engine.calendar,
            Utc::now(),
        );
        // Marked with the roster this device folds (re-marked when it changes).
        data.authority.track();
        mark_strangers(&mut rows, |device| data.signer_of(device).is_stranger());
        Arc::new(rows)
    });
    let months = Memo::new(move |_| {
        let mut months: Vec<String> = rows.with(|r| r.iter().map(|r| r.month.clone()).collect());
        lean_sort::sort(&mut months);
        months.dedup();
        months.reverse();
        months
    });
    let this_month = Utc::now()
        .with_timezone(&china())
        .format("%Y-%m")
        .to_string();
    // The tab and the month live in the address (`?tab=alerts&month=2026-11`),
    // so a reload or a shared link opens the same view.
    let query = use_query_map();
    let navigate = use_navigate();
    let chosen_month = move || {
        query
            .with(|q| q.get("month"))
            .filter(|m| parse_month(m).is_some())
    };
    // Without a choice, the newest month that has tickets.
    let month = {
        let this_month = this_month.clone();
        Memo::new(move |_| {
            chosen_month()
                .or_else(|| months.with(|m| m.first().cloned()))
                .unwrap_or_else(|| this_month.clone())
        })
    };
    let this_month = StoredValue::new(this_month);
    let tab = Memo::new(move |_| {
        query
            .with(|q| q.get("tab"))
            .and_then(|t| Tab::from_query(&t))
            .unwrap_or(Tab::Ledger)
    });
    let go = move |tab: Tab, month: String| {
        let id = Tab::ALL
            .iter()
            .find(|(t, _, _)| *t == tab)
            .map_or("ledger", |(_, _, i)| i);
        navigate(
            &format!("/supervisor?tab={id}&month={month}"),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let go = StoredValue::new(go);
    let table = use_engine().table().clone();
    let tally = Memo::new(move |_| {
        rows.with(|rows| Arc::new(MonthTally::of(rows, &month.get(), &table, None)))
    });
    let desk = Desk { rows, month, tally };
    let empty = move || data.loaded() && rows.with(|r| r.is_empty());
    view! {
        <h1 class="supervisor-title">{i18n.t(Key::Supervisor)}</h1>
        <p class="meta no-print">{i18n.t(Key::SupIntro)}</p>
        <Show when=move || !data.loaded()>
            <p role="status">{i18n.t(Key::LoadingData)}</p>
        </Show>
        <Show when=empty>
            <p>{i18n.t(Key::NoTicketsYet)}</p>
            <crate::ui::widgets::DemoOffer />
        </Show>
        // The tabs show with no ticket too: devices and emergencies need none.
        <Show when=move || data.loaded()>
            <div class="desk-bar no-print">
                <nav class="tabs" aria-label=i18n.t(Key::SupViews)>
                    {Tab::ALL
                        .into_iter()
                        .map(|(t, key, id)| {
                            view! {
                                <button
                                    type="button"
                                    data-tab=id
                                    aria-pressed=move || (tab.get() == t).to_string()
                                    on:click=move |_| {
                                        go.with_value(|go| go(t, month.get_untracked()))
                                    }
                                >
                                    {i18n.t(key)}
                                </button>
                            }
                        })
                        .collect_view()}
                </nav>
                <label class="month">
                    {i18n.t(Key::Month)} " "
                    <select
                        data-testid="month"
                        prop:value=move || month.get()
                        on:change=move |ev| {
                            go.with_value(|go| go(tab.get_untracked(), event_target_value(&ev)))
                        }
                    >
                        {move || {
                            let mut list = months.get();
                            let current = this_month.get_value();
                            if !list.contains(&current) {
                                list.insert(0, current);
                            }
                            list.into_iter()
                                .map(|m| view! { <option value=m.clone()>{m.clone()}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
                <button type="button" class="secondary" on:click=move |_| print_page()>
                    {i18n.t(Key::Print)}
                </button>
            </div>
            <p class="print-only">{i18n.t(Key::Month)} " " {move || month.get()}</p>
            {move || match tab.get() {
                Tab::Ledger => view! { <ledger::LedgerView desk=desk /> }.into_any(),
                Tab::Analysis => view! { <views::AnalysisView desk=desk /> }.into_any(),
                Tab::Alerts => view! { <views::AlertsView desk=desk /> }.into_any(),
                Tab::Audit => view! { <views::AuditView desk=desk /> }.into_any(),
                Tab::Teams => view! { <views::TeamsView desk=desk /> }.into_any(),
                Tab::Topics => view! { <views::TopicsView desk=desk /> }.into_any(),
                Tab::Bulletins => view! { <views::BulletinsView desk=desk /> }.into_any(),
                Tab::Emergency => view! { <emergency::EmergencyView /> }.into_any(),
                Tab::Devices => view! { <roster::DevicesView /> }.into_any(),
            }}
        </Show>
        <div class="no-print">
            <SyncPanel />
        </div>
    }
}

fn print_page() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}
