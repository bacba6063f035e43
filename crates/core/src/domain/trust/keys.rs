//! Ed25519 keys where the core signs itself: the command line (a key kept
//! in a file beside the user's data), tests, and the demo's fictional
//! hotline. The browser signs with its own non-extractable WebCrypto key
//! (`web::keys`); both produce standard Ed25519 signatures that
//! [`super::ChainRecord::verify`] checks.

use super::chain::{signed_message, ChainHash, ChainRecord};
use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};

/// An Ed25519 signing key held in memory.
pub struct DeviceKey(SigningKey);

impl DeviceKey {
    /// The key of a 32-byte secret seed (from the operating system's random
    /// source, or a key file).
    pub fn from_seed(seed: [u8; 32]) -> DeviceKey {
        DeviceKey(SigningKey::from_bytes(&seed))
    }

    /// The demo's well-known key for a fictional device: anyone can sign
    /// with it, so events it signs are shown as demo data and never trusted
    /// for settings.
    pub fn demo(device: &str) -> DeviceKey {
        let seed: [u8; 32] = Sha256::new()
            .chain_update(b"gridcare demo key, public by design\0")
            .chain_update(device.as_bytes())
            .finalize()
            .into();
        DeviceKey::from_seed(seed)
    }

    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The public key, base64, as files carry it.
    pub fn public(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0.verifying_key().to_bytes())
    }

    /// The signature of `message`, base64.
    pub fn sign(&self, message: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0.sign(message).to_bytes())
    }

    /// A signed record of `device`'s chain up to `seq`, whose running hash
    /// is `head`, covering the whole chain from its first event.
    pub fn sign_chain(&self, device: &str, seq: u64, head: ChainHash) -> ChainRecord {
        ChainRecord {
            key: self.public(),
            seq,
            head: head.text(),
            signature: self.sign(&signed_message(device, seq, head)),
            from: 1,
            before: None,
            omitted: Default::default(),
        }
    }
}

/// A short fingerprint of a public key to read aloud or compare on two
/// screens: the first 8 bytes of its SHA-256 as four groups of hex digits.
pub fn fingerprint(public_key: &str) -> String {
    let digest = Sha256::digest(public_key.as_bytes());
    digest[..8]
        .chunks(2)
        .map(|pair| format!("{:02X}{:02X}", pair[0], pair[1]))
        .collect::<Vec<_>>()
        .join("-")
}
