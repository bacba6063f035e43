//! gridcare: offline-first handling of electric-utility customer complaints and
//! 95598 service tickets.
//!
//! Layers, each depending only on the ones above it:
//! - [`domain`]: pure Rust (rules, calendar, clocks); no browser types, so it
//!   compiles and tests natively in seconds and runs unchanged in the browser.
//! - [`i18n`]: the UI's translation table (pure, tested natively).
//! - These two are the crate `gridcare-core` (`crates/core`), re-exported
//!   here: no browser crate is among its dependencies.
//! - `web` (wasm only): storage, network state, service worker glue.
//! - `ui` (wasm only): Leptos routes and components.
//! - `cli` (native only): the `gridcare` command line.

pub use gridcare_core::{domain, i18n};

#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
