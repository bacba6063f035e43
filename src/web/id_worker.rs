//! The import page's side of its helper worker (`src/id_worker_main.rs`):
//! the validation leaves the checksum and the ids of new events to it
//! (`Validation::ids_elsewhere`: checked, or derived where a file of format
//! 3 leaves them out), and the worker hashes them on the other core while
//! this thread reads events. Measured with 300,000 events: the
//! ids alone were about 0.3 s of SHA-256 on this thread.
//!
//! Anything unexpected (no workers, the script missing, an error inside it)
//! makes the worker report nothing, and the caller then checks the file
//! without it.

use super::worker::Helper;
use crate::domain::bundle::{ChecksumPart, IdsChecked};
use js_sys::{Array, Uint32Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// Trunk builds the worker under this name (index.html, `data-loader-shim`).
const SCRIPT: &str = "/gridcare-id-worker_loader.js";

pub struct IdWorker(Helper);

impl IdWorker {
    /// Starts the worker loading; `None` where there are no workers.
    pub fn start() -> Option<IdWorker> {
        Helper::start(SCRIPT).map(IdWorker)
    }

    /// Whether the worker is up and listening.
    pub async fn ready(&self) -> bool {
        self.0.ready().await
    }

    /// Hands one slice's bytes over (moved, not copied, into the worker).
    pub fn send(&self, part: &ChecksumPart) {
        let bytes = Uint8Array::from(part.bytes.as_slice());
        let spans = Uint32Array::from(part.id_spans.as_slice());
        let message = Array::of2(&bytes, &spans);
        let transfer = Array::of2(&bytes.buffer(), &spans.buffer());
        self.0.post(&message, &transfer);
    }

    /// The checksum of every byte sent and what the worker found checking
    /// the ids; `None` if it failed on the way.
    pub async fn finish(self) -> Option<(String, IdsChecked)> {
        if self.0.failed() {
            return None;
        }
        self.0.post(&JsValue::from_str("finish"), &Array::new());
        // It hashes about as fast as this thread reads events, so little is
        // left by now; a minute covers a slow tablet with a huge file.
        let report = Array::from(&self.0.next_reply(60_000).await?);
        let checksum = report.get(0).as_string()?;
        let checked = report.get(1).as_f64()? as usize;
        let first_wrong = report.get(2).as_f64().map(|index| index as usize);
        let derived = report.get(3).dyn_into::<Uint8Array>().ok()?.to_vec();
        Some((
            checksum,
            IdsChecked {
                checked,
                first_wrong,
                derived,
            },
        ))
    }
}
