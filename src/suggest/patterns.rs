//! Token patterns for French and English: calendar dates ([`DateRecognizer`],
//! recognizer name `"dates"`) and persons introduced by a title
//! ([`TitleRecognizer`], recognizer name `"titles"`).
//!
//! Owns: the two recognizers. Must not touch: files, the UI.
//!
//! Dates: `13 juillet 2025`, `1er avril`, `juillet 2025`, `dimanche`,
//! `lundi 3 mars`, `July 13, 2025`, `Monday, July 13`, `13 July 2025`,
//! `the 13th of July` (without `the`), `13/07/2025`, `2025-07-13`, and bare
//! years 1900–2099 (not year ranges such as `2024-2025`). Spans hold no
//! determiner (`le`, `the`) and no clock time.
//!
//! Titles: a title (`M.`, `Mme`, `président`, `Premier ministre`,
//! `porte-parole`, `Foreign Minister`, `Mr`, …), then optional adjectives
//! and portfolios (`russe`, `des Affaires étrangères`, `sortant`), then
//! capitalised words: those words are a PER, the title stays out. A name
//! found so is also proposed where it occurs again, in full or by its last
//! word (`Lavrov`).

use super::lexicon::{Calendar, FastMap, Lexicon};
use super::{Candidate, Recognizer};
use crate::model::tokenize::{TokenKind, Tokenized, is_all_caps, is_capitalized};
use crate::model::{RecognizerName, Text};

/// Score of a full date (day and month).
const SCORE_FULL_DATE: f32 = 0.95;
/// Score of a month with a year.
const SCORE_MONTH_YEAR: f32 = 0.92;
/// Score of a numeric date.
const SCORE_NUMERIC_DATE: f32 = 0.9;
/// Score of a weekday alone or with a day number.
const SCORE_WEEKDAY: f32 = 0.86;
/// Score of a month alone.
const SCORE_MONTH: f32 = 0.8;
/// Score of a bare year after a temporal word (`en 2025`).
const SCORE_YEAR_STRONG: f32 = 0.85;
/// Score of a bare year.
const SCORE_YEAR: f32 = 0.7;
/// Score of a bare year followed by a lower-case word (`2000 manifestants`?).
const SCORE_YEAR_WEAK: f32 = 0.45;
/// Score of a name after a title.
const SCORE_TITLED: f32 = 0.93;
/// Score of a titled name repeated in full.
const SCORE_REPEATED: f32 = 0.86;
/// Score of a titled name's last word repeated alone.
const SCORE_SURNAME: f32 = 0.76;

/// Words after a bare number that make it a quantity, not a year.
const UNITS: &[&str] = &[
    "%",
    "€",
    "$",
    "£",
    "km",
    "m",
    "kg",
    "mètres",
    "metres",
    "meters",
    "euros",
    "dollars",
    "habitants",
    "personnes",
    "people",
    "soldats",
    "soldiers",
    "morts",
    "dead",
    "km²",
    "ha",
    "tonnes",
    "tons",
    "mw",
    "gw",
    "milliards",
    "millions",
    "billion",
    "million",
    "fois",
    "times",
];

/// Words before a bare number that make it a number, not a year.
const NUMBER_MARKERS: &[&str] = &[
    "n°",
    "no.",
    "no",
    "#",
    "€",
    "$",
    "£",
    "article",
    "page",
    "numéro",
    "number",
    "code",
    "vol.",
    "p.",
    "pp.",
    "résolution",
    "resolution",
    "vol",
    "route",
    "rn",
    "a",
    "boeing",
    "airbus",
];

/// A view of one text's tokens for the patterns.
struct View<'a> {
    s: &'a str,
    doc: &'a Tokenized,
    lex: &'static Lexicon,
}

impl<'a> View<'a> {
    fn key(&self, i: usize) -> &str {
        self.doc.key(i)
    }

    fn text(&self, i: usize) -> &'a str {
        self.doc.get(i).map_or("", |t| t.text(self.s))
    }

    fn kind(&self, i: usize) -> Option<TokenKind> {
        self.doc.get(i).map(|t| t.kind)
    }

    /// True when token `i` exists and continues the sentence of token `i - 1`.
    fn continues(&self, i: usize) -> bool {
        self.doc.get(i).is_some_and(|t| !t.sentence_start)
    }

    /// True when token `i` exists and directly follows token `i - 1`.
    fn glued(&self, i: usize) -> bool {
        self.doc.get(i).is_some_and(|t| !t.space_before && !t.sentence_start)
    }

    fn capitalized(&self, i: usize) -> bool {
        is_capitalized(self.text(i))
    }

    fn sentence_initial(&self, i: usize) -> bool {
        self.doc.get(i).is_some_and(|t| t.sentence_start)
    }

    // ---- dates ----

    /// What token `i` is as a calendar word (nothing when it is none).
    fn calendar(&self, i: usize) -> Calendar {
        self.lex.calendar.get(self.key(i)).copied().unwrap_or_default()
    }

    /// True for a weekday name at `i`, `what` being [`View::calendar`] of `i`.
    fn weekday(&self, what: Calendar, i: usize) -> bool {
        what.is(Calendar::WEEKDAY_FR) || (what.is(Calendar::WEEKDAY_EN) && self.capitalized(i))
    }

    /// `Some(english)` for a month name.
    fn month(&self, i: usize) -> Option<bool> {
        self.month_of(self.calendar(i), i)
    }

    /// [`View::month`] with `what` [`View::calendar`] of `i`.
    fn month_of(&self, what: Calendar, i: usize) -> Option<bool> {
        if what.is(Calendar::MONTH_FR) {
            Some(false)
        } else if what.is(Calendar::MONTH_EN) && self.capitalized(i) {
            Some(true)
        } else {
            None
        }
    }

    /// The value of a day number (`13`, `1er`, `13th`).
    fn day(&self, i: usize) -> Option<u32> {
        let text = self.text(i);
        let n = text.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 2 {
            return None;
        }
        let (digits, suffix) = text.split_at_checked(n)?;
        let ok_kind = match self.kind(i) {
            Some(TokenKind::Number) => suffix.is_empty(),
            Some(TokenKind::Alnum) => {
                matches!(suffix, "er" | "re" | "e" | "st" | "nd" | "rd" | "th")
            }
            _ => false,
        };
        if !ok_kind {
            return None;
        }
        digits.parse().ok().filter(|d| (1..=31).contains(d))
    }

    /// The value of a four-digit year in `lo..=hi`.
    fn year(&self, i: usize, lo: u32, hi: u32) -> Option<u32> {
        let text = self.text(i);
        if self.kind(i) != Some(TokenKind::Number) || text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok().filter(|y| (lo..=hi).contains(y))
    }

    /// A date made of words starting at `i`: its end and score.
    fn word_date(&self, i: usize) -> Option<(usize, f32)> {
        // Token `i` is looked up once, as a weekday and as a month.
        let here = self.calendar(i);
        let weekday = self.weekday(here, i);
        let month_at = |x: usize| if x == i { self.month_of(here, i) } else { self.month(x) };
        let mut j = i;
        let mut end = i;
        if weekday {
            j = i + 1;
            end = j;
        }
        // "Monday, July 13": the comma joins only when a date part follows.
        let k = if weekday && self.text(j) == "," && self.continues(j) { j + 1 } else { j };
        let on = |x: usize| x == i || self.continues(x);
        let mut has_day = false;
        let mut month = None;
        if on(k) && on(k + 1) && self.day(k).is_some() && month_at(k + 1).is_some() {
            has_day = true;
            month = month_at(k + 1);
            end = k + 2;
        } else if on(k) && on(k + 2) && self.day(k).is_some() && self.key(k + 1) == "of" && month_at(k + 2).is_some() {
            has_day = true;
            month = month_at(k + 2);
            end = k + 3;
        } else if on(k) && month_at(k).is_some() {
            month = month_at(k);
            end = k + 1;
            if self.continues(end) && self.day(end).is_some() && self.year(end, 0, 9999).is_none() {
                has_day = true;
                end += 1;
            }
        } else if weekday && self.continues(k) && self.day(k).is_some() {
            has_day = true;
            end = k + 1;
        }
        let mut has_year = false;
        if month.is_some() {
            let y = if self.text(end) == "," && self.continues(end) && self.continues(end + 1) { end + 1 } else { end };
            if self.continues(y) && self.year(y, 1000, 2999).is_some() {
                has_year = true;
                end = y + 1;
            }
        }
        if end == i {
            return None;
        }
        let score = match (month, has_day, has_year, weekday) {
            (Some(_), true, _, _) => SCORE_FULL_DATE,
            (Some(_), false, true, _) => SCORE_MONTH_YEAR,
            (Some(english), false, false, false) => {
                self.month_alone_ok(i, english)?;
                SCORE_MONTH
            }
            (Some(_), false, false, true) => SCORE_WEEKDAY,
            (None, true, _, _) => SCORE_WEEKDAY + 0.02,
            (None, false, _, _) => SCORE_WEEKDAY,
        };
        Some((end, score))
    }

    /// Whether a month name with neither day nor year is a date here.
    fn month_alone_ok(&self, i: usize, english: bool) -> Option<()> {
        let initial = self.sentence_initial(i);
        let prev_temporal = i > 0 && !initial && self.lex.temporal.contains(self.key(i - 1));
        let ok = if english {
            !initial && (self.key(i) != "may" || prev_temporal)
        } else if self.capitalized(i) {
            initial && self.key(i) != "mars"
        } else {
            true
        };
        ok.then_some(())
    }

    /// `13/07/2025`, `2025-07-13`, `13.07.2025` at `i`: the end.
    fn numeric_date(&self, i: usize) -> Option<usize> {
        let num = |x: usize| -> Option<u32> { (self.kind(x) == Some(TokenKind::Number)).then(|| self.text(x).parse().ok()).flatten() };
        let valid = |d: u32, m: u32, y: u32| (1..=31).contains(&d) && (1..=12).contains(&m) && (1000..=2999).contains(&y);
        let text = self.text(i);
        if self.kind(i) == Some(TokenKind::Number) && text.matches('.').count() == 2 {
            let parts: Vec<&str> = text.split('.').collect();
            if let [d, m, y] = parts.as_slice()
                && d.len() <= 2
                && m.len() <= 2
                && y.len() == 4
                && let (Ok(d), Ok(m), Ok(y)) = (d.parse(), m.parse(), y.parse())
                && valid(d, m, y)
            {
                return Some(i + 1);
            }
            return None;
        }
        let glued4 = (1..=4).all(|k| self.glued(i + k));
        if !glued4 {
            return None;
        }
        let (a, sep1, b, sep2, c) = (num(i)?, self.text(i + 1), num(i + 2)?, self.text(i + 3), num(i + 4)?);
        let lens = (text.len(), self.text(i + 2).len(), self.text(i + 4).len());
        let ok = match (sep1, sep2) {
            ("/", "/") => lens.0 <= 2 && lens.1 <= 2 && lens.2 == 4 && valid(a, b, c),
            ("-", "-") => lens.0 == 4 && lens.1 <= 2 && lens.2 <= 2 && valid(c, b, a),
            _ => false,
        };
        ok.then_some(i + 5)
    }

    /// A bare year at `i`: its score.
    fn bare_year(&self, i: usize) -> Option<f32> {
        self.year(i, 1900, 2099)?;
        let dash = |x: usize| matches!(self.text(x), "-" | "–" | "—" | "/");
        // Year ranges ("2024-2025", "2024 – 2025") are left alone.
        if self.continues(i + 1) && dash(i + 1) && self.year(i + 2, 0, 9999).is_some() {
            return None;
        }
        if i >= 2 && self.glued(i) && dash(i - 1) && self.kind(i - 2) == Some(TokenKind::Number) {
            return None;
        }
        if i >= 2 && self.continues(i) && dash(i - 1) && self.year(i - 2, 0, 9999).is_some() {
            return None;
        }
        if i >= 1 && self.continues(i) && NUMBER_MARKERS.contains(&self.key(i - 1)) {
            return None;
        }
        if self.continues(i + 1) && UNITS.contains(&self.key(i + 1)) {
            return None;
        }
        if i >= 1 && self.continues(i) && self.lex.temporal.contains(self.key(i - 1)) {
            return Some(SCORE_YEAR_STRONG);
        }
        let next_lower = self.continues(i + 1)
            && self.kind(i + 1) == Some(TokenKind::Word)
            && self.text(i + 1).chars().next().is_some_and(char::is_lowercase);
        Some(if next_lower { SCORE_YEAR_WEAK } else { SCORE_YEAR })
    }

    // ---- titles ----

    /// The length in tokens of a title at `i`.
    fn title(&self, i: usize) -> Option<usize> {
        let list = self.lex.titles.get(self.key(i))?;
        'titles: for (keys, cap) in list {
            for (k, key) in keys.iter().enumerate().skip(1) {
                if !self.continues(i + k) || self.key(i + k) != key {
                    continue 'titles;
                }
            }
            if *cap && !self.capitalized(i) {
                continue;
            }
            return Some(keys.len());
        }
        None
    }

    fn is_prep(&self, i: usize) -> bool {
        matches!(self.key(i), "de" | "du" | "des" | "d'" | "of" | "for")
    }

    /// True for a lower-case word that looks like an adjective of
    /// nationality the lists lack (`fidjien`, `tuvaluan`).
    fn adjective_like(&self, i: usize) -> bool {
        const SUFFIXES: &[&str] = &[
            "ien", "ienne", "iens", "iennes", "ais", "aise", "aises", "ois", "oise", "oises", "ain", "aine", "ains", "aines", "ique",
            "iques", "an", "ane", "ite", "ote", "ese", "ish", "ian",
        ];
        let key = self.key(i);
        self.kind(i) == Some(TokenKind::Word)
            && !self.capitalized(i)
            && key.chars().count() >= 5
            && key.chars().all(|c| c.is_alphabetic() || c == '-')
            && SUFFIXES.iter().any(|s| key.ends_with(s))
    }

    /// Skips adjectives and portfolios after a title; returns where a name
    /// may start.
    fn skip_complements(&self, mut j: usize) -> usize {
        let mut guessed = 0;
        for _ in 0..10 {
            if !self.continues(j) {
                return j;
            }
            let key = self.key(j);
            let lower = !self.capitalized(j);
            if lower && (self.lex.role_adjectives.contains(key) || self.lex.demonyms.contains(key)) {
                j += 1;
                continue;
            }
            if guessed < 2 && self.adjective_like(j) {
                guessed += 1;
                j += 1;
                continue;
            }
            if matches!(key, "et" | "and") && self.continues(j + 1) && self.is_prep(j + 1) {
                j += 1;
                continue;
            }
            if self.is_prep(j) {
                let mut k = j + 1;
                if matches!(self.key(k), "la" | "l'" | "the") && self.continues(k) {
                    k += 1;
                }
                if self.continues(k) && self.lex.portfolios.contains(self.key(k)) {
                    k += 1;
                    while self.continues(k)
                        && (self.lex.portfolios.contains(self.key(k)) || self.lex.portfolio_adjectives.contains(self.key(k)))
                    {
                        k += 1;
                    }
                    j = k;
                    continue;
                }
                // "porte-parole du Kremlin, Dmitri Peskov", "minister of
                // natural resources, Sergei Bakhtin": a complement closed by a
                // comma before a name.
                let mut m = j + 1;
                while m < j + 8 && self.continues(m) && self.doc.get(m).is_some_and(|t| t.is_wordlike()) {
                    m += 1;
                }
                if m > k && self.text(m) == "," && self.continues(m + 1) && self.name(m + 1).is_some() {
                    return m + 1;
                }
                return j;
            }
            if self.text(j) == "," && self.continues(j + 1) && self.name(j + 1).is_some() {
                return j + 1;
            }
            return j;
        }
        j
    }

    /// True for a token that may be a word of a name.
    fn name_word(&self, i: usize) -> bool {
        let Some(t) = self.doc.get(i) else {
            return false;
        };
        if !t.is_wordlike() {
            return false;
        }
        let text = t.text(self.s);
        let key = self.key(i);
        let capital = self.lex.name_cased(text, key);
        capital
            && !self.lex.title_words.contains(key)
            && !self.lex.demonyms.contains(key)
            && !self.lex.is_calendar_word(key)
            && !self.lex.org_keywords.contains(key)
            && !self.lex.event_keywords.contains(key)
            && !self.lex.generic_caps.contains(key)
            && key != "'s"
    }

    /// A name starting at `j`: its end.
    fn name(&self, j: usize) -> Option<usize> {
        if !self.name_word(j) {
            return None;
        }
        let mut end = j + 1;
        let mut words = 1;
        while words < 5 {
            let mut k = end;
            while k < end + 2 && self.continues(k) && self.lex.particles.contains(self.key(k)) && !self.capitalized(k) {
                k += 1;
            }
            if self.continues(k) && self.name_word(k) {
                end = k + 1;
                words += 1;
            } else {
                break;
            }
        }
        let single_stopword = words == 1 && self.lex.stopwords.contains(self.key(j));
        let acronym = words == 1 && is_all_caps(self.text(j));
        (!single_stopword && !acronym).then_some(end)
    }
}

/// Proposes calendar dates (recognizer name `"dates"`).
#[derive(Clone, Copy, Debug, Default)]
pub struct DateRecognizer;

impl DateRecognizer {
    /// The recognizer.
    pub fn new() -> Self {
        Self
    }
}

impl Recognizer for DateRecognizer {
    fn name(&self) -> RecognizerName {
        RecognizerName::Dates
    }

    fn recognize(&self, text: &Text) -> Vec<Candidate> {
        self.recognize_tokens(text, &Tokenized::new(text.as_str()))
    }

    fn recognize_tokens(&self, text: &Text, doc: &Tokenized) -> Vec<Candidate> {
        let v = View { s: text.as_str(), doc, lex: Lexicon::get() };
        let tokens = doc.tokens();
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(t) = tokens.get(i) {
            let found = if t.is_wordlike() || t.kind == TokenKind::Number {
                v.word_date(i).or_else(|| v.numeric_date(i).map(|e| (e, SCORE_NUMERIC_DATE))).or_else(|| v.bare_year(i).map(|s| (i + 1, s)))
            } else {
                None
            };
            match found {
                Some((end, score)) if end > i => {
                    let last = tokens.get(end - 1).map_or(t.end, |l| l.end);
                    out.push(Candidate { start: t.start, end: last, label: "DATE".into(), score, recognizer: RecognizerName::Dates });
                    i = end;
                }
                _ => i += 1,
            }
        }
        out
    }
}

/// Proposes persons introduced by a title (recognizer name `"titles"`).
#[derive(Clone, Copy, Debug, Default)]
pub struct TitleRecognizer;

impl TitleRecognizer {
    /// The recognizer.
    pub fn new() -> Self {
        Self
    }
}

impl Recognizer for TitleRecognizer {
    fn name(&self) -> RecognizerName {
        RecognizerName::Titles
    }

    fn recognize(&self, text: &Text) -> Vec<Candidate> {
        self.recognize_tokens(text, &Tokenized::new(text.as_str()))
    }

    fn recognize_tokens(&self, text: &Text, doc: &Tokenized) -> Vec<Candidate> {
        let v = View { s: text.as_str(), doc, lex: Lexicon::get() };
        let tokens = doc.tokens();
        let mut covered = vec![false; tokens.len()];
        let mut out = Vec::new();
        // Names by first key: (keys, is the full name).
        let mut known: FastMap<Vec<(Vec<String>, bool)>> = FastMap::default();
        let mut i = 0;
        while i < tokens.len() {
            let Some(n) = v.title(i) else {
                i += 1;
                continue;
            };
            let start = v.skip_complements(i + n);
            let Some(end) = v.continues(start).then(|| v.name(start)).flatten() else {
                i += n;
                continue;
            };
            if let (Some(a), Some(b)) = (tokens.get(start), tokens.get(end - 1)) {
                out.push(Candidate {
                    start: a.start,
                    end: b.end,
                    label: "PER".into(),
                    score: SCORE_TITLED,
                    recognizer: RecognizerName::Titles,
                });
            }
            covered.iter_mut().take(end).skip(start).for_each(|c| *c = true);
            let keys: Vec<String> = (start..end).map(|k| v.key(k).to_owned()).collect();
            if let Some(last) = keys.last().filter(|l| keys.len() > 1 && l.chars().count() >= 3).cloned() {
                known.entry(last.clone()).or_default().push((vec![last], false));
            }
            if let Some(first) = keys.first().cloned() {
                known.entry(first).or_default().push((keys, true));
            }
            i = end;
        }
        if known.is_empty() {
            return out;
        }
        for list in known.values_mut() {
            list.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
            list.dedup();
        }
        // Later (and earlier) mentions of the same names.
        let mut i = 0;
        while i < tokens.len() {
            let hit = if covered.get(i).copied().unwrap_or(true) || !v.capitalized(i) {
                None
            } else {
                known.get(v.key(i)).and_then(|list| {
                    list.iter().find(|(keys, _)| {
                        keys.iter().enumerate().all(|(k, key)| {
                            (k == 0 || v.continues(i + k)) && v.key(i + k) == key && !covered.get(i + k).copied().unwrap_or(true)
                        }) && !v.name_word(i + keys.len())
                    })
                })
            };
            match hit {
                Some((keys, full)) => {
                    let end = i + keys.len();
                    // "Sonia Kaloï" after "Mme Kaloï": take the first names too.
                    let mut first = i;
                    while first + 3 > i
                        && first > 0
                        && v.continues(first)
                        && !covered.get(first - 1).copied().unwrap_or(true)
                        && v.name_word(first - 1)
                        && !v.lex.stopwords.contains(v.key(first - 1))
                    {
                        first -= 1;
                    }
                    if let (Some(a), Some(b)) = (tokens.get(first), tokens.get(end - 1)) {
                        let score = if *full { SCORE_REPEATED } else { SCORE_SURNAME };
                        out.push(Candidate { start: a.start, end: b.end, label: "PER".into(), score, recognizer: RecognizerName::Titles });
                    }
                    i = end;
                }
                None => i += 1,
            }
        }
        out.sort_by_key(|c| (c.start, c.end));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CharIdx;
    use crate::model::markup::parse_markup;

    type Spans = Vec<(CharIdx, CharIdx, String)>;

    fn run(r: &dyn Recognizer, markup: &str) -> (Spans, Spans) {
        let (text, gold) = parse_markup(markup);
        let t = Text::from(text.as_str());
        let got = r.recognize(&t).into_iter().map(|c| (c.start, c.end, c.label)).collect();
        (got, gold)
    }

    fn check(r: &dyn Recognizer, markup: &str) {
        let (got, gold) = run(r, markup);
        let (text, _) = parse_markup(markup);
        let show = |v: &Spans| -> Vec<String> {
            v.iter().map(|(a, b, l)| format!("{}:{l}", text.chars().skip(a.get()).take(b.get() - a.get()).collect::<String>())).collect()
        };
        assert_eq!(show(&got), show(&gold), "in {markup:?}");
    }

    #[test]
    fn french_dates() {
        let d = DateRecognizer;
        check(&d, "Le [dimanche 13 juillet 2025]{DATE}, puis le [1er avril]{DATE} et en [juillet 2025]{DATE}.");
        check(&d, "Il viendra [lundi 3 mars]{DATE} ou [mardi]{DATE} à 14h30, sinon en [mai]{DATE}.");
        check(&d, "Depuis [février 2022]{DATE} et le [18 octobre]{DATE}, en [2025]{DATE} ; le [5 août 2022]{DATE} heure locale.");
        check(&d, "[Juillet]{DATE} a été chaud ; la planète Mars brille ; [13 sept. 2025]{DATE}.");
    }

    #[test]
    fn english_dates() {
        let d = DateRecognizer;
        check(&d, "On [July 13, 2025]{DATE} and [13 July 2025]{DATE}, then [Monday]{DATE} and [Monday, July 14]{DATE}.");
        check(&d, "Since [May]{DATE}, Theresa May said on the [13th of July]{DATE} that in [March 2024]{DATE} sales rose.");
        check(&d, "In [August]{DATE}, a march; may we? [Jan. 5, 2024]{DATE}.");
    }

    #[test]
    fn numeric_dates_years_and_non_dates() {
        let d = DateRecognizer;
        check(&d, "Le [13/07/2025]{DATE}, le [2025-07-13]{DATE} et le [13.07.2025]{DATE}.");
        check(&d, "La saison 2024-2025 et 2024 – 2025, 12,5 %, 1\u{a0}000 km, 2000 km, article 2001, 1850.");
        check(&d, "In [2024]{DATE} and the [1999]{DATE} election; 14:30; 32 [juillet]{DATE}; 00/13/2025.");
    }

    #[test]
    fn titles_give_persons_without_the_title() {
        let t = TitleRecognizer;
        check(&t, "Le ministre russe des Affaires étrangères [Sergueï Lavrov]{PER} est arrivé.");
        check(&t, "M. [Lavrov]{PER} et Mme [Zakharova]{PER} ont vu le Premier ministre [Shigeru Ishiba]{PER}.");
        check(&t, "Le porte-parole du Kremlin, [Dmitri Peskov]{PER}, a parlé au président [Xi Jinping]{PER}.");
        check(&t, "Son homologue russe [Sergey Lavrov]{PER} et le chef de la diplomatie chinoise [Wang Yi]{PER}.");
        check(&t, "Russian Foreign Minister [Sergei Lavrov]{PER} met President [Donald J. Trump]{PER}'s envoy.");
        check(&t, "Le président a dit ; le ministre de l'Intérieur, [Bruno Retailleau]{PER}, et le président [Bachar al-Assad]{PER}.");
        check(&t, "Le secrétaire général de l'ONU et la Premier League, le ministre [Le Drian]{PER}.");
        check(
            &t,
            "Le Premier ministre fidjien, [Josaia Naivalu]{PER}, et le président de la Commission de l'Union africaine, [Abdoulaye Sissoko]{PER}.",
        );
        check(&t, "Russia's deputy minister of natural resources, [Sergei Bakhtin]{PER}, met the minister on Monday, Lavrov said.");
    }

    #[test]
    fn titled_names_are_found_again() {
        let t = TitleRecognizer;
        check(
            &t,
            "Le ministre [Sergueï Lavrov]{PER} est arrivé. [Lavrov]{PER} a dit que [Sergueï Lavrov]{PER} reviendrait. Lavrova non. \
             Mme [Kaloï]{PER} et [Sonia Kaloï]{PER}.",
        );
    }
}
