//! Customers' personal data sealed on the device, with WebCrypto only.
//!
//! The device has one ECDH P-256 key pair, its *vault*. What is personal
//! (see `domain::personal`) is sealed for the vault's public key: a fresh
//! ECDH key pair per sealing, whose shared secret with the vault's public key
//! is the AES-GCM-256 key (WebCrypto's `deriveKey`), a random 96-bit IV, and
//! the ephemeral public key kept beside the ciphertext. Sealing needs no
//! secret, so a locked kiosk still seals what customers type; opening needs
//! the vault's private key, which is kept only encrypted (AES-GCM-256 under
//! a key PBKDF2-SHA-256 derives from the staff passphrase, 600,000
//! iterations) once a passphrase is set. Until then the private key is kept
//! as it is and the status bar says the data is not protected.
//!
//! A passphrase-protected export is the file's bytes under AES-GCM-256 with a
//! key PBKDF2 derives from the export's passphrase (`SealedFile`).

use crate::domain::bundle::sealed::{
    Sealed as SealedFile, ITERATIONS as FILE_ITERATIONS, IV_BYTES, SALT_BYTES,
};
use crate::domain::lock::PIN_ITERATIONS;
use crate::web::pin::{pbkdf2, random_bytes, PinError};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use futures::channel::oneshot;
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

/// Why sealed data could not be made or opened.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("this browser cannot seal data ({0})")]
    Unsupported(String),
    #[error("wrong passphrase")]
    WrongPassphrase,
    #[error("sealed data is damaged or was sealed for another key")]
    Damaged,
}

impl From<PinError> for VaultError {
    fn from(e: PinError) -> Self {
        VaultError::Unsupported(e.to_string())
    }
}

/// How the vault's private key is kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kept", rename_all = "snake_case")]
pub enum KeptKey {
    /// No passphrase set yet: the PKCS#8 bytes as they are (base64).
    Open { pkcs8: String },
    /// AES-GCM of the PKCS#8 bytes under PBKDF2(passphrase, salt).
    Passphrase(Encrypted),
}

/// Bytes under AES-GCM-256 with a key PBKDF2-SHA-256 derived from a secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Encrypted {
    pub salt: String,
    pub iterations: u32,
    pub iv: String,
    pub data: String,
}

/// The device's vault as stored (IndexedDB, `meta` "vault").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VaultRecord {
    /// The public key, raw uncompressed point, base64.
    pub public: String,
    pub private: KeptKey,
}

impl VaultRecord {
    pub fn has_passphrase(&self) -> bool {
        matches!(self.private, KeptKey::Passphrase(_))
    }
}

/// Sealed bytes: the ephemeral public key, the IV and the ciphertext, base64.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sealed {
    pub eph: String,
    pub iv: String,
    pub data: String,
}

/// Seals for the vault (holds only its public key).
#[derive(Clone)]
pub struct Sealer {
    public: CryptoKey,
}

/// Opens what was sealed for the vault (holds its private key, in memory).
#[derive(Clone)]
pub struct Opener {
    private: CryptoKey,
}

fn subtle() -> Result<SubtleCrypto, VaultError> {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .ok_or_else(|| VaultError::Unsupported("no crypto.subtle".into()))
}

fn unsupported(e: JsValue) -> VaultError {
    VaultError::Unsupported(
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| format!("{e:?}")),
    )
}

fn object(pairs: &[(&str, &JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

fn ecdh() -> Object {
    object(&[("name", &"ECDH".into()), ("namedCurve", &"P-256".into())])
}

fn usages(list: &[&str]) -> JsValue {
    list.iter()
        .map(|u| JsValue::from_str(u))
        .collect::<Array>()
        .into()
}

async fn run(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, VaultError> {
    JsFuture::from(promise.map_err(unsupported)?)
        .await
        .map_err(unsupported)
}

fn bytes_of(buffer: JsValue) -> Vec<u8> {
    Uint8Array::new(&buffer.unchecked_into::<ArrayBuffer>()).to_vec()
}

fn decode(text: &str) -> Result<Vec<u8>, VaultError> {
    B64.decode(text).map_err(|_| VaultError::Damaged)
}

async fn export(format: &str, key: &CryptoKey) -> Result<Vec<u8>, VaultError> {
    Ok(bytes_of(run(subtle()?.export_key(format, key)).await?))
}

async fn import_public(raw: &[u8]) -> Result<CryptoKey, VaultError> {
    let key = run(subtle()?.import_key_with_object(
        "raw",
        &Uint8Array::from(raw),
        &ecdh(),
        true,
        &usages(&[]),
    ))
    .await?;
    Ok(key.unchecked_into())
}

async fn import_private(pkcs8: &[u8]) -> Result<CryptoKey, VaultError> {
    let key = run(subtle()?.import_key_with_object(
        "pkcs8",
        &Uint8Array::from(pkcs8),
        &ecdh(),
        false,
        &usages(&["deriveKey"]),
    ))
    .await
    .map_err(|_| VaultError::Damaged)?;
    Ok(key.unchecked_into())
}

/// The AES-GCM key two ECDH keys share.
async fn shared(private: &CryptoKey, public: &CryptoKey) -> Result<CryptoKey, VaultError> {
    let algorithm = object(&[("name", &"ECDH".into()), ("public", public)]);
    let aes = object(&[("name", &"AES-GCM".into()), ("length", &256.into())]);
    let key = run(subtle()?.derive_key_with_object_and_object(
        &algorithm,
        private,
        &aes,
        false,
        &usages(&["encrypt", "decrypt"]),
    ))
    .await?;
    Ok(key.unchecked_into())
}

async fn aes_gcm(
    key: &CryptoKey,
    iv: &[u8],
    data: &[u8],
    seal: bool,
) -> Result<Vec<u8>, VaultError> {
    let params = object(&[
        ("name", &"AES-GCM".into()),
        ("iv", &Uint8Array::from(iv).into()),
    ]);
    let data = Uint8Array::from(data);
    let subtle = subtle()?;
    let promise = if seal {
        subtle.encrypt_with_object_and_buffer_source(&params, key, &data)
    } else {
        subtle.decrypt_with_object_and_buffer_source(&params, key, &data)
    };
    let out = JsFuture::from(promise.map_err(unsupported)?)
        .await
        // AES-GCM refuses a wrong key or changed bytes by its tag.
        .map_err(|_| VaultError::Damaged)?;
    Ok(bytes_of(out))
}

/// An AES-GCM key from a passphrase.
async fn passphrase_key(
    passphrase: &str,
    salt: &[u8],
    iterations: u32,
) -> Result<CryptoKey, VaultError> {
    let bits = pbkdf2(passphrase, salt, iterations, 256).await?;
    let key = run(subtle()?.import_key_with_object(
        "raw",
        &Uint8Array::from(bits.as_slice()),
        &object(&[("name", &"AES-GCM".into())]),
        false,
        &usages(&["encrypt", "decrypt"]),
    ))
    .await?;
    Ok(key.unchecked_into())
}

/// `data` under a key from `passphrase` (a fresh salt and IV).
pub async fn encrypt_with_passphrase(
    passphrase: &str,
    data: &[u8],
) -> Result<Encrypted, VaultError> {
    let salt: [u8; 16] = random_bytes()?;
    let iv: [u8; 12] = random_bytes()?;
    let key = passphrase_key(passphrase, &salt, PIN_ITERATIONS).await?;
    let sealed = aes_gcm(&key, &iv, data, true).await?;
    Ok(Encrypted {
        salt: B64.encode(salt),
        iterations: PIN_ITERATIONS,
        iv: B64.encode(iv),
        data: B64.encode(sealed),
    })
}

/// The bytes under `encrypted`, if `passphrase` is the one it was made with.
pub async fn decrypt_with_passphrase(
    passphrase: &str,
    encrypted: &Encrypted,
) -> Result<Vec<u8>, VaultError> {
    let key = passphrase_key(passphrase, &decode(&encrypted.salt)?, encrypted.iterations).await?;
    aes_gcm(
        &key,
        &decode(&encrypted.iv)?,
        &decode(&encrypted.data)?,
        false,
    )
    .await
    .map_err(|e| match e {
        VaultError::Damaged => VaultError::WrongPassphrase,
        other => other,
    })
}

/// A sync file's bytes sealed under `passphrase`, a fresh salt and IV.
pub async fn seal_file(bytes: &[u8], passphrase: &str) -> Result<SealedFile, VaultError> {
    let salt: [u8; SALT_BYTES] = random_bytes()?;
    let iv: [u8; IV_BYTES] = random_bytes()?;
    let key = passphrase_key(passphrase, &salt, FILE_ITERATIONS).await?;
    Ok(SealedFile {
        salt: salt.to_vec(),
        iterations: FILE_ITERATIONS,
        iv: iv.to_vec(),
        ciphertext: aes_gcm(&key, &iv, bytes, true).await?,
    })
}

/// The file inside `sealed`, if `passphrase` is the one it was sealed with.
pub async fn open_file(sealed: &SealedFile, passphrase: &str) -> Result<Vec<u8>, VaultError> {
    let key = passphrase_key(passphrase, &sealed.salt, sealed.iterations).await?;
    aes_gcm(&key, &sealed.iv, &sealed.ciphertext, false)
        .await
        .map_err(|e| match e {
            VaultError::Damaged => VaultError::WrongPassphrase,
            other => other,
        })
}

/// A new vault, its private key kept open until a passphrase is set.
pub async fn create() -> Result<(VaultRecord, Sealer, Opener), VaultError> {
    let pair =
        run(subtle()?.generate_key_with_object(&ecdh(), true, &usages(&["deriveKey"]))).await?;
    let get = |name: &str| -> Result<CryptoKey, VaultError> {
        Reflect::get(&pair, &name.into())
            .map(JsCast::unchecked_into)
            .map_err(unsupported)
    };
    let (public, private) = (get("publicKey")?, get("privateKey")?);
    let raw = export("raw", &public).await?;
    let pkcs8 = export("pkcs8", &private).await?;
    let record = VaultRecord {
        public: B64.encode(&raw),
        private: KeptKey::Open {
            pkcs8: B64.encode(&pkcs8),
        },
    };
    // The private key in memory is re-imported not extractable.
    let opener = Opener {
        private: import_private(&pkcs8).await?,
    };
    Ok((record, Sealer { public }, opener))
}

impl VaultRecord {
    /// The sealer of this vault.
    pub async fn sealer(&self) -> Result<Sealer, VaultError> {
        Ok(Sealer {
            public: import_public(&decode(&self.public)?).await?,
        })
    }

    /// The opener, if the private key is kept open (no passphrase yet).
    pub async fn open_without_passphrase(&self) -> Result<Option<Opener>, VaultError> {
        match &self.private {
            KeptKey::Open { pkcs8 } => Ok(Some(Opener {
                private: import_private(&decode(pkcs8)?).await?,
            })),
            KeptKey::Passphrase(_) => Ok(None),
        }
    }

    /// The opener, given the passphrase.
    pub async fn unlock(&self, passphrase: &str) -> Result<Opener, VaultError> {
        match &self.private {
            KeptKey::Open { pkcs8 } => Ok(Opener {
                private: import_private(&decode(pkcs8)?).await?,
            }),
            KeptKey::Passphrase(encrypted) => {
                let pkcs8 = decrypt_with_passphrase(passphrase, encrypted).await?;
                Ok(Opener {
                    private: import_private(&pkcs8).await?,
                })
            }
        }
    }

    /// The same vault with its private key kept under `new` (the old
    /// passphrase, if any, is needed to read it).
    pub async fn with_passphrase(
        &self,
        old: Option<&str>,
        new: &str,
    ) -> Result<VaultRecord, VaultError> {
        let pkcs8 = match &self.private {
            KeptKey::Open { pkcs8 } => decode(pkcs8)?,
            KeptKey::Passphrase(encrypted) => {
                decrypt_with_passphrase(old.unwrap_or_default(), encrypted).await?
            }
        };
        Ok(VaultRecord {
            public: self.public.clone(),
            private: KeptKey::Passphrase(encrypt_with_passphrase(new, &pkcs8).await?),
        })
    }
}

impl Sealer {
    /// `data` sealed for the vault.
    pub async fn seal(&self, data: &[u8]) -> Result<Sealed, VaultError> {
        let pair = run(subtle()?.generate_key_with_object(&ecdh(), false, &usages(&["deriveKey"])))
            .await?;
        let get = |name: &str| -> Result<CryptoKey, VaultError> {
            Reflect::get(&pair, &name.into())
                .map(JsCast::unchecked_into)
                .map_err(unsupported)
        };
        let (eph_public, eph_private) = (get("publicKey")?, get("privateKey")?);
        let key = shared(&eph_private, &self.public).await?;
        let iv: [u8; 12] = random_bytes()?;
        let data = aes_gcm(&key, &iv, data, true).await?;
        Ok(Sealed {
            eph: B64.encode(export("raw", &eph_public).await?),
            iv: B64.encode(iv),
            data: B64.encode(data),
        })
    }
}

impl Opener {
    /// The bytes `sealed` holds.
    pub async fn open(&self, sealed: &Sealed) -> Result<Vec<u8>, VaultError> {
        let eph = import_public(&decode(&sealed.eph)?).await?;
        let key = shared(&self.private, &eph).await?;
        aes_gcm(&key, &decode(&sealed.iv)?, &decode(&sealed.data)?, false).await
    }
}

/// The personal data the `sealed` blobs hold, opened with `opener`.
pub async fn open_personal(
    opener: &Opener,
    sealed: &[Sealed],
) -> Result<crate::domain::personal::PersonalData, VaultError> {
    // Every blob at once: Web Crypto opens them side by side (one after
    // another, 190 blobs of a 50,000-ticket log took about 0.4 s).
    let decrypting = crate::web::trace::Phase::start("unlock: open customers' data: decrypt");
    let opened = futures::future::join_all(sealed.iter().map(|blob| opener.open(blob))).await;
    drop(decrypting);
    let _reading = crate::web::trace::Phase::start("unlock: open customers' data: read");
    read_personal(opened)
}

/// The personal data of every opened blob, in one map.
fn read_personal(
    opened: impl IntoIterator<Item = Result<Vec<u8>, VaultError>>,
) -> Result<crate::domain::personal::PersonalData, VaultError> {
    let mut all = crate::domain::personal::PersonalData::default();
    for bytes in opened {
        let mut part: crate::domain::personal::PersonalData =
            serde_json::from_slice(&bytes?).map_err(|_| VaultError::Damaged)?;
        // The larger map takes the smaller one's entries: the largest part
        // is never copied.
        if part.len() > all.len() {
            std::mem::swap(&mut all, &mut part);
        }
        all.extend(part);
    }
    Ok(all)
}

/// One blob being opened: its bytes once Web Crypto is done.
type Opening = oneshot::Receiver<Result<Vec<u8>, VaultError>>;

/// Opens sealed blobs as the store reads them: each goes to Web Crypto as
/// soon as both it and the opener are there, so decrypting runs on the
/// browser's crypto threads while the page still decodes the rest of the
/// log, instead of after it (start-up, `Data::read_store`).
#[derive(Default)]
pub struct OpenAsRead {
    opener: RefCell<Option<Opener>>,
    /// Read before the opener was known, or never opened (a locked vault).
    waiting: RefCell<Vec<Sealed>>,
    opening: RefCell<Vec<Opening>>,
}

impl OpenAsRead {
    /// Blobs just read: opened now if the opener is known, else kept.
    pub fn take(&self, blobs: Vec<Sealed>) {
        match &*self.opener.borrow() {
            Some(opener) => blobs.into_iter().for_each(|b| self.start(opener, b)),
            None => self.waiting.borrow_mut().extend(blobs),
        }
    }

    /// The opener is known: what waited is opened now, the rest as read.
    pub fn open_with(&self, opener: Opener) {
        for blob in std::mem::take(&mut *self.waiting.borrow_mut()) {
            self.start(&opener, blob);
        }
        *self.opener.borrow_mut() = Some(opener);
    }

    fn start(&self, opener: &Opener, blob: Sealed) {
        let (done, opened) = oneshot::channel();
        let opener = opener.clone();
        // A task of its own: Web Crypto starts at the page's next pause
        // (between two batches of segments), not when the decoding ends.
        wasm_bindgen_futures::spawn_local(async move {
            let _ = done.send(opener.open(&blob).await);
        });
        self.opening.borrow_mut().push(opened);
    }

    /// The blobs never opened: a locked vault keeps them for `unlock`.
    pub fn unopened(self) -> Vec<Sealed> {
        self.waiting.into_inner()
    }

    /// Every blob's personal data, once the log is read and the opener was
    /// given.
    pub async fn finish(self) -> Result<crate::domain::personal::PersonalData, VaultError> {
        let opened = futures::future::join_all(self.opening.into_inner()).await;
        // A task that never sent (it was dropped) opened nothing.
        read_personal(
            opened
                .into_iter()
                .map(|sent| sent.unwrap_or(Err(VaultError::Damaged))),
        )
    }
}
