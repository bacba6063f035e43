//! Repeat complainants and special groups (rules.md §3): who is flagged, by
//! which complaints, and within which window.

use chrono::{DateTime, Duration, TimeZone, Utc};
use gridcare_core::domain::care::{phone_key, CareFlags, Complaints, REPEAT_WINDOW_DAYS};
use gridcare_core::domain::event::{Channel, Contact, EventBody, Hlc, NewEvent};
use gridcare_core::domain::facts::Facts;
use gridcare_core::domain::ticket::{fold_all, Status, TicketState};

fn day(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 2, 0, 0).unwrap() + Duration::days(n)
}

/// One ticket, received on `day`, of `kind`, from `phone`.
fn ticket(id: &str, received: DateTime<Utc>, kind: &str, phone: &str) -> TicketState {
    let created = NewEvent {
        ticket: id.into(),
        device: "tab-1".into(),
        seq: 1,
        at: received,
        hlc: Hlc {
            ms: received.timestamp_millis(),
            n: 0,
        },
        author: "坐席".into(),
        parents: vec![],
        body: EventBody::Created {
            number: format!("N-{id}"),
            channel: Channel::Hotline,
            text: "电压不稳".into(),
            facts: Facts::default(),
            contact: Contact {
                phone: Some(phone.into()),
                ..Default::default()
            },
            station: None,
            team: None,
        },
    }
    .seal();
    let classified = NewEvent {
        ticket: id.into(),
        device: "tab-1".into(),
        seq: 2,
        at: received,
        hlc: Hlc {
            ms: received.timestamp_millis(),
            n: 1,
        },
        author: "坐席".into(),
        parents: vec![created.id.to_string()],
        body: EventBody::Classified {
            kind: kind.into(),
            category: "supply_quality".into(),
            subcategory: None,
            grade: Some(3),
            facts: Facts::default(),
            rule_table_version: "test".into(),
            rules: vec![],
        },
    }
    .seal();
    fold_all(&[created, classified]).remove(id).unwrap()
}

#[test]
fn phones_compare_by_their_digits_and_masked_ones_never() {
    assert_eq!(phone_key("138-1234-5678").as_deref(), Some("13812345678"));
    assert_eq!(
        phone_key("+86 138 1234 5678").as_deref(),
        Some("13812345678")
    );
    assert_eq!(phone_key("0571-8888 6666").as_deref(), Some("057188886666"));
    assert_eq!(phone_key("138****5678"), None);
    assert_eq!(phone_key("12"), None);
}

#[test]
fn another_complaint_in_the_ninety_days_before_makes_a_repeat_complainant() {
    let first = ticket("a", day(0), "complaint", "13812345678");
    // The same customer, written another way, 89 days later.
    let second = ticket(
        "b",
        day(REPEAT_WINDOW_DAYS - 1),
        "complaint",
        "+86 138 1234 5678",
    );
    // 91 days after the first and two after the second.
    let third = ticket("c", day(REPEAT_WINDOW_DAYS + 1), "complaint", "13812345678");
    // Much later: the last complaint is out of the window.
    let fourth = ticket("d", day(3 * REPEAT_WINDOW_DAYS), "complaint", "13812345678");
    // Another customer who complained, then asked a question: the question
    // comes from a customer who complained the day before.
    let other = ticket("e", day(1), "complaint", "13900000000");
    let asked = ticket("f", day(2), "consultation", "13900000000");
    // A third who asked first and complained after: a question is no
    // complaint to count.
    let curious = ticket("g", day(1), "consultation", "13700000000");
    let then = ticket("h", day(3), "complaint", "13700000000");
    let all = [
        &first, &second, &third, &fourth, &other, &asked, &curious, &then,
    ];
    let complaints = Complaints::of(all);
    let flagged: Vec<&str> = all
        .iter()
        .filter(|t| complaints.is_repeat(t))
        .map(|t| t.id.as_str())
        .collect();
    // The first is not a repeat of itself; the second and third each follow
    // one within 90 days; the fourth follows none.
    assert_eq!(flagged, ["b", "c", "f"]);
    assert_eq!(
        complaints.earlier("13812345678", day(REPEAT_WINDOW_DAYS + 1), Some("c")),
        ["b"]
    );
    // At intake, before the new ticket exists: both earlier ones count.
    assert_eq!(
        complaints.earlier("138 1234 5678", day(REPEAT_WINDOW_DAYS - 1), None),
        ["a", "b"]
    );
    assert!(complaints.earlier("138****5678", day(10), None).is_empty());
}

#[test]
fn a_voided_complaint_does_not_count_and_flags_read_facts() {
    let mut first = ticket("a", day(0), "complaint", "13812345678");
    first.status = Status::Voided;
    let mut second = ticket("b", day(5), "complaint", "13812345678");
    let complaints = Complaints::of([&first, &second]);
    assert_eq!(CareFlags::of(&second, &complaints), CareFlags::default());
    second.facts.special_group = Some(true);
    let flags = CareFlags::of(&second, &complaints);
    assert!(flags.special_group && !flags.repeat_complainant && flags.any());
    // A fact set at intake stands even when the earlier ticket is not on this device.
    second.facts.repeat_complainant = Some(true);
    assert!(CareFlags::of(&second, &Complaints::default()).repeat_complainant);
}

#[test]
fn at_intake_an_earlier_complaint_sets_the_fact_unless_a_person_said_no() {
    let first = ticket("a", day(0), "complaint", "13812345678");
    let complaints = Complaints::of([&first]);
    let mut facts = Facts::default();
    complaints.derive_at_intake("138 1234 5678", day(30), &mut facts);
    assert_eq!(facts.repeat_complainant, Some(true));
    let mut later = Facts::default();
    complaints.derive_at_intake("13812345678", day(REPEAT_WINDOW_DAYS + 1), &mut later);
    assert_eq!(later.repeat_complainant, None);
    let mut said_no = Facts {
        repeat_complainant: Some(false),
        ..Default::default()
    };
    complaints.derive_at_intake("13812345678", day(30), &mut said_no);
    assert_eq!(said_no.repeat_complainant, Some(false));
}

#[test]
fn refreshing_one_ticket_at_a_time_gives_what_reading_them_all_gives() {
    use std::collections::BTreeMap;
    let phones = [
        "13812345678",
        "+86 138-1234-5678",
        "13900001111",
        "139****1111",
    ];
    let mut held: BTreeMap<String, TicketState> = BTreeMap::new();
    let mut complaints = Complaints::default();
    // A fixed walk through adds, changes of kind, phone and status, and removals.
    for step in 0..400usize {
        let id = format!("t{}", step * 7 % 23);
        let before = held.get(&id).cloned();
        let after = match step % 5 {
            4 => None,
            n => {
                let kind = if n == 1 { "consultation" } else { "complaint" };
                let mut t = ticket(
                    &id,
                    day((step % 11) as i64),
                    kind,
                    phones[step % phones.len()],
                );
                if step % 13 == 0 {
                    t.status = Status::Voided;
                }
                Some(t)
            }
        };
        let changed = complaints.refresh(before.as_ref(), after.as_ref());
        match &after {
            Some(t) => held.insert(id.clone(), t.clone()),
            None => held.remove(&id),
        };
        let whole = Complaints::of(held.values());
        assert!(
            complaints == whole,
            "step {step}: differs from reading every ticket"
        );
        if before == after {
            assert!(!changed, "step {step}: nothing changed, yet it said so");
        }
    }
    // The same ticket again changes nothing; nor does a change to what the
    // index does not list (a note's text), which readers are not told of.
    let t = ticket("z", day(3), "complaint", "13700001111");
    assert!(complaints.refresh(None, Some(&t)));
    assert!(!complaints.refresh(Some(&t), Some(&t)));
    let mut noted = t.clone();
    noted.text = "客户又来电催办".into();
    assert!(!complaints.refresh(Some(&t), Some(&noted)));
}
