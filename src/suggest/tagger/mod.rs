//! A statistical named-entity tagger: an averaged structured perceptron
//! over the tokenizer's tokens, with BILOU tags and Viterbi decoding.
//!
//! Owns: the [`Tagger`] (labels, feature weights, transitions, settings and
//! where its training data came from) and, one concern per file:
//! - `lattice`: the BILOU tag layout and the Viterbi lattice (best path,
//!   max-marginals), on plain score arrays;
//! - `decode`: tagging a text ([`Tagger::tag`]), a span's confidence
//!   ([`Calibration`]) and the guidelines' boundary rules ([`TaggedSpan`]);
//! - `gold`: a document's gold tags and the segments learning works on;
//! - `hints`: the rule recognizers' proposals as features;
//! - `online`: learning from one corrected document ([`Tagger::update`],
//!   [`OnlineOptions`]);
//! - `train`: training on a corpus ([`Tagger::train_with`],
//!   [`train_from_dataset`], [`TrainOptions`]);
//! - `model_file`: the binary model format ([`Tagger::to_bytes`],
//!   [`Tagger::from_bytes`], [`TaggerError`]);
//! - `recognizer`: the [`TaggerRecognizer`] (recognizer name `"tagger"`,
//!   or `"tagger:FILE"` with a model read from a file).
//!
//! Must not touch: files (models come in and go out as bytes), the UI.
//! Threads: training extracts features on scoped threads that it joins
//! before it learns (the model does not depend on how many there are);
//! nothing else here starts one. The [`TaggerRecognizer`] shares its tagger
//! behind a lock, so that online updates show at once on every thread.
//! Features are read by [`super::features`].
//!
//! How it tags: each token gets a score per tag (`O`, and `B`/`I`/`L`/`U`
//! per label), the sum of the weights of its features; a first-order
//! Viterbi pass with learned transitions picks the best valid tag sequence
//! per sentence. A span's confidence comes from its *margin*: how much
//! worse the best sequence is that tags any of its tokens otherwise
//! (max-marginals from a backward pass), through a sigmoid
//! `1 / (1 + e^-(a·√margin + b))` whose `a` and `b` the model stores.
//! Weights are kept as 16-bit multiples of the model's step (1/64), so
//! scores are sums of integers until the margin is scaled back.

mod decode;
mod gold;
mod hints;
mod lattice;
mod model_file;
mod online;
mod recognizer;
#[cfg(test)]
mod testing;
mod train;
mod type_sums;

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use super::features::{DocFeatures, OFFSETS, offset_salt};
use super::gazetteer::Gazetteer;
use super::heads::NameEnds;
use super::lexicon::FxHasher;
use crate::model::tokenize::Tokenized;
use lattice::Structure;

pub use decode::{Calibration, TaggedSpan};
pub use model_file::{FORMAT_VERSION, MAGIC, TaggerError};
pub use online::OnlineOptions;
pub use recognizer::{TaggerRecognizer, news_label};
pub use train::{BaseModel, Example, TrainOptions, TrainingInfo, corpus_digest, examples_from, info_from, language_of, train_from_dataset};

/// A name a corpus taught: its tokens, a label and its vote.
pub type TaughtName = (Vec<String>, String, i32);

/// A recognizer's label, a label of the project's and how many of the
/// recognizers' candidates with the first were the project's spans with
/// the second (see [`crate::suggest::Engine::label_votes`]).
pub type LabelVote = (String, String, i32);

/// A recognizer, one of its labels, a label of the project's, and how many
/// of the recognizer's candidates with the first label were the project's
/// spans with the second (the empty label: no span) (see
/// [`crate::suggest::Engine::rule_votes`]).
pub type RuleVote = (String, String, String, i32);

/// At most this many labels (tags must fit a 64-bit mask).
pub const MAX_LABELS: usize = 15;
/// Weights are stored as multiples of this (a power of two, so that
/// loading and saving again gives the same bytes).
const DEFAULT_STEP: f32 = 1.0 / 64.0;

type U64Map<V> = HashMap<u64, V, BuildHasherDefault<FxHasher>>;

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
    /// Labels that online learning added (their tags learn from every
    /// feature, see `online`), in the order added.
    online_labels: Vec<String>,
    /// Whether the rule recognizers' proposals are features (`hints`).
    hints: bool,
    /// The names its training corpus taught, with their votes (see
    /// [`Tagger::names`]).
    names: Vec<TaughtName>,
    /// What the project calls the labels its schema lacks (see
    /// [`Tagger::label_votes`]).
    label_votes: Vec<LabelVote>,
    /// How often each recognizer's candidates of a label were right (see
    /// [`Tagger::rule_votes`]).
    rule_votes: Vec<RuleVote>,
    /// Where names end (see [`Tagger::name_ends`]).
    name_ends: NameEnds,
    gazetteer: Arc<Gazetteer>,
    salts: [u64; 5],
    /// The decoder's word types' weight sums across texts, cleared when the
    /// weights change.
    type_sums: type_sums::TypeSums,
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
            online_labels: Vec::new(),
            hints: false,
            names: Vec::new(),
            label_votes: Vec::new(),
            rule_votes: Vec::new(),
            name_ends: NameEnds::default(),
            gazetteer: Gazetteer::builtin(),
            salts: salts(),
            type_sums: type_sums::TypeSums::default(),
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

    /// The labels online learning added (not trained on a corpus yet).
    pub fn online_labels(&self) -> &[String] {
        &self.online_labels
    }

    /// True when the tagger was trained on documents of `language`
    /// ([`language_of`]; online learning does not count, see `online`).
    pub fn knows_language(&self, language: &str) -> bool {
        self.info.languages.get(language).is_some_and(|&n| n > 0)
    }

    /// Adds labels after the ones it has (those it knows are skipped, and
    /// those beyond [`MAX_LABELS`]): their tags start with zero weights,
    /// the other tags keep their numbers and weights. Returns how many were
    /// added.
    pub fn add_labels(&mut self, labels: &[String]) -> usize {
        let old = self.st.n;
        let mut added = 0;
        for l in labels {
            if self.labels.len() >= MAX_LABELS || self.labels.contains(l) || l.trim().is_empty() {
                continue;
            }
            self.labels.push(l.clone());
            added += 1;
        }
        if added == 0 {
            return 0;
        }
        self.type_sums.clear();
        self.st = Structure::new(self.labels.len());
        let n = self.st.n;
        let rows = self.weights.len() / old.max(1);
        let mut weights = vec![0i16; rows * n];
        for (new, old_row) in weights.chunks_exact_mut(n).zip(self.weights.chunks_exact(old)) {
            if let Some(head) = new.get_mut(..old) {
                head.copy_from_slice(old_row);
            }
        }
        self.weights = weights;
        // Transitions: old tags keep theirs, from the start row included.
        let mut trans = vec![0.0f32; (n + 1) * n];
        for from in 0..=old {
            let to_row = if from == old { n } else { from };
            for to in 0..old {
                if let (Some(w), Some(&x)) = (trans.get_mut(to_row * n + to), self.trans.get(from * old + to)) {
                    *w = x;
                }
            }
        }
        self.trans = trans;
        self.end.resize(n, 0.0);
        added
    }

    fn label_index(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == label).or_else(|| {
            // The news schema's GPE is WiNER's Location.
            (label == "GPE").then(|| self.labels.iter().position(|l| l == "LOC")).flatten()
        })
    }

    /// The names its training corpus taught, as the engine's memory
    /// ([`crate::suggest::memory`]) starts from them: each name's tokens, a
    /// label and its vote (positive: suggested wherever the name occurs;
    /// negative: the engine's suggestions of it with that label are
    /// dropped), sorted. Empty for the shipped model.
    pub fn names(&self) -> &[TaughtName] {
        &self.names
    }

    /// Sets the taught names (sorted here).
    pub fn set_names(&mut self, mut names: Vec<TaughtName>) {
        names.sort();
        names.retain(|(tokens, label, vote)| !tokens.is_empty() && !label.trim().is_empty() && *vote != 0);
        self.names = names;
    }

    /// What the documents it was trained on call the recognizers' labels:
    /// `(recognizer's label, project's label, votes)`, sorted; the engine
    /// over it starts from them ([`crate::suggest::Engine::label_votes`]).
    pub fn label_votes(&self) -> &[LabelVote] {
        &self.label_votes
    }

    /// Sets the label votes (sorted here; empty labels and zero votes
    /// left out).
    pub fn set_label_votes(&mut self, mut votes: Vec<LabelVote>) {
        votes.sort();
        votes.retain(|(from, to, n)| !from.trim().is_empty() && !to.trim().is_empty() && *n > 0);
        self.label_votes = votes;
    }

    /// What, in the documents it was trained on, each recognizer's
    /// candidates of a label were: `(recognizer, label, project's label,
    /// count)`, the empty project label for candidates no document has as a
    /// span, sorted; the engine over it starts from them
    /// ([`crate::suggest::Engine::rule_votes`]).
    pub fn rule_votes(&self) -> &[RuleVote] {
        &self.rule_votes
    }

    /// Sets the rule votes (sorted here; empty recognizers or labels and
    /// counts below one left out).
    pub fn set_rule_votes(&mut self, mut votes: Vec<RuleVote>) {
        votes.sort();
        votes.retain(|(r, l, _, n)| !r.trim().is_empty() && !l.trim().is_empty() && *n > 0);
        self.rule_votes = votes;
    }

    /// Where names end, as the documents it was trained on taught the
    /// head-noun rule (the word after a corrected name, `ont`, `estime`);
    /// the engine over it starts from them ([`crate::suggest::heads`]).
    /// Empty for the shipped model.
    pub fn name_ends(&self) -> &NameEnds {
        &self.name_ends
    }

    /// Sets where names end.
    pub fn set_name_ends(&mut self, ends: NameEnds) {
        self.name_ends = ends;
    }

    /// True when the rule recognizers' proposals are among its features.
    pub fn uses_hints(&self) -> bool {
        self.hints
    }

    /// The features of a tokenized text, with the rules' hints when the
    /// model uses them.
    fn features<'a>(&self, s: &'a str, doc: &'a Tokenized) -> DocFeatures<'a> {
        let mut f = DocFeatures::new(s, doc, &self.gazetteer);
        if self.hints {
            self.add_hints(s, doc, &mut f);
        }
        f
    }

    /// Adds the rules' hints to a text's features.
    fn add_hints(&self, s: &str, doc: &Tokenized, f: &mut DocFeatures<'_>) {
        let found = hints::rule_hints(s, doc);
        let list: Vec<(usize, usize, &str, &str)> = found.iter().map(|(a, b, r, l)| (*a, *b, r.as_str(), l.as_str())).collect();
        f.set_hints(&list);
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
}

fn salts() -> [u64; 5] {
    OFFSETS.map(offset_salt)
}
