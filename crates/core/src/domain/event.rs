//! Ticket events: the append-only log that is the only source of truth. A
//! ticket's state, clocks and ledger row are folds over its events.
//!
//! Every event has a content-derived id (SHA-256 of its canonical JSON without
//! the id), the device that wrote it with a per-device sequence number, the
//! wall-clock instant it claims, and a hybrid logical clock (HLC) that orders
//! events even when device clocks are wrong. `parents` names the ticket's
//! latest events the device knew when it wrote this one, so two edits that did
//! not know of each other can be told apart from a later settlement.

use crate::domain::facts::Facts;
use crate::domain::shared_str::SharedStr;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::borrow::Borrow;

/// A hybrid logical clock reading: wall-clock milliseconds, then a counter for
/// events within the same millisecond (or while the wall clock lags).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Hlc {
    pub ms: i64,
    pub n: u32,
}

impl Hlc {
    /// The next reading for a local event: after everything this device has
    /// seen, and at least the wall clock.
    pub fn tick(self, now_ms: i64) -> Hlc {
        if now_ms > self.ms {
            Hlc { ms: now_ms, n: 0 }
        } else {
            Hlc {
                ms: self.ms,
                n: self.n + 1,
            }
        }
    }
}

/// How a customer reached us.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Hotline,
    Kiosk,
    WalkIn,
    Online,
    Field,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// How the customer was told (feedback, a delay notice). Written as the
/// Chinese words the first version of the app stored as free text, so that
/// events recorded then read back unchanged and keep their ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ContactMethod {
    #[serde(rename = "电话")]
    Phone,
    #[serde(rename = "短信")]
    Sms,
    #[serde(rename = "上门")]
    Visit,
}

impl ContactMethod {
    pub const ALL: [ContactMethod; 3] = [
        ContactMethod::Phone,
        ContactMethod::Sms,
        ContactMethod::Visit,
    ];
}

/// Who signed on the tablet. Written as the words the first version stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignerRole {
    /// The customer confirms the handling.
    Customer,
    /// A party to an investigation record (调查笔录).
    Investigation,
}

/// Root-cause classes recorded at resolution (003 §三(二)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CauseClass {
    InternalManagement,
    EquipmentTechnical,
    ExternalEnvironment,
    CustomerMisunderstanding,
}

impl CauseClass {
    /// In the order the resolution form offers them (equipment first: the
    /// commonest cause of a field repair).
    pub const ALL: [CauseClass; 4] = [
        CauseClass::EquipmentTechnical,
        CauseClass::InternalManagement,
        CauseClass::ExternalEnvironment,
        CauseClass::CustomerMisunderstanding,
    ];
}

/// Declares `EventBody` once and gives it two JSON forms: the bundle's,
/// tagged inside (`{"type":"note","text":…}`), which ids and files are made
/// of; and the store's, tagged outside (`{"note":{"text":…}}`), which serde
/// reads without buffering every field first to find the tag (start-up reads
/// every stored body). One declaration keeps the two from drifting apart.
macro_rules! event_body {
    (
        $(#[$enum_meta:meta])*
        pub enum EventBody {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident $({
                    $(
                        $(#[$field_meta:meta])*
                        $field:ident : $ty:ty
                    ),* $(,)?
                })?
            ),* $(,)?
        }
    ) => {
        $(#[$enum_meta])*
        pub enum EventBody {
            $(
                $(#[$variant_meta])*
                $variant $({ $( $(#[$field_meta])* $field : $ty ),* })?
            ),*
        }

        /// `EventBody` tagged outside: `#[serde(with = "event::TaggedOutside")]`.
        #[derive(Serialize, Deserialize)]
        #[serde(remote = "EventBody", rename_all = "snake_case")]
        pub enum TaggedOutside {
            $(
                $(#[$variant_meta])*
                $variant $({ $( $(#[$field_meta])* $field : $ty ),* })?
            ),*
        }
    };
}

event_body! {
/// What happened, with what it carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventBody {
    Created {
        /// Human-friendly ticket number, unique per device (e.g. `GS01-20261122-0003`).
        number: String,
        channel: Channel,
        text: String,
        #[serde(default)]
        facts: Facts,
        #[serde(default)]
        contact: Contact,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        station: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        team: Option<String>,
    },
    Classified {
        kind: String,
        category: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subcategory: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grade: Option<u8>,
        facts: Facts,
        rule_table_version: String,
        rules: Vec<String>,
    },
    Reclassified {
        kind: String,
        category: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subcategory: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grade: Option<u8>,
        reason: String,
    },
    Responded {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    RecordsPulled,
    Dispatched {
        team: String,
    },
    Arrived {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    Note {
        text: String,
    },
    PhotoAttached {
        /// `sha256:<hex>` of the image bytes; the bytes travel as an attachment.
        hash: String,
        mime: String,
        bytes: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
    },
    PendingCustomer {
        reason: String,
    },
    Resumed,
    ProgressReported {
        text: String,
    },
    ApologyMade,
    Resolved {
        cause_class: CauseClass,
        cause: String,
        solution: String,
        improvement: String,
    },
    FeedbackGiven {
        channel: ContactMethod,
        confirmed: bool,
    },
    Confirmed {
        satisfaction: u8,
    },
    Revisited {
        satisfaction: u8,
        #[serde(default)]
        by_supervisor: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    Reopened {
        reason: String,
    },
    Reassigned {
        team: String,
        reason: String,
    },
    Closed,
    Voided {
        reason: String,
    },
    /// Links a ticket to a regional incident (emergency mode).
    IncidentLinked {
        incident: String,
    },
    /// A supervisor declares a regional incident; the event's `ticket` is the
    /// incident's own stream (`incident:…`).
    IncidentDeclared {
        station: String,
        cause: String,
        expected_restoration: DateTime<Utc>,
    },
    /// One progress notice for every ticket linked to the incident.
    IncidentNotice {
        text: String,
    },
    IncidentEnded,
    /// A new rule table for every device (on the `settings` stream): the
    /// whole table as JSON, validated before it is applied.
    RulesPublished {
        table: String,
        reason: String,
    },
    /// A new tariff table for the bill calculator (on the `settings` stream).
    TariffPublished {
        tariff: String,
        reason: String,
    },
    /// A frequent-question answer settled the customer's question at the
    /// kiosk: a self-service consultation, counted in the statistics.
    SelfServiceAnswered {
        faq: String,
    },
    /// The crew will miss the promised arrival; the customer was told the new
    /// time (000 §一2). The arrival clock then runs to the new time.
    DelayNotified {
        new_arrival: DateTime<Utc>,
        channel: ContactMethod,
    },
    /// A signature drawn on the device: the customer's confirmation or a
    /// party to an investigation record (调查笔录). The image is an attachment.
    SignatureAttached {
        hash: String,
        mime: String,
        bytes: u64,
        signer: String,
        role: SignerRole,
    },
    /// A calendar year in the holiday-cn layout (on the `settings` stream).
    CalendarYearSet {
        year: String,
    },
    /// One day made a working or a rest day (on the `settings` stream).
    CalendarDaySet {
        date: chrono::NaiveDate,
        working: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// A supervisor enrols a device (on the `roster` stream): its public key
    /// (base64, Ed25519), what it is called, its station and role. Enrolling
    /// a known device again with another key replaces its key.
    DeviceEnrolled {
        /// The device enrolled (`device` is the event's writer).
        subject: String,
        key: String,
        name: String,
        station: String,
        role: crate::domain::trust::roster::DeviceRole,
    },
    /// A supervisor revokes a device (lost, stolen, retired): what it signs
    /// after this moment no longer counts as a supervisor's.
    DeviceRevoked {
        /// The device revoked.
        subject: String,
        reason: String,
    },
}
}

/// Every `type` an event can have (what [`EventBody::type_name`] gives).
pub const EVENT_TYPES: [&str; 34] = [
    "created",
    "classified",
    "reclassified",
    "responded",
    "records_pulled",
    "dispatched",
    "arrived",
    "note",
    "photo_attached",
    "pending_customer",
    "resumed",
    "progress_reported",
    "apology_made",
    "resolved",
    "feedback_given",
    "confirmed",
    "revisited",
    "reopened",
    "reassigned",
    "closed",
    "voided",
    "incident_linked",
    "incident_declared",
    "incident_notice",
    "incident_ended",
    "rules_published",
    "calendar_year_set",
    "calendar_day_set",
    "tariff_published",
    "self_service_answered",
    "delay_notified",
    "signature_attached",
    "device_enrolled",
    "device_revoked",
];

impl EventBody {
    /// The `classified` event recording what the engine decided and which rules fired.
    pub fn classified(c: crate::domain::classify::Classification) -> EventBody {
        EventBody::Classified {
            kind: c.kind,
            category: c.category,
            subcategory: c.subcategory,
            grade: c.grade,
            facts: c.facts,
            rule_table_version: c.rule_table_version,
            rules: c.rules.into_iter().map(|r| r.id.to_string()).collect(),
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            EventBody::Created { .. } => "created",
            EventBody::Classified { .. } => "classified",
            EventBody::Reclassified { .. } => "reclassified",
            EventBody::Responded { .. } => "responded",
            EventBody::RecordsPulled => "records_pulled",
            EventBody::Dispatched { .. } => "dispatched",
            EventBody::Arrived { .. } => "arrived",
            EventBody::Note { .. } => "note",
            EventBody::PhotoAttached { .. } => "photo_attached",
            EventBody::PendingCustomer { .. } => "pending_customer",
            EventBody::Resumed => "resumed",
            EventBody::ProgressReported { .. } => "progress_reported",
            EventBody::ApologyMade => "apology_made",
            EventBody::Resolved { .. } => "resolved",
            EventBody::FeedbackGiven { .. } => "feedback_given",
            EventBody::Confirmed { .. } => "confirmed",
            EventBody::Revisited { .. } => "revisited",
            EventBody::Reopened { .. } => "reopened",
            EventBody::Reassigned { .. } => "reassigned",
            EventBody::Closed => "closed",
            EventBody::Voided { .. } => "voided",
            EventBody::IncidentLinked { .. } => "incident_linked",
            EventBody::IncidentDeclared { .. } => "incident_declared",
            EventBody::IncidentNotice { .. } => "incident_notice",
            EventBody::IncidentEnded => "incident_ended",
            EventBody::RulesPublished { .. } => "rules_published",
            EventBody::CalendarYearSet { .. } => "calendar_year_set",
            EventBody::CalendarDaySet { .. } => "calendar_day_set",
            EventBody::TariffPublished { .. } => "tariff_published",
            EventBody::SelfServiceAnswered { .. } => "self_service_answered",
            EventBody::DelayNotified { .. } => "delay_notified",
            EventBody::SignatureAttached { .. } => "signature_attached",
            EventBody::DeviceEnrolled { .. } => "device_enrolled",
            EventBody::DeviceRevoked { .. } => "device_revoked",
        }
    }

    /// Every free text the event carries, for size limits and search.
    pub fn texts(&self) -> Vec<&str> {
        fn some(t: &Option<String>) -> Option<&str> {
            t.as_deref()
        }
        match self {
            EventBody::Created {
                text,
                contact,
                station,
                team,
                number,
                ..
            } => [
                Some(text.as_str()),
                Some(number.as_str()),
                some(&contact.name),
                some(&contact.phone),
                some(&contact.address),
                some(station),
                some(team),
            ]
            .into_iter()
            .flatten()
            .collect(),
            EventBody::Reclassified { reason, .. }
            | EventBody::PendingCustomer { reason }
            | EventBody::Reopened { reason }
            | EventBody::Voided { reason } => vec![reason],
            EventBody::Reassigned { team, reason } => vec![team, reason],
            EventBody::Dispatched { team } => vec![team],
            EventBody::Note { text }
            | EventBody::ProgressReported { text }
            | EventBody::IncidentNotice { text } => vec![text],
            EventBody::IncidentDeclared { station, cause, .. } => vec![station, cause],
            // A rule table or calendar is data, not a person's words: its size
            // is limited by the bundle's size, and it is validated on use.
            EventBody::RulesPublished { reason, .. }
            | EventBody::TariffPublished { reason, .. } => {
                vec![reason]
            }
            EventBody::SignatureAttached { signer, .. } => vec![signer],
            EventBody::DeviceEnrolled {
                subject,
                name,
                station,
                ..
            } => vec![subject, name, station],
            EventBody::DeviceRevoked { subject, reason } => vec![subject, reason],
            EventBody::Resolved {
                cause,
                solution,
                improvement,
                ..
            } => vec![cause, solution, improvement],
            EventBody::Responded { note }
            | EventBody::Arrived { note }
            | EventBody::Revisited { note, .. } => some(note).into_iter().collect(),
            EventBody::PhotoAttached { caption, .. } => some(caption).into_iter().collect(),
            _ => vec![],
        }
    }
}

/// One event of one ticket, as stored and exported. (Unknown fields cannot be
/// refused by serde next to `flatten`; bundle validation checks for them.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `sha256:<hex>` of the canonical JSON of every other field.
    pub id: SharedStr,
    pub ticket: String,
    pub device: SharedStr,
    pub seq: u64,
    #[serde(with = "crate::domain::time::utc_json")]
    pub at: DateTime<Utc>,
    pub hlc: Hlc,
    pub author: SharedStr,
    /// The ticket's latest events this device knew when it wrote this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parents: Vec<SharedStr>,
    #[serde(flatten)]
    pub body: EventBody,
}

/// Everything of an event but its id, from which the id is derived.
pub struct NewEvent {
    pub ticket: String,
    pub device: String,
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub hlc: Hlc,
    pub author: String,
    pub parents: Vec<String>,
    pub body: EventBody,
}

impl NewEvent {
    pub fn seal(self) -> Event {
        let mut event = Event {
            id: SharedStr::default(),
            ticket: self.ticket,
            device: SharedStr::interned(&self.device),
            seq: self.seq,
            at: self.at,
            hlc: self.hlc,
            author: SharedStr::interned(&self.author),
            parents: self.parents.into_iter().map(SharedStr::from).collect(),
            body: self.body,
        };
        event.id = event.content_id();
        event
    }
}

impl Event {
    /// The id this event's content implies.
    pub fn content_id(&self) -> SharedStr {
        let mut value = serde_json::to_value(self).expect("events always serialise");
        if let Value::Object(map) = &mut value {
            map.remove("id");
        }
        sha256_id(canonical(&value).as_bytes()).into()
    }

    /// The order every device folds events in: causal (HLC), then device, then id.
    pub fn order_key(&self) -> (Hlc, &str, u64, &str) {
        (self.hlc, self.device.as_str(), self.seq, self.id.as_str())
    }
}

/// Sorts events into the order every device folds them in. Every caller
/// shares this function, so the module carries one copy of the sort per
/// shape (`Event`, `&Event`) rather than one per call.
pub fn sort_in_fold_order<E: Borrow<Event>>(events: &mut [E]) {
    events.sort_by(|a, b| a.borrow().order_key().cmp(&b.borrow().order_key()));
}

/// Sorts one device's events by their sequence number (one copy, as above).
pub fn sort_by_seq<E: Borrow<Event>>(events: &mut [E]) {
    events.sort_by_key(|e| e.borrow().seq);
}

/// Canonical JSON: object keys sorted, no white space. Two documents with the
/// same content have the same canonical form whatever their formatting.
pub fn canonical(value: &Value) -> String {
    // serde_json's map is a BTreeMap (no `preserve_order` feature), so keys come out sorted.
    serde_json::to_string(value).expect("a JSON value always serialises")
}

/// `sha256:<hex>` of some bytes.
pub fn sha256_id(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    fn note(text: &str) -> Event {
        NewEvent {
            ticket: "t1".into(),
            device: "d1".into(),
            seq: 1,
            at: Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap(),
            hlc: Hlc { ms: 1, n: 0 },
            author: "王工".into(),
            parents: vec![],
            body: EventBody::Note { text: text.into() },
        }
        .seal()
    }

    #[test]
    fn the_id_is_derived_from_the_content() {
        let a = note("到达现场");
        assert!(a.id.starts_with("sha256:") && a.id.len() == 7 + 64);
        assert_eq!(a.id, a.content_id());
        assert_ne!(a.id, note("到达现场。").id);
        let json = serde_json::to_string_pretty(&a).unwrap();
        let back: Event = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
        assert_eq!(back.content_id(), a.id);
        assert!(json.contains("\"type\": \"note\""));
    }

    /// One body of every kind, each field set where it may be left out.
    pub(crate) fn every_body() -> Vec<EventBody> {
        use crate::domain::facts::{Area, Facts};
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        let text = || "变压器\"过载\"\n".to_string();
        let facts = Facts {
            households_affected: Some(120),
            outage_hours: Some(2.5),
            area: Some(Area::Rural),
            ..Facts::default()
        };
        use EventBody::*;
        vec![
            Created {
                number: text(),
                channel: Channel::Kiosk,
                text: text(),
                facts: facts.clone(),
                contact: Contact {
                    name: Some(text()),
                    phone: None,
                    address: Some(text()),
                },
                station: Some(text()),
                team: None,
            },
            Classified {
                kind: text(),
                category: text(),
                subcategory: Some(text()),
                grade: Some(2),
                facts,
                rule_table_version: text(),
                rules: vec![text(), text()],
            },
            Reclassified {
                kind: text(),
                category: text(),
                subcategory: None,
                grade: None,
                reason: text(),
            },
            Responded { note: Some(text()) },
            RecordsPulled,
            Dispatched { team: text() },
            Arrived { note: None },
            Note { text: text() },
            PhotoAttached {
                hash: text(),
                mime: text(),
                bytes: u64::MAX,
                caption: Some(text()),
            },
            PendingCustomer { reason: text() },
            Resumed,
            ProgressReported { text: text() },
            ApologyMade,
            Resolved {
                cause_class: CauseClass::ExternalEnvironment,
                cause: text(),
                solution: text(),
                improvement: text(),
            },
            FeedbackGiven {
                channel: ContactMethod::Sms,
                confirmed: true,
            },
            Confirmed { satisfaction: 5 },
            Revisited {
                satisfaction: 1,
                by_supervisor: true,
                note: Some(text()),
            },
            Reopened { reason: text() },
            Reassigned {
                team: text(),
                reason: text(),
            },
            Closed,
            Voided { reason: text() },
            IncidentLinked { incident: text() },
            IncidentDeclared {
                station: text(),
                cause: text(),
                expected_restoration: at,
            },
            IncidentNotice { text: text() },
            IncidentEnded,
            RulesPublished {
                table: text(),
                reason: text(),
            },
            TariffPublished {
                tariff: text(),
                reason: text(),
            },
            SelfServiceAnswered { faq: text() },
            DelayNotified {
                new_arrival: at,
                channel: ContactMethod::Visit,
            },
            SignatureAttached {
                hash: text(),
                mime: text(),
                bytes: 1,
                signer: text(),
                role: SignerRole::Investigation,
            },
            CalendarYearSet { year: text() },
            CalendarDaySet {
                date: at.date_naive(),
                working: false,
                name: Some(text()),
            },
            DeviceEnrolled {
                subject: text(),
                key: text(),
                name: text(),
                station: text(),
                role: crate::domain::trust::roster::DeviceRole::Supervisor,
            },
            DeviceRevoked {
                subject: text(),
                reason: text(),
            },
        ]
    }

    /// Which kind a body is; no wildcard, so a new kind must be added to
    /// `every_body` before this compiles.
    fn kind_index(body: &EventBody) -> usize {
        use EventBody::*;
        match body {
            Created { .. } => 0,
            Classified { .. } => 1,
            Reclassified { .. } => 2,
            Responded { .. } => 3,
            RecordsPulled => 4,
            Dispatched { .. } => 5,
            Arrived { .. } => 6,
            Note { .. } => 7,
            PhotoAttached { .. } => 8,
            PendingCustomer { .. } => 9,
            Resumed => 10,
            ProgressReported { .. } => 11,
            ApologyMade => 12,
            Resolved { .. } => 13,
            FeedbackGiven { .. } => 14,
            Confirmed { .. } => 15,
            Revisited { .. } => 16,
            Reopened { .. } => 17,
            Reassigned { .. } => 18,
            Closed => 19,
            Voided { .. } => 20,
            IncidentLinked { .. } => 21,
            IncidentDeclared { .. } => 22,
            IncidentNotice { .. } => 23,
            IncidentEnded => 24,
            RulesPublished { .. } => 25,
            TariffPublished { .. } => 26,
            SelfServiceAnswered { .. } => 27,
            DelayNotified { .. } => 28,
            SignatureAttached { .. } => 29,
            CalendarYearSet { .. } => 30,
            CalendarDaySet { .. } => 31,
            DeviceEnrolled { .. } => 32,
            DeviceRevoked { .. } => 33,
        }
    }

    #[test]
    fn every_body_reads_back_from_both_of_its_json_forms() {
        let bodies = every_body();
        let kinds: Vec<usize> = bodies.iter().map(kind_index).collect();
        assert_eq!(kinds, (0..=33).collect::<Vec<_>>());
        let mut names: Vec<&str> = bodies.iter().map(EventBody::type_name).collect();
        let mut listed = EVENT_TYPES.to_vec();
        names.sort_unstable();
        listed.sort_unstable();
        assert_eq!(names, listed, "EVENT_TYPES lists every kind once");
        for body in bodies {
            let inside = serde_json::to_string(&body).unwrap();
            assert_eq!(serde_json::from_str::<EventBody>(&inside).unwrap(), body);
            let mut outside = Vec::new();
            TaggedOutside::serialize(&body, &mut serde_json::Serializer::new(&mut outside))
                .unwrap();
            let back =
                TaggedOutside::deserialize(&mut serde_json::Deserializer::from_slice(&outside));
            assert_eq!(back.unwrap(), body, "{}", String::from_utf8_lossy(&outside));
            // The same fields and values, only the tag moved outside.
            let inside: serde_json::Value = serde_json::from_str(&inside).unwrap();
            let outside: serde_json::Value = serde_json::from_slice(&outside).unwrap();
            let tag = inside["type"].as_str().unwrap();
            let mut fields = inside.as_object().unwrap().clone();
            fields.remove("type");
            // A body's fields sit beside the event's own in a file: a body
            // field named like one of them would be written twice.
            for envelope in [
                "id", "ticket", "device", "seq", "at", "hlc", "author", "parents",
            ] {
                assert!(
                    !fields.contains_key(envelope),
                    "{tag} has a field named {envelope}"
                );
            }
            match &outside {
                serde_json::Value::String(unit) => assert!(unit == tag && fields.is_empty()),
                _ => assert_eq!(outside[tag], serde_json::Value::Object(fields)),
            }
        }
    }

    #[test]
    fn hlc_moves_forward_even_when_the_wall_clock_goes_back() {
        let h = Hlc { ms: 1000, n: 3 };
        assert_eq!(h.tick(2000), Hlc { ms: 2000, n: 0 });
        assert_eq!(h.tick(500), Hlc { ms: 1000, n: 4 });
        assert!(h.tick(500) > h);
    }
}
