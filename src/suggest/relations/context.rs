//! The words around a pair of mentions, as the patterns and the scorer read
//! them.
//!
//! Owns: [`Mention`], the per-document layout ([`Layout`]: sentences and
//! line breaks) and [`PairText`], the normalized words before the first
//! mention, between the two and after the second. Must not touch: scores,
//! labels of relations (the patterns and the scorer decide those).

use crate::model::tokenize::{Tokenized, normalize, sentences};
use crate::model::{CharIdx, Text};

/// One entity mention a relation may start or end at: an accepted span or
/// a pending suggestion, `[start, end)` in code points.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    /// First code point.
    pub start: CharIdx,
    /// One past the last code point.
    pub end: CharIdx,
    /// Entity label.
    pub label: String,
}

impl Mention {
    /// A mention of `label` over `[start, end)`.
    pub fn new(start: usize, end: usize, label: &str) -> Self {
        Self { start: CharIdx::new(start), end: CharIdx::new(end), label: label.to_owned() }
    }
}

/// How many words of context are read before the first mention and after
/// the second.
pub const CONTEXT_WORDS: usize = 6;

/// Where a text's sentences start, in code points, sorted.
#[derive(Clone, Debug)]
pub struct Layout {
    sentence_starts: Vec<CharIdx>,
}

impl Layout {
    /// The sentences of `text` as the model's tokenizer cuts them.
    pub fn new(text: &Text) -> Self {
        let doc = Tokenized::new(text.as_str());
        let tokens = doc.tokens();
        let sentence_starts = sentences(tokens).into_iter().filter_map(|r| tokens.get(r.start).map(|t| t.start)).collect();
        Self { sentence_starts }
    }

    /// The index of the sentence holding `at`.
    pub fn sentence_of(&self, at: CharIdx) -> usize {
        self.sentence_starts.partition_point(|&s| s <= at).saturating_sub(1)
    }

    /// Where the sentence holding `at` starts.
    fn sentence_start(&self, at: CharIdx) -> CharIdx {
        self.sentence_starts.get(self.sentence_of(at)).copied().unwrap_or(CharIdx::ZERO)
    }

    /// Where the sentence after the one holding `at` starts, if any.
    fn next_sentence_start(&self, at: CharIdx) -> Option<CharIdx> {
        self.sentence_starts.get(self.sentence_of(at) + 1).copied()
    }
}

/// The normalized words around two mentions, the first in the text being
/// `first`. Words are lower case, apostrophes straight, punctuation a word
/// of its own: `"Lavrov, ministre de l’Intérieur"` reads
/// `["lavrov", ",", "ministre", "de", "l'", "intérieur"]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PairText {
    /// Up to [`CONTEXT_WORDS`] words before the first mention, in its
    /// sentence and line.
    pub before: Vec<String>,
    /// Every word between the mentions.
    pub between: Vec<String>,
    /// Up to [`CONTEXT_WORDS`] words after the second mention, in its
    /// sentence and line.
    pub after: Vec<String>,
    /// Sentences crossed between the two (0: same sentence).
    pub sentences_apart: usize,
    /// True when a line break lies between the two.
    pub crosses_line: bool,
    /// How many of the last words between follow the last other mention
    /// lying between (all of them when none does): a trigger before
    /// another mention belongs to that one (`[A] a rencontré [B], puis
    /// [C]`).
    pub since_last_mention: usize,
    /// The entity labels of the other mentions lying between.
    pub labels_between: Vec<String>,
}

impl PairText {
    /// The context of `first` and `second` (`first` ends before `second`
    /// starts); `None` when they overlap or fall outside the text.
    pub fn new(text: &Text, layout: &Layout, first: &Mention, second: &Mention) -> Option<Self> {
        if first.end > second.start {
            return None;
        }
        let raw_between = text.slice(first.end, second.start)?;
        let crosses_line = raw_between.contains(['\n', '\r']);
        let from = layout.sentence_start(first.start);
        let raw_before = text.slice(from, first.start)?;
        let raw_before = raw_before.rsplit(['\n', '\r']).next().unwrap_or("");
        let until = layout.next_sentence_start(second.start).unwrap_or(text.end()).max(second.end);
        let raw_after = text.slice(second.end, until)?;
        let raw_after = raw_after.split(['\n', '\r']).next().unwrap_or("");
        let mut before = words(raw_before);
        let keep = before.len().saturating_sub(CONTEXT_WORDS);
        before.drain(..keep);
        let mut after = words(raw_after);
        after.truncate(CONTEXT_WORDS);
        let sentences_apart = layout.sentence_of(second.start).saturating_sub(layout.sentence_of(first.start));
        let between = words(raw_between);
        let since_last_mention = between.len();
        Some(Self { before, between, after, sentences_apart, crosses_line, since_last_mention, labels_between: Vec::new() })
    }

    /// Notes the other mentions lying between the two (`inside`, those
    /// that end before `second` starts count).
    pub fn set_mentions_between(&mut self, text: &Text, inside: &[Mention], second: &Mention) {
        let inside: Vec<&Mention> = inside.iter().filter(|m| m.end <= second.start).collect();
        self.labels_between = inside.iter().map(|m| m.label.clone()).collect();
        if let Some(raw) = inside.iter().map(|m| m.end).max().and_then(|end| text.slice(end, second.start)) {
            self.since_last_mention = words(raw).len().min(self.between.len());
        }
    }

    /// The words between that follow the last other mention between.
    pub fn between_since_last_mention(&self) -> &[String] {
        self.between.get(self.between.len() - self.since_last_mention.min(self.between.len())..).unwrap_or(&[])
    }

    /// The words between the mentions that are not punctuation.
    pub fn between_word_count(&self) -> usize {
        self.between.iter().filter(|w| w.chars().any(char::is_alphanumeric)).count()
    }
}

/// True for characters that make a word of their own.
fn is_separate(c: char) -> bool {
    !(c.is_alphanumeric() || c == '\'' || c == '-' || c == '’' || c == 'ʼ' || c == '.' || c.is_whitespace())
}

/// The [`words`] of a phrase written in the source (a pattern's trigger),
/// split once per process and kept: the relation engine asks for the same
/// few hundred phrases for every pair of mentions, and splitting them anew
/// was the largest part of `suggest`'s time on a corpus.
pub fn phrase_words(phrase: &'static str) -> &'static [String] {
    use std::collections::HashMap;
    use std::sync::{OnceLock, RwLock};
    static SPLIT: OnceLock<RwLock<HashMap<&'static str, &'static [String]>>> = OnceLock::new();
    let split = SPLIT.get_or_init(Default::default);
    if let Some(w) = split.read().unwrap_or_else(std::sync::PoisonError::into_inner).get(phrase) {
        return w;
    }
    let mut map = split.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    // Bounded by the phrases written in the source: each is leaked once.
    map.entry(phrase).or_insert_with(|| Vec::leak(words(phrase)))
}

/// Splits normalized text into words: punctuation apart, an apostrophe
/// ending its word (`l'`, `d'`), a final period dropped from a word.
pub fn words(s: &str) -> Vec<String> {
    let norm = normalize(s);
    let mut out = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        let w = cur.trim_end_matches('.');
        if !w.is_empty() {
            out.push(w.to_owned());
        } else if !cur.is_empty() {
            out.push(".".to_owned());
        }
        cur.clear();
    };
    for c in norm.chars() {
        if c.is_whitespace() {
            flush(&mut cur, &mut out);
        } else if is_separate(c) {
            flush(&mut cur, &mut out);
            out.push(c.to_string());
        } else if c == '\'' {
            cur.push(c);
            flush(&mut cur, &mut out);
        } else {
            cur.push(c);
        }
    }
    flush(&mut cur, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;

    fn pair(markup: &str) -> PairText {
        let (s, spans) = parse_markup(markup);
        let text = Text::new(s);
        let m: Vec<Mention> = spans.iter().map(|(a, b, l)| Mention { start: *a, end: *b, label: l.clone() }).collect();
        PairText::new(&text, &Layout::new(&text), &m[0], &m[1]).expect("in order")
    }

    #[test]
    fn words_split_punctuation_and_elisions() {
        assert_eq!(
            words("Lavrov, ministre de l’Intérieur (sic)."),
            ["lavrov", ",", "ministre", "de", "l'", "intérieur", "(", "sic", ")", "."]
        );
        assert_eq!(words("s'est rendu à"), ["s'", "est", "rendu", "à"]);
        assert_eq!(words("porte-parole du"), ["porte-parole", "du"]);
    }

    #[test]
    fn context_stays_in_the_sentence_and_line() {
        let p = pair("Hier matin. Puis le chef de [Zorblandia]{GPE}, [Ada Quill]{PER}, a parlé longtemps. Fin.");
        assert_eq!(p.before, ["puis", "le", "chef", "de"]);
        assert_eq!(p.between, [","]);
        assert_eq!(p.after, [",", "a", "parlé", "longtemps"]);
        assert_eq!(p.sentences_apart, 0);
        assert!(!p.crosses_line);
        let p = pair("[Ada Quill]{PER} est partie.\nElle est à [Vornic]{GPE}.");
        assert!(p.crosses_line);
        assert_eq!(p.sentences_apart, 1);
    }
}
