//! The rules engine's benchmark workload: generated tickets, each classified
//! and every clock computed. The same code runs natively (`cargo bench --bench
//! engine`) and in the browser (`benchRules`, called by the benchmark suite),
//! so the two figures compare like with like.

use crate::domain::calendar::Calendar;
use crate::domain::classify::Classifier;
use crate::domain::clock::{clocks, ClockEvent, ClockInput, TimedEvent};
use crate::domain::demo::{self, Rng};
use crate::domain::facts::Facts;
use crate::domain::rules::RuleTable;
use chrono::{DateTime, Duration, TimeZone, Utc};

/// Ticket texts and receipt times from the demo generator: the same on every run.
pub struct RulesWorkload {
    tickets: Vec<(String, DateTime<Utc>)>,
}

impl RulesWorkload {
    pub fn generate(count: usize, seed: u64) -> RulesWorkload {
        let mut rng = Rng::new(seed);
        let base = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let tickets = (0..count)
            .map(|_| {
                let text = demo::text(&mut rng);
                (text, base + Duration::minutes(rng.below(525_600) as i64))
            })
            .collect();
        RulesWorkload { tickets }
    }

    pub fn len(&self) -> usize {
        self.tickets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty()
    }

    /// Classifies every ticket and computes all its clocks after a typical
    /// life (response, dispatch, a pause, resolution); returns how many clocks.
    pub fn run(&self, table: &RuleTable, calendar: &Calendar, classifier: &Classifier) -> usize {
        let now = Utc.with_ymd_and_hms(2026, 12, 31, 0, 0, 0).unwrap();
        let mut clock_count = 0;
        for (text, received) in &self.tickets {
            let c = classifier.classify(text, &Facts::default());
            let at = |minutes: i64, event| TimedEvent {
                at: *received + Duration::minutes(minutes),
                event,
            };
            let events = [
                at(30, ClockEvent::Responded),
                at(50, ClockEvent::Dispatched),
                at(180, ClockEvent::PendingCustomer),
                at(300, ClockEvent::Resumed),
                at(1200, ClockEvent::Resolved),
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
            clock_count += clocks(table, calendar, &input, now).len();
        }
        clock_count
    }
}
