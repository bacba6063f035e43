//! Rules-engine benchmark: classifies and computes every clock for 100,000
//! generated tickets and prints tickets per second. A benchmark, not a test:
//! it prints figures and asserts nothing about time.
//!   cargo bench --bench engine            (TICKETS=20000 to shorten)

use chrono::{Duration, TimeZone, Utc};
use gridcare::domain::calendar::Calendar;
use gridcare::domain::classify::Classifier;
use gridcare::domain::clock::{clocks, ClockEvent, ClockInput, TimedEvent};
use gridcare::domain::demo::{self, Rng};
use gridcare::domain::facts::Facts;
use gridcare::domain::rules::RuleTable;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let tickets: usize = std::env::var("TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let table = RuleTable::shipped();
    let calendar = Calendar::shipped();
    let classifier = Classifier::new(table.clone());

    // The demo generator's texts and random source: the same tickets on every run.
    let mut rng = Rng::new(0x5eed);
    let base = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let texts: Vec<(String, chrono::DateTime<Utc>)> = (0..tickets)
        .map(|_| {
            let text = demo::text(&mut rng);
            (text, base + Duration::minutes(rng.below(525_600) as i64))
        })
        .collect();

    let now = Utc.with_ymd_and_hms(2026, 12, 31, 0, 0, 0).unwrap();
    let started = Instant::now();
    let mut clock_count = 0usize;
    for (text, received) in &texts {
        let c = classifier.classify(text, &Facts::default());
        let events = [
            TimedEvent {
                at: *received + Duration::minutes(30),
                event: ClockEvent::Responded,
            },
            TimedEvent {
                at: *received + Duration::minutes(50),
                event: ClockEvent::Dispatched,
            },
            TimedEvent {
                at: *received + Duration::hours(3),
                event: ClockEvent::PendingCustomer,
            },
            TimedEvent {
                at: *received + Duration::hours(5),
                event: ClockEvent::Resumed,
            },
            TimedEvent {
                at: *received + Duration::hours(20),
                event: ClockEvent::Resolved,
            },
        ];
        let input = ClockInput {
            received: *received,
            kind: &c.kind,
            category: &c.category,
            subcategory: c.subcategory.as_deref(),
            grade: c.grade,
            facts: &c.facts,
            events: &events,
        };
        clock_count += black_box(clocks(&table, &calendar, &input, now)).len();
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!("rules engine: {tickets} tickets classified + {clock_count} clocks computed in {elapsed:.2} s");
    println!(
        "rules engine: {:.0} tickets/second (native, one core)",
        tickets as f64 / elapsed
    );
}
