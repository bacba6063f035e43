//! The staff PIN, stretched with PBKDF2-SHA-256 (600,000 iterations) by
//! WebCrypto, and its record (hash, salt, failure count, lock) kept in
//! IndexedDB beside the device's other records. Checking a PIN takes the
//! browser a fraction of a second; trying them all takes far longer than
//! the lockout allows.

use crate::domain::lock::{PinRecord, PIN_ITERATIONS};
use base64::Engine as _;
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::SubtleCrypto;

/// Why a PIN could not be checked or kept.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("the browser offers no PBKDF2 ({0})")]
    Unsupported(String),
    #[error("the PIN record could not be read or kept ({0})")]
    Storage(String),
}

fn subtle() -> Result<SubtleCrypto, PinError> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into())
        .ok()
        .filter(|c| !c.is_undefined())
        .ok_or_else(|| PinError::Unsupported("no crypto".into()))?;
    Reflect::get(&crypto, &"subtle".into())
        .ok()
        .filter(|s| !s.is_undefined())
        .map(JsCast::unchecked_into)
        .ok_or_else(|| PinError::Unsupported("no crypto.subtle".into()))
}

fn js_text(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Random bytes from the browser's generator; an error where it has none
/// (zeros would silently reuse salts and IVs).
pub fn random_bytes<const N: usize>() -> Result<[u8; N], PinError> {
    let mut bytes = [0u8; N];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or_else(|| PinError::Unsupported("no crypto.getRandomValues".into()))?
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|e| PinError::Unsupported(js_text(e)))?;
    Ok(bytes)
}

/// PBKDF2-SHA-256 of `secret` with `salt`, `bits` long.
pub async fn pbkdf2(
    secret: &str,
    salt: &[u8],
    iterations: u32,
    bits: u32,
) -> Result<Vec<u8>, PinError> {
    let subtle = subtle()?;
    let fail = |e: JsValue| PinError::Unsupported(js_text(e));
    let usages = js_sys::Array::of1(&"deriveBits".into());
    let base = JsFuture::from(
        subtle
            .import_key_with_str(
                "raw",
                &Uint8Array::from(secret.as_bytes()),
                "PBKDF2",
                false,
                &usages,
            )
            .map_err(fail)?,
    )
    .await
    .map_err(fail)?;
    let params = Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = Reflect::set(&params, &JsValue::from_str(k), v);
    };
    set("name", &"PBKDF2".into());
    set("hash", &"SHA-256".into());
    set("iterations", &JsValue::from(iterations));
    set("salt", &Uint8Array::from(salt).into());
    let bits = JsFuture::from(
        subtle
            .derive_bits_with_object(&params, &base.unchecked_into(), bits)
            .map_err(fail)?,
    )
    .await
    .map_err(fail)?;
    Ok(Uint8Array::new(&bits).to_vec())
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A new record for `pin`, with a fresh salt.
pub async fn record_for(pin: &str) -> Result<PinRecord, PinError> {
    let salt: [u8; 16] = random_bytes()?;
    let hash = pbkdf2(pin, &salt, PIN_ITERATIONS, 256).await?;
    Ok(PinRecord {
        salt: b64(&salt),
        iterations: PIN_ITERATIONS,
        hash: b64(&hash),
        failures: 0,
        locked_until_ms: 0,
    })
}

/// Whether `pin` is the one `record` was made for.
pub async fn matches(record: &PinRecord, pin: &str) -> Result<bool, PinError> {
    let salt = base64::engine::general_purpose::STANDARD
        .decode(&record.salt)
        .map_err(|e| PinError::Storage(e.to_string()))?;
    let hash = pbkdf2(pin, &salt, record.iterations, 256).await?;
    Ok(b64(&hash) == record.hash)
}
