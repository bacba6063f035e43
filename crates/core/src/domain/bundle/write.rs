//! Writing a sync file a piece at a time, so that neither its text nor a
//! copy of its events is ever held whole: the events are borrowed from the
//! device's log, each is written once, and its canonical form feeds the
//! checksum as it goes. The pieces, put together, are exactly the text
//! [`Bundle::to_json`] gives for the same file (tested), which is why this
//! works: a file names its checksum last, after the events, while the
//! canonical form it is hashed over puts the events among the other keys,
//! all of which are known before the first event is written.

use super::checksum::close_checksum;
use super::scan::{hash_canonical, own_canonical, write_event_canonical, CanonicalWork};
use super::validate::canonical_around_events;
use super::{ids_written, sort_for_file, Attachment, Bundle, FORMAT, VERSION};
use crate::domain::event::Event;
use crate::domain::trust::ChainRecord;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The text a file names its events with, up to the first event.
const EVENTS_KEY: &str = "\"events\":[";

/// A sync file being written: [`FileText::next_piece`] until `None`.
pub struct FileText<'a> {
    /// Everything but the events (and, until they are written, the checksum).
    header: Bundle,
    events: Vec<&'a Event>,
    written: usize,
    stage: Stage,
    hasher: Sha256,
    /// The canonical keys after the events (`exported_at`, `format`, …).
    tail: String,
    piece: Vec<u8>,
    /// The current event's canonical form, and the lists noting it uses.
    canonical: Vec<u8>,
    work: CanonicalWork,
}

#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Head,
    Events,
    End,
    Done,
}

impl<'a> FileText<'a> {
    /// The file `Bundle::new(device, exported_at, events, attachments)
    /// .with_chains(chains)` would be, without its events copied. The
    /// events are put in a file's order here.
    pub fn new(
        device: &str,
        exported_at: DateTime<Utc>,
        events: Vec<&'a Event>,
        attachments: BTreeMap<String, Attachment>,
        chains: BTreeMap<String, Vec<ChainRecord>>,
    ) -> FileText<'a> {
        FileText::of(header(device, exported_at, attachments, chains), events)
    }

    /// An anonymised file of these (already masked) events: unsigned, no
    /// attachments.
    pub fn anonymised(
        device: &str,
        exported_at: DateTime<Utc>,
        events: Vec<&'a Event>,
    ) -> FileText<'a> {
        let mut header = header(device, exported_at, BTreeMap::new(), BTreeMap::new());
        header.anonymised = true;
        FileText::of(header, events)
    }

    fn of(header: Bundle, mut events: Vec<&'a Event>) -> FileText<'a> {
        sort_for_file(&mut events);
        let (head, tail) = canonical_parts(&header);
        FileText {
            header,
            events,
            written: 0,
            stage: Stage::Head,
            hasher: Sha256::new_with_prefix(head),
            tail,
            piece: Vec::new(),
            canonical: Vec::new(),
            work: CanonicalWork::default(),
        }
    }

    /// The file as a reader of `version` expects it: version 2 writes each
    /// event's id, for devices whose app is older than version 3. Before
    /// the first piece only.
    pub fn written_as(mut self, version: u64) -> FileText<'a> {
        assert!(
            self.stage == Stage::Head,
            "a file's version is chosen before it is written"
        );
        // Version 1 has no chains; a version past this app's, no reader.
        assert!(
            (2..=VERSION).contains(&version),
            "no file of version {version} is written"
        );
        self.header.version = version;
        let (head, tail) = canonical_parts(&self.header);
        self.hasher = Sha256::new_with_prefix(head);
        self.tail = tail;
        self
    }

    /// How many events the file holds.
    pub fn events(&self) -> usize {
        self.events.len()
    }

    /// How many of them are written so far.
    pub fn written(&self) -> usize {
        self.written
    }

    /// The next piece of the text, at least `size` bytes where that many
    /// are left (a piece ends after an event); `None` once all is written.
    pub fn next_piece(&mut self, size: usize) -> Option<&[u8]> {
        self.piece.clear();
        match self.stage {
            Stage::Head => {
                let json = self.header.to_json();
                self.piece
                    .extend_from_slice(&json.as_bytes()[..events_at(&json)]);
                self.stage = Stage::Events;
            }
            Stage::Events => {
                while self.piece.len() < size && self.written < self.events.len() {
                    let event = self.events[self.written];
                    if self.written > 0 {
                        self.piece.push(b',');
                        self.hasher.update(b",");
                    }
                    // Written straight into the piece, its canonical form
                    // noted on the way (scanned from the text only where
                    // the writer declines).
                    let start = self.piece.len();
                    let with_id = ids_written(self.header.version);
                    let noted = write_event_canonical(
                        &mut self.piece,
                        event,
                        with_id,
                        &mut self.canonical,
                        &mut self.work,
                    );
                    match noted {
                        Some(()) => self.hasher.update(&self.canonical),
                        None => hash_written(
                            &mut self.hasher,
                            &self.piece[start..],
                            &mut self.canonical,
                        ),
                    }
                    self.written += 1;
                }
                if self.written == self.events.len() {
                    self.stage = Stage::End;
                }
            }
            Stage::End => {
                let hasher = std::mem::take(&mut self.hasher);
                self.header.checksum = close_checksum(hasher, &self.tail);
                let json = self.header.to_json();
                self.piece
                    .extend_from_slice(&json.as_bytes()[events_at(&json)..]);
                self.stage = Stage::Done;
            }
            Stage::Done => return None,
        }
        Some(&self.piece)
    }
}

/// A file's members other than its events (and its checksum, not known yet).
fn header(
    device: &str,
    exported_at: DateTime<Utc>,
    attachments: BTreeMap<String, Attachment>,
    chains: BTreeMap<String, Vec<ChainRecord>>,
) -> Bundle {
    Bundle {
        format: FORMAT.to_string(),
        version: VERSION,
        exported_at,
        device: device.to_string(),
        anonymised: false,
        events: Vec::new(),
        attachments,
        chains,
        checksum: String::new(),
    }
}

/// Where the events list of a file with no events begins, right after
/// `"events":[`. Nothing before it can hold that text: the keys before the
/// events are fixed, and a quote inside a string is escaped.
fn events_at(json: &str) -> usize {
    json.find(EVENTS_KEY).expect("a bundle names its events") + EVENTS_KEY.len()
}

/// The canonical bytes before the events and after them, of a bundle's
/// other keys (its own events and checksum are left out).
pub(super) fn canonical_parts(header: &Bundle) -> (String, String) {
    let Ok(Value::Object(mut map)) = serde_json::to_value(header) else {
        unreachable!("a bundle serialises to an object")
    };
    map.remove("checksum");
    map.remove("events");
    canonical_around_events(&map)
}

/// Feeds the checksum the canonical form of the event written as `text`
/// (with its id or without): built from the text by the scanner, or through
/// a JSON tree where the scanner declines.
pub(super) fn hash_written(hasher: &mut Sha256, text: &[u8], scratch: &mut Vec<u8>) {
    match own_canonical(text, scratch) {
        Some(_) => hasher.update(&*scratch),
        None => {
            // Read back from the text, so that the tree has the id or not as
            // the text has.
            let value: Value = serde_json::from_slice(text).expect("an event's text reads back");
            hash_canonical(&value, hasher, scratch);
        }
    }
}
