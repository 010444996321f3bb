//! Suggestions and learning, in the background (`suggester.rs`): asking
//! for a document's suggestions and taking them in, suggesting for the
//! whole corpus (each result saved through the writer), learning from
//! documents marked done, stopping either.
//!
//! Must not touch: the disk (the suggester reads; the writer writes).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::super::SpanlabApp;
use super::super::state::{Sectioning, Selection};
use super::super::suggester::{self, CorpusJob, CorpusProgress, Job, LearnJob, Outcome, Suggester};
use crate::model::edit::Edit;
use crate::model::sections::section_at;
use crate::model::{CharIdx, DocId, Document, Status, SuggestionId};
use crate::suggest::{Candidate, Engine, RelationCandidate, RelationEngine};

/// The section of a very long article (over `cut.long_article_bytes`,
/// 16 MB unless a test says otherwise: [`Sectioning`]) that holds `at`;
/// `None` for any other document, which is suggested for whole.
pub fn long_section(doc: &Document, at: CharIdx, cut: Sectioning) -> Option<(CharIdx, CharIdx)> {
    (doc.text().len_bytes() > cut.long_article_bytes).then(|| section_at(doc.text(), at, cut.section_bytes)).flatten()
}

impl SpanlabApp {
    /// Asks the worker for suggestions on a document (on `section` of it
    /// alone, a section of a very long article: [`long_section`]); false
    /// when the worker is not running.
    pub(super) fn request_suggestions(&mut self, doc: &crate::model::Document, section: Option<(CharIdx, CharIdx)>) -> bool {
        let job = Job {
            doc: doc.id.clone(),
            text: doc.text().clone(),
            schema: self.project.schema.clone(),
            min_score: self.settings.min_score,
            relation_min_score: self.settings.relation_min_score,
            section,
        };
        self.suggested_at.insert(doc.id.clone(), self.lessons);
        self.suggester.request(job)
    }

    /// Asks again for the open document's suggestions: the whole document,
    /// or, for a very long article, the section in view (the sections
    /// looked at so far are forgotten, so the others are asked for again
    /// as the view reaches them). False when the worker is not running.
    fn request_open_suggestions(&mut self) -> bool {
        let Some(open) = self.open.as_mut() else { return false };
        let section = long_section(&open.doc, open.in_view.map_or(CharIdx::ZERO, |v| v.0), self.options.sections);
        open.sections_asked = section.into_iter().collect();
        // What arrives now follows the opening rule again (accepted only
        // when the document has no span).
        self.remember_accepting(false);
        let Some(open) = self.open.as_ref() else { return false };
        let doc = Arc::clone(&open.doc);
        let requested = self.request_suggestions(&doc, section);
        if let Some(open) = self.open.as_mut() {
            open.suggesting = requested;
        }
        requested
    }

    /// A very long article's section in view (where the view starts, then
    /// where it ends: a last section shorter than a view is never at its
    /// top), when it was not looked at yet in this session: suggested for,
    /// unless it holds spans or suggestions already (or the document is
    /// done or skipped). One section at a time: the next waits for this
    /// one's suggestions. Called each frame, after the article view said
    /// what it drew.
    pub(crate) fn suggest_in_view(&mut self) {
        let Some(open) = self.open.as_mut() else { return };
        if open.suggesting || !matches!(open.doc.status(), Status::New | Status::InProgress) {
            return;
        }
        let Some((from, to)) = open.in_view else { return };
        let cut = self.options.sections;
        let Some(section) = [from, to.max(from + 1) - 1]
            .into_iter()
            .filter_map(|at| long_section(&open.doc, at, cut))
            .find(|s| !open.sections_asked.contains(s))
        else {
            return;
        };
        open.sections_asked.push(section);
        let (start, end) = section;
        let held =
            open.doc.spans().overlapping(start, end).next().is_some() || open.doc.suggestions().any(|s| s.start < end && s.end > start);
        if held {
            return;
        }
        let doc = Arc::clone(&open.doc);
        let requested = self.request_suggestions(&doc, Some(section));
        if let Some(open) = self.open.as_mut() {
            open.suggesting = requested;
        }
    }

    /// Whether the open document's pending suggestions were made in this
    /// session before the engine last learned (a document done, an
    /// everywhere action): the corpus job suggests for every document
    /// first, and what the user teaches in the first must reach the others.
    pub(super) fn suggestions_are_stale(&self, doc: &crate::model::Document) -> bool {
        doc.pending_count() > 0 && self.suggested_at.get(&doc.id).is_some_and(|&at| at < self.lessons)
    }

    /// Asks again for the open document's suggestions, made before the
    /// engine learned: the pending ones are replaced (only added to when
    /// everywhere actions left undo steps in it, which may name them); what
    /// the document already holds, spans and decided suggestions, stays
    /// and is not suggested over.
    pub(super) fn refresh_stale_suggestions(&mut self) {
        let schema = self.project.schema.clone();
        let Some(open) = self.open.as_mut() else { return };
        if open.history.undo_description().is_none() {
            let ids: Vec<_> = open.doc.pending_suggestions().iter().map(|s| s.id).collect();
            if open.history.apply_unstepped(Arc::make_mut(&mut open.doc), Edit::RemoveSuggestions { ids }, &schema).is_err() {
                return;
            }
            open.selection = Selection::None;
        }
        let id = open.doc.id.clone();
        if self.request_open_suggestions() {
            self.info(format!("{id}: suggesting again, with what was learned since its suggestions were made"));
        }
    }

    /// The suggestion to review first: the first in the text, or the least
    /// certain when reviewing uncertain ones first.
    pub(super) fn first_suggestion(&self, doc: &crate::model::Document) -> Option<SuggestionId> {
        let pending = doc.pending_suggestions();
        if self.settings.uncertain_first {
            pending.iter().min_by(|a, b| a.score.total_cmp(&b.score)).map(|s| s.id)
        } else {
            pending.first().map(|s| s.id)
        }
    }

    /// Feeds the open document's gold spans to the engine (online learning),
    /// and the suggestions the user cut short: the next documents'
    /// suggestions change without a restart.
    pub(super) fn learn_from_open(&mut self) {
        let Some(open) = &self.open else { return };
        let gold: Vec<_> = open.doc.spans().iter().map(|s| (s.start, s.end, s.label.clone())).collect();
        self.suggester.learn(open.doc.text().clone(), gold);
        self.lessons += 1;
        // What the user cut short is not suggested again (the names kept
        // are remembered by the learning above).
        for (name, label) in suggester::cut_suggestions(&open.doc) {
            self.engine.reject(&name, &label);
        }
        self.learned.insert(open.doc.id.clone());
    }

    /// "suggestions now learn from 2 done documents".
    pub(super) fn learned_text(&self) -> String {
        let n = self.learned.len();
        format!("suggestions now learn from {n} done document{}", if n == 1 { "" } else { "s" })
    }

    /// Starts the engine afresh from the shipped model and has the worker
    /// build, in the background, the project model from every document of
    /// the project marked done (`project_model.rs`): what was learned in
    /// earlier sessions comes back from the saved annotations, and the
    /// suggestions requested next already use it.
    pub(crate) fn relearn_from_done(&mut self) {
        self.teach_decisions();
        if let Some(c) = self.learn_cancel.take() {
            c.store(true, Ordering::Relaxed);
        }
        let indices: Vec<usize> =
            self.project.entries.iter().enumerate().filter(|(_, e)| e.summary.status == Status::Done).map(|(i, _)| i).collect();
        self.learned = indices.iter().filter_map(|&i| self.project.entries.get(i)).map(|e| e.id.clone()).collect();
        if indices.is_empty() && self.settings.model.is_none() {
            self.learn_progress = None;
            return;
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let job = LearnJob {
            project: self.project.clone(),
            base: self.settings.model.clone(),
            indices: indices.clone(),
            schema: self.project.schema.clone(),
            cancel: cancel.clone(),
        };
        if self.suggester.request_relearn(job) {
            self.learn_progress = Some((0, indices.len().max(1)));
            self.learn_cancel = Some(cancel);
        }
    }

    /// A fresh engine and worker (what was learned on another project is
    /// forgotten), then learning from this project's done documents.
    pub(super) fn restart_engine(&mut self) {
        self.engine = Arc::new(Engine::builtin());
        self.model_in_use = suggester::SHIPPED.to_owned();
        self.relation_engine = Arc::new(RelationEngine::new());
        self.suggester = Suggester::new(self.engine.clone(), self.relation_engine.clone(), self.settings.external());
        self.corpus_progress = None;
        self.corpus_cancel = None;
        if let Some(open) = self.open.as_mut() {
            open.suggesting = false;
        }
        self.relearn_from_done();
    }

    /// Learns again from the done documents, from the shipped model.
    pub(super) fn relearn(&mut self) {
        self.restart_engine();
        self.info("learning again from the done documents, from the shipped model");
    }

    /// Takes in what the worker finished since the last frame.
    pub(crate) fn receive_suggestions(&mut self) {
        while let Some(outcome) = self.suggester.poll() {
            match outcome {
                Outcome::Suggested { doc, candidates, relations, error } => self.take_suggestions(&doc, candidates, relations, error),
                Outcome::Corpus(progress) => self.take_corpus_progress(progress),
                Outcome::Learned { done, total, error, engine } => self.take_learning_progress(done, total, error, engine),
            }
        }
    }

    /// Suggestions for a document: added to it if it is still open and
    /// waiting for them.
    fn take_suggestions(&mut self, doc: &DocId, candidates: Vec<Candidate>, relations: Vec<RelationCandidate>, error: Option<String>) {
        if let Some(e) = error {
            self.error(e);
        }
        let schema = self.project.schema.clone();
        let Some(open) = self.open.as_mut() else { return };
        if &open.doc.id != doc || !open.suggesting {
            return;
        }
        open.suggesting = false;
        // Nothing over what the document holds: spans, suggestions (pending
        // or decided) at the same place; a suggested relation goes with an
        // end left out.
        // Looked up in one sorted list (each candidate against every span
        // and suggestion took 30 s in the frame on a million-word article).
        let held = &open.doc;
        let taken = Taken::new(held.spans().iter().map(|s| (s.start, s.end)).chain(held.suggestions().map(|s| (s.start, s.end))));
        let mut kept_at = Vec::with_capacity(candidates.len());
        let mut kept = Vec::with_capacity(candidates.len());
        for c in candidates {
            let fresh = !taken.overlaps(c.start, c.end);
            kept_at.push(fresh.then_some(kept.len()));
            if fresh {
                kept.push(c);
            }
        }
        let relations: Vec<RelationCandidate> = relations
            .into_iter()
            .filter_map(|r| {
                let (head, tail) = (kept_at.get(r.head).copied().flatten()?, kept_at.get(r.tail).copied().flatten()?);
                Some(RelationCandidate { head, tail, ..r })
            })
            .collect();
        let edit = suggester::add_suggestions_edit(open.doc_mut(), kept, relations);
        let arrived = edit.as_ref().map(added_suggestions).unwrap_or_default();
        if let Some(edit) = edit
            && let Err(e) = open.history.apply_unstepped(Arc::make_mut(&mut open.doc), edit, &schema)
        {
            self.error(format!("suggestions for {doc}: {e}"));
            return;
        }
        if self.settings.accept_on_open {
            if open.doc.accepts_arrivals() {
                self.accept_arrived(&arrived);
            } else {
                self.accept_on_open();
            }
        }
        let first = self.open.as_ref().and_then(|o| self.first_suggestion(&o.doc));
        if let Some(first) = first
            && self.open.as_ref().is_some_and(|o| o.selection == Selection::None)
        {
            self.select(Selection::Suggestion(first));
        }
        self.autosave();
    }

    /// The setting "open documents with suggestions accepted": a document
    /// not done with no span yet has its entity suggestions accepted as
    /// Alt+A would (one undo step). A document already worked on is left
    /// as it is.
    ///
    /// From then on, what arrives for it (the other sections of a very
    /// long article, in this session or a later one: the document
    /// remembers it, [`Document::accepts_arrivals`]) is accepted as it
    /// arrives: [`Self::accept_arrived`].
    pub(super) fn accept_on_open(&mut self) {
        let Some(open) = self.open.as_ref() else { return };
        if open.doc.status() == crate::model::Status::Done || !open.doc.spans().is_empty() {
            return;
        }
        let pending = open.doc.pending_count() > 0;
        self.remember_accepting(true);
        if pending {
            self.accept_all_entities();
        }
    }

    /// Records in the open document whether what arrives for it is
    /// accepted as it arrives (an edit of no undo step, journaled and
    /// saved with its annotations, so a reopened document goes on as it
    /// started).
    pub(super) fn remember_accepting(&mut self, on: bool) {
        let schema = self.project.schema.clone();
        let Some(open) = self.open.as_mut() else { return };
        if open.doc.accepts_arrivals() == on {
            return;
        }
        let edit = Edit::SetAcceptArrivals { on };
        if let Err(e) = open.history.apply_unstepped(Arc::make_mut(&mut open.doc), edit, &schema) {
            let id = open.doc.id.clone();
            self.error(format!("{id}: {e}"));
            return;
        }
        self.autosave();
    }

    /// Accepts the entity suggestions that just arrived (`ids`) for a
    /// document opened with its suggestions accepted, by Alt+A's rules
    /// (nothing over a span, the higher score first where two overlap, a
    /// label the schema knows), one undo step. Only these: what the user
    /// gave back (Ctrl+Z) or rejected in the sections before stays so.
    fn accept_arrived(&mut self, ids: &[SuggestionId]) {
        let schema = self.project.schema.clone();
        let Some(open) = self.open.as_mut() else { return };
        let Some(edit) = open.doc_mut().accept_entities_among_edit(&schema, ids) else { return };
        let n = match &edit {
            Edit::Batch { edits } => edits.iter().filter(|e| matches!(e, Edit::AddSpan { .. })).count(),
            _ => 1,
        };
        let s = if n == 1 { "" } else { "s" };
        if self.edit(edit, &format!("accept the {n} entity suggestion{s} that arrived for the part in view")) {
            self.fix_selection();
            self.info(format!("{n} entity suggestion{s} accepted as they arrived for the part in view (Ctrl+Z gives them back)"));
        }
    }

    /// One document of the corpus job: its suggestions are saved through
    /// the writer, unless it was annotated here meanwhile (or is open).
    fn take_corpus_progress(&mut self, p: CorpusProgress) {
        if let Some(e) = p.error {
            self.error(e);
        }
        // Still waiting: nothing was done to it here meanwhile.
        let waiting = self.project.entries.get(p.index).is_some_and(|e| suggester::summary_needs_suggestions(&e.summary));
        if let Some(doc) = p.doc.filter(|_| waiting) {
            let suggested = doc.pending_count() > 0;
            self.suggested_at.insert(doc.id.clone(), self.corpus_lessons);
            if self.save_other(*doc) && suggested {
                self.corpus_suggested += 1;
            }
        }
        self.corpus_progress = (p.done < p.total).then_some((p.done, p.total));
        if p.done == p.total {
            self.corpus_cancel = None;
            let n = std::mem::take(&mut self.corpus_suggested);
            let rest = p.total - n;
            let others = if rest == 0 {
                String::new()
            } else {
                format!("; {rest} got none (nothing found above the threshold, annotated meanwhile, or stopped)")
            };
            self.info(format!("suggested for {n} document{}{others}", if n == 1 { "" } else { "s" }));
        }
    }

    fn take_learning_progress(&mut self, done: usize, total: usize, error: Option<String>, engine: Option<(Arc<Engine>, String)>) {
        if let Some(e) = error {
            self.error(e);
        }
        self.learn_progress = (done < total).then_some((done, total));
        if let Some((engine, about)) = engine {
            // The worker suggests with it already; names remembered from
            // now on go to it.
            self.engine = engine;
            self.info(format!("suggestions now come from {about}"));
            self.model_in_use = about;
        }
        if done == total {
            self.learn_cancel = None;
            self.info(self.learned_text());
        }
    }

    /// Throws away the open document's pending suggestions and asks again
    /// (after changing the threshold or the recommender).
    pub(super) fn suggest_again(&mut self) {
        let schema = self.project.schema.clone();
        let Some(open) = self.open.as_mut() else { return };
        let ids: Vec<_> = open.doc.pending_suggestions().iter().map(|s| s.id).collect();
        if !ids.is_empty() && open.history.apply_unstepped(Arc::make_mut(&mut open.doc), Edit::RemoveSuggestions { ids }, &schema).is_err()
        {
            return;
        }
        open.history.clear_steps();
        open.selection = Selection::None;
        self.request_open_suggestions();
        self.autosave();
    }

    /// Suggests, in the background, for every document that waits for
    /// suggestions (but the open one, which got its own when opened).
    pub(super) fn suggest_corpus(&mut self) {
        let open = self.open.as_ref().map(|o| o.index);
        let indices: Vec<usize> = self
            .project
            .entries
            .iter()
            .enumerate()
            .filter(|(i, e)| Some(*i) != open && suggester::summary_needs_suggestions(&e.summary))
            .map(|(i, _)| i)
            .collect();
        if indices.is_empty() {
            self.info("no document needs suggestions: each one has spans or suggestions, or is done or skipped (Suggest again refreshes the open one)");
            return;
        }
        self.corpus_suggested = 0;
        self.corpus_lessons = self.lessons;
        let cancel = Arc::new(AtomicBool::new(false));
        let job = CorpusJob {
            project: self.project.clone(),
            indices: indices.clone(),
            schema: self.project.schema.clone(),
            min_score: self.settings.min_score,
            relation_min_score: self.settings.relation_min_score,
            cancel: cancel.clone(),
        };
        if self.suggester.request_corpus(job) {
            self.corpus_progress = Some((0, indices.len()));
            self.corpus_cancel = Some(cancel);
        }
    }

    /// Stops the corpus job and learning after their current document.
    pub(super) fn cancel_background(&mut self) {
        if let Some(c) = &self.corpus_cancel {
            c.store(true, Ordering::Relaxed);
            self.info("stopping the corpus suggestions after the current document");
        }
        if let Some(c) = &self.learn_cancel {
            c.store(true, Ordering::Relaxed);
            self.info("stopping learning from done documents");
        }
    }
}

/// The suggestions an edit adds ([`suggester::add_suggestions_edit`]'s).
fn added_suggestions(edit: &Edit) -> Vec<SuggestionId> {
    match edit {
        Edit::AddSuggestions { suggestions } => suggestions.iter().map(|s| s.id).collect(),
        Edit::Batch { edits } => edits.iter().flat_map(added_suggestions).collect(),
        _ => Vec::new(),
    }
}

/// Ranges of text already held (spans, suggestions), sorted by start, with
/// the furthest end reached so far: whether a candidate overlaps any is one
/// binary search.
struct Taken {
    /// (start, furthest end of the ranges up to this one), by start.
    starts: Vec<(CharIdx, CharIdx)>,
}

impl Taken {
    fn new(ranges: impl Iterator<Item = (CharIdx, CharIdx)>) -> Self {
        let mut starts: Vec<(CharIdx, CharIdx)> = ranges.collect();
        starts.sort_unstable();
        let mut furthest = CharIdx::ZERO;
        for r in &mut starts {
            furthest = furthest.max(r.1);
            r.1 = furthest;
        }
        Self { starts }
    }

    /// Whether some range `(s, e)` has `s < end && start < e`.
    fn overlaps(&self, start: CharIdx, end: CharIdx) -> bool {
        let before = self.starts.partition_point(|&(s, _)| s < end);
        before.checked_sub(1).and_then(|i| self.starts.get(i)).is_some_and(|&(_, e)| start < e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against the plain scan it replaces.
    #[test]
    fn a_candidate_is_taken_when_it_overlaps_any_held_range() {
        let c = CharIdx::new;
        let held = [(c(10), c(20)), (c(12), c(14)), (c(30), c(31)), (c(5), c(6))];
        let taken = Taken::new(held.iter().copied());
        for start in 0..40 {
            for end in start..42 {
                let plain = held.iter().any(|&(s, e)| s < c(end) && c(start) < e);
                assert_eq!(taken.overlaps(c(start), c(end)), plain, "{start}..{end}");
            }
        }
        assert!(!Taken::new(std::iter::empty()).overlaps(c(0), c(5)));
    }

    /// Waits until the worker has answered every request.
    fn wait(f: &mut super::super::testing::Fixture) {
        let t = std::time::Instant::now();
        while f.app.is_suggesting() && t.elapsed() < std::time::Duration::from_secs(300) {
            std::thread::sleep(std::time::Duration::from_millis(20));
            f.app.receive_suggestions();
        }
        f.app.receive_suggestions();
        assert!(!f.app.is_suggesting(), "suggestions never arrived");
    }

    #[test]
    fn a_very_long_article_is_suggested_for_a_section_at_a_time_as_the_view_reaches_it() {
        let line = "Le ministre a parlé à Pékin le 12 mars 2024 devant 東京 la presse 😀.\n";
        let text = line.repeat(Sectioning::LONG_ARTICLE_BYTES / line.len() + 1);
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("long.txt"), &text).expect("write");
        let project = crate::store::Project::open(dir.path(), None).expect("opens");
        let mut f = super::super::testing::on_project(dir, project);
        wait(&mut f);
        let doc = Arc::clone(&f.open().doc);
        let first = long_section(&doc, CharIdx::ZERO, Sectioning::default()).expect("a long article");
        assert!(long_section(&doc, doc.text().end(), Sectioning::default()).is_some_and(|last| last != first));
        let in_first = |s: &&crate::model::Suggestion| s.start >= first.0 && s.end <= first.1;
        let count = doc.suggestions().count();
        assert!(count > 1000, "{count} suggestions");
        assert_eq!(doc.suggestions().filter(in_first).count(), count, "the first section's only");
        assert_eq!(f.open().sections_asked, [first]);

        // The view reaches the middle: its section is suggested for.
        let middle = CharIdx::new(doc.text().len_chars() / 2);
        let second = long_section(&doc, middle, Sectioning::default()).expect("a section");
        f.app.open.as_mut().expect("open").in_view = Some((middle, middle + 400));
        f.app.suggest_in_view();
        assert!(f.open().suggesting);
        wait(&mut f);
        let doc = Arc::clone(&f.open().doc);
        let in_second = |s: &&crate::model::Suggestion| s.start >= second.0 && s.end <= second.1;
        assert_eq!(doc.suggestions().filter(in_first).count(), count);
        assert_eq!(doc.suggestions().filter(in_second).count() + count, doc.suggestions().count(), "that section's only");
        assert!(doc.suggestions().filter(in_second).count() > 1000);
        // The same sections in the first section's suggestions and the second's.
        let text_of = |s: &crate::model::Suggestion| format!("{} {}", doc.text().slice(s.start, s.end).unwrap_or("?"), s.label);
        let names = |pick: &dyn Fn(&&crate::model::Suggestion) -> bool| {
            let mut v: Vec<String> = doc.suggestions().filter(|s| pick(s)).map(text_of).collect();
            v.sort();
            v.dedup();
            v
        };
        assert_eq!(names(&in_first), names(&in_second), "the same lines, the same names");

        // Looked at once: coming back asks for nothing.
        f.app.open.as_mut().expect("open").in_view = Some((second.0 + 1, second.0 + 300));
        f.app.suggest_in_view();
        assert!(!f.open().suggesting);
        f.app.open.as_mut().expect("open").in_view = Some((CharIdx::new(5), CharIdx::new(300)));
        f.app.suggest_in_view();
        assert!(!f.open().suggesting);
        assert_eq!(f.open().sections_asked, [first, second]);

        // A view from the end of the second section into the next: the
        // section where it ends is asked for (a last section shorter than
        // a view is never where the view starts).
        let third = long_section(&doc, second.1, Sectioning::default()).expect("a section");
        assert_ne!(third, second);
        f.app.open.as_mut().expect("open").in_view = Some((second.1 - 100, second.1 + 100));
        f.app.suggest_in_view();
        assert!(f.open().suggesting);
        wait(&mut f);
        assert_eq!(f.open().sections_asked, [first, second, third]);
    }

    #[test]
    fn an_article_of_ordinary_length_is_suggested_for_whole() {
        let doc = crate::model::Document::new(DocId("a".into()), "a.txt".into(), "Pékin.\n".repeat(10_000));
        assert_eq!(long_section(&doc, CharIdx::new(5), Sectioning::default()), None);
    }
}
