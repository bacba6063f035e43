//! Choosing what an export holds: everything, only what this device has not
//! exported yet, or the tickets of a date range or station; optionally
//! anonymised (phone numbers, names and addresses masked) for statistics.

use crate::domain::event::{sort_in_fold_order, Event, EventBody};
use crate::domain::shared_str::SharedStr;
use crate::domain::time::china_date;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportFilter {
    /// Only this device's events with a sequence number above this one.
    pub unexported_of: Option<(String, u64)>,
    /// Tickets received on or after this China-time date.
    pub from: Option<NaiveDate>,
    /// Tickets received on or before this China-time date.
    pub to: Option<NaiveDate>,
    /// Tickets of this station (供电所).
    pub station: Option<String>,
}

/// The events an export with this filter holds, whole tickets for the ticket
/// filters (a ticket's later events travel with it).
pub fn select<'a>(
    events: impl IntoIterator<Item = &'a Event> + Clone,
    filter: &ExportFilter,
) -> Vec<&'a Event> {
    let mut wanted: Option<HashSet<&str>> = None;
    if filter.from.is_some() || filter.to.is_some() || filter.station.is_some() {
        let tickets = events.clone().into_iter().filter_map(|e| match &e.body {
            EventBody::Created { station, .. } => {
                let day = china_date(e.at);
                let in_range =
                    filter.from.is_none_or(|f| day >= f) && filter.to.is_none_or(|t| day <= t);
                let at_station = filter
                    .station
                    .as_ref()
                    .is_none_or(|s| station.as_deref() == Some(s.as_str()));
                (in_range && at_station).then_some(e.ticket.as_str())
            }
            _ => None,
        });
        wanted = Some(tickets.collect());
    }
    events
        .into_iter()
        .filter(|e| {
            // Rules, calendar and incidents are shared by every device: never filtered out.
            crate::domain::settings::is_settings(e)
                || crate::domain::incident::is_incident_stream(&e.ticket)
                || wanted
                    .as_ref()
                    .is_none_or(|w| w.contains(e.ticket.as_str()))
        })
        .filter(|e| match &filter.unexported_of {
            Some((device, seq)) => e.device == *device && e.seq > *seq,
            None => true,
        })
        .collect()
}

/// `13812345678` -> `138****5678`; shorter numbers keep only their last two digits.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    match chars.len() {
        n if n >= 11 => format!(
            "{}****{}",
            chars[..3].iter().collect::<String>(),
            chars[n - 4..].iter().collect::<String>()
        ),
        n if n > 2 => format!(
            "{}{}",
            "*".repeat(n - 2),
            chars[n - 2..].iter().collect::<String>()
        ),
        _ => "*".repeat(chars.len()),
    }
}

pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| format!("{first}{}", "*".repeat(chars.count().max(1))))
        .unwrap_or_default()
}

/// The same events with personal data masked, sealed again with new ids (and
/// `parents` pointing at the new ids), so the file is internally consistent.
/// Such events describe the same tickets but are not mergeable with the
/// originals: the bundle is marked `anonymised`.
pub fn anonymise<'a>(events: impl IntoIterator<Item = &'a Event>) -> Vec<Event> {
    let mut renamed: HashMap<SharedStr, SharedStr> = HashMap::new();
    let mut ordered: Vec<&Event> = events.into_iter().collect();
    sort_in_fold_order(&mut ordered);
    ordered
        .into_iter()
        .map(|e| {
            let mut e = e.clone();
            if let EventBody::Created { contact, .. } = &mut e.body {
                contact.phone = contact.phone.as_deref().map(mask_phone);
                contact.name = contact.name.as_deref().map(mask_name);
                contact.address = contact.address.as_ref().map(|_| "***".to_string());
            }
            e.parents = e
                .parents
                .iter()
                .map(|p| renamed.get(p).cloned().unwrap_or_else(|| p.clone()))
                .collect();
            let old = std::mem::take(&mut e.id);
            e.id = e.content_id();
            renamed.insert(old, e.id.clone());
            e
        })
        .collect()
}
