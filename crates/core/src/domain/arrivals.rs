//! What a crew must hear about at once when events arrive from elsewhere
//! (through the sync server): a ticket that became 一级 (urgent), or one
//! sent to the crew's team. Decided from the arriving events and the
//! tickets as they stand once those events are folded in, so a ticket
//! already closed, or sent on to another team in the same batch, says
//! nothing, and a ticket this device made urgent itself says nothing either.

use crate::domain::event::{Event, EventBody};
use crate::domain::lean_sort;
use crate::domain::ticket::TicketState;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why a ticket is announced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Why {
    /// It is 一级 now, and an arriving event made it so.
    Urgent,
    /// It is this team's now, and an arriving event sent it here.
    ToMyTeam,
}

/// One ticket to announce.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrival {
    pub ticket: String,
    pub number: String,
    /// The complaint's words, shortened for a notification.
    pub summary: String,
    /// Most pressing first.
    pub why: Vec<Why>,
}

/// Characters of a ticket's text in a notification.
const SUMMARY_CHARS: usize = 40;

/// The tickets `arrived` (events new to this device, written elsewhere)
/// make worth announcing to a crew of `team`; `now` gives each ticket as it
/// stands with those events folded in. Ordered by ticket number.
pub fn arrivals<'a>(
    arrived: impl IntoIterator<Item = &'a Event>,
    own_device: &str,
    team: Option<&str>,
    now: impl Fn(&str) -> Option<&'a TicketState>,
) -> Vec<Arrival> {
    let team = team.map(str::trim).filter(|t| !t.is_empty());
    let mut found: BTreeMap<&str, Vec<Why>> = BTreeMap::new();
    for e in arrived {
        if e.device == own_device {
            continue;
        }
        let why = match &e.body {
            EventBody::Classified { grade: Some(1), .. }
            | EventBody::Reclassified { grade: Some(1), .. } => Why::Urgent,
            EventBody::Created { team: Some(to), .. }
            | EventBody::Dispatched { team: to }
            | EventBody::Reassigned { team: to, .. }
                if Some(to.trim()) == team =>
            {
                Why::ToMyTeam
            }
            _ => continue,
        };
        let reasons = found.entry(e.ticket.as_str()).or_default();
        if !reasons.contains(&why) {
            reasons.push(why);
        }
    }
    let mut out: Vec<Arrival> = found
        .into_iter()
        .filter_map(|(ticket, mut why)| {
            let t = now(ticket).filter(|t| t.is_open())?;
            // Still so once everything arrived is folded in.
            why.retain(|w| match w {
                Why::Urgent => t.classification.as_ref().and_then(|c| c.grade) == Some(1),
                Why::ToMyTeam => t.team.as_deref().map(str::trim) == team,
            });
            lean_sort::sort(&mut why);
            (!why.is_empty()).then(|| Arrival {
                ticket: t.id.clone(),
                number: t.number.clone(),
                summary: t.text.chars().take(SUMMARY_CHARS).collect(),
                why,
            })
        })
        .collect();
    lean_sort::sort_by(&mut out, |a, b| a.number.cmp(&b.number));
    out
}
