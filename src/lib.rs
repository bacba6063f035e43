//! gridcare: offline-first handling of electric-utility customer complaints and
//! 95598 service tickets.
//!
//! Layers, each depending only on the ones above it:
//! - [`domain`]: pure Rust (rules, calendar, clocks); no browser types, so it
//!   compiles and tests natively in seconds and runs unchanged in the browser.
//!   It is the crate `gridcare-core` (`crates/core`), re-exported here: no
//!   browser crate is among its dependencies.
//! - [`i18n`]: the screens' translation table (pure, tested natively), next
//!   to the core's words for the domain.
//! - `web` (wasm only): storage, network state, service worker glue.
//! - `ui` (wasm only): Leptos routes and components.
//! - `cli` (native only): the `gridcare` command line.

pub use gridcare_core::domain;
pub mod i18n;

#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
