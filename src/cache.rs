//! The start-up cache in `<data dir>/cache/`: what a start would otherwise compute again
//! from unchanged files. Each deck file compiled to its catalog entry, keyed by the
//! file's length, modification time and content hash; the built-in decks likewise;
//! and the progress the review log gives as of a byte offset, with a hash of the log
//! up to there, so a start replays only what was appended since.
//!
//! The cache is an optimization, never a source of truth. Every file starts with a
//! magic number and a format version and ends with a checksum of its contents; one
//! that is missing, cut short, corrupt, from another version or about files that have
//! changed is ignored (and rewritten). Files are replaced atomically (written beside,
//! then renamed), so two processes can only ever leave one of two whole files; a data
//! dir that cannot be written works without a cache. Deleting the folder is always
//! safe. The contents are encoded with postcard: serde's compact binary format, read
//! back in one pass into plain values.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::Serialize;
use serde::de::DeserializeOwned;
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

/// The first bytes of every cache file.
const MAGIC: &[u8; 8] = b"recall\x00C";
/// Bumped whenever what the cache stores changes shape: older files are ignored.
const FORMAT: u32 = 1;

/// The cache folder of a data dir.
#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
}

/// What identifies a file's contents cheaply: its length and modification time, and
/// the hash of its bytes that settles it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    pub len: u64,
    pub modified_ns: u64,
    pub hash: u64,
}

impl Stamp {
    /// The stamp of `bytes` read from a file with metadata `meta`.
    pub fn of(bytes: &[u8], meta: &fs::Metadata) -> Stamp {
        Stamp {
            len: bytes.len() as u64,
            modified_ns: modified_ns(meta),
            hash: xxh3_64(bytes),
        }
    }
}

fn modified_ns(meta: &fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// The hash of a file's first `len` bytes, read through a small buffer (a review log
/// can be tens of megabytes, and none of it needs to stay in memory). `None` if the
/// file is shorter.
pub fn hash_prefix(path: &Path, len: u64) -> io::Result<Option<u64>> {
    let mut file = fs::File::open(path)?;
    Ok(hash_from(&mut file, len)?.map(|h| h.digest()))
}

/// The hashing state after the next `len` bytes of `reader`, to go on from (the
/// bytes after a cached prefix are hashed on top of it). `None` if there are fewer.
pub fn hash_from(reader: &mut impl Read, len: u64) -> io::Result<Option<Xxh3>> {
    let mut hasher = Xxh3::new();
    let mut left = len;
    let mut buffer = vec![0u8; 1 << 16];
    while left > 0 {
        let want = usize::try_from(left.min(buffer.len() as u64)).unwrap_or(buffer.len());
        let read = reader.read(&mut buffer[..want])?;
        if read == 0 {
            return Ok(None);
        }
        hasher.update(&buffer[..read]);
        left -= read as u64;
    }
    Ok(Some(hasher))
}

impl Cache {
    pub fn new(data_dir: &Path) -> Cache {
        Cache {
            dir: data_dir.join("cache"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file for a user's deck file, named by its path.
    pub fn deck_file(&self, deck: &Path) -> PathBuf {
        let name = xxh3_64(deck.as_os_str().as_encoded_bytes());
        self.dir.join("decks").join(format!("{name:016x}.bin"))
    }

    pub fn builtin_file(&self) -> PathBuf {
        self.dir.join("builtin.bin")
    }

    pub fn progress_file(&self) -> PathBuf {
        self.dir.join("progress.bin")
    }

    /// Reads a cache file back, or `None` if there is none or it cannot be trusted.
    pub fn read<T: DeserializeOwned>(&self, path: &Path) -> Option<T> {
        let bytes = fs::read(path).ok()?;
        decode(&bytes)
    }

    /// Writes a cache file atomically. Failures are ignored: without a cache recall
    /// still works, only slower (a read-only data dir, a full disk).
    pub fn write<T: Serialize>(&self, path: &Path, value: &T) {
        let _ = self.try_write(path, value);
    }

    fn try_write<T: Serialize>(&self, path: &Path, value: &T) -> io::Result<()> {
        let bytes = encode(value)?;
        let dir = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(dir)?;
        // A name no other process uses, so two writers never share a temporary file.
        let temp = dir.join(format!(
            ".{}.{}.tmp",
            path.file_name().map_or("cache".into(), |n| n.to_string_lossy()),
            std::process::id()
        ));
        fs::write(&temp, &bytes)?;
        fs::rename(&temp, path).inspect_err(|_| {
            let _ = fs::remove_file(&temp);
        })
    }
}

/// A value as a cache file: magic, format version, postcard bytes, checksum.
pub fn encode<T: Serialize>(value: &T) -> io::Result<Vec<u8>> {
    let body = postcard::to_stdvec(value).map_err(io::Error::other)?;
    let mut bytes = Vec::with_capacity(body.len() + 20);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(&body);
    bytes.extend_from_slice(&xxh3_64(&body).to_le_bytes());
    Ok(bytes)
}

/// The value of a cache file, or `None` for anything but a whole, current one.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let (format, rest) = rest.split_at_checked(4)?;
    if u32::from_le_bytes(format.try_into().ok()?) != FORMAT {
        return None;
    }
    let (body, sum) = rest.split_at_checked(rest.len().checked_sub(8)?)?;
    if xxh3_64(body) != u64::from_le_bytes(sum.try_into().ok()?) {
        return None;
    }
    postcard::from_bytes(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_whole_current_file_reads_back() {
        let value = (String::from("deck"), vec![1u32, 2, 3]);
        let bytes = encode(&value).expect("encode");
        assert_eq!(decode::<(String, Vec<u32>)>(&bytes), Some(value));
        // Cut short, one bit flipped, another format, another program's file.
        assert_eq!(decode::<(String, Vec<u32>)>(&bytes[..bytes.len() - 1]), None);
        let mut flipped = bytes.clone();
        flipped[14] ^= 1;
        assert_eq!(decode::<(String, Vec<u32>)>(&flipped), None);
        let mut other = bytes.clone();
        other[8] = 9;
        assert_eq!(decode::<(String, Vec<u32>)>(&other), None);
        assert_eq!(decode::<(String, Vec<u32>)>(b"not a cache"), None);
        assert_eq!(decode::<(String, Vec<u32>)>(&[]), None);
    }

    #[test]
    fn the_hash_of_a_prefix_streams_the_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("log");
        let text = "x".repeat(200_000);
        fs::write(&path, &text).expect("write");
        assert_eq!(
            hash_prefix(&path, 150_000).expect("read"),
            Some(xxh3_64(&text.as_bytes()[..150_000]))
        );
        assert_eq!(hash_prefix(&path, 200_001).expect("read"), None);
        assert_eq!(hash_prefix(&path, 0).expect("read"), Some(xxh3_64(b"")));
    }
}
