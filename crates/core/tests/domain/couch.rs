//! A group of documents from a sync server, put together and checked as
//! one sync file (`couch::GroupFile`): what arrives, what is named.

use chrono::{DateTime, TimeZone, Utc};
use gridcare_core::domain::bundle::{Bundle, BundleError, NothingHeld, Validation};
use gridcare_core::domain::couch::{documents_for, DocProblem, EventDoc, GroupFile, Refusal};
use gridcare_core::domain::device::Device;
use gridcare_core::domain::event::{Event, EventBody};
use gridcare_core::domain::trust::chain::fold_chain;
use gridcare_core::domain::trust::{ChainRecord, DeviceKey};
use serde_json::Value;
use std::collections::BTreeMap;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()
}

/// Six notes on one ticket from one device.
fn six_events() -> Vec<Event> {
    let mut device = Device::new("tab-A".into());
    (1..=6)
        .map(|i| {
            device.mint(
                "t-1",
                "王工",
                vec![],
                EventBody::Note {
                    text: format!("第 {i} 条记录"),
                },
                now() - chrono::Duration::minutes(60 - i),
            )
        })
        .collect()
}

fn signed(events: &[Event]) -> BTreeMap<String, Vec<ChainRecord>> {
    let (seq, head) = fold_chain("tab-A", events.iter()).expect("a contiguous chain");
    let record = DeviceKey::from_seed([9; 32]).sign_chain("tab-A", seq, head);
    BTreeMap::from([("tab-A".to_string(), vec![record])])
}

/// The documents of `parts` pushed one after another, as JSON.
fn pushed(
    parts: &[&[Event]],
    all: &[Event],
    kept: &BTreeMap<String, Vec<ChainRecord>>,
) -> Vec<Value> {
    parts
        .iter()
        .flat_map(|part| documents_for(part, all, kept))
        .map(|d| d.to_value())
        .collect()
}

fn check(text: &str) -> Result<Bundle, BundleError> {
    let mut v = Validation::start(text, now())?
        .assembled()
        .holding(NothingHeld);
    while !v.step(2)?.is_done() {}
    v.finish()
}

fn read(docs: Vec<Value>) -> (Option<Bundle>, Vec<(String, Refusal)>) {
    let mut group = GroupFile::new(now());
    for doc in docs {
        group.add(doc);
    }
    let taken = group.check_with(check);
    (taken, group.take_refused())
}

fn seqs(bundle: &Bundle) -> Vec<u64> {
    bundle.events.iter().map(|e| e.seq).collect()
}

/// Changes an event's text inside a document, keeping its id.
fn forge(doc: &mut Value, index: usize) {
    let text = doc["events"][index]
        .as_str()
        .unwrap()
        .replace("记录", "改写");
    doc["events"][index] = text.into();
}

#[test]
fn a_group_pushed_in_pieces_reads_back_whole_in_any_order() {
    let events = six_events();
    let kept = signed(&events);
    // Pushed as 1–3 then 4–6 by this device, and as 1–6 by another that
    // relayed them: the same events under the same signature, cut twice.
    let mut docs = pushed(&[&events[..3], &events[3..], &events], &events, &kept);
    assert_eq!(docs.len(), 3);
    docs.reverse();
    let (taken, refused) = read(docs);
    assert!(refused.is_empty(), "{refused:?}");
    let bundle = taken.expect("the group is taken");
    assert_eq!(
        seqs(&bundle),
        vec![1, 2, 3, 4, 5, 6],
        "each event once, in order"
    );
    let ids: Vec<&str> = bundle.events.iter().map(|e| e.id.as_str()).collect();
    let want: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, want);
}

#[test]
fn a_changed_event_names_its_document_and_the_unsigned_rest_arrives() {
    let events = six_events();
    let mut docs = pushed(&[&events[..3], &events[3..]], &events, &BTreeMap::new());
    forge(&mut docs[1], 1);
    let forged = docs[1]["_id"].as_str().unwrap().to_string();
    let (taken, refused) = read(docs);
    assert_eq!(seqs(&taken.expect("the rest arrives")), vec![1, 2, 3]);
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].0, forged);
    // Counted from the document's own first event: its second.
    assert_eq!(
        refused[0].1,
        Refusal::Checks(BundleError::IdMismatch { index: 1 })
    );
}

#[test]
fn each_document_carries_its_signature_so_a_forged_one_costs_only_itself() {
    let events = six_events();
    let kept = signed(&events);
    let mut docs = pushed(&[&events[..3], &events[3..]], &events, &kept);
    forge(&mut docs[0], 2);
    let forged = docs[0]["_id"].as_str().unwrap().to_string();
    let (taken, refused) = read(docs);
    // The second document's record starts at its own first event, with the
    // running hash before it: it is verified without the first.
    assert_eq!(
        seqs(&taken.expect("the genuine document arrives")),
        vec![4, 5, 6]
    );
    let named: Vec<&str> = refused.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(named, vec![forged.as_str()]);
}

#[test]
fn a_group_whose_signature_does_not_hold_is_refused_whole() {
    let events = six_events();
    let mut kept = signed(&events);
    // Signed by another key than the one it names.
    let (seq, head) = fold_chain("tab-A", events.iter()).unwrap();
    let other = DeviceKey::from_seed([3; 32]).sign_chain("tab-A", seq, head);
    kept.get_mut("tab-A").unwrap()[0].signature = other.signature;
    let docs = pushed(&[&events], &events, &kept);
    let ids: Vec<String> = docs
        .iter()
        .map(|d| d["_id"].as_str().unwrap().to_string())
        .collect();
    let (taken, refused) = read(docs);
    assert!(taken.is_none(), "nothing of it can be told genuine");
    let named: Vec<String> = refused.iter().map(|(d, _)| d.clone()).collect();
    assert_eq!(named, ids);
    assert!(
        matches!(
            refused[0].1,
            Refusal::Checks(BundleError::ChainBroken { .. })
        ),
        "{:?}",
        refused[0].1
    );
}

#[test]
fn no_event_text_reaches_outside_its_place_in_the_file() {
    let events = six_events();
    let mut docs = pushed(&[&events[..3], &events[3..]], &events, &BTreeMap::new());
    // A string that would close the list and mark the file anonymised
    // (which skips signatures) if it were pasted in unchecked.
    let first = docs[1]["events"][0].as_str().unwrap().to_string();
    docs[1]["events"][0] = format!("{first}],\"anonymised\":true,\"x\":[{{}}").into();
    let (taken, refused) = read(docs);
    assert_eq!(seqs(&taken.unwrap()), vec![1, 2, 3]);
    assert_eq!(
        refused[0].1,
        Refusal::Doc(DocProblem::Unreadable { index: 0 })
    );
}

#[test]
fn an_event_nested_too_deep_costs_only_its_own_document() {
    let events = six_events();
    let mut docs = pushed(&[&events[..3], &events[3..]], &events, &BTreeMap::new());
    // Deeper than any event may nest in a file: refused alone, before the
    // group's check (which would refuse the whole file for it).
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(20), "]".repeat(20));
    docs[1]["events"][2] = deep.into();
    let (taken, refused) = read(docs);
    assert_eq!(seqs(&taken.unwrap()), vec![1, 2, 3]);
    assert_eq!(refused.len(), 1);
    assert_eq!(
        refused[0].1,
        Refusal::Doc(DocProblem::Unreadable { index: 2 })
    );
}

#[test]
fn a_document_holding_other_events_than_its_id_says_is_named() {
    let events = six_events();
    let docs = pushed(&[&events[..3], &events[3..]], &events, &BTreeMap::new());
    // The second document's events under an id and range claiming 7–9.
    let mut doc: EventDoc = serde_json::from_value(docs[1].clone()).unwrap();
    doc.from = 7;
    doc.to = 9;
    doc.id = doc.range().doc_id();
    let moved = doc.to_value();
    let (taken, refused) = read(vec![docs[0].clone(), moved.clone()]);
    assert_eq!(seqs(&taken.unwrap()), vec![1, 2, 3]);
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].0, moved["_id"].as_str().unwrap());
    assert!(matches!(
        refused[0].1,
        Refusal::Doc(DocProblem::Range { .. })
    ));
}
