//! A Lambda deployment zip of one executable named `bootstrap`, written byte for byte the same
//! for the same binary.
//!
//! The zip's sha256 is the asset's identity (`assets/<sha256>.zip`): an unchanged binary must give
//! an identical zip (fixed timestamp, fixed attributes, one entry) so that nothing is uploaded
//! again, and a changed one a different zip. The entry is stored, not deflated: the host builds
//! zipped this way only go to the local emulator, which keeps them and never runs them, so
//! compressing tens of megabytes on every `make run` would buy nothing. Unix mode 0755 makes
//! `bootstrap` executable, as the `provided.al2023` runtime requires.

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

/// The entry's name: what the custom runtime executes.
pub const ENTRY: &str = "bootstrap";

/// DOS date of 1980-01-01 (the earliest a zip can say) and time 00:00:00.
const DOS_DATE: u16 = (1 << 5) | 1;
const DOS_TIME: u16 = 0;
/// Made by Unix (3), spec version 2.0; needed: 1.0 (stored).
const VERSION_MADE_BY: u16 = (3 << 8) | 20;
const VERSION_NEEDED: u16 = 10;
/// `-rwxr-xr-x` regular file, in the high half of the external attributes.
const EXTERNAL_ATTRS: u32 = 0o100_755 << 16;

/// Why a zip could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ZipError {
    #[error("{path} is {size} bytes; a zip without ZIP64 holds at most 4 GiB")]
    TooLarge { path: String, size: u64 },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Writes `binary` as the only entry `bootstrap` of a new zip at `zip` (through a temporary
/// file, so a reader never sees half a zip) and returns the zip's hex sha256 and size.
pub fn write(binary: &Path, zip: &Path) -> Result<(String, u64), ZipError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| ZipError::Io { path, source }
    };
    let data = std::fs::read(binary).map_err(io(binary))?;
    let bytes = archive(&data).map_err(|size| ZipError::TooLarge {
        path: binary.display().to_string(),
        size,
    })?;
    if let Some(dir) = zip.parent() {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let partial = zip.with_extension("zip.partial");
    let mut file = std::fs::File::create(&partial).map_err(io(&partial))?;
    file.write_all(&bytes).map_err(io(&partial))?;
    file.sync_all().map_err(io(&partial))?;
    drop(file);
    std::fs::rename(&partial, zip).map_err(io(zip))?;
    Ok((hex::encode(Sha256::digest(&bytes)), bytes.len() as u64))
}

/// The zip of `data` as `bootstrap`; Err(size) when it does not fit a 32-bit zip.
pub fn archive(data: &[u8]) -> Result<Vec<u8>, u64> {
    let size = u32::try_from(data.len()).map_err(|_| data.len() as u64)?;
    let crc = crc32(data);
    let name = ENTRY.as_bytes();
    let name_len = name.len() as u16;
    let mut out = Vec::with_capacity(data.len() + 128);

    // Local file header.
    out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    out.extend_from_slice(&VERSION_NEEDED.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // flags
    out.extend_from_slice(&0u16.to_le_bytes()); // method: stored
    out.extend_from_slice(&DOS_TIME.to_le_bytes());
    out.extend_from_slice(&DOS_DATE.to_le_bytes());
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes()); // compressed
    out.extend_from_slice(&size.to_le_bytes()); // uncompressed
    out.extend_from_slice(&name_len.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // extra
    out.extend_from_slice(name);
    out.extend_from_slice(data);

    // Central directory.
    let central_offset = u32::try_from(out.len()).map_err(|_| out.len() as u64)?;
    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    out.extend_from_slice(&VERSION_MADE_BY.to_le_bytes());
    out.extend_from_slice(&VERSION_NEEDED.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // flags
    out.extend_from_slice(&0u16.to_le_bytes()); // method
    out.extend_from_slice(&DOS_TIME.to_le_bytes());
    out.extend_from_slice(&DOS_DATE.to_le_bytes());
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&name_len.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // extra
    out.extend_from_slice(&0u16.to_le_bytes()); // comment
    out.extend_from_slice(&0u16.to_le_bytes()); // disk
    out.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
    out.extend_from_slice(&EXTERNAL_ATTRS.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    out.extend_from_slice(name);
    let central_size = u32::try_from(out.len()).map_err(|_| out.len() as u64)? - central_offset;

    // End of central directory.
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // this disk
    out.extend_from_slice(&0u16.to_le_bytes()); // disk with the directory
    out.extend_from_slice(&1u16.to_le_bytes()); // entries here
    out.extend_from_slice(&1u16.to_le_bytes()); // entries in all
    out.extend_from_slice(&central_size.to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment
    Ok(out)
}

/// CRC-32 (IEEE 802.3, reflected: the zip checksum), by `crc32fast` (already in the tree;
/// SIMD where the CPU has it, and optimised in debug builds too, see the workspace manifest).
pub fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

/// The names of the entries of the zip `bytes`, read from its central directory (APPNOTE
/// 4.3.16, end of central directory record; 4.3.12, central directory file header). `None` when
/// the bytes are not a zip: no end of central directory record within their last 64 KiB + 22
/// bytes, or a directory that does not fit them.
pub fn entry_names(bytes: &[u8]) -> Option<Vec<String>> {
    let u16_at = |at: usize| Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    let floor = bytes.len().saturating_sub(22 + usize::from(u16::MAX));
    let end = (floor..=bytes.len().checked_sub(22)?)
        .rev()
        .find(|&at| u32_at(at) == Some(0x0605_4b50))?;
    let count = u16_at(end + 10)?;
    let mut at = usize::try_from(u32_at(end + 16)?).ok()?;
    let mut names = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        if u32_at(at)? != 0x0201_4b50 {
            return None;
        }
        let name_len = usize::from(u16_at(at + 28)?);
        let rest = usize::from(u16_at(at + 30)?) + usize::from(u16_at(at + 32)?);
        let name = bytes.get(at + 46..at + 46 + name_len)?;
        names.push(String::from_utf8_lossy(name).into_owned());
        at += 46 + name_len + rest;
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entries_of_a_zip_are_read_and_anything_else_is_not_a_zip() {
        let zip = archive(b"#!/bin/sh\n").unwrap_or_else(|size| panic!("{size}"));
        assert_eq!(entry_names(&zip), Some(vec![ENTRY.to_owned()]));
        assert_eq!(entry_names(b"notazip"), None);
        assert_eq!(entry_names(b""), None);
        // A record that points past the end of the file.
        let mut cut = zip.clone();
        cut.drain(..40);
        assert_eq!(entry_names(&cut), None);
    }

    #[test]
    fn crc32_matches_the_standard_check_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
        // Every length around the 8-byte steps agrees with the bytewise definition.
        let data: Vec<u8> = (0..100u8).map(|i| i.wrapping_mul(37)).collect();
        for n in 0..data.len() {
            let mut c = !0u32;
            for &b in &data[..n] {
                c ^= u32::from(b);
                for _ in 0..8 {
                    c = if c & 1 != 0 {
                        0xEDB8_8320 ^ (c >> 1)
                    } else {
                        c >> 1
                    };
                }
            }
            assert_eq!(crc32(&data[..n]), !c, "length {n}");
        }
    }

    #[test]
    fn the_archive_is_deterministic_and_well_formed() {
        let a = archive(b"#!/bin/sh\necho hi\n").unwrap_or_default();
        let b = archive(b"#!/bin/sh\necho hi\n").unwrap_or_default();
        assert_eq!(a, b);
        assert_ne!(a, archive(b"#!/bin/sh\necho ho\n").unwrap_or_default());
        assert_eq!(&a[..4], b"PK\x03\x04");
        assert_eq!(&a[a.len() - 22..a.len() - 18], b"PK\x05\x06");
        // 30-byte local header + name + data, 46-byte central header + name, 22-byte end.
        assert_eq!(a.len(), 30 + 9 + 18 + 46 + 9 + 22);
    }
}
