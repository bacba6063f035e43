//! The device's Ed25519 key pair, made with WebCrypto on first run with a
//! private key that cannot be exported: script on the page can ask the
//! browser to sign with it, but never read it. The pair is kept in
//! IndexedDB (a `CryptoKey` survives a structured clone), next to the log it
//! signs. The public key travels in every file.

use base64::Engine as _;
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

/// Why the device cannot sign.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The browser has no Ed25519 in WebCrypto (too old).
    #[error("this browser cannot make Ed25519 signatures ({0})")]
    Unsupported(String),
    #[error("signing failed ({0})")]
    Failed(String),
}

fn subtle() -> Result<SubtleCrypto, KeyError> {
    let global = js_sys::global();
    let crypto = Reflect::get(&global, &JsValue::from_str("crypto"))
        .ok()
        .filter(|c| !c.is_undefined())
        .ok_or_else(|| KeyError::Unsupported("no crypto".into()))?;
    Reflect::get(&crypto, &JsValue::from_str("subtle"))
        .ok()
        .filter(|s| !s.is_undefined())
        .map(JsCast::unchecked_into)
        .ok_or_else(|| KeyError::Unsupported("no crypto.subtle".into()))
}

fn ed25519() -> Object {
    let algorithm = Object::new();
    let _ = Reflect::set(&algorithm, &"name".into(), &"Ed25519".into());
    algorithm
}

fn text(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// A device key pair: the private key (not extractable) and the public key
/// as base64.
#[derive(Clone)]
pub struct DeviceKeys {
    pub private: CryptoKey,
    pub public: String,
    /// The pair as stored (a `CryptoKeyPair` object).
    pub stored: JsValue,
}

/// Makes a new key pair.
pub async fn generate() -> Result<DeviceKeys, KeyError> {
    let subtle = subtle()?;
    let usages = js_sys::Array::of2(&"sign".into(), &"verify".into());
    let pair = subtle
        .generate_key_with_object(&ed25519(), false, &usages)
        .map_err(|e| KeyError::Unsupported(text(e)))?;
    let pair = JsFuture::from(pair)
        .await
        .map_err(|e| KeyError::Unsupported(text(e)))?;
    from_stored(pair).await
}

/// The key pair as it was stored.
pub async fn from_stored(pair: JsValue) -> Result<DeviceKeys, KeyError> {
    let get = |name: &str| -> Result<CryptoKey, KeyError> {
        Reflect::get(&pair, &JsValue::from_str(name))
            .ok()
            .filter(|k| k.is_object())
            .map(JsCast::unchecked_into)
            .ok_or_else(|| KeyError::Failed(format!("no {name} key")))
    };
    let private = get("privateKey")?;
    let public_key = get("publicKey")?;
    let raw = JsFuture::from(
        subtle()?
            .export_key("raw", &public_key)
            .map_err(|e| KeyError::Failed(text(e)))?,
    )
    .await
    .map_err(|e| KeyError::Failed(text(e)))?;
    let bytes = Uint8Array::new(&raw).to_vec();
    Ok(DeviceKeys {
        private,
        public: base64::engine::general_purpose::STANDARD.encode(bytes),
        stored: pair,
    })
}

impl DeviceKeys {
    /// The Ed25519 signature of `message`, base64.
    pub async fn sign(&self, message: &[u8]) -> Result<String, KeyError> {
        let promise = subtle()?
            .sign_with_object_and_u8_array(&ed25519(), &self.private, message)
            .map_err(|e| KeyError::Failed(text(e)))?;
        let signature = JsFuture::from(promise)
            .await
            .map_err(|e| KeyError::Failed(text(e)))?;
        Ok(base64::engine::general_purpose::STANDARD.encode(Uint8Array::new(&signature).to_vec()))
    }
}
