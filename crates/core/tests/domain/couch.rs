//! A group of documents from a sync server, put together and checked as
//! one sync file (`couch::GroupFile`): what arrives, what is named.

use chrono::{DateTime, TimeZone, Utc};
use gridcare_core::domain::bundle::{Bundle, BundleError, NothingHeld, Validation};
use gridcare_core::domain::couch::{
    documents_for, DocProblem, EventDoc, GroupFile, GroupParts, PlainGroup, Refusal,
};
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

fn check(parts: GroupParts) -> Result<Bundle, BundleError> {
    let mut v = Validation::start_parts(&parts.head, parts.events, now())?
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

/// Another version of the event at `index` of a document, with an id that
/// checks: what someone who may write to the database, but holds no
/// device's key, could make.
fn second_version(doc: &Value, index: usize, range: (u64, u64)) -> Value {
    let mut event: Event = serde_json::from_str(doc["events"][index].as_str().unwrap()).unwrap();
    event.body = EventBody::Note {
        text: "已处理完毕，无需回访".into(),
    };
    event.id = event.content_id();
    let mut forged: EventDoc = serde_json::from_value(doc.clone()).unwrap();
    let mut events = forged.events.clone();
    events[index] = serde_json::to_string(&event).unwrap();
    let first = forged.from;
    forged.events = events[(range.0 - first) as usize..=(range.1 - first) as usize].to_vec();
    forged.from = range.0;
    forged.to = range.1;
    forged.id = forged.range().doc_id();
    forged.to_value()
}

fn ids_of(docs: &[Value]) -> Vec<String> {
    docs.iter()
        .map(|d| d["_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_second_version_sorted_first_does_not_hide_the_genuine_group() {
    let events = six_events();
    let kept = signed(&events);
    let docs = pushed(&[&events[..3], &events[3..]], &events, &kept);
    // Event 1 again, alone in a document whose range sorts before the
    // genuine one's: its version would take event 1's place.
    let forged = second_version(&docs[0], 0, (1, 1));
    let forged_id = forged["_id"].as_str().unwrap().to_string();
    let mut all = vec![forged];
    all.extend(docs);
    let (taken, refused) = read(all);
    let bundle = taken.expect("the genuine group arrives");
    assert_eq!(seqs(&bundle), vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(bundle.events[0].id, events[0].id, "the genuine event 1");
    let named: Vec<&str> = refused.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(named, vec![forged_id.as_str()]);
}

#[test]
fn a_conflicting_revision_of_a_document_does_not_hide_the_genuine_one() {
    let events = six_events();
    let kept = signed(&events);
    let docs = pushed(&[&events[..3], &events[3..]], &events, &kept);
    // The same id with event 2 changed: CouchDB keeps both revisions and
    // may show the forged one; the genuine one comes as its conflict.
    let forged = second_version(&docs[0], 1, (1, 3));
    assert_eq!(forged["_id"], docs[0]["_id"]);
    assert_ne!(forged["_rev"], docs[0]["_rev"]);
    let genuine_ids = ids_of(&docs);
    let mut all = vec![forged];
    all.extend(docs);
    let (taken, refused) = read(all);
    let bundle = taken.expect("the genuine group arrives");
    let ids: Vec<&str> = bundle.events.iter().map(|e| e.id.as_str()).collect();
    let want: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, want);
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].0, genuine_ids[0], "named by the id it shares");
    assert!(matches!(
        refused[0].1,
        Refusal::Doc(DocProblem::SecondVersion { from: 1, to: 3, .. })
    ));
}

#[test]
fn a_second_version_inside_one_long_push_is_named_and_the_push_arrives() {
    // 2,500 events pushed at once: three documents under one record, cut
    // at the push's first event, so no document can be checked alone.
    let mut device = Device::new("tab-A".into());
    let events: Vec<Event> = (1..=2500)
        .map(|i| {
            device.mint(
                "t-1",
                "王工",
                vec![],
                EventBody::Note {
                    text: format!("第 {i} 条记录"),
                },
                now() - chrono::Duration::seconds(10_000 - i),
            )
        })
        .collect();
    let kept = signed(&events);
    let docs = pushed(&[&events], &events, &kept);
    assert_eq!(docs.len(), 3);
    // Event 1001 again, in a document that sorts before the second one.
    let forged = second_version(&docs[1], 0, (1001, 1001));
    let forged_id = forged["_id"].as_str().unwrap().to_string();
    // A second version that sorts after the genuine one is named too.
    let late = second_version(&docs[2], 5, (2006, 2006));
    let late_id = late["_id"].as_str().unwrap().to_string();
    let mut all = docs;
    all.push(forged);
    all.push(late);
    let (taken, refused) = read(all);
    let bundle = taken.expect("the genuine push arrives");
    let ids: Vec<&str> = bundle.events.iter().map(|e| e.id.as_str()).collect();
    let want: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, want);
    let mut named: Vec<&str> = refused.iter().map(|(d, _)| d.as_str()).collect();
    named.sort();
    assert_eq!(named, vec![forged_id.as_str(), late_id.as_str()]);
    assert!(refused
        .iter()
        .all(|(_, why)| matches!(why, Refusal::Doc(DocProblem::SecondVersion { .. }))));
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

/// The ids of these documents, sorted (as `named` gives them).
fn sorted_ids(docs: &[&Value]) -> Vec<String> {
    let mut ids: Vec<String> = docs
        .iter()
        .map(|d| d["_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn named(refused: &[(String, Refusal)]) -> Vec<String> {
    let mut named: Vec<String> = refused.iter().map(|(d, _)| d.clone()).collect();
    named.sort();
    named
}

#[test]
fn a_second_version_hidden_behind_another_is_found_too() {
    let events = six_events();
    let kept = signed(&events);
    let genuine = pushed(&[&events], &events, &kept).remove(0);
    // Two forged documents agreeing on event 1; the second also holds a
    // genuine copy of event 4, so it shows only once the first is left out.
    let first = second_version(&genuine, 0, (1, 3));
    let behind = second_version(&genuine, 0, (1, 4));
    let want = sorted_ids(&[&first, &behind]);
    let (taken, refused) = read(vec![first, behind, genuine]);
    assert_eq!(
        seqs(&taken.expect("the genuine group arrives")),
        vec![1, 2, 3, 4, 5, 6]
    );
    assert_eq!(named(&refused), want);
}

#[test]
fn a_genuine_copy_left_out_in_a_try_is_not_named() {
    let events = six_events();
    let kept = signed(&events);
    // The same events pushed twice, cut differently: 1–5, then 1–6.
    let short = pushed(&[&events[..5]], &events, &kept).remove(0);
    let whole = pushed(&[&events], &events, &kept).remove(0);
    let forged = second_version(&whole, 0, (1, 3));
    let later = second_version(&short, 3, (4, 5));
    let want = sorted_ids(&[&forged, &later]);
    let (taken, refused) = read(vec![forged, short, whole, later]);
    let bundle = taken.expect("the genuine group arrives");
    let ids: Vec<&str> = bundle.events.iter().map(|e| e.id.as_str()).collect();
    let genuine: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, genuine);
    assert_eq!(named(&refused), want, "the genuine 1–5 is not named");
}

#[test]
fn a_try_that_leaves_only_a_faulty_document_goes_on_to_the_next() {
    let events = six_events();
    let kept = signed(&events);
    let genuine = pushed(&[&events], &events, &kept).remove(0);
    let forged = second_version(&genuine, 0, (1, 3));
    // Event 5 changed without a new id: a fault of its own.
    let mut broken = second_version(&genuine, 4, (5, 5));
    broken["events"][0] = genuine["events"][4]
        .as_str()
        .unwrap()
        .replace("记录", "改写")
        .into();
    let want = sorted_ids(&[&forged, &broken]);
    let (taken, refused) = read(vec![forged, genuine, broken]);
    assert_eq!(
        seqs(&taken.expect("the genuine group arrives")),
        vec![1, 2, 3, 4, 5, 6]
    );
    assert_eq!(named(&refused), want);
}

#[test]
fn an_honest_group_cut_twice_is_taken_with_nothing_named() {
    let events = six_events();
    let kept = signed(&events);
    let docs = pushed(&[&events[..4], &events[2..], &events], &events, &kept);
    let (taken, refused) = read(docs);
    assert_eq!(seqs(&taken.expect("taken")), vec![1, 2, 3, 4, 5, 6]);
    assert!(refused.is_empty(), "{refused:?}");
}

/// The usual path of a pull: the group checked as its documents arrive,
/// a page at a time, their texts handed over to the check. `None` when a
/// document is not for it (the caller then checks the group with care).
fn read_as_it_comes(docs: Vec<Value>, page: usize) -> Option<Result<Bundle, BundleError>> {
    let mut plain = PlainGroup::new(now());
    let mut v = Validation::start_parts(&plain.head(), Vec::<String>::new(), now())
        .expect("a valid top level")
        .assembled()
        .holding(NothingHeld);
    for chunk in docs.chunks(page) {
        for doc in chunk {
            let events = plain.accept(doc.clone())?;
            if let Err(e) = v.add_events(events) {
                return Some(Err(e));
            }
        }
        loop {
            match v.step(2) {
                Ok(p) if p.is_done() => break,
                Ok(_) => {}
                Err(e) => return Some(Err(e)),
            }
        }
    }
    v.set_chains(plain.chains());
    Some(v.finish().and_then(|bundle| {
        if plain.holds_places(&bundle) {
            Ok(bundle)
        } else {
            Err(BundleError::Empty)
        }
    }))
}

#[test]
fn a_plain_group_checked_as_it_comes_is_what_the_careful_check_takes() {
    let events = six_events();
    let kept = signed(&events);
    let docs = pushed(&[&events[..2], &events[2..5], &events[5..]], &events, &kept);
    for page in [1, 2, 3] {
        let fast = read_as_it_comes(docs.clone(), page)
            .expect("no two documents hold the same event")
            .expect("the group holds");
        let (careful, refused) = read(docs.clone());
        assert!(refused.is_empty());
        assert_eq!(Some(fast), careful, "pages of {page}");
    }
}

#[test]
fn only_a_plain_group_is_checked_as_it_comes_and_a_forgery_still_fails() {
    let events = six_events();
    let kept = signed(&events);
    // Cut twice (an overlap), or a conflicting revision: the careful path,
    // which can tell which document is which.
    let twice = pushed(&[&events[..3], &events], &events, &kept);
    assert!(read_as_it_comes(twice, 10).is_none());
    let docs = pushed(&[&events[..3], &events[3..]], &events, &kept);
    let mut conflicted = docs.clone();
    conflicted[0]["_conflicts"] = serde_json::json!(["1-abc"]);
    assert!(read_as_it_comes(conflicted, 10).is_none());
    // A changed event: checked here, and it fails (the caller then checks
    // the group with care, which names the document).
    let mut forged = docs.clone();
    forge(&mut forged[1], 1);
    assert!(matches!(
        read_as_it_comes(forged, 1),
        Some(Err(BundleError::IdMismatch { index: 4 }))
    ));
    // A document missing between two others: not plain.
    let mut gap = pushed(&[&events[..2], &events[2..4], &events[4..]], &events, &kept);
    gap.remove(1);
    assert!(read_as_it_comes(gap, 1).is_none());
}

#[test]
fn texts_handed_over_and_texts_lent_are_checked_alike() {
    let events = six_events();
    let kept = signed(&events);
    let docs = pushed(&[&events[..], &[]], &events, &kept);
    let mut group = GroupFile::new(now());
    for doc in docs {
        group.add(doc);
    }
    let parts = group.parts();
    let head = parts.head.clone();
    let lent: Vec<&str> = parts.events.clone();
    let owned: Vec<String> = lent.iter().map(|e| e.to_string()).collect();
    let run = |v: Result<Validation, BundleError>| {
        let mut v = v?.assembled();
        while !v.step(4)?.is_done() {}
        v.finish()
    };
    let a = run(Validation::start_parts(&head, lent, now()));
    let b = run(Validation::start_parts(&head, owned, now()));
    assert_eq!(a, b);
    assert_eq!(seqs(&a.expect("taken")), vec![1, 2, 3, 4, 5, 6]);
    // The top level is checked as a file's is: no events inside it.
    let with_events = head.replacen('{', r#"{"events":[],"#, 1);
    assert!(Validation::start_parts(&with_events, Vec::<String>::new(), now()).is_err());
}

/// A pull into a device that holds some of a group's events already (a
/// file brought them, or another device relayed them): the check lends
/// those from the log, as the app's pull does, and the group is still
/// taken whole, every document in its place, by the careful check and by
/// the check as it comes. (A check that left held events out of the
/// bundle refused the documents that held them.)
#[test]
fn a_group_partly_held_already_is_taken_whole() {
    let events = six_events();
    let kept = signed(&events);
    let docs = pushed(&[&events[..3], &events[3..]], &events, &kept);
    let held = &events[1..4];

    let mut group = GroupFile::new(now());
    for doc in docs.clone() {
        group.add(doc);
    }
    let taken = group.check_with(|parts| {
        let mut v = Validation::start_parts(&parts.head, parts.events, now())?
            .assembled()
            .holding(NothingHeld)
            .knowing(|id| held.iter().find(|e| e.id == id));
        while !v.step(2)?.is_done() {}
        v.finish()
    });
    assert_eq!(seqs(&taken.expect("taken")), vec![1, 2, 3, 4, 5, 6]);
    let refused = group.take_refused();
    assert!(refused.is_empty(), "{refused:?}");

    let mut plain = PlainGroup::new(now());
    let mut v = Validation::start_parts(&plain.head(), Vec::<String>::new(), now())
        .unwrap()
        .assembled()
        .holding(NothingHeld)
        .knowing(|id| held.iter().find(|e| e.id == id));
    for doc in docs {
        v.add_events(plain.accept(doc).expect("a plain group"))
            .unwrap();
    }
    while !v.step(2).unwrap().is_done() {}
    v.set_chains(plain.chains());
    let bundle = v.finish().unwrap();
    assert!(plain.holds_places(&bundle));
    assert_eq!(seqs(&bundle), vec![1, 2, 3, 4, 5, 6]);
}
