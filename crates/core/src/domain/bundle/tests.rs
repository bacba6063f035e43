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

/// The canonical form built from an event's text equals the one built
/// through a JSON tree, for every event the demo writes (all kinds), and
/// the id taken out of it is the event's.
#[test]
fn the_canonical_form_from_text_equals_the_one_from_a_tree() {
    let classifier = Classifier::new(RuleTable::shipped());
    let events = demo_events(
        &classifier,
        &DemoOptions {
            tickets: 40,
            seed: 11,
            device: "tab-A",
            anchor: Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap(),
        },
    );
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
        e.parents = vec![format!("p{i}"), "q".into()];
        e.id = e.content_id();
        events.push(e);
    }
    let mut out = Vec::new();
    for event in &events {
        let text = serde_json::to_string(event).unwrap();
        let OwnForm {
            id_range: range,
            id,
            members,
        } = own_canonical(&text, &mut out).expect("the app's own form");
        let mut buffer = Vec::new();
        assert_eq!(
            read_own_form(&text, &members, &mut buffer).as_ref(),
            Some(event),
            "read through the nested layout"
        );
        let tree = canonical(&serde_json::to_value(event).unwrap());
        assert_eq!(String::from_utf8(out.clone()).unwrap(), tree);
        assert_eq!(id, event.id);
        let mut without = out[..range.start].to_vec();
        without.extend_from_slice(&out[range.end..]);
        assert_eq!(sha256_id(&without), event.id);
    }
    assert!(events.len() > 100);
    // Not the app's compact form: left to the JSON tree.
    let pretty = serde_json::to_string_pretty(&events[0]).unwrap();
    assert!(own_canonical(&pretty, &mut out).is_none());
    let escaped_key =
        serde_json::to_string(&events[0])
            .unwrap()
            .replacen("\"ticket\"", "\"tick\\u0065t\"", 1);
    assert!(own_canonical(&escaped_key, &mut out).is_none());
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
        let _ = own_canonical(text, &mut out);
    }
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

/// The one-pass top level: "events" must be a list, whatever else it is
/// is refused by name; a document that is not an object is not a bundle.
#[test]
fn the_top_level_is_read_in_one_pass_and_events_must_be_a_list() {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
    let mut bundle = Bundle::new("tab-A", now, Vec::new(), BTreeMap::new());
    bundle.seal();
    let good = bundle.to_json();
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
    let classifier = Classifier::new(RuleTable::shipped());
    let events = demo_events(
        &classifier,
        &DemoOptions {
            tickets: 2,
            seed: 3,
            device: "tab-A",
            anchor: Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap(),
        },
    );
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
