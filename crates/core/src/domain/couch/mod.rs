//! How the event log lies in a CouchDB database (Apache CouchDB 3, or
//! pouchdb-server, which speaks the same HTTP API and replication protocol).
//! Pure: the HTTP itself is the app's (`fetch`) or the CLI's.
//!
//! ## Layout
//!
//! One database per station, `gridcare-<station>`. Every document is made
//! once and never updated or deleted (the design document in
//! `data/couch_design.json` refuses anything else):
//!
//! - `ev:<device>:<signed>:<from>:<to>` (numbers zero-padded to 10 digits):
//!   the events `from..=to` of one device, in sequence order, each kept as
//!   the JSON **text** this app writes (a string survives CouchDB's and
//!   PouchDB's re-serialisation of numbers, so every id still checks after
//!   the round trip), and the device's signed chain record that covers
//!   them, cut to start at the group's first event. `signed` is the sequence
//!   number that record signs (0 for a device that does not sign).
//! - `att:sha256:<hex>`: one photo or signature, content-addressed.
//!
//! A **group** is the documents of one device sharing `signed`: one push
//! of that device's events under one signature, cut into documents of at
//! most [`CHUNK`] events. A signature covers a whole group, so a reader
//! checks a group at once, with the same checks as a file import
//! (shape, ids, signatures, no second version of an event), and fetches
//! all of it with one `_all_docs` range over the group's id prefix.
//!
//! Documents are deterministic (the same events under the same signature
//! make the same document, and its revision `1-<hash of the content>` is
//! the same wherever it is made), so two devices pushing the same events
//! write the same document, and replication between servers never
//! conflicts. A reader takes the union by event id of whatever documents
//! it finds. Because the ids name the events they carry, the `_changes`
//! feed alone tells a device which events the server has ([`Coverage`]).

mod group;

pub use group::{GroupFile, GroupParts, PlainGroup, Verdict};

use crate::domain::event::Event;
use crate::domain::trust::records::for_export;
use crate::domain::trust::ChainRecord;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The `type` of an event document.
pub const EVENTS_TYPE: &str = "gridcare-events";
/// The `type` of an attachment document.
pub const ATTACHMENT_TYPE: &str = "gridcare-attachment";
/// The layout's version, in every document.
pub const LAYOUT: u64 = 1;
/// Most events in one document: about 200 KB, well under CouchDB's
/// default `max_document_size` of 8 MB.
pub const CHUNK: usize = 1000;

/// Conflicting revisions a reader fetches per document. Honest devices make
/// none (a document's revision is its content's hash); a second version is
/// an attack or an accident, and a few are enough to find the genuine one.
pub const MAX_CONFLICTS: usize = 16;

/// The design document and security object `gridcare couch-setup` installs.
pub const DESIGN: &str = include_str!("../data/couch_design.json");

/// A station's database name: `gridcare-` and the station in CouchDB's
/// allowed letters (lower-case a–z, digits, `_$()+-/`); other characters
/// become their code point in hex, so two stations never share a name.
pub fn database_for(station: &str) -> String {
    let mut name = String::from("gridcare-");
    for c in station.trim().chars() {
        match c {
            'a'..='z' | '0'..='9' | '_' | '-' => name.push(c),
            'A'..='Z' => name.push(c.to_ascii_lowercase()),
            _ => name.push_str(&format!("u{:x}", c as u32)),
        }
    }
    if name.len() == "gridcare-".len() {
        name.push_str("default");
    }
    name
}

/// An event document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDoc {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub layout: u64,
    pub device: String,
    pub signed: u64,
    pub from: u64,
    pub to: u64,
    /// Each event as JSON text, in sequence order.
    pub events: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<ChainRecord>,
}

/// An attachment document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentDoc {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub layout: u64,
    pub mime: String,
    /// base64, as in a sync file.
    pub data: String,
}

/// What an event document's id says it holds.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DocRange {
    pub device: String,
    pub signed: u64,
    pub from: u64,
    pub to: u64,
}

impl DocRange {
    pub fn doc_id(&self) -> String {
        format!(
            "ev:{}:{:010}:{:010}:{:010}",
            self.device, self.signed, self.from, self.to
        )
    }

    /// Reads `ev:<device>:<signed>:<from>:<to>`; the device may itself
    /// hold colons, so the numbers are read from the right.
    pub fn parse(id: &str) -> Option<DocRange> {
        let rest = id.strip_prefix("ev:")?;
        let mut parts = rest.rsplitn(4, ':');
        let to = parts.next()?.parse().ok()?;
        let from = parts.next()?.parse().ok()?;
        let signed = parts.next()?.parse().ok()?;
        let device = parts.next()?.to_string();
        (!device.is_empty() && from >= 1 && from <= to).then_some(DocRange {
            device,
            signed,
            from,
            to,
        })
    }

    /// The `_all_docs` key range of this document's group.
    pub fn group_keys(&self) -> (String, String) {
        let prefix = format!("ev:{}:{:010}:", self.device, self.signed);
        (prefix.clone(), format!("{prefix}\u{fff0}"))
    }
}

/// `1-<32 hex digits>` from the document's content: the same content gets
/// the same revision on every device (pushed with `new_edits: false`).
pub fn revision_of(content: &serde_json::Value) -> String {
    let mut hasher = Sha256::new();
    hasher.update(content.to_string().as_bytes());
    let digest = hasher.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("1-{hex}")
}

impl EventDoc {
    /// The document's JSON with its deterministic revision.
    pub fn to_value(&self) -> serde_json::Value {
        let mut doc = self.clone();
        doc.rev = None;
        let mut value = serde_json::to_value(&doc).expect("a document serialises");
        let rev = revision_of(&value);
        value["_rev"] = serde_json::Value::String(rev);
        value
    }

    pub fn range(&self) -> DocRange {
        DocRange {
            device: self.device.clone(),
            signed: self.signed,
            from: self.from,
            to: self.to,
        }
    }
}

impl AttachmentDoc {
    pub fn new(hash: &str, mime: &str, data: &str) -> AttachmentDoc {
        AttachmentDoc {
            id: format!("att:{hash}"),
            rev: None,
            kind: ATTACHMENT_TYPE.into(),
            layout: LAYOUT,
            mime: mime.into(),
            data: data.into(),
        }
    }

    pub fn to_value(&self) -> serde_json::Value {
        let mut doc = self.clone();
        doc.rev = None;
        let mut value = serde_json::to_value(&doc).expect("a document serialises");
        let rev = revision_of(&value);
        value["_rev"] = serde_json::Value::String(rev);
        value
    }

    /// The attachment's hash, `sha256:<hex>`.
    pub fn hash(&self) -> &str {
        self.id.strip_prefix("att:").unwrap_or(&self.id)
    }
}

/// Which events of which device a server holds, as the ids of its event
/// documents told: per device, sorted disjoint ranges of sequence numbers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub devices: BTreeMap<String, Vec<(u64, u64)>>,
}

impl Coverage {
    pub fn add(&mut self, device: &str, from: u64, to: u64) {
        let ranges = self.devices.entry(device.to_string()).or_default();
        ranges.push((from, to));
        ranges.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
        for &(a, b) in ranges.iter() {
            match merged.last_mut() {
                Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        *ranges = merged;
    }

    /// Notes what a document id says (ids of other forms say nothing).
    pub fn add_doc_id(&mut self, id: &str) {
        if let Some(r) = DocRange::parse(id) {
            self.add(&r.device, r.from, r.to);
        }
    }

    pub fn covers(&self, device: &str, seq: u64) -> bool {
        self.devices.get(device).is_some_and(|ranges| {
            let i = ranges.partition_point(|&(_, to)| to < seq);
            ranges.get(i).is_some_and(|&(from, _)| from <= seq)
        })
    }
}

/// The documents that carry `to_send` (events the server lacks), given
/// every event this device holds and the chain records it keeps. Each
/// device's events are grouped by the signed record that covers them and
/// cut into documents of at most [`CHUNK`] consecutive events.
pub fn documents_for<'a>(
    to_send: &[Event],
    held: impl IntoIterator<Item = &'a Event> + Clone,
    kept: &BTreeMap<String, Vec<ChainRecord>>,
) -> Vec<EventDoc> {
    let to_send: Vec<&Event> = to_send.iter().collect();
    let plans = plan_documents(&to_send, held, kept);
    documents_of(&plans, to_send).expect("every planned event is one of those to send")
}

/// One document to send, before its events are written out: which of a
/// device's events it carries and the record that signs them. A device's
/// whole log is planned at once (a few bytes per document); the documents
/// themselves, about 0.5 MB each, are made a batch at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocPlan {
    pub range: DocRange,
    pub chain: Option<ChainRecord>,
}

impl DocPlan {
    /// How many events the document carries (a run of consecutive ones).
    pub fn events(&self) -> usize {
        (self.range.to - self.range.from + 1) as usize
    }
}

/// The documents [`documents_for`] would make, as plans.
pub fn plan_documents<'a>(
    to_send: &[&Event],
    held: impl IntoIterator<Item = &'a Event> + Clone,
    kept: &BTreeMap<String, Vec<ChainRecord>>,
) -> Vec<DocPlan> {
    let records = for_export(to_send.iter().copied(), held, kept);
    let mut by_device: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for e in to_send {
        by_device.entry(e.device.as_str()).or_default().push(e.seq);
    }
    let mut plans = Vec::new();
    for (device, mut seqs) in by_device {
        seqs.sort_unstable();
        seqs.dedup();
        let device_records = records.get(device).map(Vec::as_slice).unwrap_or(&[]);
        // A device that signs: its events go up only under a record that
        // covers them, or every reader that knows its key would refuse them
        // as unsigned, and the server would seem to hold them already.
        let signs = kept.get(device).is_some_and(|r| !r.is_empty());
        // Events of one group: covered by the same record (or by none).
        let mut groups: BTreeMap<Option<usize>, Vec<u64>> = BTreeMap::new();
        for seq in seqs {
            let record = device_records.iter().position(|r| r.covers(seq));
            groups.entry(record).or_default().push(seq);
        }
        for (record, group) in groups {
            if record.is_none() && signs {
                continue;
            }
            let chain = record.map(|i| device_records[i].clone());
            let signed = chain.as_ref().map_or(0, |r| r.seq);
            // Consecutive runs, each cut into chunks.
            let mut run_start = 0;
            for i in 1..=group.len() {
                if i < group.len() && group[i - 1] + 1 == group[i] {
                    continue;
                }
                for chunk in group[run_start..i].chunks(CHUNK) {
                    plans.push(DocPlan {
                        range: DocRange {
                            device: device.to_string(),
                            signed,
                            from: chunk[0],
                            to: chunk[chunk.len() - 1],
                        },
                        chain: chain.clone(),
                    });
                }
                run_start = i;
            }
        }
    }
    plans
}

/// The documents of `plans`, their events found among `held` (each looked
/// at once; the first of two with one sequence number is taken). `None`
/// when an event a plan names is not among them.
pub fn documents_of<'a>(
    plans: &[DocPlan],
    held: impl IntoIterator<Item = &'a Event>,
) -> Option<Vec<EventDoc>> {
    // Each device's plans by their first event, for a binary search.
    let mut by_device: BTreeMap<&str, Vec<(u64, usize)>> = BTreeMap::new();
    for (i, plan) in plans.iter().enumerate() {
        by_device
            .entry(plan.range.device.as_str())
            .or_default()
            .push((plan.range.from, i));
    }
    for starts in by_device.values_mut() {
        starts.sort_unstable();
    }
    let mut texts: Vec<Vec<Option<String>>> =
        plans.iter().map(|p| vec![None; p.events()]).collect();
    for e in held {
        let Some(starts) = by_device.get(e.device.as_str()) else {
            continue;
        };
        let Some(&(from, i)) = starts[..starts.partition_point(|&(from, _)| from <= e.seq)].last()
        else {
            continue;
        };
        if let Some(slot @ None) = texts[i].get_mut((e.seq - from) as usize) {
            *slot = Some(serde_json::to_string(e).expect("an event serialises"));
        }
    }
    plans
        .iter()
        .zip(texts)
        .map(|(plan, texts)| {
            let range = &plan.range;
            Some(EventDoc {
                id: range.doc_id(),
                rev: None,
                kind: EVENTS_TYPE.into(),
                layout: LAYOUT,
                device: range.device.clone(),
                signed: range.signed,
                from: range.from,
                to: range.to,
                events: texts.into_iter().collect::<Option<Vec<String>>>()?,
                chain: plan.chain.clone(),
            })
        })
        .collect()
}

/// Why a document from the server was not taken, before the checks of a
/// file import (which say why in their own words).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DocProblem {
    #[error("not a gridcare document of this layout")]
    Layout,
    #[error("the id does not match what the document holds")]
    IdMismatch,
    #[error("event {index} is not readable JSON")]
    Unreadable { index: usize },
    #[error("the events are not {from} to {to} of device {device}")]
    Range { device: String, from: u64, to: u64 },
    #[error("another version of events {from} to {to} of device {device}, which its signature does not cover")]
    SecondVersion { device: String, from: u64, to: u64 },
}

/// Why a document was refused, in both languages.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    Doc(DocProblem),
    Checks(crate::domain::bundle::BundleError),
}

impl Refusal {
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang;
        match (self, lang) {
            (Refusal::Checks(e), _) => e.message(lang),
            (Refusal::Doc(DocProblem::Layout), Lang::Zh) => "不是本系统格式的文档".into(),
            (Refusal::Doc(DocProblem::IdMismatch), Lang::Zh) => "文档编号与内容不符".into(),
            (Refusal::Doc(DocProblem::Unreadable { index }), Lang::Zh) => {
                format!("第 {} 个事件无法读取", index + 1)
            }
            (Refusal::Doc(DocProblem::Range { device, from, to }), Lang::Zh) => {
                format!("内容不是设备 {device} 的第 {from}–{to} 号事件")
            }
            (Refusal::Doc(DocProblem::SecondVersion { device, from, to }), Lang::Zh) => {
                format!("设备 {device} 第 {from}–{to} 号事件的另一个版本，不在其签名之内")
            }
            (Refusal::Doc(p), Lang::En) => p.to_string(),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(crate::i18n::Lang::En))
    }
}

/// Where a replication stands with one database, kept on the device and,
/// as `_local/<replication id>`, on the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The server's `_changes` sequence up to which everything is taken.
    pub pulled_since: serde_json::Value,
    /// What the server holds, as far as this device has seen.
    #[serde(default)]
    pub coverage: Coverage,
}

/// The replication id of a device with a database: the same device and
/// database always get the same `_local` document.
pub fn replication_id(device: &str, url: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"gridcare-replication-v1\0");
    hasher.update(device.as_bytes());
    hasher.update([0]);
    hasher.update(url.trim_end_matches('/').as_bytes());
    let digest = hasher.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_their_range_and_read_back_even_with_colons_in_the_device() {
        let range = DocRange {
            device: "站:A".into(),
            signed: 12,
            from: 3,
            to: 12,
        };
        assert_eq!(range.doc_id(), "ev:站:A:0000000012:0000000003:0000000012");
        assert_eq!(DocRange::parse(&range.doc_id()), Some(range));
        assert_eq!(DocRange::parse("ev:a:1:5:4"), None, "from after to");
        assert_eq!(DocRange::parse("att:sha256:00"), None);
        assert_eq!(DocRange::parse("ev::1:1:1"), None, "no device");
    }

    #[test]
    fn coverage_merges_ranges_and_answers_per_sequence_number() {
        let mut c = Coverage::default();
        c.add("a", 5, 9);
        c.add("a", 1, 3);
        c.add("a", 4, 4);
        c.add("a", 20, 30);
        assert_eq!(c.devices["a"], vec![(1, 9), (20, 30)]);
        assert!(c.covers("a", 1) && c.covers("a", 9) && c.covers("a", 25));
        assert!(!c.covers("a", 10) && !c.covers("a", 31) && !c.covers("b", 1));
    }

    #[test]
    fn station_databases_have_couchdb_names_and_never_collide() {
        assert_eq!(database_for("S01"), "gridcare-s01");
        assert_eq!(database_for(""), "gridcare-default");
        let a = database_for("城东供电所");
        assert!(a.starts_with("gridcare-") && a.is_ascii());
        assert_ne!(a, database_for("城西供电所"));
    }

    #[test]
    fn the_same_content_gets_the_same_revision() {
        let doc = AttachmentDoc::new("sha256:ab", "image/png", "AAAA");
        assert_eq!(doc.to_value()["_rev"], doc.clone().to_value()["_rev"]);
        let other = AttachmentDoc::new("sha256:ab", "image/png", "AAAB");
        assert_ne!(doc.to_value()["_rev"], other.to_value()["_rev"]);
        assert!(doc.to_value()["_rev"].as_str().unwrap().starts_with("1-"));
    }

    #[test]
    fn a_signing_devices_events_go_up_only_under_a_record_that_covers_them() {
        use crate::domain::classify::Classifier;
        use crate::domain::demo::{demo_chains, demo_events, DemoOptions};
        use crate::domain::rules::RuleTable;
        let events = demo_events(
            &Classifier::new(RuleTable::shipped()),
            &DemoOptions {
                tickets: 3,
                seed: 1,
                device: "tab",
                anchor: chrono::Utc::now(),
            },
        );
        let all = demo_chains(&events);
        let (device, records) = all.iter().next().unwrap();
        let mine: Vec<Event> = events
            .iter()
            .filter(|e| &e.device == device)
            .cloned()
            .collect();
        assert!(mine.len() > 3);
        // All signed: every event goes up, under its record.
        let docs = documents_for(&mine, &events, &all);
        let carried: usize = docs.iter().map(|d| d.events.len()).sum();
        assert_eq!(carried, mine.len());
        assert!(docs
            .iter()
            .all(|d| d.chain.is_some() && d.signed == records[0].seq));
        // Signed only up to 2 (a record kept from an older file): 3.. wait.
        let mut short = records[0].clone();
        short.seq = 2;
        let kept = BTreeMap::from([(device.clone(), vec![short])]);
        let docs = documents_for(&mine, &events, &kept);
        assert_eq!(docs.len(), 1);
        assert_eq!((docs[0].from, docs[0].to, docs[0].signed), (1, 2, 2));
        // A device that never signed goes up unsigned.
        let docs = documents_for(&mine, &events, &BTreeMap::new());
        assert!(docs.iter().all(|d| d.chain.is_none() && d.signed == 0));
        assert_eq!(
            docs.iter().map(|d| d.events.len()).sum::<usize>(),
            mine.len()
        );
    }

    #[test]
    fn documents_made_a_batch_at_a_time_from_the_whole_log_are_the_same() {
        use crate::domain::classify::Classifier;
        use crate::domain::demo::{demo_chains, demo_events, DemoOptions};
        use crate::domain::rules::RuleTable;
        let options = |device, seed| DemoOptions {
            tickets: 4,
            seed,
            device,
            anchor: chrono::Utc::now(),
        };
        let classifier = Classifier::new(RuleTable::shipped());
        let mut events = demo_events(&classifier, &options("tab-a", 1));
        events.extend(demo_events(&classifier, &options("tab-b", 2)));
        let kept = demo_chains(&events);
        // Everything but one event of tab-a: its run is cut in two there.
        let gap = events.iter().find(|e| e.device == "tab-a" && e.seq == 3);
        let to_send: Vec<Event> = events.iter().filter(|e| Some(*e) != gap).cloned().collect();
        let whole = documents_for(&to_send, &events, &kept);
        let refs: Vec<&Event> = to_send.iter().collect();
        let plans = plan_documents(&refs, &events, &kept);
        assert_eq!(plans.len(), whole.len());
        assert!(
            whole.len() >= 3,
            "two devices, one run cut: {}",
            whole.len()
        );
        let mut batched = Vec::new();
        for batch in plans.chunks(2) {
            // The whole log, which holds the event left out too.
            batched.extend(documents_of(batch, &events).unwrap());
        }
        assert_eq!(batched, whole);
        for doc in &whole {
            let seqs: Vec<u64> = doc
                .events
                .iter()
                .map(|t| serde_json::from_str::<Event>(t).unwrap())
                .inspect(|e| assert_eq!(e.device, doc.device.as_str()))
                .map(|e| e.seq)
                .collect();
            assert_eq!(seqs, (doc.from..=doc.to).collect::<Vec<_>>());
            assert_ne!((doc.device.as_str(), doc.from), ("tab-a", 3));
        }
        assert_eq!(
            plans.iter().map(DocPlan::events).sum::<usize>(),
            to_send.len()
        );
        // A log that lacks an event a plan names makes no documents.
        let without: Vec<&Event> = events
            .iter()
            .filter(|e| !(e.device == "tab-b" && e.seq == 2))
            .collect();
        assert_eq!(documents_of(&plans, without), None);
    }

    #[test]
    fn the_design_document_is_valid_json_with_a_validation_function() {
        let design: serde_json::Value = serde_json::from_str(DESIGN).unwrap();
        assert_eq!(design["design"]["_id"], "_design/gridcare");
        assert!(design["design"]["validate_doc_update"]
            .as_str()
            .unwrap()
            .contains("never changed"));
    }
}
