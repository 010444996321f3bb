//! The gold dataset written document by document: an export of 100,000
//! documents (400 MB of JSON) never whole in memory.
//!
//! Owns: [`Dataset::write_json_streamed`], which writes the bytes
//! [`Dataset::write_json`] would write for the same documents, and
//! [`Exporter::record`], which makes and checks one document's record as
//! [`Exporter::finish`] would. Must not touch: files (the store gives the
//! writer and the documents).

use std::cell::RefCell;
use std::collections::HashMap;

use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::validate::validate_record_in;
use super::{Dataset, DocRecord, ExportNotes, ExportOptions, Exporter, Problem, document_record, validate_record};
use crate::model::Schema;
use crate::model::Status;
use crate::model::document::Document;

/// Why a streamed write stopped.
#[derive(Debug)]
pub enum StreamError<E> {
    /// Writing failed.
    Io(std::io::Error),
    /// A document could not be made (the error its maker gave).
    Document(E),
}

impl Dataset {
    /// [`Dataset::write_json`] with `documents` in place of this dataset's
    /// own (which are not written): the same bytes, each document made only
    /// when its turn comes and dropped once written. The first document
    /// that cannot be made stops the writing with its error.
    pub fn write_json_streamed<E>(
        &self,
        documents: impl Iterator<Item = Result<DocRecord, E>>,
        mut out: impl std::io::Write,
    ) -> Result<(), StreamError<E>> {
        let streamed = Streamed { head: self, documents: RefCell::new(documents), failed: RefCell::new(None) };
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        let written = streamed.serialize(&mut ser);
        if let Some(e) = streamed.failed.into_inner() {
            return Err(StreamError::Document(e));
        }
        written.map_err(|e| StreamError::Io(std::io::Error::other(e)))?;
        out.write_all(b"\n").map_err(StreamError::Io)
    }
}

impl Dataset {
    /// [`Dataset::write_json_streamed`] of documents already serialized,
    /// each by [`document_json`] (on other threads), indented as they sit
    /// in the file: the same bytes. The top is written as for no
    /// documents, and the documents put between the brackets of its
    /// `"documents": []`, each copied in one piece.
    pub fn write_json_rendered<E>(
        &self,
        documents: impl Iterator<Item = Result<Vec<u8>, E>>,
        mut out: impl std::io::Write,
    ) -> Result<(), StreamError<E>> {
        let mut head = Vec::new();
        self.write_json_streamed(std::iter::empty(), &mut head)?;
        // At the top level of the map, one space deep: the schema's own
        // keys are deeper, and `documents` comes before the other fields.
        const KEY: &[u8] = b"\n \"documents\": []";
        let at = head.windows(KEY.len()).position(|w| w == KEY).map(|p| p + KEY.len() - 1);
        let Some(at) = at else { return Err(StreamError::Io(std::io::Error::other("no documents in the dataset's JSON"))) };
        let (before, after) = head.split_at(at);
        out.write_all(before).map_err(StreamError::Io)?;
        let mut first = true;
        for d in documents {
            let d = d.map_err(StreamError::Document)?;
            out.write_all(if first { b"\n  " } else { b",\n  " }).map_err(StreamError::Io)?;
            first = false;
            out.write_all(&d).map_err(StreamError::Io)?;
        }
        if !first {
            out.write_all(b"\n ").map_err(StreamError::Io)?;
        }
        out.write_all(after).map_err(StreamError::Io)
    }
}

/// How deep a document sits in the dataset's JSON: in the top map's
/// `documents` array, two levels of one space.
const DOCUMENT_DEPTH: usize = 2;

/// A record's JSON as [`Dataset::write_json_rendered`] takes it: pretty, as
/// [`Dataset::write_json`] writes it, every line after the first indented
/// as deep as a document sits in the file (serialized so, in one pass).
pub fn document_json(record: &DocRecord) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Deeper { depth: DOCUMENT_DEPTH, has_value: false });
    record.serialize(&mut ser).map_err(std::io::Error::other)?;
    Ok(out)
}

/// `serde_json`'s `PrettyFormatter` with a one-space indent, starting
/// `depth` levels deep (its own starts at the left margin, and its depth
/// cannot be set): the same bytes as a value written at that depth of a
/// pretty document.
struct Deeper {
    depth: usize,
    has_value: bool,
}

impl Deeper {
    /// A line break and the indentation of the current depth.
    fn new_line<W: ?Sized + std::io::Write>(&self, w: &mut W, comma: bool) -> std::io::Result<()> {
        w.write_all(if comma { b",\n" } else { b"\n" })?;
        for _ in 0..self.depth {
            w.write_all(b" ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Deeper {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(w, false)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.new_line(w, !first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(w, false)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.new_line(w, !first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// A dataset whose documents come from an iterator; serialized as the
/// derived `Serialize` of [`Dataset`] does (a map, for its flattened
/// `extra`): `format`, `version`, `schema`, `documents`, then `extra`.
struct Streamed<'a, I, E> {
    head: &'a Dataset,
    documents: RefCell<I>,
    failed: RefCell<Option<E>>,
}

/// The `documents` array of a [`Streamed`].
struct Documents<'s, 'a, I, E>(&'s Streamed<'a, I, E>);

impl<I: Iterator<Item = Result<DocRecord, E>>, E> Serialize for Streamed<'_, I, E> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("format", &self.head.format)?;
        map.serialize_entry("version", &self.head.version)?;
        map.serialize_entry("schema", &self.head.schema)?;
        map.serialize_entry("documents", &Documents(self))?;
        for (key, value) in &self.head.extra {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<I: Iterator<Item = Result<DocRecord, E>>, E> Serialize for Documents<'_, '_, I, E> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        let mut documents = self.0.documents.borrow_mut();
        for d in documents.by_ref() {
            match d {
                Ok(d) => seq.serialize_element(&d)?,
                Err(e) => {
                    *self.0.failed.borrow_mut() = Some(e);
                    return Err(S::Error::custom("a document could not be made"));
                }
            }
        }
        seq.end()
    }
}

/// The ids met so far by a streamed export, and where.
#[derive(Debug, Default)]
pub struct Seen {
    ids: HashMap<String, usize>,
    count: usize,
}

impl Exporter<'_> {
    /// The dataset's top (format, version, schema, extra), without documents:
    /// what [`Dataset::write_json_streamed`] writes around them.
    pub fn head(&self) -> &Dataset {
        &self.dataset
    }

    /// One document's record for an export written as it goes, documents
    /// given in id order: `None` when the options leave it out (counted);
    /// else the record and the problems that make it invalid, as
    /// [`Exporter::finish`] would find them (`seen`: the documents before).
    pub fn record(&mut self, doc: &Document, seen: &mut Seen) -> Option<(DocRecord, Vec<Problem>)> {
        let made = make_record(doc, self.options, self.schema);
        self.take(made, seen)
    }

    /// [`Exporter::record`] of a record made apart ([`make_record`], on
    /// another thread), given in id order: counts it, adds the problems
    /// that depend on the documents before it (an empty or repeated id).
    /// `None` (a document the options leave out) is counted as such.
    pub fn take(&mut self, made: Option<Made>, seen: &mut Seen) -> Option<(DocRecord, Vec<Problem>)> {
        let Some(Made { record, problems: found, notes }) = made else {
            self.notes.documents_left_out += 1;
            return None;
        };
        self.notes.entities += notes.entities;
        self.notes.relations += notes.relations;
        self.notes.orphans += notes.orphans;
        self.notes.suggestions_clashing += notes.suggestions_clashing;
        let i = seen.count;
        seen.count += 1;
        self.notes.documents += 1;
        let mut problems = Vec::new();
        if record.id.is_empty() {
            // Named by its place, which only the export in order knows.
            let name = format!("documents[{i}]");
            problems.push(Problem::new(Some(&name), None, "id is empty"));
            problems.extend(validate_record(&record, &name, self.schema));
            return Some((record, problems));
        }
        if let Some(first) = seen.ids.insert(record.id.clone(), i) {
            problems.push(Problem::new(Some(&record.id), None, format!("duplicate document id (also documents[{first}])")));
        }
        problems.extend(found);
        Some((record, problems))
    }

    /// What the export counted (documents written, entities, relations,
    /// what was left out).
    pub fn notes(&self) -> &ExportNotes {
        &self.notes
    }
}

/// One document's record made apart from the export (see [`make_record`]):
/// the record, the problems found in it alone (none for a record whose id
/// is empty: those are found in order, by [`Exporter::take`]), and what it
/// adds to the notes.
#[derive(Debug)]
pub struct Made {
    pub record: DocRecord,
    pub problems: Vec<Problem>,
    pub notes: ExportNotes,
}

/// The work of [`Exporter::record`] that does not depend on the other
/// documents, so that it can be done on several threads: the record made
/// and checked; `None` when the options leave the document out (not done).
/// Its text is not hashed again: the record's `sha256` is the document's
/// own, made from that text.
pub fn make_record(doc: &Document, options: ExportOptions, schema: &Schema) -> Option<Made> {
    if options.done_only && doc.status() != Status::Done {
        return None;
    }
    let mut notes = ExportNotes::default();
    let record = document_record(doc, options.include_suggestions, &mut notes);
    let problems = if record.id.is_empty() { Vec::new() } else { validate_record_in(&record, &record.id, schema, doc.text(), false) };
    Some(Made { record, problems, notes })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::model::{CharIdx, DocId, Document};

    #[test]
    fn documents_serialized_apart_are_written_with_the_bytes_of_the_whole_dataset() {
        let schema = Schema::news();
        let mut docs = Vec::new();
        for (i, text) in ["Lavrov à Pékin.", "😀 « Macron »\n\tà Paris \"vite\".", "Biden"].into_iter().enumerate() {
            let mut doc = Document::new(DocId(format!("d{i}")), format!("d{i}.txt"), text.to_owned());
            let e = doc.add_span_edit(CharIdx::new(0), CharIdx::new(5), "PER");
            doc.apply(e, &schema).unwrap();
            doc.extra.insert("meta".into(), serde_json::json!({"a": [1, 2.5, null], "b": "x\ny"}));
            docs.push(doc);
        }
        let mut extra = crate::model::span::Extra::new();
        extra.insert("corpus".into(), serde_json::json!({"documents": [], "n": 1}));
        for n in [0, 1, 3] {
            let (dataset, _) = super::super::export(&docs[..n], &schema, &extra, ExportOptions::default()).unwrap();
            let mut whole = Vec::new();
            dataset.write_json(&mut whole).unwrap();
            let mut head = dataset.clone();
            head.documents.clear();
            let mut rendered = Vec::new();
            head.write_json_rendered(dataset.documents.iter().map(document_json), &mut rendered).unwrap();
            assert_eq!(String::from_utf8(rendered).unwrap(), String::from_utf8(whole).unwrap(), "{n} documents");
        }
    }
}
