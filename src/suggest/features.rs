//! Feature extraction for the statistical tagger ([`super::tagger`]): what
//! the tagger sees of each token, as hashed feature ids.
//!
//! Owns: the feature templates, their stable 64-bit hashing
//! ([`hash_str`], [`mix`]) and [`DocFeatures`], the per-text context
//! (token types, document-level case statistics, gazetteer matches) from
//! which a token's features are read.
//! Must not touch: weights, decoding, files.
//!
//! Features come in two kinds:
//! - *type features* depend on one token's text only (and on two
//!   document-level facts about its key): lower-cased form, raw form,
//!   prefixes and suffixes 1–4, shape (`Xxxx`, `dd`, `XX`), flags from the
//!   lexicon (title, determiner, month, nationality, head nouns …) and the
//!   gazetteer's one-word label. Each is used at some relative offsets from
//!   the token being tagged (−2…+2), salted by the offset, so the tagger can
//!   add up a cached vector per word type and offset;
//! - *positional features* depend on where the token is: sentence start,
//!   line start, word bigrams, shape trigrams, multi-word gazetteer matches
//!   (label with B/I/L/U position) at −1, 0 and +1.
//!
//! Every id is `mix(template, value)`; changing a template, its offsets or
//! the hash changes [`FEATURES_VERSION`], which the model file records.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;

use super::gazetteer::Gazetteer;
use super::lexicon::{FxHasher, Lexicon};
use crate::model::tokenize::{TokenKind, Tokenized, is_all_caps, is_capitalized, is_hyphen, sentences};

/// The version of the feature templates and hashing; a model trained with
/// another version is rejected.
pub const FEATURES_VERSION: u32 = 1;

/// The name of the hash, recorded in the model header.
pub const HASH_NAME: &str = "fnv1a64-splitmix64";

/// Relative offsets a type feature can be used at, as bits: offset `d`
/// (−2…+2) is bit `d + 2`.
pub const OFFSETS: [isize; 5] = [-2, -1, 0, 1, 2];

const AT0: u8 = 0b00100;
const NEAR: u8 = 0b01110;
const ALL: u8 = 0b11111;

/// Template ids (stable: part of the model format).
mod t {
    pub const WORD: u64 = 1;
    pub const RAW: u64 = 2;
    pub const PREFIX: u64 = 100;
    pub const SUFFIX: u64 = 110;
    pub const SHAPE: u64 = 11;
    pub const SHORT_SHAPE: u64 = 12;
    pub const LENGTH: u64 = 13;
    pub const KIND: u64 = 14;
    pub const FLAG: u64 = 15;
    pub const GAZ_WORD: u64 = 16;
    pub const SUFFIX3_NEAR: u64 = 17;
    pub const BIAS: u64 = 20;
    pub const SENT_START: u64 = 21;
    pub const SENT_START_CAP: u64 = 22;
    pub const SENT_START_WORD: u64 = 23;
    pub const LINE_START: u64 = 24;
    pub const BIGRAM_LEFT: u64 = 25;
    pub const BIGRAM_RIGHT: u64 = 26;
    pub const SHAPE_TRIGRAM: u64 = 27;
    pub const GAZ: u64 = 28;
    pub const PAD: u64 = 29;
    pub const OFFSET: u64 = 30;
    pub const HINT: u64 = 31;
}

/// Flags (values of the `FLAG` template).
#[derive(Clone, Copy)]
#[repr(u64)]
enum Flag {
    Capitalized = 1,
    AllCaps,
    Hyphen,
    Digit,
    TitleWord,
    Determiner,
    Stopword,
    Demonym,
    Month,
    Weekday,
    Particle,
    OrgKeyword,
    EventKeyword,
    LocKeyword,
    GenericCap,
    Temporal,
    NameCased,
    CapElsewhere,
    LowerElsewhere,
    OnlyCapsLine,
    Portfolio,
}

/// A stable 64-bit string hash (FNV-1a, then a splitmix64 finaliser).
pub fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    finalize(h)
}

fn finalize(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Combines two hashes into a feature id.
pub fn mix(a: u64, b: u64) -> u64 {
    finalize(a.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ b.rotate_left(23) ^ 0x2545_f491_4f6c_dd1d)
}

/// The salt of relative offset `d`: `at_offset(f, d) == mix(f, offset_salt(d))`.
pub fn offset_salt(d: isize) -> u64 {
    mix(t::OFFSET, (d + 2) as u64)
}

/// The id of a type feature used at relative offset `d`.
pub fn at_offset(base: u64, d: isize) -> u64 {
    mix(base, offset_salt(d))
}

/// The id of the bias feature (every token has it).
pub fn bias() -> u64 {
    mix(t::BIAS, 0)
}

/// The id of the padding feature at offset `d` (outside the sentence).
pub fn pad(d: isize) -> u64 {
    mix(t::PAD, (d + 2) as u64)
}

/// The token's shape: `X` upper, `x` lower, `d` digit, other characters as
/// they are, runs of one class cut at four (`Xxxx`, `dddd`, `XX-dd`).
fn shape(s: &str, short: bool) -> String {
    let mut out = String::with_capacity(s.len().min(16));
    let mut last = '\0';
    let mut run = 0;
    for c in s.chars() {
        let m = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if m == last {
            run += 1;
            if short || run >= 4 {
                continue;
            }
        } else {
            run = 0;
            last = m;
        }
        out.push(m);
    }
    out
}

/// One word type's features: `(id, offsets mask)`.
#[derive(Clone, Debug, Default)]
pub struct TypeFeatures {
    /// The features, each with the offsets it is used at.
    pub feats: Vec<(u64, u8)>,
    /// The hash of the lower-cased key (for bigrams).
    pub key_hash: u64,
    /// The hash of the short shape (for shape trigrams).
    pub shape_hash: u64,
}

type U64Map<V> = HashMap<u64, V, BuildHasherDefault<FxHasher>>;
type StrMap<'a, V> = HashMap<&'a str, V, BuildHasherDefault<FxHasher>>;

/// What the tagger knows about one text: its tokens' types and features.
pub struct DocFeatures<'a> {
    s: &'a str,
    doc: &'a Tokenized,
    /// Type index of each token.
    pub type_of: Vec<u32>,
    /// The types' features.
    pub types: Vec<TypeFeatures>,
    /// Gazetteer feature value of each token (0: none).
    gaz: Vec<u64>,
    /// The sentences (token ranges).
    pub sentences: Vec<Range<usize>>,
    /// Per token, what the rule recognizers said of it ([`DocFeatures::set_hints`]);
    /// empty when not asked.
    hints: Vec<Vec<u64>>,
}

/// What a word type's features are made of: its text, the key
/// ([`Tokenized::key`]) and kind of its first token, and three facts of the
/// document (the key seen capitalised, or in lower case, away from sentence
/// starts; the type on a line written in capitals).
#[derive(Clone, Copy, Debug)]
pub struct TypeInputs<'t> {
    /// The text as written.
    pub text: &'t str,
    /// The lower-cased key.
    pub key: &'t str,
    /// The token kind.
    pub kind: TokenKind,
    /// The key is capitalised somewhere away from a sentence start.
    pub cap_elsewhere: bool,
    /// The key is in lower case somewhere away from a sentence start.
    pub lower_elsewhere: bool,
    /// The type is on a line written in capitals.
    pub caps_line: bool,
}

impl<'a> DocFeatures<'a> {
    /// Reads the features of a tokenized text.
    pub fn new(s: &'a str, doc: &'a Tokenized, gazetteer: &Gazetteer) -> Self {
        let lex = Lexicon::get();
        Self::with_types(s, doc, gazetteer, |ty| {
            type_features(lex, gazetteer, ty.text, ty.key, ty.kind, ty.cap_elsewhere, ty.lower_elsewhere, ty.caps_line)
        })
    }

    /// [`DocFeatures::new`] with each word type's features made by `make`,
    /// called once per type in order of first occurrence (the decoder gives
    /// features without their list, keeping their weights apart).
    pub fn with_types(
        s: &'a str,
        doc: &'a Tokenized,
        gazetteer: &Gazetteer,
        mut make: impl FnMut(&TypeInputs<'_>) -> TypeFeatures,
    ) -> Self {
        Self::with_type_list(s, doc, gazetteer, |inputs| inputs.iter().map(&mut make).collect())
    }

    /// [`DocFeatures::with_types`] with every word type's features made
    /// by one call of `make`, given the types in order of first occurrence
    /// (it returns their features in the same order; missing ones are
    /// empty), so that the decoder can look them all up at once.
    pub fn with_type_list(
        s: &'a str,
        doc: &'a Tokenized,
        gazetteer: &Gazetteer,
        make: impl FnOnce(&[TypeInputs<'_>]) -> Vec<TypeFeatures>,
    ) -> Self {
        let tokens = doc.tokens();
        // Lines written in capitals (headlines) say little about names.
        let mut caps_line = vec![false; tokens.len()];
        let mut starts: Vec<usize> = (0..tokens.len()).filter(|&i| i == 0 || tokens.get(i).is_some_and(|t| t.newline_before)).collect();
        starts.push(tokens.len());
        for w in starts.windows(2) {
            let &[a, b] = w else { continue };
            let line = tokens.get(a..b).unwrap_or(&[]);
            let words = line.iter().filter(|t| t.is_wordlike()).count();
            let caps = line.iter().filter(|t| t.is_wordlike() && is_all_caps(t.text(s))).count();
            if words >= 3 && caps * 2 > words {
                for c in caps_line.get_mut(a..b).unwrap_or(&mut []) {
                    *c = true;
                }
            }
        }
        // Word types: the same text (on a headline in capitals or not).
        struct Seen {
            token: usize,
            caps: bool,
            /// Away from a sentence start: capitalised, in lower case.
            upper_mid: bool,
            lower_mid: bool,
        }
        // Sized for every token at once: growing the map (rehashing every
        // type seen so far, several times per text) cost more than its look-ups.
        let mut index: HashMap<(&'a str, bool), u32, BuildHasherDefault<FxHasher>> =
            HashMap::with_capacity_and_hasher(tokens.len(), BuildHasherDefault::default());
        let mut seen: Vec<Seen> = Vec::with_capacity(tokens.len());
        let mut type_of = Vec::with_capacity(tokens.len());
        for (i, t) in tokens.iter().enumerate() {
            let text = t.text(s);
            let caps = caps_line.get(i).copied().unwrap_or(false);
            let next = seen.len() as u32;
            let id = *index.entry((text, caps)).or_insert(next);
            if id == next {
                seen.push(Seen { token: i, caps, upper_mid: false, lower_mid: false });
            }
            if !t.sentence_start
                && t.is_wordlike()
                && let Some(e) = seen.get_mut(id as usize)
            {
                if is_capitalized(text) {
                    e.upper_mid = true;
                } else if text.chars().next().is_some_and(char::is_lowercase) {
                    e.lower_mid = true;
                }
            }
            type_of.push(id);
        }
        // Document-level case facts by key: seen capitalised, or in lower
        // case, away from sentence starts.
        let mut by_key: StrMap<'_, (bool, bool)> = StrMap::with_capacity_and_hasher(seen.len(), BuildHasherDefault::default());
        for e in &seen {
            let f = by_key.entry(doc.key(e.token)).or_default();
            f.0 |= e.upper_mid;
            f.1 |= e.lower_mid;
        }
        let inputs: Vec<TypeInputs<'_>> = seen
            .iter()
            .map(|e| {
                let key = doc.key(e.token);
                let (cap_elsewhere, lower_elsewhere) = by_key.get(key).copied().unwrap_or_default();
                let (text, kind) = doc.get(e.token).map_or(("", TokenKind::Symbol), |t| (t.text(s), t.kind));
                TypeInputs { text, key, kind, cap_elsewhere, lower_elsewhere, caps_line: e.caps }
            })
            .collect();
        let mut types = make(&inputs);
        types.resize_with(inputs.len(), TypeFeatures::default);
        let mut gaz = vec![0u64; tokens.len()];
        for (start, n, e) in gazetteer.find_all(s, doc) {
            let label = hash_str(&e.label);
            for k in 0..n {
                let pos = match (n, k) {
                    (1, _) => 3,
                    (_, 0) => 0,
                    (_, k) if k + 1 == n => 2,
                    _ => 1,
                };
                if let Some(g) = gaz.get_mut(start + k) {
                    *g = mix(label, pos + 8 * (n.min(4) as u64));
                }
            }
        }
        Self { s, doc, type_of, types, gaz, sentences: sentences(tokens), hints: Vec::new() }
    }

    /// Adds what rule recognizers proposed as features (template `HINT`): for
    /// each `(first token, end token, recognizer, label)`, each of its tokens
    /// gets the recognizer, the label and its BILOU position, seen from the
    /// token itself and from its neighbours (offsets −1 and +1).
    pub fn set_hints(&mut self, hints: &[(usize, usize, &str, &str)]) {
        self.hints = vec![Vec::new(); self.type_of.len()];
        for &(a, b, recognizer, label) in hints {
            let kind = mix(hash_str(recognizer), hash_str(label));
            let n = b.saturating_sub(a);
            for k in a..b {
                let pos = match (n, k - a) {
                    (1, _) => 3,
                    (_, 0) => 0,
                    (_, j) if j + 1 == n => 2,
                    _ => 1,
                };
                if let Some(h) = self.hints.get_mut(k) {
                    h.push(mix(kind, pos));
                }
            }
        }
    }

    /// The number of tokens.
    pub fn len(&self) -> usize {
        self.type_of.len()
    }

    /// True when the text has no token.
    pub fn is_empty(&self) -> bool {
        self.type_of.is_empty()
    }

    fn type_at(&self, i: usize) -> Option<&TypeFeatures> {
        self.types.get(*self.type_of.get(i)? as usize)
    }

    /// The types of the tokens before and after token `i` within the
    /// sentence `range`.
    fn neighbours(&self, i: usize, range: &Range<usize>) -> (Option<&TypeFeatures>, Option<&TypeFeatures>) {
        let prev = (i > range.start).then(|| self.type_at(i - 1)).flatten();
        let next = (i + 1 < range.end).then(|| self.type_at(i + 1)).flatten();
        (prev, next)
    }

    /// The positional features of token `i` of the sentence `range`
    /// (type features are added separately, by offset), and the bias
    /// ([`bias`]) when `with_bias`.
    pub fn positional(&self, i: usize, range: &Range<usize>, with_bias: bool, out: &mut Vec<u64>) {
        let Some(tok) = self.doc.get(i) else { return };
        let Some(ty) = self.type_at(i) else { return };
        if with_bias {
            out.push(bias());
        }
        let first = i == range.start;
        if first {
            out.push(mix(t::SENT_START, 0));
            out.push(mix(t::SENT_START_CAP, u64::from(is_capitalized(tok.text(self.s)))));
            out.push(mix(t::SENT_START_WORD, ty.key_hash));
        }
        if tok.newline_before || i == 0 {
            out.push(mix(t::LINE_START, 0));
        }
        let (prev, next) = self.neighbours(i, range);
        let ps = prev.map_or(1, |p| p.shape_hash);
        let ns = next.map_or(2, |n| n.shape_hash);
        bigrams(ty, prev, next, out);
        out.push(mix(t::SHAPE_TRIGRAM, mix(mix(ps, ty.shape_hash), ns)));
        for d in [-1isize, 0, 1] {
            let j = i as isize + d;
            if j < range.start as isize || j >= range.end as isize {
                continue;
            }
            let g = self.gaz.get(j as usize).copied().unwrap_or(0);
            if g != 0 {
                out.push(mix(t::GAZ, mix(g, (d + 2) as u64)));
            }
            for &h in self.hints.get(j as usize).map_or(&[][..], Vec::as_slice) {
                out.push(mix(t::HINT, mix(h, (d + 2) as u64)));
            }
        }
    }

    /// The features of token `i` of the sentence `range` that name words:
    /// the words at offsets −2…+2 (lower-cased), the token as written, and
    /// its two word bigrams. Online learning moves only these, so a
    /// correction teaches about the words it saw and leaves what the model
    /// knows of shapes, affixes and lexicon flags as it was.
    pub fn lexical(&self, i: usize, range: &Range<usize>, out: &mut Vec<u64>) {
        let Some(ty) = self.type_at(i) else { return };
        let (prev, next) = self.neighbours(i, range);
        bigrams(ty, prev, next, out);
        if let Some(tok) = self.doc.get(i) {
            let text = tok.text(self.s);
            if text != self.doc.key(i) {
                out.push(at_offset(mix(t::RAW, hash_str(text)), 0));
            }
        }
        for d in OFFSETS {
            let j = i as isize + d;
            if j < range.start as isize || j >= range.end as isize {
                continue;
            }
            if let Some(ty) = self.type_at(j as usize) {
                out.push(at_offset(mix(t::WORD, ty.key_hash), d));
            }
        }
    }

    /// Every feature of token `i` of the sentence `range` (positional, and
    /// type features of the tokens at offsets −2…+2, or padding).
    pub fn all(&self, i: usize, range: &Range<usize>, out: &mut Vec<u64>) {
        self.positional(i, range, true, out);
        for (bit, d) in OFFSETS.iter().enumerate() {
            let j = i as isize + d;
            if j < range.start as isize || j >= range.end as isize {
                out.push(pad(*d));
                continue;
            }
            if let Some(ty) = self.type_at(j as usize) {
                for &(f, mask) in &ty.feats {
                    if mask & (1 << bit) != 0 {
                        out.push(at_offset(f, *d));
                    }
                }
            }
        }
    }
}

/// The word bigrams of a token of type `ty` (left and right; a missing
/// neighbour is the sentence's edge).
fn bigrams(ty: &TypeFeatures, prev: Option<&TypeFeatures>, next: Option<&TypeFeatures>, out: &mut Vec<u64>) {
    out.push(mix(t::BIGRAM_LEFT, mix(prev.map_or(1, |p| p.key_hash), ty.key_hash)));
    out.push(mix(t::BIGRAM_RIGHT, mix(ty.key_hash, next.map_or(2, |n| n.key_hash))));
}

#[allow(clippy::too_many_arguments)]
fn type_features(
    lex: &Lexicon,
    gazetteer: &Gazetteer,
    text: &str,
    key: &str,
    kind: TokenKind,
    cap_elsewhere: bool,
    lower_elsewhere: bool,
    caps_line: bool,
) -> TypeFeatures {
    let (mut ty, gaz_word) = word_features(lex, gazetteer, text, key, kind);
    ty.feats.extend(document_flags(cap_elsewhere, lower_elsewhere, caps_line));
    ty.feats.extend(gaz_word);
    ty
}

/// The features of a word type that depend on its text and kind only (a
/// type's features are these and its [`document_flags`]), in the order the
/// type's list has them, the gazetteer's one-word label (which comes after
/// the document's flags) apart.
pub fn word_features(lex: &Lexicon, gazetteer: &Gazetteer, text: &str, key: &str, kind: TokenKind) -> (TypeFeatures, Option<(u64, u8)>) {
    let mut feats: Vec<(u64, u8)> = Vec::with_capacity(40);
    let key_hash = hash_str(key);
    feats.push((mix(t::WORD, key_hash), ALL));
    if text != key {
        feats.push((mix(t::RAW, hash_str(text)), AT0));
    }
    let chars: Vec<(usize, char)> = key.char_indices().collect();
    let n = chars.len();
    for k in 1..=4usize {
        if n < k {
            break;
        }
        let cut = chars.get(k).map_or(key.len(), |c| c.0);
        let p = key.get(..cut).unwrap_or("");
        feats.push((mix(t::PREFIX + k as u64, hash_str(p)), AT0));
        let cut = chars.get(n - k).map_or(0, |c| c.0);
        let sfx = key.get(cut..).unwrap_or("");
        feats.push((mix(t::SUFFIX + k as u64, hash_str(sfx)), AT0));
        if k == 3 {
            feats.push((mix(t::SUFFIX3_NEAR, hash_str(sfx)), NEAR & !AT0));
        }
    }
    let full_shape = shape(text, false);
    let short_shape = hash_str(&shape(text, true));
    feats.push((mix(t::SHAPE, hash_str(&full_shape)), NEAR));
    feats.push((mix(t::SHORT_SHAPE, short_shape), ALL));
    feats.push((mix(t::LENGTH, n.min(12) as u64), AT0));
    feats.push((mix(t::KIND, kind as u64), NEAR));
    let mut flag = |f: Flag, on: bool, mask: u8| {
        if on {
            feats.push((mix(t::FLAG, f as u64), mask));
        }
    };
    let cap = is_capitalized(text);
    flag(Flag::Capitalized, cap, NEAR);
    flag(Flag::AllCaps, is_all_caps(text), NEAR);
    flag(Flag::Hyphen, text.contains(is_hyphen), AT0);
    flag(Flag::Digit, text.chars().any(|c| c.is_ascii_digit()), NEAR);
    flag(Flag::TitleWord, lex.title_words.contains(key), ALL);
    flag(Flag::Determiner, lex.determiners.contains(key), NEAR);
    flag(Flag::Stopword, lex.stopwords.contains(key), NEAR);
    flag(Flag::Demonym, lex.demonyms.contains(key), NEAR);
    let month = lex.months_fr.contains(key) || lex.months_en.contains(key);
    flag(Flag::Month, month, ALL);
    let weekday = lex.weekdays_fr.contains(key) || lex.weekdays_en.contains(key);
    flag(Flag::Weekday, weekday, ALL);
    flag(Flag::Particle, lex.particles.contains(key), NEAR);
    flag(Flag::OrgKeyword, lex.org_keywords.contains(key), ALL);
    flag(Flag::EventKeyword, lex.event_keywords.contains(key), ALL);
    flag(Flag::LocKeyword, lex.loc_keywords.contains(key), ALL);
    flag(Flag::GenericCap, lex.generic_caps.contains(key), NEAR);
    flag(Flag::Temporal, lex.temporal.contains(key), NEAR);
    flag(Flag::Portfolio, lex.portfolios.contains(key), NEAR);
    flag(Flag::NameCased, !cap && lex.name_cased(text, key), AT0);
    let gaz_word =
        (kind == TokenKind::Word && cap).then(|| gazetteer.lookup(text)).flatten().map(|e| (mix(t::GAZ_WORD, hash_str(&e.label)), NEAR));
    (TypeFeatures { feats, key_hash, shape_hash: short_shape }, gaz_word)
}

/// The features of a word type that come from the document
/// ([`TypeInputs`]'s three facts), each used at offset 0 only.
pub fn document_flags(cap_elsewhere: bool, lower_elsewhere: bool, caps_line: bool) -> impl Iterator<Item = (u64, u8)> {
    [(Flag::CapElsewhere, cap_elsewhere), (Flag::LowerElsewhere, lower_elsewhere), (Flag::OnlyCapsLine, caps_line)]
        .into_iter()
        .filter(|&(_, on)| on)
        .map(|(f, _)| (mix(t::FLAG, f as u64), AT0))
}

/// A map from feature ids to dense indices, for training.
pub type FeatureIndex = U64Map<u32>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(shape("Lavrov", false), "Xxxxx");
        assert_eq!(shape("Lavrov", true), "Xx");
        assert_eq!(shape("ONU", false), "XXX");
        assert_eq!(shape("2025", false), "dddd");
        assert_eq!(shape("COVID-19", false), "XXXX-dd");
        assert_eq!(shape("l’", true), "x’");
    }

    #[test]
    fn hashes_are_stable() {
        // Part of the model format: these values must never change.
        assert_eq!(hash_str(""), finalize(0xcbf2_9ce4_8422_2325));
        assert_ne!(hash_str("a"), hash_str("b"));
        assert_ne!(at_offset(7, -1), at_offset(7, 1));
        assert_eq!(mix(1, 2), mix(1, 2));
        assert_ne!(mix(1, 2), mix(2, 1));
    }

    #[test]
    fn features_of_a_sentence() {
        let s = "Le ministre Sergueï Lavrov est à Pékin. Lavrov part.";
        let doc = Tokenized::new(s);
        let g = Gazetteer::builtin();
        let f = DocFeatures::new(s, &doc, &g);
        assert_eq!(f.len(), doc.len());
        assert_eq!(f.sentences.len(), 2);
        // Both "Lavrov" share a type; "Pékin" is a gazetteer word.
        assert_eq!(f.type_of[3], f.type_of[8]);
        let pekin = &f.types[f.type_of[6] as usize];
        assert!(pekin.feats.iter().any(|(id, _)| *id == mix(t::GAZ_WORD, hash_str("GPE"))));
        let lavrov = &f.types[f.type_of[3] as usize];
        assert!(lavrov.feats.iter().any(|(id, _)| *id == mix(t::FLAG, Flag::CapElsewhere as u64)));
        let range = f.sentences[0].clone();
        let mut out = Vec::new();
        f.all(3, &range, &mut out);
        // "ministre" two to the left is a title word.
        assert!(out.contains(&at_offset(mix(t::FLAG, Flag::TitleWord as u64), -2)));
        assert!(out.contains(&bias()));
        let mut first = Vec::new();
        f.all(0, &range, &mut first);
        assert!(first.contains(&pad(-1)) && first.contains(&pad(-2)));
        assert!(first.contains(&mix(t::SENT_START, 0)));
        assert!(!out.contains(&mix(t::SENT_START, 0)));
    }

    #[test]
    fn empty_text_has_no_features() {
        let doc = Tokenized::new("");
        let f = DocFeatures::new("", &doc, &Gazetteer::new());
        assert!(f.is_empty() && f.sentences.is_empty());
    }
}
