//! The document text and the three offset units that meet it.
//!
//! Owns: [`Text`] (immutable UTF-8 text with a code-point index) and the typed
//! offsets [`CharIdx`] (Unicode scalar values: what users and the dataset
//! format see), [`ByteIdx`] (UTF-8 bytes: what Rust slices) and [`Utf16Idx`]
//! (UTF-16 code units: what JavaScript tools count).
//! Must not touch: anything but `std` (and serde, to store offsets).
//!
//! A worked example: in `"é😀x"` (`é` precomposed) the `x` is at
//! `CharIdx::new(2)`, `ByteIdx::new(6)` (2 + 4 bytes before it) and
//! `Utf16Idx::new(3)` (1 + 2 units before it).
//!
//! The number inside an offset is private: it is made with `new`, read with
//! `get`, and moved in its own unit (`at + 1`, `end - start`,
//! `start.saturating_sub(n)`), so that a byte offset is never taken for a
//! code point. On disk an offset is its number (serde transparent).

use std::fmt;
use std::sync::Arc;

macro_rules! offset_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// The number inside is private: [`new`](Self::new) and
        /// [`get`](Self::get) cross the boundary on purpose, and the
        /// arithmetic stays in the unit (`at + 2`, `end - start`).
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(usize);

        impl $name {
            /// The start of the text.
            pub const ZERO: Self = Self(0);

            /// The offset `n` in this unit.
            pub const fn new(n: usize) -> Self {
                Self(n)
            }

            /// The offset as a number (to index a slice, print, or store).
            pub const fn get(self) -> usize {
                self.0
            }

            /// `n` before this offset, or 0: `Self::new(5).saturating_sub(7)`
            /// is `Self::new(0)`.
            pub const fn saturating_sub(self, n: usize) -> Self {
                Self(self.0.saturating_sub(n))
            }

            /// How far `earlier` lies before this offset, or 0 when it does
            /// not: `Self::new(7).distance_from(Self::new(3))` is 4.
            pub const fn distance_from(self, earlier: Self) -> usize {
                self.0.saturating_sub(earlier.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        /// `at + n`: `n` further on, in the same unit.
        impl std::ops::Add<usize> for $name {
            type Output = Self;

            fn add(self, n: usize) -> Self {
                Self(self.0 + n)
            }
        }

        impl std::ops::AddAssign<usize> for $name {
            fn add_assign(&mut self, n: usize) {
                self.0 += n;
            }
        }

        /// `at - n`: `n` earlier, in the same unit (as `usize`, it must not
        /// go below 0; see [`saturating_sub`](Self::saturating_sub)).
        impl std::ops::Sub<usize> for $name {
            type Output = Self;

            fn sub(self, n: usize) -> Self {
                Self(self.0 - n)
            }
        }

        /// `end - start`: the length between two offsets (as `usize`, `end`
        /// must not be before `start`; see [`distance_from`](Self::distance_from)).
        impl std::ops::Sub for $name {
            type Output = usize;

            fn sub(self, start: Self) -> usize {
                self.0 - start.0
            }
        }
    };
}

offset_type!(
    /// An offset in Unicode scalar values (code points): the unit of the
    /// dataset format, Python slicing and spaCy.
    CharIdx
);
offset_type!(
    /// An offset in UTF-8 bytes: the unit of Rust string slicing.
    ByteIdx
);
offset_type!(
    /// An offset in UTF-16 code units: the unit of JavaScript and Java tools.
    Utf16Idx
);

/// How many code points lie between two checkpoints of the index.
const STRIDE: usize = 64;

/// An immutable document text with O(1)-ish conversions between offset units.
///
/// The index keeps the byte and UTF-16 offset of every 64th code point, so a
/// conversion costs one array lookup and a scan of at most 64 characters; an
/// ASCII-only text needs no index at all.
///
/// The string and its index are shared: a clone costs a reference count,
/// not a copy (the window hands the open article to the suggestion worker
/// and the writer; a 200 MB article was copied each time).
#[derive(Clone)]
pub struct Text {
    inner: Arc<Inner>,
}

#[derive(PartialEq, Eq)]
struct Inner {
    string: String,
    len_chars: usize,
    len_utf16: usize,
    /// Byte offset of code point `k * STRIDE`; empty when the text is ASCII.
    byte_checkpoints: Vec<usize>,
    /// UTF-16 offset of code point `k * STRIDE`; empty when the text is ASCII.
    utf16_checkpoints: Vec<usize>,
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner) || self.inner.string == other.inner.string
    }
}

impl Eq for Text {}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Text").field(&self.inner.string).finish()
    }
}

impl Default for Text {
    fn default() -> Self {
        Self::new(String::new())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Self::new(s.to_owned())
    }
}

/// Whether a byte of UTF-8 continues a code point (`10xxxxxx`) rather than
/// starting one.
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

impl Text {
    /// Wraps a string, building its offset index.
    pub fn new(string: String) -> Self {
        if string.is_ascii() {
            let len = string.len();
            let inner = Inner { string, len_chars: len, len_utf16: len, byte_checkpoints: Vec::new(), utf16_checkpoints: Vec::new() };
            return Self { inner: Arc::new(inner) };
        }
        let mut byte_checkpoints = Vec::with_capacity(string.len() / STRIDE + 1);
        let mut utf16_checkpoints = Vec::with_capacity(string.len() / STRIDE + 1);
        let mut utf16 = 0;
        let mut chars = 0;
        // Byte by byte, without decoding: a code point starts at every
        // byte that is not a continuation byte (`10xxxxxx`), and takes two
        // UTF-16 units when it starts with `11110xxx` (four bytes).
        for (byte, &b) in string.as_bytes().iter().enumerate() {
            if !is_continuation(b) {
                if chars % STRIDE == 0 {
                    byte_checkpoints.push(byte);
                    utf16_checkpoints.push(utf16);
                }
                chars += 1;
                utf16 += if b >= 0xF0 { 2 } else { 1 };
            }
        }
        Self { inner: Arc::new(Inner { string, len_chars: chars, len_utf16: utf16, byte_checkpoints, utf16_checkpoints }) }
    }

    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        &self.inner.string
    }

    /// Length in code points.
    pub fn len_chars(&self) -> usize {
        self.inner.len_chars
    }

    /// The offset just past the last code point: `"é😀x"` ends at
    /// `CharIdx::new(3)`.
    pub fn end(&self) -> CharIdx {
        CharIdx(self.inner.len_chars)
    }

    /// Length in UTF-8 bytes.
    pub fn len_bytes(&self) -> usize {
        self.inner.string.len()
    }

    /// Length in UTF-16 code units.
    pub fn len_utf16(&self) -> usize {
        self.inner.len_utf16
    }

    /// True for the empty text.
    pub fn is_empty(&self) -> bool {
        self.inner.string.is_empty()
    }

    /// True when every code point is one byte (conversions are identities).
    pub fn is_ascii(&self) -> bool {
        self.inner.byte_checkpoints.is_empty()
    }

    /// The byte offset of a code-point offset, or `None` past the end.
    ///
    /// `"é😀x"`: `CharIdx::new(2)` → `ByteIdx::new(6)`; `CharIdx::new(3)` → `ByteIdx::new(7)`.
    pub fn char_to_byte(&self, at: CharIdx) -> Option<ByteIdx> {
        if at.0 > self.inner.len_chars {
            return None;
        }
        if at.0 == self.inner.len_chars {
            return Some(ByteIdx(self.inner.string.len()));
        }
        if self.is_ascii() {
            return Some(ByteIdx(at.0));
        }
        let k = at.0 / STRIDE;
        let base = *self.inner.byte_checkpoints.get(k)?;
        let skip = at.0 - k * STRIDE;
        let rest = self.inner.string.get(base..)?;
        // The `skip`-th code point's first byte, counted without decoding.
        let mut seen = 0;
        let mut offset = rest.len();
        for (i, &b) in rest.as_bytes().iter().enumerate() {
            if !is_continuation(b) {
                if seen == skip {
                    offset = i;
                    break;
                }
                seen += 1;
            }
        }
        Some(ByteIdx(base + offset))
    }

    /// The code-point offset of a byte offset, or `None` when the byte offset
    /// is past the end or inside a multi-byte character.
    pub fn byte_to_char(&self, at: ByteIdx) -> Option<CharIdx> {
        if at.0 > self.inner.string.len() || !self.inner.string.is_char_boundary(at.0) {
            return None;
        }
        if self.is_ascii() {
            return Some(CharIdx(at.0));
        }
        let k = self.inner.byte_checkpoints.partition_point(|&b| b <= at.0);
        let k = k.saturating_sub(1);
        let base = self.inner.byte_checkpoints.get(k).copied().unwrap_or(0);
        let between = self.inner.string.get(base..at.0)?.chars().count();
        Some(CharIdx(k * STRIDE + between))
    }

    /// The UTF-16 offset of a code-point offset, or `None` past the end.
    ///
    /// `"é😀x"`: `CharIdx::new(2)` → `Utf16Idx::new(3)`.
    pub fn char_to_utf16(&self, at: CharIdx) -> Option<Utf16Idx> {
        if at.0 > self.inner.len_chars {
            return None;
        }
        if self.is_ascii() {
            return Some(Utf16Idx(at.0));
        }
        let k = at.0 / STRIDE;
        let (Some(&base_byte), Some(&base_utf16)) = (self.inner.byte_checkpoints.get(k), self.inner.utf16_checkpoints.get(k)) else {
            // `at` is the end of a text whose length is a multiple of STRIDE.
            return Some(Utf16Idx(self.inner.len_utf16));
        };
        let skip = at.0 - k * STRIDE;
        let units: usize = self.inner.string.get(base_byte..)?.chars().take(skip).map(char::len_utf16).sum();
        Some(Utf16Idx(base_utf16 + units))
    }

    /// The code-point offset of a UTF-16 offset, or `None` when it is past the
    /// end or between the two halves of a surrogate pair.
    pub fn utf16_to_char(&self, at: Utf16Idx) -> Option<CharIdx> {
        if at.0 > self.inner.len_utf16 {
            return None;
        }
        if self.is_ascii() {
            return Some(CharIdx(at.0));
        }
        let k = self.inner.utf16_checkpoints.partition_point(|&u| u <= at.0).saturating_sub(1);
        let base_byte = self.inner.byte_checkpoints.get(k).copied().unwrap_or(0);
        let mut units = self.inner.utf16_checkpoints.get(k).copied().unwrap_or(0);
        let mut chars = k * STRIDE;
        for c in self.inner.string.get(base_byte..)?.chars() {
            if units == at.0 {
                return Some(CharIdx(chars));
            }
            if units > at.0 {
                return None;
            }
            units += c.len_utf16();
            chars += 1;
        }
        (units == at.0).then_some(CharIdx(chars))
    }

    /// The text between two code-point offsets, or `None` when the range is
    /// reversed or past the end.
    ///
    /// `"Le [Sénat] vote"`: `slice(CharIdx::new(3), CharIdx::new(8))` is `"Sénat"`.
    pub fn slice(&self, start: CharIdx, end: CharIdx) -> Option<&str> {
        if start > end {
            return None;
        }
        let s = self.char_to_byte(start)?;
        let e = self.char_to_byte(end)?;
        self.inner.string.get(s.0..e.0)
    }

    /// The code point at an offset.
    pub fn char_at(&self, at: CharIdx) -> Option<char> {
        let b = self.char_to_byte(at)?;
        self.inner.string.get(b.0..)?.chars().next()
    }

    /// Every code-point offset at which `needle` starts, in order.
    pub fn find_all(&self, needle: &str) -> Vec<CharIdx> {
        if needle.is_empty() {
            return Vec::new();
        }
        self.inner.string.match_indices(needle).filter_map(|(b, _)| self.byte_to_char(ByteIdx(b))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Reference conversions by brute force.
    fn reference(s: &str) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        let mut utf16 = 0;
        for (c, (b, ch)) in s.char_indices().enumerate() {
            out.push((c, b, utf16));
            utf16 += ch.len_utf16();
        }
        out.push((s.chars().count(), s.len(), utf16));
        out
    }

    fn check_all(s: &str) {
        let t = Text::from(s);
        for (c, b, u) in reference(s) {
            assert_eq!(t.char_to_byte(CharIdx(c)), Some(ByteIdx(b)), "{s:?} char {c}");
            assert_eq!(t.byte_to_char(ByteIdx(b)), Some(CharIdx(c)), "{s:?} byte {b}");
            assert_eq!(t.char_to_utf16(CharIdx(c)), Some(Utf16Idx(u)), "{s:?} char {c}");
            assert_eq!(t.utf16_to_char(Utf16Idx(u)), Some(CharIdx(c)), "{s:?} utf16 {u}");
        }
        assert_eq!(t.char_to_byte(CharIdx(t.len_chars() + 1)), None);
        assert_eq!(t.utf16_to_char(Utf16Idx(t.len_utf16() + 1)), None);
    }

    #[test]
    fn worked_example_from_the_module_docs() {
        let t = Text::from("é😀x");
        assert_eq!(t.char_to_byte(CharIdx(2)), Some(ByteIdx(6)));
        assert_eq!(t.char_to_utf16(CharIdx(2)), Some(Utf16Idx(3)));
        assert_eq!(t.slice(CharIdx(2), CharIdx(3)), Some("x"));
    }

    #[test]
    fn emoji_combining_marks_crlf_rtl_nbsp() {
        check_all("Le président 🇫🇷 a dit\r\n« bonjour » à Zoë\u{301}");
        check_all("مرحبا بالعالم — שלום 👍🏽 and 東京");
        check_all("e\u{301}\u{301}\u{301}\r\n\r\n\u{a0}!\u{a0}?");
        check_all("");
        check_all("plain ascii\r\nline two");
    }

    #[test]
    fn offsets_inside_characters_are_rejected() {
        let t = Text::from("a😀b");
        assert_eq!(t.byte_to_char(ByteIdx(2)), None, "inside the emoji's bytes");
        assert_eq!(t.utf16_to_char(Utf16Idx(2)), None, "between surrogates");
        assert_eq!(t.slice(CharIdx(2), CharIdx(1)), None, "reversed");
    }

    #[test]
    fn a_clone_shares_the_string_and_its_index() {
        let t = Text::from("Pékin 東京 👍🏽 e\u{301}".repeat(100).as_str());
        let copy = t.clone();
        assert_eq!(copy.as_str().as_ptr(), t.as_str().as_ptr(), "the clone points at the same bytes");
        assert_eq!(copy, t);
        assert_eq!(copy.char_to_byte(CharIdx(700)), t.char_to_byte(CharIdx(700)));
        let rebuilt = Text::from(t.as_str());
        assert_ne!(rebuilt.as_str().as_ptr(), t.as_str().as_ptr());
        assert_eq!(rebuilt, t, "texts built apart are equal by content");
        assert_ne!(Text::from("Pékin"), Text::from("Pekin"));
    }

    #[test]
    fn long_texts_cross_checkpoints() {
        let s = "Ça 😀 va\r\n".repeat(100);
        check_all(&s);
        let exact = "é".repeat(STRIDE * 3);
        check_all(&exact);
    }

    #[test]
    fn offsets_move_in_their_unit_and_store_as_numbers() {
        let at = CharIdx::new(5);
        assert_eq!((at + 2).get(), 7);
        assert_eq!(at - 2, CharIdx::new(3));
        assert_eq!(CharIdx::new(9) - at, 4);
        assert_eq!(at.saturating_sub(7), CharIdx::ZERO);
        assert_eq!(at.distance_from(CharIdx::new(8)), 0);
        let mut b = ByteIdx::new(1);
        b += 3;
        assert_eq!(b, ByteIdx::new(4));
        assert_eq!(serde_json::to_string(&Utf16Idx::new(12)).ok().as_deref(), Some("12"));
        assert_eq!(serde_json::from_str::<CharIdx>("3").ok(), Some(CharIdx::new(3)));
        assert_eq!(Text::from("é😀x").end(), CharIdx::new(3));
    }

    #[test]
    fn find_all_reports_code_points() {
        let t = Text::from("😀 Paris et Paris");
        assert_eq!(t.find_all("Paris"), vec![CharIdx(2), CharIdx(11)]);
    }

    proptest! {
        #[test]
        fn conversions_match_brute_force(s in "[a-zé😀\u{301}\r\n\u{a0}\u{627}東]{0,300}") {
            check_all(&s);
        }

        #[test]
        fn slices_agree_with_chars(s in "\\PC{0,80}", a in 0usize..90, b in 0usize..90) {
            let t = Text::from(s.as_str());
            let (a, b) = (a.min(b), a.max(b));
            let expected: Option<String> = (b <= t.len_chars())
                .then(|| s.chars().skip(a).take(b - a).collect());
            prop_assert_eq!(t.slice(CharIdx(a), CharIdx(b)).map(str::to_owned), expected);
        }
    }
}
