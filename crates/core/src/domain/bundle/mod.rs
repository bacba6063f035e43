//! The sync bundle: a plain JSON file that moves events between devices (USB,
//! share sheet, e-mail) and that other systems can read without this code.
//!
//! ```json
//! {"format": "gridcare-bundle", "version": 3, "exported_at": "...", "device": "...",
//!  "events": [{"ticket", "device", "seq", "at", "hlc", "author", "type", ...}],
//!  "attachments": {"sha256:...": {"mime": "image/jpeg", "data": "<base64>"}},
//!  "checksum": "sha256:..."}
//! ```
//! The checksum is SHA-256 of the canonical JSON (sorted keys, no white space)
//! of everything but the checksum, so a pretty-printed or BOM-prefixed copy of
//! a valid file still validates while a changed, dropped or added event does
//! not. An event's id is the SHA-256 of its content: a file of version 3
//! leaves it out and the reader derives it; older files carry it, and it is
//! checked against the content. A file is
//! validated whole before anything is merged: it is accepted, or refused with
//! one message that says what is wrong and where.
//!
//! The pipeline, one module a step:
//! - [`validate`]: [`Validation`] reads the top level in one pass, keeping
//!   each event a slice of the text; then, a slice of events at a time (so a
//!   page can show progress and cancel), parses each event, checks its shape,
//!   limits and id, and feeds the checksum; `finish` checks the checksum, the
//!   attachments and that no `(device, seq)` was used twice.
//! - [`scan`]: the fast path for events written exactly as this app writes
//!   them: their canonical form is built by a byte scanner from the text,
//!   without a JSON tree; anything else goes through `serde_json::Value`.
//! - [`checksum`]: where the canonical bytes go (a hasher, or a buffer for a
//!   helper worker), and the checks of ids hashed elsewhere.
//! - [`merge`]: the canonical order and the set union of events.
//! - [`error`]: why a file was refused, in both languages.
//! - [`sealed`]: the envelope of a file exported under a passphrase.
//! - [`gzip`]: compressed files, known by their first bytes.
//! - [`split`]: a file's top level and events found in its bytes as they
//!   arrive, so that a page checks a file without holding its text whole.
//! - [`write`]: [`FileText`] writes a file a piece at a time, from events
//!   borrowed from the log, hashing each as it is written.

mod checksum;
mod error;
pub mod gzip;
mod merge;
mod scan;
pub mod sealed;
pub mod split;
#[cfg(not(target_arch = "wasm32"))]
pub mod stream;
#[cfg(test)]
mod tests;
pub mod trust;
mod validate;
mod write;

pub use error::{AttachmentProblem, BundleError, EventProblem, Expected};
pub use merge::{merge_bundles, merge_events, sort_canonical, sort_for_file, MergeError};
pub use trust::{Held, NothingHeld, Signed};
pub use validate::{event_too_deep, ChecksumPart, IdsChecked, Progress, Validation};
pub use write::FileText;

use crate::domain::event::Event;
use crate::domain::trust::ChainRecord;
use checksum::close_checksum;
use chrono::{DateTime, Utc};
use scan::write_event;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use write::{canonical_parts, hash_written};

pub const FORMAT: &str = "gridcare-bundle";
/// 2 adds the devices' signed chains (`chains`); files of version 1 are
/// still read, their events unsigned. 3 leaves each event's id out (it is
/// the SHA-256 of the rest, so a reader derives it): a fifth of the text
/// and of the compressed file, which the ids' random hex made. A file of
/// version 3 may still carry ids (a group pulled from a sync server does);
/// each is then checked against the event's content.
pub const VERSION: u64 = 3;
/// The oldest format this version still writes, for devices not yet
/// updated: version 2, each event with its id.
pub const OLDEST_WRITTEN_VERSION: u64 = 2;

/// Whether a file of `version` writes its events' ids.
pub(crate) fn ids_written(version: u64) -> bool {
    version < 3
}
/// Longest free text in one field of an event, in characters.
pub const MAX_TEXT_CHARS: usize = 5_000;
/// Largest attachment (photo, signature) after base64 decoding.
pub const MAX_ATTACHMENT_BYTES: usize = 8 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub mime: String,
    /// The file's bytes, base64 (standard alphabet, padded).
    pub data: String,
}

/// A sync file. Written as its version writes it (`Serialize` below): up to
/// version 2 with each event's id, from version 3 without.
#[derive(Clone, Debug, PartialEq)]
pub struct Bundle {
    pub format: String,
    pub version: u64,
    pub exported_at: DateTime<Utc>,
    pub device: String,
    /// Phone numbers and addresses masked: for statistics, not for merging.
    pub anonymised: bool,
    pub events: Vec<Event>,
    pub attachments: BTreeMap<String, Attachment>,
    /// Each signing device's chain records, covering its events in the file.
    pub chains: BTreeMap<String, Vec<ChainRecord>>,
    pub checksum: String,
}

impl Serialize for Bundle {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// The members in `Bundle`'s order, the events as the version
        /// writes them.
        #[derive(Serialize)]
        struct Members<'b> {
            format: &'b str,
            version: u64,
            #[serde(serialize_with = "at")]
            exported_at: &'b DateTime<Utc>,
            device: &'b str,
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            anonymised: bool,
            events: Events<'b>,
            #[serde(skip_serializing_if = "BTreeMap::is_empty")]
            attachments: &'b BTreeMap<String, Attachment>,
            #[serde(skip_serializing_if = "BTreeMap::is_empty")]
            chains: &'b BTreeMap<String, Vec<ChainRecord>>,
            checksum: &'b str,
        }
        struct Events<'b> {
            events: &'b [Event],
            with_ids: bool,
        }
        impl Serialize for Events<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeSeq;
                let mut list = serializer.serialize_seq(Some(self.events.len()))?;
                for event in self.events {
                    if self.with_ids {
                        list.serialize_element(event)?;
                    } else {
                        list.serialize_element(&scan::WithoutId(event))?;
                    }
                }
                list.end()
            }
        }
        fn at<S: serde::Serializer>(at: &&DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
            at.serialize(serializer)
        }
        Members {
            format: &self.format,
            version: self.version,
            exported_at: &self.exported_at,
            device: &self.device,
            anonymised: self.anonymised,
            events: Events {
                events: &self.events,
                with_ids: ids_written(self.version),
            },
            attachments: &self.attachments,
            chains: &self.chains,
            checksum: &self.checksum,
        }
        .serialize(serializer)
    }
}

impl Bundle {
    /// A bundle of these events (put in a file's order, `sort_for_file`)
    /// with its checksum.
    pub fn new(
        device: &str,
        exported_at: DateTime<Utc>,
        mut events: Vec<Event>,
        attachments: BTreeMap<String, Attachment>,
    ) -> Bundle {
        sort_for_file(&mut events);
        let mut bundle = Bundle {
            format: FORMAT.to_string(),
            version: VERSION,
            exported_at,
            device: device.to_string(),
            anonymised: false,
            events,
            attachments,
            chains: BTreeMap::new(),
            checksum: String::new(),
        };
        bundle.seal();
        bundle
    }

    /// The file with these chain records (a device's own, signed now; the
    /// others' it keeps), resealed.
    pub fn with_chains(mut self, chains: BTreeMap<String, Vec<ChainRecord>>) -> Bundle {
        self.chains = chains;
        self.seal();
        self
    }

    /// Recomputes the checksum after a change.
    pub fn seal(&mut self) {
        self.checksum.clear();
        // Hashed event by event: the whole bundle is never one JSON tree.
        let events = std::mem::take(&mut self.events);
        let (head, tail) = canonical_parts(self);
        self.events = events;
        let mut hasher = Sha256::new_with_prefix(head);
        let (mut text, mut canonical) = (Vec::new(), Vec::new());
        for (i, event) in self.events.iter().enumerate() {
            if i > 0 {
                hasher.update(b",");
            }
            // The event as this app writes it, sorted by the text scanner
            // (no JSON tree, and no id hashed that is known already).
            text.clear();
            write_event(&mut text, event, ids_written(self.version));
            hash_written(&mut hasher, &text, &mut canonical);
        }
        self.checksum = close_checksum(hasher, &tail);
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a bundle always serialises")
    }

    /// The file name an export gets (see [`file_name`]).
    pub fn file_name(&self) -> String {
        file_name(&self.device, self.exported_at)
    }

    /// Reads and validates a file; `now` bounds the event times it accepts.
    pub fn parse_bytes(bytes: &[u8], now: DateTime<Utc>) -> Result<Bundle, BundleError> {
        let text = std::str::from_utf8(bytes).map_err(|e| BundleError::NotUtf8 {
            byte: e.valid_up_to(),
        })?;
        Bundle::parse(text, now)
    }

    /// Reads and validates a whole file at once (the CLI; small files).
    pub fn parse(text: &str, now: DateTime<Utc>) -> Result<Bundle, BundleError> {
        let mut validation = Validation::start(text, now)?;
        while !validation.step(usize::MAX)?.is_done() {}
        validation.finish()
    }
}

/// The file name an export from `device` at `exported_at` gets:
/// `gridcare-<device>-<yyyymmdd-hhmm>.json` (China time).
pub fn file_name(device: &str, exported_at: DateTime<Utc>) -> String {
    let local = exported_at.with_timezone(&crate::domain::time::china());
    let device: String = device
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("gridcare-{device}-{}.json", local.format("%Y%m%d-%H%M"))
}
