//! The pure domain: rules, classification, calendar and clocks. No browser
//! types and no I/O, so it compiles and tests natively and runs unchanged in
//! the browser.

pub mod arrivals;
pub mod bundle;
pub mod calendar;
pub mod candidates;
pub mod classify;
pub mod clock;
pub mod couch;
pub mod demo;
pub mod device;
pub mod drill;
pub mod engine;
pub mod event;
pub mod export;
pub mod facts;
pub mod faq;
pub mod incident;
pub mod intake;
pub mod labels;
pub mod lifecycle;
pub mod lock;
pub mod log;
pub mod normalise;
pub mod numbers;
pub mod personal;
pub mod rules;
pub mod segment;
pub mod settings;
pub mod supervision;
pub mod tariff;
pub mod templates;
pub mod ticket;
pub mod time;
pub mod trust;
pub mod workload;
