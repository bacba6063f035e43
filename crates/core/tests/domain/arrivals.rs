//! What sync announces to a crew: a ticket made 一级 elsewhere, or one sent
//! to the crew's team, still so once the whole batch is folded in; never
//! what this device wrote itself, nor a ticket already closed.

use chrono::{DateTime, Duration, TimeZone, Utc};
use gridcare_core::domain::arrivals::{arrivals, Arrival, Why};
use gridcare_core::domain::device::Device;
use gridcare_core::domain::event::{Channel, Event, EventBody};
use gridcare_core::domain::facts::Facts;
use gridcare_core::domain::ticket::fold_all;

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn created(by: &mut Device, ticket: &str, team: Option<&str>, minutes: i64) -> Event {
    by.mint(
        ticket,
        "坐席",
        vec![],
        EventBody::Created {
            number: format!("HL-{ticket}"),
            channel: Channel::Hotline,
            text: format!("{ticket}：电线掉在路边，有触电危险，请马上来人处理，谢谢"),
            facts: Facts::default(),
            contact: Default::default(),
            station: Some("城东供电所".into()),
            team: team.map(str::to_string),
        },
        at(minutes),
    )
}

fn classified(by: &mut Device, ticket: &str, grade: u8, minutes: i64) -> Event {
    by.mint(
        ticket,
        "坐席",
        vec![],
        EventBody::Classified {
            kind: "fault_repair".into(),
            category: "safety".into(),
            subcategory: None,
            grade: Some(grade),
            facts: Facts::default(),
            rule_table_version: "test".into(),
            rules: vec![],
        },
        at(minutes),
    )
}

fn body(by: &mut Device, ticket: &str, body: EventBody, minutes: i64) -> Event {
    by.mint(ticket, "班长", vec![], body, at(minutes))
}

fn announced(arrived: &[Event], held: &[Event], team: Option<&str>) -> Vec<(String, Vec<Why>)> {
    let all: Vec<Event> = held.iter().chain(arrived).cloned().collect();
    let tickets = fold_all(&all);
    arrivals(arrived, "tab-me", team, |id| tickets.get(id))
        .into_iter()
        .map(|Arrival { number, why, .. }| (number, why))
        .collect()
}

#[test]
fn urgent_and_sent_here_are_announced_once_with_both_reasons() {
    let mut hotline = Device::new("hotline".into());
    let arrived = vec![
        created(&mut hotline, "t1", Some("抢修一班"), 0),
        classified(&mut hotline, "t1", 1, 1),
        created(&mut hotline, "t2", None, 2),
        classified(&mut hotline, "t2", 1, 3),
        created(&mut hotline, "t3", Some("抢修二班"), 4),
        classified(&mut hotline, "t3", 3, 5),
        created(&mut hotline, "t4", None, 6),
        classified(&mut hotline, "t4", 2, 7),
        body(
            &mut hotline,
            "t4",
            EventBody::Dispatched {
                team: " 抢修一班 ".into(),
            },
            8,
        ),
    ];
    assert_eq!(
        announced(&arrived, &[], Some("抢修一班")),
        [
            ("HL-t1".to_string(), vec![Why::Urgent, Why::ToMyTeam]),
            ("HL-t2".to_string(), vec![Why::Urgent]),
            ("HL-t4".to_string(), vec![Why::ToMyTeam]),
        ]
    );
    // Dispatched later, in a batch of its own: the ticket is held already.
    let held = vec![
        created(&mut hotline, "t9", None, 9),
        classified(&mut hotline, "t9", 3, 10),
    ];
    let later = vec![body(
        &mut hotline,
        "t9",
        EventBody::Dispatched {
            team: "抢修一班".into(),
        },
        11,
    )];
    assert_eq!(
        announced(&later, &held, Some("抢修一班")),
        [("HL-t9".to_string(), vec![Why::ToMyTeam])]
    );
    // A device with no team hears only of urgent tickets.
    let urgent: Vec<String> = announced(&arrived, &[], None)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(urgent, ["HL-t1", "HL-t2"]);
}

#[test]
fn nothing_is_announced_that_no_longer_holds_or_that_this_device_wrote() {
    let mut hotline = Device::new("hotline".into());
    let mut me = Device::new("tab-me".into());
    let held = vec![created(&mut hotline, "t5", None, 0)];
    let arrived = vec![
        // Sent here, then on to another team in the same batch.
        body(
            &mut hotline,
            "t5",
            EventBody::Dispatched {
                team: "抢修一班".into(),
            },
            1,
        ),
        body(
            &mut hotline,
            "t5",
            EventBody::Reassigned {
                team: "抢修二班".into(),
                reason: "就近".into(),
            },
            2,
        ),
        // Urgent, but closed by the time it arrives.
        created(&mut hotline, "t6", None, 3),
        classified(&mut hotline, "t6", 1, 4),
        body(
            &mut hotline,
            "t6",
            EventBody::Voided {
                reason: "重复工单".into(),
            },
            5,
        ),
        // Made urgent here: this crew knows.
        created(&mut me, "t7", Some("抢修一班"), 6),
        classified(&mut me, "t7", 1, 7),
        // Urgent once, downgraded in the same batch.
        created(&mut hotline, "t8", None, 8),
        classified(&mut hotline, "t8", 1, 9),
        body(
            &mut hotline,
            "t8",
            EventBody::Reclassified {
                kind: "fault_repair".into(),
                category: "safety".into(),
                subcategory: None,
                grade: Some(3),
                reason: "核实后无危险".into(),
            },
            10,
        ),
    ];
    assert_eq!(announced(&arrived, &held, Some("抢修一班")), []);
}
