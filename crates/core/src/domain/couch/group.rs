//! A group's documents put together as the parts of one sync file (its
//! top level, then each event's text), so that the import's own
//! validation checks them (shape, ids, sequence numbers, signatures)
//! before anything is taken (`Validation::start_parts`).
//!
//! The events stay the text they were on the server, each in its
//! document; no text as large as the group is made. In the usual case (no
//! document at fault, none holding an event another holds) a
//! [`PlainGroup`] checks the group as its pages arrive, each text freed
//! once checked, so the group's texts and its checked events are not held
//! at once; otherwise, or if that check fails, the caller fetches the
//! documents again into a [`GroupFile`], which keeps them and checks them
//! with the care below. The file is made here, not read, so it carries no
//! checksum (`Validation::assembled`): every event still proves its own id
//! and the group's signature covers them all.
//!
//! **A second version of a genuine document.** Someone who may write to a
//! station's database could add a document holding other versions of a
//! group's events: under a new id whose range sorts first, or under the
//! same id with a revision that wins CouchDB's choice (the genuine one is
//! then a conflict, which the app fetches too). Its events would take the
//! genuine ones' places and the whole group would fail its signature. So
//! documents that disagree about an event are noted, and when the group
//! fails as a whole the check is tried again without those whose versions
//! were in the text (all of them, then each alone; a try that fails also
//! leaves out what disagrees in its own text, since one forged version can
//! hide behind another), at most [`MAX_TRIALS`] times. A document that adds
//! no event, only a chain record no other document carries, is left out
//! the same way. The versions the signature does not cover are named and
//! refused; a genuine copy left out in a try is not; the group is taken.

use super::{DocProblem, DocRange, EventDoc, Refusal, EVENTS_TYPE, LAYOUT};
use crate::domain::bundle::{Bundle, BundleError, FORMAT, VERSION};
use crate::domain::event::Event;
use crate::domain::lean_sort;
use crate::domain::trust::ChainRecord;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;

/// The documents of one group (one device, one signature), as one file.
pub struct GroupFile {
    now: DateTime<Utc>,
    pieces: Vec<Piece>,
    /// Whether each document's place in the list of events is known.
    built: bool,
    refused: Vec<(String, Refusal)>,
    /// Documents whose versions were in the text when the group failed as
    /// a whole, and so are left out for one more try; the sets still to try.
    aside: Vec<Piece>,
    trials: Vec<Vec<usize>>,
    /// What the whole group failed with first, and whether trials began.
    group_error: Option<BundleError>,
    /// The sets already tried (sorted), and how many.
    tried: Vec<Vec<usize>>,
    tries: usize,
    /// The next document's number (which stays the same through sorting).
    serials: usize,
}

/// One document of the group.
struct Piece {
    /// The document, its events' text as fetched.
    doc: EventDoc,
    /// Its number in the order documents were added.
    serial: usize,
    /// The sequence number of its first event in the list checked: later
    /// than `doc.from` where an earlier document of the group holds the
    /// same events (two devices that cut the same events differently).
    /// The events before it stay in the document, since that earlier
    /// document may yet be refused.
    first: u64,
    /// Where its events checked begin in the list, and how many there are.
    index: usize,
    placed: usize,
}

/// A group as the parts of one sync file, for `Validation::start_parts`:
/// its top level without the events, and each event's text, borrowed from
/// the documents (no text as large as the group is made).
pub struct GroupParts<'a> {
    pub head: String,
    pub events: Vec<&'a str>,
}

/// How many sets of documents are left out in turn when a group fails as a
/// whole: each try checks the group again.
pub const MAX_TRIALS: usize = 8;

/// What a check of the text means for the group.
pub enum Verdict {
    /// Every document left holds what it says: take these events.
    Taken(Bundle),
    /// A document was at fault and is left out: check the text again.
    Again,
    /// Nothing of the group can be taken.
    Refused,
}

impl GroupFile {
    pub fn new(now: DateTime<Utc>) -> GroupFile {
        GroupFile {
            now,
            pieces: Vec::new(),
            built: false,
            refused: Vec::new(),
            aside: Vec::new(),
            trials: Vec::new(),
            group_error: None,
            tried: Vec::new(),
            tries: 0,
            serials: 0,
        }
    }

    /// Takes a document as fetched; one that is not what its id says is
    /// noted as refused and left out.
    pub fn add(&mut self, value: Value) {
        let id = value["_id"].as_str().unwrap_or("?").to_string();
        match read_doc(value) {
            Ok(doc) => {
                self.serials += 1;
                self.pieces.push(Piece {
                    doc,
                    serial: self.serials,
                    first: 0,
                    index: 0,
                    placed: 0,
                })
            }
            Err(problem) => self.refused.push((id, Refusal::Doc(problem))),
        }
    }

    /// Whether any document is left to check.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// The documents left as the parts of one sync file, for
    /// `Validation::start_parts` then `assembled`. Documents cannot be
    /// added once this was asked for.
    pub fn parts(&mut self) -> GroupParts<'_> {
        self.place();
        GroupParts {
            head: self.head_of(&self.pieces),
            events: self
                .pieces
                .iter()
                .flat_map(|p| p.checked().iter().map(String::as_str))
                .collect(),
        }
    }

    /// Sorts the documents and places their events, once.
    fn place(&mut self) {
        if !self.built {
            lean_sort::sort_by_key(&mut self.pieces, |p| (p.doc.from, p.doc.to, p.serial));
            self.build();
            self.built = true;
        }
    }

    /// Reads the result of checking the parts: a document at fault is named
    /// and left out, and the rest is to be checked again; a fault of the
    /// whole group (its signature, a sequence number reused) refuses all.
    pub fn judge(&mut self, checked: Result<Bundle, BundleError>) -> Verdict {
        let fault = match checked {
            Ok(bundle) => match self.misplaced(&bundle.events) {
                None => {
                    self.name_second_versions();
                    return Verdict::Taken(bundle);
                }
                Some(at) => {
                    let doc = &self.pieces[at].doc;
                    let problem = DocProblem::Range {
                        device: doc.device.clone(),
                        from: doc.from,
                        to: doc.to,
                    };
                    Some((at, Refusal::Doc(problem)))
                }
            },
            Err(e) => match e.event_index().and_then(|i| self.piece_at(i)) {
                Some(at) => {
                    let piece = &self.pieces[at];
                    // Counted from the document's own first event.
                    let inside = e.event_index().unwrap_or(0) - piece.index
                        + (piece.first - piece.doc.from) as usize;
                    Some((at, Refusal::Checks(e.at_event(inside))))
                }
                None => return self.try_without_disputed(Some(e)),
            },
        };
        let Some((at, why)) = fault else {
            return Verdict::Refused;
        };
        let piece = self.pieces.remove(at);
        self.refused.push((piece.doc.id, why));
        if self.pieces.is_empty() {
            // A try left only faulty documents: the next try, if any.
            if self.group_error.is_some() {
                return self.try_without_disputed(None);
            }
            return Verdict::Refused;
        }
        self.build();
        Verdict::Again
    }

    /// Checks the text with `check` until the group is taken or refused
    /// (for callers that need not let a page breathe between slices).
    pub fn check_with(
        &mut self,
        mut check: impl FnMut(GroupParts<'_>) -> Result<Bundle, BundleError>,
    ) -> Option<Bundle> {
        while !self.is_empty() {
            let checked = check(self.parts());
            match self.judge(checked) {
                Verdict::Taken(bundle) => return Some(bundle),
                Verdict::Again => {}
                Verdict::Refused => return None,
            }
        }
        None
    }

    /// The documents refused so far, and why; the first is the one that
    /// made the rest of its group fail, when it did.
    pub fn take_refused(&mut self) -> Vec<(String, Refusal)> {
        std::mem::take(&mut self.refused)
    }

    /// The group failed as a whole (or a try left nothing to check): tries
    /// it again without another set of documents whose versions disagree
    /// with others'. A try that fails adds, to what it left out, each
    /// document newly found in a dispute (a forged version may hide behind
    /// another). Once no set is left, or [`MAX_TRIALS`] were tried,
    /// everything is refused with what the group first failed with.
    fn try_without_disputed(&mut self, e: Option<BundleError>) -> Verdict {
        if self.group_error.is_none() {
            self.group_error = e.clone();
            let winners = self.disputed();
            for &w in winners.iter().rev() {
                self.trials.push(vec![w]);
            }
            if winners.len() > 1 {
                self.trials.push(winners);
            }
        } else if e.is_some() {
            // Deeper first: what this try left out, and each new dispute.
            let base: Vec<usize> = self.aside.iter().map(|p| p.serial).collect();
            for w in self.disputed().into_iter().rev() {
                let mut set = base.clone();
                set.push(w);
                self.trials.push(set);
            }
        }
        // The last try did not hold: its documents come back.
        if !self.aside.is_empty() {
            for piece in &mut self.aside {
                piece.first = piece.doc.from;
            }
            self.pieces.append(&mut self.aside);
            lean_sort::sort_by_key(&mut self.pieces, |p| (p.doc.from, p.doc.to, p.serial));
        }
        let next = loop {
            match self.trials.pop() {
                Some(mut set) if self.tries < MAX_TRIALS => {
                    set.sort_unstable();
                    set.dedup();
                    if !self.tried.contains(&set) {
                        break Some(set);
                    }
                }
                _ => break None,
            }
        };
        let Some(set) = next else {
            // Set by the first call, which always has the group's error.
            let why = self.group_error.clone().or(e);
            for piece in std::mem::take(&mut self.pieces) {
                let refusal = why
                    .clone()
                    .map_or(Refusal::Doc(DocProblem::Layout), Refusal::Checks);
                self.refused.push((piece.doc.id, refusal));
            }
            return Verdict::Refused;
        };
        self.tries += 1;
        self.tried.push(set.clone());
        let (mut aside, kept): (Vec<Piece>, Vec<Piece>) = std::mem::take(&mut self.pieces)
            .into_iter()
            .partition(|p| set.contains(&p.serial));
        for piece in &mut aside {
            piece.placed = 0;
        }
        self.aside = aside;
        self.pieces = kept;
        if self.pieces.is_empty() {
            return self.try_without_disputed(None);
        }
        self.build();
        Verdict::Again
    }

    /// The documents whose version of an event is in the text while a
    /// later one holds a different version, or that carry a chain record
    /// another document does not: the ones a try leaves out.
    fn disputed(&self) -> Vec<usize> {
        let placed = self.placed();
        let mut winners: Vec<usize> = Vec::new();
        for piece in &self.pieces {
            for (text, seq) in piece.skipped().iter().zip(piece.doc.from..) {
                if let Some((owner, event)) = self.in_text(&placed, seq) {
                    if event != text && !winners.contains(&owner) {
                        winners.push(owner);
                    }
                }
            }
        }
        // A copy of a genuine document with a record of its own making: it
        // adds no event to the text, only a record that no document whose
        // events are in the text carries. Leaving it out loses nothing.
        for piece in &self.pieces {
            let adds_nothing = piece.placed == 0;
            let own_record = piece.doc.chain.is_some()
                && !self
                    .pieces
                    .iter()
                    .any(|o| o.placed > 0 && o.doc.chain == piece.doc.chain);
            if adds_nothing && own_record && !winners.contains(&piece.serial) {
                winners.push(piece.serial);
            }
        }
        winners
    }

    /// Where each document's events lie in the text: (first sequence
    /// number, one past the last, index in `pieces`), in order.
    fn placed(&self) -> Vec<(u64, u64, usize)> {
        self.pieces
            .iter()
            .enumerate()
            .filter(|(_, p)| p.placed > 0)
            .map(|(i, p)| (p.first, p.first + p.placed as u64, i))
            .collect()
    }

    /// The document that put event `seq` in the text, and its text.
    fn in_text(&self, placed: &[(u64, u64, usize)], seq: u64) -> Option<(usize, &str)> {
        let at = placed.partition_point(|&(_, end, _)| end <= seq);
        let &(first, end, i) = placed.get(at)?;
        if seq < first || seq >= end {
            return None;
        }
        let piece = &self.pieces[i];
        let event = piece.doc.events.get((seq - piece.doc.from) as usize)?;
        Some((piece.serial, event.as_str()))
    }

    /// Once the group is taken: the documents left out in a try, and those
    /// holding a version of an event other than the one taken (or an event
    /// not taken), are named. A document left out whose events were all
    /// taken from another is a copy, and is not.
    fn name_second_versions(&mut self) {
        let placed = self.placed();
        let differs = |piece: &Piece, events: &mut dyn Iterator<Item = &str>| {
            events.zip(piece.doc.from..).any(|(text, seq)| {
                self.in_text(&placed, seq)
                    .is_none_or(|(_, taken)| taken != text)
            })
        };
        let mut second: Vec<usize> = Vec::new();
        for piece in &self.pieces {
            if differs(piece, &mut piece.skipped().iter().map(String::as_str)) {
                second.push(piece.serial);
            }
        }
        for piece in &self.aside {
            if differs(piece, &mut piece.doc.events.iter().map(String::as_str)) {
                second.push(piece.serial);
            }
        }
        let named = self.pieces.iter().chain(&self.aside);
        let mut refused = Vec::new();
        for piece in named.filter(|p| second.contains(&p.serial)) {
            let problem = DocProblem::SecondVersion {
                device: piece.doc.device.clone(),
                from: piece.doc.from,
                to: piece.doc.to,
            };
            refused.push((piece.doc.id.clone(), Refusal::Doc(problem)));
        }
        self.refused.extend(refused);
        self.aside.clear();
    }

    /// Each document's place in the list of events, in order: each event
    /// once, those an earlier document holds left in their document. A
    /// document left out gives its places back to the next one holding the
    /// same events.
    fn build(&mut self) {
        let (mut index, mut next) = (0, 1_u64);
        for piece in &mut self.pieces {
            let skip = (next.saturating_sub(piece.doc.from) as usize).min(piece.doc.events.len());
            piece.first = piece.doc.from + skip as u64;
            piece.index = index;
            piece.placed = piece.doc.events.len() - skip;
            index += piece.placed;
            next = next.max(piece.doc.to + 1);
        }
    }

    /// The file's top level but the events: the header and the chain
    /// records the documents carry (one of each).
    fn head_of(&self, pieces: &[Piece]) -> String {
        let mut chains: BTreeMap<&str, Vec<&ChainRecord>> = BTreeMap::new();
        for piece in pieces {
            if let Some(record) = &piece.doc.chain {
                let list = chains.entry(&piece.doc.device).or_default();
                if !list.contains(&record) {
                    list.push(record);
                }
            }
        }
        for list in chains.values_mut() {
            crate::domain::trust::sort_chain_records(list);
        }
        head(self.now, &chains)
    }

    /// The document whose events include position `index` of the text.
    fn piece_at(&self, index: usize) -> Option<usize> {
        self.pieces
            .iter()
            .position(|p| (p.index..p.index + p.placed).contains(&index))
    }

    /// The first document whose events in the checked file are not the
    /// sequence numbers of its device its id names.
    fn misplaced(&self, events: &[Event]) -> Option<usize> {
        self.pieces.iter().position(|p| {
            let mine = events.get(p.index..p.index + p.placed);
            !mine.is_some_and(|mine| {
                mine.iter()
                    .zip(p.first..)
                    .all(|(e, seq)| e.device == p.doc.device && e.seq == seq)
            })
        })
    }
}

impl Piece {
    /// Its first events, which an earlier document holds in the list.
    fn skipped(&self) -> &[String] {
        &self.doc.events[..(self.first - self.doc.from) as usize]
    }

    /// Its events in the list checked.
    fn checked(&self) -> &[String] {
        &self.doc.events[(self.first - self.doc.from) as usize..]
    }
}

/// A group checked as its documents arrive, in the usual case: no
/// document at fault, none holding an event another holds, no conflicting
/// revision. It knows where each document's events go in the file and the
/// chain records they carry; the events' texts go straight to the check
/// (`Validation::add_events`), which frees each once checked, so no more
/// than a page of texts is held. Anything else is not for it
/// ([`PlainGroup::accept`] says so): the caller then fetches the group
/// again for a [`GroupFile`], which can tell which document is at fault.
pub struct PlainGroup {
    now: DateTime<Utc>,
    /// (device, first sequence number, events) of each document, in order.
    placed: Vec<(String, u64, usize)>,
    chains: BTreeMap<String, Vec<ChainRecord>>,
    /// The sequence number the next document must start with.
    next: Option<u64>,
}

impl PlainGroup {
    pub fn new(now: DateTime<Utc>) -> PlainGroup {
        PlainGroup {
            now,
            placed: Vec::new(),
            chains: BTreeMap::new(),
            next: None,
        }
    }

    /// The file's top level for `Validation::start_parts` (its chain
    /// records come at the end, [`PlainGroup::chains`]).
    pub fn head(&self) -> String {
        head(self.now, &BTreeMap::<String, Vec<ChainRecord>>::new())
    }

    /// A fetched document's events, to be checked, if it keeps the group
    /// plain: of this layout and what its id says, with no conflicting
    /// revision, starting right after the document before it. `None`
    /// otherwise: check the group with care instead.
    pub fn accept(&mut self, value: Value) -> Option<Vec<String>> {
        let conflicts = value
            .get("_conflicts")
            .and_then(Value::as_array)
            .is_some_and(|c| !c.is_empty());
        if conflicts {
            return None;
        }
        let mut doc = read_doc(value).ok()?;
        if self.next.is_some_and(|next| doc.from != next) {
            return None;
        }
        self.next = Some(doc.to + 1);
        if let Some(record) = doc.chain.take() {
            let list = self.chains.entry(doc.device.clone()).or_default();
            if !list.contains(&record) {
                list.push(record);
            }
        }
        let events = std::mem::take(&mut doc.events);
        self.placed.push((doc.device, doc.from, events.len()));
        Some(events)
    }

    /// The chain records the documents carried, for `Validation::set_chains`.
    pub fn chains(&self) -> Value {
        let mut chains = self.chains.clone();
        for list in chains.values_mut() {
            crate::domain::trust::sort_chain_records(list);
        }
        serde_json::to_value(chains).unwrap_or_default()
    }

    /// Whether `bundle` holds each document's events where its id says:
    /// the sequence numbers of its device, in order.
    pub fn holds_places(&self, bundle: &Bundle) -> bool {
        let mut events = bundle.events.iter();
        let all_placed = self.placed.iter().all(|(device, from, count)| {
            (*from..*from + *count as u64).all(|seq| {
                events
                    .next()
                    .is_some_and(|e| &e.device == device && e.seq == seq)
            })
        });
        all_placed && events.next().is_none()
    }
}

/// A file's top level but the events, with these chain records. Of this
/// app's version: the documents' events carry their ids, which a file of
/// version 3 may (each is checked); one whose writer left its id out has
/// it derived, and is bound to its content all the same.
fn head<T: serde::Serialize>(now: DateTime<Utc>, chains: &T) -> String {
    serde_json::json!({
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "device": "couchdb",
        "anonymised": false,
        "attachments": {},
        "chains": chains,
        "checksum": "",
    })
    .to_string()
}

/// An event document of this layout whose id names what it holds, each
/// event one JSON object (so that no string can reach outside its place
/// in the file's list).
fn read_doc(value: Value) -> Result<EventDoc, DocProblem> {
    let doc: EventDoc = serde_json::from_value(value).map_err(|_| DocProblem::Layout)?;
    if doc.kind != EVENTS_TYPE || doc.layout != LAYOUT {
        return Err(DocProblem::Layout);
    }
    if DocRange::parse(&doc.id).as_ref() != Some(&doc.range()) {
        return Err(DocProblem::IdMismatch);
    }
    if doc.events.len() as u64 != doc.to - doc.from + 1 {
        return Err(DocProblem::Range {
            device: doc.device.clone(),
            from: doc.from,
            to: doc.to,
        });
    }
    for (index, text) in doc.events.iter().enumerate() {
        let one: Option<&RawValue> = serde_json::from_str(text).ok();
        let object = one.is_some_and(|raw| raw.get().starts_with('{'));
        if !object || crate::domain::bundle::event_too_deep(text) {
            return Err(DocProblem::Unreadable { index });
        }
    }
    Ok(doc)
}
