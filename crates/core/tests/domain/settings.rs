//! Rule-table and calendar changes as events: every device that holds the
//! same events applies the same rules, whatever order the events came in; a
//! table that does not validate is refused and named, never half-applied.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use gridcare_core::domain::event::{Event, EventBody, Hlc, NewEvent};
use gridcare_core::domain::rules::RuleTable;
use gridcare_core::domain::settings::{next_version, settings, Why, SETTINGS_STREAM};
use gridcare_core::domain::trust::roster::Authority;
use gridcare_core::domain::trust::DeviceKey;

/// A device whose roots are the supervisors that publish in these tests
/// (who may publish is tested in `trust.rs`).
fn trusted() -> Authority {
    let keys: std::collections::BTreeMap<String, String> = ["sup", "sup-a", "sup-b"]
        .into_iter()
        .enumerate()
        .map(|(n, d)| {
            (
                d.to_string(),
                DeviceKey::from_seed([n as u8 + 1; 32]).public(),
            )
        })
        .collect();
    let roots: Vec<String> = keys.values().cloned().collect();
    Authority::new(&roots, &[], keys, None)
}

fn event(device: &str, minutes: i64, body: EventBody) -> Event {
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap() + Duration::minutes(minutes);
    NewEvent {
        ticket: SETTINGS_STREAM.into(),
        device: device.into(),
        seq: minutes as u64,
        at,
        hlc: Hlc {
            ms: at.timestamp_millis(),
            n: 0,
        },
        author: "督办".into(),
        parents: vec![],
        body,
    }
    .seal()
}

fn publish(device: &str, minutes: i64, edit: impl Fn(&mut RuleTable)) -> Event {
    let mut table = RuleTable::shipped();
    edit(&mut table);
    event(
        device,
        minutes,
        EventBody::RulesPublished {
            table: serde_json::to_string(&table).unwrap(),
            reason: "test".into(),
        },
    )
}

#[test]
fn the_latest_valid_publication_is_in_force_on_every_device() {
    let shipped = RuleTable::shipped();
    assert_eq!(settings(&[], &trusted()).table, shipped);
    let first = publish("sup-a", 1, |t| {
        t.version = next_version(&t.version);
        t.high_frequency.min_count = 5;
    });
    let second = publish("sup-b", 2, |t| {
        t.version = next_version(&next_version(&t.version));
        t.high_frequency.min_count = 7;
    });
    let broken = publish("sup-a", 3, |t| {
        t.version = "broken".into();
        t.high_frequency.share = 2.0;
    });
    let events = vec![first.clone(), second.clone(), broken.clone()];
    let s = settings(&events, &trusted());
    assert_eq!(
        s.table.high_frequency.min_count, 7,
        "the later publication wins"
    );
    assert_eq!(s.table.version, format!("{}.e2", shipped.version));
    assert_eq!(s.publications.len(), 2);
    assert_eq!(s.rejected.len(), 1);
    assert_eq!(s.rejected[0].event, broken.id);
    assert!(
        matches!(&s.rejected[0].why, Why::Invalid(why) if why.contains("share")),
        "{:?}",
        s.rejected[0].why
    );
    // Another order, duplicates: the same result.
    let mut shuffled = vec![broken, second.clone(), first.clone(), second];
    shuffled.rotate_left(1);
    let t = settings(&shuffled, &trusted());
    assert_eq!(t.table, s.table);
    assert_eq!(t.publications, s.publications);
}

#[test]
fn calendar_changes_travel_as_events() {
    let year_2027 = r#"{"year": 2027, "days": [
        {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
        {"name": "春节", "date": "2027-02-06", "isOffDay": false}
    ]}"#;
    let events = vec![
        event(
            "sup",
            1,
            EventBody::CalendarYearSet {
                year: year_2027.into(),
            },
        ),
        // A typhoon day off on a Wednesday, then a Saturday made a working day.
        event(
            "sup",
            2,
            EventBody::CalendarDaySet {
                date: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
                working: false,
                name: Some("台风停工".into()),
            },
        ),
        event(
            "sup",
            3,
            EventBody::CalendarYearSet {
                year: "not json".into(),
            },
        ),
    ];
    let s = settings(&events, &trusted());
    assert!(s.calendar.knows_year(2027));
    assert!(
        !s.calendar
            .day(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
            .working
    );
    assert!(
        s.calendar
            .day(NaiveDate::from_ymd_opt(2027, 2, 6).unwrap())
            .working
    );
    assert!(
        !s.calendar
            .day(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap())
            .working
    );
    assert_eq!(s.calendar_changes, 2);
    assert_eq!(s.rejected.len(), 1);
    // Setting the day back to working makes it an ordinary Wednesday again.
    let mut more = events.clone();
    more.push(event(
        "sup",
        4,
        EventBody::CalendarDaySet {
            date: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
            working: true,
            name: None,
        },
    ));
    let day = settings(&more, &trusted())
        .calendar
        .day(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
    assert!(day.working && day.name.is_none());
}

#[test]
fn versions_count_edits() {
    assert_eq!(next_version("2026.11-1"), "2026.11-1.e1");
    assert_eq!(next_version("2026.11-1.e1"), "2026.11-1.e2");
    assert_eq!(next_version("2026.11-1.e9"), "2026.11-1.e10");
}

#[test]
fn a_published_tariff_replaces_the_sample() {
    let shipped = include_str!("../../src/domain/data/tariff.json");
    let local = shipped
        .replace("\"sample\": true", "\"sample\": false")
        .replace("sample-2026.11", "本地-2027.01")
        .replacen("0.5653", "0.4883", 2);
    let events = vec![
        event(
            "sup",
            1,
            EventBody::TariffPublished {
                tariff: local,
                reason: "物价局文件".into(),
            },
        ),
        event(
            "sup",
            2,
            EventBody::TariffPublished {
                tariff: "{}".into(),
                reason: "坏文件".into(),
            },
        ),
    ];
    let s = settings(&events, &trusted());
    assert!(!s.tariff.sample, "{:?}", s.rejected);
    assert_eq!(s.tariff.version, "本地-2027.01");
    assert_eq!(
        s.rejected.len(),
        1,
        "the broken file is refused, the good one stays"
    );
    let bill = s.tariff.tiered(
        gridcare_core::domain::tariff::Kwh::parse("100").unwrap(),
        gridcare_core::domain::tariff::Basis::Month,
    );
    assert_eq!(bill.total.to_string(), "48.83");
}

#[test]
fn an_import_preview_names_the_settings_a_file_carries_and_whether_they_apply() {
    use gridcare_core::domain::settings::{carried, Carried, Change};
    let day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let events = vec![
        publish("sup", 1, |t| t.high_frequency.min_count = 7),
        event(
            "stranger",
            2,
            EventBody::CalendarDaySet {
                date: day,
                working: false,
                name: Some("假日".into()),
            },
        ),
    ];
    let version = RuleTable::shipped().version;
    let new: Vec<&Event> = events.iter().collect();
    assert_eq!(
        carried(&[], &new, &trusted()),
        vec![
            Carried {
                change: Change::Rules(version),
                applies: true
            },
            Carried {
                change: Change::CalendarDay(day),
                applies: false
            },
        ]
    );
    // A table that does not validate is named, and said not to apply.
    let broken = [publish("sup", 3, |t| t.high_frequency.min_count = 0)];
    let new: Vec<&Event> = broken.iter().collect();
    let said = carried(&events, &new, &trusted());
    assert_eq!(said.len(), 1);
    assert!(!said[0].applies, "{said:?}");
}
