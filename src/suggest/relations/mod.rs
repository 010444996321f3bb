//! Relation suggestions: typed relations between the entity mentions of a
//! document, proposed by patterns and a learned scorer, learned online from
//! the annotator's corrections.
//!
//! Owns: the [`RelationEngine`], the candidates it returns
//! ([`RelationCandidate`], indices into the caller's mentions), and what a
//! correction says ([`RelationFeedback`]). The pieces: [`context`] reads the
//! words around a pair, [`patterns`] holds the French and English trigger
//! patterns, [`scorer`] the features and weights. Must not touch: the UI,
//! files, the document model's edits (callers turn candidates into
//! suggestions); of the crate it uses [`crate::model`] only.
//!
//! How it proposes, for mentions sorted by position:
//! - candidates are the pairs in one line (a paragraph) at most
//!   [`MAX_WORDS_APART`] words apart that do not overlap, each in every
//!   direction and label the schema allows; a symmetric label (MEETS) only
//!   from the first mention to the second, as the guidelines say;
//! - each is scored by the [`scorer::Scorer`] (0–1); a pair keeps its best
//!   label and direction, when that scores at least the threshold;
//! - the result is sorted by (head position, tail position, label).
//!
//! Learning: in the window, every accepted or drawn relation is a positive
//! example of its label, every rejected one a negative, a retyped one both
//! (the old label negative, the new positive), one step each
//! ([`RelationEngine::learn`]). A whole corrected document teaches more
//! ([`RelationEngine::learn_document`]): every candidate reading of every
//! pair is an example, positive when the annotator kept that relation,
//! negative otherwise, learned in several AdaGrad passes over all features
//! (words, trigger lexicons, labels and direction, distances, the label's
//! bias); the patterns stay a prior with a strong starting weight.
//!
//! Remembering: every decision also goes to the [`memory`], which keeps
//! it by the names the relation joins; in a later document a pair of
//! mentions of the same names in one sentence has its score moved by what
//! was decided (raised towards how often those names were related when
//! they met, or suppressed by a rejection), and says so in its recognizer
//! (`relations:memory`); the memory alone relates them only where the
//! words between could say it (a stem seen between related mentions of
//! that label, or nothing between). Shipped, the memory is empty.

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

pub mod context;
pub mod memory;
pub mod patterns;
pub mod scorer;

use std::collections::HashSet;
use std::sync::RwLock;

pub use context::Mention;
use context::{Layout, PairText};
use memory::{Decided, NameKey, RelationMemory, name_keys, stands_together, trigger_stems};
use patterns::{Dir, fire, fire_where, lexicon_between};
use scorer::{Features, PairFacts, Scorer, features, features_with, prior};

use crate::model::schema::RelationLabel;
use crate::model::tokenize::Tokenized;
use crate::model::{RecognizerName, Schema, Text};

/// The threshold a relation suggestion must reach where no setting says
/// otherwise (the window's default confidence threshold).
pub const DEFAULT_MIN_SCORE: f32 = 0.3;

/// The score a suggestion needs when no pattern of its label fired and the
/// memory says nothing of its names: the scorer's learned words, labels
/// and distances alone, which on a few corrected articles rise on pairs the
/// annotator never related (Kim Jong-un ROLE_IN Moscou, Peskov MEETS
/// Poutine at 0.33 to 0.35). Precision first: a wrong suggestion costs a
/// key. Shipped, such a candidate scores about 0.05, so this changes
/// nothing until the scorer learns (learning bench, relations over the
/// fixed entities, k = 4: −2.6 % → −6.9 %). A threshold of 0 still lists
/// every candidate.
pub const LEARNED_ALONE_MIN_SCORE: f32 = 0.5;

/// How many words may lie between the two mentions of a candidate.
pub const MAX_WORDS_APART: usize = 40;

/// One proposed relation: `head` and `tail` index the mentions it was
/// given.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationCandidate {
    /// The head mention's index.
    pub head: usize,
    /// The tail mention's index.
    pub tail: usize,
    /// The relation label.
    pub label: String,
    /// Confidence in `[0, 1]`.
    pub score: f32,
    /// Who proposed it.
    pub recognizer: RecognizerName,
}

/// What the annotator did with one relation.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// A suggested relation kept as it was.
    Accepted,
    /// A relation drawn by hand.
    Drawn,
    /// A suggested relation removed.
    Rejected,
    /// A suggested relation given another label: this one was `from`.
    Retyped {
        /// The label it was suggested with.
        from: String,
    },
}

/// One correction: the relation (as the annotator left it, or as it was
/// suggested when rejected) and what was done.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationFeedback {
    /// The head mention's index.
    pub head: usize,
    /// The tail mention's index.
    pub tail: usize,
    /// The relation's label (the new one when retyped).
    pub label: String,
    /// What was done.
    pub verdict: Verdict,
}

/// The relation engine: patterns and a scorer that learns. May be shared
/// between threads (what it learns is behind a lock).
#[derive(Debug, Default)]
pub struct RelationEngine {
    scorer: RwLock<Scorer>,
    memory: RwLock<RelationMemory>,
}

/// One scored reading of a pair.
struct Scored<'a> {
    head: usize,
    tail: usize,
    label: &'a str,
    score: f32,
    recognizer: RecognizerName,
    /// Whether the scorer alone would have left it under the threshold.
    alone: bool,
    /// The score it needs to be suggested: the threshold, or
    /// [`LEARNED_ALONE_MIN_SCORE`] when higher and only what the scorer
    /// learned speaks for it.
    needed: f32,
}

/// Which relations the memory may move to a remembered head
/// ([`RelationMemory::remembered_ends`]): `movable(label, head label, tail
/// label)`, those the schema allows, not symmetric.
fn movable(schema: &Schema) -> impl Fn(&str, &str, &str) -> bool + '_ {
    |label, head, tail| schema.relation(label).is_some_and(|r| !r.symmetric && r.allows(head, tail))
}

/// The mentions' indices sorted by position.
fn by_position(mentions: &[Mention]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..mentions.len()).collect();
    order.sort_by_key(|&i| mentions.get(i).map(|m| (m.start, m.end)));
    order
}

/// The relation labels the schema allows from each head label to each tail
/// label, asked once per pair of entity labels (a document has a handful).
struct Allowed<'s> {
    schema: &'s Schema,
    known: Vec<(String, String, Vec<&'s RelationLabel>)>,
}

impl<'s> Allowed<'s> {
    fn new(schema: &'s Schema) -> Self {
        Self { schema, known: Vec::new() }
    }

    fn get(&mut self, head: &str, tail: &str) -> &[&'s RelationLabel] {
        let at = match self.known.iter().position(|(h, t, _)| h == head && t == tail) {
            Some(at) => at,
            None => {
                self.known.push((head.to_owned(), tail.to_owned(), self.schema.relations_allowed(head, tail)));
                self.known.len() - 1
            }
        };
        self.known.get(at).map_or(&[], |k| k.2.as_slice())
    }
}

/// One reading of a pair: a label the schema allows in one direction (a
/// symmetric one only from the first mention).
struct Reading<'s> {
    label: &'s str,
    dir: Dir,
}

/// Every reading of a pair whose first mention is labelled `fl` and second
/// `sl`, forward ones first, each in schema order.
fn readings<'s>(allowed: &mut Allowed<'s>, fl: &str, sl: &str) -> Vec<Reading<'s>> {
    let mut out: Vec<Reading<'s>> = allowed.get(fl, sl).iter().map(|r| Reading { label: &r.name, dir: Dir::Forward }).collect();
    out.extend(allowed.get(sl, fl).iter().filter(|r| !r.symmetric).map(|r| Reading { label: &r.name, dir: Dir::Backward }));
    out
}

/// The readings of pairs of a document's mentions ([`readings`]), made
/// once per pair of entity labels: each mention's label is a small id, so
/// a pair's readings are one look-up (no label compared as a string, no
/// list made per pair).
struct ReadingsByLabel<'s> {
    allowed: Allowed<'s>,
    /// The document's distinct entity labels, first met first.
    labels: Vec<String>,
    /// Per mention, its label's index in `labels`.
    ids: Vec<usize>,
    /// Per pair of label ids `(f, s)`, at `f * labels.len() + s`.
    table: Vec<Option<Vec<Reading<'s>>>>,
}

impl<'s> ReadingsByLabel<'s> {
    fn new(schema: &'s Schema, mentions: &[Mention]) -> Self {
        let mut labels: Vec<String> = Vec::new();
        let ids = mentions
            .iter()
            .map(|m| match labels.iter().position(|l| *l == m.label) {
                Some(i) => i,
                None => {
                    labels.push(m.label.clone());
                    labels.len() - 1
                }
            })
            .collect();
        let table = std::iter::repeat_with(|| None).take(labels.len() * labels.len()).collect();
        Self { allowed: Allowed::new(schema), labels, ids, table }
    }

    /// The readings of the pair whose first mention is `first` and second
    /// `second` (indices into the mentions), as [`readings`] gives them.
    fn get(&mut self, first: usize, second: usize) -> &[Reading<'s>] {
        let (Some(&f), Some(&s)) = (self.ids.get(first), self.ids.get(second)) else { return &[] };
        let at = f * self.labels.len() + s;
        let Some(slot) = self.table.get_mut(at) else { return &[] };
        if slot.is_none() {
            let (Some(fl), Some(sl)) = (self.labels.get(f), self.labels.get(s)) else { return &[] };
            *slot = Some(readings(&mut self.allowed, fl, sl));
        }
        slot.as_deref().unwrap_or(&[])
    }
}

impl RelationEngine {
    /// The shipped engine: the patterns, nothing learned.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many corrections it learned from since it was made.
    pub fn updates(&self) -> u64 {
        self.scorer.read().map_or(0, |s| s.updates())
    }

    /// Relations among `mentions` that score at least `min_score`, at most
    /// one per pair, sorted by (head position, tail position, label).
    ///
    /// `"[Ada Quill]{PER} a rencontré [Boris Venn]{PER}"` gives one MEETS
    /// from mention 0 to mention 1, scored about 0.88.
    pub fn suggest(&self, text: &Text, mentions: &[Mention], schema: &Schema, min_score: f32) -> Vec<RelationCandidate> {
        self.suggest_tokenized(text, &Tokenized::new(text.as_str()), mentions, schema, min_score)
    }

    /// [`RelationEngine::suggest`] on the text's tokens, made by
    /// [`Tokenized::new`] from the whole text: the entity engine's, so that a document is tokenized once.
    pub fn suggest_tokenized(
        &self,
        text: &Text,
        tokens: &Tokenized,
        mentions: &[Mention],
        schema: &Schema,
        min_score: f32,
    ) -> Vec<RelationCandidate> {
        let (Ok(scorer), Ok(memory)) = (self.scorer.read(), self.memory.read()) else { return Vec::new() };
        let keys = Self::keys(&memory, text, mentions);
        // Until it learns, the scorer reads only the shipped weights: the
        // features of words are not made.
        let words_count = scorer.learned_anything();
        let mut found: Vec<(RelationCandidate, bool)> = Vec::new();
        let mut by_label = ReadingsByLabel::new(schema, mentions);
        let layout = Layout::with_words_near(text, tokens, mentions);
        // The pairs in one sentence, for the memory's remembered heads.
        let mut in_one_sentence = HashSet::new();
        self.each_pair(text, &layout, mentions, |first, second, pair, between| {
            let (Some(fm), Some(sm)) = (mentions.get(first), mentions.get(second)) else { return };
            if !keys.is_empty() && stands_together(pair) {
                in_one_sentence.insert((first, second));
            }
            let readings = by_label.get(first, second);
            if readings.is_empty() {
                return;
            }
            let fired = fire_where(pair, &fm.label, &sm.label, |pat| readings.iter().any(|r| r.dir == pat.dir && r.label == pat.label));
            let lexicon = if words_count { lexicon_between(pair) } else { Vec::new() };
            let together = stands_together(pair);
            let best = readings
                .iter()
                .map(|r| {
                    let (head, tail) = if r.dir == Dir::Forward { (first, second) } else { (second, first) };
                    let (hl, tl) = if r.dir == Dir::Forward { (&fm.label, &sm.label) } else { (&sm.label, &fm.label) };
                    let facts = PairFacts { label: r.label, dir: r.dir, head: hl, tail: tl, mentions_between: between };
                    let f = if words_count {
                        features_with(pair, facts, &fired, &lexicon)
                    } else {
                        Features { prior: prior(pair, facts, &fired), ..Features::default() }
                    };
                    let own = scorer.score(&f);
                    let (mut score, mut recognizer) = memory.recall(&keys, (head, tail), r.label, together, own);
                    // The memory alone makes a relation only where the words
                    // between could say it.
                    if recognizer == RecognizerName::RelationMemory
                        && own < min_score
                        && !memory.trigger_allows(r.label, &trigger_stems(text, mentions, first, second))
                    {
                        (score, recognizer) = (own, RecognizerName::Relations);
                    }
                    // What the scorer learned alone (no pattern, no memory)
                    // must be surer than the threshold.
                    let patterned = fired.iter().any(|p| p.label == r.label && p.dir == r.dir);
                    let learned_alone = !patterned && recognizer == RecognizerName::Relations;
                    let needed = if learned_alone && min_score > 0.0 { min_score.max(LEARNED_ALONE_MIN_SCORE) } else { min_score };
                    Scored { head, tail, label: r.label, score, recognizer, alone: own < min_score, needed }
                })
                .filter(|s| s.score >= s.needed)
                .max_by(|a, b| a.score.total_cmp(&b.score));
            if let Some(b) = best {
                let c =
                    RelationCandidate { head: b.head, tail: b.tail, label: b.label.to_owned(), score: b.score, recognizer: b.recognizer };
                found.push((c, b.alone));
            }
        });
        let found = memory.remembered_ends(&keys, mentions, &in_one_sentence, found, movable(schema));
        let mut out = memory::once_per_names(&keys, found, |l| schema.relation(l).is_some_and(|r| r.symmetric));
        let pos = |i: usize| mentions.get(i).map(|m| (m.start, m.end));
        out.sort_by(|a, b| (pos(a.head), pos(a.tail), &a.label).cmp(&(pos(b.head), pos(b.tail), &b.label)));
        out
    }

    /// The mentions' name keys when the memory holds something (else none:
    /// the memory says nothing).
    fn keys(memory: &RelationMemory, text: &Text, mentions: &[Mention]) -> Vec<NameKey> {
        if memory.is_empty() { Vec::new() } else { name_keys(text, mentions) }
    }

    /// The candidate pairs whose mentions stand together as the memory
    /// counts them (in one sentence), `(first, second)`.
    fn together(&self, text: &Text, mentions: &[Mention]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let layout = Layout::new(text);
        self.each_pair(text, &layout, mentions, |first, second, pair, _| {
            if stands_together(pair) {
                out.push((first, second));
            }
        });
        out
    }

    /// Calls `visit(first, second, words, mentions between)` for each
    /// candidate pair, `first` before `second` in the text.
    fn each_pair<'a>(
        &self,
        text: &Text,
        layout: &'a Layout,
        mentions: &'a [Mention],
        mut visit: impl FnMut(usize, usize, &PairText<'a>, usize),
    ) {
        let order = by_position(mentions);
        for (a, &i) in order.iter().enumerate() {
            let Some(first) = mentions.get(i) else { continue };
            for (b, &j) in order.iter().enumerate().skip(a + 1) {
                let Some(second) = mentions.get(j) else { continue };
                if first.end > second.start {
                    continue;
                }
                let Some(mut pair) = PairText::new(text, layout, first, second) else { continue };
                let inside = order.get(a + 1..b).unwrap_or(&[]).iter().filter_map(|&k| mentions.get(k)).filter(|m| m.start >= first.end);
                pair.set_mentions_between(text, layout, inside, second);
                if pair.crosses_line || pair.between_word_count() > MAX_WORDS_APART {
                    break;
                }
                visit(i, j, &pair, b - a - 1);
            }
        }
    }

    /// The features of the relation `head → tail` labelled `label`, and
    /// whether its mentions stand together for the memory, or `None` when
    /// the pair is no candidate (overlapping, on two lines, too far apart)
    /// or the schema does not allow it.
    #[allow(clippy::too_many_arguments)]
    fn features_of(
        &self,
        text: &Text,
        layout: &Layout,
        mentions: &[Mention],
        schema: &Schema,
        head: usize,
        tail: usize,
        label: &str,
    ) -> Option<(Features, bool)> {
        let (h, t) = (mentions.get(head)?, mentions.get(tail)?);
        let rel = schema.relation(label).filter(|r| r.allows(&h.label, &t.label))?;
        let forward = (h.start, h.end) <= (t.start, t.end);
        let (first, second) = if forward { (head, tail) } else { (tail, head) };
        // A symmetric label is read from the first mention.
        let dir = if forward || rel.symmetric { Dir::Forward } else { Dir::Backward };
        let (fm, sm) = (mentions.get(first)?, mentions.get(second)?);
        let mut pair = PairText::new(text, layout, fm, sm)?;
        let inside: Vec<&Mention> = mentions.iter().filter(|m| m.start >= fm.end && m.end <= sm.start).collect();
        let between = inside.len();
        pair.set_mentions_between(text, layout, inside, sm);
        let fired = fire(&pair, &fm.label, &sm.label);
        let (hl, tl) = if dir == Dir::Forward { (&fm.label, &sm.label) } else { (&sm.label, &fm.label) };
        Some((features(&pair, PairFacts { label, dir, head: hl, tail: tl, mentions_between: between }, &fired), stands_together(&pair)))
    }

    /// The score of the relation `head → tail` labelled `label` (indices
    /// into `mentions`), whatever the threshold; `None` when the pair is no
    /// candidate (overlapping, on two lines, too far apart) or the schema
    /// does not allow it. The window ranks a drawn relation's types by it.
    /// A relation a pattern made from a mention nearer the tail, whose
    /// head the memory moves here
    /// ([`RelationMemory::remembered_ends`]), scores as `suggest` moves it.
    pub fn score_of(&self, text: &Text, mentions: &[Mention], schema: &Schema, head: usize, tail: usize, label: &str) -> Option<f32> {
        let layout = Layout::new(text);
        let (f, together) = self.features_of(text, &layout, mentions, schema, head, tail, label)?;
        let memory = self.memory.read().ok()?;
        let scorer = self.scorer.read().ok()?;
        let keys = Self::keys(&memory, text, mentions);
        let own = memory.recall(&keys, (head, tail), label, together, scorer.score(&f)).0;
        if !together || keys.is_empty() {
            return Some(own);
        }
        // The pattern's relations from a mention between to the tail, as
        // `suggest` moves them (whatever the threshold).
        let start = |i: usize| mentions.get(i).map(|m| m.start);
        let mut in_one_sentence = HashSet::from([(head, tail)]);
        let nearer: Vec<(RelationCandidate, bool)> = (0..mentions.len())
            .filter(|&j| j != head && j != tail && start(j) > start(head) && start(j) <= start(tail))
            .filter_map(|j| {
                let (fj, together_j) = self.features_of(text, &layout, mentions, schema, j, tail, label)?;
                if !together_j {
                    return None;
                }
                in_one_sentence.insert((j, tail));
                let recognizer = RecognizerName::Relations;
                Some((RelationCandidate { head: j, tail, label: label.to_owned(), score: scorer.score(&fj), recognizer }, false))
            })
            .collect();
        let moved = memory.remembered_ends(&keys, mentions, &in_one_sentence, nearer, movable(schema));
        Some(moved.iter().filter(|(c, _)| (c.head, c.tail) == (head, tail)).map(|(c, _)| c.score).fold(own, f32::max))
    }

    /// Learns from corrections on one document whose mentions are
    /// `mentions`. Relations the schema does not allow teach nothing.
    pub fn learn(&self, text: &Text, mentions: &[Mention], schema: &Schema, feedback: &[RelationFeedback]) {
        let mut examples: Vec<(Features, bool)> = Vec::new();
        let layout = Layout::new(text);
        for fb in feedback {
            let mut push = |label: &str, truth: bool| {
                if let Some((f, _)) = self.features_of(text, &layout, mentions, schema, fb.head, fb.tail, label) {
                    examples.push((f, truth));
                }
            };
            match &fb.verdict {
                Verdict::Accepted | Verdict::Drawn => push(&fb.label, true),
                Verdict::Rejected => push(&fb.label, false),
                Verdict::Retyped { from } => {
                    push(from, false);
                    push(&fb.label, true);
                }
            }
        }
        if let Ok(mut scorer) = self.scorer.write() {
            for (f, truth) in &examples {
                scorer.update(f, *truth);
            }
        }
        let symmetric = |label: &str| schema.relation(label).is_some_and(|r| r.symmetric);
        let decided: Vec<Decided> = feedback
            .iter()
            .flat_map(|fb| {
                let one = |label: &str, kept: bool| Decided {
                    head: fb.head,
                    tail: fb.tail,
                    label: label.to_owned(),
                    symmetric: symmetric(label),
                    kept,
                };
                match &fb.verdict {
                    Verdict::Accepted | Verdict::Drawn => vec![one(&fb.label, true)],
                    Verdict::Rejected => vec![one(&fb.label, false)],
                    Verdict::Retyped { from } => vec![one(from, false), one(&fb.label, true)],
                }
            })
            .collect();
        self.remember(text, mentions, &decided, false);
    }

    /// Has the memory learn decisions on a document (see
    /// [`RelationMemory::decide`]).
    fn remember(&self, text: &Text, mentions: &[Mention], decided: &[Decided], whole: bool) {
        let together = self.together(text, mentions);
        if let Ok(mut memory) = self.memory.write() {
            memory.decide(text, mentions, &together, decided, whole);
        }
    }

    /// Remembers relation suggestions the annotator rejected on a document
    /// (`(head, tail, label)` over `mentions`), for the memory alone: the
    /// window tells it those of the done documents when it relearns them
    /// ([`RelationEngine::learn_document`] tells it the relations kept).
    pub fn remember_rejected(&self, text: &Text, mentions: &[Mention], schema: &Schema, rejected: &[(usize, usize, String)]) {
        self.remember(text, mentions, &decisions(schema, rejected, false), false);
    }

    /// What the annotator did to this engine's suggestions on a document
    /// whose final relations are `gold` (`(head, tail, label)` over
    /// `mentions`): accepted, rejected, retyped (same head and tail) or
    /// drawn. Suggestions are made at `min_score`.
    pub fn feedback_for(
        &self,
        text: &Text,
        mentions: &[Mention],
        schema: &Schema,
        gold: &[(usize, usize, String)],
        min_score: f32,
    ) -> Vec<RelationFeedback> {
        let suggested = self.suggest(text, mentions, schema, min_score);
        let mut unmatched_gold: Vec<&(usize, usize, String)> = gold.iter().collect();
        let mut out = Vec::new();
        let mut retype_candidates = Vec::new();
        for s in suggested {
            if let Some(k) = unmatched_gold.iter().position(|g| g.0 == s.head && g.1 == s.tail && g.2 == s.label) {
                unmatched_gold.remove(k);
                out.push(RelationFeedback { head: s.head, tail: s.tail, label: s.label, verdict: Verdict::Accepted });
            } else {
                retype_candidates.push(s);
            }
        }
        for s in retype_candidates {
            if let Some(k) = unmatched_gold.iter().position(|g| g.0 == s.head && g.1 == s.tail) {
                let g = unmatched_gold.remove(k);
                out.push(RelationFeedback { head: s.head, tail: s.tail, label: g.2.clone(), verdict: Verdict::Retyped { from: s.label } });
            } else {
                out.push(RelationFeedback { head: s.head, tail: s.tail, label: s.label, verdict: Verdict::Rejected });
            }
        }
        for g in unmatched_gold {
            out.push(RelationFeedback { head: g.0, tail: g.1, label: g.2.clone(), verdict: Verdict::Drawn });
        }
        out
    }

    /// Learns from a corrected document whose mentions are `mentions` and
    /// whose relations the annotator kept or drew are `gold`
    /// (`(head, tail, label)` over `mentions`).
    ///
    /// Every candidate the engine could propose (each pair it reads, in each
    /// direction and label the schema allows) is an example: positive when
    /// `gold` holds it (a symmetric label in either direction), negative
    /// otherwise, so pairs no pattern covers teach as much as those it
    /// suggested. The scorer makes several passes over them
    /// ([`scorer::Scorer::train`]), whatever threshold suggestions are made
    /// at.
    pub fn learn_document(&self, text: &Text, mentions: &[Mention], schema: &Schema, gold: &[(usize, usize, String)]) {
        let holds = |head: usize, tail: usize, label: &str| {
            let symmetric = schema.relation(label).is_some_and(|r| r.symmetric);
            gold.iter().any(|g| g.2 == label && ((g.0 == head && g.1 == tail) || (symmetric && g.0 == tail && g.1 == head)))
        };
        let mut examples: Vec<(Features, bool)> = Vec::new();
        let mut allowed = Allowed::new(schema);
        let layout = Layout::with_words(text);
        self.each_pair(text, &layout, mentions, |first, second, pair, between| {
            let (Some(fm), Some(sm)) = (mentions.get(first), mentions.get(second)) else { return };
            let fired = fire(pair, &fm.label, &sm.label);
            let lexicon = lexicon_between(pair);
            for r in readings(&mut allowed, &fm.label, &sm.label) {
                let (head, tail) = if r.dir == Dir::Forward { (first, second) } else { (second, first) };
                let (hl, tl) = if r.dir == Dir::Forward { (&fm.label, &sm.label) } else { (&sm.label, &fm.label) };
                let facts = PairFacts { label: r.label, dir: r.dir, head: hl, tail: tl, mentions_between: between };
                examples.push((features_with(pair, facts, &fired, &lexicon), holds(head, tail, r.label)));
            }
        });
        if let Ok(mut scorer) = self.scorer.write() {
            scorer.train(&examples);
        }
        self.remember(text, mentions, &decisions(schema, gold, true), true);
    }
}

/// The memory's decisions of `relations` (`(head, tail, label)` over a
/// document's mentions), all kept or all rejected.
fn decisions(schema: &Schema, relations: &[(usize, usize, String)], kept: bool) -> Vec<Decided> {
    relations
        .iter()
        .map(|(head, tail, label)| Decided {
            head: *head,
            tail: *tail,
            label: label.clone(),
            symmetric: schema.relation(label).is_some_and(|r| r.symmetric),
            kept,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;

    fn doc(markup: &str) -> (Text, Vec<Mention>) {
        let (s, spans) = parse_markup(markup);
        (Text::new(s), spans.into_iter().map(|(a, b, l)| Mention { start: a, end: b, label: l }).collect())
    }

    fn suggested(engine: &RelationEngine, markup: &str) -> Vec<(usize, usize, String)> {
        let (text, m) = doc(markup);
        engine.suggest(&text, &m, &Schema::news(), 0.5).into_iter().map(|c| (c.head, c.tail, c.label)).collect()
    }

    #[test]
    fn proposes_what_the_patterns_say_and_the_schema_allows() {
        let e = RelationEngine::new();
        let r = suggested(
            &e,
            "[Ada Quill]{PER}, ministre de l'Énergie de la [Vornie]{GPE}, a rencontré jeudi à [Kessel]{GPE} son homologue [Boris Venn]{PER}.",
        );
        assert_eq!(r, [(0, 1, "ROLE_IN".into()), (0, 3, "MEETS".into())], "{r:?}");
        // The head is the second mention when the title comes first.
        let r = suggested(&e, "Le porte-parole du [Conseil vert]{ORG}, [Ada Quill]{PER}, a démenti.");
        assert_eq!(r, [(1, 0, "ROLE_IN".into())]);
        // No relation between a date and a person, whatever the words.
        assert!(suggested(&e, "[Ada Quill]{PER} a rencontré [mardi]{DATE} la presse.").is_empty());
    }

    /// `suggest` reads a whole document's words cut once and only the
    /// shipped weights; `score_of` cuts one pair's text on its own and makes
    /// every feature: the same scores, to the last bit.
    #[test]
    fn suggestions_score_as_each_pair_alone() {
        let e = RelationEngine::new();
        let schema = Schema::news();
        let (text, m) = doc(
            "[Ada Quill]{PER}, ministre de l'Énergie de la [Vornie]{GPE}, a rencontré jeudi à [Kessel]{GPE} son homologue [Boris Venn]{PER}.\n\
             Le porte-parole du [Conseil vert]{ORG}, [Cora Lind]{PER}, a démenti. [Dan Roe]{PER} s'est rendu à anti[Morvie]{GPE} le [3 mars]{DATE}.",
        );
        let all = e.suggest(&text, &m, &schema, 0.0);
        assert!(all.len() >= 6, "{all:?}");
        for c in all {
            assert_eq!(Some(c.score), e.score_of(&text, &m, &schema, c.head, c.tail, &c.label), "{c:?}");
        }
    }

    #[test]
    fn meets_runs_from_the_first_mention() {
        let e = RelationEngine::new();
        assert_eq!(suggested(&e, "[Boris Venn]{PER} a été reçu par [Ada Quill]{PER}."), [(0, 1, "MEETS".into())]);
    }

    #[test]
    fn scores_are_probabilities_and_threshold_applies() {
        let e = RelationEngine::new();
        let (text, m) = doc("[Ada Quill]{PER} a rencontré [Boris Venn]{PER}, puis [Cora Lind]{PER} a parlé.");
        let all = e.suggest(&text, &m, &Schema::news(), 0.0);
        assert!(all.iter().all(|c| (0.0..=1.0).contains(&c.score) && c.recognizer == RecognizerName::Relations));
        let kept = e.suggest(&text, &m, &Schema::news(), 0.5);
        assert_eq!(kept.len(), 1);
        assert!(all.len() > kept.len(), "lower scores exist below the threshold");
    }

    #[test]
    fn learns_a_relation_no_pattern_knows() {
        let e = RelationEngine::new();
        let schema = Schema::news();
        // "a sillonné" is in no visiting pattern; the annotator draws it.
        assert!(suggested(&e, "[Ada Quill]{PER} a sillonné la [Vornie]{GPE} cet été.").is_empty());
        for markup in [
            "[Ada Quill]{PER} a sillonné la [Vornie]{GPE} cet été.",
            "[Boris Venn]{PER} a sillonné le [Kessel]{GPE} en mai.",
            "[Cora Lind]{PER} a sillonné les [Lacs]{LOC} longtemps.",
        ] {
            let (text, m) = doc(markup);
            e.learn_document(&text, &m, &schema, &[(0, 1, "VISITS".into())]);
        }
        assert_eq!(e.updates(), 3);
        assert_eq!(suggested(&e, "[Dan Roe]{PER} a sillonné la [Morvie]{GPE} à vélo."), [(0, 1, "VISITS".into())]);
        assert!(
            suggested(&RelationEngine::new(), "[Dan Roe]{PER} a sillonné la [Morvie]{GPE} à vélo.").is_empty(),
            "a new engine has not learned it"
        );
    }

    #[test]
    fn what_the_scorer_learned_alone_is_suggested_only_from_a_surer_score() {
        let schema = Schema::news();
        let e = RelationEngine::new();
        // "a longé" is in no pattern: taught one article at a time, the
        // pair's score rises through the threshold and then past the floor.
        let (taught, tm) = doc("[Ada Quill]{PER} a longé la [Vornie]{GPE}. [Cora Lind]{PER} pense à la [Lormand]{GPE}.");
        let (text, m) = doc("[Boris Venn]{PER} a longé le [Kessel]{GPE}.");
        let score = |e: &RelationEngine| e.score_of(&text, &m, &schema, 0, 1, "VISITS").unwrap_or(0.0);
        let here = |e: &RelationEngine| e.suggest(&text, &m, &schema, DEFAULT_MIN_SCORE).len();
        let mut between = 0;
        for _ in 0..40 {
            if score(&e) >= LEARNED_ALONE_MIN_SCORE {
                break;
            }
            if score(&e) >= DEFAULT_MIN_SCORE {
                between += 1;
                assert_eq!(here(&e), 0, "scored {} by what was learned alone", score(&e));
            }
            e.learn_document(&taught, &tm, &schema, &[(0, 1, "VISITS".into())]);
        }
        assert!(between > 0, "the score never stood between the threshold and the floor");
        assert!(score(&e) >= LEARNED_ALONE_MIN_SCORE, "{}", score(&e));
        assert_eq!(here(&e), 1, "from the floor on it is suggested");
    }

    #[test]
    fn learns_from_every_candidate_pair_even_with_short_words() {
        let schema = Schema::news();
        // No pattern reads "est au", and every word around is short: the
        // pair, its labels, direction and distance must carry what the
        // annotator taught, and the other pairs (never suggested) are
        // negatives.
        let taught = "[Ada Quill]{PER} est au [Kessel]{GPE}. [Cora Lind]{PER} pense au [Vornie]{GPE}.";
        let shape = "[Boris Venn]{PER} est au [Lormand]{GPE}.";
        let other = "[Dan Roe]{PER} pense au [Morvie]{GPE}.";
        assert!(suggested(&RelationEngine::new(), taught).is_empty());
        let e = RelationEngine::new();
        let (text, m) = doc(taught);
        for _ in 0..2 {
            e.learn_document(&text, &m, &schema, &[(0, 1, "VISITS".into())]);
        }
        assert_eq!(e.updates(), 2);
        assert_eq!(suggested(&e, shape), [(0, 1, "VISITS".into())]);
        assert!(suggested(&e, other).is_empty(), "{:?}", suggested(&e, other));
        assert!(suggested(&RelationEngine::new(), shape).is_empty(), "a new engine has not learned it");
    }

    #[test]
    fn learning_a_document_is_deterministic_and_keeps_the_patterns() {
        let schema = Schema::news();
        let (text, m) = doc("[Ada Quill]{PER} a sillonné la [Vornie]{GPE}, puis [Boris Venn]{PER} a parlé.");
        let (a, b) = (RelationEngine::new(), RelationEngine::new());
        for e in [&a, &b] {
            e.learn_document(&text, &m, &schema, &[(0, 1, "VISITS".into())]);
        }
        let (t2, m2) = doc("[Cora Lind]{PER} a sillonné le [Kessel]{GPE} et [Dan Roe]{PER} a rencontré [Eve Marsh]{PER}.");
        let scores = |e: &RelationEngine| e.suggest(&t2, &m2, &schema, 0.0).into_iter().map(|c| c.score).collect::<Vec<f32>>();
        assert_eq!(scores(&a), scores(&b));
        // What one document taught does not drown a pattern it never saw.
        let r = a.suggest(&t2, &m2, &schema, DEFAULT_MIN_SCORE);
        assert!(r.iter().any(|c| c.head == 2 && c.tail == 3 && c.label == "MEETS"), "{r:?}");
    }

    #[test]
    fn remembers_the_names_a_relation_joined() {
        let schema = Schema::news();
        // Nothing in "parle de" says ROLE_IN; the annotator drew it.
        let (text, m) = doc("[Ada Quill]{PER} parle de la [Vornie]{GPE} avec [Boris Venn]{PER}.");
        let e = RelationEngine::new();
        e.learn_document(&text, &m, &schema, &[(0, 1, "ROLE_IN".into())]);
        // The same names in one sentence, the person by surname alone.
        let next = "[Ada Quill]{PER} est revenue. Selon [Quill]{PER}, la [Vornie]{GPE} tient bon.";
        let (t2, m2) = doc(next);
        let r = e.suggest(&t2, &m2, &schema, DEFAULT_MIN_SCORE);
        assert_eq!(r.iter().map(|c| (c.head, c.tail, c.label.as_str())).collect::<Vec<_>>(), [(1, 2, "ROLE_IN")], "{r:?}");
        assert_eq!(r[0].recognizer, RecognizerName::RelationMemory);
        assert!(suggested(&RelationEngine::new(), next).is_empty(), "a new engine knows nothing of them");
        // Other names in the same words are not related by the memory.
        assert!(suggested(&e, "Selon [Cora Lind]{PER}, la [Morvie]{GPE} tient bon.").is_empty());
        // Scores of a drawn relation's types follow the memory too.
        let before = RelationEngine::new().score_of(&t2, &m2, &schema, 1, 2, "ROLE_IN");
        assert!(e.score_of(&t2, &m2, &schema, 1, 2, "ROLE_IN") > before);
    }

    #[test]
    fn the_memory_alone_relates_names_only_where_the_words_between_could_say_it() {
        let schema = Schema::news();
        let e = RelationEngine::new();
        // Nothing in "parle de" says ROLE_IN to the patterns; the annotator drew it.
        let (text, m) = doc("[Ada Quill]{PER} parle de la [Vornie]{GPE} avec [Boris Venn]{PER}.");
        e.learn_document(&text, &m, &schema, &[(0, 1, "ROLE_IN".into())]);
        let roles = |markup: &str| {
            let (t, m) = doc(markup);
            e.suggest(&t, &m, &schema, DEFAULT_MIN_SCORE).into_iter().map(|c| (c.head, c.tail, c.label)).collect::<Vec<_>>()
        };
        // The same names, a word seen between related names (its stem).
        assert_eq!(roles("[Ada Quill]{PER} parlera de la [Vornie]{GPE}."), [(0, 1, "ROLE_IN".into())]);
        // Side by side: nothing between could say otherwise.
        assert_eq!(roles("[Ada Quill]{PER}, [Vornie]{GPE}."), [(0, 1, "ROLE_IN".into())]);
        // Words never seen between related names: the memory alone is silent.
        assert!(roles("[Ada Quill]{PER} redoute une crise en [Vornie]{GPE}.").is_empty());
        // A drawn relation's types are still ranked with the memory.
        let (t, m) = doc("[Ada Quill]{PER} redoute une crise en [Vornie]{GPE}.");
        assert_eq!(e.score_of(&t, &m, &schema, 0, 1, "ROLE_IN").map(|s| s > DEFAULT_MIN_SCORE), Some(true));
    }

    #[test]
    fn a_pattern_end_moves_to_the_name_the_annotator_related_before() {
        let schema = Schema::news();
        let e = RelationEngine::new();
        let visits = |e: &RelationEngine, markup: &str| {
            suggested(e, markup).into_iter().filter(|r| r.2 == "VISITS").map(|r| (r.0, r.1)).collect::<Vec<_>>()
        };
        let next = "[Ada Quill]{PER} a été accueillie par [Boris Venn]{PER} lors d'une visite officielle en [Vornie]{GPE}.";
        // Shipped, the person nearest the trigger is the visitor.
        assert_eq!(visits(&e, next), [(1, 2)]);
        // An earlier article: the annotator related Ada Quill and Vornie so.
        let (text, m) = doc("[Ada Quill]{PER} s'est rendue en [Vornie]{GPE} mardi.");
        e.learn_document(&text, &m, &schema, &[(0, 1, "VISITS".into())]);
        assert_eq!(visits(&e, next), [(0, 2)]);
        let (t, m) = doc(next);
        let r = e.suggest(&t, &m, &schema, DEFAULT_MIN_SCORE);
        assert!(r.iter().any(|c| (c.head, c.tail) == (0, 2) && c.recognizer == RecognizerName::RelationMemory), "{r:?}");
        // A drawn relation's types are ranked by the same score.
        let moved = r.iter().find(|c| (c.head, c.tail) == (0, 2)).map(|c| c.score);
        assert_eq!(e.score_of(&t, &m, &schema, 0, 2, "VISITS"), moved);
        // Names the memory never related there leave the pattern's choice.
        assert_eq!(
            visits(&e, "[Cora Lind]{PER} a été accueillie par [Boris Venn]{PER} lors d'une visite officielle en [Vornie]{GPE}."),
            [(1, 2)]
        );
        // In English too.
        let english = "[Ada Quill]{PER} was welcomed by [Boris Venn]{PER} on an official visit to [Vornie]{GPE}.";
        assert_eq!(visits(&RelationEngine::new(), english), [(1, 2)]);
        assert_eq!(visits(&e, english), [(0, 2)]);
        // The words right after a trigger name what it is about: a tail
        // there stays, even where the head was related to an earlier name.
        let (text, m) = doc("[Ada Quill]{PER} dirige la [Morvie]{GPE}.");
        e.learn_document(&text, &m, &schema, &[(0, 1, "ROLE_IN".into())]);
        let roles = |markup: &str| suggested(&e, markup).into_iter().filter(|r| r.2 == "ROLE_IN").map(|r| (r.0, r.1)).collect::<Vec<_>>();
        assert_eq!(roles("En [Morvie]{GPE}, le porte-parole du [Conseil vert]{ORG}, [Ada Quill]{PER}, a démenti."), [(2, 1)]);
        // So does a pair the annotator related too: both stay.
        let (text, m) = doc("[Boris Venn]{PER} est arrivé en [Vornie]{GPE}.");
        e.learn_document(&text, &m, &schema, &[(0, 1, "VISITS".into())]);
        assert_eq!(visits(&e, next), [(1, 2)]);
    }

    #[test]
    fn a_remembered_rejection_suppresses_the_relation_between_those_names() {
        let schema = Schema::news();
        let e = RelationEngine::new();
        let (text, m) = doc("[Ada Quill]{PER} appelle à soutenir la [Vornie]{GPE}, dit [Boris Venn]{PER}.");
        let shipped = e.suggest(&text, &m, &schema, DEFAULT_MIN_SCORE);
        assert!(shipped.iter().any(|c| (c.head, c.tail, c.label.as_str()) == (0, 1, "SUPPORTS")), "{shipped:?}");
        e.learn(&text, &m, &schema, &[RelationFeedback { head: 0, tail: 1, label: "SUPPORTS".into(), verdict: Verdict::Rejected }]);
        let again = "[Ada Quill]{PER} veut soutenir la [Vornie]{GPE}.";
        assert!(!suggested(&e, again).contains(&(0, 1, "SUPPORTS".into())), "{:?}", suggested(&e, again));
        // The same words between other names still say SUPPORTS.
        assert_eq!(suggested(&e, "[Cora Lind]{PER} veut soutenir la [Morvie]{GPE}."), [(0, 1, "SUPPORTS".into())]);
    }

    #[test]
    fn learns_from_rejections_and_retypes() {
        let e = RelationEngine::new();
        let schema = Schema::news();
        let markup = "[Vornie]{GPE} contre toute attente appuie [Kessel]{GPE}.";
        let before = suggested(&e, markup);
        assert_eq!(before.len(), 1, "{before:?}");
        let (text, m) = doc(markup);
        let fb = e.feedback_for(&text, &m, &schema, &[(0, 1, "SUPPORTS".into())], 0.5);
        assert!(
            matches!(fb.as_slice(), [RelationFeedback { verdict: Verdict::Retyped { .. }, .. }]) || before[0].2 == "SUPPORTS",
            "{fb:?}"
        );
        for _ in 0..4 {
            e.learn_document(&text, &m, &schema, &[(0, 1, "SUPPORTS".into())]);
        }
        assert_eq!(suggested(&e, markup), [(0, 1, "SUPPORTS".into())]);
        // Rejected: the same words stop suggesting it.
        let other = "[Ada Quill]{PER} rencontre souvent [Boris Venn]{PER} au marché.";
        assert_eq!(suggested(&e, other).len(), 1);
        let (text, m) = doc(other);
        for _ in 0..6 {
            e.learn_document(&text, &m, &schema, &[]);
        }
        assert!(suggested(&e, other).is_empty());
    }
}
