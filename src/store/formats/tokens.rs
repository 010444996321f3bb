//! Tokens for the token-based formats (spaCy JSONL, `.spacy`, CoNLL): a
//! tokenizer's tokens, cut again at every entity boundary, with the text's
//! whitespace laid out the way spaCy does it.
//!
//! Owns: the guarantee that every entity starts at a token's start and ends
//! at a token's end, and that the tokens rebuild the text exactly:
//! `text == tokens.map(|t| t.text + if t.ws { " " } else { "" }).concat()`.
//! A single space after a word is that word's `ws`; any other whitespace
//! (line breaks, runs of spaces, tabs, no-break spaces) is a token of its
//! own, as in spaCy.
//!
//! `"à  Paris"` with an entity on `Paris`: `à` (ws), ` ` (space token), `Paris`.

use std::collections::BTreeSet;

use super::BaseToken;
use crate::model::{CharIdx, Text};

/// One token of a segmented text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok {
    /// First code point.
    pub start: usize,
    /// One past the last code point (the trailing space not included).
    pub end: usize,
    /// Followed by one space that belongs to it (spaCy's `whitespace_`).
    pub ws: bool,
    /// Made only of whitespace.
    pub is_space: bool,
    /// First token of a sentence (never a whitespace token).
    pub sentence_start: bool,
}

/// Segments a text: `base` are the tokenizer's tokens, `bounds` the entity
/// boundaries as `(start, end)` code-point pairs.
pub fn segment(text: &Text, base: &[BaseToken], bounds: &[(usize, usize)]) -> Vec<Tok> {
    let chars: Vec<char> = text.as_str().chars().collect();
    let len = chars.len();
    let mut cuts: BTreeSet<usize> = BTreeSet::new();
    cuts.insert(0);
    cuts.insert(len);
    let mut sentence_starts: BTreeSet<usize> = BTreeSet::new();
    for t in base {
        cuts.insert(t.start.get().min(len));
        cuts.insert(t.end.get().min(len));
        if t.sentence_start {
            sentence_starts.insert(t.start.get());
        }
    }
    let starts: BTreeSet<usize> = bounds.iter().map(|b| b.0).collect();
    let ends: BTreeSet<usize> = bounds.iter().map(|b| b.1).collect();
    cuts.extend(starts.iter().copied().filter(|&s| s <= len));
    cuts.extend(ends.iter().copied().filter(|&e| e <= len));
    for i in 1..len {
        if chars[i - 1].is_whitespace() != chars[i].is_whitespace() {
            cuts.insert(i);
        }
    }
    let cuts: Vec<usize> = cuts.into_iter().collect();
    let mut out: Vec<Tok> = Vec::new();
    let mut first_word = true;
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a >= b {
            continue;
        }
        if !chars[a].is_whitespace() {
            out.push(Tok { start: a, end: b, ws: false, is_space: false, sentence_start: first_word || sentence_starts.contains(&a) });
            first_word = false;
            continue;
        }
        let attach = chars[a] == ' '
            && !starts.contains(&a)
            && !ends.contains(&(a + 1))
            && out.last().is_some_and(|t| !t.is_space && !t.ws && t.end == a);
        let from = if attach {
            if let Some(t) = out.last_mut() {
                t.ws = true;
            }
            a + 1
        } else {
            a
        };
        if from < b {
            out.push(Tok { start: from, end: b, ws: false, is_space: true, sentence_start: false });
        }
    }
    out
}

/// The token index starting at each code point and ending at each code
/// point, for turning entity offsets into token indices.
pub struct Index {
    by_start: std::collections::BTreeMap<usize, usize>,
    by_end: std::collections::BTreeMap<usize, usize>,
}

impl Index {
    pub fn new(tokens: &[Tok]) -> Self {
        Self {
            by_start: tokens.iter().enumerate().map(|(i, t)| (t.start, i)).collect(),
            by_end: tokens.iter().enumerate().map(|(i, t)| (t.end, i)).collect(),
        }
    }

    /// The first and last token of `[start, end)`, when both are token boundaries.
    pub fn span(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        Some((*self.by_start.get(&start)?, *self.by_end.get(&end)?))
    }
}

/// The text of a token.
pub fn tok_text<'a>(text: &'a Text, t: &Tok) -> &'a str {
    text.slice(CharIdx::new(t.start), CharIdx::new(t.end)).unwrap_or("")
}

/// A tokenizer for tests: words and single punctuation marks, a sentence
/// starting after `.`, `!`, `?` or a line break.
#[cfg(test)]
pub(crate) fn test_tokenizer(s: &str) -> Vec<BaseToken> {
    let mut out: Vec<BaseToken> = Vec::new();
    let mut start: Option<usize> = None;
    let mut next_starts = true;
    let push = |out: &mut Vec<BaseToken>, a: usize, b: usize, next_starts: &mut bool| {
        out.push(BaseToken { start: CharIdx::new(a), end: CharIdx::new(b), sentence_start: *next_starts });
        *next_starts = false;
    };
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() || c.is_ascii_punctuation() {
            if let Some(a) = start.take() {
                push(&mut out, a, i, &mut next_starts);
            }
            if c.is_ascii_punctuation() {
                push(&mut out, i, i + 1, &mut next_starts);
                next_starts = matches!(c, '.' | '!' | '?');
            }
            if c == '\n' {
                next_starts = true;
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(a) = start {
        push(&mut out, a, chars.len(), &mut next_starts);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base_words(s: &str) -> Vec<BaseToken> {
        // Whitespace-separated words, the first of each line a sentence start.
        let mut out = Vec::new();
        let mut start = None;
        let mut line_start = true;
        for (i, c) in s.chars().enumerate() {
            if c.is_whitespace() {
                if let Some(st) = start.take() {
                    out.push(BaseToken { start: CharIdx::new(st), end: CharIdx::new(i), sentence_start: line_start });
                    line_start = false;
                }
                if c == '\n' {
                    line_start = true;
                }
            } else if start.is_none() {
                start = Some(i);
            }
        }
        if let Some(st) = start {
            out.push(BaseToken { start: CharIdx::new(st), end: CharIdx::new(s.chars().count()), sentence_start: line_start });
        }
        out
    }

    fn rebuild(text: &Text, toks: &[Tok]) -> String {
        toks.iter().map(|t| format!("{}{}", tok_text(text, t), if t.ws { " " } else { "" })).collect()
    }

    #[test]
    fn single_spaces_attach_and_other_whitespace_are_tokens() {
        let s = "à  Paris\r\nle 3 mai ";
        let text = Text::from(s);
        let toks = segment(&text, &base_words(s), &[]);
        let shown: Vec<(&str, bool)> = toks.iter().map(|t| (tok_text(&text, t), t.ws)).collect();
        assert_eq!(
            shown,
            vec![("à", true), (" ", false), ("Paris", false), ("\r\n", false), ("le", true), ("3", true), ("mai", true)],
            "spaCy's layout"
        );
        assert_eq!(rebuild(&text, &toks), s);
        assert!(toks[4].sentence_start, "a new line starts a sentence");
    }

    #[test]
    fn entity_boundaries_cut_tokens_and_keep_spaces_of_their_own() {
        let s = "l'ONU a dit";
        let text = Text::from(s);
        // The tokenizer keeps "l'ONU" whole; the entity is "ONU" and the
        // second one includes a space on its left.
        let toks = segment(&text, &base_words(s), &[(2, 5), (5, 7)]);
        let idx = Index::new(&toks);
        assert_eq!(toks.iter().map(|t| tok_text(&text, t)).collect::<Vec<_>>(), vec!["l'", "ONU", " ", "a", "dit"]);
        assert_eq!(idx.span(2, 5), Some((1, 1)));
        assert_eq!(idx.span(5, 7), Some((2, 3)));
        assert_eq!(rebuild(&text, &toks), s);
    }

    #[test]
    fn emoji_and_no_break_spaces() {
        let s = "😀\u{a0}Zoé 🇫🇷";
        let text = Text::from(s);
        let toks = segment(&text, &base_words(s), &[(2, 5)]);
        assert_eq!(rebuild(&text, &toks), s);
        assert!(toks.iter().any(|t| t.is_space && tok_text(&text, t) == "\u{a0}"), "a no-break space is a token");
        assert_eq!(Index::new(&toks).span(2, 5), Some((2, 2)));
    }
}
