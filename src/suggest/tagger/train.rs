//! Training ([`Tagger::train`]): averaged structured perceptron, one
//! update per sentence (sentences a gold span crosses are merged), the
//! sentences shuffled each epoch by a seeded generator, so the same input
//! gives the same bytes; averaged weights below [`TrainOptions::prune`] are
//! dropped. Continuing a model with a label it never saw leaves a fifth of
//! the features out of each step (drawn from the seed: still the same
//! bytes), so the new label's few names do not teach their words alone.
//!
//! Owns: [`Tagger::train`], [`Tagger::train_with`], [`train_from_dataset`],
//! [`TrainOptions`], [`TrainingInfo`], [`Example`]; a document's gold
//! BILOU tags and segments are `gold`'s (online learning uses them too).
//! Threads: features are extracted on scoped threads, one run of documents
//! each, all joined before learning starts; they are interned in document
//! order afterwards, so the model is the same whatever the core count.
//! Must not touch: files (the caller reads the corpus and writes the
//! bytes), the UI.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::decode::Calibration;
use super::gold::{gold_tags, segments};
use super::lattice::{Lattice, Scratch, Structure};
use super::online::OnlineOptions;
use super::{MAX_LABELS, Tagger};
use crate::model::tokenize::Tokenized;
use crate::model::{CharIdx, Dataset};
use crate::suggest::features::FeatureIndex;
use crate::suggest::lexicon::Lexicon;

/// Training parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainOptions {
    /// Passes over the training documents.
    pub epochs: usize,
    /// Seed of the document shuffle.
    pub seed: u64,
    /// Averaged weights smaller than this (in absolute value) are dropped
    /// (1.0 keeps held-out accuracy and halves the model).
    pub prune: f32,
    /// Confidence calibration: `sigmoid(a · √margin + b)`.
    pub calibration: Calibration,
    /// Defaults for online learning.
    pub online: OnlineOptions,
    /// The attribution to record for the training data; `None`: composed
    /// from the corpus's provenance.
    pub notice: Option<String>,
    /// The rule recognizers' proposals are features (`hints`).
    pub hints: bool,
    /// The names the corpus teaches are recorded in the model
    /// ([`Tagger::names`], made by [`crate::suggest::learning::train_model`]).
    pub names: bool,
}

impl TrainOptions {
    /// The options for continuing from a base on a project's documents
    /// ([`Tagger::continue_with`]): the default ones, with the rules'
    /// proposals as features and the corpus's names recorded.
    pub fn continuing() -> Self {
        Self { hints: true, names: true, ..Self::default() }
    }
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            epochs: 24,
            seed: 1,
            prune: 1.0,
            calibration: Calibration::default(),
            online: OnlineOptions::default(),
            notice: None,
            hints: false,
            names: false,
        }
    }
}

/// Where a model's training data came from (recorded in the model file;
/// required for attribution), and what it was: its languages, size and
/// digest, and the model it continued from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainingInfo {
    /// The corpus.
    pub corpus: String,
    /// Where it is published.
    pub source: String,
    /// Its version (a commit).
    pub commit: String,
    /// Its licence.
    pub licence: String,
    /// The attribution to show wherever the model is shipped.
    pub notice: String,
    /// Documents trained on.
    pub documents: usize,
    /// Epochs.
    pub epochs: usize,
    /// Shuffle seed.
    pub seed: u64,
    /// Documents trained on per language ([`language_of`]: `en`, `fr`, or
    /// `other`), sorted by language (online learning adds none: see
    /// `online`).
    pub languages: BTreeMap<String, usize>,
    /// The SHA-256 of the training documents ([`corpus_digest`]): the same
    /// texts with the same spans give the same digest.
    pub corpus_sha256: String,
    /// Code points in the training documents.
    pub characters: usize,
    /// Gold spans in the training documents.
    pub spans: usize,
    /// The model this one continued from (none: trained from scratch).
    pub base: Option<BaseModel>,
}

/// The model a model continued from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BaseModel {
    /// Its name: `builtin` for the shipped model, else the file's name.
    pub name: String,
    /// The SHA-256 of its bytes.
    pub sha256: String,
    /// Its labels.
    pub labels: Vec<String>,
}

/// The language of a text, as the model records it: `en` when it has more
/// English than French function words, `fr` when more French, `other`
/// otherwise ([`Lexicon::language`]).
pub fn language_of(text: &str) -> &'static str {
    Lexicon::get().language(&Tokenized::new(text))
}

/// The SHA-256 (hex) of training documents, in order: each text and its
/// spans sorted, with lengths, so that no two corpora share a digest by
/// concatenation.
pub fn corpus_digest(docs: &[Example]) -> String {
    let mut h = Sha256::new();
    for d in docs {
        h.update((d.text.len() as u64).to_le_bytes());
        h.update(d.text.as_bytes());
        let mut spans: Vec<&(CharIdx, CharIdx, String)> = d.spans.iter().collect();
        spans.sort();
        h.update((spans.len() as u64).to_le_bytes());
        for (a, b, l) in spans {
            h.update((a.get() as u64).to_le_bytes());
            h.update((b.get() as u64).to_le_bytes());
            h.update((l.len() as u64).to_le_bytes());
            h.update(l.as_bytes());
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// One training document: a text and its gold spans.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Example {
    /// The text.
    pub text: String,
    /// Gold spans `(start, end, label)` in code points.
    pub spans: Vec<(CharIdx, CharIdx, String)>,
}

impl Tagger {
    /// Trains a tagger on documents with [`TrainOptions::default`] but the
    /// given epochs and seed. The same input gives the same model, byte for
    /// byte.
    pub fn train(docs: &[Example], epochs: usize, seed: u64) -> Tagger {
        let options = TrainOptions { epochs, seed, ..TrainOptions::default() };
        Self::train_with(docs, &options, TrainingInfo::default(), |_, _| {})
    }

    /// Trains a tagger; `progress(done, total)` is called as documents of
    /// each epoch are done. `info` is recorded in the model (its
    /// `documents`, `epochs`, `seed`, languages and corpus digest are
    /// filled in). The labels are the spans' labels, sorted (the first
    /// [`MAX_LABELS`]; sentences with spans of other labels are left out).
    pub fn train_with(docs: &[Example], options: &TrainOptions, info: TrainingInfo, progress: impl FnMut(usize, usize)) -> Tagger {
        let mut labels: Vec<String> = docs.iter().flat_map(|d| d.spans.iter().map(|s| s.2.clone())).collect();
        labels.sort();
        labels.dedup();
        labels.truncate(MAX_LABELS);
        let mut tagger = Tagger::empty(labels, options, TrainingInfo::default());
        tagger.hints = options.hints;
        tagger.train_on(docs, options, info, false, progress)
    }

    /// Continues training `base` on more documents: its weights are the
    /// starting point, labels it does not know are added (after its own,
    /// sorted; `GPE` is its `LOC` when it has no `GPE`), and every feature
    /// may move, so the new labels and a new language get their shapes,
    /// affixes and contexts as well as their words. The same base and
    /// documents give the same bytes. `info.base` names the base.
    pub fn continue_with(
        base: &Tagger,
        docs: &[Example],
        options: &TrainOptions,
        info: TrainingInfo,
        progress: impl FnMut(usize, usize),
    ) -> Tagger {
        let mut tagger = base.clone();
        tagger.calibration = options.calibration;
        tagger.online = options.online;
        tagger.online_labels.clear();
        tagger.hints = options.hints;
        let new: Vec<String> = {
            let mut v: Vec<String> =
                docs.iter().flat_map(|d| d.spans.iter().map(|s| s.2.clone())).filter(|l| !tagger.labels.contains(l)).collect();
            v.sort();
            v.dedup();
            v
        };
        // A label the base never saw (GPE counts as its LOC) is learned from
        // a few documents: dropping a fifth of the features at each step
        // keeps the new tag classes from resting on the words of their few
        // names alone, so they also learn shapes, contexts and the rules'
        // hints (`cargo bench --bench learning`, the new label).
        let unseen = new.iter().any(|l| tagger.label_index(l).is_none());
        tagger.add_labels(&new);
        let dropout = if unseen { NEW_LABEL_DROPOUT } else { 0.0 };
        tagger.train_on_dropping(docs, options, info, true, dropout, progress)
    }

    /// The training loop, from this tagger's weights when `warm`, else
    /// from zero.
    fn train_on(
        self,
        docs: &[Example],
        options: &TrainOptions,
        info: TrainingInfo,
        warm: bool,
        progress: impl FnMut(usize, usize),
    ) -> Tagger {
        self.train_on_dropping(docs, options, info, warm, 0.0, progress)
    }

    /// [`Tagger::train_on`], each feature of each token left out of each
    /// step with probability `dropout` (drawn from the seed).
    fn train_on_dropping(
        mut self,
        docs: &[Example],
        options: &TrainOptions,
        mut info: TrainingInfo,
        warm: bool,
        dropout: f64,
        mut progress: impl FnMut(usize, usize),
    ) -> Tagger {
        info.documents = docs.len();
        info.epochs = options.epochs;
        info.seed = options.seed;
        info.corpus_sha256 = corpus_digest(docs);
        info.characters = docs.iter().map(|d| d.text.chars().count()).sum();
        info.spans = docs.iter().map(|d| d.spans.len()).sum();
        info.languages = BTreeMap::new();
        for d in docs {
            *info.languages.entry(language_of(&d.text).to_owned()).or_default() += 1;
        }
        self.info = info;
        let tagger = self;
        let mut trainer = Trainer::new(tagger.st.n);
        trainer.dropout = dropout_threshold(dropout, options.seed);
        if warm {
            trainer.warm_start(&tagger);
        }
        // Features are extracted on every core; interning them in document
        // order afterwards keeps the model identical whatever the core count.
        let extracted = extract_in_parallel(docs, &tagger);
        let mut instances = Vec::with_capacity(extracted.len());
        for raw in extracted.into_iter().flatten() {
            let feats = raw.feats.iter().map(|&id| trainer.intern(id)).collect();
            instances.push(Instance { feats, bounds: raw.bounds, gold: raw.gold });
        }
        // Documents are shuffled as wholes each epoch.
        let mut order: Vec<usize> = (0..instances.len()).collect();
        let mut rng = SplitMix(options.seed);
        let total = options.epochs * docs.len();
        let mut scratch = Scratch::default();
        let mut reported = 0;
        for epoch in 0..options.epochs {
            for i in (1..order.len()).rev() {
                let j = (rng.next() % (i as u64 + 1)) as usize;
                order.swap(i, j);
            }
            for (done, &k) in order.iter().enumerate() {
                if let Some(inst) = instances.get(k) {
                    trainer.learn(&tagger.st, inst, &mut scratch);
                }
                let now = epoch * docs.len() + (done + 1) * docs.len() / order.len().max(1);
                if now > reported {
                    reported = now;
                    progress(now, total);
                }
            }
        }
        let mut tagger = tagger;
        trainer.finish(&mut tagger, options.prune);
        tagger
    }
}

/// The share of features left out of each step when continuing with a
/// label the base never saw ([`Tagger::continue_with`]).
const NEW_LABEL_DROPOUT: f64 = 0.2;

/// Features are left out of a step when a hash of the step, the feature's
/// place and the seed falls below the threshold; `None`: none is.
fn dropout_threshold(p: f64, seed: u64) -> Option<(u64, u64)> {
    (p > 0.0).then(|| (((p.min(1.0)) * u64::MAX as f64) as u64, seed))
}

/// A deterministic random number generator (splitmix64).
pub(super) struct SplitMix(pub(super) u64);

impl SplitMix {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// One training sequence: features per token (dense ids) and gold tags.
/// A segment's features before interning: feature hashes.
struct RawInstance {
    feats: Vec<u64>,
    bounds: Vec<u32>,
    gold: Vec<u16>,
}

/// The raw instances of every document, in document order, extracted on
/// all cores.
fn extract_in_parallel(docs: &[Example], tagger: &Tagger) -> Vec<Vec<RawInstance>> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).clamp(1, docs.len().max(1));
    let chunk = docs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            docs.chunks(chunk).map(|part| scope.spawn(move || part.iter().map(|d| extract(d, tagger)).collect::<Vec<_>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

/// One document's segments with their features and gold tags.
fn extract(d: &Example, tagger: &Tagger) -> Vec<RawInstance> {
    let doc = Tokenized::new(&d.text);
    let f = tagger.features(&d.text, &doc);
    let tags = gold_tags(&doc, &d.spans, &|l| tagger.label_index(l));
    let mut out = Vec::new();
    let mut fs = Vec::new();
    for range in segments(&f, &tags) {
        let Some(gold) = tags.get(range.clone()).and_then(|g| g.iter().copied().collect::<Option<Vec<u16>>>()) else {
            continue;
        };
        let mut inst = RawInstance { feats: Vec::new(), bounds: vec![0], gold };
        for i in range.clone() {
            fs.clear();
            f.all(i, &range, &mut fs);
            inst.feats.extend_from_slice(&fs);
            inst.bounds.push(inst.feats.len() as u32);
        }
        out.push(inst);
    }
    out
}

struct Instance {
    feats: Vec<u32>,
    /// Token `i`'s features are `feats[bounds[i]..bounds[i + 1]]`.
    bounds: Vec<u32>,
    gold: Vec<u16>,
}

const NO_ROW: u32 = u32::MAX;

/// The averaged perceptron's state during training.
struct Trainer {
    n: usize,
    index: FeatureIndex,
    keys: Vec<u64>,
    row_of: Vec<u32>,
    w: Vec<f32>,
    u: Vec<f64>,
    trans: Vec<f32>,
    trans_u: Vec<f64>,
    end: Vec<f32>,
    end_u: Vec<f64>,
    /// Instances seen (the averaging clock).
    c: f64,
    /// Features are left out of a step below this threshold, with this
    /// seed ([`dropout_threshold`]).
    dropout: Option<(u64, u64)>,
}

impl Trainer {
    fn new(n: usize) -> Self {
        Self {
            n,
            index: FeatureIndex::default(),
            keys: Vec::new(),
            row_of: Vec::new(),
            w: Vec::new(),
            u: Vec::new(),
            trans: vec![0.0; (n + 1) * n],
            trans_u: vec![0.0; (n + 1) * n],
            end: vec![0.0; n],
            end_u: vec![0.0; n],
            c: 1.0,
            dropout: None,
        }
    }

    /// Starts from a tagger's weights (in the trainer's units: the
    /// tagger's times its step), its rows interned in key order.
    fn warm_start(&mut self, tagger: &Tagger) {
        let n = self.n;
        let step = tagger.step;
        let mut rows: Vec<(u64, u32)> = tagger.rows.iter().map(|(&k, &r)| (k, r)).collect();
        rows.sort_unstable();
        for (key, r) in rows {
            let r = r as usize;
            let Some(w) = tagger.weights.get(r * n..(r + 1) * n) else {
                continue;
            };
            let f = self.intern(key);
            if let Some(slot) = self.row_of.get_mut(f as usize) {
                *slot = (self.w.len() / n) as u32;
                self.w.extend(w.iter().map(|&x| f32::from(x) * step));
                self.u.resize(self.w.len(), 0.0);
            }
        }
        for (t, &x) in self.trans.iter_mut().zip(&tagger.trans) {
            *t = x * step;
        }
        for (t, &x) in self.end.iter_mut().zip(&tagger.end) {
            *t = x * step;
        }
    }

    fn intern(&mut self, id: u64) -> u32 {
        let next = self.keys.len() as u32;
        let d = *self.index.entry(id).or_insert(next);
        if d == next {
            self.keys.push(id);
            self.row_of.push(NO_ROW);
        }
        d
    }

    fn bump(&mut self, f: u32, tag: usize, by: f32) {
        let Some(slot) = self.row_of.get_mut(f as usize) else {
            return;
        };
        if *slot == NO_ROW {
            *slot = (self.w.len() / self.n) as u32;
            self.w.resize(self.w.len() + self.n, 0.0);
            self.u.resize(self.u.len() + self.n, 0.0);
        }
        let at = *slot as usize * self.n + tag;
        if let (Some(w), Some(u)) = (self.w.get_mut(at), self.u.get_mut(at)) {
            *w += by;
            *u += self.c * f64::from(by);
        }
    }

    /// One perceptron step on an instance.
    fn learn(&mut self, st: &Structure, inst: &Instance, scratch: &mut Scratch) {
        let n = self.n;
        let len = inst.gold.len();
        scratch.emit.clear();
        scratch.emit.resize(len * n, 0.0);
        let range = |i: usize| (inst.bounds.get(i).copied().unwrap_or(0) as usize, inst.bounds.get(i + 1).copied().unwrap_or(0) as usize);
        // The features this step leaves out, by their place in the instance.
        let (step, dropout) = (self.c as u64, self.dropout);
        let dropped = |k: usize| dropout.is_some_and(|(below, seed)| SplitMix(seed ^ step.rotate_left(32) ^ k as u64).next() < below);
        for (i, row) in scratch.emit.chunks_exact_mut(n).enumerate() {
            let (a, b) = range(i);
            for (k, &f) in (a..).zip(inst.feats.get(a..b).unwrap_or(&[])) {
                if dropped(k) {
                    continue;
                }
                let r = self.row_of.get(f as usize).copied().unwrap_or(NO_ROW);
                if r == NO_ROW {
                    continue;
                }
                let r = r as usize;
                if let Some(w) = self.w.get(r * n..(r + 1) * n) {
                    for (x, y) in row.iter_mut().zip(w) {
                        *x += y;
                    }
                }
            }
        }
        let lattice = Lattice::new(st, &self.trans, &self.end);
        let pred = lattice.forward(&scratch.emit, len, &mut scratch.fwd, &mut scratch.back);
        if pred != inst.gold {
            for (i, (&g, &p)) in inst.gold.iter().zip(&pred).enumerate() {
                if g != p {
                    let (a, b) = range(i);
                    for k in a..b {
                        if dropped(k) {
                            continue;
                        }
                        let Some(&f) = inst.feats.get(k) else {
                            continue;
                        };
                        self.bump(f, g as usize, 1.0);
                        self.bump(f, p as usize, -1.0);
                    }
                }
                let from = |seq: &[u16]| i.checked_sub(1).and_then(|j| seq.get(j)).map_or(n, |&t| t as usize);
                let (gp, pp) = (from(&inst.gold), from(&pred));
                if (gp, g) != (pp, p) {
                    self.bump_trans(gp * n + g as usize, 1.0);
                    self.bump_trans(pp * n + p as usize, -1.0);
                }
            }
            if let (Some(&g), Some(&p)) = (inst.gold.last(), pred.last())
                && g != p
            {
                for (t, by) in [(g, 1.0f32), (p, -1.0)] {
                    if let (Some(w), Some(u)) = (self.end.get_mut(t as usize), self.end_u.get_mut(t as usize)) {
                        *w += by;
                        *u += self.c * f64::from(by);
                    }
                }
            }
        }
        self.c += 1.0;
    }

    fn bump_trans(&mut self, at: usize, by: f32) {
        if let (Some(w), Some(u)) = (self.trans.get_mut(at), self.trans_u.get_mut(at)) {
            *w += by;
            *u += self.c * f64::from(by);
        }
    }

    /// Averages, prunes and quantises the weights into the tagger.
    fn finish(self, tagger: &mut Tagger, prune: f32) {
        let step = tagger.step;
        // Averaged, pruned, in units of the step.
        let avg = |w: f32, u: f64| -> f32 {
            let a = (f64::from(w) - u / self.c) as f32;
            if a.abs() < prune { 0.0 } else { (a / step).round().clamp(f32::from(i16::MIN), f32::from(i16::MAX)) }
        };
        tagger.trans = self.trans.iter().zip(&self.trans_u).map(|(&w, &u)| avg(w, u)).collect();
        tagger.end = self.end.iter().zip(&self.end_u).map(|(&w, &u)| avg(w, u)).collect();
        let n = self.n;
        let mut rows: Vec<(u64, u32)> = self.keys.iter().zip(&self.row_of).filter(|(_, r)| **r != NO_ROW).map(|(&k, &r)| (k, r)).collect();
        rows.sort_unstable();
        tagger.rows.clear();
        tagger.weights.clear();
        for (key, r) in rows {
            let r = r as usize;
            let (Some(w), Some(u)) = (self.w.get(r * n..(r + 1) * n), self.u.get(r * n..(r + 1) * n)) else {
                continue;
            };
            let row: Vec<i16> = w.iter().zip(u).map(|(&w, &u)| avg(w, u) as i16).collect();
            if row.iter().any(|&x| x != 0) {
                let at = tagger.weights.len() / n;
                tagger.weights.extend_from_slice(&row);
                tagger.rows.insert(key, at as u32);
            }
        }
    }
}

/// The training documents of datasets: every document but those with
/// status `skipped`, in order, with their entities as spans.
pub fn examples_from(datasets: &[Dataset]) -> Vec<Example> {
    let mut examples = Vec::new();
    for ds in datasets {
        for d in &ds.documents {
            if d.status == crate::model::Status::Skipped {
                continue;
            }
            examples.push(Example {
                text: d.text.clone(),
                spans: d
                    .entities
                    .iter()
                    .filter(|e| e.start >= 0 && e.end > e.start)
                    .map(|e| (CharIdx::new(e.start as usize), CharIdx::new(e.end as usize), e.label.clone()))
                    .collect(),
            });
        }
    }
    examples
}

/// Where datasets came from, for the model's header: the first dataset's
/// `provenance` block when it has one (`corpus`, `repository`, `commit`,
/// `license`), and the attribution to show.
pub fn info_from(datasets: &[Dataset], options: &TrainOptions) -> TrainingInfo {
    let mut info = TrainingInfo::default();
    if let Some(p) = datasets.first().and_then(|d| d.extra.get("provenance")) {
        let field = |k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
        info.corpus = field("corpus");
        info.source = field("repository");
        info.commit = field("commit");
        info.licence = field("license");
    }
    info.notice = options.notice.clone().unwrap_or_else(|| {
        if info.corpus.is_empty() {
            String::new()
        } else {
            format!("Trained on {} ({} at commit {}); licence: {}.", info.corpus, info.source, info.commit, info.licence)
        }
    });
    info
}

/// Trains a tagger on datasets (documents with status `skipped` are left
/// out; [`examples_from`], [`info_from`]). `progress(done, total)` counts
/// documents × epochs.
pub fn train_from_dataset(datasets: &[Dataset], options: TrainOptions, progress: impl FnMut(usize, usize)) -> Tagger {
    Tagger::train_with(&examples_from(datasets), &options, info_from(datasets, &options), progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Text;
    use crate::suggest::tagger::testing::{corpus, tags_of};

    #[test]
    fn learns_a_tiny_corpus() {
        // No pruning: the averaged weights of a tiny corpus are small.
        let options = TrainOptions { epochs: 8, seed: 7, prune: 0.0, ..TrainOptions::default() };
        let tagger = Tagger::train_with(&corpus(), &options, TrainingInfo::default(), |_, _| {});
        assert_eq!(tagger.labels(), ["DATE", "LOC", "ORG", "PER"]);
        let got = tags_of(&tagger, "Le ministre Claire Petit est arrivé à Nantes lundi. La CNRS proteste depuis 1999.");
        assert_eq!(
            got,
            [
                ("Claire Petit".to_string(), "PER".to_string()),
                ("Nantes".into(), "LOC".into()),
                ("CNRS".into(), "ORG".into()),
                ("1999".into(), "DATE".into()),
            ]
        );
        // New names in the same frames.
        let got = tags_of(&tagger, "Le ministre Zoé Durand est arrivé à Rodez lundi.");
        assert_eq!(got, [("Zoé Durand".to_string(), "PER".to_string()), ("Rodez".into(), "LOC".into())]);
        let doc = Tokenized::new("Le ministre Claire Petit est arrivé.");
        for sp in tagger.tag("Le ministre Claire Petit est arrivé.", &doc) {
            assert!((0.0..=1.0).contains(&sp.confidence) && sp.margin >= 0.0);
        }
    }

    #[test]
    fn only_a_label_the_base_never_saw_is_learned_with_features_left_out() {
        let options = TrainOptions { epochs: 4, seed: 3, prune: 0.0, ..TrainOptions::default() };
        let base = Tagger::train_with(&corpus(), &options, TrainingInfo::default(), |_, _| {});
        let example = |m: &str| {
            let (text, spans) = crate::model::markup::parse_markup(m);
            Example { text, spans }
        };
        let by_hand = |docs: &[Example], label: &str, dropout: f64| {
            let mut t = base.clone();
            t.add_labels(&[label.to_owned()]);
            t.train_on_dropping(docs, &options, TrainingInfo::default(), true, dropout, |_, _| {}).to_bytes()
        };
        let continued = |docs: &[Example]| Tagger::continue_with(&base, docs, &options, TrainingInfo::default(), |_, _| {}).to_bytes();
        let product = [example("Le ministre [Anne Morel]{PER} achète un [Zorblex]{PRODUCT} à [Lyon]{LOC}.")];
        assert_eq!(continued(&product), by_hand(&product, "PRODUCT", NEW_LABEL_DROPOUT), "a new label: features left out");
        assert_ne!(continued(&product), by_hand(&product, "PRODUCT", 0.0));
        assert_eq!(continued(&product), continued(&product), "drawn from the seed: the same bytes");
        let gpe = [example("Le ministre [Anne Morel]{PER} est arrivé à [Lyon]{GPE} lundi.")];
        assert_eq!(continued(&gpe), by_hand(&gpe, "GPE", 0.0), "GPE is the base's LOC: nothing left out");
        // Everything left out: the features keep the base's weights.
        let mut all_out = base.clone();
        all_out.add_labels(&["PRODUCT".to_owned()]);
        let all_out = all_out.train_on_dropping(&product, &options, TrainingInfo::default(), true, 1.0, |_, _| {});
        let old = base.st.n;
        assert!(base.rows.keys().all(|&id| all_out.row(id).and_then(|r| r.get(..old)) == base.row(id)));
    }

    #[test]
    fn training_is_deterministic_and_round_trips() {
        let a = Tagger::train(&corpus(), 3, 11).to_bytes();
        let b = Tagger::train(&corpus(), 3, 11).to_bytes();
        assert_eq!(a, b, "same input, same bytes");
        let c = Tagger::train(&corpus(), 3, 12).to_bytes();
        assert_ne!(a, c, "another seed shuffles otherwise");
        let loaded = Tagger::from_bytes(&a).expect("reads its own output");
        assert_eq!(loaded.to_bytes(), a, "load and save give the same bytes");
        let s = "Le ministre Anne Morel est arrivé à Lyon lundi.";
        let t = Tagger::from_bytes(&a).expect("reads");
        assert_eq!(tags_of(&t, s), tags_of(&Tagger::train(&corpus(), 3, 11), s));
        assert!(String::from_utf8_lossy(&a).contains("\"tag_scheme\": \"BILOU\""));
    }

    #[test]
    fn trains_from_datasets_skipping_skipped_documents() {
        let mut ds = Dataset::empty(&crate::model::Schema::news());
        ds.extra.insert("provenance".into(), serde_json::json!({"corpus": "synthetic", "license": "CC0"}));
        for (i, ex) in corpus().into_iter().take(6).enumerate() {
            let text = Text::from(ex.text.as_str());
            let entities = ex
                .spans
                .iter()
                .enumerate()
                .map(|(k, (a, b, l))| crate::model::dataset::EntityRecord::new(k + 1, &text, *a, *b, l.clone()))
                .collect();
            ds.documents.push(crate::model::dataset::DocRecord {
                id: format!("d{i}"),
                source: String::new(),
                text: ex.text,
                sha256: String::new(),
                status: if i == 0 { crate::model::Status::Skipped } else { crate::model::Status::Done },
                entities,
                relations: vec![],
                extra: Default::default(),
            });
        }
        let mut calls = 0;
        let options = TrainOptions { epochs: 2, ..TrainOptions::default() };
        let t = train_from_dataset(&[ds], options, |done, total| {
            calls += 1;
            assert!(done <= total && total == 10);
        });
        assert!(calls >= 2);
        assert_eq!(t.training_info().documents, 5);
        assert_eq!(t.training_info().corpus, "synthetic");
        assert_eq!(t.training_info().licence, "CC0");
    }
}
