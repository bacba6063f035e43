//! Property tests: deadlines are monotonic, pauses move a clock by exactly
//! their length, and the classifier never panics on any text.

use chrono::{DateTime, Duration, TimeZone, Utc};
use gridcare_core::domain::calendar::Calendar;
use gridcare_core::domain::classify::Classifier;
use gridcare_core::domain::clock::{
    clocks, working_days_after, ClockEvent, ClockInput, TimedEvent,
};
use gridcare_core::domain::facts::Facts;
use gridcare_core::domain::rules::RuleTable;
use proptest::prelude::*;
use std::sync::OnceLock;

fn calendar() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(Calendar::shipped)
}

fn classifier() -> &'static Classifier {
    static CLASSIFIER: OnceLock<Classifier> = OnceLock::new();
    CLASSIFIER.get_or_init(|| Classifier::new(RuleTable::shipped()))
}

/// Any instant from 2019 to 2028, so deadlines cross known and missing years.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let from = Utc
        .with_ymd_and_hms(2019, 6, 1, 0, 0, 0)
        .unwrap()
        .timestamp();
    let to = Utc
        .with_ymd_and_hms(2028, 1, 1, 0, 0, 0)
        .unwrap()
        .timestamp();
    (from..to).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn working_day_deadlines_grow_with_n(start in instant(), n in 0u32..40) {
        let (a, _) = working_days_after(calendar(), start, n);
        let (b, _) = working_days_after(calendar(), start, n + 1);
        prop_assert!(a < b, "{a} vs {b}");
        prop_assert!(a > start);
    }

    #[test]
    fn working_day_deadlines_grow_with_the_start(start in instant(), later_by in 0i64..(40 * 86_400), n in 1u32..15) {
        let (a, _) = working_days_after(calendar(), start, n);
        let (b, _) = working_days_after(calendar(), start + Duration::seconds(later_by), n);
        prop_assert!(a <= b);
    }

    #[test]
    fn a_pause_moves_a_paused_clock_by_exactly_its_length(
        received in instant(),
        pause_after in 60i64..(40 * 3600),
        pause_for in 1i64..(10 * 86_400),
    ) {
        let table = RuleTable::shipped();
        let facts = Facts::default();
        let ticket = |events: &[TimedEvent]| {
            let input = ClockInput {
                received,
                kind: "complaint",
                category: "billing",
                subcategory: Some("tariff_dispute"),
                grade: Some(3),
                facts: &facts,
                events,
            };
            let now = received + Duration::days(30);
            clocks(&table, calendar(), &input, now).into_iter().find(|c| c.words.id == "clock.resolution.grade3").unwrap()
        };
        let plain = ticket(&[]);
        let p0 = received + Duration::seconds(pause_after);
        let paused = ticket(&[
            TimedEvent { at: p0, event: ClockEvent::PendingCustomer },
            TimedEvent { at: p0 + Duration::seconds(pause_for), event: ClockEvent::Resumed },
        ]);
        // The pause starts within the 48 h span, so all of it counts.
        prop_assert_eq!(paused.due.unwrap() - plain.due.unwrap(), Duration::seconds(pause_for));
        prop_assert_eq!(paused.paused_seconds, pause_for);
    }

    #[test]
    fn classification_never_panics_on_any_text(text in any::<String>()) {
        let c = classifier().classify(&text, &Facts::default());
        prop_assert!(!c.kind.is_empty());
    }

    #[test]
    fn classification_never_panics_on_chinese_looking_text(text in "[\\u4e00-\\u9fff0-9余多个小时户天两十百半超过没有不是停电联名 ]{0,60}") {
        let c = classifier().classify(&text, &Facts::default());
        prop_assert!(c.grade.is_none() || (1..=3).contains(&c.grade.unwrap()));
    }
}

/// An event's instant written and read by the app's own serde (`utc_json`).
#[derive(serde::Serialize, serde::Deserialize)]
struct Fast(#[serde(with = "gridcare_core::domain::time::utc_json")] DateTime<Utc>);

/// Any instant of years 0 to 9999 with a fraction of each shape chrono
/// writes: none, milliseconds, microseconds, nanoseconds.
fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    let from = Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap().timestamp();
    let to = Utc
        .with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
        .unwrap()
        .timestamp();
    let nano = prop_oneof![
        Just(0u32),
        (1u32..1000).prop_map(|ms| ms * 1_000_000),
        (1u32..1_000_000).prop_map(|us| us * 1_000),
        0u32..1_000_000_000,
    ];
    (from..=to, nano).prop_map(|(s, n)| Utc.timestamp_opt(s, n).unwrap())
}

/// Text that looks like an instant, often broken: digits and separators moved,
/// dropped or doubled, other offsets, lowercase, spaces.
fn instant_like_text() -> impl Strategy<Value = String> {
    (any_instant(), "[0-9TZtz:+. -]{0,4}", 0usize..32, 0usize..3).prop_map(
        |(at, noise, position, how)| {
            let mut text = serde_json::to_value(at)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string();
            let position = position.min(text.len());
            match how {
                0 => text.insert_str(position, &noise),
                1 => text.replace_range(position..(position + noise.len()).min(text.len()), &noise),
                _ => text.truncate(position),
            }
            text
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn instants_are_written_exactly_as_chrono_writes_them(at in any_instant()) {
        let ours = serde_json::to_string(&Fast(at)).unwrap();
        prop_assert_eq!(&ours, &serde_json::to_string(&at).unwrap());
        prop_assert_eq!(serde_json::from_str::<Fast>(&ours).unwrap().0, at);
    }

    #[test]
    fn instants_are_read_exactly_as_chrono_reads_them(text in instant_like_text()) {
        let json = serde_json::to_string(&text).unwrap();
        let ours = serde_json::from_str::<Fast>(&json).map(|f| f.0).ok();
        let chrono = serde_json::from_str::<DateTime<Utc>>(&json).ok();
        prop_assert_eq!(ours, chrono, "{}", text);
    }
}

#[test]
fn unusual_instants_are_left_to_chrono() {
    for text in [
        "2026-11-20T08:30:00+08:00",
        "2026-11-20 08:30:00Z",
        "2026-11-20t08:30:00z",
        "2016-12-31T23:59:60Z",
        "2026-02-30T00:00:00Z",
        "2026-11-20T08:30:00.1234567890Z",
        "2026-11-20T08:30:00.Z",
        "+12026-11-20T08:30:00Z",
    ] {
        let json = serde_json::to_string(text).unwrap();
        assert_eq!(
            serde_json::from_str::<Fast>(&json).map(|f| f.0).ok(),
            serde_json::from_str::<DateTime<Utc>>(&json).ok(),
            "{text}"
        );
    }
    // Read as instants: a different offset, and a leap second.
    let json = "\"2026-11-20T08:30:00+08:00\"";
    assert_eq!(
        serde_json::from_str::<Fast>(json).unwrap().0,
        Utc.with_ymd_and_hms(2026, 11, 20, 0, 30, 0).unwrap()
    );
    assert!(serde_json::from_str::<Fast>("\"2016-12-31T23:59:60Z\"").is_ok());
}
