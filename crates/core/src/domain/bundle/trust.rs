//! The trust checks of a file, after its shape, ids and checksum: every
//! event of a device that signs must be covered by that device's signed
//! chain; a device this one already knows must still sign with the same
//! key; no `(device, seq)` may name another event than the one held; and
//! no event may claim a time before the event its device wrote before it.
//! See `domain::trust::chain` for the chain itself.

use super::BundleError;
use crate::domain::event::{sort_by_seq, Event};
use crate::domain::trust::chain::{ChainError, ChainRecord};
use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;
use std::borrow::{Borrow, Cow};
use std::collections::BTreeMap;

/// What the receiving device holds, for checking a file against it.
pub trait Held {
    /// The key this device already trusts for `device` (a chain it checked
    /// before, or the roster's).
    fn key_of(&self, device: &str) -> Option<String>;
    /// The id of the event `(device, seq)` this device holds.
    fn id_at(&self, device: &str, seq: u64) -> Option<String>;
    /// When the held event `(device, seq)` claims to have happened.
    fn at_of(&self, device: &str, seq: u64) -> Option<DateTime<Utc>>;
    /// When the held event with this id claims to have happened.
    fn at_of_event(&self, _id: &str) -> Option<DateTime<Utc>> {
        None
    }
    /// When the roster revoked `device`, if it did.
    fn revoked_at(&self, _device: &str) -> Option<DateTime<Utc>> {
        None
    }
}

/// How far an event's time may lie before the time of an event it builds on
/// (its parents, often another device's): two honest devices' clocks may
/// disagree by this much, no more.
pub const CLOCK_TOLERANCE_MINUTES: i64 = 5;

/// A device that holds nothing yet (the CLI reading files on their own).
pub struct NothingHeld;

impl Held for NothingHeld {
    fn key_of(&self, _: &str) -> Option<String> {
        None
    }
    fn id_at(&self, _: &str, _: u64) -> Option<String> {
        None
    }
    fn at_of(&self, _: &str, _: u64) -> Option<DateTime<Utc>> {
        None
    }
}

/// How a file's events of one device stand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signed {
    /// Covered by the device's signature with this key.
    By(String),
    /// The device does not sign (recorded before signing, by an older app).
    Unsigned,
}

/// Checks `events` (in any order) against `chains` and what the
/// device already holds. Returns how each device's events stand.
pub fn check<E: Borrow<Event>>(
    events: &[E],
    chains: &BTreeMap<String, Vec<ChainRecord>>,
    held: &dyn Held,
) -> Result<BTreeMap<String, Signed>, BundleError> {
    let mut by_device: BTreeMap<&str, Vec<&Event>> = BTreeMap::new();
    for event in events {
        let event: &Event = event.borrow();
        by_device
            .entry(event.device.as_str())
            .or_default()
            .push(event);
    }
    let mut at_of_id: FxHashMap<&str, DateTime<Utc>> =
        FxHashMap::with_capacity_and_hasher(events.len(), Default::default());
    at_of_id.extend(events.iter().map(|e| {
        let e: &Event = e.borrow();
        (e.id.as_str(), e.at)
    }));
    let tolerance = chrono::Duration::minutes(CLOCK_TOLERANCE_MINUTES);
    let mut verdicts = BTreeMap::new();
    for (device, mut mine) in by_device {
        sort_by_seq(&mut mine);
        let name = |e: &Event| (e.ticket.clone(), e.body.type_name());
        // A second version of an event this device holds: never both.
        for e in &mine {
            if let Some(held_id) = held.id_at(device, e.seq) {
                if held_id != e.id {
                    let (ticket, kind) = name(e);
                    return Err(BundleError::SequenceReused {
                        device: device.to_string(),
                        seq: e.seq,
                        ticket,
                        kind,
                    });
                }
            }
        }
        // The file's event `seq` of this device: `mine` is in sequence
        // order (a copy of an event, if any, is the same event).
        let at_seq = |seq: u64| {
            mine.binary_search_by_key(&seq, |e| e.seq)
                .ok()
                .map(|i| mine[i])
        };
        // Time never runs back along a device's own chain.
        for e in &mine {
            let before = e
                .seq
                .checked_sub(1)
                .and_then(|s| at_seq(s).map(|p| p.at).or_else(|| held.at_of(device, s)));
            // Nor before what it builds on, beyond clocks' honest disagreement.
            let parent_later = e.parents.iter().any(|p| {
                at_of_id
                    .get(p.as_str())
                    .copied()
                    .or_else(|| held.at_of_event(p))
                    .is_some_and(|at| e.at + tolerance < at)
            });
            if before.is_some_and(|at| e.at < at) || parent_later {
                let (ticket, kind) = name(e);
                return Err(BundleError::Backdated {
                    device: device.to_string(),
                    ticket,
                    kind,
                });
            }
        }
        // A revoked device's word counts up to its revocation only.
        if let Some(revoked) = held.revoked_at(device) {
            if let Some(e) = mine.iter().find(|e| e.at > revoked) {
                let (ticket, kind) = name(e);
                return Err(BundleError::Revoked {
                    device: device.to_string(),
                    ticket,
                    kind,
                });
            }
        }
        let first = mine[0];
        let verdict = match chains.get(device).filter(|records| !records.is_empty()) {
            Some(records) => {
                let broken = |reason: ChainError, e: &Event| {
                    let (ticket, kind) = name(e);
                    BundleError::ChainBroken {
                        device: device.to_string(),
                        ticket,
                        kind,
                        reason,
                    }
                };
                let key = &records[0].key;
                let trusted = held.key_of(device);
                for record in records {
                    // One device, one key: the one this device trusts, if any.
                    if &record.key != key || trusted.as_ref().is_some_and(|k| k != &record.key) {
                        return Err(BundleError::KeyChanged {
                            device: device.to_string(),
                        });
                    }
                    record
                        .verify(device, |seq| {
                            at_seq(seq)
                                .map(|e| Cow::Borrowed(e.id.as_str()))
                                .or_else(|| held.id_at(device, seq).map(Cow::Owned))
                        })
                        .map_err(|reason| {
                            let e = mine
                                .iter()
                                .find(|e| record.covers(e.seq))
                                .copied()
                                .unwrap_or(first);
                            broken(reason, e)
                        })?;
                }
                if let Some(outside) = mine
                    .iter()
                    .find(|e| !records.iter().any(|r| r.covers(e.seq)))
                {
                    let last = records.iter().map(|r| r.seq).max().unwrap_or(0);
                    let from = records.iter().map(|r| r.from).min().unwrap_or(1);
                    return Err(broken(
                        ChainError::Uncovered {
                            seq: outside.seq,
                            from,
                            signed: last,
                        },
                        outside,
                    ));
                }
                Signed::By(key.clone())
            }
            None if held.key_of(device).is_some() => {
                let (ticket, kind) = name(first);
                return Err(BundleError::Unsigned {
                    device: device.to_string(),
                    ticket,
                    kind,
                });
            }
            None => Signed::Unsigned,
        };
        verdicts.insert(device.to_string(), verdict);
    }
    Ok(verdicts)
}
