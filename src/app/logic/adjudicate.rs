//! Adjudication: the annotators' versions of the open document become the
//! curated version (the project's own files), candidate by candidate with
//! the cursor, or every agreed one at once.
//!
//! Every change is an [`Edit`] applied through [`SpanlabApp::edit`].

use super::super::SpanlabApp;
use super::super::adjudication::Adjudication;
use super::super::state::Selection;
use crate::model::CharIdx;
use crate::model::curate::{Candidate, Item};
use crate::model::edit::Edit;

impl SpanlabApp {
    /// Opens or closes the adjudication of the open document. The curated
    /// version is the project's own files: adjudicate without an annotator
    /// name.
    pub(super) fn toggle_adjudication(&mut self) {
        if self.adjudication.take().is_some() {
            return;
        }
        if let Some(name) = &self.project.annotator {
            self.error(format!(
                "you are annotating as {name}: the curated version is the project's own; clear the annotator name in Settings (or start without --annotator) to adjudicate"
            ));
            return;
        }
        match Adjudication::start(&self.project) {
            Ok(a) => {
                self.adjudication = Some(a);
                self.load_adjudication();
            }
            Err(e) => self.error(e),
        }
    }

    /// Loads the annotators' versions of the open document.
    pub(crate) fn load_adjudication(&mut self) {
        let (Some(adj), Some(open)) = (self.adjudication.as_mut(), self.open.as_ref()) else { return };
        let errors = adj.load(&open.doc);
        for e in errors {
            self.error(e);
        }
        self.adjudication_move(0);
    }

    /// Moves the adjudication cursor and shows its candidate in the text.
    pub(super) fn adjudication_move(&mut self, by: isize) {
        let (Some(adj), Some(open)) = (self.adjudication.as_mut(), self.open.as_mut()) else { return };
        let n = adj.candidates.len();
        if n == 0 {
            return;
        }
        adj.cursor = adj.cursor.saturating_add_signed(by).min(n - 1);
        self.adjudication_scroll = true;
        let Some(c) = adj.candidates.get(adj.cursor) else { return };
        let (start, end) = match &c.item {
            Item::Span(k) => (CharIdx::new(k.0), CharIdx::new(k.1)),
            Item::Relation { head, .. } => (CharIdx::new(head.0), CharIdx::new(head.1)),
        };
        let span = open.doc.spans().overlapping(start, end).find(|s| (s.start, s.end) == (start, end)).map(|s| s.id);
        open.selection = match span {
            Some(id) => Selection::Span(id),
            None => Selection::Text { anchor: start, head: end },
        };
        open.scroll_to = Some(start.into());
    }

    /// Takes the candidate under the cursor (or every agreed one) into the
    /// curated version.
    pub(super) fn adjudication_take(&mut self, agreed: bool) {
        let schema = self.project.schema.clone();
        let Some(adj) = self.adjudication.as_ref() else { return };
        let names = adj.annotators.clone();
        let chosen: Vec<Candidate> = if agreed {
            adj.candidates.iter().filter(|c| c.unanimous()).cloned().collect()
        } else {
            adj.candidates.get(adj.cursor).cloned().into_iter().collect()
        };
        let Some(open) = self.open.as_mut() else { return };
        let mut edits = Vec::new();
        // One undo step; each candidate is planned on the document as the
        // previous ones leave it.
        let mut preview = (*open.doc).clone();
        for c in &chosen {
            if let Some(e) = crate::model::curate::take_edit(&mut preview, c, &names, &schema)
                && preview.apply(e.clone(), &schema).is_ok()
            {
                edits.push(e);
            }
        }
        open.doc_mut().set_next_id(preview.next_id());
        if !edits.is_empty() {
            let what = if agreed { "take every agreed span and relation" } else { "take from the annotators" };
            self.edit(Edit::Batch { edits }, what);
        }
        if !agreed {
            self.adjudication_move(1);
        }
    }

    /// Puts the cursor on candidate `i` and shows it.
    pub(super) fn adjudication_select(&mut self, i: usize) {
        if let Some(a) = self.adjudication.as_mut() {
            a.cursor = i;
        }
        self.adjudication_move(0);
    }

    /// Takes the candidate under the cursor out of the curated version.
    pub(super) fn adjudication_drop(&mut self) {
        let Some(c) = self.adjudication.as_ref().and_then(|a| a.candidates.get(a.cursor).cloned()) else { return };
        let edit = self.open.as_ref().and_then(|o| crate::model::curate::drop_edit(&o.doc, &c));
        if let Some(e) = edit {
            self.edit(e, "drop from the curated version");
        }
        self.adjudication_move(1);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::super::testing::{Fixture, corpus, on_project};
    use crate::app::{Command, Mode};
    use crate::model::markup::parse_markup;
    use crate::store::Project;

    /// The curated version open, with two annotators' versions of it.
    fn adjudicating(ann: &str, bob: &str) -> Fixture {
        let dir = corpus(&[("a", ann)]);
        for (who, markup) in [("ann", ann), ("bob", bob)] {
            let mut p = Project::open_as(dir.path(), None, Some(who)).expect("opens");
            let mut doc = p.load(0).expect("loads").doc;
            for (s, e, label) in parse_markup(markup).1 {
                let edit = doc.add_span_edit(s, e, &label);
                doc.apply(edit, &p.schema).expect("span");
            }
            p.save(&doc).expect("saved");
        }
        let project = Project::open(dir.path(), None).expect("opens");
        let mut f = on_project(dir, project);
        f.set_markup(&parse_markup(ann).0);
        f.run(Command::Adjudicate);
        assert_eq!(f.app.mode(), Mode::Adjudicating, "{}", f.last_message());
        f
    }

    #[test]
    fn take_agreed_then_take_and_drop_under_the_cursor() {
        let mut f = adjudicating("[Lavrov]{PER} a vu [Wang Yi]{PER} à [Pékin]{GPE}.", "[Lavrov]{PER} a vu [Wang Yi]{ORG} à Pékin.");
        let adj = f.app.adjudication.as_ref().expect("adjudicating");
        assert_eq!(adj.annotators, ["ann", "bob"]);
        assert_eq!(adj.candidates.len(), 4, "PER Lavrov, ORG Wang Yi, PER Wang Yi, GPE Pékin");
        f.run(Command::AdjudicateTakeAgreed);
        assert_eq!(f.markup(), "[Lavrov]{PER} a vu Wang Yi à Pékin.");
        // The cursor on the first candidate: Lavrov; take the next one, PER Wang Yi.
        f.run(Command::AdjudicateNext);
        f.run(Command::AdjudicateNext);
        f.run(Command::AdjudicateTake);
        assert_eq!(f.markup(), "[Lavrov]{PER} a vu [Wang Yi]{PER} à Pékin.");
        // The cursor moved on: Pékin, taken; the cursor stays on the last
        // candidate, which is dropped again; one up, Wang Yi is dropped too.
        f.run(Command::AdjudicateTake);
        assert_eq!(f.markup(), "[Lavrov]{PER} a vu [Wang Yi]{PER} à [Pékin]{GPE}.");
        f.run(Command::AdjudicateDrop);
        assert_eq!(f.markup(), "[Lavrov]{PER} a vu [Wang Yi]{PER} à Pékin.");
        f.run(Command::AdjudicatePrevious);
        f.run(Command::AdjudicateDrop);
        assert_eq!(f.markup(), "[Lavrov]{PER} a vu Wang Yi à Pékin.");
        f.run(Command::Adjudicate);
        assert_eq!(f.app.mode(), Mode::Annotating);
    }

    #[test]
    fn the_cursor_stays_within_the_candidates() {
        let mut f = adjudicating("[Lavrov]{PER} à Pékin.", "[Lavrov]{PER} à [Pékin]{GPE}.");
        for _ in 0..5 {
            f.run(Command::AdjudicateNext);
        }
        assert_eq!(f.app.adjudication.as_ref().map(|a| a.cursor), Some(1));
        f.run(Command::AdjudicateSelect(7));
        assert_eq!(f.app.adjudication.as_ref().map(|a| a.cursor), Some(1));
        for _ in 0..5 {
            f.run(Command::AdjudicatePrevious);
        }
        assert_eq!(f.app.adjudication.as_ref().map(|a| a.cursor), Some(0));
        assert_eq!(f.selected(), "[Lavrov]", "the candidate is shown in the text");
    }
}
