//! A sync file under a passphrase: the whole file, as exported, encrypted
//! with AES-256-GCM under a key that PBKDF2-HMAC-SHA-256 derives from the
//! passphrase. Standard parts only, named in the file, so any tool with
//! those two primitives opens it (docs/bundle.md shows one way):
//!
//! ```json
//! {"format": "gridcare-sealed", "version": 1,
//!  "kdf": {"name": "PBKDF2", "hash": "SHA-256", "iterations": 600000, "salt": "<base64, 16 bytes>"},
//!  "cipher": {"name": "AES-GCM", "iv": "<base64, 12 bytes>"},
//!  "ciphertext": "<base64: the file's bytes, then GCM's 16-byte tag>"}
//! ```
//!
//! This module only reads and writes that envelope; the cryptography is the
//! browser's (Web Crypto) or the CLI's (RustCrypto crates). What it opens is
//! then checked as any other file: the passphrase hides a file, it does not
//! vouch for it (the devices' signatures do).

use super::BundleError;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

pub const SEALED_FORMAT: &str = "gridcare-sealed";
pub const SEALED_VERSION: u64 = 1;
/// What this app derives with: the same count as the PIN and the vault.
pub const ITERATIONS: u32 = 600_000;
/// Fewer would make a weak file; many more would hang the reader (a hostile
/// file asking for 4 billion rounds).
const ITERATIONS_RANGE: std::ops::RangeInclusive<u32> = 100_000..=10_000_000;
pub const SALT_BYTES: usize = 16;
pub const IV_BYTES: usize = 12;
/// AES-GCM's tag, at the end of the ciphertext.
const TAG_BYTES: usize = 16;
/// A passphrase shorter than this is refused when a file is sealed.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Why the passphrase typed for an export is not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PassphraseProblem {
    /// The two fields differ.
    Differ,
    /// Shorter than [`MIN_PASSPHRASE_CHARS`].
    TooShort,
}

/// The passphrase an export is to be protected with, typed twice: none
/// when both fields are empty.
pub fn chosen_passphrase(first: &str, again: &str) -> Result<Option<String>, PassphraseProblem> {
    if first != again {
        Err(PassphraseProblem::Differ)
    } else if first.is_empty() {
        Ok(None)
    } else if first.chars().count() < MIN_PASSPHRASE_CHARS {
        Err(PassphraseProblem::TooShort)
    } else {
        Ok(Some(first.to_string()))
    }
}

/// Why a protected file could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SealedProblem {
    /// The file is protected and no passphrase was given.
    PassphraseNeeded,
    /// The passphrase is not the one it was sealed with, or the bytes changed.
    WrongPassphrase,
    /// The envelope's field is missing or not as the format says.
    BadField(&'static str),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    format: String,
    version: u64,
    kdf: Kdf,
    cipher: Cipher,
    ciphertext: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Kdf {
    name: String,
    hash: String,
    iterations: u32,
    salt: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cipher {
    name: String,
    iv: String,
}

/// A protected file's parts, checked against the format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    pub salt: Vec<u8>,
    pub iterations: u32,
    pub iv: Vec<u8>,
    /// The encrypted file followed by the tag.
    pub ciphertext: Vec<u8>,
}

/// Whether `bytes` look like a protected file, without reading it whole:
/// every field but the ciphertext is short, so its format is named near the
/// start or near the end whatever order a tool wrote the keys in.
pub fn looks_sealed(bytes: &[u8]) -> bool {
    const NEAR: usize = 1024;
    let needle = format!("\"{SEALED_FORMAT}\"");
    let holds = |part: &[u8]| part.windows(needle.len()).any(|w| w == needle.as_bytes());
    holds(&bytes[..bytes.len().min(NEAR)]) || holds(&bytes[bytes.len().saturating_sub(NEAR)..])
}

/// The name of a protected copy of the file `name` (`x.json` → `x.sealed.json`).
pub fn sealed_name(name: &str) -> String {
    match name.strip_suffix(".json") {
        Some(stem) => format!("{stem}.sealed.json"),
        None => format!("{name}.sealed.json"),
    }
}

fn bad(field: &'static str) -> BundleError {
    BundleError::Sealed(SealedProblem::BadField(field))
}

impl Sealed {
    /// Reads a protected file's envelope; refuses anything the format does
    /// not allow before any key is derived.
    pub fn parse(bytes: &[u8]) -> Result<Sealed, BundleError> {
        let text = std::str::from_utf8(bytes).map_err(|e| BundleError::NotUtf8 {
            byte: e.valid_up_to(),
        })?;
        let text = text.trim_start_matches('\u{feff}');
        let envelope: Envelope = serde_json::from_str(text).map_err(|e| {
            if e.is_syntax() || e.is_eof() {
                BundleError::NotJson {
                    line: e.line(),
                    column: e.column(),
                }
            } else {
                bad("envelope")
            }
        })?;
        if envelope.format != SEALED_FORMAT {
            return Err(bad("format"));
        }
        if envelope.version > SEALED_VERSION {
            return Err(BundleError::NewerVersion {
                found: envelope.version,
            });
        }
        if envelope.kdf.name != "PBKDF2" || envelope.kdf.hash != "SHA-256" {
            return Err(bad("kdf"));
        }
        if !ITERATIONS_RANGE.contains(&envelope.kdf.iterations) {
            return Err(bad("kdf.iterations"));
        }
        if envelope.cipher.name != "AES-GCM" {
            return Err(bad("cipher"));
        }
        let decode = |field: &'static str, text: &str| B64.decode(text).map_err(|_| bad(field));
        let salt = decode("kdf.salt", &envelope.kdf.salt)?;
        let iv = decode("cipher.iv", &envelope.cipher.iv)?;
        let ciphertext = decode("ciphertext", &envelope.ciphertext)?;
        if salt.len() < SALT_BYTES {
            return Err(bad("kdf.salt"));
        }
        if iv.len() != IV_BYTES {
            return Err(bad("cipher.iv"));
        }
        if ciphertext.len() < TAG_BYTES {
            return Err(bad("ciphertext"));
        }
        Ok(Sealed {
            salt,
            iterations: envelope.kdf.iterations,
            iv,
            ciphertext,
        })
    }

    /// The protected file's text.
    pub fn to_json(&self) -> String {
        let envelope = Envelope {
            format: SEALED_FORMAT.into(),
            version: SEALED_VERSION,
            kdf: Kdf {
                name: "PBKDF2".into(),
                hash: "SHA-256".into(),
                iterations: self.iterations,
                salt: B64.encode(&self.salt),
            },
            cipher: Cipher {
                name: "AES-GCM".into(),
                iv: B64.encode(&self.iv),
            },
            ciphertext: B64.encode(&self.ciphertext),
        };
        serde_json::to_string(&envelope).expect("an envelope of strings and numbers")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Sealed {
        Sealed {
            salt: vec![7; 16],
            iterations: ITERATIONS,
            iv: vec![9; 12],
            ciphertext: vec![1; 40],
        }
    }

    #[test]
    fn an_envelope_round_trips_and_is_recognised() {
        let text = sample().to_json();
        assert!(looks_sealed(text.as_bytes()));
        assert!(!looks_sealed(
            br#"{"format":"gridcare-bundle","version":3}"#
        ));
        // Keys in another order (a tool that sorts them): still recognised.
        let sorted: serde_json::Value = serde_json::from_str(&text).unwrap();
        let sorted = sorted.to_string();
        assert!(sorted.starts_with(r#"{"cipher""#));
        assert!(looks_sealed(sorted.as_bytes()));
        assert_eq!(Sealed::parse(sorted.as_bytes()), Ok(sample()));
        assert_eq!(Sealed::parse(text.as_bytes()), Ok(sample()));
        assert_eq!(
            sealed_name("gridcare-tab-1.json"),
            "gridcare-tab-1.sealed.json"
        );
    }

    #[test]
    fn an_export_passphrase_is_optional_repeated_and_long_enough() {
        assert_eq!(chosen_passphrase("", ""), Ok(None));
        assert_eq!(
            chosen_passphrase("夜班口令-2468", "夜班口令-2468"),
            Ok(Some("夜班口令-2468".into()))
        );
        assert_eq!(
            chosen_passphrase("夜班口令-2468", "夜班口令-2469"),
            Err(PassphraseProblem::Differ)
        );
        assert_eq!(chosen_passphrase("", "x"), Err(PassphraseProblem::Differ));
        // Eight characters, counted as characters, not bytes.
        assert_eq!(
            chosen_passphrase("短口令短口令短", "短口令短口令短"),
            Err(PassphraseProblem::TooShort)
        );
        assert!(chosen_passphrase("短口令短口令短令", "短口令短口令短令").is_ok());
    }

    #[test]
    fn envelopes_outside_the_format_are_refused_before_any_key_is_derived() {
        let text = sample().to_json();
        let changed = |from: &str, to: &str| Sealed::parse(text.replace(from, to).as_bytes());
        assert_eq!(changed("600000", "4294967295"), Err(bad("kdf.iterations")));
        assert_eq!(changed("600000", "1000"), Err(bad("kdf.iterations")));
        assert_eq!(changed("SHA-256", "SHA-1"), Err(bad("kdf")));
        assert_eq!(changed("AES-GCM", "AES-CBC"), Err(bad("cipher")));
        assert_eq!(
            changed("\"version\":1", "\"version\":2"),
            Err(BundleError::NewerVersion { found: 2 })
        );
        assert_eq!(changed("\"iv\":\"", "\"iv\":\"AAAA"), Err(bad("cipher.iv")));
        assert_eq!(
            changed("\"ciphertext\"", "\"extra\":1,\"ciphertext\""),
            Err(bad("envelope"))
        );
        assert!(matches!(
            Sealed::parse(b"{\"format\":\"gridcare-sealed\""),
            Err(BundleError::NotJson { .. })
        ));
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(
            Sealed::parse(deep.as_bytes()).is_err(),
            "deep nesting refused without a panic"
        );
    }
}
