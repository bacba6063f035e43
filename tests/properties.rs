//! Property tests: deadlines are monotonic, pauses move a clock by exactly
//! their length, and the classifier never panics on any text.
#![cfg(not(target_arch = "wasm32"))]

use chrono::{DateTime, Duration, TimeZone, Utc};
use gridcare::domain::calendar::Calendar;
use gridcare::domain::classify::Classifier;
use gridcare::domain::clock::{clocks, working_days_after, ClockEvent, ClockInput, TimedEvent};
use gridcare::domain::facts::Facts;
use gridcare::domain::rules::RuleTable;
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
            clocks(&table, calendar(), &input, now).into_iter().find(|c| c.id == "clock.resolution.grade3").unwrap()
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
