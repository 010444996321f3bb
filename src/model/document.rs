//! One annotated document: its text, status, comment, gold spans, relations
//! and suggestions.
//!
//! Owns: [`Document`] and its invariants (spans inside the text and sorted,
//! relations naming existing spans, ids never reused). Every change goes
//! through [`Document::apply`] (see `edit.rs`). Must not touch: files.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::span::{
    Extra, Origin, Relation, RelationEnd, RelationId, RelationSuggestion, Span, SpanId, SpanSet, Suggestion, SuggestionId, SuggestionState,
};
use super::text::{CharIdx, Text};

/// A document's id: unique in a project, stable across sessions.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DocId(pub String);

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where the annotator stands with a document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nothing confirmed.
    #[default]
    New,
    InProgress,
    /// Every span and relation checked.
    Done,
    /// Not usable.
    Skipped,
}

impl Status {
    /// Every status, in workflow order.
    pub const ALL: [Status; 4] = [Status::New, Status::InProgress, Status::Done, Status::Skipped];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::Skipped => "skipped",
        }
    }

    /// Parses the name used in files.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// A status name that is none of [`Status::ALL`]'s.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("status {0:?} is not one of new, in_progress, done, skipped")]
pub struct UnknownStatus(pub String);

impl std::str::FromStr for Status {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, UnknownStatus> {
        Self::parse(s).ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A span (with the relations that named it) that could not be placed on a
/// changed text: kept for the annotator to review, never dropped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Orphan {
    pub span: Span,
    /// The span's text as recorded.
    pub text: String,
    pub relations: Vec<Relation>,
    pub reason: String,
}

/// A stored score that JSON can write back: infinities become 1 or 0, NaN 0.
pub(super) fn finite_score(score: f32) -> f32 {
    if score.is_finite() {
        score
    } else if score > 0.0 {
        1.0
    } else {
        0.0
    }
}

/// The hex SHA-256 of a text's UTF-8 bytes.
pub fn sha256_hex(text: &str) -> String {
    sha256_bytes_hex(text.as_bytes())
}

/// The lower-case hex SHA-256 of bytes.
pub fn sha256_bytes_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        for half in [b >> 4, b & 15] {
            out.push(char::from_digit(u32::from(half), 16).unwrap_or('0'));
        }
    }
    out
}

/// One document with its annotations.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub id: DocId,
    /// The article's path relative to the project, or the source an imported
    /// dataset named.
    pub source: String,
    text: Text,
    sha256: String,
    pub(super) status: Status,
    pub(super) comment: String,
    pub(super) spans: SpanSet,
    pub(super) relations: BTreeMap<RelationId, Relation>,
    pub(super) suggestions: Suggestions,
    /// Relation suggestions by id (see [`super::relation_suggestions`]).
    pub(super) relation_suggestions: BTreeMap<SuggestionId, RelationSuggestion>,
    /// Spans that could not be re-anchored after the text changed.
    pub orphans: Vec<Orphan>,
    /// Document fields from an imported dataset that spanlab does not interpret.
    pub extra: Extra,
    /// Opened with "open documents with suggestions accepted" on: the
    /// suggestions that arrive for it later (a very long article's other
    /// sections) are accepted as they arrive, in later sessions too. Kept
    /// in its annotation file, never exported.
    pub(super) accept_arrivals: bool,
    pub(super) next_id: u64,
    /// Increases with every applied edit (keys layout caches).
    pub(super) revision: u64,
}

impl Document {
    /// A fresh document with no annotations.
    pub fn new(id: DocId, source: String, text: String) -> Self {
        let sha256 = sha256_hex(&text);
        Self {
            id,
            source,
            text: Text::new(text),
            sha256,
            status: Status::New,
            comment: String::new(),
            spans: SpanSet::default(),
            relations: BTreeMap::new(),
            suggestions: Suggestions::default(),
            relation_suggestions: BTreeMap::new(),
            orphans: Vec::new(),
            extra: Extra::new(),
            accept_arrivals: false,
            next_id: 1,
            revision: 0,
        }
    }

    /// Assembles a document from stored parts, checking the invariants that
    /// the rest of the program trusts: every span inside the text with
    /// `start < end`, unique ids below [`MAX_ID`] (and a counter at most
    /// that), every relation naming existing spans, finite scores (a file's
    /// `1e39` is an infinite `f32`, which JSON cannot write back: it becomes
    /// 1, and `-1e39` 0).
    /// Labels are not checked here (see `validate`).
    pub fn from_parts(
        mut base: Document,
        mut spans: Vec<Span>,
        relations: Vec<Relation>,
        mut suggestions: Vec<Suggestion>,
    ) -> Result<Self, PartsError> {
        let stored_ids = spans.iter().map(|s| s.id.0).chain(relations.iter().map(|r| r.id.0)).chain(suggestions.iter().map(|s| s.id.0));
        let orphan_ids = base.orphans.iter().flat_map(|o| std::iter::once(o.span.id.0).chain(o.relations.iter().map(|r| r.id.0)));
        if let Some(id) = stored_ids.chain(orphan_ids).find(|&id| id >= MAX_ID) {
            return Err(PartsError::IdTooLarge(id));
        }
        for origin in spans.iter_mut().map(|s| &mut s.origin).chain(base.orphans.iter_mut().map(|o| &mut o.span.origin)) {
            if let Origin::Suggested { score, .. } = origin {
                *score = finite_score(*score);
            }
        }
        for s in &mut suggestions {
            s.score = finite_score(s.score);
        }
        let len = base.text.len_chars();
        let mut ids = std::collections::BTreeSet::new();
        for s in &spans {
            if !(s.start < s.end && s.end.get() <= len) {
                return Err(PartsError::SpanOutOfText { id: s.id, start: s.start.get(), end: s.end.get(), len });
            }
            if !ids.insert(s.id) {
                return Err(PartsError::DuplicateSpan(s.id));
            }
        }
        let mut rel_map = BTreeMap::new();
        for r in relations {
            for end in [r.head, r.tail] {
                if !ids.contains(&end) {
                    return Err(PartsError::DanglingRelation { id: r.id, span: end });
                }
            }
            if rel_map.insert(r.id, r.clone()).is_some() {
                return Err(PartsError::DuplicateRelation(r.id));
            }
        }
        let mut sug_map = Suggestions::default();
        for s in suggestions {
            if !(s.start < s.end && s.end.get() <= len) {
                return Err(PartsError::SuggestionOutOfText { start: s.start.get(), end: s.end.get(), len });
            }
            sug_map.insert(s);
        }
        let max_id = ids
            .iter()
            .map(|i| i.0)
            .chain(rel_map.keys().map(|i| i.0))
            .chain(sug_map.ids().map(|i| i.0))
            .chain(base.orphans.iter().flat_map(|o| std::iter::once(o.span.id.0).chain(o.relations.iter().map(|r| r.id.0))))
            .max()
            .unwrap_or(0);
        if base.next_id > MAX_ID {
            return Err(PartsError::IdTooLarge(base.next_id));
        }
        base.next_id = base.next_id.max(max_id + 1);
        base.spans = SpanSet::from_unsorted(spans);
        base.relations = rel_map;
        base.suggestions = sug_map;
        Ok(base)
    }

    /// The text.
    pub fn text(&self) -> &Text {
        &self.text
    }

    /// The hex SHA-256 of the text's UTF-8 bytes.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    pub fn status(&self) -> Status {
        self.status
    }

    pub fn comment(&self) -> &str {
        &self.comment
    }

    /// Whether the suggestions that arrive for it are accepted as they
    /// arrive (it was opened with "open documents with suggestions
    /// accepted" on): changed by [`super::edit::Edit::SetAcceptArrivals`].
    pub fn accepts_arrivals(&self) -> bool {
        self.accept_arrivals
    }

    /// Sets [`Self::accepts_arrivals`] without history (loading).
    pub fn set_accept_arrivals_unrecorded(&mut self, on: bool) {
        self.accept_arrivals = on;
    }

    /// Sets the status without history (loading, imports).
    pub fn set_status_unrecorded(&mut self, status: Status) {
        self.status = status;
    }

    /// Sets the comment without history (loading, imports).
    pub fn set_comment_unrecorded(&mut self, comment: String) {
        self.comment = comment;
    }

    /// The gold spans in position order.
    pub fn spans(&self) -> &SpanSet {
        &self.spans
    }

    /// The relations by id.
    pub fn relations(&self) -> impl Iterator<Item = &Relation> {
        self.relations.values()
    }

    /// Number of relations.
    pub fn relation_count(&self) -> usize {
        self.relations.len()
    }

    pub fn relation(&self, id: RelationId) -> Option<&Relation> {
        self.relations.get(&id)
    }

    /// Relations whose head or tail is this span.
    pub fn relations_of(&self, span: SpanId) -> Vec<&Relation> {
        self.relations.values().filter(|r| r.head == span || r.tail == span).collect()
    }

    /// Every suggestion ever made for this document, with its state.
    pub fn suggestions(&self) -> impl Iterator<Item = &Suggestion> {
        self.suggestions.by_id.values()
    }

    pub fn suggestion(&self, id: SuggestionId) -> Option<&Suggestion> {
        self.suggestions.get(id)
    }

    /// Pending suggestions in position order (start, end, id).
    pub fn pending_suggestions(&self) -> Vec<&Suggestion> {
        self.suggestions.pending_in(CharIdx::ZERO, CharIdx::new(usize::MAX)).collect()
    }

    /// How many suggestions are pending.
    pub fn pending_count(&self) -> usize {
        self.suggestions.pending.len()
    }

    /// Pending suggestions whose `(start, end, id)` lie in `range`, in that
    /// order (for stepping from one to the next).
    pub fn pending_by_position(
        &self,
        range: (std::ops::Bound<PendingKey>, std::ops::Bound<PendingKey>),
    ) -> impl DoubleEndedIterator<Item = &Suggestion> {
        self.suggestions.pending.range(range).filter_map(|(_, _, id)| self.suggestions.get(*id))
    }

    /// Pending suggestions overlapping `[start, end)` (none when it is
    /// empty), in position order: the search is logarithmic in the
    /// document's suggestions.
    pub fn pending_overlapping(&self, start: CharIdx, end: CharIdx) -> impl Iterator<Item = &Suggestion> {
        self.suggestions.pending_in(start, end)
    }

    /// Suggestions already decided on (accepted or rejected) whose range
    /// is exactly `[start, end)`, by id: a logarithmic look-up. In
    /// `[Wang Yi]{PER, rejected} et Wang`, `(0, 7)` finds it, `(0, 4)` not.
    pub fn decided_at(&self, start: CharIdx, end: CharIdx) -> impl Iterator<Item = &Suggestion> {
        self.suggestions.decided_at(start, end)
    }

    /// The ranges of the pending suggestions overlapping `[start, end)` as
    /// [`Document::pending_overlapping`] finds them, read from the
    /// position index alone: `(start, end)` in position order.
    pub fn pending_ranges_overlapping(&self, start: CharIdx, end: CharIdx) -> impl Iterator<Item = (CharIdx, CharIdx)> + '_ {
        self.suggestions.pending_ranges_in(start, end)
    }

    /// The ranges of the suggestions decided on (accepted or rejected)
    /// that start in `[from, to)`, in position order: a decided one at
    /// `(2, 7)` is found for `(0, 3)`, not for `(3, 9)`.
    pub fn decided_ranges_starting_in(&self, from: CharIdx, to: CharIdx) -> impl Iterator<Item = (CharIdx, CharIdx)> + '_ {
        let range = (from, CharIdx::ZERO, SuggestionId(0))..(to.max(from), CharIdx::ZERO, SuggestionId(0));
        self.suggestions.decided.range(range).map(|&(s, e, _)| (s, e))
    }

    /// How many suggestions were accepted unchanged, accepted then edited,
    /// and rejected.
    pub fn suggestion_outcomes(&self) -> SuggestionOutcomes {
        let mut out = SuggestionOutcomes::default();
        for s in self.suggestions.by_id.values() {
            match s.state {
                SuggestionState::Pending => out.pending += 1,
                SuggestionState::Rejected => out.rejected += 1,
                SuggestionState::Accepted { span } => {
                    match self.spans.get(span).map(|sp| &sp.origin) {
                        Some(super::span::Origin::Suggested { edited: true, .. }) => out.edited += 1,
                        Some(_) => out.accepted += 1,
                        // Accepted, then the span was deleted: the suggestion was wrong after all.
                        None => out.deleted_after_accept += 1,
                    }
                }
            }
        }
        out
    }

    /// The text of a span.
    pub fn span_text(&self, span: &Span) -> &str {
        self.text.slice(span.start, span.end).unwrap_or("")
    }

    /// Increases with every applied edit.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// A fresh id for a span, relation or suggestion.
    pub fn fresh_span_id(&mut self) -> SpanId {
        SpanId(self.take_id())
    }

    pub fn fresh_relation_id(&mut self) -> RelationId {
        RelationId(self.take_id())
    }

    pub fn fresh_suggestion_id(&mut self) -> SuggestionId {
        SuggestionId(self.take_id())
    }

    fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// The next id that would be handed out (persisted so ids are never reused).
    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// Restores the id counter read from a file ([`Document::from_parts`]
    /// refuses one past [`MAX_ID`]).
    pub fn set_next_id(&mut self, next: u64) {
        self.next_id = self.next_id.max(next);
    }

    /// The spans whose text is `needle`'s text elsewhere: used to find other
    /// mentions of the same name.
    pub fn occurrences(&self, needle: &str) -> Vec<(CharIdx, CharIdx)> {
        let len = needle.chars().count();
        self.text.find_all(needle).into_iter().map(|s| (s, s + len)).collect()
    }
}

/// Where a pending suggestion is, in the order they are reviewed:
/// `(start, end, id)`.
pub type PendingKey = (CharIdx, CharIdx, SuggestionId);

/// A document's suggestions by id, indexed by position so that drawing a
/// screenful of a long article (or a press of f or n) finds its
/// suggestions without looking at the others.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Suggestions {
    by_id: BTreeMap<SuggestionId, Suggestion>,
    /// Pending suggestions as (start, end, id).
    pending: BTreeSet<PendingKey>,
    /// Suggestions decided on (accepted or rejected) as (start, end, id).
    decided: BTreeSet<PendingKey>,
    /// How many pending suggestions have each length (the longest bounds
    /// the search for those overlapping a range).
    lengths: BTreeMap<usize, usize>,
}

impl Suggestions {
    pub(super) fn get(&self, id: SuggestionId) -> Option<&Suggestion> {
        self.by_id.get(&id)
    }

    pub(super) fn contains(&self, id: SuggestionId) -> bool {
        self.by_id.contains_key(&id)
    }

    fn ids(&self) -> impl Iterator<Item = SuggestionId> + '_ {
        self.by_id.keys().copied()
    }

    fn index(&mut self, s: &Suggestion) {
        if !s.is_pending() {
            self.decided.insert((s.start, s.end, s.id));
        } else if self.pending.insert((s.start, s.end, s.id)) {
            *self.lengths.entry(s.end - s.start).or_default() += 1;
        }
    }

    fn unindex(&mut self, s: &Suggestion) {
        self.decided.remove(&(s.start, s.end, s.id));
        if self.pending.remove(&(s.start, s.end, s.id)) {
            let len = s.end - s.start;
            if let Some(n) = self.lengths.get_mut(&len) {
                *n -= 1;
                if *n == 0 {
                    self.lengths.remove(&len);
                }
            }
        }
    }

    /// Adds or replaces a suggestion.
    pub(super) fn insert(&mut self, s: Suggestion) {
        if let Some(old) = self.by_id.remove(&s.id) {
            self.unindex(&old);
        }
        self.index(&s);
        self.by_id.insert(s.id, s);
    }

    pub(super) fn remove(&mut self, id: SuggestionId) -> Option<Suggestion> {
        let s = self.by_id.remove(&id)?;
        self.unindex(&s);
        Some(s)
    }

    /// Sets a suggestion's state and returns the old one.
    pub(super) fn set_state(&mut self, id: SuggestionId, state: SuggestionState) -> Option<SuggestionState> {
        let mut s = self.by_id.remove(&id)?;
        self.unindex(&s);
        let old = std::mem::replace(&mut s.state, state);
        self.index(&s);
        self.by_id.insert(id, s);
        Some(old)
    }

    /// Pending suggestions overlapping `[start, end)` in position order.
    fn pending_in(&self, start: CharIdx, end: CharIdx) -> impl Iterator<Item = &Suggestion> {
        self.pending_keys_in(start, end).filter_map(|(_, _, id)| self.by_id.get(id))
    }

    /// [`Suggestions::pending_in`]'s ranges, from the index alone.
    fn pending_ranges_in(&self, start: CharIdx, end: CharIdx) -> impl Iterator<Item = (CharIdx, CharIdx)> + '_ {
        self.pending_keys_in(start, end).map(|&(s, e, _)| (s, e))
    }

    fn pending_keys_in(&self, start: CharIdx, end: CharIdx) -> impl Iterator<Item = &PendingKey> {
        let longest = self.lengths.keys().next_back().copied().unwrap_or(0);
        let from = (start.saturating_sub(longest), CharIdx::ZERO, SuggestionId(0));
        self.pending.range(from..).take_while(move |&&(s, _, _)| s < end).filter(move |&&(_, e, _)| e > start)
    }

    /// Suggestions decided on whose range is exactly `[start, end)`, by id.
    fn decided_at(&self, start: CharIdx, end: CharIdx) -> impl Iterator<Item = &Suggestion> {
        self.decided.range((start, end, SuggestionId(0))..=(start, end, SuggestionId(u64::MAX))).filter_map(|(_, _, id)| self.by_id.get(id))
    }
}

/// Suggestion fates, for statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SuggestionOutcomes {
    pub pending: usize,
    pub accepted: usize,
    pub edited: usize,
    pub rejected: usize,
    pub deleted_after_accept: usize,
}

impl std::ops::AddAssign for SuggestionOutcomes {
    fn add_assign(&mut self, o: Self) {
        self.pending += o.pending;
        self.accepted += o.accepted;
        self.edited += o.edited;
        self.rejected += o.rejected;
        self.deleted_after_accept += o.deleted_after_accept;
    }
}

/// Stored parts that break the document's invariants.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PartsError {
    #[error("{id} [{start}, {end}) is outside a text of {len} code points or empty")]
    SpanOutOfText { id: SpanId, start: usize, end: usize, len: usize },
    #[error("suggestion [{start}, {end}) is outside a text of {len} code points or empty")]
    SuggestionOutOfText { start: usize, end: usize, len: usize },
    #[error("{0} appears twice")]
    DuplicateSpan(SpanId),
    #[error("{0} appears twice")]
    DuplicateRelation(RelationId),
    #[error("{id} names {span}, which does not exist")]
    DanglingRelation { id: RelationId, span: SpanId },
    #[error("relation suggestion {id} names {end:?}, which is neither a span nor a suggestion")]
    DanglingRelationSuggestion { id: u64, end: RelationEnd },
    #[error("id {0} appears twice")]
    DuplicateId(u64),
    #[error("id {0} is too large (ids go up to {MAX_ID})")]
    IdTooLarge(u64),
}

/// The largest id a document hands out or accepts from a file: the largest
/// integer JavaScript reads exactly, far from `u64::MAX`, so that counting
/// up never overflows.
pub const MAX_ID: u64 = (1 << 53) - 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_written_in_lower_case_hex() {
        assert_eq!(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    fn span(id: u64, origin: Origin) -> Span {
        Span { id: SpanId(id), start: CharIdx::new(0), end: CharIdx::new(1), label: "PER".into(), origin, extra: Extra::new() }
    }

    fn base() -> Document {
        Document::new(DocId("d".into()), "d.txt".into(), "ab".into())
    }

    /// Found while writing the fuzz target `annotation_file`: a stored id
    /// of `u64::MAX` overflowed `max_id + 1`.
    #[test]
    fn ids_past_max_id_are_refused() {
        let err = Document::from_parts(base(), vec![span(u64::MAX, Origin::Manual)], Vec::new(), Vec::new());
        assert_eq!(err, Err(PartsError::IdTooLarge(u64::MAX)));
        let mut b = base();
        b.orphans.push(Orphan { span: span(MAX_ID, Origin::Manual), text: "a".into(), relations: Vec::new(), reason: String::new() });
        assert_eq!(Document::from_parts(b, Vec::new(), Vec::new(), Vec::new()), Err(PartsError::IdTooLarge(MAX_ID)));
        let mut doc = Document::from_parts(base(), vec![span(MAX_ID - 1, Origin::Manual)], Vec::new(), Vec::new()).expect("fits");
        assert_eq!(doc.next_id(), MAX_ID);
        assert_eq!(doc.fresh_span_id(), SpanId(MAX_ID));
        let mut b = base();
        b.set_next_id(u64::MAX);
        let err = Document::from_parts(b, Vec::new(), Vec::new(), Vec::new());
        assert_eq!(err, Err(PartsError::IdTooLarge(u64::MAX)), "a file's counter cannot push ids to overflow");
    }

    /// Found while writing the fuzz target `annotation_file`: a score of
    /// `1e39` in a file is an infinite `f32`, which JSON writes as `null`,
    /// and the saved file no longer loaded.
    #[test]
    fn stored_scores_become_finite() {
        let origin = |score| Origin::Suggested { recognizer: "r".into(), score, edited: false };
        let suggestion = |id, score| Suggestion {
            id: SuggestionId(id),
            start: CharIdx::new(1),
            end: CharIdx::new(2),
            label: "PER".into(),
            recognizer: "r".into(),
            score,
            state: SuggestionState::Pending,
        };
        let doc = Document::from_parts(
            base(),
            vec![span(1, origin(f32::INFINITY))],
            Vec::new(),
            vec![suggestion(2, f32::NEG_INFINITY), suggestion(3, f32::NAN), suggestion(4, 0.25)],
        )
        .expect("valid");
        assert!(matches!(doc.spans().iter().next().map(|s| &s.origin), Some(Origin::Suggested { score: 1.0, .. })));
        let scores: Vec<f32> = doc.suggestions().map(|s| s.score).collect();
        assert_eq!(scores, [0.0, 0.0, 0.25]);
    }

    /// The position indexes of pending and decided suggestions agree with
    /// a plain scan after any mix of additions, removals and state changes.
    #[test]
    fn the_pending_index_matches_a_scan() {
        let mut doc = Document::new(DocId("d".into()), "d.txt".into(), "x".repeat(200));
        let schema = crate::model::Schema::news();
        let mut seed = 7u64;
        let mut rand = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for round in 0..400 {
            let ids: Vec<SuggestionId> = doc.suggestions().map(|s| s.id).collect();
            let edit = match rand(4) {
                0 | 1 => {
                    let start = rand(190) as usize;
                    let end = start + 1 + rand(9) as usize;
                    let suggestions = (0..1 + rand(3))
                        .map(|_| Suggestion {
                            id: doc.fresh_suggestion_id(),
                            start: CharIdx::new(start),
                            end: CharIdx::new(end),
                            label: "PER".into(),
                            recognizer: "r".into(),
                            score: 0.5,
                            state: SuggestionState::Pending,
                        })
                        .collect();
                    crate::model::Edit::AddSuggestions { suggestions }
                }
                2 if !ids.is_empty() => crate::model::Edit::RemoveSuggestions { ids: vec![ids[rand(ids.len() as u64) as usize]] },
                _ if !ids.is_empty() => {
                    let state = if rand(2) == 0 { SuggestionState::Rejected } else { SuggestionState::Pending };
                    crate::model::Edit::SetSuggestionState { id: ids[rand(ids.len() as u64) as usize], state }
                }
                _ => continue,
            };
            doc.apply(edit, &schema).expect("valid");
            let mut scan: Vec<&Suggestion> = doc.suggestions().filter(|s| s.is_pending()).collect();
            scan.sort_by_key(|s| (s.start, s.end, s.id));
            assert_eq!(doc.pending_suggestions(), scan, "round {round}");
            assert_eq!(doc.pending_count(), scan.len());
            let (a, b) = (rand(200) as usize, rand(200) as usize);
            let (a, b) = (a.min(b), a.max(b));
            let want: Vec<_> = scan.iter().filter(|s| s.start.get() < b && a < s.end.get()).map(|s| s.id).collect();
            let got: Vec<_> = doc.pending_overlapping(CharIdx::new(a), CharIdx::new(b)).map(|s| s.id).collect();
            assert_eq!(got, want, "round {round}: overlapping [{a}, {b})");
            // Decided on exactly a range: one of a suggestion's, or any.
            let all: Vec<&Suggestion> = doc.suggestions().collect();
            let (a, b) = match all.get(rand(all.len() as u64 + 1) as usize) {
                Some(s) => (s.start, s.end),
                None => (CharIdx::new(a), CharIdx::new(b)),
            };
            let want: Vec<_> = all.iter().filter(|s| !s.is_pending() && (s.start, s.end) == (a, b)).map(|s| s.id).collect();
            let got: Vec<_> = doc.decided_at(a, b).map(|s| s.id).collect();
            assert_eq!(got, want, "round {round}: decided at {a:?}..{b:?}");
        }
    }
}
