//! Compressed sync files: the same JSON, gzip around it. A file is known by
//! its first bytes, never by its name, so a renamed file still reads and a
//! plain one is never mistaken for a compressed one.
//!
//! The browser compresses with its own `CompressionStream('gzip')` and
//! undoes it with `DecompressionStream`; these functions are the command
//! line's and the tests' (flate2, the crate that already reads the model).

use super::BundleError;
use std::io::{Read, Write};

/// The most text a compressed file may unpack to. A sync file of a county's
/// year is a few hundred megabytes; a file that unpacks past this is damaged
/// or made to exhaust the device's memory.
pub const MAX_UNPACKED_BYTES: u64 = 1 << 30;

/// Whether `bytes` start as a gzip stream (RFC 1952: magic `1f 8b`, method 8).
pub fn looks_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b, 0x08])
}

/// The text inside a gzip file (every member, as `gzip -d` reads it), at
/// most [`MAX_UNPACKED_BYTES`].
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, BundleError> {
    gunzip_within(bytes, MAX_UNPACKED_BYTES)
}

fn gunzip_within(bytes: &[u8], limit: u64) -> Result<Vec<u8>, BundleError> {
    let mut unpacked = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(limit + 1)
        .read_to_end(&mut unpacked)
        .map_err(|_| BundleError::CompressedDamaged)?;
    if unpacked.len() as u64 > limit {
        return Err(BundleError::CompressedTooLarge);
    }
    Ok(unpacked)
}

/// The bytes of a file as its content says: un-gzipped when compressed,
/// unchanged otherwise.
pub fn unpacked(bytes: Vec<u8>) -> Result<Vec<u8>, BundleError> {
    if looks_gzip(&bytes) {
        gunzip(&bytes)
    } else {
        Ok(bytes)
    }
}

/// `bytes` gzip-compressed at zlib's default level (the browser's too).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// The name of a compressed copy of the file `name` (`x.json` → `x.json.gz`).
pub fn compressed_name(name: &str) -> String {
    if name.ends_with(".gz") {
        name.to_string()
    } else {
        format!("{name}.gz")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compressed_file_unpacks_to_its_text() {
        let text = br#"{"format":"gridcare-bundle"}"#.repeat(100);
        let packed = gzip(&text);
        assert!(looks_gzip(&packed));
        assert!(packed.len() < text.len() / 10);
        assert_eq!(unpacked(packed).unwrap(), text);
    }

    #[test]
    fn a_plain_file_is_left_as_it_is() {
        let text = br#"{"format":"gridcare-bundle"}"#.to_vec();
        assert!(!looks_gzip(&text));
        assert_eq!(unpacked(text.clone()).unwrap(), text);
    }

    #[test]
    fn files_concatenated_by_cat_read_whole() {
        let mut both = gzip(b"{\"a\":");
        both.extend(gzip(b"1}"));
        assert_eq!(gunzip(&both).unwrap(), b"{\"a\":1}");
    }

    #[test]
    fn a_cut_or_changed_file_is_damaged() {
        let packed = gzip(&b"0123456789".repeat(1000));
        let cut = &packed[..packed.len() / 2];
        assert_eq!(gunzip(cut), Err(BundleError::CompressedDamaged));
        let mut changed = packed.clone();
        let last = changed.len() - 5;
        changed[last] ^= 0xff; // the trailer's CRC-32
        assert_eq!(gunzip(&changed), Err(BundleError::CompressedDamaged));
    }

    #[test]
    fn a_file_that_unpacks_past_the_limit_is_refused() {
        // A megabyte and one byte of zeros packs into about a kilobyte.
        let bomb = gzip(&vec![0u8; (1 << 20) + 1]);
        assert!(bomb.len() < 5_000);
        assert_eq!(
            gunzip_within(&bomb, 1 << 20),
            Err(BundleError::CompressedTooLarge)
        );
        assert_eq!(
            gunzip_within(&bomb, (1 << 20) + 1).map(|b| b.len()),
            Ok((1 << 20) + 1)
        );
    }

    #[test]
    fn names() {
        assert_eq!(
            compressed_name("gridcare-a-20261201-0800.json"),
            "gridcare-a-20261201-0800.json.gz"
        );
        assert_eq!(compressed_name("x.json.gz"), "x.json.gz");
    }
}
