//! Applying commands: every change to a document goes through
//! [`SpanlabApp::edit`], which records it for undo and saves at once.

use std::path::PathBuf;

use super::panels::dialogs::{ExportForm, ImportForm, SettingsForm};
use super::{Command, Dialog, OpenDoc, RelationDraft, Selection, SpanlabApp};
use crate::model::edit::Edit;
use crate::model::words::{next_word_end, next_word_start, previous_word_end, previous_word_start};
use crate::model::{CharIdx, ExportOptions, History, SpanId, Status};
use crate::store::Project;

impl SpanlabApp {
    /// Opens the document at `index` of the corpus, suggesting entities for
    /// it if it was never annotated.
    pub fn open_document(&mut self, index: usize) {
        self.commit_comment();
        self.save_now();
        let loaded = match self.project.load(index) {
            Ok(l) => l,
            Err(e) => {
                self.error(e.to_string());
                return;
            }
        };
        let doc = loaded.doc;
        let fresh = !loaded.had_annotations && doc.suggestions().next().is_none();
        if fresh {
            let job = super::suggester::Job {
                doc: doc.id.clone(),
                text: doc.text().clone(),
                schema: self.project.schema.clone(),
                min_score: self.settings.min_score,
            };
            if !self.suggester.request(job) {
                self.error("the suggestion worker is not running: no suggestions for this document");
            }
        }
        let r = &loaded.report;
        if r.text_changed {
            self.info(format!(
                "{}: the article changed since it was annotated: {} spans moved with their text, {} wait for review in the inspector",
                doc.id, r.moved, r.orphaned
            ));
        }
        self.comment_draft = doc.comment().to_owned();
        let first = self.first_suggestion(&doc).map(Selection::Suggestion).unwrap_or_default();
        if let Some(w) = &self.writer {
            w.send(crate::store::writer::Job::Opened { doc: doc.id.clone() });
        }
        self.open = Some(OpenDoc {
            index,
            doc: std::sync::Arc::new(doc),
            history: History::default(),
            selection: first,
            draft: None,
            sent: 0,
            journaled: 0,
            saved: 0,
            save_due: None,
            unsaved: Vec::new(),
            save_error: None,
            load_report: loaded.report,
            encoding: loaded.encoding,
            scroll_to: None,
            suggesting: fresh,
        });
        self.article.reset();
        if self.adjudication.is_some() {
            self.load_adjudication();
        }
    }

    /// The suggestion to review first: the first in the text, or the least
    /// certain when reviewing uncertain ones first.
    fn first_suggestion(&self, doc: &crate::model::Document) -> Option<crate::model::SuggestionId> {
        let pending = doc.pending_suggestions();
        if self.settings.uncertain_first {
            pending.iter().min_by(|a, b| a.score.total_cmp(&b.score)).map(|s| s.id)
        } else {
            pending.first().map(|s| s.id)
        }
    }

    /// Feeds the open document's gold spans to the engine (online learning):
    /// the next documents' suggestions change without a restart.
    fn learn_from_open(&mut self) {
        let Some(open) = &self.open else { return };
        let gold: Vec<_> = open.doc.spans().iter().map(|s| (s.start, s.end, s.label.clone())).collect();
        self.suggester.learn(open.doc.text().clone(), gold);
    }

    /// Starts the engine afresh from the shipped model and has it learn, in
    /// the background, from every document of the project marked done: what
    /// was learned in earlier sessions comes back from the saved
    /// annotations, and the suggestions requested next already use it.
    pub(crate) fn relearn_from_done(&mut self) {
        if let Some(c) = self.learn_cancel.take() {
            c.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        let indices: Vec<usize> =
            (0..self.project.entries.len()).filter(|&i| self.project.entries[i].summary.status == crate::model::Status::Done).collect();
        if indices.is_empty() {
            self.learn_progress = None;
            return;
        }
        let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let job = super::suggester::LearnJob { project: self.project.clone(), indices: indices.clone(), cancel: cancel.clone() };
        if self.suggester.request_relearn(job) {
            self.learn_progress = Some((0, indices.len()));
            self.learn_cancel = Some(cancel);
        }
    }

    /// A fresh engine and worker (what was learned on another project is
    /// forgotten), then learning from this project's done documents.
    fn restart_engine(&mut self) {
        self.engine = std::sync::Arc::new(crate::suggest::Engine::builtin());
        self.suggester = super::suggester::Suggester::new(self.engine.clone(), self.settings.external());
        self.corpus_progress = None;
        self.corpus_cancel = None;
        if let Some(open) = self.open.as_mut() {
            open.suggesting = false;
        }
        self.relearn_from_done();
    }

    /// Remembers a name the annotator confirmed, so it is suggested at its
    /// other occurrences in later documents.
    fn remember_span(&self, id: SpanId) {
        if let Some(open) = &self.open
            && let Some(s) = open.doc.spans().get(id)
        {
            self.engine.remember(open.doc.span_text(s), &s.label);
        }
    }

    /// Takes in suggestions computed in the background for the open document.
    pub(crate) fn receive_suggestions(&mut self) {
        while let Some(outcome) = self.suggester.poll() {
            if let Some(e) = outcome.error {
                self.error(e);
            }
            if let Some((done, total)) = outcome.learning {
                self.learn_progress = (done < total).then_some((done, total));
                if done == total {
                    self.learn_cancel = None;
                    self.info(format!("suggestions now learn from {total} done documents"));
                }
                continue;
            }
            if let Some(p) = outcome.corpus {
                if let (Some(summary), Some(entry)) = (p.summary, self.project.entries.get_mut(p.index)) {
                    entry.summary = summary;
                }
                self.corpus_progress = (p.done < p.total).then_some((p.done, p.total));
                if p.done == p.total {
                    self.corpus_cancel = None;
                    self.info(format!("suggestions ready for {} documents", p.total));
                }
                continue;
            }
            let schema = self.project.schema.clone();
            let Some(open) = self.open.as_mut() else { continue };
            if open.doc.id != outcome.doc || !open.suggesting {
                continue;
            }
            open.suggesting = false;
            let edit = super::suggester::add_suggestions_edit(open.doc_mut(), outcome.candidates);
            if let Some(edit) = edit
                && let Err(e) = open.history.apply_unstepped(std::sync::Arc::make_mut(&mut open.doc), edit, &schema)
            {
                let id = open.doc.id.clone();
                self.error(format!("suggestions for {id}: {e}"));
                continue;
            }
            let first = self.open.as_ref().and_then(|o| self.first_suggestion(&o.doc));
            if let Some(open) = self.open.as_mut()
                && open.selection == Selection::None
            {
                open.selection = first.map(Selection::Suggestion).unwrap_or_default();
            }
            self.autosave();
        }
    }

    /// Throws away the open document's pending suggestions and asks again
    /// (after changing the threshold or the recommender).
    fn suggest_again(&mut self) {
        let schema = self.project.schema.clone();
        let min_score = self.settings.min_score;
        let Some(open) = self.open.as_mut() else { return };
        let ids: Vec<_> = open.doc.pending_suggestions().iter().map(|s| s.id).collect();
        if !ids.is_empty()
            && open.history.apply_unstepped(std::sync::Arc::make_mut(&mut open.doc), Edit::RemoveSuggestions { ids }, &schema).is_err()
        {
            return;
        }
        open.history.clear_steps();
        open.selection = Selection::None;
        let job = super::suggester::Job { doc: open.doc.id.clone(), text: open.doc.text().clone(), schema, min_score };
        open.suggesting = self.suggester.request(job);
        self.autosave();
    }

    /// The first document after `after` (wrapping) that is new or in progress.
    pub fn next_unfinished(&self, after: Option<usize>) -> Option<usize> {
        let n = self.project.entries.len();
        let start = after.map_or(0, |a| a + 1);
        (0..n)
            .map(|k| (start + k) % n)
            .find(|&i| Some(i) != after && matches!(self.project.entries[i].summary.status, Status::New | Status::InProgress))
    }

    /// Applies an edit to the open document, records it for undo and saves.
    /// A first edit of a `new` document also marks it `in_progress`.
    pub fn edit(&mut self, edit: Edit, description: &str) -> bool {
        let schema = self.project.schema.clone();
        let Some(open) = self.open.as_mut() else {
            return false;
        };
        let edit = if open.doc.status() == Status::New && !matches!(edit, Edit::SetStatus { .. }) {
            Edit::Batch { edits: vec![edit, Edit::SetStatus { status: Status::InProgress }] }
        } else {
            edit
        };
        if let Err(e) = open.history.apply(std::sync::Arc::make_mut(&mut open.doc), edit, description, &schema) {
            self.error(format!("{description}: {e}"));
            return false;
        }
        self.autosave();
        true
    }

    /// Sends the open document's new edits to the journal at once, and
    /// schedules writing its file (see [`super::SAVE_DELAY`]).
    pub fn autosave(&mut self) {
        if self.options.read_only {
            return;
        }
        self.send_edits();
        if let Some(open) = self.open.as_mut()
            && open.sent > open.saved
        {
            open.save_due.get_or_insert_with(|| std::time::Instant::now() + super::SAVE_DELAY);
        }
    }

    /// Hands the edits applied since last time to the writer (journal).
    fn send_edits(&mut self) {
        let Some(open) = self.open.as_mut() else { return };
        let edits = open.history.take_applied();
        if edits.is_empty() || self.options.read_only {
            return;
        }
        for e in &edits {
            open.sent += 1;
            open.unsaved.push((open.sent, e.clone()));
        }
        if let Some(i) = self.project.position(&open.doc.id) {
            self.project.entries[i].summary = crate::store::Summary::of(&open.doc);
        }
        match &self.writer {
            Some(w) if w.send(crate::store::writer::Job::Edits { doc: open.doc.id.clone(), edits }) => {}
            _ => open.save_error = Some("the background writer is not running; changes are not saved".into()),
        }
    }

    /// Writes the open document's file now (in the background), if it has
    /// unsaved edits.
    pub fn save_now(&mut self) {
        if self.options.read_only {
            return;
        }
        self.send_edits();
        let Some(open) = self.open.as_mut() else { return };
        open.save_due = None;
        if open.sent == open.saved {
            return;
        }
        if let Some(w) = &self.writer {
            w.send(crate::store::writer::Job::Save { doc: std::sync::Arc::clone(&open.doc), force: false });
        }
    }

    /// Writes everything pending and waits for it (before reading files
    /// back, and in tests).
    pub fn flush_writes(&mut self) {
        self.save_now();
        for ack in self.writer.as_ref().map(crate::store::writer::Writer::flush).unwrap_or_default() {
            self.take_ack(ack);
        }
    }

    /// Waits until the edits sent so far are in the journal (not saved yet).
    pub fn flush_journal(&mut self) {
        self.send_edits();
        for ack in self.writer.as_ref().map(crate::store::writer::Writer::flush).unwrap_or_default() {
            self.take_ack(ack);
        }
    }

    /// Starts the background writer on the project, after replaying the
    /// journal a crash may have left, and takes the project's lock.
    pub(crate) fn start_writer(&mut self) {
        self.writer = None;
        self.lock = None;
        if self.options.read_only {
            return;
        }
        match self.project.recover_journal() {
            Ok(r) => {
                if let Some(n) = r.notice() {
                    if r.conflicts.is_empty() { self.info(n) } else { self.error(n) }
                }
            }
            Err(e) => self.error(format!("recovering unsaved edits: {e}")),
        }
        match crate::store::lock::ProjectLock::acquire(&self.project.annotations) {
            Ok((lock, other)) => {
                if let Some(other) = other {
                    self.error(format!(
                        "another spanlab ({other}) has this project open: a document changed there is detected here, but avoid editing the same document in both"
                    ));
                }
                self.lock = Some(lock);
            }
            Err(e) => self.error(e.to_string()),
        }
        match crate::store::writer::Writer::start(self.project.clone()) {
            Ok(w) => self.writer = Some(w),
            Err(e) => self.error(format!("changes cannot be saved: {e}")),
        }
    }

    /// Each frame: writes the file when due, takes the writer's answers,
    /// and now and then checks the open file for changes by others.
    pub(crate) fn pump_writer(&mut self, ctx: &egui::Context) {
        if let Some(due) = self.open.as_ref().and_then(|o| o.save_due) {
            let now = std::time::Instant::now();
            if now >= due {
                self.save_now();
            } else {
                ctx.request_repaint_after(due - now);
            }
        }
        if self.last_check.elapsed() >= super::CHECK_EVERY {
            self.last_check = std::time::Instant::now();
            if let (Some(w), Some(open)) = (&self.writer, &self.open) {
                w.send(crate::store::writer::Job::Check { doc: open.doc.id.clone() });
            }
        }
        if self.writer.is_some() {
            ctx.request_repaint_after(super::CHECK_EVERY);
        }
        while let Some(ack) = self.writer.as_ref().and_then(crate::store::writer::Writer::poll) {
            self.take_ack(ack);
        }
    }

    fn take_ack(&mut self, ack: crate::store::writer::Ack) {
        use crate::store::writer::Ack;
        let is_open = |app: &Self, doc: &crate::model::DocId| app.open.as_ref().is_some_and(|o| &o.doc.id == doc);
        match ack {
            Ack::Journaled { doc, seq } => {
                if let Some(open) = self.open.as_mut().filter(|o| o.doc.id == doc) {
                    open.journaled = open.journaled.max(seq);
                }
            }
            Ack::Saved { doc, seq, summary } => {
                if let Some(i) = self.project.position(&doc) {
                    self.project.entries[i].summary = summary;
                }
                if let Some(open) = self.open.as_mut().filter(|o| o.doc.id == doc) {
                    open.saved = open.saved.max(seq);
                    open.unsaved.retain(|(n, _)| *n > seq);
                    open.save_error = None;
                }
            }
            Ack::Changed { doc } => {
                if !is_open(self, &doc) {
                    return;
                }
                let clean = self.open.as_ref().is_some_and(|o| o.sent == o.saved && o.history.undo_description().is_none());
                if clean {
                    if let Some(i) = self.project.position(&doc) {
                        self.reload_open(i);
                        self.info(format!("{}: changed on disk; reloaded", doc.0));
                    }
                } else {
                    if let Some(open) = self.open.as_mut() {
                        open.save_error = Some("the file changed on disk: choose merge, keep mine or reload".into());
                    }
                    self.dialog = Dialog::Conflict;
                }
            }
            Ack::Failed { doc, message } => {
                if let Some(open) = self.open.as_mut().filter(|o| o.doc.id == doc) {
                    open.save_error = Some(message.clone());
                }
                self.error(format!("{}: not saved: {message}", doc.0));
            }
            Ack::Flushed => {}
        }
    }

    /// Reloads the open document from disk, dropping its unsaved edits.
    fn reload_open(&mut self, index: usize) {
        if let (Some(w), Some(open)) = (&self.writer, &self.open) {
            w.send(crate::store::writer::Job::Discard { doc: open.doc.id.clone() });
        }
        if let Some(open) = self.open.as_mut() {
            open.sent = open.saved;
            open.unsaved.clear();
            let _ = open.history.take_applied();
        }
        self.open = None;
        self.open_document(index);
    }

    /// The user's answer to a file changed on disk under unsaved edits.
    pub fn resolve_conflict(&mut self, choice: ConflictChoice) {
        self.dialog = Dialog::None;
        let Some(open) = self.open.as_ref() else { return };
        let (id, index) = (open.doc.id.clone(), open.index);
        match choice {
            ConflictChoice::Reload => {
                self.reload_open(index);
                self.info(format!("{}: reloaded from disk; your unsaved changes were dropped", id.0));
            }
            ConflictChoice::KeepMine => {
                self.send_edits();
                if let (Some(w), Some(open)) = (&self.writer, self.open.as_mut()) {
                    open.save_due = None;
                    w.send(crate::store::writer::Job::Save { doc: std::sync::Arc::clone(&open.doc), force: true });
                }
                self.info(format!("{}: your version replaces the one on disk", id.0));
            }
            ConflictChoice::Merge => {
                self.send_edits();
                let mine: Vec<crate::model::Edit> =
                    self.open.as_ref().map(|o| o.unsaved.iter().map(|(_, e)| e.clone()).collect()).unwrap_or_default();
                self.reload_open(index);
                let schema = self.project.schema.clone();
                let Some(open) = self.open.as_mut() else { return };
                let mut failed = 0;
                let mut renamed = std::collections::BTreeMap::new();
                for e in mine {
                    let e = crate::model::edit::rebase(e, std::sync::Arc::make_mut(&mut open.doc), &mut renamed);
                    if open.history.apply(std::sync::Arc::make_mut(&mut open.doc), e, "merged change", &schema).is_err() {
                        failed += 1;
                    }
                }
                self.autosave();
                self.save_now();
                if failed == 0 {
                    self.info(format!("{}: your unsaved changes were applied onto the version on disk", id.0));
                } else {
                    self.error(format!("{}: merged, but {failed} of your changes no longer applied to the version on disk", id.0));
                }
            }
        }
    }

    fn commit_comment(&mut self) {
        let differs = self.open.as_ref().is_some_and(|o| o.doc.comment() != self.comment_draft);
        if differs {
            let comment = self.comment_draft.clone();
            self.edit(Edit::SetComment { comment }, "comment");
        }
    }

    /// Spans and pending suggestions in text order, for Tab.
    fn items(&self) -> Vec<(CharIdx, Selection)> {
        let Some(open) = &self.open else {
            return Vec::new();
        };
        let mut v: Vec<(CharIdx, Selection)> = open.doc.spans().iter().map(|s| (s.start, Selection::Span(s.id))).collect();
        v.extend(open.doc.pending_suggestions().iter().map(|s| (s.start, Selection::Suggestion(s.id))));
        v.sort_by_key(|x| x.0);
        v
    }

    fn selection_start(&self) -> CharIdx {
        let Some(open) = &self.open else { return CharIdx::ZERO };
        match open.selection {
            Selection::Span(id) => open.doc.spans().get(id).map_or(CharIdx::ZERO, |s| s.start),
            Selection::Suggestion(id) => open.doc.suggestion(id).map_or(CharIdx::ZERO, |s| s.start),
            Selection::Text { head, .. } => head,
            Selection::Relation(id) => open.doc.relation(id).and_then(|r| open.doc.spans().get(r.head)).map_or(CharIdx::ZERO, |s| s.start),
            Selection::None => CharIdx::ZERO,
        }
    }

    fn select(&mut self, sel: Selection) {
        if let Some(open) = self.open.as_mut() {
            open.selection = sel;
            open.scroll_to = match sel {
                Selection::Span(id) => open.doc.spans().get(id).map(|s| s.start),
                Selection::Suggestion(id) => open.doc.suggestion(id).map(|s| s.start),
                Selection::Text { head, .. } => Some(head),
                Selection::Relation(id) => open.doc.relation(id).and_then(|r| open.doc.spans().get(r.head)).map(|s| s.start),
                Selection::None => None,
            };
        }
    }

    /// The span or pending suggestion after (or before) the selection in
    /// text order (spans before suggestions that start at the same place),
    /// wrapping around; found by binary search, so Tab costs the same on a
    /// long article.
    fn neighbour_item(&self, forward: bool, suggestions_only: bool) -> Option<Selection> {
        use std::ops::Bound::{Excluded, Included, Unbounded};
        let open = self.open.as_ref()?;
        let doc = &open.doc;
        let spans = doc.spans().iter().as_slice();
        // (start, 0 for a span or 1 for a suggestion, the span's index or
        // the suggestion's end, the suggestion's id)
        type Key = (CharIdx, u8, usize, u64);
        const NOWHERE: Key = (CharIdx::ZERO, 0, 0, 0);
        let span_key = |i: usize, s: &crate::model::Span| -> Key { (s.start, 0, i, 0) };
        let sugg_key = |s: &crate::model::Suggestion| -> Key { (s.start, 1, s.end.get(), s.id.0) };
        // Where we are; `exact` when that is an item itself.
        let (here, exact): (Key, bool) = match open.selection {
            Selection::Span(id) if doc.spans().get(id).is_some() => {
                let i = doc.spans().index_of(id).unwrap_or(0);
                (spans.get(i).map_or(NOWHERE, |s| span_key(i, s)), true)
            }
            Selection::Suggestion(id) if doc.suggestion(id).is_some_and(|s| s.is_pending()) => {
                (doc.suggestion(id).map_or(NOWHERE, sugg_key), true)
            }
            _ => ((self.selection_start(), 0, 0, 0), false),
        };
        let bound = |k: Key| (k.0, CharIdx::new(k.2), crate::model::SuggestionId(k.3));
        let at_start = |start: CharIdx| (start, CharIdx::ZERO, crate::model::SuggestionId(0));
        let span_at = |i: usize| spans.get(i).map(|s| (span_key(i, s), Selection::Span(s.id)));
        let (span, sugg) = if forward {
            // The first item after `here` (or at it, when `here` is no item).
            let i = match (exact, here.1) {
                (true, 0) => here.2 + 1,
                // Spans starting where a suggestion starts come before it.
                (true, _) => spans.partition_point(|s| s.start <= here.0),
                (false, _) => spans.partition_point(|s| s.start < here.0),
            };
            let from = match (exact, here.1) {
                (true, 1) => (Excluded(bound(here)), Unbounded),
                _ => (Included(at_start(here.0)), Unbounded),
            };
            (span_at(i), doc.pending_by_position(from).next().map(|s| (sugg_key(s), Selection::Suggestion(s.id))))
        } else {
            let i = match (exact, here.1) {
                (true, 0) => here.2.checked_sub(1),
                // Spans starting at or before a suggestion come before it.
                (true, _) => spans.partition_point(|s| s.start <= here.0).checked_sub(1),
                (false, _) => spans.partition_point(|s| s.start < here.0).checked_sub(1),
            };
            let to = match (exact, here.1) {
                (true, 1) => (Unbounded, Excluded(bound(here))),
                _ => (Unbounded, Excluded(at_start(here.0))),
            };
            (i.and_then(span_at), doc.pending_by_position(to).next_back().map(|s| (sugg_key(s), Selection::Suggestion(s.id))))
        };
        // The nearer of the two in the direction of travel.
        let pick = |span: Option<(Key, Selection)>, sugg: Option<(Key, Selection)>| match (span.filter(|_| !suggestions_only), sugg) {
            (Some(a), Some(b)) => Some(if (a.0 < b.0) == forward { a.1 } else { b.1 }),
            (a, b) => a.or(b).map(|x| x.1),
        };
        if let Some(sel) = pick(span, sugg) {
            return Some(sel);
        }
        // Wrap around.
        let all = (Unbounded, Unbounded);
        let (span, sugg) = if forward {
            (span_at(0), doc.pending_by_position(all).next().map(|s| (sugg_key(s), Selection::Suggestion(s.id))))
        } else {
            (
                spans.len().checked_sub(1).and_then(span_at),
                doc.pending_by_position(all).next_back().map(|s| (sugg_key(s), Selection::Suggestion(s.id))),
            )
        };
        pick(span, sugg)
    }

    fn step_item(&mut self, forward: bool, suggestions_only: bool) {
        if !(suggestions_only && self.settings.uncertain_first) {
            if let Some(sel) = self.neighbour_item(forward, suggestions_only) {
                self.select(sel);
            }
            return;
        }
        let here = self.selection_start();
        let current = self.open.as_ref().map(|o| o.selection);
        let mut items: Vec<(CharIdx, Selection)> =
            self.items().into_iter().filter(|(_, s)| !suggestions_only || matches!(s, Selection::Suggestion(_))).collect();
        if suggestions_only
            && self.settings.uncertain_first
            && let Some(open) = &self.open
        {
            let score = |s: &Selection| match s {
                Selection::Suggestion(id) => open.doc.suggestion(*id).map_or(0.0, |x| x.score),
                _ => 0.0,
            };
            items.sort_by(|a, b| score(&a.1).total_cmp(&score(&b.1)).then(a.0.cmp(&b.0)));
        }
        if items.is_empty() {
            return;
        }
        let pos = items.iter().position(|(_, s)| Some(*s) == current);
        let next = match (pos, forward) {
            (Some(p), true) => (p + 1) % items.len(),
            (Some(p), false) => (p + items.len() - 1) % items.len(),
            (None, true) => items.iter().position(|(s, _)| *s >= here).unwrap_or(0),
            (None, false) => items.iter().rposition(|(s, _)| *s < here).unwrap_or(items.len() - 1),
        };
        self.select(items[next].1);
    }

    /// Runs one command.
    pub fn apply(&mut self, ctx: &egui::Context, command: Command) {
        let schema = self.project.schema.clone();
        match command {
            Command::Undo | Command::Redo => {
                let Some(open) = self.open.as_mut() else {
                    return;
                };
                let result = if command == Command::Undo {
                    open.history.undo(std::sync::Arc::make_mut(&mut open.doc), &schema)
                } else {
                    open.history.redo(std::sync::Arc::make_mut(&mut open.doc), &schema)
                };
                match result {
                    Ok(Some(what)) => {
                        let verb = if command == Command::Undo { "undid" } else { "redid" };
                        self.info(format!("{verb} {what}"));
                        self.autosave();
                        self.fix_selection();
                    }
                    Ok(None) => {}
                    Err(e) => self.error(e.to_string()),
                }
            }
            Command::Label(label) => self.label_selection(&label),
            Command::DeleteSelected => {
                let Some(selection) = self.open.as_ref().map(|o| o.selection) else {
                    return;
                };
                match selection {
                    Selection::Span(id) => {
                        let Some(open) = &self.open else { return };
                        let n = open.doc.relations_of(id).len();
                        let what = if n > 0 { format!("delete span and its {n} relation(s)") } else { "delete span".to_owned() };
                        if self.edit(Edit::RemoveSpan { id }, &what) {
                            self.select(Selection::None);
                        }
                    }
                    Selection::Relation(id) if self.edit(Edit::RemoveRelation { id }, "delete relation") => {
                        self.select(Selection::None);
                    }
                    Selection::Suggestion(_) => self.apply(ctx, Command::RejectSuggestion),
                    _ => {}
                }
            }
            Command::AcceptSuggestion => {
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
            Command::RejectSuggestion => {
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
            Command::NextSuggestion => self.step_item(true, true),
            Command::PreviousSuggestion => self.step_item(false, true),
            Command::NextSpan => self.step_item(true, false),
            Command::PreviousSpan => self.step_item(false, false),
            Command::AcceptAll => {
                let Some(open) = self.open.as_mut() else {
                    return;
                };
                match open.doc_mut().accept_all_edit(&schema) {
                    Some(edit) => {
                        self.edit(edit, "accept all suggestions");
                        let left = self.open.as_ref().map_or(0, |o| o.doc.pending_count());
                        if left > 0 {
                            self.info(format!("{left} suggestions overlap others and wait for a decision"));
                        }
                        self.fix_selection();
                    }
                    None => self.info("no suggestion to accept"),
                }
            }
            Command::RejectAll => {
                let Some(open) = &self.open else { return };
                if let Some(edit) = open.doc.reject_all_edit() {
                    self.edit(edit, "reject all suggestions");
                    self.fix_selection();
                }
            }
            Command::CaretWordLeft
            | Command::CaretWordRight
            | Command::ExtendWordLeft
            | Command::ExtendWordRight
            | Command::ExtendCharLeft
            | Command::ExtendCharRight => self.move_caret(&command),
            Command::StartWordLeft
            | Command::StartWordRight
            | Command::EndWordLeft
            | Command::EndWordRight
            | Command::StartCharLeft
            | Command::StartCharRight
            | Command::EndCharLeft
            | Command::EndCharRight => self.move_boundary(&command),
            Command::StartRelation => self.start_relation(None),
            Command::RetargetRelation(id) => {
                let head = self.open.as_ref().and_then(|o| o.doc.relation(id)).map(|r| r.head);
                if let Some(h) = head {
                    self.select(Selection::Span(h));
                    self.start_relation(Some(id));
                }
            }
            Command::RelationTail(tail) => self.choose_tail(tail),
            Command::RelationType(label) => self.finish_relation(&label),
            Command::DeleteRelation(id) => {
                self.edit(Edit::RemoveRelation { id }, "delete relation");
            }
            Command::Escape => {
                if self.dialog != Dialog::None {
                    self.dialog = Dialog::None;
                } else if let Some(open) = self.open.as_mut()
                    && open.draft.take().is_none()
                {
                    open.selection = Selection::None;
                }
            }
            Command::MarkDone => {
                self.commit_comment();
                if self.edit(Edit::SetStatus { status: Status::Done }, "mark done") {
                    self.learn_from_open();
                    let here = self.open.as_ref().map(|o| o.index);
                    match self.next_unfinished(here) {
                        Some(i) => self.open_document(i),
                        None => self.info("every document is done or skipped"),
                    }
                }
            }
            Command::MarkSkipped => {
                self.edit(Edit::SetStatus { status: Status::Skipped }, "mark skipped");
            }
            Command::SetStatus(status) => {
                self.edit(Edit::SetStatus { status }, "set status");
            }
            Command::SetComment(c) => {
                self.comment_draft = c;
                self.commit_comment();
            }
            Command::NextDocument | Command::PreviousDocument => {
                let n = self.project.entries.len();
                if n == 0 {
                    return;
                }
                let here = self.open.as_ref().map_or(0, |o| o.index);
                let next = if command == Command::NextDocument { (here + 1) % n } else { (here + n - 1) % n };
                self.open_document(next);
            }
            Command::OpenDocument(i) => self.open_document(i),
            Command::SelectSpan(id) => self.select(Selection::Span(id)),
            Command::SelectSuggestion(id) => self.select(Selection::Suggestion(id)),
            Command::SelectRelation(id) => self.select(Selection::Relation(id)),
            Command::SelectText(a, b) => {
                if let Some(open) = self.open.as_mut() {
                    open.selection = Selection::Text { anchor: a, head: b };
                }
            }
            Command::OpenFolder => self.dialog = Dialog::OpenFolder(self.project.root.display().to_string()),
            Command::OpenRecent(p) => self.open_project(&p),
            Command::Import => self.dialog = Dialog::Import(ImportForm::default()),
            Command::Export => self.dialog = Dialog::Export(ExportForm::new(&self.project)),
            Command::CommandPalette => self.dialog = Dialog::Palette { query: String::new(), selected: 0 },
            Command::Find => self.dialog = Dialog::Find { query: String::new(), fresh: true },
            Command::FindNext(query) => self.find_next(&query),
            Command::Settings => self.dialog = Dialog::Settings(SettingsForm::from_settings(&self.settings)),
            Command::ApplySettings(form) => {
                let name = form.annotator.trim();
                if !name.is_empty()
                    && let Err(e) = crate::store::project::check_annotator(name)
                {
                    self.error(format!("settings not saved: {e}"));
                    return;
                }
                let annotator = self.settings.annotator.clone();
                let recommender_changed = form.apply(&mut self.settings);
                self.save_settings();
                if self.settings.annotator != annotator && self.options.annotator.is_none() {
                    // Another name: that annotator's own files.
                    let root = self.project.root.clone();
                    self.open_project(&root);
                    return;
                }
                if recommender_changed {
                    self.suggester.set_external(self.settings.external());
                }
                self.info("settings saved; Suggest again (Ctrl+Shift+G) refreshes this document's suggestions");
            }
            Command::SuggestAgain => self.suggest_again(),
            Command::Adjudicate => self.toggle_adjudication(),
            Command::Dashboard => {
                if self.dashboard.take().is_none() {
                    // The figures are read from the files: write the open document's first.
                    self.flush_writes();
                    self.dashboard = Some(super::panels::dashboard::Dashboard::start(&self.project));
                }
            }
            Command::AdjudicateNext => self.adjudication_move(1),
            Command::AdjudicatePrevious => self.adjudication_move(-1),
            Command::AdjudicateSelect(i) => {
                if let Some(a) = self.adjudication.as_mut() {
                    a.cursor = i;
                }
                self.adjudication_move(0);
            }
            Command::AdjudicateTake => self.adjudication_take(false),
            Command::AdjudicateTakeAgreed => self.adjudication_take(true),
            Command::AdjudicateDrop => {
                let Some(c) = self.adjudication.as_ref().and_then(|a| a.candidates.get(a.cursor).cloned()) else { return };
                let edit = self.open.as_ref().and_then(|o| crate::model::curate::drop_edit(&o.doc, &c));
                if let Some(e) = edit {
                    self.edit(e, "drop from the curated version");
                }
                self.adjudication_move(1);
            }
            Command::SuggestCorpus => {
                let open = self.open.as_ref().map(|o| o.index);
                let indices: Vec<usize> =
                    (0..self.project.entries.len()).filter(|&i| Some(i) != open && !self.project.entries[i].summary.annotated).collect();
                if indices.is_empty() {
                    self.info("every document already has suggestions or annotations");
                    return;
                }
                let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
                let job = super::suggester::CorpusJob {
                    project: self.project.clone(),
                    indices: indices.clone(),
                    schema: self.project.schema.clone(),
                    min_score: self.settings.min_score,
                    cancel: cancel.clone(),
                };
                if self.suggester.request_corpus(job) {
                    self.corpus_progress = Some((0, indices.len()));
                    self.corpus_cancel = Some(cancel);
                }
            }
            Command::CancelBackground => {
                if let Some(c) = &self.corpus_cancel {
                    c.store(true, std::sync::atomic::Ordering::Relaxed);
                    self.info("stopping the corpus suggestions after the current document");
                }
                if let Some(c) = &self.learn_cancel {
                    c.store(true, std::sync::atomic::Ordering::Relaxed);
                    self.info("stopping learning from done documents");
                }
            }
            Command::Relearn => {
                self.restart_engine();
                self.info("learning again from the done documents, from the shipped model");
            }
            Command::ShowShortcuts => self.dialog = Dialog::Shortcuts,
            Command::ToggleTheme => {
                self.settings.dark = !self.settings.dark;
                self.apply_theme(ctx);
                self.save_settings();
            }
            Command::ToggleRelations => {
                self.settings.show_relations = !self.settings.show_relations;
                self.save_settings();
            }
            Command::Quit => {
                self.commit_comment();
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// Selects the next occurrence of `query` after the caret (wrapping); an
    /// occurrence that is exactly a span selects the span.
    fn find_next(&mut self, query: &str) {
        if query.is_empty() {
            return;
        }
        let Some(open) = self.open.as_ref() else {
            return;
        };
        let from = match open.selection {
            Selection::Text { anchor, head } => anchor.max(head),
            Selection::Span(id) => open.doc.spans().get(id).map_or(CharIdx::ZERO, |s| s.end),
            Selection::Suggestion(id) => open.doc.suggestion(id).map_or(CharIdx::ZERO, |s| s.end),
            _ => CharIdx::ZERO,
        };
        let hits = open.doc.text().find_all(query);
        let Some(start) = hits.iter().find(|&&h| h >= from).or(hits.first()).copied() else {
            self.info(format!("{query:?} is not in this document"));
            return;
        };
        let end = start + query.chars().count();
        let span = open.doc.spans().iter().find(|s| s.start == start && s.end == end).map(|s| s.id);
        match span {
            Some(id) => self.select(Selection::Span(id)),
            None => self.select(Selection::Text { anchor: start, head: end }),
        }
    }

    /// After accepting or rejecting, move to the next pending suggestion.
    fn after_decision(&mut self) {
        let here = self.selection_start();
        let next = self.open.as_ref().and_then(|o| {
            let p = o.doc.pending_suggestions();
            p.iter().find(|s| s.start >= here).or(p.first()).map(|s| s.id)
        });
        self.select(next.map_or(Selection::None, Selection::Suggestion));
    }

    /// Drops a selection that no longer exists (after undo, delete, …).
    fn fix_selection(&mut self) {
        let Some(open) = self.open.as_mut() else {
            return;
        };
        let gone = match open.selection {
            Selection::Span(id) => open.doc.spans().get(id).is_none(),
            Selection::Suggestion(id) => !open.doc.suggestion(id).is_some_and(|s| s.is_pending()),
            Selection::Relation(id) => open.doc.relation(id).is_none(),
            _ => false,
        };
        if gone {
            open.selection = Selection::None;
            open.draft = None;
        }
    }

    fn label_selection(&mut self, label: &str) {
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
                let edit = open.doc_mut().add_span_edit(a, b, label);
                let Edit::AddSpan { span } = &edit else {
                    return;
                };
                let id = span.id;
                if self.edit(edit, &format!("new {label} span")) {
                    self.remember_span(id);
                    self.select(Selection::Span(id));
                }
            }
            Selection::Span(id) => {
                let Some(s) = open.doc.spans().get(id) else {
                    return;
                };
                if let Some(edit) = open.doc.change_span_edit(id, s.start, s.end, label) {
                    self.edit(edit, &format!("relabel as {label}"));
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

    fn move_caret(&mut self, command: &Command) {
        let Some(open) = self.open.as_mut() else {
            return;
        };
        let text = open.doc.text();
        let (anchor, head) = match open.selection {
            Selection::Text { anchor, head } => (anchor, head),
            Selection::Span(id) => open.doc.spans().get(id).map_or((CharIdx::ZERO, CharIdx::ZERO), |s| (s.end, s.end)),
            Selection::Suggestion(id) => open.doc.suggestion(id).map_or((CharIdx::ZERO, CharIdx::ZERO), |s| (s.end, s.end)),
            _ => (CharIdx::ZERO, CharIdx::ZERO),
        };
        let new_head = match command {
            Command::CaretWordLeft | Command::ExtendWordLeft => previous_word_start(text, head),
            Command::CaretWordRight => next_word_start(text, head),
            Command::ExtendWordRight => next_word_end(text, head),
            Command::ExtendCharLeft => head.saturating_sub(1),
            Command::ExtendCharRight => (head + 1).min(text.end()),
            _ => head,
        };
        let extend =
            matches!(command, Command::ExtendWordLeft | Command::ExtendWordRight | Command::ExtendCharLeft | Command::ExtendCharRight);
        // Extending from a caret that sits before a word selects that word.
        let anchor = if extend { anchor } else { new_head };
        open.selection = Selection::Text { anchor, head: new_head };
        open.scroll_to = Some(new_head);
    }

    fn move_boundary(&mut self, command: &Command) {
        let Some(open) = self.open.as_ref() else {
            return;
        };
        let Selection::Span(id) = open.selection else {
            self.info("select a span to move its boundaries");
            return;
        };
        let Some(span) = open.doc.spans().get(id).cloned() else {
            return;
        };
        let text = open.doc.text();
        let (mut s, mut e) = (span.start, span.end);
        match command {
            Command::StartWordLeft => s = previous_word_start(text, s),
            Command::StartWordRight => s = next_word_start(text, s),
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
        if let Some(edit) = open.doc.change_span_edit(id, s, e, &span.label) {
            self.edit(edit, "move span boundary");
        }
    }

    /// Relation types allowed between two spans, likeliest first.
    pub(crate) fn likely_types(&self, head: SpanId, tail: SpanId) -> Vec<String> {
        let Some(open) = &self.open else {
            return Vec::new();
        };
        let (Some(h), Some(t)) = (open.doc.spans().get(head), open.doc.spans().get(tail)) else {
            return Vec::new();
        };
        let mut allowed: Vec<(usize, usize, String)> = self
            .project
            .schema
            .relations_allowed(&h.label, &t.label)
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let session = self.relation_counts.get(&(h.label.clone(), t.label.clone(), r.name.clone())).copied().unwrap_or(0);
                let here = open
                    .doc
                    .relations()
                    .filter(|x| x.label == r.name)
                    .filter(|x| {
                        open.doc.spans().get(x.head).is_some_and(|s| s.label == h.label)
                            && open.doc.spans().get(x.tail).is_some_and(|s| s.label == t.label)
                    })
                    .count();
                let n = session + here;
                (usize::MAX - n, i, r.name.clone())
            })
            .collect();
        allowed.sort();
        allowed.into_iter().map(|x| x.2).collect()
    }

    fn start_relation(&mut self, retarget: Option<crate::model::RelationId>) {
        let Some(open) = self.open.as_ref() else {
            return;
        };
        let Selection::Span(head) = open.selection else {
            self.info("select the head span first (Tab), then press r");
            return;
        };
        let Some(h) = open.doc.spans().get(head) else {
            return;
        };
        let schema = &self.project.schema;
        let mut candidates: Vec<(usize, SpanId)> = open
            .doc
            .spans()
            .iter()
            .filter(|t| t.id != head && !schema.relations_allowed(&h.label, &t.label).is_empty())
            .map(|t| (tail_distance(open.doc.text(), h, t), t.id))
            .collect();
        candidates.sort();
        if candidates.is_empty() {
            self.info(format!("no span in this document can be the tail of a relation from a {} span", h.label));
            return;
        }
        let draft = RelationDraft {
            head,
            candidates: candidates.into_iter().map(|c| c.1).collect(),
            index: 0,
            tail: None,
            types: Vec::new(),
            retarget,
        };
        if let Some(open) = self.open.as_mut() {
            open.scroll_to = open.doc.spans().get(draft.candidates[0]).map(|s| s.start);
            open.draft = Some(draft);
        }
    }

    fn choose_tail(&mut self, tail: SpanId) {
        let Some(head) = self.open.as_ref().and_then(|o| o.draft.as_ref()).map(|d| d.head) else {
            return;
        };
        let types = self.likely_types(head, tail);
        if types.is_empty() {
            self.info("no relation type joins these two labels");
            return;
        }
        let retarget = self.open.as_ref().and_then(|o| o.draft.as_ref()).and_then(|d| d.retarget);
        if let Some(id) = retarget {
            // Re-targeting keeps the type when it is still allowed.
            let old = self.open.as_ref().and_then(|o| o.doc.relation(id)).cloned();
            if let Some(mut r) = old {
                let keep = types.contains(&r.label);
                r.tail = tail;
                if !keep {
                    r.label = types[0].clone();
                }
                if self.edit(Edit::SetRelation { relation: r }, "re-target relation")
                    && let Some(open) = self.open.as_mut()
                {
                    open.draft = None;
                    open.selection = Selection::Relation(id);
                }
            }
            return;
        }
        if let Some(d) = self.open.as_mut().and_then(|o| o.draft.as_mut()) {
            d.tail = Some(tail);
            d.types = types;
        }
    }

    fn finish_relation(&mut self, label: &str) {
        let Some(open) = self.open.as_mut() else {
            return;
        };
        // Relabel a selected relation.
        if open.draft.is_none() {
            if let Selection::Relation(id) = open.selection
                && let Some(mut r) = open.doc.relation(id).cloned()
            {
                r.label = label.to_owned();
                self.edit(Edit::SetRelation { relation: r }, "relabel relation");
            }
            return;
        }
        let Some(draft) = open.draft.clone() else {
            return;
        };
        let Some(tail) = draft.tail else { return };
        let (mut head, mut tail) = (draft.head, tail);
        // A symmetric relation runs from the earlier mention to the later one.
        if self.project.schema.relation(label).is_some_and(|r| r.symmetric) {
            let pos = |id| open.doc.spans().get(id).map_or(CharIdx::ZERO, |s| s.start);
            if pos(tail) < pos(head) {
                std::mem::swap(&mut head, &mut tail);
            }
        }
        let edit = open.doc_mut().add_relation_edit(head, tail, label);
        let Edit::AddRelation { relation } = &edit else {
            return;
        };
        let id = relation.id;
        let labels = (
            open.doc.spans().get(head).map(|s| s.label.clone()).unwrap_or_default(),
            open.doc.spans().get(tail).map(|s| s.label.clone()).unwrap_or_default(),
        );
        if self.edit(edit, &format!("new {label} relation")) {
            *self.relation_counts.entry((labels.0, labels.1, label.to_owned())).or_default() += 1;
            if let Some(open) = self.open.as_mut() {
                open.draft = None;
                open.selection = Selection::Relation(id);
            }
        }
    }

    /// Opens or closes the adjudication of the open document. The curated
    /// version is the project's own files: adjudicate without an annotator
    /// name.
    fn toggle_adjudication(&mut self) {
        if self.adjudication.take().is_some() {
            return;
        }
        if let Some(name) = &self.project.annotator {
            self.error(format!(
                "you are annotating as {name}: the curated version is the project's own; clear the annotator name in Settings (or start without --annotator) to adjudicate"
            ));
            return;
        }
        match super::panels::adjudicate::Adjudication::start(&self.project) {
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
    fn adjudication_move(&mut self, by: isize) {
        let (Some(adj), Some(open)) = (self.adjudication.as_mut(), self.open.as_mut()) else { return };
        let n = adj.candidates.len();
        if n == 0 {
            return;
        }
        adj.cursor = (adj.cursor as isize + by).clamp(0, n as isize - 1) as usize;
        self.adjudication_scroll = true;
        let Some(c) = adj.candidates.get(adj.cursor) else { return };
        let (start, end) = match &c.item {
            crate::model::curate::Item::Span(k) => (CharIdx::new(k.0), CharIdx::new(k.1)),
            crate::model::curate::Item::Relation { head, .. } => (CharIdx::new(head.0), CharIdx::new(head.1)),
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
    fn adjudication_take(&mut self, agreed: bool) {
        let schema = self.project.schema.clone();
        let Some(adj) = self.adjudication.as_ref() else { return };
        let names = adj.annotators.clone();
        let chosen: Vec<crate::model::curate::Candidate> = if agreed {
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

    /// Opens another project folder in this window.
    pub fn open_project(&mut self, dir: &std::path::Path) {
        self.commit_comment();
        self.flush_writes();
        let annotator =
            self.options.annotator.clone().or_else(|| (!self.settings.annotator.is_empty()).then(|| self.settings.annotator.clone()));
        let base = (dir == self.project.root).then(|| self.project.base.clone());
        match Project::open_as(dir, base.as_deref(), annotator.as_deref()) {
            Ok(p) => {
                self.project = p;
                self.open = None;
                self.adjudication = None;
                self.dashboard = None;
                // The writer, journal and lock belong to the folder now open
                // (the old writer finishes its queue as it is dropped).
                self.start_writer();
                self.restart_engine();
                self.search_texts.clear();
                self.dialog = Dialog::None;
                self.messages.clear();
                for w in self.project.warnings.clone() {
                    self.info(w);
                }
                self.remember_project();
                if let Some(i) = self.next_unfinished(None).or(if self.project.entries.is_empty() { None } else { Some(0) }) {
                    self.open_document(i);
                }
                self.info(format!("opened {} ({} documents)", dir.display(), self.project.entries.len()));
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Writes the annotations as the export form says; returns the report,
    /// or an error text.
    pub fn export_to(&mut self, form: &ExportForm) -> Result<String, String> {
        self.commit_comment();
        let path = PathBuf::from(form.path.trim());
        if form.path.trim().is_empty() {
            return Err("choose where to write the file".into());
        }
        // The export reads the files: write the open document's first.
        self.flush_writes();
        let options = ExportOptions { done_only: form.done_only, include_suggestions: form.include_suggestions };
        let (dataset, notes) = self.project.export(options, |_| {}).map_err(|e| e.to_string())?;
        let convert = crate::store::formats::Options { offsets: Some(form.offsets), ..Default::default() };
        let report = crate::store::convert::write(
            &dataset,
            &self.project.schema,
            form.format,
            &convert,
            &crate::store::formats::format_tokens,
            &path,
            form.strict,
        )
        .map_err(|e| e.to_string())?;
        Ok(format!(
            "wrote {}\n{}{}",
            path.display(),
            report,
            if notes.orphans > 0 { format!("\n({} spans awaiting review were left out)", notes.orphans) } else { String::new() }
        ))
    }

    /// Imports a dataset into a folder and opens it.
    pub fn import_from(&mut self, form: &ImportForm) -> Result<(), String> {
        let file = PathBuf::from(form.file.trim());
        let into = PathBuf::from(form.into.trim());
        if form.file.trim().is_empty() || form.into.trim().is_empty() {
            return Err("choose the dataset and the folder to import into".into());
        }
        let texts = if form.texts.trim().is_empty() {
            None
        } else {
            let p = PathBuf::from(form.texts.trim());
            Some(crate::store::convert::read_texts(&p).map_err(|e| e.to_string())?)
        };
        let options = crate::store::formats::Options { offsets: form.offsets, ..Default::default() };
        let (dataset, report) = crate::store::convert::read(&file, form.format, &options, texts.as_ref()).map_err(|e| e.to_string())?;
        if form.strict {
            crate::store::convert::refuse_losses(&file, &report).map_err(|e| e.to_string())?;
        }
        crate::store::project::import_dataset(&dataset, &file, &into).map_err(|e| e.to_string())?;
        self.open_project(&into);
        self.info(report.to_string().replace('\n', "; "));
        Ok(())
    }
}

/// What to do when the open document's file changed on disk under unsaved
/// edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictChoice {
    /// Load the file from disk; drop the unsaved edits.
    Reload,
    /// Write this version over the file.
    KeepMine,
    /// Load the file from disk and apply the unsaved edits onto it.
    Merge,
}

/// How far a candidate tail is from a head, for ordering: spans after the
/// head come before spans before it, and anything in another paragraph
/// comes after everything in the same one (relations join mentions of one
/// paragraph).
fn tail_distance(text: &crate::model::Text, head: &crate::model::Span, tail: &crate::model::Span) -> usize {
    let (gap, between) = if tail.start >= head.end {
        (tail.start - head.end, text.slice(head.end, tail.start))
    } else {
        (2 * head.start.distance_from(tail.end) + 1, text.slice(tail.end, head.start))
    };
    let other_paragraph = between.is_some_and(|b| b.contains('\n'));
    gap + if other_paragraph { 1_000_000 } else { 0 }
}
