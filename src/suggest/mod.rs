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
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;
    use proptest::prelude::*;

    fn show(text: &Text, spans: impl IntoIterator<Item = (CharIdx, CharIdx, String)>) -> Vec<String> {
        spans.into_iter().map(|(a, b, l)| format!("{}:{l}", text.slice(a, b).unwrap_or("<bad>"))).collect()
    }

    /// Checks that the engine finds exactly the marked spans.
    fn check(markup: &str) {
        let (text, gold) = parse_markup(markup);
        let text = Text::from(text.as_str());
        let got = Engine::builtin().suggest(&text, &Schema::news(), 0.3);
        assert_eq!(show(&text, got.into_iter().map(|c| (c.start, c.end, c.label))), show(&text, gold), "in {markup:?}");
    }

    #[test]
    fn french_sentences() {
        check("Le ministre russe des Affaires étrangères [Sergueï Lavrov]{PER} est arrivé à [Pyongyang]{GPE} le [11 juillet 2025]{DATE}.");
        check(
            "[Wang Yi]{PER} a rencontré son homologue russe [Sergey Lavrov]{PER} à [Pékin]{GPE} avant le sommet de l'[OCS]{ORG} à [Tianjin]{GPE}.",
        );
        check(
            "Selon l’[AFP]{ORG}, la [Corée du Nord]{GPE} soutient la [Russie]{GPE} depuis [février 2022]{DATE} et l'[ONU]{ORG} s'inquiète.",
        );
        check("Le porte-parole du [Kremlin]{ORG}, [Dmitri Peskov]{PER}, a parlé [dimanche]{DATE} de la [péninsule coréenne]{LOC}.");
        check(
            "La [Banque de France]{ORG} et l'[Organisation de coopération de Shanghai]{ORG} se réunissent le [1er avril]{DATE} en [Asie centrale]{LOC}.",
        );
    }

    #[test]
    fn english_sentences() {
        check(
            "Russian Foreign Minister [Sergei Lavrov]{PER} arrived in [Pyongyang]{GPE} on [July 11, 2025]{DATE}, [Reuters]{ORG} reported.",
        );
        check(
            "[NATO]{ORG} and the [European Union]{ORG} met in [Brussels]{GPE} on [Monday]{DATE} as [China]{GPE}'s envoy visited [Moscow]{GPE}.",
        );
        check("President [Xi Jinping]{PER} said the [Second World War]{EVENT} ended in [1945]{DATE}? No: in [September 1945]{DATE}.");
    }

    #[test]
    fn schema_and_min_score_filter() {
        let text = Text::from("Hier, Lavrov a vu le ministre Wang Yi à Pékin le 3 mars.");
        let all = Engine::rules().suggest(&Text::from("Hier, Sergueï Lavrov a vu Wang Yi."), &Schema::news(), 0.0);
        assert!(all.iter().any(|c| c.recognizer == RecognizerName::Capitals && c.label == "PER"), "{all:?}");
        let engine = Engine::builtin();
        let strict = engine.suggest(&text, &Schema::news(), 0.8);
        let strict = show(&text, strict.iter().map(|c| (c.start, c.end, c.label.clone())));
        let loose = engine.suggest(&text, &Schema::news(), 0.3);
        let loose = show(&text, loose.iter().map(|c| (c.start, c.end, c.label.clone())));
        assert_eq!(loose, ["Lavrov:PER", "Wang Yi:PER", "Pékin:GPE", "3 mars:DATE"]);
        assert!(strict.len() < loose.len() && strict.iter().all(|s| loose.contains(s)));
        assert!(strict.contains(&"Pékin:GPE".to_string()), "{strict:?}");
        let dates_only = Schema::from_label_names("d", &["DATE"], &[]);
        let got = engine.suggest(&text, &dates_only, 0.0);
        assert!(got.iter().all(|c| c.label == "DATE") && got.len() == 1, "{got:?}");
        assert!(engine.suggest(&text, &Schema::news(), f32::NAN).is_empty());
    }

    struct Fixed(Vec<(usize, usize, &'static str, f32)>);

    impl Recognizer for Fixed {
        fn name(&self) -> RecognizerName {
            "fixed".into()
        }

        fn recognize(&self, _text: &Text) -> Vec<Candidate> {
            self.0
                .iter()
                .map(|&(a, b, l, s)| Candidate {
                    start: CharIdx::new(a),
                    end: CharIdx::new(b),
                    label: l.into(),
                    score: s,
                    recognizer: "fixed".into(),
                })
                .collect()
        }
    }

    #[test]
    fn overlaps_prefer_score_then_length_and_bad_spans_are_dropped() {
        let engine = Engine::with(vec![Box::new(Fixed(vec![
            (0, 5, "PER", 0.5),
            (3, 9, "ORG", 0.9),
            (10, 12, "GPE", 0.6),
            (10, 14, "LOC", 0.6),
            (12, 16, "PER", 0.6),
            (16, 18, "DATE", 0.1),
            (18, 18, "PER", 0.9),
            (19, 99, "PER", 0.9),
            (17, 19, "MISC", 0.9),
        ]))]);
        let text = Text::from("abcdefghijklmnopqrstu");
        let got: Vec<(usize, usize, String)> =
            engine.suggest(&text, &Schema::news(), 0.0).into_iter().map(|c| (c.start.get(), c.end.get(), c.label)).collect();
        assert_eq!(got, [(3, 9, "ORG".into()), (10, 14, "LOC".into()), (16, 18, "DATE".into())]);
        assert_eq!(engine.recognizer_names(), ["fixed".into()]);
    }

    #[test]
    fn engine_is_shareable_between_threads() {
        fn check<T: Send + Sync>() {}
        check::<Engine>();
        let engine = std::sync::Arc::new(Engine::builtin());
        let e2 = engine.clone();
        let handle = std::thread::spawn(move || e2.suggest(&Text::from("à Pékin"), &Schema::news(), 0.5).len());
        assert_eq!(handle.join().ok(), Some(1));
        assert!(format!("{engine:?}").contains("gazetteer"));
    }

    #[test]
    fn empty_and_odd_texts_give_nothing_or_valid_spans() {
        let engine = Engine::builtin();
        for s in ["", " ", "\r\n\r\n", "😀😀", "\u{301}", "« »", "...", "1 000 000", "L'", "'s"] {
            let text = Text::from(s);
            assert!(engine.suggest(&text, &Schema::news(), 0.0).is_empty(), "{s:?}");
        }
    }

    #[test]
    fn builtin_names_its_sources() {
        let engine = Engine::builtin();
        use RecognizerName::{Capitals, Dates, Gazetteer, Memory, Tagger, Titles};
        assert_eq!(engine.recognizer_names(), [Tagger, Memory, Gazetteer, Dates, Titles, Capitals, heads::HEADS.into()]);
        let text = Text::from("Le 13 juillet 2025, M. Lavrov a vu Kim Jong Un à Pyongyang.");
        let got = engine.suggest(&Text::from("Le 13 juillet 2025, M. Lavrov est arrivé à Pyongyang."), &Schema::news(), 0.0);
        assert_eq!(
            show(
                &Text::from("Le 13 juillet 2025, M. Lavrov est arrivé à Pyongyang."),
                got.iter().map(|c| (c.start, c.end, c.label.clone()))
            ),
            ["13 juillet 2025:DATE", "Lavrov:PER", "Pyongyang:GPE"]
        );
        assert!(got.iter().all(|c| c.recognizer == Tagger), "{got:?}");
        let rules = Engine::rules();
        assert_eq!(rules.recognizer_names(), [Gazetteer, Dates, Titles, Capitals]);
        let got = rules.suggest(&text, &Schema::news(), 0.0);
        let sources: Vec<&str> = got.iter().map(|c| c.recognizer.as_str()).collect();
        assert_eq!(sources, ["dates", "titles", "capitals", "gazetteer"], "{got:?}");
    }

    #[test]
    fn english_texts_are_left_to_the_rules() {
        let text = Text::from("The minister said that Lavrov arrived in Pyongyang on Monday.");
        let got = Engine::builtin().suggest(&text, &Schema::news(), 0.0);
        assert!(got.iter().all(|c| c.recognizer != RecognizerName::Tagger), "{got:?}");
        assert_eq!(got, Engine::rules().suggest(&text, &Schema::news(), 0.0));
    }

    #[test]
    fn an_iso_date_is_one_span() {
        let text = Text::from("Wang Yi rencontre Sergueï Lavrov\n2022-08-06 23:52\n\nLe 5 août 2022, à Phnom Penh.");
        let dates: Vec<String> = Engine::builtin()
            .suggest(&text, &Schema::news(), 0.3)
            .into_iter()
            .filter(|c| c.label == "DATE")
            .map(|c| text.slice(c.start, c.end).unwrap_or("").to_owned())
            .collect();
        assert_eq!(dates, ["2022-08-06", "5 août 2022"]);
    }

    #[test]
    fn learning_from_a_correction_changes_later_suggestions() {
        let engine = Engine::builtin();
        let schema = Schema::news();
        let (text, gold) = parse_markup("Le groupe [Zorglub Nexa]{ORG} a signé avec [Wonsan Kalma]{LOC} un accord sur Mars.");
        let text = Text::from(text.as_str());
        let later = Text::from("Hier, Zorglub Nexa et Wonsan Kalma ont parlé de Mars.");
        let before = engine.suggest(&later, &schema, 0.0);
        engine.learn(&text, &gold);
        let after = engine.suggest(&later, &schema, 0.0);
        let shown = show(&later, after.iter().map(|c| (c.start, c.end, c.label.clone())));
        assert!(shown.contains(&"Zorglub Nexa:ORG".to_string()), "{shown:?}");
        assert!(shown.contains(&"Wonsan Kalma:LOC".to_string()), "{shown:?}");
        assert_ne!(before, after);
        // What the user removed is not suggested again.
        let mars = |v: &[Candidate]| v.iter().any(|c| later.slice(c.start, c.end) == Some("Mars"));
        assert!(!mars(&after), "{after:?}");
        engine.remember("Kalma", "GPE");
        let again = engine.suggest(&Text::from("à Kalma"), &schema, 0.0);
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].recognizer, RecognizerName::Memory);
    }

    #[test]
    fn a_label_the_schema_lacks_is_suggested_as_the_one_the_corrections_give_it() {
        let schema = Schema::from_label_names("project", &["PER", "INST", "GPE", "LOC", "DATE"], &[]);
        let engine = Engine::builtin();
        let later = Text::from("Le directeur de Greenpeace a écrit à Interpol.");
        let inst = |e: &Engine| e.suggest(&later, &schema, 0.0).into_iter().filter(|c| c.label == "INST").count();
        assert_eq!(inst(&engine), 0, "ORG is dropped: the schema lacks it");
        let (text, gold) = parse_markup("Un rapport de l'[OTAN]{INST} cite la [Banque mondiale]{INST} et l'[UNESCO]{INST}.");
        engine.learn(&Text::from(text.as_str()), &gold);
        let votes = engine.label_votes();
        assert!(votes.iter().any(|(from, to, n)| from == "ORG" && to == "INST" && *n >= LABEL_MAP_VOTES), "{votes:?}");
        let got: Vec<(String, String)> = engine
            .suggest(&later, &schema, 0.0)
            .into_iter()
            .map(|c| (later.slice(c.start, c.end).unwrap_or("").to_owned(), c.label))
            .collect();
        assert!(got.contains(&("Greenpeace".to_string(), "INST".to_string())), "{got:?}");
        assert!(got.contains(&("Interpol".to_string(), "INST".to_string())), "{got:?}");
        // With the news schema, which has ORG, nothing is mapped.
        let news = engine.suggest(&later, &Schema::news(), 0.0);
        assert!(news.iter().all(|c| c.label != "INST"), "{news:?}");
        // A model keeps the votes the documents gave, and an engine over it starts from them.
        let mut tagger = builtin_tagger().cloned().expect("the shipped model");
        tagger.set_label_votes(votes.clone());
        let rules = engine.rule_votes();
        assert!(rules.iter().any(|(r, from, to, n)| r == "gazetteer" && from == "ORG" && to == "INST" && *n > 0), "{rules:?}");
        tagger.set_rule_votes(rules.clone());
        let again = Tagger::from_bytes(&tagger.to_bytes()).expect("reads");
        assert_eq!(again.label_votes(), votes.as_slice());
        assert_eq!(again.rule_votes(), rules.as_slice());
        assert_eq!(inst(&Engine::with_tagger(Some(again))), 2);
    }

    /// Proposes each occurrence of its words with its label, under its name.
    struct Words(&'static str, &'static [&'static str], &'static str);

    impl Recognizer for Words {
        fn name(&self) -> RecognizerName {
            self.0.into()
        }

        fn recognize(&self, text: &Text) -> Vec<Candidate> {
            let s = text.as_str();
            self.1
                .iter()
                .flat_map(|w| s.match_indices(w))
                .map(|(i, w)| {
                    let start = s[..i].chars().count();
                    Candidate {
                        start: CharIdx::new(start),
                        end: CharIdx::new(start + w.chars().count()),
                        label: self.2.into(),
                        score: 0.8,
                        recognizer: self.0.into(),
                    }
                })
                .collect()
        }
    }

    #[test]
    fn a_rule_the_corrections_mostly_contradict_is_not_mapped() {
        let schema = Schema::from_label_names("project", &["PER", "INST", "LOC"], &[]);
        let engine = Engine::with(vec![
            Box::new(Words("list", &["Zorgco", "Blimpex", "Quarnel"], "ORG")),
            Box::new(Words("guess", &["Zorgco", "Blimpex", "Varnholt", "Ostrelia", "Kessa"], "ORG")),
        ]);
        // The annotator leaves out most of what the second rule proposes.
        let (text, gold) = parse_markup("[Zorgco]{INST} et [Blimpex]{INST} vont à Varnholt, Ostrelia et Kessa.");
        engine.learn(&Text::from(text.as_str()), &gold);
        let votes = engine.rule_votes();
        let count = |r: &str, to: &str| votes.iter().find(|v| v.0 == r && v.1 == "ORG" && v.2 == to).map_or(0, |v| v.3);
        assert_eq!((count("list", "INST"), count("guess", "INST"), count("guess", "")), (2, 2, 3), "{votes:?}");
        let later = Text::from("Quarnel et Zorgco partent pour Varnholt.");
        let got: Vec<(String, String, String)> = engine
            .suggest(&later, &schema, 0.0)
            .into_iter()
            .map(|c| (later.slice(c.start, c.end).unwrap_or("").to_owned(), c.label, c.recognizer.to_string()))
            .collect();
        // ORG is INST (two votes), but only from the rule whose ORG mostly was one.
        let list = |t: &str| (t.to_owned(), "INST".to_owned(), "list".to_owned());
        assert_eq!(got, [list("Quarnel"), list("Zorgco")]);
    }

    #[test]
    fn a_model_read_from_a_file_is_named_in_its_suggestions() {
        let schema = Schema::news();
        let text = Text::from("Le ministre Sergueï Lavrov est arrivé à Pékin lundi pour rencontrer Wang Yi.");
        let shipped = Engine::builtin().suggest(&text, &schema, 0.0);
        let tagger = builtin_tagger().cloned();
        let named = Engine::with_tagger_named(tagger, RecognizerName::model("mine.bin")).suggest(&text, &schema, 0.0);
        let spans = |v: &[Candidate]| v.iter().map(|c| (c.start, c.end, c.label.clone())).collect::<Vec<_>>();
        assert_eq!(spans(&named), spans(&shipped), "the same tagger, combined as a tagger");
        let by = |v: &[Candidate], r: &RecognizerName| v.iter().filter(|c| &c.recognizer == r).count();
        assert!(by(&shipped, &RecognizerName::Tagger) > 0);
        assert_eq!(by(&named, &RecognizerName::model("mine.bin")), by(&shipped, &RecognizerName::Tagger));
        assert_eq!(by(&named, &RecognizerName::Tagger), 0);
        assert_eq!(RecognizerName::model("mine.bin").model_description().as_deref(), Some("the model file mine.bin"));
    }

    #[test]
    fn models_load_from_bytes() {
        let engine = Engine::with_model(BUILTIN_MODEL).expect("the built-in model loads");
        assert_eq!(engine.recognizer_names()[0], RecognizerName::Tagger);
        assert!(matches!(Engine::with_model(b"not a model").err(), Some(TaggerError::BadMagic)));
        let tagger = builtin_tagger().expect("built-in model");
        assert_eq!(tagger.labels(), ["DATE", "EVENT", "LOC", "MISC", "ORG", "PER"]);
        assert!(tagger.training_info().corpus.contains("WiNER"));
        assert_eq!(tagger.to_bytes(), BUILTIN_MODEL, "the shipped bytes round-trip");
    }

    #[test]
    fn offsets_survive_emoji_crlf_and_combining_marks() {
        let (text, gold) = parse_markup("😀👍🏽 Le\r\nministre [Zoe\u{301} Dupont]{PER} est à [Moscou]{GPE}\u{a0}! 🇫🇷 [13 juillet]{DATE}");
        let text = Text::from(text.as_str());
        let got = Engine::builtin().suggest(&text, &Schema::news(), 0.3);
        assert_eq!(show(&text, got.into_iter().map(|c| (c.start, c.end, c.label))), show(&text, gold));
    }

    #[test]
    fn a_long_text_is_handled_in_one_pass() {
        let para = "Le ministre russe des Affaires étrangères Sergueï Lavrov est arrivé à Pyongyang le 11 juillet 2025. \
                    Selon l'AFP, la Chine et la Russie ont signé un accord avec l'ONU en 2024.\r\n";
        let engine = Engine::builtin();
        let alone = engine.suggest(&Text::from(para), &Schema::news(), 0.3);
        let alone_shown = show(&Text::from(para), alone.iter().map(|c| (c.start, c.end, c.label.clone())));
        assert_eq!(
            alone_shown,
            ["Sergueï Lavrov:PER", "Pyongyang:GPE", "11 juillet 2025:DATE", "AFP:ORG", "Chine:GPE", "Russie:GPE", "ONU:ORG", "2024:DATE"]
        );
        let text = Text::from(para.repeat(500).as_str());
        let got = engine.suggest(&text, &Schema::news(), 0.3);
        assert!(got.windows(2).all(|w| w[0].end <= w[1].start));
        // Paragraph k holds exactly the spans of the paragraph alone, shifted
        // by its offset, with the same labels, scores and recognizers.
        let para_len = Text::from(para).len_chars();
        let mut by_paragraph: Vec<Vec<Candidate>> = vec![Vec::new(); 500];
        for c in got {
            let k = c.start.get() / para_len;
            assert!(c.end.get() <= (k + 1) * para_len, "{c:?} crosses a paragraph end");
            by_paragraph[k].push(c);
        }
        for (k, spans) in by_paragraph.into_iter().enumerate() {
            let shift = k * para_len;
            let back: Vec<Candidate> = spans.into_iter().map(|c| Candidate { start: c.start - shift, end: c.end - shift, ..c }).collect();
            assert_eq!(back, alone, "paragraph {k} (at code point {shift})");
        }
    }

    proptest! {
        #[test]
        fn suggestions_are_in_bounds_sorted_and_disjoint(
            s in "[A-Za-zéÉ’' .,;:!?«»\\-0-9\u{a0}\r\n😀\u{301}]{0,200}"
        ) {
            let text = Text::from(s.as_str());
            let got = Engine::builtin().suggest(&text, &Schema::news(), 0.0);
            for c in &got {
                prop_assert!(c.start < c.end && c.end.get() <= text.len_chars());
                let slice = text.slice(c.start, c.end).unwrap_or("");
                prop_assert_eq!(slice.trim(), slice, "no outer whitespace");
            }
            prop_assert!(got.windows(2).all(|w| w[0].end <= w[1].start));
        }

        #[test]
        fn words_from_names_are_found_anywhere(
            pre in "[a-z ]{0,20}", post in "[a-z ]{0,20}"
        ) {
            let s = format!("{pre} à Pékin {post}");
            let text = Text::from(s.as_str());
            let got = Engine::builtin().suggest(&text, &Schema::news(), 0.5);
            prop_assert!(got.iter().any(|c| text.slice(c.start, c.end) == Some("Pékin") && c.label == "GPE"));
        }
    }
}
