//! Labelling: a text selection becomes a span, a span is relabelled or its
//! boundaries moved, suggestions are accepted or rejected (one, or all),
//! the selection deleted; the document's status and comment.
//!
//! Every change is an [`Edit`] applied through [`SpanlabApp::edit`].

use super::super::SpanlabApp;
use super::super::commands::Command;
use super::super::parts::snap_to_parts;
use super::super::state::Selection;
use crate::model::edit::Edit;
use crate::model::words::{next_capitalised_word, next_word_end, next_word_start, previous_word_end, previous_word_start};
use crate::model::{SpanId, Status};

impl SpanlabApp {
    /// Gives the selection a label: a text range becomes a span (widened
    /// to whole words unless `exact`; the pending suggestions it overlaps
    /// are rejected, it replaces them), a span is relabelled, a suggestion
    /// is accepted with that label.
    pub(super) fn label_selection(&mut self, label: &str, exact: bool) {
        let Some(open) = self.open.as_mut() else {
            return;
        };
        match open.selection {
            Selection::Text { anchor, head } => {
                let (a, b) = (anchor.min(head), anchor.max(head));
                if a == b {
                    self.info("select some text first (drag over it, or Shift+→ from the caret)");
                    return;
                }
                let (a, b) = if exact { (a, b) } else { snap_to_parts(open.doc.text(), a, b) };
                let replaced: Vec<Edit> =
                    open.doc.pending_overlapping(a, b).filter_map(|s| open.doc.reject_suggestion_edit(s.id)).collect();
                let add = open.doc_mut().add_span_edit(a, b, label);
                let Edit::AddSpan { span } = &add else {
                    return;
                };
                let id = span.id;
                let edit = if replaced.is_empty() { add } else { Edit::Batch { edits: replaced.into_iter().chain([add]).collect() } };
                if self.edit(edit, &format!("new {label} span")) {
                    self.remember_span(id);
                    // Selected where it is: the text was on screen, and
                    // scrolling now would move it from under the pointer.
                    if let Some(open) = self.open.as_mut() {
                        open.selection = Selection::Span(id);
                    }
                }
            }
            Selection::Span(id) => {
                let Some(s) = open.doc.spans().get(id) else {
                    return;
                };
                let Some(edit) = open.doc.change_span_edit(id, s.start, s.end, label) else { return };
                let broken = self.relations_broken_by(id, label);
                if broken.is_empty() {
                    self.edit(edit, &format!("relabel as {label}"));
                } else {
                    self.offer_relabel(id, label, broken);
                }
            }
            Selection::Suggestion(id) => {
                let Some(Edit::Batch { mut edits }) = open.doc_mut().accept_suggestion_edit(id) else {
                    return;
                };
                let same = open.doc.suggestion(id).is_some_and(|s| s.label == label);
                if !same && let Some(Edit::AddSpan { span }) = edits.first_mut() {
                    span.label = label.to_owned();
                    if let crate::model::Origin::Suggested { edited, .. } = &mut span.origin {
                        *edited = true;
                    }
                }
                if self.edit(Edit::Batch { edits }, &format!("accept suggestion as {label}")) {
                    self.after_decision();
                }
            }
            _ => self.info("select text, a span or a suggestion first"),
        }
    }

    /// The relations of `span` the schema would no longer allow were it
    /// labelled `label`.
    fn relations_broken_by(&self, span: SpanId, label: &str) -> Vec<crate::model::RelationId> {
        let Some(open) = &self.open else { return Vec::new() };
        let doc = &open.doc;
        let label_of = |id: SpanId| if id == span { Some(label.to_owned()) } else { doc.spans().get(id).map(|s| s.label.clone()) };
        doc.relations_of(span)
            .into_iter()
            .filter(|r| {
                let (Some(h), Some(t)) = (label_of(r.head), label_of(r.tail)) else { return true };
                self.project.schema.relation(&r.label).is_some_and(|rl| !rl.allows(&h, &t))
            })
            .map(|r| r.id)
            .collect()
    }

    /// A relabel the span's relations forbid: says which relations, and
    /// that Enter relabels and drops them (one undo step); any other key
    /// leaves everything as it is.
    fn offer_relabel(&mut self, span: SpanId, label: &str, broken: Vec<crate::model::RelationId>) {
        let Some(open) = &self.open else { return };
        let doc = &open.doc;
        let name = |id| doc.spans().get(id).map(|s| doc.span_text(s).to_owned()).unwrap_or_default();
        let said: Vec<String> =
            broken.iter().filter_map(|&id| doc.relation(id)).map(|r| format!("{} {} {}", name(r.head), r.label, name(r.tail))).collect();
        let n = broken.len();
        let (it, s) = if n == 1 { ("it", "") } else { ("them", "s") };
        let text = format!(
            "“{}” as {label}: its {n} relation{s} ({}) cannot join a {label} span: press Enter to relabel and drop {it} (one undo step), any other key keeps everything",
            name(span),
            said.join(", ")
        );
        self.relabel_offer = Some(super::super::state::RelabelOffer { span, label: label.to_owned(), drop: broken });
        self.info(text);
    }

    /// Relabels the span of a relabel offer and drops the relations its new
    /// label forbids, in one step.
    pub(super) fn confirm_relabel(&mut self, offer: super::super::state::RelabelOffer) {
        let Some(open) = self.open.as_ref() else { return };
        let Some(s) = open.doc.spans().get(offer.span) else { return };
        let Some(relabel) = open.doc.change_span_edit(offer.span, s.start, s.end, &offer.label) else { return };
        let n = offer.drop.len();
        let mut edits: Vec<Edit> = offer.drop.into_iter().map(|id| Edit::RemoveRelation { id }).collect();
        edits.push(relabel);
        let s = if n == 1 { "" } else { "s" };
        self.edit(Edit::Batch { edits }, &format!("relabel as {} and drop {n} relation{s}", offer.label));
    }

    /// Accepts the selected suggestion as it is.
    pub(super) fn accept_suggestion(&mut self) {
        let Some(open) = self.open.as_mut() else {
            return;
        };
        let Selection::Suggestion(id) = open.selection else {
            return;
        };
        let Some(edit) = open.doc_mut().accept_suggestion_edit(id) else {
            return;
        };
        let span = match &edit {
            Edit::Batch { edits } => edits.iter().find_map(|e| if let Edit::AddSpan { span } = e { Some(span.id) } else { None }),
            _ => None,
        };
        if self.edit(edit, "accept suggestion") {
            if let Some(s) = span {
                self.remember_span(s);
            }
            self.after_decision();
        }
    }

    /// Rejects the selected suggestion.
    pub(super) fn reject_suggestion(&mut self) {
        let Some(open) = self.open.as_mut() else {
            return;
        };
        let Selection::Suggestion(id) = open.selection else {
            return;
        };
        let Some(edit) = open.doc.reject_suggestion_edit(id) else {
            return;
        };
        if self.edit(edit, "reject suggestion") {
            self.after_decision();
        }
    }

    /// Accepts every pending suggestion that overlaps no other.
    pub(super) fn accept_all(&mut self) {
        let schema = self.project.schema.clone();
        let Some(open) = self.open.as_mut() else {
            return;
        };
        let reviewing = open.doc.pending_count() == 0 && !open.doc.pending_relation_suggestions().is_empty();
        match open.doc_mut().accept_all_edit(&schema) {
            Some(edit) => {
                if self.edit(edit, "accept all suggestions") && reviewing {
                    self.fix_selection();
                    self.review_goes_on();
                    return;
                }
                let left = self.open.as_ref().map_or(0, |o| o.doc.pending_count());
                if left > 0 {
                    self.info(format!("{left} suggestions overlap others and wait for a decision"));
                }
                self.fix_selection();
            }
            None => self.info("no suggestion to accept"),
        }
    }

    /// Accepts every pending entity suggestion that overlaps no other, and
    /// leaves the suggested relations pending, for j, Enter, x or a type's
    /// key; Shift+A takes those left.
    pub(super) fn accept_all_entities(&mut self) {
        let schema = self.project.schema.clone();
        let Some(open) = self.open.as_mut() else {
            return;
        };
        let Some(edit) = open.doc_mut().accept_all_entities_edit(&schema) else {
            self.info("no entity suggestion to accept");
            return;
        };
        if !self.edit(edit, "accept all entity suggestions") {
            return;
        }
        self.fix_selection();
        let Some(open) = self.open.as_ref() else { return };
        let left = open.doc.pending_count();
        let n = open.doc.pending_relation_suggestions().len();
        let overlap = if left > 0 { format!("; {left} suggestions overlap others and wait for a decision") } else { String::new() };
        // The setting off: A (the next key) turns it on, so the documents
        // opened from now on come as this one is now.
        let offer = if self.settings.accept_on_open {
            ""
        } else {
            self.accept_offer = true;
            " · A: the same on every document you open (turns on \"open documents with suggestions accepted\")"
        };
        if n > 0 {
            // Nothing is selected for them: the entities are fixed first
            // (Tab goes on from the top), then j reaches the first.
            self.info(format!(
                "{n} suggested relation{} to review (j: the first; Enter accepts, x rejects, a type's key retypes, Shift+A accepts those left){overlap}{offer}",
                if n == 1 { "" } else { "s" }
            ));
        } else if left > 0 {
            self.info(format!("{}{offer}", overlap.trim_start_matches("; ")));
        } else if !offer.is_empty() {
            self.info(format!("entity suggestions accepted{offer}"));
        }
    }

    /// Rejects every pending suggestion.
    pub(super) fn reject_all(&mut self) {
        let Some(open) = &self.open else { return };
        // Reviewing the suggested relations (no entity suggestion left):
        // each is rejected as x would (the engine learns it), and the
        // review goes on with those the spans now make possible.
        let reviewing: Vec<_> =
            if open.doc.pending_count() == 0 { open.doc.pending_relation_suggestions().into_iter().cloned().collect() } else { Vec::new() };
        if let Some(edit) = open.doc.reject_all_edit() {
            for r in &reviewing {
                self.teach_relation(r.head, r.tail, &r.label, crate::suggest::relations::Verdict::Rejected);
            }
            if self.edit(edit, "reject all suggestions") && !reviewing.is_empty() {
                self.fix_selection();
                self.review_goes_on();
                return;
            }
            self.fix_selection();
        }
    }

    /// Deletes the selected span (with its relations) or relation; rejects
    /// a selected suggestion.
    pub(super) fn delete_selected(&mut self) {
        let Some(selection) = self.open.as_ref().map(|o| o.selection) else {
            return;
        };
        match selection {
            Selection::Span(id) => {
                let Some(open) = &self.open else { return };
                let n = open.doc.relations_of(id).len();
                let what = if n > 0 { format!("delete span and its {n} relation(s)") } else { "delete span".to_owned() };
                let at = open.doc.spans().get(id).map(|s| s.start);
                if self.edit(Edit::RemoveSpan { id }, &what) {
                    // A caret where it was: Tab, n and the arrows go on from there.
                    self.select(at.map_or(Selection::None, |at| Selection::Text { anchor: at, head: at }));
                }
            }
            Selection::Relation(id) => {
                let Some(open) = &self.open else { return };
                let at = open.doc.relation(id).and_then(|r| open.doc.spans().get(r.head)).map(|s| s.start);
                if self.edit(Edit::RemoveRelation { id }, "delete relation") {
                    // A caret where its head starts: period goes on from
                    // there to the next relation in reading order.
                    self.select(at.map_or(Selection::None, |at| Selection::Text { anchor: at, head: at }));
                }
            }
            Selection::Suggestion(_) => self.reject_suggestion(),
            _ => {}
        }
    }

    /// Sets the document's status.
    pub(super) fn set_status(&mut self, status: Status, description: &str) {
        self.edit(Edit::SetStatus { status }, description);
    }

    /// Sets the document's comment.
    pub(super) fn set_comment(&mut self, comment: String) {
        self.comment_draft = comment;
        self.commit_comment();
    }

    /// Marks the document done, learns from it, and opens the next
    /// unfinished one.
    pub(super) fn mark_done(&mut self) {
        self.commit_comment();
        if self.edit(Edit::SetStatus { status: Status::Done }, "mark done") {
            self.learn_from_open();
            let id = self.open.as_ref().map(|o| o.doc.id.0.clone()).unwrap_or_default();
            self.info(format!("{id} done; {}", self.learned_text()));
            let here = self.open.as_ref().map(|o| o.index);
            match self.next_unfinished(here) {
                Some(i) => self.open_document(i),
                None => self.info("every document is done or skipped"),
            }
            // The done documents changed: the project model is rebuilt in
            // the background, after the next document's suggestions.
            self.flush_writes();
            self.relearn_from_done();
        }
    }

    /// Moves the selected span's start or end by a word or a character; a
    /// pending suggestion is accepted with its boundary moved, in one step
    /// (an edited span, selected).
    pub(super) fn move_boundary(&mut self, command: &Command) {
        let Some(open) = self.open.as_ref() else {
            return;
        };
        let (id, span) = match open.selection {
            Selection::Span(id) => (Some(id), open.doc.spans().get(id).cloned()),
            Selection::Suggestion(sid) => {
                (None, open.doc.suggestion(sid).map(|s| crate::model::Span::manual(SpanId(0), s.start, s.end, &s.label)))
            }
            _ => {
                self.info("select a span or a suggestion to move its boundaries");
                return;
            }
        };
        let Some(span) = span else {
            return;
        };
        let text = open.doc.text();
        let (mut s, mut e) = (span.start, span.end);
        match command {
            Command::StartWordLeft => s = previous_word_start(text, s),
            Command::StartWordRight => s = next_word_start(text, s),
            Command::StartToCapital => match next_capitalised_word(text, s, e) {
                Some(c) => s = c,
                None => {
                    self.info("no capitalised word after the span's start");
                    return;
                }
            },
            Command::EndWordLeft => e = previous_word_end(text, e),
            Command::EndWordRight => e = next_word_end(text, e),
            Command::StartCharLeft => s = s.saturating_sub(1),
            Command::StartCharRight => s += 1,
            Command::EndCharLeft => e = e.saturating_sub(1),
            Command::EndCharRight => e = (e + 1).min(text.end()),
            _ => {}
        }
        if s >= e {
            self.info("a span cannot be empty");
            return;
        }
        match id {
            Some(id) => {
                if let Some(edit) = open.doc.change_span_edit(id, s, e, &span.label) {
                    self.edit(edit, "move span boundary");
                }
            }
            None => self.accept_moved(s, e),
        }
    }

    /// Accepts the selected suggestion with other boundaries, and selects
    /// the new span.
    fn accept_moved(&mut self, start: crate::model::CharIdx, end: crate::model::CharIdx) {
        let Some(open) = self.open.as_mut() else { return };
        let Selection::Suggestion(sid) = open.selection else { return };
        let Some(Edit::Batch { mut edits }) = open.doc_mut().accept_suggestion_edit(sid) else { return };
        let mut new = None;
        if let Some(Edit::AddSpan { span }) = edits.first_mut() {
            span.start = start;
            span.end = end;
            if let crate::model::Origin::Suggested { edited, .. } = &mut span.origin {
                *edited = true;
            }
            new = Some(span.id);
        }
        if self.edit(Edit::Batch { edits }, "accept suggestion with a boundary moved")
            && let Some(id) = new
        {
            self.remember_span(id);
            self.select(Selection::Span(id));
        }
    }

    /// Remembers a name the annotator confirmed, so it is suggested at its
    /// other occurrences in later documents.
    pub(super) fn remember_span(&self, id: SpanId) {
        if let Some(open) = &self.open
            && let Some(s) = open.doc.spans().get(id)
        {
            self.engine.remember(open.doc.span_text(s), &s.label);
        }
    }

    /// Writes the comment being typed into the document, if it changed.
    pub(super) fn commit_comment(&mut self) {
        let differs = self.open.as_ref().is_some_and(|o| o.doc.comment() != self.comment_draft);
        if differs {
            let comment = self.comment_draft.clone();
            self.edit(Edit::SetComment { comment }, "comment");
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::super::testing::app_with;
    use crate::app::Command;
    use crate::model::{CharIdx, Origin, Status};

    const NEWS: &str = "Le ministre Sergueï Lavrov a rencontré Wang Yi à Pékin.";

    #[test]
    fn a_text_selection_becomes_a_span_and_the_document_is_in_progress() {
        let mut f = app_with(&[("a", NEWS)]);
        f.run(Command::SelectText(CharIdx::new(12), CharIdx::new(26)));
        f.run(Command::Label("PER".into()));
        assert_eq!(f.markup(), "Le ministre [Sergueï Lavrov]{PER} a rencontré Wang Yi à Pékin.");
        assert_eq!(f.selected(), "Sergueï Lavrov PER", "the new span is selected");
        assert_eq!(f.open().doc.status(), Status::InProgress);
        f.run(Command::Undo);
        assert_eq!(f.markup(), NEWS);
        assert_eq!(f.selected(), "", "the undone span is no longer selected");
    }

    #[test]
    fn a_caret_is_not_labelled() {
        let mut f = app_with(&[("a", NEWS)]);
        f.run(Command::SelectText(CharIdx::new(12), CharIdx::new(12)));
        f.run(Command::Label("PER".into()));
        assert_eq!(f.markup(), NEWS);
        assert!(f.last_message().contains("select some text first"), "{}", f.last_message());
    }

    #[test]
    fn a_label_key_relabels_a_span_and_accepts_a_suggestion_as_that_label() {
        let mut f = app_with(&[("a", "Le ministre Sergueï Lavrov a rencontré [Wang Yi]{ORG} à Pékin.")]);
        f.run(Command::SelectSpan(f.span("Wang Yi")));
        f.run(Command::Label("PER".into()));
        assert_eq!(f.selected(), "Wang Yi PER");
        let s = f.suggest("Pékin", "LOC", 0.7);
        f.run(Command::SelectSuggestion(s));
        f.run(Command::Label("GPE".into()));
        let doc = &f.open().doc;
        let pekin = doc.spans().get(f.span("Pékin")).expect("accepted");
        assert_eq!(pekin.label, "GPE");
        assert!(matches!(pekin.origin, Origin::Suggested { edited: true, .. }), "{:?}", pekin.origin);
        assert_eq!(doc.pending_count(), 0);
    }

    #[test]
    fn accepting_and_rejecting_move_to_the_next_suggestion() {
        let mut f = app_with(&[("a", NEWS)]);
        let lavrov = f.suggest("Sergueï Lavrov", "PER", 0.9);
        f.suggest("Wang Yi", "PER", 0.8);
        f.suggest("Pékin", "GPE", 0.8);
        f.run(Command::SelectSuggestion(lavrov));
        f.run(Command::AcceptSuggestion);
        assert_eq!(f.selected(), "Wang Yi PER?");
        f.run(Command::RejectSuggestion);
        assert_eq!(f.selected(), "Pékin GPE?");
        f.run(Command::AcceptAll);
        assert_eq!(f.markup(), "Le ministre [Sergueï Lavrov]{PER} a rencontré Wang Yi à [Pékin]{GPE}.");
    }

    #[test]
    fn span_boundaries_move_by_words_and_characters_but_never_to_nothing() {
        let mut f = app_with(&[("a", "Le ministre [Sergueï Lavrov]{PER} a rencontré Wang Yi.")]);
        f.run(Command::SelectSpan(f.span("Sergueï Lavrov")));
        f.run(Command::StartWordLeft);
        assert_eq!(f.selected(), "ministre Sergueï Lavrov PER");
        f.run(Command::StartWordRight);
        f.run(Command::EndCharLeft);
        assert_eq!(f.selected(), "Sergueï Lavro PER");
        f.run(Command::EndWordRight);
        assert_eq!(f.selected(), "Sergueï Lavrov PER");
        f.run(Command::StartWordRight);
        assert_eq!(f.selected(), "Lavrov PER");
        f.run(Command::StartWordRight);
        assert_eq!(f.selected(), "Lavrov PER", "an empty span is refused");
        assert!(f.last_message().contains("cannot be empty"), "{}", f.last_message());
    }

    #[test]
    fn deleting_a_span_deletes_its_relations() {
        let mut f = app_with(&[("a", "[Sergueï Lavrov]{PER} a rencontré [Wang Yi]{PER}.")]);
        f.run(Command::SelectSpan(f.span("Sergueï Lavrov")));
        f.run(Command::StartRelation);
        f.run(Command::ConfirmTail);
        f.run(Command::RelationTypeAt(0));
        assert_eq!(f.open().doc.relation_count(), 1);
        f.run(Command::SelectSpan(f.span("Wang Yi")));
        f.run(Command::DeleteSelected);
        assert_eq!(f.markup(), "[Sergueï Lavrov]{PER} a rencontré Wang Yi.");
        assert_eq!(f.open().doc.relation_count(), 0);
        assert_eq!(f.selected(), "[]", "a caret where the span was");
    }

    /// Issue 15, item 13: the memory learns the span the user cut and the
    /// one they kept, not only the names they accepted.
    #[test]
    fn a_suggestion_cut_short_is_not_suggested_again_in_the_next_document() {
        let mut f = app_with(&[
            ("a", "Les principes de la Charte des Nations unies sont clairs."),
            ("b", "Le Conseil a rappelé les principes de la Charte des Nations unies, a dit le ministre."),
        ]);
        let s = f.suggest("Charte des Nations unies", "ORG", 0.83);
        f.run(Command::SelectSuggestion(s));
        f.run(Command::StartWordRight);
        f.run(Command::StartWordRight);
        assert_eq!(f.selected(), "Nations unies ORG");
        f.run(Command::MarkDone);
        f.settle();
        assert_eq!(f.open().doc.id.0, "b");
        let pending = f.pending();
        assert!(!pending.contains(&"Charte des Nations unies ORG".to_owned()), "{pending:?}");
        assert!(pending.contains(&"Nations unies ORG".to_owned()), "{pending:?}");
    }

    /// After Delete, Tab goes on from where the deleted span was (it went
    /// back to the top of the article, and each fix after the first cost
    /// the Tabs from there).
    #[test]
    fn tab_after_delete_goes_on_from_the_deleted_span() {
        let mut f = app_with(&[("a", "[Paris]{GPE}, [Berlin]{GPE}, [Rome]{GPE} et [Oslo]{GPE}.")]);
        let berlin = f.span("Berlin");
        f.run(Command::SelectSpan(berlin));
        f.run(Command::DeleteSelected);
        f.run(Command::NextSpan);
        assert_eq!(f.selected(), "Rome GPE");
        let rome = f.span("Rome");
        f.run(Command::SelectSpan(rome));
        f.run(Command::DeleteSelected);
        f.run(Command::PreviousSpan);
        assert_eq!(f.selected(), "Paris GPE");
    }

    #[test]
    fn done_opens_the_next_unfinished_document() {
        let mut f = app_with(&[("a", "A."), ("b", "B.")]);
        f.run(Command::MarkDone);
        assert_eq!(f.open().doc.id.0, "b");
    }
}
