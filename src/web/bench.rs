//! Hooks for the benchmark suite (`tests/bench/suite.mjs`): the same rules
//! workload as the native benchmark, run inside the page's wasm. Exported to
//! JavaScript by the whole kiosk's module only (`src/kiosk_main.rs`): an
//! export in the library would put the rules engine into every module,
//! the kiosk's small home module too.

use crate::domain::calendar::Calendar;
use crate::domain::classify::Classifier;
use crate::domain::rules::RuleTable;
use crate::domain::workload::RulesWorkload;

/// Classifies and clocks `tickets` generated tickets; returns
/// `{"tickets":…,"clocks":…,"ms":…}` (generation not included in `ms`).
pub fn bench_rules(tickets: u32) -> String {
    let table = RuleTable::shipped();
    let calendar = Calendar::shipped();
    let classifier = Classifier::new(table.clone());
    let workload = RulesWorkload::generate(tickets as usize, 0x5eed);
    let started = js_sys::Date::now();
    let clocks = workload.run(&table, &calendar, &classifier);
    let ms = js_sys::Date::now() - started;
    format!(r#"{{"tickets":{tickets},"clocks":{clocks},"ms":{ms}}}"#)
}
