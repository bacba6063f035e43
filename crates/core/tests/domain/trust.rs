//! Signed device logs: a genuine file checks; every kind of forgery that
//! the documented format allows (ids and checksum recomputed) is refused
//! with a message naming the device and the event; and no change of a
//! single byte of a signed file gets a changed event in.

use chrono::{DateTime, Duration, TimeZone, Utc};
use gridcare_core::domain::bundle::{merge_bundles, Bundle, BundleError, Held, MergeError, Signed};
use gridcare_core::domain::device::Device;
use gridcare_core::domain::event::{Channel, Contact, Event, EventBody};
use gridcare_core::domain::facts::Facts;
use gridcare_core::domain::trust::chain::fold_chain;
use gridcare_core::domain::trust::{ChainError, ChainRecord, DeviceKey};
use gridcare_core::i18n::Lang;
use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap};

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn now() -> DateTime<Utc> {
    at(60 * 24 * 3)
}

/// A crew tablet's day: a ticket taken, responded to, arrived at, noted.
fn tablet_events(device: &mut Device) -> Vec<Event> {
    let created = device.mint(
        "t-1",
        "王工·抢修一班",
        vec![],
        EventBody::Created {
            number: "A-20261120-0001".into(),
            channel: Channel::Hotline,
            text: "家里停电了，请派人来修".into(),
            facts: Facts::default(),
            contact: Contact {
                phone: Some("13800000001".into()),
                ..Contact::default()
            },
            station: Some("城东供电所".into()),
            team: None,
        },
        at(0),
    );
    let responded = device.mint(
        "t-1",
        "王工·抢修一班",
        vec![created.id.to_string()],
        EventBody::Responded { note: None },
        at(20),
    );
    let arrived = device.mint(
        "t-1",
        "王工·抢修一班",
        vec![responded.id.to_string()],
        EventBody::Arrived { note: None },
        at(130),
    );
    let note = device.mint(
        "t-1",
        "王工·抢修一班",
        vec![arrived.id.to_string()],
        EventBody::Note {
            text: "更换空开".into(),
        },
        at(140),
    );
    vec![created, responded, arrived, note]
}

fn key_a() -> DeviceKey {
    DeviceKey::from_seed([7; 32])
}

fn signed(device: &str, events: &[Event], key: &DeviceKey) -> BTreeMap<String, Vec<ChainRecord>> {
    let mine: Vec<&Event> = events.iter().filter(|e| e.device == device).collect();
    let (seq, head) = fold_chain(device, mine).expect("a contiguous chain");
    BTreeMap::from([(device.to_string(), vec![key.sign_chain(device, seq, head)])])
}

fn genuine() -> (Bundle, Vec<Event>) {
    let mut device = Device::new("dev-aaaa0001".into());
    let events = tablet_events(&mut device);
    let chains = signed(&device.id, &events, &key_a());
    let bundle =
        Bundle::new(&device.id, now(), events.clone(), BTreeMap::new()).with_chains(chains);
    (bundle, events)
}

/// What a receiving device holds: known keys and events by (device, seq).
#[derive(Default)]
struct Holding {
    keys: HashMap<String, String>,
    events: HashMap<(String, u64), Event>,
    revoked: HashMap<String, DateTime<Utc>>,
}

impl Held for &Holding {
    fn key_of(&self, device: &str) -> Option<String> {
        self.keys.get(device).cloned()
    }
    fn id_at(&self, device: &str, seq: u64) -> Option<String> {
        self.events
            .get(&(device.to_string(), seq))
            .map(|e| e.id.to_string())
    }
    fn at_of(&self, device: &str, seq: u64) -> Option<DateTime<Utc>> {
        self.events.get(&(device.to_string(), seq)).map(|e| e.at)
    }
    fn revoked_at(&self, device: &str) -> Option<DateTime<Utc>> {
        self.revoked.get(device).copied()
    }
}

fn check(text: &str, held: &Holding) -> Result<Bundle, BundleError> {
    let mut v = gridcare_core::domain::bundle::Validation::start(text, now())?.holding(held);
    while !v.step(usize::MAX)?.is_done() {}
    v.finish()
}

/// Edits the file's events as a forger would: then recomputes every id and
/// the checksum, keeping the chains as they were (or as `chains` says).
fn forged(
    bundle: &Bundle,
    edit: impl Fn(&mut Vec<Event>),
    chains: Option<BTreeMap<String, Vec<ChainRecord>>>,
) -> String {
    let mut b = bundle.clone();
    edit(&mut b.events);
    for e in &mut b.events {
        e.id = e.content_id();
    }
    if let Some(chains) = chains {
        b.chains = chains;
    }
    b.seal();
    b.to_json()
}

#[test]
fn a_genuine_signed_file_checks_and_says_who_signed() {
    let (bundle, _) = genuine();
    assert_eq!(bundle.version, gridcare_core::domain::bundle::VERSION);
    let back = check(&bundle.to_json(), &Holding::default()).expect("genuine");
    assert_eq!(back.events, bundle.events);
    assert_eq!(back.chains, bundle.chains);
    let verdicts = gridcare_core::domain::bundle::trust::check(
        &back.events,
        &back.chains,
        &gridcare_core::domain::bundle::NothingHeld,
    )
    .unwrap();
    assert_eq!(verdicts["dev-aaaa0001"], Signed::By(key_a().public()));
}

#[test]
fn every_kind_of_forgery_is_refused_naming_device_and_event() {
    let (bundle, events) = genuine();
    let device = "dev-aaaa0001";
    let knows_a = Holding {
        keys: HashMap::from([(device.to_string(), key_a().public())]),
        ..Holding::default()
    };
    let thief = DeviceKey::from_seed([9; 32]);

    // 1. A changed field: the arrival an hour earlier, ids recomputed.
    let moved = forged(
        &bundle,
        |es| {
            let arrived = es
                .iter_mut()
                .find(|e| e.body.type_name() == "arrived")
                .unwrap();
            arrived.at -= Duration::minutes(60);
        },
        None,
    );
    let err = check(&moved, &Holding::default()).unwrap_err();
    assert!(
        matches!(&err, BundleError::ChainBroken { device: d, reason: ChainError::HeadMismatch, .. } if d == device),
        "{err:?}"
    );
    let zh = err.message(Lang::Zh);
    assert!(
        zh.contains(device) && zh.contains("签名") && zh.contains("t-1"),
        "{zh}"
    );
    let en = err.message(Lang::En);
    assert!(en.contains("signature does not match"), "{en}");

    // 2. Backdated before the event its device wrote before it.
    let backdated = forged(
        &bundle,
        |es| {
            let note = es
                .iter_mut()
                .find(|e| e.body.type_name() == "note")
                .unwrap();
            note.at = at(-30);
        },
        None,
    );
    let err = check(&backdated, &Holding::default()).unwrap_err();
    assert!(
        matches!(&err, BundleError::Backdated { kind: "note", .. }),
        "{err:?}"
    );
    assert!(err.message(Lang::Zh).contains("倒填"));

    // 3. Added in the device's name after its signed head.
    let added = forged(
        &bundle,
        |es| {
            let mut device = Device::new(device.into());
            device.observe(es.iter());
            es.push(device.mint("t-1", "王工·抢修一班", vec![], EventBody::Closed, at(150)));
        },
        None,
    );
    let err = check(&added, &Holding::default()).unwrap_err();
    assert!(
        matches!(
            &err,
            BundleError::ChainBroken {
                reason: ChainError::Uncovered { seq: 5, .. },
                kind: "closed",
                ..
            }
        ),
        "{err:?}"
    );

    // 4. The same addition re-signed with the forger's own key: a device
    //    that knows the tablet's key refuses the new one.
    let mut with_extra = events.clone();
    let mut d = Device::new(device.into());
    d.observe(with_extra.iter());
    with_extra.push(d.mint("t-1", "x", vec![], EventBody::Closed, at(150)));
    let rekeyed = forged(
        &bundle,
        |es| *es = with_extra.clone(),
        Some(signed(device, &with_extra, &thief)),
    );
    let err = check(&rekeyed, &knows_a).unwrap_err();
    assert!(
        matches!(&err, BundleError::KeyChanged { device: d } if d == device),
        "{err:?}"
    );
    assert!(err.message(Lang::Zh).contains("冒名"));

    // 5. The chain left out: a device known to sign does not send unsigned events.
    let unsigned = forged(&bundle, |_| {}, Some(BTreeMap::new()));
    let err = check(&unsigned, &knows_a).unwrap_err();
    assert!(matches!(&err, BundleError::Unsigned { .. }), "{err:?}");

    // 6. A second version of an event the receiver holds (the arrival).
    let holds_genuine = Holding {
        keys: knows_a.keys.clone(),
        events: events
            .iter()
            .map(|e| ((e.device.to_string(), e.seq), e.clone()))
            .collect(),
        ..Holding::default()
    };
    let second = forged(
        &bundle,
        |es| {
            let arrived = es
                .iter_mut()
                .find(|e| e.body.type_name() == "arrived")
                .unwrap();
            arrived.at -= Duration::minutes(5);
        },
        None,
    );
    let err = check(&second, &holds_genuine).unwrap_err();
    assert!(
        matches!(
            &err,
            BundleError::SequenceReused {
                seq: 3,
                kind: "arrived",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.message(Lang::Zh).contains("到达现场"),
        "{}",
        err.message(Lang::Zh)
    );

    // 7. Signed by a revoked device after its revocation: refused; what it
    //    wrote before stays good.
    let revoked_at = |minutes| Holding {
        keys: knows_a.keys.clone(),
        revoked: HashMap::from([(device.to_string(), at(minutes))]),
        ..Holding::default()
    };
    let err = check(&bundle.to_json(), &revoked_at(100)).unwrap_err();
    assert!(
        matches!(
            &err,
            BundleError::Revoked {
                kind: "arrived",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.message(Lang::Zh).contains("吊销"));
    assert!(check(&bundle.to_json(), &revoked_at(200)).is_ok());
}

/// A second device's arrival on the tablet's ticket, `minutes` after the
/// start, signed with its own key, in one file with the tablet's events.
fn with_arrival_of_another_device(minutes: i64) -> String {
    let (bundle, events) = genuine();
    let mut other = Device::new("dev-bbbb0002".into());
    other.observe(events.iter());
    let arrived = other.mint(
        "t-1",
        "李工",
        vec![events[0].id.to_string()],
        EventBody::Arrived { note: None },
        at(minutes),
    );
    let mut chains = bundle.chains.clone();
    chains.extend(signed(
        &other.id,
        std::slice::from_ref(&arrived),
        &DeviceKey::from_seed([3; 32]),
    ));
    let mut all = events.clone();
    all.push(arrived);
    Bundle::new("dev-aaaa0001", now(), all, BTreeMap::new())
        .with_chains(chains)
        .to_json()
}

#[test]
fn an_event_may_not_claim_a_time_well_before_the_event_it_follows() {
    // The ticket was created at minute 0 on another device.
    let err = check(&with_arrival_of_another_device(-60), &Holding::default()).unwrap_err();
    assert!(
        matches!(&err, BundleError::Backdated { device, kind: "arrived", .. } if device == "dev-bbbb0002"),
        "{err:?}"
    );
    // Two honest clocks a few minutes apart are not a forgery.
    assert!(check(&with_arrival_of_another_device(-3), &Holding::default()).is_ok());
}

#[test]
fn merge_refuses_a_second_version_and_names_the_file() {
    let (bundle, _) = genuine();
    let mut other = bundle.clone();
    let arrived = other
        .events
        .iter_mut()
        .find(|e| e.body.type_name() == "arrived")
        .unwrap();
    arrived.at -= Duration::minutes(5);
    arrived.id = arrived.content_id();
    other.seal();
    match merge_bundles(vec![bundle.clone(), other]) {
        Err(MergeError::SequenceReused {
            file: 1, seq: 3, ..
        }) => {}
        other => panic!("{other:?}"),
    }
    // The same file twice merges to itself, signatures and all.
    let merged = merge_bundles(vec![bundle.clone(), bundle.clone()]).unwrap();
    assert_eq!(merged.events, bundle.events);
    check(&merged.to_json(), &Holding::default()).expect("a merged file checks");
}

#[test]
fn a_filtered_export_lists_what_it_leaves_out_and_still_checks() {
    let (bundle, events) = genuine();
    let device = "dev-aaaa0001";
    let record = &bundle.chains[device][0];
    // Only the arrival and the note travel: 1 and 2 are left out by id.
    let mut partial = record.clone();
    partial.omitted = events[..2]
        .iter()
        .map(|e| (e.seq, e.id.to_string()))
        .collect();
    let kept: Vec<Event> = events[2..].to_vec();
    let file = Bundle::new(device, now(), kept, BTreeMap::new()).with_chains(BTreeMap::from([(
        device.to_string(),
        vec![partial.clone()],
    )]));
    check(&file.to_json(), &Holding::default()).expect("a filtered export checks");
    // Starting later: from 3, with the running hash before it.
    let (_, before) = fold_chain(device, events[..2].iter()).unwrap();
    let mut suffix = record.clone();
    suffix.from = 3;
    suffix.before = Some(before.text());
    let file = Bundle::new(device, now(), events[2..].to_vec(), BTreeMap::new())
        .with_chains(BTreeMap::from([(device.to_string(), vec![suffix])]));
    check(&file.to_json(), &Holding::default()).expect("a suffix checks");
    // A wrong id in the list of what is left out breaks the chain.
    partial.omitted.insert(1, events[3].id.to_string());
    let file = Bundle::new(device, now(), events[2..].to_vec(), BTreeMap::new())
        .with_chains(BTreeMap::from([(device.to_string(), vec![partial])]));
    assert!(matches!(
        check(&file.to_json(), &Holding::default()),
        Err(BundleError::ChainBroken {
            reason: ChainError::HeadMismatch,
            ..
        })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Changing any one byte of a signed file either gets the file refused
    /// or leaves every event as it was (a change in white space, say).
    #[test]
    fn any_changed_byte_is_refused_or_changes_no_event(position in 0usize..10_000, byte in any::<u8>()) {
        let (bundle, _) = genuine();
        let mut bytes = bundle.to_json().into_bytes();
        let position = position % bytes.len();
        prop_assume!(bytes[position] != byte);
        bytes[position] = byte;
        let Ok(text) = String::from_utf8(bytes) else { return Ok(()) };
        if let Ok(back) = check(&text, &Holding::default()) {
            prop_assert_eq!(back.events, bundle.events);
        }
    }
}

#[test]
fn records_for_an_export_cover_exactly_what_it_carries() {
    use gridcare_core::domain::trust::records::{absorb, extend, for_export};
    let mut device = Device::new("dev-aaaa0001".into());
    let events = tablet_events(&mut device);
    let key = key_a();
    // Signed after the first two, then extended over the next two.
    let (seq, head) = extend(
        &device.id,
        None,
        &events[..2].iter().collect::<Vec<_>>(),
        Vec::new,
    )
    .unwrap();
    let first = key.sign_chain(&device.id, seq, head);
    let (seq, head) = extend(
        &device.id,
        Some(&first),
        &events[2..].iter().collect::<Vec<_>>(),
        Vec::new,
    )
    .unwrap();
    assert_eq!(seq, 4);
    assert_eq!((seq, head), fold_chain(&device.id, events.iter()).unwrap());
    let record = key.sign_chain(&device.id, seq, head);
    // A later record covers the earlier one: only it is kept.
    let mut kept = vec![first];
    absorb(&mut kept, std::slice::from_ref(&record));
    assert_eq!(kept, vec![record.clone()]);
    let kept = BTreeMap::from([(device.id.clone(), kept)]);
    // Every subset of the events makes a file that checks.
    for mask in 1u8..16 {
        let chosen: Vec<Event> = events
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, e)| e.clone())
            .collect();
        let chains = for_export(&chosen, &events, &kept);
        let r = &chains[&device.id][0];
        assert_eq!(r.from, chosen[0].seq, "starts at the first event carried");
        let file = Bundle::new(&device.id, now(), chosen, BTreeMap::new()).with_chains(chains);
        check(&file.to_json(), &Holding::default()).unwrap_or_else(|e| panic!("{mask:04b}: {e:?}"));
    }
}
