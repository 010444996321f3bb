//! Every change to a document is an [`Edit`]: applied by the model, which
//! returns its inverse; a [`History`] of inverses gives undo and redo.
//!
//! Owns: the edit vocabulary, its checks against the schema, and undo/redo.
//! Autosave, the journal and suggestion statistics all read this one stream.
//! Must not touch: files, the UI.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::document::{Document, Status};
use super::schema::Schema;
use super::span::{
    Origin, Relation, RelationEnd, RelationId, RelationSuggestion, RelationSuggestionState, Span, SpanId, Suggestion, SuggestionId,
    SuggestionState,
};
use super::text::CharIdx;

/// One change to a document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    AddSpan {
        span: Span,
    },
    /// Removes a span and every relation that names it.
    RemoveSpan {
        id: SpanId,
    },
    /// Replaces the span with this id (boundaries, label, origin).
    SetSpan {
        span: Span,
    },
    AddRelation {
        relation: Relation,
    },
    RemoveRelation {
        id: RelationId,
    },
    SetRelation {
        relation: Relation,
    },
    AddSuggestions {
        suggestions: Vec<Suggestion>,
    },
    RemoveSuggestions {
        ids: Vec<SuggestionId>,
    },
    SetSuggestionState {
        id: SuggestionId,
        state: SuggestionState,
    },
    /// Adds relation suggestions (each end a span or an entity suggestion).
    AddRelationSuggestions {
        suggestions: Vec<RelationSuggestion>,
    },
    RemoveRelationSuggestions {
        ids: Vec<SuggestionId>,
    },
    SetRelationSuggestionState {
        id: SuggestionId,
        state: RelationSuggestionState,
    },
    SetStatus {
        status: Status,
    },
    SetComment {
        comment: String,
    },
    /// Whether the suggestions that arrive for the document are accepted
    /// as they arrive ([`Document::accepts_arrivals`]); applied unstepped,
    /// so undo leaves it.
    SetAcceptArrivals {
        on: bool,
    },
    /// Several edits applied as one (undone as one).
    Batch {
        edits: Vec<Edit>,
    },
}

/// An edit the model refuses; the document is unchanged.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    #[error("span [{start}, {end}) is empty or outside the text ({len} code points)")]
    OutOfText { start: usize, end: usize, len: usize },
    #[error("label {0:?} is not in the schema")]
    UnknownLabel(String),
    #[error("relation label {0:?} is not in the schema")]
    UnknownRelationLabel(String),
    #[error("{label} [{start}, {end}) would overlap {other_label} [{other_start}, {other_end}); the schema forbids overlaps")]
    Overlap { label: String, start: usize, end: usize, other_label: String, other_start: usize, other_end: usize },
    #[error("{0} does not exist")]
    NoSpan(SpanId),
    #[error("{0} does not exist")]
    NoRelation(RelationId),
    #[error("suggestion {0:?} does not exist")]
    NoSuggestion(SuggestionId),
    #[error("relation suggestion {0:?} names {1:?}, which does not exist")]
    NoRelationEnd(SuggestionId, RelationEnd),
    #[error("id {0} is already used")]
    IdInUse(u64),
    #[error("{label} cannot go from {head} to {tail}")]
    RelationNotAllowed { label: String, head: String, tail: String },
    #[error("a relation cannot join a span to itself")]
    SelfRelation,
    #[error("this relation already exists")]
    DuplicateRelation,
}

impl Document {
    /// Applies an edit after checking it against the text and the schema, and
    /// returns its inverse. On error nothing changed (a batch is all or none).
    pub fn apply(&mut self, edit: Edit, schema: &Schema) -> Result<Edit, EditError> {
        let inverse = self.apply_inner(edit, schema)?;
        self.revision += 1;
        Ok(inverse)
    }

    fn apply_inner(&mut self, edit: Edit, schema: &Schema) -> Result<Edit, EditError> {
        match edit {
            Edit::AddSpan { span } => {
                if self.spans.get(span.id).is_some() {
                    return Err(EditError::IdInUse(span.id.0));
                }
                self.check_span(&span, schema, None)?;
                let id = span.id;
                self.next_id = self.next_id.max(id.0 + 1);
                self.spans.insert(span);
                Ok(Edit::RemoveSpan { id })
            }
            Edit::RemoveSpan { id } => {
                let span = self.spans.remove(id).ok_or(EditError::NoSpan(id))?;
                let gone: Vec<Relation> = self.relations.values().filter(|r| r.head == id || r.tail == id).cloned().collect();
                for r in &gone {
                    self.relations.remove(&r.id);
                }
                let mut restore = vec![Edit::AddSpan { span }];
                restore.extend(gone.into_iter().map(|relation| Edit::AddRelation { relation }));
                restore.extend(self.take_hanging(&[RelationEnd::Span(id)]));
                Ok(if restore.len() == 1 { restore.remove(0) } else { Edit::Batch { edits: restore } })
            }
            Edit::SetSpan { span } => {
                let old = self.spans.get(span.id).cloned().ok_or(EditError::NoSpan(span.id))?;
                self.check_span(&span, schema, Some(span.id))?;
                // Relations must stay allowed for the new label.
                if old.label != span.label {
                    for r in self.relations.values() {
                        if r.head != span.id && r.tail != span.id {
                            continue;
                        }
                        let label_of = |id: SpanId| {
                            if id == span.id { span.label.clone() } else { self.spans.get(id).map(|s| s.label.clone()).unwrap_or_default() }
                        };
                        let (h, t) = (label_of(r.head), label_of(r.tail));
                        if schema.relation(&r.label).is_some_and(|rl| !rl.allows(&h, &t)) {
                            return Err(EditError::RelationNotAllowed { label: r.label.clone(), head: h, tail: t });
                        }
                    }
                }
                self.spans.remove(span.id);
                self.spans.insert(span);
                Ok(Edit::SetSpan { span: old })
            }
            Edit::AddRelation { relation } => {
                if self.relations.contains_key(&relation.id) {
                    return Err(EditError::IdInUse(relation.id.0));
                }
                self.check_relation(&relation, schema)?;
                let id = relation.id;
                self.next_id = self.next_id.max(id.0 + 1);
                self.relations.insert(id, relation);
                Ok(Edit::RemoveRelation { id })
            }
            Edit::RemoveRelation { id } => {
                let relation = self.relations.remove(&id).ok_or(EditError::NoRelation(id))?;
                Ok(Edit::AddRelation { relation })
            }
            Edit::SetRelation { relation } => {
                let old = self.relations.remove(&relation.id).ok_or(EditError::NoRelation(relation.id))?;
                if let Err(e) = self.check_relation(&relation, schema) {
                    self.relations.insert(old.id, old);
                    return Err(e);
                }
                self.relations.insert(relation.id, relation);
                Ok(Edit::SetRelation { relation: old })
            }
            Edit::AddSuggestions { suggestions } => {
                let len = self.text().len_chars();
                for s in &suggestions {
                    if self.suggestions.contains(s.id) {
                        return Err(EditError::IdInUse(s.id.0));
                    }
                    if !(s.start < s.end && s.end.get() <= len) {
                        return Err(EditError::OutOfText { start: s.start.get(), end: s.end.get(), len });
                    }
                }
                let ids = suggestions.iter().map(|s| s.id).collect();
                for s in suggestions {
                    self.next_id = self.next_id.max(s.id.0 + 1);
                    self.suggestions.insert(s);
                }
                Ok(Edit::RemoveSuggestions { ids })
            }
            Edit::RemoveSuggestions { ids } => {
                if let Some(missing) = ids.iter().find(|&&id| !self.suggestions.contains(id)) {
                    return Err(EditError::NoSuggestion(*missing));
                }
                let ends: Vec<RelationEnd> = ids.iter().map(|&id| RelationEnd::Suggestion(id)).collect();
                let hanging = self.take_hanging(&ends);
                let suggestions = ids.iter().filter_map(|&id| self.suggestions.remove(id)).collect();
                let restore = Edit::AddSuggestions { suggestions };
                Ok(match hanging {
                    Some(h) => Edit::Batch { edits: vec![restore, h] },
                    None => restore,
                })
            }
            Edit::AddRelationSuggestions { suggestions } => {
                for r in &suggestions {
                    if self.relation_suggestions.contains_key(&r.id) || self.suggestions.contains(r.id) {
                        return Err(EditError::IdInUse(r.id.0));
                    }
                    if let Some(end) = [r.head, r.tail].into_iter().find(|&e| !self.end_exists(e)) {
                        return Err(EditError::NoRelationEnd(r.id, end));
                    }
                }
                let ids = suggestions.iter().map(|r| r.id).collect();
                for r in suggestions {
                    self.next_id = self.next_id.max(r.id.0 + 1);
                    self.relation_suggestions.insert(r.id, r);
                }
                Ok(Edit::RemoveRelationSuggestions { ids })
            }
            Edit::RemoveRelationSuggestions { ids } => {
                if let Some(missing) = ids.iter().find(|id| !self.relation_suggestions.contains_key(id)) {
                    return Err(EditError::NoSuggestion(*missing));
                }
                let suggestions = ids.iter().filter_map(|id| self.relation_suggestions.remove(id)).collect();
                Ok(Edit::AddRelationSuggestions { suggestions })
            }
            Edit::SetRelationSuggestionState { id, state } => {
                let r = self.relation_suggestions.get_mut(&id).ok_or(EditError::NoSuggestion(id))?;
                let old = std::mem::replace(&mut r.state, state);
                Ok(Edit::SetRelationSuggestionState { id, state: old })
            }
            Edit::SetSuggestionState { id, state } => {
                let old = self.suggestions.set_state(id, state).ok_or(EditError::NoSuggestion(id))?;
                Ok(Edit::SetSuggestionState { id, state: old })
            }
            Edit::SetStatus { status } => {
                let old = std::mem::replace(&mut self.status, status);
                Ok(Edit::SetStatus { status: old })
            }
            Edit::SetComment { comment } => {
                let old = std::mem::replace(&mut self.comment, comment);
                Ok(Edit::SetComment { comment: old })
            }
            Edit::SetAcceptArrivals { on } => {
                let old = std::mem::replace(&mut self.accept_arrivals, on);
                Ok(Edit::SetAcceptArrivals { on: old })
            }
            Edit::Batch { edits } => {
                let mut inverses = Vec::with_capacity(edits.len());
                for e in edits {
                    match self.apply_inner(e, schema) {
                        Ok(inv) => inverses.push(inv),
                        Err(err) => {
                            // Roll back what this batch already did.
                            for inv in inverses.into_iter().rev() {
                                let _ = self.apply_inner(inv, schema);
                            }
                            return Err(err);
                        }
                    }
                }
                inverses.reverse();
                Ok(Edit::Batch { edits: inverses })
            }
        }
    }

    /// Removes the relation suggestions hanging on any of `ends` and
    /// returns the edit that puts them back.
    fn take_hanging(&mut self, ends: &[RelationEnd]) -> Option<Edit> {
        let ids: Vec<SuggestionId> =
            self.relation_suggestions.values().filter(|r| ends.iter().any(|&e| r.hangs_on(e))).map(|r| r.id).collect();
        let suggestions: Vec<RelationSuggestion> = ids.iter().filter_map(|id| self.relation_suggestions.remove(id)).collect();
        (!suggestions.is_empty()).then_some(Edit::AddRelationSuggestions { suggestions })
    }

    fn check_span(&self, span: &Span, schema: &Schema, replacing: Option<SpanId>) -> Result<(), EditError> {
        let len = self.text().len_chars();
        if !(span.start < span.end && span.end.get() <= len) {
            return Err(EditError::OutOfText { start: span.start.get(), end: span.end.get(), len });
        }
        if schema.entity(&span.label).is_none() {
            return Err(EditError::UnknownLabel(span.label.clone()));
        }
        if !schema.allow_overlap
            && let Some(other) = self.spans.overlapping(span.start, span.end).find(|o| Some(o.id) != replacing)
        {
            return Err(EditError::Overlap {
                label: span.label.clone(),
                start: span.start.get(),
                end: span.end.get(),
                other_label: other.label.clone(),
                other_start: other.start.get(),
                other_end: other.end.get(),
            });
        }
        Ok(())
    }

    fn check_relation(&self, r: &Relation, schema: &Schema) -> Result<(), EditError> {
        let head = self.spans.get(r.head).ok_or(EditError::NoSpan(r.head))?;
        let tail = self.spans.get(r.tail).ok_or(EditError::NoSpan(r.tail))?;
        if r.head == r.tail {
            return Err(EditError::SelfRelation);
        }
        let label = schema.relation(&r.label).ok_or_else(|| EditError::UnknownRelationLabel(r.label.clone()))?;
        if !label.allows(&head.label, &tail.label) {
            return Err(EditError::RelationNotAllowed { label: r.label.clone(), head: head.label.clone(), tail: tail.label.clone() });
        }
        let duplicate = self.relations.values().any(|o| o.id != r.id && o.head == r.head && o.tail == r.tail && o.label == r.label);
        if duplicate {
            return Err(EditError::DuplicateRelation);
        }
        Ok(())
    }

    // ----- Builders for the common edits (the UI and the CLI share them) -----

    /// A new hand-made span.
    pub fn add_span_edit(&mut self, start: CharIdx, end: CharIdx, label: &str) -> Edit {
        let id = self.fresh_span_id();
        Edit::AddSpan { span: Span::manual(id, start, end, label) }
    }

    /// Changes a span's boundaries and/or label; an accepted suggestion is
    /// marked edited.
    pub fn change_span_edit(&self, id: SpanId, start: CharIdx, end: CharIdx, label: &str) -> Option<Edit> {
        let mut span = self.spans.get(id)?.clone();
        if (span.start, span.end, span.label.as_str()) == (start, end, label) {
            return None;
        }
        span.start = start;
        span.end = end;
        span.label = label.to_owned();
        if let Origin::Suggested { edited, .. } = &mut span.origin {
            *edited = true;
        }
        Some(Edit::SetSpan { span })
    }

    /// Accepts a pending suggestion as a gold span that keeps its provenance.
    pub fn accept_suggestion_edit(&mut self, id: SuggestionId) -> Option<Edit> {
        let s = self.suggestions.get(id).filter(|s| s.is_pending())?.clone();
        let span_id = self.fresh_span_id();
        let span = Span {
            id: span_id,
            start: s.start,
            end: s.end,
            label: s.label.clone(),
            origin: Origin::Suggested { recognizer: s.recognizer.clone(), score: s.score, edited: false },
            extra: Default::default(),
        };
        Some(Edit::Batch {
            edits: vec![Edit::AddSpan { span }, Edit::SetSuggestionState { id, state: SuggestionState::Accepted { span: span_id } }],
        })
    }

    /// Rejects a pending suggestion, and removes the pending relation
    /// suggestions that hang on it.
    pub fn reject_suggestion_edit(&self, id: SuggestionId) -> Option<Edit> {
        let mut edits = self.reject_suggestions_edits(&[id]);
        match edits.len() {
            0 => None,
            1 => edits.pop(),
            _ => Some(Edit::Batch { edits }),
        }
    }

    /// Accepts every pending suggestion that does not clash with a gold span
    /// or an earlier accepted one (the higher score wins a clash), then
    /// every pending relation suggestion whose two ends are now spans.
    pub fn accept_all_edit(&mut self, schema: &Schema) -> Option<Edit> {
        self.accept_all_with(schema, true)
    }

    /// Accepts every pending entity suggestion as [`Document::accept_all_edit`]
    /// does, and leaves the pending relation suggestions pending (to be
    /// reviewed one by one).
    pub fn accept_all_entities_edit(&mut self, schema: &Schema) -> Option<Edit> {
        self.accept_all_with(schema, false)
    }

    /// Accepts the pending entity suggestions among `ids` as
    /// [`Document::accept_all_entities_edit`] accepts them all (what just
    /// arrived for a part of a long article, the rest left as it is).
    pub fn accept_entities_among_edit(&mut self, schema: &Schema, ids: &[SuggestionId]) -> Option<Edit> {
        let these = ids.iter().filter_map(|&id| self.suggestion(id)).filter(|s| s.is_pending()).cloned().collect();
        self.accept_these(schema, these, false)
    }

    fn accept_all_with(&mut self, schema: &Schema, relations: bool) -> Option<Edit> {
        let pending = self.pending_suggestions().into_iter().cloned().collect();
        self.accept_these(schema, pending, relations)
    }

    /// Accepts `pending` but those clashing with a span or with one accepted
    /// before (the higher score first), then, with `relations`, the pending
    /// relation suggestions whose two ends are now spans.
    fn accept_these(&mut self, schema: &Schema, mut pending: Vec<Suggestion>, relations: bool) -> Option<Edit> {
        pending.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.start.cmp(&b.start)));
        // The ranges accepted, disjoint: by start, each ends before the next
        // starts, so a clash is with the last one starting before an end.
        let mut taken: BTreeMap<CharIdx, CharIdx> = BTreeMap::new();
        let mut edits = Vec::new();
        let mut accepted = BTreeMap::new();
        for s in pending {
            let clash = !schema.allow_overlap
                && (self.spans.overlapping(s.start, s.end).next().is_some()
                    || taken.range(..s.end).next_back().is_some_and(|(_, &end)| end > s.start));
            if clash || schema.entity(&s.label).is_none() {
                continue;
            }
            taken.insert(s.start, s.end);
            if let Some(Edit::Batch { edits: e }) = self.accept_suggestion_edit(s.id) {
                if let Some(Edit::AddSpan { span }) = e.first() {
                    accepted.insert(s.id, (span.id, span.label.clone()));
                }
                edits.extend(e);
            }
        }
        if relations {
            self.accept_relations_with_ends(schema, &accepted, &mut edits);
        }
        (!edits.is_empty()).then_some(Edit::Batch { edits })
    }

    /// Rejects every pending suggestion, entities and relations.
    pub fn reject_all_edit(&self) -> Option<Edit> {
        let edits: Vec<Edit> = self
            .pending_suggestions()
            .iter()
            .map(|s| Edit::SetSuggestionState { id: s.id, state: SuggestionState::Rejected })
            .chain(
                self.relation_suggestions()
                    .filter(|r| r.is_pending())
                    .map(|r| Edit::SetRelationSuggestionState { id: r.id, state: RelationSuggestionState::Rejected }),
            )
            .collect();
        (!edits.is_empty()).then_some(Edit::Batch { edits })
    }

    /// A new relation.
    pub fn add_relation_edit(&mut self, head: SpanId, tail: SpanId, label: &str) -> Edit {
        let id = self.fresh_relation_id();
        Edit::AddRelation { relation: Relation { id, head, tail, label: label.to_owned(), extra: Default::default() } }
    }
}

/// An edit made on another version of a document, rewritten to apply on
/// `doc`: the spans, relations and suggestions it creates get fresh ids
/// where `doc` already uses theirs, and `map` (old id → new id, kept across
/// calls) carries the renaming to the later edits that name them.
pub fn rebase(edit: Edit, doc: &mut Document, map: &mut BTreeMap<u64, u64>) -> Edit {
    let sid = |id: SpanId, map: &BTreeMap<u64, u64>| SpanId(map.get(&id.0).copied().unwrap_or(id.0));
    let rid = |id: RelationId, map: &BTreeMap<u64, u64>| RelationId(map.get(&id.0).copied().unwrap_or(id.0));
    let gid = |id: SuggestionId, map: &BTreeMap<u64, u64>| SuggestionId(map.get(&id.0).copied().unwrap_or(id.0));
    match edit {
        Edit::AddSpan { mut span } => {
            if doc.spans().get(span.id).is_some() {
                let fresh = doc.fresh_span_id();
                map.insert(span.id.0, fresh.0);
            }
            span.id = sid(span.id, map);
            Edit::AddSpan { span }
        }
        Edit::RemoveSpan { id } => Edit::RemoveSpan { id: sid(id, map) },
        Edit::SetSpan { mut span } => {
            span.id = sid(span.id, map);
            Edit::SetSpan { span }
        }
        Edit::AddRelation { mut relation } => {
            if doc.relation(relation.id).is_some() {
                let fresh = doc.fresh_relation_id();
                map.insert(relation.id.0, fresh.0);
            }
            relation.id = rid(relation.id, map);
            relation.head = sid(relation.head, map);
            relation.tail = sid(relation.tail, map);
            Edit::AddRelation { relation }
        }
        Edit::RemoveRelation { id } => Edit::RemoveRelation { id: rid(id, map) },
        Edit::SetRelation { mut relation } => {
            relation.id = rid(relation.id, map);
            relation.head = sid(relation.head, map);
            relation.tail = sid(relation.tail, map);
            Edit::SetRelation { relation }
        }
        Edit::AddSuggestions { mut suggestions } => {
            for s in &mut suggestions {
                if doc.suggestion(s.id).is_some() {
                    let fresh = doc.fresh_suggestion_id();
                    map.insert(s.id.0, fresh.0);
                }
                s.id = gid(s.id, map);
            }
            Edit::AddSuggestions { suggestions }
        }
        Edit::RemoveSuggestions { ids } => Edit::RemoveSuggestions { ids: ids.into_iter().map(|i| gid(i, map)).collect() },
        Edit::SetSuggestionState { id, state } => {
            let state = match state {
                SuggestionState::Accepted { span } => SuggestionState::Accepted { span: sid(span, map) },
                other => other,
            };
            Edit::SetSuggestionState { id: gid(id, map), state }
        }
        Edit::AddRelationSuggestions { mut suggestions } => {
            let end = |e: RelationEnd, map: &BTreeMap<u64, u64>| match e {
                RelationEnd::Span(id) => RelationEnd::Span(sid(id, map)),
                RelationEnd::Suggestion(id) => RelationEnd::Suggestion(gid(id, map)),
            };
            for r in &mut suggestions {
                if doc.relation_suggestion(r.id).is_some() || doc.suggestion(r.id).is_some() {
                    let fresh = doc.fresh_suggestion_id();
                    map.insert(r.id.0, fresh.0);
                }
                r.id = gid(r.id, map);
                r.head = end(r.head, map);
                r.tail = end(r.tail, map);
            }
            Edit::AddRelationSuggestions { suggestions }
        }
        Edit::RemoveRelationSuggestions { ids } => Edit::RemoveRelationSuggestions { ids: ids.into_iter().map(|i| gid(i, map)).collect() },
        Edit::SetRelationSuggestionState { id, state } => {
            let state = match state {
                RelationSuggestionState::Accepted { relation } => RelationSuggestionState::Accepted { relation: rid(relation, map) },
                other => other,
            };
            Edit::SetRelationSuggestionState { id: gid(id, map), state }
        }
        Edit::Batch { edits } => Edit::Batch { edits: edits.into_iter().map(|e| rebase(e, doc, map)).collect() },
        other @ (Edit::SetStatus { .. } | Edit::SetComment { .. } | Edit::SetAcceptArrivals { .. }) => other,
    }
}

/// One undoable step: what to apply to undo it, and a description for menus.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub description: String,
    pub inverse: Edit,
}

/// Undo and redo stacks of one document, and the edits applied through it
/// since they were last taken (what the journal writes).
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// Every edit applied (undo and redo included), in order, until taken.
    applied: Vec<Edit>,
}

impl History {
    /// A history whose undo stack holds `steps` (oldest first): edits made
    /// to the document while it was not open (an everywhere action over the
    /// corpus), undoable once it is.
    pub fn with_steps(steps: Vec<Step>) -> Self {
        Self { undo: steps, ..Self::default() }
    }

    /// Applies an edit and records it; clears the redo stack.
    pub fn apply(&mut self, doc: &mut Document, edit: Edit, description: &str, schema: &Schema) -> Result<(), EditError> {
        let forward = edit.clone();
        let inverse = doc.apply(edit, schema)?;
        self.applied.push(forward);
        self.undo.push(Step { description: description.to_owned(), inverse });
        self.redo.clear();
        Ok(())
    }

    /// Applies an edit that is not a step of its own (suggestions arriving,
    /// stale ones removed): no undo entry, but recorded for the journal.
    pub fn apply_unstepped(&mut self, doc: &mut Document, edit: Edit, schema: &Schema) -> Result<(), EditError> {
        let forward = edit.clone();
        doc.apply(edit, schema)?;
        self.applied.push(forward);
        Ok(())
    }

    /// Forgets the undo and redo steps (the applied edits are kept for the
    /// journal).
    pub fn clear_steps(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }

    /// The edits applied since the last call, in order: replaying them on
    /// the document as it was gives the document as it is.
    pub fn take_applied(&mut self) -> Vec<Edit> {
        std::mem::take(&mut self.applied)
    }

    /// Undoes the last step; returns its description.
    pub fn undo(&mut self, doc: &mut Document, schema: &Schema) -> Result<Option<String>, EditError> {
        let Some(step) = self.undo.pop() else {
            return Ok(None);
        };
        match doc.apply(step.inverse.clone(), schema) {
            Ok(forward) => {
                self.applied.push(step.inverse.clone());
                self.redo.push(Step { description: step.description.clone(), inverse: forward });
                Ok(Some(step.description))
            }
            Err(e) => {
                self.undo.push(step);
                Err(e)
            }
        }
    }

    /// Redoes the last undone step; returns its description.
    pub fn redo(&mut self, doc: &mut Document, schema: &Schema) -> Result<Option<String>, EditError> {
        let Some(step) = self.redo.pop() else {
            return Ok(None);
        };
        match doc.apply(step.inverse.clone(), schema) {
            Ok(inverse) => {
                self.applied.push(step.inverse.clone());
                self.undo.push(Step { description: step.description.clone(), inverse });
                Ok(Some(step.description))
            }
            Err(e) => {
                self.redo.push(step);
                Err(e)
            }
        }
    }

    /// The description of the step that undo would revert.
    pub fn undo_description(&self) -> Option<&str> {
        self.undo.last().map(|s| s.description.as_str())
    }

    pub fn redo_description(&self) -> Option<&str> {
        self.redo.last().map(|s| s.description.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::document::DocId;
    use crate::model::markup::parse_markup;

    fn doc(markup: &str) -> (Document, Schema) {
        let schema = Schema::news();
        let (text, spans) = parse_markup(markup);
        let mut doc = Document::new(DocId("t".into()), "t.txt".into(), text);
        for (s, e, l) in spans {
            let edit = doc.add_span_edit(s, e, &l);
            doc.apply(edit, &schema).expect("valid markup");
        }
        (doc, schema)
    }

    fn ids(doc: &Document) -> Vec<SpanId> {
        doc.spans().iter().map(|s| s.id).collect()
    }

    #[test]
    fn removing_a_span_removes_its_relations_and_undo_restores_them() {
        let (mut d, schema) = doc("[Lavrov]{PER} rencontre [Wang Yi]{PER} à [Pékin]{GPE}");
        let s = ids(&d);
        let mut h = History::default();
        let e = d.add_relation_edit(s[0], s[1], "MEETS");
        h.apply(&mut d, e, "relation", &schema).expect("allowed");
        let e = d.add_relation_edit(s[1], s[2], "VISITS");
        h.apply(&mut d, e, "relation", &schema).expect("allowed");
        let before = d.clone();
        h.apply(&mut d, Edit::RemoveSpan { id: s[1] }, "delete", &schema).expect("exists");
        assert_eq!(d.spans().len(), 2);
        assert_eq!(d.relation_count(), 0, "no dangling relation survives");
        assert_eq!(h.undo(&mut d, &schema), Ok(Some("delete".into())));
        assert_eq!(d.spans(), before.spans());
        assert_eq!(d.relations().collect::<Vec<_>>(), before.relations().collect::<Vec<_>>());
        h.redo(&mut d, &schema).expect("redo");
        assert_eq!(d.relation_count(), 0);
    }

    #[test]
    fn overlaps_unknown_labels_and_bad_relations_are_refused() {
        let (mut d, schema) = doc("[Organisation de coopération de Shanghai]{ORG} et la [Russie]{GPE}");
        let before = d.clone();
        let e = d.add_span_edit(CharIdx::new(31), CharIdx::new(39), "GPE");
        assert!(matches!(d.apply(e, &schema), Err(EditError::Overlap { .. })));
        let e = d.add_span_edit(CharIdx::new(0), CharIdx::new(3), "CITY");
        assert!(matches!(d.apply(e, &schema), Err(EditError::UnknownLabel(_))));
        let s = ids(&d);
        let e = d.add_relation_edit(s[0], s[1], "MEMBER_OF");
        assert!(matches!(d.apply(e, &schema), Err(EditError::RelationNotAllowed { .. })), "ORG → GPE is not MEMBER_OF");
        let e = d.add_relation_edit(s[0], s[0], "SUPPORTS");
        assert_eq!(d.apply(e, &schema), Err(EditError::SelfRelation));
        assert_eq!(d.spans(), before.spans(), "refused edits change nothing");
        let mut overlapping = schema.clone();
        overlapping.allow_overlap = true;
        let e = d.add_span_edit(CharIdx::new(31), CharIdx::new(39), "GPE");
        assert!(d.apply(e, &overlapping).is_ok(), "allowed when the schema says so");
    }

    #[test]
    fn a_failing_batch_changes_nothing() {
        let (mut d, schema) = doc("[Lavrov]{PER} et [Peskov]{PER}");
        let before = d.clone();
        let s = ids(&d);
        let batch = Edit::Batch { edits: vec![Edit::RemoveSpan { id: s[0] }, Edit::RemoveSpan { id: SpanId(999) }] };
        assert!(d.apply(batch, &schema).is_err());
        assert_eq!(d.spans(), before.spans());
    }

    #[test]
    fn suggestions_keep_their_provenance_and_fate() {
        let (mut d, schema) = doc("Lavrov à Pékin et à Moscou");
        let mk = |d: &mut Document, s, e, l: &str| Suggestion {
            id: d.fresh_suggestion_id(),
            start: CharIdx::new(s),
            end: CharIdx::new(e),
            label: l.into(),
            recognizer: "rules".into(),
            score: 0.9,
            state: SuggestionState::Pending,
        };
        let v = vec![mk(&mut d, 0, 6, "PER"), mk(&mut d, 9, 14, "GPE"), mk(&mut d, 20, 26, "ORG")];
        let (a, b, c) = (v[0].id, v[1].id, v[2].id);
        let mut h = History::default();
        h.apply(&mut d, Edit::AddSuggestions { suggestions: v }, "suggest", &schema).expect("in text");
        let e = d.accept_suggestion_edit(a).expect("pending");
        h.apply(&mut d, e, "accept", &schema).expect("accept");
        let e = d.accept_suggestion_edit(b).expect("pending");
        h.apply(&mut d, e, "accept", &schema).expect("accept");
        let e = d.reject_suggestion_edit(c).expect("pending");
        h.apply(&mut d, e, "reject", &schema).expect("reject");
        let gpe = d.spans().iter().find(|s| s.label == "GPE").map(|s| s.id).expect("accepted");
        let e = d.change_span_edit(gpe, CharIdx::new(9), CharIdx::new(14), "LOC").expect("changed");
        h.apply(&mut d, e, "relabel", &schema).expect("relabel");
        let o = d.suggestion_outcomes();
        assert_eq!((o.accepted, o.edited, o.rejected, o.pending), (1, 1, 1, 0));
        assert!(
            matches!(&d.spans().iter().next().map(|s| s.origin.clone()), Some(Origin::Suggested { recognizer, .. }) if recognizer.as_str() == "rules")
        );
        h.undo(&mut d, &schema).expect("undo");
        h.undo(&mut d, &schema).expect("undo");
        assert_eq!(d.suggestion_outcomes().pending, 1);
        assert_eq!(d.suggestion_outcomes().edited, 0);
    }

    #[test]
    fn accept_all_skips_clashes() {
        let (mut d, schema) = doc("[Lavrov]{PER} à Pékin");
        let mk = |d: &mut Document, s, e, l: &str, score| Suggestion {
            id: d.fresh_suggestion_id(),
            start: CharIdx::new(s),
            end: CharIdx::new(e),
            label: l.into(),
            recognizer: "r".into(),
            score,
            state: SuggestionState::Pending,
        };
        let v = vec![mk(&mut d, 0, 3, "ORG", 0.9), mk(&mut d, 9, 14, "GPE", 0.8), mk(&mut d, 9, 14, "LOC", 0.3)];
        d.apply(Edit::AddSuggestions { suggestions: v }, &schema).expect("ok");
        let e = d.accept_all_edit(&schema).expect("something to accept");
        d.apply(e, &schema).expect("consistent");
        let labels: Vec<_> = d.spans().iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["PER", "GPE"]);
        assert_eq!(d.pending_suggestions().len(), 2, "the clashing ones wait for a decision");
    }
}
