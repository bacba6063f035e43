//! The import page's helper on the browser's other core (a classic web
//! worker, `gridcare-id-worker_loader.js`): it hashes what the import's
//! validation leaves to it, while the page goes on reading events. Per
//! slice of events it gets the canonical bytes and where the ids of new
//! events are in them (`bundle::ChecksumPart`); it checks those ids,
//! derives those a file of format 3 leaves out, and hashes every byte for
//! the file's checksum. Small on purpose: it links
//! only the domain crate, not the app.
//!
//! Messages in: `[Uint8Array bytes, Uint32Array id_spans]` per slice, then
//! `"finish"`. Out: `"ready"` once listening, then after `"finish"`
//! `[checksum, ids_checked, first_wrong_id or null, Uint8Array derived ids]`
//! (32 bytes of digest each).

#[cfg(target_arch = "wasm32")]
mod worker {
    use gridcare_core::domain::bundle::IdsChecked;
    use js_sys::{Array, Uint32Array, Uint8Array};
    use sha2::{Digest, Sha256};
    use wasm_bindgen::prelude::*;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    /// What one import has handed over so far.
    #[derive(Default)]
    struct Tally {
        checksum: Sha256,
        ids: IdsChecked,
    }

    impl Tally {
        fn take(&mut self, bytes: &[u8], id_spans: &[u32]) {
            self.checksum.update(bytes);
            self.ids.check(bytes, id_spans);
        }

        fn report(self) -> Array {
            let checksum = format!("sha256:{:x}", self.checksum.finalize());
            let first_wrong = match self.ids.first_wrong {
                Some(index) => JsValue::from_f64(index as f64),
                None => JsValue::NULL,
            };
            Array::of4(
                &JsValue::from_str(&checksum),
                &JsValue::from_f64(self.ids.checked as f64),
                &first_wrong,
                &Uint8Array::from(self.ids.derived.as_slice()),
            )
        }
    }

    pub fn start() {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let reply_to = scope.clone();
        let mut tally = Tally::default();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            let data = message.data();
            if data.as_string().as_deref() == Some("finish") {
                let _ = reply_to.post_message(&std::mem::take(&mut tally).report());
                return;
            }
            let part = Array::from(&data);
            // The arrays as sent (`new Uint8Array(array)` would copy them once more).
            let bytes = part.get(0).unchecked_into::<Uint8Array>().to_vec();
            let id_spans = part.get(1).unchecked_into::<Uint32Array>().to_vec();
            tally.take(&bytes, &id_spans);
        });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // Listens for as long as the worker lives.
        on_message.forget();
        let _ = scope.post_message(&JsValue::from_str("ready"));
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    eprintln!("gridcare-id-worker runs in the browser, started by the import page; the command-line tool is `gridcare`");
    std::process::ExitCode::FAILURE
}
