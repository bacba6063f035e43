//! A device's identity and counters, and the one place where events are
//! minted: the next sequence number, the next hybrid-logical-clock reading,
//! the parents, the content id. The browser keeps a [`Device`] in IndexedDB
//! beside the log (saved in the same transaction as the events it minted);
//! the CLI makes one when it writes events.

use crate::domain::event::{Event, EventBody, Hlc, NewEvent};
use crate::domain::ticket::Numbering;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A device's identity and counters. The serialised form is what the browser
/// store keeps, so the field names are part of the storage format.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// A random id made on first use.
    pub id: String,
    /// The last sequence number this device gave an event.
    pub seq: u64,
    /// Human ticket numbers given so far (`PREFIX-YYYYMMDD-NNNN`).
    #[serde(default)]
    pub numbering: Numbering,
    /// Who works on this device (crew tablets), set once.
    #[serde(default)]
    pub crew: Option<CrewIdentity>,
    /// The newest HLC reading this device has seen or written.
    pub hlc_ms: i64,
    pub hlc_n: u32,
    /// Sequence number up to which this device's own events were exported.
    pub exported_seq: u64,
    pub exported_at: Option<String>,
    /// This device's own signed chain record (from its first event), renewed
    /// after every save. `None` on a device that does not sign (yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<crate::domain::trust::ChainRecord>,
    /// The latest `at` this device gave an event: a later one never claims
    /// an earlier time (a clock set back shows as a warning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_at: Option<DateTime<Utc>>,
    /// Supervisor keys this device took as roots of trust on first use
    /// (where the build ships none): see `trust::roster`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roots: Vec<String>,
}

/// The crew member using this device.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrewIdentity {
    pub name: String,
    pub team: String,
    /// 供电所
    pub station: String,
    pub area: String,
}

impl Device {
    /// A new device: its ticket numbers start with the first four hex digits
    /// of the id after `dev-` (upper case), or the id itself when shorter.
    pub fn new(id: String) -> Device {
        let prefix = id
            .strip_prefix("dev-")
            .unwrap_or(&id)
            .chars()
            .take(4)
            .collect::<String>()
            .to_uppercase();
        Device {
            numbering: Numbering {
                prefix,
                ..Numbering::default()
            },
            id,
            ..Device::default()
        }
    }

    fn hlc(&self) -> Hlc {
        Hlc {
            ms: self.hlc_ms,
            n: self.hlc_n,
        }
    }

    /// A new event of this device on `ticket`: the next sequence number, an
    /// HLC reading after everything the device has seen, sealed with its id.
    /// Time never runs back along a device's chain: an event minted while
    /// the clock is behind the device's last event takes that event's time
    /// (and `clock_went_back` tells the screen).
    pub fn mint(
        &mut self,
        ticket: &str,
        author: &str,
        parents: Vec<String>,
        body: EventBody,
        now: DateTime<Utc>,
    ) -> Event {
        let now = self.last_at.map_or(now, |last| last.max(now));
        self.last_at = Some(now);
        let hlc = self.hlc().tick(now.timestamp_millis());
        self.seq += 1;
        (self.hlc_ms, self.hlc_n) = (hlc.ms, hlc.n);
        NewEvent {
            ticket: ticket.to_string(),
            device: self.id.clone(),
            seq: self.seq,
            at: now,
            hlc,
            author: author.to_string(),
            parents,
            body,
        }
        .seal()
    }

    /// Moves the device's HLC past everything it has seen, so its next event
    /// orders after them even if its own clock is behind; and its sequence
    /// past any of its own events that come back to it (demo data, a
    /// restored file).
    pub fn observe<'a>(&mut self, events: impl IntoIterator<Item = &'a Event>) {
        let mut newest = self.hlc();
        for event in events {
            newest = newest.max(event.hlc);
            if event.device == self.id {
                self.seq = self.seq.max(event.seq);
                self.last_at = Some(self.last_at.map_or(event.at, |t| t.max(event.at)));
            }
        }
        (self.hlc_ms, self.hlc_n) = (newest.ms, newest.n);
    }

    /// Whether `now` is before the last time this device gave an event: its
    /// clock was set back.
    pub fn clock_went_back(&self, now: DateTime<Utc>) -> bool {
        self.last_at.is_some_and(|last| now < last)
    }

    /// Who is recorded as the author of this device's actions.
    pub fn author(&self) -> String {
        match &self.crew {
            Some(c) => format!("{}·{}", c.name, c.team),
            None => self.id.clone(),
        }
    }

    /// The station this device belongs to, if its user said.
    pub fn station(&self) -> Option<&str> {
        self.crew
            .as_ref()
            .map(|c| c.station.trim())
            .filter(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn note() -> EventBody {
        EventBody::Note {
            text: "到场".into(),
        }
    }

    #[test]
    fn minted_events_count_up_and_order_after_what_was_seen() {
        let mut device = Device::new("dev-0a1b2c3d".into());
        assert_eq!(device.numbering.prefix, "0A1B");
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        let a = device.mint("t1", "王工", vec![], note(), now);
        let b = device.mint("t1", "王工", vec![a.id.to_string()], note(), now);
        assert_eq!((a.seq, b.seq), (1, 2));
        assert!(b.hlc > a.hlc, "same millisecond: the counter moves");
        assert_eq!(a.id, a.content_id());
        // Another device's event from the future: ours order after it.
        let mut other = Device::new("dev-ffff0000".into());
        let later = other.mint(
            "t1",
            "李工",
            vec![],
            note(),
            now + chrono::Duration::hours(1),
        );
        device.observe([&later]);
        let c = device.mint("t1", "王工", vec![], note(), now);
        assert!(c.hlc > later.hlc);
        assert_eq!(c.seq, 3, "another device's numbers are not ours");
    }

    #[test]
    fn own_events_coming_back_move_the_sequence_on() {
        let mut device = Device::new("dev-1".into());
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        let mut copy = device.clone();
        let a = copy.mint("t", "x", vec![], note(), now);
        let b = copy.mint("t", "x", vec![], note(), now);
        device.observe([&a, &b]);
        assert_eq!(device.seq, 2);
        assert_eq!(device.mint("t", "x", vec![], note(), now).seq, 3);
    }
}
