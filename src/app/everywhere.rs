//! The everywhere dialog's background work: the scan that builds the preview
//! over the corpus (on a thread: the window never reads articles in a
//! frame), and the rows of one document, the same for the open document
//! (from memory), a document kept unsaved (its kept version, in memory)
//! and the others (from their files).
//!
//! Owns: [`Scan`], [`rows_for`] and the running action's [`ApplyJob`]. Must not touch: the app's state (the
//! app polls the scan; `logic/everywhere.rs` applies the result).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};

use super::forms::{DocRows, EverywhereForm, EverywhereKind};
use super::search::CorpusText;
use crate::model::everywhere::{Occurrence, fold_loosely, preview};
use crate::model::filter::bulk_preview;
use crate::model::{CharIdx, Document, Schema, SuggestionId};
use crate::store::Project;

/// Rows of a preview.
pub type Rows = Vec<(Option<SuggestionId>, Occurrence)>;

/// The rows `form` finds in `doc`; `view` is the part of the article on
/// screen (for a filter restricted to it).
pub fn rows_for(doc: &Document, schema: &Schema, form: &EverywhereForm, view: Option<(CharIdx, CharIdx)>) -> Result<Rows, String> {
    match form.kind {
        EverywhereKind::Name => {
            let rows = preview(doc, schema, &form.name, &form.name_action(), form.options).map_err(|e| e.to_string())?;
            Ok(rows.into_iter().map(|o| (None, o)).collect())
        }
        EverywhereKind::Filter => {
            if let crate::model::filter::Bulk::Relabel(l) = &form.bulk
                && schema.entity(l).is_none()
            {
                return Err(format!("the schema has no entity label {l:?}"));
            }
            let mut filter = form.filter.clone();
            if form.on_screen {
                filter.within = view;
            }
            Ok(bulk_preview(doc, schema, &filter, &form.bulk).into_iter().map(|(id, o)| (Some(id), o)).collect())
        }
    }
}

/// Keeps the user's ticks on rows computed again (the document may have
/// changed since the preview): a row the preview showed keeps its tick; a
/// row it did not show is not done.
pub fn carry_ticks(fresh: &mut Rows, shown: &Rows) {
    for (id, o) in fresh.iter_mut() {
        let before = shown.iter().find(|(i, s)| (s.start, s.end) == (o.start, o.end) && (id.is_none() || i == id));
        o.ticked = before.is_some_and(|(_, s)| s.ticked) && o.can_tick();
    }
}

/// What the memory learns from an action: (name, label, whether it is one).
pub type Lessons = BTreeSet<(String, String, bool)>;

/// An everywhere action running over documents, a few per frame.
pub struct ApplyJob {
    /// The question previewed.
    pub form: EverywhereForm,
    /// The documents still to do, with the rows the preview showed.
    pub queue: VecDeque<DocRows>,
    pub total: usize,
    pub changed_docs: usize,
    pub changed_rows: usize,
    /// (name, label, is it) for the memory.
    pub learned: Lessons,
}

impl ApplyJob {
    /// Documents done, of how many.
    pub fn progress(&self) -> (usize, usize) {
        (self.total - self.queue.len(), self.total)
    }
}

/// What the scan sends.
pub enum Found {
    /// A document with rows.
    Doc(DocRows),
    /// Documents scanned so far.
    Scanned(usize),
    /// A document that could not be read.
    Error(String),
}

/// A scan of the corpus for a form's rows, on its own thread.
pub struct Scan {
    pub rx: Receiver<Found>,
    pub cancel: Arc<AtomicBool>,
}

impl Scan {
    /// Scans every document but `skip` (the open one, scanned from memory);
    /// a document in `kept` (by index: kept unsaved, its file older than
    /// what the user sees) is scanned as kept, not from its file. With the
    /// corpus index (`texts`), a name's scan reads only the documents whose
    /// folded text holds the folded name (a kept version's text is its
    /// file's: edits never change an article's text).
    pub fn start(
        project: Project,
        form: EverywhereForm,
        skip: Option<usize>,
        kept: BTreeMap<usize, Arc<Document>>,
        texts: Option<Arc<CorpusText>>,
    ) -> Self {
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = cancel.clone();
        let _worker = std::thread::Builder::new().name("spanlab-everywhere".into()).spawn(move || {
            let mut cache = crate::store::project::SourceCache::default();
            let folded = fold_loosely(&form.name);
            let may_hold = |index: usize| form.kind != EverywhereKind::Name || texts.as_ref().is_none_or(|t| t.may_contain(index, &folded));
            for index in 0..project.entries.len() {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                if Some(index) != skip && may_hold(index) {
                    let read = match kept.get(&index) {
                        Some(doc) => Ok(Arc::clone(doc)),
                        None => project.load_cached(index, &mut cache).map(|l| Arc::new(l.doc)),
                    };
                    match read {
                        Ok(doc) => match rows_for(&doc, &project.schema, &form, None) {
                            Ok(rows) if !rows.is_empty() => {
                                if tx.send(Found::Doc(DocRows { index, id: doc.id.clone(), rows })).is_err() {
                                    return;
                                }
                            }
                            Ok(_) => {}
                            Err(e) => {
                                let _ = tx.send(Found::Error(e));
                                return;
                            }
                        },
                        Err(e) => {
                            let _ = tx.send(Found::Error(e.to_string()));
                        }
                    }
                }
                if tx.send(Found::Scanned(index + 1)).is_err() {
                    return;
                }
            }
        });
        Self { rx, cancel }
    }
}

impl Drop for Scan {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}
