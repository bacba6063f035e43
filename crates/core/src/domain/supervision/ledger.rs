//! The complaint-handling ledger (投诉处理台账, spec §8): one row per ticket
//! with what supervision looks at, computed from the ticket's events and the
//! rule table at one instant.

use crate::domain::calendar::Calendar;
use crate::domain::clock::{clocks, ClockState};
use crate::domain::event::{CauseClass, Channel, Event, EventBody};
use crate::domain::facts::Area;
use crate::domain::rules::RuleTable;
use crate::domain::ticket::{clock_events, fold, Status, TicketState};
use crate::domain::time::china;
use crate::domain::{event::sort_in_fold_order, lean_sort};
use chrono::{DateTime, NaiveDate, Utc};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// How one clock of one ticket came out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClockOutcome {
    pub code: String,
    pub state: ClockState,
    pub due: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LedgerRow {
    pub id: String,
    pub number: String,
    pub received: DateTime<Utc>,
    /// `YYYY-MM` of `received` in China time.
    pub month: String,
    /// China-time date of `received`.
    pub day: NaiveDate,
    pub channel: Channel,
    pub kind: String,
    pub category: String,
    pub subcategory: Option<String>,
    pub grade: Option<u8>,
    pub status: Status,
    pub cause_class: Option<CauseClass>,
    /// Who resolved it (the author of the resolution), else who acted last.
    pub handler: Option<String>,
    pub team: Option<String>,
    pub station: Option<String>,
    pub area: Option<Area>,
    pub phone: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// From receipt to resolution, in hours.
    pub handling_hours: Option<f64>,
    /// The clocks that apply to this ticket, in rule-table order.
    pub clocks: Vec<ClockOutcome>,
    pub satisfaction: Option<u8>,
    pub conflict: bool,
    pub returns: u32,
    pub reopens: u32,
    pub photos: usize,
    /// A crew recorded arriving on site.
    pub site_visit: bool,
    pub feedback_given: bool,
    pub confirmed: bool,
    pub revisited: bool,
    /// Signatures drawn on the device (customer confirmation, investigation record).
    pub signatures: usize,
    /// Answered by a frequent question at the kiosk (a self-service consultation).
    pub self_service: bool,
    /// Times the customer was told of a later arrival.
    pub delays: u32,
    pub rule_table_version: Option<String>,
    pub text: String,
    /// The devices that recorded the ticket's events, sorted.
    pub devices: Vec<String>,
    /// Those of `devices` no enrolled supervisor vouches for (unenrolled or
    /// revoked): their records count, but the ledger says whose they are.
    /// Empty until `mark_strangers` is given the reader's roster.
    pub strangers: Vec<String>,
}

impl LedgerRow {
    pub fn is_complaint(&self) -> bool {
        self.kind == "complaint"
    }

    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }

    pub fn overdue(&self) -> bool {
        self.clocks.iter().any(|c| c.state == ClockState::Overdue)
    }

    pub fn due_soon(&self) -> bool {
        self.clocks.iter().any(|c| c.state == ClockState::DueSoon)
    }

    /// A clock was missed, whether it is still running late or met late.
    pub fn any_late(&self) -> bool {
        self.clocks
            .iter()
            .any(|c| matches!(c.state, ClockState::Overdue | ClockState::MetLate))
    }

    pub fn clock(&self, code: &str) -> Option<&ClockOutcome> {
        self.clocks.iter().find(|c| c.code == code)
    }
}

/// The ledger of every ticket, newest first.
pub fn ledger<'a>(
    tickets: &BTreeMap<String, TicketState>,
    events: impl IntoIterator<Item = &'a Event>,
    table: &RuleTable,
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> Vec<LedgerRow> {
    let mut by_ticket: HashMap<&str, Vec<&Event>> = HashMap::new();
    for e in events {
        by_ticket.entry(e.ticket.as_str()).or_default().push(e);
    }
    let mut rows: Vec<LedgerRow> = tickets
        .values()
        .map(|t| {
            let mut own = by_ticket.remove(t.id.as_str()).unwrap_or_default();
            sort_in_fold_order(&mut own);
            row(t, &own, table, calendar, now)
        })
        .collect();
    lean_sort::sort_by(&mut rows, ledger_order);
    rows
}

/// Newest first; the number, then the id, settle ties.
fn ledger_order(a: &LedgerRow, b: &LedgerRow) -> std::cmp::Ordering {
    b.received
        .cmp(&a.received)
        .then(a.number.cmp(&b.number))
        .then(a.id.cmp(&b.id))
}

/// The same rows as [`ledger`] over `fold_all(events)`, each ticket folded
/// and turned into its row in turn: the tickets' states are never all held
/// at once, and each ticket's events are freed once its row is made. What
/// the command line does over a county's year (200,000 tickets), where the
/// events, the states and the rows together came to 2.2 GB.
pub fn ledger_of_events(
    events: Vec<Event>,
    table: &RuleTable,
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> Vec<LedgerRow> {
    // Where each ticket's events are; each event is dropped (its place left
    // empty) once its ticket's row is made. (`Option<Event>` is the size of
    // an event, so the list is not copied to make room for the `None`s.)
    let mut events: Vec<Option<Event>> = events.into_iter().map(Some).collect();
    let mut by_ticket: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
    for (i, e) in events.iter().enumerate() {
        if let (Some(e), Ok(i)) = (e, u32::try_from(i)) {
            by_ticket.entry(e.ticket.as_str()).or_default().push(i);
        }
    }
    let groups: Vec<Vec<u32>> = by_ticket.into_values().collect();
    let mut rows = Vec::with_capacity(groups.len());
    for places in groups {
        let mut own: Vec<&Event> = places
            .iter()
            .filter_map(|&i| events[i as usize].as_ref())
            .collect();
        sort_in_fold_order(&mut own);
        if let Some(state) = fold(&own) {
            rows.push(row(&state, &own, table, calendar, now));
        }
        for i in places {
            events[i as usize] = None;
        }
    }
    lean_sort::sort_by(&mut rows, ledger_order);
    rows
}

/// One ticket's row; `events` are the ticket's events in fold order.
pub fn row(
    t: &TicketState,
    events: &[&Event],
    table: &RuleTable,
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> LedgerRow {
    let c = t.classification.as_ref();
    let kind = c
        .map(|c| c.kind.clone())
        .unwrap_or_else(|| "complaint".into());
    let category = c
        .map(|c| c.category.clone())
        .unwrap_or_else(|| "other".into());
    let timed = clock_events(events);
    let mut clocks: Vec<ClockOutcome> = clocks(table, calendar, &t.clock_input(&timed), now)
        .into_iter()
        .filter(|c| c.state != ClockState::NotApplicable)
        .map(|c| ClockOutcome {
            code: c.words.code.to_string(),
            state: c.state,
            due: c.due,
        })
        .collect();
    // Collected in the place of the clocks' statuses, four times larger
    // each and every rule's: the row keeps only its own (5 of 14 in the
    // demo; 2.2 KB a row before, 450 MB over 200,000 tickets).
    clocks.shrink_to_fit();
    let resolution = t
        .resolution
        .as_ref()
        .and_then(|r| events.iter().find(|e| e.id == r.event));
    let has = |test: fn(&EventBody) -> bool| events.iter().any(|e| test(&e.body));
    let local = t.received.with_timezone(&china());
    LedgerRow {
        id: t.id.clone(),
        number: t.number.clone(),
        received: t.received,
        month: local.format("%Y-%m").to_string(),
        day: local.date_naive(),
        channel: t.channel,
        subcategory: c.and_then(|c| c.subcategory.clone()),
        grade: c.and_then(|c| c.grade),
        kind,
        category,
        status: t.status,
        cause_class: t.resolution.as_ref().map(|r| r.cause_class),
        handler: resolution
            .or(events.last())
            .map(|e| e.author.to_string())
            .filter(|a| !a.is_empty()),
        team: t.team.clone(),
        station: t.station.clone(),
        area: t.facts.area,
        phone: t.contact.phone.clone(),
        resolved_at: resolution.map(|e| e.at),
        handling_hours: resolution
            .map(|e| (e.at - t.received).num_seconds().max(0) as f64 / 3600.0),
        clocks,
        satisfaction: t.satisfaction,
        conflict: !t.conflicts.is_empty(),
        returns: t.returns,
        reopens: t.reopens,
        photos: t.photos.len(),
        site_visit: has(|b| matches!(b, EventBody::Arrived { .. })),
        feedback_given: has(|b| matches!(b, EventBody::FeedbackGiven { .. })),
        confirmed: has(|b| matches!(b, EventBody::Confirmed { .. })),
        revisited: has(|b| matches!(b, EventBody::Revisited { .. })),
        signatures: t.signatures.len(),
        self_service: t.self_service.is_some(),
        delays: t.delays,
        rule_table_version: c.and_then(|c| c.rule_table_version.clone()),
        text: t.text.clone(),
        devices: devices_of(events),
        strangers: Vec::new(),
    }
}

fn devices_of(events: &[&Event]) -> Vec<String> {
    let mut devices: Vec<String> = events.iter().map(|e| e.device.to_string()).collect();
    devices.sort_unstable();
    devices.dedup();
    devices
}

/// Marks in each row the devices `is_stranger` says no enrolled supervisor
/// vouches for (see `Roster::voucher`). The roster is the reader's, so the
/// ledger's rows are built without it and marked after.
pub fn mark_strangers(rows: &mut [LedgerRow], is_stranger: impl Fn(&str) -> bool) {
    let mut known: HashMap<String, bool> = HashMap::new();
    for row in rows {
        row.strangers = row
            .devices
            .iter()
            .filter(|d| *known.entry(d.to_string()).or_insert_with(|| is_stranger(d)))
            .cloned()
            .collect();
    }
}

/// What the ledger view can filter on; empty fields do not filter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LedgerFilter {
    pub month: Option<String>,
    pub station: Option<String>,
    pub area: Option<Area>,
    pub team: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub grade: Option<u8>,
    pub status: Option<Status>,
    pub overdue_only: bool,
    pub conflict_only: bool,
    /// Lower-case words looked for in number, phone, team, station, handler and text.
    pub words: String,
}

impl LedgerFilter {
    pub fn matches(&self, r: &LedgerRow) -> bool {
        let same = |want: &Option<String>, have: &Option<String>| {
            want.as_ref().is_none_or(|w| have.as_ref() == Some(w))
        };
        self.month.as_ref().is_none_or(|m| &r.month == m)
            && same(&self.station, &r.station)
            && same(&self.team, &r.team)
            && self.area.is_none_or(|a| r.area == Some(a))
            && self.kind.as_ref().is_none_or(|k| &r.kind == k)
            && self.category.as_ref().is_none_or(|c| &r.category == c)
            && self.grade.is_none_or(|g| r.grade == Some(g))
            && self.status.is_none_or(|s| r.status == s)
            && (!self.overdue_only || r.overdue())
            && (!self.conflict_only || r.conflict)
            && (self.words.is_empty() || self.found_in(r))
    }

    fn found_in(&self, r: &LedgerRow) -> bool {
        [
            Some(r.number.as_str()),
            r.phone.as_deref(),
            r.team.as_deref(),
            r.station.as_deref(),
            r.handler.as_deref(),
            Some(r.text.as_str()),
        ]
        .into_iter()
        .flatten()
        .any(|field| field.to_lowercase().contains(&self.words))
    }
}
