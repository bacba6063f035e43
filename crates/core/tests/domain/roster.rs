//! The roster: who may change what every device applies. Settings and
//! incident notices count only when signed by a root or by a supervisor a
//! counted enrolment names with that key, and not revoked when it wrote
//! them; a stranger's enrolment of itself counts for nothing.

use chrono::{DateTime, Duration, TimeZone, Utc};
use gridcare_core::domain::device::Device;
use gridcare_core::domain::event::{Event, EventBody};
use gridcare_core::domain::incident::{for_station, incidents};
use gridcare_core::domain::rules::RuleTable;
use gridcare_core::domain::settings::{settings, Why, SETTINGS_STREAM};
use gridcare_core::domain::trust::roster::{
    self_enrolled_supervisor, Authority, DeviceRole, Standing, Voucher, ROSTER_STREAM,
};
use gridcare_core::domain::trust::DeviceKey;
use std::collections::BTreeMap;

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap() + Duration::minutes(minutes)
}

/// The utility's root supervisor, a supervisor it enrols, and a stranger.
struct World {
    hq: Device,
    sup: Device,
    evil: Device,
    keys: BTreeMap<String, String>,
    root: String,
}

fn key(n: u8) -> String {
    DeviceKey::from_seed([n; 32]).public()
}

fn world() -> World {
    let keys = BTreeMap::from([
        ("hq".to_string(), key(1)),
        ("sup-2".to_string(), key(2)),
        ("evil".to_string(), key(3)),
    ]);
    World {
        hq: Device::new("hq".into()),
        sup: Device::new("sup-2".into()),
        evil: Device::new("evil".into()),
        root: key(1),
        keys,
    }
}

fn enrol(by: &mut Device, device: &str, key: String, minutes: i64) -> Event {
    by.mint(
        ROSTER_STREAM,
        "主任",
        vec![],
        EventBody::DeviceEnrolled {
            subject: device.into(),
            key,
            name: format!("{device} 的平板"),
            station: "城东供电所".into(),
            role: DeviceRole::Supervisor,
        },
        at(minutes),
    )
}

fn publish(by: &mut Device, min_count: u32, minutes: i64) -> Event {
    let mut table = RuleTable::shipped();
    table.version = format!("{}.e{min_count}", table.version);
    table.high_frequency.min_count = min_count;
    by.mint(
        SETTINGS_STREAM,
        "主任",
        vec![],
        EventBody::RulesPublished {
            table: serde_json::to_string(&table).unwrap(),
            reason: "test".into(),
        },
        at(minutes),
    )
}

fn declare(by: &mut Device, minutes: i64) -> Vec<Event> {
    let stream = format!("incident:{}", by.id);
    let declared = by.mint(
        &stream,
        "主任",
        vec![],
        EventBody::IncidentDeclared {
            station: "城东供电所".into(),
            cause: "线路故障".into(),
            expected_restoration: at(600),
        },
        at(minutes),
    );
    let notice = by.mint(
        &stream,
        "主任",
        vec![declared.id.to_string()],
        EventBody::IncidentNotice {
            text: format!("{} 的通知：停电补偿请扫码", by.id),
        },
        at(minutes + 1),
    );
    vec![declared, notice]
}

fn authority(w: &World, events: &[Event], own: Option<&str>) -> Authority {
    Authority::new(
        std::slice::from_ref(&w.root),
        events,
        w.keys.clone(),
        own.map(str::to_string),
    )
}

#[test]
fn settings_and_incidents_count_only_from_enrolled_supervisors() {
    let mut w = world();
    let mut events = vec![enrol(&mut w.hq, "sup-2", key(2), 0)];
    events.push(publish(&mut w.sup, 6, 5));
    events.push(publish(&mut w.evil, 9, 6));
    // The stranger enrols itself as a supervisor: that counts for nothing.
    events.push(enrol(&mut w.evil, "evil", key(3), 4));
    events.extend(declare(&mut w.evil, 7));
    events.extend(declare(&mut w.sup, 8));

    let here = authority(&w, &events, None);
    let s = settings(&events, &here);
    assert_eq!(
        s.table.high_frequency.min_count, 6,
        "the supervisor's table"
    );
    assert_eq!(
        s.rejected.iter().map(|r| r.why.clone()).collect::<Vec<_>>(),
        vec![Why::NotSupervisor {
            device: "evil".into()
        }]
    );
    let all = incidents(&events, &here);
    assert_eq!(all.len(), 1, "only the supervisor's incident");
    assert_eq!(all[0].declared_by, "主任");
    assert!(all[0].id.ends_with("sup-2"));
    let banner: Vec<&str> = for_station(&all, Some("城东供电所"))
        .iter()
        .flat_map(|i| i.latest_notice())
        .map(|n| n.text.as_str())
        .collect();
    assert_eq!(
        banner,
        ["sup-2 的通知：停电补偿请扫码"],
        "the kiosk's banner"
    );
    assert_eq!(here.roster.refused.len(), 1, "the self-enrolment");
    assert_eq!(here.roster.refused[0].device, "evil");
    assert!(matches!(here.standing("evil"), Standing::Unenrolled));
    assert!(
        matches!(here.standing("sup-2"), Standing::Enrolled(e) if e.role == DeviceRole::Supervisor)
    );

    // On the stranger's own device its own changes apply (only there).
    let theirs = authority(&w, &events, Some("evil"));
    assert_eq!(settings(&events, &theirs).table.high_frequency.min_count, 9);
    // A device with no root trusts no one else's changes.
    let nobody = Authority::new(&[], &events, w.keys.clone(), None);
    assert_eq!(settings(&events, &nobody).table, RuleTable::shipped());
    assert!(incidents(&events, &nobody).is_empty());
}

#[test]
fn a_revoked_supervisor_counts_before_its_revocation_only() {
    let mut w = world();
    let mut events = vec![enrol(&mut w.hq, "sup-2", key(2), 0)];
    events.push(publish(&mut w.sup, 6, 5));
    events.push(w.hq.mint(
        ROSTER_STREAM,
        "主任",
        vec![],
        EventBody::DeviceRevoked {
            subject: "sup-2".into(),
            reason: "平板丢失".into(),
        },
        at(10),
    ));
    events.push(publish(&mut w.sup, 8, 20));
    let here = authority(&w, &events, None);
    let s = settings(&events, &here);
    assert_eq!(s.table.high_frequency.min_count, 6);
    assert_eq!(s.rejected.len(), 1);
    assert!(matches!(here.standing("sup-2"), Standing::Revoked(_)));
    assert_eq!(here.roster.revoked_at("sup-2"), Some(at(10)));
}

#[test]
fn the_voucher_tells_enrolled_root_stranger_revoked_demo_and_unsigned_apart() {
    let mut w = world();
    let events = vec![
        enrol(&mut w.hq, "sup-2", key(2), 0),
        w.hq.mint(
            ROSTER_STREAM,
            "主任",
            vec![],
            EventBody::DeviceRevoked {
                subject: "sup-2".into(),
                reason: "平板丢失".into(),
            },
            at(10),
        ),
        enrol(&mut w.hq, "tab-3", key(4), 11),
    ];
    let roster = authority(&w, &events, None).roster;
    let v = |device: &str, key: Option<&str>| roster.voucher(device, key);
    assert_eq!(v("hq", Some(&key(1))), Voucher::Enrolled, "a root");
    assert_eq!(v("tab-3", Some(&key(4))), Voucher::Enrolled);
    assert_eq!(
        v("tab-3", Some(&key(5))),
        Voucher::Unenrolled,
        "enrolled with another key"
    );
    assert_eq!(v("sup-2", Some(&key(2))), Voucher::Revoked);
    assert_eq!(v("evil", Some(&key(3))), Voucher::Unenrolled);
    let demo = DeviceKey::demo("tab-demo").public();
    assert_eq!(v("tab-demo", Some(&demo)), Voucher::Demo);
    assert_eq!(v("old", None), Voucher::Unsigned);
    let strangers: Vec<bool> = [
        Voucher::Unenrolled,
        Voucher::Revoked,
        Voucher::Enrolled,
        Voucher::Demo,
        Voucher::Unsigned,
    ]
    .iter()
    .map(|v| v.is_stranger())
    .collect();
    assert_eq!(strangers, [true, true, false, true, true]);
}

#[test]
fn an_enrolment_counts_only_with_the_key_it_names() {
    let mut w = world();
    // hq enrolled sup-2 with key 9, but sup-2's log is signed with key 2.
    let events = vec![
        enrol(&mut w.hq, "sup-2", key(9), 0),
        publish(&mut w.sup, 6, 5),
    ];
    let here = authority(&w, &events, None);
    assert_eq!(settings(&events, &here).table, RuleTable::shipped());
    assert!(matches!(here.standing("sup-2"), Standing::Unenrolled));
    // The roster gives key 9 for sup-2: a file signed with it is taken.
    assert_eq!(here.roster.key_of("sup-2"), Some(key(9).as_str()));
}

#[test]
fn trust_on_first_use_takes_a_supervisor_that_enrolled_itself_with_its_own_key() {
    let mut w = world();
    let events = vec![
        // Names a key its log is not signed with: ignored.
        enrol(&mut w.evil, "evil", key(8), 0),
        enrol(&mut w.hq, "hq", key(1), 1),
    ];
    let keys = w.keys.clone();
    assert_eq!(
        self_enrolled_supervisor(&events, |d| keys.get(d).cloned()),
        Some(key(1))
    );
}
