//! The roster: which devices belong to the utility, at which station, in
//! which role, with which key; and which were revoked. Supervisors enrol and
//! revoke devices with events on the `roster` stream, which travel like
//! every other event and fold alike on every device.
//!
//! The root of trust is a short list of supervisor keys a device trusts
//! without asking anyone: shipped with the build (`data/trust.json`, the
//! utility's own), or, where the build ships none, the first supervisor
//! that enrolled itself in a file this device took (trust on first use;
//! its fingerprint shows in "who I am" to compare). A roster event counts
//! only when signed by a root or by a supervisor a counted event enrolled
//! and no counted event revoked; so do settings (rule tables, calendars,
//! tariffs) and incident notices, so nothing a stranger writes changes a
//! deadline or reaches a kiosk's banner.

use crate::domain::event::{sort_in_fold_order, Event, EventBody};
use crate::domain::incident::is_incident_stream;
use crate::domain::settings::is_settings;
use crate::domain::trust::keys::DeviceKey;
use crate::domain::trust::ChainRecord;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const SHIPPED: &str = include_str!("../data/trust.json");

/// The root keys shipped with this build (`data/trust.json`).
pub fn shipped_roots() -> Vec<String> {
    #[derive(Deserialize)]
    struct Shipped {
        roots: Vec<String>,
    }
    serde_json::from_str::<Shipped>(SHIPPED)
        .map(|s| s.roots)
        .unwrap_or_default()
}

/// The stream (`ticket` field) that roster events are written to.
pub const ROSTER_STREAM: &str = "roster";

/// What a device is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceRole {
    Crew,
    Kiosk,
    Supervisor,
    Hotline,
}

impl DeviceRole {
    pub const ALL: [DeviceRole; 4] = [
        DeviceRole::Crew,
        DeviceRole::Kiosk,
        DeviceRole::Supervisor,
        DeviceRole::Hotline,
    ];
}

/// A device as the roster knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    pub key: String,
    pub name: String,
    pub station: String,
    pub role: DeviceRole,
    /// When and why it was revoked, if it was.
    pub revoked: Option<(DateTime<Utc>, String)>,
    /// The event that enrolled it (or last replaced its key).
    pub event: String,
}

/// A roster event that did not count, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub event: String,
    pub device: String,
}

/// How a device stands with the roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing<'a> {
    Enrolled(&'a Enrolment),
    /// Enrolled once, revoked since.
    Revoked(&'a Enrolment),
    /// Signed, but no counted event enrolled it (or with another key).
    Unenrolled,
}

/// Who vouches for a device's events, as the ticket and the ledger mark them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Voucher {
    /// Enrolled by a supervisor this device trusts, or a root itself.
    Enrolled,
    /// Signed by a device no supervisor enrolled.
    Unenrolled,
    /// Signed by a device the roster revoked.
    Revoked,
    /// The demo's well-known key: demo data, not evidence.
    Demo,
    /// Recorded before signing (or by a device that cannot sign).
    Unsigned,
}

impl Voucher {
    /// Whether the ledger marks the device's records: no enrolled
    /// supervisor vouches for them. Unsigned records and the demo's
    /// well-known keys are marked too: a stranger could otherwise leave its
    /// events unsigned, or sign them with a demo key, to avoid the mark.
    pub fn is_stranger(self) -> bool {
        !matches!(self, Voucher::Enrolled)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roster {
    /// Keys trusted without asking anyone.
    pub roots: Vec<String>,
    pub devices: BTreeMap<String, Enrolment>,
    /// Roster events signed by nobody the roster trusts.
    pub refused: Vec<Refused>,
}

impl Roster {
    /// Folds the roster events among `events` (in the order every device
    /// folds them). `key_of` gives the key a device's events were verified
    /// with (none for unsigned devices).
    pub fn fold<'a>(
        roots: &[String],
        events: impl IntoIterator<Item = &'a Event>,
        key_of: impl Fn(&str) -> Option<String>,
    ) -> Roster {
        let mut ours: Vec<&Event> = events
            .into_iter()
            .filter(|e| e.ticket == ROSTER_STREAM)
            .collect();
        sort_in_fold_order(&mut ours);
        ours.dedup_by(|a, b| a.id == b.id);
        let mut roster = Roster {
            roots: roots.to_vec(),
            ..Roster::default()
        };
        for event in ours {
            let signer = key_of(&event.device);
            if !roster.may_govern_at(&event.device, signer.as_deref(), Some(event.at)) {
                roster.refused.push(Refused {
                    event: event.id.to_string(),
                    device: event.device.to_string(),
                });
                continue;
            }
            match &event.body {
                EventBody::DeviceEnrolled {
                    subject: device,
                    key,
                    name,
                    station,
                    role,
                } => {
                    roster.devices.insert(
                        device.clone(),
                        Enrolment {
                            key: key.clone(),
                            name: name.clone(),
                            station: station.clone(),
                            role: *role,
                            revoked: None,
                            event: event.id.to_string(),
                        },
                    );
                }
                EventBody::DeviceRevoked {
                    subject: device,
                    reason,
                } => {
                    if let Some(e) = roster.devices.get_mut(device) {
                        e.revoked = Some((event.at, reason.clone()));
                    }
                }
                _ => {}
            }
        }
        roster
    }

    /// Whether `device`, whose events were verified with `key`, may write
    /// roster and settings events: a root, or an enrolled supervisor not
    /// revoked, with that key.
    pub fn may_govern(&self, device: &str, key: Option<&str>) -> bool {
        self.may_govern_at(device, key, None)
    }

    /// As [`Roster::may_govern`], for an event written at `at`: what a
    /// revoked supervisor signed before its revocation still counts.
    pub fn may_govern_at(
        &self,
        device: &str,
        key: Option<&str>,
        at: Option<DateTime<Utc>>,
    ) -> bool {
        let Some(key) = key else {
            return false;
        };
        if self.roots.iter().any(|r| r == key) {
            return true;
        }
        matches!(
            self.devices.get(device),
            Some(e) if e.key == key
                && e.role == DeviceRole::Supervisor
                && e.revoked.as_ref().is_none_or(|(revoked, _)| at.is_some_and(|at| at < *revoked))
        )
    }

    /// How `device`, verified with `key`, stands.
    pub fn standing(&self, device: &str, key: Option<&str>) -> Standing<'_> {
        match self.devices.get(device) {
            Some(e) if Some(e.key.as_str()) == key && e.revoked.is_some() => Standing::Revoked(e),
            Some(e) if Some(e.key.as_str()) == key => Standing::Enrolled(e),
            _ => Standing::Unenrolled,
        }
    }

    /// Who vouches for `device`'s events, signed with `key` (none: they are
    /// not signed). A root's key needs no enrolment; the demo's well-known
    /// keys vouch for nothing but are told apart from a stranger's.
    pub fn voucher(&self, device: &str, key: Option<&str>) -> Voucher {
        let Some(key) = key else {
            return Voucher::Unsigned;
        };
        if key == DeviceKey::demo(device).public() {
            return Voucher::Demo;
        }
        match self.standing(device, Some(key)) {
            Standing::Enrolled(_) => Voucher::Enrolled,
            Standing::Revoked(_) => Voucher::Revoked,
            Standing::Unenrolled if self.roots.iter().any(|r| r == key) => Voucher::Enrolled,
            Standing::Unenrolled => Voucher::Unenrolled,
        }
    }

    /// The key the roster gives `device`, if it enrolled it: a device that
    /// comes back with this key is trusted even if it was known with
    /// another (its key was replaced).
    pub fn key_of(&self, device: &str) -> Option<&str> {
        self.devices.get(device).map(|e| e.key.as_str())
    }

    /// When `device` was revoked, if it was.
    pub fn revoked_at(&self, device: &str) -> Option<DateTime<Utc>> {
        self.devices
            .get(device)
            .and_then(|e| e.revoked.as_ref().map(|(at, _)| *at))
    }
}

/// The first supervisor that enrolled itself, signed with its own key:
/// whom a device with no root yet trusts on first use.
pub fn self_enrolled_supervisor<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    key_of: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let mut ours: Vec<&Event> = events
        .into_iter()
        .filter(|e| e.ticket == ROSTER_STREAM)
        .collect();
    sort_in_fold_order(&mut ours);
    ours.into_iter().find_map(|e| match &e.body {
        EventBody::DeviceEnrolled {
            subject: device,
            key,
            role: DeviceRole::Supervisor,
            ..
        } if device == &e.device && key_of(device).as_deref() == Some(key.as_str()) => {
            Some(key.clone())
        }
        _ => None,
    })
}

/// Who may change what every device applies, as this device sees it: the
/// roster folded over its roots, the key each device's events were
/// verified with, and this device itself (whose own settings always apply
/// here, where it wrote them; other devices judge them by the roster).
#[derive(Clone, Debug, Default)]
pub struct Authority {
    pub roster: Roster,
    /// The key each device's chain was verified with.
    pub keys: BTreeMap<String, String>,
    /// This device, if the authority is a device's (none for the CLI).
    pub own: Option<String>,
}

/// Why a settings or incident event was not applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotGoverning {
    /// The device is not an enrolled supervisor (or its key is not the one
    /// enrolled), or it was revoked before it wrote the event.
    NotSupervisor { device: String },
}

impl Authority {
    /// The authority of `roots` (shipped and adopted) over `events`, given
    /// the verified key of each device.
    pub fn new<'a>(
        roots: &[String],
        events: impl IntoIterator<Item = &'a Event>,
        keys: BTreeMap<String, String>,
        own: Option<String>,
    ) -> Authority {
        let roster = Roster::fold(roots, events, |d| keys.get(d).cloned());
        Authority { roster, keys, own }
    }

    /// Whether `e` is one that needs a supervisor's signature: settings,
    /// incidents (declared, notices, ended) and the roster itself.
    pub fn is_governed(e: &Event) -> bool {
        is_settings(e) || e.ticket == ROSTER_STREAM || is_incident_stream(&e.ticket)
    }

    /// Whether a governed event counts here (always true for other events).
    pub fn counts(&self, e: &Event) -> Result<(), NotGoverning> {
        if !Authority::is_governed(e)
            || self.own.as_deref() == Some(e.device.as_str())
            || self
                .roster
                .may_govern_at(&e.device, self.key_of(&e.device), Some(e.at))
        {
            return Ok(());
        }
        Err(NotGoverning::NotSupervisor {
            device: e.device.to_string(),
        })
    }

    pub fn key_of(&self, device: &str) -> Option<&str> {
        self.keys.get(device).map(String::as_str)
    }

    /// The authority of a reader with no device of its own (the command
    /// line reading files): the shipped roots, or, where the build ships
    /// none, the first supervisor that enrolled itself with the key its
    /// log is signed with (trust on first use; say so to the user).
    pub fn for_reader<'a>(
        events: impl IntoIterator<Item = &'a Event> + Clone,
        chains: &BTreeMap<String, Vec<ChainRecord>>,
    ) -> Authority {
        let keys: BTreeMap<String, String> = chains
            .iter()
            .filter_map(|(device, records)| Some((device.clone(), records.first()?.key.clone())))
            .collect();
        let mut roots = shipped_roots();
        if roots.is_empty() {
            roots.extend(self_enrolled_supervisor(events.clone(), |d| {
                keys.get(d).cloned()
            }));
        }
        Authority::new(&roots, events, keys, None)
    }

    /// How `device` stands with the roster (this device is never marked).
    pub fn standing(&self, device: &str) -> Standing<'_> {
        self.roster.standing(device, self.key_of(device))
    }
}
