//! Customers who need particular care, flagged wherever their ticket is
//! seen: at intake, in the queue and on the ticket page.
//!
//! - A repeat complainant (rules.md §3, `repeat_complainant`): the same
//!   customer, by phone number, has another complaint received in the 90
//!   days before this ticket (whatever this ticket's kind: a crew calling
//!   back wants to know the customer complained last month). It is derived, never typed: at intake it is set
//!   as a fact (it starts the quarterly long-term tracking), and on screens
//!   it is read again from the tickets this device holds.
//! - A special group (独居老人、残障人士…): the `special_group` fact, set by
//!   hand or read from the text.

use crate::domain::facts::Facts;
use crate::domain::ticket::TicketState;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// How far back another complaint makes a repeat complainant (rules.md §3).
pub const REPEAT_WINDOW_DAYS: i64 = 90;

/// A phone number as compared: its digits, without a leading `86` country
/// code, so "+86 138-1234-5678" and "13812345678" are one customer. A
/// masked number (the device is locked) has no key: it could be anyone's.
pub fn phone_key(phone: &str) -> Option<String> {
    if phone.contains('*') {
        return None;
    }
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let digits = match digits.strip_prefix("86") {
        Some(rest) if rest.len() == 11 => rest.to_string(),
        _ => digits,
    };
    (digits.len() >= 7).then_some(digits)
}

/// One complaint as the index lists it: phone key, receipt time, ticket id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry(String, DateTime<Utc>, String);

/// Every complaint this device holds, by the customer's phone.
#[derive(Default, PartialEq)]
pub struct Complaints {
    /// Per phone, the complaints' receipt times and ticket ids, oldest first.
    by_phone: HashMap<String, Vec<(DateTime<Utc>, String)>>,
}

impl Complaints {
    /// The complaints among `tickets` (kind 投诉, not voided), by phone.
    pub fn of<'t>(tickets: impl IntoIterator<Item = &'t TicketState>) -> Complaints {
        let mut by_phone: HashMap<String, Vec<(DateTime<Utc>, String)>> = HashMap::new();
        for t in tickets {
            if let Some(key) = Self::key_of(t) {
                by_phone
                    .entry(key)
                    .or_default()
                    .push((t.received, t.id.clone()));
            }
        }
        // At every start and import, for every phone: std's unstable sort
        // (equal entries are the same ticket at the same instant).
        for list in by_phone.values_mut() {
            list.sort_unstable();
        }
        Complaints { by_phone }
    }

    /// The phone a ticket is listed under, if it is a complaint.
    fn key_of(t: &TicketState) -> Option<String> {
        let complaint = t
            .classification
            .as_ref()
            .is_some_and(|c| c.kind == "complaint");
        if !complaint || t.status == crate::domain::ticket::Status::Voided {
            return None;
        }
        t.contact.phone.as_deref().and_then(phone_key)
    }

    /// What a ticket adds to the index: nothing unless it is a complaint
    /// with a phone.
    pub fn entry(t: &TicketState) -> Option<Entry> {
        Self::key_of(t).map(|key| Entry(key, t.received, t.id.clone()))
    }

    /// Takes one ticket's change (`before` → `after`, `None` where it was
    /// not or is no longer held): what `of` over every ticket would give,
    /// without reading the other 50,000 again for each action saved.
    /// Whether anything changed.
    pub fn refresh(&mut self, before: Option<&TicketState>, after: Option<&TicketState>) -> bool {
        self.replace(before.and_then(Self::entry), after.and_then(Self::entry))
    }

    /// As `refresh`, from the ticket's entries before and after.
    pub fn replace(&mut self, old: Option<Entry>, new: Option<Entry>) -> bool {
        if old == new {
            return false;
        }
        if let Some(Entry(key, received, id)) = old {
            if let Some(list) = self.by_phone.get_mut(&key) {
                list.retain(|(when, listed)| (*when, listed) != (received, &id));
                if list.is_empty() {
                    self.by_phone.remove(&key);
                }
            }
        }
        if let Some(Entry(key, received, id)) = new {
            let list = self.by_phone.entry(key).or_default();
            let at = list.partition_point(|(when, listed)| {
                (*when, listed.as_str()) < (received, id.as_str())
            });
            list.insert(at, (received, id));
        }
        true
    }

    /// The other complaints from `phone` received in the 90 days up to `at`
    /// (not `at` itself's ticket, `except`).
    pub fn earlier(&self, phone: &str, at: DateTime<Utc>, except: Option<&str>) -> Vec<&str> {
        let Some(list) = phone_key(phone).and_then(|k| self.by_phone.get(&k)) else {
            return Vec::new();
        };
        let from = at - Duration::days(REPEAT_WINDOW_DAYS);
        list.iter()
            .filter(|(when, id)| *when >= from && *when <= at && Some(id.as_str()) != except)
            .map(|(_, id)| id.as_str())
            .collect()
    }

    /// The facts of a ticket being taken now from `phone`: a repeat
    /// complainant when another complaint came from it in the last 90
    /// days, unless a person said otherwise.
    pub fn derive_at_intake(&self, phone: &str, now: DateTime<Utc>, facts: &mut Facts) {
        if facts.repeat_complainant.is_none() && !self.earlier(phone, now, None).is_empty() {
            facts.repeat_complainant = Some(true);
        }
    }

    /// Whether `t` is from a repeat complainant: another complaint from the
    /// same phone in the 90 days before it was received.
    pub fn is_repeat(&self, t: &TicketState) -> bool {
        t.contact
            .phone
            .as_deref()
            .is_some_and(|p| !self.earlier(p, t.received, Some(&t.id)).is_empty())
    }
}

/// What a ticket's flags are, for a queue row or the ticket page.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct CareFlags {
    pub repeat_complainant: bool,
    pub special_group: bool,
}

impl CareFlags {
    pub fn of(t: &TicketState, complaints: &Complaints) -> CareFlags {
        CareFlags {
            repeat_complainant: t.facts.repeat_complainant == Some(true) || complaints.is_repeat(t),
            special_group: t.facts.special_group == Some(true),
        }
    }

    /// The flags the ticket's own facts state (not a repeat found by the
    /// customer's phone number among the other tickets).
    pub fn stated(t: &TicketState) -> CareFlags {
        CareFlags {
            repeat_complainant: t.facts.repeat_complainant == Some(true),
            special_group: t.facts.special_group == Some(true),
        }
    }

    pub fn any(self) -> bool {
        self.repeat_complainant || self.special_group
    }
}
