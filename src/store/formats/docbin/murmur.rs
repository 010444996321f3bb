//! spaCy's string hash: MurmurHash64A with seed 1 over a string's UTF-8
//! bytes, the key its `StringStore` gives every string that is not one of
//! its built-in symbols.
//!
//! Owns: the hash function. Must not touch: which strings are symbols
//! (`symbols`), or the file's layout.

/// spaCy's `hash_string`: MurmurHash64A with seed 1 over the UTF-8 bytes.
///
/// `hash_string("PER") == 4317129024397789502`.
pub(super) fn hash_string(s: &str) -> u64 {
    murmur_hash_64a(s.as_bytes(), 1)
}

/// Austin Appleby's MurmurHash64A, little-endian blocks.
fn murmur_hash_64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(M);
    let blocks = key.chunks_exact(8);
    let tail = blocks.remainder();
    for block in blocks {
        let mut k = u64::from_le_bytes(block.try_into().unwrap_or([0; 8]));
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= u64::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_string_matches_spacy() {
        // Printed by `from spacy.strings import hash_string` (spaCy 3.8.18).
        let python = [
            ("PER", 4317129024397789502u64),
            ("Paris", 10427160276079242800),
            ("😀", 13900606239988879105),
            ("", 14313749767032693980),
            ("a", 11901859001352538922),
            ("ORG", 8419042386026509531),
            ("é", 16256712947286012828),
            ("spanlab", 2346124916881900255),
            ("Emmanuel", 16137000291899869641),
            ("Emmanuel Macron", 7081863695525534376),
            ("l'ONU", 7060739062266610529),
            ("\r\n", 2933942332565701703),
            ("東京", 9360021637096476946),
            ("hello world, this is long enough", 12380532930806803944),
        ];
        for (s, h) in python {
            assert_eq!(hash_string(s), h, "{s:?}");
        }
    }
}
