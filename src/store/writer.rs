//! The background writer: journals edits and saves documents on its own
//! thread, so the window never waits for the disk.
//!
//! Owns: the order of writes that makes a crash safe. Edits are appended
//! to the journal and flushed before they are acknowledged
//! ([`Ack::Journaled`]); a save first journals the hash it is about to
//! write, then replaces the file atomically ([`Ack::Saved`]); once every
//! document is saved the journal is emptied. A save never overwrites a
//! file that changed on disk since it was loaded or last written: it
//! answers [`Ack::Changed`] and waits for the user's choice
//! ([`Job::Save`] with `force`).
//! Must not touch: the window (it only sends acknowledgements back).

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use super::atomic::write_atomic;
use super::journal::{Entry, Journal, file_hash};
use super::project::{Project, Summary};
use crate::model::document::sha256_bytes_hex;
use crate::model::{DocId, Document, Edit};

/// What the writer is asked to do.
pub enum Job {
    /// A document was loaded from disk: remember its file's hash, so a
    /// later change by someone else is noticed.
    Opened { doc: DocId },
    /// Edits applied to a document, in order.
    Edits { doc: DocId, edits: Vec<Edit> },
    /// Save this state of a document (with every edit sent before it).
    /// `force`: even if the file changed on disk (the user chose "keep mine").
    Save { doc: std::sync::Arc<Document>, force: bool },
    /// Forget the unsaved edits of a document (the user reloaded it).
    Discard { doc: DocId },
    /// Has the document's file changed on disk? Answers [`Ack::Changed`] if so.
    Check { doc: DocId },
    /// Answer [`Ack::Flushed`] once everything before is done.
    Flush,
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
    /// A write failed; the message names the file.
    Failed {
        doc: DocId,
        message: String,
    },
    Flushed,
}

/// What the writer knows of one document.
#[derive(Default)]
struct DocState {
    /// The hash of its file as last loaded or written (empty: no file).
    disk: Option<String>,
    /// Edits journaled since the document was opened.
    seq: u64,
    /// The `seq` of the last save.
    saved: u64,
    /// Whether a journal chain (a `base` line) is open for it.
    chained: bool,
    /// Its edits' numbers in the current chain start after this.
    chain_offset: u64,
}

/// The handle kept by the window (or any editor).
pub struct Writer {
    tx: Option<Sender<Job>>,
    rx: Receiver<Ack>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the writer of a project (opening its journal).
    pub fn start(project: Project) -> Result<Self, super::StoreError> {
        let journal = Journal::open(&project.annotations)?;
        let (tx, jobs) = channel::<Job>();
        let (acks, rx) = channel::<Ack>();
        let thread = std::thread::Builder::new()
            .name("spanlab-writer".into())
            .spawn(move || run(project, journal, &jobs, &acks))
            .map_err(|e| super::StoreError::Io { path: "spanlab-writer thread".into(), source: e })?;
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

fn run(mut project: Project, mut journal: Journal, jobs: &Receiver<Job>, acks: &Sender<Ack>) {
    let mut docs: BTreeMap<DocId, DocState> = BTreeMap::new();
    while let Ok(first) = jobs.recv() {
        // Take everything queued, so a burst of edits costs one flush.
        let mut batch = vec![first];
        while let Ok(more) = jobs.try_recv() {
            batch.push(more);
        }
        let mut entries: Vec<Entry> = Vec::new();
        let mut journaled: BTreeMap<DocId, u64> = BTreeMap::new();
        for job in batch {
            match job {
                Job::Edits { doc, edits } => {
                    let state = docs.entry(doc.clone()).or_default();
                    if !state.chained {
                        let disk = match &state.disk {
                            Some(h) => h.clone(),
                            None => file_hash(&super::annotations::annotation_path(&project.annotations, &doc)).unwrap_or_default(),
                        };
                        state.disk = Some(disk.clone());
                        state.chained = true;
                        state.chain_offset = state.seq;
                        entries.push(Entry::Base { doc: doc.0.clone(), base: disk });
                    }
                    for edit in edits {
                        state.seq += 1;
                        entries.push(Entry::Edit { doc: doc.0.clone(), seq: state.seq - state.chain_offset, edit });
                    }
                    journaled.insert(doc, state.seq);
                }
                other => {
                    // Journal what came before, in order, then do the rest.
                    if !flush_entries(&mut journal, &mut entries, &mut journaled, acks) {
                        return;
                    }
                    if !handle(other, &mut project, &mut journal, &mut docs, acks) {
                        return;
                    }
                }
            }
        }
        if !flush_entries(&mut journal, &mut entries, &mut journaled, acks) {
            return;
        }
    }
}

/// Appends pending entries and acknowledges them; false when the window is gone.
fn flush_entries(journal: &mut Journal, entries: &mut Vec<Entry>, journaled: &mut BTreeMap<DocId, u64>, acks: &Sender<Ack>) -> bool {
    if entries.is_empty() {
        return true;
    }
    let result = journal.append(entries);
    entries.clear();
    for (doc, seq) in std::mem::take(journaled) {
        let ack = match &result {
            Ok(()) => Ack::Journaled { doc, seq },
            Err(e) => Ack::Failed { doc, message: format!("journal: {e}") },
        };
        if acks.send(ack).is_err() {
            return false;
        }
    }
    true
}

/// Handles a job other than edits; false when the window is gone.
fn handle(job: Job, project: &mut Project, journal: &mut Journal, docs: &mut BTreeMap<DocId, DocState>, acks: &Sender<Ack>) -> bool {
    let path_of = |project: &Project, id: &DocId| super::annotations::annotation_path(&project.annotations, id);
    let ack = match job {
        Job::Edits { .. } => return true,
        Job::Flush => Some(Ack::Flushed),
        Job::Opened { doc } => {
            let hash = file_hash(&path_of(project, &doc)).ok();
            let state = docs.entry(doc).or_default();
            state.disk = hash;
            None
        }
        Job::Discard { doc } => {
            let hash = file_hash(&path_of(project, &doc)).ok();
            let state = docs.entry(doc).or_default();
            state.disk = hash;
            state.saved = state.seq;
            state.chained = false;
            None
        }
        Job::Check { doc } => {
            let now = file_hash(&path_of(project, &doc)).ok();
            let state = docs.entry(doc.clone()).or_default();
            (state.disk.is_some() && now.is_some() && now != state.disk).then_some(Ack::Changed { doc })
        }
        Job::Save { doc, force } => {
            let id = doc.id.clone();
            let state = docs.entry(id.clone()).or_default();
            let (path, bytes) = project.annotation_bytes(&doc);
            let now = file_hash(&path).ok();
            if !force && state.disk.is_some() && now.is_some() && now != state.disk {
                Some(Ack::Changed { doc: id })
            } else {
                let hash = sha256_bytes_hex(&bytes);
                let mut result = Ok(());
                if now.as_deref() != Some(hash.as_str()) {
                    if state.chained {
                        result = journal.append(&[Entry::Saving {
                            doc: id.0.clone(),
                            saving: hash.clone(),
                            upto: state.seq - state.chain_offset,
                        }]);
                    }
                    if result.is_ok() {
                        result = write_atomic(&path, &bytes).map_err(|e| super::StoreError::Io { path: path.clone(), source: e });
                    }
                }
                match result {
                    Ok(()) => {
                        state.disk = Some(hash);
                        state.saved = state.seq;
                        let seq = state.seq;
                        if let Some(i) = project.position(&id) {
                            project.entries[i].summary = Summary::of(&doc);
                        }
                        // Every document saved: the journal has nothing left to say.
                        if docs.values().all(|s| s.saved == s.seq) {
                            if let Err(e) = journal.clear() {
                                let _ = acks.send(Ack::Failed { doc: id.clone(), message: format!("journal: {e}") });
                            }
                            for s in docs.values_mut() {
                                s.chained = false;
                            }
                        }
                        Some(Ack::Saved { doc: id, seq, summary: Summary::of(&doc) })
                    }
                    Err(e) => Some(Ack::Failed { doc: id, message: e.to_string() }),
                }
            }
        }
    };
    match ack {
        Some(a) => acks.send(a).is_ok(),
        None => true,
    }
}
