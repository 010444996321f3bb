//! Entity suggestions: recognizers propose spans, the engine combines them
//! into one ranked, non-overlapping list, and learns from corrections.
//!
//! Owns: [`Candidate`], the [`Recognizer`] trait, the [`Engine`] and its
//! [`Policy`] for combining recognizers (in `combine`: [`combine_in`],
//! [`resolve_overlaps`], and [`merge_external`] for a recommender's
//! candidates), plus the pieces the recognizers are made of: the word lists
//! ([`lexicon`]), the gazetteer ([`gazetteer`], data compiled in from
//! `assets/gazetteer/`), the rule recognizers ([`patterns`] for dates and
//! titled persons, [`capitals`] for the capitalisation heuristic), the
//! statistical tagger ([`tagger`], its features in [`features`], its model
//! compiled in from `assets/model/ner-fr.bin`), the user's [`memory`], and
//! the protocol to a user's own recommender ([`external`]). Relations
//! between the spans are proposed, and learned, by [`relations`]. They all read
//! the text through the model's tokenizer ([`crate::model::tokenize`],
//! re-exported here as [`tokenize()`]).
//!
//! Must not touch: the UI, the store, files (data and models are compiled
//! in or come as bytes); of the crate it uses [`crate::model`] only.
//! Threads and processes, where they are and nowhere else:
//! - [`external`] starts the user's recommender as a subprocess (with one
//!   thread reading its answers) or connects to it on this machine over
//!   HTTP, and never waits longer than its timeout;
//! - training the tagger ([`tagger::Tagger::train_with`]) extracts features
//!   on scoped threads, joined before it learns.
//!
//! Everything else runs on the caller's thread. The [`Engine`] may be
//! shared between threads: the recognizers that learn (the tagger, the
//! memory) keep what they learn behind a lock.
//!
//! How the built-in engine combines ([`combine_in`], [`Policy`]):
//! - the tagger's spans are the base. A rule's candidate that overlaps a
//!   tagger span replaces it only from the rule's `overrides_at` on, and a
//!   rule's candidate where the tagger found nothing is kept from its
//!   `alone_at` on; where a rule agrees exactly with the tagger, the span
//!   keeps the higher of the two scores;
//! - the built-in [`Policy`] was tuned on a held-out tenth of the training
//!   corpus (never on evaluation data), where no rule beats the tagger when
//!   they disagree: no rule overrides it; multi-word gazetteer names (`mer
//!   Noire`, `péninsule coréenne`) are kept where the tagger found nothing,
//!   harmless there; so are dates (`dimanche`, `juillet`), which WiNER
//!   leaves out when they stand alone but the guidelines annotate. Titles
//!   and capitals are only heard on English lines (below), so they are only
//!   run there. One exception, by construction rather than tuning: a date
//!   whose overlapping tagger spans are all dates inside it replaces them
//!   (`2022-08-06`, which the tagger cuts into `2022` and `08`);
//! - the tagger is trained on French: on English lines (more English than
//!   French function words, [`lexicon::Lexicon::english_ranges`]) it is not
//!   heard and the rules compete by score, as without a tagger;
//! - a label the schema lacks (the shipped model's and the gazetteer's
//!   `ORG` in a project that calls organisations `INST`) is suggested as
//!   the project's label that the corrected documents gave such candidates
//!   most often ([`Engine::label_votes`], learned online and kept in a
//!   project model), else dropped; a rule's candidates of it only while
//!   that label is what they, or those of their name's shape, most often
//!   were ([`Engine::rule_votes`], [`votes`]),
//!   and then they replace the tagger spans lying inside them (the tagger
//!   never learned the label from the corrections' few names) and are
//!   kept where it found nothing;
//! - the head-noun rule ([`heads`]: `Cour suprême`, `Armée syrienne
//!   libre`) is heard only once the corrected documents gave its candidates
//!   of a label that label more often than anything else, no span
//!   included, then as a mapped label is;
//! - names the user taught ([`memory`]) win, except inside a longer tagger
//!   span (the longer name wins); the user's rejections veto the same text
//!   with the same label;
//! - without a tagger, the best-scored of overlapping candidates win, as the
//!   rule scores order them: titled persons (0.76–0.93), dates (0.45–0.95),
//!   gazetteer names (0.74–0.9), the capitalisation heuristic (0.2–0.5), and
//!   a head noun with a known name (`Banque de France`, 0.92).
//!
//! Learning ([`Engine::learn`]): the tagger takes one small perceptron step
//! on the corrected document, the memory remembers its names and the
//! suggestions the user removed. Measured by simulating a user on topics
//! held out of the training corpus, this lowers the correction effort of
//! later documents of the same topic (by half on one topic, a few percent
//! on others) and costs about 1 % on unrelated documents.
//!
//! Nothing here indexes a slice in a way that can panic: a lint keeps it so
//! (tests may).

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]
#![deny(missing_docs)]

pub mod capitals;
mod combine;
pub mod external;
pub mod features;
pub mod gazetteer;
pub mod heads;
pub mod learning;
pub mod lexicon;
pub mod memory;
mod names;
pub mod patterns;
pub mod relations;
pub mod tagger;
pub mod votes;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock, RwLock};

pub use crate::model::tokenize::{Token, TokenKind, Tokenized, tokenize};
pub use capitals::CapitalsRecognizer;
use combine::combine_preferring;
pub use combine::{Policy, RulePolicy, combine, combine_in, merge_external, resolve_overlaps};
pub use gazetteer::{Gazetteer, GazetteerRecognizer};
pub use heads::HeadsRecognizer;
pub use memory::{Memory, MemoryRecognizer};
pub use patterns::{DateRecognizer, TitleRecognizer};
pub use relations::{Mention, RelationCandidate, RelationEngine};
pub use tagger::{Tagger, TaggerError, TaggerRecognizer, TrainOptions, train_from_dataset};

pub use crate::model::RecognizerName;
use crate::model::{CharIdx, Schema, Text};
use combine::{NEVER, overlaps_any};

/// The built-in tagger model (see `assets/model/README.md`).
pub const BUILTIN_MODEL: &[u8] = include_bytes!("../../assets/model/ner-fr.bin");

/// One proposed span.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// First code point.
    pub start: CharIdx,
    /// One past the last code point.
    pub end: CharIdx,
    /// Entity label.
    pub label: String,
    /// Confidence in `[0, 1]`; higher wins overlaps.
    pub score: f32,
    /// The recognizer that proposed it.
    pub recognizer: RecognizerName,
}

impl Candidate {
    /// Length in code points.
    pub fn len_chars(&self) -> usize {
        self.end.distance_from(self.start)
    }
}

/// What the user did with one document's suggestions: the spans they kept
/// or made, and the suggestions they removed. Spans are `(start, end,
/// label)` in code points.
#[derive(Clone, Copy, Debug)]
pub struct Feedback<'a> {
    /// The document's final spans.
    pub gold: &'a [(CharIdx, CharIdx, String)],
    /// The engine's suggestions that no gold span overlaps (no entity there).
    pub rejected: &'a [(CharIdx, CharIdx, String)],
}

/// Something that proposes spans for a text.
pub trait Recognizer: Send + Sync {
    /// Which recognizer this is, stored as a suggestion's origin.
    fn name(&self) -> RecognizerName;

    /// Proposes spans for a text; they may overlap.
    fn recognize(&self, text: &Text) -> Vec<Candidate>;

    /// The same on tokens already made from the text by [`Tokenized::new`]
    /// (the engine tokenizes once for all recognizers). The default ignores
    /// the tokens.
    fn recognize_tokens(&self, text: &Text, tokens: &Tokenized) -> Vec<Candidate> {
        let _ = tokens;
        self.recognize(text)
    }

    /// Learns from a corrected document. The default learns nothing.
    fn learn(&self, text: &Text, feedback: &Feedback<'_>) {
        let _ = (text, feedback);
    }

    /// Learns that `name` is a `label`. The default learns nothing.
    fn remember(&self, name: &str, label: &str) {
        let _ = (name, label);
    }

    /// For a recognizer that learns a language (the tagger): true when it
    /// was trained on texts in `language` (`en`, `fr` or `other`,
    /// [`tagger::language_of`]). The default is false: rules are heard on
    /// every line, a tagger that does not know English is not heard on
    /// English lines.
    fn knows_language(&self, language: &str) -> bool {
        let _ = language;
        false
    }

    /// For a learned recognizer (the tagger): true when it was trained with
    /// the rules' proposals as features (a project's model), so that what
    /// it leaves out is a decision, and the rules' candidates may fill in
    /// where it found nothing. The default is false.
    fn learned_the_rules(&self) -> bool {
        false
    }

    /// Learns that `name` is not a `label` (the user cut or removed such a
    /// suggestion). The default learns nothing.
    fn reject(&self, name: &str, label: &str) {
        let _ = (name, label);
    }

    /// False when [`Recognizer::vetoes`] is false for every name (the
    /// engine then skips asking). The default is false.
    fn can_veto(&self) -> bool {
        false
    }

    /// True when suggestions of `name` as a `label` should be dropped (the
    /// user removed them). The default vetoes nothing.
    fn vetoes(&self, name: &str, label: &str) -> bool {
        let _ = (name, label);
        false
    }
}

/// What [`Engine::gather`] found.
struct Gathered {
    /// Every candidate.
    all: Vec<Candidate>,
    /// Where the tagger was not heard.
    english: Vec<(CharIdx, CharIdx)>,
    /// Whether the tagger learned the rules, whose candidates then fill in
    /// where it found nothing.
    fills_in: bool,
}

/// The built-in engine: combines recognizers into one ranked,
/// non-overlapping list.
pub struct Engine {
    recognizers: Vec<Box<dyn Recognizer>>,
    policy: Policy,
    /// `(recognizer's label, project's label) → votes`: how often a
    /// candidate with the first label was a corrected span with the second
    /// ([`Engine::label_votes`]).
    label_votes: RwLock<BTreeMap<(String, String), i32>>,
    /// `(recognizer, its label, project's label or "" for no span) →
    /// count` ([`Engine::rule_votes`]).
    rule_votes: RwLock<BTreeMap<(String, String, String), i32>>,
}

/// A label the schema lacks is suggested as the project's label that at
/// least this many corrected spans gave its candidates.
pub const LABEL_MAP_VOTES: i32 = 2;

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self.recognizer_names().iter().map(ToString::to_string).collect();
        f.debug_struct("Engine").field("recognizers", &names).finish()
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::builtin()
    }
}

/// The built-in model, read once.
fn builtin_tagger() -> Option<&'static Tagger> {
    static TAGGER: OnceLock<Option<Tagger>> = OnceLock::new();
    TAGGER.get_or_init(|| Tagger::from_bytes(BUILTIN_MODEL).ok()).as_ref()
}

impl Engine {
    /// All built-in recognizers: the tagger with the built-in model, the
    /// memory, gazetteer, dates, titles and capitals.
    pub fn builtin() -> Self {
        Self::with_tagger(builtin_tagger().cloned())
    }

    /// The built-in recognizers with a tagger model read from `bytes`
    /// (made by [`Tagger::to_bytes`], e.g. by `spanlab train`).
    pub fn with_model(bytes: &[u8]) -> Result<Self, TaggerError> {
        Ok(Self::with_tagger(Some(Tagger::from_bytes(bytes)?)))
    }

    /// The rule recognizers, the memory and, when given, a tagger. The
    /// memory starts from the names the tagger's corpus taught
    /// ([`Tagger::names`]), the head-noun rule from where they end.
    pub fn with_tagger(tagger: Option<Tagger>) -> Self {
        Self::with_tagger_named(tagger, RecognizerName::Tagger)
    }

    /// [`Engine::with_tagger`], the tagger's suggestions marked with `name`
    /// (provenance: [`RecognizerName::model`] for a model read from a file).
    pub fn with_tagger_named(tagger: Option<Tagger>, name: RecognizerName) -> Self {
        let memory = match &tagger {
            Some(t) if !t.names().is_empty() => MemoryRecognizer::with_memory(learning::memory_of(t)),
            _ => MemoryRecognizer::new(),
        };
        let votes: BTreeMap<(String, String), i32> =
            tagger.as_ref().map(|t| t.label_votes().iter().map(|(a, b, n)| ((a.clone(), b.clone()), *n)).collect()).unwrap_or_default();
        let rules: BTreeMap<(String, String, String), i32> = tagger
            .as_ref()
            .map(|t| t.rule_votes().iter().map(|(r, l, to, n)| ((r.clone(), l.clone(), to.clone()), *n)).collect())
            .unwrap_or_default();
        let heads = HeadsRecognizer::with_ends(tagger.as_ref().map(|t| t.name_ends().clone()).unwrap_or_default());
        let engine = Self::assemble(tagger.map(|t| (t, name)), memory, heads);
        if let Ok(mut v) = engine.label_votes.write() {
            *v = votes;
        }
        if let Ok(mut v) = engine.rule_votes.write() {
            *v = rules;
        }
        engine
    }

    /// The built-in recognizers over a tagger (if any, with its name), a
    /// memory and a head-noun rule.
    fn assemble(tagger: Option<(Tagger, RecognizerName)>, memory: MemoryRecognizer, heads: HeadsRecognizer) -> Self {
        let gazetteer = Gazetteer::for_rules();
        let mut recognizers: Vec<Box<dyn Recognizer>> = Vec::new();
        if let Some((t, name)) = tagger {
            recognizers.push(Box::new(TaggerRecognizer::named(Arc::new(RwLock::new(t)), name)));
        }
        recognizers.push(Box::new(memory));
        recognizers.push(Box::new(GazetteerRecognizer::new(gazetteer.clone())));
        recognizers.push(Box::new(DateRecognizer::new()));
        recognizers.push(Box::new(TitleRecognizer::new()));
        recognizers.push(Box::new(CapitalsRecognizer::new(gazetteer)));
        recognizers.push(Box::new(heads));
        Self::with(recognizers)
    }

    /// The rule recognizers only (gazetteer, dates, titles, capitals).
    pub fn rules() -> Self {
        let gazetteer = Gazetteer::for_rules();
        Self::with(vec![
            Box::new(GazetteerRecognizer::new(gazetteer.clone())),
            Box::new(DateRecognizer::new()),
            Box::new(TitleRecognizer::new()),
            Box::new(CapitalsRecognizer::new(gazetteer)),
        ])
    }

    /// An engine over the given recognizers (earlier ones win exact ties),
    /// combined by the default [`Policy`].
    pub fn with(recognizers: Vec<Box<dyn Recognizer>>) -> Self {
        Self { recognizers, policy: Policy::default(), label_votes: RwLock::default(), rule_votes: RwLock::default() }
    }

    /// What the corrected documents call the recognizers' labels:
    /// `(recognizer's label, project's label, votes)`, sorted. A candidate
    /// of any recognizer but the memory whose span a corrected document
    /// has exactly is a vote for that span's label. A label the schema
    /// lacks (the shipped model's and the gazetteer's `ORG` in a project
    /// that calls organisations `INST`) is then suggested as the project's
    /// label with the most votes, from [`LABEL_MAP_VOTES`] on; without,
    /// such candidates are dropped.
    pub fn label_votes(&self) -> Vec<learning::LabelVote> {
        let votes = self.label_votes.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        votes.iter().map(|((a, b), n)| (a.clone(), b.clone(), *n)).collect()
    }

    /// What each rule's candidates were in the corrected documents:
    /// `(recognizer, label, project's label, count)`, sorted, the empty
    /// project label counting candidates whose span no corrected document
    /// has (the tagger's and the memory's are not counted). A rule's
    /// candidates of a label the schema lacks are suggested as the
    /// project's label ([`Engine::label_votes`]) only while that is what
    /// they most often were, no span included (the capitalisation rule's
    /// `ORG` runs, which a project annotates as places more often than as
    /// organisations, are not), or that is what candidates of their name's
    /// shape most often were (its acronyms, its names of several words:
    /// counted under `capitals@acronym`, … see [`votes`]). A rule never
    /// seen is given the benefit of the doubt.
    pub fn rule_votes(&self) -> Vec<learning::RuleVote> {
        let votes = self.rule_votes.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        votes.iter().map(|((r, l, to), n)| (r.clone(), l.clone(), to.clone(), *n)).collect()
    }

    /// True when the corrections trust `c`'s recognizer with its label as
    /// `project_label`, by the shape of its name too ([`votes::trusted`]).
    fn trusted(&self, text: &Text, c: &Candidate, project_label: &str) -> bool {
        let votes = self.rule_votes.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        votes::trusted(&votes, &c.recognizer.to_string(), text.slice(c.start, c.end).unwrap_or(""), &c.label, project_label)
    }

    /// The project's label for a recognizer's label the schema lacks
    /// ([`Engine::label_votes`]).
    fn mapped_label(&self, label: &str, schema: &Schema) -> Option<String> {
        let votes = self.label_votes.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        votes
            .range((label.to_owned(), String::new())..)
            .take_while(|((from, _), _)| from == label)
            .filter(|((_, to), n)| **n >= LABEL_MAP_VOTES && schema.entity(to).is_some())
            // Most votes; among equals, the first label.
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.1.cmp(&a.0.1)))
            .map(|((_, to), _)| to.clone())
    }

    /// The same engine with another combination policy.
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// The combination policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The recognizers' names, in order.
    pub fn recognizer_names(&self) -> Vec<RecognizerName> {
        self.recognizers.iter().map(|r| r.name()).collect()
    }

    /// Every recognizer's candidates, in bounds and with a finite score, in
    /// recognizer order (overlapping, not combined). A tagger that does not
    /// know English is not heard on English lines.
    pub fn candidates(&self, text: &Text) -> Vec<Candidate> {
        self.gather(text, &Tokenized::new(text.as_str())).all
    }

    /// Every recognizer's candidates, and where the tagger was not heard.
    fn gather(&self, text: &Text, doc: &Tokenized) -> Gathered {
        let len = text.len_chars();
        let taggers = || self.recognizers.iter().filter(|r| r.name().is_tagger());
        let has_tagger = taggers().next().is_some();
        let hears_english = taggers().any(|r| r.knows_language("en"));
        let fills_in = taggers().any(|r| r.learned_the_rules());
        let english_tokens = if hears_english { Vec::new() } else { lexicon::Lexicon::get().english_ranges(doc) };
        let english: Vec<(CharIdx, CharIdx)> = english_tokens
            .iter()
            .filter_map(|r| {
                let first = doc.get(r.start)?;
                let last = doc.get(r.end.checked_sub(1)?)?;
                Some((first.start, last.end))
            })
            .collect();
        // Rules whose candidates the policy never keeps where the tagger is
        // heard only read the English lines (all lines when the tagger
        // learned the rules: their candidates fill in where it found
        // nothing).
        let mut english_doc: Option<Tokenized> = None;
        let mut all = Vec::new();
        for r in &self.recognizers {
            let name = r.name();
            let is_tagger = name.is_tagger();
            let unheard_only =
                !fills_in && has_tagger && self.policy.rule(&name).is_some_and(|p| p.overrides_at >= NEVER && p.alone_at >= NEVER);
            let found = if unheard_only {
                if english.is_empty() {
                    continue;
                }
                let sub = english_doc.get_or_insert_with(|| {
                    let tokens = english_tokens.iter().flat_map(|r| doc.tokens().get(r.clone()).unwrap_or(&[]).iter().copied()).collect();
                    Tokenized::from_tokens(text.as_str(), tokens)
                });
                r.recognize_tokens(text, sub)
            } else {
                r.recognize_tokens(text, doc)
            };
            all.extend(
                found
                    .into_iter()
                    .filter(|c| c.start < c.end && c.end.get() <= len && c.score.is_finite() && !(is_tagger && overlaps_any(&english, c))),
            );
        }
        Gathered { all, english, fills_in }
    }

    /// The policy to combine gathered candidates by: the engine's, or, when
    /// the tagger learned the rules (a project's model, trained with their
    /// proposals as features), one that keeps the rules' candidates
    /// wherever the tagger found nothing.
    fn policy_for(&self, g: &Gathered) -> std::borrow::Cow<'_, Policy> {
        if !g.fills_in {
            return std::borrow::Cow::Borrowed(&self.policy);
        }
        let mut p = self.policy.clone();
        for r in &mut p.rules {
            r.alone_at = r.alone_at.min(0.0);
            r.alone_words = 1;
        }
        std::borrow::Cow::Owned(p)
    }

    /// Non-overlapping candidates sorted by (start, end), only labels the
    /// schema has, score >= min_score.
    pub fn suggest(&self, text: &Text, schema: &Schema, min_score: f32) -> Vec<Candidate> {
        self.suggest_tokenized(text, &Tokenized::new(text.as_str()), schema, min_score)
    }

    /// [`Engine::suggest`] on the text's tokens, made by [`Tokenized::new`]
    /// (a caller that reads the tokens again, as the relation engine does,
    /// tokenizes once).
    pub fn suggest_tokenized(&self, text: &Text, doc: &Tokenized, schema: &Schema, min_score: f32) -> Vec<Candidate> {
        let g = self.gather(text, doc);
        let policy = self.policy_for(&g);
        let can_veto = self.recognizers.iter().any(|r| r.can_veto());
        let mut mapped = Vec::new();
        let all: Vec<Candidate> = g
            .all
            .into_iter()
            .filter_map(|mut c| {
                let lacks = schema.entity(&c.label).is_none();
                let heads = c.recognizer.as_str() == heads::HEADS;
                let own_label = c.label.clone();
                if lacks {
                    // A label the schema lacks: the project's name for it, if the
                    // corrections gave one and trust this recognizer's candidates
                    // (of this shape: `votes`).
                    let to = (c.recognizer != RecognizerName::Memory).then(|| self.mapped_label(&c.label, schema)).flatten()?;
                    if !self.trusted(text, &c, &to) {
                        return None;
                    }
                    c.label = to;
                }
                if heads && !self.vouched(&c, &own_label) {
                    return None;
                }
                Some((c, lacks || heads))
            })
            .filter(|(c, _)| !self.vetoed(text, c, can_veto))
            .map(|(c, lacks)| {
                // A rule's candidate of a mapped label: the tagger, which never
                // learned the label from the corrections' few names, does not
                // outrank it (see `combine`).
                mapped.push(lacks && !c.recognizer.is_tagger());
                c
            })
            .collect();
        let mut out = combine_preferring(Some(text), all, &policy, &g.english, &mapped);
        if schema.entity("PER").is_some() {
            out = self.complete_persons(text, doc, out, can_veto);
        }
        out.retain(|c| c.score >= min_score);
        out
    }

    fn vetoed(&self, text: &Text, c: &Candidate, can_veto: bool) -> bool {
        if !can_veto || c.recognizer == RecognizerName::Memory {
            return false;
        }
        let Some(name) = text.slice(c.start, c.end) else {
            return false;
        };
        self.recognizers.iter().any(|r| r.vetoes(name, &c.label))
    }

    /// Learns from a corrected document: `gold` holds every span the
    /// document should have. The tagger takes perceptron steps towards it,
    /// the memory remembers its names, and the engine's own suggestions
    /// that are not in it are remembered as rejected. Later suggestions
    /// change at once (the engine may be shared between threads).
    pub fn learn(&self, text: &Text, gold: &[(CharIdx, CharIdx, String)]) {
        self.learn_from(text, gold, true);
    }

    /// [`Engine::learn`] without the tagger: only the memory learns the
    /// document's names and what it left out of the engine's suggestions.
    pub fn learn_names(&self, text: &Text, gold: &[(CharIdx, CharIdx, String)]) {
        self.learn_from(text, gold, false);
    }

    fn learn_from(&self, text: &Text, gold: &[(CharIdx, CharIdx, String)], tagger_too: bool) {
        self.count_label_votes(text, gold);
        let suggested = self.suggest_all_labels(text);
        // Gold spans as a sorted list of disjoint-or-not ranges, merged.
        let mut covered: Vec<(CharIdx, CharIdx)> = gold.iter().map(|(a, b, _)| (*a, *b)).collect();
        covered.sort();
        let mut merged: Vec<(CharIdx, CharIdx)> = Vec::with_capacity(covered.len());
        for (a, b) in covered {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let rejected: Vec<(CharIdx, CharIdx, String)> = suggested
            .into_iter()
            .filter(|c| {
                let i = merged.partition_point(|m| m.1 <= c.start);
                merged.get(i).is_none_or(|m| m.0 >= c.end)
            })
            .map(|c| (c.start, c.end, c.label))
            .collect();
        let feedback = Feedback { gold, rejected: &rejected };
        for r in self.recognizers.iter().filter(|r| tagger_too || !r.name().is_tagger()) {
            r.learn(text, &feedback);
        }
    }

    /// Learns that `name` is a `label`: it is suggested wherever it occurs.
    pub fn remember(&self, name: &str, label: &str) {
        for r in &self.recognizers {
            r.remember(name, label);
        }
    }

    /// Learns that `name` is not a `label`: the user cut such a suggestion
    /// short ("Charte des Nations unies" to "Nations unies"), so other
    /// recognizers' suggestions of it are dropped (see [`memory`]).
    pub fn reject(&self, name: &str, label: &str) {
        for r in &self.recognizers {
            r.reject(name, label);
        }
    }

    /// Each candidate (but the memory's) whose span is exactly a gold span
    /// votes for that span's label ([`Engine::label_votes`]).
    fn count_label_votes(&self, text: &Text, gold: &[(CharIdx, CharIdx, String)]) {
        let gathered = self.gather(text, &Tokenized::new(text.as_str()));
        self.count_rule_votes(text, &gathered.all, gold);
        let mut seen: Vec<(CharIdx, CharIdx, &str, &str)> = Vec::new();
        for c in gathered.all.iter().filter(|c| c.recognizer != RecognizerName::Memory) {
            for (_, _, label) in gold.iter().filter(|(a, b, _)| (*a, *b) == (c.start, c.end)) {
                // One vote per span and pair of labels, however many recognizers agree.
                if !seen.contains(&(c.start, c.end, c.label.as_str(), label.as_str())) {
                    seen.push((c.start, c.end, c.label.as_str(), label.as_str()));
                }
            }
        }
        if seen.is_empty() {
            return;
        }
        let mut votes = self.label_votes.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        for (_, _, from, to) in seen {
            *votes.entry((from.to_owned(), to.to_owned())).or_default() += 1;
        }
    }

    fn suggest_all_labels(&self, text: &Text) -> Vec<Candidate> {
        let doc = Tokenized::new(text.as_str());
        let g = self.gather(text, &doc);
        let policy = self.policy_for(&g);
        let can_veto = self.recognizers.iter().any(|r| r.can_veto());
        let all: Vec<Candidate> = g
            .all
            .into_iter()
            .filter(|c| !self.vetoed(text, c, can_veto) && (c.recognizer.as_str() != heads::HEADS || self.vouched(c, &c.label)))
            .collect();
        self.complete_persons(text, &doc, combine_in(Some(text), all, &policy, &g.english), can_veto)
    }
}

#[cfg(test)]
mod tests;
