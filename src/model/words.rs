//! Word boundaries for selection: snapping a dragged range to whole words,
//! moving a caret or a span boundary by a word, and the end of a phrase
//! (up to the next punctuation mark) for extending a selection.
//!
//! A word is a run of letters, digits and combining marks, with inner hyphens
//! (`Saint-Pétersbourg`) and inner periods between letters (`U.S`) kept. An
//! apostrophe ends a word, so `l'Union` holds the words `l` and `Union`.
//!
//! Owns: what a word is for selection (not the tokenizer's tokens, which
//! the suggestions use). Must not touch: documents, the UI (which calls it).

use super::text::{CharIdx, Text};

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c)
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F | 0x064B..=0x065F)
}

/// The text's characters (one allocation; callers work on a window).
fn chars(text: &Text) -> Vec<char> {
    text.as_str().chars().collect()
}

fn word_at(c: &[char], i: usize) -> bool {
    match c.get(i) {
        Some(&ch) if is_word(ch) => true,
        Some('-' | '.') => i > 0 && c.get(i - 1).is_some_and(|&p| is_word(p)) && c.get(i + 1).is_some_and(|&n| is_word(n)),
        _ => false,
    }
}

/// Widens `[start, end)` to whole words and trims white space and
/// punctuation at both ends. `"Le [Sén]at"` → `"Le [Sénat]"`. A range with no
/// word character stays as it is (trimmed of spaces).
pub fn snap_to_words(text: &Text, start: CharIdx, end: CharIdx) -> (CharIdx, CharIdx) {
    let c = chars(text);
    let (mut a, mut b) = (start.get().min(end.get()).min(c.len()), start.get().max(end.get()).min(c.len()));
    let (a0, b0) = (a, b);
    while a < b && !word_at(&c, a) {
        a += 1;
    }
    while b > a && !word_at(&c, b - 1) {
        b -= 1;
    }
    if a == b {
        let (mut a, mut b) = (a0, b0);
        let space_at = |i: usize| c.get(i).is_some_and(|ch| ch.is_whitespace());
        while a < b && space_at(a) {
            a += 1;
        }
        while b > a && space_at(b - 1) {
            b -= 1;
        }
        return (CharIdx::new(a), CharIdx::new(b));
    }
    while a > 0 && word_at(&c, a - 1) {
        a -= 1;
    }
    while b < c.len() && word_at(&c, b) {
        b += 1;
    }
    (CharIdx::new(a), CharIdx::new(b))
}

/// The start of the next word after `at` (or the end of the text).
pub fn next_word_start(text: &Text, at: CharIdx) -> CharIdx {
    let c = chars(text);
    let mut i = at.get().min(c.len());
    while i < c.len() && word_at(&c, i) {
        i += 1;
    }
    while i < c.len() && !word_at(&c, i) {
        i += 1;
    }
    CharIdx::new(i)
}

/// The end of the word at or after `at`.
pub fn next_word_end(text: &Text, at: CharIdx) -> CharIdx {
    let c = chars(text);
    let mut i = at.get().min(c.len());
    while i < c.len() && !word_at(&c, i) {
        i += 1;
    }
    while i < c.len() && word_at(&c, i) {
        i += 1;
    }
    CharIdx::new(i)
}

/// The end of the next part of a word at or after `at`: as
/// [`next_word_end`], but an inner hyphen ends a part, as a double-click
/// selects each part (`[Iran]-Israël`, then `Iran-[Israël]`).
pub fn next_word_part_end(text: &Text, at: CharIdx) -> CharIdx {
    let c = chars(text);
    let mut i = at.get().min(c.len());
    while i < c.len() && (!word_at(&c, i) || c.get(i) == Some(&'-')) {
        i += 1;
    }
    while i < c.len() && word_at(&c, i) && c.get(i) != Some(&'-') {
        i += 1;
    }
    CharIdx::new(i)
}

/// The start of the part of a word before `at`: as [`previous_word_start`],
/// but an inner hyphen ends a part (`Iran-[Israël]`, then `[Iran]-Israël`).
pub fn previous_word_part_start(text: &Text, at: CharIdx) -> CharIdx {
    let c = chars(text);
    let mut i = at.get().min(c.len());
    while i > 0 && (!word_at(&c, i - 1) || c.get(i - 1) == Some(&'-')) {
        i -= 1;
    }
    while i > 0 && word_at(&c, i - 1) && c.get(i - 1) != Some(&'-') {
        i -= 1;
    }
    CharIdx::new(i)
}

/// The start of the word before `at` (or 0).
pub fn previous_word_start(text: &Text, at: CharIdx) -> CharIdx {
    let c = chars(text);
    let mut i = at.get().min(c.len());
    while i > 0 && !word_at(&c, i - 1) {
        i -= 1;
    }
    while i > 0 && word_at(&c, i - 1) {
        i -= 1;
    }
    CharIdx::new(i)
}

/// The end of the word before `at` (skipping the word `at` is inside).
pub fn previous_word_end(text: &Text, at: CharIdx) -> CharIdx {
    let c = chars(text);
    let mut i = at.get().min(c.len());
    while i > 0 && word_at(&c, i - 1) {
        i -= 1;
    }
    while i > 0 && !word_at(&c, i - 1) {
        i -= 1;
    }
    CharIdx::new(i)
}

/// The start of the first word after `from` and before `to` that begins
/// with a capital letter (`None` if none): where a span's start goes to
/// drop a title or role written before a name. `"[ministre des Affaires
/// étrangères]"` → `"ministre des [Affaires étrangères]"`.
pub fn next_capitalised_word(text: &Text, from: CharIdx, to: CharIdx) -> Option<CharIdx> {
    let c = chars(text);
    let mut i = next_word_start(text, from).get();
    while i < to.get().min(c.len()) {
        if c.get(i).is_some_and(|ch| ch.is_uppercase()) {
            return Some(CharIdx::new(i));
        }
        while i < c.len() && word_at(&c, i) {
            i += 1;
        }
        while i < c.len() && !word_at(&c, i) {
            i += 1;
        }
    }
    None
}

/// Whether the character at `i` ends a phrase: a comma, a period, a
/// colon, a semicolon, a bracket, a quotation mark, a dash or a line
/// break (a period or hyphen inside a word does not).
fn ends_phrase(c: &[char], i: usize) -> bool {
    !word_at(c, i)
        && matches!(
            c.get(i),
            Some(
                ',' | ';'
                    | ':'
                    | '.'
                    | '!'
                    | '?'
                    | '('
                    | ')'
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '"'
                    | '«'
                    | '»'
                    | '“'
                    | '”'
                    | '„'
                    | '—'
                    | '–'
                    | '\n'
            )
        )
}

/// The end of the last word before the next mark that ends a phrase
/// after `at` (a comma, period, colon, semicolon, bracket, quotation mark,
/// dash or line break; not a period or hyphen inside a word); when `at`
/// already stands there, the
/// end of the phrase after that mark; the end of the text's last word if
/// no mark comes. `"la [guerre] de résistance du peuple, puis"` →
/// `"la [guerre de résistance du peuple], puis"`: a long name written in
/// lower-case words is selected to its end in one key.
pub fn phrase_end(text: &Text, at: CharIdx) -> CharIdx {
    let c = chars(text);
    let mut i = at.get().min(c.len());
    let mut last = None;
    while i < c.len() {
        if word_at(&c, i) {
            while i < c.len() && word_at(&c, i) {
                i += 1;
            }
            last = Some(i);
            continue;
        }
        if ends_phrase(&c, i)
            && let Some(end) = last
        {
            return CharIdx::new(end);
        }
        i += 1;
    }
    last.map_or(at, CharIdx::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(s: &str, a: usize, b: usize) -> String {
        let t = Text::from(s);
        let (x, y) = snap_to_words(&t, CharIdx::new(a), CharIdx::new(b));
        t.slice(x, y).unwrap_or("").to_owned()
    }

    #[test]
    fn snapping_takes_whole_words_and_drops_punctuation() {
        assert_eq!(snap("Le Sénat vote.", 4, 6), "Sénat");
        assert_eq!(snap("à Saint-Pétersbourg, hier", 3, 18), "Saint-Pétersbourg");
        assert_eq!(snap("à Saint-Pétersbourg, hier", 3, 20), "Saint-Pétersbourg", "trailing comma and space dropped");
        assert_eq!(snap("l’Union africaine", 0, 4), "l’Union", "a drag from the elision keeps it");
        assert_eq!(snap("l'Union africaine", 3, 5), "Union");
        assert_eq!(snap("« Zoe\u{301} »", 0, 7), "Zoe\u{301}");
        assert_eq!(snap("😀 Tokyo 東京", 8, 9), "東京");
    }

    #[test]
    fn moving_by_words() {
        let t = Text::from("M. Wang Yi, à Pékin");
        assert_eq!(next_word_start(&t, CharIdx::new(3)), CharIdx::new(8));
        assert_eq!(next_word_end(&t, CharIdx::new(7)), CharIdx::new(10));
        assert_eq!(previous_word_start(&t, CharIdx::new(10)), CharIdx::new(8));
        assert_eq!(previous_word_end(&t, CharIdx::new(10)), CharIdx::new(7));
        assert_eq!(previous_word_start(&t, CharIdx::new(0)), CharIdx::new(0));
    }

    #[test]
    fn the_end_of_a_phrase_is_before_the_next_punctuation_mark() {
        let end = |s: &str, at: usize| {
            let t = Text::from(s);
            let e = phrase_end(&t, CharIdx::new(at));
            t.slice(CharIdx::new(at), e).unwrap_or("").to_owned()
        };
        assert_eq!(end("la bataille de l'Atlantique nord, puis", 3), "bataille de l'Atlantique nord");
        assert_eq!(end("le « traité de non-prolifération » signé", 5), "traité de non-prolifération", "hyphens inside words");
        assert_eq!(end("les États-Unis (U.S.A.) et", 4), "États-Unis", "a bracket ends it");
        assert_eq!(end("la conférence de Paris.\nLe lendemain", 3), "conférence de Paris");
        assert_eq!(end("la conférence de Paris", 3), "conférence de Paris", "the end of the text");
        assert_eq!(end("le sommet\nde Rome", 3), "sommet", "a line break");
        assert_eq!(end("Zoe\u{301} Martin, hier", 0), "Zoe\u{301} Martin", "combining marks are letters");
        // Standing at the end of a phrase: the next one.
        assert_eq!(end("la guerre, le traité de paix. Fin", 9), ", le traité de paix");
        assert_eq!(end("fin.", 4), "", "nothing after: stays");
    }

    #[test]
    fn the_next_capitalised_word_inside_a_range() {
        let t = Text::from("le Traité des Nations unies et l'Union africaine");
        let at = |from: usize, to: usize| next_capitalised_word(&t, CharIdx::new(from), CharIdx::new(to)).map(CharIdx::get);
        assert_eq!(at(3, 27), Some(14), "Traité [des] Nations: the next one after the start");
        assert_eq!(at(0, 27), Some(3));
        assert_eq!(at(14, 27), None, "none left before the end");
        assert_eq!(at(28, 48), Some(33), "after an apostrophe");
    }

    #[test]
    fn word_parts_stop_at_inner_hyphens_as_a_double_click_does() {
        let t = Text::from("entre Iran-Israël, hier");
        assert_eq!(next_word_part_end(&t, CharIdx::new(7)).get(), 10, "Iran");
        assert_eq!(next_word_part_end(&t, CharIdx::new(10)).get(), 17, "Israël");
        assert_eq!(next_word_end(&t, CharIdx::new(7)).get(), 17, "a word goes on over the hyphen");
        assert_eq!(previous_word_part_start(&t, CharIdx::new(17)).get(), 11, "Israël");
        assert_eq!(previous_word_part_start(&t, CharIdx::new(11)).get(), 6, "Iran");
        assert_eq!(next_word_part_end(&t, CharIdx::new(17)).get(), 23, "past the comma: hier");
    }
}
