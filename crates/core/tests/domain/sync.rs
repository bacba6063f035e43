//! Sync bundles and merging: round trips, a corpus of bad files each refused
//! with a message, conflicts kept and settled, and merge laws as properties.

use chrono::{DateTime, Duration, TimeZone, Utc};
use gridcare_core::domain::bundle::{
    merge_events, sort_canonical, Attachment, AttachmentProblem, Bundle, BundleError, EventProblem,
    MAX_TEXT_CHARS,
};
use gridcare_core::domain::classify::Classifier;
use gridcare_core::domain::demo::{demo_events, DemoOptions};
use gridcare_core::domain::event::{sha256_id, CauseClass, Event, EventBody, Hlc, NewEvent};
use gridcare_core::domain::log::{Log, TicketIndex};
use gridcare_core::domain::rules::RuleTable;
use gridcare_core::domain::ticket::{fold, fold_all, Status};
use gridcare_core::i18n::Lang;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

fn anchor() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap()
}

fn now() -> DateTime<Utc> {
    anchor() + Duration::days(2)
}

fn classifier() -> &'static Classifier {
    static C: OnceLock<Classifier> = OnceLock::new();
    C.get_or_init(|| Classifier::new(RuleTable::shipped()))
}

fn demo(tickets: usize, seed: u64, device: &str) -> Vec<Event> {
    demo_events(
        classifier(),
        &DemoOptions {
            tickets,
            seed,
            device,
            anchor: anchor(),
        },
    )
}

fn bundle(device: &str) -> Bundle {
    Bundle::new(device, anchor(), demo(20, 3, device), BTreeMap::new())
}

fn json_of(b: &Bundle) -> Value {
    serde_json::to_value(b).unwrap()
}

/// The words of the file's first ticket, as JSON text, and the index of the
/// first event whose JSON holds them (the one a `replacen` of them changes).
fn first_words(b: &Bundle) -> (usize, String) {
    let words = b
        .events
        .iter()
        .find_map(|e| match &e.body {
            EventBody::Created { text, .. } => Some(text),
            _ => None,
        })
        .expect("a ticket's creation");
    let quoted = serde_json::to_string(words).unwrap();
    let first = b
        .events
        .iter()
        .position(|e| serde_json::to_string(e).unwrap().contains(&quoted))
        .unwrap();
    (first, quoted)
}

/// The first half of `text`, cut at a character's boundary.
fn half(text: &str) -> &str {
    let mut at = text.len() / 2;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    &text[..at]
}

/// The same file written as version 2 writes it: each event with its id.
fn as_version_2(mut b: Bundle) -> Bundle {
    b.version = 2;
    b.seal();
    b
}

fn refused(text: &str) -> BundleError {
    Bundle::parse(text, now()).expect_err("the file must be refused")
}

#[test]
fn a_bundle_round_trips_and_pretty_or_bom_copies_still_validate() {
    let b = bundle("tab-A");
    let parsed = Bundle::parse(&b.to_json(), now()).unwrap();
    assert_eq!(parsed, b);
    let pretty = serde_json::to_string_pretty(&json_of(&b)).unwrap();
    assert_eq!(Bundle::parse(&pretty, now()).unwrap().events, b.events);
    assert!(Bundle::parse(&format!("\u{feff}{pretty}"), now()).is_ok());
    assert!(Bundle::parse_bytes(format!("\u{feff}{}", b.to_json()).as_bytes(), now()).is_ok());
    assert!(
        b.file_name().starts_with("gridcare-tab-A-20261120-0800"),
        "{}",
        b.file_name()
    );
}

#[test]
fn a_file_lists_events_ticket_by_ticket_and_reads_the_same_in_any_order() {
    let b = Bundle::new("tab-A", anchor(), demo(400, 7, "tab-A"), BTreeMap::new());
    // Each ticket's events together, in canonical order, each once.
    let mut runs: Vec<&str> = b.events.iter().map(|e| e.ticket.as_str()).collect();
    runs.dedup();
    let tickets: HashSet<&str> = runs.iter().copied().collect();
    assert_eq!(
        runs.len(),
        tickets.len(),
        "a ticket's events are not together"
    );
    for pair in b.events.windows(2) {
        if pair[0].ticket == pair[1].ticket {
            assert!(pair[0].order_key() < pair[1].order_key());
        }
    }
    // Earlier versions wrote canonical order; such a file reads to the same
    // events and tickets.
    let mut canonical = b.clone();
    sort_canonical(&mut canonical.events);
    canonical.seal();
    assert_ne!(canonical.events, b.events, "the demo interleaves tickets");
    let read = Bundle::parse(&canonical.to_json(), now()).unwrap();
    assert_eq!(
        merge_events([read.events.as_slice()]),
        merge_events([b.events.as_slice()])
    );
    assert_eq!(fold_all(&read.events), fold_all(&b.events));
    // What the order is for, in a file of version 2: each parent's id is
    // written within gzip's 32 KB window before the event naming it, so it
    // compresses to a reference (a 50,000-ticket file: 14.0 MB instead of
    // 16.1 MB). Version 3 writes no ids; the order still lets a reader find
    // a parent among the few events read just before.
    let text = as_version_2(b.clone()).to_json();
    let mut written_at = BTreeMap::new();
    let mut from = 0;
    for e in &b.events {
        let at = from + text[from..].find(&format!("\"id\":\"{}\"", e.id)).unwrap();
        for parent in &e.parents {
            let parent_at = written_at[parent.as_str()];
            assert!(
                at - parent_at < 32 * 1024,
                "{} is {} bytes back",
                parent,
                at - parent_at
            );
        }
        written_at.insert(e.id.as_str(), at);
        from = at;
    }
    assert!(b.events.iter().any(|e| !e.parents.is_empty()));
}

/// The checksum is hashed event by event; it must stay what the format
/// defines: SHA-256 of the whole document's canonical JSON without the
/// checksum key (computed here the plain way, as one tree).
#[test]
fn the_checksum_is_that_of_the_whole_canonical_document() {
    let b = bundle("tab-A");
    let mut whole = json_of(&b);
    whole.as_object_mut().unwrap().remove("checksum");
    let plain = sha256_id(serde_json::to_string(&whole).unwrap().as_bytes());
    assert_eq!(b.checksum, plain);
    assert!(
        b.events.len() > 50,
        "a bundle with many events: {}",
        b.events.len()
    );
}

/// A browser hashes the checksum itself (`checksum_elsewhere`): the bytes the
/// validation hands over, slice by slice, are exactly the canonical document
/// the checksum covers, for a compact and a pretty-printed copy alike, and a
/// wrong or missing digest is refused.
#[test]
fn a_checksum_hashed_elsewhere_covers_exactly_the_canonical_document() {
    use gridcare_core::domain::bundle::Validation;
    let b = bundle("tab-A");
    let mut whole = json_of(&b);
    whole.as_object_mut().unwrap().remove("checksum");
    let canonical = serde_json::to_string(&whole).unwrap();
    let pretty = serde_json::to_string_pretty(&json_of(&b)).unwrap();
    for text in [b.to_json(), pretty] {
        let collect = |digest: Option<&str>| {
            let mut v = Validation::start(&text, now())
                .unwrap()
                .checksum_elsewhere();
            let mut bytes = v.take_checksum_bytes();
            loop {
                let done = v.step(7).unwrap().is_done();
                bytes.extend(v.take_checksum_bytes());
                if done {
                    break;
                }
            }
            assert!(
                v.take_checksum_bytes().is_empty(),
                "the closing bytes come once"
            );
            let digest = digest.map_or_else(|| sha256_id(&bytes), str::to_string);
            (bytes, v.finish_with(Some(digest)))
        };
        let (bytes, result) = collect(None);
        assert_eq!(String::from_utf8(bytes).unwrap(), canonical);
        assert_eq!(result.unwrap(), b);
        assert_eq!(
            collect(Some("sha256:00")).1.unwrap_err(),
            BundleError::ChecksumMismatch
        );
    }
}

#[test]
fn the_bad_file_corpus_is_refused_each_with_a_message_in_both_languages() {
    let good = json_of(&bundle("tab-A"));
    let text = good.to_string();
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        edit(&mut v);
        v.to_string()
    };
    // A file of version 2, whose events carry their ids.
    let good_2 = json_of(&as_version_2(bundle("tab-A")));
    let with_2 = |edit: &dyn Fn(&mut Value)| {
        let mut v = good_2.clone();
        edit(&mut v);
        v.to_string()
    };
    let cases: Vec<(&str, BundleError)> = vec![
        ("empty", refused("")),
        ("not JSON", refused("hello, world")),
        ("truncated", refused(half(&text))),
        (
            "wrong format tag",
            refused(&with(&|v| v["format"] = json!("other-app"))),
        ),
        (
            "future version",
            refused(&with(&|v| v["version"] = json!(4))),
        ),
        (
            "version of the wrong type",
            refused(&with(&|v| v["version"] = json!("1"))),
        ),
        (
            "events of the wrong type",
            refused(&with(&|v| v["events"] = json!({"a": 1}))),
        ),
        (
            "event field of the wrong type",
            refused(&with(&|v| v["events"][0]["seq"] = json!("one"))),
        ),
        (
            "unknown event type",
            refused(&with(&|v| v["events"][0]["type"] = json!("teleported"))),
        ),
        (
            "unknown field",
            refused(&with(&|v| v["events"][1]["colour"] = json!("red"))),
        ),
        (
            "id not matching content",
            refused(&with(&|v| v["events"][2]["id"] = json!(sha256_id(b"x")))),
        ),
        (
            "changed text",
            refused(&with(&|v| v["events"][0]["text"] = json!("改过的内容"))),
        ),
        (
            "bad timestamp",
            refused(&with(&|v| v["events"][0]["at"] = json!("not a time"))),
        ),
        (
            "dropped event",
            refused(&with(&|v| {
                v["events"].as_array_mut().unwrap().pop();
            })),
        ),
        (
            "missing checksum",
            refused(&with(&|v| {
                v.as_object_mut().unwrap().remove("checksum");
            })),
        ),
        (
            "changed text, version 2",
            refused(&with_2(&|v| v["events"][0]["text"] = json!("改过的内容"))),
        ),
        (
            "an id left out, version 2",
            refused(&with_2(&|v| {
                v["events"][1].as_object_mut().unwrap().remove("id");
            })),
        ),
    ];
    let expected_kinds = [
        matches!(cases[0].1, BundleError::Empty),
        matches!(cases[1].1, BundleError::NotJson { .. }),
        matches!(cases[2].1, BundleError::NotJson { .. }),
        matches!(cases[3].1, BundleError::WrongFormat { .. }),
        matches!(cases[4].1, BundleError::NewerVersion { found: 4 }),
        matches!(cases[5].1, BundleError::BadField { .. }),
        matches!(cases[6].1, BundleError::BadField { .. }),
        matches!(cases[7].1, BundleError::BadEvent { index: 0, .. }),
        matches!(cases[8].1, BundleError::BadEvent { index: 0, .. }),
        matches!(cases[9].1, BundleError::UnknownField { index: 1, .. }),
        matches!(cases[10].1, BundleError::IdMismatch { index: 2 }),
        // No id to mismatch: the id derived is another, and so is the checksum.
        matches!(cases[11].1, BundleError::ChecksumMismatch),
        matches!(cases[12].1, BundleError::BadEvent { index: 0, .. }),
        matches!(cases[13].1, BundleError::ChecksumMismatch),
        matches!(cases[14].1, BundleError::BadField { .. }),
        matches!(cases[15].1, BundleError::IdMismatch { index: 0 }),
        matches!(cases[16].1, BundleError::BadEvent { index: 1, .. }),
    ];
    for ((name, err), ok) in cases.iter().zip(expected_kinds) {
        assert!(ok, "{name}: unexpected {err:?}");
        let (zh, en) = (err.message(Lang::Zh), err.message(Lang::En));
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{name}: {zh}"
        );
        assert!(!en.is_empty() && en != zh, "{name}");
    }
    assert!(
        cases[4].1.message(Lang::Zh).contains("更新"),
        "a newer file says to update the app"
    );
    // The field is named; the parser's own words are not shown.
    assert_eq!(
        cases[7].1,
        BundleError::BadEvent {
            index: 0,
            problem: EventProblem::BadValue("seq".into())
        }
    );
    assert_eq!(
        cases[8].1,
        BundleError::BadEvent {
            index: 0,
            problem: EventProblem::UnknownType("teleported".into())
        }
    );
    assert_eq!(
        cases[12].1,
        BundleError::BadEvent {
            index: 0,
            problem: EventProblem::BadValue("at".into())
        }
    );
    for (name, err) in &cases {
        for lang in [Lang::Zh, Lang::En] {
            let message = err.message(lang);
            assert!(
                !message.contains("invalid type") && !message.contains("unknown variant"),
                "{name}: {message}"
            );
        }
    }
}

/// Re-seals an edited event and the bundle, as a forger with this code would.
fn resealed(mut b: Bundle, edit: impl Fn(&mut Vec<Event>)) -> String {
    edit(&mut b.events);
    for e in &mut b.events {
        e.id = e.content_id();
    }
    b.seal();
    b.to_json()
}

#[test]
fn sealed_but_impossible_files_are_refused_too() {
    let b = bundle("tab-A");
    let future = resealed(b.clone(), |events| {
        events[0].at = now() + Duration::days(30)
    });
    assert!(matches!(
        refused(&future),
        BundleError::BadTimestamp { index: 0, .. }
    ));
    let ancient = resealed(b.clone(), |events| {
        events[0].at = Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap()
    });
    assert!(matches!(
        refused(&ancient),
        BundleError::BadTimestamp { .. }
    ));
    let long = resealed(b.clone(), |events| {
        events[0].body = EventBody::Note {
            text: "长".repeat(MAX_TEXT_CHARS + 1),
        };
    });
    assert!(matches!(
        refused(&long),
        BundleError::TextTooLong { index: 0 }
    ));
    // The same device and sequence number with other content: a duplicated event that disagrees.
    let duplicate = resealed(b.clone(), |events| {
        let mut copy = events[3].clone();
        copy.body = EventBody::Note {
            text: "另一个版本".into(),
        };
        events.push(copy);
    });
    assert!(matches!(
        refused(&duplicate),
        BundleError::SequenceReused { .. }
    ));
    // An added event in an otherwise valid file breaks the checksum.
    let mut added = json_of(&b);
    let extra = serde_json::to_value(demo(21, 3, "tab-A").last().unwrap().clone()).unwrap();
    added["events"].as_array_mut().unwrap().push(extra);
    assert_eq!(refused(&added.to_string()), BundleError::ChecksumMismatch);
}

#[test]
fn invalid_utf8_and_bad_attachments_are_refused() {
    let b = bundle("tab-A");
    let mut bytes = b.to_json().into_bytes();
    bytes.insert(40, 0xff);
    assert!(matches!(
        Bundle::parse_bytes(&bytes, now()),
        Err(BundleError::NotUtf8 { byte: 40 })
    ));
    let photo = b"\x89PNG fake image bytes".to_vec();
    let hash = sha256_id(&photo);
    use base64::Engine as _;
    let data = base64::engine::general_purpose::STANDARD.encode(&photo);
    let with_photo = Bundle::new(
        "tab-A",
        anchor(),
        b.events.clone(),
        BTreeMap::from([(
            hash.clone(),
            Attachment {
                mime: "image/png".into(),
                data: data.clone(),
            },
        )]),
    );
    assert_eq!(
        Bundle::parse(&with_photo.to_json(), now())
            .unwrap()
            .attachments
            .len(),
        1
    );
    let wrong = Bundle::new(
        "tab-A",
        anchor(),
        b.events.clone(),
        BTreeMap::from([(
            sha256_id(b"other"),
            Attachment {
                mime: "image/png".into(),
                data,
            },
        )]),
    );
    assert!(matches!(
        refused(&wrong.to_json()),
        BundleError::BadAttachment {
            problem: AttachmentProblem::HashMismatch,
            ..
        }
    ));
    let garbage = Bundle::new(
        "tab-A",
        anchor(),
        b.events,
        BTreeMap::from([(
            hash,
            Attachment {
                mime: "image/png".into(),
                data: "***".into(),
            },
        )]),
    );
    assert!(matches!(
        refused(&garbage.to_json()),
        BundleError::BadAttachment {
            problem: AttachmentProblem::NotBase64,
            ..
        }
    ));
}

fn resolve(ticket: &str, device: &str, parents: Vec<String>, cause: &str, ms: i64) -> Event {
    NewEvent {
        ticket: ticket.into(),
        device: device.into(),
        seq: 100,
        at: anchor(),
        hlc: Hlc { ms, n: 0 },
        author: device.into(),
        parents,
        body: EventBody::Resolved {
            cause_class: CauseClass::EquipmentTechnical,
            cause: cause.into(),
            solution: "更换".into(),
            improvement: "巡视".into(),
        },
    }
    .seal()
}

#[test]
fn two_devices_resolving_differently_is_a_conflict_until_someone_settles_it() {
    let base: Vec<Event> = demo(1, 9, "nobody").into_iter().take(2).collect();
    let ticket = base[0].ticket.clone();
    let head = base[1].id.to_string();
    let a = resolve(&ticket, "tab-A", vec![head.clone()], "变压器过载", 10);
    let b = resolve(&ticket, "tab-B", vec![head.clone()], "线路老化", 20);
    let all: Vec<Event> = merge_events([
        base.as_slice(),
        std::slice::from_ref(&a),
        std::slice::from_ref(&b),
    ]);
    let refs: Vec<&Event> = all.iter().collect();
    let state = fold(&refs).unwrap();
    assert_eq!(state.conflicts.len(), 1);
    let conflict = &state.conflicts[0];
    assert_eq!(conflict.aspect, "resolution");
    assert_eq!(
        conflict.events,
        vec![a.id.clone(), b.id.clone()],
        "both values are kept"
    );
    assert_eq!(
        conflict.winner, b.id,
        "a deterministic winner: the later HLC"
    );
    assert_eq!(state.resolution.as_ref().unwrap().cause, "线路老化");
    assert_eq!(state.status, Status::Resolved);
    assert_eq!(state.heads.len(), 2);
    // A person settles it with a new event that knew both.
    let settle = resolve(&ticket, "tab-A", state.heads.clone(), "变压器过载", 30);
    let mut settled = all.clone();
    settled.push(settle);
    let refs: Vec<&Event> = settled.iter().collect();
    let state = fold(&refs).unwrap();
    assert!(state.conflicts.is_empty());
    assert_eq!(state.resolution.unwrap().cause, "变压器过载");
    // Two devices that agree are no conflict.
    let same = resolve(&ticket, "tab-B", vec![head], "变压器过载", 20);
    let agree: Vec<Event> = merge_events([base.as_slice(), &[a], &[same]]);
    let refs: Vec<&Event> = agree.iter().collect();
    assert!(fold(&refs).unwrap().conflicts.is_empty());
}

/// The store's segment encoding keeps every event exactly, and segments
/// written by earlier versions (`segment-2` JSON, bundle-format arrays)
/// still read.
#[test]
fn segments_round_trip_in_every_encoding() {
    use gridcare_core::domain::segment;
    let mut events = demo(30, 7, "tab-A");
    assert!(events.iter().any(|e| !e.parents.is_empty()));
    assert_eq!(segment::decode(&segment::encode(&events)).unwrap(), events);
    assert_eq!(
        segment::decode(&segment::encode::<Event>(&[])).unwrap(),
        vec![]
    );

    // What the binary layout keeps differently: ids not written as made
    // (kept as text), instants before 1970 and with nanoseconds, large
    // counters, empty and non-ASCII text.
    let made_id = events[1].id.clone();
    let odd = &mut events[0];
    odd.id = "SHA256:ABC".into();
    odd.parents = vec![("sha256:".to_string() + &"F".repeat(64)).into(), made_id];
    odd.at = Utc.timestamp_opt(-86_400 * 400, 123_456_789).unwrap();
    odd.seq = u64::MAX;
    odd.hlc = Hlc {
        ms: i64::MIN,
        n: u32::MAX,
    };
    odd.author = "".into();
    odd.ticket = "工单-🌩".into();
    assert_eq!(segment::decode(&segment::encode(&events)).unwrap(), events);

    let bundle_array = serde_json::to_vec(&events).unwrap();
    assert_eq!(segment::decode(&bundle_array).unwrap(), events);
    assert_eq!(segment::decode(&segment_2(&events)).unwrap(), events);
    assert!(segment::decode(b"{\"format\":\"segment-9\",\"events\":[]}").is_err());
    assert!(segment::decode(b"[{\"id\":1}]").is_err());
}

/// An event read from a segment or a sync file holds its parents as the
/// very ids of the events just before it that they name (one allocation, not
/// two): the memory a large log costs. Equal values are not enough here, so
/// the test compares addresses.
#[test]
fn a_parent_read_beside_its_event_shares_that_events_id() {
    use gridcare_core::domain::segment;
    fn shared_parents(events: &[Event]) -> usize {
        let mut shared = 0;
        for (index, event) in events.iter().enumerate() {
            let recent = &events[index.saturating_sub(8)..index];
            for parent in &event.parents {
                if let Some(named) = recent.iter().find(|e| e.id == *parent) {
                    assert_eq!(
                        parent.as_str().as_ptr(),
                        named.id.as_str().as_ptr(),
                        "parent {parent} of {} is a copy",
                        event.id
                    );
                    shared += 1;
                }
            }
        }
        shared
    }
    let b = bundle("tab-A");
    let with_parents = b.events.iter().filter(|e| !e.parents.is_empty()).count();
    assert!(with_parents > 10);
    let decoded = segment::decode(&segment::encode(&b.events)).unwrap();
    assert_eq!(decoded, b.events);
    assert_eq!(shared_parents(&decoded), with_parents);
    let parsed = Bundle::parse(&b.to_json(), now()).unwrap();
    assert_eq!(parsed, b);
    assert_eq!(shared_parents(&parsed.events), with_parents);
    // Written some other way (pretty-printed), the file reads the same.
    let pretty = serde_json::to_string_pretty(&json_of(&b)).unwrap();
    let parsed = Bundle::parse(&pretty, now()).unwrap();
    assert_eq!(shared_parents(&parsed.events), with_parents);
    // Ids derived on another core (the import page's worker): shared once
    // they come back, and those of format 2 as they are read.
    for text in [b.to_json(), as_version_2(b.clone()).to_json()] {
        let (parsed, _) = validated_with_ids_elsewhere(&text, true);
        let parsed = parsed.unwrap();
        assert_eq!(parsed.events, b.events);
        assert_eq!(shared_parents(&parsed.events), with_parents);
    }
}

/// A segment as the version of 2026-11-23 wrote it: JSON with the body nested.
fn segment_2(events: &[Event]) -> Vec<u8> {
    let events: Vec<Value> = events
        .iter()
        .map(|event| {
            let Value::Object(mut body) = serde_json::to_value(event).unwrap() else {
                unreachable!("an event is an object")
            };
            let mut head = serde_json::Map::new();
            for key in [
                "id", "ticket", "device", "seq", "at", "hlc", "author", "parents",
            ] {
                if let Some(value) = body.remove(key) {
                    head.insert(key.into(), value);
                }
            }
            head.insert("body".into(), Value::Object(body));
            Value::Object(head)
        })
        .collect();
    serde_json::to_vec(&json!({ "format": "segment-2", "events": events })).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A damaged binary segment (cut anywhere, or a byte changed) is read as
    /// an error or as events, never a panic or an allocation of its claims.
    #[test]
    fn a_damaged_segment_is_an_error_not_a_crash(cut in 0usize..4000, at in 0usize..4000, to in any::<u8>()) {
        use gridcare_core::domain::segment;
        static EVENTS: OnceLock<Vec<u8>> = OnceLock::new();
        let whole = EVENTS.get_or_init(|| segment::encode(&demo(4, 3, "tab-A")));
        let cut = cut % whole.len();
        prop_assert!(segment::decode(&whole[..cut]).is_err());
        let mut changed = whole.clone();
        let at = at % changed.len();
        changed[at] = to;
        let _ = segment::decode(&changed);
    }
}

/// Validating against the events a device holds takes those events from it
/// (by content id) and gives the same bundle, or, when asked, the bundle
/// without them (they are checked with the rest all the same); a held id
/// with other content in the file is still refused, and so is a held
/// event's sequence number reused by another event of the file.
#[test]
fn validation_knowing_held_events_gives_the_same_bundle_or_the_others() {
    use gridcare_core::domain::bundle::Validation;
    use std::cell::Cell;
    let b = bundle("tab-A");
    let text = b.to_json();
    let held: Vec<Event> = b.events.iter().step_by(2).cloned().collect();
    let taken = Cell::new(0);
    let lookup = |id: &str| {
        let found = held.iter().find(|e| e.id == id);
        taken.set(taken.get() + usize::from(found.is_some()));
        found
    };
    let mut v = Validation::start(&text, now()).unwrap().knowing(lookup);
    while !v.step(7).unwrap().is_done() {}
    let whole = Bundle::parse(&text, now()).unwrap();
    assert_eq!(v.finish().unwrap(), whole);
    assert_eq!(taken.get(), held.len());
    let mut v = Validation::start(&text, now())
        .unwrap()
        .knowing(|id| held.iter().find(|e| e.id == id))
        .leaving_held_out();
    while !v.step(7).unwrap().is_done() {}
    let mut others = whole;
    others.events.retain(|e| !held.contains(e));
    assert!(!others.events.is_empty());
    assert_eq!(v.finish().unwrap(), others);

    // A held event and another event of the file under its (device, seq).
    let (seq, device) = (held[0].seq, held[0].device.clone());
    let reused = resealed(b.clone(), |events| {
        events[1].seq = seq;
        events[1].device = device.clone();
    });
    let mut v = Validation::start(&reused, now())
        .unwrap()
        .knowing(|id| held.iter().find(|e| e.id == id))
        .leaving_held_out();
    let refused = loop {
        match v.step(100) {
            Err(e) => break e,
            Ok(p) if p.is_done() => break v.finish().unwrap_err(),
            Ok(_) => {}
        }
    };
    assert!(
        matches!(refused, BundleError::SequenceReused { .. }),
        "{refused:?}"
    );

    // A held event's content changed: not taken, and refused: by the id it
    // still claims (version 2), or by the checksum, the id derived from the
    // changed content being another (version 3).
    for (b, expected) in [
        (
            as_version_2(b.clone()),
            BundleError::IdMismatch { index: 0 },
        ),
        (b.clone(), BundleError::ChecksumMismatch),
    ] {
        let mut changed = json_of(&b);
        changed["events"][0]["author"] = json!("别人");
        let changed = changed.to_string();
        let taken = std::cell::RefCell::new(std::collections::BTreeSet::new());
        let mut v = Validation::start(&changed, now()).unwrap().knowing(|id| {
            let found = held.iter().find(|e| e.id == id);
            if let Some(e) = found {
                taken.borrow_mut().insert(e.id.clone());
            }
            found
        });
        let refused = loop {
            match v.step(100) {
                Err(e) => break e,
                Ok(p) if p.is_done() => break v.finish().unwrap_err(),
                Ok(_) => {}
            }
        };
        assert_eq!(refused, expected, "version {}", b.version);
        if b.version == 3 {
            let taken = taken.borrow();
            assert_eq!(taken.len(), held.len() - 1);
            assert!(!taken.contains(&held[0].id), "the changed one not taken");
        }
    }
}

/// A file whose events the device partly holds: the list of those read is
/// sized by the share read so far, not doubled past what it needs.
#[test]
fn the_events_read_beside_held_ones_are_listed_without_doubling() {
    use gridcare_core::domain::bundle::Validation;
    let b = Bundle::new("tab-A", anchor(), demo(400, 5, "tab-A"), BTreeMap::new());
    let text = b.to_json();
    for every in [2, 3, 7] {
        let held: std::collections::HashMap<&str, &Event> = b
            .events
            .iter()
            .step_by(every)
            .map(|e| (e.id.as_str(), e))
            .collect();
        let mut v = Validation::start(&text, now())
            .unwrap()
            .knowing(|id| held.get(id).copied())
            .leaving_held_out();
        v.listing(b.events.len());
        while !v.step(100).unwrap().is_done() {}
        let others = v.finish().unwrap().events;
        assert_eq!(others.len(), b.events.len() - held.len());
        let spare = others.capacity() - others.len();
        assert!(
            spare <= others.len() / 4 + 64,
            "{} read, room for {} (one in {every} held)",
            others.len(),
            others.capacity()
        );
        // Kept in (a pulled group): the held events copied into a list
        // sized once.
        let mut v = Validation::start(&text, now())
            .unwrap()
            .knowing(|id| held.get(id).copied());
        v.listing(b.events.len());
        while !v.step(100).unwrap().is_done() {}
        let all = v.finish().unwrap().events;
        assert_eq!(all, b.events);
        assert_eq!(all.capacity(), all.len());
    }
}

/// A file written by this app, changed in place (same layout, other words):
/// the event is read the quick way and still refused, by its id in a file
/// of version 2, by the checksum in one of version 3 (whose ids are derived
/// from what the events say); the same change in a pretty-printed copy is
/// refused the same way.
#[test]
fn an_event_changed_in_the_apps_own_layout_is_refused_by_its_id() {
    let b = bundle("tab-A");
    let changed = b.to_json().replacen("城", "乡", 1);
    assert_ne!(changed, b.to_json());
    assert_eq!(
        Bundle::parse(&changed, now()).unwrap_err(),
        BundleError::ChecksumMismatch
    );
    let b = as_version_2(b);
    let text = b.to_json();
    let (first_text, quoted) = first_words(&b);
    let changed = text.replacen(&quoted, "\"改过的内容\"", 1);
    assert_eq!(
        Bundle::parse(&changed, now()).unwrap_err(),
        BundleError::IdMismatch { index: first_text }
    );
    let pretty = serde_json::to_string_pretty(&json_of(&b)).unwrap();
    let changed = pretty.replacen(&quoted, "\"改过的内容\"", 1);
    assert_eq!(
        Bundle::parse(&changed, now()).unwrap_err(),
        BundleError::IdMismatch { index: first_text }
    );
}

/// Validates `text` leaving the checksum and the ids of new events to the
/// caller, as the import page does with its helper worker; `report` says
/// whether the ids checked are reported. Gives the result and how many ids
/// were left to the caller.
fn validated_with_ids_elsewhere(text: &str, report: bool) -> (Result<Bundle, BundleError>, usize) {
    use gridcare_core::domain::bundle::{IdsChecked, Validation};
    let mut v = Validation::start(text, now()).unwrap().ids_elsewhere();
    let (mut bytes, mut ids) = (Vec::new(), IdsChecked::default());
    loop {
        let progress = match v.step(7) {
            Ok(progress) => progress,
            Err(e) => return (Err(e), ids.checked),
        };
        let part = v.take_checksum_part();
        // Offsets are within each part's own bytes.
        ids.check(&part.bytes, &part.id_spans);
        bytes.extend(&part.bytes);
        // Its buffers reused for the next slice, as the import page does.
        v.give_back(part);
        if progress.is_done() {
            break;
        }
    }
    let checked = ids.checked;
    let ids = if report { ids } else { IdsChecked::default() };
    (v.finish_elsewhere(Some(sha256_id(&bytes)), ids), checked)
}

/// The import page leaves the ids of new events to a worker: every event in
/// the app's own layout is left to it, the bundle is the same as checked in
/// one go, a changed event is refused by the id the worker finds wrong (the
/// first such, by index), and ids nobody reported as checked refuse the file.
#[test]
fn ids_checked_elsewhere_give_the_same_bundle_and_refuse_the_same_changes() {
    // Version 3 leaves no id to check: each is derived by the caller, and
    // ids it does not give refuse the file.
    let b = bundle("tab-A");
    let (result, checked) = validated_with_ids_elsewhere(&b.to_json(), true);
    assert_eq!(result.unwrap(), b);
    assert_eq!(checked, 0);
    let (result, _) = validated_with_ids_elsewhere(&b.to_json(), false);
    assert!(matches!(
        result.unwrap_err(),
        BundleError::IdsUnchecked { .. }
    ));

    let b = as_version_2(b);
    let text = b.to_json();
    let (result, checked) = validated_with_ids_elsewhere(&text, true);
    assert_eq!(result.unwrap(), b);
    assert_eq!(checked, b.events.len(), "each event in the app's layout");

    let (result, _) = validated_with_ids_elsewhere(&text, false);
    let refused = result.unwrap_err();
    assert_eq!(
        refused,
        BundleError::IdsUnchecked {
            left: b.events.len()
        }
    );
    assert!(refused.message(Lang::Zh).contains("未能核对"));
    assert!(refused.message(Lang::En).contains("could not be checked"));

    // Two events changed in place: the first of them is named.
    let quoted = |e: &Event| match &e.body {
        EventBody::Created { text, .. } => Some(serde_json::to_string(text).unwrap()),
        _ => None,
    };
    let words: Vec<String> = b.events.iter().filter_map(quoted).collect();
    let first = |w: &str| {
        b.events
            .iter()
            .position(|e| serde_json::to_string(e).unwrap().contains(w))
            .unwrap()
    };
    let (one, two) = (&words[1], &words[0]);
    let changed =
        text.replacen(one.as_str(), "\"改过的内容\"", 1)
            .replacen(two.as_str(), "\"也改过\"", 1);
    let expected = first(one).min(first(two));
    let (result, _) = validated_with_ids_elsewhere(&changed, true);
    assert_eq!(
        result.unwrap_err(),
        BundleError::IdMismatch { index: expected }
    );
    assert_eq!(
        Bundle::parse(&changed, now()).unwrap_err(),
        BundleError::IdMismatch { index: expected }
    );

    // A pretty-printed copy is read through a JSON tree, its ids checked here.
    let pretty = serde_json::to_string_pretty(&json_of(&b)).unwrap();
    let (result, checked) = validated_with_ids_elsewhere(&pretty, true);
    assert_eq!(result.unwrap(), b);
    assert_eq!(checked, 0);
}

/// Subsets of events from several devices' demo data, as files would hold them.
fn event_sets() -> impl Strategy<Value = Vec<Vec<Event>>> {
    static POOL: OnceLock<Vec<Event>> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        merge_events([
            demo(12, 5, "tab-A").as_slice(),
            &demo(12, 5, "tab-B"),
            &demo(12, 5, "tab-C"),
        ])
    });
    let n = pool.len();
    proptest::collection::vec(proptest::collection::vec(0..n, 0..n), 1..4).prop_map(move |sets| {
        sets.into_iter()
            .map(|idx| idx.into_iter().map(|i| pool[i].clone()).collect())
            .collect()
    })
}

/// How many distinct events a ticket has.
fn state_events(events: &[Event], ticket: &str) -> usize {
    events
        .iter()
        .filter(|e| e.ticket == ticket)
        .map(|e| &e.id)
        .collect::<HashSet<_>>()
        .len()
}

fn ids(events: &[Event]) -> Vec<String> {
    events.iter().map(|e| e.id.to_string()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn merge_is_commutative_associative_idempotent_and_loses_nothing(sets in event_sets()) {
        let a = &sets[0];
        let b = sets.get(1).cloned().unwrap_or_default();
        let c = sets.get(2).cloned().unwrap_or_default();
        let ab = merge_events([a.as_slice(), &b]);
        prop_assert_eq!(ids(&ab), ids(&merge_events([b.as_slice(), a])));
        let ab_c = merge_events([ab.as_slice(), &c]);
        let bc = merge_events([b.as_slice(), &c]);
        prop_assert_eq!(ids(&ab_c), ids(&merge_events([a.as_slice(), &bc])));
        prop_assert_eq!(ids(&merge_events([ab.as_slice(), &ab])), ids(&ab));
        prop_assert_eq!(ids(&merge_events([ab.as_slice(), a])), ids(&ab));
        let union: HashSet<String> = a.iter().chain(&b).map(|e| e.id.to_string()).collect();
        prop_assert_eq!(ab.len(), union.len());
    }

    #[test]
    fn every_arrival_order_folds_to_the_same_tickets(sets in event_sets(), seed in any::<u64>()) {
        let merged = merge_events(sets.iter().map(Vec::as_slice));
        let mut shuffled = merged.clone();
        let mut rng = gridcare_core::domain::demo::Rng::new(seed);
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.below(i + 1));
        }
        prop_assert_eq!(fold_all(&merged), fold_all(&shuffled));
    }

    /// The app appends events as they are saved or imported and refolds only
    /// the tickets they touch: that must equal folding everything again.
    /// Each batch is a block of the log (or joins the last one).
    #[test]
    fn refolding_only_touched_tickets_equals_a_full_fold(sets in event_sets(), seed in any::<u64>()) {
        let mut rng = gridcare_core::domain::demo::Rng::new(seed);
        let mut flat: Vec<Event> = Vec::new();
        let mut held = Log::new();
        let mut index = TicketIndex::build(&held);
        let mut tickets = fold_all(&flat);
        for (n, set) in sets.iter().enumerate() {
            // Arrivals come in any order and may repeat events already held.
            let mut batch = set.clone();
            for i in (1..batch.len()).rev() {
                batch.swap(i, rng.below(i + 1));
            }
            let from = held.len();
            flat.extend(batch.iter().cloned());
            // Every other batch while an export holds the log: a new block.
            let export = (n % 2 == 1).then(|| held.clone());
            held.append(batch);
            drop(export);
            index.extend(&held, from);
            index.refold(&held, from, &mut tickets);
            prop_assert_eq!(&tickets, &fold_all(&flat));
            prop_assert_eq!(&index.fold_all(&held), &tickets);
        }
        for id in tickets.keys() {
            let mine = index.events_of(&held, id);
            prop_assert!(mine.windows(2).all(|w| w[0].order_key() < w[1].order_key()));
            prop_assert_eq!(mine.len(), state_events(&flat, id));
        }
    }
}

mod export {
    use super::*;
    use gridcare_core::domain::export::{anonymise, mask_phone, select, ExportFilter};
    use gridcare_core::domain::ticket::fold_all;

    #[test]
    fn only_unexported_events_of_this_device() {
        let events = demo(30, 8, "tab-A");
        let mine: Vec<&Event> = events.iter().filter(|e| e.device == "tab-A").collect();
        let cut = mine[mine.len() / 2].seq;
        let chosen = select(
            &events,
            &ExportFilter {
                unexported_of: Some(("tab-A".into(), cut)),
                ..Default::default()
            },
        );
        assert!(!chosen.is_empty());
        assert!(chosen.iter().all(|e| e.device == "tab-A" && e.seq > cut));
        assert_eq!(chosen.len(), mine.iter().filter(|e| e.seq > cut).count());
    }

    #[test]
    fn a_date_range_or_station_exports_whole_tickets() {
        let events = demo(40, 8, "tab-A");
        let tickets = fold_all(&events);
        let station = tickets.values().next().unwrap().station.clone().unwrap();
        let chosen = select(
            &events,
            &ExportFilter {
                station: Some(station.clone()),
                ..Default::default()
            },
        );
        let chosen: Vec<Event> = chosen.into_iter().cloned().collect();
        let chosen_tickets = fold_all(&chosen);
        assert!(!chosen_tickets.is_empty());
        assert!(chosen_tickets
            .values()
            .all(|t| t.station.as_deref() == Some(station.as_str())));
        let expected = tickets
            .values()
            .filter(|t| t.station.as_deref() == Some(station.as_str()))
            .count();
        assert_eq!(chosen_tickets.len(), expected);
        // Every event of a chosen ticket travels with it.
        for t in chosen_tickets.values() {
            assert_eq!(t, &tickets[&t.id]);
        }
        let day = gridcare_core::domain::time::china_date(anchor() - Duration::days(10));
        let recent: Vec<Event> = select(
            &events,
            &ExportFilter {
                from: Some(day),
                ..Default::default()
            },
        )
        .into_iter()
        .cloned()
        .collect();
        let recent = fold_all(&recent);
        assert!(recent
            .values()
            .all(|t| gridcare_core::domain::time::china_date(t.received) >= day));
        assert!(recent.len() < tickets.len());
    }

    #[test]
    fn an_anonymised_export_masks_people_and_stays_consistent() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("0768-2345678"), "076****5678");
        let events = demo(10, 8, "tab-A");
        let masked = anonymise(&events);
        let b = Bundle {
            anonymised: true,
            ..Bundle::new("tab-A", anchor(), masked, BTreeMap::new())
        };
        let mut b = b;
        b.seal();
        let parsed = Bundle::parse(&b.to_json(), now()).unwrap();
        assert!(parsed.anonymised);
        let (before, after) = (fold_all(&events), fold_all(&parsed.events));
        assert_eq!(before.len(), after.len());
        for (id, t) in &after {
            let phone = t.contact.phone.as_deref().unwrap();
            assert!(phone.contains("****"), "{phone}");
            assert_eq!(t.contact.address.as_deref(), Some("***"));
            assert_eq!(t.status, before[id].status, "the statistics are unchanged");
            assert_eq!(
                t.classification.as_ref().map(|c| &c.kind),
                before[id].classification.as_ref().map(|c| &c.kind)
            );
        }
        assert!(!b.to_json().contains(
            before
                .values()
                .next()
                .unwrap()
                .contact
                .phone
                .as_deref()
                .unwrap()
        ));
    }
}

/// Recomputes the ids and checksum of a file edited as JSON, as a forger
/// with the documented format would (writing ids, which format 3 allows).
fn resealed_json(mut value: Value) -> String {
    for event in value["events"].as_array_mut().unwrap() {
        let mut without = event.clone();
        without.as_object_mut().unwrap().remove("id");
        event["id"] = json!(sha256_id(
            gridcare_core::domain::event::canonical(&without).as_bytes()
        ));
    }
    let mut without = value.clone();
    without.as_object_mut().unwrap().remove("checksum");
    value["checksum"] = json!(sha256_id(
        gridcare_core::domain::event::canonical(&without).as_bytes()
    ));
    serde_json::to_string(&value).unwrap()
}

#[test]
fn hostile_files_are_refused_with_a_message_never_a_panic() {
    let base: Value = serde_json::from_str(&bundle("tab-A").to_json()).unwrap();
    let edited = |edit: &dyn Fn(&mut Value)| {
        let mut v = base.clone();
        edit(&mut v);
        resealed_json(v)
    };
    let nested = |levels: usize| {
        let mut inner = json!(1);
        for _ in 0..levels {
            inner = json!({ "x": inner });
        }
        inner
    };
    let deep_130 = edited(&|v| v["events"][0]["facts"]["deep"] = nested(130));
    // 100,000 levels: built as text, a tree that deep would overflow the
    // stack of this test itself.
    let deep_100k = {
        let text = base.to_string();
        let at = text.find("\"facts\":{").unwrap() + "\"facts\":{".len();
        format!(
            "{}\"deep\":{}1{}{}",
            &text[..at],
            "[".repeat(100_000),
            "]".repeat(100_000),
            if text[at..].starts_with('}') { "" } else { "," }
        ) + &text[at..]
    };
    type Expected = fn(&BundleError) -> bool;
    let cases: Vec<(&str, String, Expected)> = vec![
        ("130 levels inside an event", deep_130, |e| {
            matches!(e, BundleError::TooDeep { .. })
        }),
        ("100,000 levels", deep_100k, |e| {
            matches!(e, BundleError::TooDeep { .. })
        }),
        (
            "satisfaction 101",
            edited(&|v| {
                let events = v["events"].as_array_mut().unwrap();
                let confirmed = events.iter_mut().find(|e| e["type"] == "confirmed");
                match confirmed {
                    Some(e) => e["satisfaction"] = json!(101),
                    None => {
                        events[0]["type"] = json!("confirmed");
                        events[0]["satisfaction"] = json!(101);
                    }
                }
            }),
            |e| {
                matches!(e, BundleError::OutOfRange { field, .. } if field == "satisfaction")
                    || matches!(e, BundleError::UnknownField { .. })
            },
        ),
        (
            "a huge number of hours",
            edited(&|v| v["events"][0]["facts"]["outage_hours"] = json!(1e300)),
            |e| matches!(e, BundleError::OutOfRange { field, .. } if field == "facts.outage_hours"),
        ),
        (
            "sequence zero",
            edited(&|v| v["events"][0]["seq"] = json!(0)),
            |e| matches!(e, BundleError::OutOfRange { field, .. } if field == "seq"),
        ),
        (
            "a clock far in the future",
            edited(&|v| v["events"][0]["hlc"]["ms"] = json!(9_000_000_000_000_i64)),
            |e| matches!(e, BundleError::OutOfRange { field, .. } if field == "hlc.ms"),
        ),
        (
            "an unknown variant",
            edited(&|v| v["events"][0]["channel"] = json!("hacked")),
            |e| matches!(e, BundleError::BadEvent { problem: EventProblem::BadValue(f), .. } if f == "channel"),
        ),
        (
            "a float where a count goes",
            edited(&|v| v["events"][0]["facts"]["households_affected"] = json!(1e300)),
            |e| matches!(e, BundleError::BadEvent { .. }),
        ),
    ];
    for (name, text, expected) in cases {
        let err = std::panic::catch_unwind(|| Bundle::parse(&text, now()))
            .unwrap_or_else(|_| panic!("{name}: panicked"))
            .expect_err(name);
        assert!(expected(&err), "{name}: {err:?}");
        for lang in [Lang::Zh, Lang::En] {
            let message = err.message(lang);
            assert!(
                !message.contains("invalid type")
                    && !message.contains("unknown variant")
                    && !message.contains("recursion"),
                "{name}: {message}"
            );
        }
    }
}

/// A file read as a stream (`bundle::stream`) gives what its text gives.
fn streamed(bytes: Vec<u8>) -> Result<Bundle, BundleError> {
    gridcare_core::domain::bundle::stream::parse_stream(std::io::Cursor::new(bytes), now())
        .expect("memory reads")
}

#[test]
fn a_file_read_as_a_stream_gives_the_bundle_its_text_gives() {
    use gridcare_core::domain::bundle::gzip::gzip;
    use gridcare_core::domain::demo::demo_chains;
    let events = demo(30, 5, "tab-A");
    let chains = demo_chains(&events);
    let photo = b"\x89PNG fake image bytes".to_vec();
    use base64::Engine as _;
    let attachment = Attachment {
        mime: "image/png".into(),
        data: base64::engine::general_purpose::STANDARD.encode(&photo),
    };
    let b = Bundle::new(
        "tab-A",
        anchor(),
        events,
        BTreeMap::from([(sha256_id(&photo), attachment)]),
    )
    .with_chains(chains);
    let text = b.to_json();
    let whole = Bundle::parse(&text, now()).unwrap();
    assert!(!whole.chains.is_empty() && !whole.attachments.is_empty());
    let pretty = serde_json::to_string_pretty(&json_of(&b)).unwrap();
    for (what, bytes) in [
        ("plain", text.clone().into_bytes()),
        ("gzip", gzip(text.as_bytes())),
        (
            "with a byte-order mark",
            format!("\u{feff}{text}").into_bytes(),
        ),
        ("pretty, gzip", gzip(pretty.as_bytes())),
    ] {
        let read = streamed(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(read.to_json(), whole.to_json(), "{what}");
    }
}

/// A file written a piece at a time is, put together, the text of the same
/// bundle written whole: signed, with attachments, anonymised, empty, and
/// whatever the pieces' size (a piece of one byte ends after every event).
#[test]
fn a_file_written_in_pieces_is_the_text_of_the_whole_bundle() {
    use gridcare_core::domain::bundle::FileText;
    use gridcare_core::domain::demo::demo_chains;
    use gridcare_core::domain::export::anonymise;
    let events = demo(30, 5, "tab-A");
    let chains = demo_chains(&events);
    use base64::Engine as _;
    let photo = b"\x89PNG fake image bytes".to_vec();
    let attachments = BTreeMap::from([(
        sha256_id(&photo),
        Attachment {
            mime: "image/png".into(),
            data: base64::engine::general_purpose::STANDARD.encode(&photo),
        },
    )]);
    let joined = |mut text: FileText, size: usize| {
        let mut out = Vec::new();
        let mut pieces = 0;
        while let Some(piece) = text.next_piece(size) {
            out.extend_from_slice(piece);
            pieces += 1;
        }
        assert_eq!(text.written(), text.events());
        (String::from_utf8(out).unwrap(), pieces)
    };
    // Given in another order than a file's: the writer sorts them too.
    let mut shuffled: Vec<&Event> = events.iter().collect();
    shuffled.reverse();
    let signed = Bundle::new("tab-A", anchor(), events.clone(), attachments.clone())
        .with_chains(chains.clone());
    for size in [1, 700, 1 << 20] {
        let text = FileText::new(
            "tab-A",
            anchor(),
            shuffled.clone(),
            attachments.clone(),
            chains.clone(),
        );
        let (written, pieces) = joined(text, size);
        assert_eq!(written, signed.to_json(), "pieces of {size} bytes");
        // The head, the events, the end: a piece of one byte is one event.
        if size == 1 {
            assert_eq!(pieces, events.len() + 2);
        }
    }
    let whole = Bundle::parse(&signed.to_json(), now()).unwrap();
    assert_eq!(whole.events.len(), events.len());
    // Written as format 2, for apps not yet updated: the same as a bundle
    // of format 2, each event with its id.
    let (written, _) = joined(
        FileText::new(
            "tab-A",
            anchor(),
            shuffled.clone(),
            attachments.clone(),
            chains.clone(),
        )
        .written_as(2),
        700,
    );
    assert_eq!(written, as_version_2(signed.clone()).to_json());
    assert!(written.contains("{\"id\":\"sha256:"));

    let masked = anonymise(&events);
    let mut anonymised = Bundle::new("tab-A", anchor(), masked.clone(), BTreeMap::new());
    anonymised.anonymised = true;
    anonymised.seal();
    let (written, _) = joined(
        FileText::anonymised("tab-A", anchor(), masked.iter().collect()),
        4096,
    );
    assert_eq!(written, anonymised.to_json());

    let empty = Bundle::new("tab-A", anchor(), Vec::new(), BTreeMap::new());
    let (written, _) = joined(
        FileText::new(
            "tab-A",
            anchor(),
            Vec::new(),
            BTreeMap::new(),
            BTreeMap::new(),
        ),
        64,
    );
    assert_eq!(written, empty.to_json());
    assert!(Bundle::parse(&written, now()).is_ok());
}

#[test]
fn a_file_read_as_a_stream_is_refused_for_what_its_text_is_refused() {
    use gridcare_core::domain::bundle::gzip::gzip;
    let text = bundle("tab-A").to_json();
    let mut value = serde_json::from_str::<Value>(&text).unwrap();
    value["events"][3]["author"] = Value::from("someone else");
    let changed = serde_json::to_string(&value).unwrap();
    let mut wrong_format = serde_json::from_str::<Value>(&text).unwrap();
    wrong_format["format"] = Value::from("something-else");
    let mut no_events = serde_json::from_str::<Value>(&text).unwrap();
    no_events.as_object_mut().unwrap().remove("events");
    // Deeper than any file may nest, in a member the header does not read
    // closely; `Bundle::parse` refuses the file before anything else.
    let mut deep = Value::from(0);
    for _ in 0..20 {
        deep = Value::Array(vec![deep]);
    }
    let mut too_deep = serde_json::from_str::<Value>(&text).unwrap();
    too_deep["anonymised"] = deep;
    let too_deep_header = too_deep.to_string();
    let cases = [
        ("an event changed", changed),
        ("another format", wrong_format.to_string()),
        ("no events", no_events.to_string()),
        ("cut short", half(&text).to_string()),
        ("not an object", "[1, 2]".to_string()),
        ("empty", String::new()),
        ("only white space", " \n\t ".to_string()),
        ("a header nested too deep", too_deep_header),
    ];
    for (what, bad) in cases {
        let expected = refused(&bad);
        assert_eq!(streamed(bad.into_bytes()).unwrap_err(), expected, "{what}");
    }
    let mut damaged = gzip(text.as_bytes());
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0xff;
    assert_eq!(
        streamed(damaged).unwrap_err(),
        BundleError::CompressedDamaged
    );
    // Damaged where the first read fails: a reserved block type right after
    // the header, and a header cut short.
    let mut first_block = gzip(text.as_bytes());
    first_block[10] = 0xff;
    for (what, bytes) in [
        ("first block", first_block),
        ("header", vec![0x1f, 0x8b, 0x08]),
    ] {
        assert_eq!(
            streamed(bytes).unwrap_err(),
            BundleError::CompressedDamaged,
            "{what}"
        );
    }
}

#[test]
fn folding_ticket_by_ticket_gives_the_states_folding_all_gives() {
    use gridcare_core::domain::ticket::{fold_all, for_each_ticket};
    let mut events = demo(40, 9, "tab-A");
    events.extend(demo(40, 9, "tab-B"));
    let all = fold_all(&events);
    let mut one_by_one = BTreeMap::new();
    for_each_ticket(&events, |t| {
        one_by_one.insert(t.id.clone(), t);
    });
    assert!(all.len() >= 40);
    assert_eq!(one_by_one, all);
}

/// The checksum of a file edited as JSON, recomputed as docs/bundle.md
/// defines it; its events left as they are.
fn checksum_resealed(mut value: Value) -> String {
    value.as_object_mut().unwrap().remove("checksum");
    let checksum = sha256_id(gridcare_core::domain::event::canonical(&value).as_bytes());
    value["checksum"] = json!(checksum);
    serde_json::to_string(&value).unwrap()
}

/// A file of format 3 rewritten by another tool, harmlessly (an empty
/// member added, a whole number of hours written without its `.0`), reads
/// as the same events with the same ids: each id is that of what was
/// understood, as a file that carries ids names it.
#[test]
fn a_format_3_file_rewritten_harmlessly_reads_as_the_same_events() {
    // Enough tickets for outages of whole hours.
    let b = Bundle::new("tab-A", anchor(), demo(300, 7, "tab-A"), BTreeMap::new());
    let mut value = json_of(&b);
    let first = b.events.iter().position(|e| e.parents.is_empty()).unwrap();
    value["events"][first]["parents"] = json!([]);
    let whole_hours = b
        .events
        .iter()
        .position(|e| match &e.body {
            EventBody::Classified { facts, .. } => {
                facts.outage_hours.is_some_and(|h| h.fract() == 0.0)
            }
            _ => false,
        })
        .expect("the demo has an outage of whole hours");
    let hours = value["events"][whole_hours]["facts"]["outage_hours"]
        .as_f64()
        .unwrap();
    value["events"][whole_hours]["facts"]["outage_hours"] = json!(hours as u64);
    let text = checksum_resealed(value);
    assert!(text.contains(&format!("\"outage_hours\":{}", hours as u64)));
    let read = Bundle::parse(&text, now()).unwrap();
    assert_eq!(read.events, b.events);
}

/// A file of format 3 may carry ids for some events and not for others, in
/// the app's own layout: those carried are checked (here or, left to a
/// helper worker, there), the others derived.
#[test]
fn a_format_3_file_may_carry_some_ids_each_checked() {
    let b = bundle("tab-A");
    let with_ids = as_version_2(b.clone()).to_json();
    let mut text = with_ids.replacen("\"version\":2", "\"version\":3", 1);
    // Every other event's id left out.
    for e in b.events.iter().step_by(2) {
        text = text.replacen(&format!("{{\"id\":\"{}\",", e.id), "{", 1);
    }
    let reseal = |text: &str| {
        let value: Value = serde_json::from_str(text).unwrap();
        let old = value["checksum"].as_str().unwrap().to_string();
        let new = checksum_resealed(value.clone());
        let new: Value = serde_json::from_str(&new).unwrap();
        text.replacen(&old, new["checksum"].as_str().unwrap(), 1)
    };
    let mixed = reseal(&text);
    assert_eq!(Bundle::parse(&mixed, now()).unwrap().events, b.events);
    let (result, checked) = validated_with_ids_elsewhere(&mixed, true);
    assert_eq!(result.unwrap().events, b.events);
    assert_eq!(
        checked,
        b.events.len() / 2,
        "the ids carried, on the worker"
    );

    // One carried id wrong: refused by it, here and on the worker.
    let wrong = &b.events[1];
    let bad = reseal(&mixed.replacen(
        &format!("{{\"id\":\"{}\",", wrong.id),
        &format!("{{\"id\":\"{}\",", sha256_id(b"another")),
        1,
    ));
    assert_eq!(
        Bundle::parse(&bad, now()).unwrap_err(),
        BundleError::IdMismatch { index: 1 }
    );
    let (result, _) = validated_with_ids_elsewhere(&bad, true);
    assert_eq!(result.unwrap_err(), BundleError::IdMismatch { index: 1 });
}

/// A held event changed in a file of format 3 written in the app's own
/// layout (read the quick way): not taken for the held one, refused by the
/// checksum.
#[test]
fn a_held_event_changed_in_the_apps_layout_is_not_taken() {
    use gridcare_core::domain::bundle::Validation;
    let b = bundle("tab-A");
    let (target, quoted) = first_words(&b);
    let changed = b.to_json().replacen(&quoted, "\"改过的内容\"", 1);
    let taken = std::cell::RefCell::new(Vec::new());
    let mut v = Validation::start(&changed, now()).unwrap().knowing(|id| {
        let found = b.events.iter().find(|e| e.id == id);
        if let Some(e) = found {
            taken.borrow_mut().push(e.id.clone());
        }
        found
    });
    while !v.step(100).unwrap().is_done() {}
    assert_eq!(v.finish().unwrap_err(), BundleError::ChecksumMismatch);
    let taken = taken.borrow();
    assert_eq!(taken.len(), b.events.len() - 1);
    assert!(!taken.contains(&b.events[target].id));
}

/// The held event a device keeps at `(device, seq)`, as the import's
/// `knowing_where` asks for it.
fn held_at<'e>(held: &[&'e Event], device: &str, seq: u64) -> Option<&'e Event> {
    held.iter()
        .find(|e| e.device == device && e.seq == seq)
        .copied()
}

/// In a file of format 3, a held event is found where the device holds it,
/// by device and sequence number, and taken when the file writes exactly
/// that event (no id to derive); a file with one of them changed is refused.
#[test]
fn held_events_of_a_format_3_file_are_found_by_device_and_sequence() {
    use gridcare_core::domain::bundle::Validation;
    let b = bundle("tab-A");
    let text = b.to_json();
    let held: Vec<&Event> = b.events.iter().step_by(3).collect();
    let at = |device: &str, seq: u64| held_at(&held, device, seq);
    let found = std::cell::Cell::new(0);
    let mut v = Validation::start(&text, now())
        .unwrap()
        .knowing_where(|device, seq| {
            let held = at(device, seq);
            found.set(found.get() + usize::from(held.is_some()));
            held
        })
        .leaving_held_out();
    while !v.step(9).unwrap().is_done() {}
    let others = v.finish().unwrap().events;
    assert_eq!(found.get(), held.len());
    let mut expected = b.events.clone();
    expected.retain(|e| !held.contains(&e));
    assert_eq!(others, expected, "the held events left out, the rest read");

    // The first held event's words changed: whatever the device holds, the
    // checksum covers what the file says, and refuses it.
    let EventBody::Created { text: words, .. } = &held[0].body else {
        panic!("the first event held is a ticket's creation");
    };
    let quoted = serde_json::to_string(words).unwrap();
    let changed = text.replacen(&quoted, "\"改过的内容\"", 1);
    let mut v = Validation::start(&changed, now())
        .unwrap()
        .knowing_where(at)
        .leaving_held_out();
    while !v.step(9).unwrap().is_done() {}
    assert_eq!(v.finish().unwrap_err(), BundleError::ChecksumMismatch);
}

/// As the import page validates a file of format 3: events the device holds
/// taken where they are held, the ids of the others derived on a helper
/// (here, in the test), then given back. Held and new events interleave, so
/// each derived id must go to its own event: the bundle is that of a
/// validation here, with the held events left out or kept in. Digests too
/// few, too many or cut short refuse the file.
#[test]
fn ids_derived_elsewhere_go_to_their_events_among_held_ones() {
    use gridcare_core::domain::bundle::{IdsChecked, Validation};
    use gridcare_core::domain::demo::demo_chains;
    // Signed, as the app's files are: a derived id must fold into its
    // device's chain.
    let events = demo(20, 3, "tab-A");
    let chains = demo_chains(&events);
    let b = Bundle::new("tab-A", anchor(), events, BTreeMap::new()).with_chains(chains);
    assert!(!b.chains.is_empty());
    let text = b.to_json();
    let held: Vec<&Event> = b.events.iter().step_by(3).collect();
    let at = |device: &str, seq: u64| held_at(&held, device, seq);
    let validated = |leave_out: bool, tamper: &dyn Fn(&mut IdsChecked)| {
        let mut v = Validation::start(&text, now())
            .unwrap()
            .knowing(|id| held.iter().find(|e| e.id == id).copied())
            .knowing_where(at);
        if leave_out {
            v = v.leaving_held_out();
        }
        let mut v = v.ids_elsewhere();
        let (mut bytes, mut ids) = (Vec::new(), IdsChecked::default());
        loop {
            let done = v.step(5).unwrap().is_done();
            let part = v.take_checksum_part();
            ids.check(&part.bytes, &part.id_spans);
            bytes.extend(&part.bytes);
            if done {
                break;
            }
        }
        assert_eq!(ids.derived.len(), 32 * (b.events.len() - held.len()));
        tamper(&mut ids);
        v.finish_elsewhere(Some(sha256_id(&bytes)), ids)
    };
    let mut others = b.events.clone();
    others.retain(|e| !held.contains(&e));
    assert_eq!(validated(true, &|_| {}).unwrap().events, others);
    assert_eq!(validated(false, &|_| {}).unwrap().events, b.events);
    for tamper in [
        (|ids: &mut IdsChecked| ids.derived.truncate(ids.derived.len() - 32))
            as fn(&mut IdsChecked),
        |ids| ids.derived.extend_from_slice(&[0; 32]),
        |ids| ids.derived.truncate(ids.derived.len() - 1),
        |ids| ids.derived.clear(),
    ] {
        assert!(matches!(
            validated(true, &tamper).unwrap_err(),
            BundleError::IdsUnchecked { .. }
        ));
    }
    // One digest changed: that event's id is another, which its device's
    // signed chain does not fold to.
    assert!(matches!(
        validated(true, &|ids| ids.derived[0] ^= 1).unwrap_err(),
        BundleError::ChainBroken { .. }
    ));
}
