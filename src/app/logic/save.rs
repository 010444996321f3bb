//! Saving: each edit goes to the journal at once (through the background
//! writer, `store::writer`, the only writer of annotation files) and the
//! document's file follows [`SAVE_DELAY`] later; the writer's answers come
//! back here, including "the file changed on disk", which asks the user.
//!
//! Must not touch: the disk (the writer does).

use std::sync::Arc;

use super::super::commands::ConflictChoice;
use super::super::state::Dialog;
use super::super::{CHECK_EVERY, SAVE_DELAY, SpanlabApp};
use crate::model::{DocId, Edit};
use crate::store::writer::{Ack, Job, Writer};

impl SpanlabApp {
    /// Sends the open document's new edits to the journal at once, and
    /// schedules writing its file (see [`SAVE_DELAY`]).
    pub fn autosave(&mut self) {
        if self.options.read_only {
            return;
        }
        self.send_edits();
        if let Some(open) = self.open.as_mut()
            && open.sent > open.saved
        {
            open.save_due.get_or_insert_with(|| std::time::Instant::now() + SAVE_DELAY);
        }
    }

    /// Hands the edits applied since last time to the writer (journal).
    pub(super) fn send_edits(&mut self) {
        let Some(open) = self.open.as_mut() else { return };
        let edits = open.history.take_applied();
        if edits.is_empty() || self.options.read_only {
            return;
        }
        for e in &edits {
            open.sent += 1;
            open.unsaved.push((open.sent, e.clone()));
        }
        if let Some(entry) = self.project.position(&open.doc.id).and_then(|i| self.project.entries.get_mut(i)) {
            entry.summary = crate::store::Summary::of(&open.doc);
        }
        match &self.writer {
            Some(w) if w.send(Job::Edits { doc: open.doc.id.clone(), edits }) => {}
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
        let doc = Arc::clone(&open.doc);
        self.send_save(doc, false);
    }

    /// Hands a document's save to the writer, remembering it is in flight
    /// until acknowledged ([`Self::wait_for_save`]). False when nothing
    /// was sent.
    fn send_save(&mut self, doc: Arc<crate::model::Document>, force: bool) -> bool {
        let id = doc.id.clone();
        let sent = self.writer.as_ref().is_some_and(|w| w.send(Job::Save { doc, force }));
        if sent {
            self.saves_in_flight.insert(id);
        }
        sent
    }

    /// Before a document's file is read: when a save of it is still with
    /// the writer (the document was left a moment ago), waits for the
    /// writer, so the file read is the one just saved.
    pub(super) fn wait_for_save(&mut self, doc: &crate::model::DocId) {
        if self.saves_in_flight.contains(doc) {
            self.wait_for_writer();
            // Every job sent is done: a save that failed is the writer's
            // to try again (its edits are in the journal).
            self.saves_in_flight.clear();
        }
    }

    /// Writes everything pending and waits for it (before reading files
    /// back, and in tests).
    pub fn flush_writes(&mut self) {
        self.save_now();
        self.wait_for_writer();
    }

    /// Waits until the edits sent so far are in the journal (not saved yet).
    pub fn flush_journal(&mut self) {
        self.send_edits();
        self.wait_for_writer();
    }

    fn wait_for_writer(&mut self) {
        for ack in self.writer.as_ref().map(Writer::flush).unwrap_or_default() {
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
                if !r.recovered.is_empty() {
                    let edits: usize = r.recovered.iter().map(|x| x.1).sum();
                    let docs: Vec<String> =
                        r.recovered.iter().map(|(id, n)| format!("{id} ({n} edit{})", if *n == 1 { "" } else { "s" })).collect();
                    self.notice(format!(
                        "spanlab had stopped before saving: {edits} unsaved edit{} recovered from the journal and saved, in {}",
                        if edits == 1 { " was" } else { "s were" },
                        docs.join(", ")
                    ));
                }
                if !r.conflicts.is_empty()
                    && let Some(n) = r.notice()
                {
                    self.error(n);
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
            Err(e) => self.error(format!("project lock: {e}")),
        }
        match Writer::start(self.project.clone()) {
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
        if self.last_check.elapsed() >= CHECK_EVERY {
            self.last_check = std::time::Instant::now();
            if let (Some(w), Some(open)) = (&self.writer, &self.open) {
                w.send(Job::Check { doc: open.doc.id.clone() });
            }
        }
        if self.writer.is_some() {
            ctx.request_repaint_after(CHECK_EVERY);
        }
        while let Some(ack) = self.writer.as_ref().and_then(Writer::poll) {
            self.take_ack(ack);
        }
    }

    /// Saves a document other than the open one, through the writer (the
    /// corpus suggestion job's results). Returns false when nothing was
    /// sent: the document is open, or kept unsaved (its file is older than
    /// its kept version, which a save of something made from the file
    /// would overwrite; see [`Self::save_kept`]).
    pub(super) fn save_other(&mut self, doc: crate::model::Document) -> bool {
        if self.options.read_only || self.is_open(&doc.id) || self.kept_unsaved.contains_key(&doc.id) {
            return false;
        }
        self.send_save(Arc::new(doc), false)
    }

    /// A document kept unsaved, changed by `edit` while closed (`doc` has
    /// it applied): the edit goes to the journal after the kept ones and
    /// the document to its file, as an edit made while it was open would;
    /// `doc` is its kept version until the writer says it is saved (if
    /// this save fails too, it stays kept, with the new error). Returns
    /// false when nothing was sent (the kept version is then unchanged).
    pub(super) fn save_kept(&mut self, doc: crate::model::Document, edit: Edit) -> bool {
        let id = doc.id.clone();
        let Some(sent) = self.kept_unsaved.get(&id).map(|k| k.1) else { return false };
        if self.options.read_only || self.is_open(&id) {
            return false;
        }
        if !self.writer.as_ref().is_some_and(|w| w.send(Job::Edits { doc: id.clone(), edits: vec![edit] })) {
            return false;
        }
        let doc = Arc::new(doc);
        let error = self.kept_unsaved.get(&id).and_then(|k| k.2.clone());
        self.kept_unsaved.insert(id, (Arc::clone(&doc), sent + 1, error));
        self.send_save(doc, false)
    }

    /// The documents whose edits are not all in their files (kept unsaved,
    /// or the open one with edits not saved), sorted: what a reader of the
    /// files (the export, the dashboard) leaves out.
    pub(super) fn unsaved_documents(&self) -> Vec<DocId> {
        let open = self.open.as_ref().filter(|o| o.sent > o.saved || o.save_error.is_some()).map(|o| o.doc.id.clone());
        let mut ids: Vec<DocId> = self.kept_unsaved.keys().cloned().chain(open).collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The versions in memory of [`Self::unsaved_documents`], which the
    /// export takes instead of their files (shared, not copied).
    pub(super) fn unsaved_versions(&self) -> crate::store::project::InMemory {
        let open =
            self.open.as_ref().filter(|o| o.sent > o.saved || o.save_error.is_some()).map(|o| (o.doc.id.clone(), Arc::clone(&o.doc)));
        self.kept_unsaved.iter().map(|(id, k)| (id.clone(), Arc::clone(&k.0))).chain(open).collect()
    }

    /// "the unsaved edits of 2 documents (a, b)", or nothing when every
    /// document's edits are in its file.
    pub(super) fn unsaved_edits_of(&self) -> Option<String> {
        unsaved_edits_in(&self.unsaved_documents())
    }

    fn is_open(&self, doc: &DocId) -> bool {
        self.open.as_ref().is_some_and(|o| &o.doc.id == doc)
    }

    pub(super) fn take_ack(&mut self, ack: Ack) {
        match ack {
            Ack::Journaled { doc, seq } => {
                if let Some(open) = self.open.as_mut().filter(|o| o.doc.id == doc) {
                    open.journaled = open.journaled.max(seq);
                }
            }
            Ack::Saved { doc, seq, summary } => {
                self.saves_in_flight.remove(&doc);
                if let Some(entry) = self.project.position(&doc).and_then(|i| self.project.entries.get_mut(i)) {
                    entry.summary = summary;
                }
                if self.kept_unsaved.get(&doc).is_some_and(|k| seq >= k.1) && !self.is_open(&doc) {
                    self.kept_unsaved.remove(&doc);
                }
                if let Some(open) = self.open.as_mut().filter(|o| o.doc.id == doc) {
                    open.saved = open.saved.max(seq);
                    open.unsaved.retain(|(n, _)| *n > seq);
                    open.save_error = None;
                }
            }
            Ack::Changed { doc } => self.changed_on_disk(&doc),
            Ack::Failed { doc, message } => {
                if let Some(open) = self.open.as_mut().filter(|o| o.doc.id == doc) {
                    open.save_error = Some(message.clone());
                }
                if let Some(kept) = self.kept_unsaved.get_mut(&doc) {
                    kept.2 = Some(message.clone());
                }
                self.error(format!("{}: not saved: {message}", doc.0));
            }
            Ack::Reopened { message, vanished } => {
                self.error(message);
                // Its file went with the folder: write it again now.
                if let Some(open) = &self.open
                    && vanished.contains(&open.doc.id)
                {
                    let doc = Arc::clone(&open.doc);
                    self.send_save(doc, false);
                }
            }
            // Answers, read where they were asked for (see `quit.rs`).
            Ack::Unsaved { .. } | Ack::SavedElsewhere { .. } | Ack::Flushed => {}
        }
    }

    /// The open document's file changed on disk: reload it when nothing
    /// here is unsaved, else ask.
    fn changed_on_disk(&mut self, doc: &DocId) {
        if !self.is_open(doc) {
            return;
        }
        // Nothing unsaved (an undo history of saved edits is not unsaved
        // work: the README's rule, and the header said "not saved" here).
        self.send_edits();
        let clean = self.open.as_ref().is_some_and(|o| o.sent == o.saved);
        if clean {
            if let Some(i) = self.project.position(doc) {
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

    /// Reloads the open document from disk, dropping its unsaved edits.
    fn reload_open(&mut self, index: usize) {
        if let (Some(w), Some(open)) = (&self.writer, &self.open) {
            w.send(Job::Discard { doc: open.doc.id.clone() });
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
                if let Some(open) = self.open.as_mut() {
                    open.save_due = None;
                    let doc = Arc::clone(&open.doc);
                    self.send_save(doc, true);
                }
                self.info(format!("{}: your version replaces the one on disk", id.0));
            }
            ConflictChoice::Merge => self.merge_with_disk(&id, index),
        }
    }

    /// Loads the file from disk and applies the unsaved edits onto it.
    fn merge_with_disk(&mut self, id: &DocId, index: usize) {
        self.send_edits();
        let mine: Vec<Edit> = self.open.as_ref().map(|o| o.unsaved.iter().map(|(_, e)| e.clone()).collect()).unwrap_or_default();
        self.reload_open(index);
        let schema = self.project.schema.clone();
        let Some(open) = self.open.as_mut() else { return };
        let mut failed = 0;
        let mut renamed = std::collections::BTreeMap::new();
        for e in mine {
            let doc = Arc::make_mut(&mut open.doc);
            let e = crate::model::edit::rebase(e, doc, &mut renamed);
            if open.history.apply(doc, e, "merged change", &schema).is_err() {
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

/// "the unsaved edits of 2 documents (a, b)" for `ids` (sorted), or
/// nothing when there are none.
pub(super) fn unsaved_edits_in(ids: &[DocId]) -> Option<String> {
    let n = ids.len();
    let names: Vec<&str> = ids.iter().map(|d| d.0.as_str()).collect();
    (n > 0).then(|| format!("the unsaved edits of {n} document{} ({})", if n == 1 { "" } else { "s" }, names.join(", ")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use std::sync::Arc;

    use super::super::testing::corpus;
    use crate::app::{AppOptions, SpanlabApp};
    use crate::model::DocId;
    use crate::store::Project;

    /// A document made from the file of a document kept unsaved (the
    /// corpus suggestion job's result) is not saved: it would overwrite
    /// the kept edits' place, and its "saved" would drop the kept version.
    #[test]
    fn a_document_kept_unsaved_is_not_saved_over_from_its_file() {
        let dir = corpus(&[("a", "Ana part."), ("b", "Bruno reste à Faro.")]);
        let project = Project::open(dir.path(), None).expect("opens");
        let mut app = SpanlabApp::new(&egui::Context::default(), project, AppOptions::default());
        let schema = app.project.schema.clone();
        let id = DocId("b".into());
        let b = app.project.position(&id).expect("listed");
        let span_on = |doc: &mut crate::model::Document, name: &str, label: &str| {
            let start = *doc.text().find_all(name).first().expect("in the text");
            let e = doc.add_span_edit(start, start + name.chars().count(), label);
            doc.apply(e, &schema).expect("valid");
        };
        let mut kept = app.project.load(b).expect("loads").doc;
        span_on(&mut kept, "Bruno", "PER");
        app.kept_unsaved.insert(id.clone(), (Arc::new(kept), 1, Some("No space left on device".into())));
        let mut from_file = app.project.load(b).expect("loads").doc;
        span_on(&mut from_file, "Faro", "GPE");
        assert!(!app.save_other(from_file), "not sent");
        app.flush_writes();
        assert_eq!(app.project.load(b).expect("loads").doc.spans().iter().count(), 0, "the file is as it was");
        assert!(app.kept_unsaved.contains_key(&id), "still kept");
    }
}
