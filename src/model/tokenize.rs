//! A rule-based tokenizer for French and English news text.
//!
//! Owns: [`Token`], [`TokenKind`], [`tokenize`] and [`Tokenized`] (tokens with
//! their normalised lookup keys). Offsets are code points ([`CharIdx`]) for
//! spans and bytes ([`ByteIdx`]) for slicing; both come from one pass.
//! Must not touch: anything but `std` and the model's offset types.
//!
//! What it does, in short:
//! - whitespace (including CR, LF, NBSP and narrow NBSP) separates tokens and
//!   is never part of one, except as a thousands separator inside a number;
//! - French elisions are split off: `l’Union` → `l’` + `Union`, `qu'il` →
//!   `qu'` + `il`, with both `'` and `’`; the English possessive `'s` too;
//! - hyphenated words stay whole: `Jean-Yves`, `Saint-Pétersbourg`,
//!   `Corée-du-Nord`, `COVID-19`;
//! - quotes (`«`, `»`, `“`, `”`, `"`, a lone `'` …) are tokens of their own;
//! - titles and other abbreviations keep their period (`M.`, `Dr.`, `St.`),
//!   as do initials (`J.`) and dotted acronyms (`U.S.`), so they do not end a
//!   sentence;
//! - numbers keep decimal commas and points and thousands separators
//!   (`12,5`, `1,000`, `1 000` with a NBSP or a space);
//! - a sentence ends after `.`, `!`, `?` or `…` (and any closing quotes)
//!   when the next token does not start in lower case, and at every line
//!   break.

use std::ops::Range;

use crate::model::{ByteIdx, CharIdx};

/// What a token is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters (and marks), possibly hyphenated, with an inner or final
    /// apostrophe (`aujourd'hui`, `l’`) or an abbreviation's period (`M.`).
    Word,
    /// ASCII digits with optional decimal and thousands separators.
    Number,
    /// Letters and digits mixed: `1er`, `13th`, `G20`, `COVID-19`, `12h30`.
    Alnum,
    /// Punctuation other than quotes; runs of `.`, `!`, `?`, `…` are one token.
    Punct,
    /// A quotation mark or a lone apostrophe.
    Quote,
    /// Anything else: emoji (with their modifiers and joiners), currency, maths.
    Symbol,
}

/// One token of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// First code point.
    pub start: CharIdx,
    /// One past the last code point.
    pub end: CharIdx,
    /// First byte.
    pub byte_start: ByteIdx,
    /// One past the last byte.
    pub byte_end: ByteIdx,
    /// What the token is made of.
    pub kind: TokenKind,
    /// True for the first token of a sentence.
    pub sentence_start: bool,
    /// True when whitespace separates this token from the previous one.
    pub space_before: bool,
    /// True when a line break separates this token from the previous one.
    pub newline_before: bool,
}

impl Token {
    /// The token's text within the string it was made from (empty if the
    /// string is another one).
    pub fn text<'a>(&self, s: &'a str) -> &'a str {
        s.get(self.byte_start.get()..self.byte_end.get()).unwrap_or("")
    }

    /// Length in code points.
    pub fn len_chars(&self) -> usize {
        self.end - self.start
    }

    /// True for word-like tokens (words and letter-digit mixes).
    pub fn is_wordlike(&self) -> bool {
        matches!(self.kind, TokenKind::Word | TokenKind::Alnum)
    }
}

/// French elided words that are split off before an apostrophe.
const ELISIONS: [&str; 13] = ["l", "d", "j", "n", "s", "c", "m", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"];

/// Abbreviations that always keep their period (titles and the like).
const ABBREVIATIONS: [&str; 38] = [
    "M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Dr", "Pr", "Prof", "Mgr", "St", "Ste", "Mr", "Mrs", "Ms", "Messrs", "Jr", "Sr", "Gen",
    "Gén", "Col", "Lt", "Capt", "Sgt", "Gov", "Sen", "Rep", "Rev", "Hon", "Adm", "Cmdr", "Maj", "Mt", "Ft", "Pres", "vs", "cf", "Dept",
];

/// Abbreviations that keep their period only when a digit or a lower-case
/// word follows (`sept. 2025` but `ils étaient sept. Le lendemain`).
const CONTEXT_ABBREVIATIONS: [&str; 27] = [
    "Jan", "Feb", "Apr", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "janv", "févr", "fév", "avr", "juil", "sept", "oct", "nov", "déc", "p",
    "pp", "vol", "av", "env", "No", "no", "approx", "ca",
];

/// True for characters that separate tokens.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{2060}')
}

/// True for line breaks (which end sentences).
fn is_newline(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// True for an apostrophe that may sit inside a word.
pub fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

/// True for a hyphen that may join two parts of a word.
pub fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// True for quotation marks.
fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '«' | '»' | '“' | '”' | '„' | '‟' | '‹' | '›' | '‘' | '’' | '‚' | '`' | 'ʼ')
}

/// True for punctuation that may end a sentence.
fn is_final_punct(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？')
}

/// True for combining marks and the joiners and selectors that extend the
/// previous character (so offsets never split a user-perceived letter).
fn is_extender(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0670 | 0x06D6..=0x06DC | 0x06DF..=0x06E4 | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200C | 0x200D | 0x20D0..=0x20FF | 0x302A..=0x302F
        | 0x3099 | 0x309A | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F
        | 0xE0100..=0xE01EF)
}

/// True for regional-indicator letters (flags are pairs of them).
fn is_regional_indicator(c: char) -> bool {
    matches!(c as u32, 0x1F1E6..=0x1F1FF)
}

/// True for characters that are punctuation rather than symbols.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32, 0x00A1 | 0x00A7 | 0x00AB | 0x00B6 | 0x00B7 | 0x00BB | 0x00BF
            | 0x2010..=0x2027 | 0x2030..=0x205E | 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20)
}

/// A cursor over a string that counts bytes and code points.
struct Cursor<'a> {
    s: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.byte..)?.chars().next()
    }

    fn peek_nth(&self, n: usize) -> Option<char> {
        self.s.get(self.byte..)?.chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.byte += c.len_utf8();
        self.chars += 1;
        Some(c)
    }

    /// The text from `from` (a byte offset) to the cursor.
    fn since(&self, from: usize) -> &'a str {
        self.s.get(from..self.byte).unwrap_or("")
    }

    fn bump_extenders(&mut self) {
        while let Some(c) = self.peek() {
            if !is_extender(c) {
                break;
            }
            self.bump();
            if c == '\u{200D}' {
                // A zero-width joiner glues the next character on.
                if self.peek().is_some_and(|n| !is_space(n)) {
                    self.bump();
                }
            }
        }
    }
}

/// Splits a text into tokens with code-point and byte offsets, kinds and
/// sentence starts.
///
/// `"Il a vu l’Union."` gives `Il`, `a`, `vu`, `l’`, `Union`, `.`.
pub fn tokenize(s: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::with_capacity(s.len() / 5 + 1);
    let mut cur = Cursor { s, byte: 0, chars: 0 };
    let mut space_before = false;
    let mut newline_before = false;
    while let Some(c) = cur.peek() {
        if is_space(c) {
            newline_before |= is_newline(c);
            space_before = true;
            cur.bump();
            continue;
        }
        let (b0, c0) = (cur.byte, cur.chars);
        let prev_wordlike_adjacent = !space_before && tokens.last().is_some_and(Token::is_wordlike);
        let kind = if c.is_ascii_digit() {
            scan_number(&mut cur)
        } else if c.is_alphanumeric() {
            scan_word(&mut cur)
        } else if is_apostrophe(c)
            && prev_wordlike_adjacent
            && matches!(cur.peek_nth(1), Some('s' | 'S'))
            && !cur.peek_nth(2).is_some_and(|n| n.is_alphanumeric() || is_extender(n))
        {
            // The English possessive: "Russia's" → "Russia" + "'s".
            cur.bump();
            cur.bump();
            TokenKind::Word
        } else if is_quote(c) {
            cur.bump();
            TokenKind::Quote
        } else if is_final_punct(c) {
            while cur.peek().is_some_and(is_final_punct) {
                cur.bump();
            }
            TokenKind::Punct
        } else if is_punctuation(c) {
            cur.bump();
            cur.bump_extenders();
            TokenKind::Punct
        } else {
            cur.bump();
            if is_regional_indicator(c) && cur.peek().is_some_and(is_regional_indicator) {
                cur.bump();
            }
            cur.bump_extenders();
            TokenKind::Symbol
        };
        tokens.push(Token {
            start: CharIdx::new(c0),
            end: CharIdx::new(cur.chars),
            byte_start: ByteIdx::new(b0),
            byte_end: ByteIdx::new(cur.byte),
            kind,
            sentence_start: false,
            space_before,
            newline_before,
        });
        space_before = false;
        newline_before = false;
    }
    mark_sentences(s, &mut tokens);
    tokens
}

/// Scans a word (the cursor is on a letter) and returns its kind.
fn scan_word(cur: &mut Cursor<'_>) -> TokenKind {
    let start = cur.byte;
    let mut has_digit = false;
    let mut segment_start = start;
    while let Some(c) = cur.peek() {
        if c.is_alphanumeric() || is_extender(c) {
            has_digit |= c.is_ascii_digit();
            cur.bump();
            continue;
        }
        if is_apostrophe(c) {
            let next = cur.peek_nth(1);
            if !next.is_some_and(char::is_alphabetic) {
                break;
            }
            let so_far = cur.since(segment_start);
            if segment_start == start && ELISIONS.iter().any(|e| so_far.eq_ignore_ascii_case(e)) {
                cur.bump();
                return TokenKind::Word;
            }
            if matches!(next, Some('s' | 'S')) && !cur.peek_nth(2).is_some_and(|n| n.is_alphanumeric() || is_extender(n)) {
                break;
            }
            cur.bump();
            continue;
        }
        if is_hyphen(c) && cur.peek_nth(1).is_some_and(char::is_alphanumeric) {
            cur.bump();
            segment_start = cur.byte;
            continue;
        }
        if c == '.' {
            scan_abbreviation_period(cur, start);
        }
        break;
    }
    if has_digit { TokenKind::Alnum } else { TokenKind::Word }
}

/// At a period after a word: takes the period (and more letters and periods
/// for dotted acronyms) into the word when it is an abbreviation.
fn scan_abbreviation_period(cur: &mut Cursor<'_>, start: usize) {
    let word = cur.since(start);
    let mut letters = word.chars();
    let single_upper = matches!((letters.next(), letters.next()), (Some(l), None) if l.is_uppercase());
    let single_letter = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
    // Dotted acronyms: "U.S.", "U.S.A.", "e.g.".
    if single_letter && cur.peek_nth(1).is_some_and(char::is_alphabetic) && cur.peek_nth(2) == Some('.') {
        while cur.peek() == Some('.') && cur.peek_nth(1).is_some_and(char::is_alphabetic) && cur.peek_nth(2) == Some('.') {
            cur.bump();
            cur.bump();
        }
        cur.bump();
        return;
    }
    if single_upper || ABBREVIATIONS.contains(&word) {
        cur.bump();
        return;
    }
    if CONTEXT_ABBREVIATIONS.contains(&word) {
        // Look past the period and any spaces at what follows.
        let mut n = 1;
        while cur.peek_nth(n).is_some_and(|c| is_space(c) && !is_newline(c)) {
            n += 1;
        }
        if n > 1 && cur.peek_nth(n).is_some_and(|c| c.is_ascii_digit() || c.is_lowercase()) {
            cur.bump();
        }
    }
}

/// Scans a number (the cursor is on an ASCII digit) and returns its kind.
fn scan_number(cur: &mut Cursor<'_>) -> TokenKind {
    let mut group = 0usize;
    while cur.peek().is_some_and(|c| c.is_ascii_digit()) {
        cur.bump();
        group += 1;
    }
    let mut may_group = group <= 3;
    while let Some(c) = cur.peek() {
        if (c == '.' || c == ',') && cur.peek_nth(1).is_some_and(|d| d.is_ascii_digit()) {
            cur.bump();
            while cur.peek().is_some_and(|d| d.is_ascii_digit()) {
                cur.bump();
            }
            may_group = false;
            continue;
        }
        if may_group
            && matches!(c, '\u{A0}' | '\u{202F}' | '\u{2009}' | ' ')
            && (1..=3).all(|k| cur.peek_nth(k).is_some_and(|d| d.is_ascii_digit()))
            && !cur.peek_nth(4).is_some_and(|d| d.is_alphanumeric() || d == '.' || d == ',')
        {
            for _ in 0..4 {
                cur.bump();
            }
            continue;
        }
        if c.is_alphabetic() {
            // "1er", "13th", "12h30", "5G".
            while cur.peek().is_some_and(|d| d.is_alphanumeric() || is_extender(d)) {
                cur.bump();
            }
            return TokenKind::Alnum;
        }
        break;
    }
    TokenKind::Number
}

/// True for quotes and brackets that close something.
fn is_closing(t: &Token, s: &str) -> bool {
    match t.text(s) {
        "»" | "”" | "’" | "›" | ")" | "]" | "}" => true,
        "\"" | "'" => !t.space_before,
        _ => false,
    }
}

/// Sets `sentence_start` on the first token of each sentence.
fn mark_sentences(s: &str, tokens: &mut [Token]) {
    let mut after_final = false;
    let mut first = true;
    for t in tokens.iter_mut() {
        let starts = if first || t.newline_before {
            true
        } else if after_final {
            if is_closing(t, s) {
                continue;
            }
            let lower = t.text(s).chars().next().is_some_and(char::is_lowercase);
            t.space_before && !lower
        } else {
            false
        };
        t.sentence_start = starts;
        first = false;
        after_final = t.kind == TokenKind::Punct && t.text(s).chars().all(is_final_punct);
    }
}

/// The token ranges of the sentences of a token list.
pub fn sentences(tokens: &[Token]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.sentence_start && i > start {
            out.push(start..i);
            start = i;
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

/// The lookup key of a token or name: lower case, with `’`/`ʼ` as `'` and
/// Unicode hyphens as `-`.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_normalized(&mut out, s);
    out
}

fn push_normalized(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '’' | 'ʼ' => out.push('\''),
            '\u{2010}' | '\u{2011}' => out.push('-'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// True when the first letter is upper case (or title case).
pub fn is_capitalized(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

/// True for words written in capitals: two or more letters and digits, at
/// least one letter, every letter upper case (`ONU`, `G7`, not `A`).
pub fn is_all_caps(s: &str) -> bool {
    let (mut letters, mut digits) = (0, 0);
    for c in s.chars() {
        if c.is_alphabetic() {
            if !c.is_uppercase() {
                return false;
            }
            letters += 1;
        } else if c.is_numeric() {
            digits += 1;
        }
    }
    letters >= 1 && letters + digits >= 2
}

/// A text's tokens with their normalised keys, made once and shared by the
/// recognizers.
#[derive(Clone, Debug, Default)]
pub struct Tokenized {
    tokens: Vec<Token>,
    keys: String,
    key_ends: Vec<usize>,
}

impl Tokenized {
    /// Tokenizes a string.
    pub fn new(s: &str) -> Self {
        Self::from_tokens(s, tokenize(s))
    }

    /// Wraps tokens made from `s` by [`tokenize`].
    pub fn from_tokens(s: &str, tokens: Vec<Token>) -> Self {
        let mut keys = String::with_capacity(s.len());
        let mut key_ends = Vec::with_capacity(tokens.len());
        for t in &tokens {
            push_normalized(&mut keys, t.text(s));
            key_ends.push(keys.len());
        }
        Self { tokens, keys, key_ends }
    }

    /// The tokens.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// The number of tokens.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True when there is no token.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The token at `i`.
    pub fn get(&self, i: usize) -> Option<&Token> {
        self.tokens.get(i)
    }

    /// The normalised key of token `i` ([`normalize`]); empty past the end.
    pub fn key(&self, i: usize) -> &str {
        self.keys.get(self.key_range(i)).unwrap_or("")
    }

    /// Where the key of token `i` lies in [`Tokenized::keys`] (empty past
    /// the end).
    pub fn key_range(&self, i: usize) -> Range<usize> {
        let start = if i == 0 { 0 } else { self.key_ends.get(i - 1).copied().unwrap_or(0) };
        let end = self.key_ends.get(i).copied().unwrap_or(start);
        start..end
    }

    /// Every token's key, one after the other: the keys of adjacent tokens
    /// are adjacent.
    pub fn keys(&self) -> &str {
        &self.keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(s: &str) -> Vec<&str> {
        tokenize(s).iter().map(|t| t.text(s)).collect()
    }

    fn kinds(s: &str) -> Vec<(&str, TokenKind)> {
        tokenize(s).iter().map(|t| (t.text(s), t.kind)).collect()
    }

    fn sentence_texts(s: &str) -> Vec<String> {
        let toks = tokenize(s);
        sentences(&toks).into_iter().map(|r| toks[r].iter().map(|t| t.text(s)).collect::<Vec<_>>().join(" ")).collect()
    }

    #[test]
    fn elisions_are_split_with_both_apostrophes() {
        assert_eq!(words("l’Union"), ["l’", "Union"]);
        assert_eq!(words("l'Union d'Afrique"), ["l'", "Union", "d'", "Afrique"]);
        assert_eq!(words("qu’il n'a jusqu'à L’Élysée"), ["qu’", "il", "n'", "a", "jusqu'", "à", "L’", "Élysée"]);
        assert_eq!(words("c’est s'il D'autres"), ["c’", "est", "s'", "il", "D'", "autres"]);
        assert_eq!(words("aujourd'hui O'Brien Xi'an"), ["aujourd'hui", "O'Brien", "Xi'an"]);
    }

    #[test]
    fn english_possessive_and_quotes() {
        assert_eq!(words("Russia's army"), ["Russia", "'s", "army"]);
        assert_eq!(words("Russia’s army"), ["Russia", "’s", "army"]);
        assert_eq!(words("don't"), ["don't"]);
        assert_eq!(words("« Paix » et “war” 'ok'"), ["«", "Paix", "»", "et", "“", "war", "”", "'", "ok", "'"]);
        assert_eq!(kinds("«a»")[0].1, TokenKind::Quote);
    }

    #[test]
    fn hyphenated_names_stay_whole() {
        assert_eq!(
            words("Jean-Yves à Saint-Pétersbourg et en Corée-du-Nord."),
            ["Jean-Yves", "à", "Saint-Pétersbourg", "et", "en", "Corée-du-Nord", "."]
        );
        assert_eq!(kinds("COVID-19")[0], ("COVID-19", TokenKind::Alnum));
        assert_eq!(words("2024-2025"), ["2024", "-", "2025"]);
        assert_eq!(words("fin - début"), ["fin", "-", "début"]);
    }

    #[test]
    fn abbreviations_and_initials_do_not_end_sentences() {
        let s = "M. Lavrov et Mme Zakharova. MM. Dupont et Dr. Who. Le U.S. President J. Biden vit à St. Louis.";
        assert_eq!(
            sentence_texts(s),
            ["M. Lavrov et Mme Zakharova .", "MM. Dupont et Dr. Who .", "Le U.S. President J. Biden vit à St. Louis ."]
        );
        assert_eq!(words("le 3 sept. 2025"), ["le", "3", "sept.", "2025"]);
        assert_eq!(words("ils étaient sept. Le"), ["ils", "étaient", "sept", ".", "Le"]);
        assert_eq!(sentence_texts("pommes, etc. et poires. Fin"), ["pommes , etc . et poires .", "Fin"]);
    }

    #[test]
    fn sentences_end_after_quotes_and_at_line_breaks() {
        let s = "Il a dit « non. » Puis il est parti !\r\nTitre sans point\nSuite ? oui";
        assert_eq!(sentence_texts(s), ["Il a dit « non . »", "Puis il est parti !", "Titre sans point", "Suite ? oui"]);
    }

    #[test]
    fn numbers_keep_separators() {
        assert_eq!(kinds("12,5 %"), [("12,5", TokenKind::Number), ("%", TokenKind::Punct)]);
        assert_eq!(words("1\u{a0}000 habitants"), ["1\u{a0}000", "habitants"]);
        assert_eq!(words("12\u{202f}345\u{202f}678 euros"), ["12\u{202f}345\u{202f}678", "euros"]);
        assert_eq!(words("1 000 000 et 2025 100"), ["1 000 000", "et", "2025", "100"]);
        assert_eq!(words("1,000.50 and 3.14."), ["1,000.50", "and", "3.14", "."]);
        assert_eq!(words("en 2024, 300 morts"), ["en", "2024", ",", "300", "morts"]);
        assert_eq!(kinds("1er 13th 12h30"), [("1er", TokenKind::Alnum), ("13th", TokenKind::Alnum), ("12h30", TokenKind::Alnum)]);
        assert_eq!(words("13.07.2025 et 13/07/2025"), ["13.07.2025", "et", "13", "/", "07", "/", "2025"]);
    }

    #[test]
    fn crlf_and_nbsp_are_whitespace() {
        let s = "Paris\r\n\r\nLondres\u{a0}: oui";
        assert_eq!(words(s), ["Paris", "Londres", ":", "oui"]);
        let toks = tokenize(s);
        assert_eq!(toks[1].start, CharIdx::new(9));
        assert!(toks[1].newline_before && toks[1].sentence_start);
        assert!(!toks[2].newline_before && toks[2].space_before);
    }

    #[test]
    fn offsets_are_code_points_with_emoji_and_combining_marks() {
        let s = "Zoe\u{301} 👍🏽 🇫🇷 a\u{301} 👨‍👩‍👧 l’Élysée";
        let toks = tokenize(s);
        let texts: Vec<&str> = toks.iter().map(|t| t.text(s)).collect();
        assert_eq!(texts, ["Zoe\u{301}", "👍🏽", "🇫🇷", "a\u{301}", "👨‍👩‍👧", "l’", "Élysée"]);
        let chars: Vec<char> = s.chars().collect();
        for t in &toks {
            let by_chars: String = chars[t.start.get()..t.end.get()].iter().collect();
            assert_eq!(by_chars, t.text(s));
        }
        assert_eq!(toks[0].end, CharIdx::new(4), "the combining accent belongs to the word");
        assert_eq!(toks[1].kind, TokenKind::Symbol);
        assert_eq!((toks[1].start, toks[1].end), (CharIdx::new(5), CharIdx::new(7)));
    }

    #[test]
    fn keys_are_normalised() {
        let s = "L’ONU et Corée\u{2011}du\u{2011}Nord";
        let t = Tokenized::new(s);
        assert_eq!(t.key(0), "l'");
        assert_eq!(t.key(1), "onu");
        assert_eq!(t.key(3), "corée-du-nord");
        assert_eq!(t.key(99), "");
        assert_eq!(normalize("ÉTATS-UNIS’"), "états-unis'");
        assert!(is_all_caps("ONU") && !is_all_caps("Onu") && !is_all_caps("A") && is_all_caps("G20") && !is_all_caps("2025"));
    }

    proptest! {
        #[test]
        fn tokens_are_ordered_in_bounds_and_never_hold_whitespace(
            s in "[a-zA-Zé’'«» .,!?\\-0-9\u{a0}\r\n😀\u{301}MLJ]{0,120}"
        ) {
            let toks = tokenize(&s);
            let n = s.chars().count();
            let mut last = 0;
            for t in &toks {
                prop_assert!(t.start.get() >= last && t.start < t.end && t.end.get() <= n);
                last = t.end.get();
                let text = t.text(&s);
                prop_assert_eq!(text.chars().count(), t.len_chars());
                let chars: String = s.chars().skip(t.start.get()).take(t.len_chars()).collect();
                prop_assert_eq!(chars.as_str(), text);
                if t.kind != TokenKind::Number {
                    prop_assert!(!text.chars().any(char::is_whitespace));
                }
            }
            let covered: usize = toks.iter().map(Token::len_chars).sum();
            let spaces = s.chars().filter(|c| is_space(*c)).count();
            let in_numbers: usize = toks.iter().filter(|t| t.kind == TokenKind::Number)
                .map(|t| t.text(&s).chars().filter(|c| c.is_whitespace()).count()).sum();
            prop_assert_eq!(covered + spaces - in_numbers, n);
        }
    }
}
