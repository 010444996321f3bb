//! Exporting a project: the gold dataset built in memory ([`Project::export`],
//! for the formats made from a whole dataset), or its JSON written document
//! by document ([`Project::export_json`]), with the same bytes, so that an
//! export of 100,000 documents holds one document in memory at a time.
//!
//! Both load the documents in id order (JSONL and dataset files read once),
//! leave out what the options say, and refuse an invalid dataset with every
//! problem found. Must not touch: the destination file (the caller writes
//! it atomically and drops it when the export is refused).

use std::path::Path;

use super::{Project, SourceCache};
use crate::model::dataset::ExportNotes;
use crate::model::dataset::{DocRecord, Exporter, Seen, StreamError};
use crate::model::{Dataset, ExportOptions, Status};
use crate::store::StoreError;
use crate::store::formats::{Offsets, mark_offsets, recount_offsets};

impl Project {
    /// Loads every document (in id order) and builds the gold dataset; the
    /// dataset is validated and refused with its problems if invalid.
    pub fn export(&self, options: ExportOptions, mut progress: impl FnMut(usize)) -> Result<(Dataset, ExportNotes), StoreError> {
        // One document in memory at a time; JSONL and dataset files read once.
        let mut exporter = Exporter::new(&self.schema, &self.settings.dataset_extra, options);
        let mut cache = SourceCache::default();
        for (i, e) in self.entries.iter().enumerate() {
            if options.done_only && e.summary.status != Status::Done {
                continue;
            }
            exporter.add(&self.load_cached(i, &mut cache)?.doc);
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

    /// The gold dataset's JSON, as [`Project::export`] then
    /// `Dataset::write_json` would write it (offsets counted in `unit`, as
    /// `store::formats` writes them), written into `out` one document at a
    /// time. An invalid dataset is refused with every problem, once all is
    /// written: the caller drops what was written. `named`: the destination,
    /// which errors in recounting offsets name.
    pub fn export_json(
        &self,
        options: ExportOptions,
        unit: Offsets,
        named: &Path,
        out: &mut dyn std::io::Write,
        mut progress: impl FnMut(usize),
    ) -> Result<ExportNotes, StoreError> {
        let mut exporter = Exporter::new(&self.schema, &self.settings.dataset_extra, options);
        let mut head = exporter.head().clone();
        mark_offsets(&mut head.extra, unit);
        let mut cache = SourceCache::default();
        let mut seen = Seen::default();
        let mut problems = Vec::new();
        let documents = self.entries.iter().enumerate().filter_map(|(i, e)| {
            if options.done_only && e.summary.status != Status::Done {
                return None;
            }
            let made = self.load_cached(i, &mut cache).and_then(|loaded| {
                let Some((mut record, found)) = exporter.record(&loaded.doc, &mut seen) else { return Ok(None) };
                problems.extend(found);
                if let Some(name) = &self.annotator {
                    self.mark_annotator(&mut record, name);
                }
                recount_offsets(&mut record, unit).map_err(|source| StoreError::Format { path: named.to_path_buf(), source })?;
                Ok(Some(record))
            });
            progress(i + 1);
            made.transpose()
        });
        head.write_json_streamed(documents, out).map_err(|e| match e {
            StreamError::Io(source) => StoreError::Io { path: named.to_path_buf(), source },
            StreamError::Document(e) => e,
        })?;
        if !problems.is_empty() {
            return Err(self.invalid(&problems));
        }
        let mut notes = exporter.notes().clone();
        notes.documents_left_out = self.entries.len() - notes.documents;
        Ok(notes)
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
