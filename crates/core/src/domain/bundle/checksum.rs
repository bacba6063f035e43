//! Where a file's canonical bytes go while it is checked, and the checks of
//! ids hashed elsewhere (a page's helper worker).

use crate::domain::shared_str::SharedStr;
use sha2::{Digest, Sha256};

/// The id in an `"id":"…"` member written by `own_canonical` (with a comma
/// before or after it).
pub(super) fn claimed_id(member: &[u8]) -> Option<&str> {
    let member = member.strip_prefix(b",").unwrap_or(member);
    let member = member.strip_suffix(b",").unwrap_or(member);
    let id = member.strip_prefix(b"\"id\":\"")?.strip_suffix(b"\"")?;
    std::str::from_utf8(id).ok()
}

/// Whether the event whose canonical form is `canonical`, with its id member
/// at `id_range`, hashes to that id.
pub(super) fn id_hashes_to(canonical: &[u8], id_range: std::ops::Range<usize>) -> bool {
    let mut hasher = Sha256::new();
    hasher.update(&canonical[..id_range.start]);
    hasher.update(&canonical[id_range.end..]);
    claimed_id(&canonical[id_range]).is_some_and(|id| is_id_of(&hasher.finalize(), id))
}

/// Closes the events list and the object, and gives the checksum.
pub(super) fn close_checksum(mut hasher: Sha256, tail: &str) -> String {
    close_events(&mut hasher, tail);
    hasher.feed(CLOSED);
    format!("sha256:{:x}", hasher.finalize())
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `sha256:` and the lowercase hex of a SHA-256 digest: an event's id,
/// written once into its shared text (no `format!`: once per event derived).
pub(super) fn id_of_digest(digest: &[u8]) -> SharedStr {
    let mut id = [0u8; 7 + 64];
    id[..7].copy_from_slice(b"sha256:");
    for (i, byte) in digest.iter().take(32).enumerate() {
        id[7 + 2 * i] = HEX[usize::from(byte >> 4)];
        id[8 + 2 * i] = HEX[usize::from(byte & 15)];
    }
    SharedStr::from(std::str::from_utf8(&id).expect("hex digits are ASCII"))
}

/// Whether `id` is `sha256:` and the lowercase hex of `digest` (compared
/// without formatting a string: once per event imported).
pub(super) fn is_id_of(digest: &[u8], id: &str) -> bool {
    let Some(hex) = id.as_bytes().strip_prefix(b"sha256:") else {
        return false;
    };
    hex.len() == digest.len() * 2
        && digest.iter().zip(hex.chunks_exact(2)).all(|(byte, pair)| {
            pair[0] == HEX[usize::from(byte >> 4)] && pair[1] == HEX[usize::from(byte & 15)]
        })
}

/// The end of the events list and the keys after it.
pub(super) fn close_events(sink: &mut impl Sink, tail: &str) {
    sink.feed(b"]");
    if !tail.is_empty() {
        sink.feed(b",");
        sink.feed(tail.as_bytes());
    }
}

/// The checksum's last byte, closing the bundle's object.
pub(super) const CLOSED: &[u8] = b"}";

/// Where the checksum's canonical bytes go.
pub(super) enum Checksum {
    Hashed(Sha256),
    /// Collected for the caller to hash (`Validation::checksum_elsewhere`);
    /// `closed` once the closing bytes are in.
    Collected {
        bytes: Vec<u8>,
        closed: bool,
    },
    /// None to check: the text was put together on this device from
    /// documents whose events carry their own ids and signatures
    /// (`Validation::assembled`), not read from a file.
    Skipped,
}

/// Takes canonical bytes: a hasher, or a buffer collecting them.
pub(super) trait Sink {
    fn feed(&mut self, bytes: &[u8]);
}

impl Sink for Sha256 {
    fn feed(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl Sink for Vec<u8> {
    fn feed(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl Sink for Checksum {
    fn feed(&mut self, bytes: &[u8]) {
        match self {
            Checksum::Hashed(hasher) => hasher.feed(bytes),
            Checksum::Collected {
                bytes: collected, ..
            } => collected.feed(bytes),
            Checksum::Skipped => {}
        }
    }
}
