//! The app's state, shared as Leptos context by every screen: the event log
//! and the tickets folded from it ([`data`]), the rules engine in force
//! ([`engine`]) and the language ([`i18n`]). Screens read it; only
//! [`data::Data`]'s methods change it, and each change is saved before it
//! shows.

pub mod data;
pub mod engine;
pub mod i18n;
pub mod replication;
mod signing;

pub use data::{use_data, Data};
pub use engine::use_engine;
pub use i18n::{provide_i18n, use_i18n};
