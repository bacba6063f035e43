//! The device's log of events, and which of them belong to which ticket.
//!
//! The log is kept in blocks, not one list. A list grows by moving into a
//! bigger one, so an import of 90,000 events into a log of 190,000 held
//! both lists at once (43 MB and 61 MB of wasm memory, never given back);
//! a block list takes the imported list as a block of its own. A block
//! shared (an export being written holds the log) is never copied to
//! append to: a new block starts instead.
//!
//! The ticket index lets a new event refold only its own ticket instead of
//! the whole log. With 50,000 tickets a full fold takes about a second in
//! the browser; refolding the one ticket a crew member just touched takes
//! microseconds.

use crate::domain::event::{sort_in_fold_order, Event};
use crate::domain::ticket::{fold, in_order, TicketState};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The events a device holds, in the order it took them (see the module's
/// comment). Cloning it shares its blocks.
#[derive(Clone, Debug, Default)]
pub struct Log {
    blocks: Vec<Arc<Vec<Event>>>,
    /// Where each block starts in the log.
    starts: Vec<usize>,
    len: usize,
}

impl Log {
    /// Room a block keeps for the events saved after it: a day's work
    /// appended without a new block (about 0.9 MB of wasm memory).
    pub const ROOM: usize = 4_096;
    /// Fewer events than this are copied into a block with room rather
    /// than kept as a block of their own: one block per saved action
    /// would make a long list of tiny blocks.
    const SMALL: usize = 256;

    pub fn new() -> Log {
        Log::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, position: usize) -> Option<&Event> {
        if position >= self.len {
            return None;
        }
        let block = self.starts.partition_point(|&start| start <= position) - 1;
        self.blocks[block].get(position - self.starts[block])
    }

    pub fn iter(&self) -> Iter<'_> {
        self.iter_from(0)
    }

    /// The events from `position` on (those appended since the log was
    /// that long).
    pub fn iter_from(&self, position: usize) -> Iter<'_> {
        if position >= self.len {
            return Iter::default();
        }
        let first = self.starts.partition_point(|&start| start <= position) - 1;
        Iter {
            front: self.blocks[first][position - self.starts[first]..].iter(),
            middle: self.blocks[first + 1..].iter(),
            back: [].iter(),
            remaining: self.len - position,
        }
    }

    /// The blocks in order (each a list the allocator gave at once).
    #[cfg(test)]
    fn blocks(&self) -> impl Iterator<Item = &[Event]> {
        self.blocks.iter().map(|block| block.as_slice())
    }

    /// Appends `events`: into the last block when it has room and nothing
    /// else holds it; a few into a new block with room; a list of more
    /// becomes a block as it is, with at most `ROOM` spare (the rest is
    /// given back to the allocator, in place).
    pub fn append(&mut self, mut events: Vec<Event>) {
        let added = events.len();
        if added == 0 {
            return;
        }
        if let Some(last) = self.blocks.last_mut().and_then(Arc::get_mut) {
            if last.capacity() - last.len() >= added {
                last.append(&mut events);
                self.len += added;
                return;
            }
        }
        let block = if added < Self::SMALL {
            let mut block = Vec::with_capacity(Self::ROOM);
            block.append(&mut events);
            block
        } else {
            if events.capacity() > added + Self::ROOM {
                events.shrink_to(added + Self::ROOM);
            }
            events
        };
        self.starts.push(self.len);
        self.blocks.push(Arc::new(block));
        self.len += added;
    }

    /// Every event, mutably; a block something else holds is copied first.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Event> {
        self.blocks
            .iter_mut()
            .flat_map(|block| Arc::make_mut(block).iter_mut())
    }
}

/// A list becomes the log's one block as it is.
impl From<Vec<Event>> for Log {
    fn from(events: Vec<Event>) -> Log {
        if events.is_empty() {
            return Log::new();
        }
        Log {
            len: events.len(),
            starts: vec![0],
            blocks: vec![Arc::new(events)],
        }
    }
}

/// Events of a [`Log`], in order. It knows how many are left, so that
/// what is collected from it is sized once, not grown by doubling.
#[derive(Clone, Default)]
pub struct Iter<'a> {
    front: std::slice::Iter<'a, Event>,
    middle: std::slice::Iter<'a, Arc<Vec<Event>>>,
    back: std::slice::Iter<'a, Event>,
    remaining: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Event;

    fn next(&mut self) -> Option<&'a Event> {
        loop {
            if let Some(event) = self.front.next() {
                self.remaining -= 1;
                return Some(event);
            }
            match self.middle.next() {
                Some(block) => self.front = block.iter(),
                None => {
                    let event = self.back.next()?;
                    self.remaining -= 1;
                    return Some(event);
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(event) = self.back.next_back() {
                self.remaining -= 1;
                return Some(event);
            }
            match self.middle.next_back() {
                Some(block) => self.back = block.iter(),
                None => {
                    let event = self.front.next_back()?;
                    self.remaining -= 1;
                    return Some(event);
                }
            }
        }
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Log {
    type Item = &'a Event;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl std::ops::Index<usize> for Log {
    type Output = Event;

    fn index(&self, position: usize) -> &Event {
        match self.get(position) {
            Some(event) => event,
            None => panic!("position {position} past a log of {}", self.len),
        }
    }
}

/// Positions of each ticket's events in the device's event list.
#[derive(Clone, Debug, Default)]
pub struct TicketIndex {
    by_ticket: FxHashMap<String, Vec<usize>>,
}

impl TicketIndex {
    pub fn build(events: &Log) -> TicketIndex {
        let mut index = TicketIndex::default();
        index.extend(events, 0);
        index
    }

    /// Indexes `events[from..]`, the events just appended.
    pub fn extend(&mut self, events: &Log, from: usize) {
        for (position, e) in (from..).zip(events.iter_from(from)) {
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
    pub fn fold_all(&self, events: &Log) -> BTreeMap<String, TicketState> {
        in_order(self.by_ticket.keys().map(String::as_str), |id| {
            fold(&self.events_of(events, id))
        })
    }

    /// One ticket's events, in fold order.
    pub fn events_of<'a>(&self, events: &'a Log, ticket: &str) -> Vec<&'a Event> {
        let mut mine: Vec<&Event> = self
            .by_ticket
            .get(ticket)
            .map(|positions| positions.iter().map(|&p| &events[p]).collect())
            .unwrap_or_default();
        sort_in_fold_order(&mut mine);
        mine.dedup_by(|a, b| a.id == b.id);
        mine
    }

    /// The tickets that `events[from..]`, the events just appended, touch.
    pub fn touched(events: &Log, from: usize) -> FxHashSet<&str> {
        events.iter_from(from).map(|e| e.ticket.as_str()).collect()
    }

    /// Brings `tickets` up to date after `events[from..]` were appended (and
    /// indexed): only the tickets those events touch are folded again.
    pub fn refold(&self, events: &Log, from: usize, tickets: &mut BTreeMap<String, TicketState>) {
        for ticket in Self::touched(events, from) {
            match fold(&self.events_of(events, ticket)) {
                Some(state) => tickets.insert(ticket.to_string(), state),
                None => tickets.remove(ticket),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{EventBody, Hlc, NewEvent};
    use chrono::{TimeZone, Utc};

    /// Notes numbered `from..to`, on tickets t0–t6.
    fn notes(from: usize, to: usize) -> Vec<Event> {
        (from..to)
            .map(|n| {
                NewEvent {
                    ticket: format!("t{}", n % 7),
                    device: "d1".into(),
                    seq: n as u64 + 1,
                    at: Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap(),
                    hlc: Hlc { ms: n as i64, n: 0 },
                    author: "王工".into(),
                    parents: vec![],
                    body: EventBody::Note {
                        text: format!("note {n}"),
                    },
                }
                .seal()
            })
            .collect()
    }

    fn seqs<'a>(events: impl Iterator<Item = &'a Event>) -> Vec<u64> {
        events.map(|e| e.seq).collect()
    }

    /// A log of several blocks: a large list, notes one by one, a second
    /// large list, while the last block was shared.
    fn log_of_blocks() -> (Log, Vec<Event>) {
        let mut log = Log::from(notes(0, 5_000));
        for n in 5_000..5_010 {
            log.append(notes(n, n + 1));
        }
        let shared = log.clone();
        log.append(notes(5_010, 5_012));
        log.append(notes(5_012, 10_000));
        assert_eq!(shared.len(), 5_010, "a clone keeps what it was");
        (log, notes(0, 10_000))
    }

    #[test]
    fn positions_read_the_same_as_one_list() {
        let (log, flat) = log_of_blocks();
        assert!(log.blocks().count() >= 3, "{} blocks", log.blocks().count());
        assert_eq!(log.len(), flat.len());
        assert_eq!(seqs(log.iter()), seqs(flat.iter()));
        assert_eq!(seqs(log.iter().rev()), seqs(flat.iter().rev()));
        let mut both_ends = log.iter();
        assert_eq!(both_ends.len(), flat.len());
        assert_eq!(both_ends.next().map(|e| e.seq), Some(1));
        assert_eq!(both_ends.next_back().map(|e| e.seq), Some(10_000));
        assert_eq!(seqs(both_ends.by_ref()).len(), flat.len() - 2);
        assert_eq!(both_ends.len(), 0);
        for position in (0..=flat.len())
            .step_by(7)
            .chain([4_999, 5_000, 5_009, 5_010, 5_011, 5_012])
        {
            assert_eq!(
                log.get(position).map(|e| e.seq),
                flat.get(position).map(|e| e.seq)
            );
            assert_eq!(seqs(log.iter_from(position)), seqs(flat[position..].iter()));
            assert_eq!(log.iter_from(position).len(), flat.len() - position);
        }
        assert_eq!(log[9_999].seq, 10_000);
        assert!(log.get(10_000).is_none());
        assert_eq!(log.iter_from(20_000).count(), 0);
    }

    #[test]
    fn a_large_list_becomes_a_block_as_it_is() {
        let events = notes(0, 5_000);
        let first = events.as_ptr();
        let log = Log::from(events);
        assert_eq!(log.blocks().next().map(|b| b.as_ptr()), Some(first));

        let mut roomy = Vec::with_capacity(20_000);
        roomy.extend(notes(5_000, 10_000));
        let mut log = log;
        log.append(roomy);
        let last = log.blocks.last().unwrap();
        assert!(
            last.capacity() <= 5_000 + Log::ROOM,
            "spare room given back: {}",
            last.capacity()
        );
    }

    #[test]
    fn segments_become_blocks_and_saved_actions_share_one() {
        let mut log = Log::new();
        for n in (0..3_000).step_by(1_000) {
            log.append(notes(n, n + 1_000));
        }
        for n in 3_000..3_010 {
            log.append(notes(n, n + 1));
        }
        let sizes: Vec<usize> = log.blocks().map(|b| b.len()).collect();
        assert_eq!(sizes, [1_000, 1_000, 1_000, 10]);
    }

    #[test]
    fn notes_fill_a_block_with_room_before_a_new_one() {
        let mut log = Log::new();
        for n in 0..Log::ROOM + 1 {
            log.append(notes(n, n + 1));
        }
        assert_eq!(
            log.blocks().map(|b| b.len()).collect::<Vec<_>>(),
            [Log::ROOM, 1]
        );
    }

    #[test]
    fn a_block_held_elsewhere_is_never_changed() {
        let mut log = Log::from(notes(0, 10));
        let export = log.clone();
        log.append(notes(10, 11));
        for event in log.iter_mut() {
            event.author = "李工".into();
        }
        assert_eq!(export.len(), 10);
        assert!(export.iter().all(|e| e.author == "王工"));
        assert!(log.iter().all(|e| e.author == "李工"));
    }

    #[test]
    fn the_index_reads_tickets_across_blocks() {
        let (log, flat) = log_of_blocks();
        let mut index = TicketIndex::build(&Log::from(flat[..5_000].to_vec()));
        let whole = TicketIndex::build(&log);
        index.extend(&log, 5_000);
        assert_eq!(index.fold_all(&log), whole.fold_all(&log));
        assert_eq!(index.fold_all(&log), crate::domain::ticket::fold_all(&flat));
        let touched = TicketIndex::touched(&log, 9_998);
        assert_eq!(touched.len(), 2);
    }
}
