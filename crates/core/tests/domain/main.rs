//! The domain's tests: one binary (`cargo test -p gridcare-core`), one module
//! per area, each on the pure core with no browser and no files but its own.
#![cfg(not(target_arch = "wasm32"))]

mod arrivals;
mod calendar;
mod candidates;
mod care;
mod clocks;
mod corpus;
mod couch;
mod drill;
mod grading;
mod lifecycle;
mod model;
mod properties;
mod roster;
mod rule_table;
mod self_service;
mod settings;
mod supervision;
mod sync;
mod tariff;
mod trust;
