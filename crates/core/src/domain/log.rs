//! Which events belong to which ticket, so that a new event refolds only its
//! own ticket instead of the whole log. With 50,000 tickets a full fold takes
//! about a second in the browser; refolding the one ticket a crew member just
//! touched takes microseconds.

use crate::domain::event::Event;
use crate::domain::ticket::{fold, TicketState};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;

/// Positions of each ticket's events in the device's event list.
#[derive(Clone, Debug, Default)]
pub struct TicketIndex {
    by_ticket: FxHashMap<String, Vec<usize>>,
}

impl TicketIndex {
    pub fn build(events: &[Event]) -> TicketIndex {
        let mut index = TicketIndex::default();
        index.extend(events, 0);
        index
    }

    /// Indexes `events[from..]`, the events just appended.
    pub fn extend(&mut self, events: &[Event], from: usize) {
        for (position, e) in events.iter().enumerate().skip(from) {
            // Most events join a ticket already indexed: no key copied for them.
            match self.by_ticket.get_mut(e.ticket.as_str()) {
                Some(positions) => positions.push(position),
                None => {
                    self.by_ticket.insert(e.ticket.clone(), vec![position]);
                }
            }
        }
    }

    /// Every ticket folded, from the index (no second grouping of the log).
    /// Equal to `ticket::fold_all(events)` for the events indexed.
    pub fn fold_all(&self, events: &[Event]) -> BTreeMap<String, TicketState> {
        self.by_ticket
            .keys()
            .filter_map(|id| fold(&self.events_of(events, id)).map(|s| (id.clone(), s)))
            .collect()
    }

    /// One ticket's events, in fold order.
    pub fn events_of<'a>(&self, events: &'a [Event], ticket: &str) -> Vec<&'a Event> {
        let mut mine: Vec<&Event> = self
            .by_ticket
            .get(ticket)
            .map(|positions| positions.iter().map(|&p| &events[p]).collect())
            .unwrap_or_default();
        mine.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        mine.dedup_by(|a, b| a.id == b.id);
        mine
    }

    /// The tickets that `events[from..]`, the events just appended, touch.
    pub fn touched(events: &[Event], from: usize) -> FxHashSet<&str> {
        events[from..].iter().map(|e| e.ticket.as_str()).collect()
    }

    /// Brings `tickets` up to date after `events[from..]` were appended (and
    /// indexed): only the tickets those events touch are folded again.
    pub fn refold(
        &self,
        events: &[Event],
        from: usize,
        tickets: &mut BTreeMap<String, TicketState>,
    ) {
        for ticket in Self::touched(events, from) {
            match fold(&self.events_of(events, ticket)) {
                Some(state) => tickets.insert(ticket.to_string(), state),
                None => tickets.remove(ticket),
            };
        }
    }
}
