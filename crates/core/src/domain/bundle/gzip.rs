//! Compressed sync files: the same JSON, gzip around it. A file is known by
//! its first bytes, never by its name, so a renamed file still reads and a
//! plain one is never mistaken for a compressed one.
//!
//! The browser compresses with its own `CompressionStream('gzip')` and
//! undoes it with `DecompressionStream`; these functions are the command
//! line's and the tests' (flate2, the crate that already reads the model).
//!
//! **Sized members.** An export is compressed by two workers at once, each
//! a stretch of the text, so the file is several gzip members one after
//! another (RFC 1952 §2.2: `gzip -d`, Node's zlib and flate2's
//! `MultiGzDecoder` read them as one text). The browser's
//! `DecompressionStream` reads only one member, so each member's header
//! carries its own length in an extra field (FEXTRA, §2.3.1.1; subfield
//! `GC`, 8 bytes, little-endian: the whole member, header to trailer), and
//! the page unpacks the members one at a time, as BGZF files are read. A
//! file without the field is one stream, as before.

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

/// The extra-field subfield that carries a member's length (RFC 1952
/// §2.3.1.1: two letters of the writer's choosing, not registered).
const SIZE_SUBFIELD: [u8; 2] = *b"GC";

/// The bytes a member's header grows by when its length is written in:
/// XLEN (2), the subfield's id and length (4), the length itself (8).
pub const SIZE_FIELD_BYTES: usize = 14;

/// The bytes of a member's start [`member_size`] needs to read.
pub const MEMBER_HEAD_BYTES: usize = 10 + SIZE_FIELD_BYTES;

/// The header of a gzip member of `packed_len` bytes (the member as a
/// compressor wrote it, `head` its first ten bytes) rewritten to carry the
/// member's length: the new header, to be followed by the member's bytes
/// after its first ten. The extra field comes first of the optional
/// fields (RFC 1952 §2.3), so a name or comment the compressor wrote
/// follows it unchanged. `None` for a header that already has an extra
/// field, or a header CRC the new bytes would break (browsers write
/// neither).
pub fn sized_member_header(head: &[u8], packed_len: u64) -> Option<Vec<u8>> {
    const FHCRC: u8 = 0x02;
    const FEXTRA: u8 = 0x04;
    // Bits 5 to 7 are reserved: a reader must refuse them.
    const RESERVED: u8 = 0xe0;
    if head.len() < 10 || !looks_gzip(head) || packed_len < 18 {
        return None;
    }
    let flags = head[3];
    if flags & (FHCRC | FEXTRA | RESERVED) != 0 {
        return None;
    }
    let total = packed_len + SIZE_FIELD_BYTES as u64;
    let mut header = Vec::with_capacity(10 + SIZE_FIELD_BYTES);
    header.extend_from_slice(&head[..3]);
    header.push(flags | FEXTRA);
    header.extend_from_slice(&head[4..10]);
    header.extend_from_slice(&12u16.to_le_bytes());
    header.extend_from_slice(&SIZE_SUBFIELD);
    header.extend_from_slice(&8u16.to_le_bytes());
    header.extend_from_slice(&total.to_le_bytes());
    Some(header)
}

/// The length of the gzip member that starts with `head` (at least its
/// first [`MEMBER_HEAD_BYTES`]), where its header carries one
/// ([`sized_member_header`]); `None` for a member that does not say (a
/// file of one stream, from another writer or an older version).
pub fn member_size(head: &[u8]) -> Option<u64> {
    const FEXTRA: u8 = 0x04;
    if !looks_gzip(head) || head.get(3)? & FEXTRA == 0 {
        return None;
    }
    let extra_len = usize::from(u16::from_le_bytes([*head.get(10)?, *head.get(11)?]));
    let mut extra = head.get(12..12 + extra_len)?;
    while extra.len() >= 4 {
        let len = usize::from(u16::from_le_bytes([extra[2], extra[3]]));
        let data = extra.get(4..4 + len)?;
        if extra[..2] == SIZE_SUBFIELD && len == 8 {
            let size = u64::from_le_bytes(data.try_into().ok()?);
            // No member is shorter than its own header and trailer.
            return (size >= (12 + extra_len + 8) as u64).then_some(size);
        }
        extra = &extra[4 + len..];
    }
    None
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

    /// `text` compressed as the export does: stretches of `stretch` bytes,
    /// each a member of its own whose header says its length.
    fn sized_members(text: &[u8], stretch: usize) -> Vec<u8> {
        let mut file = Vec::new();
        for part in text.chunks(stretch) {
            let member = gzip(part);
            let header = sized_member_header(&member[..10], member.len() as u64).unwrap();
            file.extend(header);
            file.extend_from_slice(&member[10..]);
        }
        file
    }

    #[test]
    fn members_that_say_their_length_read_as_one_text() {
        let text = br#"{"format":"gridcare-bundle","n":12345}"#.repeat(500);
        let file = sized_members(&text, 4000);
        assert_eq!(gunzip(&file).unwrap(), text, "every member, in order");
        // Walking from member to member by the lengths their headers give
        // ends exactly at the end of the file, each member whole.
        let (mut at, mut members) = (0usize, Vec::new());
        while at < file.len() {
            let size = member_size(&file[at..at + MEMBER_HEAD_BYTES]).unwrap() as usize;
            members.extend(gunzip(&file[at..at + size]).unwrap());
            at += size;
        }
        assert_eq!(at, file.len());
        assert_eq!(members, text);
        assert_eq!(text.chunks(4000).count(), 5);
    }

    #[test]
    fn a_member_without_its_length_is_one_stream() {
        let plain = gzip(b"{}");
        assert_eq!(member_size(&plain), None);
        assert_eq!(member_size(b"{\"a\":1}"), None);
        // Another writer's extra field, without ours.
        let mut other = plain[..10].to_vec();
        other[3] = 0x04;
        other.extend_from_slice(&[6, 0, b'A', b'P', 2, 0, 1, 2]);
        assert_eq!(member_size(&other), None);
        // A length shorter than the header itself is no length.
        let mut short = sized_member_header(&plain[..10], plain.len() as u64).unwrap();
        short[16..24].copy_from_slice(&3u64.to_le_bytes());
        assert_eq!(member_size(&short), None);
        // A header that has an extra field, or a CRC of itself, is left
        // as it is.
        let mut own = plain[..10].to_vec();
        for flag in [0x02, 0x04, 0x20] {
            own[3] = flag;
            assert_eq!(sized_member_header(&own, 100), None, "{flag:#x}");
        }
    }

    #[test]
    fn a_member_with_a_file_name_keeps_it_after_its_length() {
        let text = b"{\"n\":1}";
        let mut named = flate2::GzBuilder::new()
            .filename("export.json")
            .write(Vec::new(), flate2::Compression::default());
        named.write_all(text).unwrap();
        let named = named.finish().unwrap();
        assert_eq!(named[3], 0x08, "FNAME");
        let mut file = sized_member_header(&named[..10], named.len() as u64).unwrap();
        file.extend_from_slice(&named[10..]);
        assert_eq!(file[3], 0x0c, "FNAME and FEXTRA");
        assert_eq!(member_size(&file), Some(file.len() as u64));
        assert_eq!(gunzip(&file).unwrap(), text);
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
