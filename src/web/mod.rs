//! The browser layer: everything that touches web APIs (storage, network state,
//! the service worker). It depends on the pure domain, never the reverse.

pub mod bench;
pub mod couch;
pub mod digest;
pub mod files;
pub mod focus;
pub mod heap;
pub mod id_worker;
pub mod idle;
pub mod import;
pub mod keys;
pub mod model;
pub mod network;
pub mod notify;
pub mod photos;
pub mod pin;
pub mod prefs;
pub mod scan;
pub mod service_worker;
pub mod signature;
pub mod speech;
pub mod store;
pub mod tabs;
pub mod tasks;
pub mod trace;
pub mod vault;
pub mod worker;
pub mod xlsx_worker;
