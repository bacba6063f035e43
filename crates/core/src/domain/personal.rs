//! Customers' personal data, kept apart so a device can store it sealed.
//! [`redact`] takes the personal fields out of events (names, phone numbers,
//! addresses, who signed) and leaves masked forms in their place: enough to
//! show a locked screen and to match a kiosk look-up by the phone's last four
//! digits, never the data itself. [`restore`] puts them back. Ids are not
//! recomputed: a redacted event keeps the id of the whole event, and is never
//! exported or checked as it stands (the app restores it first).
//!
//! The sealing itself (AES-GCM under keys WebCrypto holds) is the browser's;
//! this module only says what is personal. Photos and drawn signatures are
//! attachments, sealed whole by the store.

use crate::domain::event::{Contact, Event, EventBody};
use crate::domain::export::{mask_name, mask_phone};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// What one event holds that is personal.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Personal {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
}

/// Personal data by event id. A hash map: a start puts 50,000 customers'
/// contacts back, and a sorted map's string comparisons down its depth were
/// most of that (the sealed blobs need no order: each is opened whole).
pub type PersonalData = FxHashMap<String, Personal>;

fn masked(contact: &Contact) -> Contact {
    Contact {
        name: contact.name.as_deref().map(mask_name),
        phone: contact.phone.as_deref().map(mask_phone),
        address: contact.address.as_ref().map(|_| "***".to_string()),
    }
}

fn is_masked(contact: &Contact) -> bool {
    *contact == masked(contact)
}

/// Takes the personal fields out of `events`, leaving masked forms, and
/// returns them by event id (empty when there was nothing personal).
pub fn redact(events: &mut [Event]) -> PersonalData {
    let mut out = PersonalData::default();
    for event in events {
        match &mut event.body {
            EventBody::Created { contact, .. }
                if *contact != Contact::default() && !is_masked(contact) =>
            {
                let kept = masked(contact);
                let full = std::mem::replace(contact, kept);
                out.entry(event.id.to_string()).or_default().contact = Some(full);
            }
            EventBody::SignatureAttached { signer, .. } if !signer.is_empty() => {
                let kept = mask_name(signer);
                let full = std::mem::replace(signer, kept);
                out.entry(event.id.to_string()).or_default().signer = Some(full);
            }
            _ => {}
        }
    }
    out
}

/// Puts personal data back into the events it was taken from; returns how
/// many events were restored. Only the kinds of
/// event that carry personal data are looked up: at start-up this runs over
/// every event of the log.
pub fn restore<'a>(events: impl IntoIterator<Item = &'a mut Event>, data: &PersonalData) -> usize {
    if data.is_empty() {
        return 0;
    }
    let mut restored = 0;
    for event in events {
        if !matches!(
            event.body,
            EventBody::Created { .. } | EventBody::SignatureAttached { .. }
        ) {
            continue;
        }
        let Some(personal) = data.get(event.id.as_str()) else {
            continue;
        };
        // Copied, not moved: a log may hold an event twice.
        match &mut event.body {
            EventBody::Created { contact, .. } => {
                if let Some(full) = &personal.contact {
                    contact.clone_from(full);
                    restored += 1;
                }
            }
            EventBody::SignatureAttached { signer, .. } => {
                if let Some(full) = &personal.signer {
                    signer.clone_from(full);
                    restored += 1;
                }
            }
            _ => {}
        }
    }
    restored
}

/// Whether any event holds personal data unmasked (kept as it is).
pub fn holds_personal(events: &[Event]) -> bool {
    events.iter().any(|e| match &e.body {
        EventBody::Created { contact, .. } => *contact != Contact::default() && !is_masked(contact),
        EventBody::SignatureAttached { signer, .. } => {
            !signer.is_empty() && *signer != mask_name(signer)
        }
        _ => false,
    })
}

/// Whether any personal field of `events` is still masked (the device is
/// locked, or data was sealed under a key it no longer has).
pub fn any_masked(events: &[Event]) -> bool {
    events.iter().any(|e| match &e.body {
        EventBody::Created { contact, .. } => *contact != Contact::default() && is_masked(contact),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::demo::{demo_events, DemoOptions};
    use crate::domain::engine::Engine;
    use crate::domain::intake::phone_matches;
    use chrono::TimeZone;

    #[test]
    fn redacted_events_hold_no_personal_data_and_restore_exactly() {
        let engine = Engine::shipped();
        let options = DemoOptions {
            tickets: 40,
            seed: 5,
            device: "tab-A",
            anchor: chrono::Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap(),
        };
        let original = demo_events(&engine.classifier, &options);
        let mut events = original.clone();
        let sealed = redact(&mut events);
        assert!(!sealed.is_empty());
        let text = serde_json::to_string(&events).unwrap();
        for personal in sealed.values() {
            if let Some(phone) = personal.contact.as_ref().and_then(|c| c.phone.as_ref()) {
                assert!(!text.contains(phone.as_str()), "{phone} left in");
            }
        }
        assert!(any_masked(&events));
        // A kiosk look-up still matches the last four digits.
        for (e, o) in events.iter().zip(&original) {
            if let (
                EventBody::Created { contact: c, .. },
                EventBody::Created { contact: full, .. },
            ) = (&e.body, &o.body)
            {
                if let Some(phone) = &full.phone {
                    let last = &phone[phone.len() - 4..];
                    assert!(phone_matches(c.phone.as_deref(), last));
                }
            }
        }
        assert_eq!(
            redact(&mut events),
            PersonalData::default(),
            "nothing twice"
        );
        restore(&mut events, &sealed);
        assert_eq!(events, original);
        assert!(!any_masked(&events));
    }
}
