//! The pure core of gridcare: the domain (ticket events, rules, calendar,
//! clocks, merge) and the UI's translation table. No browser types: a crate
//! of its own so that nothing here can reach for one, so that it compiles and
//! tests natively in seconds, and so that the release build can optimise it
//! for speed while the screens stay optimised for size.

pub mod domain;
pub mod i18n;
