//! A statistical named-entity tagger: an averaged structured perceptron
//! over the tokenizer's tokens, with BILOU tags and Viterbi decoding.
//!
//! Owns: [`Tagger`] (weights, decoding, confidence, online updates, the
//! binary model format), its training ([`Tagger::train`],
//! [`train_from_dataset`], [`TrainOptions`]), [`TaggerError`] and the
//! [`TaggerRecognizer`] (recognizer name `"tagger"`).
//! Must not touch: files (models come in and go out as bytes), threads, the
//! UI. Features are read by [`super::features`].
//!
//! How it tags: each token gets a score per tag (`O`, and `B`/`I`/`L`/`U`
//! per label), the sum of the weights of its features; a first-order
//! Viterbi pass with learned transitions picks the best valid tag sequence
//! per sentence. A span's confidence comes from its *margin*: how much
//! worse the best sequence is that tags any of its tokens otherwise
//! (max-marginals from a backward pass), through a sigmoid
//! `1 / (1 + e^-(a·√margin + b))` whose `a` and `b` the model stores.
//!
//! Speed: type features are summed once per word type and text (a cache of
//! five vectors per type, one per offset −2…+2), so a token costs five
//! vector additions, a few positional look-ups and the Viterbi step, which
//! exploits the BILOU structure and prunes exactly (`Lattice`). Weights
//! are kept as 16-bit multiples of the model's step (1/64), so scores are
//! sums of integers until the margin is scaled back.
//!
//! Training ([`Tagger::train`]): averaged structured perceptron, one
//! update per sentence (sentences a gold span crosses are merged), the
//! sentences shuffled each epoch by a seeded generator, so the same input
//! gives the same bytes; averaged weights below [`TrainOptions::prune`] are
//! dropped. Online learning ([`Tagger::update`]): plain perceptron steps
//! on one corrected document that move only the features naming words
//! (the words around a token, its bigrams: [`DocFeatures::lexical`]) and
//! the tag transitions, new features added as they come. Shapes, affixes
//! and lexicon flags keep what the training corpus taught: moving them
//! after one article changed suggestions everywhere, for better or worse
//! at random.
//!
//! The model format (all integers little-endian):
//! `SPANLAB-NER\n`, `u32` format version, `u32` header length, the header
//! (JSON: labels, tag scheme, feature and hash version, weight step,
//! confidence calibration, online-learning defaults, training corpus and its
//! attribution), then the body: transition and end weights, the row count
//! and each row (feature id as a delta from the previous one, a bit mask of
//! the tags with a non-zero weight, those weights), every number an
//! unsigned or zigzag LEB128 varint of the weight divided by the step; then
//! the SHA-256 of everything before it.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::{Arc, PoisonError, RwLock};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::features::{DocFeatures, FEATURES_VERSION, FeatureIndex, HASH_NAME, OFFSETS, bias, mix, offset_salt, pad};
use super::gazetteer::Gazetteer;
use super::lexicon::{FxHasher, Lexicon};
use super::{Candidate, Feedback, Recognizer};
use crate::model::tokenize::{TokenKind, Tokenized};
use crate::model::{CharIdx, Dataset, RecognizerName, Text};

/// The first bytes of a model file.
pub const MAGIC: &[u8; 12] = b"SPANLAB-NER\n";
/// The model format version this module reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// The `format` field of the header.
const FORMAT_NAME: &str = "spanlab-ner-tagger";
/// The tag scheme.
const TAG_SCHEME: &str = "BILOU";
/// At most this many labels (tags must fit a 64-bit mask).
pub const MAX_LABELS: usize = 15;
/// Weights are stored as multiples of this (a power of two, so that
/// loading and saving again gives the same bytes).
const DEFAULT_STEP: f32 = 1.0 / 64.0;

type U64Map<V> = HashMap<u64, V, BuildHasherDefault<FxHasher>>;

/// Why a model could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TaggerError {
    /// The bytes do not start like a model file.
    #[error("not a spanlab tagger model (the file does not start with {MAGIC:?})")]
    BadMagic,
    /// Another format version.
    #[error("tagger model format version {0} is not supported (this reads version {FORMAT_VERSION})")]
    UnsupportedVersion(u32),
    /// The file ends early.
    #[error("tagger model is truncated: {0}")]
    Truncated(&'static str),
    /// The checksum does not match.
    #[error("tagger model is corrupt: its SHA-256 checksum does not match its contents")]
    Checksum,
    /// The header is not valid.
    #[error("tagger model header is invalid: {0}")]
    Header(String),
    /// The weights are not valid.
    #[error("tagger model data is invalid at byte {at}: {what}")]
    Data {
        /// Byte offset in the file.
        at: usize,
        /// What is wrong.
        what: &'static str,
    },
}

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
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self { epochs: 24, seed: 1, prune: 1.0, calibration: Calibration::default(), online: OnlineOptions::default(), notice: None }
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

/// Where a model's training data came from (recorded in the model file;
/// required for attribution).
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
}

/// One training document: a text and its gold spans.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Example {
    /// The text.
    pub text: String,
    /// Gold spans `(start, end, label)` in code points.
    pub spans: Vec<(CharIdx, CharIdx, String)>,
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

/// Tag layout: 0 is `O`; label `k` has `B` = 1 + 4k, `I`, `L`, `U`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Out,
    Begin(usize),
    Inside(usize),
    Last(usize),
    Unit(usize),
}

fn part(tag: usize) -> Part {
    if tag == 0 {
        return Part::Out;
    }
    let k = (tag - 1) / 4;
    match (tag - 1) % 4 {
        0 => Part::Begin(k),
        1 => Part::Inside(k),
        2 => Part::Last(k),
        _ => Part::Unit(k),
    }
}

fn tag_of(p: Part) -> usize {
    match p {
        Part::Out => 0,
        Part::Begin(k) => 1 + 4 * k,
        Part::Inside(k) => 2 + 4 * k,
        Part::Last(k) => 3 + 4 * k,
        Part::Unit(k) => 4 + 4 * k,
    }
}

/// The structure of a tag set: the number of tags.
#[derive(Clone, Debug)]
struct Structure {
    n: usize,
    labels: usize,
}

impl Structure {
    fn new(labels: usize) -> Self {
        Self { n: 1 + 4 * labels, labels }
    }
}

/// Reusable buffers for decoding.
#[derive(Default)]
struct Scratch {
    emit: Vec<f32>,
    fwd: Vec<f32>,
    back: Vec<u8>,
    bwd: Vec<f32>,
    feats: Vec<u64>,
}

/// The transition weights laid out for a fast Viterbi over BILOU tags.
///
/// Tags split in two groups: after `O`, `L-x` or `U-x` (the *closed* tags,
/// `P`) come `O`, `B-y` or `U-y` (the *opening* tags, `C`), any label; after
/// `B-x` or `I-x` come only `I-x` or `L-x`. So a step is a dense `P × C`
/// max-plus product plus two choices per label.
struct Lattice {
    n: usize,
    /// The closed tags.
    p_tags: Vec<usize>,
    /// The opening tags.
    c_tags: Vec<usize>,
    /// `|P| × |C|` transition weights.
    pc: Vec<f32>,
    /// From the start to each opening tag.
    start_c: Vec<f32>,
    /// From each closed tag to the end.
    end_p: Vec<f32>,
    /// Per label: B→I, B→L, I→I, I→L.
    inner: Vec<[f32; 4]>,
    /// The largest minus the smallest of `pc`: a closed tag whose score is
    /// further than this below the best cannot win any opening tag.
    spread: f32,
}

impl Lattice {
    /// `trans` is `(tags + 1) × tags` (the last row from the start).
    fn new(st: &Structure, trans: &[f32], end: &[f32]) -> Self {
        let n = st.n;
        let labels = st.labels;
        let w = |from: usize, to: usize| trans.get(from * n + to).copied().unwrap_or(0.0);
        let mut p_tags = vec![0];
        let mut c_tags = vec![0];
        for k in 0..labels {
            p_tags.push(tag_of(Part::Last(k)));
            p_tags.push(tag_of(Part::Unit(k)));
            c_tags.push(tag_of(Part::Begin(k)));
            c_tags.push(tag_of(Part::Unit(k)));
        }
        let mut pc = Vec::with_capacity(p_tags.len() * c_tags.len());
        for &p in &p_tags {
            pc.extend(c_tags.iter().map(|&c| w(p, c)));
        }
        let inner = (0..labels)
            .map(|k| {
                let (b, i, l) = (tag_of(Part::Begin(k)), tag_of(Part::Inside(k)), tag_of(Part::Last(k)));
                [w(b, i), w(b, l), w(i, i), w(i, l)]
            })
            .collect();
        let (lo, hi) = pc.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        let spread = if hi >= lo { hi - lo } else { 0.0 };
        Self {
            n,
            spread,
            start_c: c_tags.iter().map(|&c| w(n, c)).collect(),
            end_p: p_tags.iter().map(|&p| end.get(p).copied().unwrap_or(0.0)).collect(),
            p_tags,
            c_tags,
            pc,
            inner,
        }
    }

    /// Viterbi over `len` tokens with emissions `emit` (`len × tags`):
    /// the best tags; `fwd` holds the best score of a prefix ending in each
    /// tag.
    fn forward(&self, emit: &[f32], len: usize, fwd: &mut Vec<f32>, back: &mut Vec<u8>) -> Vec<u16> {
        let n = self.n;
        let neg = f32::NEG_INFINITY;
        fwd.clear();
        fwd.resize(len * n, neg);
        back.clear();
        back.resize(len * n, 0);
        if len == 0 {
            return Vec::new();
        }
        let nc = self.c_tags.len();
        let mut gp = vec![neg; self.p_tags.len()];
        let mut best = vec![neg; nc];
        let mut arg = vec![0u32; nc];
        for ((&c, &w), _) in self.c_tags.iter().zip(&self.start_c).zip(0..) {
            if let (Some(f), Some(e)) = (fwd.get_mut(c), emit.get(c)) {
                *f = w + e;
            }
        }
        for i in 1..len {
            let (done, rest) = fwd.split_at_mut(i * n);
            let prev = done.get((i - 1) * n..).unwrap_or(&[]);
            let row = rest.get_mut(..n).unwrap_or(&mut []);
            let erow = emit.get(i * n..(i + 1) * n).unwrap_or(&[]);
            let brow = back.get_mut(i * n..(i + 1) * n).unwrap_or(&mut []);
            for (g, &p) in gp.iter_mut().zip(&self.p_tags) {
                *g = prev.get(p).copied().unwrap_or(neg);
            }
            best.fill(neg);
            arg.fill(0);
            // Exact pruning: a closed tag this far below the best loses
            // everywhere.
            let floor = top(&gp) - self.spread;
            for ((pi, &v), ws) in gp.iter().enumerate().zip(self.pc.chunks_exact(nc)) {
                if v < floor || v == neg {
                    continue;
                }
                let pi = pi as u32;
                for ((b, a), &w) in best.iter_mut().zip(arg.iter_mut()).zip(ws) {
                    let x = v + w;
                    let better = x > *b;
                    *b = if better { x } else { *b };
                    *a = if better { pi } else { *a };
                }
            }
            for ((&c, &b), &a) in self.c_tags.iter().zip(&best).zip(&arg) {
                if let (Some(cell), Some(e), Some(bk)) = (row.get_mut(c), erow.get(c), brow.get_mut(c)) {
                    *cell = b + e;
                    *bk = self.p_tags.get(a as usize).copied().unwrap_or(0) as u8;
                }
            }
            for (k, &[b_i, b_l, i_i, i_l]) in self.inner.iter().enumerate() {
                let (b, it, l) = (1 + 4 * k, 2 + 4 * k, 3 + 4 * k);
                let fb = prev.get(b).copied().unwrap_or(neg);
                let fi = prev.get(it).copied().unwrap_or(neg);
                for (to, wb, wi) in [(it, b_i, i_i), (l, b_l, i_l)] {
                    let (x, y) = (fb + wb, fi + wi);
                    let (v, from) = if x >= y { (x, b) } else { (y, it) };
                    if let (Some(cell), Some(e), Some(bk)) = (row.get_mut(to), erow.get(to), brow.get_mut(to)) {
                        *cell = v + e;
                        *bk = from as u8;
                    }
                }
            }
        }
        let last = fwd.get((len - 1) * n..).unwrap_or(&[]);
        let mut top = neg;
        let mut cur = 0usize;
        for (&p, &w) in self.p_tags.iter().zip(&self.end_p) {
            let v = last.get(p).copied().unwrap_or(neg) + w;
            if v > top {
                top = v;
                cur = p;
            }
        }
        let mut tags = vec![0u16; len];
        for i in (0..len).rev() {
            if let Some(slot) = tags.get_mut(i) {
                *slot = cur as u16;
            }
            cur = back.get(i * n + cur).copied().unwrap_or(0) as usize;
        }
        tags
    }

    /// The best score of a suffix after each tag at each token (including
    /// the end transition), for max-marginals.
    fn backward(&self, emit: &[f32], len: usize, bwd: &mut Vec<f32>) {
        let n = self.n;
        let neg = f32::NEG_INFINITY;
        bwd.clear();
        bwd.resize(len * n, neg);
        if len == 0 {
            return;
        }
        for (&p, &w) in self.p_tags.iter().zip(&self.end_p) {
            if let Some(b) = bwd.get_mut((len - 1) * n + p) {
                *b = w;
            }
        }
        let nc = self.c_tags.len();
        let mut gc = vec![neg; nc];
        let mut live: Vec<usize> = Vec::with_capacity(nc);
        for i in (0..len - 1).rev() {
            let (head, tail) = bwd.split_at_mut((i + 1) * n);
            let next = tail.get(..n).unwrap_or(&[]);
            let row = head.get_mut(i * n..).unwrap_or(&mut []);
            let enext = emit.get((i + 1) * n..(i + 2) * n).unwrap_or(&[]);
            let g = |t: usize| enext.get(t).copied().unwrap_or(neg) + next.get(t).copied().unwrap_or(neg);
            for (x, &c) in gc.iter_mut().zip(&self.c_tags) {
                *x = g(c);
            }
            // Exact pruning: an opening tag this far below the best is never
            // the best continuation.
            let floor = top(&gc) - self.spread;
            live.clear();
            live.extend((0..nc).filter(|&c| gc.get(c).is_some_and(|&x| x >= floor && x != neg)));
            for (&p, ws) in self.p_tags.iter().zip(self.pc.chunks_exact(nc)) {
                let mut v = neg;
                for &c in &live {
                    let x = ws.get(c).copied().unwrap_or(neg) + gc.get(c).copied().unwrap_or(neg);
                    if x > v {
                        v = x;
                    }
                }
                if let Some(cell) = row.get_mut(p) {
                    *cell = v;
                }
            }
            for (k, &[b_i, b_l, i_i, i_l]) in self.inner.iter().enumerate() {
                let (b, it, l) = (1 + 4 * k, 2 + 4 * k, 3 + 4 * k);
                let (gi, gl) = (g(it), g(l));
                if let Some(cell) = row.get_mut(b) {
                    *cell = (b_i + gi).max(b_l + gl);
                }
                if let Some(cell) = row.get_mut(it) {
                    *cell = (i_i + gi).max(i_l + gl);
                }
            }
        }
    }
}

/// The largest value (negative infinity for none); NaN never occurs.
fn top(xs: &[f32]) -> f32 {
    let mut m = f32::NEG_INFINITY;
    for &x in xs {
        if x > m {
            m = x;
        }
    }
    m
}

/// Spans `(first token, end token, label index)` of a valid tag sequence.
fn spans_of(tags: &[u16]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, &t) in tags.iter().enumerate() {
        match part(t as usize) {
            Part::Unit(k) => {
                out.push((i, i + 1, k));
                open = None;
            }
            Part::Begin(k) => open = Some((i, k)),
            Part::Inside(_) => {}
            Part::Last(k) => {
                if let Some((s, ok)) = open.take()
                    && ok == k
                {
                    out.push((s, i + 1, k));
                }
            }
            Part::Out => open = None,
        }
    }
    out
}

/// Gold tags per token (`None`: a token of a span whose label the tag set
/// does not know), from code-point spans; a span keeps the tokens that lie
/// inside it.
fn gold_tags(doc: &Tokenized, spans: &[(CharIdx, CharIdx, String)], label_index: &dyn Fn(&str) -> Option<usize>) -> Vec<Option<u16>> {
    let tokens = doc.tokens();
    let mut tags: Vec<Option<u16>> = vec![Some(0); tokens.len()];
    let mut taken = vec![false; tokens.len()];
    let mut sorted: Vec<&(CharIdx, CharIdx, String)> = spans.iter().collect();
    sorted.sort_by_key(|(s, e, _)| (*s, std::cmp::Reverse(*e)));
    for (s, e, label) in sorted {
        let first = tokens.partition_point(|t| t.start < *s);
        let mut end = first;
        while tokens.get(end).is_some_and(|t| t.end <= *e) {
            end += 1;
        }
        if end == first || (first..end).any(|i| taken.get(i).copied().unwrap_or(true)) {
            continue;
        }
        for i in first..end {
            if let Some(t) = taken.get_mut(i) {
                *t = true;
            }
        }
        let k = label_index(label);
        for i in first..end {
            let tag = k.map(|k| {
                let p = match (end - first, i - first) {
                    (1, _) => Part::Unit(k),
                    (_, 0) => Part::Begin(k),
                    (n, j) if j + 1 == n => Part::Last(k),
                    _ => Part::Inside(k),
                };
                tag_of(p) as u16
            });
            if let Some(slot) = tags.get_mut(i) {
                *slot = tag;
            }
        }
    }
    tags
}

/// Sentence ranges, merged where a gold span crosses a sentence start.
fn segments(f: &DocFeatures<'_>, gold: &[Option<u16>]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for r in &f.sentences {
        let continues = gold.get(r.start).copied().flatten().is_some_and(|t| matches!(part(t as usize), Part::Inside(_) | Part::Last(_)));
        match out.last_mut() {
            Some(last) if continues && last.end == r.start => last.end = r.end,
            _ => out.push(r.clone()),
        }
    }
    out
}

/// The named-entity tagger.
#[derive(Clone, Debug)]
pub struct Tagger {
    labels: Vec<String>,
    st: Structure,
    rows: U64Map<u32>,
    /// Feature weights, in units of `step`, `tags` per row.
    weights: Vec<i16>,
    /// `(tags + 1) × tags`: from each tag (and, last, from the start), in
    /// units of `step`.
    trans: Vec<f32>,
    /// To the end of a sentence, in units of `step`.
    end: Vec<f32>,
    step: f32,
    calibration: Calibration,
    online: OnlineOptions,
    info: TrainingInfo,
    gazetteer: Arc<Gazetteer>,
    salts: [u64; 5],
}

/// The header of a model file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    version: u32,
    labels: Vec<String>,
    tag_scheme: String,
    features: FeatureHeader,
    weights: WeightHeader,
    confidence: Calibration,
    online: OnlineOptions,
    training: TrainingInfo,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeatureHeader {
    version: u32,
    hash: String,
    offsets: Vec<isize>,
    gazetteer: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeightHeader {
    step: f32,
    encoding: String,
    rows: usize,
}

impl Tagger {
    fn empty(labels: Vec<String>, options: &TrainOptions, info: TrainingInfo) -> Self {
        let st = Structure::new(labels.len());
        let n = st.n;
        Self {
            labels,
            st,
            rows: U64Map::default(),
            weights: Vec::new(),
            trans: vec![0.0; (n + 1) * n],
            end: vec![0.0; n],
            step: DEFAULT_STEP,
            calibration: options.calibration,
            online: options.online,
            info,
            gazetteer: Gazetteer::builtin(),
            salts: salts(),
        }
    }

    /// The labels, as trained.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Where the training data came from.
    pub fn training_info(&self) -> &TrainingInfo {
        &self.info
    }

    /// The number of feature rows.
    pub fn feature_count(&self) -> usize {
        self.rows.len()
    }

    /// The confidence calibration.
    pub fn calibration(&self) -> Calibration {
        self.calibration
    }

    /// Sets the confidence calibration.
    pub fn set_calibration(&mut self, c: Calibration) {
        self.calibration = c;
    }

    /// The online-learning settings.
    pub fn online_options(&self) -> OnlineOptions {
        self.online
    }

    /// Sets the online-learning settings.
    pub fn set_online_options(&mut self, o: OnlineOptions) {
        self.online = o;
    }

    fn label_index(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == label).or_else(|| {
            // The news schema's GPE is WiNER's Location.
            (label == "GPE").then(|| self.labels.iter().position(|l| l == "LOC")).flatten()
        })
    }

    fn row(&self, id: u64) -> Option<&[i16]> {
        let r = *self.rows.get(&id)? as usize;
        let n = self.st.n;
        self.weights.get(r * n..(r + 1) * n)
    }

    fn add_row(&self, id: u64, acc: &mut [f32]) {
        if let Some(w) = self.row(id) {
            for (a, &b) in acc.iter_mut().zip(w) {
                *a += f32::from(b);
            }
        }
    }

    /// Emission scores of the tokens of `range` (`len × tags`) into `out`,
    /// using per-type vectors `cache` (`types × 5 × tags`) and `pads`.
    fn emissions(
        &self,
        f: &DocFeatures<'_>,
        range: &std::ops::Range<usize>,
        cache: &[f32],
        pads: &[f32],
        feats: &mut Vec<u64>,
        out: &mut Vec<f32>,
    ) {
        let n = self.st.n;
        out.clear();
        out.resize(range.len() * n, 0.0);
        let bias_row = pads.get(5 * n..6 * n).unwrap_or(&[]);
        for (row, i) in out.chunks_exact_mut(n).zip(range.clone()) {
            feats.clear();
            f.positional(i, range, false, feats);
            for &id in feats.iter() {
                self.add_row(id, row);
            }
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

    /// The per-type cache and the padding vectors of a text (five, by
    /// offset, then the bias).
    fn type_cache(&self, f: &DocFeatures<'_>) -> (Vec<f32>, Vec<f32>) {
        let n = self.st.n;
        let mut cache = vec![0.0f32; f.types.len() * 5 * n];
        for (ty, chunk) in f.types.iter().zip(cache.chunks_exact_mut(5 * n)) {
            for &(feat, mask) in &ty.feats {
                for (bit, v) in chunk.chunks_exact_mut(n).enumerate() {
                    if mask & (1 << bit) != 0 {
                        let salt = self.salts.get(bit).copied().unwrap_or(0);
                        self.add_row(mix(feat, salt), v);
                    }
                }
            }
        }
        let mut pads = vec![0.0f32; 6 * n];
        for (v, d) in pads.chunks_exact_mut(n).zip(OFFSETS) {
            self.add_row(pad(d), v);
        }
        if let Some(v) = pads.get_mut(5 * n..) {
            self.add_row(bias(), v);
        }
        (cache, pads)
    }

    /// Tags a tokenized text: spans sorted by position, not overlapping,
    /// with determiners, elided articles and titles left out.
    pub fn tag(&self, s: &str, doc: &Tokenized) -> Vec<TaggedSpan> {
        let f = DocFeatures::new(s, doc, &self.gazetteer);
        let (cache, pads) = self.type_cache(&f);
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        let n = self.st.n;
        let lattice = Lattice::new(&self.st, &self.trans, &self.end);
        for range in &f.sentences {
            self.emissions(&f, range, &cache, &pads, &mut scratch.feats, &mut scratch.emit);
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
        let s = text.as_str();
        let doc = Tokenized::new(s);
        let gaz = self.gazetteer.clone();
        let f = DocFeatures::new(s, &doc, &gaz);
        let tags = gold_tags(&doc, gold, &|l| self.label_index(l));
        let segs = segments(&f, &tags);
        let n = self.st.n;
        let mut scratch = Scratch::default();
        let mut feats_per_token: Vec<Vec<u64>> = Vec::new();
        // Steps are whole units of the weights' step, at least one.
        let units = if opts.rate > 0.0 && opts.rate.is_finite() {
            (opts.rate / self.step).round().clamp(1.0, 1024.0)
        } else {
            return;
        };
        for _ in 0..opts.passes {
            let mut changed = false;
            for range in &segs {
                let Some(gold_seg) = tags.get(range.clone()).and_then(|g| g.iter().copied().collect::<Option<Vec<u16>>>()) else {
                    continue;
                };
                feats_per_token.clear();
                scratch.emit.clear();
                scratch.emit.resize(range.len() * n, 0.0);
                let mut fs = Vec::new();
                for (i, row) in range.clone().zip(scratch.emit.chunks_exact_mut(n)) {
                    fs.clear();
                    f.all(i, range, &mut fs);
                    for &id in &fs {
                        self.add_row(id, row);
                    }
                    // Steps move only the features that name words.
                    let mut lexical = Vec::new();
                    f.lexical(i, range, &mut lexical);
                    feats_per_token.push(lexical);
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
                        for &id in feats_per_token.get(i).map_or(&[][..], Vec::as_slice) {
                            self.bump(id, g as usize, r as i16);
                            self.bump(id, p as usize, -(r as i16));
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

    /// Trains a tagger on documents with [`TrainOptions::default`] but the
    /// given epochs and seed. The same input gives the same model, byte for
    /// byte.
    pub fn train(docs: &[Example], epochs: usize, seed: u64) -> Tagger {
        let options = TrainOptions { epochs, seed, ..TrainOptions::default() };
        Self::train_with(docs, &options, TrainingInfo::default(), |_, _| {})
    }

    /// Trains a tagger; `progress(done, total)` is called as documents of
    /// each epoch are done. `info` is recorded in the model (its
    /// `documents`, `epochs` and `seed` are filled in). The labels are the
    /// spans' labels, sorted (the first [`MAX_LABELS`]; sentences with
    /// spans of other labels are left out).
    pub fn train_with(docs: &[Example], options: &TrainOptions, mut info: TrainingInfo, mut progress: impl FnMut(usize, usize)) -> Tagger {
        let mut labels: Vec<String> = docs.iter().flat_map(|d| d.spans.iter().map(|s| s.2.clone())).collect();
        labels.sort();
        labels.dedup();
        labels.truncate(MAX_LABELS);
        info.documents = docs.len();
        info.epochs = options.epochs;
        info.seed = options.seed;
        let mut tagger = Tagger::empty(labels, options, info);
        let mut trainer = Trainer::new(tagger.st.n);
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
        trainer.finish(&mut tagger, options.prune);
        tagger
    }

    /// The model as bytes (see the module documentation for the format).
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.st.n;
        let q = |w: f32| -> i64 {
            let v = w.round();
            if v.is_finite() { v as i64 } else { 0 }
        };
        let mut rows: Vec<(u64, u32)> = self.rows.iter().map(|(&k, &r)| (k, r)).collect();
        rows.sort_unstable();
        let mut body = Vec::new();
        for &w in self.trans.iter().chain(&self.end) {
            put_varint(&mut body, zigzag(q(w)));
        }
        let mut kept = Vec::with_capacity(rows.len());
        for (key, r) in rows {
            let r = r as usize;
            let Some(w) = self.weights.get(r * n..(r + 1) * n) else {
                continue;
            };
            let qs: Vec<i64> = w.iter().map(|&x| i64::from(x)).collect();
            if qs.iter().any(|&v| v != 0) {
                kept.push((key, qs));
            }
        }
        put_varint(&mut body, kept.len() as u64);
        let mut prev = 0u64;
        for (key, qs) in &kept {
            put_varint(&mut body, key.wrapping_sub(prev));
            prev = *key;
            let mask = qs.iter().enumerate().filter(|(_, v)| **v != 0).fold(0u64, |m, (t, _)| m | (1 << t));
            put_varint(&mut body, mask);
            for &v in qs.iter().filter(|v| **v != 0) {
                put_varint(&mut body, zigzag(v));
            }
        }
        let header = Header {
            format: FORMAT_NAME.into(),
            version: FORMAT_VERSION,
            labels: self.labels.clone(),
            tag_scheme: TAG_SCHEME.into(),
            features: FeatureHeader {
                version: FEATURES_VERSION,
                hash: HASH_NAME.into(),
                offsets: OFFSETS.to_vec(),
                gazetteer: "builtin".into(),
            },
            weights: WeightHeader { step: self.step, encoding: "zigzag-leb128".into(), rows: kept.len() },
            confidence: self.calibration,
            online: self.online,
            training: self.info.clone(),
        };
        let header = serde_json::to_vec_pretty(&header).unwrap_or_default();
        let mut out = Vec::with_capacity(body.len() + header.len() + 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&body);
        let digest = Sha256::digest(&out);
        out.extend_from_slice(&digest);
        out
    }

    /// Reads a model written by [`Tagger::to_bytes`]. Never panics: bad
    /// input gives an error saying what is wrong.
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger, TaggerError> {
        if bytes.len() < MAGIC.len() || bytes.get(..MAGIC.len()) != Some(&MAGIC[..]) {
            return Err(TaggerError::BadMagic);
        }
        let mut rd = Reader { bytes, at: MAGIC.len() };
        let version = rd.u32("format version")?;
        if version != FORMAT_VERSION {
            return Err(TaggerError::UnsupportedVersion(version));
        }
        let checked_len = bytes.len().checked_sub(32).ok_or(TaggerError::Truncated("no checksum"))?;
        let (content, digest) = bytes.split_at(checked_len);
        if content.len() < rd.at + 4 {
            return Err(TaggerError::Truncated("no header"));
        }
        if Sha256::digest(content).as_slice() != digest {
            return Err(TaggerError::Checksum);
        }
        rd.bytes = content;
        let header_len = rd.u32("header length")? as usize;
        let header_bytes = rd.take(header_len, "header")?;
        let header: Header = serde_json::from_slice(header_bytes).map_err(|e| TaggerError::Header(e.to_string()))?;
        let bad = |m: String| Err(TaggerError::Header(m));
        if header.format != FORMAT_NAME || header.version != FORMAT_VERSION {
            return bad(format!(
                "format {:?} version {}, expected {FORMAT_NAME:?} version {FORMAT_VERSION}",
                header.format, header.version
            ));
        }
        if header.tag_scheme != TAG_SCHEME {
            return bad(format!("tag scheme {:?}, expected {TAG_SCHEME:?}", header.tag_scheme));
        }
        if header.features.version != FEATURES_VERSION || header.features.hash != HASH_NAME || header.features.offsets != OFFSETS {
            return bad(format!(
                "features version {} with hash {:?}, this reads version {FEATURES_VERSION} with {HASH_NAME:?}",
                header.features.version, header.features.hash
            ));
        }
        let labels = header.labels;
        if labels.is_empty() || labels.len() > MAX_LABELS {
            return bad(format!("{} labels (expected 1 to {MAX_LABELS})", labels.len()));
        }
        let mut sorted = labels.clone();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != labels.len() || labels.iter().any(|l| l.trim().is_empty()) {
            return bad("labels must be distinct and not empty".into());
        }
        let step = header.weights.step;
        if !(step.is_finite() && step > 0.0 && step.log2().fract() == 0.0) {
            return bad(format!("weight step {step} is not a power of two"));
        }
        let c = header.confidence;
        if !(c.a.is_finite() && c.b.is_finite()) {
            return bad("confidence calibration is not finite".into());
        }
        let o = header.online;
        if !(o.rate.is_finite() && o.rate >= 0.0) || o.passes > 1000 {
            return bad("online settings out of range".into());
        }
        let options = TrainOptions { calibration: c, online: o, ..TrainOptions::default() };
        let mut tagger = Tagger::empty(labels, &options, header.training);
        tagger.step = step;
        let n = tagger.st.n;
        for w in tagger.trans.iter_mut().chain(tagger.end.iter_mut()) {
            let v = unzigzag(rd.varint()?);
            if v.unsigned_abs() > 1 << 24 {
                return Err(rd.error("transition weight out of range"));
            }
            *w = v as f32;
        }
        let count = rd.varint()?;
        if count != header.weights.rows as u64 {
            return Err(rd.error("row count differs from the header"));
        }
        // Each row takes at least three bytes: a cheap bound before allocating.
        if count > (rd.bytes.len().saturating_sub(rd.at) / 3) as u64 {
            return Err(TaggerError::Truncated("fewer rows than announced"));
        }
        let count = count as usize;
        tagger.weights = vec![0; count * n];
        tagger.rows.reserve(count);
        let mut key = 0u64;
        for r in 0..count {
            let delta = rd.varint()?;
            if r > 0 && delta == 0 {
                return Err(rd.error("feature ids are not increasing"));
            }
            key = key.wrapping_add(delta);
            let mask = rd.varint()?;
            if mask == 0 || (n < 64 && mask >> n != 0) {
                return Err(rd.error("tag mask out of range"));
            }
            let row = tagger.weights.get_mut(r * n..(r + 1) * n).ok_or(TaggerError::Truncated("row"))?;
            for (t, w) in row.iter_mut().enumerate() {
                if mask & (1 << t) != 0 {
                    *w = i16::try_from(unzigzag(rd.varint()?)).map_err(|_| rd.error("weight out of range"))?;
                }
            }
            if tagger.rows.insert(key, r as u32).is_some() {
                return Err(rd.error("duplicate feature id"));
            }
        }
        if rd.at != rd.bytes.len() {
            return Err(rd.error("unexpected bytes after the weights"));
        }
        Ok(tagger)
    }
}

fn salts() -> [u64; 5] {
    OFFSETS.map(offset_salt)
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn error(&self, what: &'static str) -> TaggerError {
        TaggerError::Data { at: self.at, what }
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], TaggerError> {
        let end = self.at.checked_add(n).ok_or(TaggerError::Truncated(what))?;
        let out = self.bytes.get(self.at..end).ok_or(TaggerError::Truncated(what))?;
        self.at = end;
        Ok(out)
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, TaggerError> {
        let b = self.take(4, what)?;
        let mut a = [0u8; 4];
        a.copy_from_slice(b);
        Ok(u32::from_le_bytes(a))
    }

    fn varint(&mut self) -> Result<u64, TaggerError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at).ok_or(TaggerError::Truncated("weights"))?;
            self.at += 1;
            if shift == 63 && b > 1 {
                return Err(self.error("varint overflows 64 bits"));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.error("varint overflows 64 bits"))
    }
}

/// A deterministic random number generator (splitmix64).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
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
    let f = DocFeatures::new(&d.text, &doc, &tagger.gazetteer);
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

    fn learn(&mut self, st: &Structure, inst: &Instance, scratch: &mut Scratch) {
        let n = self.n;
        let len = inst.gold.len();
        scratch.emit.clear();
        scratch.emit.resize(len * n, 0.0);
        for (i, row) in scratch.emit.chunks_exact_mut(n).enumerate() {
            let (a, b) = (inst.bounds.get(i).copied().unwrap_or(0) as usize, inst.bounds.get(i + 1).copied().unwrap_or(0) as usize);
            for &f in inst.feats.get(a..b).unwrap_or(&[]) {
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
                    let (a, b) = (inst.bounds.get(i).copied().unwrap_or(0) as usize, inst.bounds.get(i + 1).copied().unwrap_or(0) as usize);
                    for k in a..b {
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

/// Trains a tagger on datasets (documents with status `skipped` are left
/// out). The training corpus recorded in the model comes from the first
/// dataset's `provenance` block when it has one (`corpus`, `repository`,
/// `commit`, `license`). `progress(done, total)` counts documents × epochs.
pub fn train_from_dataset(datasets: &[Dataset], options: TrainOptions, progress: impl FnMut(usize, usize)) -> Tagger {
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
    Tagger::train_with(&examples, &options, info, progress)
}

/// The tagger as a recognizer (name `"tagger"`): its spans as candidates,
/// `LOC` as `GPE` when the gazetteer knows the name as one, `MISC` left
/// out. Shares the tagger, so online updates show at once.
#[derive(Clone, Debug)]
pub struct TaggerRecognizer {
    tagger: Arc<RwLock<Tagger>>,
}

impl TaggerRecognizer {
    /// A recognizer over a shared tagger.
    pub fn new(tagger: Arc<RwLock<Tagger>>) -> Self {
        Self { tagger }
    }

    /// The shared tagger.
    pub fn tagger(&self) -> &Arc<RwLock<Tagger>> {
        &self.tagger
    }
}

/// The news schema's label for a tagger span.
pub fn news_label(label: &str, text: &str, gazetteer: &Gazetteer) -> Option<String> {
    match label {
        "MISC" => None,
        "LOC" => {
            let gpe = gazetteer.lookup(text).is_some_and(|e| e.label == "GPE");
            Some(if gpe { "GPE" } else { "LOC" }.to_owned())
        }
        other => Some(other.to_owned()),
    }
}

impl Recognizer for TaggerRecognizer {
    fn name(&self) -> RecognizerName {
        RecognizerName::Tagger
    }

    fn recognize(&self, text: &Text) -> Vec<Candidate> {
        self.recognize_tokens(text, &Tokenized::new(text.as_str()))
    }

    fn recognize_tokens(&self, text: &Text, tokens: &Tokenized) -> Vec<Candidate> {
        let tagger = self.tagger.read().unwrap_or_else(PoisonError::into_inner);
        let s = text.as_str();
        tagger
            .tag(s, tokens)
            .into_iter()
            .filter_map(|span| {
                let name = text.slice(span.start, span.end)?;
                let label = news_label(&span.label, name, &tagger.gazetteer)?;
                Some(Candidate { start: span.start, end: span.end, label, score: span.confidence, recognizer: RecognizerName::Tagger })
            })
            .collect()
    }

    fn learn(&self, text: &Text, feedback: &Feedback<'_>) {
        let mut tagger = self.tagger.write().unwrap_or_else(PoisonError::into_inner);
        tagger.update(text, feedback.gold);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;

    fn example(markup: &str) -> Example {
        let (text, spans) = parse_markup(markup);
        Example { text, spans }
    }

    /// A small synthetic corpus: persons after titles, places after `à`,
    /// organisations in capitals, dates.
    fn corpus() -> Vec<Example> {
        let persons =
            ["Jean Dupont", "Marie Curie", "Paul Martin", "Anne Morel", "Luc Girard", "Sophie Leroy", "Hugo Bernard", "Claire Petit"];
        let places = ["Lyon", "Brest", "Nantes", "Tulle", "Vannes", "Quimper", "Arras", "Dole"];
        let orgs = ["CGT", "SNCF", "INSEE", "CNRS", "RATP", "UNEF", "FNSEA", "CFDT"];
        let mut out = Vec::new();
        for i in 0..32 {
            let p = persons[i % persons.len()];
            let l = places[(i * 3) % places.len()];
            let o = orgs[(i * 5) % orgs.len()];
            out.push(example(&format!(
                "Le ministre [{p}]{{PER}} est arrivé à [{l}]{{LOC}} lundi. La [{o}]{{ORG}} proteste depuis [{}]{{DATE}}.",
                2000 + i
            )));
        }
        out
    }

    fn tags_of(t: &Tagger, s: &str) -> Vec<(String, String)> {
        let doc = Tokenized::new(s);
        let text = Text::from(s);
        t.tag(s, &doc).into_iter().map(|sp| (text.slice(sp.start, sp.end).unwrap_or("").to_owned(), sp.label)).collect()
    }

    /// True when `next` may follow `prev` (`None`: the sequence start).
    fn allowed(prev: Option<usize>, next: usize) -> bool {
        let open = prev.map(part);
        match (open, part(next)) {
            (Some(Part::Begin(a) | Part::Inside(a)), Part::Inside(b) | Part::Last(b)) => a == b,
            (Some(Part::Begin(_) | Part::Inside(_)), _) => false,
            (_, Part::Inside(_) | Part::Last(_)) => false,
            _ => true,
        }
    }

    fn can_end(tag: usize) -> bool {
        matches!(part(tag), Part::Out | Part::Last(_) | Part::Unit(_))
    }

    /// The best score of a valid sequence by enumeration, and for each
    /// (token, tag) the best score of a valid sequence through it.
    fn brute_force(st: &Structure, emit: &[f32], trans: &[f32], end: &[f32], len: usize) -> (f32, Vec<f32>) {
        let n = st.n;
        let mut best = f32::NEG_INFINITY;
        let mut marg = vec![f32::NEG_INFINITY; len * n];
        let total = n.pow(len as u32);
        for code in 0..total {
            let seq: Vec<usize> = (0..len).map(|i| code / n.pow(i as u32) % n).collect();
            let mut ok = can_end(seq[len - 1]);
            let mut score = end[seq[len - 1]];
            for i in 0..len {
                let prev = if i == 0 { None } else { Some(seq[i - 1]) };
                ok &= allowed(prev, seq[i]);
                score += emit[i * n + seq[i]] + trans[prev.unwrap_or(n) * n + seq[i]];
            }
            if !ok {
                continue;
            }
            best = best.max(score);
            for i in 0..len {
                let m = &mut marg[i * n + seq[i]];
                *m = m.max(score);
            }
        }
        (best, marg)
    }

    #[test]
    fn lattice_matches_brute_force() {
        let st = Structure::new(2);
        let n = st.n;
        let mut rng = SplitMix(9);
        let mut r = || (rng.next() % 2000) as f32 / 100.0 - 10.0;
        for len in 1..=4 {
            for _ in 0..5 {
                let emit: Vec<f32> = (0..len * n).map(|_| r()).collect();
                let trans: Vec<f32> = (0..(n + 1) * n).map(|_| r()).collect();
                let end: Vec<f32> = (0..n).map(|_| r()).collect();
                let (best, marg) = brute_force(&st, &emit, &trans, &end, len);
                let lat = Lattice::new(&st, &trans, &end);
                let (mut fwd, mut back, mut bwd) = (Vec::new(), Vec::new(), Vec::new());
                let tags = lat.forward(&emit, len, &mut fwd, &mut back);
                lat.backward(&emit, len, &mut bwd);
                let mut score = end[tags[len - 1] as usize];
                for i in 0..len {
                    let prev = if i == 0 { n } else { tags[i - 1] as usize };
                    let t = tags[i] as usize;
                    assert!(allowed((i > 0).then_some(prev), t));
                    score += emit[i * n + t] + trans[prev * n + t];
                }
                assert!((score - best).abs() < 1e-3, "{score} vs {best}");
                for i in 0..len {
                    for t in 0..n {
                        let m = fwd[i * n + t] + bwd[i * n + t];
                        let want = marg[i * n + t];
                        assert!((m == want) || (m - want).abs() < 1e-3, "len {len} token {i} tag {t}: {m} vs {want}");
                    }
                }
            }
        }
    }

    #[test]
    fn tag_structure_is_bilou() {
        assert_eq!(Structure::new(2).n, 9);
        assert!(allowed(None, tag_of(Part::Begin(0))));
        assert!(!allowed(None, tag_of(Part::Inside(0))));
        assert!(allowed(Some(tag_of(Part::Begin(1))), tag_of(Part::Last(1))));
        assert!(!allowed(Some(tag_of(Part::Begin(1))), tag_of(Part::Last(0))));
        assert!(!allowed(Some(tag_of(Part::Begin(1))), 0));
        assert!(allowed(Some(tag_of(Part::Unit(1))), tag_of(Part::Begin(0))));
        assert!(!can_end(tag_of(Part::Inside(0))));
        let tags = [0u16, 1, 2, 3, 0, 8, 5];
        assert_eq!(spans_of(&tags), [(1, 4, 0), (5, 6, 1)]);
    }

    #[test]
    fn gold_tags_follow_tokens() {
        let (text, spans) = parse_markup("Selon l'[AFP]{ORG}, [Jean-Yves Le Drian]{PER} est à [Moscou]{X}.");
        let doc = Tokenized::new(&text);
        let labels = ["ORG".to_string(), "PER".to_string()];
        let tags = gold_tags(&doc, &spans, &|l| labels.iter().position(|x| x == l));
        let parts: Vec<Option<Part>> = tags.iter().map(|t| t.map(|t| part(t as usize))).collect();
        assert_eq!(
            parts,
            [
                Some(Part::Out),
                Some(Part::Out),
                Some(Part::Unit(0)),
                Some(Part::Out),
                Some(Part::Begin(1)),
                Some(Part::Inside(1)),
                Some(Part::Last(1)),
                Some(Part::Out),
                Some(Part::Out),
                None,
                Some(Part::Out),
            ]
        );
    }

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
    fn corrupt_models_are_rejected() {
        let good = Tagger::train(&corpus()[..4], 1, 1).to_bytes();
        assert_eq!(Tagger::from_bytes(b"").err(), Some(TaggerError::BadMagic));
        assert_eq!(Tagger::from_bytes(b"hello world, not a model").err(), Some(TaggerError::BadMagic));
        let mut v2 = good.clone();
        v2[MAGIC.len()] = 2;
        assert_eq!(Tagger::from_bytes(&v2).err(), Some(TaggerError::UnsupportedVersion(2)));
        for cut in [MAGIC.len() + 2, MAGIC.len() + 8, good.len() / 2, good.len() - 1] {
            assert!(Tagger::from_bytes(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut flipped = good.clone();
        let mid = good.len() / 2;
        flipped[mid] ^= 0x55;
        assert_eq!(Tagger::from_bytes(&flipped).err(), Some(TaggerError::Checksum));
        // A well-formed file with a bad header is named as such.
        let mut bad_header = good[..MAGIC.len() + 4].to_vec();
        let header = b"{\"format\":1}";
        bad_header.extend_from_slice(&(header.len() as u32).to_le_bytes());
        bad_header.extend_from_slice(header);
        let digest = Sha256::digest(&bad_header);
        bad_header.extend_from_slice(&digest);
        assert!(matches!(Tagger::from_bytes(&bad_header), Err(TaggerError::Header(_))));
        let msg = TaggerError::Checksum.to_string();
        assert!(msg.contains("corrupt"), "{msg}");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let good = Tagger::train(&corpus()[..4], 1, 1).to_bytes();
        let mut rng = SplitMix(5);
        for _ in 0..300 {
            let mut b = good.clone();
            let k = (rng.next() % 4 + 1) as usize;
            for _ in 0..k {
                let i = (rng.next() % b.len() as u64) as usize;
                b[i] = rng.next() as u8;
            }
            let _ = Tagger::from_bytes(&b);
            let cut = (rng.next() % b.len() as u64) as usize;
            let _ = Tagger::from_bytes(&b[..cut]);
        }
    }

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
        let f = DocFeatures::new(s, &doc, &gaz);
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
        // The cached per-type sums give the same scores as the plain lists.
        let tagger = Tagger::train(&corpus(), 2, 1);
        let s = "Le ministre Jean Dupont est à Lyon. La CGT et la CGT proteste.";
        let doc = Tokenized::new(s);
        let f = DocFeatures::new(s, &doc, &tagger.gazetteer);
        let (cache, pads) = tagger.type_cache(&f);
        let n = tagger.st.n;
        for range in &f.sentences {
            let mut feats = Vec::new();
            let mut emit = Vec::new();
            tagger.emissions(&f, range, &cache, &pads, &mut feats, &mut emit);
            for (k, i) in range.clone().enumerate() {
                let mut fs = Vec::new();
                f.all(i, range, &mut fs);
                let mut want = vec![0.0f32; n];
                for id in fs {
                    tagger.add_row(id, &mut want);
                }
                for t in 0..n {
                    assert!((emit[k * n + t] - want[t]).abs() < 1e-3);
                }
            }
        }
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

    #[test]
    fn recognizer_maps_labels_to_the_news_schema() {
        let g = Gazetteer::builtin();
        assert_eq!(news_label("LOC", "Pékin", &g).as_deref(), Some("GPE"));
        assert_eq!(news_label("LOC", "Zorglubie", &g).as_deref(), Some("LOC"));
        assert_eq!(news_label("MISC", "Twitter", &g), None);
        assert_eq!(news_label("PER", "Lavrov", &g).as_deref(), Some("PER"));
    }
}
