//! Tagging a text with a trained [`Tagger`]: emission scores, one Viterbi
//! pass per sentence, a confidence per span from its margin, and the
//! guidelines' boundary rules.
//!
//! Owns: [`Tagger::tag`], [`TaggedSpan`], [`Calibration`].
//! Must not touch: the weights (it only reads the tagger), files, threads.
//!
//! Speed: type features are summed once per word type (five vectors per
//! type, one per offset −2…+2, remembered across texts by `type_sums`;
//! only the document's three flags are added per text), so a token costs
//! five vector additions, a few positional look-ups and the Viterbi step,
//! which exploits the BILOU structure and prunes exactly (`Lattice`).

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use super::Tagger;
use super::lattice::{Lattice, Scratch, spans_of};
use crate::model::CharIdx;
use crate::model::tokenize::{TokenKind, Tokenized};
use crate::suggest::features::{DocFeatures, OFFSETS, TypeFeatures, bias, document_flags, mix, pad, word_features};
use crate::suggest::lexicon::Lexicon;

thread_local! {
    /// Each tagging thread's buffers, kept from text to text.
    static BUFFERS: RefCell<Buffers> = RefCell::new(Buffers::default());
}

/// What tagging a text works in: the types' sums and the lattice's buffers.
#[derive(Default)]
struct Buffers {
    sums: Vec<f32>,
    scratch: Scratch,
}

impl Buffers {
    /// Above this many floats a buffer is let go after a text (an
    /// exceptionally long one), so a thread does not hold on to it.
    const KEEP: usize = 1 << 20;

    fn trim(&mut self) {
        let s = &mut self.scratch;
        let big = |v: usize| v > Self::KEEP;
        if big(self.sums.capacity()) || big(s.emit.capacity()) || big(s.fwd.capacity()) || big(s.bwd.capacity()) || big(s.back.capacity()) {
            *self = Self::default();
        }
    }
}

/// The sigmoid that turns a span's margin into a confidence:
/// `1 / (1 + e^-(a·√margin + b))`. The defaults were fitted by logistic
/// regression on a held-out tenth of the training corpus (a span is right
/// when its bounds and label are); there the least sure tenth of spans is
/// right about half of the time and gets about 0.4–0.6.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Slope.
    pub a: f32,
    /// Intercept.
    pub b: f32,
}

impl Default for Calibration {
    fn default() -> Self {
        Self { a: 0.385, b: -1.163 }
    }
}

impl Calibration {
    /// The confidence of a margin.
    pub fn confidence(&self, margin: f32) -> f32 {
        let x = self.a * margin.max(0.0).sqrt() + self.b;
        if !x.is_finite() {
            return if x > 0.0 { 1.0 } else { 0.0 };
        }
        1.0 / (1.0 + (-x).exp())
    }
}

/// A span found by the tagger.
#[derive(Clone, Debug, PartialEq)]
pub struct TaggedSpan {
    /// First code point.
    pub start: CharIdx,
    /// One past the last code point.
    pub end: CharIdx,
    /// First token.
    pub first_token: usize,
    /// One past the last token.
    pub end_token: usize,
    /// The label, as trained.
    pub label: String,
    /// The margin of the best tagging over any tagging that changes this
    /// span (0 when another is as good).
    pub margin: f32,
    /// The calibrated confidence in `[0, 1]`.
    pub confidence: f32,
}

impl Tagger {
    /// Emission scores of the tokens of `range` (`len × tags`) into
    /// `scratch.emit`, using per-type vectors `cache` (`types × 5 × tags`)
    /// and `pads`.
    ///
    /// The sentence's positional features are listed first, then looked up
    /// all together, then added: the look-ups (cache misses into the
    /// model's table) do not wait on one another's sums, so the processor
    /// overlaps them. Each token's sum adds the same rows in the same order
    /// as one look-up and addition at a time did.
    fn emissions(&self, f: &DocFeatures<'_>, range: &std::ops::Range<usize>, cache: &[f32], pads: &[f32], scratch: &mut Scratch) {
        let n = self.st.n;
        let Scratch { feats, ends, found, emit: out, .. } = scratch;
        feats.clear();
        ends.clear();
        for i in range.clone() {
            f.positional(i, range, false, feats);
            ends.push(feats.len());
        }
        found.clear();
        found.extend(feats.iter().map(|id| self.rows.get(id).copied().unwrap_or(u32::MAX)));
        out.clear();
        out.resize(range.len() * n, 0.0);
        let bias_row = pads.get(5 * n..6 * n).unwrap_or(&[]);
        let mut from = 0;
        for ((row, i), &end) in out.chunks_exact_mut(n).zip(range.clone()).zip(ends.iter()) {
            for &r in found.get(from..end).unwrap_or(&[]) {
                if r == u32::MAX {
                    continue;
                }
                let r = r as usize;
                if let Some(w) = self.weights.get(r * n..(r + 1) * n) {
                    for (a, &b) in row.iter_mut().zip(w) {
                        *a += f32::from(b);
                    }
                }
            }
            from = end;
            for (a, b) in row.iter_mut().zip(bias_row) {
                *a += b;
            }
            for (bit, d) in OFFSETS.iter().enumerate() {
                let j = i as isize + d;
                let v = if j < range.start as isize || j >= range.end as isize {
                    pads.get(bit * n..(bit + 1) * n)
                } else {
                    let ty = f.type_of.get(j as usize).copied().unwrap_or(0) as usize;
                    cache.get((ty * 5 + bit) * n..(ty * 5 + bit + 1) * n)
                };
                for (a, b) in row.iter_mut().zip(v.unwrap_or(&[])) {
                    *a += b;
                }
            }
        }
    }

    /// The features of a text for decoding and its types' weight sums
    /// (`types × 5 × tags`, by offset −2…+2): the types' features are not
    /// listed (`feats` is empty), their sums come from the tagger's
    /// [`TypeSums`](super::type_sums::TypeSums) or, for a type met for the
    /// first time, from its features' weights (then remembered).
    ///
    /// The sums go into `sums` (cleared first), a buffer the caller may
    /// reuse from text to text.
    fn decoding_features<'a>(&self, s: &'a str, doc: &'a Tokenized, sums: &mut Vec<f32>) -> DocFeatures<'a> {
        let n = self.st.n;
        let lex = Lexicon::get();
        sums.clear();
        let add = |feat: u64, mask: u8, out: &mut [f32]| {
            for ((v, salt), bit) in out.chunks_exact_mut(n).zip(self.salts).zip(0..) {
                if mask & (1 << bit) != 0 {
                    self.add_row(mix(feat, salt), v);
                }
            }
        };
        // The document's three flags, each looked up once per text rather
        // than once per type: the weights of each flag at the offsets it is
        // used at (its mask), added to a type's sums where the flag is on.
        // The sums are whole numbers of steps, so adding a flag's row is
        // exact and gives the sums its features' weights would.
        let flag_rows = [(true, false, false), (false, true, false), (false, false, true)].map(|(cap, lower, caps_line)| {
            let mut row = vec![0.0f32; 5 * n];
            let mut mask = 0u8;
            for (feat, m) in document_flags(cap, lower, caps_line) {
                add(feat, m, &mut row);
                mask |= m;
            }
            (mask, row)
        });
        let mut f = DocFeatures::with_type_list(s, doc, &self.gazetteer, |inputs| {
            let size = 5 * n;
            sums.resize(inputs.len() * size, 0.0);
            // The remembered types, all under one lock (their look-ups
            // overlap); then the others from their features, remembered in
            // the same order one at a time would have (a text met twice in
            // the text is summed twice, to the same sums, and kept once).
            let mut hashes = self.type_sums.copy_all(inputs.iter().map(|ty| (ty.text, ty.kind)), sums, size);
            let mut made = vec![false; inputs.len()];
            for (((ty, out), h), made) in inputs.iter().zip(sums.chunks_exact_mut(size)).zip(hashes.iter_mut()).zip(made.iter_mut()) {
                if h.is_some() {
                    continue;
                }
                let (words, gaz_word) = word_features(lex, &self.gazetteer, ty.text, ty.key, ty.kind);
                for &(feat, mask) in words.feats.iter().chain(&gaz_word) {
                    add(feat, mask, out);
                }
                *h = Some((words.key_hash, words.shape_hash));
                *made = true;
            }
            if made.contains(&true) {
                let list = inputs
                    .iter()
                    .zip(sums.chunks_exact(size))
                    .zip(&hashes)
                    .zip(&made)
                    .filter(|(_, made)| **made)
                    .filter_map(|(((ty, out), h), _)| h.map(|h| (ty.text, ty.kind, h, out)));
                self.type_sums.insert_all(list);
            }
            inputs
                .iter()
                .zip(sums.chunks_exact_mut(size))
                .zip(hashes)
                .map(|((ty, out), h)| {
                    for (on, (mask, row)) in [ty.cap_elsewhere, ty.lower_elsewhere, ty.caps_line].into_iter().zip(&flag_rows) {
                        if !on {
                            continue;
                        }
                        for ((v, w), bit) in out.chunks_exact_mut(n).zip(row.chunks_exact(n)).zip(0..) {
                            if mask & (1 << bit) != 0 {
                                for (a, &b) in v.iter_mut().zip(w) {
                                    *a += b;
                                }
                            }
                        }
                    }
                    let (key_hash, shape_hash) = h.unwrap_or_default();
                    TypeFeatures { feats: Vec::new(), key_hash, shape_hash }
                })
                .collect()
        });
        if self.hints {
            self.add_hints(s, doc, &mut f);
        }
        f
    }

    /// The padding vectors (five, by offset, then the bias).
    fn pads(&self) -> Vec<f32> {
        let n = self.st.n;
        let mut pads = vec![0.0f32; 6 * n];
        for (v, d) in pads.chunks_exact_mut(n).zip(OFFSETS) {
            self.add_row(pad(d), v);
        }
        if let Some(v) = pads.get_mut(5 * n..) {
            self.add_row(bias(), v);
        }
        pads
    }

    /// Tags a tokenized text: spans sorted by position, not overlapping,
    /// with determiners, elided articles and titles left out.
    ///
    /// Its buffers (the types' sums, the emissions and the lattice's) are
    /// the calling thread's, kept from text to text.
    pub fn tag(&self, s: &str, doc: &Tokenized) -> Vec<TaggedSpan> {
        let tagged = BUFFERS.try_with(|b| match b.try_borrow_mut() {
            Ok(mut b) => {
                let out = self.tag_with(s, doc, &mut b);
                b.trim();
                Some(out)
            }
            Err(_) => None,
        });
        match tagged {
            Ok(Some(out)) => out,
            _ => self.tag_with(s, doc, &mut Buffers::default()),
        }
    }

    /// [`Tagger::tag`] with the given buffers.
    fn tag_with(&self, s: &str, doc: &Tokenized, buffers: &mut Buffers) -> Vec<TaggedSpan> {
        let Buffers { sums: cache, scratch } = buffers;
        let f = self.decoding_features(s, doc, cache);
        let cache = &cache[..];
        let pads = self.pads();
        let mut out = Vec::new();
        let n = self.st.n;
        let lattice = Lattice::new(&self.st, &self.trans, &self.end);
        for range in &f.sentences {
            self.emissions(&f, range, cache, &pads, scratch);
            let len = range.len();
            let tags = lattice.forward(&scratch.emit, len, &mut scratch.fwd, &mut scratch.back);
            let spans = spans_of(&tags);
            if spans.is_empty() {
                continue;
            }
            lattice.backward(&scratch.emit, len, &mut scratch.bwd);
            // Max-marginals: the best score with token i tagged t.
            let marginal = |i: usize, t: usize| {
                scratch.fwd.get(i * n + t).copied().unwrap_or(f32::NEG_INFINITY)
                    + scratch.bwd.get(i * n + t).copied().unwrap_or(f32::NEG_INFINITY)
            };
            let mut best = f32::NEG_INFINITY;
            for t in 0..n {
                let m = marginal(0, t);
                if m > best {
                    best = m;
                }
            }
            for (a, b, k) in spans {
                let mut margin = f32::INFINITY;
                for i in a..b {
                    let chosen = tags.get(i).copied().unwrap_or(0) as usize;
                    let mut alt = f32::NEG_INFINITY;
                    for t in (0..n).filter(|&t| t != chosen) {
                        let m = marginal(i, t);
                        if m > alt {
                            alt = m;
                        }
                    }
                    margin = margin.min((best - alt) * self.step);
                }
                let margin = if margin.is_finite() { margin.max(0.0) } else { 0.0 };
                if let Some(span) = self.trimmed(s, doc, range.start + a, range.start + b, k, margin) {
                    out.push(span);
                }
            }
        }
        out
    }

    /// A span with the guidelines' boundary rules applied: no elided article,
    /// determiner, title or punctuation at its edges.
    fn trimmed(&self, s: &str, doc: &Tokenized, mut a: usize, mut b: usize, k: usize, margin: f32) -> Option<TaggedSpan> {
        let lex = Lexicon::get();
        let edge = |i: usize| doc.get(i).is_some_and(|t| matches!(t.kind, TokenKind::Punct | TokenKind::Quote));
        while a < b {
            let key = doc.key(a);
            let text = doc.get(a).map_or("", |t| t.text(s));
            let lower = !text.chars().next().is_some_and(char::is_uppercase);
            let single = lex.titles.get(key).map_or(&[][..], Vec::as_slice).iter().filter(|(keys, _)| keys.len() == 1);
            let (mut title, mut honorific) = (false, false);
            for (_, needs_capital) in single {
                title = true;
                // `M.`, `Mme`, `Dr` (not `Premier`, which starts names).
                honorific |= *needs_capital && key != "premier";
            }
            let elided = key.ends_with('\'') && key.chars().count() <= 2;
            if edge(a) || elided || (lower && (lex.determiners.contains(key) || title)) || (honorific && b - a > 1) {
                a += 1;
            } else {
                break;
            }
        }
        while b > a && edge(b - 1) {
            b -= 1;
        }
        let (first, last) = (doc.get(a)?, doc.get(b.checked_sub(1)?)?);
        if a >= b {
            return None;
        }
        Some(TaggedSpan {
            start: first.start,
            end: last.end,
            first_token: a,
            end_token: b,
            label: self.labels.get(k)?.clone(),
            margin,
            confidence: self.calibration.confidence(margin),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suggest::tagger::testing::corpus;

    #[test]
    fn spans_leave_out_articles_and_titles() {
        let tagger = Tagger::train(&corpus(), 1, 1);
        let s = "M. Jean Dupont et l'ONU";
        let doc = Tokenized::new(s);
        // Token 0 is "M.", token 4 "l'".
        let span = tagger.trimmed(s, &doc, 0, 3, 0, 1.0).expect("a span");
        assert_eq!((span.first_token, span.end_token), (1, 3));
        let span = tagger.trimmed(s, &doc, 4, 6, 0, 1.0).expect("a span");
        assert_eq!((span.first_token, span.end_token), (5, 6));
        assert!(tagger.trimmed(s, &doc, 4, 5, 0, 1.0).is_none());
        let s = "« le président Mme Anne Morel » et Premier League";
        let doc = Tokenized::new(s);
        let span = tagger.trimmed(s, &doc, 0, 7, 0, 1.0).expect("a span");
        assert_eq!((span.first_token, span.end_token), (4, 6), "Anne Morel");
        let span = tagger.trimmed(s, &doc, 8, 10, 0, 1.0).expect("a span");
        assert_eq!((span.first_token, span.end_token), (8, 10), "Premier League");
    }

    #[test]
    fn emissions_match_the_feature_lists() {
        // The per-type sums give the same scores as the plain lists, for a
        // type new to the tagger and for one remembered from another text
        // whose document facts differ ("Lyon" on a line in capitals, "CGT"
        // in lower case elsewhere).
        let tagger = Tagger::train(&corpus(), 2, 1);
        let first = "Le ministre Jean Dupont est à Lyon. La CGT et la CGT proteste.";
        let second = "LA CGT ET LYON\nDupont parle de la cgt. Lyon répond à Jean.";
        for s in [first, second, first, second] {
            let doc = Tokenized::new(s);
            let f = DocFeatures::new(s, &doc, &tagger.gazetteer);
            let mut cache = Vec::new();
            let fast = tagger.decoding_features(s, &doc, &mut cache);
            assert_eq!(fast.type_of, f.type_of);
            check_emissions(&tagger, &f, &fast, &cache, &tagger.pads());
        }
        assert!(tagger.type_sums.len() > 0);
    }

    #[test]
    fn learning_forgets_the_remembered_sums() {
        let mut tagger = Tagger::train(&corpus(), 2, 1);
        let s = "Le ministre Jean Dupont est à Lyon.";
        let doc = Tokenized::new(s);
        let f = DocFeatures::new(s, &doc, &tagger.gazetteer);
        let _ = tagger.tag(s, &doc);
        assert!(tagger.type_sums.len() > 0);
        let (text, gold) = crate::model::markup::parse_markup("Le ministre [Jean Dupont]{ORG} est à [Lyon]{PER}.");
        tagger.update(&crate::model::Text::from(text.as_str()), &gold);
        assert_eq!(tagger.type_sums.len(), 0);
        let mut cache = vec![1.0; 3];
        let fast = tagger.decoding_features(s, &doc, &mut cache);
        check_emissions(&tagger, &f, &fast, &cache, &tagger.pads());
    }

    /// The emissions of `fast` (decoding features and sums) are the sums of
    /// the weights of every feature of `f`.
    fn check_emissions(tagger: &Tagger, f: &DocFeatures<'_>, fast: &DocFeatures<'_>, cache: &[f32], pads: &[f32]) {
        let n = tagger.st.n;
        for range in &f.sentences {
            let mut scratch = Scratch::default();
            tagger.emissions(fast, range, cache, pads, &mut scratch);
            let emit = scratch.emit;
            for (k, i) in range.clone().enumerate() {
                let mut fs = Vec::new();
                f.all(i, range, &mut fs);
                let mut want = vec![0.0f32; n];
                for id in fs {
                    tagger.add_row(id, &mut want);
                }
                // Exactly: the sums are whole numbers of steps.
                assert_eq!(emit[k * n..(k + 1) * n], want[..], "token {i}");
            }
        }
    }
}
