//! The sync bundle: a plain JSON file that moves events between devices (USB,
//! share sheet, e-mail) and that other systems can read without this code.
//!
//! ```json
//! {"format": "gridcare-bundle", "version": 1, "exported_at": "...", "device": "...",
//!  "events": [{"id", "ticket", "device", "seq", "at", "hlc", "author", "type", ...}],
//!  "attachments": {"sha256:...": {"mime": "image/jpeg", "data": "<base64>"}},
//!  "checksum": "sha256:..."}
//! ```
//! The checksum is SHA-256 of the canonical JSON (sorted keys, no white space)
//! of everything but the checksum, so a pretty-printed or BOM-prefixed copy of
//! a valid file still validates while a changed, dropped or added event does
//! not. Each event's id is checked against its content too. A file is
//! validated whole before anything is merged: it is accepted, or refused with
//! one message that says what is wrong and where.

use crate::domain::event::{canonical, sha256_id, Event};
use crate::i18n::Lang;
use base64::Engine as _;
use chrono::{DateTime, Duration, TimeZone, Utc};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub const FORMAT: &str = "gridcare-bundle";
pub const VERSION: u64 = 1;
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub format: String,
    pub version: u64,
    pub exported_at: DateTime<Utc>,
    pub device: String,
    /// Phone numbers and addresses masked: for statistics, not for merging.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub anonymised: bool,
    pub events: Vec<Event>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attachments: BTreeMap<String, Attachment>,
    pub checksum: String,
}

/// Why a bundle was refused. Every variant says where the problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BundleError {
    Empty,
    NotUtf8 {
        byte: usize,
    },
    NotJson {
        line: usize,
        column: usize,
    },
    NotObject,
    WrongFormat {
        found: String,
    },
    NewerVersion {
        found: u64,
    },
    BadField {
        field: String,
        expected: &'static str,
    },
    BadEvent {
        index: usize,
        detail: String,
    },
    UnknownField {
        index: usize,
        field: String,
    },
    IdMismatch {
        index: usize,
    },
    /// Ids left to the caller that it did not report as checked (a page's
    /// helper that stopped half-way): the file is not taken unchecked.
    IdsUnchecked {
        left: usize,
    },
    BadTimestamp {
        index: usize,
        at: String,
    },
    TextTooLong {
        index: usize,
    },
    SequenceReused {
        device: String,
        seq: u64,
    },
    BadAttachment {
        hash: String,
        detail: &'static str,
    },
    ChecksumMismatch,
}

impl BundleError {
    /// The message for a person, in the UI language.
    pub fn message(&self, lang: Lang) -> String {
        use BundleError as E;
        let zh = lang == Lang::Zh;
        match self {
            E::Empty => pick(zh, "文件是空的。".into(), "The file is empty.".into()),
            E::NotUtf8 { byte } => pick(
                zh,
                format!("文件不是 UTF-8 文本（第 {byte} 字节处）。"),
                format!("The file is not UTF-8 text (at byte {byte})."),
            ),
            E::NotJson { line, column } => pick(
                zh,
                format!("文件不是有效的 JSON：第 {line} 行第 {column} 列有错误，可能文件不完整。"),
                format!("The file is not valid JSON: error at line {line}, column {column}; it may be truncated."),
            ),
            E::NotObject => pick(zh, "文件内容不是同步文件的格式。".into(), "The file is not a sync bundle.".into()),
            E::WrongFormat { found } => pick(
                zh,
                format!("这不是 gridcare 同步文件（格式标记为“{found}”）。"),
                format!("This is not a gridcare sync file (format tag \"{found}\")."),
            ),
            E::NewerVersion { found } => pick(
                zh,
                format!("该文件由更新版本的应用导出（格式版本 {found}），请先更新本应用再导入。"),
                format!("This file comes from a newer version of the app (format version {found}); please update the app first."),
            ),
            E::BadField { field, expected } => pick(
                zh,
                format!("字段“{field}”缺失或无效，应为{}。", expected_zh(expected)),
                format!("The field \"{field}\" is missing or invalid; expected {expected}."),
            ),
            E::BadEvent { index, detail } => pick(
                zh,
                format!("第 {} 条事件格式错误：{detail}", index + 1),
                format!("Event {} is malformed: {detail}", index + 1),
            ),
            E::UnknownField { index, field } => pick(
                zh,
                format!("第 {} 条事件含有未知字段“{field}”。", index + 1),
                format!("Event {} has an unknown field \"{field}\".", index + 1),
            ),
            E::IdMismatch { index } => pick(
                zh,
                format!("第 {} 条事件的内容与其编号不符：文件已被改动。", index + 1),
                format!("Event {}'s content does not match its id: the file was altered.", index + 1),
            ),
            E::IdsUnchecked { left } => pick(
                zh,
                format!("有 {left} 条事件的编号未能核对，文件未导入，请重试。"),
                format!("{left} events' ids could not be checked, so the file was not imported; please try again."),
            ),
            E::BadTimestamp { index, at } => pick(
                zh,
                format!("第 {} 条事件的时间“{at}”不可能。", index + 1),
                format!("Event {} has an impossible time \"{at}\".", index + 1),
            ),
            E::TextTooLong { index } => pick(
                zh,
                format!("第 {} 条事件的文字超过 {MAX_TEXT_CHARS} 字。", index + 1),
                format!("Event {} has a text longer than {MAX_TEXT_CHARS} characters.", index + 1),
            ),
            E::SequenceReused { device, seq } => pick(
                zh,
                format!("设备“{device}”的第 {seq} 号事件出现了两个不同的版本。"),
                format!("Device \"{device}\" has two different events numbered {seq}."),
            ),
            E::BadAttachment { hash, detail } => pick(
                zh,
                format!("附件 {} 无效：{}。", short(hash), attachment_zh(detail)),
                format!("Attachment {} is invalid: {detail}.", short(hash)),
            ),
            E::ChecksumMismatch => pick(
                zh,
                "校验和不符：文件在导出后被改动或损坏。".into(),
                "The checksum does not match: the file was changed or damaged after export.".into(),
            ),
        }
    }
}

impl std::fmt::Display for BundleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for BundleError {}

fn pick(zh: bool, zh_text: String, en_text: String) -> String {
    if zh {
        zh_text
    } else {
        en_text
    }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(19)]
}

fn expected_zh(expected: &str) -> &'static str {
    match expected {
        "a whole number" => "整数",
        "an RFC 3339 time" => "RFC 3339 时间",
        "a list of events" => "事件列表",
        "a map of attachments" => "附件表",
        "text" => "文字",
        _ => "正确的值",
    }
}

fn attachment_zh(detail: &str) -> &'static str {
    match detail {
        "not base64" => "内容不是 base64 编码",
        "too large" => "文件过大",
        "hash does not match" => "内容与编号不符",
        _ => "格式错误",
    }
}

impl Bundle {
    /// A bundle of these events (put in canonical order) with its checksum.
    pub fn new(
        device: &str,
        exported_at: DateTime<Utc>,
        mut events: Vec<Event>,
        attachments: BTreeMap<String, Attachment>,
    ) -> Bundle {
        sort_canonical(&mut events);
        let mut bundle = Bundle {
            format: FORMAT.to_string(),
            version: VERSION,
            exported_at,
            device: device.to_string(),
            anonymised: false,
            events,
            attachments,
            checksum: String::new(),
        };
        bundle.seal();
        bundle
    }

    /// Recomputes the checksum after a change.
    pub fn seal(&mut self) {
        self.checksum.clear();
        // Hashed event by event: the whole bundle is never one JSON tree.
        let events = std::mem::take(&mut self.events);
        let Ok(Value::Object(mut header)) = serde_json::to_value(&*self) else {
            unreachable!("a bundle serialises to an object")
        };
        self.events = events;
        header.remove("checksum");
        let (head, tail) = canonical_around_events(&header);
        let mut hasher = Sha256::new();
        hasher.update(head.as_bytes());
        let (mut text, mut canonical) = (Vec::new(), Vec::new());
        for (i, event) in self.events.iter().enumerate() {
            if i > 0 {
                hasher.update(b",");
            }
            // The event as this app writes it, sorted by the text scanner
            // (no JSON tree, and no id hashed that is known already).
            text.clear();
            write(&mut text, event);
            let own = std::str::from_utf8(&text)
                .ok()
                .and_then(|t| own_canonical(t, &mut canonical));
            if own.is_some() {
                hasher.update(&canonical);
            } else {
                let value = serde_json::to_value(event).expect("an event always serialises");
                hash_canonical(&value, &mut hasher, &mut canonical);
            }
        }
        self.checksum = close_checksum(hasher, &tail);
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a bundle always serialises")
    }

    /// The file name an export gets: `gridcare-<device>-<yyyymmdd-hhmm>.json` (China time).
    pub fn file_name(&self) -> String {
        let local = self
            .exported_at
            .with_timezone(&crate::domain::time::china());
        let device: String = self
            .device
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
type HeldEvents<'a> = Box<dyn Fn(&str) -> Option<Event> + 'a>;

/// A validation done a slice at a time, so that a page can show progress,
/// stay responsive and offer to cancel between slices. The checksum is hashed
/// as the events are checked, in the same canonical form as `Bundle::seal`.
///
/// The file is not parsed into one tree: each event stays a slice of the
/// text until its turn, so memory holds one event's tree at a time.
pub struct Validation<'a> {
    now: DateTime<Utc>,
    header: Map<String, Value>,
    raw_events: Vec<&'a RawValue>,
    events: Vec<Event>,
    checksum: Checksum,
    /// Canonical JSON of the keys after "events", hashed at the end.
    tail: String,
    /// Reused for each key-value pair written into the hashes.
    scratch: Vec<u8>,
    /// Reused for each event's canonical form.
    canonical: Vec<u8>,
    /// Events the device already holds, by id (see `knowing`).
    known: Option<HeldEvents<'a>>,
    /// The new events whose ids are left to the caller (`ids_elsewhere`):
    /// where each is in the checksum's bytes, and how many in all.
    id_spans: Option<Vec<u32>>,
    ids_left_to_caller: usize,
}

impl<'a> Validation<'a> {
    /// Parses the JSON and checks the header; fails fast on the common mistakes.
    pub fn start(text: &'a str, now: DateTime<Utc>) -> Result<Validation<'a>, BundleError> {
        let text = text.trim_start_matches('\u{feff}');
        if text.trim().is_empty() {
            return Err(BundleError::Empty);
        }
        // One pass over the text: the events stay slices of it for now.
        let TopLevel {
            header: map,
            events: raw_events,
        } = serde_json::from_str(text).map_err(|e| match e.classify() {
            serde_json::error::Category::Data => BundleError::NotObject,
            _ => BundleError::NotJson {
                line: e.line(),
                column: e.column(),
            },
        })?;
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
            .ok_or(bad("version", "a whole number"))?;
        if version > VERSION {
            return Err(BundleError::NewerVersion { found: version });
        }
        if version == 0 {
            return Err(bad("version", "a whole number"));
        }
        map.get("exported_at")
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .ok_or(bad("exported_at", "an RFC 3339 time"))?;
        map.get("device")
            .and_then(Value::as_str)
            .filter(|d| !d.is_empty())
            .ok_or(bad("device", "text"))?;
        map.get("checksum")
            .and_then(Value::as_str)
            .ok_or(bad("checksum", "text"))?;
        if let Some(key) = map.keys().find(|k| !TOP_LEVEL_KEYS.contains(&k.as_str())) {
            return Err(bad(key, "nothing (unknown field)"));
        }
        let raw_events = raw_events.ok_or(bad("events", "a list of events"))?;
        // Canonical form: keys in order; "events" is streamed into the hash as it is checked.
        let (head, tail) = canonical_around_events(&map);
        let mut hasher = Sha256::new();
        hasher.update(head.as_bytes());
        Ok(Validation {
            now,
            header: map,
            events: Vec::with_capacity(raw_events.len()),
            raw_events,
            checksum: Checksum::Hashed(hasher),
            tail,
            scratch: Vec::new(),
            canonical: Vec::new(),
            known: None,
            id_spans: None,
            ids_left_to_caller: 0,
        })
    }

    /// Lets the validation take events the device already holds from
    /// `known` (an id to the held event): an event in the file whose content
    /// hashes to its id is that same event, so it is not read again. Its
    /// bytes still count towards the checksum.
    pub fn knowing(mut self, known: impl Fn(&str) -> Option<Event> + 'a) -> Self {
        self.known = Some(Box::new(known));
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
    /// own layout to the caller (all but a few of a file's events): the
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
            Checksum::Hashed(_) => Vec::new(),
            Checksum::Collected { bytes, closed } => {
                if done && !*closed {
                    close_events(bytes, &self.tail);
                    bytes.feed(CLOSED);
                    *closed = true;
                }
                // The next slice's bytes start in a buffer of this one's
                // size, not grown from nothing.
                let room = bytes.capacity();
                std::mem::replace(bytes, Vec::with_capacity(room))
            }
        };
        ChecksumPart { bytes, id_spans }
    }

    pub fn progress(&self) -> Progress {
        Progress {
            checked: self.events.len(),
            total: self.raw_events.len(),
        }
    }

    /// Checks up to `max` more events.
    pub fn step(&mut self, max: usize) -> Result<Progress, BundleError> {
        let start = self.events.len();
        let end = self.raw_events.len().min(start.saturating_add(max));
        for index in start..end {
            let text = self.raw_events[index].get();
            if index > 0 {
                self.checksum.feed(b",");
            }
            let event = match self.check_own_form(index, text)? {
                Some(event) => event,
                None => self.check_any_form(index, text)?,
            };
            self.events.push(event);
        }
        Ok(self.progress())
    }

    /// The usual case, an event written exactly as this app writes events:
    /// its canonical form comes straight from the text (keys sorted, values
    /// as written) without building a tree. `None` when the event is written
    /// any other way; nothing has been hashed then.
    fn check_own_form(&mut self, index: usize, text: &str) -> Result<Option<Event>, BundleError> {
        let Some(OwnForm {
            id_range,
            id,
            members,
        }) = own_canonical(text, &mut self.canonical)
        else {
            return Ok(None);
        };
        let held = self.known.as_ref().and_then(|known| known(id));
        let is_held = held.is_some();
        let event = match held {
            Some(event) => event,
            None => match read_own_form(text, &members, &mut self.scratch) {
                Some(event) => event,
                None => return Ok(None),
            },
        };
        // Only if the text is exactly how this app writes this event are its
        // values in canonical form and nothing in it unknown.
        if !writes_exactly(&event, text.as_bytes()) {
            return Ok(None);
        }
        // A held event written out the same is that event: its id is known good.
        if !is_held {
            let left = self.leave_id_to_caller(index, &id_range);
            if !left && !id_hashes_to(&self.canonical, id_range) {
                return Err(BundleError::IdMismatch { index });
            }
            check_limits(index, &event, self.now)?;
        }
        self.checksum.feed(&self.canonical);
        Ok(Some(event))
    }

    /// Notes where the current event's id is in the checksum's bytes, if ids
    /// are left to the caller (`ids_elsewhere`); whether it was.
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
        self.ids_left_to_caller += 1;
        true
    }

    /// Any other way of writing an event (pretty-printed, other key order,
    /// other escapes, unknown or missing fields): read through a JSON tree.
    fn check_any_form(&mut self, index: usize, text: &str) -> Result<Event, BundleError> {
        let raw: Value = serde_json::from_str(text).expect("already parsed as JSON once");
        let id_of_raw = hash_canonical(&raw, &mut self.checksum, &mut self.scratch);
        let held = match (&self.known, raw.get("id").and_then(Value::as_str)) {
            (Some(known), Some(id)) if id_of_raw.as_deref() == Some(id) => known(id),
            _ => None,
        };
        match held {
            Some(event) => Ok(event),
            None => parse_event(index, text, &raw, id_of_raw, &mut self.scratch, self.now),
        }
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
            return Err(bad("events", "a list of events"));
        }
        if let Some(index) = ids.first_wrong {
            return Err(BundleError::IdMismatch { index });
        }
        if ids.checked != self.ids_left_to_caller {
            return Err(BundleError::IdsUnchecked {
                left: self.ids_left_to_caller.saturating_sub(ids.checked),
            });
        }
        check_sequences(&self.events)?;
        let attachments = parse_attachments(self.header.get("attachments"))?;
        let checksum = match std::mem::replace(&mut self.checksum, Checksum::Hashed(Sha256::new()))
        {
            Checksum::Hashed(hasher) => close_checksum(hasher, &self.tail),
            Checksum::Collected { .. } => digest.unwrap_or_default(),
        };
        let header = &self.header;
        let claimed = header
            .get("checksum")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if claimed != checksum {
            return Err(BundleError::ChecksumMismatch);
        }
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
                .ok_or(bad("exported_at", "an RFC 3339 time"))?,
            device: header
                .get("device")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            anonymised: header
                .get("anonymised")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            events: self.events,
            attachments,
            checksum,
        })
    }
}

const TOP_LEVEL_KEYS: [&str; 8] = [
    "format",
    "version",
    "exported_at",
    "device",
    "anonymised",
    "events",
    "attachments",
    "checksum",
];

/// A bundle's top level read in one pass: every member as JSON but the
/// events, which stay slices of the text.
struct TopLevel<'a> {
    header: Map<String, Value>,
    /// `None` when missing or not a list.
    events: Option<Vec<&'a RawValue>>,
}

impl<'de> Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = TopLevel<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Self::Value, A::Error> {
                let mut header = Map::new();
                let mut events = None;
                while let Some(key) = members.next_key::<String>()? {
                    if key == "events" {
                        events = members.next_value::<EventList<'de>>()?.0;
                    } else {
                        header.insert(key, members.next_value()?);
                    }
                }
                Ok(TopLevel { header, events })
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// The `events` member: its items as raw slices, or `None` if it is not a list.
struct EventList<'a>(Option<Vec<&'a RawValue>>);

impl<'de> Deserialize<'de> for EventList<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Items;
        impl<'de> Visitor<'de> for Items {
            type Value = EventList<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
                let mut list = Vec::with_capacity(items.size_hint().unwrap_or(0));
                while let Some(item) = items.next_element::<&'de RawValue>()? {
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
        deserializer.deserialize_any(Items)
    }
}

fn bad(field: &str, expected: &'static str) -> BundleError {
    BundleError::BadField {
        field: field.to_string(),
        expected,
    }
}

/// The canonical JSON of a bundle's other keys: what comes before the
/// events (ending in `"events":[`) and what comes after them. The checksum
/// key itself is left out.
fn canonical_around_events(header: &Map<String, Value>) -> (String, String) {
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
/// member and of the end of the event.
#[derive(Debug, Default)]
pub struct ChecksumPart {
    pub bytes: Vec<u8>,
    pub id_spans: Vec<u32>,
}

/// What the caller found checking the ids left to it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IdsChecked {
    /// How many ids were checked.
    pub checked: usize,
    /// The index of the first event whose id is not the hash of its content.
    pub first_wrong: Option<usize>,
}

impl IdsChecked {
    /// Checks the ids of one `ChecksumPart` and adds them to the tally.
    pub fn check(&mut self, bytes: &[u8], id_spans: &[u32]) {
        for span in id_spans.chunks_exact(5) {
            self.checked += 1;
            let index = span[0] as usize;
            let range = |from: u32, to: u32| bytes.get(from as usize..to as usize);
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

/// The id in an `"id":"…"` member written by `own_canonical` (with a comma
/// before or after it).
fn claimed_id(member: &[u8]) -> Option<&str> {
    let member = member.strip_prefix(b",").unwrap_or(member);
    let member = member.strip_suffix(b",").unwrap_or(member);
    let id = member.strip_prefix(b"\"id\":\"")?.strip_suffix(b"\"")?;
    std::str::from_utf8(id).ok()
}

/// Whether the event whose canonical form is `canonical`, with its id member
/// at `id_range`, hashes to that id.
fn id_hashes_to(canonical: &[u8], id_range: std::ops::Range<usize>) -> bool {
    let mut hasher = Sha256::new();
    hasher.update(&canonical[..id_range.start]);
    hasher.update(&canonical[id_range.end..]);
    claimed_id(&canonical[id_range]).is_some_and(|id| is_id_of(&hasher.finalize(), id))
}

/// Closes the events list and the object, and gives the checksum.
fn close_checksum(mut hasher: Sha256, tail: &str) -> String {
    close_events(&mut hasher, tail);
    hasher.feed(CLOSED);
    format!("sha256:{:x}", hasher.finalize())
}

/// Whether `id` is `sha256:` and the lowercase hex of `digest` (compared
/// without formatting a string: once per event imported).
fn is_id_of(digest: &[u8], id: &str) -> bool {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let Some(hex) = id.as_bytes().strip_prefix(b"sha256:") else {
        return false;
    };
    hex.len() == digest.len() * 2
        && digest.iter().zip(hex.chunks_exact(2)).all(|(byte, pair)| {
            pair[0] == HEX[usize::from(byte >> 4)] && pair[1] == HEX[usize::from(byte & 15)]
        })
}

/// The end of the events list and the keys after it.
fn close_events(sink: &mut impl Sink, tail: &str) {
    sink.feed(b"]");
    if !tail.is_empty() {
        sink.feed(b",");
        sink.feed(tail.as_bytes());
    }
}

/// The checksum's last byte, closing the bundle's object.
const CLOSED: &[u8] = b"}";

/// Where the checksum's canonical bytes go.
enum Checksum {
    Hashed(Sha256),
    /// Collected for the caller to hash (`Validation::checksum_elsewhere`);
    /// `closed` once the closing bytes are in.
    Collected {
        bytes: Vec<u8>,
        closed: bool,
    },
}

/// Takes canonical bytes: a hasher, or a buffer collecting them.
trait Sink {
    fn feed(&mut self, bytes: &[u8]);
}

impl Sink for Sha256 {
    fn feed(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl Sink for Vec<u8> {
    fn feed(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl Sink for Checksum {
    fn feed(&mut self, bytes: &[u8]) {
        match self {
            Checksum::Hashed(hasher) => hasher.feed(bytes),
            Checksum::Collected {
                bytes: collected, ..
            } => collected.feed(bytes),
        }
    }
}

/// The order of events in every exported or merged file.
pub fn sort_canonical(events: &mut Vec<Event>) {
    events.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    events.dedup_by(|a, b| a.id == b.id);
}

/// Writes the canonical JSON of `value` into `checksum` and, in the same
/// pass, returns the content id of `value` without its "id" key: for an
/// event as written, the id it must carry.
fn hash_canonical(
    value: &Value,
    checksum: &mut impl Sink,
    scratch: &mut Vec<u8>,
) -> Option<String> {
    let Value::Object(map) = value else {
        scratch.clear();
        write(scratch, value);
        checksum.feed(&scratch[..]);
        return None;
    };
    let mut id = Sha256::new();
    checksum.feed(b"{");
    id.update(b"{");
    let mut first_in_id = true;
    for (i, (key, item)) in map.iter().enumerate() {
        scratch.clear();
        write(scratch, key);
        scratch.push(b':');
        write(scratch, item);
        if i > 0 {
            checksum.feed(b",");
        }
        checksum.feed(&scratch[..]);
        if key != "id" {
            if !first_in_id {
                id.update(b",");
            }
            id.update(&scratch[..]);
            first_in_id = false;
        }
    }
    checksum.feed(b"}");
    id.update(b"}");
    Some(format!("sha256:{:x}", id.finalize()))
}

/// The canonical form of an event's text, built from the text itself: object
/// keys sorted at every level, every other value copied as written (which is
/// canonical only for text this app wrote; the caller checks that). Returns
/// where the top-level `"id"` member (with one comma) is in `out`, so the id
/// can be hashed without it, and the id. `None` for anything unusual
/// (whitespace, escaped keys, no plain id), which then goes through a JSON
/// tree instead.
fn own_canonical<'t>(text: &'t str, out: &mut Vec<u8>) -> Option<OwnForm<'t>> {
    let scanner = Scanner {
        text: text.as_bytes(),
    };
    let members = scanner.members(0..text.len())?;
    out.clear();
    out.push(b'{');
    let mut id = None;
    for (i, member) in members.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let start = out.len();
        scanner.emit_member(member, out)?;
        if &scanner.text[member.key.clone()] == b"id" {
            let plain = text[member.value.clone()]
                .strip_prefix('"')?
                .strip_suffix('"')?;
            if plain.contains('\\') {
                return None;
            }
            // With the comma before it, or the one after it when it comes first.
            let range = if i > 0 {
                start - 1..out.len()
            } else if members.len() > 1 {
                start..out.len() + 1
            } else {
                start..out.len()
            };
            id = Some((range, plain));
        }
    }
    out.push(b'}');
    let (id_range, id) = id?;
    Some(OwnForm {
        id_range,
        id,
        members,
    })
}

/// An event's text in this app's own layout, as `own_canonical` found it.
struct OwnForm<'t> {
    /// Where the `"id"` member is in the canonical form (with one comma).
    id_range: std::ops::Range<usize>,
    id: &'t str,
    /// The text's top-level members, sorted by key.
    members: Vec<Member>,
}

/// Reads an event in the app's own layout by re-laying its members in the
/// store's nested layout (`segment::decode_event`), which serde reads without
/// buffering every field of the flattened body first. `None` if it does not
/// read; the caller then checks that the event writes back to exactly `text`.
fn read_own_form(text: &str, members: &[Member], buffer: &mut Vec<u8>) -> Option<Event> {
    const HEADER: [&[u8]; 8] = [
        b"author", b"at", b"device", b"hlc", b"id", b"parents", b"seq", b"ticket",
    ];
    let text = text.as_bytes();
    let is_header = |m: &&Member| HEADER.contains(&&text[m.key.clone()]);
    let put = |buffer: &mut Vec<u8>, m: &Member| {
        buffer.push(b'"');
        buffer.extend_from_slice(&text[m.key.clone()]);
        buffer.extend_from_slice(b"\":");
        buffer.extend_from_slice(&text[m.value.clone()]);
    };
    buffer.clear();
    buffer.push(b'{');
    for m in members.iter().filter(is_header) {
        put(buffer, m);
        buffer.push(b',');
    }
    buffer.extend_from_slice(b"\"body\":{");
    for (i, m) in members.iter().filter(|m| !is_header(m)).enumerate() {
        if i > 0 {
            buffer.push(b',');
        }
        put(buffer, m);
    }
    buffer.extend_from_slice(b"}}");
    crate::domain::segment::decode_event(buffer).ok()
}

/// Where one member of an object is in the text: its key without the quotes,
/// and its value.
struct Member {
    key: std::ops::Range<usize>,
    value: std::ops::Range<usize>,
}

/// Reads compact JSON text that is already known to be valid (each event is
/// parsed once before) by its bytes alone: this runs for every event of every
/// file imported, and a JSON parser building maps was a sixth of validation.
/// Anything but compact JSON with plain keys gives `None`.
struct Scanner<'t> {
    text: &'t [u8],
}

impl Scanner<'_> {
    /// Just past the string starting at `at`.
    fn string_end(&self, at: usize) -> Option<usize> {
        if self.text.get(at)? != &b'"' {
            return None;
        }
        let mut i = at + 1;
        loop {
            match self.text.get(i)? {
                b'"' => return Some(i + 1),
                b'\\' => i += 2,
                _ => i += 1,
            }
        }
    }

    /// Just past the value starting at `at`.
    fn value_end(&self, at: usize) -> Option<usize> {
        match self.text.get(at)? {
            b'"' => self.string_end(at),
            b'{' | b'[' => {
                let mut depth = 0usize;
                let mut i = at;
                loop {
                    match self.text.get(i)? {
                        b'"' => {
                            i = self.string_end(i)?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(i + 1);
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            _ => {
                let rest = &self.text[at..];
                let len = rest
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']'))
                    .unwrap_or(rest.len());
                (len > 0).then_some(at + len)
            }
        }
    }

    /// The members of the object that is exactly `range`, sorted by key.
    fn members(&self, range: std::ops::Range<usize>) -> Option<Vec<Member>> {
        let text = self.text;
        if text.get(range.start)? != &b'{' || range.end < range.start + 2 {
            return None;
        }
        let mut members = Vec::new();
        let mut at = range.start + 1;
        if text.get(at)? == &b'}' {
            return (at + 1 == range.end).then_some(members);
        }
        loop {
            let key_end = self.string_end(at)?;
            let key = at + 1..key_end - 1;
            if text[key.clone()].contains(&b'\\') || text.get(key_end)? != &b':' {
                return None;
            }
            let value_end = self.value_end(key_end + 1)?;
            members.push(Member {
                key,
                value: key_end + 1..value_end,
            });
            match text.get(value_end)? {
                b',' => at = value_end + 1,
                b'}' if value_end + 1 == range.end => break,
                _ => return None,
            }
        }
        members.sort_unstable_by(|a, b| text[a.key.clone()].cmp(&text[b.key.clone()]));
        Some(members)
    }

    /// Appends the canonical form of the value that is exactly `range`.
    fn emit(&self, range: std::ops::Range<usize>, out: &mut Vec<u8>) -> Option<()> {
        match self.text.get(range.start)? {
            b'{' => {
                out.push(b'{');
                for (i, member) in self.members(range)?.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    self.emit_member(member, out)?;
                }
                out.push(b'}');
            }
            b'[' => {
                out.push(b'[');
                let mut at = range.start + 1;
                if self.text.get(at)? == &b']' {
                    if at + 1 != range.end {
                        return None;
                    }
                } else {
                    loop {
                        let end = self.value_end(at)?;
                        self.emit(at..end, out)?;
                        match self.text.get(end)? {
                            b',' => {
                                out.push(b',');
                                at = end + 1;
                            }
                            b']' if end + 1 == range.end => break,
                            _ => return None,
                        }
                    }
                }
                out.push(b']');
            }
            _ => out.extend_from_slice(&self.text[range]),
        }
        Some(())
    }

    fn emit_member(&self, member: &Member, out: &mut Vec<u8>) -> Option<()> {
        out.push(b'"');
        out.extend_from_slice(&self.text[member.key.clone()]);
        out.extend_from_slice(b"\":");
        self.emit(member.value.clone(), out)
    }
}

/// Whether `value` written as compact JSON is exactly `expected`: compared
/// as it is written, stopping at the first difference, with nothing buffered.
fn writes_exactly<T: Serialize>(value: &T, expected: &[u8]) -> bool {
    struct Comparing<'e> {
        rest: &'e [u8],
    }
    impl std::io::Write for Comparing<'_> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            match self.rest.strip_prefix(bytes) {
                Some(rest) => {
                    self.rest = rest;
                    Ok(bytes.len())
                }
                None => Err(std::io::ErrorKind::InvalidData.into()),
            }
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut comparing = Comparing { rest: expected };
    serde_json::to_writer(&mut comparing, value).is_ok() && comparing.rest.is_empty()
}

/// Appends compact JSON (the canonical form: serde_json's maps keep keys sorted).
fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    serde_json::to_writer(out, value).expect("JSON values always serialise");
}

/// Reads one event. `id_of_raw` is the content id of the event as written
/// (from `hash_canonical`).
fn parse_event(
    index: usize,
    text: &str,
    raw: &Value,
    id_of_raw: Option<String>,
    scratch: &mut Vec<u8>,
    now: DateTime<Utc>,
) -> Result<Event, BundleError> {
    // Deserialised straight from the event's own tree.
    let event = Event::deserialize(raw).map_err(|e| BundleError::BadEvent {
        index,
        detail: e.to_string(),
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
        // id of what was understood, already computed.
        if id_of_raw.as_deref() != Some(event.id.as_str()) {
            return Err(BundleError::IdMismatch { index });
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
        if event.id != sha256_id(canonical(&Value::Object(understood)).as_bytes()) {
            return Err(BundleError::IdMismatch { index });
        }
    }
    check_limits(index, &event, now)?;
    Ok(event)
}

/// Times and text lengths an event may have.
fn check_limits(index: usize, event: &Event, now: DateTime<Utc>) -> Result<(), BundleError> {
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
    Ok(())
}

/// A key of `raw` that `understood` lacks and that holds more than an empty default.
fn unknown_field(raw: &Map<String, Value>, understood: &Map<String, Value>) -> Option<String> {
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

fn check_sequences(events: &[Event]) -> Result<(), BundleError> {
    let mut seen: FxHashMap<(&str, u64), &str> = FxHashMap::default();
    for e in events {
        if let Some(other) = seen.insert((e.device.as_str(), e.seq), e.id.as_str()) {
            if other != e.id {
                return Err(BundleError::SequenceReused {
                    device: e.device.clone(),
                    seq: e.seq,
                });
            }
        }
    }
    Ok(())
}

fn parse_attachments(value: Option<&Value>) -> Result<BTreeMap<String, Attachment>, BundleError> {
    let Some(value) = value else {
        return Ok(BTreeMap::new());
    };
    let map: BTreeMap<String, Attachment> = serde_json::from_value(value.clone())
        .map_err(|_| bad("attachments", "a map of attachments"))?;
    for (hash, attachment) in &map {
        let fail = |detail| BundleError::BadAttachment {
            hash: hash.clone(),
            detail,
        };
        // Base64 of the largest allowed file is a third longer; refuse before decoding.
        if attachment.data.len() > MAX_ATTACHMENT_BYTES / 3 * 4 + 4 {
            return Err(fail("too large"));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&attachment.data)
            .map_err(|_| fail("not base64"))?;
        if sha256_id(&bytes) != *hash {
            return Err(fail("hash does not match"));
        }
    }
    Ok(map)
}

/// Set union of events by id: idempotent, commutative and associative. The
/// result is in canonical order.
pub fn merge_events<'a>(sets: impl IntoIterator<Item = &'a [Event]>) -> Vec<Event> {
    let mut seen = FxHashSet::default();
    let mut merged: Vec<Event> = sets
        .into_iter()
        .flatten()
        .filter(|e| seen.insert(e.id.clone()))
        .cloned()
        .collect();
    sort_canonical(&mut merged);
    merged
}

/// Several validated bundles as one: union of events and attachments; the
/// export time is the latest of theirs, so the same inputs give the same file.
pub fn merge_bundles(bundles: &[Bundle]) -> Bundle {
    let events = merge_events(bundles.iter().map(|b| b.events.as_slice()));
    let attachments = bundles.iter().flat_map(|b| b.attachments.clone()).collect();
    let exported_at = bundles
        .iter()
        .map(|b| b.exported_at)
        .max()
        .unwrap_or_else(Utc::now);
    Bundle::new("merged", exported_at, events, attachments)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::classify::Classifier;
    use crate::domain::demo::{demo_events, DemoOptions};
    use crate::domain::event::EventBody;
    use crate::domain::rules::RuleTable;

    /// The canonical form built from an event's text equals the one built
    /// through a JSON tree, for every event the demo writes (all kinds), and
    /// the id taken out of it is the event's.
    #[test]
    fn the_canonical_form_from_text_equals_the_one_from_a_tree() {
        let classifier = Classifier::new(RuleTable::shipped());
        let events = demo_events(
            &classifier,
            &DemoOptions {
                tickets: 40,
                seed: 11,
                device: "tab-A",
                anchor: Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap(),
            },
        );
        // And text that is hard to scan: quotes, backslashes, control
        // characters, brackets and braces inside strings, non-ASCII.
        let tricky = [
            r#"他说"没电了"\ 还有 {括号} [方括号] , : "#,
            "line\nbreak\ttab\u{1}\u{1f}\\",
            "}]},[{\"",
            "",
        ];
        let mut events = events;
        for (i, text) in tricky.iter().enumerate() {
            let mut e = events[i].clone();
            e.body = EventBody::Note {
                text: text.to_string(),
            };
            e.parents = vec![format!("p{i}"), "q".into()];
            e.id = e.content_id();
            events.push(e);
        }
        let mut out = Vec::new();
        for event in &events {
            let text = serde_json::to_string(event).unwrap();
            let OwnForm {
                id_range: range,
                id,
                members,
            } = own_canonical(&text, &mut out).expect("the app's own form");
            let mut buffer = Vec::new();
            assert_eq!(
                read_own_form(&text, &members, &mut buffer).as_ref(),
                Some(event),
                "read through the nested layout"
            );
            let tree = canonical(&serde_json::to_value(event).unwrap());
            assert_eq!(String::from_utf8(out.clone()).unwrap(), tree);
            assert_eq!(id, event.id);
            let mut without = out[..range.start].to_vec();
            without.extend_from_slice(&out[range.end..]);
            assert_eq!(sha256_id(&without), event.id);
        }
        assert!(events.len() > 100);
        // Not the app's compact form: left to the JSON tree.
        let pretty = serde_json::to_string_pretty(&events[0]).unwrap();
        assert!(own_canonical(&pretty, &mut out).is_none());
        let escaped_key = serde_json::to_string(&events[0]).unwrap().replacen(
            "\"ticket\"",
            "\"tick\\u0065t\"",
            1,
        );
        assert!(own_canonical(&escaped_key, &mut out).is_none());
        // Whatever valid JSON it meets, it answers without panicking.
        for text in [
            "{}",
            "[]",
            "1",
            "\"x\"",
            "{\"a\":[]}",
            "{\"id\":1}",
            "{\"a\":{\"b\":[1,{\"c\":null}]}}",
        ] {
            let _ = own_canonical(text, &mut out);
        }
    }

    #[test]
    fn an_id_is_compared_with_a_digest_as_its_lowercase_hex() {
        let digest = Sha256::digest(b"gridcare");
        let id = sha256_id(b"gridcare");
        assert!(is_id_of(&digest, &id));
        assert!(!is_id_of(&digest, &id.to_uppercase()));
        assert!(!is_id_of(&digest, &id.replace("sha256:", "sha1:")));
        assert!(!is_id_of(&digest, &id[..id.len() - 1]));
        assert!(!is_id_of(&digest, &format!("{id}0")));
        assert!(!is_id_of(&Sha256::digest(b"gridcarE"), &id));
    }

    /// The one-pass top level: "events" must be a list, whatever else it is
    /// is refused by name; a document that is not an object is not a bundle.
    #[test]
    fn the_top_level_is_read_in_one_pass_and_events_must_be_a_list() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
        let mut bundle = Bundle::new("tab-A", now, Vec::new(), BTreeMap::new());
        bundle.seal();
        let good = bundle.to_json();
        assert_eq!(Validation::start(&good, now).unwrap().progress().total, 0);
        for not_a_list in ["{\"a\":[1,{}]}", "\"x\"", "7", "-7", "0.5", "true", "null"] {
            let text = good.replace("\"events\":[]", &format!("\"events\":{not_a_list}"));
            assert_ne!(text, good);
            assert!(
                matches!(Validation::start(&text, now), Err(BundleError::BadField { ref field, .. }) if field == "events"),
                "{not_a_list}"
            );
        }
        let missing = good.replace("\"events\":[],", "");
        assert_ne!(missing, good);
        assert!(
            matches!(Validation::start(&missing, now), Err(BundleError::BadField { ref field, .. }) if field == "events")
        );
        assert!(matches!(
            Validation::start("[1,2]", now),
            Err(BundleError::NotObject)
        ));
        assert!(matches!(
            Validation::start("{\"format\":", now),
            Err(BundleError::NotJson { .. })
        ));
    }
}
