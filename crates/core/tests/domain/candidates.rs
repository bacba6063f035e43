//! Learning from corrections: the words of corrected tickets that no rule
//! knows come back as candidates for the topic a person chose, and adding
//! one makes the engine read the next such text right.

use chrono::{TimeZone, Utc};
use gridcare_core::domain::candidates::{candidates, with_keyword};
use gridcare_core::domain::classify::Classifier;
use gridcare_core::domain::device::Device;
use gridcare_core::domain::event::{Channel, Contact, EventBody};
use gridcare_core::domain::facts::Facts;
use gridcare_core::domain::rules::RuleTable;
use gridcare_core::domain::ticket::fold_all;

/// A ticket as the crew's form records it: created, classified by the
/// engine, and (when `fix` names a topic) corrected by a person.
fn ticket(
    device: &mut Device,
    classifier: &Classifier,
    n: u32,
    text: &str,
    fix: Option<&str>,
) -> Vec<gridcare_core::domain::event::Event> {
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 2, n, 0).unwrap();
    let id = format!("t-{n}");
    let created = device.mint(
        &id,
        "王工",
        vec![],
        EventBody::Created {
            number: format!("T-20261120-{n:04}"),
            channel: Channel::Hotline,
            text: text.into(),
            facts: Facts::default(),
            contact: Contact::default(),
            station: None,
            team: None,
        },
        at,
    );
    let c = classifier.classify(text, &Facts::default());
    let classified = device.mint(
        &id,
        "王工",
        vec![created.id.to_string()],
        EventBody::classified(c),
        at,
    );
    let mut events = vec![created, classified];
    if let Some(sub) = fix {
        let (category, _) = classifier.table().subcategory(sub).unwrap();
        let body = EventBody::Reclassified {
            kind: "complaint".into(),
            category: category.code.clone(),
            subcategory: Some(sub.into()),
            grade: Some(3),
            reason: "坐席更正".into(),
        };
        let parent = events[1].id.to_string();
        events.push(device.mint(&id, "王工", vec![parent], body, at));
    }
    events
}

#[test]
fn words_of_corrected_tickets_become_candidates_and_one_step_adds_one() {
    // The rules alone: the n-gram model beside them may have learned the
    // phrase below from the corpora, and this is about what no rule knows.
    let classifier = Classifier::rules_only(RuleTable::shipped());
    let mut device = Device::new("dev-0000aaaa".into());
    // A way of saying "rude" that no rule knows, in three corrected tickets;
    // one more ticket with the word but not corrected, and one corrected
    // ticket the engine already reads right.
    let texts = [
        ("师傅嘴巴毒得很，句句夹枪带棒", Some("rude_attitude")),
        ("接线员嘴巴毒，还夹枪带棒的", Some("rude_attitude")),
        ("那个收费的嘴巴毒，听着真难受", Some("rude_attitude")),
        ("嘴巴毒的人不少", None),
        ("客服态度恶劣，骂人", Some("rude_attitude")),
    ];
    let mut events = Vec::new();
    for (n, (text, fix)) in texts.iter().enumerate() {
        events.extend(ticket(&mut device, &classifier, n as u32 + 1, text, *fix));
    }
    let tickets = fold_all(&events);
    let before = classifier.classify("营业员嘴巴毒，说话难受", &Facts::default());
    assert_ne!(before.subcategory.as_deref(), Some("rude_attitude"));

    let groups = candidates(tickets.values(), &classifier);
    assert_eq!(groups.len(), 1, "{groups:?}");
    let rude = &groups[0];
    assert_eq!(rude.subcategory, "rude_attitude");
    assert_eq!(
        rude.corrected_tickets, 3,
        "the one the engine reads right is left out"
    );
    let top = &rude.words[0];
    assert_eq!(
        (top.word.as_str(), top.count),
        ("嘴巴毒", 3),
        "{:?}",
        rude.words
    );
    assert_eq!(top.examples.len(), 3);
    assert!(
        rude.words
            .iter()
            .all(|c| c.word != "嘴巴" && c.word != "巴毒"),
        "a shorter word found as often as a longer one is not shown: {:?}",
        rude.words
    );
    assert!(rude
        .words
        .iter()
        .any(|c| c.word == "夹枪带棒" && c.count == 2));
    assert!(
        rude.words
            .iter()
            .all(|c| !c.word.starts_with('的') && !c.word.ends_with('，')),
        "no particle or punctuation at an edge"
    );

    // One step: the next version of the table knows it.
    let table = with_keyword(classifier.table(), "rude_attitude", &top.word, 4.0);
    assert_eq!(table.version, format!("{}.e1", classifier.table().version));
    let json = serde_json::to_string(&table).unwrap();
    // The rules alone again, as above: this is about what the rules know.
    let published =
        Classifier::rules_only(RuleTable::from_json(&json).expect("still a valid table"));
    let after = published.classify("营业员嘴巴毒，说话难受", &Facts::default());
    assert_eq!(after.subcategory.as_deref(), Some("rude_attitude"));
    assert!(after
        .rules
        .iter()
        .any(|r| r.matched.iter().any(|w| w == "嘴巴毒")));
    // Once known, it is no longer a candidate.
    let again = candidates(tickets.values(), &published);
    assert!(again
        .iter()
        .flat_map(|g| &g.words)
        .all(|c| !c.word.contains("嘴巴毒")));
}
