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
        open.scroll_to = Some(start);
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
