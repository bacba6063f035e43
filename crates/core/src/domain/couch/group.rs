//! A group's documents put together as the text of one sync file, so that
//! the import's own validation checks them (shape, ids, sequence numbers,
//! signatures) before anything is taken.
//!
//! The events stay the text they were on the server: each document's
//! strings go into the file as they are, once, and the documents are
//! dropped as they go in, so a group of 150,000 events is held as one text
//! and then as checked events, never as both trees and text at once. The
//! text is made here, not read from a file, so it carries no checksum
//! (`Validation::assembled`): every event still proves its own id and the
//! group's signature covers them all.

use super::{DocProblem, DocRange, EventDoc, Refusal, EVENTS_TYPE, LAYOUT};
use crate::domain::bundle::{Bundle, BundleError, FORMAT, VERSION};
use crate::domain::event::Event;
use crate::domain::trust::ChainRecord;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;
use std::ops::Range;

/// The documents of one group (one device, one signature), as one file.
pub struct GroupFile {
    now: DateTime<Utc>,
    pieces: Vec<Piece>,
    text: String,
    built: bool,
    refused: Vec<(String, Refusal)>,
}

/// One document in the text.
struct Piece {
    /// The document; its event strings move into the text when it is built.
    doc: EventDoc,
    /// The sequence number of its first event in the text: later than
    /// `doc.from` where an earlier document of the group holds the same
    /// events (two devices that cut the same events differently).
    first: u64,
    /// Where its events are in the text's list, and their bytes.
    index: usize,
    spans: Vec<Range<usize>>,
}

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
            text: String::new(),
            built: false,
            refused: Vec::new(),
        }
    }

    /// Takes a document as fetched; one that is not what its id says is
    /// noted as refused and left out.
    pub fn add(&mut self, value: Value) {
        let id = value["_id"].as_str().unwrap_or("?").to_string();
        match read_doc(value) {
            Ok(doc) => self.pieces.push(Piece {
                doc,
                first: 0,
                index: 0,
                spans: Vec::new(),
            }),
            Err(problem) => self.refused.push((id, Refusal::Doc(problem))),
        }
    }

    /// Whether any document is left to check.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// The sync file's text of the documents left, for `Validation::start`
    /// then `assembled`. Documents cannot be added once it is made.
    pub fn text(&mut self) -> &str {
        if !self.built {
            self.build();
            self.built = true;
        }
        &self.text
    }

    /// Reads the result of checking `text`: a document at fault is named
    /// and left out, and the rest is to be checked again; a fault of the
    /// whole group (its signature, a sequence number reused) refuses all.
    pub fn judge(&mut self, checked: Result<Bundle, BundleError>) -> Verdict {
        let fault = match checked {
            Ok(bundle) => match self.misplaced(&bundle.events) {
                None => return Verdict::Taken(bundle),
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
                None => {
                    for piece in std::mem::take(&mut self.pieces) {
                        self.refused
                            .push((piece.doc.id, Refusal::Checks(e.clone())));
                    }
                    None
                }
            },
        };
        let Some((at, why)) = fault else {
            return Verdict::Refused;
        };
        let piece = self.pieces.remove(at);
        self.refused.push((piece.doc.id, why));
        if self.pieces.is_empty() {
            return Verdict::Refused;
        }
        self.rebuild();
        Verdict::Again
    }

    /// Checks the text with `check` until the group is taken or refused
    /// (for callers that need not let a page breathe between slices).
    pub fn check_with(
        &mut self,
        mut check: impl FnMut(&str) -> Result<Bundle, BundleError>,
    ) -> Option<Bundle> {
        while !self.is_empty() {
            let checked = check(self.text());
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

    /// The text, first time: each document's events moved in, in
    /// sequence order, an event held by an earlier document not twice.
    fn build(&mut self) {
        self.pieces.sort_by_key(|p| (p.doc.from, p.doc.to));
        let size: usize = self
            .pieces
            .iter()
            .flat_map(|p| &p.doc.events)
            .map(|e| e.len() + 1)
            .sum();
        let mut text = String::with_capacity(size + 512);
        text.push_str(&self.head());
        let (mut index, mut next) = (0, 1_u64);
        for piece in &mut self.pieces {
            let events = std::mem::take(&mut piece.doc.events);
            let skip = next.saturating_sub(piece.doc.from).min(events.len() as u64);
            piece.first = piece.doc.from + skip;
            piece.index = index;
            for event in events.into_iter().skip(skip as usize) {
                piece.spans.push(push_event(&mut text, index, &event));
                index += 1;
            }
            next = next.max(piece.doc.to + 1);
        }
        text.push_str(TAIL);
        self.text = text;
    }

    /// The text again without a document left out, from the old text.
    fn rebuild(&mut self) {
        let old = std::mem::take(&mut self.text);
        let mut text = String::with_capacity(old.len());
        text.push_str(&self.head());
        let mut index = 0;
        for piece in &mut self.pieces {
            piece.index = index;
            for span in &mut piece.spans {
                *span = push_event(&mut text, index, &old[span.clone()]);
                index += 1;
            }
        }
        text.push_str(TAIL);
        self.text = text;
    }

    /// Everything before the events: the header and the chain records the
    /// documents carry (one of each).
    fn head(&self) -> String {
        let mut chains: BTreeMap<&str, Vec<&ChainRecord>> = BTreeMap::new();
        for piece in &self.pieces {
            if let Some(record) = &piece.doc.chain {
                let list = chains.entry(&piece.doc.device).or_default();
                if !list.contains(&record) {
                    list.push(record);
                }
            }
        }
        for list in chains.values_mut() {
            list.sort_by_key(|r| (r.from, r.seq));
        }
        let header = serde_json::json!({
            "format": FORMAT,
            "version": VERSION,
            "exported_at": self.now.to_rfc3339_opts(SecondsFormat::Secs, true),
            "device": "couchdb",
            "anonymised": false,
            "attachments": {},
            "chains": chains,
            "checksum": "",
        })
        .to_string();
        // `{…}` opened again to add the events last.
        format!("{},\"events\":[", &header[..header.len() - 1])
    }

    /// The document whose events include position `index` of the text.
    fn piece_at(&self, index: usize) -> Option<usize> {
        self.pieces
            .iter()
            .position(|p| (p.index..p.index + p.spans.len()).contains(&index))
    }

    /// The first document whose events in the checked file are not the
    /// sequence numbers of its device its id names.
    fn misplaced(&self, events: &[Event]) -> Option<usize> {
        self.pieces.iter().position(|p| {
            let mine = events.get(p.index..p.index + p.spans.len());
            !mine.is_some_and(|mine| {
                mine.iter()
                    .zip(p.first..)
                    .all(|(e, seq)| e.device == p.doc.device && e.seq == seq)
            })
        })
    }
}

const TAIL: &str = "]}";

/// Appends one event (with a comma before all but the first); its bytes.
fn push_event(text: &mut String, index: usize, event: &str) -> Range<usize> {
    if index > 0 {
        text.push(',');
    }
    let start = text.len();
    text.push_str(event);
    start..text.len()
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
