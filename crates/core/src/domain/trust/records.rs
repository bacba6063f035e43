//! The chain records a device keeps and sends: its own, extended and
//! re-signed after every save; the others', as files brought them; and
//! for an export, the records that cover exactly the events it carries.

use super::chain::{fold_chain, ChainHash, ChainRecord};
use crate::domain::event::sort_by_seq;
use crate::domain::event::Event;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// The running hash after `new` events of `device` follow a chain whose
/// last signed record is `last` (none: the device has signed nothing yet,
/// and `all_own` are every event it wrote). `None` when the numbers do not
/// follow on (a gap in the device's own log).
pub fn extend(
    device: &str,
    last: Option<&ChainRecord>,
    new: &[&Event],
    all_own: impl FnOnce() -> Vec<Event>,
) -> Option<(u64, ChainHash)> {
    let mut mine: Vec<&Event> = new.iter().copied().filter(|e| e.device == device).collect();
    sort_by_seq(&mut mine);
    match last {
        Some(record) if record.from == 1 => {
            let mut hash = ChainHash::parse(&record.head)?;
            let mut seq = record.seq;
            for e in mine {
                if e.seq != seq + 1 {
                    return None;
                }
                seq = e.seq;
                hash = hash.next(seq, &e.id)?;
            }
            Some((seq, hash))
        }
        _ => {
            let mut own = all_own();
            own.retain(|e| e.device == device);
            own.extend(mine.into_iter().cloned());
            sort_by_seq(&mut own);
            own.dedup_by(|a, b| a.id == b.id);
            fold_chain(device, own.iter())
        }
    }
}

/// Adds records a checked file brought to the ones kept for a device,
/// dropping any that another covers entirely.
pub fn absorb(kept: &mut Vec<ChainRecord>, incoming: &[ChainRecord]) {
    for record in incoming {
        if !kept.contains(record) {
            kept.push(record.clone());
        }
    }
    let covered = |a: &ChainRecord, b: &ChainRecord| {
        a != b && b.from <= a.from && b.seq >= a.seq && b.omitted.is_empty()
    };
    let all = kept.clone();
    kept.retain(|a| !all.iter().any(|b| covered(a, b)));
    crate::domain::trust::sort_chain_records(kept);
}

/// The chain records a file carrying `chosen` needs: for every device of
/// the chosen events with kept records, each record that covers some of
/// them, starting at the first one it covers and listing by id the events
/// in its range that the file leaves out. Devices without records travel
/// unsigned.
pub fn for_export<'a, 'h>(
    chosen: impl IntoIterator<Item = &'a Event>,
    held: impl IntoIterator<Item = &'h Event> + Clone,
    kept: &BTreeMap<String, Vec<ChainRecord>>,
) -> BTreeMap<String, Vec<ChainRecord>> {
    // Sorted lists, not sets: a whole store's export chooses 190,000
    // events, and a set built one event at a time was most of this phase.
    let mut chosen_by_device: FxHashMap<&str, Vec<u64>> = FxHashMap::default();
    for e in chosen {
        if kept.contains_key(e.device.as_str()) {
            chosen_by_device
                .entry(e.device.as_str())
                .or_default()
                .push(e.seq);
        }
    }
    let mut out = BTreeMap::new();
    for (device, mut seqs) in chosen_by_device {
        let Some(records) = kept.get(device) else {
            continue;
        };
        seqs.sort_unstable();
        seqs.dedup();
        // The device's ids by number, read from the log only where a record
        // starts after events the file leaves out or skips some: a whole
        // export needs none.
        let ids: std::cell::OnceCell<FxHashMap<u64, &str>> = std::cell::OnceCell::new();
        let ids_of = || {
            ids.get_or_init(|| {
                held.clone()
                    .into_iter()
                    .filter(|e| e.device == device)
                    .map(|e| (e.seq, e.id.as_str()))
                    .collect()
            })
        };
        let mut left = seqs.clone();
        let mut list = Vec::new();
        for record in records {
            let from = left.partition_point(|&s| s < record.from);
            let Some(&first) = left.get(from).filter(|&&s| s <= record.seq) else {
                continue;
            };
            // The chosen events in the record's range, and whether that is
            // every number in it.
            let carried = &seqs
                [seqs.partition_point(|&s| s < first)..seqs.partition_point(|&s| s <= record.seq)];
            let whole = carried.len() as u64 == record.seq - first + 1;
            let ids = (first > record.from || !whole).then(ids_of);
            let id_at = |seq: u64| {
                ids.and_then(|ids| ids.get(&seq))
                    .map(|id| id.to_string())
                    .or_else(|| record.omitted.get(&seq).cloned())
            };
            // Start at the first event carried: fold the hash up to it.
            let mut before = match &record.before {
                Some(text) => ChainHash::parse(text),
                None => Some(ChainHash::start(device)),
            };
            for seq in record.from..first {
                before = before.and_then(|h| h.next(seq, &id_at(seq)?));
            }
            let Some(before) = before else {
                continue; // An id is missing here: the record cannot be cut there.
            };
            let omitted: BTreeMap<u64, String> = if whole {
                BTreeMap::new()
            } else {
                (first..=record.seq)
                    .filter(|seq| carried.binary_search(seq).is_err())
                    .filter_map(|seq| id_at(seq).map(|id| (seq, id)))
                    .collect()
            };
            list.push(ChainRecord {
                from: first,
                before: (first > 1).then(|| before.text()),
                omitted,
                ..record.clone()
            });
            left.retain(|s| !record.covers(*s));
        }
        if !list.is_empty() {
            out.insert(device.to_string(), list);
        }
    }
    out
}
