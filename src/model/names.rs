//! Names as a reader spots them, for the "next name" key: runs of
//! capitalised words, so that a name no suggestion found costs one key to
//! select (then a label key) instead of a Find and a few extensions.
//!
//! A name is a run of words that start with a capital letter (`Sergueï
//! Lavrov`, `OTAN`, `Saint-Pétersbourg`), joined by single spaces and by
//! lower-case particles between two such words (`Charles de Gaulle`, `Côte
//! d'Ivoire`, `Bank of England`). The first word of a sentence says
//! nothing by its capital: it is left out when its lower-case form is
//! written elsewhere in the text or is a function word of French or
//! English (`Selon`, `Le`, `The`), so `Selon Vladimir Poutine` gives
//! `Vladimir Poutine` and a sentence that opens with `Le` gives no name
//! there.
//!
//! This is a selection aid, not a recognizer: it reads only the text and
//! never labels anything (the suggestions are `suggest/`'s).
//!
//! Owns: [`names`]. Must not touch: documents, the UI (which calls it).

use std::collections::HashSet;

use super::text::{CharIdx, Text};

/// Lower-case words that may join two capitalised words of one name.
const PARTICLES: [&str; 20] =
    ["de", "du", "des", "d", "la", "le", "l", "van", "von", "der", "den", "of", "the", "al", "el", "bin", "ben", "da", "di", "y"];

/// Function words of French and English (determiners, pronouns,
/// prepositions, conjunctions, common adverbs): at the start of a sentence
/// they are no name even when the text never writes them in lower case.
const FUNCTION_WORDS: &[&str] = &[
    "a", "à", "après", "au", "aux", "avant", "avec", "ce", "ces", "cet", "cette", "chez", "comme", "dans", "de", "depuis", "des", "du",
    "elle", "elles", "en", "entre", "et", "il", "ils", "je", "la", "le", "les", "leur", "leurs", "lors", "mais", "malgré", "nous", "on",
    "ou", "où", "par", "parmi", "pendant", "pour", "puis", "quand", "que", "qui", "sans", "selon", "ses", "son", "sa", "sous", "sur", "un",
    "une", "vers", "after", "an", "and", "as", "at", "before", "but", "by", "for", "from", "he", "her", "his", "if", "in", "it", "its",
    "of", "on", "or", "she", "since", "that", "the", "their", "there", "these", "they", "this", "those", "to", "under", "we", "when",
    "where", "while", "with", "yet",
];

/// A word of the text: `[start, end)` in code points.
#[derive(Clone, Copy, Debug)]
struct Word {
    start: usize,
    end: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The words, with inner hyphens and periods between letters kept
/// (`Saint-Pétersbourg`, `U.S`), as the selection's words.
fn words(c: &[char]) -> Vec<Word> {
    let inner = |i: usize| {
        matches!(c.get(i), Some('-' | '.'))
            && i > 0
            && c.get(i - 1).is_some_and(|&p| is_word_char(p))
            && c.get(i + 1).is_some_and(|&n| is_word_char(n))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c.get(i).is_some_and(|&ch| is_word_char(ch)) {
            let start = i;
            while i < c.len() && (c.get(i).is_some_and(|&ch| is_word_char(ch)) || inner(i)) {
                i += 1;
            }
            out.push(Word { start, end: i });
        } else {
            i += 1;
        }
    }
    out
}

fn text_of(c: &[char], w: Word) -> String {
    c.get(w.start..w.end).map(|s| s.iter().collect()).unwrap_or_default()
}

fn capitalised(c: &[char], w: Word) -> bool {
    c.get(w.start).is_some_and(|ch| ch.is_uppercase())
}

/// What lies between two words: `Some(true)` for one space (or a no-break
/// space), `Some(false)` for an apostrophe (elision), `None` otherwise.
fn gap(c: &[char], a: Word, b: Word) -> Option<bool> {
    match c.get(a.end..b.start) {
        Some([' ' | '\u{a0}']) => Some(true),
        Some(['\'' | '’']) => Some(false),
        _ => None,
    }
}

/// Whether the word starts a sentence: nothing but spaces, quotes or
/// brackets between it and the start of the text, a line break, or `.`,
/// `!`, `?`, `:`, `…`.
fn starts_sentence(c: &[char], w: Word) -> bool {
    let mut i = w.start;
    while i > 0 {
        match c.get(i - 1) {
            Some(' ' | '\u{a0}' | '«' | '"' | '“' | '(' | '[' | '—' | '–' | '-') => i -= 1,
            Some('\n' | '.' | '!' | '?' | ':' | '…') => return true,
            _ => return false,
        }
    }
    true
}

/// Every name of the text, in text order (see the module's header).
/// `"Selon Vladimir Poutine, la Côte d'Ivoire"` → `Vladimir Poutine`,
/// `Côte d'Ivoire`.
pub fn names(text: &Text) -> Vec<(CharIdx, CharIdx)> {
    let c: Vec<char> = text.as_str().chars().collect();
    names_of(&c, 0)
}

/// The names of the text that start in `[from, to)`, reading only the
/// text within `margin` code points of that range: a sentence opener is
/// left out when its lower-case form is written within that stretch (not
/// anywhere in the text, as [`names`] does), so a 200 MB article is not
/// read whole for the part of it on screen. With the whole text within
/// reach, the same names as [`names`] in that range.
/// `names_in("Selon Vladimir Poutine, la Côte d'Ivoire", 20, 40, 100)` →
/// `Côte d'Ivoire` (27..40), the one name starting in the range.
pub fn names_in(text: &Text, from: CharIdx, to: CharIdx, margin: usize) -> Vec<(CharIdx, CharIdx)> {
    let (a, b) = reach(text, from, to, margin);
    let Some(window) = text.slice(a, b) else { return Vec::new() };
    let c: Vec<char> = window.chars().collect();
    names_of(&c, a.get()).into_iter().filter(|n| n.0 >= from && n.0 < to).collect()
}

/// The stretch [`names_in`] reads for `[from, to)`: `margin` code points
/// either side, within the text.
pub fn reach(text: &Text, from: CharIdx, to: CharIdx, margin: usize) -> (CharIdx, CharIdx) {
    let end = text.end();
    let a = CharIdx::new(from.get().saturating_sub(margin).min(end.get()));
    let b = CharIdx::new(to.get().saturating_add(margin).min(end.get()).max(a.get()));
    (a, b)
}

/// The first word of a phrase of two words or more, in lower case: what
/// a span of that text opens with (`"ministère chinois des Affaires
/// étrangères"` → `ministère`, `"Guerre de résistance"` → `guerre`); none
/// for a single word.
pub fn phrase_opener(phrase: &str) -> Option<String> {
    let c: Vec<char> = phrase.chars().collect();
    let ws = words(&c);
    match ws.as_slice() {
        [first, _, ..] => Some(text_of(&c, *first).to_lowercase()),
        _ => None,
    }
}

/// The words written in lower case that start in `[from, to)` and are one
/// of `openers` (lower case), in text order: where a phrase like those the
/// spans open with may start (`le ministère russe` with `ministère` among
/// them → `ministère`). Reads only `[from, to)` and the word running past
/// `to`.
pub fn openers_in(text: &Text, from: CharIdx, to: CharIdx, openers: &HashSet<String>) -> Vec<(CharIdx, CharIdx)> {
    if openers.is_empty() {
        return Vec::new();
    }
    // The word that runs past `to`: up to 64 more code points.
    let (a, b) = (from.min(text.end()), CharIdx::new(to.get().saturating_add(64).min(text.end().get())));
    let Some(window) = text.slice(a, b) else { return Vec::new() };
    let c: Vec<char> = window.chars().collect();
    // A word cut by the stretch's start is not one.
    let cut = a.get() > 0 && text.char_at(CharIdx::new(a.get() - 1)).is_some_and(is_word_char);
    words(&c)
        .into_iter()
        .filter(|w| !(cut && w.start == 0) && a.get() + w.start < to.get())
        .filter(|w| c.get(w.start).is_some_and(|ch| ch.is_lowercase()) && openers.contains(&text_of(&c, *w).to_lowercase()))
        .map(|w| (CharIdx::new(a.get() + w.start), CharIdx::new(a.get() + w.end)))
        .collect()
}

/// The names of `c`, a stretch of text starting at code point `offset`.
fn names_of(c: &[char], offset: usize) -> Vec<(CharIdx, CharIdx)> {
    let ws = words(c);
    let lower: HashSet<String> = ws.iter().filter(|w| !capitalised(c, **w)).map(|w| text_of(c, *w)).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let Some(&first) = ws.get(i) else { break };
        if !capitalised(c, first) {
            i += 1;
            continue;
        }
        // The run: capitalised words, one space apart or joined by particles.
        let mut last = i;
        let mut j = i + 1;
        while let (Some(&prev), Some(&next)) = (ws.get(last), ws.get(j)) {
            if gap(c, prev, next) == Some(true) && capitalised(c, next) {
                last = j;
                j += 1;
                continue;
            }
            // Particles, then a capitalised word.
            let mut k = j;
            let mut joined = gap(c, prev, next).is_some();
            while joined
                && let Some(&p) = ws.get(k)
                && !capitalised(c, p)
                && PARTICLES.contains(&text_of(c, p).as_str())
            {
                joined = ws.get(k + 1).is_some_and(|&n| gap(c, p, n).is_some());
                k += 1;
            }
            match ws.get(k) {
                Some(&n) if joined && k > j && capitalised(c, n) => {
                    last = k;
                    j = k + 1;
                }
                _ => break,
            }
        }
        let mut from = i;
        let opener = ws.get(i).is_some_and(|&w| {
            let low = text_of(c, w).to_lowercase();
            starts_sentence(c, w) && (lower.contains(&low) || FUNCTION_WORDS.contains(&low.as_str()))
        });
        if opener {
            from = i + 1;
            // What follows an opener must itself be capitalised.
            while from <= last && ws.get(from).is_some_and(|&w| !capitalised(c, w)) {
                from += 1;
            }
        }
        if from <= last
            && let (Some(a), Some(b)) = (ws.get(from), ws.get(last))
        {
            out.push((CharIdx::new(offset + a.start), CharIdx::new(offset + b.end)));
        }
        i = last + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(s: &str) -> Vec<String> {
        let t = Text::from(s);
        names(&t).into_iter().map(|(a, b)| t.slice(a, b).unwrap_or("").to_owned()).collect()
    }

    #[test]
    fn names_in_a_range_read_only_near_it_and_match_the_whole_pass_there() {
        let t = Text::from("Selon Vladimir Poutine, la Côte d'Ivoire. Le ministre a parlé selon Kowalczyk.");
        let all = names(&t);
        for (from, to) in [(0, 10), (20, 40), (40, 80), (0, 80)] {
            let want: Vec<_> = all.iter().copied().filter(|n| n.0.get() >= from && n.0.get() < to).collect();
            assert_eq!(names_in(&t, CharIdx::new(from), CharIdx::new(to), 1000), want, "{from}..{to}");
        }
        assert_eq!(names_in(&t, CharIdx::new(20), CharIdx::new(40), 100), [(CharIdx::new(27), CharIdx::new(40))]);
        // What is read: the range and the margin, within the text.
        assert_eq!(reach(&t, CharIdx::new(30), CharIdx::new(40), 5), (CharIdx::new(25), CharIdx::new(45)));
        assert_eq!(reach(&t, CharIdx::new(2), CharIdx::new(70), 20), (CharIdx::new(0), t.end()));
    }

    #[test]
    fn phrase_openers_are_lower_case_words_a_span_begins_with() {
        assert_eq!(phrase_opener("ministère chinois des Affaires étrangères").as_deref(), Some("ministère"));
        assert_eq!(phrase_opener("Guerre de résistance").as_deref(), Some("guerre"));
        assert_eq!(phrase_opener("Lavrov"), None);
        let t = Text::from("Le ministère russe et la guerre; Ministère, ministères, guerre.");
        let openers: HashSet<String> = ["ministère".to_owned(), "guerre".to_owned()].into();
        let at = |v: Vec<(CharIdx, CharIdx)>| v.into_iter().map(|(a, b)| t.slice(a, b).unwrap_or("").to_owned()).collect::<Vec<_>>();
        // Lower-case only, whole words only.
        assert_eq!(at(openers_in(&t, CharIdx::ZERO, t.end(), &openers)), ["ministère", "guerre", "guerre"]);
        // A word cut by the range's start is not one; one starting before its end is.
        assert_eq!(at(openers_in(&t, CharIdx::new(5), CharIdx::new(26), &openers)), ["guerre"]);
        assert!(openers_in(&t, CharIdx::ZERO, t.end(), &HashSet::new()).is_empty());
    }

    #[test]
    fn runs_of_capitalised_words_with_particles_inside() {
        assert_eq!(found("hier, le général Charles de Gaulle a parlé"), ["Charles de Gaulle"]);
        assert_eq!(found("une visite en Côte d'Ivoire et à Saint-Pétersbourg."), ["Côte d'Ivoire", "Saint-Pétersbourg"]);
        assert_eq!(found("the Bank of England said"), ["Bank of England"]);
        assert_eq!(found("l'OTAN et l’Union africaine"), ["OTAN", "Union"]);
        // A particle at the end of a run is not part of it.
        assert_eq!(found("chez Dupont de la rue"), ["Dupont"]);
        // A comma ends a run.
        assert_eq!(found("à Paris, Berlin et Rome"), ["Paris", "Berlin", "Rome"]);
    }

    #[test]
    fn a_sentence_opener_is_left_out_when_the_text_writes_it_in_lower_case() {
        let t = "Selon Vladimir Poutine, tout va bien. Le ministre a parlé selon le texte. Kowalczyk est parti.";
        assert_eq!(found(t), ["Vladimir Poutine", "Kowalczyk"]);
        assert_eq!(found("« Le Kremlin ment », dit le porte-parole."), ["Kremlin"]);
        assert_eq!(found("The Guardian a écrit. After that, Reuters a suivi."), ["Guardian", "Reuters"]);
    }

    #[test]
    fn offsets_are_code_points() {
        let t = Text::from("😀 Zoé à Tōkyō");
        assert_eq!(names(&t), [(CharIdx::new(2), CharIdx::new(5)), (CharIdx::new(8), CharIdx::new(13))]);
    }
}
