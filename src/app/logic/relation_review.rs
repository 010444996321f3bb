//! Suggested relations in the window: accepting one (Enter; with its ends
//! still pending as entity suggestions), retyping it (a relation type's key
//! or its number in the list of types), rejecting it (x); when the last is
//! decided, those the spans as they are now make possible (Ctrl+R's); the relation
//! engine learns from each decision and from every relation drawn, and
//! ranks the types of a hand-drawn relation. Relation suggestions follow
//! the spans: an edit that draws, relabels or resizes a span
//! carries the relations the engine reads between that span and the others
//! ([`SpanlabApp::with_relations_following`]).
//!
//! Every change is an edit applied through [`SpanlabApp::edit`]; the
//! engine learns after the edit applied. Must not touch: the disk.

use super::super::SpanlabApp;
use super::super::state::Selection;
use crate::model::edit::Edit;
use crate::model::{Document, RelationEnd, RelationSuggestion, RelationSuggestionState, SpanId, SuggestionId};
use crate::suggest::Mention;
use crate::suggest::relations::{RelationFeedback, Verdict};

/// The document's mentions as the relation engine reads them: its gold
/// spans and pending entity suggestions, each with what it is.
pub(crate) fn mentions(doc: &Document) -> (Vec<Mention>, Vec<RelationEnd>) {
    let mut all: Vec<(Mention, RelationEnd)> =
        doc.spans().iter().map(|s| (Mention { start: s.start, end: s.end, label: s.label.clone() }, RelationEnd::Span(s.id))).collect();
    all.extend(
        doc.pending_suggestions()
            .into_iter()
            .map(|s| (Mention { start: s.start, end: s.end, label: s.label.clone() }, RelationEnd::Suggestion(s.id))),
    );
    all.sort_by_key(|(m, _)| (m.start, m.end));
    all.into_iter().unzip()
}

/// Longer articles: relation suggestions are asked for the part on screen
/// (Ctrl+R) and do not follow each span change (the document would be
/// copied and read whole at each).
const WHOLE_DOCUMENT_CHARS: usize = 200_000;

/// The spans an edit draws or changes (relabels, resizes), or none when it
/// decides a suggestion: an accepted entity suggestion brings the relations
/// suggested on it when the entity engine's suggestions were made, and the
/// review of relation suggestions suggests again when its last is decided
/// ([`SpanlabApp::review_goes_on`]).
fn spans_changed(edit: &Edit) -> Vec<SpanId> {
    fn walk(edit: &Edit, out: &mut Vec<SpanId>, decides: &mut bool) {
        match edit {
            Edit::AddSpan { span } | Edit::SetSpan { span } => out.push(span.id),
            Edit::SetSuggestionState { .. } | Edit::SetRelationSuggestionState { .. } => *decides = true,
            Edit::Batch { edits } => edits.iter().for_each(|e| walk(e, out, decides)),
            _ => {}
        }
    }
    let (mut out, mut decides) = (Vec::new(), false);
    walk(edit, &mut out, &mut decides);
    if decides { Vec::new() } else { out }
}

/// Where an end is among [`mentions`]' ends: itself, or the span its
/// accepted entity suggestion became.
fn position(doc: &Document, ends: &[RelationEnd], end: RelationEnd) -> Option<usize> {
    let span = doc.end_span(end);
    ends.iter().position(|&e| e == end || (span.is_some() && doc.end_span(e) == span))
}

impl SpanlabApp {
    /// The relation engine's scores of every type the schema allows from
    /// `head` to `tail` (spans or pending suggestions), best first.
    pub fn scored_types(&self, head: RelationEnd, tail: RelationEnd) -> Vec<(String, f32)> {
        let Some(open) = &self.open else { return Vec::new() };
        let doc = &open.doc;
        let (Some(h), Some(t)) = (doc.end_place(head), doc.end_place(tail)) else { return Vec::new() };
        let (mentions, ends) = mentions(doc);
        let (Some(hi), Some(ti)) = (position(doc, &ends, head), position(doc, &ends, tail)) else { return Vec::new() };
        let mut out: Vec<(String, f32)> = self
            .project
            .schema
            .relations_allowed(h.2, t.2)
            .into_iter()
            .map(|r| {
                let score = self.relation_engine.score_of(doc.text(), &mentions, &self.project.schema, hi, ti, &r.name).unwrap_or(0.0);
                (r.name.clone(), score)
            })
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }

    /// Teaches the relation engine one decision on the relation `head →
    /// tail` labelled `label` (run before the edit, while a pending end is
    /// still a suggestion where the engine saw it).
    pub(crate) fn teach_relation(&self, head: RelationEnd, tail: RelationEnd, label: &str, verdict: Verdict) {
        let Some(open) = &self.open else { return };
        let doc = &open.doc;
        let (mentions, ends) = mentions(doc);
        let (Some(h), Some(t)) = (position(doc, &ends, head), position(doc, &ends, tail)) else { return };
        let feedback = RelationFeedback { head: h, tail: t, label: label.to_owned(), verdict };
        self.relation_engine.learn(doc.text(), &mentions, &self.project.schema, &[feedback]);
    }

    /// The selected relation suggestion, if pending.
    fn selected_relation_suggestion(&self) -> Option<crate::model::RelationSuggestion> {
        let open = self.open.as_ref()?;
        let Selection::RelationSuggestion(id) = open.selection else { return None };
        open.doc.relation_suggestion(id).filter(|r| r.is_pending()).cloned()
    }

    /// Accepts the selected relation suggestion with its own type, or with
    /// `label` (a retype); its ends still pending are accepted with it.
    pub(super) fn accept_relation_suggestion(&mut self, label: Option<&str>) {
        let Some(r) = self.selected_relation_suggestion() else { return };
        if let Some(label) = label
            && !self.scored_types(r.head, r.tail).iter().any(|(l, _)| l == label)
        {
            let ends = |e| self.open.as_ref().and_then(|o| o.doc.end_place(e)).map(|p| p.2.to_owned()).unwrap_or_default();
            self.info(format!("{label} does not join {} → {}", ends(r.head), ends(r.tail)));
            return;
        }
        let verdict = match label {
            Some(l) if l != r.label => Verdict::Retyped { from: r.label.clone() },
            _ => Verdict::Accepted,
        };
        let Some(open) = self.open.as_mut() else { return };
        let Some(edit) = open.doc_mut().accept_relation_suggestion_edit(r.id, label) else { return };
        let what = match label {
            Some(l) if l != r.label => format!("accept suggested relation as {l}"),
            _ => format!("accept suggested {} relation", r.label),
        };
        self.teach_relation(r.head, r.tail, label.unwrap_or(&r.label), verdict);
        if self.edit(edit, &what) {
            self.after_decision();
            self.review_goes_on();
        }
    }

    /// Accepts the selected relation suggestion with the n-th type of its
    /// list (likeliest first).
    pub(super) fn accept_relation_suggestion_at(&mut self, n: usize) {
        let Some(r) = self.selected_relation_suggestion() else { return };
        if let Some((label, _)) = self.scored_types(r.head, r.tail).get(n).cloned() {
            self.accept_relation_suggestion(Some(&label));
        }
    }

    /// Rejects the selected relation suggestion.
    pub(super) fn reject_relation_suggestion(&mut self) {
        let Some(r) = self.selected_relation_suggestion() else { return };
        let Some(edit) = self.open.as_ref().and_then(|o| o.doc.reject_relation_suggestion_edit(r.id)) else { return };
        self.teach_relation(r.head, r.tail, &r.label, Verdict::Rejected);
        if self.edit(edit, &format!("reject suggested {} relation", r.label)) {
            self.after_decision();
            self.review_goes_on();
        }
    }

    /// When the last suggested relation was just decided (no entity
    /// suggestion left either), the relations between the spans as they
    /// are now are suggested, as Ctrl+R does, and the review goes on with
    /// the first; nothing new, nothing is said.
    pub(super) fn review_goes_on(&mut self) {
        let done = self.open.as_ref().is_some_and(|o| o.doc.pending_count() == 0 && o.doc.pending_relation_suggestions().is_empty());
        if done {
            self.suggest_relations_now(true);
        }
    }

    /// Teaches the engine a relation drawn by hand.
    pub(super) fn teach_drawn(&self, head: SpanId, tail: SpanId, label: &str) {
        self.teach_relation(RelationEnd::Span(head), RelationEnd::Span(tail), label, Verdict::Drawn);
    }

    /// Suggests relations between the document's spans and pending entity
    /// suggestions as they are now: after the entities were fixed, the
    /// pairs the first suggestions could not see (a name the entity engine
    /// missed, a span cut differently) and what the engine learned since.
    /// The relation engine's readings from the relation threshold on, for
    /// the pairs [`Document::may_suggest_relation`] lets through (nothing
    /// related, pending or decided between them); the first in reading
    /// order is selected, for Enter, x, a type's key and j. On a long
    /// article only the part on screen is read.
    pub(super) fn suggest_relations(&mut self) {
        self.suggest_relations_now(false);
    }

    /// [`SpanlabApp::suggest_relations`]; `quiet`: says nothing when
    /// nothing is found (the review of the suggested relations just ended).
    fn suggest_relations_now(&mut self, quiet: bool) {
        let min = self.settings.relation_min_score;
        let schema = self.project.schema.clone();
        let Some(open) = self.open.as_mut() else { return };
        let (mentions, ends) = mentions(&open.doc);
        let whole = open.doc.text().len_chars() <= WHOLE_DOCUMENT_CHARS;
        let (mentions, ends): (Vec<Mention>, Vec<RelationEnd>) =
            mentions.into_iter().zip(ends).filter(|(m, _)| whole || self.article.shows(m.start).unwrap_or(false)).unzip();
        let found = self.relation_engine.suggest(open.doc.text(), &mentions, &schema, min);
        let doc = open.doc_mut();
        let mut new: Vec<RelationSuggestion> = Vec::new();
        for c in found {
            let (Some(&head), Some(&tail)) = (ends.get(c.head), ends.get(c.tail)) else { continue };
            if !doc.may_suggest_relation(head, tail, &c.label) {
                continue;
            }
            let id = doc.fresh_suggestion_id();
            let state = RelationSuggestionState::Pending;
            new.push(RelationSuggestion { id, head, tail, label: c.label, recognizer: c.recognizer, score: c.score, state });
        }
        let where_ = if whole { "between the spans" } else { "between the spans on screen" };
        if new.is_empty() {
            if !quiet {
                self.info(format!("no new relation {where_} scores {min:.2} or more (Settings: relation suggestions from score)"));
            }
            return;
        }
        let (n, ids): (usize, Vec<SuggestionId>) = (new.len(), new.iter().map(|r| r.id).collect());
        if !self.edit(Edit::AddRelationSuggestions { suggestions: new }, &format!("suggest {n} relations {where_}")) {
            return;
        }
        let first =
            self.open.as_ref().and_then(|o| o.doc.pending_relation_suggestions().into_iter().find(|r| ids.contains(&r.id)).map(|r| r.id));
        if let Some(id) = first {
            self.select(Selection::RelationSuggestion(id));
        }
        let s = if n == 1 { "" } else { "s" };
        let more = if quiet { "the review goes on: " } else { "" };
        self.info(format!(
            "{more}{n} relation{s} suggested {where_} (from score {min:.2}): Enter accepts, x rejects, a type's key retypes"
        ));
    }

    /// `edit` with, when it draws, relabels or resizes spans, the
    /// relations the engine reads between those spans and the others (the
    /// document's spans and pending entity suggestions, as the edit leaves
    /// them) from the relation threshold on, added as pending suggestions
    /// in the same edit (one undo step); pairs related, pending or decided
    /// are left alone ([`Document::may_suggest_relation`]). Also how many
    /// were added.
    pub(super) fn with_relations_following(&self, edit: Edit) -> (Edit, usize) {
        let changed = spans_changed(&edit);
        let Some(open) = self.open.as_ref().filter(|o| !changed.is_empty() && o.doc.text().len_chars() <= WHOLE_DOCUMENT_CHARS) else {
            return (edit, 0);
        };
        let schema = &self.project.schema;
        let mut after = (*open.doc).clone();
        if after.apply(edit.clone(), schema).is_err() {
            return (edit, 0);
        }
        let (mentions, ends) = mentions(&after);
        let found = self.relation_engine.suggest(after.text(), &mentions, schema, self.settings.relation_min_score);
        let mut new: Vec<RelationSuggestion> = Vec::new();
        for c in found {
            let (Some(&head), Some(&tail)) = (ends.get(c.head), ends.get(c.tail)) else { continue };
            let touches = |e: RelationEnd| after.end_span(e).is_some_and(|s| changed.contains(&s));
            if !(touches(head) || touches(tail)) || !after.may_suggest_relation(head, tail, &c.label) {
                continue;
            }
            let id = after.fresh_suggestion_id();
            let state = RelationSuggestionState::Pending;
            let r = RelationSuggestion { id, head, tail, label: c.label, recognizer: c.recognizer, score: c.score, state };
            // The next reading sees it pending (one relation per pair).
            if after.apply(Edit::AddRelationSuggestions { suggestions: vec![r.clone()] }, schema).is_ok() {
                new.push(r);
            }
        }
        if new.is_empty() {
            return (edit, 0);
        }
        let n = new.len();
        (Edit::Batch { edits: vec![edit, Edit::AddRelationSuggestions { suggestions: new }] }, n)
    }

    /// Selects a relation suggestion.
    pub(super) fn select_relation_suggestion(&mut self, id: SuggestionId) {
        self.select(Selection::RelationSuggestion(id));
    }
}
