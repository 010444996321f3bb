//! Relation suggestions in a document: where their ends are, which wait
//! for a decision, and the edits that accept, retype and reject them.
//!
//! A suggested relation joins two [`RelationEnd`]s: gold spans, or entity
//! suggestions. An entity suggestion accepted as a span is that span from
//! then on ([`Document::end_span`]), so nothing is rewritten when it is
//! accepted. Accepting a relation whose end is a pending entity suggestion
//! accepts that suggestion in the same edit; rejecting an entity suggestion
//! (or removing a span) removes the pending relations that hang on it.
//!
//! Owns: the relation-suggestion queries and edit builders. Must not touch:
//! files, the UI, recognizers (callers turn their candidates into
//! [`RelationSuggestion`]s).

use std::collections::BTreeMap;

use super::document::{Document, PartsError, finite_score};
use super::edit::Edit;
use super::schema::Schema;
use super::span::{Relation, RelationEnd, RelationId, RelationSuggestion, RelationSuggestionState, SpanId, SuggestionId, SuggestionState};
use super::text::CharIdx;

/// The `extra` field of a gold relation that records its suggestion's
/// provenance (as an entity's does in a dataset).
pub const SUGGESTION_FIELD: &str = "suggestion";

/// Where an end is: `(start, end, label)`.
pub type EndPlace<'a> = (CharIdx, CharIdx, &'a str);

impl Document {
    /// Every relation suggestion ever made for this document, by id.
    pub fn relation_suggestions(&self) -> impl Iterator<Item = &RelationSuggestion> {
        self.relation_suggestions.values()
    }

    /// One relation suggestion.
    pub fn relation_suggestion(&self, id: SuggestionId) -> Option<&RelationSuggestion> {
        self.relation_suggestions.get(&id)
    }

    /// The gold span an end stands for: the span itself, or the span its
    /// entity suggestion was accepted as (`None` while it is pending, or
    /// when the span is gone).
    pub fn end_span(&self, end: RelationEnd) -> Option<SpanId> {
        let span = match end {
            RelationEnd::Span(id) => id,
            RelationEnd::Suggestion(id) => match self.suggestion(id)?.state {
                SuggestionState::Accepted { span } => span,
                _ => return None,
            },
        };
        self.spans().get(span).map(|s| s.id)
    }

    /// Where an end is and its label, while it stands for a gold span or a
    /// pending entity suggestion (`None` for a rejected one).
    pub fn end_place(&self, end: RelationEnd) -> Option<EndPlace<'_>> {
        if let Some(span) = self.end_span(end).and_then(|id| self.spans().get(id)) {
            return Some((span.start, span.end, span.label.as_str()));
        }
        match end {
            RelationEnd::Suggestion(id) => self.suggestion(id).filter(|s| s.is_pending()).map(|s| (s.start, s.end, s.label.as_str())),
            RelationEnd::Span(_) => None,
        }
    }

    /// Pending relation suggestions whose two ends are still there (a span
    /// or a pending or accepted entity suggestion), in reading order: a
    /// relation is read where its later end starts (both its ends have been
    /// read there), then by its earlier end, then by id.
    pub fn pending_relation_suggestions(&self) -> Vec<&RelationSuggestion> {
        let mut out: Vec<(CharIdx, CharIdx, &RelationSuggestion)> = self
            .relation_suggestions
            .values()
            .filter(|r| r.is_pending())
            .filter_map(|r| {
                let (h, t) = (self.end_place(r.head)?, self.end_place(r.tail)?);
                Some((h.0.max(t.0), h.0.min(t.0), r))
            })
            .collect();
        out.sort_by_key(|&(a, b, r)| (a, b, r.id));
        out.into_iter().map(|(_, _, r)| r).collect()
    }

    /// Where a relation suggestion is read: the start of its later end
    /// (`None` when an end is gone).
    pub fn relation_suggestion_at(&self, id: SuggestionId) -> Option<CharIdx> {
        let r = self.relation_suggestion(id)?;
        Some(self.end_place(r.head)?.0.max(self.end_place(r.tail)?.0))
    }

    /// Adds stored relation suggestions to a document assembled by
    /// [`Document::from_parts`], checking that ids are unique and every end
    /// names a span or an entity suggestion of the document.
    pub fn with_relation_suggestions(mut self, suggestions: Vec<RelationSuggestion>) -> Result<Self, PartsError> {
        let mut map = BTreeMap::new();
        for mut r in suggestions {
            let id = r.id.0;
            if id >= super::document::MAX_ID {
                return Err(PartsError::IdTooLarge(id));
            }
            if self.suggestion(r.id).is_some() || self.spans().get(SpanId(id)).is_some() || self.relation(RelationId(id)).is_some() {
                return Err(PartsError::DuplicateId(id));
            }
            for end in [r.head, r.tail] {
                if !self.end_exists(end) {
                    return Err(PartsError::DanglingRelationSuggestion { id, end });
                }
            }
            r.score = finite_score(r.score);
            if map.insert(r.id, r).is_some() {
                return Err(PartsError::DuplicateId(id));
            }
        }
        if let Some(max) = map.keys().next_back() {
            self.set_next_id(max.0 + 1);
        }
        self.relation_suggestions = map;
        Ok(self)
    }

    /// Whether an end names a span or an entity suggestion of the document.
    pub(super) fn end_exists(&self, end: RelationEnd) -> bool {
        match end {
            RelationEnd::Span(id) => self.spans().get(id).is_some(),
            RelationEnd::Suggestion(id) => self.suggestion(id).is_some(),
        }
    }

    /// Pending relation suggestions hanging on this end.
    pub fn pending_relation_suggestions_on(&self, end: RelationEnd) -> Vec<SuggestionId> {
        self.relation_suggestions.values().filter(|r| r.is_pending() && r.hangs_on(end)).map(|r| r.id).collect()
    }

    /// Rejects the pending entity suggestions `ids` and removes, once each,
    /// the pending relation suggestions hanging on any of them (a bulk
    /// reject: a relation between two of them goes once).
    pub fn reject_suggestions_edits(&self, ids: &[SuggestionId]) -> Vec<Edit> {
        let ids: Vec<SuggestionId> = ids.iter().copied().filter(|&id| self.suggestion(id).is_some_and(|s| s.is_pending())).collect();
        let hanging: std::collections::BTreeSet<SuggestionId> =
            ids.iter().flat_map(|&id| self.pending_relation_suggestions_on(RelationEnd::Suggestion(id))).collect();
        let remove = (!hanging.is_empty()).then(|| Edit::RemoveRelationSuggestions { ids: hanging.into_iter().collect() });
        remove.into_iter().chain(ids.into_iter().map(|id| Edit::SetSuggestionState { id, state: SuggestionState::Rejected })).collect()
    }

    /// Accepts a pending relation suggestion as a gold relation labelled
    /// `label` (its own label when `None`; another one retypes it), first
    /// accepting the entity suggestions its ends still are. The relation
    /// keeps its provenance in its `extra` (`"suggestion"`: recognizer,
    /// score, state `accepted` or `edited`).
    pub fn accept_relation_suggestion_edit(&mut self, id: SuggestionId, label: Option<&str>) -> Option<Edit> {
        let r = self.relation_suggestion(id).filter(|r| r.is_pending())?.clone();
        let mut edits = Vec::new();
        let mut ends = [SpanId(0); 2];
        for (slot, end) in ends.iter_mut().zip([r.head, r.tail]) {
            *slot = match self.end_span(end) {
                Some(span) => span,
                None => {
                    let RelationEnd::Suggestion(sid) = end else { return None };
                    let Some(Edit::Batch { edits: accept }) = self.accept_suggestion_edit(sid) else { return None };
                    let span = accept.iter().find_map(|e| match e {
                        Edit::AddSpan { span } => Some(span.id),
                        _ => None,
                    })?;
                    edits.extend(accept);
                    span
                }
            };
        }
        let label = label.unwrap_or(&r.label);
        let relation_id = self.fresh_relation_id();
        let mut relation = Relation { id: relation_id, head: ends[0], tail: ends[1], label: label.to_owned(), extra: Default::default() };
        relation.extra.insert(SUGGESTION_FIELD.to_owned(), provenance(&r, if label == r.label { "accepted" } else { "edited" }));
        edits.push(Edit::AddRelation { relation });
        edits.push(Edit::SetRelationSuggestionState { id, state: RelationSuggestionState::Accepted { relation: relation_id } });
        Some(Edit::Batch { edits })
    }

    /// Rejects a pending relation suggestion.
    pub fn reject_relation_suggestion_edit(&self, id: SuggestionId) -> Option<Edit> {
        self.relation_suggestion(id)
            .filter(|r| r.is_pending())
            .map(|_| Edit::SetRelationSuggestionState { id, state: RelationSuggestionState::Rejected })
    }

    /// Accepts every pending relation suggestion whose ends are gold spans,
    /// or entity suggestions that `accepted` (entity suggestion → span, the
    /// accept-all batch being built) makes spans, and that the schema allows
    /// and no gold relation already says. The edits are appended to `edits`.
    pub(super) fn accept_relations_with_ends(
        &mut self,
        schema: &Schema,
        accepted: &BTreeMap<SuggestionId, (SpanId, String)>,
        edits: &mut Vec<Edit>,
    ) {
        let pending: Vec<RelationSuggestion> = self.pending_relation_suggestions().into_iter().cloned().collect();
        let mut made: Vec<(SpanId, SpanId, String)> = Vec::new();
        for r in pending {
            let resolve = |doc: &Document, end: RelationEnd| -> Option<(SpanId, String)> {
                if let Some(span) = doc.end_span(end).and_then(|id| doc.spans().get(id)) {
                    return Some((span.id, span.label.clone()));
                }
                match end {
                    RelationEnd::Suggestion(sid) => accepted.get(&sid).cloned(),
                    RelationEnd::Span(_) => None,
                }
            };
            let (Some((head, hl)), Some((tail, tl))) = (resolve(self, r.head), resolve(self, r.tail)) else { continue };
            let allowed = schema.relation(&r.label).is_some_and(|rl| rl.allows(&hl, &tl));
            let exists = self.relations().any(|g| (g.head, g.tail, g.label.as_str()) == (head, tail, r.label.as_str()))
                || made.iter().any(|m| (m.0, m.1, m.2.as_str()) == (head, tail, r.label.as_str()));
            if !allowed || exists || head == tail {
                continue;
            }
            made.push((head, tail, r.label.clone()));
            let relation_id = self.fresh_relation_id();
            let mut relation = Relation { id: relation_id, head, tail, label: r.label.clone(), extra: Default::default() };
            relation.extra.insert(SUGGESTION_FIELD.to_owned(), provenance(&r, "accepted"));
            edits.push(Edit::AddRelation { relation });
            edits.push(Edit::SetRelationSuggestionState { id: r.id, state: RelationSuggestionState::Accepted { relation: relation_id } });
        }
    }

    /// Whether two ends stand for the same mention: the same end, or ends
    /// that are (or were accepted as) the same gold span.
    pub fn same_end(&self, a: RelationEnd, b: RelationEnd) -> bool {
        a == b || self.end_span(a).is_some_and(|s| Some(s) == self.end_span(b))
    }

    /// Whether the relation `head → tail` labelled `label` may be suggested
    /// now: the two ends differ, no gold relation joins them (either way),
    /// no pending suggestion joins them, and no suggestion of this label
    /// between them was decided (rejected, or accepted and since deleted:
    /// the annotator has said what they think of it).
    ///
    /// In `"[Ada]{PER} a vu [Boris]{PER} à [Kessel]{GPE}"` with `Ada MEETS
    /// Boris` rejected, `Ada MEETS Boris` may not be suggested again, `Ada
    /// OPPOSES Boris` and `Ada VISITS Kessel` may.
    pub fn may_suggest_relation(&self, head: RelationEnd, tail: RelationEnd, label: &str) -> bool {
        let joins = |h: RelationEnd, t: RelationEnd| {
            (self.same_end(h, head) && self.same_end(t, tail)) || (self.same_end(h, tail) && self.same_end(t, head))
        };
        let related = match (self.end_span(head), self.end_span(tail)) {
            (Some(h), Some(t)) => self.relations().any(|r| (r.head, r.tail) == (h, t) || (r.head, r.tail) == (t, h)),
            _ => false,
        };
        let suggested = self.relation_suggestions().any(|r| joins(r.head, r.tail) && (r.is_pending() || r.label == label));
        !self.same_end(head, tail) && !related && !suggested
    }
}

/// The provenance object of an accepted relation suggestion.
fn provenance(r: &RelationSuggestion, state: &str) -> serde_json::Value {
    let score = (f64::from(r.score) * 10_000.0).round() / 10_000.0;
    serde_json::json!({"recognizer": r.recognizer.as_str(), "score": score, "state": state})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dataset::{DocRecord, EntityRecord, RelationRecord, export, record_to_document};
    use crate::model::document::{DocId, Status};
    use crate::model::edit::History;
    use crate::model::span::{Extra, RecognizerName, Suggestion};
    use crate::model::text::Text;
    use crate::model::{ExportOptions, markup::parse_markup};

    /// "[Ada Quill]{PER} est arrivée à [Kessel]{GPE} et a vu [Boris Venn]{PER}."
    /// with Ada a gold span, Kessel and Boris pending entity suggestions,
    /// and two relation suggestions: Ada VISITS Kessel, Ada MEETS Boris.
    fn sample() -> (Document, Schema, [SuggestionId; 4]) {
        let schema = Schema::news();
        let (text, spans) = parse_markup("[Ada Quill]{PER} est arrivée à [Kessel]{GPE} et a vu [Boris Venn]{PER}.");
        let mut doc = Document::new(DocId("d".into()), "d.txt".into(), text);
        let (a, kessel, boris) = (&spans[0], &spans[1], &spans[2]);
        let add = doc.add_span_edit(a.0, a.1, &a.2);
        doc.apply(add, &schema).expect("span");
        let ada = doc.spans().iter().next().expect("ada").id;
        let (k, b) = (doc.fresh_suggestion_id(), doc.fresh_suggestion_id());
        let sugg = |id, s: &(CharIdx, CharIdx, String)| Suggestion {
            id,
            start: s.0,
            end: s.1,
            label: s.2.clone(),
            recognizer: RecognizerName::Tagger,
            score: 0.9,
            state: SuggestionState::Pending,
        };
        doc.apply(Edit::AddSuggestions { suggestions: vec![sugg(k, kessel), sugg(b, boris)] }, &schema).expect("suggestions");
        let (v, m) = (doc.fresh_suggestion_id(), doc.fresh_suggestion_id());
        let rel = |id, tail, label: &str| RelationSuggestion {
            id,
            head: RelationEnd::Span(ada),
            tail: RelationEnd::Suggestion(tail),
            label: label.into(),
            recognizer: RecognizerName::Relations,
            score: 0.8,
            state: RelationSuggestionState::Pending,
        };
        doc.apply(Edit::AddRelationSuggestions { suggestions: vec![rel(v, k, "VISITS"), rel(m, b, "MEETS")] }, &schema).expect("relations");
        (doc, schema, [k, b, v, m])
    }

    fn labels(doc: &Document) -> Vec<(String, String, String)> {
        let text = |id| doc.spans().get(id).map(|s| doc.span_text(s).to_owned()).unwrap_or_default();
        let mut out: Vec<_> = doc.relations().map(|r| (text(r.head), r.label.clone(), text(r.tail))).collect();
        out.sort();
        out
    }

    #[test]
    fn accepting_a_relation_accepts_its_pending_end_and_undo_takes_both_back() {
        let (mut doc, schema, [k, _, v, _]) = sample();
        assert_eq!(doc.pending_relation_suggestions().len(), 2);
        let mut history = History::default();
        let edit = doc.accept_relation_suggestion_edit(v, None).expect("pending");
        history.apply(&mut doc, edit, "accept", &schema).expect("applies");
        assert_eq!(labels(&doc), [("Ada Quill".into(), "VISITS".into(), "Kessel".into())]);
        assert!(matches!(doc.suggestion(k).map(|s| s.state), Some(SuggestionState::Accepted { .. })), "its end was accepted too");
        let r = doc.relations().next().expect("relation");
        assert_eq!(r.extra[SUGGESTION_FIELD]["state"], "accepted");
        assert_eq!(doc.pending_relation_suggestions().len(), 1);
        history.undo(&mut doc, &schema).expect("undo");
        assert_eq!((doc.relation_count(), doc.pending_count(), doc.pending_relation_suggestions().len()), (0, 2, 2));
    }

    #[test]
    fn retyping_keeps_the_new_label_and_says_edited() {
        let (mut doc, schema, [_, _, v, _]) = sample();
        let edit = doc.accept_relation_suggestion_edit(v, Some("LOCATED_IN"));
        // PER → GPE LOCATED_IN is not in the schema: the edit is refused whole.
        assert!(doc.apply(edit.expect("pending"), &schema).is_err());
        assert_eq!((doc.relation_count(), doc.pending_count()), (0, 2));
        let edit = doc.accept_relation_suggestion_edit(v, Some("ROLE_IN")).expect("still pending");
        doc.apply(edit, &schema).expect("applies");
        assert_eq!(labels(&doc), [("Ada Quill".into(), "ROLE_IN".into(), "Kessel".into())]);
        assert_eq!(doc.relations().next().map(|r| r.extra[SUGGESTION_FIELD]["state"].clone()), Some("edited".into()));
    }

    #[test]
    fn a_pair_decided_or_pending_is_not_suggested_again() {
        let (mut doc, schema, [k, b, v, m]) = sample();
        let ada = RelationEnd::Span(doc.spans().iter().next().expect("ada").id);
        let (kessel, boris) = (RelationEnd::Suggestion(k), RelationEnd::Suggestion(b));
        assert!(!doc.may_suggest_relation(ada, kessel, "ROLE_IN"), "a pending suggestion joins them");
        assert!(!doc.may_suggest_relation(kessel, ada, "VISITS"), "either way");
        assert!(doc.may_suggest_relation(boris, kessel, "VISITS"));
        assert!(!doc.may_suggest_relation(boris, boris, "MEETS"));
        let reject = doc.reject_relation_suggestion_edit(m).expect("pending");
        doc.apply(reject, &schema).expect("rejects");
        assert!(!doc.may_suggest_relation(ada, boris, "MEETS"), "rejected");
        assert!(doc.may_suggest_relation(boris, ada, "OPPOSES"), "another type of a rejected pair");
        let accept = doc.accept_relation_suggestion_edit(v, None).expect("pending");
        doc.apply(accept, &schema).expect("accepts");
        let span = RelationEnd::Span(doc.end_span(kessel).expect("accepted as a span"));
        assert!(!doc.may_suggest_relation(ada, span, "ROLE_IN"), "a gold relation joins them");
        let id = doc.relations().next().expect("relation").id;
        doc.apply(Edit::RemoveRelation { id }, &schema).expect("deleted");
        assert!(!doc.may_suggest_relation(span, ada, "VISITS"), "accepted, then deleted");
        assert!(doc.may_suggest_relation(ada, span, "ROLE_IN"));
    }

    #[test]
    fn rejecting_an_entity_suggestion_removes_the_relations_on_it() {
        let (mut doc, schema, [_, b, _, m]) = sample();
        let mut history = History::default();
        let edit = doc.reject_suggestion_edit(b).expect("pending");
        history.apply(&mut doc, edit, "reject", &schema).expect("applies");
        assert!(doc.relation_suggestion(m).is_none(), "MEETS hung on Boris");
        assert_eq!(doc.pending_relation_suggestions().len(), 1);
        history.undo(&mut doc, &schema).expect("undo");
        assert_eq!(doc.pending_relation_suggestions().len(), 2);
        // Removing a span removes the relation suggestions on it.
        let ada = doc.spans().iter().next().expect("ada").id;
        doc.apply(Edit::RemoveSpan { id: ada }, &schema).expect("removes");
        assert_eq!(doc.relation_suggestions().count(), 0);
    }

    #[test]
    fn bulk_and_everywhere_rejects_remove_the_relations_on_what_they_reject() {
        use crate::model::everywhere::{Action, MatchOptions, edit_for, preview};
        use crate::model::filter::{Bulk, SuggestionFilter, bulk_edit, bulk_preview};
        // A third suggested relation joins the two entity suggestions, so
        // one bulk reject takes it away through both of its ends.
        let (mut doc, schema, [k, b, _, _]) = sample();
        let both = RelationSuggestion {
            id: doc.fresh_suggestion_id(),
            head: RelationEnd::Suggestion(b),
            tail: RelationEnd::Suggestion(k),
            label: "VISITS".into(),
            recognizer: RecognizerName::Relations,
            score: 0.7,
            state: RelationSuggestionState::Pending,
        };
        doc.apply(Edit::AddRelationSuggestions { suggestions: vec![both] }, &schema).expect("relation");
        let start = doc.clone();
        let rows = bulk_preview(&doc, &schema, &SuggestionFilter::default(), &Bulk::Reject);
        let edit = bulk_edit(&mut doc, &schema, &Bulk::Reject, &rows).expect("edit");
        let inverse = doc.apply(edit, &schema).expect("one edit");
        assert_eq!((doc.pending_count(), doc.relation_suggestions().count()), (0, 0), "nothing hangs on a rejected suggestion");
        doc.apply(inverse, &schema).expect("undone");
        assert_eq!(doc.relation_suggestions().count(), 3);
        // Reject everywhere of one name takes the relations on it only.
        let mut doc = start;
        let action = Action::Reject(None);
        let p = preview(&doc, &schema, "Kessel", &action, MatchOptions::default()).expect("preview");
        let edit = edit_for(&mut doc, &schema, &action, &p).expect("edit");
        doc.apply(edit, &schema).expect("applies");
        let left: Vec<&str> = doc.relation_suggestions().map(|r| r.label.as_str()).collect();
        assert_eq!(left, ["MEETS"], "VISITS hung on Kessel, twice");
    }

    #[test]
    fn accept_all_takes_relations_whose_ends_are_accepted_and_reject_all_rejects_them() {
        let (mut doc, schema, [_, _, v, m]) = sample();
        let mut history = History::default();
        let edit = doc.accept_all_edit(&schema).expect("something pending");
        history.apply(&mut doc, edit, "accept all", &schema).expect("applies");
        assert_eq!(
            labels(&doc),
            [("Ada Quill".into(), "MEETS".into(), "Boris Venn".into()), ("Ada Quill".into(), "VISITS".into(), "Kessel".into())]
        );
        history.undo(&mut doc, &schema).expect("undo");
        let edit = doc.reject_all_edit().expect("pending");
        doc.apply(edit, &schema).expect("applies");
        assert!([v, m].iter().all(|&id| doc.relation_suggestion(id).map(|r| r.state) == Some(RelationSuggestionState::Rejected)));
        assert!(doc.pending_relation_suggestions().is_empty());
    }

    #[test]
    fn accept_all_entities_leaves_the_relations_pending_and_accept_all_then_takes_them() {
        let (mut doc, schema, _) = sample();
        let pending = doc.pending_relation_suggestions().len();
        let edit = doc.accept_all_entities_edit(&schema).expect("something pending");
        doc.apply(edit, &schema).expect("applies");
        assert_eq!(doc.pending_count(), 0, "every entity suggestion accepted");
        assert!(doc.relations().next().is_none(), "no relation yet");
        assert_eq!(doc.pending_relation_suggestions().len(), pending, "they wait for review");
        let edit = doc.accept_all_edit(&schema).expect("the relations are left");
        doc.apply(edit, &schema).expect("applies");
        assert_eq!(
            labels(&doc),
            [("Ada Quill".into(), "MEETS".into(), "Boris Venn".into()), ("Ada Quill".into(), "VISITS".into(), "Kessel".into())]
        );
    }

    #[test]
    fn stored_parts_are_checked() {
        let (doc, _, [_, _, v, _]) = sample();
        let mut bad = doc.relation_suggestion(v).cloned().expect("v");
        bad.tail = RelationEnd::Suggestion(SuggestionId(999));
        let base = Document::new(DocId("d".into()), "d.txt".into(), doc.text().as_str().to_owned());
        let err = base.with_relation_suggestions(vec![bad]).expect_err("dangling");
        assert!(err.to_string().contains("neither a span nor a suggestion"), "{err}");
    }

    #[test]
    fn export_writes_pending_relations_only_with_suggestions_and_import_reads_them_back() {
        let (doc, schema, _) = sample();
        let (gold, _) = export([&doc], &schema, &Extra::new(), ExportOptions::default()).expect("valid");
        assert!(gold.documents[0].relations.is_empty(), "never exported as gold");
        let options = ExportOptions { include_suggestions: true, ..Default::default() };
        let (with, _) = export([&doc], &schema, &Extra::new(), options).expect("valid");
        let rels = &with.documents[0].relations;
        assert_eq!(rels.len(), 2);
        assert!(rels.iter().all(|r| r.extra[SUGGESTION_FIELD]["state"] == "pending"));
        let back = record_to_document(&with.documents[0]).expect("imports");
        assert_eq!((back.pending_count(), back.pending_relation_suggestions().len()), (2, 2));
        let ends: Vec<_> = back
            .pending_relation_suggestions()
            .iter()
            .map(|r| (back.end_place(r.head).map(|p| p.2), r.label.clone(), back.end_place(r.tail).map(|p| p.2)))
            .collect();
        assert_eq!(ends, [(Some("PER"), "VISITS".to_owned(), Some("GPE")), (Some("PER"), "MEETS".to_owned(), Some("PER"))]);
        // Exported again, the same records.
        let (again, _) = export([&back], &schema, &Extra::new(), options).expect("valid");
        assert_eq!(again.documents[0].relations, *rels);
    }

    /// `spanlab suggest` writes relation suggestions between suggested
    /// entities; an import kept none of them (they were dropped). A gold
    /// relation naming a pending entity stays an error.
    #[test]
    fn import_keeps_pending_relation_suggestions_between_entity_suggestions() {
        let text = Text::from("Ada a vu Boris.");
        let pending = |id: usize, s: usize, e: usize| {
            let mut r = EntityRecord::new(id, &text, CharIdx::new(s), CharIdx::new(e), "PER");
            r.extra.insert(SUGGESTION_FIELD.into(), serde_json::json!({"recognizer": "tagger", "score": 0.9, "state": "pending"}));
            r
        };
        let mut rel = RelationRecord::new(1, 1, 2, "MEETS");
        rel.extra.insert(SUGGESTION_FIELD.into(), serde_json::json!({"recognizer": "relations", "score": 0.8, "state": "pending"}));
        let record = DocRecord {
            id: "d".into(),
            source: String::new(),
            sha256: String::new(),
            text: text.as_str().to_owned(),
            status: Status::New,
            entities: vec![pending(1, 0, 3), pending(2, 9, 14)],
            relations: vec![rel],
            extra: Extra::new(),
        };
        let doc = record_to_document(&record).expect("imports");
        assert_eq!((doc.pending_count(), doc.relation_count()), (2, 0));
        let r = doc.pending_relation_suggestions();
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].label.as_str(), r[0].score, &r[0].recognizer), ("MEETS", 0.8, &RecognizerName::Relations));
        let mut gold = record.clone();
        gold.relations = vec![RelationRecord::new(1, 1, 2, "MEETS")];
        assert!(record_to_document(&gold).is_err());
    }
}
