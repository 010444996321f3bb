//! Word parts, for selecting with the mouse and for the label keys: a word
//! as `model::words` sees it (letters, digits, combining marks, inner
//! periods as in `U.S`), but cut at its inner hyphens, so that each part of
//! "Iran-Israël" can be a span of its own, while a selection that reaches
//! over the hyphen takes the whole compound ("Saint-Pétersbourg").
//!
//! Owns: nothing but these text functions. Must not touch: the app's state.
//! They read only a window of the text around the positions (a part longer
//! than `REACH`, 256, code points is cut), so a 10 MB line costs nothing.

use crate::model::{CharIdx, Text};

/// How far (in code points) a part is looked for around a position.
const REACH: usize = 256;

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F | 0x064B..=0x065F)
}

/// The characters around `[a, b)`: the window's first index and its chars.
fn window(text: &Text, a: CharIdx, b: CharIdx) -> (usize, Vec<char>) {
    let lo = a.get().saturating_sub(REACH);
    let hi = (b.get() + REACH).min(text.len_chars());
    let chars = text.slice(CharIdx::new(lo), CharIdx::new(hi)).unwrap_or("").chars().collect();
    (lo, chars)
}

/// Whether the character at `i` belongs to a part: a word character, or a
/// period between two letters.
fn in_part(c: &[char], i: usize) -> bool {
    match c.get(i) {
        Some(&ch) if is_word(ch) => true,
        Some('.') => i > 0 && c.get(i - 1).is_some_and(|p| p.is_alphabetic()) && c.get(i + 1).is_some_and(|n| n.is_alphabetic()),
        _ => false,
    }
}

/// The part holding code point `c`, if `c` is in one. In
/// `"Iran-Israël"`, `part_at(1)` is `(0, 4)`: `[Iran]-Israël`.
pub fn part_at(text: &Text, c: CharIdx) -> Option<(CharIdx, CharIdx)> {
    let (lo, chars) = window(text, c, c);
    let i = c.get() - lo;
    if !in_part(&chars, i) {
        return None;
    }
    let (mut a, mut b) = (i, i + 1);
    while a > 0 && in_part(&chars, a - 1) {
        a -= 1;
    }
    while b < chars.len() && in_part(&chars, b) {
        b += 1;
    }
    Some((CharIdx::new(lo + a), CharIdx::new(lo + b)))
}

/// Widens `[a, b)` to whole parts, after trimming white space and
/// punctuation at both ends: `"Ira"` → `"Iran"`, `"Iran-Isr"` →
/// `"Iran-Israël"`, `" Pékin, "` → `"Pékin"`. A range with no part
/// character stays as it is.
pub fn snap_to_parts(text: &Text, a: CharIdx, b: CharIdx) -> (CharIdx, CharIdx) {
    let (a, b) = (a.min(b), a.max(b).min(text.end()));
    let (lo, chars) = window(text, a, b);
    let (mut x, mut y) = (a.get() - lo, b.get() - lo);
    while x < y && !in_part(&chars, x) {
        x += 1;
    }
    while y > x && !in_part(&chars, y - 1) {
        y -= 1;
    }
    if x == y {
        return (a, b);
    }
    while x > 0 && in_part(&chars, x - 1) {
        x -= 1;
    }
    while y < chars.len() && in_part(&chars, y) {
        y += 1;
    }
    (CharIdx::new(lo + x), CharIdx::new(lo + y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(s: &str, a: usize, b: usize) -> String {
        let t = Text::from(s);
        let (x, y) = snap_to_parts(&t, CharIdx::new(a), CharIdx::new(b));
        t.slice(x, y).unwrap_or("").to_owned()
    }

    fn part(s: &str, c: usize) -> Option<String> {
        let t = Text::from(s);
        part_at(&t, CharIdx::new(c)).map(|(x, y)| t.slice(x, y).unwrap_or("").to_owned())
    }

    #[test]
    fn a_compound_is_selected_by_its_parts_or_whole() {
        let s = "Le conflit Iran-Israël à Saint-Pétersbourg.";
        assert_eq!(part(s, 12).as_deref(), Some("Iran"));
        assert_eq!(part(s, 18).as_deref(), Some("Israël"));
        assert_eq!(part(s, 15), None, "the hyphen is no part");
        assert_eq!(snap(s, 12, 13), "Iran");
        assert_eq!(snap(s, 12, 19), "Iran-Israël", "over the hyphen: the compound");
        assert_eq!(snap(s, 26, 35), "Saint-Pétersbourg");
        assert_eq!(snap(s, 10, 16), "Iran", "a trailing hyphen and a leading space are dropped");
    }

    #[test]
    fn parts_keep_periods_between_letters_and_marks_and_stop_at_apostrophes() {
        assert_eq!(part("aux U.S.A. hier", 5).as_deref(), Some("U.S.A"));
        assert_eq!(part("l'Union africaine", 3).as_deref(), Some("Union"));
        assert_eq!(part("Zoe\u{301} part", 1).as_deref(), Some("Zoe\u{301}"));
        assert_eq!(snap("😀 Tokyo 東京", 8, 9), "東京");
        assert_eq!(snap("« — »", 0, 5), "« — »", "no part: kept");
    }
}
