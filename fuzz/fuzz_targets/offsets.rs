//! `Text`'s conversions between code points, UTF-8 bytes and UTF-16 units
//! (and `formats::Offsets`, which the importers use) against brute force
//! (`char_indices`, `encode_utf16`), at every offset of an arbitrary string
//! and just past its end, plus slices between offsets the input picks.
//!
//! Input layout: the first 8 bytes are four little-endian `u16` offsets
//! (modulo the text's length + 2) for slices and a `find_all` needle; the
//! rest is the text (lossy UTF-8).

#![no_main]

use libfuzzer_sys::fuzz_target;
use spanlab::model::{ByteIdx, CharIdx, Text, Utf16Idx};
use spanlab::store::formats::Offsets;

fuzz_target!(|data: &[u8]| {
    let (picks, text) = if data.len() >= 8 { data.split_at(8) } else { (&[][..], data) };
    let picks: Vec<usize> = picks.chunks(2).map(|c| usize::from(u16::from_le_bytes([c[0], c[1]]))).collect();
    let s = String::from_utf8_lossy(text).into_owned();
    let t = Text::new(s.clone());

    // Brute force: (char, byte, utf16) of every boundary, the end included.
    let mut table = Vec::with_capacity(s.len() + 1);
    let mut utf16 = 0;
    for (c, (b, ch)) in s.char_indices().enumerate() {
        table.push((c, b, utf16));
        utf16 += ch.len_utf16();
    }
    let n = table.len();
    table.push((n, s.len(), utf16));
    assert_eq!((t.len_chars(), t.len_bytes(), t.len_utf16()), (n, s.len(), s.encode_utf16().count()));
    assert_eq!(t.is_ascii(), s.is_ascii());
    assert_eq!(t.as_str(), s);

    for &(c, b, u) in &table {
        assert_eq!(t.char_to_byte(CharIdx::new(c)), Some(ByteIdx::new(b)), "char {c} to byte");
        assert_eq!(t.char_to_utf16(CharIdx::new(c)), Some(Utf16Idx::new(u)), "char {c} to utf16");
        assert_eq!(t.byte_to_char(ByteIdx::new(b)), Some(CharIdx::new(c)), "byte {b} to char");
        assert_eq!(t.utf16_to_char(Utf16Idx::new(u)), Some(CharIdx::new(c)), "utf16 {u} to char");
        assert_eq!(t.char_at(CharIdx::new(c)), s[b..].chars().next(), "char at {c}");
        for (unit, value) in [(Offsets::Chars, c), (Offsets::Bytes, b), (Offsets::Utf16, u)] {
            assert_eq!(unit.from_char(&t, CharIdx::new(c)), Some(value));
            assert_eq!(unit.to_char(&t, value as i64), Some(CharIdx::new(c)));
        }
    }
    // Offsets inside a character, and past the end.
    for b in 0..=s.len() + 1 {
        if !s.is_char_boundary(b) {
            assert_eq!(t.byte_to_char(ByteIdx::new(b)), None, "byte {b} is inside a character");
            assert_eq!(Offsets::Bytes.to_char(&t, b as i64), None);
        }
    }
    let boundaries16: std::collections::BTreeSet<usize> = table.iter().map(|x| x.2).collect();
    for u in 0..=utf16 + 1 {
        if !boundaries16.contains(&u) {
            assert_eq!(t.utf16_to_char(Utf16Idx::new(u)), None, "utf16 {u} is inside a character or past the end");
        }
    }
    for far in [n + 1, n + 64, usize::MAX] {
        assert_eq!(t.char_to_byte(CharIdx::new(far)), None);
        assert_eq!(t.char_to_utf16(CharIdx::new(far)), None);
        assert_eq!(t.char_at(CharIdx::new(far)), None);
    }
    assert_eq!(t.char_at(CharIdx::new(n)), None);
    assert_eq!(t.byte_to_char(ByteIdx::new(usize::MAX)), None);
    assert_eq!(t.utf16_to_char(Utf16Idx::new(usize::MAX)), None);
    for unit in Offsets::ALL {
        for at in [-1, i64::MIN, i64::MAX] {
            assert_eq!(unit.to_char(&t, at), None);
        }
    }

    // Slices between picked offsets, and between neighbours.
    let chars: Vec<char> = s.chars().collect();
    // Picks land inside the text or just past it.
    let picks: Vec<usize> = picks.iter().map(|p| p % (n + 2)).collect();
    let mut pairs: Vec<(usize, usize)> = picks.chunks(2).filter_map(|p| Some((*p.first()?, *p.get(1)?))).collect();
    pairs.extend((0..=n).step_by(7).map(|a| (a, a + 3)));
    for (a, b) in pairs {
        let expect: Option<String> = (a <= b && b <= n).then(|| chars[a..b].iter().collect());
        assert_eq!(t.slice(CharIdx::new(a), CharIdx::new(b)).map(str::to_owned), expect, "slice [{a}, {b})");
    }

    // Every occurrence of a needle taken from the text.
    if let Some(&a) = picks.first() {
        let a = a.min(n);
        let needle: String = chars[a..(a + 3).min(n)].iter().collect();
        let found = t.find_all(&needle);
        let expect: Vec<CharIdx> = if needle.is_empty() {
            Vec::new()
        } else {
            let (mut at_byte, mut at_char) = (0, 0);
            s.match_indices(needle.as_str())
                .map(|(b, _)| {
                    at_char += s[at_byte..b].chars().count();
                    at_byte = b;
                    CharIdx::new(at_char)
                })
                .collect()
        };
        assert_eq!(found, expect, "find_all {needle:?}");
    }
});
