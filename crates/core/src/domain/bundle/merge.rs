//! The canonical order of events and the set union of files.

use super::Bundle;
use crate::domain::event::Event;
use chrono::Utc;
use rustc_hash::FxHashSet;

/// The order of events in every exported or merged file.
pub fn sort_canonical(events: &mut Vec<Event>) {
    events.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    events.dedup_by(|a, b| a.id == b.id);
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
