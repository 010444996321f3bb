//! Exporting a project: the gold dataset built in memory ([`Project::export`],
//! for the formats made from a whole dataset), or its JSON written document
//! by document ([`Project::export_json`]), with the same bytes, so that an
//! export of 100,000 documents holds one document in memory at a time.
//!
//! Both load the documents in id order (JSONL and dataset files read once),
//! leave out what the options say, and refuse an invalid dataset with every
//! problem found. A document given [`InMemory`] (the window's, whose save
//! failed) is taken as it is there instead of as its file says, its status
//! included (`done_only`). Must not touch: the destination file (the
//! caller writes it atomically and drops it when the export is refused),
//! the project's files (the versions in memory are not saved here).

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use super::{Project, SourceCache};
use crate::model::dataset::ExportNotes;
use crate::model::dataset::{DocRecord, Exporter, Made, Seen, StreamError, document_json, make_record};
use crate::model::{Dataset, DocId, Document, ExportOptions, Status};
use crate::store::StoreError;
use crate::store::formats::{Offsets, mark_offsets, recount_offsets};

/// The threads that load, check and serialize documents for [`Project::export_json`].
pub const EXPORT_WORKERS: usize = 2;
/// How many consecutive documents a worker makes and hands over at once
/// (one wake-up of the writing thread per batch, not per document).
const EXPORT_BATCH: usize = 8;
/// How many batches each of them may have made ahead of the writing.
const EXPORT_AHEAD: usize = 2;

/// Documents an export takes as they are in memory, not as their files
/// say, by id: the window's documents whose edits are not all saved (a
/// full disk, a read-only folder). Empty from the command line. The
/// documents are shared, not copied.
pub type InMemory = std::collections::HashMap<DocId, Arc<Document>>;

impl Project {
    /// Loads every document (in id order) from its file and builds the
    /// gold dataset; the dataset is validated and refused with its
    /// problems if invalid.
    pub fn export(&self, options: ExportOptions, progress: impl FnMut(usize)) -> Result<(Dataset, ExportNotes), StoreError> {
        self.export_including(options, &InMemory::new(), progress)
    }

    /// [`Project::export`], the documents of `in_memory` taken as they
    /// are there rather than loaded from their files.
    pub fn export_including(
        &self,
        options: ExportOptions,
        in_memory: &InMemory,
        mut progress: impl FnMut(usize),
    ) -> Result<(Dataset, ExportNotes), StoreError> {
        // One document in memory at a time; JSONL and dataset files read once.
        let mut exporter = Exporter::new(&self.schema, &self.settings.dataset_extra, options);
        let mut cache = SourceCache::default();
        for i in 0..self.entries.len() {
            if !self.wanted(i, options, in_memory) {
                continue;
            }
            exporter.add(&*self.exported(i, in_memory, &mut cache)?);
            progress(i + 1);
        }
        let (mut dataset, mut notes) = exporter.finish().map_err(|problems| self.invalid(&problems))?;
        // Whose version each document is (a field the format allows).
        if let Some(name) = &self.annotator {
            for d in &mut dataset.documents {
                self.mark_annotator(d, name);
            }
        }
        notes.documents_left_out = self.entries.len() - dataset.documents.len();
        Ok((dataset, notes))
    }

    /// Whether the export takes the document at `index`: with `done_only`,
    /// its status, as in memory when `in_memory` has it (a document done
    /// only in its unsaved version is taken, one set back only there is not).
    fn wanted(&self, index: usize, options: ExportOptions, in_memory: &InMemory) -> bool {
        let Some(e) = self.entries.get(index) else { return false };
        !options.done_only || in_memory.get(&e.id).map_or(e.summary.status, |d| d.status()) == Status::Done
    }

    /// The document at `index` as exported: its version in `in_memory`,
    /// else loaded from its file.
    fn exported<'a>(&self, index: usize, in_memory: &'a InMemory, cache: &mut SourceCache) -> Result<Cow<'a, Document>, StoreError> {
        match self.entries.get(index).and_then(|e| in_memory.get(&e.id)) {
            Some(doc) => Ok(Cow::Borrowed(doc.as_ref())),
            None => Ok(Cow::Owned(self.load_cached(index, cache)?.doc)),
        }
    }

    /// The gold dataset's JSON, as [`Project::export_including`] then
    /// `Dataset::write_json` would write it (offsets counted in `unit`, as
    /// `store::formats` writes them), written into `out` one document at a
    /// time. An invalid dataset is refused with every problem, once all is
    /// written: the caller drops what was written. `named`: the destination,
    /// which errors in recounting offsets name. The documents of
    /// `in_memory` are taken as they are there, not from their files.
    ///
    /// `EXPORT_WORKERS` threads read, load, check and serialize the
    /// documents in batches of `EXPORT_BATCH` consecutive ones (the b-th
    /// batch by worker b mod their number); this one takes them in id
    /// order, adds the problems that depend on the documents before and
    /// writes them (`Dataset::write_json_rendered`: the bytes of one
    /// thread); at most `EXPORT_AHEAD` batches per worker, and the one
    /// being made, wait in memory.
    pub fn export_json(
        &self,
        options: ExportOptions,
        in_memory: &InMemory,
        unit: Offsets,
        named: &Path,
        out: &mut dyn std::io::Write,
        mut progress: impl FnMut(usize),
    ) -> Result<ExportNotes, StoreError> {
        let mut exporter = Exporter::new(&self.schema, &self.settings.dataset_extra, options);
        let mut head = exporter.head().clone();
        mark_offsets(&mut head.extra, unit);
        let schema = &self.schema;
        // The work of one document that needs no other: loaded, its record
        // made and checked, then (when its id is not empty: see `finish`)
        // marked and its offsets recounted.
        let io = |source| StoreError::Io { path: named.to_path_buf(), source };
        let make = |i: usize, cache: &mut SourceCache| -> Result<(Option<Made>, Option<Vec<u8>>), StoreError> {
            let doc = self.exported(i, in_memory, cache)?;
            let mut made = make_record(&doc, options, schema);
            drop(doc);
            let mut json = None;
            if let Some(Made { record, .. }) = &mut made
                && !record.id.is_empty()
            {
                self.finish_record(record, unit, named)?;
                // Serialized here too: the writing thread only copies it.
                json = Some(document_json(record).map_err(io)?);
            }
            Ok((made, json))
        };
        let wanted: Vec<usize> = (0..self.entries.len()).filter(|&i| self.wanted(i, options, in_memory)).collect();
        let mut seen = Seen::default();
        let mut problems = Vec::new();
        let stopped = || StoreError::Io { path: named.to_path_buf(), source: std::io::Error::other("an export thread stopped") };
        let mut buffered = std::io::BufWriter::with_capacity(1 << 20, out);
        std::thread::scope(|scope| {
            let make = &make;
            let wanted = &wanted;
            // The wanted documents in batches of EXPORT_BATCH, the b-th
            // batch made by worker b % EXPORT_WORKERS.
            let workers: Vec<_> = (0..EXPORT_WORKERS)
                .map(|w| {
                    let (tx, rx) = std::sync::mpsc::sync_channel(EXPORT_AHEAD);
                    scope.spawn(move || {
                        let mut cache = SourceCache::default();
                        for batch in wanted.chunks(EXPORT_BATCH).skip(w).step_by(EXPORT_WORKERS) {
                            let made: Vec<_> = batch.iter().map(|&i| make(i, &mut cache)).collect();
                            if tx.send(made).is_err() {
                                // The writing stopped (an error): so does this.
                                return;
                            }
                        }
                    });
                    rx
                })
                .collect();
            // The made documents in id order: each batch taken from its
            // worker in turn.
            let batches = wanted.chunks(EXPORT_BATCH).enumerate().flat_map(|(b, batch)| {
                let got = workers.get(b % EXPORT_WORKERS).and_then(|rx| rx.recv().ok()).filter(|got| got.len() == batch.len());
                let made: Vec<_> = match got {
                    Some(got) => got,
                    None => vec![Err(stopped())],
                };
                made.into_iter().zip(batch.iter().copied())
            });
            let documents = batches.filter_map(|(made, i)| {
                let json = match made {
                    Ok((made, json)) => exporter.take(made, &mut seen).map(|(mut record, found)| {
                        problems.extend(found);
                        match json {
                            Some(json) => Ok(json),
                            // A record whose id is empty is finished here, in
                            // order, once checked under its place's name.
                            None => {
                                self.finish_record(&mut record, unit, named)?;
                                document_json(&record).map_err(io)
                            }
                        }
                    }),
                    Err(e) => Some(Err(e)),
                };
                progress(i + 1);
                json
            });
            head.write_json_rendered(documents, &mut buffered)
        })
        .map_err(|e| match e {
            StreamError::Io(source) => StoreError::Io { path: named.to_path_buf(), source },
            StreamError::Document(e) => e,
        })?;
        buffered.flush().map_err(|source| StoreError::Io { path: named.to_path_buf(), source })?;
        if !problems.is_empty() {
            return Err(self.invalid(&problems));
        }
        let mut notes = exporter.notes().clone();
        notes.documents_left_out = self.entries.len() - notes.documents;
        Ok(notes)
    }

    /// A record's last touches: whose version it is, its offsets in `unit`.
    fn finish_record(&self, record: &mut DocRecord, unit: Offsets, named: &Path) -> Result<(), StoreError> {
        if let Some(name) = &self.annotator {
            self.mark_annotator(record, name);
        }
        recount_offsets(record, unit).map_err(|source| StoreError::Format { path: named.to_path_buf(), source })
    }

    /// The error of an export refused for its problems.
    fn invalid(&self, problems: &[crate::model::Problem]) -> StoreError {
        StoreError::Invalid { path: self.annotations.clone(), problems: problems.iter().map(ToString::to_string).collect() }
    }

    /// Whose version a document is (a field the format allows).
    fn mark_annotator(&self, d: &mut DocRecord, name: &str) {
        d.extra.insert("annotator".to_owned(), serde_json::Value::String(name.to_owned()));
    }
}
