use super::checksum::*;
use super::scan::*;
use super::validate::*;
use super::*;
use crate::domain::classify::Classifier;
use crate::domain::demo::{demo_events, DemoOptions};
use crate::domain::event::EventBody;
use crate::domain::event::{canonical, sha256_id};
use crate::domain::rules::RuleTable;
use chrono::TimeZone;

/// The demo's events of `tickets` tickets from `seed`, by device "tab-A",
/// received in the 30 days before 2026-11-20.
fn demo_of(tickets: usize, seed: u64) -> Vec<Event> {
    demo_events(
        &Classifier::new(RuleTable::shipped()),
        &DemoOptions {
            tickets,
            seed,
            device: "tab-A",
            anchor: Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap(),
        },
    )
}

/// The canonical form built from an event's text equals the one built
/// through a JSON tree, for every event the demo writes (all kinds), and
/// the id taken out of it is the event's.
#[test]
fn the_canonical_form_from_text_equals_the_one_from_a_tree() {
    let events = demo_of(40, 11);
    // And text that is hard to scan: quotes, backslashes, control
    // characters, brackets and braces inside strings, non-ASCII.
    let tricky = [
        r#"他说"没电了"\ 还有 {括号} [方括号] , : "#,
        "line\nbreak\ttab\u{1}\u{1f}\\",
        "}]},[{\"",
        "",
    ];
    let mut events = events;
    for (i, text) in tricky.iter().enumerate() {
        let mut e = events[i].clone();
        e.body = EventBody::Note {
            text: text.to_string(),
        };
        e.parents = vec![format!("p{i}").into(), "q".into()];
        e.id = e.content_id();
        events.push(e);
    }
    let mut out = Vec::new();
    let mut work = CanonicalWork::default();
    for event in &events {
        let text = serde_json::to_string(event).unwrap();
        let OwnForm { id, members } =
            own_canonical(text.as_bytes(), &mut out).expect("the app's own form");
        let (range, id) = id.expect("an id written");
        let mut buffer = Vec::new();
        assert_eq!(
            read_own_form(&text, &members, None, &mut buffer).as_ref(),
            Some(event),
            "read through the nested layout"
        );
        let tree = canonical(&serde_json::to_value(event).unwrap());
        assert_eq!(String::from_utf8(out.clone()).unwrap(), tree);
        assert_eq!(id, event.id);
        let mut without = out[..range.start].to_vec();
        without.extend_from_slice(&out[range.end..]);
        assert_eq!(sha256_id(&without), event.id);

        // Written without its id (a file of version 3): the same text less
        // its first member, whose canonical form hashes to the id, and
        // which reads back whole given the id derived.
        let mut bare = Vec::new();
        write_event(&mut bare, event, false);
        let member = format!("\"id\":\"{}\",", event.id);
        assert_eq!(bare, text.replacen(&member, "", 1).into_bytes());
        let bare = String::from_utf8(bare).unwrap();
        let OwnForm { id, members } =
            own_canonical(bare.as_bytes(), &mut out).expect("own form, no id");
        assert!(id.is_none());
        assert_eq!(out, without, "the canonical form less the id member");
        let derived = sha256_id(&out);
        assert_eq!(
            read_own_form(&bare, &members, Some(&derived), &mut buffer).as_ref(),
            Some(event)
        );
        assert!(writes_exactly(&WithoutId(event), bare.as_bytes()));
        assert!(!writes_exactly(event, bare.as_bytes()));

        // Noted while written, after what a piece already holds: the same
        // text, and the same canonical form as scanned from it.
        for (with_id, text) in [(false, &bare), (true, &text)] {
            let mut piece = b"[{},".to_vec();
            let mut noted = Vec::new();
            write_event_canonical(&mut piece, event, with_id, &mut noted, &mut work)
                .expect("plain keys");
            assert_eq!(&piece[4..], text.as_bytes());
            own_canonical(text.as_bytes(), &mut out).unwrap();
            assert_eq!(noted, out);
        }
    }
    assert!(events.len() > 100);
    // Not the app's compact form: left to the JSON tree.
    let pretty = serde_json::to_string_pretty(&events[0]).unwrap();
    assert!(own_canonical(pretty.as_bytes(), &mut out).is_none());
    let escaped_key =
        serde_json::to_string(&events[0])
            .unwrap()
            .replacen("\"ticket\"", "\"tick\\u0065t\"", 1);
    assert!(own_canonical(escaped_key.as_bytes(), &mut out).is_none());
    // Whatever valid JSON it meets, it answers without panicking.
    for text in [
        "{}",
        "[]",
        "1",
        "\"x\"",
        "{\"a\":[]}",
        "{\"id\":1}",
        "{\"a\":{\"b\":[1,{\"c\":null}]}}",
    ] {
        let _ = own_canonical(text.as_bytes(), &mut out);
    }
}

/// Every kind of event, each field set that may be left out: the canonical
/// form noted while writing it is the one scanned from its text.
#[test]
fn every_kind_of_event_is_noted_as_the_scanner_reads_it() {
    let template = demo_of(1, 1).remove(0);
    let mut work = CanonicalWork::default();
    let (mut noted, mut scanned) = (Vec::new(), Vec::new());
    for body in crate::domain::event::tests::every_body() {
        let mut event = template.clone();
        event.body = body;
        event.id = event.content_id();
        for with_id in [false, true] {
            let mut text = Vec::new();
            write_event_canonical(&mut text, &event, with_id, &mut noted, &mut work)
                .expect("plain keys");
            own_canonical(&text, &mut scanned).expect("the app's own form");
            assert_eq!(noted, scanned, "{}", event.body.type_name());
        }
    }
}

#[test]
fn keys_alike_in_their_first_bytes_sort_as_the_tree_sorts_them() {
    // Keys of eight bytes and more that differ only after them, a key that
    // is another's beginning, and the same within nested objects and lists.
    let text = concat!(
        r#"{"abcdefghZ":1,"abcdefgh":{"classification_b":[{"y":1,"x":{"zz":0,"z":1}}],"#,
        r#""classification_a":"\"{]"},"abcdefghA":[],"b":{},"a":null,"abcdefghAA":true}"#
    );
    let mut out = Vec::new();
    own_canonical(text.as_bytes(), &mut out).expect("compact JSON with plain keys");
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let tree = canonical(&value);
    assert_eq!(String::from_utf8(out).unwrap(), tree);
    // Noted while written: the list holding objects goes to the scanner.
    let mut written = Vec::new();
    let (mut noted, mut work) = (Vec::new(), CanonicalWork::default());
    let kept: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).unwrap();
    write_canonical(&mut written, &kept, &mut noted, &mut work).expect("plain keys");
    assert_eq!(String::from_utf8(noted).unwrap(), tree);
}

/// JSON written with its keys in the order given, at every level.
enum Node {
    Plain(serde_json::Value),
    Object(Vec<(String, Node)>),
    List(Vec<Node>),
}

impl serde::Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Node::Plain(value) => value.serialize(serializer),
            Node::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (key, value) in members {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
            Node::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
    }
}

/// Keys written out of order at every level, non-ASCII keys, keys that are
/// others' beginnings, and an object of 500 members in reverse order (past
/// the insertion sort): noted while written and scanned from the text, the
/// canonical form is the tree's.
#[test]
fn keys_out_of_order_at_every_level_are_sorted_as_the_tree_sorts_them() {
    let plain = |v: serde_json::Value| Node::Plain(v);
    let inner = Node::Object(vec![
        ("é".into(), plain(1.into())),
        ("z".into(), plain(2.into())),
        ("zz".into(), plain("\"}".into())),
        ("Z".into(), Node::Object(Vec::new())),
        ("电费".into(), plain(3.into())),
        ("abcdefgh".into(), plain(4.into())),
        ("abcdefg".into(), plain(5.into())),
    ]);
    let many = Node::Object(
        (0..500)
            .rev()
            .map(|i| (format!("member-{i:04}"), plain(i.into())))
            .collect(),
    );
    let value = Node::Object(vec![
        ("ticket".into(), plain("t-1".into())),
        ("body".into(), inner),
        (
            "list".into(),
            Node::List(vec![plain(1.into()), Node::List(Vec::new())]),
        ),
        ("at".into(), plain(serde_json::Value::Null)),
        ("many".into(), many),
    ]);
    let (mut written, mut noted, mut work) = (Vec::new(), Vec::new(), CanonicalWork::default());
    write_canonical(&mut written, &value, &mut noted, &mut work).expect("plain keys");
    let tree = canonical(&serde_json::from_slice(&written).unwrap());
    assert_eq!(String::from_utf8(noted).unwrap(), tree);
    let mut scanned = Vec::new();
    own_canonical(&written, &mut scanned).expect("compact JSON with plain keys");
    assert_eq!(String::from_utf8(scanned).unwrap(), tree);
}

#[test]
fn an_id_is_compared_with_a_digest_as_its_lowercase_hex() {
    let digest = Sha256::digest(b"gridcare");
    let id = sha256_id(b"gridcare");
    assert!(is_id_of(&digest, &id));
    assert!(!is_id_of(&digest, &id.to_uppercase()));
    assert!(!is_id_of(&digest, &id.replace("sha256:", "sha1:")));
    assert!(!is_id_of(&digest, &id[..id.len() - 1]));
    assert!(!is_id_of(&digest, &format!("{id}0")));
    assert!(!is_id_of(&Sha256::digest(b"gridcarE"), &id));
}

/// A sealed file of no events, as the app writes one.
fn empty_file(at: DateTime<Utc>) -> String {
    Bundle::new("tab-A", at, Vec::new(), BTreeMap::new()).to_json()
}

/// The one-pass top level: "events" must be a list, whatever else it is
/// is refused by name; a document that is not an object is not a bundle.
#[test]
fn the_top_level_is_read_in_one_pass_and_events_must_be_a_list() {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
    let good = empty_file(now);
    assert_eq!(Validation::start(&good, now).unwrap().progress().total, 0);
    for not_a_list in ["{\"a\":[1,{}]}", "\"x\"", "7", "-7", "0.5", "true", "null"] {
        let text = good.replace("\"events\":[]", &format!("\"events\":{not_a_list}"));
        assert_ne!(text, good);
        assert!(
            matches!(Validation::start(&text, now), Err(BundleError::BadField { ref field, .. }) if field == "events"),
            "{not_a_list}"
        );
    }
    let missing = good.replace("\"events\":[],", "");
    assert_ne!(missing, good);
    assert!(
        matches!(Validation::start(&missing, now), Err(BundleError::BadField { ref field, .. }) if field == "events")
    );
    assert!(matches!(
        Validation::start("[1,2]", now),
        Err(BundleError::NotObject)
    ));
    assert!(matches!(
        Validation::start("{\"format\":", now),
        Err(BundleError::NotJson { .. })
    ));
}

/// A number beyond f64 inside an event (`1e400`) is valid JSON syntax: the
/// file is refused with a message, never a panic (found by the changed-byte
/// property test).
#[test]
fn a_number_out_of_range_in_an_event_is_refused_not_a_panic() {
    let events = demo_of(2, 3);
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
    let text = Bundle::new("tab-A", now, events, BTreeMap::new()).to_json();
    // Pretty-print the first event's hlc so it leaves the fast path, with
    // its number out of range.
    let at = text.find("\"hlc\":{\"ms\":").unwrap();
    let end = at + text[at..].find('}').unwrap() + 1;
    let changed = format!(
        "{}\"hlc\": {{\"ms\": 1e400, \"n\": 0}}{}",
        &text[..at],
        &text[end..]
    );
    let refused = Bundle::parse(&changed, now).unwrap_err();
    assert!(
        matches!(
            refused,
            BundleError::BadEvent { .. }
                | BundleError::BadField { .. }
                | BundleError::NotJson { .. }
        ),
        "{refused:?}"
    );
}

/// The parts a `Splitter` finds, fed `text` in pieces of `size` bytes: the
/// top level (read as JSON) and event count from the first pass, the
/// events' texts from the second.
fn split_in_pieces(text: &str, size: usize) -> Result<SplitParts, split::Unsplittable> {
    use split::Splitter;
    let mut top = Splitter::for_top_level();
    for piece in text.as_bytes().chunks(size) {
        top.feed(piece)?;
    }
    let (top, count) = top.finish()?;
    let mut events = Splitter::for_events();
    let mut texts = Vec::new();
    for piece in text.as_bytes().chunks(size) {
        events.feed(piece)?;
        texts.extend(events.take_events());
        if events.past_events() {
            break;
        }
    }
    let top = serde_json::from_str(&top).expect("the top level is JSON");
    Ok((top, count, texts))
}

use serde_json::{Map, Value};

/// A file's top level, its number of events, and their texts.
type SplitParts = (Map<String, Value>, usize, Vec<String>);

/// A file split as its bytes arrive, in pieces of any size, gives the top
/// level and the event texts the one-pass reading gives, and a validation
/// fed those parts gives the same bundle; for the app's own files, pretty
/// ones, ones with a byte-order mark, and events whose strings hold
/// brackets, braces, quotes and commas.
#[test]
fn a_file_split_as_it_arrives_gives_the_parts_of_a_whole_reading() {
    let anchor = Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
    let mut events = demo_of(12, 3);
    for (i, text) in [
        r#"他说"没电了"\ {括号} [方括号] , : "#,
        "}]},[{\"",
        "\\\\\"",
    ]
    .iter()
    .enumerate()
    {
        let mut e = events[i].clone();
        e.body = EventBody::Note {
            text: text.to_string(),
        };
        e.seq = 1_000 + i as u64;
        e.id = e.content_id();
        events.push(e);
    }
    let attachment = Attachment {
        mime: "image/png".into(),
        data: "iVBORw0KGgo=".into(),
    };
    let bundle = Bundle::new(
        "tab-A",
        anchor,
        events,
        BTreeMap::from([(sha256_id(b"\x89PNG\r\n\x1a\n"), attachment)]),
    );
    let own = bundle.to_json();
    let pretty = serde_json::to_string_pretty(&bundle).unwrap();
    let marked = format!("\u{feff}{own}");
    // The events first, the other members after them and around them.
    let value: Value = serde_json::from_str(&own).unwrap();
    let Value::Object(map) = &value else {
        unreachable!()
    };
    let reordered = format!(
        "{{ \"events\" : {} ,\n{} }}",
        serde_json::to_string(&map["events"]).unwrap(),
        map.iter()
            .filter(|(k, _)| *k != "events")
            .map(|(k, v)| format!("{}:{}", serde_json::to_string(k).unwrap(), v))
            .collect::<Vec<_>>()
            .join(" , ")
    );
    let whole = Bundle::parse(&own, now).unwrap();
    for (what, text) in [
        ("own", &own),
        ("pretty", &pretty),
        ("marked", &marked),
        ("reordered", &reordered),
    ] {
        let read: TopLevel<&serde_json::value::RawValue> =
            serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
        let raw: Vec<&str> = read.events.unwrap().iter().map(|r| r.get()).collect();
        for size in [1, 2, 7, 100, 4096, text.len()] {
            let (top, count, texts) =
                split_in_pieces(text, size).unwrap_or_else(|_| panic!("{what}, {size}"));
            assert_eq!(top, read.header, "{what}, pieces of {size}");
            assert_eq!(count, raw.len(), "{what}, pieces of {size}");
            assert_eq!(texts, raw, "{what}, pieces of {size}");
        }
        let (top, count, texts) = split_in_pieces(text, 333).unwrap();
        let top = serde_json::to_string(&top).unwrap();
        let mut validation = split::start_split(&top, now).unwrap();
        validation.expect(count);
        validation.add_events(texts).unwrap();
        while !validation.step(5).unwrap().is_done() {}
        assert_eq!(validation.finish().unwrap(), whole, "{what}");
    }
}

/// What cannot be split is said, never guessed: a file cut short anywhere,
/// no events list or two of them, a list of something else, an empty
/// event, bytes after the end. (Such a file is then read whole, which
/// names the problem.) Nothing panics on any byte.
#[test]
fn a_file_that_cannot_be_split_is_said_to_be_so() {
    let empty = empty_file(Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap());
    let one = empty.replace("\"events\":[]", "\"events\":[{\"a\":\"]\"}]");
    assert!(split_in_pieces(&one, 3).is_ok());
    for cut in 0..one.len() {
        assert!(split_in_pieces(&one[..cut], 5).is_err(), "cut at {cut}");
    }
    for bad in [
        empty.replace("\"events\":[],", ""),
        empty.replace("\"events\":[]", "\"events\":[],\"events\":[]"),
        empty.replace("\"events\":[]", "\"events\":{}"),
        empty.replace("\"events\":[]", "\"events\":[{},]"),
        empty.replace("\"events\":[]", "\"events\":[,{}]"),
        empty.replace("\"events\":[]", "\"events\":[{}],"),
        format!("{empty} x"),
        format!("[{empty}]"),
        "{}".to_string(),
    ] {
        assert!(split_in_pieces(&bad, 4).is_err(), "{bad}");
    }
    // A byte-order mark cut short, or after white space.
    for start in [&b"\xEF{"[..], b"\xEF\xBB{", b" \xEF\xBB\xBF{", b"\xBB\xBF{"] {
        let bytes = [start, &one.as_bytes()[1..]].concat();
        let mut s = split::Splitter::for_top_level();
        let split = s.feed(&bytes).and_then(|()| s.finish().map(|_| ()));
        assert!(split.is_err(), "{:?}", &bytes[..4]);
    }
    // White space JSON does not know stays with the event, whose reading
    // then refuses it.
    for odd in ['\u{c}', '\u{3000}', '\u{a0}'] {
        let text = one.replace("}]", &format!("}}{odd}]"));
        let (_, _, texts) = split_in_pieces(&text, 4).unwrap();
        assert!(texts[0].ends_with(odd), "{odd:?}");
    }
    let mut rng = crate::domain::demo::Rng::new(7);
    for _ in 0..2_000 {
        let mut bytes = one.clone().into_bytes();
        let at = rng.below(bytes.len());
        let pool = b"{}[]\",:\\ a\x00\xff";
        bytes[at] = pool[rng.below(pool.len())];
        let mut s = split::Splitter::for_top_level();
        let _ = s.feed(&bytes).and_then(|()| s.finish().map(|_| ()));
    }
}
