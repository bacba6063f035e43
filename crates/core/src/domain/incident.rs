//! Emergency mode: a regional incident (a feeder fault, a storm) that many
//! customers complain about at once. A supervisor declares it for a station's
//! area with a cause and an expected restoration time, links the tickets, and
//! records one progress notice for all of them; kiosks of that station show it.
//! An incident is its own event stream, `incident:<id>`; a ticket is linked by
//! an `incident_linked` event on the ticket's stream.

use crate::domain::event::{Event, EventBody};
use crate::domain::trust::roster::Authority;
use crate::domain::{event::sort_in_fold_order, lean_sort};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

pub const INCIDENT_PREFIX: &str = "incident:";

#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub at: DateTime<Utc>,
    pub author: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    /// The stream id, `incident:…`.
    pub id: String,
    pub station: String,
    pub cause: String,
    pub expected_restoration: DateTime<Utc>,
    pub declared_at: DateTime<Utc>,
    pub declared_by: String,
    /// Oldest first.
    pub notices: Vec<Notice>,
    pub ended: Option<DateTime<Utc>>,
    /// Linked ticket ids.
    pub tickets: BTreeSet<String>,
    /// The latest events of the incident's stream, parents of its next event.
    pub heads: Vec<String>,
}

impl Incident {
    pub fn is_active(&self) -> bool {
        self.ended.is_none()
    }

    pub fn latest_notice(&self) -> Option<&Notice> {
        self.notices.last()
    }
}

pub fn is_incident_stream(ticket: &str) -> bool {
    ticket.starts_with(INCIDENT_PREFIX)
}

/// Every incident, newest first, folded from events in any order. Only what
/// `authority` counts is folded: a declaration, notice or end signed by a
/// device that is no supervisor here never reaches a kiosk's banner.
pub fn incidents<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    authority: &Authority,
) -> Vec<Incident> {
    let mut ordered: Vec<&Event> = events
        .into_iter()
        .filter(|e| {
            (is_incident_stream(&e.ticket) && authority.counts(e).is_ok())
                || matches!(e.body, EventBody::IncidentLinked { .. })
        })
        .collect();
    sort_in_fold_order(&mut ordered);
    ordered.dedup_by(|a, b| a.id == b.id);
    let mut found: BTreeMap<String, Incident> = BTreeMap::new();
    let mut links: Vec<(String, String)> = vec![];
    for e in ordered {
        match &e.body {
            EventBody::IncidentDeclared {
                station,
                cause,
                expected_restoration,
            } => {
                found.insert(
                    e.ticket.clone(),
                    Incident {
                        id: e.ticket.clone(),
                        station: station.clone(),
                        cause: cause.clone(),
                        expected_restoration: *expected_restoration,
                        declared_at: e.at,
                        declared_by: e.author.to_string(),
                        notices: vec![],
                        ended: None,
                        tickets: BTreeSet::new(),
                        heads: vec![e.id.to_string()],
                    },
                );
            }
            EventBody::IncidentNotice { text } => {
                if let Some(i) = found.get_mut(&e.ticket) {
                    i.notices.push(Notice {
                        at: e.at,
                        author: e.author.to_string(),
                        text: text.clone(),
                    });
                    i.heads = vec![e.id.to_string()];
                }
            }
            EventBody::IncidentEnded => {
                if let Some(i) = found.get_mut(&e.ticket) {
                    i.ended.get_or_insert(e.at);
                    i.heads = vec![e.id.to_string()];
                }
            }
            EventBody::IncidentLinked { incident } => {
                links.push((incident.clone(), e.ticket.clone()));
            }
            _ => {}
        }
    }
    // Links may name an incident whose declaration is in a file not yet merged.
    for (incident, ticket) in links {
        if let Some(i) = found.get_mut(&incident) {
            i.tickets.insert(ticket);
        }
    }
    let mut out: Vec<Incident> = found.into_values().collect();
    lean_sort::sort_by_key(&mut out, |i| std::cmp::Reverse(i.declared_at));
    out
}

/// The active incidents a kiosk of `station` shows (all of them when the
/// device has no station set).
pub fn for_station<'a>(all: &'a [Incident], station: Option<&str>) -> Vec<&'a Incident> {
    all.iter()
        .filter(|i| i.is_active() && station.is_none_or(|s| s == i.station))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{Hlc, NewEvent};
    use chrono::{Duration, TimeZone};

    fn event(stream: &str, minutes: i64, body: EventBody) -> Event {
        let at = Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap() + Duration::minutes(minutes);
        NewEvent {
            ticket: stream.into(),
            device: "sup".into(),
            seq: minutes as u64,
            at,
            hlc: Hlc {
                ms: at.timestamp_millis(),
                n: 0,
            },
            author: "主任".into(),
            parents: vec![],
            body,
        }
        .seal()
    }

    #[test]
    fn an_incident_folds_in_any_order_with_its_links_and_notices() {
        let id = "incident:1";
        let restore = Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap();
        let mut events = vec![
            event(
                id,
                0,
                EventBody::IncidentDeclared {
                    station: "城东供电所".into(),
                    cause: "10kV 线路故障".into(),
                    expected_restoration: restore,
                },
            ),
            event(
                "t1",
                1,
                EventBody::IncidentLinked {
                    incident: id.into(),
                },
            ),
            event(
                "t2",
                2,
                EventBody::IncidentLinked {
                    incident: id.into(),
                },
            ),
            event(
                id,
                3,
                EventBody::IncidentNotice {
                    text: "抢修中".into(),
                },
            ),
            event(
                id,
                4,
                EventBody::IncidentNotice {
                    text: "预计 16 点恢复".into(),
                },
            ),
        ];
        // Folded on the supervisor's own device.
        let here = Authority {
            own: Some("sup".into()),
            ..Authority::default()
        };
        let forwards = incidents(&events, &here);
        events.reverse();
        assert_eq!(incidents(&events, &here), forwards);
        assert!(
            incidents(&events, &Authority::default()).is_empty(),
            "elsewhere, nobody enrolled it"
        );
        let i = &forwards[0];
        assert_eq!(i.tickets.len(), 2);
        assert_eq!(i.latest_notice().unwrap().text, "预计 16 点恢复");
        assert_eq!(for_station(&forwards, Some("城东供电所")).len(), 1);
        assert_eq!(for_station(&forwards, Some("城西供电所")).len(), 0);
        assert_eq!(for_station(&forwards, None).len(), 1);
        events.push(event(id, 5, EventBody::IncidentEnded));
        let ended = incidents(&events, &here);
        assert!(!ended[0].is_active());
        assert!(for_station(&ended, None).is_empty());
    }
}
