//! Trust between devices: every device signs its own log (its chain), a
//! file carries each device's signed chain record, and every device checks
//! them before it takes an event. See `docs/bundle.md` for the scheme.

pub mod chain;
pub mod keys;
pub mod records;
pub mod roster;

pub use chain::{sort_chain_records, ChainError, ChainHash, ChainRecord};
pub use keys::{fingerprint, DeviceKey};
