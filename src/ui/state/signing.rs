//! The device signs its own chain: its key pair is made on first run and
//! kept in IndexedDB; after every save the chain's head is extended over
//! the device's new events and signed again, so that every file it sends
//! carries a signature covering all it wrote (`domain::trust`).

use crate::domain::device::Device;
use crate::domain::event::Event;
use crate::domain::trust::chain::signed_message;
use crate::domain::trust::records::extend;
use crate::domain::trust::ChainRecord;
use crate::web::keys::{self, DeviceKeys, KeyError};
use crate::web::store::Store;

/// The device's key pair: the stored one, or a new one made and kept now.
/// `Err` where the browser cannot sign (too old, or storage without
/// IndexedDB): the device then works unsigned.
pub async fn device_keys(store: &Store) -> Result<DeviceKeys, KeyError> {
    if store.is_fallback() {
        return Err(KeyError::Unsupported("no IndexedDB to keep a key".into()));
    }
    if let Ok(Some(stored)) = store.device_keys().await {
        if let Ok(keys) = keys::from_stored(stored).await {
            return Ok(keys);
        }
    }
    let made = keys::generate().await?;
    store
        .save_device_keys(&made.stored)
        .await
        .map_err(|e| KeyError::Failed(e.to_string()))?;
    Ok(made)
}

/// Extends and signs `device`'s chain over `new` (events about to be
/// saved). `all_own` gives every event the device wrote before, when the
/// chain must be folded again from the start (first signature, or a save
/// that could not be signed). Leaves the chain as it was if signing fails:
/// the action is saved all the same, and the next save signs again.
pub async fn sign(
    keys: &DeviceKeys,
    device: &mut Device,
    new: &[Event],
    all_own: impl Fn() -> Vec<Event>,
) -> Result<(), KeyError> {
    let new: Vec<&Event> = new.iter().collect();
    let current = device.chain.as_ref().filter(|c| c.key == keys.public);
    let Some((seq, head)) = extend(&device.id, current, &new, &all_own)
        .or_else(|| extend(&device.id, None, &new, &all_own))
    else {
        return Err(KeyError::Failed("the device's own log has a gap".into()));
    };
    if current.is_some_and(|c| c.seq == seq) {
        return Ok(()); // Nothing new of this device's own.
    }
    let signature = keys.sign(&signed_message(&device.id, seq, head)).await?;
    device.chain = Some(ChainRecord {
        key: keys.public.clone(),
        seq,
        head: head.text(),
        signature,
        from: 1,
        before: None,
        omitted: Default::default(),
    });
    Ok(())
}
