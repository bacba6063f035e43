//! Validating a file a slice of events at a time.

use super::checksum::{
    claimed_id, close_checksum, close_events, id_hashes_to, id_of_digest, is_id_of, Checksum, Sink,
    CLOSED,
};
use super::error::{AttachmentProblem, EventProblem, Expected};
use super::scan::{
    device_and_seq, hash_canonical, own_canonical, read_own_form, write, writes_exactly, Member,
    OwnForm, WithoutId,
};
use super::trust::{Held, NothingHeld};
use super::{
    Attachment, Bundle, BundleError, FORMAT, MAX_ATTACHMENT_BYTES, MAX_TEXT_CHARS, VERSION,
};
use crate::domain::event::{canonical, sha256_id, Event, EVENT_TYPES};
use crate::domain::segment::named_among;
use crate::domain::trust::ChainRecord;
use base64::Engine as _;
use chrono::{DateTime, Duration, TimeZone, Utc};
use rustc_hash::FxHashMap;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::borrow::{Borrow, Cow};
use std::collections::BTreeMap;

/// How far a validation has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub checked: usize,
    pub total: usize,
}

impl Progress {
    pub fn is_done(self) -> bool {
        self.checked >= self.total
    }
}

/// Looks up an event the device holds by its id.
pub(super) type HeldEvents<'a> = Box<dyn Fn(&str) -> Option<&'a Event> + 'a>;

/// Looks up an event the device holds by its device and sequence number.
pub(super) type HeldAt<'a> = Box<dyn Fn(&str, u64) -> Option<&'a Event> + 'a>;

/// A validation done a slice at a time, so that a page can show progress,
/// stay responsive and offer to cancel between slices. The checksum is hashed
/// as the events are checked, in the same canonical form as `Bundle::seal`.
///
/// The file is not parsed into one tree: each event stays a slice of the
/// text until its turn, so memory holds one event's tree at a time.
pub struct Validation<'a> {
    now: DateTime<Utc>,
    header: Map<String, Value>,
    /// Each event's text until its turn: a slice of the file, or a text
    /// of its own, which is freed once the event is checked.
    raw_events: Vec<Cow<'a, str>>,
    /// The events checked, in the file's order: the device's own where it
    /// holds them (see `knowing`), `None` for the next of `read`. A held
    /// event costs a pointer here, not a whole event's room.
    order: Vec<Option<&'a Event>>,
    /// The events read from the file, in its order.
    read: Vec<Event>,
    /// How many events the file lists, when known before they arrive.
    listed: usize,
    checksum: Checksum,
    /// Canonical JSON of the keys after "events", hashed at the end.
    tail: String,
    /// Reused for each key-value pair written into the hashes.
    scratch: Vec<u8>,
    /// Reused for each event's canonical form.
    canonical: Vec<u8>,
    /// Events the device already holds, by id (see `knowing`).
    known: Option<HeldEvents<'a>>,
    /// The same, by device and sequence number (see `knowing_where`).
    known_at: Option<HeldAt<'a>>,
    /// What the device holds, for the trust checks (see `holding`).
    held: Option<Box<dyn Held + 'a>>,
    /// Whether the bundle leaves out the events taken from `known`.
    leave_held_out: bool,
    /// The new events whose ids are left to the caller (`ids_elsewhere`):
    /// where each is in the checksum's bytes, and how many in all.
    id_spans: Option<Vec<u32>>,
    ids_left_to_caller: usize,
    /// Where in `read` the events are whose ids the caller derives (format
    /// 3 with `ids_elsewhere`), in the order it gets them.
    ids_to_come: Vec<usize>,
    /// Whether the file's events may leave their ids out (version 3 on),
    /// each then derived from the event's content.
    ids_may_be_left_out: bool,
}

impl<'a> Validation<'a> {
    /// Parses the JSON and checks the header; fails fast on the common mistakes.
    pub fn start(text: &'a str, now: DateTime<Utc>) -> Result<Validation<'a>, BundleError> {
        let text = text.trim_start_matches('\u{feff}');
        if text.trim().is_empty() {
            return Err(BundleError::Empty);
        }
        // A hostile file nests deeper than any event does: refused before a
        // parser recurses into it.
        if let Some(line) = too_deep(text.as_bytes(), MAX_DEPTH) {
            return Err(BundleError::TooDeep { line });
        }
        // One pass over the text: the events stay slices of it for now.
        let TopLevel::<&RawValue> {
            header: map,
            events: raw_events,
        } = serde_json::from_str(text).map_err(|e| match e.classify() {
            serde_json::error::Category::Data => BundleError::NotObject,
            _ => BundleError::NotJson {
                line: e.line(),
                column: e.column(),
            },
        })?;
        check_header(&map)?;
        let raw_events = raw_events.ok_or(bad("events", Expected::EventList))?;
        let raw_events = raw_events
            .into_iter()
            .map(|raw| Cow::Borrowed(raw.get()))
            .collect();
        Ok(Validation::of(map, raw_events, now))
    }

    /// As [`Validation::start`], for a file whose parts are apart: `head`,
    /// its top level without the events, and each event's text. A group
    /// pulled from a sync server (`couch::GroupFile`) is checked this way
    /// without first being copied into one text as large as the group.
    /// Texts handed over (`String`s) are freed as their events are checked,
    /// so a group's texts and its checked events are not held at once.
    pub fn start_parts<T: Into<Cow<'a, str>>>(
        head: &str,
        events: Vec<T>,
        now: DateTime<Utc>,
    ) -> Result<Validation<'a>, BundleError> {
        let events: Vec<Cow<'a, str>> = events.into_iter().map(Into::into).collect();
        let map: Map<String, Value> =
            serde_json::from_str(head).map_err(|e| BundleError::NotJson {
                line: e.line(),
                column: e.column(),
            })?;
        check_header(&map)?;
        if map.contains_key("events") {
            return Err(bad("events", Expected::Nothing));
        }
        if let Some(index) = events.iter().position(|e| event_too_deep(e)) {
            return Err(BundleError::BadEvent {
                index,
                problem: EventProblem::NotAnObject,
            });
        }
        Ok(Validation::of(map, events, now))
    }

    /// Room for `more` events still to come (see [`Validation::add_events`]),
    /// made at once rather than grown by doubling; `more` read from the
    /// file, none of them held (a device that holds events does not know
    /// how many of a file's are new: the list of those read grows).
    pub fn expect(&mut self, more: usize) {
        self.raw_events.reserve_exact(more);
        self.order.reserve_exact(more);
        self.read.reserve_exact(more);
    }

    /// The file lists `events` in all, of which an unknown share is held:
    /// the list of events read then grows by what the share read so far
    /// foretells (see `room_to_read`), not by doubling.
    pub fn listing(&mut self, events: usize) {
        self.listed = events;
        self.raw_events
            .reserve_exact(events.saturating_sub(self.raw_events.len()));
        self.order
            .reserve_exact(events.saturating_sub(self.order.len()));
    }

    /// Room for the next event read. Doubling would leave the list up to
    /// twice what it needs and, while it moves, hold both (for 90,000 new
    /// events among 190,000: a 29 MB block beside a 14 MB one). The share
    /// of events read among those checked so far, over the events listed,
    /// says how many will be read; the list grows by at least half.
    fn room_to_read(&mut self) {
        let read = self.read.len();
        if read < self.read.capacity() {
            return;
        }
        let listed = self.listed.max(self.raw_events.len());
        let checked = self.order.len().max(1);
        let left = listed.saturating_sub(checked);
        // In 64 bits: `read * left` passes 2^32 on wasm32 at 131,072
        // events. The share is at most `left`, since `read <= checked`.
        let share = (read as u64 * left as u64 / checked as u64) as usize;
        let foretold = read + share + read / 16 + 64;
        let at_least = read + read / 2;
        let mut room = foretold.max(at_least);
        if self.listed > 0 {
            // No more than the file lists (events still arriving, when it
            // is not known how many, are not counted in `left`).
            room = room.min(read + left + 1);
        }
        self.read.reserve_exact(room - read);
    }

    /// More events of a file whose parts arrive apart (`start_parts`): a
    /// group pulled a page at a time is checked as it comes, each page's
    /// texts freed once checked.
    pub fn add_events<T: Into<Cow<'a, str>>>(&mut self, events: Vec<T>) -> Result<(), BundleError> {
        for event in events {
            let event = event.into();
            if event_too_deep(&event) {
                return Err(BundleError::BadEvent {
                    index: self.raw_events.len(),
                    problem: EventProblem::NotAnObject,
                });
            }
            self.raw_events.push(event);
        }
        Ok(())
    }

    /// The chain records of a file whose parts arrive apart, once all are
    /// known (before `finish`, which checks the signatures against them).
    pub fn set_chains(&mut self, chains: Value) {
        self.header.insert("chains".into(), chains);
    }

    fn of(header: Map<String, Value>, raw_events: Vec<Cow<'a, str>>, now: DateTime<Utc>) -> Self {
        // One pointer per event, sized at once.
        let order = Vec::with_capacity(raw_events.len());
        // Canonical form: keys in order; "events" is streamed into the hash as it is checked.
        let (head, tail) = canonical_around_events(&header);
        let mut hasher = Sha256::new();
        hasher.update(head.as_bytes());
        Validation {
            now,
            order,
            read: Vec::new(),
            listed: 0,
            raw_events,
            checksum: Checksum::Hashed(hasher),
            tail,
            scratch: Vec::new(),
            canonical: Vec::new(),
            known: None,
            known_at: None,
            held: None,
            leave_held_out: false,
            id_spans: None,
            ids_left_to_caller: 0,
            ids_to_come: Vec::new(),
            ids_may_be_left_out: header
                .get("version")
                .and_then(Value::as_u64)
                .is_some_and(|version| !super::ids_written(version)),
            header,
        }
    }

    /// Checks the file's signatures and sequence numbers against what the
    /// device holds (known keys, events by `(device, seq)`).
    pub fn holding(mut self, held: impl Held + 'a) -> Self {
        self.held = Some(Box::new(held));
        self
    }

    /// Lets the validation take events the device already holds from
    /// `known` (an id to the held event): an event in the file whose content
    /// hashes to its id is that same event, so it is not read again, and
    /// is lent rather than copied while the file is checked. Its bytes
    /// still count towards the checksum.
    pub fn knowing(mut self, known: impl Fn(&str) -> Option<&'a Event> + 'a) -> Self {
        self.known = Some(Box::new(known));
        self
    }

    /// As `knowing`, for events that leave their id out (format 3): the
    /// event the device holds at a `(device, seq)`. An event of the file
    /// written exactly as the held one writes without its id is that event,
    /// so its id need not be derived (a hash of every event held, else).
    pub fn knowing_where(mut self, known_at: impl Fn(&str, u64) -> Option<&'a Event> + 'a) -> Self {
        self.known_at = Some(Box::new(known_at));
        self
    }

    /// The bundle leaves out the events taken from `known` (checked with
    /// the others: sequences, signatures), for a caller that keeps only
    /// what the device does not hold (a chosen file's import). A group
    /// pulled from a server keeps them: its documents are judged by where
    /// each of their events lies in the bundle.
    pub fn leaving_held_out(mut self) -> Self {
        self.leave_held_out = true;
        self
    }

    /// For a text this device put together itself from a sync server's
    /// documents (`couch::GroupFile`): it has no checksum of its own to
    /// check, and none is hashed. Every other check stays: shape, each
    /// event's id, sequence numbers and signatures.
    pub fn assembled(mut self) -> Self {
        self.checksum = Checksum::Skipped;
        self
    }

    /// Leaves the checksum's hashing to the caller: the canonical bytes it
    /// covers are collected instead, for `take_checksum_bytes`, and `finish_with`
    /// takes the digest. (A browser hashes them with its own SHA-256, on
    /// another thread and several times faster than SHA-256 in wasm.)
    pub fn checksum_elsewhere(mut self) -> Self {
        if let Checksum::Hashed(_) = self.checksum {
            let (head, _) = canonical_around_events(&self.header);
            self.checksum = Checksum::Collected {
                bytes: head.into_bytes(),
                closed: false,
            };
        }
        self
    }

    /// Leaves the checksum and the ids of new events written in this app's
    /// own layout to the caller (all but a few of a file's events): ids a
    /// file carries to be checked, and those a file of version 3 leaves out
    /// to be derived (each such event's span has an empty id range, and
    /// `IdsChecked::derived` brings the digests back): the
    /// checksum as `checksum_elsewhere`, and for each such id where its event
    /// is in the checksum's bytes (`ChecksumPart::id_spans`), to be checked
    /// with `IdsChecked::check` and reported to `finish_elsewhere`. (A
    /// browser hashes them on its other core.)
    pub fn ids_elsewhere(self) -> Self {
        let mut validation = self.checksum_elsewhere();
        validation.id_spans = Some(Vec::new());
        validation
    }

    /// The checksum's bytes collected since the last call (see
    /// `checksum_elsewhere`); after the last event, the closing bytes too.
    /// Empty when the checksum is hashed here.
    pub fn take_checksum_bytes(&mut self) -> Vec<u8> {
        self.take_checksum_part().bytes
    }

    /// `take_checksum_bytes`, with where the ids left to the caller are in
    /// those bytes (see `ids_elsewhere`).
    pub fn take_checksum_part(&mut self) -> ChecksumPart {
        let done = self.progress().is_done();
        let id_spans = match &mut self.id_spans {
            Some(spans) => std::mem::take(spans),
            None => Vec::new(),
        };
        let bytes = match &mut self.checksum {
            Checksum::Hashed(_) | Checksum::Skipped => Vec::new(),
            Checksum::Collected { bytes, closed } => {
                if done && !*closed {
                    close_events(bytes, &self.tail);
                    bytes.feed(CLOSED);
                    *closed = true;
                }
                std::mem::take(bytes)
            }
        };
        ChecksumPart { bytes, id_spans }
    }

    /// Takes back a part's buffers once sent, emptied, for the next
    /// slice's bytes. A new buffer per slice would each need a new block
    /// of wasm memory: the old one's room is taken meanwhile by the events
    /// read, and a file of 190,000 events grew memory by 30 MB that way.
    pub fn give_back(&mut self, part: ChecksumPart) {
        let ChecksumPart {
            mut bytes,
            mut id_spans,
        } = part;
        if let Checksum::Collected { bytes: current, .. } = &mut self.checksum {
            if current.is_empty() && current.capacity() < bytes.capacity() {
                bytes.clear();
                *current = bytes;
            }
        }
        if let Some(current) = &mut self.id_spans {
            if current.is_empty() && current.capacity() < id_spans.capacity() {
                id_spans.clear();
                *current = id_spans;
            }
        }
    }

    /// The events checked so far, held and read, in the file's order.
    fn in_order(&self) -> Vec<&Event> {
        let mut read = self.read.iter();
        let mut events = Vec::with_capacity(self.order.len());
        events.extend(
            self.order
                .iter()
                .map_while(|slot| slot.or_else(|| read.next())),
        );
        events
    }

    /// Points each parent of `event` at the id of the event it names when
    /// that event is among the few checked just before it (a ticket's events
    /// lie together in a file): the parent then costs a pointer, not a
    /// string of its own.
    fn share_parents(&self, event: &mut Event) {
        for parent in &mut event.parents {
            let mut read = self.read.iter().rev();
            let latest_first = self
                .order
                .iter()
                .rev()
                .filter_map(|slot| slot.or_else(|| read.next()));
            if let Some(named) = named_among(parent, latest_first) {
                *parent = named.clone();
            }
        }
    }

    pub fn progress(&self) -> Progress {
        Progress {
            checked: self.order.len(),
            total: self.raw_events.len(),
        }
    }

    /// Checks up to `max` more events.
    pub fn step(&mut self, max: usize) -> Result<Progress, BundleError> {
        let start = self.order.len();
        let end = self.raw_events.len().min(start.saturating_add(max));
        for index in start..end {
            // Taken out: a text of its own is freed once checked.
            let text = std::mem::take(&mut self.raw_events[index]);
            if index > 0 {
                self.checksum.feed(b",");
            }
            let event = match self.check_own_form(index, &text)? {
                Some(event) => event,
                None => self.check_any_form(index, &text)?,
            };
            match event {
                Cow::Borrowed(held) => self.order.push(Some(held)),
                Cow::Owned(mut event) => {
                    // Read into a list grown from nothing, usually one parent
                    // in room for four; the log keeps every event, so no
                    // room to spare.
                    event.parents.shrink_to_fit();
                    self.share_parents(&mut event);
                    self.order.push(None);
                    self.room_to_read();
                    self.read.push(event);
                }
            }
        }
        Ok(self.progress())
    }

    /// The usual case, an event written exactly as this app writes events:
    /// its canonical form comes straight from the text (keys sorted, values
    /// as written) without building a tree. `None` when the event is written
    /// any other way; nothing has been hashed then.
    fn check_own_form(
        &mut self,
        index: usize,
        text: &str,
    ) -> Result<Option<Cow<'a, Event>>, BundleError> {
        let Some(OwnForm { id, members }) = own_canonical(text.as_bytes(), &mut self.canonical)
        else {
            return Ok(None);
        };
        if id.is_none() && self.ids_may_be_left_out {
            if let Some(held) = self.held_where(text, &members) {
                self.checksum.feed(&self.canonical);
                return Ok(Some(Cow::Borrowed(held)));
            }
        }
        // An id left out is the hash of the rest, which is all there is:
        // derived by the caller where ids are left to it (on another core,
        // the event's id a placeholder until `finish_elsewhere`), here else.
        let left_out = id.is_none() && self.ids_may_be_left_out;
        let derive_later = left_out && self.id_spans.is_some();
        let derived = (left_out && !derive_later).then(|| sha256_id(&self.canonical));
        let named = match (&id, &derived) {
            (Some((_, id)), _) => Some(*id),
            (None, Some(derived)) => Some(derived.as_str()),
            (None, None) if derive_later => None,
            // No id where the file's version wants one: the tree names the fault.
            (None, None) => return Ok(None),
        };
        // An id derived later is not looked up: a held event is found by
        // `held_where` above, or read as new and left out by the caller's
        // set union (a device written with escapes, a held fork).
        let held = named.and_then(|id| self.known.as_ref().and_then(|known| known(id)));
        let is_held = held.is_some();
        let placeholder = derive_later.then_some("");
        let event = match held {
            Some(event) => Cow::Borrowed(event),
            None => match read_own_form(
                text,
                &members,
                derived.as_deref().or(placeholder),
                &mut self.scratch,
            ) {
                Some(event) => Cow::Owned(event),
                None => return Ok(None),
            },
        };
        // Only if the text is exactly how this app writes this event are its
        // values in canonical form and nothing in it unknown.
        let exactly = match id {
            Some(_) => writes_exactly(&*event, text.as_bytes()),
            None => writes_exactly(&WithoutId(&event), text.as_bytes()),
        };
        if !exactly {
            return Ok(None);
        }
        // A held event written out the same is that event: its id is known
        // good. A derived id is good by its making.
        let mut event = event;
        if !is_held {
            match id {
                Some((id_range, _)) => {
                    let left = self.leave_id_to_caller(index, &id_range);
                    if !left && !id_hashes_to(&self.canonical, id_range) {
                        return Err(BundleError::IdMismatch { index });
                    }
                }
                None if derive_later => {
                    let end = self.canonical.len();
                    if self.leave_id_to_caller(index, &(end..end)) {
                        // The event goes next into `read`.
                        self.ids_to_come.push(self.read.len());
                    } else {
                        event.to_mut().id = sha256_id(&self.canonical).into();
                    }
                }
                None => {}
            }
            check_limits(index, &event, self.now)?;
        }
        self.checksum.feed(&self.canonical);
        Ok(Some(event))
    }

    /// The held event at the `(device, seq)` an event's text names, if the
    /// text is exactly that event written without its id.
    fn held_where(&self, text: &str, members: &[Member]) -> Option<&'a Event> {
        let known_at = self.known_at.as_ref()?;
        let (device, seq) = device_and_seq(text, members)?;
        known_at(device, seq).filter(|held| writes_exactly(&WithoutId(held), text.as_bytes()))
    }

    /// Notes where the current event's id is in the checksum's bytes, if ids
    /// are left to the caller (`ids_elsewhere`); whether it was. An empty
    /// range at the end of the event's canonical form: an id it leaves out,
    /// for the caller to derive.
    fn leave_id_to_caller(&mut self, index: usize, id_range: &std::ops::Range<usize>) -> bool {
        let (Some(spans), Checksum::Collected { bytes, .. }) = (&mut self.id_spans, &self.checksum)
        else {
            return false;
        };
        let start = bytes.len();
        let at = |offset: usize| u32::try_from(start + offset).ok();
        let span = [
            u32::try_from(index).ok(),
            at(0),
            at(id_range.start),
            at(id_range.end),
            at(self.canonical.len()),
        ];
        // Beyond 4 GB (never in practice) the id is checked here instead.
        let [Some(a), Some(b), Some(c), Some(d), Some(e)] = span else {
            return false;
        };
        spans.extend_from_slice(&[a, b, c, d, e]);
        if !id_range.is_empty() {
            self.ids_left_to_caller += 1;
        }
        true
    }

    /// Any other way of writing an event (pretty-printed, other key order,
    /// other escapes, unknown or missing fields): read through a JSON tree.
    fn check_any_form(&mut self, index: usize, text: &str) -> Result<Cow<'a, Event>, BundleError> {
        // The syntax was checked once already; a number beyond f64 (`1e400`)
        // passes that check but has no value to read.
        let raw: Value = serde_json::from_str(text).map_err(|_| BundleError::BadEvent {
            index,
            problem: EventProblem::NumberOutOfRange,
        })?;
        let mut raw = raw;
        let id_of_raw = hash_canonical(&raw, &mut self.checksum, &mut self.scratch);
        // An id left out is read as if the event named the one derived from
        // its text; `parse_event` derives it from what it understood where
        // the two differ (an empty member, `19` for `19.0`), as a file that
        // carries ids names the id of what its writer understood.
        let mut derived = false;
        if let (Value::Object(map), Some(id)) = (&mut raw, &id_of_raw) {
            if self.ids_may_be_left_out && !map.contains_key("id") {
                map.insert("id".into(), Value::String(id.clone()));
                derived = true;
            }
        }
        let held = match (&self.known, raw.get("id").and_then(Value::as_str)) {
            (Some(known), Some(id)) if id_of_raw.as_deref() == Some(id) => known(id),
            _ => None,
        };
        match held {
            Some(event) => Ok(Cow::Borrowed(event)),
            None => {
                let id = if derived {
                    Id::Derived
                } else {
                    Id::Written(id_of_raw)
                };
                parse_event(index, text, &raw, id, &mut self.scratch, self.now).map(Cow::Owned)
            }
        }
    }
    /// Gives the events whose ids the caller derived (format 3, with
    /// `ids_elsewhere`) those ids, 32 bytes of digest each in the order their
    /// spans were given, then shares their parents' ids as `step` does for
    /// ids known as the events are read.
    fn take_derived_ids(&mut self, digests: Vec<u8>) -> Result<(), BundleError> {
        let to_come = std::mem::take(&mut self.ids_to_come);
        if to_come.is_empty() && digests.is_empty() {
            return Ok(());
        }
        let given = digests.len() / 32;
        if !digests.len().is_multiple_of(32) || given != to_come.len() {
            return Err(BundleError::IdsUnchecked {
                left: to_come.len().abs_diff(given).max(1),
            });
        }
        // One pass, in the file's order: an event's id filled in, then its
        // parents shared with the events read just before (whose ids are
        // in by then), so each parent's copy is freed before the next id is
        // made, and the digests go before the checks that follow.
        let mut ids = to_come.iter().zip(digests.chunks_exact(32)).peekable();
        for at in 0..self.read.len() {
            if let Some((_, digest)) = ids.next_if(|(&next, _)| next == at) {
                self.read[at].id = id_of_digest(digest);
            }
            let (before, rest) = self.read.split_at_mut(at);
            for parent in &mut rest[0].parents {
                if let Some(named) = named_among(parent, before.iter().rev()) {
                    *parent = named.clone();
                }
            }
        }
        Ok(())
    }

    /// The last checks (sequence numbers, attachments, checksum) and the bundle.
    pub fn finish(self) -> Result<Bundle, BundleError> {
        self.finish_with(None)
    }

    /// `finish` for a checksum hashed elsewhere: `digest` is `sha256:<hex>`
    /// of every byte `take_checksum_bytes` gave, in order.
    pub fn finish_with(self, digest: Option<String>) -> Result<Bundle, BundleError> {
        self.finish_elsewhere(digest, IdsChecked::default())
    }

    /// `finish_with` for ids left to the caller too (`ids_elsewhere`):
    /// `ids` must account for every one of them.
    pub fn finish_elsewhere(
        mut self,
        digest: Option<String>,
        ids: IdsChecked,
    ) -> Result<Bundle, BundleError> {
        if !self.progress().is_done() {
            return Err(bad("events", Expected::EventList));
        }
        if let Some(index) = ids.first_wrong {
            return Err(BundleError::IdMismatch { index });
        }
        if ids.checked != self.ids_left_to_caller {
            return Err(BundleError::IdsUnchecked {
                left: self.ids_left_to_caller.saturating_sub(ids.checked),
            });
        }
        self.take_derived_ids(ids.derived)?;
        let attachments = parse_attachments(self.header.get("attachments"))?;
        let chains: BTreeMap<String, Vec<ChainRecord>> = match self.header.get("chains") {
            None => BTreeMap::new(),
            Some(value) => serde_json::from_value(value.clone())
                .map_err(|_| bad("chains", Expected::ChainMap))?,
        };
        let checksum = match std::mem::replace(&mut self.checksum, Checksum::Hashed(Sha256::new()))
        {
            Checksum::Hashed(hasher) => Some(close_checksum(hasher, &self.tail)),
            Checksum::Collected { .. } => Some(digest.unwrap_or_default()),
            Checksum::Skipped => None,
        };
        let header = &self.header;
        let claimed = header
            .get("checksum")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let checksum = checksum.unwrap_or_else(|| claimed.to_string());
        if claimed != checksum {
            return Err(BundleError::ChecksumMismatch);
        }
        // Shape, ids and checksum hold: now whether the events agree with
        // each other and whether their devices signed them.
        let in_order = self.in_order();
        check_sequences(&in_order)?;
        // An anonymised file's events are masked copies, no longer what their
        // devices signed; it is read for statistics and never merged.
        let anonymised = self.header.get("anonymised").and_then(Value::as_bool) == Some(true);
        if !anonymised {
            let held: &dyn Held = self.held.as_deref().unwrap_or(&NothingHeld);
            super::trust::check(&in_order, &chains, held)?;
        }
        drop(in_order);
        Ok(Bundle {
            format: FORMAT.to_string(),
            version: header
                .get("version")
                .and_then(Value::as_u64)
                .unwrap_or(VERSION),
            exported_at: header
                .get("exported_at")
                .and_then(Value::as_str)
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| t.with_timezone(&Utc))
                .ok_or(bad("exported_at", Expected::Rfc3339Time))?,
            device: header
                .get("device")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            anonymised: header
                .get("anonymised")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            // Nothing held, or held left out: the list read, as it is (into
            // an empty device, it becomes a block of the log). Otherwise a
            // list sized once, the held events copied into their places.
            events: if self.leave_held_out || self.read.len() == self.order.len() {
                self.read
            } else {
                let mut read = self.read.into_iter();
                let mut events = Vec::with_capacity(self.order.len());
                events.extend(
                    self.order
                        .into_iter()
                        .map_while(|slot| slot.cloned().or_else(|| read.next())),
                );
                events
            },
            attachments,
            chains,
            checksum,
        })
    }
}

pub(super) const TOP_LEVEL_KEYS: [&str; 9] = [
    "format",
    "version",
    "exported_at",
    "device",
    "anonymised",
    "events",
    "attachments",
    "chains",
    "checksum",
];

/// A bundle's top level read in one pass: every member as JSON but the
/// events, each read as a `T`: a slice of the text (`&RawValue`), or a text
/// of its own when the file is read from a stream (`Box<RawValue>`).
pub(super) struct TopLevel<T> {
    pub(super) header: Map<String, Value>,
    /// `None` when missing or not a list.
    pub(super) events: Option<Vec<T>>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for TopLevel<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Members<T> {
            type Value = TopLevel<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Self::Value, A::Error> {
                let mut header = Map::new();
                let mut events = None;
                while let Some(key) = members.next_key::<String>()? {
                    if key == "events" {
                        events = members.next_value::<EventList<T>>()?.0;
                    } else {
                        header.insert(key, members.next_value()?);
                    }
                }
                Ok(TopLevel { header, events })
            }
        }
        deserializer.deserialize_map(Members(std::marker::PhantomData))
    }
}

/// The `events` member: its items, or `None` if it is not a list.
struct EventList<T>(Option<Vec<T>>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for EventList<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Items<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Items<T> {
            type Value = EventList<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
                let mut list = Vec::with_capacity(items.size_hint().unwrap_or(0));
                while let Some(item) = items.next_element::<T>()? {
                    list.push(item);
                }
                Ok(EventList(Some(list)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(EventList(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(EventList(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(EventList(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(EventList(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(EventList(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(EventList(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(EventList(None))
            }
        }
        deserializer.deserialize_any(Items(std::marker::PhantomData))
    }
}

/// The checks of a file's top level (its events apart).
fn check_header(map: &Map<String, Value>) -> Result<(), BundleError> {
    match map.get("format").and_then(Value::as_str) {
        Some(FORMAT) => {}
        other => {
            return Err(BundleError::WrongFormat {
                found: other.unwrap_or("").to_string(),
            })
        }
    }
    let version = map
        .get("version")
        .and_then(Value::as_u64)
        .ok_or(bad("version", Expected::WholeNumber))?;
    if version > VERSION {
        return Err(BundleError::NewerVersion { found: version });
    }
    if version == 0 {
        return Err(bad("version", Expected::WholeNumber));
    }
    map.get("exported_at")
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .ok_or(bad("exported_at", Expected::Rfc3339Time))?;
    map.get("device")
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty())
        .ok_or(bad("device", Expected::Text))?;
    map.get("checksum")
        .and_then(Value::as_str)
        .ok_or(bad("checksum", Expected::Text))?;
    if let Some(key) = map.keys().find(|k| !TOP_LEVEL_KEYS.contains(&k.as_str())) {
        return Err(bad(key, Expected::Nothing));
    }
    Ok(())
}

pub(super) fn bad(field: &str, expected: Expected) -> BundleError {
    BundleError::BadField {
        field: field.to_string(),
        expected,
    }
}

/// The canonical JSON of a bundle's other keys: what comes before the
/// events (ending in `"events":[`) and what comes after them. The checksum
/// key itself is left out.
pub(super) fn canonical_around_events(header: &Map<String, Value>) -> (String, String) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for (key, value) in header {
        if key == "checksum" || key == "events" {
            continue;
        }
        let part = format!(
            "{}:{}",
            canonical(&Value::String(key.clone())),
            canonical(value)
        );
        if key.as_str() < "events" {
            before.push(part);
        } else {
            after.push(part);
        }
    }
    before.push("\"events\":[".to_string());
    (format!("{{{}", before.join(",")), after.join(","))
}

/// The checksum's bytes from one slice of a validation, and where in them
/// the ids left to the caller are (see `Validation::ids_elsewhere`): five
/// numbers for each, the event's index and the offsets of the start of its
/// canonical form, of its `"id"` member (with one comma), of the end of that
/// member and of the end of the event. An event that leaves its id out has
/// the last three equal: its id is the SHA-256 of its whole span.
#[derive(Debug, Default)]
pub struct ChecksumPart {
    pub bytes: Vec<u8>,
    pub id_spans: Vec<u32>,
}

/// What the caller found checking the ids left to it, and the ids it
/// derived for events that leave theirs out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdsChecked {
    /// How many ids were checked.
    pub checked: usize,
    /// The index of the first event whose id is not the hash of its content.
    pub first_wrong: Option<usize>,
    /// The SHA-256 of each event that leaves its id out, 32 bytes each, in
    /// the order of their spans (a span outside its bytes adds none, and
    /// the count then falls short, which refuses the file).
    pub derived: Vec<u8>,
}

impl IdsChecked {
    /// Checks the ids of one `ChecksumPart` and adds them to the tally.
    pub fn check(&mut self, bytes: &[u8], id_spans: &[u32]) {
        for span in id_spans.chunks_exact(5) {
            let index = span[0] as usize;
            let range = |from: u32, to: u32| bytes.get(from as usize..to as usize);
            // No id in the span: one to derive from the whole event.
            if span[2] == span[3] && span[3] == span[4] {
                if let Some(event) = range(span[1], span[4]) {
                    self.derived.extend_from_slice(&Sha256::digest(event));
                }
                continue;
            }
            self.checked += 1;
            let good = match (
                range(span[1], span[2]),
                range(span[2], span[3]),
                range(span[3], span[4]),
            ) {
                (Some(before), Some(member), Some(after)) => {
                    let mut hasher = Sha256::new();
                    hasher.update(before);
                    hasher.update(after);
                    claimed_id(member).is_some_and(|id| is_id_of(&hasher.finalize(), id))
                }
                _ => false,
            };
            if !good && self.first_wrong.is_none_or(|first| index < first) {
                self.first_wrong = Some(index);
            }
        }
    }
}

/// How an event read through its JSON tree comes by its id.
pub(super) enum Id {
    /// The file names it; the content id of the event as written (from
    /// `hash_canonical`) is given to check it against.
    Written(Option<String>),
    /// The file leaves it out (format 3): the tree holds the one derived
    /// from the text, and the event gets the id of what was understood.
    Derived,
}

/// Reads one event.
pub(super) fn parse_event(
    index: usize,
    text: &str,
    raw: &Value,
    id: Id,
    scratch: &mut Vec<u8>,
    now: DateTime<Utc>,
) -> Result<Event, BundleError> {
    // Deserialised straight from the event's own tree.
    let mut event = Event::deserialize(raw).map_err(|_| BundleError::BadEvent {
        index,
        problem: event_problem(raw),
    })?;
    // Written exactly as this app writes events (the usual case), the text
    // itself shows that nothing was unknown or lost; otherwise compare trees.
    scratch.clear();
    write(scratch, &event);
    let understood_all = scratch.as_slice() == text.as_bytes() || {
        serde_json::to_value(&event).expect("an event always serialises") == *raw
    };
    if understood_all {
        // Nothing unknown and nothing lost: the id of what was written is the
        // id of what was understood, already computed (and, derived, the
        // id the tree was given).
        if let Id::Written(id_of_raw) = id {
            if id_of_raw.as_deref() != Some(event.id.as_str()) {
                return Err(BundleError::IdMismatch { index });
            }
        }
    } else {
        // serde cannot refuse unknown fields next to `flatten`, so compare with what it understood.
        let understood = serde_json::to_value(&event).expect("an event always serialises");
        let Value::Object(mut understood) = understood else {
            unreachable!("an event serialises to an object")
        };
        if let Value::Object(raw) = raw {
            if let Some(field) = unknown_field(raw, &understood) {
                return Err(BundleError::UnknownField { index, field });
            }
        }
        understood.remove("id");
        let content_id = sha256_id(canonical(&Value::Object(understood)).as_bytes());
        match id {
            Id::Derived => event.id = content_id.into(),
            Id::Written(_) if event.id != content_id => {
                return Err(BundleError::IdMismatch { index })
            }
            Id::Written(_) => {}
        }
    }
    check_limits(index, &event, now)?;
    Ok(event)
}

/// What is wrong with an event that does not read: found again with the
/// path to the first bad value, so the message can name the field instead of
/// repeating the parser's words. (Only on a refusal: the usual path reads
/// each event once, without the path.)
fn event_problem(raw: &Value) -> EventProblem {
    let Value::Object(map) = raw else {
        return EventProblem::NotAnObject;
    };
    match map.get("type").and_then(Value::as_str) {
        Some(kind) if !EVENT_TYPES.contains(&kind) => {
            return EventProblem::UnknownType(kind.to_string())
        }
        None => return EventProblem::MissingField("type".into()),
        Some(_) => {}
    }
    let Err(e) = serde_path_to_error::deserialize::<_, Event>(raw) else {
        return EventProblem::BadValue(String::new());
    };
    let path = e.path().to_string();
    // serde's own wording for a missing field (`de::Error::missing_field`).
    let inner = e.inner().to_string();
    if let Some(field) = inner
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        let within = path.trim_start_matches('.');
        return EventProblem::MissingField(if within.is_empty() {
            field.to_string()
        } else {
            format!("{within}.{field}")
        });
    }
    let path = path.trim_start_matches('.').to_string();
    if !path.is_empty() {
        return EventProblem::BadValue(path);
    }
    // The body is tagged inside and flattened, so serde reads it through a
    // buffer and loses the path: read the body again tagged outside (as the
    // store lays it out), where the path survives.
    EventProblem::BadValue(body_field(map).unwrap_or_default())
}

/// The field of an event's body that does not read, found through the
/// body's outside-tagged form (`{"created": {…}}`).
fn body_field(map: &Map<String, Value>) -> Option<String> {
    const HEADER: [&str; 9] = [
        "id", "ticket", "device", "seq", "at", "hlc", "author", "parents", "type",
    ];
    let kind = map.get("type")?.as_str()?.to_string();
    let fields: Map<String, Value> = map
        .iter()
        .filter(|(k, _)| !HEADER.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let outside = Value::Object(Map::from_iter([(kind.clone(), Value::Object(fields))]));
    let mut track = serde_path_to_error::Track::new();
    let de = serde_path_to_error::Deserializer::new(outside, &mut track);
    if crate::domain::event::TaggedOutside::deserialize(de).is_ok() {
        return None;
    }
    let path = track.path().to_string();
    let field = path
        .trim_start_matches('.')
        .trim_start_matches(kind.as_str());
    Some(field.trim_start_matches('.').to_string()).filter(|f| !f.is_empty())
}

/// How deep a file may nest: a bundle is an object holding a list of
/// events, an event holds `facts` or `hlc`, and nothing goes deeper than a
/// few levels more.
pub const MAX_DEPTH: usize = 16;

/// Whether one event's text nests deeper than an event may inside a file
/// (the file's object and its events list take two of the levels): a
/// document from a server is refused alone for it, not its whole group.
pub fn event_too_deep(event: &str) -> bool {
    too_deep(event.as_bytes(), MAX_DEPTH - 2).is_some()
}

/// The line where `text` first nests deeper than `limit`, brackets inside
/// strings not counted; `None` when it never does. One pass over the bytes.
pub(super) fn too_deep(text: &[u8], limit: usize) -> Option<usize> {
    let (mut depth, mut line) = (0usize, 1usize);
    let (mut in_string, mut escaped) = (false, false);
    for &byte in text {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                b'\n' => line += 1,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return Some(line);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'\n' => line += 1,
            _ => {}
        }
    }
    None
}

/// The largest values the schema allows: a hostile file cannot push a
/// number past what any screen or sum expects.
const MAX_SEQ: u64 = 1 << 53;
const MAX_HLC_COUNTER: u32 = 1_000_000;
const MAX_HOUSEHOLDS: u32 = 10_000_000;
const MAX_OUTAGE_HOURS: f64 = 100_000.0;

/// Numbers an event may carry: within the schema's ranges.
fn check_ranges(index: usize, event: &Event, now: DateTime<Utc>) -> Result<(), BundleError> {
    use crate::domain::event::EventBody as B;
    let out = |field: &str| BundleError::OutOfRange {
        index,
        field: field.to_string(),
    };
    if event.seq == 0 || event.seq > MAX_SEQ {
        return Err(out("seq"));
    }
    let earliest_ms = Utc
        .with_ymd_and_hms(2000, 1, 1, 0, 0, 0)
        .unwrap()
        .timestamp_millis();
    let latest_ms = (now + Duration::days(1)).timestamp_millis();
    if event.hlc.ms < earliest_ms || event.hlc.ms > latest_ms {
        return Err(out("hlc.ms"));
    }
    if event.hlc.n > MAX_HLC_COUNTER {
        return Err(out("hlc.n"));
    }
    let facts = match &event.body {
        B::Created { facts, .. } | B::Classified { facts, .. } => Some(facts),
        _ => None,
    };
    if let Some(f) = facts {
        if f.households_affected.is_some_and(|n| n > MAX_HOUSEHOLDS) {
            return Err(out("facts.households_affected"));
        }
        if f.joint_households.is_some_and(|n| n > MAX_HOUSEHOLDS) {
            return Err(out("facts.joint_households"));
        }
        if f.outage_hours
            .is_some_and(|h| !h.is_finite() || !(0.0..=MAX_OUTAGE_HOURS).contains(&h))
        {
            return Err(out("facts.outage_hours"));
        }
    }
    match &event.body {
        B::Confirmed { satisfaction } | B::Revisited { satisfaction, .. }
            if *satisfaction > 100 =>
        {
            Err(out("satisfaction"))
        }
        B::Classified { grade: Some(g), .. } | B::Reclassified { grade: Some(g), .. }
            if !(1..=3).contains(g) =>
        {
            Err(out("grade"))
        }
        B::PhotoAttached { bytes, .. } | B::SignatureAttached { bytes, .. }
            if *bytes > MAX_ATTACHMENT_BYTES as u64 =>
        {
            Err(out("bytes"))
        }
        _ => Ok(()),
    }
}

/// Times and text lengths an event may have.
pub(super) fn check_limits(
    index: usize,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<(), BundleError> {
    let earliest = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
    if event.at < earliest || event.at > now + Duration::days(1) {
        return Err(BundleError::BadTimestamp {
            index,
            at: event.at.to_rfc3339(),
        });
    }
    if event
        .body
        .texts()
        .iter()
        // No more bytes than the limit, no more characters either.
        .any(|t| t.len() > MAX_TEXT_CHARS && t.chars().count() > MAX_TEXT_CHARS)
    {
        return Err(BundleError::TextTooLong { index });
    }
    check_ranges(index, event, now)
}

/// A key of `raw` that `understood` lacks and that holds more than an empty default.
pub(super) fn unknown_field(
    raw: &Map<String, Value>,
    understood: &Map<String, Value>,
) -> Option<String> {
    raw.iter().find_map(|(key, value)| {
        let empty = match value {
            Value::Null => true,
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => false,
        };
        match understood.get(key) {
            None if !empty => Some(key.clone()),
            Some(Value::Object(inner)) => match value {
                Value::Object(raw_inner) => {
                    unknown_field(raw_inner, inner).map(|k| format!("{key}.{k}"))
                }
                _ => None,
            },
            _ => None,
        }
    })
}

pub(super) fn check_sequences<E: Borrow<Event>>(events: &[E]) -> Result<(), BundleError> {
    let mut seen: FxHashMap<(&str, u64), &str> =
        FxHashMap::with_capacity_and_hasher(events.len(), Default::default());
    for e in events {
        let e: &Event = e.borrow();
        if let Some(other) = seen.insert((e.device.as_str(), e.seq), e.id.as_str()) {
            if other != e.id {
                return Err(BundleError::SequenceReused {
                    device: e.device.to_string(),
                    seq: e.seq,
                    ticket: e.ticket.clone(),
                    kind: e.body.type_name(),
                });
            }
        }
    }
    Ok(())
}

pub(super) fn parse_attachments(
    value: Option<&Value>,
) -> Result<BTreeMap<String, Attachment>, BundleError> {
    let Some(value) = value else {
        return Ok(BTreeMap::new());
    };
    let map: BTreeMap<String, Attachment> = serde_json::from_value(value.clone())
        .map_err(|_| bad("attachments", Expected::AttachmentMap))?;
    for (hash, attachment) in &map {
        let fail = |problem| BundleError::BadAttachment {
            hash: hash.clone(),
            problem,
        };
        // Base64 of the largest allowed file is a third longer; refuse before decoding.
        if attachment.data.len() > MAX_ATTACHMENT_BYTES / 3 * 4 + 4 {
            return Err(fail(AttachmentProblem::TooLarge));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&attachment.data)
            .map_err(|_| fail(AttachmentProblem::NotBase64))?;
        if sha256_id(&bytes) != *hash {
            return Err(fail(AttachmentProblem::HashMismatch));
        }
    }
    Ok(map)
}
