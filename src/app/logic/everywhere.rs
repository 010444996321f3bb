//! Everywhere actions and filtered bulk actions: opening the dialog on the
//! selection, the preview (the open document from memory, the others by a
//! scan on a thread), and running it a few documents per frame (progress,
//! cancel, never a frozen window). The open document's change is one undo
//! step through [`SpanlabApp::edit`]; another document's is saved through
//! the writer (atomically: before or after) and its undo step waits for it
//! to be opened. A document kept unsaved (its save failed) is read and
//! changed as kept, never from its older file: the result is its new kept
//! version, journaled and saved as an edit of it. Names labelled or
//! rejected are taught to the memory and kept in
//! `annotations/decisions.json`.

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

use super::super::SpanlabApp;
use super::super::everywhere::{ApplyJob, Found, Lessons, Rows, Scan, carry_ticks, rows_for};
use super::super::forms::{DocRows, EverywhereForm, EverywhereKind, NameAction, Preview};
use super::super::search::CorpusIndex;
use super::super::state::{Dialog, Selection};
use crate::model::edit::Step;
use crate::model::everywhere::{self, Occurrence, edit_for};
use crate::model::filter::bulk_edit;
use crate::model::{CharIdx, Document, Edit, Schema, Status, SuggestionId};
use crate::store::decisions::{self, Decision, Verdict};

/// How long a frame may spend running an everywhere action.
const FRAME_BUDGET: std::time::Duration = std::time::Duration::from_millis(12);

/// The one edit the rows ask for in `doc`.
fn edit_of(doc: &mut Document, schema: &Schema, form: &EverywhereForm, rows: &Rows) -> Option<Edit> {
    match form.kind {
        EverywhereKind::Name => {
            let occurrences: Vec<Occurrence> = rows.iter().map(|(_, o)| o.clone()).collect();
            edit_for(doc, schema, &form.name_action(), &occurrences)
        }
        EverywhereKind::Filter => {
            let rows: Vec<(SuggestionId, Occurrence)> = rows.iter().filter_map(|(id, o)| id.map(|id| (id, o.clone()))).collect();
            bulk_edit(doc, schema, &form.bulk, &rows)
        }
    }
}

/// What the memory learns from the rows done in `doc` (before the edit).
fn lessons(doc: &Document, form: &EverywhereForm, rows: &Rows, into: &mut Lessons) {
    if form.kind == EverywhereKind::Name {
        let occurrences: Vec<&Occurrence> = rows.iter().map(|(_, o)| o).collect();
        into.extend(everywhere::lessons(doc, &form.name_action(), &occurrences));
    }
}

impl SpanlabApp {
    /// The text and label of the selection, for an everywhere action.
    fn selected_name(&self) -> Option<(String, String, bool)> {
        let open = self.open.as_ref()?;
        let doc = &open.doc;
        match open.selection {
            Selection::Suggestion(id) => {
                doc.suggestion(id).map(|s| (doc.text().slice(s.start, s.end).unwrap_or_default().to_owned(), s.label.clone(), true))
            }
            Selection::Span(id) => doc.spans().get(id).map(|s| (doc.span_text(s).to_owned(), s.label.clone(), false)),
            Selection::Text { anchor, head } if anchor != head => {
                let (a, b) = (anchor.min(head), anchor.max(head));
                let first = self.project.schema.entity_labels.first().map(|l| l.name.clone()).unwrap_or_default();
                doc.text().slice(a, b).map(|t| (t.trim().to_owned(), first, false))
            }
            _ => None,
        }
    }

    /// Opens the everywhere dialog on the selection with `action` over the
    /// corpus, and starts its preview.
    pub(super) fn everywhere(&mut self, action: NameAction, suggestion_only: bool) {
        let Some((name, label, is_suggestion)) = self.selected_name() else {
            self.info("select a span, a suggestion or some text first");
            return;
        };
        if suggestion_only && !is_suggestion {
            self.info("select a suggestion first (j/k)");
            return;
        }
        let form = EverywhereForm::name(&name, action, &label, true);
        self.dialog = Dialog::Everywhere(Box::new(form.clone()));
        self.preview_everywhere(form);
    }

    /// Opens the dialog that filters the pending suggestions.
    pub(super) fn filter_suggestions(&mut self) {
        let form = EverywhereForm::filter();
        self.dialog = Dialog::Everywhere(Box::new(form.clone()));
        self.preview_everywhere(form);
    }

    /// The part of the open article on screen: from the first to the last
    /// pending suggestion drawn in view.
    fn on_screen(&self) -> Option<(CharIdx, CharIdx)> {
        let open = self.open.as_ref()?;
        let shown: Vec<_> = open.doc.pending_suggestions().into_iter().filter(|s| self.article.shows_part(s.start) == Some(true)).collect();
        Some((shown.first()?.start, shown.iter().map(|s| s.end).max()?))
    }

    /// Computes the preview of `form`: the open document at once, the
    /// others (corpus) by a scan in the background.
    pub(super) fn preview_everywhere(&mut self, form: EverywhereForm) {
        self.everywhere_scan = None;
        let mut preview = Preview { asked: Some(Box::new(form.clone())), total: 1, ..Preview::default() };
        let open_index = self.open.as_ref().map(|o| o.index);
        if let Some(open) = &self.open {
            match rows_for(&open.doc, &self.project.schema, &form, self.on_screen()) {
                Ok(rows) if !rows.is_empty() => preview.docs.push(DocRows { index: open.index, id: open.doc.id.clone(), rows }),
                Ok(_) => {}
                Err(e) => preview.error = Some(e),
            }
        }
        preview.scanned = 1;
        if form.corpus && preview.error.is_none() && form.kind == EverywhereKind::Name {
            // Documents saved through the writer are read back by the scan.
            self.flush_writes();
            preview.total = self.project.entries.len().max(1);
            preview.scanned = 0;
            // The corpus index, once complete, passes over the documents
            // the name is not in; the first scan starts it for the next.
            let project = &self.project;
            let texts = self.search.get_or_insert_with(|| CorpusIndex::start(project)).complete();
            // A document kept unsaved is what the user sees: scanned as kept.
            let kept = self.kept_unsaved.iter().filter_map(|(id, k)| Some((self.project.position(id)?, Arc::clone(&k.0)))).collect();
            self.everywhere_scan = Some(Scan::start(self.project.clone(), form, open_index, kept, texts));
        }
        if let Dialog::Everywhere(shown) = &mut self.dialog {
            shown.preview = preview;
        }
    }

    /// Each frame: takes in what the scan found and runs some of a running
    /// action. Returns whether more is to come (repaint soon).
    pub(crate) fn poll_everywhere(&mut self) -> bool {
        let mut busy = false;
        if let Some(scan) = &self.everywhere_scan {
            busy = true;
            let mut errors = Vec::new();
            let mut finished = false;
            while let Ok(found) = scan.rx.try_recv() {
                match (&mut self.dialog, found) {
                    (Dialog::Everywhere(form), Found::Doc(rows)) => form.preview.docs.push(rows),
                    (Dialog::Everywhere(form), Found::Scanned(n)) => {
                        // The open document was scanned from memory.
                        form.preview.scanned = n;
                        finished = n >= form.preview.total;
                    }
                    (_, Found::Error(e)) => errors.push(e),
                    _ => finished = true,
                }
            }
            for e in errors {
                self.error(e);
            }
            if finished || !matches!(self.dialog, Dialog::Everywhere(_)) {
                self.everywhere_scan = None;
                if let Dialog::Everywhere(form) = &mut self.dialog {
                    form.preview.docs.sort_by_key(|d| d.index);
                    form.preview.scanned = form.preview.total;
                }
            }
        }
        if self.everywhere_job.is_some() {
            busy = true;
            self.run_some_of_the_job();
        }
        busy
    }

    /// Runs the previewed action on the ticked rows.
    pub(super) fn run_everywhere(&mut self, form: EverywhereForm) {
        let Some(asked) = form.preview.asked.as_deref().filter(|a| a.same_question(&form) && form.preview.complete()) else {
            self.preview_everywhere(form);
            self.info("the question changed: here is its preview; run it again to act");
            return;
        };
        let queue: VecDeque<DocRows> = form.preview.docs.iter().filter(|d| d.ticked() > 0).cloned().collect();
        if queue.is_empty() {
            self.info("nothing ticked: nothing to do");
            return;
        }
        self.flush_writes();
        let total = queue.len();
        self.everywhere_job =
            Some(ApplyJob { form: asked.clone(), queue, total, changed_docs: 0, changed_rows: 0, learned: BTreeSet::new() });
        self.dialog = Dialog::None;
        self.run_some_of_the_job();
    }

    /// Stops the scan or the running action (documents done stay done).
    pub(super) fn cancel_everywhere(&mut self) {
        self.everywhere_scan = None;
        if let Some(job) = self.everywhere_job.take() {
            let (done, total) = job.progress();
            self.finish_job(job);
            self.info(format!("stopped after {done} of {total} documents"));
        }
    }

    fn run_some_of_the_job(&mut self) {
        let started = std::time::Instant::now();
        while let Some(job) = self.everywhere_job.as_mut() {
            let Some(shown) = job.queue.pop_front() else {
                if let Some(job) = self.everywhere_job.take() {
                    self.finish_job(job);
                }
                return;
            };
            let form = job.form.clone();
            match self.run_on(&form, &shown) {
                Ok((rows, lessons)) => {
                    if let Some(job) = self.everywhere_job.as_mut() {
                        job.changed_docs += usize::from(rows > 0);
                        job.changed_rows += rows;
                        job.learned.extend(lessons);
                    }
                }
                Err(e) => self.error(format!("{}: {e}", shown.id)),
            }
            if started.elapsed() >= FRAME_BUDGET {
                return;
            }
        }
    }

    /// Does the action in one document: returns how many rows it did and
    /// what the memory learns.
    fn run_on(&mut self, form: &EverywhereForm, shown: &DocRows) -> Result<(usize, Lessons), String> {
        let schema = self.project.schema.clone();
        let description = form.description();
        let mut learned = BTreeSet::new();
        if let Some(open) = self.open.as_mut().filter(|o| o.index == shown.index) {
            let view = None;
            let mut rows = rows_for(&open.doc, &schema, form, view)?;
            carry_ticks(&mut rows, &shown.rows);
            lessons(&open.doc, form, &rows, &mut learned);
            let done = rows.iter().filter(|(_, o)| o.ticked && o.can_tick()).count();
            let Some(edit) = edit_of(open.doc_mut(), &schema, form, &rows) else { return Ok((0, learned)) };
            return Ok((if self.edit(edit, &description) { done } else { 0 }, learned));
        }
        // A document kept unsaved is changed as kept (its file is older).
        let kept = self.kept_unsaved.get(&shown.id).map(|k| Document::clone(&k.0));
        let is_kept = kept.is_some();
        let mut doc = match kept {
            Some(doc) => doc,
            None => self.project.load(shown.index).map_err(|e| e.to_string())?.doc,
        };
        let mut rows = rows_for(&doc, &schema, form, None)?;
        carry_ticks(&mut rows, &shown.rows);
        lessons(&doc, form, &rows, &mut learned);
        let done = rows.iter().filter(|(_, o)| o.ticked && o.can_tick()).count();
        let Some(mut edit) = edit_of(&mut doc, &schema, form, &rows) else { return Ok((0, learned)) };
        if doc.status() == Status::New {
            edit = Edit::Batch { edits: vec![edit, Edit::SetStatus { status: Status::InProgress }] };
        }
        let inverse = doc.apply(edit.clone(), &schema).map_err(|e| e.to_string())?;
        let id = doc.id.clone();
        let sent = if is_kept { self.save_kept(doc, edit) } else { self.save_other(doc) };
        if !sent {
            return Err("not saved (read-only, or the writer is not running)".into());
        }
        self.other_steps.entry(id).or_default().push(Step { description, inverse });
        Ok((done, learned))
    }

    /// Says what the action did, teaches the memory and keeps the decisions.
    fn finish_job(&mut self, job: ApplyJob) {
        let what = job.form.description();
        let docs = job.changed_docs;
        self.info(format!(
            "{what}: {} change{} in {docs} document{}; each document's change is one undo step there (Ctrl+Z)",
            job.changed_rows,
            if job.changed_rows == 1 { "" } else { "s" },
            if docs == 1 { "" } else { "s" }
        ));
        let mut keep = Vec::new();
        if !job.learned.is_empty() {
            self.lessons += 1;
        }
        for (text, label, is) in job.learned {
            if is {
                self.engine.remember(&text, &label);
            } else {
                self.engine.reject(&text, &label);
            }
            keep.push(Decision { text, label, verdict: if is { Verdict::Is } else { Verdict::IsNot } });
        }
        if !self.options.read_only
            && let Err(e) = decisions::record(&self.project.annotations, &keep)
        {
            self.error(format!("the decisions were not kept for next time: {e}"));
        }
    }

    /// Teaches the engine the project's kept decisions (at start and after
    /// learning again).
    pub(crate) fn teach_decisions(&mut self) {
        match decisions::read(&self.project.annotations) {
            Ok(list) => {
                for d in list {
                    match d.verdict {
                        Verdict::Is => self.engine.remember(&d.text, &d.label),
                        Verdict::IsNot => self.engine.reject(&d.text, &d.label),
                    }
                }
            }
            Err(e) => self.error(e.to_string()),
        }
    }
}
