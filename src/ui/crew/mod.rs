//! The crew's screens: the queue (this file), a ticket's page
//! ([`ticket`]), the hotline / walk-in form ([`new_ticket`]) and "who I am".
//!
//! The queue: tickets sorted by the deadline due first, with each
//! clock's state in colour and words. Only the rows on screen are rendered,
//! so it stays quick with tens of thousands of tickets.

mod identity;
pub mod new_ticket;
mod saved_queue;
pub mod ticket;

use crate::domain::care::CareFlags;
use crate::domain::clock::{live_clock_at, next_due, ClockState, TimedEvent};
use crate::domain::labels::status_key;
use crate::domain::search::Search;
use crate::domain::ticket::{clock_events, Status, TicketState};
use crate::domain::time::china;
use crate::domain::words::deadline_in_words;
use crate::i18n::{Bilingual, Key, Term};
use crate::ui::state::data::use_data;
use crate::ui::state::engine::use_engine;
use crate::ui::state::use_i18n;
use crate::ui::sync::SyncPanel;
use crate::ui::widgets::scroll::ScrollWindow;
use chrono::{DateTime, Utc};
use identity::IdentityForm;
use leptos::prelude::*;
use leptos_router::components::A;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The deadline a row is sorted by: the live clock due first, as read at
/// `read` (a row is kept for minutes, or saved for the next start: it is
/// carried to the present with `live_clock_at`).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
struct NextDue {
    due: DateTime<Utc>,
    state: ClockState,
    /// When a running clock turns due soon.
    soon: Option<DateTime<Utc>>,
    read: DateTime<Utc>,
    /// The clock's name (one copy for every row, see `Names`).
    clock: Arc<Bilingual>,
}

impl NextDue {
    /// The deadline and the clock's state at `now`.
    fn at(&self, now: DateTime<Utc>) -> (DateTime<Utc>, ClockState) {
        live_clock_at(self.due, self.state, self.soon, self.read, now)
    }
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
struct Row {
    id: String,
    number: String,
    kind: Arc<Bilingual>,
    grade: Option<u8>,
    status: Status,
    text: String,
    next: Option<NextDue>,
    conflict: bool,
    team: Option<String>,
    category: String,
}

fn clock_key(state: ClockState) -> Term {
    match state {
        ClockState::DueSoon => Term::ClockDueSoon,
        ClockState::Overdue => Term::ClockOverdue,
        ClockState::Paused => Term::ClockPaused,
        _ => Term::ClockRunning,
    }
}

#[component]
pub fn CrewPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let engine = use_engine();
    let category_names: Vec<(String, String, String)> = engine
        .table()
        .categories
        .iter()
        .map(|c| (c.code.clone(), c.zh.clone(), c.en.clone()))
        .collect();
    let engine_categories = move || {
        category_names
            .iter()
            .cloned()
            .map(|(code, zh, en)| view! { <option value=code>{move || i18n.lang.get().pick(&zh, &en).to_string()}</option> })
            .collect_view()
    };
    // A shared clock for the countdowns: one timer for the whole queue.
    let now = RwSignal::new(Utc::now());
    if let Ok(timer) = set_interval_with_handle(
        move || now.set(Utc::now()),
        std::time::Duration::from_secs(30),
    ) {
        on_cleanup(move || timer.clear());
    }
    let open_only = RwSignal::new(true);
    let mine_only = RwSignal::new(false);
    let grade = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let all_rows = Memo::new(move |_| {
        let tickets = data.tickets.get();
        data.events.track();
        let mut rows = ROWS.with_borrow_mut(|cache| cache.rows(&tickets, &engine, data));
        // What is due first comes first; tickets with nothing running go last.
        rows.sort_by(|a, b| match (&a.next, &b.next) {
            (Some(x), Some(y)) => x.due.cmp(&y.due),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.number.cmp(&b.number),
        });
        rows
    });
    // Who needs particular care: a repeat complainant depends on the other
    // tickets, so it is read apart from the per-ticket row cache, from the
    // shared index, for the rows on screen only.
    let flags_of = move |id: &str| {
        data.tickets.with(|all| {
            all.get(id)
                .map(|t| data.complaints.with(|c| CareFlags::of(t, c)))
                .unwrap_or_default()
        })
    };
    // Indices into `all_rows`: filtering copies no rows.
    let rows = Memo::new(move |_| {
        let my_team = data.device.get().and_then(|d| d.crew).map(|c| c.team);
        // Read once here, not once per row: 50,000 signal reads cost more than the filter.
        let (open_only, mine_only) = (open_only.get(), mine_only.get());
        let grade: Option<u8> = grade.get().parse().ok();
        let (category, words) = (category.get(), Search::new(&search.get()));
        data.tickets.with_untracked(|all| {
            // The tickets that mention the words, found in one pass over
            // them (the open ones, when only those are shown), not by
            // looking each row's ticket up by its id.
            let mentioned: Option<FxHashSet<&str>> = (!words.is_empty()).then(|| {
                all.iter()
                    .filter(|(_, t)| !open_only || t.is_open())
                    .filter(|(_, t)| words.finds(t))
                    .map(|(id, _)| id.as_str())
                    .collect()
            });
            all_rows.with(|rows| {
                rows.iter()
                    .enumerate()
                    .filter(|(_, r)| {
                        (!open_only || r.status.is_open())
                            && (!mine_only || (my_team.is_some() && r.team == my_team))
                            && (grade.is_none() || r.grade == grade)
                            && (category.is_empty() || r.category == category)
                            && mentioned.as_ref().is_none_or(|m| m.contains(r.id.as_str()))
                    })
                    .map(|(index, _)| index)
                    .collect::<Vec<usize>>()
            })
        })
    });
    let scroller = NodeRef::<leptos::html::Div>::new();
    // A new filter starts at the top of the list.
    let scroll = ScrollWindow::new().follow(scroller, rows);
    let visible = move || all_rows.with(|all| rows.with(|r| scroll.window_of(r, all)));
    let padding = move |above: bool| rows.with(|r| scroll.padding(r.len(), above));
    // What the next start shows before the log is read: saved whenever the
    // rows change (one small record; not when the log moved meanwhile).
    let stated_flags = move |id: &str| {
        data.tickets
            .with_untracked(|all| all.get(id).map(CareFlags::stated).unwrap_or_default())
    };
    Effect::new(move |_| {
        all_rows.track();
        // Also once this tab becomes the one that writes.
        data.tab.track();
        untrack(|| all_rows.with(|rows| saved_queue::save(data, rows, stated_flags)));
    });
    let saved = move || data.beside_log.get().filter(|_| !data.loaded());
    let loading = move || !data.loaded() && saved().is_none();
    let empty = move || data.loaded() && data.tickets.with(|t| t.is_empty());
    view! {
        // The title, who I am and the page's actions share a line: the queue gets the height.
        <div class="page-head">
            <h1>{i18n.t(Key::Crew)}</h1>
            <IdentityForm/>
            <p class="actions">
                <A href="/crew/new" attr:class="button primary">{i18n.t(Key::NewTicket)}</A>
                " " <A href="/tariff" attr:class="button secondary">{i18n.t(Key::BillCalculator)}</A>
                " " <A href="/drill" attr:class="button secondary">{i18n.t(Key::TrainingLink)}</A>
            </p>
        </div>
        <Show when=loading>
            <p role="status">{i18n.t(Key::LoadingData)}</p>
        </Show>
        {move || saved().map(|body| view! { <saved_queue::SavedQueueTable body now/> })}
        <Show when=empty>
            <crate::ui::widgets::DemoOffer/>
        </Show>
        <Show when=move || !all_rows.with(Vec::is_empty)>
            <div class="filters" role="search">
                <h2 class="queue-title">{i18n.t(Key::Tickets)} " (" <span data-testid="shown-count">{move || rows.with(Vec::len)}</span> ")"</h2>
                <input type="search" aria-label=i18n.t(Key::SearchHint) placeholder=i18n.t(Key::SearchHint) data-testid="search"
                    on:input=move |ev| search.set(event_target_value(&ev))/>
                <label class="check"><input type="checkbox" data-testid="open-only" prop:checked=move || open_only.get() on:change=move |ev| open_only.set(event_target_checked(&ev))/>{i18n.t(Key::OpenOnly)}</label>
                <label class="check"><input type="checkbox" data-testid="mine" prop:checked=move || mine_only.get() on:change=move |ev| mine_only.set(event_target_checked(&ev))/>{i18n.t(Key::MineOnly)}</label>
                <select aria-label=i18n.t(Term::Grade) data-testid="grade-filter" on:change=move |ev| grade.set(event_target_value(&ev))>
                    <option value="">{i18n.t(Key::AllGrades)}</option>
                    <option value="1">{i18n.t(Term::GradeN1)}</option>
                    <option value="2">{i18n.t(Term::GradeN2)}</option>
                    <option value="3">{i18n.t(Term::GradeN3)}</option>
                </select>
                <select aria-label=i18n.t(Term::Category) on:change=move |ev| category.set(event_target_value(&ev))>
                    <option value="">{i18n.t(Key::AllCategories)}</option>
                    {engine_categories()}
                </select>
            </div>
            <Show when=move || rows.with(Vec::is_empty)>
                <p>{i18n.t(Key::NoMatch)}</p>
            </Show>
            <div class="queue-scroll" node_ref=scroller tabindex="0" aria-label=i18n.t(Key::Tickets)
                on:scroll=move |_| if let Some(el) = scroller.get_untracked() { scroll.measure(&el) }>
                <table class="queue" data-testid="queue" data-state="live" aria-rowcount=move || rows.with(Vec::len) + 1>
                    <QueueHead/>
                    <tbody>
                        <tr class="spacer" aria-hidden="true" style:height=move || padding(true)></tr>
                        <For
                            each=visible
                            key=move |(at, r)| (*at, r.id.clone(), r.status, r.conflict, r.next.as_ref().map(|n| (n.due, n.state)), flags_of(&r.id))
                            let:((at, r))
                        >
                            <QueueRow flags=flags_of(&r.id) r=r position=at now=now live=true/>
                        </For>
                        <tr class="spacer" aria-hidden="true" style:height=move || padding(false)></tr>
                    </tbody>
                </table>
            </div>
        </Show>
        <SyncPanel/>
    }
}

/// The queue's column heads: the saved rows' table and the live one alike.
#[component]
fn QueueHead() -> impl IntoView {
    view! {
        <crate::ui::widgets::TableHead keys=crate::labels![
            Term::TicketNumber, Term::Kind, Term::Grade, Term::Status, Key::NextDeadline, Key::Content, Key::Actions
        ] />
    }
}

/// How long a computed row is trusted: its clock states ("due soon") are as
/// of when it was computed. (Overdue is corrected on screen at once.)
const ROW_FRESH_MINUTES: i64 = 10;

thread_local! {
    /// Rows already computed, kept between visits to the queue, so that
    /// coming back from a ticket or saving one action does not recompute the
    /// clocks of every ticket (about a second with 50,000).
    static ROWS: std::cell::RefCell<RowCache> = Default::default();
}

#[derive(Default)]
struct RowCache {
    /// The rules engine the rows were computed with.
    engine: Option<std::sync::Weak<crate::ui::state::engine::Engine>>,
    rows: FxHashMap<String, CachedRow>,
    names: Names,
}

struct CachedRow {
    /// The ticket's head events: the same heads mean the same events.
    heads: Vec<String>,
    computed: DateTime<Utc>,
    row: Arc<Row>,
}

impl RowCache {
    /// Every ticket's row, recomputing only those that changed or went stale.
    fn rows(
        &mut self,
        tickets: &BTreeMap<String, TicketState>,
        engine: &Arc<crate::ui::state::engine::Engine>,
        data: crate::ui::state::data::Data,
    ) -> Vec<Arc<Row>> {
        let _phase = crate::web::trace::Phase::start("queue: compute the rows");
        let same_engine = self
            .engine
            .as_ref()
            .and_then(std::sync::Weak::upgrade)
            .is_some_and(|e| Arc::ptr_eq(&e, engine));
        if !same_engine {
            self.rows.clear();
            self.names = Names::default();
            self.engine = Some(Arc::downgrade(engine));
        }
        let now = Utc::now();
        let fresh_after = now - chrono::Duration::minutes(ROW_FRESH_MINUTES);
        self.rows.retain(|id, _| tickets.contains_key(id));
        tickets
            .values()
            .map(|t| {
                let cached = self
                    .rows
                    .get(&t.id)
                    .filter(|c| c.heads == t.heads && c.computed > fresh_after);
                if let Some(c) = cached {
                    return c.row.clone();
                }
                // A closed ticket's row needs no events: only open ones are clocked.
                let timed = || untrack(|| data.with_events_of(&t.id, clock_events));
                let row = row(t, timed, engine, now, &mut self.names);
                let row = Arc::new(row);
                self.rows.insert(
                    t.id.clone(),
                    CachedRow {
                        heads: t.heads.clone(),
                        computed: now,
                        row: row.clone(),
                    },
                );
                row
            })
            .collect()
    }
}

/// The names rows show (kinds, clocks), one copy each for every row: the
/// queue holds a row per ticket, 50,000 of them in a county's year.
#[derive(Default)]
struct Names(FxHashMap<(String, String), Arc<Bilingual>>);

impl Names {
    fn of(&mut self, zh: &str, en: &str) -> Arc<Bilingual> {
        if let Some(name) = self.0.get(&(zh.to_string(), en.to_string())) {
            return name.clone();
        }
        let name = Arc::new(Bilingual::new(zh, en));
        self.0
            .insert((zh.to_string(), en.to_string()), name.clone());
        name
    }
}

fn row(
    t: &TicketState,
    timed_events: impl FnOnce() -> Vec<TimedEvent>,
    engine: &crate::ui::state::engine::Engine,
    now: DateTime<Utc>,
    names: &mut Names,
) -> Row {
    let table = engine.table();
    let c = t.classification.as_ref();
    let kind_code = c.map(|c| c.kind.as_str()).unwrap_or("complaint");
    let kind = table
        .kind(kind_code)
        .map(|k| names.of(&k.zh, &k.en))
        .unwrap_or_default();
    let next = if t.is_open() {
        let timed = timed_events();
        next_due(table, &engine.calendar, &t.clock_input(&timed), now).map(|next| NextDue {
            due: next.due,
            state: next.state,
            soon: next.soon,
            read: now,
            clock: names.of(&next.rule.words.zh, &next.rule.words.en),
        })
    } else {
        None
    };
    Row {
        id: t.id.clone(),
        number: t.number.clone(),
        kind,
        grade: c.and_then(|c| c.grade),
        status: t.status,
        text: first_chars(&t.text, 40).to_string(),
        next,
        conflict: !t.conflicts.is_empty(),
        team: t.team.clone(),
        category: c.map(|c| c.category.clone()).unwrap_or_default(),
    }
}

/// The first `n` characters of `text`, borrowed: a row's preview is one
/// copy of bytes, not 40 characters pushed one at a time (50,000 rows at
/// start-up).
fn first_chars(text: &str, n: usize) -> &str {
    match text.char_indices().nth(n) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[component]
fn QueueRow(
    r: Arc<Row>,
    position: usize,
    now: RwSignal<DateTime<Utc>>,
    flags: CareFlags,
    /// Drawn from the log (not as saved): its actions work.
    live: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = r.kind.clone();
    let grade = r.grade;
    let next = r.next.clone();
    let number = r.number.clone();
    view! {
        <tr data-ticket=r.number.clone() class:conflict=r.conflict aria-rowindex=position + 2>
            <td>
                // A plain link (the router still navigates in the page): the
                // router's <A> costs more per row, and rows are redrawn as you scroll.
                <a href=format!("/crew/t/{}", r.id)>
                    <code>{number}</code>
                </a>
                {r
                    .conflict
                    .then(|| {
                        view! {
                            " "
                            <span class="badge warn" data-testid="conflict">
                                {i18n.t(Term::Conflict)}
                            </span>
                        }
                    })}
                <CareBadges flags=flags />
            </td>
            <td>{move || kind.pick(i18n.lang.get()).to_string()}</td>
            <td>{grade.map(|g| view! { <span class=format!("badge grade-{g}")>{g}</span> })}</td>
            <td data-field="status">{i18n.t(status_key(r.status))}</td>
            <td data-field="next">
                {match next {
                    Some(next) => {
                        let clock = next.clock.clone();
                        let at = Memo::new(move |_| next.at(now.get()));
                        // Carried to the present: due soon and overdue come
                        // on time, a paused clock's deadline moves on.
                        view! {
                            <span class="line">
                                <span class=move || {
                                    format!("clock {}", clock_class(at.get().1))
                                }>{move || i18n.t(clock_key(at.get().1))()}</span>
                                " "
                                <span class="countdown" data-testid="countdown">
                                    {move || deadline_in_words(
                                        (at.get().0 - now.get()).num_seconds(),
                                        i18n.lang.get(),
                                    )}
                                </span>
                            </span>
                            <span class="line meta">
                                {move || clock.pick(i18n.lang.get()).to_string()} " "
                                {move || {
                                    let due = at.get().0;
                                    view! {
                                        <time datetime=due
                                            .to_rfc3339()>
                                            {due
                                                .with_timezone(&china())
                                                .format("%m-%d %H:%M")
                                                .to_string()}
                                        </time>
                                    }
                                }}
                            </span>
                        }
                            .into_any()
                    }
                    None => {
                        view! { <span class="meta">{i18n.t(Key::NoRunningClock)}</span> }.into_any()
                    }
                }}
            </td>
            <td class="text">{r.text.clone()}</td>
            <td>
                {(live && r.status == Status::Received)
                    .then(|| {
                        let id = r.id.clone();
                        view! { <RespondButton ticket=id /> }
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
    let record = data.recorder();
    let busy = record.pending();
    let respond = move |_| {
        let body = crate::domain::event::EventBody::Responded { note: None };
        record.dispatch_local((ticket.clone(), body));
    };
    view! {
        <button type="button" on:click=respond disabled=move || busy.get()>
            {i18n.t(Key::RecordResponse)}
        </button>
    }
}

/// A customer who needs particular care, wherever the ticket is listed or
/// opened: a repeat complainant, a special group.
#[component]
pub fn CareBadges(flags: CareFlags) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {flags
            .repeat_complainant
            .then(|| {
                view! {
                    " "
                    <span
                        class="badge care"
                        data-care="repeat"
                        title=i18n.t(Key::RepeatComplainantHint)
                    >
                        {i18n.t(Key::RepeatComplainant)}
                    </span>
                }
            })}
        {flags
            .special_group
            .then(|| {
                view! {
                    " "
                    <span class="badge care" data-care="special">
                        {i18n.t(Key::SpecialGroup)}
                    </span>
                }
            })}
    }
}

/// The customer's other complaints of the last 90 days, each a link: at
/// intake (opened in a new tab, the call goes on) and on a ticket's page.
#[component]
pub fn EarlierComplaints(earlier: Signal<Vec<(String, String)>>, new_tab: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || earlier.with(|e| !e.is_empty())>
            <div class="earlier-complaints" role="note" data-testid="earlier-complaints">
                <p>
                    <strong>{i18n.t(Key::RepeatComplainant)}</strong>
                    " "
                    {move || {
                        let n = earlier.with(Vec::len).to_string();
                        i18n.t(Key::EarlierComplaintsCount)().replace("{n}", &n)
                    }}
                </p>
                <ul>
                    {move || {
                        earlier
                            .get()
                            .into_iter()
                            .map(|(id, number)| {
                                let href = format!("/crew/t/{id}");
                                view! {
                                    <li>
                                        <a
                                            href=href
                                            target=new_tab.then_some("_blank")
                                            rel=new_tab.then_some("noopener")
                                        >
                                            {number}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}
