//! Rules-engine benchmark: classifies and computes every clock for 100,000
//! generated tickets and prints tickets per second. A benchmark, not a test:
//! it prints figures and asserts nothing about time.
//!   cargo bench --bench engine            (TICKETS=20000 to shorten, RUNS=5)

use gridcare::domain::calendar::Calendar;
use gridcare::domain::classify::Classifier;
use gridcare::domain::rules::RuleTable;
use gridcare::domain::workload::RulesWorkload;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let setting = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (tickets, runs) = (setting("TICKETS", 100_000), setting("RUNS", 3));
    let table = RuleTable::shipped();
    let calendar = Calendar::shipped();
    let classifier = Classifier::new(table.clone());
    let workload = RulesWorkload::generate(tickets, 0x5eed);

    // The shipped model is made ready on the first text classified: once
    // per process, so outside the timed runs (it would slow only the first).
    let started = Instant::now();
    black_box(classifier.classify("停电", &Default::default()));
    println!(
        "n-gram model made ready in {:.0} ms (once, before the timed runs)",
        started.elapsed().as_secs_f64() * 1000.0
    );

    // The rules alone first, for what the n-gram model beside them costs.
    let rules_only = Classifier::rules_only(table.clone());
    let mut alone = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        black_box(workload.run(&table, &calendar, &rules_only));
        alone.push(tickets as f64 / started.elapsed().as_secs_f64());
    }
    alone.sort_by(f64::total_cmp);
    println!(
        "rules alone (no n-gram model): {:.0} tickets/second median (min {:.0}, max {:.0})",
        alone[alone.len() / 2],
        alone[0],
        alone[alone.len() - 1]
    );

    let mut rates = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let clock_count = black_box(workload.run(&table, &calendar, &classifier));
        let elapsed = started.elapsed().as_secs_f64();
        println!("rules engine: {tickets} tickets classified + {clock_count} clocks computed in {elapsed:.3} s");
        rates.push(tickets as f64 / elapsed);
    }
    rates.sort_by(f64::total_cmp);
    // One line the benchmark suite reads: median, min, max.
    println!(
        "rules engine: {:.0} tickets/second median (min {:.0}, max {:.0}; native, one core, {runs} runs)",
        rates[rates.len() / 2],
        rates[0],
        rates[rates.len() - 1]
    );
}
