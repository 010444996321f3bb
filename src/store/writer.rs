//! The background writer: journals edits and saves documents on its own
//! thread, so the window never waits for the disk.
//!
//! Owns: the order of writes that makes a crash safe. Edits are appended
//! to this writer's own journal (see `store::journal`) and flushed before
//! they are acknowledged ([`Ack::Journaled`]); a save first journals the
//! hash it is about to write, then replaces the file atomically
//! ([`Ack::Saved`]); once every document is saved the journal is emptied.
//! A save never overwrites a file that changed on disk since it was loaded
//! or last written: it answers [`Ack::Changed`] and waits for the user's
//! choice ([`Job::Save`] with `force`).
//!
//! What fails is kept, never dropped: journal entries that could not be
//! written (a full disk, a read-only folder) are written again before any
//! later one, and only then acknowledged; a save that failed is tried
//! again every [`RETRY_EVERY`]. The writer keeps every edit not yet in its
//! document's file, so it can say what is unsaved ([`Job::Report`]), write
//! it elsewhere ([`Job::SaveElsewhere`]), and, when the journal's file is
//! removed or replaced under it (the annotations folder deleted, cleaned or
//! checked out), open a new journal and save those documents again
//! ([`Ack::Reopened`]).
//! Must not touch: the window (it only sends acknowledgements back).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::StoreError;
use super::annotations::{annotation_path, file_name_for_id};
use super::atomic::write_atomic;
use super::journal::{Entry, Journal, ensure_gitignore, file_bytes, file_hash};
use super::project::{AnnotationsFrom, Project, Summary};
use crate::model::document::sha256_bytes_hex;
use crate::model::{DocId, Document, Edit};

/// How often a failed save is tried again (on the next job after that).
pub const RETRY_EVERY: Duration = Duration::from_secs(2);

/// What the writer is asked to do.
pub enum Job {
    /// A document was loaded from disk: remember its file's hash, so a
    /// later change by someone else is noticed.
    Opened { doc: DocId },
    /// Edits applied to a document, in order.
    Edits { doc: DocId, edits: Vec<Edit> },
    /// Save this state of a document (with every edit sent before it).
    /// `force`: even if the file changed on disk (the user chose "keep mine").
    Save { doc: Arc<Document>, force: bool },
    /// Forget the unsaved edits of a document (the user reloaded it).
    Discard { doc: DocId },
    /// Has the document's file changed on disk? Answers [`Ack::Changed`] if so.
    Check { doc: DocId },
    /// Say which documents have edits not in their files: [`Ack::Unsaved`].
    Report,
    /// Write each document with edits not in its file, as it is now, into
    /// the folder `dir` (one annotation file each); `docs` are the caller's
    /// own up-to-date copies, used instead of rebuilding those documents.
    /// Answers [`Ack::SavedElsewhere`].
    SaveElsewhere { dir: PathBuf, docs: Vec<Arc<Document>> },
    /// Answer [`Ack::Flushed`] once everything before is done.
    Flush,
}

/// A document whose edits are not all in its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsaved {
    pub doc: DocId,
    /// Edits not in its file.
    pub edits: u64,
    /// Of those, edits not in the journal either: lost if the program ends now.
    pub unjournaled: u64,
    /// Why the last write failed, if one did.
    pub error: Option<String>,
}

/// What the writer reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Ack {
    /// Every edit of the document up to `seq` (counted since it was opened) is on disk.
    Journaled {
        doc: DocId,
        seq: u64,
    },
    /// The document is saved with its edits up to `seq`.
    Saved {
        doc: DocId,
        seq: u64,
        summary: Summary,
    },
    /// The document's file changed on disk since it was loaded or last
    /// written; nothing was overwritten.
    Changed {
        doc: DocId,
    },
    /// A write failed; the message names the file. Nothing is dropped: the
    /// writer tries again.
    Failed {
        doc: DocId,
        message: String,
    },
    /// The journal's file was removed or replaced (the annotations folder
    /// deleted, cleaned or checked out): a new journal is open and the
    /// documents with unsaved edits were saved again, as `message` says.
    /// `vanished`: documents whose files are gone, to be saved again.
    Reopened {
        message: String,
        vanished: Vec<DocId>,
    },
    /// The answer to [`Job::Report`], by document id.
    Unsaved {
        docs: Vec<Unsaved>,
    },
    /// The answer to [`Job::SaveElsewhere`]: the files written, and what
    /// could not be written (each naming its document and why).
    SavedElsewhere {
        written: Vec<PathBuf>,
        failed: Vec<String>,
    },
    Flushed,
}

/// What the writer knows of one document.
#[derive(Default)]
struct DocState {
    /// The hash of its file as last loaded or written (empty: no file).
    disk: Option<String>,
    /// Edits received since the document was opened.
    seq: u64,
    /// Edits in the journal (or in the file).
    journaled: u64,
    /// Edits in the file.
    saved: u64,
    /// `seq` when the window last opened it: the answers count its edits
    /// from there, as the window does (see [`Ack::Journaled`]).
    opened_at: u64,
    /// Whether a journal chain (a `base` line) is open for it.
    chained: bool,
    /// Its edits' numbers in the current chain start after this.
    chain_offset: u64,
    /// The file's bytes that the edits after `saved` apply to (`Some(None)`:
    /// no file; `None`: not known, the file changed under us).
    base: Option<Option<Vec<u8>>>,
    /// The edits after `saved`, numbered.
    pending: Vec<(u64, Edit)>,
    /// A save that failed, with the edits it has, tried again now and then.
    retry: Option<(Arc<Document>, u64)>,
    /// When the failed save was last tried.
    tried: Option<Instant>,
    /// Why the last write failed.
    error: Option<String>,
}

/// The handle kept by the window (or any editor).
pub struct Writer {
    tx: Option<Sender<Job>>,
    rx: Receiver<Ack>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the writer of a project, with its own journal. A journal that
    /// cannot be created yet (a read-only folder) is not an error here:
    /// each edit is answered [`Ack::Failed`] until it can be.
    pub fn start(project: Project) -> Result<Self, StoreError> {
        let journal = Journal::create(&project.annotations).ok();
        ensure_gitignore(&project.base);
        let (tx, jobs) = channel::<Job>();
        let (acks, rx) = channel::<Ack>();
        let thread = std::thread::Builder::new()
            .name("spanlab-writer".into())
            .spawn(move || {
                let mut w = State { project, journal, docs: BTreeMap::new(), unwritten: Vec::new(), journal_error: None, acks };
                w.run(&jobs);
            })
            .map_err(|e| StoreError::Io { path: "spanlab-writer thread".into(), source: e })?;
        Ok(Self { tx: Some(tx), rx, thread: Some(thread) })
    }

    /// Queues a job; false when the writer is gone.
    pub fn send(&self, job: Job) -> bool {
        self.tx.as_ref().is_some_and(|tx| tx.send(job).is_ok())
    }

    /// The next acknowledgement, if any.
    pub fn poll(&self) -> Option<Ack> {
        self.rx.try_recv().ok()
    }

    /// Waits for every job sent so far, returning the acknowledgements.
    pub fn flush(&self) -> Vec<Ack> {
        let mut out = Vec::new();
        if !self.send(Job::Flush) {
            return out;
        }
        while let Ok(a) = self.rx.recv() {
            if a == Ack::Flushed {
                break;
            }
            out.push(a);
        }
        out
    }

    /// Sends a job and waits for it and everything before it, returning the
    /// acknowledgements (its answer among them).
    pub fn request(&self, job: Job) -> Vec<Ack> {
        if !self.send(job) {
            return Vec::new();
        }
        self.flush()
    }
}

impl Drop for Writer {
    /// Finishes the queued work before the program goes on (or exits).
    fn drop(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The writer thread's state.
struct State {
    project: Project,
    /// `None` while it cannot be created.
    journal: Option<Journal>,
    docs: BTreeMap<DocId, DocState>,
    /// Entries not yet in the journal, in order (written before any later one).
    unwritten: Vec<Entry>,
    /// Why the journal could not be written last time, until it can.
    journal_error: Option<String>,
    acks: Sender<Ack>,
}

impl State {
    fn run(&mut self, jobs: &Receiver<Job>) {
        while let Ok(first) = jobs.recv() {
            // Take everything queued, so a burst of edits costs one flush.
            let mut batch = vec![first];
            while let Ok(more) = jobs.try_recv() {
                batch.push(more);
            }
            if !self.maintain() {
                return;
            }
            // Whether edits came after the last journal write: a write that
            // just failed is not tried again once its failure is answered
            // (a reader would see the retry's half line, and the failure twice).
            let mut added = false;
            for job in batch {
                match job {
                    Job::Edits { doc, edits } => {
                        self.add_edits(doc, edits);
                        added = true;
                    }
                    other => {
                        // Journal what came before, in order, then do the rest.
                        if !self.flush() || !self.handle(other) {
                            return;
                        }
                        added = false;
                    }
                }
            }
            if added && !self.flush() {
                return;
            }
        }
        let _ = self.flush();
    }

    fn ack(&self, ack: Ack) -> bool {
        self.acks.send(ack).is_ok()
    }

    /// Notices a lost journal, and tries failed saves again; false when the
    /// window is gone.
    fn maintain(&mut self) -> bool {
        if self.journal.as_ref().is_some_and(|j| !j.is_intact()) && !self.journal_lost() {
            return false;
        }
        let due: Vec<DocId> = self
            .docs
            .iter()
            .filter(|(_, s)| s.retry.is_some() && s.tried.is_none_or(|t| t.elapsed() >= RETRY_EVERY))
            .map(|(id, _)| id.clone())
            .collect();
        for id in due {
            let Some((doc, upto)) = self.docs.get(&id).and_then(|s| s.retry.clone()) else { continue };
            if !self.save(doc, upto, false) {
                return false;
            }
        }
        true
    }

    /// Takes edits into the journal's queue (written at the next flush).
    fn add_edits(&mut self, doc: DocId, edits: Vec<Edit>) {
        let path = annotation_path(&self.project.annotations, &doc);
        let state = self.docs.entry(doc.clone()).or_default();
        if !state.chained {
            let bytes = file_bytes(&path).ok();
            let current = bytes.as_ref().map(|b| b.as_deref().map(sha256_bytes_hex).unwrap_or_default());
            let base = match &state.disk {
                Some(h) => h.clone(),
                None => current.clone().unwrap_or_default(),
            };
            // The bytes the edits apply to, when the file is what we knew.
            state.base = (current.as_deref() == Some(base.as_str())).then(|| bytes.flatten());
            state.disk = Some(base.clone());
            state.chained = true;
            state.chain_offset = state.seq;
            self.unwritten.push(Entry::Base { doc: doc.0.clone(), base });
        }
        for edit in edits {
            state.seq += 1;
            state.pending.push((state.seq, edit.clone()));
            self.unwritten.push(Entry::Edit { doc: doc.0.clone(), seq: state.seq - state.chain_offset, edit });
        }
    }

    /// Appends the queued entries and acknowledges them; on failure keeps
    /// them for the next time and says so. False when the window is gone.
    fn flush(&mut self) -> bool {
        if self.unwritten.is_empty() {
            return true;
        }
        let created = match self.journal {
            Some(_) => Ok(()),
            None => Journal::create(&self.project.annotations).map(|j| self.journal = Some(j)),
        };
        let unwritten = &self.unwritten;
        let result = created.and_then(|()| self.journal.as_mut().map_or(Ok(()), |j| j.append(unwritten)));
        let docs: BTreeSet<DocId> = self.unwritten.iter().map(|e| DocId(e.doc().to_owned())).collect();
        match result {
            Ok(()) => {
                self.unwritten.clear();
                self.journal_error = None;
                for doc in docs {
                    let Some(state) = self.docs.get_mut(&doc) else { continue };
                    state.journaled = state.seq;
                    let seq = state.seq.saturating_sub(state.opened_at);
                    if !self.ack(Ack::Journaled { doc, seq }) {
                        return false;
                    }
                }
                true
            }
            Err(e) => {
                self.journal_error = Some(e.to_string());
                for doc in docs {
                    if !self.ack(Ack::Failed { doc, message: format!("journal: {e}") }) {
                        return false;
                    }
                }
                true
            }
        }
    }

    /// Handles a job other than edits; false when the window is gone.
    fn handle(&mut self, job: Job) -> bool {
        let path_of = |project: &Project, id: &DocId| annotation_path(&project.annotations, id);
        let ack = match job {
            Job::Edits { doc, edits } => {
                self.add_edits(doc, edits);
                None
            }
            Job::Flush => Some(Ack::Flushed),
            Job::Opened { doc } => {
                let hash = file_hash(&path_of(&self.project, &doc)).ok();
                let state = self.docs.entry(doc).or_default();
                state.disk = hash;
                state.opened_at = state.seq;
                None
            }
            Job::Discard { doc } => {
                let hash = file_hash(&path_of(&self.project, &doc)).ok();
                self.unwritten.retain(|e| e.doc() != doc.0);
                let state = self.docs.entry(doc).or_default();
                state.disk = hash;
                state.saved = state.seq;
                state.journaled = state.seq;
                state.chained = false;
                state.pending.clear();
                state.retry = None;
                state.error = None;
                state.base = None;
                None
            }
            Job::Check { doc } => {
                let now = file_hash(&path_of(&self.project, &doc)).ok();
                let state = self.docs.entry(doc.clone()).or_default();
                (state.disk.is_some() && now.is_some() && now != state.disk).then_some(Ack::Changed { doc })
            }
            Job::Save { doc, force } => {
                let upto = self.docs.get(&doc.id).map_or(0, |s| s.seq);
                return self.save(doc, upto, force);
            }
            Job::Report => Some(Ack::Unsaved { docs: self.unsaved() }),
            Job::SaveElsewhere { dir, docs } => Some(self.save_elsewhere(&dir, &docs)),
        };
        match ack {
            Some(a) => self.ack(a),
            None => true,
        }
    }

    /// Saves a document that has its edits up to `upto`; false when the window is gone.
    fn save(&mut self, doc: Arc<Document>, upto: u64, force: bool) -> bool {
        let id = doc.id.clone();
        let (path, bytes, known) = self.project.annotation_write(&doc);
        let now = file_hash(&path).ok();
        let state = self.docs.entry(id.clone()).or_default();
        if !force && state.disk.is_some() && now.is_some() && now != state.disk {
            state.retry = None;
            return self.ack(Ack::Changed { doc: id });
        }
        let hash = sha256_bytes_hex(&bytes);
        let mut result = Ok(());
        if now.as_deref() != Some(hash.as_str()) {
            if state.chained {
                let saving = Entry::Saving { doc: id.0.clone(), saving: hash.clone(), upto: upto.saturating_sub(state.chain_offset) };
                self.unwritten.push(saving.clone());
                if !self.flush() {
                    return false;
                }
                // Not recorded: this save does not happen (and is not recorded later).
                if self.unwritten.last() == Some(&saving) {
                    self.unwritten.pop();
                }
            }
            // The file is written only once the journal knows of the save:
            // else a crash would leave a file recovery cannot place.
            result = if self.unwritten.iter().any(|e| e.doc() == id.0) {
                let why = self.journal_error.clone().unwrap_or_default();
                Err(StoreError::Io {
                    path: path.clone(),
                    source: std::io::Error::other(format!("not written: the journal cannot record the save ({why})")),
                })
            } else {
                write_atomic(&path, &bytes).map_err(|e| StoreError::Io { path: path.clone(), source: e })
            };
        }
        let state = self.docs.entry(id.clone()).or_default();
        state.tried = Some(Instant::now());
        match result {
            Ok(()) => {
                state.disk = Some(hash);
                state.saved = state.saved.max(upto);
                state.journaled = state.journaled.max(upto);
                state.pending.retain(|(seq, _)| *seq > upto);
                state.retry = None;
                state.error = None;
                state.base = Some(Some(bytes));
                let summary = known.summary.clone();
                let acked = upto.saturating_sub(state.opened_at);
                // The file holds these bytes (written now, or already).
                self.project.remember_written(&path, known);
                if let Some(i) = self.project.position(&id)
                    && let Some(entry) = self.project.entries.get_mut(i)
                {
                    entry.summary = summary.clone();
                }
                // Every document saved: the journal has nothing left to say.
                if self.unwritten.is_empty() && self.docs.values().all(|s| s.saved == s.seq) {
                    if let Some(Err(e)) = self.journal.as_mut().map(Journal::clear)
                        && !self.ack(Ack::Failed { doc: id.clone(), message: format!("journal: {e}") })
                    {
                        return false;
                    }
                    for s in self.docs.values_mut() {
                        s.chained = false;
                        s.base = None;
                    }
                }
                self.ack(Ack::Saved { doc: id, seq: acked, summary })
            }
            Err(e) => {
                let message = e.to_string();
                state.retry = Some((doc, upto));
                state.error = Some(message.clone());
                self.ack(Ack::Failed { doc: id, message })
            }
        }
    }

    /// The documents with edits not in their files.
    fn unsaved(&self) -> Vec<Unsaved> {
        self.docs
            .iter()
            .filter(|(_, s)| s.seq > s.saved)
            .map(|(id, s)| Unsaved { doc: id.clone(), edits: s.seq - s.saved, unjournaled: s.seq - s.journaled, error: s.error.clone() })
            .collect()
    }

    /// A document as it is now: its last file (or failed save) and the edits since.
    fn rebuild(&self, id: &DocId) -> Result<Document, String> {
        let state = self.docs.get(id).ok_or_else(|| "nothing is known of it".to_owned())?;
        let (mut doc, after) = match (&state.retry, &state.base) {
            (Some((doc, upto)), _) => ((**doc).clone(), *upto),
            (None, Some(base)) => {
                let i = self.project.position(id).ok_or_else(|| "it is no longer in the project".to_owned())?;
                let from = match base {
                    Some(bytes) => AnnotationsFrom::Bytes(bytes),
                    None => AnnotationsFrom::Nothing,
                };
                (self.project.load_with(i, from).map_err(|e| e.to_string())?.doc, state.saved)
            }
            (None, None) => return Err("its file changed on disk while it was open".to_owned()),
        };
        for (_, edit) in state.pending.iter().filter(|(seq, _)| *seq > after) {
            doc.apply(edit.clone(), &self.project.schema).map_err(|e| e.to_string())?;
        }
        Ok(doc)
    }

    /// Writes every unsaved document into `dir`.
    fn save_elsewhere(&self, dir: &std::path::Path, given: &[Arc<Document>]) -> Ack {
        let mut written = Vec::new();
        let mut failed = Vec::new();
        for u in self.unsaved() {
            let doc = match given.iter().find(|d| d.id == u.doc) {
                Some(d) => Ok((**d).clone()),
                None => self.rebuild(&u.doc),
            };
            let path = dir.join(file_name_for_id(&u.doc.0));
            let result = doc.and_then(|d| {
                let (_, bytes) = self.project.annotation_bytes(&d);
                write_atomic(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))
            });
            match result {
                Ok(()) => written.push(path),
                Err(e) => failed.push(format!("{}: {e}", u.doc.0)),
            }
        }
        Ack::SavedElsewhere { written, failed }
    }

    /// The journal's file is gone or another file took its name: opens a
    /// new journal, saves again what was unsaved, and says so. False when
    /// the window is gone.
    fn journal_lost(&mut self) -> bool {
        let lost = self.journal.take().map(|j| j.path().display().to_string()).unwrap_or_default();
        let reopened = Journal::create(&self.project.annotations);
        ensure_gitignore(&self.project.base);
        let mut notes = Vec::new();
        match reopened {
            Ok(j) => self.journal = Some(j),
            Err(e) => notes.push(format!("a new journal cannot be created ({e}): edits are not safe until it can")),
        }
        self.unwritten.clear();
        let (mut resaved, mut kept, mut vanished) = (Vec::new(), Vec::new(), Vec::new());
        let ids: Vec<DocId> = self.docs.keys().cloned().collect();
        for id in ids {
            let path = annotation_path(&self.project.annotations, &id);
            let current = file_hash(&path).ok();
            let Some(state) = self.docs.get(&id) else { continue };
            let unsaved = state.seq > state.saved;
            let gone = current.as_deref() == Some("");
            if unsaved {
                let ours = gone || current == state.disk;
                let rebuilt = if ours { self.rebuild(&id) } else { Err("its file changed on disk".to_owned()) };
                let written = rebuilt.and_then(|doc| {
                    let (_, bytes) = self.project.annotation_bytes(&doc);
                    write_atomic(&path, &bytes).map(|()| sha256_bytes_hex(&bytes)).map_err(|e| format!("{}: {e}", path.display()))
                });
                let Some(state) = self.docs.get_mut(&id) else { continue };
                match written {
                    Ok(hash) => {
                        state.disk = Some(hash);
                        state.saved = state.seq;
                        state.journaled = state.seq;
                        state.pending.clear();
                        state.retry = None;
                        state.error = None;
                        state.chained = false;
                        state.base = None;
                        resaved.push(id.0.clone());
                    }
                    Err(why) => {
                        // Into the new journal, on the file we knew: recovery
                        // keeps them aside rather than lose them.
                        self.unwritten.push(Entry::Base { doc: id.0.clone(), base: state.disk.clone().unwrap_or_default() });
                        for (seq, edit) in &state.pending {
                            self.unwritten.push(Entry::Edit { doc: id.0.clone(), seq: seq - state.saved, edit: edit.clone() });
                        }
                        state.chained = true;
                        state.chain_offset = state.saved;
                        kept.push(format!("{} ({why})", id.0));
                    }
                }
            } else if let Some(state) = self.docs.get_mut(&id) {
                state.chained = false;
                state.base = None;
                if gone && state.disk.as_deref().is_some_and(|h| !h.is_empty()) {
                    state.disk = None;
                    vanished.push(id);
                }
            }
        }
        if !self.flush() {
            return false;
        }
        let mut message = format!("the journal {lost} was removed or replaced (the annotations folder deleted, cleaned or checked out?)");
        message.push_str(&if resaved.is_empty() {
            "; a new journal is in use".to_owned()
        } else {
            format!("; a new journal is in use, and the unsaved edits of {} are saved again", resaved.join(", "))
        });
        if !kept.is_empty() {
            message.push_str(&format!("; kept in the new journal, not saved: {}", kept.join(", ")));
        }
        if !vanished.is_empty() {
            let names: Vec<&str> = vanished.iter().map(|d| d.0.as_str()).collect();
            message.push_str(&format!("; the files of {} are gone", names.join(", ")));
        }
        notes.insert(0, message);
        self.ack(Ack::Reopened { message: notes.join("; "), vanished })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::model::CharIdx;

    fn project() -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "Lavrov a vu Wang Yi à Pékin hier.").unwrap();
        let p = Project::open(dir.path(), None).unwrap();
        (dir, p)
    }

    fn span(doc: &mut Document, project: &Project, s: usize, e: usize) -> Edit {
        let edit = doc.add_span_edit(CharIdx::new(s), CharIdx::new(e), "PER");
        doc.apply(edit.clone(), &project.schema).unwrap();
        edit
    }

    /// The project's first document opened under a new writer, a span
    /// added, its edit sent and the document handed over to be saved.
    fn opened_with_a_span_sent_and_saved(project: &Project) -> (Document, Writer) {
        let mut doc = project.load(0).unwrap().doc;
        let w = Writer::start(project.clone()).unwrap();
        w.send(Job::Opened { doc: doc.id.clone() });
        let e1 = span(&mut doc, project, 0, 6);
        w.send(Job::Edits { doc: doc.id.clone(), edits: vec![e1] });
        w.send(Job::Save { doc: Arc::new(doc.clone()), force: false });
        (doc, w)
    }

    /// D3: the annotations folder removed under a writer with unsaved edits:
    /// it notices, opens a new journal, saves the document again, says so.
    #[test]
    fn d3_a_removed_annotations_folder_is_noticed_and_the_unsaved_document_saved_again() {
        let (dir, project) = project();
        let (mut doc, w) = opened_with_a_span_sent_and_saved(&project);
        let e2 = span(&mut doc, &project, 12, 19);
        w.send(Job::Edits { doc: doc.id.clone(), edits: vec![e2] });
        assert!(w.flush().contains(&Ack::Journaled { doc: doc.id.clone(), seq: 2 }));
        assert!(dir.path().join("annotations/.gitignore").exists());
        std::fs::remove_dir_all(dir.path().join("annotations")).unwrap();
        let acks = w.request(Job::Check { doc: doc.id.clone() });
        let Some(Ack::Reopened { message, vanished }) = acks.iter().find(|a| matches!(a, Ack::Reopened { .. })) else { panic!("{acks:?}") };
        assert!(message.contains("saved again") && message.contains('a') && vanished.is_empty(), "{message}");
        let again = Project::open(dir.path(), None).unwrap().load(0).unwrap().doc;
        assert_eq!(again.spans().len(), 2, "both edits are in the file again");
        assert!(dir.path().join("annotations/.gitignore").exists(), "the new folder has its .gitignore");
        drop(w);
        assert!(super::super::journal::journal_files(&dir.path().join("annotations")).is_empty(), "nothing left unsaved");
    }

    /// Audit: a document opened again in the session counts its edits from
    /// zero (the window's counters start again), but the writer went on
    /// from the first opening's: its answers ran ahead of the window's
    /// count, which then said "saving…" for ever and stopped writing the
    /// file after an edit (only the journal had them).
    #[test]
    fn a_document_opened_again_counts_its_edits_from_the_opening() {
        let (_dir, project) = project();
        let (mut doc, w) = opened_with_a_span_sent_and_saved(&project);
        assert!(w.flush().iter().any(|a| matches!(a, Ack::Saved { seq: 1, .. })));
        // Opened again (another document in between): its first edit is 1.
        w.send(Job::Opened { doc: doc.id.clone() });
        let e2 = span(&mut doc, &project, 12, 19);
        w.send(Job::Edits { doc: doc.id.clone(), edits: vec![e2] });
        let acks = w.flush();
        assert!(acks.contains(&Ack::Journaled { doc: doc.id.clone(), seq: 1 }), "{acks:?}");
        w.send(Job::Save { doc: Arc::new(doc.clone()), force: false });
        let acks = w.flush();
        assert!(acks.iter().any(|a| matches!(a, Ack::Saved { seq: 1, .. })), "{acks:?}");
        assert_eq!(project.load(0).unwrap().doc.spans().len(), 2);
    }

    /// D5's helpers: the writer says what is unsaved, and writes it elsewhere.
    #[test]
    fn unsaved_edits_are_reported_and_written_elsewhere() {
        let (dir, project) = project();
        let mut doc = project.load(0).unwrap().doc;
        let w = Writer::start(project.clone()).unwrap();
        w.send(Job::Opened { doc: doc.id.clone() });
        let e1 = span(&mut doc, &project, 0, 6);
        w.send(Job::Edits { doc: doc.id.clone(), edits: vec![e1] });
        let acks = w.request(Job::Report);
        let unsaved = vec![Unsaved { doc: doc.id.clone(), edits: 1, unjournaled: 0, error: None }];
        assert!(acks.contains(&Ack::Unsaved { docs: unsaved }), "{acks:?}");
        let elsewhere = dir.path().join("elsewhere");
        let acks = w.request(Job::SaveElsewhere { dir: elsewhere.clone(), docs: Vec::new() });
        assert!(acks.contains(&Ack::SavedElsewhere { written: vec![elsewhere.join("a.json")], failed: Vec::new() }), "{acks:?}");
        let saved: super::super::annotations::AnnotationFile =
            serde_json::from_slice(&std::fs::read(elsewhere.join("a.json")).unwrap()).unwrap();
        assert_eq!(saved.spans.len(), 1, "rebuilt from the file and the edits");
    }
}
