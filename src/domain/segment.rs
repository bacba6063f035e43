//! The store's own encoding of a segment of events. The bundle format puts
//! an event's body fields next to its header fields (`#[serde(flatten)]`),
//! which serde can only read by buffering every event twice; inside the
//! device the body is nested instead, which reads about a third faster (the
//! device's start-up reads every event). Segments written before this
//! encoding (a plain array of bundle-format events) are still read.

use crate::domain::event::{Event, EventBody, Hlc};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

const FORMAT: &str = "segment-2";

#[derive(Serialize)]
struct SegmentOut<'a> {
    format: &'static str,
    events: Vec<EventOut<'a>>,
}

#[derive(Serialize)]
struct EventOut<'a> {
    id: &'a str,
    ticket: &'a str,
    device: &'a str,
    seq: u64,
    #[serde(with = "crate::domain::time::utc_json")]
    at: DateTime<Utc>,
    hlc: Hlc,
    author: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    parents: &'a [String],
    body: &'a EventBody,
}

#[derive(Deserialize)]
struct SegmentIn {
    format: String,
    events: Vec<EventIn>,
}

#[derive(Deserialize)]
struct EventIn {
    id: String,
    ticket: String,
    device: String,
    seq: u64,
    #[serde(with = "crate::domain::time::utc_json")]
    at: DateTime<Utc>,
    hlc: Hlc,
    author: String,
    #[serde(default)]
    parents: Vec<String>,
    body: EventBody,
}

pub fn encode(events: &[Event]) -> Vec<u8> {
    let segment = SegmentOut {
        format: FORMAT,
        events: events
            .iter()
            .map(|e| EventOut {
                id: &e.id,
                ticket: &e.ticket,
                device: &e.device,
                seq: e.seq,
                at: e.at,
                hlc: e.hlc,
                author: &e.author,
                parents: &e.parents,
                body: &e.body,
            })
            .collect(),
    };
    serde_json::to_vec(&segment).expect("events always serialise")
}

/// Reads a segment in this encoding or the earlier one.
pub fn decode(bytes: &[u8]) -> Result<Vec<Event>, String> {
    let starts_as_array = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'[');
    if starts_as_array {
        return serde_json::from_slice(bytes).map_err(|e| e.to_string());
    }
    let segment: SegmentIn = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if segment.format != FORMAT {
        return Err(format!("unknown segment format {:?}", segment.format));
    }
    Ok(segment.events.into_iter().map(Event::from).collect())
}

/// One event written in this layout (a segment's element). Bundle
/// validation re-lays an event's text this way to read it: with the body
/// nested, serde does not buffer every field first.
pub fn decode_event(bytes: &[u8]) -> Result<Event, String> {
    serde_json::from_slice::<EventIn>(bytes)
        .map(Event::from)
        .map_err(|e| e.to_string())
}

impl From<EventIn> for Event {
    fn from(e: EventIn) -> Event {
        Event {
            id: e.id,
            ticket: e.ticket,
            device: e.device,
            seq: e.seq,
            at: e.at,
            hlc: e.hlc,
            author: e.author,
            parents: e.parents,
            body: e.body,
        }
    }
}
