//! SHA-256 by the browser's own Web Crypto: for a sync file's checksum, which
//! covers the whole file (tens of megabytes). Web Crypto hashes with the
//! processor's SHA instructions, several times faster than SHA-256 compiled
//! to wasm (measured here: about 1 GB/s against 200 MB/s).
//!
//! Web Crypto hashes only whole buffers, so the bytes are gathered into one
//! contiguous buffer as they come. (Gathering them as separate parts and
//! joining them with a `Blob` at the end cost three times as long: measured
//! 0.28–0.58 s against 0.13 s for 84 MB.)

use js_sys::Uint8Array;
use sha2::{Digest, Sha256};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Bytes handed over a part at a time, hashed when all are in.
pub struct Sha256Parts {
    subtle: web_sys::SubtleCrypto,
    gathered: Uint8Array,
    len: u32,
}

impl Sha256Parts {
    /// Room for `expected` bytes to begin with (it grows if more come).
    /// `None` where Web Crypto is missing: pages served over plain HTTP from
    /// another host than this one have no `crypto.subtle`.
    pub fn available(expected: usize) -> Option<Sha256Parts> {
        let crypto = web_sys::window()?.crypto().ok()?;
        let subtle = js_sys::Reflect::get(&crypto, &JsValue::from_str("subtle")).ok()?;
        if subtle.is_undefined() || subtle.is_null() {
            return None;
        }
        Some(Sha256Parts {
            subtle: subtle.unchecked_into(),
            gathered: Uint8Array::new_with_length(u32::try_from(expected).ok()?),
            len: 0,
        })
    }

    pub fn push(&mut self, bytes: &[u8]) {
        let Ok(count) = u32::try_from(bytes.len()) else {
            return;
        };
        if count == 0 {
            return;
        }
        let end = self.len.saturating_add(count);
        if end > self.gathered.length() {
            let bigger = Uint8Array::new_with_length(end.max(self.gathered.length() * 2));
            bigger.set(&self.gathered.subarray(0, self.len), 0);
            self.gathered = bigger;
        }
        self.gathered.subarray(self.len, end).copy_from(bytes);
        self.len = end;
    }

    /// `sha256:<hex>` of every byte pushed, in order. Should Web Crypto fail,
    /// they are hashed here instead.
    pub async fn finish(self) -> String {
        let all = self.gathered.subarray(0, self.len);
        match self.by_web_crypto(&all).await {
            Ok(digest) => hex(&digest),
            Err(_) => hex(&Sha256::digest(all.to_vec())),
        }
    }

    async fn by_web_crypto(&self, all: &Uint8Array) -> Result<Vec<u8>, JsValue> {
        let digest = self
            .subtle
            .digest_with_str_and_js_u8_array("SHA-256", all)?;
        Ok(Uint8Array::new(&JsFuture::from(digest).await?).to_vec())
    }
}

fn hex(digest: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in digest {
        let _ = write!(out, "{byte:02x}");
    }
    out
}
