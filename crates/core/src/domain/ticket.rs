//! A ticket's current state as a fold over its events. Every device folds the
//! same set of events in the same order (HLC, device, sequence, id), so it
//! reaches the same state whatever order the events arrived in.
//!
//! Edits that did not know of each other (two devices resolving the same ticket
//! offline with different causes) are all kept. The fold picks a deterministic
//! winner and flags a conflict; a later event that knew both (its `parents`
//! reach both) settles it.

use crate::domain::clock::{ClockEvent, ClockInput, TimedEvent};
use crate::domain::event::{sort_in_fold_order, CauseClass, Channel, Contact, Event, EventBody};
use crate::domain::facts::Facts;
use crate::domain::shared_str::SharedStr;
use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Received,
    Responded,
    Dispatched,
    OnSite,
    PendingCustomer,
    Resolved,
    FeedbackGiven,
    Confirmed,
    Closed,
    Voided,
}

impl Status {
    /// Neither closed nor voided: still someone's work.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Closed | Status::Voided)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrentClassification {
    pub kind: String,
    pub category: String,
    pub subcategory: Option<String>,
    pub grade: Option<u8>,
    /// The rule-table version that decided it (none after a manual override).
    pub rule_table_version: Option<String>,
    /// A person overrode the engine; the reason is in the event.
    pub overridden: bool,
    /// The id of the event that decided it, shared with that event.
    pub event: SharedStr,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    pub cause_class: CauseClass,
    pub cause: String,
    pub solution: String,
    pub improvement: String,
    /// The id of the event that resolved it, shared with that event.
    pub event: SharedStr,
}

/// Concurrent edits of one aspect of a ticket that disagree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// `classification`, `resolution` or `satisfaction`.
    pub aspect: String,
    /// The disagreeing events (ids), in fold order; the last one is the winner.
    pub events: Vec<String>,
    pub winner: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketState {
    pub id: String,
    pub number: String,
    pub received: DateTime<Utc>,
    pub channel: Channel,
    pub text: String,
    pub contact: Contact,
    pub station: Option<String>,
    pub team: Option<String>,
    /// Facts a person set at intake plus those of the latest classification.
    pub facts: Facts,
    pub classification: Option<CurrentClassification>,
    pub status: Status,
    /// While waiting on the customer: the status the ticket had before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resumes_to: Option<Status>,
    pub resolution: Option<Resolution>,
    pub satisfaction: Option<u8>,
    /// Reassignments (退单): repeated returns are a process failure (000 §一3).
    pub returns: u32,
    pub reopens: u32,
    pub photos: Vec<String>,
    /// Hashes of the signatures drawn on the device.
    pub signatures: Vec<String>,
    /// The frequent question that answered it at the kiosk.
    pub self_service: Option<String>,
    /// Times the customer was told of a later arrival.
    pub delays: u32,
    pub conflicts: Vec<Conflict>,
    /// The ticket's latest events: the `parents` of the next event written here.
    pub heads: Vec<String>,
    pub last_change: DateTime<Utc>,
}

impl TicketState {
    /// What the clocks need of this ticket, given its clock events: an
    /// unclassified ticket is clocked as a complaint of category "other".
    pub fn clock_input<'a>(&'a self, events: &'a [TimedEvent]) -> ClockInput<'a> {
        let c = self.classification.as_ref();
        ClockInput {
            received: self.received,
            kind: c.map(|c| c.kind.as_str()).unwrap_or("complaint"),
            category: c.map(|c| c.category.as_str()).unwrap_or("other"),
            subcategory: c.and_then(|c| c.subcategory.as_deref()),
            grade: c.and_then(|c| c.grade),
            facts: &self.facts,
            events,
        }
    }

    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }
}

/// Folds the events of many tickets; events of tickets without a `created`
/// event yet (it may arrive in a later file) are kept but not shown.
pub fn fold_all(events: &[Event]) -> BTreeMap<String, TicketState> {
    fold_each(events)
}

/// Folds every ticket the given events belong to (events may repeat).
pub fn fold_each<'a>(events: impl IntoIterator<Item = &'a Event>) -> BTreeMap<String, TicketState> {
    let mut by_ticket: FxHashMap<&str, Vec<&Event>> = FxHashMap::default();
    for e in events {
        by_ticket.entry(e.ticket.as_str()).or_default().push(e);
    }
    in_order(by_ticket.keys().copied(), |id| fold(&by_ticket[id]))
}

/// Each of `ids` folded, into a map. The states are gathered in order in
/// a list sized once, which the map is then built from with full nodes.
/// Gathered from a filter, the list grew by doubling (12 MB, then 24 MB of
/// wasm memory at 50,000 tickets, never given back); inserted one at a
/// time, the map's nodes stay half empty (16 MB more for good).
pub fn in_order<'a>(
    ids: impl Iterator<Item = &'a str>,
    mut fold: impl FnMut(&str) -> Option<TicketState>,
) -> BTreeMap<String, TicketState> {
    let mut ids: Vec<&str> = ids.collect();
    ids.sort_unstable();
    let mut states = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(state) = fold(id) {
            states.push((id.to_string(), state));
        }
    }
    states.into_iter().collect()
}

/// Folds each ticket in turn and hands its state to `visit`, which may
/// keep what it needs of it: the states are never all held at once (the
/// command line over a county's year). Same states as `fold_all`, in no
/// particular order.
pub fn for_each_ticket(events: &[Event], mut visit: impl FnMut(TicketState)) {
    let mut by_ticket: FxHashMap<&str, Vec<&Event>> = FxHashMap::default();
    for e in events {
        by_ticket.entry(e.ticket.as_str()).or_default().push(e);
    }
    for events in by_ticket.into_values() {
        if let Some(state) = fold(&events) {
            visit(state);
        }
    }
}

/// Folds one ticket's events (any order; duplicates by id are ignored).
pub fn fold(events: &[&Event]) -> Option<TicketState> {
    let mut events: Vec<&Event> = events.to_vec();
    sort_in_fold_order(&mut events);
    events.dedup_by(|a, b| a.id == b.id);
    let created = events
        .iter()
        .find(|e| matches!(e.body, EventBody::Created { .. }))?;
    let EventBody::Created {
        number,
        channel,
        text,
        facts,
        contact,
        station,
        team,
    } = &created.body
    else {
        unreachable!("found by its type")
    };
    let mut state = TicketState {
        id: created.ticket.clone(),
        number: number.clone(),
        received: created.at,
        channel: *channel,
        text: text.clone(),
        contact: contact.clone(),
        station: station.clone(),
        team: team.clone(),
        facts: facts.clone(),
        classification: None,
        status: Status::Received,
        resumes_to: None,
        resolution: None,
        satisfaction: None,
        returns: 0,
        reopens: 0,
        photos: Vec::new(),
        signatures: Vec::new(),
        self_service: None,
        delays: 0,
        conflicts: Vec::new(),
        heads: Vec::new(),
        last_change: created.at,
    };
    let manual_facts = facts.clone();
    for e in &events {
        state.last_change = state.last_change.max(e.at);
        apply(&mut state, e, &manual_facts);
    }
    let graph = Graph::new(&events);
    state.heads = graph.heads();
    state.conflicts = ["classification", "resolution", "satisfaction"]
        .into_iter()
        .filter_map(|aspect| graph.conflict(aspect, &events))
        .collect();
    Some(state)
}

fn apply(state: &mut TicketState, e: &Event, manual_facts: &Facts) {
    match &e.body {
        EventBody::Created { .. } => {}
        EventBody::Classified {
            kind,
            category,
            subcategory,
            grade,
            facts,
            rule_table_version,
            ..
        } => {
            state.facts = facts.overridden_by(manual_facts);
            state.classification = Some(CurrentClassification {
                kind: kind.clone(),
                category: category.clone(),
                subcategory: subcategory.clone(),
                grade: *grade,
                rule_table_version: Some(rule_table_version.clone()),
                overridden: false,
                event: e.id.clone(),
            });
        }
        EventBody::Reclassified {
            kind,
            category,
            subcategory,
            grade,
            ..
        } => {
            state.classification = Some(CurrentClassification {
                kind: kind.clone(),
                category: category.clone(),
                subcategory: subcategory.clone(),
                grade: *grade,
                rule_table_version: None,
                overridden: true,
                event: e.id.clone(),
            });
        }
        EventBody::Responded { .. } => advance(state, Status::Responded),
        EventBody::Dispatched { team } => {
            state.team = Some(team.clone());
            advance(state, Status::Dispatched);
        }
        EventBody::Arrived { .. } => advance(state, Status::OnSite),
        EventBody::PendingCustomer { .. } if state.is_open() => {
            if state.status != Status::PendingCustomer {
                state.resumes_to = Some(state.status);
            }
            state.status = Status::PendingCustomer
        }
        // Back where the wait began: a crew on site stays on site.
        EventBody::Resumed if state.status == Status::PendingCustomer => {
            state.status = state
                .resumes_to
                .take()
                .filter(|s| *s < Status::PendingCustomer)
                .unwrap_or(Status::Responded)
        }
        EventBody::Resolved {
            cause_class,
            cause,
            solution,
            improvement,
        } => {
            state.resolution = Some(Resolution {
                cause_class: *cause_class,
                cause: cause.clone(),
                solution: solution.clone(),
                improvement: improvement.clone(),
                event: e.id.clone(),
            });
            advance(state, Status::Resolved);
        }
        EventBody::FeedbackGiven { confirmed, .. } => advance(
            state,
            if *confirmed {
                Status::Confirmed
            } else {
                Status::FeedbackGiven
            },
        ),
        EventBody::Confirmed { satisfaction } => {
            state.satisfaction = Some(*satisfaction);
            advance(state, Status::Confirmed);
        }
        EventBody::Revisited { satisfaction, .. } => state.satisfaction = Some(*satisfaction),
        EventBody::Reopened { .. } => {
            state.reopens += 1;
            state.resolution = None;
            if state.status != Status::Voided {
                state.status = Status::Responded;
            }
        }
        EventBody::Reassigned { team, .. } => {
            state.returns += 1;
            state.team = Some(team.clone());
        }
        EventBody::PhotoAttached { hash, .. } => state.photos.push(hash.clone()),
        EventBody::SignatureAttached { hash, .. } => state.signatures.push(hash.clone()),
        EventBody::SelfServiceAnswered { faq } => state.self_service = Some(faq.clone()),
        EventBody::DelayNotified { .. } => state.delays += 1,
        EventBody::Closed if state.status != Status::Voided => state.status = Status::Closed,
        EventBody::Voided { .. } => state.status = Status::Voided,
        _ => {}
    }
}

/// Moves the lifecycle forward, never back (a late "arrived" does not undo "resolved").
fn advance(state: &mut TicketState, to: Status) {
    if state.is_open() && (to > state.status || state.status == Status::PendingCustomer) {
        state.status = to;
    }
}

/// The clock view of a ticket's events.
pub fn clock_events(events: &[&Event]) -> Vec<TimedEvent> {
    events
        .iter()
        .filter_map(|e| {
            let event = match &e.body {
                EventBody::Responded { .. } => ClockEvent::Responded,
                EventBody::RecordsPulled => ClockEvent::RecordsPulled,
                EventBody::Dispatched { .. } => ClockEvent::Dispatched,
                EventBody::Arrived { .. } => ClockEvent::Arrived,
                EventBody::PendingCustomer { .. } => ClockEvent::PendingCustomer,
                EventBody::Resumed => ClockEvent::Resumed,
                EventBody::ProgressReported { .. } => ClockEvent::ProgressReported,
                EventBody::ApologyMade => ClockEvent::ApologyMade,
                EventBody::Resolved { .. } => ClockEvent::Resolved,
                EventBody::FeedbackGiven { confirmed, .. } => ClockEvent::FeedbackGiven {
                    confirmed: *confirmed,
                },
                EventBody::Confirmed { .. } => ClockEvent::Confirmed,
                EventBody::Revisited {
                    satisfaction,
                    by_supervisor,
                    ..
                } => ClockEvent::Revisited {
                    satisfaction: Some(*satisfaction),
                    by_supervisor: *by_supervisor,
                },
                EventBody::Reopened { .. } => ClockEvent::Reopened,
                EventBody::Voided { .. } => ClockEvent::Voided,
                EventBody::DelayNotified { new_arrival, .. } => ClockEvent::DelayNotified {
                    new_arrival: *new_arrival,
                },
                _ => return None,
            };
            Some(TimedEvent { at: e.at, event })
        })
        .collect()
}

/// The causal graph of one ticket's events, from their `parents`.
struct Graph<'a> {
    parents: Vec<Vec<usize>>,
    ids: Vec<&'a str>,
}

impl<'a> Graph<'a> {
    fn new(events: &[&'a Event]) -> Graph<'a> {
        let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
        // A ticket has a handful of events: looking through them beats
        // hashing 70-character ids (start-up folds 50,000 tickets).
        let index: Option<FxHashMap<&str, usize>> =
            (ids.len() > 32).then(|| ids.iter().enumerate().map(|(i, id)| (*id, i)).collect());
        let position = |id: &str| match &index {
            Some(index) => index.get(id).copied(),
            None => ids.iter().position(|i| *i == id),
        };
        let parents = events
            .iter()
            .map(|e| e.parents.iter().filter_map(|p| position(p)).collect())
            .collect();
        Graph { parents, ids }
    }

    /// Events no other event names as a parent.
    fn heads(&self) -> Vec<String> {
        let mut named = vec![false; self.ids.len()];
        for &p in self.parents.iter().flatten() {
            named[p] = true;
        }
        (0..self.ids.len())
            .filter(|&i| !named[i])
            .map(|i| self.ids[i].to_string())
            .collect()
    }

    fn ancestors(&self, of: usize) -> HashSet<usize> {
        let mut seen = HashSet::new();
        let mut stack = self.parents[of].clone();
        while let Some(i) = stack.pop() {
            if seen.insert(i) {
                stack.extend(&self.parents[i]);
            }
        }
        seen
    }

    /// The edits of an aspect that no later edit of it knew about; more than
    /// one of them, with different content, is a conflict.
    fn conflict(&self, aspect: &str, events: &[&Event]) -> Option<Conflict> {
        let edits: Vec<usize> = events
            .iter()
            .enumerate()
            .filter(|(_, e)| aspect_of(&e.body) == Some(aspect))
            .map(|(i, _)| i)
            .collect();
        if edits.len() < 2 {
            return None;
        }
        let superseded: HashSet<usize> = edits.iter().flat_map(|&i| self.ancestors(i)).collect();
        let latest: Vec<usize> = edits
            .iter()
            .copied()
            .filter(|i| !superseded.contains(i))
            .collect();
        let first = latest.first()?;
        let differ = latest
            .iter()
            .any(|&i| content(&events[i].body) != content(&events[*first].body));
        (latest.len() > 1 && differ).then(|| {
            let ids: Vec<String> = latest.iter().map(|&i| self.ids[i].to_string()).collect();
            Conflict {
                aspect: aspect.to_string(),
                winner: ids.last().cloned().unwrap_or_default(),
                events: ids,
            }
        })
    }
}

fn aspect_of(body: &EventBody) -> Option<&'static str> {
    match body {
        EventBody::Classified { .. } | EventBody::Reclassified { .. } => Some("classification"),
        EventBody::Resolved { .. } => Some("resolution"),
        EventBody::Confirmed { .. } => Some("satisfaction"),
        _ => None,
    }
}

/// What an edit says, without who said it or why, for "do they disagree".
fn content(body: &EventBody) -> String {
    match body {
        EventBody::Classified {
            kind,
            category,
            subcategory,
            grade,
            ..
        }
        | EventBody::Reclassified {
            kind,
            category,
            subcategory,
            grade,
            ..
        } => {
            format!("{kind}/{category}/{subcategory:?}/{grade:?}")
        }
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// Human-friendly ticket numbers, unique per device: `PREFIX-YYYYMMDD-NNNN`
/// (China date), next to the internal id. The prefix names the station or the
/// device, so numbers from different devices never collide.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Numbering {
    pub prefix: String,
    /// The China date of the last number given, `YYYYMMDD`.
    pub day: String,
    pub count: u32,
}

impl Numbering {
    /// The next number for a ticket received at `at`; the counter starts again each day.
    pub fn next(&mut self, at: DateTime<Utc>) -> String {
        let day = crate::domain::time::china_date(at)
            .format("%Y%m%d")
            .to_string();
        if day != self.day {
            self.day = day;
            self.count = 0;
        }
        self.count += 1;
        format!("{}-{}-{:04}", self.prefix, self.day, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ticket_numbers_count_per_china_day_and_carry_the_prefix() {
        let mut n = Numbering {
            prefix: "GS01".into(),
            ..Numbering::default()
        };
        let morning = Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap();
        assert_eq!(n.next(morning), "GS01-20261122-0001");
        assert_eq!(n.next(morning), "GS01-20261122-0002");
        // 16:00 UTC is midnight in China: a new day, a new count.
        let next_day = Utc.with_ymd_and_hms(2026, 11, 22, 16, 0, 0).unwrap();
        assert_eq!(n.next(next_day), "GS01-20261123-0001");
        let mut other = Numbering {
            prefix: "GS02".into(),
            ..Numbering::default()
        };
        assert_ne!(other.next(morning), "GS01-20261122-0001");
    }
}
