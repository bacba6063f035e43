//! A device's chain: its events in sequence order (seq 1, 2, 3 … with no
//! gap), folded into one running SHA-256 that the device signs with its
//! Ed25519 key. One signature then covers every event the device wrote up
//! to that sequence number, and checking a file costs one signature per
//! device plus hashing 40 bytes per event, whatever the number of events.
//!
//! ```text
//! H(0) = SHA-256("gridcare-chain-v1" 0x00 device)
//! H(k) = SHA-256(H(k-1) ‖ seq(k) as 8 bytes big-endian ‖ the 32 bytes of id(k))
//! signed message = "gridcare-chain-v1\n" device "\n" seq "\n" hex(H(seq))
//! ```
//!
//! A file that holds only some of a device's events lists the ids of the
//! others it leaves out (`omitted`) and the running hash before its first
//! one (`before`), so the chain still folds to the signed head.

use crate::domain::event::Event;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Names the scheme inside every hash and signed message, so that no other
/// signature of the same key can pass for one of these.
pub const DOMAIN: &str = "gridcare-chain-v1";

/// A running hash of a device's chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChainHash(pub [u8; 32]);

impl ChainHash {
    /// The hash before a device's first event.
    pub fn start(device: &str) -> ChainHash {
        let mut h = Sha256::new();
        h.update(DOMAIN.as_bytes());
        h.update([0]);
        h.update(device.as_bytes());
        ChainHash(h.finalize().into())
    }

    /// The hash after the event `seq` whose id is `id` (`sha256:<hex>`).
    /// `None` when the id is not of that form.
    pub fn next(self, seq: u64, id: &str) -> Option<ChainHash> {
        let digest = id_digest(id)?;
        let mut h = Sha256::new();
        h.update(self.0);
        h.update(seq.to_be_bytes());
        h.update(digest);
        Some(ChainHash(h.finalize().into()))
    }

    /// `sha256:<hex>`, as files carry it.
    pub fn text(self) -> String {
        let mut out = String::with_capacity(7 + 64);
        out.push_str("sha256:");
        for b in self.0 {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }

    pub fn parse(text: &str) -> Option<ChainHash> {
        id_digest(text).map(ChainHash)
    }
}

/// The 32 bytes of `sha256:<64 hex digits>`.
pub fn id_digest(id: &str) -> Option<[u8; 32]> {
    let hex = id.strip_prefix("sha256:")?.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(out)
}

/// The bytes a device signs for its chain head.
pub fn signed_message(device: &str, seq: u64, head: ChainHash) -> Vec<u8> {
    format!("{DOMAIN}\n{device}\n{seq}\n{}", head.text()).into_bytes()
}

/// A device's signature over its chain up to `seq`, and how much of the
/// chain a file holds: what travels in a file's `chains` section and what a
/// device keeps for every other device it has heard from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainRecord {
    /// The device's Ed25519 public key, base64 (standard, padded).
    pub key: String,
    /// The last sequence number the signature covers.
    pub seq: u64,
    /// `sha256:<hex>` of the running hash at `seq`.
    pub head: String,
    /// Ed25519 signature of [`signed_message`], base64.
    pub signature: String,
    /// The first sequence number this copy of the chain starts at.
    #[serde(default = "one")]
    pub from: u64,
    /// The running hash before `from` (`H(from - 1)`); left out when `from` is 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Ids of the events between `from` and `seq` that the file leaves out.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub omitted: BTreeMap<u64, String>,
}

fn one() -> u64 {
    1
}

/// The order a device's chain records are kept, sent and compared in: by
/// where each starts, then where it ends.
pub fn sort_chain_records<R: std::borrow::Borrow<ChainRecord>>(records: &mut [R]) {
    crate::domain::lean_sort::sort_by_key(records, |r| {
        let r: &ChainRecord = r.borrow();
        (r.from, r.seq)
    });
}

/// Why a chain does not check.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("the key is not an Ed25519 public key")]
    BadKey,
    #[error("the signature is not an Ed25519 signature")]
    BadSignatureForm,
    #[error("event {seq} of the chain is neither in the file nor listed as left out")]
    Gap { seq: u64 },
    #[error("an id in the chain is not a sha256 id")]
    BadId,
    #[error("the events do not fold to the signed head")]
    HeadMismatch,
    #[error("the signature does not match")]
    SignatureMismatch,
    #[error("event {seq} lies outside the signed chain ({from} to {signed})")]
    Uncovered { seq: u64, from: u64, signed: u64 },
}

impl ChainRecord {
    pub fn verifying_key(&self) -> Result<VerifyingKey, ChainError> {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&self.key)
            .map_err(|_| ChainError::BadKey)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| ChainError::BadKey)?;
        VerifyingKey::from_bytes(&bytes).map_err(|_| ChainError::BadKey)
    }

    /// Checks the chain of `device` from `from` to `seq`: every sequence
    /// number has an id (`id_of` for those in the file, `omitted` for the
    /// rest), they fold to `head`, and `signature` signs it with `key`.
    pub fn verify<'a>(
        &'a self,
        device: &str,
        id_of: impl Fn(u64) -> Option<Cow<'a, str>>,
    ) -> Result<(), ChainError> {
        use base64::Engine as _;
        let key = self.verifying_key()?;
        let signature = base64::engine::general_purpose::STANDARD
            .decode(&self.signature)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .map(|b| Signature::from_bytes(&b))
            .ok_or(ChainError::BadSignatureForm)?;
        let mut hash = match (&self.before, self.from) {
            (_, 0) => return Err(ChainError::Gap { seq: 0 }),
            (None, 1) => ChainHash::start(device),
            (Some(before), _) => ChainHash::parse(before).ok_or(ChainError::BadId)?,
            (None, from) => return Err(ChainError::Gap { seq: from - 1 }),
        };
        for seq in self.from..=self.seq {
            let id = id_of(seq)
                .or_else(|| self.omitted.get(&seq).map(|id| Cow::Borrowed(id.as_str())))
                .ok_or(ChainError::Gap { seq })?;
            hash = hash.next(seq, &id).ok_or(ChainError::BadId)?;
        }
        if hash.text() != self.head {
            return Err(ChainError::HeadMismatch);
        }
        key.verify_strict(&signed_message(device, self.seq, hash), &signature)
            .map_err(|_| ChainError::SignatureMismatch)
    }

    /// Whether the record covers `seq`.
    pub fn covers(&self, seq: u64) -> bool {
        (self.from..=self.seq).contains(&seq)
    }
}

/// The running hash of `events` (one device's, in sequence order from 1),
/// or `None` if their numbers are not 1, 2, 3 … or an id is malformed.
pub fn fold_chain<'a>(
    device: &str,
    events: impl IntoIterator<Item = &'a Event>,
) -> Option<(u64, ChainHash)> {
    let mut hash = ChainHash::start(device);
    let mut seq = 0;
    for event in events {
        if event.seq != seq + 1 {
            return None;
        }
        seq = event.seq;
        hash = hash.next(seq, &event.id)?;
    }
    Some((seq, hash))
}
