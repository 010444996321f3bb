//! Sections of a very long text: fixed pieces of about `size` bytes, each
//! ending after a line break, so that a 200 MB article can be handled a
//! piece at a time (the window suggests for the sections the user looks
//! at, instead of tokenizing and suggesting over the whole text at once).
//!
//! Owns: where sections start and end. Must not touch: anything but
//! [`Text`].
//!
//! Section `k` starts at the first line start at or after byte `k * size`
//! (at a word start, then at any character, when no line starts in the
//! next `size / 2` bytes), so a text's sections never move, and a name is
//! cut only where a line is longer than half a section. A worked example
//! with `size` 8: `"un deux\ntrois"` has the sections `(0, 8)` (`"un
//! deux\n"`) and `(8, 13)` (`"trois"`), in code points, end exclusive.

use super::text::{ByteIdx, CharIdx, Text};

/// Where section `k` starts, in bytes (`k * size` moved forward to a line
/// start, a word start, or a character boundary), or the text's end.
fn section_start(s: &str, k: usize, size: usize) -> usize {
    let Some(from) = k.checked_mul(size) else { return s.len() };
    if k == 0 || from >= s.len() {
        return if k == 0 { 0 } else { s.len() };
    }
    let bytes = s.as_bytes();
    let near = from.saturating_add(size / 2).min(s.len());
    // From the byte before `from`: a line that starts at `from` starts the section.
    let after = |b: u8| bytes.get(from.saturating_sub(1)..near).and_then(|w| w.iter().position(|&x| x == b)).map(|i| from + i);
    if let Some(at) = after(b'\n').or_else(|| after(b' ')) {
        return at;
    }
    (from..=s.len()).find(|&i| s.is_char_boundary(i)).unwrap_or(s.len())
}

/// The section of `text` that holds the code point `at` (the last one when
/// `at` is the end), as code-point offsets `(start, end)`, end exclusive;
/// `None` when `at` is past the end or `size` is 0.
///
/// With `size` 8, `"un deux\ntrois"`: `section_at(text, CharIdx::new(9), 8)`
/// is `(8, 13)`, the line `trois`.
pub fn section_at(text: &Text, at: CharIdx, size: usize) -> Option<(CharIdx, CharIdx)> {
    if size == 0 || at > text.end() {
        return None;
    }
    let s = text.as_str();
    let byte = text.char_to_byte(at.min(text.end().saturating_sub(1)))?.get();
    let mut k = byte / size;
    while k > 0 && section_start(s, k, size) > byte {
        k -= 1;
    }
    let start = text.byte_to_char(ByteIdx::new(section_start(s, k, size)))?;
    let mut next = k + 1;
    // Sections left empty by a line longer than `size` are passed over.
    while section_start(s, next, size) <= byte && section_start(s, next, size) < s.len() {
        next += 1;
    }
    let end = text.byte_to_char(ByteIdx::new(section_start(s, next, size)))?;
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every section of the text, in order, by walking from the start.
    fn all_sections(text: &Text, size: usize) -> Vec<(CharIdx, CharIdx)> {
        let mut out: Vec<(CharIdx, CharIdx)> = Vec::new();
        let mut at = CharIdx::ZERO;
        while at < text.end() {
            let (s, e) = section_at(text, at, size).unwrap();
            assert!(s <= at && at < e, "{at:?} in {s:?}..{e:?}");
            out.push((s, e));
            at = e;
        }
        out
    }

    #[test]
    fn worked_example_from_the_docs() {
        let t = Text::from("un deux\ntrois");
        assert_eq!(section_at(&t, CharIdx::new(9), 8), Some((CharIdx::new(8), CharIdx::new(13))));
        assert_eq!(section_at(&t, CharIdx::new(2), 8), Some((CharIdx::new(0), CharIdx::new(8))));
        assert_eq!(section_at(&t, t.end(), 8), Some((CharIdx::new(8), CharIdx::new(13))), "the end: the last section");
        assert_eq!(section_at(&t, CharIdx::new(14), 8), None);
        assert_eq!(section_at(&t, CharIdx::new(1), 0), None);
    }

    #[test]
    fn sections_tile_the_text_and_end_after_line_breaks() {
        let line = "Wang Yi a rencontré 東京の記者 👍🏽 à Zoe\u{301} Pékin.\n";
        let t = Text::from(line.repeat(500).as_str());
        for size in [128, 200, 1000, 4096] {
            let sections = all_sections(&t, size);
            assert!(sections.len() > 1, "size {size}");
            assert_eq!(sections.first().map(|s| s.0), Some(CharIdx::ZERO));
            assert_eq!(sections.last().map(|s| s.1), Some(t.end()));
            for w in sections.windows(2) {
                assert_eq!(w[0].1, w[1].0, "no gap, no overlap");
                assert_eq!(t.char_at(w[0].1 - 1), Some('\n'), "size {size}: a section ends after a line break");
            }
            // Each section is the same from every code point in it.
            for &(s, e) in &sections {
                for at in [s, s + (e - s) / 2, e - 1] {
                    assert_eq!(section_at(&t, at, size), Some((s, e)));
                }
            }
            // Round trip through bytes: the section's text is whole lines.
            let joined: String = sections.iter().map(|&(s, e)| t.slice(s, e).unwrap()).collect();
            assert_eq!(joined, t.as_str());
        }
    }

    #[test]
    fn a_line_longer_than_a_section_is_cut_at_a_space_or_a_character() {
        let t = Text::from(format!("{}\nfin", "mot 😀é ".repeat(40)).as_str());
        let sections = all_sections(&t, 32);
        assert!(sections.len() > 3);
        for w in sections.windows(2) {
            assert_eq!(t.char_at(w[0].1 - 1), Some(' '), "cut after a space");
        }
        // No space and no line break: cut at character boundaries, never
        // inside a character.
        let t = Text::from("東京😀e\u{301}".repeat(50).as_str());
        let sections = all_sections(&t, 16);
        assert!(sections.len() > 5);
        let joined: String = sections.iter().map(|&(s, e)| t.slice(s, e).unwrap()).collect();
        assert_eq!(joined, t.as_str());
    }

    #[test]
    fn a_short_text_is_one_section() {
        let t = Text::from("Le président 🇫🇷\r\na dit");
        assert_eq!(section_at(&t, CharIdx::new(3), 1 << 20), Some((CharIdx::ZERO, t.end())));
        let empty = Text::from("");
        assert_eq!(section_at(&empty, CharIdx::ZERO, 8), Some((CharIdx::ZERO, CharIdx::ZERO)));
    }
}
