//! A fast, non-cryptographic hasher for short keys (the Fx hash of rustc),
//! for the hash maps and sets that look up every word of a text: the
//! recognizers' word lists (`suggest/`) and the names' sentence openers
//! ([`super::names`]). The standard library's default (SipHash) resists
//! chosen keys, which these lookups do not need, at several times the cost.
//!
//! Owns: [`FxHasher`], [`FxBuild`]. Must not touch: anything but `std`.

use std::hash::{BuildHasherDefault, Hasher};

/// The Fx hash: each 8 bytes of the key rotated in and multiplied.
#[derive(Clone, Copy, Debug, Default)]
pub struct FxHasher {
    hash: u64,
}

/// Builds an [`FxHasher`] for a `HashMap` or `HashSet`:
/// `HashMap<String, usize, FxBuild>`.
pub type FxBuild = BuildHasherDefault<FxHasher>;

impl FxHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn keys_that_differ_hash_apart_and_a_map_finds_them() {
        let hash = |s: &str| {
            let mut h = FxHasher::default();
            h.write(s.as_bytes());
            h.finish()
        };
        // Keys past 8 bytes, differing in the tail or the first chunk.
        assert_ne!(hash("grève générale"), hash("grève généralE"));
        assert_ne!(hash("abcdefgh1"), hash("abcdefgi1"));
        assert_eq!(hash("Sénat"), hash("Sénat"));
        let map: HashMap<String, usize, FxBuild> =
            ["sénat", "marché", "ministère"].iter().enumerate().map(|(i, w)| (w.to_string(), i)).collect();
        assert_eq!(map.get("marché"), Some(&1));
        assert_eq!(map.get("marche"), None);
    }
}
