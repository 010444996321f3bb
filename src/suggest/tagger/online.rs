//! Online learning ([`Tagger::update`]): plain perceptron steps on one
//! corrected document that move only the features naming words (the words
//! around a token, its bigrams: [`DocFeatures::lexical`]) and the tag
//! transitions, new features added as they come. Shapes, affixes and
//! lexicon flags keep what the training corpus taught: moving them after
//! one article changed suggestions everywhere, for better or worse at
//! random.
//!
//! Owns: [`Tagger::update`], [`Tagger::update_with`], [`OnlineOptions`].
//! Must not touch: the features that do not name words, the calibration,
//! files, threads (the caller holds the tagger's write lock).

use serde::{Deserialize, Serialize};

use super::Tagger;
use super::gold::{gold_tags, segments};
use super::lattice::{Lattice, Part, Scratch, part};
use crate::model::tokenize::Tokenized;
use crate::model::{CharIdx, Text};

/// The step for the tags of a label added online: as large as a training
/// step, since they start from nothing.
const YOUNG_RATE: f32 = 1.0;

/// How [`Tagger::update`] learns from one corrected document.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OnlineOptions {
    /// The size of a perceptron step.
    pub rate: f32,
    /// How many passes over the document.
    pub passes: u32,
}

impl Default for OnlineOptions {
    /// Small steps, one pass: chosen by simulating corrections on topics
    /// held out of the training corpus (larger steps forget more than they
    /// learn).
    fn default() -> Self {
        Self { rate: 0.05, passes: 1 }
    }
}

impl Tagger {
    /// Learns from one corrected document: perceptron steps (as many as the
    /// model's [`OnlineOptions`] say) towards the gold spans, on the
    /// features that name words and on the transitions. Spans whose
    /// label the model does not know (`GPE` counts as `LOC`) make their
    /// sentence be skipped.
    pub fn update(&mut self, text: &Text, gold: &[(CharIdx, CharIdx, String)]) {
        let opts = self.online;
        self.update_with(text, gold, opts);
    }

    /// [`Tagger::update`] with explicit settings.
    pub fn update_with(&mut self, text: &Text, gold: &[(CharIdx, CharIdx, String)], opts: OnlineOptions) {
        // The weights change: the decoder's remembered sums are stale.
        self.type_sums.clear();
        let s = text.as_str();
        let doc = Tokenized::new(s);
        // A label it does not know becomes a new tag class.
        let mut new: Vec<String> = gold.iter().map(|g| g.2.clone()).filter(|l| self.label_index(l).is_none()).collect();
        new.sort();
        new.dedup();
        if self.add_labels(&new) > 0 {
            let added: Vec<String> = new.into_iter().filter(|l| self.labels.contains(l) && !self.online_labels.contains(l)).collect();
            self.online_labels.extend(added);
        }
        // The document's language is learned from, but not counted among
        // the languages it was trained on: a few corrections do not make a
        // tagger worth hearing on a language (on English news, a French
        // tagger heard after 20 corrected articles nearly doubles the
        // effort; `cargo bench --bench learning`), a model trained on them
        // does (the project model).
        let f = self.features(s, &doc);
        let tags = gold_tags(&doc, gold, &|l| self.label_index(l));
        let segs = segments(&f, &tags);
        let n = self.st.n;
        // Tags of labels added online learn from every feature.
        let young: Vec<bool> = (0..n)
            .map(|t| match part(t) {
                Part::Out => false,
                Part::Begin(k) | Part::Inside(k) | Part::Last(k) | Part::Unit(k) => {
                    self.labels.get(k).is_some_and(|l| self.online_labels.contains(l))
                }
            })
            .collect();
        let mut scratch = Scratch::default();
        let mut feats_per_token: Vec<(Vec<u64>, Vec<u64>)> = Vec::new();
        // Steps are whole units of the weights' step, at least one.
        let units = if opts.rate > 0.0 && opts.rate.is_finite() {
            (opts.rate / self.step).round().clamp(1.0, 1024.0)
        } else {
            return;
        };
        let young_units = (YOUNG_RATE / self.step).round().max(units);
        for _ in 0..opts.passes {
            let mut changed = false;
            for range in &segs {
                let Some(gold_seg) = tags.get(range.clone()).and_then(|g| g.iter().copied().collect::<Option<Vec<u16>>>()) else {
                    continue;
                };
                feats_per_token.clear();
                scratch.emit.clear();
                scratch.emit.resize(range.len() * n, 0.0);
                for (i, row) in range.clone().zip(scratch.emit.chunks_exact_mut(n)) {
                    let mut all = Vec::new();
                    f.all(i, range, &mut all);
                    for &id in &all {
                        self.add_row(id, row);
                    }
                    // Steps move only the features that name words (and
                    // every feature of a young tag).
                    let mut lexical = Vec::new();
                    f.lexical(i, range, &mut lexical);
                    feats_per_token.push((lexical, all));
                }
                let lattice = Lattice::new(&self.st, &self.trans, &self.end);
                let pred = lattice.forward(&scratch.emit, range.len(), &mut scratch.fwd, &mut scratch.back);
                if pred == gold_seg {
                    continue;
                }
                changed = true;
                let r = units;
                for (i, (&g, &p)) in gold_seg.iter().zip(&pred).enumerate() {
                    if g != p {
                        let (lexical, all) = feats_per_token.get(i).map_or((&[][..], &[][..]), |(l, a)| (l.as_slice(), a.as_slice()));
                        for (tag, sign) in [(g as usize, 1i16), (p as usize, -1)] {
                            let is_young = young.get(tag).copied().unwrap_or(false);
                            let (ids, by) = if is_young { (all, young_units) } else { (lexical, r) };
                            for &id in ids {
                                self.bump(id, tag, sign * by as i16);
                            }
                        }
                    }
                    let from = |seq: &[u16]| i.checked_sub(1).and_then(|j| seq.get(j)).map_or(n, |&t| t as usize);
                    let (gp, pp) = (from(&gold_seg), from(&pred));
                    if (gp, g) != (pp, p) {
                        if let Some(w) = self.trans.get_mut(gp * n + g as usize) {
                            *w += r;
                        }
                        if let Some(w) = self.trans.get_mut(pp * n + p as usize) {
                            *w -= r;
                        }
                    }
                }
                if let (Some(&g), Some(&p)) = (gold_seg.last(), pred.last())
                    && g != p
                {
                    if let Some(w) = self.end.get_mut(g as usize) {
                        *w += r;
                    }
                    if let Some(w) = self.end.get_mut(p as usize) {
                        *w -= r;
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn bump(&mut self, id: u64, tag: usize, by: i16) {
        let n = self.st.n;
        let r = match self.rows.get(&id) {
            Some(&r) => r as usize,
            None => {
                let r = self.weights.len() / n;
                self.weights.resize((r + 1) * n, 0);
                self.rows.insert(id, r as u32);
                r
            }
        };
        if let Some(w) = self.weights.get_mut(r * n + tag) {
            *w = w.saturating_add(by);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;
    use crate::suggest::tagger::testing::{corpus, tags_of};

    #[test]
    fn online_update_changes_a_prediction() {
        let mut tagger = Tagger::train(&corpus(), 5, 3);
        let s = "Le ministre Claire Petit est arrivé au Zorglub lundi.";
        let before = tags_of(&tagger, s);
        assert!(!before.contains(&("Zorglub".to_string(), "ORG".to_string())), "{before:?}");
        let (text, gold) = parse_markup("Le ministre [Claire Petit]{PER} est arrivé au [Zorglub]{ORG} lundi.");
        let text = Text::from(text.as_str());
        // The default step is small: it moves the scores a little.
        let margin = |t: &Tagger| {
            let doc = Tokenized::new(s);
            t.tag(s, &doc).into_iter().find(|sp| sp.label == "LOC").map_or(0.0, |sp| sp.margin)
        };
        let mut small = tagger.clone();
        small.update(&text, &gold);
        assert!(margin(&small) < margin(&tagger));
        // Larger steps flip the prediction.
        tagger.set_online_options(OnlineOptions { rate: 1.0, passes: 3 });
        tagger.update(&text, &gold);
        let after = tags_of(&tagger, s);
        assert!(after.contains(&("Zorglub".to_string(), "ORG".to_string())), "{after:?}");
        // The change survives saving.
        let again = Tagger::from_bytes(&tagger.to_bytes()).expect("reads");
        assert!(tags_of(&again, s).contains(&("Zorglub".to_string(), "ORG".to_string())));
    }

    #[test]
    fn online_update_moves_only_the_features_naming_words() {
        let mut tagger = Tagger::train(&corpus(), 5, 3);
        tagger.set_online_options(OnlineOptions { rate: 1.0, passes: 3 });
        let (text, gold) = parse_markup("Le ministre [Claire Petit]{PER} est arrivé au [Zorglub]{ORG} lundi.");
        let s = text.as_str();
        let doc = Tokenized::new(s);
        let gaz = tagger.gazetteer.clone();
        let f = crate::suggest::features::DocFeatures::new(s, &doc, &gaz);
        let range = 0..f.len();
        let zorglub = (0..doc.len()).find(|&i| doc.get(i).is_some_and(|t| t.text(s) == "Zorglub")).expect("a token");
        let (mut all, mut words) = (Vec::new(), Vec::new());
        f.all(zorglub, &range, &mut all);
        f.lexical(zorglub, &range, &mut words);
        assert!(!words.is_empty() && words.iter().all(|w| all.contains(w)), "word features are among the token's features");
        let others: Vec<u64> = all.iter().copied().filter(|id| !words.contains(id)).collect();
        assert!(others.len() > 10, "shape, affixes, flags, bias: {}", others.len());
        let weights = |t: &Tagger, ids: &[u64]| ids.iter().map(|&id| t.row(id).map(<[i16]>::to_vec)).collect::<Vec<_>>();
        let (others_before, words_before) = (weights(&tagger, &others), weights(&tagger, &words));
        tagger.update(&Text::from(s), &gold);
        assert_eq!(weights(&tagger, &others), others_before, "features that do not name words keep their weights");
        assert_ne!(weights(&tagger, &words), words_before, "the words' features moved");
    }

    #[test]
    fn a_correction_with_a_new_label_or_language_teaches_it() {
        let mut tagger = Tagger::train(&corpus(), 5, 3);
        assert!(!tagger.labels().contains(&"PRODUCT".to_string()));
        let (text, gold) = parse_markup("The minister [Claire Petit]{PER} bought a [Zorblex]{PRODUCT} in [Lyon]{LOC} on Monday.");
        let text = Text::from(text.as_str());
        for _ in 0..3 {
            tagger.update(&text, &gold);
        }
        assert_eq!(tagger.online_labels(), ["PRODUCT"]);
        assert!(tagger.labels().contains(&"PRODUCT".to_string()));
        assert!(!tagger.knows_language("en"), "heard on English only once trained on it");
        let got = tags_of(&tagger, text.as_str());
        assert!(got.contains(&("Zorblex".to_string(), "PRODUCT".to_string())), "{got:?}");
        // The old labels keep what they knew.
        let fr = tags_of(&tagger, "Le ministre Anne Morel est arrivé à Brest lundi.");
        assert!(fr.contains(&("Anne Morel".to_string(), "PER".to_string())), "{fr:?}");
        // It survives saving.
        let again = Tagger::from_bytes(&tagger.to_bytes()).expect("reads");
        assert_eq!(again.online_labels(), ["PRODUCT"]);
        assert_eq!(tags_of(&again, text.as_str()), got);
    }
}
