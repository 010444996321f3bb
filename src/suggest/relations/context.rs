//! The words around a pair of mentions, as the patterns and the scorer read
//! them.
//!
//! Owns: [`Mention`], the per-document layout ([`Layout`]: sentences, line
//! breaks and, for a whole document's pairs, its words cut once), the
//! [`Word`] (a normalized word as an id in the patterns' vocabulary, a hash
//! and a few facts, never a string) and [`PairText`], the words before the
//! first mention, between the two and after the second. Must not touch:
//! scores, labels of relations (the patterns and the scorer decide those).
//!
//! Why words are cut once: the engine reads every pair of mentions a few
//! dozen words apart, so cutting the text around each pair into strings
//! again was most of `spanlab suggest`'s time on a corpus. A [`Layout`]
//! made [`Layout::with_words`] cuts the whole text once and a pair's words
//! are slices of that; a region whose edge falls inside a word (a mention
//! that starts in the middle of `anti-Trump`) is cut on its own, as
//! [`words`] cuts it, so the words are always those of the region's text.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use super::patterns::table::{DETERMINERS, NEXT_VERB, OBJECT_ENDS, PATTERNS, PREPS, QUOTES, ROLES, Shape, TITLE_WORDS};
use crate::model::tokenize::{Token, Tokenized, normalize, sentences, tokenize};
use crate::model::{CharIdx, Text};
use crate::suggest::features::hash_str;
use crate::suggest::lexicon::FxHasher;

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

/// The id of a word that is in no pattern ([`Vocab`]).
pub const UNKNOWN: u32 = u32::MAX;

/// One normalized word, as [`words`] cuts it: lower case, apostrophes
/// straight, punctuation a word of its own. What the patterns compare is
/// its id in the [`Vocab`] (every word a pattern names has one; others are
/// [`UNKNOWN`]); what the scorer reads is its hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    /// Its id in the patterns' vocabulary, or [`UNKNOWN`].
    pub id: u32,
    /// [`hash_str`] of the word.
    pub hash: u64,
    /// Its length in bytes (UTF-8).
    pub len: u32,
    /// True when a letter or digit is in it (else it is punctuation).
    pub alnum: bool,
}

impl Word {
    /// The word `w` (already normalized and cut).
    pub fn of(w: &str) -> Self {
        Self::with_hash(w, hash_str(w))
    }

    fn with_hash(w: &str, hash: u64) -> Self {
        Self {
            id: Vocab::global().id_hashed(w, hash),
            hash,
            len: u32::try_from(w.len()).unwrap_or(u32::MAX),
            alnum: w.chars().any(char::is_alphanumeric),
        }
    }
}

/// The words the patterns name (their phrases cut by [`words`], and the
/// lists they compare words with), each with a small id: comparing two
/// words is comparing two numbers.
#[derive(Debug, Default)]
pub struct Vocab {
    words: Vec<String>,
    by_hash: HashMap<u64, u32, BuildHasherDefault<FxHasher>>,
}

impl Vocab {
    /// The vocabulary of [`super::patterns::PATTERNS`] and their lists,
    /// made once per process.
    pub fn global() -> &'static Vocab {
        static VOCAB: OnceLock<Vocab> = OnceLock::new();
        VOCAB.get_or_init(|| {
            let mut v = Vocab::default();
            for w in named_words() {
                v.intern(&w);
            }
            v
        })
    }

    fn intern(&mut self, w: &str) -> u32 {
        let hash = hash_str(w);
        if let Some(&id) = self.by_hash.get(&hash) {
            return id;
        }
        let id = u32::try_from(self.words.len()).unwrap_or(UNKNOWN);
        self.words.push(w.to_owned());
        self.by_hash.insert(hash, id);
        id
    }

    /// How many words it holds (ids are below this).
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when it holds no word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The id of `w`, or [`UNKNOWN`].
    pub fn id(&self, w: &str) -> u32 {
        self.id_hashed(w, hash_str(w))
    }

    fn id_hashed(&self, w: &str, hash: u64) -> u32 {
        match self.by_hash.get(&hash) {
            Some(&id) if self.words.get(id as usize).is_some_and(|k| k == w) => id,
            _ => UNKNOWN,
        }
    }
}

/// True for characters that make a word of their own.
fn is_separate(c: char) -> bool {
    !(c.is_alphanumeric() || c == '\'' || c == '-' || c == '’' || c == 'ʼ' || c == '.' || c.is_whitespace())
}

/// Cuts text as [`words`] does, one normalized character at a time,
/// calling `emit(word, first, end)` for each word with the code points of
/// the first character it was made of and one past the last.
struct Cutter<F: FnMut(Word, usize, usize)> {
    cur: String,
    start: usize,
    end: usize,
    emit: F,
}

impl<F: FnMut(Word, usize, usize)> Cutter<F> {
    fn flush(&mut self) {
        if self.cur.is_empty() {
            return;
        }
        let w = self.cur.trim_end_matches('.');
        let word = Word::of(if w.is_empty() { "." } else { w });
        (self.emit)(word, self.start, self.end);
        self.cur.clear();
    }

    /// One normalized character, made from the source character at `at`.
    fn push(&mut self, c: char, at: usize) {
        if c.is_whitespace() {
            self.flush();
        } else if is_separate(c) {
            self.flush();
            let mut one = [0u8; 4];
            (self.emit)(Word::of(c.encode_utf8(&mut one)), at, at + 1);
        } else {
            if self.cur.is_empty() {
                self.start = at;
            }
            self.cur.push(c);
            self.end = at + 1;
            if c == '\'' {
                self.flush();
            }
        }
    }
}

/// Cuts `s` as [`words`] does, calling `emit(word, first, end)` for each
/// word with the code points (counted from `s`'s start) of the first
/// character it was made of and one past the last.
fn scan(s: &str, emit: impl FnMut(Word, usize, usize)) {
    let mut cut = Cutter { cur: String::new(), start: 0, end: 0, emit };
    for (at, source) in s.chars().enumerate() {
        // As `normalize`, one source character at a time (lower case may
        // make several: `İ` is `i` and a combining dot).
        match source {
            '’' | 'ʼ' => cut.push('\'', at),
            '\u{2010}' | '\u{2011}' => cut.push('-', at),
            c if c.is_ascii() => cut.push(c.to_ascii_lowercase(), at),
            c => {
                for l in c.to_lowercase() {
                    cut.push(l, at);
                }
            }
        }
    }
    cut.flush();
}

/// The [`Word`]s of `s`.
pub fn word_list(s: &str) -> Vec<Word> {
    let mut out = Vec::new();
    scan(s, |w, _, _| out.push(w));
    out
}

/// A text's words cut once, each with the code points it was made of.
#[derive(Clone, Debug, Default)]
struct WordIndex {
    words: Vec<Word>,
    /// Per word, its first code point (never decreasing).
    starts: Vec<CharIdx>,
    /// Per word, one past its last code point (never decreasing).
    ends: Vec<CharIdx>,
}

impl WordIndex {
    fn push(&mut self, w: Word, start: usize, end: usize) {
        self.words.push(w);
        self.starts.push(CharIdx::new(start));
        self.ends.push(CharIdx::new(end));
    }

    fn truncate(&mut self, n: usize) {
        self.words.truncate(n);
        self.starts.truncate(n);
        self.ends.truncate(n);
    }

    /// Adds the words of `[from, until)` cut as [`scan`] cuts that text
    /// alone, the code points counted from the text's start.
    fn push_scanned(&mut self, text: &Text, from: CharIdx, until: CharIdx) {
        if let Some(s) = text.slice(from, until) {
            let base = from.get();
            scan(s, |w, start, end| self.push(w, base + start, base + end));
        }
    }

    /// [`WordIndex::push_scanned`] read from the tokenizer's keys instead of
    /// the text: the same words, or `false` (with words maybe added: the
    /// caller takes them back) where the keys cannot say them.
    ///
    /// Why they are the same: the cutter reads the text one normalized
    /// character at a time, and a token's key is its text normalized
    /// character by character ([`normalize`]); outside the tokens there is
    /// only what the tokenizer takes for space, and where that is all
    /// white space it ends the word being made as the cutter's white space
    /// does. So the cutter fed the keys, token after token, with a word
    /// ended at each gap, makes the same words. Their places are the
    /// tokens' own when each character of a token's text gives one of its
    /// key (not so for `İ`, which gives two): then the key's `k`-th
    /// character was made from the token's `k`-th. A word being made is a
    /// run of the keys of adjacent tokens, adjacent in [`Tokenized::keys`]:
    /// it is read there, not copied. Refused: a gap holding anything but
    /// white space (a zero-width space is space to the tokenizer, a word of
    /// its own to the cutter), a token whose key has more characters than
    /// its text, a token running across `from` or `until`.
    fn push_tokens(&mut self, text: &Text, doc: &Tokenized, from: CharIdx, until: CharIdx) -> bool {
        let s = text.as_str();
        let keys = doc.keys();
        let tokens = doc.tokens();
        let lo = tokens.partition_point(|t| t.start < from);
        let hi = tokens.partition_point(|t| t.start < until);
        if lo > 0 && tokens.get(lo - 1).is_some_and(|t| t.end > from) {
            return false;
        }
        let (Some(from_byte), Some(until_byte)) = (text.char_to_byte(from), text.char_to_byte(until)) else { return false };
        // About a word per token.
        let more = hi.saturating_sub(lo);
        self.words.reserve(more);
        self.starts.reserve(more);
        self.ends.reserve(more);
        let (mut gap_from, until_byte) = (from_byte.get(), until_byte.get());
        // The word being made: its first byte in `keys` and code point, and
        // one past its last.
        let mut cur: Option<(usize, usize)> = None;
        let (mut cur_end_byte, mut cur_end) = (0, 0);
        let flush = |cur: &mut Option<(usize, usize)>, end_byte: usize, end: usize, index: &mut Self| {
            if let Some((b, start)) = cur.take() {
                let w = keys.get(b..end_byte).unwrap_or("").trim_end_matches('.');
                index.push(Word::of(if w.is_empty() { "." } else { w }), start, end);
            }
        };
        let white =
            |from: usize, to: usize| s.get(from..to).is_some_and(|g| g.bytes().all(|b| b == b' ') || g.chars().all(char::is_whitespace));
        for (i, t) in tokens.iter().enumerate().take(hi).skip(lo) {
            if t.end > until {
                return false;
            }
            let gap = t.byte_start.get();
            if gap > gap_from {
                if !white(gap_from, gap) {
                    return false;
                }
                flush(&mut cur, cur_end_byte, cur_end, self);
            }
            gap_from = t.byte_end.get();
            let range = doc.key_range(i);
            let Some(key) = keys.get(range.clone()) else { return false };
            if key.bytes().all(|b| b.is_ascii_alphanumeric()) && key.len() == t.len_chars() {
                // Letters and digits only: the word being made goes on.
                if cur.is_none() {
                    cur = Some((range.start, t.start.get()));
                }
                (cur_end_byte, cur_end) = (range.end, t.end.get());
                continue;
            }
            if key.chars().count() != t.len_chars() {
                return false;
            }
            for (k, (off, c)) in key.char_indices().enumerate() {
                let (at, b) = (t.start.get() + k, range.start + off);
                if c.is_whitespace() {
                    flush(&mut cur, cur_end_byte, cur_end, self);
                } else if is_separate(c) {
                    flush(&mut cur, cur_end_byte, cur_end, self);
                    self.push(Word::of(keys.get(b..b + c.len_utf8()).unwrap_or("")), at, at + 1);
                } else {
                    if cur.is_none() {
                        cur = Some((b, at));
                    }
                    (cur_end_byte, cur_end) = (b + c.len_utf8(), at + 1);
                    if c == '\'' {
                        flush(&mut cur, cur_end_byte, cur_end, self);
                    }
                }
            }
        }
        if until_byte > gap_from && !white(gap_from, until_byte) {
            return false;
        }
        flush(&mut cur, cur_end_byte, cur_end, self);
        true
    }
}

/// Where a text's sentences start and its lines break, in code points,
/// sorted; and, made [`Layout::with_words`], its words.
#[derive(Clone, Debug)]
pub struct Layout {
    sentence_starts: Vec<CharIdx>,
    /// Every `\n` and `\r`.
    breaks: Vec<CharIdx>,
    words: Option<WordIndex>,
}

impl Layout {
    /// The sentences of `text` as the model's tokenizer cuts them, and its
    /// line breaks. The words of a region are cut when asked for (the
    /// layout of one pair).
    pub fn new(text: &Text) -> Self {
        Self::of_tokens(text, &tokenize(text.as_str()))
    }

    /// [`Layout::new`] from the text's tokens, made by [`tokenize`] (or
    /// [`crate::model::tokenize::Tokenized::new`]) from the whole text.
    pub fn of_tokens(text: &Text, tokens: &[Token]) -> Self {
        let sentence_starts = sentences(tokens).into_iter().filter_map(|r| tokens.get(r.start).map(|t| t.start)).collect();
        let breaks = text.as_str().chars().enumerate().filter(|(_, c)| matches!(c, '\n' | '\r')).map(|(i, _)| CharIdx::new(i)).collect();
        Self { sentence_starts, breaks, words: None }
    }

    /// [`Layout::new`] with every word of the text cut once (the layout of
    /// all the pairs of a document).
    pub fn with_words(text: &Text) -> Self {
        Self::with_words_of(text, &tokenize(text.as_str()))
    }

    /// [`Layout::with_words`] from the text's tokens, as [`Layout::of_tokens`].
    pub fn with_words_of(text: &Text, tokens: &[Token]) -> Self {
        let mut layout = Self::of_tokens(text, tokens);
        let mut index = WordIndex::default();
        index.push_scanned(text, CharIdx::ZERO, text.end());
        layout.words = Some(index);
        layout
    }

    /// [`Layout::with_words_of`] with only the lines a pair of `mentions`
    /// can read cut into words, read from the tokenizer's keys
    /// (`WordIndex::push_tokens`; cut from the text where they cannot say
    /// the words): a pair on two lines is no candidate, so the
    /// words of a line read are those of a line holding two mentions or
    /// more (with any line a mention runs across). A line starts after a
    /// line break and no word runs across one, so the words of a line cut
    /// alone are the whole text's, at the same positions; every region a
    /// candidate pair reads (before the first mention, between, after the
    /// second) lies in such a line. Mentions outside the text or reversed
    /// get the whole text cut.
    pub fn with_words_near(text: &Text, doc: &Tokenized, mentions: &[Mention]) -> Self {
        let tokens = doc.tokens();
        let mut layout = Self::of_tokens(text, tokens);
        let end = text.end();
        if mentions.iter().any(|m| m.start > m.end || m.end > end) {
            return Self::with_words_of(text, tokens);
        }
        // Each mention's lines, `[first line's start, last line's end)`.
        let mut lines: Vec<(CharIdx, CharIdx)> = mentions
            .iter()
            .map(|m| (layout.break_before(m.start).map_or(CharIdx::ZERO, |b| b + 1), layout.break_from(m.end).unwrap_or(end)))
            .collect();
        lines.sort_unstable();
        let mut index = WordIndex::default();
        let mut cut = |from: CharIdx, until: CharIdx| {
            let n = index.words.len();
            if !index.push_tokens(text, doc, from, until) {
                index.truncate(n);
                index.push_scanned(text, from, until);
            }
        };
        let mut group: Option<(CharIdx, CharIdx, usize)> = None;
        for (from, until) in lines {
            group = match group {
                Some((a, b, n)) if from <= b => Some((a, b.max(until), n + 1)),
                Some((a, b, n)) => {
                    if n >= 2 {
                        cut(a, b);
                    }
                    Some((from, until, 1))
                }
                None => Some((from, until, 1)),
            };
        }
        if let Some((a, b, n)) = group
            && n >= 2
        {
            cut(a, b);
        }
        layout.words = Some(index);
        layout
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

    /// The first line break at or after `at`.
    fn break_from(&self, at: CharIdx) -> Option<CharIdx> {
        self.breaks.get(self.breaks.partition_point(|&b| b < at)).copied()
    }

    /// The last line break before `at`.
    fn break_before(&self, at: CharIdx) -> Option<CharIdx> {
        self.breaks.partition_point(|&b| b < at).checked_sub(1).and_then(|i| self.breaks.get(i)).copied()
    }

    /// The words of `[a, b)` as [`words`] cuts that text; `None` when the
    /// range is not in the text.
    ///
    /// `"Le porte-parole du Sénat"`, `[3, 18)`: `porte-parole du`.
    pub fn words_in<'a>(&'a self, text: &Text, a: CharIdx, b: CharIdx) -> Option<Cow<'a, [Word]>> {
        let ix = match self.split(text, a, b)? {
            Split::Clean(words) => return Some(Cow::Borrowed(words)),
            Split::Alone(s) => return Some(Cow::Owned(word_list(s))),
            Split::Pieces(ix) => ix,
        };
        let mut out = word_list(ix.left);
        out.extend_from_slice(ix.middle);
        scan(ix.right, |w, _, _| out.push(w));
        Some(Cow::Owned(out))
    }

    /// How many words [`Layout::words_in`] gives for `[a, b)`.
    fn count_in(&self, text: &Text, a: CharIdx, b: CharIdx) -> Option<usize> {
        let count = |s: &str| {
            let mut n = 0;
            scan(s, |_, _, _| n += 1);
            n
        };
        Some(match self.split(text, a, b)? {
            Split::Clean(words) => words.len(),
            Split::Alone(s) => count(s),
            Split::Pieces(ix) => count(ix.left) + ix.middle.len() + count(ix.right),
        })
    }

    /// How the words of `[a, b)` are read: from the index when no word of
    /// it runs across `a` or `b` (then cutting the region's text alone
    /// gives the same words); else from the index between the nearest
    /// such places inside, `p` and `q`, with `[a, p)` and `[q, b)` cut
    /// alone; else all cut alone. `None` when the range is not in the
    /// text.
    ///
    /// Why the pieces are the region's words: call a place `p` free in a
    /// text when no word of its cut starts before `p` and ends after it.
    /// Cutting a text whose place `p` is free gives the words of the text
    /// before `p` cut alone, then those of the text from `p` cut alone (at
    /// `p` the word being made is empty, or the character there ends it:
    /// a space or a character that is a word of its own). Whether `p` is
    /// free depends only on the character before `p` (after a space, a
    /// character of its own or an apostrophe no word is being made) and
    /// the one at `p`, so a place free in the whole text is free in any
    /// region holding it. Hence the region's words are those of `[a, p)`,
    /// `[p, q)` and `[q, b)` each cut alone, and those of `[p, q)` are the
    /// index's words lying there (the whole text's cut split at `p` and
    /// `q`).
    fn split<'a, 't>(&'a self, text: &'t Text, a: CharIdx, b: CharIdx) -> Option<Split<'a, 't>> {
        let alone = || text.slice(a, b).map(Split::Alone);
        let Some(ix) = self.words.as_ref() else { return alone() };
        if a > b || b > text.end() {
            return alone();
        }
        // The index of the first word starting at `p` or after, when `p` is free.
        let free = |p: CharIdx| {
            let i = ix.starts.partition_point(|&s| s < p);
            (i == 0 || ix.ends.get(i - 1).is_some_and(|&e| e <= p)).then_some(i)
        };
        let (fa, fb) = (free(a), free(b));
        if let (Some(i), Some(j)) = (fa, fb) {
            return Some(Split::Clean(ix.words.get(i..j).unwrap_or(&[])));
        }
        // The first free word start from `a` on, the last free word end up
        // to `b`.
        let from = ix.starts.partition_point(|&s| s < a);
        let p = match fa {
            Some(i) => Some((a, i)),
            None => ix.starts.get(from..).unwrap_or(&[]).iter().take_while(|&&s| s <= b).find_map(|&s| free(s).map(|i| (s, i))),
        };
        let Some((p, i)) = p else { return alone() };
        let until = ix.ends.partition_point(|&e| e <= b);
        let q = match fb {
            Some(j) => Some((b, j)),
            None => ix.ends.get(..until).unwrap_or(&[]).iter().rev().take_while(|&&e| e >= p).find_map(|&e| free(e).map(|j| (e, j))),
        };
        let Some((q, j)) = q else { return alone() };
        match (text.slice(a, p), ix.words.get(i..j), text.slice(q, b)) {
            (Some(left), Some(middle), Some(right)) if i <= j => Some(Split::Pieces(Pieces { left, middle, right })),
            _ => alone(),
        }
    }
}

/// How [`Layout::split`] reads the words of a region.
enum Split<'a, 't> {
    /// The index's words (no word runs across the region's edges).
    Clean(&'a [Word]),
    /// The region's text, to be cut alone.
    Alone(&'t str),
    /// Texts to cut alone at either end, the index's words between.
    Pieces(Pieces<'a, 't>),
}

/// A region read in three pieces ([`Layout::split`]).
struct Pieces<'a, 't> {
    left: &'t str,
    middle: &'a [Word],
    right: &'t str,
}

/// The words around two mentions, the first in the text being `first`.
/// Words are lower case, apostrophes straight, punctuation a word of its
/// own: `"Lavrov, ministre de l’Intérieur"` reads `lavrov , ministre de l'
/// intérieur` (as [`Word`]s).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PairText<'a> {
    /// Up to [`CONTEXT_WORDS`] words before the first mention, in its
    /// sentence and line.
    pub before: Cow<'a, [Word]>,
    /// Every word between the mentions.
    pub between: Cow<'a, [Word]>,
    /// Up to [`CONTEXT_WORDS`] words after the second mention, in its
    /// sentence and line.
    pub after: Cow<'a, [Word]>,
    /// Sentences crossed between the two (0: same sentence).
    pub sentences_apart: usize,
    /// True when a line break lies between the two.
    pub crosses_line: bool,
    /// How many of the last words between follow the last other mention
    /// lying between (all of them when none does): a trigger before
    /// another mention belongs to that one (`[A] a rencontré [B], puis
    /// [C]`).
    pub since_last_mention: usize,
    /// When one other mention lies between, a few words before the
    /// second: the words on either side of it, for a verb that reaches
    /// past a title naming it (`[A] will meet [Y]'s foreign minister,
    /// [B]`).
    pub past_title: Option<PastTitle<'a>>,
    /// Where the words between start (the first mention's end).
    pub from: CharIdx,
    /// The entity labels of the other mentions lying between.
    pub labels_between: Vec<&'a str>,
}

/// The last `n` words of `w`.
fn last_n(w: Cow<'_, [Word]>, n: usize) -> Cow<'_, [Word]> {
    let keep = w.len().saturating_sub(n);
    match w {
        Cow::Borrowed(s) => Cow::Borrowed(s.get(keep..).unwrap_or(&[])),
        Cow::Owned(mut v) => {
            v.drain(..keep);
            Cow::Owned(v)
        }
    }
}

/// The first `n` words of `w`.
fn first_n(w: Cow<'_, [Word]>, n: usize) -> Cow<'_, [Word]> {
    match w {
        Cow::Borrowed(s) => Cow::Borrowed(s.get(..n.min(s.len())).unwrap_or(&[])),
        Cow::Owned(mut v) => {
            v.truncate(n);
            Cow::Owned(v)
        }
    }
}

/// The words on either side of the one other mention lying between the
/// two of a pair ([`PairText::past_title`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PastTitle<'a> {
    /// From the first mention to it.
    pub before: Cow<'a, [Word]>,
    /// From it to the second mention.
    pub after: Cow<'a, [Word]>,
}

/// The most words after the one mention between for [`PastTitle`]:
/// `'s deputy minister of natural resources ,` is 8.
pub const PAST_TITLE_WORDS: usize = 12;

impl<'a> PairText<'a> {
    /// The context of `first` and `second` (`first` ends before `second`
    /// starts); `None` when they overlap or fall outside the text.
    pub fn new(text: &Text, layout: &'a Layout, first: &Mention, second: &Mention) -> Option<Self> {
        if first.end > second.start || second.start > text.end() || first.start > text.end() || second.end > text.end() {
            return None;
        }
        let crosses_line = layout.break_from(first.end).is_some_and(|b| b < second.start);
        // Before: from the sentence's start or the line's, whichever is later.
        let from = layout.sentence_start(first.start);
        let from = layout.break_before(first.start).map_or(from, |b| from.max(b + 1));
        // After: to the next sentence's start or the line's end, whichever is earlier.
        let until = layout.next_sentence_start(second.start).unwrap_or(text.end()).max(second.end);
        let until = layout.break_from(second.end).map_or(until, |b| until.min(b));
        let before = last_n(layout.words_in(text, from, first.start)?, CONTEXT_WORDS);
        let after = first_n(layout.words_in(text, second.end, until)?, CONTEXT_WORDS);
        let between = layout.words_in(text, first.end, second.start)?;
        let sentences_apart = layout.sentence_of(second.start).saturating_sub(layout.sentence_of(first.start));
        let since_last_mention = between.len();
        Some(Self {
            before,
            between,
            after,
            sentences_apart,
            crosses_line,
            since_last_mention,
            past_title: None,
            from: first.end,
            labels_between: Vec::new(),
        })
    }

    /// Notes the other mentions lying between the two (of `inside`, those
    /// that end before `second` starts count).
    pub fn set_mentions_between(
        &mut self,
        text: &Text,
        layout: &'a Layout,
        inside: impl IntoIterator<Item = &'a Mention>,
        second: &Mention,
    ) {
        let mut last: Option<&Mention> = None;
        self.labels_between.clear();
        for m in inside.into_iter().filter(|m| m.end <= second.start) {
            self.labels_between.push(&m.label);
            if last.is_none_or(|l| m.end > l.end) {
                last = Some(m);
            }
        }
        if let Some(n) = last.and_then(|m| layout.count_in(text, m.end, second.start)) {
            self.since_last_mention = n.min(self.between.len());
        }
        self.past_title = match (last, self.labels_between.len()) {
            (Some(m), 1) if self.since_last_mention <= PAST_TITLE_WORDS => Some(PastTitle {
                before: layout.words_in(text, self.from, m.start).unwrap_or_default(),
                after: layout.words_in(text, m.end, second.start).unwrap_or_default(),
            }),
            _ => None,
        };
    }

    /// The words between that follow the last other mention between.
    pub fn between_since_last_mention(&self) -> &[Word] {
        self.between.get(self.between.len() - self.since_last_mention.min(self.between.len())..).unwrap_or(&[])
    }

    /// The words between the mentions that are not punctuation.
    pub fn between_word_count(&self) -> usize {
        self.between.iter().filter(|w| w.alnum).count()
    }
}

/// Splits normalized text into words: punctuation apart, an apostrophe
/// ending its word (`l'`, `d'`), a final period dropped from a word. The
/// reference [`Word`]s are made from: patterns cut their phrases with it.
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

/// Every word the patterns name: their phrases cut by [`words`], and the
/// lists they compare single words with. The [`Vocab`] gives each an id.
fn named_words() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let lists =
        [QUOTES, DETERMINERS, TITLE_WORDS, PREPS, OBJECT_ENDS, NEXT_VERB, &["-", "'s", "of", "for", "and", "et", "avant", "de", "d'"]];
    out.extend(lists.iter().flat_map(|l| l.iter()).map(|w| (*w).to_owned()));
    for role in ROLES {
        out.extend(words(role));
        out.extend(role.split(' ').map(str::to_owned));
    }
    for pat in PATTERNS {
        out.extend(pat.phrases.iter().flat_map(|ph| words(ph)));
        let (a, b): (&[&str], &[&str]) = match pat.shape {
            Shape::Between { ends, .. } => (ends, &[]),
            Shape::Before { joins, adjoins, .. } => (joins, adjoins),
            Shape::After { joins, .. } => (joins, &[]),
            Shape::Exact | Shape::Titles { .. } => (&[], &[]),
        };
        out.extend(a.iter().chain(b).map(|w| (*w).to_owned()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;
    use proptest::prelude::*;

    fn as_words(expected: &[&str]) -> Vec<Word> {
        expected.iter().map(|w| Word::of(w)).collect()
    }

    fn pair_of(markup: &str, check: impl Fn(&PairText<'_>)) {
        let (s, spans) = parse_markup(markup);
        let text = Text::new(s);
        let m: Vec<Mention> = spans.iter().map(|(a, b, l)| Mention { start: *a, end: *b, label: l.clone() }).collect();
        // A pair's own layout and a whole document's read the same words.
        for layout in [Layout::new(&text), Layout::with_words(&text)] {
            check(&PairText::new(&text, &layout, &m[0], &m[1]).expect("in order"));
        }
    }

    #[test]
    fn words_split_punctuation_and_elisions() {
        assert_eq!(
            words("Lavrov, ministre de l’Intérieur (sic)."),
            ["lavrov", ",", "ministre", "de", "l'", "intérieur", "(", "sic", ")", "."]
        );
        assert_eq!(words("s'est rendu à"), ["s'", "est", "rendu", "à"]);
        assert_eq!(words("porte-parole du"), ["porte-parole", "du"]);
        assert_eq!(word_list("Lavrov, l’Intérieur…"), as_words(&["lavrov", ",", "l'", "intérieur", "…"]));
    }

    #[test]
    fn context_stays_in_the_sentence_and_line() {
        pair_of("Hier matin. Puis le chef de [Zorblandia]{GPE}, [Ada Quill]{PER}, a parlé longtemps. Fin.", |p| {
            assert_eq!(*p.before, as_words(&["puis", "le", "chef", "de"]));
            assert_eq!(*p.between, as_words(&[","]));
            assert_eq!(*p.after, as_words(&[",", "a", "parlé", "longtemps"]));
            assert_eq!(p.sentences_apart, 0);
            assert!(!p.crosses_line);
        });
        pair_of("[Ada Quill]{PER} est partie.\nElle est à [Vornic]{GPE}.", |p| {
            assert!(p.crosses_line);
            assert_eq!(p.sentences_apart, 1);
        });
        // A mention that starts inside a word: the words before are those of
        // the text before it.
        pair_of("Un geste anti[Trump]{PER} de [Vornic]{GPE}.", |p| {
            assert_eq!(*p.before, as_words(&["un", "geste", "anti"]));
            assert_eq!(*p.between, as_words(&["de"]));
        });
    }

    #[test]
    fn pattern_words_have_ids_and_others_do_not() {
        let v = Vocab::global();
        assert!(!v.is_empty());
        assert_ne!(Word::of("rencontré").id, UNKNOWN);
        assert_eq!(Word::of("rencontré").id, v.id("rencontré"));
        assert_eq!(Word::of("zorblandia").id, UNKNOWN);
    }

    #[test]
    fn a_region_whose_edge_cuts_a_word_reads_the_index_between() {
        let text = Text::new("Il a vu Paris. Puis le chef de l’Union, M. Dupont, a dit.".to_owned());
        let layout = Layout::with_words(&text);
        // Regions starting or ending inside a word (`paris` runs over its
        // period, `m.` and `dit` too).
        for (a, b) in [(13, 49), (13, 56), (8, 41), (14, 55)] {
            let (a, b) = (CharIdx::new(a), CharIdx::new(b));
            assert!(matches!(layout.split(&text, a, b), Some(Split::Pieces(_))), "[{a:?}, {b:?})");
            let expected: Vec<Word> = words(text.slice(a, b).expect("in the text")).iter().map(|w| Word::of(w)).collect();
            assert_eq!(layout.words_in(&text, a, b).map(Cow::into_owned), Some(expected.clone()));
            assert_eq!(layout.count_in(&text, a, b), Some(expected.len()));
        }
    }

    /// The words (and their count) `layout` reads between `a` and `b` are
    /// those of the region's text `raw` cut alone; they are returned.
    fn reads_as_cut_alone(text: &Text, layout: &Layout, a: CharIdx, b: CharIdx, raw: &str) -> Result<Vec<Word>, TestCaseError> {
        let expected: Vec<Word> = words(raw).iter().map(|w| Word::of(w)).collect();
        prop_assert_eq!(layout.words_in(text, a, b).map(|w| w.into_owned()), Some(expected.clone()));
        prop_assert_eq!(layout.count_in(text, a, b), Some(expected.len()));
        Ok(expected)
    }

    proptest! {
        /// The words of a region read from a whole document's cut are those
        /// of the region's text cut alone, wherever the region's edges fall.
        #[test]
        fn words_of_a_region_match_cutting_it_alone(
            s in "[a-zA-Z0-9 \n\r.,'’ʼ\u{2010}\u{2011}«»()İéÉ😀\u{301}-]{0,40}",
            a in 0usize..45,
            b in 0usize..45,
        ) {
            let text = Text::new(s);
            let layout = Layout::with_words(&text);
            let (a, b) = (CharIdx::new(a.min(b)), CharIdx::new(a.max(b)));
            match text.slice(a, b) {
                Some(raw) => {
                    let expected = reads_as_cut_alone(&text, &layout, a, b, raw)?;
                    prop_assert_eq!(word_list(raw), expected);
                }
                None => prop_assert!(layout.words_in(&text, a, b).is_none()),
            }
        }

        /// The words read from the tokenizer's keys are those cut from the
        /// text, at the same places, for any line range; on texts of the
        /// usual characters (no `İ`, no zero-width space) the keys say them.
        #[test]
        fn words_from_the_tokens_are_the_words_cut_from_the_text(
            s in "([A-Za-zé0-9]{1,5}[.'’ʼ,;:!?()«»\"\u{2010}\u{a0}-]{0,2}[ \n\r]{0,2}){0,25}",
            odd in "[İ\u{200b}\u{301}😀\u{2011} a.]{0,3}",
            at in 0usize..200,
            from in 0usize..200,
            until in 0usize..200,
        ) {
            let usual = Text::new(s.clone());
            // The same with a few unusual characters put in.
            let cut = s.char_indices().map(|(i, _)| i).nth(at % (s.chars().count() + 1)).unwrap_or(s.len());
            let odd = Text::new(format!("{}{odd}{}", &s[..cut], &s[cut..]));
            for (text, must) in [(usual, true), (odd, false)] {
                let doc = Tokenized::new(text.as_str());
                let layout = Layout::new(&text);
                // Line starts and line ends, as the layout cuts lines.
                let n = text.end().get();
                let (a, b) = (CharIdx::new((from % (n + 1)).min(until % (n + 1))), CharIdx::new((from % (n + 1)).max(until % (n + 1))));
                let from = layout.break_before(a).map_or(CharIdx::ZERO, |x| x + 1).min(a);
                let until = layout.break_from(b).unwrap_or(text.end());
                let mut scanned = WordIndex::default();
                scanned.push_scanned(&text, from, until);
                let mut read = WordIndex::default();
                let said = read.push_tokens(&text, &doc, from, until);
                prop_assert!(said || !must, "the keys said nothing of {:?}", text.as_str());
                if said {
                    prop_assert_eq!(&read.words, &scanned.words);
                    prop_assert_eq!(&read.starts, &scanned.starts);
                    prop_assert_eq!(&read.ends, &scanned.ends);
                }
            }
        }

        /// A layout with only the lines of two mentions or more cut reads,
        /// for every pair on one line, the words the whole text's cut reads.
        /// The same on longer texts of words, periods and apostrophes (the
        /// region's edges mostly inside a word, read in pieces).
        #[test]
        fn words_of_a_region_in_pieces_match_cutting_it_alone(
            s in "([A-Za-zé]{1,4}[.'’,İ\u{301}-]{0,2}[ \n]?){0,30}",
            a in 0usize..200,
            b in 0usize..200,
        ) {
            let text = Text::new(s);
            let layout = Layout::with_words(&text);
            let n = text.end().get() + 1;
            let (a, b) = (CharIdx::new((a % n).min(b % n)), CharIdx::new((a % n).max(b % n)));
            let raw = text.slice(a, b).expect("in the text");
            reads_as_cut_alone(&text, &layout, a, b, raw)?;
        }

        #[test]
        fn lines_of_mentions_read_the_words_of_the_whole_cut(
            s in "[a-zA-Z0-9 \n\r.,'’ʼ\u{2010}«»()İé😀-]{0,60}",
            spans in proptest::collection::vec((0usize..64, 0usize..8), 0..6),
        ) {
            let text = Text::new(s);
            let doc = Tokenized::new(text.as_str());
            let tokens = doc.tokens();
            // Mentions in the text (others make the whole text cut).
            let n = text.end().get();
            let mut m: Vec<Mention> = spans.iter().map(|&(a, len)| (a % (n + 1), len)).map(|(a, len)| Mention::new(a, (a + len).min(n), "PER")).collect();
            m.sort_by_key(|x| (x.start, x.end));
            let whole = Layout::with_words_of(&text, tokens);
            let near = Layout::with_words_near(&text, &doc, &m);
            for (i, first) in m.iter().enumerate() {
                for second in m.iter().skip(i + 1) {
                    let (Some(mut a), Some(mut b)) = (PairText::new(&text, &whole, first, second), PairText::new(&text, &near, first, second)) else {
                        prop_assert_eq!(PairText::new(&text, &whole, first, second).is_none(), PairText::new(&text, &near, first, second).is_none());
                        continue;
                    };
                    prop_assert_eq!(a.crosses_line, b.crosses_line);
                    if a.crosses_line {
                        continue;
                    }
                    let inside = || m.iter().filter(|x| x.start >= first.end);
                    a.set_mentions_between(&text, &whole, inside(), second);
                    b.set_mentions_between(&text, &near, inside(), second);
                    prop_assert_eq!(&a, &b);
                }
            }
        }
    }
}
