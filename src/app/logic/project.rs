//! Project operations: opening a document or another folder, import and
//! export, the settings, the dialogs, the dashboard, and the corpus
//! search's index.
//!
//! Must not touch: annotation files (the writer saves; import writes a
//! new folder through `store`).

use std::path::PathBuf;
use std::sync::Arc;

use super::super::SpanlabApp;
use super::super::commands::CommandTable;
use super::super::figures::Dashboard;
use super::super::forms::{ExportForm, ImportForm, SettingsForm};
use super::super::search::CorpusIndex;
use super::super::state::{Dialog, OpenDoc, Selection};
use crate::model::{CharIdx, DocId, ExportOptions, History, Status};
use crate::store::Project;
use crate::store::writer::Job;

impl SpanlabApp {
    /// Opens the document at `index` of the corpus, suggesting entities for
    /// it if it waits for them (nothing in it yet).
    pub fn open_document(&mut self, index: usize) {
        self.commit_comment();
        self.save_now();
        // A save of the document to open still with the writer (left a
        // moment ago): waited for, so its file is read as just saved.
        if let Some(id) = self.project.entries.get(index).map(|e| e.id.clone()) {
            self.wait_for_save(&id);
        }
        // Left with edits its file does not have yet: kept, and shown
        // again as it is, not as its file (a full disk showed the older
        // file, and the next edit was saved over the unsaved ones).
        if let Some(o) = self.open.as_ref().filter(|o| o.sent > o.saved || o.save_error.is_some()) {
            self.kept_unsaved.insert(o.doc.id.clone(), (Arc::clone(&o.doc), o.sent, o.save_error.clone()));
        }
        // Where it is left: it opens there again.
        if let Some((o, mid)) = self.open.as_ref().zip(self.article.middle_char()) {
            self.places.insert(o.doc.id.clone(), (o.selection, mid));
        }
        let loaded = match self.project.load(index) {
            Ok(l) => l,
            Err(e) => {
                self.error(e.to_string());
                return;
            }
        };
        let kept = self.kept_unsaved.remove(&loaded.doc.id);
        let save_error = kept.as_ref().and_then(|k| k.2.clone());
        let doc = kept.map_or(loaded.doc, |k| Arc::unwrap_or_clone(k.0));
        let fresh = super::super::suggester::needs_suggestions(&doc);
        // A very long article: its first section now, the others as the view reaches them.
        let asked: Vec<_> =
            super::suggest::long_section(&doc, CharIdx::ZERO, self.options.sections).into_iter().filter(|_| fresh).collect();
        if fresh && !self.request_suggestions(&doc, asked.first().copied()) {
            self.error("the suggestion worker is not running: no suggestions for this document");
        }
        let r = &loaded.report;
        if r.text_changed {
            self.info(format!(
                "{}: the article changed since it was annotated: {} spans moved with their text, {} wait for review in the inspector",
                doc.id, r.moved, r.orphaned
            ));
        }
        self.comment_draft = doc.comment().to_owned();
        let first = self.first_suggestion(&doc);
        // The view starts where the document was left in this session,
        // else at the top, or at the selected suggestion.
        let (first, scroll_to) = match self.places.get(&doc.id) {
            Some(&(selection, mid)) => (selection, Some(mid.min(doc.text().end()))),
            None => (first.map(Selection::Suggestion).unwrap_or_default(), first.and_then(|id| doc.suggestion(id)).map(|s| s.start)),
        };
        if let Some(w) = &self.writer {
            w.send(Job::Opened { doc: doc.id.clone() });
        }
        // Everywhere actions run while it was closed are undone here.
        let steps = self.other_steps.remove(&doc.id).unwrap_or_default();
        self.open = Some(OpenDoc {
            index,
            doc: Arc::new(doc),
            history: History::with_steps(steps),
            selection: first,
            draft: None,
            pick: None,
            sent: 0,
            journaled: 0,
            saved: 0,
            save_due: None,
            unsaved: Vec::new(),
            save_error,
            load_report: loaded.report,
            encoding: loaded.encoding,
            scroll_to: scroll_to.map(Into::into),
            suggesting: fresh,
            in_view: None,
            sections_asked: asked,
        });
        self.article.reset();
        // A selection that is no longer there (the file changed) is dropped.
        self.fix_selection();
        if !fresh && self.open.as_ref().is_some_and(|o| self.suggestions_are_stale(&o.doc)) {
            self.refresh_stale_suggestions();
        }
        if self.adjudication.is_some() {
            self.load_adjudication();
        }
    }

    /// Runs the export dialog's form and shows the report (or the error) in it.
    pub(super) fn run_export(&mut self, form: &ExportForm) {
        let result = self.export_to(form);
        if let Dialog::Export(shown) = &mut self.dialog {
            shown.result = Some(result);
        }
    }

    /// Runs the import dialog's form: on success the dialog closes and the
    /// new folder is open, else the dialog says why.
    pub(super) fn run_import(&mut self, form: &ImportForm) {
        match self.import_from(form) {
            Ok(()) => {
                if matches!(self.dialog, Dialog::Import(_)) {
                    self.dialog = Dialog::None;
                }
            }
            Err(e) => {
                if let Dialog::Import(shown) = &mut self.dialog {
                    shown.error = Some(e);
                }
            }
        }
    }

    pub(super) fn show_open_folder(&mut self) {
        self.dialog = Dialog::OpenFolder(self.project.root.display().to_string());
    }

    pub(super) fn show_import(&mut self) {
        self.dialog = Dialog::Import(ImportForm::default());
    }

    pub(super) fn show_export(&mut self) {
        self.dialog = Dialog::Export(ExportForm::new(&self.project));
    }

    pub(super) fn show_palette(&mut self) {
        self.dialog = Dialog::Palette { query: String::new(), selected: 0 };
    }

    pub(super) fn show_find(&mut self) {
        let origin = self.find_origin();
        self.dialog = Dialog::Find { query: String::new(), fresh: true, origin };
    }

    pub(super) fn show_shortcuts(&mut self) {
        self.dialog = Dialog::Shortcuts;
    }

    pub(super) fn show_settings(&mut self) {
        self.dialog = Dialog::Settings(SettingsForm::from_settings(&self.settings));
    }

    /// Saves the settings dialog's values; another annotator name opens
    /// that annotator's files.
    pub(super) fn apply_settings(&mut self, form: &SettingsForm) {
        let name = form.annotator.trim();
        if !name.is_empty()
            && let Err(e) = crate::store::project::check_annotator(name)
        {
            self.error(format!("settings not saved: {e}"));
            return;
        }
        let annotator = self.settings.annotator.clone();
        let model_changed = form.model_changed(&self.settings);
        let recommender_changed = form.apply(&mut self.settings);
        self.save_settings();
        if self.settings.annotator != annotator && self.options.annotator.is_none() {
            // Another name: that annotator's own files.
            let root = self.project.root.clone();
            self.open_project(&root);
            return;
        }
        if model_changed {
            // Another model: the engine starts over from it, and the
            // project model continues from it.
            self.restart_engine();
            self.info("settings saved; the suggestions' model changes once it is read (see Settings → Models in use)");
            return;
        }
        if recommender_changed {
            self.suggester.set_external(self.settings.external());
        }
        self.info("settings saved; Suggest again (Ctrl+Shift+G) refreshes this document's suggestions");
    }

    /// Opens the dashboard (its figures read in the background), or closes it.
    pub(super) fn toggle_dashboard(&mut self) {
        if self.dashboard.take().is_none() {
            self.refresh_dashboard();
        }
    }

    /// Reads the dashboard's figures again.
    pub(super) fn refresh_dashboard(&mut self) {
        // The figures are read from the files: write the open document's first.
        self.flush_writes();
        let mut dashboard = Dashboard::start(&self.project);
        dashboard.not_counted = self.unsaved_edits_of();
        self.dashboard = Some(dashboard);
    }

    /// Each frame: when the corpus list is searched, starts indexing the
    /// articles in the background (once) and takes what was read.
    pub(crate) fn update_search(&mut self) {
        if self.filter.query.is_empty() && self.search.is_none() {
            return;
        }
        let project = &self.project;
        self.search.get_or_insert_with(|| CorpusIndex::start(project)).update(&self.filter.query);
    }

    /// The corpus list's rows: the indices of the documents that pass the
    /// filter (status, and name or text), in corpus order. A text not read
    /// yet by the search's index does not match (the list says "indexing…").
    pub fn corpus_rows(&self) -> Vec<usize> {
        let query = if self.filter.query.is_empty() || self.search.is_some() { String::new() } else { self.filter.query.to_lowercase() };
        let searched = !self.filter.query.is_empty();
        self.project
            .entries
            .iter()
            .enumerate()
            .filter(|(i, e)| {
                self.filter.status.is_none_or(|s| s == e.summary.status)
                    && (!searched
                        || match &self.search {
                            // The index matches names and texts, folded.
                            Some(s) => s.matches(*i),
                            None => e.id.0.to_lowercase().contains(&query),
                        })
            })
            .map(|(i, _)| i)
            .collect()
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
                self.kept_unsaved.clear();
                // Places in the folder left behind (its ids may be the new one's).
                self.places.clear();
                self.adjudication = None;
                self.dashboard = None;
                // The inspector's counts belong to the folder left behind
                // (its documents may have the same ids and revisions).
                self.relation_rows.clear();
                self.outcomes = None;
                // The writer, journal and lock belong to the folder now open
                // (the old writer finishes its queue as it is dropped).
                self.commands = CommandTable::new(&self.project.schema);
                self.start_writer();
                self.restart_engine();
                self.search = None;
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
        // Never into the project, where it would be read back as articles.
        self.project.check_export_destination(&path).map_err(|e| e.to_string())?;
        // The export reads the files: write the open document's first.
        self.flush_writes();
        // Edits whose save failed are only in memory: the export takes
        // those documents as they are here (what the user sees and wants
        // to get out), not as their files.
        let in_memory = self.unsaved_versions();
        let options = ExportOptions { done_only: form.done_only, include_suggestions: form.include_suggestions };
        let convert = crate::store::formats::Options { offsets: Some(form.offsets), ..Default::default() };
        // The gold JSON is written as it is made, one document at a time.
        let (report, notes) = crate::store::convert::export_project(
            &self.project,
            options,
            &in_memory,
            form.format,
            &convert,
            &crate::store::formats::format_tokens,
            &path,
            form.strict,
            |_| {},
        )
        .map_err(|e| e.to_string())?;
        let missing = if self.project.unreadable.is_empty() {
            String::new()
        } else {
            format!(
                "\nincomplete: these files could not be read; what they hold is not in the export:\n{}",
                self.project.unreadable.join("\n")
            )
        };
        // Which of them the export has (`done_only` leaves out those not done).
        let mut included: Vec<DocId> = in_memory
            .iter()
            .filter(|(id, d)| self.project.position(id).is_some() && (!options.done_only || d.status() == Status::Done))
            .map(|(id, _)| id.clone())
            .collect();
        included.sort();
        let unsaved = super::save::unsaved_edits_in(&included)
            .map(|what| format!("\nincluded: {what}, whose save failed (they are still not in the project's files)"))
            .unwrap_or_default();
        Ok(format!(
            "wrote {}\n{}{}{missing}{unsaved}",
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::super::testing::app_with;
    use crate::app::{Command, Dialog};
    use crate::model::Status;

    #[test]
    fn the_corpus_list_filters_by_status_and_name_then_text_once_indexed() {
        let mut f = app_with(&[("alpha", "La Chine."), ("beta", "La Russie."), ("gamma", "La Russie et l'Inde.")]);
        assert_eq!(f.app.corpus_rows(), [0, 1, 2]);
        f.app.project.entries[1].summary.status = Status::Done;
        f.app.filter.status = Some(Status::Done);
        assert_eq!(f.app.corpus_rows(), [1]);
        f.app.filter.status = None;
        f.app.filter.query = "GAMMA".into();
        assert_eq!(f.app.corpus_rows(), [2], "names match at once");
        f.app.filter.query = "russie".into();
        for _ in 0..500 {
            f.app.update_search();
            if f.app.search.as_ref().is_some_and(|s| !s.indexing()) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        f.app.update_search();
        assert_eq!(f.app.corpus_rows(), [1, 2]);
    }

    #[test]
    fn a_failed_export_says_why_in_its_dialog() {
        let mut f = app_with(&[("a", "A.")]);
        f.run(Command::Export);
        let Dialog::Export(mut form) = f.app.dialog.clone() else { panic!("the export dialog") };
        form.path = "  ".into();
        f.run(Command::RunExport(Box::new(form)));
        let Dialog::Export(form) = &f.app.dialog else { panic!("still open") };
        assert_eq!(form.result, Some(Err("choose where to write the file".into())));
    }

    #[test]
    fn opening_a_folder_that_is_not_there_keeps_the_dialog_and_the_project() {
        let mut f = app_with(&[("a", "A.")]);
        f.run(Command::OpenFolder);
        let missing = f.dir.path().join("nowhere");
        f.run(Command::OpenProject(missing));
        assert!(matches!(f.app.dialog, Dialog::OpenFolder(_)));
        assert_eq!(f.open().doc.id.0, "a");
        assert!(f.app.messages.last().is_some_and(|m| m.error));
    }
}
