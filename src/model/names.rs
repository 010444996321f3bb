//! Names as a reader spots them, for the "next name" key: runs of
//! capitalised words, so that a name no suggestion found costs one key to
//! select (then a label key) instead of a Find and a few extensions.
//!
//! A name is a run of words that start with a capital letter (`Sergueï
//! Lavrov`, `OTAN`, `Saint-Pétersbourg`), joined by single spaces and by
//! lower-case particles between two such words (`Charles de Gaulle`, `Côte
//! d'Ivoire`, `Bank of England`). The first word of a sentence says
//! nothing by its capital: it is left out when its lower-case form is
//! written as a word starting within [`OPENER_REACH`] (10,000) code points
//! of it, either side, or is a function word of French or English
//! (`Selon`, `Le`, `The`), so `Selon Vladimir Poutine` gives `Vladimir
//! Poutine` and a sentence that opens with `Le` gives no name there.
//!
//! The rule looks only that far so that the names of a stretch are the
//! same whatever else is read: f (the names in view, [`names_in`]) and n
//! (the next name after the caret, [`NameSearch`]) read different
//! stretches of a long article and find the same names, and neither reads
//! a 200 MB article whole. [`names`] is the same rule over the whole text.
//!
//! This is a selection aid, not a recognizer: it reads only the text and
//! never labels anything (the suggestions are `suggest/`'s).
//!
//! Owns: [`names`], [`names_in`], [`NameSearch`]. Must not touch:
//! documents, the UI (which calls it).

use std::collections::{HashMap, HashSet};

use super::hash::FxBuild;
use super::text::{CharIdx, Text};

/// How far from a sentence's first word its lower-case form is looked
/// for, either side, in code points (from word start to word start).
pub const OPENER_REACH: usize = 10_000;

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

/// A word of the stretch read: `[start, end)` in code points, `[from,
/// to)` in bytes, and whether it starts with a capital letter.
#[derive(Clone, Copy, Debug)]
struct Word {
    start: usize,
    end: usize,
    from: usize,
    to: usize,
    capital: bool,
}

/// A letter or a digit (`char::is_alphanumeric`), told without the Unicode
/// tables for ASCII and for the Latin letters of French and its neighbours
/// (U+00C0 to U+024F: all letters but `×` and `÷`), most of a news text.
fn is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' => true,
        '\0'..='\x7f' | '×' | '÷' => false,
        '\u{c0}'..='\u{24f}' => true,
        _ => c.is_alphanumeric(),
    }
}

/// The words of `s`, with inner hyphens and periods between letters kept
/// (`Saint-Pétersbourg`, `U.S`), as the selection's words. Walks the text
/// itself: no copy of it.
fn words(s: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    // Code points read.
    let mut k = 0;
    while let Some((from, first)) = chars.next() {
        k += 1;
        if !is_word_char(first) {
            continue;
        }
        let start = k - 1;
        let mut to = s.len();
        // On over letters and digits, and over a hyphen or period with one
        // after it (the one before it is the word's last character).
        while let Some(&(at, ch)) = chars.peek() {
            let inner = matches!(ch, '-' | '.') && s.get(at + 1..).and_then(|rest| rest.chars().next()).is_some_and(is_word_char);
            if !(is_word_char(ch) || inner) {
                to = at;
                break;
            }
            chars.next();
            k += 1;
        }
        out.push(Word { start, end: k, from, to, capital: first.is_uppercase() });
    }
    out
}

/// The word as written in `s`.
fn text_of(s: &str, w: Word) -> &str {
    s.get(w.from..w.to).unwrap_or_default()
}

/// What lies between two words: `Some(true)` for one space (or a no-break
/// space), `Some(false)` for an apostrophe (elision), `None` otherwise.
fn gap(s: &str, a: Word, b: Word) -> Option<bool> {
    match s.get(a.to..b.from) {
        Some(" " | "\u{a0}") => Some(true),
        Some("'" | "’") => Some(false),
        _ => None,
    }
}

/// Whether the word starts a sentence: nothing but spaces, quotes or
/// brackets between it and the start of the text, a line break, or `.`,
/// `!`, `?`, `:`, `…`.
fn starts_sentence(s: &str, w: Word) -> bool {
    for ch in s.get(..w.from).unwrap_or_default().chars().rev() {
        match ch {
            ' ' | '\u{a0}' | '«' | '"' | '“' | '(' | '[' | '—' | '–' | '-' => {}
            '\n' | '.' | '!' | '?' | ':' | '…' => return true,
            _ => return false,
        }
    }
    true
}

/// Every name of the text, in text order (see the module's header).
/// `"Selon Vladimir Poutine, la Côte d'Ivoire"` → `Vladimir Poutine`,
/// `Côte d'Ivoire`. Reads the whole text: [`names_in`] and [`NameSearch`]
/// give the same names reading only near where they look.
pub fn names(text: &Text) -> Vec<(CharIdx, CharIdx)> {
    names_of(text.as_str(), 0)
}

/// The names of the text that start in `[from, to)`, the same as
/// [`names`] gives there, reading only the text within [`OPENER_REACH`]
/// code points of that range (and the rest of a word that runs past it),
/// so a 200 MB article is not read whole for the part of it on screen.
/// `names_in("Selon Vladimir Poutine, la Côte d'Ivoire", 20, 40)` →
/// `Côte d'Ivoire` (27..40), the one name starting in the range.
pub fn names_in(text: &Text, from: CharIdx, to: CharIdx) -> Vec<(CharIdx, CharIdx)> {
    names_reading(text, from, to).0
}

/// [`names_in`], and how many code points it read.
pub fn names_reading(text: &Text, from: CharIdx, to: CharIdx) -> (Vec<(CharIdx, CharIdx)>, usize) {
    let (a, b) = reach(text, from, to, OPENER_REACH);
    // Whole words at both ends: a word cut in two would read as another.
    let (a, b) = (word_start(text, a), word_end(text, b));
    let Some(window) = text.slice(a, b) else { return (Vec::new(), 0) };
    let names = names_of(window, a.get()).into_iter().filter(|n| n.0 >= from && n.0 < to).collect();
    (names, b.get() - a.get())
}

/// The stretch [`names_in`] reads for `[from, to)` with `margin`
/// [`OPENER_REACH`]: `margin` code points either side, within the text
/// (and the rest of a word cut at either end).
/// `reach` of `(30, 40)` with margin 5 is `(25, 45)`.
pub fn reach(text: &Text, from: CharIdx, to: CharIdx, margin: usize) -> (CharIdx, CharIdx) {
    let end = text.end();
    let a = CharIdx::new(from.get().saturating_sub(margin).min(end.get()));
    let b = CharIdx::new(to.get().saturating_add(margin).min(end.get()).max(a.get()));
    (a, b)
}

/// Whether `ch`, between `before` and `after`, is part of a word as
/// [`words`] reads them: a letter or digit, or a hyphen or period between
/// two of them (`Saint-Pétersbourg`, `U.S`).
fn in_word(before: Option<char>, ch: char, after: Option<char>) -> bool {
    is_word_char(ch) || (matches!(ch, '-' | '.') && before.is_some_and(is_word_char) && after.is_some_and(is_word_char))
}

/// `at`, moved back to the start of the word running up to it (`at`
/// itself when the character before is no part of a word).
fn word_start(text: &Text, at: CharIdx) -> CharIdx {
    let Some(head) = text.slice(CharIdx::ZERO, at) else { return at };
    let mut after = text.char_at(at);
    let mut start = at.get();
    let mut it = head.chars().rev().peekable();
    while let Some(ch) = it.next() {
        if !in_word(it.peek().copied(), ch, after) {
            break;
        }
        start -= 1;
        after = Some(ch);
    }
    CharIdx::new(start)
}

/// `at`, moved on to the end of the word running from it (`at` itself
/// when the character there is no part of a word).
fn word_end(text: &Text, at: CharIdx) -> CharIdx {
    let Some(tail) = text.slice(at, text.end()) else { return at };
    let mut before = at.get().checked_sub(1).and_then(|k| text.char_at(CharIdx::new(k)));
    let mut end = at.get();
    let mut it = tail.chars().peekable();
    while let Some(ch) = it.next() {
        if !in_word(before, ch, it.peek().copied()) {
            break;
        }
        end += 1;
        before = Some(ch);
    }
    CharIdx::new(end)
}

/// A search for names a stretch at a time, from a place towards the end
/// of the text or its start, until one is accepted: what n reads, near
/// the caret when a name is near, never more than its budget of code
/// points (a 200 MB article with no name left is not read whole on every
/// key press). The names are [`names_in`]'s, the same as [`names`].
#[derive(Debug)]
pub struct NameSearch<'t> {
    text: &'t Text,
    budget: usize,
    read: usize,
}

/// The first stretch a [`NameSearch`] reads names in, in code points; each
/// next one twice as long, up to [`LAST_STEP`].
const FIRST_STEP: usize = 4_096;
/// The longest stretch a [`NameSearch`] reads names in at once.
const LAST_STEP: usize = 1 << 20;

impl<'t> NameSearch<'t> {
    /// A search in `text` that reads up to about `budget` code points (the
    /// stretch that passes it is read whole).
    pub fn new(text: &'t Text, budget: usize) -> Self {
        Self { text, budget, read: 0 }
    }

    /// How many code points the search read so far (a place read twice
    /// counted twice).
    pub fn read(&self) -> usize {
        self.read
    }

    /// The first name starting in `[from, to)` that `keep` accepts, in
    /// text order (the last, when `backward`): `Ok(Some(name))`;
    /// `Ok(None)` when no name there is accepted; `Err(at)` when the
    /// budget ran out first, `at` where the search stopped (the names
    /// starting in `[from, at)` were looked at; `[at, to)` when
    /// `backward`). `keep` sees the names in the order searched.
    /// `find(0, end, false, |_| true)` on `"Le jour où Ilse Varga parla"`
    /// → `Ok(Some((11, 21)))`.
    pub fn find(
        &mut self,
        from: CharIdx,
        to: CharIdx,
        backward: bool,
        mut keep: impl FnMut((CharIdx, CharIdx)) -> bool,
    ) -> Result<Option<(CharIdx, CharIdx)>, CharIdx> {
        let (from, to) = (from.min(self.text.end()), to.min(self.text.end()));
        let mut step = FIRST_STEP;
        let (mut lo, mut hi) = (from, to);
        while lo < hi {
            if self.read >= self.budget {
                return Err(if backward { hi } else { lo });
            }
            let (a, b) = if backward { (hi.saturating_sub(step).max(lo), hi) } else { (lo, (lo + step).min(hi)) };
            let (names, read) = names_reading(self.text, a, b);
            self.read += read;
            let found = if backward { names.into_iter().rev().find(|&n| keep(n)) } else { names.into_iter().find(|&n| keep(n)) };
            if found.is_some() {
                return Ok(found);
            }
            if backward {
                hi = a
            } else {
                lo = b
            }
            step = (step * 2).min(LAST_STEP);
        }
        Ok(None)
    }
}

/// The first word of a phrase of two words or more, in lower case: what
/// a span of that text opens with (`"ministère chinois des Affaires
/// étrangères"` → `ministère`, `"Guerre de résistance"` → `guerre`); none
/// for a single word.
pub fn phrase_opener(phrase: &str) -> Option<String> {
    match words(phrase).as_slice() {
        [first, _, ..] => Some(text_of(phrase, *first).to_lowercase()),
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
    // A word cut by the stretch's start is not one.
    let cut = a.get() > 0 && text.char_at(CharIdx::new(a.get() - 1)).is_some_and(is_word_char);
    words(window)
        .into_iter()
        .filter(|w| !(cut && w.start == 0) && a.get() + w.start < to.get())
        .filter(|&w| {
            let word = text_of(window, w);
            word.starts_with(char::is_lowercase) && openers.contains(&word.to_lowercase())
        })
        .map(|w| (CharIdx::new(a.get() + w.start), CharIdx::new(a.get() + w.end)))
        .collect()
}

/// The names of `s`, a stretch of text starting at code point `offset`
/// with no word cut at either end.
fn names_of(s: &str, offset: usize) -> Vec<(CharIdx, CharIdx)> {
    let ws = words(s);
    let opens: Vec<bool> = ws.iter().map(|&w| w.capital && starts_sentence(s, w)).collect();
    // Where each sentence opener's lower-case form is written, in order:
    // every word not capitalised is looked up, so with a fast hash.
    let mut written: HashMap<String, Vec<usize>, FxBuild> = ws
        .iter()
        .zip(&opens)
        .filter(|&(_, &o)| o)
        .map(|(&w, _)| (text_of(s, w).to_lowercase(), Vec::new()))
        .filter(|(low, _)| !FUNCTION_WORDS.contains(&low.as_str()))
        .collect();
    if !written.is_empty() {
        for &w in ws.iter().filter(|w| !w.capital) {
            if let Some(at) = written.get_mut(text_of(s, w)) {
                at.push(w.start);
            }
        }
    }
    let written_near = |low: &str, at: usize| {
        written.get(low).is_some_and(|starts| {
            let k = starts.partition_point(|&q| q < at.saturating_sub(OPENER_REACH));
            starts.get(k).is_some_and(|&q| q <= at.saturating_add(OPENER_REACH))
        })
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let Some(&first) = ws.get(i) else { break };
        if !first.capital {
            i += 1;
            continue;
        }
        // The run: capitalised words, one space apart or joined by particles.
        let mut last = i;
        let mut j = i + 1;
        while let (Some(&prev), Some(&next)) = (ws.get(last), ws.get(j)) {
            if gap(s, prev, next) == Some(true) && next.capital {
                last = j;
                j += 1;
                continue;
            }
            // Particles, then a capitalised word.
            let mut k = j;
            let mut joined = gap(s, prev, next).is_some();
            while joined
                && let Some(&p) = ws.get(k)
                && !p.capital
                && PARTICLES.contains(&text_of(s, p))
            {
                joined = ws.get(k + 1).is_some_and(|&n| gap(s, p, n).is_some());
                k += 1;
            }
            match ws.get(k) {
                Some(&n) if joined && k > j && n.capital => {
                    last = k;
                    j = k + 1;
                }
                _ => break,
            }
        }
        let mut from = i;
        let opener = opens.get(i).copied().unwrap_or(false)
            && ws.get(i).is_some_and(|&w| {
                let low = text_of(s, w).to_lowercase();
                FUNCTION_WORDS.contains(&low.as_str()) || written_near(&low, w.start)
            });
        if opener {
            from = i + 1;
            // What follows an opener must itself be capitalised.
            while from <= last && ws.get(from).is_some_and(|w| !w.capital) {
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
            assert_eq!(names_in(&t, CharIdx::new(from), CharIdx::new(to)), want, "{from}..{to}");
        }
        assert_eq!(names_in(&t, CharIdx::new(20), CharIdx::new(40)), [(CharIdx::new(27), CharIdx::new(40))]);
        // What is read: the range and the margin, within the text.
        assert_eq!(reach(&t, CharIdx::new(30), CharIdx::new(40), 5), (CharIdx::new(25), CharIdx::new(45)));
        assert_eq!(reach(&t, CharIdx::new(2), CharIdx::new(70), 20), (CharIdx::new(0), t.end()));
        assert_eq!(names_reading(&t, CharIdx::new(20), CharIdx::new(40)).1, t.len_chars());
    }

    /// `n` code points of lower-case filler (`ici on parle. `, no name),
    /// ending a sentence.
    fn filler(n: usize) -> String {
        let mut s: String = "ici on parle. ".chars().cycle().take(n.saturating_sub(2)).collect();
        s.push_str(". ");
        s
    }

    #[test]
    fn a_sentence_opener_is_told_by_the_words_written_within_its_reach() {
        // "grève" written `d` code points after (or before) "Grève", which
        // opens a sentence: within the reach, no name; past it, a name.
        for (d, named) in [(9_000, false), (OPENER_REACH, false), (OPENER_REACH + 1, true), (11_000, true)] {
            // "Grève à Lyon. " is 14 code points, "grève" 3 into "la grève.".
            let s = format!("Grève à Lyon. {}la grève.", filler(d - 17));
            let want: Vec<&str> = if named { vec!["Grève", "Lyon"] } else { vec!["Lyon"] };
            assert_eq!(found(&s), want, "{d} after");
            let t = Text::from(s.as_str());
            assert_eq!(names_in(&t, CharIdx::ZERO, CharIdx::new(20)), names(&t), "{d} after, near the start");
            // Before: "grève" at 3, "Grève" at 10 + the filler.
            let s = format!("la grève. {}Grève à Lyon.", filler(d - 7));
            let want: Vec<&str> = if named { vec!["Grève", "Lyon"] } else { vec!["Lyon"] };
            assert_eq!(found(&s), want, "{d} before");
            let t = Text::from(s.as_str());
            let (from, to) = (t.end().saturating_sub(20), t.end());
            assert_eq!(names_in(&t, from, to), names(&t), "{d} before, near the end");
        }
    }

    #[test]
    fn on_a_long_text_every_range_gives_the_names_of_the_whole_pass() {
        // Openers and their lower-case forms a few thousand code points
        // apart, hyphenated and dotted words across every range's edges.
        let mut s = String::new();
        let openers = ["Grève", "Marché", "Saint-Pierre", "Vote", "U.S.", "Ciel"];
        for i in 0..60 {
            let o = openers[i % openers.len()];
            s.push_str(&format!("{o} à Lyon-{i}. Ilse Varga parla. "));
            s.push_str(&filler(1_500 + 37 * i));
            s.push_str(&format!(" la {} ou le saint-pierre, {}. ", o.to_lowercase(), "u.s"));
        }
        let t = Text::from(s.as_str());
        let all = names(&t);
        assert!(t.len_chars() > 100_000 && all.len() > 100, "{} names", all.len());
        let mut from = 0;
        let mut width = 1;
        while from < t.len_chars() {
            let to = (from + width).min(t.len_chars());
            let want: Vec<_> = all.iter().copied().filter(|n| n.0.get() >= from && n.0.get() < to).collect();
            let (got, read) = names_reading(&t, CharIdx::new(from), CharIdx::new(to));
            assert_eq!(got, want, "{from}..{to}");
            assert!(read <= to - from + 2 * OPENER_REACH + 40, "{from}..{to} read {read}");
            from = to + 1 + width % 7;
            width = width * 3 % 9_973 + 1;
        }
    }

    #[test]
    fn a_search_reads_a_stretch_at_a_time_and_stops_at_its_budget() {
        let s = format!("Le jour où Ilse Varga parla. {}Puis Ottavio Brenner. {}Puis à Vorlande.", filler(300_000), filler(300_000));
        let t = Text::from(s.as_str());
        let all = names(&t);
        let at = |k: usize| all.iter().copied().find(|n| t.slice(n.0, n.1) == Some(["Ilse Varga", "Ottavio Brenner", "Vorlande"][k]));
        let (varga, brenner, vorlande) = (at(0), at(1), at(2));
        assert!(varga.is_some() && brenner.is_some() && vorlande.is_some(), "{all:?}");
        // Forward from the start: the first name, near it.
        let mut search = NameSearch::new(&t, usize::MAX);
        assert_eq!(search.find(CharIdx::ZERO, t.end(), false, |_| true), Ok(varga));
        assert!(search.read() < 2 * OPENER_REACH + 5_000, "read {}", search.read());
        // Passing over names: the next one kept, a stretch at a time.
        let mut search = NameSearch::new(&t, usize::MAX);
        let mut seen = Vec::new();
        assert_eq!(
            search.find(CharIdx::ZERO, t.end(), false, |n| {
                seen.push(n);
                Some(n) == vorlande
            }),
            Ok(vorlande)
        );
        assert_eq!(seen, all, "every name once, in text order");
        // Backward: the last name first.
        let mut search = NameSearch::new(&t, usize::MAX);
        assert_eq!(search.find(CharIdx::ZERO, t.end(), true, |_| true), Ok(vorlande));
        assert_eq!(search.find(CharIdx::ZERO, t.end(), true, |n| Some(n) == varga), Ok(varga));
        assert_eq!(NameSearch::new(&t, usize::MAX).find(CharIdx::ZERO, t.end(), false, |_| false), Ok(None));
        // A budget: the search stops where it ran out, having looked at the
        // names before; the next search goes on from there.
        let mut search = NameSearch::new(&t, 100_000);
        let Err(stop) = search.find(CharIdx::new(40), t.end(), false, |_| true) else { panic!("the budget runs out first") };
        assert!(stop.get() > 40 && brenner.is_some_and(|b| stop <= b.0), "stopped at {stop:?}");
        assert!(search.read() < 100_000 + (1 << 20) + 2 * OPENER_REACH + 100, "read {}", search.read());
        let mut search = NameSearch::new(&t, 100_000);
        let Err(back) = search.find(CharIdx::ZERO, vorlande.map_or(CharIdx::ZERO, |v| v.0), true, |_| true) else { panic!("runs out") };
        assert!(brenner.is_some_and(|b| back > b.0), "stopped at {back:?}");
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
    fn a_sentence_opener_is_compared_in_the_lower_case_of_str_to_lowercase() {
        // Accented capitals fold to their lower-case letters.
        assert_eq!(found("Été chaud à Lyon. on dit que l'été passe."), ["Lyon"]);
        assert_eq!(found("ÉTÉ chaud à Lyon. un été passe."), ["Lyon"]);
        // A final capital sigma folds to ς, as the text writes it, not σ.
        assert!(found("ΝΙΚΟΣ είπε ναι. ο νικος γελά.").is_empty());
        assert_eq!(found("ΝΙΚΟΣ είπε ναι. ο νικοσ γελά."), ["ΝΙΚΟΣ"]);
        // ß is no ss, and İ, I are folded the same in every language
        // (i with a dot above, i), so a Turkish lower-case form differs.
        assert!(found("Straße zu. die straße ist nass.").is_empty());
        assert_eq!(found("STRASSE zu. die straße ist nass."), ["STRASSE"]);
        assert_eq!(found("İzmir yağmurlu. izmir ıslak."), ["İzmir"]);
        assert_eq!(found("IRMAK taştı. ırmak derin."), ["IRMAK"]);
        // The lower-case words are compared as written: `mARCHÉ` is not
        // `marché`.
        assert_eq!(found("Marché ouvert. le mARCHÉ ferme."), ["Marché"]);
        assert!(found("Marché ouvert. le marché ferme.").is_empty());
    }

    #[test]
    fn words_are_split_and_capitals_told_as_before() {
        // Inner hyphens and periods join; doubled or leading ones do not.
        assert_eq!(found("avec Jean-Pierre et Marie--Anne aux U.S. et -Marc."), ["Jean-Pierre", "Marie", "Anne", "U.S", "Marc"]);
        // × and ÷ are no letters; superscripts, ª and digits are.
        assert_eq!(found("vol Lyon×Paris÷Nice, A320, Paris² et Mªria"), ["Lyon", "Paris", "Nice", "A320", "Paris²", "Mªria"]);
        // A title-case letter (ǅ) is no capital; Greek and Cyrillic ones are.
        assert_eq!(found("hier ǅemal Bijedić, Ωμέγα et Пётр Иванов"), ["Bijedić", "Ωμέγα", "Пётр Иванов"]);
        // Particles are compared as written, with either apostrophe; ʼ (a
        // modifier letter) joins `dʼIvoire` into one lower-case word.
        assert_eq!(found("hier Charles dE Gaulle, Charles De Gaulle"), ["Charles", "Gaulle", "Charles De Gaulle"]);
        assert_eq!(found("en Côte d’Ivoire, en Côte d'Ivoire, Côte dʼIvoire"), ["Côte d’Ivoire", "Côte d'Ivoire", "Côte"]);
        // Code points, not bytes, in a window cut inside `Tōkyō` (11..16)
        // after wide characters.
        let t = Text::from("😀 éé Zoé à Tōkyō et Ōsaka");
        assert_eq!(names_in(&t, CharIdx::new(10), t.end()), [(CharIdx::new(11), CharIdx::new(16)), (CharIdx::new(20), CharIdx::new(25))]);
        assert_eq!(names_in(&t, CharIdx::new(13), t.end()), [(CharIdx::new(20), CharIdx::new(25))]);
    }

    #[test]
    fn word_characters_are_the_letters_and_digits_of_unicode() {
        for c in (0..=0x10_ffff).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn offsets_are_code_points() {
        let t = Text::from("😀 Zoé à Tōkyō");
        assert_eq!(names(&t), [(CharIdx::new(2), CharIdx::new(5)), (CharIdx::new(8), CharIdx::new(13))]);
    }
}
